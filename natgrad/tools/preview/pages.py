"""The previews' pages, scripts and styles: Jinja2 templates in ``templates/`` beside it.

HTML is autoescaped (every value the page shows comes from files the author
edits, or from errors quoting them); the post's script is rendered without it
(its one value goes through ``tojson``); its stylesheet is served as it is.
"""

from __future__ import annotations

import functools

__all__ = ["gallery_page", "post_head", "post_script", "post_style"]


@functools.cache
def _environment():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("natgrad.tools.preview"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


def gallery_page(state: dict) -> str:
    """The gallery's page for ``state`` (:meth:`.model.Preview.state`; later states
    arrive by server-sent events): ``gallery.html``, every value escaped."""
    width = state.get("display_width")
    return (
        _environment()
        .get_template("gallery.html")
        .render(
            config_error=state["config_error"],
            display_width=f"{width}px" if width else "100%",
            figures=state["figures"],
        )
    )


def post_head(build: int, own: str) -> str:
    """What goes before a built page's ``</head>``: ``post-head.html``, naming the
    build the page is of and the preview's script and stylesheet under ``own``."""
    return _environment().get_template("post-head.html").render(build=build, own=own)


@functools.cache
def post_script(own: str) -> str:
    """The script injected into the built pages: ``post.js``, its event stream under ``own``."""
    return _environment().get_template("post.js").render(own=own)


@functools.cache
def post_style() -> str:
    """The stylesheet of the preview's notes in the built pages: ``post.css``."""
    source, _, _ = _environment().loader.get_source(_environment(), "post.css")
    return source
