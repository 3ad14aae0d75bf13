"""The output folder of a study, written all-or-nothing, and :class:`StudyResult`.

Everything is written into a sibling temporary folder (``.<name>.partial-…``);
only when every file is complete is the previous output (if any) moved aside and
the new folder moved into place, then the old one removed.  A run that fails or
is interrupted (Ctrl-C, disk full) therefore leaves either the previous complete
output or nothing — never a mix — and the temporary folder is removed.  Each
folder carries ``manifest.json`` (every file with its SHA-256 and size), which is
also how an existing folder is recognised as a spatialccd output that
``overwrite=True`` may replace.  Files get the permissions of the user's umask.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._version import __version__
from ..exceptions import StudyError

__all__ = ["StudyResult", "OutputFolder", "write_outputs", "MANIFEST"]

MANIFEST = "manifest.json"
_FIXED_OUTPUTS = ("report.html", "tables.xlsx", "settings.toml", "run.log", MANIFEST)


@dataclass(frozen=True)
class StudyResult:
    """What :meth:`Study.run` produced: paths, tables, figures, every step's result object and the log."""

    output: Path
    report_path: Path
    tables: dict
    figures: dict
    results: dict = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    log: tuple[str, ...] = field(repr=False)
    files: tuple[Path, ...] = field(repr=False, default=())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@dataclass
class OutputFolder:
    """The target folder and its temporary sibling (created at once: writability is checked before any step)."""

    target: Path
    partial: Path
    overwrite: bool

    @classmethod
    def prepare(cls, study, output, *, overwrite: bool) -> OutputFolder:
        out = Path(output)
        if out.exists() and not out.is_dir():
            raise FileExistsError(f"output {out} exists and is not a folder")
        if out.is_dir() and any(out.iterdir()):
            if not overwrite:
                raise FileExistsError(f"output folder {out} is not empty; pass overwrite=True (--overwrite) "
                                      "to replace it")
        root = out.resolve()
        inputs = {p for p in study.input_files()}
        clobber = sorted(str(p) for p in inputs if root == p.parent or root in p.parents)
        if clobber:
            raise StudyError(f"output folder {out} would overwrite input file(s) {clobber}; choose another folder",
                             table="data")
        if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
            raise FileExistsError(f"output folder {out} holds files that are not a spatialccd output (no {MANIFEST}); "
                                  "overwrite=True replaces only an earlier spatialccd output — choose an empty or "
                                  "new folder")
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            partial = Path(tempfile.mkdtemp(prefix=f".{root.name}.partial-", dir=root.parent))
        except OSError as exc:
            raise StudyError(f"cannot write the output folder {out}: {exc.strerror or exc}") from None
        return cls(target=root, partial=partial, overwrite=overwrite)

    def discard(self) -> None:
        """Remove the temporary folder (after a failure, or after it was moved into place)."""
        if self.partial.exists():
            shutil.rmtree(self.partial, ignore_errors=True)

    def commit(self) -> None:
        """Move the finished folder into place; the previous output is removed only afterwards."""
        mask = _umask()
        for p in [self.partial, *self.partial.rglob("*")]:
            os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~mask)
        old = None
        if self.target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
            os.rmdir(old)
            os.replace(self.target, old)
        try:
            os.replace(self.partial, self.target)
        except OSError:
            if old is not None:
                os.replace(old, self.target)   # put the previous output back
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _manifest(folder: Path) -> str:
    files = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != MANIFEST:
            data = p.read_bytes()
            files.append({"path": p.relative_to(folder).as_posix(), "bytes": len(data),
                          "sha256": hashlib.sha256(data).hexdigest()})
    return json.dumps({"spatialccd": __version__, "complete": True, "files": files}, indent=1) + "\n"


#: the run and options the forked presentation workers read (set just before they are forked).
_SHARED: tuple = ()


