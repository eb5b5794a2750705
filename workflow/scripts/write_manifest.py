"""Snakemake adapter: write figures/MANIFEST.json. No mathematics here."""

import sys

sys.stderr = open(snakemake.log[0], "w")

from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.artifacts import build_manifest  # noqa: E402
from natgrad.io import write_json  # noqa: E402

params = snakemake.params
out = Path(snakemake.output[0])
manifest = build_manifest(out.parent, params.artifacts, params.config_hashes)
write_json(manifest, snakemake.output[0])
