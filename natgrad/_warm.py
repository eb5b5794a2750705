"""Warms the live preview's fork server, whose children draw the figures.

Imported once in the fork server: it draws every figure of the checkout named
by ``NATGRAD_PREVIEW_ROOT`` (into memory, nowhere on disk), which loads numpy,
matplotlib's Agg backend, the Computer Modern fonts and mathtext's parser.
Every child forked later starts with all of it; a child imports natgrad itself
afresh, so edited code is what draws.
"""

import io
import os
from pathlib import Path

import matplotlib.backends.backend_agg  # noqa: F401


def _draw_everything(root: Path) -> None:
    from .config import figure_params, prepare
    from .figures import builder, registry
    from .style import style_context

    config = prepare(root, {}, None)
    for name in registry():
        params = figure_params(config, name)
        with style_context(False):
            fig, _ = builder(name)(**params["figure"])
            fig.savefig(io.BytesIO(), format="png", dpi=params["dpi"])


if os.environ.get("NATGRAD_PREVIEW_ROOT"):
    try:
        _draw_everything(Path(os.environ["NATGRAD_PREVIEW_ROOT"]))
    except Exception:  # noqa: BLE001, S110 - a bad config only leaves the server colder
        pass
