"""What export writes into a Jekyll blog: which figures, where, and their text.

:func:`export_figures` lists the files export copies (those the post shows, read
by :mod:`natgrad.pipeline.post`, imported only then), :func:`check_blog_assets`
checks the assets folder they go to before any job runs.

``snakemake export --config blog_assets=DIR blog_text=true`` also writes, beside
the blog's assets folder (``DIR/..``, the site's source):

- ``_data/natgrad.yml``: per figure its ``src``, ``alt``, ``description``,
  ``caption`` and pixel size (``width``, ``height``), from the figure job's own
  text (``figures/text/<name>.json``) and PNG;
- ``_includes/natgrad-figure.html``: a ``<figure>`` with ``<img src alt width
  height loading="lazy">`` and its ``<figcaption>`` (the long description in a
  ``<details>`` under the caption), so a post shows a figure with
  ``{% include natgrad-figure.html name="equidistant_points" %}`` (a
  ``caption="..."`` of its own replaces the figure's) and its text never drifts
  from the figure.

Pure functions, and the checks of where they go (before any job, :func:`check_blog_text`
too): the export's script (workflow/scripts/export_assets.py) writes what they return.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .config import ConfigError

__all__ = [
    "DATA_FILE",
    "INCLUDE",
    "INCLUDE_FILE",
    "blog_data",
    "check_blog_assets",
    "check_blog_text",
    "export_figures",
]

#: Where the data and the include go, relative to the site's source.
DATA_FILE = "_data/natgrad.yml"
INCLUDE_FILE = "_includes/natgrad-figure.html"

#: The include (Liquid). ``escape`` keeps a text's quotes and angle brackets
#: text; an unknown name shows a line saying so rather than an empty figure.
INCLUDE = """\
{%- comment -%}
  Written by natgrad's export (snakemake export --config blog_text=true): a figure
  with its alt text, pixel size and caption from _data/natgrad.yml, its long
  description under the caption. Usage:
  {% include natgrad-figure.html name="equidistant_points" %}
  {% include natgrad-figure.html name="equidistant_points" caption="A caption of the post's own." %}
{%- endcomment -%}
{%- assign natgrad = site.data.natgrad[include.name] -%}
{%- if natgrad -%}
<figure class="natgrad-figure">
  <img src="{{ natgrad.src | relative_url }}" alt="{{ natgrad.alt | escape }}" \
width="{{ natgrad.width }}" height="{{ natgrad.height }}" loading="lazy">
  <figcaption>{{ include.caption | default: natgrad.caption | escape }}
    <details><summary>Description of the figure</summary>\
{{ natgrad.description | escape }}</details>
  </figcaption>
