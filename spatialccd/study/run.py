"""Running a study: the steps in order, each producing a result object; no formatting, no files.

:func:`run_steps` builds the panel once (:class:`~spatialccd.PanelData`), passes it
to every step, fits each model once (a cache keyed by the specification), and
returns a :class:`StudyRun` holding every step's result object.  Steps exchange
these objects, never hidden columns of a shared frame; the steps themselves are
listed in :mod:`spatialccd.study.registry`.
"""
from __future__ import annotations

import time as _time
import warnings
from dataclasses import dataclass, field

from ..exceptions import SpatialCCDError, StudyError

__all__ = ["StudyRun", "RunContext", "run_steps", "Log"]


class Log:
    """The run log: timestamped lines in the study's language, echoed unless ``quiet``."""

    def __init__(self, quiet: bool, lang: str = "en") -> None:
        self.lines: list[str] = []
        self.quiet, self.lang = quiet, lang
        self._start = _time.perf_counter()

    def say(self, key: str, **fields) -> None:
        """Log the catalogue message ``key`` (:mod:`spatialccd.messages`) in the log's language."""
        from ..messages import message

        self(message(key, self.lang, **fields))

    def __call__(self, message: str) -> None:
        line = f"[{_time.perf_counter() - self._start:7.2f} s] {message}"
        self.lines.append(line)
        if not self.quiet:
            print(line, flush=True)


@dataclass
class RunContext:
    """What the steps share while a study runs: the study, the log, the panel and earlier results."""

    study: object
    log: Log
    quiet: bool
    results: dict = field(default_factory=dict)
    panel: object = None          # PanelData of the data step, with the derived indices added (with_columns)
    graph: object = None
    _models: dict = field(default_factory=dict)

    @property
    def spec(self) -> dict:
        return self.study.spec

    @property
    def source(self) -> str:
        return self.study.source

    def column(self, section: str) -> str:
        """The ``column`` key of a table, checked against the panel's columns."""
        col = self.spec[section]["column"]
        if col not in self.panel.columns:
            raise StudyError(f"{self.source}: [{section}] column = {col!r} is not a column of the data or of the "
                             f"coordination results; columns are {list(self.panel.columns)}", table=section,
                             key="column")
        return col

    def fit(self, kind: str, formula: str, *, effects: str, bias_correction, lag_convention: str):
        """Fit (or reuse) one spatial panel model on the study's panel and weights."""
        from ..models import SpatialPanelModel

        key = (kind, formula, effects, bias_correction, lag_convention)
        if key not in self._models:
            self._models[key] = SpatialPanelModel(self.panel, formula, self.graph, kind=kind, effects=effects,
                                                  bias_correction=bias_correction,
                                                  lag_convention=lag_convention).fit()
        return self._models[key]

    def remember(self, results) -> None:
        """Put models fitted elsewhere (the specification chain) into the cache."""
        for res in results:
            if res.kind in ("sar", "sem", "sdm", "sdem", "slx") and type(res).__name__ == "SpatialPanelResults":
                self._models.setdefault((res.kind, res.formula, res.effects, res.bias_correction,
                                         res.lag_convention), res)


@dataclass(frozen=True)
class StudyRun:
    """The result objects of every step that ran, in order (``results[step]``), and the log lines."""

    study: object = field(repr=False)
    results: dict = field(repr=False)
    order: tuple[str, ...]
    panel: object = field(repr=False)
    graph: object = field(repr=False)
    log: Log = field(repr=False)


def run_steps(study, *, quiet: bool = False) -> StudyRun:
    """Run every step the study asks for, in :data:`~spatialccd.study.registry.RUN_ORDER`.

    An error inside a step is re-raised as a :class:`~spatialccd.exceptions.StudyError`
    naming the step (and, for errors already naming a key, keeping it); warnings are
    written to the log and passed on.
    """
    from .._version import __version__
    from .registry import RUN_ORDER, STEPS

    log = Log(quiet, study.lang)
    log.say("log_start", version=__version__, title=repr(study.spec["title"]), source=study.source)
    ctx = RunContext(study=study, log=log, quiet=quiet)
    order = []
    for key in RUN_ORDER:
        step = STEPS[key]
        if not step.wanted(key, study.spec):
            continue
        t0 = _time.perf_counter()
        caught: list = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ctx.results[key] = step.compute(ctx)
        except StudyError as exc:
            if exc.step is None:
                exc.step = key
            raise
        except SpatialCCDError as exc:
            raise StudyError(f"{study.source}: step [{key}] failed: {exc}", table=key, step=key) from exc
        except Exception as exc:   # OSError, TypeError …: type kept for Python callers, the step for the CLI line
            if getattr(exc, "step", None) is None:
                exc.step = key
            raise
        finally:
            for w in caught:   # logged, and passed on to the caller (also when the step failed)
                log.say("log_warning", step=key, warning=w.message)
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        order.append(key)
        log.say("log_done", step=key, seconds=f"{_time.perf_counter() - t0:.2f}")
    return StudyRun(study=study, results=dict(ctx.results), order=tuple(order), panel=ctx.panel, graph=ctx.graph,
                    log=log)
