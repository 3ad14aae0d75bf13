"""Seed analyses of efficiency, allocation and regional dynamics (issue 16): DEA, seed 004's
resource-allocation mismatch, composite-index trends and regional means (seed 003 Figure 1 and
Table 4), the Theil index and σ/β-convergence.

Study-file keys (validated by :func:`check_spec`, called from ``spec._check_cross``):

``[dea]``  (:func:`spatialccd.dea`)
    ``inputs``, ``outputs`` (data columns, required), ``model`` ("bcc" | "ccr"), ``orientation``
    ("input" | "output"), ``slacks`` (two-phase slacks, default true), ``super_efficiency``
    (Andersen–Petersen, default false), ``frontier`` ("yearly": one frontier per year, the
    default; "pooled": all unit-years against one frontier), ``group`` (regional means in the
    trend figure).  Adds ``dea_efficiency`` (and ``dea_super_efficiency``) to the study's panel.
``[mismatch]``  (seed 004, :func:`spatialccd.mismatch.mismatch`)
    ``resources``, ``demand``, ``outputs`` (data columns, required); ``weights`` of the health
    distance: "evaluation" (the [evaluation] weights of the resources, renormalised to sum 1;
    the default), "equal", or a ``[mismatch.weights]`` table resource → weight; ``thresholds``
    (k − 1 increasing cut points of the levels, e.g. seed 004's [0.355, 0.492, 0.631, 0.719]; without
    them five K-means levels with ``seed``); ``demand_bounds`` ([lo, hi]); ``map_years`` (level
    maps); ``group`` (level shares and means by region; default "region3", seed 004's belts).  Adds
    ``HD`` and ``HD_level`` (1 = best matching … k) to the panel, so ``[dagum] column = "HD"`` and
    ``[moran] column = "HD"`` work.
``[trends]``
    ``columns`` (default: the subsystem scores of [evaluation]), ``group``: national and regional
    means by year, one figure per column (seed 003 Figure 1).
``[regional_means]``
    ``column`` (default "D"), ``group``: seed 003 Table 4 (means by year and region, closed by the
    mean over the years) and the growth summary.
``[theil]``
    ``column``, ``group``: Theil T and L with their within/between parts.
``[convergence]``
    ``column``, ``kind`` (["sigma", "beta"]), ``group`` (a region grouping or "none"), ``measure`` of
    σ ("cv" | "sd" | "sd_log"), ``beta`` (["absolute"], ["conditional"] or both), ``controls`` and
    ``effects`` of the conditional regression, ``method`` ("ols" | "sar" | "sdm"; the spatial ones use
    the study's [weights]), ``alpha``, ``step``.

``group`` everywhere is "region4", "region3", a data column or a table unit → group.  What can be
checked from the study file alone (columns named twice, a DEA with fewer units in ``[data] keep``
than inputs + outputs, thresholds not increasing, weights not summing to 1 …) is checked when the
file is read; a DEA with fewer units in the data than inputs + outputs stops as its step starts,
before any linear program, naming ``[dea] inputs`` (or ``[mismatch] resources``).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import get_args

import numpy as np
import pandas as pd

from ..dea import Model as _DEAModel, Orientation as _Orientation
from ..exceptions import StudyError
from ..report import sections_allocation as R
from .schema import COLUMN, CORE, SEED, Opt, vocab
from .steps import Step
from .steps_structure import _group

__all__ = ["SCHEMA", "STEPS", "check_spec"]

_GROUP = Opt((str, dict), "region4")
_REQUIRED_LIST = Opt(list, item=str, required=True)
CONVERGENCE_KINDS = ("sigma", "beta")
BETA_KINDS = ("absolute", "conditional")

SCHEMA = {
    "dea": {"inputs": _REQUIRED_LIST, "outputs": _REQUIRED_LIST, "model": Opt(str, "bcc", get_args(_DEAModel)),
            "orientation": Opt(str, "input", get_args(_Orientation)), "slacks": Opt(bool, True),
            "super_efficiency": Opt(bool, False), "frontier": Opt(str, "yearly", ("yearly", "pooled")),
            "group": _GROUP},
    "mismatch": {"resources": _REQUIRED_LIST, "demand": _REQUIRED_LIST, "outputs": _REQUIRED_LIST,
                 "weights": Opt((str, dict), "evaluation"), "thresholds": Opt(list, item=float),
                 "demand_bounds": Opt(list, item=float), "map_years": Opt(list, item=int), "seed": SEED,
                 "group": Opt((str, dict), "region3")},
    "trends": {"columns": Opt(list, item=str), "group": _GROUP},
    "regional_means": {"column": COLUMN, "group": _GROUP},
    "theil": {"column": COLUMN, "group": _GROUP},
    "convergence": {"column": COLUMN, "kind": Opt(list, list(CONVERGENCE_KINDS), item=str), "group": _GROUP,
                    "measure": Opt(str, "cv", ("cv", "sd", "sd_log")), "beta": Opt(list, ["absolute"], item=str),
                    "controls": Opt(list, item=str), "effects": vocab("effects", "individual"),
                    "method": vocab("convergence_method", "ols"), "alpha": Opt(float, 0.05),
                    "step": Opt(float, 1.0)},
}


# -- validation of the study file (before anything runs) -------------------------------------
def _fail(source: str, table: str, key: str, text: str) -> StudyError:
    return StudyError(f"{source}: [{table}] {key}: {text}", table=table, key=key)


def _check_columns(spec: dict, source: str, table: str, keys: tuple[str, ...]) -> None:
    """Non-empty lists of distinct columns, no column in two of the lists."""
    seen: dict[str, str] = {}
    for key in keys:
        cols = spec[table][key]
        if not cols:
            raise _fail(source, table, key, "give at least one data column")
        twice = sorted({c for c in cols if cols.count(c) > 1})
        if twice:
            raise _fail(source, table, key, f"column(s) {twice} are listed twice")
        for c in cols:
            if c in seen:
                raise _fail(source, table, key, f"column {c!r} is listed in {seen[c]} too; a column can have one role")
            seen[c] = key


def _check_units(spec: dict, source: str, table: str, key: str, n_vars: int, what: str) -> None:
    """A DEA needs at least as many units as inputs + outputs: checked here when ``[data] keep`` lists the units."""
    keep = spec["data"]["keep"]
    frontier = spec[table].get("frontier", "yearly")
    if keep and frontier == "yearly" and len(set(keep)) < n_vars:
        raise _fail(source, table, key, f"{what} has {n_vars} inputs + outputs but [data] keep lists only "
                    f"{len(set(keep))} units; DEA needs at least as many units as inputs + outputs")


def _check_mismatch(spec: dict, source: str) -> None:
    m = spec["mismatch"]
    _check_columns(spec, source, "mismatch", ("resources", "demand", "outputs"))
    _check_units(spec, source, "mismatch", "resources", len(m["resources"]) + len(m["outputs"]),
                 "the efficiency level (DEA of resources on outputs)")
    w = m["weights"]
    if isinstance(w, str):
        if w not in ("evaluation", "equal"):
            raise _fail(source, "mismatch", "weights", f"{w!r} is not allowed; give \"evaluation\", \"equal\" or a "
                        "[mismatch.weights] table resource = weight")
        if w == "evaluation":
            system = spec.get("indicators")
            missing = [r for r in m["resources"] if system is None or r not in system.names]
            if missing:
                raise _fail(source, "mismatch", "weights", f"\"evaluation\" takes the [evaluation] weights of the "
                            f"resources, but {missing} are not in [indicators]; add them or give weights = \"equal\"")
            if spec["evaluation"]["per_year"]:
                raise _fail(source, "mismatch", "weights", "\"evaluation\" needs one weight per resource: set "
                            "[evaluation] per_year = false or give a [mismatch.weights] table")
    else:
        keys, wanted = sorted(w), sorted(m["resources"])
        bad = [k for k, v in w.items() if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0]
        if keys != wanted or bad or abs(sum(w.values()) - 1) > 1e-6:
            raise _fail(source, "mismatch", "weights", f"a weights table needs one non-negative number per resource "
                        f"{wanted}, summing to 1; got {w}")
    t = m["thresholds"]
    if t is not None and (not t or np.any(np.diff(t) <= 0) or t[0] <= 0):
        raise _fail(source, "mismatch", "thresholds", f"give increasing positive cut points (k − 1 for k levels), "
                    f"got {t}")
    b = m["demand_bounds"]
    if b is not None and (len(b) != 2 or not 0 <= b[0] <= b[1]):
        raise _fail(source, "mismatch", "demand_bounds", f"give [lo, hi] with 0 <= lo <= hi, got {b}")


def _check_convergence(spec: dict, source: str) -> None:
    c = spec["convergence"]
    for key, words in (("kind", CONVERGENCE_KINDS), ("beta", BETA_KINDS)):
        bad = [v for v in c[key] if v not in words]
        if bad or len(set(c[key])) != len(c[key]) or (key == "kind" and not c[key]):
            raise _fail(source, "convergence", key, f"give distinct values of {', '.join(words)}; got {c[key]}")
    wants_beta = "beta" in c["kind"]
    if wants_beta and not c["beta"]:
        raise _fail(source, "convergence", "beta", "kind includes \"beta\": give [\"absolute\"], [\"conditional\"] "
                    "or both")
    conditional = wants_beta and "conditional" in c["beta"]
    if conditional and not c["controls"] and c["effects"] == "none":
        raise _fail(source, "convergence", "controls", "conditional β-convergence needs controls or fixed effects "
                    "(effects = \"individual\", \"time\" or \"twoways\")")
    if c["controls"] and not conditional:
        raise _fail(source, "convergence", "controls", "controls belong to conditional β-convergence: add "
                    "\"conditional\" to beta")
    if c["method"] != "ols" and wants_beta:
        spec.setdefault("weights", {k: o.default for k, o in CORE["weights"].items()})


def check_spec(spec: dict, source: str) -> None:
    """Cross-table checks of this module's keys (called by ``spec._check_cross``)."""
    if "dea" in spec:
        d = spec["dea"]
        _check_columns(spec, source, "dea", ("inputs", "outputs"))
        _check_units(spec, source, "dea", "inputs", len(d["inputs"]) + len(d["outputs"]), "the DEA")
    if "mismatch" in spec:
        _check_mismatch(spec, source)
    if "trends" in spec:
        cols = spec["trends"]["columns"]
        if cols is not None and (not cols or len(set(cols)) != len(cols)):
            raise _fail(source, "trends", "columns", f"give distinct columns, got {cols}")
        if cols is None and "indicators" not in spec:
            raise _fail(source, "trends", "columns", "give columns = [...] (the default, the subsystem scores, needs "
                        "an [indicators] table)")
    if "convergence" in spec:
        _check_convergence(spec, source)
    for table in ("mismatch", "dea", "trends", "regional_means", "theil", "convergence"):
        group = spec.get(table, {}).get("group")
        if isinstance(group, dict):
            bad = [k for k, v in group.items() if not isinstance(v, str) or not v.strip()]
            if bad:
                raise _fail(source, table, "group",
                            f"every unit must map to a group name (a string); not for {bad[:10]}")


