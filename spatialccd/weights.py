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
    user-given links, added symmetrically (always applied, islands or not: e.g.
    ``{"330900": "330200"}`` links Zhoushan to Ningbo, ``{"460100": "440800"}`` links
    Hainan's cities to Zhanjiang).

The same policy applies to distance bands (:func:`distance` with ``threshold``) that
leave a unit without neighbours (Xinjiang and Tibet under a 500 km band): "nearest"
links it to its nearest centroids with the inverse-distance weight, with an
:class:`IslandWarning` naming the links.

Every builder works on any GeoDataFrame with unique ids (provinces, :func:`spatialccd.cities`,
a user's layer).  Matrices given by users (:func:`from_matrix`) are copied, never modified,
and must have finite, non-negative cells.

References: Anselin (1988) *Spatial Econometrics*; Elhorst (2014) *Spatial
Econometrics*, ch. 2 on weights matrices.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from libpysal.graph import Graph

from ._options import Units, check_option
from .exceptions import IslandWarning, WeightsError
from .geo import ALBERS_CHINA, province_mapping, provinces

EARTH_RADIUS_KM = 6371.0088

__all__ = ["IslandWarning", "contiguity", "knn", "distance", "economic", "nested", "subset",
           "centroids", "great_circle_km", "to_sparse", "from_matrix"]


def _unique_ids(ids: pd.Index, what: str) -> pd.Index:
    if not ids.is_unique:
        dup = ids[ids.duplicated()].unique().tolist()
        raise WeightsError(f"{what} has duplicated ids {dup[:20]}: every unit needs one id "
                           "(dissolve or rename the duplicated rows)")
    return ids


def _gdf(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if gdf is None:
        return provinces()
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError("gdf must be a GeoDataFrame (or None for the 31 provinces)")
    _unique_ids(gdf.index, "GeoDataFrame index")
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
        raise WeightsError("GeoDataFrame has no CRS; set one (e.g. EPSG:4326)")
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


def _check_cells(m: sp.csr_matrix, ids: pd.Index) -> None:
    """Refuse non-finite and negative weights, naming the cells (row id, column id, value)."""
    for what, bad in (("non-finite", ~np.isfinite(m.data)), ("negative", m.data < 0)):
        if bad.any():
            rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))[bad]
            cells = [(ids[i], ids[j], float(v)) for i, j, v in zip(rows[:10], m.indices[bad][:10], m.data[bad][:10])]
            raise WeightsError(f"weights matrix has {int(bad.sum())} {what} cell(s) (row id, column id, value): "
                               f"{cells}; weights must be finite and non-negative")


def from_matrix(matrix, ids: Iterable, *, transform: str = "r") -> Graph:
    """Build a Graph from a dense or sparse N×N matrix whose rows/columns follow ``ids``.

    Zero rows become explicit isolates.  The diagonal must be zero, every cell finite and
    non-negative (:class:`~spatialccd.exceptions.WeightsError` names the cells), and the ids
    unique.  The caller's matrix is copied, never modified.
    """
    ids = _unique_ids(pd.Index(list(ids)), "weights matrix ids")
    m = sp.csr_matrix(matrix, dtype=float, copy=True)  # own storage: eliminate_zeros below
    if m.shape != (len(ids), len(ids)):
        raise WeightsError(f"weights matrix is {m.shape}, expected {(len(ids), len(ids))} for {len(ids)} ids")
    m.sum_duplicates()
    _check_cells(m, ids)
    if np.any(m.diagonal() != 0):
        bad = ids[np.flatnonzero(m.diagonal())].tolist()
        raise WeightsError(f"weights matrix has non-zero diagonal for {bad}")
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

    Raises :class:`~spatialccd.exceptions.WeightsError` listing ids missing from the graph or graph
    ids not in ``ids`` (W of the wrong size / for other units), and naming negative or non-finite cells.
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"weights must be a libpysal.graph.Graph, got {type(graph).__name__}")
    gids = _unique_ids(pd.Index(graph.unique_ids), "weights graph")
    full = graph.sparse.tocsr()
    _check_cells(full, gids)   # a Graph built directly may carry negative or NaN weights
    if ids is None:
        return full
    ids = _unique_ids(pd.Index(list(ids)), "data units")
    missing = ids.difference(gids).tolist()
    extra = gids.difference(ids).tolist()
    if missing or extra:
        raise WeightsError(f"weights ids do not match the data's units: missing from weights {missing[:20]}, "
                           f"in weights but not in the data {extra[:20]}" + _type_hint(ids, gids))
    pos = gids.get_indexer(ids)
    return full[pos][:, pos].tocsr()


def _type_hint(ids: pd.Index, gids: pd.Index) -> str:
    """A hint when the two id sets differ only by type (130100 vs "130100")."""
    as_text = lambda index: {str(v) for v in index}  # noqa: E731
    if as_text(ids) == as_text(gids):
        kinds = lambda index: sorted({type(v).__name__ for v in index})  # noqa: E731
        return (f" (the same ids as text: the data's are {kinds(ids)}, the weights' {kinds(gids)}; "
                "convert one, e.g. df[unit].astype(str))")
    return ""


