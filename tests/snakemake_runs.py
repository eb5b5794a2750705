"""Helpers for tests that run the real Snakemake pipeline in a temporary copy of the repository."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from natgrad.figures import registry

ROOT = Path(__file__).resolve().parents[1]
FIGURES = list(registry())

# Generated or local state that a fresh clone would not have.
_IGNORE = shutil.ignore_patterns(
    ".git",
    ".snakemake",
    "logs",
    ".venv",
    "results",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".benchmarks",
    "*.egg-info",
    "report.html",
    ".check",
    ".preview",
)


def copy_repo(dest: Path) -> Path:
    """Copy the working tree (without generated state) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=_IGNORE, symlinks=True)
    return dest


def run_snakemake(cwd: Path, *args: str, env: dict | None = None, timeout: float = 600):
    """Run ``python -m snakemake ARGS`` in ``cwd``; return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def jobs_run(result) -> list[str]:
    """Names of the rules whose jobs Snakemake started, from its output."""
    text = result.stdout + result.stderr
    return sorted(re.findall(r"^\s*(?:local)?rule (\w+):", text, flags=re.M))


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG, from its header (natgrad.pipeline.manifest.png_size: Pillow)."""
    from natgrad.pipeline.manifest import png_size as header_size

    size = header_size(path)
    assert size is not None, f"{path} is not a PNG"
    return tuple(size)


def tree_hashes(directory: Path) -> dict[str, str]:
    """sha256 of every file below ``directory``, by relative path."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def fresh_copy(built, tmp_path: Path) -> Path:
    """A copy of the built repository (the ``built`` fixture), Snakemake's metadata included."""
    repo, _ = built
    dest = tmp_path / "repo"
    shutil.copytree(repo, dest, symlinks=True)
    return dest


def bump_last_bits(value):
    """``value`` (a config) with every non-integer float moved up by one ulp.

    The stand-in, on any CPU, for another platform's last-bit differences.
    Integer-valued floats stay: they are exact everywhere, and some are
    structural (an identity matrix is a Euclidean metric).
    """
    import math

    if isinstance(value, dict):
        return {k: bump_last_bits(v) for k, v in value.items()}
    if isinstance(value, list):
        return [bump_last_bits(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value != int(value):
        return math.nextafter(value, math.inf)
    return value


def as_if_built_elsewhere(figures: Path) -> None:
    """Rewrite the manifests below ``figures`` as another machine would have written them
    for the files now there: its own platform, and the files' current hashes."""
    import json

    for fragment in (figures / "manifest").glob("*.json"):
        manifest = json.loads(fragment.read_text())
        manifest["platform"]["machine"] = "another-machine"
        for name, entry in manifest["artifacts"].items():
            entry["sha256"] = hashlib.sha256((figures / name).read_bytes()).hexdigest()
        fragment.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
