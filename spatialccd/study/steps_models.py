"""The spatial panel model family in a study (issue 19): every ``[sdm] kind``, dynamic SAR/SDM panels and the
Bayesian comparison of model families.

Study-file keys (validated by :func:`check_spec`, called from ``spec._check_cross``; the keys live in the
core ``[sdm]`` and ``[tests]`` tables of :data:`spatialccd.study.schema.CORE`):

``[sdm] kind`` = "sar" | "sem" | "sdm" | "sdem" | "slx" | "sac" | "gns" (default "sdm")
    The model of the ``sdm`` section, fitted once on the study's panel and W.  The static families go
    through the run's model cache (``ctx.fit``, shared with the ``[tests]`` comparison); SAC and GNS
    (:func:`spatialccd.models.sac`, :func:`~spatialccd.models.gns`) are fitted here.  The static SDM
    keeps its own section (:func:`spatialccd.report.sections.sdm_section`, with the demo's recovery table).
``[sdm] error_weights`` = "contiguity" | "knn" | "distance"
    SAC/GNS only: the weights M of the error process u = λMu + ε, built with the ``[weights]`` options
    (``k``, ``power``, ``threshold``, ``rook``, ``islands``).  Default (and when it names the ``[weights]``
    kind): M = W.  A GNS with M = W is only weakly identified (LeSage & Pace 2009, ch. 2): the model
    warns and the section says so.
``[sdm] dynamic`` = "ylag" | "wylag" | "both"
    A dynamic SAR/SDM (:func:`spatialccd.models.dynamic_panel`, ``kind`` "sar" or "sdm") with
    y_{t−1}, W y_{t−1} or both; ``bias_correction`` "yu-de-jong-lee" (unit effects; Yu, de Jong & Lee
    2008) or "lee-yu" (time or two-way effects; Lee & Yu 2010); ``lag_convention`` must be "exact".
    Needs at least 3 periods (checked against ``[data] years`` when the file is read, and against the
    data before the model runs).  The section shows short- and long-run effects side by side and the
    stationarity check; estimates outside the stationary region are reported as such (and warned).
``[tests] bayesian`` = true, ``fixed_effects`` = "lee-yu" | "integrated" (default "lee-yu")
    Posterior probabilities of OLS, SLX, SAR, SDM, SEM and SDEM (:func:`spatialccd.models.bayesian_comparison`,
    LeSage 2014) for the ``[tests]`` formula and effects, as the section ``bayes`` right after the
    specification tests.  Units without neighbours in W keep a zero spatial lag (the section lists them);
    with time effects the comparison needs a row-standardised W and the run stops naming ``[tests] bayesian``.

``"yu-de-jong-lee"`` is a dynamic word: for a static model, and ``error_weights`` for a model without an
error process, the study file is refused (an option is never accepted and ignored); ``by_region`` and
``robustness_weights`` fit the static SDM and are refused with another kind or a dynamic model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..exceptions import SpatialCCDError, StudyError
from ..report import sections_models as R
from .steps import Step, _model_options, describe_weights, restricted, weights_of_kind
from .steps_structure import _fail

__all__ = ["SCHEMA", "STEPS", "check_spec", "FamilyStep", "BayesStep"]

SCHEMA: dict = {}   # the keys are in the core [sdm] and [tests] tables (schema.CORE)

DYNAMIC_KINDS = ("sar", "sdm")
ERROR_KINDS = ("sac", "gns")
#: dynamic bias correction → the effects it applies to (models.dynamic.dynamic_panel)
DYNAMIC_CORRECTIONS = {"yu-de-jong-lee": ("individual",), "lee-yu": ("time", "twoways")}
MIN_DYNAMIC_PERIODS = 3


# -- validation of the study file (before anything runs) -------------------------------------
def _check_dynamic(spec: dict, source: str) -> None:
    s = spec["sdm"]
    kind, bias, effects = s["kind"], s["bias_correction"], s["effects"]
    if kind not in DYNAMIC_KINDS:
        raise _fail(source, "sdm", "dynamic", f"a dynamic panel is a SAR or an SDM; kind = {kind!r} has no dynamic "
                    "form (set kind = \"sar\" or \"sdm\", or remove dynamic)")
    if bias is not None and effects not in DYNAMIC_CORRECTIONS.get(bias, ()):
        allowed = ["none"] + [b for b, eff in DYNAMIC_CORRECTIONS.items() if effects in eff]
        raise _fail(source, "sdm", "bias_correction", f"{bias!r} does not apply to a dynamic model with effects = "
                    f"{effects!r}: \"yu-de-jong-lee\" corrects unit effects (Yu, de Jong & Lee 2008), \"lee-yu\" "
                    f"removes time effects by the transformation (Lee & Yu 2010); allowed here: {', '.join(allowed)}")
    if s["lag_convention"] != "exact":
        raise _fail(source, "sdm", "lag_convention", f"{s['lag_convention']!r}: a dynamic model forms its spatial "
                    "lags on the raw data (\"exact\"); the splm convention is not defined for it")
    years = spec["data"]["years"]
    if years is not None and years[1] - years[0] + 1 < MIN_DYNAMIC_PERIODS:
        raise _fail(source, "sdm", "dynamic", f"a dynamic panel needs at least {MIN_DYNAMIC_PERIODS} periods (the "
                    f"first is the initial condition), but [data] years = {years} keeps at most "
                    f"{max(years[1] - years[0] + 1, 0)}; widen [data] years or remove dynamic")


def _check_sdm(spec: dict, source: str) -> None:
    s = spec["sdm"]
    kind, bias, dynamic = s["kind"], s["bias_correction"], s["dynamic"]
    if s["error_weights"] is not None and kind not in ERROR_KINDS:
        raise _fail(source, "sdm", "error_weights", f"is the W of the error process of a SAC or GNS model; kind = "
                    f"{kind!r} has none (set kind = \"sac\" or \"gns\", or remove error_weights)")
    if dynamic is not None:
        _check_dynamic(spec, source)
    elif bias == "yu-de-jong-lee":
        raise _fail(source, "sdm", "bias_correction", "\"yu-de-jong-lee\" is the bias correction of a dynamic panel "
                    "(Yu, de Jong & Lee 2008): set dynamic = \"ylag\", \"wylag\" or \"both\", or use none, "
                    "\"lee-yu\" or \"elhorst\" for a static model")
    elif bias == "elhorst" and kind in ERROR_KINDS:
        raise _fail(source, "sdm", "bias_correction", "\"elhorst\" is the correction of the Elhorst toolbox for "
                    "SAR/SDM/SEM/SDEM, not for SAC/GNS; use none or \"lee-yu\"")
    for key in ("by_region", "robustness_weights"):
        if s[key] is not None and (kind != "sdm" or dynamic is not None):
            model = f"kind = {kind!r}" + (f" with dynamic = {dynamic!r}" if dynamic is not None else "")
            raise _fail(source, "sdm", key, f"fits the static SDM and cannot accompany {model}: remove {key} or "
                        "fit the static SDM (kind = \"sdm\", no dynamic)")


def check_spec(spec: dict, source: str) -> None:
    """Cross-table checks of this module's keys (called by ``spec._check_cross``)."""
    if "sdm" in spec:
        _check_sdm(spec, source)
    if "tests" in spec:
        t = spec["tests"]
        if t["fixed_effects"] is not None and not t["bayesian"]:
            raise _fail(source, "tests", "fixed_effects", "is the fixed-effects treatment of the Bayesian comparison; "
                        "set bayesian = true or remove fixed_effects")