# -- step results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class DEAStep:
    results: dict = field(repr=False)          # time (or "pooled") → DEAResult
    scores: pd.DataFrame = field(repr=False)   # (time, unit) → efficiency, ccr, bcc, scale_efficiency, rts …
    summary: pd.DataFrame = field(repr=False)  # time → means and counts
    means: object = field(repr=False)          # RegionalMeans of the efficiency
    group: object = None


@dataclass(frozen=True)
class MismatchStep:
    result: object = field(repr=False)              # spatialccd.mismatch.MismatchResult
    weights: pd.Series = field(repr=False)          # resource → weight of the health distance
    weights_source: str = "evaluation"
    kmeans: bool = True
    shares: pd.DataFrame = field(repr=False, default=None)            # time × level code, %
    shares_by_region: pd.DataFrame = field(repr=False, default=None)  # (group, time) × level code, %
    means: object = field(repr=False, default=None)                   # RegionalMeans of HD
    mean_codes: pd.DataFrame = field(repr=False, default=None)        # time × (Nation, groups): level of the mean
    map_years: tuple = ()
    group: object = None


@dataclass(frozen=True)
class TrendsStep:
    means: dict = field(repr=False)      # column → RegionalMeans
    group: object = None


@dataclass(frozen=True)
class RegionalMeansStep:
    means: object = field(repr=False)    # RegionalMeans
    column: str = "D"
    group: object = None


