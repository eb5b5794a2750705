"""Warms the live preview's fork server, whose children draw the figures.

Imported once in the fork server: it draws every figure of the checkout named
by ``NATGRAD_PREVIEW_ROOT`` (into memory, nowhere on disk), which loads numpy,
matplotlib's Agg backend, the Computer Modern fonts and mathtext's parser.
Every child forked later starts with all of it; a child imports natgrad itself
afresh, so edited code is what draws.
"""

import functools
import io
import os
from pathlib import Path

import matplotlib.backends.backend_agg  # noqa: F401
from matplotlib.mathtext import MathTextParser

# matplotlib caches parsed mathtext per parser, and every figure's renderer has a
# parser of its own: each redraw parsed its tick labels (all mathtext) again,
# about a third of a redraw. In the preview's processes only, the cache is
# shared by all parsers of one output type: a parse depends on the parser only
# through that type (matplotlib 3.11's MathTextParser._parse_cached), and the
# preview's figures are byte-identical to the pipeline's (tests/test_preview.py).
_UNCACHED = getattr(MathTextParser._parse_cached, "__wrapped__", None)
if _UNCACHED is not None:
    _ONE_PER_TYPE: dict = {}

    @functools.lru_cache(maxsize=8192)
    def _shared_parse(output_type, s, dpi, prop, antialiased, load_glyph_flags):
        if output_type not in _ONE_PER_TYPE:
            _ONE_PER_TYPE[output_type] = MathTextParser({"vector": "path"}.get(output_type, "agg"))
        parser = _ONE_PER_TYPE[output_type]
        return _UNCACHED(parser, s, dpi, prop, antialiased, load_glyph_flags)

    def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
        return _shared_parse(self._output_type, s, dpi, prop, antialiased, load_glyph_flags)

    MathTextParser._parse_cached = _parse_cached


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
    except Exception:  # noqa: BLE001, S110 - a bad config only leaves the server colder
        pass
