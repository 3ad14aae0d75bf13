"""Report sections of the seed analyses of efficiency, allocation and regional dynamics (issue 16): DEA
efficiency, the resource-allocation mismatch of seed 004, composite-index trends and regional means
(seed 003 Figure 1 and Table 4), the Theil index and σ/β-convergence.

Each function reads result objects only (nothing here solves a linear program or fits a regression)
and returns a :class:`~.html.Section`; every string comes from :mod:`spatialccd.messages`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..messages import label
from .figures import trend_chart
from .html import Figure, Section
from .sections import ReportOptions, _headers, _region, unit_labels
from .tables import Table

__all__ = ["dea_section", "mismatch_section", "trends_section", "regional_means_section", "theil_section",
           "convergence_section", "level_labels"]

_DEA_HEADERS = {"efficiency": "col_dea_eff", "n_efficient": "col_n_efficient", "pct_efficient": "col_pct_efficient",
                "ccr": "col_ccr", "bcc": "col_bcc", "scale_efficiency": "col_scale_eff",
                "super_efficiency": "col_super_eff"}
_THEIL_HEADERS = {"T": "col_theil_t", "T_within": "col_theil_t_within", "T_between": "col_theil_t_between",
                  "T_within_pct": "col_theil_t_within_pct", "L": "col_theil_l", "L_within": "col_theil_l_within",
                  "L_between": "col_theil_l_between", "L_within_pct": "col_theil_l_within_pct"}
_SIGMA_HEADERS = {"slope": "col_slope", "se": "col_se", "t": "col_tstat", "p": "col_pvalue",
                  "converging": "col_converging"}
_BETA_HEADERS = {"beta": "col_beta", "se": "col_se", "t": "col_tstat", "p": "col_pvalue", "speed": "col_speed",
                 "half_life": "col_half_life", "r2": "col_r2", "n_obs": "col_n_obs", "n_units": "col_n_units",
                 "rho": "col_rho", "converging": "col_converging"}
_GROWTH_HEADERS = {"first": "col_first", "last": "col_last", "mean": "col_period_mean",
                   "total_growth_pct": "col_total_growth", "annual_growth_pct": "col_annual_growth"}


def _group_text(group, opts: ReportOptions) -> str:
    return label("grp_", "mapping" if isinstance(group, Mapping) else group, opts.lang)


def _regions(frame: pd.DataFrame, opts: ReportOptions) -> pd.DataFrame:
    """Columns Nation / East / … in the report's language (other group labels kept)."""
    return frame.rename(columns=lambda c: _region(c, opts))


def _years(frame: pd.DataFrame, opts: ReportOptions) -> pd.DataFrame:
    """A frame indexed by time with the index shown as text, named Year."""
    out = frame.copy()
    out.index = [str(t) for t in out.index]
    out.index.name = opts.m("year")
    return out


def _trend_figure(levels: pd.DataFrame, *, name: str, title: str, ylabel: str, opts: ReportOptions) -> Figure:
    return Figure.from_matplotlib(trend_chart(_regions(levels, opts), ylabel=ylabel, lang=opts.lang), name=name,
                                  title=title)


def _yes_no(values: pd.Series, opts: ReportOptions) -> pd.Series:
    return values.map(lambda v: opts.m("yes") if bool(v) else opts.m("no"))


