"""The figures with ``usetex: true``: checked by LaTeX, recorded as LaTeX (their layout:
tests/drawing/test_layout.py).

A mathematics blogger has LaTeX (.ci/run installs Debian's TeX Live); these tests
fail, saying how to install it, where it is missing.
"""

import json
import shutil

import pytest

from tests.helpers.snakemake_runs import FIGURES, copy_repo, jobs_run, run_snakemake

pytestmark = pytest.mark.latex


@pytest.fixture(scope="module")
def latex_repo(tmp_path_factory):
    """A copy of the repository whose config says usetex: true, built."""
    repo = copy_repo(tmp_path_factory.mktemp("latex") / "repo")
    config = repo / "config.yaml"
    config.write_text(config.read_text().replace("\nusetex: false ", "\nusetex: true  ", 1))
    assert "\nusetex: true" in config.read_text()
    shutil.rmtree(repo / "figures")
    return repo


@pytest.mark.slow
def test_a_latex_build_records_its_engine_and_the_check_needs_latex(
    latex, latex_repo, path_without_latex
):
    import subprocess
    import sys

    result = run_snakemake(latex_repo, "--cores", "4")
    assert result.returncode == 0, result.stderr[-3000:]
    assert jobs_run(result) == sorted([*FIGURES, "all", "claims"])
    for name in FIGURES:
        text = json.loads((latex_repo / "figures" / "manifest" / f"{name}.json").read_text())[
            "text"
        ]
        assert text["engine"] == "latex" and "TeX" in text["latex"]
    claims = json.loads((latex_repo / "figures" / "manifest" / "claims.json").read_text())
    assert "text" not in claims  # a table, no text engine

    def check(path):
        return subprocess.run(
            [sys.executable, "-m", "natgrad.artifacts", "check", "--root", str(latex_repo)],
            cwd=latex_repo,
            capture_output=True,
            text=True,
            timeout=900,
            env={"PATH": path, "HOME": str(latex_repo)},
        )

    # on a machine without LaTeX: one line saying what is missing, before any rebuild
    # (each figure's PNG, data sidecar and text alternative were drawn with LaTeX)
    without = check(path_without_latex)
    assert without.returncode == 2
    (line,) = without.stderr.strip().splitlines()
    assert line.startswith(
        f"natgrad check: {len(FIGURES) * 3} file(s) of figures/ were drawn with LaTeX (pdfTeX"
    )
    assert line.endswith(
        "install it (Debian: apt-get install texlive-latex-base texlive-latex-extra "
        "texlive-fonts-recommended dvipng cm-super): a mathtext rebuild is not the same figure"
    )
    assert not (latex_repo / ".check").exists()


@pytest.mark.slow
@pytest.mark.parametrize("title", ["$\\\\log p", "$\\\\notacommand$", "$p_1"])
def test_a_title_latex_cannot_typeset_stops_the_run_before_any_job(latex, tmp_path, title):
    repo = copy_repo(tmp_path / "repo")
    config = repo / "config.yaml"
    text = config.read_text().replace("\nusetex: false ", "\nusetex: true  ", 1)
    old = "  title: '$\\log p(x|\\mu, \\sigma^2)$'\n"
    assert old in text
    config.write_text(text.replace(old, f'  title: "{title}"\n'))
    before = {p: p.read_bytes() for p in (repo / "figures").rglob("*") if p.is_file()}
    result = run_snakemake(repo, "--cores", "4")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("natgrad: config key 'gaussian_isocontours_fisher.title': ")
    assert "LaTeX cannot typeset it" in line or "unbalanced $" in line
    assert jobs_run(result) == []
    assert {p: p.read_bytes() for p in (repo / "figures").rglob("*") if p.is_file()} == before
