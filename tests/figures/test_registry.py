"""natgrad.figures: the registry is the folder, read without importing a figure."""

import subprocess
import sys

import pytest

from natgrad.figures import FIGURES_DIR, builder, registry

POST = ["equidistant_points", "gd_euclidean_mahalanobis", "gaussian_isocontours_fisher"]


def test_every_module_of_the_folder_is_a_figure_named_as_its_file(root):
    specs = registry()
    assert set(POST) <= set(specs)
    assert sorted(specs) == sorted(p.stem for p in FIGURES_DIR.glob("[!_]*.py"))
    for name, spec in specs.items():
        assert spec.path == FIGURES_DIR / f"{name}.py"
        assert spec.sections[0] == name
        assert spec.summary and not spec.summary.endswith(" ")
        # every section it reads is a top-level key of the config's schema
        assert (root / "workflow" / "report" / f"{name}.rst").exists()
    assert registry()["gaussian_isocontours_fisher"].sections == (
        "gaussian_isocontours_fisher",
        "gaussian_data",
    )
    assert registry()["equidistant_points"].sections == ("equidistant_points",)


def test_the_shared_sections_are_the_builders_keywords():
    import inspect

    for name, spec in registry().items():
        parameters = inspect.signature(builder(name)).parameters
        for shared in spec.sections[1:]:
            assert shared in parameters, (name, shared)


def test_the_settings_are_those_the_builders_take():
    """The registry reads build's keywords from the source; they must be the ones
    the imported function takes (a figure that descends is given on_divergence)."""
    import inspect

    from natgrad.figures import SETTINGS

    descending = set()
    for name, spec in registry().items():
        parameters = inspect.signature(builder(name)).parameters
        assert spec.settings == tuple(s for s in SETTINGS if s in parameters), name
        if spec.settings:
            descending.add(name)
    assert descending == {
        "adam_diagonal_preconditioning",
        "gd_euclidean_mahalanobis",
        "natural_gradient_gaussian_mle",
        "reparameterization_invariance",
    }


def test_the_registry_imports_neither_numpy_nor_matplotlib():
    code = (
        "import sys; from natgrad.figures import registry; registry(); "
        "print(sorted(m for m in ('numpy', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_figure():
    with pytest.raises(ValueError, match="unknown figure 'nope'; known: adam"):
        builder("nope")
