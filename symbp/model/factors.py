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

A named factor prints as its plain tuple (``repr(Ref('ref', 1, ())) == "('ref', 1, ())"``): the
normal form orders terms and dummies by their text, and that order must not depend on which type
built a factor, or two equal expressions could be stored in two orders.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Fn", "Grad", "Inv", "Kd", "Ref", "Rng", "factor", "inverse", "view"]


class Ref(NamedTuple):
    """A quantity of the network: family ``fam`` at the indices ``idx``."""

    tag: str
    fam: int
    idx: tuple

    __repr__ = tuple.__repr__


class Grad(NamedTuple):
    """``δ`` (``∂E/∂x``) of family ``fam`` at the indices ``idx``."""

    tag: str
    fam: int
    idx: tuple

    __repr__ = tuple.__repr__


class Fn(NamedTuple):
    """The function ``name``'s derivative of order ``order`` at family ``fam``, indices ``idx``
    (``h'(a_j)``: ``Fn('fn', 'h', 1, a, (j,))``)."""

    tag: str
    name: str
    order: int
    fam: int
    idx: tuple

    __repr__ = tuple.__repr__


class Inv(NamedTuple):
    """The reciprocal ``1/x`` of a quantity (``fn == ''``: family ``fam`` at ``idx``) or of a
    function's value (``1/h^{(order)}(fam_idx)``); ``x · (1/x) = 1`` in the normal form."""

    tag: str
    fam: int
    idx: tuple
    fn: str = ""
    order: int = 0

    __repr__ = tuple.__repr__

    def base(self) -> tuple:
        """The factor this is the reciprocal of."""
        if not self.fn:
            return Ref("ref", self.fam, self.idx)
        return Fn("fn", self.fn, self.order, self.fam, self.idx)


def inverse(f: tuple) -> Any:
    """The reciprocal of a ``ref``, ``fn`` or ``inv`` factor.

    >>> inverse(("ref", 2, (("f", "k"),)))
    ('inv', 2, (('f', 'k'),), '', 0)
    >>> type(inverse(inverse(("fn", "h", 1, 0, ())))).__name__
    'Fn'
    """
    if f[0] == "ref":
        return Inv("inv", f[1], f[2])
    if f[0] == "inv":  # 1/(1/x) = x
        return view(f).base()
    assert f[0] == "fn", f
    return Inv("inv", f[3], f[4], f[1], f[2])


class Kd(NamedTuple):
    """The Kronecker delta of the indices ``i`` and ``j``."""

    tag: str
    i: tuple
    j: tuple

    __repr__ = tuple.__repr__


class Rng(NamedTuple):
    """The range condition ``[1 <= i <= R]`` (Iverson's bracket; ``R`` the name of a range), left
    where a Kronecker delta with an affine argument was contracted against a sum over ``R``."""

    tag: str
    i: tuple
    R: str

    __repr__ = tuple.__repr__


_KINDS: dict[str, Any] = {"ref": Ref, "grad": Grad, "fn": Fn, "kd": Kd, "rng": Rng, "inv": Inv}
_TYPES = frozenset(_KINDS.values())


def factor(*fields: Any) -> tuple:
    """A factor of its kind's named type, from its fields (tag first).

    >>> k = factor("kd", ("f", "j"), ("f", "k"))
    >>> type(k).__name__, k.i, k
    ('Kd', ('f', 'j'), ('kd', ('f', 'j'), ('f', 'k')))
    """
    return _KINDS[fields[0]](*fields)


def view(f: tuple) -> Any:
    """Any factor, plain tuple or named, as its named type.

    >>> view(("rng", ("f", "i"), "J")).R
    'J'
    """
    kind = type(f)
    if kind in _TYPES:
        return f
    try:
        return _KINDS[f[0]]._make(f)
    except (KeyError, IndexError, TypeError):
        # a kind the normal form does not know is a programming error, caught here rather than
        # as an AttributeError far from where the factor was built
        raise TypeError(f"{f!r} is not a factor: a new kind of factor gets a named type in "
                        "symbp.model.factors") from None
