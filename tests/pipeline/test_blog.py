"""natgrad.pipeline.blog (the export's data file and include, and the assets folder it
writes into) and the post reader's reading of that include (natgrad.pipeline.post)."""

import os
from pathlib import Path

import pytest
import yaml

from natgrad.pipeline.blog import INCLUDE, blog_data, check_blog_assets, check_blog_text
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
    # as a reader of the blog's repository sees it: each figure's keys in the order
    # the include reads them, and its words as written, not escaped
    assert list(data["b"]) == ["src", "alt", "description", "caption", "width", "height"]
    assert "Numbers 1 × 10^-5." in text


def test_the_data_file_folds_a_long_text_past_100_characters():
    """YAML breaks a long text at the first space past column 100 (PyYAML's default
    is 80); Jekyll reads it back whole."""
    words = "x" * 75 + " tail words here"  # "  description: " and this pass 100 at "words"
    text = blog_data({"a": {"alt": "a", "description": words}}, {"a": (1, 1)}, {"a": ""})
    assert "  description: " + "x" * 75 + " tail words\n    here\n" in text
    assert yaml.safe_load(text)["a"]["description"] == words


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
    # a denied folder may be read and entered, not written, as a read-only one
    monkeypatch.setattr(os, "access", lambda path, mode: access(path, mode) and not (
        mode & os.W_OK and Path(path) in denied))  # fmt: skip
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


def test_blog_text_needs_the_png_and_a_jekyll_site(tmp_path):
    with pytest.raises(ConfigError) as info:
        check_blog_text(_site(tmp_path, formats=["svg"]))
    assert str(info.value) == (
        "config key 'blog_text': the blog's include shows each figure's PNG; add png to formats"
    )
    (tmp_path / "_config.yml").unlink()
    with pytest.raises(ConfigError) as info:
        check_blog_text(
            {"blog_text": True, "formats": ["png"], "blog_assets": str(tmp_path / "assets")}
        )
    assert str(info.value) == (
        f"config key 'blog_text': '{tmp_path}', the parent of blog_assets, has no _config.yml; "
        "blog_text writes into the Jekyll site whose assets folder blog_assets is"
    )


def test_blog_text_refuses_a_file_where_its_folder_goes_and_a_folder_where_its_file_goes(
    tmp_path,
):
    config = _site(tmp_path)
    (tmp_path / "_data").write_text("not a folder\n")
    with pytest.raises(ConfigError) as info:
        check_blog_text(config)
    assert str(info.value) == (
        f"config key 'blog_text': '{tmp_path / '_data'}' is not a folder; blog_text writes "
        "_data/natgrad.yml there: move it away"
    )
    (tmp_path / "_data").unlink()
    (tmp_path / "_data" / "natgrad.yml").mkdir(parents=True)
    with pytest.raises(ConfigError) as info:
        check_blog_text(config)
    assert str(info.value) == (
        f"config key 'blog_text': '{tmp_path / '_data' / 'natgrad.yml'}' is a directory; "
        "export would replace it with its _data/natgrad.yml: move it away"
    )


@pytest.mark.parametrize("where", ["_data/natgrad.yml", "_includes/natgrad-figure.html"])
def test_blog_text_refuses_a_fifo_where_its_file_goes(tmp_path, where):
    config = _site(tmp_path)
    (tmp_path / where).parent.mkdir()
    os.mkfifo(tmp_path / where)
    with pytest.raises(ConfigError, match=f"'{tmp_path / where}' is not a regular file"):
        check_blog_text(config)


# --- the assets folder export writes into (check_blog_assets) ---------------------


