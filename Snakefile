"""Rebuild every figure of the blog post "Natural gradients" from config.yaml.

    snakemake --cores 4            # all figures into config's output_dir (figures/)
    snakemake --report report.html # every figure with its caption
"""

import os
import sys
from pathlib import Path

# The workflow always uses the natgrad of its own checkout.
sys.path.insert(0, workflow.basedir)

from natgrad.config import ConfigError, load_schema, validate_config  # noqa: E402


configfile: Path(workflow.basedir) / "config.yaml"


try:
    config.update(
        validate_config(config, load_schema(Path(workflow.basedir) / "workflow/schemas/config.schema.yaml"))
    )
except ConfigError as err:
    sys.exit(f"natgrad: {err}")

OUT = config["output_dir"]
FORMATS = config["formats"]
FIGURES = ["equidistant_points", "gd_euclidean_mahalanobis", "gaussian_isocontours_fisher"]
# Every figure depends on the library and the style: a change there rebuilds them.
# Paths relative to the working directory keep Snakemake's provenance records
# valid when the checkout moves.
NATGRAD = Path(os.path.relpath(Path(workflow.basedir, "natgrad")))
LIBRARY = sorted(str(p) for p in NATGRAD.glob("*.py"))
STYLE = str(NATGRAD / "natgrad.mplstyle")


def figure_outputs(name):
    """The figure in every configured format (each in the report) and its data sidecar."""
    caption = f"workflow/report/{name}.rst"
    # (`report` must not start a line: Snakemake would read it as a directive.)
    figures = [report(f"{OUT}/{name}.{fmt}", caption=caption, category=name) for fmt in FORMATS]
    return {"figures": figures, "data": f"{OUT}/data/{name}.json"}


def figure_params(name, *shared):
    """The figure's own config section (plus shared sections) and the global text settings."""
    section = dict(config[name], **{key: config[key] for key in shared})
    return {"name": name, "figure": section, "usetex": config["usetex"], "dpi": config["dpi"]}


rule all:
    """Build every figure of the post."""
    input:
        expand("{out}/{name}.{fmt}", out=OUT, name=FIGURES, fmt=FORMATS),


rule equidistant_points:
    """Equidistant points under the Euclidean, diagonal and full Mahalanobis metrics."""
    input:
        library=LIBRARY,
        style=STYLE,
    output:
        **figure_outputs("equidistant_points"),
    params:
        **figure_params("equidistant_points"),
    log:
        "logs/equidistant_points.log",
    benchmark:
        "logs/benchmarks/equidistant_points.tsv"
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
        **figure_params("gd_euclidean_mahalanobis"),
    log:
        "logs/gd_euclidean_mahalanobis.log",
    benchmark:
        "logs/benchmarks/gd_euclidean_mahalanobis.tsv"
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
        **figure_params("gaussian_isocontours_fisher", "gaussian_data"),
    log:
        "logs/gaussian_isocontours_fisher.log",
    benchmark:
        "logs/benchmarks/gaussian_isocontours_fisher.tsv"
    conda:
        "environment.yml"
    script:
        "workflow/scripts/render_figure.py"
