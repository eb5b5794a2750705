"""natgrad.pipeline.manifest.png_size: Pillow reads the header of what the manifest records."""

from PIL import Image

from natgrad.pipeline.manifest import png_size


def test_png_size_reads_a_pngs_header_and_nothing_else(tmp_path):
    Image.new("RGB", (37, 11)).save(tmp_path / "a.png")
    assert png_size(tmp_path / "a.png") == [37, 11]
    Image.new("RGB", (5, 3)).save(tmp_path / "a.gif")
    (tmp_path / "d.json").write_text('{"figure": "x"}')
    (tmp_path / "empty.png").write_bytes(b"")
    for other in ("a.gif", "d.json", "empty.png"):
        assert png_size(tmp_path / other) is None, other
