"""Hostile inputs for the fuzzing harness: hypothesis strategies of configs, posts
and manifests, and the check each must pass (one line, bounded time, no change).
Used by tests/test_fuzz.py (a short budget) and benchmarks/fuzz.py (a long one)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from hypothesis import strategies as st

from natgrad.pipeline.config import ConfigError, load_config_file
from natgrad.pipeline.post import read_images
from natgrad.pipeline.validate import validate_config
from natgrad.tools.artifacts import compare_dirs

ROOT = Path(__file__).resolve().parents[2]
CONFIG = (ROOT / "config.yaml").read_text()
#: The most seconds any one case may take on a loaded 2-core machine.
CASE_SECONDS = 10.0


def _bomb(levels: int, width: int) -> str:
    lines = [f"  - &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# Pieces of YAML a hostile config is made of, placed before config.yaml's text or
# replacing a top-level value.
YAML_PIECES = st.one_of(
    st.builds(lambda n, w: "bomb:\n" + _bomb(n, w), st.integers(1, 12), st.integers(1, 12)),
    st.builds(lambda n: "deep: " + "[" * n + "]" * n + "\n", st.integers(1, 3000)),
    st.builds(lambda n: "deep: " + "{a: " * n + "1" + "}" * n + "\n", st.integers(1, 500)),
    st.builds(lambda n: f"dpi: {'9' * n}\n", st.integers(1, 6000)),
    st.builds(lambda s: f"key: {json.dumps(s)}\n", st.text(max_size=40)),
    st.builds(lambda s: f"{json.dumps(s)}: 1\n", st.text(min_size=1, max_size=10)),
    st.text(max_size=200),
    st.sampled_from(["", "---\n", "- 1\n", "!!python/object:os.system\n", "a: *nowhere\n"]),
)


@st.composite
def hostile_configs(draw) -> str:
    pieces = draw(st.lists(YAML_PIECES, min_size=1, max_size=3))
    keep = draw(st.booleans())
    return "".join(pieces) + (CONFIG if keep else "")


def check_config(text: str, schema: dict) -> float:
    """Load and validate ``text`` as config.yaml: a config or one ConfigError line."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        start = time.perf_counter()
        try:
            validate_config(load_config_file(path), schema)
        except ConfigError as err:
            message = str(err)
            assert message and "\n" not in message and message.isprintable(), message
        seconds = time.perf_counter() - start
    assert seconds < CASE_SECONDS, seconds
    return seconds


POST_PIECES = st.sampled_from(
    ["{{", "}}", "{%", "%}", "-", " raw ", " endraw ", " comment ", " endcomment ", "<div>",
     "</div>", "<figure>", "<!--", "-->", "<script>", "`", "```", "\n", "\n\n", "    ",
     "![a](/assets/x.png)", '<img src="/assets/y.png">', "[r]: /assets/z.png", "![b][r]",
     "site.baseurl", "| relative_url", '"', "'", "%1b%5b2J", "%00", "---\n", "<", ">"]
)  # fmt: skip


@st.composite
def hostile_posts(draw) -> str:
    pieces = draw(st.lists(POST_PIECES, max_size=60))
    repeat = draw(st.integers(1, 2000))
    return "".join(pieces) * repeat


def check_post(text: str) -> float:
    """Read the images of ``text``: a list, in bounded time."""
    start = time.perf_counter()
    images = read_images(text)
    seconds = time.perf_counter() - start
    assert isinstance(images, list)
    assert seconds < CASE_SECONDS, seconds
    return seconds


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
NAMES = st.sampled_from(["f.png", "data/f.json", "/etc/passwd", "../f.png", "manifest/f.json",
                         "\x1b[2J.png", "", "a//b.png", "f.png\x00"])  # fmt: skip
SHAS = st.sampled_from(["0" * 64, "x", "", "F" * 64])


