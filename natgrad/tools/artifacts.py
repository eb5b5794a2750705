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
import hashlib
import json
import math
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..pipeline.manifest import MANIFEST_DIR, png_size
from ..pipeline.messages import escape

__all__ = [
    "DATA_RTOL",
    "PIXEL_LEVELS",
    "MAX_PIXELS",
    "MAX_MANIFEST_BYTES",
    "MAX_SIDECAR_BYTES",
    "Comparison",
    "ManifestError",
    "read_manifests",
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

#: The most pixels a side a PNG may have to be decoded: the config's own limit
#: (``x-max-pixels`` in the schema), read from the PNG's header before decoding.
MAX_PIXELS = 10000
#: The most pixels in all: the comparison holds about six int16 RGBA copies of
#: each image (8 bytes a pixel each), so 16 million pixels (the published
#: figures have about one million) keep it under a gigabyte; a larger image is
#: named, never decoded (Pillow would stop at 89 million with a traceback).
MAX_AREA = 16_000_000
#: A manifest is a few kilobytes; anything above a megabyte is not one.
MAX_MANIFEST_BYTES = 1 << 20
#: The largest sidecar is about 100 KB; 64 MB bounds what ``json.loads`` may hold.
MAX_SIDECAR_BYTES = 64 << 20

_SHA256 = re.compile(r"[0-9a-f]{64}")
# What a manifest's optional records must be, when present.
_RECORDS = {"versions": dict, "platform": dict, "text": dict, "inputs_sha256": str}


class ManifestError(ValueError):
    """A manifest that cannot be trusted: one line naming its file and what is wrong."""


def _kind(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (a symlink is named as one,
    with its target, even when it leads to a regular file), or None."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError as err:
        return f"unreadable ({err.strerror})"
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISLNK(st.st_mode):
        return f"a symlink (to {escape(os.readlink(path))})"
    if stat.S_ISDIR(st.st_mode):
        return "a directory"
    if stat.S_ISFIFO(st.st_mode):
        return "a FIFO"
    if stat.S_ISSOCK(st.st_mode):
        return "a socket"
    return "a device"


def _artifact_kind(tree: Path, name: str) -> tuple[Path, str | None]:
    """Where artifact ``name`` of ``tree`` stops being a regular file of the tree's own,
    and what is there: ``(the artifact, its _kind)``, or ``(a folder on its way, its
    kind)`` when that folder is not a folder of the tree (a symlink to another tree's
    folder would vouch for that tree's files)."""
    folder = tree
    for part in Path(name).parts[:-1]:
        folder = folder / part
        kind = _kind(folder)
        if kind != "a directory":
            return folder, kind or "a file"
    return tree / name, _kind(tree / name)


def _name_problem(name: Any) -> str | None:
    """Why ``name`` is not an artifact path inside an output directory, or None."""
    if not isinstance(name, str) or not name:
        return f"artifact name {escape(repr(name))} is not a non-empty string"
    if name.startswith("/") or "\\" in name or re.match(r"[A-Za-z]:", name):
        return f"artifact '{escape(name)}' is an absolute path; names are relative to the folder"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return f"artifact '{escape(name)}' has an empty, '.' or '..' part; it must stay inside"
    if not name.isprintable():
        return f"artifact '{escape(name)}' has control characters in its name"
    if parts[0] == MANIFEST_DIR:
        return f"artifact '{escape(name)}' is inside {MANIFEST_DIR}/, where only manifests go"
    return None


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "is not a mapping"
    if not isinstance(entry.get("figure"), str):
        return "has no 'figure' (a string)"
    if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
        return "has no 'sha256' (64 lowercase hex digits)"
    if not isinstance(entry.get("config_sha256", ""), str):
        return "has a 'config_sha256' that is not a string"
    return None


def _read_fragment(fragment: Path) -> dict:
    """One manifest file, checked for shape; :class:`ManifestError` otherwise."""
    kind = _kind(fragment)
    if kind:
        raise ManifestError(
            f"{escape(str(fragment))}: is {kind}, not a regular file; a manifest must be one"
        )
    if fragment.stat().st_size > MAX_MANIFEST_BYTES:
        raise ManifestError(
            f"{escape(str(fragment))}: {fragment.stat().st_size} bytes, more than a manifest's "
            f"{MAX_MANIFEST_BYTES} (1 MB); not read"
        )
    try:
        data = json.loads(fragment.read_bytes()[: MAX_MANIFEST_BYTES + 1].decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ManifestError(f"{escape(str(fragment))}: not UTF-8 (byte {err.start})") from None
    except RecursionError:
        raise ManifestError(f"{escape(str(fragment))}: nested too deep to be a manifest") from None
    except ValueError as err:
        raise ManifestError(
            f"{escape(str(fragment))}: not valid JSON ({escape(str(err))})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), dict):
        raise ManifestError(
            f"{escape(str(fragment))}: not a manifest: no 'artifacts' mapping at its top level"
        )
    for key, kind_of in _RECORDS.items():
        if key in data and not isinstance(data[key], kind_of):
            raise ManifestError(f"{escape(str(fragment))}: '{key}' is not a {kind_of.__name__}")
    for name, entry in data["artifacts"].items():
        problem = _name_problem(name) or _entry_problem(entry)
        if problem:
            where = "" if problem.startswith("artifact") else f"entry '{escape(name)}' "
            raise ManifestError(f"{escape(str(fragment))}: {where}{problem}")
    return data


def read_manifests(directory: str | Path) -> dict[str, dict]:
    """Every artifact recorded in ``<directory>/manifest/*.json``, each with the
    versions, platform, text engine and inputs of the job that built it
    (as :func:`natgrad.pipeline.manifest.load_manifest`), each manifest checked first.

    Raises
    ------
    ManifestError
        One line naming the file: a manifest (or the manifest folder) that is a
        symlink or not a regular file, larger than :data:`MAX_MANIFEST_BYTES`,
        not UTF-8 JSON, without an ``artifacts`` mapping, with an entry lacking
        ``figure`` or a ``sha256`` of 64 hex digits, naming an absolute path, a
        ``..`` or control characters, or an artifact another manifest lists too.
    """
    folder = Path(directory) / MANIFEST_DIR
    kind = _kind(folder)
    if kind == "missing":
        return {}
    if kind != "a directory":
        raise ManifestError(
            f"{escape(str(folder))}: is {kind or 'a file'}, not the folder of manifests"
        )
    entries: dict[str, dict] = {}
    owner: dict[str, Path] = {}
    for fragment in sorted(folder.iterdir()):
        if not fragment.name.endswith(".json"):
            continue  # stray_files names it
        data = _read_fragment(fragment)
        built_by = {k: data[k] for k in _RECORDS if k in data}
        for name, entry in data["artifacts"].items():
            if name in owner:
                raise ManifestError(
                    f"{escape(str(fragment))}: {name!r} is listed in {owner[name].name} too"
                )
            owner[name] = fragment
            entries[name] = {**entry, **built_by}
    return entries


def _sha256(path: Path) -> str:
    """sha256 of a regular file, read in blocks (a large file is not held in memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _png_problem(path: Path) -> str | None:
    """Why ``path`` cannot be decoded for the pixel comparison, from its header alone."""
    try:
        size = png_size(path)
    except (OSError, struct.error):
        size = None
    if size is None:
        return "is not a PNG (no PNG header)"
    w, h = size
    if w > MAX_PIXELS or h > MAX_PIXELS or w * h > MAX_AREA:
        return (
            f"is {w} x {h} pixels, beyond the {MAX_PIXELS} a side and {MAX_AREA} in all "
            "that the check decodes; not compared"
        )
    return None


def _first_difference(a: Any, b: Any, path: str = "", sides=("committed", "rebuilt")) -> str | None:
    """The first key path at which two JSON-like values differ, with both values,
    each named by its side (``sides``: what ``a`` and ``b`` are)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() | b.keys()):
            found = _first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else k, sides)
            if found:
                return found
        return None
    if a == b:
        return None
    return f"{path or 'value'}: {sides[0]} {escape(repr(a))}, {sides[1]} {escape(repr(b))}"


def tier(
    committed: dict, rebuilt: dict, strict: bool = False, sides=("committed", "rebuilt")
) -> tuple[str, str]:
    """``("bytes" | "tolerance", why)`` for two manifest entries of one file.

    ``sides`` names the two builds in ``why`` (the check: the committed build
    and the fresh one), so a difference says which build has which value.
    """
    if strict:
        return "bytes", "--strict"
    if committed.get("versions") != rebuilt.get("versions"):
        why = _first_difference(committed.get("versions"), rebuilt.get("versions"), "", sides)
        return "tolerance", f"versions differ ({why})"
    if committed.get("text") != rebuilt.get("text"):
        why = _first_difference(committed.get("text"), rebuilt.get("text"), "", sides)
        return "tolerance", f"text engine differs ({why})"
    if "platform" not in committed or "platform" not in rebuilt:
        return "tolerance", "platform not recorded in the manifest"
    if committed["platform"] != rebuilt["platform"]:
        why = _first_difference(committed["platform"], rebuilt["platform"], "", sides)
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
    # Pillow's ImageFilter.MinFilter(3)/MaxFilter(3) give the same bounds (edges
    # replicated too; checked on random RGBA images), but its rank filter sorts
    # each window: 1.5 to 2.0 s for a 2000 x 800 RGBA image against 0.1 to 0.8 s
    # for these nine shifted views (2026-12-07, loaded machine, noisy). Kept.
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

    Both images' sizes are read from their headers first: one that is not a PNG,
    or larger than :data:`MAX_PIXELS` a side or :data:`MAX_AREA` in all, raises
    ValueError naming it, undecoded; two sizes that differ count every pixel,
    undecoded.

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

    for path in (expected, actual):
        problem = _png_problem(Path(path))
        if problem:
            raise ValueError(f"{path}: {problem}")
    (ew, eh), (aw, ah) = png_size(expected), png_size(actual)
    if (ew, eh) != (aw, ah):
        return math.inf, max(ew * eh, aw * ah), None
    diff_dir.mkdir(parents=True, exist_ok=True)
    # compare_images writes its diff next to `actual`: work on copies in diff_dir
    exp = diff_dir / f"{actual.stem}-committed.png"
    act = diff_dir / f"{actual.stem}-rebuilt.png"
    shutil.copyfile(expected, exp)
    shutil.copyfile(actual, act)
    try:
        with Image.open(exp) as e, Image.open(act) as a:
            ea = np.asarray(e.convert("RGBA"), dtype=np.int16)
            aa = np.asarray(a.convert("RGBA"), dtype=np.int16)
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        # a header that passed, over data that does not decode
        exp.unlink()
        act.unlink()
        raise ValueError(
            f"{expected} or {actual}: cannot be decoded ({escape(str(err))})"
        ) from None
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
    leftovers of interrupted writes, files copied in by hand, outputs of removed rules.
    Symlinks are not followed (a symlinked folder is one stray entry)."""
    directory = Path(directory)
    listed = set(read_manifests(directory))
    out = []
    for top, dirs, files in os.walk(directory):
        here = Path(top)
        links = [d for d in dirs if (here / d).is_symlink()]
        for name in [*files, *links]:
            rel = (here / name).relative_to(directory).as_posix()
            if rel in listed:
                continue
            if rel.startswith(f"{MANIFEST_DIR}/") and rel.count("/") == 1 and rel.endswith(".json"):
                continue
            out.append(escape(rel))
    return sorted(out)


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
    sides: tuple[str, str] = ("committed", "rebuilt"),
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
    sides : (str, str)
        What the two builds are called where a tier's reason names their values.

    Every file either manifest lists is read: each must be a regular file (a
    symlink, even to the same bytes, is named), match its own manifest's sha256,
    and the two files are compared by content. A manifest of any other shape
    (:func:`read_manifests`) is the one problem reported.
    """
    committed, rebuilt, diff_dir = Path(committed), Path(rebuilt), Path(diff_dir)
    out = Comparison()
    problems = out.problems
    try:
        old_a = read_manifests(committed)
        new_a = read_manifests(rebuilt)
    except ManifestError as err:
        problems.append(str(err))
        return out
    if not old_a:
        problems.append(f"{committed / MANIFEST_DIR}: no committed manifest")
        return out
    for name in stray_files(committed):
        problems.append(f"{name}: stray file: no rule produces it (delete it)")
    for name in sorted(old_a.keys() - new_a.keys()):
        problems.append(f"{name}: committed but no longer built")
    for name in sorted(new_a.keys() - old_a.keys()):
        problems.append(f"{name}: built but not committed")
    for name in sorted(old_a.keys() & new_a.keys()):
        entry, other = old_a[name], new_a[name]
        figure = escape(entry["figure"])
        applied, why = tier(entry, other, strict, sides)
        out.tiers[name] = (applied, why)
        exact = applied == "bytes"
        if current_hashes and current_hashes.get(entry["figure"]) != entry.get("config_sha256"):
            problems.append(
                f"{name}: stale: config of figure {figure} changed since it was built "
                "(run snakemake --cores 4 and commit figures/)"
            )
        elif current_inputs and entry.get("inputs_sha256") != other.get("inputs_sha256"):
            problems.append(
                f"{name}: stale: the code or style behind figure {figure} changed since it "
                "was built, so a fresh clone would redraw it (run snakemake --cores 4 and "
                "commit figures/)"
            )
        engines = [str(e.get("text", {}).get("engine", "mathtext")) for e in (entry, other)]
        if engines[0] != engines[1]:
            problems.append(
                f"{name}: drawn with {escape(engines[0])}, rebuilt with {escape(engines[1])}: "
                "two text engines are not compared"
            )
            continue
        # Both trees are read: each file must be a regular file matching its own
        # manifest, and the two files are compared, never a manifest's word for one.
        digests = []
        for side, path, recorded in ((committed, committed / name, entry),
                                     (rebuilt, rebuilt / name, other)):  # fmt: skip
            where, kind = _artifact_kind(side, name)
            if kind == "missing":
                problems.append(f"{name}: listed in {side}'s manifest but missing from {side}")
            elif where != path:
                problems.append(
                    f"{escape(str(path))}: is below {escape(str(where))}, which is {kind}; an "
                    "artifact must be a regular file of its own tree"
                )
            elif kind:
                problems.append(
                    f"{escape(str(path))}: is {kind}, not a regular file; an artifact must be one"
                )
            else:
                digests.append(_sha256(path))
                if digests[-1] != recorded["sha256"]:
                    # the committed tree's line as it always was; the other names its tree
                    where = "" if side == committed else f"the file in {escape(str(side))} "
                    problems.append(
                        f"{name}: {where}does not match its manifest entry (edited by hand?)"
                    )
        if len(digests) < 2 or digests[0] == digests[1]:
            continue
        path = committed / name
        if name.endswith(".json"):
            problems.extend(_compare_sidecars(name, path, rebuilt / name, rtol, exact))
        elif name.endswith(".png"):
            try:
                rms, off, diff = compare_pixels(path, rebuilt / name, diff_dir, levels)
            except ValueError as err:
                problems.append(str(err))
                continue
            where = f", diff image {diff}" if diff else ""
            same_versions = entry.get("versions") == other.get("versions")
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


def _read_sidecar(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_SIDECAR_BYTES:
        raise ValueError(f"{size} bytes, more than a sidecar's {MAX_SIDECAR_BYTES} (64 MB)")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 (byte {err.start})") from None
    except RecursionError:
        raise ValueError("nested too deep") from None
    except ValueError as err:
        raise ValueError(f"not valid JSON ({err})") from None


def _compare_sidecars(name: str, a: Path, b: Path, rtol: float, exact: bool) -> list[str]:
    """The problems of two differing sidecars, each one line."""
    try:
        diffs = compare_data(_read_sidecar(a), _read_sidecar(b), rtol)
    except ValueError as err:
        return [f"{name}: cannot be compared: {escape(str(err))}"]
    except RecursionError:
        return [f"{name}: cannot be compared: nested too deep"]
    if diffs:
        more = f" (+{len(diffs) - 3} more)" if len(diffs) > 3 else ""
        return [f"{name}: data differs: {escape('; '.join(diffs[:3]))}{more}"]
    if exact:
        return [f"{name}: bytes differ (numbers within {rtol:g})"]
    return []


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
            "all",
            "--cores",
            str(cores),
            # not ``--quiet`` alone: its default, ``all``, also silences a Snakefile's
            # SyntaxError, which the user then never sees
            "--quiet",
            "host",
            "progress",
            "rules",
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
        entries = read_manifests(committed)
    except ManifestError:
        return None  # compare_dirs reports it
    with_latex = sorted(n for n, e in entries.items() if e.get("text", {}).get("engine") == "latex")
    if not with_latex or latex_available():
        return None
    tex = escape(str(entries[with_latex[0]]["text"].get("latex", "LaTeX")))
    return (
        f"{len(with_latex)} file(s) of {Path(committed).name}/ were drawn with LaTeX ({tex}) "
        "and this machine has no LaTeX (latex and dvipng); install it (Debian: apt-get "
        f"install {LATEX_PACKAGES}): a mathtext rebuild is not the same figure"
    )


def _current_hashes(root: Path) -> dict[str, str]:
    from ..pipeline.config import load_config_file, load_schema
    from ..pipeline.jobs import artifact_hashes
    from ..pipeline.validate import validate_config

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


def command_line() -> argparse.ArgumentParser:
    """The command line of ``python -m natgrad.artifacts``: ``check`` and ``compare``."""
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = command_line()
    args = parser.parse_args(argv)
    options = {"strict": args.strict, "tol": args.tol, "levels": args.levels, "rtol": args.rtol}

    if args.command == "compare":
        for folder in (args.committed, args.rebuilt):
            kind = _kind(Path(folder))
            if kind != "a directory":
                what = "does not exist" if kind == "missing" else f"is {kind or 'a file'}"
                print(
                    f"natgrad compare: {escape(folder)} {what}; give two output folders",
                    file=sys.stderr,
                )
                return 2
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
    said = [ln for ln in result.stderr.splitlines() if ln.startswith("natgrad: ")]
    if result.returncode != 0 and len(said) == 1 and result.stderr.count("\n") <= 2:
        # the config's own one-line error (Snakefile), before any job
        print(f"natgrad check: {said[0]}", file=sys.stderr)
        return 2
    if result.returncode != 0:
        shown = escape(result.stdout[-2000:] + result.stderr[-2000:]).replace("\\n", "\n")
        print(shown or "(Snakemake printed nothing)", file=sys.stderr)
        print("natgrad check: the rebuild failed (see above)", file=sys.stderr)
        return 2
    return check_rebuilt(root, args.figures, scratch, diff_dir, **options)


def check_rebuilt(
    root: Path, figures: str | Path, scratch: Path, diff_dir: Path, **options: Any
) -> int:
    """The check's verdict once the rebuild is in ``scratch``: ``root``/``figures``
    (the committed build) against it, stale where the config or the inputs of
    ``root`` are not what the committed manifests record; printed, and the exit
    status (0: every artifact matches)."""
    comparison = compare_dirs(
        root / figures,
        scratch,
        diff_dir,
        current_hashes=_current_hashes(root),
        current_inputs=True,
        sides=("committed build", "fresh build"),
        **options,
    )
    status = _report(comparison, "check")
    if not status:
        print(f"natgrad check: every artifact in {figures}/ matches a fresh build")
    return status
