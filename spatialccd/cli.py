"""Command line: ``spatialccd demo -o out/`` and ``spatialccd run study.toml -o out/``."""
from __future__ import annotations

import argparse
import sys

from . import __version__


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spatialccd", description=__doc__)
    parser.add_argument("--version", action="version", version=f"spatialccd {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, helptext in (("demo", _demo, "run the bundled (simulated) demo study"),
                                 ("run", _run, "run a study described in a TOML file")):
        p = sub.add_parser(name, help=helptext)
        if name == "run":
            p.add_argument("study", help="path to study.toml")
        p.add_argument("-o", "--output", default="out", help="output folder")
        p.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
        p.add_argument("--quiet", action="store_true", help="no progress bars")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileExistsError, FileNotFoundError) as exc:
        print(f"spatialccd: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
