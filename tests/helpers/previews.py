"""One helper for the tests that run a live preview: the real command, in a session of
its own, its terminal read as a person reads it."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def wait(condition, what: str, timeout: float = 60, log=None):
    """``condition()``'s first true value, polled every 20 ms; an AssertionError
    naming ``what`` (and ``log()``, the process's output so far) after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}" + (f"; log:\n{log()}" if log else ""))


class Running:
    """``python -m natgrad.preview ARGS`` in the checkout ``repo``, on a free port.

    In a session of its own, so that :meth:`stop` and :meth:`kill` reach the
    preview's fork server, workers and Jekyll too, whatever state they are in.
    Its stderr is read on: a full pipe would block the preview's next write.
    """

    #: where the preview answers with its state (the gallery's; the post's is below)
    STATE = "/state"

    def __init__(self, repo: Path, *args: str, start: float = 120):
        self.repo = repo
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "natgrad.preview", "--port", "0", *args],
            cwd=repo,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        self.log: list[str] = []
        try:
            self._wait_for_start(start)
        except BaseException:
            self.kill()
            raise
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _wait_for_start(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                raise AssertionError("the preview exited:\n" + "".join(self.log))
            self.log.append(line)
            if line.startswith("natgrad preview: http://127.0.0.1:"):
                self.url = line.split()[2]
                self.port = int(self.url.split(":")[2].split("/")[0])
                return
        raise AssertionError("the preview did not start:\n" + "".join(self.log))

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)

    def request(self, method: str, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        # the path is sent as written, not normalised
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        if response.getheader("Content-Type", "").startswith("text/event-stream"):
            # an event stream never ends (its keep-alives outlive any read timeout): its
            # status is the answer; events() reads its events in bounded time
            conn.close()
            return response.status, b""
        body = response.read()
        conn.close()
        return response.status, body

    def state(self) -> dict:
        return json.loads(self.request("GET", self.STATE)[1])

    def version(self, name: str) -> int:
        return {f["name"]: f["version"] for f in self.state()["figures"]}[name]

    def wait(self, condition, what: str, timeout: float = 60):
        return wait(condition, what, timeout, log=self.stderr)

    def stderr(self) -> str:
        return "".join(self.log)

    def said(self, text: str, timeout: float = 60) -> None:
        """Until the preview's terminal output holds ``text``: a thread reads its pipe,
        so a line may arrive after what the line reports is seen elsewhere."""
        self.wait(lambda: text in self.stderr(), f"the terminal's {text!r}", timeout)

    def edit(self, old: str, new: str) -> None:
        config = self.repo / "config.yaml"
        text = config.read_text()
        assert old in text, old
        config.write_text(text.replace(old, new, 1))

    def stop(self, timeout: float = 30, group: bool = False) -> int:
        """Ctrl-C, as a person stops it (``group``: to every process of its session,
        as a terminal sends it); whatever is left of its processes after ``timeout``
        is killed, and a preview that had not stopped is an error."""
        try:
            if self.proc.poll() is None:
                if group:
                    os.killpg(self.proc.pid, signal.SIGINT)
                else:
                    self.proc.send_signal(signal.SIGINT)
                self.proc.wait(timeout=timeout)
        finally:
            self.kill()
            self.reader.join(timeout=10)
        return self.proc.returncode

    def kill(self) -> None:
        """End every process of the preview's session: it, its fork server, its workers."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)

    def group(self) -> list[int]:
        """Processes still alive in the preview's session (its own pid is the group's id)."""
        return group_of(self.proc.pid)


class RunningPost(Running):
    """``python -m natgrad.preview --blog BLOG --post POST`` in the checkout ``repo``."""

    STATE = "/__natgrad/state"

    def __init__(self, repo: Path, blog: Path, post: Path):
        self.blog, self.post = blog, post
        super().__init__(repo, "--blog", str(blog), "--post", str(post), start=300)

    def version(self, name: str) -> int:
        return self.state()["figures"][name]["version"]


def group_of(pgid: int) -> list[int]:
    """Processes alive in the process group ``pgid``, zombies left out."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == pgid and fields[0] != "Z":  # pgrp, not a zombie
            alive.append(int(stat.parent.name))
    return alive


# -- the post page in a browser ----------------------------------------------------

# Each of the pipeline's figures on the post's page once its image has loaded:
# version the script gave it, rendered width, and the line beside it.
FIGURE_STATE = """
const out = {};
for (const img of document.images) {
  const name = img.dataset.natgradFigure;
  if (!name || !img.complete || !img.naturalWidth) continue;
  const box = document.querySelector('.natgrad-status[data-natgrad-for="' + name + '"]');
  out[name] = {version: img.dataset.natgradVersion, src: img.currentSrc,
               width: img.getBoundingClientRect().width, natural: img.naturalWidth,
               status: box ? box.innerText : ""};
}
return out;
"""

