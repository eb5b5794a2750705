"""``python -m natgrad.preview``: the live preview of the figures (and of the post).

The tool lives in :mod:`natgrad.tools.preview` (:mod:`natgrad.tools.preview.cli`
is this command); this module keeps its name.
"""

from .tools.preview.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
