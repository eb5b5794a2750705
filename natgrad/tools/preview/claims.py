"""Where the built post states each claim of ``figures/claims.json``, and the marks
the preview puts there.

The claims paraphrase the draft (``grad f`` for its ``\\nabla f``), so a claim is
placed by its words and formulas: words weighted by rarity among the page's
passages, pairs of neighbouring symbols keeping a formula's order, in the one
passage holding at least :data:`MIN_SCORE` of them and :data:`MARGIN` more than any
other passage (a claim stated in passing, or in several places, is placed nowhere).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["MARGIN", "MIN_SCORE", "ClaimSpot", "claim_spots", "inject"]

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
