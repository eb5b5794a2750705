"""Any exception a save can cause, as the one line the page and the terminal show.

An author saves half-typed files all day: a figure module with a syntax error,
a natgrad module importing a name not yet written, ``config.yaml`` with a byte
that is not UTF-8, a value no library can take. None of it may stop the
preview, and none of it deserves a traceback: :func:`describe` names the file
(and line) the author has to fix.
"""

from __future__ import annotations

import traceback
from pathlib import Path

__all__ = ["describe"]


def _relative(filename: str | None, root: Path) -> str | None:
    if not filename:
        return None
    path = Path(filename)
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return str(path)


def _flat(text: object) -> str:
    return " ".join(str(text).split())


def describe(err: BaseException, root: Path, file: Path | None = None) -> str:
    """One line naming where ``err`` comes from and what it is.

    Parameters
    ----------
    err : BaseException
        The exception, as caught.
    root : Path
        The checkout: files below it are named relative to it.
    file : Path, optional
        The file being read or used when ``err`` was raised (``config.yaml``, a
        caption), named first when the exception itself names no file.

    Returns
    -------
    str
        ``"<file>, line <n>: <Type>: <message>"``, ``"<file>: <why>"`` for a
        file that cannot be read or, when no line is known,
        ``"<file>: <Type>: <message> (raised at <module file>, line <n>)"``;
        never more than one line.
    """
    root = Path(root).resolve()
    kind = type(err).__name__
    if isinstance(err, SyntaxError) and err.filename:
        where = _relative(err.filename, root)
        line = f", line {err.lineno}" if err.lineno else ""
        return f"{where}{line}: {kind}: {_flat(err.msg)}"
    if isinstance(err, UnicodeDecodeError) and file is not None:
        data = err.object if isinstance(err.object, bytes | bytearray) else b""
        line = data[: err.start].count(b"\n") + 1
        byte = data[err.start : err.start + 1].hex() or "?"
        return f"{_relative(str(file), root)}, line {line}: not UTF-8 text (byte 0x{byte})"
    if isinstance(err, OSError) and err.filename:  # removed mid-save, unreadable
        return f"{_relative(str(err.filename), root)}: {err.strerror or kind}"
    # the innermost frame in the checkout's own code: where the author looks first
    frames = traceback.extract_tb(err.__traceback__)
    own = [f for f in frames if f.filename and Path(f.filename).resolve().is_relative_to(root)]
    frame = (own or frames or [None])[-1]
    message = _flat(err) or "(no message)"
    if file is not None:
        at = f" (raised at {_relative(frame.filename, root)}, line {frame.lineno})" if frame else ""
        return f"{_relative(str(file), root)}: {kind}: {message}{at}"
    if frame is not None:
        return f"{_relative(frame.filename, root)}, line {frame.lineno}: {kind}: {message}"
    return f"{kind}: {message}"
