"""``python -m natgrad.preview``: the gallery of the figures, or the post itself, live.

    python -m natgrad.preview [--port 8000] [--root .]
    python -m natgrad.preview --blog DIR --post PATH [--port 8000]

Both start the warm fork server (:mod:`.worker`), draw, serve on 127.0.0.1
(:mod:`.server`), watch for saves (:mod:`.watch`) and print one line with the
address; Ctrl-C (or SIGTERM) stops them wherever they are.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .jekyll import Jekyll, JekyllError, jekyll_command, mirror, sync
from .model import Preview
from .post import PostPreview
from .server import GalleryServer, PostServer
from .watch import watch, watched
from .worker import start_fork_server

__all__ = ["main"]


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _fail(message: str) -> int:
    print(f"natgrad preview: {message}", file=sys.stderr, flush=True)
    return 2


def _bind(make, port: int):
    """The server ``make(port)``, or one line why it cannot be (before any warm-up)."""
    try:
        return make(port)
    except OSError as err:
        raise _Refused(f"--port {port}: {err.strerror or err}") from None


class _Refused(Exception):
    """The command cannot start; the message is its one line."""


def _serve(server, url: str) -> None:
    """Print the address and serve until Ctrl-C (its KeyboardInterrupt ends it)."""
    print(f"natgrad preview: {url} (Ctrl-C stops)", file=sys.stderr, flush=True)
    server.serve_forever(poll_interval=0.2)


def _close(server, model, stop: threading.Event) -> None:
    """Stop the watchers, the model (its worker, and Jekyll) and the server's event streams."""
    stop.set()
    if model is not None:
        model.close()
    if server is not None:
        server.closing = True
        if model is not None:
            with model.changed:
                model.changed.notify_all()
        server.server_close()


def gallery(args) -> int:
    """The gallery: every figure of the checkout at ``--root``, redrawn on each save."""
    root = Path(args.root).resolve()
    preview = server = None
    stop, ready = threading.Event(), threading.Event()
    status = 0
    try:
        preview = Preview(root, Path(args.out) if args.out else root / ".preview")
        server = _bind(lambda port: GalleryServer(preview, port), args.port)
        start_fork_server()
        preview.update()
        threading.Thread(
            target=watch,
            args=(watched(root), lambda _: preview.update(), stop, ready),
            daemon=True,
        ).start()
        ready.wait(timeout=30)
        host, port = server.server_address[:2]
        _serve(server, f"http://{host}:{port}/")
    except _Refused as err:
        status = _fail(str(err))
    except KeyboardInterrupt:
        pass
    finally:
        _close(server, preview, stop)
        if not status:
            print("natgrad preview: stopped", file=sys.stderr, flush=True)
    return status


def _blog_saved(model: PostPreview, changes) -> None:
    """Mirror each save in the blog for Jekyll; check again when figures/ changes."""
    blog, figures = model.blog, model.root / "figures"
    if not changes:  # the watch is in place: catch a save made while it was set up
        mirror(blog, model.out / "blog")
    recheck = False
    for _, changed in changes:
        path = Path(changed)
        if path.is_relative_to(blog):
            sync(blog, model.out / "blog", path.relative_to(blog))
        elif path.is_relative_to(figures):
            recheck = True
    if recheck:
        model.recheck()
        model.load_claims()
        model.publish()


def post(args, parser: argparse.ArgumentParser) -> int:
    """The post ``--post`` of the blog ``--blog``, built by Jekyll, its figures live."""
    if not (args.blog and args.post):
        parser.error("--blog and --post go together")
    root = Path(args.root).resolve()
    blog = Path(args.blog).resolve()
    if not blog.is_dir():
        return _fail(f"--blog {args.blog}: not a directory")
    post = Path(args.post)
    if not post.is_absolute() and not post.exists() and (blog / post).exists():
        post = blog / post
    post = post.resolve()
    if not post.is_file():
        return _fail(f"--post {args.post}: no such file")
    if not post.is_relative_to(blog):
        return _fail(f"--post {args.post}: not a file of the blog {blog}")
    try:
        jekyll_command(blog)  # missing: one line, before anything starts
    except JekyllError as err:
        return _fail(str(err))
    out = Path(args.out).resolve() if args.out else root / ".preview" / "post"
    model = server = None
    stop, ready, blog_ready = threading.Event(), threading.Event(), threading.Event()
    status = 0
    try:
        model = PostPreview(root, blog, post, out)
        server = _bind(lambda port: PostServer(model, port), args.port)
        port = server.server_address[1]
        start_fork_server()
        mirror(blog, out / "blog")
        model.jekyll = Jekyll(
            blog,
            out / "blog",
            model.site,
            out,
            f"http://127.0.0.1:{port}",
            model.on_jekyll,
            drafts=model.relative.startswith("_drafts/"),
        )
        try:
            model.build = model.jekyll.start()
        except JekyllError as err:
            status = _fail(f"jekyll: {err}")
            return status
        if model.post_url() is None:
            status = _fail(
                f"jekyll built no page for {model.relative} (a post needs a dated name under "
                "_posts/, and no future date or published: false)"
            )
            return status
        model.update_figures()
        figures = model.figures
        for paths, on_save, done, debounce in [
            (watched(root), lambda _: figures.update(), ready, 50),
            ([blog, root / "figures"], lambda c: _blog_saved(model, c), blog_ready, 20),
        ]:
            threading.Thread(
                target=watch, args=(paths, on_save, stop, done, debounce), daemon=True
            ).start()
        ready.wait(timeout=30)
        blog_ready.wait(timeout=30)
        _serve(server, f"http://127.0.0.1:{port}{model.post_url()}")
    except _Refused as err:
        status = _fail(str(err))
    except KeyboardInterrupt:
        pass
    finally:
        _close(server, model, stop)
        if not status:
            print("natgrad preview: stopped", file=sys.stderr, flush=True)
    return status


def main(argv: list[str] | None = None) -> int:
    """The command: the gallery, or with ``--blog`` and ``--post`` the post preview.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0, or 2 when the blog, its post or Jekyll fails.
    """
    parser = argparse.ArgumentParser(
        prog="python -m natgrad.preview",
        description="Live preview: every figure redrawn on each save, in a warm process, "
        "on a local page (or in the blog's post, built by Jekyll).",
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
    if not 0 <= args.port <= 65535:
        return _fail(f"--port {args.port}: not a port number (0 to 65535; 0 takes any free port)")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    # watchfiles says "1 change detected" for every save: the page is the author's news
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    # Ctrl-C, and a kill's SIGTERM, stop it wherever it is (a drawing with LaTeX
    # takes seconds), also when started from a shell that ignores SIGINT in
    # background jobs, from which Python would inherit the ignoring.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    if args.blog or args.post:
        return post(args, parser)
    return gallery(args)
