rule export:
    """Copy the post's figures (those config's post names) into the blog's assets folder."""
    input:
        need_blog_assets,
        figures=[f"{OUT}/{name}.png" for name in EXPORT],
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
