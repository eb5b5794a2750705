"""Artifact checks: a manifest of the built figures, and a check that they are current.

    python -m natgrad.artifacts check [--strict] [--cores 4]
    python -m natgrad.artifacts compare COMMITTED REBUILT [--strict]

``check`` rebuilds every figure into a scratch directory (``.check/figures``)
with the current code and config and compares it with the committed
``figures/``; ``compare`` compares two built directories. Both exit non-zero
naming each file that differs and by how much; diff images go to ``.check/diff/``.

What "reproducible" means here, in two tiers, decided per file from the
manifests (:func:`tier`):

* **bytes**: the file was built with the same pinned versions
  (:func:`~natgrad.pipeline.manifest.versions`) on the same platform
  (:func:`~natgrad.pipeline.manifest.platform_fingerprint`: architecture, numpy's
  dispatched SIMD features, the BLAS/LAPACK libraries and their kernels,
  FreeType; both recorded by :mod:`natgrad.pipeline.manifest`). Every file must match
  byte for byte.
* **tolerance**: anything else. numpy picks SIMD kernels for exp, log and
  reductions, and OpenBLAS its kernels, by CPU at run time, so the last bits
  of computed numbers differ between machines. Data sidecars must then agree
  to :data:`DATA_RTOL` relative to each array's largest magnitude, and each
  PNG pixel must lie within the colours of its neighbourhood in the other
  image (to :data:`PIXEL_LEVELS` levels): antialiased edges may move by a
  fraction of a pixel, nothing may be painted over.

``--strict`` demands bytes whatever the manifests say.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..pipeline.manifest import MANIFEST_DIR, load_manifest, sha256_file

__all__ = [
    "DATA_RTOL",
    "PIXEL_LEVELS",
    "Comparison",
    "tier",
    "compare_data",
    "compare_pixels",
    "compare_dirs",
    "stray_files",
    "missing_text_engine",
    "main",
]

#: Cross-platform tolerance of sidecar numbers, relative to the largest
#: magnitude of the array they belong to (a scalar: to itself). Every stored
#: quantity is computed without catastrophic cancellation (the NLL gap as a KL
#: divergence, KL by log1p/series), so platforms differ by a few ulps times the
#: quantity's condition number. Measured by moving every non-integer float of
#: the config by one ulp (tests/tools/test_artifacts.py), the largest difference is
#: 2.3e-14 (a Monte Carlo mean of the claims table); the largest platform
#: difference reported was 8.9e-14. 1e-9 leaves a margin above 10^4 and is 10^6
#: below a change of 1e-3, which the check must catch. A quantity that is not
#: well-conditioned has no place in a sidecar: RMSProp's path in the Adam figure
#: turns chaotic near the minimum (a last-bit change grows to 1e-2), so that
#: figure stops at 50 steps.
#: Arrays, not entries, set the scale because the rounding error of an iterate
#: or a grid value scales with the data (an iterate converging to 0 keeps the
#: absolute error of its first steps).
DATA_RTOL = 1e-9

#: Cross-platform tolerance of PNG pixels, in levels of 255 per channel, beyond
#: the range of each pixel's neighbourhood in the other image (:func:`compare_pixels`).
PIXEL_LEVELS = 2


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The first key path at which two JSON-like values differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() | b.keys()):
            found = _first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else k)
            if found:
                return found
        return None
    return None if a == b else f"{path or 'value'}: {a!r} vs {b!r}"


def tier(committed: dict, rebuilt: dict, strict: bool = False) -> tuple[str, str]:
    """``("bytes" | "tolerance", why)`` for two manifest entries of one file."""
    if strict:
        return "bytes", "--strict"
    if committed.get("versions") != rebuilt.get("versions"):
        why = _first_difference(committed.get("versions"), rebuilt.get("versions"))
        return "tolerance", f"versions differ ({why})"
    if committed.get("text") != rebuilt.get("text"):
        why = _first_difference(committed.get("text"), rebuilt.get("text"))
        return "tolerance", f"text engine differs ({why})"
    if "platform" not in committed or "platform" not in rebuilt:
        return "tolerance", "platform not recorded in the manifest"
    if committed["platform"] != rebuilt["platform"]:
        why = _first_difference(committed["platform"], rebuilt["platform"])
        return "tolerance", f"platform differs ({why})"
    return "bytes", "same versions and platform"


def _is_number(x: Any) -> bool:
    return x is None or (isinstance(x, int | float) and not isinstance(x, bool))


def _numeric_array(obj: Any) -> bool:
    """A list holding only numbers (None for non-finite) or such lists: one array."""
    return isinstance(obj, list) and all(_is_number(v) or _numeric_array(v) for v in obj)


def _leaves(obj: Any, path: str = "", scale: float | None = None):
    """``(key path, value, scale)`` of every leaf; numbers inside an array carry
    the array's largest finite magnitude as their scale."""
    if isinstance(obj, dict):
        for k in sorted(obj):
            yield from _leaves(obj[k], f"{path}.{k}" if path else k, scale)
    elif isinstance(obj, list):
        if scale is None and _numeric_array(obj):
            flat = [abs(v) for v in _flatten(obj) if v is not None and math.isfinite(v)]
            scale = max(flat, default=0.0)
        for i, v in enumerate(obj):
            yield from _leaves(v, f"{path}[{i}]", scale)
    else:
        yield path, obj, scale


