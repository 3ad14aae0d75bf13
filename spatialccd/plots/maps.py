"""Choropleths and LISA cluster maps of any GeoDataFrame (single year or small multiples).

The units are those of ``gdf``: the provinces by default, :func:`spatialccd.cities`, a
region's subset or any user layer.  Maps are drawn in the equal-area
:data:`spatialccd.geo.ALBERS_CHINA` projection when the layer is geographic (a projected
layer keeps its CRS).  Every map carries the caption :data:`spatialccd.geo.MAP_DISCLAIMER` (in the map's language)
by default (simplified boundaries, not an official or surveyed map; see ``shapes/SOURCE.md``).
Small multiples share one classification and one legend.

National maps.  When the layer covers the mainland (:func:`spatialccd.geo.is_national`:
the provinces, all cities), Taiwan, Hong Kong and Macao are drawn as "no data" units and
the South China Sea islands inset box is drawn beside them, as Chinese journals expect
(:func:`spatialccd.geo.national_extras`); ``national_extras=False`` leaves them out.  They
are drawn only: they never enter the classification, the statistics or the weights.

Overlays.  ``overlay="provinces"`` (or any GeoDataFrame) draws the province borders (or
that layer's borders) over the units, e.g. a city map with its provinces; the map keeps
the extent of its own units.

Class breaks (choropleth): ``scheme="quantiles"`` (the breaks of mapclassify ``Quantiles``,
computed here: importing mapclassify compiles its numba kernels, about 2 s, whenever numba is
installed — a test checks the two agree), ``"natural_breaks"`` (Jenks natural breaks by Fisher's
exact optimal method, mapclassify ``FisherJenks``: deterministic, unlike the randomly started
``NaturalBreaks``) or ``"user"`` with ``bins`` = upper bounds (e.g. the coordination
grades 0.1, 0.2, …, 1.0) and optional ``labels`` (e.g. 初级协调).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from .._options import Units
from ..autocorrelation import CLUSTERS
from ..exceptions import DataQualityWarning, SpatialCCDError
from ..messages import message
from ..geo import ALBERS_CHINA, is_national, provinces
from ..geo import national_extras as extras_layer
from ..panel import as_panel, normalise_units
from .style import LISA_COLOURS, LISA_HATCH, NO_DATA_COLOUR, label, resolve_lang, text_style

__all__ = ["classify", "choropleth", "choropleth_by_year", "lisa_map", "lisa_maps_by_year"]

_EDGE = {"edgecolor": "0.35", "linewidth": 0.3}
_OVERLAY = {"color": "0.1", "linewidth": 0.7}
_INSET = {"facecolor": "0.3", "edgecolor": "0.3", "linewidth": 0.3}
Overlay = gpd.GeoDataFrame | str | None


# --------------------------------------------------------------------------- geometry helpers
def _base(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    g = provinces() if gdf is None else gdf
    if not isinstance(g, gpd.GeoDataFrame):
        raise TypeError(f"gdf must be a GeoDataFrame, got {type(g).__name__}")
    if g.crs is None:
        raise SpatialCCDError("the GeoDataFrame has no CRS; set one (e.g. EPSG:4326)")
    return g.to_crs(ALBERS_CHINA) if g.crs.is_geographic else g


def _align(values: pd.Series, base: gpd.GeoDataFrame) -> pd.Series:
    """Values re-indexed on the map's units; extra ids are an error.

    Province names in any spelling map to codes (the rule of :class:`spatialccd.PanelData`),
    and integer ids match the same ids written as text (130100 ↔ ``"130100"``).
    """
    ids = values.index
    if not ids.isin(base.index).all():
        ids = pd.Index(normalise_units(ids)[0])
    if not ids.isin(base.index).all():
        as_text = pd.Index([str(v) for v in ids])
        if as_text.isin(base.index.astype(str)).all():
            ids = pd.Index(base.index[base.index.astype(str).get_indexer(as_text)])
    extra = ids.difference(base.index).tolist()
    if extra:
        raise SpatialCCDError(f"units not on the map: {extra[:20]}")
    return pd.Series(values.to_numpy(), index=ids).reindex(base.index)


def _overlay_layer(overlay: Overlay, base: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    if overlay is None:
        return None
    if isinstance(overlay, str):
        if overlay != "provinces":
            raise SpatialCCDError(f"overlay must be 'provinces', a GeoDataFrame or None, got {overlay!r}")
        overlay = provinces()
    if not isinstance(overlay, gpd.GeoDataFrame) or overlay.crs is None:
        raise SpatialCCDError("overlay must be a GeoDataFrame with a CRS (or 'provinces')")
    return overlay.to_crs(base.crs)


def _draw_context(ax: Axes, base: gpd.GeoDataFrame, *, national_extras: bool,
                  overlay: gpd.GeoDataFrame | None) -> bool:
    """National extras and overlay borders; return whether "no data" units were drawn.

    The view keeps the extent of the map's units (plus the extras on a national map).
    """
    drawn = False
    if national_extras and is_national(base):
        extras = extras_layer()
        _draw(ax, extras[extras["kind"] == "unit"].to_crs(base.crs), NO_DATA_COLOUR, "national_extras")
        _upright(extras[extras["kind"] == "inset"], base.crs).plot(ax=ax, **_INSET)
        ax.collections[-1].set_gid("south_china_sea_inset")
        drawn = True
    if overlay is not None:
        limits = ax.get_xlim(), ax.get_ylim()
        overlay.boundary.plot(ax=ax, **_OVERLAY)
        ax.collections[-1].set_gid("overlay")
        ax.set_xlim(limits[0])
        ax.set_ylim(limits[1])
    return drawn


def _upright(inset: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """The inset box in ``crs`` without the projection's tilt: its top-left corner is projected
    and the rest is laid out east/north from it at the local scale (metres per degree)."""
    if crs.is_geographic:
        return inset.to_crs(crs)
    x0, _, _, y1 = inset.total_bounds
    corner = gpd.GeoSeries(gpd.points_from_xy([x0, x0 + 1, x0], [y1, y1, y1 - 1]), crs=inset.crs).to_crs(crs)
    origin, east, south = corner.iloc[0], corner.iloc[1], corner.iloc[2]
    sx, sy = origin.distance(east), origin.distance(south)

    def place(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([origin.x + (xy[:, 0] - x0) * sx, origin.y + (xy[:, 1] - y1) * sy])

    return gpd.GeoDataFrame(inset.drop(columns="geometry"), geometry=shapely.transform(inset.geometry.values, place),
                            crs=crs)


def unit_paths(geoms) -> list[MplPath]:
    """One compound matplotlib path per geometry: every ring of every part (MOVETO … CLOSEPOLY), the
    outlines ``GeoDataFrame.plot`` draws, built with shapely's vectorised accessors instead of one
    ``Patch`` per polygon (geopandas spends about 0.1 ms a polygon there: a second for three yearly maps
    of 2,850 counties)."""
    values = geoms.geometry.values if hasattr(geoms, "geometry") else np.asarray(geoms)
    parts, owner = shapely.get_parts(values, return_index=True)
    rings, part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
    if len(xy):
        starts = np.r_[0, np.flatnonzero(np.diff(ring)) + 1]
        codes[starts] = MplPath.MOVETO
        codes[np.r_[starts[1:] - 1, len(xy) - 1]] = MplPath.CLOSEPOLY
    cut = np.searchsorted(owner[part[ring]], np.arange(len(values) + 1))
    return [MplPath(xy[a:b], codes[a:b]) for a, b in zip(cut[:-1], cut[1:])]


def _draw(ax: Axes, geoms: gpd.GeoDataFrame, colour: str, gid: str, hatch: str | None = None) -> None:
    if len(geoms):
        coll = PathCollection(unit_paths(geoms), facecolors=colour, edgecolors=_EDGE["edgecolor"],
                              linewidths=_EDGE["linewidth"], hatch=hatch, gid=gid)
        ax.add_collection(coll, autolim=True)
        ax.autoscale_view()


def _decorate(ax: Axes, *, lang: str, title: str | None, north_arrow: bool, scale_bar: bool) -> None:
    ax.set_axis_off()
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    if north_arrow:
        ax.annotate(label("north", lang), xy=(0.95, 0.97), xytext=(0.95, 0.85), xycoords="axes fraction",
                    ha="center", va="center", fontsize=9, gid="north_arrow",
                    arrowprops={"facecolor": "black", "width": 3, "headwidth": 8, "headlength": 8})
    if scale_bar:
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        km = 500 if (x1 - x0) / 1000 < 4000 else 1000
        sx, sy = x0 + 0.05 * (x1 - x0), y1 - 0.06 * (y1 - y0)  # top left: legend lower left, inset lower right
        ax.plot([sx, sx + km * 1000], [sy, sy], color="black", lw=2, solid_capstyle="butt", gid="scale_bar")
        ax.text(sx + km * 500, sy + 0.015 * (y1 - y0), f"{km} {label('km', lang)}", ha="center",
                va="bottom", fontsize=7)


def _check_scale_bar(base: gpd.GeoDataFrame, scale_bar: bool) -> None:
    if scale_bar and base.crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise SpatialCCDError("scale_bar needs a projected CRS in metres")


def _caption(fig: Figure, lang: str) -> None:
    fig.text(0.5, 0.005, message("map_disclaimer", lang), ha="center", va="bottom", fontsize=6, color="0.35",
             wrap=True, gid="disclaimer")


def _grid(n: int, ncols: int, panel_size: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    if n == 0:
        raise SpatialCCDError("no years to draw")
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.6),
                             squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        fig.delaxes(ax)
    return fig, flat[:n]


# --------------------------------------------------------------------------- classification
def classify(values: np.ndarray | pd.Series, *, scheme: str = "quantiles", k: int = 5,
             bins: Sequence[float] | None = None,
             labels: Sequence[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Class upper bounds and legend labels for ``values`` (NaN ignored).

    ``"quantiles"`` and ``"natural_breaks"`` take ``k`` classes; ``"user"`` takes
    ``bins`` (increasing upper bounds; values above the last bound are an error).
    Labels default to ``"lower – upper"`` with the data minimum as first lower bound.
    """
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    if y.size == 0:
        raise SpatialCCDError("no finite values to classify")
    if scheme == "quantiles":
        upper = quantile_bins(y, k)
    elif scheme == "natural_breaks":
        import mapclassify

        with warnings.catch_warnings():  # mapclassify's "Numba not installed" notice
            warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
            upper = mapclassify.FisherJenks(y, k=min(k, np.unique(y).size)).bins
    elif scheme == "user":
        if bins is None or len(bins) == 0:
            raise SpatialCCDError("scheme='user' needs bins (class upper bounds)")
        upper = np.asarray(bins, dtype=float)
        if np.any(np.diff(upper) <= 0):
            raise SpatialCCDError(f"bins must be strictly increasing, got {list(bins)}")
        if y.max() > upper[-1]:
            raise SpatialCCDError(f"values up to {y.max():g} exceed the last bin {upper[-1]:g}")
    else:
        raise SpatialCCDError(f"scheme must be 'quantiles', 'natural_breaks' or 'user', got {scheme!r}")
    if labels is not None:
        if len(labels) != len(upper):
            raise SpatialCCDError(f"{len(labels)} labels for {len(upper)} classes")
        return upper, list(labels)
    lower = np.concatenate([[min(y.min(), upper[0])], upper[:-1]])
    return upper, [f"{lo:.3g} – {hi:.3g}" for lo, hi in zip(lower, upper)]


def quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of k quantile classes: the (100·j/k)-th percentiles, j = 1 … k (linear interpolation),
    repeated values merged — the classes of mapclassify ``Quantiles(y, k)`` (which warns, as this does,
    when ties leave fewer than k classes)."""
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        raise SpatialCCDError(f"k must be a positive integer, got {k!r}")
    upper = np.unique(np.percentile(np.asarray(y, dtype=float), np.minimum(100.0 * np.arange(1, k + 1) / k, 100.0)))
    if upper.size < k:
        warnings.warn(f"not enough distinct values for {k} quantile classes: {upper.size} classes",
                      DataQualityWarning, stacklevel=3)
    return upper


def _class_colours(n: int, cmap: str) -> list:
    cm = plt.get_cmap(cmap)
    return [cm(0.15 + 0.85 * i / max(n - 1, 1)) for i in range(n)]


def _draw_classes(ax: Axes, base: gpd.GeoDataFrame, values: pd.Series, upper: np.ndarray,
                  colours: list) -> bool:
    """Fill each unit by class; return whether any unit had no data."""
    ok = values.notna().to_numpy()
    cls = np.searchsorted(upper, values.to_numpy(), side="left")
    for c, colour in enumerate(colours):
        _draw(ax, base[ok & (cls == c)], colour, f"class{c}")
    _draw(ax, base[~ok], NO_DATA_COLOUR, "no_data")
    return not ok.all()


def _class_handles(labels: list[str], colours: list, no_data: bool, lang: str) -> list[Patch]:
    handles = [Patch(facecolor=c, label=lab, **_EDGE) for lab, c in zip(labels, colours)]
    if no_data:
        handles.append(Patch(facecolor=NO_DATA_COLOUR, label=label("no_data", lang), **_EDGE))
    return handles


def choropleth(gdf: gpd.GeoDataFrame, column: str, *, scheme: str = "quantiles", k: int = 5,
               bins: Sequence[float] | None = None, labels: Sequence[str] | None = None,
               cmap: str = "YlOrRd", ax: Axes | None = None, title: str | None = None,
               legend_title: str | None = None, north_arrow: bool = False, scale_bar: bool = False,
               caption: bool = True, national_extras: bool = True, overlay: Overlay = None,
               lang: str | None = None) -> Axes:
    """Choropleth of ``gdf[column]`` classed by ``scheme`` (see :func:`classify`), for any GeoDataFrame.

    Units with a missing value are drawn white and listed as "No data".  On a national
    layer Taiwan, Hong Kong, Macao ("no data") and the South China Sea inset are drawn
    unless ``national_extras=False``; ``overlay="provinces"`` draws province borders over
    the units (module docstring).  Returns the Axes; ``caption=True`` adds
    :data:`~spatialccd.geo.MAP_DISCLAIMER` under the figure.
    """
    if column not in gdf.columns:
        raise SpatialCCDError(f"column {column!r} not found; columns are {list(gdf.columns)}")
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    over = _overlay_layer(overlay, base)
    upper, labs = classify(base[column], scheme=scheme, k=k, bins=bins, labels=labels)
    colours = _class_colours(len(upper), cmap)
    with text_style(lang):
        if ax is None:
            ax = plt.figure(figsize=(7, 5.5)).add_subplot()
        no_data = _draw_classes(ax, base, base[column], upper, colours)
        no_data |= _draw_context(ax, base, national_extras=national_extras, overlay=over)
        _decorate(ax, lang=lang, title=title, north_arrow=north_arrow, scale_bar=scale_bar)
        ax.legend(handles=_class_handles(labs, colours, no_data, lang), title=legend_title or column,
                  loc="lower left", fontsize="small", frameon=False)
        if caption:
            _caption(ax.figure, lang)
    return ax


def choropleth_by_year(data: pd.DataFrame, column: str, *, gdf: gpd.GeoDataFrame | None = None,
                       unit: str = "province", time: str = "year", years: Sequence | None = None,
                       scheme: str = "quantiles", k: int = 5, bins: Sequence[float] | None = None,
                       labels: Sequence[str] | None = None, cmap: str = "YlOrRd", ncols: int = 3,
                       panel_size: tuple[float, float] = (4.0, 3.4), legend_title: str | None = None,
                       north_arrow: bool = False, scale_bar: bool = False, caption: bool = True,
                       national_extras: bool = True, overlay: Overlay = None, units: Units = "auto",
                       lang: str | None = None) -> Figure:
    """Small multiples of ``column`` by year from a long (unit, year) panel or a :class:`PanelData`.

    Breaks are computed once on the pooled values of the years drawn, so colours mean
    the same in every panel; one legend for the figure.  ``years`` selects panels
    (default: all).  ``gdf`` is the map's layer (provinces by default; any GeoDataFrame
    whose index holds the panel's units); ``units`` is the :class:`PanelData` rule;
    ``national_extras`` and ``overlay`` as in :func:`choropleth`.  Returns the Figure
    (one Axes per year).
    """
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    over = _overlay_layer(overlay, base)
    panel = as_panel(data, unit=unit, time=time, units=units)
    years = list(panel.times if years is None else years)
    unknown = [y for y in years if y not in panel.times]
    if unknown:
        raise SpatialCCDError(f"years not in the data: {unknown}")
    X = pd.DataFrame(panel.matrix(column), index=panel.units, columns=panel.times)[years]
    upper, labs = classify(X.to_numpy().ravel(), scheme=scheme, k=k, bins=bins, labels=labels)
    colours = _class_colours(len(upper), cmap)
    with text_style(lang):
        fig, axes = _grid(len(years), ncols, panel_size)
        no_data = False
        for ax, year in zip(axes, years):
            no_data |= _draw_classes(ax, base, _align(X[year], base), upper, colours)
            no_data |= _draw_context(ax, base, national_extras=national_extras, overlay=over)
            _decorate(ax, lang=lang, title=str(year), north_arrow=north_arrow, scale_bar=scale_bar)
        fig.legend(handles=_class_handles(labs, colours, no_data, lang), title=legend_title or column,
                   loc="lower center", ncols=min(len(labs) + no_data, 6), fontsize="small", frameon=False,
                   bbox_to_anchor=(0.5, 0.02))
        fig.subplots_adjust(bottom=0.12)
        if caption:
            _caption(fig, lang)
    return fig


# --------------------------------------------------------------------------- LISA cluster maps
def _lisa_handles(lang: str, no_data: bool) -> list[Patch]:
    handles = [Patch(facecolor=LISA_COLOURS[c], hatch=LISA_HATCH.get(c), label=label(c, lang), **_EDGE)
               for c in CLUSTERS]
    if no_data:
        handles.append(Patch(facecolor=NO_DATA_COLOUR, label=label("no_data", lang), **_EDGE))
    return handles


def _draw_clusters(ax: Axes, base: gpd.GeoDataFrame, clusters: pd.Series) -> bool:
    cl = _align(clusters.astype(object), base)
    for c in CLUSTERS:
        _draw(ax, base[(cl == c).to_numpy()], LISA_COLOURS[c], c, LISA_HATCH.get(c))
    missing = cl.isna().to_numpy()
    _draw(ax, base[missing], NO_DATA_COLOUR, "no_data")
    return bool(missing.any())


def _clusters_of(result: pd.DataFrame | pd.Series) -> pd.Series:
    s = result["cluster"] if isinstance(result, pd.DataFrame) else result
    bad = sorted(set(s.dropna().astype(str)) - set(CLUSTERS))
    if bad:
        raise SpatialCCDError(f"unknown cluster label(s) {bad}; expected {list(CLUSTERS)}")
    return s


def lisa_map(result: pd.DataFrame | pd.Series, *, gdf: gpd.GeoDataFrame | None = None, ax: Axes | None = None,
             title: str | None = None, legend: bool = True, north_arrow: bool = False,
             scale_bar: bool = False, caption: bool = True, national_extras: bool = True,
             overlay: Overlay = None, lang: str | None = None) -> Axes:
    """LISA cluster map of one cross-section (the output of :func:`spatialccd.lisa`) on any
    GeoDataFrame ``gdf`` (provinces by default); ``national_extras`` and ``overlay`` as in
    :func:`choropleth`.

    Colours are fixed per category (HH red, LL blue, LH light blue, HL pink, not
    significant grey, isolated white hatched) and the legend always lists all six
    categories, present or not, so maps of different years compare directly.
    """
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    over = _overlay_layer(overlay, base)
    clusters = _clusters_of(result)
    with text_style(lang):
        if ax is None:
            ax = plt.figure(figsize=(7, 5.5)).add_subplot()
        no_data = _draw_clusters(ax, base, clusters)
        no_data |= _draw_context(ax, base, national_extras=national_extras, overlay=over)
        _decorate(ax, lang=lang, title=title, north_arrow=north_arrow, scale_bar=scale_bar)
        if legend:
            ax.legend(handles=_lisa_handles(lang, no_data), loc="lower left", fontsize="small", frameon=False)
        if caption:
            _caption(ax.figure, lang)
    return ax


def lisa_maps_by_year(result: pd.DataFrame, *, years: Sequence | None = None,
                      gdf: gpd.GeoDataFrame | None = None, ncols: int = 3,
                      panel_size: tuple[float, float] = (4.0, 3.4), north_arrow: bool = False,
                      scale_bar: bool = False, caption: bool = True, national_extras: bool = True,
                      overlay: Overlay = None, lang: str | None = None) -> Figure:
    """Small multiples of LISA cluster maps from :func:`spatialccd.lisa_by_year`
    (rows indexed by (year, unit)); one shared legend listing every category.
    Seed 002 draws 2012, 2017 and 2023: ``years=[2012, 2017, 2023]``.  ``gdf``,
    ``national_extras`` and ``overlay`` as in :func:`lisa_map`."""
    if not isinstance(result.index, pd.MultiIndex) or result.index.nlevels != 2:
        raise SpatialCCDError("result must be indexed by (year, unit), as returned by lisa_by_year")
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    over = _overlay_layer(overlay, base)
    clusters = _clusters_of(result)
    available = list(result.index.get_level_values(0).unique())
    years = available if years is None else list(years)
    unknown = [y for y in years if y not in available]
    if unknown:
        raise SpatialCCDError(f"years not in the result: {unknown}")
    with text_style(lang):
        fig, axes = _grid(len(years), ncols, panel_size)
        no_data = False
        for ax, year in zip(axes, years):
            no_data |= _draw_clusters(ax, base, clusters.xs(year, level=0))
            no_data |= _draw_context(ax, base, national_extras=national_extras, overlay=over)
            _decorate(ax, lang=lang, title=str(year), north_arrow=north_arrow, scale_bar=scale_bar)
        fig.legend(handles=_lisa_handles(lang, no_data), loc="lower center", ncols=6 + no_data,
                   fontsize="small", frameon=False, bbox_to_anchor=(0.5, 0.02))
        fig.subplots_adjust(bottom=0.12)
        if caption:
            _caption(fig, lang)
    return fig
