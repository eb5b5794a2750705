"""The blog's own engine for the post preview: Debian's ``jekyll``, watching a mirror of the blog.

Jekyll writes into the folder it builds (``.jekyll-metadata`` for an
incremental build, ``.jekyll-cache/``), so it builds a mirror of the blog
(:func:`mirror`, kept in step by :func:`sync`), never the blog itself, into a
scratch folder. It runs as ``jekyll build --watch --incremental``: one Ruby
process stays loaded, and a saved post is rebuilt alone where Jekyll can (a
layout's change rebuilds what uses it).

A small plugin of the preview's (:data:`PLUGIN`, in a plugins folder of its own
beside the blog's) prints, after every build, where each post was written, so
the preview knows the post's URL and when a rebuild is done; everything else
is the blog's own build. The site's ``url`` is set to the preview's address,
as ``jekyll serve`` sets it, so ``absolute_url`` and ``{{ site.url }}`` name
the preview and not the published site.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JekyllError", "Jekyll", "jekyll_command", "mirror", "sync", "install_hint"]

log = logging.getLogger("natgrad.preview")

#: Jekyll's own files in the folder it builds, never copied from the blog
#: (the blog's may be stale or from another version) nor removed from the mirror.
JEKYLL_OWN = frozenset({".jekyll-metadata", ".jekyll-cache", ".sass-cache", "_site", ".git"})

#: Printed by the plugin after each build: this marker, then JSON.
BUILT = "natgrad-preview-built "

PLUGIN = """\
# Written by natgrad's preview (natgrad/tools/preview/jekyll.py): after each build, where
# every post and page went, for the preview to find the post's URL.
require "json"

Jekyll::Hooks.register :site, :post_write do |site|
  urls = {}
  site.posts.docs.each { |doc| urls[doc.relative_path] = doc.url }
  site.pages.each { |page| urls[page.relative_path] = page.url }
  $stdout.puts "natgrad-preview-built " + JSON.generate(
    "baseurl" => site.baseurl.to_s, "urls" => urls
  )
  $stdout.flush
end
"""


class JekyllError(Exception):
    """Jekyll is missing or failed; the message is one line (what to install, or
    what Jekyll said)."""


def install_hint(blog: Path) -> str:
    """What to install for the blog: Debian's jekyll and a package per plugin the
    blog's config names (``jekyll-feed`` -> ``ruby-jekyll-feed``)."""
    packages = ["jekyll"]
    for plugin in _blog_config(blog).get("plugins") or []:
        if isinstance(plugin, str) and plugin.startswith("jekyll-"):
            packages.append(f"ruby-{plugin}")
    return "apt-get install " + " ".join(packages)


def _blog_config(blog: Path) -> dict:
    import yaml

    from ...pipeline.config import ConfigError, check_nesting

    path = _config_file(blog)
    if path is None or path.suffix == ".toml":
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}  # Jekyll says what is wrong with it
    # Ruby's YAML takes tabs after a key's colon (the author's config has them), PyYAML not
    for attempt in (text, text.replace("\t", " ")):
        try:
            check_nesting(attempt, path.name)  # PyYAML composes recursively
            loaded = yaml.safe_load(attempt)
            return loaded if isinstance(loaded, dict) else {}
        except (yaml.YAMLError, ConfigError):
            continue
    return {}


def _config_file(blog: Path) -> Path | None:
    """The config file Jekyll reads by default, as it looks for it."""
    for name in ("_config.yml", "_config.yaml", "_config.toml"):
        if (blog / name).is_file():
            return blog / name
    return None


def jekyll_command(blog: Path) -> tuple[list[str], dict[str, str]]:
    """``(argv prefix, environment)`` that runs the blog's Jekyll.

    The Gemfile's Jekyll (``bundle exec jekyll``) where Bundler can satisfy the
    Gemfile from what is installed; otherwise Debian's ``jekyll`` with
    ``JEKYLL_NO_BUNDLER_REQUIRE=true``, without which Jekyll would try the
    Gemfile itself and stop (the author's blog asks for Jekyll 3.6).

    Raises
    ------
    JekyllError
        When no ``jekyll`` is found, naming the packages to install.
    """
    env = dict(os.environ)
    if (blog / "Gemfile").is_file() and shutil.which("bundle"):
        check = subprocess.run(
            ["bundle", "check", "--dry-run"],
            cwd=blog,
            capture_output=True,
            text=True,
            env={**env, "BUNDLE_GEMFILE": str(blog / "Gemfile")},
        )
        if check.returncode == 0:
            return ["bundle", "exec", "jekyll"], {**env, "BUNDLE_GEMFILE": str(blog / "Gemfile")}
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        raise JekyllError(f"jekyll not found: {install_hint(blog)}")
    return [jekyll], {**env, "JEKYLL_NO_BUNDLER_REQUIRE": "true"}


