"""Coupling coordination degree model (耦合协调度模型): C, T, D, grades, relative
development degree and development types.

Inputs are subsystem scores U₁ … Uₙ in [0, 1] (comprehensive evaluation
indices, e.g. :attr:`spatialccd.evaluation.Evaluation.scores`), one column per
subsystem; outputs keep the input's index.  Numeric cores work on arrays.
:func:`development_types_table` gives the per-unit layout of seed 000 Table 5 /
seed 002 Table 4 (C, T, D, grade, S, S class, type, with mean rows).
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._groups import GroupSpec, group_labels, region_name
from ._options import check_option
from .exceptions import DataError, DataQualityWarning, SpatialCCDError
from .geo import province_table
from .panel import normalise_units

__all__ = ["coupling_coordination", "coordination_grade", "GradeScheme", "GRADE_SCHEMES", "grade_scheme",
           "relative_development", "development_type", "coordination_table", "development_types_table"]

_DECIMALS = 10  # values are rounded to this many decimals before classification (float noise at boundaries)


def _float_frame(frame: pd.DataFrame, what: str) -> np.ndarray:
    """The frame as floats; DataError naming every (row, column, value) that is not a number
    (``'n/a'``, ``'—'``, text), instead of numpy's "could not convert string to float"."""
    out = np.empty(frame.shape, dtype=float)
    bad_cells = []
    for j, col in enumerate(frame.columns):
        s = frame.iloc[:, j]
        if pd.api.types.is_bool_dtype(s):
            raise DataError(f"{what} column {col!r} is boolean, not a score")
        num = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_numeric_dtype(s) else s
        wrong = (num.isna() & s.notna()).to_numpy()
        bad_cells += [(r, col, v) for r, v in zip(frame.index[wrong].tolist(), s[wrong].tolist())]
        out[:, j] = num.to_numpy(dtype=float)
    if bad_cells:
        cols = list(dict.fromkeys(c for _, c, _ in bad_cells))
        raise DataError(f"{what}: non-numeric value(s) in column(s) {cols}, {len(bad_cells)} cell(s) "
                        f"(row, column, value): {bad_cells[:20]}")
    return out


def _scores(U) -> pd.DataFrame:
    frame = U if isinstance(U, pd.DataFrame) else pd.DataFrame(U)
    if frame.shape[1] < 2:
        raise DataError(f"coupling needs at least 2 subsystem columns, got {list(frame.columns)}")
    x = _float_frame(frame, "subsystem scores")
    for bad, what in ((np.isnan(x), "missing"), (~np.isnan(x) & ((x < 0) | (x > 1)), "outside [0, 1]")):
        if bad.any():
            r, c = np.nonzero(bad)
            cells = list(zip(frame.index[r[:20]].tolist(), frame.columns[c[:20]].tolist(), x[r[:20], c[:20]].tolist()))
            raise DataError(f"subsystem scores {what} in {int(bad.sum())} cell(s) (row, subsystem, value): {cells}")
    return frame if all(pd.api.types.is_float_dtype(frame[c]) for c in frame.columns) else \
        pd.DataFrame(x, index=frame.index, columns=frame.columns)


def _alpha(alpha, columns: pd.Index) -> np.ndarray:
    n = len(columns)
    if alpha is None:
        return np.full(n, 1.0 / n)
    a = np.array([alpha[c] for c in columns] if isinstance(alpha, Mapping) else list(alpha), dtype=float)
    if a.shape != (n,) or (a < 0).any():
        raise SpatialCCDError(f"alpha must give one non-negative weight per subsystem {list(columns)}, got {alpha!r}")
    if not np.isclose(a.sum(), 1.0, rtol=0, atol=1e-9):
        raise SpatialCCDError(f"alpha must sum to 1 (T = Σ αᵢUᵢ), got sum {a.sum():.12g}")
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
    raise SpatialCCDError(f"unknown coupling method {method!r}; use 'standard', 'modified' or 'fan'")


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
                      DataQualityWarning, stacklevel=2)
    T = u @ a
    return pd.DataFrame({"C": C, "T": T, "D": np.sqrt(C * T)}, index=frame.index)


