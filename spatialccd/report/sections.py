"""Report sections built from result objects: one function per analysis → :class:`~.html.Section`.

Each function reads a result object (and the settings it was computed with)
and returns a Section with its tables, prose and figures; nothing here runs an
estimator or a permutation test.  Strings come from :mod:`.messages` in the
report's language.  The study (:mod:`spatialccd.study`) calls these in order.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ..geo import province_table
from .figures import trend_chart
from .html import Figure, Section
from ..messages import label, message
from .recommendation import recommendation
from .tables import Table, ccd_table, moran_table, regression_table

__all__ = ["ReportOptions", "data_section", "evaluation_section", "coordination_section", "obstacle_section",
           "weights_section", "moran_section", "lisa_section", "dagum_section", "kde_section", "tests_section",
           "sdm_section", "unit_labels"]


@dataclass(frozen=True)
class ReportOptions:
    """How sections are written: ``lang`` ("en"/"zh"), province labels ``names`` ("en", "zh", "code"),
    ``digits`` of numbers in tables, and the unit and time column names."""

    lang: str = "en"
    names: str = "en"
    digits: int = 3
    unit: str = "province"
    time: str = "year"

    def m(self, key: str, **fields) -> str:
        return message(key, self.lang, **fields)


def unit_labels(codes: Sequence, names: str) -> list[str]:
    """Province codes as English names, short Chinese names or codes; other labels unchanged."""
    table = province_table()
    column = {"en": "name_en", "zh": "short_zh"}.get(names)
    return [table.at[c, column] if column and c in table.index else str(c) for c in codes]


def _figure(fig, *, name: str, title: str) -> Figure:
    return Figure.from_matplotlib(fig, name=name, title=title)


def _headers(frame: pd.DataFrame, opts: ReportOptions, keys: Mapping[str, str]) -> pd.DataFrame:
    """Column and index names translated through the message catalogue (``keys``: name → message key)."""
    out = frame.rename(columns={c: opts.m(k) for c, k in keys.items() if c in frame.columns})
    names = [opts.m(keys[n]) if n in keys else n for n in out.index.names]
    return out.rename_axis(names)


_DESCRIPTIVE = {"count": "col_count", "mean": "col_mean", "std": "col_std", "min": "col_min", "max": "col_max",
                "subsystem": "col_subsystem", "criterion": "col_criterion", "direction": "col_direction",
                "unit": "col_unit", "weight": "col_weight", "variable": "col_variable", "indicator": "col_indicator",
                "year": "year", "mean D": "col_mean_d", "grade": "col_grade", "rank": "col_rank",
                "obstacle (%)": "col_obstacle", "Mean": "col_period_mean", "cluster": "col_cluster",
                "parameter": "col_parameter", "true": "col_true", "estimate": "col_estimate", "se": "col_se",
                "covered": "col_covered", "group": "col_group", "test": "col_test", "H0": "col_h0",
                "statistic": "col_statistic", "df": "col_df", "p-value": "col_pvalue", "province": "col_province"}


def _region(name, opts: ReportOptions) -> str:
    return label("region_", name, opts.lang)


def data_section(frame: pd.DataFrame, *, n: int, t: int, times: Sequence, origin: str, simulated_note: str | None,
                 system: pd.DataFrame | None, opts: ReportOptions, prepared=None,
                 units: Mapping[str, str] | None = None) -> Section:
    """Descriptive statistics of the analysed panel (``frame`` indexed by (time, unit)), and — from a
    :class:`~spatialccd.io.PreparedData` — the derived variables, every change made to the data (units
    or years excluded, cells filled or dropped) and the data-quality screen's findings."""
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    desc = frame[numeric].describe().T[["count", "mean", "std", "min", "max"]]
    desc["count"] = desc["count"].astype(int)
    if system is not None:
        desc = desc.join(system[["subsystem", "direction", "unit"]], how="left")
        desc["direction"] = desc["direction"].map({1: "+", -1: "−"})
    if units:   # units of measurement read from the exports (e.g. 亿元) fill the gaps
        known = desc["unit"] if "unit" in desc else pd.Series(index=desc.index, dtype=object)
        desc["unit"] = known.fillna(pd.Series(units)).reindex(desc.index)
    desc.index.name = "variable"
    tables = [Table.from_frame(_headers(desc, opts, _DESCRIPTIVE), name="descriptives", title=opts.m("t_descriptives"),
                               digits=opts.digits, sheet=opts.m("sheet_descriptives"))]
    paras = [opts.m("p_data", origin=origin, n=n, t=t, first=times[0], last=times[-1], nt=n * t)]
    if simulated_note:
        paras.append(simulated_note)
    if prepared is not None:
        tables += _preparation_tables(prepared, opts)
        paras.append(opts.m("p_changes", n=len(prepared.changes)) if not prepared.changes.empty
                     else opts.m("p_no_changes"))
        if prepared.quality is not None:
            paras.append(opts.m("p_quality_ok") if prepared.quality.ok else
                         opts.m("p_quality", n=len(prepared.quality.flags)))
    return Section(id="data", title=opts.m("s_data"), paragraphs=tuple(paras), tables=tuple(tables))


