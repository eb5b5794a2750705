"""The univariate Gaussian: scores, Fisher information and KL divergence.

Four parameterisations of N(mu, sigma^2) are supported, named by the strings

* ``"mean_std"``: theta = (mu, sigma)
* ``"mean_logstd"``: theta = (mu, log sigma), the post's worked example
* ``"mean_var"``: theta = (mu, sigma^2)
* ``"natural"``: theta = (mu / sigma^2, -1 / (2 sigma^2)), the exponential family's

Every function takes ``mu`` and ``sigma`` (the distribution) and the name of
the coordinates in which a score or Fisher matrix is expressed.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import DomainError

__all__ = [
    "PARAMETERIZATIONS",
    "DomainError",
    "from_mean_std",
    "to_mean_std",
    "jacobian",
    "score",
    "fisher_information",
    "monte_carlo_fisher",
    "empirical_fisher",
    "kl",
    "central_moment",
    "sample",
]

PARAMETERIZATIONS = ("mean_std", "mean_logstd", "mean_var", "natural")


def _check_param(parameterization: str) -> None:
    if parameterization not in PARAMETERIZATIONS:
        raise ValueError(
            f"parameterization must be one of {', '.join(PARAMETERIZATIONS)}; "
            f"got {parameterization!r}"
        )


def _finite(out: NDArray[np.float64], what: str) -> NDArray[np.float64]:
    """``out``, unless an entry left the double range: then one error, never an inf."""
    if not np.all(np.isfinite(out)):
        raise OverflowError(f"{what} exceeds the double range (about 1.8e308) at these arguments")
    return out


def _check_sigma(sigma: ArrayLike) -> NDArray[np.float64]:
    s = np.asarray(sigma, dtype=float)
    if not np.all(np.isfinite(s) & (s > 0)):
        raise ValueError(f"sigma must be positive and finite, got {sigma!r}")
    return s


def from_mean_std(
    mu: ArrayLike, sigma: ArrayLike, parameterization: str = "mean_logstd"
) -> NDArray[np.float64]:
    """Coordinates ``theta`` of N(mu, sigma^2) in ``parameterization``.

    Returns
    -------
    ndarray, shape (..., 2)
    """
    _check_param(parameterization)
    mu = np.asarray(mu, dtype=float)
    s = _check_sigma(sigma)
    with np.errstate(over="ignore", under="ignore"):  # refused below, with a message
        if parameterization == "mean_std":
            a, b = mu, s
        elif parameterization == "mean_logstd":
            a, b = mu, np.log(s)
        elif parameterization == "mean_var":
            a, b = mu, s**2
        else:
            a, b = mu / s**2, -0.5 / s**2
    a, b = np.broadcast_arrays(a, b)
    # sigma^2 and 1 / sigma^2 leave the double range for sigma beyond about 1e+-154: the
    # variance would be inf or 0, eta2 -inf or 0, none of them coordinates of a Gaussian
    inside = np.isfinite(a) & np.isfinite(b)
    if parameterization == "mean_var":
        inside &= b > 0
    elif parameterization == "natural":
        inside &= b < 0
    if not np.all(inside):
        k = np.flatnonzero(~inside.ravel())[0]
        raise ValueError(
            f"N(mu={float(np.broadcast_to(mu, a.shape).ravel()[k])!r}, "
            f"sigma={float(np.broadcast_to(s, a.shape).ravel()[k])!r}) has no {parameterization} "
            "coordinates in double precision: they overflow or underflow"
        )
    return np.stack([a, b], axis=-1)


def to_mean_std(
    theta: ArrayLike, parameterization: str = "mean_logstd"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Inverse of :func:`from_mean_std`: ``(mu, sigma)`` from coordinates.

    Raises
    ------
    DomainError
        If the coordinates lie outside the parameterisation's domain
        (sigma <= 0, variance <= 0, or eta2 >= 0).
    """
    _check_param(parameterization)
    t = np.asarray(theta, dtype=float)
    a, b = t[..., 0], t[..., 1]
    if parameterization == "mean_std":
        mu, s = a, b
    elif parameterization == "mean_logstd":
        with np.errstate(over="ignore"):  # sigma = inf is refused below, without a warning
            mu, s = a, np.exp(b)
    elif parameterization == "mean_var":
        mu, s = a, np.sqrt(np.where(b > 0, b, np.nan))
    else:
        neg2eta2 = np.where(b < 0, -2.0 * b, np.nan)
        mu, s = a / neg2eta2, 1.0 / np.sqrt(neg2eta2)
    if not np.all(np.isfinite(s) & (s > 0)):
        raise DomainError(f"theta is outside the domain of the {parameterization} parameterization")
    return mu, s


