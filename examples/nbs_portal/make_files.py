"""Write the simulated NBS-portal export files of this example (run: python make_files.py).

THE VALUES ARE SIMULATED (seeded random numbers with realistic magnitudes); they are
not statistics of China.  Only the file layout copies the data portal's exports
(分省年度数据): metadata lines, the 地区 header row, 全国 / 香港 / 东部地区 rows,
footnotes, CRLF line ends, UTF-8 with BOM or GBK with tab–comma separators.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from spatialccd.geo import province_table

HERE = Path(__file__).resolve().parent
YEARS = list(range(2014, 2024))
NOTE = "注：本例数值为模拟数据（spatialccd 示例），不是国家统计局数据。"
SOURCE = "数据来源：国家统计局"


def simulate(seed: int = 2024) -> dict[str, dict[str, np.ndarray]]:
    """Province → indicator → values over YEARS."""
    rng = np.random.default_rng(seed)
    names = province_table()["name_zh"]
    t = np.arange(len(YEARS))
    out = {}
    for name in names:
        pop0, gdp_pc0 = rng.lognormal(np.log(3500), 0.6), rng.lognormal(np.log(45000), 0.35)  # 万人, 元
        pop = pop0 * (1 + rng.uniform(-0.004, 0.008)) ** t
        gdp = pop * gdp_pc0 / 1e4 * (1 + rng.uniform(0.05, 0.09)) ** t * np.exp(rng.normal(0, 0.01, t.size))
        share = np.clip(rng.uniform(0.40, 0.70) + 0.008 * t + rng.normal(0, 0.004, t.size), 0.3, 0.85)
        intensity = rng.uniform(0.4, 1.6) * (1 - rng.uniform(0.03, 0.05)) ** t
        green = rng.uniform(33, 43) + 0.3 * t + rng.normal(0, 0.2, t.size)
        out[name] = {"gdp": gdp, "pop": pop, "tertiary": gdp * share, "energy": gdp * intensity, "green": green}
    return out


INDICATORS = {"gdp": ("地区生产总值(亿元)", "{:.1f}"), "pop": ("年末常住人口(万人)", "{:.0f}"),
              "tertiary": ("第三产业增加值(亿元)", "{:.1f}"), "energy": ("能源消费总量(万吨标准煤)", "{:.0f}"),
              "green": ("建成区绿化覆盖率(%)", "{:.1f}")}


def cell(data, province: str, key: str, year: int) -> str:
    if key == "energy" and province == "西藏自治区":
        return ""  # the portal has no energy balance for Tibet
    if key == "pop" and province == "河南省" and year == 2018:
        return "…"  # one interior gap, interpolated by the study
    return INDICATORS[key][1].format(data[province][key][YEARS.index(year)])


def national(data, key: str, year: int) -> str:
    values = [v[key][YEARS.index(year)] for v in data.values()]
    return INDICATORS[key][1].format(np.mean(values) if key == "green" else np.sum(values))


def write(name: str, lines: list[list[str] | str], *, encoding: str = "utf-8-sig", sep: str = ",") -> None:
    text = "\r\n".join(line if isinstance(line, str) else sep.join(line) for line in lines) + "\r\n"
    (HERE / name).write_bytes(text.encode(encoding))


def wide(data, key: str, years: list[int], name: str, **kwargs) -> None:
    label = INDICATORS[key][0]
    lines = ["数据库：分省年度数据", f"指标：{label}", f"时间：{years[-1]}-{years[0]}",
             ["地区", *(f"{y}年" for y in years)], ["全国", *(national(data, key, y) for y in years)]]
    lines += [[p, *(cell(data, p, key, y) for y in years)] for p in data]
    if key == "pop":
        lines += [["香港特别行政区", *("750" for _ in years)], ["澳门特别行政区", *("68" for _ in years)]]
    lines += [NOTE, SOURCE]
    write(name, lines, **kwargs)


def single_year(data, year: int, name: str) -> None:
    keys = list(INDICATORS)
    lines = ["数据库：分省年度数据", f"时间：{year}年", ["地区", *(INDICATORS[k][0] for k in keys)],
             ["全国", *(national(data, k, year) for k in keys)]]
    lines += [[p, *(cell(data, p, k, year) for k in keys)] for p in data]
    lines += [NOTE, SOURCE]
    write(name, lines)


def main() -> None:
    data = simulate()
    back = YEARS[::-1]  # the portal lists the newest year first
    wide(data, "gdp", back, "gdp_wide.csv")                       # 2014–2023: overlaps the 2023 file
    wide(data, "pop", back[1:], "population_wide_gbk.csv", encoding="gbk", sep="\t,")
    wide(data, "tertiary", back[1:], "tertiary_wide.csv")
    wide(data, "energy", back[1:], "energy_wide.csv")
    wide(data, "green", back[1:], "green_wide.csv")
    single_year(data, 2023, "all_indicators_2023.csv")            # single-year export: year in 时间：2023年


if __name__ == "__main__":
    main()
