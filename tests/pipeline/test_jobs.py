"""natgrad.pipeline.jobs: one figure job, planned by the Snakefile, read back by its rule."""

import json
from dataclasses import replace

import pytest

from natgrad.pipeline.config import load_schema
from natgrad.pipeline.jobs import CHECKOUT, FigureJob, figure_job, figure_params
from natgrad.pipeline.manifest import inputs_sha256
from natgrad.pipeline.sources import figure_inputs
from natgrad.pipeline.validate import validate_config

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
    # planned where it was made: the hashes of its inputs as they are now
    assert back == job and job.digests == tuple(replace(job, digests=None).inputs_sha256())
    assert [v["figure"]["n_steps"] for v in back.variants] == [section["n_steps"], 3]
    assert back.inputs_sha256() == job.inputs_sha256()
    assert back.outputs == [*job.figures, *job.data, *job.manifests, *job.texts]
    # the command uses the hashes the Snakefile planned, not its own
    planned = json.loads(text)
    planned["digests"] = ["x", "y"]
    assert FigureJob.from_json(json.dumps(planned)).inputs_sha256() == ["x", "y"]
    # one variant, as every figure but the sweep: its section and the shared settings
    alone = FigureJob.from_json(figure_job(cfg, "gd_euclidean_mahalanobis", ["a.png"],
                                           ["a.json"]).to_json())  # fmt: skip
    assert alone.variants[0]["figure"] == section and alone.variants[0]["dpi"] == cfg["dpi"]


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


def _sweep(root, default_config, **options):
    """gd_euclidean_mahalanobis in two variants: its section and one with 3 steps."""
    cfg = {**config(root, default_config), **options}
    section = cfg["gd_euclidean_mahalanobis"]
    return cfg, [section, {**section, "n_steps": 3}]


def test_each_variant_is_hashed_with_its_own_params(root, default_config, monkeypatch):
    """As its manifest records it: the job's files and the variant's params (sorted
    JSON), the same whether the variants are batched or not."""
    cfg, variants = _sweep(root, default_config)
    name = "gd_euclidean_mahalanobis"
    job = figure_job(cfg, name, ["a.png", "b.png"], ["a.json", "b.json"], sections=variants)
    expected = [
        inputs_sha256(
            figure_inputs(name),
            json.dumps(figure_params(cfg, name, v), sort_keys=True),
            root,
        )
        for v in variants
    ]
    assert job.inputs_sha256() == expected and expected[0] != expected[1]
    # the paths hashed are the checkout's, wherever the job is asked from
    monkeypatch.chdir(root / "natgrad")
    assert job.inputs_sha256() == expected
    alone = figure_job(cfg, name, ["b.png"], ["b.json"], sections=variants[1:])
    assert alone.inputs_sha256() == expected[1:]
    # planned hashes are used as given
    planned = FigureJob(job.name, job.variants, job.figures, job.data, digests=("p", "q"))
    assert planned.inputs_sha256() == ["p", "q"]


def test_build_draws_the_variant_asked_for(root, default_config):
    cfg, variants = _sweep(root, default_config)
    job = figure_job(cfg, "gd_euclidean_mahalanobis", ["a.png", "b.png"], ["a", "b"],
                     sections=variants)  # fmt: skip
    import matplotlib.pyplot as plt

    for i, variant in enumerate(variants):
        fig, data = job.build(i)
        plt.close(fig)
        # every panel's path: the start and one point a step
        paths = [p["iterates"] for p in data["panels"]]
        assert {len(p) for p in paths} == {variant["n_steps"] + 1}, i
    fig, data = job.build()  # the first, unless asked
    plt.close(fig)
    assert {len(p["iterates"]) for p in data["panels"]} == {variants[0]["n_steps"] + 1}


def test_build_follows_the_configs_on_divergence(root, default_config):
    """A step size that diverges: refused with "raise", drawn up to the last finite
    iterate with "stop" (the setting of the job's variant, not build's default)."""
    import matplotlib.pyplot as plt

    from natgrad.drawing.divergence import FigureError

    for setting in ("raise", "stop"):
        cfg, (section, _) = _sweep(root, default_config, on_divergence=setting)
        diverging = {**section, "panels": [{**p, "lr": 1e100} for p in section["panels"]]}
        job = figure_job(cfg, "gd_euclidean_mahalanobis", ["a.png"], ["a.json"],
                         sections=[diverging])  # fmt: skip
        if setting == "raise":
            with pytest.raises(FigureError):
                job.build()
        else:
            fig, _ = job.build()
            plt.close(fig)


def test_render_without_manifests_draws_each_variant_into_its_own_files(
    tmp_path, root, default_config
):
    """The live previews' way: no manifest; each variant's formats in order, its data."""
    cfg, variants = _sweep(root, default_config, dpi=20)
    figures = [tmp_path / f"{i}.{fmt}" for i in range(2) for fmt in ("png", "svg")]
    data = [tmp_path / f"{i}.json" for i in range(2)]
    job = figure_job(cfg, "gd_euclidean_mahalanobis", figures, data, sections=variants)
    job.render()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in figures + data)
    width, height = variants[0]["figsize"]
    for i, variant in enumerate(variants):
        assert json.loads(data[i].read_text())["params"]["n_steps"] == variant["n_steps"]
        png, svg = figures[2 * i], figures[2 * i + 1]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        from natgrad.pipeline.manifest import png_size

        assert png_size(png) == [width * cfg["dpi"], height * cfg["dpi"]]
        assert b"<svg" in svg.read_bytes()[:400]


