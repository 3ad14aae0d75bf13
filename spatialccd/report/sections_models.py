"""Report sections of the spatial panel model family (issue 19): the ``[sdm]`` model when it is not the
static SDM — SAR, SEM, SDEM, SLX, SAC, GNS, dynamic SAR/SDM with short- and long-run effects — and the
Bayesian comparison of model families (LeSage 2014) next to the specification tests.

Each function reads result objects only (nothing here fits a model) and returns a
:class:`~.html.Section`; every string comes from :mod:`spatialccd.messages`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..messages import label
from .html import Figure, Section
from .sections import ReportOptions, _headers, unit_labels
from .tables import Table, regression_table

__all__ = ["model_section", "bayes_section"]

#: display labels of the time lags of a dynamic model (math, the same in every language)
_LAG_LABELS = {"tau": "τ · y(t−1)", "eta": "η · W y(t−1)"}
_SPATIAL = {"rho": "ρ", "lambda": "λ", "": ""}
_BAYES_HEADERS = {"model": "mf_col_model", "log_marginal": "mf_col_log_marginal", "probability": "mf_col_probability",
                  "k": "mf_col_k", "dof": "mf_col_dof", "spatial": "mf_col_spatial", "mean": "mf_col_post_mean",
                  "sd": "mf_col_post_sd", "mode": "mf_col_post_mode"}


@dataclass(frozen=True)
class _Column:
    """A column of a regression table that is not a fitted model: estimates without inference (the
    estimates before a bias correction) or no coefficients at all (a column of effects only)."""

    params: pd.Series
    bse: pd.Series
    pvalues: pd.Series

    @classmethod
    def of(cls, params: pd.Series) -> _Column:
        nan = pd.Series(math.nan, index=params.index, dtype=float)
        return cls(params=params, bse=nan, pvalues=nan)


_NO_COEFFICIENTS = _Column.of(pd.Series(dtype=float))


def _bias(word, opts: ReportOptions) -> str:
    return opts.m("bias_none") if word is None else label("mf_bias_", word, opts.lang)


def _number(value: float, opts: ReportOptions) -> str:
    return opts.m("n_a") if not math.isfinite(value) else f"{value:.4f}"


def _effects_figure(impacts, *, name: str, title: str, opts: ReportOptions) -> Figure:
    from ..plots.charts import effects_plot

    return Figure.from_matplotlib(effects_plot(impacts, lang=opts.lang), name=name, title=title)


def _dynamic_parts(res, impacts, long_run, *, model: str, opts: ReportOptions):
    """The short-/long-run effects table, its figures and the stationarity paragraphs of a dynamic model."""
    columns = {opts.m("mf_col_short_run"): impacts}
    if long_run is not None:
        columns[opts.m("mf_col_long_run")] = long_run
    table = regression_table({c: _NO_COEFFICIENTS for c in columns}, impacts=columns, name="effects_short_long_run",
                             digits=opts.digits, title=opts.m("mf_t_effects_dynamic", model=model, formula=res.formula),
                             lang=opts.lang)
    notes = table.notes
    if long_run is None:
        notes += (opts.m("mf_n_long_run_missing", value=f"{1 - res.tau - res.rho - res.eta:.4f}"),)
    table = table.with_(notes=notes, sheet=opts.m("mf_sheet_effects"))
    figures = [_effects_figure(impacts, name="effects", title=opts.m("mf_f_effects_short", model=model), opts=opts)]
    if long_run is not None:
        figures.append(_effects_figure(long_run, name="effects_long_run",
                                       title=opts.m("mf_f_effects_long", model=model), opts=opts))
    st = res.stationarity
    paras = [opts.m("mf_p_stable" if st.stable else "mf_p_not_stationary", radius=_number(st.spectral_radius, opts),
                    abs_sum=f"{st.abs_sum:.4f}")]
    if res.bias_correction is not None:
        paras.append(opts.m("mf_p_uncorrected", bias=_bias(res.bias_correction, opts)))
    return table, figures, paras


def model_section(res, impacts, *, long_run=None, n_draws: int, seed: int, w_description: str,
                  m_description: str | None = None, first_period=None, opts: ReportOptions) -> Section:
    """The estimated ``[sdm]`` model of any kind but the static SDM, with its effects.

    ``res``: a static :class:`~spatialccd.models.SpatialPanelResults` (SAR, SEM, SDEM, SLX), a
    :class:`~spatialccd.models.SACResults` (SAC, GNS; ``m_description`` describes M) or a
    :class:`~spatialccd.models.DynamicResults` (``first_period`` is its initial condition);
    ``impacts``: the static or short-run :class:`~spatialccd.models.Impacts` (None for the SEM);
    ``long_run``: the long-run ones of a dynamic model (None when they do not exist).  The
    specification (kind, effects, bias correction, lag convention, W and M, time lags) is in the
    notes; a dynamic model adds a short-/long-run effects table and its stationarity check, a GNS
    with M = W the caution of LeSage & Pace (2009).
    """
    dynamic = getattr(res, "dynamic", None)
    key = f"dynamic_{res.kind}" if dynamic else res.kind
    model = opts.m(f"mf_name_{key}")   # in sentences; capitalised as a title
    title = model[:1].upper() + model[1:]
    short = opts.m("mf_dynamic_short", kind=res.kind.upper()) if dynamic else res.kind.upper()
    fe = opts.m(f"fe_{res.effects}")
    column = f"{short} ({fe})"
    bias = _bias(res.bias_correction, opts)
    notes = [opts.m("model_spec", kind=short, effects=fe, bias=bias, w=w_description,
                    convention=label("opt_", getattr(res, "lag_convention", "exact"), opts.lang))]
    if m_description is not None:
        notes.append(opts.m("mf_n_error_weights", m=m_description))
    models = {column: res}
    extra = {opts.m("fixed_effects"): fe, "N": str(res.N), "T": str(res.T), opts.m("bias_correction"): bias}
    if dynamic:
        notes.append(opts.m("mf_n_dynamic", first=first_period, t=res.T, lags=opts.m(f"mf_lags_{dynamic}")))
        if res.bias_correction is not None:
            models[opts.m("mf_col_uncorrected")] = _Column.of(res.uncorrected)
        extra[opts.m("mf_row_stationarity")] = opts.m("mf_stable" if res.stationarity.stable else "mf_not_stationary")
        extra[opts.m("mf_row_radius")] = _number(res.stationarity.spectral_radius, opts)
    table = regression_table(models, impacts=None if dynamic or impacts is None else {column: impacts},
                             name=f"model_{key}", digits=opts.digits, labels=_LAG_LABELS, lang=opts.lang,
                             title=opts.m("mf_t_model", model=title, formula=res.formula),
                             extra_rows={k: [v] + [""] * (len(models) - 1) for k, v in extra.items()})
    tables = [table.with_(notes=table.notes + tuple(notes), sheet=opts.m("mf_sheet_model"))]
    fields = dict(model=model, effects=opts.m(f"effects_{res.effects}"), formula=res.formula, n_draws=n_draws,
                  seed=seed)
    figures: list[Figure] = []
    if dynamic:
        wx = " + WX(t)θ" if res.kind == "sdm" else ""
        paras = [opts.m("mf_p_dynamic", lags=opts.m(f"mf_eq_{dynamic}"), wx=wx, first=first_period, **fields)]
        effects_table, figures, more = _dynamic_parts(res, impacts, long_run, model=model, opts=opts)
        tables.append(effects_table)
        paras += more
    else:
        if res.kind in ("sac", "gns"):
            paras = [opts.m("mf_p_sac", wx=" + WXθ" if res.kind == "gns" else "", **fields)]
            if res.kind == "gns" and res.m_is_w:
                paras.append(opts.m("mf_p_gns_identification"))
        else:
            paras = [opts.m("mf_p_sem" if res.kind == "sem" else "mf_p_static", **fields)]
        if impacts is not None:
            figures.append(_effects_figure(impacts, name="effects", title=opts.m("mf_f_effects", model=model),
                                           opts=opts))
    return Section(id="sdm", title=title, tables=tuple(tables), figures=tuple(figures), paragraphs=tuple(paras))


def bayes_section(comparison, *, isolates: Sequence, w_description: str, opts: ReportOptions) -> Section:
    """Posterior model probabilities of a :class:`~spatialccd.models.BayesianComparison` (LeSage 2014), with
    the priors, the treatment of the fixed effects and the units without neighbours (``isolates``) stated."""
    frame = comparison.to_frame()
    frame.index = pd.Index([m.upper() for m in frame.index], name="model")
    frame["spatial"] = frame["spatial"].map(_SPATIAL)
    frame["k"] = frame["k"].astype(int)
    if (frame["dof"] == frame["dof"].round()).all():
        frame["dof"] = frame["dof"].astype(int)
    lo, hi = comparison.bounds
    fe = opts.m(f"fe_{comparison.effects}")
    notes = (opts.m("mf_n_bayes_priors", lo=f"{lo:.4f}", hi=f"{hi:.4f}"),
             opts.m(f"mf_n_bayes_fe_{comparison.fixed_effects}", effects=fe, n=f"{comparison.n_effective:g}"),
             opts.m("mf_n_bayes_w", w=w_description))
    table = Table.from_frame(_headers(frame, opts, _BAYES_HEADERS), name="bayes_comparison",
                             digits=max(opts.digits, 4), title=opts.m("mf_t_bayes", formula=comparison.formula),
                             notes=notes, sheet=opts.m("mf_sheet_bayes"))
    best = comparison.best
    paras = [opts.m("mf_p_bayes", best=best.upper(), p=f"{float(comparison.probabilities[best]):.4f}")]
    if len(isolates):
        sep = "、" if opts.lang == "zh" else ", "
        paras.append(opts.m("mf_p_bayes_islands", units=sep.join(unit_labels(list(isolates), opts.names))))
    return Section(id="bayes", title=opts.m("mf_s_bayes"), tables=(table,), paragraphs=tuple(paras))
