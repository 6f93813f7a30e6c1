"""Checking equations against the mechanical derivation, with honest verdicts.

A chain ``A = B = C`` is checked link by link.  For each link:

1. *index analysis*, which explains and decides nothing alone: a sum over a letter its summand
   lacks, terms with different free indices and a letter free on one side only are remarks; the
   value decides (an equation means: for every value of its free letters, all sizes).  If it
   holds, the remarks are ``warnings`` of a ``verified`` result; if not, they are the diagnosis
   of the ``refuted`` one, with the value's counterexample.  A letter no layer fits and a symbol
   whose indices fit no family (``w_{jk}`` for ``w_{kj}``) give the equation no value:
   ``refuted`` with the diagnosis; a letter nothing places: ``error``;
2. *symbolic*: both sides go to the engine's ground truth (derivatives resolved by the chain
   rule, ``δ`` by its definition, ``z`` by the forward pass) and are compared in normal form:
   equal normal forms are ``verified`` for all sizes;
3. *the sizes are algebra*: otherwise the sides, with every forward definition unfolded, are
   compared exactly as formal expressions at sizes where no coefficient of their difference (a
   polynomial in the sizes) vanishes, then at plans drawn for the equation (seeded from its
   text, :func:`symbp.engine.numeric.drawn_plans`): a difference is ``refuted``, agreement
   everywhere ``verified-at-sizes`` naming every plan (:mod:`symbp.checker.diagnosis`).

Input that cannot be checked gives ``error``; a failed check is a result, never an exception.
Room ``symbp.checker``; imports the rooms below it and its own ``results``, ``context``,
``repair`` and ``diagnosis`` (which never import the pipeline back: the repair search re-checks
a candidate through :attr:`LinkContext.recheck`).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from fractions import Fraction
from typing import Any

from .. import diagnoses as dx
from ..engine import calculus, shifted
from ..engine.labels import unknown_label, uses_labels
from ..engine.numeric import drawn_plans, nonvanishing_plans, small_plans
from ..engine.semantics import (
    IndexProblem,
    Interpreter,
    bare_functions,
    check_names,
    delta_label,
    free_letters,
    infer_letters,
    is_shifted_kronecker,
)
from ..errors import InputError, NotationError, ResourceLimitError, SymbpError
from ..latex.ast import Chain, Deriv, Node, SumOp, Sym
from ..latex.edit import sums_over, used_letters
from ..latex.parser import RELU, parse_expression
from ..latex.unparse import unparse
from ..limits import MAX_FAR_SIZE, budget
from ..model.affine import is_affine, is_product, is_size, parts
from ..model.factors import Grad, inverse, view
from ..model.network import Network, components
from ..model.normal_form import Expr
from ..notation import latex_name, letter_tex
from ..printers.nfprint import NormalFormPrinter, latex
from . import repair
from .context import LinkContext
from .diagnosis import (
    _diagnose,
    _Formal,
    _formal_counterexample,
    _formal_values,
    _layered_values,
    _network_counterexample,
    _show_plans,
)
from .results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult, _Refuted

#: a stack: inside :func:`verdict_only`, a check's results are wanted for their verdicts alone
_VERDICT_ONLY: list[bool] = []


@contextmanager
def verdict_only() -> Iterator[None]:
    """Inside the block, :func:`check_chain` computes what decides each verdict and leaves out
    what only explains it: no repair search, no derived expression, no counterexample where the
    verdict does not depend on it (the network run with concrete functions decides an equation
    beyond polynomials, so it is still run there).  The verdicts are those of a full check; the
    messages of refutations are shorter.  For a caller that reads the verdicts of some checks and
    the explanations of others (:func:`symbp.checker.generic.check_generic`: every depth's
    verdict, the first refutation's words).

    >>> from symbp.engine.declare import declare
    >>> from symbp.latex.parser import parse_chain
    >>> net = declare([r"a_j = \\sum_i w_{ji} x_i", r"y_j = h(a_j)"], params=["w"])
    >>> wrong = parse_chain(r"\\frac{\\partial y_j}{\\partial a_j} = h(a_j)", net.functions)
    >>> full, = check_chain(net, wrong)
    >>> with verdict_only():
    ...     quick, = check_chain(net, wrong)
    >>> full.verdict == quick.verdict == "refuted", bool(full.suggestion), quick.suggestion
    (True, True, None)
    """
    _VERDICT_ONLY.append(True)
    try:
        yield
    finally:
        _VERDICT_ONLY.pop()


def check_chain(net: Network, chain: Chain) -> list[LinkResult]:
    """Check every link of ``chain`` (inside :func:`verdict_only`: for the verdicts)."""
    if net.class_labels:
        return _label_targets_named(net, _check_chain(net, chain))
    return _check_chain(net, chain)


def _label_targets_named(net: Network, results: list[LinkResult]) -> list[LinkResult]:
    """Where a message names the one-hot target ``t_k`` a class label is read through (the
    forward pass's ``L_i = -\\log p_{y_i}`` is ``-\\sum_k t_k \\log p_k``) and the link does not
    write it, the message says once what it is: ``t_{k} = \\mathbb{1}(k = y_{i})``."""
    import re

    for label, target in net.class_labels.items():
        fam = next((f for f in net.families if f.name == target and len(f.axes) == 1), None)
        if fam is None:
            continue
        name = re.escape(latex_name(target))
        named = re.compile(rf"(?<![A-Za-z\\]){name}_(?:\{{|[A-Za-z])")
        note = dx.LabelTarget(target, net.range_letter.get(fam.axes[0], fam.axes[0].lower()),
                              net.label_written.get(label, label))
        for res in results:
            if res.message and named.search(res.message) and not named.search(res.latex or ""):
                res.diagnoses.append(note)
                res.message = f"{res.message}; {note.text}"
    return results


def _check_chain(net: Network, chain: Chain) -> list[LinkResult]:
    if net.class_labels and uses_labels(chain, net.class_labels):
        return _check_labelled(net, chain)
    label = unknown_label(chain, [*net.ranges, *net.composites])  # y_i, no index y: a class label?
    if label is not None:
        return [LinkResult(f"{unparse(chain.sides[k])} {chain.rels[k]} {unparse(chain.sides[k + 1])}", ERROR,
                           label.brief(), link=k + 1, links=len(chain.rels), error="NotationError",
                           code=label.code, span=_span(label)) for k in range(len(chain.rels))]
    letters, inference = infer_letters(net, chain)
    head = chain.sides[0]
    results = []
    n = len(chain.rels)
    unstable = _unstable_side(net, chain)
    if unstable is not None:
        return [LinkResult.of(f"{unparse(chain.sides[k])} {chain.rels[k]} {unparse(chain.sides[k + 1])}",
                              ERROR, [dx.RoundTrip(unstable)], link=k + 1, links=n, error="RoundTripError")
                for k in range(n)]
    for k in range(n):
        lhs, rhs = chain.sides[k], chain.sides[k + 1]
        text = f"{unparse(lhs)} {chain.rels[k]} {unparse(rhs)}"
        res = _check_link(net, letters, inference, lhs, rhs, head, suggest=not _VERDICT_ONLY)
        res.latex = text
        res.link, res.links = k + 1, n
        results.append(res)
    return results


def _check_labelled(net: Network, chain: Chain) -> list[LinkResult]:
    """:func:`check_chain` for an equation that writes a class label (CS231n's ``p_{y_i}``, under
    ``% symbp: class label y``): checked as read through the one-hot target
    (:func:`symbp.engine.labels.read_labels`), shown as written, the message saying how it was read."""
    from ..engine.labels import fresh_letter, read_in, written_label

    n = len(chain.rels)
    written = [f"{unparse(chain.sides[k])} {chain.rels[k]} {unparse(chain.sides[k + 1])}" for k in range(n)]
    try:
        read = read_in(net, chain)
        missing = sorted({t for t in net.class_labels.values() if not net.named(t)})
        if missing:
            label = next(y for y, t in net.class_labels.items() if t == missing[0])
            raise NotationError(f"the class label {label} is read through its one-hot target "
                                f"{missing[0]}, which the forward pass does not use",
                                offset=chain.sides[0].pos,
                                hint=f"write the loss with the label in the forward pass "
                                     f"(L = -\\log p_{{{label}_i}}), or name the target the forward pass "
                                     f"uses: '% symbp: class label {label}, target u'")
    except InputError as exc:
        return [LinkResult(written[k], ERROR, exc.brief(), link=k + 1, links=n, error=type(exc).__name__,
                           code=exc.code, span=_span(exc)) for k in range(n)]
    results = check_chain(net, read)
    fresh, label = fresh_letter(read, net.class_labels), written_label(chain, net.class_labels)
    for k, res in enumerate(results):
        if fresh and label:  # the classes' letter symbp wrote is, in a diagnosis, the label written
            for j, d in enumerate(res.diagnoses):
                if (new := dx.renamed(d, fresh, label)) is not d:
                    if isinstance(new, dx.UnplaceableIndex):
                        new = replace(new, label=True)
                    res.message = (res.message or "").replace(d.text, new.text)
                    res.diagnoses[j] = new
        shown = f"{unparse(read.sides[k])} {read.rels[k]} {unparse(read.sides[k + 1])}"
        res.latex, res.read_as = written[k], shown
        res.message = f"read as {shown} (the class label through its one-hot target): {res.message}"
    return results


#: seconds of work allowed for one link (the symbolic and the numeric checks together)
LINK_SECONDS = 5.0


def _span(exc: InputError) -> tuple[int, int] | None:
    return (exc.offset, exc.width) if exc.offset is not None else None


def _unstable_side(net: Network, chain: Chain) -> str | None:
    """The boundary guard: every side, printed back and parsed again, must give the same AST.
    What symbp echoes is then exactly what it checked."""
    for side in chain.sides:
        text = unparse(side)
        if _reparsed_key(text, frozenset(net.functions)) != side.key():
            return text
    return None


@functools.lru_cache(maxsize=1024)
def _reparsed_key(text: str, functions: frozenset[str]) -> object:
    """The key of ``text`` parsed again (``None`` when it does not parse): the parser is a function
    of the text and the declared function names, and the unrolled cross-checks of a generic claim
    (:mod:`symbp.checker.generic`) give the same text at several depths."""
    try:
        return parse_expression(text, set(functions)).key()
    except SymbpError:
        return None


def _check_link(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                lhs: Node, rhs: Node, head: Node, suggest: bool = True) -> LinkResult:
    scaled = _delta_of_scaled_mean(net, lhs, rhs)
    if scaled is not None:
        return LinkResult.of("", ERROR, [scaled], error="UnsupportedError")
    if net.patterns is not None and _over_patterns(net, lhs, rhs):
        return _with_patterns(net, letters, inference, lhs, rhs, head, suggest)
    return _check_per_unit(net, letters, inference, lhs, rhs, head, suggest)


def _check_per_unit(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                    lhs: Node, rhs: Node, head: Node, suggest: bool = True) -> LinkResult:
    """A link on the network of one pattern: at the units 0 too, where a free letter has one."""
    zero = _zero_letters(net, letters, lhs, rhs) if net.zero_ranges else []
    if zero:
        return _with_unit_zero(net, letters, inference, zero, lhs, rhs, head, suggest)
    return _check_any_reading(net, letters, inference, lhs, rhs, head, suggest)


def _delta_of_scaled_mean(net: Network, lhs: Node, rhs: Node) -> dx.DeltaOfScaledMean | None:
    """A ``\\delta`` written beside a number times the average (``C = -\\frac{1}{n} \\sum_x C_x``,
    ``\\frac{1}{2n}``: :attr:`~symbp.model.network.Network.mean_scale` not 1) has two readings, one
    input's ``\\partial C_x/\\partial z_j`` or the derivative of the cost whose mean ``C`` is (``c
    C_x``): the diagnosis of the error naming both (loss8), else ``None``.  A claim without
    ``\\delta`` (``\\partial C/\\partial w``, ``C`` fully defined) is decided by value."""
    if not net.mean or net.mean_scale == 1 or net.patterns is None:
        return None
    for side in (lhs, rhs):
        for node in side.walk():
            label = delta_label(node.name) if isinstance(node, Sym) else None
            if label is not None and not is_shifted_kronecker(net, node):
                fams = {f.name for f in net.delta_families(label)}
                # the quantity it is the derivative by, as the file names it (z_j, z^{(2)}_k)
                name = latex_name(fams.pop()) if len(fams) == 1 else "z"
                sub = "".join(letter_tex(x) for g in node.groups for x in g)
                wrt = f"{name}_{{{sub}}}" if sub else name
                x, n = (latex_name(v) for v in net.patterns)
                scale = net.mean_scale
                text = str(scale.numerator) + (f"/{scale.denominator}" if scale.denominator != 1 else "")
                return dx.DeltaOfScaledMean(unparse(node), wrt, latex_name(net.error_name), x, n, text)
    return None


def _over_patterns(net: Network, lhs: Node, rhs: Node) -> bool:
    """Whether a link speaks of the total error ``E = \\sum_n E_n`` or sums over the patterns."""
    n, size = net.patterns if net.patterns else (None, None)
    return any((isinstance(x, SumOp) and x.index == n)
               or (isinstance(x, Sym) and x.name in (net.error_name, size) and not x.groups)
               for side in (lhs, rhs) for x in side.walk())


#: the parts of a side over the patterns, in the order they are checked (``{n}``, ``{size}``: the
#: letters of the file's total)
_PATTERN_PARTS = ("summed over the patterns {n}", "for one pattern {n}", "free of the patterns",
                  "times the number of patterns {size}", "{size} times one pattern {n}'s")


def _pattern_part_names(net: Network) -> list[str]:
    """:data:`_PATTERN_PARTS` in the letters of the file's total (``E = \\sum_n E_n``: ``summed
    over the patterns n``; ``\\sum_x``: ``... x``).

    >>> from symbp.engine.declare import declare
    >>> _pattern_part_names(declare([r"a_j = \\sum_i w_{ji} z_i", r"E = \\sum_p E_p"]))[::4]
    ['summed over the patterns p', "P times one pattern p's"]
    """
    n, size = (latex_name(x) for x in net.patterns)  # type: ignore[union-attr]
    return [part.format(n=n, size=size) for part in _PATTERN_PARTS]


def _pattern_parts(net: Network, side: Node, letters: dict[str, tuple[str, ...]]) -> list[Expr]:
    """A side with the total error ``E = \\sum_n E_n`` (PRML 5.44) in four parts: the summand of
    its sum over the patterns, the part of one pattern ``n`` (every quantity of the network is a
    pattern's: ``\\delta_j``, ``z_i``, ``E_n``), the part free of the patterns (parameters,
    numbers), the coefficient of ``N`` (a summand free of the patterns: ``\\sum_n 1 = N``, and ``N``
    written as a factor) and ``N`` times one pattern's part.  The patterns' quantities are
    independent, so two sides
    are equal for every ``N`` and every pattern exactly when each part is: the link is checked part
    by part, on the network of one pattern.  ``\\frac{\\partial E}{\\partial w}`` is
    ``\\sum_n \\frac{\\partial E_n}{\\partial w}`` for a parameter ``w``, and the derivative of
    ``E_n`` for a quantity of the pattern ``n``."""
    from ..engine.semantics import free_letters as free_of
    from ..errors import UnsupportedError
    from ..latex.ast import Add, Mul, Neg, Num
    n = net.patterns[0]  # type: ignore[index]
    parts = [Expr.zero() for _ in _PATTERN_PARTS]
    interp = Interpreter(net, letters)
    free = free_of(side, net, [])
    env = {x: components(x, letters[x] if x in letters else net.letter_ranges(x) or ()) for x in free}

    def per_pattern(t: Any) -> bool:
        return any(f.tag in ("grad", "fn") or (f.tag == "ref" and not net.families[f.fam].param)
                   for f in map(view, t.factors))

    def split(e: Expr, inside: int, outside: int) -> None:
        for t in e.terms:
            k = inside if per_pattern(t) else outside
            parts[k] = parts[k] + Expr((t,))

    size = net.patterns[1]  # type: ignore[index]

    def counted(f: Node) -> bool:  # the number of patterns N, written as a factor
        return isinstance(f, Sym) and f.name == size and not f.groups

    def total(node: Node) -> bool:
        return any((isinstance(x, SumOp) and x.index == n)
                   or (isinstance(x, Sym) and x.name == net.error_name and not x.groups) for x in node.walk())

    stack: list[tuple[int, Node]] = [(1, side)]
    while stack:
        sign, node = stack.pop()
        if isinstance(node, Add):
            stack.extend((sign, t) for t in reversed(node.terms))
            continue
        if isinstance(node, Neg):
            stack.append((-sign, node.arg))
            continue
        coeff, core = Fraction(sign), node
        times = [f for f in (node.factors if isinstance(node, Mul) else (node,)) if counted(f)]
        if times:  # N w_{ji}, N: the number of patterns as a factor (\sum_n 1 = N)
            rest = [f for f in node.factors if not counted(f)] if isinstance(node, Mul) else []
            core = rest[0] if len(rest) == 1 else Mul(node.pos, node.end, tuple(rest)) if rest else \
                Num(node.pos, node.end, Fraction(1))
            if len(times) > 1 or total(core):
                raise UnsupportedError(
                    f"{latex_name(size)} times {'itself' if len(times) > 1 else 'the total error'} is not "
                    "read", offset=node.pos, width=node.end - node.pos,
                    hint=f"write {latex_name(size)} once, beside quantities of one pattern or none")
            split(interp.expression(core, env).scale(coeff), 4, 3)
            continue
        if isinstance(node, Mul):
            nums = [f for f in node.factors if isinstance(f, Num)]
            rest = [f for f in node.factors if not isinstance(f, Num)]
            if len(rest) == 1 and total(rest[0]):
                core = rest[0]
                for f in nums:
                    coeff *= f.value
        whole = (core.lower is None and core.upper is None) if isinstance(core, SumOp) else False
        if isinstance(core, SumOp) and isinstance(core.lower, Num) and core.lower.value == 1:
            up = core.upper
            whole = isinstance(up, Sym) and not up.groups and up.name == net.patterns[1]  # type: ignore[index]
        if isinstance(core, SumOp) and core.index == n and whole and not total(core.body):
            split(interp.expression(core.body, env).scale(coeff), 0, 3)
        elif isinstance(core, Deriv) and isinstance(core.num, Sym) and core.num.name == net.error_name \
                and not core.num.groups and not total(core.wrt):
            g = interp.expression(core, env).scale(coeff)  # E read as one pattern's error
            if interp.family_for(core.wrt).param:
                split(g, 0, 3)  # a parameter is every pattern's: the sum of the patterns' derivatives
            else:
                parts[1] = parts[1] + g  # a quantity of the pattern n: only E_n depends on it
        elif total(core):
            raise UnsupportedError(
                "the total error E = \\sum_n E_n is read in a derivative by a weight or in a sum over the "
                "patterns, as a term of its own", offset=core.pos, width=core.end - core.pos,
                hint="write \\frac{\\partial E}{\\partial w_{ji}} = \\sum_n \\frac{\\partial E_n}"
                     "{\\partial w_{ji}}, one pattern's terms apart")
        else:
            split(interp.expression(core, env).scale(coeff), 1, 2)
    return parts


def _mean_parts(net: Network, side: Node, letters: dict[str, tuple[str, ...]]) -> dict[tuple[str, int], Expr]:
    """A side over the patterns when the total is their average, ``C = \\frac{1}{n} \\sum_x C_x``
    (Nielsen ch. 3), in parts ``(kind, p)``: ``n^p`` times a sum over the patterns (``'sum'``: its
    summand), times one pattern's quantities (``'one'``) or times what is free of the patterns
    (``'free'``).  ``\\frac{1}{n}`` (or a ``\\frac{\\dots}{n}``) lowers ``p``, a pattern-free summand
    of ``\\sum_x`` raises it (``\\sum_x F = n F``), and ``\\frac{\\partial C}{\\partial w}`` for a
    parameter ``w`` is ``\\frac{1}{n} \\sum_x \\frac{\\partial C_x}{\\partial w}``.  As for a sum of the
    patterns' errors (:func:`_pattern_parts`), the patterns' quantities are independent and ``n``
    is any number, so two sides are equal exactly when each part is."""
    from ..engine.semantics import free_letters as free_of
    from ..errors import UnsupportedError
    from ..latex.ast import Add, Div, Mul, Neg, Num
    x, n = net.patterns  # type: ignore[misc]
    parts: dict[tuple[str, int], Expr] = {}
    interp = Interpreter(net, letters)
    free = free_of(side, net, [])
    env = {y: components(y, letters[y] if y in letters else net.letter_ranges(y) or ()) for y in free}

    def add(key: tuple[str, int], e: Expr) -> None:
        parts[key] = parts.get(key, Expr.zero()) + e

    def split(e: Expr, inside: bool, p: int) -> None:
        for t in e.terms:
            mine = any(f.tag in ("grad", "fn") or (f.tag == "ref" and not net.families[f.fam].param)
                       for f in map(view, t.factors))
            add(("sum", p) if mine and inside else ("one", p) if mine else ("free", p + inside), Expr((t,)))

    def is_n(node: Node) -> bool:
        return isinstance(node, Sym) and not node.groups and node.name == n

    def total(node: Node) -> bool:
        return any((isinstance(y, SumOp) and y.index == x) or is_n(y)
                   or (isinstance(y, Sym) and y.name == net.error_name and not y.groups) for y in node.walk())

    def number(node: Node) -> Fraction | None:  # 2, -1
        if isinstance(node, Num):
            return node.value
        return -node.arg.value if isinstance(node, Neg) and isinstance(node.arg, Num) else None

    def per_n(node: Node) -> Fraction | None:  # n: 1, 2n: 2, 2 n: 2 (the number beside n)
        if is_n(node):
            return Fraction(1)
        if isinstance(node, Mul) and sum(map(is_n, node.factors)) == 1 \
                and all(is_n(f) or (isinstance(f, Num) and f.value) for f in node.factors):
            out = Fraction(1)
            for f in node.factors:
                out *= f.value if isinstance(f, Num) else 1
            return out
        return None

    def whole(node: SumOp) -> bool:  # \\sum_x or \\sum_{x=1}^{n}: every pattern
        return (node.lower is None and node.upper is None) or (
            isinstance(node.lower, Num) and node.lower.value == 1 and is_n(node.upper))  # type: ignore[arg-type]

    def refuse(node: Node, what: str, hint: str) -> None:
        raise UnsupportedError(what, offset=node.pos, width=node.end - node.pos, hint=hint)

    def visit(node: Node, coeff: Fraction, p: int, inside: bool, env: dict, binds: tuple) -> None:
        """``binds``: the sums over other indices around ``node`` (``\\sum_j \\frac{1}{n} \\sum_x``)."""
        def value(e: Node) -> Expr:
            return interp.expression(e, env).bind_all(binds).scale(coeff)

        if not total(node):
            split(value(node), inside, p)
        elif isinstance(node, Add):
            for t in node.terms:
                visit(t, coeff, p, inside, env, binds)
        elif isinstance(node, Neg):
            visit(node.arg, -coeff, p, inside, env, binds)
        elif is_n(node):  # the number of patterns itself
            split(Expr.const(1).scale(coeff), inside, p + 1)
        elif isinstance(node, Div) and per_n(node.den) is not None:  # \frac{S}{n}, \frac{S}{2n}
            visit(node.num, coeff / per_n(node.den), p - 1, inside, env, binds)  # type: ignore[operator]
        elif isinstance(node, Mul):
            rest, q, c = [], p, coeff
            for f in node.factors:
                if isinstance(f, Num):
                    c *= f.value
                elif isinstance(f, Div) and number(f.num) is not None and per_n(f.den) is not None:
                    c, q = c * number(f.num) / per_n(f.den), q - 1  # type: ignore[operator]
                elif is_n(f):
                    q += 1
                else:
                    rest.append(f)
            if not rest:
                split(Expr.const(1).scale(c), inside, q)
            elif len(rest) == 1:
                visit(rest[0], c, q, inside, env, binds)
            elif not any(total(f) for f in rest):
                visit(Mul(node.pos, node.end, tuple(rest)), c, q, inside, env, binds)
            else:
                refuse(node, f"a product with the average over the patterns {x} in one of its factors",
                       f"multiply it out: \\frac{{1}}{{{n}}} \\sum_{x} ... times each factor")
        elif isinstance(node, SumOp) and node.index == x and not inside and whole(node):
            visit(node.body, coeff, p, True, env, binds)
        elif isinstance(node, SumOp) and node.index != x and node.lower is None and node.upper is None:
            rs = interp.ranges_of(node.index, node.index_pos)  # \\sum_j around the average: inside it
            names = tuple(calculus.fresh() for _ in rs)
            visit(node.body, coeff, p, inside, {**env, node.index: names}, binds + tuple(zip(names, rs)))
        elif isinstance(node, Deriv) and isinstance(node.num, Sym) and node.num.name == net.error_name \
                and not node.num.groups and not total(node.wrt) and not inside:
            if not interp.family_for(node.wrt).param:
                # two readings, and the sources use the first: Nielsen writes \partial C/\partial
                # a^L_j for one input's cost ("regard C as C_x"), the average's would be 1/n of it
                cost, wrt = latex_name(net.error_name), unparse(node.wrt)
                refuse(node, f"the average's derivative by a quantity of one pattern ({wrt}) can be read "
                       f"as one pattern's cost differentiated ({cost}_{x} written {cost}, as Nielsen writes "
                       f"it) or as the average's, 1/{n} of that: not read",
                       f"write \\frac{{\\partial {cost}_{x}}}{{\\partial {wrt}}} for one pattern's cost, or "
                       f"\\frac{{1}}{{{n}}} \\frac{{\\partial {cost}_{x}}}{{\\partial {wrt}}} for the "
                       "average's")
            # C read as C_x; the average of the patterns' derivatives, times the number before it
            split(value(node).scale(net.mean_scale), True, p - 1)
        else:
            refuse(node, f"the average {latex_name(net.error_name)} = \\frac{{1}}{{{n}}} \\sum_{x} "
                   f"{latex_name(net.error_name)}_{x} is read in a derivative by a parameter, in "
                   f"\\frac{{1}}{{{n}}} and in a sum over all the patterns {x}, term by term",
                   f"write \\frac{{\\partial C}}{{\\partial w}} = \\frac{{1}}{{{n}}} \\sum_{x} "
                   f"\\frac{{\\partial C_{x}}}{{\\partial w}}")

    visit(side, Fraction(1), 0, False, env, ())
    return parts


def _mean_part_name(net: Network, key: tuple[str, int]) -> str:
    """``averaged over the patterns x``, ``for one pattern x, times n``, ..."""
    x, n = net.patterns  # type: ignore[misc]
    kind, p = key
    if kind == "sum" and p == -1:
        return f"averaged over the patterns {x}"
    what = {"sum": f"summed over the patterns {x}", "one": f"for one pattern {x}",
            "free": "free of the patterns"}[kind]
    return what + ("" if p == 0 else f", times {n}" if p == 1 else f", times {n}^{{{p}}}")


def pattern_parts(net: Network, lhs: Node, rhs: Node, letters: dict[str, tuple[str, ...]]
                  ) -> list[tuple[str, str, str]]:
    """The parts of a link over the patterns (:func:`_pattern_parts`, :func:`_mean_parts` for an
    average), each an equation on the network of one pattern: (what, left, right) in LaTeX, both
    sides 0 left out.  Raises :class:`~symbp.errors.InputError` where a side cannot be split."""
    with budget(LINK_SECONDS):
        if net.mean:
            halves = [_mean_parts(net, side, letters) for side in (lhs, rhs)]
            keys = sorted(set(halves[0]) | set(halves[1]), key=lambda k: (k[1], k[0]))
            names = [_mean_part_name(net, k) for k in keys]
            sides = [[h.get(k, Expr.zero()) for k in keys] for h in halves]
        else:
            names = _pattern_part_names(net)
            sides = [_pattern_parts(net, side, letters) for side in (lhs, rhs)]
        printed = [[latex(net, e) if e.terms else "0" for e in ps] for ps in sides]
    return [(what, a, b) for what, a, b in zip(names, *printed) if (a, b) != ("0", "0")]


def over_patterns(net: Network, lhs: Node, rhs: Node) -> bool:
    """Whether a link is read over the patterns (``E = \\sum_n E_n`` or an average declared)."""
    return net.patterns is not None and _over_patterns(net, lhs, rhs)


def _with_patterns(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                   lhs: Node, rhs: Node, head: Node, suggest: bool) -> LinkResult:
    """A link over the patterns (``E = \\sum_n E_n``), checked part by part (see
    :func:`_pattern_parts`, and :func:`_mean_parts` for an average); each part is an equation on
    the network of one pattern."""
    try:
        parts = pattern_parts(net, lhs, rhs, letters)
    except InputError as exc:
        return LinkResult("", ERROR, exc.brief(), error=type(exc).__name__, span=_span(exc),
                          misfit=exc.misfit, code=exc.code)
    except ResourceLimitError as exc:
        return LinkResult.of("", ERROR, [dx.BoundReached(str(exc))], error="ResourceLimitError")
    out = None
    # each part is an equation of one pattern: the patterns' letter is the sum the parts took
    # apart, written there only as one pattern's error (C_x, where no \delta names the derivative)
    inference = [p for p in inference if p.letter != net.patterns[0]]  # type: ignore[index]
    for what, a, b in parts:
        try:
            pa, pb = (parse_expression(x, net.functions) for x in (a, b))
        except SymbpError as exc:  # a part that does not read back: nothing is claimed
            return LinkResult.of("", ERROR, [dx.RoundTrip(f"{a} = {b}: {exc}")], error="RoundTripError")
        res = _check_per_unit(net, letters, inference, pa, pb, head, suggest)
        if res.derived and _total_by_a_parameter(net, head):
            _derived_over_patterns(net, res)
        res.message = f"{what}: {a} = {b}: {res.message}"
        if res.verdict not in (VERIFIED, AT_SIZES):
            return res
        if out is None or res.verdict == AT_SIZES:
            out = res
    if out is None:  # both sides 0
        return LinkResult("", VERIFIED, "holds for all sizes: both sides are 0 for every pattern")
    return out


def _total_by_a_parameter(net: Network, head: Node) -> bool:
    """Whether ``head`` is the total error's derivative by a parameter (``\\frac{\\partial C}{\\partial
    w_{jk}}`` beside ``C = \\frac{1}{n} \\sum_x C_x``): every pattern's, the sum (average) of theirs."""
    if not (isinstance(head, Deriv) and isinstance(head.num, Sym) and head.num.name == net.error_name
            and not head.num.groups and isinstance(head.wrt, Sym)):
        return False
    try:
        return Interpreter(net, {}).family_for(head.wrt).param
    except SymbpError:
        return False