def jacobian(mu: float, sigma: float, parameterization: str) -> NDArray[np.float64]:
    """Jacobian ``d(mu, sigma) / d theta`` at N(mu, sigma^2).

    With it the Fisher information transforms as ``F_theta = J^T F_(mu,sigma) J``.

    Returns
    -------
    ndarray, shape (2, 2)
        Rows index (mu, sigma), columns the coordinates theta.
    """
    _check_param(parameterization)
    s = float(_check_sigma(sigma))
    mu = float(mu)
    if parameterization == "mean_std":
        return np.eye(2)
    if parameterization == "mean_logstd":
        return np.array([[1.0, 0.0], [0.0, s]])
    if parameterization == "mean_var":
        return np.array([[1.0, 0.0], [0.0, 0.5 / s]])
    # mu = -eta1 / (2 eta2), sigma = (-2 eta2)^(-1/2)
    return np.array([[s**2, 2.0 * mu * s**2], [0.0, s**3]])


def score(
    x: ArrayLike, mu: ArrayLike, sigma: ArrayLike, parameterization: str = "mean_logstd"
) -> NDArray[np.float64]:
    """Gradient of ``log N(x | mu, sigma^2)`` with respect to theta.

    Written in terms of the standardised residual ``z = (x - mu) / sigma`` so
    that it stays finite for sigma from 1e-6 to 1e6, with ``z^2 - 1`` as
    ``(r - sigma)(r + sigma) / sigma^2``, ``r = x - mu``: accurate to a few ulps
    near ``|z| = 1`` too, where ``z^2 - 1`` cancels (the value is well conditioned
    there whenever ``x - mu`` is exact, as it is for ``mu = 0``).

    Returns
    -------
    ndarray, shape (..., 2)

    Raises
    ------
    OverflowError
        If the score leaves the double range (|x - mu| / sigma^2 > 1.8e308).
    """
    _check_param(parameterization)
    x = np.asarray(x, dtype=float)
    mu = np.asarray(mu, dtype=float)
    s = _check_sigma(sigma)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused below
        r = x - mu
        z = r / s
        # z^2 - 1 as (r - s)(r + s) / s^2: near |z| = 1, z^2 rounds to 1 + 2 eps and the
        # subtraction keeps only that rounding, while r - s is exact there (Sterbenz)
        w = ((r - s) / s) * ((r + s) / s)
        if parameterization == "mean_std":
            a, b = z / s, w / s
        elif parameterization == "mean_logstd":
            a, b = z / s, w
        elif parameterization == "mean_var":
            a, b = z / s, w / (2.0 * s**2)
        else:
            # Exponential family: the score is T(x) - E[T(x)], with T(x) = (x, x^2).
            # x^2 - (mu^2 + sigma^2) written with x = mu + sigma z, so that it does not
            # cancel when |mu| >> sigma: sigma (2 mu z + sigma (z^2 - 1)).
            a, b = r, s * (2.0 * mu * z + s * w)
    a, b = np.broadcast_arrays(a, b)
    return _finite(np.stack([a, b], axis=-1), "the score")


