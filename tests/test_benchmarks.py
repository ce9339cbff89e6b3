"""benchmarks/run.py's arithmetic and table (the measurements themselves take minutes; run
`python -m benchmarks.run` to regenerate BENCHMARKS.md)."""

from benchmarks.run import (
    DVC_FLOOR,
    TARGETS,
    import_seconds,
    install_section,
    markdown,
    replace_section,
    search_section,
)


def test_import_seconds_adds_the_top_level_imports_only():
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       100 |     500000 | numpy\n"
        "import time:        50 |     200000 |   numpy.linalg\n"
        "import time:        10 |    1000000 | torch\n"
    )
    assert import_seconds(stderr) == 1.5


INSTALL = {"README's set-up (uv), empty cache": 30.0, "README's set-up (uv), warm cache": 9.0,
           "pip install --require-hashes -r requirements.lock, empty cache": 240.0}  # fmt: skip


def test_the_install_section_gives_ratios_to_the_readmes_set_up_and_its_target():
    lines = install_section(INSTALL)
    assert "| README's set-up (uv), empty cache | 30.0 | 1.00x | <= 60 s: met |" in lines
    assert "| pip install --require-hashes -r requirements.lock, empty cache | 240.0 | 8.00x |  |" in lines
    slow = install_section({**INSTALL, "README's set-up (uv), empty cache": 61.0})
    assert "<= 60 s: NOT met" in slow[7]


def test_one_section_is_replaced_and_the_others_kept():
    page = "# Benchmarks\n\nintro\n\n## A\n\nold a\n\n"
    page += "## Setting up a new machine from the lock\n\nold\n\n## C\n\nc\n"
    section = install_section(INSTALL)
    new = replace_section(page, section)
    assert "old\n" not in new.replace("old a", "") and "## A\n\nold a" in new and "## C\n\nc" in new
    assert new.count("## Setting up a new machine") == 1 and "| 240.0 |" in new
    assert replace_section("# Benchmarks\n", section).endswith("\n".join(section) + "\n")


SEARCH = {
    "tools.search --jobs 1": 9.0,
    "tools.search --jobs 2": 5.0,
    "dvc exp run --temp ... train@mlp (a trial without Optuna)": 8.0,
    "dvc exp run --temp ..., every stage (the report too)": 10.0,
    "dvc exp run --temp ..., every stage, no bytecode (a trial before)": 18.0,
    "python -m stages.check_params": 0.5,
    "python -m stages.train mlp": 3.5,
    "python -m stages.train mlp, no bytecode": 9.5,
    "in one process: fit and metrics (the issue's baseline)": 2.0,
    "in one process: fit, metrics and parity checks": 2.5,
}


def test_the_search_section_gives_seconds_per_trial_against_training_in_one_process_and_the_floor():
    lines = search_section(SEARCH)
    assert "| tools.search --jobs 1 | 9.00 | 4.50x | <= 3x: NOT met |" in lines
    assert (
        "| tools.search --jobs 2 | 5.00 | 2.50x | trials per minute 1.80x one job's, >= 1.7x: met |" in lines
    )
    assert "| in one process: fit and metrics (the issue's baseline) | 2.00 | 1.00x |  |" in lines
    text = " ".join(lines)
    assert "18.0 s before" in text and "9.0 s now, 2.00x faster" in text
    assert "Optuna and the guard 1.0 s" in text and "DVC 4.0 s" in text and "check_params 0.5 s" in text
    assert "train@mlp stage's process 3.5 s" in text and "4.0x the baseline" in text
    met = search_section({**SEARCH, "tools.search --jobs 1": 6.0})
    assert "| tools.search --jobs 1 | 6.00 | 3.00x | <= 3x: met |" in met


def test_the_table_gives_ratios_and_verdicts():
    times = {"notebook script (baseline)": [10.0, 10.0, 12.0], **{k: [5.0, 6.0, 7.0] for k in TARGETS}}
    times[DVC_FLOOR] = [4.0, 4.5, 5.0]
    page = markdown({
        "repeats": 3, "when": "2026-11-30 12:00", "times": times, "sweep": {1: (4.0, 0), 2: (7.5, 1)},
        "stages": [("train@mlp", 7.0, 3.0), ("report", 3.0, 1.0), ("plots_template", 2.0, 0.0)],
        "mlp": {"notebook loop": 1.5},
        "tests": 170.0, "search": SEARCH,
        "install": INSTALL, "redrawn": (4, 18),
    })  # fmt: skip
    assert "| cold dvc repro --force | 6.00 | 5.00 | 7.00 | 0.60x | <= 2.5x: met |" in page
    assert "| no-op dvc repro | 6.00 | 5.00 | 7.00 | 0.60x | <= 0.1x: NOT met |" in page
    assert "| 2 | 7.5 | 1 |" in page and "| train@mlp | 7.00 | 3.00 | 4.00 |" in page
    assert "took 170 s" in page
    assert "## The search: seconds per trial" in page
    # where the time goes: the stages run directly (10 s, 4 s of imports) and DVC's no-op
    assert "the stages take 12.00 s run directly (1.20x the script), 4.00 s of it imports" in page
    assert "train@mlp 7.00 s (3.00 s imports; its 1000-epoch loop 1.50 s" in page
    assert "in the run it redrew 4 of 18" in page and "(2.00 s, 2.00 s of it its work" in page
    # the no-op's floor: DVC alone in an empty project, and what this project's stages add to it
    assert "empty DVC project takes 4.50 s (0.45x" in page and "the other 1.50 s is parsing" in page
