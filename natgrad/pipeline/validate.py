"""Validating a config: the schema's checks, and what a schema cannot say.

The checks themselves are the schema's (``workflow/schemas/config.schema.yaml``),
run by jsonschema with natgrad's keywords (below); :func:`validate_config` turns
the first error into one line naming the key (:func:`error_line`), and this
module checks what a schema cannot: LaTeX installed for ``usetex: true``, every
drawn text parsed by the engine that will draw it (:func:`check_texts`).

``workflow/schemas/config.schema.yaml`` states every check a config value gets;
this module teaches jsonschema the ones JSON Schema has no keyword for, added
with :func:`jsonschema.validators.extend` (each yields a
:class:`jsonschema.ValidationError`), and the ``color`` format, checked by a
:class:`jsonschema.FormatChecker`:

``type``
    as JSON Schema's, except that a ``number`` is finite and an ``integer`` is a
    Python int (``0.0`` is not: numpy's seeds and every count need an int).
``format: color``
    a matplotlib colour (:func:`natgrad.drawing.colors.is_color`).
``x-range: true``
    ``[min, max]`` with ``min < max``.
``x-spd: true``
    a symmetric positive-definite 2 x 2 matrix (:func:`spd2_problem`).
``x-index-of: /a/b``
    an index into the list at that JSON pointer from the config's root.
``x-max-pixels: n``
    a figure size that, at the config's ``dpi``, is at most ``n`` pixels a side.
``x-text: true``
    a string drawn on a figure; validation does nothing with it, :func:`drawn_texts`
    finds the strings it marks (for :func:`check_texts`).

``x-index-of`` and ``x-max-pixels`` read other parts of the config, so the
validator class is built per
config with its root in a closure (:func:`config_validator`). ``$ref`` is
resolved by jsonschema (the ``referencing`` library), a check is chosen by its
keyword only.

This module imports jsonschema; :mod:`natgrad.pipeline.config` imports it only
when it validates, so that a run with an unchanged config (remembered by
:func:`~natgrad.pipeline.config.prepare`) does not import jsonschema at all.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from ..drawing.colors import is_color
from ..drawing.style import resolve_usetex
from .messages import ConfigError, describe, key_path

__all__ = [
    "MAX_DRAWN_CHARS",
    "CheckFailed",
    "check_texts",
    "config_validator",
    "drawn_texts",
    "error_line",
    "first_error",
    "latex_problem",
    "mathtext_problem",
    "spd2_problem",
    "validate_config",
]

#: The most characters of a drawn text (a title, a label): the longest in config.yaml
#: has about 60; mathtext takes about a millisecond a character.
MAX_DRAWN_CHARS = 1000


class CheckFailed(ValidationError):
    """An error of one of natgrad's keywords; its message is whole (it names the
    value and what is allowed), so :func:`error_line` adds no description.

    These checks ran after JSON Schema's own in the hand-written engine this
    replaced, and still rank after them (:func:`first_error`): a value that is
    out of range and also not finite is reported as out of range.
    """


_BASE_TYPE = Draft202012Validator.VALIDATORS["type"]

# JSON Schema calls 0.0 an integer; numpy's seeds and every count need an int,
# and config.yaml's `seed: 0.0` is a float: "integer" means a Python int here.
_TYPES = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda checker, value: isinstance(value, int) and not isinstance(value, bool)
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite_type(validator, types, instance, schema) -> Iterator[ValidationError]:
    """``type``, with ``number`` meaning a finite number: nan and inf draw nothing."""
    numeric = "number" in ([types] if isinstance(types, str) else types)
    if numeric and isinstance(instance, float) and not math.isfinite(instance):
        yield CheckFailed(f"{instance!r} is not allowed; give a finite number")
    else:
        yield from _BASE_TYPE(validator, types, instance, schema)


def _range(validator, enabled, instance, schema) -> Iterator[ValidationError]:
    """``x-range``: ``[min, max]`` with ``min < max`` (shape and types are ``type``'s)."""
    pair = isinstance(instance, list) and len(instance) == 2 and all(map(_is_number, instance))
    if enabled and pair and not instance[0] < instance[1]:
        yield CheckFailed(f"{describe(instance)} must be [min, max] with min < max")


def _spd(validator, enabled, instance, schema) -> Iterator[ValidationError]:
    """``x-spd``: a symmetric positive-definite 2 x 2 matrix."""
    square = (
        isinstance(instance, list)
        and len(instance) == 2
        and all(isinstance(row, list) and len(row) == 2 for row in instance)
        and all(_is_number(v) for row in instance for v in row)
    )
    problem = spd2_problem(instance) if enabled and square else None
    if problem:
        yield CheckFailed(f"{describe(instance)}: {problem}")


def spd2_problem(m: list[list[float]], rtol: float = 1e-10) -> str | None:
    """What makes the 2 x 2 matrix ``m`` not symmetric positive definite, or None.

    The check of the schema's ``x-spd`` keyword. It agrees with
    :func:`natgrad.metrics.validate_spd` (same tolerance, same messages; a test
    compares them) but uses only ``math``: the Snakefile validates the config on
    every run, even one with nothing to do, and importing numpy there would cost
    more than all the rest of the validation.
    """
    (a, b), (c, d) = m
    if not all(map(math.isfinite, (a, b, c, d))):
        return "matrix must be finite, got non-finite entries"
    scale = max(abs(a), abs(b), abs(c), abs(d)) or 1.0
    if abs(b - c) > rtol * scale:
        return f"matrix must be symmetric (within relative tolerance {rtol:g})"
    # Cholesky of the lower triangle, in LAPACK's order: a > 0, then the Schur
    # complement d - l10^2 > 0.
    if a > 0:
        l10 = c * (1.0 / math.sqrt(a))
        if d - l10 * l10 > 0:
            return None
    # The smallest eigenvalue of [[a, c], [c, d]], for the message.
    eig = (a + d) / 2 - math.hypot((a - d) / 2, c)
    return f"matrix must be positive definite, smallest eigenvalue is {eig:.3g}"


def _color(value: Any) -> bool:
    """The ``color`` format: a matplotlib colour. A non-string is ``type``'s to refuse."""
    if isinstance(value, str) and not is_color(value):
        raise ValueError(
            "is not a matplotlib colour; give a name ('red', 'tab:blue'), '#rrggbb', 'C0' "
            "or a grey level such as '0.5'"
        )
    return True


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("color", raises=ValueError)(_color)


def config_validator(schema: dict, root: Any, *, find_texts: bool = False):
    """A validator of ``schema`` with natgrad's keywords, for the config ``root``.

    Parameters
    ----------
    schema : dict
        The config's JSON schema (draft 2020-12).
    root : Any
        The whole config being validated: ``x-index-of`` and ``x-max-pixels``
        read other keys of it.
    find_texts : bool
        If true, ``x-text`` reports every string it marks as an error (its
        ``validator`` is ``"x-text"``), for :func:`drawn_texts`; otherwise it
        checks nothing.

    Returns
    -------
    jsonschema.protocols.Validator
    """

    def index_of(validator, pointer: str, instance, schema) -> Iterator[ValidationError]:
        """``x-index-of``: an index into the list at ``pointer`` (from the root)."""
        if not validator.is_type(instance, "integer"):
            return
        parts = pointer.removeprefix("/").split("/")
        items = root
        for part in parts:
            items = items.get(part) if isinstance(items, dict) else None
        n = len(items) if isinstance(items, list) else 0  # a missing list holds nothing
        if not 0 <= instance < n:
            yield CheckFailed(
                f"{instance!r} is not an index into '{'.'.join(parts)}' (0 to {n - 1})"
            )

    def max_pixels(validator, limit, instance, schema) -> Iterator[ValidationError]:
        """``x-max-pixels``: figure size times the config's dpi, at most ``limit`` a side."""
        dpi = root.get("dpi") if isinstance(root, dict) else None
        sizes = isinstance(instance, list) and instance and all(map(_is_number, instance))
        if not (sizes and _is_number(dpi) and math.isfinite(dpi)):
            return  # a bad dpi or figsize is reported by their own keywords
        try:
            pixels = max(instance) * dpi
        except OverflowError:  # an integer beyond a float's range: past any limit
            pixels = math.inf
        if pixels > limit:
            yield CheckFailed(
                f"{instance} at dpi {dpi} is {pixels:g} pixels wide; at most {limit} per side"
            )

    def text(validator, enabled, instance, schema) -> Iterator[ValidationError]:
        """``x-text``: marks a drawn string; reported only when texts are being found."""
        if find_texts and enabled and isinstance(instance, str):
            yield ValidationError("drawn text")  # jsonschema sets .validator to "x-text"

    cls = validators.extend(
        Draft202012Validator,
        validators={
            "type": _finite_type,
            "x-range": _range,
            "x-spd": _spd,
            "x-index-of": index_of,
            "x-max-pixels": max_pixels,
            "x-text": text,
        },
        type_checker=_TYPES,
    )
    return cls(schema, format_checker=_FORMATS)


def _order(err: ValidationError):
    # JSON Schema's own errors first, then natgrad's; then by key path and message, so
    # that the line reported for a config with several problems is always the same one.
    # A misspelt key is also a missing one: the unknown key, with its "did you mean",
    # says both, so a missing key comes after the other errors of its mapping.
    missing = err.validator == "required"
    return (isinstance(err, CheckFailed), [str(p) for p in err.path], missing, err.message)


def first_error(config: Any, schema: dict) -> ValidationError | None:
    """The error of ``config`` against ``schema`` that :func:`error_line` reports.

    Parameters
    ----------
    config : Any
        The config (or any instance) to validate.
    schema : dict
        Its JSON schema, with natgrad's keywords.

    Returns
    -------
    jsonschema.ValidationError or None
        The first error in the order JSON Schema's own, then natgrad's; by key
        path, then message. None if ``config`` is valid.
    """
    return min(config_validator(schema, config).iter_errors(config), key=_order, default=None)


def drawn_texts(config: Any, schema: dict) -> list[tuple[list, str]]:
    """``(key path, string)`` of every value of ``config`` that ``schema`` marks ``x-text``.

    Found by the validator itself (:func:`config_validator` with ``find_texts``),
    so a text is found wherever jsonschema reaches it: through ``$ref``, in list
    items, at any depth.

    Parameters
    ----------
    config : Any
        A validated config.
    schema : dict
        Its JSON schema.

    Returns
    -------
    list of (list, str)
        Each drawn string with its key path (keys and list indices), in the order
        jsonschema visits them.
    """
    found = config_validator(schema, config, find_texts=True).iter_errors(config)
    return [(list(err.path), err.instance) for err in found if err.validator == "x-text"]


def error_line(err: ValidationError) -> str:
    """One line for the user: the key path, the value, what is allowed and, for JSON
    Schema's own keywords, the key's ``description``.

    ``additionalProperties`` and ``required`` errors name the key they are about
    (an unknown key with its closest allowed one; a missing key); natgrad's
    checks and the ``color`` format write their whole message themselves.

    Parameters
    ----------
    err : jsonschema.ValidationError
        An error of :func:`config_validator`'s validator (:func:`first_error`).

    Returns
    -------
    str
        ``config key 'a.b[0]': ...``, one line.
    """
    node = err.schema  # a mapping, or a boolean subschema (False refuses everything)
    where = f"config key '{key_path(err.path)}'"
    if isinstance(err, CheckFailed):
        return f"{where}: {err.message}"
    if err.cause is not None:  # a format checker's explanation (the color format's)
        return f"{where}: {describe(err.instance)} {err.cause}"
    if err.validator == "additionalProperties":
        allowed = list(node.get("properties", {}))
        unknown = sorted(set(err.instance) - set(allowed))[0]
        close = difflib.get_close_matches(unknown, allowed, n=1)
        guess = f"did you mean '{close[0]}'? " if close else ""
        return (
            f"config key '{key_path([*err.path, unknown])}': unknown key; "
            f"{guess}allowed here: {', '.join(allowed)}"
        )
    if err.validator == "required":
        missing = next(k for k in err.validator_value if k not in err.instance)
        about = node.get("properties", {}).get(missing)
        return f"config key '{key_path([*err.path, missing])}': required but not set" + _hint(about)
    # jsonschema quotes the whole value; a long one would bury the rest of the line
    message = err.message.replace(repr(err.instance), describe(err.instance), 1)
    return f"{where}: {message}{_hint(node)}"


def _hint(node: Any) -> str:
    """`` (description)`` of a subschema, on one line; nothing without one."""
    if isinstance(node, dict) and "description" in node:
        return f" ({' '.join(str(node['description']).split())})"
    return ""


def validate_config(config: Any, schema: dict) -> dict:
    """Validate ``config`` against ``schema``; return a copy of it.

    Every check is the schema's, run by jsonschema with natgrad's keywords
    (above); then ``usetex: true`` needs LaTeX
    installed, which only this machine can say. Nothing is filled in: the
    schema requires every key (config.yaml is the one source of values; see
    :mod:`natgrad.pipeline.config`).

    Parameters
    ----------
    config : Any
        The loaded config (should be a mapping).
    schema : dict
        The JSON schema (see :func:`natgrad.pipeline.config.load_schema`).

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
    from ..drawing.style import style_context

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

        from ..drawing.style import style_context

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
