"""The post preview as the author uses it: the fixture blog built by the real jekyll,
the real command, real saves, read in headless Chromium."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from natgrad.tools.preview.claims import claim_spots, inject
from tests.helpers.blog import COLUMN, FIGURE_MARGIN, FIXTURE, JEKYLL_INSTALL
from tests.helpers.previews import FETCH, RunningPost, wait
from tests.helpers.previews import shown as figures_shown
from tests.helpers.snakemake_runs import copy_repo

# The post the tests preview: two of the pipeline's figures as the author's post
# shows them, and two sentences of the author's post that state claims.
POST = """---
layout: post
title: "Live figures"
---

The figure below shows equidistant points.

<center>
<figure>
  <img src="/assets/equidistant_points.png">
  <figcaption>Equidistant points under different metrics.</figcaption>
</figure>
</center>

Finally, for the lower-right term, we can use the fact that
$\\mathbb{E}[(x - \\mu)^3] = 3\\sigma^4$, resulting in a number.

<figure>
  <img src="{{ site.baseurl }}/assets/gd_euclidean_mahalanobis.png">
  <figcaption>Steepest descent under Euclidean and Mahalanobis metrics.</figcaption>
</figure>

The final line comes from the fact that the expectation of the score is always $0$.
"""
FIGURES = ["equidistant_points", "gd_euclidean_mahalanobis"]


def blog_copy(tmp_path: Path) -> tuple[Path, Path]:
    blog = tmp_path / "blog"
    shutil.copytree(FIXTURE, blog)
    post = blog / "_posts" / "2021-02-01-live-figures.md"
    post.write_text(POST)
    return blog, post


@pytest.fixture
def live(tmp_path):
    if shutil.which("jekyll") is None:
        pytest.fail(f"jekyll not found: {JEKYLL_INSTALL}", pytrace=False)
    repo = copy_repo(tmp_path / "repo")
    blog, post = blog_copy(tmp_path)
    running = RunningPost(repo, blog, post)
    yield running
    running.stop()


def shown(driver, names=FIGURES):
    """Each of the post's figures on the page once loaded (previews.FIGURE_STATE)."""
    return figures_shown(driver, names)


@pytest.mark.slow
def test_the_post_shows_its_theme_live_figures_and_checks_and_follows_its_edits(
    live, browser, tmp_path
):
    """One preview and one page (a fold of two starts): the post in its theme with the
    live figures and their checks, a config save redrawing one of them, then an edit
    of the post rebuilding the page."""
    shows_its_theme_and_live_figures_with_their_checks(live, browser, tmp_path)
    a_post_edit_rebuilds_it_and_the_page_reloads(live, browser)


