"""Drawing a figure into files: the one function every figure job (and the sweep) calls
per variant (:meth:`natgrad.pipeline.jobs.FigureJob.render`), and the figure rule's
command (:func:`main`)::

    python -P -m natgrad.pipeline.render JOB --log LOG

The figure layer's errors are one line that names the figure and the config
setting; the mathematics below it raises errors that carry only numbers.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..drawing.divergence import FigureError
from ..drawing.style import resolve_usetex, style_context
from ..errors import DivergenceError
from ..figures import builder, describer, registry
from .io import plain, save_figure, write_json

__all__ = ["FigureError", "build", "describe", "main", "render"]


def build(name: str, params: dict, *, on_divergence: str = "raise") -> tuple:
    """Figure ``name`` built from ``params`` in matplotlib's current style, not saved.

    Parameters
    ----------
    name : str
        A figure of :func:`natgrad.figures.registry`.
    params : dict
        Its config section, with the shared sections it reads under their names.
    on_divergence : {"raise", "stop"}
        Given to the figures that run a descent (their spec's ``settings``).

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The figure and the numbers it draws.

    Raises
    ------
    FigureError
        One line naming the figure (and the setting) when a descent diverges.
    """
    draw = builder(name)  # an unknown name fails here, naming the known ones
    settings = {"on_divergence": on_divergence}
    kwargs = {**params, **{k: settings[k] for k in registry()[name].settings}}
    try:
        return draw(**kwargs)
    except (FigureError, DivergenceError) as err:
        raise FigureError(
            f"figure {name}: {err} (or set on_divergence: stop to draw the path up to "
            "the divergence)"
        ) from None


def describe(name: str, data: dict, params: dict) -> dict[str, str]:
    """Figure ``name``'s text alternative: its ``alt`` and description.

    Parameters
    ----------
    name : str
        A figure of :func:`natgrad.figures.registry`.
    data : dict
        What its ``build`` returned, or its data sidecar's ``data``: the module's
        ``describe`` is given it as the sidecar holds it (plain lists, keys
        sorted), so the text read back from a sidecar is the job's own.
    params : dict
        Its config section, with the shared sections it reads under their names.

    Returns
    -------
    dict
        ``{"figure": name, "alt": ..., "description": ...}``.
    """
    return _describe_stored(name, json.loads(json.dumps(plain(data), sort_keys=True)), params)


def _describe_stored(name: str, stored: dict, params: dict) -> dict[str, str]:
    """:func:`describe` of data already as its sidecar stores it."""
    import numpy as np

    # a path stopped at a divergence holds numbers near overflow: its text says
    # "not finite" where the arithmetic overflows, without a warning in the log
    with np.errstate(over="ignore", invalid="ignore"):
        said = describer(name)(stored, **params)
    return {"figure": name, "alt": said["alt"], "description": said["description"]}


def render(
    name: str,
    params: dict,
    figure_paths: Sequence[str | os.PathLike],
    data_path: str | os.PathLike,
    *,
    usetex: bool = False,
    dpi: float = 100,
    on_divergence: str = "raise",
    text_path: str | os.PathLike | None = None,
) -> dict:
    """Build figure ``name`` from ``params``, save it in every format, write its data
    (and its text alternative).

    Parameters
    ----------
    name : str
        A figure of :func:`natgrad.figures.registry`.
    params : dict
        Its config section, with the shared sections it reads under their names.
    figure_paths : sequence of path-like
        One output per format (.png, .pdf, .svg).
    data_path : path-like
        Where the JSON sidecar of drawn numbers goes.
    usetex : bool
        Set text with LaTeX (which must be installed) rather than mathtext.
    dpi : float
    on_divergence : {"raise", "stop"}
        What a diverging descent does: fail naming the setting, or draw the
        path up to the divergence (and say so in the log).
    text_path : path-like, optional
        Where the JSON of its text alternative goes (:func:`describe`).

    Returns
    -------
    dict
        The sidecar data.

    Raises
    ------
    FigureError
        One line naming the figure (and the setting) when a descent diverges.
    """
    with style_context(resolve_usetex(usetex)):
        fig, data = build(name, params, on_divergence=on_divergence)
        # Data first: a figure on disk always has its sidecar beside it.
        write_json({"figure": name, "params": params, "data": data}, data_path)
        if text_path is not None:
            # described from the sidecar just written: the data as stored, read back
            # (a tenth of the time of serialising it again)
            stored = json.loads(Path(data_path).read_text())["data"]
            write_json(_describe_stored(name, stored, params), text_path)
        save_figure(fig, figure_paths, dpi=dpi)
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """Draw the job JOB (:meth:`natgrad.pipeline.jobs.FigureJob.to_json`, the figure
    rule's ``params``), everything written to stderr (tracebacks included) going
    to LOG; a figure's error is also one line on the terminal.

    Returns
    -------
    int
        The exit status: 0, or 1 after a figure's error (Snakemake then removes
        the job's outputs).
    """
    import argparse

    from .jobs import FigureJob

    parser = argparse.ArgumentParser(prog="python -m natgrad.pipeline.render")
    parser.add_argument("job", help="the job's record as JSON (FigureJob.to_json)")
    parser.add_argument("--log", required=True)
    args = parser.parse_args(argv)
    # for the rest of the process, so that any traceback lands in the log too
    sys.stderr = open(args.log, "w")
    try:
        FigureJob.from_json(args.job).render()
    except FigureError as err:
        for stream in (sys.stderr, sys.__stderr__):
            print(f"natgrad: {err}", file=stream)
        return 1
    return 0


if __name__ == "__main__":
    # Run by -m, this file is __main__ and is imported again as
    # natgrad.pipeline.render by FigureJob.render: its functions twice, no state.
    sys.exit(main())
