"""Vector and matrix notation (symbp.engine.vector): the translation to index notation, the shape
mismatches and their fixes, the input errors, files that declare their vectors, and an independent
check of the translation: random vector formulas evaluated with NumPy matrices (no broadcasting)
against their index form evaluated entry by entry, from both sides (a formula NumPy cannot
evaluate is a mismatch, one it can evaluate is translated to the same numbers)."""

from __future__ import annotations

import math
import re
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
    Kron,
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
    # diag, the all-ones vector (its size from its neighbours)
    (r"u = \operatorname{diag}(z) u", r"u_{j} = \sum_{j'} z_{j} [j = j'] u_{j'}"),
    (r"u = \mathrm{diag}(\sigma'(z)) W x",
     r"u_{j} = \sum_{i} \sum_{j'} \sigma'(z_{j}) [j = j'] W_{j'i} x_{i}"),
    (r"x = W^T \operatorname{diag}(z) u", r"x_{i} = \sum_{j} \sum_{j'} W_{j'i} z_{j'} [j' = j] u_{j}"),
    (r"c = \mathbf{1}^T x", r"c = \sum_{i} x_{i}"),
    (r"c = \boldsymbol{1}^\top u", r"c = \sum_{j} u_{j}"),
    (r"x = x \odot (\mathbf{1} - y)", r"x_{i} = x_{i} \left(1 - y_{i}\right)"),
    (r"u = \mathbf{1}", r"u_{j} = 1"),
    (r"u = \operatorname{diag}(\mathbf{1}) u", r"u_{j} = \sum_{j'} [j = j'] u_{j'}"),
    (r"W = u \mathbf{1}^T", r"W_{ji} = u_{j}"),
    # \times beside a scalar: the typographic product
    (r"u = 2 \times u", r"u_{j} = 2 u_{j}"),
    (r"x = (u^T z) \times x", r"x_{i} = \sum_{j} u_{j} z_{j} x_{i}"),
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
    (r"u = u * z", "can be the elementwise (Hadamard) product, a matrix product or a convolution"),
    (r"c_j = a_j * b_j", "between scalars"),
    (r"u = \operatorname{diag}(W) x", "diag} of a matrix"),
    (r"x = \operatorname{diag}(u^T W) x", "diag} of a row vector"),  # diag(u^T), diag(u)^T: diag(u) (msg6)
    (r"u = \operatorname{diag}(c) u", "diag} of a scalar"),
    (r"u = u \operatorname{diag}", "without its argument"),
    (r"c = x^T y + \mathbf{1}^T \mathbf{1}", "cannot be inferred"),
    (r"c = \mathbf{1}^T \mathbf{1}", "no symbol of this formula is declared"),
    (r"u = u + \mathbf{0}", "\\mathbf{0} inside a formula"),  # a zero vector or matrix? a side alone says
    (r"W x - u = 2 \mathbf{0}", "\\mathbf{0} inside a formula"),
    # \times between two vectors or matrices: a cross product, never read as their product
    (r"u = u \times z", "\\times between two vectors or matrices is a cross product"),
    (r"u = W \times x", "write u \\cdot v for the dot product, u \\odot v for the elementwise product"),
    (r"A = x \times y^T", "or W x (juxtaposition) for the matrix product"),
    (r"c = 2 \times x^T \times y", "\\times between two vectors or matrices"),
]


@pytest.mark.parametrize(("src", "words"), INPUT_ERRORS, ids=[e[0] for e in INPUT_ERRORS])
def test_unreadable_vector_formulas_are_input_errors(src: str, words: str) -> None:
    with pytest.raises(NotationError, match=re.escape(words)):
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
    # a side 0 (or \mathbf{0}) is the zero of the other side's shape, a vector or a matrix
    (r"\nabla_{z^{(2)}} C - \delta^{(2)} = 0", VERIFIED, None),
    (r"\mathbf{0} = \nabla_{W^{(1)}} C - \delta^{(1)} \mathbf{x}^T", VERIFIED, None),
    (r"\nabla_{z^{(2)}} C - 2 \delta^{(2)} = \mathbf{0}", REFUTED, None),
    (r"\nabla_{W^{(1)}} C - \mathbf{x} (\delta^{(1)})^T = 0", REFUTED, "shape-mismatch"),
    # two pre-activations: a bare \delta is either (an error asking for the label)
    (r"\delta = (W^{(2)})^T \delta^{(2)} \odot h'(\mathbf{z}^{(1)})", ERROR, None),
])
def test_a_file_with_vectors_is_checked_in_index_notation(equation: str, verdict: str,
                                                          code: str | None) -> None:
    results = _one(equation)
    assert results[0].verdict == verdict, results[0].message
    if code is not None:
        assert code in results[0].codes
    assert all(r.file == "t.tex" and r.line > 0 for r in results)


ONE_LAYER = r"""
% symbp: params W, b
% symbp: error C
% symbp: vector x : I
% symbp: vector z, a, b : J
% symbp: matrix W : J x I
% symbp: forward
\begin{align*}
\mathbf{z} &= W \mathbf{x} + \mathbf{b} \\
\mathbf{a} &= h(\mathbf{z})
\end{align*}
"""


@pytest.mark.parametrize(("equation", "head", "verdict", "words"), [
    # one pre-activation: a bare \delta is its vector (its \delta_j read so in index notation)
    (r"\nabla_{b} C = \delta", ONE_LAYER, VERIFIED, "\\delta_{j}"),
    (r"\nabla_{W} C = \delta \mathbf{x}^T", ONE_LAYER, VERIFIED, "\\delta_{j} x_{i}"),
    (r"\nabla_{x} C = W^T \boldsymbol{\delta}", ONE_LAYER, VERIFIED, "\\sum_{j} W_{ji} \\delta_{j}"),
    (r"\nabla_{b} C = 2 \delta", ONE_LAYER, REFUTED, "factor of 2"),
    (r"\nabla_{x} C = W \delta", ONE_LAYER, REFUTED, "W^{T}"),
    (r"\nabla_{W} C = \mathbf{x} \delta^T", ONE_LAYER, REFUTED, "is an I \\times J matrix"),
    # two: the error names both and the label to write
    (r"\nabla_{x} C = (W^{(1)})^T \delta", NET, ERROR, "which of z^{(1)}, z^{(2)}"),
    (r"\delta = (W^{(2)})^T \delta^{(2)} \odot h'(\mathbf{z}^{(1)})",
     NET, ERROR, "\\delta^{(2)} for z^{(2)}"),
])
def test_an_unlabelled_delta_is_the_vector_of_the_one_family_it_can_stand_for(
        equation: str, head: str, verdict: str, words: str) -> None:
    (r,) = _one(equation, head)
    assert r.verdict == verdict and words in r.message, (r.verdict, r.message)


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
    if isinstance(node, Mul) and isinstance(node.factors[0], Sym) and node.factors[0].name == "diag":
        (arg,) = node.factors[1:]  # the strategy writes diag of a column vector
        return np.diag(_np(arg).ravel())
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
    if isinstance(node, Kron):
        return float([env[x] for x in node.left] == [env[x] for x in node.right])
    vs = [_ix(c, env) for c in node.children()]
    if isinstance(node, Add):
        return sum(vs)
    if isinstance(node, Mul):
        return math.prod(vs)
    raise AssertionError(node)


ATOMS = ["x", "y", "u", "W", "V", "A", "c", "2", r"\operatorname{diag}(x)", r"\operatorname{diag}(u)"]
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
        try:
            out = translate(Chain((rhs,), ()), SHAPES)
        except NotationError as exc:  # x + 2: a number beside a vector, not read as broadcast
            assert "adds a number" in str(exc), src
            return
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


# ----------------------------------------------------------------------------------------------
# Ng's batch matrices: the examples in the columns, as the directives declare them


NG_SHAPES = {"X": ("I", "M"), "Z": ("J", "M"), "A": ("J", "M"), "W": ("J", "I"), "b": ("J",), "V": ("K", "J"),
             "Y": ("K", "M"), "c": ("K",)}
NG = {"examples": "M", "size": "m", "prefix": "d", "of": "J", "hadamard": "*"}


@pytest.mark.parametrize(("vector", "index"), [
    (r"Z = W X + b", r"Z_{jm} = \sum_{i} W_{ji} X_{im} + b_{j}"),  # b broadcast along the examples
    (r"Z = b + W X", r"Z_{jm} = b_{j} + \sum_{i} W_{ji} X_{im}"),
    (r"Z = W X + b \mathbf{1}^T", r"Z_{jm} = \sum_{i} W_{ji} X_{im} + b_{j}"),
    (r"dZ = dA * \sigma'(Z)", r"M \frac{\partial J}{\partial Z_{jm}} = M \frac{\partial J}{\partial A_{jm}} "
                               r"\sigma'(Z_{jm})"),
    (r"dW = \frac{1}{m} dZ X^T", r"M \frac{\partial J}{\partial W_{ji}} = \sum_{m} M "
                                 r"\frac{\partial J}{\partial Z_{jm}} X_{im}"),
    (r"db = \frac{1}{m} dZ \mathbf{1}", r"M \frac{\partial J}{\partial b_{j}} = \sum_{m} M "
                                        r"\frac{\partial J}{\partial Z_{jm}}"),
    (r"c = \frac{1}{m} \frac{1}{m} Y \mathbf{1}", r"M M c_{k} = \sum_{m} Y_{km}"),
    (r"c = \frac{1}{m} Y \mathbf{1} + c", r"M c_{k} = \sum_{m} Y_{km} + M c_{k}"),
    (r"dA = V^T dY",
     r"M \frac{\partial J}{\partial A_{jm}} = \sum_{k} V_{kj} M \frac{\partial J}{\partial Y_{km}}"),
    # vec7: a number beside a batch matrix is broadcast to its every entry (NumPy's 1 - A)
    (r"dZ = dA * A * (1 - A)", r"M \frac{\partial J}{\partial Z_{jm}} = M \frac{\partial J}{\partial A_{jm}} "
                               r"A_{jm} \left(1 - A_{jm}\right)"),
    (r"Z = A + 1", r"Z_{jm} = A_{jm} + 1"),
    (r"Z = 2 - W X + b", r"Z_{jm} = 2 - \sum_{i} W_{ji} X_{im} + b_{j}"),
])
def test_ng_batch_matrices_read_in_index_notation(vector: str, index: str) -> None:
    out = translate(parse_chain(vector, FUNCS), NG_SHAPES, conventions=NG)
    assert not isinstance(out, Mismatch), out.message
    assert " = ".join(unparse(s) for s in out.sides) == index


