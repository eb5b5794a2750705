"""Artifact checks: deterministic bytes, the manifest, the check command and the blog export."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import pytest
import yaml
from snakemake_runs import (
    as_if_built_elsewhere,
    bump_last_bits,
    copy_repo,
    fresh_copy,
    jobs_run,
    run_snakemake,
    tree_hashes,
)

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
    assert why == "platform differs (numpy_simd.dispatched: ['X86_V3'] vs [])"
    assert tier(entry(), entry(machine="aarch64"), strict=True) == ("bytes", "--strict")
    other = {**entry(), "versions": {"numpy": "2.5.0"}}
    assert tier(entry(), other) == ("tolerance", "versions differ (numpy: '2.4.6' vs '2.5.0')")
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
    fragment = rebuilt / "manifest/gd_euclidean_mahalanobis.json"
    rebuilt_manifest = json.loads(fragment.read_text())
    rebuilt_manifest["artifacts"]["data/gd_euclidean_mahalanobis.json"]["sha256"] = "changed"
    fragment.write_text(json.dumps(rebuilt_manifest))
    (problem,) = compare_dirs(committed, rebuilt, tmp_path / "diff").problems
    assert "data/gd_euclidean_mahalanobis.json" in problem and "iterates[3][0]" in problem


@pytest.mark.slow
@pytest.mark.parametrize("cores", ["1", "4"])
def test_separate_builds_give_identical_bytes(built, tmp_path, cores):
    repo, _ = built
    other = copy_repo(tmp_path / "other")
    shutil.rmtree(other / "figures")
    result = run_snakemake(other, "--cores", cores)
    assert result.returncode == 0, result.stderr[-2000:]
    assert tree_hashes(other / "figures") == tree_hashes(repo / "figures")


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
    """Figures built with every config float moved by one ulp on "another machine":
    the cross-platform tier accepts them, --strict does not, and the tolerances hold
    with a margin (the largest difference is printed by the comparison)."""
    repo = fresh_copy(built, tmp_path)
    bumped = tmp_path / "bumped.yaml"
    config = yaml.safe_load((repo / "config.yaml").read_text())
    bumped.write_text(yaml.safe_dump(bump_last_bits(config)))
    other = tmp_path / "other"
    result = run_snakemake(
        repo,
        "--cores",
        "4",
        "--configfile",
        str(bumped),
        "--config",
        f"output_dir={other}",
        env=OTHER_CPU,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    as_if_built_elsewhere(other)
    assert tree_hashes(other) != tree_hashes(repo / "figures")

    loose = run_compare(repo, "figures", str(other))
    assert loose.returncode == 0, loose.stderr
    assert "tier 'tolerance'" in loose.stdout and "machine" in loose.stdout
    # ten times tighter still passes: the tolerance is not at its limit
    tight = run_compare(repo, "figures", str(other), "--rtol", str(DATA_RTOL / 10), "--levels", "0")
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
    text = (repo / "config.yaml").read_text()
    (repo / "config.yaml").write_text(text.replace("n_steps: 10\n", "n_steps: 6\n"))

    result = run_check(repo)
    assert result.returncode == 1
    err = result.stderr
    assert "tier 'tolerance'" in result.stdout
    assert "equidistant_points.png: pixels differ: 3 pixel(s)" in err
    assert "data/gaussian_isocontours_fisher.json: data differs: data.mle[1]" in err
    assert "gd_euclidean_mahalanobis.png: stale" in err
    problems = [line for line in err.splitlines() if line.startswith("MISMATCH")]
    named = {line.split()[1].rstrip(":") for line in problems}
    assert named == {
        "equidistant_points.png",
        "data/gaussian_isocontours_fisher.json",
        "gd_euclidean_mahalanobis.png",
        "data/gd_euclidean_mahalanobis.json",
    }, problems


@pytest.mark.slow
def test_stray_files_are_reported_and_a_rebuild_clears_its_temporaries(built, tmp_path):
    """A hard-killed build's temporary is a stray to the check; the job that writes that
    output again removes it, and git ignores it meanwhile."""
    repo = fresh_copy(built, tmp_path)
    stale = repo / "figures" / ".equidistant_points.png.k1ll3d00.tmp"
    stale.write_bytes(b"half a png")
    (repo / "figures" / "notes.txt").write_text("copied in by hand")
    result = run_check(repo)
    assert result.returncode == 1
    assert ".equidistant_points.png.k1ll3d00.tmp: stray file" in result.stderr
    assert "notes.txt: stray file" in result.stderr
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
def test_check_fails_on_a_one_pixel_change(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    png = repo / "figures" / "equidistant_points.png"
    img = mpimg.imread(png)
    img[5, 5, :3] = 1.0 - img[5, 5, :3]
    mpimg.imsave(png, img)
    result = run_check(repo)
    assert result.returncode == 1
    assert "equidistant_points.png: bytes differ (pixel RMS" in result.stderr
    assert "gd_euclidean_mahalanobis" not in result.stderr
    diffs = list((repo / ".check" / "diff").glob("equidistant_points*-failed-diff.png"))
    assert len(diffs) == 1


@pytest.mark.slow
def test_check_fails_on_a_config_change_without_rebuild(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    text = (repo / "config.yaml").read_text()
    (repo / "config.yaml").write_text(text.replace("n_steps: 10\n", "n_steps: 6\n"))
    result = run_check(repo)
    assert result.returncode == 1
    assert "gd_euclidean_mahalanobis.png: stale" in result.stderr
    assert "gd_euclidean_mahalanobis.png: bytes differ" in result.stderr
    assert "equidistant_points" not in result.stderr


@pytest.mark.slow
def test_check_fails_on_an_altered_sidecar_number(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    path = repo / "figures" / "data" / "gaussian_isocontours_fisher.json"
    data = json.loads(path.read_text())
    data["data"]["mle"][0] += 0.01
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    result = run_check(repo)
    assert result.returncode == 1
    assert "data/gaussian_isocontours_fisher.json" in result.stderr
    assert "mle[0]" in result.stderr


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
