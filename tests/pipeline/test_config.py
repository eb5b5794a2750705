"""Config validation: every bad value is caught with a one-line message naming its key."""

import copy
import json
import math
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from natgrad.metrics import validate_spd
from natgrad.pipeline.config import ConfigError, load_config_file, load_schema
from natgrad.pipeline.messages import key_path
from natgrad.pipeline.validate import drawn_texts, spd2_problem, validate_config
from tests.helpers.bad_configs import BAD, DELETE, D, E, G, set_key  # noqa: E741


@pytest.fixture(scope="module")
def schema(root):
    return load_schema(root / "workflow/schemas/config.schema.yaml")


def walk_properties(node, path=()):
    for key, sub in node.get("properties", {}).items():
        yield (*path, key), sub
        yield from walk_properties(sub, (*path, key))
        items = sub.get("items")
        if isinstance(items, dict):
            yield from walk_properties(items, (*path, key, "[]"))


def test_every_key_has_a_description_and_is_required(schema):
    keys = list(walk_properties(schema))
    assert len(keys) > 30
    for path, node in keys:
        assert "description" in node, f"{'.'.join(path)} has no description"

    def check(node, path):
        if "properties" in node:
            assert node.get("required") == list(node["properties"]), f"{path}: not all required"
        for k, sub in node.get("properties", {}).items():
            check(sub, f"{path}.{k}")
        if isinstance(node.get("items"), dict):
            check(node["items"], f"{path}[]")

    check(schema, "<config>")


def test_the_schema_states_no_values(schema):
    """config.yaml is the one source of values: a default in the schema would be a
    second one, used by nothing and free to drift from it."""

    def defaults(node, path):
        if isinstance(node, dict):
            yield from ([path] if "default" in node else [])
            for k, v in node.items():
                yield from defaults(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from defaults(v, f"{path}/{i}")

    assert list(defaults(schema, "#")) == []


def test_the_schema_is_valid_json_schema(schema):
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)


def test_objects_reject_unknown_keys(schema):
    def check(node, path):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, path
        for k, sub in node.get("properties", {}).items():
            check(sub, f"{path}.{k}")
        if isinstance(node.get("items"), dict):
            check(node["items"], f"{path}[]")

    check(schema, "<config>")


def config_keys(node, path=()):
    """Every key path of a config: mapping keys, and those of mappings inside lists."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for k, v in items:
        if isinstance(node, dict):
            yield (*path, k)
        if isinstance(v, dict) or (isinstance(v, list) and v and isinstance(v[0], dict)):
            yield from config_keys(v, (*path, k))


def schema_node(schema, path):
    """The subschema describing the config key ``path`` (``$ref`` followed)."""
    node = schema
    for k in path:
        node = node["items"] if isinstance(k, int) else node["properties"][k]
        if "$ref" in node:
            node = {**schema["$defs"][node["$ref"].split("/")[-1]], **node}
    return node


def test_default_config_is_valid(schema, default_config):
    out = validate_config(default_config, schema)
    assert out == default_config
    out["equidistant_points"]["panels"][0]["A"][0][0] = 9.0  # a copy: the caller's own
    assert default_config["equidistant_points"]["panels"][0]["A"][0][0] == 1.0


def test_every_key_of_config_yaml_is_required(schema, default_config):
    """config.yaml is the one source of values: a key deleted from it is not taken from
    anywhere else, it is a one-line error naming the key, with the key's description."""
    keys = list(config_keys(default_config))
    assert len(keys) > 120
    for path in keys:
        cfg = copy.deepcopy(default_config)
        set_key(cfg, path, DELETE)
        with pytest.raises(ConfigError) as info:
            validate_config(cfg, schema)
        description = " ".join(schema_node(schema, path)["description"].split())
        assert str(info.value) == (
            f"config key '{key_path(path)}': required but not set ({description})"
        ), path


def test_missing_keys_in_full(schema, default_config):
    cfg = copy.deepcopy(default_config)
    del cfg["gd_euclidean_mahalanobis"]["n_steps"]
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    assert str(info.value) == (
        "config key 'gd_euclidean_mahalanobis.n_steps': required but not set "
        "(Number of steps drawn.)"
    )
    with pytest.raises(ConfigError) as info:
        validate_config({}, schema)
    assert str(info.value) == (
        "config key 'output_dir': required but not set "
        "(Directory the figures are written to, relative to the working directory.)"
    )


def test_a_misspelt_key_is_named_as_unknown_not_as_missing(schema, default_config):
    cfg = copy.deepcopy(default_config)
    cfg[G]["n_step"] = cfg[G].pop("n_steps")
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    assert str(info.value).startswith(
        "config key 'gd_euclidean_mahalanobis.n_step': unknown key; did you mean 'n_steps'? "
    )
    # a missing key elsewhere, deeper or not, is reported as such
    del cfg[G]["panels"][0]["lr"]
    cfg[G]["n_steps"] = cfg[G].pop("n_step")
    with pytest.raises(ConfigError, match=r"panels\[0\]\.lr': required but not set"):
        validate_config(cfg, schema)


def test_a_list_item_sets_every_key_of_its_own(schema, default_config):
    """A panel given on the command line replaces the list whole: no value of an item
    comes from anywhere but the item."""
    cfg = copy.deepcopy(default_config)
    cfg["gd_euclidean_mahalanobis"]["panels"] = [{"metric": "mahalanobis", "title": "t"}]
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    assert str(info.value) == (
        "config key 'gd_euclidean_mahalanobis.panels[0].lr': required but not set "
        "(Learning rate gamma.)"
    )


def test_an_index_into_a_list_elsewhere_in_the_config(schema, default_config):
    cfg = copy.deepcopy(default_config)
    cfg["sweep"]["panel"] = 2
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    assert str(info.value) == (
        "config key 'sweep.panel': 2 is not an index into 'gd_euclidean_mahalanobis.panels' "
        "(0 to 1)"
    )
    cfg["sweep"]["panel"] = 1
    assert validate_config(cfg, schema)["sweep"]["panel"] == 1
    # an index into a list of its own section: the pointer is from the root too
    cfg["natural_gradient_gaussian_mle"]["one_step_start"] = 2
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    assert str(info.value) == (
        "config key 'natural_gradient_gaussian_mle.one_step_start': 2 is not an index into "
        "'natural_gradient_gaussian_mle.starts' (0 to 1)"
    )


@pytest.mark.parametrize("path, value, words", BAD, ids=[".".join(map(str, b[0])) for b in BAD])
def test_bad_values_are_rejected_with_the_key_named(schema, default_config, path, value, words):
    cfg = copy.deepcopy(default_config)
    set_key(cfg, path, value)
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    message = str(info.value)
    assert words in message
    assert "\n" not in message
    assert message.startswith("config key '")


@pytest.mark.parametrize("bad", [None, [], "text", 3])
def test_non_mapping_config(schema, bad):
    with pytest.raises(ConfigError, match="mapping"):
        validate_config(bad, schema)


def test_usetex_true_without_latex(schema, default_config, without_latex):
    cfg = dict(default_config, usetex=True)
    with pytest.raises(ConfigError) as err:
        validate_config(cfg, schema)
    assert str(err.value) == (
        "config key 'usetex': usetex: true, but LaTeX is not installed (needs latex and "
        "dvipng); install it (Debian: apt-get install texlive-latex-base texlive-latex-extra "
        "texlive-fonts-recommended dvipng cm-super) or set usetex: false for mathtext"
    )
    assert validate_config(dict(default_config, usetex=False), schema)["usetex"] is False