@dataclass(frozen=True)
class TheilStep:
    result: object = field(repr=False)   # TheilResult
    column: str = "D"
    group: object = None


@dataclass(frozen=True)
class ConvergenceStep:
    sigma: object = field(repr=False)    # SigmaConvergence or None
    betas: dict = field(repr=False)      # "absolute" / "conditional" → BetaConvergence
    column: str = "D"
    group: object = None


# -- compute ---------------------------------------------------------------------------------
def _long(ctx, columns, table: str, key: str) -> pd.DataFrame:
    """A long frame (unit, time, columns) from the panel, or from the subsystem scores of [evaluation]."""
    frame = ctx.panel.frame_
    scores = ctx.results["evaluation"].scores if "evaluation" in ctx.results else None
    extra = [c for c in columns if c not in frame.columns and scores is not None and c in scores.columns]
    missing = [c for c in columns if c not in frame.columns and c not in extra]
    if missing:
        known = list(frame.columns) + ([] if scores is None else list(scores.columns))
        raise StudyError(f"{ctx.source}: [{table}] {key}: {missing} are not columns of the data or of the results; "
                         f"columns are {known}", table=table, key=key)
    out = frame[[c for c in columns if c not in extra]]
    if extra:
        out = out.join(scores[extra].reindex(frame.index))
    return out.reset_index()


