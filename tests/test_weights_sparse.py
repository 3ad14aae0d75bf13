"""Sparse weights at county scale (issue 22): distance band, kNN-truncated inverse distance and
economic kNN weights against dense brute-force versions, the refusal of full matrices above
DENSE_LIMIT, and N = 20,000 without an N × N array.

The references are brute-force numpy: the dense great-circle matrix of
``spatialccd.weights.great_circle_km`` (haversine, R = 6371.0088 km), thresholded or argsorted
(stable sort, so ties go by order of the index), and the dense |x_i − x_j| matrix.
"""
import tracemalloc
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd import weights as W
from spatialccd.exceptions import IslandWarning, WeightsError


@pytest.fixture(scope="module")
def cities():
    return sc.geo.cities()


def dense(g, ids):
    return W.to_sparse(g, ids).toarray()


def brute_distance(gdf, *, power=1.0, threshold=None, k=None, k_islands=1):
    """Dense reference: 1/d^power on the band and/or the k nearest, islands linked to their nearest."""
    d = W.great_circle_km(W.centroids(gdf))
    n = len(d)
    off = ~np.eye(n, dtype=bool)
    full = np.zeros((n, n))
    full[off] = 1.0 / d[off] ** power
    keep = off.copy()
    if k is not None:
        order = np.argsort(np.where(off, d, np.inf), axis=1, kind="stable")[:, :k]
        keep = np.zeros((n, n), dtype=bool)
        keep[np.repeat(np.arange(n), k), order.ravel()] = True
    if threshold is not None:
        keep &= d <= threshold
    m = np.where(keep, full, 0.0)
    links = []
    for i in np.flatnonzero(m.sum(axis=1) == 0):
        for j in np.argsort(np.where(off[i], d[i], np.inf), kind="stable")[:k_islands]:
            m[i, j], m[j, i] = full[i, j], full[j, i]
            links.append((gdf.index[i], gdf.index[j]))
    return m, links


def row(m, i):
    """Row i of a CSR matrix as {column: weight}."""
    sl = slice(m.indptr[i], m.indptr[i + 1])
    return dict(zip(m.indices[sl].tolist(), m.data[sl].tolist()))


def assert_row(m, i, cols, weights):
    """Row i of a row-standardised CSR matrix has exactly ``cols``, with ``weights`` / their sum."""
    got = row(m, i)
    assert sorted(got) == sorted(cols.tolist())
    np.testing.assert_allclose([got[j] for j in cols.tolist()], weights / weights.sum(), rtol=1e-10)


