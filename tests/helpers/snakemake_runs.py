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

ROOT = Path(__file__).resolve().parents[2]
FIGURES = list(registry())

# Generated or local state that a fresh clone would not have.
_IGNORE = shutil.ignore_patterns(
    ".git",
    ".snakemake",
    "logs",
    ".venv*",  # .venv, and .ci/run's .venv-lowest of the floors (360 MB)
    "node_modules",
    "mutants",
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


def build_reference(folder: Path):
    """``(repo, result)``: a copy of the repository in ``folder``/repo with figures/
    removed, then rebuilt by `snakemake --cores 4`. Built once: a later call, from this
    or another process (pytest-xdist's workers), waits for the first and reads its
    record (``folder``/result.json) instead of building again."""
    import fcntl
    import json

    folder.mkdir(parents=True, exist_ok=True)
    repo, record = folder / "repo", folder / "result.json"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.exists():
            copy_repo(repo)
            shutil.rmtree(repo / "figures")
            result = run_snakemake(repo, "--cores", "4")
            assert result.returncode == 0, result.stderr[-3000:]
            fields = {k: getattr(result, k) for k in ("args", "returncode", "stdout", "stderr")}
            record.write_text(json.dumps(fields))
        result = subprocess.CompletedProcess(**json.loads(record.read_text()))
    return repo, result


def fresh_copy(built, tmp_path: Path) -> Path:
    """A copy of the built repository (the ``built`` fixture), Snakemake's metadata
    included: copy-on-write where the file system can (``cp --reflink=auto``)."""
    repo, _ = built
    dest = tmp_path / "repo"
    subprocess.run(["cp", "-a", "--reflink=auto", str(repo), str(dest)], check=True)
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


def config_value(repo: Path, dotted: str):
    """The value at ``section.key`` (``section.key[i]`` into a list) of ``repo``'s config.yaml."""
    import yaml

    value = yaml.safe_load((repo / "config.yaml").read_text())
    for part in re.findall(r"[^.\[\]]+", dotted):
        value = value[int(part)] if part.isdigit() else value[part]
    return value


def edit_config(repo: Path, section: str, key: str, value: str | None = None, *,
                nth: int = 0, rename: str | None = None) -> None:  # fmt: skip
    """Edit ``repo``'s config.yaml as an author would, comments kept: the ``nth``
    ``key:`` line inside top-level ``section`` gets the YAML text ``value`` (or the
    key is renamed to ``rename``). Whatever the values are now: tests edit the
    config they build with, never a copy of its committed text."""
    path = repo / "config.yaml"
    lines = path.read_text().splitlines(keepends=True)
    start = lines.index(f"{section}:\n")
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(r"[A-Za-z_]", lines[i])), len(lines)
    )
    pattern = re.compile(rf"^(\s+(?:- )?){re.escape(key)}:( *)([^#\n]*?)( *#.*)?$")
    found = [i for i in range(start + 1, end) if pattern.match(lines[i].rstrip("\n"))]
    assert len(found) > nth, f"config.yaml has no {nth}-th {key}: in {section}"
    i = found[nth]
    indent, gap, old, comment = pattern.match(lines[i].rstrip("\n")).groups()
    new_key = rename or key
    new_value = old if value is None else value
    lines[i] = f"{indent}{new_key}:{gap or ' '}{new_value}{comment or ''}\n"
    path.write_text("".join(lines))
