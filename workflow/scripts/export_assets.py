"""Snakemake adapter: copy the post's figures into the blog's assets folder, nothing else;
with blog_text, also the figures' text: _data/natgrad.yml and _includes/natgrad-figure.html.

Each file goes to a temporary of its own beside its target, then is renamed onto it;
only that temporary is ever deleted: a file of the user's in the blog, whatever its
name, is never touched (natgrad.pipeline.io's atomic_write also clears the leftovers
of killed writes, which in figures/ are the pipeline's own, here they may be the user's).
"""

import sys

sys.stderr = open(snakemake.log[0], "w")

import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parents[1]))


def write_into(dest: Path, write) -> None:
    """``write(tmp)`` into a temporary of this run's own, then rename it onto ``dest``."""
    fd, tmp = tempfile.mkstemp(
        prefix=f".{dest.name}.natgrad-export.", suffix=".tmp", dir=dest.parent
    )
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


dest = Path(snakemake.params.dest)
for src in map(Path, snakemake.input.figures):
    write_into(dest / src.name, lambda tmp, src=src: shutil.copyfile(src, tmp))
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
        write_into(site / name, lambda tmp, text=text: Path(tmp).write_text(text, "utf-8"))
        print(f"wrote {site / name}", file=sys.stderr)
