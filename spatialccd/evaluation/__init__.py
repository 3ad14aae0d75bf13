"""Comprehensive evaluation (综合评价): indicator system → standardisation → weights → scores.

:func:`evaluate` chains the pieces of :mod:`.index`, :mod:`.standardise` and
:mod:`.weighting` over a long (province, year) panel and returns an
:class:`Evaluation` holding the standardised indicators, the weights table
and the subsystem scores U₁ … Uₙ that feed :func:`spatialccd.coupling_coordination`.
"""
from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from ..exceptions import SpatialCCDError
from ..panel import PanelData
from ..summary import Summary, SummaryMixin
from .index import Indicator, IndexSystem, parse_direction
from .standardise import RangeStandardiser, ZScoreStandardiser
from .weighting import (CombinedWeights, CRITICWeights, CVWeights, EntropyWeights, UserWeights, Weighting,
                        weighting_scheme)
from .topsis import GreyRelation, TOPSISResult, grey_relational, topsis

__all__ = ["evaluate", "Evaluation", "IndexSystem", "Indicator", "parse_direction", "RangeStandardiser",
           "ZScoreStandardiser", "Weighting", "EntropyWeights", "CRITICWeights", "CVWeights", "UserWeights",
           "CombinedWeights", "topsis", "TOPSISResult", "grey_relational", "GreyRelation"]


@dataclass(frozen=True)
class Evaluation(SummaryMixin):
    """Result of :func:`evaluate`.  Frames are indexed by (time, unit) in stacking order.

    Attributes
    ----------
    system : IndexSystem
    standardised : DataFrame — X'ᵢⱼ, one column per indicator
    observation_weights : DataFrame — the weight wⱼ applied to each cell (constant
        down a column when pooled; varying by year when ``per_year``)
    weights : DataFrame — indicator table (subsystem, criterion, direction, unit,
        weight) indexed by indicator, or by (time, indicator) when ``per_year``
    scores : DataFrame — subsystem scores Uᵍ = Σ_{j∈g} wⱼ X'ⱼ, one column per subsystem
    per_year : bool
    """

    system: IndexSystem
    standardised: pd.DataFrame
    observation_weights: pd.DataFrame
    weights: pd.DataFrame
    scores: pd.DataFrame
    per_year: bool

    @property
    def criterion_weights(self) -> pd.DataFrame:
        """Criterion-level weights: sums of indicator weights per (subsystem, criterion)."""
        keys = ([self.weights.index.names[0]] if self.per_year else []) + ["subsystem", "criterion"]
        return self.weights.groupby(keys, sort=False)["weight"].sum().to_frame()

    @property
    def criterion_scores(self) -> pd.DataFrame:
        """Criterion scores Σ_{j∈criterion} wⱼ X'ⱼ, columns (subsystem, criterion)."""
        return self.system.aggregate(self.standardised * self.observation_weights, level="criterion")

    def to_frame(self) -> pd.DataFrame:
        """One row per (time, unit): the subsystem scores U, then the standardised indicators X'
        (suffixed " (standardised)" where an indicator is named like a subsystem)."""
        clash = set(self.scores.columns) & set(self.standardised.columns)
        std = self.standardised.rename(columns={c: f"{c} (standardised)" for c in clash})
        return pd.concat([self.scores, std], axis=1)

    def summary(self) -> Summary:
        """Facts (indicators, subsystems, units, periods, pooled or per-year weights), the weights
        table and the national mean score of each subsystem by period."""
        index = self.scores.index
        facts = (("Indicators", str(len(self.system.names))), ("Subsystems", ", ".join(self.system.subsystems)),
                 ("Units", str(index.get_level_values(-1).nunique())),
                 ("Periods", str(index.get_level_values(0).nunique())),
                 ("Weights", "per year" if self.per_year else "pooled over all periods"))
        weights = self.weights.copy()
        weights["direction"] = weights["direction"].map({1: "+", -1: "−"})
        means = self.scores.groupby(level=0, sort=True).mean()
        notes = (("Per-year weights and min/max change every year: scores of different years are on "
                  "different scales.",) if self.per_year else ())
        return Summary(title="Comprehensive evaluation", facts=facts,
                       tables=(("Indicator weights", weights), ("Subsystem scores U (mean over units)", means)),
                       notes=notes)