@pytest.mark.parametrize("value", ["auto", "false", 0, None])
def test_usetex_is_a_boolean(schema, default_config, value):
    """No "LaTeX if installed": one config, one look on every machine."""
    with pytest.raises(ConfigError, match="config key 'usetex'"):
        validate_config(dict(default_config, usetex=value), schema)


def _spd_message(m):
    try:
        validate_spd(m, "matrix")
    except ValueError as err:
        return str(err)
    return None


def test_config_spd_check_agrees_with_validate_spd(rng):
    # The config's pure-Python 2 x 2 check and the library's numpy check must
    # accept and reject the same matrices, with the same message, including
    # matrices within rounding of singular (det ~ 0) and of asymmetric.
    cases = []
    for _ in range(20000):
        a, c = rng.normal(size=2)
        d = c * c / a if a != 0 else 0.0  # singular in exact arithmetic
        d *= 1 + rng.choice([-1, 0, 1]) * 10.0 ** rng.integers(-16, -1)
        cases.append([[a, c], [c, d]])
        m = rng.normal(size=(2, 2))
        cases.append((m @ m.T * rng.choice([-1, 1])).tolist())
        cases.append(m.tolist())
        b = c * (1 + rng.choice([5e-11, 2e-10]))
        cases.append([[abs(a), b], [c, abs(a) + 2 * abs(c)]])
    cases += [[[0.0, 0.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 0.0]], [[math.inf, 0.0], [0.0, 1.0]]]
    for m in cases:
        m = [[float(v) for v in row] for row in m]
        ours, theirs = spd2_problem(m), _spd_message(m)
        assert (ours is None) == (theirs is None), m
        if ours is None:
            continue
        head, _, eig = ours.partition("smallest eigenvalue is ")
        head_np, _, eig_np = theirs.partition("smallest eigenvalue is ")
        assert head == head_np, m
        if eig:
            # the closed form and LAPACK's eigvalsh agree to rounding of the entries
            scale = max(abs(v) for row in m for v in row)
            assert abs(float(eig) - float(eig_np)) <= 1e-14 * scale + 1e-3 * abs(float(eig_np)), m