def _flatten(obj: Any):
    for v in obj:
        if isinstance(v, list):
            yield from _flatten(v)
        else:
            yield v


def compare_data(expected: Any, actual: Any, rtol: float = DATA_RTOL) -> list[str]:
    """Differences between two sidecars: structure, strings and integers exactly,
    floats to ``rtol`` relative to their array's largest magnitude (see :data:`DATA_RTOL`).
    """
    a = {k: (v, sc) for k, v, sc in _leaves(expected)}
    b = {k: (v, sc) for k, v, sc in _leaves(actual)}
    problems = [f"{k}: missing" for k in sorted(a.keys() - b.keys())]
    problems += [f"{k}: unexpected" for k in sorted(b.keys() - a.keys())]
    for k in sorted(a.keys() & b.keys()):
        (x, scale), (y, _) = a[k], b[k]
        if isinstance(x, float) and isinstance(y, int | float) and not isinstance(y, bool):
            tol = rtol * (abs(x) if scale is None else scale)
            if not abs(x - y) <= tol:
                rel = abs(x - y) / (scale if scale else abs(x) or 1.0)
                problems.append(f"{k}: {x!r} != {y!r} (relative {rel:.2g} > {rtol:g})")
        elif x != y or type(x) is not type(y):
            problems.append(f"{k}: {x!r} != {y!r}")
    return problems


def _unmatched(a, b, levels: int):
    """Pixels of ``a`` whose colour lies outside, by more than ``levels`` in some
    channel, the range of colours of their 3 x 3 neighbourhood in ``b``."""
    import numpy as np

    h, w = a.shape[:2]
    padded = np.pad(b, ((1, 1), (1, 1), (0, 0)), mode="edge")
    low, high = b.copy(), b.copy()
    for dy in range(3):
        for dx in range(3):
            shifted = padded[dy : dy + h, dx : dx + w]
            np.minimum(low, shifted, out=low)
            np.maximum(high, shifted, out=high)
    return ((a < low - levels) | (a > high + levels)).any(axis=-1)


