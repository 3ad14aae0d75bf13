"""Seed analyses of structure and robustness (issue 16): the development-types table, panel Moran's I,
regional sub-sample SDMs and the SDM under alternative spatial weights.

Study-file keys (validated by :func:`check_spec`, called from ``spec._check_cross``):

``[types]`` (seed 000 Table 5, seed 002 Table 4)
    ``years`` (default all), ``group`` ("region3", "region4", a data column or a
    ``[types.group]`` table unit → group: group mean rows), ``mean_label`` (the overall
    mean row; default "National mean" only for all 31 provinces, else "Mean"), ``scores``
    (two data columns holding the subsystem scores, e.g. a paper's printed indices; default
    the evaluation's two subsystem scores).  Grades, thresholds, α and the coupling method
    come from ``[coordination]``.
``[tests] panel_moran = true`` (seed 002 Table 6)
    Moran's I of the pooled panel (W = I_T ⊗ W) of the outcome and of the residuals of the
    non-spatial fixed-effects model (``[tests]`` formula and effects), reported just before
    the specification tests.
``[sdm] by_region`` (seed 002 Table 8)
    "region3", "region4", a data column or a ``[sdm.by_region]`` table unit → region: the
    study's SDM fitted per region (:func:`spatialccd.models.by_region`), side by side.
``[sdm] robustness_weights``
    A list of "contiguity", "knn", "distance", "economic", "nested" or CSV files of a
    square weights matrix (first column and header: unit labels): the study's SDM under
    each W, side by side.  ``[weights] economic`` names the variable of the economic
    distance (period mean per unit), ``nested_phi`` and ``nested_geo`` the nested
    W = φ·W_geo + (1 − φ)·W_econ; ``k``, ``power`` and ``threshold`` are those of ``[weights]``.

A one-unit region and a W that does not cover the data's units stop the run before any
model is fitted, naming ``[sdm] by_region`` or ``[sdm] robustness_weights``; what can be
checked from the study file alone is checked when it is read.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import DataError, SpatialCCDError, StudyError, WeightsError
from ..report import sections_structure as R
from .schema import CORE, Opt
from .steps import Step, _model_options, restricted, weights_of_kind

__all__ = ["SCHEMA", "STEPS", "ROBUSTNESS_KINDS", "check_spec"]

#: The built-in weights a robustness table can use (besides CSV files of a matrix).
ROBUSTNESS_KINDS = ("contiguity", "knn", "distance", "economic", "nested")

SCHEMA = {
    "types": {"years": Opt(list, item=int), "group": Opt((str, dict)), "mean_label": Opt(str),
              "scores": Opt(list, item=str)},
}


# -- validation of the study file (before anything runs) -------------------------------------
def _fail(source: str, table: str, key: str, text: str) -> StudyError:
    return StudyError(f"{source}: [{table}] {key}: {text}", table=table, key=key)


def _check_mapping(mapping: Mapping, source: str, table: str, key: str) -> None:
    bad = [k for k, v in mapping.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise _fail(source, table, key, f"every unit must map to a group name (a string); not for {bad[:10]}")


def _one_unit_regions(region_of: Mapping) -> dict:
    groups: dict = {}
    for unit, region in region_of.items():
        groups.setdefault(region, []).append(unit)
    return {r: u for r, u in groups.items() if len(u) < 2}


def _kept_province_regions(spec: dict, column: str) -> dict | None:
    """Region of each province kept by ``[data] keep`` (None when the file does not say which units)."""
    from ..geo import province_table
    from ..panel import normalise_units

    keep = spec["data"]["keep"]
    if not keep:
        return None
    try:
        codes, is_province = normalise_units(keep)
    except (ValueError, KeyError):
        return None
    if not is_province:
        return None
    table = province_table()
    return {table.at[c, "name_en"]: table.at[c, column] for c in codes}


def _check_types(spec: dict, source: str) -> None:
    t = spec["types"]
    if t["scores"] is not None:
        if len(t["scores"]) != 2 or len(set(t["scores"])) != 2:
            raise _fail(source, "types", "scores", f"give two different data columns [U1, U2], got {t['scores']}")
        alpha = spec.get("coordination", {}).get("alpha")
        if alpha is not None and len(alpha) != 2:
            raise _fail(source, "coordination", "alpha", f"[types] uses two scores but alpha has {len(alpha)} values")
    elif "indicators" not in spec or len(spec["indicators"].subsystems) != 2:
        n = len(spec["indicators"].subsystems) if "indicators" in spec else 0
        raise _fail(source, "types", "scores", "the development types need exactly two subsystem scores: give an "
                    f"[indicators] table with two subsystems (it has {n}) or scores = [\"U1\", \"U2\"] (data columns)")
    if t["years"] is not None and (not t["years"] or len(set(t["years"])) != len(t["years"])):
        raise _fail(source, "types", "years", f"give distinct years, got {t['years']}")
    if isinstance(t["group"], dict):
        _check_mapping(t["group"], source, "types", "group")


def _check_by_region(spec: dict, source: str) -> None:
    group = spec["sdm"]["by_region"]
    if isinstance(group, str) and not group.strip():
        raise _fail(source, "sdm", "by_region", "give \"region3\", \"region4\", a data column or a "
                    "[sdm.by_region] table (unit = region)")
    if isinstance(group, dict):
        _check_mapping(group, source, "sdm", "by_region")
        region_of = dict(group)
    elif group in ("region3", "region4"):
        region_of = _kept_province_regions(spec, group)
    else:
        return   # a data column: checked when the data are read
    single = _one_unit_regions(region_of or {})
    if single:
        raise _fail(source, "sdm", "by_region", f"region(s) with a single unit cannot be fitted on their own: "
                    f"{single}; merge them with a neighbouring region")


def _check_robustness(spec: dict, source: str) -> None:
    entries = spec["sdm"]["robustness_weights"]
    w = spec.get("weights", {})
    if not entries:
        raise _fail(source, "sdm", "robustness_weights", "give at least one W, e.g. [\"contiguity\", \"distance\"]")
    dup = sorted({e for e in entries if entries.count(e) > 1})
    if dup:
        raise _fail(source, "sdm", "robustness_weights", f"{dup} listed twice")
    bad = [e for e in entries if e not in ROBUSTNESS_KINDS and not e.lower().endswith(".csv")]
    if bad:
        raise _fail(source, "sdm", "robustness_weights", f"{bad} are not allowed; allowed values: "
                    f"{', '.join(ROBUSTNESS_KINDS)} or a .csv file of a weights matrix")
    needs_x = [e for e in entries if e in ("economic", "nested")]
    if needs_x and not w.get("economic"):
        raise _fail(source, "weights", "economic", f"{needs_x} weights need the variable of the economic distance, "
                    "e.g. [weights] economic = \"gdp_pc\"")
    if not 0.0 <= w.get("nested_phi", 0.5) <= 1.0:
        raise _fail(source, "weights", "nested_phi", f"phi must lie in [0, 1], got {w['nested_phi']}")


def check_spec(spec: dict, source: str) -> None:
    """Cross-table checks of this module's keys (called by ``spec._check_cross``)."""
    if "types" in spec:
        _check_types(spec, source)
    if "sdm" in spec and spec["sdm"]["by_region"] is not None:
        _check_by_region(spec, source)
    if "sdm" in spec and spec["sdm"]["robustness_weights"] is not None:
        _check_robustness(spec, source)
    elif spec.get("weights", {}).get("economic"):
        raise _fail(source, "weights", "economic", "is the variable of the economic and nested robustness weights; "
                    "list them in [sdm] robustness_weights or remove the key")


