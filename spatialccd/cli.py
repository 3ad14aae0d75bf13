"""Command line: ``spatialccd demo -o out/`` and ``spatialccd run study.toml -o out/``.

Any error of the package (:class:`~spatialccd.exceptions.SpatialCCDError`), a missing
or existing file, an operating-system error (disk full, no permission) and Ctrl-C end
the run with one line naming the step and the culprit and exit code 2 (130 for
Ctrl-C); ``--debug`` shows the traceback.  The output folder is all-or-nothing, so
the line also says what is left on disk.
"""
from __future__ import annotations

import argparse
import os
import sys

from ._version import __version__
from .exceptions import SpatialCCDError


def _demo(args: argparse.Namespace) -> int:
    from .study import run_demo

    path = run_demo(args.output, overwrite=args.overwrite, quiet=args.quiet)
    print(f"report written to {path}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from .study import Study

    study = Study.from_toml(args.study)
    path = study.run(args.output, overwrite=args.overwrite, quiet=args.quiet).report_path
    print(f"report written to {path}")
    return 0


_KEPT = "the output folder was left as it was (previous complete output, or none)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spatialccd", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"spatialccd {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, helptext in (("demo", _demo, "run the bundled (simulated) demo study"),
                                 ("run", _run, "run a study described in a TOML file")):
        p = sub.add_parser(name, help=helptext)
        if name == "run":
            p.add_argument("study", help="path to study.toml")
        p.add_argument("-o", "--output", default="out", help="output folder")
        p.add_argument("--overwrite", action="store_true", help="replace an earlier spatialccd output folder")
        p.add_argument("--quiet", action="store_true", help="no progress bars")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(f"spatialccd: interrupted; {_KEPT}", file=sys.stderr)
        return 130
    except Exception as exc:   # SpatialCCDError, OSError and anything else a step raised: one line
        if args.debug:
            raise
        step = getattr(exc, "step", None)
        where = f"[{step}] " if step else ""
        kind = "" if isinstance(exc, (SpatialCCDError, OSError)) else f"{type(exc).__name__}: "
        kept = "" if isinstance(exc, (FileExistsError, FileNotFoundError)) else f" ({_KEPT})"
        hint = "" if isinstance(exc, (SpatialCCDError, OSError)) else "; --debug shows the traceback"
        print(f"spatialccd: error: {where}{kind}{exc}{kept}{hint}", file=sys.stderr)
        return 2


def entry() -> None:
    """The ``spatialccd`` command: :func:`main`, then a fast exit.

    When the command is done every file is written, renamed into place and closed, so there is nothing
    left to release: the interpreter's module-by-module teardown of scipy, scikit-learn, numba and
    matplotlib (about 0.6 s, a twentieth of a county-scale run) is skipped once the output streams are
    flushed.  :func:`main` itself returns normally, for callers in Python.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
