"""The live preview as a person uses it: the real command, real saves, a real browser."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from natgrad.tools.preview.model import caption_text
from tests.helpers.previews import group_of
from tests.helpers.snakemake_runs import FIGURES, copy_repo, run_snakemake

pytestmark = pytest.mark.slow


def test_its_server_answers_only_its_own_host_files_and_well_formed_requests(preview, tmp_path):
    """One preview for three read-only checks of its server (each started preview
    draws every figure twice: a fold of three starts into one)."""
    refuses_foreign_hosts_and_origins(preview)
    serves_only_its_own_files(preview, tmp_path)
    answers_edges_not_tracebacks(preview)


def refuses_foreign_hosts_and_origins(preview):
    """DNS rebinding: another site's page reaching 127.0.0.1 names its own host."""
    port = preview.port
    assert preview.request("GET", "/", {"Host": f"localhost:{port}"})[0] == 200
    for host in ("attacker.example", f"attacker.example:{port}", f"127.0.0.1:{port + 1}"):
        status, body = preview.request("GET", "/", {"Host": host})
        assert status == 421 and b"natgrad preview" not in body, host
        status, body = preview.request("GET", "/state", {"Host": host})
        assert status == 421 and b"figures" not in body, host
    for origin in ("http://attacker.example", "null", f"http://127.0.0.1:{port + 1}"):
        assert preview.request("GET", "/events", {"Origin": origin})[0] == 403, origin
    preview.said("not this server's host: 'attacker.example'")


