"""Hot-spot maps (Getis–Ord Gi* bins) and bivariate LISA maps from result objects.

:func:`hot_spot_maps` draws a :class:`spatialccd.hotspots.HotSpots` result (one panel per
year, ArcGIS's seven Gi_Bin classes: hot and cold spots at 99 %, 95 % and 90 % confidence);
:func:`bivariate_lisa_maps` draws a :class:`~spatialccd.hotspots.BivariateLISA` with the LISA
colours of :mod:`spatialccd.plots.maps`.  Neither estimates anything.
"""
from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..exceptions import SpatialCCDError
from .maps import (_EDGE, Overlay, _align, _base, _caption, _decorate, _draw, _draw_context, _grid, _overlay_layer,
                   lisa_maps_by_year)
from .style import NO_DATA_COLOUR, label, resolve_lang, text_style

__all__ = ["HOT_SPOT_COLOURS", "hot_spot_maps", "bivariate_lisa_maps"]

#: Gi_Bin → colour (ArcGIS's red–blue scheme); isolated units are white and hatched.
HOT_SPOT_COLOURS = {3: "#b2182b", 2: "#ef8a62", 1: "#fddbc7", 0: "#d9d9d9", -1: "#d1e5f0", -2: "#67a9cf",
                    -3: "#2166ac"}
_NAMES = {"en": {3: "Hot spot (99%)", 2: "Hot spot (95%)", 1: "Hot spot (90%)", 0: "Not significant",
                 -1: "Cold spot (90%)", -2: "Cold spot (95%)", -3: "Cold spot (99%)",
                 "isolated": "Isolated (no neighbours)"},
          "zh": {3: "热点 (99%)", 2: "热点 (95%)", 1: "热点 (90%)", 0: "不显著", -1: "冷点 (90%)",
                 -2: "冷点 (95%)", -3: "冷点 (99%)", "isolated": "孤立单元（无邻接）"}}


def _years(frame: pd.DataFrame, years) -> list:
    if frame.index.nlevels != 2:
        return [None]
    available = list(frame.index.get_level_values(0).unique())
    chosen = available if years is None else list(years)
    unknown = [y for y in chosen if y not in available]
    if unknown:
        raise SpatialCCDError(f"years not in the result: {unknown}")
    return chosen


def hot_spot_maps(result, *, years: Sequence | None = None, gdf: gpd.GeoDataFrame | None = None, ncols: int = 3,
                  panel_size: tuple[float, float] = (4.0, 3.4), caption: bool = True, national_extras: bool = True,
                  overlay: Overlay = None, lang: str | None = None) -> Figure:
    """Small multiples of Gi* hot/cold spots by year (one map for a cross-section), one shared legend;
    ``overlay`` draws other borders on top (``"provinces"`` on a city map, see :mod:`spatialccd.plots.maps`)."""
    lang = resolve_lang(lang)
    base = _base(gdf)
    over = _overlay_layer(overlay, base)
    frame = result.frame
    chosen = _years(frame, years)
    with text_style(lang):
        fig, axes = _grid(len(chosen), ncols, panel_size)
        no_data = False
        for ax, year in zip(axes, chosen):
            part = frame if year is None else frame.xs(year, level=0)
            bins = _align(part["bin"].astype(float), base)
            isolated = _align((part["cluster"].astype(object) == "isolated").astype(float), base) == 1
            for b, colour in HOT_SPOT_COLOURS.items():
                _draw(ax, base[((bins == b) & ~isolated).to_numpy()], colour, f"bin{b}")
            _draw(ax, base[isolated.to_numpy()], "#ffffff", "isolated", "////")
            missing = bins.isna().to_numpy()
            _draw(ax, base[missing], NO_DATA_COLOUR, "no_data")
            no_data |= bool(missing.any()) | _draw_context(ax, base, national_extras=national_extras, overlay=over)
            _decorate(ax, lang=lang, title=None if year is None else str(year), north_arrow=False, scale_bar=False)
        handles = [Patch(facecolor=c, label=_NAMES[lang][b], **_EDGE) for b, c in HOT_SPOT_COLOURS.items()]
        handles.append(Patch(facecolor="#ffffff", hatch="////", label=_NAMES[lang]["isolated"], **_EDGE))
        if no_data:
            handles.append(Patch(facecolor=NO_DATA_COLOUR, label=label("no_data", lang), **_EDGE))
        fig.legend(handles=handles, loc="lower center", ncols=4, fontsize="small", frameon=False,
                   bbox_to_anchor=(0.5, 0.0))
        fig.subplots_adjust(bottom=0.16)
        if caption:
            _caption(fig, lang)
    return fig


def bivariate_lisa_maps(result, *, years: Sequence | None = None, gdf: gpd.GeoDataFrame | None = None,
                        ncols: int = 3, caption: bool = True, national_extras: bool = True,
                        overlay: Overlay = None, lang: str | None = None) -> Figure:
    """Bivariate LISA cluster maps by year (``result.frame`` indexed by (year, unit)); the title
    names the focal variable and the lagged one."""
    frame = result.frame
    if frame.index.nlevels != 2:
        raise SpatialCCDError("bivariate_lisa_maps needs a by-year result (bivariate_lisa_by_year); "
                              "draw a cross-section with spatialccd.plots.maps.lisa_map(result.frame)")
    fig = lisa_maps_by_year(frame, years=years, gdf=gdf, ncols=ncols, caption=caption,
                            national_extras=national_extras, overlay=overlay, lang=lang)
    fig.suptitle(f"{result.x} × W·{result.y}", fontsize=10)
    return fig
