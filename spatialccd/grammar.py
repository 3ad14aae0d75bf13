"""A fixed grammar for derived-variable expressions and for model formulas read from study files.

A study file is data that people share, so nothing in it may run code.  This
module parses the two kinds of text a study holds — derived variables
(``gdp / pop * 1e4``, ``log(co2)``, ``growth(gdp)``) and model formulas
(``lnco2 ~ lngdp + I(lngdp**2) + C(region)``) — with a small tokenizer and a
recursive-descent parser over a closed grammar.  It never calls :func:`eval`
and never hands unchecked text to formulaic, whose ``{…}`` blocks and function
calls are Python.

Expression grammar (:func:`parse`)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power
    power   := primary (("^" | "**") unary)?          # right-associative, -x^2 = -(x^2)
    primary := NUMBER | NAME | FUNC "(" expr ("," INTEGER)? ")" | "(" expr ")"

``NAME`` is a column name (a Unicode identifier such as ``gdp`` or ``地区生产总值``,
or any text between backticks: ```人口(万人)```).  ``−``, ``×``, ``÷`` and
full-width parentheses and commas are read as ``-``, ``*``, ``/``, ``()`` and
``,``.  The functions are :data:`FUNCTIONS`: ``log`` (natural), ``log10``,
``exp``, ``sqrt``, ``abs``, ``lag(x, k=1)``, ``growth(x, k=1)`` and ``share(x)``
(their panel meaning is given in :mod:`spatialccd.io.derive`).

Formula grammar (:func:`check_formula`)::

    formula := side "~" side
    side    := ("+" | "-")? fterm (("+" | "-") fterm)*
    fterm   := ffactor ((":" | "*" | "/") ffactor)*
    ffactor := fatom ("**" NUMBER)?
    fatom   := NAME | NUMBER | "(" side ")" | "I(" expr ")" | "C(" NAME ")" | ELEMENTWISE "(" expr ")"

where ``expr`` is the expression grammar with ``**`` as the only power and the
element-wise functions ``log, log10, exp, sqrt, abs`` (:data:`FORMULA_FUNCTIONS`;
pass :data:`FORMULA_CONTEXT` as formulaic's ``context``).  ``lag``, ``growth``
and ``share`` need the panel structure and are refused in formulas: derive them
first.  Everything else — attribute access, subscripts, strings, braces,
keywords (``lambda``), names beginning with ``__`` — is refused with an
:class:`~spatialccd.exceptions.ExpressionError` naming the text and the position.
"""
from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .exceptions import ExpressionError

__all__ = ["FUNCTIONS", "FORMULA_FUNCTIONS", "FORMULA_CONTEXT", "Number", "Name", "Unary", "Binary", "Call",
           "Expression", "parse", "check_formula"]

#: function → (smallest, largest number of arguments, what it computes).
FUNCTIONS: MappingProxyType = MappingProxyType({
    "log": (1, 1, "natural logarithm"),
    "log10": (1, 1, "base-10 logarithm"),
    "exp": (1, 1, "exponential"),
    "sqrt": (1, 1, "square root"),
    "abs": (1, 1, "absolute value"),
    "lag": (1, 2, "value k periods earlier in the same unit, lag(x, k), k = 1 by default"),
    "growth": (1, 2, "growth rate x_t / x_{t-k} - 1 in the same unit, growth(x, k), k = 1 by default"),
    "share": (1, 1, "share of the total over all units in the same period"),
})
#: the element-wise functions allowed in model formulas.
FORMULA_FUNCTIONS: tuple[str, ...] = ("log", "log10", "exp", "sqrt", "abs")
#: formulaic ``context`` giving the element-wise functions their numpy meaning.
FORMULA_CONTEXT: MappingProxyType = MappingProxyType(
    {"log": np.log, "log10": np.log10, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs})

