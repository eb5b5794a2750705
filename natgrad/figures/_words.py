"""Numbers and lists in words, for the figures' text alternatives (``describe``).

Not a figure (the registry skips ``_`` modules). Pure functions of plain values:
each figure's ``describe(data, **section)`` writes its ``alt`` and
``description`` with them, from the numbers its ``build`` drew, so the text
says what the figure shows, rounded as a reader would say it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = [
    "ALT_LIMIT", "number", "value", "point", "listing", "steps", "count", "places", "on",
    "diverged",
    "colour_name", "text",
]  # fmt: skip

#: Longest ``alt``, in characters: screen readers read an ``alt`` in one go,
#: without a way to move through it; about two sentences (WebAIM's advice of
#: about 150 characters, with room for a figure's numbers).
ALT_LIMIT = 250

# seaborn's colour-blind palette (natgrad.drawing.plotting.COLORBLIND) in words,
# and the named colours the config uses, as a sighted reader would call them.
_COLOUR_NAMES = {
    "#0173b2": "blue",
    "#de8f05": "orange",
    "#029e73": "green",
    "#d55e00": "vermilion",
    "#cc78bc": "pink",
    "#ca9161": "brown",
    "#fbafe4": "light pink",
    "#949494": "grey",
    "#ece133": "yellow",
    "#56b4e9": "light blue",
}


def number(x: float | None, digits: int = 2) -> str:
    """``x`` rounded to ``digits`` significant figures, as a reader says it.

    Whole numbers without a decimal point ("4", not "4.0"), no trailing zeros,
    decimals down to 0.0001 and up to a million, powers of ten beyond
    ("3 × 10^-7", "5.2 × 10^229"); a value the sidecar stores as null (an
    overflow on a path stopped at a divergence) is "not finite".

    Parameters
    ----------
    x : float
    digits : int
        Significant figures kept.

    Returns
    -------
    str
    """
    if x is None or not math.isfinite(float(x)):
        return "not finite"
    rounded = float(f"{float(x):.{digits}g}")
    if rounded == 0:
        return "0"
    exponent = math.floor(math.log10(abs(rounded)))
    if exponent < -4 or exponent >= 6:
        mantissa = number(rounded / 10**exponent, digits)
        return f"{mantissa} × 10^{exponent}"
    if rounded == int(rounded):
        return str(int(rounded))
    decimals = max(digits - 1 - exponent, 0)
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


def value(x: float) -> str:
    """A config value as written there (up to six significant figures): a step
    size of 0.018 is said as 0.018, not rounded."""
    return number(x, 6)


def point(p: Sequence[float], digits: int = 2) -> str:
    """A point as "(x, y)"."""
    return "(" + ", ".join(number(v, digits) for v in p) + ")"


def listing(items: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count(n: int, noun: str = "", plural: str | None = None) -> str:
    """ "two panels", "one step", "12 steps": small counts in words."""
    said = _SMALL[n] if 0 <= n < len(_SMALL) else str(n)
    if not noun:
        return said
    return f"{said} {noun if n == 1 else plural or noun + 's'}"


def places(n: int) -> list[str]:
    """Where each of ``n`` panels in a row is: "left", "right" (and "middle")."""
    return {1: ["the panel"], 2: ["left", "right"], 3: ["left", "middle", "right"]}.get(
        n, [f"panel {i + 1}" for i in range(n)]
    )


def on(place: str) -> str:
    """ "on the left", "in the middle", "in panel 4" for a place of :func:`places`."""
    if place in ("left", "right"):
        return f"on the {place}"
    return f"in the {place}" if place == "middle" else f"in {place}"


def diverged(drawn: int, planned: int) -> str:
    """ "" for a path of all its ``planned`` steps; else what a reader is told of a
    path stopped at a divergence (``on_divergence: stop``) after ``drawn`` steps."""
    return "" if drawn >= planned else f"diverged after {drawn} of {planned} steps"


def steps(n: int | None, limit: int | None = None) -> str:
    """ "1 step", "12 steps"; None: not within ``limit`` steps."""
    if n is None:
        return "does not get there" if limit is None else f"not within {limit} steps"
    return f"{n} step" if n == 1 else f"{n} steps"


def colour_name(colour: str | Sequence[float]) -> str:
    """What a reader calls a colour of the figures (a hex string, an RGB triple
    of the palette, or a named colour such as "red")."""
    if not isinstance(colour, str):
        colour = "#" + "".join(f"{round(c * 255):02x}" for c in colour[:3])
    return _COLOUR_NAMES.get(colour.lower(), colour)


def text(alt: str, description: Iterable[str]) -> dict[str, str]:
    """A figure's text: its ``alt`` and its description (sentences joined by spaces).

    The ``alt`` should stay within :data:`ALT_LIMIT` (tests/figures/test_text.py
    checks every figure's at the config's values)."""
    return {"alt": alt, "description": " ".join(description)}