@dataclass(frozen=True)
class GradeScheme:
    """Grades on [0, 1]: ``breaks`` are the ascending lower bounds of levels 2 … k.

    A value v gets level 1 + #{b ∈ breaks : b ≤ v}: each level includes its
    lower bound and excludes its upper bound, except the top level, which
    includes 1.  ``labels`` (English) and optional ``labels_zh``, ``stages``,
    ``stages_zh`` give one entry per level.  :meth:`from_cuts` builds a scheme
    from all cut points 0 = c₀ < c₁ < … < c_k = 1 (what papers print).
    """

    breaks: tuple[float, ...]
    labels: tuple[str, ...]
    labels_zh: tuple[str, ...] | None = None
    stages: tuple[str, ...] | None = None
    stages_zh: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        b = np.asarray(self.breaks, dtype=float)
        if b.size and (np.any(np.diff(b) <= 0) or b[0] <= 0 or b[-1] >= 1):
            raise SpatialCCDError(f"breaks must be strictly increasing inside (0, 1), got {self.breaks}")
        for name in ("labels", "labels_zh", "stages", "stages_zh"):
            value = getattr(self, name)
            if value is not None and len(value) != b.size + 1:
                raise SpatialCCDError(f"{name} needs {b.size + 1} entries (one per level), got {len(value)}")

    @property
    def cuts(self) -> tuple[float, ...]:
        """All cut points, 0, the breaks, 1."""
        return (0.0, *map(float, self.breaks), 1.0)

    @classmethod
    def from_cuts(cls, cuts: Sequence[float], labels: Sequence[str], *, labels_zh: Sequence[str] | None = None,
                  stages: Sequence[str] | None = None, stages_zh: Sequence[str] | None = None) -> GradeScheme:
        """A scheme from its cut points and one label per interval (English, optional Chinese).

        ``cuts`` are k + 1 strictly increasing numbers covering [0, 1] — the first 0 and
        the last 1 — and level j is [c_{j−1}, c_j) (the top level closed at 1), e.g. seed
        003's five stages: ``cuts=[0, 0.3, 0.5, 0.7, 0.9, 1]``.  Errors name what is wrong
        (``cuts`` or ``labels``) so a study file can point at its key.
        """
        try:
            c = np.asarray(list(cuts), dtype=float)
        except (TypeError, ValueError):
            raise SpatialCCDError(f"cuts must be numbers, got {cuts!r}") from None
        if c.ndim != 1 or c.size < 2 or not np.all(np.isfinite(c)):
            raise SpatialCCDError(f"cuts must be at least two finite numbers from 0 to 1, got {list(cuts)!r}")
        down = np.flatnonzero(np.diff(c) <= 0)
        if down.size:
            i = int(down[0])
            raise SpatialCCDError(f"cuts must be strictly increasing: {c[i]:g} (position {i + 1}) is followed "
                                  f"by {c[i + 1]:g}; got {c.tolist()}")
        if c[0] != 0 or c[-1] != 1:
            raise SpatialCCDError(f"cuts must cover [0, 1]: the first cut point must be 0 and the last 1, got "
                                  f"first {c[0]:g} and last {c[-1]:g}")
        k = c.size - 1
        named = {"labels": labels, "labels_zh": labels_zh, "stages": stages, "stages_zh": stages_zh}
        out = {}
        for key, value in named.items():
            if value is None:
                out[key] = None
                continue
            if isinstance(value, str) or len(value) != k:
                got = 1 if isinstance(value, str) else len(value)
                raise SpatialCCDError(f"{key} needs {k} entries, one per interval between the {k + 1} cut "
                                      f"points, got {got}")
            out[key] = tuple(str(v) for v in value)
        return cls(breaks=tuple(c[1:-1].tolist()), **out)


_STAGES = ("low-level coordination (antagonistic stage)", "medium-level coordination (running-in stage)",
           "high-level coordination (coordinated stage)")
_STAGES_ZH = ("低水平耦合协调(拮抗阶段)", "中等水平耦合协调(磨合阶段)", "高水平耦合协调(协调阶段)")

