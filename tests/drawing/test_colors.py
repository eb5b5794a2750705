"""natgrad.drawing.colors: the config's colours, checked as matplotlib would check them."""

import random
import string

import matplotlib.colors as mcolors
import pytest

from natgrad.drawing.colors import NAMED_COLORS, is_color


def test_the_names_are_matplotlibs():
    names = {*mcolors.BASE_COLORS, *mcolors.CSS4_COLORS, *mcolors.TABLEAU_COLORS}
    assert names == NAMED_COLORS


EDGES = [
    *("Red", "RED", "Tab:Blue", "G", "c3", "C12", "none", "None"),
    *("#fff", "#FFFA", "#12345", "#1234567", "#12345678", "#ggg"),
    *("0.5", " 0.5", "1", "0", "1.5", "-0.1", "nan", "inf", ".5", "0.5e0", "1_0", "0x1"),
    *("xkcd:sky blue", "xkcd:nope", "", " ", "red ", "2"),
]


@pytest.mark.parametrize("value", EDGES)
def test_agrees_with_matplotlib_at_the_edges(value):
    assert is_color(value) == mcolors.is_color_like(value)


def test_agrees_with_matplotlib_on_random_strings():
    rng = random.Random(20261125)
    for _ in range(20000):
        value = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 5)))
        assert is_color(value) == mcolors.is_color_like(value), repr(value)


def test_checking_a_colour_imports_no_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys; from natgrad.drawing.colors import is_color; "
        "assert is_color('red') and is_color('#0173B2') and not is_color('2'); "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
