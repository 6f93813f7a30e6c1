"""Sizes are algebra: the normal form's coefficients are polynomials in the sizes.

A wrong equation whose two sides differ by a polynomial in the sizes that vanishes at the fixed
size plans (``(I-2)(I-4)(I-5)(I-11) δ_j = 0`` in the plain network, whose plans have I = 2, 4, 5,
11) is refuted, with a counterexample at sizes where the polynomial is not zero; what the algebra
cannot decide is checked at plans drawn for the equation (reproducible, printed, different per
equation) and named in a ``verified-at-sizes`` verdict.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symbp
from symbp.engine.numeric import drawn_plans, nonvanishing_plans, size_plans
from symbp.limits import MAX_PLAN_SIZE, MAX_PLAN_WORK, MAX_PLANS, PLAN_MISS
from symbp.model.normal_form import Expr, F, poly_degree, poly_value

PLAIN = symbp.builtin("plain")
DELTA = r"h'(a_j) \sum_k w_{kj} \delta_k"

#: sizes of the plain network's fixed plans: I in {2, 4, 5, 11}, K in {4, 1, 11, 10}
VANISHING = [
    ("(I-2)(I-4)(I-5)(I-11) \\delta_j = 0", {"I": (2, 4, 5, 11)}),
    (f"\\delta_j = {DELTA} + (I-2)(I-4)(K-11)(K-10) \\delta_j", {"I": (2, 4), "K": (11, 10)}),
    (f"\\delta_j = {DELTA} + (K-4)(K-1)(K-11)(K-10) {DELTA}", {"K": (4, 1, 11, 10)}),
    ("(I-2)(K-1)(J-8)(J-5) z_j = 0", {"I": (2,), "K": (1,), "J": (8, 5)}),
]


def _zero_at(roots: dict[str, tuple[int, ...]], sizes: dict[str, int]) -> bool:
    return any(sizes[r] in vs for r, vs in roots.items())


def test_coefficients_are_polynomials_in_the_sizes() -> None:
    x = Expr.atom(("ref", "x", (F("j"),)))
    e = (Expr.size("I") - Expr.const(2)) * (Expr.size("K") - Expr.const(6)) * x
    (poly,) = e.coefficients().values()
    assert poly_degree(poly) == 2
    assert poly_value(poly, {"I": 2, "K": 9}) == 0 and poly_value(poly, {"I": 6, "K": 6}) == 0
    assert poly_value(poly, {"I": 3, "K": 7}) == 1
    expanded = (Expr.size("I") * Expr.size("K") - Expr.size("I").scale(6) - Expr.size("K").scale(2)
                + Expr.const(12)) * x
    assert e == expanded  # one polynomial, however it is written


@pytest.mark.parametrize("latex, roots", VANISHING)
def test_a_polynomial_vanishing_at_the_fixed_plans_is_refuted(latex: str, roots: dict) -> None:
    assert all(_zero_at(roots, p) for p in size_plans(PLAIN))  # the old plans were all blind
    (r,) = symbp.check_equation(latex, PLAIN)
    assert r.verdict == "refuted", r.message
    cx = r.counterexample
    assert cx is not None and not _zero_at(roots, cx["sizes"])
    assert "a polynomial in the sizes that is not zero at" in r.message


def test_the_issues_example_is_refuted() -> None:
    net = symbp.declare([r"a_k = \sum_i w_{ki} x_i", r"z_k = \sigma(a_k)", r"a_p = \sum_k v_{pk} z_k",
                         r"z_p = \sigma(a_p)"])
    bad = (r"\frac{\partial z_p}{\partial a_p} = \sigma'(a_p) + (I-2)(K-6)(I-5)(K-5) "
           r"\frac{\partial z_p}{\partial a_p}")
    (r,) = symbp.check_equation(bad, net)
    assert r.verdict == "refuted"
    s = r.counterexample["sizes"]
    assert (s["I"] - 2) * (s["K"] - 6) * (s["I"] - 5) * (s["K"] - 5) != 0
    (ok,) = symbp.check_equation(r"\frac{\partial z_p}{\partial a_p} = \sigma'(a_p)", net)
    assert ok.verdict == "verified"


@settings(max_examples=25, deadline=None)
@given(roots=st.lists(st.tuples(st.sampled_from("IJK"), st.integers(1, 12)), min_size=1, max_size=4))
def test_any_product_of_linear_factors_is_refuted_where_it_is_not_zero(roots: list) -> None:
    poly = "".join(f"({r}-{c})" for r, c in roots)
    (r,) = symbp.check_equation(f"{poly} \\delta_j = 0", PLAIN)
    assert r.verdict == "refuted", r.message
    s = r.counterexample["sizes"]
    assert math.prod(s[x] - c for x, c in roots) != 0


def test_nonvanishing_plans_cover_every_polynomial() -> None:
    polys = [{("I",): Fraction(1), (): Fraction(-2)}, {("K",): Fraction(1), (): Fraction(-4)}]
    plans = nonvanishing_plans(PLAIN, polys, seed=3)
    assert plans and all(any(poly_value(q, p) for p in plans) for q in polys)


def test_drawn_plans_are_reproducible_per_equation_and_bounded() -> None:
    a = drawn_plans(PLAIN, "x = y", degree=2, indices=3)
    assert a.plans == drawn_plans(PLAIN, "x = y", degree=2, indices=3).plans
    assert a.plans != drawn_plans(PLAIN, "x = z", degree=2, indices=3).plans
    assert a.bound <= PLAN_MISS and len(a.plans) <= MAX_PLANS
    assert all(1 <= v <= a.top <= MAX_PLAN_SIZE for p in a.plans for v in p.values())
    big = drawn_plans(PLAIN, "x = y", degree=2, indices=6)
    assert big.top ** 6 <= MAX_PLAN_WORK  # the numeric work stays bounded
    assert str(a.seed) in a.describe() and f"1..{a.top}" in a.describe()