_PANEL_FUNCTIONS = ("lag", "growth", "share")
_ALIASES = {"−": "-", "×": "*", "÷": "/", "（": "(", "）": ")", "，": ","}
_TOKEN = re.compile(r"""
    (?P<space>[\s\u3000]+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<quoted>`[^`]*`)
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\*\*|[-+*/^(),~:−×÷（），])
""", re.VERBOSE)
_REFUSED = {
    ".": "attribute access ('.') is not allowed",
    "[": "subscripts ('[') are not allowed", "]": "subscripts (']') are not allowed",
    "{": "braces ('{', formulaic's Python escape) are not allowed",
    "}": "braces ('}') are not allowed",
    "'": "strings are not allowed", '"': "strings are not allowed",
    "=": "'=' is not allowed (no assignments or comparisons)",
    "<": "comparisons are not allowed", ">": "comparisons are not allowed",
    "!": "'!' is not allowed", "|": "'|' is not allowed", "&": "'&' is not allowed",
    "%": "'%' is not allowed", "@": "'@' is not allowed", ";": "';' is not allowed",
    "\\": "'\\' is not allowed", "#": "'#' is not allowed", "$": "'$' is not allowed",
}


@dataclass(frozen=True)
class _Token:
    kind: str   # "number", "name", "op", "end"
    text: str   # canonical text (aliases mapped, backticks removed)
    pos: int    # 0-based character offset in the source
    raw: str    # the characters as written


def _fail(source: str, what: str, message: str, pos: int) -> ExpressionError:
    return ExpressionError(f"{what} {source!r}: {message} at position {pos}")


def _tokens(source: str, what: str) -> list[_Token]:
    out, pos = [], 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            ch = source[pos]
            raise _fail(source, what, _REFUSED.get(ch, f"character {ch!r} is not allowed"), pos)
        kind, raw = m.lastgroup, m.group()
        if kind == "quoted":
            if len(raw) == 2:
                raise _fail(source, what, "an empty quoted name ``", pos)
            out.append(_Token("name", raw[1:-1], pos, raw))
        elif kind == "name":
            if keyword.iskeyword(raw) or keyword.issoftkeyword(raw):
                raise _fail(source, what, f"Python keyword {raw!r} is not allowed", pos)
            if raw.startswith("__"):
                raise _fail(source, what, f"names beginning with '__' ({raw!r}) are not allowed", pos)
            out.append(_Token("name", raw, pos, raw))
        elif kind != "space":
            out.append(_Token(kind, _ALIASES.get(raw, raw), pos, raw))
        pos = m.end()
    out.append(_Token("end", "", len(source), ""))
    return out


# -- syntax tree ------------------------------------------------------------------

@dataclass(frozen=True)
class Number:
    """A numeric literal."""

    value: float
    pos: int


@dataclass(frozen=True)
class Name:
    """A column name."""

    name: str
    pos: int


@dataclass(frozen=True)
class Unary:
    """``-x`` or ``+x``."""

    op: str
    operand: object
    pos: int


@dataclass(frozen=True)
class Binary:
    """``a op b`` with op one of ``+ - * / ^`` (``**`` is read as ``^``)."""

    op: str
    left: object
    right: object
    pos: int


@dataclass(frozen=True)
class Call:
    """A whitelisted function applied to an expression; ``k`` is the integer second argument of lag/growth."""

    function: str
    argument: object
    k: int
    pos: int


def _walk(node) -> Iterable:
    yield node
    for child in (getattr(node, a) for a in ("operand", "left", "right", "argument") if hasattr(node, a)):
        yield from _walk(child)


