"""Merging a config: ``--config`` and ``--configfile`` overrides onto config.yaml.

``--config`` values mean what they would in config.yaml (:func:`command_line_values`);
nested mappings merge key by key, as Snakemake merges its own configs (:func:`merge`).
"""

from __future__ import annotations

import copy
from typing import Any

from .read import MAX_INT_DIGITS, _safe_loader, check_bounds

__all__ = ["command_line_values", "merge", "overrides"]


# The longest string --config re-reads as a YAML scalar: a number of
# MAX_INT_DIGITS digits with its sign, point and exponent; longer is text.
_SCALAR_CHARS = MAX_INT_DIGITS + 10


def command_line_values(value: Any) -> Any:
    """``--config`` values as config.yaml would mean them.

    Snakemake reads ``--config key=value`` as a number, ``True``/``False``, or
    else YAML with every scalar a string (``usetex=false`` gives ``"false"``,
    ``gaussian_data={n: 500}`` gives ``{"n": "500"}``). Each such string is read
    again as a YAML scalar by the loader config.yaml is read with, where that
    gives a boolean, a number or null; any other string stays as it is.
    Call it on a value :func:`check_bounds` accepted (:func:`overrides` does):
    it visits every value, aliases expanded.
    """
    import yaml

    if isinstance(value, dict):
        return {k: command_line_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [command_line_values(v) for v in value]
    if isinstance(value, str) and len(value) <= _SCALAR_CHARS:
        try:
            read = yaml.load(value, Loader=_safe_loader())
        except (yaml.YAMLError, ValueError, RecursionError):
            return value
        if read is None or isinstance(read, bool | int | float):
            return read
    return value


def merge(base: dict, override: dict) -> dict:
    """``base`` updated by ``override``, nested mappings merged key by key, as
    Snakemake merges its own configs (:func:`snakemake.utils.update_config`, on a
    copy: ``base`` is left as it was). Its depth is bounded before (:func:`check_bounds`).
    """
    from snakemake.utils import update_config

    out = copy.deepcopy(base)
    update_config(out, override)
    return out


def overrides(config: dict, command_line: dict) -> dict:
    """The overrides of config.yaml: Snakemake's ``config`` (``--configfile``
    files, then ``--config``) with the ``--config`` values read as config.yaml
    would read them (:func:`command_line_values`). Both are bounded
    (:func:`check_bounds`) before anything walks them.
    """
    check_bounds(command_line, "--config")
    check_bounds(config, "--configfile")
    return merge(config, command_line_values(command_line))
