"""The traps of latex2sympy2 1.9.1 that made symbp write its own parser, kept true.

The README ("Why symbp has its own parser") says what latex2sympy2 makes of the notation of
backpropagation notes; ``benchmarks/parser_evidence.md`` has the full table and the timings.
Each row below asserts, side by side, that

* latex2sympy2 1.9.1 really misreads (or cannot read) the input, and
* symbp's own parser (:mod:`symbp.latex.parser`) reads the same input as meant.

If a new latex2sympy2 release fixes a trap, the left assertion fails and the README must change.
The module is skipped when latex2sympy2 is not installed (it comes with the ``bench`` extra,
``pip install -e .[bench]``; it pins ``antlr4-python3-runtime==4.7.2``).

latex2sympy2_extended, the maintained continuation, needs a newer antlr4 runtime and so cannot
be installed beside latex2sympy2 1.9.1; its traps are recorded in the evidence file only.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable

import pytest

latex2sympy2 = pytest.importorskip("latex2sympy2")
sympy = pytest.importorskip("sympy")

from symbp.latex.ast import Call, Chain, Deriv, Mul, Node, SumOp, Sym  # noqa: E402
from symbp.latex.parser import parse_chain  # noqa: E402

L2S_VERSION = "1.9.1"

if importlib.metadata.version("latex2sympy2") != L2S_VERSION:  # pragma: no cover
    pytest.skip(f"these traps are those of latex2sympy2 {L2S_VERSION}; "
                f"{importlib.metadata.version('latex2sympy2')} is installed", allow_module_level=True)

S = sympy.Symbol


# ----------------------------------------------------------------------------------------------
# what latex2sympy2 does


def l2s(src: str):
    return latex2sympy2.latex2sympy(src)


def l2s_fails(src: str) -> None:
    """latex2sympy2 cannot read ``src``: it raises (a bare ``Exception`` from its ANTLR listener)."""
    with pytest.raises(Exception):  # noqa: B017 - latex2sympy2 raises bare Exception
        l2s(src)


def l2s_gives(expected) -> Callable[[str], None]:
    """latex2sympy2 reads ``src`` as ``expected`` (compared as values: its products come back
    unevaluated, ``Mul(h, a_j)``, which is not structurally ``h*a_j``)."""

    def check(src: str) -> None:
        got = l2s(src)
        assert type(got) is type(expected), f"latex2sympy2 read {src!r} as {sympy.srepr(got)}"
        assert got == expected or sympy.simplify(got - expected) == 0, (
            f"latex2sympy2 read {src!r} as {sympy.srepr(got)}")

    return check


def l2s_sum_does_not_bind(src: str) -> None:
    """``\\sum_{k=1}^{K} \\delta_k``: ``delta_k`` is an opaque name, so the sum does not bind its
    ``k`` and evaluates to ``K*delta_k``."""
    got = l2s(src)
    assert isinstance(got, sympy.Sum)
    assert got.doit() == S("K") * S("delta_k")


def l2s_no_function(src: str) -> None:
    """``h'(a_j)``: no function application and no derivative survives; ``h`` is a plain factor."""
    got = l2s(src)
    assert S("h") in got.free_symbols
    assert not got.atoms(sympy.Derivative)
    assert not got.atoms(sympy.core.function.AppliedUndef)


def l2s_opaque(name: str) -> Callable[[str], None]:
    """The subscripted letter becomes one Symbol whose name holds the indices as text."""

    def check(src: str) -> None:
        got = l2s(src)
        assert got == S(name)
        assert got.free_symbols == {S(name)}

    return check


# ----------------------------------------------------------------------------------------------
# what symbp reads


def ast(src: str) -> Node | Chain:
    chain = parse_chain(src)
    return chain if len(chain.sides) > 1 else chain.sides[0]


def is_call(name: str, order: int, arg: str) -> Callable[[Node | Chain], None]:
    def check(node) -> None:
        assert isinstance(node, Call), node
        assert (node.name, node.order) == (name, order)
        assert repr(node.arg) == f"Sym({arg})"

    return check


def is_chain(*sides: str) -> Callable[[Node | Chain], None]:
    def check(node) -> None:
        assert isinstance(node, Chain), node
        assert len(node.sides) == len(sides)
        assert [repr(s) for s in node.sides] == [f"Sym({s})" for s in sides]
        assert node.rels == ("=",) * (len(sides) - 1)

    return check


def is_sym(name: str, *groups: tuple[str, ...]) -> Callable[[Node | Chain], None]:
    """A plain symbol: ``Sym`` (never a constant), with its index structure kept."""

    def check(node) -> None:
        assert isinstance(node, Sym), node
        assert node.name == name
        assert node.groups == tuple(groups)

    return check


