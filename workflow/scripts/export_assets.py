"""Snakemake adapter: copy the post's figures into the blog's assets folder, nothing else;
with blog_text, also the figures' text: _data/natgrad.yml and _includes/natgrad-figure.html."""

import sys

sys.stderr = open(snakemake.log[0], "w")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))

from natgrad.pipeline.io import atomic_write  # noqa: E402

dest = Path(snakemake.params.dest)
for src in map(Path, snakemake.input.figures):
    atomic_write(dest / src.name, lambda tmp, src=src: shutil.copyfile(src, tmp))
    print(f"exported {src} -> {dest / src.name}", file=sys.stderr)

if snakemake.params.blog_text:
    import json  # noqa: E402

    from natgrad.pipeline.blog import DATA_FILE, INCLUDE, INCLUDE_FILE, blog_data  # noqa: E402
    from natgrad.pipeline.manifest import png_size  # noqa: E402

    captions = snakemake.params.captions
    texts = {Path(p).stem: json.loads(Path(p).read_text()) for p in snakemake.input.blog_texts}
    sizes = {Path(p).stem: png_size(p) for p in snakemake.input.blog_pngs}
    site = dest.resolve().parent
    for name, text in ((DATA_FILE, blog_data(texts, sizes, captions)), (INCLUDE_FILE, INCLUDE)):
        (site / name).parent.mkdir(exist_ok=True)
        atomic_write(site / name, lambda tmp, text=text: Path(tmp).write_text(text, "utf-8"))
        print(f"wrote {site / name}", file=sys.stderr)
