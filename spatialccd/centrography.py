"""Centre of gravity (重心) and standard deviational ellipse (标准差椭圆) of a weighted attribute, by year.

Every unit is its polygon centroid in the equal-area :data:`spatialccd.geo.ALBERS_CHINA`
projection (metres), weighted by the attribute (D, U₁, U₂, …; non-negative).

* **Centre of gravity**: X̄ = Σ w_i x_i / Σ w_i, Ȳ likewise, in the projected plane, reported
  in km and converted back to longitude/latitude.  (Averaging longitudes and latitudes
  directly, as many papers do, distorts distances away from the equator.)
* **Migration path**: between consecutive years the distance the centre moved, both in the
  plane (``distance_km``, Albers; equal-area, so distances are exact only near the standard
  parallels 25°N and 47°N — within 1 % over China) and along the great circle between the
  back-projected centres (``great_circle_km``, haversine, R = 6371.0088 km); its direction
  as an azimuth clockwise from north and a compass point, and the speed per year.
* **Standard deviational ellipse** (Lefever 1926; Yuill 1971): with d_i = (x_i − X̄, y_i − Ȳ)
  and the weighted covariance Σ = Σ_i w_i d_i d_iᵀ / Σ_i w_i with eigenvalues λ₁ ≥ λ₂, the
  semi-axes are σ_major = c·√λ₁ and σ_minor = c·√λ₂ along the eigenvectors — the closed form
  of the usual tan θ rotation formula.  ``scale``: ``"std"`` c = 1 (Yuill), ``"arcgis"``
  c = √2 (ArcGIS Directional Distribution, one standard deviation; default) or
  ``"crimestat"`` c = √2·√(n/(n − 2)) (CrimeStat; pointpats ``ellipse`` default).  ``azimuth``
  is the direction of the major axis clockwise from north, in [0°, 180°); ``area_km2`` =
  π·σ_major·σ_minor; ``flattening`` 1 − σ_minor/σ_major (0: a circle).

References
----------
Lefever, D. W. (1926) Measuring geographic concentration by means of the standard
deviational ellipse. *American Journal of Sociology* 32(1), 88–94.
Yuill, R. S. (1971) The standard deviational ellipse: an updated tool for spatial description.
*Geografiska Annaler B* 53(1), 28–39.
Levine, N. (2015) *CrimeStat IV*, ch. 4 (spatial distribution).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._options import EllipseScale, check_option
from .exceptions import DataError
from .panel import as_panel, normalise_units
from .summary import Summary, SummaryMixin

__all__ = ["projected_coordinates", "weighted_mean_centre", "deviational_ellipse", "Centrography",
           "centrography", "ellipse_boundary"]

_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def projected_coordinates(ids: Sequence, gdf=None) -> np.ndarray:
    """(n, 2) centroid coordinates in metres in :data:`~spatialccd.geo.ALBERS_CHINA` of the units
    ``ids`` (rows of ``gdf``, the provinces by default); unknown ids raise naming them."""
    from .geo import ALBERS_CHINA, provinces

    g = provinces(projected=True) if gdf is None else gdf
    if g.crs is None:
        raise DataError("the GeoDataFrame has no CRS; set one (e.g. EPSG:4326)")
    g = g.to_crs(ALBERS_CHINA) if g.crs.is_geographic else g
    idx = pd.Index(ids)
    if not idx.isin(g.index).all():
        idx = pd.Index(normalise_units(idx)[0])
    unknown = idx.difference(g.index).tolist()
    if unknown:
        raise DataError(f"no geometry for unit(s) {unknown[:20]}")
    c = g.geometry.loc[idx].centroid
    return np.column_stack([c.x.to_numpy(), c.y.to_numpy()])


def weighted_mean_centre(xy: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """(Σ w_i x_i / Σ w_i, Σ w_i y_i / Σ w_i); equal weights when ``w`` is None."""
    xy = np.asarray(xy, dtype=float)
    w = np.ones(len(xy)) if w is None else np.asarray(w, dtype=float)
    return (w[:, None] * xy).sum(axis=0) / w.sum()


def deviational_ellipse(xy: np.ndarray, w: np.ndarray | None = None, *,
                        scale: EllipseScale = "arcgis") -> tuple[float, float, float, float, float]:
    """(centre x, centre y, σ_major, σ_minor, azimuth in degrees) of the weighted standard
    deviational ellipse (module docstring for the formulas and ``scale``)."""
    scale = check_option("scale", scale, "ellipse_scale")
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    w = np.ones(n) if w is None else np.asarray(w, dtype=float)
    c = weighted_mean_centre(xy, w)
    d = xy - c
    cov = (w[:, None, None] * d[:, :, None] * d[:, None, :]).sum(axis=0) / w.sum()
    lam, vec = np.linalg.eigh(cov)  # ascending
    factor = {"std": 1.0, "arcgis": math.sqrt(2.0),
              "crimestat": math.sqrt(2.0) * math.sqrt(n / (n - 2)) if n > 2 else math.nan}[scale]
    major, minor = factor * math.sqrt(max(lam[1], 0.0)), factor * math.sqrt(max(lam[0], 0.0))
    vx, vy = vec[:, 1]
    azimuth = math.degrees(math.atan2(vx, vy)) % 180.0
    return float(c[0]), float(c[1]), major, minor, azimuth


def ellipse_boundary(x: float, y: float, major: float, minor: float, azimuth: float, n: int = 120) -> np.ndarray:
    """(n, 2) points on an ellipse with the given centre, semi-axes and major-axis azimuth
    (degrees clockwise from north), for drawing."""
    t = np.linspace(0.0, 2 * np.pi, n)
    a = math.radians(azimuth)
    along = np.array([math.sin(a), math.cos(a)])   # unit vector of the major axis
    across = np.array([math.cos(a), -math.sin(a)])
    return np.array([x, y]) + np.outer(major * np.cos(t), along) + np.outer(minor * np.sin(t), across)


def _compass(azimuth: float) -> str:
    return _COMPASS[int(((azimuth % 360) + 22.5) // 45) % 8]


@dataclass(frozen=True)
class Centrography(SummaryMixin):
    """Centre of gravity, migration path and deviational ellipse of ``column`` by year.

    ``centres``: index year, ``x_km, y_km`` (Albers), ``lon, lat``; ``path``: index the year of
    arrival, ``from``, ``distance_km`` (planar), ``great_circle_km``, ``azimuth`` (degrees
    clockwise from north), ``direction`` (compass point), ``speed_km_per_year``;
    ``ellipses``: index year, ``major_km, minor_km, azimuth, area_km2, flattening``.
    """

    column: str
    centres: pd.DataFrame
    path: pd.DataFrame
    ellipses: pd.DataFrame
    scale: str
    n_units: int

    def to_frame(self) -> pd.DataFrame:
        """One row per year: centre, ellipse (``azimuth`` of its major axis) and the move that
        arrived in that year (``move_azimuth``, ``distance_km`` …; NaN in the first year)."""
        move = self.path.drop(columns=["from"]).rename(columns={"azimuth": "move_azimuth"})
        return self.centres.join(self.ellipses).join(move)

    def summary(self) -> Summary:
        total = float(self.path["distance_km"].sum()) if len(self.path) else 0.0
        first, last = self.centres.iloc[0], self.centres.iloc[-1]
        facts = (("Variable", self.column), ("Units", str(self.n_units)), ("Years", str(len(self.centres))),
                 ("Path length (km)", f"{total:.1f}"),
                 ("Net move (km)", f"{math.hypot(last.x_km - first.x_km, last.y_km - first.y_km):.1f}"),
                 ("Ellipse scale", self.scale))
        return Summary(f"Centre of gravity and deviational ellipse of {self.column}", facts,
                       (("Centre of gravity", self.centres), ("Migration path", self.path),
                        ("Standard deviational ellipse", self.ellipses)),
                       ("Coordinates: Albers equal-area (ALBERS_CHINA) centroids; distances planar (Albers) and "
                        "great-circle between the back-projected centres.",))


def centrography(data: pd.DataFrame, column: str, *, unit: str = "province", time: str = "year", gdf=None,
                 coords: pd.DataFrame | None = None, scale: EllipseScale = "arcgis") -> Centrography:
    """Centre of gravity, its migration path and the standard deviational ellipse of ``column``
    for every year of a long panel (module docstring for the formulas).

    Units are placed at the Albers centroids of ``gdf`` (the provinces by default), or at
    ``coords``: a frame indexed by unit with projected ``x``, ``y`` in metres.  Weights must be
    non-negative with a positive sum in every year.
    """
    from pyproj import Transformer

    from .geo import ALBERS_CHINA
    from .weights import great_circle_km

    scale = check_option("scale", scale, "ellipse_scale")
    panel = as_panel(data, unit=unit, time=time)
    X = panel.matrix(column)
    if coords is not None:
        missing = panel.units.difference(coords.index).tolist()
        if missing:
            raise DataError(f"coords has no row for unit(s) {missing[:20]}")
        xy = coords.loc[panel.units, ["x", "y"]].to_numpy(dtype=float)
    else:
        xy = projected_coordinates(panel.units, gdf)
    neg = X < 0
    if neg.any():
        i, t = np.nonzero(neg)
        raise DataError(f"weights {column!r} must be non-negative; negative at ({unit}, {time}) "
                        f"{[(panel.units[a], panel.times[b]) for a, b in zip(i[:10], t[:10])]}")
    zero = X.sum(axis=0) <= 0
    if zero.any():
        raise DataError(f"{column!r} sums to 0 in {time}(s) {panel.times[zero].tolist()}: no centre of gravity")
    rows = [deviational_ellipse(xy, X[:, t], scale=scale) for t in range(panel.T)]
    e = np.asarray(rows)
    to_lonlat = Transformer.from_crs(ALBERS_CHINA, "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(e[:, 0], e[:, 1])
    years = pd.Index(panel.times, name=time)
    centres = pd.DataFrame({"x_km": e[:, 0] / 1000, "y_km": e[:, 1] / 1000, "lon": lon, "lat": lat}, index=years)
    ellipses = pd.DataFrame({"major_km": e[:, 2] / 1000, "minor_km": e[:, 3] / 1000, "azimuth": e[:, 4]},
                            index=years)
    ellipses["area_km2"] = np.pi * ellipses["major_km"] * ellipses["minor_km"]
    ellipses["flattening"] = 1 - ellipses["minor_km"] / ellipses["major_km"]
    moves = []
    for a, b in zip(range(panel.T - 1), range(1, panel.T)):
        dx, dy = centres.iloc[b].x_km - centres.iloc[a].x_km, centres.iloc[b].y_km - centres.iloc[a].y_km
        az = math.degrees(math.atan2(dx, dy)) % 360
        gc = great_circle_km(pd.DataFrame({"lon": lon[[a, b]], "lat": lat[[a, b]]}))[0, 1]
        step = float(years[b] - years[a]) if pd.api.types.is_numeric_dtype(years) else 1.0
        moves.append({time: years[b], "from": years[a], "distance_km": math.hypot(dx, dy),
                      "great_circle_km": float(gc), "azimuth": az, "direction": _compass(az),
                      "speed_km_per_year": math.hypot(dx, dy) / step})
    path = pd.DataFrame(moves, columns=[time, "from", "distance_km", "great_circle_km", "azimuth", "direction",
                                        "speed_km_per_year"]).set_index(time)
    return Centrography(column, centres, path, ellipses, scale, panel.N)
