"""PanelData: the one adapter between a user's long (unit, year) table and the maths.

Stacking order (used by every numeric core): **time-major** — all N units of
the first year, then all N units of the second year, …, units sorted within a
year.  A spatial weights matrix W (N×N) then acts on the stacked vector as
I_T ⊗ W.  Results are mapped back to labelled frames with :meth:`PanelData.frame`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ._options import Units, check_option
from .exceptions import DataError
from .geo import province_mapping
from .geo.province import INTEGER_TEXT

__all__ = ["PanelData", "normalise_units", "province_mapping", "normalise_time", "as_panel"]


def _plain(value):
    """numpy scalar → Python scalar, for readable error messages."""
    return value.item() if isinstance(value, np.generic) else value


def normalise_units(values: Iterable, units: Units = "auto") -> tuple[list, bool]:
    """Map unit labels to province codes when they are provinces (rule: :func:`province_mapping`).

    Returns ``(labels, is_province)``: the codes when the labels are provinces, the labels
    unchanged otherwise.
    """
    values = list(values)
    mapping = province_mapping(values, units)
    if mapping is None:
        return values, False
    return [mapping[v] for v in values], True


def _sorted(values, column: str) -> list:
    try:
        return sorted(values)
    except TypeError:
        kinds = sorted({type(_plain(v)).__name__ for v in values})
        raise DataError(f"column {column!r} mixes label types {kinds}; give every label the same type") from None


def normalise_time(values: pd.Series, name: str = "year") -> pd.Series:
    """The time column as integers (years), converted once.

    Integer columns are kept; integral floats (2012.0) and strings of digits ("2012",
    " 2013 ") become integers, so ``'2012'`` beside ``2012`` is one year.  Datetime and
    period columns are kept as they are.  Anything else raises :class:`DataError` naming
    the values that are not integers.
    """
    s = values
    if pd.api.types.is_bool_dtype(s):
        raise DataError(f"time column {name!r} is boolean; it must hold integers (years)")
    if pd.api.types.is_integer_dtype(s) or pd.api.types.is_datetime64_any_dtype(s) or isinstance(s.dtype, pd.PeriodDtype):
        return s
    uniq = pd.unique(s)
    mapping, bad = {}, []
    for v in uniq:
        if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            mapping[v] = int(v)
        elif isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer():
            mapping[v] = int(v)
        elif isinstance(v, str) and INTEGER_TEXT.match(v):
            mapping[v] = int(float(v))
        else:
            bad.append(_plain(v))
    if bad:
        raise DataError(f"time column {name!r} must hold integers (years); these values are not: {bad[:20]}")
    return s.map(mapping).astype("int64")


class PanelData:
    """Validate a long panel and hand out N×T arrays in time-major order.

    Parameters
    ----------
    data : DataFrame
        Long table with one row per (unit, time).  Never modified.
    unit, time : str
        Column names (or index level names) of the unit and time identifiers.
    units : {"auto", "provinces", "labels"}
        How unit labels are read (rule in :func:`province_mapping`).  Units are labels;
        with ``"auto"`` they are normalised to GB/T 2260 province codes (北京 / 北京市 /
        Beijing / 11 / 110000 → ``"11"``) only when *every* label is a province name or
        code, so city numbers 1…N, 4- and 6-digit codes (even with a province adcode such
        as 110000 among them), county codes, US states or any other names stay as they
        are.  A set of province names with a typo ("Shanghia") is an error that suggests
        the province (上海).  ``"provinces"`` requires provinces; ``"labels"`` never maps.
        :attr:`is_province` tells which happened.

    The time column is normalised once to integers (:func:`normalise_time`): ``'2012'``
    beside ``2012`` is one year, and values that are not integers are an error naming them.

    Raises :class:`~spatialccd.exceptions.DataError` (a ``ValueError``) naming the culprit
    for a missing column, missing identifiers, duplicated (unit, time) rows, and an
    unbalanced panel (the missing cells are listed).
    """

    def __init__(self, data: pd.DataFrame, *, unit: str = "province", time: str = "year",
                 units: Units = "auto") -> None:
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
        check_option("units", units, where="PanelData")
        df = data.reset_index() if any(n in (unit, time) for n in data.index.names) else data.copy()
        for col in (unit, time):
            if col not in df.columns:
                raise DataError(f"column {col!r} not found; columns are {list(df.columns)}")
            if df[col].isna().any():
                rows = df.index[df[col].isna()].tolist()[:10]
                raise DataError(f"missing {col!r} identifiers in rows {rows}")
        mapping = province_mapping(df[unit], units)
        self.is_province = mapping is not None
        if mapping is not None:
            df[unit] = df[unit].map(mapping)
        df[time] = normalise_time(df[time], time)
        dup = df.duplicated([unit, time], keep=False)
        if dup.any():
            cells = sorted(set(map(tuple, df.loc[dup, [unit, time]].to_numpy().tolist())))
            raise DataError(f"duplicated ({unit}, {time}) rows: {cells[:20]}")
        self.unit, self.time = unit, time
        self.units = pd.Index(_sorted(df[unit].unique(), unit), name=unit)
        self.times = pd.Index(_sorted(df[time].unique(), time), name=time)
        full = pd.MultiIndex.from_product([self.times, self.units], names=[time, unit])
        df = df.set_index([time, unit])
        if len(df) != len(full):
            missing = full.difference(df.index)
            cells = [(_plain(u), _plain(t)) for t, u in missing[:20]]
            raise DataError(f"unbalanced panel: {len(missing)} missing ({unit}, {time}) cells, e.g. {cells}")
        self._df = df.reindex(full)

    # -- shape ---------------------------------------------------------------
    @property
    def N(self) -> int:  # noqa: N802 - econometric notation
        return len(self.units)

    @property
    def T(self) -> int:  # noqa: N802
        return len(self.times)

    @property
    def index(self) -> pd.MultiIndex:
        """(time, unit) MultiIndex in the stacking order."""
        return self._df.index

    @property
    def columns(self) -> pd.Index:
        return self._df.columns

    @property
    def frame_(self) -> pd.DataFrame:
        """A copy of the validated data in stacking order."""
        return self._df.copy()

    # -- arrays --------------------------------------------------------------
    def values(self, columns: str | Sequence[str]) -> np.ndarray:
        """Numeric (NT,) or (NT, k) array of ``columns`` in time-major order.

        Raises naming the column for a non-numeric column and naming the
        (unit, time) cells for missing or non-finite values.
        """
        cols = [columns] if isinstance(columns, str) else list(columns)
        unknown = [c for c in cols if c not in self._df.columns]
        if unknown:
            raise DataError(f"unknown column(s) {unknown}; columns are {list(self._df.columns)}")
        for c in cols:
            if not pd.api.types.is_numeric_dtype(self._df[c]) or pd.api.types.is_bool_dtype(self._df[c]):
                raise DataError(f"column {c!r} is not numeric (dtype {self._df[c].dtype})")
        block = self._df[cols].astype(float)
        bad = ~np.isfinite(block.to_numpy())
        if bad.any():
            r, c = np.nonzero(bad)
            cells = [(_plain(self._df.index[i][1]), _plain(self._df.index[i][0]), cols[j]) for i, j in zip(r[:20], c[:20])]
            raise DataError(f"missing or non-finite values in {int(bad.sum())} cell(s) "
                             f"({self.unit}, {self.time}, column): {cells}")
        arr = block.to_numpy()
        return arr[:, 0] if isinstance(columns, str) else arr

    def matrix(self, column: str) -> np.ndarray:
        """One column as an (N, T) array: rows units, columns times."""
        return self.values(column).reshape(self.T, self.N).T

    def frame(self, array: np.ndarray, columns: str | Sequence[str] | None = None) -> pd.DataFrame | pd.Series:
        """Label an (NT,) or (NT, k) array in stacking order with the panel's index."""
        array = np.asarray(array)
        if array.shape[0] != len(self.index):
            raise DataError(f"array has {array.shape[0]} rows, panel has {len(self.index)}")
        if array.ndim == 1:
            return pd.Series(array, index=self.index, name=columns if isinstance(columns, str) else None)
        return pd.DataFrame(array, index=self.index, columns=columns)

    def with_columns(self, columns: pd.DataFrame) -> PanelData:
        """A new panel with ``columns`` added, without validating the panel again.

        ``columns`` is indexed by (unit, time) or (time, unit) and must cover exactly the
        panel's cells; names may not clash with existing columns.  This is how a study
        adds derived indices (coordination degree D, subsystem scores) to the one
        panel it built.
        """
        extra = columns
        if list(extra.index.names) == [self.unit, self.time]:
            extra = extra.swaplevel().sort_index()
        if list(extra.index.names) != [self.time, self.unit]:
            raise DataError(f"columns must be indexed by ({self.unit}, {self.time}), got {list(extra.index.names)}")
        clash = [c for c in extra.columns if c in self._df.columns]
        if clash:
            raise DataError(f"column(s) {clash} exist in the panel already; rename them")
        if len(extra) != len(self._df) or not extra.index.isin(self._df.index).all():
            raise DataError(f"columns cover {len(extra)} cells, the panel has {len(self._df)}: "
                             "they must cover exactly the same (unit, time) cells")
        new = object.__new__(PanelData)
        new.__dict__.update(self.__dict__)
        new._df = self._df.join(extra.reindex(self._df.index))
        return new

    def weights_matrix(self, graph):
        """W as CSR aligned to :attr:`units` (error listing mismatched ids)."""
        from .weights import to_sparse

        return to_sparse(graph, self.units)

    def __repr__(self) -> str:
        return (f"PanelData(N={self.N} {self.unit}s, T={self.T} {self.time}s "
                f"{self.times[0]}–{self.times[-1]}, columns={list(self._df.columns)})")


def as_panel(data, *, unit: str = "province", time: str = "year", units: Units = "auto") -> PanelData:
    """``data`` itself when it is a :class:`PanelData` (built once, reused), else ``PanelData(data, …)``."""
    return data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time, units=units)
