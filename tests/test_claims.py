import json

import numpy as np
import pytest

import natgrad.claims as claims_module
import natgrad.gaussian
from natgrad.claims import (
    CLAIMS,
    Claim,
    ClaimError,
    check_claims,
    claims_markdown,
    compute_claims,
    evaluate,
)
from natgrad.metrics import Diagonal, Euclidean, Mahalanobis
from natgrad.objectives import GaussianLogLikelihood, Quadratic


@pytest.fixture(scope="module")
def claims():
    return compute_claims(n_samples=200_000, seed=7, mu=0.3, sigma=1.7)


def test_every_verdict_is_the_expected_one(claims):
    assert [c["verdict"] for c in claims] == [c.expected for c in CLAIMS]
    check_claims(claims)


def test_the_claims_the_issue_lists_are_covered(claims):
    drafts = " ".join(c["draft"] for c in claims)
    assert len(claims) >= 36
    for words in (
        "given fixed length",
        "infinite step",
        "one-half of the squared Euclidean distance",
        "1/2 ||x - x_t||^2",  # the Euclidean derivation
        "gamma/2",
        "-G^-1 grad f",
        "identity",
        "distance",
        "PSD",
        "with that D, x_{t+1} = x_t - A^-1",
        "rho^T",
        "A = I",
        "sphere",
        "the problem with D as posed) is Newton",
        "Newton's method because",
        "[[1, 1/2], [1/2, 1]]",
        "bounce",
        "straight",
        "right panel",
        "KL divergence is a metric",
        "joint",
        "approximately F",
        "second-order expansion for D",
        "log p(x | theta) =",
        "the score is",
        "[score][score]^T",
        "expanding the outer product",
        "off-diagonal",
        "top-left",
        "(x - mu)^3",
        "1 - E[2/sigma^2",
        "diag(1/sigma^2, 2)",
        "inverse Fisher",
        "variance",
        "first two terms",
        "second-order term",
        "Hessian",
        "swap grad and E",
        "expectation of the score",
    ):
        assert words in drafts, words


def test_errata_link_to_existing_entries(claims, root):
    errata = (root / "ERRATA.md").read_text()
    for c in claims:
        if c["expected"] == "erratum":
            assert f"| {c['erratum']} |" in errata


def test_verdicts_follow_from_the_computation(claims):
    by_id = {c["id"]: c for c in claims}
    F = by_id["C32"]["values"]["closed_form"]
    np.testing.assert_allclose(F, np.diag([1 / 1.7**2, 2.0]))
    moments = by_id["C30"]["values"]
    assert moments["closed_form"]["third"] == 0.0
    assert abs(moments["monte_carlo"]["third"]) < 0.2 < 3 * 1.7**4
    # the draft's direction: KL(p_theta || p_theta_t), theta = theta_t + delta
    kl = by_id["C22"]["values"]["closed_form"]
    delta = 1e-3 * np.array([0.6, -0.8])
    expected = natgrad.gaussian.kl(0.3 + delta[0], 1.7 * np.exp(delta[1]), 0.3, 1.7)
    assert kl["kl"] == pytest.approx(expected, rel=1e-12)
    assert kl["kl"] != pytest.approx(
        natgrad.gaussian.kl(0.3, 1.7, 0.3 + delta[0], 1.7 * np.exp(delta[1])), rel=1e-6
    )
    assert kl["ratio"] == pytest.approx(0.5, rel=1e-2)
    newton = by_id["C15"]["values"]["closed_form"]
    np.testing.assert_allclose(newton["draft_step"], [-8, -3])
    np.testing.assert_allclose(newton["lr_half_step"], [0, 0], atol=1e-14)
    np.testing.assert_allclose(by_id["C18"]["values"]["closed_form"]["x_{t+1} / x_t"], 0.4)
    assert by_id["C19"]["values"]["closed_form"]["fraction of Newton"] == pytest.approx(0.6)
    # the factor of 1/2 (E11): D as posed halves the step, which is then Newton's
    posed = by_id["C10"]["values"]["closed_form"]
    np.testing.assert_allclose(posed["argmin with D"], posed["x_t - 1/2 A^-1 grad f"])
    np.testing.assert_allclose(posed["argmin with D/2"], posed["x_t - A^-1 grad f"])
    np.testing.assert_allclose(by_id["C14"]["values"]["closed_form"]["argmin with D"], [0, 0])
    diagonal = by_id["C11"]["values"]["closed_form"]
    np.testing.assert_allclose(
        diagonal["argmin with D"], 0.5 * diagonal["x_t - rho * grad"] + 0.5 * np.array([0.5, 1.0])
    )
    np.testing.assert_allclose(
        by_id["C12"]["values"]["closed_form"]["argmin with D"], [-0.25, 2.0, -1.125]
    )
    # C23: the KL-penalised step's error over |g| falls with |g| (leading order, not exact)
    kl_step = list(by_id["C23"]["values"]["closed_form"].values())
    assert kl_step[0] / kl_step[1] == pytest.approx(10, rel=0.05)


