"""How the config's one-line errors name a key and show a value.

Shared by :mod:`natgrad.pipeline.config` and :mod:`natgrad.pipeline.schema` (which
imports jsonschema; this module imports nothing, so a run whose config is
remembered as valid pays for neither).
"""

from __future__ import annotations

from typing import Any

__all__ = ["describe", "key_path"]


def key_path(path) -> str:
    """``['a', 0, 'b']`` -> ``'a[0].b'``; the empty path is ``'<config>'``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<config>"


def describe(value: Any) -> str:
    """``repr(value)``, cut to 80 characters: a long value would bury the rest of the line."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
