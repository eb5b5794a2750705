"""The images a blog post shows its readers, read as Jekyll and a browser read the post.

Jekyll reads a post in three steps, and so does :func:`read_images`:

1. the front matter (between the first two ``---`` lines) is data, not page;
2. Liquid is rendered: the URL forms a post writes (``{{ site.baseurl }}``,
   ``{{ site.url }}{{ site.baseurl }}``, ``{{ "/assets/x.png" | relative_url }}``,
   ``| absolute_url``, ``| prepend: site.baseurl``) become the site's own
   ``/assets/x.png``; ``{% raw %}`` stays literal, ``{% comment %}`` and
   ``{% highlight %}`` blocks show no image; the export's include,
   ``{% include natgrad-figure.html name="x" %}``, is the ``<figure>`` of
   ``/assets/x.png`` it renders (:mod:`natgrad.pipeline.blog`);
3. Markdown becomes HTML: markdown-it-py parses it into tokens and renders them
   as the page the browser receives (Markdown images, inline and reference-style,
   become ``<img>``, code blocks and inline code are escaped text, raw HTML passes
   through). Its HTML blocks end where Jekyll's kramdown ends them, not where
   CommonMark does: a block-level element at its closing tag, a line starting
   with ``<img>`` not at all (it starts a paragraph).

The page is then read once by the standard library's :class:`html.parser.HTMLParser`:
every ``<img>`` with a ``src`` outside comments, ``<script>`` and ``<style>``, each
with its alt text and the caption of the ``<figure>`` that holds it. Reading the
rendered page, rather than each HTML token apart, keeps a browser's rules whole: a
comment opened in one Markdown block hides everything up to its ``-->``.

A post whose name ends in ``.html`` is HTML already (Jekyll converts no Markdown
in it): steps 1, 2 and the reading only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import MAX_CONFIG_BYTES, read_text_file

__all__ = [
    "Image",
    "post_images",
    "read_images",
    "render_liquid",
]

#: The most bytes a post may have (the config's limit: a long post is 100 KB).
MAX_POST_BYTES = MAX_CONFIG_BYTES

#: Where the blog serves its assets folder from.
ASSETS = "/assets/"


@dataclass(frozen=True)
class Image:
    """One image of the page, as the browser gets it.

    Attributes
    ----------
    src : str
        The ``src`` attribute after Liquid.
    alt : str
        Its alt text ('' if none).
    caption : str
        The text of the ``<figcaption>`` of the ``<figure>`` holding it, spaces
        collapsed ('' if none).
    include : str
        The figure an ``{% include natgrad-figure.html name=... %}`` names
        ('' for an image written in the post): its alt text is then the
        figure's own, from the blog's ``_data/natgrad.yml``, not the post's.
    """

    src: str
    alt: str = ""
    caption: str = ""
    include: str = ""

    @property
    def asset(self) -> str | None:
        """The file name under the site's ``/assets/`` it shows, or None (another
        site's image, or another folder of this one)."""
        parts = urlsplit(self.src)
        if parts.scheme or parts.netloc or not parts.path.startswith(ASSETS):
            return None
        return unquote(parts.path[len(ASSETS) :]) or None


def strip_front_matter(text: str) -> str:
    """``text`` without its YAML front matter, which Jekyll reads as data.

    As Jekyll finds it: a first line ``---``, up to the next line ``---`` or
    ``...``. Without that closing line there is no front matter.
    """
    lines = text.splitlines(keepends=True)
    if lines and lines[0].rstrip() == "---":
        for i, line in enumerate(lines[1:], start=1):
            if line.rstrip() in ("---", "..."):
                return "".join(lines[i + 1 :])
    return text


# Liquid's delimiters, as Liquid's own lexer finds them: {{ output }} and
# {% tag %}, either with its optional whitespace-control dash. Found by
# _LiquidTags (linear in the text), not by one regex: a regex's lazy match
# scans to the end of the text from every unclosed "{{", quadratic in the post.
_OPENING = re.compile(r"(?=\{[{%])")
_TAG_NAME = re.compile(r"\s*(\w*)")
_ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")

