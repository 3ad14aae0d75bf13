"""Markov chains of a panel's classes: classical, spatial (conditioned on the neighbours' class) and LISA.

The state of unit i in year t is its class c_it: a level of a coordination grade scheme
(``classes="grade"``, :func:`spatialccd.coordination_grade`) or a pooled quantile class
(``classes="quantile"``, mapclassify ``Quantiles`` of all N·T values, so the classes mean the
same thing in every year).  Transitions are counted between consecutive years,
n_ij = #{(i, t) : c_it = i, c_i,t+1 = j}, and p_ij = n_ij / n_i (maximum likelihood).

**Spatial Markov** (Rey 2001): each transition is also given the class of the unit's
spatial lag (Wx)_it in the origin year t, and one k × k matrix P(l) is estimated per lag
class l.  Lag classes are the pooled quantiles of the lag (``classes="quantile"``, as Rey
2001 and PySAL giddy's ``Spatial_Markov`` default) or the same grade levels as the units
(``classes="grade"``).  A unit without neighbours has no lag: its transitions count in the
classical matrix but in no lag class (giddy gives an island a lag of 0, which puts it in
the lowest lag class; that is the difference the tests show).

**Homogeneity** (Bickenbach & Bode 2003): H0 p_ij(l) = p_ij for every lag class l, with
p_ij pooled from the lag-class matrices:
Q = Σ_l Σ_i Σ_j n_i(l) (p_ij(l) − p_ij)² / p_ij and LR = 2 Σ_l Σ_i Σ_j n_ij(l) ln(p_ij(l)/p_ij),
both χ² with Σ_i (b_i − 1)(a_i − 1) degrees of freedom, b_i the number of lag classes in
which class i is an origin and a_i the number of positive p_ij (an origin class never
observed adds nothing; giddy's formula adds 1 for it).

**Steady state** π (πP = π, Σπ = 1) exists uniquely when the chain has one recurrent class;
**mean first passage times** m_ij (expected years to first reach j from i; m_jj the
recurrence time 1/π_j) solve m_ij = 1 + Σ_{k≠j} p_ik m_kj (Kemeny & Snell 1976), and are
infinite when j is not reached with probability 1.  A class never observed as an origin has
an empty row; for π and m it is made absorbing (p_ii = 1), the convention of giddy
(``fill_empty_classes``); tables show its n = 0.  **Sojourn time** 1/(1 − p_ii).

**LISA Markov** (Rey 2001; Rey, Murray & Anselin 2011): the states are the Moran scatter-plot
quadrants HH, LH, LL, HL of each year's standardised value and its lag; transitions are
typed (Rey 2001, Ye & Rey 2013) as type 0 (no move), I (the unit moves, its neighbours do
not: HH↔LH, HL↔LL), II (the neighbours move: HH↔HL, LH↔LL) and III (both move: HH↔LL,
LH↔HL); spatial cohesion is the share of type 0, flux the share of types I and II.

References
----------
Rey, S. J. (2001) Spatial empirics for economic growth and convergence. *Geographical
Analysis* 33(3), 195–214.
Bickenbach, F. & Bode, E. (2003) Evaluating the Markov property in studies of economic
convergence. *International Regional Science Review* 26(3), 363–392.
Kemeny, J. G. & Snell, J. L. (1976) *Finite Markov Chains*. Springer.
Ye, X. & Rey, S. J. (2013) A framework for exploratory space-time analysis of economic
data. *Annals of Regional Science* 50, 315–339.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from libpysal.graph import Graph

from ._options import MarkovClasses, check_option
from .autocorrelation import QUADRANTS, _panel
from .coordination import GradeScheme, grade_scheme
from .exceptions import DataError, SpatialCCDError
from .hypotheses import InvalidTest, TestStatistic
from .panel import as_panel
from .summary import Summary, SummaryMixin

__all__ = ["MarkovChain", "SpatialMarkov", "LISAMarkov", "markov_chain", "spatial_markov", "lisa_markov",
           "steady_state", "mean_first_passage"]

_DECIMALS = 10  # rounding before classification, as coordination_grade
_NO_LAG = {"en": "No lag", "zh": "无滞后"}
_TYPE_NAMES = ("Type 0", "Type I", "Type II", "Type III")


# ---------------------------------------------------------------------------
# numeric cores
# ---------------------------------------------------------------------------
def _counts(origin: np.ndarray, dest: np.ndarray, k: int) -> np.ndarray:
    """k × k transition counts of paired class codes (−1 = no class, skipped)."""
    ok = (origin >= 0) & (dest >= 0)
    return np.bincount(origin[ok] * k + dest[ok], minlength=k * k).reshape(k, k).astype(float)


def _probabilities(counts: np.ndarray) -> np.ndarray:
    """Row-normalised counts (any leading dimensions); empty rows stay 0."""
    n = counts.sum(axis=-1, keepdims=True)
    return np.divide(counts, n, out=np.zeros_like(counts, dtype=float), where=n > 0)


def _absorbing_empty(P: np.ndarray) -> np.ndarray:
    out = np.array(P, dtype=float)
    empty = np.flatnonzero(out.sum(axis=1) == 0)
    out[empty, empty] = 1.0
    return out


def _reach(P: np.ndarray) -> np.ndarray:
    """R[i, j]: j can be reached from i in one or more steps."""
    R = P > 0
    for _ in range(P.shape[0]):
        nxt = R | ((R.astype(int) @ R.astype(int)) > 0)
        if (nxt == R).all():
            break
        R = nxt
    return R


def _recurrent_classes(P: np.ndarray) -> list[np.ndarray]:
    """Closed communicating classes (no positive transition leaves them)."""
    from scipy.sparse.csgraph import connected_components

    n, lab = connected_components(sp.csr_matrix(P > 0), directed=True, connection="strong")
    return [np.flatnonzero(lab == c) for c in range(n)
            if not (P[np.ix_(lab == c, lab != c)] > 0).any()]


def steady_state(P: np.ndarray) -> np.ndarray | None:
    """Stationary distribution π of a stochastic matrix (πP = π, Σπ = 1), zero on transient
    states; ``None`` when there are several recurrent classes (π is not unique).  Empty rows
    are made absorbing first (module docstring)."""
    P = _absorbing_empty(P)
    rec = _recurrent_classes(P)
    if len(rec) != 1:
        return None
    idx = rec[0]
    A = P[np.ix_(idx, idx)].T - np.eye(idx.size)
    A[-1] = 1.0  # replace one balance equation by Σπ = 1
    b = np.zeros(idx.size)
    b[-1] = 1.0
    pi = np.zeros(P.shape[0])
    pi[idx] = np.linalg.solve(A, b)
    return pi


def mean_first_passage(P: np.ndarray) -> np.ndarray:
    """Mean first passage times m_ij (module docstring): for each target j, the states from
    which j is reached with probability 1 solve (I − P_GG) m_G = 1; the others get ∞, and
    m_jj = 1 + Σ_k p_jk m_kj."""
    P = _absorbing_empty(P)
    k = P.shape[0]
    R = _reach(P)
    M = np.full((k, k), np.inf)
    for j in range(k):
        rest = np.array([i for i in range(k) if i != j])
        lost = np.array([not R[u, j] for u in rest])  # j unreachable from these
        sub = P[np.ix_(rest, rest)] > 0
        bad = lost.copy()
        for _ in range(k):  # states that can reach a lost state without passing through j
            nxt = bad | (sub.astype(int) @ bad.astype(int) > 0)
            if (nxt == bad).all():
                break
            bad = nxt
        good = rest[~bad]
        if good.size:
            M[good, j] = np.linalg.solve(np.eye(good.size) - P[np.ix_(good, good)], np.ones(good.size))
        with np.errstate(invalid="ignore"):
            terms = np.where(P[j] > 0, P[j] * np.where(np.arange(k) == j, 0.0, M[:, j]), 0.0)
        M[j, j] = 1.0 + terms.sum()
    return M


def _homogeneity(M: np.ndarray) -> tuple[float, float, int]:
    """Bickenbach–Bode Q, LR and degrees of freedom of (m, k, k) lag-class counts."""
    T = M.sum(axis=0)
    p = _probabilities(T)
    pm = _probabilities(M)
    nim = M.sum(axis=2)
    pos = p > 0
    Q = float((nim[:, :, None] * np.where(pos, (pm - p) ** 2 / np.where(pos, p, 1.0), 0.0)).sum())
    use = (M > 0) & pos
    LR = 2.0 * float(np.where(use, M * np.log(np.where(use, pm, 1.0) / np.where(use, p, 1.0)), 0.0).sum())
    b = (nim > 0).sum(axis=0)
    a = pos.sum(axis=1)
    dof = int((np.maximum(b - 1, 0) * np.maximum(a - 1, 0)).sum())
    return Q, LR, dof


# ---------------------------------------------------------------------------
# classification (arrays → class codes)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Classes:
    codes: np.ndarray          # (N, T) codes 0 … k−1
    labels: tuple[str, ...]
    labels_zh: tuple[str, ...]
    cuts: tuple[float, ...]    # interior cut points


def _grade_levels(values: np.ndarray, scheme: GradeScheme) -> np.ndarray:
    return np.searchsorted(np.asarray(scheme.breaks, dtype=float), np.round(values, _DECIMALS), side="right")


def _grade_classes(X: np.ndarray, lag: np.ndarray | None, scheme: GradeScheme, column: str) -> tuple[_Classes, _Classes]:
    bad = (X < 0) | (X > 1)
    if bad.any():
        raise DataError(f"classes='grade' needs {column!r} in [0, 1] (a coordination degree); "
                        f"{int(bad.sum())} value(s) outside, e.g. {X[bad][:5].tolist()}")
    own = _grade_levels(X, scheme)
    finite = lag[np.isfinite(lag)] if lag is not None else np.array([])
    lag_levels = _grade_levels(finite, scheme) if finite.size else np.array([], dtype=int)
    lo = int(min(own.min(), lag_levels.min() if lag_levels.size else own.min()))
    hi = int(max(own.max(), lag_levels.max() if lag_levels.size else own.max()))
    labels = scheme.labels[lo:hi + 1]
    zh = (scheme.labels_zh or scheme.labels)[lo:hi + 1]
    cuts = tuple(float(c) for c in scheme.breaks[lo:hi])

    def make(levels):
        return _Classes(levels - lo, labels, zh, cuts)

    lag_codes = None
    if lag is not None:
        lag_codes = np.full(lag.shape, -1)
        ok = np.isfinite(lag)
        lag_codes[ok] = _grade_levels(lag[ok], scheme) - lo
    return make(own), (None if lag is None else _Classes(lag_codes, labels, zh, cuts))


def _quantile_codes(values: np.ndarray, k: int, what: str) -> tuple[np.ndarray, tuple[float, ...]]:
    import mapclassify

    ok = np.isfinite(values)
    q = mapclassify.Quantiles(values[ok], k=k)
    codes = np.full(values.shape, -1)
    codes[ok] = q.yb
    if len(q.bins) < k:
        raise DataError(f"{what}: only {len(q.bins)} distinct quantile classes of the requested k = {k} "
                        "(many tied values); lower k")
    return codes, tuple(float(b) for b in q.bins[:-1])


def _quantile_classes(X: np.ndarray, lag: np.ndarray | None, k: int, column: str) -> tuple[_Classes, _Classes]:
    codes, cuts = _quantile_codes(X, k, f"{column!r}")
    labels = tuple(f"Q{j + 1}" for j in range(k))
    own = _Classes(codes, labels, labels, cuts)
    if lag is None:
        return own, None
    lag_codes, lag_cuts = _quantile_codes(lag, k, f"spatial lag of {column!r}")
    return own, _Classes(lag_codes, labels, labels, lag_cuts)


def _classify(X, lag, classes, k, scheme, column):
    classes = check_option("classes", classes, "markov_classes")
    if classes == "grade":
        return _grade_classes(X, lag, grade_scheme(scheme), column)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise SpatialCCDError(f"k must be an integer >= 2 (the number of quantile classes), got {k!r}")
    return _quantile_classes(X, lag, int(k), column)


def _pairs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(origin, destination) codes of consecutive years, flattened year by year."""
    return codes[:, :-1].T.ravel(), codes[:, 1:].T.ravel()


