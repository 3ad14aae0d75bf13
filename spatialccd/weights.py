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

Scale: :func:`knn`, the distance band (``threshold=``), the kNN-truncated inverse distance
(``k=``) and :func:`economic` with ``k=`` are found by sparse queries (a haversine ball tree on
the centroids, sorted values) in O(N log N) time and memory proportional to the number of
links, so they build at N = 20,000 counties and beyond.  The full inverse-distance and
economic matrices have N² − N non-zero cells; above :data:`DENSE_LIMIT` units they are refused
with the memory they would need and the sparse option to use instead.

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

#: Largest number of units for which the full (untruncated) inverse-distance weights
#: (:func:`distance` without ``threshold``/``k``) and economic weights (:func:`economic` without
#: ``k``) are built.  Both have N² − N non-zero cells, and a libpysal Graph needs about 0.18 KB
#: a cell (measured with libpysal 4.14 on 2 cores: N = 2,000, 4 M cells, 0.7 GB peak and 2.7 s;
#: N = 3,000, 9 M cells, 1.6 GB and 7 s), while the dense N × N distance matrix alone is 8·N²
#: bytes (3.2 GB at N = 20,000).  Above it, give ``threshold=`` (km) or ``k=`` to :func:`distance`, ``k=`` to
#: :func:`economic`.
DENSE_LIMIT = 3_000
#: Largest number of links (non-zero w_ij) a sparse builder creates: the cells of the full
#: matrix at :data:`DENSE_LIMIT` units.  A band or a k that would give more is refused.
MAX_LINKS = DENSE_LIMIT * (DENSE_LIMIT - 1)

__all__ = ["IslandWarning", "contiguity", "knn", "distance", "economic", "nested", "subset",
           "centroids", "great_circle_km", "to_sparse", "from_matrix", "DENSE_LIMIT", "MAX_LINKS"]


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


def _haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Haversine distance (km) between points in degrees, element by element (numpy broadcasting):
    d = 2R·asin √(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)), R = :data:`EARTH_RADIUS_KM`."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat1 - lat2) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon1 - lon2) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def great_circle_km(lonlat: pd.DataFrame) -> np.ndarray:
    """Dense N × N matrix of haversine distances (km) between points given in degrees
    (columns ``lon``, ``lat``).

    O(N²) memory (8·N² bytes: 3.2 GB at N = 20,000): for small inputs and tests.  The weights
    builders never form it above :data:`DENSE_LIMIT` units; they query a ball tree instead.
    """
    lon, lat = lonlat["lon"].to_numpy(dtype=float), lonlat["lat"].to_numpy(dtype=float)
    return _haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])


