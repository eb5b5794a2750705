"""Artifact checks: deterministic bytes, the manifest, the check command and the blog export."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import pytest
import yaml
from numpy.testing import assert_equal

from natgrad.pipeline.manifest import platform_fingerprint, versions
from natgrad.tools.artifacts import (
    DATA_RTOL,
    PIXEL_LEVELS,
    compare_data,
    compare_dirs,
    compare_pixels,
    stray_files,
    tier,
)
from tests.helpers.snakemake_runs import (
    ROOT,
    as_if_built_elsewhere,
    bump_last_bits,
    config_value,
    copy_repo,
    edit_config,
    fresh_copy,
    jobs_run,
    run_snakemake,
    tree_hashes,
)


def test_compare_data_finds_a_changed_number():
    a = {"x": [1.0, 2.0], "s": "t", "n": {"k": 3}}
    assert compare_data(a, json.loads(json.dumps(a))) == []
    b = {"x": [1.0, 2.0000001], "s": "t", "n": {"k": 3}}
    (problem,) = compare_data(a, b)
    assert problem.startswith("x[1]:")
    assert compare_data(a, {"x": [1.0], "s": "t", "n": {"k": 3}}) == ["x[1]: missing"]
    assert compare_data(a, {**a, "s": "u"}) == ["s: 't' != 'u'"]


def test_compare_data_scales_numbers_by_their_array():
    """An entry near 0 in an array of order 1 may differ by ulps of the array, not of itself;
    integers and strings must be equal; a change of 1e-3 is always caught."""
    path = [[8.0, 3.0], [0.5, 1e-20]]
    moved = [[8.0, 3.0], [0.5, 3e-20 + 8.0 * DATA_RTOL / 2]]
    assert compare_data({"p": path}, {"p": moved}) == []
    assert compare_data({"p": path}, {"p": [[8.0, 3.0], [0.5, 8.0 * DATA_RTOL * 2]]}) != []
    (problem,) = compare_data({"kl": 0.25}, {"kl": 0.25 * (1 + 1e-3)})
    assert problem.startswith("kl:") and "relative 0.001" in problem
    assert compare_data({"kl": 0.25}, {"kl": 0.25 * (1 + DATA_RTOL / 2)}) == []
    assert compare_data({"n": 3}, {"n": 3.0}) == ["n: 3 != 3.0"]
    assert compare_data({"k": [1, 2]}, {"k": [1, 3]}) == ["k[1]: 2 != 3"]
    assert compare_data({"x": 1.0}, {"x": None}) == ["x: 1.0 != None"]


def entry(**platform):
    base = {"machine": "x86_64", "numpy_simd": {"dispatched": ["X86_V3"]}}
    return {"versions": {"numpy": "2.4.6"}, "platform": {**base, **platform}}


def test_tier_demands_bytes_only_on_the_same_platform_and_versions():
    assert tier(entry(), entry()) == ("bytes", "same versions and platform")
    applied, why = tier(entry(), entry(numpy_simd={"dispatched": []}))
    assert applied == "tolerance"
    assert why == "platform differs (numpy_simd.dispatched: committed ['X86_V3'], rebuilt [])"
    assert tier(entry(), entry(machine="aarch64"), strict=True) == ("bytes", "--strict")
    other = {**entry(), "versions": {"numpy": "2.5.0"}}
    assert tier(entry(), other) == (
        "tolerance",
        "versions differ (numpy: committed '2.4.6', rebuilt '2.5.0')",
    )
    assert tier({"versions": {"numpy": "2.4.6"}}, entry())[0] == "tolerance"


def test_platform_fingerprint_follows_numpy_dispatch_and_blas(root):
    """Switching numpy's SIMD features off is seen in the fingerprint (another CPU, as numpy
    sees it); paths are not part of it, so two clones on one machine agree."""
    import os

    here = platform_fingerprint()
    assert here["machine"] and here["numpy_simd"]["baseline"]
    assert all(set(lib) == {"api", "library", "version", "kernel"} for lib in here["blas"])
    assert str(root) not in json.dumps(here) and "site-packages" not in json.dumps(here)
    import numpy

    simd = numpy.show_config(mode="dicts")["SIMD Extensions"]
    dispatchable = simd.get("found", []) + simd.get("not found", [])
    script = (
        "import json; from natgrad.pipeline.manifest import platform_fingerprint as f; "
        "print(json.dumps(f()))"
    )
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(dispatchable)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    restricted = json.loads(out.stdout)
    assert restricted["numpy_simd"]["dispatched"] == []
    assert restricted["numpy_simd"]["baseline"] == here["numpy_simd"]["baseline"]


def draw(path, *, shift=0.0, line=True):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    if line:
        ax.plot([0.1 + shift, 0.9], [0.2, 0.7 + shift], color="C0")
    ax.plot([0.3], [0.4 + shift], "o", color="C1")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.savefig(path, dpi=100, metadata={"Software": None})


def test_compare_pixels_passes_moved_edges_and_catches_painted_pixels(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    draw(a)
    # a data change far below a pixel (1e-3 of an axis of 150 px: 0.15 px)
    draw(b, shift=1e-3)
    assert a.read_bytes() != b.read_bytes()
    rms, changed, _ = compare_pixels(a, b, tmp_path / "diff")
    assert rms > 0 and changed == 0
    # three pixels painted over in the white margin
    img = mpimg.imread(b)
    for y, x in ((2, 2), (2, 9), (9, 2)):
        img[y, x, :3] = 0.0
    mpimg.imsave(b, img)
    rms, changed, diff = compare_pixels(a, b, tmp_path / "diff")
    assert changed == 3 and diff.exists()
    # a vanished line
    draw(b, line=False)
    assert compare_pixels(a, b, tmp_path / "diff")[1] > 50


def test_stray_files_are_everything_no_manifest_lists(tmp_path, root):
    out = tmp_path / "figures"
    shutil.copytree(root / "figures", out)
    assert stray_files(out) == []
    (out / ".equidistant_points.png.abcdefgh.tmp").write_text("killed")
    (out / "data" / "old_figure.json").write_text("{}")
    assert stray_files(out) == [".equidistant_points.png.abcdefgh.tmp", "data/old_figure.json"]


def test_versions_name_what_makes_the_bytes():
    assert set(versions()) == {"natgrad", "matplotlib", "numpy", "freetype", "pillow"}


def test_compare_dirs_with_other_versions_uses_pixels(tmp_path, root):
    """With different recorded versions, identical pixels pass and data is compared numerically."""
    committed, rebuilt = tmp_path / "committed", tmp_path / "rebuilt"
    shutil.copytree(root / "figures", committed)
    shutil.copytree(root / "figures", rebuilt)
    for fragment in (committed / "manifest").glob("*.json"):
        manifest = json.loads(fragment.read_text())
        manifest["versions"]["matplotlib"] = "0.0-other"
        fragment.write_text(json.dumps(manifest))
    comparison = compare_dirs(committed, rebuilt, tmp_path / "diff")
    assert comparison.problems == []
    assert {t for t, _ in comparison.tiers.values()} == {"tolerance"}
    assert "versions differ (matplotlib" in comparison.summary()[0]
    # a sidecar number altered in the rebuilt copy is reported with its key
    data = json.loads((rebuilt / "data/gd_euclidean_mahalanobis.json").read_text())
    data["data"]["panels"][0]["iterates"][3][0] += 1e-3
    (rebuilt / "data/gd_euclidean_mahalanobis.json").write_text(json.dumps(data))
    _rehash(rebuilt, "data/gd_euclidean_mahalanobis.json")  # as its build would record it
    (problem,) = compare_dirs(committed, rebuilt, tmp_path / "diff").problems
    assert "data/gd_euclidean_mahalanobis.json" in problem and "iterates[3][0]" in problem


def run_check(repo, *args, env=None):
    import os

    return subprocess.run(
        [sys.executable, "-m", "natgrad.artifacts", "check", "--root", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def run_compare(repo, committed, rebuilt, *args):
    return subprocess.run(
        [sys.executable, "-m", "natgrad.artifacts", "compare", committed, rebuilt, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )


# Another CPU, as numpy sees it: every SIMD target it may dispatch to switched off
# (on an AVX-512 machine this changes exp and log, with X86_V3 also tanh).
OTHER_CPU = {"NPY_DISABLE_CPU_FEATURES": "AVX512_ICL AVX512_SPR X86_V4 X86_V3"}


@pytest.mark.slow
def test_check_passes_on_another_cpu(built, tmp_path):
    """The committed figures pass the check on a CPU that did not build them."""
    repo = fresh_copy(built, tmp_path)
    result = run_check(repo, env=OTHER_CPU)
    assert result.returncode == 0, result.stderr
    assert "matches a fresh build" in result.stdout
    # The tier follows the fingerprint: switching off features this CPU has
    # makes it another platform; on a CPU without them nothing changed.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from natgrad.pipeline.manifest import platform_fingerprint as f; "
            "print(f()['numpy_simd']['dispatched'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if probe.stdout.strip() != "[]":
        assert "tier 'tolerance'" in result.stdout and "numpy_simd.dispatched" in result.stdout
    else:
        assert "tier 'bytes'" in result.stdout


@pytest.mark.slow
def test_last_bit_differences_pass_across_platforms_but_not_strict(built, tmp_path):
    """Figures built with every config float moved by one ulp on "another machine",
    whose matplotlib cache and config four jobs at once build from nothing: the
    cross-platform tier accepts them, --strict does not, and the tolerances hold with
    a margin (the largest difference is printed by the comparison)."""
    repo = fresh_copy(built, tmp_path)
    bumped = tmp_path / "bumped.yaml"
    config = yaml.safe_load((repo / "config.yaml").read_text())
    bumped.write_text(yaml.safe_dump(bump_last_bits(config)))
    other = tmp_path / "other"
    machine = dict(OTHER_CPU)
    for var in ("MPLCONFIGDIR", "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        (tmp_path / var).mkdir()
        machine[var] = str(tmp_path / var)
    result = run_snakemake(
        repo,
        "--cores",
        "4",
        "--configfile",
        str(bumped),
        "--config",
        f"output_dir={other}",
        env=machine,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert any((tmp_path / "MPLCONFIGDIR").iterdir())  # the cache was built there, from nothing
    as_if_built_elsewhere(other)
    assert tree_hashes(other) != tree_hashes(repo / "figures")

    loose = run_compare(repo, "figures", str(other))
    assert loose.returncode == 0, loose.stderr
    assert "tier 'tolerance'" in loose.stdout and "machine" in loose.stdout
    # the data ten times tighter and the pixels at half their levels still pass: the
    # tolerances are not at their limits (a dashed line's ends, partly covered pixels
    # whose shade follows the dash's sub-pixel place, move by one level)
    tight = run_compare(repo, "figures", str(other), "--rtol", str(DATA_RTOL / 10),
                        "--levels", str(PIXEL_LEVELS // 2))  # fmt: skip
    assert tight.returncode == 0, tight.stderr
    strict = run_compare(repo, "figures", str(other), "--strict")
    assert strict.returncode == 1
    assert "tier 'bytes' for" in strict.stdout and "--strict" in strict.stdout
    assert "bytes differ" in strict.stderr


@pytest.mark.slow
def test_check_catches_tampering_across_platforms(built, tmp_path):
    """Committed from another machine, the figures are compared within tolerance, and
    still: 3 changed pixels, a number moved by 1e-3 and a stale config are each named."""
    repo = fresh_copy(built, tmp_path)
    figures = repo / "figures"
    png = figures / "equidistant_points.png"
    img = mpimg.imread(png)
    for y, x in ((3, 3), (3, 9), (9, 3)):  # white margin, far from any drawing
        img[y, x, :3] = 0.0
    mpimg.imsave(png, img, metadata={"Software": None})
    side = figures / "data" / "gaussian_isocontours_fisher.json"
    data = json.loads(side.read_text())
    data["data"]["mle"][1] *= 1 + 1e-3
    side.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    as_if_built_elsewhere(figures)
    _fewer_steps(repo)

    result = run_check(repo)
    assert result.returncode == 1
    err = result.stderr
    assert "tier 'tolerance'" in result.stdout
    assert "equidistant_points.png: pixels differ: 3 pixel(s)" in err
    assert "data/gaussian_isocontours_fisher.json: data differs: data.mle[1]" in err
    assert "gd_euclidean_mahalanobis.png: stale" in err
    assert mismatched(err) == {
        "equidistant_points.png",
        "data/gaussian_isocontours_fisher.json",
        "gd_euclidean_mahalanobis.png",
        "data/gd_euclidean_mahalanobis.json",
        "text/gd_euclidean_mahalanobis.json",  # the stale figure's text alternative too
    }, err


def mismatched(stderr: str) -> set[str]:
    """The files the check's MISMATCH lines name."""
    lines = stderr.splitlines()
    return {line.split()[1].rstrip(":") for line in lines if line.startswith("MISMATCH")}


