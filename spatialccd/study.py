"""A whole study from one TOML file: data → evaluation → coordination → spatial structure → model → report.

A study file names the data, the indicator system and the analyses to run;
each analysis runs when its table is present.  Example (the bundled demo,
``spatialccd/datasets/demo_study.toml``)::

    title = "Health resources and the digital economy"

    [data]
    demo = true                       # or: path = "panel.xlsx", format = "long" | "wide" | "nbs"

    [indicators.health]               # subsystem → (criterion →) indicator = direction
    beds_per_1k = "+"
    infant_mortality = "-"

    [evaluation]                      # standardise, weighting, per_year, shift
    [coordination]                    # method, alpha, scheme, map_years
    [obstacle]                        # level, top
    [weights]                         # kind = "contiguity" | "knn" | "distance"; k, power, threshold
    [moran]                           # column, permutations, seed
    [lisa]                            # column, years, permutations, seed, alpha, adjust
    [dagum]                           # column, group, bootstrap, seed
    [kde]                             # column, group, kind
    [sdm]                             # formula, effects, bias_correction, lag_convention, n_draws, seed
    [report]                          # names, digits

Every key is checked before anything runs; an error names the table, the key
and the allowed values.  With an ``[indicators]`` table the evaluation and
(for two or more subsystems) the coordination steps run with their defaults;
the weights are built when Moran, LISA or the SDM need them.  :meth:`Study.run` writes into one output folder:
``report.html`` (self-contained), ``tables/*.csv`` and ``tables/*.tex``,
``tables.xlsx`` (one sheet per table), ``figures/*.png`` and ``*.svg``,
``settings.toml`` (the study as run) and ``run.log``.  Every file is written
atomically; input files are only read; a non-empty output folder is refused
unless ``overwrite=True``.
"""
from __future__ import annotations

import json
import re
import time as _time
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import pandas as pd

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from . import __version__
from .report.html import Figure, Section, write_report
from .report.tables import Table, ccd_table, moran_table, regression_table, write_tables

__all__ = ["Study", "StudyResult", "run_demo"]


# -- specification -------------------------------------------------------------

@dataclass(frozen=True)
class _Opt:
    """One allowed key: accepted type(s), default, allowed values, list item type."""

    kind: type | tuple[type, ...]
    default: object = None
    choices: tuple | None = None
    item: type | None = None
    required: bool = False


_COLUMN = _Opt(str, "D")
_SEED = _Opt(int, 0)
_SCHEMA: dict[str, dict[str, _Opt]] = {
    "data": {"demo": _Opt(bool, False), "path": _Opt(str), "paths": _Opt(list, item=str),
             "format": _Opt(str, "long", ("long", "wide", "nbs")), "sheet": _Opt((str, int)),
             "unit": _Opt(str, "province"), "time": _Opt(str, "year"), "years": _Opt(list, item=int)},
    "evaluation": {"standardise": _Opt(str, "range", ("range", "zscore")), "shift": _Opt(float),
                   "weighting": _Opt(str, "entropy", ("entropy", "critic", "cv")), "per_year": _Opt(bool, False)},
    "coordination": {"method": _Opt(str, "standard", ("standard", "modified", "fan")),
                     "alpha": _Opt(list, item=float), "scheme": _Opt(str, "ten", ("ten", "three")),
                     "map_years": _Opt(list, item=int)},
    "obstacle": {"level": _Opt(str, "indicator", ("indicator", "criterion", "subsystem")),
                 "top": _Opt(int, 5)},
    "weights": {"kind": _Opt(str, "contiguity", ("contiguity", "knn", "distance")), "k": _Opt(int, 4),
                "power": _Opt(float, 1.0), "threshold": _Opt(float)},
    "moran": {"column": _COLUMN, "permutations": _Opt(int, 999), "seed": _SEED},
    "lisa": {"column": _COLUMN, "years": _Opt(list, item=int), "permutations": _Opt(int, 999), "seed": _SEED,
             "alpha": _Opt(float, 0.05), "adjust": _Opt(str, "none", ("none", "fdr", "bonferroni"))},
    "dagum": {"column": _COLUMN, "group": _Opt(str, "region4", ("region4", "region3")),
              "bootstrap": _Opt(int, 0), "seed": _SEED},
    "kde": {"column": _COLUMN, "group": _Opt(str, "region4", ("region4", "region3")),
            "kind": _Opt(str, "ridgeline", ("ridgeline", "overlay", "surface"))},
    "sdm": {"formula": _Opt(str, required=True),
            "effects": _Opt(str, "twoways", ("individual", "time", "twoways")),
            "bias_correction": _Opt(str, "none", ("none", "lee-yu", "elhorst")),
            "lag_convention": _Opt(str, "exact", ("exact", "splm")),
            "n_draws": _Opt(int, 1000), "seed": _SEED},
    "tests": {"formula": _Opt(str), "effects": _Opt(str, "twoways", ("individual", "time", "twoways")),
              "lag_convention": _Opt(str, "exact", ("exact", "splm")), "alpha": _Opt(float, 0.05)},
    "report": {"names": _Opt(str, "en", ("en", "zh", "code")), "digits": _Opt(int, 3)},
}
_TOP = {"title": _Opt(str, "spatialccd study")}
_FREE = ("indicators",)  # validated by IndexSystem.from_dict


