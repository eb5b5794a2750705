"""natgrad.pipeline.manifest: what each job wrote, from what, and whether it is current.

Expected values are computed here from the documented formats (hashlib, the PNG
header, the package's installed versions), not with the module's own functions.
"""

import hashlib
import json
import os
import platform
import subprocess
from importlib.metadata import version

import pytest
from PIL import Image

from natgrad.pipeline.manifest import (
    MANIFEST_DIR,
    build_manifest,
    inputs_sha256,
    load_manifest,
    platform_fingerprint,
    png_size,
    sha256_file,
    text_engine,
    versions,
    write_manifest,
)

SECOND = 10**9


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _png(path, width, height):
    Image.new("RGB", (width, height), "white").save(path)
    return path


def _times(*paths):
    return [p.stat().st_mtime_ns for p in paths]


def _set_time(t, *paths):
    for p in paths:
        os.utime(p, ns=(t, t))


def test_sha256_file_is_of_the_bytes(tmp_path):
    f = tmp_path / "f.bin"
    f.write_bytes(b"abc\x00\xff")
    assert sha256_file(f) == _sha(b"abc\x00\xff")
    assert sha256_file(str(f)) == _sha(b"abc\x00\xff")


def test_inputs_sha256_is_the_documented_digest(tmp_path, monkeypatch):
    """Each file's path (relative to the checkout, sorted) and content hash, then
    the params: a change of format would make every committed manifest stale."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "b.py").write_text("bee")
    (tmp_path / "a.py").write_text("a")
    h = hashlib.sha256()
    for name, data in (("a.py", b"a"), ("pkg/b.py", b"bee")):
        h.update(name.encode() + b"\0" + _sha(data).encode() + b"\0")
    h.update(b'{"dpi": 100}')
    expected = h.hexdigest()
    assert inputs_sha256(["pkg/b.py", "a.py"], '{"dpi": 100}') == expected
    assert inputs_sha256([tmp_path / "a.py", tmp_path / "pkg/b.py"], '{"dpi": 100}') == expected
    # from elsewhere, with the checkout named: the same digest
    monkeypatch.chdir(tmp_path / "pkg")
    assert inputs_sha256(["b.py", "../a.py"], '{"dpi": 100}', root=tmp_path) == expected
    assert inputs_sha256(["b.py", "../a.py"], '{"dpi": 100}', root="..") == expected
    # relative to pkg/ the names differ, so does the digest
    assert inputs_sha256(["b.py", "../a.py"], '{"dpi": 100}') != expected


def test_inputs_sha256_follows_an_edit_even_one_keeping_size_and_time(tmp_path):
    """The content hash is remembered per (path, time, size) in a process; an edit
    that keeps size and time (as git checkout can) would be missed, so the time
    moves with any edit here: what the cache key holds is what decides."""
    f = tmp_path / "a.py"
    f.write_text("one")
    first = inputs_sha256([f], "", root=tmp_path)
    t = f.stat().st_mtime_ns
    f.write_text("two")  # same size
    _set_time(t + SECOND, f)
    second = inputs_sha256([f], "", root=tmp_path)
    assert second != first
    assert second == _sha(b"a.py\0" + _sha(b"two").encode() + b"\0")
    f.write_text("twoo")  # another size, the same time
    _set_time(t + SECOND, f)
    assert inputs_sha256([f], "", root=tmp_path) == _sha(b"a.py\0" + _sha(b"twoo").encode() + b"\0")


def test_a_file_that_became_a_link_is_named_anew_after_forget(tmp_path):
    """A path's name (relative to the checkout, links resolved) is remembered in a
    process; sources.forget, which the previews call before each update, forgets it."""
    from natgrad.pipeline.sources import forget

    (tmp_path / "real.py").write_text("x")
    (tmp_path / "a.py").write_text("x")
    first = inputs_sha256([tmp_path / "a.py"], "", root=tmp_path)
    assert first == _sha(b"a.py\0" + _sha(b"x").encode() + b"\0")
    (tmp_path / "a.py").unlink()
    (tmp_path / "a.py").symlink_to(tmp_path / "real.py")
    assert inputs_sha256([tmp_path / "a.py"], "", root=tmp_path) == first  # remembered
    forget()
    assert inputs_sha256([tmp_path / "a.py"], "", root=tmp_path) == (
        _sha(b"real.py\0" + _sha(b"x").encode() + b"\0")
    )


def test_png_size_reads_width_then_height_from_the_header(tmp_path):
    assert png_size(_png(tmp_path / "a.png", 7, 3)) == [7, 3]
    assert png_size(_png(tmp_path / "b.png", 300, 4000)) == [300, 4000]
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n" + b"\0" * 40)
    assert png_size(tmp_path / "a.pdf") is None
    # the signature, all eight bytes of it
    header = (tmp_path / "a.png").read_bytes()
    (tmp_path / "c.png").write_bytes(header[:7] + b"\0" + header[8:])
    assert png_size(tmp_path / "c.png") is None
    (tmp_path / "empty.png").write_bytes(b"")
    assert png_size(tmp_path / "empty.png") is None
    # the sizes are unsigned 32-bit integers (big-endian): a header claiming more
    # than 2**31 pixels says so (for the check's bound on what it decodes); its
    # checksum made anew, as a PNG's writer would (Pillow checks it)
    import struct
    import zlib

    ihdr = (2**31 + 5).to_bytes(4, "big") + (2**32 - 1).to_bytes(4, "big") + header[24:29]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    (tmp_path / "huge.png").write_bytes(header[:16] + ihdr + crc + header[33:])
    assert png_size(tmp_path / "huge.png") == [2**31 + 5, 2**32 - 1]
    # a header whose checksum is wrong is not a PNG's
    (tmp_path / "bad.png").write_bytes(header[:16] + ihdr + header[29:])
    assert png_size(tmp_path / "bad.png") is None


def test_versions_are_those_installed():
    import natgrad

    got = versions()
    assert got["natgrad"] == natgrad.__version__
    for package in ("matplotlib", "numpy"):
        assert got[package] == version(package)
    assert got["pillow"] == version("pillow")
    import matplotlib.ft2font

    assert got["freetype"] == matplotlib.ft2font.__freetype_version__
    assert set(got) == {"natgrad", "matplotlib", "numpy", "freetype", "pillow"}


def test_the_platform_fingerprint_names_this_machine_without_paths():
    import numpy

    got = platform_fingerprint()
    assert got["machine"] == platform.machine() and got["system"] == platform.system()
    simd = numpy.show_config(mode="dicts")["SIMD Extensions"]
    assert got["numpy_simd"] == {
        "baseline": list(simd["baseline"]),
        "dispatched": list(simd.get("found", [])),
    }
    assert set(got) == {"machine", "system", "numpy_simd", "blas", "freetype"}
    import matplotlib.ft2font
    import threadpoolctl

    assert got["freetype"] == matplotlib.ft2font.__freetype_version__
    # each BLAS numpy loaded, as threadpoolctl describes it, without its path
    loaded = [
        {"api": i["internal_api"], "library": i["prefix"], "version": i["version"],
         "kernel": i["architecture"]}
        for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"
    ]  # fmt: skip
    assert loaded, "numpy loads a BLAS"
    assert sorted(map(json.dumps, got["blas"])) == sorted(map(json.dumps, loaded))
    for lib in got["blas"]:
        assert lib["library"] and "/" not in json.dumps(lib)  # no path
    assert got["blas"] == sorted(got["blas"], key=lambda d: json.dumps(d, sort_keys=True))
    assert json.loads(json.dumps(got)) == got


def test_the_text_engine_names_mathtext_or_latex_with_its_programs_versions(latex, tmp_path):
    assert text_engine(False) == {"engine": "mathtext"}
    got = text_engine(True)
    assert set(got) == {"engine", "latex", "dvipng"}
    assert got["engine"] == "latex"
    for program in ("latex", "dvipng"):
        printed = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
        assert got[program] == printed.splitlines()[0].strip()
    # as a LaTeX figure's manifest records it
    assert build_manifest(tmp_path, {}, {}, usetex=True)["text"] == got


def test_the_text_engine_without_latex_says_unknown(without_latex):
    got = text_engine(True)
    assert got["engine"] == "latex"
    assert got["latex"].startswith("unknown (") and got["dvipng"].startswith("unknown (")


def test_a_program_that_fails_or_prints_nothing_is_unknown(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "latex").write_text("#!/bin/sh\necho 'broken' >&2\nexit 3\n")
    (bin_dir / "dvipng").write_text("#!/bin/sh\necho '   '\n")
    for p in bin_dir.iterdir():
        p.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    got = text_engine(True)
    assert got["latex"].startswith("unknown (") and "3" in got["latex"]
    assert got["dvipng"] == "unknown"


def test_build_manifest_records_each_file_and_how_it_was_built(tmp_path):
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    _png(out / "b.png", 4, 2)
    (out / "data" / "b.json").write_text("{}")
    _png(out / "a.png", 5, 6)
    got = build_manifest(
        out, {"fig_b": ["b.png", "data/b.json"], "fig_a": [out / "a.png"]},
        {"fig_a": "ha", "fig_b": "hb"}, usetex=False, inputs="digest",
    )  # fmt: skip
    assert list(got["artifacts"]) == sorted(got["artifacts"])
    assert got["artifacts"]["b.png"] == {
        "figure": "fig_b",
        "sha256": _sha((out / "b.png").read_bytes()),
        "pixels": [4, 2],
        "config_sha256": "hb",
    }
    assert got["artifacts"]["data/b.json"] == {
        "figure": "fig_b", "sha256": _sha(b"{}"), "pixels": None, "config_sha256": "hb",
    }  # fmt: skip
    assert got["artifacts"][(out / "a.png").as_posix()]["config_sha256"] == "ha"
    assert got["text"] == {"engine": "mathtext"}
    assert got["inputs_sha256"] == "digest"
    assert got["versions"] == versions() and got["platform"] == platform_fingerprint()
    assert list(got)[-1] == "artifacts"
    # without text (the claims table) or a job's inputs: not recorded
    bare = build_manifest(out, {"t": ["data/b.json"]}, {"t": "h"})
    assert "text" not in bare and "inputs_sha256" not in bare
    assert set(bare) == {"versions", "platform", "artifacts"}


def test_write_manifest_writes_its_figures_file_and_load_manifest_reads_every_one(
    tmp_path, monkeypatch
):
    out = tmp_path / "out"
    out.mkdir()
    _png(out / "f.png", 3, 3)
    (out / "g.svg").write_text("<svg/>")
    written = write_manifest(out, "f", [out / "f.png"], "hf", usetex=False, inputs="in-f")
    assert json.loads((out / MANIFEST_DIR / "f.json").read_text()) == written
    assert list(written["artifacts"]) == ["f.png"]
    # paths given relative to the working directory, the manifest folder already there
    monkeypatch.chdir(tmp_path)
    write_manifest("out", "g", ["out/g.svg"], "hg")
    assert sorted(p.name for p in (out / MANIFEST_DIR).iterdir()) == ["f.json", "g.json"]
    entries = load_manifest(out)
    assert set(entries) == {"f.png", "g.svg"}
    f = entries["f.png"]
    assert f["figure"] == "f" and f["config_sha256"] == "hf" and f["pixels"] == [3, 3]
    assert f["inputs_sha256"] == "in-f" and f["text"] == {"engine": "mathtext"}
    assert f["versions"] == versions() and f["platform"] == platform_fingerprint()
    g = entries["g.svg"]
    assert g["sha256"] == _sha(b"<svg/>") and "text" not in g and "inputs_sha256" not in g
    # a file outside the output folder is refused
    with pytest.raises(ValueError):
        write_manifest(out, "h", [tmp_path / "elsewhere.png"], "hh")
    assert load_manifest(tmp_path / "no-such") == {}


def test_load_manifest_reads_only_json_of_the_manifest_folder(tmp_path):
    (tmp_path / MANIFEST_DIR).mkdir()
    for name, entry in (("b", {"sha256": "2"}), ("a", {"sha256": "1"})):
        data = {"versions": {"v": name}, "artifacts": {f"{name}.png": entry}}
        (tmp_path / MANIFEST_DIR / f"{name}.json").write_text(json.dumps(data))
    (tmp_path / MANIFEST_DIR / "notes.txt").write_text("not a manifest")
    (tmp_path / "stray.json").write_text("{}")
    assert load_manifest(tmp_path) == {
        "a.png": {"sha256": "1", "versions": {"v": "a"}},
        "b.png": {"sha256": "2", "versions": {"v": "b"}},
    }


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
