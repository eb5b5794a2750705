"""The previews' one watch loop: a callback for every save under some folders.

Folders are watched, never files: an editor that saves by rename (``sed -i``,
vim's default ``backupcopy``, "safe write") replaces the file, and a watch on
the old file's inode would see that first save and none after it. A file to
watch (``config.yaml``) is watched through its folder, not recursively, with
only its name let through. Nothing a callback raises ends the loop: it is
logged in one line and the next save is seen.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import describe

__all__ = ["watch", "watched"]

log = logging.getLogger("natgrad.preview")


def watched(root: Path) -> list[Path]:
    """What a save in redraws figures: the config, the library, the captions (the
    schema is read as part of the config)."""
    return [root / "config.yaml", root / "natgrad", root / "workflow" / "report"]


def _watches(paths: Iterable[Path]) -> list[tuple[list[Path], bool, frozenset[Path] | None]]:
    """``(folders, recursive, only these files or None)`` for each watcher: the
    folders recursively, and each file's folder alone, narrowed to the files."""
    paths = [Path(p).absolute() for p in paths]
    folders = [p for p in paths if p.is_dir()]
    files = [p for p in paths if not p.is_dir()]
    watches = [(folders, True, None)] if folders else []
    by_parent: dict[Path, set[Path]] = {}
    for file in files:
        by_parent.setdefault(file.parent, set()).add(file)
    if by_parent:
        only = frozenset(f for group in by_parent.values() for f in group)
        watches.append((sorted(by_parent), False, only))
    return watches


def _produce(
    folders: list[Path],
    recursive: bool,
    only: frozenset[Path] | None,
    debounce: int,
    stop: threading.Event,
    out: queue.Queue,
) -> None:
    """Put each batch of changes under ``folders`` into ``out`` (an empty one each
    time the watch is (re)started and in place) until ``stop``; a watcher that fails
    (a folder removed and recreated, say) is started again."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as watch_files

    default = DefaultFilter()

    def wanted(change, path: str) -> bool:
        return Path(path) in only if only is not None else default(change, path)

    while not stop.is_set():
        try:
            first = True
            for changes in watch_files(
                *folders,
                watch_filter=wanted,
                stop_event=stop,
                debounce=debounce,
                step=10,
                rust_timeout=200,
                yield_on_timeout=True,
                recursive=recursive,
            ):
                if first or changes:
                    out.put((first, changes))
                first = False
        except Exception as err:  # noqa: BLE001 - the watch must outlive any failure
            log.error("natgrad preview: watching %s: %s", folders[0], describe(err, folders[0]))
            out.put((True, set()))  # whatever happened meanwhile: look again
            stop.wait(0.5)


def watch(
    paths: Iterable[Path],
    on_save: Callable[[set[tuple[object, str]]], None],
    stop: threading.Event,
    ready: threading.Event | None = None,
    debounce: int = 50,
) -> None:
    """Call ``on_save(changes)`` for every save under ``paths`` until ``stop`` is set.

    Parameters
    ----------
    paths : iterable of Path
        Folders, watched with all below them, and files, watched through their
        folder (watchfiles; a save is one set of changes).
    on_save : callable
        Given watchfiles' ``{(change, path), ...}`` (the changes of every save
        since the last call, several saves in one when they come quicker than
        it returns); with an empty set once the watch is in place, to catch any
        save made while it was being set up, and again whenever a watcher had
        to be started afresh. Whatever it raises is logged in one line; the
        loop goes on.
    stop : threading.Event
        Ends the loop within 0.2 s.
    ready : threading.Event, optional
        Set after that first call.
    debounce : int
        Milliseconds watchfiles waits for more changes of the same save.
    """
    paths = list(paths)
    root = Path(paths[0]).parent if paths else Path.cwd()
    batches: queue.Queue = queue.Queue()
    watches = _watches(paths)
    for folders, recursive, only in watches:
        threading.Thread(
            target=_produce,
            args=(folders, recursive, only, debounce, stop, batches),
            daemon=True,
        ).start()
    waiting = len(watches)  # watchers not yet in place
    while not stop.is_set():
        try:
            batch = [batches.get(timeout=0.2)]
        except queue.Empty:
            continue
        while True:  # whatever else is already waiting is part of this save
            try:
                batch.append(batches.get_nowait())
            except queue.Empty:
                break
        starts = sum(1 for started, _ in batch if started)
        changes = set().union(*(c for _, c in batch))
        first = waiting > 0
        if first:
            waiting -= starts
            if waiting > 0:
                continue
        if starts:
            changes = set()  # a watch (re)started: look at everything
        try:
            on_save(changes)
        except Exception as err:  # noqa: BLE001 - no save may stop the preview
            log.error("natgrad preview: %s", describe(err, root))
        if first and ready is not None:
            ready.set()
