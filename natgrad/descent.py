"""Steepest descent under a metric, and adaptive diagonal metrics (AdaGrad, RMSProp, Adam).

Every method shares one trajectory interface::

    iterates = steepest_descent(grad_fn, x0, metric, lr, n_steps)

``metric`` is either a fixed or point-dependent :class:`~natgrad.metrics.Metric`,
or an adaptive preconditioner whose state is passed explicitly (as in optax):
``state = pre.init(x0)``; ``direction, state = pre.update(grad, state)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import DivergenceError, DomainError, SingularMetricError
from .metrics import Diagonal, Euclidean, Mahalanobis, Metric

__all__ = [
    "DivergenceError",
    "DomainError",
    "OPTIMIZERS",
    "make_optimizer",
    "iterations_to_tolerance",
    "Preconditioner",
    "AdaGrad",
    "RMSProp",
    "Adam",
    "DiagonalState",
    "AdamState",
    "steepest_descent",
]


class Preconditioner(Protocol):
    """An adaptive metric: its tensor is estimated from the gradient history."""

    def init(self, x0: NDArray[np.float64]): ...

    def update(self, grad: NDArray[np.float64], state): ...


def _zeros_like_vector(x0: ArrayLike) -> NDArray[np.float64]:
    """An optimiser's initial moments: zeros shaped like the parameter vector ``x0``."""
    z = np.zeros_like(np.asarray(x0, dtype=float))
    if z.ndim != 1:
        raise ValueError(f"x0 must be a vector, got shape {z.shape}")
    return z


class DiagonalState(NamedTuple):
    """Running second-moment estimate of an AdaGrad or RMSProp preconditioner."""

    second_moment: NDArray[np.float64]


class AdamState(NamedTuple):
    """Adam's state: step count and first and second moment estimates."""

    count: int
    first_moment: NDArray[np.float64]
    second_moment: NDArray[np.float64]


def _check_eps(eps: float) -> None:
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be positive and finite, got {eps!r}")


def _check_decay(name: str, value: float) -> None:
    if not (0.0 <= value < 1.0):
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")


class _RootSecondMoment:
    """What AdaGrad and RMSProp share: a zero second moment to start, and the
    metric ``diag(sqrt(second moment) + eps)`` it defines (no dataclass fields, so
    that each optimiser keeps its own field order)."""

    eps: float

    def init(self, x0: ArrayLike) -> DiagonalState:
        return DiagonalState(_zeros_like_vector(x0))

    def metric(self, state: DiagonalState) -> Diagonal:
        """The diagonal metric this state defines."""
        return Diagonal(np.sqrt(state.second_moment) + self.eps)


@dataclass(frozen=True)
class AdaGrad(_RootSecondMoment):
    """AdaGrad: the diagonal metric ``diag(sqrt(sum_s g_s^2) + eps)``.

    Duchi, Hazan & Singer (2011), diagonal version: the sum of squared gradients
    starts at 0 and includes the current gradient, and ``eps`` is added outside
    the square root. (optax's ``scale_by_rss`` starts its sum at 0.1; natgrad
    follows the paper, so the first step is ``lr * g / (|g| + eps)``.)

    Parameters
    ----------
    eps : float
        Added to the square root so the metric stays positive definite.
    """

    eps: float = 1e-8

    def __post_init__(self) -> None:
        _check_eps(self.eps)

    def update(self, grad: NDArray[np.float64], state: DiagonalState):
        state = DiagonalState(state.second_moment + grad**2)
        return self.metric(state).direction(grad), state


@dataclass(frozen=True)
class RMSProp(_RootSecondMoment):
    """RMSProp: ``diag(sqrt(v_t) + eps)`` with v an exponential average of g^2.

    ``v_t = decay v_{t-1} + (1 - decay) g_t^2`` from ``v_0 = 0``, with no bias
    correction and ``eps`` outside the square root: the convention of PyTorch's
    and Keras's RMSprop (Hinton's lecture 6e gives no epsilon). optax's
    ``scale_by_rms`` puts ``eps`` inside the square root; natgrad keeps the
    metric's form ``sqrt(v) + eps`` the same for AdaGrad, RMSProp and Adam.

    Parameters
    ----------
    decay : float
        Averaging factor in [0, 1).
    eps : float
        Added to the square root.
    """

    decay: float = 0.9
    eps: float = 1e-8

    def __post_init__(self) -> None:
        _check_decay("decay", self.decay)
        _check_eps(self.eps)

    def update(self, grad: NDArray[np.float64], state: DiagonalState):
        v = self.decay * state.second_moment + (1.0 - self.decay) * grad**2
        state = DiagonalState(v)
        return self.metric(state).direction(grad), state


