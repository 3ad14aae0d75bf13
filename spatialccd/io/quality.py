"""A data-quality screen of a long panel: things to look at before they break an index or a model.

Checks (each flag is one row of :meth:`QualityScreen.to_frame`):

``jump``
    |x_it / x_i,t−1| > factor or < 1/factor for positive consecutive values of
    one unit (default factor 3) — typical of a unit change (万元 vs 亿元), a
    typo or a break in the series.  "Consecutive" is adjacent on the panel's
    time axis.  Ratios mean something only for a positive (ratio-scale) quantity:
    a signed column — at least :data:`SIGNED_SHARE` of its values negative, such as
    a growth rate, a balance or a standardised variable — is not screened for jumps
    (an N(0, 1) column would flag about a third of its values).
``zero``, ``negative``
    exact zeros and negative values in columns that will be logged (log of
    them is undefined) or range-standardised (a 0 is often a missing value
    coded as zero; a negative value a sign or unit slip).
``constant``
    a column with one value throughout (range standardisation divides by
    max − min = 0 and the entropy weight is undefined); with ``per_year`` also a
    column constant within one year.
``subsystem-minimum``
    an observation at the worst value (minimum of a positive indicator,
    maximum of a negative one) of *every* indicator of a subsystem: its
    range-standardised score is U = 0, which makes the coupling degree C = 0
    and the relative development degree undefined.  The remedy is a shift:
    ``[evaluation] shift`` in a study, ``shift=`` in :func:`spatialccd.evaluate`.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DataError, DataQualityWarning
from ..summary import Summary, SummaryMixin
from .derive import PanelAxis

__all__ = ["QualityScreen", "quality_screen", "CHECKS"]

#: share of negative values from which a column counts as signed and is not screened for jumps.
SIGNED_SHARE = 0.05

#: the checks in the order they are reported.
CHECKS = ("jump", "zero", "negative", "constant", "subsystem-minimum")
_FLAG_COLUMNS = ["check", "column", "unit", "time", "value", "message"]


@dataclass(frozen=True, eq=False)
class QualityScreen(SummaryMixin):
    """Result of :func:`quality_screen`.

    Attributes
    ----------
    flags : DataFrame — one row per finding: ``check`` (one of :data:`CHECKS`), ``column``
        (a subsystem for ``subsystem-minimum``), ``unit``, ``time``, ``value``, ``message``
    columns : the columns screened for jumps and constants
    factor : the jump factor
    unit, time : the identifier columns of the screened frame
    """

    flags: pd.DataFrame
    columns: tuple[str, ...]
    factor: float
    unit: str
    time: str

    @property
    def ok(self) -> bool:
        """True when nothing was flagged."""
        return self.flags.empty

    def counts(self) -> pd.Series:
        """Number of flags per check (every check listed, zeros included)."""
        return self.flags["check"].value_counts().reindex(list(CHECKS), fill_value=0).rename("flags")

    def messages(self) -> list[str]:
        """One line per check that flagged something: the count and the first three findings."""
        out = []
        for check in CHECKS:
            found = self.flags.loc[self.flags["check"] == check, "message"].tolist()
            if found:
                more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
                out.append(f"{check}: {len(found)} flag(s): " + "; ".join(found[:3]) + more)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The flags (a copy)."""
        return self.flags.copy()

    def summary(self) -> Summary:
        facts = (("Columns screened", str(len(self.columns))), ("Jump factor", f"×{self.factor:g}"),
                 ("Flags", str(len(self.flags))))
        tables = (("Flags per check", self.counts().to_frame()),)
        if not self.flags.empty:
            tables += (("Findings", self.flags.set_index(["check", "column"])[["unit", "time", "value", "message"]]),)
        return Summary("Data-quality screen", facts, tables, tuple(self.messages()) or ("Nothing flagged.",))


