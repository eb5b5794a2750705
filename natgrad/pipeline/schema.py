"""natgrad's keywords for the config schema, on jsonschema's own machinery.

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
    finds the strings it marks (for :func:`~natgrad.pipeline.config.check_texts`).

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

import difflib
import math
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from ..drawing.colors import is_color
from .messages import describe, key_path

__all__ = [
    "CheckFailed",
    "config_validator",
    "drawn_texts",
    "error_line",
    "first_error",
    "spd2_problem",
]


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
