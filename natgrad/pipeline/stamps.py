"""Whether a job is stale: its inputs' hash against what its manifests record.

This is the pipeline's one staleness mechanism. Each job's manifest records the
hash of everything the job was made from (:func:`~natgrad.pipeline.manifest.inputs_sha256`:
its code's content and its params). A fresh ``git clone`` gives every file the same
new time and leaves Snakemake no records, so file times cannot say whether a
committed figure is current; that hash can.

The Snakefile gives every job one more input, a stamp file under
``.snakemake/natgrad/stamps/``, and marks the job's tracked code inputs
``ancient()`` (their times count for nothing). :func:`mark` keeps the stamp's
modification time saying what the hashes say: the epoch when the job is current
(never newer than its outputs), newer than every output when it is stale. So
Snakemake's own rule, an output older than an input is rebuilt, reruns exactly
the stale jobs; and nothing but the stamps (under ``.snakemake/``) is ever
written, a dry run included.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from .manifest import sha256_file

__all__ = ["mark"]


def _recorded(manifest: Path) -> dict | None:
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _as_recorded(manifests: Sequence[dict], paths: Sequence[Path], outputs: Sequence[Path]) -> bool:
    """Every output other than the manifests is there, with the sha256 one of them lists."""
    listed = {}
    for data, path in zip(manifests, paths, strict=True):
        out_dir = path.parent.parent  # <out>/manifest/<name>.json lists paths below <out>
        for name, entry in data.get("artifacts", {}).items():
            if isinstance(entry, dict):
                listed[os.path.normpath(out_dir / name)] = entry.get("sha256")
    try:
        return all(
            listed.get(os.path.normpath(p)) == sha256_file(p) for p in outputs if p not in paths
        )
    except OSError:
        return False


def mark(
    stamp: str | Path,
    manifests: Sequence[str | Path],
    digests: Sequence[str],
    outputs: Sequence[str | Path],
) -> str:
    """Set ``stamp``'s time to say whether the job writing ``outputs`` is current.

    The job is current when each manifest records its digest as ``inputs_sha256``
    (one manifest and digest a variant) and the other outputs are the files the
    manifests list (a figure edited by hand is not current). A current job's
    stamp holds the digests and has the epoch as its time; a stale job's is
    newer than each of its outputs. Only the stamp is written, and only when its
    state changes; outputs are read, never touched.

    Parameters
    ----------
    stamp : str or Path
        The job's stamp file (its folder is created).
    manifests, digests : sequences
        Each variant's manifest and the hash of its inputs as they are now.
    outputs : sequence
        Every file the job writes, its manifests included.

    Returns
    -------
    str
        ``"current"`` or ``"stale"``.
    """
    stamp, paths = Path(stamp), [Path(m) for m in manifests]
    outputs = [Path(p) for p in outputs]
    text = "\n".join(digests) + "\n"
    try:
        stamp_time = stamp.stat().st_mtime_ns
        same = stamp.read_text() == text
    except OSError:
        stamp_time, same = None, False
    recorded = [_recorded(p) for p in paths]
    current = all(
        r is not None and r.get("inputs_sha256") == d
        for r, d in zip(recorded, digests, strict=True)
    )
    if current and same and stamp_time == 0:
        return "current"  # as it was found last time: nothing to hash again
    if current and _as_recorded(recorded, paths, outputs):
        _write(stamp, text, 0)
        return "current"
    # Stale: the stamp must be newer than every output, also one written since
    # the stamp was (a checkout of older figures).
    newest = max((p.stat().st_mtime_ns for p in outputs if p.exists()), default=0)
    if not (same and stamp_time is not None and stamp_time > newest):
        _write(stamp, text, max(time.time_ns(), newest + 1_000_000_000))
    return "stale"


def _write(stamp: Path, text: str, when_ns: int) -> None:
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(text)
    os.utime(stamp, ns=(when_ns, when_ns))
