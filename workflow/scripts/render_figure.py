"""Snakemake adapter: render one natgrad figure. No mathematics here."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # everything below, tracebacks included, goes to the log

from pathlib import Path  # noqa: E402

# Use the natgrad of this checkout (workflow/scripts -> repository root).
sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.figures import render  # noqa: E402

params = snakemake.params
render(
    params.name,
    params.figure,
    snakemake.output.figures,
    snakemake.output.data,
    usetex=params.usetex,
    dpi=params.dpi,
)
