"""natgrad.tools.preview.server without Chromium or a drawing: the real server classes
on 127.0.0.1 (port 0) in a thread, spoken to over HTTP, each answer checked against
bytes written here (the slow tests, tests/tools/test_preview*.py, run the real command).

The models are the real ones, never drawn: their figures' states and files are set
by hand, as a drawing would leave them.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from pathlib import Path

import pytest
from numpy.testing import assert_equal

from natgrad.tools.preview.jekyll import Build
from natgrad.tools.preview.model import FigureState, Preview
from natgrad.tools.preview.post import PostPreview
from natgrad.tools.preview.server import GalleryServer, LoopbackHandler, PostServer
from tests.helpers.previews import events, raw_status

PNG = b"\x89PNG\r\n\x1a\n" + b"drawn by hand"


def _serve(server):
    """Run ``server`` in a thread; the function that stops it (its event streams ended)."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop(model):
        server.closing = True
        model.publish()  # wakes the streams, which see ``closing`` and end
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return stop


@pytest.fixture
def gallery(tmp_path):
    """A gallery server over a preview whose folder holds one figure drawn by hand."""
    out = tmp_path / "preview"
    (out / "data").mkdir(parents=True)
    (out / "f.png").write_bytes(PNG)
    (out / "data" / "f.json").write_text('{"x": [1, 2]}')
    preview = Preview(tmp_path, out)
    preview.figures["f"] = FigureState("f", caption="A figure.", version=1, alt="a line")
    server = GalleryServer(preview)
    stop = _serve(server)
    yield server.server_address[1], preview, tmp_path
    stop(preview)