def shows_its_theme_and_live_figures_with_their_checks(live, browser, tmp_path):
    assert live.url == f"http://127.0.0.1:{live.port}/live-figures/"
    browser.get(live.url)
    figures = wait(lambda: shown(browser), "every figure")
    # the theme's stylesheet is applied: its column, and each figure at its CSS width
    column = browser.execute_script(
        "return document.querySelector('.container').getBoundingClientRect().width"
    )
    assert column == COLUMN
    drawings = live.repo / ".preview" / "post" / "figures"
    served = {}
    for name, figure in figures.items():
        assert figure["width"] == pytest.approx(COLUMN - 2 * FIGURE_MARGIN, abs=1 / 64), name
        # the preview's drawing, never the blog's assets (which has none)
        served[name] = base64.b64decode(browser.execute_async_script(FETCH, figure["src"]))
        assert served[name] == (drawings / f"{name}.png").read_bytes()
    assert sorted(p.name for p in (live.blog / "assets").iterdir()) == ["css"]
    # a fresh copy's committed figures are current: the check's verdict, beside each
    wait(
        lambda: all(
            "committed figure is current" in f["status"]
            for f in (shown(browser) or {0: {"status": ""}}).values()
        ),
        "the checks",
    )
    # the claims the post states, each with its verdict, where it states it
    claims = json.loads((live.repo / "figures" / "claims.json").read_text())
    third = next(c for c in claims if c["draft"].startswith("E[(x - mu)^3] = 3 sigma^4"))
    score = next(c for c in claims if c["draft"] == "the expectation of the score is always 0")
    badges = wait(
        lambda: browser.execute_script(
            "return Array.from(document.querySelectorAll('.natgrad-claim'),"
            " (b) => [b.dataset.claim, b.textContent, b.parentElement.textContent])"
        ),
        "the claims",
    )
    by_id = {claim: (text, passage) for claim, text, passage in badges}
    assert set(by_id) == {third["id"], score["id"]}
    assert by_id[third["id"]][0] == f"{third['id']} {third['verdict']}" == f"{third['id']} erratum"
    assert "lower-right term" in by_id[third["id"]][1]
    assert by_id[score["id"]][0] == f"{score['id']} holds"
    assert "expectation of the score" in by_id[score["id"]][1]
    browser.save_screenshot(str(tmp_path / "post.png"))

    # a saved config change reaches the page's image (its latency is the benchmark's)
    before = figures["equidistant_points"]
    live.edit("  linewidth: 6\n", "  linewidth: 3\n")
    after = wait(
        lambda: (s := shown(browser)) and s["equidistant_points"]["version"] != before["version"],
        "the redrawn figure",
    )
    after = shown(browser)["equidistant_points"]
    assert after["natural"] == before["natural"]
    new = base64.b64decode(browser.execute_async_script(FETCH, after["src"]))
    assert new != served["equidistant_points"]
    assert new == (drawings / "equidistant_points.png").read_bytes()
    # ... and only that figure was redrawn; the committed one is now stale
    assert (
        shown(browser)["gd_euclidean_mahalanobis"]["version"]
        == figures["gd_euclidean_mahalanobis"]["version"]
    )
    wait(
        lambda: "committed figure is stale" in shown(browser)["equidistant_points"]["status"],
        "the stale verdict",
    )


def a_post_edit_rebuilds_it_and_the_page_reloads(live, browser):
    browser.get(live.url)
    wait(lambda: shown(browser), "the page")
    browser.execute_script("window.natgradBefore = true")
    text = live.post.read_text()
    live.post.write_text(
        text.replace("shows equidistant points.", "shows points, all equidistant.")
    )
    wait(
        # read in one script: the page may reload between finding an element and reading it
        lambda: (
            "shows points, all equidistant."
            in browser.execute_script("return document.body ? document.body.innerText : ''")
        ),
        "the edited text",
    )
    assert browser.execute_script("return window.natgradBefore") is None  # reloaded
    live.said("natgrad preview: jekyll rebuilt the site (build 2)")
    # nothing was written into the blog: Jekyll built a mirror of it
    assert not (live.blog / ".jekyll-metadata").exists() and not (live.blog / "_site").exists()
    # a Liquid error is Jekyll's one line on the page; the last good page stays
    live.post.write_text(text + "\n{% nosuchtag %}\n")
    line = wait(
        lambda: browser.execute_script(
            "const e = document.getElementById('natgrad-site-error'); return e && e.textContent"
        ),
        "Jekyll's error",
    )
    assert line.startswith("jekyll: Liquid Exception: Liquid syntax error")
    assert str(live.post) in line and "\n" not in line


@pytest.mark.slow
def test_ctrl_c_in_a_terminal_stops_it_without_a_traceback(live):
    """A terminal's Ctrl-C reaches every process of its group: the preview, its fork
    server, its worker and Jekyll. The worker died of the KeyboardInterrupt and
    printed ``Process ForkServerPoolWorker-1: Traceback ...``, and Jekyll's exit was
    reported as an error, on the way out."""
    assert live.request("GET", "/assets/equidistant_points.png")[0] == 200  # the worker drew
    assert live.stop(group=True) == 0
    log = live.stderr()
    assert log.rstrip().endswith("natgrad preview: stopped"), log
    for noise in ("Traceback", "KeyboardInterrupt", "ForkServerPoolWorker", "jekyll stopped"):
        assert noise not in log, log


