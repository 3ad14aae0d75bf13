"""Regional inequality: Dagum Gini decomposition (with bootstrap), Theil T/L, CV, regional means.

Every measure works year by year on the cross-section of units (provinces,
cities, …) of a long ``(unit, time)`` table; the panel need not be balanced.
Groups default to the NBS four regions (``group="region4"``) or the three belts
(``"region3"``) of :func:`spatialccd.province_table` when the units are
provinces; any column of the data (or a ``{unit: group}`` mapping) works too.

Optional population weights (``weights="pop"``) turn every sum over units into
a weighted sum, i.e. unit *i* counts as ``w_i`` identical individuals; without
weights each unit counts once, as in the published studies (seeds 001/003/004).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from tqdm import tqdm  # plain bar: tqdm.auto warns in Jupyter without ipywidgets

from ._groups import GroupSpec, cells as _cells, group_labels as _group_labels, region_name
from ._legacy_summary import summary_method
from ._options import check_option
from ._random import period_generators as _period_generators
from .exceptions import DataError, OneGroupWarning, SpatialCCDError, SpatialCCDWarning
from .panel import normalise_time
from .summary import Summary, SummaryMixin

__all__ = ["DagumResult", "dagum_gini", "TheilResult", "theil", "coefficient_of_variation",
           "RegionalMeans", "regional_means", "NATION"]

#: Label of the whole sample in tables that list the nation beside its groups.
NATION = "Nation"

#: What values a measure accepts: strictly positive (Theil, CV), non-negative with a
#: positive mean (Gini), or any real number (kernel densities).
Domain = Literal["positive", "nonnegative", "real"]


# ---------------------------------------------------------------------------
# Input preparation shared by inequality, convergence and dynamics
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Sections:
    """Validated yearly cross-sections: per time, values ``y``, weights ``w``, group codes ``g``."""

    column: str
    times: list
    groups: tuple  # group labels in table order (empty when ungrouped)
    y: list[np.ndarray]
    w: list[np.ndarray]
    g: list[np.ndarray]
    units: list[np.ndarray]
    weighted: bool

    def regions(self) -> Iterator[tuple[object, str, np.ndarray, np.ndarray, np.ndarray]]:
        """Yield ``(time, region, y, w, units)`` for the nation and then each group, per time."""
        for t, y, w, g, u in zip(self.times, self.y, self.w, self.g, self.units):
            yield t, NATION, y, w, u
            for j, label in enumerate(self.groups):
                m = g == j
                if m.any():
                    yield t, label, y[m], w[m], u[m]


def _numeric(df: pd.DataFrame, col: str, unit: str, time: str, *, what: str) -> np.ndarray:
    s = df[col]
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        raise DataError(f"{what} column {col!r} is not numeric (dtype {s.dtype})")
    arr = s.to_numpy(dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise DataError(f"missing or non-finite values in {what} column {col!r} at {int(bad.sum())} "
                        f"({unit}, {time}) row(s): {_cells(df, bad, unit, time)}")
    return arr


def _check_domain(df: pd.DataFrame, y: np.ndarray, column: str, unit: str, time: str, domain: Domain) -> None:
    """Raise naming the (unit, time) rows whose values are outside ``domain`` (see :func:`_sections`)."""
    if domain == "positive":
        bad = y <= 0
        if bad.any():
            raise DataError(f"column {column!r} must be positive (inequality of a non-positive mean is "
                            f"undefined); non-positive at {int(bad.sum())} ({unit}, {time}) row(s): "
                            f"{_cells(df, bad, unit, time)}")
    elif domain == "nonnegative":
        bad = y < 0
        if bad.any():
            raise DataError(f"column {column!r} must be non-negative (the Gini coefficient is defined for "
                            f"non-negative values with a positive mean); negative at {int(bad.sum())} "
                            f"({unit}, {time}) row(s): {_cells(df, bad, unit, time)}")
        totals = pd.Series(y).groupby(df[time].to_numpy()).sum()
        zero = totals.index[totals.to_numpy() <= 0].tolist()
        if zero:
            raise DataError(f"column {column!r} is zero for every unit in {time}(s) {zero[:20]}: the Gini "
                            "coefficient of a zero mean is undefined")


def _sections(data: pd.DataFrame, column: str, *, group: GroupSpec, unit: str, time: str,
              weights: str | None, domain: Domain = "positive") -> _Sections:
    """Validate a long table and split it into yearly cross-sections (never modifies ``data``).

    ``domain`` is what the values must be: ``"positive"`` (Theil, CV; the default),
    ``"nonnegative"`` with a positive mean in every year (Gini: zeros are allowed, e.g.
    a health distance of 0 where the allocation is ideal) or ``"real"`` (kernel densities).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    df = data.reset_index() if any(n in (unit, time) for n in data.index.names) else data
    needed = [unit, time, column] + ([weights] if weights is not None else [])
    for col in needed:
        if col not in df.columns:
            raise DataError(f"column {col!r} not found; columns are {list(df.columns)}")
    for col in (unit, time):
        if df[col].isna().any():
            raise DataError(f"missing {col!r} identifiers in rows {df.index[df[col].isna()].tolist()[:20]}")
    df = df.assign(**{time: normalise_time(df[time], time)})  # '2012' beside 2012 is one year; a copy
    dup = df.duplicated([unit, time], keep=False).to_numpy()
    if dup.any():
        raise DataError(f"duplicated ({unit}, {time}) rows: {_cells(df, dup, unit, time)}")
    y = _numeric(df, column, unit, time, what="value")
    _check_domain(df, y, column, unit, time, domain)
    if weights is None:
        w = np.ones_like(y)
    else:
        w = _numeric(df, weights, unit, time, what="weight")
        if (w <= 0).any():
            raise DataError(f"weights column {weights!r} must be positive; non-positive at ({unit}, {time}) "
                            f"rows {_cells(df, w <= 0, unit, time)}")
    if group is None:
        gcode, groups = np.zeros(len(df), dtype=np.intp), ()
    else:
        labels, groups = _group_labels(df, group, unit, time)
        gcode = pd.Index(groups).get_indexer(labels)
    tcode, times = pd.factorize(df[time], sort=True)
    order = np.lexsort((gcode, tcode))  # by time, then group: groups are contiguous in each year
    bounds = np.cumsum(np.bincount(tcode, minlength=len(times)))[:-1]
    units = df[unit].to_numpy()
    split = lambda a: np.split(a[order], bounds)  # noqa: E731
    return _Sections(column=column, times=list(times), groups=groups, y=split(y), w=split(w),
                     g=split(gcode), units=split(units), weighted=weights is not None)


