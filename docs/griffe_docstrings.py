"""Griffe extension for the API reference: spatialccd's docstrings as mkdocstrings renders them.

spatialccd's docstrings are numpy-style prose that cite other objects with Sphinx roles
(``:func:`lisa```, ``:class:`~spatialccd.models.Impacts```, ``:meth:`from_dict```).  Before
mkdocstrings renders a docstring, every role is rewritten:

* a target inside ``spatialccd`` is resolved the way Sphinx does (absolute, then relative to
  the object, its class — inherited members included — its module and the packages above
  it; a name of the package root such as ``spatialccd.lisa``, or a bare public name such as
  ``PanelData``, by importing it, since the root loads its names lazily) and becomes an autorefs link
  optional autorefs link (``<autoref identifier=… optional>``): a link where the reference
  pages render the object, plain code where they do not (an implementation module such as
  ``spatialccd.models.fit``);
* a target in another package (``libpysal.graph.Graph``, ``numpy.random.Generator``) becomes
  inline code;
* a target that resolves nowhere is logged as a warning naming the object and the role — a
  broken reference, which fails ``mkdocs build --strict``.

``~`` shows only the last component, as in Sphinx.  A reStructuredText literal-block
marker ``text::`` at the end of a paragraph becomes ``text:`` (the indented block after it is
already a Markdown code block).

A numpy section of entries (``Parameters``, ``Attributes``, ``Other Parameters``) runs until
the next section header, so a prose paragraph written after the entries ("Raises
:class:`DataError` naming …") would be read as more entries.  Such a paragraph — at the
section's indentation, after a blank line, and not shaped like an entry (``name``,
``name : type``, ``a, b : type``) — is put under a ``Notes`` header instead.
"""
from __future__ import annotations

import builtins
import inspect
import logging
import re
import sys
from pathlib import Path

import griffe

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_coverage  # noqa: E402  (docs/ is not a package)

log = logging.getLogger("mkdocs.plugins.spatialccd.roles")

ROLE = re.compile(r":(?:py:)?(func|class|meth|attr|data|mod|obj|exc|const):`(~?)([^`<>]+?)`")
LITERAL_MARKER = re.compile(r"(?<=\S)::[ \t]*$", re.MULTILINE)
ENTRY_SECTIONS = {"Parameters", "Attributes", "Other Parameters"}
ENTRY = re.compile(r"^\*{0,2}[A-Za-z_][\w.]*(\s*,\s*\*{0,2}[A-Za-z_][\w.]*)*(\s*:(\s.*)?)?$")
UNDERLINE = re.compile(r"^-{3,}\s*$")
OWN = "spatialccd"


def _lookup(collection, path: str):
    try:
        return collection.get_member(path)
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _scopes(obj) -> list[str]:
    """Dotted paths to try as prefixes of a relative target, innermost first."""
    scopes, node = [], obj
    while node is not None:
        if not node.is_function:  # names inside a function are not its scope
            scopes.append(node.path)
        node = node.parent
    return scopes


def resolve(obj, target: str):
    """The griffe object ``target`` names from inside ``obj``, or None."""
    collection = obj.modules_collection
    relative = target.startswith(".")
    target = target.lstrip(".")
    candidates = [] if relative else [target]
    candidates += [f"{scope}.{target}" for scope in _scopes(obj)]
    for path in candidates:
        found = _lookup(collection, path)
        if found is not None:
            return found
    found = _runtime(collection, target)
    if found is None and "." not in target:  # a bare public name the module does not import
        found = _runtime(collection, f"{OWN}.{target}")
    if found is not None:
        return found
    head, _, rest = target.partition(".")
    for scope in _scopes(obj):  # a method or attribute a class inherits
        owner = _lookup(collection, scope)
        if owner is not None and owner.is_class and head in owner.all_members:
            found = owner.all_members[head]
            return found if not rest else _lookup(collection, f"{canonical(found)}.{rest}")
    return None


