"""Checking what the user hands over: one equation against a network, a derivation file, files
and folders; every result placed at its file, line and column.

Room ``symbp.checker``.  Imports the derivation files (:mod:`symbp.document`), the network
declarations (:mod:`symbp.engine.declare`), the vector notation's translation
(:mod:`symbp.engine.vector`), the parser, :mod:`symbp.checker.pipeline`, :mod:`symbp.checker.generic`
(lazily: it takes this module's :func:`check_unrolled` as a parameter, never imports it) and the
process pool of :mod:`symbp.parallel`.

>>> from symbp import builtin
>>> [r.verdict for r in check_equation(r"\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k", builtin("plain"))]
['verified']
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from .. import diagnoses as dx
from ..document import (
    Derivation,
    Equation,
    LineIndex,
    Unread,
    bare_label_problem,
    derivation_files,
    load,
    strip_label,
)
from ..engine.declare import BUILTINS, builtin
from ..engine.vector import ONES, Mismatch, Read, needs_translation, to_vectors, translate, vector_factor
from ..errors import InputError, Location, NotationError, SymbpError, locate
from ..latex.ast import Add, Chain, Deriv, Div, Hadamard, Mul, Neg, Node, Num, SumOp, Sym, Transpose
from ..latex.edit import map_children, swap_node
from ..latex.parser import parse_chain, parse_expression
from ..latex.unparse import unparse
from ..model.network import Network
from ..parallel import import_sympy, map_files
from .pipeline import check_chain
from .report import Report
from .results import ERROR, REFUTED, VERIFIED, LinkResult

_SPACE = re.compile(r"\s*")

__all__ = ["check_derivation_equation", "check_equation", "check_file", "check_paths", "check_vector_chain",
           "load_network"]


def load_network(context: str | os.PathLike[str]) -> Network:
    """A built-in network by name (``plain``, ``shared``) or the network of a derivation file.

    >>> load_network("shared").composites
    {'m': ('j', 'l')}
    >>> load_network("derivations").sizes
    Traceback (most recent call last):
    ...
    symbp.errors.NotationError: no built-in network and no file named 'derivations'
    hint: use plain, shared or the path of a derivation file
    """
    if isinstance(context, str) and context in BUILTINS:
        return builtin(context)
    p = Path(context)
    # a folder is no network either; a special file (a FIFO, /dev/zero) is refused by load, unread
    if not p.exists() or p.is_dir():
        raise NotationError(f"no built-in network and no file named {os.fspath(context)!r}",
                            hint=f"use {', '.join(BUILTINS)} or the path of a derivation file")
    return load(p).network


def check_equation(source: str, net: Network | str = "plain") -> list[LinkResult]:
    """Check one LaTeX equation (a chain ``A = B = C`` gives one result per link)."""
    if isinstance(net, str):
        net = load_network(net)
    text, label = strip_label(source)
    try:
        problem = bare_label_problem(label, net)
        if problem is not None:
            raise NotationError(problem, offset=text.rstrip().__len__(), hint=(
                f"write \\tag{{{label[1:-1]}}} or \\quad \\text{{{label}}} for a label, "
                f"{label[1:-1]} with \\cdot for a factor"), code="ambiguous-reading")
        chain = parse_chain(text, net.functions)
        if not chain.rels:
            raise InputError("no '=' or '\\equiv': nothing to check", offset=0, code="nothing-to-check",
                             hint="write an equation such as \\delta_j = ...")
        if chain.rels[0] == "\\leftarrow":
            raise InputError("an assignment \\leftarrow defines a name for the equations after it: "
                             "alone, there is nothing to check", offset=0, code="nothing-to-check",
                             hint="check it in a derivation file, before the equations that use it")
    except InputError as exc:
        exc.at(source, None)
        return [LinkResult(source.strip(), ERROR, exc.brief(), caret=exc.caret,
                           line=exc.location.line if exc.location else 0,
                           column=exc.location.column if exc.location else 0,
                           label=label or "(1)", error=type(exc).__name__, code=exc.code)]
    results = check_vector_chain(net, chain)
    for r in results:
        r.label = label or "(1)"
        # a link stands at its left side (strip_label keeps offsets: text is as long as source)
        _place(r, source, None, chain.sides[r.link - 1].pos if r.link - 1 < len(chain.sides) else 0)
    return results


def _place(r: LinkResult, text: str, file: str | None, base: int, lines: LineIndex | None = None) -> None:
    """Line and column of a result: the offending token for an input error, else the equation
    (through the file's line index when there is one: no rescan of the text per result)."""
    where = lines.locate if lines is not None else (lambda offset: locate(text, offset, file))
    if r.span is not None:
        loc = where(base + r.span[0])
        r.line, r.column, r.caret = loc.line, loc.column, loc.caret(r.span[1])
    elif not r.line:
        lead = _SPACE.match(text, base).end() - base
        loc = where(base + lead)
        r.line, r.column = loc.line, loc.column


def check_file(path: str | Path | Derivation) -> list[LinkResult]:
    """Check every equation of a derivation file.  Raises :class:`InputError` only when the file
    cannot be read or its network declaration is broken; a broken equation is an ``error`` result."""
    deriv = path if isinstance(path, Derivation) else load(path)
    out: list[LinkResult] = []
    for eq in deriv.equations:
        out += check_derivation_equation(deriv, eq)
    return out


def check_derivation_equation(deriv: Derivation, eq: Equation) -> list[LinkResult]:
    """The results of one equation of a loaded derivation file, placed in the file."""
    deriv.complete()  # loaded under document.deferred_translation: its translations first
    if eq.error is not None or (eq.chain is None and eq.mismatch is None):
        loc = eq.error.location if eq.error is not None else None
        return [LinkResult(eq.text.strip(), ERROR,
                           eq.error.brief() if eq.error else "unparsed", file=eq.file,
                           line=loc.line if loc else eq.line,
                           column=loc.column if loc else eq.column, label=eq.label,
                           expected=eq.expectation(1), caret=eq.error.caret if eq.error else None,
                           error=type(eq.error).__name__ if eq.error else None,
                           code=eq.error.code if eq.error else None,
                           expected_code=eq.expected_code(1))]
    out = []
    problem = bare_label_problem(eq.label, deriv.network)
    if problem is not None:  # (BP3) after a \quad: a label, or the factor B P 3?
        return [LinkResult(eq.text.strip(), ERROR, f"{problem} (hint: write \\tag{{{eq.label[1:-1]}}} "
                           f"for a label, {' '.join(eq.label[1:-1])} with \\cdot for a factor)",
                           file=eq.file, line=eq.line, column=eq.column, label=eq.label,
                           expected=eq.expectation(1), error="NotationError", code="ambiguous-reading",
                           expected_code=eq.expected_code(1))]
    if eq.mismatch is not None and eq.written is not None:
        if eq.vector is not None:
            results = check_vector_chain(deriv.network, eq.vector)
            _as_written(results, eq.written, None)
            if eq.vector is not eq.written:  # positions from the assignments substituted: none
                for r in results:
                    r.span = None
        else:  # an assignment whose shapes do not fit
            results = [_mismatch(_link_text(eq.written, 0), eq.mismatch, 1, 1)]
    elif deriv.generic is not None:  # a layer l of every depth: unrolled and by a window
        from .generic import check_generic
        results = check_generic(deriv.generic, eq.chain, check_unrolled)
    else:
        results = check_chain(deriv.network, eq.chain)
        if eq.written is not None:
            if isinstance(eq.chain, Read):
                _prose_as_written(deriv.network, results, eq.chain)
            _as_written(results, eq.written, eq.chain)
            if isinstance(eq.chain, Read):
                _entry_as_written(results, eq.written, eq.chain)
                if eq.vector is not None and [x.key() for x in eq.vector.sides] == \
                        [x.key() for x in eq.written.sides]:  # no assignment substituted
                    _suggest_as_written(deriv.network, results, eq.written, eq.chain)
                    _average_as_written(deriv.network, results, eq.written)
                _derived_as_written(deriv.network, results, eq.written, eq.chain)
    for r in results:
        r.file, r.line, r.column, r.label = eq.file, eq.line, eq.column, eq.label
        if eq.where and r.span is not None:  # read through the file's macros: back to the source
            a = eq.where[min(r.span[0], len(eq.where) - 1)]
            b = eq.where[min(r.span[0] + max(r.span[1], 1) - 1, len(eq.where) - 1)]
            r.span = (a, max(1, b - a + 1))
        written = eq.written if eq.written is not None else eq.chain
        if r.link > 1 and r.span is None and written is not None and r.link - 1 < len(written.sides):
            pos = written.sides[r.link - 1].pos  # a link stands at its left side
            if eq.where:  # read through the file's macros: back to the source
                pos = eq.where[min(pos, len(eq.where) - 1)]
            r.line = 0
            _place(r, deriv.text, eq.file, eq.offset + pos, deriv.lines)
        _place(r, deriv.text, eq.file, eq.offset, deriv.lines)
        r.expected, r.expected_code = eq.expectation(r.link), eq.expected_code(r.link)
        out.append(r)
    return out


def check_vector_chain(net: Network, chain: Chain, suggest: bool = True) -> list[LinkResult]:
    """:func:`check_chain`, for an equation written with vectors and matrices too: each link is
    translated to index notation (:mod:`symbp.engine.vector`) and checked; a link whose shapes do
    not fit is ``refuted`` (``shape-mismatch``), an unreadable one an ``error``.  The results
    show the link as written; the message says how it was read.

    >>> from symbp.engine.declare import declare
    >>> net = declare([r"z^{(1)}_j = \\sum_i W_{ji} x_i", r"a_j = h(z^{(1)}_j)",
    ...                r"z^{(2)}_k = \\sum_j V_{kj} a_j"], params=["W", "V"])
    >>> net.shapes = {"W": ("J", "I"), "V": ("K", "J"), "z^{(1)}": ("J",), "delta^{(1)}": ("J",),
    ...               "delta^{(2)}": ("K",)}
    >>> bp2 = parse_chain(r"\\delta^{(1)} = V \\delta^{(2)} \\odot h'(z^{(1)})", net.functions)
    >>> r, = check_vector_chain(net, bp2)
    >>> r.verdict, r.code
    ('refuted', 'shape-mismatch')
    >>> print(r.message)
    V \\delta^{(2)} multiplies a K \\times J matrix by a K-vector; did you mean V^{T} \\delta^{(2)}?
    >>> [r.verdict for r in check_vector_chain(net, parse_chain(r.suggestion, net.functions))]
    ['verified']
    """
    if not needs_translation(chain, net.shapes):
        return check_chain(net, chain)
    links = len(chain.rels)
    out: list[LinkResult] = []
    for k, rel in enumerate(chain.rels):
        link = Chain(chain.sides[k:k + 2], (rel,))
        shown = f"{unparse(link.sides[0])} {rel} {unparse(link.sides[1])}"
        try:
            read = translate(link, net.shapes, net.layout, net.range_letter, net.conventions)
        except InputError as exc:
            out.append(LinkResult(shown, ERROR, exc.brief(), link=k + 1, links=links,
                                  error=type(exc).__name__, code=exc.code,
                                  span=(exc.offset, getattr(exc, "width", 1) or 1)
                                  if exc.offset is not None else None))
            continue
        if isinstance(read, Mismatch):
            out.append(_mismatch(shown, read, k + 1, links))
            continue
        results = check_chain(net, read)
        _prose_as_written(net, results, read)
        _as_written(results, link, read)
        _entry_as_written(results, link, read)
        if suggest:
            _suggest_as_written(net, results, link, read)
            _average_as_written(net, results, link)
            _derived_as_written(net, results, link, read)
        for r in results:
            r.link, r.links = k + 1, links
        out += results
    return out


def check_unrolled(net: Network, chain: Chain) -> list[LinkResult]:
    """A generic claim written at a concrete layer, on the unrolled network: in index notation by
    :func:`check_chain`; in vector notation (``\\delta^{(1)} = ((w^{(2)})^T \\delta^{(2)}) \\odot
    \\sigma'(z^{(1)})``) translated first, the shapes those of the unrolled network's families
    (:func:`family_shapes`)."""
    if not net.shapes:
        net.shapes = family_shapes(net)
    if needs_translation(chain, net.shapes):
        return check_vector_chain(net, chain)
    return check_chain(net, chain)


def family_shapes(net: Network) -> dict[str, tuple[str, ...]]:
    """The shapes of a network declared with indices, as vector notation reads them: a family
    with one index is a vector, with two a matrix (rows the first); a labelled ``\\delta^{(2)}``
    has the shape of the family whose error it is.

    >>> from symbp.engine.declare import declare
    >>> net = declare([r"z^{(1)}_j = \\sum_i w^{(1)}_{ji} x_i", r"a^{(1)}_j = h(z^{(1)}_j)"])
    >>> sorted(family_shapes(net).items())  # doctest: +NORMALIZE_WHITESPACE
    [('a^{(1)}', ('J',)), ('delta^{(1)}', ('J',)), ('w^{(1)}', ('J', 'I')), ('x', ('I',)),
     ('z^{(1)}', ('J',))]
    """
    out: dict[str, tuple[str, ...]] = {}
    for fam in net.families:
        if 1 <= len(fam.axes) <= 2 and len(fam.grouping) == len(fam.axes) and fam.name != "~":
            out[fam.name] = tuple(fam.axes)
    for fam in net.families:
        if net.has_delta(fam.id) and fam.name in out and "^" in fam.name:
            out.setdefault("delta^" + fam.name.partition("^")[2], out[fam.name])
    return out


def _mismatch(shown: str, m: Mismatch, link: int, links: int) -> LinkResult:
    return LinkResult.of(shown, REFUTED, [dx.ShapeMismatch(m.parts, m.fix)], link=link, links=links,
                         suggestion=m.suggestion, span=(m.pos, max(1, m.end - m.pos)))


def _link_text(chain: Chain, k: int) -> str:
    return f"{unparse(chain.sides[k])} {chain.rels[k]} {unparse(chain.sides[k + 1])}"


def _as_written(results: list[LinkResult], written: Chain, read: Chain | None) -> None:
    """Each result shows its link as written with vectors, and says how it was read."""
    for r in results:
        k = r.link - 1
        r.latex = _link_text(written, k)
        if read is None:
            continue
        index_text = r.read_as = _link_text(read, k)
        if isinstance(read, Read) and read.scale is not None:  # the 1/m of an average cleared
            size, power = read.scale
            times = f"{size}{'' if power == 1 else f'^{power}'}"
            index_text += f" (both sides times {times})"
            r.read_as += f" \\quad \\text{{(both sides times }} {times}\\text{{)}}"
        r.message = f"read as {index_text}: {r.message}" if r.message else f"read as {index_text}"


def _prose_as_written(net: Network, results: list[LinkResult], read: Read) -> None:
    """A vector claim's diagnosis in its notation: a factor the diagnosis names that runs over the
    claim's rows and columns (``\\sigma'(z^{(2)}_{k})``) is written with vectors
    (``\\sigma'(z^{(2)})``), in the diagnosis and in the message."""
    for r in results:
        if r.verdict != REFUTED or not r.diagnoses:
            continue
        table: dict[str, str] = {}

        def vector(val: str, table: dict[str, str] = table) -> str | None:
            try:
                node = parse_expression(val, net.functions)
            except SymbpError:
                return None
            vf = vector_factor(node, read.axes, net.shapes)
            if vf is None:
                return None
            table[val] = unparse(vf)
            return table[val]

        def vectors(d: dx.Diagnosis) -> dx.Diagnosis:
            changes: dict[str, object] = {}
            for f in dataclasses.fields(d):
                val = getattr(d, f.name)
                if isinstance(val, tuple) and val and all(isinstance(x, dx.Diagnosis) for x in val):
                    changes[f.name] = tuple(vectors(x) for x in val)
                elif f.name == "words" and isinstance(val, tuple):  # "with a factor h'(a_j)"
                    words = tuple(dx.Math(vector(p) or p) if isinstance(p, dx.Math) else p for p in val)
                    if words != val:
                        changes[f.name] = words
                elif f.name in ("factor", "new", "old") and isinstance(val, str) and vector(val) is not None:
                    changes[f.name] = vector(val)
            return dataclasses.replace(d, **changes) if changes else d

        new = [vectors(d) for d in r.diagnoses]
        if table:
            said = dx.message(r.diagnoses)  # the message is the diagnoses' English (and what follows)
            if r.message.startswith(said):
                r.message = dx.message(new) + r.message[len(said):]
            r.diagnoses = new


def _suggest_as_written(net: Network, results: list[LinkResult], written: Chain, read: Read) -> None:
    """A vector claim's suggestion in its notation: when the correction found in index notation
    adds one factor that runs over the claim's rows and columns (``\\sigma'(z^{(2)}_{k})``), the
    claim as written with that factor as a Hadamard product (``\\odot \\sigma'(z^{(2)})``, or
    ``*`` where the file declares it), offered only if it is verified itself."""
    for r in results:
        if r.verdict != REFUTED or not r.suggestion or r.link >= len(written.sides):
            continue
        try:
            sug = parse_chain(r.suggestion, net.functions)
        except SymbpError:
            continue
        if len(sug.sides) != 2 or sug.sides[0].key() != read.sides[r.link - 1].key():
            continue
        had = [f.key() for f in _factors(read.sides[r.link])]
        now = [f.key() for f in _factors(sug.sides[1])]
        extra = [f for f in _factors(sug.sides[1]) if f.key() not in had]
        lhs, rhs = written.sides[r.link - 1], written.sides[r.link]
        (sums_a, body_a), (sums_b, body_b) = _summand(read.sides[r.link]), _summand(sug.sides[1])
        inner_a, inner_b = [f.key() for f in _factors(body_a)], [f.key() for f in _factors(body_b)]
        gone = [f for f in _factors(body_a) if f.key() not in inner_b]
        came = [f for f in _factors(body_b) if f.key() not in inner_a]
        if sums_a == sums_b and len(inner_a) == len(inner_b) and len(gone) == len(came) == 1:
            # one factor replaced by another (sigma(z_j) for sigma'(z_j)): the same in vectors
            was, factor = (vector_factor(x, read.axes, net.shapes) for x in (gone[0], came[0]))
            spots = [n for n in rhs.walk() if was is not None and n.key() == was.key()]
            if factor is None or len(spots) != 1:
                continue
            new = swap_node(rhs, spots[0], factor)
        elif len(extra) == 1 and len(now) == len(had) + 1:
            factor = vector_factor(extra[0], read.axes, net.shapes)
            if factor is None:
                continue
            ops = ("*",) if net.conventions.get("hadamard") == "*" else ()
            if isinstance(rhs, Hadamard):
                new = Hadamard(rhs.pos, rhs.end, rhs.factors + (factor,), rhs.ops + ops if rhs.ops else ops)
            else:
                new = Hadamard(rhs.pos, rhs.end, (rhs, factor), ops)
        else:
            continue
        _offer_if_verified(net, r, lhs, new)


def _offer_if_verified(net: Network, r: LinkResult, lhs: Node, new: Node) -> None:
    """``lhs = new`` as ``r``'s suggestion, if it is itself verified as a vector claim of ``net``."""
    text = f"{unparse(lhs)} = {unparse(new)}"
    try:
        again = check_vector_chain(net, parse_chain(text, net.functions), suggest=False)
    except SymbpError:
        return
    if again and all(x.verdict == VERIFIED for x in again):
        r.suggestion = text


def _average_as_written(net: Network, results: list[LinkResult], written: Chain) -> None:
    """A batch claim refuted for an extra factor of the examples' number ``M`` (Ng's ``dW^{[2]} =
    dZ^{[2]} A^{[1]T}``, the average forgotten): the claim as written with its ``\\frac{1}{m}``
    put in front of the right side (or, where the left side has the extra ``M``, the right side's
    ``\\frac{1}{m}`` taken off), offered only if it is verified itself."""
    ex, size = net.conventions.get("examples"), net.conventions.get("size")
    if not ex or not size:
        return
    for r in results:
        if r.verdict != REFUTED or r.suggestion or r.link >= len(written.sides):
            continue
        sides = {d.side for d in dx.flat(r.diagnoses) if isinstance(d, dx.SizeFactor) and d.size == ex}
        if len(sides) != 1:
            continue
        lhs, rhs = written.sides[r.link - 1], written.sides[r.link]
        factors = rhs.factors if isinstance(rhs, Mul) else (rhs,)
        average = [isinstance(f, Div) and isinstance(f.num, Num) and f.num.value == 1
                   and isinstance(f.den, Sym) and f.den.name == size and not f.den.groups for f in factors]
        if sides == {"right"} and not any(average):
            one_m = Div(rhs.pos, rhs.pos, Num(rhs.pos, rhs.pos, Fraction(1)), Sym(rhs.pos, rhs.pos, size, ()))
            new: Node = Mul(rhs.pos, rhs.end, (one_m, *factors))
        elif sides == {"left"} and average.count(True) == 1 and len(factors) > 1:
            kept = tuple(f for f, a in zip(factors, average) if not a)
            new = kept[0] if len(kept) == 1 else Mul(rhs.pos, rhs.end, kept)
        else:
            continue
        _offer_if_verified(net, r, lhs, new)


def _derived_as_written(net: Network, results: list[LinkResult], written: Chain, read: Read) -> None:
    """What symbp derives for a refuted vector claim's head, in its notation: the derived right
    side written back with vectors (:func:`symbp.engine.vector.to_vectors`), under the claim's left
    side as written, and only if that equation is verified itself (``\\delta^{(1)} =
    \\left(w^{(2)}\\right)^{T} \\nabla_{z^{(2)}} C \\odot \\sigma'(z^{(1)})``; Ng's batch in his
    matrices, the average's ``\\frac{1}{m}`` written back: ``d W^{[2]} = \\frac{1}{m} d Z^{[2]}
    A^{[1]T}``, :func:`_vector_readings`), the first of its readings that is; where none is (or it
    has no vector form symbp reads back, or an average was cleared outside Ng's conventions), it
    stays in index notation and says so."""
    for r in results:
        if r.verdict != REFUTED or not r.derived:
            continue
        vector = None
        try:
            derived = parse_chain(r.derived, net.functions)
        except SymbpError:
            derived = None
        if derived is not None and len(derived.sides) == 2:
            head = written.sides[min(r.link, len(written.sides)) - 1]
            for back in _vector_readings(net, derived.sides[1], read, written):
                text = f"{unparse(head)} = {unparse(back)}"
                try:
                    again = check_vector_chain(net, parse_chain(text, net.functions), suggest=False)
                except SymbpError:
                    again = []
                if again and all(x.verdict == VERIFIED for x in again):
                    vector = text
                    break
        old = r.derived
        new = vector if vector is not None else f"{old} \\quad \\text{{(in index notation)}}"
        r.derived = new
        r.diagnoses = [dx.Derived(new) if isinstance(d, dx.Derived) and d.equation == old else d
                       for d in r.diagnoses]
        if r.message.count(old) == 1:
            r.message = r.message.replace(old, new)


def _vector_readings(net: Network, node: Node, read: Read, written: Chain) -> list[Node]:
    """The ways :func:`to_vectors` writes back a derived right side (its value that of the left
    side as read), best first, each to be checked.  Without a batch, the side as it is, then with
    its ``\\delta`` as the gradient it stands for (``\\delta_j`` is ``\\nabla_{z^{(1)}} C``'s entry).
    Under Ng's conventions (the examples ``M`` in the columns) the left side as read is the claim's
    times ``M`` to the read's scale, and Ng's ``dZ`` is ``m \\partial J / \\partial Z``: the side
    is also read times ``M`` and ``M^2`` with the scale raised alike (the same value:
    ``\\sum_m \\frac{\\partial J}{\\partial Z_{km}} A_{hm}`` is ``\\frac{1}{m} dZ A^{T}``), the
    readings with the fewest derivatives left (``\\partial J / \\partial Z`` where ``dZ`` is meant)
    and names the claim does not write (``\\delta``) first, each also with its ``\\delta`` as the
    gradient it stands for; a transpose of a layer's matrix is written as the claim writes one
    (``A^{[1]T}``)."""
    scale = read.scale[1] if read.scale is not None else 0
    ex = net.conventions.get("examples")
    if not ex:
        if read.scale is not None:
            return []
        backs = (to_vectors(x, read.axes, net.shapes) for x in (node, _deltas_as_gradients(net, node)))
        return [b for b in backs if b is not None]
    found: list[tuple[int, int, Node]] = []
    names = {n.name for side in written.sides for n in side.walk() if isinstance(n, Sym)}
    names.add(net.conventions.get("size") or ex.lower())
    sides = [node]
    gradients = _deltas_as_gradients(net, node)
    if gradients.key() != node.key():
        sides.append(gradients)
    for side, extra in ((side, extra) for side in sides for extra in (0, 1, 2)):
        back = to_vectors(_times(side, ex, extra), read.axes, net.shapes, net.conventions, scale + extra)
        if back is not None and all(back.key() != b.key() for *_, b in found):
            # the fewest derivatives and names the claim does not write (\delta where it writes dZ)
            odd = sum(isinstance(n, Deriv) or isinstance(n, Sym) and n.name not in names and n.name != ONES
                      for n in back.walk())
            found.append((odd, extra, _transposes_as(back, written)))
    return [b for *_, b in sorted(found, key=lambda x: x[:2])]


def _deltas_as_gradients(net: Network, node: Node) -> Node:
    """Each ``\\delta`` of ``node`` written as the gradient it stands for (``\\delta_{hm}`` is
    ``\\frac{\\partial J}{\\partial Z_{hm}}``, the family whose shape the letters' ranges give),
    for Ng's ``dZ`` to be read back; a ``\\delta`` with no one such family is kept."""
    def swap(n: Node) -> Node:
        n = map_children(n, swap)
        if not (isinstance(n, Sym) and n.groups and n.name.partition("^")[0] == "delta"):
            return n
        ranges = tuple(net.ranges.get(g[0]) if len(g) == 1 else None for g in n.groups)
        label = n.name.partition("^")[2]
        fams = [f for f in net.delta_families(label) if net.shapes.get(f.name) == ranges]
        if len(fams) != 1:
            return n
        wrt = Sym(n.pos, n.end, fams[0].name, n.groups)
        return Deriv(n.pos, n.end, Sym(n.pos, n.pos, net.error_name, ()), wrt, None)

    return swap(node)


def _times(node: Node, size: str, power: int) -> Node:
    """``node`` times ``size`` to ``power``, each term of a sum apart."""
    if power == 0:
        return node
    if isinstance(node, Add):
        return Add(node.pos, node.end, tuple(_times(t, size, power) for t in node.terms))
    if isinstance(node, Neg):
        return Neg(node.pos, node.end, _times(node.arg, size, power))
    return Mul(node.pos, node.end, (Sym(node.pos, node.pos, size, ()),) * power + (node,))


def _transposes_as(node: Node, written: Chain) -> Node:
    """The transposes of a layer's matrices in ``node`` written as the claim writes its own:
    Ng's ``A^{[1]T}`` (inside the layer's label) rather than ``\\left(A^{[1]}\\right)^{T}``."""
    marks = [n.mark for s in written.sides for n in s.walk() if isinstance(n, Transpose)]
    inside = next((m for m in marks if m.startswith("(k)")), None)
    if inside is None:
        return node

    def restyle(n: Node) -> Node:
        n = map_children(n, restyle)
        if isinstance(n, Transpose) and isinstance(n.arg, Sym) and not n.arg.groups and "^" in n.arg.name:
            return Transpose(n.pos, n.end, n.arg, inside)
        return n

    return restyle(node)


def _summand(node: Node) -> tuple[tuple[str, ...], Node]:
    """The letters of the sums in front of a term (``\\sum_k \\sum_j``) and the summand."""
    letters: list[str] = []
    while isinstance(node, SumOp) and node.lower is None and node.upper is None:
        letters.append(node.index)
        node = node.body
    return tuple(letters), node


def _factors(node: Node) -> tuple[Node, ...]:
    """The factors of a product, nested products (a bracket) flattened."""
    return tuple(g for f in node.factors for g in _factors(f)) if isinstance(node, Mul) else (node,)


def _entry_as_written(results: list[LinkResult], written: Chain, read: Read) -> None:
    """A counterexample of a vector claim in the notation of the question: the entry of the left
    side as written (``row 4, column 1 of dW^{[2]}``) rather than the translation's index
    letters, and its values those of the sides as written (an average's ``\\frac{1}{m}`` that the
    reading cleared by multiplying through by ``m``, put back)."""
    for r in results:
        cx = r.counterexample
        if not cx or not isinstance(cx.get("index"), dict):
            continue
        at = [cx["index"].get(x) for x in read.axes if x is not None]
        if not all(isinstance(v, int) for v in at):
            continue
        kind = ("matrix" if all(read.axes) else "vector" if read.axes[0] else "row vector"
                if read.axes[1] else "scalar")
        of = written.sides[min(r.link, len(written.sides)) - 1]
        cx["entry"] = {"of": unparse(of), "kind": kind, "at": at}
        if read.scale is not None and isinstance(cx.get("sizes"), dict) and read.scale[0] in cx["sizes"]:
            factor = cx["sizes"][read.scale[0]] ** read.scale[1]
            for side in ("lhs", "rhs"):
                if isinstance(cx.get(side), float):
                    cx[side] /= factor


def check_paths(paths: list[Path], jobs: int = 1) -> Report:
    """Check files and folders (below a folder, every ``.tex`` file with a ``% symbp:`` line, in
    sorted order: :func:`symbp.document.derivation_files`), by ``jobs`` processes (the results
    are the same, in the same order, whatever ``jobs``: :func:`symbp.parallel.map_files`)."""
    report = Report()
    files, empty = derivation_files(paths)
    report.problems.extend(empty)
    # SymPy: the remark on a refutation whose difference is a polynomial factors it (imported
    # once before the workers fork, not once in each)
    for results, problem, unread in map_files(_check_one, files, jobs, preload=(import_sympy,)):
        report.files += 1
        report.results.extend(results)
        report.unread.extend(unread)  # displays not read: reported, never skipped in silence
        if problem is not None:
            report.problems.append(problem)
    return report


def _check_one(f: Path) -> tuple[list[LinkResult], SymbpError | None, list[Unread]]:
    """The results of one file, or the problem that stopped it, and the displays it does not
    read (a worker of :func:`check_paths`)."""
    try:
        deriv = load(f)
        return check_file(deriv), None, deriv.unread
    except SymbpError as exc:
        return [], exc, []
    except Exception as exc:  # noqa: BLE001 - a bug must cost one file, never the run
        return [], SymbpError(f"{f}: internal error, nothing is claimed for this "
                              f"file (a symbp bug: please report it): "
                              f"{type(exc).__name__}: {exc}"), []


def each_file(paths: list[Path], check: Callable[[Path], object], problems: list[SymbpError]) -> int:
    """Run ``check`` on every derivation file of ``paths`` (as :func:`check_paths` finds them);
    a file that cannot be checked goes to ``problems`` (a bug costs that file, never the run), as
    do folders without derivation files.  Returns how many files there were."""
    files, empty = derivation_files(paths)
    problems.extend(empty)
    for f in files:
        try:
            check(f)
        except SymbpError as exc:
            problems.append(exc)
        except Exception as exc:  # noqa: BLE001 - a bug must cost one file, never the run
            problems.append(FileBug(f, exc))
    return len(files)


class FileBug(SymbpError):
    """A file that could not be checked because of a bug in symbp (its ``location`` names the
    file, so that JSON and SARIF can place it)."""

    def __init__(self, file: Path, exc: Exception) -> None:
        super().__init__(f"{file}: internal error, nothing is claimed for this file (a symbp bug: "
                         f"please report it): {type(exc).__name__}: {exc}")
        self.location = Location(str(file), 0, 0)
