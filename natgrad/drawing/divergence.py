"""A diverging descent, named by the config setting behind it: the figures' one-line errors.

The mathematics raises :class:`~natgrad.errors.DivergenceError` carrying only
numbers; a figure module wraps each computation in :func:`setting` so that
the error names the key the reader would change.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from ..errors import DivergenceError

__all__ = ["FigureError", "setting", "note_if_stopped"]


class FigureError(Exception):
    """A figure could not be drawn; the message is one line naming figure and setting."""


@contextmanager
def setting(key: str, value):
    """Name the config setting behind a computation that diverges inside this block."""
    try:
        yield
    except DivergenceError as err:
        raise FigureError(f"setting {key} = {value!r}: {err}") from None


def note_if_stopped(path, n_steps: int, key: str) -> None:
    """With ``on_divergence: stop``, say in the job's log where a drawn path was cut short."""
    if len(path) < n_steps + 1:
        print(
            f"warning: {key}: the path diverged after {len(path) - 1} of {n_steps} steps; "
            "drawn up to the last finite iterate (on_divergence: stop)",
            file=sys.stderr,
        )