def compare_pixels(
    expected: Path, actual: Path, diff_dir: Path, levels: int = PIXEL_LEVELS
) -> tuple[float, int, Path | None]:
    """RMS difference (``compare_images``), the number of changed pixels, and the
    diff image (written only when the files differ).

    A pixel is changed when its colour, in some channel, lies outside the range
    of the colours within one pixel of it in the other image, by more than
    ``levels``. An antialiased edge pixel is a blend of its neighbours, so an
    edge that moved by a fraction of a pixel (Agg rounds vertices to 1/256 of a
    pixel, so a last-bit change can move one) or a point snapped to the next
    pixel stays within that range; a pixel painted over, or a line that
    vanished, does not. A size mismatch counts every pixel.
    """
    import numpy as np
    from matplotlib.testing.compare import compare_images
    from PIL import Image

    diff_dir.mkdir(parents=True, exist_ok=True)
    # compare_images writes its diff next to `actual`: work on copies in diff_dir
    exp = diff_dir / f"{actual.stem}-committed.png"
    act = diff_dir / f"{actual.stem}-rebuilt.png"
    shutil.copyfile(expected, exp)
    shutil.copyfile(actual, act)
    with Image.open(exp) as e, Image.open(act) as a:
        ea = np.asarray(e.convert("RGBA"), dtype=np.int16)
        aa = np.asarray(a.convert("RGBA"), dtype=np.int16)
    if ea.shape != aa.shape:
        return math.inf, max(ea.shape[0] * ea.shape[1], aa.shape[0] * aa.shape[1]), None
    changed = int(np.count_nonzero(_unmatched(ea, aa, levels) | _unmatched(aa, ea, levels)))
    # tol=0 so that the RMS is always measured; the caller applies its tolerances
    result = compare_images(str(exp), str(act), tol=0, in_decorator=True)
    if result is None:
        exp.unlink()
        act.unlink()
        return 0.0, changed, None
    return float(result["rms"]), changed, Path(result["diff"])


@dataclass
class Comparison:
    """What :func:`compare_dirs` found: problems, and the tier applied to each file."""

    problems: list[str] = field(default_factory=list)
    tiers: dict[str, tuple[str, str]] = field(default_factory=dict)

    def summary(self) -> list[str]:
        """One line per (tier, reason): how many files were compared that way."""
        counts: dict[tuple[str, str], int] = {}
        for t in self.tiers.values():
            counts[t] = counts.get(t, 0) + 1
        return [
            f"tier {t!r} for {n} file(s): {why}"
            for (t, why), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1]))
        ]


def stray_files(directory: str | Path) -> list[str]:
    """Files below ``directory`` that no manifest lists (and that are not manifests):
    leftovers of interrupted writes, files copied in by hand, outputs of removed rules."""
    directory = Path(directory)
    listed = set(load_manifest(directory))
    out = []
    for p in sorted(directory.rglob("*")):
        rel = p.relative_to(directory).as_posix()
        if p.is_dir() or rel in listed:
            continue
        if rel.startswith(f"{MANIFEST_DIR}/") and rel.count("/") == 1 and rel.endswith(".json"):
            continue
        out.append(rel)
    return out