# ---------------------------------------------------------------------------
# Sort-based Gini sums (arrays carry a leading batch axis: replicates)
# ---------------------------------------------------------------------------
def _pair_sum(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_i Σ_r w_i w_r |y_i − y_r| along the last axis, by sorting: O(n log n).

    After sorting, Σ_{r ≤ i} w_r (y_i − y_r) = y_i·C_i − S_i with C, S the running
    sums of w and w·y; each unordered pair is counted once, hence the factor 2.
    """
    order = np.argsort(y, axis=-1)
    ys, ws = np.take_along_axis(y, order, -1), np.take_along_axis(w, order, -1)
    return 2.0 * np.sum(ws * (ys * np.cumsum(ws, -1) - np.cumsum(ws * ys, -1)), axis=-1)


def _cross_sums(a: np.ndarray, wa: np.ndarray, b: np.ndarray, wb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Σ_i Σ_r wa_i wb_r max(a_i − b_r, 0), Σ_i Σ_r wa_i wb_r max(b_r − a_i, 0))``.

    One joint sort of ``a`` and ``b``; running sums over the members of one set
    evaluated at the members of the other (ties contribute zero either way).
    """
    z = np.concatenate([a, b], -1)
    order = np.argsort(z, axis=-1)
    z = np.take_along_axis(z, order, -1)
    za, zb = np.zeros_like(a), np.zeros_like(b)
    wa_s = np.take_along_axis(np.concatenate([wa, zb], -1), order, -1)
    wb_s = np.take_along_axis(np.concatenate([za, wb], -1), order, -1)
    above = np.sum(wa_s * (z * np.cumsum(wb_s, -1) - np.cumsum(wb_s * z, -1)), axis=-1)
    below = np.sum(wb_s * (z * np.cumsum(wa_s, -1) - np.cumsum(wa_s * z, -1)), axis=-1)
    return above, below


def _dagum_core(y: np.ndarray, w: np.ndarray, g: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Dagum (1997) decomposition of (B, n) replicates sharing the group codes ``g`` (n,).

    Returns arrays of shape (B,) for ``G, G_w, G_nb, G_t`` and (B, k) / (B, k, k)
    for the group quantities; absent groups carry NaN.
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # all-zero groups and resamples give NaN
        return _dagum_sums(y, w, g, k)


def _dagum_sums(y: np.ndarray, w: np.ndarray, g: np.ndarray, k: int) -> dict[str, np.ndarray]:
    B = y.shape[0]
    W, Y = w.sum(-1), (w * y).sum(-1)
    out = {"G": _pair_sum(y, w) / (2.0 * W * Y)}  # ΣΣ|y_i − y_r| / (2 n² ȳ), as n² ȳ = n·Σy
    n_j, mean_j, p_j, s_j, G_jj = (np.full((B, k), np.nan) for _ in range(5))
    G_jh, d_jh, p_jh, D_jh = (np.full((B, k, k), np.nan) for _ in range(4))
    idx = [np.flatnonzero(g == j) for j in range(k)]
    for j, ij in enumerate(idx):
        if ij.size:
            Wj, Yj = w[:, ij].sum(-1), (w[:, ij] * y[:, ij]).sum(-1)
            n_j[:, j], mean_j[:, j], p_j[:, j], s_j[:, j] = Wj, Yj / Wj, Wj / W, Yj / Y
            G_jj[:, j] = _pair_sum(y[:, ij], w[:, ij]) / (2.0 * Wj * Yj)
    G_w = np.nansum(G_jj * p_j * s_j, axis=-1)
    G_nb, G_t = np.zeros(B), np.zeros(B)
    for j in range(k):
        for h in range(j + 1, k):
            ij, ih = idx[j], idx[h]
            if not (ij.size and ih.size):
                continue
            above, below = _cross_sums(y[:, ij], w[:, ij], y[:, ih], w[:, ih])
            pairs = n_j[:, j] * n_j[:, h]
            gjh = (above + below) / (pairs * (mean_j[:, j] + mean_j[:, h]))
            # d_jh: expected positive gap of the richer group over the poorer, p_jh: the reverse.
            richer = mean_j[:, j] >= mean_j[:, h]
            d = np.where(richer, above, below) / pairs
            p = np.where(richer, below, above) / pairs
            D = np.divide(d - p, d + p, out=np.zeros(B), where=(d + p) > 0)  # equal groups: D = 0
            share = p_j[:, j] * s_j[:, h] + p_j[:, h] * s_j[:, j]
            G_nb += gjh * share * D
            G_t += gjh * share * (1.0 - D)
            for (a, b_) in ((j, h), (h, j)):
                G_jh[:, a, b_], d_jh[:, a, b_], p_jh[:, a, b_], D_jh[:, a, b_] = gjh, d, p, D
    out.update(G_w=G_w, G_nb=G_nb, G_t=G_t, n=n_j, mean=mean_j, p=p_j, s=s_j, G_jj=G_jj,
               G_jh=G_jh, d_jh=d_jh, p_jh=p_jh, D_jh=D_jh)
    return out


def _flat_stats(core: dict[str, np.ndarray], groups: tuple) -> dict[tuple[str, str], np.ndarray]:
    """(statistic, group-or-pair) → (B,) array, in table order.

    With a single group there is nothing to decompose: only G, G_w (= G) and G_jj.
    Contribution rates are NaN where G = 0 (all values equal).
    """
    split = len(groups) > 1
    stats = {(name, ""): core[name] for name in (("G", "G_w", "G_nb", "G_t") if split else ("G", "G_w"))}
    if split:
        with np.errstate(divide="ignore", invalid="ignore"):
            for comp in ("G_w", "G_nb", "G_t"):
                stats[("C" + comp[1:], "")] = np.where(core["G"] > 0, 100.0 * core[comp] / core["G"], np.nan)
    for j, label in enumerate(groups):
        stats[("G_jj", label)] = core["G_jj"][:, j]
    for j, a in enumerate(groups):
        for h in range(j + 1, len(groups)):
            stats[("G_jh", f"{a}–{groups[h]}")] = core["G_jh"][:, j, h]
    return stats


def _bootstrap_indices(rng: np.random.Generator, g: np.ndarray, reps: int) -> np.ndarray:
    """(reps, n) positions resampling with replacement within each contiguous group of ``g``."""
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, g.size])
    return np.concatenate([s + rng.integers(0, m, size=(reps, m)) for s, m in zip(starts, sizes)], axis=1)


