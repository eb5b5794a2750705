# One rule definition draws every figure, and every batch of the sweep: a rule
# per job (named after the figure), so each keeps its log, benchmark and caption.


for rule_name, job in {**FIGURE_JOBS, **SWEEP_JOBS}.items():

    rule:
        """Draw a figure with its module natgrad/figures/<figure>.py, its sidecar and manifest."""
        name:
            rule_name
        input:
            code=ancient(code(job)),
            style=ancient(STYLE),
            stamp=stamp(rule_name),
        output:
            figures=reported(job, job.figures),
            data=reported(job, job.data),
            manifest=job.manifests,
            text=job.texts,
        log:
            f"logs/{rule_name}.log",
        benchmark:
            f"logs/benchmarks/{rule_name}.tsv"
        conda:
            ENV
        threads: THREADS
        resources:
            mem_mb=MEM_MB,
            runtime=runtime(len(job.variants)),
        params:
            job=job.to_json(),
        # the job's record, its outputs included (the same job as the outputs above)
        shell:
            "python3 -P -m natgrad.pipeline.render {params.job:q} --log {log:q}"
