rule export:
    """Copy the post's figures into the blog's assets folder (--config blog_assets=DIR)."""
    input:
        need_blog_assets,
        figures=[f"{OUT}/{name}.png" for name in FIGURES],
    params:
        dest=config["blog_assets"],
    log:
        "logs/export.log",
    threads: THREADS
    resources:
        mem_mb=MEM_MB,
        runtime=runtime(len(FIGURES)),
    conda:
        ENV
    script:
        "../scripts/export_assets.py"
