"""Resource-allocation mismatch (seed 004): ideal allocation, health distance, levels.

Seed 004 (Li, Peng, Lu & Yuan 2025, primary-healthcare resources of 31
provinces 2011–2021) measures how far each province's resources are from an
ideal allocation that is *fair* (upper level: minimum sum of allocation Gini
coefficients against demand) and *efficient* (lower level: DEA-BCC), then
grades the health distance into five levels with K-means.

The seed's bi-level model (its formulas 6–10) is garbled in places and solved by
a "master–slave interactive" heuristic.  :func:`ideal_allocation` solves an
explicit version of it exactly; the formulation and each choice are written out
in its docstring.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from sklearn.cluster import KMeans

from .dea import as_labelled_matrix, dea, require_positive
from .exceptions import ConvergenceError, DataError, SpatialCCDError
from .panel import PanelData
from .summary import Summary, SummaryMixin

__all__ = ["ideal_allocation", "IdealAllocation", "allocation_gini", "health_distance",
           "classify_mismatch", "MismatchLevels", "mismatch", "MismatchResult",
           "MISMATCH_LEVELS", "SEED004_THRESHOLDS"]

#: The five ordered levels of seed 004 (§3.1, English as in its Results), low HD first.
MISMATCH_LEVELS = (
    ("high matching", "高度匹配"),
    ("moderate matching", "中度匹配"),
    ("mild matching", "轻度匹配"),
    ("moderate mismatch", "中度错配"),
    ("severe mismatch", "重度错配"),
)
#: K-means thresholds seed 004 reports on its own data (§3.1): [0, .355) … [.719, 1].
SEED004_THRESHOLDS = (0.355, 0.492, 0.631, 0.719)


# --------------------------------------------------------------------------- Gini
def allocation_gini(resource, demand) -> float:
    """Gini coefficient of a resource allocated over units with demand (population) weights.

    G = Σ_{i<l} d_i d_l |q_i/d_i − q_l/d_l|, with q_i = R_i/ΣR and d_i = D_i/ΣD the
    resource and demand shares.  This is the grouped-data mean-difference Gini
    Σ_iΣ_l d_i d_l |r_i − r_l| / (2 r̄) of the per-demand ratios r_i = R_i/D_i,
    identical to the Lorenz-curve (trapezoid) form 1 − Σ_i (X_i − X_{i−1})(Y_i + Y_{i−1})
    with units sorted by r_i (X cumulative demand shares, Y cumulative resource
    shares) used by seed 004 (its formula 6 prints Y_i − Y_{i−1}, a typo).

    ``resource`` must be non-negative with a positive total and ``demand`` strictly
    positive (a ratio R_i/D_i needs D_i > 0), both finite and of the same length; Series
    are matched by label.  Bad input raises :class:`~spatialccd.exceptions.DataError`
    naming the units (labels of a Series, positions of an array).
    """
    r, units = _gini_vector(resource, "resource")
    d, dunits = _gini_vector(demand, "demand")
    if isinstance(resource, pd.Series) and isinstance(demand, pd.Series) and not units.equals(dunits):
        if set(units) != set(dunits) or units.has_duplicates:
            raise DataError(f"allocation_gini: resource and demand have different units: only in resource "
                            f"{units.difference(dunits).tolist()[:20]}, only in demand "
                            f"{dunits.difference(units).tolist()[:20]}")
        d = d[dunits.get_indexer(units)]
    if r.size != d.size:
        raise DataError(f"allocation_gini: resource has {r.size} units, demand {d.size}")
    for bad, what, v in ((r < 0, "negative resource", r), (d <= 0, "zero or negative demand", d)):
        if bad.any():
            raise DataError(f"allocation_gini: {what} for unit(s) {units[bad].tolist()[:20]} "
                            f"(values {v[bad][:20].tolist()}); demand must be positive and resources non-negative")
    if r.sum() <= 0:
        raise DataError("allocation_gini: the resource total is zero; the Gini of a zero allocation is undefined")
    q, d = r / r.sum(), d / d.sum()
    i, l = np.triu_indices(len(q), 1)
    return float(np.sum(d[i] * d[l] * np.abs(q[i] / d[i] - q[l] / d[l])))


def _gini_vector(values, name: str) -> tuple[np.ndarray, pd.Index]:
    """A finite 1-D float vector and its unit labels (Series index, else positions)."""
    index = values.index if isinstance(values, pd.Series) else None
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"allocation_gini: {name} must be numbers, got {values!r}") from None
    if x.ndim != 1 or x.size == 0:
        raise DataError(f"allocation_gini: {name} must be a non-empty vector (one value per unit), got shape "
                        f"{x.shape}")
    index = pd.RangeIndex(x.size) if index is None else index
    bad = ~np.isfinite(x)
    if bad.any():
        raise DataError(f"allocation_gini: missing or non-finite {name} for unit(s) {index[bad].tolist()[:20]}")
    return x, index


# ------------------------------------------------------------------ ideal allocation
@dataclass(frozen=True)
class IdealAllocation(SummaryMixin):
    """Result of :func:`ideal_allocation` (one cross-section).

    ideal : ideal allocation Q (units × resources), same units as the data.
    efficient_requirement : DEA-BCC input targets x̂ (what each unit needs to
        produce its observed outputs with best practice).
    efficiency : input-oriented DEA efficiency θ* of the observed allocation.
    gini_actual, gini_ideal : Gini of each resource (rows) against each demand (columns).
    totals : national totals T_k that the ideal allocation exhausts.
    """

    ideal: pd.DataFrame
    efficient_requirement: pd.DataFrame
    efficiency: pd.Series
    gini_actual: pd.DataFrame
    gini_ideal: pd.DataFrame
    totals: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Per unit: efficiency, and the ideal and efficient requirement of each resource."""
        return pd.concat([self.efficiency.rename("efficiency"), self.ideal.add_prefix("ideal_"),
                          self.efficient_requirement.add_prefix("required_")], axis=1)

    def summary(self) -> Summary:
        facts = (("Units", str(len(self.ideal))), ("Resources", ", ".join(map(str, self.ideal.columns))))
        return Summary("Fairness–efficiency ideal allocation (seed 004)", facts,
                       (("Allocation", self.to_frame()), ("Gini, actual", self.gini_actual),
                        ("Gini, ideal", self.gini_ideal)), ("Totals are exhausted by the ideal allocation.",))


