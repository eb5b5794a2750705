"""Rebuild every figure of the blog post "Natural gradients" from config.yaml.

snakemake --cores 4            # every figure and the claims table into figures/
snakemake --cores 4 sweep      # the trajectory figure at each of sweep.lrs
snakemake --report report.html # every figure with its caption
"""


include: "workflow/rules/common.smk"
include: "workflow/rules/sweep.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/export.smk"
include: "workflow/rules/stamps.smk"


rule all:
    """Build every figure of the post and the claims table, each with its manifest."""
    default_target: True
    input:
        [f for job in FIGURE_JOBS.values() for f in job.figures],
        [job.manifests[0] for job in FIGURE_JOBS.values()],
        rules.claims.output.manifest,
