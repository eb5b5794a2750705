"""Snakemake adapter: compute and check the draft's claims, write claims.md and claims.json."""

import sys

sys.stderr = open(snakemake.log[0], "w")

from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.claims import ClaimError, check_claims, claims_markdown, compute_claims  # noqa: E402
from natgrad.pipeline.io import atomic_write, write_json  # noqa: E402
from natgrad.pipeline.manifest import write_manifest  # noqa: E402

claims = compute_claims(**snakemake.params.claims)
try:
    check_claims(claims)
except ClaimError as err:  # no table is written: one line on the terminal and in the log
    for stream in (sys.stderr, sys.__stderr__):
        print(f"natgrad: {err}", file=stream)
    sys.exit(1)
write_json(claims, snakemake.output.json)
atomic_write(snakemake.output.md, lambda tmp: Path(tmp).write_text(claims_markdown(claims)))
out = snakemake.output
write_manifest(
    Path(out.manifest).parent.parent,
    "claims",
    [out.md, out.json],
    snakemake.params.config_sha256,
    inputs=snakemake.params.inputs_sha256,
)
