# The sweep's jobs (SWEEP_JOBS, common.smk) are drawn by the render rule of figures.smk.


rule sweep:
    """Sweep target: the trajectory figure at every learning rate of config's sweep section."""
    input:
        [f for job in SWEEP_JOBS.values() for f in job.figures],
