"""Is a config string a matplotlib colour? Answered without importing matplotlib.

The Snakefile validates the config on every run, a no-op included, and
``import matplotlib.colors`` costs about 0.25 s there. The names matplotlib
knows (base, CSS4 and Tableau; tests/drawing/test_colors.py keeps the copy equal to
matplotlib's) and its string forms are checked here; only ``xkcd:`` names,
949 of them, ask matplotlib itself.
"""

from __future__ import annotations

import re

__all__ = ["NAMED_COLORS", "is_color"]

#: matplotlib's base, CSS4 and Tableau colour names (lower case).
NAMED_COLORS = frozenset(
    """
    aliceblue antiquewhite aqua aquamarine azure b beige bisque black blanchedalmond
    blue blueviolet brown burlywood c cadetblue chartreuse chocolate coral
    cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray
    darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid
    darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey
    darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick
    floralwhite forestgreen fuchsia g gainsboro ghostwhite gold goldenrod gray green
    greenyellow grey honeydew hotpink indianred indigo ivory k khaki lavender
    lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon
    lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow
    lime limegreen linen m magenta maroon mediumaquamarine mediumblue mediumorchid
    mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise
    mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace
    olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise
    palevioletred papayawhip peachpuff peru pink plum powderblue purple r rebeccapurple
    red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna
    silver skyblue slateblue slategray slategrey snow springgreen steelblue tab:blue
    tab:brown tab:cyan tab:gray tab:green tab:olive tab:orange tab:pink tab:purple
    tab:red tan teal thistle tomato turquoise violet w wheat white whitesmoke y yellow
    yellowgreen
    """.split()
)

_HEX = re.compile(r"#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")  # with or without alpha
_CYCLE = re.compile(r"C[0-9]+")  # the colour cycle, upper case only
_BASE = frozenset("bgrcmykw")  # single letters, lower case only


def _grey(text: str) -> bool:
    """A string repr of a float in [0, 1] is a grey level."""
    try:
        value = float(text)
    except ValueError:
        return False
    return 0.0 <= value <= 1.0


def is_color(value: str) -> bool:
    """True when matplotlib would accept ``value`` as a colour."""
    if not isinstance(value, str):
        return False
    low = value.lower()
    if len(value) == 1:
        return value in _BASE or _grey(value)
    if low in NAMED_COLORS or low == "none" or _HEX.fullmatch(low) or _CYCLE.fullmatch(value):
        return True
    if _grey(value):
        return True
    if low.startswith("xkcd:"):
        from matplotlib.colors import is_color_like

        return is_color_like(value)
    return False
