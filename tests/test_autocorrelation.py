"""Global and local spatial autocorrelation (issue 4).

References: spdep 1.2-7 via ../shared/reference (columbus_moran_geary.json,
columbus_ols_lmtests.json); esda (Getis–Ord G, Moran_Local); closed forms (lattice
patterns, exhaustive enumeration of permutation moments of local I).
"""
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spatialccd as sc
from spatialccd import autocorrelation as ac
from spatialccd.weights import IslandWarning, from_matrix

from conftest import load_reference, rook_lattice

# --------------------------------------------------------------------------- fixtures
# spdep's col.gal.nb has 230 links; libpysal's columbus.gal has 236 (= queen contiguity
# of columbus.shp).  Dropping the three pairs below reproduces spdep's Moran's I of
# CRIME, HOVAL and INC and both variances to machine precision (found by matching all
# 3-pair deletions; no other deletion matches).
SPDEP_MISSING_PAIRS = [("5", "16"), ("25", "30"), ("31", "39")]


@pytest.fixture(scope="module")
def columbus():
    libpysal = pytest.importorskip("libpysal")
    db = libpysal.io.open(libpysal.examples.get_path("columbus.dbf"))
    df = pd.DataFrame({c: db.by_col(c) for c in ["POLYID", "CRIME", "HOVAL", "INC"]})
    df.index = df.pop("POLYID").astype(str)
    gal = libpysal.io.open(libpysal.examples.get_path("columbus.gal")).read()
    ids = [str(i) for i in gal.id_order]
    a = gal.sparse.toarray()
    for u, v in SPDEP_MISSING_PAIRS:
        i, j = ids.index(u), ids.index(v)
        a[i, j] = a[j, i] = 0
    assert (a > 0).sum() == 230
    return df.loc[ids], a, ids


@pytest.fixture(scope="module")
def col_w(columbus):
    _, a, ids = columbus
    return from_matrix(a, ids)  # row-standardised = nb2listw(style="W")


@pytest.fixture(scope="module")
def province_panel():
    """31 provinces × 3 years; values trend with latitude (positive autocorrelation)."""
    lat = sc.weights.centroids()["lat"]
    rng = np.random.default_rng(7)
    rows = []
    for year in (2012, 2017, 2023):
        v = 0.2 + 0.01 * lat.to_numpy() + 0.05 * rng.standard_normal(len(lat)) + 0.01 * (year - 2012)
        rows.append(pd.DataFrame({"province": sc.provinces().loc[lat.index, "short_zh"].to_numpy(),
                                  "year": year, "D": v}))
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------- spdep references
@pytest.mark.parametrize("var", ["CRIME", "HOVAL", "INC"])
def test_moran_matches_spdep_moran_test(columbus, col_w, var):
    ref = load_reference("columbus_moran_geary.json")["moran"][var]
    res = ac.moran(columbus[0][var], col_w, permutations=0).to_frame().iloc[0]
    for kind, name in (("norm", "normality"), ("rand", "randomisation")):
        r = ref[name]
        assert res["I"] == pytest.approx(r["I"], rel=1e-10)
        assert res["E_I"] == pytest.approx(r["expectation"], rel=1e-12)
        assert res[f"var_{kind}"] == pytest.approx(r["variance"], rel=1e-9)
        assert res[f"z_{kind}"] == pytest.approx(r["z"], rel=1e-9)
        assert res[f"p_{kind}_greater"] == pytest.approx(r["p_value_greater"], rel=1e-7)
        assert res[f"p_{kind}_two_sided"] == pytest.approx(r["p_value_two_sided"], rel=1e-7)
        assert res[f"p_{kind}_less"] == pytest.approx(1 - r["p_value_greater"], rel=1e-9)
    assert "p_perm_greater" not in res


def test_moran_permutation_matches_moran_mc(columbus, col_w):
    ref = load_reference("columbus_moran_geary.json")["moran_mc_CRIME"]
    res = ac.moran(columbus[0]["CRIME"], col_w, permutations=ref["nsim"], seed=12345).to_frame().iloc[0]
    assert res["I"] == pytest.approx(ref["I"], rel=1e-10)
    # spdep: observed ranks above all 999 simulations → p = 1/1000.  Under H0 the
    # simulated I has sd ≈ 0.095, so I = 0.486 is > 5 sd out: any seed gives 1/1000.
    assert res["p_perm_greater"] == pytest.approx(ref["p_value"])
    assert res["p_perm_less"] == 1.0
    assert res["p_perm_two_sided"] == pytest.approx(2 * ref["p_value"])


