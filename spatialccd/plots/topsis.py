"""Figures of TOPSIS closeness coefficients and grey relational degrees (from result objects)."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .style import resolve_lang, text_style

__all__ = ["closeness_trends", "grey_relational_bars"]

_TEXT = {"en": {"C": "Closeness coefficient C (mean)", "r": "Grey relational degree"},
         "zh": {"C": "贴近度 C（均值）", "r": "灰色关联度"}}


def closeness_trends(result, *, lang: str | None = None) -> Figure:
    """Mean closeness coefficient of every subsystem by year (a :class:`~spatialccd.evaluation.TOPSISResult`)."""
    lang = resolve_lang(lang)
    means = result.scores.groupby(level=0, sort=True).mean()
    with text_style(lang):
        fig, ax = plt.subplots(figsize=(6, 3.8))
        for col in means.columns:
            ax.plot(means.index, means[col], marker="o", ms=3, label=str(col))
        ax.set_ylabel(_TEXT[lang]["C"])
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False)
        fig.tight_layout()
    return fig


def grey_relational_bars(result, *, lang: str | None = None) -> Figure:
    """Grey relational degree of each factor, sorted (a :class:`~spatialccd.evaluation.GreyRelation`)."""
    lang = resolve_lang(lang)
    d = result.degrees.sort_values("degree")
    with text_style(lang):
        fig, ax = plt.subplots(figsize=(6, 0.35 * len(d) + 1.8))
        ax.barh(range(len(d)), d["degree"], color="#41ab5d")
        for i, v in enumerate(d["degree"]):
            ax.text(v, i, f" {v:.3f}", va="center", fontsize=7)
        ax.set_yticks(range(len(d)), d.index)
        ax.set_xlim(0, 1.05)
        ax.set_xlabel(_TEXT[lang]["r"])
        fig.tight_layout()
    return fig
