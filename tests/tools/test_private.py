"""natgrad.tools.preview._private: the one use of matplotlib's private API, checked against
the installed matplotlib. A failure here means matplotlib changed what the live
preview's shared mathtext cache replaces: update natgrad/tools/preview/_private.py (or drop
it: the preview then redraws slower), never this test."""

import inspect
import subprocess
import sys

from matplotlib.mathtext import MathTextParser

from natgrad.tools.preview._private import EXPECTED_PARAMETERS, private_api_present


def test_matplotlibs_private_mathtext_cache_is_the_one_replaced():
    cached = MathTextParser._parse_cached
    uncached = getattr(cached, "__wrapped__", None)
    assert uncached is not None, (
        "MathTextParser._parse_cached is no longer an lru_cache: natgrad/tools/preview/_private.py "
        "cannot share it"
    )
    assert tuple(inspect.signature(uncached).parameters) in EXPECTED_PARAMETERS, (
        "MathTextParser._parse_cached changed its parameters: update "
        "natgrad/tools/preview/_private.py"
    )
    assert MathTextParser("agg")._output_type == "raster"
    assert MathTextParser("path")._output_type == "vector"
    assert private_api_present()


SHARED_PARSE = """
import sys
from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import MathTextParser
from natgrad.tools.preview._private import share_mathtext_cache

texts = [r"$10^{-3}$", r"$\\|x\\|_A$", r"$\\mu$"]
prop = FontProperties(size=10)
before = [MathTextParser("agg").parse(t, 100, prop) for t in texts]
assert share_mathtext_cache() and share_mathtext_cache()
a, b = MathTextParser("agg"), MathTextParser("agg")
after = [a.parse(t, 100, prop) for t in texts]
again = [b.parse(t, 100, prop) for t in texts]
# shared: a second parser gets the very objects the first parsed
assert all(x is y for x, y in zip(after, again)), "not shared"
# and the same results as an unshared parse
for x, y in zip(before, after):
    assert (x.width, x.height, x.depth) == (y.width, y.height, y.depth), (x, y)
print("ok")
"""


def test_the_shared_cache_parses_as_matplotlib_does_once_for_all_parsers():
    # in a subprocess: the patch is for the preview's processes, not the test's
    result = subprocess.run(
        [sys.executable, "-c", SHARED_PARSE], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
