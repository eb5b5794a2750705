"""The fuzzing harness, long budget: hostile configs, posts, manifests and trees
(tests/helpers/fuzzing.py's strategies and checks), reporting the count of cases and the longest.

    python benchmarks/fuzz.py [--examples 500] [--out logs/fuzz.txt]

Any case that is not one line, raises, or takes longer than tests.helpers.fuzzing.CASE_SECONDS
fails the run with hypothesis's shrunk example.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from natgrad.pipeline.config import load_schema  # noqa: E402
from tests.helpers.fuzzing import (  # noqa: E402
    check_config,
    check_manifests,
    check_post,
    check_tree,
    hostile_configs,
    hostile_manifests,
    hostile_posts,
    hostile_trees,
)


def run(name, strategies, check, examples):
    record = {"count": 0, "longest": 0.0, "case": ""}

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.tuples(*strategies))
    def case(values):
        seconds = check(*values)
        record["count"] += 1
        if seconds >= record["longest"]:
            record["longest"], record["case"] = seconds, repr(values)[:70]

    start = time.perf_counter()
    case()
    total = time.perf_counter() - start
    return (
        f"{name:10s} {record['count']:6d} cases in {total:7.1f} s; longest "
        f"{record['longest']:.3f} s: {record['case']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--out", default=str(ROOT / "logs" / "fuzz.txt"))
    args = parser.parse_args()
    schema = load_schema(ROOT / "workflow/schemas/config.schema.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**9))

        def fresh() -> Path:
            work = Path(tmp) / str(next(counter))
            work.mkdir()
            return work

        def manifests(a, b):
            return check_manifests(a, b, fresh())

        def trees(breakages):
            return check_tree(breakages, fresh())

        lines = [
            run("configs", [hostile_configs()], lambda t: check_config(t, schema), args.examples),
            run("posts", [hostile_posts()], check_post, args.examples),
            run("manifests", [hostile_manifests(), hostile_manifests()], manifests, args.examples),
            run("trees", [hostile_trees()], trees, args.examples),
        ]
    table = "\n".join(["fuzzing harness (tests/helpers/fuzzing.py), seconds per case", *lines])
    print(table)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(table + "\n")


if __name__ == "__main__":
    main()