def request(port, method, path, headers=None):
    """``(status, headers, body)`` of one request; an event stream's body is not read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        if response.getheader("Content-Type") == "text/event-stream":
            return response.status, dict(response.getheaders()), b""
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# -- the checks both servers share (LoopbackHandler) --------------------------------------


def test_only_its_own_loopback_host_is_answered(gallery):
    port, _, _ = gallery
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert_equal(request(port, "GET", "/state", {"Host": host})[0], 200)
    for host in (
        "evil.example",
        f"evil.example:{port}",
        f"127.0.0.1:{port + 1}",
        "127.0.0.1",
        f"localhost:{port + 1}",
        f"[::1]:{port}",
    ):
        status, _, body = request(port, "GET", "/state", {"Host": host})
        assert_equal(status, 421, host)
        assert_equal(body, f"not this server's host: {host!r}\n".encode(), host)
    assert_equal(raw_status(port, "GET /state HTTP/1.0\r\n"), 421)  # no Host at all


def test_a_foreign_origin_is_refused_on_every_path_the_event_stream_included(gallery):
    """The issue's surviving hand-made mutation: the Origin check skipped for /events
    would hand a foreign page the whole state as it changes."""
    port, _, _ = gallery
    foreign = (
        "http://evil.example",
        "null",
        f"http://127.0.0.1:{port + 1}",
        f"https://127.0.0.1:{port}",
        f"127.0.0.1:{port}",
        f"http://localhost:{port}/",
    )
    for origin in foreign:
        for path in ("/", "/state", "/figures/f.png"):
            status, _, body = request(port, "GET", path, {"Origin": origin})
            assert_equal(status, 403, f"{origin} {path}")
            assert_equal(body, f"not this server's origin: {origin!r}\n".encode())
        assert_equal(events(port, "/events", {"Origin": origin}, within=5), (403, []), str(origin))
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        status, found = events(port, "/events", {"Origin": origin}, within=5)
        assert_equal(status, 200, origin)
        assert_equal(len(found), 1, origin)


def test_a_doubled_host_or_origin_header_is_a_bad_request(gallery):
    port, _, _ = gallery
    own = f"Host: 127.0.0.1:{port}\r\n"
    assert_equal(raw_status(port, f"GET /state HTTP/1.1\r\n{own}"), 200)
    assert_equal(raw_status(port, f"GET /state HTTP/1.1\r\n{own}{own}"), 400)
    origin = f"Origin: http://127.0.0.1:{port}\r\n"
    assert_equal(raw_status(port, f"GET /state HTTP/1.1\r\n{own}{origin}"), 200)
    assert_equal(raw_status(port, f"GET /state HTTP/1.1\r\n{own}{origin}{origin}"), 400)


def test_only_get_and_head_are_served(gallery, caplog):
    port, _, _ = gallery
    with caplog.at_level(logging.WARNING, logger="natgrad.preview"):
        request(port, "POST", "/state?x")
    assert_equal([r.getMessage() for r in caplog.records], ["405 POST '/state?x'"])
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        status, headers, body = request(port, method, "/state")
        assert_equal(
            (status, headers["Allow"], headers["Content-Length"], body),
            (405, "GET, HEAD", "0", b""),
            method,
        )


def test_an_answer_is_never_cached_or_sniffed_and_head_has_get_s_headers(gallery):
    port, _, _ = gallery
    status, headers, body = request(port, "GET", "/figures/f.png")
    assert_equal((status, body), (200, PNG))
    assert_equal(headers["Content-Type"], "image/png")
    assert_equal(headers["Content-Length"], str(len(PNG)))
    assert_equal(headers["Cache-Control"], "no-store")
    assert_equal(headers["X-Content-Type-Options"], "nosniff")
    assert_equal(headers["Server"].split(), ["natgrad-preview"])  # no Python version told
    status, head, body = request(port, "HEAD", "/figures/f.png")
    assert_equal((status, body), (200, b""))
    assert_equal(
        {k: v for k, v in head.items() if k != "Date"},
        {k: v for k, v in headers.items() if k != "Date"},
    )


def test_only_refusals_are_logged(gallery, caplog):
    port, _, _ = gallery
    with caplog.at_level(logging.INFO, logger="natgrad.preview"):
        request(port, "GET", "/state")
        request(port, "GET", "/figures/f.png")
        assert_equal([r for r in caplog.records if "HTTP/1.1" in r.getMessage()], [])
        request(port, "GET", "/nothing")
        raw_status(port, f"GET /state HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: x\r\n")
    lines = [r.getMessage() for r in caplog.records if "HTTP/1.1" in r.getMessage()]
    assert_equal(len(lines), 2, str(lines))
    assert lines[0].startswith("127.0.0.1 ") and '"GET /nothing HTTP/1.1" 404' in lines[0]
    assert '"GET /state HTTP/1.1" 400' in lines[1]


def test_a_client_gone_is_no_error_and_any_other_error_is_one_line(gallery, caplog):
    server = GalleryServer(gallery[1])
    server.server_close()
    with caplog.at_level(logging.INFO, logger="natgrad.preview"):
        for err in (BrokenPipeError(), ConnectionResetError(), TimeoutError()):
            try:
                raise err
            except OSError:
                server.handle_error(None, ("127.0.0.1", 1))
        assert_equal(caplog.records, [])
        try:
            raise ValueError("bad bytes")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
    assert_equal(
        [(r.levelname, r.getMessage()) for r in caplog.records],
        [("ERROR", "natgrad preview: answering a request: ValueError: bad bytes")],
    )


# -- the gallery ------------------------------------------------------------------------


def test_the_gallery_serves_its_page_state_and_drawings(gallery):
    port, preview, _ = gallery
    status, headers, body = request(port, "GET", "/")
    assert_equal((status, headers["Content-Type"]), (200, "text/html; charset=utf-8"))
    assert b"a line" in body and b"A figure." in body
    status, headers, body = request(port, "GET", "/state?x=1")
    assert_equal((status, headers["Content-Type"]), (200, "application/json"))
    assert_equal(json.loads(body)["figures"][0]["name"], "f")
    assert_equal(json.loads(body)["figures"][0]["version"], 1)
    status, headers, body = request(port, "GET", "/figures/data/f.json")
    assert_equal(
        (status, headers["Content-Type"], body), (200, "application/json", b'{"x": [1, 2]}')
    )
    status, headers, body = request(port, "GET", "/figures/%66.png")  # quoted as a browser may
    assert_equal((status, body), (200, PNG))
    for path in ("/nothing", "/figures", "/events/", "/state/"):
        status, headers, body = request(port, "GET", path)
        assert_equal((status, body), (404, b"not found\n"), path)


def test_the_gallery_serves_nothing_outside_its_folder(gallery):
    port, preview, tmp_path = gallery
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    (preview.out / "link.png").symlink_to(secret)
    (preview.out / "inner").mkdir()
    (preview.out / "inner" / "g.png").write_bytes(PNG)
    (preview.out / "inner" / "up.png").symlink_to(preview.out / "f.png")  # inside: served
    for path in (
        "/figures/../secret.png",
        "/figures/%2e%2e/secret.png",
        "/figures/%2e%2e%2fsecret.png",
        f"/figures/{secret}",
        f"/figures/%2f{str(secret)[1:]}",
        "/figures/link.png",
        "/figures/data",
        "/figures/",
        "/figures/f.png%00",
        "/figures/inner/../f.png",
        "/figures/nothing.png",
        "/figures/" + "x" * 300 + ".png",
    ):
        status, _, body = request(port, "GET", path)
        assert_equal((status, body), (404, b"not found\n"), path)
    assert_equal(request(port, "GET", "/figures/inner/g.png")[::2], (200, PNG))
    assert_equal(request(port, "GET", "/figures/inner/up.png")[::2], (200, PNG))


def test_the_event_stream_sends_each_new_state_and_ends_with_the_server(gallery):
    port, preview, _ = gallery
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/events")
    response = conn.getresponse()
    assert_equal(
        (response.status, response.getheader("Content-Type"), response.getheader("Cache-Control")),
        (200, "text/event-stream", "no-store"),
    )

    def event():
        lines = []
        while (line := response.fp.readline()) != b"\n":
            assert line, "the stream ended"
            lines.append(line.decode())
        return lines

    first = event()
    assert_equal(first, [f"data: {json.dumps(preview.state())}\n"])
    preview.figures["f"].version = 2
    preview.publish()
    second = event()
    assert_equal(json.loads(second[0].removeprefix("data: "))["generation"], 1)
    assert_equal(json.loads(second[0].removeprefix("data: "))["figures"][0]["version"], 2)
    # HEAD of the stream is no stream
    assert_equal(request(port, "HEAD", "/events")[0], 404)
    conn.close()


# -- the post preview -------------------------------------------------------------------


@pytest.fixture
def post(tmp_path):
    """A post preview's server over a built site written by hand (baseurl /blog), its
    figure ``f`` drawn and ``g`` not yet."""
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    page = blog / "_posts" / "2026-01-01-p.md"
    page.write_text("post")
    model = PostPreview(tmp_path, blog, page, tmp_path / "out")
    site = model.site
    (site / "2026" / "p").mkdir(parents=True)
    (site / "2026" / "p" / "index.html").write_text(
        "<html><head><title>P</title></head><body>é</body></html>"
    )
    (site / "style.css").write_text("body {}")
    (site / "notes.unknownext").write_bytes(b"\x00\x01")
    (model.figures.out).mkdir(parents=True)
    (model.figures.out / "f.png").write_bytes(PNG)
    model.figures.figures["f"] = FigureState("f", version=1)
    model.figures.figures["g"] = FigureState("g", version=0)
    model.figures.figures["h"] = FigureState("h", version=0, error="h: a bad config")
    model.build = Build(
        number=7, baseurl="/blog/", urls={"_posts/2026-01-01-p.md": "/blog/2026/p/"}
    )
    server = PostServer(model)
    stop = _serve(server)
    yield server.server_address[1], model
    stop(model)


def test_the_post_s_figures_are_the_live_drawings_under_the_baseurl(post):
    port, model = post
    status, headers, body = request(port, "GET", "/blog/assets/f.png")
    assert_equal((status, headers["Content-Type"], body), (200, "image/png", PNG))
    assert_equal(request(port, "GET", "/blog/assets/%66.png")[::2], (200, PNG))
    status, _, body = request(port, "GET", "/blog/assets/g.png")
    assert_equal((status, body), (404, b"g is not drawn yet\n"))
    status, _, body = request(port, "GET", "/blog/assets/h.png")
    assert_equal((status, body), (404, b"h: a bad config\n"))
    # drawn, then its file gone: not drawn, no traceback
    (model.figures.out / "f.png").unlink()
    assert_equal(request(port, "GET", "/blog/assets/f.png")[::2], (404, b"f is not drawn yet\n"))
    # not under the baseurl, or not one of the post's figures: the site's file, if any
    (model.site / "assets").mkdir()
    (model.site / "assets" / "other.png").write_bytes(b"site's own")
    (model.site / "assets" / "f.png").write_bytes(b"site's copy")
    assert_equal(request(port, "GET", "/blog/assets/other.png")[::2], (200, b"site's own"))
    assert_equal(request(port, "GET", "/assets/f.png")[0], 404)
    assert_equal(request(port, "GET", "/blog/assets/f.png.png")[0], 404)
    assert_equal(request(port, "GET", "/blog/xassets/f.png")[0], 404)


def test_the_built_pages_carry_the_preview_s_head(post):
    port, model = post
    status, headers, body = request(port, "GET", "/blog/2026/p/")
    assert_equal((status, headers["Content-Type"]), (200, "text/html; charset=utf-8"))
    text = body.decode()
    head = text[: text.index("</head>")]
    assert "/__natgrad/preview.js" in head and "/__natgrad/preview.css" in head
    assert '"7"' in head or "=7" in head or " 7" in head, head  # the build it is of
    assert text.endswith("<body>é</body></html>")
    assert_equal(request(port, "GET", "/blog/style.css")[::2], (200, b"body {}"))
    assert_equal(request(port, "GET", "/blog/style.css")[1]["Content-Type"], "text/css")
    status, headers, body = request(port, "GET", "/blog/notes.unknownext")
    assert_equal(
        (status, headers["Content-Type"], body), (200, "application/octet-stream", b"\x00\x01")
    )
    for path in ("/blog/nothing.html", "/2026/p/", "/blog/../out/figures/f.png", "/blog/%2e%2e/x"):
        status, _, body = request(port, "GET", path)
        assert_equal((status, body), (404, b"not a file of the built site\n"), path)


def test_the_preview_s_own_resources(post):
    port, model = post
    status, headers, body = request(port, "GET", "/__natgrad/state")
    assert_equal((status, headers["Content-Type"]), (200, "application/json"))
    state = json.loads(body)
    assert_equal(state["site"]["build"], 7)
    assert_equal(sorted(state["figures"]), ["f", "g", "h"])
    status, headers, body = request(port, "GET", "/__natgrad/preview.js")
    assert_equal((status, headers["Content-Type"]), (200, "text/javascript; charset=utf-8"))
    assert b'"/__natgrad/"' in body  # its event stream is under OWN
    status, headers, body = request(port, "GET", "/__natgrad/preview.css")
    assert_equal((status, headers["Content-Type"]), (200, "text/css; charset=utf-8"))
    assert body.strip()
    for path in ("/__natgrad/nothing", "/__natgrad/", "/__natgrad/state/"):
        status, _, body = request(port, "GET", path)
        assert_equal((status, body), (404, b"no such resource of the preview\n"), path)
    assert_equal(request(port, "HEAD", "/__natgrad/events")[0], 404)


def test_the_post_s_event_stream_is_refused_to_a_foreign_origin(post):
    port, model = post
    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{port + 1}"):
        assert_equal(events(port, "/__natgrad/events", {"Origin": origin}, within=5), (403, []))
        assert_equal(request(port, "GET", "/blog/2026/p/", {"Origin": origin})[0], 403)
        assert_equal(request(port, "GET", "/blog/assets/f.png", {"Origin": origin})[0], 403)
    status, found = events(
        port, "/__natgrad/events", {"Origin": f"http://127.0.0.1:{port}"}, within=5
    )
    assert_equal(status, 200)
    assert_equal(json.loads(found[0].removeprefix("data: "))["site"]["build"], 7)
    model.figures.figures["f"].version = 2
    model.publish()
    assert_equal(request(port, "GET", "/blog/assets/f.png", {"Host": "evil.example"})[0], 421)


def test_a_page_replaced_while_served_is_not_found(post, monkeypatch):
    port, model = post
    target = model.site / "style.css"
    monkeypatch.setattr(Path, "read_bytes", _failing_for(target))
    status, _, body = request(port, "GET", "/blog/style.css")
    assert_equal((status, body), (404, b"not a file of the built site\n"))


def _failing_for(target):
    original = Path.read_bytes

    def read_bytes(self):
        if self == target:
            raise FileNotFoundError(2, "No such file or directory")
        return original(self)

    return read_bytes


def test_why_a_path_outside_the_folder_is_refused_is_logged(gallery, caplog):
    port, _, _ = gallery
    with caplog.at_level(logging.WARNING, logger="natgrad.preview"):
        for path in ("/figures//etc/passwd", "/figures/a/../f.png", "/figures/f.png%00"):
            assert_equal(request(port, "GET", path)[0], 404)
        assert_equal(request(port, "GET", "/figures/data")[0], 404)
        assert_equal(request(port, "GET", "/figures/" + "x" * 300 + ".png")[0], 404)
    assert_equal(
        [r.getMessage() for r in caplog.records],
        [
            "404 '/figures//etc/passwd': outside the preview's folder",
            "404 '/figures/a/../f.png': outside the preview's folder",
            "404 '/figures/f.png%00': outside the preview's folder",
            "404 '/figures/data': outside the preview's folder, or not a file",
            f"404 '/figures/{'x' * 300}.png': File name too long",  # the system's words
        ],
    )


def _read_stream(port, path, seconds, headers=None):
    """Every non-empty line an event stream sends in its first ``seconds`` s."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds + 5)
    conn.request("GET", path, headers=headers or {})
    sock = conn.sock
    response = conn.getresponse()
    assert_equal(response.status, 200)
    deadline, lines = time.monotonic() + seconds, []
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                line = response.fp.readline()
            except TimeoutError:
                break
            if not line:
                lines.append("(end)")
                break
            if line.strip():
                lines.append(line.decode().rstrip("\n"))
    finally:
        conn.close()
    return lines


