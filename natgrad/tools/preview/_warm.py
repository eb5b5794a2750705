"""Warms the live preview's fork server, whose children draw the figures.

Imported once in the fork server: it draws every figure of the checkout named
by ``NATGRAD_PREVIEW_ROOT``, each built by its figure job (the pipeline's
:class:`~natgrad.pipeline.jobs.FigureJob`) and saved into memory, nowhere on
disk, which loads numpy, matplotlib's Agg backend, the Computer Modern fonts and
mathtext's parser.
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
# (natgrad/tools/preview/_private.py says how and why; the preview's figures stay
# byte-identical to the pipeline's: tests/tools/test_preview.py).
if not share_mathtext_cache():
    print(
        "natgrad preview: this matplotlib's mathtext cache is not the one expected; "
        "redraws are slower (natgrad/tools/preview/_private.py)",
        file=sys.stderr,
    )


def _draw_everything(root: Path) -> None:
    from ...drawing.style import style_context
    from ...figures import registry
    from ...pipeline.config import prepare
    from ...pipeline.jobs import figure_job

    config = prepare(root, {}, None)
    for name in registry():
        job = figure_job(config, name, (), ())
        # With mathtext whatever the config says: what the children reuse is in
        # memory (mathtext's parser, the fonts, Agg), and LaTeX would hold the fork
        # server, and so the preview's start and its Ctrl-C, for seconds a figure.
        with style_context(False):
            fig, _ = job.build()
            fig.savefig(io.BytesIO(), format="png", dpi=job.variants[0]["dpi"])


if os.environ.get("NATGRAD_PREVIEW_ROOT"):
    try:
        _draw_everything(Path(os.environ["NATGRAD_PREVIEW_ROOT"]))
    except Exception as err:  # noqa: BLE001 - a bad config or figure only leaves it colder
        # the children draw (and report) the figures; here one line says why warming stopped
        print(f"natgrad preview: warming stopped: {err}", file=sys.stderr)
