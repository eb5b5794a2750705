"""A day of editing, shortened: saves of valid and invalid content into config.yaml, a
figure's module, a natgrad module, a caption and the post, by every way editors save,
while headless Chromium keeps the post preview's page open (tests/helpers/previews.py's Day;
the long day is benchmarks/soak_preview.py)."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers.blog import FIXTURE, JEKYLL_INSTALL
from tests.helpers.previews import SOAK_FIGURES, SOAK_POST, Day, RunningPost, page_bytes, shown
from tests.helpers.snakemake_runs import copy_repo, run_snakemake

#: Saves in the short day (the benchmark makes at least 200).
SAVES = 40


@pytest.mark.slow
def test_a_short_day_of_editing_leaves_the_page_as_snakemake_builds(tmp_path, browser):
    if shutil.which("jekyll") is None:
        pytest.fail(f"jekyll not found: {JEKYLL_INSTALL}", pytrace=False)
    # the day ends where it began: what snakemake builds from that state
    built = copy_repo(tmp_path / "built")
    for name in SOAK_FIGURES:
        (built / "figures" / f"{name}.png").unlink()
    targets = [f"figures/{name}.png" for name in SOAK_FIGURES]
    result = run_snakemake(built, "--cores", "2", *targets)
    assert result.returncode == 0, result.stderr[-2000:]
    repo = copy_repo(tmp_path / "repo")
    blog = tmp_path / "blog"
    shutil.copytree(FIXTURE, blog)
    post = blog / "_posts" / "2021-02-01-a-day.md"
    post.write_text(SOAK_POST)
    running = RunningPost(repo, blog, post)
    try:
        browser.get(running.url)
        day = Day(running, browser)
        day.run(SAVES)
        assert day.saves >= SAVES and day.errors > 0 and day.recoveries == day.errors
        figures = running.wait(lambda: shown(browser, SOAK_FIGURES), "the figures")
        for name in SOAK_FIGURES:
            want = (built / "figures" / f"{name}.png").read_bytes()
            assert page_bytes(browser, figures[name]["src"]) == want, name
        assert running.stop() == 0
    finally:
        running.kill()
    log = running.stderr()
    assert "Traceback" not in log, log
    assert log.rstrip().endswith("natgrad preview: stopped"), log