def path_without(program: str, tmp_path: Path) -> str:
    """PATH with every directory holding ``program`` replaced by links to the rest."""
    dirs = []
    for i, d in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        if not d or not (Path(d) / program).exists():
            dirs.append(d)
            continue
        shadow = tmp_path / f"no-{program}-{i}"
        shadow.mkdir()
        for entry in Path(d).iterdir():
            if entry.name != program:
                (shadow / entry.name).symlink_to(entry)
        dirs.append(str(shadow))
    return os.pathsep.join(dirs)


@pytest.mark.slow
def test_jekyll_missing_or_failing_is_one_line(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    blog, post = blog_copy(tmp_path)
    env = {**os.environ, "PATH": path_without("jekyll", tmp_path)}
    assert shutil.which("jekyll", path=env["PATH"]) is None
    args = [sys.executable, "-m", "natgrad.preview", "--blog", str(blog), "--post", str(post)]
    missing = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2
    assert missing.stderr == "natgrad preview: jekyll not found: apt-get install jekyll\n"
    post.write_text(POST + "\n{% nosuchtag %}\n")
    failing = subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=300)
    assert failing.returncode == 2
    [line] = failing.stderr.splitlines()
    assert line.startswith("natgrad preview: jekyll: Liquid Exception: Liquid syntax error")
    assert line.endswith(f"Unknown tag 'nosuchtag' in {post}")


# -- fast: where the page states a claim, and what the page is given --------------

CLAIMS = [
    {"id": "C1", "draft": "E[(x - mu)^3] = 3 sigma^4", "verdict": "erratum"},
    {"id": "C2", "draft": "the expectation of the score is always 0", "verdict": "holds"},
    {"id": "C3", "draft": "the KL divergence is a metric", "verdict": "erratum"},
]


def test_claims_are_found_in_the_passage_that_states_them():
    page = (
        "<html><head><title>t</title></head><body>\n"
        "<p>The mean is $\\mu$ and the spread is $\\sigma$.</p>\n"
        "<p>We use the fact that $\\mathbb{E}[(x - \\mu)^3] = 3\\sigma^4$, resulting in</p>\n"
        "\\[1 - 2 + 3 = 2.\\]\n"
        "<pre><code>the expectation of the score is always 0</code></pre>\n"
        "<ul><li>Note that the expectation of the score is always $0$.</li></ul>\n"
        "</body></html>"
    )
    spots = {s.claim: s for s in claim_spots(page, CLAIMS)}
    # words and formula order, not the mere symbols mu and sigma; never code
    assert set(spots) == {"C1", "C2"}
    assert (spots["C1"].tag, spots["C1"].pos) == ("p", (3, 0))
    assert (spots["C2"].tag, spots["C2"].pos) == ("li", (6, 4))
    marked = inject(page, "<script src=x></script>", list(spots.values()))
    assert '<p data-natgrad-claims="C1">We use the fact' in marked
    assert '<li data-natgrad-claims="C2">Note that' in marked
    assert marked.index("<script src=x></script>") == marked.index("</head>") - len(
        "<script src=x></script>"
    )


def test_a_claim_two_passages_state_alike_is_placed_in_neither():
    page = "<p>the expectation of the score is always 0</p>" * 2
    assert claim_spots(page, CLAIMS) == []


# -- a day's saves, signals and clients cannot stop it ------------------------------


def site_holds(folder: Path, needle: bytes) -> list[str]:
    """Files below ``folder`` (not following symlinks) whose bytes hold ``needle``."""
    return [
        str(p)
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and needle in p.read_bytes()
    ]


