"""Which natgrad source files a module uses, found by reading them, not importing them.

The Snakefile makes these the inputs of each job, so that editing a file
reruns exactly the jobs whose code imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["imported_sources"]

PACKAGE = Path(__file__).parent


def _module_file(dotted: str) -> Path | None:
    """``natgrad.a.b`` -> its source file (a module or a package's __init__), or None."""
    parts = dotted.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    else:
        parts.pop()  # a module's package
    return ".".join(parts)


def _imports(path: Path) -> set[Path]:
    """natgrad files imported anywhere in ``path`` (function-level imports too)."""
    found = set()
    package = _package_of(path)
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            # `from pkg import name`: name is a submodule or an attribute of pkg
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for dotted in names:
            parts = dotted.split(".")
            # importing a.b.c runs a/__init__ and a/b/__init__ as well
            for i in range(1, len(parts) + 1):
                file = _module_file(".".join(parts[:i]))
                if file:
                    found.add(file)
    return found


def imported_sources(*paths: str | Path) -> list[Path]:
    """``paths`` and every natgrad source file they import, transitively, sorted."""
    todo = [Path(p).resolve() for p in paths]
    seen: set[Path] = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        if p.suffix == ".py" and p.is_relative_to(PACKAGE):
            todo.extend(_imports(p) - seen)
    return sorted(seen)
