"""The toolbox analyses of issue 20 as study-file tables: spatial Markov chains, hot spots, bivariate
LISA, the geographical detector, GWR/MGWR, centre of gravity and deviational ellipse, TOPSIS.

Every table runs on the study's one panel (``ctx.panel``: the data with D, C, T and the subsystem
scores, named after the subsystems) and W (``ctx.graph``).  Study-file keys (validated by
:func:`check_spec`, called from ``spec._check_cross``; columns are checked against the data when
the step starts, before it computes anything):

``[markov]``  (:func:`spatialccd.markov.spatial_markov`, Rey 2001)
    ``column`` (default "D"), ``classes`` ("quantile": k pooled quantile classes, the default;
    "grade": the levels of the ``[coordination]`` grade scheme), ``k`` (quantile classes, ≥ 2,
    default 4; not with "grade"), ``lisa`` (also the LISA Markov chain of the Moran-scatter
    quadrants, default false).
``[hotspots]``  (:func:`spatialccd.hotspots.hot_spots_by_year`, Getis–Ord Gi*)
    ``column``, ``years`` (maps; default first, middle and last year), ``permutations`` (999),
    ``seed``, ``alpha`` (0.05), ``adjust`` ("none", "fdr", "bonferroni") — the LISA's
    conditional-permutation inference, year by year.
``[bivariate]``  (:func:`spatialccd.hotspots.bivariate_lisa_by_year`)
    ``x`` and ``y`` (the focal column and the lagged one; default the first and second
    subsystem score), ``years`` (maps), ``permutations``, ``seed``, ``alpha``, ``adjust``:
    bivariate Moran's I by year and bivariate LISA maps.
``[detector]``  (:func:`spatialccd.detector.geodetector`, Wang et al. 2010)
    ``column`` (Y, default "D"), ``factors`` (data columns, required), ``discretisation``
    ("quantile", "equal", "natural", "geometric", or "optimal": the method and number of strata
    3 … k with the largest q), ``k`` (strata, default 5), ``year`` (a year, "mean" — the unit
    means, the default — or "pooled": every unit-year), ``alpha``.
``[gwr]``  (:func:`spatialccd.gwr.gwr`, PySAL mgwr)
    ``y`` (default "D") and ``x`` (regressors), or ``formula = "D ~ x1 + x2"`` (plain column
    names); ``year`` (a year or "mean", the default), ``kind`` ("gwr" or "mgwr": one bandwidth
    per term, slower — about 2 s for three regressors on 31 provinces, 6 s for five),
    ``kernel`` ("bisquare", "gaussian", "exponential"), ``fixed`` (a distance bandwidth in km
    instead of a number of neighbours), ``permutations`` (Monte Carlo test of spatial
    variability; 0 = off, the default; each permutation repeats the bandwidth search), ``seed``.
    The bandwidth is searched by AICc.
``[centrography]``  (:func:`spatialccd.centrography.centrography`)
    ``column`` (a column or a list of columns to weight by; default "D"), ``years`` (ellipses
    drawn; default first, middle, last), ``scale`` ("arcgis", "std", "crimestat").
``[topsis]``  (:func:`spatialccd.evaluation.topsis`)
    ``weights`` ("entropy", "critic", "cv" or "user" with a ``[topsis.user_weights]`` table
    indicator → weight); the study's [indicators] and the [evaluation] standardisation, shift
    and per_year: closeness coefficients of every subsystem (pooled ideal solutions).

Maps draw the built-in provinces, or the units' shapes of ``[data] geometry``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._options import VOCABULARIES
from ..exceptions import SpatialCCDError, StudyError
from ..report import sections_toolbox as R
from .schema import COLUMN, CORE, SEED, Opt, vocab
from .steps import Step, study_geometry
from .steps_structure import _coordination, _per_unit

__all__ = ["SCHEMA", "STEPS", "check_spec"]

_YEARS = Opt(list, item=int)
_PERMUTATIONS = Opt(int, 999)
_ALPHA = Opt(float, 0.05)
DISCRETISATIONS = (*VOCABULARIES["discretisation"], "optimal")
TOPSIS_WEIGHTS = (*VOCABULARIES["weighting"], "user")
#: the quantile classes of [markov] when ``k`` is not given
MARKOV_K = 4

SCHEMA = {
    "markov": {"column": COLUMN, "classes": vocab("markov_classes", "quantile"), "k": Opt(int),
               "lisa": Opt(bool, False)},
    "hotspots": {"column": COLUMN, "years": _YEARS, "permutations": _PERMUTATIONS, "seed": SEED, "alpha": _ALPHA,
                 "adjust": vocab("adjust", None)},
    "bivariate": {"x": Opt(str), "y": Opt(str), "years": _YEARS, "permutations": _PERMUTATIONS, "seed": SEED,
                  "alpha": _ALPHA, "adjust": vocab("adjust", None)},
    "detector": {"column": COLUMN, "factors": Opt(list, item=str, required=True),
                 "discretisation": Opt(str, "quantile", DISCRETISATIONS), "k": Opt(int, 5),
                 "year": Opt((str, int), "mean"), "alpha": _ALPHA},
    "gwr": {"y": Opt(str), "x": Opt(list, item=str), "formula": Opt(str), "year": Opt((str, int), "mean"),
            "kind": Opt(str, "gwr", ("gwr", "mgwr")), "kernel": vocab("gwr_kernel", "bisquare"),
            "fixed": Opt(bool, False), "permutations": Opt(int, 0), "seed": SEED},
    "centrography": {"column": Opt((str, list), "D"), "years": _YEARS, "scale": vocab("ellipse_scale", "arcgis")},
    "topsis": {"weights": Opt(str, "entropy", TOPSIS_WEIGHTS), "user_weights": Opt(dict)},
}


# -- validation of the study file (before anything runs) -------------------------------------
def _fail(source: str, table: str, key: str, text: str) -> StudyError:
    return StudyError(f"{source}: [{table}] {key}: {text}", table=table, key=key)


def _check_distinct(source: str, table: str, key: str, values, what: str) -> None:
    if values is not None and (not values or len(set(values)) != len(values)):
        raise _fail(source, table, key, f"give distinct {what}, got {values}")


def _check_inference(spec: dict, source: str, table: str) -> None:
    t = spec[table]
    if t["permutations"] < 1:
        raise _fail(source, table, "permutations", f"the {'Gi*' if table == 'hotspots' else 'bivariate LISA'} is "
                    f"tested by conditional permutation: give permutations >= 1 (e.g. 999), got {t['permutations']}")
    if not 0 < t["alpha"] < 1:
        raise _fail(source, table, "alpha", f"must be in (0, 1), got {t['alpha']}")
    _check_distinct(source, table, "years", t["years"], "years")


def gwr_terms(g: dict) -> tuple[str, list[str]]:
    """(y, x) of a validated [gwr] table: from ``formula`` or from ``y`` (default "D") and ``x``."""
    if g["formula"] is None:
        return g["y"] or "D", list(g["x"])
    lhs, rhs = g["formula"].split("~", 1)
    return lhs.strip(), [t.strip() for t in rhs.split("+")]


def _check_gwr(spec: dict, source: str) -> None:
    from ..exceptions import ExpressionError
    from ..grammar import check_formula

    g = spec["gwr"]
    if g["formula"] is not None:
        if g["y"] is not None or g["x"] is not None:
            raise _fail(source, "gwr", "formula", "give either formula = \"y ~ x1 + x2\" or y and x, not both")
        try:
            check_formula(g["formula"], what="[gwr] formula")
        except ExpressionError as exc:
            raise _fail(source, "gwr", "formula", str(exc)) from None
        plain = re.compile(r"[^\W\d]\w*")
        lhs, rhs = g["formula"].split("~", 1)
        terms = [lhs.strip(), *(t.strip() for t in rhs.split("+"))]
        bad = [t for t in terms if not plain.fullmatch(t)]
        if bad:
            raise _fail(source, "gwr", "formula", f"GWR takes plain column names joined by '+', not {bad}; derive "
                        "transformed variables in [data.derive] (the intercept is always included)")
    elif not g["x"]:
        raise _fail(source, "gwr", "x", "give the regressors: x = [\"x1\", \"x2\"] (or formula = \"y ~ x1 + x2\")")
    y, x = gwr_terms(g)
    _check_distinct(source, "gwr", "formula" if g["formula"] else "x", x, "regressors")
    if y in x:
        raise _fail(source, "gwr", "formula" if g["formula"] else "x", f"the outcome {y!r} is among the regressors")
    if isinstance(g["year"], str) and g["year"] != "mean":
        raise _fail(source, "gwr", "year", f"give a year or \"mean\" (the unit means over the years), got "
                    f"{g['year']!r}")
    if g["permutations"] < 0:
        raise _fail(source, "gwr", "permutations", f"must be >= 0 (0: no test of spatial variability), got "
                    f"{g['permutations']}")


def _check_detector(spec: dict, source: str) -> None:
    d = spec["detector"]
    _check_distinct(source, "detector", "factors", d["factors"], "factor columns")
    if d["column"] in d["factors"]:
        raise _fail(source, "detector", "factors", f"Y = {d['column']!r} ([detector] column) cannot be a factor too")
    low = 3 if d["discretisation"] == "optimal" else 2
    if d["k"] < low:
        raise _fail(source, "detector", "k", f"must be >= {low}" + (" (\"optimal\" searches 3 … k strata)"
                                                                    if low == 3 else "") + f", got {d['k']}")
    if isinstance(d["year"], str) and d["year"] not in ("mean", "pooled"):
        raise _fail(source, "detector", "year", f"give a year, \"mean\" (unit means) or \"pooled\" (every unit-year), "
                    f"got {d['year']!r}")
    if not 0 < d["alpha"] < 1:
        raise _fail(source, "detector", "alpha", f"must be in (0, 1), got {d['alpha']}")


def _check_topsis(spec: dict, source: str) -> None:
    t = spec["topsis"]
    if "indicators" not in spec:
        raise StudyError(f"{source}: [topsis] needs an [indicators] table (TOPSIS scores its indicators)",
                         table="topsis")
    if t["weights"] != "user":
        if t["user_weights"] is not None:
            raise _fail(source, "topsis", "user_weights", f"is used with weights = \"user\" only (weights = "
                        f"{t['weights']!r})")
        return
    w = t["user_weights"]
    names = list(spec["indicators"].names)
    if not w:
        raise _fail(source, "topsis", "user_weights", "weights = \"user\" needs a [topsis.user_weights] table "
                    "indicator = weight for every indicator")
    unknown = [k for k in w if k not in names]
    missing = [n for n in names if n not in w]
    bad = [k for k, v in w.items() if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0]
    if unknown or missing or bad:
        raise _fail(source, "topsis", "user_weights", f"give one number >= 0 for every indicator of [indicators]; "
                    f"unknown: {unknown}, missing: {missing}, not a number >= 0: {bad}")


def check_spec(spec: dict, source: str) -> None:
    """Cross-table checks of this module's keys (called by ``spec._check_cross``)."""
    if any(t in spec for t in ("markov", "hotspots", "bivariate")):
        spec.setdefault("weights", {k: o.default for k, o in CORE["weights"].items()})
    if "markov" in spec:
        m = spec["markov"]
        if m["k"] is not None and m["classes"] == "grade":
            raise _fail(source, "markov", "k", "k is the number of quantile classes; with classes = \"grade\" the "
                        "classes are the grade levels of [coordination] scheme: remove k")
        if m["k"] is not None and m["k"] < 2:
            raise _fail(source, "markov", "k", f"must be an integer >= 2 (the number of quantile classes), got "
                        f"{m['k']}")
    for table in ("hotspots", "bivariate"):
        if table in spec:
            _check_inference(spec, source, table)
    if "bivariate" in spec:
        b = spec["bivariate"]
        subsystems = list(spec["indicators"].subsystems) if "indicators" in spec else []
        for key, pos in (("x", 0), ("y", 1)):
            if b[key] is None:
                if len(subsystems) < 2:
                    raise _fail(source, "bivariate", key, "give the column (the default, a subsystem score, needs "
                                "two subsystems in [indicators])")
                b[key] = subsystems[pos]
        if b["x"] == b["y"]:
            raise _fail(source, "bivariate", "y", f"x and y are both {b['x']!r}: the univariate LISA is [lisa]")
    if "detector" in spec:
        _check_detector(spec, source)
    if "gwr" in spec:
        _check_gwr(spec, source)
    if "centrography" in spec:
        cols = spec["centrography"]["column"]
        if isinstance(cols, list):
            if any(not isinstance(c, str) for c in cols):
                raise _fail(source, "centrography", "column", f"give column names (strings), got {cols}")
            _check_distinct(source, "centrography", "column", cols, "columns")
        _check_distinct(source, "centrography", "years", spec["centrography"]["years"], "years")
    if "topsis" in spec:
        _check_topsis(spec, source)


