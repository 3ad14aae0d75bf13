"""From a labelled panel and a formula to the arrays the estimators use.

Conventions (see :mod:`spatialccd.panel`): observations are stacked time-major,
so the NT×NT weights matrix is I_T ⊗ W.  ``effects`` selects the within
transformation Q:

* ``"individual"``: y_it − ȳ_i·
* ``"time"``:       y_it − ȳ_·t
* ``"twoways"``:    y_it − ȳ_i· − ȳ_·t + ȳ_··
* ``"none"``:       no transformation (an intercept is kept)

``lag_convention`` decides how a spatial lag of a transformed variable is formed:

* ``"exact"`` (default): lag first, on the raw data period by period, then
  transform: Q(I_T ⊗ W)y.  This is the likelihood of the transformed model
  (Lee & Yu 2010, J. Econometrics 154:165–185) and the convention of the
  MATLAB Elhorst toolbox (``sar_panel_FE`` demeans W·y).
* ``"splm"``: transform first, then lag: (I_T ⊗ W)Qy, the convention of R
  ``splm::spml`` and SDPDmod.  With unit effects only the two coincide; with
  time or two-way effects they differ (on Produc, two-way SDM ρ = 0.3702 exact
  vs 0.3689 splm; time effects differ by about 0.02).

W·X (Durbin terms) is always formed on the raw X per period and then transformed
with everything else, in both conventions (that is also what splm users do when
they add W·X columns by hand).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .._options import check_option
from ..exceptions import DataError, SpatialCCDError
from ..grammar import FORMULA_CONTEXT
from ..panel import PanelData


def within(a: np.ndarray, N: int, T: int, effects: str) -> np.ndarray:  # noqa: N803
    """Apply the within transformation Q for ``effects`` to a time-major (NT,) or (NT, k) array."""
    if effects == "none":
        return a
    shape = a.shape
    b = a.reshape(T, N, -1)
    if effects == "individual":
        out = b - b.mean(axis=0, keepdims=True)
    elif effects == "time":
        out = b - b.mean(axis=1, keepdims=True)
    elif effects == "twoways":
        out = b - b.mean(axis=0, keepdims=True) - b.mean(axis=1, keepdims=True) + b.mean(axis=(0, 1), keepdims=True)
    else:
        check_option("effects", effects)
    return out.reshape(shape)


def lag(W: sp.csr_matrix, a: np.ndarray, N: int, T: int) -> np.ndarray:  # noqa: N803
    """(I_T ⊗ W) a for a time-major (NT,) or (NT, k) array, without forming the Kronecker product."""
    shape = a.shape
    b = a.reshape(T, N, -1).transpose(1, 0, 2).reshape(N, -1)
    out = np.asarray(W @ b).reshape(N, T, -1).transpose(1, 0, 2)
    return out.reshape(shape)


@dataclass(frozen=True)
class Design:
    """Raw (untransformed) model arrays in stacking order plus their labels."""

    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    durbin: tuple[int, ...]
    W: sp.csr_matrix
    panel: PanelData
    yname: str
    effects: str
    lag_convention: str
    WX: np.ndarray = field(repr=False)

    @property
    def N(self) -> int:  # noqa: N802
        return self.panel.N

    @property
    def T(self) -> int:  # noqa: N802
        return self.panel.T

    @property
    def durbin_names(self) -> tuple[str, ...]:
        return tuple(f"W_{self.names[j]}" for j in self.durbin)

    @property
    def row_stochastic(self) -> bool:
        return bool(np.allclose(np.asarray(self.W.sum(axis=1)).ravel(), 1.0))

    def Q(self, a: np.ndarray) -> np.ndarray:  # noqa: N802
        return within(a, self.N, self.T, self.effects)

    def Wlag(self, a: np.ndarray) -> np.ndarray:  # noqa: N802
        return lag(self.W, a, self.N, self.T)

    def transformed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(y*, Z*, (Wy)*) with Z = [X, W·X_durbin]; (Wy)* per ``lag_convention``."""
        Z = np.column_stack([self.X, self.WX]) if self.WX.size else self.X
        ys, Zs = self.Q(self.y), self.Q(Z)
        wy = self.Q(self.Wlag(self.y)) if self.lag_convention == "exact" else self.Wlag(ys)
        return ys, Zs, wy

    def lag_of_transformed(self, a_raw: np.ndarray, a_star: np.ndarray) -> np.ndarray:
        """Spatial lag of a transformed variable under ``lag_convention``."""
        return self.Q(self.Wlag(a_raw)) if self.lag_convention == "exact" else self.Wlag(a_star)