@pytest.mark.parametrize(
    "target, replacement, claim",
    [
        ("fisher_information", lambda mu, s, p="mean_logstd": np.diag([1 / s**2, 3.0]), "C32"),
        ("central_moment", lambda k, s: 3 * s**4 if k == 3 else 0.0, "C30"),
        # a score without the square: E[score] != 0, and not the draft's formula
        (
            "score",
            lambda x, m, s, p="mean_logstd": np.stack([(x - m) / s**2, (x - m) / s], -1),
            "C25",
        ),
        # a KL with the draft's missing 1/2 dropped the other way
        (
            "kl",
            lambda m1, s1, m2, s2: (
                4 * (np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5)
            ),
            "C22",
        ),
    ],
)
def test_altering_a_library_formula_flips_a_verdict(monkeypatch, target, replacement, claim):
    monkeypatch.setattr(natgrad.gaussian, target, replacement)
    claims = compute_claims(n_samples=50_000, seed=7, mu=0.3, sigma=1.7)
    flipped = {c["id"] for c in claims if c["verdict"] != c["expected"]}
    assert claim in flipped
    with pytest.raises(ClaimError, match=claim):
        check_claims(claims)


def test_markdown_and_json(claims):
    md = claims_markdown(claims)
    rows = [line for line in md.splitlines() if line.startswith("| C")]
    assert len(rows) == len(CLAIMS)
    # every row has exactly four cells: pipes inside the text are escaped
    for row in rows:
        assert row.replace("\\|", "").count("|") == 5
    assert "[E3](../ERRATA.md)" in md
    json.dumps(claims, default=lambda o: o.tolist())


def test_steepest_descent_that_is_not_gradient_descent_flips_the_identity_claim(monkeypatch):
    import natgrad.claims as claims_module

    real = claims_module.steepest_descent

    def off_by_one(grad, x0, metric, lr, n_steps, **kw):
        return real(grad, x0, metric, lr * (1 + 1e-9), n_steps, **kw)

    monkeypatch.setattr(claims_module, "steepest_descent", off_by_one)
    claims = compute_claims(n_samples=2_000, seed=7, mu=0.3, sigma=1.7)
    assert {c["id"] for c in claims if c["verdict"] != c["expected"]} >= {"C7"}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "mu, sigma", [(0.0, 1.0), (-2.0, 0.1), (1e3, 1e-6), (0.0, 1e6), (-1e3, 1e3)]
)
def test_verdicts_hold_across_the_parameter_range(seed, mu, sigma):
    """At the edges of the accuracy range, and at theta = 0 where a prior centred at 0
    would have no gradient: no verdict depends on the config's particular numbers."""
    check_claims(compute_claims(n_samples=20_000, seed=seed, mu=mu, sigma=sigma))


def test_monte_carlo_tolerance_is_five_standard_errors():
    import natgrad.claims as claims_module

    assert claims_module.Z == 5.0
    se = np.array([0.1, 0.2])
    assert claims_module._within(np.array([0.49, -0.99]), se, 0.0)
    assert not claims_module._within(np.array([0.51, 0.0]), se, 0.0)
    assert not claims_module._within(np.array([0.0, -1.01]), se, 0.0)
    # the bound itself is inside: 1e-12 of slack for closed forms compared exactly
    assert claims_module._within(1e-12, 0.0, 0.0)