def _derived_over_patterns(net: Network, res: LinkResult) -> None:
    """What symbp derives for a parameter's derivative of the total, checked on one pattern's
    network (``\\delta_j a_k``, which is ``C_x``'s), written as the total's: ``\\frac{1}{n}
    \\sum_x \\delta_j a_k`` for the average, ``\\sum_n`` for the sum."""
    x, size = net.patterns  # type: ignore[misc]
    lhs, _, rhs = res.derived.partition(" = ")  # type: ignore[union-attr]
    body = rhs if not (" + " in rhs or " - " in rhs[1:] or rhs.startswith("-")) else f"\\left({rhs}\\right)"
    over = f"{_over(net.mean_scale, latex_name(size))} " if net.mean else ""
    total = f"{over}\\sum_{{{x}}} {body}"
    before, res.derived = res.derived, f"{lhs} = {total}"
    res.diagnoses = [dx.Derived(res.derived) if isinstance(d, dx.Derived) else d for d in res.diagnoses]
    # the derived text replaced where it stands: the message rebuilt from the diagnoses alone lost
    # what the checks after them added ('; also at the unit 0 of i')
    shown = dx.message([dx.Derived(before)])  # type: ignore[arg-type]
    if shown and shown in (res.message or ""):
        res.message = res.message.replace(shown, dx.message([dx.Derived(res.derived)]))


