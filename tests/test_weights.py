"""Weights builders (issue 3): row sums, symmetry, island policies, subsets."""
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import spatialccd as sc
from spatialccd import weights as W
from spatialccd.weights import IslandWarning


def rowsums(g):
    return np.asarray(g.sparse.sum(axis=1)).ravel()


def test_contiguity_default_links_hainan_to_guangdong():
    g = W.contiguity()
    assert len(g.isolates) == 0
    assert list(g["46"].index) == ["44"]
    assert "46" in g["44"].index
    assert np.allclose(rowsums(g), 1.0)
    assert list(g.unique_ids) == list(sc.provinces().index)


def test_contiguity_binary_symmetric():
    g = W.contiguity(transform="b")
    m = g.sparse.toarray()
    assert np.array_equal(m, m.T)
    assert m.sum() == 2 * 69  # 68 land pairs + Hainan–Guangdong


def test_keep_island_warns_and_zero_row():
    with pytest.warns(IslandWarning, match="46"):
        g = W.contiguity(islands="keep")
    assert list(g.isolates) == ["46"]
    s = rowsums(g)
    assert s[list(g.unique_ids).index("46")] == 0 and np.allclose(np.delete(s, 20), 1)


def test_user_island_links():
    g = W.contiguity(islands={"46": ["44", "45"]}, transform="b")
    assert set(g["46"].index) == {"44", "45"}
    with pytest.raises(ValueError, match="unknown id '99'"):
        W.contiguity(islands={"46": ["99"]})
    with pytest.raises(ValueError, match="islands must be"):
        W.contiguity(islands="drop")


def test_knn():
    g = W.knn(k=4, transform="b")
    assert (g.cardinalities == 4).all()
    with pytest.raises(ValueError, match="k must be"):
        W.knn(k=31)


def test_distance_inverse_great_circle():
    g = W.distance(transform=None)
    c = W.centroids()
    d = W.great_circle_km(c)
    m = g.sparse.toarray()
    assert np.allclose(m[0, 1], 1 / d[0, 1])
    assert np.allclose(m, m.T)
    # Beijing–Tianjin centroids are roughly 100–150 km apart
    assert 80 < d[0, 1] < 160
    r = W.distance(power=2)
    assert np.allclose(rowsums(r), 1)
    with pytest.raises(ValueError, match="threshold must be positive"):
        W.distance(threshold=0)


def test_economic_and_nested():
    x = pd.Series(np.arange(1.0, 32.0), index=sc.provinces().name_en)
    e = W.economic(x, transform=None)
    assert list(e.unique_ids)[0] == "11"
    assert np.isclose(e.sparse.toarray()[0, 1], 1.0)
    assert np.isclose(e.sparse.toarray()[0, 2], 0.5)
    nst = W.nested(W.contiguity(), W.economic(x), method="product")
    assert np.allclose(rowsums(nst), 1)
    assert set(nst["15"].index) == set(W.contiguity()["15"].index)
    with pytest.raises(ValueError, match="equal values"):
        W.economic(pd.Series([1.0, 1.0, 2.0], index=["a", "b", "c"]))


def test_subset_restandardises_and_reports_islands():
    g = W.contiguity()
    east = sc.provinces().query("region3 == 'East'").index
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sub = W.subset(g, east)  # Hainan stays linked to Guangdong inside the East
    assert np.allclose(rowsums(sub), 1)
    with pytest.warns(IslandWarning, match="54"):
        W.subset(g, ["54", "11", "12"])
    with pytest.raises(ValueError, match="not in the graph"):
        W.subset(g, ["11", "99"])


def test_works_on_user_geodataframe():
    import geopandas as gpd
    from shapely.geometry import box

    cells = gpd.GeoDataFrame({"id": list("abcd")}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1),
                                                             box(0, 1, 1, 2), box(5, 5, 6, 6)],
                             crs="EPSG:4326").set_index("id")
    g = W.contiguity(cells, rook=True, transform="b")
    assert set(g["a"].index) == {"b", "c"}
    assert len(g["d"]) == 1  # island linked to its nearest cell
    with pytest.warns(IslandWarning):
        W.contiguity(cells, islands="keep")


def test_to_sparse_alignment_errors():
    g = W.contiguity()
    with pytest.raises(ValueError, match="missing from weights \\['99'\\]"):
        W.to_sparse(g, list(g.unique_ids[:-1]) + ["99"])
    m = W.to_sparse(g, list(reversed(g.unique_ids)))
    assert np.allclose(m.toarray(), g.sparse.toarray()[::-1, ::-1])


