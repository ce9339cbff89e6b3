"""Which of the project's source files a module imports, directly or not (statically: every
import statement, at the top of a module or inside a function), and the dvc.yaml code deps
that they make: a subpackage's folder, or a file at the top of a package."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGES = ("ames_tiers", "stages", "tools")


def module_file(root: Path, module: str) -> Path | None:
    """The project file that defines ``module``, or None for a third-party module."""
    if module.split(".")[0] not in PACKAGES:
        return None
    base = root / Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path, module: str) -> set[str]:
    """Every module named by an import statement of ``path`` (which defines ``module``)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return found


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def closure(root: Path, module: str) -> set[Path]:
    """The project files ``module`` needs: itself, what it imports, and every package
    __init__.py on the way (Python runs those first)."""
    seen: set[Path] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # the packages, then the module itself
            path = module_file(root, ".".join(parts[:i]))
            if path is None or path in seen:
                continue
            seen.add(path)
            todo.extend(imported_modules(path, ".".join(parts[:i])))
    return {p.relative_to(root) for p in seen}


def third_party_imports(root: Path, files: set[Path]) -> set[str]:
    """The top-level names of the non-project modules that ``files`` import."""
    names = set()
    for f in files:
        for module in imported_modules(root / f, _module_name(root, root / f)):
            if module and module.split(".")[0] not in PACKAGES:
                names.add(module.split(".")[0])
    return names


def is_docstring_only(path: Path) -> bool:
    """A module whose only statement is its docstring: importing it cannot change a result."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return len(body) <= 1 and all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body)


# subpackages whose files are deps one by one: each model's file is its own stage's alone
FILE_BY_FILE = {Path("ames_tiers/train")}


def code_dep(path: Path) -> Path:
    """The dvc.yaml dep that covers a project file: its subpackage's folder
    (ames_tiers/models/registry.py -> ames_tiers/models), or the file itself at a package's top
    or in a FILE_BY_FILE subpackage (ames_tiers/train/mlp.py)."""
    if len(path.parts) > 2 and Path(*path.parts[:2]) not in FILE_BY_FILE:
        return Path(*path.parts[:2])
    return path


def code_deps(root: Path, files: set[Path]) -> set[Path]:
    """The folders and files dvc.yaml must list for a stage that imports ``files`` (a file that
    is only a docstring cannot change a result)."""
    return {code_dep(f) for f in files if code_dep(f) != f or not is_docstring_only(root / f)}
