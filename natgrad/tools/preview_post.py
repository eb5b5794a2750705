"""The post itself, live: the blog built by its own engine, its figures drawn on each save.

    python -m natgrad.preview --blog DIR --post PATH [--port 8000]

Builds the blog with Jekyll (:mod:`natgrad.tools.jekyll`: Debian's ``jekyll``, or the
Gemfile's where Bundler has it) into ``.preview/site`` and serves the built
site on 127.0.0.1. In the built pages, the images ``/assets/<figure>.png`` of the
pipeline's figures are answered from the preview's own drawings
(:class:`natgrad.preview.Preview`, warm, redrawn when their config or code is
saved), never from the blog's assets, which stay the export's. A small script
injected into each page listens to the event stream: it swaps a redrawn figure
in place, reloads the page when Jekyll has rebuilt it after a save of the post,
and shows beside each figure whether the committed figure is current (the
artifact check's verdict, :func:`natgrad.artifacts.compare_dirs`, for that
figure alone), a failing figure's error, a bad config's line, and the claims
whose statements the post makes, each with its verdict from
``figures/claims.json``.

Nothing is served but the built site, the preview's figures and its script;
requests must name the preview's loopback address in ``Host`` (421 otherwise),
and a page of another origin may not read the event stream (403).
"""

from __future__ import annotations

import json
import logging
import math
import mimetypes
import queue
import re
import shutil
import signal
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .jekyll import Build, Jekyll, JekyllError, jekyll_command, mirror, sync
from .preview import Preview, _draw_jobs, start_fork_server, watch
from .server import LoopbackHandler

__all__ = [
    "ClaimSpot",
    "LivePreview",
    "PostPreview",
    "PostServer",
    "claim_spots",
    "figure_verdict",
    "inject",
    "main",
]

log = logging.getLogger("natgrad.preview")

#: Where the preview's own resources live on the served site (no blog uses it).
OWN = "/__natgrad/"


# -- drawing: the gallery's worker, with each drawing's manifest -------------------


def _draw_and_record(out: Path, jobs: dict[str, dict]) -> dict[str, str | None]:
    """In the worker: draw as the gallery does, then write each drawing's manifest
    as the figure's job would (so the artifact check can compare it)."""
    results = _draw_jobs(out, jobs)
    for name, error in results.items():
        if error is None:
            try:
                _record(out, name, jobs[name])
            except Exception as err:  # noqa: BLE001 - the verdict then says so
                log.warning("natgrad: figure %s: no manifest (%s)", name, err)
    return results


def _record(out: Path, name: str, params: dict) -> None:
    """``out/manifest/<name>.json`` for the drawing, with the ``inputs_sha256`` its
    pipeline job records: the same job (:class:`natgrad.pipeline.jobs.FigureJob`),
    so the same files and params."""
    from natgrad.pipeline.jobs import FigureJob
    from natgrad.pipeline.manifest import write_manifest

    files = [out / f"{name}.png", out / "data" / f"{name}.json"]
    [digest] = FigureJob(name, (params,), (str(files[0]),), (str(files[1]),)).inputs_sha256()
    write_manifest(
        out, name, files, params["config_sha256"], usetex=params["usetex"], inputs=digest
    )


@dataclass
class LivePreview(Preview):
    """:class:`~natgrad.preview.Preview` whose drawings carry manifests, one update at a time."""

    #: called with the names of each update's new drawings (their checks follow)
    on_drawn: object = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    draw_jobs = staticmethod(_draw_and_record)

    def update(self) -> list[str]:
        with self._lock:
            drawn = super().update()
        if self.on_drawn is not None:
            self.on_drawn([n for n in drawn if self.figures[n].error is None])
        return drawn


# -- the artifact check's verdict, one figure at a time -----------------------------


def _one_figure(src: Path, name: str, keep: set[str] | None, dest: Path) -> set[str]:
    """Copy figure ``name``'s manifest (only the files in ``keep``, if given) and
    its files from output folder ``src`` into ``dest``; the files copied."""
    from ..pipeline.manifest import MANIFEST_DIR

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
    from ..pipeline.manifest import MANIFEST_DIR
    from .artifacts import compare_dirs

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