def compare_dirs(
    committed: str | Path,
    rebuilt: str | Path,
    diff_dir: str | Path,
    *,
    strict: bool = False,
    tol: float = 0.5,
    levels: int = PIXEL_LEVELS,
    rtol: float = DATA_RTOL,
    current_hashes: dict[str, str] | None = None,
    current_inputs: bool = False,
) -> Comparison:
    """Compare committed artifacts with rebuilt ones, each in its tier (:func:`tier`).

    Parameters
    ----------
    committed, rebuilt : path-like
        Output directories holding ``manifest/*.json`` and the files listed there.
    diff_dir : path-like
        Where diff images are written.
    strict : bool
        Demand identical bytes whatever the manifests say.
    tol : float
        RMS pixel tolerance (of 255) in the tolerance tier; only binding when the
        versions differ, since ``levels`` bounds it otherwise.
    levels : int
        Pixel tolerance per channel in the tolerance tier, when the versions are
        the same; with other versions (FreeType, matplotlib) glyphs change and
        only the RMS is compared.
    rtol : float
        Data tolerance in the tolerance tier (see :data:`DATA_RTOL`).
    current_hashes : dict, optional
        Figure -> hash of its current config; a committed figure whose recorded
        hash differs is reported as stale.
    current_inputs : bool
        ``rebuilt`` was built from the current checkout: a committed file whose
        job's recorded inputs (code, style, config: ``inputs_sha256``) differ
        from the rebuild's is stale, even if it draws the same. A fresh clone
        rebuilds nothing only when every manifest records its current inputs.
    """
    committed, rebuilt, diff_dir = Path(committed), Path(rebuilt), Path(diff_dir)
    out = Comparison()
    problems = out.problems
    try:
        old_a = load_manifest(committed)
    except (OSError, ValueError, KeyError) as err:
        problems.append(f"{committed / MANIFEST_DIR}: cannot read the committed manifest ({err})")
        return out
    if not old_a:
        problems.append(f"{committed / MANIFEST_DIR}: no committed manifest")
        return out
    new_a = load_manifest(rebuilt)
    for name in stray_files(committed):
        problems.append(f"{name}: stray file: no rule produces it (delete it)")
    for name in sorted(old_a.keys() - new_a.keys()):
        problems.append(f"{name}: committed but no longer built")
    for name in sorted(new_a.keys() - old_a.keys()):
        problems.append(f"{name}: built but not committed")
    for name in sorted(old_a.keys() & new_a.keys()):
        entry = old_a[name]
        figure = entry["figure"]
        applied, why = tier(entry, new_a[name], strict)
        out.tiers[name] = (applied, why)
        exact = applied == "bytes"
        if current_hashes and current_hashes.get(figure) != entry["config_sha256"]:
            problems.append(
                f"{name}: stale: config of figure {figure} changed since it was built "
                "(run snakemake --cores 4 and commit figures/)"
            )
        elif current_inputs and entry.get("inputs_sha256") != new_a[name].get("inputs_sha256"):
            problems.append(
                f"{name}: stale: the code or style behind figure {figure} changed since it "
                "was built, so a fresh clone would redraw it (run snakemake --cores 4 and "
                "commit figures/)"
            )
        if entry.get("text", {}).get("engine", "mathtext") != new_a[name].get("text", {}).get(
            "engine", "mathtext"
        ):
            problems.append(
                f"{name}: drawn with {entry.get('text', {}).get('engine', 'mathtext')}, "
                f"rebuilt with {new_a[name].get('text', {}).get('engine', 'mathtext')}: "
                "two text engines are not compared"
            )
            continue
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
                json.loads(path.read_text()), json.loads((rebuilt / name).read_text()), rtol
            )
            if diffs:
                more = f" (+{len(diffs) - 3} more)" if len(diffs) > 3 else ""
                problems.append(f"{name}: data differs: {'; '.join(diffs[:3])}{more}")
            elif exact:
                problems.append(f"{name}: bytes differ (numbers within {rtol:g})")
        elif name.endswith(".png"):
            rms, off, diff = compare_pixels(path, rebuilt / name, diff_dir, levels)
            where = f", diff image {diff}" if diff else ""
            same_versions = entry.get("versions") == new_a[name].get("versions")
            if exact:
                problems.append(
                    f"{name}: bytes differ (pixel RMS {rms:.4g}, {off} pixel(s) changed{where})"
                )
            elif rms > tol:
                problems.append(f"{name}: pixels differ, RMS {rms:.4g} > tol {tol}{where}")
            elif same_versions and off:
                problems.append(
                    f"{name}: pixels differ: {off} pixel(s) outside their neighbourhood's "
                    f"colours by more than {levels} levels (RMS {rms:.4g}){where}"
                )
        elif exact:
            problems.append(f"{name}: bytes differ")
    return out


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