@pytest.mark.parametrize("path", ["/events", "/__natgrad/events"])
def test_a_quiet_stream_sends_its_state_once_then_keep_alives(gallery, post, monkeypatch, path):
    """The state at once, then nothing but a keep-alive comment each interval
    (shortened here to 0.4 s): no state sent again unasked, no busy loop."""
    monkeypatch.setattr(LoopbackHandler, "keep_alive", 0.4)
    port = gallery[0] if path == "/events" else post[0]
    lines = _read_stream(port, path, 1.0)
    assert lines[0].startswith("data: {"), lines
    # about two in the second; a loaded machine may delay one, a busy loop sends thousands
    assert_equal(set(lines[1:]), {": keep-alive"})
    assert 1 <= len(lines[1:]) <= 5, lines


def test_a_stream_opened_after_a_change_sends_the_state_at_once(gallery):
    """The first event is the state whatever its generation (here 1, not 0)."""
    port, preview, _ = gallery
    preview.publish()
    status, found = events(port, "/events", within=5)
    assert_equal(status, 200)
    assert_equal(json.loads(found[0].removeprefix("data: "))["generation"], 1)


def test_a_stream_ends_when_its_server_closes(tmp_path):
    preview = Preview(tmp_path, tmp_path / "out")
    server = GalleryServer(preview)
    stop = _serve(server)
    port = server.server_address[1]
    try:
        reader = threading.Thread(
            target=lambda: found.extend(_read_stream(port, "/events", 5.0)), daemon=True
        )
        found: list[str] = []
        reader.start()
        time.sleep(0.5)
        server.closing = True
        preview.publish()
        reader.join(timeout=10)
        assert found[-1] == "(end)", found
        assert_equal(len([f for f in found if f.startswith("data: ")]), 2)
    finally:
        stop(preview)