def _boundary_distances(gdf: gpd.GeoDataFrame, i: int) -> np.ndarray:
    proj = gdf.to_crs(ALBERS_CHINA) if gdf.crs is not None and gdf.crs.is_geographic else gdf
    d = np.array(proj.geometry.distance(proj.geometry.iloc[i]), dtype=float)
    d[i] = np.inf
    return d


def _link(m, i: int, j: int, weight: Callable[[int, int], float]) -> None:
    m[i, j] = weight(i, j)
    m[j, i] = weight(j, i)


def _apply_islands(m: sp.csr_matrix, ids: pd.Index, islands, k_islands: int,
                   distances: Callable[[int], np.ndarray], weight: Callable[[int, int], float],
                   what: str) -> sp.csr_matrix:
    """Apply the island policy to the unit rows of ``m`` that have no neighbour.

    ``distances(i)`` gives unit i's distance to every unit (``inf`` for itself): "nearest"
    links i symmetrically to its ``k_islands`` nearest, with weight ``weight(i, j)``.  A
    mapping of links is applied whether or not there are islands.
    """
    rows = np.flatnonzero(np.asarray(abs(m).sum(axis=1)).ravel() == 0)
    if isinstance(islands, Mapping):
        out = m.tolil()
        for a, targets in islands.items():
            if a not in ids and str(a) in ids:
                a = str(a)
            if a not in ids:
                raise WeightsError(f"islands: unknown id {a!r}")
            for b in ([targets] if isinstance(targets, (str, int, np.integer)) else targets):
                b = b if b in ids else str(b)
                if b not in ids:
                    raise WeightsError(f"islands: unknown id {b!r} (linked from {a!r})")
                _link(out, ids.get_loc(a), ids.get_loc(b), weight)
        left = [ids[i] for i in np.flatnonzero(np.asarray(abs(out).sum(axis=1)).ravel() == 0)]
        if left:
            warnings.warn(f"units with no neighbour remain isolated: {left}", IslandWarning, stacklevel=3)
        return out.tocsr()
    if islands not in ("nearest", "keep"):
        raise WeightsError(f"islands must be 'nearest', 'keep' or a mapping of links, got {islands!r}")
    if len(rows) == 0:
        return m
    if islands == "keep":
        warnings.warn(f"units with no neighbour kept isolated (zero row in W): {ids[rows].tolist()}",
                      IslandWarning, stacklevel=3)
        return m
    out = m.tolil()
    links = {}
    for i in rows:
        for j in np.argsort(distances(i), kind="stable")[:k_islands]:
            _link(out, i, j, weight)
            links.setdefault(frozenset((i, j)), (ids[i], ids[j]))
    links = list(links.values())
    if what:
        warnings.warn(f"{what} leaves units without neighbours; linked to the nearest (islands='nearest'): "
                      f"{links}", IslandWarning, stacklevel=3)
    return out.tocsr()


def contiguity(gdf: gpd.GeoDataFrame | None = None, *, rook: bool = False,
               islands: str | Mapping = "nearest", k_islands: int = 1,
               transform: str = "r") -> Graph:
    """Queen (default) or rook contiguity: w_ij = 1 if i and j share a border point (queen)
    or edge (rook), then row-standardised (w_ij / Σ_j w_ij).

    ``islands`` sets the policy for units with no land neighbour (see the module
    docstring); the default links Hainan to Guangdong.  On the bundled
    boundaries queen and rook give the same 68 neighbour pairs.  On
    :func:`spatialccd.geo.cities` queen gives 964 pairs and no unit without a neighbour
    (Zhoushan touches Shanghai; Hainan's 18 units form a component of their own, which a
    link such as ``islands={"460100": "440800"}`` joins to the mainland); rook leaves
    Chongqing isolated there, so use queen.
    """
    g = _gdf(gdf)
    binary = Graph.build_contiguity(g, rook=rook)
    ids = pd.Index(g.index)
    m = to_sparse(binary, ids)
    m = _apply_islands(m, ids, islands, k_islands, lambda i: _boundary_distances(g, i), lambda i, j: 1.0, "")
    return from_matrix(m, ids, transform=transform)


