"""50-digit references for the accuracy tests, computed with mpmath from the same doubles.

Each returns the exact value (to 50 digits) and a *scale*: the sum of the absolute values
of the terms the formula adds. Where the value is much smaller than its terms (it is near
zero because they cancel), rounding the inputs alone moves it by ~eps * scale, so the tests
ask for ``|got - ref| <= 1e-12 |ref| + ULPS * eps * scale``: relative accuracy 1e-12, or
a few ulps of the terms near zero.
"""

import os

import mpmath as mp
import numpy as np

DIGITS = 50
EPS = np.finfo(float).eps
ULPS = 8


def examples(n: int) -> int:
    """Hypothesis examples per property test: a tenth under mutation testing (mutmut sets
    MUTANT_UNDER_TEST), where a mutant is nearly always killed by its first examples."""
    return max(10, n // 10) if os.environ.get("MUTANT_UNDER_TEST") else n


def mpf(v):
    return mp.mpf(float(v))


def close(got, ref, scale, rtol=1e-12) -> bool:
    return abs(float(got) - float(ref)) <= rtol * abs(float(ref)) + ULPS * EPS * float(scale)


def score(x, mu, s, param):
    """(value, scale) of each coordinate of the score.

    z^2 - 1 is a well-conditioned function of r = x - mu and sigma near |z| = 1 too, so
    its scale is its own size, plus z^2 where the double r = x - mu is rounded (that
    rounding, eps/2 |r|, moves z^2 - 1 by eps z^2: the conditioning of x - mu itself).
    """
    exact_r = float(x) - float(mu)
    with mp.workdps(DIGITS):
        x, mu, s = mpf(x), mpf(mu), mpf(s)
        z = (x - mu) / s
        a = z / s
        w = z**2 - 1
        rounded = mpf(exact_r) != x - mu
        ws = abs(w) + (z**2 if rounded else 0)
        if param == "mean_std":
            out = [(a, abs(a)), (w / s, ws / s)]
        elif param == "mean_logstd":
            out = [(a, abs(a)), (w, ws)]
        elif param == "mean_var":
            out = [(a, abs(a)), (w / (2 * s**2), ws / (2 * s**2))]
        else:
            b = x**2 - (mu**2 + s**2)
            # the terms the library adds: x = mu + s z -> s (2 mu z + s (z^2 - 1))
            out = [(x - mu, abs(x - mu)), (b, s * (2 * abs(mu * z) + s * ws))]
        return [(float(v), float(sc)) for v, sc in out]


def fisher(mu, s, param):
    with mp.workdps(DIGITS):
        mu, s = mpf(mu), mpf(s)
        if param == "mean_std":
            F = [[1 / s**2, 0], [0, 2 / s**2]]
        elif param == "mean_logstd":
            F = [[1 / s**2, 0], [0, 2]]
        elif param == "mean_var":
            F = [[1 / s**2, 0], [0, 1 / (2 * s**4)]]
        else:
            c = 2 * mu * s**2
            F = [[s**2, c], [c, 4 * mu**2 * s**2 + 2 * s**4]]
        return np.array([[float(v) for v in row] for row in F])


def kl(mu1, s1, mu2, s2):
    with mp.workdps(DIGITS):
        m1, a, m2, b = mpf(mu1), mpf(s1), mpf(mu2), mpf(s2)
        return float(mp.log(b / a) + (a**2 + (m1 - m2) ** 2) / (2 * b**2) - mp.mpf(1) / 2)


def from_mean_std(mu, s, param):
    with mp.workdps(DIGITS):
        mu, s = mpf(mu), mpf(s)
        if param == "mean_std":
            t = (mu, s)
        elif param == "mean_logstd":
            t = (mu, mp.log(s))
        elif param == "mean_var":
            t = (mu, s**2)
        else:
            t = (mu / s**2, -1 / (2 * s**2))
        return np.array([float(v) for v in t])


def to_mean_std(theta, param):
    with mp.workdps(DIGITS):
        a, b = mpf(theta[0]), mpf(theta[1])
        if param == "mean_std":
            t = (a, b)
        elif param == "mean_logstd":
            t = (a, mp.exp(b))
        elif param == "mean_var":
            t = (a, mp.sqrt(b))
        else:
            t = (a / (-2 * b), 1 / mp.sqrt(-2 * b))
        return np.array([float(v) for v in t])


def loglik(data, mu, lam):
    """Value and gradient of the log-likelihood at (mu, log sigma), with their scales."""
    with mp.workdps(DIGITS):
        xs = [mpf(v) for v in data]
        n = len(xs)
        mu, lam = mpf(mu), mpf(lam)
        ss = sum((x - mu) ** 2 for x in xs)
        iv = mp.exp(-2 * lam)
        c = -n * mp.log(2 * mp.pi) / 2
        value = c - n * lam - iv * ss / 2
        vscale = abs(c) + abs(n * lam) + iv * ss / 2
        mean = sum(xs) / n
        g1 = n * (mean - mu) * iv
        g2 = -n + iv * ss
        css = sum((x - mean) ** 2 for x in xs)
        # The library's mean is good to a few ulps of the residuals x - mean (two passes):
        # that is the scale of mean - mu where it cancels
        resid = sum(abs(x - mean) for x in xs)
        return {
            "value": (float(value), float(vscale)),
            "gradient": [(float(g1), float(iv * resid)), (float(g2), float(n + iv * ss))],
            "offset": (float(mean - mu), float(resid / n)),
            "mean_nll": (float(-value / n), float(vscale / n)),
            "excess": float(
                mp.log(mp.exp(lam) / mp.sqrt(css / n))
                + (css / n + (mean - mu) ** 2) / (2 * mp.exp(2 * lam))
                - mp.mpf(1) / 2
            ),
        }


def float64_like(got, ref) -> None:
    """float32 in, float64 out, equal to the float64 call: the mathematics is in double
    precision whatever the caller passes (numpy keeps float32 through arithmetic with
    Python floats, so every public function converts its inputs first)."""
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == np.float64, got.dtype
    np.testing.assert_array_equal(got, ref)
