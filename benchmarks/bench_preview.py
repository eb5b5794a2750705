"""Benchmark: from saving config.yaml to the changed figure being served, per figure.

    python benchmarks/bench_preview.py [--repeat 5]

Side by side, in one run, on copies of this checkout:

* the live preview (``python -m natgrad.preview``): the time from writing
  config.yaml to ``/state`` reporting the figure's new version (its PNG is then
  on disk and served);
* the Snakemake edit loop, (f) of bench_pipeline.py: the same edit, then
  ``snakemake --cores 4``;
* a hand-written script rerun: a fresh ``python -c`` that renders the figure.

Goal: a median of at most 0.5 s for every figure of the post, and at least five
times faster than the Snakemake loop. Prints a table and writes it to logs/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
IGNORE = shutil.ignore_patterns(
    ".git", ".snakemake", "logs", ".venv*", "mutants", "__pycache__", ".check", "results",
    ".preview",
)
# One edit per figure of the post: (section, key, two values it alternates between).
EDITS = {
    "equidistant_points": ("alpha", 0.5, 0.45),
    "gd_euclidean_mahalanobis": ("head_width", 0.5, 0.45),
    "gaussian_isocontours_fisher": ("levels", 200, 190),
    "univariate_gaussian_euclidean": ("linewidth", 2, 2.5),
}

SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from natgrad.pipeline.config import load_config_file, load_schema
from natgrad.pipeline.validate import validate_config
from natgrad.pipeline.jobs import figure_job
cfg = validate_config(load_config_file({root!r} + "/config.yaml"),
                      load_schema({root!r} + "/workflow/schemas/config.schema.yaml"))
figure_job(cfg, {name!r}, [{out!r}], [{data!r}]).render()
"""


def state(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/state", timeout=10) as r:
        return json.load(r)


def versions(port: int) -> dict[str, int]:
    return {f["name"]: f["version"] for f in state(port)["figures"]}


def write(config_path: Path, config: dict) -> None:
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "logs" / "bench_preview.txt"))
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="natgrad-bench-preview-"))
    work, snake = tmp / "preview", tmp / "snakemake"
    for dest in (work, snake):
        shutil.copytree(ROOT, dest, ignore=IGNORE)
    configs = {d: yaml.safe_load((d / "config.yaml").read_text()) for d in (work, snake)}
    for d in (work, snake):
        write(d / "config.yaml", configs[d])
    # a cold build first: without Snakemake's records of the outputs it would not
    # notice the changed params, and the loop would time no-ops
    shutil.rmtree(snake / "figures")
    subprocess.run(
        [PY, "-m", "snakemake", "--cores", "4", "--quiet"],
        cwd=snake,
        check=True,
        capture_output=True,
    )

    proc = subprocess.Popen(
        [PY, "-m", "natgrad.preview", "--port", "0"],
        cwd=work,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = ""
    while not line.startswith("natgrad preview: http://"):
        line = proc.stderr.readline()
        if not line:
            raise RuntimeError("the preview did not start")
    port = int(line.split(":")[3].split("/")[0])
    results = {}
    try:
        for name, (key, a, b) in EDITS.items():
            preview, loop, script = [], [], []
            for i in range(args.repeat):
                value = b if i % 2 == 0 else a
                before = versions(port)[name]
                configs[work][name][key] = value
                t0 = time.perf_counter()
                write(work / "config.yaml", configs[work])
                while versions(port)[name] == before:
                    time.sleep(0.005)
                preview.append(time.perf_counter() - t0)
                time.sleep(0.3)  # let the watcher settle before the next save

                configs[snake][name][key] = value
                t0 = time.perf_counter()
                write(snake / "config.yaml", configs[snake])
                done = subprocess.run(
                    [PY, "-m", "snakemake", "--cores", "4"],
                    cwd=snake,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                loop.append(time.perf_counter() - t0)
                if f"rule {name}:" not in done.stdout + done.stderr:
                    raise RuntimeError(f"snakemake did not redraw {name}")

                code = SCRIPT.format(
                    root=str(snake),
                    name=name,
                    out=str(tmp / f"{name}.png"),
                    data=str(tmp / "d.json"),
                )
                t0 = time.perf_counter()
                subprocess.run([PY, "-c", code], check=True)
                script.append(time.perf_counter() - t0)
            results[name] = tuple(statistics.median(x) for x in (preview, loop, script))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        f"machine: {machine}",
        f"medians of {args.repeat} saves per figure",
        "",
        f"{'figure':32} {'preview':>8} {'snakemake':>10} {'script':>8} {'speed-up':>9}",
    ]
    for name, (p, f, s) in results.items():
        lines.append(f"{name:32} {p:8.3f} {f:10.3f} {s:8.3f} {f / p:8.1f}x")
    worst = max(p for p, _, _ in results.values())
    slowest_speedup = min(f / p for p, f, _ in results.values())
    lines += [
        "",
        f"slowest preview median {worst:.3f} s (goal <= 0.5 s); "
        f"smallest speed-up over Snakemake {slowest_speedup:.1f}x (goal >= 5x)",
    ]
    table = "\n".join(lines)
    print(table)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
