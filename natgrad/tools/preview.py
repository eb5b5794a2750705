"""Live preview: every figure redrawn on each save, in a warm process, on a local page.

    python -m natgrad.preview [--port 8000] [--root .]
    python -m natgrad.preview --blog DIR --post PATH [--port 8000]

(The second form previews the blog post itself, built by Jekyll, with these
figures live in it: :mod:`natgrad.tools.preview_post`.)

Validates the config as the pipeline does, draws every figure once into a
scratch folder (``.preview/``, never ``figures/``), and serves a page of the
figures and their captions on 127.0.0.1. Saving ``config.yaml``, a figure's
module, the style or any natgrad file redraws exactly the figures whose inputs
changed (their config section, or a file they import) and the page updates
itself through server-sent events. A bad config shows the pipeline's one-line
error on the page and in the terminal, the last good figures stay; saving a
fixed config recovers. Ctrl-C stops it.

Drawing uses :func:`natgrad.pipeline.render.render`, the function the pipeline's jobs
call, in a child forked from this process: numpy, matplotlib and mathtext are
already loaded there (the warm part), while natgrad itself is imported afresh
from disk, so an edited module is the one that draws.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import logging
import os
import re
import signal
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..figures import registry
from ..pipeline.config import ConfigError, figure_params, prepare
from ..pipeline.sources import forget, imported_sources
from .server import LoopbackHandler

__all__ = ["Preview", "PreviewServer", "caption_text", "main"]

log = logging.getLogger("natgrad.preview")

_CAPTION_VALUE = re.compile(
    r"\{\{\s*snakemake\.config((?:\[\"[^\"]+\"\])+)\s*(\|\s*tojson\s*)?\}\}"
)


def caption_text(rst: str, config: dict) -> str:
    """A report caption as plain text: its first paragraph, config values filled in.

    The captions are Jinja templates for Snakemake's report; only lookups of
    the form ``snakemake.config["a"]["b"]`` are filled in (no template engine,
    no evaluation).
    """
    first = rst.strip().split("\n\n")[0]

    def value(match: re.Match) -> str:
        node = config
        for key in re.findall(r"\[\"([^\"]+)\"\]", match.group(1)):
            node = node.get(key, "") if isinstance(node, dict) else ""
        return json.dumps(node) if match.group(2) else str(node)

    text = _CAPTION_VALUE.sub(value, first)
    return re.sub(r"\\ :sup:`([^`]*)`", r"^\1", text).replace("\\ ", "")


@dataclass
class FigureState:
    """What the page shows for one figure."""

    name: str
    caption: str = ""
    version: int = 0
    error: str | None = None
    key: str | None = None


@dataclass
class Preview:
    """The figures of the checkout at ``root``, drawn into ``out`` when their inputs change.

    :meth:`update` is the whole cycle: validate the config, work out which
    figures' inputs changed, draw those in a forked child, record the results.
    """

    root: Path
    out: Path
    figures: dict[str, FigureState] = field(default_factory=dict)
    config_error: str | None = None
    #: CSS px the page shows each figure at: config's display_width, as the blog does
    display_width: float | None = None
    generation: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    #: the figures to draw (None: every figure of the pipeline)
    names: frozenset[str] | None = None
    #: the config of the last update that validated
    config: dict | None = None
    _pool: object = None
    _pool_key: str | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.out = Path(self.out).resolve()
        (self.out / "data").mkdir(parents=True, exist_ok=True)

    def _inputs_key(self, params: dict, name: str) -> str:
        """Hash of everything figure ``name`` is drawn from: its params and its code."""
        natgrad = self.root / "natgrad"
        # figure_inputs' files, read under this preview's root
        files = imported_sources(
            natgrad / "pipeline" / "jobs.py",
            natgrad / "pipeline" / "render.py",
            natgrad / "figures" / f"{name}.py",
        )
        h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
        for path in [*files, natgrad / "drawing" / "natgrad.mplstyle"]:
            h.update(path.read_bytes())
        return h.hexdigest()

    def update(self) -> list[str]:
        """Redraw the figures whose inputs changed; return their names."""
        try:
            config = prepare(self.root, {}, self.root / ".snakemake" / "natgrad")
        except ConfigError as err:
            self._publish(config_error=f"natgrad: {err}")
            log.error("natgrad: %s", err)
            return []
        self.config = config
        self.display_width = config["display_width"]
        forget()  # files may have changed since the last update
        registry.cache_clear()
        names = [n for n in registry() if self.names is None or n in self.names]
        jobs = {}
        for name in names:
            params = figure_params(config, name)
            state = self.figures.setdefault(name, FigureState(name))
            rst = self.root / "workflow" / "report" / f"{name}.rst"
            state.caption = caption_text(rst.read_text(), config) if rst.exists() else ""
            key = self._inputs_key(params, name)
            if key != state.key:
                jobs[name] = (params, key)
        for gone in set(self.figures) - set(names):
            del self.figures[gone]
        results = self._draw({n: p for n, (p, _) in jobs.items()}) if jobs else {}
        for name, error in results.items():
            state = self.figures[name]
            state.key = jobs[name][1]
            state.error = error
            if error is None:
                state.version += 1
            else:
                log.error("%s", error)  # the error begins "natgrad: "
        self._publish(config_error=None)
        return sorted(results)

    def _publish(self, config_error: str | None) -> None:
        with self.changed:
            self.config_error = config_error
            self.generation += 1
            self.changed.notify_all()

    def _code_key(self) -> str:
        """Hash of natgrad's code and style as on disk: the worker's imports are of it."""
        h = hashlib.sha256()
        natgrad = self.root / "natgrad"
        for path in sorted([*natgrad.rglob("*.py"), natgrad / "drawing" / "natgrad.mplstyle"]):
            h.update(str(path).encode())
            h.update(path.read_bytes())
        return h.hexdigest()

    def _draw(self, jobs: dict[str, dict]) -> dict[str, str | None]:
        """Draw the jobs in the standing worker; name -> error or None.

        The worker is a process forked from the warm fork server that has
        imported natgrad as it was on disk; it stays for the next save, and is
        replaced when natgrad's code changes, so edited code is what draws.
        """
        import multiprocessing

        key = self._code_key()
        if self._pool is None or key != self._pool_key:
            self.close()
            ctx = multiprocessing.get_context("forkserver")
            self._pool = ctx.Pool(1, initializer=_worker_init, initargs=(str(self.root),))
            self._pool_key = key
        try:
            return self._pool.apply_async(self.draw_jobs, (self.out, jobs)).get(timeout=600)
        except Exception as err:  # noqa: BLE001 - a crashed worker is replaced next time
            self.close()
            return dict.fromkeys(jobs, f"natgrad: drawing failed ({type(err).__name__}: {err})")

    @staticmethod
    def draw_jobs(out: Path, jobs: dict[str, dict]) -> dict[str, str | None]:
        """What the worker runs (a module-level function, which the worker imports
        afresh from disk): :func:`_draw_jobs`."""
        return _draw_jobs(out, jobs)

    def close(self) -> None:
        """Stop the standing worker."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def state(self) -> dict:
        """What the page shows, as JSON-ready data."""
        with self.changed:
            return {
                "generation": self.generation,
                "config_error": self.config_error,
                "display_width": self.display_width,
                "figures": [
                    {
                        "name": s.name,
                        "caption": s.caption,
                        "version": s.version,
                        "error": s.error,
                    }
                    for s in self.figures.values()
                ],
            }


