"""Warms the live preview's fork server, whose children draw the figures.

Imported once in the fork server: it draws every figure of the checkout named
by ``NATGRAD_PREVIEW_ROOT`` (into memory, nowhere on disk), which loads numpy,
matplotlib's Agg backend, the Computer Modern fonts and mathtext's parser.
Every child forked later starts with all of it; a child imports natgrad itself
afresh, so edited code is what draws.
"""

import io
import os
import sys
from pathlib import Path

import matplotlib.backends.backend_agg  # noqa: F401

from ._private import share_mathtext_cache

# Each redraw's mathtext parsed once per process, not once per figure
# (natgrad/tools/_private.py says how and why; the preview's figures stay
# byte-identical to the pipeline's: tests/test_preview.py).
if not share_mathtext_cache():
    print(
        "natgrad preview: this matplotlib's mathtext cache is not the one expected; "
        "redraws are slower (natgrad/tools/_private.py)",
        file=sys.stderr,
    )


def _draw_everything(root: Path) -> None:
    from ..drawing.style import style_context
    from ..figures import builder, registry
    from ..pipeline.config import figure_params, prepare

    config = prepare(root, {}, None)
    for name in registry():
        params = figure_params(config, name)
        with style_context(False):
            fig, _ = builder(name)(**params["figure"])
            fig.savefig(io.BytesIO(), format="png", dpi=params["dpi"])


if os.environ.get("NATGRAD_PREVIEW_ROOT"):
    try:
        _draw_everything(Path(os.environ["NATGRAD_PREVIEW_ROOT"]))
    except Exception as err:  # noqa: BLE001 - a bad config or figure only leaves it colder
        # the children draw (and report) the figures; here one line says why warming stopped
        print(f"natgrad preview: warming stopped: {err}", file=sys.stderr)
