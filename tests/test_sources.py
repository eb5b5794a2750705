"""natgrad.sources: a module's natgrad files, read from its imports."""

from natgrad.sources import PACKAGE, imported_sources


def names(paths):
    return {p.relative_to(PACKAGE).as_posix() for p in paths}


def test_a_figure_uses_its_mathematics_and_not_the_pipeline():
    # what a figure job runs: the render function and the figure's module
    used = names(
        imported_sources(PACKAGE / "render.py", PACKAGE / "figures" / "equidistant_points.py")
    )
    assert {"figures/equidistant_points.py", "metrics.py", "plotting.py", "render.py"} <= used
    assert {"io.py", "style.py", "manifest.py", "figures/__init__.py", "__init__.py"} <= used
    # neither the config validation, the artifact check, nor another figure
    assert not {"config.py", "artifacts.py", "claims.py", "sources.py"} & used
    assert not {n for n in used if n.startswith("figures/") and "equidistant" not in n} - {
        "figures/__init__.py"
    }


def test_relative_and_absolute_imports_and_function_level_ones(tmp_path):
    used = names(imported_sources(PACKAGE / "objectives.py"))
    # `from . import gaussian`, `from .descent import ...`
    assert {"objectives.py", "gaussian.py", "descent.py", "metrics.py"} <= used
    assert "plotting.py" not in used
    # artifacts imports config inside a function
    assert "config.py" in names(imported_sources(PACKAGE / "artifacts.py"))
