"""Index arithmetic in subscripts and generic superscripts (issue 13): read in full, never misread.

``x_{j+m-1}``, ``\\delta_{i-m+1}``, ``x_{s(j-1)+m}``, ``x_{i+a, j+b}`` are read into one polynomial per
position; a subscript that reads two ways (``w_{jk+1}``) asks for commas; a stride, the letter
that multiplies a parenthesised sum (``s(j-1)+m``), is a size, marked ``{s}`` in the position's
text, and a product of two index letters (``(s)(j-1)``) is an input error that names it where it
stands.  A shifted position is
read (``tests/test_convolution.py`` checks its meaning), so a slip such as ``z_{i+1}`` for
``z_i`` is refuted by value.  A letter superscript before a subscript or with arithmetic
(``w^l_{jk}``, ``\\delta^{l+1}_k``, ``b^{t-1}_h``) is named as a generic layer or step (it was
"only positive whole powers").
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbp import check_equation
from symbp.errors import LatexSyntaxError, UnsupportedError
from symbp.latex.index_arith import poly_text, read_subscript_arithmetic
from symbp.latex.parser import parse_expression
from symbp.latex.tokens import tokenize

READ = [  # subscript source, the positions read back
    (r"x_{j+m-1}", ["j+m-1"]),
    (r"x_{i-m+1}", ["i-m+1"]),
    (r"x_{s(j-1)+m}", ["m-{s}+j{s}"]),
    (r"x_{(j-1)s+m}", ["m-{s}+j{s}"]),
    (r"x_{S(j-1)+m}", ["-S+m+Sj"]),
    (r"x_{i+a, j+b}", ["a+i", "b+j"]),
    (r"x_{2j+1}", ["2j+1"]),
    (r"x_{-(1-j)}", ["j-1"]),
    (r"x_{j+m-m}", ["j"]),
    (r"x_{k'+1}", ["k'+1"]),
    (r"x_{(j-1)(m+1)}", ["j-m+jm-1"]),
]


@pytest.mark.parametrize("src, texts", READ)
def test_reads_each_position(src: str, texts: list[str]) -> None:
    entries, after = read_subscript_arithmetic(tokenize(src), 3, src)
    assert [poly_text(p) for p, _, _ in entries] == texts
    assert src[entries[0][1]:entries[-1][2]] == src[3:-1]


ERRORS = [  # source, error class, offset, words in the message
    (r"\sum_m w_m x_{(s)(j-1)+m}", UnsupportedError, 14, "(s)(j-1)+m multiplies index letters"),
    (r"x_{s(j)(m)}", UnsupportedError, 3, "s(j)(m) multiplies index letters"),
    (r"x_{s(1)}", UnsupportedError, 3, "has no index letter"),
    (r"x_{1+2}", UnsupportedError, 3, "has no index letter"),
    (r"w_{jk+1}", UnsupportedError, 3, "reads two ways"),
    (r"x_{j+}", LatexSyntaxError, 5, "where a letter or a number"),
    (r"x_{(j+1}", LatexSyntaxError, 7, "')' should close"),
    (r"x_{j+1", LatexSyntaxError, 2, "never closed"),
    (r"x_{j2+1}", LatexSyntaxError, 4, "write the number first"),
    (r"x_{j+\sum}", LatexSyntaxError, 5, "where a letter or a number"),
]


@pytest.mark.parametrize("src, cls, offset, words", ERRORS)
def test_index_arithmetic_is_an_input_error_where_it_stands(src: str, cls: type, offset: int,
                                                            words: str) -> None:
    with pytest.raises(cls) as info:
        parse_expression(src)
    assert type(info.value) is cls
    assert info.value.offset == offset
    assert words in str(info.value)


GENERIC = [  # source, offset of the caret, the superscript named
    (r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j", 1, "l"),
    (r"\delta^{l+1}_k", 6, "l+1"),
    (r"b^{t-1}_{h'}", 1, "t-1"),
    (r"\delta^{T+1}_h = 0", 6, "T+1"),
    (r"a^{L}_j", 1, "L"),
]


@pytest.mark.parametrize("src, offset, text", GENERIC)
def test_a_generic_layer_or_step_is_named_not_read_as_a_power(src: str, offset: int, text: str) -> None:
    with pytest.raises(UnsupportedError) as info:
        parse_expression(src)
    assert info.value.offset == offset
    assert f"the superscript {text} is a generic layer or time step" in str(info.value)


@pytest.mark.parametrize("src, words", [
    (r"z_j^2", None), (r"z_j^{3}", None), (r"x^{n}", "only positive whole powers"),
    (r"z_j^{l}", "only positive whole powers"),  # after the subscript: a power as before
])
def test_powers_read_as_before(src: str, words: str | None) -> None:
    if words is None:
        parse_expression(src)
        return
    with pytest.raises(UnsupportedError, match=words):
        parse_expression(src)


PLAIN = [r"w_{kj}", r"z_{i_l}", r"w_{k'j}", r"x_{i,j}"]


@pytest.mark.parametrize("src", PLAIN)
def test_plain_subscripts_read_as_before(src: str) -> None:
    parse_expression(src)


@pytest.mark.parametrize("latex", [
    r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_{i+1}",  # z_{i+1}: the layer of i
    r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_{k-1}",
])
def test_a_slip_in_index_arithmetic_is_refuted(latex: str) -> None:
    assert [r.verdict for r in check_equation(latex, "plain")] == ["refuted"]


_letters = st.sampled_from(["i", "j", "m", "l"])


@given(st.dictionaries(st.one_of(st.just(()), st.tuples(_letters)), st.integers(-5, 5), min_size=1))
def test_written_and_read_back(poly: dict) -> None:
    poly = {k: v for k, v in poly.items() if v}
    text = poly_text(poly)
    src = "x_{" + text + "+0}"  # an operator makes it arithmetic even for one letter
    entries, _ = read_subscript_arithmetic(tokenize(src), 3, src)
    assert entries[0][0] == poly


CONVOLUTION_FILE = r"""\documentclass{article}
\begin{document}
% symbp: forward a_j = \sum_{m=1}^{M} w_m x_{j+m-1}
% symbp: forward y_j = h(a_j)
% symbp: expect error
\[ \frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j+m-1} \]
\end{document}
"""


def test_a_convolution_file_is_reported_where_its_arithmetic_stands(tmp_path, capsys) -> None:
    """PRML 5.5.6 in a derivation file without the size of x: the forward equation is an error
    naming file, line, column, the positions it reads and the directive that names their size;
    the check that depends on it is an error too, never a traceback (exit code 2)."""
    from symbp.cli import main

    f = tmp_path / "conv.tex"
    f.write_text(CONVOLUTION_FILE, encoding="utf-8")
    code = main(["check", str(f)])
    out = capsys.readouterr().out
    assert code == 2
    assert f"{f}:3:43 (forward): error" in out
    assert "reads j+m-1 at the positions 1..J + M - 1, and no size of the network is that long" in out
    assert "'% symbp: size I = J + M - 1'" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("src", [r"\delta^{1}_h", r"\delta^1_h", r"x^2_i w_i"])
def test_a_number_superscript_before_a_subscript_names_both_readings(src: str) -> None:
    """``\\delta^{1}_h``: step 1 or a power before the subscript? (it was "unexpected '_'")"""
    with pytest.raises(UnsupportedError, match="layer or step by its number, or as a power") as exc:
        parse_expression(src)
    assert "x_i^2" in (exc.value.hint or "")


def test_a_number_step_in_a_generic_file_is_read() -> None:
    from pathlib import Path

    from symbp import check_file, loads
    src = Path(__file__).resolve().parents[1] / "derivations/generic/graves_bptt.tex"
    pre = src.read_text().split(r"\section*{Backpropagation")[0]
    (r,) = check_file(loads(pre + "\n\\[ \\delta^{1}_h = \\theta_h'(a^1_h) \\sum_k \\delta^1_k w_{hk} \\]\n"
                            "\\end{document}\n"))
    # read since msg6: step 1 by its number, the recurrence forgotten (true at T = 1 only)
    assert r.verdict == "refuted" and "refuted at length T = 2" in r.message
