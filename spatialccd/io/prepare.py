"""From a read table to a clean balanced panel: select, handle missing values, derive, screen — all logged.

:func:`prepare` runs, in this order:

1. **select** (:func:`select`) — keep ``units``, drop ``exclude``, keep the years
   ``years = (first, last)``.  Province units may be named in any form
   (``"西藏"``, ``"Tibet"``, ``54``).
2. **missing values** of the input columns (:func:`handle_missing`): the panel
   is completed to every unit × year (an absent row is a row of missing
   cells), then each column's policy applies — ``"error"`` (default),
   ``"interpolate"``, ``"drop-unit"`` or ``"drop-year"``.
3. **derive** (:func:`spatialccd.io.derive`) — new columns from expressions in
   the fixed grammar, so they use the filled values.
4. **missing values** of the derived columns (e.g. ``lag(x)`` in the first
   year), with the same policies.
5. **quality screen** (:func:`spatialccd.io.quality_screen`).

Every unit or year excluded and every cell filled or dropped is one row of
the *changes* table (columns: unit, time, ``column``, ``action``, ``value``,
``detail``; actions ``exclude-unit``, ``exclude-year``, ``interpolate``,
``extrapolate``, ``drop-unit``, ``drop-year``), so a reader of the report
can audit what was done to the data.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._options import MissingPolicy, check_option
from ..exceptions import DataError, SpatialCCDError
from ..geo import lookup_province, province_code
from ..summary import Summary, SummaryMixin
from .derive import derive as _derive
from .derive import parse_derivations
from .quality import QualityScreen, quality_screen
from .readers import year_of

__all__ = ["select", "handle_missing", "prepare", "PreparedData", "CHANGE_ACTIONS", "MISSING_POLICIES"]

CHANGE_ACTIONS = ("exclude-unit", "exclude-year", "interpolate", "extrapolate", "drop-unit", "drop-year")
MISSING_POLICIES = ("error", "interpolate", "drop-unit", "drop-year")
_ALL = "all"


def _changes(rows: list[dict], unit: str, time: str) -> pd.DataFrame:
    columns = [unit, time, "column", "action", "value", "detail"]
    out = pd.DataFrame([{unit: r["unit"], time: r["time"], **{k: r[k] for k in columns[2:]}} for r in rows],
                       columns=columns)
    return out.astype({"value": float, time: "Int64"})


def _change(unit, time, column, action, value, detail) -> dict:
    return dict(unit=unit, time=time, column=column, action=action, value=value, detail=detail)


def _identifiers(frame: pd.DataFrame, unit: str, time: str, where: str) -> pd.DataFrame:
    """A copy with ``time`` as int years (error naming values that are not years) and no missing ids."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{where}: data must be a pandas DataFrame, got {type(frame).__name__}")
    df = frame.reset_index() if any(n in (unit, time) for n in frame.index.names) else frame.copy()
    for col in (unit, time):
        if col not in df.columns:
            raise DataError(f"{where}: column {col!r} not found; columns are {list(df.columns)}")
        if df[col].isna().any():
            raise DataError(f"{where}: missing {col!r} identifiers in rows {df.index[df[col].isna()].tolist()[:10]}")
    years = df[time].map(year_of)
    if years.isna().any():
        bad = list(dict.fromkeys(df.loc[years.isna(), time].tolist()))[:10]
        raise DataError(f"{where}: column {time!r} has values that are not years: {bad}")
    df[time] = years.astype(int)
    return df


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, (str, int, np.integer)) else list(value)


