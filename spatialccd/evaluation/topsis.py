"""TOPSIS (entropy-TOPSIS) composite scores with pooled ideal solutions, and grey relational degree.

**TOPSIS** (Hwang & Yoon 1981) per subsystem g, on the standardised indicators X'ᵢⱼ of
:func:`spatialccd.evaluate` (range standardisation with direction, so larger is better) and
their weights wⱼ (entropy by default: "entropy-TOPSIS"; or CRITIC, CV, user, combined):

    vᵢⱼ = wⱼ X'ᵢⱼ,  V⁺ⱼ = maxᵢ vᵢⱼ,  V⁻ⱼ = minᵢ vᵢⱼ,
    D⁺ᵢ = √Σ_{j∈g}(vᵢⱼ − V⁺ⱼ)²,  D⁻ᵢ = √Σ_{j∈g}(vᵢⱼ − V⁻ⱼ)²,  Cᵢ = D⁻ᵢ / (D⁺ᵢ + D⁻ᵢ) ∈ [0, 1].

The maxima and minima run over the pooled N·T unit-years (as the pooled min/max and entropy
weights of :func:`~spatialccd.evaluate`), so the ideal solutions are the same in every year and
closeness coefficients are comparable over time; ``per_year=True`` takes them (with the
standardisation and weights) year by year, which makes years incomparable.  With min–max
normalisation this is pymcdm's ``TOPSIS(minmax_normalization)`` applied to the pooled matrix.
The closeness coefficients, one column per subsystem, can replace the linear scores U in
:func:`spatialccd.coupling_coordination`.

**Grey relational degree** (Deng 1982; 邓聚龙灰色关联分析) of factor series xⱼ with a reference
series x₀ (e.g. D, or an obstacle/driver analysis): each series is made dimensionless
(``standardise``: "mean" x/x̄, "initial" x/x₁ for time series, "range" (x − min)/(max − min)),
Δᵢⱼ = |x₀ᵢ − xᵢⱼ|, and with the two-level extremes Δ_min = minⱼ minᵢ Δᵢⱼ, Δ_max = maxⱼ maxᵢ Δᵢⱼ
and the distinguishing coefficient ρ (0.5):

    ξᵢⱼ = (Δ_min + ρ Δ_max) / (Δᵢⱼ + ρ Δ_max),  rⱼ = (1/n) Σᵢ ξᵢⱼ.

References
----------
Hwang, C.-L. & Yoon, K. (1981) *Multiple Attribute Decision Making*. Springer.
Deng, J.-L. (1982) Control problems of grey systems. *Systems & Control Letters* 1(5), 288–294.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._options import GreyStandardise, check_option
from ..exceptions import DataError, SpatialCCDError
from ..summary import Summary, SummaryMixin

__all__ = ["TOPSISResult", "topsis", "GreyRelation", "grey_relational"]


def _squared_gaps(V: np.ndarray, blocks: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(vᵢⱼ − V⁺ⱼ)², (vᵢⱼ − V⁻ⱼ)² of weighted values V (rows × indicators) with the ideals taken
    within each block of rows (one block pooled, or one per year), and V⁺, V⁻ per block."""
    m = V.shape[1]
    pos, neg = np.empty((len(blocks), m)), np.empty((len(blocks), m))
    Vp, Vn = np.empty_like(V), np.empty_like(V)
    for b, rows in enumerate(blocks):
        pos[b], neg[b] = V[rows].max(axis=0), V[rows].min(axis=0)
        Vp[rows], Vn[rows] = pos[b], neg[b]
    return (V - Vp) ** 2, (V - Vn) ** 2, pos, neg


@dataclass(frozen=True)
class TOPSISResult(SummaryMixin):
    """Closeness coefficients ``scores`` (one column per subsystem, indexed by (time, unit)),
    distances ``d_plus`` and ``d_minus``, the weighted ideal solutions ``ideal`` (indicator ×
    ``positive``/``negative``, or (time, indicator) when ``per_year``) and the
    :class:`~spatialccd.evaluation.Evaluation` that gave the standardised values and weights."""

    scores: pd.DataFrame
    d_plus: pd.DataFrame
    d_minus: pd.DataFrame
    ideal: pd.DataFrame
    evaluation: object
    per_year: bool

    @property
    def weights(self) -> pd.DataFrame:
        return self.evaluation.weights

    def to_frame(self) -> pd.DataFrame:
        """Per (time, unit): closeness C, D⁺ and D⁻ of every subsystem."""
        return pd.concat([self.scores, self.d_plus.add_prefix("D+ "), self.d_minus.add_prefix("D- ")], axis=1)

    def summary(self) -> Summary:
        idx = self.scores.index
        facts = (("Subsystems", ", ".join(self.scores.columns)), ("Units", str(idx.get_level_values(-1).nunique())),
                 ("Periods", str(idx.get_level_values(0).nunique())),
                 ("Ideal solutions", "per year" if self.per_year else "pooled over all periods"))
        means = self.scores.groupby(level=0, sort=True).mean()
        return Summary("TOPSIS closeness coefficients", facts,
                       (("Indicator weights", self.evaluation.weights), ("Weighted ideal solutions", self.ideal),
                        ("Closeness C (mean over units)", means)))