def serves_only_its_own_files(preview, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the browser")
    (preview.repo / ".preview" / "link.png").symlink_to(outside)
    for path in [
        "/figures/../config.yaml",
        "/figures/%2e%2e/config.yaml",
        "/figures/%2E%2E%2Fconfig.yaml",
        "/figures//etc/passwd",
        "/figures/%2fetc%2fpasswd",
        f"/figures/{outside}",
        "/figures/link.png",
        "/figures/data",
        "/figures/",
        "/config.yaml",
        "/../config.yaml",
    ]:
        status, body = preview.request("GET", path)
        assert status == 404 and b"secret" not in body and b"output_dir" not in body, path
    assert preview.request("GET", "/figures/equidistant_points.png")[0] == 200
    status, body = preview.request("HEAD", "/figures/equidistant_points.png")
    assert status == 200 and body == b""
    for method in ("POST", "PUT", "DELETE"):
        assert preview.request(method, "/")[0] == 405
    log = preview.stderr()
    assert "404 '/figures/%2e%2e/config.yaml': outside the preview's folder" in log
    assert "404 '/figures/link.png'" in log
    # nothing of it opens to the network: the server is bound to loopback only
    assert preview.log[-1].startswith("natgrad preview: http://127.0.0.1:") or "127.0.0.1" in log


def test_what_it_shows_is_what_snakemake_writes(preview):
    """The same render function: the previewed figure and the pipeline's are the same bytes."""
    before = preview.version("equidistant_points")
    preview.edit("  linewidth: 6\n", "  linewidth: 4\n")
    preview.wait(lambda: preview.version("equidistant_points") > before, "the redraw")
    status, shown = preview.request("GET", "/figures/equidistant_points.png")
    assert status == 200
    # The copy has no Snakemake records of its committed figures, so Snakemake
    # would not notice the changed params: the figure is removed, and built.
    built = preview.repo / "figures" / "equidistant_points.png"
    built.unlink()
    result = run_snakemake(preview.repo, "--cores", "4")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rule equidistant_points:" in result.stdout + result.stderr
    assert built.read_bytes() == shown


def test_a_save_redraws_exactly_the_figures_whose_inputs_changed(preview):
    versions = {f["name"]: f["version"] for f in preview.state()["figures"]}
    preview.edit("  n_steps: 10\n", "  n_steps: 11\n")  # gd_euclidean_mahalanobis
    name = "gd_euclidean_mahalanobis"
    preview.wait(lambda: preview.version(name) > versions[name], "the redraw")
    time.sleep(0.5)
    after = {f["name"]: f["version"] for f in preview.state()["figures"]}
    assert {n for n in after if after[n] != versions[n]} == {name}
    # a shared section redraws every figure that reads it
    preview.edit("  seed: 0 ", "  seed: 1 ")
    shared = ["gaussian_isocontours_fisher", "natural_gradient_gaussian_mle"]
    preview.wait(lambda: all(preview.version(n) > after[n] for n in shared), "the shared redraw")
    assert preview.version("equidistant_points") == after["equidistant_points"]


def test_a_failing_figure_shows_its_error_in_place_and_ctrl_c_stops(preview):
    preview.edit("      lr: 0.5\n", "      lr: 1.0e+200\n")
    error = preview.wait(
        lambda: {f["name"]: f["error"] for f in preview.state()["figures"]}.get(
            "gd_euclidean_mahalanobis"
        ),
        "the figure's error",
    )
    assert error.startswith("natgrad: figure gd_euclidean_mahalanobis: setting panels[0].lr")
    assert "\n" not in error
    assert preview.state()["config_error"] is None
    # the terminal says it once, prefixed once (it said "natgrad: natgrad: figure ...")
    preview.said(error)
    assert "natgrad: natgrad:" not in preview.stderr()
    # as a terminal sends it, to every process of the group: no worker's traceback
    assert preview.stop(group=True) == 0
    assert preview.stderr().rstrip().endswith("natgrad preview: stopped")
    assert "Traceback" not in preview.stderr() and "KeyboardInterrupt" not in preview.stderr()


def test_captions_are_the_reports_first_paragraph_with_config_values():
    rst = 'Draws {{ snakemake.config["gaussian_data"]["n"] }} points.\n\nConfig ``x``::\n'
    assert caption_text(rst, {"gaussian_data": {"n": 2000}}) == "Draws 2000 points."
    assert caption_text("x\\ :sup:`2` and y", {}) == "x^2 and y"
    # as Snakemake's report renders them (Jinja2): tojson, a missing key, no Python
    cfg = {"s": {"n": 3, "c": "a<b"}}
    assert caption_text('{{ snakemake.config["s"] | tojson }}', cfg) == '{"n": 3, "c": "a<b"}'
    assert caption_text('[{{ snakemake.config["t"]["n"] }}]', cfg) == "[]"
    assert caption_text("{{ snakemake.__class__.__mro__ }}", cfg) == ""
    assert caption_text("{{ snakemake.config[ }}", cfg).startswith("{{ snakemake.config[ }} (")


def image_version(driver, name):
    return driver.execute_script(
        "const img = document.getElementById(arguments[0]);"
        "return img.complete && img.naturalWidth > 0 ? img.dataset.version : null;",
        f"img-{name}",
    )


def test_the_page_in_a_browser_follows_saves_bad_configs_and_the_display_width(
    preview, browser, tmp_path
):
    """One preview and one page for three checks in a browser (a fold of three starts):
    a save redraws the image in place, a bad config shows its line and the last good
    figures until the next good save, and the figures are shown at display_width."""
    updates_itself_after_a_save(preview, browser, tmp_path)
    shows_a_bad_config_and_recovers(preview, browser, tmp_path)
    shows_each_figure_at_the_display_width(preview, browser)


def updates_itself_after_a_save(preview, browser, tmp_path):
    browser.get(f"http://127.0.0.1:{preview.port}/")
    name = "equidistant_points"
    first = preview.wait(lambda: image_version(browser, name), "the first image")
    preview.edit("  linewidth: 6\n", "  linewidth: 3\n")
    preview.wait(lambda: image_version(browser, name) not in (None, first), "the new image")
    width = browser.execute_script(
        "return document.getElementById('img-equidistant_points').naturalWidth"
    )
    assert width == 2000
    caption = browser.find_element("id", f"caption-{name}").text
    assert caption.startswith("Equidistant points under different metrics")
    browser.save_screenshot(str(tmp_path / "preview.png"))
    assert (tmp_path / "preview.png").stat().st_size > 10_000


def shows_a_bad_config_and_recovers(preview, browser, tmp_path):
    browser.get(f"http://127.0.0.1:{preview.port}/")
    preview.wait(lambda: image_version(browser, "gd_euclidean_mahalanobis"), "the page")
    good = "title: '$\\log p(x|\\mu, \\sigma^2)$'"
    preview.edit(good, "title: '$\\log p'")

    def error_line():
        return browser.find_element("id", "config-error").text

    line = preview.wait(error_line, "the error line")
    assert line == (
        "natgrad: config key 'gaussian_isocontours_fisher.title': '$\\\\log p': unbalanced $ "
        "(an odd number of unescaped dollar signs)"
    )
    preview.said(line)  # the terminal says the same
    browser.save_screenshot(str(tmp_path / "error.png"))
    # the last good figures stay
    assert image_version(browser, "gaussian_isocontours_fisher") == "1"
    preview.edit("title: '$\\log p'", good)
    preview.wait(lambda: error_line() == "", "the recovery")
    assert preview.proc.poll() is None


@pytest.mark.latex
@pytest.mark.parametrize("after", [1.0, 6.0])
def test_ctrl_c_stops_it_while_latex_draws(latex, tmp_path, after):
    """Stopped within seconds wherever it is, its fork server and workers too: at 1 s
    it is still drawing the first figures with LaTeX; at 6 s, after a save, again."""
    repo = copy_repo(tmp_path / "repo")
    config = repo / "config.yaml"
    config.write_text(config.read_text().replace("\nusetex: false ", "\nusetex: true  ", 1))
    proc = subprocess.Popen(
        [sys.executable, "-m", "natgrad.preview", "--port", "0"],
        cwd=repo,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(after)
        if after > 2:
            config.write_text(config.read_text().replace("n_steps: 10\n", "n_steps: 11\n", 1))
            time.sleep(0.5)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        # its fork server may be warming up (drawing with mathtext): it follows soon
        deadline = time.monotonic() + 20
        while group_of(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = time.monotonic() - start
        assert group_of(proc.pid) == [], f"left running {left:.1f} s after Ctrl-C"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)


def shown_widths(driver):
    """Each loaded figure's rendered width in CSS px, by name; None until all have loaded."""
    return driver.execute_script(
        "const imgs = Array.from(document.images);"
        "if (!imgs.length || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return null;"
        # by the figure's name in the image's id: its alt is the figure's text alternative
        "return Object.fromEntries(imgs.map("
        "  (i) => [i.id.replace(/^img-/, ''), i.getBoundingClientRect().width]));"
    )


def shows_each_figure_at_the_display_width(preview, browser):
    """As the blog shows them (config's display_width, 535 px by default), so the
    author sees the figures at a reader's size; a saved change resizes them."""
    import yaml

    width = yaml.safe_load((preview.repo / "config.yaml").read_text())["display_width"]
    assert width == 535
    browser.get(f"http://127.0.0.1:{preview.port}/")
    shown = preview.wait(lambda: shown_widths(browser), "every figure")
    assert sorted(shown) == sorted(FIGURES)
    # Chromium lays out in units of 1/64 px
    assert all(abs(w - width) <= 1 / 64 for w in shown.values()), shown
    preview.edit("display_width: 535 ", "display_width: 400.5 ")
    preview.wait(
        lambda: all(abs(w - 400.5) <= 1 / 64 for w in (shown_widths(browser) or {0: 0}).values()),
        "the figures at the new width",
    )


def run_in_empty_folder(code: str, root: Path, folder: Path) -> subprocess.CompletedProcess:
    """``python -c code root`` in ``folder``; it must succeed."""
    out = subprocess.run(
        [sys.executable, "-c", code, str(root)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return out


def test_the_fork_server_only_imports_and_each_worker_shares_mathtext_s_cache(root, tmp_path):
    """What the fork server imports loads libraries and nothing of a checkout (no
    figure, no config read, nothing said); a worker, once started, shares mathtext's
    parse cache and has imported natgrad's pipeline."""
    code = (
        "import importlib, sys\n"
        "from natgrad.tools.preview import worker\n"
        "for name in worker.WARM_MODULES: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('natgrad.figures', "
        "'natgrad.pipeline'))))\n"
        "from matplotlib.mathtext import MathTextParser\n"
        "shared = lambda: getattr(MathTextParser._parse_cached, '_natgrad_shared', False)\n"
        "print(shared())\n"
        "worker._worker_init(sys.argv[1])\n"
        "print(shared(), worker._import_error, 'natgrad.pipeline.render' in sys.modules)\n"
    )
    # in an empty folder: a warm-up that read a checkout would find none there
    out = run_in_empty_folder(code, root, tmp_path)
    assert out.stderr == ""
    assert out.stdout.splitlines() == ["[]", "False", "True None True"]


def test_only_the_first_worker_says_the_mathtext_cache_cannot_be_shared(root, tmp_path):
    """On a matplotlib whose private API is not the one expected, the preview says so
    once, not again at every code save's new worker."""
    code = (
        "import sys\n"
        "from matplotlib.mathtext import MathTextParser\n"
        "MathTextParser._parse_cached = lambda self, *args: None  # not an lru_cache\n"
        "from natgrad.tools.preview import worker\n"
        "worker._worker_init(sys.argv[1], first=True)\n"
        "print('---', file=sys.stderr)\n"
        "worker._worker_init(sys.argv[1], first=False)\n"
    )
    out = run_in_empty_folder(code, root, tmp_path)
    said, after = out.stderr.split("---\n")
    assert said.startswith("natgrad preview: this matplotlib's mathtext cache is not the one")
    assert after == ""


# -- a day's saves cannot stop it ---------------------------------------------------

# (file, how a half-typed save breaks it, words its one error line holds)
BROKEN_SAVES = [
    ("natgrad/figures/equidistant_points.py", lambda b: b + b"\ndef broken(:\n",
     "natgrad/figures/equidistant_points.py, line"),
    ("natgrad/metrics.py", lambda b: b + b"\ndef broken(:\n", "natgrad/metrics.py, line"),
    ("natgrad/metrics.py", lambda b: b + b"\nimport natgrad_no_such_module\n",
     "natgrad/metrics.py, line"),
    ("config.yaml", lambda b: b.replace(b"\ndpi: ", b"\n# \xff\ndpi: ", 1),
     "config.yaml, line"),
    ("workflow/report/equidistant_points.rst", lambda b: b"\xff" + b,
     "workflow/report/equidistant_points.rst, line 1: not UTF-8 text"),
    # an OverflowError in the schema's pixel check: the file, or once the schema says so, its key
    ("config.yaml", lambda b: b.replace(b"\ndpi: ", b"\ndpi: 1" + b"0" * 400 + b" #", 1),
     ("config.yaml: OverflowError", "config key 'dpi'")),
]  # fmt: skip


def page_errors(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.error'), (e) => e.textContent)"
        ".filter((t) => t)"
    )


def test_no_save_stops_it_and_the_next_good_save_recovers(preview, browser):
    """Each broken save (a syntax error in a figure's module or a natgrad module, an
    import of nothing, bytes not UTF-8 in config.yaml or a caption, a dpi no float
    holds) is one line naming the file on the page and in the terminal, the figures
    stay as last drawn, and the next good save is drawn."""
    import yaml

    browser.get(f"http://127.0.0.1:{preview.port}/")
    name = "equidistant_points"
    width = yaml.safe_load((preview.repo / "config.yaml").read_text())[name]["linewidth"]
    assert f"\n  linewidth: {width}\n" in (preview.repo / "config.yaml").read_text()
    for i, (relative, broken, words) in enumerate(BROKEN_SAVES):
        path = preview.repo / relative
        good = path.read_bytes()
        drawn = preview.wait(lambda: image_version(browser, name), "the figure")
        log_before = len(preview.stderr())
        path.write_bytes(broken(good))
        alternatives = (words,) if isinstance(words, str) else words
        # one line, in the page's error line or in the place of each figure it stops
        [line] = preview.wait(
            lambda a=alternatives: {e for e in page_errors(browser) if any(w in e for w in a)},
            relative,
        )
        assert line.startswith("natgrad: ") and "\n" not in line
        preview.wait(
            lambda line=line, at=log_before: line in preview.stderr()[at:], "the terminal line"
        )
        new = preview.stderr()[log_before:]
        assert new.count(line) == 1 and "Traceback" not in new, new
        assert image_version(browser, name) == drawn  # the last good figure stays
        # the fix: the file as it was (errors go once its drawing, if any, is done) ...
        path.write_bytes(good)
        preview.wait(lambda: not page_errors(browser), f"the recovery from {relative}")
        drawn = preview.wait(
            lambda: (v := image_version(browser, name)) == str(preview.version(name)) and v,
            "the page in step",
        )
        # ... and a save after it is drawn
        preview.edit(f"  linewidth: {width + i}\n", f"  linewidth: {width + i + 1}\n")
        preview.wait(
            lambda drawn=drawn: image_version(browser, name) not in (None, drawn), "the redraw"
        )
        preview.wait(lambda: image_version(browser, name) == str(preview.version(name)), "step")
    assert preview.proc.poll() is None and "Traceback" not in preview.stderr()


def test_code_and_style_saves_redraw_exactly_the_figures_that_read_them(preview):
    """The redraw key is the job's inputs (params and every file it reads), not its
    config: a figure's code redraws that figure, the style every figure that reads it."""
    from natgrad.pipeline.sources import PACKAGE, figure_inputs

    style = PACKAGE / "drawing" / "natgrad.mplstyle"
    for changed in (PACKAGE / "figures" / "gd_euclidean_mahalanobis.py", style):
        expected = {n for n in FIGURES if changed in figure_inputs(n)}
        assert expected, changed
        before = {f["name"]: f["version"] for f in preview.state()["figures"]}
        target = preview.repo / changed.relative_to(PACKAGE.parent)
        target.write_text(target.read_text() + "\n# a comment: new code, the same drawing\n")
        preview.wait(
            lambda e=expected, b=before: all(preview.version(n) > b[n] for n in e),
            f"the redraw after {changed.name}",
        )
        time.sleep(1.0)  # anything else it would redraw has been redrawn by now
        after = {f["name"]: f["version"] for f in preview.state()["figures"]}
        assert {n for n in after if after[n] != before[n]} == expected, changed.name
    assert style in figure_inputs("equidistant_points")


# -- quiet and correct at the edges ------------------------------------------------


def answers_edges_not_tracebacks(preview):
    from tests.helpers.previews import events, raw_status, reset_midway

    port = preview.port
    for _ in range(10):  # a reload cancelling an image load
        reset_midway(port, "/figures/equidistant_points.png")
    for path in ("/figures/" + "a" * 300 + ".png", "/figures/" + "/".join(["b" * 250] * 20)):
        assert preview.request("GET", path)[0] == 404
    assert raw_status(port, f"GET /{'c' * 70000} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n") == 414
    own, other = f"Host: 127.0.0.1:{port}\r\n", "Host: attacker.example\r\n"
    assert raw_status(port, f"GET / HTTP/1.1\r\n{own}{other}") == 400
    assert raw_status(port, f"GET / HTTP/1.1\r\n{own}{own}") == 400
    origin = f"Origin: http://127.0.0.1:{port}\r\n"
    assert raw_status(port, f"GET /state HTTP/1.1\r\n{own}{origin}Origin: null\r\n") == 400
    # the event stream, read in bounded time: its first event to its own page, and
    # another site's origin refused before any
    status, first = events(port, "/events", {"Origin": f"http://127.0.0.1:{port}"})
    assert status == 200 and first[0].startswith('data: {"generation": ')
    assert events(port, "/events", {"Origin": "http://attacker.example"}) == (403, [])
    # nor does the tests' request() hang on a stream (as it would, were a broken
    # Origin check to answer another site's page with 200)
    assert preview.request("GET", "/events", {"Origin": f"http://127.0.0.1:{port}"}) == (200, b"")
    time.sleep(0.5)
    log = preview.stderr()
    assert "400 GET '/': more than one Host header" in log
    for noise in ("Traceback", "ConnectionResetError", "BrokenPipeError", "OSError"):
        assert noise not in log, log
    assert preview.proc.poll() is None


@pytest.mark.parametrize("port", ["70000", "-5", "in use"])
def test_a_bad_port_is_one_line_before_any_warm_up(tmp_path, port):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        number = str(taken.getsockname()[1]) if port == "in use" else port
        # run in an empty folder: a warm-up begun there would say "warming stopped",
        # a drawing would make .preview/; neither may come before the port's line
        result = subprocess.run(
            [sys.executable, "-m", "natgrad.preview", "--port", number],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    why = "Address already in use" if port == "in use" else "not a port number (0 to 65535"
    assert line.startswith(f"natgrad preview: --port {number}: {why}"), line
    assert not (tmp_path / ".preview").exists(), "it began before checking the port"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_process_alone_stops_it_cleanly(preview, signum):
    """As a process manager or ``kill`` stops it: status 0, its fork server and worker
    gone, no traceback."""
    assert preview.request("GET", "/figures/equidistant_points.png")[0] == 200
    preview.proc.send_signal(signum)
    assert preview.proc.wait(timeout=30) == 0
    preview.wait(lambda: not preview.group(), "its other processes to end", timeout=30)
    log = preview.stderr()
    assert log.rstrip().endswith("natgrad preview: stopped") and "Traceback" not in log, log