# -- step results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class FamilyStep:
    """The [sdm] model when it is not the static SDM: the fit and its effects.

    ``impacts``: the static (or, for a dynamic model, short-run) effects; None for the SEM, whose
    effects are its coefficients.  ``long_run``: the long-run effects of a dynamic model (None when
    1 − τ − ρ − η ≤ 0).  ``error_weights``: the ``[sdm] error_weights`` word M was built from (None: M = W).
    """

    result: object = field(repr=False)       # SpatialPanelResults, SACResults or DynamicResults
    impacts: object = field(repr=False)
    long_run: object = field(default=None, repr=False)
    error_weights: str | None = None


@dataclass(frozen=True)
class BayesStep:
    comparison: object = field(repr=False)   # models.BayesianComparison
    isolates: tuple = ()                     # units without a neighbour in W


# -- compute ---------------------------------------------------------------------------------
def weights_graph(ctx, kind: str, *, table: str, key: str):
    """A W of ``kind`` ("contiguity", "knn", "distance") with the ``[weights]`` options, over the study's units."""
    graph = weights_of_kind(ctx.spec["weights"], kind, ctx.results["weights"].geometry)
    units = list(ctx.panel.units)
    have = set(graph.unique_ids)
    missing = [u for u in units if u not in have]
    if missing:
        raise StudyError(f"{ctx.source}: [{table}] {key} = {kind!r}: units {missing[:20]} of the data are not in "
                         "these weights", table=table, key=key)
    return restricted(graph, units)


def _error_weights(ctx):
    """M of a SAC/GNS as (graph, word); (None, None) for M = W."""
    kind = ctx.spec["sdm"]["error_weights"]
    if kind is None or kind == ctx.spec["weights"]["kind"]:
        return None, None
    return weights_graph(ctx, kind, table="sdm", key="error_weights"), kind


