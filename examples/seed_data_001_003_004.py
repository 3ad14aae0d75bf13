"""Write the SIMULATED panels of the seed 001 / 003 / 004 example studies (run: python seed_data_001_003_004.py).

THE VALUES ARE SIMULATED — seeded random numbers with realistic magnitudes.  They are not
statistics of China, and the example reports built on them must not be read as findings.
Only the *layout* follows the published studies:

* ``seed003_simulated.csv`` — seed 003 (Zhang & Ouyang 2025, 中国卫生政策研究 18(9):48–56):
  31 provinces (Chinese short names), 2012–2021, the 24 indicators of its 表 2 under their
  Chinese names (directions and units are in ``seed003_medical_security.toml``).  Seed 001
  is the English abstract record of the same article (same DOI) and reads the same file.
* ``seed004_simulated.csv`` — seed 004 (Li, Peng, Lu & Yuan 2025, primary-care resource
  mismatch): 31 provinces, 2011–2021, four primary-care resources in its three dimensions
  (human, material, financial), the population as demand and two service outputs.  Seed 004
  does not print its indicator table, so the indicator *names* are assumptions within its
  stated dimensions (see ``seed004_primary_care.toml``).

The process is seeded (:data:`SEED`); the test suite regenerates both frames and compares
them with the files, so the files are exactly what this script writes.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from spatialccd.geo import province_table

HERE = Path(__file__).resolve().parent
SEED = 20250901
SEED003_FILE, SEED004_FILE = "seed003_simulated.csv", "seed004_simulated.csv"
SEED003_YEARS = list(range(2012, 2022))
SEED004_YEARS = list(range(2011, 2022))

#: seed 003 表 2: subsystem → criterion → (indicator, unit, direction, value in 2012, annual growth).
#: The first-year values and growth rates are plausible national magnitudes, not published figures.
SEED003_SYSTEM = {
    "SEC": {
        "基本层": [("基本医保密度", "元/人", "+", 600.0, 0.065), ("基本医保覆盖率", "%", "+", 95.0, 0.001),
                 ("职工医保人均赔付", "元/人", "+", 2000.0, 0.04), ("居民医保人均赔付", "元/人", "+", 250.0, 0.065),
                 ("职工医保人均累计结余", "元/人", "+", 2500.0, 0.06), ("居民医保人均累计结余", "元/人", "+", 150.0, 0.075)],
        "补充层": [("健康险密度", "元/人", "+", 60.0, 0.125), ("健康险深度", "%", "+", 0.2, 0.085),
                 ("健康险规模", "%", "+", 8.0, 0.06)],
        "托底层": [("救助密度", "元/人", "+", 15.0, 0.055), ("救助覆盖率", "%", "+", 4.0, 0.03),
                 ("救助资金使用率", "%", "+", 2.0, 0.02)],
    },
    "RES": {
        "物力": [("医院密度", "个", "+", 0.70, 0.002), ("床位密度", "张", "+", 4.2, 0.025),
               ("入院人次数", "人次", "+", 5.5e6, 0.0175), ("出院者平均住院日", "天", "-", 9.5, -0.003),
               ("病床使用率", "%", "+", 88.0, -0.008), ("人均病床周转次数", "人次", "+", 30.0, -0.005)],
        "人力": [("卫生技术人员密度", "人", "+", 4.9, 0.0275), ("医师密度", "人", "+", 1.9, 0.025),
               ("护士密度", "人", "+", 1.9, 0.035), ("人均诊疗次数", "人次", "+", 5.2, 0.0075)],
        "财力": [("政府医疗卫生投入", "元", "+", 6.0e5, 0.05), ("人均卫生总费用", "元/人", "+", 2000.0, 0.055)],
    },
}
#: Regional level and extra growth of each subsystem (seed 003 §2.1's picture: security highest in
#: the West early on, the East catching up; resources highest in the East, the Northeast lowest).
_REGION_SHAPE = {"SEC": {"East": (1.00, 0.012), "Central": (0.86, 0.010), "West": (1.08, -0.004),
                         "Northeast": (0.90, 0.004)},
                 "RES": {"East": (1.15, 0.006), "Central": (0.94, 0.002), "West": (0.95, 0.002),
                         "Northeast": (0.85, -0.002)}}

#: seed 004: criterion → (resource, unit, per-1,000-residents rate in 2011, annual growth).
SEED004_RESOURCES = {
    "human": [("primary_health_workers", "persons", 2.4, 0.030)],
    "material": [("primary_institutions", "institutions", 0.68, 0.004), ("primary_beds", "beds", 0.95, 0.025)],
    "financial": [("primary_fiscal_subsidy", "10k yuan", 1.2, 0.090)],
}
SEED004_DEMAND = ("population", "10k persons")
SEED004_OUTPUTS = (("primary_visits", "10k visits", 3.0), ("primary_admissions", "10k admissions", 0.03))
#: dispersion of per-capita resources around the fair (demand-proportional) share, by belt:
#: the West furthest from it (seed 004 §3.2); it narrows over the years (§3.1).
_SPREAD = {"East": 1.3, "Central": 1.2, "West": 1.8}


def _provinces() -> pd.DataFrame:
    return province_table()[["short_zh", "name_en", "region4", "region3"]]


def seed003_panel(seed: int = SEED) -> pd.DataFrame:
    """Long panel: province (short Chinese name), year, then the 24 indicators of seed 003 表 2."""
    rng = np.random.default_rng(seed)
    prov = _provinces()
    t = np.arange(len(SEED003_YEARS), dtype=float)
    rows = {"province": np.repeat(prov["short_zh"].to_numpy(), len(t)), "year": np.tile(SEED003_YEARS, len(prov))}
    for sub, criteria in SEED003_SYSTEM.items():
        unit_effect = rng.normal(0.0, 0.25, len(prov))             # a province's overall standing
        for items in criteria.values():
            for name, _unit, direction, level, growth in items:
                values = []
                for i, region in enumerate(prov["region4"]):
                    scale, extra = _REGION_SHAPE[sub][region]
                    sign = 1.0 if direction == "+" else -1.0
                    own = np.exp(sign * (unit_effect[i] + rng.normal(0.0, 0.2)))
                    path = level * scale ** sign * own * (1 + growth + sign * extra) ** t
                    values.append(path * np.exp(rng.normal(0.0, 0.03, t.size)))
                v = np.concatenate(values)
                if _unit == "%" and level > 50:                      # coverage and occupancy stay below 100 %
                    v = np.minimum(v, 99.5)
                rows[name] = np.round(v, 4)
    return pd.DataFrame(rows)


def _spatial_gaps(rng: np.random.Generator, codes: pd.Index, n: int) -> np.ndarray:
    """n spatially smooth standard-normal fields over the provinces: (z + 2·Wz), rescaled to unit variance,
    with W the row-standardised contiguity, so that neighbours' per-capita resources are alike (Moran's I of
    the fields ≈ 0.5).  The health distance built on them need not be: it measures the size of a gap from
    an ideal that itself depends on every province (in this simulation its Moran's I is near zero)."""
    from spatialccd.weights import contiguity

    graph = contiguity()
    w = pd.DataFrame(graph.sparse.toarray(), index=graph.unique_ids, columns=graph.unique_ids).loc[codes, codes]
    z = rng.normal(0.0, 1.0, (len(codes), n))
    field = z + 2.0 * w.to_numpy() @ z
    return field / field.std(axis=0)


def seed004_panel(seed: int = SEED) -> pd.DataFrame:
    """Long panel: province (English name), year, population (demand), the four resources, two outputs."""
    rng = np.random.default_rng(seed + 4)
    prov = _provinces()
    t = np.arange(len(SEED004_YEARS), dtype=float)
    pop0 = rng.lognormal(np.log(4000.0), 0.65, len(prov))           # 10k persons
    resources = [item for items in SEED004_RESOURCES.values() for item in items]
    gaps = _spatial_gaps(rng, prov.index, len(resources))
    shrink = 1 - 0.035 * t                                          # the spread narrows 3.5 % a year
    frames = []
    for i, (code, row) in enumerate(prov.iterrows()):
        pop = pop0[i] * (1 + rng.uniform(-0.004, 0.008)) ** t
        cols = {"province": row["name_en"], "year": SEED004_YEARS, SEED004_DEMAND[0]: np.round(pop, 2)}
        for j, (name, _unit, rate, growth) in enumerate(resources):
            gap = np.minimum(_SPREAD[row["region3"]] * gaps[i, j], 1.4) * shrink   # over-supply at most ≈ 4×
            per_1k = rate * (1 + growth) ** t * np.exp(gap + rng.normal(0.0, 0.04, t.size))
            cols[name] = np.round(per_1k * pop * 10.0, 2)               # per 1,000 × (10k persons × 10)
        efficiency = np.exp(-abs(rng.normal(0.0, 0.8)))             # a province's technical efficiency
        for name, _unit, rate in SEED004_OUTPUTS:
            served = rate * pop * efficiency * np.exp(rng.normal(0.0, 0.05, t.size))
            cols[name] = np.round(served, 3)
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def write(folder: Path = HERE) -> list[Path]:
    """Write both CSV files (UTF-8) into ``folder``; returns their paths."""
    out = []
    for frame, name in ((seed003_panel(), SEED003_FILE), (seed004_panel(), SEED004_FILE)):
        path = Path(folder) / name
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    for path in write(Path(argv[0]) if argv else HERE):
        print(f"wrote {path} (SIMULATED data)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
