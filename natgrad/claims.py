"""Every mathematical statement of the draft, each checked by computation.

Every claim is computed in closed form and, where a random variable is
involved, by Monte Carlo with a 5-standard-error tolerance. Its verdict is
``"holds"`` when the draft's statement is true, ``"erratum"`` when it is false
and the corrected statement (ERRATA.md) is true, and ``"fails"`` otherwise.
:func:`check_claims` raises when a verdict differs from the one the library
expects, so a broken formula stops the build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import gaussian
from .descent import steepest_descent
from .metrics import Diagonal, Euclidean, Mahalanobis
from .objectives import GaussianLogLikelihood, Quadratic, gaussian_mle_path

__all__ = [
    "Claim",
    "ClaimError",
    "CLAIMS",
    "evaluate",
    "compute_claims",
    "check_claims",
    "claims_markdown",
]

#: Monte Carlo tolerance in standard errors (false alarm ~6e-7 per check).
Z = 5.0

POST_A_TEXT = np.array([[1.0, 0.5], [0.5, 1.0]])
POST_A_CODE = np.array([[1.0, -0.5], [-0.5, 1.0]])


class ClaimError(RuntimeError):
    """A claim's computed verdict is not the one the library expects."""


@dataclass(frozen=True)
class Claim:
    """One statement of the draft and how to check it."""

    id: str
    draft: str
    check: Callable[[np.ndarray, float, float], dict]
    erratum: str | None = None  # the ERRATA.md entry of a false statement
    correct: str = ""  # what holds instead
    note: str = ""  # the condition under which a true statement holds, if any

    @property
    def expected(self) -> str:
        """The verdict the check must reach: "erratum" for a false statement, else "holds"."""
        return "erratum" if self.erratum else "holds"