def test_config_validation_does_not_import_numpy(root):
    # The Snakefile validates the config on every run, even a no-op.
    code = (
        "import sys; from natgrad.pipeline.config import *; "
        "sys.exit(any(m in sys.modules for m in ('numpy', 'matplotlib')))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


@pytest.mark.parametrize(
    "text, problem",
    [
        ("$\\log p(x|\\mu, \\sigma^2)$", None),
        ("iteration", None),
        ("costs \\$5", None),
        ("$x$ and $y$", None),
        ("$\\log p", "unbalanced $"),
        ("$\\notacommand$", "Unknown symbol: \\notacommand"),
        ("$x^{$", "mathtext cannot draw it"),
    ],
)
def test_mathtext_problem(text, problem):
    from natgrad.pipeline.validate import mathtext_problem

    found = mathtext_problem(text)
    assert (found is None) if problem is None else (problem in found), found


def test_texts_are_checked_once_and_remembered(schema, default_config, tmp_path):
    from natgrad.pipeline.validate import check_texts

    cache = tmp_path / "cache" / "texts.json"
    check_texts(validate_config(default_config, schema), schema, cache)
    assert len(json.loads(cache.read_text())) >= 10
    cfg = copy.deepcopy(default_config)
    cfg["gaussian_isocontours_fisher"]["title"] = "$\\log p"
    with pytest.raises(ConfigError) as info:
        check_texts(validate_config(cfg, schema), schema, cache)
    assert str(info.value) == (
        "config key 'gaussian_isocontours_fisher.title': '$\\\\log p': unbalanced $ (an odd "
        "number of unescaped dollar signs)"
    )


def test_a_run_whose_texts_did_not_change_imports_no_matplotlib(root, tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from natgrad.pipeline.config import prepare; "
        f"prepare({str(root)!r}, {{}}, {str(tmp_path)!r}); "
        "print('matplotlib' in sys.modules, 'jsonschema' in sys.modules)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    # the first run validates (jsonschema) and parses the texts (matplotlib);
    # the second finds both remembered
    assert [r.stdout.strip() for r in runs] == ["True True", "False False"]


def test_a_remembered_config_is_validated_again_when_anything_changes(root, repo, tmp_path):
    from natgrad.pipeline.config import prepare

    config = repo / "config.yaml"
    cache = tmp_path / "cache"
    first = prepare(repo, {}, cache)
    assert prepare(repo, {}, cache) == first
    assert prepare(repo, {"dpi": 120}, cache)["dpi"] == 120  # overrides are part of the key
    config.write_text(config.read_text().replace("dpi: 100", "dpi: fast"))
    with pytest.raises(ConfigError, match="config key 'dpi'"):
        prepare(repo, {}, cache)
    # a corrupt cache is only a miss
    (cache / "config-ok.json").write_text("{")
    config.write_text((root / "config.yaml").read_text())
    assert prepare(repo, {}, cache) == first


def test_merge_is_recursive_at_every_depth_and_pure():
    from natgrad.pipeline.config import merge

    base = {"a": {"b": {"c": 1, "d": 2}, "e": 3}, "f": [1, 2], "g": 4}
    override = {"a": {"b": {"c": 10}}, "f": [9], "h": {"i": 5}}
    out = merge(base, override)
    assert out == {"a": {"b": {"c": 10, "d": 2}, "e": 3}, "f": [9], "g": 4, "h": {"i": 5}}
    assert base["a"]["b"] == {"c": 1, "d": 2}  # the base is not modified
    # a mapping replaces a scalar, a scalar replaces a mapping: no merging across types
    assert merge({"a": 1}, {"a": {"b": 2}}) == {"a": {"b": 2}}
    assert merge({"a": {"b": 2}}, {"a": 1}) == {"a": 1}


# Whole messages, as the user reads them: the key, the value, what is allowed, and the
# schema's description where it has one (the word checks of BAD above miss a wrong hint).
EXACT = [
    (
        ("dpi",),
        math.inf,
        "config key 'dpi': inf is greater than the maximum of 1000 "
        "(Resolution of raster output; 100 gives the published pixel sizes. At least 10 "
        "(below that FreeType cannot size the smallest text).)",
    ),
    (
        ("dpi",),
        1.0,
        "config key 'dpi': 1.0 is less than the minimum of 10 "
        "(Resolution of raster output; 100 gives the published pixel sizes. At least 10 "
        "(below that FreeType cannot size the smallest text).)",
    ),
    (
        (D, "sead"),
        1,
        "config key 'gaussian_data.sead': unknown key; did you mean 'seed'? "
        "allowed here: n, mu, sigma, seed",
    ),
    (
        (E, "panels", 0, "zzz"),
        1,
        "config key 'equidistant_points.panels[0].zzz': unknown key; allowed here: title, A",
    ),
    (
        (D, "mu"),
        math.nan,
        "config key 'gaussian_data.mu': nan is not allowed; give a finite number",
    ),
    (
        (G, "x0"),
        [1.0, math.inf],
        "config key 'gd_euclidean_mahalanobis.x0[1]': inf is not allowed; give a finite number",
    ),
    (
        (E, "limits"),
        [1.0, 1.0],
        "config key 'equidistant_points.limits': [1.0, 1.0] must be [min, max] with min < max",
    ),
    (
        (E, "color"),
        "2",
        "config key 'equidistant_points.color': '2' is not a matplotlib colour; "
        "give a name ('red', 'tab:blue'), '#rrggbb', 'C0' or a grey level such as '0.5'",
    ),
    (
        (G, "A"),
        [[1.0, 0.5], [0.5, -1.0]],
        "config key 'gd_euclidean_mahalanobis.A': "
        "[[1.0, 0.5], [0.5, -1.0]]: matrix must be positive definite, smallest eigenvalue is -1.12",
    ),
    (
        (G, "A"),
        [[1.0, 0.3], [0.0, 1.0]],
        "config key 'gd_euclidean_mahalanobis.A': "
        "[[1.0, 0.3], [0.0, 1.0]]: matrix must be symmetric (within relative tolerance 1e-10)",
    ),
    ((G, "title_unknown"), 1, None),
    (
        (E, "radius"),
        0.0,
        "config key 'equidistant_points.radius': 0.0 is less than or equal to the minimum of 0",
    ),
    (
        (E, "n_points"),
        2,
        "config key 'equidistant_points.n_points': 2 is less than the minimum "
        "of 3 (Points on each curve.)",
    ),
    ((E, "panels", 1, "A"), [[1e300, 0.0], [0.0, 1e300]], None),
    # a long value is cut short, as in the semantic checks' messages
    (
        (G, "arrow_color"),
        [0.1] * 100,
        "config key 'gd_euclidean_mahalanobis.arrow_color': "
        "[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0... is not "
        "of type 'string' (a matplotlib colour name or hex string)",
    ),
]


@pytest.mark.parametrize("path, value, message", EXACT, ids=[str(e[0]) for e in EXACT])
def test_messages_in_full(schema, default_config, path, value, message):
    cfg = copy.deepcopy(default_config)
    set_key(cfg, path, value)
    if message is None:  # accepted, or not this test's concern: just one line
        try:
            validate_config(cfg, schema)
        except ConfigError as err:
            assert "\n" not in str(err)
        return
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    assert str(info.value) == message


def test_figure_job_has_a_variant_per_section_and_its_paths_as_strings(default_config):
    from pathlib import Path

    from natgrad.pipeline.jobs import FigureJob, figure_job, figure_params

    job = figure_job(
        default_config, G, [Path("f.png"), "f.pdf"], [Path("d.json")], [Path("m.json")], caption="c"
    )
    made = FigureJob(
        G, (figure_params(default_config, G),), ("f.png", "f.pdf"), ("d.json",), ("m.json",), "c"
    )
    assert job == replace(made, digests=tuple(made.inputs_sha256()))  # planned
    variants = [dict(default_config[G], n_steps=n) for n in (1, 2)]
    job = figure_job(default_config, G, ["a.png", "b.png"], ["a.json", "b.json"], sections=variants)
    assert job.variants == tuple(figure_params(default_config, G, v) for v in variants)
    assert [v["figure"]["n_steps"] for v in job.variants] == [1, 2]
    assert (job.manifests, job.caption) == ((), None)


def test_figure_params_are_the_section_the_shared_sections_and_the_text_settings(
    default_config,
):
    from natgrad.figures import registry
    from natgrad.pipeline.jobs import artifact_hashes, config_sha256, figure_params

    cfg = copy.deepcopy(default_config)
    cfg.update(dpi=77, usetex=False, on_divergence="warn")
    for name, entry in registry().items():
        own, *shared = entry.sections
        params = figure_params(cfg, name)
        assert set(params) == {"name", "figure", "usetex", "dpi", "on_divergence", "config_sha256"}
        assert params["name"] == name
        assert params["figure"] == {**cfg[own], **{k: cfg[k] for k in shared}}
        assert (params["usetex"], params["dpi"], params["on_divergence"]) == (False, 77, "warn")
        rest = {k: v for k, v in params.items() if k != "config_sha256"}
        assert params["config_sha256"] == config_sha256(rest)
    variant = dict(cfg[G], n_steps=3)
    assert figure_params(cfg, G, variant)["figure"]["n_steps"] == 3
    assert figure_params(cfg, G)["figure"]["n_steps"] == cfg[G]["n_steps"]
    hashes = artifact_hashes(cfg)
    assert set(hashes) == set(registry()) | {"claims"}
    assert hashes["claims"] == config_sha256(cfg["claims"])
    assert hashes[G] == figure_params(cfg, G)["config_sha256"]


def test_config_sha256_is_of_canonical_json():
    import hashlib

    from natgrad.pipeline.jobs import config_sha256

    canonical = '{"a":[1,2.5],"b":{"c":"x","d":null}}'
    expected = hashlib.sha256(canonical.encode()).hexdigest()
    assert config_sha256({"b": {"d": None, "c": "x"}, "a": [1, 2.5]}) == expected
    assert config_sha256({"a": [2.5, 1]}) != config_sha256({"a": [1, 2.5]})


def test_config_file_problems_are_one_line_each(tmp_path):
    import yaml

    from natgrad.pipeline.config import _safe_loader, load_config_file

    missing = tmp_path / "none.yaml"
    with pytest.raises(ConfigError) as info:
        load_config_file(missing)
    assert str(info.value) == f"none.yaml: cannot read '{missing}': No such file or directory"
    # Each whole message, the parser's words as libyaml or PyYAML's own put them
    # (without the quoted context); a reader error has no position and no "problem".
    for name, text, pattern in [
        (
            "bad.yaml",
            "a: 1\nb: [1,\n  c: d: e\n",
            r"bad\.yaml: YAML syntax error at line 3, column 7: "
            r"(did not find expected ',' or '\]'|expected ',' or '\]', but got ':')",
        ),
        (
            "ctl.yaml",
            "a: \x07\n",
            r"ctl\.yaml: YAML syntax error: unacceptable character #x0007: "
            r"(control|special) characters are not allowed",
        ),
        (
            "empty.yaml",
            "# nothing\n",
            re.escape("empty.yaml is empty; it must map keys to values (see config.yaml)"),
        ),
        (
            "list.yaml",
            "- 1\n",
            re.escape("list.yaml must map keys to values, got a list at the top level"),
        ),
    ]:
        (tmp_path / name).write_text(text)
        with pytest.raises(ConfigError) as info:
            load_config_file(tmp_path / name)
        assert re.fullmatch(pattern, str(info.value)), str(info.value)
    py = tmp_path / "py.yaml"
    py.write_text("a: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ConfigError, match="py.yaml: YAML syntax error"):
        load_config_file(py)
    # libyaml's loader when PyYAML has it (ten times faster), PyYAML's own otherwise
    assert _safe_loader() is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert issubclass(_safe_loader(), (yaml.SafeLoader, getattr(yaml, "CSafeLoader", ())))


def test_output_dir_problems(tmp_path):
    from natgrad.pipeline.config import check_output_dir

    check_output_dir(str(tmp_path))  # exists, writable
    check_output_dir(str(tmp_path / "new"))  # creatable
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    for inside in (tmp_path / ".git", tmp_path / ".git" / "objects" / "new"):
        with pytest.raises(ConfigError) as info:
            check_output_dir(str(inside))
        assert str(info.value) == (
            f"config key 'output_dir': {str(inside)!r} is inside a .git folder, git's own; "
            "give another folder"
        )
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(ConfigError) as info:
        check_output_dir(str(f))
    assert str(info.value) == f"config key 'output_dir': {str(f)!r} exists but is not a directory"
    deep = tmp_path / "a" / "b"
    with pytest.raises(ConfigError) as info:
        check_output_dir(str(deep))
    assert str(info.value) == (
        f"config key 'output_dir': {str(deep)!r} does not exist, nor does its parent "
        f"{str(deep.parent)!r}"
    )


def test_output_dir_must_be_writable_and_searchable(tmp_path, monkeypatch):
    """Write and search permission both, on the directory or on the parent that would
    hold it. os.access is faked: as root (CI) every directory is writable."""
    import os

    from natgrad.pipeline.config import check_output_dir

    granted = {os.F_OK, os.R_OK, os.X_OK, os.R_OK | os.X_OK}  # read-only, searchable
    monkeypatch.setattr(os, "access", lambda path, mode: mode in granted)
    with pytest.raises(ConfigError) as info:
        check_output_dir(str(tmp_path))
    assert str(info.value) == f"config key 'output_dir': {str(tmp_path)!r} is not writable"
    new = tmp_path / "new"
    with pytest.raises(ConfigError) as info:
        check_output_dir(str(new))
    assert str(info.value) == (
        f"config key 'output_dir': {str(new)!r} does not exist and {str(tmp_path)!r} "
        "is not writable"
    )
    granted = {os.F_OK, os.W_OK}  # writable but not searchable: files cannot be created
    with pytest.raises(ConfigError, match="is not writable"):
        check_output_dir(str(tmp_path))


@pytest.fixture
def repo(root, tmp_path):
    """A folder with the project's config.yaml and schema, as prepare() reads them."""
    repo = tmp_path / "repo"
    (repo / "workflow" / "schemas").mkdir(parents=True)
    (repo / "workflow" / "schemas" / "config.schema.yaml").write_bytes(
        (root / "workflow" / "schemas" / "config.schema.yaml").read_bytes()
    )
    (repo / "config.yaml").write_text((root / "config.yaml").read_text())
    return repo


def test_prepare_remembers_in_the_documented_files(repo, tmp_path, monkeypatch):
    import natgrad.pipeline.config as C
    import natgrad.pipeline.validate as V

    calls = []
    real = V.validate_config
    monkeypatch.setattr(V, "validate_config", lambda *a: calls.append(1) or real(*a))
    cache = tmp_path / "not" / "yet" / "there"
    first = C.prepare(repo, {}, cache)
    stored = json.loads((cache / "config-ok.json").read_text())
    assert set(stored) == {"key", "config"} and stored["config"] == first
    assert len(json.loads((cache / "texts-ok.json").read_text())) >= 10
    assert C.prepare(repo, {}, cache) == first and len(calls) == 1  # remembered
    for broken in ({"key": "other", "config": {}}, [], {"config": {}}):
        (cache / "config-ok.json").write_text(json.dumps(broken))
        assert C.prepare(repo, {}, cache) == first  # a miss, validated again
    assert len(calls) == 4
    # without a cache directory nothing is remembered: validated every time
    C.prepare(repo, {}, None)
    C.prepare(repo, {}, None)
    assert len(calls) == 6


# Generic schema handling, on toy schemas: what the pipeline's schema does not exercise.


def toy_line(config, schema):
    """The one line validation gives ``config`` under a toy ``schema``, or None."""
    from natgrad.pipeline.validate import error_line, first_error

    err = first_error(config, schema)
    return None if err is None else error_line(err)


def test_numbers_are_finite_wherever_the_schema_says_number():
    schema = {"properties": {"a": {"type": "array", "items": {"type": ["number", "null"]}}}}
    assert toy_line({"a": [1.0, None, 10**400]}, schema) is None
    assert toy_line({"a": [float("nan")]}, schema) == (
        "config key 'a[0]': nan is not allowed; give a finite number"
    )
    # an integer slot refuses inf as JSON Schema says, as not an integer
    assert toy_line({"i": -math.inf}, {"properties": {"i": {"type": "integer"}}}) == (
        "config key 'i': -inf is not of type 'integer'"
    )
    assert toy_line({"i": 2.0}, {"properties": {"i": {"type": "integer"}}}) == (
        "config key 'i': 2.0 is not of type 'integer'"
    )
    # not a number where none is asked for: JSON Schema's own message
    assert toy_line({"s": math.inf}, {"properties": {"s": {"type": "string"}}}) == (
        "config key 's': inf is not of type 'string'"
    )


def test_an_index_into_a_missing_list_is_out_of_range():
    schema = {"properties": {"i": {"x-index-of": "/s/names"}}}
    assert toy_line({"i": 0}, schema) == (
        "config key 'i': 0 is not an index into 's.names' (0 to -1)"
    )
    assert toy_line({"i": 0, "s": 3}, schema) == (
        "config key 'i': 0 is not an index into 's.names' (0 to -1)"
    )
    assert toy_line({"i": 0, "s": {"names": "ab"}}, schema) == (
        "config key 'i': 0 is not an index into 's.names' (0 to -1)"
    )
    assert toy_line({"i": "0", "s": {"names": []}}, schema) is None  # type's to refuse
    assert toy_line({"i": True, "s": {"names": []}}, schema) is None


def test_an_index_from_the_root_inside_list_items():
    """x-index-of's JSON pointer is resolved from the config's root, however deep."""
    node = {"properties": {"rows": {"items": {"properties": {"i": {"x-index-of": "/s/names"}}}}}}
    root = {"s": {"names": ["a", "b"]}, "rows": [{"i": 1}, {"i": 0}]}
    assert toy_line(root, node) is None
    root["rows"].append({"i": 2})
    assert (
        toy_line(root, node) == "config key 'rows[2].i': 2 is not an index into 's.names' (0 to 1)"
    )
    root["rows"][2]["i"] = -1
    assert toy_line(root, node) == (
        "config key 'rows[2].i': -1 is not an index into 's.names' (0 to 1)"
    )


def test_a_check_is_chosen_by_its_keyword_wherever_ref_leads():
    """jsonschema follows $ref, the referring node's own keywords apply beside the
    target's, and the name of a definition means nothing."""
    schema = {
        "$defs": {"range": {"type": "array"}, "pair": {"x-range": True}, "m": {"x-spd": True}},
        "properties": {
            "plain": {"$ref": "#/$defs/range"},
            "named": {"$ref": "#/$defs/pair", "maxItems": 2},
            "deep": {"items": {"$ref": "#/$defs/m"}},
        },
    }
    assert toy_line({"plain": [2, 1]}, schema) is None
    assert toy_line({"named": [2, 1]}, schema) == (
        "config key 'named': [2, 1] must be [min, max] with min < max"
    )
    assert toy_line({"named": [1, 2, 3]}, schema) == ("config key 'named': [1, 2, 3] is too long")
    assert toy_line({"deep": [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]]}, schema) == (
        "config key 'deep[1]': [[0.0, 0.0], [0.0, 0.0]]: matrix must be positive definite, "
        "smallest eigenvalue is 0"
    )


@pytest.mark.parametrize(
    "value",
    [[1], [1, 2, 3], ["a", "b"], [True, False], "ab", None, [[1, 0], [0, 1]]],
    ids=repr,
)
def test_range_and_matrix_checks_leave_other_shapes_to_json_schema(value):
    """A value of the wrong shape gets JSON Schema's message (minItems, type, ...),
    never a traceback from a check that expected a pair or a 2 x 2 matrix."""
    for keyword in ("x-range", "x-spd"):
        assert toy_line({"v": value}, {"properties": {"v": {keyword: True}}}) is None
    assert toy_line({"v": [[1, 0, 0], [0, 1]]}, {"properties": {"v": {"x-spd": True}}}) is None
    assert toy_line({"v": [2, 1]}, {"properties": {"v": {"x-range": False}}}) is None


def test_the_pixel_limit_reads_the_roots_dpi():
    schema = {"properties": {"s": {"x-max-pixels": 100}}}
    assert toy_line({"dpi": 10, "s": [10, 5]}, schema) is None
    assert toy_line({"dpi": 10.5, "s": [10, 5]}, schema) == (
        "config key 's': [10, 5] at dpi 10.5 is 105 pixels wide; at most 100 per side"
    )
    assert toy_line({"dpi": 20, "s": [1, 5.5]}, schema) == (
        "config key 's': [1, 5.5] at dpi 20 is 110 pixels wide; at most 100 per side"
    )
    # a dpi or size that is itself wrong is left to its own keywords
    for dpi, size in [(math.inf, [10]), ("high", [10]), (None, [10]), (100, []), (100, ["a"])]:
        assert toy_line({"dpi": dpi, "s": size}, schema) is None
    assert toy_line({"s": [1000]}, schema) is None
    assert toy_line([1000], {"x-max-pixels": 100}) is None  # a config with no keys, no dpi


def test_a_missing_key_without_a_description_is_named_all_the_same():
    assert toy_line({}, {"required": ["a"]}) == "config key 'a': required but not set"
    assert toy_line({"b": 1}, {"required": ["a", "b"], "properties": {"b": {}}}) == (
        "config key 'a': required but not set"
    )
    assert toy_line({}, {"required": ["a"], "properties": {"a": {"description": "An\n a."}}}) == (
        "config key 'a': required but not set (An a.)"
    )


def test_a_colour_is_checked_by_the_format_checker_strings_only():
    schema = {"properties": {"c": {"format": "color"}}}
    assert toy_line({"c": "tab:blue"}, schema) is None
    assert toy_line({"c": 3}, schema) is None  # not a string: type's to refuse
    assert toy_line({"c": "blak"}, schema).startswith(
        "config key 'c': 'blak' is not a matplotlib colour; give a name"
    )
    # a format natgrad does not define is an annotation, as JSON Schema says
    assert toy_line({"c": "blak"}, {"properties": {"c": {"format": "colour"}}}) is None


def test_json_schemas_errors_come_before_natgrads_checks():
    """The order the hand-written engine had: JSON Schema's errors, then the checks it
    could not express; within each, by key path, then message."""
    schema = {
        "properties": {
            "a": {"type": "number", "maximum": 1},
            "b": {"x-range": True},
            "c": {"type": "integer"},
        }
    }
    assert toy_line({"a": math.inf, "b": [2, 1]}, schema).startswith(
        "config key 'a': inf is greater than the maximum of 1"
    )
    # a non-finite number is natgrad's check: after JSON Schema's type error of 'c'
    assert toy_line({"a": math.nan, "c": 0.5}, schema).startswith("config key 'c': 0.5")
    assert toy_line({"b": [2, 1], "a": math.nan}, schema).startswith("config key 'a': nan")
    assert toy_line({"a": 2, "c": 0.5}, schema).startswith("config key 'a': 2 is greater")
    assert toy_line({"c": 0.5, "a": 2}, schema).startswith("config key 'a': 2 is greater")


def test_messages_of_boolean_and_property_less_schemas():
    schema = {"type": "object", "properties": {"a": False}}
    with pytest.raises(ConfigError) as info:
        validate_config({"a": 1}, schema)
    # (jsonschema drops the key's path for a false subschema: its message, one line)
    assert str(info.value).startswith("config key '")
    assert str(info.value).endswith("schema does not allow 1") and "\n" not in str(info.value)
    schema = {"type": "object", "additionalProperties": False}
    with pytest.raises(ConfigError) as info:
        validate_config({"zz": 1}, schema)
    assert str(info.value) == "config key 'zz': unknown key; allowed here: "


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            None,
            "the config must be a mapping of keys to values, got NoneType (is config.yaml empty?)",
        ),
        ([1], "the config must be a mapping of keys to values, got list"),
    ],
)
def test_a_config_that_is_not_a_mapping(schema, config, message):
    with pytest.raises(ConfigError) as info:
        validate_config(config, schema)
    assert str(info.value) == message