def _present(key: str):
    """Present one step in a worker: (section, warnings) or (None, the error as text)."""
    import traceback
    import warnings

    from .registry import STEPS

    run, opts = _SHARED
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            section = STEPS[key].present(run.results[key], run, opts)
        return section, [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
    except Exception:   # reproduced in the parent, which raises the real exception
        return None, traceback.format_exc()


def _preload_plotting() -> None:
    """Import the plotting modules (and matplotlib's pyplot, fonts and styles) once, before the workers are
    forked: each would otherwise import them again, about half a second apiece."""
    import importlib
    import pkgutil

    import matplotlib.pyplot  # noqa: F401

    from .. import plots

    for module in pkgutil.iter_modules(plots.__path__):
        importlib.import_module(f"{plots.__name__}.{module.name}")


def _workers(run, jobs: int) -> int:
    """``[report] workers``: 0 = as many as the machine has cores (at most 4) where processes can be forked."""
    import multiprocessing
    import sys

    asked = run.study.spec["report"]["workers"]
    if asked == 1 or jobs < 2 or sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(jobs, asked or min(4, os.cpu_count() or 1))


def build_sections(run, opts) -> list:
    """The report sections of every step that ran: those of ``[report] order`` first, then in
    :data:`~spatialccd.study.registry.ORDER`.

    Drawing the figures is most of a large study's report time (a county study's maps, densities and
    Gini figures: seconds each), and each step's section is independent of the others: with
    ``[report] workers`` ≠ 1 on Linux they are drawn in forked worker processes (which see the run
    without copying it), the heaviest first (``Step.cost``), and gathered in order.  Only the finished
    sections (text, tables, image bytes) travel back, between this package's own processes: no user
    file is ever unpickled.  Warnings raised there are raised again here; a step that fails in a
    worker is presented again in this process, which raises its error as it would have.
    """
    import warnings
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from .registry import ORDER, STEPS

    global _SHARED
    first = list(run.study.spec["report"].get("order") or [])   # [report] order, then the usual order
    keys = [k for k in first + [k for k in ORDER if k not in first] if k in run.results]
    workers = _workers(run, len(keys))
    if workers == 1:
        return [STEPS[key].present(run.results[key], run, opts) for key in keys]
    _preload_plotting()
    _SHARED = (run, opts)
    first = sorted(keys, key=lambda k: -STEPS[k].cost)   # the heaviest first: the shortest wait for the last
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            drawn = dict(zip(first, pool.map(_present, first)))
        done = [drawn[k] for k in keys]
    except Exception:   # no worker (BrokenProcessPool, OSError) or a result that cannot travel back: draw here,
        done = [(None, "") for _ in keys]   # where any real error is raised as it would have been
    finally:
        _SHARED = ()
    sections = []
    for key, (section, extra) in zip(keys, done):
        if section is None:
            section = STEPS[key].present(run.results[key], run, opts)   # raises the worker's error here
        else:
            for message, category, filename, lineno in extra:
                warnings.warn_explicit(message, category, filename, lineno)
        sections.append(section)
    return sections


def write_outputs(study, run, folder: OutputFolder) -> StudyResult:
    """Build the sections, write every file into the temporary folder, then commit it."""
    from ..io import write_bytes, write_text
    from ..report.html import write_report
    from ..report.sections import ReportOptions
    from ..report.tables import write_tables

    spec = study.spec["report"]
    opts = ReportOptions(lang=spec["lang"], names=spec["names"] or spec["lang"], digits=spec["digits"],
                         unit=run.panel.unit, time=run.panel.time)
    sections = build_sections(run, opts)
    tables, figures = {}, {}
    for sec in sections:
        for t in sec.tables:
            if t.name in tables:
                raise StudyError(f"two tables named {t.name!r}")
            tables[t.name] = t
        for f in sec.figures:
            figures[f.name] = f
    out, log = folder.partial, run.log
    for t in tables.values():
        t.to_csv(out / "tables" / f"{t.name}.csv")
        write_text(out / "tables" / f"{t.name}.tex", t.to_latex())
    if tables:
        write_tables(list(tables.values()), out / "tables.xlsx")
    for f in figures.values():
        write_bytes(out / "figures" / f"{f.name}.png", f.png)
        write_text(out / "figures" / f"{f.name}.svg", f.svg)
    settings = study.settings_toml()
    write_text(out / "settings.toml", settings)
    log.say("log_wrote", tables=len(tables), figures=len(figures), folder=folder.target)
    report = folder.target / "report.html"
    log.say("log_report", path=report)
    shown = settings if spec["paths"] == "absolute" else study.settings_toml(paths="relative")
    write_report(out / "report.html", title=study.spec["title"], sections=sections, settings=shown,
                 simulated_note=(opts.m("simulated_note" if study.spec["data"]["demo"] else "simulated_note_user")
                                 if study.simulated else None), log=log.lines,
                 lang=opts.lang)
    write_text(out / "run.log", "\n".join(log.lines) + "\n")
    write_text(out / MANIFEST, _manifest(out))
    files = tuple(folder.target / p.relative_to(out) for p in sorted(out.rglob("*")) if p.is_file())
    folder.commit()
    return StudyResult(output=folder.target, report_path=report, tables=tables, figures=figures,
                       results=dict(run.results), data=run.panel.frame_.reset_index(), log=tuple(log.lines),
                       files=files)
