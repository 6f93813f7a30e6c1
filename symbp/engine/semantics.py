"""Meaning for parsed formulas: index analysis, index-letter inference, and interpretation of the
AST into the normal form of :mod:`symbp.model.normal_form` over a :class:`~symbp.model.network.Network`.

Index analysis runs before any algebra and finds the slips a student makes with indices: a sum
over a letter its summand does not contain (the seed's ① writes ``\\sum_k δ_{j_l} z_{i_l}``),
terms with different free indices, letters the network cannot place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from .. import diagnoses as dx
from ..catalogue import COMMANDS
from ..errors import NotationError, UnsupportedError
from ..latex.ast import Add, Call, Chain, Deriv, Div, Kron, Mul, Neg, Node, Num, Pow, RangeCond, SumOp, Sym
from ..latex.parser import RELU
from ..latex.unparse import unparse
from ..model.affine import inner, is_affine
from ..model.factors import Fn, Grad, Inv, Ref, inverse
from ..model.network import Family, Network
from ..model.normal_form import Expr, F
from ..notation import _groups_text, is_shift, latex_name, letter_tex, shift_letters
from . import calculus, shifted
from .labels import undeclared_label

__all__ = ["IndexProblem", "Interpreter", "bare_functions", "check_names", "free_letters", "infer_letters",
           "is_error", "runs_from_zero", "unit_zero"]


@dataclass(frozen=True)
class IndexProblem:
    """An index slip found before any algebra."""

    kind: str  # 'vacuous-sum' | 'terms-differ' | 'unplaceable' | 'ambiguous'
    letter: str
    pos: int
    message: str
    #: for an 'ambiguous' letter: the ranges it could run over
    ranges: tuple[str, ...] = ()
    #: the slip as data (its English is ``message``)
    diagnosis: dx.Diagnosis | None = None


def is_error(net: Network, node: Node) -> bool:
    """``E``, or the error of one pattern, ``E_n`` (PRML 5.50-5.55), ``C_x`` (Nielsen): the
    error's name with letters that are no index of the network (the network is one pattern's).

    >>> from symbp import builtin
    >>> from symbp.latex.parser import parse_expression as p
    >>> [is_error(builtin("plain"), p(x)) for x in ("E", "E_n", "E_j", "z_j")]
    [True, True, False, False]
    """
    return (isinstance(node, Sym) and node.name == net.error_name
            and all(net.letter_ranges(x) is None for x in node.letters))


def is_identity(net: Network, node: Node) -> bool:
    """``I_{kl}``, the identity matrix's entries (the Kronecker delta of ``k`` and ``l``), where the
    network has no quantity named ``I`` (a size ``I`` is never subscripted).

    >>> from symbp import builtin
    >>> from symbp.latex.parser import parse_expression as p
    >>> [is_identity(builtin("plain"), p(x)) for x in ("I_{kl}", "I", "I_{k}", "I_{j_l k}")]
    [True, False, False, False]
    """
    return (isinstance(node, Sym) and node.name == "I" and len(node.groups) == 2
            and all(len(g) == 1 and g != ("0",) for g in node.groups) and not node.shifted
            and not net.named("I"))


def is_shifted_kronecker(net: Network, node: Node) -> bool:
    """``\\delta_{i, j+m-1}`` (PRML, Goodfellow beside ``[i = j+m-1]``): a ``\\delta`` with two
    index groups, one of them shifted, where no ``\\delta`` of the network has two indices, so it
    can only be the Kronecker delta ``[i = j+m-1]``.  Where a ``\\delta`` has two indices it is
    that ``\\delta`` (or, where its two indices run over one range, an error naming both readings)."""
    return (isinstance(node, Sym) and node.name == "delta" and node.shifted and len(node.groups) == 2
            and all(len(g) == 1 and g != ("0",) for g in node.groups)
            and not any(len(f.axes) == 2 for f in net.delta_families()))


def delta_label(name: str) -> str | None:
    """``''`` for ``\\delta``, the layer label for ``\\delta^{(2)}`` (``'{(2)}'``), else ``None``."""
    if name == "delta":
        return ""
    return name[6:] if name.startswith("delta^") else None


def free_letters(node: Node, net: Network, problems: list[IndexProblem]) -> dict[str, int]:
    """The free index letters of ``node`` (letter -> position of first use); slips go to ``problems``."""
    if is_error(net, node):
        return {}
    if isinstance(node, (Sym, Kron, RangeCond)):
        return {x: node.pos for x in node.letters}
    if isinstance(node, SumOp):
        inner = free_letters(node.body, net, problems)
        for b in (node.lower, node.upper):
            if b is not None:
                free_letters(b, net, problems)
        if node.index not in inner:
            d: dx.Diagnosis = dx.VacuousSum(node.index)
            problems.append(IndexProblem("vacuous-sum", node.index, node.index_pos, d.text, diagnosis=d))
        return {k: v for k, v in inner.items() if k != node.index}
    if isinstance(node, Deriv):
        out = dict(free_letters(node.wrt, net, problems))
        inner = node.num if node.num is not None else node.body
        for k, v in free_letters(inner, net, problems).items():  # type: ignore[arg-type]
            out.setdefault(k, v)
        return out
    if isinstance(node, Add):
        sets = [free_letters(t, net, problems) for t in node.terms]
        keys = [set(s) for s in sets if s]  # a term without free indices is a scalar: it broadcasts
        if any(k != keys[0] for k in keys):
            allk = set().union(*keys)
            odd = sorted(allk - set.intersection(*keys))
            d = dx.TermsFreeMismatch(odd[0], tuple(tuple(sorted(k)) for k in keys))
            problems.append(IndexProblem("terms-differ", odd[0], node.pos, d.text, diagnosis=d))
        out: dict[str, int] = {}
        for s in sets:
            for k, v in s.items():
                out.setdefault(k, v)
        return out
    out = {}
    for c in node.children():
        for k, v in free_letters(c, net, problems).items():
            out.setdefault(k, v)
    return out


def infer_letters(net: Network, chain: Chain | Iterable[Node]) -> tuple[dict[str, tuple[str, ...]],
                                                                           list[IndexProblem]]:
    """Ranges of the letters a formula uses; unknown letters are placed by the slots they fill
    (in ``\\sum_l w_{kl} z_l`` the ``l`` runs over the layer below ``k``)."""
    sides = chain.sides if isinstance(chain, Chain) else tuple(chain)
    syms = [n for s in sides for n in s.walk() if isinstance(n, Sym) and not is_error(net, n)]
    sums = [n for s in sides for n in s.walk() if isinstance(n, SumOp)]
    letters: dict[str, tuple[str, ...]] = {}
    unknown: dict[str, int] = {}
    krons = [n for side in sides for n in side.walk() if isinstance(n, Kron)]
    for node in [*syms, *krons]:  # the letters a symbol's or a Kronecker delta's slots place
        for x in node.letters:
            r = net.letter_ranges(x)
            if r is not None:
                letters[x] = r
            else:
                unknown.setdefault(x, node.pos)
    for s in sums:
        r = net.letter_ranges(s.index)
        if r is not None:
            letters[s.index] = r
        else:
            unknown.setdefault(s.index, s.index_pos)
    problems: list[IndexProblem] = []
    options: dict[str, set[str] | None] = {x: None for x in unknown}
    two = any(len(f.axes) == 2 for f in net.delta_families())
    for s in syms:
        if not any(x in unknown for x in s.letters):
            continue
        if (s.name == "delta" and not two and not s.shifted and len(s.letters) == 2
                and all(len(g) == 1 for g in s.groups)):
            continue  # \delta_{kl} where no \delta has two indices: a Kronecker delta, pinned below
        if is_shifted_kronecker(net, s):
            continue  # \delta_{i, j+m-1}: the Kronecker delta [i = j+m-1], its letters placed elsewhere
        if is_identity(net, s):
            continue  # I_{kl}: a Kronecker delta, pinned below
        name = net.delta_of if s.name == "delta" else s.name
        slots: list[tuple[str, str | None]] = []
        for x in s.slots:
            rs = letters.get(x)
            if is_shift(x):  # a shifted position fits any slot and places none of its letters
                slots.append(("", None))
            elif rs is None:
                slots.append((x, None))
            else:
                slots.extend((x, r) for r in rs)
        here: dict[str, set[str]] = {x: set() for x, r in slots if r is None and x}
        lab = delta_label(s.name)
        for fam in (net.delta_families(lab) if lab is not None else net.named(name)):
            if len(fam.axes) != len(slots):
                continue
            if all(r is None or r == a for (_, r), a in zip(slots, fam.axes)):
                tentative: dict[str, str] = {}
                ok = True
                for (x, r), a in zip(slots, fam.axes):
                    if r is None and x:
                        if tentative.setdefault(x, a) != a:
                            ok = False
                if ok:
                    for x, a in tentative.items():
                        here[x].add(a)
        for x, cand in here.items():
            options[x] = cand if options[x] is None else (options[x] & cand)  # type: ignore[operator]
    pins: dict[str, set[str]] = {}
    for x, r in _pinned(net, sides, letters, options):  # only where no indexed symbol places x
        if options[x] is None:
            pins[x] = pins[x] & {r} if x in pins else {r}
    options.update(pins)
    for x, pos in unknown.items():
        cand = options[x]
        if cand is None:
            d = dx.UndeterminedIndex(x)
            problems.append(IndexProblem("undetermined", x, pos, d.text, diagnosis=d))
        elif len(cand) == 0:
            d = dx.UnplaceableIndex(x)
            problems.append(IndexProblem("unplaceable", x, pos, d.text, diagnosis=d))
        elif len(cand) > 1:
            d = dx.AmbiguousIndex(x, tuple(sorted(cand)))
            problems.append(IndexProblem("ambiguous", x, pos, d.text, tuple(sorted(cand)), diagnosis=d))
        else:
            letters[x] = (next(iter(cand)),)
    return letters, problems


def _pinned(net: Network, sides: tuple[Node, ...], letters: dict[str, tuple[str, ...]],
            options: dict[str, set[str] | None]) -> list[tuple[str, str]]:
    """Ranges that pin undeclared letters outside indexed symbols: a Kronecker delta against a
    letter of one range (``[q = j]``: ``q`` over ``J``), a sum's bounds (``\\sum_{q=1}^{J}``).
    They place a letter that no indexed symbol places (``\\sum_q [q = j] = 1``)."""
    def known(x: str) -> tuple[str, ...] | None:
        if x in letters:
            return letters[x]
        cand = options.get(x)
        return (next(iter(cand)),) if cand is not None and len(cand) == 1 else None

    out: list[tuple[str, str]] = []
    two = any(len(f.axes) == 2 for f in net.delta_families())
    for node in (n for side in sides for n in side.walk()):
        if (isinstance(node, Sym) and node.name == "delta" and not two and not node.shifted
                and len(node.letters) == 2
                and all(len(g) == 1 for g in node.groups)) or is_identity(net, node):  # \delta_{kl}, I_{kl}
            node = Kron(node.pos, node.end, (node.letters[0],), (node.letters[1],))
        if isinstance(node, Kron):
            for this, other in ((node.left, node.right), (node.right, node.left)):
                if len(this) == 1 and this[0] in options and len(other) == 1:
                    r = known(other[0])
                    if r is not None and len(r) == 1:
                        out.append((this[0], r[0]))
        elif isinstance(node, SumOp) and node.index in options:
            up = node.upper
            if isinstance(up, Add) and len(up.terms) == 2 and isinstance(up.terms[1], Neg):
                up = up.terms[0]  # \\sum_{q=0}^{J-1}
            if isinstance(up, Sym) and not up.groups and up.name in net.range_letter:
                out.append((node.index, up.name))
    return out


def check_names(net: Network, nodes: Iterable[Node]) -> None:
    """Every symbol must be a quantity of the network, ``\\delta``, ``E`` or a size: an unknown
    name (``e``, ``x``) is an input error, never a guess (Euler's number, say)."""
    known = ({f.name for f in net.families} | {"delta", net.error_name} | set(net.range_letter)
             | net.functions)
    known |= {"delta^" + f.name.partition("^")[2] for f in net.families if "^" in f.name}
    nodes = list(nodes)
    # a letter d written against a quantity of the network, dz^{[2]}: Ng's prefix, or a product?
    prefixed = {id(m.factors[k]): m.factors[k + 1] for side in nodes for m in side.walk()
                if isinstance(m, Mul) for k in range(len(m.factors) - 1)
                if isinstance(m.factors[k], Sym) and m.factors[k].name == "d" and not m.factors[k].groups
                and isinstance(m.factors[k + 1], Sym) and m.factors[k].end == m.factors[k + 1].pos}
    for side in nodes:
        for n in side.walk():
            if is_identity(net, n):
                continue
            if isinstance(n, Sym) and n.name not in known and "^" in n.name:
                base, _, label = n.name.partition("^")
                shown = f"{latex_name(base)}{_sub(n)}^{label}"
                raise NotationError(
                    f"{shown}: no family of the forward pass carries the superscript {label[1:-1]}, so "
                    f"it can be read as a layer label or as a power", offset=n.pos, width=n.end - n.pos,
                    hint=f"for a layer, write its families with that superscript in the forward pass "
                         f"({latex_name(base if base != 'delta' else 'a')}^{label}_j = ...), or drop it "
                         f"where the index letters name the layers ({latex_name(base)}{_sub(n)}); for a "
                         f"power, write ^{{{label[2:-2]}}} without the brackets")
            if isinstance(n, Sym) and n.name not in known:
                hint = ("known: " + ", ".join(f.show() for f in net.families)
                        + ", \\delta, " + net.error_name
                        + (" and the sizes " + ", ".join(net.sizes) if net.sizes else ""))
                after = prefixed.get(id(n))
                if after is not None:  # dz^{[2]}: Ng's gradient, or the product d z^{[2]}?
                    hint = (f"if d{unparse(after)} is Ng's gradient of the cost J by "
                            f"{unparse(after)}, declare it: '% symbp: prefix d = \\partial J' "
                            f"(with the vectors and matrices declared); {hint}")
                elif not n.groups or n.name.isupper():
                    hint += (f"; if {latex_name(n.name)} is the error, say so: "
                             f"'% symbp: error {latex_name(n.name)}'")
                raise NotationError(
                    f"{latex_name(n.name)}{_sub(n)}: the network has no quantity named "
                    f"{latex_name(n.name)}", offset=n.pos, width=n.end - n.pos, hint=hint)


def bare_functions(net: Network, nodes: Iterable[Node]) -> list[Sym]:
    """The function names written without an argument (Graves's slip ``\\theta_h`` for
    ``\\theta_h'(a_h)``): symbp reads each as its value at the one quantity the forward pass
    applies it to, which can refute an equation (as a function it is no number either) but
    never verify one."""
    differentiated = {id(n.num) for side in nodes for n in side.walk()
                      if isinstance(n, Deriv) and n.num is not None}  # \frac{dh}{da_j}: h'(a_j)
    return [n for side in nodes for n in side.walk()
            if isinstance(n, Sym) and n.name in net.functions and not net.named(n.name)
            and id(n) not in differentiated]


class Interpreter:
    """Turns AST nodes into :class:`~symbp.model.normal_form.Expr` for one network and one equation."""

    def __init__(self, net: Network, letters: dict[str, tuple[str, ...]], *, declare: bool = False):
        self.net = net
        self.letters = letters
        self.declare = declare

    # -- symbols
    def ranges_of(self, letter: str, pos: int) -> tuple[str, ...]:
        r = self.letters.get(letter) or self.net.letter_ranges(letter)
        if r is None:
            raise NotationError(f"unknown index letter {letter}", offset=pos,
                                hint=f"declare it: '% symbp: index {letter} : j' (runs like j)")
        return r

    def family_for(self, sym: Sym, *, create: bool = False) -> Family:
        if sym.shifted:
            return self._shifted_family(sym, create)
        name = self.net.delta_of if sym.name == "delta" else sym.name
        lab = delta_label(sym.name)
        axes: list[str] = []
        grouping: list[int] = []
        flat: list[str] = []
        units = sym.units
        for k, g in enumerate(sym.groups):
            if k in units:  # the unit 0 of w_{j0}: part of the family's name, no index
                continue
            width = 0
            for x in g:
                rs = self.ranges_of(x, sym.pos)
                axes.extend(rs)
                width += len(rs)
                flat.extend(self.net.composites.get(x, (x,)))
            grouping.append(width)
        if units:
            return self._unit_family(sym, name, tuple(axes), tuple(grouping), tuple(flat), create)
        if lab:  # \delta^{(2)}_j: the pre-activation of that layer over the range of j
            fits = [f for f in self.net.delta_families(lab) if f.axes == tuple(axes)]
            if len(fits) == 1:
                return fits[0]
            raise NotationError(f"\\delta^{lab}{_sub(sym)}: no weighted sum with the superscript "
                                f"{lab[1:-1]} runs over ({', '.join(axes)})", offset=sym.pos,
                                width=sym.end - sym.pos, hint="the network has " + ", ".join(
                                    f.show() for f in self.net.delta_families(lab)) or "none",
                                slip=bool(self.net.delta_families(lab)), code="indices-fit-no-family")
        if sym.name == "delta" and (name is None or (self.net.family(name, tuple(axes)) is None
                                                     and self.net.delta_declared is None)):
            # \delta of a unit whose pre-activation has another letter: by its range
            fits = [f for f in self.net.delta_families() if f.axes == tuple(axes)]
            if len(fits) == 1:
                return fits[0]
        if sym.name == "delta" and name is None:
            raise NotationError(f"\\delta: {self.net.delta_problem}" + (
                f", and {len(fits)} of them run over ({', '.join(axes)})" if fits else ""),
                offset=sym.pos, width=sym.end - sym.pos,
                hint="say which family \\delta differentiates the error by, by its letter: "
                     "'% symbp: delta a' (or z, ...)")
        fam = self.net.family(name, tuple(axes))
        if fam is not None:
            return fam
        if not create:
            known = [f.show() for f in self.net.named(name)]
            shown = f"{latex_name(sym.name)}{_sub(sym)}"
            if not known:
                hint = "known: " + ", ".join(f.show() for f in self.net.families)
                if name.isupper() and sym.groups:  # PRML's J_{ki} = \frac{\partial y_k}{\partial x_i}
                    hint += (f"; if the equation defines {shown}, write the chain without it: its "
                             "other links are what can be checked")
                raise NotationError(f"{shown}: the network has no quantity named {latex_name(name)}",
                                    offset=sym.pos, width=sym.end - sym.pos, hint=hint)
            if self.net.padding == "zero" and any(len(f.axes) == len(axes) for f in self.net.named(name)):
                # with zero padding a family read over a longer range (\delta_i, i over I) holds 0
                # beyond its own: the reading is defined and may be true, so no slip, no refutation
                raise NotationError(
                    f"{shown}: {latex_name(name)} read over ({', '.join(axes)}), not its own range "
                    f"({', '.join(known)}); under zero padding it holds 0 beyond it, which symbp does not "
                    "decide yet", offset=sym.pos, width=sym.end - sym.pos,
                    hint="sum over the family's own range (\\sum_j \\delta_j x_{j+m-1}), or bound the sum "
                         "with a range condition")
            slip = dx.IndicesFitNoFamily(shown, latex_name(name), tuple(axes), tuple(known))
            # an index slip: the checker refutes, and may propose the indices that fit
            raise NotationError(slip.message, offset=sym.pos, width=sym.end - sym.pos, hint=slip.hint,
                                slip=True, symbol=sym, diagnosis=slip)
        fam = Family(len(self.net.families), name, tuple(axes), tuple(grouping),
                     name.partition("^")[0] in self.net.param_names, tuple(flat))
        self.net.families.append(fam)
        return fam

    def _unit_family(self, sym: Sym, name: str | None, axes: tuple[str, ...], grouping: tuple[int, ...],
                     flat: tuple[str, ...], create: bool) -> Family:
        """The family of a symbol with the unit 0 in its subscript (``w_{j0}``, ``x_0``): one of
        its own, which the forward pass must name (in a sum from 0, ``\\sum_{i=0}^{D} w_{ji} x_i``,
        or written out, ``+ w_{j0}``); anything else is an error, never a silent zero."""
        shown = f"{latex_name(sym.name)}{_sub(sym)}"
        if sym.name == "delta" or delta_label(sym.name) is not None or name is None:
            raise UnsupportedError(f"{shown}: \\delta of a unit 0 is not read", offset=sym.pos,
                                   width=sym.end - sym.pos,
                                   hint="the unit 0 is a constant (x_0 = 1) or a weight (w_{j0})")
        fam = self.net.family(name, axes, sym.units)
        if fam is not None:
            return fam
        if not create:
            zero = sorted(self.net.zero_ranges)
            raise NotationError(
                f"{shown}: the forward pass has no unit 0 of {latex_name(name)} here", offset=sym.pos,
                width=sym.end - sym.pos,
                hint=("the ranges that start at 0: " + ", ".join(f"0..{r}" for r in zero) if zero
                      else "no range of this network starts at 0") + "; a unit 0 is declared by a sum "
                     "from 0 in the forward pass (\\sum_{i=0}^{D} w_{ji} x_i, with x_0 = 1) or written "
                     "out (a_j = \\sum_{i=1}^{D} w_{ji} x_i + w_{j0})")
        fam = Family(len(self.net.families), name, axes, grouping,
                     name.partition("^")[0] in self.net.param_names, flat, sym.units)
        self.net.families.append(fam)
        return fam

    def _shifted_family(self, sym: Sym, create: bool) -> Family:
        """The family of a symbol with a shifted position (``x_{j+m-1}``, ``\\delta_{i-m+1}``):
        the one of its name whose other slots fit; where a forward equation creates it, each
        shifted slot runs over the size its positions span (:func:`shifted.slot_range`)."""
        net = self.net
        lab = delta_label(sym.name)
        slots: list[tuple[str, str | None]] = []
        grouping: list[int] = []
        for g in sym.groups:
            width = 0
            for x in g:
                if is_shift(x):
                    slots.append((x, None))
                    width += 1
                else:
                    rs = self.ranges_of(x, sym.pos)
                    slots.extend((x, r) for r in rs)
                    width += len(rs)
            grouping.append(width)
        cands = net.delta_families(lab) if lab is not None else net.named(sym.name)
        fits = [f for f in cands if len(f.axes) == len(slots)
                and all(r is None or r == a for (_, r), a in zip(slots, f.axes))]
        if len(fits) > 1:  # z_{i+1} with layers z_i and z_j: a shift of letters of one range stays in it
            own = [f for f in fits if all(
                r is not None or {self.ranges_of(y, sym.pos) for y in shift_letters(x)} == {(a,)}
                for (x, r), a in zip(slots, f.axes))]
            fits = own or fits
        if len(fits) > 1 and lab is not None:  # \delta_{i-m+1}: the letter of \delta first (a_j, not b_k)
            fits = [f for f in fits if f.name == net.delta_of] or fits

        def ranges_of(x: str) -> tuple[str, ...]:
            return self.ranges_of(x, sym.pos)

        if create and lab is None and not fits and not cands:
            axes = tuple(r if r is not None else shifted.slot_range(net, x, ranges_of, sym.pos)
                         for x, r in slots)
            letters = tuple(x if r is not None else net.range_letter.get(a, a.lower())
                            for (x, r), a in zip(slots, axes))
            fam = Family(len(net.families), sym.name, axes, tuple(grouping),
                         sym.name.partition("^")[0] in net.param_names, letters)
            net.families.append(fam)
            return fam
        if len(fits) == 1:
            if create:  # a forward equation reads it: its positions must be the slot's range
                for (x, r), a in zip(slots, fits[0].axes):
                    if r is None:
                        shifted.slot_range(net, x, ranges_of, sym.pos, known=a)
            return fits[0]
        shown = f"{latex_name(sym.name)}{_sub(sym)}"
        known = [f.show() for f in cands]
        if not known:
            raise NotationError(f"{shown}: the network has no quantity named {latex_name(sym.name)}",
                                offset=sym.pos, width=sym.end - sym.pos,
                                hint="known: " + ", ".join(f.show() for f in net.families))
        if not fits:
            axes = tuple(r or "?" for _, r in slots)
            slip = dx.IndicesFitNoFamily(shown, latex_name(sym.name), axes, tuple(known))
            raise NotationError(slip.message, offset=sym.pos, width=sym.end - sym.pos, hint=slip.hint,
                                slip=True, symbol=sym, diagnosis=slip)
        raise NotationError(f"{shown}: the shifted position fits several families ({', '.join(known)})",
                            offset=sym.pos, width=sym.end - sym.pos,
                            hint="write the other indices so that one family fits")

    def _indices(self, sym: Sym, env: dict[str, tuple[str, ...]]) -> tuple:
        out = []
        if sym.shifted:
            for x in sym.slots:
                if is_shift(x):
                    out.append(shifted.affine_of(x, env, sym.pos, self.net))
                    continue
                if x not in env:
                    raise NotationError(f"index {x} is used but neither free nor summed", offset=sym.pos,
                                        hint=f"sum over it (\\sum_{x}) or use it on both sides")
                out.extend(F(n) for n in env[x])
            return tuple(out)
        for x in sym.letters:
            if x not in env:
                label = next((g for g in sym.groups if len(g) > 1 and g[0] == x), None)
                known = {c for f in self.net.families if f.name != sym.name for y in f.letters for c in y}
                if label is not None and x not in known:  # p_{y_i}: y_i a class label, not a unit
                    raise undeclared_label(x, label[1], sym.pos)
                raise NotationError(f"index {x} is used but neither free nor summed", offset=sym.pos,
                                    hint=f"sum over it (\\sum_{x}) or use it on both sides")
            out.extend(F(n) for n in env[x])
        return tuple(out)

    # -- expressions
    def expression(self, node: Node, env: dict[str, tuple[str, ...]]) -> Expr:
        net = self.net
        if isinstance(node, Num):
            return Expr.const(node.value)
        if isinstance(node, Sym):
            if is_error(net, node) and net.error_kind is not None:
                return calculus.error_expression(net)
            if is_error(net, node) and not self.declare and (e := calculus.error_family(net)) is not None:
                return Expr.atom(Ref("ref", e, ()))  # the error the forward pass defines
            if is_error(net, node):
                raise UnsupportedError(f"{net.error_name} may only stand inside a derivative",
                                       offset=node.pos,
                                       hint=f"write \\frac{{\\partial {net.error_name}}}"
                                            "{\\partial w_{ji}}")
            if not node.groups and node.name in net.range_letter and not net.named(node.name):
                return Expr.size(node.name)
            if node.name in net.functions and not net.named(node.name):
                return self._bare_function(node, env)
            if node.name == "delta" and not self.declare and is_shifted_kronecker(net, node):
                return self._shifted_kron(node.groups[0], node.groups[1], env, node.pos)
            if (node.name == "delta" and not self.declare and node.shifted and len(node.groups) == 2
                    and all(len(g) == 1 for g in node.groups)):
                if self._not_both_deltas(node):
                    return self._shifted_kron(node.groups[0], node.groups[1], env, node.pos)
            if node.name == "delta" and not self.declare:
                kd = self._kronecker(node, env)
                if kd is not None:
                    return kd
            if is_identity(net, node) and not self.declare:
                return self._identity(node, env)
            if (node.name == "I" and len(node.groups) == 2 and all(len(g) == 1 for g in node.groups)
                    and net.named("I") and not self.declare):
                rs = [self.ranges_of(x, node.pos) for x in node.letters]
                if rs[0] == rs[1] and len(rs[0]) == 1:
                    raise NotationError(f"I{_sub(node)} can be read as the identity (a Kronecker delta) or "
                                        "as the network's quantity I", offset=node.pos,
                                        width=node.end - node.pos,
                                        hint=f"write the Kronecker delta as [{letter_tex(node.letters[0])} = "
                                             f"{letter_tex(node.letters[1])}]")
            if node.units:
                axes = tuple(r for x in node.letters for r in self.ranges_of(x, node.pos))
                value = net.constants.get((node.name, node.units, axes))
                if value is not None:  # x_0 = 1: a number, not a quantity
                    return Expr.const(value)
            fam = self.family_for(node, create=self.declare)
            kind = Grad if delta_label(node.name) is not None else Ref
            if kind is Grad and not net.has_delta(fam.id):
                raise NotationError(f"\\delta is defined for {latex_name(net.delta_of or 'a')} only",
                                    offset=node.pos,
                                    hint=f"\\delta_j means dE/d{latex_name(net.delta_of or 'a')}_j; "
                                    "write the derivative out for other quantities")
            return Expr.atom(kind("grad" if kind is Grad else "ref", fam.id, self._indices(node, env)))
        if isinstance(node, Kron):
            if any(is_shift(x) for x in node.left + node.right):  # [i = 2j+m-2]: integers equal
                return self._shifted_kron(node.left, node.right, env, node.pos)
            sides = []
            for group in (node.left, node.right):
                flat: list[tuple[str, str]] = []
                for x in group:
                    if x not in env:
                        raise NotationError(f"index {x} is used but neither free nor summed", offset=node.pos)
                    flat.extend(zip(env[x], self.ranges_of(x, node.pos)))
                sides.append(flat)
            if [r for _, r in sides[0]] != [r for _, r in sides[1]]:
                exc = NotationError("the two sides of this Kronecker delta run over different ranges ("
                                    + ", ".join(r for _, r in sides[0]) + " and "
                                    + ", ".join(r for _, r in sides[1]) + ")", offset=node.pos,
                                    width=node.end - node.pos,
                                    hint="write [j = j'] with indices of one layer",
                                    misfit=True, code="range-mismatch")  # the ranges do not fit
                raise exc
            out = Expr.const(1)
            for (a, _), (b, _) in zip(*sides):
                out = out * Expr.kd(F(a), F(b))
            return out
        if isinstance(node, RangeCond):
            if node.size not in net.range_letter:
                raise NotationError(f"[1 \\le {letter_tex(node.entry)} \\le {node.size}]: {node.size} is "
                                    "no size of the network", offset=node.pos, width=node.end - node.pos,
                                    hint="bound a position by a size: " + ", ".join(net.sizes))
            if is_shift(node.entry):
                idx = shifted.affine_of(node.entry, env, node.pos, self.net)
            else:
                names = env.get(node.entry)
                if names is None or len(names) != 1:
                    raise NotationError(f"index {node.entry} is used but neither free nor summed",
                                        offset=node.pos, hint=f"sum over it (\\sum_{node.entry})")
                idx = F(names[0])
            return Expr.atom(("rng", idx, node.size))
        if isinstance(node, Call):
            arg = self.expression(node.arg, env)
            t = arg.terms[0] if len(arg.terms) == 1 else None
            compound = (t is None or t.coeff != 1 or t.dummies or t.sizes or len(t.factors) != 1
                        or t.factors[0].tag != "ref")
            if compound and node.name in COMMANDS and not node.sub and not arg.is_zero():
                # \ln(1 - y_j), \ln \sum_j e^{a_j}: the function of a hidden family defined as the argument
                ranges = self._free_ranges(env, node.pos)
                fam, idx = calculus.denominator_family(net, arg, ranges)
                if node.name not in net.activations:
                    net.functions.add(node.name)
                    net.activations[node.name] = COMMANDS[node.name]
                if self.declare:
                    net.applied.setdefault(node.name, set()).add(fam)
                return Expr.atom(Fn("fn", node.name, node.order, fam, idx))
            if compound and node.name == RELU:
                raise UnsupportedError(
                    f"{'the gate [x > 0]' if node.order else 'the ReLU max(0, x)'} of a compound expression "
                    "or of a derivative is not read", offset=node.pos,
                    width=node.end - node.pos, hint="apply the ReLU to one quantity of the network, "
                    "as in \\max(0, a_j): define the argument as a family in the forward pass")
            if compound:
                raise UnsupportedError(
                    f"{node.name} applied to a compound expression", offset=node.pos,
                    width=node.end - node.pos,
                    hint=f"apply {node.name} to one quantity, as in {node.name}(a_j)")
            f = t.factors[0]
            if node.sub and not self.declare and node.name not in net.unit_functions:
                raise UnsupportedError(
                    f"{latex_name(node.name)}{_groups_text(node.sub)} is written per unit, but the "
                    f"forward pass applies one {latex_name(node.name)} to every unit", offset=node.pos,
                    width=node.end - node.pos, hint=f"write {latex_name(node.name)}(...) as the forward "
                    f"pass does, or declare {latex_name(node.name)} per unit there")
            if node.sub and (not isinstance(node.arg, Sym) or self._indices(
                    Sym(node.pos, node.end, "_", node.sub), env) != f.idx):
                raise UnsupportedError(
                    f"the per-unit function {latex_name(node.name)}{_groups_text(node.sub)} is applied "
                    "to a quantity of another unit", offset=node.pos, width=node.end - node.pos,
                    hint=f"apply it to its own unit's quantity, as in "
                         f"{latex_name(node.name)}{_groups_text(node.sub)}(a{_groups_text(node.sub)})")
            if node.name in COMMANDS and node.name not in net.activations:
                net.functions.add(node.name)  # \ln, e^{a} in a step: the logarithm, the exponential
                net.activations[node.name] = COMMANDS[node.name]
            if node.name == RELU and net.activations.get(RELU) != "relu":
                net.functions.add(RELU)  # \max(0, x), [x > 0]: the catalogue's relu and its step
                net.activations[RELU] = "relu"
            if self.declare:
                net.applied.setdefault(node.name, set()).add(f.fam)
            # a per-unit function θ_h is one function of each unit: the factor is a function of
            # the one quantity a_h it is applied to, which the normal form keeps apart per unit
            return Expr.atom(Fn("fn", node.name, node.order, f.fam, f.idx))
        if isinstance(node, Neg):
            return -self.expression(node.arg, env)
        if isinstance(node, Add):
            out = Expr.zero()
            for term in node.terms:
                out = out + self.expression(term, env)
            return out
        if isinstance(node, Mul):
            out = Expr.const(1)
            for fac in node.factors:
                out = out * self.expression(fac, env)
            return out
        if isinstance(node, Div):
            if isinstance(node.den, Mul):  # 1/(y_k (1 - y_k)) = (1/y_k) (1/(1 - y_k))
                out = self.expression(node.num, env)
                for fac in node.den.factors:
                    one = Num(fac.pos, fac.pos, Fraction(1))
                    out = out * self.expression(Div(fac.pos, fac.end, one, fac), env)
                return out
            if isinstance(node.den, Pow):  # 1/X^n = (1/X)^n: a softmax's squared denominator
                one = Num(node.den.pos, node.den.pos, Fraction(1))
                recip = self.expression(Div(node.den.pos, node.den.end, one, node.den.base), env)
                out = self.expression(node.num, env)
                for _ in range(node.den.exp):
                    out = out * recip
                return out
            den = self.expression(node.den, env)
            t = den.terms[0] if len(den.terms) == 1 else None
            if den.is_zero():
                raise UnsupportedError("division by zero", offset=node.den.pos, hint="the denominator is 0")
            if t is None or t.dummies or t.sizes or any(f.tag not in ("ref", "fn", "inv") for f in t.factors):
                # a sum (the softmax's \sum_j \exp(a_j)), a size (K x_k): the reciprocal of a hidden
                # family defined as it
                ranges = self._free_ranges(env, node.pos)
                fam, idx = calculus.denominator_family(net, den, ranges)
                return self.expression(node.num, env) * Expr.atom(Inv("inv", fam, idx))
            # 1/(c x y) = (1/c) (1/x) (1/y): a reciprocal factor, cancelled against x where it meets it
            out = self.expression(node.num, env).scale(1 / t.coeff)
            for f in t.factors:
                out = out * Expr.atom(inverse(f))
            return out
        if isinstance(node, Pow):
            base = self.expression(node.base, env)
            out = Expr.const(1)
            for _ in range(node.exp):
                out = out * base
            return out
        if isinstance(node, SumOp):
            rs = self.ranges_of(node.index, node.index_pos)
            zero = self._check_bounds(node, rs)
            names = tuple(calculus.fresh() for _ in rs)
            body = self.expression(node.body, {**env, node.index: names})
            out = body.bind_all(zip(names, rs))
            if zero:  # \sum_{i=0}^{D}: the unit 0, then the units 1..D
                out = self.expression(unit_zero(node.body, node.index), env) + out
            return out
        if isinstance(node, Deriv):
            wrt = node.wrt
            if wrt.name in ("delta", net.error_name):
                raise UnsupportedError(f"derivative with respect to {latex_name(wrt.name)}",
                                       offset=wrt.pos, hint="differentiate with respect to a, z or w")
            if node.plain and net.named("d"):
                raise NotationError("d is a quantity of this network, so this fraction can be read as a "
                                    "derivative or as a quotient", offset=node.pos, width=node.end - node.pos,
                                    hint="write the derivative with \\mathrm{d} or \\partial")
            inner = node.num if node.num is not None else node.body
            assert inner is not None
            if isinstance(inner, Sym) and inner.name in net.functions and not net.named(inner.name):
                try:  # \frac{dh}{da}(a_j), a function's derivative by a bare letter: not read
                    fam = self.family_for(wrt)
                except NotationError as exc:
                    raise NotationError(f"{exc.message}; a function's derivative is read by the quantity "
                                        "it is applied to", offset=wrt.pos, width=wrt.end - wrt.pos,
                                        hint=f"write {latex_name(inner.name)}'(...), or "
                                             f"\\frac{{d{latex_name(inner.name)}}}{{da_j}}") from None
                return self._function_derivative(inner, wrt, fam, self._indices(wrt, env))
            try:
                fam = self.family_for(wrt)
            except NotationError as exc:
                if not node.plain:
                    raise
                # \frac{d\sigma(x)}{dx}: a plain d by a letter that is no quantity is a
                # function's own variable, not a slip in the network's indices
                fams = sorted(net.applied.get(inner.name, ())) if isinstance(inner, Call) else []
                at = net.families[fams[0]].show() if fams else None
                raise NotationError(f"{exc.message}; a derivative with a plain d is read by a quantity of "
                                    "the network", offset=wrt.pos, width=wrt.end - wrt.pos,
                                    hint="write the function's derivative as \\sigma'(...) at a quantity of "
                                         "the network" + (
                                             f": {latex_name(inner.name)}'({at}), at the quantity the "
                                             f"forward pass applies it to, with {at} for "
                                             f"{unparse(wrt)} throughout" if at else "")) from None
            idx = self._indices(wrt, env)
            if is_error(net, inner):
                return calculus.gradient(net, fam.id, idx)
            return calculus.derivative(net, self.expression(inner, env), fam.id, idx)
        raise UnsupportedError(f"cannot interpret {type(node).__name__}", offset=node.pos,
                               hint="symbp reads sums, products, fractions, derivatives and h(...)")

    def side_boundary(self, side: Node, env: dict[str, tuple[str, ...]]) -> None:
        """A side that is a derivative by a shifted position of the claim's free letters
        (``\\frac{\\partial E}{\\partial w_{m+1}}``): an input error where that position can leave its
        family's range (see :meth:`_by_a_position_outside`); nothing otherwise."""
        if not (isinstance(side, Deriv) and isinstance(side.wrt, Sym) and side.wrt.shifted):
            return
        try:
            fam = self.family_for(side.wrt)
            idx = self._indices(side.wrt, env)
        except NotationError:
            return  # read (and reported) with the side
        self._by_a_position_outside(side.wrt, fam, idx, env)

    def _by_a_position_outside(self, wrt: Sym, fam: Family, idx: tuple,
                               env: dict[str, tuple[str, ...]]) -> None:
        """``\\frac{\\partial E}{\\partial w_{m+1}}`` for every ``m`` of ``1..M``: at ``m = M`` it asks
        for the derivative by ``w_{M+1}``, which is no quantity of the network, so the claim has no
        value there (neither 0 nor anything else): an input error naming that boundary case.  Only a
        side that is such a derivative is asked about (inside a sum, a range condition guards it:
        ``\\sum_n v_n \\frac{\\partial E}{\\partial b_{j-n+1}} [1 \\le j-n+1 \\le K]``)."""
        ranges: dict[tuple, str] | None = None
        for i, r in zip(idx, fam.axes):
            if not is_affine(i) or any(k[0] != "f" or k[1].startswith("~") for k in inner(i)):
                continue
            if ranges is None:
                ranges = {("f", n): rr for n, rr in self._free_ranges(env, wrt.pos).items()}
            if shifted.implied(self.net, i, r, ranges):
                continue
            at = shifted.first_outside(self.net, i, r, ranges)
            raise NotationError(
                f"the derivative by {unparse(wrt)} asks, at {at}, for {latex_name(fam.name)} at a position "
                f"outside its range 1..{r}, which is no quantity of the network",
                offset=wrt.pos, width=wrt.end - wrt.pos, code="ambiguous-reading",
                hint=f"differentiate by {fam.show()} (shift the other side to match), or name the "
                     "positions that exist in a sum with a range condition")

    def _not_both_deltas(self, node: Sym) -> bool:
        """``\\delta_{i, j+m-1}`` where a ``\\delta`` of the network has two indices of one range:
        the network's ``\\delta`` at a shifted position or the Kronecker delta ``[i = j+m-1]``, an
        error naming both (over two ranges it is the network's, as ``\\delta_{kl}`` is).  True where
        only the Kronecker delta can be meant: one side a plain letter, the other shifted, and no
        ``\\delta`` of the network takes them (conv2d's ``\\delta_{p, i+a-1}``, p over the inputs'
        rows, the network's δ over the outputs')."""
        try:
            fam = self.family_for(node, create=False)
        except NotationError:
            # no \delta of the network fits; a plain letter against a shifted position is the
            # Kronecker delta then (two shifted sides stay the network's δ, reported as before)
            return sum(is_shift(g[0]) for g in node.groups) == 1
        if len(fam.axes) == 2 and fam.axes[0] == fam.axes[1]:
            a, b = node.groups[0][0], node.groups[1][0]
            raise NotationError(f"\\delta{_sub(node)} can be read as the Kronecker delta or as "
                                f"\\delta of {fam.show()}", offset=node.pos, width=node.end - node.pos,
                                hint=f"write the Kronecker delta as [{a} = {b}]")
        return False

    def _shifted_kron(self, left: tuple[str, ...], right: tuple[str, ...], env: dict[str, tuple[str, ...]],
                      pos: int) -> Expr:
        """``[i = 2j+m-2]`` (or ``\\delta_{i, 2j+m-2}``): the integers on its two sides equal."""
        a, b = (shifted.affine_of(g[0], env, pos, self.net) if is_shift(g[0]) else
                self._plain_kron_side(g, env, pos) for g in (left, right))
        return Expr.kd(a, b)

    @staticmethod
    def _plain_kron_side(group: tuple[str, ...], env: dict[str, tuple[str, ...]], pos: int) -> tuple:
        """The plain side of ``[i = j+m-1]``: one index letter of one range."""
        if len(group) != 1 or group[0] not in env or len(env[group[0]]) != 1:
            raise NotationError(f"the side {''.join(group)} of a Kronecker delta with a shifted side is "
                                "no plain index letter that is free or summed", offset=pos,
                                hint="write one index letter against the shifted position: [i = j+m-1]")
        return F(env[group[0]][0])

    def _free_ranges(self, env: dict[str, tuple[str, ...]], pos: int) -> dict[str, str]:
        """The range of every index name of ``env``."""
        return {n: r for x, names in env.items() for n, r in zip(names, self.ranges_of(x, pos))}

    def _identity(self, node: Sym, env: dict[str, tuple[str, ...]]) -> Expr:
        """``I_{kl}``: the identity's entries, the Kronecker delta of two letters of one range."""
        a, b = node.letters
        ra, rb = self.ranges_of(a, node.pos), self.ranges_of(b, node.pos)
        if ra != rb or len(ra) != 1:
            raise NotationError(f"I{_sub(node)}: as the identity its indices run over different ranges ("
                                f"{', '.join(ra)} and {', '.join(rb)})", offset=node.pos,
                                width=node.end - node.pos, hint="write [j = j'] with indices of one layer",
                                misfit=True, code="range-mismatch")
        for x in (a, b):
            if x not in env:
                raise NotationError(f"index {x} is used but neither free nor summed", offset=node.pos)
        return Expr.kd(F(env[a][0]), F(env[b][0]))

    def _kronecker(self, node: Sym, env: dict[str, tuple[str, ...]]) -> Expr | None:
        """``\\delta_{kl}`` (PRML 5.75): a Kronecker delta where its two indices run over one
        range and no ``\\delta`` of the network runs over theirs; where both fit, an error."""
        net = self.net
        letters = node.letters
        if len(letters) != 2 or any(len(g) > 1 for g in node.groups) or node.shifted:
            return None
        ranges = [self.ranges_of(x, node.pos) for x in letters]
        axes = ranges[0] + ranges[1]
        if ranges[0] != ranges[1] or len(ranges[0]) != 1:
            if any(len(f.axes) == 2 for f in net.delta_families()):
                return None
            raise NotationError(f"\\delta{_sub(node)}: no \\delta of this network has two indices, and as "
                                f"a Kronecker delta its indices run over different ranges ("
                                f"{', '.join(ranges[0])} and {', '.join(ranges[1])})", offset=node.pos,
                                width=node.end - node.pos, hint="write [j = j'] with indices of one layer",
                                misfit=True, code="range-mismatch")  # the letters' ranges do not fit
        as_delta = [f for f in (net.delta_families() + [net.families[o] for o in net.outputs])
                    if f.axes == axes and net.has_delta(f.id)]
        if as_delta:
            raise NotationError(f"\\delta{_sub(node)} can be read as the Kronecker delta or as "
                                f"\\delta of {as_delta[0].show()}", offset=node.pos,
                                width=node.end - node.pos,
                                hint=f"write the Kronecker delta as [{letter_tex(letters[0])} = "
                                     f"{letter_tex(letters[1])}]")
        a, b = (env.get(x) for x in letters)
        if a is None or b is None:
            raise NotationError(f"index {letters[0] if a is None else letters[1]} is used but neither "
                                "free nor summed", offset=node.pos)
        return Expr.kd(F(a[0]), F(b[0]))

    def _function_derivative(self, fn: Sym, wrt: Sym, fam: Family, idx: tuple) -> Expr:
        """``\\frac{dh}{da_j}`` (or ``\\frac{\\partial \\sigma}{\\partial z_j}``): the derivative of
        the function by its argument, ``h'(a_j)``, where the forward pass applies it to that
        family; otherwise an error (a function of what?)."""
        net = self.net
        if fam.id not in net.applied.get(fn.name, set()) or (fn.groups and fn.groups != wrt.groups) or (
                fn.groups and fn.name not in net.unit_functions):
            raise NotationError(f"{latex_name(fn.name)}{_sub(fn)} is not applied to {fam.show()} in the "
                                "forward pass, so its derivative by it is not read", offset=fn.pos,
                                width=fn.end - fn.pos, hint=f"write {latex_name(fn.name)}'(...) at the "
                                "quantity the forward pass applies it to, or the derivative of that quantity")
        return Expr.atom(Fn("fn", fn.name, 1, fam.id, idx))

    def _bare_function(self, node: Sym, env: dict[str, tuple[str, ...]]) -> Expr:
        """A function name without an argument, read as its value at the one quantity the forward
        pass applies it to (see :func:`bare_functions`)."""
        net = self.net
        fams = [net.families[f] for f in sorted(net.applied.get(node.name, ()))]
        fits = [f for f in fams if not node.groups or len(f.axes) == len(node.letters)]
        if self.declare or len(fits) != 1:
            raise NotationError(f"{latex_name(node.name)}{_sub(node)} is a function written without "
                                "its argument", offset=node.pos, width=node.end - node.pos,
                                hint=f"write {latex_name(node.name)}{_sub(node)}(a_j) for its value "
                                     f"or {latex_name(node.name)}{_sub(node)}'(a_j) for its derivative")
        arg = fits[0]
        if not node.groups:
            if arg.axes:
                raise NotationError(f"{latex_name(node.name)} is a function written without its argument",
                                    offset=node.pos, width=node.end - node.pos,
                                    hint=f"write {latex_name(node.name)}({arg.show()})")
            return Expr.atom(Fn("fn", node.name, 0, arg.id, ()))
        inner = Sym(node.pos, node.end, arg.name, node.groups)
        fam = self.family_for(inner)
        return Expr.atom(Fn("fn", node.name, 0, fam.id, self._indices(inner, env)))

    def _check_bounds(self, node: SumOp, rs: tuple[str, ...]) -> bool:
        """Whether the sum includes the unit 0 of its range (``\\sum_{i=0}^{D}``, or ``\\sum_i``
        where the forward pass sums ``i`` from 0); bounds that are not a whole range are an error."""
        zero = len(rs) == 1 and rs[0] in self.net.zero_ranges
        if node.lower is None and node.upper is None:
            return zero
        size = rs[0] if len(rs) == 1 else None
        low = node.lower.value if isinstance(node.lower, Num) else None
        up = node.upper
        full = False
        if zero and low == 0 and isinstance(up, Sym) and up.name == size and not up.groups:
            return True
        if size is not None and low == 1 and isinstance(up, Sym) and up.name == size and not up.groups:
            full = True
        if zero and not full:
            exc = UnsupportedError(
                f"the bounds of this sum are not 0..{size} or 1..{size}, the range of {node.index} with "
                "or without its unit 0", offset=node.pos, width=node.index_pos - node.pos + 1,
                hint=f"write \\sum_{{{node.index}=0}}^{{{size}}} or \\sum_{{{node.index}=1}}^{{{size}}}",
                misfit=True, code="partial-sum")
            raise exc
        if (size is not None and low == 0 and isinstance(up, Add) and len(up.terms) == 2
                and isinstance(up.terms[0], Sym) and up.terms[0].name == size
                and isinstance(up.terms[1], Neg) and isinstance(up.terms[1].arg, Num)
                and up.terms[1].arg.value == 1):
            full = True
        if not full:
            expect = f"\\sum_{{{node.index}=1}}^{{{size}}}" if size else f"\\sum_{node.index}"
            exc = UnsupportedError(
                f"the bounds of this sum are not the whole range of {node.index}", offset=node.pos,
                width=node.index_pos - node.pos + 1,
                hint=f"symbp checks sums over whole layers: write {expect} or \\sum_{node.index}",
                misfit=True, code="partial-sum")  # the letter's range does not fit
            raise exc
        return False


def runs_from_zero(net: Network, node: Node, letter: str, letters: dict[str, tuple[str, ...]]) -> bool:
    """Whether the free ``letter`` of ``node`` runs over a unit 0 here: its range starts at 0 in
    the forward pass and every symbol written with it has a unit 0 there (a family ``w_{j0}`` or a
    number ``x_0 = 1``).  PRML's ``\\frac{\\partial E}{\\partial w_{ji}} = \\delta_j x_i`` holds for
    ``i`` in ``0..D``; in ``\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k`` the ``j`` runs over the
    hidden units ``1..M`` only (no ``a_0``), though ``z_0 = 1`` is a unit of that range.

    >>> from symbp.engine.declare import declare
    >>> from symbp.latex.parser import parse_expression as p
    >>> net = declare([r"a_j = \\sum_{i=0}^{D} w_{ji} x_i", "x_0 = 1"])
    >>> [runs_from_zero(net, p(t), "i", {}) for t in (r"w_{ji} x_i", r"w_{ji} a_j x_i", "a_j")]
    [True, True, False]
    """
    rs = letters.get(letter) or net.letter_ranges(letter)
    if rs is None or len(rs) != 1 or rs[0] not in net.zero_ranges:
        return False
    seen = False
    for n in node.walk():
        if isinstance(n, Kron) and letter in n.letters:
            return True  # [i = k]: the unit 0 is checked, and is an error there (never a guess)
        if isinstance(n, Call) and any(letter in g for g in n.sub):
            return True
        if not isinstance(n, Sym) or letter not in n.letters:
            continue
        if n.name == "delta" or delta_label(n.name) is not None or (letter,) not in n.groups:
            return False
        at = unit_zero(n, letter)
        assert isinstance(at, Sym)
        axes = []
        for x in at.letters:
            r = letters.get(x) or net.letter_ranges(x)
            if r is None:
                return False
            axes.extend(r)
        key = (at.name, at.units, tuple(axes))
        if key not in net.constants and net.family(at.name, tuple(axes), at.units) is None:
            return False
        seen = True
    return seen


def unit_zero(node: Node, letter: str) -> Node:
    """``node`` at the unit 0 of the index ``letter``: ``w_{ji} x_i`` -> ``w_{j0} x_0`` (the first
    term of PRML's ``\\sum_{i=0}^{D}``).  Where ``letter`` is not a whole subscript group
    (``z_{i_l}``, a Kronecker delta ``[i = k]``, a per-unit function) there is no such reading:
    an error, never a guess.

    >>> from symbp.latex.parser import parse_expression as p
    >>> from symbp.latex.unparse import unparse
    >>> unparse(unit_zero(p(r"w_{ji} x_i"), "i"))
    'w_{j0} x_{0}'
    """
    from ..latex.edit import rename_free
    out = rename_free(node, letter, "0")
    for n in out.walk():
        bad = ((isinstance(n, Sym) and any("0" in g and len(g) > 1 for g in n.groups))
               or (isinstance(n, Kron) and "0" in n.letters)
               or (isinstance(n, Call) and any(letter in g for g in n.sub)))
        if bad:
            raise UnsupportedError(f"the unit 0 of {letter} cannot stand here", offset=n.pos,
                                   width=n.end - n.pos, hint=f"write the unit 0 apart from the sum over "
                                   f"1..D, with {letter} a whole subscript (w_{{j{letter}}})")
    return out


def _sub(sym: Sym) -> str:
    from ..notation import _groups_text
    return _groups_text(sym.groups)
