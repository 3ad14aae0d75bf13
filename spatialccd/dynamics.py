"""Distribution dynamics: Gaussian kernel densities by year for the nation and each group.

Papers read these curves in words — the main peak (主峰) moves right, gets taller or
flatter, side peaks (侧峰) appear (multipolarisation, 多极分化), the right tail (右拖尾)
stretches.  :func:`kernel_density` returns the curves as tidy data on one common grid
and a per-year table of exactly those quantities (:attr:`KDEResult.shapes`), so the
words can be checked.  Plots are in :mod:`spatialccd.plots.density`
(:func:`~spatialccd.plots.density.kde_plot`); this module never imports plotting code.

A coupling coordination degree lives in [0, 1]: ``bounds=(0, 1)`` keeps its density
there by reflection (Schuster 1985), so the curves do not spill past 1.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._groups import GroupSpec, cells
from ._legacy_summary import summary_method
from .exceptions import DataError, SpatialCCDError, SpatialCCDWarning
from .inequality import NATION, _sections
from .summary import Summary, SummaryMixin

__all__ = ["KDEResult", "kernel_density", "bandwidth_rule"]

_SQRT_2PI = np.sqrt(2.0 * np.pi)
_RULES = ("silverman", "scott")


def bandwidth_rule(y: np.ndarray, rule: str = "silverman") -> float:
    r"""Gaussian-kernel bandwidth of a sample by a rule of thumb.

    * ``"silverman"`` (default): h = 0.9 · min(σ̂, IQR / 1.34) · n^{−1/5}
      (Silverman 1986, *Density Estimation for Statistics and Data Analysis*, eq. 3.31);
      when the IQR is 0 the standard deviation σ̂ (ddof = 1) is used alone.
    * ``"scott"``: h = 1.06 · σ̂ · n^{−1/5} (Scott 1992; Silverman's eq. 3.28).

    Returns 0 for a sample without spread.
    """
    if rule not in _RULES:
        raise SpatialCCDError(f"bandwidth rule must be one of {_RULES}, got {rule!r}")
    y = np.asarray(y, dtype=float)
    if y.size < 2:
        return 0.0
    sd = float(np.std(y, ddof=1))
    if rule == "scott":
        return 1.06 * sd * y.size ** -0.2
    q75, q25 = np.percentile(y, [75, 25])
    spread = min(sd, (q75 - q25) / 1.34) if q75 > q25 else sd
    return 0.9 * spread * y.size ** -0.2


def _gaussian_kde(y: np.ndarray, h: float, grid: np.ndarray) -> np.ndarray:
    """f̂(x) = (1 / (n h)) Σ_i φ((x − y_i) / h) on ``grid``."""
    z = (grid[:, None] - y[None, :]) / h
    return np.exp(-0.5 * z * z).sum(axis=1) / (y.size * h * _SQRT_2PI)


def _reflected_kde(y: np.ndarray, h: float, grid: np.ndarray, lower: float | None,
                   upper: float | None) -> np.ndarray:
    """Reflection estimator on [lower, upper] (Schuster 1985; Silverman 1986, §2.10).

    f̂(x) = (1 / (n h)) Σ_i [φ((x − y_i)/h) + φ((x − (2a − y_i))/h) + φ((x − (2b − y_i))/h)]
    for a ≤ x ≤ b and 0 outside: the mass a Gaussian kernel puts beyond a bound is folded
    back inside.  Its integral over [a, b] is P(a − y − (b − a) < hZ < b − y + (b − a))
    averaged over the y_i, i.e. 1 up to terms of order Φ(−(b − a)/h).
    """
    f = _gaussian_kde(y, h, grid)
    if lower is not None:
        f += _gaussian_kde(2 * lower - y, h, grid)
    if upper is not None:
        f += _gaussian_kde(2 * upper - y, h, grid)
    outside = ((grid < lower) if lower is not None else False) | ((grid > upper) if upper is not None else False)
    return np.where(outside, 0.0, f)


def _check_bounds(bounds) -> tuple[float | None, float | None]:
    if bounds is None:
        return None, None
    try:
        lower, upper = bounds
    except (TypeError, ValueError):
        raise SpatialCCDError(f"bounds must be a pair (lower, upper), e.g. (0, 1); got {bounds!r}") from None
    lo = None if lower is None else float(lower)
    hi = None if upper is None else float(upper)
    if (lo is not None and not np.isfinite(lo)) or (hi is not None and not np.isfinite(hi)) or \
            (lo is not None and hi is not None and not lo < hi):
        raise SpatialCCDError(f"bounds must be finite with lower < upper (either may be None), got {bounds!r}")
    return lo, hi


def _shape(grid: np.ndarray, f: np.ndarray, min_peak: float, tail_level: float) -> dict[str, float]:
    """Main peak, number of peaks and right-tail extension of one density curve."""
    top = int(np.argmax(f))
    height = f[top]
    interior = (f[1:-1] > f[:-2]) & (f[1:-1] >= f[2:]) & (f[1:-1] >= min_peak * height)
    right = np.flatnonzero(f[top:] >= tail_level * height)[-1] + top
    return {"peak_x": float(grid[top]), "peak_density": float(height), "n_peaks": int(interior.sum()) or 1,
            "right_tail": float(grid[right] - grid[top])}


@dataclass(frozen=True)
class KDEResult(SummaryMixin):
    """Kernel densities by year (see :func:`kernel_density`).

    Attributes
    ----------
    density : DataFrame
        Tidy: ``<time>, region, x, density`` on one grid shared by all years and regions.
    shapes : DataFrame
        Per (time, region): ``n, bandwidth, peak_x, peak_density, n_peaks, right_tail``.
        (Was ``summary`` in 0.1; ``result.summary[...]`` still reaches it for one release.)
    column, time : str
        The variable and the time column name.
    regions : tuple
        ``"Nation"`` then the groups, in table order.
    bounds : tuple
        ``(lower, upper)`` of the support (either may be None); ``(None, None)`` unbounded.

    Plot with :func:`spatialccd.plots.density.kde_plot` (``kde_plot(result, kind="ridgeline")``).
    """

    density: pd.DataFrame
    shapes: pd.DataFrame
    column: str
    time: str
    regions: tuple
    bounds: tuple = (None, None)

    def surface(self, region: str = NATION) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(times, grid, Z)`` with Z[t, x] the density of ``region`` — the 3D-surface data."""
        if region not in self.regions:
            raise SpatialCCDError(f"unknown region {region!r}; regions are {list(self.regions)}")
        wide = self.density[self.density["region"] == region].pivot(index=self.time, columns="x", values="density")
        return wide.index.to_numpy(), wide.columns.to_numpy(dtype=float), wide.to_numpy()

    def to_frame(self) -> pd.DataFrame:
        """The tidy curves: ``<time>, region, x, density`` (the :attr:`density` table)."""
        return self.density.copy()

    @summary_method(frame="shapes")
    def summary(self) -> Summary:
        """Facts (variable, regions, years, support) and the per-(year, region) shape table."""
        lo, hi = self.bounds
        support = "unbounded" if lo is None and hi is None else \
            f"[{'−∞' if lo is None else f'{lo:g}'}, {'∞' if hi is None else f'{hi:g}'}] (reflection)"
        times = self.shapes[self.time]
        facts = (("Variable", self.column), ("Regions", ", ".join(map(str, self.regions))),
                 ("Periods", str(times.nunique())), ("Support", support))
        table = self.shapes.set_index([self.time, "region"])
        return Summary(title=f"Kernel density of {self.column}", facts=facts,
                       tables=(("Main peak, number of peaks and right tail by year and region", table),))


def kernel_density(data: pd.DataFrame, column: str, *, group: GroupSpec = "region4", unit: str = "province",
                   time: str = "year", bandwidth: str | float = "silverman", grid: int | np.ndarray = 200,
                   bounds: tuple[float | None, float | None] | None = None, min_peak: float = 0.05,
                   tail_level: float = 0.01) -> KDEResult:
    r"""Gaussian kernel density of ``column`` per year, for the nation and each group.

    f̂_t(x) = (1 / (n_t h_t)) Σ_i φ((x − y_it) / h_t), φ the standard normal density
    (Silverman 1986).  The bandwidth h_t is chosen per (year, region) by
    :func:`bandwidth_rule` (``"silverman"`` default, or ``"scott"``), or fixed to the
    number given as ``bandwidth``.  Curves are evaluated on one grid shared by all
    years and regions: ``grid`` points spanning [min y − 3 h_max, max y + 3 h_max], or
    the array given.

    ``bounds=(a, b)`` (e.g. ``(0, 1)`` for a coupling coordination degree; either end may
    be None) bounds the support by reflection (Schuster 1985, *Communications in
    Statistics — Theory and Methods* 14:1123–1136; Silverman 1986, §2.10): each
    observation also contributes a kernel at its mirror image 2a − y_i and 2b − y_i, and
    the density is 0 outside [a, b], so it integrates to 1 on [a, b] (up to terms of
    order Φ(−(b − a)/h)) and does not spill past the bounds.  The default grid then
    spans exactly [a, b] on the bounded sides; values outside the bounds raise naming
    the (unit, time) rows.

    Summary per (year, region), the quantities papers describe in words:

    * ``peak_x``, ``peak_density`` — location and height of the main peak (global maximum);
    * ``n_peaks`` — local maxima at least ``min_peak`` × the main peak height
      (1 = unimodal; ≥ 2 = side peaks, polarisation);
    * ``right_tail`` — distance from the main peak to the right-most grid point where the
      density is still ≥ ``tail_level`` × the main peak height (a longer right tail means a
      few units pulling ahead).

    A (year, region) with fewer than two units or no spread has no density; it is
    skipped with a warning.  ``group=None`` gives the nation only.
    """
    if isinstance(bandwidth, str):
        if bandwidth not in _RULES:
            raise SpatialCCDError(f"bandwidth rule must be one of {_RULES} or a positive number, got {bandwidth!r}")
    elif not (np.isscalar(bandwidth) and np.isfinite(bandwidth) and bandwidth > 0):
        raise SpatialCCDError(f"bandwidth must be 'silverman', 'scott' or a positive number, got {bandwidth!r}")
    if not (0 <= min_peak < 1 and 0 < tail_level < 1):
        raise SpatialCCDError(f"min_peak must be in [0, 1) and tail_level in (0, 1), got {min_peak!r}, "
                              f"{tail_level!r}")
    lower, upper = _check_bounds(bounds)
    sec = _sections(data, column, group=group, unit=unit, time=time, weights=None, domain="real")
    if lower is not None or upper is not None:
        _check_inside(data, column, unit, time, lower, upper)
    cells_ = []
    for t, region, y, _w, _u in sec.regions():
        h = bandwidth_rule(y, bandwidth) if isinstance(bandwidth, str) else float(bandwidth)
        if y.size < 2 or h <= 0:
            reason = "values without spread" if y.size >= 2 else "a single unit"
            warnings.warn(f"no kernel density for {region!r} in {time} {t}: {reason}", SpatialCCDWarning,
                          stacklevel=2)
            continue
        cells_.append((t, region, y, h))
    if not cells_:
        raise DataError(f"no (year, region) of {column!r} has two or more distinct values")
    if np.ndim(grid) == 0:
        if int(grid) < 3:
            raise SpatialCCDError(f"grid needs at least 3 points, got {grid!r}")
        hmax = max(c[3] for c in cells_)
        allv = np.concatenate(sec.y)
        start = allv.min() - 3 * hmax if lower is None else lower
        stop = allv.max() + 3 * hmax if upper is None else upper
        xs = np.linspace(start, stop, int(grid))
    else:
        xs = np.asarray(grid, dtype=float)
        if xs.ndim != 1 or xs.size < 3 or np.any(np.diff(xs) <= 0):
            raise SpatialCCDError("grid must be an increasing 1-d array of at least 3 points")
    frames, rows = [], []
    for t, region, y, h in cells_:
        f = _reflected_kde(y, h, xs, lower, upper)
        frames.append(pd.DataFrame({time: t, "region": region, "x": xs, "density": f}))
        rows.append({time: t, "region": region, "n": y.size, "bandwidth": h, **_shape(xs, f, min_peak, tail_level)})
    regions = tuple(r for r in (NATION, *sec.groups) if any(c[1] == r for c in cells_))
    return KDEResult(density=pd.concat(frames, ignore_index=True), shapes=pd.DataFrame(rows),
                     column=column, time=time, regions=regions, bounds=(lower, upper))


def _check_inside(data: pd.DataFrame, column: str, unit: str, time: str, lower: float | None,
                  upper: float | None) -> None:
    """DataError naming the (unit, time) rows outside the bounds of the support."""
    df = data.reset_index() if any(n in (unit, time) for n in data.index.names) else data
    y = df[column].to_numpy(dtype=float)
    bad = ((y < lower) if lower is not None else False) | ((y > upper) if upper is not None else False)
    if np.any(bad):
        raise DataError(f"bounds={(lower, upper)}: {column!r} lies outside the bounds at {int(np.sum(bad))} "
                        f"({unit}, {time}) row(s): {cells(df, np.asarray(bad), unit, time)}")
