"""The computations behind the figures that show what the post only says.

Each function runs steepest descent with the library's pieces and returns plain
arrays; the figure builders draw them and the tests check their claims.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import gaussian
from .descent import AdaGrad, Adam, RMSProp, naming_setting, steepest_descent, warn_if_stopped
from .metrics import Euclidean, FisherMetric, Mahalanobis
from .objectives import GaussianLogLikelihood, Quadratic

__all__ = [
    "OPTIMIZERS",
    "make_optimizer",
    "gaussian_descent",
    "gaussian_mle_path",
    "mean_nll",
    "iterations_to_tolerance",
    "quadratic_paths",
    "reparameterized_path",
    "reparameterization_discrepancy",
]

#: Names of the methods :func:`make_optimizer` builds for the quadratic figures.
OPTIMIZERS = ("gd", "adagrad", "rmsprop", "adam", "mahalanobis")


def make_optimizer(method: str, A: ArrayLike | None = None):
    """The metric or adaptive preconditioner of ``method`` (one of :data:`OPTIMIZERS`)."""
    if method == "gd":
        return Euclidean(2)
    if method == "adagrad":
        return AdaGrad()
    if method == "rmsprop":
        return RMSProp()
    if method == "adam":
        return Adam()
    if method == "mahalanobis":
        return Mahalanobis(A)
    raise ValueError(f"method must be one of {', '.join(OPTIMIZERS)}, got {method!r}")


def mean_nll(ll: GaussianLogLikelihood, theta: ArrayLike) -> NDArray[np.float64] | float:
    """Negative log-likelihood per observation at ``theta = (mu, log sigma)``."""
    return -np.asarray(ll.value(theta)) / ll.n


def gaussian_descent(
    ll: GaussianLogLikelihood,
    theta0: ArrayLike,
    parameterization: str,
    method: str,
    lr: float,
    n_steps: int,
    on_divergence: str = "raise",
) -> NDArray[np.float64]:
    """Minimise the mean NLL by descent in the coordinates ``parameterization``.

    The gradient in theta is ``J^T`` times the gradient in (mu, sigma), with
    ``J = d(mu, sigma) / d theta``; the natural gradient uses the Fisher
    information of one observation in the same coordinates.

    Parameters
    ----------
    ll : GaussianLogLikelihood
    theta0 : array_like, shape (2,)
        Start, in the coordinates of ``parameterization``.
    parameterization : str
        One of :data:`natgrad.gaussian.PARAMETERIZATIONS`.
    method : {"gd", "natural"}
        Euclidean metric, or the Fisher metric.
    lr : float
    n_steps : int
    on_divergence : {"raise", "stop"}
        As in :func:`natgrad.descent.steepest_descent`.

    Returns
    -------
    ndarray, shape (n_steps + 1, 2)
        The iterates, in the coordinates of ``parameterization``.
    """

    def grad(theta):
        mu, s = gaussian.to_mean_std(theta, parameterization)
        J = gaussian.jacobian(mu, s, parameterization)
        return -J.T @ ll.gradient_mean_std(mu, s) / ll.n

    if method == "natural":
        metric = FisherMetric(
            lambda t: gaussian.fisher_information(
                *gaussian.to_mean_std(t, parameterization), parameterization
            )
        )
    elif method == "gd":
        metric = Euclidean(2)
    else:
        raise ValueError(f"method must be 'gd' or 'natural', got {method!r}")
    return steepest_descent(grad, theta0, metric, lr, n_steps, on_divergence=on_divergence)


def gaussian_mle_path(
    ll: GaussianLogLikelihood,
    theta0: ArrayLike,
    method: str,
    lr: float,
    n_steps: int,
    on_divergence: str = "raise",
) -> NDArray[np.float64]:
    """Minimise the mean NLL over theta = (mu, log sigma), the post's coordinates.

    See :func:`gaussian_descent`; returns iterates of shape (n_steps + 1, 2).
    """
    return gaussian_descent(ll, theta0, "mean_logstd", method, lr, n_steps, on_divergence)


def iterations_to_tolerance(gaps: ArrayLike, tol: float) -> int | None:
    """First iteration whose optimality gap is at most ``tol`` (None if never)."""
    gap = np.asarray(gaps, dtype=float)
    hits = np.flatnonzero(gap <= tol)
    return int(hits[0]) if hits.size else None


def quadratic_paths(
    A: ArrayLike, x0: ArrayLike, lrs: dict[str, float], n_steps: int, on_divergence: str = "raise"
) -> dict[str, NDArray[np.float64]]:
    """Paths of each method in ``lrs`` (name -> step size) on ``f(x) = x^T A x``.

    A divergence is reported with the setting ``lrs.<method>`` that caused it.
    """
    f = Quadratic(A)
    paths = {}
    for m, lr in lrs.items():
        with naming_setting(f"lrs.{m}", lr):
            paths[m] = steepest_descent(
                f.gradient, x0, make_optimizer(m, f.A), lr, n_steps, on_divergence=on_divergence
            )
        warn_if_stopped(paths[m], n_steps, f"lrs.{m}")
    return paths


def reparameterized_path(
    ll: GaussianLogLikelihood,
    mu0: float,
    sigma0: float,
    parameterization: str,
    method: str,
    lr: float,
    n_steps: int,
    on_divergence: str = "raise",
) -> NDArray[np.float64]:
    """:func:`gaussian_descent` from N(mu0, sigma0^2), returned as (mu, sigma) points.

    To first order the natural-gradient step is the same in every
    parameterisation; the gradient step is not.
    """
    theta0 = gaussian.from_mean_std(mu0, sigma0, parameterization)
    path = gaussian_descent(ll, theta0, parameterization, method, lr, n_steps, on_divergence)
    mu, s = gaussian.to_mean_std(path, parameterization)
    return np.stack([mu, s], axis=-1)


def reparameterization_discrepancy(
    ll: GaussianLogLikelihood,
    mu0: float,
    sigma0: float,
    method: str,
    lrs: Sequence[float],
    parameterizations: Sequence[str] = ("mean_std", "mean_logstd", "mean_var"),
) -> NDArray[np.float64]:
    """Largest (mu, sigma) distance between the parameterisations' first steps, per lr.

    For the natural gradient it shrinks like lr^2; for gradient descent like lr.
    """
    out = []
    for lr in lrs:
        ends = np.array(
            [reparameterized_path(ll, mu0, sigma0, p, method, lr, 1)[1] for p in parameterizations]
        )
        out.append(max(np.linalg.norm(a - b) for a in ends for b in ends))
    return np.array(out)
