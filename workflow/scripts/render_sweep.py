"""Snakemake adapter: render a batch of sweep variants in one process. No mathematics here."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # everything below, tracebacks included, goes to the log

from pathlib import Path  # noqa: E402

# Use the natgrad of this checkout (workflow/scripts -> repository root).
sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.artifacts import write_manifest  # noqa: E402
from natgrad.descent import DivergenceError  # noqa: E402
from natgrad.figures import render  # noqa: E402

params, out = snakemake.params, snakemake.output
variants = zip(
    params.figures, params.config_sha256, out.figures, out.data, out.manifest, strict=True
)
for section, config_hash, figure, data, manifest in variants:
    try:
        render(
            params.name,
            section,
            [figure],
            data,
            usetex=params.usetex,
            dpi=params.dpi,
            on_divergence=params.on_divergence,
        )
    except DivergenceError as err:
        # One line on the terminal as well as in the log; Snakemake removes the batch's outputs.
        for stream in (sys.stderr, sys.__stderr__):
            print(f"natgrad: {Path(figure).stem}: {err}", file=stream)
        sys.exit(1)
    write_manifest(Path(manifest).parent.parent, Path(manifest).stem, [figure, data], config_hash)
