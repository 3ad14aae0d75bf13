"""Figures of a Dagum Gini decomposition (the figures seeds 001, 003 and 004 print).

Dagum, C. (1997) A new approach to the decomposition of the Gini income inequality
ratio.  *Empirical Economics* 22:515–531.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..messages import message
from .style import resolve_lang, text_style

__all__ = ["dagum_trends", "LINE_GROUPS"]

#: up to this many groups each group and each pair is a line with its own legend entry; with more (a
#: county study grouped by province: 31 groups, 465 pairs) the groups are thin unlabelled lines around the
#: overall Gini and the pairs a matrix of the last year (G_jj on the diagonal, G_jh off it).
LINE_GROUPS = 6


def _years_axis(ax, index) -> None:
    years = list(index)
    if all(float(y).is_integer() for y in years):
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45)
    ax.grid(alpha=0.3)


def dagum_trends(result, *, lang: str | None = None) -> Figure:
    """Three panels from a :class:`~spatialccd.DagumResult`: within-group Gini G_jj by group and the
    overall G; between-group Gini G_jh by pair; contribution rates of G_w, G_nb and G_t (%) over time.

    With one group (no decomposition) only the first panel is drawn.  Returns the Figure.
    """
    lang = resolve_lang(lang)
    decomposed = result.decomposed
    with text_style(lang):
        ncols = 3 if decomposed else 1
        fig, axes = plt.subplots(1, ncols, figsize=(4.6 * ncols, 3.8), squeeze=False)
        many = result.within.shape[1] > LINE_GROUPS
        _within_panel(axes[0, 0], result, lang, many=many)
        if decomposed:
            (_between_matrix if many else _between_lines)(axes[0, 1], result, lang)
            ax = axes[0, 2]
            parts = result.components[["C_w", "C_nb", "C_t"]]
            ax.stackplot(parts.index, parts.T.to_numpy(), labels=[message(k, lang) for k in ("c_w", "c_nb", "c_t")],
                         alpha=0.85)
            ax.set_ylim(0, 100)
            ax.set_ylabel("%")
            ax.set_title(message("f_contributions", lang))
            ax.legend(frameon=True, framealpha=0.9, fontsize=7, loc="lower left")   # over the stacked areas
            _years_axis(ax, parts.index)
        fig.tight_layout()
    return fig


def _within_panel(ax, result, lang: str, *, many: bool) -> None:
    """G_jj by group over time around the overall G (unlabelled grey lines with many groups)."""
    for i, group in enumerate(result.within.columns):
        style = ({"color": "0.6", "lw": 0.8, "label": message("f_each_group", lang, k=result.within.shape[1])
                  if i == 0 else None} if many else {"marker": "o", "ms": 3, "lw": 1.3, "label": str(group)})
        ax.plot(result.within.index, result.within[group], **style)
    ax.plot(result.components.index, result.components["G"], color="black", lw=2.2, marker="o", ms=3,
            label=message("overall_gini", lang))
    ax.set_title(message("f_within_gini", lang))
    ax.set_ylabel("Gini")
    ax.legend(frameon=False, fontsize=7)
    _years_axis(ax, result.components.index)


def _between_lines(ax, result, lang: str) -> None:
    for pair in result.between.columns:
        ax.plot(result.between.index, result.between[pair], marker="o", ms=3, lw=1.3, label=str(pair))
    ax.set_title(message("f_between_gini", lang))
    ax.legend(frameon=False, fontsize=7, ncol=2)
    _years_axis(ax, result.between.index)


def gini_matrix(result, time=None) -> np.ndarray:
    """The k × k matrix of one year (default: the last): G_jj on the diagonal, G_jh = G_hj off it."""
    t = result.within.index[-1] if time is None else time
    groups = [str(g) for g in result.within.columns]
    m = np.diag(result.within.loc[t].to_numpy(dtype=float))
    for j, a in enumerate(groups):
        for h in range(j + 1, len(groups)):
            m[j, h] = m[h, j] = result.between.at[t, f"{a}–{groups[h]}"]
    return m


def _between_matrix(ax, result, lang: str) -> None:
    t = result.within.index[-1]
    image = ax.imshow(gini_matrix(result, t), cmap="viridis")
    groups = [str(g) for g in result.within.columns]
    ticks, size = np.arange(len(groups)), max(3, min(7, 200 // len(groups)))
    ax.set_xticks(ticks, groups, rotation=90, fontsize=size)
    ax.set_yticks(ticks, groups, fontsize=size)
    ax.set_title(message("f_between_matrix", lang, time=t))
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="Gini")
