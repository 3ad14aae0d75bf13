"""Centre of gravity and standard deviational ellipse (spatialccd.centrography) against pointpats
2.5.5 (``centrography.weighted_mean_center``, ``ellipse(method="crimestat")``, weighted and
unweighted) and a closed form (four points on the axes of a known ellipse)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spatialccd.centrography import (centrography, deviational_ellipse, ellipse_boundary, projected_coordinates,
                                     weighted_mean_centre)
from spatialccd.exceptions import DataError, SpatialCCDError
from spatialccd.geo import provinces
from spatialccd.weights import great_circle_km


def test_equals_pointpats():
    pc = pytest.importorskip("pointpats.centrography")
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(20, 2)) @ np.array([[3.0, 1.0], [0.0, 1.0]])
    w = rng.uniform(0.1, 1.0, 20)
    for weights in (None, w):
        major, minor, angle = pc.ellipse(xy, weights=weights, method="crimestat")
        _, _, a, b, azimuth = deviational_ellipse(xy, weights, scale="crimestat")
        assert (a, b) == pytest.approx((major, minor), rel=1e-12)
        # pointpats gives the major axis' angle from the x axis; azimuth is clockwise from north
        assert azimuth == pytest.approx((90 - math.degrees(angle)) % 180, abs=1e-9)
    assert weighted_mean_centre(xy, w) == pytest.approx(pc.weighted_mean_center(xy, w), rel=1e-14)
    std, arcgis = deviational_ellipse(xy, w, scale="std"), deviational_ellipse(xy, w, scale="arcgis")
    assert arcgis[2] == pytest.approx(math.sqrt(2) * std[2]) and arcgis[3] == pytest.approx(math.sqrt(2) * std[3])


@pytest.mark.parametrize("azimuth", [0.0, 30.0, 90.0, 135.0])
def test_closed_form_ellipse(azimuth):
    """c ± a·u and c ± b·v (u the major-axis direction): covariance a²/2, b²/2, so the
    √2-scaled (ArcGIS) semi-axes are exactly a and b, along the given azimuth."""
    a, b, c = 5.0, 2.0, np.array([10.0, -3.0])
    t = math.radians(azimuth)
    u, v = np.array([math.sin(t), math.cos(t)]), np.array([math.cos(t), -math.sin(t)])
    xy = np.array([c + a * u, c - a * u, c + b * v, c - b * v])
    cx, cy, major, minor, az = deviational_ellipse(xy, scale="arcgis")
    assert (cx, cy) == pytest.approx(tuple(c))
    assert (major, minor) == pytest.approx((a, b), rel=1e-12)
    assert az == pytest.approx(azimuth % 180, abs=1e-9)
    pts = ellipse_boundary(cx, cy, major, minor, az, n=5)
    assert pts[0] == pytest.approx(c + a * u)  # the boundary starts at the end of the major axis


def _panel(weights):
    ids = list(provinces().index)
    years = [2020, 2021, 2022]
    return pd.DataFrame({"province": np.repeat(ids, 3), "year": np.tile(years, len(ids)),
                         "D": np.asarray(weights, dtype=float).ravel()})


def test_centres_path_and_ellipses_by_year():
    rng = np.random.default_rng(4)
    df = _panel(rng.uniform(0.2, 0.8, (31, 3)))
    r = centrography(df, "D")
    xy = projected_coordinates(list(provinces().index))
    for year in (2020, 2022):
        wv = df[df.year == year]["D"].to_numpy()
        assert r.centres.loc[year, ["x_km", "y_km"]].to_numpy() == pytest.approx(weighted_mean_centre(xy, wv) / 1000)
        e = deviational_ellipse(xy, wv, scale="arcgis")
        assert r.ellipses.loc[year, "major_km"] == pytest.approx(e[2] / 1000)
        assert r.ellipses.loc[year, "area_km2"] == pytest.approx(math.pi * e[2] * e[3] / 1e6)
    step = r.centres.loc[2021, ["x_km", "y_km"]].to_numpy() - r.centres.loc[2020, ["x_km", "y_km"]].to_numpy()
    assert r.path.loc[2021, "distance_km"] == pytest.approx(np.hypot(*step))
    gc = great_circle_km(r.centres.loc[[2020, 2021], ["lon", "lat"]])[0, 1]
    assert r.path.loc[2021, "great_circle_km"] == pytest.approx(gc)
    assert abs(r.path.loc[2021, "great_circle_km"] / r.path.loc[2021, "distance_km"] - 1) < 0.02
    assert r.path.loc[2021, "azimuth"] == pytest.approx(math.degrees(math.atan2(step[0], step[1])) % 360)
    assert 20 < r.centres["lat"].mean() < 45 and 95 < r.centres["lon"].mean() < 120
    assert list(r.to_frame().columns)[:4] == ["x_km", "y_km", "lon", "lat"]
    assert "Migration path" in str(r)
    # a year's result does not depend on the others
    alone = centrography(df[df.year == 2022], "D")
    assert alone.centres.loc[2022].to_numpy() == pytest.approx(r.centres.loc[2022].to_numpy())


def test_equal_weights_give_the_mean_centre_and_errors():
    df = _panel(np.ones((31, 3)))
    r = centrography(df, "D")
    xy = projected_coordinates(list(provinces().index))
    assert r.centres.iloc[0][["x_km", "y_km"]].to_numpy() == pytest.approx(xy.mean(axis=0) / 1000)
    assert (r.path["distance_km"] == 0).all()
    with pytest.raises(DataError, match="non-negative"):
        centrography(df.assign(D=df.D - 2), "D")
    with pytest.raises(DataError, match="sums to 0"):
        centrography(df.assign(D=0.0), "D")
    with pytest.raises(SpatialCCDError, match="scale"):
        centrography(df, "D", scale="yuill")


def test_gravity_map():
    from spatialccd.plots.centrography import gravity_map

    rng = np.random.default_rng(4)
    ax = gravity_map(centrography(_panel(rng.uniform(0.2, 0.8, (31, 3))), "D"), lang="en")
    gids = {line.get_gid() for line in ax.lines}
    assert {"ellipse_2020", "ellipse_2021", "ellipse_2022", "path"} <= gids
