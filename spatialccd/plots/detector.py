"""Figures of a geographical detector result: q by factor and the interaction matrix.

Draws a :class:`spatialccd.detector.GeoDetector`; it never estimates anything.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .style import resolve_lang, text_style

__all__ = ["detector_plot"]

_TEXT = {"en": {"q": "q statistic", "factor": "Factor detector", "inter": "Interaction detector q(X1 ∩ X2)"},
         "zh": {"q": "q 值", "factor": "因子探测", "inter": "交互探测 q(X1 ∩ X2)"}}


def detector_plot(result, *, lang: str | None = None, alpha: float | None = None, cmap: str = "YlGnBu") -> Figure:
    """Left: q of each factor, sorted, with bars of factors not significant at ``alpha``
    (default the result's) drawn hollow; right: the lower triangle of the interaction matrix
    (q on the diagonal) with values, when there are at least two factors."""
    lang = resolve_lang(lang)
    alpha = result.alpha if alpha is None else alpha
    text = _TEXT[lang]
    f = result.factor.sort_values("q")
    two = len(f) > 1
    with text_style(lang):
        fig, axes = plt.subplots(1, 2 if two else 1, figsize=(10 if two else 5, 0.45 * len(f) + 2.5), squeeze=False)
        ax = axes[0, 0]
        sig = (f["pvalue"] < alpha).to_numpy()
        ax.barh(range(len(f)), f["q"], color=np.where(sig, "#2c7fb8", "white"), edgecolor="#2c7fb8")
        for i, q in enumerate(f["q"]):
            ax.text(q, i, f" {q:.3f}", va="center", fontsize=7)
        ax.set_yticks(range(len(f)), f.index)
        ax.set_xlim(0, min(1.0, max(0.05, f["q"].max() * 1.25)))
        ax.set_xlabel(text["q"])
        ax.set_title(text["factor"])
        if two:
            ax = axes[0, 1]
            M = result.interaction_matrix().to_numpy(dtype=float, copy=True)
            M[np.triu_indices_from(M, 1)] = np.nan
            names = list(result.factor.index)
            ax.imshow(M, vmin=0, vmax=1, cmap=cmap)
            for i, j in zip(*np.tril_indices_from(M)):
                ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if M[i, j] > 0.6 else "black")
            ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
            ax.set_yticks(range(len(names)), names)
            ax.set_title(text["inter"])
        fig.tight_layout()
    return fig