# Site variables the URL forms name. Each is empty or a prefix of the site's
# own root: the page's "{{ site.url }}{{ site.baseurl }}/assets/x.png" is the
# assets folder's x.png whatever they are set to.
_SITE_PREFIXES = ("site.url", "site.baseurl", "site.github.url")

# The export's include (natgrad.pipeline.blog) and its parameters, name="x" or name='x'.
_INCLUDE = re.compile(r"\s*natgrad-figure\.html\b(.*)", re.DOTALL)
_PARAMETER = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _include(arguments: str) -> str | None:
    """The ``<figure>`` that ``{% include natgrad-figure.html name="x" %}`` renders,
    without its texts (they are the blog's data); None for another include."""
    from html import escape

    match = _INCLUDE.fullmatch(arguments)
    if match is None:
        return None
    params = {m[1]: m[2] if m[2] is not None else m[3] for m in _PARAMETER.finditer(match[1])}
    name = params.get("name", "")
    if not name:
        return ""
    caption = escape(params.get("caption", ""))
    return (
        f'<figure class="natgrad-figure"><img src="{ASSETS}{escape(name)}.png" '
        f'data-natgrad-figure="{escape(name)}"><figcaption>{caption}</figcaption></figure>'
    )


# Blocks whose content a reader never sees as page: their end tag.
_HIDDEN = {"comment": "endcomment", "highlight": "endhighlight"}


def _split_filters(expression: str) -> list[str] | None:
    """``'"x" | a: b | c'`` -> ``['"x"', 'a: b', 'c']``; None if a quote is open."""
    parts, current, quote = [], "", None
    for char in expression:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            parts.append(current.strip())
            current = ""
            continue
        current += char
    if quote:
        return None
    return [*parts, current.strip()]


def _value(term: str) -> str | None:
    """A Liquid term the URL forms use: a quoted string or a site prefix; else None."""
    if len(term) >= 2 and term[0] == term[-1] and term[0] in "'\"":
        return term[1:-1]
    if term in _SITE_PREFIXES:
        return ""
    return None


def _output(expression: str) -> str | None:
    """What ``{{ expression }}`` renders, for the URL forms; None for anything else."""
    terms = _split_filters(expression)
    if not terms:
        return None
    value = _value(terms[0])
    for term in terms[1:]:
        name, _, argument = term.partition(":")
        name, argument = name.strip(), argument.strip()
        if name in ("relative_url", "absolute_url") and not argument and value is not None:
            # baseurl (and for absolute_url the site's url) before a path from the
            # root, which is what the site's own assets folder is served under
            value = value if value.startswith("/") or "://" in value else "/" + value
        elif name in ("prepend", "append") and value is not None:
            extra = _value(argument)
            if extra is None:
                return None
            value = extra + value if name == "prepend" else value + extra
        else:
            return None
    return value


def render_liquid(text: str) -> str:
    """``text`` with Liquid rendered as far as the images' URLs need.

    The URL forms become their path under the site's root; ``{% raw %}`` content
    is kept as written; ``{% comment %}`` and ``{% highlight %}`` blocks are
    dropped (no image of theirs is shown); other tags are dropped and their
    content kept; other output is left as written, so a URL built from other
    variables is not mistaken for one of the assets folder's.
    """
    out, pos = [], 0
    tags = _LiquidTags(text)
    for start, end, expression, tag, rest in tags:
        if start < pos:
            continue  # inside a raw or hidden block already passed
        out.append(text[pos:start])
        pos = end
        if expression is not None:
            value = _output(expression.strip())
            out.append(text[start:end] if value is None else value)
        elif tag == "raw":
            stop_at = _ENDRAW.search(text, pos)
            stop = stop_at.start() if stop_at else len(text)
            out.append(text[pos:stop])
            pos = stop_at.end() if stop_at else stop
            tags.skip_to(pos)
        elif tag in _HIDDEN:
            pos = _block_end(tags, pos, tag, _HIDDEN[tag], len(text))
        elif tag == "include" and (figure := _include(rest)) is not None:
            out.append(figure)
    out.append(text[pos:])
    return "".join(out)