def refuses_foreign_hosts_and_origins_and_serves_only_the_site(live):
    """Another site's page reaching 127.0.0.1 names its own host; only the site is served."""
    port = live.port
    assert live.request("GET", "/live-figures/")[0] == 200
    assert live.request("GET", "/live-figures/", {"Host": f"localhost:{port}"})[0] == 200
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}"):
        status, body = live.request("GET", "/live-figures/", {"Host": host})
        assert status == 421 and b"Live figures" not in body, host
    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{port + 1}"):
        status, _ = live.request("GET", "/__natgrad/events", {"Origin": origin})
        assert status == 403, origin
    status, body = live.request("GET", "/assets/equidistant_points.png")
    assert status == 200 and body.startswith(b"\x89PNG")
    # a figure the post does not show is not drawn, and not served
    assert live.request("GET", "/assets/gaussian_fisher_ellipses.png")[0] == 404
    for path in [
        "/../config.yaml",
        "/%2e%2e/repo/config.yaml",
        "/_config.yml",
        "/_posts/2021-02-01-live-figures.md",
        "/assets/../../repo/config.yaml",
        "/__natgrad/../config.yaml",
        "/__natgrad/nothing",
    ]:
        status, body = live.request("GET", path)
        assert status == 404 and b"output_dir" not in body and b"layout:" not in body, path
    for method in ("POST", "PUT", "DELETE"):
        assert live.request(method, "/live-figures/")[0] == 405


@pytest.mark.slow
def test_symlinks_out_of_the_blog_are_never_served_nor_another_host(tmp_path):
    """A file, a post and a folder linked out of the blog, present at the start or
    added while it runs: skipped with one line each, never in the mirror, the site
    or its feed, and answered 404. The same preview refuses another host and origin
    (one start for both checks)."""
    if shutil.which("jekyll") is None:
        pytest.fail(f"jekyll not found: {JEKYLL_INSTALL}", pytrace=False)
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("---\nlayout: post\ntitle: SECRET-TITLE\n---\n\nSECRET-BYTES\n")
    repo = copy_repo(tmp_path / "repo")
    blog, post = blog_copy(tmp_path)
    config = blog / "_config.yml"
    config.write_text(config.read_text() + "plugins: [jekyll-feed]\n")  # feed.xml, as the author's
    (blog / "assets" / "passwd.txt").symlink_to(secret)
    (blog / "_posts" / "2021-03-01-x.md").symlink_to(secret)
    (blog / "assets" / "outside").symlink_to(secret.parent, target_is_directory=True)
    live = RunningPost(repo, blog, post)
    try:
        log = live.stderr()
        for name in ("assets/passwd.txt", "_posts/2021-03-01-x.md", "assets/outside"):
            assert log.count(f"skipped {name}: a symlink out of the blog") == 1, log
        # added while it runs, then a save of the post that Jekyll builds
        (blog / "assets" / "later.txt").symlink_to(secret)
        live.said("skipped assets/later.txt: a symlink out")
        post.write_text(POST.replace("shows equidistant points.", "shows points."))
        live.said("jekyll rebuilt the site (build 2)")
        for path in (
            "/assets/passwd.txt",
            "/assets/later.txt",
            "/assets/outside/secret.md",
            "/x/",
            "/2021/03/01/x.html",
        ):
            status, body = live.request("GET", path)
            assert status == 404 and b"SECRET" not in body, path
        status, feed = live.request("GET", "/feed.xml")
        assert status == 200 and b"Live figures" in feed and b"SECRET" not in feed
        out = live.repo / ".preview" / "post"
        assert site_holds(out / "site", b"SECRET") == []
        assert site_holds(out / "blog", b"SECRET") == []
        refuses_foreign_hosts_and_origins_and_serves_only_the_site(live)
        assert live.stop() == 0
    finally:
        live.kill()
    assert "Traceback" not in live.stderr()


