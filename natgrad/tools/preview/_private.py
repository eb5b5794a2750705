"""The one place natgrad uses another library's private API, and why.

matplotlib caches parsed mathtext per :class:`~matplotlib.mathtext.MathTextParser`,
and every figure's renderer has a parser of its own: each redraw in the live
preview parsed its tick labels (all mathtext) again, about a third of a redraw
(half of a warm one: benchmarks/bench_preview.py). :func:`share_mathtext_cache`
makes the cache shared by all parsers of one output type, in the preview's
processes only: a parse depends on the parser only through that type.

It relies on matplotlib's ``MathTextParser._parse_cached``, an
``functools.lru_cache`` of ``(self, s, dpi, prop, antialiased, load_glyph_flags)``
(3.9 to 3.11; 3.8, the dependency floor, has no ``load_glyph_flags``)
and ``MathTextParser._output_type``. tests/tools/test_private.py fails loudly
when either changes; at run time a changed matplotlib only leaves the preview
slower (:func:`share_mathtext_cache` returns False), never wrong.
"""

from __future__ import annotations

import functools
import inspect

from matplotlib.mathtext import MathTextParser

__all__ = ["EXPECTED_PARAMETERS", "private_api_present", "share_mathtext_cache"]

#: The signatures of the private method the shared cache replaces (3.9+, 3.8).
EXPECTED_PARAMETERS = (
    ("self", "s", "dpi", "prop", "antialiased", "load_glyph_flags"),
    ("self", "s", "dpi", "prop", "antialiased"),
)


def _uncached():
    return getattr(getattr(MathTextParser, "_parse_cached", None), "__wrapped__", None)


def private_api_present() -> bool:
    """Whether this matplotlib has the private API the shared cache replaces, as expected."""
    uncached = _uncached()
    if uncached is None or not hasattr(MathTextParser("agg"), "_output_type"):
        return False
    return tuple(inspect.signature(uncached).parameters) in EXPECTED_PARAMETERS


def share_mathtext_cache() -> bool:
    """Share mathtext's parse cache between parsers of one output type (this process).

    Returns
    -------
    bool
        True if the cache is shared (now or already), False if this matplotlib's
        private API is not the one expected (nothing is changed then).
    """
    if getattr(MathTextParser._parse_cached, "_natgrad_shared", False):
        return True
    if not private_api_present():
        return False
    uncached = _uncached()
    one_per_type: dict = {}

    @functools.lru_cache(maxsize=8192)
    def shared_parse(output_type, *args):
        if output_type not in one_per_type:
            one_per_type[output_type] = MathTextParser({"vector": "path"}.get(output_type, "agg"))
        return uncached(one_per_type[output_type], *args)

    def _parse_cached(self, *args):
        # the arguments of one of EXPECTED_PARAMETERS, all hashable (lru_cache's)
        return shared_parse(self._output_type, *args)

    _parse_cached._natgrad_shared = True
    MathTextParser._parse_cached = _parse_cached
    return True
