"""Spatial weights for provinces (or any regions) as :class:`libpysal.graph.Graph`.

Every builder returns a Graph whose ids are the GeoDataFrame's index (province
codes for :func:`spatialccd.provinces`), row-standardised (``transform="r"``)
unless told otherwise.  Units with no neighbour ("islands", e.g. Hainan under
contiguity) are handled by an explicit ``islands=`` policy:

``"nearest"`` (default for :func:`contiguity`)
    link each island symmetrically to its ``k_islands`` nearest units by the
    shortest boundary-to-boundary distance (in an equal-area projection).  For the provinces this links
    Hainan to Guangdong, the convention of most of the Chinese literature (the
    Qiongzhou Strait ferry and bridge plans); it keeps every unit in the spatial
    lag, so Moran's I, LISA and spatial models use all observations.
``"keep"``
    keep the island isolated (zero row in W); a :class:`IslandWarning` names it.
``{"46": ["44"]}``
    user-given links, added symmetrically.

References: Anselin (1988) *Spatial Econometrics*; Elhorst (2014) *Spatial
Econometrics*, ch. 2 on weights matrices.
"""
from __future__ import annotations

from .exceptions import IslandWarning

import warnings
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from libpysal.graph import Graph

from .geo import ALBERS_CHINA, provinces

EARTH_RADIUS_KM = 6371.0088

__all__ = ["IslandWarning", "contiguity", "knn", "distance", "economic", "nested", "subset",
           "centroids", "great_circle_km", "to_sparse", "from_matrix"]