def _preparation_tables(prepared, opts: ReportOptions) -> list[Table]:
    out = []
    if prepared.derived:
        derived = pd.DataFrame({"expression": dict(prepared.derived)}).rename_axis("variable")
        out.append(Table.from_frame(_headers(derived, opts, {**_DESCRIPTIVE, "expression": "col_expression"}),
                                    name="derived", title=opts.m("t_derived"), sheet=opts.m("sheet_derived")))
    if not prepared.changes.empty:
        changes = prepared.changes.copy()
        changes["action"] = [label("chg_", a, opts.lang) for a in changes["action"]]
        if opts.lang != "en":
            changes = changes.drop(columns=["detail"], errors="ignore")
        changes = _headers(changes, opts, {**_DESCRIPTIVE, "action": "col_action", "value": "col_value",
                                           "column": "col_variable", "detail": "col_detail",
                                           opts.unit: "col_unit_label", opts.time: "year"})
        out.append(Table.from_frame(changes.set_index(changes.columns[0]), name="data_changes",
                                    title=opts.m("t_changes"), digits=opts.digits, sheet=opts.m("sheet_changes")))
    if prepared.quality is not None and not prepared.quality.ok:
        flags = prepared.quality.to_frame()
        flags["check"] = [label("qc_", c, opts.lang) for c in flags["check"]]
        if opts.lang != "en":
            flags = flags.drop(columns=["message"], errors="ignore")
        flags = _headers(flags, opts, {**_DESCRIPTIVE, "check": "col_check", "column": "col_variable",
                                       "unit": "col_unit_label", "time": "year", "value": "col_value",
                                       "message": "col_detail"})
        out.append(Table.from_frame(flags.set_index(flags.columns[0]), name="data_quality", title=opts.m("t_quality"),
                                    digits=opts.digits, sheet=opts.m("sheet_quality")))
    return out


def evaluation_section(evaluation, *, standardise: str, weighting: str, opts: ReportOptions) -> Section:
    """Indicator weights and the national mean subsystem scores of an :class:`~spatialccd.Evaluation`."""
    weights = evaluation.weights.copy()
    weights["direction"] = weights["direction"].map({1: "+", -1: "−"})
    if weights["criterion"].isna().all():
        weights = weights.drop(columns="criterion")
    t1 = Table.from_frame(_headers(weights, opts, _DESCRIPTIVE), name="weights", digits=4,
                          title=opts.m("t_weights", weighting=label("opt_", weighting, opts.lang)),
                          sheet=opts.m("sheet_weights"))
    scores = evaluation.scores.groupby(level=0).mean()
    t2 = Table.from_frame(_headers(scores, opts, _DESCRIPTIVE), name="scores", digits=4, title=opts.m("t_scores"),
                          sheet=opts.m("sheet_scores"))
    pooled = opts.m("per_year" if evaluation.per_year else "pooled")
    return Section(id="evaluation", title=opts.m("s_evaluation"), tables=(t1, t2),
                   paragraphs=(opts.m("p_evaluation", standardise=label("opt_", standardise, opts.lang),
                                      weighting=label("opt_", weighting, opts.lang), pooled=pooled),))