class _Points:
    """Unit centroids in a haversine ball tree: the sparse neighbour queries of :func:`knn` and
    :func:`distance`.  Distances are recomputed with :func:`_haversine_km`, the formula of
    :func:`great_circle_km`, so sparse and dense builders agree cell by cell."""

    def __init__(self, lonlat: pd.DataFrame):
        from sklearn.neighbors import BallTree

        self.lon, self.lat = lonlat["lon"].to_numpy(dtype=float), lonlat["lat"].to_numpy(dtype=float)
        self.xy = np.radians(np.column_stack([self.lat, self.lon]))
        self.tree = BallTree(self.xy, metric="haversine")

    def __len__(self) -> int:
        return len(self.lon)

    def km(self, i, j) -> np.ndarray:
        """Great-circle distances between units at positions ``i`` and ``j`` (broadcasting)."""
        return _haversine_km(self.lon[i], self.lat[i], self.lon[j], self.lat[j])

    def nearest(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest other units of each of ``rows``: positions and distances, both
        (len(rows), k), nearest first, ties by order of the index."""
        rows = np.asarray(rows, dtype=int)
        _, idx = self.tree.query(self.xy[rows], k=k + 1)
        d = np.where(idx == rows[:, None], -1.0, self.km(rows[:, None], idx))   # the unit itself first
        order = np.lexsort((idx, d))
        idx, d = np.take_along_axis(idx, order, 1), np.take_along_axis(d, order, 1)
        has_self = (idx[:, :1] == rows[:, None])       # absent only among k + 1 coincident points
        return np.where(has_self, idx[:, 1:], idx[:, :-1]), np.where(has_self, d[:, 1:], d[:, :-1])

    def within(self, km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pair i ≠ j with d_ij ≤ ``km``: rows, columns and distances (both directions).

        Raises :class:`WeightsError` before forming the pairs when there would be more than
        :data:`MAX_LINKS` of them."""
        radius = km / EARTH_RADIUS_KM * (1 + 1e-9)   # the tree's haversine may differ in the last bits
        count = int(self.tree.query_radius(self.xy, radius, count_only=True).sum()) - len(self)
        _check_links(count, len(self), f"threshold={km} km gives {count:,} links (on average "
                     f"{count / max(len(self), 1):.0f} neighbours a unit)", "a smaller threshold, or add k=")
        found = self.tree.query_radius(self.xy, radius)
        rows = np.repeat(np.arange(len(self)), [len(f) for f in found])
        cols = np.concatenate(found) if len(found) else np.zeros(0, dtype=int)
        d = self.km(rows, cols)
        keep = (rows != cols) & (d <= km)
        return rows[keep], cols[keep], d[keep]


def _check_links(count: int, n: int, what: str, fix: str) -> None:
    if count > MAX_LINKS:
        raise WeightsError(f"{what}: more than the {MAX_LINKS:,} links of the full matrix of "
                           f"DENSE_LIMIT = {DENSE_LIMIT:,} units that a weights graph here may hold "
                           f"(a {n:,} × {n:,} float matrix would need {8 * n * n / 1e9:.1f} GB); use {fix}")


def _check_count(name: str, value, n: int) -> int:
    """``value`` as a number of neighbours 1 … n − 1, or a WeightsError naming the option."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value < n:
        raise WeightsError(f"{name} must be an integer between 1 and {n - 1} (the number of other units), "
                           f"got {value!r}")
    return int(value)


def _all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of every off-diagonal cell of an n × n matrix, row by row."""
    return np.nonzero(~np.eye(n, dtype=bool))


def _first_pair(rows: np.ndarray, cols: np.ndarray, bad: np.ndarray) -> tuple[int, int]:
    """The first (row, column) in row-major order among the cells flagged ``bad``."""
    r, c = rows[bad], cols[bad]
    first = np.lexsort((c, r))[0]
    return int(r[first]), int(c[first])


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
    g = g.subgraph(ids) if len(ids) and not pd.Index(g.unique_ids).equals(ids) else g
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


def _isolated(m: sp.csr_matrix) -> np.ndarray:
    return np.flatnonzero(np.asarray(abs(m).sum(axis=1)).ravel() == 0)


def _set_links(m: sp.csr_matrix, i: np.ndarray, j: np.ndarray,
               weight: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> sp.csr_matrix:
    """``m`` with the cells (i, j) and (j, i) set (not added) to ``weight(rows, cols)``."""
    n = m.shape[0]
    cells = np.unique(np.concatenate([np.asarray(i, dtype=np.int64) * n + j, np.asarray(j, dtype=np.int64) * n + i]))
    rows, cols = cells // n, cells % n
    links = sp.csr_matrix((weight(rows, cols), (rows, cols)), shape=m.shape)
    pattern = sp.csr_matrix((np.ones(len(cells)), (rows, cols)), shape=m.shape)
    return (m - m.multiply(pattern) + links).tocsr()


def _apply_islands(m: sp.csr_matrix, ids: pd.Index, islands, k_islands: int,
                   nearest: Callable[[np.ndarray, int], np.ndarray],
                   weight: Callable[[np.ndarray, np.ndarray], np.ndarray], what: str) -> sp.csr_matrix:
    """Apply the island policy to the unit rows of ``m`` that have no neighbour.

    ``nearest(rows, k)`` gives the positions of the k nearest other units of each of ``rows``
    (an array (len(rows), k), nearest first): "nearest" links each island symmetrically to
    its ``k_islands`` nearest, with weight ``weight(rows, cols)`` (vectorised).  A mapping of
    links is applied whether or not there are islands.
    """
    rows = _isolated(m)
    if isinstance(islands, Mapping):
        pairs = []
        for a, targets in islands.items():
            if a not in ids and str(a) in ids:
                a = str(a)
            if a not in ids:
                raise WeightsError(f"islands: unknown id {a!r}")
            for b in ([targets] if isinstance(targets, (str, int, np.integer)) else targets):
                b = b if b in ids else str(b)
                if b not in ids:
                    raise WeightsError(f"islands: unknown id {b!r} (linked from {a!r})")
                pairs.append((ids.get_loc(a), ids.get_loc(b)))
        if pairs:
            m = _set_links(m, *np.array(pairs, dtype=np.int64).T, weight)
        left = ids[_isolated(m)].tolist()
        if left:
            warnings.warn(f"units with no neighbour remain isolated: {left}", IslandWarning, stacklevel=3)
        return m
    if islands not in ("nearest", "keep"):
        raise WeightsError(f"islands must be 'nearest', 'keep' or a mapping of links, got {islands!r}")
    if islands == "nearest":
        k_islands = _check_count("k_islands", k_islands, len(ids))
    if len(rows) == 0:
        return m
    if islands == "keep":
        warnings.warn(f"units with no neighbour kept isolated (zero row in W): {ids[rows].tolist()}",
                      IslandWarning, stacklevel=3)
        return m
    targets = np.asarray(nearest(rows, k_islands), dtype=np.int64).reshape(len(rows), k_islands)
    focal = np.repeat(rows, k_islands)
    links = {}
    for i, j in zip(focal.tolist(), targets.ravel().tolist()):
        links.setdefault(frozenset((i, j)), (ids[i], ids[j]))
    if what:
        warnings.warn(f"{what} leaves units without neighbours; linked to the nearest (islands='nearest'): "
                      f"{list(links.values())}", IslandWarning, stacklevel=3)
    return _set_links(m, focal, targets.ravel(), weight)


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
    m = _apply_islands(m, ids, islands, k_islands,
                       lambda rows, k: [np.argsort(_boundary_distances(g, i), kind="stable")[:k] for i in rows],
                       lambda rows, cols: np.ones(len(rows)), "")
    return from_matrix(m, ids, transform=transform)


def knn(gdf: gpd.GeoDataFrame | None = None, *, k: int = 4, transform: str = "r") -> Graph:
    """k nearest neighbours by great-circle distance between centroids (see :func:`centroids`).

    Not symmetric in general.  Ties are broken by order of the index.
    """
    g = _gdf(gdf)
    n = len(g)
    k = _check_count("k", k, n)
    _check_links(n * k, n, f"k={k} nearest neighbours of {n:,} units gives {n * k:,} links", "a smaller k")
    cols, _ = _Points(centroids(g)).nearest(np.arange(n), k)
    m = sp.csr_matrix((np.ones(n * k), (np.repeat(np.arange(n), k), cols.ravel())), shape=(n, n))
    return from_matrix(m, g.index, transform=transform)


def distance(gdf: gpd.GeoDataFrame | None = None, *, power: float = 1.0,
             threshold: float | None = None, k: int | None = None, islands: str | Mapping = "nearest",
             k_islands: int = 1, transform: str = "r") -> Graph:
    """Inverse-distance weights w_ij = 1 / d_ij^power (i ≠ j), d_ij the great-circle distance in
    km between area-weighted centroids (:func:`centroids`), then ``transform`` (row-standardised).

    Which pairs get a weight (the others are zero):

    * neither ``threshold`` nor ``k``: every pair — the full, symmetric matrix (Elhorst 2014, §2.4).
      It has N² − N non-zero cells and is refused above :data:`DENSE_LIMIT` units, with the
      memory it would need; use one of the sparse forms below.
    * ``threshold`` (km): a distance band, w_ij = 1 / d_ij^power if d_ij ≤ threshold (symmetric),
      found by a haversine ball-tree radius query — no N × N array.
    * ``k``: kNN-truncated inverse distance, w_ij = 1 / d_ij^power for the k nearest centroids j
      of i (ties by order of the index).  Not symmetric: j may be among i's k nearest without
      i being among j's.  Every unit has k neighbours.
    * ``threshold`` and ``k``: the band truncated to at most the k nearest within ``threshold``
      km (not symmetric either).

    A band that leaves units without neighbours (Xinjiang and Tibet under a 500 km band on the
    provinces) gets the ``islands`` policy of the module docstring: by default each is linked
    symmetrically to its ``k_islands`` nearest centroids with weight 1 / d^power, and an
    :class:`IslandWarning` names the links; ``"keep"`` leaves zero rows; a mapping of links is
    added (weight 1 / d^power) in every form.  Raises when two centroids coincide (d = 0, the
    weight undefined), naming the units.
    """
    g = _gdf(gdf)
    n = len(g)
    if isinstance(power, bool) or not isinstance(power, (int, float, np.number)) or not power > 0:
        raise WeightsError(f"power must be positive, got {power!r}")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number))
                                  or not 0 < threshold < np.inf):
        raise WeightsError(f"threshold must be positive and finite (km), got {threshold!r}")
    if k is not None:
        k = _check_count("k", k, n)
    pts = _Points(centroids(g))
    if k is not None:
        _check_links(n * k, n, f"k={k} nearest neighbours of {n:,} units gives {n * k:,} links", "a smaller k")
        cols, d = pts.nearest(np.arange(n), k)
        rows, cols, d = np.repeat(np.arange(n), k), cols.ravel(), d.ravel()
        if threshold is not None:
            inside = d <= threshold
            rows, cols, d = rows[inside], cols[inside], d[inside]
    elif threshold is not None:
        rows, cols, d = pts.within(threshold)
    elif n > DENSE_LIMIT:
        raise _dense_refusal(n, "distance(): full inverse-distance weights",
                             f"threshold= (a distance band in km; every unit has another centroid within "
                             f"{pts.nearest(np.arange(n), 1)[1].max():.0f} km) or k= (kNN-truncated inverse "
                             "distance, e.g. k=10)")
    else:
        rows, cols = _all_pairs(n)
        d = great_circle_km(pd.DataFrame({"lon": pts.lon, "lat": pts.lat}))[rows, cols]
    same = d == 0
    if same.any():
        i, j = _first_pair(rows, cols, same)
        raise WeightsError(f"units {g.index[i]!r} and {g.index[j]!r} have the same centroid: 1/d undefined "
                           "(dissolve or drop one of them)")
    w = sp.csr_matrix((1.0 / d ** power, (rows, cols)), shape=(n, n))
    band = "" if threshold is None else f"distance band threshold={threshold} km" + ("" if k is None else f", k={k}")
    w = _apply_islands(w, pd.Index(g.index), islands, k_islands,
                       lambda rows, k_: pts.nearest(rows, k_)[0], lambda r, c: 1.0 / pts.km(r, c) ** power, band)
    return from_matrix(w, g.index, transform=transform)