def _gdf(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if gdf is None:
        return provinces()
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError("gdf must be a GeoDataFrame (or None for the 31 provinces)")
    if not gdf.index.is_unique:
        dup = gdf.index[gdf.index.duplicated()].unique().tolist()
        raise ValueError(f"GeoDataFrame index has duplicated ids: {dup}")
    return gdf


def centroids(gdf: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Area-weighted polygon centroids in degrees (columns ``lon``, ``lat``).

    The centroid is computed in an equal-area projection (:data:`ALBERS_CHINA`
    for geographic input, the layer's own CRS if it is projected) and converted
    back to longitude/latitude; this avoids the distortion of centroids computed
    directly on degrees.
    """
    g = _gdf(gdf)
    if g.crs is None:
        raise ValueError("GeoDataFrame has no CRS; set one (e.g. EPSG:4326)")
    proj = g.to_crs(ALBERS_CHINA) if g.crs.is_geographic else g
    pts = proj.geometry.centroid.to_crs("EPSG:4326")
    return pd.DataFrame({"lon": pts.x, "lat": pts.y}, index=g.index)


def great_circle_km(lonlat: pd.DataFrame) -> np.ndarray:
    """Dense matrix of haversine distances (km) between points given in degrees."""
    lon = np.radians(lonlat["lon"].to_numpy())[:, None]
    lat = np.radians(lonlat["lat"].to_numpy())[:, None]
    a = (np.sin((lat - lat.T) / 2) ** 2
         + np.cos(lat) * np.cos(lat.T) * np.sin((lon - lon.T) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def from_matrix(matrix, ids: Iterable, *, transform: str = "r") -> Graph:
    """Build a Graph from a dense or sparse N×N matrix whose rows/columns follow ``ids``.

    Zero rows become explicit isolates.  The diagonal must be zero.
    """
    ids = pd.Index(list(ids))
    m = sp.csr_matrix(matrix, dtype=float)
    if m.shape != (len(ids), len(ids)):
        raise ValueError(f"weights matrix is {m.shape}, expected {(len(ids), len(ids))} for {len(ids)} ids")
    if np.any(m.diagonal() != 0):
        bad = ids[np.flatnonzero(m.diagonal())].tolist()
        raise ValueError(f"weights matrix has non-zero diagonal for {bad}")
    m.eliminate_zeros()
    coo = m.tocoo()
    isolated = np.flatnonzero(np.diff(m.indptr) == 0)
    focal = np.concatenate([ids.to_numpy()[coo.row], ids.to_numpy()[isolated]])
    neigh = np.concatenate([ids.to_numpy()[coo.col], ids.to_numpy()[isolated]])
    weight = np.concatenate([coo.data, np.zeros(len(isolated))])
    g = Graph.from_arrays(focal, neigh, weight)
    # keep the caller's order of ids
    g = g.subgraph(ids) if len(ids) else g
    return g if transform in (None, "o", "O") else g.transform(transform)


def to_sparse(graph: Graph, ids: Iterable | None = None) -> sp.csr_matrix:
    """The graph as a CSR matrix with rows/columns in the order of ``ids``.

    Raises ``ValueError`` listing ids missing from the graph or graph ids not in
    ``ids`` (W of the wrong size / for other units).
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"weights must be a libpysal.graph.Graph, got {type(graph).__name__}")
    gids = pd.Index(graph.unique_ids)
    if ids is None:
        return graph.sparse.tocsr()
    ids = pd.Index(list(ids))
    missing = ids.difference(gids).tolist()
    extra = gids.difference(ids).tolist()
    if missing or extra:
        raise ValueError(f"weights ids do not match the data's units: missing from weights {missing}, "
                         f"in weights but not in the data {extra}")
    pos = gids.get_indexer(ids)
    return graph.sparse.tocsr()[pos][:, pos].tocsr()


def _boundary_distances(gdf: gpd.GeoDataFrame, i: int) -> np.ndarray:
    proj = gdf.to_crs(ALBERS_CHINA) if gdf.crs is not None and gdf.crs.is_geographic else gdf
    d = np.array(proj.geometry.distance(proj.geometry.iloc[i]), dtype=float)
    d[i] = np.inf
    return d


def _apply_islands(binary: sp.csr_matrix, ids: pd.Index, islands, gdf: gpd.GeoDataFrame,
                   k_islands: int) -> sp.csr_matrix:
    rows = np.flatnonzero(np.asarray(abs(binary).sum(axis=1)).ravel() == 0)
    if len(rows) == 0:
        return binary
    m = binary.tolil()
    if isinstance(islands, Mapping):
        for a, targets in islands.items():
            a = str(a)
            if a not in ids:
                raise ValueError(f"islands: unknown id {a!r}")
            for b in ([targets] if isinstance(targets, (str, int)) else targets):
                b = str(b)
                if b not in ids:
                    raise ValueError(f"islands: unknown id {b!r} (linked from {a!r})")
                i, j = ids.get_loc(a), ids.get_loc(b)
                m[i, j] = m[j, i] = 1.0
        left = [ids[i] for i in np.flatnonzero(np.asarray(m.sum(axis=1)).ravel() == 0)]
        if left:
            warnings.warn(f"units with no neighbour remain isolated: {left}", IslandWarning, stacklevel=3)
    elif islands == "nearest":
        for i in rows:
            for j in np.argsort(_boundary_distances(gdf, i), kind="stable")[:k_islands]:
                m[i, j] = m[j, i] = 1.0
    elif islands == "keep":
        warnings.warn(f"units with no neighbour kept isolated (zero row in W): {ids[rows].tolist()}",
                      IslandWarning, stacklevel=3)
    else:
        raise ValueError(f"islands must be 'nearest', 'keep' or a mapping of links, got {islands!r}")
    return m.tocsr()


def contiguity(gdf: gpd.GeoDataFrame | None = None, *, rook: bool = False,
               islands: str | Mapping = "nearest", k_islands: int = 1,
               transform: str = "r") -> Graph:
    """Queen (default) or rook contiguity: w_ij = 1 if i and j share a border point (queen)
    or edge (rook), then row-standardised (w_ij / Σ_j w_ij).

    ``islands`` sets the policy for units with no land neighbour (see the module
    docstring); the default links Hainan to Guangdong.  On the bundled
    boundaries queen and rook give the same 68 neighbour pairs.
    """
    g = _gdf(gdf)
    binary = Graph.build_contiguity(g, rook=rook)
    ids = pd.Index(g.index)
    m = to_sparse(binary, ids)
    m = _apply_islands(m, ids, islands, g, k_islands)
    return from_matrix(m, ids, transform=transform)


def knn(gdf: gpd.GeoDataFrame | None = None, *, k: int = 4, transform: str = "r") -> Graph:
    """k nearest neighbours by great-circle distance between centroids (see :func:`centroids`).

    Not symmetric in general.  Ties are broken by order of the index.
    """
    g = _gdf(gdf)
    n = len(g)
    if not 1 <= k < n:
        raise ValueError(f"k must be between 1 and {n - 1}, got {k}")
    from sklearn.neighbors import BallTree

    ll = centroids(g)
    xy = np.radians(ll[["lat", "lon"]].to_numpy())
    _, idx = BallTree(xy, metric="haversine").query(xy, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    cols = np.array([[j for j in r if j != i][:k] for i, r in enumerate(idx)]).ravel()
    m = sp.csr_matrix((np.ones(n * k), (rows, cols)), shape=(n, n))
    return from_matrix(m, g.index, transform=transform)


def distance(gdf: gpd.GeoDataFrame | None = None, *, power: float = 1.0,
             threshold: float | None = None, transform: str = "r") -> Graph:
    """Inverse-distance weights w_ij = 1 / d_ij^power, d_ij the great-circle distance in km
    between area-weighted centroids (:func:`centroids`); w_ij = 0 beyond ``threshold`` km.

    Raises when the threshold leaves a unit without neighbours (name it) or when
    two centroids coincide.
    """
    g = _gdf(gdf)
    if power <= 0:
        raise ValueError(f"power must be positive, got {power}")
    d = great_circle_km(centroids(g))
    off = ~np.eye(len(g), dtype=bool)
    if np.any(d[off] == 0):
        i, j = np.argwhere((d == 0) & off)[0]
        raise ValueError(f"units {g.index[i]!r} and {g.index[j]!r} have the same centroid")
    with np.errstate(divide="ignore"):
        w = np.where(off, 1.0 / d ** power, 0.0)
    if threshold is not None:
        w[d > threshold] = 0.0
        empty = g.index[(w > 0).sum(axis=1) == 0].tolist()
        if empty:
            raise ValueError(f"threshold {threshold} km leaves units without neighbours: {empty}")
    return from_matrix(w, g.index, transform=transform)


def economic(values: pd.Series, *, transform: str = "r") -> Graph:
    """Economic-distance weights w_ij = 1 / |x̄_i − x̄_j| (i ≠ j).

    ``values`` is a Series of one per-unit value (e.g. mean real GDP per capita
    over the study period), indexed by unit; province names are mapped to codes.
    Two units with equal values would get infinite weight: error naming them.
    """
    from .geo import province_codes

    s = pd.Series(values, dtype=float)
    if s.isna().any():
        raise ValueError(f"missing values for {s.index[s.isna()].tolist()}")
    try:
        s.index = province_codes(s.index)
    except ValueError:
        pass  # not provinces: keep the user's ids
    if not s.index.is_unique:
        raise ValueError(f"duplicated ids: {s.index[s.index.duplicated()].tolist()}")
    x = s.to_numpy()
    diff = np.abs(x[:, None] - x[None, :])
    off = ~np.eye(len(x), dtype=bool)
    if np.any(diff[off] == 0):
        i, j = np.argwhere((diff == 0) & off)[0]
        raise ValueError(f"units {s.index[i]!r} and {s.index[j]!r} have equal values: 1/|x_i - x_j| undefined")
    with np.errstate(divide="ignore"):
        w = np.where(off, 1.0 / diff, 0.0)
    return from_matrix(w, s.index, transform=transform)


def nested(geo: Graph, econ: Graph, *, transform: str = "r") -> Graph:
    """Nested geographic–economic weights: element-wise product w_ij = g_ij · e_ij,
    re-standardised.  Both graphs must have the same ids."""
    ids = pd.Index(geo.unique_ids)
    prod = to_sparse(geo, ids).multiply(to_sparse(econ, ids))
    out = from_matrix(prod, ids, transform=transform)
    if len(out.isolates):
        warnings.warn(f"nested weights leave units isolated: {out.isolates.tolist()}", IslandWarning, stacklevel=2)
    return out


def subset(graph: Graph, ids: Iterable, *, transform: str = "r") -> Graph:
    """Restrict a graph to ``ids`` (e.g. one region) and re-standardise.

    Units that lose all their neighbours are reported with an :class:`IslandWarning`
    (e.g. a province whose only neighbours lie outside the subset).
    """
    ids = pd.Index(list(ids))
    m = to_sparse(graph, None)
    gids = pd.Index(graph.unique_ids)
    missing = ids.difference(gids).tolist()
    if missing:
        raise ValueError(f"ids not in the graph: {missing}")
    pos = gids.get_indexer(ids)
    sub = m[pos][:, pos]
    out = from_matrix(sub, ids, transform=transform)
    if len(out.isolates):
        warnings.warn(f"subset leaves units with no neighbour: {out.isolates.tolist()}",
                      IslandWarning, stacklevel=2)
    return out