# -- the claims the post states -----------------------------------------------------

#: Elements whose text is one passage of the page (display maths after one is
#: counted with it: kramdown puts it between paragraphs).
_PASSAGES = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "th", "dd", "dt"}
_SKIPPED = {"script", "style", "pre", "code", "head", "title"}
_STOP = set(
    "the a an of is are be to in and or by for with this that as we it on at from which "
    "then its into our when can will so than these those there here one all any each "
    "would what how not no only also both but if us let "
    # TeX's layout, which the claims do not write
    "frac left right begin end bmatrix mathbb mathcal mathrm text big bigg cdots ldots "
    "quad align prime".split()
)
# TeX commands the claims write as words
_TEX_WORDS = {r"\nabla": " grad ", r"\top": " T ", r"\mathbb{E}": " E "}


def _tokens(text: str) -> set[str]:
    """A passage's words and maths as the claims write them: words, symbols and
    numbers (``\\sigma^2`` and ``sigma^2`` are ``sigma 2``), and each pair of
    neighbours, which keeps a formula's order (``E[(x - mu)^3]``: ``x mu``, ``mu 3``)."""
    for tex, word in _TEX_WORDS.items():
        text = text.replace(tex, word)
    words = [w for w in re.findall(r"[a-z]+|\d+", text.lower()) if w not in _STOP]
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


class _Passages(HTMLParser):
    """Each passage's text, and where its start tag ends in the page's source."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.passages: list[dict] = []
        self.open: list[dict] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag in _PASSAGES and not self.skip:
            passage = {"tag": tag, "pos": self.getpos(), "text": []}
            self.passages.append(passage)
            self.open.append(passage)

    def handle_endtag(self, tag) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif self.open and self.open[-1]["tag"] == tag:
            self.open.pop()

    def handle_data(self, data) -> None:
        if self.skip:
            return
        if self.open:
            self.open[-1]["text"].append(data)
        elif self.passages and data.strip():
            self.passages[-1]["text"].append(data)  # display maths of the passage before


@dataclass(frozen=True)
class ClaimSpot:
    """Where the page states a claim: its passage's index, start tag and score."""

    claim: str
    passage: int
    pos: tuple[int, int]
    tag: str
    score: float


#: The weighted share of a claim's words that one passage must hold to state it.
MIN_SCORE = 0.5
#: ... and by how much more than any other passage.
MARGIN = 0.1


def claim_spots(page: str, claims: list[dict], min_score: float = MIN_SCORE) -> list[ClaimSpot]:
    """The claims of ``claims`` (``figures/claims.json`` rows) that ``page`` states.

    The claims paraphrase the draft (``grad f`` for its ``\\nabla f``), so a claim
    is found by its words, not verbatim: the passage (a paragraph, with the
    display maths after it) holding the largest share of the claim's words,
    each weighted by how rare it is among the page's passages (idf), when that
    share is at least ``min_score`` and ``MARGIN`` above any other passage's.
    """
    reader = _Passages()
    reader.feed(page)
    reader.close()
    passages = [_tokens(" ".join(p["text"])) for p in reader.passages]
    if not passages:
        return []
    counts: dict[str, int] = {}
    for words in passages:
        for w in words:
            counts[w] = counts.get(w, 0) + 1

    def idf(word: str) -> float:
        return math.log((1 + len(passages)) / (1 + counts.get(word, 0))) + 1

    spots = []
    for claim in claims:
        words = _tokens(str(claim.get("draft", "")))
        if not words:
            continue
        total = sum(idf(w) for w in words)
        scores = [sum(idf(w) for w in words & p) / total for p in passages]
        best = max(range(len(scores)), key=scores.__getitem__)
        runner_up = max((x for i, x in enumerate(scores) if i != best), default=0.0)
        # a claim two passages state equally well is placed in neither
        if scores[best] >= min_score and scores[best] - runner_up >= MARGIN:
            p = reader.passages[best]
            spots.append(ClaimSpot(str(claim["id"]), best, p["pos"], p["tag"], scores[best]))
    return spots


