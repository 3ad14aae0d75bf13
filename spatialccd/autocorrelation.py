"""Spatial autocorrelation: global Moran's I, Geary's C, Getis–Ord General G and LISA.

Cross-section functions take a ``pd.Series`` indexed by unit (province names in any
spelling are mapped to GB/T 2260 codes) and a :class:`libpysal.graph.Graph`; the
``*_by_year`` wrappers take a long panel and return one row per year (global) or one
row per (year, unit) (LISA).  Numeric cores work on numpy arrays and a CSR ``W``.

Notation: x the variable, z = x − x̄, n units, W = (w_ij) as given (row-standardised
by the weights builders), S0 = Σ_ij w_ij, S1 = ½ Σ_ij (w_ij + w_ji)²,
S2 = Σ_i (w_i· + w_·i)², b2 = n Σ z⁴ / (Σ z²)² (sample kurtosis).

Orientation of z-scores and one-sided p-values (the same for every statistic):
``z > 0`` means *positive* spatial autocorrelation (Moran: I > E[I]; Geary: C < 1, i.e.
z = (E[C] − C)/sd as in spdep's ``geary.test``) or *high-value* clustering (General G:
G > E[G]).  ``p_*_greater`` is P(Z ≥ z), ``p_*_less`` is P(Z ≤ z) and
``p_*_two_sided`` is 2·P(Z ≥ |z|).  Seed 002 reports significantly *negative* Moran's
I, for which ``p_*_less`` is the one-sided p-value to quote.

Permutation inference randomly permutes x over the units (global) or, holding x_i
fixed, the other values over i's neighbours (LISA, "conditional randomisation",
Anselin 1995).  Pseudo p-values are (1 + #{simulated at least as extreme}) / (1 + P).
Every random draw comes from ``numpy.random.default_rng(seed)``; the per-year wrappers
give each year its own stream keyed by ``(seed, year)`` (a ``SeedSequence`` with the year
as spawn key, :mod:`spatialccd._random`), so a year's result does not depend on which
other years are in the panel: ``lisa_by_year`` on three years gives exactly the rows of
those years from all years (multiple-testing adjustment is per year too).

:func:`panel_moran` is Moran's I of a whole panel with the NT×NT weights I_T ⊗ W, of the
variable or of the residuals of the non-spatial (fixed-effects) regression, the first
row of the specification-test chain (seed 002 Table 6).

LISA permutation algorithm (no Python loop over units).  As in GeoDa and esda's
``crand``, one (P, k_max) matrix D of k_max distinct indices into range(n − 1) per row
(Floyd's algorithm, then a row shuffle) serves every unit: unit i with k_i neighbours
uses the first k_i columns, index d standing for unit d except d = i, which stands for
unit n − 1 — a bijection onto the n − 1 other units, so each unit's k_i values are a
uniform draw without replacement from the others, matched in random order to its
weights.  Only the cells with D = i (about P·k_i/(n − 1) per unit) differ from the
shared gather s[D], and are patched.  With s the standardised values, I_sim = s_i·L_sim
where L_sim is the simulated lag, so "I_sim ≥ I_i − tol" and "I_sim ≤ I_i + tol" are
threshold counts on L_sim.  Rows whose weights are all equal (c_i: binary or
row-standardised contiguity, k-nearest neighbours) have L_sim = c_i·Σ_{j<k} s[D_rj],
one vector per cardinality k: it is sorted once and every unit's counts are two
binary searches, corrected for its patched cells — O(P log P) per cardinality plus
O(n log P), instead of O(n·P·k).  Rows with unequal weights build L_sim = D-gather ·
w_i by k rank-one updates over cache-sized blocks of units (``_BLOCK_ELEMENTS``
units × P).  Everything stays float64 (float32 would break the tie tolerance), and the
counts equal those of the direct per-unit loop with the same D.  Pseudo p-values for
a given seed differ from spatialccd versions before this algorithm (they mapped D past
unit i by shifting, d ↦ d + [d ≥ i], not swapping), within Monte-Carlo error.

Why not esda directly: esda's numbers agree with ours (the tests check), but its
``Moran_Local`` labels a unit without neighbours as a significant Low-Low (or
High-Low) cluster, because an island's simulated local I equal its observed 0 and
ties are folded into a p-value of 1/(P+1); and its folding of pseudo p-values has the
same tie problem for a value exactly at the mean.  Here ties count on both sides, and
isolated units are labelled ``isolated`` and never significant.

References
----------
Cliff, A. D. & Ord, J. K. (1981) *Spatial Processes: Models and Applications*. Pion.
Anselin, L. (1995) Local indicators of spatial association — LISA.
*Geographical Analysis* 27(2), 93–115.
Getis, A. & Ord, J. K. (1992) The analysis of spatial association by use of distance
statistics. *Geographical Analysis* 24(3), 189–206.
Sokal, R. R., Oden, N. L. & Thomson, B. A. (1998) Local spatial autocorrelation in a
biological model. *Geographical Analysis* 30(4), 331–354.
Benjamini, Y. & Hochberg, Y. (1995) Controlling the false discovery rate.
*JRSS B* 57(1), 289–300.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from libpysal.graph import Graph
from scipy import stats
from tqdm import tqdm  # plain bar: tqdm.auto warns in Jupyter without ipywidgets

from ._compat import FrameCompat
from ._options import Effects, check_option
from ._random import SeedLike, period_generators
from .exceptions import DataError, SpatialCCDError
from .hypotheses import TestStatistic
from .panel import PanelData, as_panel, normalise_time, normalise_units
from .summary import Summary, SummaryMixin
from .weights import to_sparse

__all__ = ["moran", "geary", "getis_ord", "moran_by_year", "geary_by_year", "getis_ord_by_year",
           "moran_residuals", "panel_moran", "MoranTest", "GlobalAutocorrelation", "lisa", "lisa_by_year", "CLUSTERS", "QUADRANTS"]

#: Quadrants of the Moran scatter plot (value, spatial lag): HH, LH, LL, HL.
QUADRANTS = ("HH", "LH", "LL", "HL")
#: Every LISA cluster label, in the fixed order used by tables, legends and colours.
CLUSTERS = ("HH", "LH", "LL", "HL", "not significant", "isolated")

_CHUNK_ELEMENTS = 2_000_000  # cap on n × permutations held in memory at once
_BLOCK_ELEMENTS = 1 << 18  # units × permutations per LISA block (≈ 2 MB of float64: cache-sized)


# ---------------------------------------------------------------------------
# input handling (labels → arrays)
# ---------------------------------------------------------------------------
def _check_array(x: np.ndarray, what: str) -> None:
    if x.size < 3:
        raise SpatialCCDError(f"{what}: {x.size} unit(s); spatial autocorrelation needs at least 3")
    if np.ptp(x) <= 1e-12 * max(1.0, float(np.abs(x).max())):
        raise SpatialCCDError(f"{what}: the variable is constant (value {x[0]!r} for all {x.size} units); "
                              "spatial autocorrelation is undefined (Σ(x−x̄)² = 0)")


def _w_matrix(w: Graph, ids: pd.Index) -> sp.csr_matrix:
    """W aligned to ``ids`` (error listing mismatched ids), without stored zeros, so that
    an isolate (kept by libpysal as a zero self-weight) has an empty row."""
    W = to_sparse(w, ids)
    W.eliminate_zeros()
    return W


def _cross_section(values: pd.Series | np.ndarray, w: Graph) -> tuple[np.ndarray, sp.csr_matrix, pd.Index]:
    """Align a labelled vector with W; errors name missing values and mismatched ids."""
    if not isinstance(w, Graph):
        raise TypeError(f"w must be a libpysal.graph.Graph, got {type(w).__name__}")
    if isinstance(values, pd.Series):
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise SpatialCCDError(f"values are not numeric (dtype {values.dtype})")
        ids = values.index
        if not ids.isin(w.unique_ids).all():  # e.g. province names in any spelling → codes
            ids = pd.Index(normalise_units(ids)[0], name=ids.name)
        if not ids.is_unique:
            raise SpatialCCDError(f"duplicated unit ids: {ids[ids.duplicated()].unique().tolist()}")
        x = values.to_numpy(dtype=float)
    else:
        x = np.asarray(values, dtype=float)
        ids = pd.Index(w.unique_ids)
        if x.ndim != 1 or x.size != len(ids):
            raise SpatialCCDError(f"values have shape {x.shape}; expected ({len(ids)},) in the order of w.unique_ids")
    bad = ~np.isfinite(x)
    if bad.any():
        raise SpatialCCDError(f"missing or non-finite values for unit(s) {ids[bad].tolist()}")
    W = _w_matrix(w, ids)
    _check_array(x, "values")
    return x, W, ids


def _few_units_years(data, unit: str, time: str) -> dict:
    if isinstance(data, PanelData):   # balanced: every year has the panel's N units
        return {} if data.N >= 3 else {t: data.N for t in data.times}
    frame = data.reset_index() if any(n in (unit, time) for n in data.index.names) else data
    if unit not in frame.columns or time not in frame.columns or frame[time].isna().any():
        return {}  # PanelData reports the missing column or identifiers
    counts = frame.groupby(normalise_time(frame[time], time).to_numpy())[unit].nunique()  # '2012' is 2012
    return {k.item() if isinstance(k, np.generic) else k: int(v) for k, v in counts[counts < 3].items()}


def _panel(data: pd.DataFrame, column: str, w: Graph, unit: str, time: str):
    """Validate a panel; return (PanelData, (N, T) values, W aligned to the units)."""
    few = _few_units_years(data, unit, time)
    if few:
        raise SpatialCCDError(f"year(s) with fewer than 3 units (spatial autocorrelation undefined): {few}")
    panel = as_panel(data, unit=unit, time=time)
    X = panel.matrix(column)  # raises naming (unit, year) cells that are missing
    W = _w_matrix(w, panel.units)
    for t, year in enumerate(panel.times):
        _check_array(X[:, t], f"{column!r} in {year}")
    return panel, X, W


# ---------------------------------------------------------------------------
# global statistics: numeric cores
# ---------------------------------------------------------------------------
def _weight_sums(W: sp.csr_matrix) -> tuple[float, float, float]:
    """S0, S1, S2 of Cliff & Ord (1981, eq. 1.36–1.38)."""
    sym = W + W.T
    s0 = float(W.sum())
    s1 = 0.5 * float(sym.multiply(sym).sum())
    s2 = float(((np.asarray(W.sum(axis=1)).ravel() + np.asarray(W.sum(axis=0)).ravel()) ** 2).sum())
    return s0, s1, s2


def _xwx(W: sp.csr_matrix, X: np.ndarray) -> np.ndarray:
    """Column-wise x'Wx for an (n, m) block."""
    return np.einsum("ij,ij->j", X, W @ X)


