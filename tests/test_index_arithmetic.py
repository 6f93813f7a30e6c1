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
from hypothesis import given, settings
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


# ---------------------------------------------------------------------------------------------
# a size times an index (the stride of x_{s(j-1)+m}): model.affine's product atom.  Solving is
# exact where it is allowed and refused where a size multiplies the unknown (a solution exists
# only where the size divides the rest); a Kronecker delta contracted against a sum over m keeps
# its range condition, and the contracted normal form has the value of the sum written out.

def _value(idx: tuple, env: dict, sizes: dict) -> int:
    from symbp.model.affine import is_product, is_size, parts
    coeffs, const = parts(idx)
    out = const
    for k, c in coeffs.items():
        if is_product(k):
            out += c * sizes[k[1]] * (sizes[k[2][1]] if is_size(k[2]) else env[k[2]])
        elif is_size(k):
            out += c * sizes[k[1]]
        else:
            out += c * env[k]
    return out


@given(st.lists(st.integers(-3, 3), min_size=4, max_size=4), st.integers(-5, 5), st.integers(1, 4),
       st.sampled_from(["i", "j", "m"]), st.integers(1, 6), st.integers(1, 6))
def test_solving_an_affine_index_with_a_stride_is_exact(cs: list[int], const: int, s: int, unknown: str,
                                                        jv: int, mv: int) -> None:
    from symbp.model.affine import affine, product, size_atom, solve_for
    i, j, m = ("f", "i"), ("f", "j"), ("f", "m")
    a = affine([(j, cs[0]), (m, cs[1]), (product("s", j), cs[2]), (size_atom("s"), cs[3])], const)
    x = {"i": i, "j": j, "m": m}[unknown]
    sol = solve_for(i, a, x)
    times_s = unknown == "j" and cs[2] != 0
    if times_s:
        assert sol is None  # s j: never solved as if s divided the rest
        return
    if sol is None:
        return
    env = {i: 7, j: jv, m: mv}
    env[x] = _value(sol, env, {"s": s})
    assert _value(i, env, {"s": s}) == _value(a, env, {"s": s})


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.integers(0, 2**16))
def test_a_stride_bracket_contracted_against_a_sum_has_its_value(s: int, big_m: int, big_j: int,
                                                                 seed: int) -> None:
    """``Σ_m w_m [i = s(j-1)+m]`` contracted (``w_{i-s(j-1)} [1 <= i-s(j-1) <= M]``), evaluated,
    against the sum written out; and ``Σ_j δ_j [i = s(j-1)+m]``, kept, against its sum."""
    import numpy as np

    from symbp.engine.shifted import evaluate_shifted
    from symbp.model.affine import affine, product, size_atom
    from symbp.model.normal_form import Expr, F
    rng = np.random.default_rng(seed)
    big_i = s * (big_j - 1) + big_m
    w, d = rng.normal(size=big_m), rng.normal(size=big_j)
    i, j, m = F("i"), F("j"), F("m")
    pos = affine([(product("s", j), 1), (size_atom("s"), -1), (m, 1)], 0)
    kd = Expr.atom(("kd", i, pos))
    by_m = (Expr.atom(("ref", "w", (m,))) * kd).bind("m", "M")
    by_j = (Expr.atom(("ref", "d", (j,))) * kd).bind("j", "J")
    assert not any(f.tag == "kd" for t in by_m.terms for f in t.factors)  # contracted
    assert any(f.tag == "kd" for t in by_j.terms for f in t.factors)  # kept

    def read(name: str, p: tuple) -> np.ndarray:
        arr = {"w": w, "d": d}[name]
        (q,) = p
        # outside its range a family holds a large value: a dropped range condition would show
        return np.where((q >= 1) & (q <= len(arr)), arr[np.clip(q, 1, len(arr)) - 1], 1e6)

    sizes = {"I": big_i, "J": big_j, "M": big_m, "s": s}
    got = evaluate_shifted(by_m, sizes, [("i", "I"), ("j", "J")], read)
    want = np.array([[sum(w[mm - 1] for mm in range(1, big_m + 1) if ii == s * (jj - 1) + mm)
                      for jj in range(1, big_j + 1)] for ii in range(1, big_i + 1)])
    assert np.allclose(got, want)
    got = evaluate_shifted(by_j, sizes, [("i", "I"), ("m", "M")], read)
    want = np.array([[sum(d[jj - 1] for jj in range(1, big_j + 1) if ii == s * (jj - 1) + mm)
                      for mm in range(1, big_m + 1)] for ii in range(1, big_i + 1)])
    assert np.allclose(got, want)


def test_a_size_times_a_size_times_an_index_is_an_error() -> None:
    from symbp.model.affine import affine, product
    with pytest.raises(UnsupportedError, match="multiplies three letters"):
        affine([(product("s", affine([(product("t", ("f", "j")), 1)], 1)), 1)], 0)
