"""natgrad.pipeline.blog (the export's data file and include) and the post reader's
reading of that include (natgrad.pipeline.post)."""

import os
from pathlib import Path

import pytest
import yaml

from natgrad.pipeline.blog import INCLUDE, blog_data, check_blog_text
from natgrad.pipeline.config import ConfigError
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


def _site(tmp_path, **config):
    """A Jekyll site's folder with its assets, and the export's config for it."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "_config.yml").write_text("title: x\n")
    return {"blog_text": True, "formats": ["png"], "blog_assets": str(tmp_path / "assets"),
            **config}  # fmt: skip


@pytest.mark.parametrize("off", [{"blog_text": False}, {"blog_assets": ""}])
def test_blog_text_off_or_no_assets_folder_is_not_checked_here(tmp_path, off):
    """Without blog_text nothing of it is written; without blog_assets export refuses
    it itself. The site has no _config.yml: it is not looked at."""
    config = {**_site(tmp_path), **off}
    (tmp_path / "_config.yml").unlink()
    check_blog_text(config)


def test_blog_text_writes_over_its_own_files_and_symlinks(tmp_path):
    """A data file and include already there (a regular file, a symlink) are its own to
    replace; missing folders are made by the export."""
    config = _site(tmp_path)
    check_blog_text(config)
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "natgrad.yml").write_text("old\n")
    (tmp_path / "_includes").mkdir()
    (tmp_path / "_includes" / "natgrad-figure.html").symlink_to(tmp_path / "gone")
    check_blog_text(config)


def test_blog_text_refuses_a_folder_it_cannot_write(tmp_path, monkeypatch):
    """The folder a file goes in, or the site where that folder is still to be made.
    os.access is faked for the one folder: as root (CI) every folder is writable."""
    config = _site(tmp_path)
    denied = set()
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) not in denied
                        and access(path, mode))  # fmt: skip
    denied.add(tmp_path)  # the site: _data and _includes cannot be made
    with pytest.raises(ConfigError, match=f"^config key 'blog_text': '{tmp_path}' is not "
                       "writable; blog_text writes _data/natgrad.yml$"):  # fmt: skip
        check_blog_text(config)
    (tmp_path / "_data").mkdir()
    (tmp_path / "_includes").mkdir()
    check_blog_text(config)  # both folders are there: the site itself is not written
    denied.add(tmp_path / "_includes")
    with pytest.raises(ConfigError, match="_includes' is not writable; blog_text writes "
                       "_includes/natgrad-figure.html$"):  # fmt: skip
        check_blog_text(config)


@pytest.mark.parametrize("where", ["_data/natgrad.yml", "_includes/natgrad-figure.html"])
def test_blog_text_refuses_a_fifo_where_its_file_goes(tmp_path, where):
    config = _site(tmp_path)
    (tmp_path / where).parent.mkdir()
    os.mkfifo(tmp_path / where)
    with pytest.raises(ConfigError, match=f"'{tmp_path / where}' is not a regular file"):
        check_blog_text(config)