def _sums_and_kurtosis(x: np.ndarray, W: sp.csr_matrix) -> tuple[int, float, float, float, float]:
    """n, S0, S1, S2 and the sample kurtosis b2 = n·Σz⁴/(Σz²)² used by the randomisation variances."""
    z = x - x.mean()
    m2, m4 = (z ** 2).sum(), (z ** 4).sum()
    return (x.size, *_weight_sums(W), x.size * m4 / m2 ** 2)


def _moran_core(x: np.ndarray, W: sp.csr_matrix):
    n, s0, s1, s2, b2 = _sums_and_kurtosis(x, W)
    ei = -1.0 / (n - 1)
    var_norm = (n * n * s1 - n * s2 + 3 * s0 ** 2) / ((n * n - 1) * s0 ** 2) - ei ** 2
    var_rand = ((n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 ** 2)
                 - b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 ** 2))
                / ((n - 1) * (n - 2) * (n - 3) * s0 ** 2) - ei ** 2) if n > 3 else np.nan

    def stat(X: np.ndarray) -> np.ndarray:
        Z = X - X.mean(axis=0)
        return n / s0 * _xwx(W, Z) / (Z ** 2).sum(axis=0)

    return "I", stat, ei, {"norm": var_norm, "rand": var_rand}, 1.0


def _geary_core(x: np.ndarray, W: sp.csr_matrix):
    n, s0, s1, s2, b2 = _sums_and_kurtosis(x, W)
    var_norm = ((2 * s1 + s2) * (n - 1) - 4 * s0 ** 2) / (2 * (n + 1) * s0 ** 2)
    var_rand = (((n - 1) * s1 * (n * n - 3 * n + 3 - (n - 1) * b2)
                 - 0.25 * (n - 1) * s2 * (n * n + 3 * n - 6 - (n * n - n + 2) * b2)
                 + s0 ** 2 * (n * n - 3 - (n - 1) ** 2 * b2))
                / (n * (n - 2) * (n - 3) * s0 ** 2)) if n > 3 else np.nan
    rc = np.asarray(W.sum(axis=1)).ravel() + np.asarray(W.sum(axis=0)).ravel()

    def stat(X: np.ndarray) -> np.ndarray:
        Z = X - X.mean(axis=0)
        num = (Z ** 2 * rc[:, None]).sum(axis=0) - 2 * _xwx(W, Z)  # Σ_ij w_ij (z_i − z_j)²
        return (n - 1) * num / (2 * s0 * (Z ** 2).sum(axis=0))

    return "C", stat, 1.0, {"norm": var_norm, "rand": var_rand}, -1.0