def test_moran_permutation_distribution_is_mc_consistent(columbus, col_w):
    """HOVAL (z ≈ 2.1): pseudo-p within Monte-Carlo error of the randomisation p-value."""
    res = ac.moran(columbus[0]["HOVAL"], col_w, permutations=9999, seed=3).to_frame().iloc[0]
    se = np.sqrt(res["p_rand_greater"] * (1 - res["p_rand_greater"]) / 9999)
    assert abs(res["p_perm_greater"] - res["p_rand_greater"]) < 4 * se + 0.01  # + normal-approx error
    again = ac.moran(columbus[0]["HOVAL"], col_w, permutations=9999, seed=3).to_frame().iloc[0]
    assert again["p_perm_greater"] == res["p_perm_greater"]


def test_geary_matches_spdep_geary_test(columbus, col_w):
    ref = load_reference("columbus_moran_geary.json")["geary_CRIME"]
    res = ac.geary(columbus[0]["CRIME"], col_w, permutations=99, seed=1).to_frame().iloc[0]
    for kind, name in (("norm", "normality"), ("rand", "randomisation")):
        r = ref[name]
        assert res["C"] == pytest.approx(r["C"], rel=1e-10)
        assert res["E_C"] == r["expectation"]
        assert res[f"var_{kind}"] == pytest.approx(r["variance"], rel=1e-9)
        assert res[f"z_{kind}"] == pytest.approx(r["z"], rel=1e-9)  # (E[C] − C)/sd, as spdep
        assert res[f"p_{kind}_greater"] == pytest.approx(r["p_value_greater"], rel=1e-7)
    assert res["p_perm_greater"] == pytest.approx(1 / 100)  # strong positive autocorrelation


def test_moran_of_ols_residuals_matches_lm_morantest(columbus, col_w):
    ref = load_reference("columbus_ols_lmtests.json")["lm_morantest"]
    df = columbus[0]
    res = ac.moran_residuals(df["CRIME"], df[["INC", "HOVAL"]], col_w)
    assert res["I"] == pytest.approx(ref["I"], rel=1e-9)
    assert res["E_I"] == pytest.approx(ref["expectation"], rel=1e-9)
    assert res["var"] == pytest.approx(ref["variance"], rel=1e-9)
    assert res["z"] == pytest.approx(ref["z"], rel=1e-9)
    assert res["p_greater"] == pytest.approx(ref["p_value_greater"], rel=1e-7)


def test_getis_ord_matches_esda(columbus):
    esda = pytest.importorskip("esda")
    _, a, ids = columbus
    g = from_matrix(a, ids, transform="o")  # binary, the weights of Getis & Ord (1992)
    y = columbus[0]["CRIME"]
    ours = ac.getis_ord(y, g, permutations=0).to_frame().iloc[0]
    theirs = esda.G(y.to_numpy(), g.to_W(), permutations=0)
    assert ours["G"] == pytest.approx(theirs.G, rel=1e-12)
    assert ours["E_G"] == pytest.approx(theirs.EG, rel=1e-12)
    assert ours["var_rand"] == pytest.approx(theirs.VG, rel=1e-10)
    assert ours["z_rand"] == pytest.approx(theirs.z_norm, rel=1e-10)
    assert "var_norm" not in ours
    with pytest.raises(ValueError, match="non-negative"):
        ac.getis_ord(y - y.mean(), g).to_frame().iloc[0]


# --------------------------------------------------------------------------- closed forms
def test_checkerboard_lattice_moran_is_minus_one():
    """Every neighbour pair has opposite signs: z'Wz = −S0, z'z = n → I = −1 exactly."""
    a = rook_lattice(6, 6)
    x = np.indices((6, 6)).sum(axis=0).ravel() % 2 * 2.0 - 1
    for transform in ("r", "o"):
        g = from_matrix(a, [f"c{i}" for i in range(36)], transform=transform)
        res = ac.moran(x, g, permutations=199, seed=0).to_frame().iloc[0]
        assert res["I"] == pytest.approx(-1.0, abs=1e-12)
        assert res["p_perm_less"] == pytest.approx(1 / 200)
        assert res["z_norm"] < -5
    # Geary: every pair differs by 2 → Σ w (x_i − x_j)² = 4 S0, Σ z² = n → C = 2(n − 1)/n
    assert ac.geary(x, g, permutations=0).to_frame().iloc[0]["C"] == pytest.approx(2 * 35 / 36)