def _over(scale: Fraction, n: str) -> str:
    """``\\frac{1}{n}`` times ``scale``, as the file writes the average: ``-\\frac{1}{n}``, ``\\frac{1}{2n}``.

    >>> [_over(Fraction(c), "n") for c in (1, -1, "1/2", "-3/2")]
    ['\\\\frac{1}{n}', '-\\\\frac{1}{n}', '\\\\frac{1}{2n}', '-\\\\frac{3}{2n}']
    """
    sign = "-" if scale < 0 else ""
    den = "" if abs(scale).denominator == 1 else str(abs(scale).denominator)
    return f"{sign}\\frac{{{abs(scale).numerator}}}{{{den}{n}}}"


def unit_zero_letters(net: Network, letters: dict[str, tuple[str, ...]], lhs: Node, rhs: Node) -> list[str]:
    """The free letters of ``lhs = rhs`` that the check also runs at the unit 0 (PRML's ``i`` of
    ``\\sum_{i=0}^{D} w_{ji} x_i``): each combination of them, written 0, is an instance checked
    apart, which ``symbp prove`` writes out as a case of its own.

    >>> from symbp.engine.declare import declare
    >>> from symbp.latex.parser import parse_expression as p
    >>> net = declare([r"a_j = \\sum_{i=0}^{D} w_{ji} x_i", "x_0 = 1"])
    >>> unit_zero_letters(net, {}, p(r"\\frac{\\partial a_j}{\\partial w_{ji}}"), p("x_i"))
    ['i']
    """
    return _zero_letters(net, letters, lhs, rhs) if net.zero_ranges else []


