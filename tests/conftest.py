"""Shared fixtures: a seeded generator, the repository root, and the default config."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest
import yaml

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


def build_figure(config, name):
    """``(params, figure, data)`` of figure ``name`` built from ``config`` as its job would."""
    from natgrad.figures import builder, registry

    own, *shared = registry()[name].sections
    params = dict(config[own], **{key: config[key] for key in shared})
    return params, *builder(name)(**params)


def line_xy(line):
    """The (x, y) points of a drawn Line2D, shape (n, 2)."""
    return np.column_stack(line.get_data())


def random_spd(rng, p, cond=None):
    """A random symmetric positive-definite p x p matrix; with ``cond``, one whose
    eigenvalues run geometrically from 1 to ``cond`` in random directions."""
    if cond is None:
        M = rng.standard_normal((p, p))
        return M @ M.T + p * np.eye(p)
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    G = (Q * np.geomspace(1.0, cond, p)) @ Q.T
    return (G + G.T) / 2


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A copy of the repository with figures/ removed, then rebuilt by `snakemake --cores 4`."""
    import shutil

    from pipeline import copy_repo, run_snakemake

    repo = copy_repo(tmp_path_factory.mktemp("built") / "repo")
    shutil.rmtree(repo / "figures")
    result = run_snakemake(repo, "--cores", "4")
    assert result.returncode == 0, result.stderr[-3000:]
    return repo, result
