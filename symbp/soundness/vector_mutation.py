"""Soundness of the vector notation, measured: mutants of every vector equation that verifies.

For every link written with vectors and matrices in the derivation files (an algorithm's
assignments aside) that the checker verifies, this module generates the slips of that notation
(:data:`VECTOR_MUTANT_CLASSES`): drop a transpose, a Hadamard product written as a matrix
product, a matrix product written as a Hadamard product, the same link read in the other
layout, two factors of a product swapped (the layout of a batch: Ng's examples in the
columns, ``dZ A^T``, read as if they stood in the rows, ``A^T dZ``), and an average over the
examples without its ``\\frac{1}{m}``.  Each mutant is printed,
read back, checked by :func:`symbp.checker.files.check_vector_chain`, and classified
independently: its shapes by a rule of this module's own (rows and columns, no translation),
and, when they fit, its value by :mod:`symbp.soundness.oracle` on the index form.  A mutant
whose shapes do not fit is ``ill-formed`` (killed by ``refuted`` or ``error``); a ``different``
one must be ``refuted``; a non-equivalent mutant verified is a soundness bug.

Room ``symbp.soundness``; imports the checker (:mod:`symbp.checker.files`,
:mod:`symbp.checker.generic`), :mod:`symbp.document`, the engine's translation and generic
template, the :mod:`symbp.latex` room and :mod:`symbp.soundness.mutation`'s report.

A file about a generic layer ``l`` (``% symbp: layers l = 1..L``) has its vector claims mutated
the same way, written generically (``(w^{l+1})^T \\delta^{l+1}`` loses its transpose); each
mutant is checked as a claim about every layer (:func:`symbp.checker.generic.check_generic`), and
classified at every layer of the networks unrolled to depths 2 and 3 (ill-formed at one of them,
different at one, else equivalent).

>>> report = run(["derivations/nielsen_matrix.tex"])
>>> report.unsound, report.kill_rate == 1.0
([], True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from ..checker.files import check_unrolled, check_vector_chain, family_shapes
from ..checker.generic import check_generic
from ..checker.results import AT_SIZES, VERIFIED
from ..document import derivation_files, load
from ..engine.generic import Invalid, Template
from ..engine.vector import DIAG, ONES, Mismatch, column_of, needs_translation, translate
from ..errors import SymbpError
from ..latex.ast import (
    Add,
    Call,
    Chain,
    Deriv,
    Div,
    Hadamard,
    Mul,
    Nabla,
    Neg,
    Node,
    Num,
    SumOp,
    Sym,
    Transpose,
)
from ..latex.parser import parse_chain
from ..latex.unparse import unparse
from ..model.network import Network
from . import oracle
from .mutation import Outcome, Report

__all__ = ["DISAGREES", "VECTOR_MUTANT_CLASSES", "run"]

VECTOR_MUTANT_CLASSES = ("drop-transpose", "hadamard-to-product", "product-to-hadamard", "other-layout",
                         "swap-factors", "drop-average")
#: the value-level slips of a generic vector claim (its shapes may fit): a derivative for the
#: function (sigma for sigma'), a factor of a Hadamard product or a term dropped, a layer shifted
#: by one (l+1 -> l inside a transpose, \delta^l for \delta^{l+1})
GENERIC_VALUE_CLASSES = ("derivative-to-function", "drop-factor", "drop-term", "layer-shift")
#: the message of an outcome where this module's shape rules and the translator's disagree
DISAGREES = "the translator disagrees on the shapes"


class _IllFormed(Exception):
    pass


Shape = tuple[str | None, str | None]  # rows, columns (None: 1; ANY: the all-ones vector's, any size)
ANY = "*"


def _meet(a: str | None, b: str | None) -> str | None:
    """The size two axes share (``ANY`` fits any size but 1), else :class:`_IllFormed`."""
    if a == b:
        return a
    if a is not None and b is not None and ANY in (a, b):
        return b if a == ANY else a
    raise _IllFormed


def _shape(node: Node, shapes: dict[str, tuple[str, ...]], layout: str,  # noqa: C901 - one case a node
           examples: str | None = None) -> Shape:
    """Rows and columns by the rules of linear algebra, independently of the translator; with the
    ``examples`` range, NumPy's broadcasting of a column vector across a matrix's examples."""
    def of(sym: Sym) -> Shape:
        if sym.name == ONES and not sym.groups:
            return (ANY, None)
        column = column_of(sym.name, shapes) if not sym.groups else None
        if column is not None:  # Ng's Z^{[l](i)}: a column of the batch matrix
            return (shapes[column[0]][0], None)
        s = shapes.get(sym.name, ()) if not sym.groups else ()
        return (s[0] if s else None, s[1] if len(s) > 1 else None)

    def sh(x: Node) -> Shape:
        return _shape(x, shapes, layout, examples)
    if isinstance(node, Sym):
        return of(node)
    if isinstance(node, Num):
        return (None, None)
    if isinstance(node, Transpose):
        r, c = sh(node.arg)
        return (c, r)
    if isinstance(node, (Neg, Call)):
        return sh(node.arg)
    if isinstance(node, SumOp):  # a sum of vectors (the columns of a batch) has their shape
        return sh(node.body)
    if isinstance(node, Div):
        if sh(node.den) != (None, None):
            raise _IllFormed
        return sh(node.num)
    if isinstance(node, (Nabla, Deriv)):
        of_what = node.body if isinstance(node, Nabla) or node.num is None else node.num
        if sh(of_what) != (None, None):
            raise _IllFormed
        r, c = of(node.wrt)
        return (r, c) if isinstance(node, Nabla) or layout == "gradient" else (c, r)
    if isinstance(node, (Add, Hadamard)):
        parts = [sh(x) for x in node.children()]
        wide = next((p for p in parts if p[0] is not None and p[1] == examples is not None), None)
        out = parts[0] if wide is None or not isinstance(node, Add) else wide
        for p in parts:
            if isinstance(node, Add) and wide is not None and p[1] is None and p[0] is not None:
                p = (p[0], examples)  # broadcast along the examples
            out = (_meet(out[0], p[0]), _meet(out[1], p[1]))
        return out
    if isinstance(node, Mul):
        factors: list[Shape] = []
        k = 0
        while k < len(node.factors):
            f = node.factors[k]
            if isinstance(f, Sym) and f.name == DIAG and not f.groups and k + 1 < len(node.factors):
                r, c = sh(node.factors[k + 1])
                if r is None or c is not None:
                    raise _IllFormed
                factors.append((r, r))
                k += 2
                continue
            factors.append(sh(f))
            k += 1
        acc = factors[0]
        for nxt in factors[1:]:
            if acc == (None, None):
                acc = nxt
            elif nxt != (None, None):
                if acc[1] is None and nxt[0] is None:
                    acc = (acc[0], nxt[1])  # an outer product
                    continue
                if _meet(acc[1], nxt[0]) == ANY:
                    raise _IllFormed  # no size to infer
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


def _mutants(lhs: Node, rhs: Node, bound: frozenset[str] = frozenset({DIAG}), size: str | None = None
             ) -> Iterator[tuple[str, Node, Node, bool]]:
    """``(class, lhs', rhs', other layout)`` for every vector mutant of the link; ``bound``: the
    names that take the factor after them, never swapped away from it; ``size``: how the number
    of the examples is written (Ng's ``m``), whose ``\\frac{1}{m}`` an average may lose."""
    for k, side in enumerate((lhs, rhs)):
        for path, n in _subtrees(side):
            new: Node | None = None
            if (size and isinstance(n, Div) and isinstance(n.den, Sym) and not n.den.groups
                    and n.den.name == size):
                yield "drop-average", *_sides(k, lhs, rhs, _put(side, path, n.num)), False
            if isinstance(n, Transpose):
                yield "drop-transpose", *_sides(k, lhs, rhs, _put(side, path, n.arg)), False
            if isinstance(n, Hadamard):
                new = Mul(n.pos, n.end, n.factors)
                yield "hadamard-to-product", *_sides(k, lhs, rhs, _put(side, path, new)), False
            if isinstance(n, Mul) and len(n.factors) > 1:
                new = Hadamard(n.pos, n.end, n.factors)
                yield "product-to-hadamard", *_sides(k, lhs, rhs, _put(side, path, new)), False
                for j in range(len(n.factors) - 1):
                    a, b = n.factors[j], n.factors[j + 1]
                    if any(isinstance(x, Sym) and not x.groups and x.name in bound for x in (a, b)):
                        continue  # diag and a gradient prefix take the factor after them
                    fs = n.factors[:j] + (b, a) + n.factors[j + 2:]
                    new = Mul(n.pos, n.end, fs)
                    yield "swap-factors", *_sides(k, lhs, rhs, _put(side, path, new)), False
    yield "other-layout", lhs, rhs, True


def _value_mutants(tpl: Template, lhs: Node, rhs: Node) -> Iterator[tuple[str, Node, Node, bool]]:
    """The value-level slips of a generic vector claim (:data:`GENERIC_VALUE_CLASSES`)."""
    for k, side in enumerate((lhs, rhs)):
        for path, n in _subtrees(side):
            if isinstance(n, Call) and n.order > 0:
                new = dataclasses.replace(n, order=0)
                yield "derivative-to-function", *_sides(k, lhs, rhs, _put(side, path, new)), False
            if isinstance(n, Hadamard) and len(n.factors) > 1:
                for j in range(len(n.factors)):
                    fs = n.factors[:j] + n.factors[j + 1:]
                    new = fs[0] if len(fs) == 1 else dataclasses.replace(n, factors=fs,
                                                                         ops=n.ops[:len(fs) - 1])
                    yield "drop-factor", *_sides(k, lhs, rhs, _put(side, path, new)), False
            if isinstance(n, Add) and len(n.terms) > 1:
                for j in range(len(n.terms)):
                    ts = n.terms[:j] + n.terms[j + 1:]
                    new = ts[0] if len(ts) == 1 else dataclasses.replace(n, terms=ts)
                    yield "drop-term", *_sides(k, lhs, rhs, _put(side, path, new)), False
            if isinstance(n, Sym) and not n.groups:
                base, mark = tpl.split(n.name)
                if mark is None:
                    continue
                for d in (-1, 1):
                    off = mark.offset + d
                    letter = tpl.var if mark.kind == "var" else tpl.depth
                    text = letter if off == 0 else f"{letter}{off:+d}"
                    shown = f"{mark.shown[0]}{text}{mark.shown[-1]}" if mark.shown else ""
                    new_mark = dataclasses.replace(mark, offset=off, text=text, shown=shown)
                    new = dataclasses.replace(n, name=tpl.marked(base, new_mark))
                    yield "layer-shift", *_sides(k, lhs, rhs, _put(side, path, new)), False


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
        ex = net.conventions.get("examples")
        left, right = (_shape(x, net.shapes, net.layout, ex) for x in chain.sides)
        _ = _meet(left[0], right[0]), _meet(left[1], right[1])
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


#: the unrolled depths a generic mutant is classified at
GENERIC_TRUTH_DEPTHS = (2, 3)


def _flip(layout: str) -> str:
    return "numerator" if layout == "gradient" else "gradient"


def _generic_check(flip: bool):  # noqa: ANN202 - the instance check of check_generic
    def check(net: Network, chain: Chain) -> list:
        if not flip:
            return check_unrolled(net, chain)
        shapes = net.shapes or family_shapes(net)
        return check_unrolled(dataclasses.replace(net, layout=_flip(net.layout), shapes=shapes), chain)
    return check


def _generic_truth(tpl: Template, chain: Chain, flip: bool) -> str | None:
    """The value of a generic vector mutant at every layer of the unrolled networks: ill-formed
    (its shapes, by this module's rules) or different at one, else equivalent; ``None`` when it
    fits no layer of them, or the translator disagrees on the shapes (:data:`DISAGREES`)."""
    at_depth = {m.kind for _, m in tpl.claim_marks(chain)} == {"depth"}
    answers = []
    for depth in GENERIC_TRUTH_DEPTHS:
        for layer in ([None] if at_depth else range(0, depth + 2)):
            try:
                inst = tpl.instance(chain, layer, depth)
            except Invalid:
                continue
            net = tpl.network(depth, equal=bool(inst.conflicts))
            shapes = family_shapes(net)
            layout = _flip(net.layout) if flip else net.layout
            try:
                left, right = (_shape(x, shapes, layout) for x in inst.chain.sides)
                _ = _meet(left[0], right[0]), _meet(left[1], right[1])
            except _IllFormed:
                return oracle.ILL_FORMED
            read = translate(inst.chain, shapes, layout, net.range_letter, net.conventions)
            if isinstance(read, Mismatch):
                return DISAGREES
            answers.append(oracle.compare(net, read.sides[0], read.sides[1]))
    if not answers:
        return None
    return oracle.DIFFERENT if oracle.DIFFERENT in answers else answers[0] if len(set(answers)) == 1 \
        else oracle.ILL_FORMED


def _vectorial(tpl: Template, chain: Chain) -> bool:
    """Whether a generic claim is written with vectors (at the first layer it has an instance)."""
    for layer in (None, 1, 2):
        try:
            inst = tpl.instance(chain, layer, 2)
        except (Invalid, SymbpError):
            continue
        return needs_translation(inst.chain, family_shapes(tpl.network(2, equal=bool(inst.conflicts))))
    return False


def _run_generic(report: Report, f: Path, tpl: Template, d) -> None:  # noqa: ANN001
    for eq in d.equations:
        if eq.chain is None or eq.error is not None or len(eq.chain.rels) != 1:
            continue
        if not _vectorial(tpl, eq.chain):
            continue  # index notation: the generic harness's
        lhs, rhs = eq.chain.sides
        (r,) = check_generic(tpl, Chain((lhs, rhs), ("=",)), check_unrolled)
        if r.verdict not in (VERIFIED, AT_SIZES):
            continue
        report.links += 1
        seen = {(False, lhs.key(), rhs.key())}
        size = tpl.dressing.get("conventions", {}).get("size")
        for cls, a, b, flip in (*_mutants(lhs, rhs, size=size), *_value_mutants(tpl, lhs, rhs)):
            key = (flip, a.key(), b.key())
            if key in seen:
                continue
            seen.add(key)
            chain = Chain((a, b), ("=",))
            text = tpl.show(f"{unparse(a)} = {unparse(b)}")
            try:
                (res,) = check_generic(tpl, chain, _generic_check(flip))
                truth = _generic_truth(tpl, chain, flip)
            except SymbpError:
                continue
            if truth is None:
                continue
            if truth == DISAGREES:
                report.outcomes.append(Outcome("mutant", cls, f"{f}:{eq.line}", text, oracle.EQUIVALENT,
                                               res.verdict, f"{DISAGREES}", res.suggestion))
                continue
            report.outcomes.append(Outcome("mutant", cls, f"{f}:{eq.line}", text, truth, res.verdict,
                                           res.message, res.suggestion))


def run(paths: list[str | Path]) -> Report:
    """The vector mutants of every verified vector link of the files, checked and classified.

    >>> r = run(["derivations/generic/nielsen_matrix_bp.tex"])
    >>> r.links, r.unsound, r.survivors
    (6, [], [])
    """
    report = Report()
    for f in derivation_files(paths)[0]:
        d = load(f)
        if d.generic is not None:
            _run_generic(report, f, d.generic, d)
            continue
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
                bound = frozenset({DIAG, net.conventions.get("prefix", DIAG)})
                for cls, a, b, flip in _mutants(lhs, rhs, bound, net.conventions.get("size")):
                    o = _judge(flipped if flip else net, f"{f}:{eq.line}", cls, a, b, seen)
                    if o is not None:
                        report.outcomes.append(o)
    return report
