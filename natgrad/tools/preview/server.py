"""The previews' servers: loopback only, GET and HEAD only, ``Host`` and ``Origin`` checked.

:class:`LoopbackHandler` is what both share. A page on another site can reach a
server on 127.0.0.1 through DNS rebinding (its own name, resolved to the
loopback address): its requests then name that host in ``Host``, so a request is
answered only when ``Host`` is this server's own loopback address (421
otherwise), and ``Origin``, when a browser sends one (the event stream, scripts'
requests), one of its pages (403 otherwise), as Vite, webpack-dev-server and
Jupyter refuse them.

:class:`GalleryServer` serves the gallery's page, its state and event stream and
the drawings; :class:`PostServer` the built site of the post preview, with the
post's figures answered from the live drawings and the preview's own script,
stylesheet, state and event stream under :data:`OWN`.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .claims import inject
from .model import Preview
from .pages import gallery_page, post_head, post_script, post_style
from .post import PostPreview

__all__ = [
    "OWN",
    "GalleryHandler",
    "GalleryServer",
    "LoopbackHandler",
    "PostHandler",
    "PostServer",
    "QuietServer",
]

log = logging.getLogger("natgrad.preview")

#: Where the post preview's own resources live on the served site (no blog uses it).
OWN = "/__natgrad/"


class LoopbackHandler(BaseHTTPRequestHandler):
    """Base of the previews' handlers: subclasses define ``do_GET`` (which first asks
    :meth:`allowed`) and, for the event stream, ``state()``, ``generation()`` and
    ``changed`` (a :class:`threading.Condition`)."""

    server_version = "natgrad-preview"
    sys_version = ""
    #: seconds a quiet event stream waits before a keep-alive comment (tests shorten it)
    keep_alive: float = 15

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), format % args)

    def log_request(self, code="-", size="-") -> None:
        # the pages poll nothing, but a terminal full of 200s would bury the errors
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refused(self, status: int, why: str) -> None:
        log.warning("%d %s %r: %s", status, self.command, self.path, why)
        self._send(status, f"{why}\n".encode(), "text/plain; charset=utf-8")

    def _origins(self) -> set[str]:
        port = self.server.server_address[1]
        return {f"127.0.0.1:{port}", f"localhost:{port}"}

    def allowed(self) -> bool:
        """``Host`` must be this server's own loopback address, and ``Origin``, when a
        browser sends one, one of its own pages; else refuse (and say why) and False."""
        for name in ("Host", "Origin"):
            if len(self.headers.get_all(name) or []) > 1:  # RFC 9112 3.2: a bad request
                self._refused(HTTPStatus.BAD_REQUEST, f"more than one {name} header")
                return False
        host = self.headers.get("Host", "")
        if host not in self._origins():
            self._refused(HTTPStatus.MISDIRECTED_REQUEST, f"not this server's host: {host!r}")
            return False
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{h}" for h in self._origins()}:
            self._refused(HTTPStatus.FORBIDDEN, f"not this server's origin: {origin!r}")
            return False
        return True

    def do_HEAD(self) -> None:  # noqa: N802 - the base class's name
        self.do_GET()

    def _stream(self, changed, generation, state) -> None:
        """Server-sent events: ``state()`` whenever ``generation()`` moves (a keep-alive
        comment every :attr:`keep_alive` s otherwise), until the client leaves or the
        server closes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not getattr(self.server, "closing", False):
                with changed:
                    if generation() == seen:
                        changed.wait(timeout=self.keep_alive)
                now = state()
                if now["generation"] != seen:
                    seen = now["generation"]
                    self.wfile.write(f"data: {json.dumps(now)}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _refuse(self) -> None:
        log.warning("405 %s %r", self.command, self.path)
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815


class GalleryHandler(LoopbackHandler):
    """GET and HEAD of the gallery's page, its events and the preview's own files; nothing else."""

    preview: Preview  # set on the server's subclass

    def _not_found(self, why: str) -> None:
        log.warning("404 %r: %s", self.path, why)
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def do_GET(self) -> None:  # noqa: N802
        if not self.allowed():
            return
        path = urlsplit(self.path).path
        if path == "/":
            body = gallery_page(self.preview.state()).encode()
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")
        elif path == "/state":
            body = json.dumps(self.preview.state()).encode()
            self._send(HTTPStatus.OK, body, "application/json")
        elif path == "/events" and self.command == "GET":
            preview = self.preview
            self._stream(preview.changed, lambda: preview.generation, preview.state)
        elif path.startswith("/figures/"):
            self._file(unquote(path[len("/figures/") :]))
        else:
            self._not_found("no such page")

    def _file(self, relative: str) -> None:
        """A file below the preview's folder, and only that: no ``..``, no absolute
        path, no symlink out, no directory listing."""
        root = self.preview.out
        if "\x00" in relative or relative.startswith("/") or ".." in Path(relative).parts:
            return self._not_found("outside the preview's folder")
        try:
            target = (root / relative).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                return self._not_found("outside the preview's folder, or not a file")
            body = target.read_bytes()
        except OSError as err:  # a name too long for the file system, a file just replaced
            return self._not_found(err.strerror or type(err).__name__)
        kind = "image/png" if target.suffix == ".png" else "application/json"
        self._send(HTTPStatus.OK, body, kind)


class QuietServer(ThreadingHTTPServer):
    """A loopback server whose errors are lines, never tracebacks: a client that
    leaves mid-answer (a reload cancelling an image) is no error at all."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        err = sys.exc_info()[1]
        if isinstance(err, ConnectionError | TimeoutError):
            return  # the browser went away (BrokenPipe, ConnectionReset): nothing to say
        log.error("natgrad preview: answering a request: %s: %s", type(err).__name__, err)


class GalleryServer(QuietServer):
    """The gallery's server: loopback only, one thread per connection."""

    daemon_threads = True

    def __init__(self, preview: Preview, port: int = 0):
        handler = type("BoundGalleryHandler", (GalleryHandler,), {"preview": preview})
        super().__init__(("127.0.0.1", port), handler)
        self.closing = False


class PostHandler(LoopbackHandler):
    """GET and HEAD of the built site, the live figures and the preview's own files."""

    model: PostPreview

    def do_GET(self) -> None:  # noqa: N802
        if not self.allowed():
            return
        path = unquote(urlsplit(self.path).path)
        model = self.model
        if path.startswith(OWN):
            return self._own(path[len(OWN) :])
        baseurl = model.build.baseurl.rstrip("/") if model.build else ""
        figure = re.fullmatch(re.escape(baseurl) + r"/assets/([A-Za-z0-9_]+)\.png", path)
        if figure and figure.group(1) in model.figures.figures:
            return self._figure(figure.group(1))
        target = model.site_file(path)
        if target is None:
            return self._refused(HTTPStatus.NOT_FOUND, "not a file of the built site")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        try:
            body = target.read_bytes()
        except OSError:  # removed since found: Jekyll is writing the site again
            return self._refused(HTTPStatus.NOT_FOUND, "not a file of the built site")
        if kind == "text/html":
            body = self._page(body.decode("utf-8", errors="replace"), target).encode()
            kind = "text/html; charset=utf-8"
        self._send(HTTPStatus.OK, body, kind)

    def _page(self, page: str, target: Path) -> str:
        model = self.model
        build = model.build.number if model.build else 0
        spots = model.spots() if target == model.page_file() else []
        return inject(page, post_head(build, OWN), spots)

    def _figure(self, name: str) -> None:
        state = self.model.figures.figures[name]
        png = self.model.figures.out / f"{name}.png"
        try:
            body = png.read_bytes() if state.version else None
        except OSError:
            body = None
        if body is None:
            return self._refused(HTTPStatus.NOT_FOUND, state.error or f"{name} is not drawn yet")
        self._send(HTTPStatus.OK, body, "image/png")

    def _own(self, what: str) -> None:
        model = self.model
        if what == "events" and self.command == "GET":
            return self._events()
        if what == "state":
            body = json.dumps(model.state()).encode()
            return self._send(HTTPStatus.OK, body, "application/json")
        if what == "preview.js":
            body = post_script(OWN).encode()
            return self._send(HTTPStatus.OK, body, "text/javascript; charset=utf-8")
        if what == "preview.css":
            return self._send(HTTPStatus.OK, post_style().encode(), "text/css; charset=utf-8")
        self._refused(HTTPStatus.NOT_FOUND, "no such resource of the preview")

    def _events(self) -> None:
        model = self.model
        self._stream(model.changed, lambda: model.figures.generation, model.state)


class PostServer(QuietServer):
    """The built site's server: loopback only, one thread per connection."""

    daemon_threads = True

    def __init__(self, model: PostPreview, port: int = 0):
        handler = type("BoundPostHandler", (PostHandler,), {"model": model})
        super().__init__(("127.0.0.1", port), handler)
        self.closing = False
