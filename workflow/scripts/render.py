"""Snakemake adapter of every figure job and sweep batch: natgrad.render draws. No mathematics."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # everything below, tracebacks included, goes to the log

from pathlib import Path  # noqa: E402

# Use the natgrad of this checkout (workflow/scripts -> repository root).
sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.render import FigureError, render_batch  # noqa: E402

p, out = snakemake.params, snakemake.output
try:
    render_batch(
        p.name, p.sections, p.config_sha256, list(out.figures), list(out.data), list(out.manifest),
        usetex=p.usetex, dpi=p.dpi, on_divergence=p.on_divergence,
    )  # fmt: skip
except FigureError as err:
    # One line on the terminal as well as in the log; Snakemake removes the job's outputs.
    for stream in (sys.stderr, sys.__stderr__):
        print(f"natgrad: {err}", file=stream)
    sys.exit(1)
