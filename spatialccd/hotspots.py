"""Hot spots (local Getis–Ord Gi*) and two-variable association (bivariate Moran's I and LISA).

Same inference as :func:`spatialccd.lisa`: conditional-permutation pseudo p-values from the
package's permutation engine (:mod:`spatialccd.autocorrelation`; unit i's own value held
fixed, k_i values drawn without replacement from the other n − 1 units), one random stream
per year keyed by ``(seed, year)``, multiple-testing adjustment (``adjust="fdr"`` /
``"bonferroni"``) within each year, and units without neighbours labelled ``isolated``,
with NaN p-values, never significant.

**Gi*** (Getis & Ord 1992; Ord & Getis 1995).  With self-inclusive weights w*_ij — the
weights of ``w`` divided by the row's largest weight, plus w*_ii = 1, so binary and
row-standardised contiguity both give the binary Gi* — G*_i = Σ_j w*_ij x_j / Σ_j x_j (the
share of the total in i's neighbourhood), E[G*_i] = W*_i / n and

    z_i = (Σ_j w*_ij x_j − x̄ W*_i) / (s √((n S*_1i − W*_i²)/(n − 1))),

W*_i = Σ_j w*_ij, S*_1i = Σ_j w*_ij², s² = Σ x²/n − x̄² (the exact mean and variance over
all permutations of x).  ``bin`` is ArcGIS's Gi_Bin: ±3, ±2, ±1 for p < 0.01, 0.05, 0.10
(sign of z), 0 otherwise; ``cluster`` is "hot spot" / "cold spot" at ``alpha``.  esda's
``G_Local(star=True, transform="B")`` gives the same G* and z; with ``transform="R"`` its
variance uses the row sum W*_i in place of S*_1i (exact only for binary weights), so its z
differs (the tests show both).

**Bivariate Moran** (Anselin, Syabri & Smirnov 2002; Wartenberg 1985): with z_x, z_y
standardised with divisor n, I_xy = Σ_i z_x,i (W z_y)_i / Σ_i z_x,i², the slope of the
bivariate Moran scatter plot (esda ``Moran_BV``); permutation inference randomly permutes
y over the units.  **Bivariate LISA** I_i = z_x,i (W z_y)_i (esda ``Moran_Local_BV``'s
``Is`` is this times (n − 1)/n); quadrant HH when z_x > 0 and (Wz_y) > 0, LH, LL, HL
likewise (x is the focal variable, y the lagged one: "is U₁ high where the neighbours' U₂ is
high?").  The conditional permutation holds x_i fixed and draws the neighbours' y from the
other n − 1 units.

References
----------
Getis, A. & Ord, J. K. (1992) The analysis of spatial association by use of distance
statistics. *Geographical Analysis* 24(3), 189–206.
Ord, J. K. & Getis, A. (1995) Local spatial autocorrelation statistics: distributional issues
and an application. *Geographical Analysis* 27(4), 286–306.
Anselin, L., Syabri, I. & Smirnov, O. (2002) Visualizing multivariate spatial correlation with
dynamically linked windows.  CSISS workshop *New Tools for Spatial Data Analysis*, Santa Barbara.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from libpysal.graph import Graph
from scipy import stats
from tqdm import tqdm

from ._random import SeedLike, period_generators
from .autocorrelation import (CLUSTERS, _adjust, _check_lisa_options, _check_permutations, _conditional_pseudo_p,
                              _cross_section, _lisa_frame, _panel, _permutation_stats)
from .exceptions import DataError, SpatialCCDError
from .hypotheses import TestStatistic
from .summary import Summary, SummaryMixin

__all__ = ["HOT_SPOTS", "HotSpots", "hot_spots", "hot_spots_by_year", "BivariateMoran", "bivariate_moran",
           "BivariateLISA", "bivariate_lisa", "bivariate_lisa_by_year"]

#: Gi* cluster labels, in table and legend order.
HOT_SPOTS = ("hot spot", "cold spot", "not significant", "isolated")
_BIN_LEVELS = ((0.01, 3), (0.05, 2), (0.10, 1))


# ---------------------------------------------------------------------------
# shared numeric pieces
# ---------------------------------------------------------------------------
def _lag_pseudo_p(values: np.ndarray, W: sp.csr_matrix, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """Conditional-permutation pseudo p-values of the lag L_i = Σ_j w_ij v_j (j ≠ i), the v_j
    drawn without replacement from the other n − 1 units: (1 + min(#{L* ≥ L}, #{L* ≤ L}))/(P + 1).

    Runs the LISA engine of :mod:`spatialccd.autocorrelation` on u = v − min v + 1 > 0 with
    "local statistic" u_i·(Wu)_i: its counts of u_i·L*(u) against u_i·L(u) are counts of L*(u)
    against L(u), and L(u) = L(v) + (min v − 1)·Σ_j w_ij moves every draw of a unit by the same
    constant, so they are the counts of L*(v) against L(v).
    """
    u = values - values.min() + 1.0
    return _conditional_pseudo_p(u, W, u * (W @ u), permutations, rng)


def _bins(p: np.ndarray, z: np.ndarray) -> np.ndarray:
    out = np.zeros(p.size, dtype=int)
    q = np.nan_to_num(p, nan=1.0)
    for level, b in _BIN_LEVELS[::-1]:
        out[q < level] = b
    return out * np.sign(np.nan_to_num(z)).astype(int)


def _star_weights(W: sp.csr_matrix) -> sp.csr_matrix:
    """w*_ij = w_ij / max_j w_ij plus w*_ii = 1 (rows without neighbours stay empty)."""
    card = np.diff(W.indptr)
    top = np.zeros(W.shape[0])
    has = card > 0
    top[has] = np.maximum.reduceat(W.data, W.indptr[:-1][has]) if W.nnz else 0.0
    scale = np.divide(1.0, top, out=np.zeros_like(top), where=top > 0)
    return (sp.diags(scale) @ W + sp.diags(has.astype(float))).tocsr()


# ---------------------------------------------------------------------------
# Gi*
# ---------------------------------------------------------------------------
def _gi_star_core(x: np.ndarray, W: sp.csr_matrix, *, permutations: int, rng, alpha: float,
                  adjust: str | None, inference: str) -> dict[str, np.ndarray]:
    if np.any(x < 0):
        raise DataError("Getis–Ord Gi* needs non-negative values (levels or indices such as D in [0, 1])")
    n = x.size
    Ws = _star_weights(W)
    card = np.diff(W.indptr)
    isolated = card == 0
    wx = Ws @ x
    g = wx / x.sum()
    wi = np.asarray(Ws.sum(axis=1)).ravel()
    s1 = np.asarray(Ws.multiply(Ws).sum(axis=1)).ravel()
    mean, s = x.mean(), math.sqrt(max((x ** 2).mean() - x.mean() ** 2, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (wx - mean * wi) / (s * np.sqrt((n * s1 - wi ** 2) / (n - 1)))
    z[isolated] = np.nan
    p_norm = 2 * stats.norm.sf(np.abs(z))
    p_sim = _lag_pseudo_p(x, W, permutations, rng) if permutations else np.full(n, np.nan)
    p_adj = _adjust(p_sim if inference == "permutation" else p_norm, adjust)
    p_adj[isolated] = np.nan
    significant = np.nan_to_num(p_adj, nan=1.0) < alpha
    cluster = np.where(significant, np.where(z > 0, "hot spot", "cold spot"), "not significant").astype(object)
    cluster[isolated] = "isolated"
    return {"value": x, "n_neighbours": card, "G_star": np.where(isolated, np.nan, g), "E_G_star": wi / n,
            "z": z, "p_norm_two_sided": p_norm, "p_sim": p_sim, "p_adjusted": p_adj, "bin": _bins(p_adj, z),
            "cluster": cluster}


def _per_year(frame: pd.DataFrame, column: str, categories) -> pd.DataFrame:
    """Units per category (columns, every category shown) and year (rows; "all" for one cross-section)."""
    by_year = frame.index.nlevels == 2
    keys = frame.index.get_level_values(0) if by_year else pd.Index(["all"] * len(frame))
    out = pd.crosstab(keys, frame[column].astype(object)).reindex(columns=list(categories), fill_value=0)
    return out.rename_axis(index=frame.index.names[0] if by_year else None, columns=None)


def _hot_frame(cols: dict, index: pd.Index) -> pd.DataFrame:
    out = pd.DataFrame(cols, index=index)
    out["cluster"] = pd.Categorical(cols["cluster"], categories=HOT_SPOTS)
    return out


@dataclass(frozen=True)
class HotSpots(SummaryMixin):
    """Gi* of every unit (and year): ``frame`` with columns ``value, n_neighbours, G_star,
    E_G_star, z, p_norm_two_sided, p_sim, p_adjusted, bin, cluster`` indexed by unit or by
    (year, unit); the options used are kept for the summary."""

    frame: pd.DataFrame
    column: str
    permutations: int
    alpha: float
    adjust: str | None
    inference: str

    @property
    def by_year(self) -> bool:
        return self.frame.index.nlevels == 2

    def table(self) -> pd.DataFrame:
        """Number of units per class (columns) and year (rows; one row "all" for a cross-section)."""
        return _per_year(self.frame, "cluster", HOT_SPOTS)

    def bins(self) -> pd.DataFrame:
        """Units per Gi_Bin (−3 … 3) and year."""
        return _per_year(self.frame, "bin", range(-3, 4))

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> Summary:
        inf = f"{self.inference}" + (f", {self.permutations} permutations" if self.inference == "permutation" else "")
        facts = (("Variable", self.column), ("Units", str(self.frame.index.get_level_values(-1).nunique())),
                 ("Inference", inf), ("Adjustment", self.adjust or "none"), ("alpha", f"{self.alpha:g}"))
        return Summary("Hot spots (Getis–Ord Gi*)", facts, (("Units per class", self.table()),
                                                              ("Units per Gi_Bin (±3: p < 0.01, ±2: 0.05, ±1: 0.10)",
                                                               self.bins())),
                       ("Self-inclusive weights w*_ij = w_ij / max_j w_ij, w*_ii = 1; units without neighbours "
                        "are 'isolated'.",))


def _check_inputs(permutations, alpha, adjust, inference):
    _check_lisa_options(permutations, alpha, adjust, "conditional", inference)


def hot_spots(values: pd.Series | np.ndarray, w: Graph, *, permutations: int = 9999, seed: SeedLike = None,
              alpha: float = 0.05, adjust: Literal["fdr", "bonferroni"] | None = None,
              inference: Literal["permutation", "analytical"] = "permutation") -> HotSpots:
    """Local Getis–Ord Gi* of one cross-section (formulas in the module docstring).

    ``inference="permutation"`` (default) uses the conditional-permutation pseudo p-values,
    ``"analytical"`` the two-sided normal p of z; ``adjust`` as :func:`spatialccd.lisa`.
    """
    _check_inputs(permutations, alpha, adjust, inference)
    x, W, ids = _cross_section(values, w)
    cols = _gi_star_core(x, W, permutations=permutations, rng=np.random.default_rng(seed), alpha=alpha,
                         adjust=adjust, inference=inference)
    name = values.name if isinstance(values, pd.Series) and values.name is not None else ""
    return HotSpots(_hot_frame(cols, ids), str(name), permutations, alpha, adjust, inference)


def hot_spots_by_year(data: pd.DataFrame, column: str, w: Graph, *, unit: str = "province", time: str = "year",
                      permutations: int = 9999, seed: SeedLike = None, alpha: float = 0.05,
                      adjust: Literal["fdr", "bonferroni"] | None = None,
                      inference: Literal["permutation", "analytical"] = "permutation",
                      progress: bool = False) -> HotSpots:
    """:func:`hot_spots` for every year of a long panel; rows indexed by (year, unit); each year
    has its own random stream from ``seed`` and its own adjustment."""
    _check_inputs(permutations, alpha, adjust, inference)
    panel, X, W = _panel(data, column, w, unit, time)
    rngs = period_generators(seed, panel.times)
    frames = [_hot_frame(_gi_star_core(X[:, t], W, permutations=permutations, rng=rngs[t], alpha=alpha,
                                       adjust=adjust, inference=inference), panel.units)
              for t in tqdm(range(panel.T), desc="Gi*", disable=not progress)]
    return HotSpots(pd.concat(frames, keys=panel.times, names=[time, panel.unit]), column, permutations, alpha,
                    adjust, inference)


# ---------------------------------------------------------------------------
# bivariate Moran and LISA
# ---------------------------------------------------------------------------
def _standardise(v: np.ndarray, what: str) -> np.ndarray:
    sd = v.std()
    if not sd > 1e-12 * max(1.0, float(np.abs(v).max())):
        raise SpatialCCDError(f"{what} is constant: bivariate Moran's I is undefined")
    return (v - v.mean()) / sd


@dataclass(frozen=True)
class BivariateMoran(SummaryMixin):
    """Global bivariate Moran's I of x with the lag of y: ``I``, the permutation mean ``E_sim``
    and SD ``sd_sim``, ``z_sim`` = (I − E_sim)/sd_sim and the pseudo p-values (one-sided
    ``p_greater``/``p_less``, ``pvalue`` two-sided = min(1, 2·min))."""

    x: str
    y: str
    I: float  # noqa: E741 - the statistic's name
    n: int
    permutations: int
    E_sim: float
    sd_sim: float
    p_greater: float
    p_less: float

    @property
    def z_sim(self) -> float:
        return (self.I - self.E_sim) / self.sd_sim if self.sd_sim > 0 else math.nan

    @property
    def pvalue(self) -> float:
        return min(1.0, 2 * min(self.p_greater, self.p_less))

    @property
    def test(self) -> TestStatistic:
        return TestStatistic(f"Bivariate Moran's I ({self.permutations} permutations)",
                             f"no association between {self.x} and the spatial lag of {self.y}", self.I, math.nan,
                             self.pvalue, "permutation")

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"x": self.x, "y": self.y, "n": self.n, "I": self.I, "E_sim": self.E_sim,
                              "sd_sim": self.sd_sim, "z_sim": self.z_sim, "p_greater": self.p_greater,
                              "p_less": self.p_less, "pvalue": self.pvalue, "permutations": self.permutations}])

    def summary(self) -> Summary:
        facts = (("x", self.x), ("lagged y", self.y), ("I", f"{self.I:.6g}"), ("n", str(self.n)),
                 ("z (permutation)", f"{self.z_sim:.4f}"), ("p (two-sided)", f"{self.pvalue:.4g}"))
        return Summary("Bivariate Moran's I", facts, (("Statistic", self.to_frame().drop(columns=["x", "y"])),))


def _bv_moran_core(x: np.ndarray, y: np.ndarray, W: sp.csr_matrix, permutations: int, rng) -> dict:
    zx, zy = _standardise(x, "x"), _standardise(y, "y")
    den = float(zx @ zx)

    def stat(Y: np.ndarray) -> np.ndarray:
        Z = (Y - Y.mean(axis=0)) / Y.std(axis=0)
        return zx @ (W @ Z) / den

    observed = float(stat(y[:, None])[0])
    out = {"I": observed, "n": x.size, "permutations": permutations, "E_sim": math.nan, "sd_sim": math.nan,
           "p_greater": math.nan, "p_less": math.nan}
    if permutations:
        sims = _permutation_stats(stat, y, permutations, rng)
        tol = 1e-12 * max(1.0, abs(observed))
        out |= {"E_sim": float(sims.mean()), "sd_sim": float(sims.std()),
                "p_greater": (1 + np.sum(sims >= observed - tol)) / (permutations + 1),
                "p_less": (1 + np.sum(sims <= observed + tol)) / (permutations + 1)}
    return out


def _pair(x: pd.Series | np.ndarray, y: pd.Series | np.ndarray, w: Graph):
    xv, W, ids = _cross_section(x, w)
    if isinstance(y, pd.Series) and isinstance(x, pd.Series):
        yv, _, yids = _cross_section(y, w)
        if not pd.Index(yids).equals(pd.Index(ids)):
            yv = pd.Series(yv, index=yids).reindex(ids).to_numpy()
            if np.isnan(yv).any():
                raise DataError("x and y cover different units")
    else:
        yv, _, _ = _cross_section(y, w)
    return xv, yv, W, ids


def _names(x, y) -> tuple[str, str]:
    return (str(getattr(x, "name", None) or "x"), str(getattr(y, "name", None) or "y"))


def bivariate_moran(x: pd.Series | np.ndarray, y: pd.Series | np.ndarray, w: Graph, *, permutations: int = 9999,
                    seed: SeedLike = None) -> BivariateMoran:
    """Global bivariate Moran's I of ``x`` with the spatial lag of ``y`` (module docstring).

    ``permutations > 0`` is required: the statistic has no standard analytical moments.
    """
    _check_permutations(permutations)
    if permutations == 0:
        raise SpatialCCDError("bivariate Moran's I is tested by permutation: permutations must be > 0")
    xv, yv, W, _ = _pair(x, y, w)
    return BivariateMoran(*_names(x, y), **_bv_moran_core(xv, yv, W, permutations, np.random.default_rng(seed)))


def _bv_lisa_core(x: np.ndarray, y: np.ndarray, W: sp.csr_matrix, *, permutations: int, rng, alpha: float,
                  adjust: str | None) -> dict[str, np.ndarray]:
    zx, zy = _standardise(x, "x"), _standardise(y, "y")
    lag = W @ zy
    local = zx * lag
    card = np.diff(W.indptr)
    isolated = card == 0
    p_sim = _lag_pseudo_p(zy, W, permutations, rng)
    p_sim[zx == 0] = 1.0  # I_i = 0 for every draw: all ties
    p_sim[isolated] = np.nan
    p_adj = _adjust(p_sim, adjust)
    quadrant = np.select([(zx > 0) & (lag > 0), (zx <= 0) & (lag > 0), (zx <= 0) & (lag <= 0)],
                         ["HH", "LH", "LL"], "HL").astype(object)
    quadrant[isolated] = None
    cluster = np.where(np.nan_to_num(p_adj, nan=1.0) < alpha, quadrant, "not significant").astype(object)
    cluster[isolated] = "isolated"
    return {"x": x, "y": y, "z_x": zx, "lag_z_y": lag, "n_neighbours": card, "I": local, "p_sim": p_sim,
            "p_adjusted": p_adj, "quadrant": quadrant, "cluster": cluster}


@dataclass(frozen=True)
class BivariateLISA(SummaryMixin):
    """Bivariate LISA of ``x`` against the lag of ``y``: ``frame`` (columns ``x, y, z_x, lag_z_y,
    n_neighbours, I, p_sim, p_adjusted, quadrant, cluster`` — the cluster labels of
    :data:`spatialccd.autocorrelation.CLUSTERS`, so LISA maps draw it) indexed by unit or
    (year, unit), and ``moran``: the global bivariate Moran's I of each year."""

    frame: pd.DataFrame
    moran: pd.DataFrame
    x: str
    y: str
    permutations: int
    alpha: float
    adjust: str | None

    def table(self) -> pd.DataFrame:
        """Units per cluster (columns) and year (rows)."""
        return _per_year(self.frame, "cluster", CLUSTERS)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> Summary:
        facts = (("x", self.x), ("lagged y", self.y), ("Permutations", str(self.permutations)),
                 ("Adjustment", self.adjust or "none"), ("alpha", f"{self.alpha:g}"))
        return Summary("Bivariate LISA", facts, (("Global bivariate Moran's I", self.moran),
                                                 ("Units per cluster", self.table())))


def bivariate_lisa(x: pd.Series | np.ndarray, y: pd.Series | np.ndarray, w: Graph, *, permutations: int = 9999,
                   seed: SeedLike = None, alpha: float = 0.05,
                   adjust: Literal["fdr", "bonferroni"] | None = None) -> BivariateLISA:
    """Bivariate LISA (and the global bivariate Moran's I) of one cross-section: is ``x`` high
    where the neighbours' ``y`` is high?  Conditional-permutation pseudo p-values as
    :func:`spatialccd.lisa`; one generator from ``seed`` serves both (the global test first)."""
    _check_inputs(permutations, alpha, adjust, "permutation")
    xv, yv, W, ids = _pair(x, y, w)
    rng = np.random.default_rng(seed)
    names = _names(x, y)
    moran = BivariateMoran(*names, **_bv_moran_core(xv, yv, W, permutations, rng)).to_frame()
    frame = _lisa_frame(_bv_lisa_core(xv, yv, W, permutations=permutations, rng=rng, alpha=alpha, adjust=adjust), ids)
    return BivariateLISA(frame, moran, *names, permutations, alpha, adjust)


def bivariate_lisa_by_year(data: pd.DataFrame, x: str, y: str, w: Graph, *, unit: str = "province",
                           time: str = "year", permutations: int = 9999, seed: SeedLike = None, alpha: float = 0.05,
                           adjust: Literal["fdr", "bonferroni"] | None = None,
                           progress: bool = False) -> BivariateLISA:
    """:func:`bivariate_lisa` of columns ``x`` and ``y`` for every year (e.g. U₁ against the
    neighbours' U₂); rows indexed by (year, unit), ``moran`` indexed by year."""
    _check_inputs(permutations, alpha, adjust, "permutation")
    panel, X, W = _panel(data, x, w, unit, time)
    Y = panel.matrix(y)
    rngs = period_generators(seed, panel.times)
    frames, rows = [], []
    for t in tqdm(range(panel.T), desc="bivariate LISA", disable=not progress):
        rows.append(_bv_moran_core(X[:, t], Y[:, t], W, permutations, rngs[t]))
        frames.append(_lisa_frame(_bv_lisa_core(X[:, t], Y[:, t], W, permutations=permutations, rng=rngs[t],
                                                alpha=alpha, adjust=adjust), panel.units))
    moran = pd.DataFrame(rows, index=panel.times)
    moran["z_sim"] = (moran["I"] - moran["E_sim"]) / moran["sd_sim"]
    moran["pvalue"] = np.minimum(1.0, 2 * np.minimum(moran["p_greater"], moran["p_less"]))
    return BivariateLISA(pd.concat(frames, keys=panel.times, names=[time, panel.unit]), moran, x, y, permutations,
                         alpha, adjust)
