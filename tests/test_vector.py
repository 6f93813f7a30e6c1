"""Vector and matrix notation (symbp.engine.vector): the translation to index notation, the shape
mismatches and their fixes, the input errors, files that declare their vectors, and an independent
check of the translation: random vector formulas evaluated with NumPy matrices (no broadcasting)
against their index form evaluated entry by entry, from both sides (a formula NumPy cannot
evaluate is a mismatch, one it can evaluate is translated to the same numbers)."""

from __future__ import annotations

import math
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbp import check_file
from symbp.checker.files import check_vector_chain
from symbp.checker.results import ERROR, REFUTED, VERIFIED
from symbp.document import loads
from symbp.engine.vector import Mismatch, translate
from symbp.errors import DeclarationError, InputError, NotationError
from symbp.latex.ast import (
    Add,
    Call,
    Chain,
    Deriv,
    Div,
    Hadamard,
    Mul,
    Nabla,
    Neg,
    Node,
    Num,
    SumOp,
    Sym,
    Transpose,
)
from symbp.latex.parser import parse_chain, parse_expression
from symbp.latex.unparse import unparse
from symbp.soundness.oracle import EQUIVALENT
from symbp.soundness.vector_mutation import DISAGREES, VECTOR_MUTANT_CLASSES
from symbp.soundness.vector_mutation import run as run_vector_mutants

ROOT = Path(__file__).resolve().parent.parent
FUNCS = ("sigma",)
SHAPES = {"x": ("I",), "y": ("I",), "u": ("J",), "W": ("J", "I"), "V": ("I", "J"), "A": ("I", "I"),
          "z": ("J",), "b": ("J",), "delta": ("J",), "a": ("I",), "M": ("K", "J"), "d": ("K",),
          "B": ("J", "J")}


def _index(src: str, layout: str = "gradient") -> str | Mismatch:
    out = translate(parse_chain(src, FUNCS), SHAPES, layout)
    if isinstance(out, Mismatch):
        return out
    return " = ".join(unparse(s) for s in out.sides)


TRANSLATIONS = [
    (r"z = W x + b", r"z_{j} = \sum_{i} W_{ji} x_{i} + b_{j}"),
    (r"\mathbf{z} = W\mathbf{x} + \mathbf{b}", r"z_{j} = \sum_{i} W_{ji} x_{i} + b_{j}"),
    (r"u = \sigma(z)", r"u_{j} = \sigma(z_{j})"),
    (r"x = W^T z", r"x_{i} = \sum_{j} W_{ji} z_{j}"),
    (r"x = W^\top z", r"x_{i} = \sum_{j} W_{ji} z_{j}"),
    (r"x = W^{\mathsf{T}} z", r"x_{i} = \sum_{j} W_{ji} z_{j}"),
    (r"x^T = z^T W", r"x_{i} = \sum_{j} z_{j} W_{ji}"),
    (r"\delta = (M^T d) \odot \sigma'(z)", r"\delta_{j} = \sum_{k} M_{kj} d_{k} \sigma'(z_{j})"),
    (r"\delta = M^T d \circ \sigma'(z)", r"\delta_{j} = \sum_{k} M_{kj} d_{k} \sigma'(z_{j})"),
    (r"\nabla_W C = \delta a^T", r"\frac{\partial C}{\partial W_{ji}} = \delta_{j} a_{i}"),
    (r"\frac{\partial C}{\partial W} = \delta x^T", r"\frac{\partial C}{\partial W_{ji}} = \delta_{j} x_{i}"),
    (r"\nabla_{\mathbf{b}} C = \delta", r"\frac{\partial C}{\partial b_{j}} = \delta_{j}"),
    (r"A = x y^T", r"A_{ii'} = x_{i} y_{i'}"),
    (r"A^T = y x^T", r"A_{ii'} = y_{i'} x_{i}"),
    (r"x = A A x", r"x_{i} = \sum_{i'} \sum_{i''} A_{ii''} A_{i''i'} x_{i'}"),
    (r"x = \frac{1}{2} (x + y) - x", r"x_{i} = \frac{1}{2} \left(x_{i} + y_{i}\right) - x_{i}"),
    (r"c = x^T y", r"c = \sum_{i} x_{i} y_{i}"),
    (r"x = (u^T z) x", r"x_{i} = \sum_{j} u_{j} z_{j} x_{i}"),
]