# --------------------------------------------------------------------------- issue 16: nested weights, distance bands
def test_nested_convex_combination_brute_force():
    x = pd.Series(np.arange(1.0, 32.0), index=sc.provinces().index)
    geo, econ = W.contiguity(), W.economic(x)
    ids = list(geo.unique_ids)
    for phi in (0.0, 0.3, 0.5, 1.0):
        got = W.to_sparse(W.nested(geo, econ, phi=phi), ids).toarray()
        want = phi * W.to_sparse(geo, ids).toarray() + (1 - phi) * W.to_sparse(econ, ids).toarray()
        want /= want.sum(axis=1, keepdims=True)  # both inputs row-stochastic: the sum already is
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(W.to_sparse(W.nested(geo, econ, phi=1.0), ids).toarray(),
                               W.to_sparse(geo, ids).toarray())
    with pytest.raises(ValueError, match="phi must be a number in \\[0, 1\\]"):
        W.nested(geo, econ, phi=1.5)
    with pytest.raises(ValueError, match="method must be one of 'convex', 'product'"):
        W.nested(geo, econ, method="sum")


def test_distance_band_islands_get_the_policy_not_a_crash():
    d = W.great_circle_km(W.centroids())
    ids = list(sc.provinces().index)
    with pytest.warns(IslandWarning, match=r"threshold=500 km.*'65'"):
        g = W.distance(threshold=500, transform=None)
    m = W.to_sparse(g, ids).toarray()
    assert (m.sum(axis=1) > 0).all() and np.allclose(m, m.T)
    xj, tb = ids.index("65"), ids.index("54")
    assert (d[xj][np.arange(31) != xj] > 500).all()  # Xinjiang has no centroid within 500 km
    j = int(np.argmin(np.where(np.arange(31) == xj, np.inf, d[xj])))
    assert m[xj, j] == pytest.approx(1 / d[xj, j])  # linked to its nearest with the inverse-distance weight
    assert np.count_nonzero(m[tb]) >= 1
    with pytest.warns(IslandWarning, match="kept isolated"):
        kept = W.distance(threshold=500, islands="keep")
    assert {"65", "54"} <= set(kept.isolates)


def test_user_links_apply_without_islands():
    mainland = sc.provinces().drop(index="46")  # no unit without a land neighbour
    g = W.contiguity(mainland, islands={"65": "53"}, transform="b")  # a user link all the same
    assert "53" in g["65"].index and "65" in g["53"].index
    with pytest.warns(IslandWarning, match=r"remain isolated: \['46'\]"):
        g = W.contiguity(islands={"65": "53"}, transform="b")  # a mapping replaces the nearest rule
    assert list(g.isolates) == ["46"]


# --------------------------------------------------------------------------- issue 21 items 5, 8, 13
def test_from_matrix_refuses_negative_and_non_finite_cells():
    m = np.array([[0, 1.0, 0.5], [1.0, 0, -0.2], [0.5, 1.0, 0]])
    with pytest.raises(sc.exceptions.WeightsError, match=r"1 negative cell.*\('b', 'c', -0\.2\)"):
        W.from_matrix(m, list("abc"))
    for bad in (np.nan, np.inf):
        m2 = m.copy()
        m2[1, 2] = bad
        with pytest.raises(sc.exceptions.WeightsError, match=r"non-finite cell.*\('b', 'c', (nan|inf)\)"):
            W.from_matrix(sp.csr_matrix(m2), list("abc"))


def test_from_matrix_does_not_modify_the_callers_matrix():
    m = sp.csr_matrix(np.array([[0, 1.0, 0], [1.0, 0, 1.0], [0, 1.0, 0]]))
    m.data[0] = 0.0  # an explicitly stored zero, as scipy keeps after arithmetic
    before = (m.data.copy(), m.indices.copy(), m.indptr.copy())
    W.from_matrix(m, list("abc"))
    for got, want in zip((m.data, m.indices, m.indptr), before):
        np.testing.assert_array_equal(got, want)
    assert m.nnz == 4


def test_duplicate_ids_are_a_clear_error():
    with pytest.raises(sc.exceptions.WeightsError, match=r"duplicated ids \['a'\]"):
        W.from_matrix(np.array([[0, 1.0], [1.0, 0]]), ["a", "a"])
    gdf = sc.provinces().iloc[:4].copy()
    gdf.index = ["a", "b", "a", "c"]
    for build in (W.contiguity, W.knn, W.distance):
        with pytest.raises(sc.exceptions.WeightsError, match=r"duplicated ids \['a'\]"):
            build(gdf)
    with pytest.raises(sc.exceptions.WeightsError, match=r"data units has duplicated ids"):
        W.to_sparse(W.contiguity(), ["11", "11"])
