"""Objective functions of the post, a quadratic bowl and a Gaussian likelihood, and
the Gaussian fitted by steepest descent in any parameterisation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import gaussian
from .descent import steepest_descent
from .gaussian import fisher_information, kl
from .metrics import Euclidean, FisherMetric, validate_spd

__all__ = [
    "Quadratic",
    "GaussianLogLikelihood",
    "rotated_spd",
    "gaussian_descent",
    "gaussian_mle_path",
    "reparameterized_path",
    "reparameterization_discrepancy",
]


def rotated_spd(eigenvalues: ArrayLike, angle_deg: float) -> NDArray[np.float64]:
    """The 2 x 2 matrix ``R diag(eigenvalues) R^T`` with R a rotation by ``angle_deg``.

    Used to build the ill-conditioned, rotated quadratic of the Adam figure.
    """
    w = np.asarray(eigenvalues, dtype=float)
    if w.shape != (2,) or not np.all(np.isfinite(w) & (w > 0)):
        raise ValueError(f"eigenvalues must be two positive finite numbers, got {eigenvalues!r}")
    a = np.deg2rad(angle_deg)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    M = (R * w) @ R.T
    return 0.5 * (M + M.T)


@dataclass(frozen=True)
class Quadratic:
    """``f(x) = x^T A x`` with symmetric positive-definite A.

    Its gradient is ``2 A x`` and its Hessian ``2 A``: steepest descent under
    the metric A with learning rate 1/2 is exactly Newton's method.

    Parameters
    ----------
    A : array_like, shape (p, p)
    """

    A: NDArray[np.float64] = field()

    def __post_init__(self) -> None:
        object.__setattr__(self, "A", validate_spd(self.A))

    def value(self, x: ArrayLike) -> NDArray[np.float64] | float:
        """``x^T A x``, vectorised over leading axes of ``x`` (shape (..., p))."""
        x = np.asarray(x, dtype=float)
        out = np.einsum("...i,ij,...j->...", x, self.A, x)
        return float(out) if out.ndim == 0 else out

    def gradient(self, x: ArrayLike) -> NDArray[np.float64]:
        """``2 A x``, vectorised over leading axes."""
        return 2.0 * np.asarray(x, dtype=float) @ self.A

    def hessian(self, x: ArrayLike | None = None) -> NDArray[np.float64]:
        """``2 A`` (constant)."""
        return 2.0 * np.array(self.A)

    @property
    def minimizer(self) -> NDArray[np.float64]:
        """The global minimiser, the origin."""
        return np.zeros(self.A.shape[0])

    @property
    def minimum(self) -> float:
        """The global minimum, 0."""
        return 0.0


@dataclass(frozen=True)
class GaussianLogLikelihood:
    """``log p(D | mu, sigma)`` of i.i.d. data under N(mu, sigma^2), theta = (mu, log sigma).

    Only the sufficient statistics are kept (n, the mean and the centred sum of
    squares), so evaluating a grid costs the same for 10^3 or 10^6 points, and
    the centred form avoids the cancellation of ``sum x^2 - n mean^2``. The mean
    is kept as a double and its rounding error (``mean_lo``, exact to its last
    bit): near the optimum ``mean - mu`` falls below the mean's last bit, and
    ``(mean - mu) + mean_lo`` keeps its digits, for data far from 0 or near it.

    Parameters
    ----------
    data : array_like
        Observations; at least one, all finite.
    """

    n: int
    mean: float
    centred_ss: float
    mean_lo: float = 0.0

    @classmethod
    def from_sample(cls, n: int, mu: float, sigma: float, seed: int) -> GaussianLogLikelihood:
        """The likelihood of ``n`` draws from N(mu, sigma^2) seeded by ``seed``
        (:func:`natgrad.gaussian.sample`)."""
        return cls(gaussian.sample(n, mu, sigma, seed))

    @classmethod
    def from_data(cls, data: ArrayLike) -> GaussianLogLikelihood:
        """Sufficient statistics of ``data``."""
        x = np.asarray(data, dtype=float).ravel()
        if x.size == 0:
            raise ValueError("data must contain at least one observation")
        if not np.all(np.isfinite(x)):
            raise ValueError("data must be finite")
        # mean_lo is the rounding error of the double mean m: (sum x_i - n m) / n. The
        # residuals x - m are not exact in general (data spread around 0) and their
        # floating-point mean is off by ~eps mean|x - m|, noise larger than the mean's
        # own error (~eps |m|) when |m| is small: so each residual is split exactly
        # into its double and its rounding error (TwoSum), and all of them are summed
        # correctly rounded (fsum). lo is then exact but for its last rounding.
        m = float(x.mean())
        r = x - m
        b_virtual = r - x  # Knuth's TwoSum of x and -m: r + err == x - m exactly
        err = (x - (r - b_virtual)) + (-m - b_virtual)
        lo = math.fsum(np.concatenate([r, err]).tolist()) / x.size
        return cls(n=int(x.size), mean=m, centred_ss=float(np.sum((r - lo) ** 2)), mean_lo=lo)

    def __init__(
        self, data: ArrayLike | None = None, *, n=None, mean=None, centred_ss=None, mean_lo=0.0
    ):
        if data is not None:
            stats = GaussianLogLikelihood.from_data(data)
            n, mean, centred_ss, mean_lo = stats.n, stats.mean, stats.centred_ss, stats.mean_lo
        if n is None or mean is None or centred_ss is None:
            raise ValueError("give data, or all of n, mean and centred_ss")
        object.__setattr__(self, "n", int(n))
        object.__setattr__(self, "mean", float(mean))
        object.__setattr__(self, "centred_ss", float(centred_ss))
        object.__setattr__(self, "mean_lo", float(mean_lo))

    def offset(self, mu: ArrayLike) -> NDArray[np.float64]:
        """``mean - mu`` to full precision: ``(mean - mu) + mean_lo``."""
        return (self.mean - np.asarray(mu, dtype=float)) + self.mean_lo

    def _split(self, theta: ArrayLike):
        t = np.asarray(theta, dtype=float)
        if t.shape[-1:] != (2,):
            raise ValueError(f"theta must have shape (..., 2), got {t.shape}")
        mu, lam = t[..., 0], t[..., 1]
        # sum_i (x_i - mu)^2 from the sufficient statistics
        ss = self.centred_ss + self.n * self.offset(mu) ** 2
        return mu, lam, ss

    def value(self, theta: ArrayLike) -> NDArray[np.float64] | float:
        """Log-likelihood at ``theta = (mu, log sigma)``, shape (..., 2) -> (...)."""
        _, lam, ss = self._split(theta)
        out = -0.5 * self.n * np.log(2.0 * np.pi) - self.n * lam - 0.5 * np.exp(-2.0 * lam) * ss
        return float(out) if np.ndim(out) == 0 else out

    def gradient(self, theta: ArrayLike) -> NDArray[np.float64]:
        """Gradient ``(n (mean - mu) / sigma^2, -n + ss / sigma^2)``, shape (..., 2)."""
        mu, lam, ss = self._split(theta)
        inv_var = np.exp(-2.0 * lam)
        return np.stack([self.n * self.offset(mu) * inv_var, -self.n + inv_var * ss], axis=-1)

    def gradient_mean_std(self, mu: ArrayLike, sigma: ArrayLike) -> NDArray[np.float64]:
        """Gradient of the log-likelihood with respect to ``(mu, sigma)``, shape (..., 2).

        With :func:`natgrad.gaussian.jacobian` it gives the gradient in any
        parameterisation: ``grad_theta = J^T grad_(mu, sigma)``.
        """
        mu = np.asarray(mu, dtype=float)
        s = np.asarray(sigma, dtype=float)
        d = self.offset(mu)
        ss = self.centred_ss + self.n * d**2
        return np.stack(np.broadcast_arrays(self.n * d / s**2, -self.n / s + ss / s**3), axis=-1)

    def fisher(self, theta: ArrayLike) -> NDArray[np.float64]:
        """Fisher information of the n observations: ``n diag(1/sigma^2, 2)``."""
        t = np.asarray(theta, dtype=float)
        return self.n * fisher_information(t[..., 0], np.exp(t[..., 1]))

    def mean_nll(self, theta: ArrayLike) -> NDArray[np.float64] | float:
        """Negative log-likelihood per observation at ``theta = (mu, log sigma)``."""
        return -np.asarray(self.value(theta)) / self.n

    def excess_mean_nll(self, theta: ArrayLike) -> NDArray[np.float64] | float:
        """Mean negative log-likelihood above its minimum, at ``theta = (mu, log sigma)``.

        Exactly ``KL(N(mean, s^2) || N(mu, sigma^2))`` with ``s^2 = centred_ss / n``,
        the ML variance. Computed as that KL, it keeps its digits near the
        optimum, where the difference of the two likelihoods (each of order 1)
        would leave only those of their rounding errors.

        Along mu it is exact to a few ulps at any gap (the offset ``mean - mu`` is,
        ``mean_lo`` included). Along log sigma the gap ``~ (log sigma - log s)^2``
        inherits the rounding of the stored ``s``, a few ulps ``e ~ 1e-15`` of
        ``log s``: its absolute error is at most about ``2 e |log sigma - log s| + e^2``,
        which is 1e-12 relative for gaps above ~1e-6 and ~1e-30 absolute at the
        optimum. That is the condition of the gap in the data, not a loss of the
        computation: moving each observation by an ulp moves the gap as much.
        """
        t = np.asarray(theta, dtype=float)
        if t.shape[-1:] != (2,):
            raise ValueError(f"theta must have shape (..., 2), got {t.shape}")
        if self.centred_ss <= 0:
            raise ValueError("the minimum is -inf: all observations are equal")
        s = np.sqrt(self.centred_ss / self.n)
        # KL depends on the means through their difference only
        return kl(self.offset(t[..., 0]), s, 0.0, np.exp(t[..., 1]))

    def mle(self) -> NDArray[np.float64]:
        """Maximum-likelihood ``(mu, log sigma)``: the mean and the log RMS residual."""
        if self.centred_ss <= 0:
            raise ValueError("the MLE of sigma is 0: all observations are equal")
        return np.array([self.mean, 0.5 * np.log(self.centred_ss / self.n)])


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
    return steepest_descent(
        grad,
        theta0,
        metric,
        lr,
        n_steps,
        on_divergence=on_divergence,
        domain=lambda t: gaussian.to_mean_std(t, parameterization),
    )


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