#: Published schemes.  "ten": seed 000 Table 2 (= seed 003 表 1), 0.1 steps from
#: extreme dyscoordination to superior coordination, with seed 000's three
#: hierarchies as stages; "three": those hierarchies alone (0–0.3, 0.3–0.6, 0.6–1);
#: "five": seed 003 表 1's five development stages, [0, 0.3) 低水平耦合, [0.3, 0.5)
#: 过渡阶段, [0.5, 0.7) 磨合阶段, [0.7, 0.9) 较高水平耦合, [0.9, 1] 高水平耦合.  (Seed 003
#: prints the second stage's name garbled, "颀颀阶段"; its conclusion speaks of the
#: 过渡阶段, the transition stage, the name used here.)
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
    "five": GradeScheme.from_cuts(
        (0, 0.3, 0.5, 0.7, 0.9, 1),
        labels=("low-level coupling", "transition stage", "running-in stage", "fairly high-level coupling",
                "high-level coupling"),
        labels_zh=("低水平耦合", "过渡阶段", "磨合阶段", "较高水平耦合", "高水平耦合")),
}


def grade_scheme(scheme: str | GradeScheme | Mapping) -> GradeScheme:
    """Resolve a scheme: a name of :data:`GRADE_SCHEMES` (``"ten"``, ``"three"``, ``"five"``), a
    :class:`GradeScheme`, or a mapping with keys ``cuts``, ``labels`` and optionally ``labels_zh``,
    ``stages``, ``stages_zh`` (:meth:`GradeScheme.from_cuts`; the shape of a study-file table)."""
    if isinstance(scheme, GradeScheme):
        return scheme
    if isinstance(scheme, str):
        if scheme not in GRADE_SCHEMES:
            raise SpatialCCDError(f"unknown grade scheme {scheme!r}; use one of {sorted(GRADE_SCHEMES)}, "
                                  "cut points and labels, or a GradeScheme")
        return GRADE_SCHEMES[scheme]
    if isinstance(scheme, Mapping):
        keys = {"cuts", "labels", "labels_zh", "stages", "stages_zh"}
        unknown = sorted(set(scheme) - keys)
        missing = sorted({"cuts", "labels"} - set(scheme))
        if unknown or missing:
            raise SpatialCCDError(f"a grade scheme needs keys 'cuts' and 'labels' (optional 'labels_zh', 'stages', "
                                  f"'stages_zh'); missing {missing}, unknown {unknown}")
        return GradeScheme.from_cuts(**scheme)
    raise SpatialCCDError(f"scheme must be a name, a GradeScheme or a mapping with cuts and labels, got {scheme!r}")


def _as_series(values, name: str) -> pd.Series:
    """Values as a float Series: a Series keeps its index, a scalar becomes one row, an array positions.
    Non-numeric entries raise naming the rows."""
    if isinstance(values, pd.Series):
        s = values
    elif np.ndim(values) == 0:
        s = pd.Series([values])
    else:
        s = pd.Series(list(np.asarray(values, dtype=object).ravel()) if np.ndim(values) > 1 else list(values))
    x = _float_frame(s.to_frame(name), name)[:, 0]
    return pd.Series(x, index=s.index, name=s.name)


def _unit_interval(values, name: str) -> pd.Series:
    s = _as_series(values, name)
    x = s.to_numpy(dtype=float)
    bad = np.isnan(x) | (x < 0) | (x > 1)
    if bad.any():
        raise DataError(f"{name} must lie in [0, 1]; offending (row, value): "
                        f"{list(zip(s.index[bad][:20].tolist(), x[bad][:20].tolist()))}")
    return s


def _aligned(a: pd.Series, b: pd.Series, names: tuple[str, str], labelled: bool) -> tuple[pd.Series, pd.Series]:
    """``b`` aligned to ``a``: by label when both inputs are labelled Series (error if the labels
    differ), by position otherwise (lengths must match).  The result carries ``a``'s index."""
    if labelled and not a.index.equals(b.index):
        if a.index.has_duplicates or b.index.has_duplicates:
            raise DataError(f"{names[0]} and {names[1]} have duplicated labels and a different order; "
                            "align them before calling")
        only_a, only_b = a.index.difference(b.index), b.index.difference(a.index)
        if len(only_a) or len(only_b):
            raise DataError(f"{names[0]} and {names[1]} have different labels: only in {names[0]} "
                            f"{only_a.tolist()[:20]}, only in {names[1]} {only_b.tolist()[:20]}")
        return a, b.reindex(a.index)
    if len(a) != len(b):
        raise DataError(f"{names[0]} and {names[1]} differ in length ({len(a)} vs {len(b)})")
    return a, pd.Series(b.to_numpy(), index=a.index, name=b.name)