# ---------------------------------------------------------------------------
# Dagum Gini
# ---------------------------------------------------------------------------
_COMPONENTS = ("G", "G_w", "G_nb", "G_t", "C_w", "C_nb", "C_t")
_TEXT = {
    "en": {"sections": ("Overall Gini", "Within-group Gini", "Between-group Gini", "Contribution (%)"),
           "components": ("Within (G_w)", "Between, net (G_nb)", "Transvariation (G_t)"),
           "bounds": ("estimate", "CI lower", "CI upper"),
           "one_group": "One group ({group}): the overall Gini equals the within-group Gini; there is no "
                        "between-group part, so this is not a decomposition.",
           "intervals": "Intervals: {level:.0%} bootstrap percentile intervals from {reps} replicates "
                        "(units resampled with replacement within each group and year).",
           "title": "Dagum Gini decomposition of {column}", "title_one": "Gini coefficient of {column}"},
    "zh": {"sections": ("整体基尼系数", "区域内差异", "区域间差异", "贡献率(%)"),
           "components": ("区域内", "区域间", "超变密度"),
           "bounds": ("估计值", "置信下限", "置信上限"),
           "one_group": "仅有一个组({group}):整体基尼系数等于组内基尼系数,没有区域间差异,不构成分解。",
           "intervals": "区间:{reps} 次自助法重抽样(每年在组内有放回抽样)的 {level:.0%} 百分位区间。",
           "title": "{column} 的 Dagum 基尼系数分解", "title_one": "{column} 的基尼系数"},
}


