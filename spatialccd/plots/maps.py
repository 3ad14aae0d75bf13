"""Choropleths and LISA cluster maps of the provinces (single year or small multiples).

Maps are drawn in the equal-area :data:`spatialccd.geo.ALBERS_CHINA` projection
(geographic input is projected).  Every map carries the caption
:data:`spatialccd.geo.MAP_DISCLAIMER` by default: the boundaries are simplified and
the map is not a complete national map (no South China Sea inset is drawn; see
``shapes/SOURCE.md``).  Small multiples share one classification and one legend.

Class breaks (choropleth): ``scheme="quantiles"`` (mapclassify ``Quantiles``),
``"natural_breaks"`` (Jenks natural breaks by Fisher's exact optimal method,
mapclassify ``FisherJenks``: deterministic, unlike the randomly started
``NaturalBreaks``) or ``"user"`` with ``bins`` = upper bounds (e.g. the coordination
grades 0.1, 0.2, …, 1.0) and optional ``labels`` (e.g. 初级协调).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import geopandas as gpd
import mapclassify
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..autocorrelation import CLUSTERS
from ..geo import ALBERS_CHINA, MAP_DISCLAIMER, provinces
from ..panel import PanelData, normalise_units
from .style import LISA_COLOURS, LISA_HATCH, NO_DATA_COLOUR, label, resolve_lang, text_style

__all__ = ["classify", "choropleth", "choropleth_by_year", "lisa_map", "lisa_maps_by_year"]

_EDGE = {"edgecolor": "0.35", "linewidth": 0.3}


# --------------------------------------------------------------------------- geometry helpers
def _base(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    g = provinces() if gdf is None else gdf
    if not isinstance(g, gpd.GeoDataFrame):
        raise TypeError(f"gdf must be a GeoDataFrame, got {type(g).__name__}")
    if g.crs is None:
        raise ValueError("the GeoDataFrame has no CRS; set one (e.g. EPSG:4326)")
    return g.to_crs(ALBERS_CHINA) if g.crs.is_geographic else g


def _align(values: pd.Series, base: gpd.GeoDataFrame) -> pd.Series:
    """Values re-indexed on the map's units (province names → codes); extra ids are an error."""
    ids = values.index
    if not ids.isin(base.index).all():
        ids = pd.Index(normalise_units(ids)[0])
    extra = ids.difference(base.index).tolist()
    if extra:
        raise ValueError(f"units not on the map: {extra}")
    return pd.Series(values.to_numpy(), index=ids).reindex(base.index)


def _draw(ax: Axes, geoms: gpd.GeoDataFrame, colour: str, gid: str, hatch: str | None = None) -> None:
    if len(geoms):
        geoms.plot(ax=ax, color=colour, hatch=hatch, **_EDGE)
        ax.collections[-1].set_gid(gid)


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
        sx, sy = x0 + 0.05 * (x1 - x0), y0 + 0.04 * (y1 - y0)
        ax.plot([sx, sx + km * 1000], [sy, sy], color="black", lw=2, solid_capstyle="butt", gid="scale_bar")
        ax.text(sx + km * 500, sy + 0.015 * (y1 - y0), f"{km} {label('km', lang)}", ha="center",
                va="bottom", fontsize=7)


def _check_scale_bar(base: gpd.GeoDataFrame, scale_bar: bool) -> None:
    if scale_bar and base.crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise ValueError("scale_bar needs a projected CRS in metres")


def _caption(fig: Figure) -> None:
    fig.text(0.5, 0.005, MAP_DISCLAIMER, ha="center", va="bottom", fontsize=6, color="0.35",
             wrap=True, gid="disclaimer")


def _grid(n: int, ncols: int, panel_size: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    if n == 0:
        raise ValueError("no years to draw")
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
        raise ValueError("no finite values to classify")
    if scheme == "quantiles":
        upper = mapclassify.Quantiles(y, k=k).bins
    elif scheme == "natural_breaks":
        with warnings.catch_warnings():  # mapclassify's "Numba not installed" notice
            warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
            upper = mapclassify.FisherJenks(y, k=min(k, np.unique(y).size)).bins
    elif scheme == "user":
        if bins is None or len(bins) == 0:
            raise ValueError("scheme='user' needs bins (class upper bounds)")
        upper = np.asarray(bins, dtype=float)
        if np.any(np.diff(upper) <= 0):
            raise ValueError(f"bins must be strictly increasing, got {list(bins)}")
        if y.max() > upper[-1]:
            raise ValueError(f"values up to {y.max():g} exceed the last bin {upper[-1]:g}")
    else:
        raise ValueError(f"scheme must be 'quantiles', 'natural_breaks' or 'user', got {scheme!r}")
    if labels is not None:
        if len(labels) != len(upper):
            raise ValueError(f"{len(labels)} labels for {len(upper)} classes")
        return upper, list(labels)
    lower = np.concatenate([[min(y.min(), upper[0])], upper[:-1]])
    return upper, [f"{lo:.3g} – {hi:.3g}" for lo, hi in zip(lower, upper)]


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
               caption: bool = True, lang: str | None = None) -> Axes:
    """Choropleth of ``gdf[column]`` classed by ``scheme`` (see :func:`classify`).

    Units with a missing value are drawn white and listed as "No data".  Returns the
    Axes; ``caption=True`` adds :data:`~spatialccd.geo.MAP_DISCLAIMER` under the figure.
    """
    if column not in gdf.columns:
        raise ValueError(f"column {column!r} not found; columns are {list(gdf.columns)}")
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    upper, labs = classify(base[column], scheme=scheme, k=k, bins=bins, labels=labels)
    colours = _class_colours(len(upper), cmap)
    with text_style(lang):
        if ax is None:
            ax = plt.figure(figsize=(7, 5.5)).add_subplot()
        no_data = _draw_classes(ax, base, base[column], upper, colours)
        _decorate(ax, lang=lang, title=title, north_arrow=north_arrow, scale_bar=scale_bar)
        ax.legend(handles=_class_handles(labs, colours, no_data, lang), title=legend_title or column,
                  loc="lower left", fontsize="small", frameon=False)
        if caption:
            _caption(ax.figure)
    return ax


