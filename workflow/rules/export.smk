# export: what it copies is EXPORT (common.smk: the figures the post shows).


rule export:
    """Copy the figures the post shows (config's post; else post_figures) into the blog's
    assets; with blog_text, write every figure's text into its _data and _includes too."""
    input:
        need_blog_assets,
        figures=[f"{OUT}/{name}" for name in EXPORT],
        blog_pngs=blog_text_inputs("png"),
        blog_texts=blog_text_inputs("text"),
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
        blog_text=config["blog_text"],
        captions={name: spec.summary for name, spec in FIGURES.items()},
    script:
        "../scripts/export_assets.py"
