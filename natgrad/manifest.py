"""The manifest of built artifacts: what each job wrote, from which config, with what.

Each figure's job writes ``<output dir>/manifest/<figure>.json`` for its own
files, so an edit reruns one job. :mod:`natgrad.artifacts` reads the manifests
to check the committed figures against a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_DIR",
    "versions",
    "platform_fingerprint",
    "sha256_file",
    "png_size",
    "build_manifest",
    "write_manifest",
    "load_manifest",
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


def platform_fingerprint() -> dict[str, Any]:
    """What, beyond the versions, decides the last bits of a figure built here.

    The architecture, the SIMD features numpy dispatches to on this CPU (after
    ``NPY_DISABLE_CPU_FEATURES``), every BLAS/LAPACK library loaded in this
    process with the kernel it chose (threadpoolctl; the kernel follows the CPU
    and ``OPENBLAS_CORETYPE``), and FreeType. Paths are left out: two clones on
    one machine have the same fingerprint.
    """
    import platform

    import matplotlib.ft2font
    import threadpoolctl
    from numpy._core._multiarray_umath import (
        __cpu_baseline__,
        __cpu_dispatch__,
        __cpu_features__,
    )

    blas = sorted(
        (
            {
                "api": lib.get("internal_api"),
                "library": lib.get("prefix"),
                "version": lib.get("version"),
                "kernel": lib.get("architecture"),
            }
            for lib in threadpoolctl.threadpool_info()
            if lib.get("user_api") == "blas"
        ),
        key=lambda d: json.dumps(d, sort_keys=True),
    )
    return {
        "machine": platform.machine(),
        "system": platform.system(),
        "numpy_simd": {
            "baseline": list(__cpu_baseline__),
            "dispatched": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
        },
        "blas": blas,
        "freetype": matplotlib.ft2font.__freetype_version__,
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
        ``{"versions": ..., "platform": ..., "artifacts": {relative path:
        {figure, sha256, pixels, config_sha256}}}``
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
    return {
        "versions": versions(),
        "platform": platform_fingerprint(),
        "artifacts": dict(sorted(entries.items())),
    }


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
    """Every artifact recorded in ``<directory>/manifest/*.json``, each with the
    versions and platform (when recorded) of the job that built it."""
    entries = {}
    for fragment in sorted((Path(directory) / MANIFEST_DIR).glob("*.json")):
        data = json.loads(fragment.read_text())
        built_by = {k: data[k] for k in ("versions", "platform") if k in data}
        for name, entry in data["artifacts"].items():
            entries[name] = {**entry, **built_by}
    return entries
