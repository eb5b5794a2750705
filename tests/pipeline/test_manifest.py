"""natgrad.pipeline.manifest.png_size: Pillow reads the header of what the manifest records."""

import pytest
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
    # a PNG cut short is an error, as an unreadable file is (the artifact check names it)
    (tmp_path / "cut.png").write_bytes((tmp_path / "a.png").read_bytes()[:20])
    with pytest.raises(OSError):
        png_size(tmp_path / "cut.png")


def test_png_size_reads_a_huge_size_without_refusing_it(tmp_path):
    """The artifact check names a PNG too large to decode by the size its header says."""
    import struct
    import zlib

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", 20000, 30000, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)  # never decoded
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels)
    (tmp_path / "huge.png").write_bytes(png + chunk(b"IEND", b""))
    assert png_size(tmp_path / "huge.png") == [20000, 30000]