def coordination_grade(D, scheme: str | GradeScheme | Mapping = "ten") -> pd.DataFrame:
    """Coordination grade of each D (耦合协调等级), aligned to D's index.

    ``scheme="ten"`` (default) is seed 000 Table 2: level k covers
    [(k−1)/10, k/10), lower bound inclusive (0.3 is mild dyscoordination,
    0.6 primary coordination) and 1.0 belongs to the top level (seed 003 表 1
    closes it: [0.9, 1.0]).  ``"three"`` gives seed 000's three hierarchies,
    ``"five"`` seed 003's five stages (cut points 0, 0.3, 0.5, 0.7, 0.9, 1).
    Pass a :class:`GradeScheme` (or a mapping of cut points and labels, see
    :func:`grade_scheme`) for a user scheme.  D is rounded to 10 decimals first,
    so floating-point noise (0.6 computed as 0.5999999999999) does not move a
    value across a boundary.  A scalar D gives one row.

    Returns columns ``level`` (1 … k), ``grade`` and, when the scheme has them,
    ``grade_zh``, ``stage``, ``stage_zh``.
    """
    scheme = grade_scheme(scheme)
    d = _unit_interval(D, "D")
    level = np.searchsorted(np.asarray(scheme.breaks, dtype=float), np.round(d.to_numpy(float), _DECIMALS),
                            side="right")
    out = pd.DataFrame({"level": level + 1, "grade": np.asarray(scheme.labels, dtype=object)[level]}, index=d.index)
    for col, labels in (("grade_zh", scheme.labels_zh), ("stage", scheme.stages), ("stage_zh", scheme.stages_zh)):
        if labels is not None:
            out[col] = np.asarray(labels, dtype=object)[level]
    return out


def _check_thresholds(lower: float, upper: float) -> None:
    if not 0 < lower <= 1 <= upper:
        raise SpatialCCDError(f"relative-development thresholds must satisfy 0 < lower <= 1 <= upper "
                              f"(e.g. 0.8 and 1.2, or 0.9 and 1.1), got {lower}, {upper}")


def _s_class(S: np.ndarray, lower: float, upper: float) -> np.ndarray:
    _check_thresholds(lower, upper)
    s = np.round(S, _DECIMALS)
    return np.where(s < lower, 0, np.where(s > upper, 2, 1))


