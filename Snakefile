"""Rebuild every figure of the blog post "Natural gradients" from config.yaml.

    snakemake --cores 4            # all figures into config's output_dir (figures/)
    snakemake --report report.html # every figure with its caption
"""

import os
import sys
from pathlib import Path

# The workflow always uses the natgrad of its own checkout.
sys.path.insert(0, workflow.basedir)

from natgrad.config import (  # noqa: E402
    FIGURE_SECTIONS,
    ConfigError,
    artifact_hashes,
    check_output_dir,
    config_sha256,
    figure_params,
    load_config_file,
    load_schema,
    merge,
    validate_config,
)


# config.yaml is read here rather than by a `configfile:` directive so that an
# empty, malformed or non-mapping file gets a one-line message, not a traceback.
# Values given with --config or --configfile override it.
try:
    _checked = validate_config(
        merge(load_config_file(Path(workflow.basedir) / "config.yaml"), config),
        load_schema(Path(workflow.basedir) / "workflow/schemas/config.schema.yaml"),
    )
    check_output_dir(_checked["output_dir"])
except ConfigError as err:
    sys.exit(f"natgrad: {err}")
config.clear()
config.update(_checked)
if config["blog_assets"] and not Path(config["blog_assets"]).is_dir():
    sys.exit(
        f"natgrad: config key 'blog_assets': {config['blog_assets']!r} is not an existing "
        "directory; give the blog's assets folder, which export writes into"
    )

OUT = config["output_dir"]
FORMATS = config["formats"]
FIGURES = list(FIGURE_SECTIONS)
ARTIFACT_HASHES = artifact_hashes(config)
# Every figure depends on the library and the style: a change there rebuilds them.
# Paths relative to the working directory keep Snakemake's provenance records
# valid when the checkout moves.
NATGRAD = Path(os.path.relpath(Path(workflow.basedir, "natgrad")))
LIBRARY = sorted(str(p) for p in NATGRAD.glob("*.py"))
STYLE = str(NATGRAD / "natgrad.mplstyle")


def figure_files(name):
    return [f"{OUT}/{name}.{fmt}" for fmt in FORMATS]


def figure_outputs(name):
    """The figure in every configured format and its data sidecar, each in the report."""
    caption = f"workflow/report/{name}.rst"
    # (`report` must not start a line: Snakemake would read it as a directive.)
    figures = [report(f, caption=caption, category=name) for f in figure_files(name)]
    data = f"{OUT}/data/{name}.json"
    return {
        "figures": figures,
        "data": report(data, caption=caption, category=name),
        "manifest": f"{OUT}/manifest/{name}.json",
    }


def sweep_variant(lr):
    """The trajectory figure's section with the swept panel's learning rate set to lr."""
    section = figure_params(config, "gd_euclidean_mahalanobis")["figure"]
    panels = [dict(p) for p in section["panels"]]
    panels[config["sweep"]["panel"]]["lr"] = lr
    return dict(section, panels=panels)


def sweep_batches():
    """The sweep's learning rates in groups of sweep.batch_size, one job each."""
    lrs, size = config["sweep"]["lrs"], config["sweep"]["batch_size"]
    return [lrs[i : i + size] for i in range(0, len(lrs), size)]


def need_blog_assets(wildcards):
    if not config["blog_assets"]:
        sys.exit("natgrad: export needs the blog's assets folder: --config blog_assets=DIR")
    return []


rule all:
    """Build every figure of the post and the claims table, each with its manifest."""
    input:
        [f for name in FIGURES for f in figure_files(name)],
        expand("{out}/manifest/{name}.json", out=OUT, name=[*FIGURES, "claims"]),


rule claims:
    """Check every quantitative statement of the draft; fail if a verdict changes."""
    input:
        library=LIBRARY,
    output:
        md=report(f"{OUT}/claims.md", caption="workflow/report/claims.rst", category="claims"),
        json=f"{OUT}/claims.json",
        manifest=f"{OUT}/manifest/claims.json",
    params:
        claims=config["claims"],
        config_sha256=ARTIFACT_HASHES["claims"],
    log:
        "logs/claims.log",
    benchmark:
        "logs/benchmarks/claims.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/write_claims.py"


rule sweep:
    """Sweep target: the trajectory figure at every learning rate of config's sweep section."""
    input:
        expand("results/sweep/gd_lr{lr}.png", lr=config["sweep"]["lrs"]),


