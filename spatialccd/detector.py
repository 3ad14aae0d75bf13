"""Geographical detector (地理探测器): factor, interaction, risk and ecological detectors.

Notation: Y is divided by a factor X into L strata h = 1 … L with N_h units, means Ȳ_h and
variances σ²_h (divisor N_h); N and σ² for the whole sample; SSW = Σ_h N_h σ²_h,
SST = N σ².

* **Factor detector** (Wang et al. 2010; Wang & Xu 2017, eq. 1): q = 1 − SSW / SST, in [0, 1];
  q = 1 when Y is constant within every stratum, q = 0 when every stratum has the same mean.
  Its test (Wang, Zhang & Fu 2016): F = (N − L)/(L − 1) · q/(1 − q) against the non-central
  F(L − 1, N − L; λ) with λ = [Σ_h Ȳ_h² − (Σ_h √N_h Ȳ_h)²/N] / s², s² the sample variance
  (divisor N − 1) — the R package ``geodetector`` of the method's authors (PyPI
  ``py-geodetector`` agrees; PyPI ``geodetector`` drops single-unit strata and divides s²
  by N).  ``p_central`` is the same F against the central F(L − 1, N − L), the one-way ANOVA
  test of H0 "all stratum means equal", exact under normality.
* **Interaction detector**: q(X1 ∩ X2) of the strata formed by crossing X1 and X2, compared
  with q1 = q(X1) and q2 = q(X2) (Wang & Xu 2017, table 1): nonlinear-weaken
  (q12 < min), uni-weaken (min ≤ q12 ≤ max), bi-enhance (max < q12 < q1 + q2), independent
  (q12 = q1 + q2, to 1e-12) and nonlinear-enhance (q12 > q1 + q2).  Crossing refines both
  partitions, so on one sample q12 ≥ max(q1, q2): the weakening types cannot occur.
* **Risk detector**: the mean of Y in each stratum and Welch's t test of every pair,
  t = (Ȳ_a − Ȳ_b)/√(s²_a/n_a + s²_b/n_b) with Welch–Satterthwaite df (two-sided; R's
  ``geodetector`` rounds the df).  A stratum with one unit has no variance: its tests are
  NaN with the reason in ``note``.
* **Ecological detector**: F = N₁(N₂ − 1) SSW₁ / [N₂(N₁ − 1) SSW₂] (Wang & Xu 2017, eq. 4;
  here N₁ = N₂ = N, so SSW₁/SSW₂) against F(N − 1, N − 1), H0 SSW₁ = SSW₂, two-sided.  (R's
  ``geodetector`` tests the ratio of the q values one-sided at 10 %; ``py-geodetector`` the
  lower tail only.)

Continuous drivers are discretised (:func:`discretise`) by equal intervals, quantiles,
natural breaks (Fisher–Jenks, mapclassify ``FisherJenks``) or geometric intervals; with
``optimise=True`` each factor takes the method and number of strata with the largest q
(the "optimal parameters" geodetector of Song et al. 2020).  q grows with the number of
strata, so the search range ``k`` bounds the choice.

References
----------
Wang, J.-F., Li, X.-H., Christakos, G., Liao, Y.-L., Zhang, T., Gu, X. & Zheng, X.-Y. (2010)
Geographical detectors-based health risk assessment and its application in the neural tube
defects study of the Heshun Region, China. *IJGIS* 24(1), 107–127.
Wang, J.-F. & Xu, C.-D. (2017) 地理探测器：原理与展望 (Geodetector: principle and prospective).
*Acta Geographica Sinica* 72(1), 116–134.
Wang, J.-F., Zhang, T.-L. & Fu, B.-J. (2016) A measure of spatial stratified heterogeneity.
*Ecological Indicators* 67, 250–256.
Song, Y., Wang, J., Ge, Y. & Xu, C. (2020) An optimal parameters-based geographical detector
model enhances geographic characteristics of explanatory variables for spatial heterogeneity
analysis. *GIScience & Remote Sensing* 57(5), 593–610.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ._options import Discretisation, check_option
from .exceptions import DataError, SpatialCCDError
from .hypotheses import InvalidTest, TestStatistic
from .summary import Summary, SummaryMixin

__all__ = ["discretise", "factor_q", "GeoDetector", "geodetector", "INTERACTIONS"]

#: interaction types: (code, English, Chinese) in Wang & Xu (2017) order
INTERACTIONS = (("nonlinear-weaken", "Weaken, nonlinear", "非线性减弱"),
                ("uni-weaken", "Weaken, uni-", "单因子非线性减弱"),
                ("bi-enhance", "Enhance, bi-", "双因子增强"),
                ("independent", "Independent", "独立"),
                ("nonlinear-enhance", "Enhance, nonlinear", "非线性增强"))
_TOL = 1e-12


# ---------------------------------------------------------------------------
# numeric cores
# ---------------------------------------------------------------------------
def _strata_stats(y: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """N_h, Ȳ_h and within sums of squares Σ_{i∈h} (y_i − Ȳ_h)² of the strata present."""
    _, inv = np.unique(codes, return_inverse=True)
    n = np.bincount(inv).astype(float)
    mean = np.bincount(inv, weights=y) / n
    ssw = np.bincount(inv, weights=(y - mean[inv]) ** 2)
    return n, mean, ssw


def factor_q(y: np.ndarray, codes: np.ndarray) -> float:
    """q = 1 − SSW/SST of ``y`` stratified by ``codes`` (any hashable codes, one per unit)."""
    y = np.asarray(y, dtype=float)
    sst = float(((y - y.mean()) ** 2).sum())
    if sst <= 0:
        raise SpatialCCDError("Y is constant: the q statistic is undefined (SST = 0)")
    return 1.0 - float(_strata_stats(y, np.asarray(codes))[2].sum()) / sst


def _factor_test(y: np.ndarray, codes: np.ndarray, name: str) -> dict:
    n, mean, ssw = _strata_stats(y, codes)
    N, L = y.size, n.size
    sst = float(((y - y.mean()) ** 2).sum())
    q = 1.0 - float(ssw.sum()) / sst
    row = {"q": q, "strata": L, "N": N, "F": math.nan, "lambda": math.nan, "pvalue": math.nan,
           "p_central": math.nan}
    null = f"{name} explains none of Y's spatial stratified heterogeneity (q = 0)"
    if L < 2 or N <= L:
        why = f"{L} strata for {N} units: the F test needs 2 <= L < N"
        return row | {"test": InvalidTest(f"Factor detector ({name})", null, why, "F")}
    lam = (float((mean ** 2).sum()) - float((np.sqrt(n) * mean).sum()) ** 2 / N) / (sst / (N - 1))
    F = math.inf if q >= 1 else (N - L) / (L - 1) * q / (1 - q)
    p = 0.0 if math.isinf(F) else float(stats.ncf.sf(F, L - 1, N - L, lam))
    pc = 0.0 if math.isinf(F) else float(stats.f.sf(F, L - 1, N - L))
    test = TestStatistic(f"Factor detector ({name})", null, F, L - 1, p, "F",
                         f"non-central F, lambda = {lam:.4g} (Wang, Zhang & Fu 2016)", N - L)
    return row | {"F": F, "lambda": lam, "pvalue": p, "p_central": pc, "test": test}


def _interaction_type(q1: float, q2: float, q12: float) -> str:
    lo, hi = min(q1, q2), max(q1, q2)
    if abs(q12 - (q1 + q2)) <= _TOL:
        return "independent"
    if q12 < lo - _TOL:
        return "nonlinear-weaken"
    if q12 <= hi + _TOL:
        return "uni-weaken"
    return "bi-enhance" if q12 < q1 + q2 else "nonlinear-enhance"


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, str]:
    if a.size < 2 or b.size < 2:
        return math.nan, math.nan, math.nan, "a stratum with one unit has no variance"
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    if va + vb == 0:
        return math.nan, math.nan, math.nan, "no variance within either stratum"
    t = (a.mean() - b.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    return t, df, float(2 * stats.t.sf(abs(t), df)), ""


def _ecological(y: np.ndarray, c1: np.ndarray, c2: np.ndarray) -> tuple[float, float]:
    N = y.size
    s1, s2 = _strata_stats(y, c1)[2].sum(), _strata_stats(y, c2)[2].sum()
    if s2 == 0:
        return math.inf if s1 > 0 else math.nan, math.nan
    F = N * (N - 1) * s1 / (N * (N - 1) * s2)
    return F, float(min(1.0, 2 * min(stats.f.sf(F, N - 1, N - 1), stats.f.cdf(F, N - 1, N - 1))))


# ---------------------------------------------------------------------------
# discretisation
# ---------------------------------------------------------------------------
def _breaks(x: np.ndarray, method: str, k: int, name: str) -> np.ndarray:
    """Interior cut points (ascending); class j holds b_{j−1} < x ≤ b_j (mapclassify's rule)."""
    import mapclassify

    if method == "geometric":
        lo, hi = float(x.min()), float(x.max())
        if lo <= 0:
            raise DataError(f"geometric intervals need positive values; {name!r} has minimum {lo:g} "
                            "(use 'equal', 'quantile' or 'natural')")
        return lo * (hi / lo) ** (np.arange(1, k) / k)
    cls = {"equal": mapclassify.EqualInterval, "quantile": mapclassify.Quantiles,
           "natural": mapclassify.FisherJenks}[method]
    return np.asarray(cls(x, k=k).bins[:-1], dtype=float)


def discretise(values, *, method: Discretisation = "quantile", k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Strata codes 0 … k − 1 of a continuous driver and the interior cut points.

    ``method``: ``"equal"`` (equal intervals), ``"quantile"``, ``"natural"`` (Fisher–Jenks
    natural breaks, mapclassify ``FisherJenks``, deterministic) or ``"geometric"`` (cut points
    min·(max/min)^{j/k}, positive values only).  A value equal to a cut point belongs to the
    lower class.  Empty classes (ties) are dropped and the codes renumbered.
    """
    method = check_option("method", method, "discretisation")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise SpatialCCDError(f"k must be an integer >= 2, got {k!r}")
    x = np.asarray(values, dtype=float)
    if not np.isfinite(x).all():
        raise DataError("values to discretise contain missing or non-finite entries")
    b = np.unique(_breaks(x, method, int(k), "values"))
    codes = np.searchsorted(b, x, side="left")
    used, codes = np.unique(codes, return_inverse=True)
    return codes, b[used[1:] - 1]  # between used classes c < c', the cut b_{c'-1} (empty classes vanish)


# ---------------------------------------------------------------------------
# result object
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class GeoDetector(SummaryMixin):
    """Results of :func:`geodetector`.

    ``factor``: one row per factor (q, strata, N, F, lambda, pvalue [non-central F], p_central,
    method, k, rank by q); ``interaction``: one row per pair (q1, q2, q12, type, type_zh);
    ``risk``: per factor a frame of stratum means (``n, mean, sd``) and one of pairwise Welch
    tests (``t, df, pvalue, significant, note``); ``ecological``: one row per pair
    (F, pvalue, significant); ``strata``: the stratum code of every unit for every factor;
    ``breaks``: the cut points of discretised factors; ``search``: q for every (factor,
    method, k) tried when optimised.
    """

    y: str
    factor: pd.DataFrame
    interaction: pd.DataFrame
    risk: dict
    ecological: pd.DataFrame
    strata: pd.DataFrame
    breaks: dict
    alpha: float
    search: pd.DataFrame | None = None
    tests: dict = field(default_factory=dict, repr=False)

    def interaction_matrix(self, *, what: str = "q12") -> pd.DataFrame:
        """Factors × factors: q on the diagonal and q(X1 ∩ X2) off it (``what="q12"``), or the
        interaction ``"type"`` / ``"type_zh"``."""
        names = list(self.factor.index)
        out = pd.DataFrame(np.nan if what == "q12" else "", index=names, columns=names,
                           dtype=float if what == "q12" else object)
        for r in self.interaction.itertuples():
            out.loc[r.factor1, r.factor2] = out.loc[r.factor2, r.factor1] = getattr(r, what)
        if what == "q12":
            for f in names:
                out.loc[f, f] = self.factor.loc[f, "q"]
        return out

    def ecological_matrix(self) -> pd.DataFrame:
        """Factors × factors of "Y"/"N": significant difference of the factors' SSW at ``alpha``."""
        names = list(self.factor.index)
        out = pd.DataFrame("", index=names, columns=names)
        for r in self.ecological.itertuples():
            out.loc[r.factor1, r.factor2] = out.loc[r.factor2, r.factor1] = "Y" if r.significant else "N"
        return out

    def to_frame(self) -> pd.DataFrame:
        return self.factor.copy()

    def summary(self) -> Summary:
        facts = (("Y", self.y), ("Units", str(len(self.strata))), ("Factors", str(len(self.factor))),
                 ("alpha", f"{self.alpha:g}"))
        tables = [("Factor detector", self.factor.drop(columns=["method"], errors="ignore")),
                  ("Interaction detector", self.interaction_matrix())]
        if len(self.interaction):
            tables.append(("Interaction types", self.interaction[["factor1", "factor2", "q12", "type"]]))
        if len(self.ecological):
            tables.append(("Ecological detector (Y: significant difference)", self.ecological_matrix()))
        return Summary("Geographical detector", facts, tuple(tables),
                       ("p: non-central F (Wang, Zhang & Fu 2016); p_central: one-way ANOVA F.",))


# ---------------------------------------------------------------------------
# front door
# ---------------------------------------------------------------------------
def _is_stratum_column(s: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) \
        or isinstance(s.dtype, pd.CategoricalDtype)


def _per_factor(option, name: str, default):
    return option.get(name, default) if isinstance(option, Mapping) else option


def _search(y: np.ndarray, x: np.ndarray, name: str, methods: Sequence[str], ks: Sequence[int]):
    rows = []
    for m in methods:
        for k in ks:
            try:
                codes, b = discretise(x, method=m, k=k)
            except DataError:
                continue
            rows.append({"factor": name, "method": m, "k": int(k), "strata": int(codes.max() + 1),
                         "q": factor_q(y, codes), "codes": codes, "breaks": b})
    if not rows:
        raise DataError(f"no discretisation of {name!r} could be made with methods {list(methods)}")
    best = max(rows, key=lambda r: (round(r["q"], 12), -r["k"]))
    return best, [{k: v for k, v in r.items() if k not in ("codes", "breaks")} for r in rows]


def geodetector(data: pd.DataFrame, y: str, factors: Sequence[str], *,
                method: Discretisation | Mapping[str, str] = "quantile", k: int | Mapping[str, int] = 5,
                optimise: bool = False, methods: Sequence[str] = ("equal", "quantile", "natural", "geometric"),
                k_range: Sequence[int] = range(3, 8), alpha: float = 0.05) -> GeoDetector:
    """Geographical detector of ``y`` with the drivers ``factors`` (module docstring for every formula).

    ``data`` has one row per unit (a year's cross-section, the panel mean, or pooled unit-years).
    Non-numeric, boolean and categorical columns are strata as they are; numeric columns are
    discretised by ``method`` into ``k`` strata (either may be a mapping per factor), or, with
    ``optimise=True``, by the (method, k) of ``methods`` × ``k_range`` with the largest q.
    Missing values raise naming the rows.
    """
    if not 0 < alpha < 1:
        raise SpatialCCDError(f"alpha must be in (0, 1), got {alpha!r}")
    factors = list(factors)
    missing = [c for c in [y, *factors] if c not in data.columns]
    if missing:
        raise DataError(f"column(s) {missing} not found; columns are {list(data.columns)}")
    if y in factors or len(set(factors)) != len(factors) or not factors:
        raise SpatialCCDError(f"factors must be distinct columns other than y={y!r}, got {factors}")
    if optimise:
        for m in methods:
            check_option("methods", m, "discretisation")
    bad = data[[y, *factors]].isna()
    if bad.to_numpy().any():
        cells = [(r, c) for c in bad.columns for r in data.index[bad[c].to_numpy()][:10]]
        raise DataError(f"missing values in (row, column) {cells[:20]}")
    if not pd.api.types.is_numeric_dtype(data[y]) or pd.api.types.is_bool_dtype(data[y]):
        raise DataError(f"y column {y!r} is not numeric (dtype {data[y].dtype})")
    yv = data[y].to_numpy(dtype=float)
    if np.ptp(yv) == 0:
        raise DataError(f"y column {y!r} is constant: the q statistic is undefined")
    codes, breaks, rows, searched, names = {}, {}, [], [], {}
    for f in factors:
        col = data[f]
        if _is_stratum_column(col):
            levels, codes[f] = np.unique(col.astype(str).to_numpy(), return_inverse=True)
            breaks[f], used = None, ("categorical", len(levels))
            names[f] = list(levels)
        elif optimise:
            best, tried = _search(yv, col.to_numpy(dtype=float), f, methods, k_range)
            codes[f], breaks[f], used = best["codes"], best["breaks"], (best["method"], best["k"])
            searched += tried
        else:
            m = check_option("method", _per_factor(method, f, "quantile"), "discretisation")
            codes[f], breaks[f] = discretise(col.to_numpy(dtype=float), method=m, k=_per_factor(k, f, 5))
            used = (m, int(_per_factor(k, f, 5)))
        if breaks[f] is not None:
            edges = [-math.inf, *breaks[f], math.inf]
            names[f] = [f"({edges[j]:.4g}, {edges[j + 1]:.4g}]" for j in range(len(edges) - 1)]
        rows.append({"factor": f, **_factor_test(yv, codes[f], f), "method": used[0], "k": used[1]})
    factor = pd.DataFrame(rows).set_index("factor")
    tests = dict(factor.pop("test"))
    factor["rank"] = factor["q"].rank(ascending=False, method="min").astype(int)
    inter, eco = [], []
    for a, b in itertools.combinations(factors, 2):
        q12 = factor_q(yv, codes[a] * (codes[b].max() + 1) + codes[b])
        t = _interaction_type(factor.loc[a, "q"], factor.loc[b, "q"], q12)
        inter.append({"factor1": a, "factor2": b, "q1": factor.loc[a, "q"], "q2": factor.loc[b, "q"], "q12": q12,
                      "type": t, "type_zh": next(z for c, _, z in INTERACTIONS if c == t)})
        F, p = _ecological(yv, codes[a], codes[b])
        eco.append({"factor1": a, "factor2": b, "F": F, "pvalue": p, "significant": bool(p < alpha)})
    risk = {}
    for f in factors:
        groups = [yv[codes[f] == j] for j in range(int(codes[f].max()) + 1)]
        labels = names[f]
        means = pd.DataFrame({"n": [g.size for g in groups], "mean": [g.mean() for g in groups],
                              "sd": [g.std(ddof=1) if g.size > 1 else math.nan for g in groups]},
                             index=pd.Index(labels, name="stratum"))
        pairs = []
        for i, j in itertools.combinations(range(len(groups)), 2):
            t, df, p, note = _welch(groups[i], groups[j])
            pairs.append({"stratum_a": labels[i], "stratum_b": labels[j], "t": t, "df": df, "pvalue": p,
                          "significant": bool(p < alpha) if not math.isnan(p) else False, "note": note})
        risk[f] = {"means": means, "tests": pd.DataFrame(pairs)}
    strata = pd.DataFrame({f: codes[f] for f in factors}, index=data.index)
    return GeoDetector(y, factor, pd.DataFrame(inter, columns=["factor1", "factor2", "q1", "q2", "q12", "type",
                                                                "type_zh"]),
                       risk, pd.DataFrame(eco, columns=["factor1", "factor2", "F", "pvalue", "significant"]),
                       strata, breaks, alpha, pd.DataFrame(searched) if optimise else None, tests)