def _mc_mean(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = samples.shape[0]
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(n)


def _within(mc, se, target) -> bool:
    return bool(np.all(np.abs(np.asarray(mc) - np.asarray(target)) <= Z * np.asarray(se) + 1e-12))


def _outer(s: np.ndarray) -> np.ndarray:
    return np.einsum("ni,nj->nij", s, s)


def _scores(x, mu, sigma):
    return _outer(gaussian.score(x, mu, sigma))


# A gradient, a point and a metric tensor for the derivation claims (no randomness).
G_VEC = np.array([1.5, -2.0, 0.25])
X_T = np.array([0.5, 1.0, -1.0])
G_SPD = np.array([[2.0, 0.3, 0.0], [0.3, 1.0, -0.2], [0.0, -0.2, 0.5]])
# The trajectory figure's start point, and the direction across its valley.
X0 = np.array([8.0, 3.0])
VALLEY = np.array([1.0, -1.0])


def _central_gradient(q: Callable[[np.ndarray], float], x0: np.ndarray, h: float) -> np.ndarray:
    return np.array([(q(x0 + h * e) - q(x0 - h * e)) / (2 * h) for e in np.eye(x0.size)])


def _central_hessian(q: Callable[[np.ndarray], float], x0: np.ndarray, h: float) -> np.ndarray:
    def entry(a, b):
        u, v = h * a, h * b
        return (q(x0 + u + v) - q(x0 + u - v) - q(x0 - u + v) + q(x0 - u - v)) / (4 * h * h)

    eye = np.eye(x0.size)
    return np.array([[entry(a, b) for b in eye] for a in eye])


def _argmin_quadratic(q: Callable[[np.ndarray], float], x0: np.ndarray) -> np.ndarray:
    """Minimiser of a strictly convex quadratic ``q``, from its values only.

    Central first and second differences are exact for a quadratic up to
    rounding, so this is independent of the library's solves.
    """
    return x0 - np.linalg.solve(_central_hessian(q, x0, 0.5), _central_gradient(q, x0, 0.5))


def _first_step(grad_fn, x0: np.ndarray, metric, lr: float) -> np.ndarray:
    """x_1 of steepest descent from x0: the library's own update."""
    return steepest_descent(grad_fn, x0, metric, lr, 1)[1]


def _linear_model(d: np.ndarray) -> float:
    """The draft's linear model f(x_t) + grad f(x_t)^T d, with f(x_t) = 0, at x_t + d."""
    return float(G_VEC @ d)


def _linear_model_plus(penalty: Callable[[np.ndarray], float]):
    return lambda x: _linear_model(x - X_T) + float(penalty(x - X_T))


def _sphere(n: int) -> np.ndarray:
    """``n`` unit vectors spread evenly over the sphere (Fibonacci lattice), each
    within about sqrt(4 pi / n) of any direction."""
    k = np.arange(n) + 0.5
    polar, azimuth = np.arccos(1 - 2 * k / n), np.pi * (1 + np.sqrt(5)) * k
    return np.stack(
        [np.cos(azimuth) * np.sin(polar), np.sin(azimuth) * np.sin(polar), np.cos(polar)], -1
    )


def _fixed_length(x, mu, sigma):
    eps, n = 0.1, 20_000
    steps = eps * _sphere(n)
    change = np.array([_linear_model(d) for d in steps])
    best = steps[np.argmin(change)] / eps
    d = -Euclidean(3).direction(G_VEC)
    unit = d / np.linalg.norm(d)
    # the steepest direction beats every sampled one; the best sampled one is within
    # the lattice's spacing of it
    angle = float(np.arccos(np.clip(best @ unit, -1.0, 1.0)))
    beaten = bool(np.all(change >= _linear_model(eps * unit) - 1e-15))
    holds = beaten and angle <= np.sqrt(4 * np.pi / n)
    return {
        "closed_form": {
            "best of 20000 steps of length 0.1": eps * best,
            "-0.1 grad f / |grad f|": eps * unit,
            "angle between them": angle,
        },
        "draft": holds,
        "correct": holds,
    }


def _no_minimiser(x, mu, sigma):
    t = 10.0 ** np.arange(0, 16, 3)
    g = G_VEC / np.linalg.norm(G_VEC)
    # -grad f and every coordinate direction that descends
    directions = [-g] + [
        -np.sign(gi) * e for gi, e in zip(G_VEC, np.eye(G_VEC.size), strict=True) if gi != 0
    ]
    values = np.array([[_linear_model(ti * d) for ti in t] for d in directions])
    slopes = np.array([G_VEC @ d for d in directions])
    # bounded along -grad f: the model stops falling there, and an optimal step exists
    bounded = bool(values[0, -1] >= values[0, -2])
    # linear in t along each: it falls by |grad f . d| per unit step at every scale
    unbounded = bool(np.allclose(values / t, slopes[:, None], rtol=1e-12) and np.all(slopes < 0))
    return {
        "closed_form": {
            "steps t": t,
            "model along -grad f / |grad f|": values[0],
            "model along e_3 (a descent direction)": values[-1],
        },
        "draft": bounded,
        "correct": unbounded,
    }


def _penalty_for_constraint(x, mu, sigma):
    step = _argmin_quadratic(_linear_model_plus(lambda d: 0.5 * d @ d), X_T) - X_T
    length = float(np.linalg.norm(G_VEC))
    # the fixed-length problem's minimiser (C1): -eps grad f / |grad f| for length eps
    fixed = {eps: -eps * G_VEC / length for eps in (0.1, 1.0)}
    cos = float(step @ fixed[1.0] / np.linalg.norm(step))
    return {
        "closed_form": {
            "penalised step": step,
            "fixed-length step, length 1": fixed[1.0],
            "|grad f|": length,
            "cos(angle)": cos,
        },
        "draft": any(np.allclose(step, s, atol=1e-12) for s in fixed.values()),
        "correct": bool(
            np.isclose(cos, 1.0, rtol=1e-12)
            and np.isclose(np.linalg.norm(step), length, rtol=1e-12)
        ),
    }


def _euclidean_derivation(x, mu, sigma):
    argmin = _argmin_quadratic(_linear_model_plus(lambda d: 0.5 * d @ d), X_T)
    step = _first_step(lambda _: G_VEC, X_T, Euclidean(3), 1.0)
    holds = bool(np.allclose(argmin, X_T - G_VEC, atol=1e-12) and np.allclose(step, argmin))
    return {
        "closed_form": {"argmin": argmin, "x_t - grad f": X_T - G_VEC},
        "draft": holds,
        "correct": holds,
    }


def _learning_rate_penalty(x, mu, sigma):
    gamma = 0.25
    drafts = _argmin_quadratic(_linear_model_plus(lambda d: gamma / 2 * (d @ d)), X_T)
    inverse = _argmin_quadratic(_linear_model_plus(lambda d: d @ d / (2 * gamma)), X_T)
    gd = _first_step(lambda _: G_VEC, X_T, Euclidean(3), gamma)
    return {
        "closed_form": {
            "gamma": gamma,
            "argmin with gamma/2": drafts,
            "argmin with 1/(2 gamma)": inverse,
            "x_t - gamma grad f": gd,
        },
        "draft": bool(np.allclose(drafts, gd, atol=1e-12)),
        "correct": bool(np.allclose(inverse, gd, atol=1e-12)),
    }


def _metric_direction(x, mu, sigma):
    argmin = _argmin_quadratic(_linear_model_plus(lambda d: 0.5 * d @ G_SPD @ d), X_T)
    natural = X_T - Mahalanobis(G_SPD).direction(G_VEC)
    holds = bool(np.allclose(argmin, natural, atol=1e-12))
    return {
        "closed_form": {"argmin": argmin, "x_t - G^-1 grad f": natural},
        "draft": holds,
        "correct": holds,
    }


def _identity_is_gradient_descent(x, mu, sigma):
    # the Euclidean problem's minimiser, found from the model's values only (C4)
    euclidean = _argmin_quadratic(_linear_model_plus(lambda d: 0.5 * d @ d), X_T)
    natural = X_T - Mahalanobis(np.eye(3)).direction(G_VEC)
    # and ten steps on the post's f against a loop with the gradient 2 A x written out
    loop = [X0]
    for _ in range(10):
        loop.append(loop[-1] - 0.5 * 2 * (POST_A_CODE @ loop[-1]))
    f = Quadratic(POST_A_CODE)
    path = steepest_descent(f.gradient, X0, Mahalanobis(np.eye(2)), 0.5, 10)
    # the two gradients round differently: a few ulps of |x_0| over ten contracting steps
    holds = bool(
        np.allclose(natural, euclidean, rtol=0, atol=1e-12)
        and np.allclose(path, loop, rtol=0, atol=1e-13 * np.abs(X0).max())
    )
    return {
        "closed_form": {
            "x_t - I^-1 grad f": natural,
            "Euclidean argmin": euclidean,
            "max |path - loop|": np.abs(path - loop).max(),
        },
        "draft": holds,
        "correct": holds,
    }


def _squared_distance(x, mu, sigma):
    m = Mahalanobis(POST_A_CODE)

    def by_hand(p, q):
        return float((p - q) @ POST_A_CODE @ (p - q))

    # b off the segment from a to c (no equality case for sqrt(D)), and 200 triples more
    a, b, c = np.array([0.0, 0.0]), np.array([1.0, 0.3]), np.array([2.0, 0.0])
    triples = [(a, b, c), *np.random.default_rng(0).normal(size=(200, 3, 2))]
    D = np.array([[m.sqdist(p, q), m.sqdist(q, r), m.sqdist(p, r)] for p, q, r in triples])
    hand = np.array([[by_hand(p, q), by_hand(q, r), by_hand(p, r)] for p, q, r in triples])
    root = np.sqrt(D)
    return {
        "closed_form": {
            "D(a, b), D(b, c), D(a, c)": D[0],
            "sqrt(D(a, b)) + sqrt(D(b, c)) - sqrt(D(a, c))": root[0, 0] + root[0, 1] - root[0, 2],
        },
        "draft": bool(np.all(D[:, 2] <= D[:, 0] + D[:, 1])),
        "correct": bool(
            np.allclose(D, hand, rtol=1e-12, atol=0)
            and np.all(root[:, 2] <= root[:, 0] + root[:, 1] + 1e-12)
            and root[0, 2] < root[0, 0] + root[0, 1] - 1e-3
        ),
    }


def _positive_definite(x, mu, sigma):
    singular = np.array([[1.0, 1.0], [1.0, 1.0]])  # PSD, eigenvalues 0 and 2
    d = np.array([1.0, -1.0])
    try:
        Mahalanobis(singular)
        refused = False
    except ValueError:
        refused = True
    return {
        "closed_form": {
            "eigenvalues of A": np.linalg.eigvalsh(singular),
            "D((1, -1), 0)": float(d @ singular @ d),
        },
        "draft": bool(d @ singular @ d > 0),
        "correct": refused and bool(np.all(np.linalg.eigvalsh(POST_A_CODE) > 0)),
    }


def _penalised_argmins(metric, g, x_t):
    """Minimisers of the linear model plus D/2 and plus D (the draft's penalty as posed),
    ``D = metric.sqdist``, each from the problem's values by central differences."""

    def problem(scale):
        return lambda x: float(g @ (x - x_t) + scale * metric.sqdist(x, x_t))

    return _argmin_quadratic(problem(0.5), x_t), _argmin_quadratic(problem(1.0), x_t)


def _unhalved_mahalanobis(x, mu, sigma):
    m = Mahalanobis(G_SPD)
    halved, posed = _penalised_argmins(m, G_VEC, X_T)
    d = m.direction(G_VEC)
    return {
        "closed_form": {
            "argmin with D": posed,
            "x_t - A^-1 grad f": X_T - d,
            "x_t - 1/2 A^-1 grad f": X_T - 0.5 * d,
            "argmin with D/2": halved,
        },
        "draft": bool(np.allclose(posed, X_T - d, rtol=0, atol=1e-12)),
        "correct": bool(
            np.allclose(posed, X_T - 0.5 * d, rtol=0, atol=1e-12)
            and np.allclose(halved, X_T - d, rtol=0, atol=1e-12)
        ),
    }


def _diagonal(x, mu, sigma):
    a, g, x_t = np.array([2.0, 0.5]), np.array([1.0, 3.0]), np.array([0.5, 1.0])
    rho = 1 / a
    m = Diagonal(a)
    step = _first_step(lambda _: g, x_t, m, 1.0)
    halved, posed = _penalised_argmins(m, g, x_t)
    return {
        "closed_form": {
            "x_t - rho^T grad": x_t - rho @ g,
            "x_t - rho * grad": x_t - rho * g,
            "steepest descent step": step,
            "argmin with D/2": halved,
            "argmin with D": posed,
        },
        "draft": bool(np.allclose(step, x_t - rho @ g, rtol=0, atol=1e-12)),
        "correct": bool(
            np.allclose(step, x_t - rho * g, rtol=0, atol=1e-12)
            and np.allclose(halved, x_t - rho * g, rtol=0, atol=1e-12)
            and np.allclose(posed, x_t - 0.5 * rho * g, rtol=0, atol=1e-12)
        ),
    }


def _identity_is_euclidean(x, mu, sigma):
    m = Diagonal(np.ones(3))
    a, b = X_T, X_T + G_VEC
    sq, euclid = m.sqdist(a, b), float(np.sum((a - b) ** 2))
    halved, posed = _penalised_argmins(m, G_VEC, X_T)
    step = _first_step(lambda _: G_VEC, X_T, m, 1.0)
    holds = bool(
        np.isclose(sq, euclid, rtol=1e-14, atol=0)
        and np.allclose(halved, X_T - G_VEC, rtol=0, atol=1e-12)
        and np.allclose(step, X_T - G_VEC, rtol=0, atol=1e-12)
    )
    return {
        "closed_form": {
            "D": sq,
            "squared Euclidean": euclid,
            "argmin with D/2": halved,
            "argmin with D": posed,
            "x_t - grad f": X_T - G_VEC,
        },
        "draft": holds,
        "correct": holds,
    }


def _sphere_and_ellipse(x, mu, sigma):
    r, n = 1.0, 2001
    radii = {}
    for name, m in (("Euclidean", Euclidean(2)), ("A", Mahalanobis(POST_A_CODE))):
        radii[name] = np.linalg.norm(m.level_set(radius=r, n_points=n), axis=1)
    w = np.linalg.eigvalsh(POST_A_CODE)
    axes = r / np.sqrt(w[::-1])  # semi-axes, shortest first
    # sampled in angle 2 pi / (n - 1): the extreme radii are met to ~(pi / n)^2
    tol = 10 * (np.pi / n) ** 2
    circle = bool(np.allclose(radii["Euclidean"], r, rtol=1e-12))
    ellipse = bool(np.allclose([radii["A"].min(), radii["A"].max()], axes, rtol=tol))
    return {
        "closed_form": {
            "Euclidean radii": [radii["Euclidean"].min(), radii["Euclidean"].max()],
            "A radii": [radii["A"].min(), radii["A"].max()],
            "semi-axes": axes,
        },
        "draft": circle and ellipse and axes[1] > axes[0] * (1 + tol),
        "correct": circle and ellipse,
    }


def _newton_step(f: Quadratic, x: np.ndarray) -> np.ndarray:
    return x - np.linalg.solve(f.hessian(), f.gradient(x))


def _newton_as_posed(x, mu, sigma):
    f = Quadratic(POST_A_CODE)
    _, posed = _penalised_argmins(Mahalanobis(POST_A_CODE), f.gradient(X0), X0)
    # Newton's step from f's values alone: central differences are exact for a quadratic
    newton = _argmin_quadratic(f.value, X0)
    return {
        "closed_form": {
            "argmin with D": posed,
            "Newton's step": newton,
            "x_t - A^-1 grad f": X0 - Mahalanobis(POST_A_CODE).direction(f.gradient(X0)),
        },
        "draft": bool(np.allclose(posed, newton, rtol=0, atol=1e-12 * np.abs(X0).max())),
        "correct": bool(np.allclose(posed, newton, rtol=0, atol=1e-12 * np.abs(X0).max())),
    }


def _newton(x, mu, sigma):
    f = Quadratic(POST_A_CODE)
    newton = _newton_step(f, X0)
    draft_step = X0 - Mahalanobis(f.A).direction(f.gradient(X0))
    half = _first_step(f.gradient, X0, Mahalanobis(f.A), 0.5)
    hessian_metric = _first_step(f.gradient, X0, Mahalanobis(f.hessian()), 1.0)
    return {
        "closed_form": {
            "newton": newton,
            "draft_step": draft_step,
            "lr_half_step": half,
            "metric 2A step": hessian_metric,
        },
        "draft": bool(np.allclose(draft_step, newton)),
        "correct": bool(np.allclose(half, newton) and np.allclose(hessian_metric, newton)),
    }


def _post_matrix(x, mu, sigma):
    pts = np.array([[1.0, 2.0], [-0.5, 3.0], [2.0, 2.0]])
    f = pts[:, 0] ** 2 + pts[:, 1] ** 2 - pts[:, 0] * pts[:, 1]
    text = Quadratic(POST_A_TEXT).value(pts)
    code = Quadratic(POST_A_CODE).value(pts)
    return {
        "closed_form": {"f": f, "x^T A_text x": text, "x^T A_code x": code},
        "draft": bool(np.allclose(text, f)),
        "correct": bool(np.allclose(code, f)),
    }


def _bounces(x, mu, sigma):
    f = Quadratic(POST_A_CODE)
    across = steepest_descent(f.gradient, X0, Euclidean(2), 0.5, 10) @ VALLEY
    holds = bool(np.all(np.sign(across[1:]) == -np.sign(across[:-1])))
    return {"closed_form": {"(x_t) . (1, -1)": across}, "draft": holds, "correct": holds}


def _straight(x, mu, sigma):
    f = Quadratic(POST_A_CODE)
    path = steepest_descent(f.gradient, X0, Mahalanobis(POST_A_CODE), 0.3, 10)
    ratios = path[1:] / path[:-1]
    holds = bool(np.allclose(ratios, 0.4, rtol=1e-12))
    return {"closed_form": {"x_{t+1} / x_t": ratios[:, 0]}, "draft": holds, "correct": holds}


def _code_step(x, mu, sigma):
    f = Quadratic(POST_A_CODE)
    text = X0 - Mahalanobis(POST_A_CODE).direction(f.gradient(X0))
    code = _first_step(f.gradient, X0, Mahalanobis(POST_A_CODE), 0.3)
    newton = _newton_step(f, X0)
    fraction = (code - X0) @ (newton - X0) / ((newton - X0) @ (newton - X0))
    return {
        "closed_form": {"text step": text, "code step": code, "fraction of Newton": fraction},
        "draft": bool(np.allclose(code, text)),
        "correct": bool(np.allclose(code - X0, 0.6 * (newton - X0), atol=1e-12)),
    }


def _kl_not_a_metric(x, mu, sigma):
    ab, ba = gaussian.kl(mu, sigma, mu, 3 * sigma), gaussian.kl(mu, 3 * sigma, mu, sigma)
    s = sigma
    direct = gaussian.kl(mu, s, mu + 2 * s, s)
    via = gaussian.kl(mu, s, mu + s, s) + gaussian.kl(mu + s, s, mu + 2 * s, s)
    pairs = [(mu, sigma, mu + d, sigma * np.exp(e)) for d in (0, 0.5) for e in (0, -0.3, 0.4)]
    divergence = all(gaussian.kl(*p) >= 0 for p in pairs) and gaussian.kl(mu, s, mu, s) == 0
    return {
        "closed_form": {
            "KL(a, b)": ab,
            "KL(b, a)": ba,
            "KL(p, r)": direct,
            "KL(p, q) + KL(q, r)": via,
        },
        "draft": bool(np.isclose(ab, ba) and direct <= via),
        "correct": bool(divergence),
    }


def _joint_fisher(x, mu, sigma):
    # a prior N(theta - 1/2, 1/4 I) on (mu, log sigma): its mode is away from theta, so
    # grad log p(theta) = -4 (1/2, 1/2) = (-2, -2) whatever theta is
    g = np.array([-2.0, -2.0])
    F = gaussian.fisher_information(mu, sigma)
    s = gaussian.score(x, mu, sigma)
    joint, se_j = _mc_mean(_outer(s + g))
    cond, se_c = _mc_mean(_outer(s))
    return {
        "closed_form": {"F": F, "F + g g^T": F + np.outer(g, g)},
        "monte_carlo": {"joint": joint, "conditional": cond},
        "draft": _within(joint, se_j, F),
        "correct": _within(cond, se_c, F) and _within(joint, se_j, F + np.outer(g, g)),
    }


DELTA = 1e-3 * np.array([0.6, -0.8])


def _kl_at(theta, mu, sigma):
    """KL(p_theta || p_(mu, sigma)) with theta in (mu, log sigma): the draft's direction."""
    return gaussian.kl(theta[0], np.exp(theta[1]), mu, sigma)


def _half_or_whole(kl: float, quad: float, label: str) -> dict:
    """Is ``kl`` the quadratic form ``quad`` (the draft) or half of it (correct), to 1 %?"""
    return {
        "closed_form": {"kl": kl, label: quad, "ratio": kl / quad},
        "draft": abs(kl / quad - 1) < 1e-2,
        "correct": abs(kl / (0.5 * quad) - 1) < 1e-2,
    }


def _kl_quadratic(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma)
    kl = _kl_at(np.array([mu, np.log(sigma)]) + DELTA, mu, sigma)
    return _half_or_whole(kl, float(DELTA @ F @ DELTA), "delta^T F delta")


def _kl_penalised_step(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma)
    scale = np.array([sigma, 1.0])  # delta = (sigma u, v): both coordinates of order 1

    def kl_from_theta_t(uv):
        # KL(p_(theta_t + delta) || p_theta_t) depends on the means through their difference
        return gaussian.kl(sigma * uv[0], sigma * np.exp(uv[1]), 0.0, sigma)

    errors, stationary = {}, True
    for eps in (1e-2, 1e-3):
        g = eps * np.array([0.6, -0.8]) / scale  # a gradient of f at theta_t
        # grad_delta KL = (a / sigma^2, exp(2 b) - 1) = -g: the minimiser in closed form
        exact = np.array([-g[0] * sigma**2, 0.5 * np.log1p(-g[1])])
        grad = _central_gradient(kl_from_theta_t, exact / scale, 1e-5 * eps) / scale
        # central differences: O(h^2) truncation, eps_machine KL / h rounding, 1e-9 |g|
        stationary &= bool(np.all(np.abs((grad + g) * scale) <= 1e-6 * eps))
        natural = -Mahalanobis(F).direction(g)
        errors[eps] = float(np.linalg.norm((exact - natural) / scale) / eps)
    # leading order: the step's error relative to |g| is O(|g|), 10 times smaller at 1e-3
    ratio = errors[1e-2] / errors[1e-3]
    holds = stationary and 5 < ratio < 20 and errors[1e-2] > 1e-6
    return {
        "closed_form": {
            "|argmin - natural step| / |g|, |g| = 1e-2": errors[1e-2],
            "|argmin - natural step| / |g|, |g| = 1e-3": errors[1e-3],
        },
        "draft": holds,
        "correct": holds,
    }


def _log_density(x, mu, sigma):
    lam = np.log(sigma)
    drafts = -0.5 * np.log(2 * np.pi) - lam - 0.5 * np.exp(-2 * lam) * (x - mu) ** 2
    direct = np.log(np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2))
    # the likelihood the figures draw is the sum of these: to 1e-12 of its terms' sizes
    library = GaussianLogLikelihood(x).value(np.array([mu, lam]))
    scale = float(np.sum(np.abs(drafts)))
    holds = bool(np.allclose(drafts, direct, rtol=1e-12, atol=1e-12)) and bool(
        abs(library - float(np.sum(drafts))) <= 1e-12 * scale
    )
    # rounding-level differences are no sidecar data: show the first draw both ways
    return {
        "closed_form": {
            "draft at x_1": drafts[0],
            "log of the density at x_1": direct[0],
            "log-likelihood / n": library / x.size,
        },
        "draft": holds,
        "correct": holds,
    }


