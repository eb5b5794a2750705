"""The previews' one watch loop: a callback for every save under some folders."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["watch", "watched"]


def watched(root: Path) -> list[Path]:
    """What a save in redraws figures: the config, the library, the captions, the schema."""
    return [root / "config.yaml", root / "natgrad", root / "workflow" / "report"]


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
        Files and folders to watch (watchfiles; a save is one set of changes).
    on_save : callable
        Given watchfiles' ``{(change, path), ...}``; once with an empty set when
        the watch is in place, to catch any save made while it was being set up.
    stop : threading.Event
        Ends the loop within 0.2 s.
    ready : threading.Event, optional
        Set after that first call.
    debounce : int
        Milliseconds watchfiles waits for more changes of the same save.
    """
    from watchfiles import watch as watch_files

    first = True
    for changes in watch_files(
        *paths,
        stop_event=stop,
        debounce=debounce,
        step=10,
        rust_timeout=200,
        yield_on_timeout=True,
    ):
        if first or changes:
            on_save(changes)
        if first and ready is not None:
            ready.set()
        first = False
