"""Publication tables: regression layout, seed layouts, escaping and every output format."""
from __future__ import annotations

from types import SimpleNamespace

import openpyxl
import numpy as np
import pandas as pd
import pytest

import spatialccd as sc

from spatialccd.exceptions import SpatialCCDError
from spatialccd.report.tables import Table, ccd_table, moran_table, regression_table, stars, write_tables


def _model(params: dict, bse: dict, pvalues: dict, **fit):
    return SimpleNamespace(params=pd.Series(params), bse=pd.Series(bse), pvalues=pd.Series(pvalues),
                           tvalues=pd.Series(params) / pd.Series(bse), **fit)


@pytest.fixture
def two_models():
    m1 = _model({"x1": 0.5, "x2": -0.25, "W_x1": 0.1, "rho": 0.3},
                {"x1": 0.1, "x2": 0.2, "W_x1": 0.05, "rho": 0.05},
                {"x1": 0.001, "x2": 0.2, "W_x1": 0.04, "rho": 1e-6},
                llf=-120.5, nobs=372, r2_within=0.81234)
    m2 = _model({"x1": 0.45, "lambda": 0.2}, {"x1": 0.12, "lambda": 0.1}, {"x1": 0.07, "lambda": 0.045},
                llf=-130.25, nobs=372)
    from spatialccd.models.effects import Impacts

    def block(est, se, p):
        return pd.DataFrame({"estimate": [est], "se": [se], "z": [est / se], "pvalue": [p], "lower": [np.nan],
                             "upper": [np.nan]}, index=pd.Index(["x1"], name="variable"))

    impacts = Impacts(_blocks={"direct": block(0.52, 0.1, 0.0001), "indirect": block(0.3, 0.2, 0.13),
                               "total": block(0.82, 0.25, 0.001)}, method="delta", n_draws=0, alpha=0.05)
    return {"SDM": m1, "SEM": m2}, impacts


def test_stars_thresholds():
    assert [stars(p) for p in (0.0099, 0.01, 0.049, 0.05, 0.0999, 0.1, float("nan"))] == \
        ["***", "**", "**", "*", "*", "", ""]


def test_regression_table_layout(two_models):
    models, impacts = two_models
    t = regression_table(models, impacts={"SDM": impacts}, labels={"x1": "Income"},
                         extra_rows={"Fixed effects": ["two-way", "two-way"]})
    f = t.frame
    assert list(f.columns) == ["SDM", "SEM"]
    blocks = list(dict.fromkeys(f.index.get_level_values(0)))
    assert blocks == ["Coefficients", "W × regressors", "Spatial parameters", "Direct effects",
                      "Indirect (spillover) effects", "Total effects", "Fit statistics"]
    assert f.loc[("Coefficients", "Income")].tolist() == ["0.500***", "0.450*"]
    assert f.loc[("Coefficients", "x2")].tolist() == ["-0.250", ""]
    assert f.loc[("W × regressors", "W × Income")].tolist() == ["0.100**", ""]
    assert f.loc[("Spatial parameters", "ρ")].tolist() == ["0.300***", ""]
    assert f.loc[("Spatial parameters", "λ")].tolist() == ["", "0.200**"]
    assert f.loc[("Direct effects", "Income")].tolist() == ["0.520***", ""]
    assert f.loc[("Indirect (spillover) effects", "Income")].tolist() == ["0.300", ""]
    assert f.loc[("Fit statistics", "Log-likelihood")].tolist() == ["-120.500", "-130.250"]
    assert f.loc[("Fit statistics", "R² (within)")].tolist() == ["0.8123", ""]
    assert f.loc[("Fit statistics", "Observations")].tolist() == ["372", "372"]
    assert f.loc[("Fit statistics", "Fixed effects")].tolist() == ["two-way", "two-way"]
    # the standard error sits in the row after its coefficient
    rows = list(f.index)
    i = rows.index(("Coefficients", "Income"))
    assert rows[i + 1] == ("Coefficients", "") and f.iloc[i + 1].tolist() == ["(0.100)", "(0.120)"]
    assert "Standard errors in parentheses" in t.notes[0]