def _zero_letters(net: Network, letters: dict[str, tuple[str, ...]], lhs: Node, rhs: Node) -> list[str]:
    """The free letters of a link that run over a range with a unit 0 (``i`` of PRML's
    ``\\sum_{i=0}^{D} w_{ji} x_i``)."""
    from ..engine.semantics import runs_from_zero
    from ..latex.ast import Add
    free: dict[str, int] = {}
    for side in (lhs, rhs):
        free.update(free_letters(side, net, []))
    both = Add(lhs.pos, rhs.end, (lhs, rhs))
    try:
        return sorted(x for x in free if runs_from_zero(net, both, x, letters))
    except InputError:
        return sorted(free)  # a unit 0 that cannot be written: each instance says so


#: at most this many free letters with a unit 0 in one link (each doubles the checks)
MAX_ZERO_LETTERS = 3


def _with_unit_zero(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                    zero: list[str], lhs: Node, rhs: Node, head: Node, suggest: bool) -> LinkResult:
    """A link free in a letter that runs over the unit 0 and ``1..D`` holds where it holds at
    ``1..D`` and at the unit 0 (the letter written 0 everywhere: ``x_i`` -> ``x_0 = 1``): each
    instance is checked; a refutation or an error of one of them is the link's, said where."""
    import itertools
    if len(zero) > MAX_ZERO_LETTERS:
        return LinkResult.of("", ERROR, [dx.BoundReached(f"more than {MAX_ZERO_LETTERS} free letters with "
                                                         "a unit 0 in one equation")],
                             error="ResourceLimitError")
    main = _check_any_reading(net, letters, inference, lhs, rhs, head, suggest)
    if main.verdict not in (VERIFIED, AT_SIZES):
        return main
    from ..engine.semantics import unit_zero
    at_sizes = main if main.verdict == AT_SIZES else None
    for n in range(1, len(zero) + 1):
        for chosen in itertools.combinations(zero, n):
            where = ", ".join(f"{letter_tex(x)} = 0" for x in chosen)
            try:
                a, b = lhs, rhs
                for x in chosen:
                    a, b = unit_zero(a, x), unit_zero(b, x)
            except InputError as exc:
                return LinkResult("", ERROR, f"at the unit {where}: {exc.brief()}", error=type(exc).__name__,
                                  span=_span(exc), code=exc.code)
            res = _check_any_reading(net, letters, inference, a, b, head, False)
            if res.verdict not in (VERIFIED, AT_SIZES):
                res.message = f"at the unit {where} ({unparse(a)} = {unparse(b)}): {res.message}"
                return res
            if res.verdict == AT_SIZES and at_sizes is None:
                at_sizes = res
    out = at_sizes or main
    names = ", ".join(letter_tex(x) for x in zero)
    out.message = f"{out.message}; also at the unit 0 of {names}"
    return out


def _check_any_reading(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                       lhs: Node, rhs: Node, head: Node, suggest: bool = True) -> LinkResult:
    used = used_letters(lhs, rhs)
    ambiguous = [p for p in inference if p.kind == "ambiguous" and p.letter in used]
    if ambiguous:
        return _every_reading(net, letters, inference, ambiguous, lhs, rhs, head, suggest)
    return _check_one_reading(net, letters, inference, lhs, rhs, head, suggest)


#: at most this many readings of ambiguous index letters are checked
MAX_READINGS = 8


def _every_reading(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                   ambiguous: list[IndexProblem], lhs: Node, rhs: Node, head: Node,
                   suggest: bool) -> LinkResult:
    """An undeclared letter that could run over several ranges: the link is checked under every
    reading.  The same verdict under all of them is the verdict (whatever the writer meant);
    otherwise nothing is claimed and the letter must be declared."""
    import itertools
    rest = [p for p in inference if p not in ambiguous]
    readings = list(itertools.product(*(p.ranges for p in ambiguous)))
    first = ambiguous[0]
    index = first.diagnosis or dx.IndexSlip(first.kind, first.message)
    if len(readings) > MAX_READINGS:
        return LinkResult.of("", ERROR, [dx.AmbiguousReading(index, first.letter)], error="NotationError",
                             span=(first.pos, 1))
    results = [_check_one_reading(net, {**letters, **{p.letter: (r,) for p, r in zip(ambiguous, rs)}},
                                  rest, lhs, rhs, head, suggest) for rs in readings]
    if all(r.verdict == ERROR for r in results):  # the same input error under every reading
        return next((r for r in results if not r.misfit), results[0])
    # a reading the input does not fit (\sum_{n=1}^{K} read with n over J, [q = j] with q over K)
    # is no reading; any other error leaves a reading undecided (a bound, a bug, a derivative
    # symbp does not read, such as d/dz_j of a_q with q over J), so nothing is claimed then
    undecided = [r for r in results if r.verdict == ERROR and not r.misfit]
    if undecided:
        why = dx.parts_of(undecided[0].diagnoses) if undecided[0].diagnoses else (undecided[0].message,)
        return LinkResult.of("", ERROR, [dx.AmbiguousReading(index, first.letter, undecided=why)],
                             error=undecided[0].error, span=(first.pos, 1))
    fitting = [(rs, r) for rs, r in zip(readings, results) if r.verdict != ERROR]
    verdicts = {r.verdict for _, r in fitting}
    if verdicts <= {VERIFIED, AT_SIZES} or verdicts == {REFUTED}:
        res = next((r for _, r in fitting if r.verdict == AT_SIZES), fitting[0][1])
        if len(fitting) > 1:
            fit = tuple((p.letter, tuple(r for r in p.ranges if any(rs[k] == r for rs, _ in fitting)))
                        for k, p in enumerate(ambiguous))
            reading = dx.Reading(fit, every=True)
        else:
            reading = dx.Reading(tuple((p.letter, (r,)) for p, r in zip(ambiguous, fitting[0][0])),
                                 every=False)
        if res.diagnoses:
            res.diagnoses = [reading, *res.diagnoses]
            res.message = dx.message(res.diagnoses)
        else:  # a result worded without diagnoses keeps its words
            res.message = f"{reading.text}: {res.message}"
        return res
    disagree = tuple((tuple(rs), r.verdict) for rs, r in zip(readings, results))
    return LinkResult.of("", ERROR, [dx.AmbiguousReading(index, first.letter, readings=disagree)],
                         error="NotationError", span=(first.pos, 1))


