"""PanelData validation and stacking order (issue 3)."""
import numpy as np
import pandas as pd
import pytest

from spatialccd import PanelData
from spatialccd.exceptions import DataError


def make(units=("北京", "Tianjin", "13"), years=(2020, 2021)):
    rows = [{"province": u, "year": t, "x": i * 10 + j, "s": "a"}
            for i, u in enumerate(units) for j, t in enumerate(years)]
    return pd.DataFrame(rows)


def test_codes_and_time_major_order():
    df = make()
    before = df.copy()
    p = PanelData(df)
    pd.testing.assert_frame_equal(df, before)  # input untouched
    assert list(p.units) == ["11", "12", "13"] and list(p.times) == [2020, 2021]
    assert (p.N, p.T) == (3, 2)
    assert np.array_equal(p.values("x"), [0, 10, 20, 1, 11, 21])
    assert np.array_equal(p.matrix("x"), [[0, 1], [10, 11], [20, 21]])
    s = p.frame(p.values("x"), "x")
    assert s.loc[(2021, "12")] == 11


def test_duplicate_rows():
    df = pd.concat([make(), make().iloc[[0]]])
    with pytest.raises(ValueError, match=r"duplicated \(province, year\) rows: \[\('11', 2020\)\]"):
        PanelData(df)


def test_unbalanced_lists_cells():
    with pytest.raises(ValueError, match=r"unbalanced panel: 1 missing.*\('12', 2021\)"):
        PanelData(make().drop(index=3))


def test_missing_and_non_numeric():
    df = make()
    df.loc[2, "x"] = np.nan
    p = PanelData(df)
    with pytest.raises(ValueError, match=r"\('12', 2020, 'x'\)"):
        p.values("x")
    with pytest.raises(ValueError, match="'s' is not numeric"):
        p.values(["s"])
    with pytest.raises(ValueError, match="unknown column"):
        p.values("nope")


def test_unknown_province_and_non_province_units():
    with pytest.raises(ValueError, match="Atlantis"):
        PanelData(make(units=("北京", "Atlantis")))
    p = PanelData(make(units=("A", "B")))
    assert not p.is_province and list(p.units) == ["A", "B"]
    with pytest.raises(ValueError, match="column 'region' not found"):
        PanelData(make(), unit="region")


def test_weights_alignment():
    from spatialccd import weights as W

    p = PanelData(make())
    with pytest.raises(ValueError, match="in weights but not in the data"):
        p.weights_matrix(W.contiguity())
    sub = W.subset(W.contiguity(), ["11", "12", "13"])
    assert p.weights_matrix(sub).shape == (3, 3)


# --------------------------------------------------------------------------- time column (issue 21 item 3)
def test_years_as_strings_for_one_province_are_one_year():
    df = make(units=("北京", "Tianjin", "13"), years=(2012, 2013))
    df["year"] = df["year"].astype(object)
    df.loc[df.province == "Tianjin", "year"] = df.loc[df.province == "Tianjin", "year"].map(str)  # '2012' beside 2012
    before = df.copy()
    p = PanelData(df)
    assert list(p.times) == [2012, 2013] and p.times.dtype == "int64" and (p.N, p.T) == (3, 2)
    assert np.array_equal(p.matrix("x"), [[0, 1], [10, 11], [20, 21]])
    pd.testing.assert_frame_equal(df, before)
    floats = make()
    floats["year"] = floats["year"].astype(float)  # 2020.0 from a spreadsheet
    assert list(PanelData(floats).times) == [2020, 2021]


@pytest.mark.parametrize("bad", ["2012a", 2012.5, "二〇一二"])
def test_time_values_that_are_not_integers_are_named(bad):
    df = make()
    df["year"] = df["year"].astype(object)
    df.loc[0, "year"] = bad
    with pytest.raises(DataError, match=rf"time column 'year' must hold integers.*{bad!r}"):
        PanelData(df)


def test_mixed_label_types_and_units_option():
    df = make(units=("A", "B"))
    df["province"] = df["province"].astype(object)
    df.loc[0, "province"] = 7
    with pytest.raises(DataError, match=r"mixes label types \['int', 'str'\]"):
        PanelData(df, units="labels")
    with pytest.raises(ValueError, match="units must be one of"):
        PanelData(make(), units="cities")
