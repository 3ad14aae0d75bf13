"""Charts of spatial autocorrelation: the Moran scatter plot (Anselin 1996).

Anselin, L. (1996) The Moran scatterplot as an ESDA tool to assess local instability
in spatial association.  In Fischer, Scholten & Unwin (eds) *Spatial Analytical
Perspectives on GIS*, 111–125.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from libpysal.graph import Graph
from matplotlib.axes import Axes

from .._compat import deprecated
from ..messages import message
from ..autocorrelation import CLUSTERS, lisa
from ..geo import province_table
from .style import LISA_COLOURS, label, resolve_lang, text_style

__all__ = ["moran_scatter", "moran_trend", "effects_plot"]


def _unit_names(ids: pd.Index, lang: str) -> list[str]:
    table = province_table()
    if ids.isin(table.index).all():
        return table.loc[ids, "short_zh" if lang == "zh" else "name_en"].tolist()
    return [str(i) for i in ids]


def moran_scatter(result: pd.DataFrame, w: Graph | None = None, *, ax: Axes | None = None,
                  highlight: bool = True, unit_labels: bool = False, title: str | None = None,
                  lang: str | None = None, **lisa_options) -> Axes:
    """Moran scatter plot of a LISA result: standardised value s against its spatial lag Ws.

    ``result`` is the frame of :func:`spatialccd.lisa` (one year of
    :func:`spatialccd.lisa_by_year`): the plot draws its ``z`` and ``lag_z`` and
    colours units by its ``cluster`` — the same inference (permutations, ``alpha``,
    ``adjust``) as the LISA table and maps, never re-run here.  Dashed lines at 0
    split the quadrants HH (upper right), LH (upper left), LL, HL.  The line through
    the origin has the least-squares slope b = s'Ws / s's = I · S0 / n, which equals
    Moran's I for row-standardised W without isolated units; the title gives
    I = Σ I_i / S0 with S0 = Σ w_ij from ``w`` (when given) or, for row-standardised W,
    the number of units with neighbours.  With ``highlight`` significant units are
    drawn in their cluster colour, the others grey, isolated units white;
    ``unit_labels=True`` writes province names (Chinese short names when ``lang``
    resolves to Chinese).  Returns the Axes.

    The 0.1 form ``moran_scatter(values, w, permutations=…, seed=…)`` still works (it
    runs :func:`spatialccd.lisa` with ``lisa_options``) and is deprecated.
    """
    lang = resolve_lang(lang)
    if isinstance(result, pd.DataFrame) and {"z", "lag_z", "I", "cluster"} <= set(result.columns):
        if lisa_options:
            raise TypeError(f"moran_scatter of a LISA result takes no LISA options; got {sorted(lisa_options)}")
        res = result
    else:
        deprecated("moran_scatter(values, w, ...) re-runs the LISA permutations; pass the result of "
                   "spatialccd.lisa(values, w, ...) instead", stacklevel=3)
        if w is None:
            raise TypeError("moran_scatter(values, w, ...) needs the weights w")
        inference = lisa_options.pop("inference", "permutation")
        permutations = lisa_options.pop("permutations", 999)
        res = lisa(result, w, permutations=permutations if inference == "permutation" else 0,
                   inference=inference, **lisa_options)
    s, lag = res["z"].to_numpy(), res["lag_z"].to_numpy()
    slope = float(s @ lag / (s @ s))
    s0 = float(w.sparse.sum()) if w is not None else float((res["n_neighbours"] > 0).sum())
    moran_i = float(res["I"].sum() / s0)
    cats = res["cluster"].astype(str) if highlight else pd.Series("not significant", index=res.index)
    with text_style(lang):
        if ax is None:
            ax = plt.figure(figsize=(5.5, 5)).add_subplot()
        for c in CLUSTERS:
            m = (cats == c).to_numpy()
            if m.any():
                ax.scatter(s[m], lag[m], s=28, color=LISA_COLOURS[c], edgecolor="0.2", linewidth=0.5,
                           label=label(c, lang), gid=c, zorder=3)
        ax.axhline(0, color="0.5", lw=0.8, ls="--")
        ax.axvline(0, color="0.5", lw=0.8, ls="--")
        lim = 1.1 * max(np.abs(s).max(), np.abs(lag).max())
        grid = np.array([-lim, lim])
        ax.plot(grid, slope * grid, color="black", lw=1.2, label=f"{label('fit', lang)} = {slope:.3f}",
                gid="fit")
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        if unit_labels:
            for name, xi, yi in zip(_unit_names(res.index, lang), s, lag):
                ax.annotate(name, (xi, yi), xytext=(3, 3), textcoords="offset points", fontsize=7)
        ax.set_xlabel(label("std_value", lang))
        ax.set_ylabel(label("lag", lang))
        ax.set_title(title or f"{label('moran', lang)} = {moran_i:.4f}")
        ax.legend(fontsize="small", loc="best")
    return ax


def moran_trend(moran: pd.DataFrame, *, pvalue: str = "p_perm_two_sided", alpha: float = 0.05,
                lang: str | None = None) -> plt.Figure:
    """Global Moran's I by year (the frame of :func:`spatialccd.moran_by_year`), with E[I] and the years
    whose ``pvalue`` column is below ``alpha`` drawn as filled markers (open markers: not significant).
    Falls back to ``p_rand_two_sided`` when the frame has no permutation p-values.  Returns the Figure."""
    lang = resolve_lang(lang)
    col = pvalue if pvalue in moran.columns else "p_rand_two_sided"
    sig = (moran[col] < alpha).to_numpy()
    with text_style(lang):
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
        x, y = list(moran.index), moran["I"].to_numpy()
        ax.plot(x, y, color="#1f4e79", lw=1.5)
        ax.scatter([a for a, s in zip(x, sig) if s], y[sig], color="#1f4e79", zorder=3,
                   label=message("significant_at", lang, alpha=alpha))
        ax.scatter([a for a, s in zip(x, sig) if not s], y[~sig], facecolor="white", edgecolor="#1f4e79",
                   zorder=3, label=message("not_significant", lang))
        ax.plot(x, moran["E_I"], color="0.5", ls="--", lw=1, label="E[I]")
        ax.set_ylabel(label("moran", lang))
        ax.grid(alpha=0.3)
        if all(float(v).is_integer() for v in x):
            ax.set_xticks(x)
            ax.tick_params(axis="x", labelrotation=45)
        ax.legend(frameon=False, fontsize=8)
        fig.tight_layout()
    return fig


def effects_plot(impacts, *, labels: dict | None = None, lang: str | None = None) -> plt.Figure:
    """Direct, indirect and total effects with their confidence intervals (an
    :class:`~spatialccd.models.Impacts`): one panel per effect, one row per regressor, the interval of the
    impacts' own inference (simulation percentiles or delta-method normal).  Returns the Figure."""
    lang = resolve_lang(lang)
    names = list(impacts.names)
    shown = [(labels or {}).get(n, n) for n in names]
    with text_style(lang):
        fig, axes = plt.subplots(1, 3, figsize=(10, 0.45 * len(names) + 1.6), sharey=True)
        for ax, kind in zip(axes, ("direct", "indirect", "total")):
            block = impacts.effect(kind)
            pos = np.arange(len(names))[::-1]
            est = block["estimate"].to_numpy()
            err = np.vstack([est - block["lower"].to_numpy(), block["upper"].to_numpy() - est])
            ax.errorbar(est, pos, xerr=err, fmt="o", color="#1f4e79", ecolor="0.4", capsize=3)
            ax.axvline(0, color="0.5", lw=0.8, ls="--")
            ax.set_title(message(f"effect_{kind}", lang))
            ax.set_yticks(pos)
            ax.set_yticklabels(shown)
            ax.grid(axis="x", alpha=0.3)
        fig.suptitle(message("f_effects", lang, level=f"{100 * (1 - impacts.alpha):g}%"), fontsize=10)
        fig.tight_layout()
    return fig