#: What the fork server imports once, so that every drawing child starts warm.
#: natgrad.tools._warm draws every figure once (fonts, mathtext's parse cache); each
#: child then forgets natgrad and imports it from disk, as edited.
WARM_MODULES = [
    "numpy",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.font_manager",
    "matplotlib.mathtext",
    "matplotlib.contour",
    "PIL.PngImagePlugin",
    "threadpoolctl",
    "natgrad.tools._warm",
]


def _worker_init(root: str) -> None:
    """In a new worker: forget the fork server's natgrad and import the one on disk."""
    for module in [m for m in sys.modules if m == "natgrad" or m.startswith("natgrad.")]:
        del sys.modules[module]
    sys.path.insert(0, root)
    import natgrad.pipeline.jobs  # noqa: F401
    import natgrad.pipeline.render  # noqa: F401


def _draw_jobs(out: Path, jobs: dict[str, dict]) -> dict[str, str | None]:
    """In the worker: each figure's job (its params as :func:`figure_params` gives
    them) renders as the pipeline's does, into ``out``; name -> error or None."""
    from natgrad.drawing.divergence import FigureError
    from natgrad.pipeline.jobs import FigureJob

    results = {}
    for name, params in jobs.items():
        job = FigureJob(
            name, (params,), (str(out / f"{name}.png"),), (str(out / "data" / f"{name}.json"),)
        )
        try:
            job.render()
            results[name] = None
        except FigureError as err:
            results[name] = f"natgrad: {err}"
        except Exception as err:  # noqa: BLE001 - shown in the figure's place, never fatal
            results[name] = f"natgrad: figure {name}: {type(err).__name__}: {err}"
    return results


