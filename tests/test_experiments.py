import numpy as np
import pytest
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.descent import steepest_descent
from natgrad.experiments import gaussian_descent, iterations_to_tolerance, reparameterized_path
from natgrad.metrics import Euclidean, FisherMetric
from natgrad.objectives import GaussianLogLikelihood


@pytest.fixture
def ll(rng):
    return GaussianLogLikelihood(rng.normal(0.4, 1.3, size=500))


@pytest.mark.parametrize("method", ["gd", "natural"])
def test_descent_in_logstd_matches_the_likelihoods_own_gradient(ll, method):
    """J^T grad_(mu, sigma) in (mu, log sigma) is GaussianLogLikelihood's own gradient."""
    metric = Euclidean(2) if method == "gd" else FisherMetric(lambda t: ll.fisher(t) / ll.n)
    direct = steepest_descent(lambda t: -ll.gradient(t) / ll.n, [1.0, -0.5], metric, 0.2, 25)
    assert_allclose(
        gaussian_descent(ll, [1.0, -0.5], "mean_logstd", method, 0.2, 25),
        direct,
        rtol=1e-10,
        atol=1e-12,
    )


@pytest.mark.parametrize("param", gaussian.PARAMETERIZATIONS)
def test_natural_gradient_converges_to_the_mle_in_every_parameterization(ll, param):
    path = reparameterized_path(ll, 1.0, 0.8, param, "natural", 0.1, 400)
    mu_hat, log_s_hat = ll.mle()
    assert_allclose(path[-1], [mu_hat, np.exp(log_s_hat)], rtol=1e-6)


def test_iterations_to_tolerance():
    assert iterations_to_tolerance([5.0, 1.0, 1e-5, 1e-6], 1e-4) == 2
    assert iterations_to_tolerance([5.0, 1.0], 1e-4) is None