def _fewer_steps(repo):
    """gd_euclidean_mahalanobis's n_steps one less in repo's config.yaml, unbuilt."""
    steps = config_value(repo, "gd_euclidean_mahalanobis.n_steps")
    edit_config(repo, "gd_euclidean_mahalanobis", "n_steps", str(steps - 1))


@pytest.mark.slow
def test_check_names_each_problem_of_a_tampered_checkout(built, tmp_path):
    """One checkout tampered five ways at once, on this platform (the bytes tier): the
    check names each problem on its own file and nothing else (one rebuild for all).

    - one pixel of univariate_gaussian_euclidean.png inverted: its bytes differ, with
      a diff image;
    - a number of gaussian_isocontours_fisher's sidecar moved by 0.01;
    - config.yaml's n_steps changed without a rebuild: that figure is stale;
    - equidistant_points.png a symlink out of the repository to its own bytes (git
      shows a type change);
    - a hard-killed build's temporary and a file copied in by hand: strays.
    """
    repo = fresh_copy(built, tmp_path)
    figures = repo / "figures"
    png = figures / "univariate_gaussian_euclidean.png"
    img = mpimg.imread(png)
    img[5, 5, :3] = 1.0 - img[5, 5, :3]
    mpimg.imsave(png, img)
    side = figures / "data" / "gaussian_isocontours_fisher.json"
    data = json.loads(side.read_text())
    data["data"]["mle"][0] += 0.01
    side.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    _fewer_steps(repo)
    _symlink_to_same_bytes(figures, tmp_path)
    (figures / ".gaussian_kl_vs_euclidean.png.k1ll3d00.tmp").write_bytes(b"half a png")
    (figures / "notes.txt").write_text("copied in by hand")

    result = run_check(repo)
    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err
    assert "univariate_gaussian_euclidean.png: bytes differ (pixel RMS" in err
    assert "data/gaussian_isocontours_fisher.json" in err and "mle[0]" in err
    assert "gd_euclidean_mahalanobis.png: stale" in err
    assert "gd_euclidean_mahalanobis.png: bytes differ" in err
    assert "figures/equidistant_points.png: is a symlink (to " in err
    assert ".gaussian_kl_vs_euclidean.png.k1ll3d00.tmp: stray file" in err
    assert "notes.txt: stray file" in err
    assert mismatched(err) == {
        "univariate_gaussian_euclidean.png",
        "data/gaussian_isocontours_fisher.json",
        "gd_euclidean_mahalanobis.png",
        "data/gd_euclidean_mahalanobis.json",
        "text/gd_euclidean_mahalanobis.json",
        str(figures / "equidistant_points.png"),
        ".gaussian_kl_vs_euclidean.png.k1ll3d00.tmp",
        "notes.txt",
    }, err
    diffs = sorted(p.name for p in (repo / ".check" / "diff").glob("*-failed-diff.png"))
    assert [d.split("-")[0] for d in diffs] == [
        "gd_euclidean_mahalanobis",
        "univariate_gaussian_euclidean",
    ], diffs


@pytest.mark.slow
def test_a_rebuild_clears_a_killed_builds_temporary(built, tmp_path):
    """The job that writes an output again removes the temporary a hard-killed build of
    it left (a stray to the check meanwhile, and ignored by git)."""
    repo = fresh_copy(built, tmp_path)
    stale = repo / "figures" / ".equidistant_points.png.k1ll3d00.tmp"
    stale.write_bytes(b"half a png")
    relative = str(stale.relative_to(repo))
    ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", relative], cwd=ROOT)
    assert ignored.returncode == 0, f"git does not ignore {relative}"
    rebuild = run_snakemake(repo, "--cores", "1", "--forcerun", "equidistant_points")
    assert rebuild.returncode == 0, rebuild.stderr[-2000:]
    assert not stale.exists()