def _gini_table(res: np.ndarray, dem: np.ndarray, rcols, dcols) -> pd.DataFrame:
    return pd.DataFrame([[allocation_gini(res[:, k], dem[:, j]) for j in range(dem.shape[1])]
                         for k in range(res.shape[1])], index=rcols, columns=dcols)


def _check_feasible(req: np.ndarray, lo: np.ndarray, hi: np.ndarray, units: pd.Index, rcols: list) -> None:
    """Name the constraint that makes the allocation problem infeasible (all in shares of T_k)."""
    clash = np.flatnonzero(lo > hi + 1e-12)
    if clash.size:
        raise SpatialCCDError("infeasible demand bounds: the lower bound from one demand indicator exceeds the "
                              f"upper bound from another for units {list(units[clash])[:20]}; "
                              "widen demand_bounds or pass fewer demand indicators")
    if hi.sum() < 1 - 1e-9:
        raise SpatialCCDError(f"infeasible demand bounds: the upper bounds add up to only {hi.sum():.4f} of "
                              "each national total; raise the upper demand bound")
    for k, name in enumerate(rcols):
        over = np.flatnonzero(req[:, k] > hi + 1e-12)
        if over.size:
            raise SpatialCCDError(f"infeasible: the efficient requirement (DEA target) of {name!r} exceeds the "
                                  f"upper demand bound for units {list(units[over])[:20]}; raise the upper bound")
        need = np.maximum(req[:, k], lo).sum()
        if need > 1 + 1e-9:
            raise SpatialCCDError(f"infeasible national total of {name!r}: the efficient requirements (DEA "
                                  f"targets) and lower demand bounds need {need:.4f} times the total; raise "
                                  "the total or lower the demand bound")


