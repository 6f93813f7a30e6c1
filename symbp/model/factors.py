"""Named factor types of the normal form: one NamedTuple per kind of factor.

A factor is a tuple whose first field is its kind's tag, so that tuple order, hashing and
``f[0] == 'fn'`` work as they did for plain tuples, and a named factor equals the plain tuple
with the same fields (code that builds plain tuples and code that builds named ones meet in one
normal form).  :func:`view` reads any factor, plain or named, as its named type.  Room
``symbp.model``; imports nothing of symbp.

>>> f = Fn("fn", "h", 1, 0, (("f", "j"),))
>>> f == ("fn", "h", 1, 0, (("f", "j"),)), hash(f) == hash(tuple(f)), f[0], f.order
(True, True, 'fn', 1)
>>> view(("ref", 2, (("f", "k"),))).fam
2
>>> sorted([Ref("ref", 1, ()), ("grad", 0, ())])[0]
('grad', 0, ())
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Fn", "Grad", "Kd", "Ref", "factor", "view"]


class Ref(NamedTuple):
    """A quantity of the network: family ``fam`` at the indices ``idx``."""

    tag: str
    fam: int
    idx: tuple


class Grad(NamedTuple):
    """``δ`` (``∂E/∂x``) of family ``fam`` at the indices ``idx``."""

    tag: str
    fam: int
    idx: tuple


class Fn(NamedTuple):
    """The function ``name``'s derivative of order ``order`` at family ``fam``, indices ``idx``
    (``h'(a_j)``: ``Fn('fn', 'h', 1, a, (j,))``)."""

    tag: str
    name: str
    order: int
    fam: int
    idx: tuple


class Kd(NamedTuple):
    """The Kronecker delta of the indices ``i`` and ``j``."""

    tag: str
    i: tuple
    j: tuple


_KINDS: dict[str, Any] = {"ref": Ref, "grad": Grad, "fn": Fn, "kd": Kd}


def factor(*fields: Any) -> tuple:
    """A factor of its kind's named type, from its fields (tag first).

    >>> factor("kd", ("f", "j"), ("f", "k"))
    Kd(tag='kd', i=('f', 'j'), j=('f', 'k'))
    """
    return _KINDS[fields[0]](*fields)


def view(f: tuple) -> Any:
    """Any factor, plain tuple or named, as its named type (a kind without one: as it is)."""
    kind = _KINDS.get(f[0])
    return f if kind is None or type(f) is kind else kind._make(f)
