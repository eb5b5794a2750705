"""natgrad: steepest descent under a metric, for the blog post "Natural gradients".

The mathematical modules (metrics, descent, objectives, gaussian) need only
numpy; the plotting, figure and I/O helpers import matplotlib. Every public
name is loaded on first use, so ``import natgrad`` itself imports nothing.
"""

from importlib import import_module

__version__ = "0.1.0"

# Public name -> the submodule that defines it. Nothing is imported until a
# name is first used (PEP 562), so that `import natgrad.config` in the
# Snakefile, run on every invocation, pulls in neither numpy nor matplotlib.
_EXPORTS = {
    "AdaGrad": "descent",
    "Adam": "descent",
    "AdamState": "descent",
    "DiagonalState": "descent",
    "DivergenceError": "errors",
    "RMSProp": "descent",
    "steepest_descent": "descent",
    "DomainError": "errors",
    "OPTIMIZERS": "descent",
    "make_optimizer": "descent",
    "iterations_to_tolerance": "descent",
    "gaussian_descent": "objectives",
    "gaussian_mle_path": "objectives",
    "reparameterized_path": "objectives",
    "reparameterization_discrepancy": "objectives",
    "PARAMETERIZATIONS": "gaussian",
    "central_moment": "gaussian",
    "empirical_fisher": "gaussian",
    "fisher_information": "gaussian",
    "from_mean_std": "gaussian",
    "jacobian": "gaussian",
    "kl": "gaussian",
    "monte_carlo_fisher": "gaussian",
    "score": "gaussian",
    "to_mean_std": "gaussian",
    "Diagonal": "metrics",
    "Euclidean": "metrics",
    "FisherMetric": "metrics",
    "Mahalanobis": "metrics",
    "Metric": "metrics",
    "cholesky_solve": "metrics",
    "GaussianLogLikelihood": "objectives",
    "Quadratic": "objectives",
    "rotated_spd": "objectives",
    "compute_claims": "claims",
    # these import matplotlib
    "plot_level_set": "plotting",
    "plot_contours": "plotting",
    "plot_trajectory": "plotting",
    "save_figure": "io",
    "write_json": "io",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    raise AttributeError(f"module 'natgrad' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_EXPORTS])