def ideal_allocation(resources, demand, outputs, *, totals=None,
                     demand_bounds: tuple[float, float] | None = None) -> IdealAllocation:
    """Fair-and-efficient ideal allocation of resources across units (seed 004's bi-level model).

    Notation: units i = 1…n (provinces), resources k (beds, doctors, …) with
    observed allocation P_ik > 0 and national total T_k (default Σ_i P_ik),
    demand indicators j (population, visits, …) with D_ij > 0, service outputs
    Y_i > 0.  Shares: q_ik = Q_ik / T_k, d_ij = D_ij / Σ_i D_ij.

    **Lower level (efficiency).**  Input-oriented DEA-BCC on the observed data
    (inputs P, outputs Y) gives each unit's efficient requirement
    x̂_i = θ*_i P_i − s⁻*_i — the least resources with which it could produce its
    observed services on the best-practice frontier (seed formula 9).  Because
    this frontier is estimated from the observed data, the lower level does not
    depend on the upper-level choice, and the bi-level program collapses into
    one linear program in which the efficiency level is the floor "every unit
    receives at least its efficient requirement".

    **Upper level (fairness), solved exactly with HiGHS (scipy.optimize.linprog)**::

        min_q  Σ_k Σ_j G_kj(q),   G_kj = Σ_{i<l} d_ij d_lj |q_ik/d_ij − q_lk/d_lj|
        s.t.   Σ_i q_ik = 1                          (national total, seed T_kj = T_k0)
               q_ik ≥ x̂_ik / T_k                     (efficient requirement)
               lo · d_ij ≤ q_ik ≤ hi · d_ij  all j   (demand bounds, optional)

    G_kj is the demand-weighted Gini (see :func:`allocation_gini`); it is convex
    and piecewise linear in q because the total — hence the mean — is fixed, so
    the absolute values are linearised with one auxiliary variable per pair.
    The sum of Ginis is flat over faces, so a second stage picks, among
    allocations within 1e-9 of the minimum, the one closest to the observed
    allocation: min Σ_k Σ_i |Q_ik − P_ik| / P_ik (the least redistribution; a
    linear stand-in for the health distance, which divides by the unknown Q).

    Choices where the seed is ambiguous:

    * Seed formula 8 bounds pairwise ratios Q_j/Q_z by the demand ratios with
      α_min = α_max = 1, which pins Q to exact proportionality with one demand
      indicator (and is infeasible with two non-proportional ones), leaving
      nothing for the Gini objective or the efficiency level to decide.  Here
      the bound is on each unit's per-demand allocation relative to the national
      mean, ``demand_bounds=(lo, hi)``: lo ≤ (Q_ik/D_ij)/(T_k/ΣD_j) ≤ hi, for
      every demand j; ``None`` (default) imposes none.  Its "T_kj ≤ DT_kj"
      (allocation below demand) has no stated unit and is not imposed.
    * The lower level enters as a floor x̂ (never cut a unit below what it needs
      to keep its services efficiently), not as "θ = 1 for the allocation",
      which would make the problem non-convex and is what the seed's
      slack-adjustment loop approximates.
    * Seed formula 9's "N/n ≥ 90 % of units efficient" is replaced by the floor
      for *every* unit (N/n = 100 %).  Letting a chosen 10 % fall below their
      requirement needs one binary per unit; that mixed-integer program took
      minutes for 31 provinces with HiGHS, against well under a second for the LP.
    * Resources decouple: each resource's allocation is chosen against all
      demand indicators, independently of the other resources.

    Raises ``ValueError`` naming the violated constraint and the resource or
    units when the problem is infeasible (national total below the efficient
    requirements, demand bounds that cannot hold), ``RuntimeError`` when HiGHS
    does not converge.
    """
    p, units, rcols = as_labelled_matrix(resources, "resource")
    dem, dunits, dcols = as_labelled_matrix(demand, "demand")
    if len(dem) != len(p) or (isinstance(demand, (pd.DataFrame, pd.Series)) and not dunits.equals(units)):
        raise SpatialCCDError("demand must have the same units, in the same order, as resources")
    require_positive(p, units, rcols, "resources")
    require_positive(dem, units, dcols, "demand")
    n, K = p.shape
    J = dem.shape[1]
    total = p.sum(axis=0) if totals is None else np.asarray(
        pd.Series(totals).reindex(rcols) if isinstance(totals, (dict, pd.Series)) else totals, dtype=float)
    if total.shape != (K,) or not np.all(np.isfinite(total) & (total > 0)):
        raise SpatialCCDError(f"totals must give one positive number per resource {rcols}, got {totals!r}")
    eff = dea(pd.DataFrame(p, index=units, columns=rcols), outputs, model="bcc", orientation="input")
    req = eff.targets_input.to_numpy() / total                       # x̂_ik / T_k
    d = dem / dem.sum(axis=0)
    lo_f, hi_f = (0.0, np.inf) if demand_bounds is None else map(float, demand_bounds)
    if not 0 <= lo_f <= hi_f:
        raise SpatialCCDError(f"demand_bounds must satisfy 0 <= lo <= hi, got {demand_bounds}")
    lo, hi = lo_f * d.max(axis=1), hi_f * d.min(axis=1)
    _check_feasible(req, lo, hi, units, rcols)

    # variables: q (n·K, index k*n + i) | u (K·J·P pair gaps) | v (n·K distances to observed)
    ii, ll = np.triu_indices(n, 1)
    P = len(ii)
    nq, nu = n * K, K * J * P
    iu, iv = nq, nq + nu
    nvar = iv + nq
    kk, jj = np.repeat(np.arange(K), J), np.tile(np.arange(J), K)
    qi = (kk[:, None] * n + ii[None, :]).ravel()
    ql = (kk[:, None] * n + ll[None, :]).ravel()
    ci, cl = (1 / d[ii][:, jj]).T.ravel(), (1 / d[ll][:, jj]).T.ravel()
    pr, r = np.arange(nu), np.arange(nq)
    share = (p / total).T.ravel()
    blocks = []                                      # (rows, cols, values) of A_ub, b_ub
    for sign in (1.0, -1.0):                         # ±(q_ik/d_ij − q_lk/d_lj) − u ≤ 0
        blocks.append((np.r_[pr, pr, pr], np.r_[qi, ql, iu + pr],
                       np.r_[sign * ci, -sign * cl, -np.ones(nu)], np.zeros(nu)))
    for sign in (1.0, -1.0):                         # ±(q_ik − p_ik/T_k) − v_ik ≤ 0
        blocks.append((np.r_[r, r], np.r_[r, iv + r], np.r_[sign * np.ones(nq), -np.ones(nq)], sign * share))
    offsets = np.cumsum([0] + [len(b[3]) for b in blocks])
    a_ub = sparse.csr_matrix((np.concatenate([b[2] for b in blocks]),
                              (np.concatenate([b[0] + o for b, o in zip(blocks, offsets)]),
                               np.concatenate([b[1] for b in blocks]))), shape=(offsets[-1], nvar))
    b_ub = np.concatenate([b[3] for b in blocks])
    a_eq = sparse.csr_matrix((np.ones(nq), (np.repeat(np.arange(K), n), r)), shape=(K, nvar))
    bounds = np.c_[np.zeros(nvar), np.full(nvar, np.inf)]
    bounds[:nq, 0] = np.maximum(req.T.ravel(), np.tile(lo, K))
    bounds[:nq, 1] = np.tile(np.minimum(hi, 1.0), K)

    def solve(c, a, b):
        res = linprog(c, A_ub=a, b_ub=b, A_eq=a_eq, b_eq=np.ones(K), bounds=bounds, method="highs")
        if res.status == 2:
            raise SpatialCCDError("infeasible ideal-allocation problem: national totals, efficient "
                                  "requirements and demand_bounds cannot hold together")
        if res.status != 0:
            raise ConvergenceError(f"ideal-allocation LP did not converge (HiGHS status {res.status}): {res.message}")
        return res

    gini = np.zeros(nvar)
    gini[iu:iv] = (d[ii][:, jj] * d[ll][:, jj]).T.ravel()
    g_star = solve(gini, a_ub, b_ub).fun
    # stage 2: least redistribution Σ|Q − P|/P among allocations with Σ Gini ≤ G* (+1e-9)
    closest = np.zeros(nvar)
    closest[iv:] = (total[:, None] / p.T).ravel()
    sol = solve(closest, sparse.vstack([a_ub, sparse.csr_matrix(gini)]),
                np.r_[b_ub, g_star + 1e-9 * max(1.0, g_star)]).x
    q = sol[:nq].reshape(K, n).T * total
    return IdealAllocation(
        ideal=pd.DataFrame(q, index=units, columns=rcols),
        efficient_requirement=eff.targets_input,
        efficiency=eff.efficiency,
        gini_actual=_gini_table(p, dem, rcols, dcols),
        gini_ideal=_gini_table(q, dem, rcols, dcols),
        totals=pd.Series(total, index=rcols, name="total"),
    )