def test_the_remembered_validation_is_keyed_on_content_not_order(
    tmp_path, monkeypatch, path_without_latex
):
    import datetime
    import os

    from natgrad.pipeline.config import _validation_key

    monkeypatch.setenv("PATH", path_without_latex)

    c, s = "a: 1\n", tmp_path / "s.yaml"
    s.write_text("{}\n")
    key = _validation_key(c, s, {"a": 1, "b": {"x": 1, "y": 2}})
    assert key == _validation_key(c, s, {"b": {"y": 2, "x": 1}, "a": 1})
    # --config values are YAML: a date is a value too
    assert _validation_key(c, s, {"d": datetime.date(2021, 4, 13)}) is not None
    # LaTeX installed since: what validation found may no longer hold
    tex = tmp_path / "tex"
    tex.mkdir()
    for program in ("latex", "dvipng"):
        (tex / program).write_text("#!/bin/sh\n")
        (tex / program).chmod(0o755)
    monkeypatch.setenv("PATH", os.pathsep.join([str(tex), path_without_latex]))
    assert _validation_key(c, s, {"a": 1, "b": {"x": 1, "y": 2}}) != key
    assert _validation_key(c, tmp_path / "none.yaml", {}) is None


@pytest.mark.latex
@pytest.mark.parametrize(
    "text, problem",
    [
        ("$\\log p(x|\\mu, \\sigma^2)$", None),
        ("50% of $x_1$", None),
        ("$\\log p", "unbalanced $ (an odd number of unescaped dollar signs)"),
        ("$p_1", "unbalanced $ (an odd number of unescaped dollar signs)"),
        ("$\\notacommand$", "LaTeX cannot typeset it: Undefined control sequence."),
        ("$x^{$", "LaTeX cannot typeset it: Missing } inserted."),
    ],
)
def test_latex_problem_is_what_latex_says(latex, text, problem):
    from natgrad.pipeline.validate import latex_problem

    assert latex_problem(text) == problem


