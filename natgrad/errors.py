"""The errors of natgrad's mathematics. They carry numbers, never config keys:
the figure layer (:mod:`natgrad.drawing.divergence`) names the setting and the figure.

A module of its own so that code which only catches them imports no mathematics.
"""

from __future__ import annotations

__all__ = ["DivergenceError", "DomainError", "SingularMetricError"]


class DomainError(ValueError):
    """A point lies outside the domain of its coordinates (e.g. sigma <= 0).

    :func:`natgrad.descent.steepest_descent` reports a step that lands there as
    divergence: the step was too large.
    """


class SingularMetricError(ValueError):
    """A metric tensor is not positive definite where it was evaluated.

    :func:`natgrad.descent.steepest_descent` reports a step that lands where the
    metric is singular (its scale underflowed, e.g. sigma grown to 1e200) as
    divergence; singular at the start, it is the metric's own error.
    """


class DivergenceError(ValueError):
    """Steepest descent diverged: an iterate became non-finite or left its domain.

    Attributes
    ----------
    step : int
        The step (1-based) whose iterate diverged.
    n_steps : int
        The steps asked for.
    lr : float
        The step size.
    """

    def __init__(self, step: int, n_steps: int, lr: float, why: str):
        self.step, self.n_steps, self.lr = step, n_steps, lr
        super().__init__(
            f"steepest descent diverged at step {step} of {n_steps} (lr={lr:g}): {why}; "
            "lower the learning rate"
        )
