"""natgrad.pipeline.jobs: one figure job, planned by the Snakefile, read back by the adapter."""

import json
from dataclasses import replace

from natgrad.pipeline.config import figure_job, figure_params, load_schema, validate_config
from natgrad.pipeline.jobs import CHECKOUT, FigureJob
from natgrad.pipeline.manifest import inputs_sha256
from natgrad.pipeline.sources import figure_inputs

NAME = "equidistant_points"


def config(root, default_config):
    return validate_config(
        default_config, load_schema(root / "workflow/schemas/config.schema.yaml")
    )


def test_the_committed_manifest_records_the_jobs_inputs_hash(root, default_config):
    """The job's hash is the one a fresh build records (figures/manifest/<name>.json)."""
    job = figure_job(config(root, default_config), NAME, ["f.png"], ["d.json"], ["m.json"])
    params = figure_params(config(root, default_config), NAME)
    expected = inputs_sha256(figure_inputs(NAME), json.dumps(params, sort_keys=True), CHECKOUT)
    assert job.inputs_sha256() == [expected]
    manifest = json.loads((root / "figures" / "manifest" / f"{NAME}.json").read_text())
    assert manifest["inputs_sha256"] == expected
    assert job.inputs == figure_inputs(NAME)
    assert CHECKOUT / "natgrad" / "pipeline" / "jobs.py" in job.inputs


def test_json_round_trip_keeps_every_variant_and_the_planned_hashes(root, default_config):
    """to_json and from_json, the one serialisation of the record: the job read back
    is the job planned, files and hashes included."""
    cfg = config(root, default_config)
    section = cfg["gd_euclidean_mahalanobis"]
    variants = [section, {**section, "n_steps": 3}]
    job = figure_job(
        cfg, "gd_euclidean_mahalanobis", ["a.png", "b.png"], ["a.json", "b.json"],
        ["ma.json", "mb.json"], sections=variants, texts=["ta.json", "tb.json"], caption="c",
    )  # fmt: skip
    text = job.to_json()
    back = FigureJob.from_json(text)
    assert back == job.planned() == replace(job, digests=tuple(job.inputs_sha256()))
    assert [v["figure"]["n_steps"] for v in back.variants] == [section["n_steps"], 3]
    assert back.inputs_sha256() == job.inputs_sha256()
    assert back.outputs == [*job.figures, *job.data, *job.manifests, *job.texts]
    assert back.planned() is back  # planned once, not again
    # the adapter uses the hashes the Snakefile planned, not its own
    planned = json.loads(text)
    planned["digests"] = ["x", "y"]
    assert FigureJob.from_json(json.dumps(planned)).inputs_sha256() == ["x", "y"]


def test_each_variant_has_its_own_files_cut_in_one_place(root, default_config):
    cfg = config(root, default_config)
    section = cfg["gd_euclidean_mahalanobis"]
    job = figure_job(
        cfg, "gd_euclidean_mahalanobis", ["a.png", "a.pdf", "b.png", "b.pdf"],
        ["a.json", "b.json"], ["ma.json", "mb.json"], sections=[section, section],
        texts=["ta.json", "tb.json"],
    )  # fmt: skip
    params, files = job.variant(1)
    assert params == job.variants[1]
    assert files == {
        "figures": ["b.png", "b.pdf"], "data": "b.json", "manifest": "mb.json", "text": "tb.json",
    }  # fmt: skip
    bare = figure_job(cfg, NAME, ["f.png"], ["d.json"])
    assert bare.variant(0)[1] == {"figures": ["f.png"], "data": "d.json", "manifest": None,
                                  "text": None}  # fmt: skip


def test_render_draws_what_the_committed_figure_is(tmp_path, root, default_config):
    """Bytes as the pipeline's (this machine's pins): the same job, its files and manifest."""
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    (out / "manifest").mkdir()
    job = figure_job(
        config(root, default_config), NAME, [out / f"{NAME}.png"], [out / "data" / f"{NAME}.json"],
        [out / "manifest" / f"{NAME}.json"],
    )  # fmt: skip
    job.render()
    committed = root / "figures"
    manifest = json.loads((out / "manifest" / f"{NAME}.json").read_text())
    # in the tier the artifact check would apply: bytes with the committed figure's
    # versions and platform, else within its tolerances (e.g. at the dependency floors)
    from natgrad.pipeline.manifest import load_manifest, png_size
    from natgrad.tools.artifacts import compare_data, tier

    png, data = f"{NAME}.png", f"data/{NAME}.json"
    applied, why = tier(load_manifest(committed)[png], load_manifest(out)[png])
    if applied == "bytes":
        assert (out / png).read_bytes() == (committed / png).read_bytes()
        assert (out / data).read_bytes() == (committed / data).read_bytes()
    else:
        assert (
            compare_data(
                json.loads((committed / data).read_text()), json.loads((out / data).read_text())
            )
            == []
        )
        # another matplotlib places text anew (the artifact check's RMS tier is for
        # that); the job still draws the committed numbers at the committed size
        assert png_size(out / png) == png_size(committed / png), why
    assert manifest["inputs_sha256"] == job.inputs_sha256()[0]
