"""Named factor types: each kind's NamedTuple is interchangeable with the plain tuple (equality,
hashing, order, ``f[0]``), so that plain and named factors meet in one normal form."""

from __future__ import annotations

import pytest

from symbp.model.factors import Fn, Grad, Kd, Ref, factor, view
from symbp.model.normal_form import Expr, F

J, K = F("j"), F("k")

#: (named factor, the plain tuple it stands for, a field read by name, its value)
KINDS = [
    (Ref("ref", 3, (J,)), ("ref", 3, (J,)), "fam", 3),
    (Grad("grad", 2, (K,)), ("grad", 2, (K,)), "idx", (K,)),
    (Fn("fn", "h", 1, 0, (J,)), ("fn", "h", 1, 0, (J,)), "order", 1),
    (Kd("kd", J, K), ("kd", J, K), "j", K),
]


@pytest.mark.parametrize(("named", "plain", "field", "value"), KINDS, ids=[k[1][0] for k in KINDS])
def test_a_named_factor_is_its_plain_tuple(named: tuple, plain: tuple, field: str, value: object) -> None:
    assert named == plain and hash(named) == hash(plain) and named[0] == plain[0] == named.tag
    assert getattr(named, field) == value and getattr(view(plain), field) == value
    assert type(view(plain)) is type(named) and view(named) is named
    assert factor(*plain) == named and type(factor(*plain)) is type(named)
    assert {plain: 1}[named] == 1


def test_order_is_the_tuples() -> None:
    plain = sorted(k[1] for k in KINDS)
    assert sorted(k[0] for k in KINDS) == plain
    assert sorted([k[0] for k in KINDS[:2]] + [k[1] for k in KINDS[2:]]) == plain


def test_plain_and_named_factors_meet_in_one_normal_form() -> None:
    named = (Expr.atom(Ref("ref", 1, (J, K))) * Expr.atom(Grad("grad", 2, (K,)))).bind("k", "K")
    plain = (Expr.atom(("grad", 2, (K,))) * Expr.atom(("ref", 1, (J, K)))).bind("k", "K")
    assert named == plain


def test_a_kind_without_a_type_is_read_as_it_is() -> None:
    assert view(("target", 1)) == ("target", 1)