def _score_formula(x, mu, sigma):
    z = (x - mu) / sigma
    drafts = np.stack([(x - mu) / sigma**2, -1 + z**2], axis=1)
    lib = gaussian.score(x, mu, sigma)
    h = 1e-5

    def logp(m, lam):
        return -lam - 0.5 * np.exp(-2 * lam) * (x - m) ** 2

    lam = np.log(sigma)
    fd = np.stack(
        [
            (logp(mu + h, lam) - logp(mu - h, lam)) / (2 * h),
            (logp(mu, lam + h) - logp(mu, lam - h)) / (2 * h),
        ],
        axis=1,
    )
    # central differences: truncation h^2/6 |third derivative| ~ 1e-10 (1 + z^3) relative
    holds = bool(np.allclose(drafts, lib, rtol=1e-12, atol=1e-12)) and bool(
        np.allclose(drafts, fd, rtol=1e-6, atol=1e-6)
    )
    return {
        "closed_form": {"draft at x_1": drafts[0], "finite differences at x_1": fd[0]},
        "draft": holds,
        "correct": holds,
    }


def _single_outer_product(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma)
    one = _scores(x[:1], mu, sigma)[0]
    mc, se = _mc_mean(_scores(x, mu, sigma))
    return {
        "closed_form": F,
        "monte_carlo": {"one outer product": one, "mean outer product": mc},
        "draft": bool(np.allclose(one, F, rtol=1e-2)),
        "correct": _within(mc, se, F),
    }


