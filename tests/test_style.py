"""The house style (pyproject.toml [tool.ruff]): the whole tree is formatted and lint-clean."""

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

RUFF = Path(sys.executable).parent / "ruff"  # this venv's, pinned in pyproject.toml


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]])
def test_ruff_is_clean(command):
    if not RUFF.exists():
        pytest.fail("ruff is not installed in this environment: uv pip sync requirements.lock")
    result = subprocess.run([str(RUFF), *command, "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
