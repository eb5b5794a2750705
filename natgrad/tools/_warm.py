"""Warms the live preview's fork server, whose children draw the figures.

Imported once in the fork server: it draws every figure of the checkout named
by ``NATGRAD_PREVIEW_ROOT``, each by its figure job (the pipeline's
:class:`~natgrad.pipeline.jobs.FigureJob`, into a scratch folder removed after),
which loads numpy, matplotlib's Agg backend, the Computer Modern fonts and
mathtext's parser.
Every child forked later starts with all of it; a child imports natgrad itself
afresh, so edited code is what draws.
"""

import os
import sys
import tempfile
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
    from ..figures import registry
    from ..pipeline.config import figure_job, prepare

    # With mathtext whatever the config says: LaTeX would warm nothing the
    # children keep (each drawing runs it afresh) and hold the fork server, and
    # so the preview's start and its Ctrl-C, for seconds per figure.
    config = {**prepare(root, {}, None), "usetex": False}
    with tempfile.TemporaryDirectory(prefix="natgrad-warm-") as scratch:
        for name in registry():
            out = Path(scratch)
            figure_job(config, name, [out / f"{name}.png"], [out / f"{name}.json"]).render()


if os.environ.get("NATGRAD_PREVIEW_ROOT"):
    try:
        _draw_everything(Path(os.environ["NATGRAD_PREVIEW_ROOT"]))
    except Exception as err:  # noqa: BLE001 - a bad config or figure only leaves it colder
        # the children draw (and report) the figures; here one line says why warming stopped
        print(f"natgrad preview: warming stopped: {err}", file=sys.stderr)