# ------------------------------------------------------------------ health distance
def health_distance(actual, ideal, weights) -> pd.Series:
    """Health distance HD_i = Σ_k w_k |p_ik − q_ik| / q_ik (seed 004, formula 12).

    ``actual`` (p) and ``ideal`` (q) are units × indicators with the same
    labels (or arrays of the same shape); ``weights`` (w) one non-negative
    weight per indicator summing to 1 — entropy weights as in seed 004, or any
    user weights — as a Series/dict keyed by indicator, or a sequence in column
    order.  HD = 0 means the actual allocation is ideal; it is not bounded by 1.
    Inputs are never modified.
    """
    p, units, cols = as_labelled_matrix(actual, "indicator")
    q, qunits, qcols = as_labelled_matrix(ideal, "indicator")
    if p.shape != q.shape:
        raise SpatialCCDError(f"actual has shape {p.shape}, ideal {q.shape}")
    labelled = isinstance(actual, pd.DataFrame) and isinstance(ideal, pd.DataFrame)
    if labelled and (not units.equals(qunits) or list(cols) != list(qcols)):
        raise SpatialCCDError("actual and ideal must have the same index and columns")
    require_positive(q, units, cols, "ideal")
    if not np.all(np.isfinite(p)):
        raise SpatialCCDError("actual contains missing or non-finite values")
    if isinstance(weights, (dict, pd.Series)):
        ws = pd.Series(weights, dtype=float)
        missing = [c for c in cols if c not in ws.index]
        if missing:
            raise SpatialCCDError(f"no weight for indicator(s) {missing}")
        w = ws.reindex(cols).to_numpy()
    else:
        w = np.asarray(weights, dtype=float).ravel()
    if w.shape != (len(cols),) or np.any(~np.isfinite(w) | (w < 0)) or abs(w.sum() - 1) > 1e-6:
        raise SpatialCCDError(f"weights must be {len(cols)} non-negative numbers summing to 1, got {w.tolist()}")
    return pd.Series(np.abs(p - q) / q @ w, index=units, name="HD")


