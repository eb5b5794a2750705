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
