"""natgrad.pipeline.post: the images a post shows, in any syntax, and what export copies."""

import pytest

from natgrad.figures import registry
from natgrad.pipeline.blog import export_figures
from natgrad.pipeline.config import ConfigError, load_schema
from natgrad.pipeline.post import Image, post_images, read_images, render_liquid
from natgrad.pipeline.validate import validate_config


def assets(text, markdown=True):
    return [image.asset for image in read_images(text, markdown=markdown)]


# Each names /assets/x.png once, as a reader sees it.
SHOWN = [
    # <img> tags, as the post's author writes them
    '<img src="/assets/x.png">',
    "<img src='/assets/x.png'/>",
    '<IMG WIDTH="500" SRC="/assets/x.png" />',
    '<center>\n  <img\n    src="/assets/x.png"\n    width="500">\n</center>',
    'Some text <img src="/assets/x.png"> in a paragraph.',
    '<p align="center">\n  <img src="/assets/x.png" width="500">\n</p>',
    # with Liquid in front of the path
    '<img src="{{ site.baseurl }}/assets/x.png">',
    '<img src="{{site.baseurl}}/assets/x.png">',
    '<img src="{{- site.baseurl -}}/assets/x.png">',
    '<img src="{{ site.url }}{{ site.baseurl }}/assets/x.png">',
    '<img src="{{ site.github.url }}/assets/x.png">',
    '<img src="{{ "/assets/x.png" | relative_url }}">',
    "<img src=\"{{ '/assets/x.png' | absolute_url }}\">",
    "<img src=\"{{ 'assets/x.png' | relative_url }}\">",
    '<img src="{{ "/assets/x.png" | prepend: site.baseurl }}">',
    '<img src="{{ site.baseurl | append: "/assets/x.png" }}">',
    # Markdown, inline and reference-style
    "![a figure](/assets/x.png)",
    '![a figure](/assets/x.png "its title")',
    "![a figure](</assets/x.png>)",
    '![a figure]({{ "/assets/x.png" | relative_url }})',
    "![a figure]({{ site.baseurl }}/assets/x.png)",
    "![a figure][fig]\n\n[fig]: /assets/x.png",
    "![fig][]\n\n[fig]: /assets/x.png",
    "![Fig]\n\n[fig]: </assets/x.png> 'title'",
    "![a figure][fig]\n\n[fig]: {{ site.baseurl }}/assets/x.png",
    "* a list item ![a figure](/assets/x.png)",
    "> quoted ![a figure](/assets/x.png)",
    "| a | b |\n|---|---|\n| ![a figure](/assets/x.png) | 1 |",
    # <figure>s
    '<figure>\n  <img src="/assets/x.png">\n  <figcaption>A figure.</figcaption>\n</figure>',
    '<center>\n<figure>\n  <img src="{{ site.baseurl }}/assets/x.png">\n</figure>\n</center>',
]


@pytest.mark.parametrize("text", SHOWN)
def test_every_syntax_names_the_image(text):
    assert assets(text) == ["x.png"]


# Each names /assets/x.png where no reader sees an image.
UNSEEN = [
    # HTML comments: in a block, inline, spanning blank lines, inside a block element
    '<!-- <img src="/assets/x.png"> -->',
    "<!--\n![a figure](/assets/x.png)\n\nmore\n-->",
    'Text <!-- <img src="/assets/x.png"> --> text.',
    "Text <!-- ![a figure](/assets/x.png) --> text.",
    '<div>\n<!-- <img src="/assets/x.png">\n\n-->\n</div>',
    # code: fenced, tilde-fenced, indented, inline
    '```html\n<img src="/assets/x.png">\n```',
    "~~~\n![a figure](/assets/x.png)\n~~~",
    'Text:\n\n    <img src="/assets/x.png">',
    'Write `<img src="/assets/x.png">` or `![a](/assets/x.png)`.',
    # what no reader sees as an image
    "<script>document.write('<img src=\"/assets/x.png\">')</script>",
    "<style>/* <img src='/assets/x.png'> */</style>",
    "{% comment %}\n![a figure](/assets/x.png)\n{% endcomment %}",
    '{% highlight html %}\n<img src="/assets/x.png">\n{% endhighlight %}',
    "[a link, not an image](/assets/x.png)",
    "\\![escaped](/assets/x.png)",
    "<img alt='no src'>",
    # a reference-style image whose definition is missing is text
    "![a figure][nowhere]",
]