@pytest.mark.slow
def test_check_passes_on_a_clean_checkout(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    before = tree_hashes(repo / "figures")
    result = run_check(repo)
    assert result.returncode == 0, result.stderr
    assert "matches a fresh build" in result.stdout
    assert tree_hashes(repo / "figures") == before  # the check never writes figures/


@pytest.mark.slow
def test_export_writes_exactly_the_posts_files(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    assets = tmp_path / "blog" / "assets"
    assets.mkdir(parents=True)
    # the target goes before --config, which takes every following word as a value
    result = run_snakemake(repo, "--cores", "1", "export", "--config", f"blog_assets={assets}")
    assert result.returncode == 0, result.stderr[-2000:]
    post = yaml.safe_load((repo / "config.yaml").read_text())["post_figures"]
    assert sorted(p.name for p in assets.iterdir()) == sorted(f"{n}.png" for n in post)
    for name in post:
        assert (assets / f"{name}.png").read_bytes() == (
            repo / "figures" / f"{name}.png"
        ).read_bytes()


@pytest.mark.slow
def test_export_copies_what_the_post_shows_and_refuses_what_it_cannot_build(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    assets = tmp_path / "assets"
    assets.mkdir()
    post = tmp_path / "2021-04-13-natural-gradients.md"
    post.write_text(
        '<img src="/assets/gaussian_isocontours_fisher.png">\n'
        '<img src="/assets/univariate_gaussian_euclidean.png">\n'
    )
    args = ["--cores", "1", "export", "--config", f"blog_assets={assets}", f"post={post}"]
    result = run_snakemake(repo, *args)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(p.name for p in assets.iterdir()) == [
        "gaussian_isocontours_fisher.png",
        "univariate_gaussian_euclidean.png",
    ]
    post.write_text(post.read_text() + '<img src="/assets/lmc_samples.png">\n')
    shutil.rmtree(assets)
    assets.mkdir()
    refused = run_snakemake(repo, *args)
    assert refused.returncode != 0
    out = refused.stdout + refused.stderr
    assert "shows /assets/lmc_samples.png, which the pipeline does not build" in out
    assert "Traceback" not in out and jobs_run(refused) == []
    assert list(assets.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("dest", ["missing", None])
def test_export_refuses_a_missing_destination(built, tmp_path, dest):
    repo = fresh_copy(built, tmp_path)
    args = ["--cores", "1", "export"]
    if dest:
        args += ["--config", f"blog_assets={tmp_path / dest}"]
    result = run_snakemake(repo, *args)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "blog_assets" in out
    assert "Traceback" not in out
    assert not (tmp_path / "missing").exists()


def test_inputs_sha256_is_of_paths_contents_and_params(tmp_path, monkeypatch):
    from natgrad.pipeline.manifest import inputs_sha256

    monkeypatch.chdir(tmp_path)
    Path("a.py").write_text("a")
    Path("b.py").write_text("b")
    digest = inputs_sha256(["a.py", "b.py"], "{}")
    assert digest == inputs_sha256(["b.py", "a.py"], "{}")  # a set of files
    assert digest != inputs_sha256(["a.py", "b.py"], '{"dpi": 101}')
    assert digest != inputs_sha256(["a.py"], "{}")
    Path("b.py").write_text("b2")
    assert digest != inputs_sha256(["a.py", "b.py"], "{}")
    Path("b.py").write_text("b")
    assert digest == inputs_sha256(["a.py", "b.py"], "{}")
    Path("c.py").write_text("b")  # same content, another file
    assert digest != inputs_sha256(["a.py", "c.py"], "{}")
    # the same files named from another working directory: paths are the checkout's
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert inputs_sha256(["../a.py", "../b.py"], "{}", root="..") == digest
    assert inputs_sha256(["../a.py", "../b.py"], "{}") != digest


def _flat_png(path, level, pixel=None):
    """A 20 x 20 grey PNG at ``level`` of 255, with the pixel (10, 10) at ``pixel``:
    no edge, so that pixel's neighbourhood in the other image is one colour and
    the tolerance in levels is all that is left."""
    import numpy as np
    from PIL import Image

    img = np.full((20, 20, 3), level, dtype=np.uint8)
    img[10, 10] = level if pixel is None else pixel
    Image.fromarray(img).save(path)


def _one_figure(tmp_path, name, committed_bytes, rebuilt_bytes, *, other_platform=True):
    """Two output dirs holding one figure ``f.png`` (or ``f.json``), each with a
    manifest as its machine would write it."""
    from natgrad.pipeline.manifest import sha256_file

    dirs = []
    for label, write in (("committed", committed_bytes), ("rebuilt", rebuilt_bytes)):
        out = tmp_path / label
        (out / "manifest").mkdir(parents=True)
        write(out / name)
        platform = {"machine": "x86_64", "blas": [{"kernel": "Haswell"}]}
        if label == "rebuilt" and other_platform:
            platform = {"machine": "x86_64", "blas": [{"kernel": "SkylakeX"}]}
        manifest = {
            "versions": versions(),
            "platform": platform,
            "text": {"engine": "mathtext"},
            "artifacts": {name: {"figure": "f", "sha256": sha256_file(out / name),
                                 "pixels": None, "config_sha256": "c"}},
        }  # fmt: skip
        (out / "manifest" / "f.json").write_text(json.dumps(manifest))
        dirs.append(out)
    return dirs


@pytest.mark.parametrize("off, caught", [(PIXEL_LEVELS, False), (PIXEL_LEVELS + 1, True)])
def test_the_pixel_tolerance_at_its_edge(tmp_path, off, caught):
    """Across platforms a pixel may be PIXEL_LEVELS levels outside its neighbourhood's
    colours, not one more; and PIXEL_LEVELS is 2, as the README states."""
    assert PIXEL_LEVELS == 2
    committed, rebuilt = _one_figure(
        tmp_path, "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 128, 128 + off)
    )
    comparison = compare_dirs(committed, rebuilt, tmp_path / "diff")
    assert comparison.tiers["f.png"][0] == "tolerance"
    if caught:
        (problem,) = comparison.problems
        assert problem.startswith("f.png: pixels differ: 1 pixel(s) outside their neighbourhood")
    else:
        assert comparison.problems == []


@pytest.mark.parametrize("factor, caught", [(0.9, False), (1.1, True)])
def test_the_data_tolerance_at_its_edge(tmp_path, factor, caught):
    """DATA_RTOL (1e-9, as the README states) relative to the array's largest magnitude."""
    assert DATA_RTOL == 1e-9
    scale = 4.0
    committed, rebuilt = _one_figure(
        tmp_path,
        "f.json",
        lambda p: p.write_text(json.dumps({"x": [scale, 1.0]})),
        lambda p: p.write_text(json.dumps({"x": [scale, 1.0 + factor * DATA_RTOL * scale]})),
    )
    problems = compare_dirs(committed, rebuilt, tmp_path / "diff").problems
    assert (problems != []) is caught, problems


def test_the_rms_tolerance_across_versions_at_its_edge(tmp_path):
    """With other versions only the RMS counts: a uniform shift of 1 level (RMS of the
    three colour channels and the unchanged alpha, compare_images: 1.0) is beyond tol 0.5."""
    from natgrad.pipeline.io import write_json

    committed, rebuilt = _one_figure(
        tmp_path, "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 129)
    )
    fragment = rebuilt / "manifest" / "f.json"
    manifest = json.loads(fragment.read_text())
    manifest["versions"] = {**manifest["versions"], "matplotlib": "0.0-other"}
    write_json(manifest, fragment)
    (problem,) = compare_dirs(committed, rebuilt, tmp_path / "diff").problems
    assert problem.startswith("f.png: pixels differ, RMS 1 > tol 0.5")
    assert compare_dirs(committed, rebuilt, tmp_path / "diff", tol=1.0).problems == []


# Every part of a manifest that decides the tier: (key path, another value).
FINGERPRINT = [
    (("platform", "machine"), "aarch64"),
    (("platform", "system"), "Darwin"),
    (("platform", "numpy_simd", "baseline"), ["SSE", "SSE2"]),
    (("platform", "numpy_simd", "dispatched"), []),
    (("platform", "blas", 0, "api"), "mkl"),
    (("platform", "blas", 0, "library"), "libmkl_rt"),
    (("platform", "blas", 0, "version"), "0.3.21"),
    (("platform", "blas", 0, "kernel"), "Zen"),
    (("platform", "freetype"), "0.0-other"),
    *(
        (("versions", k), "0.0-other")
        for k in ("natgrad", "matplotlib", "numpy", "freetype", "pillow")
    ),
    *(
        pytest.param(("text", k), v, marks=pytest.mark.latex)
        for k, v in (
            ("latex", "pdfTeX 3.141592653-2.6-1.40.99 (TeX Live 2099)"),
            ("dvipng", "dvipng 0.0"),
        )
    ),
]


def _here(usetex=False):
    from natgrad.pipeline.manifest import text_engine

    return {"versions": versions(), "platform": platform_fingerprint(), "text": text_engine(usetex)}


def _ids(value):
    return ".".join(map(str, value)) if isinstance(value, tuple) else "to-another"


@pytest.mark.parametrize("path, value", FINGERPRINT, ids=_ids)
def test_every_part_of_the_fingerprint_decides_the_tier(path, value, request):
    import copy

    if path[0] == "text":
        request.getfixturevalue("latex")  # a LaTeX machine's record
    here = _here(usetex=path[0] == "text")
    assert tier(here, copy.deepcopy(here)) == ("bytes", "same versions and platform")
    other = copy.deepcopy(here)
    node = other
    for part in path[:-1]:
        node = node[part]
    assert node[path[-1]] != value
    node[path[-1]] = value
    applied, why = tier(here, other)
    assert applied == "tolerance", why
    assert str(path[-1]) in why or "blas" in why


def test_the_fingerprint_names_every_blas_library_this_process_loaded():
    """numpy's BLAS is OpenBLAS with a kernel chosen by CPU: the fingerprint must hold it."""
    import threadpoolctl

    loaded = [lib for lib in threadpoolctl.threadpool_info() if lib.get("user_api") == "blas"]
    assert loaded, "numpy loads a BLAS"
    recorded = platform_fingerprint()["blas"]
    assert sorted((b["library"], b["kernel"], b["version"], b["api"]) for b in recorded) == sorted(
        (lib["prefix"], lib.get("architecture"), lib.get("version"), lib.get("internal_api"))
        for lib in loaded
    )
    assert all(b["kernel"] for b in recorded)


@pytest.mark.latex
def test_the_text_engine_is_recorded_with_its_distribution(latex):
    from natgrad.pipeline.manifest import text_engine

    assert text_engine(False) == {"engine": "mathtext"}
    tex = text_engine(True)
    assert tex["engine"] == "latex"
    assert "TeX" in tex["latex"] and "dvipng" in tex["dvipng"]


# --- hostile trees: compare reads every file it vouches for ------------------


def test_the_platform_difference_names_the_committed_and_the_fresh_build():
    committed, fresh = entry(blas=[{"kernel": "Haswell"}]), entry(blas=[{"kernel": "Zen"}])
    sides = ("committed build", "fresh build")
    assert tier(committed, fresh, sides=sides) == (
        "tolerance",
        "platform differs (blas: committed build [{'kernel': 'Haswell'}], "
        "fresh build [{'kernel': 'Zen'}])",
    )


def _paint_red_block(path, size=60):
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("RGBA")
    img.paste((255, 0, 0, 255), (100, 100, 100 + size, 100 + size))
    img.save(path)


@pytest.fixture
def two_trees(tmp_path, root):
    a, b = tmp_path / "A", tmp_path / "B"
    shutil.copytree(root / "figures", a)
    shutil.copytree(root / "figures", b)
    return a, b


@pytest.mark.parametrize("painted", ["A", "B"])
def test_compare_catches_a_block_painted_in_either_tree(two_trees, tmp_path, painted):
    """The manifest of the painted tree is untouched: only reading its file can tell."""
    a, b = two_trees
    _paint_red_block((a if painted == "A" else b) / "equidistant_points.png")
    problems = compare_dirs(a, b, tmp_path / "diff").problems
    where = "" if painted == "A" else f"the file in {tmp_path / painted} "
    assert (
        f"equidistant_points.png: {where}does not match its manifest entry (edited by hand?)"
        in problems
    ), problems
    assert any(p.startswith("equidistant_points.png: bytes differ") for p in problems), problems
    assert all("\n" not in p for p in problems)


def test_the_compare_command_catches_a_painted_block_in_the_second_tree(two_trees, tmp_path):
    a, b = two_trees
    _paint_red_block(b / "equidistant_points.png")
    result = run_compare(tmp_path, str(a), str(b))
    assert result.returncode == 1
    assert "the file in" in result.stderr and "every artifact" not in result.stdout


def _huge_png(path, side=20000):
    """A real PNG of side x side grey pixels, all zero (a few hundred KB compressed,
    400 MB decoded): written row by row, never held whole."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    z = zlib.compressobj(9)
    row = bytes(side + 1)
    body = b"".join(z.compress(row) for _ in range(side)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def _rehash(tree, name):
    """Record the current bytes of ``name`` in its manifest, as a build would."""
    from natgrad.pipeline.manifest import sha256_file

    for fragment in (tree / "manifest").glob("*.json"):
        data = json.loads(fragment.read_text())
        if name in data["artifacts"]:
            data["artifacts"][name]["sha256"] = sha256_file(tree / name)
            fragment.write_text(json.dumps(data))


def _manifest_of(tree, figure="equidistant_points"):
    return tree / "manifest" / f"{figure}.json"


def _edit_manifest(tree, change, figure="equidistant_points"):
    data = json.loads(_manifest_of(tree, figure).read_text())
    change(data)
    _manifest_of(tree, figure).write_text(json.dumps(data))


def _symlink_to_same_bytes(tree, tmp_path, name="equidistant_points.png"):
    outside = tmp_path / "outside.png"
    shutil.copyfile(tree / name, outside)
    (tree / name).unlink()
    (tree / name).symlink_to(outside)


def _symlink_to_text(tree, tmp_path, name="equidistant_points.png"):
    (tmp_path / "notes.txt").write_text("not a png")
    (tree / name).unlink()
    (tree / name).symlink_to(tmp_path / "notes.txt")


def _directory_for_figure(tree, tmp_path, name="equidistant_points.png"):
    (tree / name).unlink()
    (tree / name).mkdir()


def _fifo_for_figure(tree, tmp_path, name="equidistant_points.png"):
    import os

    (tree / name).unlink()
    os.mkfifo(tree / name)


def _huge_figure(tree, tmp_path, name="equidistant_points.png"):
    _huge_png(tree / name)
    _rehash(tree, name)


def _png_that_is_text(tree, tmp_path, name="equidistant_points.png"):
    (tree / name).write_text("<html>not a png</html>")
    _rehash(tree, name)


def _deep_sidecar(tree, tmp_path, name="data/equidistant_points.json"):
    (tree / name).write_text("[" * 100000 + "]" * 100000)
    _rehash(tree, name)


def _write(text):
    return lambda tree, tmp_path: _manifest_of(tree).write_text(text)


def _entry(change):
    def edit(tree, tmp_path):
        _edit_manifest(tree, lambda d: change(d["artifacts"]))

    return edit


def _rename(new):
    return _entry(lambda arts: arts.__setitem__(new, arts.pop("equidistant_points.png")))


def _manifest_symlink(tree, tmp_path):
    target = tmp_path / "elsewhere.json"
    shutil.copyfile(_manifest_of(tree), target)
    _manifest_of(tree).unlink()
    _manifest_of(tree).symlink_to(target)


def _manifest_folder_is_a_file(tree, tmp_path):
    shutil.rmtree(tree / "manifest")
    (tree / "manifest").write_text("")


def _data_folder_a_symlink(tree, tmp_path):
    """data/ a symlink to another tree's copy of the same files: each file is a regular
    file with the right bytes, reached through a folder that is not the tree's own."""
    shutil.copytree(tree / "data", tmp_path / "other-data")
    shutil.rmtree(tree / "data")
    (tree / "data").symlink_to(tmp_path / "other-data")


def _duplicate_entry(tree, tmp_path):
    entry = json.loads(_manifest_of(tree).read_text())["artifacts"]["equidistant_points.png"]
    _edit_manifest(
        tree, lambda d: d["artifacts"].__setitem__("equidistant_points.png", entry), "claims"
    )


# (what, how the tree is broken, words of the one line naming it)
HOSTILE_TREES = [
    ("malformed manifest", _write("{not json"), "equidistant_points.json: not valid JSON"),
    ("empty manifest", _write(""), "equidistant_points.json: not valid JSON"),
    ("manifest is a list", _write("[]"), "no 'artifacts' mapping"),
    ("non-UTF-8 manifest", _write("\udcff"), "manifest"),
    ("deep manifest", _write("[" * 100000 + "]" * 100000), "equidistant_points.json"),
    ("entry without sha256", _entry(lambda a: a["equidistant_points.png"].pop("sha256")),
     "entry 'equidistant_points.png' has no 'sha256'"),
    ("entry without figure", _entry(lambda a: a["equidistant_points.png"].pop("figure")),
     "has no 'figure'"),
    ("entry not a mapping", _entry(lambda a: a.__setitem__("equidistant_points.png", 3)),
     "is not a mapping"),
    ("absolute path", _rename("/etc/passwd"), "'/etc/passwd' is an absolute path"),
    ("dot-dot path", _rename("../outside.png"), "'../outside.png' has an empty, '.' or '..'"),
    ("escape in a name", _rename("\x1b[2J.png"), "'\\x1b[2J.png' has control characters"),
    ("manifest symlink", _manifest_symlink, "equidistant_points.json: is a symlink"),
    ("manifest folder a file", _manifest_folder_is_a_file, "not the folder of manifests"),
    ("entry in two manifests", _duplicate_entry, "'equidistant_points.png' is listed in"),
    ("figure a directory", _directory_for_figure, "equidistant_points.png: is a directory"),
    ("figure a FIFO", _fifo_for_figure, "equidistant_points.png: is a FIFO"),
    ("symlink to a non-PNG", _symlink_to_text, "equidistant_points.png: is a symlink (to "),
    ("symlink to the same bytes", _symlink_to_same_bytes, "is a symlink (to "),
    ("data folder a symlink", _data_folder_a_symlink, "/data, which is a symlink (to "),
    ("20000 x 20000 PNG", _huge_figure, "is 20000 x 20000 pixels, beyond the 10000 a side"),
    ("PNG that is text", _png_that_is_text, "is not a PNG"),
    ("sidecar nested 100000 deep", _deep_sidecar, "cannot be compared: nested too deep"),
]  # fmt: skip


@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("what, breakage, words", HOSTILE_TREES, ids=[c[0] for c in HOSTILE_TREES])
def test_a_broken_tree_is_named_in_one_line(two_trees, tmp_path, side, what, breakage, words):
    """In either tree: a problem line naming it, no exception, nothing else compared
    wrongly; the CLI (a few cases) exits 1 with no traceback."""
    import time

    if what == "non-UTF-8 manifest":
        breakage = lambda tree, _: _manifest_of(tree).write_bytes(b'{"artifacts": "\xff"}')  # noqa: E731
    a, b = two_trees
    tree = a if side == "A" else b
    breakage(tree, tmp_path)
    start = time.perf_counter()
    problems = compare_dirs(a, b, tmp_path / "diff").problems
    assert time.perf_counter() - start < 30  # seconds, not minutes, on a loaded machine
    assert any(words in p for p in problems), problems
    assert all("\n" not in p and "\x1b" not in p and "\x00" not in p for p in problems)
    if what in ("malformed manifest", "20000 x 20000 PNG", "symlink to a non-PNG"):
        result = run_compare(tmp_path, str(a), str(b))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr and words in result.stderr, result.stderr


def test_compare_refuses_a_folder_that_is_not_one(tmp_path, root):
    result = run_compare(tmp_path, str(root / "figures"), str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"natgrad compare: {tmp_path / 'nowhere'} does not exist; give two output folders"
    ]


def test_stray_files_do_not_follow_symlinked_folders(tmp_path, root):
    out = tmp_path / "figures"
    shutil.copytree(root / "figures", out)
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "x.png").write_text("x")
    (out / "linked").symlink_to(tmp_path / "big")
    assert stray_files(out) == ["linked"]


# --- the comparison's parameters at their edges, by behaviour ----------------


def _reference_changed(a, b, levels):
    """Pixels of either image outside, by more than ``levels`` in some channel, the
    range of the other image's colours within one pixel (the README's rule),
    counted by brute force: an implementation independent of the one under test."""
    h, w = len(a), len(a[0])

    def outside(x, y, pixel, other):
        near = [other[j][i] for j in range(max(0, y - 1), min(h, y + 2))
                for i in range(max(0, x - 1), min(w, x + 2))]  # fmt: skip
        return any(
            pixel[c] < min(p[c] for p in near) - levels
            or pixel[c] > max(p[c] for p in near) + levels
            for c in range(len(pixel))
        )

    return sum(
        outside(x, y, a[y][x], b) or outside(x, y, b[y][x], a) for y in range(h) for x in range(w)
    )


def _square_png(path, dx=0, dy=0, level=0, size=(24, 24)):
    """A white image with a 5 x 5 square at ``level`` grey, at (8 + dx, 8 + dy)."""
    from PIL import Image

    img = Image.new("RGB", size, (255, 255, 255))
    img.paste((level, level, level), (8 + dx, 8 + dy, 13 + dx, 13 + dy))
    img.save(path)


def _pixels(path):
    import numpy as np
    from PIL import Image

    with Image.open(path) as img:
        return np.asarray(img.convert("RGBA")).tolist()


@pytest.mark.parametrize(
    "dx, dy, caught",
    [(1, 0, False), (0, 1, False), (1, 1, False), (2, 0, True), (0, 2, True), (-2, 0, True)],
)
def test_a_feature_moved_by_one_pixel_passes_by_two_is_caught(tmp_path, dx, dy, caught):
    """The neighbourhood is 3 x 3: a feature moved by one pixel in any direction lies
    within it; moved by two it does not. The count is the brute-force rule's."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    _square_png(a)
    _square_png(b, dx, dy)
    _, changed, _ = compare_pixels(a, b, tmp_path / "diff")
    expected = _reference_changed(_pixels(a), _pixels(b), PIXEL_LEVELS)
    assert changed == expected
    assert (changed > 0) is caught


@pytest.mark.parametrize("level", [0, 100, 250, 252, 253])
def test_the_pixel_levels_against_an_independent_count(tmp_path, level):
    """A square moved by two pixels, faint enough to be within the levels, passes:
    the levels and the neighbourhood act together, as the brute-force rule says."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    _square_png(a, level=level)
    _square_png(b, 2, 0, level=level)
    _, changed, _ = compare_pixels(a, b, tmp_path / "diff")
    assert changed == _reference_changed(_pixels(a), _pixels(b), PIXEL_LEVELS)
    assert (changed > 0) is (255 - level > PIXEL_LEVELS)


@pytest.mark.parametrize("other_platform, strict, problem", [
    (True, False, None),  # tolerance tier: one level within PIXEL_LEVELS passes
    (False, False, "f.png: bytes differ"),  # same platform and versions: bytes
    (True, True, "f.png: bytes differ"),  # --strict: bytes whatever the platform
])  # fmt: skip
def test_the_tier_decides_whether_a_one_level_change_passes(
    tmp_path, other_platform, strict, problem
):
    committed, rebuilt = _one_figure(
        tmp_path,
        "f.png",
        lambda p: _flat_png(p, 128),
        lambda p: _flat_png(p, 128, 129),
        other_platform=other_platform,
    )
    problems = compare_dirs(committed, rebuilt, tmp_path / "diff", strict=strict).problems
    if problem is None:
        assert problems == []
    else:
        (line,) = problems
        assert line.startswith(problem), line


@pytest.mark.parametrize("other_platform, caught", [(True, False), (False, True)])
def test_the_tier_decides_whether_a_sidecar_within_rtol_passes(tmp_path, other_platform, caught):
    x = 4.0
    committed, rebuilt = _one_figure(
        tmp_path,
        "f.json",
        lambda p: p.write_text(json.dumps({"x": x})),
        lambda p: p.write_text(json.dumps({"x": x * (1 + DATA_RTOL / 2)})),
        other_platform=other_platform,
    )
    problems = compare_dirs(committed, rebuilt, tmp_path / "diff").problems
    assert problems == (["f.json: bytes differ (numbers within 1e-09)"] if caught else [])


@pytest.mark.slow
def test_check_names_a_config_it_cannot_read_in_one_line(built, tmp_path):
    """The rebuild's own line, not "the rebuild failed (see above)" with nothing above."""
    repo = fresh_copy(built, tmp_path)
    text = (repo / "config.yaml").read_bytes()
    (repo / "config.yaml").write_bytes(b"# caf\xe9\n" + text)
    result = run_check(repo)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"natgrad check: natgrad: config.yaml: '{repo / 'config.yaml'}' is not UTF-8 text: "
        "byte 0xe9 at line 1"
    ]


# --- the compare command in this process (the subprocess runs above are not traced) ----


def _compare_cli(capsys, *args):
    """``(exit status, stdout lines, stderr lines)`` of ``python -m natgrad.artifacts compare``."""
    from natgrad.tools.artifacts import main

    status = main(["compare", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def test_compare_of_two_identical_trees_says_so_with_each_tier(two_trees, tmp_path, capsys):
    a, b = two_trees
    files = sum(
        len(json.loads(f.read_text())["artifacts"]) for f in (a / "manifest").glob("*.json")
    )
    status, out, err = _compare_cli(capsys, a, b, "--diff-dir", tmp_path / "diff")
    assert_equal((status, err), (0, []))
    assert_equal(
        out,
        [
            f"natgrad compare: tier 'bytes' for {files} file(s): same versions and platform",
            f"natgrad compare: every artifact in {a} matches {b}",
        ],
    )


def test_compare_names_each_problem_and_counts_them(two_trees, tmp_path, capsys):
    a, b = two_trees
    _paint_red_block(b / "equidistant_points.png")
    (a / "stray.txt").write_text("x")
    status, out, err = _compare_cli(capsys, a, b, "--diff-dir", tmp_path / "diff")
    assert_equal(status, 1)
    assert not any("every artifact" in line for line in out)
    assert_equal(
        err[:2],
        [
            "MISMATCH stray.txt: stray file: no rule produces it (delete it)",
            f"MISMATCH equidistant_points.png: the file in {b} does not match its manifest "
            "entry (edited by hand?)",
        ],
    )
    assert err[2].startswith("MISMATCH equidistant_points.png: bytes differ (pixel RMS "), err
    assert_equal(
        err[3:],
        [
            "natgrad compare: 3 problem(s); committed figures are not what the code and "
            "config produce"
        ],
    )


@pytest.mark.parametrize("what", ["missing", "file", "symlink"])
@pytest.mark.parametrize("which", [0, 1])
def test_compare_refuses_what_is_not_a_folder_in_one_line(tmp_path, capsys, root, what, which):
    folder = tmp_path / "tree"
    if what == "file":
        folder.write_text("")
    elif what == "symlink":
        folder.symlink_to(root / "figures")
    pair = [root / "figures", root / "figures"]
    pair[which] = folder
    words = {
        "missing": "does not exist",
        "file": "is a file",
        "symlink": f"is a symlink (to {root / 'figures'})",
    }[what]
    status, out, err = _compare_cli(capsys, *pair)
    assert_equal((status, out), (2, []))
    assert_equal(err, [f"natgrad compare: {folder} {words}; give two output folders"])


def test_compare_s_options_reach_the_comparison(tmp_path, capsys):
    """Each option at the edge its default holds: a pixel 3 levels off across
    platforms fails at --levels 2 and passes at 3; --strict fails a one-level change;
    a number 1e-8 off fails at the default --rtol and passes at 1e-7; across versions
    an RMS of 1 fails at the default --tol and passes at 1.0."""
    pixel = _one_figure(
        tmp_path / "p", "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 128, 131)
    )
    assert_equal(_compare_cli(capsys, *pixel)[0], 1)
    assert_equal(_compare_cli(capsys, *pixel, "--levels", "3")[0], 0)
    level = _one_figure(
        tmp_path / "s", "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 128, 129)
    )
    assert_equal(_compare_cli(capsys, *level)[0], 0)
    assert_equal(_compare_cli(capsys, *level, "--strict")[0], 1)
    data = _one_figure(
        tmp_path / "d",
        "f.json",
        lambda p: p.write_text(json.dumps({"x": 1.0})),
        lambda p: p.write_text(json.dumps({"x": 1.0 + 1e-8})),
    )
    assert_equal(_compare_cli(capsys, *data)[0], 1)
    assert_equal(_compare_cli(capsys, *data, "--rtol", "1e-7")[0], 0)
    rms = _one_figure(
        tmp_path / "r", "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 129)
    )
    fragment = rms[1] / "manifest" / "f.json"
    manifest = json.loads(fragment.read_text())
    manifest["versions"] = {**manifest["versions"], "matplotlib": "0.0-other"}
    fragment.write_text(json.dumps(manifest))
    assert_equal(_compare_cli(capsys, *rms)[0], 1)
    assert_equal(_compare_cli(capsys, *rms, "--tol", "1.0")[0], 0)


def test_compare_writes_its_diff_images_where_it_is_told(tmp_path, capsys):
    a, b = _one_figure(
        tmp_path, "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 128, 200)
    )
    status, _, err = _compare_cli(capsys, a, b, "--diff-dir", tmp_path / "here")
    assert_equal(status, 1)
    assert f"diff image {tmp_path / 'here'}" in err[0], err
    assert sorted(p.name for p in (tmp_path / "here").iterdir()) == [
        "f-committed.png",
        "f-rebuilt-failed-diff.png",
        "f-rebuilt.png",
    ]


# --- the check command up to the rebuild's first job, in this process ------------------


def _check_cli(capsys, repo, *args):
    from natgrad.tools.artifacts import main

    status = main(["check", "--root", str(repo), *args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def test_check_gives_the_config_s_own_line_when_the_rebuild_refuses_it(tmp_path, capsys):
    """A config Snakemake refuses before any job: its one line, prefixed, exit 2; the
    old diff images are gone and the scratch build is made afresh."""
    repo = copy_repo(tmp_path / "repo")
    config = repo / "config.yaml"
    config.write_text(config.read_text() + "\nbogus_key: 1\n")
    (repo / ".check" / "diff").mkdir(parents=True)
    (repo / ".check" / "diff" / "old.png").write_text("old")
    (repo / ".check" / "figures").mkdir()
    (repo / ".check" / "figures" / "left.png").write_text("left")
    status, out, err = _check_cli(capsys, repo, "--cores", "1")
    assert_equal((status, out, len(err)), (2, [], 1))
    assert err[0].startswith("natgrad check: natgrad: config key 'bogus_key': unknown key"), err
    assert not (repo / ".check" / "diff").exists()
    assert_equal(list((repo / ".check" / "figures").iterdir()), [])


@pytest.mark.parametrize(
    "said",
    [
        "natgrad: one line\\nand two more\\nlines\\n",  # not the config's one line
        "\\x1b[2Jcleared\\n",  # a control character, shown escaped
    ],
)
def test_check_shows_what_the_rebuild_said_when_it_fails_otherwise(tmp_path, capsys, said):
    """A rebuild failing with more than the config's one line (a Snakefile written here
    that says ``said`` and fails): what it printed, then one line saying so."""
    repo = copy_repo(tmp_path / "repo")
    (repo / "Snakefile").write_text(f"import sys\nsys.stderr.write('{said}')\nsys.exit(1)\n")
    status, out, err = _check_cli(capsys, repo)
    assert_equal((status, out), (2, []))
    assert_equal(err[-1], "natgrad check: the rebuild failed (see above)")
    shown = "\n".join(err[:-1])
    if said.startswith("natgrad"):
        assert "natgrad: one line\nand two more\nlines" in shown, err
    else:
        assert "\x1b" not in shown and "\\x1b[2Jcleared" in shown, err


def test_check_shows_snakemake_s_syntax_error(tmp_path, capsys):
    """A Snakefile Snakemake cannot parse: its own SyntaxError, not "(Snakemake printed
    nothing)" (``--quiet`` alone silences it)."""
    repo = copy_repo(tmp_path / "repo")
    (repo / "Snakefile").write_text((repo / "Snakefile").read_text() + "\nrule bad(:\n")
    status, out, err = _check_cli(capsys, repo)
    assert_equal((status, out), (2, []))
    assert_equal(err[-1], "natgrad check: the rebuild failed (see above)")
    assert any(line.startswith("SyntaxError in file") for line in err), err


def test_check_refuses_figures_drawn_with_latex_on_a_machine_without_it(
    tmp_path, capsys, monkeypatch
):
    """No latex or dvipng on PATH: named before any rebuild, with the count of figures."""
    repo = tmp_path / "repo"
    (repo / "figures" / "manifest").mkdir(parents=True)
    sha = "0" * 64
    manifest = {
        "text": {"engine": "latex", "latex": "TeX Live 2099"},
        "artifacts": {n: {"figure": "f", "sha256": sha} for n in ("f.png", "g.png")},
    }
    (repo / "figures" / "manifest" / "f.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    status, out, err = _check_cli(capsys, repo)
    assert_equal((status, out, len(err)), (2, [], 1))
    assert err[0].startswith(
        "natgrad check: 2 file(s) of figures/ were drawn with LaTeX (TeX Live 2099) and this "
        "machine has no LaTeX (latex and dvipng); install it (Debian: apt-get install "
    ), err
    assert not (repo / ".check").exists()


def _make_socket(path):
    import socket

    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()


def _make_device(path):
    import os
    import stat

    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    except PermissionError:
        pytest.skip("no permission to make a device node here")


@pytest.mark.parametrize(
    "make, words",
    [(_make_socket, "is a socket"), (_make_device, "is a device")],
    ids=["socket", "device"],
)
def test_a_socket_or_device_where_a_figure_belongs_is_named(tmp_path, make, words):
    committed, rebuilt = _one_figure(
        tmp_path, "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 128)
    )
    (rebuilt / "f.png").unlink()
    make(rebuilt / "f.png")
    problems = compare_dirs(committed, rebuilt, tmp_path / "diff").problems
    assert_equal(
        problems, [f"{rebuilt / 'f.png'}: {words}, not a regular file; an artifact must be one"]
    )


def test_an_artifact_below_a_file_is_named_with_that_file(tmp_path):
    """``sub/f.png`` where ``sub`` is a file: that file named, one line."""
    committed, rebuilt = _one_figure(
        tmp_path, "f.png", lambda p: _flat_png(p, 128), lambda p: _flat_png(p, 128)
    )
    for tree in (committed, rebuilt):
        fragment = tree / "manifest" / "f.json"
        fragment.write_text(fragment.read_text().replace('"f.png"', '"sub/f.png"'))
        (tree / "sub").mkdir()
        (tree / "f.png").rename(tree / "sub" / "f.png")
    shutil.rmtree(rebuilt / "sub")
    (rebuilt / "sub").write_text("a file")
    problems = compare_dirs(committed, rebuilt, tmp_path / "diff").problems
    assert_equal(
        problems,
        [
            f"{rebuilt / 'sub' / 'f.png'}: is below {rebuilt / 'sub'}, which is a file; an "
            "artifact must be a regular file of its own tree"
        ],
    )


# --- compare_pixels' own answers ------------------------------------------------------


def _header_only_png(path, width, height):
    """A PNG of ``width`` x ``height`` by its header, with no image data: its size is
    read, it cannot be decoded."""
    import struct
    import zlib

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def test_images_of_two_sizes_differ_in_every_pixel_undecoded(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    _square_png(a, size=(20, 30))  # neither square nor of one width: each side counts
    _square_png(b, size=(24, 36))
    rms, changed, diff = compare_pixels(a, b, tmp_path / "diff")
    assert_equal((rms, changed, diff), (float("inf"), 24 * 36, None))
    assert not (tmp_path / "diff").exists()
    assert_equal(compare_pixels(b, a, tmp_path / "diff")[1], 24 * 36)


def test_identical_pixels_leave_no_diff_files(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    _flat_png(a, 128)
    _flat_png(b, 128)
    assert_equal(compare_pixels(a, b, tmp_path / "diff"), (0.0, 0, None))
    assert_equal(list((tmp_path / "diff").iterdir()), [])


def test_the_rms_and_the_diff_image_of_a_changed_pixel(tmp_path):
    """The RMS over the colour channels, computed here with numpy; the diff image and
    both copies kept beside it."""
    import numpy as np
    from numpy.testing import assert_allclose

    a, b = tmp_path / "a.png", tmp_path / "f.png"
    _flat_png(a, 128)
    _flat_png(b, 128, 200)
    rms, changed, diff = compare_pixels(a, b, tmp_path / "diff")
    pa, pb = (np.asarray(_pixels(p), dtype=float)[..., :3] for p in (a, b))
    assert_allclose(rms, np.sqrt(np.mean((pa - pb) ** 2)), rtol=1e-6)
    assert_equal(changed, 1)
    assert_equal(diff, tmp_path / "diff" / "f-rebuilt-failed-diff.png")
    assert sorted(p.name for p in (tmp_path / "diff").iterdir()) == [
        "f-committed.png",
        "f-rebuilt-failed-diff.png",
        "f-rebuilt.png",
    ]


@pytest.mark.parametrize(
    "size, refused",
    [
        ((10000, 1), False),
        ((1, 10000), False),
        ((10001, 1), True),
        ((1, 10001), True),
        ((4000, 4000), False),  # MAX_AREA, 16 million pixels
        ((4000, 4001), True),
    ],
)
def test_the_size_limits_at_their_edges(tmp_path, size, refused):
    """Beyond a limit: named from the header; within: decoded (and these, with no
    image data, fail to decode, named as such, their copies removed)."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    _header_only_png(a, *size)
    _header_only_png(b, *size)
    with pytest.raises(ValueError) as info:
        compare_pixels(a, b, tmp_path / "diff")
    if refused:
        assert_equal(
            str(info.value),
            f"{a}: is {size[0]} x {size[1]} pixels, beyond the 10000 a side and 16000000 in "
            "all that the check decodes; not compared",
        )
    else:
        assert str(info.value).startswith(f"{a} or {b}: cannot be decoded ("), info.value
        assert_equal(list((tmp_path / "diff").iterdir()), [])


def test_a_file_that_is_not_a_png_is_named(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    _flat_png(a, 128)
    b.write_text("GIF89a")
    with pytest.raises(ValueError) as info:
        compare_pixels(a, b, tmp_path / "diff")
    assert_equal(str(info.value), f"{b}: is not a PNG (no PNG header)")


@pytest.mark.parametrize(
    "expected, actual, problems",
    [
        ({"x": 1.0}, {"x": 1.0, "y": 2}, ["y: unexpected"]),
        ({"b": True}, {"b": 1}, ["b: True != 1"]),
        ({"x": 1.0}, {"x": True}, ["x: 1.0 != True"]),
        # relative to the array's largest magnitude, 4
        ({"x": [4.0, 1.0]}, {"x": [4.0, 1.00000004]},
         ["x[1]: 1.0 != 1.00000004 (relative 1e-08 > 1e-09)"]),
        # a zero, alone or in an array of zeros, has no scale: any change is caught
        ({"x": 0.0}, {"x": 1e-300}, ["x: 0.0 != 1e-300 (relative 1e-300 > 1e-09)"]),
        ({"x": [0.0, 0.0]}, {"x": [0.0, 1e-12]}, ["x[1]: 0.0 != 1e-12 (relative 1e-12 > 1e-09)"]),
        # numbers in mappings inside a list are each their own scale
        ({"l": [{"a": 1e-20}, {"a": 8.0}]}, {"l": [{"a": 2e-20}, {"a": 8.0}]},
         ["l[0].a: 1e-20 != 2e-20 (relative 1 > 1e-09)"]),
        # an array's None (a non-finite number) and its neighbours
        ({"x": [None, 2.0]}, {"x": [None, 2.0 + 1e-12]}, []),
    ],
)  # fmt: skip
def test_compare_data_names_each_difference(expected, actual, problems):
    assert_equal(compare_data(expected, actual), problems)


def test_tier_names_what_differs():
    base = entry()
    assert_equal(
        tier({**base, "text": {"engine": "latex"}}, {**base, "text": {"engine": "mathtext"}}),
        ("tolerance", "text engine differs (engine: committed 'latex', rebuilt 'mathtext')"),
    )
    assert_equal(
        tier({"versions": base["versions"]}, base),
        ("tolerance", "platform not recorded in the manifest"),
    )
    assert_equal(
        tier(base, {"versions": base["versions"]}),
        ("tolerance", "platform not recorded in the manifest"),
    )
    nested = entry(numpy_simd={"dispatched": ["X86_V3"], "baseline": ["SSE"]})
    assert_equal(
        tier(nested, entry(), sides=("A", "B")),
        ("tolerance", "platform differs (numpy_simd.baseline: A ['SSE'], B None)"),
    )
    assert_equal(
        tier({**base, "versions": "1"}, {**base, "versions": "2"}),
        ("tolerance", "versions differ (value: committed '1', rebuilt '2')"),
    )


# --- the command line, and the check's verdict once the rebuild is there --------------


def test_the_command_line_s_words_and_defaults(capsys):
    """What `--help` says and what each option is when not given."""
    from natgrad.tools.artifacts import DATA_RTOL, PIXEL_LEVELS, command_line

    parser = command_line()
    text = " ".join(parser.format_help().split())
    assert text.startswith("usage: python -m natgrad.artifacts [-h] {check,compare} ... "
                           "Artifact checks: a manifest of the built figures, and a check "
                           "that they are current. positional arguments:"), text  # fmt: skip
    check = vars(parser.parse_args(["check"]))
    assert_equal(check, {"command": "check", "root": ".", "figures": "figures", "cores": 4,
                         "strict": False, "tol": 0.5, "levels": PIXEL_LEVELS,
                         "rtol": DATA_RTOL})  # fmt: skip
    assert parser.parse_args(["check", "--cores", "3", "--tol", "1.5"]).cores == 3
    compare = vars(parser.parse_args(["compare", "A", "B", "--strict"]))
    assert_equal(compare, {"command": "compare", "committed": "A", "rebuilt": "B",
                           "diff_dir": ".check/diff", "strict": True, "tol": 0.5,
                           "levels": PIXEL_LEVELS, "rtol": DATA_RTOL})  # fmt: skip
    for argv in ([], ["check", "--cores", "two"]):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
    capsys.readouterr()
    # each option with its words, in order (whitespace aside: argparse wraps to the
    # terminal's width; "options:" is Python 3.10's word)
    shared = ("--strict demand identical bytes on any platform --tol TOL RMS pixel "
              "tolerance (of 255) across versions --levels LEVELS pixel tolerance per "
              f"channel across platforms (default {PIXEL_LEVELS}) --rtol RTOL data tolerance "
              f"across platforms (default {DATA_RTOL:g})")  # fmt: skip
    helps = {
        (): "positional arguments: {check,compare} check rebuild into a scratch directory "
            "and compare with figures/ compare compare two built output directories "
            "options: -h, --help show this help message and exit",
        ("check",): "options: -h, --help show this help message and exit --root ROOT "
                    "repository root (default: .) --figures FIGURES committed figures, "
                    f"relative to root --cores CORES {shared}",
        ("compare",): "positional arguments: committed the reference, e.g. figures rebuilt "
                      "the other build, e.g. a CI artifact options: -h, --help show this "
                      "help message and exit --diff-dir DIFF_DIR where diff images go "
                      f"{shared}",
    }  # fmt: skip
    for command, words in helps.items():
        with pytest.raises(SystemExit):
            parser.parse_args([*command, "--help"])
        said = " ".join(capsys.readouterr().out.split())
        assert said.endswith(words), (command, said)


def _check(capsys, root, committed, rebuilt, tmp_path, **options):
    """``check_rebuilt`` of ``committed`` (absolute: root / it is it) against ``rebuilt``
    with ``root``'s config: (status, stdout lines, stderr lines)."""
    from natgrad.tools.artifacts import check_rebuilt

    status = check_rebuilt(root, committed, rebuilt, tmp_path / "diff", **options)
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def test_the_check_of_a_current_build_says_so(two_trees, tmp_path, capsys, root):
    a, b = two_trees
    status, out, err = _check(capsys, root, a, b, tmp_path)
    assert_equal((status, err), (0, []))
    assert out[-1] == f"natgrad check: every artifact in {a}/ matches a fresh build", out


@pytest.mark.parametrize(
    "tree, change, line",
    [
        ("A", lambda d: d.__setitem__("config_sha256", "0" * 64),
         "equidistant_points.png: stale: config of figure equidistant_points changed since "
         "it was built (run snakemake --cores 4 and commit figures/)"),
        ("B", lambda d: d.__setitem__("inputs_sha256", "0" * 64),
         "equidistant_points.png: stale: the code or style behind figure equidistant_points "
         "changed since it was built, so a fresh clone would redraw it (run snakemake --cores "
         "4 and commit figures/)"),
        ("B", lambda d: d.__setitem__("text", {**d.get("text", {}), "engine": "latex"}),
         "equidistant_points.png: drawn with mathtext, rebuilt with latex: two text engines "
         "are not compared"),
        ("A", lambda d: d.__setitem__("text", {**d.get("text", {}), "engine": "latex"}),
         "equidistant_points.png: drawn with latex, rebuilt with mathtext: two text engines "
         "are not compared"),
    ],
    ids=["config changed", "inputs changed", "engines differ (B)", "engines differ (A)"],
)  # fmt: skip
def test_the_check_names_what_a_manifest_says_changed(
    two_trees, tmp_path, capsys, root, tree, change, line
):
    """Against ``root``'s config and the other tree's manifest: the line, once for each
    artifact of the figure's manifest, and the count."""
    a, b = two_trees
    artifacts = json.loads(_manifest_of(a).read_text())["artifacts"]

    def edit(data):
        if line.endswith("(run snakemake --cores 4 and commit figures/)") and tree == "A":
            for entry in data["artifacts"].values():  # the config hash is per artifact
                change(entry)
        else:
            change(data)

    _edit_manifest(a if tree == "A" else b, edit)
    status, out, err = _check(capsys, root, a, b, tmp_path)
    assert status == 1
    assert f"MISMATCH {line}" in err, err
    assert err[-1] == (
        f"natgrad check: {len(artifacts)} problem(s); committed figures are not what the "
        "code and config produce"
    )


@pytest.mark.parametrize("side", ["A", "B"])
def test_the_check_names_an_artifact_only_one_build_has(two_trees, tmp_path, capsys, root, side):
    a, b = two_trees

    def drop(data):
        data["artifacts"].pop("equidistant_points.png")

    _edit_manifest(a if side == "A" else b, drop)
    status, _, err = _check(capsys, root, a, b, tmp_path)
    said = "built but not committed" if side == "A" else "committed but no longer built"
    assert status == 1 and f"MISMATCH equidistant_points.png: {said}" in err, err


def test_the_check_without_a_committed_manifest_says_so(two_trees, tmp_path, capsys, root):
    a, b = two_trees
    shutil.rmtree(a / "manifest")
    status, _, err = _check(capsys, root, a, b, tmp_path)
    assert status == 1 and f"MISMATCH {a / 'manifest'}: no committed manifest" in err, err


def test_the_command_line_reads_each_tolerance_as_its_number():
    from natgrad.tools.artifacts import command_line

    args = command_line().parse_args(["check", "--tol", "1.5", "--levels", "3", "--rtol", "1e-6"])
    assert_equal((args.tol, args.levels, args.rtol), (1.5, 3, 1e-6))
    assert [type(v) for v in (args.tol, args.levels, args.rtol)] == [float, int, float]


def test_the_check_names_the_committed_and_the_fresh_build_and_takes_its_options(
    two_trees, tmp_path, capsys, root
):
    """A fresh build on another platform: its tier names both sides, passes within the
    tolerances and fails where --strict demands bytes."""
    from PIL import Image

    a, b = two_trees
    with Image.open(b / "equidistant_points.png") as image:  # one level at one pixel
        pixels = image.copy()
    value = pixels.getpixel((0, 0))
    pixels.putpixel((0, 0), (*(c - 1 if c else 1 for c in value[:3]), *value[3:]))
    pixels.save(b / "equidistant_points.png")
    as_if_built_elsewhere(b)
    status, out, err = _check(capsys, root, a, b, tmp_path)
    assert status == 0, err
    assert any("committed build" in line and "fresh build" in line for line in out), out
    status, _, err = _check(capsys, root, a, b, tmp_path, strict=True)
    assert status == 1, err


# --- manifests of any shape, each named in its exact line ------------------------------


def _manifests(tmp_path, **fragments):
    """An output folder whose manifest/ holds ``fragments`` (file name -> text)."""
    folder = tmp_path / "out" / "manifest"
    folder.mkdir(parents=True)
    for name, text in fragments.items():
        (folder / name).write_text(text)
    return folder.parent


def _manifest_line(tmp_path, **fragments):
    from natgrad.tools.artifacts import ManifestError, read_manifests

    out = _manifests(tmp_path, **fragments)
    with pytest.raises(ManifestError) as err:
        read_manifests(out)
    return str(err.value), out / "manifest"


SHA = "a" * 64


def _fragment(artifacts, **records):
    return json.dumps({"artifacts": artifacts, **records})


@pytest.mark.parametrize(
    "text, words",
    [
        ("{", "not valid JSON (Expecting property name enclosed in double quotes: line 1 "
              "column 2 (char 1))"),
        ("[]", "not a manifest: no 'artifacts' mapping at its top level"),
        (_fragment({}, versions=[]), "'versions' is not a dict"),
        (_fragment({"x.png": {"figure": "x"}}),
         "entry 'x.png' has no 'sha256' (64 lowercase hex digits)"),
        (_fragment({"x.png": {"figure": 1, "sha256": SHA}}), "entry 'x.png' has no 'figure' "
                                                              "(a string)"),
        (_fragment({"": {"figure": "x", "sha256": SHA}}),
         "artifact name '' is not a non-empty string"),
        (_fragment({"a\\\\b.png": {"figure": "x", "sha256": SHA}}),
         "artifact 'a\\\\b.png' is an absolute path; names are relative to the folder"),
        (_fragment({"C:x.png": {"figure": "x", "sha256": SHA}}),
         "artifact 'C:x.png' is an absolute path; names are relative to the folder"),
        (_fragment({"c:x.png": {"figure": "x", "sha256": SHA}}),
         "artifact 'c:x.png' is an absolute path; names are relative to the folder"),
        (_fragment({"a//b.png": {"figure": "x", "sha256": SHA}}),
         "artifact 'a//b.png' has an empty, '.' or '..' part; it must stay inside"),
        (_fragment({"./b.png": {"figure": "x", "sha256": SHA}}),
         "artifact './b.png' has an empty, '.' or '..' part; it must stay inside"),
        (_fragment({"manifest/b.png": {"figure": "x", "sha256": SHA}}),
         "artifact 'manifest/b.png' is inside manifest/, where only manifests go"),
    ],
    ids=["not JSON", "a list", "a record of the wrong kind", "no sha256", "figure not text",
         "empty name", "backslash", "drive letter", "lower-case drive", "empty part",
         "dot part", "in manifest/"],
)  # fmt: skip
def test_each_malformed_manifest_is_its_own_exact_line(tmp_path, text, words):
    line, folder = _manifest_line(tmp_path, **{"m.json": text})
    assert line == f"{folder / 'm.json'}: {words}"


def test_a_manifest_of_exactly_its_limit_is_read_and_one_byte_more_is_not(tmp_path):
    from natgrad.tools.artifacts import MAX_MANIFEST_BYTES, read_manifests

    body = _fragment({"x.png": {"figure": "x", "sha256": SHA}})
    exact = body + " " * (MAX_MANIFEST_BYTES - len(body))
    out = _manifests(tmp_path, **{"m.json": exact})
    assert list(read_manifests(out)) == ["x.png"]
    (out / "manifest" / "m.json").write_text(exact + " ")
    line, _ = _manifest_line(tmp_path / "again", **{"m.json": exact + " "})
    assert line.endswith(
        f"m.json: {MAX_MANIFEST_BYTES + 1} bytes, more than a manifest's {MAX_MANIFEST_BYTES} "
        "(1 MB); not read"
    )


def test_every_manifest_is_read_past_other_files_and_a_twice_listed_artifact_named(tmp_path):
    from natgrad.tools.artifacts import read_manifests

    entry = {"figure": "x", "sha256": SHA}
    out = _manifests(tmp_path, **{"a.txt": "not a manifest", "b.json": _fragment({"b.png": entry}),
                                  "c.json": _fragment({"c.png": entry})})  # fmt: skip
    assert sorted(read_manifests(out)) == ["b.png", "c.png"]
    line, folder = _manifest_line(tmp_path / "twice", **{"b.json": _fragment({"x.png": entry}),
                                                         "c.json": _fragment({"x.png": entry})})
    assert line == f"{folder / 'c.json'}: 'x.png' is listed in b.json too"


def test_a_manifest_folder_that_is_a_file_is_named(tmp_path):
    from natgrad.tools.artifacts import ManifestError, read_manifests

    (tmp_path / "manifest").write_text("")
    with pytest.raises(ManifestError) as err:
        read_manifests(tmp_path)
    assert str(err.value) == f"{tmp_path / 'manifest'}: is a file, not the folder of manifests"


def test_stray_files_are_every_file_no_manifest_lists_whatever_their_order(tmp_path):
    """Strays before and after a listed file in one folder, and beside the manifests."""
    from natgrad.tools.artifacts import stray_files

    out = _manifests(tmp_path, **{"m.json": _fragment({"k.png": {"figure": "k", "sha256": SHA}})})
    names = [f"{c}.png" for c in "abcdefghij"]
    for name in names[:5]:
        (out / name).write_text("")
    (out / "k.png").write_text("")
    for name in names[5:]:
        (out / name).write_text("")
    (out / "manifest" / "notes.txt").write_text("")
    (out / "manifest" / "z.json.tmp").write_text("")
    assert stray_files(out) == sorted([*names, "manifest/notes.txt", "manifest/z.json.tmp"])


@pytest.mark.parametrize("n", [3, 4, 6])
def test_a_data_difference_names_its_first_three_places_and_counts_the_rest(tmp_path, n):
    from natgrad.tools.artifacts import _compare_sidecars

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({f"k{i}": 1.0 for i in range(n)}))
    b.write_text(json.dumps({f"k{i}": 2.0 for i in range(n)}))
    [line] = _compare_sidecars("f.json", a, b, 1e-9, exact=False)
    more = f" (+{n - 3} more)" if n > 3 else ""
    shown = "; ".join(f"k{i}: 1.0 != 2.0 (relative 1 > 1e-09)" for i in range(3))
    assert line == f"f.json: data differs: {shown}{more}", line


def test_a_sidecar_that_cannot_be_read_is_named_with_why(tmp_path):
    from natgrad.tools.artifacts import _compare_sidecars

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text("{}")
    for text, why in [(b"{\xff}", "not UTF-8 (byte 1)"),
                      (b"{x", "not valid JSON (Expecting property name enclosed in double "
                              "quotes: line 1 column 2 (char 1))")]:  # fmt: skip
        bad.write_bytes(text)
        assert _compare_sidecars("f.json", good, bad, 1e-9, exact=False) == [
            f"f.json: cannot be compared: {why}"
        ]