def _getis_ord_core(x: np.ndarray, W: sp.csr_matrix):
    if np.any(x < 0):
        raise SpatialCCDError("Getis–Ord General G needs non-negative values (e.g. levels or indices in [0, 1])")
    n = x.size
    s0, s1, s2 = _weight_sums(W)
    m1, m2, m3, m4 = (x.sum(), (x ** 2).sum(), (x ** 3).sum(), (x ** 4).sum())
    eg = s0 / (n * (n - 1))
    b0 = (n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 ** 2
    b1 = -((n * n - n) * s1 - 2 * n * s2 + 6 * s0 ** 2)
    b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0 ** 2)
    b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0 ** 2
    b4 = s1 - s2 + s0 ** 2
    eg2 = ((b0 * m2 ** 2 + b1 * m4 + b2 * m1 ** 2 * m2 + b3 * m1 * m3 + b4 * m1 ** 4)
           / ((m1 ** 2 - m2) ** 2 * n * (n - 1) * (n - 2) * (n - 3))) if n > 3 else np.nan
    denom = m1 ** 2 - m2  # Σ_{i≠j} x_i x_j, invariant under permutation

    def stat(X: np.ndarray) -> np.ndarray:
        return _xwx(W, X) / denom

    return "G", stat, eg, {"rand": eg2 - eg ** 2}, 1.0


