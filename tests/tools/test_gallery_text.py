"""The live gallery shows each figure's text alternative: the image's alt, the
description beneath it, both rewritten when a save redraws the figure."""

import json

import pytest

from tests.helpers.snakemake_runs import FIGURES

pytestmark = pytest.mark.slow


def shown(driver, name):
    """The image's alt and the description under it, once the image has loaded."""
    return driver.execute_script(
        "const img = document.getElementById('img-' + arguments[0]);"
        "const d = document.getElementById('description-' + arguments[0]);"
        "return img.complete && img.naturalWidth > 0 ? [img.alt, d.textContent] : null;",
        name,
    )


def test_the_gallery_shows_each_figures_alt_and_description_and_follows_a_save(
    preview, browser, root
):
    browser.get(f"http://127.0.0.1:{preview.port}/")
    for name in FIGURES:
        said = json.loads((root / "figures" / "text" / f"{name}.json").read_text())
        assert preview.wait(lambda n=name: shown(browser, n), name) == [
            said["alt"],
            said["description"],
        ]
    before = preview.version("equidistant_points")
    preview.edit("  radius: 1.0 ", "  radius: 1.5 ")
    preview.wait(lambda: preview.version("equidistant_points") > before, "the redraw")
    alt, description = preview.wait(
        lambda: (s := shown(browser, "equidistant_points")) and "1.5" in s[1] and s,
        "the new description",
    )
    assert "a circle of radius 1.5" in description and "semi-axes 1.5 and 3" in description
    assert "distance 1.5 from the origin" in alt
    # the image's alt was rewritten in place, by the page's own script
    state = {f["name"]: f for f in preview.state()["figures"]}["equidistant_points"]
    assert (state["alt"], state["description"]) == (alt, description)
