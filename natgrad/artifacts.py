"""Artifact checks: a manifest of the built figures, and a check that they are current.

    python -m natgrad.artifacts check [--cores 4] [--tol 0.5]

rebuilds every figure into a scratch directory (``.check/figures``) with the
current code and config, compares it with the committed ``figures/``, and exits
non-zero naming each figure that differs and by how much; diff images go to
``.check/diff/``. Figures are compared byte for byte when the versions recorded
in the committed manifest are the running ones, otherwise by pixels
(:func:`matplotlib.testing.compare.compare_images`, RMS tolerance) and by the
numbers in their data sidecars.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_DIR",
    "load_manifest",
    "write_manifest",
    "versions",
    "png_size",
    "build_manifest",
    "compare_data",
    "compare_dirs",
    "main",
]

#: Folder (inside an output directory) of per-figure manifests: each job writes
#: its own, so editing one figure's config reruns exactly one job.
MANIFEST_DIR = "manifest"


def versions() -> dict[str, str]:
    """Versions of what determines a figure's bytes."""
    import matplotlib
    import matplotlib.ft2font
    import numpy
    import PIL

    from . import __version__

    return {
        "natgrad": __version__,
        "matplotlib": matplotlib.__version__,
        "numpy": numpy.__version__,
        "freetype": matplotlib.ft2font.__freetype_version__,
        "pillow": PIL.__version__,
    }


