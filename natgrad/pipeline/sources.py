"""Which natgrad source files a module uses, found by reading them, not importing them.

The Snakefile makes these the inputs of each job, so that editing a file
reruns exactly the jobs whose code imports it. It asks on every run, a no-op
included, and parsing the package's files is most of what that costs
(benchmarks/bench_pipeline.py (d)): what each file imports is remembered
between runs (:func:`load_imports`, :func:`save_imports`) under the file's
modification time and size, as Snakemake itself decides by modification times,
and under this module's own source: a record written by other reading code
(this file edited, another natgrad checked out) is read afresh, not believed.
"""

from __future__ import annotations

import ast
import hashlib
import json
from functools import cache
from pathlib import Path

__all__ = ["imported_sources", "figure_inputs", "forget", "load_imports", "save_imports"]

PACKAGE = Path(__file__).parents[1]

# What each file imports, by path: [[mtime_ns, size], [imported paths]] as it
# was when read; a file whose stamp differs is read again.
_REMEMBERED: dict[str, list] = {}
_UNSAVED: set[str] = set()


@cache
def _reader() -> str:
    """sha256 of this module's source: the code that read what a record holds."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@cache
def _module_file(dotted: str) -> Path | None:
    """``natgrad.a.b`` -> its source file (a module or a package's __init__), or None."""
    parts = dotted.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_of(path: Path) -> str:
    """The package a relative import in ``path`` starts from: a module's package,
    and a package's ``__init__`` is in its own package, so both drop the last part."""
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts[:-1])


@cache
def _imports(path: Path) -> frozenset[Path]:
    """:func:`_read_imports` of ``path``, or what it gave before if the file's
    modification time and size are those it had then (:func:`load_imports`)."""
    st = path.stat()
    stamp = [st.st_mtime_ns, st.st_size]
    known = _REMEMBERED.get(str(path))
    if known and known[0] == stamp:
        return frozenset(Path(p) for p in known[1])
    found = _read_imports(path)
    _REMEMBERED[str(path)] = [stamp, sorted(map(str, found))]
    _UNSAVED.add(str(path))
    return found


def _read_imports(path: Path) -> frozenset[Path]:
    """natgrad files imported anywhere in ``path`` (function-level imports too).

    Read with :mod:`ast`, as :func:`natgrad.figures.registry` reads the figure
    modules: an import in a docstring does not count, one in a function does.
    ``import_module(name)`` with a computed name cannot be read; the one there is
    (:func:`natgrad.figures.builder`) is named by :func:`figure_inputs`.
    Cached: the Snakefile asks for every job, and most jobs share most files.
    """
    package = _package_of(path)
    dotted = []
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            # `from pkg import name`: name is a submodule or an attribute of pkg
            dotted += [base, *(f"{base}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            dotted += [a.name for a in node.names]
    found = set()
    for name in dotted:
        parts = name.split(".")
        # importing a.b.c runs a/__init__ and a/b/__init__ as well
        for i in range(1, len(parts) + 1):
            file = _module_file(".".join(parts[:i]))
            if file:
                found.add(file)
    return frozenset(found)


def imported_sources(*paths: str | Path) -> list[Path]:
    """``paths`` and every natgrad source file they import, transitively, with the
    stubs (``.pyi``) beside them, sorted."""
    todo = [Path(p).resolve() for p in paths]
    seen: set[Path] = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        if p.suffix == ".py" and p.is_relative_to(PACKAGE):
            todo.extend(_imports(p) - seen)
            # a stub beside a module is read when it runs (natgrad/__init__.pyi:
            # the public names lazy_loader loads), so it is an input as well
            if p.with_suffix(".pyi").is_file():
                seen.add(p.with_suffix(".pyi"))
    return sorted(seen)


def figure_inputs(name: str) -> list[Path]:
    """Every file a figure's job reads: the natgrad modules its module, the job
    (:class:`~natgrad.pipeline.jobs.FigureJob`) and the renderer (the rule's
    command, :func:`natgrad.pipeline.render.main`) import, and the style.

    The Snakefile makes them the job's inputs and hashes them into its manifest
    (:func:`natgrad.pipeline.manifest.inputs_sha256`); the live preview hashes the same.
    Found once per figure until :func:`forget` (the Snakefile asks twice a job).
    """
    return list(_figure_inputs(PACKAGE, name))


@cache
def _figure_inputs(package: Path, name: str) -> tuple[Path, ...]:
    return (
        *imported_sources(
            package / "pipeline" / "jobs.py",
            package / "pipeline" / "render.py",
            package / "figures" / f"{name}.py",
        ),
        package / "drawing" / "natgrad.mplstyle",
    )


def forget() -> None:
    """Forget the files read so far, every cache of them in one call: they may have
    changed (the live previews ask again before each update). What each module
    imports, each figure's inputs, the figures and their specs
    (:func:`natgrad.figures.registry`), and the names the inputs' hashes give them
    (:func:`natgrad.pipeline.manifest.forget`)."""
    from ..figures import registry
    from . import manifest

    _imports.cache_clear()
    _figure_inputs.cache_clear()
    registry.cache_clear()
    manifest.forget()


def load_imports(path: str | Path) -> None:
    """Take what files were found to import from ``path`` (written by
    :func:`save_imports`); a missing or unreadable file is as if empty, and so is
    one written by another version of this module (it may read imports otherwise)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return
    if not isinstance(data, dict) or data.get("reader") != _reader():
        return
    files = data.get("imports")
    if isinstance(files, dict):
        _REMEMBERED.update(
            (k, v) for k, v in files.items() if isinstance(v, list) and len(v) == 2
        )


def save_imports(path: str | Path) -> None:
    """Write what files import to ``path``, when anything was read since
    :func:`load_imports`; a read-only folder only means reading again next time."""
    if not _UNSAVED:
        return
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        record = {"reader": _reader(), "imports": _REMEMBERED}
        Path(path).write_text(json.dumps(record, sort_keys=True))
    except OSError:
        return
    _UNSAVED.clear()
