"""natgrad.pipeline.manifest: what each job wrote, from what, and whether it is current.

Expected values are computed here from the documented formats (hashlib, the PNG
header, the package's installed versions), not with the module's own functions.
"""

import hashlib
import json
import os
import platform
import shutil
import subprocess
from importlib.metadata import version

import pytest
from PIL import Image

from natgrad.pipeline.manifest import (
    MANIFEST_DIR,
    align_times,
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
    # than 2**31 pixels says so (for the check's bound on what it decodes)
    huge = header[:16] + (2**31 + 5).to_bytes(4, "big") + (2**32 - 1).to_bytes(4, "big")
    (tmp_path / "huge.png").write_bytes(huge + header[24:])
    assert png_size(tmp_path / "huge.png") == [2**31 + 5, 2**32 - 1]


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


# align_times: a job's outputs, its manifest and one input, as after a clone


def _job(tmp_path, digest="d1"):
    inputs = [tmp_path / "code.py", tmp_path / "other.py"]
    for i, p in enumerate(inputs):
        p.write_text(f"code {i}")
    out = tmp_path / "out"
    (out / MANIFEST_DIR).mkdir(parents=True)
    fig = out / "f.png"
    fig.write_bytes(b"png")
    data = out / "f.json"
    data.write_text("{}")
    manifest = out / MANIFEST_DIR / "f.json"
    manifest.write_text(
        json.dumps(
            {
                "inputs_sha256": digest,
                "artifacts": {"f.png": {"sha256": _sha(b"png")}, "f.json": {"sha256": _sha(b"{}")}},
            }
        )
    )
    t = 1_700_000_000 * SECOND
    _set_time(t, inputs[0])
    _set_time(t + 5 * SECOND, inputs[1])
    _set_time(t + 5 * SECOND, fig, data, manifest)  # as old as the newest input
    return inputs, [fig, data, manifest], manifest


def test_current_outputs_are_dated_after_every_input_and_not_changed(tmp_path):
    inputs, outputs, manifest = _job(tmp_path)
    before = [p.read_bytes() for p in outputs]
    assert align_times(manifest, outputs, inputs, "d1") == "current"
    assert min(_times(*outputs)) > max(_times(*inputs))
    assert len(set(_times(*outputs))) == 1
    assert [p.read_bytes() for p in outputs] == before
    # in order already: nothing touched
    _set_time(max(_times(*inputs)) + 1, *outputs)
    assert align_times(manifest, outputs, inputs, "d1") == "current"
    assert _times(*outputs) == [max(_times(*inputs)) + 1] * 3


def test_outputs_are_dated_after_an_input_from_the_future(tmp_path):
    """An input dated ahead of the clock (a clone from a machine ahead of this one):
    the outputs still come after it, by a millisecond."""
    import time

    inputs, outputs, manifest = _job(tmp_path)
    future = time.time_ns() + 3600 * SECOND
    _set_time(future, inputs[1], *outputs)
    assert align_times(manifest, outputs, inputs, "d1") == "current"
    assert _times(*outputs) == [future + 10**6] * 3
    # an input from the past: the outputs get now, not a millisecond after it
    (tmp_path / "past").mkdir()
    inputs, outputs, manifest = _job(tmp_path / "past")
    start = time.time_ns()
    assert align_times(manifest, outputs, inputs, "d1") == "current"
    assert min(_times(*outputs)) >= start


def test_stale_outputs_are_dated_a_second_before_every_input(tmp_path):
    inputs, outputs, manifest = _job(tmp_path)
    later = max(_times(*inputs)) + SECOND
    _set_time(later, *outputs)  # as after a touch, or a build before an edit
    assert align_times(manifest, outputs, inputs, "d2") == "stale"
    assert _times(*outputs) == [min(_times(*inputs)) - SECOND] * 3
    # already older than the newest input: Snakemake reruns the job, nothing to do
    _set_time(max(_times(*inputs)), *outputs)
    assert align_times(manifest, outputs, inputs, "d2") == "stale"
    assert _times(*outputs) == [max(_times(*inputs))] * 3


def test_outputs_of_a_job_without_inputs(tmp_path):
    _, outputs, manifest = _job(tmp_path)
    t = _times(*outputs)
    assert align_times(manifest, outputs, [], "d2") == "stale"
    assert _times(*outputs) == [t[0] - SECOND] * 3
    assert align_times(manifest, outputs, [], "d1") == "current"
    # with no input to come after, current outputs are left as they are, however old
    _set_time(1, *outputs)
    assert align_times(manifest, outputs, [], "d1") == "current"
    assert _times(*outputs) == [1] * 3


def test_an_output_edited_by_hand_or_not_in_its_manifest_is_not_current(tmp_path):
    inputs, outputs, manifest = _job(tmp_path)
    fig, data, _ = outputs
    data.write_text("{ }")
    _set_time(max(_times(*inputs)), data)
    assert align_times(manifest, outputs, inputs, "d1") == "stale"
    assert max(_times(*outputs)) <= max(_times(*inputs))
    data.write_text("{}")
    extra = tmp_path / "out" / "g.png"
    extra.write_bytes(b"png")
    _set_time(max(_times(*inputs)), data, extra)
    assert align_times(manifest, [*outputs, extra], inputs, "d1") == "stale"
    # the manifest itself is not among what it lists
    assert align_times(manifest, outputs, inputs, "d1") == "current"


def test_a_manifest_that_is_not_a_mapping_or_lists_nothing_is_not_current(tmp_path):
    inputs, outputs, manifest = _job(tmp_path)
    manifest.write_text('["d1"]')
    _set_time(max(_times(*inputs)), manifest)
    assert align_times(manifest, outputs, inputs, "d1") == "stale"
    manifest.write_text('{"inputs_sha256": "d1"}')
    _set_time(max(_times(*inputs)), manifest)
    assert align_times(manifest, outputs, inputs, "d1") == "stale"


def test_missing_outputs_inputs_or_manifest_leave_it_to_snakemake(tmp_path):
    inputs, outputs, manifest = _job(tmp_path)
    times = _times(*outputs)
    outputs[0].unlink()
    assert align_times(manifest, outputs, inputs, "d1") == "missing"
    assert align_times(manifest, outputs[1:], [*inputs, tmp_path / "gone.py"], "d1") == "missing"
    assert _times(*outputs[1:]) == times[1:]
    manifest.write_text("not json")
    assert align_times(manifest, outputs[1:], inputs, "d1") == "missing"
    shutil.rmtree(tmp_path / "out")
    assert align_times(manifest, [], inputs, "d1") == "missing"
