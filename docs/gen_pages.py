"""MkDocs hook of the spatialccd site (``hooks:`` in mkdocs.yml).  At build time it

1. checks the API reference: every public name is rendered by a ``:::`` directive of
   ``docs/api/*.md`` and every public function, class and module has a docstring
   (``docs/api_coverage.py``, shared with ``tests/test_docs.py``); each finding is a warning,
   so ``mkdocs build --strict`` fails on it;
2. fills ``<!-- readme: Section title -->`` markers with that ``## Section`` of README.md,
   verbatim: the README is the one source of the validation table and of "When established
   tools disagree", and the site cannot drift from it;
3. executes every notebook of ``notebooks/`` (nbclient, this interpreter's kernel) and adds it
   to the Gallery as a page with its outputs (nbconvert's Markdown exporter, figures as files);
4. runs every example study of ``examples/`` (and the bundled demo study) and adds its
   ``report.html`` to the site, listed where ``<!-- examples: reports -->`` stands;
5. writes the table of every study-file table and key where ``<!-- study: schema -->``
   stands, from the schema the study validator uses (``spatialccd.study.registry.SCHEMA``).

``SPATIALCCD_DOCS_RUN=0`` skips 3 and 4 (notebooks shown without outputs, no reports, both
pages saying so) for quick local previews; CI and ``make docs`` run everything.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))

import api_coverage  # noqa: E402  (docs/ is not a package)

log = logging.getLogger("mkdocs.hooks.spatialccd")

README = ROOT / "README.md"
NOTEBOOKS = ROOT / "notebooks"
EXAMPLES = ROOT / "examples"
README_MARKER = re.compile(r"<!--\s*readme:\s*(.+?)\s*-->")
EXAMPLES_MARKER = "<!-- examples: reports -->"
GALLERY_MARKER = "<!-- gallery: notebooks -->"
SCHEMA_MARKER = "<!-- study: schema -->"
RUN = os.environ.get("SPATIALCCD_DOCS_RUN", "1") != "0"

_state: dict = {"notebooks": [], "reports": []}


# -- 2. README sections ------------------------------------------------------------------------

def readme_section(title: str, text: str | None = None) -> str:
    """The body of the ``## title`` section of README.md (up to the next ``## ``), stripped."""
    text = README.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines()
    try:
        start = lines.index(f"## {title}") + 1
    except ValueError:
        raise KeyError(f"README.md has no section '## {title}'") from None
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip()


def expand_readme(markdown: str, text: str | None = None) -> str:
    """``markdown`` with every ``<!-- readme: Title -->`` marker replaced by that README section."""
    return README_MARKER.sub(lambda m: readme_section(m.group(1), text), markdown)


# -- 3. notebooks --------------------------------------------------------------------------------

@contextlib.contextmanager
def _this_kernel():
    """Make the "python3" kernel this interpreter (a spec found elsewhere might be another Python)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv0 = KernelSpecManager().get_kernel_spec("python3").argv[0]
    except NoSuchKernel:
        argv0 = ""
    generic = {"python", "python3", f"python3.{sys.version_info[1]}"}
    if argv0 in generic or os.path.abspath(argv0) == os.path.abspath(sys.executable):
        yield
        return
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (spatialccd docs)", "language": "python"}))
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [tmp, old]))
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old


def notebook_page(path: Path, *, execute: bool) -> tuple[str, str, dict[str, bytes]]:
    """(title, Markdown, {relative file name: bytes}) of a notebook, executed first if asked."""
    import nbclient
    import nbformat
    from nbconvert import MarkdownExporter

    nb = nbformat.read(path, as_version=4)
    if execute:
        with _this_kernel():
            nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                                    resources={"metadata": {"path": str(path.parent)}}).execute()
    body, resources = MarkdownExporter().from_notebook_node(
        nb, resources={"output_files_dir": f"{path.stem}_files", "unique_key": path.stem})
    title = next((line[2:].strip() for cell in nb.cells if cell.cell_type == "markdown"
                  for line in cell.source.splitlines() if line.startswith("# ")), path.stem)
    source = f"notebooks/{path.name}"
    head = (f"!!! note \"Notebook `{source}`\"\n    Executed when this site was built; the same notebook "
            f"runs in the test suite (`tests/test_notebooks.py`).\n\n" if execute else
            f"!!! warning \"Notebook `{source}` shown without outputs\"\n    This preview was built "
            f"with `SPATIALCCD_DOCS_RUN=0`; `make docs` executes it.\n\n")
    lines = body.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    body = "\n".join(lines[:at] + ["", head] + lines[at:])
    return title, body, dict(resources.get("outputs", {}))


# -- 4. example studies ------------------------------------------------------------------------

def example_studies() -> list[Path]:
    """The demo study, then the study files of examples/ (``*.toml``, ``<name>/study.toml``)."""
    from spatialccd.datasets import demo_study_path

    return [Path(demo_study_path())] + sorted(EXAMPLES.glob("*.toml")) + sorted(EXAMPLES.glob("*/study.toml"))


def example_name(path: Path) -> str:
    if path.parent.name == "datasets":
        return "demo"
    return path.parent.name if path.name == "study.toml" else path.stem


def example_source(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:  # an installed package outside the clone
        return f"spatialccd/datasets/{path.name}"


def run_example(path: Path) -> tuple[str, bytes]:
    """(title, report.html bytes) of one example study, run into a temporary folder."""
    from spatialccd.study import Study

    study = Study.from_toml(path)
    with tempfile.TemporaryDirectory() as tmp:
        result = study.run(Path(tmp) / "out", overwrite=True, quiet=True)
        return study.spec["title"], Path(result.report_path).read_bytes()


def reports_table() -> str:
    if not RUN:
        return ("!!! warning \"Reports not built\"\n    This preview was built with "
                "`SPATIALCCD_DOCS_RUN=0`; `make docs` runs every example study and links its report "
                "here.")
    rows = ["| example | study file | report |", "|---|---|---|"]
    for name, source, title in _state["reports"]:
        rows.append(f"| {title} | `{source}` | [report.html](examples/{name}/report.html) |")
    return "\n".join(rows)


# -- 5. the study-file schema ------------------------------------------------------------------

def _type_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _toml(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def schema_table() -> str:
    """Markdown table of every study-file table and key, from the validator's schema."""
    from spatialccd.study.registry import SCHEMA

    rows = ["| table | key | type | default | allowed values |", "|---|---|---|---|---|"]
    for table, keys in SCHEMA.items():
        for i, (key, opt) in enumerate(keys.items()):
            kind = _type_name(opt.kind)
            if opt.item is not None:
                kind += f" of {_type_name(opt.item)}"
            default = "required" if opt.required else _toml(opt.default)
            allowed = ", ".join(_toml(c) for c in opt.choices) if opt.choices else ""
            rows.append(f"| {'`[' + table + ']`' if i == 0 else ''} | `{key}` | {kind} | {default} | {allowed} |")
    return "\n".join(rows)


