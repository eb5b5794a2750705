"""Drawing a figure into files: the one function every figure job (and the sweep) calls.

The figure layer's errors are one line that names the figure and the config
setting; the mathematics below it raises errors that carry only numbers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from ..drawing.divergence import FigureError
from ..drawing.style import resolve_usetex, style_context
from ..errors import DivergenceError
from ..figures import builder, describer, registry
from .io import plain, save_figure, write_json
from .manifest import write_manifest

__all__ = ["FigureError", "build", "describe", "render", "render_batch"]


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


def render_batch(
    name: str,
    sections: Sequence[dict],
    config_hashes: Sequence[str],
    figure_paths: Sequence[str | os.PathLike],
    data_paths: Sequence[str | os.PathLike],
    manifest_paths: Sequence[str | os.PathLike],
    *,
    inputs: Sequence[str] | None = None,
    text_paths: Sequence[str | os.PathLike] = (),
    **options,
) -> None:
    """:func:`render` figure ``name`` once per section, each with its own manifest.

    A figure job is a batch of one; a sweep job a batch of variants. The
    figure paths are the variants' files in order, the same number of formats each.
    Each manifest records the text engine and its variant's ``inputs``
    (:func:`~natgrad.pipeline.manifest.inputs_sha256`, one per section). With
    ``text_paths`` (one a section), each variant's text alternative is written
    there too, and listed in its manifest.

    Raises
    ------
    FigureError
        Naming the variant (its output's stem) when there are several.
    """
    per = len(figure_paths) // len(sections)
    for i, (section, digest, data, manifest) in enumerate(
        zip(sections, config_hashes, data_paths, manifest_paths, strict=True)
    ):
        files = list(figure_paths[i * per : (i + 1) * per])
        said = text_paths[i] if text_paths else None
        try:
            render(name, section, files, data, text_path=said, **options)
        except FigureError as err:
            if len(sections) > 1:
                raise FigureError(f"{Path(files[0]).stem}: {err}") from None
            raise
        out_dir = Path(manifest).parent.parent
        write_manifest(
            out_dir,
            Path(manifest).stem,
            [*files, data, *([said] if said is not None else [])],
            digest,
            usetex=options.get("usetex", False),
            inputs=None if inputs is None else inputs[i],
        )