</figure>
{%- else -%}
<p><strong>natgrad-figure.html: no figure {{ include.name }} in _data/natgrad.yml</strong></p>
{%- endif -%}
"""


def blog_data(
    texts: Mapping[str, Mapping[str, str]],
    sizes: Mapping[str, Sequence[int]],
    captions: Mapping[str, str],
) -> str:
    """``_data/natgrad.yml``: each figure's src, alt, description, caption and pixel size.

    Parameters
    ----------
    texts : mapping
        Figure name -> its text (``figures/text/<name>.json``: ``alt``, ``description``).
    sizes : mapping
        Figure name -> ``[width, height]`` of its PNG.
    captions : mapping
        Figure name -> its caption.

    Returns
    -------
    str
        YAML, figures in name order (the same text for the same figures).
    """
    import yaml

    data = {
        name: {
            "src": f"/assets/{name}.png",
            "alt": texts[name]["alt"],
            "description": texts[name]["description"],
            "caption": captions[name],
            "width": int(sizes[name][0]),
            "height": int(sizes[name][1]),
        }
        for name in sorted(texts)
    }
    head = "# Written by natgrad's export (--config blog_text=true); do not edit.\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def check_blog_text(config: Mapping) -> None:
    """With ``blog_text``, what it writes, checked before any job: the PNG among the
    formats, and beside ``blog_assets`` a Jekyll site (its ``_config.yml``) whose
    ``_data`` and ``_includes`` are folders it may write, holding no folder (or other
    non-regular file) where the data file or the include goes.

    Raises
    ------
    ConfigError
        ``config key 'blog_text': ...`` naming the file and what is wrong.
    """
    if not config["blog_text"]:
        return
    where = "config key 'blog_text'"
    if "png" not in config["formats"]:
        raise ConfigError(
            f"{where}: the blog's include shows each figure's PNG; add png to formats"
        )
    if not config["blog_assets"]:
        return  # export refuses that itself
    site = Path(config["blog_assets"]).resolve().parent
    if not (site / "_config.yml").is_file():
        raise ConfigError(
            f"{where}: {str(site)!r}, the parent of blog_assets, has no _config.yml; "
            "blog_text writes into the Jekyll site whose assets folder blog_assets is"
        )
    for name in (DATA_FILE, INCLUDE_FILE):
        target = site / name
        folder = target.parent
        if folder.exists() and not folder.is_dir():
            raise ConfigError(
                f"{where}: {str(folder)!r} is not a folder; blog_text writes {name} there: "
                "move it away"
            )
        writable = folder if folder.is_dir() else site
        if not os.access(writable, os.W_OK | os.X_OK):
            raise ConfigError(
                f"{where}: {str(writable)!r} is not writable; blog_text writes {name}"
            )
        if target.exists() and not target.is_symlink() and not target.is_file():
            kind = "a directory" if target.is_dir() else "not a regular file"
            raise ConfigError(
                f"{where}: {str(target)!r} is {kind}; export would replace it with its "
                f"{name}: move it away"
            )


def export_figures(config: dict, figures: Iterable[str]) -> list[str]:
    """The files export copies into the blog's assets folder (``name.png``, ...).

    Those the post shows (config ``post``) under ``/assets/``, in any format
    config's ``formats`` builds; without a post, the PNG of each figure of
    ``post_figures``.

    Raises
    ------
    ConfigError
        Naming the first image under ``/assets/`` of the post that the pipeline
        does not build, a post that shows none of its figures, or a figure of
        ``post_figures`` that it does not build.
    """
    known = set(figures)
    if not config["post"]:
        unknown = [f for f in config["post_figures"] if f not in known]
        if unknown:
            raise ConfigError(
                f"config key 'post_figures': {unknown[0]!r} is not a figure of the pipeline"
            )
        return [f"{name}.png" for name in config["post_figures"]]
    formats = config.get("formats", ["png"])
    from .post import post_images  # only with a post: its reader costs 5 ms a run

    files = post_images(config["post"])
    for image in files:
        stem, dot, ext = image.rpartition(".")
        if not (dot and stem in known and ext in formats):
            raise ConfigError(
                f"config key 'post': {config['post']} shows /assets/{image}, which the "
                "pipeline does not build"
                + (f" (add {ext} to formats)" if stem in known and ext in ("pdf", "svg") else "")
            )
    if not files:
        raise ConfigError(
            f"config key 'post': {config['post']} shows none of the pipeline's figures "
            "(no image under /assets/ outside comments and code); nothing to export"
        )
    return files


# Folders the pipeline itself writes (beside config's output_dir), the tracked
# build (figures/, whatever output_dir says) and git's own: export must not write a
# blog's image among them.
_OWN_FOLDERS = ("figures", "results", "logs", ".snakemake", ".check", ".preview", ".git")


def check_blog_assets(config: dict, files: Iterable[str], workdir: str | Path = ".") -> None:
    """Export's destination, before any job: an existing directory it may write,
    not one of the pipeline's own output folders, where no file it writes is
    anything but a regular file (or absent).

    Raises
    ------
    ConfigError
        ``config key 'blog_assets': ...`` naming the folder and what is wrong.
    """
    dest = config["blog_assets"]
    where = f"config key 'blog_assets': {dest!r}"
    if not Path(dest).is_dir():
        raise ConfigError(
            f"{where} is not an existing directory; give the blog's assets folder, which "
            "export writes into"
        )
    if not os.access(dest, os.W_OK | os.X_OK):
        raise ConfigError(f"{where} is not writable; export writes the figures there")
    real = Path(dest).resolve()
    workdir = Path(workdir).resolve()
    own = [Path(config["output_dir"]), *(workdir / f for f in _OWN_FOLDERS)]
    for folder in own:
        folder = (workdir / folder).resolve()
        if real == folder or folder in real.parents:
            raise ConfigError(
                f"{where} is inside the pipeline's own output folder {str(folder)!r}; give "
                "the blog's assets folder"
            )
    for name in files:
        target = Path(dest) / name
        if target.is_symlink() or not target.exists() or target.is_file():
            continue
        kind = "a directory" if target.is_dir() else "not a regular file"
        raise ConfigError(
            f"{where} holds {name!r}, which is {kind}; export would replace it with the "
            "figure: move it away"
        )