# -- step results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TypesStep:
    table: pd.DataFrame = field(repr=False)   # spatialccd.coordination.development_types_table
    scores: tuple[str, str]
    from_data: bool
    years: tuple


@dataclass(frozen=True)
class PanelMoranStep:
    outcome: object          # MoranTest of the pooled outcome
    residuals: object        # MoranTest of the non-spatial fixed-effects residuals
    yname: str
    formula: str
    effects: str
    n: int
    t: int


@dataclass(frozen=True)
class RegionalStep:
    regional: object = field(repr=False)     # models.RegionalResults
    impacts: dict = field(repr=False)        # region → Impacts (the study's n_draws and seed)
    group: object = None


@dataclass(frozen=True)
class RobustnessStep:
    results: dict = field(repr=False)        # entry → SpatialPanelResults
    impacts: dict = field(repr=False)        # entry → Impacts
    cardinalities: dict = field(repr=False)  # entry → neighbours per unit
    islands: dict = field(default_factory=dict)   # entry → units without a neighbour in the distance band
    main: str | None = None                  # the entry that is the study's own W


# -- compute ---------------------------------------------------------------------------------
def _per_unit(ctx, column: str, table: str, key: str) -> pd.Series:
    """A data column that is constant within each unit, as a Series unit → value."""
    frame = ctx.panel.frame_.reset_index()
    unit = ctx.panel.unit
    varying = frame.groupby(unit)[column].nunique(dropna=False)
    if (varying > 1).any():
        raise StudyError(f"{ctx.source}: [{table}] {key} = {column!r} changes over time for units "
                         f"{varying.index[varying > 1].tolist()[:10]}", table=table, key=key)
    return frame.groupby(unit)[column].first().reindex(ctx.panel.units)


