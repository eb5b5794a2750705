"""Mutation testing of the mathematics, the claims and config validation (mutmut).

Too slow for CI (about half an hour on two cores): run it before touching what the
tests of those modules promise, and copy its table into the README.

    pip install -e ".[test,mutation]"
    python benchmarks/mutation.py [--max-children N]

mutmut reads ``[tool.mutmut]`` in pyproject.toml (which modules it mutates, which
tests it runs: the fast tests of those modules), copies the project to
``mutants/`` and runs each mutant against the tests that cover the mutated
function. This script runs it, then writes the score per module and the list of
surviving mutants to ``benchmarks/results/mutation.md`` and prints the table.
``mutmut show <name>`` shows one mutant's diff.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def mutmut(*args: str) -> str:
    """mutmut's output; stops with it when mutmut fails (a test failing without any
    mutant shows as "failed to collect stats")."""
    exe = Path(sys.executable).with_name("mutmut")
    proc = subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or "failed to collect stats" in proc.stdout:
        sys.exit(f"mutmut {' '.join(args)} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return proc.stdout


def table(stats: dict, by_module: dict[str, collections.Counter]) -> str:
    rows = [
        "| module | mutants | killed | survived | no test | score |",
        "|---|---|---|---|---|---|",
    ]
    for module, c in sorted(by_module.items()):
        total = sum(c.values())
        rows.append(
            f"| `{module}` | {total} | {c['killed']} | {c['survived']} | {c['no tests']} | "
            f"{c['killed'] / total:.0%} |"
        )
    scored = stats["killed"] + stats["survived"] + stats["no_tests"] + stats["timeout"]
    rows.append(
        f"| **all** | {stats['total']} | {stats['killed']} | {stats['survived']} | "
        f"{stats['no_tests']} | {(stats['killed'] + stats['timeout']) / scored:.1%} |"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--report-only", action="store_true", help="summarise the last run")
    args = parser.parse_args(argv)
    if not args.report_only:
        mutmut("run", "--max-children", str(args.max_children))
    mutmut("export-cicd-stats")
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    by_module: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    survivors = []
    for line in mutmut("results", "--all", "true").splitlines():
        m = re.match(r"\s*(natgrad\.\w+)\.(\S+): (.+)$", line)
        if m:
            module, name, status = m.groups()
            by_module[module][status] += 1
            if status in ("survived", "no tests"):
                survivors.append(f"- `{module}.{name}`: {status}")
    text = table(stats, by_module)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mutation.md").write_text(
        "# Mutation testing (benchmarks/mutation.py)\n\n"
        + text
        + "\n\n## Not killed\n\n"
        + "\n".join(survivors)
        + "\n"
    )
    print(text)
    print(f"\n{len(survivors)} not killed: {RESULTS / 'mutation.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
