import json

import numpy as np
import pytest

import natgrad.gaussian
from natgrad.claims import CLAIMS, ClaimError, check_claims, claims_markdown, compute_claims


@pytest.fixture(scope="module")
def claims():
    return compute_claims(n_samples=200_000, seed=7, mu=0.3, sigma=1.7)


def test_every_verdict_is_the_expected_one(claims):
    assert [c["verdict"] for c in claims] == [c.expected for c in CLAIMS]
    check_claims(claims)


def test_the_claims_the_issue_lists_are_covered(claims):
    drafts = " ".join(c["draft"] for c in claims)
    for words in (
        "diag(1/sigma^2, 2)",
        "off-diagonal",
        "inverse Fisher",
        "(x - mu)^3",
        "score",
        "approximately F",
        "Newton",
        "G = I",
        "rho^T",
    ):
        assert words in drafts


def test_errata_link_to_existing_entries(claims, root):
    errata = (root / "ERRATA.md").read_text()
    for c in claims:
        if c["expected"] == "erratum":
            assert f"| {c['erratum']} |" in errata


def test_verdicts_follow_from_the_computation(claims):
    by_id = {c["id"]: c for c in claims}
    F = by_id["C1"]["values"]["closed_form"]
    np.testing.assert_allclose(F, np.diag([1 / 1.7**2, 2.0]))
    moments = by_id["C4"]["values"]
    assert moments["closed_form"]["third"] == 0.0
    assert abs(moments["monte_carlo"]["third"]) < 0.2 < 3 * 1.7**4
    assert by_id["C7"]["values"]["closed_form"]["ratio"] == pytest.approx(0.5, rel=1e-2)
    np.testing.assert_allclose(by_id["C8"]["values"]["closed_form"]["draft_step"], [-8, -3])


@pytest.mark.parametrize(
    "target, replacement, claim",
    [
        ("fisher_information", lambda mu, s, p="mean_logstd": np.diag([1 / s**2, 3.0]), "C1"),
        ("central_moment", lambda k, s: 3 * s**4 if k == 3 else 0.0, "C4"),
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
