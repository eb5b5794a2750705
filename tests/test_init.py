import importlib
import subprocess
import sys

import natgrad


def test_every_public_name_is_importable():
    for name in natgrad.__all__:
        assert getattr(natgrad, name) is not None, name


def stub_names(root):
    """Public name -> its submodule, as natgrad/__init__.pyi declares them."""
    import ast

    tree = ast.parse((root / "natgrad" / "__init__.pyi").read_text())
    return {
        alias.asname: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }


def test_public_names_are_the_submodules_objects(root):
    exports = stub_names(root)
    assert len(exports) > 30
    for name, module in exports.items():
        assert getattr(natgrad, name) is getattr(importlib.import_module(f"natgrad.{module}"), name)
    assert set(natgrad.__all__) <= set(dir(natgrad))


def test_unknown_name_is_an_attribute_error():
    try:
        natgrad.no_such_name  # noqa: B018
    except AttributeError as err:
        assert "no_such_name" in str(err)
    else:
        raise AssertionError("natgrad.no_such_name did not raise")


def imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {m.split(".")[0] for m in out.stdout.split()}


def test_importing_natgrad_imports_nothing_heavy():
    """Names load on first use: `import natgrad` pulls in neither numpy nor matplotlib."""
    assert not {"numpy", "matplotlib"} & imported_after("import natgrad")


def test_the_mathematics_does_not_import_matplotlib():
    assert "matplotlib" not in imported_after("from natgrad import Adam, kl, Mahalanobis")
    assert "matplotlib" in imported_after("from natgrad.drawing.plotting import plot_contours")


def test_the_stub_declares_every_public_name_from_its_module(root):
    """natgrad/__init__.pyi, for type checkers and editors, is the list __getattr__ loads."""
    assert sorted(stub_names(root)) == sorted(natgrad.__all__)
    assert natgrad.__version__ == "0.1.0"