def test_the_assets_folder_must_be_the_blogs_and_writable(tmp_path):
    work = tmp_path / "work"
    (work / "figures" / "manifest").mkdir(parents=True)
    (work / "results").mkdir()
    blog = tmp_path / "assets"
    blog.mkdir()

    def line(dest, files=("equidistant_points.png",)):
        config = {"blog_assets": str(dest), "output_dir": "figures"}
        with pytest.raises(ConfigError) as info:
            check_blog_assets(config, files, work)
        return str(info.value)

    for own in (work / "figures", work / "figures" / "manifest", work / "results"):
        assert "is inside the pipeline's own output folder" in line(own)
    # the tracked build and git's folder, whatever output_dir says
    (work / ".git" / "objects").mkdir(parents=True)
    for own in (work / "figures", work / ".git" / "objects"):
        config = {"blog_assets": str(own), "output_dir": "results/x"}
        with pytest.raises(ConfigError, match="is inside the pipeline's own output folder"):
            check_blog_assets(config, ["equidistant_points.png"], work)
    assert "is not an existing directory" in line(tmp_path / "nowhere")
    (blog / "equidistant_points.png").mkdir()
    assert line(blog) == (
        f"config key 'blog_assets': {str(blog)!r} holds 'equidistant_points.png', which is "
        "a directory; export would replace it with the figure: move it away"
    )
    (blog / "equidistant_points.png").rmdir()
    (blog / "equidistant_points.png").write_text("old")  # a file is replaced: fine
    check_blog_assets({"blog_assets": str(blog), "output_dir": "figures"}, ["a.png"], work)


@pytest.mark.parametrize("own", ["results", "logs", ".snakemake", ".check", ".preview", "out"])
def test_every_folder_the_pipeline_writes_is_refused_as_the_assets_folder(tmp_path, own):
    """Each folder the pipeline writes beside its output (and the output, here ``out``),
    given as itself or below it, relative or absolute: one line naming it."""
    work = tmp_path / "work"
    (work / own / "sub").mkdir(parents=True)
    for dest in (work / own, work / own / "sub"):
        with pytest.raises(ConfigError) as info:
            check_blog_assets({"blog_assets": str(dest), "output_dir": "out"}, [], work)
        assert str(info.value) == (
            f"config key 'blog_assets': {str(dest)!r} is inside the pipeline's own output "
            f"folder {str(work / own)!r}; give the blog's assets folder"
        )
    # a folder beside them, and one named like them elsewhere, are the blog's
    (work / "assets").mkdir()
    (tmp_path / "blog" / own).mkdir(parents=True)
    for dest in (work / "assets", tmp_path / "blog" / own):
        check_blog_assets({"blog_assets": str(dest), "output_dir": "out"}, [], work)


def test_an_output_dir_given_absolute_is_refused_too(tmp_path):
    out = tmp_path / "elsewhere" / "figures"
    out.mkdir(parents=True)
    with pytest.raises(ConfigError, match="is inside the pipeline's own output folder"):
        check_blog_assets({"blog_assets": str(out), "output_dir": str(out)}, [], tmp_path / "w")


def test_what_export_would_replace_must_be_a_file_a_symlink_or_nothing(tmp_path):
    blog = tmp_path / "assets"
    blog.mkdir()
    (blog / "a.png").write_text("old figure")
    (blog / "b.png").symlink_to(tmp_path / "nowhere.png")  # replaced as a file is
    config = {"blog_assets": str(blog), "output_dir": "figures"}
    check_blog_assets(config, ["a.png", "b.png", "c.png"], tmp_path)
    os.mkfifo(blog / "d.png")
    with pytest.raises(ConfigError) as info:
        check_blog_assets(config, ["a.png", "d.png"], tmp_path)
    assert str(info.value) == (
        f"config key 'blog_assets': {str(blog)!r} holds 'd.png', which is not a regular file; "
        "export would replace it with the figure: move it away"
    )
    with pytest.raises(ConfigError) as info:
        check_blog_assets({"blog_assets": str(blog / "a.png"), "output_dir": "figures"}, [])
    assert str(info.value) == (
        f"config key 'blog_assets': {str(blog / 'a.png')!r} is not an existing directory; "
        "give the blog's assets folder, which export writes into"
    )


def test_the_assets_folder_is_judged_from_the_working_directory_by_default(tmp_path, monkeypatch):
    (tmp_path / "results").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="is inside the pipeline's own output folder"):
        check_blog_assets({"blog_assets": "results", "output_dir": "figures"}, [])


def test_an_assets_folder_it_may_not_write_is_refused(tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root: a mode does not stop it; a read-only mount does
        folder = Path("/proc/sys")
        if not folder.is_dir() or os.access(folder, os.W_OK):
            pytest.skip("no folder this user may not write")
    with pytest.raises(ConfigError) as info:
        check_blog_assets({"blog_assets": str(folder), "output_dir": "figures"}, [], tmp_path)
    assert str(info.value) == (
        f"config key 'blog_assets': {str(folder)!r} is not writable; export writes the "
        "figures there"
    )
