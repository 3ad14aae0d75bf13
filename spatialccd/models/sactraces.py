r"""Traces of the SAC/GNS information matrix without an N×N matrix (exact, or with a stated error).

With A = I − ρW, B = I − λM, G = WA⁻¹, H = MB⁻¹ and Ḡ = BGB⁻¹ the expected information
of the SAC/GNS model (Anselin 1988, eq. 6.31; Lee 2004, Econometrica 72:1899–1925;
Elhorst 2014, ch. 2; :func:`~.likelihood.sac_information`) needs

    tr Ḡ = tr G,  tr Ḡ² = tr G²,  tr H,  tr H²,  tr Ḡ'Ḡ,  tr H'H,  tr Ḡ'H,  tr HḠ = tr HG

(B⁻¹ commutes with M, so tr(HḠ) = tr(MB⁻¹·BGB⁻¹) = tr(B⁻¹MG) = tr(HG)).  tr G, tr G²
and tr H, tr H² are −d/dρ and −d²/dρ² of log|I − ρW| and log|I − λM|, taken from the
log-determinant engines of :mod:`.logdet` (eigenvalues, or 5-point differences of exact
sparse-LU values, relative error ~1e-10).  The other four:

``exact`` (the static models' limit: N·nnz(LU) ≤ :data:`~.logdet.EXACT_COLUMNS_BUDGET`, or up to
:data:`~.logdet.EXACT_COLUMNS_MAX` when Hutchinson would need more than N/2 probes)
    N sparse solves in blocks E of 256 unit columns: ḠE = BWA⁻¹(B⁻¹E), HE = M(B⁻¹E),
    HGE = MB⁻¹(WA⁻¹E); tr Ḡ'Ḡ = ‖Ḡ‖²_F, tr H'H = ‖H‖²_F, tr Ḡ'H = ⟨Ḡ, H⟩_F,
    tr HG = Σ_j (HG)_jj.

``stochastic`` (above that limit)
    For any square X, Y with K_X = X − X' (antisymmetric),

        tr(X'Y) = tr(XY) + ½⟨K_X, K_Y⟩_F

    (tr(X'Y) − tr(XY) = −tr(K_X Y); the symmetric part of Y drops out of the trace against
    an antisymmetric matrix and −tr(K_X·½K_Y) = ½ Σ_ij (K_X)_ij (K_Y)_ij).  Hence
    tr Ḡ'Ḡ = tr G² + ½‖K_Ḡ‖²_F, tr H'H = tr H² + ½‖K_H‖²_F, tr Ḡ'H = tr HG + ½⟨K_Ḡ, K_H⟩_F —
    the decomposition the static models use for tr(G'G)
    (:meth:`~.logdet.SparseLogDet._asymmetric_part`).  The three asymmetric parts come from
    Hutchinson's (1990, Comm. Stat. Simul. 19:433–450) estimator ½·E[(K_a z)'(K_b z)] with
    Rademacher z, the same probes for all three, probes added until each standard error is
    below ``trace_tol`` × its trace (or the static models' probe budget is spent; exact solves
    instead when those cost less); the probes and standard errors are reported.  They vanish
    for M = W symmetric.  tr HG = −ψ'(0) with

        ψ(s) = log|I − ρW − λM + (ρλ − s)MW| = log|A| + log|B| + log|I − sHG|,

    a central 5-point difference of exact sparse-LU log-determinants with step
    h = min(10⁻³, 1/(256R)), R = ‖G‖_∞‖H‖_∞ ≥ the spectral radius of HG (‖G‖_∞ ≤
    ‖W‖_∞/(1 − |ρ|‖W‖_∞)): truncation ≤ 0.8(hR)⁴ ≈ 2e-10 relative, as for the static stencils
    (:func:`~.logdet.stencil_step`).  When I − ρW or I − λM is not diagonally dominant the
    bound is unavailable and the exact route is taken whatever it costs.

Lee & Yu (2010) (N−1)-dimensional space (``unit_root``, W and M row-standardised, G·1 =
1/(1−ρ)·1 = Ḡ·1, H·1 = 1/(1−λ)·1): tr P − c_P and tr P² − c_P² come from the engines
built :meth:`~.logdet.EigenLogDet.without_unit_root`; tr HG − c_G c_H; tr P'Q − (P'1)'(Q'1)/N
with Ḡ'1 = B⁻ᵀA⁻ᵀW'B'1 and H'1 = B⁻ᵀM'1 by transposed solves.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..exceptions import SpatialCCDError
from .logdet import (EXACT_COLUMNS_BUDGET, EXACT_COLUMNS_MAX, MAX_PROBES, PERMC_SPEC, PROBE_BUDGET, TRACE_TOL,
                     factor, lu_solve, stencil_step)

__all__ = ["SACTraces", "sac_traces", "trace_hg"]

#: Columns (unit vectors or probes) per block of sparse solves.
BLOCK = 256
KEYS = ("G", "H", "GG", "GtG", "HH", "HtH", "GtH", "HG")


@dataclass(frozen=True)
class SACTraces:
    """The eight traces of :func:`~.likelihood.sac_information` (``traces["GtH"]`` …) and how they were computed.

    ``std_errors``: the Monte Carlo standard error of each (0 where exact, or to ~1e-10 relative).
    """

    values: dict
    method: str
    std_errors: dict

    def __getitem__(self, key: str) -> float:
        return self.values[key]


@dataclass(frozen=True)
class _Operators:
    """Block products with Ḡ = BWA⁻¹B⁻¹, H = MB⁻¹, their transposes and HG, by the sparse LUs of A and B."""

    W: sp.csr_matrix
    M: sp.csr_matrix
    lam: float
    lu_a: object
    lu_b: object

    def gbar_h(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ḠX, HX) with one solve by B and one by A."""
        U = lu_solve(self.lu_b, X)
        V = np.asarray(self.W @ lu_solve(self.lu_a, U))
        return V - self.lam * np.asarray(self.M @ V), np.asarray(self.M @ U)

    def gbar_h_transposed(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Ḡ'X, H'X) = (B⁻ᵀA⁻ᵀW'B'X, B⁻ᵀM'X)."""
        BtX = X - self.lam * np.asarray(self.M.T @ X)
        AtX = lu_solve(self.lu_a, np.asarray(self.W.T @ BtX), trans="T")
        return lu_solve(self.lu_b, AtX, trans="T"), lu_solve(self.lu_b, np.asarray(self.M.T @ X), trans="T")

    def hg(self, X: np.ndarray) -> np.ndarray:
        """HGX = MB⁻¹WA⁻¹X."""
        return np.asarray(self.M @ lu_solve(self.lu_b, np.asarray(self.W @ lu_solve(self.lu_a, X))))


def _engine_words(ld) -> str:
    if ld.method == "eigen":
        return "from the eigenvalues (exact)"
    return "by 5-point derivatives of exact sparse-LU log-dets (rel. error ~1e-10)"


def sac_traces(W, M, rho: float, lam: float, ld_w, ld_m, *, exact: bool | None = None,  # noqa: N803
               trace_tol: float = TRACE_TOL, seed=0) -> SACTraces:
    """The SAC/GNS information traces at (ρ, λ) (see the module docstring), never an N×N matrix.

    ``ld_w``, ``ld_m``: the log-determinant engines of W and M (:func:`~.logdet.logdet_for`),
    both built ``without_unit_root()`` for Lee & Yu's time transformation.  ``exact``:
    None chooses by cost as the static models do, True forces the N sparse solves, False
    the stochastic route.  ``seed`` fixes the Hutchinson probes.
    """
    if ld_w.unit_root != ld_m.unit_root:
        raise SpatialCCDError("the log-determinants of W and M must both (or neither) drop the unit root")
    W, M = sp.csr_matrix(W, dtype=float), sp.csr_matrix(M, dtype=float)
    N = W.shape[0]
    rw, rm = float(abs(W).sum(axis=1).max()), float(abs(M).sum(axis=1).max())
    ops = _Operators(W, M, float(lam), factor(W, rho, rowabs=rw), factor(M, lam, rowabs=rm))
    cost = sum(lu.L.nnz + lu.U.nnz for lu in (ops.lu_a, ops.lu_b))
    # the engines' traces, on the full N-dimensional space (their unit-root shift, if any, undone)
    cg, ch = (1 / (1 - rho), 1 / (1 - lam)) if ld_w.unit_root else (0.0, 0.0)
    out = {"G": cg - ld_w.d1(rho), "GG": cg ** 2 - ld_w.d2(rho), "H": ch - ld_m.d1(lam), "HH": ch ** 2 - ld_m.d2(lam)}
    spectral = f"tr(G), tr(G²) {_engine_words(ld_w)}; tr(H), tr(H²) " + \
        ("likewise" if ld_m is ld_w else _engine_words(ld_m))
    dominant = abs(rho) * rw < 1 and abs(lam) * rm < 1
    if exact is False and not dominant:
        raise SpatialCCDError(f"the stochastic SAC traces need |rho|·‖W‖∞ < 1 and |lambda|·‖M‖∞ < 1 "
                              f"(rho = {rho:.4g}, lambda = {lam:.4g}); use exact=True")
    how, se = None, {}
    if exact is False or (exact is None and dominant and N * cost > EXACT_COLUMNS_BUDGET):
        symmetric = (W != M).nnz == 0 and (W != W.T).nnz == 0
        how = _stochastic(ops, rho, out, se, cost, trace_tol, seed, symmetric=symmetric,
                          allow_exact=exact is None and N * cost <= EXACT_COLUMNS_MAX)
    if how is None:
        out.update(_exact_columns(ops, N))
        how = "tr(Ḡ'Ḡ), tr(H'H), tr(Ḡ'H), tr(HG) exact by N sparse solves"
    if ld_w.unit_root:
        sg, sh = ops.gbar_h_transposed(np.ones(N))            # Ḡ'1, H'1
        out["G"] -= cg
        out["H"] -= ch
        out["GG"] -= cg ** 2
        out["HH"] -= ch ** 2
        out["HG"] -= cg * ch
        out["GtG"] -= float(sg @ sg) / N
        out["HtH"] -= float(sh @ sh) / N
        out["GtH"] -= float(sg @ sh) / N
    space = " (on Lee & Yu's (N−1)-dimensional space)" if ld_w.unit_root else ""
    return SACTraces({key: float(out[key]) for key in KEYS}, f"SAC information{space}: {spectral}; {how}",
                     {key: float(se.get(key, 0.0)) for key in KEYS})


def _exact_columns(ops: _Operators, N: int) -> dict:  # noqa: N803
    """‖Ḡ‖²_F, ‖H‖²_F, ⟨Ḡ, H⟩_F and tr(HG) by N solves, in blocks of :data:`BLOCK` unit columns."""
    acc = np.zeros(4)
    for start in range(0, N, BLOCK):
        cols = np.arange(start, min(N, start + BLOCK))
        E = np.zeros((N, len(cols)))
        E[cols, np.arange(len(cols))] = 1.0
        g, h = ops.gbar_h(E)
        acc += (np.sum(g * g), np.sum(h * h), np.sum(g * h), np.trace(ops.hg(E)[cols]))
    return dict(zip(("GtG", "HtH", "GtH", "HG"), acc))


def trace_hg(W: sp.csr_matrix, M: sp.csr_matrix, rho: float, lam: float) -> float:  # noqa: N803
    """tr(HG) = −ψ'(0), ψ(s) = log|I − ρW − λM + (ρλ − s)MW|, by a 5-point difference of exact
    sparse-LU log-determinants (module docstring; needs |ρ|‖W‖∞ < 1 and |λ|‖M‖∞ < 1)."""
    rw, rm = float(abs(W).sum(axis=1).max()), float(abs(M).sum(axis=1).max())
    if not (abs(rho) * rw < 1 and abs(lam) * rm < 1):
        raise SpatialCCDError(f"tr(HG) by log-determinants needs |rho|·‖W‖∞ < 1 and |lambda|·‖M‖∞ < 1 "
                              f"(rho = {rho:.4g}, lambda = {lam:.4g})")
    radius = rw / (1 - abs(rho) * rw) * rm / (1 - abs(lam) * rm)
    h = stencil_step(0.0, -1 / radius, 1 / radius)
    MW = sp.csr_matrix(M @ W)
    C0 = sp.identity(W.shape[0], format="csr") - rho * W - lam * M + rho * lam * MW

    def psi(s: float) -> float:
        return float(np.sum(np.log(np.abs(splu(sp.csc_matrix(C0 - s * MW), permc_spec=PERMC_SPEC).U.diagonal()))))

    return -(psi(-2 * h) - 8 * psi(-h) + 8 * psi(h) - psi(2 * h)) / (12 * h)


def _stochastic(ops: _Operators, rho: float, out: dict, se_out: dict, cost: float, trace_tol: float, seed, *,
                symmetric: bool, allow_exact: bool) -> str | None:
    """tr(HG) by :func:`trace_hg`; tr Ḡ'Ḡ, tr H'H, tr Ḡ'H = tr G², tr H², tr HG + Hutchinson asymmetric
    parts (module docstring), written into ``out`` (their standard errors into ``se_out``).  Returns the
    description, or None when N exact solves are cheaper than the probes the tolerance needs (``allow_exact``)."""
    W, N = ops.W, ops.W.shape[0]
    out["HG"] = trace_hg(W, ops.M, rho, ops.lam)
    hg_words = "tr(HG) by a 5-point derivative of exact sparse-LU log|I − ρW − λM + (ρλ − s)MW| (rel. error ~2e-10)"
    if symmetric:
        out.update(GtG=out["GG"], HtH=out["HH"], GtH=out["HG"])
        return f"{hg_words}; tr(Ḡ'Ḡ) = tr(G²), tr(H'H) = tr(H²), tr(Ḡ'H) = tr(HG) (M = W symmetric, exact)"
    rng = np.random.default_rng(seed)
    max_probes = int(np.clip(PROBE_BUDGET / cost, 32, MAX_PROBES))
    parts, block = [], 32
    while True:
        for size in np.diff(np.r_[np.arange(0, block, BLOCK), block]):
            Z = rng.choice([-1.0, 1.0], size=(N, int(size)))
            (g, h), (gt, ht) = ops.gbar_h(Z), ops.gbar_h_transposed(Z)
            kg, kh = g - gt, h - ht
            parts.append(0.5 * np.column_stack([np.sum(kg * kg, axis=0), np.sum(kg * kh, axis=0),
                                                np.sum(kh * kh, axis=0)]))
        samples = np.vstack(parts)
        p = len(samples)
        mean, se = samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(p)
        full = np.array([out["GG"], out["HG"], out["HH"]]) + mean        # tr Ḡ'Ḡ, tr Ḡ'H, tr H'H
        scale = np.abs([full[0], np.sqrt(abs(full[0] * full[2])), full[2]])
        ratio = float(np.max(se / np.maximum(trace_tol * scale, 1e-300)))
        if ratio <= 1:
            break
        needed = int(np.ceil(p * ratio ** 2))
        if allow_exact and 2 * needed >= N:
            return None
        if p >= max_probes:
            break
        block = int(min(max_probes - p, max(p, needed - p)))
    out.update(GtG=full[0], GtH=full[1], HtH=full[2])
    se_out.update(GtG=se[0], GtH=se[1], HtH=se[2])
    rel = ", ".join(f"{v:.2g}" for v in se / np.maximum(scale, 1e-300))
    return (f"{hg_words}; tr(Ḡ'Ḡ), tr(Ḡ'H), tr(H'H) = tr(Ḡ²), tr(HḠ), tr(H²) + ½⟨K_a, K_b⟩_F (K_P = P − P'), "
            f"the latter by Hutchinson, {p} probes (relative s.e. {rel}; requested ≤ {trace_tol:g})")