def test_the_standard_error_is_the_sample_standard_deviation_over_root_n():
    import natgrad.claims as claims_module

    # draws 0 and 2: mean 1, sample sd (ddof=1) sqrt(2), se sqrt(2) / sqrt(2) = 1
    mean, se = claims_module._mc_mean(np.array([[0.0, 5.0], [2.0, 5.0]]))
    np.testing.assert_allclose(mean, [1.0, 5.0], rtol=1e-15)
    np.testing.assert_allclose(se, [1.0, 0.0], rtol=1e-15)


def test_kl_is_judged_the_quadratic_form_or_half_of_it_to_one_percent():
    """C22's and C36's verdict: KL / quad near 1 is the draft's claim, near 1/2 the
    correct one; 1 % either way."""
    from natgrad.claims import _half_or_whole

    for kl, quad, draft, correct in [
        (2.0, 2.0, True, False),
        (1.0, 2.0, False, True),
        (2.0 * 1.009, 2.0, True, False),
        (2.0 * 1.011, 2.0, False, False),
        (0.991, 2.0, False, True),
        (0.989, 2.0, False, False),
    ]:
        got = _half_or_whole(kl, quad, "q")
        assert (got["draft"], got["correct"]) == (draft, correct), (kl, quad)
        assert got["closed_form"] == {"kl": kl, "q": quad, "ratio": kl / quad}


def test_the_seed_and_sample_size_reach_the_monte_carlo_values():
    a = compute_claims(n_samples=5_000, seed=1, mu=0.3, sigma=1.7)
    b = compute_claims(n_samples=5_000, seed=1, mu=0.3, sigma=1.7)
    c = compute_claims(n_samples=5_000, seed=2, mu=0.3, sigma=1.7)
    d = compute_claims(n_samples=6_000, seed=1, mu=0.3, sigma=1.7)
    mc = lambda cl: np.asarray(cl[-1]["values"]["monte_carlo"])  # noqa: E731 (C32)
    np.testing.assert_array_equal(mc(a), mc(b))
    assert not np.array_equal(mc(a), mc(c))
    assert not np.array_equal(mc(a), mc(d))
    x = np.random.default_rng(1).normal(0.3, 1.7, size=5_000)
    expected = natgrad.gaussian.score(x, 0.3, 1.7, "mean_logstd").mean(axis=0)
    np.testing.assert_allclose(mc(a), expected, rtol=1e-14)


def test_markdown_in_full():
    rows = [
        {
            "id": "C1",
            "draft": "a | b",
            "expected": "holds",
            "verdict": "holds",
            "correct": "",
            "erratum": None,
            "note": "if so",
            "values": {
                "closed_form": np.array([[1.0, 0.0], [0.0, 2.5]]),
                "monte_carlo": {"x y": 1.23456789, "z": [1e-20, 3.0]},
            },
        },
        {
            "id": "C2",
            "draft": "c",
            "expected": "erratum",
            "verdict": "erratum",
            "correct": "d",
            "erratum": "E3",
            "values": {"closed_form": 0.5},
        },
    ]
    assert claims_markdown(rows, errata_link="E.md") == (
        "# Claims of the draft, checked\n"
        "\n"
        "Generated by `snakemake claims`; Monte Carlo tolerances are 5 standard errors.\n"
        "\n"
        "| # | the draft says | natgrad computes (closed form; Monte Carlo) | verdict |\n"
        "|---|---|---|---|\n"
        "| C1 | a \\| b | closed form: [[1. , 0. ], [0. , 2.5]]; monte carlo: x y: 1.235; "
        "z: [0., 3.] | holds: if so |\n"
        "| C2 | c | closed form: 0.5 | erratum [E3](E.md): d |\n"
    )


def test_claims_carry_their_fields(claims):
    by_id = {c.id: c for c in CLAIMS}
    for row in claims:
        claim = by_id[row["id"]]
        assert (row["draft"], row["expected"], row["correct"], row["erratum"], row["note"]) == (
            claim.draft,
            claim.expected,
            claim.correct,
            claim.erratum,
            claim.note,
        )
        assert "draft" not in row["values"] and "correct" not in row["values"]
    assert [c.id for c in CLAIMS] == [f"C{i}" for i in range(1, len(CLAIMS) + 1)]
    assert all((c.erratum is None) == (c.expected == "holds") for c in CLAIMS)
    assert all(c.expected in ("holds", "erratum") for c in CLAIMS)
    assert all(bool(c.correct) == bool(c.erratum) for c in CLAIMS)  # a correction per erratum
    assert not any(c.note and c.erratum for c in CLAIMS)  # a note qualifies a true statement