def _offset(page: str, pos: tuple[int, int]) -> int:
    line, column = pos
    start = 0
    for _ in range(line - 1):
        start = page.index("\n", start) + 1
    return start + column


def inject(page: str, head: str, spots: list[ClaimSpot] = ()) -> str:
    """``page`` with ``head`` before its ``</head>`` (or at its start), and each
    claim's passage marked ``data-natgrad-claims="C1 C2"``."""
    marks: dict[int, list[str]] = {}
    for spot in spots:
        at = _offset(page, spot.pos) + 1 + len(spot.tag)
        marks.setdefault(at, []).append(spot.claim)
    for at in sorted(marks, reverse=True):
        page = page[:at] + f' data-natgrad-claims="{" ".join(marks[at])}"' + page[at:]
    found = re.search(r"</head\s*>", page, re.IGNORECASE)
    at = found.start() if found else 0
    return page[:at] + head + page[at:]


# -- the page's script and style (Jinja2) ------------------------------------------

HEAD = """<meta name="natgrad-build" content="{{ build }}">
<link rel="stylesheet" href="{{ own }}preview.css">
<script src="{{ own }}preview.js" defer></script>
"""

SCRIPT = """// natgrad preview: live figures, checks and reloads in the built post.
(() => {
  const build = Number(document.querySelector('meta[name="natgrad-build"]').content);
  const statuses = new WeakMap();
  let panel = null;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function figureImages(state) {
    const prefix = state.site.baseurl + "/assets/";
    const found = [];
    for (const img of document.images) {
      let name = img.dataset.natgradFigure;
      if (!name) {
        const url = new URL(img.getAttribute("src") || "", location.href);
        if (url.origin !== location.origin || !url.pathname.startsWith(prefix)) continue;
        const file = decodeURIComponent(url.pathname.slice(prefix.length));
        if (!file.endsWith(".png")) continue;
        name = file.slice(0, -4);
      }
      if (Object.hasOwn(state.figures, name)) found.push([img, name]);
    }
    return [prefix, found];
  }

  const VERDICT = {
    "current": "committed figure is current",
    "stale": "committed figure is stale",
    "differs": "committed figure differs",
    "not committed": "no committed figure",
    "checking": "checking the committed figure\\u2026",
  };

  function showFigure(img, name, f, prefix) {
    img.dataset.natgradFigure = name;
    if (f.version && img.dataset.natgradVersion !== String(f.version)) {
      img.src = prefix + encodeURIComponent(name) + ".png?v=" + f.version;
      img.dataset.natgradVersion = String(f.version);
    }
    let box = statuses.get(img);
    if (!box) {
      box = el("div", "natgrad-status");
      box.dataset.natgradFor = name;
      (img.closest("figure") || img).insertAdjacentElement("afterend", box);
      statuses.set(img, box);
    }
    const v = f.verdict || {status: "checking", lines: []};
    box.replaceChildren();
    if (f.error) {
      box.append(el("div", "natgrad-error", f.error));
    }
    const line = el("div", "natgrad-verdict natgrad-" + v.status.replace(" ", "-"),
                    name + ".png: " + (VERDICT[v.status] || v.status));
    line.title = v.lines.join("\\n");
    box.append(line);
    for (const l of v.status === "current" ? [] : v.lines) box.append(el("div", "natgrad-line", l));
  }

  function showPanel(state) {
    if (!panel) {
      panel = el("aside", "natgrad-panel");
      panel.id = "natgrad-panel";
      document.body.append(panel);
    }
    panel.replaceChildren(el("div", "natgrad-title", "natgrad preview"));
    for (const [id, text] of [["natgrad-config-error", state.config_error],
                              ["natgrad-site-error", state.site.error]]) {
      const e = el("div", "natgrad-error", text || "");
      e.id = id;
      panel.append(e);
    }
    const list = el("ol", "natgrad-claims");
    list.id = "natgrad-claims";
    for (const c of state.claims) {
      const spot = document.querySelector('[data-natgrad-claims~="' + c.id + '"]');
      if (!spot) continue;
      const item = el("li", "natgrad-" + c.verdict);
      item.dataset.claim = c.id;
      const link = el("a", "", c.id + " " + c.verdict);
      link.href = "#";
      link.onclick = (e) => { e.preventDefault(); spot.scrollIntoView({block: "center"}); };
      item.append(link, el("span", "", ": " + c.draft + (c.correct ? " (" + c.correct + ")" : "")));
      list.append(item);
      if (!spot.querySelector('.natgrad-claim[data-claim="' + c.id + '"]')) {
        const badge = el("span", "natgrad-claim natgrad-" + c.verdict, c.id + " " + c.verdict);
        badge.dataset.claim = c.id;
        badge.title = c.draft;
        spot.append(" ", badge);
      }
    }
    panel.append(list);
  }

  function apply(state) {
    if (state.site.build > build) {
      location.reload();
      return;
    }
    const [prefix, images] = figureImages(state);
    for (const [img, name] of images) showFigure(img, name, state.figures[name], prefix);
    showPanel(state);
    document.documentElement.dataset.natgradGeneration = String(state.generation);
  }

  new EventSource("{{ own }}events").onmessage = (e) => apply(JSON.parse(e.data));
})();
"""

