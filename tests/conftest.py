"""Shared fixtures: a seeded generator, the repository root, and the default config."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest
import yaml

from tests.helpers.limits import SLOW_TIMEOUT

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rng():
    """A fresh, seeded generator per test: failures reproduce exactly."""
    return np.random.default_rng(20261125)


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture
def default_config():
    with open(ROOT / "config.yaml") as fh:
        return yaml.safe_load(fh)


# The programs matplotlib's usetex runs; hiding them is "a machine without LaTeX".
TEX_PROGRAMS = ("latex", "pdflatex", "dvipng", "dvips", "kpsewhich", "tex", "luatex", "xelatex")


@pytest.fixture(scope="session")
def path_without_latex(tmp_path_factory):
    """A PATH on which no TeX program is found: each directory of PATH that holds
    one is replaced by a folder of links to everything else in it."""
    import os

    dirs = []
    for i, d in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        if not d or not Path(d).is_dir():
            continue
        if not any((Path(d) / p).exists() for p in TEX_PROGRAMS):
            dirs.append(d)
            continue
        shadow = tmp_path_factory.mktemp(f"no-tex-{i}")
        for entry in Path(d).iterdir():
            if entry.name not in TEX_PROGRAMS:
                (shadow / entry.name).symlink_to(entry)
        dirs.append(str(shadow))
    return os.pathsep.join(dirs)


@pytest.fixture(scope="session", autouse=True)
def _hide_latex(request):
    """NATGRAD_HIDE_LATEX=1: run the whole session as on a machine without LaTeX
    (.ci/run does, for the fast tests; those marked ``latex`` then fail). The PATH
    without it is built only then, or for a test that asks for it."""
    import os

    if os.environ.get("NATGRAD_HIDE_LATEX") == "1":
        os.environ["PATH"] = request.getfixturevalue("path_without_latex")


@pytest.fixture
def without_latex(monkeypatch, path_without_latex):
    """This process, and what it starts, on a machine without LaTeX."""
    import shutil

    monkeypatch.setenv("PATH", path_without_latex)
    assert not any(shutil.which(p) for p in TEX_PROGRAMS)


@pytest.fixture(scope="session")
def latex():
    """LaTeX, as a mathematics blogger has it; where it is missing, the test fails
    saying how to install it (tests marked ``latex``: ``-m "not latex"`` leaves them out)."""
    from natgrad.drawing.style import LATEX_PACKAGES, latex_available

    if not latex_available():
        pytest.fail(f"needs LaTeX (latex and dvipng): apt-get install {LATEX_PACKAGES}")


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium (tests/helpers/browser.py), closed after the test."""
    from tests.helpers.browser import chromium

    driver = chromium(tmp_path / "chromium")
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id):
    """A copy of the repository with figures/ removed, then rebuilt by `snakemake --cores 4`:
    ``(repo, result)``. Built once per run and shared: under pytest-xdist the first
    worker to ask builds it and the others wait for it. Read-only to the tests; a test
    that changes it works on a copy (``snakemake_runs.fresh_copy``)."""
    from tests.helpers.snakemake_runs import build_reference

    if worker_id == "master":
        return build_reference(tmp_path_factory.mktemp("built"))
    # The workers' temporary folders are siblings below the run's own one.
    return build_reference(tmp_path_factory.getbasetemp().parent / "built")


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))
        # a test that asks for LaTeX is one that needs it, whatever its marks say
        # (-m "not latex" on a machine without it then leaves it out)
        if "latex" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("latex"):
            item.add_marker(pytest.mark.latex)
    # The slow tests first (a stable sort: each file's order kept): xdist hands tests
    # out in this order, and a minute-long test handed out last leaves the other
    # worker idle at the end of the run.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
