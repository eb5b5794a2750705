"""Soak: a scripted day of editing under the post preview, its page open in Chromium.

    python benchmarks/soak_preview.py [--saves 200] [--seed 29]

On copies of this checkout and of the fixture blog (tests/fixtures/blog, with a
post of two figures), ``python -m natgrad.preview --blog ... --post ...`` runs
while a day of saves (tests/helpers/previews.py's ``Day``) goes by: valid and invalid
content into config.yaml, a figure's module, a natgrad module, a caption and the
post, saved in place, by rename, by delete-then-create, twice at once, and all
five at once as a ``git checkout`` does. After each save it waits for the page
to show the error line naming the file, or the change. At the end every file is
as it was, and the page's figures must be the bytes ``snakemake`` builds from
that state (built in another copy first), the preview's output free of
tracebacks. Prints saves, errors shown, recoveries and the save-to-page times
(figure and post saves; polled, so within about 20 ms) and writes the table to
logs/.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    from tests.helpers.browser import chromium
    from tests.helpers.previews import SOAK_FIGURES, SOAK_POST, Day, RunningPost, page_bytes, shown
    from tests.helpers.snakemake_runs import copy_repo, run_snakemake

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--saves", type=int, default=200)
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--out", default=str(ROOT / "logs" / "soak_preview.txt"))
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="natgrad-soak-"))
    built = copy_repo(tmp / "built")
    for name in SOAK_FIGURES:
        (built / "figures" / f"{name}.png").unlink()
    result = run_snakemake(built, "--cores", "2", *[f"figures/{n}.png" for n in SOAK_FIGURES])
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return 1
    repo = copy_repo(tmp / "repo")
    blog = tmp / "blog"
    shutil.copytree(ROOT / "tests" / "fixtures" / "blog", blog)
    post = blog / "_posts" / "2021-02-01-a-day.md"
    post.write_text(SOAK_POST)
    driver = chromium(tmp / "chromium")
    driver.set_script_timeout(30)
    running = RunningPost(repo, blog, post)
    start = time.monotonic()
    try:
        driver.get(running.url)
        day = Day(running, driver, seed=args.seed)
        day.run(args.saves)
        elapsed = time.monotonic() - start
        figures = running.wait(lambda: shown(driver, SOAK_FIGURES), "the figures")
        same = all(
            page_bytes(driver, figures[n]["src"])
            == (built / "figures" / f"{n}.png").read_bytes()
            for n in SOAK_FIGURES
        )
        status = running.stop()
    finally:
        running.kill()
        driver.quit()
    log = running.stderr()
    tracebacks = log.count("Traceback")
    lines = [
        f"# soak_preview, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, "
        f"{args.saves} saves asked, seed {args.seed}",
        "",
        *day.table(),
        "",
        f"day: {elapsed:.0f} s; final page = snakemake's bytes: {same}; "
        f"tracebacks in the preview's output: {tracebacks}; exit status {status}",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if same and not tracebacks and status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
