"""The study file: schema, validation, the :class:`Study` value and the settings writer (no running).

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
    [tests]                           # formula, effects, lag_convention, alpha, panel_moran, bayesian
    [sdm]                             # formula, kind, effects, bias_correction, lag_convention, dynamic,
                                      # by_region, robustness_weights, n_draws, seed
    [types], [dea], [mismatch], [trends], [regional_means], [theil], [convergence]   # the seeds' analyses
    [markov], [hotspots], [bivariate], [detector], [gwr], [centrography], [topsis]   # the wider toolbox
    [report]                          # lang ("en" | "zh"; names is its old spelling), digits, paths, order

The tables and keys are those of :data:`spatialccd.study.registry.SCHEMA` (the core tables in
:mod:`spatialccd.study.schema`, the others in the domain modules ``steps_*``); the README lists them.

Every key is checked before anything runs; an error
(:class:`~spatialccd.exceptions.StudyError`) names the table, the key and the
allowed values.  The option words are those of the Python API
(:mod:`spatialccd._options`): ``bias_correction = "none"`` and ``None`` are the
same everywhere.  With an ``[indicators]`` table the evaluation and (for two or
more subsystems) the coordination steps run with their defaults; the weights are
built when Moran, LISA or a model needs them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .._options import NONE_MEANS_OFF
from .._version import __version__
from ..exceptions import StudyError
from .registry import ORDER, SCHEMA
from .schema import Opt as _Opt

__all__ = ["Study", "SCHEMA", "STEP_ORDER"]


_TOP = {"title": _Opt(str, "spatialccd study")}
_FREE = ("indicators",)  # validated by IndexSystem.from_dict
#: The order in which the analyses appear in the report.
STEP_ORDER = ORDER


def _type_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "a string", int: "an integer", float: "a number", bool: "true/false",
                        list: "an array", dict: "a table"}[k] for k in kinds)


def _check_value(where: str, value, opt: _Opt, *, table: str | None, key: str):
    if opt.vocabulary in NONE_MEANS_OFF and value == "none":
        return None
    kinds = opt.kind if isinstance(opt.kind, tuple) else (opt.kind,)
    ok = any(isinstance(value, k) and not (k in (int, float) and isinstance(value, bool)) for k in kinds)
    ok = ok or (float in kinds and isinstance(value, int) and not isinstance(value, bool))
    if not ok:
        raise StudyError(f"{where} must be {_type_name(opt.kind)}, got {value!r}", table=table, key=key)
    if opt.choices is not None and value not in opt.choices:
        shown = ", ".join(map(str, opt.choices)) + (", none" if opt.vocabulary in NONE_MEANS_OFF else "")
        raise StudyError(f"{where} = {value!r} is not allowed; allowed values: {shown}", table=table, key=key)
    if opt.item is not None:
        for i, v in enumerate(value):
            _check_value(f"{where}[{i}]", v, _Opt(opt.item), table=table, key=key)
        return [float(v) for v in value] if opt.item is float else list(value)
    return float(value) if opt.kind is float else value


def defaults(section: str) -> dict:
    """The defaults of one study table."""
    return {k: o.default for k, o in SCHEMA[section].items()}


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


def _validate_tables(raw: Mapping, source: str) -> dict:
    allowed = sorted([*_TOP, *_FREE, *SCHEMA])
    unknown = [k for k in raw if k not in allowed]
    if unknown:
        raise StudyError(f"{source}: unknown key(s) {unknown}; allowed top-level keys: {', '.join(allowed)}")
    spec: dict = {k: _check_value(f"{source}: {k}", raw[k], o, table=None, key=k) if k in raw else o.default
                  for k, o in _TOP.items()}
    for section, opts in SCHEMA.items():
        if section not in raw:
            continue
        table = raw[section]
        if not isinstance(table, Mapping):
            raise StudyError(f"{source}: [{section}] must be a table, got {table!r}", table=section)
        bad = [k for k in table if k not in opts]
        if bad:
            raise StudyError(f"{source}: [{section}] unknown key(s) {bad}; allowed keys: {', '.join(opts)}",
                             table=section, key=bad[0])
        missing = [k for k, o in opts.items() if o.required and k not in table]
        if missing:
            raise StudyError(f"{source}: [{section}] missing required key(s) {missing}", table=section,
                             key=missing[0])
        spec[section] = {k: (_check_value(f"{source}: [{section}] {k}", table[k], o, table=section, key=k)
                             if k in table else o.default) for k, o in opts.items()}
    return spec


def _validate(raw: Mapping, source: str) -> dict:
    spec = _validate_tables(raw, source)
    if "data" not in spec:
        raise StudyError(f"{source}: missing [data] table (give demo = true, path = \"…\" or paths = [\"…\"])",
                         table="data")
    data = spec["data"]
    given = [k for k in ("demo", "path", "paths") if data[k]]
    if len(given) != 1:
        raise StudyError(f"{source}: [data] needs exactly one of demo = true, path or paths; got {given or 'none'}",
                         table="data", key="path")
    if data["years"] is not None and len(data["years"]) != 2:
        raise StudyError(f"{source}: [data] years must be [first, last], got {data['years']}", table="data",
                         key="years")
    if "indicators" in raw:
        from ..evaluation import IndexSystem

        try:
            spec["indicators"] = IndexSystem.from_dict(raw["indicators"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise StudyError(f"{source}: [indicators] {exc}", table="indicators") from None
    for section in ("evaluation", "coordination", "obstacle"):
        if section in spec and "indicators" not in spec:
            raise StudyError(f"{source}: [{section}] needs an [indicators] table", table=section)
    if "indicators" in spec:
        spec.setdefault("evaluation", defaults("evaluation"))
        if len(spec["indicators"].subsystems) >= 2:
            spec.setdefault("coordination", defaults("coordination"))
    if "tests" in spec and spec["tests"]["formula"] is None:
        if "sdm" not in spec:
            raise StudyError(f"{source}: [tests] needs a formula (or an [sdm] table whose formula it reuses)",
                             table="tests", key="formula")
        spec["tests"]["formula"] = spec["sdm"]["formula"]
    if any(a in spec for a in ("moran", "lisa", "sdm", "tests")):
        spec.setdefault("weights", defaults("weights"))
    report = spec.setdefault("report", defaults("report"))
    if report["names"] is not None:   # the 0.1 spelling of the language key
        if report["names"] != "code":
            report["lang"] = report["names"]
    _check_cross(spec, source)
    return spec


def _check_data(data: dict, source: str) -> None:
    """The [data] sub-tables: rename (strings), derive (expressions of the grammar), missing (policy words),
    quality (screen, factor) — all checked before anything is read."""
    from .._options import VOCABULARIES
    from ..exceptions import ExpressionError
    from ..grammar import parse

    for sub in ("rename", "derive"):
        for k, v in (data[sub] or {}).items():
            if not isinstance(v, str):
                raise StudyError(f"{source}: [data.{sub}] {k} must be a string, got {v!r}", table=f"data.{sub}", key=k)
    for name, expression in (data["derive"] or {}).items():
        try:
            parse(expression, what=f"[data.derive] {name}")
        except ExpressionError as exc:
            raise StudyError(f"{source}: {exc}", table="data.derive", key=name) from None
    for column, policy in (data["missing"] or {}).items():
        if policy not in VOCABULARIES["missing"]:
            raise StudyError(f"{source}: [data.missing] {column} = {policy!r} is not allowed; allowed values: "
                             f"{', '.join(VOCABULARIES['missing'])} (use the key 'all' for every column)",
                             table="data.missing", key=column)
    quality = data["quality"] or {}
    bad = [k for k in quality if k not in ("screen", "factor")]
    if bad or not isinstance(quality.get("screen", True), bool) or \
            not isinstance(quality.get("factor", 3.0), (int, float)) or quality.get("factor", 3.0) <= 1:
        raise StudyError(f"{source}: [data.quality] takes screen = true/false and factor = a number > 1, got "
                         f"{quality}", table="data.quality", key=(bad or ["factor"])[0])
    if data["max_gap"] is not None and data["max_gap"] < 1:
        raise StudyError(f"{source}: [data] max_gap must be at least 1, got {data['max_gap']}", table="data",
                         key="max_gap")


def _check_cross(spec: dict, source: str) -> None:
    """Checks that involve several tables (before anything runs)."""
    _check_data(spec["data"], source)
    order = spec["report"]["order"] or []
    unknown = [k for k in order if k not in ORDER]
    if unknown or len(set(order)) != len(order):
        raise StudyError(f"{source}: [report] order lists unknown or repeated sections {unknown or order}; sections "
                         f"are {', '.join(ORDER)}", table="report", key="order")
    if spec["report"]["workers"] < 0:
        raise StudyError(f"{source}: [report] workers = {spec['report']['workers']}: give 0 (as many processes as "
                         "cores, at most 4), 1 (draw the report in this process) or a number of processes",
                         table="report", key="workers")
    if "obstacle" in spec and spec["obstacle"]["level"] == "criterion" and \
            any(i.criterion is None for i in spec["indicators"].indicators):
        raise StudyError(f"{source}: [obstacle] level = 'criterion' needs a criterion layer in every subsystem "
                         "of [indicators] ([indicators.<subsystem>.<criterion>])", table="obstacle", key="level")
    if "coordination" in spec:
        _check_coordination(spec["coordination"], source)
        n_sub = len(spec["indicators"].subsystems)
        if n_sub < 2:
            raise StudyError(f"{source}: [coordination] needs at least 2 subsystems in [indicators], got {n_sub}",
                             table="coordination")
        alpha = spec["coordination"]["alpha"]
        if alpha is not None and len(alpha) != n_sub:
            raise StudyError(f"{source}: [coordination] alpha has {len(alpha)} values for {n_sub} subsystems "
                             f"{spec['indicators'].subsystems}", table="coordination", key="alpha")
    for section in ("tests", "sdm"):
        if section in spec:
            _check_formula(spec[section]["formula"], source, section)
    from .steps_structure import check_spec as _check_structure   # [types], by_region, robustness_weights
    _check_structure(spec, source)
    from .steps_allocation import check_spec as _check_allocation   # [dea], [mismatch], [trends], [convergence] …
    _check_allocation(spec, source)
    from .steps_models import check_spec as _check_models   # [sdm] kind, dynamic, error_weights; [tests] bayesian
    _check_models(spec, source)
    from .steps_toolbox import check_spec as _check_toolbox   # [markov], [hotspots], [detector], [gwr] …
    _check_toolbox(spec, source)


def _check_coordination(c: dict, source: str) -> None:
    """The grade scheme (a name or a table of cut points and labels) and the relative-development thresholds."""
    from ..coordination import grade_scheme

    try:
        grade_scheme(c["scheme"])
    except (ValueError, TypeError) as exc:
        raise StudyError(f"{source}: [coordination] scheme: {exc} (give \"ten\", \"three\", \"five\" or a "
                         "[coordination.scheme] table with cuts = [0, …, 1] and labels = [...])",
                         table="coordination", key="scheme") from None
    lower, upper = (c["thresholds"] + [None, None])[:2] if len(c["thresholds"]) == 2 else (None, None)
    if lower is None or not 0 < lower < 1 < upper:
        raise StudyError(f"{source}: [coordination] thresholds must be [lower, upper] with 0 < lower < 1 < upper "
                         f"(0.8/1.2 or 0.9/1.1), got {c['thresholds']}", table="coordination", key="thresholds")


def _check_formula(formula: str, source: str, section: str) -> None:
    """Formulas in a study file are data: they must pass the expression grammar (no Python code)."""
    from ..exceptions import ExpressionError
    from ..grammar import check_formula

    try:
        check_formula(formula)
    except ExpressionError as exc:
        raise StudyError(f"{source}: [{section}] formula: {exc}", table=section, key="formula") from None


class Study:
    """A validated study specification (see the module docstring for the TOML layout).

    Build with :meth:`from_toml` (a file; relative data paths resolve against
    its folder) or :meth:`from_string`.  ``spec`` holds the validated settings
    with defaults filled in; ``text`` the TOML as given.  :meth:`run` runs it
    (:mod:`spatialccd.study.run`) and writes the output folder
    (:mod:`spatialccd.study.outputs`).
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
            raise StudyError(f"{source}: not valid TOML: {exc}") from None
        return cls(_validate(raw, source), text=text, base_dir=Path(base_dir), source=source)

    @classmethod
    def from_toml(cls, path: str | PathLike) -> Study:
        """Read and validate a study file (UTF-8, as TOML requires)."""
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"study file not found: {p}")
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StudyError(f"{p}: a study file must be saved as UTF-8 (TOML files are UTF-8); byte "
                             f"{raw[exc.start]:#04x} at position {exc.start} is not UTF-8 — the file looks like "
                             "GBK: re-save it as UTF-8 in your editor") from None
        return cls.from_string(text, base_dir=p.parent, source=p.name)

    def __repr__(self) -> str:
        steps = [s for s in STEP_ORDER[1:] if s in self.spec and s != "weights"]
        return f"Study({self.spec['title']!r}, steps={steps})"

    @property
    def simulated(self) -> bool:
        """True for the bundled simulated demo panel, or when ``[data] simulated = true`` marks the data as
        simulated (the report then carries the notice at the top and in the footer)."""
        return bool(self.spec["data"]["demo"] or self.spec["data"]["simulated"])

    @property
    def lang(self) -> str:
        """The report language ("en" or "zh")."""
        return self.spec["report"]["lang"]

    def input_files(self) -> list[Path]:
        """The data files the study reads (resolved; empty for the demo; the geometry file too)."""
        data = self.spec["data"]
        names = [data["path"]] if data["path"] else list(data["paths"] or [])
        if self.geometry_file() is not None:
            names.append(data["geometry"])
        return [(self.base_dir / n).resolve() for n in names]

    def data_files(self) -> list[Path]:
        """The data files (without the geometry file)."""
        files = self.input_files()
        return files[:-1] if self.geometry_file() is not None else files

    def geometry_file(self) -> str | None:
        """``[data] geometry`` when it names a file (not the built-in ``"provinces"`` / ``"cities"``)."""
        g = self.spec["data"].get("geometry")
        return None if g in (None, "provinces", "cities") else g

    def settings_toml(self, *, paths: str = "absolute") -> str:
        """The settings as run, defaults filled in, as TOML (itself a valid study file).

        ``paths="absolute"`` writes the data paths resolved (``settings.toml`` in the
        output folder can be run again from anywhere); ``"relative"`` writes them
        as given in the study file, so a shared report does not reveal home folders.
        """
        lines = [f"# spatialccd {__version__}: settings of study {self.source!r}, defaults filled in",
                 f"title = {_toml_value(self.spec['title'])}"]
        data = dict(self.spec["data"])
        if paths == "absolute":
            files = [str(p) for p in self.data_files()]
            if self.geometry_file() is not None:
                data["geometry"] = str(self.input_files()[-1])
            data["path"], data["paths"] = (files[0], None) if data["path"] else (None, files or None)
        lines += ["", "[data]"] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()
                                   if v is not None and not isinstance(v, dict)]
        for k, v in data.items():   # [data.rename], [data.derive], [data.missing], [data.quality]
            if isinstance(v, dict):
                lines += ["", f"[data.{_toml_key(k)}]"] + [f"{_toml_key(a)} = {_toml_value(b)}" for a, b in v.items()]
        if "indicators" in self.spec:
            groups: dict[tuple[str, ...], list[str]] = {}
            for ind in self.spec["indicators"].indicators:
                where = (ind.subsystem,) if ind.criterion is None else (ind.subsystem, ind.criterion)
                direction = _toml_value("+" if ind.direction > 0 else "-")
                value = direction if ind.unit is None else \
                    f"{{ direction = {direction}, unit = {_toml_value(ind.unit)} }}"
                groups.setdefault(where, []).append(f"{_toml_key(ind.name)} = {value}")
            for where, entries in groups.items():
                lines += ["", "[" + ".".join(["indicators", *map(_toml_key, where)]) + "]", *entries]
        for name in (n for n in SCHEMA if n != "data" and n in self.spec):
            lines += ["", f"[{name}]"]
            tables = []
            for k, v in self.spec[name].items():
                if v is None:
                    continue
                if isinstance(v, dict):   # a sub-table, e.g. [coordination.scheme]
                    tables += ["", f"[{name}.{_toml_key(k)}]"] + [f"{_toml_key(a)} = {_toml_value(b)}"
                                                                 for a, b in v.items() if b is not None]
                else:
                    lines.append(f"{_toml_key(k)} = {_toml_value(v)}")
            lines += tables
        return "\n".join(lines) + "\n"

    def run(self, output: str | PathLike, *, overwrite: bool = False, quiet: bool = False):
        """Run every step the spec asks for and write the output folder; returns a :class:`StudyResult`.

        The folder is all-or-nothing (:func:`spatialccd.study.outputs.write_outputs`):
        a run that fails or is interrupted leaves the previous complete output, or
        nothing.  Raises ``FileExistsError`` if ``output`` is a non-empty folder and
        ``overwrite`` is False.
        """
        from .outputs import OutputFolder, write_outputs
        from .run import run_steps

        folder = OutputFolder.prepare(self, output, overwrite=overwrite)   # checks writability first
        try:
            run = run_steps(self, quiet=quiet)
            return write_outputs(self, run, folder)
        finally:
            folder.discard()