# -- step results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MarkovStep:
    spatial: object = field(repr=False)    # SpatialMarkov (its .classic is the classical chain)
    lisa: object = field(repr=False)       # LISAMarkov or None
    column: str = "D"
    classes: str = "quantile"


@dataclass(frozen=True)
class HotSpotsStep:
    result: object = field(repr=False)     # HotSpots of every year
    years: tuple = ()                      # the years mapped
    geometry: object = field(default=None, repr=False)


@dataclass(frozen=True)
class BivariateStep:
    result: object = field(repr=False)     # BivariateLISA of every year (with the global I by year)
    years: tuple = ()
    geometry: object = field(default=None, repr=False)


@dataclass(frozen=True)
class DetectorStep:
    result: object = field(repr=False)     # GeoDetector
    sample: str = "mean"                   # a year, "mean" or "pooled"
    n: int = 0


@dataclass(frozen=True)
class GWRStep:
    result: object = field(repr=False)     # GWRResult
    year: object = "mean"
    geometry: object = field(default=None, repr=False)


@dataclass(frozen=True)
class CentrographyStep:
    results: dict = field(repr=False)      # column → Centrography
    years: tuple = ()
    geometry: object = field(default=None, repr=False)


@dataclass(frozen=True)
class TOPSISStep:
    result: object = field(repr=False)        # TOPSISResult
    agreement: pd.DataFrame = field(repr=False)   # subsystem → Pearson r, Spearman ρ with the linear score U
    weights: str = "entropy"


