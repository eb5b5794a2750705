"""natgrad.pipeline.stamps.mark: a job's stamp says what its manifests' hashes say,
and nothing but the stamp is written (the real-clone runs: tests/test_clone.py)."""

import os

from natgrad.pipeline.io import write_json
from natgrad.pipeline.manifest import sha256_file
from natgrad.pipeline.stamps import mark


def _job(tmp_path, digest="d1"):
    """A job's outputs under out/, with its manifest recording ``digest``, all dated
    as a clone dates them (one time); and where its stamp goes."""
    out = tmp_path / "out"
    (out / "manifest").mkdir(parents=True)
    fig = out / "f.png"
    fig.write_bytes(b"png")
    manifest = out / "manifest" / "f.json"
    write_json(
        {"inputs_sha256": digest, "artifacts": {"f.png": {"sha256": sha256_file(fig)}}}, manifest
    )
    for p in (fig, manifest):
        os.utime(p, ns=(10**18, 10**18))
    return tmp_path / "stamps" / "f", fig, manifest


def _state(*paths):
    return [(p.read_bytes(), p.stat().st_mtime_ns) for p in paths]


def test_a_current_job_has_its_stamp_at_the_epoch_and_its_outputs_untouched(tmp_path):
    stamp, fig, manifest = _job(tmp_path)
    before = _state(fig, manifest)
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "current"
    assert stamp.stat().st_mtime_ns == 0
    assert stamp.read_text() == "d1\n"
    assert _state(fig, manifest) == before
    # found so again: the stamp is not rewritten
    os.utime(stamp.parent, ns=(5, 5))
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "current"
    assert stamp.parent.stat().st_mtime_ns == 5
    assert _state(fig, manifest) == before


def test_a_stale_job_has_its_stamp_after_every_output_and_undoing_makes_it_current(tmp_path):
    stamp, fig, manifest = _job(tmp_path)
    before = _state(fig, manifest)
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "stale"
    first = stamp.stat().st_mtime_ns
    assert first > max(fig.stat().st_mtime_ns, manifest.stat().st_mtime_ns)
    assert _state(fig, manifest) == before
    # asked again, still stale: left as it was (Snakemake's records keep its time)
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "stale"
    assert stamp.stat().st_mtime_ns == first
    # the edit undone: current again, before any build
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "current"
    assert stamp.stat().st_mtime_ns == 0
    assert _state(fig, manifest) == before


def test_a_stale_stamp_is_moved_after_outputs_written_since(tmp_path):
    """Older figures checked out after the stamp was dated are still stale."""
    stamp, fig, manifest = _job(tmp_path)
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "stale"
    later = stamp.stat().st_mtime_ns + 10**9
    os.utime(fig, ns=(later, later))
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "stale"
    assert stamp.stat().st_mtime_ns > later


def test_the_job_once_run_is_current(tmp_path):
    stamp, fig, manifest = _job(tmp_path)
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "stale"
    # the job runs: new outputs, its manifest recording d2
    fig.write_bytes(b"redrawn")
    write_json(
        {"inputs_sha256": "d2", "artifacts": {"f.png": {"sha256": sha256_file(fig)}}}, manifest
    )
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "current"
    assert stamp.stat().st_mtime_ns == 0


def test_edited_missing_or_unreadable_outputs_are_stale(tmp_path):
    stamp, fig, manifest = _job(tmp_path)
    fig.write_bytes(b"edited by hand")
    before = _state(fig, manifest)
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "stale"
    assert _state(fig, manifest) == before
    fig.unlink()
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "stale"
    manifest.write_text("not json")
    assert mark(stamp, [manifest], ["d1"], [manifest]) == "stale"
    assert stamp.stat().st_mtime_ns > 0


def test_a_batch_is_current_only_when_every_variant_is(tmp_path):
    stamp, fig, manifest = _job(tmp_path)
    fig2 = fig.with_name("g.png")
    fig2.write_bytes(b"png2")
    manifest2 = manifest.with_name("g.json")
    write_json(
        {"inputs_sha256": "e1", "artifacts": {"g.png": {"sha256": sha256_file(fig2)}}}, manifest2
    )
    outputs = [fig, fig2, manifest, manifest2]
    assert mark(stamp, [manifest, manifest2], ["d1", "e1"], outputs) == "current"
    assert mark(stamp, [manifest, manifest2], ["d1", "e2"], outputs) == "stale"
    assert stamp.read_text() == "d1\ne2\n"


def test_an_output_not_in_its_manifest_or_a_manifest_listing_nothing_is_stale(tmp_path):
    """As align_times' tests had it: the manifest lists every other output, with its
    bytes; it need not list itself; a manifest not a mapping is no record."""
    stamp, fig, manifest = _job(tmp_path)
    extra = fig.with_name("g.png")
    extra.write_bytes(b"png")
    assert mark(stamp, [manifest], ["d1"], [fig, extra, manifest]) == "stale"
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "current"
    for text in ('["d1"]', '{"inputs_sha256": "d1"}'):
        manifest.write_text(text)
        assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "stale", text


def test_a_current_stamp_found_so_again_is_not_written(tmp_path):
    """The second look at a current job reads the stamp only: its inode's change time
    (set by any write or utime) stays, though its folder's does not tell."""
    import time

    stamp, fig, manifest = _job(tmp_path)
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "current"
    changed = stamp.stat().st_ctime_ns
    time.sleep(0.05)  # beyond the file system's clock tick
    assert mark(stamp, [manifest], ["d1"], [fig, manifest]) == "current"
    assert stamp.stat().st_ctime_ns == changed
    assert stamp.stat().st_mtime_ns == 0


def test_a_stale_stamp_dated_with_its_newest_output_is_moved_after_it(tmp_path):
    """Snakemake reruns a job only for an input strictly newer than its output."""
    stamp, fig, manifest = _job(tmp_path)
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "stale"
    same = stamp.stat().st_mtime_ns
    os.utime(fig, ns=(same, same))
    assert mark(stamp, [manifest], ["d2"], [fig, manifest]) == "stale"
    assert stamp.stat().st_mtime_ns > same


def test_a_job_never_run_is_stale_and_its_stamp_folders_are_made(tmp_path):
    """No output, no manifest yet (a fresh clone's new figure): stale, with a stamp in
    folders that did not exist, dated now (nothing to be newer than)."""
    import time

    stamp = tmp_path / "a" / "b" / "stamps" / "f"
    out = tmp_path / "out"
    before = time.time_ns()
    assert mark(stamp, [out / "manifest" / "f.json"], ["d1"], [out / "f.png"]) == "stale"
    assert stamp.read_text() == "d1\n"
    assert stamp.stat().st_mtime_ns >= before
    assert not out.exists()


def test_a_batch_needs_one_digest_for_each_manifest(tmp_path):
    """Fewer digests than manifests is the caller's error, never a current batch of one."""
    import pytest

    stamp, fig, manifest = _job(tmp_path)
    with pytest.raises(ValueError):
        mark(stamp, [manifest, manifest.with_name("g.json")], ["d1"], [fig, manifest])
    assert not stamp.exists()
