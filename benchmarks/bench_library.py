"""Library benchmark: grid cost independent of n, and Cholesky solve vs explicit inverse.

    python benchmarks/bench_library.py [--repeat 7] [--out logs/bench_library.txt]

Prints a table (medians of --repeat runs) and writes it to --out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from natgrad.drawing.plotting import grid  # noqa: E402
from natgrad.metrics import Mahalanobis  # noqa: E402
from natgrad.objectives import GaussianLogLikelihood  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", default="logs/bench_library.txt")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    rows = []

    _, _, XY = grid((-1, 1), (-2, 2), 200)
    grid_times = {}
    for n in (10**3, 10**6):
        ll = GaussianLogLikelihood(rng.normal(size=n))
        grid_times[n] = median_seconds(lambda ll=ll: ll.value(XY), args.repeat)
        rows.append((f"log-likelihood, 200x200 grid, n={n:.0e}", grid_times[n]))
    rows.append(
        ("  ratio n=1e6 / n=1e3 (1 = independent of n)", grid_times[10**6] / grid_times[10**3])
    )

    p = 1000
    M = rng.standard_normal((p, p))
    A = M @ M.T + p * np.eye(p)
    g = rng.standard_normal(p)
    metric = Mahalanobis(A)
    t_chol = median_seconds(lambda: metric.direction(g), args.repeat)
    t_inv = median_seconds(lambda: np.linalg.inv(A) @ g, args.repeat)
    rows.append((f"direction by Cholesky solve, p={p}", t_chol))
    rows.append((f"inverse then multiply (the draft's code), p={p}", t_inv))
    rows.append(("  ratio inverse / Cholesky", t_inv / t_chol))

    width = max(len(r[0]) for r in rows)
    lines = [f"{'measurement'.ljust(width)}  median", "-" * (width + 12)]
    for name, value in rows:
        unit = "" if "ratio" in name else " s"
        lines.append(f"{name.ljust(width)}  {value:.4g}{unit}")
    table = "\n".join(lines)
    print(table)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
