"""Adapter of every figure job and sweep batch (the render rule's shell command).

    python render.py JOB --figures F... --data D... --manifest M... [--text T...] --log LOG

JOB is the job as JSON (natgrad.pipeline.jobs.FigureJob.to_json); the job draws
itself. No mathematics. Everything written to stderr, tracebacks included, goes
to LOG; a figure's error is also one line on the terminal.
"""

import argparse
import sys
from pathlib import Path

# Use the natgrad of this checkout (workflow/scripts -> repository root).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from natgrad.drawing.divergence import FigureError  # noqa: E402
from natgrad.pipeline.jobs import FigureJob  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("job")
for files in ("--figures", "--data", "--manifest"):
    parser.add_argument(files, nargs="+", required=True)
parser.add_argument("--text", nargs="*", default=[])
parser.add_argument("--log", required=True)
args = parser.parse_args()
sys.stderr = open(args.log, "w")  # for the rest of the process
try:
    FigureJob.from_json(args.job, args.figures, args.data, args.manifest, args.text).render()
except FigureError as err:
    # One line in the log and on the terminal; Snakemake removes the job's outputs.
    for stream in (sys.stderr, sys.__stderr__):
        print(f"natgrad: {err}", file=stream)
    sys.exit(1)
