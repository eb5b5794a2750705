"""What both previews' servers share: loopback only, GET and HEAD only, and the
``Host`` / ``Origin`` checks that keep another site's page out.

A page on another site can reach a server on 127.0.0.1 through DNS rebinding
(its own name, resolved to the loopback address): its requests then name that
host in ``Host``, so a request is answered only when ``Host`` is this server's
own loopback address (421 otherwise), and ``Origin``, when a browser sends one
(the event stream, scripts' requests), one of its pages (403 otherwise), as
Vite, webpack-dev-server and Jupyter refuse them.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler

__all__ = ["LoopbackHandler"]

log = logging.getLogger("natgrad.preview")


class LoopbackHandler(BaseHTTPRequestHandler):
    """Base of the previews' handlers: subclasses define ``do_GET`` (which first asks
    :meth:`allowed`) and, for the event stream, ``state()``, ``generation()`` and
    ``changed`` (a :class:`threading.Condition`)."""

    server_version = "natgrad-preview"
    sys_version = ""

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
        comment every 15 s otherwise), until the client leaves or the server closes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not getattr(self.server, "closing", False):
                with changed:
                    if generation() == seen:
                        changed.wait(timeout=15)
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