def _check_one_reading(net: Network, letters: dict[str, tuple[str, ...]],
                       inference: list[IndexProblem], lhs: Node, rhs: Node, head: Node,
                       suggest: bool) -> LinkResult:
    try:
        with budget(LINK_SECONDS):
            res = _check_link_inner(net, letters, inference, lhs, rhs, head, suggest)
        bare = bare_functions(net, (lhs, rhs))
        if bare and res.verdict in (VERIFIED, AT_SIZES):  # a function is no number: never verified
            b = bare[0]
            return LinkResult("", ERROR, f"{unparse(b)} is a function written without its argument; "
                              f"read as its value the step would hold, but as written it equates a "
                              f"function with a number (hint: write {unparse(b)}(...) or "
                              f"{unparse(b)}'(...))", error="NotationError", span=(b.pos, b.end - b.pos),
                              code=dx.UNKNOWN_SYMBOL.name)
        return res
    except _Refuted as r:
        return LinkResult.of("", REFUTED, r.diagnoses, **r.extra)
    except NotationError as exc:
        if exc.slip:
            slip: list[dx.Diagnosis] = [exc.diagnosis if exc.diagnosis is not None else dx.IndexSlip(
                "slip", f"{exc.message}; {exc.hint}" if exc.hint else exc.message)]
            fix = repair.suggest_indices(_context(net, letters, inference, head), lhs, rhs,
                                         exc.symbol) if suggest else None
            if fix is not None:
                return LinkResult.of("", REFUTED, [*slip, fix], suggestion=fix.equation)
            return LinkResult.of("", REFUTED, slip)
        return LinkResult("", ERROR, exc.brief(), error=type(exc).__name__, span=_span(exc),
                          misfit=exc.misfit, code=exc.code)
    except InputError as exc:
        return LinkResult("", ERROR, exc.brief(), error=type(exc).__name__, span=_span(exc),
                          misfit=exc.misfit, code=exc.code)
    except ResourceLimitError as exc:
        return LinkResult.of("", ERROR, [dx.BoundReached(str(exc))], error="ResourceLimitError")
    except RecursionError:
        return LinkResult.of("", ERROR, [dx.BoundReached("expression nested too deeply")],
                             error="ResourceLimitError")
    except MemoryError:
        return LinkResult.of("", ERROR, [dx.BoundReached("out of memory")], error="ResourceLimitError")
    except SymbpError as exc:
        return LinkResult("", ERROR, str(exc), error=type(exc).__name__, code=dx.INTERNAL_ERROR.name)
    except Exception as exc:  # noqa: BLE001 - a bug must cost one verdict, never the whole run
        return LinkResult.of("", ERROR, [dx.InternalError(type(exc).__name__, str(exc))],
                             error="InternalError")


def _check_link_inner(net: Network, letters: dict[str, tuple[str, ...]],
                      inference: list[IndexProblem], lhs: Node, rhs: Node, head: Node,
                      suggest: bool) -> LinkResult:
    check_names(net, (lhs, rhs))
    # 1. index analysis
    pl: list[IndexProblem] = []
    pr: list[IndexProblem] = []
    fl = free_letters(lhs, net, pl)
    fr = free_letters(rhs, net, pr)
    used = {x for side in (lhs, rhs) for node in side.walk() if isinstance(node, Sym)
            for x in node.letters} | {node.index for side in (lhs, rhs) for node in side.walk()
                                      if isinstance(node, SumOp)}
    problems = [_problem(p) for p in inference if p.letter in used]
    problems += [_problem(p, "left") for p in pl] + [_problem(p, "right") for p in pr]
    unknown = [p for p in inference if p.letter in used and p.kind == "undetermined"]
    # nothing wrong but a letter of unknown range (index remarks decide nothing, and without the
    # range there is no value): an input error
    if unknown and len(unknown) == sum(p.letter in used for p in inference):
        raise NotationError(unknown[0].message, offset=unknown[0].pos, code=dx.UNDETERMINED_INDEX.name,
                            hint=f"declare its range: '% symbp: index {unknown[0].letter} : <letter>'")
    # A letter free on one side only is remarked on (the value decides), unless it comes from the
    # variable of a derivative and that side's value does not depend on it: PRML's (5.52) writes
    # ∂a_j/∂w_{ji} = z_i, constant along j.  A side without free indices (a constant such as 0)
    # broadcasts: δ_j - (...) = 0 draws no remark.
    both = set(fl) | set(fr)
    env = {x: components(x, letters[x] if x in letters else net.letter_ranges(x) or ())
           for x in both}
    interp = Interpreter(net, letters)
    only_l = sorted(x for x in set(fl) - set(fr)
                    if not _constant(rhs, fr) and _depends(interp, lhs, env, x))
    only_r = sorted(x for x in set(fr) - set(fl)
                    if not _constant(lhs, fl) and _depends(interp, rhs, env, x))
    for x in only_r:
        problems.append(dx.FreeIndexMismatch(x, "right", sums_over(lhs, x)))
    for x in only_l:
        problems.append(dx.FreeIndexMismatch(x, "left", sums_over(rhs, x)))
    # index rules explain, they do not decide: a vacuous sum, terms with different free indices
    # and a letter free on one side only are remarks, and the value decides (for every value of
    # the free letters, all sizes); a letter no layer fits has no value: refuted as before
    by_index = any(p.letter in used for p in inference)
    remarks = problems[len(problems) - len(pl) - len(pr) - len(only_l) - len(only_r):]

    def index_refutation(cx: dict | None = None, witness: dict | None = None) -> _Refuted:
        extra: dict[str, Any] = {"counterexample": cx, "witness": witness} if cx is not None else {}
        ctx = _context(net, letters, inference, head)
        hint = repair.suggest_sum(ctx, lhs, rhs, pl, pr) \
            if suggest else None
        if hint is None and suggest and not pl and not pr:
            hint = repair.suggest_sum_fix(ctx, lhs, rhs, only_l, only_r)
        if hint is None and suggest:
            hint = repair.suggest_repair(ctx, lhs, rhs)
        if hint:
            problems.append(hint)
            extra["suggestion"] = hint.equation
        head_free = set(free_letters(head, net, []))
        head_env = {x: env[x] for x in head_free if x in env}
        extra["derived"] = _derived(net, interp, head, head_env, {x: x for x in head_env}) \
            if len(head_env) == len(head_free) and not _VERDICT_ONLY else None
        if extra["derived"] and not hint:
            problems.append(dx.Derived(extra["derived"]))
        return _Refuted(problems, **extra)

    # a size written as an index letter (w_M, a_J): as an index it runs over 1..M, as the size it
    # is the last unit, a value.  What holds for every index holds at the last unit, so a
    # verification stands; a refutation under the one reading is none under the other: not decided
    sized = sorted(x for x in set(fl) | set(fr) if x in net.sizes)
    if problems and by_index:
        raise index_refutation()
    if problems:
        # its own repair search is not needed: the index analysis proposes the fix
        res = _by_value(net, letters, inference, lhs, rhs, head, False, interp, env, both)
        if res.verdict in (VERIFIED, AT_SIZES):
            res.warnings = [{"code": dx.primary([d]) or "index-slip", "message": _holds_anyway(d.text)}
                            for d in remarks]
            return res
        if res.verdict == REFUTED and sized:
            return _size_as_unit(sized)
        if res.verdict == REFUTED:  # the index analysis is the diagnosis, the value the evidence
            raise index_refutation(res.counterexample, res.witness)
        return res
    res = _by_value(net, letters, inference, lhs, rhs, head, suggest, interp, env, both)
    return _size_as_unit(sized) if sized and res.verdict == REFUTED else res


def _size_as_unit(sizes: list[str]) -> LinkResult:
    """Not decided: the ``sizes`` are written as index letters (``w_M``), each of which reads as the
    last unit (a value) or as an index over ``1..M``, and the claim fails as the index.

    >>> print(_size_as_unit(["J", "M"]).message.split(":")[0])
    J and M are sizes of the network, written here as index letters
    """
    names = " and ".join([", ".join(sizes[:-1]), sizes[-1]] if len(sizes) > 1 else sizes)
    one = len(sizes) == 1
    x = sizes[0]
    what = (("is a size", "an index letter", "an index", "the size it is the last unit (a value)") if one
            else ("are sizes", "index letters", "indices", "the sizes they are the last units"))
    return LinkResult("", ERROR, f"{names} {what[0]} of the network, written here as {what[1]}: as "
                      f"{what[2]} ({', '.join(f'{y} over 1..{y}' for y in sizes)}) the two sides differ, as "
                      f"{what[3]}, which symbp reads only inside a shifted position and does not guess, so "
                      f"nothing is claimed (hint: for an index, write a letter that is no size, such as "
                      f"{x.lower()}'; a claim about the last unit is not read yet)",
                      error="NotationError", code=dx.AMBIGUOUS_READING.name)


def _aliases(net: Network) -> dict[str, str]:
    """Function names declared as the same concrete function (``activation h = tanh`` and
    ``activation g = tanh``): each mapped to one of them (the first in alphabetical order)."""
    first: dict[str, str] = {}
    for name in sorted(net.activations):
        first.setdefault(net.activations[name], name)
    return {n: first[k] for n, k in net.activations.items() if first[k] != n}


def _one_name(net: Network, e: Expr) -> Expr:
    """``e`` with every function written under the name :func:`_aliases` gives it: an equal
    expression (the functions are the same), so equal results are equal values.

    >>> from symbp import declare
    >>> net = declare([r"a_j = \\sum_i w_{ji} x_i", r"z_j = g(a_j)", r"a_k = \\sum_j v_{kj} z_j",
    ...                r"y_k = h(a_k)"], params=["w", "v"], activations={"h": "tanh", "g": "tanh"})
    >>> _aliases(net)
    {'h': 'g'}
    """
    alias = _aliases(net)

    def rename(f: tuple) -> tuple:
        return f._replace(name=alias[f.name]) if f.tag == "fn" and f.name in alias else f

    return Expr.from_raw((t.coeff, t.sizes, dict(enumerate(t.dummies)), [rename(f) for f in t.factors])
                         for t in e.terms)


def _holds_anyway(remark: str) -> str:
    """An index remark on an equation that holds by value."""
    if " is free on the " in remark:
        return f"holds for every {remark.split(' ', 1)[0]}; {remark}"
    if "does not occur in the summand" in remark:
        return f"{remark}: the sum is the summand times the size of its range"
    return f"{remark}: a term without one of these indices is the same for every value of it"


