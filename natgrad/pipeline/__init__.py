"""The pipeline's plumbing: config validation, what a job reads (sources), drawing a
figure into files (render, io), manifests, and reading the post for the export.

Snakemake's workflow (Snakefile, workflow/) calls only this package and
:mod:`natgrad.figures`; nothing here imports the tools.
"""
