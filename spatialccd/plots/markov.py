"""Heat maps of Markov transition matrices (classical and by spatial-lag class) from a result object.

Draws :class:`spatialccd.markov.MarkovChain`, :class:`~spatialccd.markov.SpatialMarkov` or
:class:`~spatialccd.markov.LISAMarkov`; it never estimates anything.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .style import resolve_lang, text_style

__all__ = ["transition_heatmaps"]

_TEXT = {"en": {"no_lag": "Classical", "lag": "Lag class", "from": "Class in t", "to": "Class in t + 1"},
         "zh": {"no_lag": "传统马尔可夫", "lag": "邻域类型", "from": "t 年类型", "to": "t+1 年类型"}}


def _chains(result) -> list[tuple[str | None, object]]:
    if hasattr(result, "conditional"):
        return [(None, result.classic), *zip(result.lag_labels, result.conditional)]
    return [(None, getattr(result, "chain", result))]


def transition_heatmaps(result, *, lang: str | None = None, ncols: int = 3, cmap: str = "Blues",
                        decimals: int = 2) -> Figure:
    """One annotated heat map of p_ij per chain (the classical matrix first, then each lag class),
    with the row counts n on the left labels; empty rows (n = 0) are hatched."""
    lang = resolve_lang(lang)
    text = _TEXT[lang]
    chains = _chains(result)
    ncols = max(1, min(ncols, len(chains)))
    nrows = -(-len(chains) // ncols)
    with text_style(lang):
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.3 * nrows), squeeze=False)
        for ax in axes.ravel()[len(chains):]:
            fig.delaxes(ax)
        for ax, (lag, chain) in zip(axes.ravel(), chains):
            P = chain.probabilities.to_numpy()
            n = chain.counts.sum(axis=1).astype(int)
            labels = list(chain.labels_zh if lang == "zh" else chain.labels)
            ax.imshow(P, vmin=0, vmax=1, cmap=cmap)
            for i, j in np.ndindex(P.shape):
                if n[i]:
                    ax.text(j, i, f"{P[i, j]:.{decimals}f}", ha="center", va="center", fontsize=7,
                            color="white" if P[i, j] > 0.6 else "black")
            for i in np.flatnonzero(n == 0):
                ax.axhspan(i - 0.5, i + 0.5, fill=False, hatch="///", color="0.6", lw=0)
            ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
            ax.set_yticks(range(len(labels)), [f"{lab} (n={k})" for lab, k in zip(labels, n)], fontsize=7)
            ax.set_xlabel(text["to"], fontsize=8)
            ax.set_ylabel(text["from"], fontsize=8)
            ax.set_title(text["no_lag"] if lag is None else f"{text['lag']}: {lag}", fontsize=9)
        fig.tight_layout()
    return fig