@st.composite
def hostile_manifests(draw) -> str:
    """The text of a manifest file: JSON of any shape, or close to a real one."""
    entry = st.fixed_dictionaries({}, optional={"figure": st.text(max_size=5), "sha256": SHAS,
                                                "config_sha256": JSON})  # fmt: skip
    near = st.fixed_dictionaries(
        {"artifacts": st.dictionaries(NAMES, entry | JSON, max_size=3)},
        optional={"versions": JSON, "platform": JSON, "text": JSON, "inputs_sha256": JSON},
    )
    value = draw(near | JSON)
    text = json.dumps(value)
    return draw(st.sampled_from([text, text[: len(text) // 2], "", "[" * 5000]))


def check_manifests(committed: str, rebuilt: str, tmp: Path) -> float:
    """compare_dirs on two trees holding these manifests: one-line problems, no exception."""
    for name, text in (("A", committed), ("B", rebuilt)):
        (tmp / name / "manifest").mkdir(parents=True, exist_ok=True)
        (tmp / name / "manifest" / "f.json").write_text(text)
        (tmp / name / "f.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    start = time.perf_counter()
    problems = compare_dirs(tmp / "A", tmp / "B", tmp / "diff").problems
    seconds = time.perf_counter() - start
    assert all("\n" not in p and p.isprintable() for p in problems), problems
    assert seconds < CASE_SECONDS, seconds
    return seconds


# --- trees: any file of either build replaced by something hostile -----------

FILE_KINDS = ["other bytes", "text", "empty", "huge header", "symlink", "directory", "FIFO",
              "missing", "deep JSON"]  # fmt: skip


def _break(path: Path, kind: str, outside: Path) -> None:
    import os
    import struct
    import zlib

    if kind == "missing":
        path.unlink()
    elif kind == "other bytes":
        path.write_bytes(path.read_bytes()[:-1] + b"\0")
    elif kind == "text":
        path.write_text("<html>not what it was</html>")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "huge header":
        ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
        chunk = (
            struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
        )
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)
    elif kind == "symlink":
        outside.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(outside)
    elif kind == "directory":
        path.unlink()
        path.mkdir()
    elif kind == "FIFO":
        path.unlink()
        os.mkfifo(path)
    elif kind == "deep JSON":
        path.write_text("[" * 50000 + "]" * 50000)


ARTIFACTS = sorted(
    name for name in json.loads((ROOT / "figures/manifest/equidistant_points.json").read_text())[
        "artifacts"]
)  # fmt: skip


@st.composite
def hostile_trees(draw) -> list[tuple[str, str, str]]:
    """Breakages: (tree "A" or "B", artifact, kind), one to three of them."""
    one = st.tuples(st.sampled_from("AB"), st.sampled_from(ARTIFACTS), st.sampled_from(FILE_KINDS))
    return draw(st.lists(one, min_size=1, max_size=3, unique_by=lambda b: b[:2]))


def check_tree(breakages, tmp: Path) -> float:
    """compare_dirs on two copies of figures/ with the breakages: every breakage is a
    problem (nothing broken passes), each problem one line, in bounded time."""
    import shutil

    for name in "AB":
        shutil.copytree(ROOT / "figures", tmp / name)
    for i, (side, name, kind) in enumerate(breakages):
        _break(tmp / side / name, kind, tmp / f"outside{i}")
    start = time.perf_counter()
    problems = compare_dirs(tmp / "A", tmp / "B", tmp / "diff").problems
    seconds = time.perf_counter() - start
    assert problems, breakages
    assert all("\n" not in p and p.isprintable() for p in problems), problems
    assert seconds < CASE_SECONDS, seconds
    return seconds


def check_snakemake(repo: Path, text: str) -> float:
    """A real ``snakemake`` with ``text`` as config.yaml: success with nothing redrawn,
    or one line and a non-zero exit; figures/ unchanged either way."""
    import subprocess
    import sys

    from tests.helpers.snakemake_runs import tree_hashes

    before = tree_hashes(repo / "figures")
    original = (repo / "config.yaml").read_text()
    try:
        (repo / "config.yaml").write_text(text, encoding="utf-8", errors="surrogateescape")
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "snakemake", "--cores", "2"],
            cwd=repo, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    finally:
        (repo / "config.yaml").write_text(original)
    out = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        lines = [ln for ln in out.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("natgrad: "), out[-2000:]
        assert lines[0].isprintable(), lines[0]
    assert tree_hashes(repo / "figures") == before
    assert seconds < 60, seconds  # a whole Snakemake start on a loaded machine
    return seconds
