"""Warms the live preview's fork server: draws one small figure in natgrad's style.

Importing it loads what every figure needs before the first save (numpy,
matplotlib's Agg backend, the Computer Modern fonts, mathtext's parser), so the
children forked to draw start with all of it in memory.
"""

import matplotlib.backends.backend_agg  # noqa: F401
import numpy as np
from matplotlib.figure import Figure

from .style import style_context

with style_context(False):
    _fig = Figure(figsize=(2, 2))
    _ax = _fig.subplots()
    _ax.contour(np.eye(3), levels=2)
    _ax.set_title("$x_{t+1} = \\gamma \\nabla f(x_t) \\sigma^2 \\log \\|x\\|$")
    _ax.set_xlabel("iteration")
    _fig.legend(["$p_1$"])
    _fig.canvas.draw()
    _fig.savefig(__import__("io").BytesIO(), format="png")
