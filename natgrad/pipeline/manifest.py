"""The manifest of built artifacts: what each job wrote, from which config, with what.

Each figure's job writes ``<output dir>/manifest/<figure>.json`` for its own
files, so an edit reruns one job. :mod:`natgrad.artifacts` reads the manifests
to check the committed figures against a rebuild.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_DIR",
    "versions",
    "text_engine",
    "platform_fingerprint",
    "inputs_sha256",
    "sha256_file",
    "png_size",
    "build_manifest",
    "write_manifest",
    "load_manifest",
]

#: Folder (inside an output directory) of per-figure manifests: each job writes
#: its own, so editing one figure's config reruns exactly one job.
MANIFEST_DIR = "manifest"


def text_engine(usetex: bool) -> dict[str, str]:
    """Which engine set a figure's text: ``{"engine": "mathtext"}``, or LaTeX with
    the first line each of its programs prints of its version (the TeX
    distribution is named there, e.g. ``TeX Live 2022/Debian``).

    LaTeX's output differs between distributions and versions, so two builds
    compare byte for byte only when these agree (:func:`natgrad.artifacts.tier`).
    """
    if not usetex:
        return {"engine": "mathtext"}
    import subprocess

    out = {"engine": "latex"}
    for program in ("latex", "dvipng"):
        try:
            printed = subprocess.run(
                [program, "--version"], capture_output=True, text=True, check=True
            ).stdout
        except (OSError, subprocess.CalledProcessError) as err:
            printed = f"unknown ({err})"
        out[program] = printed.splitlines()[0].strip() if printed.strip() else "unknown"
    return out


def versions() -> dict[str, str]:
    """Versions of what determines a figure's bytes (the text engine aside)."""
    import matplotlib
    import matplotlib.ft2font
    import numpy
    import PIL

    from .. import __version__

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
    import numpy
    import threadpoolctl

    simd = numpy.show_config(mode="dicts")["SIMD Extensions"]

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
            "baseline": list(simd["baseline"]),
            "dispatched": list(simd.get("found", [])),
        },
        "blas": blas,
        "freetype": matplotlib.ft2font.__freetype_version__,
    }


def sha256_file(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def inputs_sha256(files: Iterable[str | Path], params: str, root: str | Path = ".") -> str:
    """sha256 of everything a job is made from: each input file's path (relative to
    ``root``, the checkout, so that the working directory does not matter) and
    content, and its params (the job's JSON).

    Recorded in the job's manifest, so that whether a committed figure is current
    can be told from content alone: a fresh ``git clone`` gives every file the
    same new time, and has none of Snakemake's records.
    """
    import os

    root = Path(root).resolve()
    cwd = os.getcwd()
    h = hashlib.sha256()
    named = sorted((_name(str(f), root, cwd), f) for f in files)
    for name, f in named:
        h.update(f"{name}\0{_sha256_of(str(f), *_stamp(f))}\0".encode())
    h.update(params.encode())
    return h.hexdigest()


@cache
def _name(path: str, root: Path, cwd: str) -> str:
    """``path`` (from ``cwd``) relative to ``root``, links resolved, once per process:
    the Snakefile names the modules every figure job shares once per job, and
    resolving a path costs a system call per folder of it. :func:`forget` forgets."""
    import os

    return Path(os.path.relpath(Path(cwd, path).resolve(), root)).as_posix()


def forget() -> None:
    """Forget the paths named so far (:func:`_name`): a file may since have become a
    link (the live previews ask again before each update)."""
    _name.cache_clear()


def _stamp(path: str) -> tuple[int, int]:
    st = Path(path).stat()
    return st.st_mtime_ns, st.st_size


@cache
def _sha256_of(path: str, mtime_ns: int, size: int) -> str:
    """:func:`sha256_file`, once per version of a file in this process: the Snakefile
    hashes the modules every figure job shares once per job."""
    return sha256_file(path)


def png_size(path: str | Path) -> list[int] | None:
    """``[width, height]`` of a PNG from its header, or None for other files.

    Pillow's PNG reader reads the header only (the pixels would be decoded on
    first use, which never comes), and so does not refuse a huge size as
    ``Image.open`` does: the artifact check names a PNG too large to compare by
    the size read here. A PNG cut short raises OSError, as an unreadable file does.
    """
    from PIL import PngImagePlugin

    try:
        with PngImagePlugin.PngImageFile(path) as image:
            return list(image.size)
    except SyntaxError:  # Pillow's "not a PNG file" (or a header cut short)
        return None


def build_manifest(
    out_dir: str | Path,
    artifacts: dict[str, Iterable[str | Path]],
    config_hashes: dict[str, str],
    *,
    usetex: bool | None = None,
    inputs: str | None = None,
) -> dict[str, Any]:
    """The manifest of ``artifacts`` (figure name -> its files, relative to ``out_dir``).

    Parameters
    ----------
    usetex : bool or None
        The text engine the figures were drawn with; None for files without text
        (the claims table).
    inputs : str or None
        :func:`inputs_sha256` of the job that wrote them.

    Returns
    -------
    dict
        ``{"versions": ..., "platform": ..., "text": ..., "inputs_sha256": ...,
        "artifacts": {relative path: {figure, sha256, pixels, config_sha256}}}``
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
    manifest = {"versions": versions(), "platform": platform_fingerprint()}
    if usetex is not None:
        manifest["text"] = text_engine(usetex)
    if inputs is not None:
        manifest["inputs_sha256"] = inputs
    return {**manifest, "artifacts": dict(sorted(entries.items()))}


def write_manifest(
    out_dir: str | Path,
    figure: str,
    files: Iterable[str | Path],
    config_hash: str,
    **recorded,
) -> dict[str, Any]:
    """Write ``<out_dir>/manifest/<figure>.json`` for ``files`` (paths below ``out_dir``);
    ``recorded`` as for :func:`build_manifest` (``usetex``, ``inputs``)."""
    from .io import write_json

    out_dir = Path(out_dir)
    rel = [Path(f).resolve().relative_to(out_dir.resolve()).as_posix() for f in files]
    manifest = build_manifest(out_dir, {figure: rel}, {figure: config_hash}, **recorded)
    (out_dir / MANIFEST_DIR).mkdir(exist_ok=True)
    write_json(manifest, out_dir / MANIFEST_DIR / f"{figure}.json")
    return manifest


def load_manifest(directory: str | Path) -> dict[str, dict]:
    """Every artifact recorded in ``<directory>/manifest/*.json``, each with the
    versions, platform, text engine and inputs (when recorded) of the job that built it."""
    entries = {}
    for fragment in sorted((Path(directory) / MANIFEST_DIR).glob("*.json")):
        data = json.loads(fragment.read_text())
        built_by = {
            k: data[k] for k in ("versions", "platform", "text", "inputs_sha256") if k in data
        }
        for name, entry in data["artifacts"].items():
            entries[name] = {**entry, **built_by}
    return entries