def test_two_halves_lattice_moran_closed_form():
    """Left half −1, right half +1 on a k×k rook lattice, binary W: I = (k − 2)/(k − 1)."""
    k = 8
    x = np.where(np.indices((k, k))[1].ravel() < k // 2, -1.0, 1.0)
    g = from_matrix(rook_lattice(k, k), range(k * k), transform="o")
    assert ac.moran(x, g, permutations=0).to_frame().iloc[0]["I"] == pytest.approx((k - 2) / (k - 1), abs=1e-12)


@pytest.fixture(scope="module")
def small_graph():
    """Seven units, asymmetric unequal weights (row-standardised), no isolates."""
    a = np.array([[0, 1, 2, 0, 0, 0, 1],
                  [1, 0, 1, 3, 0, 0, 0],
                  [2, 1, 0, 1, 1, 0, 0],
                  [0, 3, 1, 0, 1, 1, 0],
                  [0, 0, 1, 1, 0, 2, 1],
                  [0, 0, 0, 1, 2, 0, 1],
                  [1, 0, 0, 0, 1, 1, 0]], float)
    a[0, 1] = 4  # break symmetry
    x = np.array([3.0, -1.0, 2.5, 7.0, 0.5, 4.0, -2.0])
    return x, a


@pytest.mark.parametrize("moments", ["total", "conditional"])
def test_local_moran_moments_equal_exhaustive_enumeration(small_graph, moments):
    """E[I_i], Var[I_i] equal the exact mean and variance over all permutations:
    all n! of x (total randomisation) or, x_i held fixed, all (n − 1)! of the others."""
    x, a = small_graph
    n = x.size
    g = from_matrix(a, range(n))
    W = g.sparse.toarray()
    res = ac.lisa(x, g, inference="analytical", permutations=0, moments=moments)
    z = x - x.mean()
    m2 = (z ** 2).sum() / n  # the n convention: permutation-invariant
    if moments == "total":
        perms = np.array(list(itertools.permutations(range(n))))
        zp = z[perms]  # (n!, n)
        local = zp / m2 * (zp @ W.T)
        e, v = local.mean(axis=0), local.var(axis=0)
    else:
        e, v = np.empty(n), np.empty(n)
        for i in range(n):
            others = np.delete(np.arange(n), i)
            zo = z[np.array(list(itertools.permutations(others)))]  # values placed on the others
            local = z[i] / m2 * (zo @ np.delete(W[i], i))
            e[i], v[i] = local.mean(), local.var()
    np.testing.assert_allclose(res["E_I"], e, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(res["var_I"], v, rtol=1e-10)
    np.testing.assert_allclose(res["z_I"], (res["I"] - e) / np.sqrt(v), rtol=1e-9)
    np.testing.assert_allclose(res["p_norm_two_sided"], 2 * stats.norm.sf(np.abs(res["z_I"])))


@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_lisa_agrees_with_esda_and_global_moran(columbus, col_w):
    """esda's moments (EI, VI total; EIc, VIc conditional) use m2 = Σz²/n like spdep and
    us, but its ``Is`` divides by n − 1: Is = I_i · (n − 1)/n."""
    esda = pytest.importorskip("esda")
    y = columbus[0]["CRIME"]
    n = len(y)
    ours = ac.lisa(y, col_w, permutations=9999, seed=11)
    total = ac.lisa(y, col_w, permutations=0, inference="analytical", moments="total")
    theirs = esda.Moran_Local(y.to_numpy(), col_w.to_W(), permutations=9999, seed=11)
    np.testing.assert_allclose(ours["I"] * (n - 1) / n, theirs.Is, rtol=1e-10)
    np.testing.assert_allclose(ours["E_I"], theirs.EIc, rtol=1e-10)
    np.testing.assert_allclose(ours["var_I"], theirs.VIc, rtol=1e-10)
    np.testing.assert_allclose(total["E_I"], theirs.EI, rtol=1e-10)
    np.testing.assert_allclose(total["var_I"], theirs.VI, rtol=1e-10)
    quad = pd.Series(theirs.q).map(dict(enumerate(ac.QUADRANTS, start=1)))
    assert list(ours["quadrant"].astype(str)) == list(quad)
    assert ours["I"].sum() == pytest.approx(ac.moran(y, col_w, permutations=0).to_frame().iloc[0]["I"] * col_w.sparse.sum())
    # pseudo p-values from independent draws agree within Monte-Carlo error
    se = np.sqrt(theirs.p_sim * (1 - theirs.p_sim) / 9999)
    assert np.all(np.abs(ours["p_sim"] - theirs.p_sim) < 5 * se + 2e-3)
    again = ac.lisa(y, col_w, permutations=9999, seed=11)
    pd.testing.assert_frame_equal(ours, again)


def test_lisa_cluster_labels_follow_quadrant_and_alpha(columbus, col_w):
    res = ac.lisa(columbus[0]["CRIME"], col_w, permutations=999, seed=2, alpha=0.05)
    sig = res["p_adjusted"] < 0.05
    assert (res.loc[sig, "cluster"].astype(str) == res.loc[sig, "quadrant"].astype(str)).all()
    assert (res.loc[~sig, "cluster"] == "not significant").all()
    assert list(res["cluster"].cat.categories) == list(ac.CLUSTERS)
    assert {"HH", "LL"} <= set(res.loc[sig, "cluster"].astype(str))
    assert (res["p_adjusted"] == res["p_sim"]).all()
    hh = res["quadrant"] == "HH"
    assert ((res.loc[hh, "z"] > 0) & (res.loc[hh, "lag_z"] > 0)).all()


def test_fdr_and_bonferroni(columbus, col_w):
    y = columbus[0]["CRIME"]
    raw = ac.lisa(y, col_w, permutations=999, seed=4)
    fdr = ac.lisa(y, col_w, permutations=999, seed=4, adjust="fdr")
    bon = ac.lisa(y, col_w, permutations=999, seed=4, adjust="bonferroni")
    p = raw["p_sim"].to_numpy()
    # Benjamini–Hochberg by hand: q_(k) = min_{j ≥ k} m p_(j) / j
    order = np.argsort(p)
    q_sorted = np.minimum.accumulate((p[order] * len(p) / np.arange(1, len(p) + 1))[::-1])[::-1]
    q = np.empty_like(p)
    q[order] = np.minimum(q_sorted, 1)
    np.testing.assert_allclose(fdr["p_adjusted"], q)
    np.testing.assert_allclose(bon["p_adjusted"], np.minimum(1, 49 * p))
    n_sig = [(f["cluster"].isin(ac.QUADRANTS)).sum() for f in (raw, fdr, bon)]
    assert n_sig[0] >= n_sig[1] >= n_sig[2]
    assert n_sig[0] > n_sig[2]


def test_hainan_isolated_is_never_significant():
    """With island-keeping contiguity Hainan has no neighbour: label it 'isolated'.

    (esda's Moran_Local gives such a unit I = 0 and every simulated I = 0, and folds
    the ties into p = 1/(P + 1): a 'significant Low-Low' island.)"""
    with pytest.warns(IslandWarning, match="46"):
        w = sc.weights.contiguity(islands="keep")
    lat = sc.weights.centroids()["lat"]
    values = pd.Series(lat.to_numpy(), index=sc.provinces().loc[lat.index, "name_en"])  # Hainan lowest
    for adjust in (None, "fdr", "bonferroni"):
        for inference, perms in (("permutation", 999), ("analytical", 0)):
            res = ac.lisa(values, w, permutations=perms, seed=1, adjust=adjust, inference=inference)
            hainan = res.loc["46"]
            assert hainan["cluster"] == "isolated"
            assert pd.isna(hainan["quadrant"])
            assert np.isnan(hainan["p_adjusted"]) and np.isnan(hainan["p_sim"])
            assert hainan["n_neighbours"] == 0 and hainan["I"] == 0
            assert (res["cluster"] == "isolated").sum() == 1
    bon = ac.lisa(values, w, permutations=999, seed=1, adjust="bonferroni")
    ok = bon.index != "46"
    np.testing.assert_allclose(bon.loc[ok, "p_adjusted"], np.minimum(1, 30 * bon.loc[ok, "p_sim"]))
    assert (bon.loc[ok, "cluster"] != "isolated").all()


def test_lisa_value_at_mean_is_not_significant():
    """A value exactly at the mean has I_i = 0 = every simulated I_i: p = 1, not 1/(P+1)."""
    a = rook_lattice(4, 4)
    x = np.arange(16.0)
    x[5] = (x.sum() - x[5]) / 15  # the mean of the others, hence of all
    res = ac.lisa(x, from_matrix(a, range(16)), permutations=499, seed=0)
    assert res["p_sim"].iloc[5] == 1.0
    assert res["cluster"].iloc[5] == "not significant"


# --------------------------------------------------------------------------- panels
def test_moran_by_year_rows_and_reproducibility(province_panel):
    w = sc.weights.contiguity()
    before = province_panel.copy()
    out = ac.moran_by_year(province_panel, "D", w, permutations=199, seed=5)
    pd.testing.assert_frame_equal(province_panel, before)  # user data untouched
    assert list(out.index) == [2012, 2017, 2023]
    for col in ("I", "E_I", "z_norm", "z_rand", "p_norm_two_sided", "p_rand_greater", "p_perm_less"):
        assert col in out.columns
    assert (out["I"] > 0.3).all() and (out["p_perm_greater"] <= 0.01).all()
    again = ac.moran_by_year(province_panel, "D", w, permutations=199, seed=5)
    pd.testing.assert_frame_equal(out, again)
    one = province_panel[province_panel.year == 2017].set_index("province")["D"]
    cross = ac.moran(one, w, permutations=0).to_frame().iloc[0]
    assert out.loc[2017, "I"] == pytest.approx(cross["I"])
    assert out.loc[2017, "var_rand"] == pytest.approx(cross["var_rand"])
    g = ac.geary_by_year(province_panel, "D", w, permutations=0)
    assert (g["C"] < 1).all() and (g["z_rand"] > 0).all()
    go = ac.getis_ord_by_year(province_panel, "D", sc.weights.contiguity(transform="b"), permutations=0)
    assert list(go.index) == [2012, 2017, 2023] and go["E_G"].nunique() == 1


def test_lisa_by_year_matches_cross_sections(province_panel):
    w = sc.weights.contiguity()
    out = ac.lisa_by_year(province_panel, "D", w, permutations=0, inference="analytical")
    assert out.index.names == ["year", "province"] and len(out) == 93
    one = province_panel[province_panel.year == 2023].set_index("province")["D"]
    pd.testing.assert_frame_equal(out.loc[2023], ac.lisa(one, w, permutations=0, inference="analytical"),
                                  check_names=False)
    perm = ac.lisa_by_year(province_panel, "D", w, permutations=99, seed=9)
    pd.testing.assert_frame_equal(perm, ac.lisa_by_year(province_panel, "D", w, permutations=99, seed=9))


# --------------------------------------------------------------------------- bad input
def test_missing_values_name_the_cells(province_panel):
    df = province_panel.copy()
    df.loc[(df.province == "湖北") & (df.year == 2017), "D"] = np.nan
    with pytest.raises(ValueError, match=r"\('42', 2017"):
        ac.moran_by_year(df, "D", sc.weights.contiguity())
    s = province_panel[province_panel.year == 2012].set_index("province")["D"].copy()
    s.iloc[3] = np.nan
    with pytest.raises(ValueError, match="missing or non-finite values for unit"):
        ac.lisa(s, sc.weights.contiguity())


def test_constant_variable_is_an_error(province_panel):
    df = province_panel.assign(D=np.where(province_panel.year == 2023, 0.5, province_panel.D))
    with pytest.raises(ValueError, match="'D' in 2023: the variable is constant"):
        ac.moran_by_year(df, "D", sc.weights.contiguity(), permutations=0)
    with pytest.raises(ValueError, match="constant"):
        ac.lisa(pd.Series(1.0, index=sc.provinces().index), sc.weights.contiguity())


def test_mismatched_weight_ids_are_listed(province_panel):
    w = sc.weights.subset(sc.weights.contiguity(), [c for c in sc.provinces().index if c not in ("54", "65")])
    with pytest.raises(ValueError, match=r"missing from weights \['54', '65'\]"):
        ac.moran_by_year(province_panel, "D", w)
    s = province_panel[province_panel.year == 2012].set_index("province")["D"]
    with pytest.raises(ValueError, match=r"missing from weights \['54', '65'\]"):
        ac.lisa(s, w)


def test_year_with_fewer_than_three_units(province_panel):
    df = pd.concat([province_panel, pd.DataFrame({"province": ["北京", "天津"], "year": 2030, "D": [0.1, 0.2]})])
    with pytest.raises(ValueError, match=r"fewer than 3 units.*\{2030: 2\}"):
        ac.moran_by_year(df, "D", sc.weights.contiguity())
    g = from_matrix(np.array([[0, 1.0], [1.0, 0]]), ["a", "b"])
    with pytest.raises(ValueError, match="at least 3"):
        ac.moran(np.array([1.0, 2.0]), g).to_frame().iloc[0]


def test_bad_options(columbus, col_w):
    y = columbus[0]["CRIME"]
    with pytest.raises(ValueError, match="adjust must be"):
        ac.lisa(y, col_w, adjust="holm")
    with pytest.raises(ValueError, match="needs permutations > 0"):
        ac.lisa(y, col_w, permutations=0)
    with pytest.raises(ValueError, match="permutations must be"):
        ac.moran(y, col_w, permutations=-1).to_frame().iloc[0]
    with pytest.raises(TypeError, match="libpysal.graph.Graph"):
        ac.moran(y, col_w.sparse).to_frame().iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ac.lisa(y, col_w, permutations=9)  # no runtime warnings on regular input


def _loop_pseudo_p(zs, W, local, P, rng):
    """Reference: conditional-permutation pseudo-p by an explicit loop over units, same draws."""
    n = zs.size
    card = np.diff(W.indptr)
    p = np.full(n, np.nan)
    draws = ac._floyd_draws(n - 1, int(card.max()), P, rng)
    for i in np.flatnonzero(card):
        lo, hi = W.indptr[i], W.indptr[i + 1]
        idx = draws[:, : hi - lo].copy()
        idx[idx == i] = n - 1
        sims = zs[i] * (zs[idx] @ W.data[lo:hi])
        tol = 1e-12 * max(1.0, abs(local[i]))
        p[i] = (1 + min(np.sum(sims >= local[i] - tol), np.sum(sims <= local[i] + tol))) / (P + 1)
    return p


@pytest.mark.parametrize("trial", range(12))
def test_vectorised_permutations_equal_unit_loop(trial, monkeypatch):
    """The vectorised counting (shared sorted lags, blocks, swapped cells) equals a per-unit loop."""
    import scipy.sparse as sp

    monkeypatch.setattr(ac, "_BLOCK_ELEMENTS", 1500)  # force several blocks
    rng0 = np.random.default_rng(trial)
    n = int(rng0.integers(5, 60))
    A = (rng0.random((n, n)) < rng0.uniform(0.1, 0.4)).astype(float)
    np.fill_diagonal(A, 0)
    if trial % 3 == 0:
        A *= rng0.random((n, n))  # unequal weights within rows
    if trial % 3 == 1:
        A = A / np.maximum(A.sum(1, keepdims=True), 1)
    if trial % 4 == 0:
        A[2] = 0  # an isolated unit
    W = sp.csr_matrix(A)
    W.eliminate_zeros()
    x = rng0.integers(0, 4, n).astype(float) if trial % 2 else rng0.standard_normal(n)  # ties when discrete
    z = x - x.mean()
    zs = z / np.sqrt((z ** 2).mean())
    local = zs * (W @ zs)
    P = int(rng0.integers(10, 300))
    a = ac._conditional_pseudo_p(zs, W, local, P, np.random.default_rng(trial))
    b = _loop_pseudo_p(zs, W, local, P, np.random.default_rng(trial))
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(a[~np.isnan(a)], b[~np.isnan(b)])


# --------------------------------------------------------------------------- issue 17: per-year streams
@pytest.fixture(scope="module")
def five_years():
    """31 provinces × 2012–2016, positively autocorrelated."""
    lat = sc.weights.centroids()["lat"]
    rng = np.random.default_rng(21)
    return pd.concat([pd.DataFrame({"province": lat.index, "year": year,
                                    "D": 0.2 + 0.01 * lat.to_numpy() + 0.08 * rng.standard_normal(len(lat))})
                      for year in range(2012, 2017)], ignore_index=True)


@pytest.mark.parametrize("adjust", [None, "fdr"])
def test_lisa_of_a_year_does_not_depend_on_the_other_years(five_years, adjust):
    """The same seed gave different clusters for a year when the study computed 3 years vs all years."""
    w = sc.weights.contiguity()
    full = ac.lisa_by_year(five_years, "D", w, permutations=199, seed=4, adjust=adjust)
    three = ac.lisa_by_year(five_years[five_years.year.isin([2013, 2015, 2016])], "D", w, permutations=199, seed=4,
                            adjust=adjust)
    pd.testing.assert_frame_equal(three, full.loc[[2013, 2015, 2016]])
    assert not full.loc[2013, "p_sim"].equals(full.loc[2015, "p_sim"])  # years still get different streams
    one = ac.moran_by_year(five_years[five_years.year == 2014], "D", w, permutations=99, seed=4)
    pd.testing.assert_frame_equal(one, ac.moran_by_year(five_years, "D", w, permutations=99, seed=4).loc[[2014]])
    gen = ac.lisa_by_year(five_years, "D", w, permutations=99, seed=np.random.default_rng(1))
    pd.testing.assert_frame_equal(gen, ac.lisa_by_year(five_years, "D", w, permutations=99,
                                                       seed=np.random.default_rng(1)))


# --------------------------------------------------------------------------- issue 16: panel Moran's I
def _brute_panel_moran(y, X, W, T, effects):
    """Dense reference: explicit dummies (time-major), M = I − Z Z⁺, A = I_T ⊗ W, Cliff–Ord moments."""
    N = W.shape[0]
    n = N * T
    unit_d = np.kron(np.ones((T, 1)), np.eye(N))
    time_d = np.kron(np.eye(T), np.ones((N, 1)))
    D = {"none": np.ones((n, 1)), "individual": unit_d, "time": time_d,
         "twoways": np.column_stack([unit_d, time_d])}[effects]
    Z = np.column_stack([D, X]) if X.size else D
    M = np.eye(n) - Z @ np.linalg.pinv(Z)
    k = np.linalg.matrix_rank(Z)
    A = np.kron(np.eye(T), W)
    e = M @ y
    s0 = A.sum()
    i = n / s0 * (e @ A @ e) / (e @ e)
    MA = M @ A
    ei = n / s0 * np.trace(MA) / (n - k)
    var = (n / s0) ** 2 * (np.trace(MA @ M @ A.T) + np.trace(MA @ MA) + np.trace(MA) ** 2) / ((n - k) * (n - k + 2)) \
        - ei ** 2
    return i, ei, var


@pytest.fixture(scope="module")
def moran_panel():
    rng = np.random.default_rng(5)
    w = sc.weights.contiguity()
    ids = list(w.unique_ids)
    N, T = len(ids), 4
    Wd = np.asarray(sc.weights.to_sparse(w, ids).todense())
    x1, x2 = rng.normal(size=(T, N)), rng.normal(size=(T, N))
    mu, tau = rng.normal(size=N), rng.normal(size=T)
    y = np.empty((T, N))
    for t in range(T):  # a spatial-lag process so that the residuals are autocorrelated
        y[t] = np.linalg.solve(np.eye(N) - 0.5 * Wd, 1 + mu + tau[t] + 0.8 * x1[t] - 0.5 * x2[t]
                               + rng.normal(size=N))
    frame = pd.DataFrame({"province": np.tile(ids, T), "year": np.repeat(np.arange(2015, 2015 + T), N),
                          "y": y.ravel(), "x1": x1.ravel(), "x2": x2.ravel()})
    return frame, w, Wd, T


@pytest.mark.parametrize("effects", ["none", "individual", "time", "twoways"])
@pytest.mark.parametrize("regressors", [None, ["x1", "x2"]])
def test_panel_moran_equals_brute_force_kronecker(moran_panel, effects, regressors):
    frame, w, Wd, T = moran_panel
    res = ac.panel_moran(frame, "y", w, effects=effects, regressors=regressors)
    X = frame[regressors].to_numpy() if regressors else np.empty((len(frame), 0))
    i, ei, var = _brute_panel_moran(frame["y"].to_numpy(), X, Wd, T, effects)
    assert res.I == pytest.approx(i, rel=1e-10)
    assert res.E_I == pytest.approx(ei, rel=1e-9, abs=1e-12)
    assert res.var_I == pytest.approx(var, rel=1e-9)
    assert res.stat == pytest.approx((i - ei) / np.sqrt(var), rel=1e-9)
    assert res.dist == "normal" and res.pvalue == pytest.approx(2 * stats.norm.sf(abs(res.stat)))
    assert isinstance(res, sc.hypotheses.TestStatistic) and res.rejects(0.01)  # a true spatial lag process
    assert "Moran's I:" in str(res)


def test_panel_moran_one_period_equals_cross_section(moran_panel, columbus, col_w):
    frame, w, _, _ = moran_panel
    one = frame[frame.year == 2015]
    cross = ac.moran(one.set_index("province")["y"], w, permutations=0).to_frame().iloc[0]
    res = ac.panel_moran(one, "y", w)
    assert res.I == pytest.approx(cross["I"], rel=1e-12) and res.E_I == pytest.approx(cross["E_I"], rel=1e-12)
    assert res.var_I == pytest.approx(cross["var_norm"], rel=1e-10)
    assert res.stat == pytest.approx(cross["z_norm"], rel=1e-10)
    # residual form, one period: lm.morantest (spdep reference via moran_residuals on Columbus)
    df = columbus[0].assign(year=2000).rename_axis("polyid").reset_index()
    resid = ac.panel_moran(df, "CRIME", col_w, unit="polyid", regressors=["INC", "HOVAL"])
    ref = ac.moran_residuals(columbus[0]["CRIME"], columbus[0][["INC", "HOVAL"]], col_w)
    for ours, theirs in ((resid.I, ref["I"]), (resid.E_I, ref["E_I"]), (resid.var_I, ref["var"]), (resid.stat, ref["z"])):
        assert ours == pytest.approx(theirs, rel=1e-10)
    # the pooled variable with effects="none": E[I] = −1/(NT − 1)
    pooled = ac.panel_moran(frame, "y", w)
    assert pooled.E_I == pytest.approx(-1 / (len(frame) - 1))


def test_panel_moran_bad_input(moran_panel):
    frame, w, _, _ = moran_panel
    with pytest.raises(ValueError, match=r"regressor\(s\) \['c'\] are absorbed by the individual effects"):
        ac.panel_moran(frame.assign(c=frame["province"].map(dict(zip(frame.province.unique(), range(31))))),
                       "y", w, effects="individual", regressors=["x1", "c"])
    with pytest.raises(ValueError, match="effects must be one of"):
        ac.panel_moran(frame, "y", w, effects="unit")
    with pytest.raises(ValueError, match="unbalanced panel"):
        ac.panel_moran(frame.iloc[1:], "y", w)


def test_global_statistic_is_a_result_object(columbus, col_w):
    """Issue 14: moran() returns a result with TestStatistic tests, not a 17-key Series."""
    res = ac.moran(columbus[0]["CRIME"], col_w, permutations=99, seed=1)
    row = res.to_frame().iloc[0]
    assert res.statistic == "I" and res.value == row["I"] and res.expected == row["E_I"] and res.n == 49
    assert set(res.tests) == {"normality", "randomisation", "permutation"}
    rand = res.tests["randomisation"]
    assert rand.stat == row["z_rand"] and rand.pvalue == row["p_rand_two_sided"] and rand.dist == "normal"
    assert res.tests["permutation"].pvalue == row["p_perm_two_sided"]
    assert "Global Moran's I" in str(res) and "<table" in res._repr_html_()
    assert set(ac.getis_ord(columbus[0]["CRIME"], col_w, permutations=0).tests) == {"randomisation"}
    with pytest.warns(sc.exceptions.SpatialCCDDeprecationWarning, match="was a DataFrame in 0.1"):
        assert res["I"] == res.value   # the 0.1 Series interface, for one release