@dataclass(frozen=True)
class Adam:
    """Adam: the bias-corrected momentum ``m_hat`` under the metric ``diag(sqrt(v_hat) + eps)``.

    Kingma & Ba (2015), Algorithm 1: both moments bias-corrected, ``eps``
    outside the square root, ``x_t = x_{t-1} - lr m_hat_t / (sqrt(v_hat_t) + eps)``.
    Before the first gradient (count 0) no moment has been seen: the metric is
    ``eps`` times the identity.

    Parameters
    ----------
    b1, b2 : float
        Decay of the first and second moment averages, in [0, 1).
    eps : float
        Added to the square root.
    """

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        _check_decay("b1", self.b1)
        _check_decay("b2", self.b2)
        _check_eps(self.eps)

    def init(self, x0: ArrayLike) -> AdamState:
        z = _zeros_like_vector(x0)
        return AdamState(0, z, z)

    def metric(self, state: AdamState) -> Diagonal:
        """The diagonal metric this state defines (bias-corrected)."""
        if state.count == 0:
            return Diagonal(np.full_like(state.second_moment, self.eps))
        v_hat = state.second_moment / (1.0 - self.b2**state.count)
        return Diagonal(np.sqrt(v_hat) + self.eps)

    def update(self, grad: NDArray[np.float64], state: AdamState):
        count = state.count + 1
        m = self.b1 * state.first_moment + (1.0 - self.b1) * grad
        v = self.b2 * state.second_moment + (1.0 - self.b2) * grad**2
        state = AdamState(count, m, v)
        m_hat = m / (1.0 - self.b1**count)
        return self.metric(state).direction(m_hat), state


def _left_domain(err: DomainError) -> str:
    return f"the iterate left its domain ({err})"


def _step(grad_fn, x, metric, state, lr, damping, domain):
    """One step: ``(x_new, state, None)``, or ``(None, state, why)`` if it diverges.

    A :class:`DomainError` (``x`` itself is outside the coordinates' domain,
    found by the gradient or the metric at ``x``) or a :class:`SingularMetricError`
    (the metric at ``x`` is singular) propagates to the caller.
    """
    g = np.asarray(grad_fn(x), dtype=float)
    if g.shape != x.shape:
        # a metric of no fixed dimension (Euclidean()) cannot see this; x - lr * d would
        # broadcast a (1,) gradient over x, or fail with numpy's operand shapes
        raise ValueError(f"the gradient has shape {g.shape}; the iterate has shape {x.shape}")
    if not np.all(np.isfinite(g)):
        return None, state, "the gradient is not finite"
    if state is None:
        d = metric.direction(g, x, damping=damping)
    elif not np.all(np.isfinite(state.second_moment + g * g)):
        # g^2 overflows before the iterate does when lr is far too large
        return None, state, "the squared gradient overflows"
    else:
        d, state = metric.update(g, state)
    x_new = x - lr * d
    if not np.all(np.isfinite(x_new)):
        return None, state, "the iterate is not finite"
    if domain is not None:
        try:
            domain(x_new)
        except DomainError as err:
            return None, state, _left_domain(err)
    return x_new, state, None


