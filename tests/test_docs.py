"""The documentation site (docs/, mkdocs.yml) without building it (CI builds it with `make docs`).

* Every public name — each entry of ``spatialccd.__all__`` and of the ``__all__`` of the
  public modules (``docs/api_coverage.py`` says which) — is rendered by a ``:::`` directive of
  the API reference pages, and every public function, class and module has a docstring.  The
  site build turns the same findings into warnings, so ``mkdocs build --strict`` fails on them.
* The README's "Validation" and "When established tools disagree" reach the site from one
  source: the conventions page holds markers that the build hook replaces by the README's
  sections, and no copy of their tables.
* Every formula of the pages is valid for the bundled KaTeX (node, when installed).
"""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
KATEX = DOCS / "assets" / "katex" / "katex.min.js"
SECTIONS = ("Validation", "When established tools disagree")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


coverage = _load("api_coverage")
hook = _load("gen_pages")


# -- API reference -----------------------------------------------------------------------------

def test_every_public_name_is_rendered_by_the_api_reference():
    missing = coverage.uncovered()
    assert not missing, f"public names no ':::' directive of docs/api/ renders: {missing}"


def test_root_names_are_covered_through_their_home_modules():
    import spatialccd

    rendered = coverage.rendered_objects(coverage.directives())
    for name in ("sdm", "lisa", "evaluate", "TestStatistic", "MAP_DISCLAIMER", "__version__"):
        assert name in spatialccd.__all__
        obj = getattr(spatialccd, name)
        assert any(n == name and o is obj for n, o in rendered), name


def test_every_public_module_has_a_directive():
    paths = coverage.directives()
    modules = [m for m in coverage.public_modules() if m != coverage.PACKAGE]
    assert "spatialccd.models" in modules and "spatialccd.plots.maps" in modules
    assert not [m for m in modules if m not in paths]


def test_api_directives_import_and_render_whole_modules():
    assert not coverage.unresolved_directives()
    for page in (DOCS / "api").glob("*.md"):
        # a `members:` option would render part of a module; coverage assumes whole modules
        assert not re.search(r"^\s+members\s*:", page.read_text(encoding="utf-8"), re.M), page.name


def test_public_functions_classes_and_modules_have_docstrings():
    missing = coverage.missing_docstrings()
    assert not missing, f"public names without a docstring: {missing}"


def test_docstring_check_sees_a_dataclass_without_docstring():
    import dataclasses

    @dataclasses.dataclass
    class Plain:
        x: int

    @dataclasses.dataclass
    class Documented:
        """Has one."""

        x: int

    assert not coverage.has_docstring(Plain) and coverage.has_docstring(Documented)
    assert not coverage.checkable((1, 2)) and coverage.checkable(len)


def test_coverage_detects_an_uncovered_name(tmp_path):
    """With one page removed, its module's names are reported (the check is not vacuous)."""
    for page in (DOCS / "api").glob("*.md"):
        if page.name != "weights.md":
            shutil.copy(page, tmp_path / page.name)
    missing = coverage.uncovered(tmp_path)
    assert "spatialccd.weights.contiguity" in missing
    assert "spatialccd.weights" in missing  # the root's `weights` module entry


# -- one source for the README tables ----------------------------------------------------------

def test_conventions_page_takes_the_readme_sections_by_marker():
    page = (DOCS / "conventions.md").read_text(encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    for title in SECTIONS:
        assert f"<!-- readme: {title} -->" in page
        body = hook.readme_section(title)
        assert body and body in readme
        assert body in hook.expand_readme(page)
    # no copy of the README's tables on the page itself
    table_rows = {line for title in SECTIONS for line in hook.readme_section(title).splitlines()
                  if line.startswith("|")}
    assert table_rows and not table_rows & set(page.splitlines())


def test_validation_section_is_the_readme_table():
    body = hook.readme_section("Validation")
    assert body.splitlines()[0].startswith("| what | reference | agreement | test |")
    assert "splm" in body and "## " not in body


def test_every_readme_marker_names_a_readme_section():
    for page in DOCS.rglob("*.md"):
        for title in hook.README_MARKER.findall(page.read_text(encoding="utf-8")):
            assert hook.readme_section(title), (page, title)


def test_readme_section_rejects_an_unknown_title():
    with pytest.raises(KeyError, match="no section '## Nonexistent'"):
        hook.readme_section("Nonexistent")


def test_built_site_shows_the_readme_table():
    """When site/ was built after the README last changed, its page has every validation row."""
    built = ROOT / "site" / "conventions.html"
    if not built.exists() or built.stat().st_mtime < README.stat().st_mtime:
        pytest.skip("site/ not built since README.md changed (make docs)")
    html = built.read_text(encoding="utf-8")
    body = hook.readme_section("Validation")
    test_files = set(re.findall(r"test_\w+\.py", body))
    assert test_files and all(name in html for name in test_files)
    for line in body.splitlines()[2:]:
        what = line.strip("|").split("|")[0].strip()
        if "`" not in what:  # code spans are rendered as <code> elements
            assert escape(what, quote=False) in html, what


# -- docstrings as rendered --------------------------------------------------------------------

def test_prose_after_parameter_entries_becomes_notes():
    pytest.importorskip("griffe")
    roles = _load("griffe_docstrings")
    text = ("Summary.\n\nParameters\n----------\nx : int\n    The x.\nunit, time : str\n    Names.\n\n"
            "Raises :class:`DataError` naming the culprit.\n")
    out = roles.close_entry_sections(text)
    assert "\nNotes\n-----\nRaises" in out
    assert roles.close_entry_sections("Parameters\n----------\nx : int\n\ny : float\n") == \
        "Parameters\n----------\nx : int\n\ny : float\n"


# -- math --------------------------------------------------------------------------------------

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE = re.compile(r"`[^`\n]*`")
DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE = re.compile(r"(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])")


def formulas() -> list[tuple[str, str, bool]]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        text = CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
        for match in DISPLAY.finditer(text):
            found.append((page.relative_to(DOCS).as_posix(), match.group(1), True))
        for match in INLINE.finditer(DISPLAY.sub("", text)):
            found.append((page.relative_to(DOCS).as_posix(), match.group(1), False))
    return found


def test_pages_have_math():
    pages = {page for page, _, _ in formulas()}
    assert {"guide/coordination.md", "guide/models.md", "guide/inequality.md"} <= pages


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_every_formula_renders_with_the_bundled_katex():
    items = [{"page": p, "tex": t, "display": d} for p, t, d in formulas()]
    script = (f"const katex = require({json.dumps(str(KATEX))});"
              "const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const bad = [];"
              "for (const it of items) { try { katex.renderToString(it.tex, {displayMode: it.display,"
              " throwOnError: true}); } catch (e) { bad.push(it.page + ': ' + e.message); } }"
              "console.log(JSON.stringify(bad));")
    done = subprocess.run(["node", "-e", script], input=json.dumps(items), capture_output=True, text=True,
                          timeout=60, check=True)
    assert json.loads(done.stdout) == []
