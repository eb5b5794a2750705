"""The post preview's model: the blog's post built by Jekyll, its figures drawn live,
what the checks say about them.

:class:`PostPreview` holds the site Jekyll last built (:mod:`natgrad.tools.preview.jekyll`),
the post's figures (a :class:`.model.Preview` drawing only them, each drawing with
the manifest its pipeline job writes), each figure's verdict from the artifact
check (:func:`figure_verdict`, in a thread of its own) and the claims the post
states (:mod:`.claims`); the server (:mod:`.server`) answers from it.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import threading
from pathlib import Path

from .claims import ClaimSpot, claim_spots
from .errors import describe
from .jekyll import Build, Jekyll
from .model import Preview

__all__ = ["PostPreview", "figure_verdict"]

log = logging.getLogger("natgrad.preview")


def _one_figure(src: Path, name: str, keep: set[str] | None, dest: Path) -> set[str]:
    """Copy figure ``name``'s manifest (only the files in ``keep``, if given) and
    its files from output folder ``src`` into ``dest``; the files copied."""
    from ...pipeline.manifest import MANIFEST_DIR

    manifest = json.loads((src / MANIFEST_DIR / f"{name}.json").read_text())
    artifacts = {k: v for k, v in manifest["artifacts"].items() if keep is None or k in keep}
    (dest / MANIFEST_DIR).mkdir(parents=True)
    (dest / MANIFEST_DIR / f"{name}.json").write_text(
        json.dumps({**manifest, "artifacts": artifacts})
    )
    for rel in artifacts:
        if (src / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / rel, dest / rel)
    return set(artifacts)


def figure_verdict(
    committed: Path, live: Path, name: str, config_sha256: str, scratch: Path
) -> dict:
    """Whether the committed figure ``name`` is what its current config and code draw.

    The artifact check (:func:`natgrad.artifacts.compare_dirs`, with the current
    config's hash and inputs) on that figure alone: its committed files in
    ``committed`` (``figures/``) against the preview's drawing in ``live``, which
    carries a manifest as the figure's job writes. Only the files the preview
    draws (the PNG and its data) are compared.

    Returns
    -------
    dict
        ``{"status": "current" | "stale" | "differs" | "not committed", "lines": [...]}``
    """
    from ...pipeline.manifest import MANIFEST_DIR
    from ..artifacts import compare_dirs

    if not (committed / MANIFEST_DIR / f"{name}.json").is_file():
        return {"status": "not committed", "lines": [f"figures/{name}.png has no manifest"]}
    work = scratch / name
    shutil.rmtree(work, ignore_errors=True)
    drawn = _one_figure(live, name, None, work / "live")
    _one_figure(committed, name, drawn, work / "committed")
    comparison = compare_dirs(
        work / "committed",
        work / "live",
        work / "diff",
        current_hashes={name: config_sha256},
        current_inputs=True,
    )
    problems = comparison.problems
    if not problems:
        lines = [f"{t}: {why}" for t, why in sorted(set(comparison.tiers.values()))]
        return {"status": "current", "lines": lines}
    stale = any(": stale: " in p for p in problems)
    return {"status": "stale" if stale else "differs", "lines": problems}


class PostPreview:
    """The post of ``blog`` at ``post``, its figures drawn live from ``root``."""

    def __init__(self, root: Path, blog: Path, post: Path, out: Path):
        self.root, self.blog, self.post, self.out = root, blog, post, out
        self.relative = post.relative_to(blog).as_posix()
        self.figures = Preview(
            root, out / "figures", names=frozenset(), manifests=True, on_drawn=self._drawn
        )
        self.changed = self.figures.changed
        self.site = out / "site"
        self.build: Build | None = None
        self.building = False
        self.site_error: str | None = None
        self.verdicts: dict[str, dict] = {}
        self.claims: list[dict] = []
        self._claims_key = None
        self._spots: tuple | None = None
        self._checks: queue.Queue = queue.Queue()
        self.jekyll: Jekyll | None = None
        threading.Thread(target=self._check_loop, daemon=True).start()

    # figures
    def post_figures(self) -> frozenset[str]:
        """The pipeline's figures the post shows (its PNGs under /assets/)."""
        from ...figures import registry
        from ...pipeline.config import ConfigError
        from ...pipeline.post import post_images

        try:
            shown = post_images(self.post)
        except ConfigError as err:
            log.error("natgrad: %s", err)
            return self.figures.names or frozenset()
        except Exception as err:  # noqa: BLE001 - a save of the post may be anything
            log.error("natgrad: %s", describe(err, self.root, self.post))
            return self.figures.names or frozenset()
        known = set(registry())
        return frozenset(n[:-4] for n in shown if n.endswith(".png") and n[:-4] in known)

    def update_figures(self) -> list[str]:
        """Redraw what changed (config, code, or the post's choice of figures);
        queue the check of each new drawing."""
        self.figures.names = self.post_figures()
        return self.figures.update()

    def _drawn(self, names: list[str]) -> None:
        for name in names:
            self.verdicts[name] = {"status": "checking", "lines": []}
            self._checks.put(name)

    def recheck(self) -> None:
        """Check every drawn figure again (the committed figures changed)."""
        for name, state in list(self.figures.figures.items()):
            if state.version:
                self._checks.put(name)

    def _check_loop(self) -> None:
        while True:
            name = self._checks.get()
            if name is None:
                return
            state = self.figures.figures.get(name)
            config = self.figures.config
            if state is None or config is None:
                continue
            from ...pipeline.jobs import figure_params

            try:
                verdict = figure_verdict(
                    self.root / "figures",
                    self.figures.out,
                    name,
                    figure_params(config, name)["config_sha256"],
                    self.out / "check",
                )
            except Exception as err:  # noqa: BLE001 - shown beside the figure
                verdict = {
                    "status": "differs",
                    "lines": [f"cannot check: {type(err).__name__}: {err}"],
                }
            self.verdicts[name] = verdict
            self.publish()

    def close(self) -> None:
        if self.jekyll is not None:
            self.jekyll.stopping.set()  # first: a signal to the group may end it any moment
        self._checks.put(None)
        self.figures.close()
        if self.jekyll is not None:
            self.jekyll.stop()

    # the site
    def on_jekyll(self, kind: str, value) -> None:
        if kind == "building":
            self.building = True
        elif kind == "built":
            self.building, self.site_error, self.build = False, None, value
            self._spots = None
            log.info("natgrad preview: jekyll rebuilt the site (build %d)", value.number)
        elif kind == "error":
            self.building, self.site_error = False, f"jekyll: {value}"
            log.error("natgrad preview: jekyll: %s", value)
        self.publish()
        if kind == "built" and self.post_figures() != self.figures.names:
            self.update_figures()
            self.publish()

    def post_url(self) -> str | None:
        return self.build.urls.get(self.relative) if self.build else None

    def publish(self) -> None:
        """Tell the pages' event streams that something they show changed."""
        self.figures.publish()

    def load_claims(self) -> list[dict]:
        """``figures/claims.json``'s rows (read again when it changes)."""
        path = self.root / "figures" / "claims.json"
        try:
            st = path.stat()
            key = (st.st_mtime_ns, st.st_size)
            if key != self._claims_key:
                rows = json.loads(path.read_text())
                self.claims = [r for r in rows if isinstance(r, dict) and "id" in r]
                self._claims_key = key
                self._spots = None
        except (OSError, ValueError):
            self.claims, self._claims_key = [], None
        return self.claims

    def spots(self) -> list[ClaimSpot]:
        """Where the built post states each claim (found again after each build)."""
        claims = self.load_claims()
        if self._spots is None:
            page = self.page_file()
            text = page.read_text(encoding="utf-8", errors="replace") if page else ""
            self._spots = tuple(claim_spots(text, claims))
        return list(self._spots)

    def page_file(self) -> Path | None:
        url = self.post_url()
        return self.site_file(url) if url else None

    def site_file(self, url_path: str) -> Path | None:
        """The built file behind a URL path of the site (its baseurl taken off), or
        None: only files below the site folder, no ``..``, no symlink out."""
        baseurl = self.build.baseurl.rstrip("/") if self.build else ""
        if baseurl and not (url_path == baseurl or url_path.startswith(baseurl + "/")):
            return None
        relative = url_path[len(baseurl) :].lstrip("/")
        if "\x00" in relative or ".." in Path(relative).parts:
            return None
        try:
            root = self.site.resolve()
            target = (root / relative).resolve()
            if target.is_dir():
                target = target / "index.html"
            elif not target.exists() and target.with_name(target.name + ".html").is_file():
                target = target.with_name(target.name + ".html")  # as jekyll serve does
            if not target.is_relative_to(root) or not target.is_file():
                return None
        except (OSError, ValueError):  # a name longer than the file system takes, say
            return None
        return target

    def state(self) -> dict:
        base = self.figures.state()
        spots = {s.claim for s in self.spots()}
        return {
            "generation": base["generation"],
            "config_error": base["config_error"],
            "figures": {
                f["name"]: {**f, "verdict": self.verdicts.get(f["name"])} for f in base["figures"]
            },
            "site": {
                "build": self.build.number if self.build else 0,
                "baseurl": self.build.baseurl.rstrip("/") if self.build else "",
                "building": self.building,
                "error": self.site_error,
                "post": self.post_url(),
            },
            "claims": [
                {
                    "id": c["id"],
                    "verdict": c.get("verdict", ""),
                    "draft": c.get("draft", ""),
                    "correct": c.get("correct", ""),
                }
                for c in self.claims
                if c["id"] in spots
            ],
        }
