"""Write the data of the seed 000 and seed 002 example studies (``python make_seed_data.py``).

THE INDICATOR AND FACTOR VALUES ARE SIMULATED.  They copy the *layout* of the two
published studies in ``../shared/seeds/`` — units, years, indicator names, units of
measurement and directions — with made-up numbers of plausible magnitude drawn from
the seeded process below.  They are not statistics of China and must not be read as such.
The one exception is ``seed000_table5_printed_scores.csv``: the subsystem scores S1 and S2
exactly as seed 000 prints them in its Table 5 (not simulated), so that the example
reproduces that table's C, T, D, S and development types.

Seed 000 (Wang, Zhu & Liu): Beijing, Tianjin, Hebei in 2020 and 2022; Table 1's ten
indicators of medical security service capacity and of economic development, as named
there, with its directions (fund expenditure is the one negative indicator).  Values are
the seed's orders of magnitude times lognormal noise (σ = 0.08) and a 2020→2022 drift.

Seed 002 (digital economy × healthcare resources): 31 provinces, 2012–2023.  The seed's
text does not print its Table 1; it names the four dimensions of the digital economy
(11 indicators) and the five of healthcare resources, and two indicators of each
(internet penetration and telecommunications business volume; outpatient and emergency
visits and discharged patients).  The other indicator names are ours, chosen within those
dimensions.  The influencing factors are its Table 2 (GDP per capita — lnx1 in the seed —,
tertiary education, aged 65+, urban population density, urbanisation, government digital
attention).  Process: factors x_kit trend by region with spatially smooth province levels;
a latent development z = (I − ρW)⁻¹(X_t β + W X_t θ + μ + ε_t) on the queen contiguity W
(ρ = 0.3), standardised; indicator j of subsystem s is m_jt · exp(±s_j · (z + u_s) + η) with
u_s a persistent province deviation of the subsystem and η ~ N(0, 0.05²), so that the
coupling coordination degree D computed from the indicators depends on the factors.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 16_000_002
HERE = Path(__file__).resolve().parent

SEED000_FILE = "seed000_bth_medical_security_simulated.csv"
SEED000_PRINTED = "seed000_table5_printed_scores.csv"
SEED002_FILE = "seed002_digital_health_simulated.csv"

# -- seed 000 ---------------------------------------------------------------------------------
SEED000_UNITS = ("Beijing", "Tianjin", "Hebei")
SEED000_YEARS = (2020, 2022)
#: column, seed 000 Table 1 name, unit, direction, level (Beijing, Tianjin, Hebei) in 2020, 2020→2022 growth
SEED000_INDICATORS = (
    ("institutions_per_10k", "Number of healthcare institutions per 10,000 population", "individual", "+",
     (4.8, 4.2, 11.6), 0.03),
    ("health_professionals_per_10k", "Number of health professionals in healthcare institutions per 10,000 "
     "population", "Person", "+", (126.0, 82.0, 70.0), 0.08),
    ("beds_per_10k", "Number of hospital beds in healthcare institutions per 10,000 population", "Beds", "+",
     (58.0, 49.0, 59.0), 0.06),
    ("insurance_enrollees", "Basic Medical insurance Enrollees", "per 10,000 population", "+",
     (1900.0, 1150.0, 7050.0), 0.01),
    ("fund_income", "Basic Medical insurance Fund Income", "Million yuan", "+", (160000.0, 42000.0, 95000.0), 0.10),
    ("fund_expenditure", "Basic Medical insurance Fund Expenditure", "Million yuan", "-",
     (130000.0, 36000.0, 80000.0), 0.12),
    ("insurance_income_per_capita", "Basic Medical insurance Per Capita Income", "Yuan", "+",
     (8400.0, 3650.0, 1350.0), 0.08),
    ("gdp", "Regional GDP", "Million yuan", "+", (3610000.0, 1410000.0, 3620000.0), 0.09),
    ("gdp_per_capita", "Regional GDP per capita", "Yuan", "+", (164900.0, 101600.0, 48600.0), 0.09),
    ("gdp_growth", "GDP Growth Rate", "%", "+", (1.2, 1.5, 3.9), 0.0),
)
#: Seed 000 Table 5 as printed: S1 (medical security service capacity), S2 (regional economic development).
SEED000_TABLE5 = {
    (2020, "Beijing"): (0.488, 0.663), (2020, "Tianjin"): (0.319, 0.341), (2020, "Hebei"): (0.399, 0.254),
    (2022, "Beijing"): (0.500, 0.640), (2022, "Tianjin"): (0.319, 0.376), (2022, "Hebei"): (0.423, 0.247),
}


def seed000_panel(rng: np.random.Generator) -> pd.DataFrame:
    """The simulated indicators of seed 000 (one row per province and year)."""
    rows = []
    for year in SEED000_YEARS:
        for i, unit in enumerate(SEED000_UNITS):
            row = {"province": unit, "year": year}
            for col, _name, _unit, _dir, levels, growth in SEED000_INDICATORS:
                drift = (1 + growth) if year == SEED000_YEARS[1] else 1.0
                value = levels[i] * drift * float(np.exp(rng.normal(0.0, 0.08)))
                row[col] = round(value, 2 if value < 1000 else 0)
            rows.append(row)
    return pd.DataFrame(rows)


def seed000_printed() -> pd.DataFrame:
    """Seed 000 Table 5's printed S1 and S2 (NOT simulated)."""
    return pd.DataFrame([{"province": u, "year": y, "S1": s1, "S2": s2} for (y, u), (s1, s2) in SEED000_TABLE5.items()])