def test_a_false_statement_whose_correction_also_fails_is_reported():
    fake = Claim(
        "CX", "x", lambda x, mu, s: {"draft": False, "correct": False}, erratum="E1", correct="y"
    )
    assert fake.expected == "erratum"
    import natgrad.claims as claims_module

    saved = claims_module.CLAIMS
    try:
        claims_module.CLAIMS = (fake,)
        (row,) = compute_claims(n_samples=10, seed=0, mu=0.0, sigma=1.0)
    finally:
        claims_module.CLAIMS = saved
    assert row["verdict"] == "fails"
    with pytest.raises(ClaimError) as err:
        check_claims([row])
    assert str(err.value) == "claims changed verdict: CX (x): expected erratum, computed fails"


def test_the_committed_table_is_what_the_code_computes(root, default_config):
    """figures/claims.json, reviewed and committed, against a fresh computation with the
    config's settings: every value, key and verdict (the artifact check's comparison,
    to its cross-platform tolerance)."""
    from natgrad.artifacts import compare_data

    committed = json.loads((root / "figures" / "claims.json").read_text())
    fresh = json.loads(
        json.dumps(compute_claims(**default_config["claims"]), default=lambda o: o.tolist())
    )
    assert compare_data(committed, fresh) == []


def test_every_changed_verdict_is_named_in_one_message():
    rows = [
        {"id": "C1", "draft": "a", "expected": "holds", "verdict": "fails"},
        {"id": "C2", "draft": "b", "expected": "holds", "verdict": "holds"},
        {"id": "C3", "draft": "c", "expected": "erratum", "verdict": "holds"},
    ]
    with pytest.raises(ClaimError) as err:
        check_claims(rows)
    assert str(err.value) == (
        "claims changed verdict: C1 (a): expected holds, computed fails; "
        "C3 (c): expected erratum, computed holds"
    )


def test_values_are_shown_to_four_significant_digits():
    from natgrad.claims import _fmt

    assert _fmt(0.123456) == "0.1235"
    assert _fmt(np.array([1 / 3, 2 / 3])) == "[0.3333, 0.6667]"
    assert _fmt([1, 2]) == "[1., 2.]"  # floats, as every value the claims report
    assert _fmt({"a": 0.5, "b": [1e-20, 1.0]}) == "a: 0.5; b: [0., 1.]"


# --- every row can fail on its own: corrupt what it computes from, see its verdict flip ----
G = natgrad.gaussian
_kl, _score, _fisher = G.kl, G.score, G.fisher_information
_sd = claims_module.steepest_descent


def _scaled(method, factor):
    return lambda self, *a, **k: factor * method(self, *a, **k)


def _fisher_with(entry, value):
    def fisher(mu, s, p="mean_logstd"):
        F = np.array(_fisher(mu, s, p), dtype=float)
        F[entry] = value(F[entry])
        if entry[0] != entry[1]:
            F[entry[::-1]] = F[entry]
        return F

    return fisher