def _group(ctx, group, table: str, key: str):
    """A group spec for the analysis layer: a region name as is, a mapping with unit codes, a column as a mapping."""
    from ..panel import normalise_units

    if group is None or group in ("region3", "region4"):
        return group
    if isinstance(group, dict):
        codes, _ = normalise_units(list(group))
        return dict(zip(codes, group.values()))
    if group not in ctx.panel.columns:
        raise StudyError(f"{ctx.source}: [{table}] {key} = {group!r} is neither region3/region4 nor a column of the "
                         f"data; columns are {list(ctx.panel.columns)}", table=table, key=key)
    return _per_unit(ctx, group, table, key).to_dict()


def _coordination(spec: dict) -> dict:
    """The [coordination] settings (grades, thresholds, α, method), or their defaults without the table."""
    return spec.get("coordination") or {k: o.default for k, o in CORE["coordination"].items()}


def compute_types(ctx) -> TypesStep:
    from ..coordination import development_types_table

    t = ctx.spec["types"]
    c = _coordination(ctx.spec)
    if t["scores"] is not None:
        absent = [s for s in t["scores"] if s not in ctx.panel.columns]
        if absent:
            raise StudyError(f"{ctx.source}: [types] scores {absent} are not columns of the data; columns are "
                             f"{list(ctx.panel.columns)}", table="types", key="scores")
        scores = ctx.panel.frame_[list(t["scores"])]
    else:
        scores = ctx.results["evaluation"].scores
    times = list(ctx.panel.times)
    years = t["years"] or times
    absent = [y for y in years if y not in times]
    if absent:
        raise StudyError(f"{ctx.source}: [types] years {absent} are not in the data ({times[0]}–{times[-1]})",
                         table="types", key="years")
    lower, upper = c["thresholds"]
    try:
        table = development_types_table(scores, years=years, group=_group(ctx, t["group"], "types", "group"),
                                        unit=ctx.panel.unit, time=ctx.panel.time, alpha=c["alpha"],
                                        method=c["method"], scheme=c["scheme"], lower=lower, upper=upper,
                                        mean_label=t["mean_label"], lang=ctx.study.lang)
    except DataError as exc:
        key = "scores" if t["scores"] is not None else "group"
        raise StudyError(f"{ctx.source}: [types] {exc}", table="types", key=key) from None
    return TypesStep(table=table, scores=tuple(str(s) for s in scores.columns), from_data=t["scores"] is not None,
                     years=tuple(years))


def compute_panel_moran(ctx) -> PanelMoranStep:
    """Moran's I of the outcome and of the non-spatial FE residuals, on the design of the [tests] formula
    (so transformed terms such as log(x) enter as the model sees them)."""
    from ..autocorrelation import panel_moran
    from ..models.design import build_design

    s = ctx.spec["tests"]
    p = ctx.panel
    design = build_design(p, s["formula"], ctx.graph, unit=p.unit, time=p.time, effects=s["effects"],
                          lag_convention=s["lag_convention"], durbin=None)
    names = [f"x{j}" for j in range(design.X.shape[1])]
    frame = p.frame(np.column_stack([design.y, design.X]), columns=["y", *names]).reset_index()
    pooled = panel_moran(frame, "y", ctx.graph, unit=p.unit, time=p.time, effects="none")
    residuals = panel_moran(frame, "y", ctx.graph, unit=p.unit, time=p.time, effects=s["effects"], regressors=names)
    return PanelMoranStep(outcome=pooled, residuals=residuals, yname=design.yname, formula=s["formula"],
                          effects=s["effects"], n=p.N, t=p.T)