def coordination_section(table: pd.DataFrame, national: pd.DataFrame, means, *, scheme, method: str,
                         subsystems: Sequence[str], grade_maps: Figure | None, opts: ReportOptions) -> Section:
    """C, T, D by unit and year (``table``, long), the national mean and grade (``national``), the
    regional mean trend (``means``: :class:`~spatialccd.RegionalMeans`) and optional grade maps."""
    zh = opts.lang == "zh" and "grade_zh" in table
    grade_col = "grade_zh" if zh else "grade"
    provinces = table[opts.unit].isin(province_table().index).all()
    national = national.drop(columns=[c for c in ("grade", "grade_zh") if c != grade_col and c in national])
    national = _headers(national.rename(columns={grade_col: "grade"}), opts, _DESCRIPTIVE)
    tables = [Table.from_frame(national, name="ccd_national", digits=opts.digits, title=opts.m("t_ccd_national"),
                               sheet=opts.m("sheet_ccd_national"))]
    if provinces:
        tables.append(ccd_table(table, value="D", grade=grade_col, unit=opts.unit, time=opts.time,
                                names=opts.names, digits=opts.digits, lang=opts.lang,
                                title=opts.m("t_ccd")).with_(sheet=opts.m("sheet_ccd")))
    else:
        wide = table.pivot(index=opts.unit, columns=opts.time, values="D")
        wide.columns = [str(c) for c in wide.columns]
        tables.append(Table.from_frame(wide, name="ccd", digits=opts.digits, title=opts.m("t_ccd_units"),
                                       sheet=opts.m("sheet_ccd")))
    levels = means.levels.rename(columns=lambda c: _region(c, opts))
    figures = [_figure(trend_chart(levels, ylabel=opts.m("mean_d"), lang=opts.lang, xlabel=opts.m("year")),
                       name="ccd_trend",
                       title=opts.m("f_ccd_trend"))]
    if grade_maps is not None:
        figures.append(grade_maps)
    levels = opts.m("scheme_levels", k=len(scheme.labels))
    return Section(id="coordination", title=opts.m("s_coordination"), tables=tuple(tables), figures=tuple(figures),
                   paragraphs=(opts.m("p_coordination", subsystems=", ".join(subsystems),
                                      method=label("opt_", method, opts.lang), levels=levels),))


def obstacle_section(by_year: pd.DataFrame, top: pd.DataFrame, *, level: str, n_top: int,
                     opts: ReportOptions) -> Section:
    """Obstacle degrees (%) by year and the top indicators per subsystem."""
    frame = by_year.T
    frame.columns = [str(c) for c in frame.columns]
    frame["Mean"] = by_year.mean()
    frame.index.name = level
    shown = opts.m(f"level_{level}")
    axis = shown if frame.index.nlevels == 1 else [opts.m("col_subsystem"), shown]   # criteria: (subsystem, criterion)
    t1 = Table.from_frame(_headers(frame, opts, _DESCRIPTIVE).rename_axis(axis), name="obstacle", digits=2,
                          title=opts.m("t_obstacle", level=shown), sheet=opts.m("sheet_obstacle"))
    t2 = Table.from_frame(_headers(top, opts, _DESCRIPTIVE), name="obstacle_top", digits=2,
                          title=opts.m("t_obstacle_top", top=n_top), sheet=opts.m("sheet_obstacle_top"))
    return Section(id="obstacle", title=opts.m("s_obstacle"), tables=(t1, t2), paragraphs=(opts.m("p_obstacle"),))


def weights_section(cardinalities: pd.Series, *, description: str, opts: ReportOptions) -> Section:
    """Neighbour counts of the spatial weights used."""
    card = cardinalities
    return Section(id="weights", title=opts.m("s_weights"),
                   paragraphs=(opts.m("p_weights", desc=description, n=len(card), min=int(card.min()),
                                      mean=f"{card.mean():.2f}", max=int(card.max())),))


def moran_section(moran: pd.DataFrame, *, column: str, permutations: int, seed: int, scatter: Figure | None,
                  opts: ReportOptions) -> Section:
    """Global Moran's I by year (the frame of :func:`spatialccd.moran_by_year`), its trend and a Moran scatter."""
    from ..plots.charts import moran_trend

    table = moran_table(moran, title=opts.m("t_moran", column=column), lang=opts.lang).with_(
        sheet=opts.m("sheet_moran"))
    trend = _figure(moran_trend(moran, lang=opts.lang), name="moran_trend", title=opts.m("f_moran_trend",
                                                                                          column=column))
    return Section(id="moran", title=opts.m("s_moran"), tables=(table,),
                   figures=(trend,) + ((scatter,) if scatter is not None else ()),
                   paragraphs=(opts.m("p_moran", column=column, permutations=permutations, seed=seed),))


