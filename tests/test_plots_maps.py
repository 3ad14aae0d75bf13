"""Maps and charts (issue 4): figure contents — axes, legend entries, colours — not pixels."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

import spatialccd as sc  # noqa: E402
from spatialccd import autocorrelation as ac  # noqa: E402
from spatialccd.plots import charts, maps, style  # noqa: E402
from spatialccd.weights import IslandWarning  # noqa: E402

EN = style.LISA_LABELS["en"]
#: gids of what a national map draws besides the units (Taiwan, Hong Kong, Macao; the inset)
CONTEXT = {"national_extras", "south_china_sea_inset"}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def panel():
    lat = sc.weights.centroids()["lat"]
    rng = np.random.default_rng(1)
    frames = [pd.DataFrame({"province": lat.index, "year": y,
                            "D": np.clip(0.1 + 0.012 * lat.to_numpy() + 0.04 * rng.standard_normal(31)
                                         + 0.02 * i, 0, 1)})
              for i, y in enumerate((2012, 2017, 2023))]
    return pd.concat(frames, ignore_index=True)


def collections_by_gid(ax):
    return {c.get_gid(): c for c in ax.collections if c.get_gid()}


def legend_texts(legend):
    return [t.get_text() for t in legend.get_texts()]


def test_lisa_map_fixed_colours_and_full_legend(panel):
    with pytest.warns(IslandWarning):
        w = sc.weights.contiguity(islands="keep")
    res = ac.lisa(panel[panel.year == 2023].set_index("province")["D"], w, permutations=999, seed=1)
    ax = maps.lisa_map(res, lang="en")
    present = set(res["cluster"].astype(str))
    got = {k: v for k, v in collections_by_gid(ax).items() if k not in CONTEXT}
    assert set(got) == present and "isolated" in present
    for cat, coll in got.items():
        np.testing.assert_allclose(coll.get_facecolor()[0], to_rgba(style.LISA_COLOURS[cat]))
        assert len(coll.get_paths()) >= (res["cluster"] == cat).sum()  # multipolygons add paths
    assert got["isolated"].get_hatch() == style.LISA_HATCH["isolated"]
    leg = ax.get_legend()
    assert legend_texts(leg) == [EN[c] for c in ac.CLUSTERS] + ["No data"]  # every category, fixed order; Taiwan…
    for patch, cat in zip(leg.get_patches(), ac.CLUSTERS):
        np.testing.assert_allclose(patch.get_facecolor(), to_rgba(style.LISA_COLOURS[cat]))
    assert any(t.get_text() == sc.MAP_DISCLAIMER for t in ax.figure.texts)


def test_lisa_small_multiples_share_one_legend(panel):
    w = sc.weights.contiguity()
    res = ac.lisa_by_year(panel, "D", w, permutations=199, seed=2)
    fig = maps.lisa_maps_by_year(res, years=[2012, 2023], lang="en", north_arrow=True, scale_bar=True)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["2012", "2023"]
    assert len(fig.legends) == 1 and legend_texts(fig.legends[0]) == [EN[c] for c in ac.CLUSTERS] + ["No data"]
    assert all(ax.get_legend() is None for ax in fig.axes)
    for ax, year in zip(fig.axes, (2012, 2023)):
        counts = res.loc[year, "cluster"].astype(str).value_counts()
        assert CONTEXT <= set(collections_by_gid(ax))
        for cat, coll in collections_by_gid(ax).items():
            if cat in CONTEXT:
                continue
            np.testing.assert_allclose(coll.get_facecolor()[0], to_rgba(style.LISA_COLOURS[cat]))
            assert cat in counts
        assert any(line.get_gid() == "scale_bar" for line in ax.lines)
        assert any(t.get_gid() == "north_arrow" for t in ax.texts)
    with pytest.raises(ValueError, match="years not in the result"):
        maps.lisa_maps_by_year(res, years=[1999])


def test_choropleth_user_bins_and_labels():
    gdf = sc.provinces()
    gdf["D"] = np.linspace(0.21, 0.79, 31)
    gdf.loc["54", "D"] = np.nan
    bins = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    names = ["中度失调", "轻度失调", "濒临失调", "勉强协调", "初级协调", "中级协调"]
    ax = maps.choropleth(gdf, "D", scheme="user", bins=bins, labels=names, lang="en")
    texts = legend_texts(ax.get_legend())
    assert texts == names + ["No data"]
    got = collections_by_gid(ax)
    assert "no_data" in got and len(got["no_data"].get_paths()) >= 1
    cls = np.searchsorted(bins, gdf["D"].dropna().to_numpy())
    assert {f"class{c}" for c in np.unique(cls)} | {"no_data"} | CONTEXT == set(got)
    assert gdf.crs.is_geographic  # the user's frame was projected on a copy


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks"])
def test_choropleth_by_year_shared_classes(panel, scheme):
    fig = maps.choropleth_by_year(panel, "D", scheme=scheme, k=4, lang="en", ncols=2, national_extras=False)
    assert len(fig.axes) == 3  # the empty fourth cell is removed
    assert len(fig.legends) == 1 and len(legend_texts(fig.legends[0])) == 4
    upper, _ = maps.classify(panel["D"], scheme=scheme, k=4)
    colours = [p.get_facecolor() for p in fig.legends[0].get_patches()]
    for ax, year in zip(fig.axes, (2012, 2017, 2023)):
        v = panel[panel.year == year]["D"].to_numpy()
        for c in np.unique(np.searchsorted(upper, v)):
            np.testing.assert_allclose(collections_by_gid(ax)[f"class{c}"].get_facecolor()[0], colours[c])
    assert sum(t.get_text() == sc.MAP_DISCLAIMER for t in fig.texts) == 1


def test_classify_schemes_and_errors():
    y = np.array([1.0, 2, 3, 10, 11, 12, 30, 31, 32])
    upper, labs = maps.classify(y, scheme="natural_breaks", k=3)
    np.testing.assert_allclose(upper, [3, 12, 32])
    assert labs[0] == "1 – 3"
    with pytest.raises(ValueError, match="exceed the last bin"):
        maps.classify(y, scheme="user", bins=[5, 20])
    with pytest.raises(ValueError, match="strictly increasing"):
        maps.classify(y, scheme="user", bins=[5, 5, 40])
    with pytest.raises(ValueError, match="scheme must be"):
        maps.classify(y, scheme="jenks")


def test_moran_scatter_contents(panel):
    w = sc.weights.contiguity()
    v = panel[panel.year == 2017].set_index("province")["D"]
    res = ac.lisa(v, w, permutations=199, seed=0)
    ax = charts.moran_scatter(res, w, unit_labels=True, lang="en")
    with pytest.warns(sc.exceptions.SpatialCCDDeprecationWarning, match="re-runs the LISA"):
        old = charts.moran_scatter(v, w, permutations=199, seed=0, lang="en")  # the 0.1 form, same picture
    assert old.get_title() == ax.get_title()
    moran_i = ac.moran(v, w, permutations=0).to_frame().iloc[0]["I"]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 31
    fit = next(line for line in ax.lines if line.get_gid() == "fit")
    (x0, x1), (y0, y1) = fit.get_xdata(), fit.get_ydata()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(moran_i)  # row-standardised, no isolates
    assert ax.get_title() == f"Moran's I = {moran_i:.4f}"
    for coll in ax.collections:
        cat = coll.get_gid()
        np.testing.assert_allclose(coll.get_facecolor()[0], to_rgba(style.LISA_COLOURS[cat]))
        assert len(coll.get_offsets()) == (res["cluster"] == cat).sum()
    names = {t.get_text() for t in ax.texts}
    assert {"Beijing", "Hainan"} <= names
    assert ax.get_xlabel() == "Standardised value"


def test_language_auto_and_override(monkeypatch, panel):
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    assert style.resolve_lang(None) == "en"
    monkeypatch.setattr(style, "find_cjk_font", lambda: "DejaVu Sans")
    assert style.resolve_lang("auto") == "zh"
    assert style.resolve_lang("en") == "en"
    res = ac.lisa(panel[panel.year == 2012].set_index("province")["D"], sc.weights.contiguity(),
                  permutations=99, seed=0)
    ax = maps.lisa_map(res)  # auto → Chinese because a "CJK font" is reported
    assert legend_texts(ax.get_legend())[0] == "高-高集聚"
    ax = charts.moran_scatter(res, unit_labels=True)
    assert ax.get_xlabel() == "标准化值" and "北京" in {t.get_text() for t in ax.texts}
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="no CJK font"):
        assert style.resolve_lang("zh") == "zh"
    with pytest.raises(ValueError, match="lang must be"):
        style.resolve_lang("fr")


def test_save_figure_formats(tmp_path, panel):
    res = ac.lisa(panel[panel.year == 2012].set_index("province")["D"], sc.weights.contiguity(),
                  permutations=99, seed=0)
    fig = maps.lisa_map(res, lang="en").figure
    paths = style.save_figure(fig, tmp_path / "sub" / "lisa", formats=["png", "svg", "pdf"], dpi=150)
    assert [p.suffix for p in paths] == [".png", ".svg", ".pdf"]
    heads = [p.read_bytes()[:8] for p in paths]
    assert heads[0].startswith(b"\x89PNG") and heads[2].startswith(b"%PDF")
    assert b"<svg" in paths[1].read_bytes()[:2000]
    assert style.save_figure(fig, tmp_path / "one.pdf") == [tmp_path / "one.pdf"]
    with pytest.raises(ValueError, match="png, svg or pdf"):
        style.save_figure(fig, tmp_path / "x.jpg")


def test_cjk_font_survives_until_savefig():
    """Labels created under text_style('zh') keep the CJK family when the figure is saved later."""
    import io

    import matplotlib.pyplot as plt

    from spatialccd.plots import style

    font = style.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed on this machine (e.g. Debian fonts-noto-cjk)")
    with style.text_style("zh"):
        fig, ax = plt.subplots()
        text = ax.set_title("高-高集聚")
    fig.savefig(io.BytesIO(), format="png")  # drawn outside the context
    assert text.get_fontname() == font
    plt.close(fig)


# --------------------------------------------------------------------------- national map, any layer (issues 17, 18)
def _extent(ax):
    return ax.get_xlim(), ax.get_ylim()


def test_national_map_draws_taiwan_hk_macao_and_inset_as_no_data():
    gdf = sc.provinces()
    gdf["D"] = np.linspace(0.1, 0.9, 31)  # no missing value among the 31 provinces
    ax = maps.choropleth(gdf, "D", k=4, lang="en")
    got = collections_by_gid(ax)
    assert CONTEXT <= set(got)
    extras = sc.geo.national_extras()
    units = got["national_extras"]
    np.testing.assert_allclose(units.get_facecolor()[0], to_rgba(style.NO_DATA_COLOUR))
    assert len(units.get_paths()) >= 3  # Taiwan, Hong Kong, Macao (multipolygons add paths)
    assert legend_texts(ax.get_legend())[-1] == "No data"  # only the extras have no data
    # the inset box lies inside the view
    x0, y0, x1, y1 = maps._upright(extras.loc[["nanhai"]], gdf.to_crs(sc.geo.ALBERS_CHINA).crs).total_bounds
    assert (x1 - x0) / (y1 - y0) == pytest.approx(616 / 738, rel=0.05)  # 6.1° × 6.65° at 25°N, drawn upright
    (vx0, vx1), (vy0, vy1) = _extent(ax)
    assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1
    # they never enter the classification: the same classes with the extras turned off
    off = maps.choropleth(gdf, "D", k=4, lang="en", national_extras=False)
    assert not CONTEXT & set(collections_by_gid(off))
    assert legend_texts(off.get_legend()) == legend_texts(ax.get_legend())[:-1]


def test_city_maps_any_layer_with_province_borders():
    yrd = sc.geo.cities(province=["31", "32", "33", "34"])
    yrd["v"] = np.arange(len(yrd), dtype=float)
    plain = maps.choropleth(yrd, "v", k=3, lang="en", caption=False)
    assert not CONTEXT & set(collections_by_gid(plain))  # a region is not a national map
    ax = maps.choropleth(yrd, "v", k=3, lang="en", overlay="provinces", caption=False)
    assert "overlay" in collections_by_gid(ax)
    np.testing.assert_allclose(_extent(ax), _extent(plain))  # borders drawn, extent of the 41 units kept
    every = sc.geo.cities()
    every["v"] = np.arange(len(every), dtype=float)
    assert CONTEXT <= set(collections_by_gid(maps.choropleth(every, "v", k=3, lang="en", caption=False)))
    with pytest.raises(ValueError, match="overlay must be"):
        maps.choropleth(yrd, "v", overlay="rivers")


def test_lisa_map_of_cities_with_integer_ids():
    yrd = sc.geo.cities(province=["31", "32", "33", "34"])
    w = sc.weights.contiguity(yrd)
    x = pd.Series(sc.weights.centroids(yrd)["lat"].to_numpy(), index=yrd.index)
    res = ac.lisa(x, w, permutations=99, seed=0)
    res.index = res.index.astype(int)  # ids read from a spreadsheet as numbers
    ax = maps.lisa_map(res, gdf=yrd, lang="en", overlay="provinces")
    drawn = sum(len(c.get_paths()) for g, c in collections_by_gid(ax).items() if g in ac.CLUSTERS)
    assert drawn >= len(yrd)
    assert "no_data" not in collections_by_gid(ax)


def test_choropleth_by_year_of_city_panel_with_integer_labels():
    yrd = sc.geo.cities(province=["31", "32", "33", "34"])
    codes = yrd.index.astype(int)
    data = pd.DataFrame({"city": np.tile(codes, 2), "year": np.repeat([2020, 2021], len(codes)),
                         "v": np.arange(2 * len(codes), dtype=float)})
    fig = maps.choropleth_by_year(data, "v", gdf=yrd, unit="city", k=3, lang="en", overlay="provinces")
    assert len(fig.axes) == 2 and all("overlay" in collections_by_gid(a) for a in fig.axes)
    assert "no_data" not in set().union(*(collections_by_gid(a) for a in fig.axes))


def test_quantile_breaks_are_mapclassifys_without_importing_it():
    """quantile_bins = mapclassify.Quantiles(y, k).bins (mapclassify 2.x, the reference) on continuous data,
    ties, small samples and k > distinct values; and drawing a quantile map does not import mapclassify
    (whose import compiles numba kernels for about 2 s)."""
    import subprocess
    import sys
    import warnings

    import mapclassify

    rng = np.random.default_rng(8)
    cases = [rng.normal(size=500), rng.integers(0, 4, 60).astype(float), np.arange(7.0), rng.uniform(size=3),
             np.r_[np.zeros(40), rng.uniform(size=10)]]
    for y in cases:
        for k in (2, 3, 4, 5, 7, 10):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = mapclassify.Quantiles(y, k=k).bins
                ours = maps.quantile_bins(y, k)
            np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=1e-15)   # percentile points: 1 ulp apart
    with pytest.warns(sc.exceptions.DataQualityWarning, match="2 classes"):
        maps.quantile_bins(np.r_[np.zeros(10), np.ones(10)], 5)
    code = ("import matplotlib; matplotlib.use('Agg'); import sys, numpy as np, pandas as pd; "
            "from spatialccd.plots.maps import choropleth; import spatialccd as sc; "
            "g = sc.provinces(); g['v'] = np.linspace(0, 1, len(g)); choropleth(g, 'v'); "
            "print('mapclassify' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


def test_unit_paths_draw_what_geopandas_draws():
    """The map fills (one compound path per unit from shapely's vectorised accessors) render as
    GeoDataFrame.plot's patches do (geopandas 1.x, the reference): the same pixels within antialiasing on the
    provinces and the 364 cities (multipolygons, islands), and one path per unit with every ring."""
    import io

    import shapely
    from PIL import Image

    def geopandas_draw(ax, geoms, colour, gid, hatch=None):
        if len(geoms):
            geoms.plot(ax=ax, color=colour, hatch=hatch, **maps._EDGE)
            ax.collections[-1].set_gid(gid)

    def render(layer, monkeypatch=None):
        g = layer.copy()
        g["v"] = np.linspace(0, 1, len(g))
        ax = maps.choropleth(g, "v")
        buf = io.BytesIO()
        ax.figure.savefig(buf, format="png", dpi=100)
        plt.close(ax.figure)
        return np.asarray(Image.open(buf)).astype(int)

    for layer in (sc.provinces(), sc.cities()):
        ours = render(layer)
        keep = maps._draw
        try:
            maps._draw = geopandas_draw
            ref = render(layer)
        finally:
            maps._draw = keep
        diff = np.abs(ours - ref).max(axis=2)
        assert diff.max() <= 3 and (diff > 0).mean() < 0.05
        paths = maps.unit_paths(layer)
        assert len(paths) == len(layer)
        parts = shapely.get_parts(layer.geometry.values)
        rings = int(shapely.get_num_interior_rings(parts).sum()) + len(parts)
        assert sum(int((p.codes == p.MOVETO).sum()) for p in paths) == rings
