"""The previews' watch loop, error lines and blog mirror, on the real file system."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from natgrad.tools.preview.errors import describe
from natgrad.tools.preview.jekyll import mirror, sync
from natgrad.tools.preview.watch import watch, watched
from tests.helpers.previews import METHODS, save, wait


class Watching:
    """``watch(paths)`` in a thread; each call's changes, and what ``config.yaml``
    held when the callback read it."""

    def __init__(self, paths, on_save=None):
        self.calls: list[set] = []
        self.seen: list[bytes] = []
        self.config = paths[0]
        self.on_save = on_save
        self.stop, ready = threading.Event(), threading.Event()
        self.thread = threading.Thread(
            target=watch, args=(paths, self._saved, self.stop, ready), daemon=True
        )
        self.thread.start()
        assert ready.wait(30), "the watch was never in place"

    def _saved(self, changes) -> None:
        self.calls.append(changes)
        try:
            self.seen.append(self.config.read_bytes())
        except OSError:
            self.seen.append(b"<missing>")
        if self.on_save is not None:
            self.on_save(changes)

    def sees(self, content: bytes, what: str) -> None:
        wait(lambda: self.seen and self.seen[-1] == content, what, timeout=20)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


@pytest.fixture
def checkout(tmp_path):
    root = tmp_path / "repo"
    for folder in ("natgrad/figures", "workflow/report"):
        (root / folder).mkdir(parents=True)
    (root / "config.yaml").write_bytes(b"linewidth: 0\n")
    (root / "natgrad" / "figures" / "a.py").write_bytes(b"# a\n")
    return root


def test_watched_names_the_config_and_the_folders(checkout):
    assert watched(checkout) == [
        checkout / "config.yaml",
        checkout / "natgrad",
        checkout / "workflow" / "report",
    ]


@pytest.mark.parametrize("method", METHODS)
def test_every_way_of_saving_is_seen_every_time(checkout, method):
    """A rename save replaces config.yaml's inode: a watch on the file saw the first and
    never another. Each method, three times over, each time the content it wrote."""
    watching = Watching(watched(checkout))
    try:
        config = checkout / "config.yaml"
        for i in range(1, 4):
            content = f"linewidth: {i}\n".encode()
            save(config, content, method, first=b"linewidth: broken\n")
            watching.sees(content, f"save {i} ({method})")
            time.sleep(0.1)  # the next save is another save, not part of this one
    finally:
        watching.close()


def test_many_files_at_once_and_only_the_watched_ones(checkout):
    """A git checkout writes many files in one go: every one of them is in the changes
    the callback is given (one call or several); a file beside config.yaml that the
    preview does not read is not."""
    watching = Watching(watched(checkout))
    try:
        names = [checkout / "natgrad" / "figures" / f"m{i}.py" for i in range(20)]
        for path in names:
            path.write_text("# new\n")
        (checkout / "README.md").write_text("not watched\n")
        (checkout / "config.yaml").write_bytes(b"linewidth: 9\n")
        watching.sees(b"linewidth: 9\n", "the checkout")

        def changed():
            return {Path(p) for call in watching.calls for _, p in call}

        wait(lambda: set(names) <= changed(), "every file of the checkout", timeout=20)
        assert checkout / "README.md" not in changed()
    finally:
        watching.close()


def test_the_loop_outlives_a_callback_that_raises(checkout, caplog):
    """The callback's first save raises something nobody expected: one line in the
    log, and the next save is seen and handled."""
    calls = []

    def on_save(changes):
        if changes:
            calls.append(changes)
            if len(calls) == 1:
                raise RuntimeError("nobody expected this")

    with caplog.at_level(logging.ERROR, logger="natgrad.preview"):
        watching = Watching(watched(checkout), on_save)
        try:
            save(checkout / "config.yaml", b"linewidth: 1\n", "in place")
            wait(lambda: calls, "the first save", timeout=20)
            wait(lambda: "nobody expected this" in caplog.text, "the error line", timeout=20)
            save(checkout / "config.yaml", b"linewidth: 2\n", "rename")
            watching.sees(b"linewidth: 2\n", "the save after the error")
            wait(lambda: len(calls) >= 2, "the callback called again", timeout=20)
        finally:
            watching.close()
    [line] = [r.getMessage() for r in caplog.records if "nobody expected" in r.getMessage()]
    assert "\n" not in line and "RuntimeError: nobody expected this" in line
    assert "tests/tools/test_preview_watch.py" in line  # where it was raised


# -- one line naming the file ---------------------------------------------------


def test_a_syntax_error_is_its_file_and_line(tmp_path):
    module = tmp_path / "natgrad" / "figures" / "x.py"
    module.parent.mkdir(parents=True)
    module.write_text("import os\n\ndef broken(:\n")
    with pytest.raises(SyntaxError) as caught:
        compile(module.read_text(), str(module), "exec")
    assert describe(caught.value, tmp_path) == (
        "natgrad/figures/x.py, line 3: SyntaxError: invalid syntax"
    )


def test_bytes_that_are_not_utf8_are_the_file_line_and_byte(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(b"a: 1\nb: 2 # \xff\n")
    with pytest.raises(UnicodeDecodeError) as caught:
        config.read_text(encoding="utf-8")
    assert describe(caught.value, tmp_path, config) == (
        "config.yaml, line 2: not UTF-8 text (byte 0xff)"
    )


def test_any_other_error_names_the_file_and_where_it_was_raised(tmp_path):
    root = Path(__file__).resolve().parents[2]
    with pytest.raises(OverflowError) as caught:
        float(10**400)
    line = describe(caught.value, root, root / "config.yaml")
    assert line.startswith("config.yaml: OverflowError: int too large to convert to float")
    assert line.endswith(f"(raised at tests/tools/test_preview_watch.py, line {_line('10**400')})")
    assert describe(ValueError("two\nlines"), root) == "ValueError: two lines"


def test_a_file_gone_mid_save_is_its_name(tmp_path):
    with pytest.raises(OSError) as caught:
        (tmp_path / "config.yaml").read_bytes()
    assert describe(caught.value, tmp_path) == "config.yaml: No such file or directory"


def _line(text: str) -> int:
    source = Path(__file__).read_text().splitlines()
    return next(i for i, line in enumerate(source, 1) if text in line and "float(" in line)


# -- the mirror serves only the blog ---------------------------------------------


@pytest.fixture
def blog_with_links(tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET-BYTES\n")
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "assets").mkdir()
    (blog / "index.md").write_text("home\n")
    (blog / "assets" / "logo.txt").write_text("logo\n")
    (blog / "assets" / "passwd.txt").symlink_to(secret)
    (blog / "_posts" / "2021-03-01-x.md").symlink_to(secret)
    (blog / "outside").symlink_to(secret.parent, target_is_directory=True)
    (blog / "assets" / "inside.txt").symlink_to(blog / "assets" / "logo.txt")
    return blog, tmp_path / "mirror", secret


def mirrored(copy: Path) -> dict[str, bytes]:
    return {
        p.relative_to(copy).as_posix(): p.read_bytes()
        for p in copy.rglob("*")
        if p.is_file() or p.is_symlink()
    }


def test_the_mirror_copies_no_symlink_out_of_the_blog(blog_with_links, caplog):
    blog, copy, secret = blog_with_links
    with caplog.at_level(logging.WARNING, logger="natgrad.preview"):
        mirror(blog, copy)
        mirror(blog, copy)  # again, as every start does: said once
    files = mirrored(copy)
    assert sorted(files) == ["assets/inside.txt", "assets/logo.txt", "index.md"]
    assert not any(b"SECRET" in data for data in files.values())
    assert files["assets/inside.txt"] == b"logo\n"  # a link within the blog is the blog's
    said = [r.getMessage() for r in caplog.records]
    for name in ("assets/passwd.txt", "_posts/2021-03-01-x.md", "outside"):
        [line] = [s for s in said if f"skipped {name}:" in s]
        target = secret.parent if name == "outside" else secret
        assert line.endswith(f"a symlink out of the blog (to {target}), not served")


def test_a_symlink_out_added_later_is_skipped_and_what_it_replaced_removed(tmp_path, caplog):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-BYTES\n")
    blog, copy = tmp_path / "blog", tmp_path / "mirror"
    (blog / "assets" / "deep").mkdir(parents=True)
    (blog / "assets" / "a.txt").write_text("a\n")
    mirror(blog, copy)
    assert (copy / "assets" / "a.txt").read_text() == "a\n"
    # replaced by a symlink out, while the preview runs; and a folder linked out
    (blog / "assets" / "a.txt").unlink()
    (blog / "assets" / "a.txt").symlink_to(secret)
    (blog / "assets" / "deep" / "out").symlink_to(tmp_path, target_is_directory=True)
    with caplog.at_level(logging.WARNING, logger="natgrad.preview"):
        assert sync(blog, copy, Path("assets/a.txt")) is True
        assert sync(blog, copy, Path("assets/deep/out/secret.txt")) is False
    assert not (copy / "assets" / "a.txt").exists()
    assert not any(b"SECRET" in data for data in mirrored(copy).values())
    assert "skipped assets/a.txt: a symlink out of the blog" in caplog.text
    assert "skipped assets/deep/out/secret.txt: a symlink out of the blog" in caplog.text