# -- seed 002 ---------------------------------------------------------------------------------
SEED002_YEARS = tuple(range(2012, 2024))
#: subsystem, dimension, column, unit, direction, national level 2012, 2023, dispersion; † = named in the seed's text
SEED002_INDICATORS = (
    ("digital_economy", "digital_infrastructure", "internet_penetration", "%", "+", 42.0, 77.5, 0.15),   # †
    ("digital_economy", "digital_infrastructure", "telecom_business_volume", "100 million yuan", "+",
     400.0, 5500.0, 0.60),                                                                              # †
    ("digital_economy", "digital_infrastructure", "optical_cable_density", "km per km2", "+", 0.15, 0.60, 0.70),
    ("digital_economy", "digital_industrialization", "software_revenue", "100 million yuan", "+",
     800.0, 3900.0, 1.00),
    ("digital_economy", "digital_industrialization", "it_employment", "10,000 persons", "+", 9.0, 22.0, 0.70),
    ("digital_economy", "digital_industrialization", "electronics_output", "100 million yuan", "+",
     2500.0, 5200.0, 0.90),
    ("digital_economy", "industrial_digitalization", "ecommerce_sales", "100 million yuan", "+",
     2000.0, 9000.0, 0.80),
    ("digital_economy", "industrial_digitalization", "digital_finance_index", "index", "+", 150.0, 410.0, 0.12),
    ("digital_economy", "industrial_digitalization", "ecommerce_enterprise_share", "%", "+", 5.0, 11.0, 0.25),
    ("digital_economy", "digital_environment", "rd_intensity", "%", "+", 1.5, 2.4, 0.45),
    ("digital_economy", "digital_environment", "patents_per_10k", "patents per 10,000", "+", 3.0, 15.0, 0.70),
    ("healthcare_resources", "material_resources", "beds_per_1k", "beds per 1,000", "+", 4.2, 6.9, 0.12),
    ("healthcare_resources", "material_resources", "institutions_per_10k", "per 10,000", "+", 6.9, 7.3, 0.20),
    ("healthcare_resources", "human_resources", "physicians_per_1k", "persons per 1,000", "+", 1.9, 3.4, 0.18),
    ("healthcare_resources", "human_resources", "nurses_per_1k", "persons per 1,000", "+", 2.0, 4.0, 0.20),
    ("healthcare_resources", "financial_resources", "health_expenditure_per_capita", "yuan", "+",
     2000.0, 6400.0, 0.25),
    ("healthcare_resources", "financial_resources", "health_share_of_budget", "%", "+", 6.5, 8.0, 0.15),
    ("healthcare_resources", "service_output", "outpatient_emergency_visits", "10,000 visits", "+",
     22000.0, 30000.0, 0.70),                                                                           # †
    ("healthcare_resources", "service_output", "discharged_patients", "10,000 persons", "+", 600.0, 950.0, 0.65),  # †
    ("healthcare_resources", "service_efficiency", "bed_occupancy_rate", "%", "+", 88.0, 75.0, 0.06),
    ("healthcare_resources", "service_efficiency", "average_length_of_stay", "days", "-", 9.8, 8.8, 0.07),
)
#: factor (seed 002 Table 2), unit, 2012 level, yearly change, loading on the province level, shock sd, decimals
SEED002_FACTORS = (
    ("gdp_pc", "yuan", 38000.0, 0.065, 0.35, 0.03, 0),          # regional GDP per capita (lnx1 = log(gdp_pc))
    ("edu", "%", 10.5, 0.8, 4.0, 0.5, 2),                      # population with tertiary education
    ("aged65", "%", 9.4, 0.45, 0.8, 0.35, 2),                  # population aged 65 and above
    ("density", "1,000 persons per km2", 2.4, 0.03, 0.6, 0.15, 3),  # urban population density
    ("urban", "%", 52.0, 1.2, 9.0, 0.6, 2),                    # urbanisation rate
    ("gov_digital", "keywords per 10,000 words", 6.0, 2.0, 1.5, 1.5, 2),  # provincial government digital attention
)
_BETA = {"gdp_pc": 1.0, "edu": 0.08, "aged65": -0.10, "density": -0.15, "urban": 0.03, "gov_digital": 0.05}
_THETA = {"gdp_pc": 0.5, "edu": -0.04, "aged65": 0.05, "density": 0.0, "urban": 0.01, "gov_digital": 0.03}
_RHO = 0.3
_REGION_LEVEL = {"East": 1.0, "Central": 0.0, "West": -0.8}


