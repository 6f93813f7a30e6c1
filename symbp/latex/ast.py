"""The AST of one formula: small frozen nodes that remember where they stand.

``Num``, ``Sym`` (an indexed symbol with its subscript groups), ``Call`` (a function applied),
``Neg``, ``Add``, ``Mul``, ``Div``, ``Pow``, ``SumOp``, ``Deriv`` (a fraction of partials or the
operator form), ``Kron`` (Iverson's bracket ``[j = k]``) and ``Chain`` (``A = B = C``); the vector
notation adds ``Transpose`` (``W^T``), ``Hadamard`` (``u \\odot v``) and ``Nabla`` (``\\nabla_W C``),
which :mod:`symbp.engine.vector` translates to index notation before anything else reads them.
Room ``symbp.latex``; imports :mod:`symbp.notation` only.

>>> from symbp.latex.parser import parse_chain
>>> parse_chain(r"\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k").sides[1]
Mul(Call(h', Sym(a_j)), Sum(k, Mul(Sym(w_{kj}), Sym(delta_k))))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from ..notation import _groups_text, is_shift, shift_letters

# ----------------------------------------------------------------------------------------------
# AST


@dataclass(frozen=True, eq=False)
class Node:
    pos: int = field(repr=False, compare=False)
    end: int = field(repr=False, compare=False)

    def key(self) -> tuple:
        """A structural key, positions left out: equal keys, same formula."""
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterable[Node]:
        yield self
        for c in self.children():
            yield from c.walk()

    def index_letters(self) -> set[str]:
        """Every index letter written in this formula: in subscripts, Kronecker deltas and as
        summation indices."""
        out: set[str] = set()
        for n in self.walk():
            if isinstance(n, (Sym, Kron, RangeCond)):
                out.update(n.letters)
            elif isinstance(n, SumOp):
                out.add(n.index)
        return out


@dataclass(frozen=True, eq=False)
class Num(Node):
    value: Fraction = Fraction(0)

    def key(self) -> tuple:
        return ("num", self.value)

    def __repr__(self) -> str:
        return f"Num({self.value})"


@dataclass(frozen=True, eq=False)
class Sym(Node):
    """A symbol with optional subscript groups: ``w_{kj_l}`` is ``Sym('w', (('k',), ('j', 'l')))``."""

    name: str = ""
    groups: tuple[tuple[str, ...], ...] = ()

    def key(self) -> tuple:
        return ("sym", self.name, self.groups)

    @cached_property
    def letters(self) -> tuple[str, ...]:
        """The index letters (a numeric index, the unit ``0`` of ``w_{j0}``, is no letter), those a
        shifted position (``x_{j+m-1}``) is made of too; read once: the node is frozen."""
        if not self.shifted:
            return tuple(x for x in self.slots if x != "0")
        return tuple(dict.fromkeys(y for x in self.slots if x != "0" for y in shift_letters(x)))

    @property
    def units(self) -> tuple[int, ...]:
        """The subscript groups that are the unit ``0`` (``w_{j0}``: ``(1,)``)."""
        return tuple(k for k, g in enumerate(self.groups) if g == ("0",))

    @cached_property
    def slots(self) -> tuple[str, ...]:
        """The subscript's entries in order, one per position: a letter, the unit ``0``, or a shifted
        position's canonical text (``'j+m-1'``, :func:`symbp.notation.shift_terms` reads it); read
        once: the node is frozen."""
        return tuple(x for g in self.groups for x in g)

    @cached_property
    def shifted(self) -> bool:
        """Whether a position of the subscript is shifted (``x_{j+m-1}``); read once."""
        return any(is_shift(x) for g in self.groups for x in g)

    def __repr__(self) -> str:
        return f"Sym({self.name}{_groups_text(self.groups)})"


@dataclass(frozen=True, eq=False)
class Call(Node):
    """``h(x)`` with ``order`` primes: ``h'(a_j)`` is ``Call('h', 1, a_j)``; a per-unit function
    ``\\theta_h(a_h)`` keeps its subscript groups in ``sub``."""

    name: str = ""
    order: int = 0
    arg: Node = None  # type: ignore[assignment]
    sub: tuple[tuple[str, ...], ...] = ()

    def key(self) -> tuple:
        return ("call", self.name, self.order, self.arg.key()) + ((self.sub,) if self.sub else ())

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def __repr__(self) -> str:
        return f"Call({self.name}{chr(39) * self.order}, {self.arg!r})"


@dataclass(frozen=True, eq=False)
class Neg(Node):
    arg: Node = None  # type: ignore[assignment]

    def key(self) -> tuple:
        return ("neg", self.arg.key())

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def __repr__(self) -> str:
        return f"Neg({self.arg!r})"


@dataclass(frozen=True, eq=False)
class Add(Node):
    terms: tuple[Node, ...] = ()

    def key(self) -> tuple:
        return ("add",) + tuple(t.key() for t in self.terms)

    def children(self) -> tuple[Node, ...]:
        return self.terms

    def __repr__(self) -> str:
        return f"Add({', '.join(map(repr, self.terms))})"


@dataclass(frozen=True, eq=False)
class Mul(Node):
    """Juxtaposition (or ``\\cdot``, ``\\times``); ``dots`` are the positions ``k`` in ``factors``
    whose factor a ``\\cdot`` stands before (read by :mod:`symbp.engine.vector`: the dot product of
    two vectors), ``crosses`` those a ``\\times`` stands before (a product of scalars, a cross
    product between vectors: :mod:`symbp.engine.vector` refuses it there), left out of the key."""

    factors: tuple[Node, ...] = ()
    dots: tuple[int, ...] = field(default=(), compare=False)
    crosses: tuple[int, ...] = field(default=(), compare=False)

    def key(self) -> tuple:
        return ("mul",) + tuple(f.key() for f in self.factors)

    def children(self) -> tuple[Node, ...]:
        return self.factors

    def __repr__(self) -> str:
        return f"Mul({', '.join(map(repr, self.factors))})"


@dataclass(frozen=True, eq=False)
class Div(Node):
    num: Node = None  # type: ignore[assignment]
    den: Node = None  # type: ignore[assignment]

    def key(self) -> tuple:
        return ("div", self.num.key(), self.den.key())

    def children(self) -> tuple[Node, ...]:
        return (self.num, self.den)

    def __repr__(self) -> str:
        return f"Div({self.num!r}, {self.den!r})"


@dataclass(frozen=True, eq=False)
class Pow(Node):
    base: Node = None  # type: ignore[assignment]
    exp: int = 1

    def key(self) -> tuple:
        return ("pow", self.base.key(), self.exp)

    def children(self) -> tuple[Node, ...]:
        return (self.base,)

    def __repr__(self) -> str:
        return f"Pow({self.base!r}, {self.exp})"


@dataclass(frozen=True, eq=False)
class SumOp(Node):
    """``\\sum_{index=lower}^{upper} body``; bounds are ``None`` when not written."""

    index: str = ""
    lower: Node | None = None
    upper: Node | None = None
    body: Node = None  # type: ignore[assignment]
    index_pos: int = 0

    def key(self) -> tuple:
        return ("sum", self.index, self.lower and self.lower.key(), self.upper and self.upper.key(),
                self.body.key())

    def children(self) -> tuple[Node, ...]:
        return tuple(x for x in (self.lower, self.upper, self.body) if x is not None)

    def __repr__(self) -> str:
        return f"Sum({self.index}, {self.body!r})"


@dataclass(frozen=True, eq=False)
class Deriv(Node):
    """``\\frac{\\partial num}{\\partial wrt}``; operator form ``\\frac{\\partial}{\\partial wrt} body``
    has ``num=None`` and the operand in ``body``."""

    num: Node | None = None
    wrt: Sym = None  # type: ignore[assignment]
    body: Node | None = None
    #: written with a plain ``d`` (``\\frac{dh}{da_j}``), which a quantity named ``d`` makes ambiguous
    plain: bool = field(default=False, compare=False)

    def key(self) -> tuple:
        return ("deriv", self.num and self.num.key(), self.wrt.key(), self.body and self.body.key())

    def children(self) -> tuple[Node, ...]:
        return tuple(x for x in (self.num, self.wrt, self.body) if x is not None)

    def __repr__(self) -> str:
        inner = repr(self.num) if self.num is not None else f"op, {self.body!r}"
        return f"Deriv({inner} / {self.wrt!r})"


@dataclass(frozen=True, eq=False)
class Kron(Node):
    """The Kronecker delta ``[j = k]`` (Iverson's bracket: 1 where the indices are equal, else 0).
    Each side is one index group as in a subscript: ``[j_l = m]`` ties the composite ``m`` to
    the pair ``j, l``."""

    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()

    def key(self) -> tuple:
        return ("kron", self.left, self.right)

    @property
    def letters(self) -> tuple[str, ...]:
        """The index letters of both sides (those a shifted side, ``[i = j+m-1]``, is made of)."""
        return tuple(y for x in self.left + self.right for y in shift_letters(x))

    def __repr__(self) -> str:
        return f"Kron({_groups_text((self.left,))} = {_groups_text((self.right,))})"


@dataclass(frozen=True, eq=False)
class RangeCond(Node):
    """Iverson's range condition ``[1 \\le i-m+1 \\le J]``: 1 where the position (a letter, or a
    shifted position's canonical text as in a subscript) lies in ``1..size``, else 0."""

    entry: str = ""
    size: str = ""

    def key(self) -> tuple:
        return ("range", self.entry, self.size)

    @property
    def letters(self) -> tuple[str, ...]:
        return shift_letters(self.entry)

    def __repr__(self) -> str:
        return f"Range(1 <= {self.entry} <= {self.size})"


@dataclass(frozen=True, eq=False)
class Transpose(Node):
    """``W^T``, ``W^\\top``, ``W^{\\mathsf{T}}``: the transpose of a vector or a matrix; ``mark``
    is how it was written (``T``, ``\\top``, ``\\intercal``; ``(k)\\top`` inside a layer label,
    ``W^{(k)\\top}``; empty: ``T``), for printing it back the same way."""

    arg: Node = None  # type: ignore[assignment]
    mark: str = field(default="", compare=False)

    def key(self) -> tuple:
        return ("transpose", self.arg.key())

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def __repr__(self) -> str:
        return f"Transpose({self.arg!r})"


@dataclass(frozen=True, eq=False)
class Hadamard(Node):
    """``u \\odot v`` (or ``\\circ``, or ``*`` where a file declares it): the elementwise product
    of its factors, which bind more weakly than juxtaposition (``W u \\odot v`` is
    ``(W u) \\odot v``); ``ops`` are the operators as written (empty: ``\\odot``)."""

    factors: tuple[Node, ...] = ()
    ops: tuple[str, ...] = field(default=(), compare=False)

    def key(self) -> tuple:
        return ("hadamard",) + tuple(f.key() for f in self.factors)

    def children(self) -> tuple[Node, ...]:
        return self.factors

    def __repr__(self) -> str:
        return f"Hadamard({', '.join(map(repr, self.factors))})"


@dataclass(frozen=True, eq=False)
class Nabla(Node):
    """``\\nabla_{W} C``: the gradient of ``body`` by ``wrt``, shaped as ``wrt`` is."""

    wrt: Sym = None  # type: ignore[assignment]
    body: Node = None  # type: ignore[assignment]

    def key(self) -> tuple:
        return ("nabla", self.wrt.key(), self.body.key())

    def children(self) -> tuple[Node, ...]:
        return (self.wrt, self.body)

    def __repr__(self) -> str:
        return f"Nabla({self.wrt!r}, {self.body!r})"


#: the node types of the vector notation, which only :mod:`symbp.engine.vector` reads
VECTOR_NODES = (Transpose, Hadamard, Nabla)


@dataclass(frozen=True)
class Chain:
    """An equation as written: ``sides[0] rels[0] sides[1] rels[1] ...``; every link is checked."""

    sides: tuple[Node, ...]
    rels: tuple[str, ...]
