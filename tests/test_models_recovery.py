"""Simulation recovery (issue 6): data from a two-way FE SDM with known ρ, β, θ, σ²
(spatialccd.models.simulate.simulate_sdm) on the 31-province contiguity (Hainan linked to
Guangdong) and on a 15×15 lattice.  Seeds are fixed, so the numbers are deterministic.

Theory (Lee & Yu 2010): with two-way effects the direct ML estimator of σ² is biased by
the factor (N−1)(T−1)/(NT) and ρ is biased for small T; both corrections remove most of it.
"""
import numpy as np
import pytest

import spatialccd as sc
from spatialccd.models.simulate import simulate_sdm

TRUTH = dict(rho=0.4, beta=[1.0, -0.5], theta=[0.5, 0.3], sigma=1.0)
TRUE_VEC = np.array([1.0, -0.5, 0.5, 0.3, 0.4, 1.0])  # x1, x2, W_x1, W_x2, rho, σ²


def replicate(g, T, reps, corrections=(None, "lee-yu", "elhorst")):
    out = {c: [] for c in corrections}
    for rep in range(reps):
        df = simulate_sdm(g.sparse, T, seed=1000 + rep, unit_ids=list(g.unique_ids), **TRUTH)
        for c in corrections:
            f = sc.sdm(df, "y ~ x1 + x2", g, unit="unit", bias_correction=c)
            out[c].append(np.r_[f.params.to_numpy(), f.sigma2])
    return {c: np.mean(v, axis=0) for c, v in out.items()}


@pytest.fixture(scope="module")
def provinces_short():
    return replicate(sc.weights.contiguity(), T=5, reps=100)


def test_recovery_on_provinces_long_panel():
    means = replicate(sc.weights.contiguity(), T=15, reps=60, corrections=("lee-yu",))["lee-yu"]
    np.testing.assert_allclose(means, TRUE_VEC, atol=0.04)


def test_corrections_reduce_small_T_bias(provinces_short):
    plain, ly, el = (provinces_short[c] for c in (None, "lee-yu", "elhorst"))
    # σ² of the direct approach is biased by ≈ (N−1)(T−1)/(NT) = 30·4/155
    assert plain[5] == pytest.approx(30 * 4 / 155, abs=0.04)
    for corrected in (ly, el):
        assert abs(corrected[5] - 1) < abs(plain[5] - 1) / 3
        assert abs(corrected[4] - 0.4) < abs(plain[4] - 0.4) / 2  # ρ
    np.testing.assert_allclose(ly[:4], TRUE_VEC[:4], atol=0.06)


def test_recovery_on_lattice():
    from libpysal.graph import Graph
    from libpysal.weights import lat2W

    g = sc.weights.from_matrix(Graph.from_W(lat2W(15, 15, rook=True)).sparse, [f"c{i:03d}" for i in range(225)])
    means = replicate(g, T=5, reps=30, corrections=("lee-yu",))["lee-yu"]
    np.testing.assert_allclose(means, TRUE_VEC, atol=0.03)