# -- compute ---------------------------------------------------------------------------------
def _columns(ctx, table: str, key: str, columns) -> list[str]:
    missing = [c for c in columns if c not in ctx.panel.columns]
    if missing:
        raise StudyError(f"{ctx.source}: [{table}] {key}: {missing} are not columns of the data or of the "
                         f"coordination results; columns are {list(ctx.panel.columns)}", table=table, key=key)
    return list(columns)


def _numeric(ctx, table: str, key: str, columns) -> None:
    frame = ctx.panel.frame_
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])]
    if bad:
        raise StudyError(f"{ctx.source}: [{table}] {key}: column(s) {bad} are not numeric", table=table, key=key)


def _map_years(ctx, table: str, years) -> tuple:
    times = list(ctx.panel.times)
    chosen = years or sorted({times[0], times[len(times) // 2], times[-1]})
    absent = [y for y in chosen if y not in times]
    if absent:
        raise StudyError(f"{ctx.source}: [{table}] years {absent} are not in the data ({times[0]}–{times[-1]})",
                         table=table, key="years")
    return tuple(chosen)


def _year(ctx, table: str, year):
    if isinstance(year, int) and year not in list(ctx.panel.times):
        times = list(ctx.panel.times)
        raise StudyError(f"{ctx.source}: [{table}] year = {year} is not in the data ({times[0]}–{times[-1]})",
                         table=table, key="year")
    return year


def _geometry(ctx):
    """The units' shapes for maps and centroids: None for the built-in provinces."""
    weights = ctx.results.get("weights")
    gdf = weights.geometry if weights is not None else study_geometry(ctx)
    if gdf is None and not ctx.panel.is_province:
        raise StudyError(f"{ctx.source}: the units in {ctx.panel.unit!r} are not provinces: give their shapes with "
                         "[data] geometry = \"cities\" or a GeoJSON file", table="data", key="geometry")
    return gdf


def _failed(ctx, table: str, key: str, exc: Exception) -> StudyError:
    return StudyError(f"{ctx.source}: [{table}] {key}: {exc}", table=table, key=key)


def compute_markov(ctx) -> MarkovStep:
    from ..markov import lisa_markov, spatial_markov

    m = ctx.spec["markov"]
    col = ctx.column("markov")
    _numeric(ctx, "markov", "column", [col])
    p = ctx.panel
    try:
        spatial = spatial_markov(p, col, ctx.graph, classes=m["classes"], k=m["k"] or MARKOV_K,
                                 scheme=_coordination(ctx.spec)["scheme"], unit=p.unit, time=p.time)
    except SpatialCCDError as exc:   # D outside [0, 1] for grades, tied quantiles
        raise _failed(ctx, "markov", "classes" if m["classes"] == "grade" else "k", exc) from None
    lisa = lisa_markov(p, col, ctx.graph, unit=p.unit, time=p.time) if m["lisa"] else None
    return MarkovStep(spatial=spatial, lisa=lisa, column=col, classes=m["classes"])


def compute_hotspots(ctx) -> HotSpotsStep:
    from ..hotspots import hot_spots_by_year

    h = ctx.spec["hotspots"]
    col = ctx.column("hotspots")
    _numeric(ctx, "hotspots", "column", [col])
    years = _map_years(ctx, "hotspots", h["years"])
    p = ctx.panel
    try:
        result = hot_spots_by_year(p, col, ctx.graph, unit=p.unit, time=p.time, permutations=h["permutations"],
                                   seed=h["seed"], alpha=h["alpha"], adjust=h["adjust"], progress=not ctx.quiet)
    except SpatialCCDError as exc:   # negative values
        raise _failed(ctx, "hotspots", "column", exc) from None
    return HotSpotsStep(result=result, years=years, geometry=_geometry(ctx))


def compute_bivariate(ctx) -> BivariateStep:
    from ..hotspots import bivariate_lisa_by_year

    b = ctx.spec["bivariate"]
    for key in ("x", "y"):
        _columns(ctx, "bivariate", key, [b[key]])
        _numeric(ctx, "bivariate", key, [b[key]])
    years = _map_years(ctx, "bivariate", b["years"])
    p = ctx.panel
    try:
        result = bivariate_lisa_by_year(p, b["x"], b["y"], ctx.graph, unit=p.unit, time=p.time,
                                        permutations=b["permutations"], seed=b["seed"], alpha=b["alpha"],
                                        adjust=b["adjust"], progress=not ctx.quiet)
    except SpatialCCDError as exc:   # a constant column in some year
        raise _failed(ctx, "bivariate", "x", exc) from None
    return BivariateStep(result=result, years=years, geometry=_geometry(ctx))


def _cross_section(ctx, table: str, columns: list[str], year) -> pd.DataFrame:
    """One row per unit (a year, or the unit means; non-numeric columns must be constant within units),
    or every unit-year (``"pooled"``)."""
    p = ctx.panel
    frame = p.frame_[columns]
    if year == "pooled":
        return frame
    if year != "mean":
        return frame.xs(year, level=p.time)
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c]) and
               not pd.api.types.is_bool_dtype(frame[c])]
    out = frame[numeric].groupby(level=p.unit, sort=False).mean()
    for c in columns:
        if c not in numeric:
            out[c] = _per_unit(ctx, c, table, "factors")
    return out[columns].reindex(p.units)


