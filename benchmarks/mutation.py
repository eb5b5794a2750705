"""Mutation testing of the mathematics, the claims, config validation and the plumbing (mutmut).

Too slow for CI (about half an hour on two cores): run it before touching what the
tests of those modules promise, and copy its table into the README.

    pip install -e ".[test,mutation]"
    python benchmarks/mutation.py [--max-children N]

mutmut reads ``[tool.mutmut]`` in pyproject.toml (which modules it mutates, which
tests it runs: the fast tests of those modules), copies the project to
``mutants/`` and runs each mutant against the tests that cover the mutated
function. This script runs it, then writes the score per module and every mutant
not killed, with its change and why it lives, to ``benchmarks/mutation-survivors.md``
(copy its table into the README), from every module's results in ``mutants/``: a run
of some mutants (names or globs, several at once) updates theirs and keeps the rest,
and mutmut resets by itself the results of every function whose code changed, so
``--report-only`` after runs by glob reports the whole of the current code. Mutants
never run are counted as "not run", outside the score. mutmut maps only new tests to
the functions they run: after code moves between modules (a merge), delete
``mutants/mutmut-stats.json`` so that every test is mapped afresh (the tests of
the schema's keywords, once moved out of the config module, counted for them only
then: 35 of their survivors and 13 "no test" mutants were killed once they did). mutmut 3.8 keeps a
fingerprint of ``[tool.mutmut]``'s pytest arguments and test selection in that file:
when either changes it resets every result of every module (the 2026-12-07 evening
run lost the mathematics' and config's results to one test file added to the
selection), so change them only before a full run. Non-Python files of the package
are copied into ``mutants/`` before each run (mutmut copies them once).

A mutant no test can kill (it behaves as the original does) is listed in
``benchmarks/mutation-equivalent.yaml``: the function, a regular expression that
matches the mutated line, and a one-line reason. Entries name what changed, not
mutmut's numbers, which move when the code does. A survivor that no entry explains
is reported as such and makes the script exit with 1: kill it with a test, or add
it with its reason. ``mutmut show <name>`` shows one mutant's diff;
``python benchmarks/mutation.py 'natgrad.gaussian.x_kl*' 'natgrad.metrics.*'`` runs
only those, and ``--pending 'natgrad.claims.*'`` only those of them without a result
(after an interrupted run: mutmut reruns every mutant it is given by name).
"""

from __future__ import annotations

import argparse
import collections
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SURVIVORS = ROOT / "benchmarks" / "mutation-survivors.md"
EQUIVALENT = ROOT / "benchmarks" / "mutation-equivalent.yaml"
#: mutmut's statuses that count as a kill in the score (its own convention: a mutant
#: that makes the tests time out is caught)
CAUGHT = ("killed", "timeout")
NOT_RUN = "not checked"


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


def mutant_path(key: str, mutants: Path = ROOT / "mutants") -> str:
    """The file, relative to ``mutants/``, that holds mutant ``key``: its module's
    ``.py``, or a package's ``__init__.py`` (``natgrad.tools.preview.x_f``)."""
    module = key.rpartition(".")[0].replace(".", "/")
    return f"{module}.py" if (mutants / f"{module}.py").is_file() else f"{module}/__init__.py"


