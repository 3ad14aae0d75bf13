"""Write the SIMULATED city panel of the Yangtze River Delta example (41 prefecture-level units, 2012–2021).

The units and their shapes are real (spatialccd.geo.cities of Shanghai, Jiangsu, Zhejiang, Anhui); every
value is simulated with a fixed seed: indicator levels that grow over time with city-specific levels,
and an outcome drawn from a two-way fixed-effects SDM on the cities' queen contiguity.  The numbers are
not statistics of these cities and must not be read as such.

    python examples/yrd_cities/make_data.py      # rewrites examples/yrd_cities/panel.csv
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import spatialccd as sc
from spatialccd.models.simulate import simulate_sdm

YEARS = range(2012, 2022)
PROVINCES = ["31", "32", "33", "34"]


def simulate(seed: int = 20241201) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gdf = sc.geo.cities(province=PROVINCES)
    w = sc.weights.contiguity(gdf)
    codes = list(w.unique_ids)
    n, years = len(codes), list(YEARS)
    base = rng.normal(0, 1, size=(n, 4))
    rows = []
    for t, year in enumerate(years):
        trend = 0.06 * t
        for i, code in enumerate(codes):
            rows.append({
                "city": int(code), "year": year,
                "province": gdf.loc[code, "province_en"],
                "doctors_per_10k": round(25 + 6 * base[i, 0] + 12 * trend + rng.normal(0, 0.8), 2),
                "beds_per_10k": round(55 + 10 * base[i, 1] + 20 * trend + rng.normal(0, 1.5), 2),
                "oop_share": round(30 - 3 * base[i, 0] - 8 * trend + rng.normal(0, 0.7), 2),
                "gdp_pc": round(np.exp(11.2 + 0.35 * base[i, 2] + 0.5 * trend + rng.normal(0, 0.02)), 0),
                "urban_rate": round(min(95, 60 + 8 * base[i, 3] + 10 * trend + rng.normal(0, 0.6)), 2),
                "digital_index": round(40 + 9 * base[i, 2] + 30 * trend + rng.normal(0, 1.2), 2),
            })
    frame = pd.DataFrame(rows)
    sdm = simulate_sdm(w.sparse, len(years), rho=0.35, beta=[0.8, -0.4], theta=[0.3, 0.2], seed=seed,
                       unit_ids=[int(c) for c in codes], start_year=years[0])
    frame = frame.merge(sdm.rename(columns={"unit": "city", "y": "outcome", "x1": "x1", "x2": "x2"}),
                        on=["city", "year"])
    return frame


if __name__ == "__main__":
    out = Path(__file__).with_name("panel.csv")
    simulate().to_csv(out, index=False)
    print(f"wrote {out}")