def compute_detector(ctx) -> DetectorStep:
    from ..detector import geodetector

    d = ctx.spec["detector"]
    y = ctx.column("detector")
    _numeric(ctx, "detector", "column", [y])
    factors = _columns(ctx, "detector", "factors", d["factors"])
    year = _year(ctx, "detector", d["year"])
    frame = _cross_section(ctx, "detector", [y, *factors], year)
    optimal = d["discretisation"] == "optimal"
    try:
        result = geodetector(frame, y, factors, method="quantile" if optimal else d["discretisation"], k=d["k"],
                             optimise=optimal, k_range=range(3, d["k"] + 1), alpha=d["alpha"])
    except SpatialCCDError as exc:   # geometric intervals of a non-positive factor, a constant Y
        raise _failed(ctx, "detector", "discretisation", exc) from None
    return DetectorStep(result=result, sample=str(year), n=len(frame))


def compute_gwr(ctx) -> GWRStep:
    from ..gwr import gwr

    g = ctx.spec["gwr"]
    y, x = gwr_terms(g)
    key = "formula" if g["formula"] else "x"
    _columns(ctx, "gwr", "formula" if g["formula"] else "y", [y])
    _columns(ctx, "gwr", key, x)
    _numeric(ctx, "gwr", key, [y, *x])
    year = _year(ctx, "gwr", g["year"])
    geometry = _geometry(ctx)
    # one row per unit, so that gwr() reads a cross-section and builds no second PanelData
    frame = _cross_section(ctx, "gwr", [y, *x], year).reset_index()
    try:
        result = gwr(frame, y, x, unit=ctx.panel.unit, time=ctx.panel.time, gdf=geometry,
                     multiscale=g["kind"] == "mgwr", kernel=g["kernel"], fixed=g["fixed"],
                     permutations=g["permutations"], seed=g["seed"], progress=not ctx.quiet)
    except SpatialCCDError as exc:   # a constant regressor, too few units
        raise _failed(ctx, "gwr", key, exc) from None
    return GWRStep(result=result, year=year, geometry=geometry)