class _LiquidTags:
    """``(start, end, expression, tag, rest)`` of each Liquid delimiter of ``text`` in
    order: ``expression`` the inside of ``{{ }}`` (else None), ``tag`` the name of
    a ``{% %}`` tag and ``rest`` what follows it (else None), as the regex
    ``\\{\\{-?(.*?)-?\\}\\}|\\{%-?\\s*(\\w*)(.*?)-?%\\}`` would find them searching on
    from each match's end.

    Linear in the text: an opening whose closing delimiter does not occur after
    it is text, and so is every later opening of its kind, known at once.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.openings = (m.start() for m in _OPENING.finditer(text))
        self.pos = 0
        self.unclosed: set[str] = set()

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, int, str | None, str | None, str | None]:
        text = self.text
        for start in self.openings:
            if start < self.pos:
                continue
            close = "}}" if text[start + 1] == "{" else "%}"
            if close in self.unclosed:
                continue
            end = text.find(close, start + 2)
            if end < 0:
                self.unclosed.add(close)
                continue
            inner = text[start + 2 : end]
            inner = inner[1:] if inner.startswith("-") else inner
            inner = inner[:-1] if inner.endswith("-") else inner
            self.pos = end + 2
            if close == "}}":
                return start, end + 2, inner, None, None
            name = _TAG_NAME.match(inner)
            return start, end + 2, None, name.group(1), inner[name.end() :]
        raise StopIteration

    def skip_to(self, pos: int) -> None:
        """Search on from ``pos`` (after a raw block's end)."""
        self.pos = max(self.pos, pos)


def _block_end(tags: _LiquidTags, pos: int, tag: str, end_tag: str, length: int) -> int:
    """Where the ``{% tag %}`` block open before ``pos`` ends, nested ones counted
    (the end of the text if it is never closed, as Liquid then shows none of it)."""
    depth = 1
    for _, end, _, name, _ in tags:
        if name == tag:
            depth += 1
        elif name == end_tag:
            depth -= 1
            if depth == 0:
                return end
    return length


class _PageImages(HTMLParser):
    """The ``<img>`` elements of a page, with their alt text and figure captions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[Image] = []
        self._figures: list[list[int]] = []  # open <figure>s: indexes of their images
        self._captions: list[str] = []  # the caption text of each open <figure>
        self._in_caption = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            values = dict(attrs)
            src = (values.get("src") or "").strip()
            if src:
                if self._figures:
                    self._figures[-1].append(len(self.images))
                include = values.get("data-natgrad-figure") or ""
                self.images.append(Image(src, values.get("alt") or "", include=include))
        elif tag == "figure":
            self._figures.append([])
            self._captions.append("")
        elif tag == "figcaption" and self._figures:
            self._in_caption += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "figcaption" and self._in_caption:
            self._in_caption -= 1
        elif tag == "figure" and self._figures:
            self._close_figure()

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self._captions[-1] += data

    def _close_figure(self) -> None:
        members, caption = self._figures.pop(), " ".join(self._captions.pop().split())
        self._in_caption = 0
        for i in members:
            self.images[i] = replace(self.images[i], caption=caption)

    def close(self) -> None:
        # Not HTMLParser.close(): what it would flush is an unterminated construct
        # at the end of the page (a comment never closed, a tag without its ">"),
        # which a browser shows nothing of; and flushing an unclosed comment
        # rescans the rest of the page from each "<" (quadratic in the page).
        while self._figures:  # a figure left open ends with the page
            self._close_figure()


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Elements whose content HTML itself reads as text up to the closing tag, and
# elements that have no content (a block of one line).
_RAW_TEXT = {"script", "pre", "style", "textarea"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Closed(Exception):
    """Raised by :class:`_Depth` at the closing tag: nothing after it is parsed."""


class _Depth(HTMLParser):
    """How deep inside ``name`` elements the HTML fed so far is (comments skipped);
    with ``stop``, :class:`_Closed` with the line of the tag that closes the first."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name, self.depth, self.stop = name, 0, False

    def handle_starttag(self, tag: str, attrs) -> None:
        self.depth += tag == self.name

    def handle_startendtag(self, tag: str, attrs) -> None:
        pass  # <figure/> opens nothing

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == self.name
        if self.stop and self.depth <= 0:
            raise _Closed(self.getpos()[0])


def _element_lines(line_at, count: int, name: str) -> int:
    """How many of the ``count`` lines (``line_at(i)`` the i-th) the ``name`` element
    opened on the first spans: up to its closing tag, or all of them if it is
    never closed.

    The first line is read alone; the rest in chunks doubling in size, each fed
    to the parser once, which stops at the closing tag: the work is linear in the
    lines the element spans (fed a line at a time, an unclosed comment inside it
    would be parsed again with each line).
    """
    if name in _VOID:
        return 1
    depth = _Depth(name)
    depth.feed(line_at(0) + "\n")
    if depth.depth <= 0:
        return 1
    depth.stop = True
    done, size = 1, 1
    try:
        while done < count:
            stop = min(count, done + size)
            depth.feed("".join(line_at(i) + "\n" for i in range(done, stop)))
            done, size = stop, size * 2
    except _Closed as closed:
        return closed.args[0]
    return count


def _kramdown_html_block(original):
    """markdown-it's html_block rule, changed where kramdown reads HTML otherwise.

    Jekyll's kramdown (``parse_block_html: false``) reads an element of a block-level
    tag that starts a line as raw HTML up to its closing tag, blank lines and
    Markdown included; CommonMark ends it at the first blank line and reads the rest
    as Markdown. A line starting with a span-level tag (``<img>``) or a closing tag
    starts a paragraph in kramdown; in CommonMark an HTML block, to the next blank
    line, that hides the Markdown after it. Comments, ``<?``, ``<!``, ``<script>``,
    ``<pre>``, ``<style>`` and ``<textarea>`` end where both say.
    """
    from markdown_it.common.html_blocks import block_names

    blocks = set(block_names) - _RAW_TEXT

    def rule(state, start: int, end: int, silent: bool) -> bool:
        if state.is_code_block(start):
            return False
        line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
        tag = _TAG.match(line)
        if tag is None or tag.group(2).lower() in _RAW_TEXT:
            return original(state, start, end, silent)
        if tag.group(1) or tag.group(2).lower() not in blocks:
            return False
        if silent:
            return True

        def line_at(i: int) -> str:
            return state.src[state.bMarks[start + i] : state.eMarks[start + i]]

        stop = start + _element_lines(line_at, end - start, tag.group(2).lower())
        token = state.push("html_block", "", 0)
        token.map = [start, stop]
        token.content = state.getLines(start, stop, state.blkIndent, True)
        state.line = stop
        return True

    return rule


def _markdown_to_html(text: str) -> str:
    # Imported here: the Snakefile reads a post only when config's `post` is set.
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import html_block

    # CommonMark with GitHub's tables, as Jekyll's kramdown reads GFM by default
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.block.ruler.at(
        "html_block",
        _kramdown_html_block(html_block),
        {"alt": ["paragraph", "reference", "blockquote"]},
    )
    return md.render(text)


def read_images(text: str, markdown: bool = True) -> list[Image]:
    """Every image a reader of the post ``text`` sees, in page order.

    Parameters
    ----------
    text : str
        The post's file: front matter, Liquid, Markdown and HTML.
    markdown : bool
        Whether the body is Markdown (a ``.md`` post) or HTML already (``.html``).

    Returns
    -------
    list of Image
        Each ``<img>`` the page has, Markdown images included; none from HTML
        comments, code blocks, inline code, ``<script>`` or the front matter.
    """
    body = render_liquid(strip_front_matter(text))
    parser = _PageImages()
    parser.feed(_markdown_to_html(body) if markdown else body)
    parser.close()
    return parser.images


def _read_post(path: str | Path) -> list[Image]:
    path = Path(path)
    text = read_text_file(path, MAX_POST_BYTES, "config key 'post'")
    return read_images(text, markdown=path.suffix.lower() not in (".html", ".htm"))


def post_images(path: str | Path) -> list[str]:
    """The file names under ``/assets/`` that the post at ``path`` shows, in order, once each.

    Raises
    ------
    ConfigError
        (config key ``post``) if the file cannot be read.
    """
    return list(dict.fromkeys(i.asset for i in _read_post(path) if i.asset))
