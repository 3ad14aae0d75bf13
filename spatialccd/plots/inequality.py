"""Figures of a Dagum Gini decomposition (the figures seeds 001, 003 and 004 print).

Dagum, C. (1997) A new approach to the decomposition of the Gini income inequality
ratio.  *Empirical Economics* 22:515–531.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..messages import message
from .style import resolve_lang, text_style

__all__ = ["dagum_trends"]


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
        ax = axes[0, 0]
        ax.plot(result.components.index, result.components["G"], color="black", lw=2.2, marker="o", ms=3,
                label=message("overall_gini", lang))
        for group in result.within.columns:
            ax.plot(result.within.index, result.within[group], marker="o", ms=3, lw=1.3, label=str(group))
        ax.set_title(message("f_within_gini", lang))
        ax.set_ylabel("Gini")
        ax.legend(frameon=False, fontsize=7)
        _years_axis(ax, result.components.index)
        if decomposed:
            ax = axes[0, 1]
            for pair in result.between.columns:
                ax.plot(result.between.index, result.between[pair], marker="o", ms=3, lw=1.3, label=str(pair))
            ax.set_title(message("f_between_gini", lang))
            ax.legend(frameon=False, fontsize=7, ncol=2)
            _years_axis(ax, result.between.index)
            ax = axes[0, 2]
            parts = result.components[["C_w", "C_nb", "C_t"]]
            ax.stackplot(parts.index, parts.T.to_numpy(), labels=[message(k, lang) for k in ("c_w", "c_nb", "c_t")],
                         alpha=0.85)
            ax.set_ylim(0, 100)
            ax.set_ylabel("%")
            ax.set_title(message("f_contributions", lang))
            ax.legend(frameon=False, fontsize=7, loc="lower left")
            _years_axis(ax, parts.index)
        fig.tight_layout()
    return fig