# One job draws sweep.batch_size variants: a process pays Python's and
# matplotlib's start-up (about a second) once for all of them. Batches are
# fixed by the config, so each is its own rule with explicit outputs.
for batch, lrs in enumerate(sweep_batches()):
    sections = [sweep_variant(lr) for lr in lrs]

    rule:
        """A batch of sweep variants: the trajectory figure at a few learning rates."""
        name:
            f"sweep_gd_{batch}"
        input:
            library=LIBRARY,
            style=STYLE,
        output:
            figures=[f"results/sweep/gd_lr{lr}.png" for lr in lrs],
            data=[f"results/sweep/data/gd_lr{lr}.json" for lr in lrs],
            manifest=[f"results/sweep/manifest/gd_lr{lr}.json" for lr in lrs],
        params:
            name="gd_euclidean_mahalanobis",
            figures=sections,
            usetex=config["usetex"],
            dpi=config["dpi"],
            on_divergence=config["on_divergence"],
            config_sha256=[config_sha256(section) for section in sections],
        log:
            f"logs/sweep/batch{batch}.log",
        benchmark:
            f"logs/benchmarks/sweep/batch{batch}.tsv"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5 + 2 * len(lrs),
        conda:
            "environment.yml"
        script:
            "workflow/scripts/render_sweep.py"


rule export:
    """Copy the post's figures into the blog's assets folder (--config blog_assets=DIR)."""
    input:
        need_blog_assets,
        figures=expand("{out}/{name}.png", out=OUT, name=FIGURES),
    params:
        dest=config["blog_assets"],
    log:
        "logs/export.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/export_assets.py"


rule equidistant_points:
    """Equidistant points under the Euclidean, diagonal and full Mahalanobis metrics."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("equidistant_points"),
    params:
        **figure_params(config, "equidistant_points"),
    log:
        "logs/equidistant_points.log",
    benchmark:
        "logs/benchmarks/equidistant_points.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"


rule gd_euclidean_mahalanobis:
    """Gradient descent vs steepest descent under the Mahalanobis metric on a quadratic."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("gd_euclidean_mahalanobis"),
    params:
        **figure_params(config, "gd_euclidean_mahalanobis"),
    log:
        "logs/gd_euclidean_mahalanobis.log",
    benchmark:
        "logs/benchmarks/gd_euclidean_mahalanobis.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"


rule gaussian_isocontours_fisher:
    """Log-likelihood contours of a Gaussian over (mu, log sigma)."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("gaussian_isocontours_fisher"),
    params:
        **figure_params(config, "gaussian_isocontours_fisher"),
    log:
        "logs/gaussian_isocontours_fisher.log",
    benchmark:
        "logs/benchmarks/gaussian_isocontours_fisher.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"


rule natural_gradient_gaussian_mle:
    """Gradient descent vs natural gradient fitting a Gaussian by maximum likelihood."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("natural_gradient_gaussian_mle"),
    params:
        **figure_params(config, "natural_gradient_gaussian_mle"),
    log:
        "logs/natural_gradient_gaussian_mle.log",
    benchmark:
        "logs/benchmarks/natural_gradient_gaussian_mle.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"


rule gaussian_fisher_ellipses:
    """The Fisher metric's unit balls shrinking as sigma falls."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("gaussian_fisher_ellipses"),
    params:
        **figure_params(config, "gaussian_fisher_ellipses"),
    log:
        "logs/gaussian_fisher_ellipses.log",
    benchmark:
        "logs/benchmarks/gaussian_fisher_ellipses.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"


rule adam_diagonal_preconditioning:
    """AdaGrad, RMSProp and Adam as diagonal metrics vs the full metric."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("adam_diagonal_preconditioning"),
    params:
        **figure_params(config, "adam_diagonal_preconditioning"),
    log:
        "logs/adam_diagonal_preconditioning.log",
    benchmark:
        "logs/benchmarks/adam_diagonal_preconditioning.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"


rule gaussian_kl_vs_euclidean:
    """Equal parameter distance, different KL divergence."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("gaussian_kl_vs_euclidean"),
    params:
        **figure_params(config, "gaussian_kl_vs_euclidean"),
    log:
        "logs/gaussian_kl_vs_euclidean.log",
    benchmark:
        "logs/benchmarks/gaussian_kl_vs_euclidean.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"


rule reparameterization_invariance:
    """Natural gradient takes the same path in every parameterisation."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("reparameterization_invariance"),
    params:
        **figure_params(config, "reparameterization_invariance"),
    log:
        "logs/reparameterization_invariance.log",
    benchmark:
        "logs/benchmarks/reparameterization_invariance.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"
