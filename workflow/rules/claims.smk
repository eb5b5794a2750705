import json

from natgrad.pipeline.jobs import config_sha256
from natgrad.pipeline.manifest import inputs_sha256

# The claims table: its code and config, hashed as a figure job's are.
CLAIMS_CODE = sources("claims.py", "pipeline/io.py", "pipeline/manifest.py")
CLAIMS_SCRIPT = os.path.relpath(Path(workflow.basedir, "workflow", "scripts", "write_claims.py"))
CLAIMS_INPUTS = inputs_sha256(
    [*CLAIMS_CODE, CLAIMS_SCRIPT], json.dumps(config["claims"], sort_keys=True), workflow.basedir
)
CLAIMS_OUTPUTS = [f"{OUT}/claims.md", f"{OUT}/claims.json", f"{OUT}/manifest/claims.json"]


rule claims:
    """Check every quantitative statement of the draft; fail if a verdict changes."""
    input:
        code=ancient(CLAIMS_CODE),
        script=ancient(CLAIMS_SCRIPT),
        stamp=stamp("claims"),
    output:
        md=report(f"{OUT}/claims.md", caption="../report/claims.rst", category="claims"),
        json=f"{OUT}/claims.json",
        manifest=f"{OUT}/manifest/claims.json",
    log:
        "logs/claims.log",
    benchmark:
        "logs/benchmarks/claims.tsv"
    conda:
        ENV
    threads: THREADS
    resources:
        mem_mb=MEM_MB,
        runtime=runtime(1),
    params:
        claims=json.dumps(config["claims"], sort_keys=True),
        config_sha256=config_sha256(config["claims"]),
        inputs_sha256=CLAIMS_INPUTS,
    # shell:, as the figure jobs: a script:'s file is dated against the outputs
    shell:
        "python3 {input.script:q} {params.claims:q} {params.config_sha256} "
        "{params.inputs_sha256} {output.md:q} {output.json:q} {output.manifest:q} --log {log:q}"