def missing_text_engine(committed: str | Path) -> str | None:
    """Why this machine cannot rebuild ``committed`` with the text engine it was
    drawn with, or None. A figure drawn with LaTeX is checked against a LaTeX
    rebuild only: mathtext draws another figure."""
    from ..drawing.style import LATEX_PACKAGES, latex_available

    try:
        entries = load_manifest(committed)
    except (OSError, ValueError, KeyError):
        return None  # compare_dirs reports an unreadable manifest
    with_latex = sorted(n for n, e in entries.items() if e.get("text", {}).get("engine") == "latex")
    if not with_latex or latex_available():
        return None
    tex = entries[with_latex[0]]["text"].get("latex", "LaTeX")
    return (
        f"{len(with_latex)} file(s) of {Path(committed).name}/ were drawn with LaTeX ({tex}) "
        "and this machine has no LaTeX (latex and dvipng); install it (Debian: apt-get "
        f"install {LATEX_PACKAGES}): a mathtext rebuild is not the same figure"
    )


def _current_hashes(root: Path) -> dict[str, str]:
    from ..pipeline.config import artifact_hashes, load_config_file, load_schema, validate_config

    config = validate_config(
        load_config_file(root / "config.yaml"),
        load_schema(root / "workflow/schemas/config.schema.yaml"),
    )
    return artifact_hashes(config)


def _report(comparison: Comparison, what: str) -> int:
    for line in comparison.summary():
        print(f"natgrad {what}: {line}")
    for line in comparison.problems:
        print(f"MISMATCH {line}", file=sys.stderr)
    if comparison.problems:
        print(
            f"natgrad {what}: {len(comparison.problems)} problem(s); committed figures are not "
            "what the code and config produce",
            file=sys.stderr,
        )
        return 1
    return 0


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
    compare = sub.add_parser("compare", help="compare two built output directories")
    compare.add_argument("committed", help="the reference, e.g. figures")
    compare.add_argument("rebuilt", help="the other build, e.g. a CI artifact")
    compare.add_argument("--diff-dir", default=".check/diff", help="where diff images go")
    for p in (check, compare):
        p.add_argument(
            "--strict", action="store_true", help="demand identical bytes on any platform"
        )
        p.add_argument(
            "--tol", type=float, default=0.5, help="RMS pixel tolerance (of 255) across versions"
        )
        p.add_argument(
            "--levels",
            type=int,
            default=PIXEL_LEVELS,
            help=f"pixel tolerance per channel across platforms (default {PIXEL_LEVELS})",
        )
        p.add_argument(
            "--rtol",
            type=float,
            default=DATA_RTOL,
            help=f"data tolerance across platforms (default {DATA_RTOL:g})",
        )
    args = parser.parse_args(argv)
    options = {"strict": args.strict, "tol": args.tol, "levels": args.levels, "rtol": args.rtol}

    if args.command == "compare":
        comparison = compare_dirs(args.committed, args.rebuilt, Path(args.diff_dir), **options)
        status = _report(comparison, "compare")
        if not status:
            print(f"natgrad compare: every artifact in {args.committed} matches {args.rebuilt}")
        return status

    root = Path(args.root).resolve()
    missing = missing_text_engine(root / args.figures)
    if missing:
        print(f"natgrad check: {missing}", file=sys.stderr)
        return 2
    scratch, diff_dir = root / ".check" / "figures", root / ".check" / "diff"
    if diff_dir.exists():
        shutil.rmtree(diff_dir)
    result = _rebuild(root, scratch, args.cores)
    if result.returncode != 0 and result.stderr.count("\n") <= 2 and "natgrad:" in result.stderr:
        # the config's own one-line error (Snakefile), before any job
        print(f"natgrad check: {result.stderr.strip()}", file=sys.stderr)
        return 2
    if result.returncode != 0:
        print(result.stdout[-2000:] + result.stderr[-2000:], file=sys.stderr)
        print("natgrad check: the rebuild failed (see above)", file=sys.stderr)
        return 2
    comparison = compare_dirs(
        root / args.figures,
        scratch,
        diff_dir,
        current_hashes=_current_hashes(root),
        current_inputs=True,
        **options,
    )
    status = _report(comparison, "check")
    if not status:
        print(f"natgrad check: every artifact in {args.figures}/ matches a fresh build")
    return status
