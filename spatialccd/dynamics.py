"""Distribution dynamics: Gaussian kernel densities by year for the nation and each group.

Papers read these curves in words — the main peak (主峰) moves right, gets taller or
flatter, side peaks (侧峰) appear (multipolarisation, 多极分化), the right tail (右拖尾)
stretches.  :func:`kernel_density` returns the curves as tidy data on one common grid
and a per-year summary with exactly those quantities, so the words can be checked.
Plots are in :mod:`spatialccd.plots.density` (also via :meth:`KDEResult.plot`).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .inequality import NATION, GroupSpec, _sections

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
        raise ValueError(f"bandwidth rule must be one of {_RULES}, got {rule!r}")
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


def _shape(grid: np.ndarray, f: np.ndarray, min_peak: float, tail_level: float) -> dict[str, float]:
    """Main peak, number of peaks and right-tail extension of one density curve."""
    top = int(np.argmax(f))
    height = f[top]
    interior = (f[1:-1] > f[:-2]) & (f[1:-1] >= f[2:]) & (f[1:-1] >= min_peak * height)
    right = np.flatnonzero(f[top:] >= tail_level * height)[-1] + top
    return {"peak_x": float(grid[top]), "peak_density": float(height), "n_peaks": int(interior.sum()) or 1,
            "right_tail": float(grid[right] - grid[top])}


@dataclass(frozen=True)
class KDEResult:
    """Kernel densities by year (see :func:`kernel_density`).

    Attributes
    ----------
    density : DataFrame
        Tidy: ``<time>, region, x, density`` on one grid shared by all years and regions.
    summary : DataFrame
        Per (time, region): ``n, bandwidth, peak_x, peak_density, n_peaks, right_tail``.
    column, time : str
        The variable and the time column name.
    regions : tuple
        ``"Nation"`` then the groups, in table order.
    """

    density: pd.DataFrame
    summary: pd.DataFrame
    column: str
    time: str
    regions: tuple

    def surface(self, region: str = NATION) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(times, grid, Z)`` with Z[t, x] the density of ``region`` — the 3D-surface data."""
        if region not in self.regions:
            raise ValueError(f"unknown region {region!r}; regions are {list(self.regions)}")
        wide = self.density[self.density["region"] == region].pivot(index=self.time, columns="x", values="density")
        return wide.index.to_numpy(), wide.columns.to_numpy(dtype=float), wide.to_numpy()

    def plot(self, kind: str = "surface", *, region: str | None = None, **kwargs):
        """Plot with :mod:`spatialccd.plots.density`.

        ``kind`` is ``"surface"`` (3D), ``"ridgeline"`` or ``"overlay"``.  With ``region``
        one region is drawn and its Axes returned; without, a Figure with one panel per
        region (nation first).  Other keywords go to the plotting function.
        """
        from .plots import density as pdens

        funcs = {"surface": pdens.plot_kde_surface, "ridgeline": pdens.plot_kde_ridgeline,
                 "overlay": pdens.plot_kde_overlay}
        if kind not in funcs:
            raise ValueError(f"kind must be one of {list(funcs)}, got {kind!r}")
        if region is None:
            return pdens.plot_kde_panels(self, kind=kind, **kwargs)
        return funcs[kind](self, region=region, **kwargs)


def kernel_density(data: pd.DataFrame, column: str, *, group: GroupSpec = "region4", unit: str = "province",
                   time: str = "year", bandwidth: str | float = "silverman", grid: int | np.ndarray = 200,
                   min_peak: float = 0.05, tail_level: float = 0.01) -> KDEResult:
    r"""Gaussian kernel density of ``column`` per year, for the nation and each group.

    f̂_t(x) = (1 / (n_t h_t)) Σ_i φ((x − y_it) / h_t), φ the standard normal density
    (Silverman 1986).  The bandwidth h_t is chosen per (year, region) by
    :func:`bandwidth_rule` (``"silverman"`` default, or ``"scott"``), or fixed to the
    number given as ``bandwidth``.  Curves are evaluated on one grid shared by all
    years and regions: ``grid`` points spanning [min y − 3 h_max, max y + 3 h_max], or
    the array given.

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
            raise ValueError(f"bandwidth rule must be one of {_RULES} or a positive number, got {bandwidth!r}")
    elif not (np.isscalar(bandwidth) and np.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth must be 'silverman', 'scott' or a positive number, got {bandwidth!r}")
    if not (0 <= min_peak < 1 and 0 < tail_level < 1):
        raise ValueError(f"min_peak must be in [0, 1) and tail_level in (0, 1), got {min_peak!r}, {tail_level!r}")
    sec = _sections(data, column, group=group, unit=unit, time=time, weights=None, positive=False)
    cells = []
    for t, region, y, _w, _u in sec.regions():
        h = bandwidth_rule(y, bandwidth) if isinstance(bandwidth, str) else float(bandwidth)
        if y.size < 2 or h <= 0:
            reason = "values without spread" if y.size >= 2 else "a single unit"
            warnings.warn(f"no kernel density for {region!r} in {time} {t}: {reason}", UserWarning, stacklevel=2)
            continue
        cells.append((t, region, y, h))
    if not cells:
        raise ValueError(f"no (year, region) of {column!r} has two or more distinct values")
    if np.ndim(grid) == 0:
        if int(grid) < 3:
            raise ValueError(f"grid needs at least 3 points, got {grid!r}")
        hmax = max(c[3] for c in cells)
        allv = np.concatenate(sec.y)
        xs = np.linspace(allv.min() - 3 * hmax, allv.max() + 3 * hmax, int(grid))
    else:
        xs = np.asarray(grid, dtype=float)
        if xs.ndim != 1 or xs.size < 3 or np.any(np.diff(xs) <= 0):
            raise ValueError("grid must be an increasing 1-d array of at least 3 points")
    frames, rows = [], []
    for t, region, y, h in cells:
        f = _gaussian_kde(y, h, xs)
        frames.append(pd.DataFrame({time: t, "region": region, "x": xs, "density": f}))
        rows.append({time: t, "region": region, "n": y.size, "bandwidth": h, **_shape(xs, f, min_peak, tail_level)})
    regions = tuple(r for r in (NATION, *sec.groups) if any(c[1] == r for c in cells))
    return KDEResult(density=pd.concat(frames, ignore_index=True), summary=pd.DataFrame(rows),
                     column=column, time=time, regions=regions)