@pytest.mark.parametrize(("vector", "conventions", "words"), [
    (r"Z = W X + b", {}, r"adds a J \times M matrix and a J-vector"),  # no broadcast undeclared
    (r"Z = b + W X", {}, r"adds a J-vector and a J \times M matrix"),
    (r"Z = W X + c", NG, r"adds a J \times M matrix and a K-vector"),
    (r"Z^T = W X + b", NG, r"is an M \times J matrix but the right side"),
    (r"db = \frac{1}{m} dZ", NG, r"is a J-vector but the right side \frac{1}{m} d Z is a J \times M"),
    (r"dW = \frac{1}{m} X^T dZ", NG, r"multiplies an M \times I matrix by a J \times M matrix"),
    (r"Z = W X * b", NG, r"multiplies elementwise a J \times M matrix and a J-vector"),  # no broadcast of *
])
def test_batch_shapes_that_do_not_fit_are_mismatches(vector: str, conventions: dict, words: str) -> None:
    out = translate(parse_chain(vector, FUNCS), NG_SHAPES, conventions=conventions)
    assert isinstance(out, Mismatch) and words in out.message, out


@pytest.mark.parametrize(("vector", "conventions"), [
    (r"Z = 1 - A", {}),  # no examples declared: NumPy's broadcasting is not the file's
    (r"b = 1 - b", NG),  # a vector, not a batch matrix: \mathbf{1} - b asked for
    (r"c = 1 - Y \mathbf{1}", NG),
])
def test_a_number_beside_a_vector_is_broadcast_only_to_a_batch_matrix(vector: str, conventions: dict) -> None:
    with pytest.raises(NotationError, match="adds a number to a vector or matrix"):
        translate(parse_chain(vector, FUNCS), NG_SHAPES, conventions=conventions)


def test_a_suggested_elementwise_product_is_written_as_the_file_writes_it() -> None:
    out = translate(parse_chain(r"dA = V^T dY \sigma'(A)", FUNCS), NG_SHAPES, conventions=NG)
    assert isinstance(out, Mismatch) and out.suggestion == r"d A = V^{T} d Y * \sigma'(A)"
    out = translate(parse_chain(r"A = A A", FUNCS), NG_SHAPES)
    assert isinstance(out, Mismatch) and out.suggestion == r"A = A \odot A"


NG_HEAD = r"""
% symbp: params W, b
% symbp: error J
% symbp: examples M : m
% symbp: prefix d = \partial J
% symbp: matrix X : I x M
% symbp: matrix Z, A : H x M
% symbp: vector b : H
% symbp: matrix W : H x I
% symbp: forward
\begin{align*}
Z &= W X + b \\
A &= g(Z)
\end{align*}
"""


@pytest.mark.parametrize(("directive", "words"), [
    ("% symbp: examples M\n", "this examples directive cannot be read"),
    ("% symbp: examples m : M\n", "this examples directive cannot be read"),
    ("% symbp: prefix d = J\n", "this prefix directive cannot be read"),
    ("% symbp: hadamard \\odot\n", "this hadamard directive cannot be read"),
    ("% symbp: prefix d = \\partial C\n", "names the gradient of C, but the error here is J"),
    ("% symbp: examples N : n\n", "no vector or matrix is declared with the range N"),
    ("% symbp: error sum-of-squares\n", "the mean over the examples of each one's loss"),
])
def test_batch_directives_that_cannot_be_read_are_declaration_errors(directive: str, words: str) -> None:
    with pytest.raises(DeclarationError, match=words):
        loads(NG_HEAD + directive + "\\[ dZ = dA * g'(Z) \\]", "t.tex")


@pytest.mark.parametrize(("equation", "verdict", "code"), [
    (r"dZ = dA \odot g'(Z)", VERIFIED, None),
    (r"dW = \frac{1}{m} dZ X^T", VERIFIED, None),
    (r"db = \frac{1}{m} dZ \mathbf{1}", VERIFIED, None),
    (r"dW = \frac{1}{m} \left(dA \odot g'(Z)\right) X^T", VERIFIED, None),
    (r"dW = dZ X^T", REFUTED, None),  # the average forgotten
    (r"dW = \frac{1}{m} dZ X", REFUTED, "shape-mismatch"),
    (r"db = \frac{1}{m} dZ", REFUTED, "shape-mismatch"),
    (r"dZ = dA \odot g(Z)", REFUTED, None),
    (r"dZ = dA * g'(Z)", ERROR, None),  # * undeclared here
    (r"dW = \frac{1}{m} d Z X^T", VERIFIED, None),  # the prefix with a space is the same letter
])
def test_ng_batch_claims_in_a_file(equation: str, verdict: str, code: str | None) -> None:
    (r,) = _one(equation, NG_HEAD)
    assert r.verdict == verdict, r.message
    if code is not None:
        assert code in r.codes


def test_without_the_prefix_directive_d_is_an_error_that_asks() -> None:
    with pytest.raises(NotationError, match="the scalar d times Z, or the gradient of the cost by Z"):
        translate(parse_chain(r"Z = d Z", FUNCS), NG_SHAPES, conventions={"examples": "M", "size": "m"})
    head = NG_HEAD.replace("% symbp: prefix d = \\partial J\n", "")
    (r,) = _one(r"dW = \frac{1}{m} dZ X^T", head)
    assert r.verdict == ERROR and "prefix d" in r.message


def test_the_shipped_batch_derivation_is_as_it_expects() -> None:
    results = check_file(ROOT / "derivations" / "ng_batch.tex")
    assert results and all(r.as_expected for r in results)
    assert sum(r.verdict == VERIFIED for r in results) >= 8
    assert sum(r.code == "shape-mismatch" for r in results) >= 5


# ----------------------------------------------------------------------------------------------
# Ng's sum over the examples, \sum_{i=1}^{m} dZ^{[l](i)}, and the activation of a layer, g^{[l]}

NG_LAYERS = r"""
% symbp: params W, b
% symbp: error J
% symbp: examples M : m
% symbp: prefix d = \partial J
% symbp: hadamard *
% symbp: matrix X : I x M
% symbp: matrix Z^{[1]}, A^{[1]} : H x M
% symbp: matrix Z^{[2]}, A^{[2]} : K x M
% symbp: vector b^{[1]} : H
% symbp: vector b^{[2]} : K
% symbp: matrix W^{[1]} : H x I
% symbp: matrix W^{[2]} : K x H
% symbp: activation g^{[1]} = tanh
% symbp: activation g^{[2]} = logistic
% symbp: forward
\begin{align*}
Z^{[1]} &= W^{[1]} X + b^{[1]} \\
A^{[1]} &= g^{[1]}(Z^{[1]}) \\
Z^{[2]} &= W^{[2]} A^{[1]} + b^{[2]} \\
A^{[2]} &= g^{[2]}(Z^{[2]})
\end{align*}
"""


@pytest.mark.parametrize(("vector", "index"), [
    (r"db^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[2](i)}",
     r"M \frac{\partial J}{\partial b^{[2]}_{k}} = \sum_{m} M \frac{\partial J}{\partial Z^{[2]}_{km}}"),
    (r"db^{[2]} = \frac{1}{m} \sum_{i} dZ^{[2](i)}",  # np.sum(dZ, axis=1, keepdims=True) / m
     r"M \frac{\partial J}{\partial b^{[2]}_{k}} = \sum_{m} M \frac{\partial J}{\partial Z^{[2]}_{km}}"),
    (r"b^{[2]} = \sum_{i=1}^{m} Z^{[2](i)} + b^{[2]}", r"b^{[2]}_{k} = \sum_{m} Z^{[2]}_{km} + b^{[2]}_{k}"),
    (r"b^{[2]} = \sum_{i=1}^{M} W^{[2]} A^{[1](i)}",
     r"b^{[2]}_{k} = \sum_{m} \sum_{h} W^{[2]}_{kh} A^{[1]}_{hm}"),
])
def test_a_sum_over_the_examples_sums_the_columns_of_a_batch_matrix(vector: str, index: str) -> None:
    shapes = {"Z^{[2]}": ("K", "M"), "A^{[1]}": ("H", "M"), "b^{[2]}": ("K",), "W^{[2]}": ("K", "H")}
    out = translate(parse_chain(vector, FUNCS), shapes, conventions=NG)
    assert not isinstance(out, Mismatch), out.message
    assert " = ".join(unparse(s) for s in out.sides) == index