def lisa_section(lisa: pd.DataFrame, *, column: str, permutations: int, seed: int, alpha: float, adjust,
                 maps: Figure | None, opts: ReportOptions) -> Section:
    """LISA cluster counts and clusters by unit and year (the frame of :func:`spatialccd.lisa_by_year`)."""
    def cluster(c) -> str:
        return label("lisa_", c, opts.lang)

    clusters = lisa["cluster"].astype(str).map(cluster).unstack(opts.time)
    clusters.index = unit_labels(clusters.index, opts.names)
    clusters.columns = [str(c) for c in clusters.columns]
    counts = lisa["cluster"].groupby(level=0, observed=False).value_counts().unstack(0)
    counts.columns = [str(c) for c in counts.columns]
    counts.index = [cluster(c) for c in counts.index]
    counts.index.name = opts.m("col_cluster")
    unit_word = opts.m("col_province") if opts.unit == "province" else opts.unit
    t1 = Table.from_frame(clusters.rename_axis(unit_word), name="lisa_clusters", title=opts.m("t_lisa", column=column),
                          sheet=opts.m("sheet_lisa_clusters"))
    t2 = Table.from_frame(counts, name="lisa_counts", title=opts.m("t_lisa_counts"), sheet=opts.m("sheet_lisa_counts"))
    how = opts.m("no_adjust") if adjust is None else opts.m("adjust", method=adjust)
    return Section(id="lisa", title=opts.m("s_lisa"), tables=(t2, t1), figures=(maps,) if maps is not None else (),
                   paragraphs=(opts.m("p_lisa", column=column, permutations=permutations, seed=seed, alpha=alpha,
                                      adjust=how),))


def dagum_section(result, *, column: str, group: str, opts: ReportOptions) -> Section:
    """The Dagum Gini table of a :class:`~spatialccd.DagumResult` (with bootstrap intervals when it has them;
    with one group the overall and within-group Gini only, and a note that it is no decomposition)."""
    frame = result.table(lang=opts.lang, decimals=None, intervals=result.ci is not None)
    notes = tuple(frame.attrs.get("notes", ()))
    frame.columns = [str(c) for c in frame.columns]
    from ..plots.inequality import dagum_trends

    group = label("grp_", group, opts.lang)
    title = opts.m("t_dagum" if result.decomposed else "t_gini_one_group", column=column, group=group)
    table = Table.from_frame(frame, name="dagum", digits=opts.digits, title=title, notes=notes,
                             sheet=opts.m("sheet_dagum"))
    fig = _figure(dagum_trends(result, lang=opts.lang), name="dagum_trends", title=opts.m("f_dagum", column=column))
    return Section(id="dagum", title=opts.m("s_dagum"), tables=(table,), figures=(fig,),
                   paragraphs=(opts.m("p_dagum" if result.decomposed else "p_gini_one_group", column=column,
                                      group=group),))


def kde_section(result, *, figure: Figure, group: str, opts: ReportOptions) -> Section:
    """Peaks and tails by region of a :class:`~spatialccd.KDEResult`, with its figure."""
    measures = {"peak_x": opts.m("peak_x"), "n_peaks": opts.m("n_peaks"), "right_tail": opts.m("right_tail")}
    blocks = {name: result.shapes.pivot(index=result.time, columns="region", values=key)
              .reindex(columns=list(result.regions)).astype(object)  # keep peak counts integers
              for key, name in measures.items()}
    frame = pd.concat(blocks)
    frame.columns = [_region(c, opts) for c in frame.columns]
    table = Table.from_frame(frame, name="kde_summary", digits=opts.digits,
                             title=opts.m("t_kde", column=result.column), sheet=opts.m("sheet_kde"))
    return Section(id="kde", title=opts.m("s_kde"), tables=(table,), figures=(figure,),
                   paragraphs=(opts.m("p_kde", column=result.column, group=label("grp_", group, opts.lang)),))


def _effect_label(parameter: str, opts: ReportOptions) -> str:
    kind, sep, name = parameter.partition(": ")
    return f"{opts.m('effect_' + kind)}: {name}" if sep and kind in ("direct", "indirect", "total") else parameter


def _spec_note(res, w_description: str, opts: ReportOptions) -> str:
    return opts.m("model_spec", kind=res.kind.upper(), effects=opts.m(f"fe_{res.effects}"),
                  bias=res.bias_correction or opts.m("bias_none"), convention=label("opt_", res.lag_convention, opts.lang),
                  w=w_description)


_GROUP_KEYS = {"LM (pooled)": "g_lm_none", "LM (unit FE)": "g_lm_individual", "LM (time FE)": "g_lm_time",
               "LM (two-way FE)": "g_lm_twoways", "SDM vs SAR": "g_sar", "SDM vs SEM": "g_sem",
               "Fixed effects": "g_fe", "FE vs RE": "g_re"}
