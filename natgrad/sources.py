"""Which natgrad source files a module uses, found by reading them, not importing them.

The Snakefile makes these the inputs of each job, so that editing a file
reruns exactly the jobs whose code imports it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["imported_sources", "figure_inputs", "forget"]

PACKAGE = Path(__file__).parent


@cache
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


# `from .x import a, (b, c)` and `import natgrad.x as y`, wherever they stand
# (function-level imports count). Read as text, not parsed: the Snakefile asks
# on every run, and a regular expression reads a file ten times faster than ast.
# An import written in a docstring or a string would count too: harmless, the
# job would only rerun more often than it needs to.
_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)", re.M)
_NAME = r"[\w.]+(?:[ \t]+as[ \t]+\w+)?"
_IMPORT = re.compile(rf"^[ \t]*import[ \t]+({_NAME}(?:[ \t]*,[ \t]*{_NAME})*)", re.M)


@cache
def _imports(path: Path) -> frozenset[Path]:
    """natgrad files imported anywhere in ``path`` (function-level imports too).

    Cached: the Snakefile asks for every job, and most jobs share most files.
    """
    text = path.read_text()
    package = _package_of(path)
    dotted = []
    for dots, module, names in _FROM.findall(text):
        if dots:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (len(dots) - 1)]
            base = ".".join([*anchor, module] if module else anchor)
        else:
            base = module
        names = [n.split()[0] for n in names.strip("()").replace("\n", " ").split(",") if n.strip()]
        # `from pkg import name`: name is a submodule or an attribute of pkg
        dotted += [base, *(f"{base}.{n}" for n in names)]
    for group in _IMPORT.findall(text):
        dotted += [part.split()[0] for part in group.split(",")]
    found = set()
    for name in dotted:
        parts = name.split(".")
        # importing a.b.c runs a/__init__ and a/b/__init__ as well
        for i in range(1, len(parts) + 1):
            file = _module_file(".".join(parts[:i]))
            if file:
                found.add(file)
    return frozenset(found)


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


def figure_inputs(name: str) -> list[Path]:
    """Every file a figure's job reads: the natgrad modules its module and the
    renderer import, the style, and the job's adapter (workflow/scripts/render.py).

    The Snakefile makes them the job's inputs and hashes them into its manifest
    (:func:`natgrad.manifest.inputs_sha256`); the live preview hashes the same.
    """
    return [
        *imported_sources(PACKAGE / "render.py", PACKAGE / "figures" / f"{name}.py"),
        PACKAGE / "natgrad.mplstyle",
        PACKAGE.parent / "workflow" / "scripts" / "render.py",
    ]


def forget() -> None:
    """Forget the files read so far: they may have changed (the live preview asks again)."""
    _imports.cache_clear()