def _standardiser(method: str | None, system: IndexSystem, shift):
    if method == "range":
        return RangeStandardiser(directions=system.directions, shift=shift)
    if shift is not None:
        raise SpatialCCDError("shift applies to range standardisation only")
    if method == "zscore":
        return ZScoreStandardiser(directions=system.directions)
    if method is None:
        return None
    raise SpatialCCDError(f"unknown standardisation {method!r}; use 'range', 'zscore' or None (already standardised)")


@contextmanager
def _label_warnings(prefix: str):
    """Re-issue warnings raised inside the block with ``prefix`` (names the year in per-year mode)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        warnings.warn(f"{prefix}{w.message}", w.category, stacklevel=4)


def evaluate(data: pd.DataFrame | PanelData, system: IndexSystem | Mapping | pd.DataFrame, *, unit: str = "province",
             time: str = "year", standardise: str | None = "range",
             shift: float | tuple[float, float] | None = None, weighting: str | Weighting = "entropy",
             per_year: bool = False) -> Evaluation:
    """Comprehensive evaluation index of each subsystem for every province-year.

    X'ᵢⱼ = range-standardised indicator with direction (seed 003 formulas 1–2),
    wⱼ from ``weighting`` (entropy by default, seed 003 formulas 3–5; weights
    sum to 1 within each subsystem), Uᵍᵢ = Σ_{j∈g} wⱼ X'ᵢⱼ (formulas 6–7).

    Parameters
    ----------
    data : long DataFrame (one row per unit-year) or :class:`~spatialccd.PanelData`
        Never modified.  Missing indicator values raise naming the cells.
    system : IndexSystem, or a dict / DataFrame accepted by :meth:`IndexSystem.from_dict` /
        :meth:`IndexSystem.from_frame`
    standardise : "range" (default), "zscore", or None when the data are
        already standardised (directions then ignored)
    shift : ε or (a, b), range standardisation only — see :class:`RangeStandardiser`
    weighting : "entropy", "critic", "cv" or a :class:`Weighting` instance
        (:class:`UserWeights`, :class:`CombinedWeights`, …)
    per_year : bool
        False (default): min/max and weights from the pooled N×T observations
        (m = N·T in the entropy k = 1/ln m), so scores are comparable across
        years.  True: standardise and weight each year separately (m = N).
        **Warning:** per-year weights and min/max change every year, so scores
        of different years are on different scales and trends over time are
        not interpretable.
    """
    if isinstance(system, pd.DataFrame):
        system = IndexSystem.from_frame(system)
    elif not isinstance(system, IndexSystem):
        system = IndexSystem.from_dict(system)
    panel = data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time)
    system.check_columns(panel.columns)
    X = panel.frame(panel.values(system.names), system.names)
    template = weighting_scheme(weighting)
    blocks = [(X, "")] if not per_year else [(X.loc[[t]], f"{panel.time} {t}: ") for t in panel.times]
    std, obs_w, tables = [], [], []
    for block, prefix in blocks:
        with _label_warnings(prefix):
            scaler = _standardiser(standardise, system, shift)
            s = block.copy() if scaler is None else scaler.fit_transform(block)
            w = copy.deepcopy(template).fit(s, groups=system.groups).weights_
        std.append(s)
        obs_w.append(pd.DataFrame([w.to_numpy()] * len(s), index=s.index, columns=s.columns))
        tables.append(system.table().assign(weight=w))
    standardised, observation_weights = pd.concat(std), pd.concat(obs_w)
    weights = pd.concat(tables, keys=list(panel.times), names=[panel.time, "indicator"]) if per_year else tables[0]
    scores = system.aggregate(standardised * observation_weights, level="subsystem")
    return Evaluation(system, standardised, observation_weights, weights, scores, per_year)
