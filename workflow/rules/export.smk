rule export:
    """Copy the figures the post shows (config's post; else post_figures) into the blog's assets."""
    input:
        need_blog_assets,
        figures=[f"{OUT}/{name}" for name in EXPORT],
    params:
        dest=config["blog_assets"],
    log:
        "logs/export.log",
    threads: THREADS
    resources:
        mem_mb=MEM_MB,
        runtime=runtime(len(EXPORT)),
    conda:
        ENV
    script:
        "../scripts/export_assets.py"
