# Config, validated once; the jobs that draw; what each job reads.

import os
import sys
from pathlib import Path

# The workflow always uses the natgrad of its own checkout.
sys.path.insert(0, workflow.basedir)

from natgrad.pipeline.config import ConfigError, overrides, prepare  # noqa: E402
from natgrad.pipeline.jobs import figure_job  # noqa: E402
from natgrad.figures import registry  # noqa: E402
from natgrad.pipeline.blog import check_blog_assets, check_blog_text, export_figures  # noqa: E402
from natgrad.pipeline.sources import imported_sources, load_imports  # noqa: E402

# config.yaml is read here rather than by a `configfile:` directive so that an
# empty, malformed or non-mapping file gets a one-line message, not a traceback.
# Values given with --config or --configfile override it; --config values mean
# what they would in config.yaml (Snakemake reads usetex=false as a string).
# The validated config (and the texts found drawable) are remembered there, so
# that a run whose config did not change imports neither jsonschema nor matplotlib.
CHECKED = Path(".snakemake", "natgrad")
FIGURES = registry()
# What each natgrad file imports (a job's inputs), remembered by file stamp.
load_imports(CHECKED / "imports.json")
try:
    _overrides = overrides(config, dict(workflow.config_settings.config))
    _checked = prepare(workflow.basedir, _overrides, CHECKED)
    # The files export copies: those the post shows (read only when `post` is set).
    EXPORT = export_figures(_checked, FIGURES)
    # export: the blog's assets folder must be one it may write, before any job runs
    # and before any stamp is dated (stamps.smk).
    if _checked["blog_assets"]:
        check_blog_assets(_checked, EXPORT)
    check_blog_text(_checked)
except ConfigError as err:
    sys.exit(f"natgrad: {err}")
config.clear()
config.update(_checked)

OUT = config["output_dir"]
NATGRAD = Path(workflow.basedir, "natgrad")
ENV = "../envs/natgrad.yaml"
# Resources of one job drawing n figures; stated once, for every executor.
THREADS = 1
MEM_MB = 1000


def runtime(n):
    """Minutes a job drawing n figures may take."""
    return 5 + 2 * n


STYLE = os.path.relpath(NATGRAD / "drawing" / "natgrad.mplstyle")
# A figure job runs by shell:, not script: (Snakemake's script preamble cost
# 0.07 s of wall time a job on two cores: benchmarks/bench_pipeline.py (i), (j)).
# Its `python3` is the interpreter running Snakemake, as for script:, unless
# --use-conda activates the rule's environment in front of it; either imports the
# natgrad of this checkout (and `python3 -P` not one in the working directory).
for _var, _first in ("PATH", os.path.dirname(sys.executable)), ("PYTHONPATH", workflow.basedir):
    os.environ[_var] = os.pathsep.join(filter(None, [_first, os.getenv(_var)]))


def code(job):
    """The natgrad files a job's code imports (:attr:`natgrad.pipeline.jobs.FigureJob.inputs`
    less the style, which the rule names), relative to the working directory, as
    every input."""
    return [f for f in map(os.path.relpath, job.inputs) if f != STYLE]


# Every figure of the post (and those it promises): one job each, writing its
# figure, its data, its text alternative (alt and description) and its manifest.
FIGURE_JOBS = {
    name: figure_job(
        config,
        name,
        figures=[f"{OUT}/{name}.{fmt}" for fmt in config["formats"]],
        data=[f"{OUT}/data/{name}.json"],
        manifests=[f"{OUT}/manifest/{name}.json"],
        texts=[f"{OUT}/text/{name}.json"],
        caption=f"../report/{name}.rst",
    )
    for name in FIGURES
}


def reported(job, files):
    """A job's files, each in the report with the figure's caption (if it has one)."""
    if not job.caption:
        return files
    return [report(f, caption=job.caption, category=job.name) for f in files]


# Staleness, decided one way (natgrad.pipeline.stamps; stamps.smk dates them): a
# job's code inputs are ancient() (their times count for nothing) and its one timed
# input is its stamp.
STAMPS = CHECKED / "stamps"


def stamp(rule_name):
    return str(STAMPS / rule_name)


def sources(*modules):
    """The natgrad files the given modules import (transitively): a job's inputs, so
    that an edit reruns exactly the jobs that use the edited file. Relative to the
    working directory, so Snakemake's records survive a moved checkout."""
    return [os.path.relpath(p) for p in imported_sources(*(NATGRAD / m for m in modules))]


def sweep_job(name, lrs):
    """Figure ``name`` (the trajectory figure) at each learning rate of ``lrs`` for the
    swept panel (config's sweep.panel), one job, into results/sweep/ (untracked)."""
    panel = config["sweep"]["panel"]
    sections = []
    for lr in lrs:
        panels = [dict(p) for p in config[name]["panels"]]
        panels[panel]["lr"] = lr
        sections.append(dict(config[name], panels=panels))
    return figure_job(
        config,
        name,
        sections=sections,
        figures=[f"results/sweep/gd_lr{lr}.png" for lr in lrs],
        data=[f"results/sweep/data/gd_lr{lr}.json" for lr in lrs],
        manifests=[f"results/sweep/manifest/gd_lr{lr}.json" for lr in lrs],
        texts=[f"results/sweep/text/gd_lr{lr}.json" for lr in lrs],
    )


def blog_text_inputs(kind):
    """export with blog_text: every figure's PNG ("png") or text ("text"); the data
    file lists them all, so a post's include of any figure finds it."""

    def files(wildcards):
        if not config["blog_text"]:
            return []
        if kind == "png":
            return [f"{OUT}/{name}.png" for name in FIGURES]
        return [f"{OUT}/text/{name}.json" for name in FIGURES]

    return files


# Only a job of export needs blog_assets, and only the DAG knows whether one is
# wanted (Snakemake sets the targets after it parses this file), so the check is
# here. It exits rather than raises: Snakemake wraps an exception of an input
# function in a traceback (it has no way to signal a user's error, snakemake issue
# 3214), and may even drop it (issue 3953); SystemExit passes through as one line.
def need_blog_assets(wildcards):
    if not config["blog_assets"]:
        sys.exit("natgrad: export needs the blog's assets folder: --config blog_assets=DIR")
    return []