def points(lon, lat, prefix="p"):
    return gpd.GeoDataFrame(index=[f"{prefix}{i}" for i in range(len(lon))],
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def china_points(n, seed=0):
    rng = np.random.default_rng(seed)
    return points(rng.uniform(75, 130, n), rng.uniform(20, 50, n))


# --------------------------------------------------------------------------- distance band
@pytest.mark.parametrize("layer, thresholds", [("provinces", (300, 500, 800, 2000)),
                                               ("cities", (60, 120, 250, 500))])
def test_band_equals_dense_brute_force(layer, thresholds, cities):
    gdf = sc.provinces() if layer == "provinces" else cities
    ids = list(gdf.index)
    islands_seen = 0
    for threshold in thresholds:
        for power, k_islands in ((1.0, 1), (2.0, 2)):
            want, links = brute_distance(gdf, power=power, threshold=threshold, k_islands=k_islands)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                g = W.distance(gdf, power=power, threshold=threshold, k_islands=k_islands, transform=None)
            np.testing.assert_allclose(dense(g, ids), want, rtol=1e-12, atol=0)
            islands_seen += bool(links)
            text = [str(w.message) for w in caught if issubclass(w.category, IslandWarning)]
            if links:  # the same warning as the dense builder: every link, in order
                assert text == [f"distance band threshold={threshold} km leaves units without neighbours; linked to "
                                f"the nearest (islands='nearest'): {_dedupe(links)}"]
            else:
                assert text == []
            if not links:
                rs = W.distance(gdf, power=power, threshold=threshold, k_islands=k_islands)
                assert np.allclose(np.asarray(rs.sparse.sum(axis=1)).ravel(), 1.0)
    assert islands_seen >= 2  # the small bands do leave units alone (Xinjiang, Tibet; remote cities)


def _dedupe(links):
    seen = {}
    for a, b in links:
        seen.setdefault(frozenset((a, b)), (a, b))
    return list(seen.values())


def test_band_keep_and_user_links(cities):
    ids = list(cities.index)
    want, links = brute_distance(cities, threshold=60)
    alone = sorted({a for a, _ in links}, key=ids.index)
    with pytest.warns(IslandWarning, match="kept isolated"):
        kept = W.distance(cities, threshold=60, islands="keep", transform=None)
    assert list(kept.isolates) == alone
    # a user link gets the inverse-distance weight in the band and in the kNN form alike
    a, b = alone[0], ids[-1]
    d = W.great_circle_km(W.centroids(cities))
    for kw in ({"threshold": 60}, {"k": 3}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IslandWarning)
            m = dense(W.distance(cities, islands={a: b}, transform=None, **kw), ids)
        i, j = ids.index(a), ids.index(b)
        assert m[i, j] == pytest.approx(1 / d[i, j], rel=1e-12) and m[j, i] == pytest.approx(1 / d[i, j], rel=1e-12)


def test_full_inverse_distance_unchanged_below_the_limit(cities):
    ids = list(cities.index)
    for power in (1.0, 1.5):
        want, _ = brute_distance(cities, power=power)
        np.testing.assert_allclose(dense(W.distance(cities, power=power, transform=None), ids), want, rtol=1e-12)


# --------------------------------------------------------------------------- kNN-truncated inverse distance
def test_knn_truncated_inverse_distance_equals_brute_force(cities):
    ids = list(cities.index)
    for k, power in ((1, 1.0), (4, 1.0), (10, 2.0)):
        want, _ = brute_distance(cities, power=power, k=k)
        got = dense(W.distance(cities, power=power, k=k, transform=None), ids)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
        assert ((got > 0).sum(axis=1) == k).all()
        assert not np.array_equal(got > 0, (got > 0).T)  # kNN is not symmetric
        r = W.distance(cities, power=power, k=k)
        assert np.allclose(np.asarray(r.sparse.sum(axis=1)).ravel(), 1.0)
    # the binary knn() picks the same neighbours
    np.testing.assert_array_equal(dense(W.knn(cities, k=4, transform="b"), ids) > 0,
                                  brute_distance(cities, k=4)[0] > 0)


def test_knn_and_threshold_is_the_band_truncated_to_the_k_nearest(cities):
    ids = list(cities.index)
    for k, threshold in ((3, 120), (6, 250)):
        want, links = brute_distance(cities, k=k, threshold=threshold)
        assert links  # some cities have no centroid within the band: the island policy links them
        with pytest.warns(IslandWarning, match=f"threshold={threshold} km, k={k} leaves units"):
            got = dense(W.distance(cities, k=k, threshold=threshold, transform=None), ids)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
        with pytest.warns(IslandWarning):
            band = dense(W.distance(cities, threshold=threshold, transform=None), ids)
        assert ((got > 0) <= (band > 0)).all()                       # a subset of the band's links …
        assert ((got > 0).sum(axis=1) <= np.maximum(k, (band > 0).sum(axis=1))).all()  # … at most k a row
        assert ((got > 0).sum(axis=1) < (band > 0).sum(axis=1)).any()


# --------------------------------------------------------------------------- economic kNN
def brute_economic(x, k=None):
    gap = np.abs(x[:, None] - x[None, :])
    n = len(x)
    off = ~np.eye(n, dtype=bool)
    keep = off.copy()
    if k is not None:
        order = np.argsort(np.where(off, gap, np.inf), axis=1, kind="stable")[:, :k]
        keep = np.zeros((n, n), dtype=bool)
        keep[np.repeat(np.arange(n), k), order.ravel()] = True
    with np.errstate(divide="ignore"):
        return np.where(keep, 1.0 / gap, 0.0)


@pytest.mark.parametrize("values", ["lognormal", "integers"])
def test_economic_k_equals_brute_force(values):
    rng = np.random.default_rng(7)
    n = 200
    # integers 0…n−1 in random order: the two neighbours at distance 1 tie, broken by order of the index
    x = rng.lognormal(10, 1, n) if values == "lognormal" else rng.permutation(n).astype(float)
    s = pd.Series(x, index=[f"c{i}" for i in range(n)])
    for k in (1, 3, 7, 199):
        got = dense(W.economic(s, k=k, transform=None), list(s.index))
        np.testing.assert_allclose(got, brute_economic(x, k), rtol=1e-12, atol=0)
        assert ((got > 0).sum(axis=1) == k).all()
    np.testing.assert_allclose(dense(W.economic(s, transform=None), list(s.index)), brute_economic(x), rtol=1e-12)
    np.testing.assert_allclose(dense(W.economic(s, k=n - 1, transform=None), list(s.index)), brute_economic(x))


def test_economic_equal_values_only_where_linked():
    s = pd.Series([1.0, 1.0, 5.0, 9.0], index=["a", "b", "c", "d"])
    for k in (None, 1, 2):
        with pytest.raises(WeightsError, match=r"units 'a' and 'b' have equal values"):
            W.economic(s, k=k)
    with pytest.raises(WeightsError, match=r"k must be an integer between 1 and 3 .*got 4"):
        W.economic(s, k=4)


# --------------------------------------------------------------------------- refusals and errors
def test_errors_name_the_option_and_the_units():
    prov = sc.provinces()
    for bad in (0, 31, 2.5, True, "4"):
        with pytest.raises(WeightsError, match=r"k must be an integer between 1 and 30"):
            W.distance(prov, k=bad)
    for bad in (-1, 0, np.inf, np.nan, "500"):
        with pytest.raises(WeightsError, match=r"threshold must be positive and finite \(km\)"):
            W.distance(prov, threshold=bad)
    with pytest.raises(WeightsError, match="power must be positive"):
        W.distance(prov, k=3, power=0)
    with pytest.raises(WeightsError, match=r"k_islands must be an integer between 1 and 30"):
        W.distance(prov, threshold=500, k_islands=0)
    with pytest.raises(WeightsError, match="islands must be"):
        W.distance(prov, k=3, islands="drop")
    twin = points([100.0, 110.0, 100.0, 120.0], [30.0, 35.0, 30.0, 40.0])
    for kw in ({}, {"threshold": 10}, {"k": 1}, {"k": 2, "threshold": 5000}):
        with pytest.raises(WeightsError, match=r"units 'p0' and 'p2' have the same centroid"):
            W.distance(twin, **kw)
    assert len(W.knn(twin, k=1).unique_ids) == 4  # binary kNN does not need distinct centroids


def test_too_many_links_are_refused(monkeypatch):
    monkeypatch.setattr(W, "MAX_LINKS", 100)
    with pytest.raises(WeightsError, match=r"threshold=3000 km gives \d[\d,]* links .* smaller threshold, or add k="):
        W.distance(threshold=3000)
    with pytest.raises(WeightsError, match=r"k=5 nearest neighbours of 31 units gives 155 links"):
        W.distance(k=5)


def test_full_matrices_refused_above_the_limit(monkeypatch):
    monkeypatch.setattr(W, "DENSE_LIMIT", 30)
    with pytest.raises(WeightsError, match=r"full inverse-distance weights for 31 units would need a dense "
                                           r"31 × 31 matrix .* give threshold= .* within \d+ km\) or k="):
        W.distance()
    with pytest.raises(WeightsError, match=r"economic\(\): full economic-distance weights for 31 units .* k="):
        W.economic(pd.Series(np.arange(31.0), index=sc.provinces().index))
    assert len(W.distance(k=4).unique_ids) == 31 and len(W.distance(threshold=2000).unique_ids) == 31


# --------------------------------------------------------------------------- N = 20,000
def test_twenty_thousand_points_without_a_dense_matrix():
    n = 20_000
    gdf = china_points(n)
    values = pd.Series(np.random.default_rng(3).lognormal(10, 1, n), index=gdf.index)
    with pytest.raises(WeightsError, match=r"20,000 units would need a dense 20,000 × 20,000 matrix \(3\.2 GB"):
        W.distance(gdf)
    with pytest.raises(WeightsError, match=r"economic\(\).*3\.2 GB.*give k="):
        W.economic(values)

    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)  # a few remote points lie beyond 50 km of any other
        band = W.distance(gdf, threshold=50)
    kn = W.distance(gdf, k=8, power=2)
    econ = W.economic(values, k=8)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 400e6, f"peak {peak / 1e6:.0f} MB"      # one dense 20,000² float matrix is 3,200 MB
    for g in (band, kn, econ):
        assert len(g.unique_ids) == n and len(g.isolates) == 0
        assert np.allclose(np.asarray(g.sparse.sum(axis=1)).ravel(), 1.0)
    assert (kn.cardinalities == 8).all() and (econ.cardinalities == 8).all()

    # exact on sampled rows against brute force on those rows only (200 × 20,000 distances)
    c = W.centroids(gdf)
    rows = np.random.default_rng(5).choice(n, 200, replace=False)
    d = W._haversine_km(c.lon.to_numpy()[rows, None], c.lat.to_numpy()[rows, None],
                        c.lon.to_numpy()[None, :], c.lat.to_numpy()[None, :])
    d[np.arange(len(rows)), rows] = np.inf
    b, raw = W.to_sparse(band, None), W.to_sparse(kn, None)
    checked = 0
    for r, i in enumerate(rows):
        within = np.flatnonzero(d[r] <= 50)
        if len(within):  # units with a neighbour in the band: exactly those, weights ∝ 1/d
            assert_row(b, i, within, 1 / d[r, within])
            checked += 1
        nearest = np.argsort(d[r], kind="stable")[:8]
        assert_row(raw, i, nearest, 1 / d[r, nearest] ** 2)
    assert checked > 150