def _type_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "a string", int: "an integer", float: "a number", bool: "true/false",
                        list: "an array"}[k] for k in kinds)


def _check_value(where: str, value, opt: _Opt):
    kinds = opt.kind if isinstance(opt.kind, tuple) else (opt.kind,)
    ok = any(isinstance(value, k) and not (k in (int, float) and isinstance(value, bool)) for k in kinds)
    ok = ok or (float in kinds and isinstance(value, int) and not isinstance(value, bool))
    if not ok:
        raise ValueError(f"{where} must be {_type_name(opt.kind)}, got {value!r}")
    if opt.choices is not None and value not in opt.choices:
        raise ValueError(f"{where} = {value!r} is not allowed; allowed values: {', '.join(map(str, opt.choices))}")
    if opt.item is not None:
        for i, v in enumerate(value):
            _check_value(f"{where}[{i}]", v, _Opt(opt.item))
        return [float(v) for v in value] if opt.item is float else list(value)
    return float(value) if opt.kind is float else value


def _defaults(section: str) -> dict:
    return {k: o.default for k, o in _SCHEMA[section].items()}


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic strings
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


def _validate(raw: Mapping, source: str) -> dict:
    allowed = sorted([*_TOP, *_FREE, *_SCHEMA])
    unknown = [k for k in raw if k not in allowed]
    if unknown:
        raise ValueError(f"{source}: unknown key(s) {unknown}; allowed top-level keys: {', '.join(allowed)}")
    spec: dict = {k: _check_value(f"{source}: {k}", raw[k], o) if k in raw else o.default for k, o in _TOP.items()}
    for section, opts in _SCHEMA.items():
        if section not in raw:
            continue
        table = raw[section]
        if not isinstance(table, Mapping):
            raise ValueError(f"{source}: [{section}] must be a table, got {table!r}")
        bad = [k for k in table if k not in opts]
        if bad:
            raise ValueError(f"{source}: [{section}] unknown key(s) {bad}; allowed keys: {', '.join(opts)}")
        missing = [k for k, o in opts.items() if o.required and k not in table]
        if missing:
            raise ValueError(f"{source}: [{section}] missing required key(s) {missing}")
        spec[section] = {k: (_check_value(f"{source}: [{section}] {k}", table[k], o) if k in table else o.default)
                         for k, o in opts.items()}
    if "data" not in spec:
        raise ValueError(f"{source}: missing [data] table (give demo = true, path = \"…\" or paths = [\"…\"])")
    data = spec["data"]
    given = [k for k in ("demo", "path", "paths") if data[k]]
    if len(given) != 1:
        raise ValueError(f"{source}: [data] needs exactly one of demo = true, path or paths; got {given or 'none'}")
    if data["years"] is not None and len(data["years"]) != 2:
        raise ValueError(f"{source}: [data] years must be [first, last], got {data['years']}")
    if "indicators" in raw:
        from .evaluation import IndexSystem

        try:
            spec["indicators"] = IndexSystem.from_dict(raw["indicators"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"{source}: [indicators] {exc}") from None
    for section in ("evaluation", "coordination", "obstacle"):
        if section in spec and "indicators" not in spec:
            raise ValueError(f"{source}: [{section}] needs an [indicators] table")
    if "indicators" in spec:
        spec.setdefault("evaluation", _defaults("evaluation"))
        if len(spec["indicators"].subsystems) >= 2:
            spec.setdefault("coordination", _defaults("coordination"))
    if "tests" in spec and spec["tests"]["formula"] is None:
        if "sdm" not in spec:
            raise ValueError(f"{source}: [tests] needs a formula (or an [sdm] table whose formula it reuses)")
        spec["tests"]["formula"] = spec["sdm"]["formula"]
    if any(a in spec for a in ("moran", "lisa", "sdm", "tests")):
        spec.setdefault("weights", _defaults("weights"))
    spec.setdefault("report", _defaults("report"))
    if "obstacle" in spec and spec["obstacle"]["level"] == "criterion" and \
            any(i.criterion is None for i in spec["indicators"].indicators):
        raise ValueError(f"{source}: [obstacle] level = 'criterion' needs a criterion layer in every subsystem "
                         "of [indicators] ([indicators.<subsystem>.<criterion>])")
    if "coordination" in spec:
        n_sub = len(spec["indicators"].subsystems)
        if n_sub < 2:
            raise ValueError(f"{source}: [coordination] needs at least 2 subsystems in [indicators], got {n_sub}")
        alpha = spec["coordination"]["alpha"]
        if alpha is not None and len(alpha) != n_sub:
            raise ValueError(f"{source}: [coordination] alpha has {len(alpha)} values for {n_sub} subsystems "
                             f"{spec['indicators'].subsystems}")
    return spec


# -- results -------------------------------------------------------------------

@dataclass(frozen=True)
class StudyResult:
    """What :meth:`Study.run` produced: paths, tables, figures, the analysed panel and the log."""

    output: Path
    report_path: Path
    tables: dict[str, Table]
    figures: dict[str, Figure]
    data: pd.DataFrame
    log: tuple[str, ...]
    files: tuple[Path, ...] = field(repr=False, default=())


class _Log:
    def __init__(self, quiet: bool) -> None:
        self.lines: list[str] = []
        self.quiet = quiet
        self._start = _time.perf_counter()

    def __call__(self, message: str) -> None:
        line = f"[{_time.perf_counter() - self._start:7.2f} s] {message}"
        self.lines.append(line)
        if not self.quiet:
            print(line, flush=True)


# -- the study -----------------------------------------------------------------

class Study:
    """A validated study specification (see the module docstring for the TOML layout).

    Build with :meth:`from_toml` (a file; relative data paths resolve against
    its folder) or :meth:`from_string`.  ``spec`` holds the validated settings
    with defaults filled in; ``text`` the TOML as given.  The report and
    ``settings.toml`` show :meth:`settings_toml`, the settings as run.
    """

    def __init__(self, spec: Mapping, *, text: str, base_dir: Path, source: str) -> None:
        self.spec = dict(spec)
        self.text = text
        self.base_dir = base_dir
        self.source = source

    @classmethod
    def from_string(cls, text: str, *, base_dir: str | PathLike = ".", source: str = "study") -> Study:
        """Parse and validate TOML text; ``base_dir`` resolves relative data paths."""
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{source}: not valid TOML: {exc}") from None
        return cls(_validate(raw, source), text=text, base_dir=Path(base_dir), source=source)

    @classmethod
    def from_toml(cls, path: str | PathLike) -> Study:
        """Read and validate a study file."""
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"study file not found: {p}")
        return cls.from_string(p.read_text(encoding="utf-8"), base_dir=p.parent, source=p.name)

    def __repr__(self) -> str:
        steps = [s for s in ("evaluation", "coordination", "obstacle", "moran", "lisa", "dagum", "kde", "tests",
                             "sdm") if s in self.spec]
        return f"Study({self.spec['title']!r}, steps={steps})"

    def settings_toml(self) -> str:
        """The settings as run, defaults filled in and data paths absolute, as TOML.

        The text is itself a valid study file (:meth:`from_string` reads it back).
        """
        lines = [f"# spatialccd {__version__}: settings of study {self.source!r}, defaults filled in",
                 f"title = {_toml_value(self.spec['title'])}"]
        data = dict(self.spec["data"])
        files = [str(p) for p in self.input_files()]
        data["path"], data["paths"] = (files[0], None) if data["path"] else (None, files or None)
        lines += ["", "[data]"] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items() if v is not None]
        if "indicators" in self.spec:
            groups: dict[tuple[str, ...], list[str]] = {}
            for ind in self.spec["indicators"].indicators:
                where = (ind.subsystem,) if ind.criterion is None else (ind.subsystem, ind.criterion)
                direction = _toml_value("+" if ind.direction > 0 else "-")
                value = direction if ind.unit is None else f"{{ direction = {direction}, unit = {_toml_value(ind.unit)} }}"
                groups.setdefault(where, []).append(f"{_toml_key(ind.name)} = {value}")
            for where, entries in groups.items():
                lines += ["", "[" + ".".join(["indicators", *map(_toml_key, where)]) + "]", *entries]
        for name in (n for n in _SCHEMA if n != "data" and n in self.spec):
            lines += ["", f"[{name}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in self.spec[name].items() if v is not None]
        return "\n".join(lines) + "\n"

    @property
    def simulated(self) -> bool:
        """True when the study runs on the bundled simulated demo panel."""
        return bool(self.spec["data"]["demo"])

    def input_files(self) -> list[Path]:
        """The data files the study reads (resolved; empty for the demo)."""
        data = self.spec["data"]
        names = [data["path"]] if data["path"] else list(data["paths"] or [])
        return [(self.base_dir / n).resolve() for n in names]

    # -- running -------------------------------------------------------------
    def run(self, output: str | PathLike, *, overwrite: bool = False, quiet: bool = False) -> StudyResult:
        """Run every step the spec asks for and write the outputs into ``output``.

        Raises ``FileExistsError`` if ``output`` is a non-empty folder and
        ``overwrite`` is False (with ``overwrite=True`` files of the same names
        are replaced; other files are left alone), and ``ValueError`` if an
        output would overwrite an input file.
        """
        out = Path(output)
        if out.exists() and not out.is_dir():
            raise FileExistsError(f"output {out} exists and is not a folder")
        if out.is_dir() and any(out.iterdir()) and not overwrite:
            raise FileExistsError(f"output folder {out} is not empty; pass overwrite=True (--overwrite) "
                                  "to replace its files")
        inputs = set(self.input_files())
        for p in inputs:
            if not p.is_file():
                raise FileNotFoundError(f"{self.source}: [data] file not found: {p}")
        root = out.resolve()
        ours = {root / n for n in _FIXED_OUTPUTS}
        clobber = sorted(str(p) for p in inputs if p in ours or p.parent in (root / "tables", root / "figures"))
        if clobber:
            raise ValueError(f"output folder {out} would overwrite input file(s) {clobber}; choose another folder")
        log = _Log(quiet)
        log(f"spatialccd {__version__}: study {self.spec['title']!r} ({self.source})")
        runner = _Runner(self, log, quiet)
        sections = runner.run_all()
        return _write_outputs(self, out, sections, runner, log)


class _Runner:
    """Carries the panel and intermediate results from step to step."""

    def __init__(self, study: Study, log: _Log, quiet: bool) -> None:
        self.study, self.spec, self.log, self.quiet = study, study.spec, log, quiet
        d = self.spec["data"]
        self.unit, self.time = d["unit"], d["time"]
        self.digits = self.spec["report"]["digits"]
        self.names = self.spec["report"]["names"]
        self.tables: dict[str, Table] = {}
        self.figures: dict[str, Figure] = {}
        self.data: pd.DataFrame | None = None
        self.evaluation = None
        self.graph = None

    def _table(self, table: Table) -> Table:
        if table.name in self.tables:
            raise ValueError(f"two tables named {table.name!r}")
        self.tables[table.name] = table
        return table

    def _figure(self, fig, *, name: str, title: str, caption: str = "") -> Figure:
        figure = Figure.from_matplotlib(fig, name=name, title=title, caption=caption)
        self.figures[name] = figure
        return figure

    def _column(self, section: str) -> str:
        col = self.spec[section]["column"]
        if col not in self.data.columns:
            raise ValueError(f"{self.study.source}: [{section}] column = {col!r} is not a column of the data or "
                             f"of the coordination results; columns are {list(self.data.columns)}")
        return col

    def run_all(self) -> list[Section]:
        steps = [("data", self.step_data), ("evaluation", self.step_evaluation),
                 ("coordination", self.step_coordination), ("obstacle", self.step_obstacle),
                 ("weights", self.step_weights),
                 ("moran", self.step_moran), ("lisa", self.step_lisa), ("dagum", self.step_dagum),
                 ("kde", self.step_kde), ("tests", self.step_tests), ("sdm", self.step_sdm)]
        sections = []
        for key, step in steps:
            if key in self.spec:
                t0 = _time.perf_counter()
                section = step()
                self.log(f"{key}: done in {_time.perf_counter() - t0:.2f} s")
                if section is not None:
                    sections.append(section)
        return sections

    # -- steps ---------------------------------------------------------------
    def step_data(self) -> Section:
        from .panel import PanelData

        d = self.spec["data"]
        if d["demo"]:
            from .datasets import load_demo

            frame = load_demo()
            origin = "the bundled simulated demo panel (spatialccd.load_demo())"
        else:
            frame = self._read_inputs()
            origin = ", ".join(p.name for p in self.study.input_files())
        if d["years"] is not None:
            first, last = d["years"]
            frame = frame[(frame[self.time] >= first) & (frame[self.time] <= last)]
            if frame.empty:
                raise ValueError(f"{self.study.source}: [data] years = {d['years']} selects no rows")
        panel = PanelData(frame, unit=self.unit, time=self.time)
        self.data = panel.frame_.reset_index()
        self.log(f"data: {origin}: {panel.N} units × {panel.T} years ({panel.times[0]}–{panel.times[-1]}), "
                 f"{len(panel.columns)} columns")
        numeric = [c for c in panel.columns if pd.api.types.is_numeric_dtype(panel.frame_[c])]
        desc = panel.frame_[numeric].describe().T[["count", "mean", "std", "min", "max"]]
        desc["count"] = desc["count"].astype(int)
        if "indicators" in self.spec:
            system = self.spec["indicators"].table()
            desc = desc.join(system[["subsystem", "direction", "unit"]], how="left")
            desc["direction"] = desc["direction"].map({1: "+", -1: "−"})
        desc.index.name = "variable"
        table = self._table(Table.from_frame(desc, name="descriptives", title="Descriptive statistics",
                                             digits=self.digits))
        paras = [f"Data: {origin}. Panel of {panel.N} units observed in {panel.T} years "
                 f"({panel.times[0]}–{panel.times[-1]}), {panel.N * panel.T} observations."]
        if self.study.simulated:
            from .datasets import SIMULATED_NOTE

            paras.append(SIMULATED_NOTE)
        return Section(id="data", title="Data", paragraphs=tuple(paras), tables=(table,))

    def _read_inputs(self) -> pd.DataFrame:
        from .io import read_long, read_nbs, read_wide

        d = self.spec["data"]
        frames = []
        for p in self.study.input_files():
            if d["format"] == "long":
                frames.append(read_long(p, unit=self.unit, time=self.time, sheet=d["sheet"]))
            elif d["format"] == "wide":
                frames.append(read_wide(p, unit=self.unit, time=self.time,
                                        sheets=None if d["sheet"] is None else [d["sheet"]]))
            else:
                frames.append(read_nbs(p, unit=self.unit, time=self.time))
                dropped = frames[-1].attrs["non_province_rows"]
                if dropped:
                    self.log(f"data: {p.name}: dropped rows that are not provinces: {dropped}")
            self.log(f"data: read {p}")
        merged = frames[0]
        for p, f in zip(self.study.input_files()[1:], frames[1:]):
            clash = [c for c in f.columns if c in merged.columns and c not in (self.unit, self.time)]
            if clash:
                raise ValueError(f"{self.study.source}: [data] column(s) {clash} of {p.name} appear in an "
                                 "earlier file too")
            merged = merged.merge(f, on=[self.unit, self.time], how="outer")
        return merged

    def step_evaluation(self) -> Section:
        from .evaluation import evaluate

        e = self.spec["evaluation"]
        system = self.spec["indicators"]
        self.evaluation = evaluate(self.data, system, unit=self.unit, time=self.time,
                                   standardise=e["standardise"], shift=e["shift"], weighting=e["weighting"],
                                   per_year=e["per_year"])
        weights = self.evaluation.weights.copy()
        weights["direction"] = weights["direction"].map({1: "+", -1: "−"})
        if weights["criterion"].isna().all():
            weights = weights.drop(columns="criterion")
        table = self._table(Table.from_frame(weights, name="weights", digits=4,
                                             title=f"Indicator system and {e['weighting']} weights"))
        scores = self.evaluation.scores.groupby(level=0).mean()
        score_table = self._table(Table.from_frame(scores, name="scores", digits=4,
                                                   title="Subsystem scores U (national mean by year)"))
        pooled = "separately for each year" if e["per_year"] else "on the pooled panel"
        return Section(id="evaluation", title="Comprehensive evaluation", tables=(table, score_table),
                       paragraphs=(f"Indicators {e['standardise']}-standardised with their directions; "
                                   f"{e['weighting']} weights fitted {pooled}; subsystem score "
                                   "U = Σ wⱼ X′ⱼ over the subsystem's indicators.",))

    def step_coordination(self) -> Section:
        from .coordination import coordination_grade, coordination_table
        from .inequality import regional_means

        c = self.spec["coordination"]
        subsystems = self.spec["indicators"].subsystems
        result = coordination_table(self.evaluation.scores, alpha=c["alpha"], method=c["method"],
                                    scheme=c["scheme"])
        clash = [col for col in result.columns if col in self.data.columns and col not in (self.unit, self.time)]
        if clash:
            raise ValueError(f"coordination results would overwrite data column(s) {clash}; rename them")
        self.data = self.data.merge(result, on=[self.unit, self.time], how="left")
        grade_col = "grade_zh" if self.names == "zh" else "grade"
        province_table = self._table(ccd_table(self.data, value="D", grade=grade_col, unit=self.unit,
                                               time=self.time, names=self.names, digits=self.digits))
        national = self.data.groupby(self.time)["D"].mean()
        grades = coordination_grade(national, c["scheme"])
        yearly = pd.DataFrame({"mean D": national, "grade": grades["grade"]})
        if "grade_zh" in grades:
            yearly["等级"] = grades["grade_zh"]
        yearly_table = self._table(Table.from_frame(yearly, name="ccd_national", digits=self.digits,
                                                    title="National mean coupling coordination degree and grade"))
        means = regional_means(self.data, "D", unit=self.unit, time=self.time)
        trend = self._figure(_trend(means.levels, ylabel="mean D"), name="ccd_trend",
                             title="Coupling coordination degree D: national and regional means")
        figures = (trend,)
        if self._provinces():
            figures += (self._grade_maps(c),)
        return Section(id="coordination", title="Coupling coordination", tables=(yearly_table, province_table),
                       figures=figures,
                       paragraphs=(f"Subsystems {', '.join(subsystems)}; coupling C ({c['method']}), "
                                   "T = Σ αᵢUᵢ, D = √(C·T); grades on the "
                                   f"{'ten-level' if c['scheme'] == 'ten' else 'three-hierarchy'} scale.",))

    def _provinces(self) -> bool:
        return bool(self.data[self.unit].isin(_province_codes()).all())

    @property
    def _lang(self) -> str:
        return "zh" if self.names == "zh" else "en"

    def _grade_maps(self, c: dict) -> Figure:
        """Maps of the coordination grade in the chosen years (class k = grade level k, exactly)."""
        from .coordination import GRADE_SCHEMES
        from .plots.maps import choropleth_by_year

        times = sorted(self.data[self.time].unique())
        years = c["map_years"] or sorted({times[0], times[len(times) // 2], times[-1]})
        absent = [y for y in years if y not in times]
        if absent:
            raise ValueError(f"{self.study.source}: [coordination] map_years {absent} are not in the data")
        scheme = GRADE_SCHEMES[c["scheme"]]
        labels = scheme.labels_zh if self._lang == "zh" and scheme.labels_zh else scheme.labels
        fig = choropleth_by_year(self.data, "level", unit=self.unit, time=self.time, years=years, scheme="user",
                                 bins=list(range(1, len(labels) + 1)), labels=list(labels), cmap="RdYlGn",
                                 legend_title="Coordination grade", lang=self._lang)
        return self._figure(fig, name="ccd_maps", title=f"Coordination grade of D, {', '.join(map(str, years))}")

    def step_obstacle(self) -> Section:
        from .obstacle import obstacle_summary

        o = self.spec["obstacle"]
        system = self.spec["indicators"]
        # subsystem obstacles only compare across subsystems (within one they are 100 % by construction)
        within = "all" if o["level"] == "subsystem" else "subsystem"
        alpha = self.spec.get("coordination", {}).get("alpha")
        by_year = obstacle_summary(self.evaluation, level=o["level"], within=within, alpha=alpha) * 100
        frame = by_year.T
        frame.columns = [str(c) for c in frame.columns]
        frame["Mean"] = by_year.mean()
        frame.index.name = o["level"]
        t1 = self._table(Table.from_frame(frame, name="obstacle", digits=2,
                                          title=f"Obstacle degree by {o['level']} (%), national mean by year"))
        indicator_mean = obstacle_summary(self.evaluation, level="indicator").mean() * 100
        order = {name: i for i, name in enumerate(system.subsystems)}
        ranked = (pd.DataFrame({"subsystem": pd.Series(system.groups), "obstacle (%)": indicator_mean})
                  .sort_values(["subsystem", "obstacle (%)"], ascending=[True, False],
                               key=lambda col: col.map(order) if col.name == "subsystem" else col))
        top = ranked.groupby("subsystem", sort=False).head(o["top"])
        top = top.assign(rank=top.groupby("subsystem", sort=False).cumcount() + 1)
        top = top.reset_index(names="indicator").set_index(["subsystem", "rank"])[["indicator", "obstacle (%)"]]
        t2 = self._table(Table.from_frame(top, name="obstacle_top", digits=2,
                                          title=f"Top {o['top']} obstacle indicators per subsystem (period mean, %)"))
        return Section(id="obstacle", title="Obstacle factors", tables=(t1, t2),
                       paragraphs=("Obstacle degree Oᵢⱼ = (1 − X′ᵢⱼ)·wⱼ / Σₖ (1 − X′ᵢₖ)·wₖ, averaged over "
                                   "provinces; the sum runs over all indicators (weights αᵍwⱼ) for the "
                                   "subsystem table and within each subsystem otherwise.",))

    def step_weights(self) -> Section:
        from . import weights as W

        if not self._provinces():
            raise ValueError(f"{self.study.source}: [weights] the built-in weights need province units in "
                             f"{self.unit!r}")
        w = self.spec["weights"]
        if w["kind"] == "contiguity":
            graph = W.contiguity()
            desc = "queen contiguity (Hainan linked to Guangdong), row-standardised"
        elif w["kind"] == "knn":
            graph = W.knn(k=w["k"])
            desc = f"{w['k']} nearest neighbours, row-standardised"
        else:
            graph = W.distance(power=w["power"], threshold=w["threshold"])
            desc = f"inverse distance (power {w['power']}), row-standardised"
        units = sorted(self.data[self.unit].unique())
        self.graph = graph if len(units) == len(graph.unique_ids) else W.subset(graph, units)
        card = pd.Series(self.graph.cardinalities).reindex(units)
        self.log(f"weights: {desc}; {len(units)} units, {int((card > 0).sum())} with neighbours")
        return Section(id="weights", title="Spatial weights",
                       paragraphs=(f"W: {desc}. Units: {len(units)}; neighbours per unit: min {card.min()}, "
                                   f"mean {card.mean():.2f}, max {card.max()}.",))

    def step_moran(self) -> Section:
        from .autocorrelation import moran_by_year

        m = self.spec["moran"]
        col = self._column("moran")
        frame = moran_by_year(self.data, col, self.graph, unit=self.unit, time=self.time,
                              permutations=m["permutations"], seed=m["seed"])
        table = self._table(moran_table(frame, title=f"Global Moran's I of {col} by year"))
        from .plots.charts import moran_scatter

        last = max(self.data[self.time])
        values = self.data.loc[self.data[self.time] == last].set_index(self.unit)[col]
        ax = moran_scatter(values, self.graph, permutations=m["permutations"], seed=m["seed"], lang=self._lang,
                           title=f"{col}, {last}")
        scatter = self._figure(ax.figure, name="moran_scatter", title=f"Moran scatter plot of {col}, {last}")
        return Section(id="moran", title="Global spatial autocorrelation", tables=(table,), figures=(scatter,),
                       paragraphs=(f"Global Moran's I of {col} per year with W above; "
                                   f"{m['permutations']} permutations (seed {m['seed']}).",))

    def step_lisa(self) -> Section:
        from .autocorrelation import lisa_by_year

        s = self.spec["lisa"]
        col = self._column("lisa")
        years = s["years"] or sorted(self.data[self.time].unique())
        absent = [y for y in years if y not in set(self.data[self.time])]
        if absent:
            raise ValueError(f"{self.study.source}: [lisa] years {absent} are not in the data")
        frame = lisa_by_year(self.data[self.data[self.time].isin(years)], col, self.graph, unit=self.unit,
                             time=self.time, permutations=s["permutations"], seed=s["seed"], alpha=s["alpha"],
                             adjust=None if s["adjust"] == "none" else s["adjust"], progress=not self.quiet)
        clusters = frame["cluster"].astype(str).unstack(self.time)
        clusters.index = _labels(clusters.index, self.names)
        clusters.columns = [str(c) for c in clusters.columns]
        counts = frame["cluster"].groupby(level=0, observed=False).value_counts().unstack(0)
        counts.columns = [str(c) for c in counts.columns]
        counts.index.name = "cluster"
        t1 = self._table(Table.from_frame(clusters.rename_axis("province"), name="lisa_clusters",
                                          title=f"LISA clusters of {col}"))
        t2 = self._table(Table.from_frame(counts, name="lisa_counts", title="Number of provinces per LISA cluster"))
        adjust = "no multiple-testing adjustment" if s["adjust"] == "none" else f"{s['adjust']} adjustment"
        figures = ()
        if self._provinces():
            from .plots.maps import lisa_maps_by_year

            figures = (self._figure(lisa_maps_by_year(frame, years=years, lang=self._lang), name="lisa_maps",
                                    title=f"LISA cluster maps of {col}, {', '.join(map(str, years))}"),)
        return Section(id="lisa", title="Local spatial autocorrelation (LISA)", tables=(t2, t1), figures=figures,
                       paragraphs=(f"Local Moran's I of {col}, conditional permutation inference "
                                   f"({s['permutations']} permutations, seed {s['seed']}), α = {s['alpha']}, "
                                   f"{adjust}.",))

    def step_dagum(self) -> Section:
        from .inequality import dagum_gini

        g = self.spec["dagum"]
        col = self._column("dagum")
        result = dagum_gini(self.data, col, group=g["group"], unit=self.unit, time=self.time,
                            bootstrap=g["bootstrap"], seed=g["seed"], progress=not self.quiet)
        frame = result.table(lang="zh" if self.names == "zh" else "en", decimals=None)
        frame.columns = [str(c) for c in frame.columns]
        table = self._table(Table.from_frame(frame, name="dagum", digits=self.digits,
                                             title=f"Dagum Gini decomposition of {col} ({g['group']})"))
        return Section(id="dagum", title="Regional differences (Dagum Gini)", tables=(table,),
                       paragraphs=(f"Dagum (1997) decomposition G = G_w + G_nb + G_t of {col} by "
                                   f"{g['group']} groups, per year.",))

    def step_kde(self) -> Section:
        from .dynamics import kernel_density

        k = self.spec["kde"]
        col = self._column("kde")
        result = kernel_density(self.data, col, group=k["group"], unit=self.unit, time=self.time)
        measures = {"peak_x": "Main peak location", "n_peaks": "Number of peaks",
                    "right_tail": "Right-tail length"}
        blocks = {label: result.summary.pivot(index=self.time, columns="region", values=key)
                  .reindex(columns=list(result.regions)).astype(object)  # keep peak counts integers
                  for key, label in measures.items()}
        frame = pd.concat(blocks)
        frame.columns = [str(c) for c in frame.columns]
        table = self._table(Table.from_frame(frame, name="kde_summary", digits=self.digits,
                                             title=f"Kernel density of {col}: peaks and tails by region"))
        fig = self._figure(result.plot(kind=k["kind"]), name="kde", title=f"Kernel density of {col} by year")
        return Section(id="kde", title="Distribution dynamics (kernel density)", tables=(table,), figures=(fig,),
                       paragraphs=(f"Gaussian kernel densities of {col} per year for the nation and each "
                                   f"{k['group']} group (Silverman bandwidth).",))

    def step_tests(self) -> Section:
        """The specification-test chain (LM, Wald/LR, LR of fixed effects, Hausman) and SAR/SEM/SDM side by side."""
        import warnings

        from .models import specification_tests

        s = self.spec["tests"]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chain = specification_tests(self.data, s["formula"], self.graph, unit=self.unit, time=self.time,
                                        effects=s["effects"], lag_convention=s["lag_convention"], alpha=s["alpha"])
        for w in caught:
            self.log(f"tests: warning: {w.message}")
        tests = self._table(Table.from_frame(
            chain.publication_table().reset_index().set_index(["group", "test"]), name="specification_tests",
            digits=self.digits, title="Specification tests",
            notes=("*** p<0.01, ** p<0.05, * p<0.1.", *[f"{r.group}, {r.test}: {r.note}"
                                                         for r in chain.table.itertuples() if r.note])))
        models = {"SAR": chain.models["sar"], "SEM": chain.models["sem"], "SDM": chain.models["sdm"]}
        compare = self._table(regression_table(models, name="model_comparison", digits=self.digits,
                                               title=f"SAR, SEM and SDM ({s['effects']} FE): {s['formula']}"))
        return Section(id="tests", title="Model selection", tables=(tests, compare),
                       paragraphs=(chain.recommendation,))

    def step_sdm(self) -> Section:
        from .models import sdm

        s = self.spec["sdm"]
        bias = None if s["bias_correction"] == "none" else s["bias_correction"]
        res = sdm(self.data, s["formula"], self.graph, unit=self.unit, time=self.time, effects=s["effects"],
                  bias_correction=bias, lag_convention=s["lag_convention"])
        impacts = res.impacts(n_draws=s["n_draws"], seed=s["seed"])
        title = f"SDM ({s['effects']} FE)"
        table = self._table(regression_table(
            {title: res}, impacts={title: impacts}, name="sdm", digits=self.digits,
            title=f"Spatial Durbin model: {s['formula']}",
            extra_rows={"Fixed effects": [s["effects"]], "Units (N)": [str(res.N)], "Years (T)": [str(res.T)],
                        "Bias correction": [s["bias_correction"]]}))
        tables = [table]
        paras = [f"ML estimation of y = ρWy + Xβ + WXθ + fixed effects + ε for {s['formula']}; effects by "
                 f"simulation ({s['n_draws']} draws, seed {s['seed']})."]
        if self.study.simulated:
            recovery = _recovery(res, impacts)
            if recovery is not None:
                tables.append(self._table(Table.from_frame(
                    recovery, name="sdm_recovery", digits=3,
                    title="Recovery of the simulated process: true values vs estimates",
                    notes=("True values are those of spatialccd.demo_truth(); 'covered' = the 95% interval "
                           "contains the true value.",))))
                paras.append("The demo outcome was simulated from a two-way fixed-effects SDM with known "
                             "parameters; the second table compares them with the estimates.")
        return Section(id="sdm", title="Spatial Durbin model", tables=tuple(tables), paragraphs=tuple(paras))


def _province_codes() -> list[str]:
    from .geo import province_table

    return list(province_table().index)


def _labels(codes: pd.Index, names: str) -> list[str]:
    from .geo import province_table

    table = province_table()
    column = {"en": "name_en", "zh": "short_zh"}.get(names)
    return [table.at[c, column] if column and c in table.index else str(c) for c in codes]


def _trend(levels: pd.DataFrame, *, ylabel: str):
    from .report.figures import trend_chart

    return trend_chart(levels, ylabel=ylabel)


def _recovery(res, impacts: pd.DataFrame) -> pd.DataFrame | None:
    """True demo parameters next to the estimates (None if the formula is not the demo's)."""
    from scipy import stats

    from .datasets import demo_truth

    truth = demo_truth()
    if res.yname != truth["outcome"] or set(truth["regressors"]) - set(res.params.index):
        return None
    z = stats.norm.ppf(0.975)
    rows = []
    true = {"rho": truth["rho"], **truth["beta"], **{f"W_{k}": v for k, v in truth["theta"].items()}}
    for term, value in true.items():
        est, se = float(res.params[term]), float(res.bse[term])
        rows.append((term, value, est, se, abs(est - value) <= z * se))
    for kind in ("direct", "indirect", "total"):
        for reg, value in truth["effects"][kind].items():
            est, lo, hi = (float(impacts.at[reg, c]) for c in (kind, f"{kind}_lower", f"{kind}_upper"))
            rows.append((f"{kind}: {reg}", value, est, float(impacts.at[reg, f"{kind}_se"]), lo <= value <= hi))
    frame = pd.DataFrame(rows, columns=["parameter", "true", "estimate", "se", "covered"]).set_index("parameter")
    frame["covered"] = frame["covered"].map({True: "yes", False: "no"})
    return frame


_FIXED_OUTPUTS = ("report.html", "tables.xlsx", "settings.toml", "run.log")


def _write_outputs(study: Study, out: Path, sections: list[Section], runner: _Runner, log: _Log) -> StudyResult:
    from .io import write_bytes, write_text

    tables, figures = runner.tables, runner.figures
    planned = ([out / n for n in _FIXED_OUTPUTS]
               + [out / "tables" / f"{n}.{ext}" for n in tables for ext in ("csv", "tex")]
               + [out / "figures" / f"{n}.{ext}" for n in figures for ext in ("png", "svg")])
    out.mkdir(parents=True, exist_ok=True)
    for t in tables.values():
        t.to_csv(out / "tables" / f"{t.name}.csv")
        write_text(out / "tables" / f"{t.name}.tex", t.to_latex())
    if tables:
        write_tables(list(tables.values()), out / "tables.xlsx")
    for f in figures.values():
        write_bytes(out / "figures" / f"{f.name}.png", f.png)
        write_text(out / "figures" / f"{f.name}.svg", f.svg)
    settings = study.settings_toml()
    write_text(out / "settings.toml", settings)
    log(f"wrote {len(tables)} tables (CSV, LaTeX, Excel) and {len(figures)} figures (PNG, SVG) to {out}")
    report = out / "report.html"
    log(f"report: {report}")
    write_report(report, title=study.spec["title"], sections=sections, settings=settings,
                 simulated=study.simulated, log=log.lines)
    write_text(out / "run.log", "\n".join(log.lines) + "\n")
    return StudyResult(output=out, report_path=report, tables=dict(tables), figures=dict(figures),
                       data=runner.data.copy(), log=tuple(log.lines), files=tuple(planned))


def run_demo(output: str | PathLike, *, overwrite: bool = False, quiet: bool = False) -> Path:
    """Run the bundled demo study (simulated data) into ``output``; returns the report's path.

    The study file is ``spatialccd/datasets/demo_study.toml``.  **The demo data
    are simulated** (see :func:`spatialccd.load_demo`).
    """
    from .datasets import demo_study_path

    return Study.from_toml(demo_study_path()).run(output, overwrite=overwrite, quiet=quiet).report_path