@pytest.mark.parametrize("text", UNSEEN)
def test_what_no_reader_sees_is_not_an_image(text):
    assert read_images(text) == []


# HTML blocks as kramdown (Jekyll's Markdown) reads them, and the images they show.
BLOCKS = [
    # a block element is raw HTML up to its closing tag, blank lines and Markdown included
    ("<figure>\n\n![x](/assets/x.png)\n\n</figure>", []),
    ('<div>\n<img src="/assets/x.png">\n\n<img src="/assets/y.png">\n</div>', ["x", "y"]),
    ("<DIV>\n![x](/assets/x.png)\n</DIV>\n\n![y](/assets/y.png)", ["y"]),
    ("<p>\n  <!-- </p> -->\n  ![x](/assets/x.png)\n</p>\n\n![y](/assets/y.png)", ["y"]),
    ("text\n<div>\n![x](/assets/x.png)\n</div>", []),
    # ... and never closed, to the end
    ("<div>\n![x](/assets/x.png)\n\nafter ![y](/assets/y.png)", []),
    # closed on its line, or empty: Markdown follows on the next line
    ('<div><img src="/assets/x.png"></div>\n![y](/assets/y.png)', ["x", "y"]),
    ("<figure/>\n![y](/assets/y.png)", ["y"]),
    ("<hr>\n![y](/assets/y.png)", ["y"]),
    (
        '<center>\n<figure>\n<img src="/assets/x.png">\n\n<figcaption>a</figcaption>\n'
        "</figure>\n</center>\n![y](/assets/y.png)",
        ["x", "y"],
    ),
    # a span-level tag or a closing tag starts a paragraph, Markdown read after it
    ('<img src="/assets/x.png">\n![y](/assets/y.png)', ["x", "y"]),
    ("</div>\n![y](/assets/y.png)", ["y"]),
    ("<span>![x](/assets/x.png)</span>", ["x"]),
    ("* item\n\n  <div>\n  ![x](/assets/x.png)\n  </div>", []),
]


@pytest.mark.parametrize("text, shown", BLOCKS)
def test_html_blocks_end_where_kramdown_ends_them(text, shown):
    assert assets(text) == [f"{name}.png" for name in shown]