def _skip(relative: Path) -> bool:
    return bool(relative.parts) and relative.parts[0] in JEKYLL_OWN


def mirror(blog: Path, copy: Path) -> None:
    """Make ``copy`` hold the blog's files (modification times kept, which
    Jekyll's incremental build compares), Jekyll's own files aside."""
    copy.mkdir(parents=True, exist_ok=True)
    seen = set()
    for dirpath, dirnames, filenames in os.walk(blog):
        here = Path(dirpath)
        rel_dir = here.relative_to(blog)
        dirnames[:] = [d for d in dirnames if not _skip(rel_dir / d)]
        for name in dirnames:  # os.walk does not follow them; say so for those leading out
            if (here / name).is_symlink() and (outside := _leaves(blog, here / name)):
                _report_link(rel_dir / name, outside)
        for name in filenames:
            rel = rel_dir / name
            if _skip(rel):
                continue
            seen.add(rel)
            sync(blog, copy, rel)
    for dirpath, _, filenames in os.walk(copy, topdown=False):
        rel_dir = Path(dirpath).relative_to(copy)
        if _skip(rel_dir):
            continue
        for name in filenames:
            if (rel_dir / name) not in seen and not _skip(rel_dir / name):
                (copy / rel_dir / name).unlink()


#: The symlinks out of the blog already reported (each is one line, once).
_reported: set[Path] = set()


def _leaves(blog: Path, source: Path) -> Path | None:
    """Where ``source`` leads when a symlink on its way leads out of the blog (None:
    it stays inside, or is no symlink)."""
    try:
        target = source.resolve()
        inside = target.is_relative_to(blog.resolve())
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        return source
    return None if inside else target


def _report_link(relative: Path, target: Path) -> None:
    if relative not in _reported:
        _reported.add(relative)
        log.warning(
            "natgrad preview: skipped %s: a symlink out of the blog (to %s), not served",
            relative.as_posix(),
            target,
        )


def sync(blog: Path, copy: Path, relative: Path) -> bool:
    """Bring one file of the mirror in step with the blog (copied, or removed when
    the blog has none); whether anything changed. A copy is written beside the
    mirror and renamed into it, so that Jekyll never reads half a file (nor sees
    a temporary one).

    A file reached through a symlink that leads out of the blog (itself, or a
    folder on its way) is never copied, as a safe Jekyll build would not follow
    it: it is skipped with one line, and what the mirror had there is removed.
    """
    if _skip(relative) or ".." in relative.parts or relative.is_absolute():
        return False
    source, target = blog / relative, copy / relative
    outside = _leaves(blog, source) if source.exists() or source.is_symlink() else None
    if outside is not None:
        _report_link(relative, outside)
        if target.is_file() or target.is_symlink():
            target.unlink()
            return True
        return False
    if source.is_file():
        st = source.stat()
        try:
            tt = target.stat()
            if tt.st_size == st.st_size and tt.st_mtime_ns == st.st_mtime_ns:
                return False
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = copy.parent / f"{copy.name}.sync"
        scratch.mkdir(exist_ok=True)
        temporary = scratch / target.name
        shutil.copy2(source, temporary)
        os.replace(temporary, target)
        return True
    if target.is_file() or target.is_symlink():
        target.unlink()
        return True
    return False


@dataclass
class Build:
    """What one finished build reported: the site's baseurl, each source's URL."""

    number: int
    baseurl: str
    urls: dict[str, str]