def _by_value(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
              lhs: Node, rhs: Node, head: Node, suggest: bool, interp: Interpreter, env: dict,
              both: set[str]) -> LinkResult:
    """The verdict by value: the engine's normal forms, then exact formal values at sizes."""
    # 2. symbolic
    free = [(name, r) for x in sorted(both) for name, r in zip(env[x], letters.get(x) or
                                                                net.letter_ranges(x) or ())]
    for side in (lhs, rhs):  # dE/dw_{m+1} at m = M: by no quantity of the network
        interp.side_boundary(side, env)
    raw_l = interp.expression(lhs, env)
    raw_r = interp.expression(rhs, env)
    if net.padding == "zero" and _shifted(raw_l, raw_r):  # 0 outside a range: its condition is explicit
        raw_l, raw_r = shifted.pad(net, raw_l, free), shifted.pad(net, raw_r, free)
    # a deep network's sides are compared by value, layer by layer, before their δ are expanded
    probe = _LayeredProbe(net, free) if calculus.is_deep(net) and not _aliases(net) \
        and not net.opaque_functions and not _shifted(raw_l, raw_r) else None
    same, gl, gr = calculus.compare(net, raw_l, raw_r, probe=probe) if probe is not None else \
        calculus.compare(net, raw_l, raw_r)
    if not same and _aliases(net):  # two names declared as one function are one function
        gl, gr = _one_name(net, gl), _one_name(net, gr)
        same = gl == gr
    names = {name: x if len(env[x]) == 1 else NormalFormPrinter(net).free_letter(name)
             for x in env for name in env[x]}
    derived = None if _VERDICT_ONLY else _derived(net, interp, head, env, names)
    if same:  # for the verdict alone (verdict_only), the value is not printed: its words are not read
        value = "" if _VERDICT_ONLY else latex(net, gl, names)
        return LinkResult.of("", VERIFIED, [dx.Holds(value, given=_given(net, raw_l, raw_r))],
                             derived=derived)
    ul, ur = probe.unfolded if probe is not None and probe.evidence is not None else \
        (calculus.unfold(net, gl), calculus.unfold(net, gr))
    draw = None
    if probe is not None and probe.evidence is not None:
        # the sides differ by value, with their δ evaluated layer by layer (a deep network): that
        # is the evidence, and the forms reached are the ones diagnosed
        differing, plans, diff = probe.evidence, [], ul - ur
        return _refutation(net, letters, inference, lhs, rhs, head, suggest, gl, gr, diff, differing,
                           plans, free, names, derived, unfolded=(ul, ur))
    if net.padding == "zero" and _shifted(ul, ur):
        ul, ur = shifted.pad(net, ul, free), shifted.pad(net, ur, free)
    if _aliases(net):
        ul, ur = _one_name(net, ul), _one_name(net, ur)
    if _proved_equal(ul, ur):
        return LinkResult.of("", VERIFIED, [dx.Holds(latex(net, ul, names), forward=True,
                                                     given=_given(net, raw_l, raw_r))], derived=derived)
    cleared = _cleared(net, ul, ur, names)
    if cleared is not None:
        return LinkResult.of("", VERIFIED, [cleared], derived=derived)
    # 3. the sizes are algebra: the difference's coefficients are polynomials in the sizes; it is
    # evaluated exactly (formal values) at sizes where none of them vanishes, then at plans drawn
    # for this equation
    diff = ul - ur
    polys = list(diff.coefficients().values())
    plans = nonvanishing_plans(net, polys, _seed(lhs, rhs))
    if plans is None:
        raise ResourceLimitError("a coefficient of the difference of the two sides, a polynomial in "
                                 "the sizes, vanishes at every size plan within the bounds")
    # where a side reads a family outside its range (x_{j-m+1} at j = 1), what it holds there is
    # unknown unless the file says (% symbp: padding zero): fresh unknowns, the same at the same place
    outside = "zero" if net.padding == "zero" else "unknown"
    differing = next((d for sizes in plans for seed in (1, 2)
                      if not (d := _formal_values(net, ul, ur, sizes, free, seed, outside)).agree), None)
    if differing is None:
        degree = max((len(t.sizes) + len(t.dummies) for t in diff.terms), default=1)
        indices = max((len(t.dummies) for t in diff.terms), default=0) + len(free)
        draw = drawn_plans(net, f"{unparse(lhs)} = {unparse(rhs)}", degree, indices)
        differing = next((d for sizes in draw.plans
                          if not (d := _formal_values(net, ul, ur, sizes, free, 1, outside)).agree), None)
    far: list[dict[str, int]] = []
    if differing is None and _shifted(ul, ur):
        # a shifted position or a range condition makes the difference piecewise in the sizes:
        # a term such as \delta_{m+16} [1 \le m+16 \le J] is there only from J = 17 on, past
        # every size drawn (the audit: false claims verified at sizes 1..16), so the sizes are
        # tried once more where each is past every offset the two sides have
        far = _far_plans(net, _offset_reach(ul, ur), _seed(lhs, rhs))
        offsets = _size_offsets(ul, ur)
        if offsets:  # an offset made of sizes, j+3M, the stride's s(m)+5: past it too
            plain = _offset_reach(ul, ur, sized=False)
            # where no plan has every size past every offset (a stride multiplies them: I = s(J-1)
            # + M), the plans past the offsets made of sizes are also past those of numbers alone
            sized = _sized_plans(net, offsets if far is not None else [*offsets, ({}, plain)], plain,
                                 _seed(lhs, rhs))
            far = None if sized is None else (far or []) + [p for p in sized if p not in (far or [])]
        if far is None:
            return LinkResult("", ERROR, "not decided: the two sides agree at every size tried, but they "
                              "have shifted positions whose offsets reach past the sizes that can be "
                              "evaluated within the bounds, so a term that exists only at larger sizes "
                              "was not seen and nothing is claimed", error="ResourceLimitError",
                              code=dx.UNSUPPORTED.name)
        differing = next((d for sizes in far
                          if not (d := _formal_values(net, ul, ur, sizes, free, 1, outside)).agree), None)
    if differing is not None and outside == "unknown" and _shifted(ul, ur):
        # the plan where they differ too: past an offset, zero padding may not make them agree
        undecided = _padding_decides(net, ul, ur, raw_l, raw_r, plans + (draw.plans if draw else [])
                                     + [differing.sizes], free,
                                     (rhs.pos, max(1, rhs.end - rhs.pos)))
        if undecided is not None:
            return undecided
    if differing is None and outside == "unknown" and _shifted(raw_l, raw_r):
        # the sides agree with the families written out, but a side as read takes a family outside
        # its range, where it has no value (\delta_{i-m+1} past J, its formula 0 there): not decided
        for sizes in plans + (draw.plans if draw else []):
            reads = [r for e in (raw_l, raw_r) for r in shifted.outside_reads(net, e, sizes, free)]
            if reads:
                return _outside_undecided(reads, sizes, (rhs.pos, max(1, rhs.end - rhs.pos)))
    if differing is None:
        assert draw is not None
        if far:  # piecewise in the sizes: the polynomial's bound says nothing, the sizes are named
            return LinkResult.of("", AT_SIZES, [dx.HoldsAtSizes(
                f"{_show_plans(plans + draw.plans)}, and past every offset of the shifted positions: "
                f"{_show_plans(far)} (a shifted position makes the difference piecewise in the sizes, "
                f"so only these sizes are claimed)")], sizes=plans + draw.plans + far, derived=derived)
        return LinkResult.of("", AT_SIZES, [dx.HoldsAtSizes(
            f"{_show_plans(plans)}, and at {draw.describe()}: {_show_plans(draw.plans)}")],
            sizes=plans + draw.plans, derived=derived)
    return _refutation(net, letters, inference, lhs, rhs, head, suggest, gl, gr, diff, differing, plans,
                       free, names, derived, _opaque(net, ul, ur), unfolded=(ul, ur), raw=(raw_l, raw_r),
                       outside=outside)


def _refutation(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                lhs: Node, rhs: Node, head: Node, suggest: bool, gl: Expr, gr: Expr, diff: Expr,
                differing: _Formal, plans: list[dict[str, int]], free: list[tuple[str, str]],
                names: dict[str, str], derived: str | None, opaque: str | None = None, *,
                unfolded: tuple[Expr, Expr], raw: tuple[Expr, Expr] | None = None,
                outside: str = "unknown") -> LinkResult:
    """The refutation of a link whose sides differ as formal values at ``differing``: the diagnosis
    of the forms ``gl`` and ``gr``, the counterexample, the repair (``unfolded``: the sides down
    to inputs and parameters, where the conditions and the functions beyond polynomials are read;
    ``raw``: the sides as read, where a shifted position outside its range is named; ``outside``:
    what the evidence read there)."""
    ul, ur = unfolded
    if opaque:  # exp, log, ...: read as undefined functions, a difference is no evidence
        return LinkResult("", ERROR, f"not decided: the two sides differ as formal expressions, but "
                          f"they involve {opaque}, which symbp reads as an undefined differentiable "
                          f"function (its own algebra, such as exp' = exp, is not known yet), so the "
                          f"difference is no evidence that the step is wrong", error="UnsupportedError",
                          code=dx.UNSUPPORTED.name)
    diags: list[dx.Diagnosis] = [_diagnose(net, gl, gr, names)]
    diags[:0] = _needs_condition(net, ul, ur)
    diags += _poly_remark(net, diff, differing.sizes, names)
    if outside == "unknown" and _shifted(gl, gr):
        reads = [r for e in (raw or ()) for r in shifted.outside_reads(net, e, differing.sizes, free)] or \
            [r for e in (gl, gr) for r in shifted.outside_reads(net, e, differing.sizes, free)]
        if reads:
            diags.append(dx.OutsideRange(tuple(dict.fromkeys(reads))))
    beyond = _beyond_polynomials(net, ul, ur)
    # a deep network's (found by the probe, ``plans`` empty) concrete gradients vanish in its
    # bottom layers: its counterexample is the exact witness
    # (for the verdict alone it is run only where it decides it: beyond polynomials)
    cx, ran = _network_counterexample(net, gl, gr, [differing.sizes] + plans, free, names,
                                      seeds=(0, 1, 2, 3) if beyond else (0,)) \
        if plans and (beyond or not _VERDICT_ONLY) else (None, None)
    if cx is None and beyond:  # 1/x, ln x: the formal difference is no evidence without numbers
        return LinkResult("", ERROR, f"not decided: the two sides differ as formal expressions, but "
                          f"they involve {beyond}, whose identities (such as {_identity_of(beyond)}) the "
                          f"normal form does not know, and the network run with concrete functions shows no "
                          f"difference, so nothing is claimed", error="UnsupportedError",
                          code=dx.UNSUPPORTED.name)
    if cx is None and not _VERDICT_ONLY:
        cx = _formal_counterexample(net, differing, free, names)
    # last, so that running out of time here costs the proposal, never the refutation
    fix = repair.suggest_repair(_context(net, letters, inference, head), lhs, rhs,
                                 repair.missing_factors(net, gl, gr, names)) \
        if suggest else None
    if fix is not None:
        diags.append(fix)
    if derived:
        diags.append(dx.Derived(derived))
    return LinkResult.of("", REFUTED, diags, counterexample=cx, derived=derived, witness=ran,
                         suggestion=fix.equation if fix is not None else None)


