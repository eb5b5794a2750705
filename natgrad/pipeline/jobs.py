"""A figure job: the one record of what a figure is drawn from and into.

:func:`figure_job` plans it, once, from the validated config: each variant's
params (:func:`figure_params`: its section, the shared sections it reads, the
pipeline-wide :data:`SETTINGS`) with their hashes, its files, and the hash of its
inputs. The Snakefile plans one per figure (and one per sweep batch) and the
rule hands it to its command (``python -m natgrad.pipeline.render``) as one JSON
argument, by the one function pair beside it, :meth:`FigureJob.to_json` and
:meth:`FigureJob.from_json` (``from_json(job.to_json()) == job``); the command
calls :meth:`FigureJob.render`. The live previews plan theirs the same way. It
imports neither the config validation (an edit there reruns no figure) nor,
until it renders, matplotlib.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .manifest import inputs_sha256
from .sources import PACKAGE, figure_inputs

__all__ = [
    "SETTINGS",
    "FigureJob",
    "artifact_hashes",
    "config_sha256",
    "figure_job",
    "figure_params",
]

#: The pipeline-wide settings, config keys of these names, that every variant's
#: params carry (:func:`figure_params`) and that
#: :func:`natgrad.pipeline.render.render` takes as keywords: a new one is one
#: name here (with its key in config.yaml and the schema).
SETTINGS = ("usetex", "dpi", "on_divergence")

#: The checkout whose natgrad this is: paths in ``inputs_sha256`` are relative to it.
CHECKOUT = PACKAGE.parent


@dataclass(frozen=True)
class FigureJob:
    """Figure ``name`` drawn once per variant, each into its files and its manifest.

    Attributes
    ----------
    name : str
        A figure of :func:`natgrad.figures.registry`.
    variants : tuple of dict
        Each variant's params, as :func:`figure_params`
        gives them: its section with the shared ones, the text settings, its hash.
    figures : tuple of str
        The variants' figure files in order, the same number of formats each.
    data, manifests : tuple of str
        One sidecar and one manifest a variant (no manifests: none written).
    caption : str or None
        The report's caption file (relative to workflow/rules), if it has one.
    texts : tuple of str
        One text alternative a variant (its ``alt`` and description,
        :func:`natgrad.pipeline.render.describe`), listed in its manifest; none:
        none written.
    """

    name: str
    variants: tuple[dict, ...]
    figures: tuple[str, ...]
    data: tuple[str, ...]
    manifests: tuple[str, ...] = ()
    caption: str | None = None
    #: each variant's ``inputs_sha256`` as computed where the job was planned
    #: (the Snakefile); None: computed from the files when asked
    digests: tuple[str, ...] | None = None
    texts: tuple[str, ...] = ()

    @property
    def inputs(self) -> list[Path]:
        """Every file the job reads (:func:`natgrad.pipeline.sources.figure_inputs`)."""
        return figure_inputs(self.name)

    @property
    def outputs(self) -> list[str]:
        return [*self.figures, *self.data, *self.manifests, *self.texts]

    def inputs_sha256(self) -> list[str]:
        """Each variant's hash of its params with the code it runs, as its manifest
        records it (per variant: a sweep batched one way or another writes the same)."""
        if self.digests is not None:
            return list(self.digests)
        files = self.inputs
        return [
            inputs_sha256(files, json.dumps(v, sort_keys=True), CHECKOUT) for v in self.variants
        ]

    def to_json(self) -> str:
        """The whole record as one JSON string (the rule's ``params``, its command's
        argument): every field, the hashes as planned (computed now if the job was
        made without them). Its inverse is :meth:`from_json`. Key order is the
        sections' drawing order, so it is kept."""
        return json.dumps(asdict(replace(self, digests=tuple(self.inputs_sha256()))))

    @classmethod
    def from_json(cls, text: str) -> FigureJob:
        """The job :meth:`to_json` wrote, equal to the one planned."""
        fields = json.loads(text)
        sequences = ("variants", "figures", "data", "manifests", "digests", "texts")
        return cls(**{k: tuple(v) if k in sequences and v is not None else v
                      for k, v in fields.items()})  # fmt: skip

    def variant(self, i: int) -> tuple[dict, dict]:
        """Variant ``i``'s params and its files: ``{"figures": [...], "data": ...,
        "manifest": ... or None, "text": ... or None}`` (the one place the job's file
        lists are cut into variants: the same number of formats each)."""
        per = len(self.figures) // len(self.variants)
        return self.variants[i], {
            "figures": list(self.figures[i * per : (i + 1) * per]),
            "data": self.data[i],
            "manifest": self.manifests[i] if self.manifests else None,
            "text": self.texts[i] if self.texts else None,
        }

    def build(self, variant: int = 0) -> tuple:
        """Variant ``variant`` built in matplotlib's current style, not saved:
        ``(Figure, data)`` (:func:`natgrad.pipeline.render.build`; :meth:`render`
        builds in the natgrad style and saves)."""
        from .render import build

        params = self.variants[variant]
        return build(self.name, params["figure"], on_divergence=params["on_divergence"])

    def render(self) -> None:
        """Draw every variant into its files (and its manifest, when the job has them:
        the text engine and the variant's ``inputs_sha256``, its text alternative listed).

        Raises
        ------
        natgrad.drawing.divergence.FigureError
            One line naming the figure, the setting (and the variant, in a batch).
        """
        from ..drawing.divergence import FigureError
        from .manifest import write_manifest
        from .render import render

        digests = self.inputs_sha256() if self.manifests else None
        for i in range(len(self.variants)):
            params, files = self.variant(i)
            options = {k: params[k] for k in SETTINGS}
            try:
                render(self.name, params["figure"], files["figures"], files["data"],
                       text_path=files["text"], **options)  # fmt: skip
            except FigureError as err:
                if len(self.variants) > 1:
                    raise FigureError(f"{Path(files['figures'][0]).stem}: {err}") from None
                raise
            if files["manifest"] is None:
                continue
            written = [*files["figures"], files["data"], *[t for t in [files["text"]] if t]]
            write_manifest(Path(files["manifest"]).parent.parent, Path(files["manifest"]).stem,
                           written, params["config_sha256"], usetex=params["usetex"],
                           inputs=digests[i])  # fmt: skip


