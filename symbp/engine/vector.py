"""Vector and matrix notation, translated to the index notation the engine checks.

``\\mathbf{z} = W\\mathbf{x} + \\mathbf{b}`` becomes ``z_j = \\sum_i W_{ji} x_i + b_j``: which
symbols are vectors or matrices comes from the file's declarations (``% symbp: vector z, b : J``,
``% symbp: matrix W : J x I``), never from the typeface; a ``\\delta`` with a layer label takes the
shape of the pre-activation with that label.  Shapes are inferred first, node by node: a product,
a sum or a Hadamard product whose shapes do not fit is a :class:`Mismatch` (a result, not an
exception), worded in the notation of the question with the transpose that makes it fit.

Layout: ``\\nabla_W C`` has the shape of ``W``; ``\\frac{\\partial C}{\\partial W}`` too under the
default ``% symbp: layout gradient`` (Nielsen's ``\\partial C / \\partial w = \\delta a^T`` and
Goodfellow's ``\\nabla_W J = g h^T``); ``% symbp: layout numerator`` gives it the shape of ``W^T``
(the Jacobian or numerator layout: ``\\partial C / \\partial \\mathbf{x}`` a row vector).

``\\operatorname{diag}(\\mathbf{v})`` is ``v_j [j = j']``; the all-ones vector ``\\mathbf{1}`` takes
the size of what it stands beside (a pending range, bound when it meets another).  A file's
:data:`Conventions` add Ng's notation: ``*`` as the Hadamard product, the examples of a batch in
the columns (a column vector added to such a matrix is broadcast; ``\\frac{1}{m}`` is cleared by
multiplying both sides by the size ``M``) and the prefix ``d`` of ``dZ``.  What a translation
returns (:class:`Read`) keeps what the answers need to be written in the notation of the question:
the letters of its rows and columns, and the scaling.

Room ``symbp.engine``; imports :mod:`symbp.errors`, :mod:`symbp.diagnoses` and the
:mod:`symbp.latex` room.

>>> from symbp.latex.parser import parse_chain
>>> from symbp.latex.unparse import unparse
>>> shapes = {"z": ("J",), "x": ("I",), "b": ("J",), "W": ("J", "I")}
>>> out = translate(parse_chain(r"z = W x + b"), shapes)
>>> [unparse(s) for s in out.sides]
['z_{j}', '\\\\sum_{i} W_{ji} x_{i} + b_{j}']
>>> bad = translate(parse_chain(r"x = W z"), shapes)
>>> print(bad.message)
W z multiplies a J \\times I matrix by a J-vector; did you mean W^{T} z?
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..diagnoses import Math
from ..errors import InputError, NotationError, UnsupportedError
from ..latex.ast import (
    VECTOR_NODES,
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
    Pow,
    SumOp,
    Sym,
    Transpose,
)
from ..latex.edit import map_children, swap_node
from ..latex.tokens import ONES, ZEROS
from ..latex.unparse import unparse

__all__ = ["DIAG", "LAYOUTS", "ONES", "Mismatch", "Read", "needs_translation", "shape_of", "substitute",
           "translate", "vector_factor"]

#: the name of ``\\operatorname{diag}`` (and ``\\mathrm{diag}``) as the lexer reads it
DIAG = "diag"
#: the range of an all-ones vector whose size is not known yet starts with this
_PENDING = "?"

#: Ng's ``Z^{[l](i)}``: the batch matrix ``Z^{[l]}``'s column of the example ``i``
_COLUMN = re.compile(r"(.+)\^\{([\[(][^{}()\[\]]+[\])])\(([A-Za-z])\)\}")
#: Ng's ``X^{(i)}``: the input matrix ``X``'s column of the example ``i``
_PLAIN_COLUMN = re.compile(r"([^^]+)\^\{\(([A-Za-z])\)\}")

#: the layouts a file may choose for ``\\frac{\\partial C}{\\partial W}``; the first is the default
LAYOUTS = ("gradient", "numerator")

Shapes = dict[str, tuple[str, ...]]
#: a file's conventions (from its directives; every key optional): ``hadamard`` (``*``: the
#: elementwise product), ``examples`` (the range of the examples, in columns: a vector added to
#: a matrix with that range broadcasts along it), ``size`` (how the number of examples is
#: written, ``m``), ``prefix`` and ``of`` (Ng's ``dZ``: ``d`` names the gradient of ``J``); and
#: from the network, ``delta``: the families an unlabelled ``\\delta`` may stand for, where several
#: (a bare ``\\delta`` is then an error that asks for its label)
Conventions = dict[str, str]
Axis = tuple[str, str] | None  # (range, letter), or None for an axis of size 1


@dataclass(frozen=True)
class Mismatch:
    """Shapes that do not fit: the English (in the question's notation), where (``pos``, ``end``
    in the equation's text), and the corrected equation when a transpose makes the shapes fit."""

    parts: tuple[str, ...]  # prose and :class:`~symbp.diagnoses.Math`
    pos: int
    end: int
    suggestion: str | None = None
    fix: tuple[str, ...] = ()  # "did you mean ...?": the correction, apart (a grader may hide it)

    @property
    def message(self) -> str:
        return "".join(self.parts + (("; ", *self.fix) if self.fix else ()))


@dataclass(frozen=True)
class _V:
    node: Node
    rows: Axis
    cols: Axis


class _Misfit(Exception):
    def __init__(self, parts: tuple[str, ...], node: Node, fixes: tuple[tuple[Node, Node], ...] = ()) -> None:
        super().__init__("".join(parts))
        self.parts, self.node, self.fixes = parts, node, fixes


def needs_translation(chain: Chain, shapes: Shapes) -> bool:
    """Whether an equation is (partly) written with vectors: a vector node or a declared vector
    or matrix written without indices.

    >>> from symbp.latex.parser import parse_chain
    >>> needs_translation(parse_chain(r"z_j = W_{ji} x_i"), {"W": ("J", "I")})
    False
    """
    return any(_vectorial(n, shapes) for side in chain.sides for n in side.walk())


def _vectorial(n: Node, shapes: Shapes) -> bool:
    """A node of the vector notation: its operations, ``\\mathbf{1}``, ``\\operatorname{diag}``,
    a declared vector or matrix written without indices."""
    return isinstance(n, VECTOR_NODES) or (isinstance(n, Sym) and not n.groups and (
        n.name in (ONES, ZEROS, DIAG) or bool(shapes.get(n.name)) or column_of(n.name, shapes) is not None))


def column_of(name: str, shapes: Shapes) -> tuple[str, str] | None:
    """Ng's ``Z^{[l](i)}``, the column of the example ``i`` of a declared matrix ``Z^{[l]}``: the
    matrix's name and the example's letter; ``None`` for any other name.

    >>> column_of("Z^{[2](i)}", {"Z^{[2]}": ("K", "M")})
    ('Z^{[2]}', 'i')
    >>> column_of("Z^{[2](i)}", {"Z^{[2]}": ("K",)}) is None
    True
    >>> column_of("X^{(i)}", {"X": ("I", "M")})
    ('X', 'i')
    """
    m = _COLUMN.fullmatch(name)
    if m is None:
        plain = _PLAIN_COLUMN.fullmatch(name)  # X^{(i)}, of a matrix X without a layer label
        if plain is None or name in shapes:
            return None
        return (plain[1], plain[2]) if len(shapes.get(plain[1], ())) == 2 else None
    base = f"{m[1]}^{{{m[2]}}}"
    return (base, m[3]) if len(shapes.get(base, ())) == 2 else None


def translate(chain: Chain, shapes: Shapes, layout: str = "gradient",
              letters: dict[str, str] | None = None, conventions: Conventions | None = None
              ) -> Read | Mismatch:
    """The equation in index notation (every side with the same free letters), or the
    :class:`Mismatch` of its shapes.  ``letters`` names each range's index letter (default: the
    range's name in lower case); a letter the equation already writes is not reused.  With the
    examples' size declared, an equation with ``\\frac{1}{m}`` is read multiplied through by
    ``m`` (the size ``M`` of their range: both sides times a positive number).

    >>> from symbp.latex.parser import parse_chain
    >>> shapes = {"A": ("K", "M"), "c": ("K",), "u": ("K",)}
    >>> ng = {"examples": "M", "size": "m"}
    >>> out = translate(parse_chain(r"c = \\frac{1}{m} A \\mathbf{1}"), shapes, conventions=ng)
    >>> [unparse(s) for s in out.sides]
    ['M c_{k}', '\\\\sum_{m} A_{km}']
    >>> out = translate(parse_chain(r"u = \\operatorname{diag}(c) u"), shapes)
    >>> unparse(out.sides[1])
    "\\\\sum_{k'} c_{k} [k = k'] u_{k'}"
    >>> out = translate(parse_chain(r"s = u \\cdot u"), shapes)  # two vectors: the dot product
    >>> unparse(out.sides[1])
    '\\\\sum_{k} u_{k} u_{k}'
    """
    conventions = conventions or {}
    _readable(chain, shapes, conventions)
    tr = _Translator(shapes, layout, letters or {}, chain, conventions)
    try:
        vs = _sides(tr, chain)
        first = vs[0]
        out = [first.node]
        for k, v in enumerate(vs[1:], 1):
            out.append(tr.conform(first, v, chain.sides[0], chain.sides[k]))
    except _Misfit as m:
        fix = tr.suggest(m)
        if fix is None:
            return Mismatch(m.parts, m.node.pos, m.node.end)
        return Mismatch(m.parts, m.node.pos, m.node.end, fix[1], ("did you mean ", Math(fix[0]), "?"))
    out, moved = tr.settle(out, chain)
    need = 0
    if conventions.get("examples") and conventions.get("size"):
        need = max(_need(s, conventions["examples"]) for s in out)
        out = [_scale(s, need, conventions["examples"]) for s in out]
    tidy, renamed = _tidy(Chain(tuple(out), chain.rels), chain)
    axes = tuple(None if ax is None else renamed.get(moved.get(ax[1], ax[1]), moved.get(ax[1], ax[1]))
                 for ax in (first.rows, first.cols))
    return Read(tidy.sides, tidy.rels, axes, (conventions["examples"], need) if need else None)


def _sides(tr: _Translator, chain: Chain) -> list[_V]:
    """The sides' shapes; a side that is a bare ``0`` (or ``\\mathbf{0}``) is the zero of the other
    sides' shape: ``\\nabla_b C - \\delta = 0`` is an equation of vectors, entry by entry."""
    zero = [_is_zero(s) for s in chain.sides]
    vs = [None if z else tr.side(s) for s, z in zip(chain.sides, zero)]
    ref = next((v for v in vs if v is not None), None)
    if ref is None:  # 0 = 0
        return [_V(Num(s.pos, s.end, Fraction(0)), None, None) for s in chain.sides]
    return [_V(Num(s.pos, s.end, Fraction(0)), ref.rows, ref.cols) if v is None else v
            for v, s in zip(vs, chain.sides)]


def _label_hint(names: str) -> str:
    """``write its layer's label: \\delta^{[2]} for Z^{[2]}`` (the last labelled candidate)."""
    last = [x for x in names.split(", ") if "^" in x][-1:]
    if not last:
        return "write the gradient itself, \\nabla_{z} C, or index it: \\delta_j"
    return (f"write its layer's label: \\delta^{last[0].partition('^')[2]} for {last[0]}, or the gradient "
            f"itself")


def _labelled_deltas(shapes: Shapes) -> bool:
    """Whether the shapes give a labelled ``\\delta^{(2)}`` the shape of its pre-activation (an
    unlabelled ``\\delta`` then stands for one of them: which, its label says)."""
    return any(name.startswith("delta^") for name in shapes)


def _is_zero(node: Node) -> bool:
    return (isinstance(node, Num) and node.value == 0) or (isinstance(node, Sym) and not node.groups
                                                            and node.name == ZEROS)


@dataclass(frozen=True)
class Read(Chain):
    """An equation read in index notation, with what its answers need to be written in the
    notation of the question: the letters of the rows and the columns of its sides (``None``: a
    size of 1; the entry a counterexample is at), and ``scale``, ``(M, k)`` when both sides were
    multiplied by ``M^k`` to clear the ``\\frac{1}{m}`` of an average over the examples."""

    axes: tuple[str | None, ...] = (None, None)
    scale: tuple[str, int] | None = None


def _tidy(read: Chain, written: Chain) -> tuple[Chain, dict[str, str]]:
    """The translator's letters renamed to the fewest primes, in the order they first appear
    (``\\sum_{i'}`` rather than ``\\sum_{i'''}``); the letters the user wrote are kept."""
    mine: set[str] = set().union(*(s.index_letters() for s in written.sides))
    taken = set(mine)
    table: dict[str, str] = {}
    for side in read.sides:
        for n in side.walk():
            found = n.letters if isinstance(n, (Sym, Kron)) else (n.index,) if isinstance(n, SumOp) else ()
            for x in found:
                if x in mine or x in table:
                    continue
                cand = x.rstrip("'")
                while cand in taken:
                    cand += "'"
                taken.add(cand)
                table[x] = cand
    # two steps, through names no formula has, so that a renaming never captures another letter
    step = {x: f"#{k}" for k, x in enumerate(table)}
    back = {f"#{k}": table[x] for k, x in enumerate(table)}
    return Chain(tuple(_rename(_rename(s, step), back) for s in read.sides), read.rels), table


def shape_of(node: Node, shapes: Shapes, layout: str = "gradient",
             conventions: Conventions | None = None) -> tuple[str, ...] | None:
    """The shape of an expression as a declaration gives it (``()`` a scalar, ``(R,)`` an
    ``R``-vector, ``(R, S)`` a matrix); ``None`` for a row vector or shapes that do not fit.

    >>> from symbp.latex.parser import parse_expression as p
    >>> shape_of(p(r"W^T g \\odot h'(a)"), {"W": ("K", "J"), "g": ("K",), "a": ("J",)})
    ('J',)
    """
    tr = _Translator(shapes, layout, {}, Chain((node,), ()), conventions or {})
    try:
        v = tr.v(node)
    except _Misfit:
        return None
    rows, cols = tr.ranges(v)
    if _PENDING in (rows or "")[:1] or _PENDING in (cols or "")[:1]:
        return None
    if cols is None:
        return () if rows is None else (rows,)
    return None if rows is None else (rows, cols)


def substitute(node: Node, table: dict[str, Node]) -> Node:
    """``node`` with each symbol of ``table`` written without indices replaced by its value (an
    algorithm's assignments ``g \\leftarrow ...``, read as a sequence of definitions).

    >>> from symbp.latex.parser import parse_expression as p
    >>> unparse(substitute(p(r"W^T g"), {"g": p(r"g \\odot h'(a)")}))
    "W^{T} \\\\left(g \\\\odot h'(a)\\\\right)"
    """
    if isinstance(node, Sym):
        return table.get(node.name, node) if not node.groups else node
    changes = {}
    for f in dataclasses.fields(node):
        val = getattr(node, f.name)
        if isinstance(val, Node) and not (isinstance(node, (Deriv, Nabla)) and f.name == "wrt"):
            changes[f.name] = substitute(val, table)
        elif isinstance(val, tuple) and val and all(isinstance(x, Node) for x in val):
            changes[f.name] = tuple(substitute(x, table) for x in val)
    return dataclasses.replace(node, **changes) if changes else node


def _readable(chain: Chain, shapes: Shapes, conventions: Conventions) -> None:
    """Input errors before any shape: a vector operation on undeclared symbols, a formula that
    writes index letters beside vectors without indices (one formula, one notation), ``*``
    where no directive says it is the elementwise product."""
    declared = [n for s in chain.sides for n in s.walk() if isinstance(n, Sym) and not n.groups
                and (shapes.get(n.name) or column_of(n.name, shapes))]
    star = next((n for s in chain.sides for n in s.walk() if isinstance(n, Hadamard) and "*" in n.ops), None)
    if star is not None and not declared:
        raise NotationError("* between scalars", offset=star.pos, width=max(1, star.end - star.pos),
                            hint="write a product by juxtaposition: h'(a_j) \\delta_j")
    if star is not None and conventions.get("hadamard") != "*":
        raise NotationError("* between vectors or matrices can be the elementwise (Hadamard) product, "
                            "a matrix product or a convolution", offset=star.pos,
                            width=max(1, star.end - star.pos),
                            hint="write \\odot, or declare '% symbp: hadamard *' (as in Ng's notes, "
                                 "where * is the elementwise product)")
    indexed = next((n for s in chain.sides for n in s.walk() if isinstance(n, Sym) and n.groups), None)
    if declared and indexed is not None:
        raise NotationError(f"this formula writes {unparse(indexed)} with indices beside the vector "
                            f"{unparse(declared[0])} without", offset=indexed.pos,
                            width=max(1, indexed.end - indexed.pos),
                            hint="write each formula in one notation: vectors and matrices, or indices")
    if not declared:
        op = next(n for s in chain.sides for n in s.walk() if _vectorial(n, shapes))
        raise NotationError("vector notation, but no symbol of this formula is declared as a vector "
                            "or a matrix", offset=op.pos, width=max(1, op.end - op.pos),
                            hint="declare them with their sizes: '% symbp: vector z, b : J', "
                                 "'% symbp: matrix W : J x I'")


def _tex(node: Node) -> Math:
    return Math(unparse(node))


def _shape_text(v: _V) -> tuple[str, ...]:
    """``a K-vector``, ``a K \\times J matrix`` (the sizes as maths)."""
    r, c = v.rows, v.cols
    if r is None and c is None:
        return ("a scalar",)
    if c is None:
        return (_article(r[0]), Math(r[0]), "-vector")
    if r is None:
        return ("a ", Math(f"1 \\times {c[0]}"), " row vector")
    return (_article(r[0]), Math(f"{r[0]} \\times {c[0]}"), " matrix")


def _article(rng: str) -> str:
    return "an " if rng[:1] in "AEFHILMNORSX" else "a "


def _rename(node: Node, table: dict[str, str]) -> Node:
    """Every index letter of ``table`` renamed (the translator's letters are fresh: each stands
    for one index, so renaming them everywhere is safe)."""
    if not table:
        return node
    if isinstance(node, Sym):
        return dataclasses.replace(node, groups=tuple(tuple(table.get(x, x) for x in g) for g in node.groups))
    if isinstance(node, Kron):
        return dataclasses.replace(node, left=tuple(table.get(x, x) for x in node.left),
                                   right=tuple(table.get(x, x) for x in node.right))
    node = map_children(node, lambda c: _rename(c, table))
    if isinstance(node, SumOp):
        node = dataclasses.replace(node, index=table.get(node.index, node.index))
    return node


def _mul(a: Node, b: Node) -> Node:
    """The product with the sums of fresh letters pulled in front (``\\sum_i W_{ji} x_i``)."""
    if isinstance(a, SumOp):
        return dataclasses.replace(a, body=_mul(a.body, b))
    if isinstance(b, SumOp):
        return dataclasses.replace(b, body=_mul(a, b.body))
    fa = a.factors if isinstance(a, Mul) else (a,)
    fb = b.factors if isinstance(b, Mul) else (b,)
    fs = tuple(f for f in fa + fb if not (isinstance(f, Num) and f.value == 1)) or (fa + fb)[:1]
    return fs[0] if len(fs) == 1 else Mul(a.pos, b.end, fs)


def _transposed(node: Node, mark: str = "") -> Node:
    """``node^T`` (a transpose undone), the transpose written as the file writes its own."""
    return node.arg if isinstance(node, Transpose) else Transpose(node.pos, node.end, node, mark)


class _Translator:
    def __init__(self, shapes: Shapes, layout: str, letters: dict[str, str], chain: Chain,
                 conventions: Conventions | None = None) -> None:
        if layout not in LAYOUTS:
            raise NotationError(f"unknown layout {layout!r}", hint=f"choose one of: {', '.join(LAYOUTS)}")
        self.shapes, self.layout, self.letters, self.chain = shapes, layout, letters, chain
        self.conventions = conventions or {}
        self.used: set[str] = set()
        for s in chain.sides:
            self.used |= s.index_letters()
        #: how the formula writes a transpose (``\\top``, ``(k)\\top`` in a label), for its fixes
        self.mark = next((n.mark for side in chain.sides for n in side.walk()
                          if isinstance(n, Transpose) and n.mark), "")
        #: the size an all-ones vector's range has been found to have (pending range -> range)
        self.bound: dict[str, str] = {}
        #: the placeholder letters of the all-ones vectors' axes -> their pending range
        self.pending: dict[str, str] = {}
        #: inside a sum over the examples (Ng's \\sum_i dZ^{[l](i)}): the sum's letter -> its axis
        self.columns: dict[str, Axis] = {}

    def fresh(self, rng: str) -> Axis:
        if rng.startswith(_PENDING):
            letter = f"{rng}{len(self.pending)}"
            self.pending[letter] = rng
            return (rng, letter)
        base = self.letters.get(rng, rng.lower())
        cand = base
        while cand in self.used:
            cand += "'"
        self.used.add(cand)
        return (rng, cand)

    # -- ranges, with the sizes of the all-ones vectors inferred from where they stand
    def rng(self, axis: Axis) -> str | None:
        if axis is None:
            return None
        r = axis[0]
        while r in self.bound:
            r = self.bound[r]
        return r

    def ranges(self, v: _V) -> tuple[str | None, str | None]:
        return self.rng(v.rows), self.rng(v.cols)

    def fits(self, x: Axis, y: Axis) -> bool:
        """Whether two axes have the same size; an all-ones vector's takes the other's."""
        rx, ry = self.rng(x), self.rng(y)
        if rx is None or ry is None:
            return rx is ry
        if rx != ry and rx.startswith(_PENDING):
            self.bound[rx] = ry
        elif rx != ry and ry.startswith(_PENDING):
            self.bound[ry] = rx
        return self.rng(x) == self.rng(y)

    def text(self, v: _V) -> tuple[str, ...]:
        """``a K-vector``, ``a K \\times J matrix`` (an all-ones vector of no known size: ``n``)."""
        def show(ax: Axis) -> Axis:
            r = self.rng(ax)
            return None if r is None else ("n" if r.startswith(_PENDING) else r, ax[1])
        return _shape_text(_V(v.node, show(v.rows), show(v.cols)))

    def settle(self, sides: list[Node], chain: Chain) -> tuple[list[Node], dict[str, str]]:
        """The sides with each all-ones vector's placeholder letter named after its range."""
        present = set().union(*(s.index_letters() for s in sides))
        table = {}
        for letter, rng in self.pending.items():
            if letter not in present:
                continue
            r = self.rng((rng, letter))
            if r is None or r.startswith(_PENDING):
                ones = next(n for s in chain.sides for n in s.walk() if isinstance(n, Sym) and n.name == ONES)
                raise NotationError("the size of this \\mathbf{1} cannot be inferred from the formula",
                                    offset=ones.pos, width=max(1, ones.end - ones.pos),
                                    hint="write it beside a vector or a matrix whose size it takes")
            table[letter] = self.fresh(r)[1]
        return [_rename(s, table) for s in sides], table

    def side(self, node: Node) -> _V:
        return self.v(node)

    def conform(self, first: _V, v: _V, left: Node, right: Node) -> Node:
        """``v``'s node with the free letters of ``first``, if the shapes agree."""
        if not (self.fits(first.rows, v.rows) and self.fits(first.cols, v.cols)):
            fr, fc, vr, vc = self.ranges(first) + self.ranges(v)
            fixes = ((right, _transposed(right, self.mark)),) if (vc, vr) == (fr, fc) else ()
            raise _Misfit(("the left side ", _tex(left), " is ", *self.text(first), " but the right side ",
                           _tex(right), " is ", *self.text(v)), right, fixes)
        table = {}
        for a, b in ((first.rows, v.rows), (first.cols, v.cols)):
            if a is not None and b is not None:
                table[b[1]] = a[1]
        return _rename(v.node, table)

    def suggest(self, m: _Misfit) -> tuple[str, str] | None:
        """The first fix that makes the whole equation's shapes fit: the part that was written
        and the whole equation, corrected, as LaTeX."""
        for target, new in m.fixes:
            sides = tuple(swap_node(s, target, new) for s in self.chain.sides)
            fixed = Chain(sides, self.chain.rels)
            again = _Translator(self.shapes, self.layout, self.letters, fixed, self.conventions)
            try:
                vs = _sides(again, fixed)
                for k, v in enumerate(vs[1:], 1):
                    again.conform(vs[0], v, sides[0], sides[k])
            except (_Misfit, InputError):
                continue
            return unparse(swap_node(m.node, target, new)), _chain_text(fixed)
        return None

    def shaped(self, sym: Sym, shape: tuple[str, ...], node: Node) -> _V:
        if len(shape) == 1:
            r = self.fresh(shape[0])
            return _V(dataclasses.replace(sym, groups=((r[1],),)), r, None)
        r, c = self.fresh(shape[0]), self.fresh(shape[1])
        return _V(dataclasses.replace(sym, groups=((r[1],), (c[1],))), r, c)

    def v(self, node: Node) -> _V:  # noqa: C901 - one case per node type
        if isinstance(node, Sym):
            shape = self.shapes.get(node.name, ())
            if node.name == ONES and not node.groups:  # its entries are 1; its size, its neighbours'
                return _V(Num(node.pos, node.end, Fraction(1)), self.fresh(f"{_PENDING}{node.pos}"), None)
            if node.name == ZEROS and not node.groups:  # a vector or a matrix: its neighbours do not say
                raise NotationError("\\mathbf{0} inside a formula: the zero vector or the zero matrix?",
                                    offset=node.pos, width=max(1, node.end - node.pos),
                                    hint="write it as a side of its own (... = \\mathbf{0}: the zero of "
                                         "the other side's shape), or leave it out")
            if node.name == "delta" and not node.groups and not shape and self.conventions.get("delta"):
                raise NotationError(f"\\delta without a label in vector notation: the error of which of "
                                    f"{self.conventions['delta']}?", offset=node.pos,
                                    width=max(1, node.end - node.pos),
                                    hint=_label_hint(self.conventions["delta"]))
            if node.name == "delta" and not node.groups and not shape and _labelled_deltas(self.shapes):
                # a generic file's layers unrolled: \delta^{(1)}, \delta^{(2)}, ... and no bare \delta
                raise NotationError("\\delta without a label in vector notation: the error of which layer?",
                                    offset=node.pos, width=max(1, node.end - node.pos),
                                    hint="write its layer's label as the file labels the pre-activations: "
                                         "\\delta^L for z^L, \\delta^l for z^l")
            if node.name == DIAG and not node.groups:
                raise NotationError("\\operatorname{diag} without its argument", offset=node.pos,
                                    width=max(1, node.end - node.pos),
                                    hint="write \\operatorname{diag}(\\mathbf{v}): the diagonal matrix of "
                                         "a vector")
            size = self.conventions.get("size")
            if size and node.name == size and not node.groups and not shape:  # Ng's m: the size M
                return _V(dataclasses.replace(node, name=self.conventions["examples"]), None, None)
            if not node.groups and not shape and column_of(node.name, self.shapes) is not None:
                return self.column(node)
            if node.groups or not shape:
                return _V(node, None, None)
            return self.shaped(node, shape, node)
        if isinstance(node, (Num, Kron)):
            return _V(node, None, None)
        if isinstance(node, Transpose):
            inner = self.v(node.arg)
            return _V(inner.node, inner.cols, inner.rows)
        if isinstance(node, Neg):
            inner = self.v(node.arg)
            return _V(dataclasses.replace(node, arg=inner.node), inner.rows, inner.cols)
        if isinstance(node, Call):
            inner = self.v(node.arg)  # elementwise
            return _V(dataclasses.replace(node, arg=inner.node), inner.rows, inner.cols)
        if isinstance(node, Pow):
            inner = self.v(node.base)
            if inner.rows or inner.cols:
                raise _Misfit((_tex(node), " raises ", *self.text(inner), " to a power; write the "
                               "elementwise product with ", Math("\\odot")), node)
            return _V(dataclasses.replace(node, base=inner.node), None, None)
        if isinstance(node, Div):
            num, den = self.v(node.num), self.v(node.den)
            if den.rows or den.cols:
                raise _Misfit((_tex(node), " divides by ", *self.text(den)), node)
            return _V(dataclasses.replace(node, num=num.node, den=den.node), num.rows, num.cols)
        if isinstance(node, SumOp):
            if self.over_examples(node):
                return self.example_sum(node)
            body = self.v(node.body)
            return _V(dataclasses.replace(node, body=body.node), body.rows, body.cols)
        if isinstance(node, Add):
            vs = [self.v(t) for t in node.terms]
            ref = self.broadcast_to(vs)
            out = [self.same(vs[ref], v, node.terms[ref], t, "adds", node, broadcast=True) if k != ref
                   else v.node for k, (t, v) in enumerate(zip(node.terms, vs))]
            return _V(Add(node.pos, node.end, tuple(out)), vs[ref].rows, vs[ref].cols)
        if isinstance(node, Hadamard):
            vs = [self.v(f) for f in node.factors]
            acc = vs[0].node
            for f, v in zip(node.factors[1:], vs[1:]):
                acc = _mul(acc, self.same(vs[0], v, node.factors[0], f, "multiplies elementwise", node))
            return _V(acc, vs[0].rows, vs[0].cols)
        if isinstance(node, Mul):
            return self.mul(node)
        if isinstance(node, Nabla):
            return self.derivative(node, node.body, node.wrt, gradient=True)
        if isinstance(node, Deriv):
            if node.num is None:
                return self.derivative(node, node.body, node.wrt, gradient=self.layout == "gradient")
            return self.derivative(node, node.num, node.wrt, gradient=self.layout == "gradient")
        raise UnsupportedError(f"{type(node).__name__} in vector notation", offset=node.pos)

    def mul(self, node: Mul) -> _V:
        """Juxtaposition, left to right; ``\\operatorname{diag}`` and a declared gradient prefix
        (``d`` of Ng's ``dZ``) take the factor after them."""
        fs = node.factors
        operands: list[tuple[int, int, _V]] = []  # (first factor, past its last, value)
        k = 0
        while k < len(fs):
            start, f = k, fs[k]
            nxt = fs[k + 1] if k + 1 < len(fs) else None
            if isinstance(f, Sym) and not f.groups and f.name == DIAG and nxt is not None:
                cur, k = self.diag(f, nxt), k + 2
            elif self.prefixed(f, nxt):
                if isinstance(nxt, Transpose):  # dZ^{[1]T}: the gradient dZ^{[1]}, transposed
                    g = self.gradient(f, nxt.arg)  # type: ignore[arg-type]
                    cur, k = _V(g.node, g.cols, g.rows), k + 2
                else:
                    cur, k = self.gradient(f, nxt), k + 2  # type: ignore[arg-type]
            else:
                cur, k = self.v(f), k + 1
            operands.append((start, k, cur))
        self.crossed(node, operands)
        dot = self.dotted(node, operands)
        acc = operands[0][2]
        for n, (start, k, cur) in enumerate(operands[1:], 1):
            right = fs[start] if k == start + 1 else Mul(fs[start].pos, fs[k - 1].end, fs[start:k])
            if n == dot:
                acc = self.dot(acc, cur, fs[:start], right, node)
            else:
                acc = self.product(acc, cur, fs[:start], right, node)
        return acc

    def crossed(self, node: Mul, operands: list[tuple[int, int, _V]]) -> None:
        """A ``\\times`` is a product where a scalar stands on one side of it (``2 \\times v``, the
        typographic product); between two vectors or matrices it is a cross product (or a
        Kronecker one), which symbp does not read: an error naming the products it does."""
        for d in node.crosses:
            before = next((v for s, k, v in operands if s < d <= k), None)
            after = next((v for s, k, v in operands if s <= d < k), None)
            if before is None or after is None or not (before.rows or before.cols) \
                    or not (after.rows or after.cols):
                continue
            shown = " ".join(("\\times " if k in node.crosses else "\\cdot " if k in node.dots else "")
                             + unparse(f) for k, f in enumerate(node.factors))
            raise NotationError(f"{shown}: \\times between two vectors or matrices is a cross product, "
                                "which symbp does not read", offset=node.pos,
                                width=max(1, node.end - node.pos),
                                hint="write u \\cdot v for the dot product, u \\odot v for the elementwise "
                                     "product, or W x (juxtaposition) for the matrix product")

    def dotted(self, node: Mul, operands: list[tuple[int, int, _V]]) -> int | None:
        """Which operand a ``\\cdot`` joins to the product before it as the dot product of two
        vectors: the second of the only two that are not scalars, a ``\\cdot`` between them
        (scalars commute: ``2 u \\cdot v`` is ``2 (u \\cdot v)``).  A ``\\cdot`` between more than two
        vectors and matrices, one a vector, is an error that asks for parentheses (``W u \\cdot v``:
        ``(W u) \\cdot v`` or ``W (u \\cdot v)``); between matrices only it is their product."""
        starts = [s for s, _, _ in operands]
        dots = {starts.index(d) for d in node.dots if d in starts}
        big = [n for n, (_, _, v) in enumerate(operands) if v.rows is not None or v.cols is not None]
        between = [d for d in dots if big and big[0] < d <= big[-1]]
        if not between:
            return None
        if len(big) == 2:
            return big[1]
        if all(operands[n][2].rows is not None and operands[n][2].cols is not None for n in big):
            return None  # matrices: \cdot is their product
        shown = " ".join(("\\cdot " if k in node.dots else "") + unparse(f)
                         for k, f in enumerate(node.factors))
        raise NotationError(f"{shown}: a \\cdot among more than two vectors and matrices, which "
                            "symbp does not group for you", offset=node.pos,
                            width=max(1, node.end - node.pos),
                            hint="write parentheses around the product the \\cdot joins: (W u) \\cdot v or "
                                 "W (u \\cdot v)")

    def dot(self, a: _V, b: _V, left: tuple[Node, ...], right: Node, where: Node) -> _V:
        """``u \\cdot v``: the dot product ``\\sum_k u_k v_k`` where both are column (or both row)
        vectors; ``u^T \\cdot v`` and a matrix beside a vector, the product; a column vector
        before a row vector of its size, an error naming the dot and the outer product."""
        col_a, col_b = a.cols is None, b.cols is None
        one_a, one_b = (a.rows is None) != (a.cols is None), (b.rows is None) != (b.cols is None)
        if not (one_a and one_b) or (not col_a and col_b):
            return self.product(a, b, left, right, where)  # a matrix, or u^T \cdot v: the product
        ax, bx = (a.rows, b.rows) if col_a else (a.cols, b.cols)
        if col_a and not col_b:  # u \cdot v^T: the outer product, or the dot product of u and v?
            ra, rb = self.rng(a.rows), self.rng(b.cols)
            if ra == rb or ra.startswith(_PENDING) or rb.startswith(_PENDING):
                shown = " ".join(unparse(x) for x in left) + " \\cdot " + unparse(right)
                raise NotationError(f"{shown}: the dot product of two vectors, or the outer product (a "
                                    "matrix)?", offset=where.pos, width=max(1, where.end - where.pos),
                                    hint="write u^T v for the dot product, u v^T for the outer product")
            return self.product(a, b, left, right, where)
        if not self.fits(ax, bx):
            shown = " ".join(unparse(x) for x in left) + " \\cdot " + unparse(right)
            raise _Misfit((Math(shown), " takes the dot product of ", *self.text(a), " and ", *self.text(b)),
                          where)
        if self.rng(ax).startswith(_PENDING):
            raise NotationError("the size of this dot product of all-ones vectors cannot be inferred",
                                offset=where.pos, width=max(1, where.end - where.pos),
                                hint="write the sum it stands for with its size")
        inner = ax[1]
        bnode = _rename(b.node, {bx[1]: inner})
        self.used.discard(bx[1])  # renamed away: free again
        return _V(SumOp(where.pos, where.end, inner, None, None, _mul(a.node, bnode), where.pos), None, None)

    def prefixed(self, f: Node, nxt: Node | None) -> bool:
        """Whether ``f nxt`` is Ng's ``dZ`` under a declared prefix; the letter alone before a
        declared vector or matrix, with no prefix declared, is an error that asks; the matrix
        may be transposed in its superscript (``dZ^{[1]T}``: ``(dZ^{[1]})^T``)."""
        if isinstance(nxt, Transpose) and isinstance(nxt.arg, Sym):
            nxt = nxt.arg
        if not (isinstance(f, Sym) and not f.groups and isinstance(nxt, Sym) and not nxt.groups
                and (self.shapes.get(nxt.name) or column_of(nxt.name, self.shapes))
                and not self.shapes.get(f.name)):
            return False
        if self.conventions.get("prefix") == f.name:
            return True
        if f.name == "d" and not self.conventions.get("prefix"):
            raise NotationError(f"d {unparse(nxt)}: the scalar d times {unparse(nxt)}, or the gradient of "
                                f"the cost by {unparse(nxt)} (Ng's notation)?", offset=f.pos,
                                width=max(1, nxt.end - f.pos),
                                hint="declare Ng's prefix: '% symbp: prefix d = \\partial J' (J the cost)")
        return False

    def gradient(self, f: Sym, wrt: Sym) -> _V:
        """Ng's ``dX``: the gradient of the cost ``J`` by ``X``, shaped as ``X``.  With the examples
        declared, ``J`` is their mean cost, ``J = \\frac{1}{m} \\sum_i L^{(i)}``, and ``dX`` of a
        quantity with one column per example is that example's ``\\partial L^{(i)} / \\partial X``,
        which is ``m \\partial J / \\partial X`` (Ng's ``dZ^{[l]}``, whereas ``dW^{[l]}`` is
        ``\\partial J / \\partial W^{[l]}``)."""
        col = column_of(wrt.name, self.shapes) if not self.shapes.get(wrt.name) else None
        v = self.column(wrt) if col is not None else self.shaped(wrt, self.shapes[wrt.name], wrt)
        cost = Sym(f.pos, f.end, self.conventions.get("of", "J"), ())
        node: Node = Deriv(f.pos, wrt.end, cost, v.node, None)
        per_example = self.conventions.get("examples")
        if per_example and per_example in self.shapes[col[0] if col is not None else wrt.name]:
            node = Mul(f.pos, wrt.end, (Sym(f.pos, f.end, per_example, ()), node))
        return _V(node, v.rows, v.cols)

    def column(self, sym: Sym) -> _V:
        """Ng's ``Z^{[l](i)}`` inside a sum over the examples ``i``: the column of the batch
        matrix ``Z^{[l]}``, a vector whose column index is the sum's letter."""
        base, letter = column_of(sym.name, self.shapes)  # type: ignore[misc]
        rows, cols = self.shapes[base]
        written = (f"{base[:base.index('^')]}^{{{base[base.index('^') + 2:-1]}({letter})}}" if "^" in base
                   else f"{base}^{{({letter})}}")  # X^{(i)}: a matrix without a layer label
        if cols != self.conventions.get("examples"):
            raise NotationError(f"{written}: the column ({letter}) of {base}, but its columns are not "
                                "the examples of a batch", offset=sym.pos, width=max(1, sym.end - sym.pos),
                                hint=f"declare the examples' range: '% symbp: examples {cols} : m'")
        axis = self.columns.get(letter)
        if axis is None:
            raise NotationError(f"the column {written} outside a sum over the examples {letter} is not "
                                "read yet", offset=sym.pos, width=max(1, sym.end - sym.pos),
                                hint=f"write the sum over the examples, \\sum_{{{letter}=1}}^{{m}}, or "
                                     f"the matrix {base} itself")
        r = self.fresh(rows)
        return _V(Sym(sym.pos, sym.end, base, ((r[1],), (axis[1],))), r, None)

    def over_examples(self, node: SumOp) -> bool:
        """Whether a sum runs over the examples of a batch: its letter labels a column
        ``Z^{[l](i)}`` in its summand; its bounds, if written, must be ``1`` and ``m``."""
        if not any(isinstance(n, Sym) and not n.groups and (c := column_of(n.name, self.shapes)) is not None
                   and c[1] == node.index for n in node.body.walk()):
            return False
        size = self.conventions.get("size")
        low_ok = node.lower is None or (isinstance(node.lower, Num) and node.lower.value == 1)
        up_ok = node.upper is None or (isinstance(node.upper, Sym) and not node.upper.groups
                                       and node.upper.name in (size, self.conventions.get("examples")))
        if not (low_ok and up_ok):
            raise NotationError(f"a sum over the examples {node.index} with bounds other than 1 and "
                                f"{size or 'm'}", offset=node.pos,
                                width=max(1, node.index_pos - node.pos + 1),
                                hint=f"write \\sum_{{{node.index}=1}}^{{{size or 'm'}}}: symbp reads sums "
                                     "over the whole batch")
        return True

    def example_sum(self, node: SumOp) -> _V:
        """``\\sum_{i=1}^{m} dZ^{[l](i)}``: the sum of the columns of a batch matrix (NumPy's
        ``np.sum(dZ, axis=1, keepdims=True)``), a sum over a fresh letter of the examples."""
        axis = self.fresh(self.conventions["examples"])
        outer = self.columns.get(node.index)
        self.columns[node.index] = axis
        try:
            body = self.v(node.body)
        finally:
            if outer is None:
                del self.columns[node.index]
            else:
                self.columns[node.index] = outer
        return _V(SumOp(node.pos, node.end, axis[1], None, None, body.node, node.index_pos), body.rows,
                  body.cols)

    def diag(self, f: Sym, arg: Node) -> _V:
        """``\\operatorname{diag}(\\mathbf{v})``: the square matrix with ``v`` on its diagonal,
        ``v_r [r = r']``.  ``\\operatorname{diag}(\\mathbf{v})^T`` (the transpose the parser gives the
        argument) is the same matrix: a diagonal matrix is its own transpose."""
        inner = self.v(arg)
        if isinstance(arg, Transpose) and inner.rows is None and inner.cols is not None:
            inner = _V(inner.node, inner.cols, None)  # diag(v)^T = diag(v)
        if inner.rows is None or inner.cols is not None:
            what = "a matrix" if inner.rows and inner.cols else "a row vector" if inner.cols else "a scalar"
            raise NotationError(f"\\operatorname{{diag}} of {what}: symbp reads the diagonal matrix of a "
                                "column vector", offset=f.pos, width=max(1, arg.end - f.pos),
                                hint="write \\operatorname{diag}(\\mathbf{v}) with v a declared vector")
        cols = self.fresh(self.rng(inner.rows)) if not self.rng(inner.rows).startswith(_PENDING) \
            else self.fresh(inner.rows[0])
        if cols[0].startswith(_PENDING):
            self.pending[cols[1]] = inner.rows[0]
        kd = Kron(f.pos, arg.end, (inner.rows[1],), (cols[1],))
        return _V(_mul(inner.node, kd), inner.rows, cols)

    def broadcast_to(self, vs: list[_V]) -> int:
        """The term a sum takes its shape from: the first, or with the examples declared, a matrix
        with a column per example when a column vector or a number is added to it (NumPy's
        broadcasting of Ng's ``W A + b`` and ``1 - A``)."""
        ex = self.conventions.get("examples")
        if ex and any(v.rows is not None and v.cols is None for v in vs):
            for k, v in enumerate(vs):
                if v.rows is not None and self.rng(v.cols) == ex:
                    return k
        if ex and vs[0].rows is None and vs[0].cols is None:  # Ng's 1 - A: the batch matrix's shape
            for k, v in enumerate(vs):
                if v.rows is not None and self.rng(v.cols) == ex:
                    return k
        return 0

    def same(self, a: _V, b: _V, na: Node, nb: Node, verb: str, where: Node, broadcast: bool = False) -> Node:
        """``b``'s node renamed to ``a``'s letters; its shape must be ``a``'s (or, ``broadcast``,
        a column vector or a number beside a matrix with a column per example)."""
        spread = (broadcast and b.cols is None and b.rows is not None and a.rows is not None
                  and self.rng(a.cols) == self.conventions.get("examples"))
        ex = self.conventions.get("examples")
        if (broadcast and ex and b.rows is None and b.cols is None and isinstance(nb, Num)
                and a.rows is not None and self.rng(a.cols) == ex):
            return b.node  # Ng's 1 - A^{[2]}: NumPy's number broadcast to every entry of a batch matrix
        if not (self.fits(a.rows, b.rows) and (spread or self.fits(a.cols, b.cols))):
            scalar = [x for x in (a, b) if x.rows is None and x.cols is None]
            if verb == "adds" and len(scalar) == 1 and isinstance((na, nb)[(a, b).index(scalar[0])], Num):
                # 1 - a^l: Nielsen's and NumPy's broadcast number, or a slip? not decided either way
                raise NotationError(
                    f"{unparse(where)} adds a number to a vector or matrix, which symbp does not read as "
                    "broadcast", offset=where.pos,
                    width=max(1, where.end - where.pos),
                    hint="write the all-ones vector for it: \\mathbf{1} - a^l (\\mathbf{1} has the size of "
                         "what it stands beside)")
            ra, ca, rb, cb = self.ranges(a) + self.ranges(b)
            fixes = ((nb, _transposed(nb, self.mark)),) if (ra, ca) == (cb, rb) else ()
            raise _Misfit((_tex(where), f" {verb} ", *self.text(a), " and ", *self.text(b)), where, fixes)
        table = {}
        for x, y in ((a.rows, b.rows), (a.cols, b.cols)):
            if x is not None and y is not None:
                table[y[1]] = x[1]
        self.used -= set(table) - set(table.values())  # renamed away: free again
        return _rename(b.node, table)

    def product(self, a: _V, b: _V, left: tuple[Node, ...], right: Node, where: Node) -> _V:
        """Juxtaposition: a scalar times anything, else a matrix product whose inner sizes agree
        (an axis of size 1 against one of size 1 is an outer product)."""
        if a.rows is None and a.cols is None:
            return _V(_mul(a.node, b.node), b.rows, b.cols)
        if b.rows is None and b.cols is None:
            return _V(_mul(a.node, b.node), a.rows, a.cols)
        if not self.fits(a.cols, b.rows):
            ar, ac, br, bc = self.ranges(a) + self.ranges(b)
            shown = " ".join(unparse(x) for x in left) + " " + unparse(right)
            lhs = left[-1]
            fixes = []
            if bc == ac and b.rows is not None:
                fixes.append((right, _transposed(right, self.mark)))  # delta a  ->  delta a^T
            if ar == br and len(left) == 1:
                fixes.append((lhs, _transposed(lhs, self.mark)))  # W delta  ->  W^T delta
            if (ar, ac) == (br, bc) and len(left) + 1 == len(where.factors):
                head = left[0] if len(left) == 1 else Mul(left[0].pos, left[-1].end, left)
                ops = ("*",) if self.conventions.get("hadamard") == "*" else ()  # as the file writes it
                fixes.append((where, Hadamard(where.pos, where.end, (head, right), ops)))  # u v -> u \odot v
            if not fixes:
                fixes.append((right, _transposed(right, self.mark)))
            if len(left) == 1 and not any(t is lhs for t, _ in fixes):
                fixes.append((lhs, _transposed(lhs, self.mark)))
            raise _Misfit((Math(shown), " multiplies ", *self.text(a), " by ", *self.text(b)), where,
                          tuple(fixes))
        if a.cols is None:  # outer product: nothing to sum
            return _V(_mul(a.node, b.node), a.rows, b.cols)
        rng = self.rng(a.cols)
        if rng.startswith(_PENDING):
            raise NotationError("the size of this product of all-ones vectors cannot be inferred",
                                offset=where.pos, width=max(1, where.end - where.pos),
                                hint="write the sum it stands for with its size")
        inner = a.cols[1]
        bnode = _rename(b.node, {b.rows[1]: inner})
        self.used.discard(b.rows[1])  # renamed away: free again
        prod = _mul(a.node, bnode)
        return _V(SumOp(where.pos, where.end, inner, None, None, prod, where.pos), a.rows, b.cols)

    def derivative(self, node: Node, of: Node, wrt: Sym, gradient: bool) -> _V:
        num = self.v(of)
        if num.rows or num.cols:
            raise _Misfit((_tex(node), " differentiates ", *self.text(num), ": symbp reads gradients of "
                           "a scalar (a Jacobian is not read yet)"), node)
        shape = self.shapes.get(wrt.name, ()) if not wrt.groups else ()
        if not wrt.groups and not shape and column_of(wrt.name, self.shapes) is not None:
            v = self.column(wrt)  # Ng's \partial J / \partial Z^{[l](i)}: by the column, a vector
        elif not shape:
            v = _V(wrt, None, None)
        else:
            v = self.shaped(wrt, shape, wrt)
        body = Deriv(node.pos, node.end, num.node, v.node, None) if not isinstance(node, Deriv) or \
            node.num is not None else Deriv(node.pos, node.end, None, v.node, num.node)
        if gradient:
            return _V(body, v.rows, v.cols)
        return _V(body, v.cols, v.rows)


def _need(node: Node, size: str) -> int:
    """How many factors ``\\frac{.}{M}`` (``M`` the examples' size) stand in one term of ``node``."""
    if isinstance(node, Add):
        return max(_need(t, size) for t in node.terms)
    if isinstance(node, Mul):
        return sum(_need(f, size) for f in node.factors)
    if isinstance(node, (Neg, SumOp)):
        return _need(node.arg if isinstance(node, Neg) else node.body, size)
    if isinstance(node, Div):
        by_size = isinstance(node.den, Sym) and node.den.name == size and not node.den.groups
        return _need(node.num, size) + by_size
    return 0


def _scale(node: Node, k: int, size: str) -> Node:
    """``node`` times ``M^k``, each ``\\frac{x}{M}`` of a term cancelled against one ``M``."""
    if k == 0 or (isinstance(node, Num) and node.value == 0):  # M^k 0 is 0
        return node
    if isinstance(node, Add):
        return dataclasses.replace(node, terms=tuple(_scale(t, k, size) for t in node.terms))
    if isinstance(node, Neg):
        return dataclasses.replace(node, arg=_scale(node.arg, k, size))
    if isinstance(node, SumOp):
        return dataclasses.replace(node, body=_scale(node.body, k, size))
    if isinstance(node, Div) and isinstance(node.den, Sym) and node.den.name == size and not node.den.groups:
        return _scale(node.num, k - 1, size)
    if isinstance(node, Div):
        return dataclasses.replace(node, num=_scale(node.num, k, size))
    if isinstance(node, Mul):
        fs = [_scale(f, _need(f, size), size) for f in node.factors]
        extra = k - sum(_need(f, size) for f in node.factors)
        ones = [f for f in fs if not (isinstance(f, Num) and f.value == 1)]
        out = [Sym(node.pos, node.pos, size, ())] * extra + ones
        if not out:
            return Num(node.pos, node.end, Fraction(1))
        return out[0] if len(out) == 1 else Mul(node.pos, node.end, tuple(out))
    return Mul(node.pos, node.end, tuple([Sym(node.pos, node.pos, size, ())] * k + [node]))


def vector_factor(node: Node, axes: tuple[str | None, ...], shapes: Shapes) -> Node | None:
    """An index-notation factor that runs over the letters ``axes`` of a vector claim's rows and
    columns, written with vectors: ``\\sigma'(z_{k})`` is ``\\sigma'(z)`` when ``z`` is a
    declared ``K``-vector and ``k`` runs over the rows; ``None`` when it is no such factor.

    >>> from symbp.latex.parser import parse_expression as p
    >>> unparse(vector_factor(p(r"\\sigma'(z_{k})", ["sigma"]), ("k", None), {"z": ("K",)}))
    "\\\\sigma'(z)"
    >>> vector_factor(p(r"\\sigma'(z_{j})", ["sigma"]), ("k", None), {"z": ("K",)}) is None
    True
    """
    letters = tuple(x for x in axes if x is not None)
    if isinstance(node, Call) and not node.sub:
        arg = vector_factor(node.arg, axes, shapes)
        return None if arg is None else dataclasses.replace(node, arg=arg)
    if isinstance(node, Neg):
        arg = vector_factor(node.arg, axes, shapes)
        return None if arg is None else dataclasses.replace(node, arg=arg)
    if (isinstance(node, Sym) and letters and node.groups == tuple((x,) for x in letters)
            and len(shapes.get(node.name, ())) == len(letters) and axes[0] is not None):
        return Sym(node.pos, node.end, node.name, ())
    return None


def _chain_text(chain: Chain) -> str:
    out = unparse(chain.sides[0])
    for rel, side in zip(chain.rels, chain.sides[1:]):
        out += f" {rel} {unparse(side)}"
    return out


def to_vectors(node: Node, axes: tuple[str | None, ...], shapes: Shapes,
               conventions: Conventions | None = None, scale: int = 0) -> Node | None:
    """An index-notation expression whose free letters are the rows and columns ``axes`` of a
    vector claim, written back with vectors and matrices (the steps of a proof in the notation of
    the question); ``None`` when it is not of a form this reads back: sums of products of
    entries of declared vectors and matrices, elementwise functions of them, gradients
    ``\\frac{\\partial C}{\\partial z_k}`` (``\\nabla_{z} C``), and one matrix contracted with a
    vector per summed letter (``\\sum_k w_{kj} \\delta_k`` is ``w^T \\delta``).  What it returns
    is to be checked (the caller checks the vector chain it builds), never trusted.

    Matrices too (a claim whose sides have rows and columns): entries of declared matrices, their
    elementwise functions and products, a matrix product per summed letter (``\\sum_k W_{kh}
    D_{km}`` is ``W^T D``), a matrix times the all-ones vector (``\\sum_m D_{km}`` is ``D
    \\mathbf{1}``).  With Ng's ``conventions`` (the examples ``M``, the prefix ``d`` of ``\\partial
    J``), ``M \\frac{\\partial J}{\\partial Z_{km}}`` is ``dZ`` and ``\\frac{\\partial J}{\\partial
    W_{kh}}`` is ``dW``; ``scale`` undoes a translation's ``(both sides times M^scale)``: each term
    divided by ``m`` that many times.

    >>> from symbp.latex.parser import parse_expression as p
    >>> shapes = {"w": ("K", "J"), "d": ("K",), "z": ("J",), "a": ("I",), "W": ("J", "I")}
    >>> unparse(to_vectors(p(r"\\sigma'(z_{j}) \\sum_{k} w_{kj} d_{k}", ["sigma"]), ("j", None), shapes))
    "w^{T} d \\\\odot \\\\sigma'(z)"
    >>> unparse(to_vectors(p(r"\\frac{\\partial C}{\\partial z_{j}} a_{i}"), ("j", "i"), shapes))
    '\\\\nabla_{z} C a^{T}'
    >>> to_vectors(p(r"z_{j} z_{j}"), ("j", None), shapes) is None
    False
    >>> to_vectors(p(r"\\sum_{k} w_{kj} w_{kj}"), ("j", None), shapes) is None
    True
    >>> ng = {"examples": "M", "size": "m", "prefix": "d", "of": "J"}
    >>> batch = {"W": ("K", "H"), "Z": ("K", "M"), "A": ("H", "M"), "b": ("K",)}
    >>> dz = r"M \\frac{\\partial J}{\\partial Z_{km}}"
    >>> unparse(to_vectors(p(r"\\sum_{m} " + dz + " A_{hm}"), ("k", "h"), batch, ng, 1))
    '\\\\frac{1}{m} d Z A^{T}'
    >>> unparse(to_vectors(p(r"\\sum_{k} W_{kh} " + dz), ("h", "m"), batch, ng))
    'W^{T} d Z'
    """
    try:
        return _Back(axes, shapes, conventions, scale).expr(node)
    except _NoVector:
        return None


class _NoVector(Exception):
    pass


class _Back:
    """:func:`to_vectors`'s reading (each method raises :class:`_NoVector` for what it cannot)."""

    def __init__(self, axes: tuple[str | None, ...], shapes: Shapes, conventions: Conventions | None = None,
                 scale: int = 0) -> None:
        self.rows, self.cols = (tuple(axes) + (None, None))[:2]
        self.shapes = shapes
        self.conventions = conventions or {}
        self.scale = scale
        #: the factors M of the examples' number a term has left for Ng's dZ (m \partial J / \partial Z)
        self.budget = 0

    def expr(self, node: Node) -> Node:
        if isinstance(node, Add):
            return Add(node.pos, node.end, tuple(self.expr(t) for t in node.terms))
        if isinstance(node, Neg):
            return Neg(node.pos, node.end, self.expr(node.arg))
        return self.term(node)

    def term(self, node: Node) -> Node:
        try:
            return self.plain_term(node)
        except _NoVector:
            if self.cols is not None or not self.conventions.get("examples"):
                raise
        return self.column_sum(node)

    def column_sum(self, node: Node) -> Node:
        """A vector claim's term that sums a matrix over its columns (Ng's ``\\sum_m
        \\sigma'(Z_{km}) M \\frac{\\partial J}{\\partial A_{km}}``): that matrix, read with the
        summed letter as its columns, times the all-ones vector (``(dA * \\sigma'(Z)) \\mathbf{1}``)."""
        summed: list[str] = []
        factors: list[Node] = []
        self.flatten(node, summed, factors)
        ex = self.conventions.get("examples")

        def over(k: str) -> set[str]:  # the ranges the letter k stands for in the term's entries
            return {self.shapes[n.name][p] for f in factors for n in f.walk() if isinstance(n, Sym)
                    and len(self.shapes.get(n.name, ())) == len(n.groups)
                    for p, g in enumerate(n.groups) if g == (k,)}

        for k in sorted(summed, key=lambda x: over(x) != {ex}):  # the examples' letter first
            body: Node = Mul(node.pos, node.end, tuple(factors)) if len(factors) > 1 else factors[0]
            for x in reversed([x for x in summed if x != k]):
                body = SumOp(node.pos, node.end, x, None, None, body)
            try:
                inner = _Back((self.rows, k), self.shapes, self.conventions, self.scale).plain_term(body)
            except _NoVector:
                continue
            ones = Sym(node.end, node.end, ONES, ())
            return Mul(inner.pos, inner.end, _factors(inner) + (ones,))
        raise _NoVector

    def plain_term(self, node: Node) -> Node:
        summed: list[str] = []
        factors: list[Node] = []
        self.flatten(node, summed, factors)
        scalars = [f for f in factors if not _letters(f)]
        rest = [f for f in factors if _letters(f)]
        ex = self.conventions.get("examples")
        sizes = [f for f in scalars if isinstance(f, Sym) and not f.groups and ex and f.name == ex]
        scalars = [f for f in scalars if f not in sizes]
        self.budget = len(sizes)
        cols: list[Node] = []  # elementwise factors over the rows
        rows: list[Node] = []  # ... over the columns (a row vector, transposed at the end)
        mats: list[Node] = []  # ... over the rows and the columns (a matrix)
        for k in summed:
            with_k = [f for f in rest if k in _letters(f)]
            rest = [f for f in rest if k not in _letters(f)]
            prod, matrix = self.contract(k, with_k)
            (mats if matrix else cols).append(prod)
        for f in rest:
            ls = _letters(f)
            if ls == {self.rows}:
                cols.append(self.entry(f, self.rows))
            elif self.cols is not None and ls == {self.cols}:
                rows.append(self.entry(f, self.cols))
            elif self.cols is not None and ls == {self.rows, self.cols} and self.conventions:
                mats.append(self.matrix(f, self.rows, self.cols))
            else:
                raise _NoVector
        if mats and (cols or rows):
            raise _NoVector  # a matrix beside a vector: a broadcast, not read back
        if self.cols is not None and not rows and not mats:
            raise _NoVector  # a matrix that is no outer product: not read back
        # the examples' factors M left over, less the scale undone: m, or 1/m
        left = self.budget - self.scale
        size = Sym(node.pos, node.pos, self.conventions.get("size") or (ex or "m").lower(), ())
        out: list[Node] = [size] * max(0, left) + list(scalars)
        out[:0] = [Div(node.pos, node.pos, Num(node.pos, node.pos, Fraction(1)), size)] * max(0, -left)
        star = self.conventions.get("hadamard") == "*"
        if mats:
            out.append(_hadamard(mats, star))
        if cols:
            out.append(_hadamard(cols, star))
        if rows:
            out.append(Transpose(node.pos, node.end, _hadamard(rows), ""))
        if not out:
            raise _NoVector
        flat = tuple(x for f in out for x in _factors(f))
        return flat[0] if len(flat) == 1 else Mul(node.pos, node.end, flat)

    def flatten(self, node: Node, summed: list[str], factors: list[Node]) -> None:
        if isinstance(node, SumOp):
            if node.lower is not None or node.upper is not None or node.index in (self.rows, self.cols):
                raise _NoVector
            summed.append(node.index)
            self.flatten(node.body, summed, factors)
        elif isinstance(node, Mul):
            for f in node.factors:
                self.flatten(f, summed, factors)
        elif isinstance(node, (Add, Neg)) and _letters(node) & set(summed):
            raise _NoVector
        else:
            factors.append(node)

    def contract(self, k: str, with_k: list[Node]) -> tuple[Node, bool]:
        """``\\sum_k W_{kj} v_k ...``: the matrix (transposed or not) times the vector of the
        factors over ``k`` alone; ``\\sum_k W_{hk} D_{km}`` (a claim with rows ``h`` and columns
        ``m``), the matrix product; ``\\sum_m D_{km}``, the matrix times the all-ones vector.  With
        whether the product is a matrix."""
        if not self.conventions:  # matrices are read back for a file's conventions (Ng's) only
            return self.vector_product(k, with_k), False
        if self.cols is not None and k not in (self.rows, self.cols):
            left = [f for f in with_k if _letters(f) == {self.rows, k}]
            right = [f for f in with_k if _letters(f) == {k, self.cols}]
            if len(left) == 1 and len(right) == 1 and len(with_k) == 2:
                a, b = self.matrix(left[0], self.rows, k), self.matrix(right[0], k, self.cols)
                return Mul(a.pos, b.end, _factors(a) + _factors(b)), True
        if len(with_k) == 1 and _letters(with_k[0]) == {self.rows, k}:  # a matrix times \mathbf{1}
            a = self.matrix(with_k[0], self.rows, k)
            return Mul(a.pos, a.end, _factors(a) + (Sym(a.pos, a.end, ONES, ()),)), False
        return self.vector_product(k, with_k), False

    def matrix(self, f: Node, a: str, b: str) -> Node:
        """A factor over the letters ``a`` (rows) and ``b`` (columns), as the matrix of its
        entries: a declared matrix (``Z_{ba}`` is ``Z^T``), an elementwise function of one, a
        gradient by one (Ng's ``dZ``, ``dW`` under his conventions)."""
        if isinstance(f, Call) and not f.sub:
            return dataclasses.replace(f, arg=self.matrix(f.arg, a, b))
        if isinstance(f, Neg):
            return Neg(f.pos, f.end, self.matrix(f.arg, a, b))
        sym = f.wrt if isinstance(f, Deriv) and f.num is not None and isinstance(f.num, Sym) \
            and not f.num.groups else f
        if not (isinstance(sym, Sym) and len(self.shapes.get(sym.name, ())) == 2
                and sym.groups in (((a,), (b,)), ((b,), (a,)))):
            raise _NoVector
        plain: Node = Sym(sym.pos, sym.end, sym.name, ())
        if sym is not f:
            plain = self.gradient(f, plain)  # type: ignore[arg-type]
        return plain if sym.groups == ((a,), (b,)) else Transpose(f.pos, f.end, plain, "")

    def gradient(self, f: Deriv, wrt: Sym) -> Node:
        """``\\frac{\\partial J}{\\partial Z}`` (a gradient has the shape of what it is by);
        Ng's ``dZ`` (one ``M`` of the term taken: ``dZ`` is ``m \\partial J / \\partial Z``) or
        ``dW`` where his prefix is declared for this cost."""
        c = self.conventions
        if c.get("prefix") and isinstance(f.num, Sym) and f.num.name == c.get("of", "J"):
            batch = c.get("examples") in self.shapes.get(wrt.name, ())
            if not batch or self.budget > 0:
                self.budget -= batch
                return Mul(f.pos, f.end, (Sym(f.pos, f.pos, c["prefix"], ()), wrt))
        return Deriv(f.pos, f.end, f.num, wrt, None)

    def vector_product(self, k: str, with_k: list[Node]) -> Node:
        """``\\sum_k W_{kj} v_k ...``: the matrix (transposed or not) times the vector of the
        factors over ``k`` alone."""
        mats = [f for f in with_k if _letters(f) != {k}]
        vecs = [self.entry(f, k) for f in with_k if _letters(f) == {k}]
        if len(mats) != 1 or not vecs or not isinstance(mats[0], Sym) or len(mats[0].groups) != 2:
            raise _NoVector
        m = mats[0]
        (a,), (b,) = m.groups if all(len(g) == 1 for g in m.groups) else ((None,), (None,))
        if len(self.shapes.get(m.name, ())) != 2 or {a, b} != {k, self.rows}:
            raise _NoVector
        plain = Sym(m.pos, m.end, m.name, ())
        matrix: Node = plain if a == self.rows else Transpose(m.pos, m.end, plain, "")
        return Mul(m.pos, m.end, (matrix, _hadamard(vecs)))

    def entry(self, f: Node, letter: str) -> Node:
        """A factor over the one letter ``letter``, as the vector of its entries."""
        if isinstance(f, Sym) and f.groups == ((letter,),) and len(self.shapes.get(f.name, ())) == 1:
            return Sym(f.pos, f.end, f.name, ())
        if isinstance(f, Call) and not f.sub:
            return dataclasses.replace(f, arg=self.entry(f.arg, letter))
        if isinstance(f, Neg):
            return Neg(f.pos, f.end, self.entry(f.arg, letter))
        if isinstance(f, Add) and all(_letters(t) == {letter} for t in f.terms):
            return Add(f.pos, f.end, tuple(self.entry(t, letter) for t in f.terms))
        if (isinstance(f, Deriv) and f.num is not None and isinstance(f.num, Sym) and not f.num.groups
                and isinstance(f.wrt, Sym) and f.wrt.groups == ((letter,),)
                and len(self.shapes.get(f.wrt.name, ())) == 1):
            return Nabla(f.pos, f.end, Sym(f.wrt.pos, f.wrt.end, f.wrt.name, ()), f.num)
        raise _NoVector


def _letters(node: Node) -> set[str]:
    """The index letters a node's symbols, derivatives and functions carry (free or not)."""
    out: set[str] = set()
    for n in node.walk():
        if isinstance(n, (Sym, Kron)):
            out |= set(n.letters)
        if isinstance(n, Call) and n.sub:
            raise _NoVector
        if isinstance(n, Kron):
            raise _NoVector
    return out


def _factors(node: Node) -> tuple[Node, ...]:
    """The factors of a product (a product of products flattened: ``d Z A^T``, not ``(d Z) A^T``)."""
    return node.factors if isinstance(node, Mul) else (node,)


def _hadamard(fs: list[Node], star: bool = False) -> Node:
    """The elementwise product of ``fs`` (written ``*`` where the file writes it so: Ng's)."""
    ops = ("*",) * (len(fs) - 1) if star else ()
    return fs[0] if len(fs) == 1 else Hadamard(fs[0].pos, fs[-1].end, tuple(fs), ops)


#: the ranges a generic forward equation's layers are translated with: the layer ``l`` itself
#: and the layer below it (each layer its own width; the template renames the letters per layer)
_LAYER_RANGES = {0: "J", -1: "I"}
#: bound on the shapes tried for the parameters of one generic forward equation
MAX_SHAPE_TRIALS = 256


def generic_index_form(tpl: Any) -> list[str]:  # a Template (engine.generic imports this module)
    """A generic forward pass written with vectors (Nielsen's ``z^l = w^l a^{l-1} + b^l``,
    ``a^l = \\sigma(z^l)``; Goodfellow's ``\\boldsymbol{a}^{(k)} = \\boldsymbol{b}^{(k)} +
    \\boldsymbol{W}^{(k)} \\boldsymbol{h}^{(k-1)}``), each line in index notation (lines
    written with indices as they are).  ``tpl`` is a :class:`symbp.engine.generic.Template`
    (its ``prepare``, ``split``, ``show``, ``params``, ``functions``, ``lines``).  A line is vector
    notation when a family it writes with a layer has no index, or it writes a vector operation.
    No shape is declared: a family of the forward pass written with a layer is the vector of that
    layer's units; each parameter's shape (a number, a vector of a layer, a matrix joining two)
    is inferred, the one that makes the equation's shapes fit; none or more than one is a
    :class:`~symbp.errors.DeclarationError` that asks for the line with indices.  With the
    template's ``batch`` (the examples' range, Ng's ``% symbp: examples M : m``), such a family
    is the matrix of its layer's units by the examples (``Z^{[l]}``, ``A^{[l-1]}``), a parameter
    has no examples' axis, and a vector added to a batch matrix is broadcast along it.

    >>> from symbp.engine.generic import Template
    >>> t = Template("layers", "l", "L", [r"z^l = w^l a^{l-1} + b^l", r"a^l = \\sigma(z^l)"])
    >>> t.lines
    ['z^l_{j} = \\\\sum_{i} w^l_{ji} a^{l-1}_{i} + b^l_{j}', 'a^l_{j} = \\\\sigma(z^l_{j})']
    """
    from itertools import product as cartesian

    from ..errors import DeclarationError
    from ..latex.parser import parse_chain

    out: list[str] = []
    params = set(getattr(tpl, "params", ()))
    batch = getattr(tpl, "batch", "")
    if batch in _LAYER_RANGES.values():
        raise DeclarationError(f"the examples' range {batch} is the name of a layer's units here",
                               hint="name the examples' range otherwise: '% symbp: examples M : m'")
    conventions: Conventions = {"examples": batch} if batch else {}  # W A + b: b broadcast
    fixed: dict[str, tuple[str, ...] | None] = {}  # a parameter's shape, once a line has fixed it
    for k, src in enumerate(tpl.lines):
        text, where = tpl.prepare(src)
        try:
            chain = parse_chain(text, tpl.functions_in(text))
        except InputError:
            out.append(src)  # the template reports it
            continue
        marked: list[tuple[Sym, str, object]] = []
        for side in chain.sides:
            for n in side.walk():
                if isinstance(n, Sym) and not n.groups:
                    base, mark = tpl.split(n.name)
                    if mark is not None:
                        marked.append((n, base, mark))
        lhs = chain.sides[0]
        vector_lhs = (isinstance(lhs, Sym) and not lhs.groups
                      and tpl.split(lhs.name)[1] is not None)
        if not vector_lhs and not any(isinstance(n, VECTOR_NODES) for s in chain.sides for n in s.walk()):
            out.append(src)
            continue

        def at(node: Node, where: list[int] = where) -> int:
            return where[min(node.pos, len(where) - 1)] if where else node.pos

        shapes: Shapes = {}
        free: dict[str, list[str]] = {}  # parameter -> its names in this line
        for n, base, mark in marked:
            off = getattr(mark, "offset", 0)
            if base in params:
                free.setdefault(base, []).append(n.name)
            elif off in _LAYER_RANGES:  # with a batch, a column per example (Ng's Z^{[l]}, A^{[l-1]})
                shapes[n.name] = (_LAYER_RANGES[off], batch) if batch else (_LAYER_RANGES[off],)
        ranges = sorted({r for s in shapes.values() for r in s} - {batch})  # a parameter has no example
        options: list[tuple[str, ...] | None] = [None, *((r,) for r in ranges),
                                                 *((r, c) for r in ranges for c in ranges)]
        names = sorted(free)
        choices = [[fixed[p]] if p in fixed else options for p in names]
        fits: list[tuple[tuple[tuple[str, ...] | None, ...], Read]] = []
        for trial, combo in enumerate(cartesian(*choices)):
            if trial >= MAX_SHAPE_TRIALS:
                break
            table = dict(shapes)
            for p, shape in zip(names, combo):
                if shape is not None:
                    table.update({name: shape for name in free[p]})
            try:
                read = translate(chain, table, conventions=conventions)
            except InputError:
                continue
            if isinstance(read, Read):
                fits.append((combo, read))
        if len(fits) != 1:
            written = tpl.show(unparse(lhs))
            why = ("the shapes of this forward equation fit no shape of its parameters"
                   if not fits else "the shapes of this forward equation fit more than one reading of "
                   f"its parameters ({', '.join(names)})")
            exc = DeclarationError(
                f"{why}: each family written with a layer is the vector of that layer's units",
                offset=at(lhs),
                width=max(1, where[min(lhs.end, len(where)) - 1] + 1 - at(lhs) if where else 1),
                hint=f"write it with indices, as {written}_j = \\sum_k w^{{...}}_{{jk}} ... ")
            exc.forward_index = k
            raise exc
        combo, read = fits[0]
        fixed.update(zip(names, combo))
        out.append(tpl.show(" = ".join(unparse(s) for s in read.sides)))
    return out
