"""Reading a config: YAML files (config.yaml, the schema) and their values, within bounds.

Any config, from any source (config.yaml, ``--configfile``, ``--config``), is
bounded before anything expands it (:func:`check_bounds`), so that reading,
validating and hashing it take seconds and megabytes whatever it holds: a YAML
alias bomb, a list nested 100000 deep, an integer of 5000 digits, a FIFO or
``/dev/zero`` as the file. Never ``eval``: the safe loader builds plain data only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..messages import ConfigError, key_path

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_TEXT_BYTES",
    "MAX_VALUES",
    "check_bounds",
    "check_nesting",
    "load_config_file",
    "load_schema",
    "parse_config",
    "read_text_file",
]


# Bounds on any config, from any source (config.yaml, --configfile, --config), so
# that reading, validating and hashing it take seconds and megabytes whatever it
# holds. config.yaml is about 12 KB, about 400 values, 5 levels deep, and its
# largest integer has 4 digits.
#: The most bytes config.yaml may have (also the post's limit: :mod:`natgrad.pipeline.post`).
MAX_CONFIG_BYTES = 1 << 20
#: The most values (mappings, lists and scalars) a config may hold once YAML
#: aliases are expanded: each use of an alias counts, as every reader expands it.
MAX_VALUES = 100_000
#: The most characters of keys and strings in all, aliases expanded.
MAX_TEXT_BYTES = 10 << 20
#: The deepest a value may nest (jsonschema recurses once a level or more).
MAX_DEPTH = 32
#: The most digits of an integer (past 308, a product with a float overflows).
MAX_INT_DIGITS = 100


def read_text_file(path: str | Path, limit: int, what: str) -> str:
    """The UTF-8 text of the regular file ``path``, of at most ``limit`` bytes.

    A FIFO, a device (``/dev/zero``) or a directory is refused before it is
    opened, so nothing waits or reads without end; ``what`` starts the one line
    (the file's name or its config key).

    Raises
    ------
    ConfigError
        Naming ``what``, the file and the problem.
    """
    import os
    import stat

    path = Path(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise ConfigError(f"{what}: {str(path)!r} is {kind}; give a text file")
        if st.st_size > limit:
            raise ConfigError(
                f"{what}: {str(path)!r} has {st.st_size} bytes; at most {limit} are read"
            )
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise ConfigError(f"{what}: cannot read {str(path)!r}: {err.strerror}") from None
    if len(data) > limit:  # grew since stat
        raise ConfigError(f"{what}: {str(path)!r} has more than {limit} bytes; at most {limit}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(
            f"{what}: {str(path)!r} is not UTF-8 text: byte 0x{data[err.start]:02x} at line {line}"
        ) from None


def check_bounds(value: Any, where: str) -> None:
    """Refuse a config beyond the stated bounds: :data:`MAX_VALUES` values and
    :data:`MAX_TEXT_BYTES` of text once aliases are expanded, :data:`MAX_DEPTH`
    levels, integers of :data:`MAX_INT_DIGITS` digits.

    The walk stops at the first bound crossed, so it costs at most
    :data:`MAX_VALUES` steps whatever ``value`` is (a YAML alias bomb of 10^8
    leaves in 400 bytes included); it recurses not at all.

    Raises
    ------
    ConfigError
        ``<where>: ...`` naming the bound, its limit and the key where it was crossed.
    """
    count, text = 0, 0
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise ConfigError(
                f"{where}: more than {MAX_VALUES} values once YAML aliases are expanded "
                f"(at key '{key_path(path)}'); at most {MAX_VALUES}"
            )
        if len(path) > MAX_DEPTH:
            raise ConfigError(
                f"{where}: key '{key_path(path[:MAX_DEPTH])}' nests deeper than {MAX_DEPTH} "
                f"levels; at most {MAX_DEPTH}"
            )
        if isinstance(node, dict):
            for k, v in node.items():
                text += len(str(k)) if isinstance(k, str) else 0
                stack.append((v, (*path, k if isinstance(k, str | int) else repr(k))))
        elif isinstance(node, list | tuple):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
        elif isinstance(node, str):
            text += len(node)
        elif isinstance(node, int) and not isinstance(node, bool):
            if abs(node) >= 10**MAX_INT_DIGITS:
                raise ConfigError(
                    f"config key '{key_path(path)}': an integer of more than {MAX_INT_DIGITS} "
                    f"digits ({where}); at most {MAX_INT_DIGITS}"
                )
        if text > MAX_TEXT_BYTES:
            raise ConfigError(
                f"{where}: more than {MAX_TEXT_BYTES} characters of keys and text once YAML "
                f"aliases are expanded (at key '{key_path(path)}'); at most {MAX_TEXT_BYTES}"
            )


def _safe_loader():
    """PyYAML's safe loader, libyaml's C version when PyYAML was built with it.

    Both build plain data only (never ``eval``); the C one parses the config and
    schema about ten times faster, and they are read on every Snakemake run.
    """
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_config_file(path: str | Path) -> dict:
    """Read a YAML config file; any problem is a one-line :class:`ConfigError`.

    Never ``eval``: the safe loader builds plain data only. The file is read
    within :data:`MAX_CONFIG_BYTES` (:func:`read_text_file`) and what it holds
    within :func:`check_bounds`.
    """
    path = Path(path)
    return parse_config(read_text_file(path, MAX_CONFIG_BYTES, path.name), path.name)


def parse_config(text: str, name: str) -> dict:
    """The mapping of the YAML ``text`` of the file ``name`` (for messages), bounded."""
    import yaml

    try:
        check_nesting(text, name)
        data = yaml.load(text, Loader=_safe_loader())
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(f"{name}: YAML syntax error{where}: {problem}") from None
    except ConfigError:
        raise
    except ValueError as err:  # PyYAML's int(): Python's limit of 4300 digits
        digits = re.search(r"value has (\d+) digits", str(err))
        many = f" of {digits.group(1)} digits" if digits else ""
        raise ConfigError(
            f"{name}: an integer{many} too long to read; at most {MAX_INT_DIGITS} digits"
        ) from None
    if data is None:
        raise ConfigError(f"{name} is empty; it must map keys to values (see config.yaml)")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{name} must map keys to values, got a {type(data).__name__} at the top level"
        )
    check_bounds(data, name)
    return data


def check_nesting(text: str, name: str) -> None:
    """Refuse YAML ``text`` whose collections nest deeper than :data:`MAX_DEPTH`,
    before anything builds it.

    PyYAML composes a document recursively: a list nested 100000 deep in a few
    hundred kilobytes overflows the C stack of PyYAML 6.0's C loader (a crash,
    not an exception). The parser's events come from a loop, so walking them is
    bounded by the text's length whatever its depth. Costs about a third of the
    load itself (0.35 ms for config.yaml).

    Raises
    ------
    ConfigError
        ``<name>: key '...' nests deeper than ...``, as :func:`check_bounds` says it.
    yaml.YAMLError
        The text is not YAML (the loader would say the same).
    """
    import yaml

    # One frame per open collection: [is_mapping, next index, current key, awaiting a key]
    frames: list[list] = []
    for event in yaml.parse(text, Loader=_safe_loader()):
        if isinstance(event, yaml.CollectionEndEvent):
            frames.pop()
            _node_done(frames)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue  # stream and document boundaries
        if frames and frames[-1][0] and frames[-1][3] and isinstance(event, yaml.ScalarEvent):
            frames[-1][2] = event.value  # a mapping's key, the path's next step
        elif len(frames) > MAX_DEPTH:
            path = [frame[2] if frame[0] else frame[1] for frame in frames]
            raise ConfigError(
                f"{name}: key '{key_path(path[:MAX_DEPTH])}' nests deeper than {MAX_DEPTH} "
                f"levels; at most {MAX_DEPTH}"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            frames.append([isinstance(event, yaml.MappingStartEvent), 0, "?", True])
        else:
            _node_done(frames)


def _node_done(frames: list[list]) -> None:
    """A node of the innermost open collection ended: the next is its value, next
    key or next item."""
    if not frames:
        return
    frame = frames[-1]
    if frame[0]:
        frame[3] = not frame[3]
    else:
        frame[1] += 1


def load_schema(path: str | Path) -> dict:
    """Read the YAML schema file."""
    import yaml

    with open(path) as fh:
        return yaml.load(fh, Loader=_safe_loader())