class _LayeredProbe:
    """:func:`symbp.engine.calculus.compare`'s probe: both sides, unfolded, as exact formal values
    at two small size plans, their hidden ``δ`` evaluated layer by layer
    (:class:`~symbp.engine.numeric.LayeredFormalInstance`), so a deep network costs work linear in
    its depth and a skip path adds a term per layer, not a factor.  A difference is kept as the
    refutation's evidence (:attr:`evidence`); agreement, or a side it cannot evaluate, decides
    nothing (the comparison goes on by expansion, as without the probe)."""

    def __init__(self, net: Network, free: list[tuple[str, str]]) -> None:
        self.net, self.free = net, free
        self.evidence: _Formal | None = None
        self.unfolded: tuple[Expr, Expr] = (Expr.zero(), Expr.zero())

    def __call__(self, left: Expr, right: Expr) -> bool:
        try:
            ul, ur = self.unfolded = calculus.unfold(self.net, left), calculus.unfold(self.net, right)
            for sizes in small_plans(self.net):
                d = _layered_values(self.net, ul, ur, sizes, self.free, 1)
                if not d.agree:
                    self.evidence = d
                    return True
        except (SymbpError, ArithmeticError, ValueError, KeyError):
            return False
        return False


def _offset_reach(*exprs: Expr, sized: bool = True) -> int:
    """How far the shifted positions and range conditions of ``exprs`` reach: the largest
    ``Σ|coeff| + |const|`` of an affine index (``m+16``: 17), below which a size may leave a term
    out (``sized=False``: of the indices with no size in them, :func:`_size_offsets`).

    >>> from symbp.model.normal_form import Expr
    >>> _offset_reach(Expr([]))
    0
    """
    def reach(x: object) -> int:
        if type(x) is not tuple:
            return 0
        own = 0
        if is_affine(x):
            coeffs, const = parts(x)
            if sized or not any(is_size(i) or is_product(i) for i in coeffs):
                own = sum(abs(c) for c in coeffs.values()) + abs(int(const))
        return max([own, *(reach(part) for part in x)])

    return max((reach(tuple(f)) for e in exprs for term in e.terms for f in term.factors), default=0)


def _far_plans(net: Network, reach: int, seed: int, want: int = 2) -> list[dict[str, int]] | None:
    """``want`` size plans where every size is past ``reach`` (derived sizes too, ``J = I - M +
    1``), drawn from ``seed``; ``None`` if none can be found or one would be too large to evaluate
    (a size past :data:`symbp.limits.MAX_FAR_SIZE`).  The sizes drawn at random may all fall
    below an offset that is itself below their bound (``J >= 13`` for ``m+12``), so these plans
    are tried whatever the offsets.

    >>> from symbp import declare
    >>> _far_plans(declare([r"a_j = \\sum_i w_{ji} z_i"]), 0, 0)
    []
    >>> [min(p.values()) >= 21 for p in _far_plans(declare([r"a_j = \\sum_i w_{ji} z_i"]), 19, 0)]
    [True, True]
    """
    low = reach + 2
    if reach == 0:
        return []
    if low > MAX_FAR_SIZE:
        return None
    rng = random.Random(seed)
    out: list[dict[str, int]] = []
    for _ in range(200):
        p = net.relate({r: rng.randint(low, 3 * low) for r in net.sizes})
        if min(p.values(), default=low) >= low and max(p.values(), default=low) <= MAX_FAR_SIZE:
            out.append(p)
            if len(out) == want:
                return out
    return None


def _size_offsets(*exprs: Expr) -> list[tuple[dict[str, int], int]]:
    """The affine indices of ``exprs`` with a size in them (``j+3M``, ``j-m+M``, the stride's
    ``s(m)+5``): each as the sizes' coefficients and the reach of the rest (``Σ|coeff| + |const|``
    of its indices and number), so that at a plan it reaches ``Σ|c_S| S + rest``.  A stride times
    an index (``s m``) is that size at the index's unit 1, and grows with it: it spreads as ``s``
    does, never as a number (``s(m)+5`` reaches ``s + 6``, past which the sizes that hold it are
    drawn); a size times a size is ``'s*t'``, their product at a plan (:func:`_at`).

    >>> from types import SimpleNamespace as Ns
    >>> from symbp.model.affine import affine, product, size_atom
    >>> i = affine([(product("s", ("f", "m")), 1), (("f", "m"), 1)], 5)  # m + s m + 5
    >>> _size_offsets(Ns(terms=[Ns(factors=[("ref", 0, (i,))])]))
    [({'s': 1}, 6)]
    >>> _size_offsets(Ns(terms=[Ns(factors=[("ref", 0, (affine([(product("s", size_atom("t")), 2)], 1),))])]))
    [({'s*t': 2}, 1)]
    """
    out: dict[tuple, None] = {}

    def size_part(i: object) -> str | None:  # the size an atom of an affine index grows with
        if is_size(i):
            return i[1]  # type: ignore[index]
        if is_product(i):
            inner = i[2]  # type: ignore[index]
            return f"{i[1]}*{inner[1]}" if is_size(inner) else i[1]  # type: ignore[index]
        return None

    def visit(x: object) -> None:
        if type(x) is not tuple:
            return
        if is_affine(x):
            coeffs, const = parts(x)
            sizes: dict[str, int] = {}
            for i, c in coeffs.items():
                if (name := size_part(i)) is not None:
                    sizes[name] = sizes.get(name, 0) + abs(c)
            if sizes:
                rest = sum(abs(c) for i, c in coeffs.items() if size_part(i) is None) + abs(int(const))
                out[(tuple(sorted(sizes.items())), rest)] = None
        for part in x:
            visit(part)

    for e in exprs:
        for term in e.terms:
            for f in term.factors:
                visit(tuple(f))
    return [(dict(k), rest) for k, rest in out]


def _sized_plans(net: Network, offsets: list[tuple[dict[str, int], int]], plain: int, seed: int,
                 want: int = 2) -> list[dict[str, int]] | None:
    """Size plans past every offset made of sizes (:func:`_size_offsets`): ``\\delta_{j+3M}``
    is there only where ``J > 3M``, which plans with every size past a number never reach (the
    audit: a false claim verified at sizes).  The sizes written in offsets are drawn small (from
    1) in ``want`` plans and past ``plain``, the reach of the offsets with no size in them (so
    that ``[1 \\le m+10 \\le M]`` holds somewhere), in ``want`` more; every other size is then
    past every offset at that plan,
    ``Σ|c_S| S + rest + 2``.  ``None`` where a kind of plan cannot be found within
    :data:`symbp.limits.MAX_FAR_SIZE` (not decided).

    >>> from symbp import declare
    >>> net = declare([r"a_j = \\sum_m w_m x_{j+m-1}"], sizes=["J = I - M + 1"])
    >>> plans = _sized_plans(net, [({"M": 3}, 1)], 3, 0)
    >>> all(p["J"] >= 3 * p["M"] + 3 and p["I"] >= 3 * p["M"] + 3 for p in plans), len(plans)
    (True, 4)
    """
    written = set().union(*({x for r in c for x in r.split("*")} for c, _ in offsets))
    numbers = plain + 2
    derived = set(net.size_relations or {})
    rng = random.Random(seed)
    out: list[dict[str, int]] = []
    for lo, hi in ((1, 3), (numbers, 2 * numbers)):
        found = 0
        for _ in range(400):
            plan = {r: rng.randint(lo, hi) for r in net.sizes if r in written and r not in derived}
            reach = max(sum(c * _at(plan, r) for r, c in cs.items()) + rest for cs, rest in offsets) + 2
            if reach > MAX_FAR_SIZE:
                break
            plan.update({r: rng.randint(reach, min(MAX_FAR_SIZE, 2 * reach)) for r in net.sizes
                         if r not in plan and r not in derived})
            p = net.relate(plan)
            reach = max(sum(c * _at(p, r) for r, c in cs.items()) + rest for cs, rest in offsets) + 2
            if (min(v for r, v in p.items() if r not in written) >= reach and min(p.values()) >= 1
                    and max(p.values()) <= MAX_FAR_SIZE and all(p[r] >= lo for r in written)
                    and p not in out):
                out.append(p)
                found += 1
                if found == want:
                    break
        if not found:
            return None
    return out


def _at(plan: dict[str, int], size: str) -> int:
    """A size of :func:`_size_offsets` at a plan: ``s``, or ``s*t`` the product of two (0 unset)."""
    out = 1
    for x in size.split("*"):
        out *= plan.get(x, 0)
    return out


def _shifted(*exprs: Expr) -> bool:
    """Whether an expression has a shifted position or a range condition."""
    return any(shifted.has_shift(f) for e in exprs for t in e.terms for f in t.factors)


def _padding_decides(net: Network, ul: Expr, ur: Expr, gl: Expr, gr: Expr, plans: list[dict[str, int]],
                     free: list[tuple[str, str]], span: tuple[int, int]) -> LinkResult | None:
    """The sides differ where the positions outside a family's range hold unknowns; if they agree
    wherever those hold 0 (zero padding), the verdict is the convention's, which the file does not
    state: an input error naming what is read there and the two ways to say it, never a guess.
    ``None`` when the sides differ under zero padding too (then they differ whatever is there)."""
    if any(not _formal_values(net, ul, ur, sizes, free, seed, "zero").agree for sizes in plans
           for seed in (1, 2)):
        return None
    reads: list[str] = []
    for sizes in plans:
        reads = shifted.outside_reads(net, gl, sizes, free) + shifted.outside_reads(net, gr, sizes, free)
        if reads:
            where = f" (at sizes {', '.join(f'{r}={v}' for r, v in sizes.items())})"
            break
    else:
        where = ""
    what = "; ".join(dict.fromkeys(reads)) + where if reads else "a family outside its range"
    return LinkResult("", ERROR, f"not decided: a side reads {what}, and the step holds if the "
                      "positions outside a family's range hold 0 (zero padding) but not for other "
                      "values there; the file does not say which (hint: declare '% symbp: padding "
                      "zero', or bound the sum with a range condition such as [1 \\le i-m+1 \\le J])",
                      error="NotationError", code=dx.AMBIGUOUS_READING.name, span=span)


