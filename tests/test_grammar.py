"""The fixed expression grammar (derived variables) and the formula checker (study-file model formulas).

Nothing here may run code: every refusal must happen at parse time, before any
evaluation, and the tests check that a would-be payload leaves no trace.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spatialccd.exceptions import DataError, ExpressionError, SpatialCCDError
from spatialccd.grammar import FORMULA_CONTEXT, Binary, Call, Name, Number, Unary, check_formula, parse
from spatialccd.io import derive

PAYLOADS = [
    "__import__('os').system('touch pwned')",
    "__import__",
    "gdp.__class__",
    "gdp.real",
    "x[0]",
    "(lambda: 1)()",
    "lambda x: x",
    "{gdp}",
    "'text'",
    '"text"',
    "eval('1')",
    "exec('x=1')",
    "open('f')",
    "getattr(gdp, 'real')",
    "gdp if pop else 0",
    "gdp == pop",
    "gdp; pop",
    "gdp @ pop",
    "not gdp",
    "[gdp, pop]",
    "gdp % 2",
]


def test_parse_builds_the_tree_with_precedence():
    e = parse("-a ^ 2 * b + c / 4")
    # ((-(a^2)) * b) + (c / 4): unary minus binds looser than ^, as in mathematics
    assert e.tree == Binary("+", Binary("*", Unary("-", Binary("^", Name("a", 1), Number(2.0, 5), 3), 0),
                                        Name("b", 9), 7),
                            Binary("/", Name("c", 13), Number(4.0, 17), 15), 11)
    assert parse("2 ** 3 ^ 2").tree.right == Binary("^", Number(3.0, 5), Number(2.0, 9), 7)  # right-assoc
    assert parse("lag(x, 2)").tree == Call("lag", Name("x", 4), 2, 0)
    assert parse("gdp / pop * 1e4").columns == ("gdp", "pop")
    assert parse("log(co2) + log10(gdp / pop) + sqrt(x)").logged == ("co2",)


def test_aliases_and_quoted_names():
    assert parse("a − b × c ÷ d").tree == parse("a - b * c / d").tree
    assert parse("log（x）").functions == ("log",)
    assert parse("`地区生产总值(亿元)` / 人口").columns == ("地区生产总值(亿元)", "人口")


@pytest.mark.parametrize("text", PAYLOADS)
def test_expressions_outside_the_grammar_are_refused(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExpressionError, match="at position"):
        parse(text)
    frame = pd.DataFrame({"province": ["11", "12"], "year": [2020, 2020], "gdp": [1.0, 2.0], "pop": [1.0, 1.0],
                          "x": [1.0, 2.0]})
    with pytest.raises(ExpressionError):
        derive(frame, {"new": text})
    assert list(tmp_path.iterdir()) == []  # nothing ran


@pytest.mark.parametrize("text, message", [
    ("foo(x)", r"unknown function 'foo' \(allowed: abs, exp, growth, lag, log, log10, share, sqrt\)"),
    ("logg(x)", "did you mean 'log'"),
    ("lag(x, 0)", "positive whole number"),
    ("lag(x, k)", "positive whole number"),
    ("log(x, 2)", r"log\(\) takes one argument"),
    ("(a + b", r"expected '\)' but found the end at position 6"),
    ("a +", "the text ends where an operand was expected at position 3"),
    ("a b", "unexpected 'b' at position 2"),
])
def test_errors_name_the_expression_and_position(text, message):
    with pytest.raises(ExpressionError, match=message) as info:
        parse(text)
    assert repr(text) in str(info.value)


def test_unknown_column_is_named_with_a_suggestion():
    with pytest.raises(ExpressionError, match=r"unknown column 'popu'; did you mean 'pop'\? .* at position 6"):
        parse("gdp / popu", columns=["gdp", "pop"])


def test_formula_checker_accepts_the_formula_grammar():
    assert check_formula("lnco2 ~ lngdp + I(lngdp**2) + C(region) + log(pop) + urban:edu - 1") == (
        "lnco2", "lngdp", "region", "pop", "urban", "edu")
    assert check_formula("D ~ (a + b)**2 + a*b + a/b + sqrt(abs(x)) + exp(z) + log10(w) + 0") == (
        "D", "a", "b", "x", "z", "w")
    assert check_formula("log(y) ~ x", columns=["y", "x"]) == ("y", "x")


FORMULA_PAYLOADS = [
    ("{(__import__('pathlib').Path('pwned').write_text('pwned'), lngdp)[1]*0 + edu}", "braces"),
    ("y ~ {x}", "braces"),
    ("y ~ __import__('os')", "names beginning with '__'"),
    ("y ~ np.log(x)", r"attribute access \('\.'\)"),
    ("y ~ x[0]", "subscripts"),
    ("y ~ (lambda: x)()", "Python keyword 'lambda'"),
    ("y ~ C(g, Sum)", "C\\(\\) takes one column name"),
    ("y ~ x + 'a'", "strings"),
    ("y ~ eval(x)", "unknown function 'eval'"),
    ("y ~ lag(x)", r"lag\(\) needs the panel structure"),
    ("y ~ share(x)", r"share\(\) needs the panel structure"),
    ("y ~ x^2", r"write powers as '\*\*'"),
    ("y ~ I(x^2)", r"write powers as '\*\*'"),
    ("~ x", "needs a response on the left"),
    ("y ~ x ~ z", "only one '~'"),
    ("y ~ x | g", "'|' is not allowed"),
    ("y ~ `a b`", "backtick-quoted names"),
    ("y ~ x − 1", "write '-' instead of '−'"),
    ("y ~ x **", "must be followed by a number"),
]


@pytest.mark.parametrize("formula, message", FORMULA_PAYLOADS)
def test_formula_checker_refuses_code(formula, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExpressionError, match=message):
        check_formula(formula)
    assert list(tmp_path.iterdir()) == []


def test_formula_unknown_column():
    with pytest.raises(ExpressionError, match=r"unknown column 'lngpd'; did you mean 'lngdp'\?"):
        check_formula("y ~ lngpd", columns=["y", "lngdp"])


def test_accepted_formulas_evaluate_in_formulaic_with_the_context():
    """What the checker accepts, formulaic evaluates with FORMULA_CONTEXT to the numpy functions."""
    formulaic = pytest.importorskip("formulaic")
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "x": [1.0, 2.0, 3.0, 5.0], "g": ["a", "b", "a", "b"]})
    formula = "y ~ log(x) + I(x**2) + sqrt(x) + abs(x) + log10(x) + exp(x) + C(g)"
    check_formula(formula, columns=df.columns)
    mm = formulaic.model_matrix(formula, df, context=dict(FORMULA_CONTEXT))
    rhs = mm.rhs
    np.testing.assert_allclose(rhs["log(x)"], np.log(df["x"]))
    np.testing.assert_allclose(rhs["I(x ** 2)"], df["x"] ** 2)
    np.testing.assert_allclose(rhs["log10(x)"], np.log10(df["x"]))
    np.testing.assert_allclose(rhs["exp(x)"], np.exp(df["x"]))


def test_expression_error_is_a_spatialccd_error():
    assert issubclass(ExpressionError, SpatialCCDError) and issubclass(ExpressionError, ValueError)
    assert not issubclass(ExpressionError, DataError)
