"""natgrad: steepest descent under a metric, for the blog post "Natural gradients".

The mathematical modules (metrics, descent, objectives, gaussian) need only
numpy; the plotting, figure and I/O helpers import matplotlib and are loaded
on first use, so ``import natgrad`` stays cheap.
"""

from importlib import import_module

from .descent import (
    AdaGrad,
    Adam,
    AdamState,
    DiagonalState,
    DivergenceError,
    RMSProp,
    steepest_descent,
)
from .experiments import gaussian_descent, gaussian_mle_path, reparameterized_path
from .gaussian import (
    PARAMETERIZATIONS,
    central_moment,
    empirical_fisher,
    fisher_information,
    from_mean_std,
    jacobian,
    kl,
    monte_carlo_fisher,
    score,
    to_mean_std,
)
from .metrics import Diagonal, Euclidean, FisherMetric, Mahalanobis, Metric, cholesky_solve
from .objectives import GaussianLogLikelihood, Quadratic, rotated_spd

__version__ = "0.1.0"

# name -> submodule, for the helpers that import matplotlib
_LAZY = {
    "plot_level_set": "plotting",
    "plot_contours": "plotting",
    "plot_trajectory": "plotting",
    "render": "figures",
    "compute_claims": "claims",
    "save_figure": "io",
    "write_json": "io",
}

__all__ = [
    "AdaGrad",
    "Adam",
    "AdamState",
    "Diagonal",
    "DiagonalState",
    "DivergenceError",
    "Euclidean",
    "FisherMetric",
    "GaussianLogLikelihood",
    "Mahalanobis",
    "Metric",
    "PARAMETERIZATIONS",
    "Quadratic",
    "RMSProp",
    "central_moment",
    "cholesky_solve",
    "empirical_fisher",
    "fisher_information",
    "gaussian_descent",
    "gaussian_mle_path",
    "from_mean_std",
    "jacobian",
    "kl",
    "monte_carlo_fisher",
    "reparameterized_path",
    "rotated_spd",
    "score",
    "steepest_descent",
    "to_mean_std",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'natgrad' has no attribute {name!r}")