def compute_regional(ctx) -> RegionalStep:
    from ..models import by_region, sdm
    from ..models.regional import region_of_units

    s = ctx.spec["sdm"]
    group = _group(ctx, s["by_region"], "sdm", "by_region")
    try:
        region = region_of_units(ctx.panel, None, group)
    except SpatialCCDError as exc:
        raise StudyError(f"{ctx.source}: [sdm] by_region: {exc}", table="sdm", key="by_region") from None
    single = {str(r): ctx.panel.units[(region == r).to_numpy()].tolist() for r in pd.unique(region.dropna())}
    single = {r: u for r, u in single.items() if len(u) < 2}
    if single:
        raise StudyError(f"{ctx.source}: [sdm] by_region: region(s) with a single unit cannot be fitted on their "
                         f"own: {single}; merge them with a neighbouring region", table="sdm", key="by_region")
    if s["robustness_weights"]:   # the robustness step runs next: check its W too before any model is fitted
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # the robustness step reports them
            _robustness_graphs(ctx)
    ctx.log.say("log_regions", regions=", ".join(f"{r} {int((region == r).sum())}" for r in pd.unique(region)))
    try:
        regional = by_region(sdm, ctx.panel.frame_.reset_index(), s["formula"], ctx.graph, group=group,
                             unit=ctx.panel.unit, time=ctx.panel.time, include_all=True,
                             impacts_method="simulation", n_draws=s["n_draws"], seed=s["seed"], **_model_options(ctx))
    except StudyError:
        raise
    except SpatialCCDError as exc:   # too few observations, a regressor constant within a region, no convergence
        raise StudyError(f"{ctx.source}: [sdm] by_region: {exc}", table="sdm", key="by_region") from None
    impacts = {r: res.impacts(n_draws=s["n_draws"], seed=s["seed"]) for r, res in regional.results.items()}
    return RegionalStep(regional=regional, impacts=impacts, group=s["by_region"])


def _matrix_file(ctx, entry: str):
    """A user's weights matrix (CSV: unit labels in the first column and the header), aligned to the data."""
    from ..panel import normalise_units
    from ..weights import from_matrix

    path = (ctx.study.base_dir / entry).resolve()
    where = f"{ctx.source}: [sdm] robustness_weights {entry!r}"
    if not path.is_file():
        raise StudyError(f"{where}: file not found: {path}", table="sdm", key="robustness_weights")
    try:
        m = pd.read_csv(path, index_col=0)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise StudyError(f"{where}: cannot read {path.name}: {exc}", table="sdm", key="robustness_weights") from None
    rows, cols = [str(r).strip() for r in m.index], [str(c).strip() for c in m.columns]
    if ctx.panel.is_province:
        try:
            rows, cols = normalise_units(rows)[0], normalise_units(cols)[0]
        except ValueError as exc:
            raise StudyError(f"{where}: {exc}", table="sdm", key="robustness_weights") from None
    if rows != cols or len(set(rows)) != len(rows):
        raise StudyError(f"{where}: the header of {path.name} must list the same units, each once, in the same order "
                         f"as its first column", table="sdm", key="robustness_weights")
    units = list(ctx.panel.units)
    have = set(rows)
    missing = [u for u in units if u not in have]
    if missing:
        raise StudyError(f"{where}: W does not match the units of the data: {len(missing)} unit(s) of the data are "
                         f"not in {path.name}: {missing[:20]}", table="sdm", key="robustness_weights")
    values = m.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    where_row = {r: i for i, r in enumerate(rows)}
    pos = [where_row[u] for u in units]
    wanted = set(units)
    extra = [r for r in rows if r not in wanted]
    if extra:
        ctx.log.say("log_w_file_subset", file=path.name, units=extra[:20])
    try:
        return from_matrix(values[pos][:, pos], units, transform="r")
    except WeightsError as exc:
        raise StudyError(f"{where}: {path.name}: {exc}", table="sdm", key="robustness_weights") from None


def _robustness_graph(ctx, entry: str, built: dict):
    from .. import weights as W

    w = ctx.spec["weights"]
    if entry == w["kind"]:
        return ctx.graph
    if entry.lower().endswith(".csv"):
        return _matrix_file(ctx, entry)
    units = list(ctx.panel.units)
    if entry != "economic" and not ctx.panel.is_province:
        raise StudyError(f"{ctx.source}: [sdm] robustness_weights {entry!r}: the built-in geographic weights need "
                             f"province units in {ctx.panel.unit!r}; give a .csv weights matrix",
                             table="sdm", key="robustness_weights")

    def geographic(kind: str):
        if kind == w["kind"]:
            return ctx.graph
        if kind in built:
            return built[kind]
        return restricted(weights_of_kind(w, kind, None), units)

    if entry in ("contiguity", "knn", "distance"):
        return geographic(entry)
    values = _per_unit_mean(ctx, w["economic"])
    try:
        econ = W.economic(values, units="labels", k=w["economic_k"])
    except WeightsError as exc:
        raise StudyError(f"{ctx.source}: [weights] economic = {w['economic']!r}: {exc}", table="weights",
                         key="economic_k" if w["economic_k"] is not None or len(values) > W.DENSE_LIMIT
                         else "economic") from None
    if entry == "economic":
        return econ
    return W.nested(geographic(w["nested_geo"]), econ, method="convex", phi=w["nested_phi"])


