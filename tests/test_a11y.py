"""The figures' text in the blog as its readers get it, checked by a real engine:
`snakemake export ... blog_text=true` into a copy of the fixture blog, built by
Debian's jekyll, served, read in headless Chromium and audited by axe-core.

axe-core is the npm package, installed by .ci/setup-tests (AXE_INSTALL);
missing, the test fails with that line.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from natgrad.figures import registry
from natgrad.pipeline.blog import DATA_FILE, INCLUDE, INCLUDE_FILE
from natgrad.pipeline.post import post_images, read_images
from tests.helpers.blog import FIXTURE
from tests.helpers.browser import chromium, require
from tests.helpers.snakemake_runs import ROOT, copy_repo, jobs_run, png_size, run_snakemake

pytestmark = pytest.mark.slow

A11Y_POSTS = Path(__file__).parent / "fixtures" / "blog-a11y" / "_posts"
BY_INCLUDE = A11Y_POSTS / "2021-02-01-figures-by-include.md"
AS_PUBLISHED = A11Y_POSTS / "2021-02-02-as-published.md"

AXE = ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's pinned version: .ci/setup-tests installs it (the one list of what the tests need).
AXE_VERSION = "axe-core@4.10.3"
AXE_INSTALL = f"bash .ci/setup-tests (npm install --prefix .ci {AXE_VERSION})"
#: axe-core's rules about images and their text alternatives (WCAG 1.1.1):
#: https://dequeuniversity.com/rules/axe/4.10
IMAGE_RULES = [
    "image-alt",
    "input-image-alt",
    "role-img-alt",
    "svg-img-alt",
    "object-alt",
    "area-alt",
    "image-redundant-alt",
]
COLUMN, FIGURE_MARGIN = 615, 40  # the theme's column, a <figure>'s margins (test_export)


def axe_source(path: Path = AXE) -> str:
    """axe-core's script, or fail the test with the line that installs it."""
    if not path.is_file():
        pytest.fail(f"axe-core not found ({path}): {AXE_INSTALL}", pytrace=False)
    return path.read_text()


# axe's verdict on the page, for the image rules: each violation with its nodes.
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "rule", values: arguments[0]}, resultTypes: ["violations"]})
  .then((r) => done(r.violations.map((v) => ({
    id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.html)}))))
  .catch((e) => done("failed: " + e));
