"""The post preview flags what a reader without the images misses: an image of the
post with no alt text, or one shown by the export's include whose alt is no longer
the figure's, each with the figure's text to copy. The fixture blog is built by the
real jekyll, read in headless Chromium."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from natgrad.figures import registry
from natgrad.pipeline.blog import DATA_FILE, INCLUDE, INCLUDE_FILE, blog_data
from natgrad.pipeline.manifest import png_size
from tests.helpers.blog import FIXTURE
from tests.helpers.previews import RunningPost
from tests.helpers.snakemake_runs import copy_repo

pytestmark = pytest.mark.slow


POST = """---
layout: post
title: "Texts"
---

<figure>
  <img src="/assets/equidistant_points.png">
  <figcaption>Equidistant points under different metrics.</figcaption>
</figure>

{% include natgrad-figure.html name="gd_euclidean_mahalanobis" %}

{% include natgrad-figure.html name="univariate_gaussian_euclidean" %}

![The author's own words for it](/assets/gaussian_isocontours_fisher.png)
"""

# Each flagged image: its figure, why, and the text offered to copy.
FLAGS = """
return Array.from(document.querySelectorAll("img[data-natgrad-text]"), (img) => {
  const name = img.dataset.natgradFigure;
  const box = document.querySelector('.natgrad-status[data-natgrad-for="' + name + '"]');
  const copy = box && box.querySelector(".natgrad-text-copy");
  return [name, img.dataset.natgradText, copy ? copy.value : null];
});
"""


def texts(root: Path) -> dict:
    folder = root / "figures" / "text"
    return {n: json.loads((folder / f"{n}.json").read_text()) for n in registry()}


@pytest.fixture
def live(tmp_path, root):
    repo = copy_repo(tmp_path / "repo")
    blog = tmp_path / "blog"
    shutil.copytree(FIXTURE, blog)
    post = blog / "_posts" / "2021-03-01-texts.md"
    post.write_text(POST)
    # the blog's data as an older export left it: one figure's alt no longer its own
    said = texts(root)
    said["gd_euclidean_mahalanobis"] = {**said["gd_euclidean_mahalanobis"], "alt": "An old alt."}
    sizes = {n: png_size(root / "figures" / f"{n}.png") for n in said}
    captions = {n: spec.summary for n, spec in registry().items()}
    for name, text in ((DATA_FILE, blog_data(said, sizes, captions)), (INCLUDE_FILE, INCLUDE)):
        (blog / name).parent.mkdir()
        (blog / name).write_text(text)
    running = RunningPost(repo, blog, post)
    yield running
    running.stop()


def test_images_without_their_text_are_flagged_with_the_text_to_copy(live, browser, root):
    browser.get(live.url)

    def flagged():
        found = browser.execute_script(FLAGS)
        return found if len(found) >= 2 and all(copy for *_, copy in found) else None

    flags = live.wait(flagged, "the flags")
    said = texts(root)
    equidistant = said["equidistant_points"]["alt"].replace('"', "&quot;")
    assert sorted(flags) == [
        ["equidistant_points", "missing", f'alt="{equidistant}"'],
        ["gd_euclidean_mahalanobis", "stale", said["gd_euclidean_mahalanobis"]["alt"]],
    ]
