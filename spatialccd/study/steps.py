"""The analyses a study can run: for each, a function that computes its result object from the
run context, and one that turns that result into a report section.

The core chain (seeds 002/003): data → evaluation → coordination → obstacle → weights →
LISA/Moran → Dagum → kernel density → specification tests → SDM.  Its tables are
:data:`spatialccd.study.schema.CORE`; :mod:`spatialccd.study.registry` collects this and
the other domain modules.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..exceptions import StudyError
from ..report import sections as S

__all__ = ["Step", "STEPS"]


@dataclass(frozen=True)
class Step:
    """One analysis: ``compute(ctx) -> result`` and ``present(result, run, opts) -> Section``.

    ``table`` is the study-file table that switches it on (default: the step's own key) and
    ``when(spec) -> bool`` an extra condition (e.g. a key of that table being set); ``cost``: how heavy
    its section is to draw (0: text and tables, 1: charts, 2: maps, 3: many panels), the report's worker
    processes start with the heaviest.
    """

    compute: Callable
    present: Callable
    table: str | None = None
    when: Callable | None = None
    cost: int = 0

    def wanted(self, key: str, spec: dict) -> bool:
        """True when the study asks for this step."""
        table = self.table or key
        return table in spec and (self.when is None or bool(self.when(spec)))


# -- step results that are not already a result object of the analysis layer -------------------
@dataclass(frozen=True)
class DataStep:
    origin: str
    n: int
    t: int
    times: tuple
    prepared: object = field(repr=False)          # io.PreparedData: the changes table and the quality screen
    units: dict = field(default_factory=dict)     # column → unit of measurement (NBS exports)


@dataclass(frozen=True)
class CoordinationStep:
    table: pd.DataFrame = field(repr=False)    # unit, time, U…, C, T, D, grade …
    national: pd.DataFrame = field(repr=False)
    means: object = field(repr=False)          # RegionalMeans
    map_years: tuple = ()


@dataclass(frozen=True)
class ObstacleStep:
    by_year: pd.DataFrame = field(repr=False)
    top: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class WeightsStep:
    description: str
    cardinalities: pd.Series = field(repr=False)
    geometry: object = field(default=None, repr=False)   # the units' GeoDataFrame (None: built-in provinces)


@dataclass(frozen=True)
class MoranStep:
    by_year: pd.DataFrame = field(repr=False)
    column: str
    scatter_year: object
    scatter: pd.DataFrame | None = field(repr=False)   # the LISA of the scatter year (from the LISA step)


@dataclass(frozen=True)
class TestsStep:
    chain: object = field(repr=False)
    comparison: dict = field(repr=False)


@dataclass(frozen=True)
class ModelStep:
    result: object = field(repr=False)
    impacts: object = field(repr=False)
    recovery: pd.DataFrame | None = field(repr=False)


# -- compute -------------------------------------------------------------------------------------
def _read_inputs(ctx) -> pd.DataFrame:
    from ..io import read_long, read_nbs, read_wide

    d = ctx.spec["data"]
    unit, time = d["unit"], d["time"]
    files = ctx.study.data_files()
    for p in files:
        if not p.is_file():
            raise StudyError(f"{ctx.source}: [data] file not found: {p}", table="data", key="path")
    if d["format"] == "nbs":   # every export at once: overlaps are checked across files
        frame = read_nbs(files, unit=unit, time=time, year=d["year"], rename=d["rename"])
        dropped = frame.attrs.get("non_province_rows")
        if dropped:
            ctx.log.say("log_dropped", file=", ".join(p.name for p in files), rows=list(dropped))
        for p in files:
            ctx.log.say("log_read", path=p)
        return frame
    frames = []
    for p in files:
        if d["format"] == "long":
            frames.append(read_long(p, unit=unit, time=time, sheet=d["sheet"]))
        else:
            frames.append(read_wide(p, unit=unit, time=time, sheets=None if d["sheet"] is None else [d["sheet"]]))
        ctx.log.say("log_read", path=p)
    merged = frames[0]
    for p, f in zip(files[1:], frames[1:]):
        clash = [c for c in f.columns if c in merged.columns and c not in (unit, time)]
        if clash:
            raise StudyError(f"{ctx.source}: [data] column(s) {clash} of {p.name} appear in an earlier file too",
                             table="data", key="paths")
        merged = merged.merge(f, on=[unit, time], how="outer")
    if d["rename"]:
        unknown = [k for k in d["rename"] if k not in merged.columns]
        if unknown:
            raise StudyError(f"{ctx.source}: [data.rename] {unknown} are not columns of the data; columns are "
                             f"{list(merged.columns)}", table="data.rename", key=unknown[0])
        merged = merged.rename(columns=d["rename"])
    return merged


def _prepare(ctx, frame: pd.DataFrame):
    """Select units and years, fill or drop missing cells, derive variables, screen quality (logged)."""
    from ..exceptions import DataError, ExpressionError
    from ..io import prepare

    d, spec = ctx.spec["data"], ctx.spec
    e = spec.get("evaluation", {})
    quality = d["quality"] or {}
    missing = dict(d["missing"] or {})
    default = missing.pop("all", "error")
    policy = {c: missing.get(c, default) for c in frame.columns if c not in (d["unit"], d["time"])}
    policy.update(missing)
    try:
        return prepare(frame, unit=d["unit"], time=d["time"], units=d["keep"], exclude=d["exclude"],
                       years=tuple(d["years"]) if d["years"] else None, derive=d["derive"],
                       missing=policy if missing else default, max_gap=d["max_gap"], extrapolate=d["extrapolate"],
                       quality=quality.get("screen", True), system=spec.get("indicators"),
                       factor=float(quality.get("factor", 3.0)), standardise=e.get("standardise", "range"),
                       shift=e.get("shift"), per_year=e.get("per_year", False))
    except ExpressionError as exc:
        raise StudyError(f"{ctx.source}: [data.derive] {exc}", table="data.derive") from None
    except DataError as exc:
        text = str(exc)
        table, key = ("data.missing", None) if "missing" in text else ("data", None)
        if "shift" in text:
            table, key = "evaluation", "shift"
        raise StudyError(f"{ctx.source}: [{table}] {text}", table=table, key=key) from None


def compute_data(ctx) -> DataStep:
    from ..panel import PanelData

    d = ctx.spec["data"]
    if d["demo"]:
        from ..datasets import load_demo
        from ..messages import message

        frame, origin = load_demo(), message("origin_demo", ctx.study.lang)
    else:
        frame = _read_inputs(ctx)
        origin = ", ".join(p.name for p in ctx.study.data_files())
    prepared = _prepare(ctx, frame)
    ctx.panel = PanelData(prepared.frame, unit=d["unit"], time=d["time"], units=d["units"])
    p = ctx.panel
    ctx.log.say("log_data", origin=origin, n=p.N, t=p.T, first=p.times[0], last=p.times[-1], k=len(p.columns))
    if not prepared.changes.empty:
        ctx.log.say("log_changes", n=len(prepared.changes))
    return DataStep(origin=origin, n=p.N, t=p.T, times=tuple(p.times), prepared=prepared,
                    units=dict(frame.attrs.get("units") or {}))


def compute_evaluation(ctx):
    from ..evaluation import evaluate

    e = ctx.spec["evaluation"]
    result = evaluate(ctx.panel, ctx.spec["indicators"], unit=ctx.panel.unit, time=ctx.panel.time,
                      standardise=e["standardise"], shift=e["shift"], weighting=e["weighting"],
                      per_year=e["per_year"])
    clash = [c for c in result.scores.columns if c in ctx.panel.columns]
    if clash:
        raise StudyError(f"{ctx.source}: subsystem scores would overwrite data column(s) {clash}; rename the "
                         "subsystems in [indicators]", table="indicators")
    return result


def compute_coordination(ctx) -> CoordinationStep:
    from ..coordination import coordination_grade, coordination_table, grade_scheme
    from ..inequality import regional_means

    c = ctx.spec["coordination"]
    scores = ctx.results["evaluation"].scores
    lower, upper = c["thresholds"]
    table = coordination_table(scores, alpha=c["alpha"], method=c["method"], scheme=c["scheme"], lower=lower,
                               upper=upper)
    unit, time = ctx.panel.unit, ctx.panel.time
    derived = table.set_index([time, unit])
    clash = [col for col in derived.columns if col in ctx.panel.columns]
    if clash:
        raise StudyError(f"{ctx.source}: coordination results would overwrite data column(s) {clash}; rename them",
                         table="coordination")
    ctx.panel = ctx.panel.with_columns(derived)
    national_d = table.groupby(time)["D"].mean()
    grades = coordination_grade(national_d, grade_scheme(c["scheme"]))
    national = pd.DataFrame({"mean D": national_d, "grade": grades["grade"]})
    if "grade_zh" in grades:
        national["grade_zh"] = grades["grade_zh"]
    means = regional_means(table, "D", unit=unit, time=time) if _provinces(ctx) else \
        regional_means(table, "D", unit=unit, time=time, group={u: "All" for u in ctx.panel.units})
    times = list(ctx.panel.times)
    years = c["map_years"] or sorted({times[0], times[len(times) // 2], times[-1]})
    absent = [y for y in years if y not in times]
    if absent:
        raise StudyError(f"{ctx.source}: [coordination] map_years {absent} are not in the data",
                         table="coordination", key="map_years")
    return CoordinationStep(table=table, national=national, means=means, map_years=tuple(years))


def compute_obstacle(ctx) -> ObstacleStep:
    from ..obstacle import obstacle_summary

    o, system = ctx.spec["obstacle"], ctx.spec["indicators"]
    evaluation = ctx.results["evaluation"]
    # subsystem obstacles only compare across subsystems (within one they are 100 % by construction)
    within = "all" if o["level"] == "subsystem" else "subsystem"
    alpha = ctx.spec.get("coordination", {}).get("alpha") if within == "all" else None
    by_year = obstacle_summary(evaluation, level=o["level"], within=within, alpha=alpha) * 100
    indicator_mean = obstacle_summary(evaluation, level="indicator").mean() * 100
    order = {name: i for i, name in enumerate(system.subsystems)}
    ranked = (pd.DataFrame({"subsystem": pd.Series(system.groups), "obstacle (%)": indicator_mean})
              .sort_values(["subsystem", "obstacle (%)"], ascending=[True, False],
                           key=lambda col: col.map(order) if col.name == "subsystem" else col))
    top = ranked.groupby("subsystem", sort=False).head(o["top"])
    top = top.assign(rank=top.groupby("subsystem", sort=False).cumcount() + 1)
    top = top.reset_index(names="indicator").set_index(["subsystem", "rank"])[["indicator", "obstacle (%)"]]
    return ObstacleStep(by_year=by_year, top=top)


def _provinces(ctx) -> bool:
    return bool(ctx.panel.is_province)


def study_geometry(ctx):
    """The study's units as a GeoDataFrame indexed like the panel, or None for province units (built-in).

    ``[data] geometry``: ``"cities"`` (prefecture-level cities, :func:`spatialccd.geo.cities`, restricted
    to ``geometry_provinces``), ``"provinces"``, or a vector file (GeoJSON, GeoPackage, shapefile) whose
    column ``geometry_id`` (default: its index) holds the unit labels of the data.
    """
    d = ctx.spec["data"]
    g = d["geometry"]
    if g is None or g == "provinces":
        return None
    if g == "cities":
        from ..geo import cities

        gdf = cities(province=d["geometry_provinces"]) if d["geometry_provinces"] else cities()
    else:
        import geopandas as gpd

        path = ctx.study.input_files()[-1]
        try:
            gdf = gpd.read_file(path)
        except Exception as exc:   # fiona/pyogrio raise many types for unreadable files
            raise StudyError(f"{ctx.source}: [data] geometry: cannot read {path}: {exc}", table="data",
                             key="geometry") from None
        if d["geometry_id"]:
            if d["geometry_id"] not in gdf.columns:
                raise StudyError(f"{ctx.source}: [data] geometry_id = {d['geometry_id']!r} is not a column of "
                                 f"{path.name}; columns are {list(gdf.columns)}", table="data", key="geometry_id")
            gdf = gdf.set_index(d["geometry_id"])
    labels = {str(u): u for u in ctx.panel.units}
    gdf = gdf[gdf.index.astype(str).isin(labels)]
    gdf.index = [labels[str(i)] for i in gdf.index]
    have = set(gdf.index)
    missing = [u for u in ctx.panel.units if u not in have]
    if missing:
        raise StudyError(f"{ctx.source}: [data] geometry has no shape for units {missing[:20]} of the data",
                         table="data", key="geometry")
    return gdf.loc[list(ctx.panel.units)]


def weights_of_kind(w: dict, kind: str, gdf):
    """The W of ``kind`` ("contiguity", "knn", "distance") with the ``[weights]`` options ``w``, over the
    shapes ``gdf`` (None: the built-in provinces) — every W a study builds comes from here.  A W that
    cannot be built is a :class:`StudyError` naming the ``[weights]`` key to change."""
    from .. import weights as W
    from ..exceptions import WeightsError

    try:
        if kind == "contiguity":
            return W.contiguity(gdf, rook=w["rook"], islands=w["islands"], k_islands=w["k_islands"])
        if kind == "knn":
            return W.knn(gdf, k=w["k"])
        return W.distance(gdf, power=w["power"], threshold=w["threshold"], k=w["distance_k"], islands=w["islands"],
                          k_islands=w["k_islands"])
    except WeightsError as exc:
        key = {"contiguity": "islands", "knn": "k"}.get(kind, "distance_k" if w["distance_k"] else "threshold")
        hint = (" In the study file: [weights] threshold = <km> (a distance band) or distance_k = <k> (inverse "
                "distance to the k nearest)." if kind == "distance" else "")
        raise StudyError(f"[weights] kind = {kind!r}: {exc}.{hint}", table="weights", key=key) from None


def describe_weights(w: dict, kind: str, m, *, shapes: bool) -> str:
    """The sentence naming a W of ``kind`` with the ``[weights]`` options ``w``; ``m(key, **fields)`` gives the
    message in the report's language, ``shapes``: built from the study's shapes (not the provinces)."""
    if kind == "contiguity":
        return m("w_contiguity_units" if shapes else "w_contiguity")
    if kind == "knn":
        return m("w_knn", k=w["k"])
    limits = ((m("w_within", threshold=f"{w['threshold']:g}") if w["threshold"] is not None else "")
              + (m("w_nearest", k=w["distance_k"]) if w["distance_k"] is not None else ""))
    return m("w_distance", power=w["power"], limits=limits)


def restricted(graph, units: list):
    """``graph`` restricted to ``units`` and re-standardised (itself when it has exactly those units)."""
    from .. import weights as W

    return graph if len(units) == len(graph.unique_ids) else W.subset(graph, units)


def compute_weights(ctx) -> WeightsStep:
    from ..messages import message

    gdf = study_geometry(ctx)
    if gdf is None and not _provinces(ctx):
        raise StudyError(f"{ctx.source}: [weights] the units in {ctx.panel.unit!r} are not provinces: give their "
                         "shapes with [data] geometry = \"cities\" or a GeoJSON file", table="data", key="geometry")
    w, lang = ctx.spec["weights"], ctx.study.lang
    graph = weights_of_kind(w, w["kind"], gdf)
    desc = describe_weights(w, w["kind"], lambda key, **f: message(key, lang, **f), shapes=gdf is not None)
    units = list(ctx.panel.units)
    have = set(graph.unique_ids)
    missing = [u for u in units if u not in have]
    if missing:
        raise StudyError(f"{ctx.source}: [weights] units {missing} of the data are not in the weights",
                         table="weights", key="kind")
    ctx.graph = restricted(graph, units)   # the weights follow the units kept ([data] keep / exclude)
    if ctx.graph is not graph:
        lone = set(ctx.graph.isolates)
        isolated = [u for u in units if u in lone]
        ctx.log.say("log_subset", n=len(units), of=len(graph.unique_ids), isolated=isolated or "—")
    card = pd.Series(ctx.graph.cardinalities).reindex(units)
    ctx.log.say("log_weights", desc=desc, n=len(units), linked=int((card > 0).sum()))
    return WeightsStep(description=desc, cardinalities=card, geometry=gdf)


def compute_moran(ctx) -> MoranStep:
    from ..autocorrelation import lisa, moran_by_year

    m = ctx.spec["moran"]
    col = ctx.column("moran")
    frame = moran_by_year(ctx.panel, col, ctx.graph, unit=ctx.panel.unit, time=ctx.panel.time,
                          permutations=m["permutations"], seed=m["seed"])
    last = ctx.panel.times[-1]
    scatter = None
    if "lisa" not in ctx.spec:   # with a [lisa] table the scatter takes the LISA step's result (same inference)
        values = pd.Series(ctx.panel.matrix(col)[:, -1], index=ctx.panel.units)
        scatter = lisa(values, ctx.graph, permutations=m["permutations"], seed=m["seed"])
    return MoranStep(by_year=frame, column=col, scatter_year=last, scatter=scatter)


def compute_lisa(ctx) -> pd.DataFrame:
    from ..autocorrelation import lisa_by_year

    s = ctx.spec["lisa"]
    col = ctx.column("lisa")
    times = list(ctx.panel.times)
    years = s["years"] or times
    absent = [y for y in years if y not in times]
    if absent:
        raise StudyError(f"{ctx.source}: [lisa] years {absent} are not in the data", table="lisa", key="years")
    # every year (each year's result does not depend on the others); the report shows ``years``
    # and the Moran scatter takes the last year's clusters from here
    return lisa_by_year(ctx.panel, col, ctx.graph, unit=ctx.panel.unit, time=ctx.panel.time,
                        permutations=s["permutations"], seed=s["seed"], alpha=s["alpha"], adjust=s["adjust"],
                        progress=not ctx.quiet)


def compute_dagum(ctx):
    from ..inequality import dagum_gini

    g = ctx.spec["dagum"]
    return dagum_gini(ctx.panel.frame_.reset_index(), ctx.column("dagum"), group=g["group"], unit=ctx.panel.unit,
                      time=ctx.panel.time, bootstrap=g["bootstrap"], seed=g["seed"], progress=not ctx.quiet)


def compute_kde(ctx):
    from ..dynamics import kernel_density

    k = ctx.spec["kde"]
    bounds = tuple(k["bounds"]) if k["bounds"] is not None else None
    return kernel_density(ctx.panel.frame_.reset_index(), ctx.column("kde"), group=k["group"], unit=ctx.panel.unit,
                          time=ctx.panel.time, bounds=bounds)


def _model_options(ctx) -> dict:
    """The study's chosen specification for the static models: [sdm] when present, else [tests].

    A dynamic model's ``"yu-de-jong-lee"`` correction has no static counterpart: the static
    models (the [tests] comparison) then take none, and their table note says so.
    """
    s = ctx.spec.get("sdm") or ctx.spec["tests"]
    bias = s.get("bias_correction")
    return dict(effects=s["effects"], bias_correction=None if bias == "yu-de-jong-lee" else bias,
                lag_convention=s["lag_convention"])


def compute_tests(ctx) -> TestsStep:
    from ..models import specification_tests

    s = ctx.spec["tests"]
    chain = specification_tests(ctx.panel, s["formula"], ctx.graph, unit=ctx.panel.unit, time=ctx.panel.time,
                                effects=s["effects"], lag_convention=s["lag_convention"], alpha=s["alpha"])
    ctx.remember(chain.models.values())
    opts = _model_options(ctx)
    comparison = {kind.upper(): ctx.fit(kind, s["formula"], **opts) for kind in ("sar", "sem", "sdm")}
    return TestsStep(chain=chain, comparison=comparison)


def _recovery(res, impacts) -> pd.DataFrame | None:
    """True demo parameters next to the estimates (None if the formula is not the demo's)."""
    from scipy import stats

    from ..datasets import demo_truth

    truth = demo_truth()
    if res.yname != truth["outcome"] or set(truth["regressors"]) - set(res.params.index):
        return None
    z = stats.norm.ppf(0.975)
    rows = []
    true = {"rho": truth["rho"], **truth["beta"], **{f"W_{k}": v for k, v in truth["theta"].items()}}
    for term, value in true.items():
        est, se = float(res.params[term]), float(res.bse[term])
        rows.append((term, value, est, se, abs(est - value) <= z * se))
    for kind in ("direct", "indirect", "total"):
        block = impacts.effect(kind)
        for reg, value in truth["effects"][kind].items():
            est, lo, hi, se = (float(block.at[reg, c]) for c in ("estimate", "lower", "upper", "se"))
            rows.append((f"{kind}: {reg}", value, est, se, lo <= value <= hi))
    frame = pd.DataFrame(rows, columns=["parameter", "true", "estimate", "se", "covered"]).set_index("parameter")
    frame["covered"] = frame["covered"].map({True: "yes", False: "no"})
    return frame


def compute_sdm(ctx):
    """The model of [sdm]: the static SDM here; every other ``kind`` and the dynamic models in :mod:`.steps_models`."""
    s = ctx.spec["sdm"]
    if s["kind"] != "sdm" or s["dynamic"] is not None:
        from .steps_models import compute_model

        return compute_model(ctx)
    res = ctx.fit("sdm", s["formula"], **_model_options(ctx))
    impacts = res.impacts(n_draws=s["n_draws"], seed=s["seed"])
    return ModelStep(result=res, impacts=impacts, recovery=_recovery(res, impacts) if ctx.study.simulated else None)


# -- present -------------------------------------------------------------------------------------
def present_data(r: DataStep, run, opts):
    system = run.study.spec["indicators"].table() if "indicators" in run.study.spec else None
    own = [c for c in r.prepared.frame.columns if c not in (run.panel.unit, run.panel.time)]
    frame = run.panel.frame_[own]   # the data's columns; indices that later steps added are theirs to report
    note = None
    if run.study.simulated:
        note = opts.m("simulated_note" if run.study.spec["data"]["demo"] else "simulated_note_user")
    return S.data_section(frame, n=r.n, t=r.t, times=r.times, origin=r.origin, simulated_note=note, system=system,
                          prepared=r.prepared, units=r.units, opts=opts)


def present_evaluation(r, run, opts):
    e = run.study.spec["evaluation"]
    return S.evaluation_section(r, standardise=e["standardise"], weighting=e["weighting"], opts=opts)


def _map_layers(run) -> dict | None:
    """Keyword arguments of the map functions for the study's units; None when there is nothing to draw on."""
    weights = run.results.get("weights")
    gdf = weights.geometry if weights is not None else None
    if gdf is None:
        return {} if run.panel.is_province else None
    overlay = "provinces" if run.study.spec["data"]["geometry"] == "cities" else None
    return {"gdf": gdf, "overlay": overlay}


def present_coordination(r: CoordinationStep, run, opts):
    from ..coordination import grade_scheme

    c = run.study.spec["coordination"]
    maps = None
    layers = _map_layers(run)
    if layers is not None:
        from ..plots.maps import choropleth_by_year

        scheme = grade_scheme(c["scheme"])
        labels = scheme.labels_zh if opts.lang == "zh" and scheme.labels_zh else scheme.labels
        fig = choropleth_by_year(run.panel, "level", unit=opts.unit, time=opts.time, years=list(r.map_years),
                                 scheme="user", bins=list(range(1, len(labels) + 1)), labels=list(labels),
                                 cmap="RdYlGn", legend_title=S.message("s_coordination", opts.lang), lang=opts.lang,
                                 **layers)
        maps = S.Figure.from_matplotlib(fig, name="ccd_maps", title=S.message(
            "f_ccd_maps", opts.lang, years=", ".join(map(str, r.map_years))))
    return S.coordination_section(r.table, r.national, r.means, scheme=grade_scheme(c["scheme"]), method=c["method"],
                                  subsystems=run.study.spec["indicators"].subsystems, grade_maps=maps, opts=opts)


def present_obstacle(r: ObstacleStep, run, opts):
    o = run.study.spec["obstacle"]
    return S.obstacle_section(r.by_year, r.top, level=o["level"], n_top=o["top"], opts=opts)


def present_weights(r: WeightsStep, run, opts):
    return S.weights_section(r.cardinalities, description=r.description, opts=opts)


def _year_of(lisa_frame: pd.DataFrame, year) -> pd.DataFrame:
    return lisa_frame.xs(year, level=0)


def present_moran(r: MoranStep, run, opts):
    from ..plots.charts import moran_scatter

    m = run.study.spec["moran"]
    result = r.scatter if r.scatter is not None else _year_of(run.results["lisa"], r.scatter_year)
    ax = moran_scatter(result, run.graph, lang=opts.lang)
    fig = S.Figure.from_matplotlib(ax.figure, name="moran_scatter", title=S.message(
        "f_scatter", opts.lang, column=r.column, year=r.scatter_year))
    return S.moran_section(r.by_year, column=r.column, permutations=m["permutations"], seed=m["seed"], scatter=fig,
                           opts=opts)


def present_lisa(r: pd.DataFrame, run, opts):
    s = run.study.spec["lisa"]
    years = s["years"] or list(run.panel.times)
    shown = r[r.index.get_level_values(0).isin(years)]
    maps = None
    layers = _map_layers(run)
    if layers is not None:
        from ..plots.maps import lisa_maps_by_year

        maps = S.Figure.from_matplotlib(lisa_maps_by_year(shown, years=years, lang=opts.lang, **layers),
                                        name="lisa_maps",
                                        title=S.message("f_lisa_maps", opts.lang, column=s["column"],
                                                        years=", ".join(map(str, years))))
    return S.lisa_section(shown, column=s["column"], permutations=s["permutations"], seed=s["seed"],
                          alpha=s["alpha"], adjust=s["adjust"], maps=maps, opts=opts)


def present_dagum(r, run, opts):
    g = run.study.spec["dagum"]
    return S.dagum_section(r, column=g["column"], group=g["group"], opts=opts)


def present_kde(r, run, opts):
    from ..plots.density import kde_plot

    k = run.study.spec["kde"]
    fig = S.Figure.from_matplotlib(kde_plot(r, kind=k["kind"]), name="kde",
                                   title=S.message("f_kde", opts.lang, column=r.column))
    return S.kde_section(r, figure=fig, group=k["group"], opts=opts)


def present_tests(r: TestsStep, run, opts):
    return S.tests_section(r.chain, r.comparison, w_description=run.results["weights"].description, opts=opts)


def present_sdm(r, run, opts):
    if not isinstance(r, ModelStep):   # another kind, or a dynamic model
        from .steps_models import present_model

        return present_model(r, run, opts)
    s = run.study.spec["sdm"]
    return S.sdm_section(r.result, r.impacts, n_draws=s["n_draws"], seed=s["seed"],
                         w_description=run.results["weights"].description, recovery=r.recovery, opts=opts)


#: The core analyses (keys are the study-file tables).
STEPS: dict[str, Step] = {
    "data": Step(compute_data, present_data),
    "evaluation": Step(compute_evaluation, present_evaluation),
    "coordination": Step(compute_coordination, present_coordination, cost=2),
    "obstacle": Step(compute_obstacle, present_obstacle),
    "weights": Step(compute_weights, present_weights),
    "lisa": Step(compute_lisa, present_lisa, cost=2),
    "moran": Step(compute_moran, present_moran),
    "dagum": Step(compute_dagum, present_dagum, cost=1),
    "kde": Step(compute_kde, present_kde, cost=3),
    "tests": Step(compute_tests, present_tests),
    "sdm": Step(compute_sdm, present_sdm),
}