def build_design(data, formula: str, w, *, unit: str, time: str, effects: str, lag_convention: str,
                 durbin, units: str = "auto", bias_correction: str | None = None) -> Design:
    """Parse ``formula`` on the panel, align W to its units and check the design.

    ``data`` is a DataFrame or a :class:`~spatialccd.PanelData` (reused as is:
    a study builds it once).  Errors name the culprit: a formula without a
    response, unknown variables, missing cells, W for other units, too few
    periods or units for the fixed effects, regressors absorbed by the fixed
    effects, collinear regressors.
    """
    import formulaic

    effects = check_option("effects", effects)
    lag_convention = check_option("lag_convention", lag_convention)
    if not isinstance(formula, str) or "~" not in formula or not formula.split("~", 1)[0].strip():
        raise SpatialCCDError(f"formula {formula!r} must have one response on the left of '~', "
                              "e.g. 'y ~ x1 + x2'")
    panel = data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time, units=units)
    _check_dimensions(panel, effects, bias_correction)
    W = panel.weights_matrix(w)
    frame = panel.frame_.reset_index()
    try:
        mm = formulaic.model_matrix(formula, frame, na_action="ignore", context={"np": np, **FORMULA_CONTEXT})
    except Exception as exc:  # formulaic raises many types for unknown names
        raise SpatialCCDError(f"cannot evaluate formula {formula!r}: {exc}") from exc
    lhs, rhs = getattr(mm, "lhs", None), getattr(mm, "rhs", mm)
    if lhs is None or lhs.shape[1] != 1:
        raise SpatialCCDError(f"formula {formula!r} must have exactly one response on the left of '~'")
    if "Intercept" in rhs.columns and effects != "none":
        rhs = rhs.drop(columns="Intercept")  # absorbed by the fixed effects
    if rhs.shape[1] == 0:
        raise SpatialCCDError("the model has no regressors")
    y = lhs.to_numpy(dtype=float).ravel()
    X = rhs.to_numpy(dtype=float)
    names = tuple(str(c) for c in rhs.columns)
    _check_finite(np.column_stack([y, X]), (str(lhs.columns[0]),) + names, panel, frame)
    dur = _durbin_columns(durbin, names)
    WX = lag(W, X[:, list(dur)], panel.N, panel.T) if dur else np.empty((len(y), 0))
    design = Design(y=y, X=X, names=names, durbin=dur, W=W, panel=panel, yname=str(lhs.columns[0]),
                    effects=effects, lag_convention=lag_convention, WX=WX)
    _check_rank(design)
    return design


def _durbin_columns(durbin, names: tuple[str, ...]) -> tuple[int, ...]:
    if durbin is None or durbin is False:
        return ()
    if durbin is True:
        return tuple(i for i, n in enumerate(names) if n != "Intercept")
    picked = [durbin] if isinstance(durbin, str) else list(durbin)
    unknown = [d for d in picked if d not in names]
    if unknown:
        raise SpatialCCDError(f"durbin names {unknown} are not regressors; regressors are {list(names)}")
    if "Intercept" in picked:
        raise SpatialCCDError("the intercept cannot have a W·X term (W·1 = 1 for row-standardised W)")
    return tuple(names.index(d) for d in picked)


def _check_dimensions(panel: PanelData, effects: str, bias_correction: str | None) -> None:
    """Enough periods and units for the fixed effects (checked before the design's rank)."""
    what = f" with bias_correction={bias_correction!r}" if bias_correction else ""
    if effects in ("individual", "twoways") and panel.T < 2:
        raise DataError(f"unit fixed effects{what} need at least 2 periods; the panel has T = {panel.T} "
                        f"({panel.time} {list(panel.times)})")
    if effects in ("time", "twoways") and panel.N < 2:
        raise DataError(f"time fixed effects{what} need at least 2 units; the panel has N = {panel.N} "
                        f"({panel.unit} {list(panel.units)})")


def _check_finite(block: np.ndarray, names: tuple[str, ...], panel: PanelData, frame) -> None:
    bad = ~np.isfinite(block)
    if not bad.any():
        return
    r, c = np.nonzero(bad)
    idx = panel.index
    raw = frame.isna().to_numpy()
    columns = [str(col) for col in frame.columns]
    missing, transformed = [], []
    for i, j in zip(r, c):
        cell = tuple(v.item() if isinstance(v, np.generic) else v for v in (idx[i][1], idx[i][0], names[j]))
        gaps = [col for k, col in enumerate(columns) if raw[i, k] and col in names[j]]
        (missing if gaps else transformed).append(cell)
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing value(s) in the data ({panel.unit}, {panel.time}, term), e.g. "
                     f"{missing[:10]}: fill or drop them before fitting")
    if transformed:
        parts.append(f"{len(transformed)} non-finite value(s) created by the formula ({panel.unit}, {panel.time}, "
                     f"term), e.g. {transformed[:10]}: a log of a non-positive value gives -inf/NaN")
    raise DataError("; ".join(parts))


def _check_rank(d: Design) -> None:
    ys, Z, wy = d.transformed()
    names = d.names + d.durbin_names
    absorbed_by = {"individual": "unit fixed effects (time-invariant)",
                   "time": "time fixed effects (the same for every unit in a period)",
                   "twoways": "the two-way fixed effects"}.get(d.effects, "")
    scale = np.maximum(np.abs(np.column_stack([d.X, d.WX])).max(axis=0), 1.0)
    for j, name in enumerate(names):
        if np.sqrt(np.mean(Z[:, j] ** 2)) <= 1e-10 * scale[j]:
            raise SpatialCCDError(f"regressor {name!r} is absorbed by {absorbed_by or 'the model'}; drop it")
    if np.sqrt(np.mean(ys ** 2)) <= 1e-12 * max(np.abs(d.y).max(), 1.0):
        raise SpatialCCDError(f"response {d.yname!r} has no variation left after the {d.effects} transformation")
    rank = np.linalg.matrix_rank(Z)
    if rank < Z.shape[1]:
        # find a minimal culprit set: columns whose removal restores full rank
        culprits = [names[j] for j in range(Z.shape[1])
                    if np.linalg.matrix_rank(np.delete(Z, j, axis=1)) == rank]
        raise SpatialCCDError(f"collinear regressors (rank {rank} < {Z.shape[1]}); involved: {culprits}")