def _group_of(ctx, table: str, key: str = "group"):
    """The table's group (region name, unit → group mapping, or None for "none")."""
    group = ctx.spec[table][key]
    return None if group == "none" else _group(ctx, group, table, key)


def _unit_groups(ctx, group, table: str) -> pd.Series:
    """Group label of every unit of the panel (in the panel's unit order)."""
    from ..geo import province_table

    if isinstance(group, str):
        if not ctx.panel.is_province:
            raise StudyError(f"{ctx.source}: [{table}] group = {group!r} needs province units; give a data column "
                             "or a [<table>.group] table", table=table, key="group")
        return province_table()[group].reindex(ctx.panel.units)
    return pd.Series(group).reindex(ctx.panel.units)


def _group_order(labels: pd.Series, group) -> list:
    from ..geo import REGION3, REGION4

    order = {"region3": REGION3, "region4": REGION4}.get(group) if isinstance(group, str) else None
    present = list(pd.unique(labels))
    return [g for g in order if g in present] if order else sorted(present, key=str)


def _means(ctx, frame: pd.DataFrame, column: str, group):
    """:func:`~spatialccd.regional_means` by ``group``, or of the nation alone (``group`` None)."""
    from ..inequality import RegionalMeans, regional_means

    unit, time = ctx.panel.unit, ctx.panel.time
    if group is not None:
        return regional_means(frame, column, group=group, unit=unit, time=time)
    whole = regional_means(frame, column, group={u: "all" for u in ctx.panel.units}, unit=unit, time=time)
    return RegionalMeans(levels=whole.levels.iloc[:, :1], growth=whole.growth.iloc[:, :1],
                         overall=whole.overall.iloc[:1])


