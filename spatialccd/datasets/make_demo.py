"""Generate the **simulated** demo panel ``spatialccd/data/demo_panel.csv``.

THE NUMBERS ARE SIMULATED.  They have realistic magnitudes for Chinese
provinces 2012–2023 but are drawn from the process below; they are not, and
must not be read as, statistics of China or of any province.

Run ``python -m spatialccd.datasets.make_demo`` to rewrite the file; the
process is seeded (:data:`SEED`), so the file is reproduced exactly.

Generating process
------------------
W is the row-standardised queen contiguity of the 31 provinces
(:func:`spatialccd.weights.contiguity`, Hainan linked to Guangdong).

1. Latent development.  A province level a_i = region shift (East +1,
   Central 0, Northeast −0.2, West −0.6) + a spatially smooth field
   (I − 0.7 W)⁻¹ e, e ~ N(0, 0.3²).  Two latent subsystem paths,
   health h_it and digital g_it, each = loading · a_i + a common trend + a
   province-specific trend + a spatially correlated AR(1) shock
   u_t = 0.6 u_{t−1} + (I − 0.5 W)⁻¹ ν_t.
2. Indicators.  Each indicator j is x_ijt = m_jt · exp(s_j · z_it + η_ijt) for
   a positive indicator and m_jt · exp(−s_j · z_it + η_ijt) for a negative
   one, where z is the subsystem's latent path, m_jt interpolates geometrically
   between the 2012 and 2023 national levels in :data:`INDICATORS`, s_j sets the
   provincial dispersion and η_ijt ~ N(0, 0.04²).
3. Controls.  Each control k = level_k + slope_k · (t − 2012) + c_k · a_i +
   province trend + spatially correlated AR(1) shock (scales in :data:`CONTROLS`).
4. Outcome.  With X_t the N×5 controls of year t (rounded as stored),
   ``outcome_t = (I − ρW)⁻¹ (X_t β + W X_t θ + μ + α_t + ε_t)``,
   ε_t ~ N(0, σ² I), μ_i = 50 + 4 a_i, α_t = 0.5 (t − 2012): a two-way
   fixed-effects spatial Durbin model with the parameters :data:`RHO`,
   :data:`BETA`, :data:`THETA`, :data:`SIGMA`.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20120101
YEARS = tuple(range(2012, 2024))

#: True spatial-Durbin parameters of the outcome (two-way fixed effects).
RHO = 0.45
BETA = {"lngdp": 3.0, "edu": 0.40, "aged65": -0.60, "urban": 0.25, "gov_digital": 0.10}
THETA = {"lngdp": 1.5, "edu": -0.30, "aged65": 0.40, "urban": 0.0, "gov_digital": 0.15}
SIGMA = 0.3
OUTCOME = "outcome"

# subsystem, column, English label, Chinese label, direction, unit, 2012 level, 2023 level, dispersion s_j
INDICATORS: tuple[tuple[str, str, str, str, str, str, float, float, float], ...] = (
    ("health", "beds_per_1k", "Hospital beds per 1,000 population", "每千人口医疗卫生机构床位数",
     "positive", "beds per 1,000", 4.2, 6.9, 0.12),
    ("health", "physicians_per_1k", "Licensed physicians per 1,000 population", "每千人口执业(助理)医师数",
     "positive", "persons per 1,000", 1.9, 3.4, 0.20),
    ("health", "nurses_per_1k", "Registered nurses per 1,000 population", "每千人口注册护士数",
     "positive", "persons per 1,000", 2.0, 4.0, 0.22),
    ("health", "health_exp_pc", "Total health expenditure per capita", "人均卫生总费用",
     "positive", "yuan", 2050.0, 6400.0, 0.30),
    ("health", "primary_inst_per_10k", "Primary-care institutions per 10,000 population",
     "每万人口基层医疗卫生机构数", "positive", "institutions per 10,000", 6.8, 7.1, 0.18),
    ("health", "avg_stay_days", "Average length of hospital stay", "出院者平均住院日",
     "negative", "days", 9.8, 8.9, 0.06),
    ("health", "oop_share", "Out-of-pocket share of health expenditure", "个人卫生支出占卫生总费用比重",
     "negative", "%", 34.3, 27.3, 0.08),
    ("health", "infant_mortality", "Infant mortality rate", "婴儿死亡率",
     "negative", "per 1,000 live births", 10.3, 4.5, 0.30),
    ("digital", "broadband_per_100", "Fixed broadband subscribers per 100 population", "每百人互联网宽带接入用户数",
     "positive", "subscribers per 100", 12.5, 45.0, 0.25),
    ("digital", "mobile_per_100", "Mobile phone subscriptions per 100 population", "移动电话普及率",
     "positive", "subscriptions per 100", 82.5, 125.0, 0.15),
    ("digital", "internet_share", "Internet users share of population", "互联网普及率",
     "positive", "%", 42.1, 77.5, 0.12),
    ("digital", "software_rev_pc", "Software and IT service revenue per capita", "人均软件和信息技术服务业收入",
     "positive", "yuan", 1850.0, 8800.0, 0.80),
    ("digital", "digital_finance", "Digital inclusive finance index", "数字普惠金融指数",
     "positive", "index", 150.0, 410.0, 0.10),
    ("digital", "ecommerce_share", "Enterprises with e-commerce trading", "有电子商务交易活动的企业比重",
     "positive", "%", 5.2, 11.3, 0.20),
    ("digital", "rural_urban_net_gap", "Urban–rural internet penetration gap", "城乡互联网普及率差距",
     "negative", "percentage points", 35.0, 19.5, 0.15),
)

# column, English label, Chinese label, unit, 2012 level, yearly change, loading on a_i,
# province-trend sd, shock sd, decimals
CONTROLS: tuple[tuple[str, str, str, str, float, float, float, float, float, int], ...] = (
    ("lngdp", "ln GDP per capita", "人均地区生产总值(对数)", "ln yuan", 10.55, 0.065, 0.35, 0.012, 0.050, 4),
    ("edu", "Population with tertiary education", "大专及以上学历人口占比", "%", 10.5, 0.80, 4.0, 0.25, 0.60, 2),
    ("aged65", "Population aged 65 and over", "65岁及以上人口占比", "%", 9.4, 0.45, 0.8, 0.15, 0.40, 2),
    ("urban", "Urbanisation rate", "城镇化率", "%", 52.0, 1.25, 9.0, 0.30, 0.70, 2),
    ("gov_digital", "Government attention to digitalisation", "政府数字关注度",
     "keywords per 10,000 words", 6.0, 2.2, 1.5, 0.50, 2.00, 2),
)

_REGION_SHIFT = {"East": 1.0, "Central": 0.0, "Northeast": -0.2, "West": -0.6}


def weights_matrix() -> tuple[pd.Index, np.ndarray]:
    """Province codes (sorted) and the dense row-standardised contiguity matrix W in that order."""
    from ..weights import contiguity, to_sparse

    graph = contiguity()
    codes = pd.Index(sorted(graph.unique_ids), name="province")
    return codes, to_sparse(graph, codes).toarray()


def _spatial_shocks(rng: np.random.Generator, w: np.ndarray, lam: float, sd: float, n_years: int,
                    ar: float = 0.6) -> np.ndarray:
    """(N, T) AR(1) shocks whose innovations are spatially correlated: (I − λW)⁻¹ ν_t."""
    n = w.shape[0]
    inv = np.linalg.inv(np.eye(n) - lam * w)
    out = np.zeros((n, n_years))
    prev = np.zeros(n)
    for t in range(n_years):
        prev = ar * prev + inv @ rng.normal(0.0, sd, n)
        out[:, t] = prev
    return out


def simulate(*, seed: int = SEED) -> pd.DataFrame:
    """Draw the simulated panel (see the module docstring); one row per province and year.

    Columns: ``province`` (GB/T 2260 code), ``year``, the indicators of
    :data:`INDICATORS`, the controls of :data:`CONTROLS` and ``outcome``.
    """
    from ..geo import province_table

    rng = np.random.default_rng(seed)
    codes, w = weights_matrix()
    n, n_years = len(codes), len(YEARS)
    step = np.arange(n_years)
    region = province_table().loc[codes, "region4"].map(_REGION_SHIFT).to_numpy()
    a = region + np.linalg.solve(np.eye(n) - 0.7 * w, rng.normal(0.0, 0.3, n))
    a = (a - a.mean()) / a.std()

    latent = {
        "health": 0.8 * a[:, None] + rng.normal(0.0, 0.02, n)[:, None] * step
        + _spatial_shocks(rng, w, 0.5, 0.10, n_years),
        "digital": 1.0 * a[:, None] + rng.normal(0.0, 0.03, n)[:, None] * step
        + _spatial_shocks(rng, w, 0.5, 0.10, n_years),
    }
    columns: dict[str, np.ndarray] = {}
    for subsystem, col, *_labels, direction, _unit, first, last, disp in INDICATORS:
        national = first * (last / first) ** (step / (n_years - 1))
        sign = 1.0 if direction == "positive" else -1.0
        values = national[None, :] * np.exp(sign * disp * latent[subsystem] + rng.normal(0.0, 0.04, (n, n_years)))
        columns[col] = np.round(values, 2 if values.max() < 1000 else 0)

    controls = {}
    for col, _en, _zh, _unit, level, slope, load, trend_sd, shock_sd, decimals in CONTROLS:
        values = (level + slope * step[None, :] + load * a[:, None]
                  + rng.normal(0.0, trend_sd, n)[:, None] * step[None, :]
                  + _spatial_shocks(rng, w, 0.4, shock_sd, n_years))
        controls[col] = np.round(values, decimals)
    columns.update(controls)

    x = np.stack([controls[k] for k in BETA], axis=2)            # (N, T, K)
    beta = np.array(list(BETA.values()))
    theta = np.array([THETA[k] for k in BETA])
    mu = 50.0 + 4.0 * a
    inv = np.linalg.inv(np.eye(n) - RHO * w)
    y = np.empty((n, n_years))
    for t in range(n_years):
        xt = x[:, t, :]
        y[:, t] = inv @ (xt @ beta + w @ xt @ theta + mu + 0.5 * t + rng.normal(0.0, SIGMA, n))
    columns[OUTCOME] = np.round(y, 4)

    frame = pd.DataFrame({"province": np.repeat(codes.to_numpy(), n_years),
                          "year": np.tile(np.array(YEARS), n)})
    for col, values in columns.items():
        frame[col] = values.reshape(-1)
    return frame


def true_effects() -> pd.DataFrame:
    """The true average direct, indirect and total effects of each control (LeSage & Pace 2009).

    S_k = (I − ρW)⁻¹ (β_k I + θ_k W); direct = tr(S_k)/N, total = 1ᵀS_k1/N,
    indirect = total − direct.
    """
    _codes, w = weights_matrix()
    n = w.shape[0]
    inv = np.linalg.inv(np.eye(n) - RHO * w)
    rows = {}
    for k, b in BETA.items():
        s = inv @ (b * np.eye(n) + THETA[k] * w)
        direct, total = np.trace(s) / n, s.sum() / n
        rows[k] = {"direct": direct, "indirect": total - direct, "total": total}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("regressor")


def main(argv: list[str] | None = None) -> int:
    """Rewrite the demo CSV (default: the packaged ``spatialccd/data/demo_panel.csv``)."""
    from ..io import write_csv

    parser = argparse.ArgumentParser(description="Regenerate the simulated spatialccd demo panel.")
    parser.add_argument("-o", "--output", type=Path,
                        default=Path(__file__).resolve().parents[1] / "data" / "demo_panel.csv")
    args = parser.parse_args(argv)
    write_csv(simulate(), args.output, index=False)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