def _expanded_outer_product(x, mu, sigma):
    r = x - mu
    s2, s4 = sigma**2, sigma**4
    cross = -r / s2 + r**3 / s4
    display = np.stack(
        [np.stack([r**2 / s4, cross], -1), np.stack([cross, 1 - 2 * r**2 / s2 + r**4 / s4], -1)],
        -2,
    )
    z = np.abs(r) / sigma
    # each entry rounds to a few ulps of the sizes of its terms
    scale = np.stack(
        [
            np.stack([z**2 / s2, (z + z**3) / sigma], -1),
            np.stack([(z + z**3) / sigma, (1 + z**2) ** 2], -1),
        ],
        -2,
    )
    products = _scores(x, mu, sigma)
    mc, se = _mc_mean(display)
    F = gaussian.fisher_information(mu, sigma)
    holds = bool(np.all(np.abs(display - products) <= 1e-12 * scale)) and _within(mc, se, F)
    return {"closed_form": F, "monte_carlo": mc, "draft": holds, "correct": holds}


def _off_diagonal(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma)
    mc, se = _mc_mean(_scores(x, mu, sigma))
    holds = F[0, 1] == 0 and _within(mc[0, 1], se[0, 1], 0.0)
    return {"closed_form": F[0, 1], "monte_carlo": mc[0, 1], "draft": holds, "correct": holds}