def _runtime(collection, target: str):
    """``spatialccd.name`` resolved by importing it: the package root loads its names lazily
    (PEP 562 ``__getattr__``), which static analysis cannot follow; the object's defining
    module and qualified name give its griffe path."""
    if not target.startswith(OWN + "."):
        return None
    try:
        value = api_coverage._resolve(target)
    except (ImportError, AttributeError):
        return None
    if inspect.ismodule(value):
        return _lookup(collection, value.__name__)
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if module and qualname:
        return _lookup(collection, f"{module}.{qualname}")
    return None


def canonical(found) -> str | None:
    """The path of the object itself (through aliases), or None for an import from a package
    that is not loaded (an external object)."""
    try:
        return found.canonical_path
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def rewrite(obj, text: str, *, check: bool = True) -> str:
    """``text`` (a docstring of ``obj``) with roles as links or code and ``::`` as ``:``; with
    ``check``, a role whose target does not exist is logged as a warning."""

    def one(match: re.Match) -> str:
        role, tilde, target = match.groups()
        shown = target.lstrip(".").rsplit(".", 1)[-1] if tilde else target.lstrip(".")
        if role == "meth" or role == "func":
            shown += "()"
        found = resolve(obj, target)
        path = canonical(found) if found is not None else None
        if path is not None and path.split(".")[0] == OWN:
            return f'<autoref identifier="{path}" optional><code>{shown}</code></autoref>'
        internal = target.lstrip(".").split(".")[0] == OWN or target.startswith(".") or (
            "." not in target and not hasattr(builtins, target))
        if found is None and internal and check:
            log.warning("%s: the docstring refers to :%s:`%s`, which does not exist", obj.path, role,
                        target)
        return f"`{shown}`"

    return LITERAL_MARKER.sub(":", ROLE.sub(one, close_entry_sections(text)))


def close_entry_sections(text: str) -> str:
    """Put prose paragraphs that follow the entries of a numpy section under ``Notes``."""
    lines = text.split("\n")
    out: list[str] = []
    section = None
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if UNDERLINE.match(following) and line.strip():
            section = line.strip()
        elif (section in ENTRY_SECTIONS and line and not line[0].isspace() and not UNDERLINE.match(line)
              and i > 0 and not lines[i - 1].strip() and not ENTRY.match(line)):
            out += ["Notes", "-----"]
            section = "Notes"
        out.append(line)
    return "\n".join(out)


def rendered_roots(collection) -> list:
    """The griffe objects the API reference renders: each public module (docs/api_coverage.py)
    and the objects of its ``__all__`` (through aliases)."""
    roots = []
    for name, module in api_coverage.public_modules().items():
        gmod = _lookup(collection, name)
        if gmod is None:
            continue
        roots.append(gmod)
        for export in module.__all__:
            member = gmod.all_members.get(export) if gmod.is_module else None
            if member is not None and member.is_alias:
                try:
                    member = member.final_target
                except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                    continue
            if member is not None:
                roots.append(member)
    return roots


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring of the loaded package (see the module docstring); report broken
    references in the docstrings the API reference renders."""

    def on_package(self, *, pkg, loader, **kwargs) -> None:
        if pkg.name != OWN:
            return
        checked: set[str] = set()
        for root in rendered_roots(pkg.modules_collection):
            self._collect(root, checked)
        done: set[str] = set()
        self._walk(pkg, checked, done)

    def _collect(self, obj, into: set) -> None:
        """Paths of ``obj`` and of its own members (a module's submodules are roots of their own)."""
        into.add(obj.path)
        for name, member in obj.members.items():
            if not member.is_alias and not member.is_module and not name.startswith("_"):
                self._collect(member, into)

    def _walk(self, obj, checked: set, done: set) -> None:
        if obj.path in done:
            return
        done.add(obj.path)
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj, obj.docstring.value, check=obj.path in checked)
        for member in obj.members.values():
            if not member.is_alias:
                self._walk(member, checked, done)