def fisher_information(
    mu: ArrayLike, sigma: ArrayLike, parameterization: str = "mean_logstd"
) -> NDArray[np.float64]:
    """Closed-form Fisher information of one observation from N(mu, sigma^2).

    * mean_std: diag(1/sigma^2, 2/sigma^2)
    * mean_logstd: diag(1/sigma^2, 2)
    * mean_var: diag(1/sigma^2, 1/(2 sigma^4))
    * natural: [[sigma^2, 2 mu sigma^2], [2 mu sigma^2, 4 mu^2 sigma^2 + 2 sigma^4]]

    Returns
    -------
    ndarray, shape (..., 2, 2)
        Broadcast over ``mu`` and ``sigma``.

    Raises
    ------
    OverflowError
        If an entry leaves the double range (sigma below about 1e-154, or 1e-77 for
        mean_var; above about 1e77 for natural).
    """
    _check_param(parameterization)
    mu = np.asarray(mu, dtype=float)
    s = _check_sigma(sigma)
    mu, s = np.broadcast_arrays(mu, s)
    zero = np.zeros_like(s)
    with np.errstate(over="ignore"):  # sigma beyond about 1e+-154: refused below
        if parameterization == "mean_std":
            rows = [[1.0 / s**2, zero], [zero, 2.0 / s**2]]
        elif parameterization == "mean_logstd":
            rows = [[1.0 / s**2, zero], [zero, np.full_like(s, 2.0)]]
        elif parameterization == "mean_var":
            rows = [[1.0 / s**2, zero], [zero, 0.5 / s**4]]
        else:
            c = 2.0 * mu * s**2
            rows = [[s**2, c], [c, 4.0 * mu**2 * s**2 + 2.0 * s**4]]
    F = np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)
    return _finite(F, "the Fisher information")