def test_a_figure_not_drawn_in_this_preview_is_not_served_from_an_old_file(post):
    """A PNG left in the preview's folder by an earlier session is not this one's drawing."""
    port, model = post
    (model.figures.out / "g.png").write_bytes(b"an old drawing")
    assert_equal(request(port, "GET", "/blog/assets/g.png")[::2], (404, b"g is not drawn yet\n"))


def test_the_head_names_the_build_and_no_build_is_build_0(post):
    port, model = post
    meta = '<meta name="natgrad-build" content="{}">'
    assert meta.format(7) in request(port, "GET", "/blog/2026/p/")[2].decode()
    model.build = None
    page = request(port, "GET", "/2026/p/index.html")[2].decode()
    assert meta.format(0) in page
    # no build yet: the figures are under the site's root
    assert_equal(request(port, "GET", "/assets/f.png")[::2], (200, PNG))


def test_a_baseurl_is_taken_as_written_without_its_trailing_slash(post):
    port, model = post
    model.build = Build(number=1, baseurl="/docsX", urls={})
    assert_equal(request(port, "GET", "/docsX/assets/f.png")[::2], (200, PNG))
    assert_equal(request(port, "GET", "/docs/assets/f.png")[0], 404)


def test_the_claims_are_marked_in_the_post_s_page_only(post):
    """A claim of figures/claims.json is marked where the post states it, and not in
    another page of the site that says the same."""
    port, model = post
    (model.root / "figures").mkdir()
    claim = {"id": "C1", "draft": "natural gradient descent converges in one step"}
    (model.root / "figures" / "claims.json").write_text(json.dumps([claim]))
    body = (
        "<html><head></head><body><p>natural gradient descent converges in one step</p>"
        "<p>plain gradient descent takes many</p><p>pictures follow below</p></body></html>"
    )
    (model.site / "2026" / "p" / "index.html").write_text(body)
    (model.site / "other.html").write_text(body)
    marked = '<p data-natgrad-claims="C1">natural gradient descent converges in one step</p>'
    assert marked in request(port, "GET", "/blog/2026/p/")[2].decode()
    other = request(port, "GET", "/blog/other.html")[2].decode()
    assert "data-natgrad-claims" not in other and "<p>natural gradient" in other


