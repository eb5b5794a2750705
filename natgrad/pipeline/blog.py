"""The figures' text for a Jekyll blog: a data file and an include (export, ``blog_text``).

``snakemake export --config blog_assets=DIR blog_text=true`` writes, beside the
blog's assets folder (``DIR/..``, the site's source):

- ``_data/natgrad.yml``: per figure its ``src``, ``alt``, ``description``,
  ``caption`` and pixel size (``width``, ``height``), from the figure job's own
  text (``figures/text/<name>.json``) and PNG;
- ``_includes/natgrad-figure.html``: a ``<figure>`` with ``<img src alt width
  height loading="lazy">`` and its ``<figcaption>`` (the long description in a
  ``<details>`` under the caption), so a post shows a figure with
  ``{% include natgrad-figure.html name="equidistant_points" %}`` (a
  ``caption="..."`` of its own replaces the figure's) and its text never drifts
  from the figure.

Pure functions: the export's adapter writes what they return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["DATA_FILE", "INCLUDE_FILE", "INCLUDE", "blog_data"]

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
