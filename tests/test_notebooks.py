"""Execute every notebook in notebooks/ (issue 10: "executed in CI so they never rot").

Each notebook runs top to bottom in a fresh "python3" kernel with nbclient (timeout 300 s
per cell, working directory notebooks/, MPLBACKEND=Agg); the test fails with the first
cell's error.  The kernel must be this interpreter: a "python3" kernelspec found elsewhere
(e.g. ~/.local/share/jupyter pointing at another Python) would test another installation.
If the spec that "python3" resolves to does not start this interpreter, an ipykernel spec
for ``sys.executable`` is written to a temporary folder and put first on JUPYTER_PATH —
no network, nothing installed outside the temporary folder.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from nbclient.exceptions import CellExecutionError  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = "python3"
CELL_TIMEOUT = 300
# jupyter_client replaces these argv[0] by sys.executable of the launching process
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_GENERIC_PYTHON = {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"}


def _spec_runs_this_interpreter() -> bool:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        return False
    exe = spec.argv[0] if spec.argv else ""
    # compare paths without resolving symlinks: a venv's python links to the base interpreter
    return exe in _GENERIC_PYTHON or os.path.abspath(exe) == os.path.abspath(sys.executable)


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """Environment in which the "python3" kernel is this interpreter, with a non-interactive backend."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPLBACKEND", "Agg")
        if not _spec_runs_this_interpreter():
            from ipykernel.kernelspec import write_kernel_spec

            root = tmp_path_factory.mktemp("jupyter")
            src = write_kernel_spec()  # argv = [sys.executable, "-m", "ipykernel_launcher", "-f", ...]
            shutil.copytree(src, root / "kernels" / KERNEL)
            shutil.rmtree(src, ignore_errors=True)
            mp.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(root), os.environ.get("JUPYTER_PATH")])))
            assert _spec_runs_this_interpreter(), "could not point the python3 kernel at this interpreter"
        yield


def _run(nb, path: Path = NOTEBOOKS):
    client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(path)}})
    return client.execute()


def _failed_cell(nb) -> int:
    """Index of the first cell with an error output (-1 if none, e.g. a timeout)."""
    for i, cell in enumerate(nb.cells):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return i
    return -1


def test_kernel_is_this_interpreter(kernel_env):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.prefix)")])
    _run(nb)
    assert nb.cells[0].outputs[0]["text"].strip() == sys.prefix


def test_notebooks_present():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")), f"no notebooks in {NOTEBOOKS}"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(path, kernel_env):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    error = None
    try:
        _run(nb)
    except CellExecutionError as exc:
        error = _ANSI.sub("", str(exc))
    if error is not None:  # outside the except block, so the report is not a chained traceback
        pytest.fail(f"{path.name}: cell {_failed_cell(nb)} raised\n{error}", pytrace=False)