def _top_left(x, mu, sigma):
    mc, se = _mc_mean((x - mu) ** 2 / sigma**4)
    F = gaussian.fisher_information(mu, sigma)
    holds = bool(np.isclose(F[0, 0], 1 / sigma**2)) and _within(mc, se, 1 / sigma**2)
    return {"closed_form": F[0, 0], "monte_carlo": mc, "draft": holds, "correct": holds}


def _moments(x, mu, sigma):
    z = x - mu
    m3, se3 = _mc_mean(z**3)
    m4, se4 = _mc_mean(z**4)
    return {
        "closed_form": {
            "third": gaussian.central_moment(3, sigma),
            "fourth": gaussian.central_moment(4, sigma),
            "3 sigma^4": 3 * sigma**4,
        },
        "monte_carlo": {"third": m3, "fourth": m4},
        # the closed forms decide where Monte Carlo cannot tell sigma^4 from 0 (small sigma)
        "draft": _within(m3, se3, 3 * sigma**4)
        and bool(np.isclose(gaussian.central_moment(3, sigma), 3 * sigma**4, rtol=1e-12, atol=0)),
        "correct": _within(m4, se4, 3 * sigma**4)
        and bool(np.isclose(gaussian.central_moment(4, sigma), 3 * sigma**4, rtol=1e-12, atol=0)),
    }