def test_render_with_manifests_writes_one_a_variant_with_its_hashes(tmp_path, root, default_config):
    from natgrad.pipeline.manifest import png_size

    cfg, variants = _sweep(root, default_config, dpi=20)
    (tmp_path / "data").mkdir()
    (tmp_path / "manifest").mkdir()
    figures = [tmp_path / f"v{i}.png" for i in range(2)]
    data = [tmp_path / "data" / f"v{i}.json" for i in range(2)]
    manifests = [tmp_path / "manifest" / f"v{i}.json" for i in range(2)]
    job = figure_job(cfg, "gd_euclidean_mahalanobis", figures, data, manifests,
                     sections=variants)  # fmt: skip
    job.render()
    for i, variant in enumerate(variants):
        recorded = json.loads(manifests[i].read_text())
        assert recorded["inputs_sha256"] == job.inputs_sha256()[i]
        params = figure_params(cfg, "gd_euclidean_mahalanobis", variant)
        assert {e["config_sha256"] for e in recorded["artifacts"].values()} == {
            params["config_sha256"]
        }
        assert set(recorded["artifacts"]) == {f"v{i}.png", f"data/v{i}.json"}
        assert json.loads(data[i].read_text())["params"]["n_steps"] == variant["n_steps"]
        assert png_size(figures[i]) == [w * cfg["dpi"] for w in variant["figsize"]]


def test_text_alternatives_travel_with_the_job_and_are_written_a_variant(
    tmp_path, root, default_config
):
    """``texts``: one text alternative a variant, in the record to_json writes (the
    command's and the preview's worker's), written by render with or without
    manifests; a job without them writes none (above) and names none."""
    from dataclasses import replace

    cfg, variants = _sweep(root, default_config, dpi=20)
    name = "gd_euclidean_mahalanobis"
    for with_manifests in (False, True):
        out = tmp_path / f"manifests_{with_manifests}"
        (out / "manifest").mkdir(parents=True)
        figures = [out / f"v{i}.png" for i in range(2)]
        data = [out / f"v{i}.json" for i in range(2)]
        manifests = [out / "manifest" / f"v{i}.json" for i in range(2)] if with_manifests else []
        texts = [out / f"v{i}.text.json" for i in range(2)]
        plain = figure_job(cfg, name, figures, data, manifests, sections=variants)
        assert json.loads(plain.to_json())["texts"] == []
        job = replace(plain, texts=tuple(map(str, texts)))
        assert job.outputs == [*plain.outputs, *map(str, texts)]
        spec = json.loads(job.to_json())
        assert spec["texts"] == [str(t) for t in texts]
        assert FigureJob.from_json(job.to_json()).texts == job.texts
        assert FigureJob.from_json(job.to_json()) == job
        job.render()
        for i, variant in enumerate(variants):
            said = json.loads(texts[i].read_text())
            assert said["alt"] and said["description"], (with_manifests, i)
            assert json.loads(data[i].read_text())["params"]["n_steps"] == variant["n_steps"]
        # each variant its own text: the two sweeps take different numbers of steps
        assert texts[0].read_text() != texts[1].read_text()


def test_render_names_the_variant_of_a_batch_that_diverges(tmp_path, root, default_config):
    """In a batch (the sweep) the error starts with the variant's file; a figure of one
    variant is named by the figure alone."""
    from natgrad.drawing.divergence import FigureError

    cfg, (section, _) = _sweep(root, default_config, dpi=20)
    diverging = {**section, "panels": [{**p, "lr": 1e100} for p in section["panels"]]}
    figures, data = [tmp_path / "ok.png", tmp_path / "bad.png"], [tmp_path / "a", tmp_path / "b"]
    batch = figure_job(cfg, "gd_euclidean_mahalanobis", figures, data,
                       sections=[section, diverging])  # fmt: skip
    with pytest.raises(FigureError) as err:
        batch.render()
    assert str(err.value).startswith("bad: figure gd_euclidean_mahalanobis: setting panels[0].lr")
    alone = figure_job(cfg, "gd_euclidean_mahalanobis", figures[1:], data[1:],
                       sections=[diverging])  # fmt: skip
    with pytest.raises(FigureError) as err:
        alone.render()
    assert str(err.value).startswith("figure gd_euclidean_mahalanobis: setting panels[0].lr")


def test_a_job_made_without_its_hashes_hands_them_on(root, default_config):
    """A FigureJob made by hand (no digests): its JSON carries the hashes of its inputs
    as they are, so the command draws what was planned."""
    planned = figure_job(config(root, default_config), NAME, ["f.png"], ["d.json"])
    by_hand = replace(planned, digests=None)
    back = FigureJob.from_json(by_hand.to_json())
    assert back.digests == planned.digests and back == planned
