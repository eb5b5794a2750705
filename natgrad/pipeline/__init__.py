"""The pipeline's plumbing: the config read and validated (config, validate), a job
and what it reads (jobs, sources), drawing a figure into files (render, the figure
rule's command; io), manifests and stamps, and the export (blog, post).

Snakemake's workflow (Snakefile, workflow/) calls only this package and
:mod:`natgrad.figures`; nothing here imports the tools.
"""