# ------------------------------------------------------------------ levels
@dataclass(frozen=True)
class MismatchLevels(SummaryMixin):
    """Ordered levels of the health distance.

    levels : ordered Categorical (English labels of :data:`MISMATCH_LEVELS` for
        five levels, ``"level 1"``… otherwise), aligned to the input.
    code : 1 (best matching) … k (worst mismatch).
    thresholds : the k − 1 lower bounds of levels 2…k; a value equal to a
        threshold belongs to the higher level ([a, b) intervals as in seed 004).
    centres : sorted K-means centres (``None`` for user thresholds).
    """

    levels: pd.Series
    code: pd.Series
    thresholds: tuple[float, ...]
    centres: tuple[float, ...] | None

    def to_frame(self) -> pd.DataFrame:
        """Per value: level and level code."""
        return pd.DataFrame({"level": self.levels, "level_code": self.code})

    def summary(self) -> Summary:
        counts = self.levels.value_counts(sort=False).rename("n").to_frame()
        how = "K-means centres " + ", ".join(f"{c:.4g}" for c in self.centres) if self.centres else "given thresholds"
        return Summary("Mismatch levels of the health distance", (("Thresholds", ", ".join(
            f"{t:.4g}" for t in self.thresholds)), ("From", how)), (("Counts", counts),),
            ("A value equal to a threshold belongs to the higher level.",))


def classify_mismatch(hd, *, thresholds=None, n_levels: int = 5, seed: int = 0) -> MismatchLevels:
    """Grade health distances into ordered levels by seeded 1-D K-means or by given thresholds.

    K-means (scikit-learn, ``n_init=10``, ``random_state=seed``) is run on all
    values pooled (e.g. all province-years, as seed 004 does); the clusters are
    ordered by centre and the thresholds are the midpoints between adjacent
    centres — the boundaries of the nearest-centre rule, so every value gets the
    level of its K-means cluster and new values can be graded consistently.
    ``thresholds=`` (k − 1 increasing numbers, e.g. :data:`SEED004_THRESHOLDS`)
    skips K-means.
    """
    values = hd if isinstance(hd, pd.Series) else pd.Series(np.asarray(hd, dtype=float).ravel(), name="HD")
    x = values.to_numpy(dtype=float)
    if not np.all(np.isfinite(x)):
        raise SpatialCCDError("health distances contain missing or non-finite values")
    centres = None
    if thresholds is None:
        if len(np.unique(x)) < n_levels:
            raise SpatialCCDError(f"need at least {n_levels} distinct values for {n_levels} K-means levels, "
                                  f"got {len(np.unique(x))}")
        km = KMeans(n_clusters=n_levels, n_init=10, random_state=seed).fit(x[:, None])
        centres = tuple(np.sort(km.cluster_centers_.ravel()).tolist())
        cuts = tuple(((np.array(centres[:-1]) + np.array(centres[1:])) / 2).tolist())
    else:
        cuts = tuple(float(t) for t in thresholds)
        if len(cuts) == 0 or np.any(np.diff(cuts) <= 0):
            raise SpatialCCDError(f"thresholds must be increasing, got {thresholds}")
    k = len(cuts) + 1
    names = [en for en, _ in MISMATCH_LEVELS] if k == len(MISMATCH_LEVELS) else [f"level {i + 1}" for i in range(k)]
    idx = np.searchsorted(np.asarray(cuts), x, side="right")
    cat = pd.Categorical.from_codes(idx, categories=names, ordered=True)
    return MismatchLevels(levels=pd.Series(cat, index=values.index, name="level"),
                          code=pd.Series(idx + 1, index=values.index, name="level_code"),
                          thresholds=cuts, centres=centres)


