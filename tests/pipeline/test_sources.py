"""natgrad.pipeline.sources: a module's natgrad files, read from its imports."""

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
        "pipeline/manifest.py",
        "figures/__init__.py",
        "__init__.py",
        "pipeline/__init__.py",
        "drawing/__init__.py",
    } <= used
    # neither the config validation, the artifact check, nor another figure
    assert not {
        "pipeline/config.py",
        "tools/artifacts.py",
        "claims.py",
        "pipeline/sources.py",
    } & used
    assert not {n for n in used if n.startswith("figures/") and "equidistant" not in n} - {
        "figures/__init__.py",
        "figures/_words.py",  # the text alternatives' words, which every figure uses
    }


def test_relative_and_absolute_imports_and_function_level_ones(tmp_path):
    used = names(imported_sources(PACKAGE / "objectives.py"))
    # `from . import gaussian`, `from .descent import ...`
    assert {"objectives.py", "gaussian.py", "descent.py", "metrics.py"} <= used
    assert "drawing/plotting.py" not in used
    # artifacts imports config inside a function
    assert "pipeline/config.py" in names(imported_sources(PACKAGE / "tools" / "artifacts.py"))


def test_an_import_in_a_docstring_does_not_count_one_in_a_function_does(tmp_path):
    module = PACKAGE / "tools" / "_sources_probe.py"
    module.write_text(
        '"""Not an import:\n\nfrom natgrad.pipeline import config\n"""\n\n'
        "def f():\n    from ..drawing import style  # noqa: F401\n"
    )
    try:
        used = names(imported_sources(module))
    finally:
        module.unlink()
    assert "drawing/style.py" in used
    assert "pipeline/config.py" not in used


def _probe(text):
    from natgrad.pipeline import sources

    module = PACKAGE / "tools" / "_sources_probe.py"
    module.write_text(text)
    sources.forget()
    return module


def test_what_a_file_imports_is_remembered_by_its_stamp_between_runs(tmp_path):
    """A no-op run reads what each file imports from the last run's record; a file
    whose modification time or size changed is read again, and the record follows."""
    import json
    import os

    from natgrad.pipeline import sources

    record = tmp_path / "imports.json"
    module = _probe("from ..drawing import style  # noqa: F401\n")
    try:
        assert "drawing/style.py" in names(imported_sources(module))
        sources.save_imports(record)
        saved = json.loads(record.read_text())
        st = module.stat()
        assert saved[str(module)][0] == [st.st_mtime_ns, st.st_size]
        # another run believes the record while the stamp matches: a doctored one shows it
        saved[str(module)][1] = [str(PACKAGE / "drawing" / "colors.py")]
        record.write_text(json.dumps(saved))
        sources._REMEMBERED.clear()
        sources.forget()
        sources.load_imports(record)
        assert "drawing/colors.py" in names(imported_sources(module))
        assert "drawing/style.py" not in names(imported_sources(module))
        # an edit changes the stamp: the file is read again and the record updated
        module.write_text("from ..drawing import layout  # noqa: F401\n")
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        sources.forget()
        used = names(imported_sources(module))
        assert "drawing/layout.py" in used and "drawing/colors.py" not in used
        sources.save_imports(record)
        assert str(PACKAGE / "drawing" / "layout.py") in json.loads(record.read_text())[
            str(module)
        ][1]
    finally:
        module.unlink()
        sources._REMEMBERED.pop(str(module), None)
        sources.forget()


def test_a_missing_or_broken_record_is_as_if_empty(tmp_path):
    from natgrad.pipeline import sources

    for text in (None, "not json", "[1, 2]", '{"x": 3}'):
        record = tmp_path / "imports.json"
        if text is None:
            record.unlink(missing_ok=True)
        else:
            record.write_text(text)
        sources.load_imports(record)
        assert "x" not in sources._REMEMBERED
    assert "pipeline/config.py" in names(imported_sources(PACKAGE / "tools" / "artifacts.py"))
    # a folder that cannot be written only means reading again next time
    sources._UNSAVED.add("probe")
    sources.save_imports(tmp_path / "imports.json" / "inside-a-file")
    assert "probe" in sources._UNSAVED
    sources._UNSAVED.discard("probe")
