"""Small charts the study report needs that are not analyses of their own."""
from __future__ import annotations

import pandas as pd

from ..exceptions import SpatialCCDError

__all__ = ["trend_chart"]


def trend_chart(levels: pd.DataFrame, *, ylabel: str, title: str = "", lang: str = "en", xlabel: str | None = None):
    """Lines of each column of ``levels`` (index = years), e.g. national and regional mean D.

    The first column (the nation) is drawn thicker and black; ``lang="zh"`` draws with a
    CJK font; returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from ..plots.style import text_style

    if levels.empty:
        raise SpatialCCDError("trend_chart: no data to plot")
    with text_style(lang):
        return _trend(plt, levels, ylabel=ylabel, title=title, xlabel=xlabel)


def _trend(plt, levels: pd.DataFrame, *, ylabel: str, title: str, xlabel: str | None):
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    for i, col in enumerate(levels.columns):
        style = {"color": "black", "linewidth": 2.4} if i == 0 else {"linewidth": 1.5}
        ax.plot(levels.index, levels[col], marker="o", markersize=3, label=str(col), **style)
    ax.set_xlabel(str(levels.index.name or "") if xlabel is None else xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, ncol=min(len(levels.columns), 5), fontsize=8)
    years = list(levels.index)
    if all(isinstance(y, (int,)) or float(y).is_integer() for y in years):
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45)
    fig.tight_layout()
    return fig
