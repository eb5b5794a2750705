"""natgrad.pipeline.sources: a module's natgrad files, read from its imports."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from natgrad.pipeline.sources import PACKAGE, imported_sources


def names(paths):
    return {p.relative_to(PACKAGE).as_posix() for p in paths}


def test_a_figure_uses_its_mathematics_and_not_the_pipeline():
    # what a figure job runs: the render function and the figure's module
    used = names(
        imported_sources(
            PACKAGE / "pipeline" / "render.py", PACKAGE / "figures" / "equidistant_points.py"
        )
    )
    assert {
        "figures/equidistant_points.py",
        "metrics.py",
        "drawing/plotting.py",
        "pipeline/render.py",
    } <= used
    assert {
        "pipeline/io.py",
        "drawing/style.py",
        "figures/__init__.py",
        "__init__.py",
        "__init__.pyi",  # the public names natgrad/__init__.py loads from it
        "pipeline/__init__.py",
        "drawing/__init__.py",
    } <= used
    # neither the config, its validation, the artifact check, nor another figure (the
    # command's job record, jobs.py, imports sources.py: what it reads is an input)
    pipeline_only = {"pipeline/config.py", "pipeline/validate.py", "tools/artifacts.py"}
    assert not (pipeline_only | {"claims.py"}) & used
    assert not {n for n in used if n.startswith("figures/") and "equidistant" not in n} - {
        "figures/__init__.py",
        "figures/_words.py",  # the text alternatives' words, which every figure uses
    }


def test_relative_and_absolute_imports_and_function_level_ones(tmp_path):
    used = names(imported_sources(PACKAGE / "objectives.py"))
    # `from . import gaussian`, `from .descent import ...`
    assert {"objectives.py", "gaussian.py", "descent.py", "metrics.py"} <= used
    assert "drawing/plotting.py" not in used
    # artifacts imports config and validate inside a function; config imports
    # validate inside one too (`from .validate import ...`)
    used = names(imported_sources(PACKAGE / "tools" / "artifacts.py"))
    assert {"pipeline/config.py", "pipeline/validate.py"} <= used
    assert "pipeline/validate.py" in names(imported_sources(PACKAGE / "pipeline" / "config.py"))


def test_a_relative_import_starts_from_the_package_a_module_or_its_init_is_in():
    from natgrad.pipeline.sources import _package_of

    # `from .x import` in natgrad/tools/preview/cli.py and in its __init__ both
    # mean natgrad.tools.preview.x
    assert _package_of(PACKAGE / "tools" / "preview" / "cli.py") == "natgrad.tools.preview"
    assert _package_of(PACKAGE / "tools" / "preview" / "__init__.py") == "natgrad.tools.preview"
    assert _package_of(PACKAGE / "metrics.py") == "natgrad"


def test_every_figures_inputs_are_what_modulefinder_finds():
    """Another reading, not by ast: the standard library's modulefinder follows the
    bytecode's imports of the job, the renderer and the figure, restricted to the
    checkout (so that numpy or matplotlib are not scanned). Three figures import
    gaussian.py by `from .. import gaussian` (themselves or through _gaussian_pairs),
    the form issue 30 found unfollowed by a mutant no test caught."""
    import modulefinder

    from natgrad.figures import registry
    from natgrad.pipeline.sources import figure_inputs

    reaches_gaussian = set()
    for name in registry():
        finder = modulefinder.ModuleFinder(path=[str(PACKAGE.parent)])
        for module in ("pipeline.jobs", "pipeline.render", f"figures.{name}"):
            finder.import_hook(f"natgrad.{module}")
        found = sorted(Path(m.__file__) for m in finder.modules.values() if m.__file__)
        # with the stub beside a module (natgrad/__init__.pyi, which lazy_loader reads)
        stubs = [p.with_suffix(".pyi") for p in found if p.with_suffix(".pyi").is_file()]
        assert PACKAGE / "__init__.pyi" in stubs
        assert figure_inputs(name) == [
            *sorted([*found, *stubs]),
            PACKAGE / "drawing" / "natgrad.mplstyle",
        ], name
        if PACKAGE / "gaussian.py" in found:
            reaches_gaussian.add(name)
    assert {
        "gaussian_fisher_ellipses", "gaussian_kl_vs_euclidean", "univariate_gaussian_euclidean"
    } <= reaches_gaussian  # fmt: skip


# A toy package written in tmp_path, with every file each module uses written out
# by hand: the expectations do not come from the code under test.
TOY = {
    "__init__.py": "",
    "leaf.py": '"""Imports nothing of the package."""\nimport json  # noqa: F401\n',
    "other.py": "",
    "rel_module.py": "from . import leaf  # noqa: F401\n",
    "rel_attribute.py": "from .leaf import thing  # noqa: F401\n",
    "rel_not_a_module.py": "from . import nothing_such  # noqa: F401\n",
    "absolute.py": "import natgrad.sub.deep  # noqa: F401\n",
    "absolute_from.py": "from natgrad.sub import deep  # noqa: F401\n",
    "aliased.py": "import natgrad.leaf as leaf_alias, os  # noqa: F401, E401\n",
    "in_function.py": "def f():\n    from .other import g  # noqa: F401\n",
    "in_text.py": '"""from . import leaf\nimport natgrad.other\n"""\nX = "from . import leaf"\n',
    "elsewhere.py": "from os import path  # noqa: F401\nimport json  # noqa: F401\n",
    "chain.py": "from . import rel_module  # noqa: F401\n",
    "two_from.py": "from . import leaf  # noqa: F401\nfrom .sub import sibling  # noqa: F401\n",
    "two_imports.py": "import natgrad.leaf  # noqa: F401\nimport natgrad.other  # noqa: F401\n",
    "cycle_a.py": "from . import cycle_b  # noqa: F401\n",
    "cycle_b.py": "from . import cycle_a  # noqa: F401\n",
    "sub/__init__.py": "from . import sibling  # noqa: F401\n",
    "sub/sibling.py": "",
    "sub/deep.py": "from .. import leaf  # noqa: F401\n",
    "sub/up_two.py": "from ..other import g  # noqa: F401\n",
    "sub/package_itself.py": "from .. import sub  # noqa: F401\n",
}

#: module -> every file of the package it runs, itself included
USES = {
    "leaf.py": {"leaf.py"},
    "rel_module.py": {"rel_module.py", "__init__.py", "leaf.py"},
    "rel_attribute.py": {"rel_attribute.py", "__init__.py", "leaf.py"},
    "rel_not_a_module.py": {"rel_not_a_module.py", "__init__.py"},
    "absolute.py": {"absolute.py", "__init__.py", "sub/__init__.py", "sub/sibling.py",
                    "sub/deep.py", "leaf.py"},
    "absolute_from.py": {"absolute_from.py", "__init__.py", "sub/__init__.py",
                         "sub/sibling.py", "sub/deep.py", "leaf.py"},
    "aliased.py": {"aliased.py", "__init__.py", "leaf.py"},
    "in_function.py": {"in_function.py", "__init__.py", "other.py"},
    "in_text.py": {"in_text.py"},
    "elsewhere.py": {"elsewhere.py"},
    "chain.py": {"chain.py", "__init__.py", "rel_module.py", "leaf.py"},
    "two_from.py": {"two_from.py", "__init__.py", "leaf.py", "sub/__init__.py",
                    "sub/sibling.py"},
    "two_imports.py": {"two_imports.py", "__init__.py", "leaf.py", "other.py"},
    "cycle_a.py": {"cycle_a.py", "__init__.py", "cycle_b.py"},
    "sub/__init__.py": {"sub/__init__.py", "__init__.py", "sub/sibling.py"},
    "sub/deep.py": {"sub/deep.py", "__init__.py", "leaf.py"},
    "sub/up_two.py": {"sub/up_two.py", "__init__.py", "other.py"},
    "sub/package_itself.py": {"sub/package_itself.py", "__init__.py", "sub/__init__.py",
                              "sub/sibling.py"},
}  # fmt: skip


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """The toy package as the one sources reads (its own record, nothing cached)."""
    from natgrad.pipeline import sources

    package = tmp_path / "natgrad"
    for rel, text in TOY.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text)
    monkeypatch.setattr(sources, "PACKAGE", package)
    monkeypatch.setattr(sources, "_REMEMBERED", {})
    monkeypatch.setattr(sources, "_UNSAVED", set())
    sources._module_file.cache_clear()
    sources.forget()
    yield package
    sources._module_file.cache_clear()
    sources.forget()


def test_a_syntax_error_names_its_file(toy):
    broken = toy / "broken.py"
    broken.write_text("from . import leaf\ndef f(:\n")
    with pytest.raises(SyntaxError) as err:
        imported_sources(broken)
    assert err.value.filename == str(broken) and err.value.lineno == 2


@pytest.mark.parametrize("module", sorted(USES))
def test_each_form_of_import_gives_the_files_it_runs(toy, module):
    used = imported_sources(toy / module)
    assert used == sorted(toy / rel for rel in USES[module])


def test_several_modules_at_once_and_files_outside_the_package(toy, tmp_path, monkeypatch):
    outside = tmp_path / "script.py"
    outside.write_text("from natgrad.sub import deep  # noqa: F401\n")
    style = toy / "style.mplstyle"
    style.write_text("from natgrad import cycle_a\n")  # reads as Python, is not
    # a file outside the package or not Python is an input, but not read
    used = imported_sources(toy / "in_function.py", toy / "rel_module.py", outside, style)
    assert used == sorted(
        [toy / "in_function.py", toy / "__init__.py", toy / "other.py", toy / "rel_module.py",
         toy / "leaf.py", outside, style]
    )  # fmt: skip
    # relative to the working directory, as the Snakefile names them
    monkeypatch.chdir(toy)
    assert imported_sources("chain.py") == sorted(toy / r for r in USES["chain.py"])


def test_a_figures_inputs_are_its_modules_the_job_the_renderer_and_style(toy):
    from natgrad.pipeline.sources import figure_inputs, forget

    for rel, text in {
        "pipeline/__init__.py": "",
        "pipeline/jobs.py": "from .manifest import x  # noqa: F401\n",
        "pipeline/manifest.py": "",
        "pipeline/render.py": "from ..drawing import plotting  # noqa: F401\n",
        "drawing/__init__.py": "",
        "drawing/plotting.py": "",
        "figures/__init__.py": "",
        "figures/ellipses.py": "from .. import leaf  # noqa: F401\n",
        "figures/other_figure.py": "from .. import other  # noqa: F401\n",
    }.items():
        (toy / rel).parent.mkdir(parents=True, exist_ok=True)
        (toy / rel).write_text(text)
    modules = [
        "__init__.py", "drawing/__init__.py", "drawing/plotting.py", "figures/ellipses.py",
        "leaf.py", "pipeline/__init__.py", "pipeline/jobs.py", "pipeline/manifest.py",
        "pipeline/render.py",
    ]  # fmt: skip
    assert figure_inputs("ellipses") == [
        *(toy / m for m in modules),
        toy / "drawing" / "natgrad.mplstyle",
    ]
    # found once: a save is seen after forget(), as the previews call it
    (toy / "figures" / "ellipses.py").write_text("from .. import leaf, other  # noqa: F401\n")
    assert toy / "other.py" not in figure_inputs("ellipses")
    forget()
    assert toy / "other.py" in figure_inputs("ellipses")


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _run_again():
    """What another run of the Snakefile starts with: nothing in memory."""
    from natgrad.pipeline import sources

    sources._REMEMBERED.clear()
    sources.forget()


def test_what_a_file_imports_is_remembered_by_its_stamp_between_runs(toy, tmp_path):
    """A no-op run reads what each file imports from the last run's record; a file
    whose modification time or size changed is read again, and the record follows."""
    from natgrad.pipeline import sources

    record = tmp_path / "imports.json"
    module = toy / "rel_module.py"
    assert imported_sources(module) == sorted(toy / r for r in USES["rel_module.py"])
    sources.save_imports(record)
    saved = json.loads(record.read_text())
    st = module.stat()
    assert saved["imports"][str(module)] == [
        [st.st_mtime_ns, st.st_size],
        [str(toy / "__init__.py"), str(toy / "leaf.py")],
    ]
    # another run believes the record while the stamp matches: a doctored one shows it
    saved["imports"][str(module)][1] = [str(toy / "leaf.py")]
    record.write_text(json.dumps(saved))
    _run_again()
    sources.load_imports(record)
    assert imported_sources(module) == [toy / "leaf.py", module]
    # nothing read afresh (leaf.py is in the record too): nothing to write
    record.unlink()
    sources.save_imports(record)
    assert not record.exists()
    # an edit changes the stamp: the file is read again and the record updated
    module.write_text("from . import elsewhere  # noqa: F401\n")
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    sources.forget()
    assert imported_sources(module) == [toy / "__init__.py", toy / "elsewhere.py", module]
    sources.save_imports(record)
    assert json.loads(record.read_text())["imports"][str(module)][1] == [
        str(toy / "__init__.py"),
        str(toy / "elsewhere.py"),
    ]
    # a change of size alone (same time) is an edit too
    st = module.stat()
    module.write_text("from . import other  # noqa: F401\n\n")
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
    sources.forget()
    assert imported_sources(module) == [toy / "__init__.py", toy / "other.py", module]


def test_a_record_written_by_other_reading_code_is_not_believed(toy, tmp_path):
    """The record is keyed by sources.py's own source (sha256 of its bytes): after an
    edit of how imports are read, every file is read again, whatever its stamp."""
    from natgrad.pipeline import sources

    record = tmp_path / "imports.json"
    module = toy / "rel_module.py"
    imported_sources(module)
    sources.save_imports(record)
    saved = json.loads(record.read_text())
    assert saved["reader"] == _digest(sources.__file__)
    saved["imports"][str(module)][1] = [str(toy / "other.py")]
    for reader in (saved["reader"], "0" * 64, None):
        saved["reader"] = reader
        record.write_text(json.dumps(saved))
        _run_again()
        sources.load_imports(record)
        believed = imported_sources(module) == [toy / "other.py", module]
        assert believed == (reader == _digest(sources.__file__)), reader
    # the record of the version before the key (path -> [stamp, imports]) is read afresh
    record.write_text(json.dumps(saved["imports"]))
    _run_again()
    sources.load_imports(record)
    assert imported_sources(module) == sorted(toy / r for r in USES["rel_module.py"])


def test_an_edit_of_sources_py_reads_every_file_again(tmp_path):
    """The real thing: a copy of the package, run as the Snakefile runs it (load the
    record, ask, save), three times; the second believes the doctored record, the
    third, after sources.py changed, does not."""
    copy = tmp_path / "natgrad"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    record = tmp_path / "imports.json"
    script = (
        "import sys; from natgrad.pipeline import sources as s; "
        f"s.load_imports({str(record)!r}); "
        "print(' '.join(p.name for p in s.imported_sources(sys.argv[1]))); "
        f"s.save_imports({str(record)!r})"
    )
    # -P: the copy, not a natgrad in the working directory (which stays the
    # project's, where mutmut finds its settings when it runs this test)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    def run():
        return subprocess.run(
            [sys.executable, "-P", "-c", script, str(copy / "objectives.py")],
            env=env, capture_output=True, text=True, check=True, timeout=60,
        ).stdout.split()  # fmt: skip

    first = run()
    assert "gaussian.py" in first and "descent.py" in first
    saved = json.loads(record.read_text())
    saved["imports"][str(copy / "objectives.py")][1] = []
    record.write_text(json.dumps(saved))
    assert run() == ["objectives.py"]
    with open(copy / "pipeline" / "sources.py", "a") as fh:
        fh.write("\n# imports are read another way now\n")
    assert run() == first


def test_a_missing_or_broken_record_is_as_if_empty(toy, tmp_path):
    from natgrad.pipeline import sources

    module = toy / "rel_module.py"
    reader = _digest(sources.__file__)
    record = tmp_path / "imports.json"
    for text in (
        None, "not json", "[1, 2]", '{"x": 3}', b"\xff\xfe",
        json.dumps({"reader": reader, "imports": [1, 2]}),
        json.dumps({"reader": reader, "imports": {str(module): [1, 2, 3]}}),
        json.dumps({"reader": reader, "imports": {str(module): "x"}}),
    ):  # fmt: skip
        if text is None:
            record.unlink(missing_ok=True)
        else:
            record.write_bytes(text if isinstance(text, bytes) else text.encode())
        sources.load_imports(record)
        assert sources._REMEMBERED == {}, text
    assert imported_sources(module) == sorted(toy / r for r in USES["rel_module.py"])
    # a folder that cannot be written only means reading again next time
    sources.save_imports(tmp_path / "imports.json" / "inside-a-file")
    assert str(module) in sources._UNSAVED
    sources.save_imports(tmp_path / "new" / "folder" / "imports.json")
    assert not sources._UNSAVED
    saved = (tmp_path / "new" / "folder" / "imports.json").read_text()
    assert str(module) in json.loads(saved)["imports"]


def test_the_record_is_the_same_whatever_order_files_were_read_in(toy, tmp_path):
    """Two runs that read the same files write the same bytes (no churn in .snakemake)."""
    from natgrad.pipeline import sources

    written = []
    for order in (["chain.py", "in_function.py"], ["in_function.py", "chain.py"]):
        _run_again()
        for module in order:
            imported_sources(toy / module)
        sources.save_imports(tmp_path / "imports.json")
        written.append((tmp_path / "imports.json").read_bytes())
    assert written[0] == written[1]


def test_forget_forgets_every_cache_of_the_files_read(tmp_path, monkeypatch):
    """One call, before each preview update: the figures found (a module saved since
    is one), their specs, and each figure's inputs."""
    import natgrad.figures as figures
    from natgrad.pipeline.sources import figure_inputs, forget

    figures_dir = tmp_path / "figures"
    figures_dir.mkdir()
    (figures_dir / "first.py").write_text('"""First."""\n')
    monkeypatch.setattr(figures, "FIGURES_DIR", figures_dir)
    forget()
    try:
        assert list(figures.registry()) == ["first"]
        (figures_dir / "first.py").write_text('"""First, renamed."""\n')
        (figures_dir / "second.py").write_text('"""Second."""\nSHARED_SECTIONS = ["gaussian"]\n')
        assert list(figures.registry()) == ["first"]  # remembered until forget()
        inputs = figure_inputs("equidistant_points")
        forget()
        assert list(figures.registry()) == ["first", "second"]
        assert figures.registry()["first"].summary == "First, renamed."
        assert figures.registry()["second"].sections == ("second", "gaussian")
        assert figure_inputs("equidistant_points") == inputs  # found again, the same
    finally:
        monkeypatch.undo()
        forget()