# -- MkDocs events -----------------------------------------------------------------------------

def on_pre_build(config, **kwargs) -> None:
    for problem in api_coverage.unresolved_directives():
        log.warning("API reference: %s does not import", problem)
    for name in api_coverage.uncovered():
        log.warning("API reference: the public name %s is rendered by no ':::' directive in docs/api/",
                    name)
    for name in api_coverage.missing_docstrings():
        log.warning("API reference: the public name %s has no docstring", name)


def on_files(files, config, **kwargs):
    from mkdocs.structure.files import File

    _state["notebooks"], _state["reports"] = [], []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        started = time.perf_counter()
        title, markdown, outputs = notebook_page(path, execute=RUN)
        page = File.generated(config, f"gallery/{path.stem}.md", content=markdown)
        files.append(page)
        for name, data in outputs.items():
            files.append(File.generated(config, f"gallery/{name}", content=data))
        _state["notebooks"].append((page.src_uri, title))
        log.info("notebook %s: %.1f s", path.name, time.perf_counter() - started)
    if RUN:
        for path in example_studies():
            started = time.perf_counter()
            name = example_name(path)
            title, html = run_example(path)
            files.append(File.generated(config, f"examples/{name}/report.html", content=html))
            _state["reports"].append((name, example_source(path), title))
            log.info("example %s: %.1f s", name, time.perf_counter() - started)
    return files


def on_nav(nav, config, files, **kwargs):
    from mkdocs.structure.pages import Page

    gallery = next((item for item in nav.items if item.is_section and item.title == "Gallery"), None)
    if gallery is None:
        log.warning("mkdocs.yml has no 'Gallery' section for the notebooks")
        return nav
    pages = []
    for src_uri, title in _state["notebooks"]:
        page = Page(title, files.get_file_from_path(src_uri), config)
        page.parent = gallery
        pages.append(page)
    gallery.children[1:1] = pages
    nav.pages[:] = [p for p in _flatten(nav.items)]
    for previous, page in zip(nav.pages, nav.pages[1:]):
        previous.next_page, page.previous_page = page, previous
    return nav


def _flatten(items):
    for item in items:
        if item.is_section:
            yield from _flatten(item.children)
        elif item.is_page:
            yield item


def on_page_markdown(markdown: str, page, config, files, **kwargs) -> str:
    markdown = expand_readme(markdown)
    if EXAMPLES_MARKER in markdown:
        markdown = markdown.replace(EXAMPLES_MARKER, reports_table())
    if SCHEMA_MARKER in markdown:
        markdown = markdown.replace(SCHEMA_MARKER, schema_table())
    if GALLERY_MARKER in markdown:
        items = [f"- [{title}]({Path(src).name})" for src, title in _state["notebooks"]]
        markdown = markdown.replace(GALLERY_MARKER, "\n".join(items))
    return markdown
