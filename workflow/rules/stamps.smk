# Staleness, decided one way (natgrad.pipeline.stamps): every job's stamp, the one
# timed input of its rule, is dated at the epoch where the job's manifests record
# the hash of its inputs as they are now, and after its outputs where they do not.
# Nothing else is written, a dry run included. Only the main process: a job's own
# run of the Snakefile (cluster executors) must not touch what the main one decided.
# Included last: every job is planned by then.

from natgrad.pipeline.sources import save_imports
from natgrad.pipeline.stamps import mark

if workflow.is_main_process:
    for _name, _job in {**FIGURE_JOBS, **SWEEP_JOBS}.items():
        mark(stamp(_name), _job.manifests, _job.inputs_sha256(), _job.outputs)
    mark(stamp("claims"), CLAIMS_OUTPUTS[-1:], [CLAIMS_INPUTS], CLAIMS_OUTPUTS)
    save_imports(CHECKED / "imports.json")