def topsis(data, system, *, unit: str = "province", time: str = "year", standardise: str | None = "range",
           shift: float | tuple[float, float] | None = None, weighting="entropy",
           per_year: bool = False) -> TOPSISResult:
    """TOPSIS closeness coefficient of every subsystem for every unit-year (module docstring).

    Standardisation, weights and their options are those of :func:`spatialccd.evaluate`
    (``weighting="entropy"`` gives entropy-TOPSIS; pass a :class:`UserWeights` for AHP or
    expert weights).  Ideal solutions are pooled over all years unless ``per_year``.
    """
    from . import evaluate

    ev = evaluate(data, system, unit=unit, time=time, standardise=standardise, shift=shift, weighting=weighting,
                  per_year=per_year)
    V = (ev.standardised * ev.observation_weights).to_numpy(dtype=float)
    index = ev.standardised.index
    years = index.get_level_values(0)
    blocks = ([np.flatnonzero(years == t) for t in years.unique()] if per_year else [np.arange(len(index))])
    sq_plus, sq_minus, pos, neg = _squared_gaps(V, blocks)
    groups = ev.system.groups
    subsystems = list(dict.fromkeys(groups[c] for c in ev.standardised.columns))
    cols = [np.array([groups[c] == g for c in ev.standardised.columns]) for g in subsystems]
    dp = np.column_stack([np.sqrt(sq_plus[:, c].sum(axis=1)) for c in cols])
    dm = np.column_stack([np.sqrt(sq_minus[:, c].sum(axis=1)) for c in cols])
    with np.errstate(invalid="ignore", divide="ignore"):
        C = dm / (dp + dm)

    def frame(a: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(a, index=index, columns=subsystems)

    ind = list(ev.standardised.columns)
    if per_year:
        keys = pd.MultiIndex.from_product([years.unique(), ind], names=[index.names[0], "indicator"])
        ideal = pd.DataFrame({"positive": pos.ravel(), "negative": neg.ravel()}, index=keys)
    else:
        ideal = pd.DataFrame({"positive": pos[0], "negative": neg[0]}, index=pd.Index(ind, name="indicator"))
    return TOPSISResult(frame(C), frame(dp), frame(dm), ideal, ev, per_year)


# ---------------------------------------------------------------------------
# grey relational analysis
# ---------------------------------------------------------------------------
def _dimensionless(X: np.ndarray, how: str, names: list[str]) -> np.ndarray:
    if how == "mean":
        d = X.mean(axis=0)
    elif how == "initial":
        d = X[0]
    else:
        lo, span = X.min(axis=0), np.ptp(X, axis=0)
        flat = [n for n, s in zip(names, span) if s == 0]
        if flat:
            raise DataError(f"series {flat} are constant: range standardisation undefined")
        return (X - lo) / span
    zero = [n for n, v in zip(names, d) if v == 0]
    if zero:
        raise DataError(f"series {zero} have a zero {'mean' if how == 'mean' else 'first value'}: "
                        f"standardise={how!r} undefined")
    return X / d


@dataclass(frozen=True)
class GreyRelation(SummaryMixin):
    """Grey relational ``degrees`` r_j (Series by factor, with ``rank``) and ``coefficients`` ξ_ij."""

    reference: str
    degrees: pd.DataFrame
    coefficients: pd.DataFrame
    rho: float
    standardise: str

    def to_frame(self) -> pd.DataFrame:
        return self.degrees.copy()

    def summary(self) -> Summary:
        facts = (("Reference", self.reference), ("Observations", str(len(self.coefficients))),
                 ("rho", f"{self.rho:g}"), ("Standardisation", self.standardise))
        return Summary("Grey relational analysis", facts, (("Grey relational degree", self.degrees),))


def grey_relational(reference: pd.Series, factors: pd.DataFrame, *, rho: float = 0.5,
                    standardise: GreyStandardise = "mean",
                    weights: Mapping[object, float] | None = None) -> GreyRelation:
    """Grey relational degree of each column of ``factors`` with ``reference`` (module docstring).

    ``reference`` and ``factors`` share their index (one row per observation, e.g. unit-years
    or years); ``weights`` (per observation, summing to 1) replace the plain mean in rⱼ.
    """
    standardise = check_option("standardise", standardise, "grey_standardise")
    if not 0 < rho <= 1:
        raise SpatialCCDError(f"rho (distinguishing coefficient) must be in (0, 1], got {rho!r}")
    if not isinstance(factors, pd.DataFrame) or factors.shape[1] == 0:
        raise SpatialCCDError("factors must be a DataFrame with at least one column")
    if not reference.index.equals(factors.index):
        raise DataError("reference and factors must have the same index (the same observations in the same order)")
    names = [str(reference.name or "reference"), *map(str, factors.columns)]
    raw = np.column_stack([reference.to_numpy(dtype=float), factors.to_numpy(dtype=float)])
    if not np.isfinite(raw).all():
        r, c = np.nonzero(~np.isfinite(raw))
        raise DataError(f"missing or non-finite values at (row, series) {[(reference.index[i], names[j]) for i, j in zip(r[:10], c[:10])]}")
    Z = _dimensionless(raw, standardise, names)
    delta = np.abs(Z[:, 1:] - Z[:, :1])
    lo, hi = delta.min(), delta.max()
    if hi == 0:
        raise DataError("every factor equals the reference after standardisation: relational degree undefined")
    xi = (lo + rho * hi) / (delta + rho * hi)
    if weights is None:
        r = xi.mean(axis=0)
    else:
        wv = np.array([weights[i] for i in reference.index], dtype=float)
        if not np.isclose(wv.sum(), 1.0):
            raise SpatialCCDError(f"weights must sum to 1, got {wv.sum():.6g}")
        r = wv @ xi
    degrees = pd.DataFrame({"degree": r}, index=pd.Index(factors.columns, name="factor"))
    degrees["rank"] = degrees["degree"].rank(ascending=False, method="min").astype(int)
    return GreyRelation(names[0], degrees, pd.DataFrame(xi, index=factors.index, columns=factors.columns), rho,
                        standardise)