def _fit_sac(ctx):
    from ..models import gns, sac

    s, p = ctx.spec["sdm"], ctx.panel
    m, word = _error_weights(ctx)
    fit = sac if s["kind"] == "sac" else gns
    try:
        res = fit(p, s["formula"], ctx.graph, m=m, unit=p.unit, time=p.time, effects=s["effects"],
                  bias_correction=s["bias_correction"], lag_convention=s["lag_convention"],
                  units=ctx.spec["data"]["units"])
    except SpatialCCDError as exc:
        raise StudyError(f"{ctx.source}: [sdm] kind = {s['kind']!r}: {exc}", table="sdm", key="kind") from exc
    return res, word


def _fit_dynamic(ctx):
    from ..models import dynamic_panel

    s, p = ctx.spec["sdm"], ctx.panel
    if p.T < MIN_DYNAMIC_PERIODS:
        raise StudyError(f"{ctx.source}: [sdm] dynamic = {s['dynamic']!r}: a dynamic panel needs at least "
                         f"{MIN_DYNAMIC_PERIODS} periods (the first is the initial condition); the data have T = {p.T} "
                         f"({p.time} {list(p.times)})", table="sdm", key="dynamic")
    try:
        return dynamic_panel(p, s["formula"], ctx.graph, kind=s["kind"], dynamic=s["dynamic"], unit=p.unit,
                             time=p.time, effects=s["effects"], bias_correction=s["bias_correction"],
                             units=ctx.spec["data"]["units"])
    except SpatialCCDError as exc:
        raise StudyError(f"{ctx.source}: [sdm] dynamic = {s['dynamic']!r}: {exc}", table="sdm",
                         key="dynamic") from exc


def compute_model(ctx) -> FamilyStep:
    """The [sdm] model of any ``kind`` but the static SDM (see the module docstring), fitted once."""
    s = ctx.spec["sdm"]
    draws = dict(n_draws=s["n_draws"], seed=s["seed"])
    if s["dynamic"] is not None:
        res = _fit_dynamic(ctx)
        long_run = res.impacts("long-run", **draws) if 1 - res.tau - res.rho - res.eta > 0 else None
        return FamilyStep(result=res, impacts=res.impacts("short-run", **draws), long_run=long_run)
    if s["kind"] in ERROR_KINDS:
        res, word = _fit_sac(ctx)
        return FamilyStep(result=res, impacts=res.impacts(**draws), error_weights=word)
    res = ctx.fit(s["kind"], s["formula"], **_model_options(ctx))
    return FamilyStep(result=res, impacts=None if s["kind"] == "sem" else res.impacts(**draws))


def compute_bayes(ctx) -> BayesStep:
    from ..models import bayesian_comparison

    t, p = ctx.spec["tests"], ctx.panel
    alone = set(ctx.graph.isolates)
    isolates = tuple(u for u in p.units if u in alone)
    try:
        comparison = bayesian_comparison(p, t["formula"], ctx.graph, unit=p.unit, time=p.time, effects=t["effects"],
                                         fixed_effects=t["fixed_effects"] or "lee-yu",
                                         units=ctx.spec["data"]["units"])
    except SpatialCCDError as exc:
        hint = (f" Units without neighbours: {list(isolates)[:20]}; give them neighbours ([weights] islands = "
                "\"nearest\") or use [tests] effects = \"individual\"." if isolates else "")
        raise StudyError(f"{ctx.source}: [tests] bayesian: {exc}.{hint}", table="tests", key="bayesian") from exc
    return BayesStep(comparison=comparison, isolates=isolates)


# -- present ---------------------------------------------------------------------------------
def _weights_description(kind: str, run, opts) -> str:
    return describe_weights(run.study.spec["weights"], kind, opts.m, shapes=run.results["weights"].geometry is not None)


def present_model(r: FamilyStep, run, opts):
    s = run.study.spec["sdm"]
    m = None
    if s["kind"] in ERROR_KINDS:
        m = opts.m("mf_m_is_w") if r.result.m_is_w else _weights_description(r.error_weights, run, opts)
    return R.model_section(r.result, r.impacts, long_run=r.long_run, n_draws=s["n_draws"], seed=s["seed"],
                           w_description=run.results["weights"].description, m_description=m,
                           first_period=run.panel.times[0], opts=opts)


def present_bayes(r: BayesStep, run, opts):
    return R.bayes_section(r.comparison, isolates=r.isolates, w_description=run.results["weights"].description,
                           opts=opts)


STEPS = {
    "bayes": Step(compute_bayes, present_bayes, table="tests", when=lambda spec: spec["tests"]["bayesian"]),
}
