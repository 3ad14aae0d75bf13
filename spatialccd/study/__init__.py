"""A whole study from one TOML file: data → evaluation → coordination → spatial structure → models → report.

:mod:`.spec` validates the file (:class:`Study`), :mod:`.run` and :mod:`.steps` run
the analyses into result objects, :mod:`.outputs` writes the output folder
all-or-nothing (:class:`StudyResult`).  See :mod:`spatialccd.study.spec` for the layout.
"""
from __future__ import annotations

from os import PathLike
from pathlib import Path

from .outputs import StudyResult
from .spec import Study

__all__ = ["Study", "StudyResult", "run_demo"]


def run_demo(output: str | PathLike, *, overwrite: bool = False, quiet: bool = False) -> Path:
    """Run the bundled demo study (simulated data) into ``output``; returns the report's path.

    The study file is ``spatialccd/datasets/demo_study.toml``.  **The demo data
    are simulated** (see :func:`spatialccd.load_demo`).
    """
    from ..datasets import demo_study_path

    return Study.from_toml(demo_study_path()).run(output, overwrite=overwrite, quiet=quiet).report_path
