"""Comments and docs that stay true: every repository path, module (ames_tiers.core.paths,
tools.compare, stages.train, ...) and `python -m ...` command named in README.md, params.yaml,
dvc.yaml, BENCHMARKS.md and the code's docstrings and comments exists."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest
from dvc.repo import Repo

from .conftest import REPO
from .import_closure import module_file

TOP = ("ames_tiers", "stages", "tools", "tests", "benchmarks", "plots", "metrics", "data", "models",
       ".ci", ".dvc", ".github", "notebooks")  # fmt: skip
PATH = re.compile(rf"(?<![\w./-])(?:{'|'.join(map(re.escape, TOP))})/[\w./-]*[\w/]")
MODULE = re.compile(r"(?<![\w./-])(?:ames_tiers|stages|tools|benchmarks)(?:\.[a-z_]\w*)+")
PLACEHOLDER = re.compile(r"<[^>]*>|\$\{|\*|\{")

DOCS = [REPO / "README.md", REPO / "params.yaml", REPO / "dvc.yaml", REPO / "BENCHMARKS.md"]
CODE = sorted(
    p for d in ("ames_tiers", "stages", "tools", "benchmarks", "tests") for p in (REPO / d).rglob("*.py")
)


def dvc_outputs() -> set[str]:
    """What the pipeline writes: a fresh clone has none of its DVC-cached outputs until repro."""
    return {str(out.def_path) for stage in Repo(str(REPO)).index.stages for out in stage.outs}


OUTPUTS = dvc_outputs()


def path_exists(text: str) -> bool:
    path = text.rstrip("/.")
    if (REPO / path).exists() or any(path == o or path.startswith(o + "/") for o in OUTPUTS):
        return True
    return any(o.startswith(path + "/") for o in OUTPUTS)  # a folder of outputs (models/)


def module_exists(name: str) -> bool:
    parts = name.split(".")
    for i in range(len(parts), 1, -1):  # ames_tiers.core.paths.RAW_CSV: a module, then an attribute
        if module_file(REPO, ".".join(parts[:i])) or (REPO / Path(*parts[:i])).with_suffix(".py").is_file():
            return True
    return False


def prose(path: Path) -> str:
    """What a reader takes as a claim: a document's text; a module's docstrings and comments
    (not its string literals, which are data)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    nodes = [node for node in ast.walk(ast.parse(text)) if isinstance(node, DOCUMENTED)]
    docstrings = [doc for node in nodes if (doc := ast.get_docstring(node, clean=False))]
    comments = [
        t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT
    ]
    return "\n".join(docstrings + comments)


DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def named_in(path: Path) -> list[tuple[str, str]]:
    text = prose(path)
    found = []
    for line in text.splitlines():
        for match in PATH.finditer(line):
            if not PLACEHOLDER.search(line[match.start() : match.end() + 1]):
                found.append(("path", match.group(0)))
        for match in MODULE.finditer(line):
            if not match.group(0).endswith((".py", ".md", ".yaml", ".json", ".csv", ".png", ".html")):
                found.append(("module", match.group(0)))
    return found


@pytest.mark.parametrize("doc", DOCS + CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_every_path_and_module_named_exists(doc):
    missing = [
        f"{kind} {name}"
        for kind, name in named_in(doc)
        if not (path_exists(name) if kind == "path" else module_exists(name))
    ]
    assert not missing, f"{doc.relative_to(REPO)} names what does not exist: {missing}"


def test_the_readmes_layout_names_every_folder_and_subpackage():
    text = (REPO / "README.md").read_text()
    layout = text[text.index("## Layout") :].split("```")[1]
    named = {line.split()[0].split("/")[0] for line in layout.splitlines() if line.strip()}
    tracked = {p.name for p in REPO.iterdir() if p.name not in {".git", ".venv", "dvc_plots"}}
    top_level = {n for n in tracked if (REPO / n).is_dir() and not n.startswith(".")} - {"__pycache__"}
    subpackages = {p.parent.name for p in (REPO / "ames_tiers").glob("*/__init__.py")}
    assert top_level - named - {".pytest_cache", ".hypothesis"} == set()
    assert subpackages - named == set()
