"""Standardisation (无量纲化) of indicators with direction, as fit/transform objects.

``fit`` learns the location/scale from the data it is given — by default the
pooled panel, so one province-year is comparable with any other — and
``transform`` applies it to any rows (e.g. one year).  Inputs are DataFrames
with one column per indicator; they are never modified.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import DataQualityWarning, SpatialCCDError

__all__ = ["RangeStandardiser", "ZScoreStandardiser", "check_finite"]


def check_finite(frame: pd.DataFrame) -> np.ndarray:
    """Float array of ``frame``; ``ValueError`` naming (row, column) cells that are missing or non-finite."""
    x = frame.to_numpy(dtype=float)
    bad = ~np.isfinite(x)
    if bad.any():
        r, c = np.nonzero(bad)
        cells = list(zip(frame.index[r[:20]].tolist(), frame.columns[c[:20]].tolist()))
        raise SpatialCCDError(f"missing or non-finite values in {int(bad.sum())} cell(s) (row, indicator): {cells}")
    return x


def _directions(directions: Mapping[str, int] | None, columns: pd.Index) -> np.ndarray:
    if directions is None:
        return np.ones(len(columns))
    missing = [c for c in columns if c not in directions]
    if missing:
        raise SpatialCCDError(f"no direction given for indicator(s) {missing}")
    d = np.array([directions[c] for c in columns], dtype=float)
    bad = [c for c, v in zip(columns, d) if v not in (1.0, -1.0)]
    if bad:
        raise SpatialCCDError(f"direction of indicator(s) {bad} must be +1 or -1")
    return d


class _Standardiser:
    """Shared fit/transform plumbing: subclasses set ``center_``/``scale_`` in ``_fit``."""

    def __init__(self, *, directions: Mapping[str, int] | None = None) -> None:
        self.directions = directions

    def fit(self, X: pd.DataFrame) -> _Standardiser:
        x = check_finite(X)
        self.columns_ = X.columns
        self.direction_ = _directions(self.directions, X.columns)
        flat = np.ptp(x, axis=0) == 0
        if flat.any():
            warnings.warn(f"indicator(s) {list(X.columns[flat])} are constant over the {len(x)} rows used "
                          "(zero variance: no information); they are standardised to the lowest score",
                          DataQualityWarning, stacklevel=2)
        self._fit(x, flat)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        if list(X.columns) != list(self.columns_):
            raise SpatialCCDError(f"columns {list(X.columns)} differ from the fitted indicators {list(self.columns_)}")
        z = (check_finite(X) - self.center_) / self.scale_
        return pd.DataFrame(self._finish(z), index=X.index, columns=X.columns)

    def fit_transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self.fit(X).transform(X)


class RangeStandardiser(_Standardiser):
    """Range (min–max, 极差) standardisation with direction.

    Positive indicator: X'ᵢⱼ = (xᵢⱼ − minⱼ) / (maxⱼ − minⱼ);
    negative indicator: X'ᵢⱼ = (maxⱼ − xᵢⱼ) / (maxⱼ − minⱼ)
    (seed 003 formulas 1–2; seed 004 formulas 1–2).  min/max are learnt by
    :meth:`fit` — pass the pooled N×T panel so scores are comparable across years.

    Parameters
    ----------
    directions : mapping indicator → +1 / −1, optional (default all positive)
    shift : float ε or (a, b), optional
        Keep scores off zero, which would make a subsystem score, hence the
        coupling C, exactly 0 (and obstacle deviations exactly 1).
        ``(a, b)`` rescales to [a, b]: X'' = a + (b − a)·X' — SPSSAU's
        "intervalization" (区间化), e.g. ``(0.01, 0.99)``.  A float ε means
        ``(ε, 1)``: X'' = ε + (1 − ε)·X'.  Many papers instead *add* ε
        (X' + 0.0001), which lets scores reach 1 + ε, outside the [0, 1] that
        coupling requires; the two differ by at most ε.

    A constant indicator (max = min) has no information: it warns, naming the
    indicator, and is standardised to the lowest score (0, or a with a shift).
    """

    def __init__(self, *, directions: Mapping[str, int] | None = None,
                 shift: float | tuple[float, float] | None = None) -> None:
        super().__init__(directions=directions)
        lo, hi = (0.0, 1.0) if shift is None else (shift, 1.0) if np.isscalar(shift) else tuple(shift)
        if not 0.0 <= lo < hi <= 1.0:
            raise SpatialCCDError(f"shift must give 0 <= a < b <= 1, got {shift!r}")
        self.shift, self._bounds = shift, (float(lo), float(hi))

    def _fit(self, x: np.ndarray, flat: np.ndarray) -> None:
        lo, hi = x.min(axis=0), x.max(axis=0)
        pos = self.direction_ > 0
        self.min_, self.max_ = lo, hi
        self.center_ = np.where(pos, lo, hi)
        # negative direction: (max − x)/(max − min) = (x − max)/(min − max)
        self.scale_ = np.where(flat, 1.0, np.where(pos, hi - lo, lo - hi))
        self._flat = flat

    def _finish(self, z: np.ndarray) -> np.ndarray:
        z = np.where(self._flat, 0.0, z)
        a, b = self._bounds
        return a + (b - a) * z


class ZScoreStandardiser(_Standardiser):
    """Z-score standardisation with direction: zᵢⱼ = dⱼ·(xᵢⱼ − x̄ⱼ)/sⱼ, dⱼ = ±1, sⱼ the sample SD.

    Z-scores are negative for below-mean values, so they cannot feed the
    entropy method (which needs p = x/Σx ≥ 0) nor the coupling model (scores in
    [0, 1]); they suit CRITIC and user weights.  A constant indicator warns and
    is set to 0.
    """

    def _fit(self, x: np.ndarray, flat: np.ndarray) -> None:
        sd = x.std(axis=0, ddof=1) if len(x) > 1 else np.zeros(x.shape[1])
        self.mean_, self.std_ = x.mean(axis=0), sd
        self.center_ = self.mean_
        self.scale_ = np.where(flat, 1.0, sd * self.direction_)
        self._flat = flat

    def _finish(self, z: np.ndarray) -> np.ndarray:
        return np.where(self._flat, 0.0, z)