def compute_centrography(ctx) -> CentrographyStep:
    from ..centrography import centrography

    c = ctx.spec["centrography"]
    cols = _columns(ctx, "centrography", "column", [c["column"]] if isinstance(c["column"], str) else c["column"])
    _numeric(ctx, "centrography", "column", cols)
    years = _map_years(ctx, "centrography", c["years"])
    geometry = _geometry(ctx)
    p = ctx.panel
    results = {}
    for col in cols:
        try:
            results[col] = centrography(p, col, unit=p.unit, time=p.time, gdf=geometry, scale=c["scale"])
        except SpatialCCDError as exc:   # negative weights, a year summing to 0
            raise _failed(ctx, "centrography", "column", exc) from None
    return CentrographyStep(results=results, years=years, geometry=geometry)


def compute_topsis(ctx) -> TOPSISStep:
    from ..evaluation import UserWeights, topsis

    t, e = ctx.spec["topsis"], ctx.spec["evaluation"]
    weighting = UserWeights(t["user_weights"]) if t["weights"] == "user" else t["weights"]
    p = ctx.panel
    result = topsis(p, ctx.spec["indicators"], unit=p.unit, time=p.time, standardise=e["standardise"],
                    shift=e["shift"], weighting=weighting, per_year=e["per_year"])
    linear = ctx.results["evaluation"].scores.reindex(result.scores.index)
    rows = {}
    for s in result.scores.columns:
        c, u = result.scores[s], linear[s]
        rows[s] = {"pearson": float(np.corrcoef(c, u)[0, 1]), "spearman": float(c.corr(u, method="spearman"))}
    agreement = pd.DataFrame.from_dict(rows, orient="index").rename_axis("subsystem")
    return TOPSISStep(result=result, agreement=agreement, weights=t["weights"])


