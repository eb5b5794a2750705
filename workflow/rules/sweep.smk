# The sweep: the trajectory figure at every learning rate of config's sweep section.
# One job draws sweep.batch_size variants, so a process pays Python's and
# matplotlib's start-up once for all; the rule of figures.smk draws them.
_lrs, _size = config["sweep"]["lrs"], config["sweep"]["batch_size"]
SWEEP_JOBS = {
    f"sweep_gd_{i // _size}": sweep_job("gd_euclidean_mahalanobis", _lrs[i : i + _size])
    for i in range(0, len(_lrs), _size)
}


rule sweep:
    """Sweep target: the trajectory figure at every learning rate of config's sweep section."""
    input:
        [f for job in SWEEP_JOBS.values() for f in job.figures],