def test_regression_table_t_statistics_and_errors(two_models):
    models, _ = two_models
    t = regression_table(list(models.values()), statistic="t", digits=2)
    assert list(t.frame.columns) == ["(1)", "(2)"]
    assert t.frame.iloc[1].tolist() == ["(5.00)", "(3.75)"]
    assert "t statistics" in t.notes[0]
    with pytest.raises(ValueError, match="statistic"):
        regression_table(models, statistic="z")
    with pytest.raises(ValueError, match="unknown model"):
        regression_table(models, impacts={"OLS": pd.DataFrame()})
    with pytest.raises(ValueError, match="Fixed effects"):
        regression_table(models, extra_rows={"Fixed effects": ["yes"]})
    with pytest.raises(TypeError, match="lacks"):
        regression_table({"bad": SimpleNamespace(params=pd.Series({"x": 1.0}))})


def test_table_escapes_user_text():
    frame = pd.DataFrame({"<b>col</b> & 50%": [1.23456]}, index=pd.Index(["<script>alert(1)</script>"], name="p_1"))
    t = Table.from_frame(frame, name="esc", title="A & B <i>", notes=("n_1 {x} $y$",), digits=2)
    html = str(t.to_html())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;col&lt;/b&gt; &amp; 50%" in html and "A &amp; B &lt;i&gt;" in html
    assert "<td>1.23</td>" in html
    latex = t.to_latex()
    assert r"\&" in latex and r"50\%" in latex and r"p\_1" in latex and r"\{x\} \$y\$" in latex
    assert latex.count(r"\toprule") == 1 and r"\caption{A \& B <i>}" in latex
    md = t.to_markdown()
    assert md.splitlines()[2] == "| p_1 | <b>col</b> & 50% |"
    assert "| <script>alert(1)</script> | 1.23 |" in md


def test_table_blocks_render_in_every_format():
    frame = pd.DataFrame({"2020": [0.1, 0.2], "2021": [0.3, float("nan")]},
                         index=pd.MultiIndex.from_tuples([("Within", "East"), ("Between", "East–West")]))
    t = Table.from_frame(frame, name="blocks", title="T")
    html = str(t.to_html())
    assert html.count('class="block"') == 2 and "<td></td>" in html
    assert t.to_latex().count(r"\multicolumn{3}{l}{\textit{") == 2
    assert "| **Within** |  |  |" in t.to_markdown()
    assert list(t.flat().columns) == ["block", "row", "2020", "2021"]


def test_table_files(tmp_path):
    a = Table.from_frame(pd.DataFrame({"x": [1.0]}, index=pd.Index(["a"], name="k")), name="first")
    b = Table.from_frame(pd.DataFrame({"y": ["s"]}), name="second")
    a.to_csv(tmp_path / "a.csv")
    assert pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig").to_dict("list") == {"k": ["a"], "x": [1.0]}
    write_tables([a, b], tmp_path / "all.xlsx")
    assert openpyxl.load_workbook(tmp_path / "all.xlsx").sheetnames == ["first", "second"]
    with pytest.raises(ValueError, match="duplicated table names"):
        write_tables([a, a], tmp_path / "dup.xlsx")
    with pytest.raises(ValueError, match="letters, digits"):
        Table.from_frame(pd.DataFrame(), name="bad name")


def test_moran_table_layout():
    moran = pd.DataFrame({"I": [-0.0815, 0.2], "E_I": [-1 / 30] * 2, "z_rand": [-2.1, 3.0],
                          "p_perm_two_sided": [0.04, 0.002]}, index=pd.Index([2012, 2013], name="year"))
    t = moran_table(moran)
    assert list(t.frame.columns) == ["Moran's I", "E(I)", "z", "p", ""]
    assert t.frame[""].tolist() == ["**", "***"]
    assert "two-sided, permutation" in t.notes[0]
    fallback = moran_table(moran.drop(columns="p_perm_two_sided").assign(p_rand_two_sided=[0.5, 0.01]))
    assert "randomisation inference" in fallback.notes[0]
    with pytest.raises(ValueError, match="E_I"):
        moran_table(moran.drop(columns="E_I"))


