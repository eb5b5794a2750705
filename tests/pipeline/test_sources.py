"""natgrad.pipeline.sources: a module's natgrad files, read from its imports."""

from natgrad.pipeline.sources import PACKAGE, imported_sources


def names(paths):
    return {p.relative_to(PACKAGE).as_posix() for p in paths}


def test_a_figure_uses_its_mathematics_and_not_the_pipeline():
    # what a figure job runs: the render function and the figure's module
    used = names(
        imported_sources(
            PACKAGE / "pipeline" / "render.py", PACKAGE / "figures" / "equidistant_points.py"
        )
    )
    assert {
        "figures/equidistant_points.py",
        "metrics.py",
        "drawing/plotting.py",
        "pipeline/render.py",
    } <= used
    assert {
        "pipeline/io.py",
        "drawing/style.py",
        "pipeline/manifest.py",
        "figures/__init__.py",
        "__init__.py",
        "pipeline/__init__.py",
        "drawing/__init__.py",
    } <= used
    # neither the config validation, the artifact check, nor another figure
    assert not {
        "pipeline/config.py",
        "tools/artifacts.py",
        "claims.py",
        "pipeline/sources.py",
    } & used
    assert not {n for n in used if n.startswith("figures/") and "equidistant" not in n} - {
        "figures/__init__.py"
    }


def test_relative_and_absolute_imports_and_function_level_ones(tmp_path):
    used = names(imported_sources(PACKAGE / "objectives.py"))
    # `from . import gaussian`, `from .descent import ...`
    assert {"objectives.py", "gaussian.py", "descent.py", "metrics.py"} <= used
    assert "drawing/plotting.py" not in used
    # artifacts imports config inside a function
    assert "pipeline/config.py" in names(imported_sources(PACKAGE / "tools" / "artifacts.py"))


def test_an_import_in_a_docstring_does_not_count_one_in_a_function_does(tmp_path):
    module = PACKAGE / "tools" / "_sources_probe.py"
    module.write_text(
        '"""Not an import:\n\nfrom natgrad.pipeline import config\n"""\n\n'
        "def f():\n    from ..drawing import style  # noqa: F401\n"
    )
    try:
        used = names(imported_sources(module))
    finally:
        module.unlink()
    assert "drawing/style.py" in used
    assert "pipeline/config.py" not in used
