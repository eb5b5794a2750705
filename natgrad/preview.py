"""``python -m natgrad.preview``: the live preview of the figures (and of the post).

The tool lives in :mod:`natgrad.tools.preview`; this module keeps its command.
"""

from .tools.preview import *  # noqa: F403
from .tools.preview import main

if __name__ == "__main__":
    raise SystemExit(main())