def _per_unit_mean(ctx, column: str) -> pd.Series:
    if column not in ctx.panel.columns:
        raise StudyError(f"{ctx.source}: [weights] economic = {column!r} is not a column of the data; columns are "
                         f"{list(ctx.panel.columns)}", table="weights", key="economic")
    try:
        return pd.Series(ctx.panel.matrix(column).mean(axis=1), index=ctx.panel.units)
    except DataError as exc:
        raise StudyError(f"{ctx.source}: [weights] economic: {exc}", table="weights", key="economic") from None


def _robustness_graphs(ctx) -> dict:
    """Every robustness W, built and checked against the data's units."""
    graphs: dict = {}
    for entry in ctx.spec["sdm"]["robustness_weights"]:
        graphs[entry] = _robustness_graph(ctx, entry, graphs)
    return graphs


def compute_robustness(ctx) -> RobustnessStep:
    """Every W is built (and checked against the units) before the first model is fitted."""
    from ..exceptions import IslandWarning
    from ..models import SpatialPanelModel

    s, w = ctx.spec["sdm"], ctx.spec["weights"]
    graphs = _robustness_graphs(ctx)
    islands = {}
    if w["threshold"] is not None and ctx.panel.is_province:   # units the distance band leaves alone
        from .. import weights as W

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IslandWarning)
            kept = set(ctx.panel.units)
            alone = [u for u in W.distance(power=w["power"], threshold=w["threshold"], islands="keep").isolates
                     if u in kept]
        islands = {e: alone for e in graphs if alone and (e == "distance" or (e == "nested" and
                                                                               w["nested_geo"] == "distance"))}
    opts = _model_options(ctx)
    results, impacts, card = {}, {}, {}
    for entry, g in graphs.items():
        card[entry] = pd.Series(g.cardinalities).reindex(ctx.panel.units)
        ctx.log.say("log_robust_w", w=entry, n=len(card[entry]), linked=int((card[entry] > 0).sum()))
        if g is ctx.graph:
            results[entry] = ctx.fit("sdm", s["formula"], **opts)
        else:
            try:
                results[entry] = SpatialPanelModel(ctx.panel, s["formula"], g, kind="sdm", unit=ctx.panel.unit,
                                                   time=ctx.panel.time, **opts).fit()
            except SpatialCCDError as exc:
                raise StudyError(f"{ctx.source}: [sdm] robustness_weights {entry!r}: the SDM under this W failed: "
                                 f"{exc}", table="sdm", key="robustness_weights") from None
        impacts[entry] = results[entry].impacts(n_draws=s["n_draws"], seed=s["seed"])
    return RobustnessStep(results=results, impacts=impacts, cardinalities=card, islands=islands,
                          main=w["kind"] if w["kind"] in graphs else None)


# -- present ---------------------------------------------------------------------------------
def present_types(r: TypesStep, run, opts):
    from ..coordination import grade_scheme

    c = _coordination(run.study.spec)
    return R.types_section(r.table, scores=r.scores, from_data=r.from_data, years=r.years,
                           scheme=grade_scheme(c["scheme"]), thresholds=tuple(c["thresholds"]), opts=opts)


def present_panel_moran(r: PanelMoranStep, run, opts):
    return R.panel_moran_section(r.outcome, r.residuals, yname=r.yname, formula=r.formula, effects=r.effects,
                                 n=r.n, t=r.t, w_description=run.results["weights"].description, opts=opts)


def present_regional(r: RegionalStep, run, opts):
    s = run.study.spec["sdm"]
    return R.regional_section(r.regional, r.impacts, group=r.group, n_draws=s["n_draws"], seed=s["seed"],
                              w_description=run.results["weights"].description, opts=opts)


def present_robustness(r: RobustnessStep, run, opts):
    w = run.study.spec["weights"]
    return R.robustness_section(r.results, r.impacts, r.cardinalities, islands=r.islands, main=r.main,
                                weights=w, n_draws=run.study.spec["sdm"]["n_draws"], opts=opts)


def _wants(table: str, key: str):
    return lambda spec: bool(spec[table][key])


STEPS = {
    "types": Step(compute_types, present_types),
    "panel_moran": Step(compute_panel_moran, present_panel_moran, table="tests", when=_wants("tests", "panel_moran")),
    "sdm_regional": Step(compute_regional, present_regional, table="sdm",
                         when=lambda spec: spec["sdm"]["by_region"] is not None),
    "sdm_robustness": Step(compute_robustness, present_robustness, table="sdm",
                           when=_wants("sdm", "robustness_weights")),
}
