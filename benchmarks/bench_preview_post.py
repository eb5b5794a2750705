"""Benchmark: save to page in Chromium, in the post preview and in `jekyll serve --livereload`.

    python benchmarks/bench_preview_post.py [--repeat 7] [--blog DIR --post PATH]

On copies of this checkout and of the blog (default: the fixture blog of
tests/fixtures/blog with a post showing the four figures of the author's post;
give ``--blog`` a clone of the author's blog and ``--post`` its post to measure
that), in headless Chromium:

* figure edit: the time from writing config.yaml to the ``load`` event of the
  redrawn image in the page (``python -m natgrad.preview --blog ... --post ...``);
* post edit: from writing the post to the reloaded page's ``load`` event, its
  images loaded (Jekyll's incremental rebuild, then the reload);
* ``jekyll serve --livereload`` on another copy of the same blog: from
  overwriting one of the post's images in its assets folder to the end of the
  browser's new fetch of it (LiveReload swaps the image or reloads the page).

The browser's clock (``Date.now()``, ``performance.timeOrigin``) and this
process's ``time.time()`` are the same machine's clock. Goals: a figure edit
within 0.5 s; a post edit within Jekyll's rebuild time plus 0.5 s. Prints a
table and writes it to logs/.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
IGNORE = shutil.ignore_patterns(
    ".git", ".snakemake", "logs", ".venv*", "mutants", "__pycache__", ".check", "results",
    ".preview",
)
FIGURES = [
    "equidistant_points",
    "gd_euclidean_mahalanobis",
    "gaussian_isocontours_fisher",
    "univariate_gaussian_euclidean",
]
POST = "---\nlayout: post\ntitle: Benchmark\n---\n\nA paragraph to edit: 0.\n\n" + "".join(
    f'<figure>\n  <img src="/assets/{n}.png">\n  <figcaption>{n}</figcaption>\n</figure>\n\n'
    for n in FIGURES
)
# (section, key, two values it alternates between): a figure of the post
EDIT = ("equidistant_points", "alpha", 0.5, 0.45)

# The page records when each figure image finishes loading (epoch ms).
WATCH_LOADS = """
window.natgradLoads = {};
for (const img of document.images) {
  img.addEventListener("load", () => { window.natgradLoads[img.src] = Date.now(); });
}
"""
LAST_LOAD = "return Math.max(0, ...Object.values(window.natgradLoads || {}));"
# The end of the latest fetch of a resource whose URL contains the argument (epoch ms).
LAST_FETCH = """
const entries = performance.getEntriesByType("resource")
  .filter((e) => e.name.includes(arguments[0]));
return entries.length ? performance.timeOrigin + Math.max(...entries.map((e) => e.responseEnd)) : 0;
"""
PAGE_LOADED = """
const t = performance.getEntriesByType("navigation")[0];
return document.body && document.body.innerText.includes(arguments[0]) && t && t.loadEventEnd
  ? performance.timeOrigin + t.loadEventEnd : 0;
