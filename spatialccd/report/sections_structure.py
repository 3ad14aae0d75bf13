"""Report sections of the seed analyses of structure and robustness (issue 16): the development-types
table (seed 000 Table 5, seed 002 Table 4), panel Moran's I (seed 002 Table 6, first rows), the regional
sub-sample SDMs (seed 002 Table 8) and the SDM under alternative spatial weights.

Each function reads result objects only (nothing here fits a model) and returns a
:class:`~.html.Section`; every string comes from :mod:`spatialccd.messages`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..messages import label
from .html import Section
from .sections import ReportOptions, _headers, unit_labels
from .tables import Table, regression_table

__all__ = ["types_section", "panel_moran_section", "regional_section", "robustness_section", "weights_label"]

_TYPES_HEADERS = {"C": "col_c", "T": "col_t", "D": "col_d", "grade": "col_grade", "S": "col_s",
                  "S_class": "col_s_class", "type": "col_type", "type_label": "col_type_label"}


def types_section(table: pd.DataFrame, *, scores: Sequence[str], from_data: bool, years: Sequence, scheme,
                  thresholds: tuple[float, float], opts: ReportOptions) -> Section:
    """The per-unit table of :func:`spatialccd.coordination.development_types_table`: U₁, U₂, U₁ − U₂,
    |U₁ − U₂|, C, T, D, grade, S, S class and type, one block per year, units then the mean rows."""
    u1, u2 = scores
    zh = opts.lang == "zh"
    is_unit = (table["kind"] == "unit").to_numpy()
    names = unit_labels(table[opts.unit].tolist(), opts.names)
    rows = [n if u else str(v) for n, u, v in zip(names, is_unit, table[opts.unit])]
    pick = {"grade": "grade_zh" if zh and "grade_zh" in table else "grade",
            "S_class": "S_class_zh" if zh else "S_class", "type_label": "type_label_zh" if zh else "type_label"}
    diff = f"{u1} − {u2}"
    frame = pd.DataFrame({u1: table[u1].to_numpy(), u2: table[u2].to_numpy(), diff: table["difference"].to_numpy(),
                          f"|{diff}|": table["difference"].abs().where(is_unit).to_numpy(),   # units only
                          **{c: table[pick.get(c, c)].to_numpy() for c in _TYPES_HEADERS}},
                         index=pd.MultiIndex.from_arrays([table[opts.time].astype(str).tolist(), rows]))
    frame = _headers(frame, opts, _TYPES_HEADERS)
    shown = ("、" if opts.lang == "zh" else ", ").join(map(str, years))
    out = Table.from_frame(frame, name="development_types", digits=opts.digits, title=opts.m("t_types", years=shown),
                           sheet=opts.m("sheet_types"))
    lower, upper = thresholds
    source = opts.m("types_from_data", columns=", ".join(scores)) if from_data else opts.m("types_from_evaluation")
    return Section(id="types", title=opts.m("s_types"), tables=(out,),
                   paragraphs=(opts.m("p_types", u1=u1, u2=u2, source=source, lower=lower, upper=upper,
                                      levels=opts.m("scheme_levels", k=len(scheme.labels))),))


def panel_moran_section(outcome, residuals, *, yname: str, formula: str, effects: str, n: int, t: int,
                        w_description: str, opts: ReportOptions) -> Section:
    """Moran's I of the pooled panel and of the non-spatial fixed-effects residuals (two
    :class:`~spatialccd.autocorrelation.MoranTest`), the rows that open seed 002's Table 6."""
    fe = opts.m(f"fe_{effects}")
    rows = {opts.m("pm_pooled", column=yname): outcome, opts.m("pm_residuals", effects=fe): residuals}
    frame = pd.DataFrame({opts.m("col_moran_i"): [r.I for r in rows.values()],
                          opts.m("col_expected_i"): [r.E_I for r in rows.values()],
                          opts.m("col_z"): [r.stat for r in rows.values()],
                          opts.m("col_pvalue"): [r.pvalue for r in rows.values()]},
                         index=pd.Index(list(rows), name=opts.m("col_test")))
    table = Table.from_frame(frame, name="panel_moran", digits=max(opts.digits, 4),
                             title=opts.m("t_panel_moran", column=yname), sheet=opts.m("sheet_panel_moran"),
                             notes=(opts.m("n_panel_moran_w", desc=w_description),))
    return Section(id="panel_moran", title=opts.m("s_panel_moran"), tables=(table,),
                   paragraphs=(opts.m("p_panel_moran", n=n, t=t, column=yname, formula=formula,
                                      effects=opts.m(f"effects_{effects}")),))


def _region_title(region: str, opts: ReportOptions) -> str:
    return opts.m("reg_all") if region == "All" else label("region_", region, opts.lang)


def _group_label(group, opts: ReportOptions) -> str:
    if isinstance(group, Mapping):
        return opts.m("grp_mapping")
    return label("grp_", group, opts.lang)


def _dimension_rows(results: Mapping[str, object], opts: ReportOptions) -> dict:
    return {opts.m("row_n_units"): [str(r.N) for r in results.values()],
            opts.m("row_t_years"): [str(r.T) for r in results.values()],
            opts.m("fixed_effects"): [opts.m(f"fe_{r.effects}") for r in results.values()]}