# id: (object, attribute, replacement, why the verdict flips)
CORRUPTIONS = {
    "C1": (Euclidean, "direction", lambda self, g, *a, **k: np.roll(g, 1), "another direction"),
    "C2": (
        claims_module,
        "_linear_model",
        lambda d: float(claims_module.G_VEC @ d + 0.5 * d @ d),
        "a model with a minimiser",
    ),
    "C3": (
        claims_module,
        "G_VEC",
        claims_module.G_VEC / np.linalg.norm(claims_module.G_VEC),
        "|grad f| = 1: the penalty's step is the fixed-length one",
    ),
    "C4": (Euclidean, "direction", _scaled(Euclidean.direction, 2.0), "twice the step"),
    "C5": (
        claims_module,
        "steepest_descent",
        lambda g, x0, m, lr, n, **k: _sd(g, x0, m, 1 / lr, n, **k),
        "a step of 1/gamma",
    ),
    "C6": (Mahalanobis, "direction", _scaled(Mahalanobis.direction, 2.0), "twice G^-1 grad f"),
    "C7": (
        claims_module,
        "steepest_descent",
        lambda g, x0, m, lr, n, **k: _sd(g, x0, m, lr * (1 + 1e-9), n, **k),
        "a learning rate off by 1e-9",
    ),
    "C8": (
        Mahalanobis,
        "sqdist",
        lambda self, a, b: np.sqrt(Metric_sqdist(self, a, b)),
        "the distance itself",
    ),
    "C9": (claims_module, "Mahalanobis", lambda A: None, "a singular A accepted"),
    "C10": (Mahalanobis, "sqdist", _scaled(Mahalanobis.sqdist, 0.5), "the penalty D/2"),
    "C11": (Diagonal, "direction", _scaled(Diagonal.direction, 0.5), "half the step"),
    "C12": (Diagonal, "sqdist", _scaled(Diagonal.sqdist, 2.0), "twice the distance"),
    "C13": (Mahalanobis, "level_set", _scaled(Mahalanobis.level_set, 1.1), "a larger ellipse"),
    "C14": (Mahalanobis, "sqdist", _scaled(Mahalanobis.sqdist, 0.5), "the penalty D/2"),
    "C15": (Quadratic, "hessian", lambda self, x=None: np.array(self.A), "a Hessian A"),
    "C16": (claims_module, "POST_A_TEXT", claims_module.POST_A_CODE, "the text's matrix fixed"),
    "C17": (claims_module, "VALLEY", np.array([1.0, 1.0]), "along the valley"),
    "C18": (Mahalanobis, "direction", _scaled(Mahalanobis.direction, 2.0), "past the minimum"),
    "C19": (Mahalanobis, "direction", _scaled(Mahalanobis.direction, 2.0), "1.2 of Newton's"),
    "C20": (G, "kl", lambda *a: -1.0, "a negative divergence"),
    "C21": (G, "fisher_information", _fisher_with((1, 1), lambda v: 3.0), "F_22 = 3"),
    "C22": (G, "kl", lambda *a: 2 * _kl(*a), "the KL doubled: delta^T F delta"),
    "C23": (G, "fisher_information", lambda *a: 2 * _fisher(*a), "the metric 2F"),
    "C24": (
        GaussianLogLikelihood,
        "value",
        lambda self, theta, _v=GaussianLogLikelihood.value: _v(self, theta) + 1.0,
        "a log-likelihood off by 1",
    ),
    "C25": (G, "score", lambda x, m, s, p="mean_logstd": 2 * _score(x, m, s, p), "2 x score"),
    "C26": (
        G,
        "score",
        lambda x, m, s, p="mean_logstd": np.broadcast_to([1 / s, np.sqrt(2)], np.shape(x) + (2,)),
        "a constant score",
    ),
    "C27": (
        G,
        "score",
        lambda x, m, s, p="mean_logstd": _score(x, m, s, p) + [0.0, 0.1],
        "a shifted score",
    ),
    "C28": (G, "fisher_information", _fisher_with((0, 1), lambda v: 0.1), "F_12 = 0.1"),
    "C29": (G, "fisher_information", _fisher_with((0, 0), lambda v: 2 * v), "F_11 doubled"),
    "C30": (G, "central_moment", lambda k, s: 3 * s**4 if k == 3 else 0.0, "the draft's"),
    "C31": (G, "fisher_information", _fisher_with((1, 1), lambda v: 3.0), "F_22 = 3"),
    "C32": (G, "fisher_information", _fisher_with((1, 1), lambda v: 3.0), "F_22 = 3"),
    "C33": (
        G,
        "fisher_information",
        lambda mu, s, p="mean_logstd": np.diag([s**2, 0.5]),
        "the draft's F",
    ),
    "C34": (
        GaussianLogLikelihood,
        "mean_nll",
        lambda self, theta: 0.5 * (np.asarray(theta)[..., 0] - self.mean) ** 2,
        "a curvature that does not depend on sigma",
    ),
    "C35": (
        G,
        "kl",
        lambda m1, s1, m2, s2: _kl(m1, s1, m2, s2) + 1e-3 * (m1 - m2),
        "a linear term",
    ),
    # KL / delta^T H delta is 1/2 for any smooth function vanishing to second order at
    # theta_t (a theorem, whatever its scale): a kink there leaves no second-order term
    "C36": (
        G,
        "kl",
        lambda m1, s1, m2, s2: _kl(m1, s1, m2, s2) + 1e-3 * abs(m1 - m2),
        "a kink at theta_t",
    ),
    "C37": (G, "kl", lambda *a: 2 * _kl(*a), "the Hessian 2F"),
    "C38": (G, "kl", lambda *a: 2 * _kl(*a), "twice the gradient"),
    "C39": (
        G,
        "score",
        lambda x, m, s, p="mean_logstd": _score(x, m, s, p) + [0.1, 0.0],
        "a biased score",
    ),
}
Metric_sqdist = Mahalanobis.sqdist
# What each corrupted check must conclude: "holds" where the corruption makes the
# draft's false statement true (its own check is then tested), "fails" where it makes
# the statement, or its correction, false (the other check is tested).
MAKES_THE_DRAFT_TRUE = {"C2", "C3", "C5", "C8", "C10", "C15", "C16", "C22", "C33"}