def figure_params(config: dict, name: str, section: dict | None = None) -> dict:
    """Everything figure ``name`` is drawn from, as its job's ``params``.

    Its section (or ``section``, a variant of it, for the sweep) with the shared
    sections it reads, the text settings, and the hash of all of it, which the
    manifest records: a change to any of it, and only to it, reruns the figure.
    """
    from ..figures import registry

    own, *shared = registry()[name].sections
    merged = dict(config[own] if section is None else section)
    merged.update({key: config[key] for key in shared})
    params = {"name": name, "figure": merged, **{key: config[key] for key in SETTINGS}}
    return {**params, "config_sha256": config_sha256(params)}


def figure_job(
    config: dict,
    name: str,
    figures: Sequence[str],
    data: Sequence[str],
    manifests: Sequence[str] = (),
    *,
    sections: Sequence[dict] | None = None,
    caption: str | None = None,
    texts: Sequence[str] = (),
):
    """The :class:`FigureJob` of figure ``name`` under ``config``, planned: one
    variant per section of ``sections`` (variants of its own; default: its own),
    each with its text alternative in ``texts`` (none: none written), and each
    variant's ``inputs_sha256`` computed now, so that whoever runs the job draws
    what was planned. The one place a job is made, for the Snakefile, the
    previews and the tests alike."""
    variants = tuple(figure_params(config, name, s) for s in (sections or [None]))
    job = FigureJob(name, variants, tuple(map(str, figures)), tuple(map(str, data)),
                    tuple(map(str, manifests)), caption,
                    texts=tuple(map(str, texts)))  # fmt: skip
    return replace(job, digests=tuple(job.inputs_sha256()))


def artifact_hashes(config: dict) -> dict[str, str]:
    """Hash of the config behind each artifact group: every figure, and the claims table."""
    from ..figures import registry

    hashes = {name: figure_params(config, name)["config_sha256"] for name in registry()}
    hashes["claims"] = config_sha256(config["claims"])
    return hashes


def config_sha256(params: Any) -> str:
    """sha256 of a canonical JSON encoding of ``params``."""
    import hashlib
    import json

    text = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