def _lower_right(x, mu, sigma):
    z2 = ((x - mu) / sigma) ** 2
    as_written, se_w = _mc_mean(1 - (2 * z2 + z2**2))
    corrected, se_c = _mc_mean(1 - 2 * z2 + z2**2)
    F = gaussian.fisher_information(mu, sigma)
    return {
        "closed_form": F[1, 1],
        "monte_carlo": {"as_written": as_written, "corrected": corrected},
        "draft": _within(as_written, se_w, 2.0),
        "correct": _within(corrected, se_c, F[1, 1]),
    }


def _fisher(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma)
    mc, se = _mc_mean(_scores(x, mu, sigma))
    draft = np.diag([1 / sigma**2, 2.0])
    holds = bool(np.allclose(F, draft)) and _within(mc, se, F)
    return {"closed_form": F, "monte_carlo": mc, "draft": holds, "correct": holds}


def _inverse_fisher(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma)
    stated = np.diag([sigma**2, 0.5])
    inv = np.linalg.inv(F)
    return {
        "closed_form": inv,
        "draft": bool(np.allclose(F, stated)),
        "correct": bool(np.allclose(inv, stated)),
    }


def _curvature_in_mu(ll: GaussianLogLikelihood, m: float, lam: float, h: float) -> float:
    """Second divided difference of the mean NLL in mu at m, on the nodes as rounded:
    exact for a quadratic in mu, whatever the rounding of m +- h."""
    lo, hi = m - h, m + h

    def q(mu):
        return float(ll.mean_nll(np.array([mu, lam])))

    return 2 * ((q(hi) - q(m)) / (hi - m) - (q(m) - q(lo)) / (m - lo)) / (hi - lo)


def _variance_scaling(x, mu, sigma):
    # the isocontours' likelihood and the descent the figure draws (objectives), not F
    ll = GaussianLogLikelihood(x)
    m, lam = ll.mle()
    s = np.exp(lam)
    steeper = _curvature_in_mu(ll, m, lam - np.log(2), s) / _curvature_in_mu(ll, m, lam, s)
    # one natural step moves mu by the learning rate times sigma^2 times the gradient
    start, lr = np.array([m + 0.5 * s, lam]), 0.1
    natural = gaussian_mle_path(ll, start, "natural", lr, 1)[1] - start
    gradient = -ll.gradient(start)[0] / ll.n  # of the mean NLL in mu
    # the step is a difference of iterates of size |start|: eps |start| / |step|
    tol = 1e-12 + 4 * np.finfo(float).eps * abs(start[0]) / abs(natural[0])
    ratio = natural[0] / (-lr * gradient)
    # the mean NLL is quadratic in mu: its second differences round to ~1e-14 relative
    holds = bool(np.isclose(ratio, s**2, rtol=tol, atol=0)) and bool(
        np.isclose(steeper, 4, rtol=1e-9)
    )
    return {
        "closed_form": {
            "natural step in mu / (-lr gradient in mu)": ratio,
            "sigma^2": s**2,
            "curvature in mu at sigma/2 / at sigma": steeper,
        },
        "draft": holds,
        "correct": holds,
    }


def _gradient_at(theta, mu, sigma, h=1e-4):
    return _central_gradient(lambda t: _kl_at(t, mu, sigma), theta, h)


def _hessian_at(theta, mu, sigma, h=1e-3):
    return _central_hessian(lambda t: _kl_at(t, mu, sigma), theta, h)


def _to_accuracy(value, atol):
    """``value`` rounded to a multiple of ``atol``, its accuracy. A computed zero is
    rounding noise (1e-16 or so), and its digits differ between machines (numpy's
    SIMD exp and sums): the table, like every sidecar, must agree across platforms
    to 1e-9 of each array's magnitude (natgrad.artifacts.DATA_RTOL)."""
    atol = np.asarray(atol, dtype=float)
    return np.round(np.asarray(value, dtype=float) / atol) * atol + 0.0


def _vanishing_terms(x, mu, sigma):
    theta_t = np.array([mu, np.log(sigma)])
    F = gaussian.fisher_information(mu, sigma)
    value, grad = gaussian.kl(mu, sigma, mu, sigma), _gradient_at(theta_t, mu, sigma)
    # the gradient is 0; central differences leave O(h^2 |third derivative|) ~ 1e-8 |F|
    tol = 1e-7 * np.abs(F).max()
    holds = value == 0 and bool(np.all(np.abs(grad) <= tol))
    return {
        "closed_form": {"D(theta_t, theta_t)": value, "gradient": _to_accuracy(grad, tol)},
        "draft": holds,
        "correct": holds,
    }


def _second_order_term(x, mu, sigma):
    theta_t = np.array([mu, np.log(sigma)])
    H = _hessian_at(theta_t, mu, sigma)
    kl = _kl_at(theta_t + DELTA, mu, sigma)
    return _half_or_whole(kl, float(DELTA @ H @ DELTA), "delta^T H delta")


def _hessian_is_fisher(x, mu, sigma):
    theta_t = np.array([mu, np.log(sigma)])
    H = _hessian_at(theta_t, mu, sigma)
    F = gaussian.fisher_information(mu, sigma)
    # second differences: truncation O(h^2) = 1e-6 relative to the Fisher's scale
    holds = bool(np.allclose(H, F, rtol=1e-5, atol=1e-5 * np.abs(F).max()))
    return {"closed_form": {"Hessian": H, "F": F}, "draft": holds, "correct": holds}


def _swap_gradient(x, mu, sigma):
    theta_t = np.array([mu, np.log(sigma)])
    theta = theta_t + np.array([0.5, 0.2])
    m, s = theta[0], np.exp(theta[1])
    grad = _gradient_at(theta, mu, sigma)
    # draws from p_theta: the seeded standard normals moved to N(m, s^2)
    y = m + s * (x - mu) / sigma
    logratio = np.log(sigma / s) - 0.5 * ((y - m) / s) ** 2 + 0.5 * ((y - mu) / sigma) ** 2
    score = gaussian.score(y, m, s)
    drafts, se_d = _mc_mean(score)
    corrected, se_c = _mc_mean(logratio[:, None] * score)
    return {
        "closed_form": {"gradient at theta != theta_t": grad},
        "monte_carlo": {"E[score]": drafts, "E[log ratio * score]": corrected},
        "draft": _within(drafts, se_d, grad),
        "correct": _within(corrected, se_c, grad),
    }


