rule export:
    """Copy the figures the post shows (config's post; else post_figures) into the blog's assets."""
    input:
        need_blog_assets,
        figures=[f"{OUT}/{name}" for name in EXPORT],
    log:
        "logs/export.log",
    conda:
        ENV
    threads: THREADS
    resources:
        mem_mb=MEM_MB,
        runtime=runtime(len(EXPORT)),
    params:
        dest=config["blog_assets"],
    script:
        "../scripts/export_assets.py"