def _match_units(requested, labels: Sequence, what: str) -> list:
    """The frame labels that ``requested`` names: province names in any form, else exact labels."""
    codes = {lab: lookup_province(lab) for lab in labels}
    provinces = all(c is not None for c in codes.values())
    out = []
    for r in _as_list(requested):
        if provinces:
            try:
                code = province_code(r)
            except ValueError as exc:
                raise DataError(f"{what}: {exc}") from None
            found = [lab for lab, c in codes.items() if c == code]
            if not found:
                raise DataError(f"{what}: {r!r} (province {code}) is not in the data")
        else:
            found = [lab for lab in labels if str(lab) == str(r)]
            if not found:
                close = difflib.get_close_matches(str(r), [str(x) for x in labels], n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise DataError(f"{what}: unit {r!r} is not in the data{hint}")
        out += found
    return list(dict.fromkeys(out))


def _years(years, present: Sequence[int], where: str) -> tuple[int, int] | None:
    if years is None:
        return None
    pair = list(years) if not isinstance(years, (str, int)) else None
    if pair is None or len(pair) != 2 or any(year_of(y) is None for y in pair):
        raise DataError(f"{where}: years must be (first, last), e.g. (2010, 2023); got {years!r}")
    first, last = (year_of(y) for y in pair)
    if first > last:
        raise DataError(f"{where}: years = ({first}, {last}) has the first year after the last")
    lo, hi = min(present), max(present)
    if first < lo or last > hi:
        raise DataError(f"{where}: years = ({first}, {last}) reaches outside the data, which cover {lo}–{hi}")
    return first, last


def _select(df: pd.DataFrame, *, unit: str, time: str, units, exclude, years,
            where: str) -> tuple[pd.DataFrame, list[dict]]:
    labels = list(dict.fromkeys(df[unit]))
    rows: list[dict] = []
    keep = set(labels)
    if units is not None:
        keep = set(_match_units(units, labels, f"{where}: units"))
        rows += [_change(u, None, None, "exclude-unit", np.nan, "not among units=") for u in labels if u not in keep]
    dropped = _match_units(exclude, labels, f"{where}: exclude")
    rows += [_change(u, None, None, "exclude-unit", np.nan, "listed in exclude=") for u in dropped if u in keep]
    keep -= set(dropped)
    if not keep:
        raise DataError(f"{where}: units/exclude leave no unit")
    df = df[df[unit].isin(keep)]
    window = _years(years, sorted(df[time].unique()), where)
    if window is not None:
        outside = sorted(t for t in df[time].unique() if not window[0] <= t <= window[1])
        rows += [_change(None, t, None, "exclude-year", np.nan, f"outside years = {window}") for t in outside]
        df = df[df[time].between(*window)]
    return df.reset_index(drop=True), rows


def select(frame: pd.DataFrame, *, unit: str = "province", time: str = "year", units=None, exclude=None,
           years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Keep some units and years of a long panel.

    ``units`` lists the units to keep (default all), ``exclude`` the units to
    drop, ``years = (first, last)`` the (inclusive) years to keep.  When the
    units are provinces, any name form works (``"西藏"``, ``"西藏自治区"``,
    ``"Tibet"``, ``"54"``, ``54``); otherwise labels match exactly.  A name
    that is not in the data, or years reaching outside the data, raise
    :class:`~spatialccd.exceptions.DataError`.  Returns a new frame with
    ``time`` as int years.  Spatial weights must follow the selection:
    ``spatialccd.weights.subset(w, kept_units)``.
    """
    df = _identifiers(frame, unit, time, "select")
    return _select(df, unit=unit, time=time, units=units, exclude=exclude, years=years, where="select")[0]


def _policies(missing, columns: Sequence[str], known: Iterable[str], where: str) -> dict[str, str]:
    """Column → policy from a word (for all) or a mapping (key "all" sets the default)."""
    if isinstance(missing, str) or missing is None:
        word = check_option("missing", missing if missing is not None else "error", where=where)
        return {c: word for c in columns}
    if not isinstance(missing, Mapping):
        raise SpatialCCDError(f"{where}: missing must be one of {MISSING_POLICIES} or a mapping column → policy, "
                              f"got {missing!r}")
    known = set(map(str, known))
    unknown = sorted(k for k in missing if k != _ALL and k not in known)
    if unknown:
        raise DataError(f"{where}: missing names column(s) {unknown} that are not in the data; columns are "
                        f"{sorted(known)} (the key {_ALL!r} sets the policy of every other column)")
    words = {k: check_option("missing", v, where=f"{where}[{k!r}]") for k, v in missing.items()}
    return {c: words.get(c, words.get(_ALL, "error")) for c in columns}


def _runs(missing: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index ranges of consecutive True values."""
    edges = np.diff(np.concatenate([[0], missing.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


class _Missing:
    """Apply the missing-value policies to a complete unit × time grid, recording every change."""

    def __init__(self, grid: pd.DataFrame, unit: str, time: str, max_gap: int | None, extrapolate: bool) -> None:
        self.grid, self.unit, self.time = grid, unit, time
        self.max_gap, self.extrapolate = max_gap, extrapolate
        self.rows: list[dict] = []
        self.why: dict[tuple, str] = {}

    def interpolate(self, column: str) -> None:
        matrix = self.grid[column].unstack(self.time)
        years = matrix.columns.to_numpy(dtype=float)
        filled = matrix.to_numpy(dtype=float, copy=True)
        for r, u in enumerate(matrix.index):
            v = filled[r]
            observed = np.flatnonzero(~np.isnan(v))
            for a, b in _runs(np.isnan(v)):
                self.fill_run(column, u, v, observed, years, matrix.columns, a, b)
        self.grid[column] = pd.DataFrame(filled, index=matrix.index, columns=matrix.columns).stack(
            future_stack=True).reindex(self.grid.index)

    def fill_run(self, column, u, v, observed, years, labels, a: int, b: int) -> None:
        length = b - a
        too_long = self.max_gap is not None and length > self.max_gap
        if a > 0 and b < len(v):
            if too_long:
                return self.leave(column, u, labels[a:b], f"a gap of {length} years, longer than max_gap="
                                  f"{self.max_gap}")
            p, q, action = a - 1, b, "interpolate"
        elif len(observed) < 2:
            return self.leave(column, u, labels[a:b], "fewer than two observed values in this unit")
        elif not self.extrapolate:
            return self.leave(column, u, labels[a:b], "at the start or end of the series (interpolation fills "
                              "interior gaps only; extrapolate=True extends the ends)")
        elif too_long:
            return self.leave(column, u, labels[a:b], f"{length} years at the end of the series, more than "
                              f"max_gap={self.max_gap}")
        else:
            p, q = (observed[0], observed[1]) if a == 0 else (observed[-2], observed[-1])
            action = "extrapolate"
        slope = (v[q] - v[p]) / (years[q] - years[p])
        for i in range(a, b):
            v[i] = v[p] + slope * (years[i] - years[p])
            self.rows.append(_change(u, labels[i], column, action, v[i],
                                     f"linear through {labels[p]} ({v[p]:g}) and {labels[q]} ({v[q]:g})"))
        return None

    def leave(self, column, u, times, reason: str) -> None:
        for t in times:
            self.why[(u, t, column)] = reason

    def drop(self, columns: list[str], level: str) -> None:
        """Drop every unit (level=unit) or year (level=time) with a missing cell in ``columns``."""
        if not columns:
            return
        cells = self.grid[columns].isna().stack(future_stack=True)
        cells = cells[cells]
        position = 0 if level == self.unit else 1
        labels = list(dict.fromkeys(key[position] for key in cells.index))
        action = "drop-unit" if level == self.unit else "drop-year"
        whole = "all its years" if level == self.unit else "all units"
        for u, t, c in cells.index:
            self.rows.append(_change(u, t, c, action, np.nan, f"missing: {level} "
                                     f"{u if level == self.unit else t} dropped ({whole})"))
        self.grid = self.grid[~self.grid.index.get_level_values(level).isin(labels)]
        if self.grid.empty:
            raise DataError(f"missing-value policy {action!r} for {columns} drops every {level}")


def _grid(df: pd.DataFrame, unit: str, time: str, where: str) -> tuple[pd.DataFrame, set]:
    """The frame indexed by (unit, time) on the complete grid; returns it and the set of added rows."""
    dup = df.duplicated([unit, time], keep=False)
    if dup.any():
        cells = sorted(set(map(tuple, df.loc[dup, [unit, time]].to_numpy().tolist())))
        raise DataError(f"{where}: duplicated ({unit}, {time}) rows: {cells[:20]}")
    indexed = df.set_index([unit, time])
    full = pd.MultiIndex.from_product([sorted(df[unit].unique()), sorted(df[time].unique())], names=[unit, time])
    added = set(full.difference(indexed.index))
    grid = indexed.reindex(full)
    for c in grid.columns:
        if added and not pd.api.types.is_numeric_dtype(indexed[c]):
            per_unit = indexed[c].groupby(level=0).agg(lambda s: s.iat[0] if s.nunique() == 1 else np.nan)
            fill = per_unit.reindex(grid.index.get_level_values(0)).to_numpy()
            grid[c] = grid[c].where(grid[c].notna(), fill)
    return grid, added


def _missing_error(cells: list[tuple], why: Mapping, added: set, unit: str, time: str, where: str) -> DataError:
    shown = []
    for u, t, c in cells[:20]:
        reason = why.get((u, t, c)) or ("no row for this unit and year" if (u, t) in added else "")
        shown.append(f"({u}, {t}, {c!r}{': ' + reason if reason else ''})")
    more = f" and {len(cells) - 20} more" if len(cells) > 20 else ""
    columns = list(dict.fromkeys(c for _, _, c in cells))
    example = columns[0]
    return DataError(
        f"{where}: {len(cells)} missing cell(s) ({unit}, {time}, column): {', '.join(shown)}{more}. "
        f"Choose a missing-value policy for {columns} or for all: 'error' (the default), 'interpolate' (linear "
        "within a unit, interior gaps up to max_gap years; extrapolate=True also extends the ends), 'drop-unit', "
        f"'drop-year' — in Python missing={{{example!r}: 'interpolate'}} (or missing='interpolate'), in a study "
        f"[data.missing] {example} = \"interpolate\" (or all = \"interpolate\"); or leave units or years out "
        "(exclude=, years=; in a study [data] exclude, years)")


def _handle(df: pd.DataFrame, policies: Mapping[str, str], *, unit: str, time: str, max_gap, extrapolate: bool,
            where: str) -> tuple[pd.DataFrame, list[dict]]:
    if max_gap is not None and (isinstance(max_gap, bool) or not isinstance(max_gap, (int, np.integer))
                                or max_gap < 1):
        raise SpatialCCDError(f"{where}: max_gap must be a whole number of years ≥ 1 (or None), got {max_gap!r}")
    order = list(df.columns)
    grid, added = _grid(df, unit, time, where)
    work = _Missing(grid, unit, time, None if max_gap is None else int(max_gap), bool(extrapolate))
    for c, policy in policies.items():
        if policy == "interpolate" and grid[c].isna().any():
            if not pd.api.types.is_numeric_dtype(grid[c]):
                raise DataError(f"{where}: column {c!r} is not numeric and cannot be interpolated")
            work.interpolate(c)
    work.drop([c for c, p in policies.items() if p == "drop-unit"], unit)
    work.drop([c for c, p in policies.items() if p == "drop-year"], time)
    left = work.grid[list(policies)].isna().stack(future_stack=True)
    cells = list(left.index[left.to_numpy()])
    if cells:
        raise _missing_error(cells, work.why, added, unit, time, where)
    out = work.grid.reset_index()[order]
    return out.reset_index(drop=True), work.rows


def _numeric_columns(df: pd.DataFrame, unit: str, time: str) -> list[str]:
    return [c for c in df.columns if c not in (unit, time) and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])]


def handle_missing(frame: pd.DataFrame, missing: MissingPolicy | Mapping[str, MissingPolicy] = "error", *,
                   unit: str = "province", time: str = "year", columns: Sequence[str] | None = None,
                   max_gap: int | None = 1, extrapolate: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply missing-value policies to a long panel; return ``(frame, changes)``.

    The panel is first completed to every unit × year (an absent row is a row
    of missing cells).  ``missing`` is one policy for every column or a
    mapping column → policy (the key ``"all"`` sets the policy of the
    columns not listed; default ``"error"``):

    * ``"error"`` — stop, naming every missing cell and the policy words;
    * ``"interpolate"`` — linear in the year within the unit,
      x_t = x_a + (x_b − x_a)(t − a)/(b − a) between the observed years a < t < b,
      for interior gaps of at most ``max_gap`` years (None: any length); the
      first and last years are extended along the line through the two nearest
      observed values only with ``extrapolate=True`` (then within ``max_gap``);
      cells that stay missing stop with an error saying why;
    * ``"drop-unit"`` — drop every unit with a missing cell in the column;
    * ``"drop-year"`` — drop every year with a missing cell in the column.

    Interpolation runs first, then unit drops, then year drops.  ``columns``
    are the columns the policies apply to (default: every numeric column).
    ``changes`` has one row per filled or dropped-for cell (module docstring).
    """
    df = _identifiers(frame, unit, time, "handle_missing")
    columns = _numeric_columns(df, unit, time) if columns is None else list(columns)
    policies = _policies(missing, columns, df.columns, "handle_missing")
    out, rows = _handle(df, policies, unit=unit, time=time, max_gap=max_gap, extrapolate=extrapolate,
                        where="handle_missing")
    return out, _changes(rows, unit, time)


@dataclass(frozen=True, eq=False)
class PreparedData(SummaryMixin):
    """Result of :func:`prepare`.

    Attributes
    ----------
    frame : the prepared long panel (complete unit × year grid, no missing cells in the columns kept)
    changes : one row per excluded unit/year and per filled or dropped cell (module docstring)
    quality : the :class:`~spatialccd.io.QualityScreen`, or None when the screen was switched off
    derived : derived column → expression
    unit, time : the identifier columns
    """

    frame: pd.DataFrame
    changes: pd.DataFrame
    quality: QualityScreen | None
    derived: Mapping[str, str] = field(default_factory=dict)
    unit: str = "province"
    time: str = "year"

    @property
    def units(self) -> list:
        """The units kept, sorted."""
        return sorted(self.frame[self.unit].unique())

    @property
    def years(self) -> list[int]:
        """The years kept, sorted."""
        return sorted(int(t) for t in self.frame[self.time].unique())

    def to_frame(self) -> pd.DataFrame:
        """The prepared panel (a copy)."""
        return self.frame.copy()

    def summary(self) -> Summary:
        years = self.years
        actions = self.changes["action"].value_counts()
        facts = (("Units", str(len(self.units))), ("Years", f"{years[0]}–{years[-1]} (T = {len(years)})"),
                 ("Observations", str(len(self.frame))), ("Derived variables", str(len(self.derived))),
                 ("Data changes", str(len(self.changes))),
                 ("Quality flags", "not screened" if self.quality is None else str(len(self.quality.flags))))
        tables: tuple = ()
        if self.derived:
            tables += (("Derived variables", pd.DataFrame({"expression": dict(self.derived)}).rename_axis("column")),)
        if not self.changes.empty:
            tables += (("Data changes", self.changes),)
        notes = tuple(f"{a}: {n} row(s)" for a, n in actions.items())
        if self.quality is not None:
            notes += tuple(self.quality.messages())
        return Summary("Prepared data", facts, tables, notes)


def prepare(frame: pd.DataFrame, *, unit: str = "province", time: str = "year", units=None, exclude=None,
            years: tuple[int, int] | None = None, columns: Sequence[str] | None = None,
            derive: Mapping[str, str] | None = None,
            missing: MissingPolicy | Mapping[str, MissingPolicy] = "error", max_gap: int | None = 1,
            extrapolate: bool = False, quality: bool = True, system=None, logged: Iterable[str] = (),
            factor: float = 3.0, standardise: str | None = "range", shift=None,
            per_year: bool = False) -> PreparedData:
    """Select, fill, derive and screen a long panel in one logged step (order in the module docstring).

    Parameters
    ----------
    frame : long DataFrame (e.g. from :func:`read_nbs`); never modified.
    units, exclude, years : see :func:`select`.
    columns : input columns to keep (default all); the inputs of ``derive`` are kept too.
    derive : new column → expression (:func:`spatialccd.io.derive`); every expression is parsed
        and checked before anything runs.
    missing, max_gap, extrapolate : see :func:`handle_missing`; the mapping may name input and
        derived columns.
    quality : run the data-quality screen (default on); ``system``, ``logged``, ``factor``,
        ``standardise``, ``shift`` and ``per_year`` are passed to :func:`quality_screen`, with
        the columns given directly to ``log``/``log10`` in ``derive`` added to ``logged``.

    Returns a :class:`PreparedData`.  Spatial weights must follow the units
    kept: ``spatialccd.weights.subset(w, prepared.units)``.
    """
    where = "prepare"
    df = _identifiers(frame, unit, time, where)
    parsed = parse_derivations(derive or {}, df.columns, where=f"{where}: derive")
    if columns is not None:
        unknown = [c for c in columns if c not in df.columns]
        if unknown:
            raise DataError(f"{where}: columns {unknown} not found; columns are {list(df.columns)}")
        needed = [c for e in parsed.values() for c in e.columns if c in df.columns]
        df = df[[unit, time, *dict.fromkeys([*columns, *needed])]]
    inputs = _numeric_columns(df, unit, time)
    policies = _policies(missing, [*inputs, *parsed], [*df.columns, *parsed], where)
    df, rows = _select(df, unit=unit, time=time, units=units, exclude=exclude, years=years, where=where)
    options = dict(unit=unit, time=time, max_gap=max_gap, extrapolate=extrapolate, where=where)
    df, filled = _handle(df, {c: policies[c] for c in inputs}, **options)
    rows += filled
    if parsed:
        df = _derive(df, {n: e.text for n, e in parsed.items()}, unit=unit, time=time)
        df, filled = _handle(df, {c: policies[c] for c in parsed}, **options)
        rows += filled
    df = df.sort_values([unit, time], kind="stable").reset_index(drop=True)
    df.attrs = {**frame.attrs, "derived": {n: e.text for n, e in parsed.items()}}
    screen = None
    if quality:
        screen = quality_screen(df, unit=unit, time=time, columns=inputs,
                                logged=[*dict.fromkeys(c for e in parsed.values() for c in e.logged), *logged],
                                system=system, factor=factor, standardise=standardise, shift=shift,
                                per_year=per_year)
    return PreparedData(df, _changes(rows, unit, time), screen, {n: e.text for n, e in parsed.items()}, unit, time)