def choropleth_by_year(data: pd.DataFrame, column: str, *, gdf: gpd.GeoDataFrame | None = None,
                       unit: str = "province", time: str = "year", years: Sequence | None = None,
                       scheme: str = "quantiles", k: int = 5, bins: Sequence[float] | None = None,
                       labels: Sequence[str] | None = None, cmap: str = "YlOrRd", ncols: int = 3,
                       panel_size: tuple[float, float] = (4.0, 3.4), legend_title: str | None = None,
                       north_arrow: bool = False, scale_bar: bool = False, caption: bool = True,
                       lang: str | None = None) -> Figure:
    """Small multiples of ``column`` by year from a long (unit, year) panel.

    Breaks are computed once on the pooled values of the years drawn, so colours mean
    the same in every panel; one legend for the figure.  ``years`` selects panels
    (default: all).  Returns the Figure (one Axes per year).
    """
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    panel = PanelData(data, unit=unit, time=time)
    years = list(panel.times if years is None else years)
    unknown = [y for y in years if y not in panel.times]
    if unknown:
        raise ValueError(f"years not in the data: {unknown}")
    X = pd.DataFrame(panel.matrix(column), index=panel.units, columns=panel.times)[years]
    upper, labs = classify(X.to_numpy().ravel(), scheme=scheme, k=k, bins=bins, labels=labels)
    colours = _class_colours(len(upper), cmap)
    with text_style(lang):
        fig, axes = _grid(len(years), ncols, panel_size)
        no_data = False
        for ax, year in zip(axes, years):
            no_data |= _draw_classes(ax, base, _align(X[year], base), upper, colours)
            _decorate(ax, lang=lang, title=str(year), north_arrow=north_arrow, scale_bar=scale_bar)
        fig.legend(handles=_class_handles(labs, colours, no_data, lang), title=legend_title or column,
                   loc="lower center", ncols=min(len(labs) + no_data, 6), fontsize="small", frameon=False,
                   bbox_to_anchor=(0.5, 0.02))
        fig.subplots_adjust(bottom=0.12)
        if caption:
            _caption(fig)
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
        raise ValueError(f"unknown cluster label(s) {bad}; expected {list(CLUSTERS)}")
    return s


def lisa_map(result: pd.DataFrame | pd.Series, *, gdf: gpd.GeoDataFrame | None = None, ax: Axes | None = None,
             title: str | None = None, legend: bool = True, north_arrow: bool = False,
             scale_bar: bool = False, caption: bool = True, lang: str | None = None) -> Axes:
    """LISA cluster map of one cross-section (the output of :func:`spatialccd.lisa`).

    Colours are fixed per category (HH red, LL blue, LH light blue, HL pink, not
    significant grey, isolated white hatched) and the legend always lists all six
    categories, present or not, so maps of different years compare directly.
    """
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    clusters = _clusters_of(result)
    with text_style(lang):
        if ax is None:
            ax = plt.figure(figsize=(7, 5.5)).add_subplot()
        no_data = _draw_clusters(ax, base, clusters)
        _decorate(ax, lang=lang, title=title, north_arrow=north_arrow, scale_bar=scale_bar)
        if legend:
            ax.legend(handles=_lisa_handles(lang, no_data), loc="lower left", fontsize="small", frameon=False)
        if caption:
            _caption(ax.figure)
    return ax


def lisa_maps_by_year(result: pd.DataFrame, *, years: Sequence | None = None,
                      gdf: gpd.GeoDataFrame | None = None, ncols: int = 3,
                      panel_size: tuple[float, float] = (4.0, 3.4), north_arrow: bool = False,
                      scale_bar: bool = False, caption: bool = True, lang: str | None = None) -> Figure:
    """Small multiples of LISA cluster maps from :func:`spatialccd.lisa_by_year`
    (rows indexed by (year, unit)); one shared legend listing every category.
    Seed 002 draws 2012, 2017 and 2023: ``years=[2012, 2017, 2023]``."""
    if not isinstance(result.index, pd.MultiIndex) or result.index.nlevels != 2:
        raise ValueError("result must be indexed by (year, unit), as returned by lisa_by_year")
    lang = resolve_lang(lang)
    base = _base(gdf)
    _check_scale_bar(base, scale_bar)
    clusters = _clusters_of(result)
    available = list(result.index.get_level_values(0).unique())
    years = available if years is None else list(years)
    unknown = [y for y in years if y not in available]
    if unknown:
        raise ValueError(f"years not in the result: {unknown}")
    with text_style(lang):
        fig, axes = _grid(len(years), ncols, panel_size)
        no_data = False
        for ax, year in zip(axes, years):
            no_data |= _draw_clusters(ax, base, clusters.xs(year, level=0))
            _decorate(ax, lang=lang, title=str(year), north_arrow=north_arrow, scale_bar=scale_bar)
        fig.legend(handles=_lisa_handles(lang, no_data), loc="lower center", ncols=6 + no_data,
                   fontsize="small", frameon=False, bbox_to_anchor=(0.5, 0.02))
        fig.subplots_adjust(bottom=0.12)
        if caption:
            _caption(fig)
    return fig