@dataclass(frozen=True)
class DagumResult(SummaryMixin):
    """Dagum Gini decomposition per year (see :func:`dagum_gini`).

    Attributes
    ----------
    components : DataFrame
        Index time; ``G, G_w, G_nb, G_t`` and contribution rates ``C_w, C_nb, C_t`` (%, sum 100).
        With a single group (:attr:`decomposed` is False) only ``G`` and ``G_w`` (= G) are
        defined; the between-group columns and the contributions are NaN.
        (Was ``summary`` in 0.1; ``result.summary[...]`` still reaches it for one release.)
    within : DataFrame
        Index time, one column per group: within-group Gini G_jj.
    between : DataFrame
        Index time, one column per pair ``"A–B"`` (groups in table order): G_jh.
    pairs : DataFrame
        Tidy per (time, pair): ``richer`` / ``poorer`` group (ordered by mean that year),
        ``G_jh``, ``d_jh``, ``p_jh`` (both relative to the richer group) and ``D_jh`` ∈ [0, 1].
    groups : DataFrame
        Tidy per (time, group): ``n`` (or total weight), ``mean``, ``p_j``, ``s_j``, ``G_jj``.
    ci : DataFrame or None
        Bootstrap results per (time, statistic, group): ``estimate, se, lower, upper``;
        ``None`` without bootstrap.  Intervals are bootstrap percentile intervals.
    column : str
        The variable decomposed.
    level : float
        Confidence level of ``ci``.
    grouping : str
        How units were grouped (``"region4"``, a column name or ``"mapping"``).
    bootstrap : int
        Number of bootstrap replicates (0: none).
    """

    components: pd.DataFrame
    within: pd.DataFrame
    between: pd.DataFrame
    pairs: pd.DataFrame
    groups: pd.DataFrame
    ci: pd.DataFrame | None
    column: str
    level: float
    grouping: str = ""
    bootstrap: int = 0

    @property
    def decomposed(self) -> bool:
        """True with two or more groups; one group has no between-group part and is no decomposition."""
        return self.within.shape[1] > 1

    @property
    def time(self) -> str:
        """Name of the time column."""
        return str(self.components.index.name)

    def notes(self, lang: str = "en") -> tuple[str, ...]:
        """Sentences that belong under any table of this result (one group; bootstrap intervals)."""
        lang = check_option("lang", lang, where="DagumResult.notes")
        text = _TEXT[lang]
        out = []
        if not self.decomposed:
            group = ", ".join(region_name(g, lang) for g in self.within.columns)
            out.append(text["one_group"].format(group=group))
        if self.ci is not None:
            out.append(text["intervals"].format(level=self.level, reps=self.bootstrap))
        return tuple(out)

    def to_frame(self) -> pd.DataFrame:
        """Every statistic, tidy: ``<time>, statistic, group, estimate`` (+ ``se, lower, upper``
        with bootstrap).  ``statistic`` is ``G, G_w, G_nb, G_t, C_w, C_nb, C_t`` (group ``""``),
        ``G_jj`` (group = the group) or ``G_jh`` (group = the pair ``"A–B"``); with one group
        only ``G``, ``G_w`` and ``G_jj``."""
        time = self.time
        names = _COMPONENTS if self.decomposed else ("G", "G_w")
        rows = []
        for t in self.components.index:
            rows += [(t, s, "", self.components.at[t, s]) for s in names]
            rows += [(t, "G_jj", g, self.within.at[t, g]) for g in self.within.columns]
            rows += [(t, "G_jh", p, self.between.at[t, p]) for p in self.between.columns]
        out = pd.DataFrame(rows, columns=[time, "statistic", "group", "estimate"])
        if self.ci is not None:
            out = out.merge(self.ci.drop(columns="estimate"), on=[time, "statistic", "group"], how="left")
        return out

    def table(self, *, lang: str = "en", decimals: int | None = 3, intervals: bool = False) -> pd.DataFrame:
        """The seeds' Table 7 layout: rows overall/within/between/contributions, one column per year.

        ``lang="zh"`` labels rows 整体基尼系数 / 区域内差异 / 区域间差异 / 贡献率 as in seed 003.
        With one group the table has the overall and the within-group Gini only (no
        between-group or contribution rows).  ``intervals=True`` (needs ``bootstrap``) adds a
        third index level: each statistic's estimate, then the lower and upper bootstrap
        percentile bounds.  The sentences of :meth:`notes` are in ``table.attrs["notes"]``.
        """
        lang = check_option("lang", lang, where="DagumResult.table")
        if intervals and self.ci is None:
            raise SpatialCCDError("intervals=True needs bootstrap intervals: run dagum_gini(..., bootstrap=200)")
        text = _TEXT[lang]
        sec = text["sections"]
        name = (lambda g: "—".join(region_name(p, lang) for p in g.split("–"))) if lang == "zh" else str
        rows = [((sec[0], ""), "G", "")] + [((sec[1], name(g)), "G_jj", g) for g in self.within.columns]
        if self.decomposed:
            rows += [((sec[2], name(p)), "G_jh", p) for p in self.between.columns]
            rows += [((sec[3], c), s, "") for c, s in zip(text["components"], ("C_w", "C_nb", "C_t"))]
        long = self.to_frame().set_index(["statistic", "group", self.time]).sort_index()
        times = self.components.index
        values = tuple(zip(("estimate", "lower", "upper"), text["bounds"])) if intervals else (("estimate", ""),)
        index, data = [], []
        for label, stat, group in rows:
            cell = long.loc[(stat, group)].reindex(times)
            for col, bound in values:
                index.append(label + (bound,) if intervals else label)
                data.append(cell[col].to_numpy(dtype=float))
        out = pd.DataFrame(data, index=pd.MultiIndex.from_tuples(index), columns=times)
        out = out.round(decimals) if decimals is not None else out
        out.attrs["notes"] = list(self.notes(lang))
        return out

    @summary_method(frame="components")
    def summary(self, lang: str = "en") -> Summary:
        """Facts (variable, grouping, groups, years, bootstrap) and the :meth:`table`, with its notes."""
        text = _TEXT[check_option("lang", lang, where="DagumResult.summary")]
        title = text["title" if self.decomposed else "title_one"].format(column=self.column)
        facts = (("Variable", self.column), ("Grouping", self.grouping or "—"),
                 ("Groups", str(self.within.shape[1])), ("Periods", str(len(self.components))),
                 ("Bootstrap replicates", str(self.bootstrap)),
                 ("Confidence level", f"{self.level:g}" if self.ci is not None else "—"))
        table = self.table(lang=lang, decimals=None, intervals=self.ci is not None)
        table.columns = [str(c) for c in table.columns]
        return Summary(title=title, facts=facts, tables=((title, table),), notes=self.notes(lang))


