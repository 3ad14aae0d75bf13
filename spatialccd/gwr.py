"""Geographically weighted regression (GWR) and multiscale GWR (MGWR) of one cross-section, on PySAL ``mgwr``.

GWR (Brunsdon, Fotheringham & Charlton 1996; Fotheringham, Brunsdon & Charlton 2002) fits at
every unit i the weighted least squares β̂(i) = (X'W_iX)⁻¹X'W_i y with kernel weights
w_ij = K(d_ij / b_i); MGWR (Fotheringham, Yang & Kang 2017; Oshan et al. 2019) gives every
covariate its own bandwidth by back-fitting.  The estimation, the golden-section bandwidth
search (minimum AICc by default), local standard errors and the multiple-testing corrected
critical t (da Silva & Fotheringham 2016) are mgwr's; this module prepares the arrays, sets
search bounds that work for small samples, and labels the results.

* Coordinates: polygon centroids in the equal-area :data:`spatialccd.geo.ALBERS_CHINA`
  projection, in **kilometres** (so a fixed bandwidth is in km), or user coordinates.
* Adaptive kernels (``fixed=False``, default) count neighbours: the bandwidth is searched in
  [p + 2, n] (p = regressors + intercept).  mgwr's own lower bound, 40 + 2p, exceeds the 31
  provinces and fails; ``bw_min`` / ``bw_max`` override.
* MGWR standardises y and every regressor (z-scores, divisor n), as mgwr requires for the
  back-fitting to compare bandwidths; its coefficients are therefore standardised.
* **Monte Carlo test of spatial variability** (Fotheringham et al. 2002, §4.5.2; mgwr's
  ``spatial_variability``): the coordinates are randomly permuted over the units, the
  bandwidth(s) searched again and the model refitted; for each coefficient the statistic is
  the SD of its local estimates, p = (1 + #{SD* ≥ SD}) / (1 + P).  (mgwr counts SD* > SD
  without the +1, draws from numpy's global random state and drops MGWR's per-covariate
  search bounds; here draws come from ``numpy.random.default_rng(seed)``.)

References
----------
Fotheringham, A. S., Brunsdon, C. & Charlton, M. (2002) *Geographically Weighted Regression*.
Wiley.
Fotheringham, A. S., Yang, W. & Kang, W. (2017) Multiscale geographically weighted regression
(MGWR). *Annals of the AAG* 107(6), 1247–1265.
Oshan, T. M., Li, Z., Kang, W., Wolf, L. J. & Fotheringham, A. S. (2019) mgwr: a Python
implementation of multiscale geographically weighted regression. *ISPRS IJGI* 8(6), 269.
da Silva, A. R. & Fotheringham, A. S. (2016) The multiple testing issue in geographically
weighted regression. *Geographical Analysis* 48(3), 233–247.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm import tqdm

from ._options import GWRKernel, check_option
from ._random import SeedLike
from .centrography import projected_coordinates
from .exceptions import DataError, SpatialCCDError
from .panel import as_panel
from .summary import Summary, SummaryMixin

__all__ = ["GWRResult", "gwr"]


def _cross_section(data: pd.DataFrame, columns: list[str], year, unit: str, time: str) -> pd.DataFrame:
    """One row per unit: the year's cross-section, the panel mean (``year="mean"``), or ``data``."""
    frame = data.reset_index() if any(n in (unit, time) for n in data.index.names) else data
    if time in frame.columns:
        if year is None:
            raise SpatialCCDError(f"data has a {time!r} column: pass year=<a {time}> or year='mean' (panel mean)")
        panel = as_panel(frame, unit=unit, time=time)
        values = panel.frame(panel.values(columns), columns)
        if year == "mean":
            return values.groupby(level=1, sort=False).mean()
        if year not in panel.times:
            raise DataError(f"{time} {year!r} not in the panel ({panel.times[0]}–{panel.times[-1]})")
        return values.xs(year, level=0)
    if year is not None:
        raise SpatialCCDError(f"year={year!r} given but data has no {time!r} column")
    if unit not in frame.columns:
        raise DataError(f"column {unit!r} not found; columns are {list(frame.columns)}")
    dup = frame[unit].duplicated()
    if dup.any():
        raise DataError(f"duplicated {unit!r} rows: {frame.loc[dup, unit].tolist()[:20]}")
    out = frame.set_index(unit)[columns]
    bad = out.isna()
    if bad.to_numpy().any():
        raise DataError(f"missing values in ({unit}, column) {[(u, c) for c in columns for u in out.index[bad[c]]][:20]}")
    return out.astype(float)


