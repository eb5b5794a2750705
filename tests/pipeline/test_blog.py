"""natgrad.pipeline.blog (the export's data file and include) and the post reader's
reading of that include (natgrad.pipeline.post)."""

import pytest
import yaml

from natgrad.pipeline.blog import INCLUDE, blog_data
from natgrad.pipeline.post import read_images


def test_the_data_file_holds_each_figures_text_caption_and_size():
    texts = {"b": {"alt": 'an "alt": of b', "description": "Long. Numbers 1 × 10^-5."},
             "a": {"alt": "alt of a", "description": "d"}}  # fmt: skip
    text = blog_data(texts, {"a": (10, 20), "b": [30, 40]}, {"a": "Caption a.", "b": "B: c"})
    assert text.startswith("# Written by natgrad's export")
    data = yaml.safe_load(text)
    assert list(data) == ["a", "b"]  # name order: the same file for the same figures
    assert data["b"] == {"src": "/assets/b.png", "alt": 'an "alt": of b',
                         "description": "Long. Numbers 1 × 10^-5.", "caption": "B: c",
                         "width": 30, "height": 40}  # fmt: skip


def test_the_include_escapes_its_texts_and_loads_lazily():
    assert 'alt="{{ natgrad.alt | escape }}"' in INCLUDE
    assert 'loading="lazy"' in INCLUDE and "<figcaption>" in INCLUDE
    assert "include.caption | default: natgrad.caption | escape" in INCLUDE


@pytest.mark.parametrize(
    "body, shown",
    [
        ('{% include natgrad-figure.html name="equidistant_points" %}',
         [("/assets/equidistant_points.png", "equidistant_points", "")]),
        ("{%- include natgrad-figure.html name='x' caption=\"It's <b>x</b>\" -%}",
         [("/assets/x.png", "x", "It's <b>x</b>")]),
        ('Text {% include natgrad-figure.html caption="c" name="y" %} inline.',
         [("/assets/y.png", "y", "c")]),
        ('{% include other.html name="x" %}', []),
        ('{% include natgrad-figure.html %}', []),
        ('```\n{% include natgrad-figure.html name="x" %}\n```', []),
        ('<!-- {% include natgrad-figure.html name="x" %} -->', []),
        ('{% comment %}{% include natgrad-figure.html name="x" %}{% endcomment %}', []),
        ('{% raw %}{% include natgrad-figure.html name="x" %}{% endraw %}', []),
    ],
    ids=["plain", "quotes-caption", "inline", "other-include", "no-name", "code", "comment",
         "liquid-comment", "raw"],
)  # fmt: skip
def test_the_post_reader_reads_the_include_as_its_figure(body, shown):
    images = read_images(f"---\nlayout: post\n---\n\n{body}\n")
    assert [(i.src, i.include, i.caption) for i in images] == shown
    assert all(i.alt == "" for i in images)  # the alt is the blog's data, not the post's
