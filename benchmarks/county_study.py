"""A county-scale study for ``make bench``: N = nx × ny square "counties" over eastern China, T years.

THE DATA ARE SIMULATED (seeded): eight positive indicators in two subsystems, an outcome and two
regressors, 20 "provinces" (blocks of counties) as the Dagum / density groups.  The layout is what a
county study has: a GeoJSON of the units with a 6-digit integer code, a long CSV, and a study file
running every step of the chain (evaluation, CCD, obstacle, Moran and LISA by year, Dagum, densities,
the specification tests, the two-way SDM with 1,000-draw effects, the report).

    python benchmarks/county_study.py OUT_DIR [nx ny T]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

STEP_DEG = 0.2   # cell side in degrees (about 20 km)


def _cells(nx: int, ny: int) -> tuple[list[dict], list[int], list[str]]:
    feats, ids, groups = [], [], []
    for i in range(ny):
        for j in range(nx):
            uid = 100000 + i * nx + j
            x0, y0 = 100.0 + j * STEP_DEG, 22.0 + i * STEP_DEG
            ring = [[x0, y0], [x0 + STEP_DEG, y0], [x0 + STEP_DEG, y0 + STEP_DEG], [x0, y0 + STEP_DEG], [x0, y0]]
            group = f"P{i * 5 // ny}{j * 4 // nx}"
            feats.append({"type": "Feature", "properties": {"code": uid, "prov": group},
                          "geometry": {"type": "Polygon", "coordinates": [ring]}})
            ids.append(uid)
            groups.append(group)
    return feats, ids, groups


def make(out: Path, nx: int = 57, ny: int = 50, T: int = 15, *, seed: int = 7) -> Path:
    """Write counties.geojson, panel.csv and study.toml into ``out``; return the study file."""
    out.mkdir(parents=True, exist_ok=True)
    feats, ids, groups = _cells(nx, ny)
    (out / "counties.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    rng = np.random.default_rng(seed)
    N = len(ids)
    base = rng.normal(size=(N, 8))
    levels = np.concatenate([np.exp((base + 0.1 * t + rng.normal(scale=0.3, size=(N, 8))) / 3) for t in range(T)])
    df = pd.DataFrame(levels, columns=["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"])
    df.insert(0, "prov", np.tile(groups, T))
    df.insert(0, "year", np.repeat(np.arange(2008, 2008 + T), N))
    df.insert(0, "county", np.tile(ids, T))
    df["x1"], df["x2"] = rng.normal(size=N * T), rng.normal(size=N * T)
    df["outcome"] = 0.5 * df["x1"] - 0.3 * df["x2"] + rng.normal(size=N * T)
    df.to_csv(out / "panel.csv", index=False)
    last = 2008 + T - 1
    study = out / "study.toml"
    study.write_text(f'''# County-scale benchmark study: THE DATA ARE SIMULATED (benchmarks/county_study.py).
title = "County-scale benchmark, {N} units x {T} years (simulated)"

[data]
path = "panel.csv"
simulated = true
unit = "county"
time = "year"
geometry = "counties.geojson"
geometry_id = "code"

[indicators.health]
a1 = "+"
a2 = "+"
a3 = "+"
a4 = "-"

[indicators.digital]
b1 = "+"
b2 = "+"
b3 = "+"
b4 = "-"

[obstacle]
level = "indicator"

[weights]
kind = "contiguity"

[moran]
permutations = 999
seed = 1

[lisa]
years = [2008, {(2008 + last) // 2}, {last}]
permutations = 999
seed = 1

[dagum]
group = "prov"

[kde]
group = "prov"

[tests]
effects = "twoways"

[sdm]
formula = "outcome ~ x1 + x2"
effects = "twoways"
n_draws = 1000
seed = 1

[report]
lang = "en"
''', encoding="utf-8")
    return study


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    dims = [int(a) for a in args[1:4]] if len(args) >= 4 else [57, 50, 15]
    print(make(Path(args[0]), *dims))