def raw_reply(port, head: str) -> bytes:
    """Every byte the server sends for the request ``head`` (sent as written), to
    its closing of the connection: one answer, and nothing after it."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return reply


def test_a_refusal_is_the_whole_answer(gallery, caplog):
    """Refused, the request is answered with the refusal alone: nothing of the page
    follows it on the connection. Each refusal is one log line saying why."""
    port, _, _ = gallery
    own = f"Host: 127.0.0.1:{port}\r\n"
    cases = [
        ("GET /state HTTP/1.1\r\nHost: evil.example\r\n", 421,
         "not this server's host: 'evil.example'"),
        ("GET /state HTTP/1.0\r\n", 421, "not this server's host: ''"),
        (f"GET /state HTTP/1.1\r\n{own}Origin: http://evil.example\r\n", 403,
         "not this server's origin: 'http://evil.example'"),
        (f"GET /state HTTP/1.1\r\n{own}{own}", 400, "more than one Host header"),
        (f"GET /state HTTP/1.1\r\n{own}Origin: null\r\nOrigin: null\r\n", 400,
         "more than one Origin header"),
    ]  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="natgrad.preview"):
        for head, status, why in cases:
            reply = raw_reply(port, head)
            header, _, body = reply.partition(b"\r\n\r\n")
            assert_equal(reply.count(b"HTTP/1."), 1, head)
            assert header.startswith(f"HTTP/1.0 {status} ".encode()), reply
            assert b"\r\nContent-Type: text/plain; charset=utf-8\r\n" in header, reply
            assert_equal(body, f"{why}\n".encode())
    assert_equal(
        [r.getMessage() for r in caplog.records if r.levelname == "WARNING"],
        [f"{status} GET '/state': {why}" for _, status, why in cases],
    )


def test_head_is_answered_without_a_body(gallery):
    port, _, _ = gallery
    reply = raw_reply(port, f"HEAD /figures/f.png HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n")
    header, _, body = reply.partition(b"\r\n\r\n")
    assert f"\r\nContent-Length: {len(PNG)}\r\n".encode() in header
    assert_equal(body, b"")


def test_a_page_not_found_is_logged_with_why(gallery, caplog):
    port, _, _ = gallery
    with caplog.at_level(logging.INFO, logger="natgrad.preview"):
        status, headers, _ = request(port, "GET", "/nothing")
    assert_equal((status, headers["Content-Type"]), (404, "text/plain; charset=utf-8"))
    assert_equal(
        [r.getMessage() for r in caplog.records],
        ["404 '/nothing': no such page", '127.0.0.1 "GET /nothing HTTP/1.1" 404 -'],
    )


def test_servers_started_without_a_port_each_get_a_free_one(tmp_path):
    preview = Preview(tmp_path, tmp_path / "out")
    blog = tmp_path / "blog"
    blog.mkdir()
    model = PostPreview(tmp_path, blog, blog / "p.md", tmp_path / "post")
    servers = [GalleryServer(preview), GalleryServer(preview), PostServer(model), PostServer(model)]
    try:
        ports = {s.server_address[1] for s in servers}
        assert_equal(len(ports), 4)
        assert min(ports) >= 1024, ports
    finally:
        for s in servers:
            s.server_close()


def test_a_page_not_utf8_is_served_with_replacement_characters(post):
    port, model = post
    (model.site / "latin1.html").write_bytes(b"<html><head></head><body>caf\xe9</body></html>")
    status, _, body = request(port, "GET", "/blog/latin1.html")
    assert_equal(status, 200)
    assert body.decode().endswith("<body>caf\ufffd</body></html>")


def test_a_figure_s_name_may_have_capitals(post):
    port, model = post
    (model.figures.out / "Fig_2.png").write_bytes(PNG)
    model.figures.figures["Fig_2"] = FigureState("Fig_2", version=1)
    assert_equal(request(port, "GET", "/blog/assets/Fig_2.png")[::2], (200, PNG))
