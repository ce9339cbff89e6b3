"""The environment is the lock: requirements.lock is what pyproject.toml's dependencies give, and
what is installed here is exactly the lock (for this platform), every package at its version.
Both fail with what differs and the one command that mends it."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.doc_blocks import doc_block
from tools.lock import LOCK, REPO, TORCH_WHEELS

PROJECT = "ames-tiers"
# what a venv brings before anything is installed (python -m venv), and the project itself
# where `pip install -e .` installed it: neither is a locked dependency
NOT_LOCKED = {"pip", PROJECT}


def lock_entries(text: str) -> dict[str, list[tuple[Requirement, list[str]]]]:
    """{package: [(requirement with its marker, the packages it is `# via`)]}."""
    entries: dict[str, list[tuple[Requirement, list[str]]]] = {}
    current = None
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            current = Requirement(line.rstrip(" \\"))
            entries.setdefault(canonicalize_name(current.name), []).append((current, []))
        elif (
            current is not None
            and (via := re.match(r"\s+#\s+(?:via\s+)?([\w.-]+)", line))
            and via.group(1) != "via"  # "# via" alone: the names follow, one a line
        ):
            entries[canonicalize_name(current.name)][-1][1].append(canonicalize_name(via.group(1)))
    return entries


def locked_here() -> dict[str, str]:
    """{package: version} the lock gives on this platform and Python."""
    pins = {}
    for name, options in lock_entries(LOCK.read_text(encoding="utf-8")).items():
        for requirement, _ in options:
            if requirement.marker is None or requirement.marker.evaluate():
                (spec,) = requirement.specifier
                pins[name] = spec.version
    return pins


def installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def direct_dependencies() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in project["dependencies"] + extras]


def test_what_is_installed_is_exactly_the_lock():
    pins, have = locked_here(), installed()
    wrong = sorted(f"{name} {have[name]} (the lock: {pins[name]})" for name in pins.keys() & have.keys()
                   if have[name] != pins[name])  # fmt: skip
    missing = sorted(pins.keys() - have.keys())
    extra = sorted(have.keys() - pins.keys() - NOT_LOCKED)
    assert not (wrong or missing or extra), (
        f"this environment is not requirements.lock: other versions {wrong}, missing {missing}, "
        f"not in the lock {extra}; run: uv pip sync requirements.lock (README, Set up)"
    )


def test_the_lock_pins_every_package_with_hashes():
    text = LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[^ #\n])", text.split("\n", 1)[1])
    for block in blocks:
        requirement = Requirement(block.split("\\")[0].strip())
        assert str(requirement.specifier).startswith("=="), block
        assert "--hash=sha256:" in block, f"{requirement.name} has no hash in requirements.lock"
    assert len(blocks) > 200  # the whole tree, not the direct list


def test_the_lock_follows_pyprojects_direct_dependencies():
    """Without a network: each direct dependency is in the lock at its pinned version and
    marker, and the lock's direct entries (`# via ames-tiers`) are exactly those; every other
    entry is there because a locked package needs it."""
    entries = lock_entries(LOCK.read_text(encoding="utf-8"))
    direct = direct_dependencies()
    for requirement in direct:
        options = entries.get(canonicalize_name(requirement.name), [])
        versions = {str(locked.specifier) for locked, _ in options}
        assert str(requirement.specifier) in versions, (
            f"pyproject.toml wants {requirement}, requirements.lock has {versions or 'nothing'}: "
            "run python -m tools.lock"
        )
    names = {canonicalize_name(r.name) for r in direct}
    via_project = {name for name, options in entries.items() for _, via in options if PROJECT in via}
    assert via_project == names, f"run python -m tools.lock: {sorted(via_project ^ names)} differ"
    for name, options in entries.items():
        for _, via in options:
            assert via and all(v == PROJECT or v in entries for v in via), f"{name}: via {via}"


def test_the_readmes_set_up_installs_the_lock_with_the_locked_uv():
    setup = doc_block(REPO / "README.md", "setup")
    assert setup[:2] == ["python3.11 -m venv .venv", ". .venv/bin/activate"]  # before any install
    uv = next(line for line in setup if line.startswith("pip install"))
    assert uv == f"pip install uv=={locked_here()['uv']}"
    assert f"uv pip sync requirements.lock --compile-bytecode --find-links {TORCH_WHEELS}" in setup
    assert setup[-1] == "dvc repro"


def test_the_packages_were_installed_with_their_bytecode():
    # --compile-bytecode in the set-up: where PYTHONDONTWRITEBYTECODE is set (CI containers,
    # this machine), Python never writes it, and each stage's process compiled torch's and
    # scikit-learn's sources again: train@mlp 11.9 s against 7.8 s (BENCHMARKS.md, the search)
    import importlib.util

    missing = [
        name
        for name in ("torch", "sklearn", "dvc", "optuna")
        if not Path(importlib.util.cache_from_source(importlib.util.find_spec(name).origin)).is_file()
    ]
    assert not missing, (
        f"{', '.join(missing)} installed without bytecode; run: uv pip sync requirements.lock "
        "--compile-bytecode (README, Set up)"
    )