class _Screen:
    def __init__(self, frame: pd.DataFrame, unit: str, time: str) -> None:
        self.frame, self.unit, self.time = frame, unit, time
        self.rows: list[dict] = []

    def values(self, column: str) -> np.ndarray:
        if column not in self.frame.columns:
            raise DataError(f"quality screen: column {column!r} not found; columns are {list(self.frame.columns)}")
        return pd.to_numeric(self.frame[column], errors="coerce").to_numpy(dtype=float)

    def flag(self, check: str, column: str, i: int | None, value, message: str) -> None:
        u = self.frame[self.unit].iat[i] if i is not None else None
        t = self.frame[self.time].iat[i] if i is not None else None
        self.rows.append(dict(check=check, column=column, unit=u, time=t, value=value, message=message))

    def where(self, i: int) -> str:
        return f"{self.unit} {self.frame[self.unit].iat[i]}, {self.time} {self.frame[self.time].iat[i]}"

    def jumps(self, columns: Sequence[str], factor: float) -> None:
        before = PanelAxis(self.frame, self.unit, self.time).previous(1)
        has = before >= 0
        for c in columns:
            x = self.values(c)
            finite = x[np.isfinite(x)]
            if finite.size and np.mean(finite < 0) >= SIGNED_SHARE:
                continue
            prev = np.where(has, x[np.maximum(before, 0)], np.nan)
            with np.errstate(all="ignore"):
                ratio = x / prev
            hit = (x > 0) & (prev > 0) & ((ratio > factor) | (ratio < 1 / factor))
            for i in np.flatnonzero(hit):
                self.flag("jump", c, i, float(x[i]),
                          f"{c!r} jumps ×{ratio[i]:.3g} ({prev[i]:g} → {x[i]:g}) at {self.where(i)}: check the "
                          "unit of measurement, a typo or a break in the series")

    def signs(self, column: str, purpose: str) -> None:
        x = self.values(column)
        for i in np.flatnonzero(x == 0):
            self.flag("zero", column, i, 0.0,
                      f"{column!r} is exactly 0 at {self.where(i)} and will be {purpose}: "
                      + ("the log of 0 is undefined" if purpose == "logged"
                         else "is it a missing value coded as 0?"))
        for i in np.flatnonzero(x < 0):
            self.flag("negative", column, i, float(x[i]),
                      f"{column!r} is negative ({x[i]:g}) at {self.where(i)} and will be {purpose}: "
                      + ("the log of a negative value is undefined" if purpose == "logged"
                         else "check its sign and unit"))

    def constants(self, columns: Iterable[str], per_year: bool) -> None:
        for c in columns:
            x = pd.Series(self.values(c))
            if x.notna().any() and x.nunique() == 1:
                self.flag("constant", c, None, float(x.dropna().iat[0]),
                          f"{c!r} has the same value {x.dropna().iat[0]:g} everywhere: range standardisation divides "
                          "by max − min = 0 and its entropy weight is undefined; drop it")
                continue
            if per_year:
                counts = x.groupby(self.frame[self.time].to_numpy()).nunique()
                for t in counts.index[counts == 1]:
                    self.flag("constant", c, None, np.nan,
                              f"{c!r} is constant in {self.time} {t}: per-year standardisation divides by 0")

    def subsystems(self, system, per_year: bool) -> None:
        groups: dict[str, list] = {}
        for ind in system.indicators:
            groups.setdefault(ind.subsystem, []).append(ind)
        blocks = (self.frame[self.time].to_numpy() if per_year else np.zeros(len(self.frame)))
        for name, members in groups.items():
            hit = np.ones(len(self.frame), dtype=bool)
            for ind in members:
                x = pd.Series(self.values(ind.name))
                worst = x.groupby(blocks).transform("min" if ind.direction > 0 else "max").to_numpy()
                hit &= x.to_numpy() == worst
            for i in np.flatnonzero(hit):
                self.flag("subsystem-minimum", name, i, 0.0,
                          f"{self.where(i)} has the worst value of every indicator of subsystem {name!r} "
                          f"({', '.join(m.name for m in members)}): its range-standardised score is U = 0, so the "
                          "coupling degree C = 0 and the relative development degree is 0 or undefined. Standardise "
                          "with a shift: [evaluation] shift = 0.0001 in the study file, or "
                          "evaluate(..., shift=1e-4) in Python")


def quality_screen(frame: pd.DataFrame, *, unit: str = "province", time: str = "year",
                   columns: Sequence[str] | None = None, logged: Iterable[str] = (),
                   standardised: Iterable[str] = (), system=None, factor: float = 3.0,
                   standardise: str | None = "range", shift=None, per_year: bool = False,
                   warn: bool = True) -> QualityScreen:
    """Screen a long panel for jumps, zeros, negatives, constant columns and zero subsystem scores.

    Parameters
    ----------
    frame : long DataFrame, one row per (unit, time).  Never modified.
    columns : columns checked for year-on-year jumps and constants (default: every numeric
        column but ``unit`` and ``time``).
    logged : columns that will be logged (zeros and negatives flagged).
    standardised : columns that will be range-standardised (zeros and negatives flagged);
        the indicators of ``system`` are added.
    system : an :class:`~spatialccd.evaluation.IndexSystem` (anything with ``.indicators`` having
        ``name``, ``subsystem`` and ``direction``); enables the ``subsystem-minimum`` check.
    factor : jump threshold (> 1): a ratio above ``factor`` or below ``1/factor`` is flagged.
    standardise : the standardisation that will be used ("range", "zscore" or None); the zero /
        negative check of standardised columns and the subsystem check apply to "range" only.
    shift : the range-standardisation shift that will be used; with a shift, U = 0 cannot happen
        and the subsystem check is skipped.
    per_year : standardisation per year (then minima and constants are taken per year).
    warn : emit one :class:`~spatialccd.exceptions.DataQualityWarning` per check that flagged.

    The checks and their rationale are listed in the module docstring.
    """
    if not (isinstance(factor, (int, float)) and factor > 1):
        raise DataError(f"quality screen: factor must be a number > 1, got {factor!r}")
    for col in (unit, time):
        if col not in frame.columns:
            raise DataError(f"quality screen: column {col!r} not found; columns are {list(frame.columns)}")
    if columns is None:
        columns = [c for c in frame.columns if c not in (unit, time) and pd.api.types.is_numeric_dtype(frame[c])
                   and not pd.api.types.is_bool_dtype(frame[c])]
    columns = list(columns)
    screen = _Screen(frame.reset_index(drop=True), unit, time)
    screen.jumps(columns, float(factor))
    logged = list(dict.fromkeys(logged))
    ranged: list[str] = []
    if standardise == "range":
        ranged = list(dict.fromkeys([*standardised, *(i.name for i in getattr(system, "indicators", ()))]))
    for c in logged:
        screen.signs(c, "logged")
    for c in ranged:
        if c not in logged:
            screen.signs(c, "range-standardised")
    screen.constants(list(dict.fromkeys([*columns, *ranged])), per_year)
    if system is not None and standardise == "range" and shift is None:
        screen.subsystems(system, per_year)
    order = {c: k for k, c in enumerate(CHECKS)}
    flags = pd.DataFrame(screen.rows, columns=_FLAG_COLUMNS)
    flags = flags.sort_values("check", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    result = QualityScreen(flags, tuple(columns), float(factor), unit, time)
    if warn:
        for message in result.messages():
            warnings.warn(f"data-quality screen: {message}", DataQualityWarning, stacklevel=2)
    return result