def sha256_file(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def png_size(path: str | Path) -> list[int] | None:
    """``[width, height]`` of a PNG from its header, or None for other files."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return list(struct.unpack(">II", head[16:24]))


def build_manifest(
    out_dir: str | Path, artifacts: dict[str, Iterable[str | Path]], config_hashes: dict[str, str]
) -> dict[str, Any]:
    """The manifest of ``artifacts`` (figure name -> its files, relative to ``out_dir``).

    Returns
    -------
    dict
        ``{"versions": ..., "artifacts": {relative path: {figure, sha256,
        pixels, config_sha256}}}``
    """
    out_dir = Path(out_dir)
    entries = {}
    for figure, paths in artifacts.items():
        for rel in paths:
            p = out_dir / rel
            entries[Path(rel).as_posix()] = {
                "figure": figure,
                "sha256": sha256_file(p),
                "pixels": png_size(p),
                "config_sha256": config_hashes[figure],
            }
    return {"versions": versions(), "artifacts": dict(sorted(entries.items()))}


def write_manifest(
    out_dir: str | Path, figure: str, files: Iterable[str | Path], config_hash: str
) -> dict[str, Any]:
    """Write ``<out_dir>/manifest/<figure>.json`` for ``files`` (paths below ``out_dir``)."""
    from .io import write_json

    out_dir = Path(out_dir)
    rel = [Path(f).resolve().relative_to(out_dir.resolve()).as_posix() for f in files]
    manifest = build_manifest(out_dir, {figure: rel}, {figure: config_hash})
    (out_dir / MANIFEST_DIR).mkdir(exist_ok=True)
    write_json(manifest, out_dir / MANIFEST_DIR / f"{figure}.json")
    return manifest


def load_manifest(directory: str | Path) -> dict[str, dict]:
    """Every artifact recorded in ``<directory>/manifest/*.json``, each with its versions."""
    entries = {}
    for fragment in sorted((Path(directory) / MANIFEST_DIR).glob("*.json")):
        data = json.loads(fragment.read_text())
        for name, entry in data["artifacts"].items():
            entries[name] = {**entry, "versions": data["versions"]}
    return entries


def _numbers(obj: Any, path: str = ""):
    if isinstance(obj, dict):
        for k in sorted(obj):
            yield from _numbers(obj[k], f"{path}.{k}" if path else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _numbers(v, f"{path}[{i}]")
    else:
        yield path, obj


def compare_data(expected: Any, actual: Any, rtol: float = 1e-9) -> list[str]:
    """Differences between two sidecars: structure exactly, numbers to ``rtol``."""
    a, b = dict(_numbers(expected)), dict(_numbers(actual))
    problems = [f"{k}: missing" for k in sorted(a.keys() - b.keys())]
    problems += [f"{k}: unexpected" for k in sorted(b.keys() - a.keys())]
    for k in sorted(a.keys() & b.keys()):
        x, y = a[k], b[k]
        numeric = isinstance(x, int | float) and isinstance(y, int | float)
        if numeric and not isinstance(x, bool):
            if not math.isclose(x, y, rel_tol=rtol, abs_tol=rtol):
                problems.append(f"{k}: {x!r} != {y!r}")
        elif x != y:
            problems.append(f"{k}: {x!r} != {y!r}")
    return problems


def _pixel_difference(expected: Path, actual: Path, diff_dir: Path) -> tuple[float, Path | None]:
    """RMS pixel difference of two PNGs and the diff image (written only when they differ)."""
    from matplotlib.testing.compare import compare_images

    diff_dir.mkdir(parents=True, exist_ok=True)
    # compare_images writes its diff next to `actual`: work on copies in diff_dir
    exp = diff_dir / f"{actual.stem}-committed.png"
    act = diff_dir / f"{actual.stem}-rebuilt.png"
    shutil.copyfile(expected, exp)
    shutil.copyfile(actual, act)
    try:
        # tol=0 so that the RMS is always measured; the caller applies its tolerance
        result = compare_images(str(exp), str(act), tol=0, in_decorator=True)
    except Exception:  # ImageComparisonFailure when the sizes differ
        return math.inf, None
    if result is None:
        exp.unlink()
        act.unlink()
        return 0.0, None
    return float(result["rms"]), Path(result["diff"])


def compare_dirs(
    committed: str | Path,
    rebuilt: str | Path,
    diff_dir: str | Path,
    *,
    tol: float = 0.5,
    current_hashes: dict[str, str] | None = None,
) -> list[str]:
    """Compare committed artifacts with rebuilt ones; return one line per problem.

    Parameters
    ----------
    committed, rebuilt : path-like
        Output directories holding ``manifest/*.json`` and the files listed there.
    diff_dir : path-like
        Where diff images are written.
    tol : float
        RMS tolerance for pixels when the versions differ.
    current_hashes : dict, optional
        Figure -> hash of its current config; a committed figure whose recorded
        hash differs is reported as stale.
    """
    committed, rebuilt, diff_dir = Path(committed), Path(rebuilt), Path(diff_dir)
    problems = []
    try:
        old_a = load_manifest(committed)
    except (OSError, ValueError, KeyError) as err:
        return [f"{committed / MANIFEST_DIR}: cannot read the committed manifest ({err})"]
    if not old_a:
        return [f"{committed / MANIFEST_DIR}: no committed manifest"]
    new_a = load_manifest(rebuilt)
    for name in sorted(old_a.keys() - new_a.keys()):
        problems.append(f"{name}: committed but no longer built")
    for name in sorted(new_a.keys() - old_a.keys()):
        problems.append(f"{name}: built but not committed")
    for name in sorted(old_a.keys() & new_a.keys()):
        entry = old_a[name]
        figure = entry["figure"]
        same_versions = entry["versions"] == new_a[name]["versions"]
        if current_hashes and current_hashes.get(figure) != entry["config_sha256"]:
            problems.append(
                f"{name}: stale: config of figure {figure} changed since it was built "
                "(run snakemake --cores 4 and commit figures/)"
            )
        path = committed / name
        if not path.exists():
            problems.append(f"{name}: listed in the manifest but missing")
            continue
        actual_sha = sha256_file(path)
        if actual_sha != entry["sha256"]:
            problems.append(f"{name}: does not match its manifest entry (edited by hand?)")
        if actual_sha == new_a[name]["sha256"]:
            continue
        if name.endswith(".json"):
            diffs = compare_data(
                json.loads(path.read_text()), json.loads((rebuilt / name).read_text())
            )
            if diffs:
                more = f" (+{len(diffs) - 3} more)" if len(diffs) > 3 else ""
                problems.append(f"{name}: data differs: {'; '.join(diffs[:3])}{more}")
            elif same_versions:
                problems.append(f"{name}: bytes differ")
        elif name.endswith(".png"):
            rms, diff = _pixel_difference(path, rebuilt / name, diff_dir)
            where = f", diff image {diff}" if diff else ""
            if same_versions:
                problems.append(f"{name}: bytes differ (pixel RMS {rms:.4g}{where})")
            elif rms > tol:
                problems.append(f"{name}: pixels differ, RMS {rms:.4g} > tol {tol}{where}")
        elif same_versions:
            problems.append(f"{name}: bytes differ")
    return problems


def _rebuild(root: Path, scratch: Path, cores: int) -> subprocess.CompletedProcess:
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(root / "Snakefile"),
            "--directory",
            str(root),
            "--cores",
            str(cores),
            "--quiet",
            "all",
            "--config",
            f"output_dir={scratch}",
        ],
        capture_output=True,
        text=True,
    )


def _current_hashes(root: Path) -> dict[str, str]:
    from .config import artifact_hashes, load_config_file, load_schema, validate_config

    config = validate_config(
        load_config_file(root / "config.yaml"),
        load_schema(root / "workflow/schemas/config.schema.yaml"),
    )
    return artifact_hashes(config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m natgrad.artifacts", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser(
        "check", help="rebuild into a scratch directory and compare with figures/"
    )
    check.add_argument("--root", default=".", help="repository root (default: .)")
    check.add_argument("--figures", default="figures", help="committed figures, relative to root")
    check.add_argument("--cores", type=int, default=4)
    check.add_argument("--tol", type=float, default=0.5, help="RMS pixel tolerance across versions")
    args = parser.parse_args(argv)

    root = Path(args.root).resolve()
    scratch, diff_dir = root / ".check" / "figures", root / ".check" / "diff"
    if diff_dir.exists():
        shutil.rmtree(diff_dir)
    result = _rebuild(root, scratch, args.cores)
    if result.returncode != 0:
        print(result.stdout[-2000:] + result.stderr[-2000:], file=sys.stderr)
        print("natgrad check: the rebuild failed (see above)", file=sys.stderr)
        return 2
    problems = compare_dirs(
        root / args.figures, scratch, diff_dir, tol=args.tol, current_hashes=_current_hashes(root)
    )
    for line in problems:
        print(f"MISMATCH {line}", file=sys.stderr)
    if problems:
        print(
            f"natgrad check: {len(problems)} problem(s); committed figures are not what "
            "the code and config produce",
            file=sys.stderr,
        )
        return 1
    print(f"natgrad check: every artifact in {args.figures}/ matches a fresh build")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
