"""Tools for the author, run by hand: the artifact check (``python -m natgrad.artifacts``)
and the live preview (``python -m natgrad.preview``), with the post preview's Jekyll.

The top of the house: they use the pipeline; nothing imports them.
"""
