"""ERRATA.md: every entry names a test that exists; the captions are the post's own."""

import importlib.util
import re

import pytest


def errata_rows(root):
    text = (root / "ERRATA.md").read_text()
    return re.findall(r"^\| (E\d+) \|.*`(tests/[\w/]+\.py)::(\w+)` \|$", text, flags=re.M)


def test_every_erratum_names_an_existing_test(root):
    rows = errata_rows(root)
    assert len(rows) >= 15
    assert [r[0] for r in rows] == [f"E{i}" for i in range(1, len(rows) + 1)]
    for entry, path, name in rows:
        spec = importlib.util.spec_from_file_location(f"_errata_{entry}", root / path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert callable(getattr(module, name, None)), f"{entry}: {path}::{name} does not exist"


def test_captions_are_distinct_and_describe_their_figure(root):
    captions = {p.stem: p.read_text() for p in (root / "workflow/report").glob("*.rst")}
    assert len(set(captions.values())) == len(captions)
    iso = captions["gaussian_isocontours_fisher"]
    assert "log-likelihood" in iso
    assert "Steepest descent under Euclidean and Mahalanobis metrics" not in iso


@pytest.mark.parametrize("entry", ["E1", "E3", "E4", "E11", "E14"])
def test_known_errata_are_listed(root, entry):
    assert entry in {r[0] for r in errata_rows(root)}
