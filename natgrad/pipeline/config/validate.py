"""Validating a config: the schema's checks, and what a schema cannot say.

The checks themselves are the schema's (``workflow/schemas/config.schema.yaml``),
run by jsonschema with natgrad's keywords (:mod:`natgrad.pipeline.schema`); this
module turns the first error into one line naming the key, and checks what a
schema cannot: LaTeX installed for ``usetex: true``, the output directory
writable, every drawn text parsed by the engine that will draw it.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from ...drawing.style import resolve_usetex
from ..messages import ConfigError, describe, key_path

__all__ = [
    "MAX_DRAWN_CHARS",
    "check_output_dir",
    "check_texts",
    "latex_problem",
    "mathtext_problem",
    "validate_config",
]


#: The most characters of a drawn text (a title, a label): the longest in config.yaml
#: has about 60; mathtext takes about a millisecond a character.
MAX_DRAWN_CHARS = 1000


def check_output_dir(path: str) -> None:
    """The output directory must be writable, or creatable inside an existing directory."""
    import os

    p = Path(path)
    where = f"config key 'output_dir': {path!r}"
    if ".git" in p.resolve().parts:
        raise ConfigError(f"{where} is inside a .git folder, git's own; give another folder")
    if p.exists():
        if not p.is_dir():
            raise ConfigError(f"{where} exists but is not a directory")
        if not os.access(p, os.W_OK | os.X_OK):
            raise ConfigError(f"{where} is not writable")
    elif not p.parent.is_dir():
        raise ConfigError(f"{where} does not exist, nor does its parent {str(p.parent)!r}")
    elif not os.access(p.parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{where} does not exist and {str(p.parent)!r} is not writable")


def validate_config(config: Any, schema: dict) -> dict:
    """Validate ``config`` against ``schema``; return a copy of it.

    Every check is the schema's, run by jsonschema with natgrad's keywords
    (:mod:`natgrad.pipeline.schema`); then ``usetex: true`` needs LaTeX
    installed, which only this machine can say. Nothing is filled in: the
    schema requires every key (config.yaml is the one source of values; see the
    module's docstring).

    Parameters
    ----------
    config : Any
        The loaded config (should be a mapping).
    schema : dict
        The JSON schema (see :func:`load_schema`).

    Returns
    -------
    dict
        A deep copy of ``config``: the caller may change it.

    Raises
    ------
    ConfigError
        One line: the key path, the offending value and what is allowed.
    """
    if not isinstance(config, dict):
        raise ConfigError(
            f"the config must be a mapping of keys to values, got {type(config).__name__}"
            + (" (is config.yaml empty?)" if config is None else "")
        )
    from ..schema import error_line, first_error

    err = first_error(config, schema)
    if err is not None:
        raise ConfigError(error_line(err))
    try:
        resolve_usetex(config["usetex"])
    except ValueError as err:
        raise ConfigError(f"config key 'usetex': {err}") from None
    return copy.deepcopy(config)


_UNBALANCED = "unbalanced $ (an odd number of unescaped dollar signs)"


def mathtext_problem(text: str) -> str | None:
    """Why matplotlib's mathtext cannot draw ``text``, or None.

    An odd number of unescaped ``$`` is an error here (matplotlib would draw the
    dollar signs as text); the math between pairs must parse.
    """
    dollars = len(re.findall(r"(?<!\\)\$", text))
    if dollars % 2:
        return _UNBALANCED
    if not dollars:
        return None
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(text)
    except RecursionError:  # pyparsing recurses once per brace or so
        return "mathtext cannot draw it: nested too deep"
    except ValueError as err:
        lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
        last = re.sub(r"^\w+Exception: ", "", lines[-1] if lines else "parse error")
        return f"mathtext cannot draw it: {last}"
    return None


def latex_problem(text: str) -> str | None:
    """Why LaTeX, as matplotlib's usetex runs it in the natgrad style, cannot
    typeset ``text``, or None.

    It runs what drawing the text would (:meth:`matplotlib.texmanager.TexManager.make_dvi`),
    about 0.2 s a text; the result lands in matplotlib's TeX cache, which the
    figure jobs then read.
    """
    from ...drawing.style import style_context

    with style_context(True):
        return _latex_problem_in_style(text)


def _latex_problem_in_style(text: str) -> str | None:
    """:func:`latex_problem` inside the style already: safe to run in several threads
    at once, as entering and leaving the style (matplotlib's rc_context) is not."""
    import matplotlib as mpl
    from matplotlib.texmanager import TexManager

    dollars = len(re.findall(r"(?<!\\)\$", text))
    if dollars % 2:
        return _UNBALANCED
    try:
        TexManager.make_dvi(text, mpl.rcParams["font.size"])
    except RuntimeError as err:
        said = [ln[2:].strip() for ln in str(err).splitlines() if ln.startswith("! ")]
        return f"LaTeX cannot typeset it: {said[0] if said else 'LaTeX failed'}"
    return None


def check_texts(config: dict, schema: dict, cache: str | Path | None = None) -> None:
    """Every title and label of ``config`` must be drawable by the engine that
    will draw it: mathtext, or LaTeX with ``usetex: true``.

    Parsing needs matplotlib (about 0.3 s to import; LaTeX takes 0.2 s a text),
    and the Snakefile checks on every run: texts already found good are
    remembered in ``cache`` (a JSON list of the sha256 of engine and text), so a
    run in which no text changed imports nothing.

    Raises
    ------
    ConfigError
        Naming the key, the text and what is wrong.
    """
    import hashlib
    import json

    from ..schema import drawn_texts

    engine = "latex" if resolve_usetex(config["usetex"]) else "mathtext"
    cache = Path(cache) if cache else None
    try:
        good = set(json.loads(cache.read_text())) if cache and cache.is_file() else set()
    except (OSError, ValueError, TypeError):
        good = set()

    def digest(text: str) -> str:
        return hashlib.sha256(f"{engine}\0{text}".encode()).hexdigest()

    texts = drawn_texts(config, schema)
    for path, text in texts:
        if len(text) > MAX_DRAWN_CHARS:
            raise ConfigError(
                f"config key '{key_path(path)}': {describe(text)}: {len(text)} characters; a "
                f"drawn text has at most {MAX_DRAWN_CHARS} (parsing it takes time in its length)"
            )
    new = [(p, t) for p, t in texts if digest(t) not in good]
    unique = list(dict.fromkeys(t for _, t in new))
    if engine == "latex":
        # each text is a LaTeX process: run them side by side, in the style
        # entered once (matplotlib's rc_context is not thread-safe)
        import os
        from concurrent.futures import ThreadPoolExecutor

        from ...drawing.style import style_context

        with style_context(True), ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            found = pool.map(_latex_problem_in_style, unique)
            problems = dict(zip(unique, found, strict=True))
    else:
        problems = {t: mathtext_problem(t) for t in unique}
    for path, text in new:
        if problems[text]:
            raise ConfigError(f"config key '{key_path(path)}': {describe(text)}: {problems[text]}")
    if new and cache:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(sorted(good | {digest(t) for _, t in new})))
        except OSError:
            pass  # a read-only working directory checks again next time