# and for those rows a second corruption, which makes the correction false
_argmin = claims_module._argmin_quadratic
CORRECTION_BROKEN = {
    "C2": (
        claims_module,
        "_linear_model",
        lambda d: float(claims_module.G_VEC @ d + 1e-3 * np.linalg.norm(d)),
        "unbounded, but not linear",
    ),
    "C3": (claims_module, "_argmin_quadratic", lambda q, x0: 2 * _argmin(q, x0) - x0, "2 |g|"),
    "C5": (
        claims_module,
        "steepest_descent",
        lambda g, x0, m, lr, n, **k: _sd(g, x0, m, 2 * lr, n, **k),
        "a step of 2 gamma",
    ),
    "C8": (
        Mahalanobis,
        "sqdist",
        lambda self, a, b: Metric_sqdist(self, a, b) ** 2,
        "D^2, whose root D breaks the triangle inequality",
    ),
    "C10": (Mahalanobis, "direction", _scaled(Mahalanobis.direction, 2.0), "2 A^-1 grad f"),
    "C15": (Quadratic, "hessian", lambda self, x=None: 3 * np.array(self.A), "a Hessian 3A"),
    "C16": (
        Quadratic,
        "value",
        lambda self, x, _v=Quadratic.value: _v(self, x) + 1.0,
        "x^T A x + 1",
    ),
    "C22": (G, "kl", lambda *a: 1.5 * _kl(*a), "3/4 delta^T F delta"),
    "C33": (G, "fisher_information", _fisher_with((1, 1), lambda v: 3.0), "F_22 = 3"),
}


@pytest.mark.parametrize("row", sorted(CORRECTION_BROKEN, key=lambda r: int(r[1:])))
def test_a_row_whose_correction_is_corrupted_fails(monkeypatch, draws, row):
    claim = {c.id: c for c in CLAIMS}[row]
    target, name, replacement, why = CORRECTION_BROKEN[row]
    monkeypatch.setattr(target, name, replacement)
    assert evaluate(claim, draws, 0.3, 1.7)[0] == "fails", why


def test_every_row_has_a_corruption():
    assert list(CORRUPTIONS) == [c.id for c in CLAIMS]
    assert MAKES_THE_DRAFT_TRUE <= {c.id for c in CLAIMS if c.expected == "erratum"}
    assert set(CORRECTION_BROKEN) == MAKES_THE_DRAFT_TRUE


@pytest.fixture(scope="module")
def draws():
    return np.random.default_rng(7).normal(0.3, 1.7, size=50_000)


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_each_row_flips_when_its_input_is_corrupted(monkeypatch, draws, claim):
    """The row's verdict, alone, before and after corrupting what it is computed from
    (a library function, a constant of the check): each row can fail on its own."""
    assert evaluate(claim, draws, 0.3, 1.7)[0] == claim.expected
    target, name, replacement, why = CORRUPTIONS[claim.id]
    monkeypatch.setattr(target, name, replacement)
    after = "holds" if claim.id in MAKES_THE_DRAFT_TRUE else "fails"
    assert evaluate(claim, draws, 0.3, 1.7)[0] == after, why


