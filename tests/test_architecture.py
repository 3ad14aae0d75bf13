"""The package's structure (issue 14): imports point only down the layer list written in the README,
no import cycles, nothing imports the package root; a study builds its panel once and fits each model once."""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "spatialccd"


def readme_layers() -> dict[str, int]:
    """The layer list of the README: ``<!-- layers -->`` … ``<!-- /layers -->``, one line per layer."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers -->\s*```text\n(.*?)```\s*<!-- /layers -->", text, re.S)
    assert block, "README.md has no layer list between <!-- layers --> and <!-- /layers -->"
    layers = {}
    for line in block.group(1).strip().splitlines():
        number, names = line.split(":", 1)
        for name in names.split():
            layers[name] = int(number)
    return layers


def _component(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def package_imports() -> dict[str, set[tuple[str, str, str]]]:
    """component → {(imported component, importing file, imported name or '')}, every import in every function."""
    out: dict[str, set] = defaultdict(set)
    for f in PKG.rglob("*.py"):
        rel = f.with_suffix("").relative_to(ROOT).parts
        module = ".".join(rel if rel[-1] != "__init__" else rel[:-1])
        package = module if f.name == "__init__.py" else module.rsplit(".", 1)[0]
        me = _component(module)
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target == "spatialccd":
                    out[me] |= {("__init__", str(f.relative_to(ROOT)), a.name) for a in node.names}
                elif target.startswith("spatialccd."):
                    out[me].add((_component(target), str(f.relative_to(ROOT)), ""))
            elif isinstance(node, ast.Import):
                out[me] |= {(_component(a.name), str(f.relative_to(ROOT)), "") for a in node.names
                            if a.name.startswith("spatialccd.")}
    return out


def test_every_module_has_a_layer():
    layers = readme_layers()
    components = {p.stem if p.is_file() else p.name for p in PKG.iterdir()
                  if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    components = {"__init__" if c == "__init__" else c for c in components}
    missing = sorted(components - set(layers))
    assert not missing, f"add these modules to the README layer list: {missing}"


def test_imports_point_down_the_layers():
    layers, subpackages = readme_layers(), {p.stem for p in PKG.glob("*.py")} | {p.name for p in PKG.iterdir()}
    bad = []
    for me, targets in package_imports().items():
        for target, where, name in targets:
            if target == "__init__" and me != "__init__":
                if name not in subpackages:   # `from .. import weights` names a submodule: fine
                    bad.append(f"{where} imports {name!r} from the package root")
                continue
            if target != me and layers[target] > layers[me]:
                bad.append(f"{where} ({me}, layer {layers[me]}) imports {target} (layer {layers[target]})")
    assert not bad, "\n".join(sorted(bad))


def test_no_import_cycles():
    graph = {me: {t for t, _, _ in targets if t not in (me, "__init__")} for me, targets in package_imports().items()}
    seen, stack, cycles = set(), [], []

    def visit(node):
        if node in stack:
            cycles.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        stack.pop()

    for node in sorted(graph):
        visit(node)
    assert not cycles, f"import cycles: {cycles}"


def test_report_reads_results_only():
    for target, where, _ in package_imports()["report"]:
        assert target not in ("panel", "datasets", "study"), f"{where} imports {target}"


@pytest.fixture(scope="module")
def counted_demo(tmp_path_factory):
    """Run the demo study counting PanelData validations and model fits."""
    import spatialccd as sc
    from spatialccd.datasets import demo_study_path
    from spatialccd.models.spec import SpatialPanelModel
    from spatialccd.panel import PanelData
    from spatialccd.study import Study

    builds, fits = [], []
    init, fit = PanelData.__init__, SpatialPanelModel.fit

    def counting_init(self, *args, **kwargs):
        builds.append(1)
        init(self, *args, **kwargs)

    def counting_fit(self, **kwargs):
        res = fit(self, **kwargs)
        fits.append((res.kind, res.effects, res.bias_correction, res.lag_convention, res.formula))
        return res

    text = demo_study_path().read_text(encoding="utf-8").replace("permutations = 999", "permutations = 49")
    text = text.replace("n_draws = 1000", "n_draws = 100")
    mp = pytest.MonkeyPatch()
    mp.setattr(PanelData, "__init__", counting_init)
    mp.setattr(SpatialPanelModel, "fit", counting_fit)
    try:
        result = Study.from_string(text, source="demo").run(tmp_path_factory.mktemp("count") / "out", quiet=True)
    finally:
        mp.undo()
    assert sc.PanelData.__init__ is init
    return result, builds, fits


def test_demo_builds_panel_once_and_fits_each_model_once(counted_demo):
    result, builds, fits = counted_demo
    assert len(builds) == 1, f"PanelData validated {len(builds)} times"
    assert len(fits) == len(set(fits)), [f for f in fits if fits.count(f) > 1]
    # the SDM of the report and the SDM column of the comparison table are the same fit (issue 17)
    sdm = result.results["sdm"].result
    assert result.results["tests"].comparison["SDM"] is sdm


def test_every_warning_is_a_spatialccd_warning():
    """Users silence or escalate all of the package's warnings with one filter (issue 14)."""
    import spatialccd.exceptions as E

    ours = {name for name, obj in vars(E).items() if isinstance(obj, type) and issubclass(obj, E.SpatialCCDWarning)}
    bad = []
    for f in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "warn" and \
                    getattr(node.func.value, "id", "") == "warnings":
                category = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "category"), None)
                name = getattr(category, "id", None) or getattr(category, "attr", None)
                if name not in ours and not (isinstance(category, ast.Attribute) and name == "category"):
                    bad.append(f"{f.relative_to(ROOT)}:{node.lineno} warns with {name or ast.dump(category)}")
    assert not bad, "\n".join(bad)