"""


def wait(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.005)
    raise RuntimeError("timed out")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def started(proc, pattern: str, timeout=300.0) -> str:
    """The server's first line matching ``pattern``; if it exits or never prints
    one, an error quoting what it printed (which says why)."""
    deadline = time.monotonic() + timeout
    seen = []
    stream = proc.stdout if proc.stdout else proc.stderr
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            status = proc.wait(timeout=30)
            raise RuntimeError(
                f"{proc.args[0]} {proc.args[1]} exited (status {status}):\n" + "".join(seen)
            )
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise RuntimeError(f"{proc.args[0]} {proc.args[1]} did not start:\n" + "".join(seen))


def main(argv=None) -> int:
    from tests.helpers.browser import chromium

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--blog", default=None, help="a Jekyll blog (default: the fixture blog)")
    ap.add_argument("--post", default=None, help="its post, relative to the blog")
    ap.add_argument("--out", default=str(ROOT / "logs" / "bench_preview_post.txt"))
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="natgrad-bench-post-"))
    repo = tmp / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    blogs = [tmp / "blog", tmp / "served"]
    for blog in blogs:
        source = Path(args.blog) if args.blog else ROOT / "tests" / "fixtures" / "blog"
        shutil.copytree(source, blog, ignore=shutil.ignore_patterns(".git", "_site"))
    if args.blog:
        post = Path(args.post)
    else:
        post = Path("_posts/2021-02-01-benchmark.md")
        for blog in blogs:
            (blog / post).write_text(POST)
            for name in FIGURES:  # what jekyll serve shows: the exported figures
                shutil.copyfile(ROOT / "figures" / f"{name}.png", blog / "assets" / f"{name}.png")
    name, key, a, b = EDIT
    config = yaml.safe_load((repo / "config.yaml").read_text())
    driver = chromium(tmp / "chromium")
    procs = []
    figure, post_edit, livereload = [], [], []
    try:
        proc = subprocess.Popen(
            [PY, "-m", "natgrad.preview", "--port", "0", "--blog", str(blogs[0])]
            + ["--post", str(post)],
            cwd=repo,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        procs.append(proc)
        url = started(proc, r"^natgrad preview: http://").split()[2]
        subprocess_drain(proc.stderr)
        driver.get(url)
        wait(
            lambda: driver.execute_script(
                "return document.documentElement.dataset.natgradGeneration"
            )
        )
        for i in range(args.repeat):
            driver.execute_script(WATCH_LOADS)
            config[name][key] = b if i % 2 == 0 else a
            t0 = time.time()
            (repo / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
            loaded = wait(
                lambda t0=t0: (
                    driver.execute_script(LAST_LOAD) / 1000 > t0
                    and driver.execute_script(LAST_LOAD)
                )
            )
            figure.append(loaded / 1000 - t0)
            time.sleep(0.5)
        text = (blogs[0] / post).read_text()
        for i in range(args.repeat):
            marker = f"natgrad benchmark edit {i}"
            edited = re.sub(r"(\n\n)", f"\\1{marker}\n\n", text, count=1)
            t0 = time.time()
            (blogs[0] / post).write_text(edited)
            loaded = wait(lambda marker=marker: driver.execute_script(PAGE_LOADED, marker))
            post_edit.append(loaded / 1000 - t0)
            time.sleep(0.5)

        port, reload_port = free_port(), free_port()
        serve = subprocess.Popen(
            ["jekyll", "serve", "--livereload", "--port", str(port)]
            + ["--livereload-port", str(reload_port), "--host", "127.0.0.1"]
            + ["--source", str(blogs[1]), "--destination", str(tmp / "served-site")],
            cwd=blogs[1],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true"},
            start_new_session=True,
        )
        procs.append(serve)
        started(serve, r"Server running")
        subprocess_drain(serve.stdout)
        page = url.split("/", 3)[3]
        driver.get(f"http://127.0.0.1:{port}/{page}")
        image = f"/assets/{name}.png"
        wait(lambda: driver.execute_script(LAST_FETCH, image))
        versions = [(ROOT / "figures" / f"{name}.png").read_bytes()]
        versions.append((repo / ".preview" / "post" / "figures" / f"{name}.png").read_bytes())
        for i in range(args.repeat):
            time.sleep(1.0)  # LiveReload's client connects after the page loads
            before = driver.execute_script(LAST_FETCH, image)
            t0 = time.time()
            (blogs[1] / "assets" / f"{name}.png").write_bytes(versions[(i + 1) % 2])
            fetched = wait(
                lambda b=before: (f := driver.execute_script(LAST_FETCH, image)) > b and f
            )
            livereload.append(fetched / 1000 - t0)
    finally:
        driver.quit()
        for proc in procs:
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    blog = args.blog or "the fixture blog (tests/fixtures/blog) and a post of four figures"
    rows = [
        ("figure edit (config.yaml) -> redrawn image loaded", figure),
        ("post edit -> rebuilt page loaded", post_edit),
        ("jekyll serve --livereload: image changed -> fetched again", livereload),
    ]
    lines = [f"machine: {machine}", f"blog: {blog}", f"medians of {args.repeat}", ""]
    lines += [f"{what:58} {statistics.median(x):7.3f} s  (max {max(x):.3f})" for what, x in rows]
    lines += [
        "",
        f"figure edit median {statistics.median(figure):.3f} s (goal <= 0.5 s)",
    ]
    table = "\n".join(lines)
    print(table)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(table + "\n")
    return 0


def subprocess_drain(stream) -> None:
    """Keep reading a server's output, so that a full pipe never blocks it."""
    import threading

    threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()


if __name__ == "__main__":
    raise SystemExit(main())
