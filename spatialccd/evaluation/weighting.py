"""Indicator weights as scikit-learn-style fit/transform objects.

``fit(X, groups=...)`` learns one weight per indicator from a standardised
table X (rows = observations, e.g. the pooled N×T panel; columns =
indicators); weights sum to 1 within each group (subsystem).
``transform(X)`` returns the composite scores Uᵍ = Σ_{j∈g} wⱼ X'ⱼ of any rows
— for example one year — with the fitted weights (seed 003 formulas 6–7).
"""
from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import DataQualityWarning, SpatialCCDError
from .standardise import check_finite

__all__ = ["Weighting", "EntropyWeights", "CRITICWeights", "CVWeights", "UserWeights", "CombinedWeights",
           "weighting_scheme"]


def _group_labels(columns: pd.Index, groups: Mapping[str, str] | None) -> pd.Series:
    if groups is None:
        return pd.Series("score", index=columns, name="group")
    missing = [c for c in columns if c not in groups]
    if missing:
        raise SpatialCCDError(f"indicator(s) {missing} have no group (subsystem)")
    return pd.Series([groups[c] for c in columns], index=columns, name="group")


def _normalise_within(w: np.ndarray, groups: pd.Series, what: str) -> np.ndarray:
    """w / (sum of w over the indicator's group); error naming a group whose sum is 0."""
    out = w.astype(float).copy()
    for g in dict.fromkeys(groups):
        cols = (groups == g).to_numpy()
        total = out[cols].sum()
        if not total > 0:
            raise SpatialCCDError(f"{what} of group {g!r} sum to 0: weights undefined")
        out[cols] /= total
    return out


class Weighting(ABC):
    """Base class.  After :meth:`fit`: ``weights_`` (Series indexed by indicator) and ``groups_``."""

    def fit(self, X: pd.DataFrame, *, groups: Mapping[str, str] | None = None) -> Weighting:
        x = check_finite(X)
        self.groups_ = _group_labels(X.columns, groups)
        self.weights_ = pd.Series(self._weights(x, X.columns, self.groups_), index=X.columns, name="weight")
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Composite scores, one column per group: Uᵍᵢ = Σ_{j∈g} wⱼ X'ᵢⱼ."""
        if list(X.columns) != list(self.weights_.index):
            raise SpatialCCDError(f"columns {list(X.columns)} differ from the fitted indicators {list(self.weights_.index)}")
        weighted = check_finite(X) * self.weights_.to_numpy()
        labels = list(dict.fromkeys(self.groups_))
        out = np.column_stack([weighted[:, (self.groups_ == g).to_numpy()].sum(axis=1) for g in labels])
        return pd.DataFrame(out, index=X.index, columns=labels)

    def fit_transform(self, X: pd.DataFrame, *, groups: Mapping[str, str] | None = None) -> pd.DataFrame:
        return self.fit(X, groups=groups).transform(X)

    @abstractmethod
    def _weights(self, x: np.ndarray, columns: pd.Index, groups: pd.Series) -> np.ndarray:
        """Weights (k,) summing to 1 within each group."""


class _Objective(Weighting):
    """Objective weights wⱼ = Iⱼ / Σ_{k∈g} Iₖ from an information measure Iⱼ ≥ 0.

    Constant indicators carry no information: they warn (named) and get weight 0.
    ``information_`` holds Iⱼ after fitting.
    """

    def _weights(self, x, columns, groups):
        flat = np.ptp(x, axis=0) == 0
        if flat.any():
            warnings.warn(f"indicator(s) {list(columns[flat])} are constant (zero variance: no information); "
                          "their weight is 0", DataQualityWarning, stacklevel=3)
        info = np.zeros(x.shape[1])
        for g in dict.fromkeys(groups):
            cols = (groups == g).to_numpy() & ~flat
            if cols.any():
                info[cols] = self._information(x[:, cols], columns[cols])
        self.information_ = pd.Series(info, index=columns, name="information")
        return _normalise_within(info, groups, "information measures (all indicators constant?)")

    @abstractmethod
    def _information(self, x: np.ndarray, columns: pd.Index) -> np.ndarray:
        """Information Iⱼ of each (non-constant) column of one group."""