def test_the_penalty_sets_the_step_length_the_constraint_fixes(rng):
    """ERRATA E22: of the steps of length eps, -eps g / |g| lowers the linear model most
    (every one of 100000 unit directions on the circle does no better); the penalty
    1/2 ||d||^2 gives the step -g: the same direction, of length |g|, the constrained
    solution only for eps = |g|."""
    for _ in range(5):
        g = rng.normal(size=2) * 3
        angles = np.linspace(0, 2 * np.pi, 100_000, endpoint=False)
        units = np.stack([np.cos(angles), np.sin(angles)], -1)
        for eps in (0.1, 1.0, 7.0):
            best = -eps * g / np.linalg.norm(g)
            assert np.all(eps * units @ g >= best @ g - 1e-12)
        # the penalised problem's minimiser, from its values alone (central differences)
        step = claims_module._argmin_quadratic(lambda d, g=g: g @ d + 0.5 * d @ d, np.zeros(2))
        # central differences of a quadratic are exact but for rounding: 1e-12
        np.testing.assert_allclose(np.linalg.norm(step), np.linalg.norm(g), rtol=1e-12)
        np.testing.assert_allclose(step, -g, rtol=1e-12, atol=1e-12)
        assert not np.allclose(step, -g / np.linalg.norm(g))  # |g| != 1: not the length-1 step


def test_the_linear_model_has_no_minimiser(rng):
    """ERRATA E23: f(x_t) + g^T (x - x_t) is unbounded below along every d with g^T d < 0;
    for every x there is a better one (x - g), so no step, finite or "infinite along
    -g", is optimal."""
    g = rng.normal(size=3)
    for _ in range(20):
        d = rng.normal(size=3)
        d = d if g @ d < 0 else -d
        t = 10.0 ** np.arange(0, 300, 50)
        values = t * (g @ d)
        assert np.all(np.diff(values) < 0) and values[-1] < -1e200
        x = rng.normal(size=3) * 1e6
        assert g @ (x - g) < g @ x


def test_computed_zeros_are_reported_to_their_accuracy():
    """A zero computed in floating point is noise below its accuracy, and its digits
    differ between numpy versions (the table failed the 1e-9 check at the floors)."""
    from numpy.testing import assert_array_equal

    from natgrad.claims import _to_accuracy

    assert_array_equal(_to_accuracy([4.2e-17, -8.3e-17], 1e-12), [0.0, 0.0])
    assert np.signbit(_to_accuracy(-8.3e-17, 1e-12)) == np.False_  # no -0.0 in the table
    assert _to_accuracy(0.3337, 1e-3) == pytest.approx(0.334)
    assert_array_equal(_to_accuracy([6.6666667e-09, 0.0], 2e-7), [0.0, 0.0])


def test_the_log_density_row_compares_each_term_to_1e_12():
    """C24 holds where the draft's log-density and the log of the density agree to 1e-12 of
    each term (and the library's log-likelihood is their sum): 38 sigma out the density is
    subnormal, its log about 5e-9 off, and the row says so (a tolerance of 1e-5 or 1e-8
    would not); at x = mu with sigma = 1/sqrt(2 pi) every term is exactly 0, and the row
    holds (a strict bound would refuse 0 <= 0)."""
    mu, sigma = 0.3, 1.7
    x = np.array([mu + 38.08 * sigma])
    lam = np.log(sigma)
    drafts = -0.5 * np.log(2 * np.pi) - lam - 0.5 * np.exp(-2 * lam) * (x - mu) ** 2
    direct = np.log(np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2))
    # the premise: a difference between 1e-12 and 1e-8 of the term (~725)
    assert 2e-9 < abs(direct - drafts)[0] < 9e-9
    assert claims_module._log_density(x, mu, sigma)["draft"] is False
    assert claims_module._log_density(np.array([mu + sigma]), mu, sigma)["draft"] is True
    one = 0.3989422804014327  # in floats, -1/2 log(2 pi) - log(one) is exactly 0
    assert -0.5 * np.log(2 * np.pi) - np.log(one) == 0.0
    assert GaussianLogLikelihood(np.array([0.0])).value(np.array([0.0, np.log(one)])) == 0.0
    assert claims_module._log_density(np.array([0.0]), 0.0, one)["draft"] is True
