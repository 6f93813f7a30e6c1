"""Soundness of the vector notation, measured: mutants of every vector equation that verifies.

For every link written with vectors and matrices in the derivation files (an algorithm's
assignments aside) that the checker verifies, this module generates the slips of that notation
(:data:`VECTOR_MUTANT_CLASSES`): drop a transpose, a Hadamard product written as a matrix
product, a matrix product written as a Hadamard product, and the same link read in the other
layout.  Each mutant is printed, read back, checked by
:func:`symbp.checker.files.check_vector_chain`, and classified independently: its shapes by a
rule of this module's own (rows and columns, no translation), and, when they fit, its value by
:mod:`symbp.soundness.oracle` on the index form.  A mutant whose shapes do not fit is
``ill-formed`` (killed by ``refuted`` or ``error``); a ``different`` one must be ``refuted``; a
non-equivalent mutant verified is a soundness bug.

Room ``symbp.soundness``; imports the checker, :mod:`symbp.document`, the engine's translation,
the :mod:`symbp.latex` room and :mod:`symbp.soundness.mutation`'s report.

>>> report = run(["derivations/nielsen_matrix.tex"])
>>> report.unsound, report.kill_rate == 1.0
([], True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from ..checker.files import check_vector_chain
from ..checker.results import AT_SIZES, VERIFIED
from ..document import derivation_files, load
from ..engine.vector import Mismatch, translate
from ..errors import SymbpError
from ..latex.ast import Add, Call, Chain, Deriv, Div, Hadamard, Mul, Nabla, Neg, Node, Num, Sym, Transpose
from ..latex.parser import parse_chain
from ..latex.unparse import unparse
from ..model.network import Network
from . import oracle
from .mutation import Outcome, Report

__all__ = ["DISAGREES", "VECTOR_MUTANT_CLASSES", "run"]

VECTOR_MUTANT_CLASSES = ("drop-transpose", "hadamard-to-product", "product-to-hadamard", "other-layout")
#: the message of an outcome where this module's shape rules and the translator's disagree
DISAGREES = "the translator disagrees on the shapes"


class _IllFormed(Exception):
    pass


Shape = tuple[str | None, str | None]  # rows, columns (None: 1)


def _shape(node: Node, shapes: dict[str, tuple[str, ...]], layout: str) -> Shape:
    """Rows and columns by the rules of linear algebra, independently of the translator."""
    def of(sym: Sym) -> Shape:
        s = shapes.get(sym.name, ()) if not sym.groups else ()
        return (s[0] if s else None, s[1] if len(s) > 1 else None)
    if isinstance(node, Sym):
        return of(node)
    if isinstance(node, Num):
        return (None, None)
    if isinstance(node, Transpose):
        r, c = _shape(node.arg, shapes, layout)
        return (c, r)
    if isinstance(node, (Neg, Call)):
        return _shape(node.arg, shapes, layout)
    if isinstance(node, Div):
        if _shape(node.den, shapes, layout) != (None, None):
            raise _IllFormed
        return _shape(node.num, shapes, layout)
    if isinstance(node, (Nabla, Deriv)):
        of_what = node.body if isinstance(node, Nabla) or node.num is None else node.num
        if _shape(of_what, shapes, layout) != (None, None):
            raise _IllFormed
        r, c = of(node.wrt)
        return (r, c) if isinstance(node, Nabla) or layout == "gradient" else (c, r)
    if isinstance(node, (Add, Hadamard)):
        parts = {_shape(x, shapes, layout) for x in node.children()}
        if len(parts) > 1:
            raise _IllFormed
        return parts.pop()
    if isinstance(node, Mul):
        acc = _shape(node.factors[0], shapes, layout)
        for f in node.factors[1:]:
            nxt = _shape(f, shapes, layout)
            if acc == (None, None):
                acc = nxt
            elif nxt != (None, None):
                if acc[1] != nxt[0]:
                    raise _IllFormed
                acc = (acc[0], nxt[1])
        return acc
    raise _IllFormed


def _subtrees(node: Node, path: tuple = ()) -> Iterator[tuple[tuple, Node]]:
    yield path, node
    for f in dataclasses.fields(node):
        val = getattr(node, f.name)
        if isinstance(val, Node):
            yield from _subtrees(val, path + ((f.name, None),))
        elif isinstance(val, tuple):
            for k, x in enumerate(val):
                if isinstance(x, Node):
                    yield from _subtrees(x, path + ((f.name, k),))


def _put(node: Node, path: tuple, new: Node) -> Node:
    if not path:
        return new
    (name, k), rest = path[0], path[1:]
    val = getattr(node, name)
    if k is None:
        return dataclasses.replace(node, **{name: _put(val, rest, new)})
    return dataclasses.replace(node, **{name: val[:k] + (_put(val[k], rest, new),) + val[k + 1:]})


def _mutants(lhs: Node, rhs: Node) -> Iterator[tuple[str, Node, Node, bool]]:
    """``(class, lhs', rhs', other layout)`` for every vector mutant of the link."""
    for k, side in enumerate((lhs, rhs)):
        for path, n in _subtrees(side):
            new: Node | None = None
            if isinstance(n, Transpose):
                yield "drop-transpose", *_sides(k, lhs, rhs, _put(side, path, n.arg)), False
            if isinstance(n, Hadamard):
                new = Mul(n.pos, n.end, n.factors)
                yield "hadamard-to-product", *_sides(k, lhs, rhs, _put(side, path, new)), False
            if isinstance(n, Mul) and len(n.factors) > 1:
                new = Hadamard(n.pos, n.end, n.factors)
                yield "product-to-hadamard", *_sides(k, lhs, rhs, _put(side, path, new)), False
    yield "other-layout", lhs, rhs, True


def _sides(k: int, lhs: Node, rhs: Node, new: Node) -> tuple[Node, Node]:
    return (new, rhs) if k == 0 else (lhs, new)


def _judge(net: Network, source: str, cls: str, lhs: Node, rhs: Node, seen: set) -> Outcome | None:
    try:
        text = f"{unparse(lhs)} = {unparse(rhs)}"
        chain = parse_chain(text, net.functions)
    except SymbpError:
        return None
    key = (net.layout, chain.sides[0].key(), chain.sides[1].key())
    if key in seen:
        return None
    seen.add(key)
    (res,) = check_vector_chain(net, chain)
    try:
        if _shape(chain.sides[0], net.shapes, net.layout) != _shape(chain.sides[1], net.shapes, net.layout):
            raise _IllFormed
        read = translate(chain, net.shapes, net.layout, net.range_letter, net.conventions)
        if isinstance(read, Mismatch):  # the rules above say the shapes fit: a translator bug,
            # shown as a refuted equivalent (its value unknown, it counts as no kill)
            return Outcome("mutant", cls, source, text, oracle.EQUIVALENT, res.verdict,
                           f"{DISAGREES}: {read.message}", res.suggestion)
        truth = oracle.compare(net, read.sides[0], read.sides[1])
    except _IllFormed:
        truth = oracle.ILL_FORMED
    except SymbpError:
        return None
    return Outcome("mutant", cls, source, text, truth, res.verdict, res.message, res.suggestion)


def run(paths: list[str | Path]) -> Report:
    """The vector mutants of every verified vector link of the files, checked and classified."""
    report = Report()
    for f in derivation_files(paths)[0]:
        d = load(f)
        net = d.network
        flipped = dataclasses.replace(net, layout="numerator" if net.layout == "gradient" else "gradient")
        for eq in d.equations:
            if eq.written is None or eq.vector is not eq.written or eq.chain is None:
                continue  # not vector notation, or an algorithm's g substituted
            for k in range(len(eq.written.rels)):
                lhs, rhs = eq.written.sides[k], eq.written.sides[k + 1]
                (r,) = check_vector_chain(net, Chain((lhs, rhs), ("=",)))
                if r.verdict not in (VERIFIED, AT_SIZES):
                    continue
                report.links += 1
                seen = {(net.layout, lhs.key(), rhs.key())}
                for cls, a, b, flip in _mutants(lhs, rhs):
                    o = _judge(flipped if flip else net, f"{f}:{eq.line}", cls, a, b, seen)
                    if o is not None:
                        report.outcomes.append(o)
    return report
