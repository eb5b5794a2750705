"""The pipeline's config: read, merged with overrides, remembered once valid.

:func:`prepare` is what the Snakefile (and the live preview) calls: config.yaml
read as YAML within bounds, ``--config``/``--configfile`` merged onto it, the
result validated (:mod:`natgrad.pipeline.validate`, imported only then) and
remembered, so that an unchanged config costs neither jsonschema nor matplotlib.

Any config, from any source (config.yaml, ``--configfile``, ``--config``), is
bounded before anything expands it (:func:`check_bounds`), so that reading,
validating and hashing it take seconds and megabytes whatever it holds: a YAML
alias bomb, a list nested 100000 deep, an integer of 5000 digits, a FIFO or
``/dev/zero`` as the file. Never ``eval``: the safe loader builds plain data only.
``--config`` values mean what they would in config.yaml (:func:`command_line_values`);
nested mappings merge key by key, as Snakemake merges its own configs (:func:`merge`).

One source of values: ``config.yaml``
-------------------------------------
Every value is written once, in ``config.yaml``; the schema states each key's
type, allowed values and description and lists every key as ``required``, with
no ``default``. So a key deleted from config.yaml is a one-line "required but
not set" error rather than a value silently taken from elsewhere. config.yaml
is the source rather than the schema because

- it is what a user of the workflow reads to see the knobs (the Snakemake
  workflow template's ``config/config.yaml`` holds every value the same way),
  with the comments that say why a value is what it is;
- ``--config`` and ``--configfile`` overrides are merged onto it
  (:func:`prepare`), so a partial override still gives a complete config;
- the tests, the preview and the benchmarks read it (the ``default_config``
  fixture, :func:`prepare`), as the pipeline does: there is no second set of
  values (schema defaults) to drift from it, and no test keeping two equal.

A list item (a panel) sets every key of its own too: ``--config`` replaces a
list whole, so a default inside an item could only come from the schema.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from .messages import ConfigError, key_path

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_TEXT_BYTES",
    "MAX_VALUES",
    "ConfigError",
    "check_bounds",
    "check_nesting",
    "check_output_dir",
    "command_line_values",
    "load_config_file",
    "load_schema",
    "merge",
    "overrides",
    "parse_config",
    "prepare",
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


def _validation_key(config_text: str, schema_path: Path, overrides: dict) -> str | None:
    """Hash of everything :func:`prepare`'s validation depends on, or None if unreadable.
    ``overrides`` must be bounded (:func:`overrides`): they are hashed whole."""
    import hashlib
    import json

    from ..drawing.style import latex_available
    from .sources import imported_sources

    h = hashlib.sha256(config_text.encode())
    try:
        # the schema, and the content of the code validation runs: this module and
        # every natgrad file it imports (read from the imports, never listed by hand)
        for path in (schema_path, *imported_sources(Path(__file__))):
            h.update(path.read_bytes())
    except OSError:
        return None
    h.update(json.dumps(overrides, sort_keys=True, default=str).encode())
    h.update(str(latex_available()).encode())
    return h.hexdigest()


def prepare(basedir: str | Path, overrides: dict, cache_dir: str | Path | None = None) -> dict:
    """The pipeline's config: ``<basedir>/config.yaml`` updated by ``overrides``
    (Snakemake's ``--config`` and ``--configfile``), validated against
    ``<basedir>/workflow/schemas/config.schema.yaml``
    (:func:`natgrad.pipeline.validate.validate_config`), every text checked by
    the engine that will draw it (:func:`natgrad.pipeline.validate.check_texts`),
    the output directory checked (:func:`check_output_dir`).

    Snakemake runs this on every invocation, a no-op included. With ``cache_dir``
    the validated config is remembered there under a hash of the config file,
    the overrides, the schema and the validation's own code: when none of them
    changed, the result is read back and jsonschema is not even imported.

    Raises
    ------
    ConfigError
        One line naming the key and what is wrong.
    """
    import json

    basedir = Path(basedir)
    config_path = basedir / "config.yaml"
    schema_path = basedir / "workflow/schemas/config.schema.yaml"
    cache = Path(cache_dir) / "config-ok.json" if cache_dir else None
    check_bounds(overrides, "--config/--configfile")
    config_text = read_text_file(config_path, MAX_CONFIG_BYTES, config_path.name)
    key = _validation_key(config_text, schema_path, overrides) if cache else None
    checked = None
    if key and cache.is_file():
        try:
            remembered = json.loads(cache.read_text())
            if isinstance(remembered, dict) and remembered.get("key") == key:
                checked = remembered["config"]
        except (OSError, ValueError, KeyError):
            checked = None  # unreadable or not ours: validate again
    if checked is None:
        from .validate import check_texts, validate_config

        schema = load_schema(schema_path)
        checked = validate_config(
            merge(parse_config(config_text, config_path.name), overrides), schema
        )
        check_texts(checked, schema, Path(cache_dir) / "texts-ok.json" if cache_dir else None)
        if key:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_text(json.dumps({"key": key, "config": checked}))
            except OSError:
                pass  # a read-only working directory validates again next time
    check_output_dir(checked["output_dir"])
    return checked