class EntropyWeights(_Objective):
    """Entropy weight method (熵权法), exactly as seeds 001/003 formulas 3–5.

    pᵢⱼ = X'ᵢⱼ / Σᵢ X'ᵢⱼ;  eⱼ = −k Σᵢ pᵢⱼ ln pᵢⱼ with k = 1/ln m, m the number
    of observations used (N·T pooled, N per year) and 0·ln 0 = 0;
    dⱼ = 1 − eⱼ;  wⱼ = dⱼ / Σ dₖ (within the subsystem).
    ``information_`` holds dⱼ, ``entropy_`` eⱼ.  Shannon (1948) entropy as an
    importance measure follows Zeleny (1982, *Multiple Criteria Decision
    Making*, McGraw-Hill); the steps are those of Zhang & Ouyang (2025, seed
    003) and seed 004.  X' must be non-negative (range
    standardisation; z-scores are rejected).
    """

    def _information(self, x, columns):
        m = x.shape[0]
        if m < 2:
            raise SpatialCCDError("the entropy method needs at least 2 observations (k = 1/ln m)")
        negative = columns[(x < 0).any(axis=0)]
        if len(negative):
            raise SpatialCCDError(f"indicator(s) {list(negative)} have negative standardised values; the entropy "
                                  "method needs X' >= 0 (use range standardisation, not z-scores)")
        p = x / x.sum(axis=0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        return 1.0 + plogp.sum(axis=0) / np.log(m)

    @property
    def entropy_(self) -> pd.Series:
        return (1.0 - self.information_).rename("entropy")


class CRITICWeights(_Objective):
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, *Computers & Operations
    Research* 22(7):763–770).

    Cⱼ = σⱼ Σₖ (1 − rⱼₖ), wⱼ = Cⱼ / Σ Cₖ, with σⱼ the standard deviation of the
    standardised indicator and rⱼₖ Pearson correlations among the indicators
    of the same subsystem (contrast intensity × conflict).  The ddof of σ
    cancels in the normalisation.
    """

    def _information(self, x, columns):
        sd = x.std(axis=0, ddof=1)
        if x.shape[1] == 1:  # a lone informative indicator: no conflict term, its weight is 1
            return sd
        return sd * (1.0 - np.corrcoef(x, rowvar=False)).sum(axis=0)


class CVWeights(_Objective):
    """Coefficient-of-variation weights (变异系数法): Vⱼ = σⱼ / |x̄ⱼ|, wⱼ = Vⱼ / Σ Vₖ.

    σⱼ is the sample SD and x̄ⱼ the mean of the data passed to :meth:`fit`
    (standardised or raw positive values).  A zero mean is an error naming the indicator.
    """

    def _information(self, x, columns):
        mean = x.mean(axis=0)
        zero = columns[mean == 0]
        if len(zero):
            raise SpatialCCDError(f"indicator(s) {list(zero)} have mean 0: coefficient of variation undefined")
        return x.std(axis=0, ddof=1) / np.abs(mean)


class UserWeights(Weighting):
    """User-given (subjective, e.g. AHP or Delphi) weights: a mapping indicator → weight ≥ 0.

    Weights are rescaled to sum to 1 within each subsystem, so global AHP
    weights and within-subsystem weights give the same composite scores.
    """

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights = dict(weights)

    def _weights(self, x, columns, groups):
        missing = [c for c in columns if c not in self.weights]
        if missing:
            raise SpatialCCDError(f"no user weight for indicator(s) {missing}")
        w = np.array([float(self.weights[c]) for c in columns])
        bad = list(columns[~(np.isfinite(w) & (w >= 0))])
        if bad:
            raise SpatialCCDError(f"user weight(s) of {bad} must be finite and >= 0")
        return _normalise_within(w, groups, "user weights")


class CombinedWeights(Weighting):
    """Combination of subjective and objective weights (主客观组合赋权).

    ``rule="multiplicative"`` (default): wⱼ = sⱼ·oⱼ / Σₖ sₖ·oₖ — the
    multiplicative synthesis normalisation (乘法合成归一化), which reinforces
    indicators both methods rate highly;
    ``rule="linear"``: wⱼ = β·sⱼ + (1 − β)·oⱼ, β ∈ [0, 1] (``beta``).
    Both are renormalised within each subsystem.  ``subjective`` and
    ``objective`` are unfitted :class:`Weighting` objects, fitted on the same data.
    """

    def __init__(self, subjective: Weighting, objective: Weighting, *, rule: str = "multiplicative",
                 beta: float = 0.5) -> None:
        if rule not in ("multiplicative", "linear"):
            raise SpatialCCDError(f"unknown combination rule {rule!r}; use 'multiplicative' or 'linear'")
        if not 0.0 <= beta <= 1.0:
            raise SpatialCCDError(f"beta must lie in [0, 1], got {beta}")
        self.subjective, self.objective, self.rule, self.beta = subjective, objective, rule, beta

    def _weights(self, x, columns, groups):
        frame = pd.DataFrame(x, columns=columns)
        groups_map = groups.to_dict()
        s = self.subjective.fit(frame, groups=groups_map).weights_.to_numpy()
        o = self.objective.fit(frame, groups=groups_map).weights_.to_numpy()
        w = s * o if self.rule == "multiplicative" else self.beta * s + (1.0 - self.beta) * o
        return _normalise_within(w, groups, "combined weights")


_SCHEMES = {"entropy": EntropyWeights, "critic": CRITICWeights, "cv": CVWeights}


def weighting_scheme(scheme: str | Weighting) -> Weighting:
    """A :class:`Weighting` from a name ("entropy", "critic", "cv") or an instance (returned as is)."""
    if isinstance(scheme, Weighting):
        return scheme
    if scheme not in _SCHEMES:
        raise SpatialCCDError(f"unknown weighting scheme {scheme!r}; use one of {sorted(_SCHEMES)} or a Weighting object")
    return _SCHEMES[scheme]()