def steepest_descent(
    grad_fn: Callable[[NDArray[np.float64]], ArrayLike],
    x0: ArrayLike,
    metric: Metric | Preconditioner,
    lr: float,
    n_steps: int,
    *,
    damping: float = 0.0,
    on_divergence: str = "raise",
    domain: Callable[[NDArray[np.float64]], object] | None = None,
) -> NDArray[np.float64]:
    """Iterate ``x_{t+1} = x_t - lr * metric.direction(grad_fn(x_t), x_t)``.

    Parameters
    ----------
    grad_fn : callable
        Gradient of the objective, ``(p,) -> (p,)``.
    x0 : array_like, shape (p,)
        Starting point.
    metric : Metric or Preconditioner
        A metric (constant, or point-dependent such as the Fisher metric), or an
        adaptive preconditioner (:class:`AdaGrad`, :class:`RMSProp`, :class:`Adam`).
    lr : float
        Positive, finite step size.
    n_steps : int
        Number of steps (>= 0).
    damping : float
        Added to the diagonal of a metric's tensor before solving; an adaptive
        preconditioner refuses it (its ``eps`` plays that part).
    on_divergence : {"raise", "stop"}
        If an iterate becomes non-finite, or the gradient or the metric at it
        raises :class:`~natgrad.errors.DomainError` (it left the coordinates'
        domain): ``"raise"`` a :class:`DivergenceError` naming that iterate's
        step, or ``"stop"`` and return the iterates before it.
    domain : callable, optional
        Raises :class:`~natgrad.errors.DomainError` for a point outside the
        coordinates' domain; called on ``x0`` and on every new iterate. Without
        it a point outside is found only by the gradient or the metric at it,
        which the last iterate never meets.

    Returns
    -------
    ndarray, shape (n_steps + 1, p)
        The iterates, ``x0`` first. With ``on_divergence="stop"`` it may be
        shorter, and it never contains a non-finite value or a point found
        outside the domain.

    Raises
    ------
    DomainError
        If ``x0`` itself is outside the domain (bad input, not divergence).
    """
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be positive and finite, got {lr!r}")
    if int(n_steps) != n_steps or n_steps < 0:
        raise ValueError(f"n_steps must be a non-negative integer, got {n_steps!r}")
    adaptive = not isinstance(metric, Metric)
    if adaptive and damping:
        raise ValueError(
            f"damping={damping!r} applies to a metric's tensor; an adaptive preconditioner "
            f"({type(metric).__name__}) has eps instead"
        )
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop', got {on_divergence!r}")
    x = np.array(x0, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be a finite vector, got {x0!r}")

    if domain is not None:
        domain(x)  # a start outside: DomainError, bad input
    state = metric.init(x) if adaptive else None
    iterates = [x]
    # Overflow is detected below, explicitly, instead of through warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(int(n_steps)):
            try:
                x_new, state, why = _step(grad_fn, x, metric, state, lr, damping, domain)
            except (DomainError, SingularMetricError) as err:
                if t == 0:
                    raise  # the start is outside the domain: bad input, not divergence
                # Step t's iterate left the domain (e.g. sigma <= 0), or went where the
                # metric is singular (sigma so large that 1/sigma^2 underflows): it
                # diverged, and the iterate is not a point of the path.
                iterates.pop()
                if on_divergence == "stop":
                    break
                why = (
                    _left_domain(err)
                    if isinstance(err, DomainError)
                    else "the metric is not positive definite at the iterate"
                )
                raise DivergenceError(t, int(n_steps), lr, why) from None
            if why:
                if on_divergence == "stop":
                    break
                raise DivergenceError(t + 1, int(n_steps), lr, why)
            x = x_new
            iterates.append(x)
    return np.array(iterates)


#: Names of the methods :func:`make_optimizer` builds.
OPTIMIZERS = ("gd", "adagrad", "rmsprop", "adam", "mahalanobis")


def make_optimizer(method: str, A: ArrayLike | None = None) -> Metric | Preconditioner:
    """The metric or adaptive preconditioner named ``method`` (one of :data:`OPTIMIZERS`).

    ``A`` is the metric tensor of ``"mahalanobis"``; the others take their defaults, and
    serve gradients of any dimension.
    """
    if method == "gd":
        return Euclidean()
    if method == "adagrad":
        return AdaGrad()
    if method == "rmsprop":
        return RMSProp()
    if method == "adam":
        return Adam()
    if method == "mahalanobis":
        return Mahalanobis(A)
    raise ValueError(f"method must be one of {', '.join(OPTIMIZERS)}, got {method!r}")


def iterations_to_tolerance(gaps: ArrayLike, tol: float) -> int | None:
    """First iteration whose optimality gap is at most ``tol`` (None if never)."""
    gap = np.asarray(gaps, dtype=float)
    hits = np.flatnonzero(gap <= tol)
    return int(hits[0]) if hits.size else None