def knn(gdf: gpd.GeoDataFrame | None = None, *, k: int = 4, transform: str = "r") -> Graph:
    """k nearest neighbours by great-circle distance between centroids (see :func:`centroids`).

    Not symmetric in general.  Ties are broken by order of the index.
    """
    g = _gdf(gdf)
    n = len(g)
    if not 1 <= k < n:
        raise WeightsError(f"k must be between 1 and {n - 1}, got {k}")
    from sklearn.neighbors import BallTree

    ll = centroids(g)
    xy = np.radians(ll[["lat", "lon"]].to_numpy())
    _, idx = BallTree(xy, metric="haversine").query(xy, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    cols = np.array([[j for j in r if j != i][:k] for i, r in enumerate(idx)]).ravel()
    m = sp.csr_matrix((np.ones(n * k), (rows, cols)), shape=(n, n))
    return from_matrix(m, g.index, transform=transform)


def distance(gdf: gpd.GeoDataFrame | None = None, *, power: float = 1.0,
             threshold: float | None = None, islands: str | Mapping = "nearest", k_islands: int = 1,
             transform: str = "r") -> Graph:
    """Inverse-distance weights w_ij = 1 / d_ij^power, d_ij the great-circle distance in km
    between area-weighted centroids (:func:`centroids`); w_ij = 0 beyond ``threshold`` km.

    A threshold that leaves units without neighbours (Xinjiang and Tibet under a 500 km
    band on the provinces) gets the ``islands`` policy of the module docstring: by default
    each is linked to its ``k_islands`` nearest centroids with weight 1 / d^power, and an
    :class:`IslandWarning` names the links; ``"keep"`` leaves zero rows.  Raises when two
    centroids coincide.
    """
    g = _gdf(gdf)
    if power <= 0:
        raise WeightsError(f"power must be positive, got {power}")
    d = great_circle_km(centroids(g))
    off = ~np.eye(len(g), dtype=bool)
    if np.any(d[off] == 0):
        i, j = np.argwhere((d == 0) & off)[0]
        raise WeightsError(f"units {g.index[i]!r} and {g.index[j]!r} have the same centroid")
    if threshold is not None and not threshold > 0:
        raise WeightsError(f"threshold must be positive (km), got {threshold}")
    with np.errstate(divide="ignore"):
        full = np.where(off, 1.0 / d ** power, 0.0)
    w = sp.csr_matrix(np.where(d > threshold, 0.0, full) if threshold is not None else full)
    if threshold is not None:
        w = _apply_islands(w, pd.Index(g.index), islands, k_islands, lambda i: np.where(off[i], d[i], np.inf),
                           lambda i, j: full[i, j], f"distance band threshold={threshold} km")
    return from_matrix(w, g.index, transform=transform)


def economic(values: pd.Series, *, units: Units = "auto", transform: str = "r") -> Graph:
    """Economic-distance weights w_ij = 1 / |x̄_i − x̄_j| (i ≠ j).

    ``values`` is a Series of one per-unit value (e.g. mean real GDP per capita
    over the study period), indexed by unit; province names are mapped to codes by the
    ``units`` rule of :class:`spatialccd.PanelData` (other labels are kept).
    Two units with equal values would get infinite weight: error naming them.
    """
    s = pd.Series(values, dtype=float)
    if s.isna().any():
        raise WeightsError(f"missing values for {s.index[s.isna()].tolist()}")
    mapping = province_mapping(s.index, units)
    if mapping is not None:
        s.index = s.index.map(mapping)
    if not s.index.is_unique:
        raise WeightsError(f"duplicated ids: {s.index[s.index.duplicated()].tolist()}")
    x = s.to_numpy()
    diff = np.abs(x[:, None] - x[None, :])
    off = ~np.eye(len(x), dtype=bool)
    if np.any(diff[off] == 0):
        i, j = np.argwhere((diff == 0) & off)[0]
        raise WeightsError(f"units {s.index[i]!r} and {s.index[j]!r} have equal values: 1/|x_i - x_j| undefined")
    with np.errstate(divide="ignore"):
        w = np.where(off, 1.0 / diff, 0.0)
    return from_matrix(w, s.index, transform=transform)


def nested(geo: Graph, econ: Graph, *, method: Literal["convex", "product"] = "convex", phi: float = 0.5,
           transform: str = "r") -> Graph:
    """Nested geographic–economic weights of two graphs with the same ids.

    ``method="convex"`` (default): the convex combination papers use,
    W = φ·W_geo + (1 − φ)·W_econ with 0 ≤ φ ≤ 1 (e.g. Shao et al. 2016; Elhorst 2014, §2.4,
    on combined weights).  The two graphs enter as given — usually each row-standardised,
    so W is row-stochastic too — and W is then transformed by ``transform``.
    ``method="product"``: the element-wise product w_ij = g_ij · e_ij (economic weights
    restricted to geographic neighbours), re-standardised; units left without neighbours
    are named in an :class:`IslandWarning`.
    """
    check_option("method", method, "nested", where="weights.nested")
    ids = pd.Index(geo.unique_ids)
    a, b = to_sparse(geo, ids), to_sparse(econ, ids)
    if method == "convex":
        if not (isinstance(phi, (int, float, np.floating)) and 0.0 <= float(phi) <= 1.0):
            raise WeightsError(f"phi must be a number in [0, 1], got {phi!r}")
        combined = float(phi) * a + (1.0 - float(phi)) * b
    else:
        combined = a.multiply(b)
    out = from_matrix(combined, ids, transform=transform)
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
        raise WeightsError(f"ids not in the graph: {missing}")
    pos = gids.get_indexer(ids)
    sub = m[pos][:, pos]
    out = from_matrix(sub, ids, transform=transform)
    if len(out.isolates):
        warnings.warn(f"subset leaves units with no neighbour: {out.isolates.tolist()}",
                      IslandWarning, stacklevel=2)
    return out