@dataclass(frozen=True)
class GWRResult(SummaryMixin):
    """A fitted GWR or MGWR.

    ``params``, ``bse``, ``tvalues``: units × terms (``Intercept`` first); ``significant``:
    |t| above the corrected critical value (mgwr ``filter_tvals``); ``local_r2`` (GWR only);
    ``bandwidth``: one value (GWR) or one per term (MGWR); ``aicc``, ``r2``, ``adj_r2``,
    ``enp`` (effective number of parameters), ``sigma2``; ``aicc_ols`` of the global OLS fit;
    ``spatial_variability``: Monte Carlo p per term (empty without permutations), ``sd_sims``
    the permutation SDs.
    """

    y: str
    terms: tuple[str, ...]
    params: pd.DataFrame
    bse: pd.DataFrame
    tvalues: pd.DataFrame
    significant: pd.DataFrame
    local_r2: pd.Series | None
    bandwidth: pd.Series
    aicc: float
    r2: float
    adj_r2: float
    enp: float
    sigma2: float
    aicc_ols: float
    multiscale: bool
    kernel: str
    fixed: bool
    spatial_variability: pd.Series
    sd_sims: np.ndarray
    n: int

    def coefficient_table(self) -> pd.DataFrame:
        """Per term: mean, SD, min, quartiles, max of the local estimates, bandwidth and the
        Monte Carlo p (the table GWR papers print)."""
        d = self.params.describe().T.rename(columns={"25%": "Q1", "50%": "median", "75%": "Q3"})
        out = d[["mean", "std", "min", "Q1", "median", "Q3", "max"]].copy()
        out["share_significant"] = self.significant.mean()
        out["bandwidth"] = self.bandwidth.reindex(out.index) if self.multiscale else float(self.bandwidth.iloc[0])
        out["p_variability"] = self.spatial_variability.reindex(out.index)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: the estimate, SE and t of every term (columns ``<term>``,
        ``se_<term>``, ``t_<term>``) and the local R² (GWR)."""
        parts = [self.params, self.bse.add_prefix("se_"), self.tvalues.add_prefix("t_")]
        if self.local_r2 is not None:
            parts.append(self.local_r2.rename("local_r2"))
        return pd.concat(parts, axis=1)

    def summary(self) -> Summary:
        kind = "MGWR" if self.multiscale else "GWR"
        bw = ", ".join(f"{v:g}" for v in self.bandwidth) if self.multiscale else f"{self.bandwidth.iloc[0]:g}"
        facts = (("Outcome", self.y), ("Units", str(self.n)),
                 ("Kernel", f"{self.kernel}, {'fixed (km)' if self.fixed else 'adaptive (neighbours)'}"),
                 ("Bandwidth", bw), ("AICc", f"{self.aicc:.3f}"), ("AICc (OLS)", f"{self.aicc_ols:.3f}"),
                 ("R²", f"{self.r2:.4f}"), ("Adj. R²", f"{self.adj_r2:.4f}"), ("ENP", f"{self.enp:.2f}"))
        notes = ("Coefficients of standardised variables (MGWR).",) if self.multiscale else ()
        if len(self.spatial_variability):
            notes += (f"p_variability: Monte Carlo test of spatial variability, {self.sd_sims.shape[0]} "
                      "permutations of the coordinates.",)
        return Summary(f"{kind} of {self.y}", facts, (("Local coefficients", self.coefficient_table()),), notes)


def _aicc_ols(y: np.ndarray, X: np.ndarray) -> float:
    """AICc of the global OLS fit, n·ln(σ̂²) + n·ln 2π + n(n + p)/(n − 2 − p) (Fotheringham et al. 2002, eq. 2.33)."""
    n, p = X.shape
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    s2 = float(((y - X @ beta) ** 2).sum()) / n
    return n * np.log(s2) + n * np.log(2 * np.pi) + n * (n + p) / (n - 2 - p)


def _fit(coords, y, X, *, multiscale, kernel, fixed, bw, bw_min, bw_max):
    """One mgwr fit: (results, bandwidth(s), selector)."""
    from mgwr.gwr import GWR, MGWR
    from mgwr.sel_bw import Sel_BW

    sel = Sel_BW(coords, y, X, multi=multiscale, kernel=kernel, fixed=fixed, n_jobs=1)
    if multiscale:
        k = X.shape[1] + 1
        lo = [bw_min] * k if np.isscalar(bw_min) else list(bw_min)
        hi = [bw_max] * k if np.isscalar(bw_max) else list(bw_max)
        if bw is not None:
            lo = hi = [float(b) for b in bw]
        # mgwr starts the back-fitting from the GWR bandwidth, searched without our bounds
        # (40 + 2p neighbours > n for the provinces): search it here and pass it in
        start = Sel_BW(coords, y, X, kernel=kernel, fixed=fixed, n_jobs=1).search(
            criterion="AICc", bw_min=None if lo[0] is None else min(lo), bw_max=None if hi[0] is None else max(hi))
        with contextlib.redirect_stderr(io.StringIO()):  # mgwr's own back-fitting progress bars
            sel.search(init_multi=start, multi_bw_min=lo, multi_bw_max=hi)
            res = MGWR(coords, y, X, sel, kernel=kernel, fixed=fixed, n_jobs=1).fit()
        return res, np.asarray(sel.bw[0], dtype=float), sel
    b = sel.search(criterion="AICc", bw_min=bw_min, bw_max=bw_max) if bw is None else bw
    res = GWR(coords, y, X, b, kernel=kernel, fixed=fixed, n_jobs=1).fit()
    return res, np.array([float(b)]), sel


def _spatial_variability(coords, y, X, draws, sd0, *, progress=False, **settings) -> np.ndarray:
    """SDs of the local estimates after re-searching and refitting on each permutation of the
    coordinates in ``draws`` (index arrays); rows: draws, columns: terms."""
    out = []
    for perm in tqdm(draws, desc="spatial variability", disable=not progress):
        res, _, _ = _fit(coords[perm], y, X, **settings)
        out.append(np.std(res.params, axis=0))
    return np.asarray(out).reshape(len(out), sd0.size)


def gwr(data: pd.DataFrame, y: str, X: Sequence[str], *, year=None, unit: str = "province", time: str = "year",
        coords: np.ndarray | pd.DataFrame | None = None, gdf=None, multiscale: bool = False,
        kernel: GWRKernel = "bisquare", fixed: bool = False, bw: float | Sequence[float] | None = None,
        bw_min: float | None = None, bw_max: float | None = None, permutations: int = 0,
        seed: SeedLike = None, progress: bool = False) -> GWRResult:
    """GWR (or MGWR with ``multiscale=True``) of ``y`` on the columns ``X`` of one cross-section.

    ``data``: a long panel (pass ``year=`` a year or ``"mean"`` for the unit means over all
    years) or one row per unit.  ``coords``: (n, 2) projected coordinates in the row order of
    the units (a frame indexed by unit is aligned), default the Albers centroids in km of
    ``gdf`` (the provinces).  ``kernel``: "bisquare", "gaussian" or "exponential"; ``fixed``:
    distance bandwidth (km) instead of a number of neighbours; ``bw``: skip the search.
    ``permutations`` > 0 runs the Monte Carlo test of spatial variability (module docstring;
    each permutation repeats the bandwidth search: expensive).
    """
    kernel = check_option("kernel", kernel, "gwr_kernel")
    X = list(X)
    if not X or y in X:
        raise SpatialCCDError(f"X must name at least one regressor other than y={y!r}, got {X}")
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise SpatialCCDError(f"permutations must be a non-negative integer, got {permutations!r}")
    frame = _cross_section(data, [y, *X], year, unit, time)
    ids = frame.index
    if isinstance(coords, pd.DataFrame):
        missing = ids.difference(coords.index).tolist()
        if missing:
            raise DataError(f"coords has no row for unit(s) {missing[:20]}")
        C = coords.loc[ids].to_numpy(dtype=float)[:, :2]
    elif coords is not None:
        C = np.asarray(coords, dtype=float)
        if C.shape != (len(ids), 2):
            raise DataError(f"coords has shape {C.shape}; expected ({len(ids)}, 2) in the order of the units")
    else:
        C = projected_coordinates(ids, gdf) / 1000.0  # km
    yv = frame[y].to_numpy(dtype=float).reshape(-1, 1)
    Xv = frame[X].to_numpy(dtype=float)
    n, p = len(ids), len(X) + 1
    flat = [c for c, s in zip(X, Xv.std(axis=0)) if s == 0]
    if flat:
        raise DataError(f"regressor(s) {flat} are constant over the {n} units")
    if n <= p + 2:
        raise DataError(f"GWR needs more than {p + 2} units for {p} terms, got {n}")
    if multiscale:
        yv = (yv - yv.mean()) / yv.std()
        Xv = (Xv - Xv.mean(axis=0)) / Xv.std(axis=0)
    if fixed:
        lo, hi = bw_min, bw_max
    else:
        lo = p + 2 if bw_min is None else bw_min
        hi = n if bw_max is None else bw_max
    settings = {"multiscale": multiscale, "kernel": kernel, "fixed": fixed, "bw": bw, "bw_min": lo, "bw_max": hi}
    res, bws, _ = _fit(C, yv, Xv, **settings)
    terms = ("Intercept", *X)
    idx = pd.Index(ids, name=unit)

    def lab(a):
        return pd.DataFrame(np.asarray(a), index=idx, columns=list(terms))

    sd0 = np.std(res.params, axis=0)
    if permutations:
        rng = np.random.default_rng(seed)
        draws = [rng.permutation(n) for _ in range(permutations)]
        sims = _spatial_variability(C, yv, Xv, draws, sd0, progress=progress,
                                    **(settings | {"bw": None if bw is None else bw}))
        pv = pd.Series((1 + (sims >= sd0 - 1e-12 * np.abs(sd0)).sum(axis=0)) / (permutations + 1), index=list(terms),
                       name="p_variability")
    else:
        sims, pv = np.empty((0, p)), pd.Series(dtype=float, name="p_variability")
    local_r2 = None if multiscale else pd.Series(np.asarray(res.localR2).ravel(), index=idx, name="local_r2")
    bandwidth = pd.Series(bws, index=list(terms) if multiscale else ["all"], name="bandwidth")
    return GWRResult(y, terms, lab(res.params), lab(res.bse), lab(res.tvalues), lab(res.filter_tvals() != 0),
                     local_r2, bandwidth, float(res.aicc), float(res.R2), float(res.adj_R2), float(res.ENP),
                     float(np.asarray(res.sigma2).ravel()[0]), _aicc_ols(yv, np.column_stack([np.ones(n), Xv])),
                     multiscale, kernel, fixed, pv, sims, n)
