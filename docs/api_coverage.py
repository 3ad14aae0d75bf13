"""Which public names of spatialccd the API reference renders, and which lack a docstring.

One implementation for the site build (``docs/gen_pages.py`` turns every finding into a
warning, which fails ``mkdocs build --strict``) and for ``tests/test_docs.py``.

*Public modules* are listed by :func:`public_modules`.  A *public name* is an
entry of a public module's ``__all__``.  The API reference is the set of mkdocstrings
directives ``::: dotted.path`` in ``docs/api/*.md``.  A directive on a module renders that
module's ``__all__`` (the pages set no ``members`` option; the test checks), so a name is covered
when a directive names

* the object itself (``::: spatialccd.weights.knn``), or
* a module whose ``__all__`` lists the name bound to the same object (``::: spatialccd.models``
  covers ``spatialccd.sdm``), or
* the module itself, for a name that is a module (``spatialccd.weights``).
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_DIR = ROOT / "docs" / "api"
PACKAGE = "spatialccd"
DIRECTIVE = re.compile(r"^:::\s+([\w.]+)\s*$", re.MULTILINE)


def public_modules() -> dict[str, object]:
    """``{dotted name: module}`` of the public modules: the package, each module or package
    directly below it that defines ``__all__``, and — below a package that defines no
    ``__all__`` of its own (``spatialccd.plots``) — each of its modules that does.  A package
    with ``__all__`` declares its interface there; its submodules are its implementation."""
    pkg = importlib.import_module(PACKAGE)
    found = {PACKAGE: pkg}
    for info in pkgutil.walk_packages(pkg.__path__, PACKAGE + "."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts):
            continue
        parent = importlib.import_module(".".join(parts[:-1]))
        if len(parts) > 2 and hasattr(parent, "__all__"):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__"):
            found[info.name] = module
    return found


def directives(api_dir: Path = API_DIR) -> dict[str, Path]:
    """``{dotted path: page}`` of every ``:::`` directive in the API pages."""
    found: dict[str, Path] = {}
    for page in sorted(api_dir.glob("*.md")):
        for path in DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            found.setdefault(path, page)
    return found


def _resolve(path: str):
    """The object a dotted path names (a module, or an attribute chain below the longest module)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(path)


def rendered_objects(paths) -> list[tuple[str, object]]:
    """``(name, object)`` pairs the directives render: a module's ``__all__`` entries and
    the module itself, or the object a non-module directive names."""
    rendered = []
    for path in paths:
        obj = _resolve(path)
        rendered.append((path.rsplit(".", 1)[-1], obj))
        if inspect.ismodule(obj):
            rendered.extend((name, getattr(obj, name)) for name in getattr(obj, "__all__", ()))
    return rendered


def uncovered(api_dir: Path = API_DIR) -> list[str]:
    """``module.name`` of every public name no directive renders."""
    rendered = rendered_objects(directives(api_dir))
    missing = []
    for modname, module in public_modules().items():
        for name in module.__all__:
            obj = getattr(module, name)
            if not any(n == name and o is obj for n, o in rendered):
                missing.append(f"{modname}.{name}")
    return missing


def unresolved_directives(api_dir: Path = API_DIR) -> list[str]:
    """Directives whose path does not import (a renamed or removed module or object)."""
    bad = []
    for path, page in directives(api_dir).items():
        try:
            _resolve(path)
        except (ImportError, AttributeError):
            bad.append(f"{page.name}: ::: {path}")
    return bad


def has_docstring(obj) -> bool:
    """Whether a function, class or module carries its own docstring.

    A dataclass without one gets ``Name(field, …)`` from ``dataclasses``; that does not count.
    Constants (tuples, dicts, strings) carry no docstring of their own and are not checked.
    """
    doc = obj.__doc__ if isinstance(obj.__doc__, str) else None
    if not doc or not doc.strip():
        return False
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and doc.startswith(obj.__name__ + "("):
        return False
    return True


def checkable(obj) -> bool:
    """Functions, classes and modules have docstrings; other values (constants, ``Literal``
    vocabularies) do not."""
    return (inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj)
            or hasattr(obj, "__wrapped__"))


def missing_docstrings() -> list[str]:
    """``module.name`` of every public function, class or module without a docstring (each
    object reported once, under the module that defines it when that module is public)."""
    seen: dict[int, str] = {}
    modules = public_modules()
    for modname, module in modules.items():
        if not has_docstring(module):
            seen.setdefault(id(module), modname)
        for name in module.__all__:
            obj = getattr(module, name)
            if not checkable(obj) or has_docstring(obj):
                continue
            home = getattr(obj, "__module__", None)
            label = f"{home}.{name}" if home in modules else f"{modname}.{name}"
            seen.setdefault(id(obj), label)
    return sorted(set(seen.values()))
