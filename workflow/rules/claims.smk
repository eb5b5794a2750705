rule claims:
    """Check every quantitative statement of the draft; fail if a verdict changes."""
    input:
        code=ancient(CLAIMS_CODE),
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
        claims=config["claims"],
        config_sha256=config_sha256(config["claims"]),
        inputs_sha256=CLAIMS_INPUTS,
    script:
        "../scripts/write_claims.py"