def _permutation_stats(stat: Callable[[np.ndarray], np.ndarray], x: np.ndarray, permutations: int,
                       rng: np.random.Generator) -> np.ndarray:
    """The statistic for ``permutations`` random permutations of x (chunked)."""
    chunk = max(1, _CHUNK_ELEMENTS // x.size)
    out = []
    for start in range(0, permutations, chunk):
        m = min(chunk, permutations - start)
        block = np.tile(x, (m, 1))
        rng.permuted(block, axis=1, out=block)   # in place: the same shuffles, a third of the time
        out.append(stat(block.T))
    return np.concatenate(out)


def _global_test(core, x: np.ndarray, W: sp.csr_matrix, permutations: int,
                 rng: np.random.Generator) -> dict:
    name, stat, expectation, variances, sign = core(x, W)
    observed = float(stat(x[:, None])[0])
    row: dict = {"n": x.size, name: observed, f"E_{name}": expectation}
    for kind, var in variances.items():
        z = sign * (observed - expectation) / np.sqrt(var)
        row |= {f"var_{kind}": var, f"z_{kind}": z,
                f"p_{kind}_two_sided": 2 * stats.norm.sf(abs(z)),
                f"p_{kind}_greater": stats.norm.sf(z), f"p_{kind}_less": stats.norm.cdf(z)}
    if permutations:
        sims = sign * _permutation_stats(stat, x, permutations, rng)
        obs = sign * observed
        # ties within floating-point noise count as "at least as extreme"
        tol = 1e-12 * max(1.0, abs(obs))
        greater = (1 + np.sum(sims >= obs - tol)) / (permutations + 1)
        less = (1 + np.sum(sims <= obs + tol)) / (permutations + 1)
        row |= {"permutations": permutations, "p_perm_greater": greater, "p_perm_less": less,
                "p_perm_two_sided": min(1.0, 2 * min(greater, less))}
    return row


def _check_permutations(permutations: int) -> None:
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise SpatialCCDError(f"permutations must be a non-negative integer, got {permutations!r}")


_NULLS = {"I": "no spatial autocorrelation (I = E[I])", "C": "no spatial autocorrelation (C = 1)",
          "G": "no clustering of high or low values (G = E[G])"}
_TITLES = {"I": "Global Moran's I", "C": "Geary's C", "G": "Getis–Ord General G"}


@dataclass(frozen=True)
class GlobalAutocorrelation(FrameCompat, SummaryMixin):
    """A global statistic of one cross-section (Moran's I, Geary's C or Getis–Ord G) with its tests.

    ``statistic`` is ``"I"``, ``"C"`` or ``"G"``, ``value`` the observed statistic and ``expected``
    its expectation under the null; :attr:`tests` holds one two-sided
    :class:`~spatialccd.hypotheses.TestStatistic` per kind of inference: ``"normality"``,
    ``"randomisation"`` (z statistics) and, with permutations, ``"permutation"`` (pseudo p-value).
    :meth:`to_frame` gives every number (the one-sided p-values too) as a one-row frame.
    """

    statistic: str
    value: float
    expected: float
    n: int
    permutations: int
    _row: dict = field(repr=False)

    _legacy_hint = "use .value, .expected, .tests[...] or .to_frame() (the 0.1 Series is .to_frame().iloc[0])"

    @property
    def tests(self) -> dict:
        """``{"normality", "randomisation"[, "permutation"]}`` → two-sided TestStatistic."""
        null = _NULLS[self.statistic]
        out = {}
        for kind, word in (("norm", "normality"), ("rand", "randomisation")):
            if f"z_{kind}" not in self._row:   # Getis–Ord G has no normality variance
                continue
            z = self._row[f"z_{kind}"]
            out[word] = TestStatistic(f"{_TITLES[self.statistic]} ({word})", null, z, math.nan,
                                      self._row[f"p_{kind}_two_sided"], "normal")
        if self.permutations:
            out["permutation"] = TestStatistic(f"{_TITLES[self.statistic]} ({self.permutations} permutations)",
                                               null, self.value, math.nan, self._row["p_perm_two_sided"],
                                               "permutation")
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row: ``n``, the statistic, ``E_<stat>``, variances, z-scores and p-values (module docstring)."""
        return pd.DataFrame([self._row])

    def _legacy_frame(self):
        return pd.Series(self._row)

    def summary(self) -> Summary:
        facts = ((self.statistic, f"{self.value:.6g}"), (f"E[{self.statistic}]", f"{self.expected:.6g}"),
                 ("n", str(self.n)), ("Permutations", str(self.permutations)))
        tests = pd.DataFrame({"stat": [t.stat for t in self.tests.values()],
                              "pvalue": [t.pvalue for t in self.tests.values()]}, index=list(self.tests))
        return Summary(_TITLES[self.statistic], facts, (("Tests (two-sided)", tests),),
                       ("z statistics under normality and randomisation; permutation pseudo p-value.",))


def _one(core, values, w, permutations, seed) -> GlobalAutocorrelation:
    _check_permutations(permutations)
    x, W, _ = _cross_section(values, w)
    row = _global_test(core, x, W, permutations, np.random.default_rng(seed))
    name = next(k for k in ("I", "C", "G") if k in row)
    return GlobalAutocorrelation(statistic=name, value=float(row[name]), expected=float(row[f"E_{name}"]),
                                 n=int(row["n"]), permutations=int(permutations), _row=row)


def _by_year(core, data, column, w, unit, time, permutations, seed) -> pd.DataFrame:
    _check_permutations(permutations)
    panel, X, W = _panel(data, column, w, unit, time)
    rngs = period_generators(seed, panel.times)
    rows = [_global_test(core, X[:, t], W, permutations, rngs[t]) for t in range(panel.T)]
    return pd.DataFrame(rows, index=panel.times)


_GLOBAL_DOC = """
    Returns a :class:`GlobalAutocorrelation` (cross-section; ``.value``, ``.tests``,
    ``.to_frame()``) or a DataFrame with one row per year (``*_by_year``): ``n``, the statistic, its expectation ``E_<stat>``, and for each
    assumption ``kind`` in {``norm``, ``rand``} (normality / randomisation) the
    variance ``var_<kind>``, z-score ``z_<kind>`` and p-values
    ``p_<kind>_two_sided``, ``p_<kind>_greater`` (positive autocorrelation /
    high-value clustering) and ``p_<kind>_less``.  With ``permutations > 0``:
    ``p_perm_greater`` = (1 + #{sim ≥ obs}) / (P + 1) (spdep ``moran.mc``),
    ``p_perm_less`` and ``p_perm_two_sided`` = min(1, 2·min(greater, less)).
    With n = 3 the randomisation variance (denominator n − 3) is NaN.
"""


def moran(values: pd.Series | np.ndarray, w: Graph, *, permutations: int = 999,
          seed: SeedLike = None) -> GlobalAutocorrelation:
    """Global Moran's I of one cross-section (Cliff & Ord 1981, ch. 1–2).

    I = (n / S0) · z'Wz / z'z, E[I] = −1/(n − 1);
    Var_N[I] = (n²S1 − nS2 + 3S0²) / ((n² − 1)S0²) − E[I]²;
    Var_R[I] = [n((n² − 3n + 3)S1 − nS2 + 3S0²) − b2((n² − n)S1 − 2nS2 + 6S0²)]
    / ((n − 1)(n − 2)(n − 3)S0²) − E[I]².  Matches ``spdep::moran.test``.
    """
    return _one(_moran_core, values, w, permutations, seed)


def geary(values: pd.Series | np.ndarray, w: Graph, *, permutations: int = 999,
          seed: SeedLike = None) -> GlobalAutocorrelation:
    """Geary's C of one cross-section (Cliff & Ord 1981, ch. 1–2).

    C = (n − 1) Σ_ij w_ij (x_i − x_j)² / (2 S0 Σ z²), E[C] = 1;
    Var_N[C] = [(2S1 + S2)(n − 1) − 4S0²] / (2(n + 1)S0²);
    Var_R[C] = [(n − 1)S1(n² − 3n + 3 − (n − 1)b2) − ¼(n − 1)S2(n² + 3n − 6 − (n² − n + 2)b2)
    + S0²(n² − 3 − (n − 1)²b2)] / (n(n − 2)(n − 3)S0²).
    z = (E[C] − C)/sd, so z > 0 is positive autocorrelation (as ``spdep::geary.test``).
    """
    return _one(_geary_core, values, w, permutations, seed)


def getis_ord(values: pd.Series | np.ndarray, w: Graph, *, permutations: int = 999,
              seed: SeedLike = None) -> GlobalAutocorrelation:
    """Getis–Ord General G of one cross-section (Getis & Ord 1992, eq. 9–13).

    G = Σ_{i≠j} w_ij x_i x_j / Σ_{i≠j} x_i x_j for non-negative x, E[G] = S0 / (n(n − 1)),
    Var[G] = E[G²] − E[G]² with E[G²] = (B0 m2² + B1 m4 + B2 m1² m2 + B3 m1 m3 + B4 m1⁴)
    / ((m1² − m2)² n(n − 1)(n − 2)(n − 3)), m_k = Σ x^k and B0…B4 from S0, S1, S2.
    Only the randomisation variance exists (columns ``*_rand``); z > 0 is clustering
    of high values.  Getis & Ord define G for binary or distance weights: build the
    graph with ``transform="b"`` for the textbook statistic (the row-standardised
    default is accepted and gives the same inference up to scale).
    """
    return _one(_getis_ord_core, values, w, permutations, seed)


for _documented in (moran, geary, getis_ord):  # a docstring cannot be an expression: append the shared text
    _documented.__doc__ += _GLOBAL_DOC


def moran_by_year(data: pd.DataFrame, column: str, w: Graph, *, unit: str = "province",
                  time: str = "year", permutations: int = 999, seed: SeedLike = None) -> pd.DataFrame:
    """Global Moran's I of ``column`` for every year of a long panel (see :func:`moran`).

    ``data`` is never modified.  Errors name missing (unit, year) cells, constant years,
    ids of ``w`` that do not match the units, and years with fewer than 3 units.
    """
    return _by_year(_moran_core, data, column, w, unit, time, permutations, seed)


def geary_by_year(data: pd.DataFrame, column: str, w: Graph, *, unit: str = "province",
                  time: str = "year", permutations: int = 999, seed: SeedLike = None) -> pd.DataFrame:
    """Geary's C of ``column`` for every year (see :func:`geary` and :func:`moran_by_year`)."""
    return _by_year(_geary_core, data, column, w, unit, time, permutations, seed)


def getis_ord_by_year(data: pd.DataFrame, column: str, w: Graph, *, unit: str = "province",
                      time: str = "year", permutations: int = 999, seed: SeedLike = None) -> pd.DataFrame:
    """Getis–Ord General G of ``column`` for every year (see :func:`getis_ord`, :func:`moran_by_year`)."""
    return _by_year(_getis_ord_core, data, column, w, unit, time, permutations, seed)


def _residual_moments(W: sp.csr_matrix, Q: np.ndarray) -> tuple[float, float, float]:
    """tr(MW), tr(MWMW'), tr((MW)²) for M = I − QQ' (Q'Q = I_k) with sparse W and the n×k Q only.

    With P = QQ', A = Q'WQ (k×k) and the cyclic property of the trace:

        tr(MW)    = tr W − tr(Q'WQ)                                = tr W − tr A
        tr(MWMW') = tr(WW') − tr(PWW') − tr(WPW') + tr(PWPW')      = ‖W‖²_F − ‖W'Q‖²_F − ‖WQ‖²_F + ‖A‖²_F
        tr(MWMW)  = tr(W²) − tr(PW²) − tr(WPW) + tr(PWPW)          = tr(W²) − 2⟨W'Q, WQ⟩_F + tr(A²)

    (tr(PWW') = tr(Q'WW'Q), tr(WPW') = tr(Q'W'WQ), tr(PWPW') = tr(AA'), tr(PW²) = tr(WPW) =
    tr(Q'W·WQ) = ⟨W'Q, WQ⟩_F): O(nnz(W)·k + nk²) instead of the n×n matrix M (Cliff & Ord 1981, ch. 8).
    """
    WQ, WtQ = np.asarray(W @ Q), np.asarray(W.T @ Q)
    A = Q.T @ WQ
    tr_mw = float(W.diagonal().sum() - np.trace(A))
    tr_mwmwt = (_centred_trace(W, W.T.tocsr(), False) - float(np.sum(WtQ ** 2)) - float(np.sum(WQ ** 2))
                + float(np.sum(A ** 2)))
    tr_mwmw = _centred_trace(W, W, False) - 2 * float(np.sum(WtQ * WQ)) + float(np.sum(A * A.T))
    return tr_mw, tr_mwmwt, tr_mwmw


def moran_residuals(y: pd.Series, X: pd.DataFrame, w: Graph, *, add_constant: bool = True) -> pd.Series:
    """Moran's I of OLS residuals (Cliff & Ord 1981, ch. 8; ``spdep::lm.morantest``).

    e = My with M = I − X(X'X)⁻¹X'; I = (n/S0) e'We / e'e;
    E[I] = (n/S0) tr(MW) / (n − k);
    Var[I] = (n/S0)² [tr(MWMW') + tr((MW)²) + tr(MW)²] / ((n − k)(n − k + 2)) − E[I]².
    ``y`` and ``X`` are indexed by unit (rows aligned on the index); a constant column
    is added unless ``add_constant=False``.  Returns I, E_I, var, z and p-values
    (two-sided, greater, less).  The traces come from sparse W and the n×k orthonormal basis
    Q of X (:func:`_residual_moments`), so no n×n matrix is formed.
    """
    if not isinstance(X, pd.DataFrame) or not isinstance(y, pd.Series):
        raise TypeError("y must be a Series and X a DataFrame, both indexed by unit")
    if not X.index.equals(y.index):
        raise SpatialCCDError("y and X must have the same index (units in the same order)")
    yv, W, _ = _cross_section(y, w)
    Xv = X.to_numpy(dtype=float)
    bad = ~np.isfinite(Xv)
    if bad.any():
        r, c = np.nonzero(bad)
        raise SpatialCCDError(f"missing or non-finite regressors at (unit, column): "
                              f"{[(X.index[i], X.columns[j]) for i, j in zip(r[:20], c[:20])]}")
    if add_constant:
        Xv = np.column_stack([np.ones(len(yv)), Xv])
    n, k = Xv.shape
    Q, _ = np.linalg.qr(Xv)
    e = yv - Q @ (Q.T @ yv)
    s0 = float(W.sum())
    tr_mw, tr_mwmwt, tr_mwmw = _residual_moments(W, Q)
    i_obs = n / s0 * float(e @ (W @ e)) / float(e @ e)
    ei = n / s0 * tr_mw / (n - k)
    var = (n / s0) ** 2 * (tr_mwmwt + tr_mwmw + tr_mw ** 2) / ((n - k) * (n - k + 2)) - ei ** 2
    z = (i_obs - ei) / np.sqrt(var)
    return pd.Series({"n": n, "I": i_obs, "E_I": ei, "var": var, "z": z,
                      "p_two_sided": 2 * stats.norm.sf(abs(z)), "p_greater": stats.norm.sf(z),
                      "p_less": stats.norm.cdf(z)})


# ---------------------------------------------------------------------------
# Moran's I of a panel (I_T ⊗ W), of the variable or of fixed-effects residuals
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MoranTest(TestStatistic):
    """A Moran's I test: ``stat`` is the z-value (I − E[I]) / √Var[I] (two-sided normal
    ``pvalue``); ``I``, ``E_I`` and ``var_I`` carry Moran's I and its moments."""

    I: float = math.nan  # noqa: E741 - Moran's I
    E_I: float = math.nan
    var_I: float = math.nan

    def __str__(self) -> str:
        return (super().__str__() + f"\n  Moran's I: {self.I:.4f}  (E[I] = {self.E_I:.4f}, "
                                    f"Var[I] = {self.var_I:.4g})")


def _demeaner(effects: str, T: int, N: int) -> Callable[[np.ndarray], np.ndarray]:
    """M_D of the fixed effects on (NT, m) time-major blocks: unit, time or both means removed
    (``"none"``: identity; the constant then enters as a regressor)."""
    def demean(v: np.ndarray) -> np.ndarray:
        b = v.reshape(T, N, -1)
        if effects in ("individual", "twoways"):
            b = b - b.mean(axis=0, keepdims=True)
        if effects in ("time", "twoways"):
            b = b - b.mean(axis=1, keepdims=True)
        return b.reshape(T * N, -1)
    return demean


def _lagger(W: sp.csr_matrix, T: int) -> Callable[[np.ndarray], np.ndarray]:
    """v ↦ (I_T ⊗ W) v for (NT, m) time-major blocks."""
    N = W.shape[0]

    def lag(v: np.ndarray) -> np.ndarray:
        m = v.shape[1]
        b = v.reshape(T, N, m).transpose(1, 0, 2).reshape(N, T * m)
        return (W @ b).reshape(N, T, m).transpose(1, 0, 2).reshape(T * N, m)
    return lag


def _centred_trace(W: sp.csr_matrix, B: sp.csr_matrix, centred: bool) -> float:
    """tr(E W E B) with E = I − J/N (``centred``) or E = I:
    tr(WB) − ι'WBι/N − ι'BWι/N + (ι'Wι)(ι'Bι)/N²."""
    tr = float(W.multiply(B.T).sum())
    if not centred:
        return tr
    N = W.shape[0]
    one = np.ones(N)
    r_w, c_w, r_b, c_b = W @ one, W.T @ one, B @ one, B.T @ one
    return tr - (c_w @ r_b) / N - (c_b @ r_w) / N + W.sum() * B.sum() / N ** 2


def panel_moran(data, column: str, w: Graph, *, unit: str = "province", time: str = "year",
                effects: Effects = "none", regressors: Sequence[str] | None = None) -> MoranTest:
    r"""Moran's I of a balanced panel with the NT×NT weights I_T ⊗ W, and its normal test.

    e = M y with M = I − Z(Z'Z)⁺Z', Z the fixed-effects dummies of ``effects`` (unit,
    time or both; a constant with ``"none"``) and the ``regressors``; n = NT, A = I_T ⊗ W,
    S₀ = T·Σ w_ij, k = rank Z (1 + p, N + p, T + p or N + T − 1 + p):

        I = (n / S₀) e'Ae / e'e
        E[I] = (n / S₀) tr(MA) / (n − k)
        Var[I] = (n / S₀)² [tr(MAMA') + tr(MAMA) + tr(MA)²] / ((n − k)(n − k + 2)) − E[I]²

    the Cliff & Ord (1981, ch. 8) moments of a regression residual (``spdep::lm.morantest``)
    applied to the stacked panel (Anselin 1988, *Spatial Econometrics*, §13; Elhorst 2014,
    *Spatial Econometrics*, ch. 3).  Without ``regressors`` and with ``effects="none"`` this
    is Moran's I of the pooled variable (z = y − ȳ) with its normality moments
    (E[I] = −1/(NT − 1)); with ``regressors`` it is Moran's I of the residuals of the
    non-spatial (fixed-effects) model, the first test of the specification chain (seed 002
    Table 6).  With one period and ``effects="none"`` it equals :func:`moran` (``z_norm``)
    and :func:`moran_residuals`.

    The traces are computed without forming NT×NT matrices: M = M_D − QQ' with M_D the
    within transformation (E_T ⊗ E_N, E = I − J/n, identity factors where an effect is
    absent) and Q an orthonormal basis of M_D X, so tr(M_D A M_D B) = tr(E_T)·tr(E_N W E_N B)
    and the Q terms are p × p.

    ``regressors`` are columns of ``data`` (transformations such as logs belong in the
    data).  Returns a :class:`MoranTest` (a :class:`~spatialccd.hypotheses.TestStatistic`
    with ``stat`` the z-value, ``pvalue`` two-sided, and ``I``, ``E_I``, ``var_I``).
    """
    effects = check_option("effects", effects, where="panel_moran")
    if not isinstance(w, Graph):
        raise TypeError(f"w must be a libpysal.graph.Graph, got {type(w).__name__}")
    panel = as_panel(data, unit=unit, time=time)
    N, T = panel.N, panel.T
    n = N * T
    y = panel.values(column)[:, None]
    names = list(regressors or ())
    X = panel.values(names).reshape(n, len(names)) if names else np.empty((n, 0))
    W = _w_matrix(w, panel.units)
    if W.nnz == 0:
        raise SpatialCCDError("w has no links: Moran's I is undefined")
    demean, lag = _demeaner(effects, T, N), _lagger(W, T)
    dummies = {"none": 0, "individual": N, "time": T, "twoways": N + T - 1}[effects]
    Xt = np.column_stack([np.ones(n), X]) if effects == "none" else demean(X)
    Q, R = np.linalg.qr(Xt) if Xt.shape[1] else (np.empty((n, 0)), np.empty((0, 0)))
    if Xt.shape[1]:
        scale = max(1.0, float(np.abs(R).max()))
        weak = np.flatnonzero(np.abs(np.diag(R)) <= 1e-10 * scale)
        if weak.size:
            labels = (["constant"] if effects == "none" else []) + names
            raise DataError(f"panel_moran: regressor(s) {[labels[i] for i in weak]} are absorbed by the "
                            f"{effects} effects or collinear with the others")
    k = dummies + Xt.shape[1]
    if n - k <= 2:
        raise DataError(f"panel_moran: {n} observations for {k} parameters (effects and regressors)")
    e = demean(y)
    e = (e - Q @ (Q.T @ e))[:, 0]
    if e @ e <= 1e-24 * max(1.0, float(y[:, 0] @ y[:, 0])):
        raise DataError(f"panel_moran: {column!r} is fully explained by the {effects} effects and regressors "
                        "(zero residuals); Moran's I is undefined")
    s0 = T * float(W.sum())
    c = n / s0
    I_obs = c * float(e @ lag(e[:, None])[:, 0]) / float(e @ e)
    tr_T = T - 1 if effects in ("individual", "twoways") else T
    centred = effects in ("time", "twoways")
    QA, QAt = Q.T @ lag(Q), Q.T @ _lagger(W.T.tocsr(), T)(Q)  # Q'AQ, Q'A'Q
    tr_ma = tr_T * _centred_trace(W, sp.identity(N, format="csr"), centred) - np.trace(QA)

    def tr_mamb(B: sp.csr_matrix, QB: np.ndarray) -> float:
        lag_b = _lagger(B, T)
        cross = np.trace(Q.T @ lag(demean(lag_b(Q)))) + np.trace(Q.T @ lag_b(demean(lag(Q))))
        return tr_T * _centred_trace(W, B, centred) - cross + np.trace(QA @ QB)

    tr_mamat, tr_mama = tr_mamb(W.T.tocsr(), QAt), tr_mamb(W, QA)
    E = c * tr_ma / (n - k)
    var = c ** 2 * (tr_mamat + tr_mama + tr_ma ** 2) / ((n - k) * (n - k + 2)) - E ** 2
    z = (I_obs - E) / math.sqrt(var)
    what = "the pooled variable" if not names and effects == "none" else \
        ("OLS residuals" if effects == "none" else f"{effects} fixed-effects residuals")
    base = TestStatistic.normal(f"Moran's I ({'panel' if not names else 'residuals'})",
                                "no spatial autocorrelation", z,
                                note=f"Moran's I of {what} of {column!r}, W = I_T ⊗ W (N = {N}, T = {T}); "
                                     f"I = {I_obs:.4f}, E[I] = {E:.4f}")
    return MoranTest(base.name, base.null, base.stat, base.df, base.pvalue, base.dist, base.note,
                     I=I_obs, E_I=E, var_I=var)


# ---------------------------------------------------------------------------
# LISA
# ---------------------------------------------------------------------------
def _local_moments(z: np.ndarray, W: sp.csr_matrix, moments: str) -> tuple[np.ndarray, np.ndarray]:
    """E[I_i] and Var[I_i] under randomisation with m2 = Σz²/n (spdep ``mlvar=TRUE``)."""
    n = z.size
    m2 = (z ** 2).sum() / n
    wi = np.asarray(W.sum(axis=1)).ravel()
    wi2 = np.asarray(W.multiply(W).sum(axis=1)).ravel()
    if moments == "conditional":
        e = -(z ** 2) * wi / ((n - 1) * m2)
        var = (z / m2) ** 2 * (n / (n - 2)) * (wi2 - wi ** 2 / (n - 1)) * (m2 - z ** 2 / (n - 1))
    else:
        b2 = ((z ** 4).sum() / n) / m2 ** 2
        e = -wi / (n - 1)
        var = (wi2 * (n - b2) / (n - 1) + (wi ** 2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2))
               - e ** 2)
    return e, var


def _floyd_draws(n_pool: int, k: int, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """``permutations`` rows of k distinct indices from range(n_pool) in random order.

    Floyd's algorithm, vectorised over rows (O(P·k²)), then a row-wise shuffle so
    that the order of the draws (which neighbour weight a value meets) is uniform.
    """
    out = np.empty((k, permutations), dtype=np.int64)  # transposed: reductions along axis 0 are fast
    for s, j in enumerate(range(n_pool - k, n_pool)):
        t = rng.integers(0, j + 1, size=permutations)
        seen = (out[:s] == t).any(axis=0)
        out[s] = np.where(seen, j, t)
    rows = np.ascontiguousarray(out.T)
    return rng.permuted(rows, axis=1, out=rows)


def _constant_rows(W: sp.csr_matrix, card: np.ndarray) -> np.ndarray:
    """Rows with neighbours whose stored weights are all equal and positive (binary or
    row-standardised contiguity / k-nearest neighbours): their lag is c_i · Σ values."""
    n = card.size
    rows = np.repeat(np.arange(n), card)
    first = np.zeros(n)
    first[card > 0] = W.data[W.indptr[:-1][card > 0]]
    differs = np.bincount(rows, weights=W.data != first[rows], minlength=n) > 0
    return (card > 0) & ~differs & (first > 0)


def _conditional_pseudo_p(zs: np.ndarray, W: sp.csr_matrix, local: np.ndarray, permutations: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Conditional-permutation pseudo p-values of local I (Anselin 1995, §4).

    For unit i with k_i neighbours, k_i values are drawn without replacement from the
    other n − 1 units and matched to i's weights (one set of draws shared by all units,
    as in GeoDa and esda).  p_i = (1 + min(#{I_sim ≥ I_i}, #{I_sim ≤ I_i})) / (P + 1):
    one-sided in the direction of the observed value; ties count on both sides.

    Implementation (no loop over units; see the module docstring): one (P, k_max)
    matrix D of distinct indices into range(n − 1); for unit i, index d stands for unit
    d, except d = i, which stands for unit n − 1 (a bijection onto the other n − 1
    units).  The few (row, column) cells with D = i (expected P·k_i/(n − 1) per unit)
    are patched separately.  Since I_sim = s_i · L_sim with L_sim the simulated lag,
    the two counts become #{L_sim ≥ lo_i} and #{L_sim ≤ hi_i} for thresholds in lag
    space, whatever the sign of s_i.  Rows with equal weights c_i (binary or
    row-standardised contiguity) share L_sim = c_i · Σ_{j<k} s[D_rj] by cardinality
    k: one sort per cardinality, then binary searches.  Other rows get their lags from
    k rank-one updates per cardinality group, in cache-sized blocks of units
    (``_BLOCK_ELEMENTS``).
    """
    n = zs.size
    P = permutations
    card = np.diff(W.indptr)
    p = np.full(n, np.nan)
    has = card > 0
    if not has.any():
        return p
    kmax = int(card.max())
    DT = np.ascontiguousarray(_floyd_draws(n - 1, kmax, P, rng).T)  # (k_max, P): D transposed
    GT = zs[DT]  # s of the drawn units before the D = i patch
    cum = np.cumsum(GT, axis=0)  # cum[k − 1] = Σ_{j<k} s[D_rj]
    # thresholds in lag space: s_i·L ≥ I_i − tol ⇔ L ≥ lo_i (s_i > 0) or L ≤ hi_i (s_i < 0)
    tol = 1e-12 * np.maximum(1.0, np.abs(local))
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (local - tol) / zs, (local + tol) / zs
    pos = zs > 0
    lo = np.where(pos, t1, t2)
    hi = np.where(pos, t2, t1)
    lo[zs == 0], hi[zs == 0] = -np.inf, np.inf  # I_sim = 0 = I_i: every draw is a tie
    ge = np.zeros(n, dtype=np.int64)  # #{L_sim ≥ lo_i}
    le = np.zeros(n, dtype=np.int64)  # #{L_sim ≤ hi_i}
    # cells where D = i among unit i's first k_i columns: value s_{n−1} instead of s_i
    hit_j, hit_r = np.nonzero(np.arange(kmax)[:, None] < card[DT])
    hit_u = DT[hit_j, hit_r]
    delta = zs[n - 1] - zs[hit_u]
    const = _constant_rows(W, card)

    # equal weights: L_sim = c_i · T_k with T_k shared by every unit of cardinality k
    c = np.zeros(n)
    c[const] = W.data[W.indptr[:-1][const]]
    with np.errstate(divide="ignore", invalid="ignore"):
        lo_c, hi_c = lo / c, hi / c
    for k in np.unique(card[const]):
        units = np.flatnonzero(const & (card == k))
        t_sorted = np.sort(cum[k - 1])
        ge[units] = P - np.searchsorted(t_sorted, lo_c[units], side="left")
        le[units] = np.searchsorted(t_sorted, hi_c[units], side="right")
    sel = const[hit_u]
    if sel.any():
        u, r = hit_u[sel], hit_r[sel]
        old = cum[card[u] - 1, r]
        new = old + delta[sel]
        ge += np.bincount(u, weights=(new >= lo_c[u]).astype(float) - (old >= lo_c[u]), minlength=n
                          ).astype(np.int64)
        le += np.bincount(u, weights=(new <= hi_c[u]).astype(float) - (old <= hi_c[u]), minlength=n
                          ).astype(np.int64)

    # unequal weights: L_sim = Σ_j w_ij s[D_rj], built by rank-one updates for blocks
    # of units of one cardinality, small enough to stay in cache (rows = units)
    general = has & ~const
    if general.any():
        gh = np.flatnonzero(general[hit_u])
        gh = gh[np.argsort(hit_u[gh], kind="stable")]  # patch cells of general rows, by unit
        gh_u = hit_u[gh]
        block = max(1, _BLOCK_ELEMENTS // P)
        lag, tmp = np.empty((block, P)), np.empty((block, P))
        flag = np.empty((block, P), dtype=bool)
        for k in np.unique(card[general]):
            units_k = np.flatnonzero(general & (card == k))
            for start in range(0, units_k.size, block):
                units = units_k[start:start + block]  # increasing
                m = units.size
                wk = W.data[W.indptr[units][:, None] + np.arange(k)]  # (m, k), CSR order
                L, T, F = lag[:m], tmp[:m], flag[:m]
                np.multiply(wk[:, :1], GT[0], out=L)
                for j in range(1, k):
                    np.multiply(wk[:, j:j + 1], GT[j], out=T)
                    L += T
                h = gh[np.searchsorted(gh_u, units[0]):np.searchsorted(gh_u, units[-1], side="right")]
                h = h[card[hit_u[h]] == k]  # the general units of cardinality k in the id range
                row = np.searchsorted(units, hit_u[h])
                L[row, hit_r[h]] += wk[row, hit_j[h]] * delta[h]  # (unit, draw) pairs are distinct
                ge[units] = np.count_nonzero(np.greater_equal(L, lo[units, None], out=F), axis=1)
                le[units] = np.count_nonzero(np.less_equal(L, hi[units, None], out=F), axis=1)
    p[has] = (1 + np.minimum(ge[has], le[has])) / (P + 1)
    return p


def _adjust(p: np.ndarray, method: str | None) -> np.ndarray:
    """Adjust the finite p-values (NaN kept): Benjamini–Hochberg or Bonferroni."""
    out = p.copy()
    ok = np.isfinite(p)
    if method == "fdr" and ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    elif method == "bonferroni":
        out[ok] = np.minimum(1.0, p[ok] * ok.sum())
    return out


def _lisa_core(x: np.ndarray, W: sp.csr_matrix, *, permutations: int, rng: np.random.Generator,
               alpha: float, adjust: str | None, moments: str, inference: str) -> dict[str, np.ndarray]:
    n = x.size
    z = x - x.mean()
    zs = z / np.sqrt((z ** 2).sum() / n)  # standardised, σ with divisor n
    lag = W @ zs
    local = zs * lag  # = (z_i / m2) Σ_j w_ij z_j
    e, var = _local_moments(z, W, moments)
    card = np.diff(W.indptr)
    isolated = card == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        zi = np.where(var > 0, (local - e) / np.sqrt(np.where(var > 0, var, 1.0)), np.nan)
    p_norm = 2 * stats.norm.sf(np.abs(zi))
    p_sim = (_conditional_pseudo_p(zs, W, local, permutations, rng) if permutations
             else np.full(n, np.nan))
    p_adj = _adjust(p_sim if inference == "permutation" else p_norm, adjust)
    quadrant = np.select([(zs > 0) & (lag > 0), (zs <= 0) & (lag > 0), (zs <= 0) & (lag <= 0)],
                         ["HH", "LH", "LL"], "HL").astype(object)
    quadrant[isolated] = None
    significant = np.nan_to_num(p_adj, nan=1.0) < alpha
    cluster = np.where(significant, quadrant, "not significant").astype(object)
    cluster[isolated] = "isolated"
    return {"value": x, "z": zs, "lag_z": lag, "n_neighbours": card, "I": local, "E_I": e, "var_I": var,
            "z_I": zi, "p_norm_two_sided": p_norm, "p_sim": p_sim, "p_adjusted": p_adj,
            "quadrant": quadrant, "cluster": cluster}


def _lisa_frame(cols: dict[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    out = pd.DataFrame(cols, index=index)
    for col, cats in (("quadrant", QUADRANTS), ("cluster", CLUSTERS)):  # codes: −1 for None
        out[col] = pd.Categorical.from_codes(pd.Index(cats).get_indexer(cols[col]), categories=cats)
    return out


def _check_lisa_options(permutations, alpha, adjust, moments, inference) -> None:
    _check_permutations(permutations)
    if not 0 < alpha < 1:
        raise SpatialCCDError(f"alpha must be in (0, 1), got {alpha!r}")
    if adjust not in (None, "fdr", "bonferroni"):
        raise SpatialCCDError(f"adjust must be None, 'fdr' or 'bonferroni', got {adjust!r}")
    if moments not in ("conditional", "total"):
        raise SpatialCCDError(f"moments must be 'conditional' or 'total', got {moments!r}")
    if inference not in ("permutation", "analytical"):
        raise SpatialCCDError(f"inference must be 'permutation' or 'analytical', got {inference!r}")
    if inference == "permutation" and permutations == 0:
        raise SpatialCCDError("inference='permutation' needs permutations > 0 (or use inference='analytical')")


def lisa(values: pd.Series | np.ndarray, w: Graph, *, permutations: int = 9999, seed: SeedLike = None,
         alpha: float = 0.05, adjust: Literal["fdr", "bonferroni"] | None = None,
         moments: Literal["conditional", "total"] = "conditional",
         inference: Literal["permutation", "analytical"] = "permutation") -> pd.DataFrame:
    """Local Moran's I (LISA, Anselin 1995) with clusters, one row per unit.

    I_i = (z_i / m2) Σ_j w_ij z_j with z = x − x̄ and m2 = Σ z² / n (divisor **n**, as
    spdep ``localmoran(mlvar=TRUE)`` and esda's analytical moments; esda's ``Is`` divides
    by n − 1, i.e. equals I_i·(n − 1)/n); equivalently I_i = s_i · (Ws)_i for the
    standardised s = z / √m2.  Σ_i I_i = S0 · I (global Moran).

    Analytical moments under randomisation (w_i = Σ_j w_ij, w_i(2) = Σ_j w_ij²,
    b2 = (Σz⁴/n)/m2²):

    ``moments="conditional"`` (default; z_i held fixed, Sokal et al. 1998; spdep
    ``localmoran(conditional=TRUE)``, esda ``EIc``/``VIc``):
        E[I_i] = −z_i² w_i / ((n − 1) m2),
        Var[I_i] = (z_i/m2)² · n/(n − 2) · (w_i(2) − w_i²/(n − 1)) · (m2 − z_i²/(n − 1)).
    ``moments="total"`` (Anselin 1995, eq. 13–14; spdep ``conditional=FALSE``, esda ``EI``/``VI``):
        E[I_i] = −w_i / (n − 1),
        Var[I_i] = w_i(2)(n − b2)/(n − 1) + (w_i² − w_i(2))(2b2 − n)/((n − 1)(n − 2)) − E[I_i]².

    Columns: ``value``, ``z`` (standardised value s), ``lag_z`` ((Ws)_i),
    ``n_neighbours``, ``I``, ``E_I``, ``var_I``, ``z_I`` = (I − E)/√Var,
    ``p_norm_two_sided`` (normal approximation), ``p_sim`` (conditional-permutation
    pseudo p, one-sided in the observed direction as in GeoDa: (1 + #{as extreme}) /
    (P + 1)), ``p_adjusted`` (the p-value used for ``inference``, after ``adjust``:
    ``"fdr"`` = Benjamini–Hochberg q-values, ``"bonferroni"`` = min(1, m·p), m the
    number of units with neighbours), ``quadrant`` (HH, LH, LL, HL of the Moran
    scatter; z = 0 counts as low) and ``cluster``: the quadrant where
    ``p_adjusted < alpha``, else ``"not significant"``; a unit with no neighbours is
    ``"isolated"`` (quadrant missing, p-values NaN) and is never significant.
    ``quadrant`` and ``cluster`` are categoricals with every category present.
    """
    _check_lisa_options(permutations, alpha, adjust, moments, inference)
    x, W, ids = _cross_section(values, w)
    cols = _lisa_core(x, W, permutations=permutations, rng=np.random.default_rng(seed), alpha=alpha,
                      adjust=adjust, moments=moments, inference=inference)
    return _lisa_frame(cols, ids)


def lisa_by_year(data: pd.DataFrame, column: str, w: Graph, *, unit: str = "province", time: str = "year",
                 permutations: int = 9999, seed: SeedLike = None, alpha: float = 0.05,
                 adjust: Literal["fdr", "bonferroni"] | None = None,
                 moments: Literal["conditional", "total"] = "conditional",
                 inference: Literal["permutation", "analytical"] = "permutation",
                 progress: bool = False) -> pd.DataFrame:
    """:func:`lisa` for every year of a long panel; rows indexed by (year, unit).

    Adjustment (``adjust``) is applied within each year.  Each year draws from its own
    random stream spawned from ``seed``.  ``progress=True`` shows a tqdm bar.
    """
    _check_lisa_options(permutations, alpha, adjust, moments, inference)
    panel, X, W = _panel(data, column, w, unit, time)
    rngs = period_generators(seed, panel.times)
    frames = []
    for t in tqdm(range(panel.T), desc="LISA", disable=not progress):
        cols = _lisa_core(X[:, t], W, permutations=permutations, rng=rngs[t], alpha=alpha,
                          adjust=adjust, moments=moments, inference=inference)
        frames.append(_lisa_frame(cols, panel.units))
    return pd.concat(frames, keys=panel.times, names=[time, unit])