def _outer_mean(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(over="ignore"):  # refused below
        out = np.einsum("ni,nj->ij", scores, scores) / scores.shape[0]
    return _finite(out, "the mean outer product of the scores")


def monte_carlo_fisher(
    mu: float,
    sigma: float,
    n_samples: int,
    rng: np.random.Generator,
    parameterization: str = "mean_logstd",
) -> NDArray[np.float64]:
    """Monte Carlo estimate of the (true) Fisher: ``E_model[score score^T]``.

    Parameters
    ----------
    mu, sigma : float
        The model N(mu, sigma^2) the samples are drawn from.
    n_samples : int
        Number of samples; the estimate's standard error falls as n^-1/2.
    rng : numpy.random.Generator
        Source of randomness (no global state is used).
    parameterization : str
        Coordinates of the score.

    Returns
    -------
    ndarray, shape (2, 2)
    """
    if int(n_samples) != n_samples or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    x = rng.normal(mu, _check_sigma(sigma), size=int(n_samples))
    return _outer_mean(score(x, mu, sigma, parameterization))


def empirical_fisher(
    data: ArrayLike, mu: float, sigma: float, parameterization: str = "mean_logstd"
) -> NDArray[np.float64]:
    """Empirical Fisher: ``score score^T`` averaged over the given data.

    It equals the true Fisher only in expectation under the model; on
    misspecified data (e.g. Laplace draws) it differs even at the fit.

    Returns
    -------
    ndarray, shape (2, 2)
    """
    x = np.asarray(data, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("data must contain at least one observation")
    return _outer_mean(score(x, mu, sigma, parameterization))


def _log_ratio(s1: NDArray[np.float64], s2: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log(s1 / s2)`` to a few ulps, also when s1 and s2 are nearly equal.

    Rounding ``s1 / s2`` costs one ulp of the ratio, which is all of the digits
    of a log ratio near 0. Within a factor 2 the difference ``s1 - s2`` is exact
    (Sterbenz), so ``log1p((s1 - s2) / s2)`` keeps them; outside it the plain
    ratio is well conditioned, unless it overflows or underflows (sigmas 1e-300
    and 1e300): then the difference of the logs.
    """
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        near = (s1 <= 2.0 * s2) & (s2 <= 2.0 * s1)
        r = s1 / s2
        far = np.where((r > 0) & np.isfinite(r), np.log(r), np.log(s1) - np.log(s2))
        return np.where(near, np.log1p((s1 - s2) / s2), far)


# Taylor coefficients of (exp(2u) - 1 - 2u) / 2 = sum_k>=2 2^(k-1) u^k / k!,
# highest first for Horner: k = 16 .. 2.
_EXCESS_COEFFS = tuple(2.0 ** (k - 1) / math.factorial(k) for k in range(16, 1, -1))


def _exp_excess(u: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(exp(2u) - 1 - 2u) / 2 = (r^2 - 1)/2 - log r`` for ``u = log r``, without cancellation.

    For |u| < 0.1 the Taylor series to u^16 (truncation below 1e-17 relative); for
    0.1 <= |u| <= 1, ``expm1(2u) - 2u``, which loses at most a factor
    |2u| / g(u) <= 20 ulps. Beyond, ``exp(2u)`` would carry u's absolute rounding
    error ``eps |u|`` as a relative error ``2 eps |u|`` (about 250 ulps at
    r = 1e100), so ``r^2`` is squared from the rounded ratio r itself (2 ulps); the
    terms then cancel by at most a factor 2.5 (at |u| = 1). Near |u| = 0.1 that
    form would cancel by a factor 10 in r^2's rounding (17 ulps), hence the three
    branches. The caller, :func:`kl`, ignores the overflow of exp and of r^2,
    which it reports itself.
    """
    small = np.abs(u) < 0.1
    us = np.where(small, u, 0.0)
    series = np.zeros_like(us)
    for c in _EXCESS_COEFFS:
        series = series * us + c
    series = series * us * us
    direct = 0.5 * (np.expm1(2.0 * u) - 2.0 * u)
    # r underflows to 0 or to a subnormal only where r^2 is negligible beside 1
    far = 0.5 * (r * r - 1.0) - u
    return np.where(small, series, np.where(np.abs(u) <= 1.0, direct, far))


def kl(
    mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike, sigma2: ArrayLike
) -> NDArray[np.float64] | float:
    """Closed-form ``KL(N(mu1, sigma1^2) || N(mu2, sigma2^2))``.

    ``log(sigma2/sigma1) + (sigma1^2 + (mu1 - mu2)^2) / (2 sigma2^2) - 1/2``.
    With ``u = log(sigma1/sigma2)`` and ``d = (mu1 - mu2) / sigma2`` it is the
    sum of two non-negative terms, ``(exp(2u) - 1 - 2u)/2 + d^2/2``, each
    computed without cancellation: accurate to a few ulps relative even for
    nearly equal distributions (where KL ~ delta^T F delta / 2) and for sigma
    ratios up to the double range.

    Raises
    ------
    OverflowError
        If the divergence exceeds the double range (e.g. sigma1 / sigma2 > 1e154,
        or |mu1 - mu2| / sigma2 > 1e154): never an inf.
    """
    s1, s2 = _check_sigma(sigma1), _check_sigma(sigma2)
    s1, s2 = np.broadcast_arrays(s1, s2)
    with np.errstate(over="ignore", under="ignore"):
        d = (np.asarray(mu1, dtype=float) - np.asarray(mu2, dtype=float)) / s2
        out = _exp_excess(_log_ratio(s1, s2), s1 / s2) + 0.5 * d**2
    out = _finite(out, "the KL divergence")
    return float(out) if np.ndim(out) == 0 else out


def central_moment(k: int, sigma: ArrayLike) -> NDArray[np.float64] | float:
    """``E[(x - mu)^k]`` for x ~ N(mu, sigma^2): 0 for odd k, sigma^k (k-1)!! for even k.

    Raises
    ------
    OverflowError
        If sigma^k (k-1)!! leaves the double range.
    """
    if int(k) != k or k < 0:
        raise ValueError(f"k must be a non-negative integer, got {k!r}")
    s = _check_sigma(sigma)
    if k % 2:
        out = np.zeros_like(s)
    else:
        double_factorial = float(np.prod(np.arange(k - 1, 0, -2))) if k > 1 else 1.0
        with np.errstate(over="ignore"):  # refused below
            out = _finite(double_factorial * s**k, f"the central moment of order {k}")
    return float(out) if np.ndim(out) == 0 else out


def sample(n: int, mu: float, sigma: float, seed: int) -> NDArray[np.float64]:
    """``n`` draws from N(mu, sigma^2) with a generator seeded by ``seed``.

    The same seed gives the same draws on every machine (PCG64 is portable).
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return np.random.default_rng(seed).normal(mu, _check_sigma(sigma), size=int(n))
