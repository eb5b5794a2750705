"""The export as the blog's readers get it: `snakemake export` into a Jekyll blog,
built by Debian's jekyll, read in headless Chromium.

The blog is tests/fixtures/blog: the author's theme's column and figure widths,
and posts naming the pipeline's figures in every syntax natgrad.pipeline.post reads, with
images in comments and code that must not be exported.
"""

from __future__ import annotations

import base64
import functools
import os
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from natgrad.pipeline.post import post_images, read_images
from tests.helpers.blog import COLUMN, FIGURE_MARGIN, FIXTURE, JEKYLL_INSTALL
from tests.helpers.browser import chromium, require
from tests.helpers.previews import FETCH
from tests.helpers.snakemake_runs import (
    FIGURES,
    copy_repo,
    fresh_copy,
    jobs_run,
    png_size,
    run_snakemake,
    tree_hashes,
)

# one xdist worker (--dist loadgroup) builds the module's export, blog and browser once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("export")]

POSTS = sorted((FIXTURE / "_posts").glob("*.md"))



def stamps(directory: Path) -> dict[str, tuple]:
    """(inode, mtime, bytes) of every file below ``directory``: a file rewritten
    with the same bytes counts as written too."""
    return {
        str(p.relative_to(directory)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory):
    """A copy of the built repository without the figures its first post shows, and a
    copy of the fixture blog, after `snakemake --cores 2 export` with each post in
    turn; what each wrote, and the jobs each ran."""
    tmp = tmp_path_factory.mktemp("export")
    repo = fresh_copy(built, tmp)
    # export builds what its post shows and is missing, and nothing more
    missing = sorted(Path(name).stem for name in post_images(POSTS[0]))
    for name in missing:
        (repo / "figures" / f"{name}.png").unlink()
    blog = tmp / "blog"
    shutil.copytree(FIXTURE, blog)
    written, ran = {}, {}
    for post in POSTS:
        before = stamps(blog)
        # the target goes before --config, which takes every following word as a value
        result = run_snakemake(
            repo,
            "--cores",
            "2",
            "export",
            "--config",
            f"blog_assets={blog / 'assets'}",
            f"post={blog / '_posts' / post.name}",
        )
        assert result.returncode == 0, result.stderr[-3000:]
        after = stamps(blog)
        written[post.name] = sorted(k for k in after if before.get(k) != after[k])
        ran[post.name] = jobs_run(result)
    assert ran[POSTS[0].name] == sorted(["export", *missing])
    assert all(ran[post.name] == ["export"] for post in POSTS[1:]), ran
    return repo, blog, written


def test_export_writes_exactly_each_posts_figures_and_nothing_else(exported):
    repo, blog, written = exported
    for post in POSTS:
        names = post_images(post)
        assert written[post.name] == sorted(f"assets/{name}" for name in names), post.name
        for name in names:
            assert (blog / "assets" / name).read_bytes() == (repo / "figures" / name).read_bytes()
    # between them the posts show every figure of the pipeline, and the images in
    # their comments and code (lmc_samples.png, in_a_fence.png, ...) are not there
    shown = {name for post in POSTS for name in post_images(post)}
    assert shown == {f"{name}.png" for name in FIGURES}
    assert sorted(p.name for p in (blog / "assets").iterdir()) == sorted([*shown, "css"])


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site(exported, tmp_path_factory):
    """The exported blog built by Debian's jekyll, served on 127.0.0.1; its address."""
    jekyll = require("jekyll", JEKYLL_INSTALL)
    repo, blog, _ = exported
    built = blog / "_site"
    built.mkdir()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    # the site's address, so that {{ ... | absolute_url }} and {{ site.url }} name this server
    served = tmp_path_factory.mktemp("jekyll") / "served.yml"
    served.write_text(f"url: {url}\n")
    result = subprocess.run(
        [jekyll, "build", "--source", str(blog), "--destination", str(built)]
        + ["--config", f"{blog / '_config.yml'},{served}"],
        capture_output=True,
        text=True,
        timeout=300,
        # the author's blog has a Gemfile of gems these machines cannot fetch
        env={**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true"},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    yield repo, url
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium"))
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


# What the browser shows of each image, after the page's load event (which
# waits for every image).
IMAGES = """
return Array.from(document.images, (img) => {
  const figure = img.closest("figure");
  const caption = figure && figure.querySelector("figcaption");
  return {
    src: img.getAttribute("src"),
    url: img.currentSrc,
    complete: img.complete,
    natural: [img.naturalWidth, img.naturalHeight],
    width: img.getBoundingClientRect().width,
    widthAttribute: img.getAttribute("width"),
    column: img.closest(".container").getBoundingClientRect().width,
    inFigure: figure !== null,
    alt: img.alt,
    caption: caption ? caption.textContent : "",
  };
});
"""


@pytest.mark.parametrize("post", POSTS, ids=[p.stem[11:] for p in POSTS])
def test_the_built_post_shows_every_figure_where_the_theme_puts_it(site, browser, post, tmp_path):
    repo, url = site
    display_width = yaml.safe_load((repo / "config.yaml").read_text())["display_width"]
    assert display_width == COLUMN - 2 * FIGURE_MARGIN  # the blog's figure width, 535
    browser.get(f"{url}/{post.stem[11:]}/")
    images = browser.execute_script(IMAGES)
    browser.save_screenshot(str(tmp_path / f"{post.stem}.png"))
    # the page has exactly the images natgrad.pipeline.post reads from the post, in order:
    # kramdown and the browser agree with it, comments and code included
    assert [urlsplit(i["src"]).path for i in images] == [
        "/assets/" + image.asset for image in read_images(post.read_text())
    ]
    for image in images:
        name = urlsplit(image["src"]).path.removeprefix("/assets/")
        pipelines = repo / "figures" / name
        assert image["complete"] and image["natural"][0] > 0, f"{name} did not load"
        assert tuple(image["natural"]) == png_size(pipelines), name
        # the theme's width: the column, less a figure's margins, at most the
        # image's own (or its width attribute's). Chromium lays out in units of
        # 1/64 px, and an image sized through its aspect ratio may come out one short.
        assert image["column"] == COLUMN
        room = COLUMN - 2 * FIGURE_MARGIN if image["inFigure"] else COLUMN
        own = int(image["widthAttribute"] or image["natural"][0])
        assert image["width"] == pytest.approx(min(own, room), abs=1 / 64), name
        if image["inFigure"]:
            assert image["width"] == pytest.approx(display_width, abs=1 / 64), name
        served = browser.execute_async_script(FETCH, image["url"])
        assert base64.b64decode(served) == pipelines.read_bytes(), name
        # the text beside it names it: every word of its name in its alt text or caption
        beside = (image["alt"] + " " + image["caption"]).lower()
        missing = [w for w in name.removesuffix(".png").split("_") if w not in beside]
        assert not missing, f"{name}: {missing} not in {beside!r}"


@pytest.mark.parametrize(
    "body, line",
    [
        (
            "<!-- <img src='/assets/equidistant_points.png'> -->\n\n"
            "```\n![x](/assets/equidistant_points.png)\n```\n",
            "natgrad: config key 'post': {post} shows none of the pipeline's figures (no image "
            "under /assets/ outside comments and code); nothing to export",
        ),
        (
            "![a figure](/assets/equidistant_points.png)\n\n"
            '<img src="{{ site.baseurl }}/assets/lmc_samples.png">\n',
            "natgrad: config key 'post': {post} shows /assets/lmc_samples.png, which the "
            "pipeline does not build",
        ),
    ],
    ids=["no-figure", "unbuilt-image"],
)
def test_a_post_it_cannot_export_is_refused_before_any_job(tmp_path, body, line):
    repo = copy_repo(tmp_path / "repo")
    assets = tmp_path / "blog" / "assets"
    assets.mkdir(parents=True)
    post = tmp_path / "blog" / "2021-04-13-natural-gradients.md"
    post.write_text(f"---\nlayout: post\n---\n{body}")
    before = {p.name: p.stat().st_mtime_ns for p in (repo / "figures").iterdir()}
    args = ["--cores", "2", "export", "--config", f"blog_assets={assets}", f"post={post}"]
    refused = run_snakemake(repo, *args)
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert line.format(post=post) in out.splitlines(), out[-2000:]
    assert "Traceback" not in out and jobs_run(refused) == []
    assert list(assets.iterdir()) == []
    assert {p.name: p.stat().st_mtime_ns for p in (repo / "figures").iterdir()} == before


def _fifo_post(tmp_path, assets):
    os.mkfifo(tmp_path / "fifo.md")
    return [f"blog_assets={assets}", f"post={tmp_path / 'fifo.md'}"]


def _post_with(tmp_path, assets, body):
    (tmp_path / "post.md").write_text(body)
    return [f"blog_assets={assets}", f"post={tmp_path / 'post.md'}"]


def _directory_named_like_a_figure(tmp_path, assets):
    (assets / "equidistant_points.png").mkdir()
    return [f"blog_assets={assets}"]


# (what, the --config words given the tmp_path and the assets folder, words of the line)
HOSTILE_EXPORTS = [
    ("post a FIFO", _fifo_post, "config key 'post': '{tmp}/fifo.md' is not a regular file"),
    ("post /dev/zero", lambda tmp, a: [f"blog_assets={a}", "post=/dev/zero"],
     "config key 'post': '/dev/zero' is not a regular file"),
    ("assets in figures/manifest", lambda tmp, a: ["blog_assets=figures/manifest"],
     "config key 'blog_assets': 'figures/manifest' is inside the pipeline's own output folder"),
    ("assets in figures/, output_dir elsewhere",
     lambda tmp, a: ["output_dir=results", "dpi=50", "blog_assets=figures"],
     "config key 'blog_assets': 'figures' is inside the pipeline's own output folder"),
    ("a directory named like a figure", _directory_named_like_a_figure,
     "holds 'equidistant_points.png', which is a directory"),
    ("an escape sequence in an image name",
     lambda tmp, a: _post_with(tmp, a, "![a](/assets/x%1b%5b2J.png)\n"),
     "shows /assets/x\\x1b[2J.png, which the pipeline does not build"),
    ("a NUL in an image name", lambda tmp, a: _post_with(tmp, a, "![a](/assets/y%00.png)\n"),
     "shows /assets/y\\x00.png, which the pipeline does not build"),
]  # fmt: skip


@pytest.mark.parametrize(
    "what, words_of, line", HOSTILE_EXPORTS, ids=[c[0] for c in HOSTILE_EXPORTS]
)
def test_a_hostile_export_is_one_line_before_any_job(tmp_path, what, words_of, line):
    import time

    repo = copy_repo(tmp_path / "repo")
    assets = tmp_path / "blog" / "assets"
    assets.mkdir(parents=True)
    before = tree_hashes(repo / "figures")
    words = words_of(tmp_path, assets)
    listed = sorted(p.name for p in assets.iterdir())
    start = time.perf_counter()
    refused = run_snakemake(repo, "--cores", "2", "export", "--config", *words, timeout=120)
    assert time.perf_counter() - start < 30
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("natgrad: "), out[-2000:]
    assert line.format(tmp=tmp_path) in lines[0], lines[0]
    assert "\x1b" not in out and "\x00" not in out
    assert jobs_run(refused) == []
    assert sorted(p.name for p in assets.iterdir()) == listed
    assert tree_hashes(repo / "figures") == before


def test_export_deletes_only_its_own_temporaries(tmp_path):
    """A file of the user's named like a temporary of a figure (as a killed write of
    natgrad.pipeline.io would leave one in figures/) stays in the blog's folder."""
    repo = copy_repo(tmp_path / "repo")
    assets = tmp_path / "assets"
    assets.mkdir()
    mine = assets / ".equidistant_points.png.abcdefgh.tmp"
    mine.write_text("the user's")
    result = run_snakemake(repo, "--cores", "2", "export", "--config", f"blog_assets={assets}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert mine.read_text() == "the user's"
    expected = {f"{name}.png" for name in yaml.safe_load((repo / "config.yaml").read_text())[
        "post_figures"]} | {mine.name}  # fmt: skip
    assert {p.name for p in assets.iterdir()} == expected
