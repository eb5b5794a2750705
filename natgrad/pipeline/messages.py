"""How the config's one-line errors name a key and show a value.

Shared by :mod:`natgrad.pipeline.config` and :mod:`natgrad.pipeline.validate` (which
imports jsonschema; this module imports nothing, so a run whose config is
remembered as valid pays for neither).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ConfigError", "describe", "escape", "key_path"]


def escape(text: str) -> str:
    """``text`` with every character a terminal would not print as itself (control
    characters, escape sequences' ESC, NUL, line breaks) written as Python writes it
    in a string literal (``\\x1b``): an echoed value can neither clear the screen
    nor break the one line into two."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def key_path(path) -> str:
    """``['a', 0, 'b']`` -> ``'a[0].b'``; the empty path is ``'<config>'``.

    A key's control characters are escaped (:func:`escape`): keys are the user's text.
    """
    out = ""
    for part in path:
        part = part if isinstance(part, int) else escape(str(part))
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "<config>"


def describe(value: Any) -> str:
    """``repr(value)``, cut to 80 characters: a long value would bury the rest of the line."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ConfigError(ValueError):
    """A config value is invalid; the message names the key path and the problem.

    The message is one line whatever it quotes: control characters (an escape
    sequence, a NUL, a line break) are escaped (:func:`~natgrad.pipeline.messages.escape`).
    """

    def __init__(self, message: str) -> None:
        super().__init__(escape(str(message)))