def test_every_error_is_a_spatialccd_error():
    """No bare ValueError raised by the package: every bad input is a SpatialCCDError (itself a ValueError, so
    0.1 code catching ValueError still works); TypeError stays for arguments of the wrong type."""
    bad = []
    for f in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", None)
                if name == "ValueError":
                    bad.append(f"{f.relative_to(ROOT)}:{node.lineno} raises {name}")
    assert not bad, "\n".join(bad)


#: values and specifications rather than analysis results (they print themselves with __str__ / repr)
VALUE_TYPES = {"Decision", "GradeScheme", "Indicator", "StudyResult", "TestStatistic", "InvalidTest", "MoranTest",
               "HypothesisTest", "IndexSystem", "Figure", "Section", "Table"}


def test_every_result_object_presents_itself():
    """Issue 14: every result object has summary() (text/HTML/LaTeX), _repr_html_ and to_frame()."""
    import dataclasses
    import inspect

    import spatialccd as sc

    missing = []
    for name in sc.__all__:
        obj = getattr(sc, name)
        if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and name not in VALUE_TYPES:
            lacks = [a for a in ("summary", "_repr_html_", "to_frame") if not hasattr(obj, a)]
            if lacks:
                missing.append(f"{name} lacks {lacks}")
    assert not missing, missing


def test_import_is_light():
    """`import spatialccd` loads no heavy dependency (names load on first use; issue 22's import time)."""
    import subprocess
    import sys

    code = ("import sys, spatialccd as sc; heavy = [m for m in ('matplotlib', 'geopandas', 'formulaic', 'scipy', "
            "'pandas', 'libpysal', 'sklearn', 'mgwr') if m in sys.modules]; print(heavy); "
            "assert not heavy, heavy; assert callable(sc.sdm) and callable(sc.dea) and 'pandas' in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr + out.stdout


def test_every_public_name_resolves():
    import spatialccd as sc

    assert [n for n in sc.__all__ if getattr(sc, n, None) is None] == []
    import spatialccd.dea  # noqa: F401 - importing a submodule must not shadow the function of the same name
    assert callable(sc.dea) and callable(sc.mismatch)
