"""Weights builders (issue 3): row sums, symmetry, island policies, subsets."""
import warnings

import numpy as np
import pandas as pd
import pytest

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
    with pytest.raises(ValueError, match="leaves units without neighbours"):
        W.distance(threshold=300)


def test_economic_and_nested():
    x = pd.Series(np.arange(1.0, 32.0), index=sc.provinces().name_en)
    e = W.economic(x, transform=None)
    assert list(e.unique_ids)[0] == "11"
    assert np.isclose(e.sparse.toarray()[0, 1], 1.0)
    assert np.isclose(e.sparse.toarray()[0, 2], 0.5)
    nst = W.nested(W.contiguity(), W.economic(x))
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