STYLE = """.natgrad-status { font: 13px/1.4 system-ui, sans-serif; margin: 0 0 1em; }
.natgrad-verdict { color: #555; }
.natgrad-current { color: #1a7f37; }
.natgrad-stale, .natgrad-differs, .natgrad-not-committed { color: #9a6700; }
.natgrad-line { color: #555; font-family: monospace; font-size: 12px; white-space: pre-wrap; }
.natgrad-error { color: #b00; font-family: monospace; font-size: 12px; white-space: pre-wrap; }
.natgrad-panel { position: fixed; top: 0.5em; right: 0.5em; width: 22em; max-height: 60vh;
  overflow: auto; background: #fff; border: 1px solid #ccc; padding: 0.5em;
  font: 12px/1.4 system-ui, sans-serif; color: #222; z-index: 2147483647; opacity: 0.95; }
.natgrad-title { font-weight: bold; }
.natgrad-claims { padding-left: 1.2em; margin: 0.3em 0 0; }
.natgrad-claim { font: 11px system-ui, sans-serif; border-radius: 3px; padding: 0 0.3em;
  background: #eee; white-space: nowrap; }
.natgrad-holds { color: #1a7f37; }
.natgrad-erratum, .natgrad-fails { color: #b00; }
"""


def _templates():
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    return {name: env.from_string(text) for name, text in [("head", HEAD), ("js", SCRIPT)]}


# -- the model: the site, its figures, their checks ---------------------------------


