"""natgrad.pipeline.io: atomic writes that leave no temporaries behind, even after a hard kill."""

import os
import signal
import subprocess
import sys
import textwrap

from natgrad.pipeline.io import atomic_write, write_json


def test_atomic_write_replaces_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "a.json"
    write_json({"x": 1}, target)
    write_json({"x": 2}, target)
    assert target.read_text() == '{\n "x": 2\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_a_hard_killed_write_leaves_a_temporary_the_next_write_removes(tmp_path):
    """SIGKILL cannot be caught: its temporary stays until the same output is written again."""
    target = tmp_path / "fig.png"
    script = textwrap.dedent(
        f"""
        import os, signal, time
        from natgrad.pipeline.io import atomic_write
        def write(tmp):
            open(tmp, "w").write("half")
            os.kill(os.getpid(), signal.SIGKILL)
        atomic_write({str(target)!r}, write)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ.copy())
    assert proc.returncode == -signal.SIGKILL
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(".fig.png.") and left.name.endswith(".tmp")
    assert not target.exists()
    # a temporary of another output whose name starts the same is not touched
    other = tmp_path / ".fig.png.json.abcdefgh.tmp"
    other.write_text("someone else's")
    atomic_write(target, lambda tmp: open(tmp, "w").write("whole"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "fig.png"]
    assert target.read_text() == "whole"


def test_gitignore_ignores_the_temporaries(root, tmp_path):
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "figures/.fig.png.abcdefgh.tmp"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, "git would commit the temporaries of a killed build"