def _dense_refusal(n: int, what: str, fix: str) -> WeightsError:
    return WeightsError(f"{what} for {n:,} units would need a dense {n:,} × {n:,} matrix "
                        f"({8 * n * n / 1e9:.1f} GB for one float copy, and a graph of {n * (n - 1):,} links); "
                        f"above DENSE_LIMIT = {DENSE_LIMIT:,} units give {fix}")


def _nearest_in_value(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns linking each unit to the k units nearest to it in value, |x_i − x_j|
    (ties by order of the index).  The k nearest lie among the k neighbours on either side
    in sorted order: O(N log N) time, O(N k) memory."""
    n = len(x)
    order = np.argsort(x, kind="stable")
    pos = np.arange(n)[:, None] + np.concatenate([np.arange(-k, 0), np.arange(1, k + 1)])[None, :]
    inside = (pos >= 0) & (pos < n)
    pos = np.clip(pos, 0, n - 1)
    cand = order[pos]                                   # candidate units (original positions)
    gap = np.where(inside, np.abs(x[cand] - x[order][:, None]), np.inf)
    pick = np.lexsort((cand, gap))[:, :k]
    return np.repeat(order, k), np.take_along_axis(cand, pick, 1).ravel()


def economic(values: pd.Series, *, units: Units = "auto", k: int | None = None, transform: str = "r") -> Graph:
    """Economic-distance weights w_ij = 1 / |x̄_i − x̄_j| (i ≠ j), then ``transform``.

    ``values`` is a Series of one per-unit value (e.g. mean real GDP per capita
    over the study period), indexed by unit; province names are mapped to codes by the
    ``units`` rule of :class:`spatialccd.PanelData` (other labels are kept).

    Without ``k`` every pair gets a weight (the full, symmetric matrix; refused above
    :data:`DENSE_LIMIT` units).  With ``k`` each unit i is linked only to the k units nearest
    to it in value (smallest |x̄_i − x̄_j|, ties by order of the index), found on the sorted
    values in O(N log N): not symmetric.  Two units with equal values that would get a
    weight (infinite, 1/0): error naming them.
    """
    s = pd.Series(values, dtype=float)
    if s.isna().any():
        raise WeightsError(f"missing values for {s.index[s.isna()].tolist()}")
    mapping = province_mapping(s.index, units)
    if mapping is not None:
        s.index = s.index.map(mapping)
    if not s.index.is_unique:
        raise WeightsError(f"duplicated ids: {s.index[s.index.duplicated()].tolist()}")
    x, n = s.to_numpy(), len(s)
    if k is None:
        if n > DENSE_LIMIT:
            raise _dense_refusal(n, "economic(): full economic-distance weights",
                                 "k= (each unit linked to its k nearest units in value, e.g. k=10)")
        rows, cols = _all_pairs(n)
    else:
        k = _check_count("k", k, n)
        _check_links(n * k, n, f"k={k} nearest in value of {n:,} units gives {n * k:,} links", "a smaller k")
        rows, cols = _nearest_in_value(x, k)
    gap = np.abs(x[rows] - x[cols])
    if (gap == 0).any():
        i, j = _first_pair(rows, cols, gap == 0)
        raise WeightsError(f"units {s.index[i]!r} and {s.index[j]!r} have equal values: 1/|x_i - x_j| undefined"
                           + ("" if k is None else f" (they are among each other's k={k} nearest in value)"))
    w = sp.csr_matrix((1.0 / gap, (rows, cols)), shape=(n, n))
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
