"""Named factor types: each kind's NamedTuple is interchangeable with the plain tuple (equality,
hashing, order, ``f[0]``), so that plain and named factors meet in one normal form."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbp.model.factors import Fn, Grad, Kd, Ref, Rng, factor, view
from symbp.model.normal_form import Expr, F

J, K = F("j"), F("k")

#: (named factor, the plain tuple it stands for, a field read by name, its value)
KINDS = [
    (Ref("ref", 3, (J,)), ("ref", 3, (J,)), "fam", 3),
    (Grad("grad", 2, (K,)), ("grad", 2, (K,)), "idx", (K,)),
    (Fn("fn", "h", 1, 0, (J,)), ("fn", "h", 1, 0, (J,)), "order", 1),
    (Kd("kd", J, K), ("kd", J, K), "j", K),
    (Rng("rng", J, "J"), ("rng", J, "J"), "R", "J"),
]


@pytest.mark.parametrize(("named", "plain", "field", "value"), KINDS, ids=[k[1][0] for k in KINDS])
def test_a_named_factor_is_its_plain_tuple(named: tuple, plain: tuple, field: str, value: object) -> None:
    assert named == plain and hash(named) == hash(plain) and named[0] == plain[0] == named.tag
    assert getattr(named, field) == value and getattr(view(plain), field) == value
    assert type(view(plain)) is type(named) and view(named) is named
    assert factor(*plain) == named and type(factor(*plain)) is type(named)
    assert {plain: 1}[named] == 1
    assert repr(named) == repr(plain)  # the normal form orders terms by their text


def test_order_is_the_tuples() -> None:
    plain = sorted(k[1] for k in KINDS)
    assert sorted(k[0] for k in KINDS) == plain
    assert sorted([k[0] for k in KINDS[:2]] + [k[1] for k in KINDS[2:]]) == plain


def test_plain_and_named_factors_meet_in_one_normal_form() -> None:
    named = (Expr.atom(Ref("ref", 1, (J, K))) * Expr.atom(Grad("grad", 2, (K,)))).bind("k", "K")
    plain = (Expr.atom(("grad", 2, (K,))) * Expr.atom(("ref", 1, (J, K)))).bind("k", "K")
    assert named == plain


@pytest.mark.parametrize("bad", [("target", 1), (), ("ref",)])
def test_a_kind_without_a_type_is_refused_where_it_is_built(bad: tuple) -> None:
    with pytest.raises(TypeError, match="named type"):
        view(bad)
    with pytest.raises(TypeError, match="named type"):
        Expr.atom(bad)


def test_every_factor_of_a_normal_form_is_named() -> None:
    """Plain tuples given to a constructor come out named, through products, sums over indices,
    renaming and Kronecker contraction, so that code reads every factor by field name."""
    e = (Expr.atom(("ref", 1, (J, K))) * Expr.atom(("grad", 2, (K,))) * Expr.kd(J, K)
         + Expr.atom(("fn", "h", 1, 0, (J,)))).bind("k", "K").rename({"j": "q"})
    kinds = {type(f) for t in e.terms for f in t.factors}
    assert kinds and kinds <= {Ref, Grad, Fn, Kd, Rng}


def test_no_module_reads_a_factor_by_position(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every module reads factors by field name: with positional reads made to record their
    caller, checking, proving, deriving and lambdifying the shipped derivations read none."""
    import sys

    import symbp
    from symbp.cli import main

    root = Path(__file__).resolve().parents[1]
    readers: set[str] = set()

    def getitem(self: tuple, k: object) -> object:
        caller = sys._getframe(1).f_code.co_filename
        if "/symbp/" in caller and not caller.endswith("factors.py"):
            readers.add(f"{caller.split('/symbp/')[-1]}:{sys._getframe(1).f_lineno}")
        return tuple.__getitem__(self, k)

    for kind in (Ref, Grad, Fn, Kd, Rng):
        monkeypatch.setattr(kind, "__getitem__", getitem)
    files = sorted(str(p) for p in (root / "derivations").glob("*.tex"))
    assert main(["check", "--quiet", *files]) in (0, 1)
    for k, f in enumerate(files):
        assert main(["prove", f, "-o", str(tmp_path / f"{k}.tex")]) in (0, 1)
    for name in ("plain", "shared"):
        symbp.derive(symbp.builtin(name))
    symbp.lambdify(symbp.builtin("plain"), r"h'(a_j) \sum_k w_{kj} \delta_k")
    assert not readers, sorted(readers)