def _s_labels(k: np.ndarray, n1: str, n2: str) -> dict[str, np.ndarray]:
    """``S_class`` and ``S_class_zh`` of the classes k (0: U₁ lags, 1: synchronised, 2: U₂ lags)."""
    return {"S_class": np.array([f"{n1} lagging", "synchronised", f"{n2} lagging"], dtype=object)[k],
            "S_class_zh": np.array([f"{n1}滞后型", "同步发展型", f"{n2}滞后型"], dtype=object)[k]}


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
    0.8 and 1.2, both inclusive in the synchronised class (0.9 and 1.1 are also
    common).  ``names`` label the subsystems (default: the Series names, else
    U1/U2).  Two Series are divided **by label** (U₂ is aligned to U₁'s index;
    different labels raise naming them); arrays and scalars by position.
    U₂ = 0 raises naming the rows (S undefined; use the ε shift).  Returns ``S``,
    ``S_class``, ``S_class_zh`` with U₁'s index.
    """
    a, b = _unit_interval(u1, "U1"), _unit_interval(u2, "U2")
    a, b = _aligned(a, b, ("U1", "U2"), isinstance(u1, pd.Series) and isinstance(u2, pd.Series))
    zero = b.to_numpy(float) == 0
    if zero.any():
        raise DataError(f"S = U1/U2 is undefined where U2 = 0, rows {b.index[zero][:20].tolist()}; "
                        "standardise with a shift (e.g. evaluate(..., shift=1e-4))")
    n1, n2 = _names(u1, u2, names)
    S = a.to_numpy(float) / b.to_numpy(float)
    return pd.DataFrame({"S": S, **_s_labels(_s_class(S, lower, upper), n1, n2)}, index=a.index)


def development_type(D, S, *, lower: float = 0.8, upper: float = 1.2,
                     names: tuple[str, str] = ("U1", "U2")) -> pd.DataFrame:
    """Development type A11 … A53 of seed 000 Table 3: five D bands × three S classes.

    D bands are upper-inclusive as printed: (0, 0.2] → 1, (0.2, 0.4] → 2, …,
    (0.8, 1] → 5, with D = 0 in band 1.  S classes: S < lower → 1 (U₁ lags),
    lower ≤ S ≤ upper → 2, S > upper → 3 (U₂ lags).  Labels: bands 1–2
    "impaired" (受损型; class 2 co-impaired), bands 3–5 "lagging" (滞后型;
    class 2 coordinated development, 协调发展型).  Seed 000 labels A11 "impaired
    regional economic development" (its U₂) although S < 0.8 means U₁ lags, as
    its own A21/A31 say; here A11 is "U₁ impaired".  ``D`` and ``S`` are scalars
    (``development_type(0.7, 1.1)`` → one row, A42), arrays of equal length, or
    Series (aligned by label).  Returns ``type``, ``type_label``, ``type_label_zh``
    aligned to D's index.
    """
    d = _unit_interval(D, "D")
    s_series = _as_series(S, "S")
    d, s_series = _aligned(d, s_series, ("D", "S"), isinstance(D, pd.Series) and isinstance(S, pd.Series))
    s = s_series.to_numpy(dtype=float)
    bad = np.isnan(s) | (s < 0)
    if bad.any():
        raise DataError(f"S must be non-negative (S = U1/U2); offending (row, value): "
                        f"{list(zip(d.index[bad][:20].tolist(), s[bad][:20].tolist()))}")
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
                       scheme: str | GradeScheme | Mapping = "ten", lower: float = 0.8,
                       upper: float = 1.2) -> pd.DataFrame:
    """Tidy result table: one row per unit-year with U…, C, T, D, grade and — for two
    subsystems — S, its class and the development type.

    ``scores`` has one column per subsystem and the identifiers in its index
    (e.g. :attr:`Evaluation.scores`, indexed by (year, province)); they become
    leading columns.  Province codes merge onto :func:`spatialccd.provinces`:
    ``provinces().merge(table, left_index=True, right_on="province")``.
    Formulas: :func:`coupling_coordination`, :func:`coordination_grade`,
    :func:`relative_development`, :func:`development_type`.
    """
    scheme = grade_scheme(scheme)
    _check_thresholds(lower, upper)
    ccd = coupling_coordination(scores, alpha=alpha, method=method)
    parts = [scores, ccd, coordination_grade(ccd["D"], scheme)]
    if scores.shape[1] == 2:
        u1, u2 = scores.iloc[:, 0], scores.iloc[:, 1]
        rel = relative_development(u1, u2, lower=lower, upper=upper)
        parts += [rel, development_type(ccd["D"], rel["S"], lower=lower, upper=upper, names=_names(u1, u2, None))]
    table = pd.concat(parts, axis=1)
    return table.reset_index(drop=all(n is None for n in table.index.names))


# ---------------------------------------------------------------------------
# Seed 000 Table 5 / seed 002 Table 4: per-unit types with mean rows
# ---------------------------------------------------------------------------
_MEAN_LABELS = {"en": ("Mean", "National mean"), "zh": ("均值", "全国均值")}


def _identified(scores: pd.DataFrame, unit: str, time: str) -> pd.DataFrame:
    """Scores indexed by (time, unit), from index levels or columns of those names."""
    if isinstance(scores, pd.DataFrame) and {unit, time} <= set(scores.columns):
        scores = scores.set_index([time, unit])
    if not isinstance(scores, pd.DataFrame) or not {unit, time} <= set(scores.index.names):
        raise DataError(f"scores need identifiers {time!r} and {unit!r} (index levels or columns); index levels "
                        f"are {list(getattr(scores, 'index', pd.Index([])).names)}")
    frame = scores.reorder_levels([time, unit]) if scores.index.nlevels == 2 else \
        scores.reset_index().set_index([time, unit])[[c for c in scores.columns]]
    if frame.shape[1] != 2:
        raise DataError(f"the development-types table needs exactly 2 subsystems (S = U1/U2), got "
                        f"{list(frame.columns)}")
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()].unique().tolist()
        raise DataError(f"duplicated ({time}, {unit}) rows in the scores: {dup[:20]}")
    return frame


def _all_provinces(units: pd.Series) -> bool:
    """True when the units are the 31 provinces (in any spelling): only then is a mean "national"."""
    uniq = list(pd.unique(units))
    try:
        codes, is_province = normalise_units(uniq)
    except ValueError:  # a mix of provinces and other units
        return False
    return is_province and set(codes) == set(province_table().index)


def _mean_row(block: pd.DataFrame, numeric: list[str], label, kind: str, time, unit: str, t) -> dict:
    return {time: t, unit: label, "kind": kind, **block[numeric].mean().to_dict()}


def development_types_table(scores: pd.DataFrame, *, years: Sequence | None = None, group: GroupSpec = None,
                            unit: str = "province", time: str = "year", alpha=None, method: str = "standard",
                            scheme: str | GradeScheme | Mapping = "ten", lower: float = 0.8, upper: float = 1.2,
                            mean_label: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Per-unit coupling coordination and development types for chosen years, with mean rows
    (seed 000 Table 5, seed 002 Table 4).

    One row per (year, unit) with the two subsystem scores U₁, U₂, their ``difference``
    U₁ − U₂, C, T, D, the grade of D (``scheme``), S = U₁/U₂, its class (``lower`` /
    ``upper`` thresholds, 0.8/1.2 or 0.9/1.1) and the development type A11–A53
    (formulas: :func:`coordination_table`).  After the units of each year come the mean
    rows: one per group when ``group`` has two or more groups (labelled with the group's
    name, 东部 … with ``lang="zh"``), then the mean of all units.  A mean row holds the
    arithmetic means of U₁, U₂, U₁ − U₂, C, T, D and S over its units (the column means
    papers print), and the grade, S class and type of those mean D and S.

    The overall mean row is labelled ``mean_label``; by default "National mean" (全国均值)
    only when the units are all 31 provinces, otherwise "Mean" (均值) — a three-province
    study's mean is not a national mean.  ``kind`` tells the rows apart: ``"unit"``,
    ``"group mean"``, ``"mean"``.

    ``scores`` has exactly two subsystem columns and the identifiers ``time`` and ``unit``
    as index levels (e.g. :attr:`Evaluation.scores`) or columns.  ``years`` (default all)
    must be in the data.  Columns: ``time, unit, kind``, U₁, U₂, ``difference, C, T, D,
    level, grade`` (+ ``grade_zh, stage, stage_zh`` when the scheme has them), ``S,
    S_class, S_class_zh, type, type_label, type_label_zh``.
    """
    lang = check_option("lang", lang, where="development_types_table")
    frame = _identified(scores, unit, time)
    table = coordination_table(frame, alpha=alpha, method=method, scheme=scheme, lower=lower, upper=upper)
    available = list(pd.unique(table[time]))
    chosen = available if years is None else list(years)
    absent = [y for y in chosen if y not in set(available)]
    if absent:
        raise DataError(f"years {absent} are not in the scores; available {sorted(available)}")
    table = table[table[time].isin(chosen)].copy()
    u1, u2 = frame.columns
    table.insert(table.columns.get_loc(u2) + 1, "difference", table[u1] - table[u2])
    table.insert(2, "kind", "unit")
    labels, groups = (None, ()) if group is None else group_labels(table, group, unit, time)
    if mean_label is None:
        mean_label = _MEAN_LABELS[lang][1 if _all_provinces(table[unit]) else 0]
    numeric = [u1, u2, "difference", "C", "T", "D", "S"]
    rows = []
    for t in chosen:
        at = (table[time] == t).to_numpy()
        block = table[at]
        rows.append(block)
        means = [_mean_row(table[at & (labels == g)], numeric, region_name(g, lang), "group mean", time, unit, t)
                 for g in groups] if len(groups) > 1 else []
        means.append(_mean_row(block, numeric, mean_label, "mean", time, unit, t))
        mean = pd.DataFrame(means)
        grades = coordination_grade(mean["D"], scheme)
        rel = _s_labels(_s_class(mean["S"].to_numpy(float), lower, upper), str(u1), str(u2))
        kinds = development_type(mean["D"], mean["S"], lower=lower, upper=upper, names=(str(u1), str(u2)))
        rows.append(pd.concat([mean, grades, pd.DataFrame(rel, index=mean.index), kinds], axis=1))
    return pd.concat(rows, ignore_index=True)[list(table.columns)]