# ---------------------------------------------------------------------------
# result objects
# ---------------------------------------------------------------------------
def _labels(chain, lang: str) -> list[str]:
    return list(chain.labels_zh if lang == "zh" else chain.labels)


@dataclass(frozen=True)
class MarkovChain(SummaryMixin):
    """One estimated chain: ``counts`` n_ij (k × k array) of the classes ``labels``.

    ``probabilities``, ``steady_state``, ``mfpt`` and ``sojourn`` are labelled pandas
    (see the module docstring for the formulas); :meth:`table` is the layout papers print
    (one row per origin class: n, then p_ij).
    """

    counts: np.ndarray
    labels: tuple[str, ...]
    labels_zh: tuple[str, ...]
    cuts: tuple[float, ...]
    column: str = ""
    classes: str = "quantile"
    n_units: int = 0
    periods: tuple = ()
    title: str = "Markov chain"

    @property
    def k(self) -> int:
        return len(self.labels)

    def _frame(self, values, lang: str = "en") -> pd.DataFrame:
        lab = _labels(self, lang)
        return pd.DataFrame(values, index=pd.Index(lab, name="t"), columns=pd.Index(lab, name="t+1"))

    @property
    def transitions(self) -> pd.DataFrame:
        """Counts n_ij (rows: class in t, columns: class in t + 1)."""
        return self._frame(self.counts)

    @property
    def probabilities(self) -> pd.DataFrame:
        """p_ij = n_ij / n_i (an empty row is all 0)."""
        return self._frame(_probabilities(self.counts))

    @property
    def steady_state(self) -> pd.Series | None:
        """π, or None when the chain has several recurrent classes."""
        pi = steady_state(_probabilities(self.counts))
        return None if pi is None else pd.Series(pi, index=list(self.labels), name="steady_state")

    @property
    def mfpt(self) -> pd.DataFrame:
        """Mean first passage times in years (row: from, column: to)."""
        return self._frame(mean_first_passage(_probabilities(self.counts)))

    @property
    def sojourn(self) -> pd.Series:
        """Expected years in a class before leaving it, 1/(1 − p_ii) (∞ when p_ii = 1)."""
        pii = np.diag(_absorbing_empty(_probabilities(self.counts)))
        with np.errstate(divide="ignore"):
            return pd.Series(1.0 / (1.0 - pii), index=list(self.labels), name="sojourn")

    def table(self, *, lang: str = "en", decimals: int | None = 3) -> pd.DataFrame:
        """Rows: origin class; columns ``n`` and the destination classes (probabilities)."""
        p = self._frame(_probabilities(self.counts), lang)
        if decimals is not None:
            p = p.round(decimals)
        p.insert(0, "n", self.counts.sum(axis=1).astype(int))
        return p

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per (from, to) with ``count`` and ``probability``."""
        out = self.transitions.stack().rename("count").to_frame()
        out["probability"] = self.probabilities.stack()
        return out

    def _facts(self) -> tuple[tuple[str, str], ...]:
        span = f"{self.periods[0]}–{self.periods[-1]}" if self.periods else ""
        cuts = ", ".join(f"{c:.4g}" for c in self.cuts)
        return (("Variable", self.column), ("Classes", f"{self.k} ({self.classes})"), ("Cut points", cuts),
                ("Units", str(self.n_units)), ("Periods", span), ("Transitions", str(int(self.counts.sum()))))

    def summary(self) -> Summary:
        ss = self.steady_state
        extra = pd.DataFrame({"steady_state": ss if ss is not None else np.nan, "sojourn": self.sojourn})
        return Summary(self.title, self._facts(),
                       (("Transition probabilities (n = transitions from the class)", self.table()),
                        ("Steady state and sojourn time (years)", extra),
                        ("Mean first passage times (years)", self.mfpt)),
                       () if ss is not None else ("Several recurrent classes: the steady state is not unique.",))


@dataclass(frozen=True)
class SpatialMarkov(SummaryMixin):
    """Spatial Markov chain (Rey 2001): the classical chain and one chain per lag class.

    ``classic`` is the :class:`MarkovChain` of all transitions; ``conditional`` the
    lag-class chains (in lag-class order, labelled ``lag_labels``); ``lag_cuts`` the lag
    classes' cut points; ``n_isolated`` the transitions of units without neighbours (in
    ``classic`` only); ``Q`` and ``LR`` the Bickenbach–Bode homogeneity tests.
    """

    classic: MarkovChain
    conditional: tuple[MarkovChain, ...]
    lag_labels: tuple[str, ...]
    lag_labels_zh: tuple[str, ...]
    lag_cuts: tuple[float, ...]
    n_isolated: int
    Q: TestStatistic | InvalidTest
    LR: TestStatistic | InvalidTest

    @property
    def counts(self) -> np.ndarray:
        """(m, k, k) lag-class counts."""
        return np.stack([c.counts for c in self.conditional])

    @property
    def steady_states(self) -> pd.DataFrame:
        """Rows: no lag, then each lag class; columns: classes (NaN when π is not unique)."""
        rows = [self.classic.steady_state, *[c.steady_state for c in self.conditional]]
        idx = [_NO_LAG["en"], *self.lag_labels]
        return pd.DataFrame([r if r is not None else pd.Series(np.nan, index=list(self.classic.labels))
                             for r in rows], index=pd.Index(idx, name="lag"))

    def table(self, *, lang: str = "en", decimals: int | None = 3) -> pd.DataFrame:
        """The layout papers print: the classical matrix, then one k × k block per lag class,
        rows (lag class, class in t), columns ``n`` and the classes in t + 1."""
        blocks = [self.classic.table(lang=lang, decimals=decimals),
                  *[c.table(lang=lang, decimals=decimals) for c in self.conditional]]
        keys = [_NO_LAG[lang], *(self.lag_labels_zh if lang == "zh" else self.lag_labels)]
        return pd.concat(blocks, keys=keys, names=["lag", "t"])

    def to_frame(self) -> pd.DataFrame:
        """Long table (lag, from, to) → ``count``, ``probability``."""
        return pd.concat([c.to_frame() for c in (self.classic, *self.conditional)],
                         keys=[_NO_LAG["en"], *self.lag_labels], names=["lag"])

    @property
    def tests(self) -> dict:
        return {"Q": self.Q, "LR": self.LR}

    def summary(self) -> Summary:
        facts = (*self.classic._facts(), ("Lag cut points", ", ".join(f"{c:.4g}" for c in self.lag_cuts)),
                 ("Isolated transitions", str(self.n_isolated)))
        tests = pd.DataFrame({"stat": [t.stat for t in self.tests.values()], "df": [t.df for t in self.tests.values()],
                              "pvalue": [t.pvalue for t in self.tests.values()]}, index=list(self.tests))
        notes = (f"{self.n_isolated} transitions of units without neighbours are in the classical matrix only.",) \
            if self.n_isolated else ()
        return Summary("Spatial Markov chain", facts,
                       (("Transition probabilities by lag class", self.table()),
                        ("Steady states", self.steady_states), ("Homogeneity tests (Bickenbach–Bode)", tests)), notes)


@dataclass(frozen=True)
class LISAMarkov(SummaryMixin):
    """Transitions between Moran scatter quadrants (``chain``: a 4-state :class:`MarkovChain`)
    and their space–time types (module docstring); ``n_isolated`` counts the skipped
    transitions of units without neighbours; ``moves`` has one row per (unit, year) move."""

    chain: MarkovChain
    moves: pd.DataFrame
    n_isolated: int

    @property
    def types(self) -> pd.DataFrame:
        """Counts and shares of types 0, I, II, III."""
        n = self.moves["type"].value_counts().reindex(list(_TYPE_NAMES), fill_value=0)
        return pd.DataFrame({"count": n.astype(int), "share": n / max(1, int(n.sum()))})

    @property
    def cohesion(self) -> float:
        """Share of type 0 transitions (spatial cohesion, Rey 2001)."""
        return float(self.types.loc["Type 0", "share"])

    @property
    def flux(self) -> float:
        """Share of type I and II transitions (spatial flux)."""
        return float(self.types.loc[["Type I", "Type II"], "share"].sum())

    def table(self, *, lang: str = "en", decimals: int | None = 3) -> pd.DataFrame:
        return self.chain.table(lang=lang, decimals=decimals)

    def to_frame(self) -> pd.DataFrame:
        return self.moves.copy()

    def summary(self) -> Summary:
        facts = (*self.chain._facts()[:1], *self.chain._facts()[3:], ("Spatial cohesion", f"{self.cohesion:.4f}"),
                 ("Spatial flux", f"{self.flux:.4f}"), ("Isolated transitions", str(self.n_isolated)))
        return Summary("LISA Markov chain", facts, (("Quadrant transitions", self.table()),
                                                    ("Space–time transition types", self.types)))


# ---------------------------------------------------------------------------
# front doors (labels at the edge)
# ---------------------------------------------------------------------------
def _chain(counts, cls: _Classes, column, classes, panel, title) -> MarkovChain:
    return MarkovChain(counts, cls.labels, cls.labels_zh, cls.cuts, column, classes, panel.N,
                       tuple(panel.times.tolist()), title)


def markov_chain(data, column: str, *, classes: MarkovClasses = "quantile", k: int = 5,
                 scheme: str | GradeScheme | Mapping = "ten", unit: str = "province",
                 time: str = "year") -> MarkovChain:
    """Classical Markov chain of ``column``'s classes between consecutive years.

    ``classes="quantile"``: k pooled quantile classes (mapclassify ``Quantiles`` over all N·T
    values; a value equal to a cut point belongs to the lower class).  ``classes="grade"``:
    the levels of the grade ``scheme`` (:func:`spatialccd.coordination.grade_scheme`; lower
    bound inclusive, as :func:`~spatialccd.coordination_grade`) from the lowest to the highest
    level observed.  p_ij = n_ij / n_i; steady state, mean first passage and sojourn times as
    in the module docstring (Kemeny & Snell 1976).
    """
    panel = as_panel(data, unit=unit, time=time)
    X = panel.matrix(column)
    if panel.T < 2:
        raise DataError(f"a Markov chain needs at least 2 periods; {column!r} has {panel.T}")
    own, _ = _classify(X, None, classes, k, scheme, column)
    counts = _counts(*_pairs(own.codes), len(own.labels))
    return _chain(counts, own, column, classes, panel, "Markov chain")


def _lags(X: np.ndarray, W: sp.csr_matrix) -> np.ndarray:
    lag = np.asarray(W @ X, dtype=float)
    lag[np.diff(W.indptr) == 0] = np.nan  # no neighbours, no lag
    return lag


def spatial_markov(data, column: str, w: Graph, *, classes: MarkovClasses = "quantile", k: int = 5,
                   scheme: str | GradeScheme | Mapping = "ten", unit: str = "province",
                   time: str = "year") -> SpatialMarkov:
    """Spatial Markov chain (Rey 2001) of ``column``: one transition matrix per class of the
    spatial lag (Wx)_it in the origin year, beside the classical one.

    Classes as :func:`markov_chain`; lag classes are the k pooled quantiles of the lag
    (``"quantile"``; giddy ``Spatial_Markov(fixed=True)``) or the same grade levels
    (``"grade"``, the span covering both the values and their lags).  Units without
    neighbours count in the classical matrix only (``n_isolated``).  The homogeneity tests
    Q and LR (Bickenbach & Bode 2003) are χ² :class:`~spatialccd.hypotheses.TestStatistic`.
    """
    panel, X, W = _panel(data, column, w, unit, time)
    if panel.T < 2:
        raise DataError(f"a Markov chain needs at least 2 periods; {column!r} has {panel.T}")
    lag = _lags(X, W)
    own, lagc = _classify(X, lag, classes, k, scheme, column)
    kk = len(own.labels)
    origin, dest = _pairs(own.codes)
    lag_origin = lagc.codes[:, :-1].T.ravel()
    m = len(lagc.labels)
    M = np.stack([_counts(np.where(lag_origin == l, origin, -1), dest, kk) for l in range(m)])
    classic = _chain(_counts(origin, dest, kk), own, column, classes, panel, "Markov chain")
    conditional = tuple(MarkovChain(M[l], own.labels, own.labels_zh, own.cuts, column, classes, panel.N,
                                    classic.periods, f"Markov chain, lag class {lagc.labels[l]}")
                        for l in range(m))
    Q, LR, dof = _homogeneity(M)
    null = "transition probabilities do not depend on the neighbours' class"
    if dof > 0:
        tq = TestStatistic.chi2("Homogeneity Q", null, Q, dof, note="Bickenbach & Bode (2003)")
        tl = TestStatistic.chi2("Homogeneity LR", null, LR, dof, note="Bickenbach & Bode (2003)")
    else:
        why = "no origin class is observed in two lag classes with two destinations (0 degrees of freedom)"
        tq, tl = InvalidTest("Homogeneity Q", null, why), InvalidTest("Homogeneity LR", null, why)
    return SpatialMarkov(classic, conditional, lagc.labels, lagc.labels_zh, lagc.cuts,
                         int(((lag_origin < 0) & (origin >= 0)).sum()), tq, tl)


#: (own high, lag high) of each quadrant, in QUADRANTS order HH, LH, LL, HL
_QUADRANT_BITS = np.array([[1, 1], [0, 1], [0, 0], [1, 0]])


def _transition_types(origin: np.ndarray, dest: np.ndarray) -> np.ndarray:
    """0, 1, 2, 3 for types 0, I, II, III (origin/destination quadrant codes ≥ 0)."""
    a, b = _QUADRANT_BITS[origin], _QUADRANT_BITS[dest]
    own, lag = a[:, 0] != b[:, 0], a[:, 1] != b[:, 1]
    return np.select([~own & ~lag, own & ~lag, ~own & lag], [0, 1, 2], 3)


def lisa_markov(data, column: str, w: Graph, *, unit: str = "province", time: str = "year") -> LISAMarkov:
    """LISA Markov chain: transitions of each unit between the Moran scatter quadrants of
    consecutive years, with Rey's (2001) space–time transition types.

    The quadrant of unit i in year t comes from z_it = x_it − x̄_t and its lag (Wz)_it: HH
    when z > 0 and Wz > 0, LH, LL, HL likewise (zero counts as low, as
    :func:`spatialccd.lisa`).  Units without neighbours have no quadrant; their transitions
    are skipped and counted in ``n_isolated``.
    """
    panel, X, W = _panel(data, column, w, unit, time)
    if panel.T < 2:
        raise DataError(f"a Markov chain needs at least 2 periods; {column!r} has {panel.T}")
    Z = X - X.mean(axis=0)
    L = _lags(Z, W)
    codes = np.select([(Z > 0) & (L > 0), (Z <= 0) & (L > 0), (Z <= 0) & (L <= 0)], [0, 1, 2], 3)
    codes[~np.isfinite(L)] = -1
    origin, dest = _pairs(codes)
    cls = _Classes(codes, QUADRANTS, QUADRANTS, ())
    chain = _chain(_counts(origin, dest, 4), cls, column, "quadrant", panel, "LISA Markov chain")
    ok = (origin >= 0) & (dest >= 0)
    units = np.tile(panel.units.to_numpy(), panel.T - 1)
    years = np.repeat(panel.times.to_numpy()[:-1], panel.N)
    q = np.asarray(QUADRANTS)
    moves = pd.DataFrame({panel.unit: units[ok], time: years[ok], "from": q[origin[ok]], "to": q[dest[ok]],
                          "type": np.asarray(_TYPE_NAMES)[_transition_types(origin[ok], dest[ok])]})
    return LISAMarkov(chain, moves, int((~ok).sum()))
