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

from .geo import lookup_province, province_code

__all__ = ["PanelData", "normalise_units", "as_panel"]


def _plain(value):
    """numpy scalar → Python scalar, for readable error messages."""
    return value.item() if isinstance(value, np.generic) else value


def normalise_units(values: Iterable) -> tuple[list, bool]:
    """Map unit labels to province codes when they are provinces.

    Returns ``(labels, is_province)``.  If every label is a province name or
    code they are replaced by codes; if none is, they are returned unchanged
    (prefecture cities, counties, US states …).  A mix raises ``ValueError``
    naming the labels that are not provinces.
    """
    values = list(values)
    mapping = {v: lookup_province(v) for v in dict.fromkeys(values)}  # each distinct label once
    bad = [v for v, code in mapping.items() if code is None]
    if not bad:
        return [mapping[v] for v in values], True
    if len(bad) == len(mapping):
        return values, False
    hints = []
    for v in bad[:5]:
        try:
            province_code(v)
        except ValueError as exc:
            hints.append(str(exc))
    raise ValueError(f"unknown province name(s): {sorted(set(map(str, bad)))}; " + "; ".join(hints))


class PanelData:
    """Validate a long panel and hand out N×T arrays in time-major order.

    Parameters
    ----------
    data : DataFrame
        Long table with one row per (unit, time).  Never modified.
    unit, time : str
        Column names (or index level names) of the unit and time identifiers.
        Units that are provinces in any spelling are normalised to GB/T 2260 codes.

    Raises ``ValueError`` naming the culprit for a missing column, missing
    identifiers, duplicated (unit, time) rows, and an unbalanced panel (the
    missing cells are listed).
    """

    def __init__(self, data: pd.DataFrame, *, unit: str = "province", time: str = "year",
                 units: str = "auto") -> None:
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
        df = data.reset_index() if any(n in (unit, time) for n in data.index.names) else data.copy()
        for col in (unit, time):
            if col not in df.columns:
                raise ValueError(f"column {col!r} not found; columns are {list(df.columns)}")
            if df[col].isna().any():
                rows = df.index[df[col].isna()].tolist()[:10]
                raise ValueError(f"missing {col!r} identifiers in rows {rows}")
        if units == "labels":
            self.is_province = False
        else:
            labels, self.is_province = normalise_units(df[unit])
            df[unit] = labels
        dup = df.duplicated([unit, time], keep=False)
        if dup.any():
            cells = sorted(set(map(tuple, df.loc[dup, [unit, time]].to_numpy().tolist())))
            raise ValueError(f"duplicated ({unit}, {time}) rows: {cells[:20]}")
        self.unit, self.time = unit, time
        self.units = pd.Index(sorted(df[unit].unique()), name=unit)
        self.times = pd.Index(sorted(df[time].unique()), name=time)
        full = pd.MultiIndex.from_product([self.times, self.units], names=[time, unit])
        df = df.set_index([time, unit])
        if len(df) != len(full):
            missing = full.difference(df.index)
            cells = [(_plain(u), _plain(t)) for t, u in missing[:20]]
            raise ValueError(f"unbalanced panel: {len(missing)} missing ({unit}, {time}) cells, e.g. {cells}")
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
            raise ValueError(f"unknown column(s) {unknown}; columns are {list(self._df.columns)}")
        for c in cols:
            if not pd.api.types.is_numeric_dtype(self._df[c]) or pd.api.types.is_bool_dtype(self._df[c]):
                raise ValueError(f"column {c!r} is not numeric (dtype {self._df[c].dtype})")
        block = self._df[cols].astype(float)
        bad = ~np.isfinite(block.to_numpy())
        if bad.any():
            r, c = np.nonzero(bad)
            cells = [(_plain(self._df.index[i][1]), _plain(self._df.index[i][0]), cols[j]) for i, j in zip(r[:20], c[:20])]
            raise ValueError(f"missing or non-finite values in {int(bad.sum())} cell(s) "
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
            raise ValueError(f"array has {array.shape[0]} rows, panel has {len(self.index)}")
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
            raise ValueError(f"columns must be indexed by ({self.unit}, {self.time}), got {list(extra.index.names)}")
        clash = [c for c in extra.columns if c in self._df.columns]
        if clash:
            raise ValueError(f"column(s) {clash} exist in the panel already; rename them")
        if len(extra) != len(self._df) or not extra.index.isin(self._df.index).all():
            raise ValueError(f"columns cover {len(extra)} cells, the panel has {len(self._df)}: "
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


def as_panel(data, *, unit: str = "province", time: str = "year", units: str = "auto") -> PanelData:
    """``data`` itself when it is a :class:`PanelData` (built once, reused), else ``PanelData(data, …)``."""
    return data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time, units=units)
