"""natgrad: steepest descent under a metric, for the blog post "Natural gradients".

This package's modules are the mathematics (metrics, descent, objectives,
gaussian, claims, errors): numpy only. Above it, each in its folder:
:mod:`natgrad.drawing` (matplotlib), :mod:`natgrad.figures` (one module a
figure), :mod:`natgrad.pipeline` (config, jobs, files) and :mod:`natgrad.tools`
(artifact check, preview); ``lint-imports`` keeps each layer from importing
those above it. Every public name is loaded on first use, so ``import natgrad``
itself imports nothing. The names are listed once, in ``__init__.pyi``: type
checkers read it as the package's types, and this module loads from it
(scientific-python's ``lazy_loader.attach_stub``).
"""

import lazy_loader

__version__ = "0.1.0"

# Each public name, from its submodule, as __init__.pyi lists it; nothing is
# imported until a name is first used (PEP 562), so that
# `import natgrad.pipeline.config` in the Snakefile, run on every invocation,
# pulls in neither numpy nor matplotlib. lazy_loader's import and the stub's
# reading cost about a millisecond (measured on a loaded machine: noisy).
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