def start_fork_server(root: Path) -> None:
    """Start the fork server now, with :data:`WARM_MODULES` imported in it
    (natgrad.tools._warm draws the figures of ``root`` once, in memory)."""
    import multiprocessing

    os.environ["NATGRAD_PREVIEW_ROOT"] = str(root)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(WARM_MODULES)
    from multiprocessing import forkserver

    forkserver.ensure_running()


@functools.cache
def _page_template():
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("natgrad.tools"), autoescape=True)
    return env.get_template("gallery.html")


def page(state: dict) -> str:
    """The preview page for ``state`` (later states arrive by server-sent events):
    ``natgrad/tools/templates/gallery.html``, every value escaped."""
    width = state.get("display_width")
    return _page_template().render(
        config_error=state["config_error"],
        display_width=f"{width}px" if width else "100%",
        figures=state["figures"],
    )


class Handler(LoopbackHandler):
    """GET and HEAD of the page, its events and the preview's own files; nothing else.
    ``Host`` and ``Origin`` are checked as the post preview's are (:mod:`.server`)."""

    preview: Preview  # set on the server's subclass

    def _not_found(self, why: str) -> None:
        log.warning("404 %r: %s", self.path, why)
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def do_GET(self) -> None:  # noqa: N802
        if not self.allowed():
            return
        path = urlsplit(self.path).path
        if path == "/":
            body = page(self.preview.state()).encode()
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
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return self._not_found("outside the preview's folder, or not a file")
        kind = "image/png" if target.suffix == ".png" else "application/json"
        self._send(HTTPStatus.OK, target.read_bytes(), kind)


class PreviewServer(ThreadingHTTPServer):
    """The page's server: loopback only, one thread per connection."""

    daemon_threads = True

    def __init__(self, preview: Preview, port: int = 0):
        handler = type("BoundHandler", (Handler,), {"preview": preview})
        super().__init__(("127.0.0.1", port), handler)
        self.closing = False


def watched(root: Path) -> list[Path]:
    """What a save in redraws figures: the config, the library, the captions, the schema."""
    return [root / "config.yaml", root / "natgrad", root / "workflow" / "report"]


def watch(preview: Preview, stop: threading.Event, ready: threading.Event) -> None:
    """Redraw on every save until ``stop`` is set (watchfiles; a save is one change).

    ``ready`` is set once the watch is in place, after one more update that
    catches any save made while it was being set up.
    """
    from watchfiles import watch as watch_files

    for changes in watch_files(
        *watched(preview.root),
        stop_event=stop,
        debounce=50,
        step=10,
        rust_timeout=200,
        yield_on_timeout=True,
    ):
        if not ready.is_set():
            preview.update()
            ready.set()
        elif changes:
            preview.update()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m natgrad.preview", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--root", default=".", help="the checkout (default: .)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--out", default=None, help="scratch folder for the figures (default: <root>/.preview)"
    )
    parser.add_argument(
        "--blog", default=None, help="a Jekyll blog: preview its post, built by Jekyll (--post)"
    )
    parser.add_argument("--post", default=None, help="the post's file, with --blog")
    args = parser.parse_args(argv)
    if args.blog or args.post:
        from .preview_post import main as post_main

        return post_main(args, parser)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    # Ctrl-C, and a kill's SIGTERM, stop it wherever it is (a drawing with LaTeX
    # takes seconds), also when started from a shell that ignores SIGINT in
    # background jobs, from which Python would inherit the ignoring.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    root = Path(args.root).resolve()
    preview = server = None
    stop, ready = threading.Event(), threading.Event()
    try:
        start_fork_server(root)
        preview = Preview(root, Path(args.out) if args.out else root / ".preview")
        preview.update()
        server = PreviewServer(preview, args.port)
        watcher = threading.Thread(target=watch, args=(preview, stop, ready), daemon=True)
        watcher.start()
        ready.wait(timeout=30)
        host, port = server.server_address[:2]
        print(f"natgrad preview: http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if preview is not None:
            preview.close()
        if server is not None:
            server.closing = True
            with preview.changed:
                preview.changed.notify_all()
            server.server_close()
        print("natgrad preview: stopped", file=sys.stderr, flush=True)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
