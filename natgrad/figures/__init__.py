"""The figures: one module per figure, named as the figure's file.

``natgrad/figures/<name>.py`` builds ``<name>.png`` from the config section
``<name>``: it defines ``build(**section) -> (Figure, data)`` and, if it reads
shared config sections too (``gaussian_data``), names them in
``SHARED_SECTIONS``. That is the whole registry: :func:`registry` finds the
modules by reading this folder, without importing them (the Snakefile asks on
every run, and a figure module imports matplotlib), and :func:`builder`
imports one when it is drawn.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

__all__ = ["FigureSpec", "registry", "builder", "FIGURES_DIR"]

#: Where the figure modules live.
FIGURES_DIR = Path(__file__).parent


@dataclass(frozen=True)
class FigureSpec:
    """What the pipeline needs to know of a figure before drawing it.

    Attributes
    ----------
    name : str
        The figure's file stem, its module's name and its config section.
    path : pathlib.Path
        The module's source file.
    sections : tuple of str
        The config sections it reads: its own, then the shared ones.
    summary : str
        The first line of the module's docstring.
    """

    name: str
    path: Path
    sections: tuple[str, ...]
    summary: str


def _read_spec(path: Path) -> FigureSpec:
    tree = ast.parse(path.read_text(), filename=str(path))
    shared: tuple[str, ...] = ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "SHARED_SECTIONS" for t in node.targets
        ):
            shared = tuple(ast.literal_eval(node.value))
    doc = (ast.get_docstring(tree) or path.stem).strip().splitlines()[0]
    return FigureSpec(path.stem, path, (path.stem, *shared), doc)


@cache
def registry() -> dict[str, FigureSpec]:
    """Every figure, by name, in file-name order."""
    return {
        p.stem: _read_spec(p)
        for p in sorted(FIGURES_DIR.glob("*.py"))
        if not p.name.startswith("_")
    }


def builder(name: str):
    """The ``build`` function of figure ``name`` (imports its module)."""
    if name not in registry():
        raise ValueError(f"unknown figure {name!r}; known: {', '.join(registry())}")
    return import_module(f"{__name__}.{name}").build