def _contiguity() -> tuple[list[str], np.ndarray]:
    from spatialccd.weights import contiguity, to_sparse

    g = contiguity()
    codes = sorted(g.unique_ids)
    return codes, to_sparse(g, codes).toarray()


def seed002_panel(rng: np.random.Generator) -> pd.DataFrame:
    """The simulated panel of seed 002 (31 provinces × 2012–2023): indicators and factors."""
    from spatialccd.geo import province_table

    codes, w = _contiguity()
    n, t = len(codes), len(SEED002_YEARS)
    step = np.arange(t)
    table = province_table().loc[codes]
    smooth = np.linalg.solve(np.eye(n) - 0.6 * w, rng.normal(0.0, 0.4, n))
    level = table["region3"].map(_REGION_LEVEL).to_numpy() + smooth
    level = (level - level.mean()) / level.std()
    factors = {}
    for col, _unit, first, change, load, sd, decimals in SEED002_FACTORS:
        noise = np.cumsum(rng.normal(0.0, sd, (n, t)), axis=1) * 0.5
        if col == "gdp_pc":   # log-linear growth
            values = first * np.exp(change * step[None, :] + load * level[:, None] + 0.05 * noise)
        else:
            values = first + change * step[None, :] + load * level[:, None] + noise
        factors[col] = np.round(np.maximum(values, 0.01), decimals)
    x = np.stack([np.log(factors["gdp_pc"]) if k == "gdp_pc" else factors[k] for k in _BETA], axis=2)
    beta, theta = np.array(list(_BETA.values())), np.array(list(_THETA.values()))
    inv = np.linalg.inv(np.eye(n) - _RHO * w)
    mu = rng.normal(0.0, 0.3, n)
    z = np.column_stack([inv @ (x[:, s] @ beta + w @ x[:, s] @ theta + mu + rng.normal(0.0, 0.15, n))
                         for s in range(t)])
    z = (z - z.mean()) / z.std()
    own = {s: rng.normal(0.0, 0.35, n)[:, None] + rng.normal(0.0, 0.05, (n, t))   # persistent, subsystem-specific
           for s in ("digital_economy", "healthcare_resources")}
    columns = {}
    for subsystem, _dim, col, unit, direction, first, last, disp in SEED002_INDICATORS:
        national = first * (last / first) ** (step / (t - 1))
        sign = 1.0 if direction == "+" else -1.0
        values = national[None, :] * np.exp(sign * disp * (z + own[subsystem]) + rng.normal(0.0, 0.05, (n, t)))
        if unit == "%":
            values = np.minimum(values, 99.0)
        columns[col] = np.round(values, 3 if values.max() < 10 else 2)
    columns.update(factors)
    frame = pd.DataFrame({"province": np.repeat(table["name_en"].to_numpy(), t), "year": np.tile(SEED002_YEARS, n)})
    for col, values in columns.items():
        frame[col] = values.reshape(-1)
    return frame


def write(folder: Path = HERE) -> list[Path]:
    """Write the three CSV files of the seed 000 and 002 examples into ``folder`` (deterministic)."""
    rng = np.random.default_rng(SEED)
    frames = {SEED000_FILE: seed000_panel(rng), SEED000_PRINTED: seed000_printed(), SEED002_FILE: seed002_panel(rng)}
    out = []
    for name, frame in frames.items():
        path = Path(folder) / name
        frame.to_csv(path, index=False, lineterminator="\n")
        out.append(path)
    return out


if __name__ == "__main__":
    for p in write():
        print(p)