# ------------------------------------------------------------------ panel
@dataclass(frozen=True)
class MismatchResult(SummaryMixin):
    """Result of :func:`mismatch`.

    frame : tidy rows (unit, time, efficiency, ideal_<resource>…, HD, level,
        level_code) — merge on the unit code with :func:`spatialccd.provinces`
        to map it, or pass ``HD`` to the Dagum / Moran functions.
    thresholds : level thresholds used (found by K-means or given).
    allocations : the :class:`IdealAllocation` of each period.
    """

    frame: pd.DataFrame
    thresholds: tuple[float, ...]
    allocations: dict

    def to_frame(self) -> pd.DataFrame:
        """The tidy rows (a copy of :attr:`frame`)."""
        return self.frame.copy()

    def summary(self) -> Summary:
        shares = self.frame.groupby("level", observed=False).size().rename("n").to_frame()
        return Summary("Resource mismatch (seed 004)", (("Periods", str(len(self.allocations))),
                                                         ("Thresholds", ", ".join(f"{t:.4g}" for t in self.thresholds))),
                       (("Units per level", shares),), ("HD = Σ_k w_k |P_k − Q_k| / Q_k.",))


def mismatch(data: pd.DataFrame, *, resources: list[str], demand: list[str], outputs: list[str],
             weights, unit: str = "province", time: str = "year",
             demand_bounds: tuple[float, float] | None = None, thresholds=None, seed: int = 0) -> MismatchResult:
    """Seed 004 in one call: per period ideal allocation, health distance, pooled levels.

    For every period t (contemporaneous DEA frontier and national totals):
    :func:`ideal_allocation` of ``resources`` against ``demand`` with service
    ``outputs``; then HD_it = Σ_k w_k |P_itk − Q_itk| / Q_itk with ``weights``
    over ``resources`` (:func:`health_distance`); finally the levels of all
    unit-periods pooled (:func:`classify_mismatch`: K-means with ``seed``, or
    ``thresholds``).  ``data`` is a long (unit, time) panel validated by
    :class:`~spatialccd.PanelData`; province names become GB/T codes.
    """
    panel = PanelData(data, unit=unit, time=time)
    cols = list(resources) + list(demand) + list(outputs)
    block = pd.DataFrame(panel.values(cols), index=panel.index, columns=cols)
    allocations, rows = {}, []
    for t in panel.times:
        cs = block.xs(t, level=time)
        alloc = ideal_allocation(cs[resources], cs[demand], cs[outputs], demand_bounds=demand_bounds)
        allocations[t] = alloc
        hd = health_distance(cs[resources], alloc.ideal, weights)
        rows.append(pd.concat([alloc.efficiency.rename("efficiency"), alloc.ideal.add_prefix("ideal_"), hd],
                              axis=1).assign(**{time: t}))
    frame = pd.concat(rows).rename_axis(unit).reset_index()
    lv = classify_mismatch(frame["HD"], thresholds=thresholds, seed=seed)
    frame = frame.assign(level=lv.levels, level_code=lv.code)
    frame = frame[[unit, time] + [c for c in frame.columns if c not in (unit, time)]]
    return MismatchResult(frame=frame, thresholds=lv.thresholds, allocations=allocations)
