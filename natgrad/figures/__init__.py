"""The figures: one module per figure, named as the figure's file.

``natgrad/figures/<name>.py`` builds ``<name>.png`` from the config section
``<name>``: it defines ``build(**section) -> (Figure, data)`` and, if it reads
shared config sections too (``gaussian_data``), names them in
``SHARED_SECTIONS``; ``describe(data, **section) -> {"alt", "description"}``
writes its text alternative from the numbers ``build`` drew. One that runs a
descent takes the pipeline-wide setting ``on_divergence`` as a keyword
(:data:`SETTINGS`). That is the whole registry:
:func:`registry` finds the modules by reading this folder, without importing
them (the Snakefile asks on every run, and a figure module imports matplotlib),
and :func:`builder` imports one when it is drawn.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

__all__ = ["FigureSpec", "registry", "builder", "describer", "FIGURES_DIR", "SETTINGS"]

#: Where the figure modules live.
FIGURES_DIR = Path(__file__).parent

#: The pipeline-wide settings a figure's ``build`` may take beside its sections:
#: a figure is given those its ``build`` names (a descent's divergence policy
#: means nothing to a figure that runs none).
SETTINGS = ("on_divergence",)


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
    settings : tuple of str
        The :data:`SETTINGS` its ``build`` takes as keywords.
    """

    name: str
    path: Path
    sections: tuple[str, ...]
    summary: str
    settings: tuple[str, ...] = ()


def _read_spec(path: Path) -> FigureSpec:
    tree = ast.parse(path.read_text(), filename=str(path))
    shared: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "SHARED_SECTIONS" for t in node.targets
        ):
            shared = tuple(ast.literal_eval(node.value))
        elif isinstance(node, ast.FunctionDef) and node.name == "build":
            named = {a.arg for a in (*node.args.args, *node.args.kwonlyargs)}
            settings = tuple(s for s in SETTINGS if s in named)
    doc = (ast.get_docstring(tree) or path.stem).strip().splitlines()[0]
    return FigureSpec(path.stem, path, (path.stem, *shared), doc, settings)


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


def describer(name: str):
    """The ``describe`` function of figure ``name``: its text alternative, a pure
    function of the data its ``build`` returned and its section (imports its module).

    A module without one gets its docstring's first line as ``alt`` and no
    description (README, "Adding a figure", asks for a ``describe``).
    """
    describe = getattr(import_module(f"{__name__}.{name}"), "describe", None)
    if describe is None:
        summary = registry()[name].summary

        def describe(data: dict, **section) -> dict[str, str]:
            return {"alt": summary, "description": ""}

    return describe