def _add_columns(ctx, derived: pd.DataFrame, table: str) -> None:
    clash = [c for c in derived.columns if c in ctx.panel.columns]
    if clash:
        raise StudyError(f"{ctx.source}: [{table}] would overwrite data column(s) {clash}; rename them",
                         table=table)
    ctx.panel = ctx.panel.with_columns(derived)


def _enough_units(ctx, n: int, table: str, key: str, n_vars: int) -> None:
    if n < n_vars:
        raise StudyError(f"{ctx.source}: [{table}] {key}: DEA needs at least as many units as inputs + outputs "
                         f"({n_vars}), the data have {n}; every unit would be efficient", table=table, key=key)


def compute_dea(ctx) -> DEAStep:
    from ..dea import dea

    d = ctx.spec["dea"]
    frame = _long(ctx, d["inputs"], "dea", "inputs")
    frame = frame.join(_long(ctx, d["outputs"], "dea", "outputs")[d["outputs"]])
    unit, time = ctx.panel.unit, ctx.panel.time
    pooled = d["frontier"] == "pooled"
    _enough_units(ctx, ctx.panel.N * (ctx.panel.T if pooled else 1), "dea", "inputs",
                  len(d["inputs"]) + len(d["outputs"]))
    indexed = frame.set_index([time, unit])
    # a yearly frontier compares the units of one year (labelled by unit); a pooled one all (time, unit) pairs
    blocks = {"pooled": indexed} if pooled else {t: indexed.xs(t, level=time) for t in ctx.panel.times}
    results, rows = {}, []
    for key, block in blocks.items():
        with warnings.catch_warnings(record=True) as caught:   # say which year a warning is about
            warnings.simplefilter("always")
            res = dea(block[d["inputs"]], block[d["outputs"]], model=d["model"], orientation=d["orientation"],
                      slacks=d["slacks"], super_efficiency=d["super_efficiency"])
        for w in caught:
            warnings.warn(f"[dea] {time} {key}: {w.message}" if not pooled else f"[dea] {w.message}", w.category,
                          stacklevel=2)
        results[key] = res
        cols = {"efficiency": res.efficiency, "efficient": res.efficient, "ccr": res.ccr, "bcc": res.bcc,
                "scale_efficiency": res.scale_efficiency, "rts": res.rts}
        if res.super_efficiency is not None:
            cols["super_efficiency"] = res.super_efficiency
        rows.append(pd.DataFrame(cols) if pooled else pd.concat({key: pd.DataFrame(cols)}))
    scores = pd.concat(rows).rename_axis([time, unit])
    grouped = scores.groupby(level=time)
    summary = pd.DataFrame({"efficiency": grouped["efficiency"].mean(), "n_efficient": grouped["efficient"].sum(),
                            "pct_efficient": 100 * grouped["efficient"].mean(), "ccr": grouped["ccr"].mean(),
                            "bcc": grouped["bcc"].mean(), "scale_efficiency": grouped["scale_efficiency"].mean()})
    summary["n_efficient"] = summary["n_efficient"].astype(int)
    added = {"dea_efficiency": scores["efficiency"]}
    if "super_efficiency" in scores:
        summary["super_efficiency"] = grouped["super_efficiency"].mean()
        added["dea_super_efficiency"] = scores["super_efficiency"]
    _add_columns(ctx, pd.DataFrame(added), "dea")
    group = _group_of(ctx, "dea")
    means = _means(ctx, scores["efficiency"].rename("dea_efficiency").reset_index(), "dea_efficiency", group)
    return DEAStep(results=results, scores=scores, summary=summary, means=means, group=group)


def _hd_weights(ctx) -> tuple[pd.Series, str]:
    m = ctx.spec["mismatch"]
    w = m["weights"]
    if isinstance(w, dict):
        return pd.Series(w, dtype=float).reindex(m["resources"]), "given"
    if w == "equal":
        return pd.Series(1.0 / len(m["resources"]), index=m["resources"]), "equal"
    raw = ctx.results["evaluation"].weights["weight"].reindex(m["resources"])
    if not raw.sum() > 0:
        raise StudyError(f"{ctx.source}: [mismatch] weights: the [evaluation] weights of {m['resources']} are all 0",
                         table="mismatch", key="weights")
    return raw / raw.sum(), "evaluation"