@pytest.mark.parametrize(("vector", "index"), TRANSLATIONS, ids=[t[0] for t in TRANSLATIONS])
def test_vector_formulas_read_in_index_notation(vector: str, index: str) -> None:
    assert _index(vector) == index


def test_the_numerator_layout_transposes_the_gradient() -> None:
    assert _index(r"\frac{\partial C}{\partial W} = a \delta^T", "numerator") == \
        r"\frac{\partial C}{\partial W_{ji}} = a_{i} \delta_{j}"
    assert isinstance(_index(r"\frac{\partial C}{\partial W} = \delta a^T", "numerator"), Mismatch)
    # \nabla keeps the shape of its variable in either layout
    assert _index(r"\nabla_W C = \delta a^T", "numerator") == \
        r"\frac{\partial C}{\partial W_{ji}} = \delta_{j} a_{i}"


MISMATCHES = [
    (r"x = W z", r"W z multiplies a J \times I matrix by a J-vector; did you mean W^{T} z?", r"x = W^{T} z"),
    (r"\nabla_W C = \delta a", r"\delta a multiplies a J-vector by an I-vector; did you mean \delta a^{T}?",
     r"\nabla_{W} C = \delta a^{T}"),
    (r"\delta = (M d) \odot \sigma'(z)", r"M d multiplies a K \times J matrix by a K-vector", None),
    (r"\delta = M^T d \sigma'(z)", r"multiplies a J-vector by a J-vector; did you mean", None),
    (r"z = x + b", r"x + b adds an I-vector and a J-vector", None),
    (r"z = u \odot x", r"multiplies elementwise a J-vector and an I-vector", None),
    (r"x = y^T", r"the left side x is an I-vector but the right side y^{T} is a 1 \times I row vector",
     r"x = y"),
    (r"\nabla_W C = a \delta^T", r"is a J \times I matrix but the right side a \delta^{T} is an I \times J",
     None),
    (r"x = \frac{x}{y}", r"divides by an I-vector", None),
    (r"x = x^2", r"raises an I-vector to a power", None),
    (r"c = \frac{\partial x}{\partial y}", r"a Jacobian is not read yet", None),
]