class PostPreview:
    """The post of ``blog`` at ``post``, its figures drawn live from ``root``."""

    def __init__(self, root: Path, blog: Path, post: Path, out: Path):
        self.root, self.blog, self.post, self.out = root, blog, post, out
        self.relative = post.relative_to(blog).as_posix()
        self.figures = LivePreview(root, out / "figures", names=frozenset())
        self.figures.on_drawn = self._drawn
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
        self.templates = _templates()
        threading.Thread(target=self._check_loop, daemon=True).start()

    # figures
    def post_figures(self) -> frozenset[str]:
        """The pipeline's figures the post shows (its PNGs under /assets/)."""
        from ..figures import registry
        from ..pipeline.config import ConfigError
        from ..pipeline.post import post_images

        try:
            shown = post_images(self.post)
        except ConfigError as err:
            log.error("natgrad: %s", err)
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
            from ..pipeline.config import figure_params

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
        with self.changed:
            self.figures.generation += 1
            self.changed.notify_all()

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
        root = self.site.resolve()
        target = (root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        elif not target.exists() and target.with_name(target.name + ".html").is_file():
            target = target.with_name(target.name + ".html")  # as jekyll serve does
        if not target.is_relative_to(root) or not target.is_file():
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


# -- the server ----------------------------------------------------------------------


class PostHandler(LoopbackHandler):
    """GET and HEAD of the built site, the live figures and the preview's own files."""

    model: PostPreview

    def do_GET(self) -> None:  # noqa: N802
        if not self.allowed():
            return
        path = unquote(urlsplit(self.path).path)
        model = self.model
        if path.startswith(OWN):
            return self._own(path[len(OWN) :])
        baseurl = model.build.baseurl.rstrip("/") if model.build else ""
        figure = re.fullmatch(re.escape(baseurl) + r"/assets/([A-Za-z0-9_]+)\.png", path)
        if figure and figure.group(1) in model.figures.figures:
            return self._figure(figure.group(1))
        target = model.site_file(path)
        if target is None:
            return self._refused(HTTPStatus.NOT_FOUND, "not a file of the built site")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        body = target.read_bytes()
        if kind == "text/html":
            body = self._page(body.decode("utf-8", errors="replace"), target).encode()
            kind = "text/html; charset=utf-8"
        self._send(HTTPStatus.OK, body, kind)

    def _page(self, page: str, target: Path) -> str:
        model = self.model
        build = model.build.number if model.build else 0
        spots = model.spots() if target == model.page_file() else []
        head = model.templates["head"].render(build=build, own=OWN)
        return inject(page, head, spots)

    def _figure(self, name: str) -> None:
        state = self.model.figures.figures[name]
        png = self.model.figures.out / f"{name}.png"
        if not state.version or not png.is_file():
            return self._refused(HTTPStatus.NOT_FOUND, state.error or f"{name} is not drawn yet")
        self._send(HTTPStatus.OK, png.read_bytes(), "image/png")

    def _own(self, what: str) -> None:
        model = self.model
        if what == "events" and self.command == "GET":
            return self._events()
        if what == "state":
            body = json.dumps(model.state()).encode()
            return self._send(HTTPStatus.OK, body, "application/json")
        if what == "preview.js":
            body = model.templates["js"].render(own=OWN).encode()
            return self._send(HTTPStatus.OK, body, "text/javascript; charset=utf-8")
        if what == "preview.css":
            return self._send(HTTPStatus.OK, STYLE.encode(), "text/css; charset=utf-8")
        self._refused(HTTPStatus.NOT_FOUND, "no such resource of the preview")

    def _events(self) -> None:
        model = self.model
        self._stream(model.changed, lambda: model.figures.generation, model.state)


class PostServer(ThreadingHTTPServer):
    """The built site's server: loopback only, one thread per connection."""

    daemon_threads = True

    def __init__(self, model: PostPreview, port: int = 0):
        handler = type("BoundPostHandler", (PostHandler,), {"model": model})
        super().__init__(("127.0.0.1", port), handler)
        self.closing = False


# -- watching and the command ---------------------------------------------------------


def watch_blog(model: PostPreview, stop: threading.Event) -> None:
    """Mirror each save in the blog for Jekyll; check again when figures/ changes."""
    from watchfiles import watch as watch_files

    blog, figures = model.blog, model.root / "figures"
    for changes in watch_files(
        blog, figures, stop_event=stop, debounce=20, step=10, rust_timeout=200
    ):
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


def _fail(message: str) -> int:
    print(f"natgrad preview: {message}", file=sys.stderr, flush=True)
    return 2


def main(args, parser) -> int:
    """``python -m natgrad.preview --blog DIR --post PATH``: see the module's docstring."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
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
    stop, ready = threading.Event(), threading.Event()
    status = 0
    try:
        start_fork_server(root)
        model = PostPreview(root, blog, post, out)
        server = PostServer(model, args.port)
        port = server.server_address[1]
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
        threading.Thread(target=watch, args=(model.figures, stop, ready), daemon=True).start()
        threading.Thread(target=watch_blog, args=(model, stop), daemon=True).start()
        ready.wait(timeout=30)
        url = f"http://127.0.0.1:{port}{model.post_url()}"
        print(f"natgrad preview: {url} (Ctrl-C stops)", file=sys.stderr, flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if model is not None:
            model.close()
        if server is not None:
            server.closing = True
            with model.changed:
                model.changed.notify_all()
            server.server_close()
        if not status:
            print("natgrad preview: stopped", file=sys.stderr, flush=True)
    return status


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
