"""Coupling coordination degree model (耦合协调度模型): C, T, D, grades, relative
development degree and development types.

Inputs are subsystem scores U₁ … Uₙ in [0, 1] (comprehensive evaluation
indices, e.g. :attr:`spatialccd.evaluation.Evaluation.scores`), one column per
subsystem; outputs keep the input's index.  Numeric cores work on arrays.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["coupling_coordination", "coordination_grade", "GradeScheme", "GRADE_SCHEMES",
           "relative_development", "development_type", "coordination_table"]

_DECIMALS = 10  # values are rounded to this many decimals before classification (float noise at boundaries)


def _scores(U) -> pd.DataFrame:
    frame = U if isinstance(U, pd.DataFrame) else pd.DataFrame(U)
    if frame.shape[1] < 2:
        raise ValueError(f"coupling needs at least 2 subsystem columns, got {list(frame.columns)}")
    x = frame.to_numpy(dtype=float)
    for bad, what in ((np.isnan(x), "missing"), (~np.isnan(x) & ((x < 0) | (x > 1)), "outside [0, 1]")):
        if bad.any():
            r, c = np.nonzero(bad)
            cells = list(zip(frame.index[r[:20]].tolist(), frame.columns[c[:20]].tolist(), x[r[:20], c[:20]].tolist()))
            raise ValueError(f"subsystem scores {what} in {int(bad.sum())} cell(s) (row, subsystem, value): {cells}")
    return frame


def _alpha(alpha, columns: pd.Index) -> np.ndarray:
    n = len(columns)
    if alpha is None:
        return np.full(n, 1.0 / n)
    a = np.array([alpha[c] for c in columns] if isinstance(alpha, Mapping) else list(alpha), dtype=float)
    if a.shape != (n,) or (a < 0).any():
        raise ValueError(f"alpha must give one non-negative weight per subsystem {list(columns)}, got {alpha!r}")
    if not np.isclose(a.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"alpha must sum to 1 (T = Σ αᵢUᵢ), got sum {a.sum():.12g}")
    return a


def _coupling(u: np.ndarray, method: str) -> np.ndarray:
    n = u.shape[1]
    total = u.sum(axis=1)
    if method == "standard":
        gm = np.prod(u, axis=1) ** (1.0 / n)
        return np.divide(n * gm, total, out=np.zeros_like(total), where=total > 0)
    if method == "modified":
        i, j = np.triu_indices(n, k=1)
        spread = 1.0 - np.abs(u[:, i] - u[:, j]).sum(axis=1) / (n * (n - 1) / 2)
        top = u.max(axis=1, keepdims=True)
        ratios = np.divide(u, top, out=np.zeros_like(u), where=top > 0)
        return np.sqrt(spread * np.prod(ratios, axis=1) ** (1.0 / (n - 1)))
    if method == "fan":
        var = (n * (u ** 2).sum(axis=1) - total ** 2) / n ** 2
        return 1.0 - 2.0 * np.sqrt(np.clip(var, 0.0, None))
    raise ValueError(f"unknown coupling method {method!r}; use 'standard', 'modified' or 'fan'")


def coupling_coordination(U: pd.DataFrame, *, alpha: Sequence[float] | Mapping[str, float] | None = None,
                          method: str = "standard") -> pd.DataFrame:
    """Coupling degree C, comprehensive coordination index T and coupling coordination degree D.

    T = Σ αᵢUᵢ (α defaults to 1/n and must sum to 1), D = √(C·T), and C by ``method``:

    ``"standard"`` — C = n·[Π Uᵢ / (Σ Uᵢ)ⁿ]^{1/n}; for n = 2, C = 2√(U₁U₂)/(U₁+U₂)
    (seed 003 formula 8; seed 000 §2.3.2).  C depends only on the ratios of
    the Uᵢ, so it crowds near 1: U₁/U₂ = 0.5 already gives C = 0.943.

    ``"modified"`` — the corrected model of Wang Shujia, Kong Wei, Ren Lang &
    Zhi Dandan (2021), "Research on misuses and modification of coupling
    coordination degree model in China", *Journal of Natural Resources*
    36(3):793–810, doi:10.31497/zrzyxb.20210319:
    C = √{[1 − Σ_{i>j}|Uᵢ − Uⱼ| / Σ_{m=1}^{n−1} m] · [Πᵢ (Uᵢ / maxⱼ Uⱼ)]^{1/(n−1)}};
    for n = 2, C = √[(1 − |U₁ − U₂|)·min/max].  It penalises absolute gaps as
    well as ratios, so C spreads over [0, 1] instead of crowding near 1.

    ``"fan"`` — Fan et al. (2024, *Statistics & Decision* 统计与决策,
    doi:10.13546/j.cnki.tjyjc.2024.22.007): C = 1 − 2·√[(nΣUᵢ² − (ΣUᵢ)²)/n²],
    i.e. one minus twice the population SD of the Uᵢ (for n = 2, 1 − |U₁ − U₂|).

    The three formulas are those of the R package ``coupling`` (Lyu 2026,
    ``ccd(method = "standard" | "wang" | "fan")``).  With equal α, D of the
    standard model is (Π Uᵢ)^{1/(2n)}, increasing in every Uᵢ; the modified
    and fan D are *not* monotone (raising the leading subsystem can lower D).

    Parameters
    ----------
    U : DataFrame, one column per subsystem, scores in [0, 1]; missing or
        out-of-range cells raise naming the rows and columns.
    alpha : weights per subsystem (sequence in column order, or mapping by column)
    method : "standard", "modified" or "fan"

    A score of exactly 0 makes C = 0 under "standard" and "modified" (and D = 0
    whatever the other subsystems); this warns — standardise with a shift
    (``evaluate(..., shift=1e-4)`` / :class:`~spatialccd.RangeStandardiser`).
    """
    frame = _scores(U)
    a = _alpha(alpha, frame.columns)
    u = frame.to_numpy(dtype=float)
    C = _coupling(u, method)
    zero = (u == 0).any(axis=1)
    if zero.any() and method in ("standard", "modified"):
        warnings.warn(f"subsystem score exactly 0 in row(s) {frame.index[zero][:20].tolist()}: C = 0 and D = 0 there; "
                      "standardise with a shift (e.g. evaluate(..., shift=1e-4)) to keep scores off zero",
                      UserWarning, stacklevel=2)
    T = u @ a
    return pd.DataFrame({"C": C, "T": T, "D": np.sqrt(C * T)}, index=frame.index)


@dataclass(frozen=True)
class GradeScheme:
    """Grades on [0, 1]: ``breaks`` are the ascending lower bounds of levels 2 … k.

    A value v gets level 1 + #{b ∈ breaks : b ≤ v}: each level includes its
    lower bound and excludes its upper bound, except the top level, which
    includes 1.  ``labels`` (English) and optional ``labels_zh``, ``stages``,
    ``stages_zh`` give one entry per level.
    """

    breaks: tuple[float, ...]
    labels: tuple[str, ...]
    labels_zh: tuple[str, ...] | None = None
    stages: tuple[str, ...] | None = None
    stages_zh: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        b = np.asarray(self.breaks, dtype=float)
        if b.size and (np.any(np.diff(b) <= 0) or b[0] <= 0 or b[-1] >= 1):
            raise ValueError(f"breaks must be strictly increasing inside (0, 1), got {self.breaks}")
        for name in ("labels", "labels_zh", "stages", "stages_zh"):
            value = getattr(self, name)
            if value is not None and len(value) != b.size + 1:
                raise ValueError(f"{name} needs {b.size + 1} entries (one per level), got {len(value)}")


_STAGES = ("low-level coordination (antagonistic stage)", "medium-level coordination (running-in stage)",
           "high-level coordination (coordinated stage)")
_STAGES_ZH = ("低水平耦合协调(拮抗阶段)", "中等水平耦合协调(磨合阶段)", "高水平耦合协调(协调阶段)")

#: Published schemes.  "ten": seed 000 Table 2 (= seed 003 表 1), 0.1 steps from
#: extreme dyscoordination to superior coordination, with seed 000's three
#: hierarchies as stages; "three": those hierarchies alone (0–0.3, 0.3–0.6, 0.6–1).
GRADE_SCHEMES: dict[str, GradeScheme] = {
    "ten": GradeScheme(
        breaks=tuple(np.round(np.arange(0.1, 1.0, 0.1), 1)),
        labels=("extreme dyscoordination", "severe dyscoordination", "moderate dyscoordination",
                "mild dyscoordination", "marginal dyscoordination", "marginal coordination",
                "primary coordination", "intermediate coordination", "good coordination", "superior coordination"),
        labels_zh=("极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调",
                   "勉强协调", "初级协调", "中级协调", "良好协调", "优质协调"),
        stages=(_STAGES[0],) * 3 + (_STAGES[1],) * 3 + (_STAGES[2],) * 4,
        stages_zh=(_STAGES_ZH[0],) * 3 + (_STAGES_ZH[1],) * 3 + (_STAGES_ZH[2],) * 4),
    "three": GradeScheme(breaks=(0.3, 0.6), labels=_STAGES, labels_zh=_STAGES_ZH),
}


def _unit_interval(values, name: str) -> pd.Series:
    s = values.copy() if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=float))
    x = s.to_numpy(dtype=float)
    bad = np.isnan(x) | (x < 0) | (x > 1)
    if bad.any():
        raise ValueError(f"{name} must lie in [0, 1]; offending (row, value): "
                         f"{list(zip(s.index[bad][:20].tolist(), x[bad][:20].tolist()))}")
    return s


def coordination_grade(D, scheme: str | GradeScheme = "ten") -> pd.DataFrame:
    """Coordination grade of each D (耦合协调等级), aligned to D's index.

    ``scheme="ten"`` (default) is seed 000 Table 2: level k covers
    [(k−1)/10, k/10), lower bound inclusive (0.3 is mild dyscoordination,
    0.6 primary coordination) and 1.0 belongs to the top level (seed 003 表 1
    closes it: [0.9, 1.0]).  ``"three"`` gives seed 000's three hierarchies.
    Pass a :class:`GradeScheme` for user-defined breaks.  D is rounded to 10
    decimals first, so floating-point noise (0.6 computed as 0.5999999999999)
    does not move a value across a boundary.

    Returns columns ``level`` (1 … k), ``grade`` and, when the scheme has them,
    ``grade_zh``, ``stage``, ``stage_zh``.
    """
    if isinstance(scheme, str):
        if scheme not in GRADE_SCHEMES:
            raise ValueError(f"unknown grade scheme {scheme!r}; use one of {sorted(GRADE_SCHEMES)} or a GradeScheme")
        scheme = GRADE_SCHEMES[scheme]
    d = _unit_interval(D, "D")
    level = np.searchsorted(np.asarray(scheme.breaks, dtype=float), np.round(d.to_numpy(float), _DECIMALS),
                            side="right")
    out = pd.DataFrame({"level": level + 1, "grade": np.asarray(scheme.labels, dtype=object)[level]}, index=d.index)
    for col, labels in (("grade_zh", scheme.labels_zh), ("stage", scheme.stages), ("stage_zh", scheme.stages_zh)):
        if labels is not None:
            out[col] = np.asarray(labels, dtype=object)[level]
    return out


def _s_class(S: np.ndarray, lower: float, upper: float) -> np.ndarray:
    if not 0 < lower <= 1 <= upper:
        raise ValueError(f"thresholds must satisfy 0 < lower <= 1 <= upper, got {lower}, {upper}")
    s = np.round(S, _DECIMALS)
    return np.where(s < lower, 0, np.where(s > upper, 2, 1))


def _names(u1, u2, names) -> tuple[str, str]:
    if names is not None:
        return tuple(names)
    n1, n2 = getattr(u1, "name", None), getattr(u2, "name", None)
    return (str(n1), str(n2)) if n1 is not None and n2 is not None else ("U1", "U2")


def relative_development(u1, u2, *, lower: float = 0.8, upper: float = 1.2,
                         names: tuple[str, str] | None = None) -> pd.DataFrame:
    """Relative development degree S = U₁/U₂ (相对发展度) and its class.

    S < ``lower``: U₁ lagging (滞后型); lower ≤ S ≤ upper: synchronised
    (同步发展型); S > ``upper``: U₂ lagging — seed 000 §2.3.3 with thresholds
    0.8 and 1.2, both inclusive in the synchronised class.  ``names`` label the
    subsystems (default: the Series names, else U1/U2).  U₂ = 0 raises naming
    the rows (S undefined; use the ε shift).  Returns ``S``, ``S_class``, ``S_class_zh``.
    """
    a, b = _unit_interval(u1, "U1"), _unit_interval(u2, "U2")
    if len(a) != len(b):
        raise ValueError(f"U1 and U2 differ in length ({len(a)} vs {len(b)})")
    zero = b.to_numpy(float) == 0
    if zero.any():
        raise ValueError(f"S = U1/U2 is undefined where U2 = 0, rows {b.index[zero][:20].tolist()}; "
                         "standardise with a shift (e.g. evaluate(..., shift=1e-4))")
    n1, n2 = _names(u1, u2, names)
    S = a.to_numpy(float) / b.to_numpy(float)
    k = _s_class(S, lower, upper)
    return pd.DataFrame({"S": S,
                         "S_class": np.array([f"{n1} lagging", "synchronised", f"{n2} lagging"], dtype=object)[k],
                         "S_class_zh": np.array([f"{n1}滞后型", "同步发展型", f"{n2}滞后型"], dtype=object)[k]},
                        index=a.index)


def development_type(D, S, *, lower: float = 0.8, upper: float = 1.2,
                     names: tuple[str, str] = ("U1", "U2")) -> pd.DataFrame:
    """Development type A11 … A53 of seed 000 Table 3: five D bands × three S classes.

    D bands are upper-inclusive as printed: (0, 0.2] → 1, (0.2, 0.4] → 2, …,
    (0.8, 1] → 5, with D = 0 in band 1.  S classes: S < lower → 1 (U₁ lags),
    lower ≤ S ≤ upper → 2, S > upper → 3 (U₂ lags).  Labels: bands 1–2
    "impaired" (受损型; class 2 co-impaired), bands 3–5 "lagging" (滞后型;
    class 2 coordinated development, 协调发展型).  Seed 000 labels A11 "impaired
    regional economic development" (its U₂) although S < 0.8 means U₁ lags, as
    its own A21/A31 say; here A11 is "U₁ impaired".  Returns ``type``,
    ``type_label``, ``type_label_zh`` aligned to D's index.
    """
    d = _unit_interval(D, "D")
    s = np.asarray(S, dtype=float)
    if s.shape != (len(d),) or np.isnan(s).any() or (s < 0).any():
        raise ValueError("S must be non-negative and align with D")
    band = np.searchsorted([0.2, 0.4, 0.6, 0.8], np.round(d.to_numpy(float), _DECIMALS), side="left")
    k = _s_class(s, lower, upper)
    n1, n2 = names
    low = band < 2
    en = np.where(low, np.array([f"{n1} impaired", "co-impaired", f"{n2} impaired"], dtype=object)[k],
                  np.array([f"{n1} lagging", "coordinated development", f"{n2} lagging"], dtype=object)[k])
    zh = np.where(low, np.array([f"{n1}受损型", "共同受损型", f"{n2}受损型"], dtype=object)[k],
                  np.array([f"{n1}滞后型", "协调发展型", f"{n2}滞后型"], dtype=object)[k])
    codes = [f"A{b + 1}{c + 1}" for b, c in zip(band, k)]
    return pd.DataFrame({"type": codes, "type_label": en, "type_label_zh": zh}, index=d.index)


def coordination_table(scores: pd.DataFrame, *, alpha=None, method: str = "standard",
                       scheme: str | GradeScheme = "ten", lower: float = 0.8, upper: float = 1.2) -> pd.DataFrame:
    """Tidy result table: one row per unit-year with U…, C, T, D, grade and — for two
    subsystems — S, its class and the development type.

    ``scores`` has one column per subsystem and the identifiers in its index
    (e.g. :attr:`Evaluation.scores`, indexed by (year, province)); they become
    leading columns.  Province codes merge onto :func:`spatialccd.provinces`:
    ``provinces().merge(table, left_index=True, right_on="province")``.
    Formulas: :func:`coupling_coordination`, :func:`coordination_grade`,
    :func:`relative_development`, :func:`development_type`.
    """
    ccd = coupling_coordination(scores, alpha=alpha, method=method)
    parts = [scores, ccd, coordination_grade(ccd["D"], scheme)]
    if scores.shape[1] == 2:
        u1, u2 = scores.iloc[:, 0], scores.iloc[:, 1]
        rel = relative_development(u1, u2, lower=lower, upper=upper)
        parts += [rel, development_type(ccd["D"], rel["S"], lower=lower, upper=upper, names=_names(u1, u2, None))]
    table = pd.concat(parts, axis=1)
    return table.reset_index(drop=all(n is None for n in table.index.names))