# -- DEA -----------------------------------------------------------------------------------------
def dea_section(summary: pd.DataFrame, efficiency: pd.DataFrame, means, *, model: str, orientation: str,
                inputs: Sequence[str], outputs: Sequence[str], frontier: str, slacks: bool,
                opts: ReportOptions) -> Section:
    """DEA efficiency: the per-period summary (``summary``: index time, columns efficiency, n_efficient,
    pct_efficient, ccr, bcc, scale_efficiency [, super_efficiency]), the unit × period efficiency
    (``efficiency``: index unit, columns times) and the regional mean trend (``means``: RegionalMeans)."""
    t1 = Table.from_frame(_years(_headers(summary, opts, _DEA_HEADERS), opts), name="dea_summary", digits=opts.digits,
                          title=opts.m("t_dea_summary", model=opts.m(f"dea_{model}")),
                          sheet=opts.m("sheet_dea_summary"),
                          notes=(opts.m("n_dea_efficient"),))
    wide = efficiency.copy()
    wide.index = unit_labels(wide.index, opts.names)
    wide.index.name = opts.m("col_province") if opts.unit == "province" else opts.unit
    wide.columns = [str(c) for c in wide.columns]
    t2 = Table.from_frame(wide, name="dea_efficiency", digits=opts.digits, title=opts.m("t_dea_efficiency"),
                          sheet=opts.m("sheet_dea_efficiency"))
    fig = _trend_figure(means.levels, name="dea_trend", title=opts.m("f_dea_trend"), ylabel=opts.m("col_dea_eff"),
                        opts=opts)
    text = opts.m("p_dea", model=opts.m(f"dea_{model}"), orientation=opts.m(f"dea_{orientation}"),
                  inputs=", ".join(inputs), outputs=", ".join(outputs), frontier=opts.m(f"dea_frontier_{frontier}"),
                  slacks=opts.m("dea_slacks" if slacks else "dea_radial"))
    return Section(id="dea", title=opts.m("s_dea"), tables=(t1, t2), figures=(fig,), paragraphs=(text,))


# -- mismatch ------------------------------------------------------------------------------------
def level_labels(k: int, lang: str) -> list[str]:
    """Names of k mismatch levels, best matching first: seed 004's five names, else "level i"."""
    from ..mismatch import MISMATCH_LEVELS

    if k == len(MISMATCH_LEVELS):
        return [zh if lang == "zh" else en for en, zh in MISMATCH_LEVELS]
    from ..messages import message

    return [message("mm_level_k", lang, k=i + 1) for i in range(k)]


def _intervals(thresholds: Sequence[float], names: Sequence[str], opts: ReportOptions) -> Table:
    cuts = [0.0, *thresholds]
    rows = [(i + 1, names[i], f"[{lo:.3f}, {hi:.3f})" if hi is not None else f"≥ {lo:.3f}")
            for i, (lo, hi) in enumerate(zip(cuts, [*thresholds, None]))]
    frame = pd.DataFrame(rows, columns=[opts.m("col_level_code"), opts.m("col_level"), opts.m("col_interval")])
    return Table.from_frame(frame.set_index(opts.m("col_level_code")), name="mismatch_levels",
                            title=opts.m("t_mm_levels"), sheet=opts.m("sheet_mm_levels"))


