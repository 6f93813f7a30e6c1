"""The verdict ladder: what is claimed when the symbolic step cannot decide.

The normal form decides every equation of the shipped derivations.  These tests take the symbolic
step away (it is monkeypatched to "undecided") and check what remains: a true equation may only be
``verified-at-sizes`` - naming the sizes, never claiming all sizes - and a wrong one is still
``refuted`` with numbers.
"""

from __future__ import annotations

import itertools

import pytest

import symbp
from symbp import calculus
from symbp.algebra import Expr

TRUE = [
    ("plain", r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"),
    ("plain", r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_i"),
    ("shared", r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}"),
    ("shared", r"\delta_{j_l} = \sum_k \delta_k w_{kj_l} h'(a_{j_l})"),
]
FALSE = [
    ("plain", r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k"),
    ("shared", r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} h(a_{i_l}) h'(a_{i_l})"),
]


@pytest.fixture
def undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make both symbolic attempts fail to decide (as if the normal form were incomplete)."""
    real = calculus.compare
    counter = itertools.count(1)

    def compare(net, left, right):  # noqa: ANN001, ANN202
        _, gl, gr = real(net, left, right)
        return False, gl, gr

    monkeypatch.setattr(calculus, "compare", compare)
    monkeypatch.setattr(calculus, "unfold", lambda net, e: Expr.const(next(counter)))


@pytest.mark.parametrize("net, latex", TRUE)
def test_true_equations_are_verified_for_all_sizes(net: str, latex: str) -> None:
    (r,) = symbp.check_equation(latex, net)
    assert r.verdict == "verified" and "all sizes" in r.message


@pytest.mark.parametrize("net, latex", TRUE)
def test_undecided_true_equations_are_verified_only_at_named_sizes(undecided: None, net: str,
                                                                   latex: str) -> None:
    (r,) = symbp.check_equation(latex, net)
    assert r.verdict == "verified-at-sizes"
    assert "not proved for all sizes" in r.message
    assert r.sizes and len(r.sizes) == 2
    first, second = r.sizes
    assert len(set(first.values())) == len(first) and min(first.values()) >= 2  # all different
    assert 1 in second.values() and len(set(second.values())) == len(second)   # and a size 1
    for plan in r.sizes:
        assert all(f"{k}={v}" in r.message for k, v in plan.items())


@pytest.mark.parametrize("net, latex", FALSE)
def test_undecided_false_equations_are_still_refuted_with_numbers(undecided: None, net: str,
                                                                  latex: str) -> None:
    (r,) = symbp.check_equation(latex, net)
    assert r.verdict == "refuted"
    cx = r.counterexample
    assert cx is not None and cx["lhs"] != pytest.approx(cx["rhs"])
    assert set(cx["sizes"]) == set(symbp.builtin(net).sizes)


def test_formal_agreement_is_exact_integer_arithmetic() -> None:
    """The formal instance gives every quantity an independent integer: agreement is exact."""
    from symbp.numeric import FormalInstance

    net = symbp.builtin("plain")
    inst = FormalInstance(net, {"I": 2, "J": 3, "K": 4}, seed=1)
    w = inst(("ref", net.family("w", ("K", "J")).id, ()))
    assert w.shape == (4, 3) and all(isinstance(x, int) for x in w.flat)


def test_boundary_guard_claims_nothing_when_the_echo_would_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    """If what symbp prints back ever re-read as a different formula, no verdict is claimed."""
    from symbp import check

    real = check.unparse
    monkeypatch.setattr(check, "unparse", lambda node: real(node).replace("w_{kj}", "w_{kj} w_{kj}"))
    (r,) = symbp.check_equation(r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", "plain")
    assert r.verdict == "error" and "re-reads" in r.message