# -- present ---------------------------------------------------------------------------------
def _layers(r, run) -> dict | None:
    """Keyword arguments of the map functions: the units' shapes, with the province borders over city units
    (None: nothing to draw on)."""
    if r.geometry is not None:
        return {"gdf": r.geometry, "overlay": "provinces" if run.study.spec["data"]["geometry"] == "cities" else None}
    return {} if run.panel.is_province else None


def present_markov(r: MarkovStep, run, opts):
    m = run.study.spec["markov"]
    return R.markov_section(r.spatial, r.lisa, column=r.column, classes=r.classes, k=m["k"] or MARKOV_K, opts=opts)


def present_hotspots(r: HotSpotsStep, run, opts):
    h = run.study.spec["hotspots"]
    return R.hotspots_section(r.result, years=r.years, seed=h["seed"], layers=_layers(r, run), opts=opts)


def present_bivariate(r: BivariateStep, run, opts):
    b = run.study.spec["bivariate"]
    return R.bivariate_section(r.result, years=r.years, seed=b["seed"], layers=_layers(r, run), opts=opts)


def present_detector(r: DetectorStep, run, opts):
    d = run.study.spec["detector"]
    return R.detector_section(r.result, sample=r.sample, n=r.n, discretisation=d["discretisation"], k=d["k"],
                              opts=opts)


def present_gwr(r: GWRStep, run, opts):
    return R.gwr_section(r.result, year=r.year, layers=_layers(r, run), opts=opts)


def present_centrography(r: CentrographyStep, run, opts):
    return R.centrography_section(r.results, years=r.years, layers=_layers(r, run), opts=opts)


def present_topsis(r: TOPSISStep, run, opts):
    e = run.study.spec["evaluation"]
    return R.topsis_section(r.result, r.agreement, weights=r.weights, evaluation_weighting=e["weighting"],
                            standardise=e["standardise"], opts=opts)


STEPS = {
    "markov": Step(compute_markov, present_markov),
    "hotspots": Step(compute_hotspots, present_hotspots, cost=2),
    "bivariate": Step(compute_bivariate, present_bivariate, cost=2),
    "detector": Step(compute_detector, present_detector),
    "gwr": Step(compute_gwr, present_gwr, cost=2),
    "centrography": Step(compute_centrography, present_centrography, cost=2),
    "topsis": Step(compute_topsis, present_topsis),
}
