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
from dataclasses import dataclass, field
from pathlib import Path

from ...figures import registry
from ...pipeline.config import ConfigError, prepare
from ...pipeline.jobs import FigureJob, figure_job
from ...pipeline.manifest import MANIFEST_DIR
from ...pipeline.sources import forget
from .errors import describe
from .worker import Planned, Worker

__all__ = ["FigureState", "Preview", "caption_text"]

log = logging.getLogger("natgrad.preview")


def caption_text(rst: str, config: dict) -> str:
    """A report caption as plain text: its first paragraph, config values filled in.

    The captions are Jinja templates for Snakemake's report, which renders them
    with ``snakemake.config`` in scope; Jinja2 renders them here the same way, in
    its sandbox (a template can read values, never call into Python), with
    ``tojson`` as plain JSON and a missing key as nothing.

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
    from types import SimpleNamespace

    from jinja2 import ChainableUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
    env.filters["tojson"] = json.dumps  # the report's JSON, not HTML-escaped
    first = rst.strip().split("\n\n")[0]
    try:
        text = env.from_string(first).render(snakemake=SimpleNamespace(config=config))
    except TemplateError as err:  # the caption as written, and why it is not filled in
        text = f"{first} (caption template: {err})"
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
    #: the file being read when an update failed, if it was not the config or code
    _reading: Path | None = None
    #: the last version of each figure no longer in the pipeline
    _gone: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.out = Path(self.out).resolve()
        self.worker = Worker(self.root)

    def plan(self, config: dict, name: str) -> FigureJob:
        """Figure ``name``'s job under ``config``, drawing into ``out``, its hashes planned
        (its text alternative beside its data, as in figures/)."""
        out, manifests = self.out, (self.out / MANIFEST_DIR / f"{name}.json",)
        return figure_job(config, name, [out / f"{name}.png"], [out / "data" / f"{name}.json"],
                          manifests if self.manifests else (),
                          texts=[out / "text" / f"{name}.json"])  # fmt: skip

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
        """One update; whatever a save did to the checkout (a syntax error, bytes
        that are not UTF-8, a value no library takes) is the page's one error line
        and the terminal's, the last good figures staying."""
        config_file = self.root / "config.yaml"
        try:
            config_file.read_bytes().decode("utf-8")  # name the file, and the line
            config = prepare(self.root, {}, self.root / ".snakemake" / "natgrad")
        except ConfigError as err:
            return self._failed(f"natgrad: {err}")
        except Exception as err:  # noqa: BLE001 - no save may stop the preview
            return self._failed(f"natgrad: {describe(err, self.root, config_file)}")
        try:
            return self._draw(config)
        except Exception as err:  # noqa: BLE001 - no save may stop the preview
            return self._failed(f"natgrad: {describe(err, self.root, self._reading)}")

    def _failed(self, line: str) -> list[str]:
        self._publish(config_error=line)
        log.error("%s", line)
        return []

    def _draw(self, config: dict) -> list[str]:
        self._reading = None
        forget()  # files may have changed since the last update
        names = [n for n in registry() if self.names is None or n in self.names]
        jobs: dict[str, tuple[Planned, str]] = {}
        for name in names:
            rst = self.root / "workflow" / "report" / f"{name}.rst"
            self._reading = rst
            caption = caption_text(rst.read_text(encoding="utf-8"), config) if rst.exists() else ""
            self._reading = None
            job = self.plan(config, name)
            # a figure back after a save that removed its module keeps counting its
            # versions: the page must never take a new drawing for one it has
            state = self.figures.get(name) or FigureState(name, version=self._gone.get(name, 0))
            self.figures[name] = state
            state.caption = caption
            # the hash the job's manifest records: its params and every file it reads
            key = job.digests[0]
            if key != state.key:
                jobs[name] = (job.to_json(), key)
        self.config = config  # planned without error: the state the page shows
        self.display_width = config["display_width"]
        for gone in set(self.figures) - set(names):
            self._gone[gone] = self.figures.pop(gone).version
        (self.out / "data").mkdir(parents=True, exist_ok=True)
        (self.out / "text").mkdir(exist_ok=True)
        results = self.worker.draw({n: p for n, (p, _) in jobs.items()}) if jobs else {}
        reported = set()
        for name, error in results.items():
            state = self.figures[name]
            state.key = jobs[name][1]
            state.error = error
            if error is None:
                state.version += 1
                text = json.loads((self.out / "text" / f"{name}.json").read_text())
                state.alt, state.description = text["alt"], text["description"]
            elif error not in reported:  # a module that does not import: one line, not one a figure
                reported.add(error)
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
