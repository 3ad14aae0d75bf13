"""TOPSIS / entropy-TOPSIS and grey relational degree (spatialccd.evaluation.topsis): hand-worked
examples, and pymcdm 1.4.0 ``TOPSIS(normalization_function=minmax_normalization)`` on the pooled
demo panel (test-time check only; pymcdm is not a dependency of the package)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spatialccd.datasets import demo_indicators, load_demo
from spatialccd.evaluation import UserWeights, grey_relational, topsis
from spatialccd.exceptions import DataError, SpatialCCDError
from spatialccd.panel import PanelData


def _tiny():
    df = pd.DataFrame({"unit": list("ABCABC"), "year": [1, 1, 1, 2, 2, 2],
                       "good": [1.0, 3, 5, 2, 4, 5], "bad": [10.0, 6, 2, 8, 6, 4]})
    system = {"S": {"good": "+", "bad": "-"}}
    return df, system


def test_hand_worked_pooled_topsis():
    df, system = _tiny()
    r = topsis(df, system, unit="unit", weighting=UserWeights({"good": 0.75, "bad": 0.25}))
    # pooled range standardisation: good (x-1)/4, bad (10-x)/8; v = w·x'; V+ = (0.75, 0.25), V- = 0
    C2 = (0.75, 0.25 * 6 / 8)  # unit C, year 2: good 5 -> 1, bad 4 -> 0.75
    assert r.scores.loc[(1, "A"), "S"] == pytest.approx(0.0)  # good 1 -> 0, bad 10 -> 0: the negative ideal
    dp = math.hypot(C2[0] - 0.75, C2[1] - 0.25)
    dm = math.hypot(*C2)
    assert r.scores.loc[(2, "C"), "S"] == pytest.approx(dm / (dp + dm), rel=1e-14)
    assert r.d_plus.loc[(1, "A"), "S"] == pytest.approx(math.hypot(0.75, 0.25))
    assert r.ideal.loc["good"].tolist() == pytest.approx([0.75, 0.0])
    # per-year ideals differ: year 2's worst unit scores 0 there but not in the pooled version
    per = topsis(df, system, unit="unit", weighting=UserWeights({"good": 0.75, "bad": 0.25}), per_year=True)
    assert per.scores.loc[(2, "A"), "S"] == pytest.approx(0.0)
    assert r.scores.loc[(2, "A"), "S"] > 0.1


@pytest.mark.filterwarnings("ignore:Alternatives with indices:UserWarning")
def test_entropy_topsis_equals_pymcdm_on_pooled_panel():
    pymcdm = pytest.importorskip("pymcdm")
    from pymcdm import normalizations

    df, system = load_demo(), demo_indicators()
    r = topsis(df, system)
    ev = r.evaluation
    raw = PanelData(df).frame_
    for sub in r.scores.columns:
        cols = [c for c in ev.standardised.columns if ev.system.groups[c] == sub]
        types = np.array([ev.system.directions[c] for c in cols])
        w = ev.weights.loc[cols, "weight"].to_numpy()
        ref = pymcdm.methods.TOPSIS(normalizations.minmax_normalization)(raw[cols].to_numpy(float), w, types)
        assert np.allclose(r.scores[sub].to_numpy(), ref, rtol=1e-12, atol=1e-14)
    assert ((r.scores >= 0) & (r.scores <= 1)).all().all()
    assert "TOPSIS" in str(r) and list(r.to_frame().columns)[:2] == list(r.scores.columns)


def test_hand_worked_grey_relational_degree():
    idx = pd.Index([2020, 2021, 2022], name="year")
    ref = pd.Series([1.0, 2.0, 3.0], index=idx, name="D")
    f = pd.DataFrame({"x1": [2.0, 4.0, 6.0], "x2": [3.0, 1.0, 2.0]}, index=idx)
    r = grey_relational(ref, f, standardise="mean")
    # mean-standardised: D (0.5, 1, 1.5); x1 (0.5, 1, 1.5) -> Δ 0; x2 (1.5, 0.5, 1) -> Δ (1, 0.5, 0.5)
    lo, hi, rho = 0.0, 1.0, 0.5
    xi2 = [(lo + rho * hi) / (d + rho * hi) for d in (1.0, 0.5, 0.5)]
    assert r.degrees.loc["x1", "degree"] == pytest.approx(1.0)
    assert r.degrees.loc["x2", "degree"] == pytest.approx(np.mean(xi2))
    assert r.degrees["rank"].tolist() == [1, 2]
    init = grey_relational(ref, f, standardise="initial")  # x1/2 and D coincide too
    assert init.degrees.loc["x1", "degree"] == pytest.approx(1.0)
    w = grey_relational(ref, f, weights={2020: 0.5, 2021: 0.25, 2022: 0.25})
    assert w.degrees.loc["x2", "degree"] == pytest.approx(0.5 * xi2[0] + 0.25 * xi2[1] + 0.25 * xi2[2])
    with pytest.raises(SpatialCCDError, match="rho"):
        grey_relational(ref, f, rho=0)
    with pytest.raises(DataError, match="same index"):
        grey_relational(ref.iloc[:2], f)
    with pytest.raises(SpatialCCDError, match="standardise"):
        grey_relational(ref, f, standardise="zscore")


def test_topsis_figures():
    from spatialccd.plots.topsis import closeness_trends, grey_relational_bars

    df, system = _tiny()
    fig = closeness_trends(topsis(df, system, unit="unit"), lang="en")
    assert len(fig.axes[0].lines) == 1
    idx = pd.RangeIndex(3)
    g = grey_relational(pd.Series([1.0, 2, 3], index=idx), pd.DataFrame({"a": [1.0, 2, 4], "b": [3.0, 1, 2]}))
    assert len(grey_relational_bars(g, lang="en").axes[0].patches) == 2
