"""A figure job: the one type that knows what a figure is drawn from and into.

The Snakefile makes one per figure (and one per sweep batch,
:func:`natgrad.pipeline.config.figure_job`), passes
:meth:`FigureJob.to_json` to the adapter (workflow/scripts/render.py), which
rebuilds it with :meth:`FigureJob.from_json` and calls :meth:`FigureJob.render`;
the live previews make one per drawing. It imports neither the config
validation (an edit there reruns no figure) nor, until it renders, matplotlib.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .manifest import inputs_sha256
from .sources import PACKAGE, figure_inputs

__all__ = ["FigureJob"]

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
        Each variant's params, as :func:`natgrad.pipeline.config.figure_params`
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
        """The job's params as one JSON string (the rule's ``params``, the adapter's
        argument): what it draws from, each variant's hashes. Key order is drawing
        order, so it is kept; the output paths are the rule's outputs (the text
        alternatives' are also here, for a caller that passes only the others: the
        live preview's worker)."""
        first = self.variants[0]
        spec = {
            "name": self.name,
            "sections": [v["figure"] for v in self.variants],
            "config_sha256": [v["config_sha256"] for v in self.variants],
            "inputs_sha256": self.inputs_sha256(),
            "usetex": first["usetex"],
            "dpi": first["dpi"],
            "on_divergence": first["on_divergence"],
        }
        if self.texts:
            spec["texts"] = list(self.texts)
        return json.dumps(spec)

    @classmethod
    def from_json(
        cls,
        text: str,
        figures: Sequence[str],
        data: Sequence[str],
        manifests: Sequence[str],
        texts: Sequence[str] = (),
    ) -> FigureJob:
        """The job :meth:`to_json` described, drawing into these files (the adapter's);
        its variants' ``inputs_sha256`` are the ones the Snakefile computed. Without
        ``texts``, those :meth:`to_json` names (if any)."""
        spec = json.loads(text)
        settings = {k: spec[k] for k in ("usetex", "dpi", "on_divergence")}
        variants = tuple(
            {"name": spec["name"], "figure": section, **settings, "config_sha256": digest}
            for section, digest in zip(spec["sections"], spec["config_sha256"], strict=True)
        )
        return cls(spec["name"], variants, tuple(figures), tuple(data), tuple(manifests),
                   digests=tuple(spec["inputs_sha256"]),
                   texts=tuple(texts or spec.get("texts", ())))  # fmt: skip

    def build(self, variant: int = 0) -> tuple:
        """Variant ``variant`` built in matplotlib's current style, not saved:
        ``(Figure, data)`` (:func:`natgrad.pipeline.render.build`; :meth:`render`
        builds in the natgrad style and saves)."""
        from .render import build

        params = self.variants[variant]
        return build(self.name, params["figure"], on_divergence=params["on_divergence"])

    def render(self) -> None:
        """Draw every variant into its files (and its manifest, when the job has them).

        Raises
        ------
        natgrad.drawing.divergence.FigureError
            One line naming the figure, the setting (and the variant, in a batch).
        """
        from .render import render, render_batch

        first = self.variants[0]
        options = {k: first[k] for k in ("usetex", "dpi", "on_divergence")}
        sections = [v["figure"] for v in self.variants]
        if self.manifests:
            hashes = [v["config_sha256"] for v in self.variants]
            render_batch(self.name, sections, hashes, self.figures, self.data, self.manifests,
                         inputs=self.inputs_sha256(), text_paths=self.texts,
                         **options)  # fmt: skip
            return
        per = len(self.figures) // len(sections)
        for i, section in enumerate(sections):
            render(self.name, section, self.figures[i * per : (i + 1) * per], self.data[i],
                   text_path=self.texts[i] if self.texts else None, **options)  # fmt: skip
