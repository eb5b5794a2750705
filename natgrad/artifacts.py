"""``python -m natgrad.artifacts``: the artifact check: committed figures against a fresh build.

The tool lives in :mod:`natgrad.tools.artifacts`; this module keeps its command.
"""

from .tools.artifacts import *  # noqa: F403
from .tools.artifacts import main

if __name__ == "__main__":
    raise SystemExit(main())