@pytest.mark.slow
def test_code_saves_dpi_overflow_and_edges_in_the_post_preview(live):
    """A figure's code saved (its config unchanged) makes the committed figure stale:
    the verdict follows the job's inputs, not its config. A dpi no float holds is one
    line, and the next good save recovers. Clients that reset, over-long paths,
    doubled headers: answered, never a traceback; its event stream read in bounded
    time."""
    from tests.helpers.previews import events, raw_status, reset_midway

    def verdicts():
        figures = live.state()["figures"]
        return {n: (figures[n]["verdict"] or {}).get("status") for n in FIGURES}

    live.wait(lambda: set(verdicts().values()) == {"current"}, "the checks")
    before = live.version("equidistant_points")
    module = live.repo / "natgrad" / "figures" / "equidistant_points.py"
    module.write_text(module.read_text() + "\n# new code, the same drawing\n")
    live.wait(lambda: live.version("equidistant_points") > before, "the redraw")
    live.wait(lambda: verdicts()["equidistant_points"] == "stale", "the stale verdict")
    assert verdicts()["gd_euclidean_mahalanobis"] == "current"

    config = live.repo / "config.yaml"
    good = config.read_bytes()
    config.write_bytes(good.replace(b"\ndpi: ", b"\ndpi: 1" + b"0" * 400 + b" #", 1))
    line = live.wait(lambda: live.state()["config_error"], "the dpi's error")
    assert "\n" not in line and ("config.yaml" in line or "'dpi'" in line), line
    live.said(line)
    config.write_bytes(good)
    live.wait(lambda: live.state()["config_error"] is None, "the recovery")

    port = live.port
    for _ in range(10):
        reset_midway(port, "/assets/equidistant_points.png")
        reset_midway(port, "/live-figures/")
    assert live.request("GET", "/" + "a" * 300 + "/index.html")[0] == 404
    assert live.request("GET", "/assets/" + "/".join(["b" * 250] * 20))[0] == 404
    own, other = f"Host: 127.0.0.1:{port}\r\n", "Host: evil.example\r\n"
    assert raw_status(port, f"GET /live-figures/ HTTP/1.1\r\n{own}{other}") == 400
    origins = f"Origin: http://127.0.0.1:{port}\r\nOrigin: http://evil.example\r\n"
    assert raw_status(port, f"GET /__natgrad/state HTTP/1.1\r\n{own}{origins}") == 400
    status, first = events(port, "/__natgrad/events", {"Origin": f"http://127.0.0.1:{port}"})
    assert status == 200 and first[0].startswith('data: {"generation": ')
    assert events(port, "/__natgrad/events", {"Origin": "http://evil.example"}) == (403, [])
    assert live.proc.poll() is None
    log = live.stderr()
    for noise in ("Traceback", "ConnectionResetError", "BrokenPipeError", "OSError"):
        assert noise not in log, log


@pytest.mark.slow
@pytest.mark.parametrize(
    "signum, group",
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGTERM, True)],
    ids=["SIGINT-process", "SIGTERM-process", "SIGTERM-group"],
)
def test_a_signal_stops_it_cleanly(live, signum, group):
    """As a process manager, ``kill`` or a session's end stops it (a terminal's Ctrl-C
    to the group is the test above): status 0, Jekyll's exit no error, nothing left."""
    assert live.request("GET", "/assets/equidistant_points.png")[0] == 200
    if group:
        os.killpg(live.proc.pid, signum)
    else:
        live.proc.send_signal(signum)
    assert live.proc.wait(timeout=30) == 0
    live.wait(lambda: not live.group(), "its other processes to end", timeout=30)
    log = live.stderr()
    assert log.rstrip().endswith("natgrad preview: stopped"), log
    for noise in ("Traceback", "KeyboardInterrupt", "jekyll stopped", "status 1"):
        assert noise not in log, log
