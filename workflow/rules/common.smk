# Config, validated once; the jobs that draw; what each job reads.

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

# The workflow always uses the natgrad of its own checkout.
sys.path.insert(0, workflow.basedir)

from natgrad.pipeline.config import (  # noqa: E402
    ConfigError,
    command_line_values,
    config_sha256,
    figure_job,
    merge,
    prepare,
)
from natgrad.figures import registry  # noqa: E402
from natgrad.pipeline.manifest import align_times, inputs_sha256  # noqa: E402
from natgrad.pipeline.post import export_figures  # noqa: E402
from natgrad.pipeline.sources import imported_sources, load_imports, save_imports  # noqa: E402

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
    _overrides = merge(config, command_line_values(dict(workflow.config_settings.config)))
    _checked = prepare(workflow.basedir, _overrides, CHECKED)
    # The files export copies: those the post shows (read only when `post` is set).
    EXPORT = export_figures(_checked, FIGURES)
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
# --use-conda activates the rule's environment in front of it.
os.environ.update(PATH=os.pathsep.join([os.path.dirname(sys.executable), os.getenv("PATH", "")]))
ADAPTER = os.path.relpath(Path(workflow.basedir, "workflow", "scripts", "render.py"))


def sources(*modules):
    """The natgrad files the given modules import (transitively): a job's inputs, so
    that an edit reruns exactly the jobs that use the edited file. Relative to the
    working directory, so Snakemake's records survive a moved checkout."""
    return [os.path.relpath(p) for p in imported_sources(*(NATGRAD / m for m in modules))]


def code(job):
    """The files a job reads (:attr:`natgrad.pipeline.jobs.FigureJob.inputs`): the
    natgrad modules its figure imports, then the style and the adapter; relative
    to the working directory, as every input."""
    return [os.path.relpath(p) for p in job.inputs]


# Every figure of the post (and those it promises): one job each, writing its
# figure, its data, its text alternative (alt and description) and its manifest.
FIGURE_JOBS = {
    name: replace(
        figure_job(
            config,
            name,
            figures=[f"{OUT}/{name}.{fmt}" for fmt in config["formats"]],
            data=[f"{OUT}/data/{name}.json"],
            manifests=[f"{OUT}/manifest/{name}.json"],
            caption=f"../report/{name}.rst",
        ),
        texts=(f"{OUT}/text/{name}.json",),
    )
    for name in FIGURES
}


# The sweep: the trajectory figure at every learning rate of config's sweep
# section, into results/sweep/ (untracked). One job draws sweep.batch_size
# variants, so a process pays Python's and matplotlib's start-up once for all.
SWEEP_FIGURE = "gd_euclidean_mahalanobis"


def sweep_variant(lr):
    """The trajectory figure's section with the swept panel's learning rate set to lr."""
    section = config[SWEEP_FIGURE]
    panels = [dict(p) for p in section["panels"]]
    panels[config["sweep"]["panel"]]["lr"] = lr
    return dict(section, panels=panels)


def sweep_job(lrs):
    job = figure_job(
        config,
        SWEEP_FIGURE,
        sections=[sweep_variant(lr) for lr in lrs],
        figures=[f"results/sweep/gd_lr{lr}.png" for lr in lrs],
        data=[f"results/sweep/data/gd_lr{lr}.json" for lr in lrs],
        manifests=[f"results/sweep/manifest/gd_lr{lr}.json" for lr in lrs],
    )
    return replace(job, texts=tuple(f"results/sweep/text/gd_lr{lr}.json" for lr in lrs))


_lrs, _size = config["sweep"]["lrs"], config["sweep"]["batch_size"]
SWEEP_JOBS = {
    f"sweep_gd_{i // _size}": sweep_job(_lrs[i : i + _size]) for i in range(0, len(_lrs), _size)
}


# The claims table: its code and config, hashed as a figure job's are.
CLAIMS_CODE = sources("claims.py", "pipeline/io.py", "pipeline/manifest.py")
CLAIMS_INPUTS = inputs_sha256(
    CLAIMS_CODE, json.dumps(config["claims"], sort_keys=True), workflow.basedir
)
CLAIMS_OUTPUTS = [f"{OUT}/claims.md", f"{OUT}/claims.json", f"{OUT}/manifest/claims.json"]

# A fresh clone gives every file the same new time and has no Snakemake records,
# so Snakemake alone would redraw everything (or, after a touch, nothing when
# the config changed). Each job's manifest records the hash of its inputs: where
# it matches, the outputs are made newer than the inputs; where it does not, older.
# Only the main process: a job's own run of this file (cluster executors) must
# not touch what other jobs are writing.
if workflow.is_main_process:
    for _job in FIGURE_JOBS.values():
        align_times(_job.manifests[0], _job.outputs, code(_job), _job.inputs_sha256()[0])
    align_times(CLAIMS_OUTPUTS[-1], CLAIMS_OUTPUTS, CLAIMS_CODE, CLAIMS_INPUTS)
    save_imports(CHECKED / "imports.json")


def reported(job, files):
    """A job's files, each in the report with the figure's caption (if it has one)."""
    if not job.caption:
        return files
    return [report(f, caption=job.caption, category=job.name) for f in files]


# export: the blog's assets folder must exist before any job runs.
if config["blog_assets"] and not Path(config["blog_assets"]).is_dir():
    sys.exit(
        f"natgrad: config key 'blog_assets': {config['blog_assets']!r} is not an existing "
        "directory; give the blog's assets folder, which export writes into"
    )


# export with blog_text: the assets folder's parent is the Jekyll site it writes into,
# and the include shows each figure's PNG.
if config["blog_text"] and "png" not in config["formats"]:
    sys.exit(
        "natgrad: config key 'blog_text': the blog's include shows each figure's PNG; "
        "add png to formats"
    )
if config["blog_text"] and config["blog_assets"]:
    _site = Path(config["blog_assets"]).resolve().parent
    if not (_site / "_config.yml").is_file():
        sys.exit(
            f"natgrad: config key 'blog_text': {str(_site)!r}, the parent of blog_assets, "
            "has no _config.yml; blog_text writes into the Jekyll site whose assets folder "
            "blog_assets is"
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


def need_blog_assets(wildcards):
    if not config["blog_assets"]:
        sys.exit("natgrad: export needs the blog's assets folder: --config blog_assets=DIR")
    return []