_NULL_KEYS = {"unit fixed effects jointly zero": "h0_unit_fe", "time fixed effects jointly zero": "h0_time_fe",
              "random effects consistent (FE = RE)": "h0_hausman"}


def _test_note(group: str, test, opts: ReportOptions) -> str:
    """A test's note in the report's language (the Hausman positive-part note, nesting notes)."""
    found = re.search(r"\((\d+) non-positive eigenvalue.*df = (\d+)", test.note)
    if found:
        text = opts.m("n_hausman_pd", k=found.group(1), df=found.group(2))
    elif "not nested" in test.note:
        text = opts.m("n_not_nested")
    elif not test.valid:
        text = opts.m("n_invalid_test")
    else:
        text = test.note if opts.lang == "en" else opts.m("n_see_log")
    shown = opts.m(_GROUP_KEYS[group]) if group in _GROUP_KEYS else group
    return f"{shown}, {label('test_', test.name, opts.lang)}: {text}"


def tests_section(chain, comparison: Mapping[str, object], *, w_description: str, opts: ReportOptions) -> Section:
    """The specification-test chain and the SAR/SEM/SDM comparison (the study's chosen specification)."""
    table = chain.publication_table().reset_index()
    table["group"] = [opts.m(_GROUP_KEYS[g]) if g in _GROUP_KEYS else g for g in table["group"]]
    table["test"] = [label("test_", t, opts.lang) for t in table["test"]]
    table["H0"] = [opts.m(_NULL_KEYS[h]) if h in _NULL_KEYS else label("null_", h, opts.lang) for h in table["H0"]]
    table["statistic"] = [opts.m("n_a") if v == "n/a" else v for v in table["statistic"]]
    table = _headers(table.set_index(["group", "test"]), opts, _DESCRIPTIVE)
    tests = Table.from_frame(table, name="specification_tests", digits=opts.digits, title=opts.m("t_tests"),
                             sheet=opts.m("sheet_tests"),
                             notes=(opts.m("star_note"), *[_test_note(g, t, opts)
                                                           for (g, _), t in chain.tests.items() if t.note]))
    first = next(iter(comparison.values()))
    compare = regression_table(dict(comparison), name="model_comparison", digits=opts.digits,
                               title=opts.m("t_comparison", formula=chain.formula), lang=opts.lang)
    compare = compare.with_(notes=compare.notes + (_spec_note(first, w_description, opts),),
                            sheet=opts.m("sheet_comparison"))
    return Section(id="tests", title=opts.m("s_tests"), tables=(tests, compare),
                   paragraphs=(recommendation(chain, lang=opts.lang),))


def sdm_section(res, impacts, *, n_draws: int, seed: int, w_description: str, recovery: pd.DataFrame | None,
                opts: ReportOptions) -> Section:
    """The estimated SDM with its direct/indirect/total effects (and, for the demo, true vs estimated)."""
    title = f"SDM ({opts.m('fe_' + res.effects)})"
    table = regression_table(
        {title: res}, impacts={title: impacts}, name="sdm", digits=opts.digits,
        title=opts.m("t_sdm", formula=res.formula), lang=opts.lang,
        extra_rows={opts.m("fixed_effects"): [opts.m(f"fe_{res.effects}")], "N": [str(res.N)], "T": [str(res.T)],
                    opts.m("bias_correction"): [res.bias_correction or opts.m("bias_none")]})
    table = table.with_(notes=table.notes + (_spec_note(res, w_description, opts),), sheet=opts.m("sheet_sdm"))
    from ..plots.charts import effects_plot

    tables = [table]
    figure = _figure(effects_plot(impacts, lang=opts.lang), name="effects", title=opts.m("f_effects_title"))
    paras = [opts.m("p_sdm", formula=res.formula, n_draws=n_draws, seed=seed)]
    if recovery is not None:
        recovery = recovery.assign(covered=recovery["covered"].map(lambda v: opts.m(v)))
        recovery.index = [_effect_label(p, opts) for p in recovery.index]
        recovery.index.name = "parameter"
        tables.append(Table.from_frame(_headers(recovery, opts, _DESCRIPTIVE), name="sdm_recovery", digits=3,
                                       title=opts.m("t_recovery"), notes=(opts.m("n_recovery"),),
                                       sheet=opts.m("sheet_recovery")))
        paras.append(opts.m("p_recovery"))
    return Section(id="sdm", title=opts.m("s_sdm"), tables=tuple(tables), figures=(figure,),
                   paragraphs=tuple(paras))
