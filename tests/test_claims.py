import json

import numpy as np
import pytest

import natgrad.gaussian
from natgrad.claims import CLAIMS, Claim, ClaimError, check_claims, claims_markdown, compute_claims


@pytest.fixture(scope="module")
def claims():
    return compute_claims(n_samples=200_000, seed=7, mu=0.3, sigma=1.7)


def test_every_verdict_is_the_expected_one(claims):
    assert [c["verdict"] for c in claims] == [c.expected for c in CLAIMS]
    check_claims(claims)


def test_the_claims_the_issue_lists_are_covered(claims):
    drafts = " ".join(c["draft"] for c in claims)
    for words in (
        "1/2 ||x - x_t||^2",  # the Euclidean derivation
        "gamma/2",
        "-G^-1 grad f",
        "identity",
        "distance",
        "PSD",
        "rho^T",
        "A = I",
        "sphere",
        "Newton",
        "[[1, 1/2], [1/2, 1]]",
        "bounce",
        "straight",
        "right panel",
        "KL divergence is a metric",
        "joint",
        "approximately F",
        "log p(x | theta) =",
        "the score is",
        "[score][score]^T",
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
    F = by_id["C25"]["values"]["closed_form"]
    np.testing.assert_allclose(F, np.diag([1 / 1.7**2, 2.0]))
    moments = by_id["C23"]["values"]
    assert moments["closed_form"]["third"] == 0.0
    assert abs(moments["monte_carlo"]["third"]) < 0.2 < 3 * 1.7**4
    # the draft's direction: KL(p_theta || p_theta_t), theta = theta_t + delta
    kl = by_id["C17"]["values"]["closed_form"]
    delta = 1e-3 * np.array([0.6, -0.8])
    expected = natgrad.gaussian.kl(0.3 + delta[0], 1.7 * np.exp(delta[1]), 0.3, 1.7)
    assert kl["kl"] == pytest.approx(expected, rel=1e-12)
    assert kl["kl"] != pytest.approx(
        natgrad.gaussian.kl(0.3, 1.7, 0.3 + delta[0], 1.7 * np.exp(delta[1])), rel=1e-6
    )
    assert kl["ratio"] == pytest.approx(0.5, rel=1e-2)
    newton = by_id["C10"]["values"]["closed_form"]
    np.testing.assert_allclose(newton["draft_step"], [-8, -3])
    np.testing.assert_allclose(newton["lr_half_step"], [0, 0], atol=1e-14)
    np.testing.assert_allclose(by_id["C13"]["values"]["closed_form"]["x_{t+1} / x_t"], 0.4)
    assert by_id["C14"]["values"]["closed_form"]["fraction of Newton"] == pytest.approx(0.6)


@pytest.mark.parametrize(
    "target, replacement, claim",
    [
        ("fisher_information", lambda mu, s, p="mean_logstd": np.diag([1 / s**2, 3.0]), "C25"),
        ("central_moment", lambda k, s: 3 * s**4 if k == 3 else 0.0, "C23"),
        # a score without the square: E[score] != 0, and not the draft's formula
        (
            "score",
            lambda x, m, s, p="mean_logstd": np.stack([(x - m) / s**2, (x - m) / s], -1),
            "C19",
        ),
        # a KL with the draft's missing 1/2 dropped the other way
        (
            "kl",
            lambda m1, s1, m2, s2: (
                4 * (np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5)
            ),
            "C17",
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
    assert {c["id"] for c in claims if c["verdict"] != c["expected"]} >= {"C4"}


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
    """C16's and C29's verdict: KL / quad near 1 is the draft's claim, near 1/2 the
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
        "z: [0., 3.] | holds |\n"
        "| C2 | c | closed form: 0.5 | erratum [E3](E.md): d |\n"
    )


def test_claims_carry_their_fields(claims):
    by_id = {c.id: c for c in CLAIMS}
    for row in claims:
        claim = by_id[row["id"]]
        assert (row["draft"], row["expected"], row["correct"], row["erratum"]) == (
            claim.draft,
            claim.expected,
            claim.correct,
            claim.erratum,
        )
        assert "draft" not in row["values"] and "correct" not in row["values"]
    assert [c.id for c in CLAIMS] == [f"C{i}" for i in range(1, len(CLAIMS) + 1)]
    assert all((c.erratum is None) == (c.expected == "holds") for c in CLAIMS)
    assert all(c.expected in ("holds", "erratum") for c in CLAIMS)
    assert all(bool(c.correct) == bool(c.erratum) for c in CLAIMS)  # a correction per erratum


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
