"""Maps of GWR / MGWR local coefficients from a :class:`spatialccd.gwr.GWRResult` (no estimation here)."""
from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
from matplotlib.figure import Figure

from ..exceptions import SpatialCCDError
from ..geo import provinces
from ..messages import message
from .maps import Overlay, _caption, _grid, choropleth
from .style import resolve_lang, text_style

__all__ = ["coefficient_maps"]


def coefficient_maps(result, *, terms: Sequence[str] | None = None, gdf: gpd.GeoDataFrame | None = None,
                     k: int = 5, ncols: int = 3, panel_size: tuple[float, float] = (4.0, 4.4),
                     cmap: str = "RdBu_r", caption: bool = True, overlay: Overlay = None,
                     lang: str | None = None) -> Figure:
    """One choropleth (quantile classes) of the local estimates per term (default: every
    regressor, not the intercept); the panel title gives the bandwidth and the Monte Carlo p of
    spatial variability when it was computed."""
    terms = [t for t in result.terms if t != "Intercept"] if terms is None else list(terms)
    unknown = [t for t in terms if t not in result.params.columns]
    if unknown:
        raise SpatialCCDError(f"unknown term(s) {unknown}; the model has {list(result.params.columns)}")
    lang = resolve_lang(lang)
    layer = (provinces() if gdf is None else gdf).join(result.params[terms], how="left")
    with text_style(lang):
        fig, axes = _grid(len(terms), ncols, panel_size)
        for ax, t in zip(axes, terms):
            bw = result.bandwidth.get(t, result.bandwidth.iloc[0])
            title = f"{t} ({message('bandwidth', lang)} {bw:g}" + (
                f", p = {result.spatial_variability[t]:.3f})" if t in result.spatial_variability.index else ")")
            choropleth(layer, t, k=min(k, layer[t].nunique()), cmap=cmap, ax=ax, title=title, caption=False,
                       overlay=overlay, lang=lang)
            _legend_below(ax)
        if caption:
            _caption(fig, lang)
    return fig


def _legend_below(ax) -> None:
    """Move a map panel's class legend under the map, in two columns (inside, it covers the map of a
    small panel)."""
    old = ax.get_legend()
    handles, title = old.legend_handles, old.get_title().get_text()
    old.remove()
    ax.legend(handles=handles, title=title, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2,
              fontsize="x-small", title_fontsize="small", frameon=False)
