"""The layers the folders name, as import-linter and the interpreter see them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MATHEMATICS = ["metrics", "descent", "objectives", "gaussian", "errors", "claims"]


def lint_imports_exe():
    """lint-imports beside the interpreter running the tests, wherever its environment
    lives (import-linter is a test extra, installed with pytest)."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "lint-imports (import-linter) is a test dependency: pip install -e '.[test]'"
    return exe


def lint_imports(root, *args):
    return subprocess.run(
        [lint_imports_exe(), *args], cwd=root, capture_output=True, text=True, timeout=120
    )


def test_the_layer_contracts_are_kept(root):
    result = lint_imports(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_a_forbidden_import_breaks_a_contract(root, tmp_path):
    """The contracts can fail: a copy of the package whose metrics imports drawing."""
    copy = tmp_path / "repo"
    shutil.copytree(
        root / "natgrad", copy / "natgrad", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(root / "pyproject.toml", copy)
    metrics = copy / "natgrad" / "metrics.py"
    metrics.write_text(metrics.read_text() + "\nfrom .drawing import style  # noqa\n")
    result = subprocess.run(
        [lint_imports_exe(), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "the mathematics imports nothing above it" in result.stdout
    assert "BROKEN" in result.stdout


@pytest.mark.parametrize("heavy", ["matplotlib", "jsonschema", "snakemake", "yaml"])
def test_the_mathematics_imports_without(heavy):
    code = "import sys; " + "; ".join(f"import natgrad.{m}" for m in MATHEMATICS)
    out = subprocess.run(
        [sys.executable, "-c", f"{code}; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert heavy not in out