class Jekyll:
    """``jekyll build --watch --incremental`` of the mirror ``source`` into ``site``.

    Reads Jekyll's output in a thread: ``on_event(kind, value)`` is called with
    ``("building", None)`` when a rebuild starts, ``("built", Build)`` when one is
    written, ``("error", line)`` when one fails (the last good site stays).
    """

    def __init__(
        self,
        blog: Path,
        source: Path,
        site: Path,
        work: Path,
        url: str,
        on_event: Callable[[str, object], None],
        drafts: bool = False,
    ):
        self.blog, self.source, self.site, self.work = blog, source, site, work
        self.on_event = on_event
        self.output: list[str] = []
        self.builds = 0
        self.proc: subprocess.Popen | None = None
        argv, env = jekyll_command(blog)
        plugins = work / "jekyll-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        (plugins / "natgrad_preview.rb").write_text(PLUGIN)
        own = _blog_config(blog).get("plugins_dir", "_plugins")
        own_dirs = own if isinstance(own, list) else [own]
        preview_config = work / "jekyll-preview.yml"
        # JSON is YAML: the preview's address, and the blog's plugins beside its own
        preview_config.write_text(
            json.dumps(
                {
                    "url": url,
                    "plugins_dir": [str(source / str(d)) for d in own_dirs] + [str(plugins)],
                }
            )
            + "\n"
        )
        configs = [str(source / _config_file(blog).name)] if _config_file(blog) else []
        self.argv = [
            *argv,
            "build",
            "--watch",
            "--incremental",
            *(["--drafts"] if drafts else []),
            "--source",
            str(source),
            "--destination",
            str(site),
            "--config",
            ",".join([*configs, str(preview_config)]),
        ]
        self.env = env
        self._first = threading.Event()
        self._watching = threading.Event()
        self._first_error: str | None = None
        #: set when the preview stops Jekyll (or is stopping): its exit is no error then
        self.stopping = threading.Event()

    def start(self, timeout: float = 300) -> Build:
        """Start Jekyll and wait for its first build.

        Raises
        ------
        JekyllError
            With Jekyll's own one line when the first build fails.
        """
        try:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.source,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                bufsize=1,
            )
        except OSError as err:
            raise JekyllError(f"cannot run {self.argv[0]}: {err.strerror}") from None
        threading.Thread(target=self._read, daemon=True).start()
        if not self._first.wait(timeout):
            self.stop()
            raise JekyllError(f"jekyll did not finish its first build in {timeout:.0f} s")
        if self._first_error is not None:
            self.stop()
            raise JekyllError(self._first_error)
        self._watching.wait(30)
        return self.last

    def _read(self) -> None:
        error = None
        for raw in self.proc.stdout:
            # Jekyll names the mirror's files; the author knows the blog's
            line = raw.rstrip("\n").replace(str(self.source), str(self.blog))
            if line.startswith(BUILT):
                try:
                    report = json.loads(line[len(BUILT) :])
                except ValueError:
                    continue
                self.builds += 1
                self.last = Build(self.builds, report.get("baseurl", ""), report.get("urls", {}))
                error = None
                self._first.set()
                self._event("built", self.last)
                continue
            self.output.append(line)
            del self.output[:-200]
            text = line.strip()
            if text.startswith("Auto-regeneration:"):
                self._watching.set()  # Jekyll sees saves from now on
            elif text.startswith("Regenerating:"):
                self._event("building", None)
            elif error is None and _is_error(text):
                error = _one_line(text)
                if self._first.is_set():
                    self._event("error", error)
            elif text.startswith("...done in") and error is not None:
                error = None
        # Jekyll ended: before its first build, that is its failure
        if not self._first.is_set():
            self._first_error = error or _one_line(
                next((t.strip() for t in reversed(self.output) if t.strip()), "")
                or f"jekyll exited with status {self.proc.wait()}"
            )
            self._first.set()
        elif (status := self.proc.wait()) != 0 and not self.stopping.wait(5):
            # 0, or stopped by the preview: Jekyll stopped as asked (stop(), or a
            # signal to the whole group, which the preview stops on too): not an error
            self._event("error", f"jekyll stopped (status {status})")
        self._watching.set()

    def _event(self, kind: str, value) -> None:
        """``on_event``, which nothing may stop reading Jekyll's output."""
        try:
            self.on_event(kind, value)
        except Exception as err:  # noqa: BLE001 - the reader must outlive any failure
            log.error("natgrad preview: after jekyll's %s: %s: %s", kind, type(err).__name__, err)

    def stop(self) -> None:
        """End Jekyll (and wait for it)."""
        self.stopping.set()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_ERROR_WORDS = ("Error:", "Exception:", "error:", "Yikes!", "Could not", "cannot load")


def _is_error(text: str) -> bool:
    return any(w in text for w in _ERROR_WORDS) and "--trace" not in text


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _one_line(text: str) -> str:
    return " ".join(_ANSI.sub("", text).split())