def _grouping_name(group: GroupSpec) -> str:
    return group if isinstance(group, str) else "mapping"


def dagum_gini(data: pd.DataFrame, column: str, *, group: GroupSpec = "region4", unit: str = "province",
               time: str = "year", weights: str | None = None, bootstrap: int = 0, level: float = 0.95,
               seed: int | np.random.Generator | None = None, progress: bool = True) -> DagumResult:
    r"""Dagum (1997) Gini decomposition by group, per year, with optional bootstrap intervals.

    With groups j = 1…k of sizes n_j, means ȳ_j, n = Σ n_j and overall mean ȳ
    (Dagum, C. 1997, "A new approach to the decomposition of the Gini income
    inequality ratio", *Empirical Economics* 22:515–531):

    * G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² ȳ)  (population denominators)
    * G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² ȳ_j)
    * G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (ȳ_j + ȳ_h))  (not (ȳ_j + ȳ_h)/2)
    * p_j = n_j / n, s_j = n_j ȳ_j / (n ȳ)
    * G_w = Σ_j G_jj p_j s_j
    * G_nb = Σ_{j>h} G_jh (p_j s_h + p_h s_j) D_jh,  G_t = Σ_{j>h} G_jh (p_j s_h + p_h s_j)(1 − D_jh)
    * D_jh = (d_jh − p_jh) / (d_jh + p_jh), with the pair ordered by mean (ȳ_j ≥ ȳ_h, so
      D_jh ∈ [0, 1]); d_jh is the mean of max(y_ji − y_hr, 0) and p_jh (the transvariation)
      the mean of max(y_hr − y_ji, 0) over all n_j n_h pairs.  Hence d_jh − p_jh = ȳ_j − ȳ_h
      and d_jh + p_jh = G_jh (ȳ_j + ȳ_h).

    G = G_w + G_nb + G_t exactly; contribution rates C_· = 100 · G_· / G.  The double
    sums are computed from sorted values and running sums (O(n log n)), never by
    looping over pairs.  With ``weights`` every unit counts ``w_i`` times (n → Σw).

    The Gini coefficient is defined for non-negative values with a positive mean, so
    zeros are allowed (seed 004's health distance is 0 where the actual allocation is
    the ideal one).  A group whose values are all 0 in a year has an undefined G_jj
    (0/0): it is NaN with a warning and contributes nothing to G_w (its s_j is 0).

    **One group** (a Beijing–Tianjin–Hebei study is all East; a constant group column):
    G = G_11 and there is no between-group part.  The result is not a decomposition:
    :attr:`DagumResult.decomposed` is False, the between-group and contribution columns
    are NaN, :meth:`DagumResult.table` lists the overall and within-group Gini only and
    says why, and a :class:`~spatialccd.exceptions.OneGroupWarning` is emitted.

    Parameters
    ----------
    data : DataFrame
        Long table, one row per (unit, time); never modified.
    column : str
        Non-negative values with a positive mean in every year (e.g. the coupling
        coordination degree D, a health distance).
    group : str, mapping or None
        A column of ``data``, ``"region4"`` / ``"region3"`` (NBS four regions / three belts,
        looked up from :func:`spatialccd.province_table` when the units are provinces), or
        a ``{unit: group}`` mapping.  Group order in tables: the NBS order for regions, the
        categories of a categorical column, otherwise sorted labels.
    unit, time : str
        Identifier columns (or index levels).
    weights : str, optional
        Column of population weights; unweighted (each unit once) by default, as in the seeds.
    bootstrap : int
        Number of bootstrap replicates (0: none).  Units are resampled with replacement
        *within* each group and year, keeping group sizes fixed; percentile intervals at
        ``level`` and bootstrap standard errors for every reported statistic.
    seed : int or Generator, optional
        Makes the bootstrap reproducible.  Each year's draws come from a stream keyed by
        ``(seed, year)``, so a year's intervals do not depend on which other years are in
        the data.
    progress : bool
        Show a tqdm progress bar during the bootstrap.

    Raises
    ------
    DataError
        Missing or negative values, a year whose values are all zero (the rows or years are
        named), unknown group column, duplicated (unit, time) rows.
    SpatialCCDError
        ``group=None``, a bad ``bootstrap`` or ``level``.
    SpatialCCDWarning
        A group with one member in a year (its G_jj is 0); an all-zero group.
    """
    if group is None:
        raise SpatialCCDError("dagum_gini needs a grouping: a column, 'region4'/'region3' or a mapping")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, (int, np.integer)) or bootstrap < 0:
        raise SpatialCCDError(f"bootstrap must be a non-negative integer, got {bootstrap!r}")
    if not 0 < level < 1:
        raise SpatialCCDError(f"level must be in (0, 1), got {level!r}")
    sec = _sections(data, column, group=group, unit=unit, time=time, weights=weights, domain="nonnegative")
    k, groups = len(sec.groups), sec.groups
    if k == 1:
        warnings.warn(f"every unit of {column!r} is in one group ({groups[0]!r}): the result is the overall Gini "
                      "(= the within-group Gini) with no between-group part, not a decomposition",
                      OneGroupWarning, stacklevel=2)
    rngs = _period_generators(seed, sec.times)
    point, boot = [], []
    bar = tqdm(total=bootstrap * len(sec.times), desc="Dagum bootstrap", unit="rep",
               disable=not progress or bootstrap == 0)
    for t, y, w, g, u, rng in zip(sec.times, sec.y, sec.w, sec.g, sec.units, rngs):
        sizes = np.bincount(g, minlength=k)
        for j in np.flatnonzero(sizes == 1):
            warnings.warn(f"group {groups[j]!r} has a single member in {time} {t} "
                          f"({u[g == j][0]!r}); its within-group Gini G_jj is 0", SpatialCCDWarning, stacklevel=2)
        core = _dagum_core(y[None], w[None], g, k)
        for j in np.flatnonzero((sizes > 0) & ~np.isfinite(core["G_jj"][0])):
            warnings.warn(f"group {groups[j]!r} is zero for every unit in {time} {t}: its within-group Gini "
                          "is undefined (NaN) and it adds nothing to G_w", SpatialCCDWarning, stacklevel=2)
        point.append(core)
        if bootstrap:
            chunk = max(1, 2_000_000 // y.size)
            reps = []
            for start in range(0, bootstrap, chunk):
                m = min(chunk, bootstrap - start)
                ix = _bootstrap_indices(rng, g, m)
                reps.append(_flat_stats(_dagum_core(y[ix], w[ix], g, k), groups))
                bar.update(m)
            boot.append({key: np.concatenate([r[key] for r in reps]) for key in reps[0]})
    bar.close()
    return _dagum_result(sec, point, boot, level, time, grouping=_grouping_name(group), bootstrap=int(bootstrap))


def _dagum_result(sec: _Sections, point: list[dict], boot: list[dict], level: float, time: str, *,
                  grouping: str, bootstrap: int) -> DagumResult:
    groups, times = sec.groups, pd.Index(sec.times, name=time)
    flat = [{key: v[0] for key, v in _flat_stats(c, groups).items()} for c in point]
    components = pd.DataFrame([{s: f.get((s, ""), np.nan) for s in _COMPONENTS} for f in flat], index=times)
    within = pd.DataFrame([{g: f[("G_jj", g)] for g in groups} for f in flat], index=times, columns=list(groups))
    labels = [lab for (s, lab) in flat[0] if s == "G_jh"] if flat else []
    between = pd.DataFrame([{lab: f[("G_jh", lab)] for lab in labels} for f in flat], index=times, columns=labels)
    pair_rows, group_rows = [], []
    for t, c in zip(sec.times, point):
        for j, a in enumerate(groups):
            group_rows.append({time: t, "group": a, "n": c["n"][0, j], "mean": c["mean"][0, j],
                               "p_j": c["p"][0, j], "s_j": c["s"][0, j], "G_jj": c["G_jj"][0, j]})
            for h in range(j + 1, len(groups)):
                if np.isnan(c["G_jh"][0, j, h]):
                    continue
                rich, poor = (j, h) if c["mean"][0, j] >= c["mean"][0, h] else (h, j)
                pair_rows.append({time: t, "pair": f"{a}–{groups[h]}", "richer": groups[rich],
                                  "poorer": groups[poor], "G_jh": c["G_jh"][0, j, h],
                                  "d_jh": c["d_jh"][0, rich, poor], "p_jh": c["p_jh"][0, rich, poor],
                                  "D_jh": c["D_jh"][0, j, h]})
    ci = None
    if boot:
        lo, hi = 50 * (1 - level), 50 * (1 + level)
        rows = []
        for t, f, b in zip(sec.times, flat, boot):
            for (stat, lab), est in f.items():
                r = b[(stat, lab)]
                ok = r[np.isfinite(r)]
                rows.append({time: t, "statistic": stat, "group": lab, "estimate": est,
                             "se": ok.std(ddof=1) if ok.size > 1 else np.nan,
                             "lower": np.percentile(ok, lo) if ok.size else np.nan,
                             "upper": np.percentile(ok, hi) if ok.size else np.nan})
        ci = pd.DataFrame(rows)
    return DagumResult(components=components, within=within, between=between,
                       pairs=pd.DataFrame(pair_rows), groups=pd.DataFrame(group_rows), ci=ci,
                       column=sec.column, level=level, grouping=grouping, bootstrap=bootstrap)


# ---------------------------------------------------------------------------
# Theil, CV, regional means
# ---------------------------------------------------------------------------
def _theil_tl(y: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float]:
    """(T, L, total weight, mean) of one set of positive values."""
    W = w.sum()
    mu = (w * y).sum() / W
    r = y / mu
    return float((w * r * np.log(r)).sum() / W), float((w * -np.log(r)).sum() / W), float(W), float(mu)


@dataclass(frozen=True)
class TheilResult(SummaryMixin):
    """Theil T and L per year with their within/between decomposition (see :func:`theil`).

    ``components`` (index time): ``T, T_within, T_between, L, L_within, L_between`` and the
    within shares ``T_within_pct``, ``L_within_pct`` (was ``summary`` in 0.1; frame-style
    ``result.summary[...]`` still reaches it for one release).  ``groups`` (tidy per time,
    group): ``n`` (or total weight), ``mean``, ``T_j``, ``L_j``.
    """

    components: pd.DataFrame
    groups: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The per-year decomposition (a copy of :attr:`components`)."""
        return self.components.copy()

    @summary_method(frame="components")
    def summary(self) -> Summary:
        """Theil T and L with their within/between parts by year."""
        facts = (("Years", str(len(self.components))), ("Groups", str(self.groups["group"].nunique())
                                                           if "group" in self.groups else "—"))
        return Summary("Theil index decomposition (Theil 1967; Shorrocks 1980)", facts,
                       (("By year", self.components),), ("T = GE(1), L = GE(0) (mean log deviation).",))


def theil(data: pd.DataFrame, column: str, *, group: GroupSpec = "region4", unit: str = "province",
          time: str = "year", weights: str | None = None) -> TheilResult:
    r"""Theil T (GE(1)) and Theil L (GE(0), mean log deviation) with group decomposition.

    With r_i = y_i / ȳ and weights w_i (1 by default), W = Σ w_i (Theil 1967,
    *Economics and Information Theory*; Shorrocks 1980, *Econometrica* 48:613–625):

    * T = (1/W) Σ w_i r_i ln r_i = Σ_j s_j T_j + Σ_j s_j ln(ȳ_j / ȳ),  s_j = W_j ȳ_j / (W ȳ)
    * L = (1/W) Σ w_i ln(1 / r_i) = Σ_j p_j L_j + Σ_j p_j ln(ȳ / ȳ_j),  p_j = W_j / W

    The first sum of each is the within-group part, the second the between-group part.
    Inputs are validated as in :func:`dagum_gini` (positive values required).
    """
    if group is None:
        raise SpatialCCDError("theil needs a grouping: a column, 'region4'/'region3' or a mapping")
    sec = _sections(data, column, group=group, unit=unit, time=time, weights=weights)
    rows, grows = [], []
    for t, y, w, g in zip(sec.times, sec.y, sec.w, sec.g):
        T, L, W, mu = _theil_tl(y, w)
        tw = tb = lw = lb = 0.0
        for j in np.unique(g):
            Tj, Lj, Wj, muj = _theil_tl(y[g == j], w[g == j])
            s, p = Wj * muj / (W * mu), Wj / W
            tw, tb, lw, lb = tw + s * Tj, tb + s * math.log(muj / mu), lw + p * Lj, lb + p * math.log(mu / muj)
            grows.append({time: t, "group": sec.groups[j], "n": Wj, "mean": muj, "T_j": Tj, "L_j": Lj})
        rows.append({"T": T, "T_within": tw, "T_between": tb, "L": L, "L_within": lw, "L_between": lb,
                     "T_within_pct": 100 * tw / T if T > 0 else np.nan,
                     "L_within_pct": 100 * lw / L if L > 0 else np.nan})
    return TheilResult(components=pd.DataFrame(rows, index=pd.Index(sec.times, name=time)),
                       groups=pd.DataFrame(grows))


def _cv(y: np.ndarray, w: np.ndarray) -> float:
    mu = np.average(y, weights=w)
    return float(np.sqrt(np.average((y - mu) ** 2, weights=w)) / mu)


def coefficient_of_variation(data: pd.DataFrame, column: str, *, group: GroupSpec = None,
                             unit: str = "province", time: str = "year",
                             weights: str | None = None) -> pd.DataFrame:
    r"""Coefficient of variation per year, for the nation and each group.

    CV = σ / ȳ with the population standard deviation σ = √(Σ w_i (y_i − ȳ)² / Σ w_i)
    (w_i = 1 unweighted; population weights give Williamson's 1965 weighted CV,
    *Economic Development and Cultural Change* 13(4):1–84).  Returns a DataFrame
    indexed by time with columns ``Nation`` and one per group.
    """
    sec = _sections(data, column, group=group, unit=unit, time=time, weights=weights)
    return _by_region_table(sec, _cv, time)


def _by_region_table(sec: _Sections, stat, time: str) -> pd.DataFrame:
    """Apply ``stat(y, w)`` per (time, region) → wide frame (index time, columns Nation + groups)."""
    long = pd.DataFrame([(t, r, stat(y, w)) for t, r, y, w, _u in sec.regions()], columns=[time, "region", "v"])
    wide = long.pivot(index=time, columns="region", values="v")
    return wide.reindex(columns=[NATION, *sec.groups]).rename_axis(columns=None)


@dataclass(frozen=True)
class RegionalMeans(SummaryMixin):
    """Mean per year of the nation and each group, with growth rates (see :func:`regional_means`).

    ``levels`` and ``growth`` (year-on-year %, first year NaN) are indexed by time with
    columns ``Nation`` + groups; ``overall`` is indexed by region with ``first, last,
    mean, total_growth_pct, annual_growth_pct`` (was ``summary`` in 0.1; frame-style
    ``result.summary[...]`` still reaches it for one release).
    """

    levels: pd.DataFrame
    growth: pd.DataFrame
    overall: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Tidy: time, region, mean, growth (%)."""
        out = pd.concat({"mean": self.levels.stack(), "growth_pct": self.growth.stack()}, axis=1)
        return out.rename_axis([self.levels.index.name or "time", "region"]).reset_index()

    @summary_method(frame="overall")
    def summary(self) -> Summary:
        """Means by year and region, and growth over the whole span."""
        return Summary("Regional means and growth", (("Years", str(len(self.levels))),
                                                     ("Regions", str(len(self.overall)))),
                       (("Means by year", self.levels), ("Over the span", self.overall)),
                       ("Growth in percent; annual growth is geometric.",))


def regional_means(data: pd.DataFrame, column: str, *, group: GroupSpec = "region4", unit: str = "province",
                   time: str = "year", weights: str | None = None) -> RegionalMeans:
    r"""Mean of ``column`` by year for the nation and each group, with growth rates (seed 003, Table 4).

    ȳ_jt = Σ_i w_i y_it / Σ_i w_i over the units of group j in year t (w_i = 1 by default);
    year-on-year growth 100 (ȳ_t / ȳ_{t−1} − 1); over the whole span total growth
    100 (ȳ_last / ȳ_first − 1) and average annual (geometric) growth
    100 ((ȳ_last / ȳ_first)^{1/(t_last − t_first)} − 1) when times are numeric years,
    else per step between consecutive observed times.  ``summary["mean"]`` is the mean
    over years (the 均值 row of the seeds).
    """
    sec = _sections(data, column, group=group, unit=unit, time=time, weights=weights)
    levels = _by_region_table(sec, lambda y, w: float(np.average(y, weights=w)), time)
    growth = 100.0 * (levels / levels.shift(1) - 1.0)
    idx = levels.index
    span = float(idx[-1] - idx[0]) if pd.api.types.is_numeric_dtype(idx) else float(len(idx) - 1)
    first, last = levels.iloc[0], levels.iloc[-1]
    overall = pd.DataFrame({"first": first, "last": last, "mean": levels.mean(),
                            "total_growth_pct": 100.0 * (last / first - 1.0),
                            "annual_growth_pct": 100.0 * ((last / first) ** (1.0 / span) - 1.0) if span > 0 else np.nan})
    return RegionalMeans(levels=levels, growth=growth, overall=overall.rename_axis("region"))
