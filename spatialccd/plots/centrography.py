"""Map of the centre-of-gravity migration path and the standard deviational ellipses by year,
from a :class:`spatialccd.centrography.Centrography` result (no estimation here)."""
from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from ..centrography import ellipse_boundary
from ..exceptions import SpatialCCDError
from .maps import Overlay, _base, _caption, _draw_context, _overlay_layer
from .style import resolve_lang, text_style

__all__ = ["gravity_map"]


def gravity_map(result, *, years: Sequence | None = None, gdf: gpd.GeoDataFrame | None = None,
                ax: Axes | None = None, zoom: bool = False, caption: bool = True, national_extras: bool = True,
                overlay: Overlay = None, lang: str | None = None) -> Axes:
    """Province outlines, the ellipse of each year in ``years`` (default: first, middle, last)
    and the path of the centre through every year, with the years labelled.  ``zoom=True``
    frames the path only (the ellipses then run off the frame); ``overlay`` draws other borders on top
    (``"provinces"`` on a city map)."""
    lang = resolve_lang(lang)
    base = _base(gdf)
    over = _overlay_layer(overlay, base)
    all_years = list(result.centres.index)
    chosen = sorted({all_years[0], all_years[len(all_years) // 2], all_years[-1]}) if years is None else list(years)
    unknown = [y for y in chosen if y not in all_years]
    if unknown:
        raise SpatialCCDError(f"years not in the result: {unknown}")
    x, y = result.centres["x_km"] * 1000, result.centres["y_km"] * 1000
    with text_style(lang):
        if ax is None:
            ax = plt.figure(figsize=(7, 5.5)).add_subplot()
        base.plot(ax=ax, color="#f2f2f2", edgecolor="0.6", linewidth=0.3)
        _draw_context(ax, base, national_extras=national_extras and not zoom, overlay=over)
        colours = plt.get_cmap("viridis")
        for i, yr in enumerate(chosen):
            e = result.ellipses.loc[yr]
            pts = ellipse_boundary(x[yr], y[yr], e.major_km * 1000, e.minor_km * 1000, e.azimuth)
            ax.plot(pts[:, 0], pts[:, 1], color=colours(i / max(1, len(chosen) - 1)), lw=1.2, label=str(yr),
                    gid=f"ellipse_{yr}")
        ax.plot(x, y, "-", color="black", lw=1, gid="path")
        ax.scatter(x, y, s=10, color="black", zorder=3)
        for yr in (all_years[0], all_years[-1]):
            ax.annotate(str(yr), (x[yr], y[yr]), textcoords="offset points", xytext=(4, 4), fontsize=7)
        if zoom:
            pad = max(x.max() - x.min(), y.max() - y.min(), 2e4) * 0.3
            ax.set_xlim(x.min() - pad, x.max() + pad)
            ax.set_ylim(y.min() - pad, y.max() + pad)
        ax.set_axis_off()
        ax.set_aspect("equal")
        ax.legend(fontsize="small", frameon=False, loc="lower left")
        ax.set_title(result.column)
        if caption:
            _caption(ax.figure, lang)
    return ax
