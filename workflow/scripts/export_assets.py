"""Snakemake adapter: copy the post's figures into the blog's assets folder, nothing else."""

import sys

sys.stderr = open(snakemake.log[0], "w")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.pipeline.io import atomic_write  # noqa: E402

dest = Path(snakemake.params.dest)
for src in map(Path, snakemake.input.figures):
    atomic_write(dest / src.name, lambda tmp, src=src: shutil.copyfile(src, tmp))
    print(f"exported {src} -> {dest / src.name}", file=sys.stderr)
