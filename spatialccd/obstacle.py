"""Obstacle degree model (障碍度模型): which indicators hold a province-year back.

Factor contribution Fⱼ = wⱼ (因子贡献度), indicator deviation Iᵢⱼ = 1 − X'ᵢⱼ
(指标偏离度), obstacle degree Oᵢⱼ = Iᵢⱼ·Fⱼ / Σₖ Iᵢₖ·Fₖ (seed 003 formulas
11–12, after Yao, Teng & Huang 2015, *Transactions of the CSAE* 31(4):1–10).
All functions take an :class:`~spatialccd.evaluation.Evaluation`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .coordination import _alpha
from .evaluation import Evaluation
from .exceptions import SpatialCCDError

__all__ = ["obstacle_degree", "top_obstacles", "obstacle_summary"]


def _indicator_obstacles(ev: Evaluation, within: str, alpha) -> pd.DataFrame:
    x = ev.standardised.to_numpy(dtype=float)
    outside = ev.standardised.columns[((x < 0) | (x > 1)).any(axis=0)]
    if len(outside):
        raise SpatialCCDError(f"indicator(s) {list(outside)} have standardised values outside [0, 1]; the deviation "
                              "1 − X' needs range-standardised data")
    groups = np.array([ev.system.groups[c] for c in ev.standardised.columns])
    w = ev.observation_weights.to_numpy(dtype=float)
    if within == "all":
        a = dict(zip(ev.system.subsystems, _alpha(alpha, pd.Index(ev.system.subsystems))))
        w = w * np.array([a[g] for g in groups])
        groups = np.zeros(len(groups))
    elif within != "subsystem":
        raise SpatialCCDError(f"unknown 'within' {within!r}; use 'subsystem' or 'all'")
    elif alpha is not None:
        raise SpatialCCDError("alpha applies to within='all' only")
    loss = (1.0 - x) * w
    out = np.zeros_like(loss)
    for g in np.unique(groups):
        cols = groups == g
        total = loss[:, cols].sum(axis=1, keepdims=True)
        out[:, cols] = np.divide(loss[:, cols], total, out=np.zeros_like(loss[:, cols]), where=total > 0)
    return pd.DataFrame(out, index=ev.standardised.index, columns=ev.standardised.columns)


def obstacle_degree(evaluation: Evaluation, *, level: str = "indicator", within: str = "subsystem",
                    alpha: Sequence[float] | Mapping[str, float] | None = None) -> pd.DataFrame:
    """Obstacle degree of every province-year, as fractions (× 100 for the % papers print).

    Oᵢⱼ = (1 − X'ᵢⱼ)·wⱼ / Σₖ (1 − X'ᵢₖ)·wₖ, the sum running over the indicators
    of the same subsystem (``within="subsystem"``, seed 003: the obstacles of
    each subsystem sum to 1) or over all indicators (``within="all"``, with
    weights αᵍ·wⱼ — the indicator's weight in T = Σ αᵍUᵍ, α default 1/n).
    ``level="criterion"`` or ``"subsystem"`` sums Oᵢⱼ over the indicators of
    each criterion / subsystem (seed 003 formula 12).  A row whose deviations
    are all 0 (every indicator at its best) has no obstacle: O = 0.
    """
    O = _indicator_obstacles(evaluation, within, alpha)
    if level == "indicator":
        return O
    return evaluation.system.aggregate(O, level=level)


def top_obstacles(evaluation: Evaluation, *, k: int = 5, within: str = "subsystem",
                  alpha: Sequence[float] | Mapping[str, float] | None = None) -> pd.DataFrame:
    """The k largest indicator obstacle degrees of each province-year (per subsystem when
    ``within="subsystem"``), as a tidy table: time, unit, subsystem, rank, indicator, obstacle.

    Obstacle degrees as in :func:`obstacle_degree`; ties keep indicator order.
    """
    if k < 1:
        raise SpatialCCDError(f"k must be >= 1, got {k}")
    O = _indicator_obstacles(evaluation, within, alpha)
    ids = list(O.index.names)
    long = O.rename_axis(columns="indicator").stack().rename("obstacle").reset_index()
    long.insert(len(ids), "subsystem", long["indicator"].map(evaluation.system.groups))
    keys = ids + (["subsystem"] if within == "subsystem" else [])
    long = long.sort_values(keys + ["obstacle"], ascending=[True] * len(keys) + [False], kind="stable")
    top = long.groupby(keys, sort=False).head(k).copy()
    top.insert(len(ids) + 1, "rank", top.groupby(keys, sort=False).cumcount() + 1)
    return top.reset_index(drop=True)


def obstacle_summary(evaluation: Evaluation, *, level: str = "criterion", within: str = "subsystem",
                     alpha: Sequence[float] | Mapping[str, float] | None = None) -> pd.DataFrame:
    """National summary: mean obstacle degree over provinces for each year (seed 003 表 5–6).

    Rows are years, columns indicators/criteria/subsystems (``level``).  The
    mean over the whole period (seed 003's 均值 column) is ``.mean()`` of this
    table (the panel is balanced).  Obstacle degrees as in :func:`obstacle_degree`.
    """
    O = obstacle_degree(evaluation, level=level, within=within, alpha=alpha)
    return O.groupby(level=0, sort=True).mean()
