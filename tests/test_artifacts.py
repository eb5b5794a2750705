"""Artifact checks: deterministic bytes, the manifest, the check command and the blog export."""

import json
import shutil
import subprocess
import sys

import matplotlib.image as mpimg
import pytest
from pipeline import FIGURES, copy_repo, fresh_copy, run_snakemake, tree_hashes

from natgrad.artifacts import compare_data, compare_dirs, versions


def test_compare_data_finds_a_changed_number():
    a = {"x": [1.0, 2.0], "s": "t", "n": {"k": 3}}
    assert compare_data(a, json.loads(json.dumps(a))) == []
    b = {"x": [1.0, 2.0000001], "s": "t", "n": {"k": 3}}
    (problem,) = compare_data(a, b)
    assert problem.startswith("x[1]:")
    assert compare_data(a, {"x": [1.0], "s": "t", "n": {"k": 3}}) == ["x[1]: missing"]
    assert compare_data(a, {**a, "s": "u"}) == ["s: 't' != 'u'"]


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
    assert compare_dirs(committed, rebuilt, tmp_path / "diff") == []
    # a sidecar number altered in the rebuilt copy is reported with its key
    data = json.loads((rebuilt / "data/gd_euclidean_mahalanobis.json").read_text())
    data["data"]["panels"][0]["iterates"][3][0] += 1e-3
    (rebuilt / "data/gd_euclidean_mahalanobis.json").write_text(json.dumps(data))
    fragment = rebuilt / "manifest/gd_euclidean_mahalanobis.json"
    rebuilt_manifest = json.loads(fragment.read_text())
    rebuilt_manifest["artifacts"]["data/gd_euclidean_mahalanobis.json"]["sha256"] = "changed"
    fragment.write_text(json.dumps(rebuilt_manifest))
    (problem,) = compare_dirs(committed, rebuilt, tmp_path / "diff")
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


def run_check(repo):
    return subprocess.run(
        [sys.executable, "-m", "natgrad.artifacts", "check", "--root", str(repo)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )


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
    assert sorted(p.name for p in assets.iterdir()) == sorted(f"{n}.png" for n in FIGURES)
    for name in FIGURES:
        assert (assets / f"{name}.png").read_bytes() == (
            repo / "figures" / f"{name}.png"
        ).read_bytes()


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