@pytest.mark.parametrize(("vector", "words", "fix"), MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_shapes_that_do_not_fit_are_a_mismatch_in_the_notation_written(vector: str, words: str,
                                                                      fix: str | None) -> None:
    out = _index(vector)
    assert isinstance(out, Mismatch)
    assert words in out.message
    if fix is not None:
        assert out.suggestion == fix
        assert not isinstance(_index(fix), Mismatch)  # the fix fits


INPUT_ERRORS = [
    (r"c = e^T f", "no symbol of this formula is declared"),
    (r"c = e \odot f", "no symbol of this formula is declared"),
    (r"z_j = \sum_i W_{ji} x + b_j", "with indices beside the vector"),
]


@pytest.mark.parametrize(("src", "words"), INPUT_ERRORS, ids=[e[0] for e in INPUT_ERRORS])
def test_unreadable_vector_formulas_are_input_errors(src: str, words: str) -> None:
    with pytest.raises(NotationError, match=words.replace("(", r"\(")):
        translate(parse_chain(src, FUNCS), SHAPES)


# ----------------------------------------------------------------------------------------------
# files


NET = r"""
% symbp: params W, b
% symbp: error C
% symbp: vector x : I
% symbp: vector z^{(1)}, a^{(1)} : J
% symbp: vector z^{(2)} : K
% symbp: matrix W^{(1)} : J x I
% symbp: matrix W^{(2)} : K x J
% symbp: forward
\begin{align*}
\mathbf{z}^{(1)} &= W^{(1)} \mathbf{x} \\
\mathbf{a}^{(1)} &= h(\mathbf{z}^{(1)}) \\
\mathbf{z}^{(2)} &= W^{(2)} \mathbf{a}^{(1)}
\end{align*}
"""


def _one(equation: str, head: str = NET) -> list:
    return check_file(loads(head + f"\\[ {equation} \\]\n", "t.tex"))


@pytest.mark.parametrize(("equation", "verdict", "code"), [
    (r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot h'(\mathbf{z}^{(1)})", VERIFIED, None),
    (r"\delta^{(1)}_j = h'(z^{(1)}_j) \sum_k W^{(2)}_{kj} \delta^{(2)}_k", VERIFIED, None),  # index form
    (r"\nabla_{W^{(1)}} C = \delta^{(1)} \mathbf{x}^T", VERIFIED, None),
    (r"\frac{\partial C}{\partial W^{(2)}} = \delta^{(2)} (\mathbf{a}^{(1)})^T", VERIFIED, None),
    (r"\delta^{(1)} = W^{(2)} \delta^{(2)} \odot h'(\mathbf{z}^{(1)})", REFUTED, "shape-mismatch"),
    (r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot h(\mathbf{z}^{(1)})", REFUTED, "extra-factor"),
    (r"\frac{\partial C}{\partial W^{(2)}} = \delta^{(2)} \mathbf{a}^{(1)}", REFUTED, "shape-mismatch"),
    (r"\delta^{(1)} = W_{kj} \delta^{(2)}", ERROR, None),
    (r"\delta^{(1)} = \mathbf{x} = \mathbf{x}", REFUTED, "shape-mismatch"),
])
def test_a_file_with_vectors_is_checked_in_index_notation(equation: str, verdict: str,
                                                          code: str | None) -> None:
    results = _one(equation)
    assert results[0].verdict == verdict, results[0].message
    if code is not None:
        assert code in results[0].codes
    assert all(r.file == "t.tex" and r.line > 0 for r in results)


def test_results_show_the_equation_as_written_and_say_how_it_was_read() -> None:
    (r,) = _one(r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot h'(\mathbf{z}^{(1)})")
    assert r.latex.startswith(r"\delta^{(1)} = \left(W^{(2)}\right)^{T} \delta^{(2)} \odot")
    assert r.message.startswith(r"read as \delta^{(1)}_{j} = \sum_{k} W^{(2)}_{kj}")
    (r,) = _one(r"\delta^{(1)} = W^{(2)} \delta^{(2)} \odot h'(\mathbf{z}^{(1)})")
    assert r.suggestion == r"\delta^{(1)} = \left(W^{(2)}\right)^{T} \delta^{(2)} \odot h'(z^{(1)})"
    assert "W^{(2)} \\delta^{(2)} multiplies a K \\times J matrix by a K-vector" in r.message
    assert r.column > 1  # the caret stands under the product


def test_a_chain_gets_one_result_per_link() -> None:
    results = _one(r"\delta^{(2)} = \nabla_{\mathbf{z}^{(2)}} C = \mathbf{x}")
    assert [(r.link, r.links, r.verdict) for r in results] == [(1, 2, VERIFIED), (2, 2, REFUTED)]


@pytest.mark.parametrize(("directive", "words"), [
    ("% symbp: vector z : J x I\n", "this vector directive cannot be read"),
    ("% symbp: matrix W : J\n", "this matrix directive cannot be read"),
    ("% symbp: vector z_j : J\n", "is not a name to declare"),
    ("% symbp: layout columns\n", "unknown layout"),
])
def test_shape_directives_that_cannot_be_read_are_declaration_errors(directive: str, words: str) -> None:
    with pytest.raises(DeclarationError, match=words):
        loads(directive + "% symbp: forward a_j = \\sum_i w_{ji} x_i\n\\[ a_j = a_j \\]", "t.tex")


def test_a_forward_equation_whose_shapes_do_not_fit_is_a_declaration_error() -> None:
    text = "% symbp: vector x : I\n% symbp: vector z : J\n% symbp: matrix W : I x J\n" \
           "% symbp: params W\n% symbp: forward z = W x\n\\[ z = z \\]"
    with pytest.raises(InputError, match="shapes of this forward equation do not fit"):
        loads(text, "t.tex")


def test_a_vector_claim_about_a_network_declared_with_indices() -> None:
    head = (r"""% symbp: params w
% symbp: vector a, \delta : J
% symbp: vector d : K
% symbp: matrix v : K x J
% symbp: forward
\begin{align*}
a_j &= \sum_i w_{ji} x_i \\
z_j &= h(a_j) \\
a_k &= \sum_j v_{kj} z_j
\end{align*}
""")
    text = head.replace("% symbp: params w", "% symbp: params w, v")
    (r,) = _one(r"\delta_j = h'(a_j) \sum_k v_{kj} \delta_k", text)
    assert r.verdict == VERIFIED
    # \delta without a label: no shape is inferred, the declaration gives it
    d = loads(text + r"\[ \frac{\partial E}{\partial a} = \delta \]", "t.tex")
    assert [r.verdict for r in check_file(d)] == [VERIFIED]


def test_the_shipped_matrix_derivation_is_as_it_expects() -> None:
    results = check_file(ROOT / "derivations" / "nielsen_matrix.tex")
    assert results and all(r.as_expected for r in results)
    assert sum(r.code == "shape-mismatch" for r in results) >= 5


def test_check_vector_chain_leaves_index_equations_to_check_chain() -> None:
    d = loads(NET, "t.tex")
    bp2 = r"\delta^{(1)}_j = h'(z^{(1)}_j) \sum_k W^{(2)}_{kj} \delta^{(2)}_k"
    chain = parse_chain(bp2, d.network.functions)
    assert [r.verdict for r in check_vector_chain(d.network, chain)] == [VERIFIED]


# ----------------------------------------------------------------------------------------------
# an independent check of the translation


SIZES = {"I": 2, "J": 3, "K": 4}
RNG = np.random.default_rng(5)
VALUES = {name: RNG.normal(size=tuple(SIZES[r] for r in shape)) for name, shape in SHAPES.items()}
VALUES["c"] = 0.7


class _Misfit(Exception):
    pass


def _np(node: Node):  # noqa: ANN202 - a float or a 2-D array
    """The vector formula evaluated with NumPy matrices: vectors are columns, no broadcasting."""
    if isinstance(node, Num):
        return float(node.value)
    if isinstance(node, Sym):
        v = VALUES[node.name]
        return v.reshape(-1, 1) if np.ndim(v) == 1 else v
    if isinstance(node, Transpose):
        v = _np(node.arg)
        return v.T if isinstance(v, np.ndarray) else v
    if isinstance(node, Neg):
        return -_np(node.arg)
    if isinstance(node, Call):
        v = _np(node.arg)
        return np.tanh(v) if node.order == 0 else 1 - np.tanh(v) ** 2
    if isinstance(node, Div):
        num, den = _np(node.num), _np(node.den)
        if isinstance(den, np.ndarray):
            raise _Misfit
        return num / den
    vs = [_np(c) for c in node.children()]
    if isinstance(node, (Add, Hadamard)):
        if len({np.shape(v) for v in vs}) > 1:
            raise _Misfit
        return sum(vs[1:], vs[0]) if isinstance(node, Add) else math.prod(vs[1:], start=vs[0])
    if isinstance(node, Mul):
        acc = vs[0]
        for v in vs[1:]:
            if not isinstance(acc, np.ndarray) or not isinstance(v, np.ndarray):
                acc = acc * v
                continue
            if acc.shape[1] != v.shape[0]:
                raise _Misfit
            acc = acc @ v
            if acc.shape == (1, 1):  # an inner product is a scalar
                acc = float(acc[0, 0])
        return acc
    raise AssertionError(node)


def _ix(node: Node, env: dict[str, int]) -> float:
    """An index formula evaluated at one value of its free letters (letters run over their range:
    ``i``, ``i'`` over ``I``)."""
    if isinstance(node, Num):
        return float(node.value)
    if isinstance(node, Sym):
        v = VALUES[node.name]
        return float(v[tuple(env[x] for g in node.groups for x in g)]) if node.groups else float(v)
    if isinstance(node, SumOp):
        n = SIZES[node.index.rstrip("'").upper()]
        return sum(_ix(node.body, {**env, node.index: k}) for k in range(n))
    if isinstance(node, Call):
        v = _ix(node.arg, env)
        return math.tanh(v) if node.order == 0 else 1 - math.tanh(v) ** 2
    if isinstance(node, Neg):
        return -_ix(node.arg, env)
    if isinstance(node, Div):
        return _ix(node.num, env) / _ix(node.den, env)
    vs = [_ix(c, env) for c in node.children()]
    if isinstance(node, Add):
        return sum(vs)
    if isinstance(node, Mul):
        return math.prod(vs)
    raise AssertionError(node)


ATOMS = ["x", "y", "u", "W", "V", "A", "c", "2"]
_formulas = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.sampled_from(ATOMS),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) ({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) + ({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) \\odot ({t[1]})"),
        inner.map(lambda a: f"\\left({a}\\right)^T"),
        inner.map(lambda a: f"\\sigma'({a})"),
        inner.map(lambda a: f"-({a})"),
    ),
    max_leaves=6,
)
#: a target of each shape the NumPy value may have (rows, columns; 0 for a size of 1)
TARGETS = {(2, 1): "x", (1, 2): "x^T", (3, 1): "u", (1, 3): "u^T", (3, 2): "W", (2, 3): "V",
           (2, 2): "A", (3, 3): "B", (): "c"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_formulas)
def test_the_translation_agrees_with_numpy_from_both_sides(src: str) -> None:
    rhs = parse_expression(src, FUNCS)
    if not any(isinstance(n, Sym) and n.name in SHAPES for n in rhs.walk()):
        return  # no vector at all: an input error when a vector operation is written, else scalars
    try:
        expected = _np(rhs)
    except _Misfit:
        out = translate(Chain((rhs,), ()), SHAPES)
        assert isinstance(out, Mismatch), src
        return
    target = TARGETS[np.shape(expected)]
    chain = parse_chain(f"{target} = {src}", FUNCS)
    out = translate(chain, SHAPES)
    assert not isinstance(out, Mismatch), (src, out)
    lhs, read = out.sides
    letters = [x for g in (lhs.groups if isinstance(lhs, Sym) else ()) for x in g]
    if isinstance(lhs, Sym) and lhs.name in ("x", "u", "W", "V", "A", "B") and "T" not in target:
        order = letters
    else:
        order = list(reversed(letters))  # the target was transposed: x^T_{i} is column i of a row
    grid = np.atleast_2d(expected) if np.ndim(expected) else np.array([[expected]])
    for pos in product(*(range(n) for n in grid.shape)):
        env = dict(zip(order if len(order) == 2 else letters, pos if len(order) == 2 else
                       [p for p, n in zip(pos, grid.shape) if n > 1]))
        assert math.isclose(_ix(read, env), float(grid[pos]), rel_tol=1e-9, abs_tol=1e-9), (src, pos)


def test_nabla_and_derivative_nodes_translate_to_derivatives() -> None:
    out = translate(parse_chain(r"\nabla_W C = \frac{\partial C}{\partial W}"), SHAPES)
    assert all(isinstance(s, Deriv) for s in out.sides)
    assert not any(isinstance(n, Nabla) for s in out.sides for n in s.walk())


# ----------------------------------------------------------------------------------------------
# the mutation harness of the vector notation


@pytest.fixture(scope="module")
def vector_report():  # noqa: ANN201
    return run_vector_mutants([ROOT / "derivations"])


def test_no_vector_mutant_that_is_not_equivalent_is_verified(vector_report) -> None:  # noqa: ANN001
    assert vector_report.unsound == []
    assert vector_report.survivors == [] and vector_report.kill_rate == 1.0
    assert not [o for o in vector_report.outcomes if o.message.startswith(DISAGREES)]


@pytest.mark.parametrize("cls", VECTOR_MUTANT_CLASSES)
def test_every_vector_mutant_class_is_exercised(vector_report, cls: str) -> None:  # noqa: ANN001
    mine = [o for o in vector_report.outcomes if o.cls == cls]
    assert len(mine) >= 3 and any(o.truth != EQUIVALENT for o in mine), cls


def test_a_forward_equation_with_vectors_but_no_declaration_is_an_error_at_its_line() -> None:
    with pytest.raises(InputError, match="no symbol of this formula is declared") as info:
        loads("% symbp: forward\n\\[ a_j = \\sum_i w_{ji} z_i^T \\]\n\\[ a_j = a_j \\]\n", "t.tex")
    assert info.value.location is not None and info.value.location.line == 2


def test_an_assignment_alone_is_nothing_to_check() -> None:
    from symbp import check_equation
    (r,) = check_equation(r"g \leftarrow g \odot h'(a)", "plain")
    assert (r.verdict, r.code) == (ERROR, "nothing-to-check")
