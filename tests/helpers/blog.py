"""The fixture blog (tests/fixtures/blog: the author's theme, posts written as the
author writes them) and what its pages measure."""

from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "blog"
JEKYLL_INSTALL = "apt-get install jekyll"

# The theme's column (.container in its main.css, on any window wider than
# 768 px) and the side margins Chromium's own style sheet gives a <figure>.
COLUMN = 615
FIGURE_MARGIN = 40
