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


def _run_command(job, cwd, root):
    """The figure rule's command, as figures.smk runs it (common.smk puts the checkout
    on PYTHONPATH)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(root)}
    command = ["-P", "-m", "natgrad.pipeline.render", job.to_json(), "--log", "j.log"]
    return subprocess.run(
        [sys.executable, *command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_rule_s_command_draws_its_job_or_says_one_line(tmp_path, root, default_config):
    """``python3 -P -m natgrad.pipeline.render JOB --log LOG`` from a working directory
    that holds another ``natgrad`` (a decoy -P keeps out): the job drawn, or one line
    on the terminal and in the log, exit 1."""
    import copy

    from natgrad.pipeline.config import load_schema
    from natgrad.pipeline.jobs import figure_job
    from natgrad.pipeline.validate import validate_config

    (tmp_path / "natgrad").mkdir()
    (tmp_path / "natgrad" / "__init__.py").write_text("raise ImportError('the decoy')\n")
    schema = load_schema(root / "workflow" / "schemas" / "config.schema.yaml")
    name = "gd_euclidean_mahalanobis"
    good = figure_job(validate_config(default_config, schema), name, [f"{name}.png"],
                      [f"{name}.json"])  # fmt: skip
    result = _run_command(good, tmp_path, root)
    assert (result.returncode, result.stderr) == (0, "")
    assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / f"{name}.json").read_text())["figure"] == name

    cfg = copy.deepcopy(default_config)
    cfg[name]["panels"][0]["lr"] = 1e200
    bad = figure_job(validate_config(cfg, schema), name, ["bad.png"], ["bad.json"])
    result = _run_command(bad, tmp_path, root)
    said = f"natgrad: figure {name}: setting panels[0].lr = 1e+200: steepest descent diverged"
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(said)
    assert result.stderr in (tmp_path / "j.log").read_text()
    assert not (tmp_path / "bad.png").exists()
