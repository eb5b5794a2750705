"""The figures' look: one style file, and the text engine the config names.

``usetex: false`` (the default) sets text with matplotlib's mathtext in Computer
Modern on every machine; ``usetex: true`` with LaTeX, which must then be
installed. There is no "use LaTeX if present": one config gives one look.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "STYLE_FILE",
    "USETEX_CHOICES",
    "LATEX_PACKAGES",
    "latex_available",
    "resolve_usetex",
    "style_context",
]

#: The matplotlib style file every figure uses.
STYLE_FILE = Path(__file__).with_name("natgrad.mplstyle")

USETEX_CHOICES = (True, False)

#: What a Debian machine installs for ``usetex: true`` (what .ci/run installs).
LATEX_PACKAGES = (
    "texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvipng cm-super"
)

# PNG output with usetex needs dvipng as well as latex.
_TEX_PROGRAMS = ("latex", "dvipng")


def latex_available() -> bool:
    """True when the programs matplotlib's usetex needs are on PATH."""
    return all(shutil.which(p) for p in _TEX_PROGRAMS)


def resolve_usetex(setting: bool) -> bool:
    """The config's ``usetex`` as a bool, once LaTeX is known to be there if asked for.

    Raises
    ------
    ValueError
        If ``setting`` is true but LaTeX is not installed, or is not a boolean.
    """
    if setting is True:
        if not latex_available():
            raise ValueError(
                "usetex: true, but LaTeX is not installed (needs "
                + " and ".join(_TEX_PROGRAMS)
                + "); install it (Debian: apt-get install " + LATEX_PACKAGES
                + ") or set usetex: false for mathtext"
            )
        return True
    if setting is False:
        return False
    raise ValueError(f"usetex must be true or false, got {setting!r}")


@contextmanager
def style_context(usetex: bool):
    """Apply the natgrad style (and usetex) for building and saving a figure."""
    import matplotlib as mpl

    with mpl.rc_context(fname=str(STYLE_FILE), rc={"text.usetex": bool(usetex)}):
        if usetex:
            # LaTeX knows Computer Modern by this name, not by cmr10's file name
            # (otherwise matplotlib warns once per text that it found no font).
            mpl.rcParams["font.serif"] = ["Computer Modern Roman", *mpl.rcParams["font.serif"]]
        yield