@pytest.mark.parametrize(("equation", "verdict", "code"), [
    (r"dZ^{[2]} = dA^{[2]} * g'^{[2]}(Z^{[2]})", VERIFIED, None),
    (r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'^{[1]}(Z^{[1]})", VERIFIED, None),
    (r"db^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[2](i)}", VERIFIED, None),
    (r"db^{[1]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[1](i)}", VERIFIED, None),
    (r"db^{[1]} = \frac{1}{m} \sum_{i} dZ^{[1](i)}", VERIFIED, None),
    (r"\frac{1}{m} \sum_{i=1}^{m} dZ^{[1](i)} = \frac{1}{m} dZ^{[1]} \mathbf{1}", VERIFIED, None),
    (r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'^{[2]}(Z^{[1]})", REFUTED, None),  # the other layer's g'
    (r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g^{[1]}(Z^{[1]})", REFUTED, None),  # g for g'
    (r"db^{[2]} = \sum_{i=1}^{m} dZ^{[2](i)}", REFUTED, None),  # the average forgotten
    (r"db^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dA^{[2](i)}", REFUTED, None),
    (r"db^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[1](i)}", REFUTED, "shape-mismatch"),
    (r"db^{[2]} = \frac{1}{m} \sum_{i=1}^{n} dZ^{[2](i)}", ERROR, None),  # not the whole batch
    (r"db^{[2]} = \frac{1}{m} dZ^{[2](i)}", ERROR, None),  # a column outside a sum
])
def test_ng_layer_claims_in_a_file(equation: str, verdict: str, code: str | None) -> None:
    (r,) = _one(equation, NG_LAYERS)
    assert r.verdict == verdict, r.message
    if code is not None:
        assert code in r.codes


def test_a_layer_labelled_function_is_a_function_not_a_product() -> None:
    d = loads(NG_LAYERS + "\\[ dZ^{[2]} = dA^{[2]} * g'^{[2]}(Z^{[2]}) \\]", "t.tex")
    assert {"g^{[1]}", "g^{[2]}"} <= d.network.functions
    assert not any(f.name.startswith("g^") for f in d.network.families)  # it was a family: a scalar g^{[1]}
    assert unparse(parse_expression(r"g'^{[1]}(Z^{[1]})", ["g^{[1]}"])) == "g'^{[1]}(Z^{[1]})"
    # not applied in the forward pass: the letter is a quantity, as an undeclared g(x) is
    assert isinstance(parse_expression(r"g^{[1]}(x)", ["g"]), Mul)


def test_a_column_needs_the_examples_in_the_columns() -> None:
    with pytest.raises(NotationError, match="its columns are not the examples"):
        translate(parse_chain(r"b = \sum_i Z^{[2](i)}", FUNCS), {"Z^{[2]}": ("K", "J"), "b": ("K",)},
                  conventions=NG)


# ----------------------------------------------------------------------------------------------
# a generic layer l in vector notation: Nielsen's matrix BP1-BP4 for every layer of every depth

GENERIC = r"""
% symbp: layers l = 1..L
% symbp: error C
% symbp: forward
\begin{align*}
z^l_j &= \sum_k w^l_{jk} a^{l-1}_k + b^l_j \\
a^l_j &= \sigma(z^l_j)
\end{align*}
"""


#: the same network, its forward pass written with vectors (Nielsen's eq. 25), and mixed
GENERIC_VECTOR = GENERIC.replace(r"z^l_j &= \sum_k w^l_{jk} a^{l-1}_k + b^l_j", r"z^l &= w^l a^{l-1} + b^l") \
    .replace(r"a^l_j &= \sigma(z^l_j)", r"a^l &= \sigma(z^l)")
GENERIC_MIXED = GENERIC.replace(r"a^l_j &= \sigma(z^l_j)", r"\mathbf{a}^l &= \sigma(\mathbf{z}^l)")
GENERIC_FORWARDS = pytest.mark.parametrize("forward", [GENERIC, GENERIC_VECTOR, GENERIC_MIXED],
                                           ids=["index", "vector", "mixed"])


@GENERIC_FORWARDS
@pytest.mark.parametrize(("equation", "verdict", "words"), [
    (r"\delta^L = \nabla_{a^L} C \odot \sigma'(z^L)", VERIFIED, "of every depth"),
    (r"\delta^l = \left( (w^{l+1})^T \delta^{l+1} \right) \odot \sigma'(z^l)", VERIFIED,
     "for every layer l = 1..L-1 of every depth L"),
    (r"\frac{\partial C}{\partial b^l} = \delta^l", VERIFIED, "for every layer l = 1..L"),
    (r"\frac{\partial C}{\partial w^l} = \delta^l (a^{l-1})^T", VERIFIED, "for every layer l = 1..L"),
    (r"\delta^l = \operatorname{diag}(\sigma'(z^l)) (w^{l+1})^\top \delta^{l+1}", VERIFIED, "every depth"),
    (r"\mathbf{1}^T \delta^l = \mathbf{1}^T \nabla_{b^l} C", VERIFIED, "every depth"),
    (r"\delta^l = \left( w^{l+1} \delta^{l+1} \right) \odot \sigma'(z^l)", REFUTED,
     r"w^{l+1} \delta^{l+1} multiplies an n_{l+1} \times n_{l} matrix by an n_{l+1}-vector; did you mean "
     r"\left(w^{l+1}\right)^{T} \delta^{l+1}?"),
    (r"\frac{\partial C}{\partial w^l} = \delta^l a^{l-1}", REFUTED,
     r"multiplies an n_{l}-vector by an n_{l-1}-vector"),
    (r"\delta^l = \left( (w^l)^T \delta^{l+1} \right) \odot \sigma'(z^l)", REFUTED,
     r"an n_{l-1} \times n_{l} matrix by an n_{l+1}-vector"),
    (r"\delta^L = \nabla_{a^L} C", REFUTED, r"a factor \sigma'(z^{(2)}) of the left side is missing"),
    (r"\delta^l = \left( (w^{l+1})^T \delta^{l+1} \right) \odot \sigma(z^l)", REFUTED, "refuted at depth"),
])
def test_a_generic_layer_in_vector_notation(equation: str, verdict: str, words: str, forward: str) -> None:
    (r,) = _one(equation, forward)
    assert r.verdict == verdict, r.message
    assert words in r.message, r.message


@GENERIC_FORWARDS
@pytest.mark.parametrize("equation", [
    r"\delta = \nabla_{a^L} C \odot \sigma'(z^L)",  # BP1 without its label: \delta^L or \delta^l?
    r"\frac{\partial C}{\partial b^l} = \delta",
    r"\delta = \nabla_{a^L} C",  # a slip too: an error, not decided either way
])
def test_a_bare_delta_in_a_generic_vector_file_is_an_error_asking_for_its_label(equation: str,
                                                                                forward: str) -> None:
    (r,) = _one(equation, forward)
    assert r.verdict == ERROR, r.message
    assert "\\delta without a label" in r.message and "\\delta^L" in r.message, r.message


# ----------------------------------------------------------------------------------------------
# u \cdot v: the dot product of two vectors (vec7)

DOTS = [
    (r"c = u \cdot z", r"c = \sum_{j} u_{j} z_{j}"),
    (r"c = 2 u \cdot \frac{1}{3} z", r"c = \sum_{j} 2 u_{j} \frac{1}{3} z_{j}"),  # scalars commute
    (r"c = u^T \cdot z^T", r"c = \sum_{j} u_{j} z_{j}"),  # two row vectors
    (r"c = u^T \cdot z", r"c = \sum_{j} u_{j} z_{j}"),  # u^T z: the product, the same
    (r"c = \mathbf{1} \cdot u", r"c = \sum_{j} u_{j}"),  # the all-ones vector takes u's size
    (r"c = (W x) \cdot u", r"c = \sum_{j} \sum_{i} W_{ji} x_{i} u_{j}"),
    (r"u = W \cdot x", r"u_{j} = \sum_{i} W_{ji} x_{i}"),  # a matrix and a vector: the product
    (r"u = 2 \cdot u", r"u_{j} = 2 u_{j}"),
    (r"W = u \cdot x^T", r"W_{ji} = u_{j} x_{i}"),  # sizes J and I: only the outer product
    (r"M = M \cdot B \cdot B", r"M_{kj} = \sum_{j'} \sum_{j''} M_{kj''} B_{j''j'} B_{j'j}"),  # matrices
]


@pytest.mark.parametrize(("vector", "index"), DOTS, ids=[d[0] for d in DOTS])
def test_a_cdot_between_two_vectors_is_their_dot_product(vector: str, index: str) -> None:
    assert _index(vector) == index


@pytest.mark.parametrize(("src", "words"), [
    (r"B = u \cdot z^T", "the dot product of two vectors, or the outer product"),  # one size: two readings
    (r"c = W x \cdot u", "a \\cdot among more than two vectors and matrices"),  # (W x) . u or W (x . u)?
    (r"c = \mathbf{1} \cdot \mathbf{1} + u^T z", "cannot be inferred"),
])
def test_a_cdot_with_two_readings_is_an_error_naming_them(src: str, words: str) -> None:
    with pytest.raises(NotationError, match=re.escape(words)):
        translate(parse_chain(src, FUNCS), SHAPES)


def test_a_dot_product_of_vectors_of_two_sizes_is_a_mismatch() -> None:
    out = _index(r"c = u \cdot x")
    assert isinstance(out, Mismatch) and "takes the dot product of a J-vector and an I-vector" in out.message


@pytest.mark.parametrize(("equation", "verdict"), [
    (r"\delta \cdot \nabla_{b} C = \delta^T \delta", VERIFIED),
    (r"\delta \cdot \delta = \delta^T \nabla_{b} C", VERIFIED),
    (r"\delta \cdot \delta = 2 \delta^T \nabla_{b} C", REFUTED),
    (r"\delta \cdot \nabla_{b} C = \delta^T \mathbf{a}", REFUTED),
    (r"\delta \cdot \delta^T = \delta \delta^T", ERROR),
])
def test_dot_products_in_a_file(equation: str, verdict: str) -> None:
    (r,) = _one(equation, ONE_LAYER)
    assert r.verdict == verdict, r.message


@pytest.mark.parametrize(("slip", "fix"), [
    (r"\delta^l = \left( w^{l+1} \delta^{l+1} \right) \odot \sigma'(z^l)",
     r"\delta^l = \left(w^{l+1}\right)^{T} \delta^{l+1} \odot \sigma'(z^l)"),
    (r"\frac{\partial C}{\partial w^l} = \delta^l a^{l-1}",
     r"\frac{\partial C}{\partial w^l} = \delta^l \left(a^{l-1}\right)^{T}"),
    (r"\delta^L = \nabla_{a^L} C", r"\delta^L = \nabla_{a^L} C \odot \sigma'(z^L)"),
    (r"\delta^l = \left( (w^{l+1})^T \delta^{l+1} \right) \odot \sigma(z^l)",
     r"\delta^l = \left(w^{l+1}\right)^{T} \delta^{l+1} \odot \sigma'(z^l)"),
])
def test_a_generic_vector_slip_is_corrected_with_vectors_and_the_fix_verifies(slip: str, fix: str) -> None:
    (r,) = _one(slip, GENERIC)
    assert r.verdict == REFUTED and r.suggestion == fix
    (again,) = _one(fix, GENERIC)
    assert again.verdict == VERIFIED, again.message


def test_a_shape_mismatch_has_no_empty_counterexample() -> None:
    (r,) = _one(r"\delta^l = w^{l+1} \delta^{l+1} \odot \sigma'(z^l)", GENERIC)
    assert r.counterexample is None
    from symbp.render.formats import _details
    assert "None" not in _details(r)


def test_the_shipped_generic_matrix_derivation_is_as_it_expects() -> None:
    results = check_file(ROOT / "derivations" / "generic" / "nielsen_matrix_bp.tex")
    assert results and all(r.as_expected for r in results)
    assert sum(r.verdict == VERIFIED and "every depth" in r.message for r in results) == 7


def test_the_numeric_check_runs_generic_vector_claims() -> None:
    from symbp.numcheck import check_file as numeric
    res = numeric(ROOT / "derivations" / "generic" / "nielsen_matrix_bp.tex")
    assert {x.status for x in res[:7]} == {"agree"}
    assert all(x.status != "agree" for x in res[7:])


def test_the_generic_vector_mutants_are_all_killed() -> None:
    report = run_vector_mutants([ROOT / "derivations" / "generic"])
    # nielsen_matrix_bp.tex's 6 vector claims and ng_layers_batch.tex's 8 true ones
    assert report.links == 14 and report.unsound == [] and report.survivors == []
    assert {o.cls for o in report.outcomes} >= {"drop-transpose", "hadamard-to-product", "other-layout"}
    assert not [o for o in report.outcomes if o.message.startswith(DISAGREES)]
    # value-level slips too, the shapes fitting: sigma for sigma', a factor dropped, all refuted
    for cls in ("derivative-to-function", "drop-factor"):
        mine = [o for o in report.outcomes if o.cls == cls]
        assert mine and all(o.truth == "different" and o.verdict == REFUTED for o in mine), cls
    assert [o for o in report.outcomes if o.cls == "layer-shift"]  # each layer its width: ill-formed




# ----------------------------------------------------------------------------------------------
# a generic forward pass written with vectors: Goodfellow's layer k, Ng's layer [l]

GOODFELLOW_GENERIC = r"""
% symbp: layers k = 1..l
% symbp: params W, b
% symbp: error J
% symbp: forward
\begin{align*}
\boldsymbol{a}^{(k)} &= \boldsymbol{b}^{(k)} + \boldsymbol{W}^{(k)} \boldsymbol{h}^{(k-1)} \\
\boldsymbol{h}^{(k)} &= f(\boldsymbol{a}^{(k)})
\end{align*}
"""
NG_GENERIC = r"""
% symbp: layers l = 1..L
% symbp: params W, b
% symbp: error J
% symbp: prefix d = \partial J
% symbp: hadamard *
% symbp: activation g^{[l]} = tanh
% symbp: forward
\begin{align*}
Z^{[l]} &= W^{[l]} A^{[l-1]} + b^{[l]} \\
A^{[l]} &= g^{[l]}(Z^{[l]})
\end{align*}
"""


@pytest.mark.parametrize(("head", "equation", "verdict", "words"), [
    (GOODFELLOW_GENERIC, r"\nabla_{a^{(k)}} J = \nabla_{h^{(k)}} J \odot f'(a^{(k)})",
     VERIFIED, "for every layer k = 1..l of every depth l"),
    (GOODFELLOW_GENERIC, r"\nabla_{b^{(k)}} J = \nabla_{a^{(k)}} J", VERIFIED, "every depth"),
    (GOODFELLOW_GENERIC, r"\nabla_{W^{(k)}} J = \nabla_{a^{(k)}} J\, h^{(k-1)\top}",
     VERIFIED, "every depth"),
    (GOODFELLOW_GENERIC, r"\nabla_{h^{(k-1)}} J = W^{(k)\top} \nabla_{a^{(k)}} J",
     VERIFIED, "every depth"),
    (GOODFELLOW_GENERIC, r"\nabla_{h^{(k-1)}} J = W^{(k)} \nabla_{a^{(k)}} J",
     REFUTED, "did you mean"),
    (GOODFELLOW_GENERIC, r"\nabla_{a^{(k)}} J = \nabla_{h^{(k)}} J \odot f(a^{(k)})",
     REFUTED, "refuted at depth"),
    (GOODFELLOW_GENERIC, r"\nabla_{W^{(k)}} J = h^{(k-1)} \nabla_{a^{(k)}} J^\top",
     REFUTED, "refuted at depth"),
    (NG_GENERIC, r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", VERIFIED,
     "for every layer l = 1..L-1 of every depth L"),
    (NG_GENERIC, r"dW^{[l]} = dZ^{[l]} A^{[l-1]T}", VERIFIED, "for every layer l = 1..L of every depth L"),
    (NG_GENERIC, r"db^{[l]} = dZ^{[l]}", VERIFIED, "every depth"),
    (NG_GENERIC, r"dA^{[l]} = W^{[l+1]T} dZ^{[l+1]}", VERIFIED, "every depth"),
    (NG_GENERIC, r"dZ^{[l]} = W^{[l+1]} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", REFUTED, "did you mean"),
    (NG_GENERIC, r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g^{[l]}(Z^{[l]})", REFUTED, "refuted at depth"),
    (NG_GENERIC, r"dW^{[l]} = dZ^{[l]} A^{[l]T}", REFUTED, "refuted at depth"),
    (NG_GENERIC, r"dZ^{[l]} = W^{[l]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", REFUTED, "refuted at depth"),
    # every layer's g^{[l]} is tanh: g'^{[l+1]} is the same function as g'^{[l]} (true, so verified)
    (NG_GENERIC, r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l+1]}(Z^{[l]})", VERIFIED, "every depth"),
])
def test_a_generic_forward_pass_in_vector_notation(head: str, equation: str, verdict: str,
                                                    words: str) -> None:
    (r,) = _one(equation, head)
    assert r.verdict == verdict, r.message
    assert words in r.message, r.message
    if verdict == REFUTED and r.suggestion:  # the fix, with vectors, verifies
        (again,) = _one(r.suggestion, head)
        assert again.verdict == VERIFIED, again.message


def test_ng_functions_of_a_layer_are_their_own_without_a_directive() -> None:
    """Without '% symbp: activation g^{[l]} = ...', each layer's g^{[n]} is its own undefined function:
    g'^{[l+1]} for g'^{[l]} is not verified."""
    head = NG_GENERIC.replace("% symbp: activation g^{[l]} = tanh\n", "")
    (r,) = _one(r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l+1]}(Z^{[l]})", head)
    assert r.verdict != VERIFIED, r.message
    (r,) = _one(r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", head)
    assert r.verdict == VERIFIED, r.message


@pytest.mark.parametrize(("lines", "index"), [
    ([r"z^l = w^l a^{l-1} + b^l", r"a^l = \sigma(z^l)"],
     [r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j", r"a^l_j = \sigma(z^l_j)"]),
    ([r"z^l = (v^l)^T a^{l-1} + b^l", r"a^l = \sigma(z^l)"],
     [r"z^l_j = \sum_k v^l_{kj} a^{l-1}_k + b^l_j", r"a^l_j = \sigma(z^l_j)"]),
    ([r"z^l = w^l a^{l-1}", r"a^l_j = \sigma(z^l_j)"],
     [r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k", r"a^l_j = \sigma(z^l_j)"]),
    ([r"z^l = w^l a^{l-1} + b^l \odot a^l", r"a^l = \sigma(z^l)"], None),  # a^l: no layer below it
])
def test_a_generic_vector_forward_pass_unrolls_as_its_index_form(lines: list[str],
                                                                  index: list[str] | None) -> None:
    """The vector lines are translated to index notation with the parameters' shapes inferred: the
    unrolled networks are those of the index form, at every depth."""
    from symbp.engine.generic import Template
    kw = {"params": ["w", "v", "b"]}
    if index is None:
        with pytest.raises(InputError):
            Template("layers", "l", "L", lines, kw).network(2)
        return
    vec, idx = Template("layers", "l", "L", lines, dict(kw)), Template("layers", "l", "L", index, dict(kw))
    for depth in (1, 2, 3):
        assert vec.network(depth).forward_latex == idx.network(depth).forward_latex


@pytest.mark.parametrize(("forward", "message"), [
    (r"z^l &= w^l a^{l-1} + b^l \odot a^{l-1} \\ a^l &= \sigma(z^l)", "fit no shape of its parameters"),
    (r"z^l &= w^l b^l a^{l-1} \\ a^l &= \sigma(z^l)", "more than one reading of its parameters (b, w)"),
])
def test_a_generic_vector_forward_pass_that_does_not_fit_asks_for_indices(forward: str, message: str) -> None:
    text = "% symbp: layers l = 1..L\n% symbp: error C\n% symbp: forward\n\\begin{align*}\n" + forward + \
        "\n\\end{align*}\n\\[ \\delta^L = \\nabla_{a^L} C \\]\n"
    with pytest.raises(DeclarationError) as info:
        loads(text, "t.tex")
    shown = str(info.value)
    assert message in shown and shown.startswith("t.tex:5:1:") and "write it with indices" in shown


# ----------------------------------------------------------------------------------------------
# proofs and diagnoses in vector notation


@pytest.mark.parametrize(("index", "axes", "vector"), [
    (r"\sigma'(z_{j}) \sum_{k} V_{kj} c_{k}", ("j", None), r"V^{T} c \odot \sigma'(z)"),
    (r"\sum_{i} W_{ji} x_{i}", ("j", None), r"W x"),
    (r"\frac{\partial C}{\partial u_{j}} x_{i}", ("j", "i"), r"\nabla_{u} C x^{T}"),
    (r"2 u_{j} - \sigma(u_{j})", ("j", None), r"2 u - \sigma(u)"),
    (r"\sum_{k} V_{kj} c_{k} \sigma'(c_{k})", ("j", None), r"V^{T} \left(c \odot \sigma'(c)\right)"),
])
def test_index_steps_read_back_as_vectors(index: str, axes: tuple, vector: str) -> None:
    from symbp.engine.vector import to_vectors
    shapes = {**SHAPES, "V": ("K", "J"), "c": ("K",)}
    out = to_vectors(parse_expression(index, FUNCS), axes, shapes)
    assert out is not None and unparse(out) == vector
    back = translate(parse_chain(f"u = {vector}" if axes[1] is None else f"W = {vector}", FUNCS), shapes)
    assert not isinstance(back, Mismatch)


@pytest.mark.parametrize("index", [r"\sum_{k} V_{kj} V_{kj}", r"u_{j} [j = j']",
                                   r"\sum_{i=1}^{I} W_{ji} x_{i}",
                                   r"W_{ji}", r"\sum_{k} c_{k}"])
def test_what_does_not_read_back_as_vectors_is_none(index: str) -> None:
    from symbp.engine.vector import to_vectors
    shapes = {**SHAPES, "V": ("K", "J"), "c": ("K",)}
    assert to_vectors(parse_expression(index, FUNCS), ("j", None), shapes) is None


@pytest.mark.parametrize(("name", "chains", "steps"), [
    ("nielsen_matrix.tex", 4, [r"&= \left(w^{(2)}\right)^{T} \nabla_{z^{(2)}} C \odot \sigma'(z^{(1)})"]),
    # Goodfellow's algorithm: its claims name the assignments (g), checked with their values
    ("goodfellow_6_4.tex", 6, [r"&= g && \parbox[t]{0.34\linewidth}{\raggedright\small $g$ as assigned at "
                               r"this point", r"&= \left(W^{(2)}\right)^{T} \left(\nabla_{h^{(2)}} J \odot "
                               r"f'(a^{(2)})\right) \odot f'(a^{(1)})"]),
    # Ng's batch: dZ for m \partial J / \partial Z, the average's 1/m written back
    ("ng_batch.tex", 5, [r"d W^{[2]} &= \frac{1}{m} d Z^{[2]} \left(A^{[1]}\right)^{T}",
                         r"&= \frac{1}{m} \left(W^{[2]T} d Z^{[2]} * g'(Z^{[1]})\right) X^{T}",
                         r"d A^{[1]} &= \left(W^{[2]}\right)^{T} d Z^{[2]}"]),
    ("ng_layers.tex", 5, [r"d Z^{[1]} &= \left(W^{[2]}\right)^{T} d Z^{[2]} * g'^{[1]}(Z^{[1]})"]),
])
def test_the_proof_of_a_vector_claim_has_its_steps_with_vectors(tmp_path: Path, name: str, chains: int,
                                                                steps: list[str]) -> None:
    import subprocess

    from symbp.render.proof import compact_document, prove_derivation
    d = loads((ROOT / "derivations" / name).read_text(), name)
    tex = compact_document(prove_derivation(d), d.network, "t")
    assert tex.count("With vectors (each line checked as written") >= chains
    for step in steps:
        assert step in tex
    (tmp_path / "p.tex").write_text(tex)
    done = subprocess.run(["lualatex", "-interaction=nonstopmode", "-halt-on-error", "p.tex"], cwd=tmp_path,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.parametrize(("head", "equation", "derived"), [
    (GOODFELLOW_GENERIC, r"\nabla_{a^{(k)}} J = \nabla_{h^{(k)}} J \odot f(a^{(k)})",
     r"\nabla_{a^{(k)}} J = W^{(k+1)T} \nabla_{a^{(k+1)}} J \odot f'(a^{(k)})"),
    (GOODFELLOW_GENERIC, r"\nabla_{b^{(k)}} J = W^{(k+1)\top} \nabla_{a^{(k+1)}} J",
     r"\nabla_{b^{(k)}} J = W^{(k+1)\top} \nabla_{a^{(k+1)}} J \odot f'(a^{(k)})"),
    # an average over the examples (its 1/m cleared): read back in Ng's matrices, the 1/m put back
    # (the index form's \delta_{hm} is \partial J / \partial Z_{hm}: dZ with the examples' m)
    (NG_HEAD, r"dW = dZ X^T", r"d W = \frac{1}{m} d Z X^{T}"),
    # the index form's unlabelled \delta_j (two pre-activations): read as the gradient it stands for
    (NET, r"\nabla_{\mathbf{x}} C = (W^{(1)})^T \delta^{(1)} + \mathbf{x}",
     r"\nabla_{x} C = \left(W^{(1)}\right)^{T} \nabla_{z^{(1)}} C"),
    (NET, r"\nabla_{W^{(1)}} C = \delta^{(1)} \mathbf{x}^T + W^{(1)}",
     r"\nabla_{W^{(1)}} C = \nabla_{z^{(1)}} C x^{T}"),
])
def test_what_symbp_derives_for_a_vector_claim_is_written_with_vectors(head: str, equation: str,
                                                                       derived: str) -> None:
    (r,) = _one(equation, head)
    assert r.verdict == REFUTED and r.derived is not None, r.message
    assert r.derived.endswith(derived) if "index" in derived else r.derived == derived, r.derived
    if "index" not in derived:  # what it derives, checked as a claim: verified
        assert all(x.verdict == VERIFIED for x in _one(r.derived, head))


def test_what_symbp_derives_in_an_algorithm_is_written_with_vectors() -> None:
    """Goodfellow's slip at line 59 (the layer's f' dropped): derived with vectors, and verified."""
    (r,) = [x for x in check_file(ROOT / "derivations" / "goodfellow_6_4.tex") if x.line == 59]
    assert r.verdict == REFUTED
    assert r.derived == r"\nabla_{b^{(1)}} J = \left(W^{(2)}\right)^{T} \nabla_{a^{(2)}} J \odot f'(a^{(1)})"


def test_the_diagnosis_of_a_vector_claim_names_its_factors_with_vectors() -> None:
    (r,) = _one(r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot h(\mathbf{z}^{(1)})")
    assert r.verdict == REFUTED
    said = r.message.split(": ", 1)[1]  # after "read as ..." (index notation)
    assert r"h'(z^{(1)})" in said and "z^{(1)}_{" not in said
    assert r.suggestion == r"\delta^{(1)} = \left(W^{(2)}\right)^{T} \delta^{(2)} \odot h'(z^{(1)})"


# ----------------------------------------------------------------------------------------------
# answers in the notation of the question


def test_a_counterexample_of_a_vector_claim_names_the_entry_as_written() -> None:
    (r,) = _one(r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot h(\mathbf{z}^{(1)})")
    assert r.counterexample["entry"]["kind"] == "vector"
    assert r.counterexample["entry"]["of"] == r"\delta^{(1)}"
    (r,) = _one(r"dW = \frac{1}{m} dZ X^T + \frac{1}{m} dZ X^T", NG_HEAD)
    cx = r.counterexample
    assert cx["entry"]["kind"] == "matrix" and cx["entry"]["of"] == "d W" and len(cx["entry"]["at"]) == 2
    assert math.isclose(cx["rhs"], 2 * cx["lhs"])  # the sides as written: 1/m put back
    from symbp.render.display import counterexample_text
    assert "at row " in counterexample_text(cx) and " of d W:" in counterexample_text(cx)


def test_the_entry_values_are_those_of_the_sides_as_written() -> None:
    from symbp.checker.files import _entry_as_written
    from symbp.checker.results import LinkResult
    from symbp.engine.vector import Read
    read = Read((Sym(0, 0, "c", ()), Sym(0, 0, "c", ())), ("=",), ("k", None), ("M", 2))
    r = LinkResult("c = c", REFUTED, "", counterexample={"index": {"k": 3}, "sizes": {"M": 5},
                                                          "lhs": 50.0, "rhs": 25.0})
    _entry_as_written([r], parse_chain("c = c"), read)
    assert r.counterexample["entry"] == {"of": "c", "kind": "vector", "at": [3]}
    assert (r.counterexample["lhs"], r.counterexample["rhs"]) == (2.0, 1.0)


def test_a_missing_elementwise_factor_is_suggested_with_vectors() -> None:
    (r,) = _one(r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)}")
    assert r.verdict == REFUTED
    assert r.suggestion == r"\delta^{(1)} = \left(W^{(2)}\right)^{T} \delta^{(2)} \odot h'(z^{(1)})"
    (again,) = _one(r.suggestion)
    assert again.verdict == VERIFIED
    (r,) = _one(r"dZ = dA", NG_HEAD.replace("% symbp: examples", "% symbp: hadamard *\n% symbp: examples"))
    assert r.suggestion == r"d Z = d A * g'(Z)"


@pytest.mark.parametrize("src", [r"u * v \circ w \odot x", r"\operatorname{diag}(u + v) W", r"\mathbf{1}^T u",
                                 r"\operatorname{diag}(\sigma'(z)) W^T \delta"])
def test_the_new_notation_prints_back_to_the_same_formula(src: str) -> None:
    node = parse_expression(src, FUNCS)
    text = unparse(node)
    assert parse_expression(text, FUNCS).key() == node.key()
    if "*" in src:
        assert text == src  # each operator as written


def test_bold_one_is_the_all_ones_vector_and_roman_one_the_digit() -> None:
    assert parse_expression(r"\mathbf{1}").key() == parse_expression(r"\mathbb{1}").key() == \
        ("sym", "mathbf{1}", ())
    with pytest.raises(InputError):  # not the all-ones vector
        parse_expression(r"\mathrm{1}")


@pytest.mark.parametrize(("src", "printed"), [
    (r"A^{[1]T} x", r"A^{[1]T} x"),
    (r"W^{(2)\top} g", r"W^{(2)\top} g"),
    (r"x^\top y", r"x^{\top} y"),
    (r"x^{\mathsf{T}} y", r"x^{T} y"),
    (r"(w^{(2)})^T d", r"\left(w^{(2)}\right)^{T} d"),
    (r"(A B)^\intercal", r"\left(A B\right)^{\intercal}"),
])
def test_a_transpose_prints_back_as_it_was_written(src: str, printed: str) -> None:
    node = parse_expression(src, FUNCS)
    assert unparse(node) == printed
    assert parse_expression(printed, FUNCS).key() == node.key()


def test_the_proof_of_a_vector_claim_shows_it_as_written_and_as_read() -> None:
    from symbp.render.proof import prove_file
    text = prove_file(ROOT / "derivations" / "ng_batch.tex").text
    assert "Written with vectors:" in text
    assert r"d b^{[2]} = \frac{1}{m} d Z^{[2]} \mathbf{1}" in text
    assert r"\text{(both sides times } M\text{)}" in text
    assert "at row 4, column 1 of $d W^{[2]}$" in text


GENERIC_VALUE_HEADS = {"goodfellow": GOODFELLOW_GENERIC, "ng": NG_GENERIC, "nielsen-vector": GENERIC_VECTOR}
GENERIC_VALUE_CLAIMS = {
    "goodfellow": [r"\nabla_{a^{(k)}} J = \nabla_{h^{(k)}} J \odot f'(a^{(k)})",
                   r"\nabla_{h^{(k-1)}} J = W^{(k)\top} \nabla_{a^{(k)}} J"],
    "ng": [r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})",
           r"dW^{[l]} = dZ^{[l]} A^{[l-1]T} + \left(W^{[l+1]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]}) "
           r"- dZ^{[l]}\right) A^{[l-1]T}"],
    "nielsen-vector": [r"\delta^l = (w^{l+1})^T \delta^{l+1} \odot \sigma'(z^l) + \nabla_{b^l} C - \delta^l"],
}


@pytest.mark.parametrize("name", sorted(GENERIC_VALUE_HEADS))
def test_the_value_level_generic_vector_mutants_are_all_refuted(tmp_path: Path, name: str) -> None:
    """A generic forward pass written with vectors, its claims mutated at the value level (a
    derivative for the function, a factor or a term dropped, a layer shifted): every mutant the
    oracle finds different is refuted, every ill-formed one killed, none verified."""
    text = GENERIC_VALUE_HEADS[name] + "".join(f"\\[ {c} \\]\n" for c in GENERIC_VALUE_CLAIMS[name])
    (tmp_path / f"{name}.tex").write_text(text)
    report = run_vector_mutants([tmp_path])
    assert report.links == len(GENERIC_VALUE_CLAIMS[name])
    assert report.unsound == [] and report.survivors == []
    assert not [o for o in report.outcomes if o.message.startswith(DISAGREES)]
    value = [o for o in report.outcomes if o.cls in ("derivative-to-function", "drop-factor", "drop-term")]
    assert any(o.truth == "different" for o in value)
    assert all(o.verdict == (REFUTED if o.truth == "different" else VERIFIED) for o in value), \
        [(o.latex, o.truth, o.verdict) for o in value]


# ----------------------------------------------------------------------------------------------
# Ng's gradient by a column, \partial J / \partial Z^{[l](i)}: the column's vector (J the mean)

@pytest.mark.parametrize(("vector", "index"), [
    (r"\frac{\partial J}{\partial b^{[2]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[2](i)}}",
     r"\frac{\partial J}{\partial b^{[2]}_{k}} = \sum_{m} \frac{\partial J}{\partial Z^{[2]}_{km}}"),
    (r"\frac{\partial J}{\partial W^{[2]}} = \sum_{i} \frac{\partial J}{\partial Z^{[2](i)}} A^{[1](i)T}",
     r"\frac{\partial J}{\partial W^{[2]}_{kh}} = \sum_{m} \frac{\partial J}{\partial Z^{[2]}_{km}} "
     r"A^{[1]}_{hm}"),
    (r"\frac{\partial J}{\partial W^{[2]}} = \sum_{i} \frac{\partial J}{\partial Z^{[2](i)}} "
     r"(A^{[1](i)})^\top",
     r"\frac{\partial J}{\partial W^{[2]}_{kh}} = \sum_{m} \frac{\partial J}{\partial Z^{[2]}_{km}} "
     r"A^{[1]}_{hm}"),
    (r"db^{[2]} = \sum_{i=1}^{m} m \frac{\partial J}{\partial Z^{[2](i)}}",  # dZ's column i is m dJ/dZ^{(i)}
     r"\frac{\partial J}{\partial b^{[2]}_{k}} = \sum_{m} M \frac{\partial J}{\partial Z^{[2]}_{km}}"),
])
def test_the_gradient_by_a_column_is_the_column_vector_of_the_gradient(vector: str, index: str) -> None:
    shapes = {"Z^{[2]}": ("K", "M"), "A^{[1]}": ("H", "M"), "b^{[2]}": ("K",), "W^{[2]}": ("K", "H")}
    out = translate(parse_chain(vector, FUNCS), shapes, conventions=NG)
    assert not isinstance(out, Mismatch), out.message
    assert " = ".join(unparse(s) for s in out.sides) == index


@pytest.mark.parametrize(("equation", "verdict", "code"), [
    (r"\frac{\partial J}{\partial b^{[2]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[2](i)}}", VERIFIED,
     None),
    (r"dW^{[1]} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[1](i)}} X^{(i)T}", VERIFIED, None),
    (r"dW^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[2](i)} A^{[1](i)T}", VERIFIED, None),
    (r"db^{[1]} = \frac{1}{m} \sum_{i=1}^{m} m \frac{\partial J}{\partial Z^{[1](i)}}", VERIFIED, None),
    # the slips: the average taken twice, the transpose forgotten, the other layer's columns
    (r"\frac{\partial J}{\partial b^{[2]}} = \frac{1}{m} \sum_{i=1}^{m} "
     r"\frac{\partial J}{\partial Z^{[2](i)}}", REFUTED, None),
    (r"dW^{[1]} = \frac{1}{m} \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[1](i)}} X^{(i)T}", REFUTED, None),
    (r"dW^{[1]} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[1](i)}} X^{(i)}", REFUTED, "shape-mismatch"),
    (r"dW^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[2](i)} A^{[1](i)}", REFUTED, "shape-mismatch"),
    (r"\frac{\partial J}{\partial b^{[1]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[2](i)}}", REFUTED,
     "shape-mismatch"),
    (r"\frac{\partial J}{\partial b^{[2]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial A^{[2](i)}}", REFUTED,
     None),
    (r"\frac{\partial J}{\partial Z^{[2](i)}} = \frac{1}{m} dZ^{[2](i)}", ERROR, None),  # outside a sum
])
def test_ng_column_gradients_in_a_file(equation: str, verdict: str, code: str | None) -> None:
    (r,) = _one(equation, NG_LAYERS)
    assert r.verdict == verdict, r.message
    if code is not None:
        assert code in r.codes


# ----------------------------------------------------------------------------------------------
# Ng's batch in columns inside a generic layer l: every layer of every depth

NG_BATCH_GENERIC = r"""
% symbp: layers l = 1..L
% symbp: params W, b
% symbp: error J
% symbp: examples M : m
% symbp: prefix d = \partial J
% symbp: hadamard *
% symbp: forward
\begin{align*}
Z^{[l]} &= W^{[l]} A^{[l-1]} + b^{[l]} \\
A^{[l]} &= g^{[l]}(Z^{[l]})
\end{align*}
"""
#: the same network with its forward pass written with indices (the examples' letter m)
NG_BATCH_GENERIC_INDEX = NG_BATCH_GENERIC.replace(
    r"Z^{[l]} &= W^{[l]} A^{[l-1]} + b^{[l]}",
    r"Z^{[l]}_{jm} &= \sum_k W^{[l]}_{jk} A^{[l-1]}_{km} + b^{[l]}_j"
).replace(r"A^{[l]} &= g^{[l]}(Z^{[l]})", r"A^{[l]}_{jm} &= g^{[l]}(Z^{[l]}_{jm})")
NG_BATCH_FORWARDS = pytest.mark.parametrize("forward", [NG_BATCH_GENERIC, NG_BATCH_GENERIC_INDEX],
                                            ids=["vector", "index"])


@NG_BATCH_FORWARDS
@pytest.mark.parametrize(("equation", "verdict", "words"), [
    (r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", VERIFIED,
     "verified for every layer l = 1..L-1 of every depth L"),
    (r"dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}", VERIFIED,
     "verified for every layer l = 1..L of every depth L"),
    (r"db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}", VERIFIED,
     "for every layer l = 1..L of every depth L"),
    (r"db^{[l]} = \frac{1}{m} \sum_{i} dZ^{[l](i)}", VERIFIED, "for every layer l = 1..L of every depth L"),
    (r"db^{[l]} = \frac{1}{m} dZ^{[l]} \mathbf{1}", VERIFIED, "cross-checked unrolled at L = 2, 3, 4"),
    (r"dZ^{[L]} = dA^{[L]} * g'^{[L]}(Z^{[L]})", VERIFIED, "of every depth"),
    (r"dA^{[l-1]} = W^{[l]T} dZ^{[l]}", VERIFIED, "of every depth"),
    (r"dW^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)} A^{[l-1](i)T}", VERIFIED, "of every depth"),
    (r"\frac{\partial J}{\partial b^{[l]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[l](i)}}", VERIFIED,
     "of every depth"),
    # the slips: the 1/m dropped, a transpose missing, * for the matrix product and back
    (r"dW^{[l]} = dZ^{[l]} A^{[l-1]T}", REFUTED, "the right side has an extra factor M"),
    (r"db^{[l]} = \sum_{i=1}^{m} dZ^{[l](i)}", REFUTED, "the right side has an extra factor M"),
    (r"dZ^{[l]} = W^{[l+1]} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", REFUTED,
     r"multiplies an n_{l+1} \times n_{l} matrix by an n_{l+1} \times M matrix"),
    (r"dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]}", REFUTED, "multiplies"),
    (r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} g'^{[l]}(Z^{[l]})", REFUTED, "multiplies"),
    (r"dW^{[l]} = \frac{1}{m} A^{[l-1]T} dZ^{[l]}", REFUTED, "multiplies"),
    (r"db^{[l]} = \frac{1}{m} dZ^{[l]}", REFUTED, "the left side"),
    (r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l+1]}(Z^{[l]})", REFUTED, "counterexample"),
    (r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g^{[l]}(Z^{[l]})", REFUTED, "counterexample"),
])
def test_ng_batch_in_columns_inside_a_generic_layer(equation: str, verdict: str, words: str,
                                                    forward: str) -> None:
    (r,) = _one(equation, forward)
    assert r.verdict == verdict, r.message
    said = r.message + (f"; counterexample {r.counterexample}" if r.counterexample else "")
    assert words in said, r.message


@pytest.mark.parametrize(("depth", "index"), [
    (1, [r"Z^{(1)}_{jm} = \sum_{i} W^{(1)}_{ji} A^{(0)}_{im} + b^{(1)}_{j}",
         r"A^{(1)}_{jm} = g^{[1]}(Z^{(1)}_{jm})"]),
    (3, [r"Z^{(3)}_{nm} = \sum_{k} W^{(3)}_{nk} A^{(2)}_{km} + b^{(3)}_{n}",
         r"A^{(3)}_{nm} = g^{[3]}(Z^{(3)}_{nm})"]),
])
def test_a_generic_batch_unrolls_with_the_examples_shared_by_every_layer(depth: int,
                                                                        index: list[str]) -> None:
    """Every layer has its own units (layer 3's are n, not m: the examples' letter is left out of
    the layers' letters) and the same examples m."""
    tpl = loads(NG_BATCH_GENERIC + "\\[ dA^{[l-1]} = W^{[l]T} dZ^{[l]} \\]\n", "t.tex").generic
    net = tpl.network(depth)
    assert net.forward_latex[-2:] == index
    assert net.ranges["m"] == "M" and tpl.pool[:4] == ("i", "j", "k", "n")


def test_the_shipped_generic_batch_derivation_is_as_it_expects() -> None:
    results = check_file(ROOT / "derivations" / "generic" / "ng_layers_batch.tex")
    assert results and all(r.as_expected for r in results), [r.message for r in results if not r.as_expected]
    assert sum(r.verdict == VERIFIED and "of every depth" in r.message for r in results) == 8
    assert sum(r.verdict == REFUTED for r in results) == 11


def test_the_numeric_check_runs_ng_generic_batch_claims_under_the_mean() -> None:
    from symbp.numcheck import check_file as numeric
    res = numeric(ROOT / "derivations" / "generic" / "ng_layers_batch.tex")
    assert {x.status for x in res[:8]} == {"agree"}
    assert all(x.status != "agree" for x in res[8:])
    assert all("J = 1/m sum over the m examples of" in x.text() for x in res[:8])


@pytest.mark.parametrize("name", ["ng_batch.tex", "ng_layers.tex"])
def test_the_numeric_check_runs_ng_j_as_the_mean_over_the_examples(name: str) -> None:
    """With the examples declared and J abstract, --numeric runs J = 1/m sum of each example's
    error, as the counterexamples do (vec5), and says so; every verified link agrees."""
    from symbp.numcheck import check_file as numeric
    res = numeric(ROOT / "derivations" / name)
    ran = [x for x in res if x.status != "skipped"]
    assert ran and all("J = 1/m sum over the m examples of 1/2 sum (y - t)^2" in x.text() for x in ran)
    assert all(x.status == "agree" for x in ran if x.link.verdict == VERIFIED)
    assert all(x.status == "differ" for x in ran if x.link.verdict == REFUTED)


# ----------------------------------------------------------------------------------------------
# answers in the notation of the question (issue 15, deliverable 3): Ng's batch refutations in his
# matrices, a generic claim's answers in its brackets, its counterexample at its layer


def _shipped(name: str) -> str:
    return (ROOT / "derivations" / name).read_text()


def _file_head(name: str) -> str:
    """A shipped file's directives and forward pass, without its claims (for a claim of its own)."""
    text = _shipped(name)
    return text[:text.index("\\section*{The", text.index("% symbp: forward"))]


_RESULTS: dict[str, list] = {}


def _results_at(name: str, line: int) -> list:
    if name not in _RESULTS:
        _RESULTS[name] = check_file(ROOT / "derivations" / name)
    return [r for r in _RESULTS[name] if r.line == line]


NG_BATCH, NG_LAYERS_BATCH = "ng_batch.tex", "generic/ng_layers_batch.tex"
NIELSEN_BP = "generic/nielsen_matrix_bp.tex"

#: (file, line, field, text): what symbp derives and suggests for a refuted vector claim, written
#: as the file writes its claims: Ng's dZ, the 1/m average, A^{[1]T}, the column sum dZ 1; a
#: generic claim in its square brackets (W^{[l+1]T}); Nielsen's as he writes them
ANSWERS = [
    # the average forgotten: derived and suggested with the 1/m, in Ng's matrices
    (NG_BATCH, 56, "derived", r"d W^{[2]} = \frac{1}{m} d Z^{[2]} A^{[1]T}"),
    (NG_BATCH, 56, "suggestion", r"d W^{[2]} = \frac{1}{m} d Z^{[2]} A^{[1]T}"),
    (NG_BATCH, 58, "derived",
     r"d b^{[2]} = \frac{1}{m} \left(\sigma'(Z^{[2]}) * d A^{[2]}\right) \mathbf{1}"),
    (NG_BATCH, 58, "suggestion", r"d b^{[2]} = \frac{1}{m} d Z^{[2]} \mathbf{1}"),
    # shape slips: the transpose as Ng writes it (inside the layer's label)
    (NG_BATCH, 61, "suggestion", r"d W^{[1]} = \frac{1}{m} d Z^{[1]} X^{T}"),
    (NG_BATCH, 69, "suggestion", r"d Z^{[1]} = W^{[2]T} d Z^{[2]} * g'(Z^{[1]})"),
    # every layer l: in the claim's brackets, the example's column Z^{[l](i)} as written
    (NG_LAYERS_BATCH, 51, "derived", r"d W^{[l]} = \frac{1}{m} d Z^{[l]} A^{[l-1]T}"),
    (NG_LAYERS_BATCH, 51, "suggestion", r"d W^{[l]} = \frac{1}{m} d Z^{[l]} A^{[l-1]T}"),
    (NG_LAYERS_BATCH, 53, "derived",
     r"d b^{[l]} = \frac{1}{m} \left(W^{[l+1]T} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})\right) \mathbf{1}"),
    (NG_LAYERS_BATCH, 53, "suggestion", r"d b^{[l]} = \frac{1}{m} \sum_{i=1}^{m} d Z^{[l](i)}"),
    (NG_LAYERS_BATCH, 56, "suggestion",
     r"\frac{\partial J}{\partial b^{[l]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[l](i)}}"),
    (NG_LAYERS_BATCH, 59, "suggestion", r"d Z^{[l]} = W^{[l+1]T} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})"),
    (NG_LAYERS_BATCH, 61, "suggestion", r"d W^{[l]} = \frac{1}{m} d Z^{[l]} A^{[l-1]T}"),
    (NG_LAYERS_BATCH, 64, "suggestion", r"d Z^{[l]} = W^{[l+1]T} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})"),
    (NG_LAYERS_BATCH, 76, "suggestion", r"d Z^{[l]} = W^{[l+1]T} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})"),
    # Nielsen writes his layers without brackets: so are the answers
    (NIELSEN_BP, 44, "suggestion", r"\delta^l = \left(w^{l+1}\right)^{T} \delta^{l+1} \odot \sigma'(z^l)"),
    (NIELSEN_BP, 58, "suggestion", r"\delta^L = \nabla_{a^L} C \odot \sigma'(z^L)"),
]


@pytest.mark.parametrize(("name", "line", "field", "text"), ANSWERS)
def test_a_refuted_vector_claims_answers_are_in_its_notation(name: str, line: int, field: str,
                                                             text: str) -> None:
    (r,) = _results_at(name, line)
    assert r.verdict == REFUTED and getattr(r, field) == text, (getattr(r, field), r.message)
    assert "in index notation" not in r.message and "(in index notation)" not in (r.derived or "")
    if field == "derived":
        assert r.message.count("symbp derives") == 1


@pytest.mark.parametrize("text", sorted({(name, text) for name, _, _, text in ANSWERS}))
def test_each_answer_in_the_claims_notation_verifies_when_checked(text: tuple[str, str]) -> None:
    """Every derived equation and suggestion above, checked as a claim of its file: verified (for
    every layer of every depth in a generic file), never only trusted."""
    name, equation = text
    results = _one(equation, _file_head(name))
    assert results and all(r.verdict == VERIFIED for r in results), [r.message for r in results]
    if name.startswith("generic/"):
        assert all("of every depth" in r.message for r in results), [r.message for r in results]


@pytest.mark.parametrize(("name", "line", "entry"), [
    (NG_BATCH, 56, r"row 4, column 1 of d W^{[2]}"),
    (NG_BATCH, 75, r"row 2, column 5 of d Z^{[1]}"),
    # a generic claim's: in its brackets, at its layer of the depth it was refuted at (which entry
    # differs depends on the sizes drawn, which follow the sizes' names: msg8's fresh letter N)
    (NG_LAYERS_BATCH, 51, r"row 3, column 2 of d W^{[1]} at L = 2, l = 1"),
    (NG_LAYERS_BATCH, 56, r"entry 3 of \frac{\partial J}{\partial b^{[1]}} at L = 2, l = 1"),
    (NG_LAYERS_BATCH, 73, r"row 3, column 1 of d Z^{[1]} at L = 2, l = 1"),
    (NIELSEN_BP, 58, r"entry 2 of \delta^{(2)} at L = 2"),
    (NIELSEN_BP, 64, r"entry 2 of \delta^{(1)} at L = 2, l = 1"),
])
def test_a_vector_counterexample_names_its_entry_and_layer_in_the_claims_notation(name: str, line: int,
                                                                                 entry: str) -> None:
    from symbp.render.display import counterexample_text, entry_text
    (r,) = _results_at(name, line)
    assert r.verdict == REFUTED and entry_text(r.counterexample["entry"]) == entry
    assert f"at {entry}: left" in counterexample_text(r.counterexample)


@pytest.mark.parametrize(("name", "chains", "steps"), [
    (NIELSEN_BP, 6, [r"\delta^l &= \nabla_{z^l} C",
                     r"&= \left(w^{l+1}\right)^{T} \nabla_{z^{l+1}} C \odot \sigma'(z^l)",
                     r"&= \left(w^{l+1}\right)^{T} \delta^{l+1} \odot \sigma'(z^l)"]),
    (NG_LAYERS_BATCH, 7, [r"d W^{[l]} &= \frac{1}{m} d Z^{[l]} A^{[l-1]T}",
                          r"&= \frac{1}{m} \sum_{i=1}^{m} d Z^{[l](i)}",
                          r"d Z^{[L]} &= g'^{[L]}(Z^{[L]}) * d A^{[L]}"]),
])
def test_the_proof_of_a_generic_vector_claim_has_its_steps_with_vectors(
        tmp_path: Path, name: str, chains: int, steps: list[str]) -> None:
    """symbp prove on a claim about every layer written with vectors: its chain with vectors at
    the window that stands for every layer, in the claim's notation; each chain, checked as
    claims of the file, is verified for every layer of every depth; the document compiles."""
    import subprocess

    from symbp.render.proof import compact_document, prove_derivation
    d = loads(_shipped(name), name)
    proofs = prove_derivation(d)
    tex = compact_document(proofs, d.network, "t")
    assert tex.count("With vectors, at the window that stands for every layer") == chains
    assert "the network of the network" not in tex
    for step in steps:
        assert step in tex
    shown = [p.vector_chain for p in proofs if p.vector_chain is not None]
    assert len(shown) == chains
    for first, rows in shown:
        written = first + "".join(t for t, _ in rows)  # no index notation in the chain
        assert not re.search(r"(?<!\\sum)(?<!\\nabla)_\{", written), written
        results = _one(" = ".join([first] + [t for t, _ in rows]), _file_head(name))
        assert all(r.verdict == VERIFIED and "of every depth" in r.message for r in results), \
            [r.message for r in results]
    (tmp_path / "p.tex").write_text(tex)
    for engine in ("pdflatex", "lualatex"):
        done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "p.tex"], cwd=tmp_path,
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:]


_GENERIC_PROOFS: dict[str, list] = {}


def _generic_proofs(name: str) -> list:
    if name not in _GENERIC_PROOFS:
        from symbp.render.proof import prove_derivation
        _GENERIC_PROOFS[name] = prove_derivation(loads(_shipped(name), name))
    return _GENERIC_PROOFS[name]


@pytest.mark.parametrize(("name", "line", "steps"), [
    # BP3, BP4: the gradient by z^l written out, then \delta^l by its definition (vec9 showed none)
    (NIELSEN_BP, 31, [(r"\nabla_{z^l} C", "chain rule"), (r"\delta^l", r"definition of $\delta$")]),
    (NIELSEN_BP, 32, [(r"\nabla_{z^l} C \left(a^{l-1}\right)^{T}", "chain rule"),
                      (r"\delta^l \left(a^{l-1}\right)^{T}", r"definition of $\delta$")]),
    # a step that only writes \delta as the gradient (or back) is its definition, not "reordered"
    (NIELSEN_BP, 34, [(r"\nabla_{z^l} C", r"definition of $\delta$: $\delta^l = \nabla_{z^l} C$"),
                      (r"\left(w^{l+1}\right)^{T} \nabla_{z^{l+1}} C \odot \sigma'(z^l)", "backpropagation"),
                      (r"\operatorname{diag} \left(\sigma'(z^l)\right) "
                       r"\left(w^{l+1}\right)^{\top} \delta^{l+1}",
                       "Kronecker deltas")]),
    (NIELSEN_BP, 29, [(r"\nabla_{z^l} C", r"definition of $\delta$"),
                      (r"\left(w^{l+1}\right)^{T} \nabla_{z^{l+1}} C \odot \sigma'(z^l)", "backpropagation"),
                      (r"\left(w^{l+1}\right)^{T} \delta^{l+1} \odot \sigma'(z^l)",
                       r"definition of $\delta$: $\delta^{l+1} = \nabla_{z^{l+1}} C$")]),
    (NIELSEN_BP, 27, [(r"\sigma'(z^L) \odot \nabla_{a^L} C", "backpropagation"),
                      (r"\nabla_{a^L} C \odot \sigma'(z^L)", "normal form")]),
    # Ng's chains that restated the claim: the gradient the left side stands for first (prefix d)
    (NG_LAYERS_BATCH, 34, [(r"m \frac{\partial J}{\partial Z^{[l]}}", "the prefix $d$: $m$ times"),
                           (r"W^{[l+1]T} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})", "backpropagation")]),
    (NG_LAYERS_BATCH, 35, [(r"\frac{\partial J}{\partial W^{[l]}}", "the prefix $d$: the gradient"),
                           (r"\frac{1}{m} d Z^{[l]} A^{[l-1]T}", "chain rule")]),
    (NG_LAYERS_BATCH, 39, [(r"m \frac{\partial J}{\partial A^{[l-1]}}", "the prefix $d$: $m$ times"),
                           (r"W^{[l]T} d Z^{[l]}", "chain rule")]),
])
def test_each_step_of_a_generic_vector_proof_verifies(name: str, line: int,
                                                     steps: list[tuple[str, str]]) -> None:
    """Per claim about every layer written with vectors: its proof has a chain with vectors of
    these steps (the last the claim's right side as written), each reason naming what it says,
    no step the one before it again; the chain, checked as a claim of the file, is verified for
    every layer of every depth (each link), and each step from the left side alone is verified."""
    (proof,) = [p for p in _generic_proofs(name) if p.result.line == line]
    assert proof.vector_chain is not None, proof.result.latex
    first, rows = proof.vector_chain
    assert [t for t, _ in rows] == [t for t, _ in steps]
    for (_, why), (_, said) in zip(rows, steps):
        assert said in why, (why, said)
        assert why != "normal form: factors in a standard order" or said == "normal form"
    texts = [first] + [t for t, _ in rows]
    assert all(a != b for a, b in zip(texts, texts[1:]))
    results = _one(" = ".join(texts), _file_head(name))
    assert len(results) == len(rows)
    assert all(r.verdict == VERIFIED and "of every depth" in r.message for r in results), \
        [r.message for r in results]
    for text in texts[2:]:  # each step from the left side alone: never refuted (the window of a
        # single link may not decide it: Ng's dA^{[l-1]} = m dJ/dA^{[l-1]} alone is verified at L = 2, 3, 4)
        results = _one(f"{first} = {text}", _file_head(name))
        assert results and all(r.verdict in (VERIFIED, "verified-at-sizes") for r in results), \
            [r.message for r in results]


@pytest.mark.parametrize(("name", "chains"), [(NIELSEN_BP, 6), (NG_LAYERS_BATCH, 7)])
def test_the_full_proof_of_a_generic_vector_claim_has_its_chain_with_vectors(
        tmp_path: Path, name: str, chains: int) -> None:
    """symbp prove --detail full shows each generic vector claim's chain (as the compact proof's,
    with its reasons in full) above the index steps; the document compiles with pdflatex and
    lualatex."""
    import subprocess

    from symbp.render.proof import document
    proofs = _generic_proofs(name)
    tex = document(proofs, loads(_shipped(name), name).network, "t")
    assert tex.count("With vectors, at the window that stands for every layer") == chains
    for p in proofs:
        if p.vector_chain is not None:
            first, rows = p.vector_chain
            assert f"  {first} &= {rows[0][0]}" in tex
            assert all(f"  &= {t}" in tex for t, _ in rows[1:])
    (tmp_path / "p.tex").write_text(tex)
    for engine in ("pdflatex", "lualatex"):
        done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "p.tex"], cwd=tmp_path,
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.parametrize(("name", "claim", "steps"), [
    # BP3 then BP2 in one chain: each link's steps with vectors, the link ending at its side as written
    (NIELSEN_BP, r"\frac{\partial C}{\partial b^l} = \delta^l = "
                 r"\left( (w^{l+1})^T \delta^{l+1} \right) \odot \sigma'(z^l)",
     [r"\nabla_{z^l} C", r"\delta^l", r"\nabla_{z^l} C",
      r"\left(w^{l+1}\right)^{T} \nabla_{z^{l+1}} C \odot \sigma'(z^l)",
      r"\left(w^{l+1}\right)^{T} \delta^{l+1} \odot \sigma'(z^l)"]),
    # each link one step with vectors: the chain would only restate the claim, so none is shown
    (NG_LAYERS_BATCH,
     r"dW^{[l]} = \frac{\partial J}{\partial W^{[l]}} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}", None),
])
def test_a_multi_link_generic_vector_claim_has_its_chain_with_vectors(tmp_path: Path, name: str, claim: str,
                                                                      steps: list[str] | None) -> None:
    """A chain of several links about every layer, written with vectors: its proof has one chain
    with vectors through every link (each link's steps, then its side as written), checked again as
    a claim of the file (verified for every layer of every depth), none where it would only restate
    the links; the proof compiles."""
    import subprocess

    from symbp.render.proof import compact_document, prove_derivation
    d = loads(_file_head(name) + f"\\[ {claim} \\]\n\\end{{document}}\n", "t.tex")
    proofs = prove_derivation(d)
    assert [p.result.verdict for p in proofs] == [VERIFIED] * (claim.count(" = "))
    tex = compact_document(proofs, d.network, "t")
    assert tex.count("With vectors, at the window that stands for every layer") == (steps is not None)
    if steps is None:
        assert proofs[0].vector_chain is None
        return
    assert proofs[0].vector_chain is not None
    first, rows = proofs[0].vector_chain
    assert [t for t, _ in rows] == steps
    results = _one(" = ".join([first] + steps), _file_head(name))
    assert all(r.verdict == VERIFIED and "of every depth" in r.message for r in results)
    (tmp_path / "p.tex").write_text(tex)
    for engine in ("pdflatex", "lualatex"):
        done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "p.tex"], cwd=tmp_path,
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:]
