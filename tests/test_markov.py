"""Markov chains (spatialccd.markov): a hand-worked 2-class example, Kemeny & Snell's Land of Oz,
and PySAL giddy on the same input (giddy 2.3.8: Markov, Spatial_Markov(fixed=True), LISA_Markov,
ergodic.steady_state / mfpt) to 1e-10, plus the documented differences (islands, transient states)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from spatialccd.coordination import GradeScheme
from spatialccd.exceptions import DataError, IslandWarning, SpatialCCDError
from spatialccd.hypotheses import InvalidTest
from spatialccd.markov import lisa_markov, markov_chain, mean_first_passage, spatial_markov, steady_state
from spatialccd.panel import PanelData
from spatialccd.weights import contiguity, from_matrix, to_sparse

TWO = GradeScheme.from_cuts([0, 0.5, 1], labels=["low", "high"], labels_zh=["低", "高"])


@pytest.fixture
def tiny():
    """Three units on a line A – B – C, three years, classes low < 0.5 ≤ high."""
    df = pd.DataFrame({"unit": list("AAABBBCCC"), "year": [1, 2, 3] * 3,
                       "D": [0.2, 0.6, 0.7, 0.3, 0.4, 0.8, 0.9, 0.1, 0.2]})
    w = from_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]), ["A", "B", "C"])
    return df, w


def test_hand_worked_two_class_counts(tiny):
    df, _ = tiny
    m = markov_chain(df, "D", classes="grade", scheme=TWO, unit="unit")
    # A: L→H, H→H; B: L→L, L→H; C: H→L, L→L
    assert m.transitions.to_numpy().tolist() == [[2, 2], [1, 1]]
    assert np.allclose(m.probabilities, [[0.5, 0.5], [0.5, 0.5]])
    assert np.allclose(m.steady_state, [0.5, 0.5])
    assert np.allclose(m.mfpt, 2.0) and np.allclose(m.sojourn, 2.0)
    t = m.table(lang="zh")
    assert list(t.columns) == ["n", "低", "高"] and t["n"].tolist() == [4, 2]


def test_hand_worked_spatial_lag_classes(tiny):
    df, w = tiny
    sm = spatial_markov(df, "D", w, classes="grade", scheme=TWO, unit="unit")
    # lags (row-standardised): year 1 A 0.3 (L), B 0.55 (H), C 0.3 (L); year 2 all L
    low, high = sm.conditional
    assert low.counts.tolist() == [[1, 2], [1, 1]]
    assert high.counts.tolist() == [[1, 0], [0, 0]]
    assert (sm.classic.counts == low.counts + high.counts).all() and sm.n_isolated == 0
    table = sm.table()
    assert table.index.get_level_values(0).unique().tolist() == ["No lag", "low", "high"]
    assert table.loc[("high", "high"), "n"] == 0


def test_land_of_oz_closed_form():
    """Kemeny & Snell (1976, p. 218) Land of Oz: π = (0.4, 0.2, 0.4) and its MFPT matrix."""
    P = np.array([[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.25, 0.25, 0.5]])
    assert np.allclose(steady_state(P), [0.4, 0.2, 0.4], atol=1e-14)
    ref = np.array([[2.5, 4.0, 10 / 3], [8 / 3, 5.0, 8 / 3], [10 / 3, 4.0, 2.5]])
    assert np.allclose(mean_first_passage(P), ref, atol=1e-12)


def test_transient_state_has_infinite_return_time():
    """From state 0 the chain returns with probability 1/2 only, so m_00 = ∞; m_01 = 2."""
    M = mean_first_passage(np.array([[0.5, 0.5], [0.0, 1.0]]))
    assert np.isinf(M[0, 0]) and np.isinf(M[1, 0]) and M[0, 1] == pytest.approx(2.0) and M[1, 1] == 1.0
    assert steady_state(np.array([[1.0, 0.0], [0.0, 1.0]])) is None  # two recurrent classes


def _provinces_panel(seed: int = 3, T: int = 15):
    w = contiguity()
    ids = list(w.unique_ids)
    rng = np.random.default_rng(seed)
    x = np.empty((len(ids), T))
    x[:, 0] = rng.uniform(0.3, 0.7, len(ids))
    for t in range(1, T):  # mean-reverting: every class is left and re-entered (irreducible chains)
        x[:, t] = 0.5 + 0.7 * (x[:, t - 1] - 0.5) + rng.normal(0, 0.06, len(ids))
    x = np.clip(x, 0.01, 0.99)
    df = pd.DataFrame({"province": np.repeat(ids, T), "year": np.tile(np.arange(2000, 2000 + T), len(ids)),
                       "D": x.ravel()})
    return df, w


def _giddy_inputs(df, w):
    libpysal = pytest.importorskip("libpysal")
    panel = PanelData(df)
    W = libpysal.weights.WSP(to_sparse(w, panel.units)).to_W(silence_warnings=True)
    W.transform = "r"
    return panel.matrix("D"), W


def test_spatial_markov_equals_giddy_quantiles():
    gm = pytest.importorskip("giddy.markov")
    df, w = _provinces_panel()
    X, W = _giddy_inputs(df, w)
    ours = spatial_markov(df, "D", w, classes="quantile", k=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = gm.Spatial_Markov(X, W, k=4, m=4, fixed=True)  # giddy 2.3.8
        ref_S = np.asarray([np.asarray(s, float) for s in ref.S])
    assert (ours.counts == ref.T).all() and (ours.classic.counts == ref.transitions).all()
    assert np.allclose(ours.classic.probabilities, ref.p, rtol=0, atol=1e-12)
    assert np.allclose(ours.classic.steady_state, ref.s, rtol=1e-10, atol=1e-12)
    assert np.allclose(ours.steady_states.iloc[1:].to_numpy(), ref_S, rtol=1e-10, atol=1e-12)
    assert np.allclose(ours.classic.mfpt, ref.f, rtol=1e-10)
    assert np.allclose(np.stack([c.mfpt.to_numpy() for c in ours.conditional]), ref.F, rtol=1e-10)
    assert ours.Q.stat == pytest.approx(ref.Q, rel=1e-10) and ours.LR.stat == pytest.approx(ref.LR, rel=1e-10)
    assert ours.Q.df == ref.dof_hom and ours.Q.pvalue == pytest.approx(ref.Q_p_value, rel=1e-8)
    assert np.allclose(ours.lag_cuts, ref.lag_cutoffs, rtol=1e-12)


def _grade_pair(df, w):
    """Ours with classes='grade' and giddy with the same cut points for classes and lags."""
    gm = pytest.importorskip("giddy.markov")
    X, W = _giddy_inputs(df, w)
    ours = spatial_markov(df, "D", w, classes="grade", scheme="ten")
    cuts = list(ours.classic.cuts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = gm.Spatial_Markov(X, W, cutoffs=cuts, lag_cutoffs=cuts, fixed=True)
    return ours, ref, cuts, X


def test_spatial_markov_equals_giddy_grade_cutoffs():
    ours, ref, cuts, _ = _grade_pair(*_provinces_panel(seed=7))
    assert len(ours.classic.labels) == len(cuts) + 1 >= 3  # the span of grade levels observed
    assert (ours.counts == ref.T).all() and (ours.classic.counts == ref.transitions).all()
    assert ours.Q.stat == pytest.approx(ref.Q, rel=1e-10)


def test_islands_are_not_put_in_the_lowest_lag_class():
    """giddy gives an island a lag of 0 (lowest lag class); here its transitions are in the
    classical matrix only: giddy's lowest class = ours + Hainan's own transitions."""
    df, _ = _provinces_panel(seed=11)
    with pytest.warns(IslandWarning):
        w = contiguity(islands="keep")
    ours, ref, _, X = _grade_pair(df, w)
    hainan = markov_chain(df[df.province == "46"], "D", classes="grade", scheme="ten")
    k = hainan.k
    assert ours.n_isolated == int(hainan.counts.sum()) == X.shape[1] - 1
    own = np.zeros_like(ref.T[0])
    lo = ours.classic.labels.index(hainan.labels[0])
    own[lo:lo + k, lo:lo + k] = hainan.counts
    assert (ref.T[0] - ours.counts[0] == own).all()
    assert (ours.classic.counts == ref.transitions).all()


def test_lisa_markov_equals_giddy_and_types():
    gm = pytest.importorskip("giddy.markov")
    df, w = _provinces_panel(seed=5)
    X, W = _giddy_inputs(df, w)
    ours = lisa_markov(df, "D", w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = gm.LISA_Markov(X, W)
    assert (ours.chain.counts == ref.transitions).all()
    types = ours.types
    assert types["count"].sum() == ours.chain.counts.sum()
    C = ours.chain.counts  # order HH, LH, LL, HL
    assert types.loc["Type 0", "count"] == np.trace(C)
    assert types.loc["Type III", "count"] == C[0, 2] + C[2, 0] + C[1, 3] + C[3, 1]
    assert ours.cohesion == pytest.approx(np.trace(C) / C.sum())


def test_results_display_and_errors(tiny):
    df, w = tiny
    sm = spatial_markov(df, "D", w, classes="grade", scheme=TWO, unit="unit")
    assert isinstance(sm.Q, InvalidTest) or sm.Q.df >= 0
    text = str(sm)
    assert "Spatial Markov chain" in text and "Homogeneity" in text
    assert "<table" in sm._repr_html_()
    assert set(sm.to_frame().columns) == {"count", "probability"}
    with pytest.raises(SpatialCCDError, match="classes"):
        markov_chain(df, "D", classes="quintile", unit="unit")
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        markov_chain(df.assign(D=df.D * 3), "D", classes="grade", unit="unit")
    with pytest.raises(SpatialCCDError, match="k must"):
        markov_chain(df, "D", k=1, unit="unit")


def test_transition_heatmaps_draw_every_chain(tiny):
    from spatialccd.plots.markov import transition_heatmaps

    df, w = tiny
    sm = spatial_markov(df, "D", w, classes="grade", scheme=TWO, unit="unit")
    fig = transition_heatmaps(sm, lang="en")
    assert len(fig.axes) == 3 and fig.axes[0].get_title() == "Classical"
    assert len(transition_heatmaps(lisa_markov(df, "D", w, unit="unit"), lang="en").axes) == 1
