"""natgrad: steepest descent under a metric, for the blog post "Natural gradients".

This package's modules are the mathematics (metrics, descent, objectives,
gaussian, claims, errors): numpy only. Above it, each in its folder:
:mod:`natgrad.drawing` (matplotlib), :mod:`natgrad.figures` (one module a
figure), :mod:`natgrad.pipeline` (config, jobs, files) and :mod:`natgrad.tools`
(artifact check, preview); ``lint-imports`` keeps each layer from importing
those above it. Every public name is loaded on first use, so ``import natgrad``
itself imports nothing (``__init__.pyi`` declares them for type checkers).
"""

from importlib import import_module

__version__ = "0.1.0"

# Public name -> the submodule that defines it. Nothing is imported until a
# name is first used (PEP 562), so that `import natgrad.pipeline.config` in the
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