def tex_cached(text):
    """Whether matplotlib's TeX cache holds the DVI a figure job drawing ``text`` reads."""
    from pathlib import Path

    import matplotlib as mpl
    from matplotlib.texmanager import TexManager

    from natgrad.drawing.style import style_context

    with style_context(True):
        return Path(TexManager.get_basefile(text, mpl.rcParams["font.size"]) + ".dvi").is_file()


@pytest.mark.latex
def test_latex_problem_typesets_in_the_figures_style(latex):
    """The check leaves the DVI the figure job will read: typeset with the natgrad
    style's LaTeX preamble and size, not matplotlib's defaults."""
    import uuid

    from natgrad.pipeline.validate import latex_problem

    text = f"$x_1$ probe {uuid.uuid4().hex}"  # never typeset before
    assert not tex_cached(text)
    assert latex_problem(text) is None
    assert tex_cached(text)


@pytest.mark.latex
def test_with_usetex_the_texts_are_checked_by_latex_and_remembered_apart(
    latex, schema, default_config, tmp_path, monkeypatch
):
    """mathtext accepting a text says nothing of LaTeX: the remembered texts are
    keyed on the engine too."""
    import natgrad.pipeline.validate as C

    cache = tmp_path / "texts.json"
    C.check_texts(validate_config(default_config, schema), schema, cache)
    by_mathtext = set(json.loads(cache.read_text()))
    typeset = []
    real = C._latex_problem_in_style
    monkeypatch.setattr(C, "_latex_problem_in_style", lambda t: typeset.append(t) or real(t))
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    C.check_texts(validate_config(dict(default_config, usetex=True), schema), schema, cache)
    # texts checked side by side leave matplotlib's settings as they were
    assert dict(mpl.rcParams) == before
    texts = {t for _, t in drawn_texts(validate_config(default_config, schema), schema)}
    assert set(typeset) == texts and len(typeset) == len(texts)
    both = set(json.loads(cache.read_text()))
    assert by_mathtext < both and len(both) == 2 * len(by_mathtext)
    import uuid

    cfg = copy.deepcopy(default_config)
    cfg.update(usetex=True)
    fresh = f"$x$ new {uuid.uuid4().hex}"  # typeset in the figures' style, as latex_problem
    cfg["gaussian_isocontours_fisher"]["xlabel"] = fresh
    C.check_texts(validate_config(cfg, schema), schema, cache)
    assert tex_cached(fresh)
    cfg["gaussian_isocontours_fisher"]["title"] = "$\\notacommand$"
    with pytest.raises(ConfigError) as info:
        C.check_texts(validate_config(cfg, schema), schema, cache)
    assert str(info.value) == (
        "config key 'gaussian_isocontours_fisher.title': '$\\\\notacommand$': LaTeX cannot "
        "typeset it: Undefined control sequence."
    )


