"""natgrad.tools.preview.jekyll: what it reads of the author's blog before Jekyll runs."""

import pytest

from natgrad.tools.preview.jekyll import install_hint


@pytest.mark.parametrize(
    "config, hint",
    [
        ("plugins: [jekyll-feed, jekyll-sitemap]\n",
         "apt-get install jekyll ruby-jekyll-feed ruby-jekyll-sitemap"),
        # Ruby's YAML takes a tab after a key's colon (the author's _config.yml has one)
        ("title:\tblog\nplugins:\n  - jekyll-seo-tag\n",
         "apt-get install jekyll ruby-jekyll-seo-tag"),
        ("plugins: [jekyll-feed\n", "apt-get install jekyll"),  # Jekyll says what is wrong
        (b"title: caf\xe9\n", "apt-get install jekyll"),
        # nested past what PyYAML composes: refused on the text, not a RecursionError
        ("plugins: [jekyll-feed]\ndeep: " + "[" * 5000 + "]" * 5000 + "\n",
         "apt-get install jekyll"),
    ],
    ids=["plugins", "tab", "broken", "not UTF-8", "deep"],
)  # fmt: skip
def test_the_install_hint_reads_any_blog_config(tmp_path, config, hint):
    path = tmp_path / "_config.yml"
    if isinstance(config, bytes):
        path.write_bytes(config)
    else:
        path.write_text(config)
    assert install_hint(tmp_path) == hint
