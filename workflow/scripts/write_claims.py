"""Compute and check the draft's claims; write claims.md, claims.json and the manifest.

Run by the claims rule with ``shell:`` (as the figure jobs are, not ``script:``, whose
file Snakemake dates against the outputs: a fresh clone's checkout order would
decide staleness, where the job's inputs hash should)::

    python3 write_claims.py CLAIMS_JSON CONFIG_SHA256 INPUTS_SHA256 MD JSON MANIFEST --log LOG
"""

import argparse
import json
import sys
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("claims", help="the config's claims section, as JSON")
parser.add_argument("config_sha256")
parser.add_argument("inputs_sha256")
parser.add_argument("md")
parser.add_argument("json")
parser.add_argument("manifest")
parser.add_argument("--log", required=True)
args = parser.parse_args()

sys.stderr = open(args.log, "w")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from natgrad.claims import ClaimError, check_claims, claims_markdown, compute_claims  # noqa: E402
from natgrad.pipeline.io import atomic_write, write_json  # noqa: E402
from natgrad.pipeline.manifest import write_manifest  # noqa: E402

claims = compute_claims(**json.loads(args.claims))
try:
    check_claims(claims)
except ClaimError as err:  # no table is written: one line on the terminal and in the log
    for stream in (sys.stderr, sys.__stderr__):
        print(f"natgrad: {err}", file=stream)
    sys.exit(1)
write_json(claims, args.json)
atomic_write(args.md, lambda tmp: Path(tmp).write_text(claims_markdown(claims)))
write_manifest(
    Path(args.manifest).parent.parent,
    "claims",
    [args.md, args.json],
    args.config_sha256,
    inputs=args.inputs_sha256,
)
