"""The pipeline's config: read, merged with overrides, validated, remembered.

Three steps, a module each, and :func:`prepare`, which runs them and remembers
a validated config so that an unchanged one costs nothing:

- :mod:`~natgrad.pipeline.config.read`: config.yaml (and the schema) read as
  YAML within bounds;
- :mod:`~natgrad.pipeline.config.merge`: ``--config``/``--configfile`` merged onto it;
- :mod:`~natgrad.pipeline.config.validate`: the schema's checks (jsonschema with
  :mod:`natgrad.pipeline.schema`'s keywords) and what a schema cannot say.

Their public names are this package's too (``from natgrad.pipeline.config import ...``).

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

from pathlib import Path

from ..messages import ConfigError, key_path
from .merge import command_line_values, merge, overrides
from .read import (
    MAX_CONFIG_BYTES,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_TEXT_BYTES,
    MAX_VALUES,
    check_bounds,
    check_nesting,
    load_config_file,
    load_schema,
    parse_config,
    read_text_file,
)
from .validate import (
    MAX_DRAWN_CHARS,
    check_output_dir,
    check_texts,
    latex_problem,
    mathtext_problem,
    validate_config,
)

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_DEPTH",
    "MAX_DRAWN_CHARS",
    "MAX_INT_DIGITS",
    "MAX_TEXT_BYTES",
    "MAX_VALUES",
    "ConfigError",
    "check_bounds",
    "check_nesting",
    "check_output_dir",
    "check_texts",
    "command_line_values",
    "key_path",
    "latex_problem",
    "load_config_file",
    "load_schema",
    "mathtext_problem",
    "merge",
    "overrides",
    "parse_config",
    "prepare",
    "read_text_file",
    "validate_config",
]


def _validation_key(config_text: str, schema_path: Path, overrides: dict) -> str | None:
    """Hash of everything :func:`prepare`'s validation depends on, or None if unreadable.
    ``overrides`` must be bounded (:func:`overrides`): they are hashed whole."""
    import hashlib
    import json

    from ...drawing.style import latex_available
    from ..sources import imported_sources

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
    ``<basedir>/workflow/schemas/config.schema.yaml``, every
    text checked by mathtext (:func:`check_texts`), the output directory checked.

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
