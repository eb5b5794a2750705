"""natgrad.pipeline.render: a figure into files, deterministically, with one-line errors."""

import json

import pytest

from natgrad.pipeline.render import render


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_render_is_deterministic_and_atomic(tmp_path, default_config, fmt):
    params = default_config["equidistant_points"]
    outs = []
    for i in range(2):
        fig_path, data_path = tmp_path / f"{i}.{fmt}", tmp_path / f"{i}.json"
        render("equidistant_points", params, [fig_path], data_path, usetex=False)
        outs.append((fig_path.read_bytes(), data_path.read_text()))
    assert outs[0] == outs[1]
    head = outs[0][0][:400]
    assert b"Matplotlib" not in head or fmt == "svg"  # no version stamp in PNG/PDF headers
    if fmt == "png":
        assert b"Software" not in outs[0][0]
    if fmt == "pdf":
        assert b"CreationDate" not in outs[0][0] and b"Producer" not in outs[0][0]
    if fmt == "svg":
        assert b"<dc:date>" not in outs[0][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"0.{fmt}", "0.json", f"1.{fmt}", "1.json"]
    )  # no temporary file left behind
    assert json.loads(outs[0][1])["figure"] == "equidistant_points"


def test_render_unknown_figure(tmp_path):
    with pytest.raises(ValueError, match="unknown figure"):
        render("nope", {}, [tmp_path / "a.png"], tmp_path / "a.json")


def test_render_missing_directory(tmp_path, default_config):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        render(
            "equidistant_points",
            default_config["equidistant_points"],
            [tmp_path / "missing" / "a.png"],
            tmp_path / "missing" / "a.json",
            usetex=False,
        )


RENDER_ALL = """
import json, sys
from pathlib import Path
from natgrad.pipeline.config import load_config_file, load_schema
from natgrad.pipeline.validate import validate_config
from natgrad.pipeline.jobs import figure_job
from natgrad.figures import registry

cfg = validate_config(load_config_file("config.yaml"),
                      load_schema("workflow/schemas/config.schema.yaml"))
out = Path(sys.argv[1])
for name in registry():
    figure_job(cfg, name, [out / f"{name}.png"], [out / f"{name}.json"]).render()
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.slow
def test_figures_import_only_what_they_draw_with(tmp_path, root):
    # Start-up dominates a figure job (README, Benchmarks): no figure may pull in
    # pyplot (global state, a GUI backend search), seaborn or pandas (1.6 s), or
    # scipy (scipy.linalg alone took 0.27 s of a job, numpy.f2py coming with it).
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", RENDER_ALL, str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(json.loads(result.stdout))
    assert "matplotlib.figure" in modules and "matplotlib.backends.backend_agg" in modules
    assert not {"matplotlib.pyplot", "seaborn", "pandas", "scipy"} & modules



def _run_command(job, root, log):
    """The figure rule's command, as figures.smk runs it (common.smk puts the checkout
    on PYTHONPATH)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(root)}
    command = ["-P", "-m", "natgrad.pipeline.render", job.to_json(), "--log", str(log)]
    return subprocess.run(
        [sys.executable, *command], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_rule_s_command_draws_its_job_or_says_one_line(tmp_path, root, default_config):
    """``python3 -P -m natgrad.pipeline.render JOB --log LOG``: the job drawn, or one
    line on the terminal and in the log, and exit 1 (a working directory holding
    another natgrad, which -P keeps out: tests/test_reliability.py, the -d build)."""
    import copy

    from natgrad.pipeline.config import load_schema
    from natgrad.pipeline.jobs import figure_job
    from natgrad.pipeline.validate import validate_config

    schema = load_schema(root / "workflow" / "schemas" / "config.schema.yaml")
    name = "gd_euclidean_mahalanobis"
    png, data, log = tmp_path / f"{name}.png", tmp_path / f"{name}.json", tmp_path / "j.log"
    good = figure_job(validate_config(default_config, schema), name, [str(png)], [str(data)])
    result = _run_command(good, root, log)
    assert (result.returncode, result.stderr) == (0, ""), log.read_text()[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(data.read_text())["figure"] == name

    cfg = copy.deepcopy(default_config)
    cfg[name]["panels"][0]["lr"] = 1e200
    bad_png = tmp_path / "bad.png"
    bad = figure_job(validate_config(cfg, schema), name, [str(bad_png)], [str(tmp_path / "b.json")])
    result = _run_command(bad, root, log)
    said = f"natgrad: figure {name}: setting panels[0].lr = 1e+200: steepest descent diverged"
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(said)
    assert result.stderr in log.read_text()
    assert not bad_png.exists()
