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


def random_spd(rng, p, cond=None):
    """A random symmetric positive-definite p x p matrix."""
    M = rng.standard_normal((p, p))
    return M @ M.T + p * np.eye(p)