def _outside_undecided(reads: list[str], sizes: dict[str, int], span: tuple[int, int]) -> LinkResult:
    """Not decided: a side reads a family outside its range (``reads``, at ``sizes``), which the
    file gives no value (no ``% symbp: padding zero``)."""
    where = ", ".join(f"{r}={v}" for r, v in sizes.items())
    return LinkResult("", ERROR, f"not decided: a side reads {'; '.join(dict.fromkeys(reads))} (at sizes "
                      f"{where}), where the family has no value, and the file does not say what it holds "
                      "there (hint: declare '% symbp: padding zero', or bound the sum with a range "
                      "condition such as [1 \\le i-m+1 \\le J])",
                      error="NotationError", code=dx.AMBIGUOUS_READING.name, span=span)


def _problem(p: IndexProblem, side: str | None = None) -> dx.Diagnosis:
    """An index problem as a diagnosis, on ``side`` (``None``: of the letters' inference)."""
    if p.diagnosis is None:
        return dx.IndexSlip(p.kind, p.message, side)
    return replace(p.diagnosis, side=side) if side is not None else p.diagnosis  # type: ignore[call-arg]


def _opaque(net: Network, *exprs: Expr) -> str | None:
    """The first function of ``exprs`` with an algebra symbp does not know (``\\exp``)."""
    names = net.opaque_functions
    for e in exprs:
        for t in e.terms:
            for f in t.factors:
                if f.tag == "fn" and f.name in names:
                    return letter_tex(f.name)
    return None


def _cleared(net: Network, ul: Expr, ur: Expr, names: dict[str, str]) -> dx.Diagnosis | None:
    """Both sides multiplied by their denominators (every reciprocal ``1/x`` outside a sum, to its
    highest power), written out through the forward equations: equal products prove the
    equation wherever the denominators are not 0 (``\\frac{y_k - t_k}{y_k (1 - y_k)} =
    -\\frac{t_k}{y_k} + \\frac{1 - t_k}{1 - y_k}``)."""
    powers: dict[tuple, int] = {}
    for t in (ul - ur).terms:
        for g in set(t.factors):
            if g.tag == "inv" and not any(i[0] == "d" for i in g.idx):
                powers[g] = max(powers.get(g, 0), t.factors.count(g))
    if not powers:
        return None
    m = Expr.const(1)
    for g, p in sorted(powers.items()):
        for _ in range(p):
            m = m * Expr.atom(inverse(g))
    left, right = calculus.unfold(net, ul * m), calculus.unfold(net, ur * m)
    if _aliases(net):
        left, right = _one_name(net, left), _one_name(net, right)
    if not _proved_equal(left, right):
        return None
    printer = NormalFormPrinter(net)
    dens = ", ".join(printer.doprint(Expr.atom(inverse(g)), names) for g in sorted(powers))
    return dx.HoldsOverDenominators(dens, latex(net, left, names))


def _equal_under(net: Network, left: Expr, right: Expr, conditions: dict[int, str] | None) -> bool:
    """Whether the two sides meet, with ``conditions`` in place of the declared ones."""
    saved = net.conditions
    net.conditions = conditions if conditions is not None else {}
    try:
        same, gl, gr = calculus.compare(net, left, right)
        if same:
            return True
        ul, ur = calculus.unfold(net, gl), calculus.unfold(net, gr)
        if _aliases(net):
            ul, ur = _one_name(net, ul), _one_name(net, ur)
        return _proved_equal(ul, ur)
    finally:
        net.conditions = saved


def _condition_text(net: Network, conditions: dict[int, str]) -> str:
    from ..catalogue import CONDITIONS
    return ", ".join(CONDITIONS[c].format(t=latex_name(net.families[f].name))
                     for f, c in sorted(conditions.items()))


def _given(net: Network, left: Expr, right: Expr) -> str:
    """The declared conditions a verified step needs (``\\sum_{k} t_{k} = 1``), as LaTeX: those
    without which the two sides no longer meet ('' if it holds without them)."""
    if not net.conditions or _equal_under(net, left, right, {}):
        return ""
    return _condition_text(net, net.conditions)


def _needs_condition(net: Network, ul: Expr, ur: Expr) -> list[dx.Diagnosis]:
    """A refuted step that would hold were a family of targets declared to sum to 1 (an input
    of the network with one index, written in the step): that condition, named."""
    written = {g.fam for e in (ul, ur) for t in e.terms for g in t.factors if g.tag == "ref"}
    for f in sorted(written):
        fam = net.families[f]
        if f in net.conditions or fam.param or f in net.definitions or len(fam.axes) != 1:
            continue
        if _equal_under(net, ul, ur, {**net.conditions, f: "sum to 1"}):
            return [dx.NeedsCondition(_condition_text(net, {f: "sum to 1"}),
                                      f"% symbp: targets {fam.name} sum to 1")]
    return []


def _identity_of(beyond: str) -> str:
    """An identity the normal form does not know, of what :func:`_beyond_polynomials` found."""
    if beyond.startswith("the one-hot"):
        return "t_k t_l = [k = l] t_k"
    return "x [x > 0] = \\max(0, x)" if beyond.startswith("the ReLU") else "\\ln(e^x) = x"


def _beyond_polynomials(net: Network, *exprs: Expr) -> str | None:
    """A factor of ``exprs`` that is no polynomial variable of its own: a reciprocal ``1/x``
    or a logarithm (``\\ln``), which the formal values treat as independent numbers although
    ``x · 1/x = 1`` and ``\\ln`` has identities of its own; a difference of the formal values
    is then evidence only where the network run with concrete functions shows it too."""
    from ..catalogue import ACTIVATIONS
    for e in exprs:
        for t in e.terms:
            for f in t.factors:
                if f.tag == "ref" and net.conditions.get(f.fam) == "one-hot":
                    # each entry 0 or 1, one of them 1: random formal values break t_k^2 = t_k
                    return f"the one-hot targets {latex_name(net.families[f.fam].name)}"
                if f.tag == "inv":
                    return "a reciprocal"
                if f.tag == "fn" and ACTIVATIONS.get(net.activations.get(f.name, ""), None) is not None \
                        and ACTIVATIONS[net.activations[f.name]].domain is not None:
                    return letter_tex(f.name)
                if f.tag == "fn" and ACTIVATIONS.get(net.activations.get(f.name, ""), None) is not None \
                        and ACTIVATIONS[net.activations[f.name]].kink is not None:
                    # relu and its step, independent numbers to the formal values although
                    # relu(x) = x relu'(x) and relu'^2 = relu'
                    return "the ReLU " + ("\\max(0, x)" if f.name == RELU else letter_tex(f.name))
    return None


def _poly_remark(net: Network, diff: Expr, sizes: dict[str, int], names: dict[str, str]
                 ) -> list[dx.Diagnosis]:
    """What the algebra of the sizes shows: the difference of the two sides has a coefficient that
    is a polynomial in the sizes (``(I - 2)(K - 6)``), not zero at the counterexample's sizes."""
    from ..model.normal_form import Term, poly_value
    coeffs = diff.coefficients()
    if len(coeffs) != 1:
        return []
    (structure, poly), = coeffs.items()
    if not poly_value(poly, sizes) or all(not m for m in poly):
        return []
    import sympy  # only where there is a polynomial to factor (half a second of import)
    value = sympy.factor(sum(sympy.Rational(c.numerator, c.denominator)
                             * sympy.Mul(*(sympy.Symbol(r) for r in m)) for m, c in poly.items()))
    what = latex(net, Expr([Term(Fraction(1), (), *structure)]), names)
    at = ", ".join(f"{r}={v}" for r, v in sizes.items() if any(r in m for m in poly))
    return [dx.PolynomialDifference(sympy.latex(value), what, at)]


def _seed(lhs: Node, rhs: Node) -> int:
    """A seed from the equation's text: reproducible, and different for different equations."""
    import hashlib
    return int.from_bytes(hashlib.sha256(f"{unparse(lhs)} = {unparse(rhs)}".encode()).digest()[:4], "big")


def _proved_equal(a: Expr, b: Expr) -> bool:
    """Equal normal forms: equal for all sizes (kept apart so tests can withhold the proof)."""
    return a == b


def _constant(side: Node, free: dict) -> bool:
    """A side with no free index and no sum (``0``, ``1``, ``K``) is constant along every index."""
    return not free and not any(isinstance(n, SumOp) for n in side.walk())


def _depends(interp: Interpreter, side: Node, env: dict, letter: str) -> bool:
    """Whether a letter free on one side only is a slip: yes, unless it comes from the variable
    of a derivative on that side and the side's value does not depend on it."""
    if not any(isinstance(n, Deriv) and letter in n.wrt.letters for n in side.walk()):
        return True
    try:
        value = interp.expression(side, env)
    except SymbpError:
        return True
    return bool(set(env[letter]) & value.free())


def _derived(net: Network, interp: Interpreter, head: Node, env: dict, names: dict) -> str | None:
    """What the engine derives for the equation's head, if it is a derivative or a δ."""
    if not isinstance(head, (Deriv, Sym)) or (isinstance(head, Sym) and head.name != "delta"):
        return None
    heads_free = free_letters(head, net, [])
    if not set(heads_free) <= set(env):
        return None
    try:
        raw = interp.expression(head, env)
    except SymbpError:
        return None
    one = len(raw.terms) == 1 and len(raw.terms[0].factors) == 1 and raw.terms[0].coeff == 1
    only = view(raw.terms[0].factors[0]) if one else None
    if isinstance(only, Grad) and only.fam not in net.outputs:
        fam = only.fam
        # one layer down; through rewrite, so a δ under a sum (∂E/∂b_k = Σ_l δ_{k_l}, a bias
        # shared over positions) keeps its summed index
        raw = calculus.rewrite(raw, lambda g: calculus.delta_at(net, g.fam, g.idx)
                               if g.tag == "grad" and g.fam == fam else None)
    # \ln' = 1/x, \exp' = \exp: the rules of the function commands, written out
    raw = calculus.declared(net, raw, error=False, only={"ln", "log", "exp"})
    rhs = latex(net, raw, names)
    lhs = unparse(head)
    if rhs.replace(" ", "") == lhs.replace(" ", ""):
        return None  # an output's δ is its own derivation: nothing to add
    return f"{lhs} = {rhs}"


def _context(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
             head: Node) -> LinkContext:
    """What the repair search needs: the link's reading, and a way to re-check a candidate."""
    return LinkContext(net, letters, inference, head,
                       lambda l, r: _check_link(net, letters, inference, l, r, head, suggest=False))
