"""The same bytes on every x86-64 CPU, shown on one machine.

Every library the pipeline computes with picks its kernels by CPU, and each has a switch to
pretend the CPU has less: NumPy's dispatch, torch's CPU capability, MKL's and oneDNN's
instruction sets, OpenBLAS's kernel, glibc's libm variants. The computing stages (prepare,
the five trainings with their checks, the report) are rerun under two such profiles, an AVX2 machine
without AVX-512 and a baseline x86-64-v2 machine without AVX or FMA (the oldest CPU the
NumPy wheel runs on), and every output must equal the committed bytes and the unrestricted
run's. The pipeline pins torch's capability and oneDNN's ISA itself (ames_tiers/portable/__init__.py), so
those two switches are overridden; the others are not, and are what this test varies.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ames_tiers.core import paths
from ames_tiers.models.registry import MODELS

from ..conftest import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e(seconds=23),  # its rough cost here: the longest start first
    # the profiles restrict x86-64 instruction sets; ARM's contract is docs/reproducibility.md's "On ARM"
    pytest.mark.skipif(platform.machine() != "x86_64", reason="x86-64 CPU profiles: not this CPU"),
]

AVX512_GLIBC = "-AVX512F,-AVX512DQ,-AVX512CD,-AVX512BW,-AVX512VL"
CPU_PROFILES = {
    "avx2": {
        "NPY_DISABLE_CPU_FEATURES": "AVX512_SPR AVX512_ICL X86_V4",
        "ATEN_CPU_CAPABILITY": "avx2",
        "MKL_ENABLE_INSTRUCTIONS": "AVX2",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "OPENBLAS_CORETYPE": "Haswell",
        "GLIBC_TUNABLES": f"glibc.cpu.hwcaps={AVX512_GLIBC}",
    },
    "x86-64-v2": {
        "NPY_DISABLE_CPU_FEATURES": "AVX512_SPR AVX512_ICL X86_V4 X86_V3",
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
        "OPENBLAS_CORETYPE": "Nehalem",
        "GLIBC_TUNABLES": f"glibc.cpu.hwcaps=-AVX,-AVX2,-FMA,-BMI1,-BMI2,-F16C,{AVX512_GLIBC}",
    },
}

# What each profile takes away from a CPU that has it (NumPy's name for the feature): on a CPU
# without it the profile is the CPU itself, and the check that it restricts something is skipped.
TAKES_AWAY = {"avx2": "AVX512F", "x86-64-v2": "AVX2"}
# A probe whose bits the profiles change (NumPy's float64 exp is vectorized for AVX-512 only,
# its float32 exp for AVX2 and AVX-512), so that a profile that silently restricts nothing
# (a renamed switch, a library that stopped reading it) fails here instead of passing.
EXP_PROBE = (
    "import hashlib, numpy as np; x = np.linspace(-20, 20, 100001)\n"
    "for a in (x, x.astype(np.float32)): print(hashlib.sha256(np.exp(a).tobytes()).hexdigest())"
)


def outputs(root: Path) -> dict[str, bytes]:
    """Every file the computing stages write."""
    dirs = (
        paths.PREPARED_DIR,
        paths.METRICS_DIR,
        paths.MODELS_DIR,
        paths.LOSS_DIR,
        paths.PREDICTIONS_DIR,
        paths.FIGURES_DIR,
        paths.REPORT_FIGURES_DIR,
    )
    files = sorted(p for d in dirs for p in (root / d).rglob("*") if p.is_file())
    found = {str(p.relative_to(root)): p.read_bytes() for p in files}
    found[str(paths.REPORT_HTML)] = (root / paths.REPORT_HTML).read_bytes()
    return found


# The computing stages' main() functions one after the other, in one process per profile
# (the profile's switches must be set before NumPy and torch are imported, so not in pytest's
# process): the same code as `dvc repro` runs, without paying the imports seven times.
COMPUTING_STAGES = """
import argparse
from stages import prepare, report, train
from ames_tiers.models.registry import MODELS
prepare.main(argparse.Namespace())
for model in MODELS:
    train.main(argparse.Namespace(model=model))
report.main(argparse.Namespace())
"""


def run_restricted(source: Path, dest: Path, env: dict[str, str]) -> dict[str, bytes]:
    root = shutil.copytree(source, dest, symlinks=True)
    for figures in (paths.FIGURES_DIR, paths.REPORT_FIGURES_DIR):  # or the report would keep them
        shutil.rmtree(root / figures)
    result = subprocess.run([sys.executable, "-c", COMPUTING_STAGES], cwd=root, env=env, capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0, f"the computing stages failed under {env}:\n{result.stderr[-2000:]}"
    return outputs(root)


def restricting() -> list[str]:
    """The profiles that take something away from this CPU (the others would run what it runs)."""
    from numpy._core._multiarray_umath import __cpu_features__

    return [name for name in CPU_PROFILES if __cpu_features__.get(TAKES_AWAY[name])]


def skip_unless_it_takes_something_away(profile: str) -> None:
    if profile not in restricting():
        pytest.skip(f"this CPU has no {TAKES_AWAY[profile]}: the {profile} profile takes nothing from it")


@pytest.fixture(scope="module")
def restricted_runs(reproduced, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    root, env, _ = reproduced
    base = tmp_path_factory.mktemp("cpu_profiles")
    with ThreadPoolExecutor(max_workers=len(CPU_PROFILES)) as pool:  # one core each
        futures = {
            name: pool.submit(run_restricted, root, base / name, {**env, **CPU_PROFILES[name]})
            for name in restricting()
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("profile", CPU_PROFILES)
def test_each_profile_really_restricts_the_cpu(profile, reproduced):
    skip_unless_it_takes_something_away(profile)
    _, env, _ = reproduced

    def probe(extra: dict[str, str]) -> str:
        return subprocess.run(
            [sys.executable, "-c", EXP_PROBE],
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert probe(CPU_PROFILES[profile]) != probe({}), "np.exp gives the same bits: nothing restricted"


@pytest.mark.parametrize("profile", CPU_PROFILES)
def test_outputs_are_byte_identical_on_a_restricted_cpu(profile, restricted_runs, reproduced):
    skip_unless_it_takes_something_away(profile)
    root, _, _ = reproduced
    unrestricted = outputs(root)
    restricted = restricted_runs[profile]
    assert restricted.keys() == unrestricted.keys()
    assert [name for name in restricted if restricted[name] != unrestricted[name]] == []
    tracked = set(
        subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    )
    committed = {name: (REPO / name).read_bytes() for name in restricted if name in tracked}
    # data.json; per model: metrics, parity, loss curve, predictions; figures; the report
    n_figures = len(paths.RUN_FIGURES) + len(paths.MODEL_FIGURES) * len(MODELS)
    assert len(committed) == 1 + 4 * len(MODELS) + n_figures + 1
    assert [name for name in committed if restricted[name] != committed[name]] == []


def test_importing_the_pipeline_pins_torchs_kernels(reproduced):
    _, env, _ = reproduced
    code = "import ames_tiers.portable, torch; print(torch.backends.cpu.get_cpu_capability())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**env, "ATEN_CPU_CAPABILITY": "avx512", "MKL_CBWR": "AUTO"},
        check=True,
    )
    assert result.stdout.strip() == "DEFAULT"