def change_of(key: str) -> str:
    """The mutant's changed lines, ``-`` original and ``+`` mutated, as mutmut shows them."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(key, path=mutant_path(key))
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


def _row(name: str, c: collections.Counter, score_format: str) -> str:
    run = sum(c.values()) - c[NOT_RUN]
    caught = sum(c[k] for k in CAUGHT)
    score = format(caught / run, score_format) if run else "-"
    return (
        f"| {name} | {sum(c.values())} | {c['killed']} | {c['timeout']} | {c['survived']} | "
        f"{c['no tests']} | {c[NOT_RUN]} | {score} |"
    )


def table(by_module: dict[str, collections.Counter]) -> str:
    """The score per module and of all: killed or timed out, of the mutants run."""
    rows = [
        "| module | mutants | killed | timeout | survived | no test | not run | score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows += [_row(f"`{m}`", c, ".1%") for m, c in sorted(by_module.items())]
    rows.append(_row("**all**", sum(by_module.values(), collections.Counter()), ".1%"))
    return "\n".join(rows)


def survivor_list(
    survivors: list[tuple[str, str, str]], equivalents: list[Equivalent]
) -> tuple[list[str], int]:
    """One entry per ``(key, status, change)`` not killed, with its reason; and how many
    no entry of ``equivalents`` explains."""
    listed, unexplained = [], 0
    for key, status, change in survivors:
        function = function_of(key)
        why = next((e.reason for e in equivalents if e.explains(function, change)), None)
        unexplained += why is None
        shown = change.replace("\n", " / ") or "(no visible change)"
        listed.append(f"- `{key}` ({status}): `{shown}`\n  {why or '**not explained**'}")
    return listed, unexplained


def _git(*args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return proc.stdout.strip()


def header(by_module: dict[str, collections.Counter]) -> str:
    """What the file reports: the commit, mutmut's version, what was not run."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mutmut = version("mutmut")
    except PackageNotFoundError:  # the tests write a header without the mutation extras
        mutmut = "(not installed)"
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", "natgrad", "tests")
    not_run = {m: c[NOT_RUN] for m, c in sorted(by_module.items()) if c[NOT_RUN]}
    lines = [
        "# Mutants not killed, each with its reason (benchmarks/mutation.py)",
        "",
        "Written by `python benchmarks/mutation.py` from the results in `mutants/` of every "
        f"mutated module, at commit {commit}" + (" with uncommitted changes" if dirty else "")
        + f", mutmut {mutmut}. mutmut keeps a result until the code of its function "
        "changes, so the results are those of that commit's code, whichever run found them.",
        "",
        "Not run: "
        + (", ".join(f"{n} of `{m}`" for m, n in not_run.items()) if not_run else "none")
        + ". The score counts killed and timed-out mutants of those run.",
        "",
        "Every mutant not killed is listed with its change and the reason from "
        "`benchmarks/mutation-equivalent.yaml` that explains it; one no entry explains is "
        "**not explained** and makes the script exit with 1. mutmut numbers mutants per "
        "function, so the names move with the code; the entries name the change instead.",
    ]
    return "\n".join(lines)


def pending(patterns: list[str], mutants: Path = ROOT / "mutants") -> list[str]:
    """The mutants matching ``patterns`` (mutmut's names or globs) that have no result
    in ``mutants/`` yet: mutmut reruns every mutant it is given by name."""
    names = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        results = json.loads(meta.read_text())["exit_code_by_key"]
        names += [
            key
            for key, code in results.items()
            if code is None and any(fnmatch.fnmatchcase(key, p) for p in patterns)
        ]
    return names


def sync_data_files(source: Path = ROOT / "natgrad", mutants: Path = ROOT / "mutants") -> list[str]:
    """Copy into ``mutants/`` every file of the package that is not Python and differs
    there (the stub ``__init__.pyi``, the previews' templates): mutmut copies those
    once, when ``mutants/`` is made, and a later change to one (a merge) would leave
    the tests reading the old file (a stub naming what no longer exists fails every
    import of natgrad). Returns the paths copied, relative to ``source``'s parent."""
    import shutil

    copied = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix == ".py" or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(source.parent)
        target = mutants / relative
        if not target.is_file() or target.read_bytes() != path.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(relative.as_posix())
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--report-only", action="store_true", help="summarise the last run")
    parser.add_argument(
        "--pending",
        action="store_true",
        help="of the mutants named, run only those without a result (one run interrupted, "
        "or another that ran some): mutmut reruns the named ones",
    )
    parser.add_argument("mutants", nargs="*", help="run only these (mutmut's names or globs)")
    args = parser.parse_args(argv)
    equivalents = load_equivalents()
    names = pending(args.mutants or ["*"]) if args.pending else args.mutants
    if not args.report_only and (names or not args.pending):
        sync_data_files()
        # a mutant that turns a path into None leaves a folder named "None" in mutants/,
        # which another mutant's "None" path then finds (compare_images("None", ...)
        # compared a folder and survived): each run starts without it
        shutil.rmtree(ROOT / "mutants" / "None", ignore_errors=True)
        mutmut("run", "--max-children", str(args.max_children), *names)
    by_module: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    survivors = []
    for line in mutmut("results", "--all", "true").splitlines():
        m = re.match(r"\s*(natgrad(?:\.\w+)+?)\.(x[_ǁ]\S+): (.+)$", line)
        if m:
            module, name, status = m.groups()
            by_module[module][status] += 1
            if status not in (*CAUGHT, NOT_RUN):
                survivors.append((f"{module}.{name}", status))
    os.chdir(ROOT)  # mutmut finds its mutants/ from the project root
    listed, unexplained = survivor_list(
        [(key, status, change_of(key)) for key, status in survivors], equivalents
    )
    text = table(by_module)
    SURVIVORS.write_text(
        header(by_module)
        + "\n\n"
        + text
        + f"\n\n## Not killed ({len(survivors)}; {unexplained} not explained)\n\n"
        + "\n".join(listed)
        + "\n"
    )
    print(text)
    print(f"\n{len(survivors)} not killed, {unexplained} of them not explained: {SURVIVORS}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