def _expected_score(x, mu, sigma):
    # Gauss-Hermite with 8 nodes integrates polynomials of degree <= 15 against N(0, 1)
    # exactly: the score is one of degree 2 in x, in every parameterisation
    t, w = np.polynomial.hermite_e.hermegauss(8)
    w = w / np.sqrt(2 * np.pi)
    nodes = mu + sigma * t
    h = 1e-3 * sigma
    exact, bound, ok = {}, {}, True
    for p in gaussian.PARAMETERIZATIONS:
        s = gaussian.score(nodes, mu, sigma, p)
        exact[p] = w @ s
        # rounding the nodes (half an ulp of mu + sigma t) moves the score by its slope
        # in x times that: the slope by central differences, exact for a quadratic
        slope = gaussian.score(nodes + h, mu, sigma, p) - gaussian.score(nodes - h, mu, sigma, p)
        moved = w @ (np.abs(slope) / (2 * h) * np.spacing(np.abs(nodes))[:, None])
        bound[p] = 1e-12 * (w @ np.abs(s)) + moved
        ok &= bool(np.all(np.abs(exact[p]) <= bound[p]))
    mc, se = _mc_mean(gaussian.score(x, mu, sigma))
    holds = ok and _within(mc, se, 0.0)
    return {
        "closed_form": {
            "Gauss-Hermite, (mu, log sigma)": _to_accuracy(
                exact["mean_logstd"], bound["mean_logstd"]
            )
        },
        "monte_carlo": mc,
        "draft": holds,
        "correct": holds,
    }


# In the order of the draft: every mathematical statement, true or not.
_ROWS = (
    (
        "steepest descent takes, of all steps of a given fixed length, the one that reduces f "
        "the most; in Euclidean geometry that is the negative gradient",
        _fixed_length,
    ),
    (
        "in the unconstrained problem the optimal move would be an infinite step in the "
        "direction of the negative gradient",
        _no_minimiser,
        "E23",
        "there is no optimal move: the linear model is unbounded below along every descent "
        "direction, -grad f only being the steepest",
    ),
    (
        "minimising one-half of the squared Euclidean distance as well (a penalty on large "
        "steps) is that steepest descent",
        _penalty_for_constraint,
        "E22",
        "the penalty replaces the fixed-length constraint: the same direction, but the length "
        "|grad f|, not a length given in advance",
    ),
    (
        "minimising the linear model plus 1/2 ||x - x_t||^2 gives x_{t+1} = x_t - grad f(x_t)",
        _euclidean_derivation,
    ),
    (
        "penalising gamma/2 ||x - x_t||^2 imposes the learning rate gamma",
        _learning_rate_penalty,
        "E16",
        "gamma/2 ||x - x_t||^2 gives the step 1/gamma; learning rate gamma needs 1/(2 gamma)",
    ),
    (
        "the steepest descent direction under the metric tensor G is -G^-1 grad f(x_t)",
        _metric_direction,
        None,
        "",
        "the exact argmin for the penalty 1/2 delta^T G delta; for another D with that Hessian "
        "(the KL divergence) to leading order",
    ),
    ("this reduces to gradient descent when G is the identity", _identity_is_gradient_descent),
    (
        "D(x, x') = (x - x')^T A (x - x') is a distance (the Mahalanobis metric)",
        _squared_distance,
        "E19",
        "D is the squared Mahalanobis distance; its square root obeys the triangle inequality",
    ),
    (
        "A may be any PSD p x p matrix",
        _positive_definite,
        "E13",
        "A must be positive definite: a singular A gives distinct points distance 0",
    ),
    (
        "with that D, x_{t+1} = x_t - A^-1 grad f(x_t)",
        _unhalved_mahalanobis,
        "E11",
        "D gives x_t - 1/2 A^-1 grad f(x_t); x_t - A^-1 grad f(x_t) needs the penalty D/2",
    ),
    (
        "with diagonal A, x_{t+1} = x_t - rho^T grad f(x_t)",
        _diagonal,
        "E10",
        "with the penalty D/2, x_{t+1} = x_t - rho * grad f(x_t), an elementwise product "
        "(with D itself, half of it, E11)",
    ),
    (
        "with A = I (all a_i = 1) the metric reduces to the Euclidean one",
        _identity_is_euclidean,
        None,
        "",
        "D is then the squared Euclidean distance; the step is gradient descent's with the "
        "penalty D/2, half of it with D (E11)",
    ),
    (
        "equidistant points form a sphere under the Euclidean metric, an ellipsoid under A",
        _sphere_and_ellipse,
    ),
    (
        "the update in this case (the problem with D as posed) is Newton's method for f = x^T A x",
        _newton_as_posed,
        None,
        "",
        "exactly: D's argmin x_t - 1/2 A^-1 grad f(x_t) is Newton's step, f's Hessian being 2A",
    ),
    (
        "x_t - A^-1 grad f(x_t) is Newton's method because the loss is quadratic",
        _newton,
        "E12",
        "Newton's step for f = x^T A x is x_t - 1/2 A^-1 grad f(x_t), the argmin with D as "
        "posed (E11); x_t - A^-1 grad f overshoots to -x_t (E17)",
    ),
    (
        "f(x) = x^T A x with A = [[1, 1/2], [1/2, 1]] is x1^2 + x2^2 - x1 x2",
        _post_matrix,
        "E9",
        "x1^2 + x2^2 - x1 x2 = x^T A x with A = [[1, -1/2], [-1/2, 1]]",
    ),
    (
        "gradient descent's steps bounce around the valley (iterates alternate along (1, -1))",
        _bounces,
    ),
    (
        "steepest descent under A goes straight toward the minimum (iterates 0.4^k x_0)",
        _straight,
    ),
    (
        "the figure's right panel steps with the text's x_t - A^-1 grad f(x_t)",
        _code_step,
        "E20",
        "its code steps with 0.3 A^-1 grad f: 0.6 of Newton's step",
    ),
    (
        "the KL divergence is a metric",
        _kl_not_a_metric,
        "E18",
        "it is a divergence: >= 0 and 0 only at equal arguments, not symmetric, no triangle "
        "inequality",
    ),
    (
        "the Fisher is the expected outer product of grad log p(D, theta), the joint",
        _joint_fisher,
        "E7",
        "of the conditional's score grad log p(x | theta)",
    ),
    (
        "D_KL(p(x|theta) || p(x|theta_t)) is approximately F",
        _kl_quadratic,
        "E4",
        "D_KL = 1/2 delta^T F delta + O(|delta|^3)",
    ),
    (
        "with the KL's second-order expansion for D, the step is -F^-1 grad f (the natural "
        "gradient)",
        _kl_penalised_step,
        None,
        "",
        "to leading order: the argmin with the KL itself differs by O(|grad f|^2)",
    ),
    (
        "log p(x | theta) = -1/2 log 2 pi - lambda - 1/2 exp(-2 lambda) (x - mu)^2",
        _log_density,
    ),
    ("the score is [(x - mu)/sigma^2, -1 + (x - mu)^2/sigma^2]", _score_formula),
    (
        "F = [score][score]^T (plugging in the gradient)",
        _single_outer_product,
        "E8",
        "F = E[score score^T]; one outer product is the empirical Fisher of one point",
    ),
    (
        "expanding the outer product, F = E[[(x-mu)^2/sigma^4, -(x-mu)/sigma^2 + "
        "(x-mu)^3/sigma^4], [same, 1 - 2(x-mu)^2/sigma^2 + (x-mu)^4/sigma^4]]",
        _expanded_outer_product,
    ),
    ("the off-diagonal Fisher terms are 0 since E[x-mu] = E[(x-mu)^3] = 0", _off_diagonal),
    ("the top-left term is E[(x - mu)^2]/sigma^4 = 1/sigma^2", _top_left),
    (
        "E[(x - mu)^3] = 3 sigma^4",
        _moments,
        "E1",
        "E[(x - mu)^4] = 3 sigma^4; E[(x - mu)^3] = 0",
    ),
    (
        "1 - E[2/sigma^2 (x-mu)^2 + 1/sigma^4 (x-mu)^4] = 2",
        _lower_right,
        "E2",
        "1 - E[2 (x-mu)^2/sigma^2] + E[(x-mu)^4/sigma^4] = 2",
    ),
    ("F = diag(1/sigma^2, 2) in (mu, log sigma)", _fisher),
    (
        "the inverse Fisher is F = [[sigma^2, 0], [0, 1/2]]",
        _inverse_fisher,
        "E3",
        "F^-1 = diag(sigma^2, 1/2); F = diag(1/sigma^2, 2)",
    ),
    (
        "scale the mean's gradient by the variance: the geometry is steeper at low variance",
        _variance_scaling,
    ),
    ("the first two terms of the KL's Taylor expansion are zero", _vanishing_terms),
    (
        "the second-order term is (theta - theta_t)^T H_t (theta - theta_t)",
        _second_order_term,
        "E5",
        "1/2 (theta - theta_t)^T H_t (theta - theta_t)",
    ),
    ("the KL's Hessian at theta_t turns out to be the Fisher information F", _hessian_is_fisher),
    (
        "grad_theta D(theta, theta_t) = E_p(x|theta)[grad log p(x|theta)] (swap grad and E)",
        _swap_gradient,
        "E6",
        "= E[log(p_theta / p_t) score]: the swap drops this term, which is 0 only at theta_t",
    ),
    ("the expectation of the score is always 0", _expected_score),
)
CLAIMS = tuple(Claim(f"C{i}", *row) for i, row in enumerate(_ROWS, start=1))