def test_the_remembered_texts_are_not_parsed_again(schema, default_config, tmp_path, monkeypatch):
    import natgrad.pipeline.validate as C

    cache = tmp_path / "texts.json"
    full = validate_config(default_config, schema)
    C.check_texts(full, schema, cache)
    n = len(json.loads(cache.read_text()))
    parsed = []
    real = C.mathtext_problem
    monkeypatch.setattr(C, "mathtext_problem", lambda t: parsed.append(t) or real(t))
    C.check_texts(full, schema, cache)
    assert parsed == []  # every text remembered
    cfg = copy.deepcopy(default_config)
    cfg["gaussian_isocontours_fisher"]["title"] = "$\\sigma$ new"
    C.check_texts(validate_config(cfg, schema), schema, cache)
    assert parsed == ["$\\sigma$ new"]
    assert len(json.loads(cache.read_text())) == n + 1  # the existing file is updated
    cache.write_text("not json")  # unreadable: everything is checked again
    parsed.clear()
    C.check_texts(full, schema, cache)
    assert len(set(parsed)) == n


def test_only_the_schemas_texts_are_checked(schema, default_config):
    """A string that is not a title or label may hold a lone dollar sign (a path)."""
    from natgrad.pipeline.validate import check_texts

    cfg = validate_config(dict(default_config, output_dir="figures$1"), schema)
    check_texts(cfg, schema)
    found = dict((tuple(p), t) for p, t in drawn_texts(cfg, schema))
    assert ("output_dir",) not in found
    assert (
        found[("gaussian_isocontours_fisher", "title")]
        == cfg["gaussian_isocontours_fisher"]["title"]
    )
    assert found[("univariate_gaussian_euclidean", "labels", 1)] == "$p_2$"  # list items
    assert len(found) == 21  # every title and label of config.yaml
    assert drawn_texts({"a": {"b": "$"}}, {}) == []
    assert drawn_texts({"a": {"b": "$"}}, {"type": "object"}) == []
    # marked by the keyword, through $ref and list items, strings only
    toy = {
        "$defs": {"label": {"x-text": True}},
        "properties": {"t": {"items": {"$ref": "#/$defs/label"}}, "u": {"x-text": False}},
    }
    assert drawn_texts({"t": ["$a$", 3, "b"], "u": "$"}, toy) == [
        (["t", 0], "$a$"),
        (["t", 2], "b"),
    ]


def test_a_mathtext_error_is_matplotlibs_last_line_without_the_exception_name():
    from natgrad.pipeline.validate import mathtext_problem

    problem = mathtext_problem("$x^{$")
    assert problem.startswith("mathtext cannot draw it: Expected end_group, found end of text")
    assert "Exception" not in problem and "\n" not in problem


def test_figures_are_at_most_10000_pixels_a_side(schema, default_config):
    """figsize times dpi: exactly 10000 is allowed, beyond is refused before any job."""
    cfg = copy.deepcopy(default_config)
    cfg["dpi"] = 100
    cfg["equidistant_points"]["figsize"] = [8, 100]
    validate_config(cfg, schema)  # the edge: 10000 pixels
    cfg["equidistant_points"]["figsize"] = [8, 100.5]
    with pytest.raises(ConfigError) as info:
        validate_config(cfg, schema)
    assert str(info.value) == (
        "config key 'equidistant_points.figsize': [8, 100.5] at dpi 100 is 10050 pixels wide; "
        "at most 10000 per side"
    )


def test_matrix_symmetry_edge_and_scale(schema):
    """Off by exactly rtol times the largest entry: accepted; the largest entry may be
    on the diagonal."""
    assert spd2_problem([[1.0, 0.0], [1e-10, 1.0]]) is None
    assert spd2_problem([[1e6, 1.0], [1.0 + 1e-5, 1.0]]) is None
    assert spd2_problem([[1.0, 0.0], [3e-10, 1.0]]).startswith("matrix must be symmetric")


def test_the_yaml_loader_falls_back_to_pyyamls_own(monkeypatch):
    import yaml

    from natgrad.pipeline.config import _safe_loader

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert _safe_loader() is yaml.SafeLoader


def test_command_line_values_are_read_as_config_yaml_reads_them():
    from natgrad.pipeline.config import command_line_values

    # what Snakemake's --config parser leaves as strings
    given = {
        "usetex": "false",
        "gaussian_data": {"n": "500", "sigma": "0.5", "seed": "null"},
        "formats": ["png", "pdf"],
        "title": "$x: y$",
        "output_dir": "figures",
        "dpi": 100,
    }
    assert command_line_values(given) == {
        "usetex": False,
        "gaussian_data": {"n": 500, "sigma": 0.5, "seed": None},
        "formats": ["png", "pdf"],
        "title": "$x: y$",
        "output_dir": "figures",
        "dpi": 100,
    }
    assert command_line_values({"t": "[unclosed"}) == {"t": "[unclosed"}


# --- bounded work for any config --------------------------------------------