"""

IMAGES = """
return Array.from(document.images, (img) => {
  const figure = img.closest("figure");
  const caption = figure && figure.querySelector("figcaption");
  const details = figure && figure.querySelector("details");
  return {
    src: img.getAttribute("src"),
    alt: img.getAttribute("alt"),
    width: img.getAttribute("width"),
    height: img.getAttribute("height"),
    loading: img.getAttribute("loading"),
    shown: img.getBoundingClientRect().width,
    complete: img.complete,
    caption: caption ? caption.firstChild.textContent.trim() : "",
    description: details ? details.textContent.replace(/^\\s*Description of the figure/, "") : "",
  };
});
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    """A copy of the repository (its committed figures current, so export draws
    none) and of the fixture blog with the two posts; after `export ... blog_text=true`
    with the include post: the repo, the blog, the files the export wrote."""
    tmp = tmp_path_factory.mktemp("a11y")
    repo = copy_repo(tmp / "repo")
    blog = tmp / "blog"
    shutil.copytree(FIXTURE, blog)
    for post in A11Y_POSTS.iterdir():
        shutil.copy(post, blog / "_posts" / post.name)
    before = {p: p.stat().st_mtime_ns for p in blog.rglob("*") if p.is_file()}
    result = run_snakemake(
        repo, "--cores", "2", "export", "--config", f"blog_assets={blog / 'assets'}",
        f"post={blog / '_posts' / BY_INCLUDE.name}", "blog_text=true",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert jobs_run(result) == ["export"]
    written = sorted(
        p.relative_to(blog).as_posix()
        for p in blog.rglob("*")
        if p.is_file() and before.get(p) != p.stat().st_mtime_ns
    )
    return repo, blog, written


@pytest.fixture(scope="module")
def site(blog, tmp_path_factory):
    """The blog built by Debian's jekyll and served on 127.0.0.1: its address."""
    jekyll = require("jekyll", "apt-get install jekyll")
    _, source, _ = blog
    built = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [jekyll, "build", "--source", str(source), "--destination", str(built)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true"},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    source = axe_source()
    driver = chromium(tmp_path_factory.mktemp("chromium"))
    driver.set_script_timeout(30)
    yield driver, source
    driver.quit()


def audit(browser, url: str) -> tuple[list[dict], list[dict]]:
    """The page's images and axe-core's violations of the image rules on it."""
    driver, source = browser
    driver.get(url)
    driver.execute_script(source)
    violations = driver.execute_async_script(RUN_AXE, IMAGE_RULES)
    assert not isinstance(violations, str), violations
    return driver.execute_script(IMAGES), violations


def test_export_writes_the_data_file_and_the_include_and_nothing_else(blog):
    repo, source, written = blog
    shown = post_images(BY_INCLUDE)
    assert shown == [f"{name}.png" for name in yaml.safe_load(
        (repo / "config.yaml").read_text())["post_figures"]]  # fmt: skip
    assert written == sorted([*(f"assets/{n}" for n in shown), DATA_FILE, INCLUDE_FILE])
    assert (source / INCLUDE_FILE).read_text() == INCLUDE
    data = yaml.safe_load((source / DATA_FILE).read_text())
    assert sorted(data) == sorted(registry())
    for name, entry in data.items():
        text = json.loads((repo / "figures" / "text" / f"{name}.json").read_text())
        assert (entry["alt"], entry["description"]) == (text["alt"], text["description"])
        assert (entry["width"], entry["height"]) == png_size(repo / "figures" / f"{name}.png")
        assert entry["caption"] == registry()[name].summary
        assert entry["src"] == f"/assets/{name}.png"


def test_a_post_using_the_include_passes_axes_image_rules(site, browser):
    """Each figure with the pipeline's alt, pixel size, lazy loading, caption and
    description; exactly the images the export's reader finds; no image violation."""
    images, violations = audit(browser, f"{site}/figures-by-include/")
    assert violations == []
    expected = read_images(BY_INCLUDE.read_text())
    assert [urlsplit(i["src"]).path for i in images] == [e.src for e in expected]
    for image, read in zip(images, expected, strict=True):
        name = read.include
        text = json.loads((ROOT / "figures" / "text" / f"{name}.json").read_text())
        assert image["complete"]
        assert image["alt"] == text["alt"]
        assert " ".join(image["description"].split()) == text["description"]
        assert (int(image["width"]), int(image["height"])) == png_size(
            ROOT / "figures" / f"{name}.png"
        )
        assert image["loading"] == "lazy"
        assert image["shown"] == pytest.approx(COLUMN - 2 * FIGURE_MARGIN, abs=1 / 64)
        assert image["caption"] == (read.caption or registry()[name].summary)


def test_axe_finds_the_published_posts_four_missing_alts(site, browser):
    """Written as the published post writes its figures: four images without alt."""
    images, violations = audit(browser, f"{site}/as-published/")
    assert len(images) == 4 and all(i["alt"] is None for i in images)
    assert [v["id"] for v in violations] == ["image-alt"]
    (missing,) = violations
    assert missing["impact"] == "critical"
    assert len(missing["nodes"]) == 4
    for node, image in zip(missing["nodes"], images, strict=True):
        assert image["src"] in node


def test_axe_missing_fails_with_the_line_that_installs_it(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="npm install .* axe-core@4"):
        axe_source(tmp_path / "axe.min.js")
    # the setup script (the README's second command and CI) installs the same version
    assert AXE_VERSION in (ROOT / ".ci" / "setup-tests").read_text()


@pytest.mark.parametrize(
    "site, extra, line",
    [
        ("not-a-blog", [], "natgrad: config key 'blog_text': '{site}', the parent of "
         "blog_assets, has no _config.yml; blog_text writes into the Jekyll site whose "
         "assets folder blog_assets is"),
        ("blog", ["formats=[svg]"], "natgrad: config key 'blog_text': the blog's include "
         "shows each figure's PNG; add png to formats"),
        ("blog/_data/natgrad.yml/", [], "natgrad: config key 'blog_text': '{site}/_data/"
         "natgrad.yml' is a directory; export would replace it with its _data/natgrad.yml: "
         "move it away"),
        ("blog/_includes", [], "natgrad: config key 'blog_text': '{site}/_includes' is not a "
         "folder; blog_text writes _includes/natgrad-figure.html there: move it away"),
    ],
    ids=["no-jekyll-site", "no-png", "data-file-a-directory", "includes-a-file"],
)  # fmt: skip
def test_blog_text_it_cannot_write_is_refused_before_any_job(tmp_path, site, extra, line):
    """One line naming the key, before any job, nothing written. ``site`` is the
    Jekyll site's folder, then what stands in the way (a trailing ``/`` a folder, else
    a file)."""
    site, _, obstacle = site.partition("/")
    repo = copy_repo(tmp_path / "repo")
    assets = tmp_path / site / "assets"
    assets.mkdir(parents=True)
    if site == "blog":
        (tmp_path / site / "_config.yml").write_text("title: x\n")
    if obstacle:
        path = tmp_path / site / obstacle.rstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir() if obstacle.endswith("/") else path.write_text("mine\n")
    before = sorted((tmp_path / site).rglob("*"))
    result = run_snakemake(
        repo, "--cores", "1", "export", "--config", f"blog_assets={assets}", "blog_text=true",
        *extra,
    )  # fmt: skip
    assert result.returncode != 0
    assert line.format(site=tmp_path / site) in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert sorted((tmp_path / site).rglob("*")) == before
