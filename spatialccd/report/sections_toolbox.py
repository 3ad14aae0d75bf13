"""Report sections of the toolbox analyses (issue 20): spatial Markov chains, Gi* hot spots, bivariate
LISA, the geographical detector, GWR/MGWR, centre of gravity and deviational ellipse, TOPSIS.

Each function reads result objects only (nothing here runs a permutation, a bandwidth search or a
discretisation) and returns a :class:`~.html.Section` with its tables and figure; every string comes
from :mod:`spatialccd.messages`.  ``layers`` are the keyword arguments of the map functions for the
study's units (``{}`` for the built-in provinces, ``{"gdf": …}`` otherwise, ``None``: no map).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..messages import label
from .html import Figure, Section
from .sections import _DESCRIPTIVE, ReportOptions, _headers, unit_labels
from .sections_allocation import _years, _yes_no
from .tables import Table

__all__ = ["markov_section", "hotspots_section", "bivariate_section", "detector_section", "gwr_section",
           "centrography_section", "topsis_section"]

_INF = "∞"


def _infinite(frame: pd.DataFrame) -> pd.DataFrame:
    """±inf cells shown as ∞ (tables print numbers as text, and "inf" is no word of a Chinese report)."""
    return frame.astype(object).where(~frame.isin([np.inf, -np.inf]), _INF)


def _interval(text: str) -> str:
    return str(text).replace("-inf", "−" + _INF).replace("inf", _INF)


def _list(values: Sequence, opts: ReportOptions) -> str:
    return ("、" if opts.lang == "zh" else ", ").join(map(str, values))


def _cuts(cuts: Sequence[float], opts: ReportOptions) -> str:
    return _list([f"{c:.4g}" for c in cuts], opts) or "—"


def _how(adjust, opts: ReportOptions) -> str:
    return opts.m("no_adjust") if adjust is None else opts.m(f"tb_adjust_{adjust}")


def _units(index: pd.Index, opts: ReportOptions) -> list[str]:
    return unit_labels(list(index), opts.names)


def _unit_word(opts: ReportOptions) -> str:
    return opts.m("col_province") if opts.unit == "province" else opts.unit


# -- spatial Markov chains -------------------------------------------------------------------------
def _class_labels(chain, opts: ReportOptions) -> list[str]:
    return list(chain.labels_zh if opts.lang == "zh" else chain.labels)


def _chains(spatial, opts: ReportOptions) -> list[tuple[str, object]]:
    lags = spatial.lag_labels_zh if opts.lang == "zh" else spatial.lag_labels
    return [(opts.m("tb_mk_no_lag"), spatial.classic), *zip(lags, spatial.conditional)]


def _steady_table(spatial, opts: ReportOptions) -> Table:
    """Steady state π and sojourn time 1/(1 − p_ii) of the classical chain and of each lag class."""
    chains = _chains(spatial, opts)
    columns = _class_labels(spatial.classic, opts)
    blocks = {}
    for key in ("tb_mk_steady", "tb_mk_sojourn"):
        rows = {}
        for name, chain in chains:
            if key == "tb_mk_steady":
                pi = chain.steady_state
                rows[name] = np.full(chain.k, np.nan) if pi is None else pi.to_numpy()
            else:   # a class never left in the sample has no sojourn time to report when it is never entered
                rows[name] = np.where(chain.counts.sum(axis=1) > 0, chain.sojourn.to_numpy(), np.nan)
        blocks[opts.m(key)] = pd.DataFrame(rows, index=columns).T
    frame = _infinite(pd.concat(blocks))
    return Table.from_frame(frame, name="markov_steady", digits=opts.digits, title=opts.m("tb_t_markov_steady"),
                            sheet=opts.m("tb_sheet_markov_steady"), notes=(opts.m("tb_n_markov_steady"),))


def _homogeneity_table(spatial, opts: ReportOptions) -> Table:
    tests = {"Q": spatial.Q, "LR": spatial.LR}
    frame = pd.DataFrame({opts.m("col_statistic"): [t.stat for t in tests.values()],
                          opts.m("col_df"): [int(t.df) if t.valid else np.nan for t in tests.values()],
                          opts.m("col_pvalue"): [t.pvalue for t in tests.values()]},
                         index=pd.Index([opts.m("tb_mk_q"), opts.m("tb_mk_lr")], name=opts.m("col_test")))
    notes = [opts.m("tb_n_markov_tests")]
    if not spatial.Q.valid:
        notes.append(opts.m("tb_n_markov_no_df"))
    return Table.from_frame(frame.astype(object), name="markov_tests", digits=max(opts.digits, 4),
                            title=opts.m("tb_t_markov_tests"), sheet=opts.m("tb_sheet_markov_tests"),
                            notes=tuple(notes))


def _lisa_markov_tables(lisa, opts: ReportOptions) -> tuple[Table, Table]:
    quadrant = {q: label("lisa_", q, opts.lang) for q in lisa.chain.labels}
    frame = lisa.table(lang=opts.lang, decimals=None).rename(index=quadrant, columns=quadrant)
    frame = frame.rename(columns={"n": opts.m("tb_col_n")}).rename_axis(opts.m("tb_col_from"))
    t1 = Table.from_frame(frame, name="lisa_markov", digits=opts.digits, title=opts.m("tb_t_lisa_markov"),
                          sheet=opts.m("tb_sheet_lisa_markov"))
    types = lisa.types.rename(index={f"Type {t}": opts.m(f"tb_mk_type_{t}") for t in ("0", "I", "II", "III")})
    types = types.rename(columns={"count": opts.m("col_count"), "share": opts.m("tb_col_share")})
    t2 = Table.from_frame(types.rename_axis(opts.m("tb_col_type")), name="lisa_markov_types", digits=opts.digits,
                          title=opts.m("tb_t_lisa_markov_types"), sheet=opts.m("tb_sheet_lisa_markov_types"),
                          notes=(opts.m("tb_n_lisa_markov_types"),))
    return t1, t2


def markov_section(spatial, lisa, *, column: str, classes: str, k: int, opts: ReportOptions) -> Section:
    """The classical and spatial Markov transition matrices (:class:`~spatialccd.markov.SpatialMarkov`,
    one k × k block per lag class with the counts n), steady states and sojourn times, the
    Bickenbach–Bode homogeneity tests, and the LISA Markov chain (:class:`~spatialccd.markov.LISAMarkov`)
    when it was computed."""
    from ..plots.markov import transition_heatmaps

    frame = spatial.table(lang=opts.lang, decimals=None).rename(columns={"n": opts.m("tb_col_n")})
    frame = frame.rename_axis([opts.m("tb_col_lag"), opts.m("tb_col_from")])
    tables = [Table.from_frame(frame, name="markov", digits=opts.digits, title=opts.m("tb_t_markov", column=column),
                               sheet=opts.m("tb_sheet_markov"), notes=(opts.m("tb_n_markov"),)),
              _steady_table(spatial, opts), _homogeneity_table(spatial, opts)]
    which = opts.m("tb_mk_quantile", k=k) if classes == "quantile" else opts.m("tb_mk_grade")
    paras = [opts.m("tb_p_markov", column=column, classes=which, cuts=_cuts(spatial.classic.cuts, opts),
                    lag_cuts=_cuts(spatial.lag_cuts, opts), n=int(spatial.classic.counts.sum()))]
    if spatial.Q.valid:
        verdict = opts.m("tb_mk_reject" if spatial.Q.pvalue < 0.05 else "tb_mk_no_reject")
        paras.append(opts.m("tb_p_markov_tests", stat=f"{spatial.Q.stat:.3f}", df=f"{spatial.Q.df:g}",
                            p=f"{spatial.Q.pvalue:.4f}", verdict=verdict))
    if spatial.n_isolated:
        paras.append(opts.m("tb_p_markov_isolated", n=spatial.n_isolated))
    if lisa is not None:
        tables += _lisa_markov_tables(lisa, opts)
        paras.append(opts.m("tb_p_lisa_markov", column=column, cohesion=f"{lisa.cohesion:.3f}",
                            flux=f"{lisa.flux:.3f}"))
    fig = Figure.from_matplotlib(transition_heatmaps(spatial, lang=opts.lang), name="markov_heatmaps",
                                 title=opts.m("tb_f_markov", column=column))
    return Section(id="markov", title=opts.m("tb_s_markov"), paragraphs=tuple(paras), tables=tuple(tables),
                   figures=(fig,))


# -- hot spots -------------------------------------------------------------------------------------
def _by_year_units(frame: pd.DataFrame, years: Sequence, columns: Mapping[str, str], opts: ReportOptions):
    """Rows (year, unit) of the years shown, the ``columns`` renamed (source → message key)."""
    shown = frame[frame.index.get_level_values(0).isin(list(years))][list(columns)]
    index = pd.MultiIndex.from_arrays([[str(t) for t in shown.index.get_level_values(0)],
                                       _units(shown.index.get_level_values(1), opts)],
                                      names=[opts.m("year"), _unit_word(opts)])
    return shown.set_axis(index).rename(columns={c: opts.m(k) for c, k in columns.items()})


def hotspots_section(result, *, years: Sequence, seed: int, layers: dict | None, opts: ReportOptions) -> Section:
    """Getis–Ord Gi* by year (:class:`~spatialccd.hotspots.HotSpots`): units per class and year, z and the
    class of every unit in the mapped years, and the hot-spot maps."""
    from ..plots.hotspots import hot_spot_maps

    def cls(c) -> str:
        return label("tb_hs_", c, opts.lang)

    counts = _years(result.table(), opts).rename(columns=cls)
    t1 = Table.from_frame(counts, name="hot_spots", title=opts.m("tb_t_hotspots", column=result.column),
                          sheet=opts.m("tb_sheet_hotspots"))
    units = result.frame.assign(cluster=result.frame["cluster"].astype(object).map(cls))
    units = _by_year_units(units, years, {"G_star": "tb_col_g_star", "z": "col_z", "p_adjusted": "col_pvalue",
                                          "cluster": "col_cluster"}, opts)
    t2 = Table.from_frame(units, name="hot_spots_units", digits=opts.digits,
                          title=opts.m("tb_t_hotspots_units", column=result.column, years=_list(years, opts)),
                          sheet=opts.m("tb_sheet_hotspots_units"), notes=(opts.m("tb_n_hotspots"),))
    figures = ()
    if layers is not None:
        fig = hot_spot_maps(result, years=list(years), lang=opts.lang, **layers)
        figures = (Figure.from_matplotlib(fig, name="hot_spot_maps", title=opts.m(
            "tb_f_hotspots", column=result.column, years=_list(years, opts))),)
    para = opts.m("tb_p_hotspots", column=result.column, permutations=result.permutations, seed=seed,
                  alpha=result.alpha, adjust=_how(result.adjust, opts))
    return Section(id="hotspots", title=opts.m("tb_s_hotspots"), paragraphs=(para,), tables=(t1, t2),
                   figures=figures)


# -- bivariate Moran and LISA ---------------------------------------------------------------------
_BV_HEADERS = {"I": "tb_col_bv_i", "E_sim": "tb_col_e_sim", "sd_sim": "tb_col_sd_sim", "z_sim": "col_z",
               "pvalue": "col_pvalue"}


def bivariate_section(result, *, years: Sequence, seed: int, layers: dict | None, opts: ReportOptions) -> Section:
    """Bivariate Moran's I of x with the lag of y by year and the bivariate LISA clusters
    (:class:`~spatialccd.hotspots.BivariateLISA`), with the cluster maps of the chosen years."""
    from ..plots.hotspots import bivariate_lisa_maps

    x, y = result.x, result.y
    moran = _headers(_years(result.moran[list(_BV_HEADERS)], opts), opts, _BV_HEADERS)
    t1 = Table.from_frame(moran, name="bivariate_moran", digits=max(opts.digits, 4),
                          title=opts.m("tb_t_bv_moran", x=x, y=y), sheet=opts.m("tb_sheet_bv_moran"),
                          notes=(opts.m("tb_n_bv_moran", permutations=result.permutations),))
    counts = _years(result.table(), opts).rename(columns=lambda c: label("lisa_", c, opts.lang))
    t2 = Table.from_frame(counts, name="bivariate_clusters", title=opts.m("tb_t_bv_clusters", x=x, y=y),
                          sheet=opts.m("tb_sheet_bv_clusters"))
    figures = ()
    if layers is not None:
        fig = bivariate_lisa_maps(result, years=list(years), lang=opts.lang, **layers)
        figures = (Figure.from_matplotlib(fig, name="bivariate_lisa_maps", title=opts.m(
            "tb_f_bivariate", x=x, y=y, years=_list(years, opts))),)
    para = opts.m("tb_p_bivariate", x=x, y=y, permutations=result.permutations, seed=seed, alpha=result.alpha,
                  adjust=_how(result.adjust, opts))
    return Section(id="bivariate", title=opts.m("tb_s_bivariate"), paragraphs=(para,), tables=(t1, t2),
                   figures=figures)


# -- geographical detector ------------------------------------------------------------------------
_FACTOR_HEADERS = {"q": "tb_col_q", "strata": "tb_col_strata", "N": "tb_col_n_units", "F": "tb_col_f",
                   "lambda": "tb_col_lambda", "pvalue": "col_pvalue", "p_central": "tb_col_p_central",
                   "method": "tb_col_method", "k": "tb_col_k", "rank": "col_rank"}


def _sample(sample: str, opts: ReportOptions) -> str:
    if sample in ("mean", "pooled"):
        return opts.m(f"tb_sample_{sample}")
    return opts.m("tb_sample_year", year=sample)


def _detector_tables(result, opts: ReportOptions) -> list[Table]:
    digits = max(opts.digits, 4)
    factor = result.factor.assign(method=[label("tb_disc_", m, opts.lang) for m in result.factor["method"]])
    factor = _headers(factor.rename_axis("factor"), opts, {**_FACTOR_HEADERS, "factor": "tb_col_factor"})
    tables = [Table.from_frame(factor, name="detector_factor", digits=digits,
                               title=opts.m("tb_t_dt_factor", y=result.y), sheet=opts.m("tb_sheet_dt_factor"),
                               notes=(opts.m("tb_n_dt_factor"),))]
    if len(result.interaction):
        inter = result.interaction
        frame = pd.DataFrame({opts.m("tb_col_q1"): inter["q1"].to_numpy(), opts.m("tb_col_q2"): inter["q2"].to_numpy(),
                              opts.m("tb_col_q12"): inter["q12"].to_numpy(),
                              opts.m("tb_col_interaction"): [label("tb_int_", t, opts.lang) for t in inter["type"]]},
                             index=pd.Index([f"{a} ∩ {b}" for a, b in zip(inter["factor1"], inter["factor2"])],
                                            name=opts.m("tb_col_pair")))
        tables.append(Table.from_frame(frame, name="detector_interaction", digits=digits,
                                       title=opts.m("tb_t_dt_interaction"), sheet=opts.m("tb_sheet_dt_interaction"),
                                       notes=(opts.m("tb_n_dt_interaction"),)))
    means = pd.concat({f: r["means"].set_axis([_interval(s) for s in r["means"].index])
                       for f, r in result.risk.items()})
    means = means.rename(columns={"n": opts.m("tb_col_n_units"), "mean": opts.m("col_mean"), "sd": opts.m("col_std")})
    tables.append(Table.from_frame(means, name="detector_risk", digits=digits, title=opts.m("tb_t_dt_risk", y=result.y),
                                   sheet=opts.m("tb_sheet_dt_risk")))
    pairs = {}
    for f, r in result.risk.items():
        t = r["tests"]
        if len(t):
            pairs[f] = pd.DataFrame({opts.m("tb_col_t"): t["t"].to_numpy(), opts.m("col_df"): t["df"].to_numpy(),
                                     opts.m("col_pvalue"): t["pvalue"].to_numpy(),
                                     opts.m("tb_col_significant"): _yes_no(t["significant"], opts).to_numpy()},
                                    index=[f"{_interval(a)} – {_interval(b)}"
                                           for a, b in zip(t["stratum_a"], t["stratum_b"])])
    if pairs:
        blank = any(r["tests"]["t"].isna().any() for r in result.risk.values() if len(r["tests"]))
        notes = (opts.m("tb_n_dt_risk", alpha=result.alpha),) + ((opts.m("tb_n_dt_risk_one"),) if blank else ())
        tables.append(Table.from_frame(pd.concat(pairs), name="detector_risk_tests", digits=digits,
                                       title=opts.m("tb_t_dt_risk_tests"), sheet=opts.m("tb_sheet_dt_risk_tests"),
                                       notes=notes))
    if len(result.ecological):
        eco = result.ecological_matrix().replace({"Y": opts.m("yes"), "N": opts.m("no")})
        tables.append(Table.from_frame(eco.rename_axis(opts.m("tb_col_factor")), name="detector_ecological",
                                       title=opts.m("tb_t_dt_ecological"), sheet=opts.m("tb_sheet_dt_ecological"),
                                       notes=(opts.m("tb_n_dt_ecological", alpha=result.alpha),)))
    return tables


def detector_section(result, *, sample: str, n: int, discretisation: str, k: int, opts: ReportOptions) -> Section:
    """The factor, interaction, risk and ecological detectors of a :class:`~spatialccd.detector.GeoDetector`,
    with the q bars and the interaction matrix."""
    from ..plots.detector import detector_plot

    how = opts.m("tb_dt_optimal", k=k) if discretisation == "optimal" else \
        opts.m("tb_dt_method", method=label("tb_disc_", discretisation, opts.lang), k=k)
    best = result.factor["q"].idxmax()
    paras = (opts.m("tb_p_detector", y=result.y, factors=_list(result.factor.index, opts), sample=_sample(sample, opts),
                    n=n, how=how),
             opts.m("tb_p_detector_best", factor=best, q=f"{result.factor.loc[best, 'q']:.3f}"))
    fig = Figure.from_matplotlib(detector_plot(result, lang=opts.lang), name="detector",
                                 title=opts.m("tb_f_detector", y=result.y))
    return Section(id="detector", title=opts.m("tb_s_detector"), paragraphs=paras,
                   tables=tuple(_detector_tables(result, opts)), figures=(fig,))


# -- GWR / MGWR ------------------------------------------------------------------------------------
_GWR_HEADERS = {"mean": "col_mean", "std": "col_std", "min": "col_min", "Q1": "tb_col_q1_quartile",
                "median": "tb_col_median", "Q3": "tb_col_q3_quartile", "max": "col_max",
                "share_significant": "tb_col_share_significant", "bandwidth": "tb_col_bandwidth",
                "p_variability": "tb_col_p_variability"}


def gwr_section(result, *, year, layers: dict | None, opts: ReportOptions) -> Section:
    """Summary of the local coefficients of a :class:`~spatialccd.gwr.GWRResult` (distribution over the
    units, share significant, bandwidth, Monte Carlo p of spatial variability), the fit, and the maps."""
    from ..plots.gwr import coefficient_maps

    kind = opts.m("tb_kind_mgwr" if result.multiscale else "tb_kind_gwr")
    coef = result.coefficient_table()
    if coef["p_variability"].isna().all():
        coef = coef.drop(columns="p_variability")
    coef = coef.rename(index={"Intercept": opts.m("tb_gwr_intercept")}).rename_axis("term")
    coef = _headers(coef, opts, {**_GWR_HEADERS, "term": "tb_col_term"})
    notes = [opts.m("tb_n_gwr_significant")]
    if result.multiscale:
        notes.append(opts.m("tb_n_mgwr_standardised"))
    t1 = Table.from_frame(coef, name="gwr_coefficients", digits=max(opts.digits, 4),
                          title=opts.m("tb_t_gwr", kind=kind, y=result.y), sheet=opts.m("tb_sheet_gwr"),
                          notes=tuple(notes))
    unit = opts.m("tb_gwr_km" if result.fixed else "tb_gwr_neighbours")
    bw = _list([f"{b:g}" for b in result.bandwidth], opts)
    fit = {opts.m("tb_gwr_kernel"): label("tb_kernel_", result.kernel, opts.lang),
           opts.m("tb_col_bandwidth"): f"{bw} ({unit})", opts.m("tb_gwr_aicc"): result.aicc,
           opts.m("tb_gwr_aicc_ols"): result.aicc_ols,
           "R²": result.r2, opts.m("tb_gwr_adj_r2"): result.adj_r2, opts.m("tb_gwr_enp"): result.enp,
           "σ²": result.sigma2, opts.m("tb_col_n_units"): result.n}
    frame = pd.DataFrame({opts.m("col_value"): pd.Series(fit, dtype=object)}).rename_axis(opts.m("tb_col_measure"))
    t2 = Table.from_frame(frame, name="gwr_fit", digits=max(opts.digits, 4), title=opts.m("tb_t_gwr_fit", kind=kind),
                          sheet=opts.m("tb_sheet_gwr_fit"))
    figures = ()
    if layers is not None:
        fig = coefficient_maps(result, lang=opts.lang, **layers)
        figures = (Figure.from_matplotlib(fig, name="gwr_maps", title=opts.m("tb_f_gwr", kind=kind, y=result.y)),)
    sample = _sample("mean" if year == "mean" else str(year), opts)
    terms = _list([t for t in result.terms if t != "Intercept"], opts)
    paras = [opts.m("tb_p_gwr", kind=kind, y=result.y, terms=terms, sample=sample, n=result.n,
                    kernel=label("tb_kernel_", result.kernel, opts.lang), unit=unit)]
    if len(result.spatial_variability):
        paras.append(opts.m("tb_p_gwr_variability", permutations=result.sd_sims.shape[0]))
    return Section(id="gwr", title=opts.m("tb_s_gwr"), paragraphs=tuple(paras), tables=(t1, t2), figures=figures)


# -- centre of gravity and standard deviational ellipse ------------------------------------------
_CENTRE_HEADERS = {"lon": "tb_col_lon", "lat": "tb_col_lat", "x_km": "tb_col_x_km", "y_km": "tb_col_y_km",
                   "distance_km": "tb_col_distance", "great_circle_km": "tb_col_great_circle",
                   "azimuth": "tb_col_azimuth", "direction": "tb_col_direction", "speed_km_per_year": "tb_col_speed"}
_ELLIPSE_HEADERS = {"major_km": "tb_col_major", "minor_km": "tb_col_minor", "azimuth": "tb_col_azimuth_major",
                    "area_km2": "tb_col_area", "flattening": "tb_col_flattening"}


def _per_column(results: Mapping[str, object], part, headers: Mapping[str, str], opts: ReportOptions) -> pd.DataFrame:
    blocks = {}
    for col, res in results.items():
        frame = part(res)
        frame.index = [str(t) for t in frame.index]
        blocks[col] = frame
    return _headers(pd.concat(blocks), opts, headers)


def centrography_section(results: Mapping[str, object], *, years: Sequence, layers: dict | None,
                         opts: ReportOptions) -> Section:
    """Centre of gravity and its migration by year, and the standard deviational ellipse, of each
    weighting column (:class:`~spatialccd.centrography.Centrography`), with the map of paths and ellipses."""
    import matplotlib.pyplot as plt

    from ..centrography import _compass
    from ..plots.centrography import gravity_map

    def centres(res) -> pd.DataFrame:
        moves = res.path.drop(columns=["from"])
        moves["direction"] = [label("tb_dir_", d, opts.lang) for d in moves["direction"]]
        return res.centres.join(moves)

    def ellipses(res) -> pd.DataFrame:
        return res.ellipses.assign(area_km2=res.ellipses["area_km2"] / 1e4)

    first = next(iter(results.values()))
    t1 = Table.from_frame(_per_column(results, centres, _CENTRE_HEADERS, opts), name="gravity_centres", digits=2,
                          title=opts.m("tb_t_gravity"), sheet=opts.m("tb_sheet_gravity"),
                          notes=(opts.m("tb_n_gravity"),))
    t2 = Table.from_frame(_per_column(results, ellipses, _ELLIPSE_HEADERS, opts), name="gravity_ellipses", digits=3,
                          title=opts.m("tb_t_ellipse"), sheet=opts.m("tb_sheet_ellipse"),
                          notes=(opts.m("tb_n_ellipse", scale=label("tb_scale_", first.scale, opts.lang)),))
    figures = ()
    if layers is not None:
        n = len(results)
        ncols = min(n, 3)
        fig, axes = plt.subplots(math.ceil(n / ncols), ncols, figsize=(6.5 * ncols, 5.2 * math.ceil(n / ncols)),
                                 squeeze=False)
        for ax in axes.ravel()[n:]:
            fig.delaxes(ax)
        for i, (ax, res) in enumerate(zip(axes.ravel(), results.values())):
            gravity_map(res, years=list(years), ax=ax, caption=i == n - 1, lang=opts.lang, **layers)
        figures = (Figure.from_matplotlib(fig, name="gravity_map", title=opts.m(
            "tb_f_gravity", columns=_list(results, opts), years=_list(years, opts))),)
    paras = [opts.m("tb_p_gravity", columns=_list(results, opts), n=first.n_units)]
    for col, res in results.items():
        total = float(res.path["distance_km"].sum())
        start, end = res.centres.iloc[0], res.centres.iloc[-1]
        net = math.hypot(end.x_km - start.x_km, end.y_km - start.y_km)
        azimuth = math.degrees(math.atan2(end.x_km - start.x_km, end.y_km - start.y_km)) % 360
        paras.append(opts.m("tb_p_gravity_move", column=col, first=res.centres.index[0], last=res.centres.index[-1],
                            total=f"{total:.1f}", net=f"{net:.1f}",
                            direction=label("tb_dir_", _compass(azimuth), opts.lang)))
    return Section(id="centrography", title=opts.m("tb_s_gravity"), paragraphs=tuple(paras), tables=(t1, t2),
                   figures=figures)


# -- TOPSIS ----------------------------------------------------------------------------------------
def topsis_section(result, agreement: pd.DataFrame, *, weights: str, evaluation_weighting: str, standardise: str,
                   opts: ReportOptions) -> Section:
    """Closeness coefficients of a :class:`~spatialccd.evaluation.TOPSISResult`: the mean by year of every
    subsystem, each unit's coefficient in the last year with its rank and its period mean, and the
    agreement with the linear scores U of the evaluation; the indicator weights when they differ from
    the evaluation's."""
    from ..plots.topsis import closeness_trends

    scores = result.scores
    subsystems = list(scores.columns)
    t1 = Table.from_frame(_years(scores.groupby(level=0, sort=True).mean(), opts), name="topsis",
                          digits=max(opts.digits, 4), title=opts.m("tb_t_topsis"), sheet=opts.m("tb_sheet_topsis"))
    last = scores.index.get_level_values(0).max()
    final = scores.xs(last, level=0)
    mean = scores.groupby(level=1, sort=False).mean().reindex(final.index)
    columns = {}
    for s in subsystems:
        columns[opts.m("tb_col_c_last", subsystem=s, year=last)] = final[s]
        columns[opts.m("tb_col_rank_last", subsystem=s)] = final[s].rank(ascending=False, method="min").astype(int)
        columns[opts.m("tb_col_c_mean", subsystem=s)] = mean[s]
    units = pd.DataFrame(columns)
    units.index = _units(units.index, opts)
    t2 = Table.from_frame(units.rename_axis(_unit_word(opts)), name="topsis_units", digits=max(opts.digits, 4),
                          title=opts.m("tb_t_topsis_units", year=last), sheet=opts.m("tb_sheet_topsis_units"))
    agree = agreement.rename(columns={"pearson": opts.m("tb_col_pearson"), "spearman": opts.m("tb_col_spearman")})
    t3 = Table.from_frame(agree.rename_axis(opts.m("col_subsystem")), name="topsis_agreement",
                          digits=max(opts.digits, 4), title=opts.m("tb_t_topsis_agreement"),
                          sheet=opts.m("tb_sheet_topsis_agreement"))
    tables = [t1, t2, t3]
    shown = opts.m("tb_topsis_user") if weights == "user" else label("opt_", weights, opts.lang)
    if weights != evaluation_weighting and not result.per_year:
        w = result.weights.copy()
        w["direction"] = w["direction"].map({1: "+", -1: "−"})
        if w["criterion"].isna().all():
            w = w.drop(columns="criterion")
        tables.append(Table.from_frame(_headers(w, opts, _DESCRIPTIVE), name="topsis_weights", digits=4,
                                       title=opts.m("tb_t_topsis_weights", weighting=shown),
                                       sheet=opts.m("tb_sheet_topsis_weights")))
    pooled = opts.m("tb_topsis_per_year" if result.per_year else "tb_topsis_pooled")
    paras = (opts.m("tb_p_topsis", weighting=shown, standardise=label("opt_", standardise, opts.lang), pooled=pooled),
             opts.m("tb_p_topsis_agreement", low=f"{agreement['spearman'].min():.3f}"))
    fig = Figure.from_matplotlib(closeness_trends(result, lang=opts.lang), name="topsis_trends",
                                 title=opts.m("tb_f_topsis"))
    return Section(id="topsis", title=opts.m("tb_s_topsis"), paragraphs=paras, tables=tuple(tables), figures=(fig,))
