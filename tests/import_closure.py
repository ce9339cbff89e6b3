"""Which of the project's source files a module imports, directly or not (statically: every
import statement, at the top of a module or inside a function)."""

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


def _imported_modules(path: Path, module: str) -> set[str]:
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
            todo.extend(_imported_modules(path, ".".join(parts[:i])))
    return {p.relative_to(root) for p in seen}
