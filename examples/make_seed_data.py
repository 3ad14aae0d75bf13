"""Regenerate the data of every seed example study: runs ``write()`` of each ``seed_data_*.py`` beside this file.

    python examples/make_seed_data.py

Each generator module (``seed_data_000_002.py`` for seeds 000 and 002, further modules for the
other seeds) documents its process and writes its CSV files next to the study files.  The
indicator values are SIMULATED (see each module and ``README.md``); every generator is seeded,
so the files are reproduced byte for byte.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def generators() -> list[Path]:
    """The generator modules beside this script, in name order."""
    return sorted(HERE.glob("seed_data_*.py"))


def main() -> int:
    for path in generators():
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for written in module.write(HERE):
            print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