def _specification(res, w_description: str, opts: ReportOptions) -> str:
    """The model's specification in the report's language (bias correction "none" translated too)."""
    bias = label("bias_", res.bias_correction or "none", opts.lang)
    return opts.m("model_spec", kind=res.kind.upper(), effects=opts.m(f"fe_{res.effects}"), bias=bias,
                  convention=label("opt_", res.lag_convention, opts.lang), w=w_description)


def _side_by_side(models: Mapping, impacts: Mapping, *, name: str, title: str, extra_rows: Mapping,
                  opts: ReportOptions) -> Table:
    """Models side by side with their effects (the title is set afterwards: regression_table's own
    ``title`` argument is overwritten by its loop over the model titles)."""
    table = regression_table(dict(models), impacts=dict(impacts), name=name, digits=opts.digits, lang=opts.lang,
                             extra_rows=extra_rows)
    return table.with_(title=title)


def regional_section(regional, impacts: Mapping[str, object], *, group, n_draws: int, seed: int,
                     w_description: str, opts: ReportOptions) -> Section:
    """The sub-sample SDMs of a :class:`~spatialccd.models.RegionalResults` side by side (full sample
    first): coefficients, ρ, direct, indirect and total effects, N and T of each region."""
    titles = {r: _region_title(r, opts) for r in regional.results}
    models = {titles[r]: res for r, res in regional.results.items()}
    first = next(iter(regional.results.values()))
    table = _side_by_side(models, {titles[r]: imp for r, imp in impacts.items()}, name="sdm_regional",
                          extra_rows=_dimension_rows(regional.results, opts), opts=opts,
                          title=opts.m("t_sdm_regional", group=_group_label(group, opts), formula=first.formula))
    notes = [_specification(first, w_description, opts)]
    notes += [opts.m("n_regional_islands", region=titles[r], units=", ".join(unit_labels(u, opts.names)))
              for r, u in regional.islands.items() if u]
    notes += [opts.m("n_regional_parts", region=titles[r], k=k) for r, k in regional.components.items() if k > 1]
    table = table.with_(notes=table.notes + tuple(notes), sheet=opts.m("sheet_sdm_regional"))
    return Section(id="sdm_regional", title=opts.m("s_sdm_regional"), tables=(table,),
                   paragraphs=(opts.m("p_sdm_regional", n_draws=n_draws, seed=seed),))


def weights_label(entry: str, weights: Mapping, opts: ReportOptions) -> str:
    """The column title of one robustness W (``weights`` is the study's [weights] table)."""
    if entry == "contiguity":
        return opts.m("rw_contiguity")
    if entry == "knn":
        return opts.m("rw_knn", k=weights["k"])
    if entry == "distance":
        label = opts.m("rw_distance") if weights.get("threshold") is None else \
            opts.m("rw_distance_band", threshold=f"{weights['threshold']:g}")
        return label if weights.get("distance_k") is None else label + opts.m("rw_nearest", k=weights["distance_k"])
    if entry == "economic":
        return opts.m("rw_economic", column=weights["economic"])
    if entry == "nested":
        return opts.m("rw_nested", phi=f"{weights['nested_phi']:g}")
    return opts.m("rw_file", name=entry.replace("\\", "/").rsplit("/", 1)[-1])


def robustness_section(results: Mapping[str, object], impacts: Mapping[str, object],
                       cardinalities: Mapping[str, pd.Series], *, islands: Mapping[str, Sequence], main: str | None,
                       weights: Mapping, n_draws: int, opts: ReportOptions) -> Section:
    """The SDM under each W side by side: ρ, direct, indirect and total effects, fit, N, T and the mean
    number of neighbours (the coefficient blocks are left out: the effects are what is compared)."""
    titles = {e: weights_label(e, weights, opts) for e in results}
    models = {titles[e]: res for e, res in results.items()}
    extra = _dimension_rows(results, opts)
    extra[opts.m("row_neighbours")] = [f"{cardinalities[e].mean():.2f}" for e in results]
    first = next(iter(results.values()))
    table = _side_by_side(models, {titles[e]: imp for e, imp in impacts.items()}, name="sdm_robustness",
                          extra_rows=extra, opts=opts, title=opts.m("t_sdm_robustness", formula=first.formula))
    hidden = {opts.m("b_coef"), opts.m("b_wx")}
    kept = [b not in hidden for b in table.frame.index.get_level_values(0)]
    notes = [_specification(first, opts.m("rw_by_column"), opts)]
    if main is not None:
        notes.append(opts.m("n_rw_main", w=titles[main]))
    notes += [opts.m("n_rw_islands", w=titles[e], units=", ".join(unit_labels(u, opts.names)))
              for e, u in islands.items()]
    table = table.with_(frame=table.frame[kept], notes=table.notes + tuple(notes), sheet=opts.m("sheet_sdm_robustness"))
    paras = [opts.m("p_sdm_robustness", list="; ".join(titles.values()), n_draws=n_draws)]
    if "economic" in results or "nested" in results:
        paras.append(opts.m("p_rw_economic", column=weights["economic"]))
    if "nested" in results:
        paras.append(opts.m("p_rw_nested", phi=f"{weights['nested_phi']:g}",
                            geo=weights_label(weights["nested_geo"], weights, opts)))
    return Section(id="sdm_robustness", title=opts.m("s_sdm_robustness"), tables=(table,), paragraphs=tuple(paras))
