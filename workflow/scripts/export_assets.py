"""Snakemake adapter: copy the post's figures into the blog's assets folder, nothing else.

Each copy goes to a temporary of its own beside its target, then is renamed onto it;
only that temporary is ever deleted: a file of the user's in the blog's folder, whatever
its name, is never touched (natgrad.pipeline.io's atomic_write also clears the leftovers
of killed writes, which in figures/ are the pipeline's own, here they may be the user's).
"""

import sys

sys.stderr = open(snakemake.log[0], "w")

import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402


def copy_into(src: Path, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(
        prefix=f".{dest.name}.natgrad-export.", suffix=".tmp", dir=dest.parent
    )
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


dest = Path(snakemake.params.dest)
for src in map(Path, snakemake.input.figures):
    copy_into(src, dest / src.name)
    print(f"exported {src} -> {dest / src.name}", file=sys.stderr)