def mismatch_section(frame: pd.DataFrame, *, weights: pd.Series, weights_source: str, thresholds: Sequence[float],
                     kmeans: bool, shares: pd.DataFrame, shares_by_region: pd.DataFrame, means,
                     mean_codes: pd.DataFrame,
                     group, resources: Sequence[str], demand: Sequence[str], outputs: Sequence[str],
                     maps: Figure | None, opts: ReportOptions) -> Section:
    """Seed 004's tables from a :class:`~spatialccd.mismatch.MismatchResult` frame (unit, time, HD, level_code …):
    the resource weights, the level intervals, HD by unit and year, the national and regional means with
    the level of each mean (``mean_codes``: index time, columns Nation + groups), the level shares (%) by
    year (``shares``: index time, columns level codes) and by group (``shares_by_region``: index (group,
    time)), and the level maps."""
    unit, time = opts.unit, opts.time
    k = len(thresholds) + 1
    names = level_labels(k, opts.lang)
    w = pd.DataFrame({"weight": weights}).rename_axis("indicator")
    t_w = Table.from_frame(_headers(w, opts, {"weight": "col_weight", "indicator": "col_indicator"}),
                           name="mismatch_weights", digits=4, title=opts.m("t_mm_weights"),
                           sheet=opts.m("sheet_mm_weights"), notes=(opts.m(f"mm_weights_{weights_source}"),))
    hd = frame.pivot(index=unit, columns=time, values="HD")
    code = frame.pivot(index=unit, columns=time, values="level_code")
    first, last = hd.columns[0], hd.columns[-1]
    wide = hd.copy()
    wide.columns = [str(c) for c in wide.columns]
    for year in (first, last):
        wide[opts.m("level_in", year=year)] = [names[int(c) - 1] for c in code[year]]
    wide.index = unit_labels(wide.index, opts.names)
    wide.index.name = opts.m("col_province") if unit == "province" else unit
    t_hd = Table.from_frame(wide, name="health_distance", digits=opts.digits, title=opts.m("t_mm_hd"),
                            sheet=opts.m("sheet_mm_hd"))
    levels = _regions(means.levels, opts)
    mean_names = _regions(mean_codes, opts).map(lambda c: names[int(c) - 1])
    blocks = {opts.m("col_mean_hd"): _years(levels, opts).astype(object),
              opts.m("col_level_of_mean"): _years(mean_names, opts)}
    t_mean = Table.from_frame(pd.concat(blocks), name="mismatch_means", digits=opts.digits,
                              title=opts.m("t_mm_means", group=_group_text(group, opts)),
                              sheet=opts.m("sheet_mm_means"))
    share = _years(shares.set_axis(names, axis=1), opts)
    t_share = Table.from_frame(share, name="mismatch_shares", digits=1, title=opts.m("t_mm_shares"),
                               sheet=opts.m("sheet_mm_shares"))
    by = shares_by_region.set_axis(names, axis=1)
    by.index = pd.MultiIndex.from_tuples([(_region(g, opts), str(t)) for g, t in by.index])
    t_by = Table.from_frame(by, name="mismatch_shares_region", digits=1,
                            title=opts.m("t_mm_shares_region", group=_group_text(group, opts)),
                            sheet=opts.m("sheet_mm_shares_region"))
    figures = [_trend_figure(means.levels, name="mismatch_trend", title=opts.m("f_mm_trend"),
                             ylabel=opts.m("col_mean_hd"), opts=opts)]
    if maps is not None:
        figures.append(maps)
    how = opts.m("mm_kmeans") if kmeans else opts.m("mm_thresholds")
    paras = (opts.m("p_mismatch", resources=", ".join(resources), demand=", ".join(demand),
                    outputs=", ".join(outputs)), opts.m("p_mm_levels", k=k, how=how))
    return Section(id="mismatch", title=opts.m("s_mismatch"), paragraphs=paras, figures=tuple(figures),
                   tables=(t_w, _intervals(thresholds, names, opts), t_hd, t_mean, t_share, t_by))


# -- composite-index trends and regional means ---------------------------------------------------
def trends_section(means: Mapping[str, object], *, group, opts: ReportOptions) -> Section:
    """National and regional means by year of several columns (seed 003 Figure 1: the subsystem
    scores): one figure per column and one table with a block per column."""
    blocks = {col: _years(_regions(m.levels, opts), opts) for col, m in means.items()}
    table = Table.from_frame(pd.concat(blocks), name="trends", digits=opts.digits,
                             title=opts.m("t_trends", group=_group_text(group, opts)), sheet=opts.m("sheet_trends"))
    figures = tuple(_trend_figure(m.levels, name=f"trend_{i + 1}", title=opts.m("f_trend", column=col),
                                  ylabel=col, opts=opts) for i, (col, m) in enumerate(means.items()))
    return Section(id="trends", title=opts.m("s_trends"), tables=(table,), figures=figures,
                   paragraphs=(opts.m("p_trends", columns=", ".join(means), group=_group_text(group, opts)),))


def regional_means_section(means, *, column: str, group, opts: ReportOptions) -> Section:
    """Seed 003 Table 4: the mean of ``column`` by year for the nation and each group, closed by the mean
    over the years (均值); and the growth summary of :class:`~spatialccd.RegionalMeans`."""
    levels = _years(_regions(means.levels, opts), opts)
    levels.loc[opts.m("col_period_mean")] = _regions(means.levels, opts).mean()
    t1 = Table.from_frame(levels, name="regional_means", digits=opts.digits,
                          title=opts.m("t_rm", column=column, group=_group_text(group, opts)), sheet=opts.m("sheet_rm"))
    summary = means.overall.copy()
    summary.index = [_region(r, opts) for r in summary.index]
    summary.index.name = opts.m("col_region")
    t2 = Table.from_frame(_headers(summary, opts, _GROWTH_HEADERS), name="regional_growth", digits=opts.digits,
                          title=opts.m("t_rm_growth", column=column), sheet=opts.m("sheet_rm_growth"),
                          notes=(opts.m("n_rm_growth"),))
    return Section(id="regional_means", title=opts.m("s_rm", column=column), tables=(t1, t2),
                   paragraphs=(opts.m("p_rm", column=column, group=_group_text(group, opts)),))


