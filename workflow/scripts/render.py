"""Adapter of every figure job and sweep batch (the render rule's shell command).

    python render.py JOB --figures F... --data D... --manifest M... --log LOG

JOB is the job's params as JSON (common.smk, RenderJob.spec); natgrad.pipeline.render
draws. No mathematics. Everything written to stderr, tracebacks included, goes
to LOG; a figure's error is also one line on the terminal.
"""

import argparse
import json
import sys
from pathlib import Path

# Use the natgrad of this checkout (workflow/scripts -> repository root).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from natgrad.pipeline.render import FigureError, render_batch  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("job")
for files in ("--figures", "--data", "--manifest"):
    parser.add_argument(files, nargs="+", required=True)
parser.add_argument("--log", required=True)
args = parser.parse_args()
sys.stderr = open(args.log, "w")  # for the rest of the process
p = json.loads(args.job)
try:
    render_batch(
        p["name"], p["sections"], p["config_sha256"], args.figures, args.data, args.manifest,
        usetex=p["usetex"], dpi=p["dpi"], on_divergence=p["on_divergence"],
        inputs=p["inputs_sha256"],
    )  # fmt: skip
except FigureError as err:
    # One line in the log and on the terminal; Snakemake removes the job's outputs.
    for stream in (sys.stderr, sys.__stderr__):
        print(f"natgrad: {err}", file=stream)
    sys.exit(1)
