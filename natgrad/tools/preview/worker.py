"""The preview's worker: a process forked from a warm fork server that draws figure jobs.

The fork server imports :data:`WARM_MODULES` once (numpy, matplotlib, its fonts and
mathtext, Pillow: imports only, none of which draws or reads the checkout), so every
worker forked from it starts with them loaded. A worker then shares mathtext's
parse cache between its figures (:mod:`natgrad.tools.preview._private`), forgets the
fork server's natgrad and imports the one on disk, so edited code is what draws; it
stays, warm from its own drawings, for the next save and is replaced when natgrad's
code changes.

A worker draws what the figure rule's command (:func:`natgrad.pipeline.render.main`)
draws: :meth:`natgrad.pipeline.jobs.FigureJob.from_json` of the job the preview
planned, then :meth:`~natgrad.pipeline.jobs.FigureJob.render`.
"""

from __future__ import annotations

import hashlib
import signal
import sys
import threading
from pathlib import Path

from . import errors as _errors

__all__ = ["WARM_MODULES", "Worker", "draw", "start_fork_server"]

#: What the fork server imports once, so that every worker starts with it loaded.
#: Only imports: drawing every figure there too made each start 9.5 s instead of
#: 4.8 s, and a code save's redraw (a new worker) 0.73 s instead of 1.2 s; a config
#: save's is the same either way, its worker warm from its own drawings
#: (benchmarks/bench_preview.py, 2026-12-08). A warm-up of one small figure with the
#: style recovers none of it: the first draw's cost is each figure's own.
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
    "natgrad.tools.preview._private",
]

#: A planned drawing as it travels to the worker: the job's record as JSON
#: (:meth:`~natgrad.pipeline.jobs.FigureJob.to_json`, its output files included).
Planned = str


def start_fork_server() -> None:
    """Start the fork server now, with :data:`WARM_MODULES` imported in it."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(WARM_MODULES)
    forkserver.ensure_running()


#: Why the worker could not import natgrad from disk (None: it could).
_import_error: str | None = None
#: The checkout whose natgrad the worker imports.
_root = "."


def _worker_init(root: str, first: bool = True) -> None:
    """In a new worker: leave Ctrl-C to the preview, share mathtext's parse cache,
    forget the fork server's natgrad and import the one on disk (what fails there is
    every job's error). Only the preview's ``first`` worker says when the cache cannot
    be shared: every later one would say it again."""
    global _import_error, _root
    _root = root
    # A terminal's Ctrl-C reaches every process of its group. The preview stops the
    # worker itself (Worker.close); a KeyboardInterrupt here would only print
    # "Process ForkServerProcess-1: Traceback ..." on the way out.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the fork server's copy: the one on disk may be half-saved
    from ._private import share_mathtext_cache

    if not share_mathtext_cache() and first:
        print(
            "natgrad preview: this matplotlib's mathtext cache is not the one expected; "
            "redraws are slower (natgrad/tools/preview/_private.py)",
            file=sys.stderr,
            flush=True,
        )
    for module in [m for m in sys.modules if m == "natgrad" or m.startswith("natgrad.")]:
        del sys.modules[module]
    sys.path.insert(0, root)
    try:
        import natgrad.pipeline.jobs  # noqa: F401
        import natgrad.pipeline.render  # noqa: F401
    except Exception as err:  # noqa: BLE001 - every job says why, naming the file
        _import_error = _describe(err, root)


def _describe(err: BaseException, root: str) -> str:
    """``describe`` of the fork server's natgrad: the one on disk may not import."""
    return "natgrad: " + _errors.describe(err, Path(root))


def _import_failed(err: BaseException) -> bool:
    """Whether ``err`` is natgrad's code not importing (the same for every figure)."""
    return isinstance(err, SyntaxError | ImportError)


