"""Comments and docs that stay true: every repository path, module (ames_tiers.core.paths,
tools.compare, stages.train, ...) and `python -m ...` command named in README.md, docs/,
params.yaml, dvc.yaml, BENCHMARKS.md and the code's docstrings and comments exists; every docs
page is one click from the README, and every link between pages lands."""

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
       ".ci", ".dvc", ".github", "notebooks", "docs")  # fmt: skip
PATH = re.compile(rf"(?<![\w./-])(?:{'|'.join(map(re.escape, TOP))})/[\w./-]*[\w/]")
MODULE = re.compile(r"(?<![\w./-])(?:ames_tiers|stages|tools|benchmarks)(?:\.[a-z_]\w*)+")
PLACEHOLDER = re.compile(r"<[^>]*>|\$\{|\*|\{")

PAGES = sorted((REPO / "docs").glob("*.md"))
DOCS = [REPO / "README.md", *PAGES, REPO / "params.yaml", REPO / "dvc.yaml", REPO / "BENCHMARKS.md",
        REPO / "search.yaml"]  # fmt: skip
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
            after = line[match.end() : match.end() + 1]  # plots/search/<study>.html: a placeholder
            if not PLACEHOLDER.search(line[match.start() : match.end() + 1]) and after != "<":
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


def test_the_layout_page_names_every_folder_and_library_part():
    text = (REPO / "docs" / "layout.md").read_text()
    layout = text.split("```")[1]
    named = {line.split()[0].rstrip("/") for line in layout.splitlines() if line.strip()}
    top_level = {p.name for p in REPO.iterdir() if p.is_dir() and not p.name.startswith(".")}
    ignored = {"__pycache__", "dvc_plots", ".pytest_cache", ".hypothesis"}
    assert top_level - ignored - {n.split("/")[0] for n in named} == set()
    library = {p.name for p in (REPO / "ames_tiers").iterdir() if p.name != "__init__.py"} - ignored
    assert library - named == set()


LINK = re.compile(r"\]\(([^)#\s]+\.md)(#[^)]*)?\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchor of each heading: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)
    return {"#" + re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_docs_page_is_one_click_from_the_readme_and_every_link_lands():
    readme = (REPO / "README.md").read_text()
    linked = {target for target, _ in LINK.findall(readme)}
    assert {f"docs/{p.name}" for p in PAGES} <= linked
    for page in [REPO / "README.md", *PAGES]:
        for target, anchor in LINK.findall(page.read_text()):
            landing = (page.parent / target).resolve()
            assert landing.is_file(), f"{page.name} links to {target}, which does not exist"
            assert not anchor or anchor in anchors(landing), (
                f"{page.name}: {target}{anchor} has no such heading"
            )


def test_the_readme_is_a_front_door():
    assert len((REPO / "README.md").read_text().splitlines()) <= 150