class _Parser:
    """Recursive descent over a token list; ``functions`` and ``caret`` set the dialect."""

    def __init__(self, source: str, what: str, *, functions: Iterable[str], caret: bool,
                 panel_hint: bool = False) -> None:
        self.source, self.what = source, what
        self.functions, self.caret, self.panel_hint = frozenset(functions), caret, panel_hint
        self.tokens = _tokens(source, what)
        self.i = 0

    # token helpers
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def fail(self, message: str, tok: _Token | None = None) -> ExpressionError:
        return _fail(self.source, self.what, message, (tok or self.tok).pos)

    def take(self, *texts: str) -> _Token | None:
        if self.tok.kind == "op" and self.tok.text in texts:
            self.i += 1
            return self.tokens[self.i - 1]
        return None

    def expect(self, text: str) -> _Token:
        tok = self.take(text)
        if tok is None:
            if self.tok.kind == "op" and self.tok.text == "^" and not self.caret:
                raise self.unexpected()
            found = "the end" if self.tok.kind == "end" else repr(self.tok.raw)
            raise self.fail(f"expected {text!r} but found {found}")
        return tok

    def unexpected(self) -> ExpressionError:
        tok = self.tok
        if tok.kind == "end":
            return self.fail("the text ends where an operand was expected")
        if tok.kind == "op" and tok.text == "^" and not self.caret:
            return self.fail("'^' is not allowed here; write powers as '**'")
        return self.fail(f"unexpected {tok.raw!r}")

    # expression grammar
    def expr(self):
        node = self.term()
        while (tok := self.take("+", "-")) is not None:
            node = Binary(tok.text, node, self.term(), tok.pos)
        return node

    def term(self):
        node = self.unary()
        while (tok := self.take("*", "/")) is not None:
            node = Binary(tok.text, node, self.unary(), tok.pos)
        return node

    def unary(self):
        tok = self.take("+", "-")
        if tok is not None:
            return Unary(tok.text, self.unary(), tok.pos)
        return self.power()

    def power(self):
        node = self.primary()
        ops = ("^", "**") if self.caret else ("**",)
        tok = self.take(*ops)
        if tok is not None:
            return Binary("^", node, self.unary(), tok.pos)
        return node

    def primary(self):
        tok = self.tok
        if tok.kind == "number":
            self.i += 1
            return Number(float(tok.text), tok.pos)
        if tok.kind == "name":
            self.i += 1
            if self.tok.kind == "op" and self.tok.text == "(" and tok.raw == tok.text:
                return self.call(tok)
            return Name(tok.text, tok.pos)
        if self.take("("):
            node = self.expr()
            self.expect(")")
            return node
        raise self.unexpected()

    def call(self, name: _Token) -> Call:
        fn = name.text
        if fn not in self.functions:
            if self.panel_hint and fn in _PANEL_FUNCTIONS:
                raise self.fail(f"{fn}() needs the panel structure and is not allowed in a model formula; "
                                "define it as a derived variable ([data.derive] / derive=) and use that column",
                                name)
            allowed = ", ".join(sorted(self.functions))
            close = difflib.get_close_matches(fn, sorted(self.functions), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise self.fail(f"unknown function {fn!r} (allowed: {allowed}){hint}", name)
        self.expect("(")
        argument = self.expr()
        k = 1
        if self.take(","):
            if FUNCTIONS[fn][1] < 2:
                raise self.fail(f"{fn}() takes one argument")
            k_tok = self.tok
            if k_tok.kind != "number" or not re.fullmatch(r"\d+", k_tok.text) or int(k_tok.text) < 1:
                raise self.fail(f"the second argument of {fn}() must be a positive whole number of periods")
            self.i += 1
            k = int(k_tok.text)
        self.expect(")")
        return Call(fn, argument, k, name.pos)

    def finish(self, node):
        if self.tok.kind != "end":
            raise self.unexpected()
        return node


@dataclass(frozen=True)
class Expression:
    """A parsed derived-variable expression: the source ``text`` and its syntax ``tree``."""

    text: str
    tree: object

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names used, in order of first appearance."""
        return tuple(dict.fromkeys(n.name for n in _walk(self.tree) if isinstance(n, Name)))

    @property
    def functions(self) -> tuple[str, ...]:
        """Functions used, in order of first appearance."""
        return tuple(dict.fromkeys(n.function for n in _walk(self.tree) if isinstance(n, Call)))

    @property
    def logged(self) -> tuple[str, ...]:
        """Columns passed directly to ``log`` or ``log10`` (they must be positive)."""
        return tuple(dict.fromkeys(n.argument.name for n in _walk(self.tree)
                                   if isinstance(n, Call) and n.function in ("log", "log10")
                                   and isinstance(n.argument, Name)))

    def check_columns(self, columns: Iterable[str], *, what: str = "expression") -> None:
        """Raise :class:`ExpressionError` naming the first name that is not among ``columns``."""
        known = [str(c) for c in columns]
        present = set(known)
        for node in _walk(self.tree):
            if isinstance(node, Name) and node.name not in present:
                close = difflib.get_close_matches(node.name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise _fail(self.text, what, f"unknown column {node.name!r}{hint} (columns are {known})", node.pos)


def parse(text: str, *, columns: Iterable[str] | None = None, what: str = "expression") -> Expression:
    """Parse a derived-variable expression (grammar in the module docstring).

    ``columns``, when given, are the names the expression may use; ``what``
    starts the error messages (e.g. ``"[data.derive] gdp_pc ="``).  Raises
    :class:`~spatialccd.exceptions.ExpressionError` before anything is
    evaluated.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"{what} {text!r}: an expression must be a non-empty string")
    parser = _Parser(text, what, functions=FUNCTIONS, caret=True)
    expression = Expression(text, parser.finish(parser.expr()))
    if columns is not None:
        expression.check_columns(columns, what=what)
    return expression


