"""Mutation testing of the mathematics, the claims and config validation (mutmut).

Too slow for CI (about half an hour on two cores): run it before touching what the
tests of those modules promise, and copy its table into the README.

    pip install -e ".[test,mutation]"
    python benchmarks/mutation.py [--max-children N]

mutmut reads ``[tool.mutmut]`` in pyproject.toml (which modules it mutates, which
tests it runs: the fast tests of those modules), copies the project to
``mutants/`` and runs each mutant against the tests that cover the mutated
function. This script runs it, then writes the score per module and every mutant
not killed, with its change and why it lives, to ``benchmarks/results/mutation.md``
(copy it to ``benchmarks/mutation-survivors.md`` with the README's table).

A mutant no test can kill (it behaves as the original does) is listed in
``benchmarks/mutation-equivalent.yaml``: the function, a regular expression that
matches the mutated line, and a one-line reason. Entries name what changed, not
mutmut's numbers, which move when the code does. A survivor that no entry explains
is reported as such and makes the script exit with 1: kill it with a test, or add
it with its reason. ``mutmut show <name>`` shows one mutant's diff;
``python benchmarks/mutation.py 'natgrad.gaussian.x_kl*'`` runs only those.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
EQUIVALENT = ROOT / "benchmarks" / "mutation-equivalent.yaml"


@dataclass(frozen=True)
class Equivalent:
    """Mutants of ``functions`` whose changed lines match ``mutation``: why they live."""

    functions: tuple[str, ...]
    mutation: str
    reason: str

    def explains(self, function: str, change: str) -> bool:
        return function in self.functions and re.search(self.mutation, change, re.M) is not None


def load_equivalents(path: Path = EQUIVALENT) -> list[Equivalent]:
    """The entries of ``path``; ``function`` is one name or a list of them."""
    out = []
    for e in yaml.safe_load(path.read_text()):
        re.compile(e["mutation"])  # a bad pattern fails here, not silently
        names = e["function"]
        functions = tuple(names) if isinstance(names, list) else (names,)
        out.append(Equivalent(functions, e["mutation"], e["reason"]))
    return out


def function_of(key: str) -> str:
    """``natgrad.metrics.xǁMetricǁsqdist__mutmut_4`` -> ``metrics.Metric.sqdist``
    (``natgrad.pipeline.config.x_f__mutmut_1`` -> ``pipeline.config.f``)."""
    module, _, mangled = key.removeprefix("natgrad.").rpartition(".")
    name = re.sub(r"__mutmut_\d+$", "", mangled)
    name = name.removeprefix("xǁ").replace("ǁ", ".") if name.startswith("xǁ") else name[2:]
    return f"{module}.{name}"


def change_of(key: str) -> str:
    """The mutant's changed lines, ``-`` original and ``+`` mutated, as mutmut shows them."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    module = key.rpartition(".")[0]
    diff = get_diff_for_mutant(key, path=f"{module.replace('.', '/')}.py")
    lines = [
        f"{line[0]} {line[1:].strip()}"
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return "\n".join(lines)


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
    parser.add_argument("mutants", nargs="*", help="run only these (mutmut's names or globs)")
    args = parser.parse_args(argv)
    equivalents = load_equivalents()
    if not args.report_only:
        mutmut("run", "--max-children", str(args.max_children), *args.mutants)
    mutmut("export-cicd-stats")
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    by_module: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    survivors = []
    for line in mutmut("results", "--all", "true").splitlines():
        m = re.match(r"\s*(natgrad(?:\.\w+)+?)\.(x[_ǁ]\S+): (.+)$", line)
        if m:
            module, name, status = m.groups()
            by_module[module][status] += 1
            if status in ("survived", "no tests"):
                survivors.append((f"{module}.{name}", status))
    text = table(stats, by_module)
    os.chdir(ROOT)  # mutmut finds its mutants/ from the project root
    listed, unexplained = [], 0
    for key, status in survivors:
        function, change = function_of(key), change_of(key)
        why = next((e.reason for e in equivalents if e.explains(function, change)), None)
        unexplained += why is None
        shown = change.replace("\n", " / ") or "(no visible change)"
        listed.append(f"- `{key}` ({status}): `{shown}`\n  {why or '**not explained**'}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mutation.md").write_text(
        "# Mutation testing (benchmarks/mutation.py)\n\n"
        + text
        + f"\n\n## Not killed ({len(survivors)}; {unexplained} not explained)\n\n"
        + "Each with its change and why no test can kill it "
        + "(benchmarks/mutation-equivalent.yaml).\n\n"
        + "\n".join(listed)
        + "\n"
    )
    print(text)
    print(
        f"\n{len(survivors)} not killed, {unexplained} of them not explained: "
        f"{RESULTS / 'mutation.md'}"
    )
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