@pytest.mark.slow
def test_every_case_reads_as_jekylls_kramdown_reads_it():
    """The cases above without Liquid (Jekyll's, not kramdown's), through the real
    kramdown that Debian's jekyll brings, as Jekyll calls it: its page's images are
    the ones read here."""
    import json
    import subprocess

    from tests.helpers.browser import require

    ruby = require("ruby", "apt-get install jekyll (it brings ruby-kramdown)")
    cases = [t for t in SHOWN + UNSEEN + [t for t, _ in BLOCKS] if "{" not in t]
    script = (
        'require "json"; require "kramdown"; require "kramdown-parser-gfm"; '
        "puts JSON.generate(JSON.parse(STDIN.read).map { |t| "
        'Kramdown::Document.new(t, input: "GFM", hard_wrap: false).to_html })'
    )
    run = subprocess.run(
        [ruby, "-e", script], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    for text, page in zip(cases, json.loads(run.stdout), strict=True):
        ours = [i.src for i in read_images(text)]
        assert ours == [i.src for i in read_images(page, markdown=False)], (text, page)


@pytest.mark.parametrize(
    "text, src",
    [
        # another site's image, another folder, or a URL from other variables
        ('<img src="https://example.org/assets/x.png">', "https://example.org/assets/x.png"),
        ('<img src="//example.org/assets/x.png">', "//example.org/assets/x.png"),
        ("![a](/images/x.png)", "/images/x.png"),
        ("![a](assets/x.png)", "assets/x.png"),
        ('<img src="{{ page.dir }}/assets/x.png">', "{{ page.dir }}/assets/x.png"),
        ("<img src=\"{{ '/assets/x.png' | upcase }}\">", "{{ '/assets/x.png' | upcase }}"),
        # {% raw %} keeps Liquid as written: the browser gets the braces
        (
            '{% raw %}<img src="{{ site.baseurl }}/assets/x.png">{% endraw %}',
            "{{ site.baseurl }}/assets/x.png",
        ),
    ],
)
def test_images_outside_the_assets_folder_are_not_the_pipelines(text, src):
    (image,) = read_images(text)
    assert image.src == src and image.asset is None


def test_front_matter_is_data_not_page():
    post = '---\nimg: "/assets/y.png"\nlayout: post\n---\n![a figure](/assets/x.png)\n'
    assert assets(post) == ["x.png"]
    # "---" later in the text is a rule, not front matter; without a closing line
    # there is none
    assert assets('text\n---\n<img src="/assets/y.png">\n---\n') == ["y.png"]
    assert assets('---\n<img src="/assets/y.png">\n') == ["y.png"]


def test_alt_text_and_captions_are_read_with_each_image():
    post = """
<center>
<figure>
  <img src="/assets/a.png" alt="first">
  <img src="/assets/b.png">
  <figcaption>Two panels:
    <em>left</em> &amp; right.</figcaption>
</figure>
</center>

![the *third* one](/assets/c.png)
"""
    assert read_images(post) == [
        Image("/assets/a.png", "first", "Two panels: left & right."),
        Image("/assets/b.png", "", "Two panels: left & right."),
        Image("/assets/c.png", "the third one", ""),
    ]


def test_page_order_once_each_and_urls_decoded(tmp_path):
    post = tmp_path / "post.md"
    post.write_text(
        '![b](/assets/b.png)\n\n<img src="/assets/a.png">\n\n![again](/assets/b.png)\n\n'
        "![spaced](/assets/my%20figure.png?v=2#top)\n"
    )
    assert post_images(post) == ["b.png", "a.png", "my figure.png"]


def test_markdown_after_an_img_line_is_read_as_kramdown_reads_it():
    # CommonMark would make the <img> line an HTML block reaching to the blank
    # line, with the Markdown image in it as text; kramdown makes it a paragraph
    post = '<img src="/assets/a.png" alt="A">\n![b](/assets/b.png)\ntext\n'
    assert assets(post) == ["a.png", "b.png"]


def test_an_html_post_is_not_markdown(tmp_path):
    post = tmp_path / "post.html"
    post.write_text('---\n---\n<img src="/assets/a.png">\n![b](/assets/b.png)\n')
    assert post_images(post) == ["a.png"]
    assert assets("    <img src='/assets/a.png'>", markdown=False) == ["a.png"]


def test_liquid_is_rendered_only_as_far_as_the_urls_need():
    assert render_liquid("{{ site.baseurl }}/a {{ x }} {% if y %}b{% endif %}") == "/a {{ x }} b"
    assert render_liquid("{% raw %}{{ site.url }}{% endraw %}") == "{{ site.url }}"
    assert render_liquid("a{% comment %}{% comment %}{% endcomment %}b{% endcomment %}c") == "ac"
    assert render_liquid("a{% comment %} never closed") == "a"
    assert render_liquid("{{ 'a|b' | relative_url }}") == "/a|b"
    assert render_liquid("{{ 'unclosed | relative_url }}") == "{{ 'unclosed | relative_url }}"


POST_DOC = """---
layout: post
img: "/assets/gaussian_isocontours_fisher.png"
---
<center>
<figure>
  <img src="{{ site.baseurl }}/assets/equidistant_points.png">
  <figcaption>Equidistant points.</figcaption>
</figure>
</center>

Text. ![trajectories]({{ "/assets/gd_euclidean_mahalanobis.png" | relative_url }})

<!-- <img src="/assets/lmc_samples.png"> -->

```python
plt.savefig("/assets/not_a_figure.png")  # ![x](/assets/code.png)
```

![equidistant again][eq]

[eq]: /assets/equidistant_points.png
"""


@pytest.fixture(scope="module")
def schema(root):
    return load_schema(root / "workflow/schemas/config.schema.yaml")


def config_for(post, schema, default_config, **more):
    return validate_config(dict(default_config, post=str(post), **more), schema)


def test_export_copies_exactly_what_the_post_shows(tmp_path, schema, default_config):
    post = tmp_path / "post.md"
    post.write_text(POST_DOC)
    cfg = config_for(post, schema, default_config)
    assert export_figures(cfg, registry()) == [
        "equidistant_points.png",
        "gd_euclidean_mahalanobis.png",
    ]
    # without a post: config's post_figures, the post's four figures
    cfg = validate_config(default_config, schema)
    assert export_figures(cfg, registry()) == [f"{n}.png" for n in cfg["post_figures"]]
    assert len(cfg["post_figures"]) == 4


def test_a_figure_in_another_built_format_is_exported(tmp_path, schema, default_config):
    post = tmp_path / "post.md"
    post.write_text("![svg](/assets/equidistant_points.svg)")
    cfg = config_for(post, schema, default_config, formats=["png", "svg"])
    assert export_figures(cfg, registry()) == ["equidistant_points.svg"]
    with pytest.raises(ConfigError) as info:
        export_figures(config_for(post, schema, default_config), registry())
    assert str(info.value) == (
        f"config key 'post': {post} shows /assets/equidistant_points.svg, which the pipeline "
        "does not build (add svg to formats)"
    )


def test_a_dot_inside_a_figures_name(tmp_path):
    post = tmp_path / "post.md"
    post.write_text('<img src="/assets/gd.v2.png">')
    assert export_figures({"post": str(post), "post_figures": []}, ["gd.v2"]) == ["gd.v2.png"]


@pytest.mark.parametrize(
    "body, message",
    [
        (
            POST_DOC + '\n<img src="/assets/lmc_samples.png">\n',
            "{post} shows /assets/lmc_samples.png, which the pipeline does not build",
        ),
        (
            "![nested](/assets/img/equidistant_points.png)",
            "{post} shows /assets/img/equidistant_points.png, which the pipeline does not build",
        ),
        (
            "![a jpeg](/assets/equidistant_points.jpg)",
            "{post} shows /assets/equidistant_points.jpg, which the pipeline does not build",
        ),
        (
            '<!-- <img src="/assets/equidistant_points.png"> -->\n'
            "`![x](/assets/equidistant_points.png)`\n"
            "![elsewhere](https://example.org/assets/equidistant_points.png)\n",
            "{post} shows none of the pipeline's figures (no image under /assets/ outside "
            "comments and code); nothing to export",
        ),
        (
            "",
            "{post} shows none of the pipeline's figures (no image under /assets/ outside "
            "comments and code); nothing to export",
        ),
    ],
)
def test_a_post_it_cannot_export_is_one_line_naming_the_post(tmp_path, body, message):
    post = tmp_path / "2021-04-13-natural-gradients.md"
    post.write_text(body)
    with pytest.raises(ConfigError) as info:
        export_figures({"post": str(post), "post_figures": []}, registry())
    assert str(info.value) == "config key 'post': " + message.format(post=post)


def test_an_unreadable_post_or_an_unknown_post_figure(tmp_path):
    missing = tmp_path / "none.md"
    with pytest.raises(ConfigError) as info:
        export_figures({"post": str(missing), "post_figures": []}, ["a"])
    assert str(info.value) == (
        f"config key 'post': cannot read {str(missing)!r}: No such file or directory"
    )
    with pytest.raises(ConfigError) as info:
        post_images(tmp_path)
    assert (
        str(info.value) == f"config key 'post': {str(tmp_path)!r} is a directory; give a text file"
    )
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes("caf\xe9 ![a](/assets/a.png)".encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        post_images(latin1)
    assert str(info.value) == (
        f"config key 'post': {str(latin1)!r} is not UTF-8 text: byte 0xe9 at line 1"
    )
    with pytest.raises(ConfigError) as info:
        export_figures({"post": "", "post_figures": ["a", "zz", "yy"]}, ["a"])
    assert str(info.value) == "config key 'post_figures': 'zz' is not a figure of the pipeline"


def test_reading_a_post_imports_markdown_it_only_then(root):
    """The Snakefile lists what export copies on every run (natgrad.pipeline.blog); the
    post's reader is imported only when `post` is set, and its parser only when it reads."""
    import subprocess
    import sys

    code = (
        "import sys, natgrad.pipeline.blog as b; "
        "b.export_figures({'post': '', 'post_figures': []}, []); "
        "assert 'natgrad.pipeline.post' not in sys.modules; "
        "import natgrad.pipeline.post as p; assert 'markdown_it' not in sys.modules; "
        "p.read_images('x'); assert 'markdown_it' in sys.modules"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


# --- hostile posts and assets folders -----------------------------------------


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: __import__("os").mkfifo(p), "is not a regular file"),
        (lambda p: p.symlink_to("/dev/zero"), "is not a regular file"),
        (lambda p: p.write_bytes(b"x" * (2 << 20)), "has 2097152 bytes; at most"),
    ],
    ids=["FIFO", "/dev/zero", "2 MB"],
)
def test_a_post_that_is_not_a_small_regular_file_is_refused_unread(tmp_path, make, words):
    post = tmp_path / "post.md"
    make(post)
    with pytest.raises(ConfigError) as info:
        post_images(post)
    assert str(info.value).startswith(f"config key 'post': {str(post)!r} ") and words in str(
        info.value
    )