def test_ccd_table_groups_regions_with_means():
    codes = ["11", "12", "14", "21", "62"]
    rows = [{"province": c, "year": y, "D": d, "grade": g}
            for c, base in zip(codes, (0.7, 0.6, 0.4, 0.5, 0.3))
            for y, d, g in ((2020, base, "low"), (2021, base + 0.05, "high"))]
    t = ccd_table(pd.DataFrame(rows), grade="grade")
    f = t.frame
    assert list(f.columns) == ["2020", "2021", "Grade 2020", "Grade 2021"]
    assert list(f.index) == [("East", "Beijing"), ("East", "Tianjin"), ("East", "East mean"),
                             ("Central", "Shanxi"), ("Central", "Central mean"),
                             ("West", "Gansu"), ("West", "West mean"),
                             ("Northeast", "Liaoning"), ("Northeast", "Northeast mean"),
                             ("All", "Mean of the 5 provinces")]   # 5 of 31: not a national mean (issue 16)
    assert f.loc[("East", "East mean"), "2020"] == pytest.approx(0.65)
    assert f.loc[("All", "Mean of the 5 provinces"), "2021"] == pytest.approx(0.55)
    assert f.loc[("East", "Beijing"), "Grade 2021"] == "high"
    html = str(t.to_html())
    assert '<td class="txt">high</td>' in html and "<td>0.700</td>" in html  # words left, numbers right
    zh = ccd_table(pd.DataFrame(rows), names="zh", lang="zh")
    assert ("东部", "北京") in zh.frame.index and ("合计", "5 个省份均值") in zh.frame.index
    every = pd.DataFrame([{"province": c, "year": 2020, "D": 0.5} for c in sc.province_table().index])
    assert ("National", "National mean") in ccd_table(every).frame.index
    with pytest.raises(ValueError, match="'E'"):
        ccd_table(pd.DataFrame(rows), value="E")


def test_report_cuts_long_tables_and_names_the_files():
    """A county study's long tables: the HTML shows the first rows and says where all of them are."""
    from spatialccd.report.html import Section, render_report

    frame = pd.DataFrame({"D": np.linspace(0, 1, 1200)}, index=pd.Index([f"u{i}" for i in range(1200)], name="unit"))
    sec = Section(id="ccd", title="CCD", tables=(Table.from_frame(frame, name="ccd", title="D", sheet="CCD units"),))
    page = render_report(title="t", sections=[sec], settings="", max_rows=100)
    assert "<th>u99</th>" in page and "<th>u100</th>" not in page
    assert "first 100 of 1,200 rows" in page and "tables/ccd.csv" in page and "CCD units" in page
    zh = render_report(title="t", sections=[sec], settings="", max_rows=100, lang="zh")
    assert "共 1,200 行" in zh
    default = render_report(title="t", sections=[sec], settings="")                  # REPORT_ROWS = 500
    assert "<th>u499</th>" in default and "<th>u500</th>" not in default
    with pytest.raises(SpatialCCDError, match="max_rows"):
        render_report(title="t", sections=[sec], settings="", max_rows=0)


def test_figures_keep_the_tight_box_computed_once():
    """Figure.from_matplotlib cuts PNG and SVG to one tight box: the same size as bbox_inches="tight" gives
    (within a pixel of hinting), with a legend outside the axes kept."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from spatialccd.report.html import Figure

    def draw():
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1], label="a long legend entry outside the axes")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
        ax.set_title("title")
        return fig

    ref = io.BytesIO()
    fig = draw()
    fig.savefig(ref, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    ours = Figure.from_matplotlib(draw(), name="f", title="t")
    a, b = Image.open(ref).size, Image.open(io.BytesIO(ours.png)).size
    assert abs(a[0] - b[0]) <= 2 and abs(a[1] - b[1]) <= 2 and b[0] > 4 * 150   # the legend is inside the PNG
    assert ours.svg.lstrip().startswith("<?xml")
    again = Figure.from_matplotlib(draw(), name="f", title="t")
    assert again.svg == ours.svg and again.png == ours.png and "<dc:date>" not in ours.svg   # reruns: same files
