"""The Kronecker delta as Iverson's bracket ``[j = k]``, and primed index letters (``k'``).

The proofs print the deltas a derivative leaves (``\\frac{\\partial z_m}{\\partial a_{j_l}} =
h'(a_m) [j_l = m]``) and dummy letters such as ``l'``; the front end must read both back.
"""

from __future__ import annotations

import pytest

from symbp import check_equation
from symbp.latex.parser import parse_chain, parse_expression
from symbp.latex.unparse import unparse

PARSE = [  # source, repr, unparse
    (r"[j = k]", "Kron(_j = _k)", "[j = k]"),
    (r"[k' = k] \delta_{k'}", "Mul(Kron(_{k'} = _k), Sym(delta_{k'}))", r"[k' = k] \delta_{k'}"),
    (r"[j_l = m]", "Kron(_{j_l} = _m)", "[j_l = m]"),
    (r"[j_{l} = m]", "Kron(_{j_l} = _m)", "[j_l = m]"),
    (r"[a + b]", "Add(Sym(a), Sym(b))", "a + b"),  # an ordinary bracket stays one
    (r"[j] k", "Mul(Sym(j), Sym(k))", "j k"),
    (r"\sum_{l'} z_{i_{l'}}", "Sum(l', Sym(z_{i_{l'}}))", r"\sum_{l'} z_{i_{l'}}"),
    (r"w_{k'j}", "Sym(w_{k'j})", r"w_{k'j}"),
]


@pytest.mark.parametrize("src, tree, text", PARSE)
def test_reads_and_writes_back(src: str, tree: str, text: str) -> None:
    node = parse_expression(src)
    assert repr(node) == tree
    assert unparse(node) == text
    assert parse_expression(unparse(node)).key() == node.key()


VERDICTS = [  # network, equation, verdict
    ("plain", r"\frac{\partial a_k}{\partial w_{k'j}} = [k = k'] z_j", "verified"),
    ("plain", r"\frac{\partial a_k}{\partial w_{k'j}} = [k' = k] h(a_j)", "verified"),
    ("plain", r"\frac{\partial a_k}{\partial w_{k'j}} = z_j", "refuted"),
    ("plain", r"\sum_{k'} [k = k'] \delta_{k'} = \delta_k", "verified"),
    ("plain", r"\sum_{k'} [k = k'] \delta_{k'} = \delta_{k'}", "refuted"),
    ("plain", r"\sum_{k'} [k = k'] \delta_{k'} = 2 \delta_k", "refuted"),
    ("shared", r"\frac{\partial z_m}{\partial a_{j_l}} = h'(a_m) [j_l = m]", "verified"),
    ("shared", r"\frac{\partial z_m}{\partial a_{j_l}} = h'(a_{j_l})", "refuted"),
    ("plain", r"[j = k] \delta_k = [j = k] \delta_k", "error"),  # j and k run over J and K
    # a letter that only a Kronecker delta or a sum's bounds place runs over that range (these
    # were refuted: "the index q is neither declared nor inferable")
    ("plain", r"\sum_q [q = j] = 1", "verified"),
    ("plain", r"\sum_{q=1}^{J} [q = j] = 1", "verified"),
    ("plain", r"\sum_q \sum_p [q = p] w_{pj} = \sum_k w_{kj}", "verified"),
    ("plain", r"\sum_q [q = j] = 2", "refuted"),
    ("plain", r"\sum_{q=1}^{J} [q = k] = 1", "refuted"),  # J and K: no range fits q
    # a letter nothing places is an input error (nothing else is wrong), not a refutation
    ("plain", r"\sum_q \sum_p [q = p] = J", "error"),
    # a vacuous sum over a letter nothing places: its value needs the range (Q \\delta_j is \\delta_j
    # when Q = 1), so an input error, not a refutation
    ("plain", r"\sum_q \delta_j = \delta_j", "error"),
]


@pytest.mark.parametrize("net, latex, verdict", VERDICTS)
def test_verdicts_with_kronecker_deltas(net: str, latex: str, verdict: str) -> None:
    assert [r.verdict for r in check_equation(latex, net)] == [verdict]


def test_mismatched_ranges_are_named() -> None:
    (r,) = check_equation(r"[j = k] \delta_k = [j = k] \delta_k", "plain")
    assert "different ranges (J and K)" in r.message and r.column == 1


def test_primed_letters_run_over_their_base_range() -> None:
    chain = parse_chain(r"\sum_{k'} w_{k'j} \delta_{k'} = \sum_k w_{kj} \delta_k")
    assert len(chain.sides) == 2
    assert [r.verdict for r in check_equation(unparse(chain.sides[0]) + " = "
                                              + unparse(chain.sides[1]), "plain")] == ["verified"]


# A forward equation that writes a layer's letter primed (a_{j'}) gives j' a range of its own, J'.
PRIMED_LAYER = [r"a_j = \sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_{j'} = \sum_j v_{j'j} z_j"]


@pytest.mark.parametrize("latex, verdict", [
    (r"\delta_j = h'(a_j) \sum_{j'} v_{j'j} \delta_{j'}", "verified"),
    # j'' has one prime more than j', so it runs over J' as j' does (it was read as j: refuted)
    (r"\delta_j = h'(a_j) \sum_{j''} v_{j''j} \delta_{j''}", "verified"),
    (r"\sum_{j''} [j' = j''] \delta_{j''} = \delta_{j'}", "verified"),
    (r"\sum_{j''} [j = j''] \delta_{j''} = \delta_{j}", "error"),  # J and J'
])
def test_a_primed_letter_runs_over_the_range_of_the_letter_with_one_prime_less(latex: str,
                                                                                verdict: str) -> None:
    from symbp.engine.declare import declare
    net = declare(PRIMED_LAYER, params=("w", "v"))
    assert net.letter_ranges("j''") == ("J'",) and net.letter_ranges("i''") == ("I",)
    assert [r.verdict for r in check_equation(latex, net)] == [verdict]


def test_printed_dummy_letters_run_over_their_range() -> None:
    """The printer never names a dummy over J with a primed letter that runs over another range:
    ``z_j \\sum_{j'} z_{j'}`` would read as a sum over J' (it was printed so)."""
    from symbp.engine.declare import declare
    from symbp.model.normal_form import Expr, F
    from symbp.printers.sympy_latex import latex
    net = declare(PRIMED_LAYER, params=("w", "v"))
    z = net.family("z", ("J",)).id
    e = Expr.atom(("ref", z, (F("j"),))) * Expr.atom(("ref", z, (F("x"),))).bind("x", "J")
    assert "j'" not in latex(net, e)
    assert all(net.letter_ranges(x) == (r,) for r in net.sizes for x in net.letter_pool(r)
               if x.endswith("'"))