@pytest.mark.parametrize(
    "unit", ["{{ x\n", "{% x\n", "<div>\n<!-- x\n", "<div>\nx\n</div>\n", "{% raw %}{{\n"]
)
def test_the_post_reader_is_linear_in_the_posts_length(unit):
    """32000 repetitions of an unclosed construct took 35 s (quadratic); 8 times the
    text must take well under 8^2 = 64 times as long (24 times: linear, with room for
    a loaded machine's noise)."""
    import time

    def seconds(n):
        start = time.perf_counter()
        read_images(unit * n)
        return time.perf_counter() - start

    # each the quicker of two runs: a loaded machine's pauses fall on one of them
    small, large = (min(seconds(n) for _ in range(2)) for n in (2000, 16000))
    assert large < 30 and large < 24 * max(small, 0.01), (small, large)


def test_image_names_are_printed_escaped(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("![a](/assets/x%1b%5b2J.png) ![b](/assets/y%00.png)\n")
    with pytest.raises(ConfigError) as info:
        export_figures({"post": str(post), "post_figures": [], "formats": ["png"]}, ["x"])
    assert "/assets/x\\x1b[2J.png, which the pipeline does not build" in str(info.value)
    assert "\x1b" not in str(info.value)


@pytest.mark.parametrize(
    "src, asset",
    [
        ("/assets/x.png", "x.png"),
        ("/assets/sub/x%20y.png", "sub/x y.png"),
        ("/assets/", None),
        ("/assets", None),
        ("/assetsx.png", None),
        ("/static/assets/x.png", None),
        ("http:/assets/x.png", None),
        ("//cdn/assets/x.png", None),
        ("/assets/x.png?v=2#top", "x.png"),
    ],
)
def test_the_asset_an_image_shows(src, asset):
    assert Image(src).asset == asset


@pytest.mark.parametrize(
    "text, shown",
    [
        ("---\ntitle: t\n...\n![a](/assets/x.png)\n", ["x.png"]),  # YAML's document end
        ("---   \ntitle: t\n---  \n![a](/assets/x.png)\n", ["x.png"]),  # trailing spaces
        ("--- \n![a](/assets/y.png)\n--- \n![a](/assets/x.png)\n", ["x.png"]),
        ("\n---\n![a](/assets/y.png)\n---\n![a](/assets/x.png)\n", ["y.png", "x.png"]),
        ("---\n---\n![a](/assets/x.png)\n", ["x.png"]),  # empty front matter
    ],
)
def test_front_matter_as_jekyll_finds_it(text, shown):
    assert assets(text) == shown


@pytest.mark.parametrize(
    "text, src",
    [
        # a string with more after it is no string: the output stays as written
        ("<img src=\"{{ '/assets/x.png' junk }}\">", "{{ '/assets/x.png' junk }}"),
        # a variable the reader does not know is left as written, whatever its letters
        ('<img src="{{ X/assets/x.pngX }}">', "{{ X/assets/x.pngX }}"),
        # the empty string renders as nothing
        ('<img src="{{ "" }}/assets/x.png">', "/assets/x.png"),
        # another site's URL is kept whole by absolute_url
        (
            '<img src="{{ "https://example.org/assets/x.png" | absolute_url }}">',
            "https://example.org/assets/x.png",
        ),
        # prepend puts its argument first, append last
        ('<img src="{{ "x.png" | prepend: "/assets/" }}">', "/assets/x.png"),
        ('<img src="{{ "/assets/" | append: "x.png" }}">', "/assets/x.png"),
        # a variable the reader does not know, prepended to: left as written
        (
            '<img src="{{ page.dir | prepend: site.baseurl }}/assets/x.png">',
            "{{ page.dir | prepend: site.baseurl }}/assets/x.png",
        ),
    ],
)
def test_the_liquid_url_forms_at_their_edges(text, src):
    assert [i.src for i in read_images(text)] == [src]


def test_a_figure_closed_with_its_caption_open_leaves_the_next_figure_whole():
    post = (
        '<figure><img src="/assets/a.png"><figcaption>first</figure>\n'
        '<figure><img src="/assets/b.png"><figcaption>second</figcaption></figure>\n'
    )
    assert [(i.asset, i.caption) for i in read_images(post, markdown=False)] == [
        ("a.png", "first"),
        ("b.png", "second"),
    ]


@pytest.mark.parametrize(
    "text, shown",
    [
        # a div inside a div: the block ends at the outer one's closing tag
        (
            "<div>\n<div>\ninner\n</div>\n![a](/assets/y.png)\n</div>\n![b](/assets/x.png)\n",
            ["x.png"],
        ),
        # ... also when the inner one's opening tag goes on over two lines
        (
            '<div>\n<div\n  class="x">\ninner\n</div>\n![a](/assets/y.png)\n</div>\n'
            "![b](/assets/x.png)\n",
            ["x.png"],
        ),
        (
            '<div><div\n  class="x">\ninner\n</div>\n![a](/assets/y.png)\n</div>\n'
            "![b](/assets/x.png)\n",
            ["x.png"],
        ),
        # closed on its second line: the Markdown after it is read
        ("<div>\n</div>\n![b](/assets/x.png)\n", ["x.png"]),
    ],
)
def test_an_html_block_ends_at_its_own_closing_tag(text, shown):
    assert assets(text) == shown


@pytest.mark.parametrize("name", ["post.htm", "post.HTML", "post.Htm"])
def test_a_post_named_htm_or_in_capitals_is_html(tmp_path, name):
    """Indented by four spaces, an <img> is a code block in Markdown; in HTML it is shown."""
    post = tmp_path / name
    post.write_text('\n    <img src="/assets/x.png">\n')
    assert post_images(post) == ["x.png"]
    markdown = tmp_path / "post.md"
    markdown.write_text('\n    <img src="/assets/x.png">\n')
    assert post_images(markdown) == []


def test_a_pdf_the_pipeline_could_build_is_named_with_its_format(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("![pdf](/assets/equidistant_points.pdf)")
    with pytest.raises(ConfigError) as info:
        export_figures({"post": str(post), "post_figures": [], "formats": ["png"]}, registry())
    assert str(info.value).endswith("which the pipeline does not build (add pdf to formats)")


def test_a_caption_ends_at_its_closing_tag():
    post = '<figure><img src="/assets/a.png"><figcaption>cap</figcaption> credits</figure>'
    assert [i.caption for i in read_images(post, markdown=False)] == ["cap"]


@pytest.mark.parametrize(
    "text, shown",
    [
        # an indented line cannot end a paragraph: it goes on, image and all
        ("text\n    ![a](/assets/x.png)\n", ["x.png"]),
        # a block-level tag indented by up to three spaces starts a block all the same
        ("  <div>\n\n![a](/assets/y.png)\n\n</div>\n![b](/assets/x.png)\n", ["x.png"]),
        # <pre> ends where CommonMark ends it, at </pre>, blank lines and all
        ("<pre>\n![a](/assets/y.png)\n\n![b](/assets/z.png)\n</pre>\n![c](/assets/x.png)\n",
         ["x.png"]),
        # ... and ends the paragraph before it, in page order
        ('![a](/assets/a.png)\n<pre>\n<img src="/assets/p.png">\n</pre>\n', ["a.png", "p.png"]),
        # an element never closed, after other blocks, runs to the end of the post
        ("text\n\n<div>\n![a](/assets/y.png)\n", []),
        # a block-level tag ends a block quote and a reference definition
        ("> quote\n<div>\n![a](/assets/y.png)\n</div>\n![b](/assets/x.png)\n", ["x.png"]),
        ("![a][r]\n\n[r]: /assets/x.png\n<div>\n![b](/assets/y.png)\n</div>\n", ["x.png"]),
    ],
)  # fmt: skip
def test_html_blocks_beside_other_markdown(text, shown):
    assert assets(text) == shown


@pytest.mark.parametrize(
    "text, srcs",
    [
        # empty front matter: its closing line is the second, not a rule further down
        ("---\n---\n![a](/assets/x.png)\n\n---\n![b](/assets/y.png)\n",
         ["/assets/x.png", "/assets/y.png"]),
        # closed by YAML's "...": what it holds is data, not page
        ('---\nimg: <img src="/assets/y.png">\n...\n![a](/assets/x.png)\n', ["/assets/x.png"]),
        # the body's lines as written (a reference definition must start its line)
        ("---\nt: 1\n---\n![a][r]\n\n[r]: /assets/x.png\n", ["/assets/x.png"]),
        # a second raw block keeps its Liquid too
        ('{% raw %}a{% endraw %} {% raw %}<img src="{{ site.baseurl }}/assets/x.png">'
         "{% endraw %}", ["{{ site.baseurl }}/assets/x.png"]),
        # an opening inside an output already read is text; the tags after it are read
        ('{{ x {{ y }} <img src="{{ site.baseurl }}/assets/x.png">', ["/assets/x.png"]),
        # after an unclosed {{ (twice), the {% %} tags are still read
        ('{{ a\n{{ b\n{% comment %}<img src="/assets/y.png">{% endcomment %}'
         '<img src="/assets/x.png">', ["/assets/x.png"]),
        # whitespace control without spaces: one dash taken off each side
        ('<img src="{{-site.baseurl-}}/assets/x.png">', ["/assets/x.png"]),
    ],
)  # fmt: skip
def test_front_matter_and_liquid_delimiters_at_their_edges(text, srcs):
    assert [i.src for i in read_images(text)] == srcs


def test_only_a_figcaption_s_text_is_the_caption():
    post = (
        '<figure><img src="/assets/a.png"><span>credit</span><figcaption>cap</figcaption>'
        "</figure>"
    )
    assert [i.caption for i in read_images(post, markdown=False)] == ["cap"]