class _FormulaParser(_Parser):
    """The formula dialect: formula operators outside, the expression grammar inside calls."""

    def __init__(self, source: str, what: str) -> None:
        super().__init__(source, what, functions=FORMULA_FUNCTIONS, caret=False, panel_hint=True)
        self.names: list[tuple[str, int]] = []

    def formula(self):
        if self.tok.kind == "op" and self.tok.text == "~":
            raise self.fail("the formula needs a response on the left of '~' (e.g. 'y ~ x1 + x2')")
        self.side()
        self.expect("~")
        self.side()
        if self.tok.kind == "op" and self.tok.text == "~":
            raise self.fail("only one '~' is allowed")
        self.finish(None)

    def side(self):
        self.take("+", "-")
        self.fterm()
        while self.take("+", "-") is not None:
            self.fterm()

    def fterm(self):
        self.ffactor()
        while self.take(":", "*", "/") is not None:
            self.ffactor()

    def ffactor(self):
        self.fatom()
        if self.take("**") is not None:
            if self.tok.kind != "number":
                raise self.fail("'**' between formula terms must be followed by a number")
            self.i += 1

    def fatom(self):
        tok = self.tok
        if tok.kind == "number":
            self.i += 1
            return
        if tok.kind == "name":
            self.i += 1
            is_call = self.tok.kind == "op" and self.tok.text == "(" and tok.raw == tok.text
            if not is_call:
                self.names.append((tok.text, tok.pos))
            elif tok.text == "C":
                self.expect("(")
                arg = self.tok
                if arg.kind != "name" or arg.raw != arg.text:
                    raise self.fail("C() takes one column name")
                self.i += 1
                self.names.append((arg.text, arg.pos))
                if self.tok.kind == "op" and self.tok.text == ",":
                    raise self.fail("C() takes one column name (no contrast arguments)")
                self.expect(")")
            elif tok.text == "I":
                self.expect("(")
                self.inner(self.expr())
                self.expect(")")
            else:
                self.i -= 1
                self.inner(self.primary())
            return
        if self.take("("):
            self.side()
            self.expect(")")
            return
        raise self.unexpected()

    def inner(self, node) -> None:
        self.names += [(n.name, n.pos) for n in _walk(node) if isinstance(n, Name)]


def check_formula(formula: str, *, columns: Iterable[str] | None = None,
                  what: str = "formula") -> tuple[str, ...]:
    """Check a model formula from a study file against the formula grammar; return the column names it uses.

    Allowed: column names, numbers, ``~ + - * / : **``, parentheses, ``I(...)``
    (arithmetic with ``+ - * / **`` and the element-wise functions inside),
    ``C(column)`` and ``log, log10, exp, sqrt, abs``.  Refused before anything
    runs: ``__import__`` and every other name outside the whitelist, attribute
    access, subscripts, lambdas and other keywords, braces ``{}`` (formulaic's
    Python escape), strings, ``^`` (use ``**``), ``lag``/``growth``/``share``
    (derive them first) and a formula without a response.  ``columns``, when
    given, are the names the formula may use.  Raises
    :class:`~spatialccd.exceptions.ExpressionError` naming the formula and
    the position.
    """
    if not isinstance(formula, str) or not formula.strip():
        raise ExpressionError(f"{what} {formula!r}: a formula must be a non-empty string like 'y ~ x1 + x2'")
    parser = _FormulaParser(formula, what)
    for tok in parser.tokens:
        if tok.raw != tok.text and tok.kind == "name":
            raise parser.fail("backtick-quoted names are not allowed in model formulas; rename the column", tok)
        if tok.raw != tok.text:
            raise parser.fail(f"write {tok.text!r} instead of {tok.raw!r} in a model formula", tok)
    parser.formula()
    names = tuple(dict.fromkeys(n for n, _ in parser.names))
    if columns is not None:
        known = [str(c) for c in columns]
        present = set(known)
        for name, pos in parser.names:
            if name not in present:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise _fail(formula, what, f"unknown column {name!r}{hint} (columns are {known})", pos)
    return names