def is_sum(index: str, lower: str | None, upper: str | None) -> Callable[[Node | Chain], None]:
    def check(node) -> None:
        assert isinstance(node, SumOp), node
        assert node.index == index
        assert (repr(node.lower) if node.lower is not None else None) == lower
        assert (repr(node.upper) if node.upper is not None else None) == upper

    return check


def is_deriv(num: str, wrt: str, *groups: tuple[str, ...]) -> Callable[[Node | Chain], None]:
    def check(node) -> None:
        assert isinstance(node, Deriv), node
        assert node.body is None
        assert isinstance(node.num, Sym) and node.num.name == num and not node.num.groups
        assert node.wrt.name == wrt and node.wrt.groups == tuple(groups)

    return check


def has_primed_call(node) -> None:
    assert isinstance(node, SumOp) and node.index == "k" and repr(node.upper) == "Sym(K)"
    assert isinstance(node.body, Mul)
    calls = [n for n in node.walk() if isinstance(n, Call)]
    assert [(c.name, c.order, repr(c.arg)) for c in calls] == [("h", 1, "Sym(a_j)")]


# ----------------------------------------------------------------------------------------------
# the table

TRAPS = [
    pytest.param(r"h'(a_j)", l2s_gives(S("h") * S("a_j")), is_call("h", 1, "a_j"),
                 id="prime-becomes-product"),
    pytest.param(r"h'(a_j)", l2s_no_function, is_call("h", 1, "a_j"), id="prime-no-function-left"),
    pytest.param(r"h''(a_j)", l2s_gives(S("h") * S("a_j")), is_call("h", 2, "a_j"),
                 id="second-derivative-becomes-product"),
    pytest.param(r"\sum_{k=1}^{K} \delta_k w_{kj} h'(a_j)",
                 l2s_gives(sympy.Sum(S("delta_k") * S("w_{kj}") * S("h") * S("a_j"), (S("k"), 1, S("K")))),
                 has_primed_call, id="seed-delta-rule-loses-h-prime"),
    pytest.param(r"a = b", l2s_gives(S("b")), is_chain("a", "b"), id="equation-keeps-right-side"),
    pytest.param(r"a = b = c", l2s_gives(S("c")), is_chain("a", "b", "c"), id="chain-keeps-last-side"),
    pytest.param(r"e", l2s_gives(sympy.E), is_sym("e"), id="e-is-euler"),
    pytest.param(r"I", l2s_gives(sympy.I), is_sym("I"), id="I-is-imaginary-unit"),
    pytest.param(r"E", l2s_fails, is_sym("E"), id="E-alone-unreadable"),
    pytest.param(r"\sum_k x_k", l2s_fails, is_sum("k", None, None), id="sum-without-bounds"),
    pytest.param(r"\sum_{k} x_k", l2s_fails, is_sum("k", None, None), id="sum-braced-index-no-bounds"),
    pytest.param(r"\frac{\partial E}{\partial w_{ji}}", l2s_fails, is_deriv("E", "w", ("j",), ("i",)),
                 id="partial-E-unreadable"),
    pytest.param(r"\frac{\partial L}{\partial w_{ji}}", l2s_fails, is_deriv("L", "w", ("j",), ("i",)),
                 id="partial-subscripted-wrt-unreadable"),
    pytest.param(r"\sum_{k=1}^{K} \delta_k", l2s_sum_does_not_bind, is_sum("k", "Num(1)", "Sym(K)"),
                 id="sum-does-not-bind-subscript"),
    pytest.param(r"w_{kj_l}", l2s_opaque("w_{kj_l}"), is_sym("w", ("k",), ("j", "l")),
                 id="nested-subscript-opaque"),
    pytest.param(r"\delta_j", l2s_opaque("delta_j"), is_sym("delta", ("j",)), id="delta-index-as-text"),
    pytest.param(r"w_{kj}", l2s_opaque("w_{kj}"), is_sym("w", ("k",), ("j",)), id="two-indices-as-text"),
]


@pytest.mark.parametrize(("src", "latex2sympy2_trap", "symbp_reads"), TRAPS)
def test_trap(src: str, latex2sympy2_trap, symbp_reads) -> None:
    latex2sympy2_trap(src)
    symbp_reads(ast(src))


def test_no_source_positions() -> None:
    """latex2sympy2's results carry no position; every symbp node knows where it stands."""
    src = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"
    chain = parse_chain(src)
    call = next(n for n in chain.sides[1].walk() if isinstance(n, Call))
    assert src[call.pos:call.end] == "h'(a_j)"
    got = l2s(r"\delta_j + h(a_j)")
    assert not any(hasattr(a, "pos") for a in sympy.preorder_traversal(got))

