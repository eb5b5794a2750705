"""The preview's model: what each figure shows, and which figures a save redraws.

:meth:`Preview.update` is the whole cycle: validate the config as the pipeline
does, plan each figure's job (:func:`natgrad.pipeline.config.figure_job`, the
job the Snakefile plans), redraw those whose ``inputs_sha256`` (the hash their
manifest records: params and code) changed, in the standing worker
(:mod:`.worker`), and publish the new state to the pages' event streams.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...figures import registry
from ...pipeline.config import ConfigError, figure_job, prepare
from ...pipeline.manifest import MANIFEST_DIR
from ...pipeline.sources import forget
from .worker import Planned, Worker

__all__ = ["FigureState", "Preview", "caption_text"]

log = logging.getLogger("natgrad.preview")

_CAPTION_VALUE = re.compile(
    r"\{\{\s*snakemake\.config((?:\[\"[^\"]+\"\])+)\s*(\|\s*tojson\s*)?\}\}"
)


def caption_text(rst: str, config: dict) -> str:
    """A report caption as plain text: its first paragraph, config values filled in.

    The captions are Jinja templates for Snakemake's report; only lookups of
    the form ``snakemake.config["a"]["b"]`` are filled in (no template engine,
    no evaluation).

    Parameters
    ----------
    rst : str
        The caption file's text (``workflow/report/<figure>.rst``).
    config : dict
        The validated config.

    Returns
    -------
    str
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
    #: the ``inputs_sha256`` of the job last drawn (None: never drawn)
    key: str | None = None
    #: its text alternative, as its job wrote it (natgrad.pipeline.render.describe)
    alt: str = ""
    description: str = ""


@dataclass
class Preview:
    """The figures of the checkout at ``root``, drawn into ``out`` when their inputs change.

    Attributes
    ----------
    names : frozenset of str or None
        The figures to draw (None: every figure of the pipeline).
    manifests : bool
        Whether each drawing also writes the manifest its pipeline job writes
        (``out/manifest/<figure>.json``), for the artifact check's verdict.
    on_drawn : callable or None
        Called after each update with the names of its new drawings.
    """

    root: Path
    out: Path
    names: frozenset[str] | None = None
    manifests: bool = False
    on_drawn: Callable[[list[str]], None] | None = None
    figures: dict[str, FigureState] = field(default_factory=dict)
    config_error: str | None = None
    #: CSS px the page shows each figure at: config's display_width, as the blog does
    display_width: float | None = None
    generation: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    #: the config of the last update that validated
    config: dict | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.out = Path(self.out).resolve()
        (self.out / "data").mkdir(parents=True, exist_ok=True)
        (self.out / "text").mkdir(exist_ok=True)
        self.worker = Worker(self.root)

    def plan(self, config: dict, name: str) -> Planned:
        """Figure ``name``'s job under ``config``, drawing into ``out``, as the worker takes it."""
        figures, data = (str(self.out / f"{name}.png"),), (str(self.out / "data" / f"{name}.json"),)
        manifests = (str(self.out / MANIFEST_DIR / f"{name}.json"),) if self.manifests else ()
        job = figure_job(config, name, figures, data, manifests)
        # the text alternative, beside its data as in figures/ (named in the job's JSON)
        job = replace(job, texts=(str(self.out / "text" / f"{name}.json"),))
        return job.to_json(), figures, data, manifests

    def update(self) -> list[str]:
        """Redraw the figures whose inputs changed; return their names.

        One update at a time (the watcher and a rebuilt post may both ask).
        """
        with self._lock:
            drawn = self._update()
        if self.on_drawn is not None:
            self.on_drawn([n for n in drawn if self.figures[n].error is None])
        return drawn

    def _update(self) -> list[str]:
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
        jobs: dict[str, tuple[Planned, str]] = {}
        for name in names:
            state = self.figures.setdefault(name, FigureState(name))
            rst = self.root / "workflow" / "report" / f"{name}.rst"
            state.caption = caption_text(rst.read_text(), config) if rst.exists() else ""
            planned = self.plan(config, name)
            # the hash the job's manifest records: its params and every file it reads
            key = json.loads(planned[0])["inputs_sha256"][0]
            if key != state.key:
                jobs[name] = (planned, key)
        for gone in set(self.figures) - set(names):
            del self.figures[gone]
        results = self.worker.draw({n: p for n, (p, _) in jobs.items()}) if jobs else {}
        for name, error in results.items():
            state = self.figures[name]
            state.key = jobs[name][1]
            state.error = error
            if error is None:
                state.version += 1
                said = json.loads((self.out / "text" / f"{name}.json").read_text())
                state.alt, state.description = said["alt"], said["description"]
            else:
                log.error("%s", error)  # the error begins "natgrad: "
        self._publish(config_error=None)
        return sorted(results)

    def _publish(self, config_error: str | None) -> None:
        with self.changed:
            self.config_error = config_error
            self.generation += 1
            self.changed.notify_all()

    def publish(self) -> None:
        """Tell the pages' event streams that something they show changed."""
        with self.changed:
            self.generation += 1
            self.changed.notify_all()

    def close(self) -> None:
        """Stop the standing worker."""
        self.worker.close()

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
                        "alt": s.alt,
                        "description": s.description,
                        "version": s.version,
                        "error": s.error,
                    }
                    for s in self.figures.values()
                ],
            }