def alias_bomb(levels=9, width=10, leaf="equidistant_points"):
    """YAML of ``width ** levels`` leaves in a few hundred bytes: each anchor a list
    of ``width`` uses of the one before."""
    lines = [f"  - &a0 [{', '.join([leaf] * width)}]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def with_key(text, key, value):
    """config.yaml's text with the top-level ``key`` set to the YAML ``value``."""
    import re

    return re.sub(rf"^{key}:.*$", f"{key}: {value}", text, count=1, flags=re.M)


def config_text(root):
    return (root / "config.yaml").read_text()


@pytest.mark.parametrize(
    "name, make, words",
    [
        ("alias bomb under an unknown key", lambda t: "bomb:\n" + alias_bomb() + t,
         "config.yaml: more than 100000 values once YAML aliases are expanded"),
        ("alias bomb in post_figures",
         lambda t: "anchors:\n" + alias_bomb()
         + t.replace("post_figures:", "post_figures: *a8\nx:", 1),
         "config.yaml: more than 100000 values"),
        ("alias bomb in sweep.lrs", lambda t: "anchors:\n" + alias_bomb(leaf="0.1") + t.replace(
            "  lrs:", "  lrs: *a8\n  old_lrs:", 1), "config.yaml: more than 100000 values"),
        ("5000-digit integer", lambda t: with_key(t, "dpi", "9" * 5000),
         "config.yaml: an integer of 5000 digits too long to read; at most 100 digits"),
        ("dpi of 401 digits", lambda t: with_key(t, "dpi", "9" * 401),
         "config key 'dpi': an integer of more than 100 digits (config.yaml); at most 100"),
        ("a list 990 deep", lambda t: with_key(t, "formats", "[" * 990 + "]" * 990),
         "config.yaml: key 'formats" + "[0]" * 31 + "' nests deeper than 32 levels; at most 32"),
        ("a list 100000 deep", lambda t: with_key(t, "formats", "[" * 100000 + "]" * 100000),
         "config.yaml: "),
    ],
    ids=lambda c: c if isinstance(c, str) and " " in c else None,
)  # fmt: skip
def test_hostile_config_files_are_bounded_and_one_line(tmp_path, root, name, make, words):
    import time

    path = tmp_path / "config.yaml"
    path.write_text(make(config_text(root)))
    start = time.perf_counter()
    with pytest.raises(ConfigError) as err:
        load_config_file(path)
    assert time.perf_counter() - start < 10  # seconds, on a loaded machine
    message = str(err.value)
    assert "\n" not in message and message.startswith(words), message


@pytest.mark.parametrize("flow", [True, False], ids=["flow", "block"])
@pytest.mark.parametrize("mapping", [True, False], ids=["mappings", "lists"])
def test_the_nesting_scan_agrees_with_the_bounds(flow, mapping):
    """check_nesting refuses exactly what check_bounds would, with the same line, on
    the text, before PyYAML composes it (which crashes at PyYAML 6.0 on a list nested
    100000 deep); block and flow style, mappings and lists."""
    import yaml

    from natgrad.pipeline.config import MAX_DEPTH, check_bounds, check_nesting

    def nested(depth):
        value = {"leaf": 1}
        for i in range(depth):
            value = {f"k{i}": value} if mapping else [value]
        return {"top": value}

    for depth in (MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 5):
        value = nested(depth)
        text = yaml.safe_dump(value, default_flow_style=flow)
        assert yaml.safe_load(text) == value
        try:
            check_bounds(value, "c.yaml")
        except ConfigError as err:
            with pytest.raises(ConfigError) as scanned:
                check_nesting(text, "c.yaml")
            assert str(scanned.value) == str(err), depth
        else:
            check_nesting(text, "c.yaml")
            assert depth <= MAX_DEPTH - 1


def test_a_mapping_key_that_is_a_collection_keeps_the_path():
    """A complex key (``? [a, b]``) is a node of its mapping, not a step of the path."""
    from natgrad.pipeline.config import MAX_DEPTH, check_nesting

    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(ConfigError, match=r"key 'b\[0\]\[0\]"):
        check_nesting(f"a:\n  ? [x, y]\n  : 1\nb: {deep}\n", "c.yaml")


def test_the_bounds_at_their_edges():
    from natgrad.pipeline.config import MAX_DEPTH, MAX_INT_DIGITS, MAX_VALUES, check_bounds

    check_bounds([0] * (MAX_VALUES - 1), "x")  # the list and its items: MAX_VALUES values
    with pytest.raises(ConfigError, match=f"more than {MAX_VALUES} values"):
        check_bounds([0] * MAX_VALUES, "x")
    deep = []
    for _ in range(MAX_DEPTH):
        deep = [deep]
    check_bounds(deep, "x")
    with pytest.raises(ConfigError, match=f"nests deeper than {MAX_DEPTH} levels"):
        check_bounds([deep], "x")
    check_bounds({"n": 10**MAX_INT_DIGITS - 1}, "x")
    with pytest.raises(ConfigError, match="config key 'n': an integer of more than"):
        check_bounds({"n": -(10**MAX_INT_DIGITS)}, "x")
    shared = "s" * (1 << 20)
    check_bounds([shared] * 10, "x")  # 10 MB of text, aliases counted
    with pytest.raises(ConfigError, match="characters of keys and text"):
        check_bounds([shared] * 11, "x")


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p.write_bytes(b"# caf\xe9\ndpi: 100\n"),
         "config.yaml: '{p}' is not UTF-8 text: byte 0xe9 at line 1"),
        (lambda p: __import__("os").mkfifo(p), "config.yaml: '{p}' is not a regular file"),
        (lambda p: p.mkdir(), "config.yaml: '{p}' is a directory"),
        (lambda p: p.symlink_to("/dev/zero"), "config.yaml: '{p}' is not a regular file"),
        (lambda p: p.write_bytes(b"#" * (2 << 20)),
         "config.yaml: '{p}' has 2097152 bytes; at most"),
    ],
    ids=["non-UTF-8", "FIFO", "directory", "/dev/zero", "2 MB"],
)  # fmt: skip
def test_a_config_file_that_is_not_a_small_text_file(tmp_path, make, words):
    path = tmp_path / "config.yaml"
    make(path)
    with pytest.raises(ConfigError) as err:
        load_config_file(path)
    assert str(err.value).startswith(words.format(p=path)), err.value


def test_overrides_are_bounded_before_they_are_read_or_hashed():
    from natgrad.pipeline.config import overrides

    a = ["x"] * 10
    for _ in range(8):
        a = [a] * 10  # 10^9 leaves, as YAML aliases share them
    with pytest.raises(ConfigError, match="^--config: more than 100000 values"):
        overrides({"post_figures": a}, {"post_figures": a})
    with pytest.raises(ConfigError, match="^--configfile: more than 100000 values"):
        overrides({"bomb": a}, {})
    assert overrides({"dpi": 100}, {"dpi": "200", "usetex": "false"}) == {
        "dpi": 200,
        "usetex": False,
    }
    # a long string is text, not re-read as YAML (5000 digits would not read)
    assert overrides({}, {"title": "9" * 5000}) == {"title": "9" * 5000}


def test_control_characters_in_a_message_are_escaped(schema, default_config):
    cfg = copy.deepcopy(default_config)
    cfg["n\x1b[2J\x00"] = 1
    with pytest.raises(ConfigError) as err:
        validate_config(cfg, schema)
    assert str(err.value).startswith("config key 'n\\x1b[2J\\x00': unknown key")
    assert str(ConfigError("a\nb\x1b")) == "a\\nb\\x1b"


@pytest.mark.parametrize(
    "title, words",
    [
        ("$x^2$ " * 200, "1200 characters; a drawn text has at most 1000"),
        ("$" + "{" * 400 + "x" + "}" * 400 + "$", "nested too deep"),
    ],
    ids=["long", "nested"],
)
def test_a_drawn_text_is_bounded_work(schema, default_config, title, words):
    """mathtext's parser takes time in a text's length and recursed out of the stack on
    deep braces (a RecursionError traceback): both one line naming the key."""
    import time

    from natgrad.pipeline.validate import check_texts

    cfg = copy.deepcopy(default_config)
    cfg["gaussian_isocontours_fisher"]["title"] = title
    start = time.perf_counter()
    with pytest.raises(ConfigError) as err:
        check_texts(validate_config(cfg, schema), schema)
    assert time.perf_counter() - start < 10
    message = str(err.value)
    assert (
        message.startswith("config key 'gaussian_isocontours_fisher.title': ") and words in message
    )
    assert "\n" not in message