# -- Theil ---------------------------------------------------------------------------------------
def theil_section(result, *, column: str, group, opts: ReportOptions) -> Section:
    """Theil T and L by year with their within/between-group parts (:class:`~spatialccd.TheilResult`)."""
    frame = _years(_headers(result.components, opts, _THEIL_HEADERS), opts)
    table = Table.from_frame(frame, name="theil", digits=opts.digits,
                             title=opts.m("t_theil", column=column, group=_group_text(group, opts)),
                             sheet=opts.m("sheet_theil"))
    parts = result.components[["T", "T_within", "T_between"]].rename(columns=lambda c: opts.m(_THEIL_HEADERS[c]))
    fig = Figure.from_matplotlib(trend_chart(parts, ylabel=opts.m("col_theil_t"), lang=opts.lang), name="theil_trend",
                                 title=opts.m("f_theil", column=column))
    return Section(id="theil", title=opts.m("s_theil"), tables=(table,), figures=(fig,),
                   paragraphs=(opts.m("p_theil", column=column, group=_group_text(group, opts)),))


# -- convergence ---------------------------------------------------------------------------------
def convergence_section(sigma, betas: Mapping[str, object], *, column: str, group, controls: Sequence[str],
                        effects: str, opts: ReportOptions) -> Section:
    """σ-convergence (:class:`~spatialccd.convergence.SigmaConvergence`: the dispersion by year and its
    trend) and β-convergence (``betas``: "absolute"/"conditional" →
    :class:`~spatialccd.convergence.BetaConvergence`; ``controls`` and ``effects`` of the conditional one)."""
    tables, figures, paras = [], [], []
    if sigma is not None:
        measure = opts.m(f"cv_measure_{sigma.measure}")
        tables.append(Table.from_frame(_years(_regions(sigma.series, opts), opts), name="sigma_convergence",
                                       digits=4, title=opts.m("t_sigma", column=column, measure=measure),
                                       sheet=opts.m("sheet_sigma")))
        trend = sigma.trend.assign(converging=_yes_no(sigma.trend["converging"], opts))
        trend.index = [_region(r, opts) for r in trend.index]
        trend.index.name = opts.m("col_region")
        tables.append(Table.from_frame(_headers(trend, opts, _SIGMA_HEADERS), name="sigma_trend", digits=4,
                                       title=opts.m("t_sigma_trend", measure=measure),
                                       sheet=opts.m("sheet_sigma_trend")))
        figures.append(_trend_figure(sigma.series, name="sigma_convergence", ylabel=measure,
                                     title=opts.m("f_sigma", column=column, measure=measure), opts=opts))
        paras.append(opts.m("p_sigma", column=column, measure=measure))
    if betas:
        blocks = {}
        for kind, res in betas.items():
            cols = [c for c in _BETA_HEADERS if c in res.table.columns]
            block = res.table[cols].assign(converging=_yes_no(res.table["converging"], opts))
            block.index = [_region(r, opts) for r in block.index]
            blocks[opts.m(f"cv_{kind}")] = _headers(block, opts, _BETA_HEADERS)
        first = next(iter(betas.values()))
        tables.append(Table.from_frame(pd.concat(blocks), name="beta_convergence", digits=4,
                                       title=opts.m("t_beta", column=column), sheet=opts.m("sheet_beta"),
                                       notes=(opts.m("n_beta", step=f"{first.step:g}"),)))
        paras.append(opts.m("p_beta", column=column, method=opts.m(f"cv_method_{first.method}")))
        if "conditional" in betas:
            paras.append(opts.m("p_beta_conditional", controls=", ".join(controls) or opts.m("cv_no_controls"),
                                effects=opts.m(f"fe_{effects}")))
    return Section(id="convergence", title=opts.m("s_convergence"), tables=tuple(tables), figures=tuple(figures),
                   paragraphs=(*paras, opts.m("p_cv_group", group=_group_text(group, opts)) if group is not None
                               else opts.m("p_cv_nation")))