# The bytes of a URL as the page fetches them, base64 (an async script).
FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {cache: "no-store"}).then((r) => r.arrayBuffer()).then((buffer) => {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  done(btoa(text));
}).catch((e) => done("failed: " + e));
"""

# The error lines the post's page shows (its panel, beside its figures).
PAGE_ERRORS = """
return Array.from(document.querySelectorAll('.natgrad-error'), (e) => e.textContent)
  .filter((t) => t);
"""
PAGE_TEXT = "return document.body ? document.body.innerText : ''"


def shown(driver, names) -> dict | None:
    """Each figure of ``names`` on the post's page (FIGURE_STATE), or None until all are."""
    try:
        state = driver.execute_script(FIGURE_STATE)
    except Exception:  # noqa: BLE001 - the page is reloading: not shown yet
        return None
    return state if all(n in state for n in names) else None


def page_bytes(driver, url: str) -> bytes:
    """What the page gets for ``url`` (its own fetch, as its images do)."""
    import base64

    encoded = driver.execute_async_script(FETCH, url)
    assert not encoded.startswith("failed"), encoded
    return base64.b64decode(encoded)


# -- a day of editing ------------------------------------------------------------

#: The soak's post: two of the pipeline's figures and a paragraph the day edits.
SOAK_FIGURES = ("equidistant_points", "gd_euclidean_mahalanobis")
SOAK_POST = (
    "---\nlayout: post\ntitle: A day of editing\n---\n\nA paragraph to edit: start.\n\n"
    + "".join(
        f'<figure>\n  <img src="/assets/{n}.png">\n  <figcaption>{n}</figcaption>\n</figure>\n\n'
        for n in SOAK_FIGURES
    )
)

#: How a save reaches the disk, as editors, tools and git do it.
METHODS = ("in place", "rename", "delete-create", "twice")


def save(path: Path, content: bytes, method: str, first: bytes | None = None) -> None:
    """Write ``content`` to ``path`` as ``method`` does: in place (truncate and write),
    rename (a temporary file ``os.replace``-d over it: sed -i, vim, "safe write"),
    delete-create (unlink, then a new file), twice (``first``, then ``content`` at once,
    within the preview's debounce)."""
    if method == "rename":
        temporary = path.with_name(f".{path.name}.soak~")
        temporary.write_bytes(content)
        os.replace(temporary, path)
    elif method == "delete-create":
        path.unlink()
        path.write_bytes(content)
    elif method == "twice":
        path.write_bytes(first if first is not None else content + b"\n")
        path.write_bytes(content)
    else:
        path.write_bytes(content)