def test_the_validation_key_is_the_content_of_every_file_validation_imports(tmp_path, monkeypatch):
    """No hand-kept list: every natgrad file config.py imports, found by reading the
    imports, is hashed into the key (the modules once listed by hand among them)."""
    from pathlib import Path

    from natgrad.pipeline.config import _validation_key
    from natgrad.pipeline.sources import PACKAGE, imported_sources

    read = []
    real = Path.read_bytes

    def recording(self):
        read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", recording)
    s = tmp_path / "s.yaml"
    s.write_text("{}\n")
    assert _validation_key("a: 1\n", s, {}) is not None
    hashed = {p.relative_to(PACKAGE).as_posix() for p in read if p.is_relative_to(PACKAGE)}
    imported = imported_sources(PACKAGE / "pipeline" / "config.py")
    assert hashed == {p.relative_to(PACKAGE).as_posix() for p in imported}
    assert {"pipeline/config.py", "pipeline/validate.py", "pipeline/messages.py",
            "drawing/colors.py", "drawing/style.py"} <= hashed  # fmt: skip


# --- reading at its edges (natgrad.pipeline.config) -----------------------------------


def test_a_text_file_of_exactly_its_limit_is_read_and_one_more_byte_is_not(tmp_path):
    from natgrad.pipeline.config import read_text_file

    path = tmp_path / "c.yaml"
    path.write_bytes(b"a" * 64)
    assert read_text_file(path, 64, "c.yaml") == "a" * 64
    with pytest.raises(ConfigError) as err:
        read_text_file(path, 63, "c.yaml")
    assert str(err.value) == f"c.yaml: {str(path)!r} has 64 bytes; at most 63 are read"


def test_a_file_larger_than_its_size_says_is_read_to_its_limit_only():
    """A file whose size the system gives as 0 (/proc's) is read up to the limit and one
    byte more, never further: its whole text when that fits, else one line."""
    from natgrad.pipeline.config import read_text_file

    proc = Path("/proc/version")
    if not proc.is_file() or proc.stat().st_size:
        pytest.skip("no /proc file of size 0 with fixed text here")
    text = proc.read_text()
    assert read_text_file(proc, len(text), "v") == text
    with pytest.raises(ConfigError) as err:
        read_text_file(proc, len(text) - 1, "v")
    n = len(text) - 1
    assert str(err.value) == f"v: {str(proc)!r} has more than {n} bytes; at most {n}"


def test_a_byte_that_is_not_utf8_is_named_with_its_line(tmp_path):
    from natgrad.pipeline.config import read_text_file

    path = tmp_path / "c.yaml"
    path.write_bytes(b"a: 1\nb: 2\nc: caf\xe9\n")
    with pytest.raises(ConfigError) as err:
        read_text_file(path, 100, "c.yaml")
    assert str(err.value) == f"c.yaml: {str(path)!r} is not UTF-8 text: byte 0xe9 at line 3"


def test_the_text_bound_counts_keys_and_the_integer_bound_only_integers():
    from natgrad.pipeline.config import MAX_TEXT_BYTES, check_bounds

    key = "k" * (MAX_TEXT_BYTES // 10)
    check_bounds({f"{i}{key}": 0 for i in range(9)}, "x")  # 9/10 of the limit in keys
    with pytest.raises(ConfigError) as err:
        check_bounds({f"{i}{key}": 0 for i in range(11)}, "x")
    assert str(err.value).startswith(f"x: more than {MAX_TEXT_BYTES} characters of keys and text")
    check_bounds({"big": 1e300, "flag": True, "none": None}, "x")  # no integers of 100 digits


def test_a_key_that_is_not_text_is_named_as_yaml_wrote_it():
    """YAML allows keys of any kind (``1.5: ...``); the path names them by their repr."""
    from natgrad.pipeline.config import MAX_DEPTH, check_bounds

    deep: list = []
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(ConfigError) as err:
        check_bounds({1.5: deep}, "x")
    assert str(err.value).startswith("x: key '1.5[0][0]")


def test_the_nesting_scan_names_the_list_item_it_is_in():
    """The path counts a list's items: the third item of ``a`` is ``a[2]``."""
    from natgrad.pipeline.config import MAX_DEPTH, check_nesting

    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(ConfigError) as err:
        check_nesting(f"a:\n  - 1\n  - {{b: 2}}\n  - {deep}\n", "c.yaml")
    assert str(err.value).startswith("c.yaml: key 'a[2][0][0]"), err.value


def test_an_integer_too_long_to_read_is_named_with_its_digits():
    from natgrad.pipeline.config import MAX_INT_DIGITS, parse_config

    with pytest.raises(ConfigError) as err:
        parse_config(f"seed: {'7' * 5000}\n", "c.yaml")
    assert str(err.value) == (
        f"c.yaml: an integer of 5000 digits too long to read; at most {MAX_INT_DIGITS} digits"
    )


def test_a_command_line_number_of_the_longest_length_read_is_a_number():
    from natgrad.pipeline.config import _SCALAR_CHARS, command_line_values

    digits = "1" * _SCALAR_CHARS
    assert command_line_values(digits) == int(digits)
    assert command_line_values(digits + "1") == digits + "1"  # longer: text


def test_prepare_names_config_yaml_and_bounds_its_overrides(tmp_path, root):
    """prepare's own lines: the file by its name, the overrides by where they come from."""
    from natgrad.pipeline.config import prepare

    (tmp_path / "workflow" / "schemas").mkdir(parents=True)
    shutil.copy(root / "workflow" / "schemas" / "config.schema.yaml",
                tmp_path / "workflow" / "schemas")  # fmt: skip
    config = tmp_path / "config.yaml"
    for text, line in [
        (b"dpi: [\n", "config.yaml: YAML syntax error at line 2, column 1: "),  # then the
        # parser's words, libyaml's or PyYAML's
        (b"dpi: caf\xe9\n", f"config.yaml: {str(config)!r} is not UTF-8 text: byte 0xe9 at "
         "line 1"),
    ]:  # fmt: skip
        config.write_bytes(text)
        with pytest.raises(ConfigError) as err:
            prepare(tmp_path, {})
        assert str(err.value).startswith(line) and "\n" not in str(err.value), err.value
    with pytest.raises(ConfigError) as err:
        prepare(tmp_path, {"post_figures": ["x"] * 200_000})
    assert str(err.value).startswith("--config/--configfile: more than 100000 values")


def test_a_drawn_text_of_exactly_the_limit_is_parsed_and_one_more_is_not(schema, default_config):
    from natgrad.pipeline.validate import MAX_DRAWN_CHARS, check_texts

    cfg = copy.deepcopy(default_config)
    cfg["gaussian_isocontours_fisher"]["title"] = "x" * MAX_DRAWN_CHARS
    check_texts(validate_config(cfg, schema), schema)
    cfg["gaussian_isocontours_fisher"]["title"] = "x" * (MAX_DRAWN_CHARS + 1)
    with pytest.raises(ConfigError) as err:
        check_texts(validate_config(cfg, schema), schema)
    shown = "'" + "x" * 76 + "..."
    assert str(err.value) == (
        f"config key 'gaussian_isocontours_fisher.title': {shown}: {MAX_DRAWN_CHARS + 1} "
        f"characters; a drawn text has at most {MAX_DRAWN_CHARS} (parsing it takes time in "
        "its length)"
    )


def test_mathtext_nested_too_deep_is_said_so():
    from natgrad.pipeline.validate import mathtext_problem

    text = "$" + "{" * 400 + "x" + "}" * 400 + "$"
    assert mathtext_problem(text) == "mathtext cannot draw it: nested too deep"
