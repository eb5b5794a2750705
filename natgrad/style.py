"""The figures' look: one style file, and LaTeX only where it is installed."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

__all__ = ["STYLE_FILE", "USETEX_CHOICES", "latex_available", "resolve_usetex", "style_context"]

#: The matplotlib style file every figure uses.
STYLE_FILE = Path(__file__).with_name("natgrad.mplstyle")

USETEX_CHOICES = ("auto", True, False)

# PNG output with usetex needs dvipng as well as latex.
_TEX_PROGRAMS = ("latex", "dvipng")


def latex_available() -> bool:
    """True when the programs matplotlib's usetex needs are on PATH."""
    return all(shutil.which(p) for p in _TEX_PROGRAMS)


def resolve_usetex(setting: str | bool) -> bool:
    """Turn the config's ``usetex`` (``"auto"``, true or false) into a bool.

    Raises
    ------
    ValueError
        If ``setting`` is true but LaTeX is not installed, or is not a valid choice.
    """
    if setting == "auto":
        return latex_available()
    if setting is True:
        if not latex_available():
            raise ValueError(
                "usetex: true, but LaTeX is not installed (needs "
                + " and ".join(_TEX_PROGRAMS)
                + "); set usetex: auto to fall back to mathtext"
            )
        return True
    if setting is False:
        return False
    raise ValueError(f"usetex must be auto, true or false, got {setting!r}")


@contextmanager
def style_context(usetex: bool):
    """Apply the natgrad style (and usetex) for building and saving a figure."""
    import matplotlib as mpl

    with mpl.rc_context(fname=str(STYLE_FILE), rc={"text.usetex": bool(usetex)}):
        yield
