"""The draft's quantitative statements, each checked by computation.

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
from .metrics import Diagonal, Mahalanobis
from .objectives import Quadratic

__all__ = ["Claim", "ClaimError", "CLAIMS", "compute_claims", "check_claims", "claims_markdown"]

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
    expected: str  # "holds" or "erratum"
    correct: str
    erratum: str | None
    check: Callable[[np.ndarray, float, float], dict]


def _mc_mean(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = samples.shape[0]
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(n)


def _within(mc, se, target) -> bool:
    return bool(np.all(np.abs(np.asarray(mc) - np.asarray(target)) <= Z * np.asarray(se) + 1e-12))


def _scores(x, mu, sigma):
    s = gaussian.score(x, mu, sigma, "mean_logstd")
    return np.einsum("ni,nj->nij", s, s)


def _fisher(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma, "mean_logstd")
    mc, se = _mc_mean(_scores(x, mu, sigma))
    draft = np.diag([1 / sigma**2, 2.0])
    holds = bool(np.allclose(F, draft)) and _within(mc, se, F)
    return {"closed_form": F, "monte_carlo": mc, "draft": holds, "correct": holds}


def _off_diagonal(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma, "mean_logstd")
    mc, se = _mc_mean(_scores(x, mu, sigma))
    holds = F[0, 1] == 0 and _within(mc[0, 1], se[0, 1], 0.0)
    return {"closed_form": F[0, 1], "monte_carlo": mc[0, 1], "draft": holds, "correct": holds}


def _inverse_fisher(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma, "mean_logstd")
    stated = np.diag([sigma**2, 0.5])
    inv = np.linalg.inv(F)
    return {
        "closed_form": inv,
        "draft": bool(np.allclose(F, stated)),
        "correct": bool(np.allclose(inv, stated)),
    }


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
        "draft": _within(m3, se3, 3 * sigma**4),
        "correct": _within(m4, se4, 3 * sigma**4)
        and np.isclose(gaussian.central_moment(4, sigma), 3 * sigma**4),
    }


def _lower_right(x, mu, sigma):
    z2 = ((x - mu) / sigma) ** 2
    as_written, se_w = _mc_mean(1 - (2 * z2 + z2**2))
    corrected, se_c = _mc_mean(1 - 2 * z2 + z2**2)
    F = gaussian.fisher_information(mu, sigma, "mean_logstd")
    return {
        "closed_form": F[1, 1],
        "monte_carlo": {"as_written": as_written, "corrected": corrected},
        "draft": _within(as_written, se_w, 2.0),
        "correct": _within(corrected, se_c, F[1, 1]),
    }


def _expected_score(x, mu, sigma):
    mc, se = _mc_mean(gaussian.score(x, mu, sigma, "mean_logstd"))
    holds = _within(mc, se, 0.0)
    return {"closed_form": [0.0, 0.0], "monte_carlo": mc, "draft": holds, "correct": holds}


def _kl_quadratic(x, mu, sigma):
    F = gaussian.fisher_information(mu, sigma, "mean_logstd")
    delta = 1e-3 * np.array([0.6, -0.8])
    kl = gaussian.kl(mu, sigma, mu + delta[0], sigma * np.exp(delta[1]))
    quad = float(delta @ F @ delta)
    return {
        "closed_form": {"kl": kl, "delta^T F delta": quad, "ratio": kl / quad},
        "draft": abs(kl / quad - 1) < 1e-2,
        "correct": abs(kl / (0.5 * quad) - 1) < 1e-2,
    }


def _newton(x, mu, sigma):
    f = Quadratic(POST_A_CODE)
    x0 = np.array([8.0, 3.0])
    newton = x0 - np.linalg.solve(f.hessian(), f.gradient(x0))
    draft_step = x0 - Mahalanobis(f.A).direction(f.gradient(x0))
    half = steepest_descent(f.gradient, x0, Mahalanobis(f.A), 0.5, 1)[1]
    return {
        "closed_form": {"newton": newton, "draft_step": draft_step, "lr_half_step": half},
        "draft": bool(np.allclose(draft_step, newton)),
        "correct": bool(np.allclose(half, newton)),
    }


def _identity(x, mu, sigma):
    g = np.array([1.5, -2.0, 0.25])
    d = Mahalanobis(np.eye(3)).direction(g)
    holds = bool(np.allclose(d, g))
    return {"closed_form": d, "draft": holds, "correct": holds}


def _diagonal(x, mu, sigma):
    a = np.array([2.0, 0.5])
    g = np.array([1.0, 3.0])
    rho = 1 / a
    d = Diagonal(a).direction(g)
    return {
        "closed_form": {"direction": d, "rho^T grad": float(rho @ g), "rho * grad": rho * g},
        "draft": bool(np.allclose(d, rho @ g)),
        "correct": bool(np.allclose(d, rho * g)),
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


CLAIMS = (
    Claim("C1", "F = diag(1/sigma^2, 2) in (mu, log sigma)", "holds", "", None, _fisher),
    Claim(
        "C2",
        "the off-diagonal Fisher terms are 0 since E[x-mu] = E[(x-mu)^3] = 0",
        "holds",
        "",
        None,
        _off_diagonal,
    ),
    Claim(
        "C3",
        "the inverse Fisher is F = [[sigma^2, 0], [0, 1/2]]",
        "erratum",
        "F^-1 = diag(sigma^2, 1/2); F = diag(1/sigma^2, 2)",
        "E3",
        _inverse_fisher,
    ),
    Claim(
        "C4",
        "E[(x - mu)^3] = 3 sigma^4",
        "erratum",
        "E[(x - mu)^4] = 3 sigma^4; E[(x - mu)^3] = 0",
        "E1",
        _moments,
    ),
    Claim(
        "C5",
        "1 - E[2/sigma^2 (x-mu)^2 + 1/sigma^4 (x-mu)^4] = 2",
        "erratum",
        "1 - E[2 (x-mu)^2/sigma^2] + E[(x-mu)^4/sigma^4] = 2",
        "E2",
        _lower_right,
    ),
    Claim("C6", "the expectation of the score is always 0", "holds", "", None, _expected_score),
    Claim(
        "C7",
        "D_KL(p(x|theta) || p(x|theta_t)) is approximately F",
        "erratum",
        "D_KL = 1/2 delta^T F delta + O(|delta|^3)",
        "E4",
        _kl_quadratic,
    ),
    Claim(
        "C8",
        "x_t - A^-1 grad f(x_t) is Newton's step on f = x^T A x",
        "erratum",
        "Newton's step is x_t - 1/2 A^-1 grad f(x_t) (Hessian 2A): learning rate 1/2",
        "E12",
        _newton,
    ),
    Claim(
        "C9",
        "the natural gradient reduces to gradient descent when G = I",
        "holds",
        "",
        None,
        _identity,
    ),
    Claim(
        "C10",
        "with diagonal A, x_{t+1} = x_t - rho^T grad f(x_t)",
        "erratum",
        "x_{t+1} = x_t - rho * grad f(x_t), an elementwise product",
        "E10",
        _diagonal,
    ),
    Claim(
        "C11",
        "f(x) = x^T A x with A = [[1, 1/2], [1/2, 1]] is x1^2 + x2^2 - x1 x2",
        "erratum",
        "x1^2 + x2^2 - x1 x2 = x^T A x with A = [[1, -1/2], [-1/2, 1]]",
        "E9",
        _post_matrix,
    ),
)


def compute_claims(n_samples: int, seed: int, mu: float, sigma: float) -> list[dict]:
    """Evaluate every claim at N(mu, sigma^2) with ``n_samples`` Monte Carlo draws.

    Returns
    -------
    list of dict
        One per claim: id, draft wording, expected and computed verdicts,
        correct statement, erratum id, and the computed values.
    """
    x = np.random.default_rng(seed).normal(mu, sigma, size=int(n_samples))
    out = []
    for c in CLAIMS:
        r = c.check(x, mu, sigma)
        verdict = "holds" if r["draft"] else ("erratum" if r["correct"] else "fails")
        values = {k: v for k, v in r.items() if k not in ("draft", "correct")}
        out.append(
            {
                "id": c.id,
                "draft": c.draft,
                "expected": c.expected,
                "verdict": verdict,
                "correct": c.correct,
                "erratum": c.erratum,
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
        cells = [c["id"], c["draft"], values, verdict]
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(lines) + "\n"