def _shares(codes: pd.Series, index, k: int) -> pd.DataFrame:
    """Percentage of units in each level code 1…k, per row of ``index`` (a Series or list of keys)."""
    counts = pd.crosstab(index, codes).reindex(columns=range(1, k + 1), fill_value=0)
    return 100 * counts.div(counts.sum(axis=1), axis=0)


def compute_mismatch(ctx) -> MismatchStep:
    from ..mismatch import classify_mismatch, mismatch

    m = ctx.spec["mismatch"]
    cols = m["resources"] + m["demand"] + m["outputs"]
    frame = _long(ctx, cols, "mismatch", "resources")
    _enough_units(ctx, ctx.panel.N, "mismatch", "resources", len(m["resources"]) + len(m["outputs"]))
    weights, source = _hd_weights(ctx)
    unit, time = ctx.panel.unit, ctx.panel.time
    result = mismatch(frame, resources=m["resources"], demand=m["demand"], outputs=m["outputs"],
                      weights=weights, unit=unit, time=time,
                      demand_bounds=tuple(m["demand_bounds"]) if m["demand_bounds"] else None,
                      thresholds=m["thresholds"], seed=m["seed"])
    out = result.frame
    k = len(result.thresholds) + 1
    derived = out.set_index([time, unit])[["HD", "level_code"]].rename(columns={"level_code": "HD_level"})
    _add_columns(ctx, derived, "mismatch")
    group = _group_of(ctx, "mismatch")
    region = out[unit].map(_unit_groups(ctx, group, "mismatch")) if group is not None else None
    shares = _shares(out["level_code"], out[time], k)
    if region is not None:
        by_region = _shares(out["level_code"], [region, out[time]], k)
        order = _group_order(region, group)
        by_region = by_region.reindex(pd.MultiIndex.from_product([order, list(ctx.panel.times)]))
    else:
        by_region = shares.iloc[:0]
    means = _means(ctx, out, "HD", group)
    codes = classify_mismatch(means.levels.stack(), thresholds=result.thresholds).code.unstack()
    codes = codes.reindex(columns=means.levels.columns)
    times = list(ctx.panel.times)
    years = m["map_years"] or sorted({times[0], times[len(times) // 2], times[-1]})
    absent = [y for y in years if y not in times]
    if absent:
        raise StudyError(f"{ctx.source}: [mismatch] map_years {absent} are not in the data", table="mismatch",
                         key="map_years")
    return MismatchStep(result=result, weights=weights, weights_source=source, kmeans=m["thresholds"] is None,
                        shares=shares, shares_by_region=by_region, means=means, mean_codes=codes,
                        map_years=tuple(years), group=group)


def compute_trends(ctx) -> TrendsStep:
    cols = ctx.spec["trends"]["columns"] or list(ctx.spec["indicators"].subsystems)
    frame = _long(ctx, cols, "trends", "columns")
    group = _group_of(ctx, "trends")
    return TrendsStep(means={c: _means(ctx, frame, c, group) for c in cols}, group=group)


def compute_regional_means(ctx) -> RegionalMeansStep:
    col = ctx.spec["regional_means"]["column"]
    frame = _long(ctx, [col], "regional_means", "column")
    group = _group_of(ctx, "regional_means")
    return RegionalMeansStep(means=_means(ctx, frame, col, group), column=col, group=group)


def compute_theil(ctx) -> TheilStep:
    from ..inequality import theil

    col = ctx.spec["theil"]["column"]
    frame = _long(ctx, [col], "theil", "column")
    group = _group_of(ctx, "theil")
    return TheilStep(result=theil(frame, col, group=group, unit=ctx.panel.unit, time=ctx.panel.time), column=col,
                     group=group)


def compute_convergence(ctx) -> ConvergenceStep:
    from ..convergence import beta_convergence, sigma_convergence

    c = ctx.spec["convergence"]
    col = c["column"]
    controls = list(c["controls"] or [])
    frame = _long(ctx, [col, *controls], "convergence", "column")
    group = _group_of(ctx, "convergence")
    unit, time = ctx.panel.unit, ctx.panel.time
    sigma, betas = None, {}
    try:
        if "sigma" in c["kind"]:
            sigma = sigma_convergence(frame, col, group=group, unit=unit, time=time, measure=c["measure"],
                                      alpha=c["alpha"])
        if "beta" in c["kind"]:
            spatial = c["method"] != "ols"
            for kind in c["beta"]:
                conditional = kind == "conditional"
                betas[kind] = beta_convergence(frame, col, controls=controls if conditional else (),
                                               effects=c["effects"] if conditional else "none", group=group,
                                               unit=unit, time=time, method=c["method"],
                                               w=ctx.graph if spatial else None, step=c["step"], alpha=c["alpha"])
    except ValueError as exc:   # SpatialCCDError included: name the table
        raise StudyError(f"{ctx.source}: [convergence] {exc}", table="convergence", key="column") from exc
    return ConvergenceStep(sigma=sigma, betas=betas, column=col, group=group)


# -- present ---------------------------------------------------------------------------------
def present_dea(r: DEAStep, run, opts):
    d = run.study.spec["dea"]
    wide = r.scores["efficiency"].unstack(opts.time).reindex(run.panel.units)
    return R.dea_section(r.summary, wide, r.means, model=d["model"], orientation=d["orientation"],
                         inputs=d["inputs"], outputs=d["outputs"], frontier=d["frontier"], slacks=d["slacks"],
                         opts=opts)


def present_mismatch(r: MismatchStep, run, opts):
    m = run.study.spec["mismatch"]
    k = len(r.result.thresholds) + 1
    maps = None
    if run.panel.is_province:
        from ..plots.maps import choropleth_by_year

        fig = choropleth_by_year(run.panel, "HD_level", unit=opts.unit, time=opts.time, years=list(r.map_years),
                                 scheme="user", bins=list(range(1, k + 1)), labels=R.level_labels(k, opts.lang),
                                 cmap="RdYlGn_r", legend_title=opts.m("col_level"), lang=opts.lang,
                                 ncols=2 if len(r.map_years) in (2, 4) else 3)
        maps = R.Figure.from_matplotlib(fig, name="mismatch_maps", title=opts.m(
            "f_mm_maps", years=", ".join(map(str, r.map_years))))
    return R.mismatch_section(r.result.frame, weights=r.weights, weights_source=r.weights_source,
                              thresholds=r.result.thresholds, kmeans=r.kmeans, shares=r.shares,
                              shares_by_region=r.shares_by_region, means=r.means, mean_codes=r.mean_codes,
                              group=r.group, resources=m["resources"], demand=m["demand"], outputs=m["outputs"],
                              maps=maps, opts=opts)


def present_trends(r: TrendsStep, run, opts):
    return R.trends_section(r.means, group=r.group, opts=opts)


def present_regional_means(r: RegionalMeansStep, run, opts):
    return R.regional_means_section(r.means, column=r.column, group=r.group, opts=opts)


def present_theil(r: TheilStep, run, opts):
    return R.theil_section(r.result, column=r.column, group=r.group, opts=opts)


def present_convergence(r: ConvergenceStep, run, opts):
    c = run.study.spec["convergence"]
    return R.convergence_section(r.sigma, r.betas, column=r.column, group=r.group, controls=c["controls"] or [],
                                 effects=c["effects"], opts=opts)


STEPS = {
    "dea": Step(compute_dea, present_dea),
    "mismatch": Step(compute_mismatch, present_mismatch, cost=2),
    "trends": Step(compute_trends, present_trends),
    "regional_means": Step(compute_regional_means, present_regional_means),
    "theil": Step(compute_theil, present_theil),
    "convergence": Step(compute_convergence, present_convergence),
}