def draw(jobs: dict[str, Planned]) -> dict[str, str | None]:
    """In the worker: render each planned job as the figure rule's command does; name ->
    its one-line error, or None.

    The fork server's copy, called by :func:`_serve`; what it draws with is
    natgrad as on disk, imported afresh. An error importing it (a syntax error,
    a missing name) is every job's one line, naming the file and line.
    """
    root = _root
    if _import_error is not None:
        return dict.fromkeys(jobs, _import_error)
    try:
        from natgrad.drawing.divergence import FigureError
        from natgrad.pipeline.jobs import FigureJob
    except Exception as err:  # noqa: BLE001 - shown in the figures' place, never fatal
        return dict.fromkeys(jobs, _describe(err, root))
    results = {}
    for name, text in jobs.items():
        try:
            FigureJob.from_json(text).render()
            results[name] = None
        except FigureError as err:
            results[name] = f"natgrad: {err}"
        except Exception as err:  # noqa: BLE001 - shown in the figure's place, never fatal
            if _import_failed(err):
                results[name] = _describe(err, root)
            else:
                message = " ".join(str(err).split())
                results[name] = f"natgrad: figure {name}: {type(err).__name__}: {message}"
    return results


def _serve(conn, root: str, first: bool = True) -> None:
    """The worker: import natgrad from disk, then draw each batch of jobs ``conn``
    brings and send back the results, until the preview closes ``conn``."""
    _worker_init(root, first)
    while True:
        try:
            jobs = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(draw(jobs))


class Worker:
    """The standing worker of one checkout: a process of the fork server, and a pipe.

    Not a ``multiprocessing.Pool``: a pool's worker that dies of a signal sent to
    the whole process group (a session's SIGTERM) dies holding the pool's queue
    lock, and ``Pool.terminate`` then waits for that lock for ever.

    Parameters
    ----------
    root : Path
        The checkout whose natgrad the worker imports.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._proc = None
        self._conn = None
        self._key: str | None = None
        # draw() runs in the watch thread, close() in the main one (Ctrl-C), maybe
        # while draw() starts a process: only a started one is ever published
        self._lock = threading.Lock()
        self._closed = False

    def _code_key(self) -> str:
        """Hash of natgrad's code and style as on disk: the worker's imports are of it."""
        h = hashlib.sha256()
        natgrad = self.root / "natgrad"
        for path in sorted([*natgrad.rglob("*.py"), natgrad / "drawing" / "natgrad.mplstyle"]):
            h.update(str(path).encode())
            try:
                h.update(path.read_bytes())
            except OSError:  # removed since listed (a save by delete-then-create)
                h.update(b"\0missing")
        return h.hexdigest()

    def draw(self, jobs: dict[str, Planned], timeout: float = 600) -> dict[str, str | None]:
        """Draw ``jobs`` (name -> planned job) in the worker; name -> error or None
        (nothing, once the preview is closing).

        A worker whose natgrad is not the one on disk is replaced first; one that
        crashed is replaced next time, and every job then reports the crash.
        """
        import multiprocessing

        key = self._code_key()
        with self._lock:
            if self._closed:
                return {}
            proc, conn = self._proc, self._conn
            if proc is not None and (key != self._key or not proc.is_alive()):
                self._proc = self._conn = None
                _stop(proc, conn)
                proc = None
        if proc is None:
            ctx = multiprocessing.get_context("forkserver")
            conn, child = ctx.Pipe()
            proc = ctx.Process(
                target=_serve, args=(child, str(self.root), self._key is None), daemon=True
            )
            proc.start()  # may wait for the fork server's warm-up: not under the lock
            child.close()
            with self._lock:
                if self._closed:
                    _stop(proc, conn)
                    return {}
                self._proc, self._conn, self._key = proc, conn, key
        try:
            conn.send(jobs)
            if not conn.poll(timeout):
                raise TimeoutError(f"no drawing in {timeout:.0f} s")
            return conn.recv()  # EOFError when the worker died
        except Exception as err:  # noqa: BLE001 - a crashed worker is replaced next time
            with self._lock:
                if self._proc is proc:
                    self._proc = self._conn = None
                closed = self._closed
            _stop(proc, conn)
            if closed:  # stopped by close(): no error of the author's
                return {}
            why = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
            return dict.fromkeys(jobs, f"natgrad: drawing failed ({why})")

    def close(self) -> None:
        """Stop the worker for good (SIGKILL: it holds nothing worth finishing, and
        says nothing); a draw under way returns nothing."""
        with self._lock:
            self._closed = True
            proc, conn = self._proc, self._conn
            self._proc = self._conn = None
        _stop(proc, conn)


def _stop(proc, conn) -> None:
    """Kill the worker process ``proc`` (if any) and close its pipe ``conn``."""
    if proc is not None:
        proc.kill()
        proc.join(timeout=30)
    if conn is not None:
        conn.close()