class Day:
    """A scripted day of editing the post preview's checkout and blog (``running``, a
    :class:`RunningPost` on :data:`SOAK_POST`) while ``driver`` keeps its page open.

    Each step saves a valid or an invalid version of one of five files (config.yaml,
    a figure's module, a natgrad module, a caption, the post) by one of
    :data:`METHODS`, or valid versions of all five at once (as a ``git checkout``
    does); an invalid save is followed by its fix. After each save it waits for the
    page to show it: an invalid save's one error line naming its file (on the page
    and in the terminal), a valid one's new figure, caption or text and no error.
    The step's numbers come from a seeded generator.
    """

    NAME = "equidistant_points"

    def __init__(self, running, driver, seed: int = 29, timeout: float = 60):
        import random

        self.running, self.driver, self.timeout = running, driver, timeout
        self.random = random.Random(seed)
        repo = running.repo
        self.files = {
            "config": repo / "config.yaml",
            "figure": repo / "natgrad" / "figures" / f"{self.NAME}.py",
            "natgrad": repo / "natgrad" / "metrics.py",
            "caption": repo / "workflow" / "report" / f"{self.NAME}.rst",
            "post": running.post,
        }
        self.original = {k: p.read_bytes() for k, p in self.files.items()}
        self.saves = self.errors = self.recoveries = 0
        #: save-to-page (s) of each valid save, by the kind of file saved
        self.latencies: dict[str, list[float]] = {}
        self.history: list[tuple[str, str, str]] = []
        self.n = 0
        self.linewidth = self._linewidth(self.original["config"])

    @staticmethod
    def _linewidth(config: bytes) -> int:
        import re

        return int(re.search(rb"\n  linewidth: (\d+)\n", config).group(1))

    # what a valid and an invalid save of each file is
    def valid(self, what: str) -> bytes:
        """A new valid version of ``what``, unlike every earlier one."""
        self.n += 1
        text = self.original[what]
        if what == "config":
            width = self.random.choice([w for w in (2, 3, 4, 5, 6, 7) if w != self.linewidth])
            self.linewidth = width
            old = f"\n  linewidth: {self._linewidth(text)}\n".encode()
            return text.replace(old, f"\n  linewidth: {width}\n".encode(), 1)
        if what in ("figure", "natgrad"):
            return text + f"\n# soak save {self.n}\n".encode()
        if what == "caption":
            return text.replace(b"Equidistant points", f"Equidistant (soak {self.n})".encode(), 1)
        return text.replace(b"A paragraph to edit: start.", f"A paragraph: soak {self.n}.".encode())

    def invalid(self, what: str) -> tuple[bytes, tuple[str, ...]]:
        """A broken version of ``what``, and the words its error line must hold."""
        text, pick = self.original[what], self.random.randrange(3)
        if what == "config":
            return [
                (text.replace(b"\n  linewidth:", b"\n  # \xff\n  linewidth:", 1), ("config.yaml",)),
                (text.replace(b"\n  linewidth:", b"\n  linewidht:", 1), ("linewidht",)),
                (text.replace(b"\ndpi: ", b"\ndpi: 1" + b"0" * 400 + b" #", 1), ("dpi", "config")),
            ][pick]
        if what == "figure":
            return text + b"\ndef broken(:\n", ("natgrad/figures/equidistant_points.py",)
        if what == "natgrad":
            if pick:
                return text + b"\ndef broken(:\n", ("natgrad/metrics.py",)
            return text + b"\nimport natgrad_no_such_module\n", ("natgrad/metrics.py",)
        if what == "caption":
            return b"\xff" + text, ("workflow/report/equidistant_points.rst",)
        return text + b"\n{% nosuchtag %}\n", ("nosuchtag",)

    # what the preview shows
    def state(self) -> dict:
        return self.running.state()

    def state_errors(self) -> list[str]:
        state = self.state()
        found = [state["config_error"], state["site"]["error"]]
        found += [f["error"] for f in state["figures"].values()]
        return [e for e in found if e]

    def page(self, script: str):
        try:
            return self.driver.execute_script(script)
        except Exception:  # noqa: BLE001 - the page is reloading after a rebuild
            return None

    def versions(self) -> dict[str, int]:
        return {n: f["version"] for n, f in self.state()["figures"].items()}

    def page_versions(self) -> dict[str, str] | None:
        figures = shown(self.driver, SOAK_FIGURES)
        return {n: f["version"] for n, f in figures.items()} if figures else None

    def wait(self, condition, what: str):
        return self.running.wait(condition, what, self.timeout)

    # the day
    def step(self, what: str, content: bytes, method: str, words=None, first=None) -> None:
        """Save ``content`` to ``what`` by ``method`` and wait for the page to show it:
        the error line holding one of ``words``, or (``words`` None) the change itself;
        ``first``: the broken content this save fixes (and, saved ``twice``, writes first)."""
        path = self.files[what]
        if first is None:  # not the fix of a broken save: nothing wrong yet
            self.wait(lambda: not self.page(PAGE_ERRORS), "a page without errors")
        page_before = self.wait(self.page_versions, "the page's figures")
        before = self.versions()
        text_before = self.running.stderr()
        start = time.monotonic()
        save(path, content, method, first)
        self.saves += 1
        self.history.append((what, method, "broken" if words else "good"))
        if words is not None:

            def line():  # noqa: E306
                shown_errors = self.page(PAGE_ERRORS) or []
                return next((e for e in shown_errors if any(w in e for w in words)), None)

            error = self.wait(line, f"the error of a broken {what} ({method}) on the page")
            assert "\n" not in error, error
            self.wait(
                lambda: error in self.running.stderr()[len(text_before) :] or error in text_before,
                f"the terminal's line for a broken {what}",
            )
            self.errors += 1
            return
        self.wait(lambda: not self.state_errors(), f"no error after a valid {what} ({method})")
        if what in ("config", "figure", "natgrad"):
            names = SOAK_FIGURES if what == "natgrad" else (self.NAME,)
            self.wait(
                lambda: (v := self.page_versions()) and all(v[n] != page_before[n] for n in names),
                f"the redrawn figure after a valid {what} ({method})",
            )
            self.latencies.setdefault(what, []).append(time.monotonic() - start)
            others = set(SOAK_FIGURES) - set(names)
            after = self.versions()
            assert all(after[n] == before[n] for n in others), (before, after, self.history[-4:])
        elif what == "caption":
            marker = f"(soak {self.n})"
            self.wait(
                lambda: marker in self.state()["figures"][self.NAME]["caption"], "the new caption"
            )
        else:
            marker = f"A paragraph: soak {self.n}."
            self.wait(lambda: marker in (self.page(PAGE_TEXT) or ""), "the edited post")
            self.latencies.setdefault(what, []).append(time.monotonic() - start)

    def batch(self) -> None:
        """Valid versions of every file at once, each by rename (a git checkout)."""
        page_before = self.wait(self.page_versions, "the page's figures")
        contents = {what: self.valid(what) for what in self.files}
        for what, content in contents.items():
            save(self.files[what], content, "rename")
        self.saves += len(contents)
        self.wait(lambda: not self.state_errors(), "no error after a checkout")
        self.wait(
            lambda: (
                (v := self.page_versions()) and all(v[n] != page_before[n] for n in SOAK_FIGURES)
            ),
            "every figure redrawn after a checkout",
        )
        self.wait(
            lambda: f"A paragraph: soak {self.n}." in (self.page(PAGE_TEXT) or ""),
            "the checked-out post",
        )

    def run(self, saves: int) -> None:
        """At least ``saves`` saves, then every file back as it was (by rename, all at
        once). The methods take turns, so that even a short day saves every way; a
        checkout of every file comes first, then at random."""
        kinds = list(self.files)
        turn = 0
        self.batch()
        while self.saves < saves:
            if self.random.random() < 0.05:
                self.batch()
                continue
            what = self.random.choice(kinds)
            method, fix = METHODS[turn % len(METHODS)], METHODS[(turn + 1) % len(METHODS)]
            turn += 1
            if self.random.random() < 0.3:
                content, words = self.invalid(what)
                self.step(what, content, method, words)
                self.step(what, self.valid(what), fix, first=content)
                self.recoveries += 1
                turn += 1
            else:
                self.step(what, self.valid(what), method)
        self.restore()

    def restore(self) -> None:
        """Every file as it was at the start (the state the final check compares)."""
        page_before = self.wait(self.page_versions, "the page's figures")
        for what, content in self.original.items():
            save(self.files[what], content, "rename")
        self.saves += len(self.original)
        self.linewidth = self._linewidth(self.original["config"])
        self.wait(lambda: not self.state_errors(), "no error after the last save")
        self.wait(
            lambda: (
                (v := self.page_versions()) and all(v[n] != page_before[n] for n in SOAK_FIGURES)
            ),
            "every figure redrawn after the last save",
        )
        self.wait(lambda: "A paragraph to edit: start." in (self.page(PAGE_TEXT) or ""), "the post")

    def table(self) -> list[str]:
        """Saves, errors shown, recoveries; save-to-page (median and max) by file saved."""
        rows = [
            "| saves | errors shown | recoveries |",
            "|---|---|---|",
            f"| {self.saves} | {self.errors} | {self.recoveries} |",
            "",
            "| valid save of | saves timed | save-to-page median (s) | max (s) |",
            "|---|---|---|---|",
        ]
        for what, times in sorted(self.latencies.items()):
            times = sorted(times)
            rows.append(
                f"| {what} | {len(times)} | {times[len(times) // 2]:.2f} | {times[-1]:.2f} |"
            )
        return rows


def events(port: int, path: str, headers: dict | None = None, count: int = 1, within: float = 10):
    """``(status, events)``: the first ``count`` server-sent events of ``path``, read for
    at most ``within`` seconds in all (a stream never ends by itself, and its
    keep-alives would keep any per-read timeout from firing): never hangs."""
    deadline = time.monotonic() + within
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=within)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        sock = conn.sock  # the response takes it over (an HTTP/1.0 answer)
        response = conn.getresponse()
        if response.status != 200:
            response.read()
            return response.status, []
        found, lines = [], []
        while len(found) < count and (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                line = response.fp.readline()
            except TimeoutError:
                break
            if not line:
                break
            if line.strip():
                lines.append(line.decode().rstrip("\n"))
            elif lines:
                found.append("\n".join(lines))
                lines = []
        return response.status, found
    finally:
        conn.close()


def reset_midway(port: int, path: str) -> None:
    """Ask for ``path`` and drop the connection with a reset before reading the answer,
    as a browser cancelling an image load does."""
    import socket
    import struct

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        sock.recv(1)  # the answer has begun
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def raw_status(port: int, head: str) -> int:
    """The status of a request sent as the bytes ``head`` (a request line and headers,
    as written: doubled headers, over-long paths)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n")
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split()[1])
