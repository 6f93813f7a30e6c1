"""Soundness, measured: mechanical mutants and rewrites of every equation that verifies.

For every link ``lhs = rhs`` of the derivation files that the checker verifies, this module
generates, on the parser's AST:

* **mutants** (:data:`MUTANT_CLASSES`): swap the indices of an indexed symbol, replace ``h'`` by
  ``h`` (or ``h`` by ``h'``), drop ``h'``, drop a sum, add a sum, rename a summation index so it
  no longer occurs, replace a family by another (a pre-activation by its activation,
  ``\\delta_j``↔``\\delta_k``), flip a sign, scale by 2, swap the roles of two layers, write a
  function's name for its value or derivative (Graves's ``\\theta_h`` for ``\\theta_h'(a_h)``),
  exchange the terms of a difference (``t - y`` for ``y - t``), drop an output quantity from a
  product (the softmax Jacobian without its ``y_k``), ``\\ln y`` for ``\\ln(1 - y)`` and back;
  move a sum over a range from 0 to ``1..D`` (PRML's bias unit dropped) or back, write the unit 0
  for a free letter on one side (``\\delta_j x_i`` -> ``\\delta_j x_0``), flip
  a kernel (``x_{j+m-1}`` -> ``x_{j-m+1}``), a wrong boundary (a range condition's size for
  another, a shifted position off by one), forget a stride (``x_{s(j-1)+m}`` -> ``x_{j+m-1}``);
* **rewrites** (:data:`REWRITE_CLASSES`) that are equal by construction: commute factors,
  rename a dummy, distribute (a factor into a sum, a product over a sum of terms), write a sum's
  bounds out, substitute a forward definition.

Every generated equation is printed to LaTeX and read back (what is checked is what a user
would type), checked by :func:`symbp.checker.pipeline.check_chain`, and classified independently by
:mod:`symbp.soundness.oracle` (a plain-Python run of concrete networks with complex-step derivatives):
``equivalent``, ``different`` or ``ill-formed``.  A mutant is *killed* when it is ``different``
and ``refuted``, or ``ill-formed`` and ``refuted`` or ``error``.  A non-equivalent mutant that is
``verified`` or ``verified-at-sizes`` is a soundness bug.  A rewrite must never be ``refuted``.

>>> report = run(["derivations/prml_5_3_1.tex"])
>>> report.unsound, report.kill_rate == 1.0
([], True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from ..checker.pipeline import check_chain
from ..checker.results import AT_SIZES, ERROR, REFUTED, VERIFIED
from ..document import derivation_files, load
from ..errors import SymbpError
from ..latex.ast import Add, Call, Mul, Neg, Node, Num, RangeCond, SumOp, Sym
from ..latex.edit import rename_free
from ..latex.parser import parse_chain
from ..latex.unparse import unparse
from ..model.network import Network
from ..notation import GREEK, is_shift, shift_terms, shift_text
from . import oracle

__all__ = ["MUTANT_CLASSES", "REWRITE_CLASSES", "Link", "Outcome", "Report", "links", "mutants",
           "rewrites", "run"]

MUTANT_CLASSES = ("swap-indices", "h'-to-h", "h-to-h'", "drop-h'", "drop-sum", "add-sum",
                  "rename-sum-index", "swap-family", "swap-delta-index", "flip-sign", "scale-by-2",
                  "swap-layers", "bare-function", "swap-difference", "drop-output", "log-argument",
                  "unit-0", "flip-shift", "wrong-boundary", "drop-stride")
REWRITE_CLASSES = ("commute", "rename-dummy", "distribute", "bounds", "substitute")

Path_ = tuple[tuple[str, int | None], ...]


# ----------------------------------------------------------------------------------------------
# AST surgery


def _slots(node: Node) -> Iterator[tuple[str, int | None, Node]]:
    for attr in ("arg", "num", "den", "base", "lower", "upper", "wrt", "body"):
        child = getattr(node, attr, None)
        if isinstance(child, Node):
            yield attr, None, child
    for attr in ("terms", "factors"):
        for i, child in enumerate(getattr(node, attr, ()) or ()):
            yield attr, i, child


def _paths(node: Node, path: Path_ = ()) -> Iterator[tuple[Path_, Node]]:
    yield path, node
    for attr, i, child in _slots(node):
        yield from _paths(child, path + ((attr, i),))


def _at(node: Node, path: Path_) -> Node:
    for attr, i in path:
        node = getattr(node, attr) if i is None else getattr(node, attr)[i]
    return node


def _put(node: Node, path: Path_, new: Node) -> Node:
    if not path:
        return new
    (attr, i), rest = path[0], path[1:]
    if i is None:
        return replace(node, **{attr: _put(getattr(node, attr), rest, new)})
    items = list(getattr(node, attr))
    items[i] = _put(items[i], rest, new)
    return replace(node, **{attr: tuple(items)})


def _num(v: int | Fraction) -> Num:
    return Num(0, 0, Fraction(v))


def _mul(*factors: Node) -> Node:
    flat: list[Node] = []
    for f in factors:
        flat.extend(f.factors if isinstance(f, Mul) else (f,))
    return flat[0] if len(flat) == 1 else Mul(0, 0, tuple(flat))


def _in_wrt(path: Path_) -> bool:
    return any(attr == "wrt" for attr, _ in path)


def _letters(node: Node) -> set[str]:
    return node.index_letters()


# ----------------------------------------------------------------------------------------------
# mutants

Gen = Callable[[Network, Node, Node], Iterator[tuple[Node, Node]]]


def _each_side(fn: Callable[[Network, Node, set[str]], Iterator[Node]]) -> Gen:
    def gen(net: Network, lhs: Node, rhs: Node) -> Iterator[tuple[Node, Node]]:
        used = _letters(lhs) | _letters(rhs)
        for new in fn(net, lhs, used):
            yield new, rhs
        for new in fn(net, rhs, used):
            yield lhs, new
    return gen


def _right(fn: Callable[[Network, Node, set[str]], Iterator[Node]]) -> Gen:
    def gen(net: Network, lhs: Node, rhs: Node) -> Iterator[tuple[Node, Node]]:
        for new in fn(net, rhs, _letters(lhs) | _letters(rhs)):
            yield lhs, new
    return gen


def _swap_indices(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if not isinstance(n, Sym):
            continue
        gs = list(n.groups)
        for i in range(len(gs) - 1):
            new = gs[:i] + [gs[i + 1], gs[i]] + gs[i + 2:]
            yield _put(side, path, replace(n, groups=tuple(new)))
        if len(gs) == 1 and len(gs[0]) == 2:
            yield _put(side, path, replace(n, groups=((gs[0][1], gs[0][0]),)))


def _flipped(entry: str) -> str | None:
    """A shifted position with every letter but the first and the constant negated: ``j+m-1`` ->
    ``j-m+1`` (the kernel flipped: convolution for correlation)."""
    terms, const = shift_terms(entry)
    if len(terms) < 2:
        return None
    flipped = [terms[0]] + [(y, -c) for y, c in terms[1:]]
    return shift_text(sorted(flipped, key=lambda yc: (yc[1] < 0, yc[0])), -const)


def _with_entries(n: Sym, fn: Callable[[str], str | None]) -> Iterator[Sym]:
    """``n`` with one shifted position of its subscript replaced by ``fn`` of it."""
    for gi, g in enumerate(n.groups):
        for xi, x in enumerate(g):
            new = fn(x) if is_shift(x) else None
            if new is not None and new != x:
                group = g[:xi] + (new,) + g[xi + 1:]
                yield replace(n, groups=n.groups[:gi] + (group,) + n.groups[gi + 1:])


def _flip_shift(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if isinstance(n, Sym) and n.shifted:
            for new in _with_entries(n, _flipped):
                yield _put(side, path, new)
        elif isinstance(n, RangeCond) and is_shift(n.entry):
            flipped = _flipped(n.entry)
            if flipped is not None:
                yield _put(side, path, replace(n, entry=flipped))


def _unstrided(entry: str) -> str | None:
    """A shifted position with its stride forgotten (the stride 1): ``s(j-1)+m`` -> ``j+m-1``;
    ``None`` without a stride."""
    terms, const = shift_terms(entry)
    if not any("*" in y for y, _ in terms):
        return None
    out: list[tuple[str, int]] = []
    for y, c in terms:
        if "*" in y:
            out.append((y.split("*")[-1], c))
        elif y.startswith("{"):
            const += c
        else:
            out.append((y, c))
    return shift_text(sorted(out, key=lambda yc: (yc[1] < 0, yc[0])), const)


def _drop_stride(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if isinstance(n, Sym) and n.shifted:
            for new in _with_entries(n, _unstrided):
                yield _put(side, path, new)
        elif isinstance(n, RangeCond) and is_shift(n.entry):
            plain = _unstrided(n.entry)
            if plain is not None:
                yield _put(side, path, replace(n, entry=plain))


def _off_by_one(entry: str) -> str:
    terms, const = shift_terms(entry)
    return shift_text(terms, const + 1)


def _wrong_boundary(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    """A boundary wrong: a range condition's size for another (``[1 \\le i-m+1 \\le M]`` for
    ``\\le J``), or a shifted position off by one (``x_{j+m}`` for ``x_{j+m-1}``)."""
    for path, n in _paths(side):
        if isinstance(n, RangeCond):
            for r in net.sizes:
                if r != n.size:
                    yield _put(side, path, replace(n, size=r))
        elif isinstance(n, Sym) and n.shifted:
            for new in _with_entries(n, _off_by_one):
                yield _put(side, path, new)


def _calls(side: Node) -> Iterator[tuple[Path_, Call]]:
    for path, n in _paths(side):
        if isinstance(n, Call):
            yield path, n


def _h_prime_to_h(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, c in _calls(side):
        if c.order >= 1:
            yield _put(side, path, replace(c, order=c.order - 1))


def _h_to_h_prime(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, c in _calls(side):
        if c.order == 0:
            yield _put(side, path, replace(c, order=1))


def _drop_h_prime(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, c in _calls(side):
        if c.order < 1:
            continue
        parent_path, last = path[:-1], path[-1] if path else None
        parent = _at(side, parent_path) if path else None
        if isinstance(parent, Mul) and last is not None and last[0] == "factors":
            rest = tuple(f for k, f in enumerate(parent.factors) if k != last[1])
            yield _put(side, parent_path, rest[0] if len(rest) == 1 else replace(parent, factors=rest))
        else:
            yield _put(side, path, _num(1))


def _drop_sum(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if isinstance(n, SumOp):
            yield _put(side, path, n.body)


def _add_sum(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    free = sorted(oracle.free(side, net))
    spare = sorted(x for x in net.ranges if x not in used)[:1]
    for x in free + spare:
        yield SumOp(0, 0, x, None, None, side, 0)


def _rename_sum_index(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if not isinstance(n, SumOp):
            continue
        inner = oracle.free(n.body, net)
        cands = [x for x in sorted(net.ranges) if x not in inner and x != n.index]
        # one letter used elsewhere in the equation, one used nowhere
        picks = [x for x in cands if x in used][:1] + [x for x in cands if x not in used][:1]
        for x in picks:
            yield _put(side, path, replace(n, index=x))


def _swap_map(net: Network) -> dict[str, str]:
    """A pre-activation's letter and its activation's, both ways, from the forward pass's
    structure (PRML's a and z, Nielsen's z and a, Graves's a and b), never from the letters."""
    out: dict[str, str] = {}
    for fid, role in net.roles.items():
        if role == "activation":
            act = net.families[fid].name
            pre = net.families[net.definitions[fid].terms[0].factors[0].fam].name
            if act != pre:
                out.setdefault(act, pre)
                out.setdefault(pre, act)
    return out


def _swap_family(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    swap = _swap_map(net)
    for path, n in _paths(side):
        if isinstance(n, Sym) and n.name in swap and n.groups:
            yield _put(side, path, replace(n, name=swap[n.name]))


def _bare_function(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    """Graves's slip: the function's name for its derivative, ``\\theta_h`` for ``\\theta_h'(a_h)``."""
    for path, c in _calls(side):
        if isinstance(c.arg, Sym) and c.arg.groups:
            out = _put(side, path, Sym(c.pos, c.end, c.name, c.sub or c.arg.groups))
            if _reads_back(net, out):  # not where the bare name, printed, applies to what follows it
                yield out


def _reads_back(net: Network, node: Node) -> bool:
    """Whether ``node``, printed and read again, is ``node`` (``\\sigma_{j} (1 - a_j)`` is not: it
    reads as ``\\sigma_j`` applied to ``1 - a_j``)."""
    try:
        return flatten(parse_chain(unparse(node), net.functions).sides[0]).key() == flatten(node).key()
    except SymbpError:
        return False


def _swap_delta_index(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if isinstance(n, Sym) and n.name == "delta" and n.groups:
            for x in sorted(used - set(n.letters)):
                if x in GREEK:
                    continue
                yield _put(side, path, replace(n, groups=((x,),)))


def _unit_zero(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    """PRML's bias unit: a sum over a range from 0 without its unit 0 (``\\sum_{i=1}^{D}``), one
    over ``1..D`` with it, and a free letter over such a range written 0 on one side."""
    for path, n in _paths(side):
        if not isinstance(n, SumOp):
            continue
        rs = net.letter_ranges(n.index)
        if rs is None or len(rs) != 1 or rs[0] not in net.zero_ranges:
            continue
        size = Sym(0, 0, rs[0], ())
        if isinstance(n.lower, Num) and n.lower.value == 1:
            yield _put(side, path, replace(n, lower=None, upper=None))
        else:
            yield _put(side, path, replace(n, lower=_num(1), upper=size))
    for x in sorted(oracle.free(side, net)):
        rs = net.letter_ranges(x)
        if rs is not None and len(rs) == 1 and rs[0] in net.zero_ranges:
            out = rename_free(side, x, "0")
            if all(not isinstance(m, Sym) or all(len(g) == 1 or "0" not in g for g in m.groups)
                   for m in out.walk()):
                yield out


def _flip_sign(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    yield side.arg if isinstance(side, Neg) else Neg(0, 0, side)
    if isinstance(side, Add):
        for i, t in enumerate(side.terms):
            yield _put(side, (("terms", i),), t.arg if isinstance(t, Neg) else Neg(0, 0, t))


def _scale(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    yield _mul(_num(2), side)


def _swap_layers(net: Network, lhs: Node, rhs: Node) -> Iterator[tuple[Node, Node]]:
    """Two letters over different ranges exchange roles: everywhere, and everywhere but in the
    parameters (``\\delta_k = h'(a_k) \\sum_j w_{kj} \\delta_j``)."""
    letters = sorted(x for x in _letters(lhs) | _letters(rhs) if net.letter_ranges(x))
    for i, x in enumerate(letters):
        for y in letters[i + 1:]:
            if net.letter_ranges(x) == net.letter_ranges(y):
                continue
            for keep_params in (False, True):
                yield (_swap_letters(net, lhs, x, y, keep_params),
                       _swap_letters(net, rhs, x, y, keep_params))


def _swap_letters(net: Network, node: Node, x: str, y: str, keep_params: bool) -> Node:
    sw = {x: y, y: x}
    out = node
    for path, n in _paths(node):
        if isinstance(n, Sym) and not (keep_params and n.name in net.param_names):
            out = _put(out, path, replace(n, groups=tuple(tuple(sw.get(c, c) for c in g)
                                                         for g in n.groups)))
        elif isinstance(n, SumOp) and n.index in sw:
            out = _put(out, path, replace(_at(out, path), index=sw[n.index]))
    return out


def _swap_difference(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    """``y_k - t_k`` for ``t_k - y_k`` (and ``1 - y`` for ``y - 1``): the two terms of a difference
    exchanged."""
    for path, n in _paths(side):
        if isinstance(n, Add) and len(n.terms) == 2 and isinstance(n.terms[1], Neg) \
                and not isinstance(n.terms[0], Neg):
            yield _put(side, path, Add(0, 0, (n.terms[1].arg, Neg(0, 0, n.terms[0]))))


def _drop_output(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    """A product without one of its quantities that the forward pass computes and no other
    equation uses (an output ``y_k``, a softmax's ``y_k`` in its Jacobian ``y_k ([k = l] - y_l)``)."""
    outs = {net.families[o].name for o in net.outputs} | {
        net.families[f].name for f in net.definitions
        if any(o in net.consumers.get(f, ()) for o in net.outputs)}
    for path, n in _paths(side):
        if not isinstance(n, Mul):
            continue
        for k, f in enumerate(n.factors):
            if isinstance(f, Sym) and f.groups and f.name in outs and f.name != "delta":
                rest = tuple(g for i, g in enumerate(n.factors) if i != k)
                yield _put(side, path, rest[0] if len(rest) == 1 else replace(n, factors=rest))


def _log_argument(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    """``\\ln y_k`` for ``\\ln(1 - y_k)`` and back: the argument of a logarithm, or of its
    derivative, swapped for its complement."""
    for path, c in _calls(side):
        if c.name not in ("ln", "log"):
            continue
        a = c.arg
        if isinstance(a, Add) and len(a.terms) == 2 and isinstance(a.terms[0], Num) \
                and a.terms[0].value == 1 and isinstance(a.terms[1], Neg):
            yield _put(side, path, replace(c, arg=a.terms[1].arg))
        else:
            yield _put(side, path, replace(c, arg=Add(0, 0, (_num(1), Neg(0, 0, a)))))


MUTATORS: dict[str, Gen] = {
    "swap-indices": _each_side(_swap_indices),
    "h'-to-h": _each_side(_h_prime_to_h),
    "h-to-h'": _each_side(_h_to_h_prime),
    "drop-h'": _each_side(_drop_h_prime),
    "drop-sum": _each_side(_drop_sum),
    "add-sum": _right(_add_sum),
    "rename-sum-index": _each_side(_rename_sum_index),
    "swap-family": _each_side(_swap_family),
    "swap-delta-index": _each_side(_swap_delta_index),
    "flip-sign": _right(_flip_sign),
    "scale-by-2": _right(_scale),
    "swap-layers": _swap_layers,
    "bare-function": _each_side(_bare_function),
    "swap-difference": _each_side(_swap_difference),
    "drop-output": _each_side(_drop_output),
    "log-argument": _each_side(_log_argument),
    "unit-0": _each_side(_unit_zero),
    "flip-shift": _each_side(_flip_shift),
    "wrong-boundary": _each_side(_wrong_boundary),
    "drop-stride": _each_side(_drop_stride),
}
assert tuple(MUTATORS) == MUTANT_CLASSES


def mutants(net: Network, lhs: Node, rhs: Node) -> Iterator[tuple[str, Node, Node]]:
    """``(class, lhs', rhs')`` for every mutant of the link (not deduplicated)."""
    for cls, gen in MUTATORS.items():
        for a, b in gen(net, lhs, rhs):
            yield cls, a, b


# ----------------------------------------------------------------------------------------------
# rewrites that are equal by construction


def _commute(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if isinstance(n, Mul) and len(n.factors) > 1:
            yield _put(side, path, replace(n, factors=tuple(reversed(n.factors))))
            yield _put(side, path, replace(n, factors=n.factors[1:] + n.factors[:1]))
        if isinstance(n, Add) and len(n.terms) > 1 and not isinstance(n.terms[-1], Neg):
            yield _put(side, path, replace(n, terms=n.terms[1:] + n.terms[:1]))


def _fresh(net: Network, used: set[str]) -> list[str]:
    return [x for x in "qpsrvuoxyg" if x not in used and net.letter_ranges(x) is None
            and x not in net.range_letter and not net.named(x)]


def _rename_dummy(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    fresh = _fresh(net, used)
    for path, n in _paths(side):
        # a vacuous sum's letter is placed by nothing but its name: renamed, it would have no range
        if (isinstance(n, SumOp) and fresh and len(net.letter_ranges(n.index) or ()) <= 1
                and n.index in oracle.free(n.body, net)):
            new = replace(n, index=fresh[0], body=rename_free(n.body, n.index, fresh[0]))
            if len(oracle.infer(net, [new])) > 1 and net.letter_ranges(n.index):
                # an undeclared letter its slots cannot place (a_q where a_j and a_k are families):
                # the range's own fresh letter instead (k', j'')
                (other,) = net.letters_for(net.letter_ranges(n.index), used | _letters(side))
                new = replace(n, index=other, body=rename_free(n.body, n.index, other))
            yield _put(side, path, new)


def _distribute(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if isinstance(n, Mul):
            fs = n.factors
            for i, f in enumerate(fs):
                # a factor moves into a sum whose index it does not mention: a (sum b) = sum (a b)
                if isinstance(f, SumOp) and i == len(fs) - 1 and i > 0 and f.lower is None:
                    outside = fs[:i]
                    if all(f.index not in oracle.free(o, net) for o in outside):
                        yield _put(side, path, replace(f, body=_mul(*outside, f.body)))
                # a product over a sum of terms: a (b + c) = a b + a c
                if isinstance(f, Add):
                    terms = tuple(_distribute_term(fs[:i], t, fs[i + 1:]) for t in f.terms)
                    yield _put(side, path, Add(0, 0, terms))
        if isinstance(n, SumOp) and isinstance(n.body, Add):  # sum (b + c) = sum b + sum c
            terms = tuple(replace(n, body=t.arg) if isinstance(t, Neg) else replace(n, body=t)
                          for t in n.body.terms)
            yield _put(side, path, Add(0, 0, tuple(Neg(0, 0, s) if isinstance(t, Neg) else s
                                                   for s, t in zip(terms, n.body.terms))))


def _distribute_term(before: tuple, t: Node, after: tuple) -> Node:
    if isinstance(t, Neg):
        return Neg(0, 0, _mul(*before, t.arg, *after))
    return _mul(*before, t, *after)


def _bounds(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    for path, n in _paths(side):
        if isinstance(n, SumOp) and n.lower is None and n.upper is None:
            rs = net.letter_ranges(n.index)
            if rs is None or len(rs) != 1:
                continue
            size = Sym(0, 0, rs[0], ())
            if rs[0] in net.zero_ranges:  # a range from 0: its whole range is 0..D (1..D drops the unit 0)
                yield _put(side, path, replace(n, lower=_num(0), upper=size))
                continue
            yield _put(side, path, replace(n, lower=_num(1), upper=size))
            yield _put(side, path, replace(n, lower=_num(0), upper=Add(0, 0, (size, Neg(0, 0, _num(1))))))


def _substitute(net: Network, side: Node, used: set[str]) -> Iterator[Node]:
    """A quantity replaced by its forward definition (its dummies fresh), outside ``h(...)`` and
    outside the variable of a derivative."""
    defs = []
    for src in net.forward_latex:
        lhs, rhs = parse_chain(src, net.functions).sides
        defs.append((lhs, rhs))
    for path, n in _paths(side):
        if not isinstance(n, Sym) or not n.groups or _in_wrt(path):
            continue
        if any(isinstance(_at(side, path[:k]), Call) for k in range(len(path))):
            continue
        for dl, dr in defs:
            if not isinstance(dl, Sym) or dl.name != n.name:
                continue
            if [len(g) for g in dl.groups] != [len(g) for g in n.groups]:
                continue
            if [net.letter_ranges(x) for x in dl.letters] != [net.letter_ranges(x) for x in n.letters]:
                continue
            out = _substituted(net, side, path, n, dl, dr, used, own=False)
            if out is not None and len(oracle.infer(net, [out])) > 1:
                # an undeclared letter its slots cannot place (a_q where a_j and a_k are families):
                # the range's own fresh letter instead (k', j'')
                out = _substituted(net, side, path, n, dl, dr, used, own=True)
            if out is not None:
                yield out


def _substituted(net: Network, side: Node, path: tuple, n: Sym, dl: Sym, dr: Node, used: set[str],
                 own: bool) -> Node | None:
    body = dr
    taken = set(used) | _letters(side)
    for s in [m for m in dr.walk() if isinstance(m, SumOp)]:
        rs = net.letter_ranges(s.index) or ()
        fresh = [x for x in sorted(net.ranges) if x not in taken and net.letter_ranges(x) == rs] or (
            (list(net.letters_for(rs, taken)) if own else _fresh(net, taken)) if len(rs) == 1 else [])
        if not fresh:
            return None
        body = _rename_bound(body, s.index, fresh[0])
        taken.add(fresh[0])
    for old, new in zip(dl.letters, n.letters):
        body = rename_free(body, old, "#" + new)
    for new in n.letters:
        body = rename_free(body, "#" + new, new)
    return _put(side, path, body)


def _rename_bound(node: Node, old: str, new: str) -> Node:
    if isinstance(node, SumOp) and node.index == old:
        return replace(node, index=new, body=rename_free(node.body, old, new))
    out = node
    for attr, i, child in _slots(node):
        out = _put(out, ((attr, i),), _rename_bound(child, old, new))
    return out


REWRITERS: dict[str, Gen] = {
    "commute": _each_side(_commute),
    "rename-dummy": _each_side(_rename_dummy),
    "distribute": _each_side(_distribute),
    "bounds": _each_side(_bounds),
    "substitute": _each_side(_substitute),
}
assert tuple(REWRITERS) == REWRITE_CLASSES


def rewrites(net: Network, lhs: Node, rhs: Node) -> Iterator[tuple[str, Node, Node]]:
    """``(class, lhs', rhs')`` for every equal rewrite of the link (not deduplicated)."""
    for cls, gen in REWRITERS.items():
        for a, b in gen(net, lhs, rhs):
            yield cls, a, b


# ----------------------------------------------------------------------------------------------
# the harness


@dataclass(frozen=True)
class Link:
    """One link of a shipped equation that the checker verifies."""

    file: str
    line: int
    net: Network = field(repr=False, compare=False)
    lhs: Node = field(repr=False, compare=False)
    rhs: Node = field(repr=False, compare=False)

    @property
    def latex(self) -> str:
        return f"{unparse(self.lhs)} = {unparse(self.rhs)}"


def links(paths: list[str | Path]) -> list[Link]:
    """Every link of the files (folders: their derivation files) that is verified or verified at sizes."""
    out = []
    for f in derivation_files(paths)[0]:
        d = load(f)
        for eq in d.equations:
            if eq.chain is None:
                continue
            for k, r in enumerate(check_chain(d.network, eq.chain)):
                if r.verdict in (VERIFIED, AT_SIZES):
                    out.append(Link(str(f), eq.line, d.network, eq.chain.sides[k], eq.chain.sides[k + 1]))
    return out


@dataclass
class Outcome:
    """One generated equation: its class, what the oracle says, what the checker says."""

    kind: str  # 'mutant' | 'rewrite'
    cls: str
    source: str  # file:line of the link it came from
    latex: str
    truth: str  # oracle.EQUIVALENT | DIFFERENT | ILL_FORMED
    verdict: str
    message: str
    suggestion: str | None = None
    #: the proposed correction, checked in turn: verified (or at sizes)
    fix_holds: bool = False

    @property
    def killed(self) -> bool:
        if self.truth == oracle.DIFFERENT:
            return self.verdict == REFUTED
        if self.truth == oracle.ILL_FORMED:
            return self.verdict in (REFUTED, ERROR)
        return False

    @property
    def unsound(self) -> bool:
        """A wrong (or meaningless) equation verified: the one thing that must never happen."""
        return self.truth != oracle.EQUIVALENT and self.verdict in (VERIFIED, AT_SIZES)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    links: int = 0

    def of(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == kind]

    @property
    def unsound(self) -> list[Outcome]:
        return [o for o in self.of("mutant") if o.unsound]

    @property
    def survivors(self) -> list[Outcome]:
        """Non-equivalent mutants that were not killed."""
        return [o for o in self.of("mutant") if o.truth != oracle.EQUIVALENT and not o.killed]

    @property
    def kill_rate(self) -> float:
        bad = [o for o in self.of("mutant") if o.truth != oracle.EQUIVALENT]
        return sum(o.killed for o in bad) / len(bad) if bad else 1.0

    @property
    def rewrites_refuted(self) -> list[Outcome]:
        return [o for o in self.of("rewrite") if o.verdict == REFUTED]

    def table(self, kind: str) -> list[dict[str, object]]:
        rows = []
        classes = MUTANT_CLASSES if kind == "mutant" else REWRITE_CLASSES
        for cls in classes:
            mine = [o for o in self.of(kind) if o.cls == cls]
            c = Counter((o.truth, o.verdict) for o in mine)
            row: dict[str, object] = {"class": cls, "n": len(mine)}
            for truth in (oracle.EQUIVALENT, oracle.DIFFERENT, oracle.ILL_FORMED):
                row[truth] = sum(v for (t, _), v in c.items() if t == truth)
            for verdict in (VERIFIED, AT_SIZES, REFUTED, ERROR):
                row[verdict] = sum(v for (_, vv), v in c.items() if vv == verdict)
            if kind == "mutant":
                bad = [o for o in mine if o.truth != oracle.EQUIVALENT]
                row["killed"] = sum(o.killed for o in bad)
                row["killed_by_error"] = sum(o.killed and o.verdict == ERROR for o in bad)
                row["kill_rate"] = row["killed"] / len(bad) if bad else 1.0  # type: ignore[operator]
                row["unsound"] = sum(o.unsound for o in mine)
                row["fixed"] = sum(o.fix_holds for o in bad if o.verdict == REFUTED)
            rows.append(row)
        return rows

    def text(self) -> str:
        """The report as plain text (tables per class; survivors and refuted rewrites listed)."""
        m = self.of("mutant")
        bad = [o for o in m if o.truth != oracle.EQUIVALENT]
        lines = [f"{self.links} verified link(s); {len(m)} mutants ({len(bad)} not equivalent: "
                 f"{sum(o.truth == oracle.DIFFERENT for o in m)} different, "
                 f"{sum(o.truth == oracle.ILL_FORMED for o in m)} ill-formed; "
                 f"{len(m) - len(bad)} equivalent by the oracle)",
                 f"kill rate {self.kill_rate:.1%} ({sum(o.killed for o in bad)}/{len(bad)}; "
                 f"{sum(o.killed and o.verdict == ERROR for o in bad)} of them by an error verdict on "
                 f"ill-formed input); verified although not equivalent: {len(self.unsound)}", ""]
        head = (f"{'mutant class':<18}{'n':>5}{'equiv':>7}{'diff':>6}{'ill':>6}{'refuted':>9}"
                f"{'error':>7}{'verif.':>8}{'killed':>8}{'rate':>8}{'fix':>6}")
        lines += [head, "-" * len(head)]
        for r in self.table("mutant"):
            lines.append(f"{r['class']:<18}{r['n']:>5}{r[oracle.EQUIVALENT]:>7}{r[oracle.DIFFERENT]:>6}"
                         f"{r[oracle.ILL_FORMED]:>6}{r[REFUTED]:>9}{r[ERROR]:>7}"
                         f"{r[VERIFIED] + r[AT_SIZES]:>8}{r['killed']:>8}{r['kill_rate']:>8.1%}"  # type: ignore[operator]
                         f"{r['fixed']:>6}")
        lines.append("(fix: refutations that propose a corrected equation which the checker verifies)")
        rw = self.of("rewrite")
        lines += ["", f"{len(rw)} rewrites: "
                  f"{sum(o.verdict == VERIFIED for o in rw)} verified, "
                  f"{sum(o.verdict == AT_SIZES for o in rw)} verified at sizes, "
                  f"{sum(o.verdict == REFUTED for o in rw)} refuted, "
                  f"{sum(o.verdict == ERROR for o in rw)} error; "
                  f"the oracle finds {sum(o.truth == oracle.EQUIVALENT for o in rw)} equivalent", ""]
        head = f"{'rewrite class':<18}{'n':>5}{'verified':>10}{'at sizes':>10}{'refuted':>9}{'error':>7}"
        lines += [head, "-" * len(head)]
        for r in self.table("rewrite"):
            lines.append(f"{r['class']:<18}{r['n']:>5}{r[VERIFIED]:>10}{r[AT_SIZES]:>10}{r[REFUTED]:>9}"
                         f"{r[ERROR]:>7}")
        for title, items in (("NOT EQUIVALENT, VERIFIED (soundness bugs)", self.unsound),
                             ("not equivalent, not killed", [o for o in self.survivors if not o.unsound]),
                             ("equivalent by the oracle, refuted",
                              [o for o in m if o.truth == oracle.EQUIVALENT and o.verdict == REFUTED]),
                             ("rewrites refuted", self.rewrites_refuted),
                             ("rewrites with an error verdict", [o for o in rw if o.verdict == ERROR])):
            if items:
                lines += ["", f"{title}:"]
                lines += [f"  [{o.cls}] {o.source}: {o.latex}\n      {o.verdict}: {o.message}"
                          for o in items]
        return "\n".join(lines)


def flatten(node: Node) -> Node:
    """Products inside products spliced into one (``a (b c)`` is ``a b c``)."""
    out = node
    for attr, i, child in _slots(node):
        out = _put(out, ((attr, i),), flatten(child))
    if isinstance(out, Mul):
        return _mul(*out.factors)
    return out


def _judge(link: Link, kind: str, cls: str, lhs: Node, rhs: Node, seen: set) -> Outcome | None:
    net = link.net
    lhs, rhs = flatten(lhs), flatten(rhs)
    try:  # what is checked is what a user would type: the printed text, read back
        text = f"{unparse(lhs)} = {unparse(rhs)}"
        chain = parse_chain(text, net.functions)
    except SymbpError:
        return None
    key = (chain.sides[0].key(), chain.sides[1].key())
    if key in seen:
        return None
    seen.add(key)
    (res,) = check_chain(net, chain)
    truth = oracle.compare(net, chain.sides[0], chain.sides[1])
    holds = False
    if res.suggestion is not None:
        try:
            fixed = check_chain(net, parse_chain(res.suggestion, net.functions))
            holds = all(r.verdict in (VERIFIED, AT_SIZES) for r in fixed)
        except SymbpError:
            holds = False
    return Outcome(kind, cls, f"{link.file}:{link.line}", text, truth, res.verdict, res.message,
                   res.suggestion, holds)


def run(paths: list[str | Path], kinds: tuple[str, ...] = ("mutant", "rewrite")) -> Report:
    """Mutants and rewrites of every verified link of the files, checked and classified."""
    report = Report()
    for link in links(paths):
        report.links += 1
        original = (link.lhs.key(), link.rhs.key())
        if "mutant" in kinds:
            seen = {original}
            for cls, a, b in mutants(link.net, link.lhs, link.rhs):
                o = _judge(link, "mutant", cls, a, b, seen)
                if o is not None:
                    report.outcomes.append(o)
        if "rewrite" in kinds:
            seen = {original}
            for cls, a, b in rewrites(link.net, link.lhs, link.rhs):
                o = _judge(link, "rewrite", cls, a, b, seen)
                if o is not None:
                    report.outcomes.append(o)
    return report