def evaluate(claim: Claim, x: np.ndarray, mu: float, sigma: float) -> tuple[str, dict]:
    """One claim's verdict at the draws ``x`` of N(mu, sigma^2), and its computed values."""
    r = claim.check(x, mu, sigma)
    verdict = "holds" if r["draft"] else ("erratum" if r["correct"] else "fails")
    return verdict, {k: v for k, v in r.items() if k not in ("draft", "correct")}


def compute_claims(n_samples: int, seed: int, mu: float, sigma: float) -> list[dict]:
    """Evaluate every claim at N(mu, sigma^2) with ``n_samples`` Monte Carlo draws.

    Returns
    -------
    list of dict
        One per claim: id, draft wording, expected and computed verdicts,
        correct statement, erratum id, the condition of a true statement (note),
        and the computed values.
    """
    x = np.random.default_rng(seed).normal(mu, sigma, size=int(n_samples))
    out = []
    for c in CLAIMS:
        verdict, values = evaluate(c, x, mu, sigma)
        out.append(
            {
                "id": c.id,
                "draft": c.draft,
                "expected": c.expected,
                "verdict": verdict,
                "correct": c.correct,
                "erratum": c.erratum,
                "note": c.note,
                "values": values,
            }
        )
    return out


def check_claims(claims: list[dict]) -> None:
    """Raise :class:`ClaimError` naming every claim whose verdict is not the expected one."""
    bad = [
        f"{c['id']} ({c['draft']}): expected {c['expected']}, computed {c['verdict']}"
        for c in claims
        if c["verdict"] != c["expected"]
    ]
    if bad:
        raise ClaimError("claims changed verdict: " + "; ".join(bad))


def _fmt(v) -> str:
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_fmt(x)}" for k, x in v.items())
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.4g}"
    return np.array2string(a, precision=4, separator=", ", suppress_small=True).replace("\n", "")


def claims_markdown(claims: list[dict], errata_link: str = "../ERRATA.md") -> str:
    """The claims as a Markdown table."""
    lines = [
        "# Claims of the draft, checked",
        "",
        "Generated by `snakemake claims`; Monte Carlo tolerances are 5 standard errors.",
        "",
        "| # | the draft says | natgrad computes (closed form; Monte Carlo) | verdict |",
        "|---|---|---|---|",
    ]
    for c in claims:
        values = "; ".join(f"{k.replace('_', ' ')}: {_fmt(v)}" for k, v in c["values"].items())
        verdict = c["verdict"]
        if verdict == "erratum":
            verdict = f"erratum [{c['erratum']}]({errata_link}): {c['correct']}"
        elif c.get("note"):
            verdict = f"{verdict}: {c['note']}"
        cells = [c["id"], c["draft"], values, verdict]
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(lines) + "\n"
