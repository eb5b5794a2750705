"""Snakemake adapter: render one natgrad figure. No mathematics here."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # everything below, tracebacks included, goes to the log

from pathlib import Path  # noqa: E402

# Use the natgrad of this checkout (workflow/scripts -> repository root).
sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.artifacts import write_manifest  # noqa: E402
from natgrad.descent import DivergenceError  # noqa: E402
from natgrad.figures import render  # noqa: E402

params = snakemake.params
try:
    render(
        params.name,
        params.figure,
        snakemake.output.figures,
        snakemake.output.data,
        usetex=params.usetex,
        dpi=params.dpi,
        on_divergence=params.on_divergence,
    )
except DivergenceError as err:
    # One line on the terminal as well as in the log; no figure is written.
    for stream in (sys.stderr, sys.__stderr__):
        print(f"natgrad: {err}", file=stream)
    sys.exit(1)
# Last: the manifest records the files just written.
out = snakemake.output
write_manifest(
    Path(out.manifest).parent.parent,
    Path(out.manifest).stem,
    [*out.figures, out.data],
    params.config_sha256,
)
