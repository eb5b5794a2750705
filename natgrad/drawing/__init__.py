"""Drawing: matplotlib helpers the figures share (plotting, style, layout, colours) and
the one-line errors that name the config setting behind a diverging descent.

Above the mathematics (:mod:`natgrad`), below the figures; imports neither the
pipeline nor the tools (``lint-imports``, pyproject.toml's contracts).
"""
