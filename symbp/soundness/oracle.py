"""An independent numeric oracle: the meaning of an equation by running a concrete network.

The checker's verdicts come from the chain rule in :mod:`symbp.engine.calculus` and the normal form of
:mod:`symbp.model.normal_form`.  This module shares *none* of that: it re-reads the network's forward
equations as ASTs, runs them in plain Python (complex numbers, one scalar at a time), and
evaluates each side of an equation directly from its AST:

* a quantity ``a_{j_l}`` is looked up in the forward pass;
* ``\\delta_j`` and every ``\\frac{\\partial X}{\\partial y}`` are **complex-step derivatives**:
  the forward pass is run again with ``y`` perturbed by ``i·10⁻³⁰``, and the imaginary part of
  ``X`` divided by the step is the derivative, exact to rounding (no subtraction, no truncation
  error for analytic functions);
* ``h``, ``h'`` are concrete analytic functions (``tanh``, ``softplus``, or the declared one);
  a per-unit function ``\\theta_h`` is a different one for every unit ``h`` (the concrete
  function, rescaled by the unit's number); ``\\exp``, ``\\log``, ``\\tanh`` are themselves, and
  ``\\max(0, x)`` is the ReLU (its own ``x`` on the positive side, ``0`` elsewhere), ``[x > 0]``
  its derivative;
* ``\\delta`` of a unit is the derivative by its pre-activation, which the oracle finds on its
  own in the forward ASTs (a sum of weight-times-quantity terms, plus a bias), whatever its
  letter, unless the file names the letter (``% symbp: delta z``);
  ``E`` is a concrete analytic function of the outputs with random targets (or the declared
  sum of squares).

Two sides that agree at several random networks, sizes and choices of ``h`` and ``E`` are taken
as *equivalent*; a difference anywhere means they are not.  An equation the oracle cannot give a
meaning (a quantity the network does not have, ``w_{jk}`` where it has ``w_{kj}``; an index
letter that runs over no range) is *ill-formed*; a sum over a letter its summand lacks is the
summand times the size of the range, and a letter free on one side only ranges over its values
on both (the side without it is the same for each), as for the checker.  The oracle is used by
:mod:`symbp.soundness.mutation` to classify generated mutants; it is a test instrument, not a checker
(it proves nothing for all sizes).

It shares no mutable state with the checker either, on purpose: no deadline of
:mod:`symbp.limits` (it never canonicalises: its work is bounded by the sizes it picks), no fresh
names of :mod:`symbp.engine.calculus`, not the network's ``cache`` (the checker's memo of
gradients): it keeps its own small copies of what it needs (the concrete functions, the size
plans, free letters and their readings, and :data:`_INSTANCES`, its instances per network), and
reads the network's declaration only.  ``tests/test_oracle_state.py`` runs it with the checker's
state poisoned.

>>> from symbp import builtin
>>> from symbp.latex.parser import parse_expression as p
>>> net = builtin("plain")
>>> compare(net, p(r"\\delta_j"), p(r"h'(a_j) \\sum_k w_{kj} \\delta_k"))
'equivalent'
>>> compare(net, p(r"\\delta_j"), p(r"h(a_j) \\sum_k w_{kj} \\delta_k"))
'different'
>>> compare(net, p(r"\\delta_j"), p(r"h'(a_j) \\sum_k w_{jk} \\delta_k"))
'ill-formed'
"""

from __future__ import annotations

import cmath
import itertools
import math
import random
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..latex.ast import Add, Call, Deriv, Div, Kron, Mul, Neg, Node, Num, Pow, RangeCond, SumOp, Sym
from ..latex.parser import parse_chain
from ..model.network import Network
from ..notation import is_shift, shift_terms

__all__ = ["EQUIVALENT", "DIFFERENT", "ILL_FORMED", "IllFormed", "Oracle", "compare"]

EQUIVALENT = "equivalent"
DIFFERENT = "different"
ILL_FORMED = "ill-formed"

STEP = 1e-30  # the complex step
RTOL = 1e-8


class IllFormed(Exception):
    """The oracle cannot give the expression a meaning (not a symbp error: a classification)."""


class NoUnitZero(IllFormed):
    """A quantity read at the unit 0 of a range that it does not have (``a_0`` where only the
    inputs and the weights of a sum from 0 have one)."""


def _tanh(x: complex, n: int) -> complex:
    t = cmath.tanh(x)
    return [t, 1 - t * t, -2 * t * (1 - t * t), (6 * t * t - 2) * (1 - t * t)][n]


def _sig(x: complex) -> complex:
    return 1 / (1 + cmath.exp(-x))


def _logistic(x: complex, n: int) -> complex:
    s = _sig(x)
    return [s, s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)][n]


def _softplus(x: complex, n: int) -> complex:
    return cmath.log(1 + cmath.exp(x)) if n == 0 else _logistic(x, n - 1)


def _identity(x: complex, n: int) -> complex:
    return [x, 1, 0, 0][n]


def _exp(x: complex, n: int) -> complex:
    return cmath.exp(x)


def _log(x: complex, n: int) -> complex:
    # ln|x| as an analytic function, (1/2) ln(x^2): its complex step never crosses the branch cut
    # at a negative x (ln' = 1/x on both sides of 0, as the checker's rule says)
    return 0.5 * cmath.log(x * x) if n == 0 else (-1) ** (n - 1) * math.factorial(n - 1) / x ** n


def _relu(x: complex, n: int) -> complex:
    # its own form: x on the positive side (the complex step included), 0 on the other; relu'(0) = 0
    if x.real > 0:
        return x if n == 0 else complex(1) if n == 1 else complex(0)
    return complex(0)


FUNCTIONS = {"tanh": _tanh, "softplus": _softplus, "logistic": _logistic, "sigmoid": _logistic,
             "identity": _identity, "relu": _relu,
             "exp": _exp, "log": _log, "ln": _log}


@dataclass
class _Def:
    name: str
    axes: tuple[str, ...]
    letters: tuple[str, ...]  # the left side's letters, composites expanded into their parts
    rhs: Node


@dataclass
class Oracle:
    """One concrete instance of ``net``: sizes, random inputs and weights, concrete ``h`` and ``E``.

    ``functions`` maps an undeclared function name to a concrete one (``tanh``, ``softplus``,
    ``logistic``); ``error`` is ``"squares"`` or ``"softplus"`` for an undeclared ``E``.
    """

    net: Network
    sizes: dict[str, int]
    seed: int = 0
    functions: dict[str, str] = field(default_factory=dict)
    error: str = "squares"
    #: ranges of letters the network does not declare (see :func:`infer`)
    letters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.leaves: dict[tuple, dict[tuple, complex]] = {}
        self.defs: dict[tuple, _Def] = {}
        used: set[tuple] = set()
        chains = [parse_chain(src, self.net.functions) for src in self.net.forward_latex]
        # E = \sum_n E_n (PRML 5.44): the error is the sum of the patterns' errors; each pattern
        # has inputs, targets and units of its own, the parameters are every pattern's
        self.pattern_letter = _pattern_letter(self.net)
        #: the average C = \\frac{1}{n} \\sum_x C_x (Nielsen): the number of patterns' letter, else None
        self.mean_size = _patterns_of(self.net)[1] if _is_mean(self.net) else None
        #: the number before that average (-1 in C = -\\frac{1}{n} \\sum_x C_x), read here apart
        self.mean_scale = _mean_scale(self.net)
        # the total E = \sum_n E_n is not a forward equation of one pattern (an error written as
        # a formula of the outputs, E = -\sum_k t_k \ln y_k, is)
        chains = [c for c in chains if not (self.pattern_letter and _is_total(self.net, *c.sides))]
        first = next(iter(self.sizes.values()), 2)
        self.patterns = (3 if first % 2 == 0 else 2) if self.pattern_letter else 1
        self.pattern = 0  # the pattern whose quantities are read
        self._read_units(chains)
        for chain in chains:
            lhs, rhs = chain.sides
            assert isinstance(lhs, Sym)
            if any(g == ("0",) for g in lhs.groups):  # x_0 = 1: read in _read_units
                continue
            key = self._family(lhs)
            letters = tuple(p for x in lhs.letters for p in self.net.composites.get(x, (x,)))
            self.defs[key] = _Def(lhs.name, key[1], letters, rhs)
            for n in rhs.walk():
                if isinstance(n, Sym) and n.groups and ("0",) not in n.groups and not n.shifted:
                    used.add(self._family(n))
        self._plain_keys = set(used)
        for src in self.net.forward_latex:  # a family read only at shifted positions (x_{j+m-1})
            for n in parse_chain(src, self.net.functions).sides[1].walk():
                if isinstance(n, Sym) and n.groups and ("0",) not in n.groups and n.shifted:
                    used.add(self._family(n))
        self.outputs = sorted(k for k in self.defs if k not in used)
        self._read_roles()
        self._passes: dict[tuple | None, dict[tuple, dict[tuple, complex]]] = {}
        self._perturb: tuple | None = None
        # each symbol's family, once the roles are read (by id, holding the symbol and the letters
        # it was read under: a comparison that sets other letters reads them anew)
        self._families: dict[int, tuple[Sym, dict, tuple]] = {}

    def _read_units(self, chains: list) -> None:  # noqa: ANN001
        """The units 0 of the forward pass, read from its ASTs: a sum from 0 (``\\sum_{i=0}^{D}``)
        runs its letter over the point ``-1`` (the unit 0) and ``0..D-1`` (the units ``1..D``), so
        its summand's quantities have a unit 0; ``w_{j0}`` written out has one; ``x_0 = 1`` pins
        one to a number."""
        self.zero_ranges: set[str] = set()
        self.zero_slots: set[tuple] = set()  # (family key, slot) that have a unit 0
        self.pinned: dict[tuple, complex] = {}  # (family key, point) -> number
        self._shapes: dict[str, set[tuple]] = {}  # name -> the axes it is written with
        for chain in chains:
            for side in chain.sides:
                for n in side.walk():
                    if isinstance(n, Sym) and n.groups and all(len(g) == 1 and g != ("0",) for g in n.groups):
                        try:
                            self._shapes.setdefault(n.name, set()).add(
                                tuple(r for x in n.letters for r in self.ranges(x)))
                        except IllFormed:
                            pass
        for chain in chains:
            lhs, rhs = chain.sides
            for n in rhs.walk():
                if (isinstance(n, SumOp) and isinstance(n.lower, Num) and n.lower.value == 0
                        and isinstance(n.upper, Sym) and not n.upper.groups
                        and self.net.letter_ranges(n.index) == (n.upper.name,)):
                    self.zero_ranges.add(n.upper.name)
        for chain in chains:
            lhs, rhs = chain.sides
            for n in rhs.walk():
                if isinstance(n, SumOp) and self._sums_zero(n):
                    for m in n.body.walk():
                        if isinstance(m, Sym) and (n.index,) in m.groups and m.name != "delta":
                            key = self._family(m)
                            self.zero_slots.update((key, p) for p, g in enumerate(m.groups)
                                                   if g == (n.index,))
                elif isinstance(n, Sym) and ("0",) in n.groups:
                    key, point = self._unit_key(n, {})
                    self.zero_slots.update((key, p) for p, v in enumerate(point) if v == -1)
            if isinstance(lhs, Sym) and ("0",) in lhs.groups:
                value = rhs.value if isinstance(rhs, Num) else (
                    -rhs.arg.value if isinstance(rhs, Neg) and isinstance(rhs.arg, Num) else None)
                if value is None:
                    raise IllFormed("a unit 0 defined by something else than a number")
                key, point = self._unit_key(lhs, {})
                self.pinned[(key, point)] = complex(value)

    def has_unit_zero(self, nodes: tuple[Node, ...], letter: str) -> bool:
        """Whether a free letter runs over the unit 0 in these sides: every quantity written with
        it (outside a sum over it) has a unit 0 there; in ``\\delta_j = h'(a_j) \\sum_k w_{kj}
        \\delta_k`` the ``j`` does not (there is no ``a_0``), in ``\\delta_j x_i`` the ``i`` does."""
        seen = False

        def walk(n: Node) -> bool:
            nonlocal seen
            if isinstance(n, SumOp) and n.index == letter:
                return True
            if isinstance(n, Sym) and letter in n.letters:
                if n.name == "delta" or n.name.startswith("delta^") or (letter,) not in n.groups:
                    return False
                if any(len(g) != 1 for g in n.groups):
                    return False
                key = self._unit_key(n, {})[0] if ("0",) in n.groups else self._family(n)
                slots = [p for p, g in enumerate(n.groups) if g == (letter,)]
                pinned = any(k == key and all(pt[p] == -1 for p in slots) for k, pt in self.pinned)
                if not pinned and not all((key, p) in self.zero_slots for p in slots):
                    return False
                seen = True
            return all(walk(c) for c in n.children())

        try:
            return all(walk(n) for n in nodes) and seen
        except IllFormed:
            return False

    def _sums_zero(self, node: SumOp) -> bool:
        """Whether a sum runs over the unit 0 of its letter: from 0 to the size, or without
        bounds over a range that a forward sum runs from 0."""
        rs = self.ranges(node.index)
        if len(rs) != 1 or rs[0] not in getattr(self, "zero_ranges", ()):
            return False
        if node.lower is None and node.upper is None:
            return True
        return (isinstance(node.lower, Num) and node.lower.value == 0 and isinstance(node.upper, Sym)
                and node.upper.name == rs[0] and not node.upper.groups)

    def _unit_key(self, sym: Sym, env: dict) -> tuple[tuple, tuple[int, ...]]:
        """The family and point of a symbol written with the unit 0 (``w_{j0}``: ``w`` over
        ``(J, D)`` at ``(j, -1)``): the one way the forward pass writes that name with letters in
        the other slots."""
        if not all(len(g) == 1 for g in sym.groups):
            raise IllFormed("a unit 0 beside a nested subscript")
        known = [None if g == ("0",) else self.ranges(g[0]) for g in sym.groups]
        fits = [axes for axes in self._shapes.get(sym.name, ()) if len(axes) == len(known)
                and all(k is None or k == (a,) for k, a in zip(known, axes))]
        if len(fits) != 1:
            raise NoUnitZero(f"{sym.name}: no unit 0 of that name in the forward pass")
        point = tuple(-1 if g == ("0",) else (env[g[0]][0] if env else 0) for g in sym.groups)
        return (sym.name, fits[0]), point

    def _read_roles(self) -> None:
        """The pre-activations, from the forward ASTs: sums of terms ``w x`` (a weight, a parameter
        or a quantity nothing defines, times anything) and biases; the letter of ``\\delta`` from
        them (those that feed a function, where the letters are several)."""
        params = self.net.param_names

        def param(n: Node) -> bool:  # w, or a layer's w^{(1)}
            return isinstance(n, Sym) and n.name.partition("^")[0] in params

        def leaf(n: Node) -> bool:
            return isinstance(n, Sym) and (param(n) or self._family(n) not in self.defs)

        def terms(n: Node) -> list[Node]:
            while isinstance(n, (SumOp, Neg)):
                n = n.body if isinstance(n, SumOp) else n.arg
            if isinstance(n, Add):
                return [t for x in n.terms for t in terms(x)]
            return [n]

        def weighted(rhs: Node) -> bool:
            ts, mixed = terms(rhs), False
            for t in ts:
                fs = list(t.factors) if isinstance(t, Mul) else [t]
                if len(fs) == 1 and param(fs[0]):
                    continue
                if len(fs) != 2 or not all(isinstance(f, (Sym, Call)) for f in fs) or not any(map(leaf, fs)):
                    return False
                mixed = True
            return mixed

        self.unit_functions = {n.name for d in self.defs.values() for n in d.rhs.walk()
                               if isinstance(n, Call) and n.sub}
        # the error, where the forward pass defines it (-\\sum_k t_k \\ln y_k), is no pre-activation
        self.pre = {k for k, d in self.defs.items() if weighted(d.rhs) and k != (self.net.error_name, ())}
        fed = {self._family(d.rhs.arg) for d in self.defs.values()
               if isinstance(d.rhs, Call) and isinstance(d.rhs.arg, Sym) and d.rhs.arg.groups}
        names = {k[0] for k in self.pre}
        if len(names) > 1:
            names = {k[0] for k in self.pre & fed} or names
        others = {k[0] for k in self.defs if k not in self.pre}
        self.delta_name = self.net.delta_declared or (
            next(iter(names)) if len(names) == 1 and not names & others else None)

    # -- letters and families
    def ranges(self, letter: str) -> tuple[str, ...]:
        r = self.net.letter_ranges(letter) or self.letters.get(letter)
        if r is None:
            raise IllFormed(f"the index {letter} runs over no range of the network")
        return r

    def _family(self, sym: Sym) -> tuple:
        memo = self.__dict__.get("_families")
        if memo is not None:
            hit = memo.get(id(sym))
            if hit is not None and hit[0] is sym and hit[1] is self.letters:
                return hit[2]
        fam = self._read_family(sym)
        if memo is not None:
            memo[id(sym)] = (sym, self.letters, fam)
        return fam

    def _read_family(self, sym: Sym) -> tuple:
        if sym.shifted:
            axes = self._shifted_axes(sym)
            if sym.name == "delta":
                fits = [k for k in getattr(self, "pre", ()) if k[1] == axes]
                if len(fits) != 1:
                    raise IllFormed(f"no delta over {axes}")
                return fits[0]
            return (sym.name, axes)
        axes = tuple(r for x in sym.letters for r in self.ranges(x))
        if sym.name.startswith("delta^"):  # δ^{(2)}_j: the weighted sum of layer (2) over j's range
            label = sym.name[5:]
            if self.net.delta_declared:
                return (self.net.delta_declared + label, axes)
            fits = [k for k in getattr(self, "pre", ()) if k[1] == axes and k[0].endswith(label)]
            if len(fits) != 1:
                raise IllFormed(f"no delta{label} over {axes}")
            return fits[0]
        if sym.name != "delta":
            return (sym.name, axes)
        name = getattr(self, "delta_name", None)
        if name is not None and (self.net.delta_declared or self.exists((name, axes))):
            return (name, axes)
        fits = [k for k in getattr(self, "pre", ()) if k[1] == axes]  # a unit named otherwise
        if not fits and name is not None:
            return (name, axes)
        if len(fits) != 1:
            raise IllFormed(f"no delta over {axes}: the pre-activations do not say which")
        return fits[0]

    def _written(self, name: str) -> bool:
        """Whether the forward pass writes a quantity of this name (a leaf or a defined family)."""
        return name in self._shapes or any(k[0] == name for k in self.defs)

    def _shifted_axes(self, sym: Sym) -> tuple[str, ...]:
        """The ranges of a symbol with shifted positions (``x_{j+m-1}``): a plain slot's from its
        letter; a shifted slot's is the one of the family of that name whose other slots fit,
        known from a plain use in the forward pass, or else the size its positions span
        (``1..J+M-1`` is ``I`` where the file relates ``I = J + M - 1``), worked out here."""
        slots: list[str | None] = []
        for x in sym.slots:
            if is_shift(x):
                slots.append(None)
            else:
                slots.extend(self.ranges(x))
        name = getattr(self, "delta_name", None) if sym.name == "delta" else sym.name
        known = {k for k in self.defs} | getattr(self, "_plain_keys", set())
        fits = [k[1] for k in known if k[0] == name and len(k[1]) == len(slots)
                and all(r is None or r == a for r, a in zip(slots, k[1]))]
        if sym.name == "delta" and not fits:  # another pre-activation where the letter of delta has none
            fits += [k[1] for k in getattr(self, "pre", ()) if len(k[1]) == len(slots) and k[1] not in fits
                     and all(r is None or r == a for r, a in zip(slots, k[1]))]
        if len(fits) > 1:  # z_{i+1} with layers z_i and z_j: a shift stays in its letters' layer
            entries = [x for x in sym.slots]
            own = [f for f in fits if all(r is not None or {self.ranges(y) for y, _ in shift_terms(e)[0]
                                                             if not y[:1].isupper()}
                                          == {(a,)} for r, a, e in zip(slots, f, entries))]
            fits = own or fits
        if len(fits) == 1:
            return fits[0]
        if fits:
            raise IllFormed(f"{sym.name}: a shifted position that fits several families")
        out = []
        for r, x in zip(slots, sym.slots):
            out.append(r if r is not None else self._span(x))
        return tuple(out)

    def _span(self, entry: str) -> str:
        """The size ``S`` with ``1..S`` exactly the positions ``entry`` takes over its letters."""
        terms, const = shift_terms(entry)
        if any("*" in y or y.startswith("{") for y, _ in terms):
            return self._strided_span(entry, terms, const)
        lo: dict[str, int] = {}
        hi: dict[str, int] = {}
        lo_c = hi_c = const
        for x, c in terms:  # a size (M in j-m+M) is in both; a letter 1..R at one end or the other
            if x[:1].isupper():
                lo[x], hi[x] = lo.get(x, 0) + c, hi.get(x, 0) + c
                continue
            (r,) = self.ranges(x)
            if c > 0:
                lo_c += c
                hi[r] = hi.get(r, 0) + c
            else:
                hi_c += c
                lo[r] = lo.get(r, 0) + c

        def flat(lin: dict[str, int], k: int) -> tuple:
            out: dict[str, int] = {}
            for r, c in lin.items():
                if r in self.net.size_relations:
                    rel, rc = self.net.size_relations[r]
                    k += c * rc
                    for q, v in rel:
                        out[q] = out.get(q, 0) + c * v
                else:
                    out[r] = out.get(r, 0) + c
            return tuple(sorted((r, c) for r, c in out.items() if c)), k

        if flat(lo, lo_c) != ((), 1):
            raise IllFormed(f"the positions of {entry} do not start at 1")
        target = flat(hi, hi_c)
        found = [r for r in self.net.sizes if flat({r: 1}, 0) == target]
        if len(found) != 1:
            raise IllFormed(f"no size spans the positions of {entry}")
        return found[0]

    def _strided_span(self, entry: str, terms: tuple, const: int) -> str:
        """The size spanned by a position with a stride (``s(j-1)+m``), found by running through
        its positions at each of the oracle's size plans: the one size that is, at every plan,
        the greatest position, the least being 1."""
        found = None
        for plan in _plans(self.net):
            letters = [y.split("*")[-1] for y, _ in terms if not _is_size_term(y)]
            ranges = {y: self.ranges(y) for y in dict.fromkeys(letters)}
            if any(len(r) != 1 for r in ranges.values()):
                raise IllFormed(f"a composite index in {entry}")
            vals = []
            for point in itertools.product(*(range(1, plan[r[0]] + 1) for r in ranges.values())):
                env = dict(zip(ranges, point))
                vals.append(const + sum(c * _term_at(y, env, plan) for y, c in terms))
            here = {r for r in plan if vals and min(vals) == 1 and max(vals) == plan[r]}
            found = here if found is None else found & here
        if not found or len(found) != 1:
            raise IllFormed(f"no size spans the positions of {entry}")
        return found.pop()

    def _is_error(self, sym: Sym) -> bool:
        """``E``, or one pattern's ``E_n``: the error's name with letters that are no index."""
        return sym.name == self.net.error_name and all(
            self.net.letter_ranges(x) is None and x not in self.letters for x in sym.letters)

    def exists(self, key: tuple) -> bool:
        if key in self.defs:
            return True
        return any(n.groups and self._family(n) == key
                   for d in self.defs.values() for n in d.rhs.walk() if isinstance(n, Sym)) or (
            self.net.error_kind is not None and key[0] == "t"
            and any(o[1] == key[1] for o in self.outputs))

    def _root(self, key: tuple) -> tuple:
        """Through copies and single functions (``y = a``, ``z = h(a)``) to the quantity below."""
        for _ in range(len(self.defs) + 1):
            d = self.defs.get(key)
            rhs = d.rhs.arg if d is not None and isinstance(d.rhs, Call) else d.rhs if d else None
            if not isinstance(rhs, Sym) or not rhs.groups:
                return key
            key = self._family(rhs)
        return key

    def _points(self, axes: tuple[str, ...]) -> Iterator[tuple[int, ...]]:
        return itertools.product(*(range(self.sizes[r]) for r in axes))

    # -- the forward pass, possibly with one entry perturbed by i * STEP
    def value(self, key: tuple, idx: tuple[int, ...]) -> complex:
        if -1 in idx:
            if (key, idx) in self.pinned:
                return self.pinned[(key, idx)]
            if self.net.padding == "zero" and len(idx) == len(key[1]) and not any(
                    (key, k) in self.zero_slots for k, v in enumerate(idx) if v == -1):
                return complex(0)  # position 0 of a range 1..R (x_{j-m+1}), not a unit 0: padding
            if key in self.defs or not all((key, k) in self.zero_slots for k, v in enumerate(idx) if v == -1):
                raise NoUnitZero(f"{key[0]} has no unit 0 there")
        values = self._passes.setdefault((self._perturb, self.pattern), {})
        fam = values.get(key)
        if fam is None:
            fam = values[key] = self._compute(key)
        if idx not in fam:  # a position outside the family's range: 0 under zero padding
            if self.net.padding == "zero" and len(idx) == len(key[1]):
                return complex(0)
            raise IllFormed(f"{key[0]} read outside its range, at {idx}")
        return fam[idx]

    def _compute(self, key: tuple) -> dict[tuple, complex]:
        d = self.defs.get(key)
        if d is None:
            if not self.exists(key):
                raise IllFormed(f"the network has no quantity {key[0]} over {key[1]}")
            param = key[0].partition("^")[0] in self.net.param_names
            lk = key if param or self.patterns == 1 else (*key, self.pattern)  # a pattern's own inputs
            if lk not in self.leaves:
                scale = 0.8 if param else 1.0
                self.leaves[lk] = {p: complex(self.rng.gauss(0.0, scale)) for p in self._points(key[1])}
                zero = [k for k in range(len(key[1])) if (key, k) in self.zero_slots]
                for p in itertools.product(*(([-1] if k in zero else []) + list(range(self.sizes[r]))
                                             for k, r in enumerate(key[1]))):
                    if -1 in p:  # the unit 0 of a sum from 0, or w_{j0} written out
                        self.leaves[lk][p] = complex(self.rng.gauss(0.0, scale))
                self._condition(key, lk)
            out = dict(self.leaves[lk])
        else:
            out = {}
            for p in self._points(key[1]):
                env = _env(self.net, d.letters, p)
                out[p] = self.evaluate(d.rhs, env)
        if self._perturb is not None and self._perturb[0] == key and self._perturb[2] in (None, self.pattern):
            out[self._perturb[1]] += 1j * STEP
        return out

    def total_loss(self) -> complex:
        """``E = \\sum_n E_n``: the patterns' errors summed (one pattern without the declaration)."""
        keep, out = self.pattern, complex(0)
        try:
            for p in range(self.patterns):
                self.pattern = p
                out += self.loss()
        finally:
            self.pattern = keep
        return out * self.mean_scale / self.patterns if self.mean_size else out

    def loss(self) -> complex:
        # one value per forward pass (as the pass's quantities are: ``value``), kept with them
        memo = self._passes.setdefault((self._perturb, self.pattern), {})
        if _LOSS in memo:
            return memo[_LOSS]  # type: ignore[return-value]
        memo[_LOSS] = out = self._loss()  # type: ignore[assignment]
        return out

    def _loss(self) -> complex:
        own = (self.net.error_name, ())
        if own in self.defs:  # the error as a forward equation: E = -\sum_k t_k \ln y_k
            return self.value(own, ())
        total: complex = 0
        for o in self.outputs:
            for p in self._points(o[1]):
                y = self.value(o, p)
                if self.net.error_kind is not None:
                    total += 0.5 * (y - self.value(("t", o[1]), p)) ** 2
                elif self.error == "squares":
                    total += 0.5 * (y - self._target(o, p)) ** 2
                else:  # a non-quadratic, non-separable E
                    total += _softplus(y, 0) - self._target(o, p) * y
                    total += 0.1 * y * self.value(o, tuple(0 for _ in p))
        return total

    def _condition(self, key: tuple, lk: tuple | None = None) -> None:
        """Targets the file declares to sum to 1 (``% symbp: targets t sum to 1``, ``one-hot``):
        drawn so (a softmax of the draws; the largest draw's class), stored under ``lk`` (a
        pattern's own leaves) or ``key``."""
        cond = next((c for f, c in self.net.conditions.items()
                     if (self.net.families[f].name, self.net.families[f].axes) == key), None)
        if cond is None:
            return
        lk = key if lk is None else lk
        vals = self.leaves[lk]
        if cond == "one-hot":
            top = max(vals, key=lambda p: vals[p].real)
            self.leaves[lk] = {p: complex(p == top) for p in vals}
        else:
            e = {p: math.exp(v.real) for p, v in vals.items()}
            s = sum(e.values())
            self.leaves[lk] = {p: complex(v / s) for p, v in e.items()}

    def _target(self, o: tuple, p: tuple) -> complex:
        key = ("#target", o[1]) if self.patterns == 1 else ("#target", o[1], self.pattern)
        if key not in self.leaves:
            self.leaves[key] = {q: complex(self.rng.gauss(0.0, 1.0)) for q in self._points(o[1])}
        return self.leaves[key][p]

    def derivative(self, of: Node, key: tuple, idx: tuple[int, ...], env: dict) -> complex:
        """``∂ of / ∂ key[idx]`` by one complex step through the whole forward pass."""
        if self._perturb is not None:
            raise IllFormed("a derivative inside a derivative (the oracle takes one complex step)")
        self.value(key, idx)  # the variable must exist
        if (key, idx) in self.pinned:
            raise IllFormed("a derivative by a number (x_0 = 1)")
        if any(not (0 <= v < self.sizes[r] or (v == -1 and (key, k) in self.zero_slots))
               for k, (v, r) in enumerate(zip(idx, key[1]))):
            return complex(0)  # outside its range under zero padding: a constant 0
        if self._root(key) != key:  # d/dz_j of an expression in a_j, where z_j = h(a_j): which?
            for n in of.walk():
                if (isinstance(n, Sym) and n.groups and n.name != "delta"
                        and self._family(n) != key and self._root(self._family(n)) == self._root(key)):
                    raise IllFormed(f"a derivative with respect to {key[0]} of an expression in "
                                    f"{n.name}, of which {key[0]} is a function: ambiguous")
        param = key[0].partition("^")[0] in self.net.param_names
        self._perturb = (key, idx, None if param else self.pattern)  # a unit of this pattern only
        try:
            v = self.evaluate(of, env)
        finally:
            self._perturb = None
        return complex(v.imag / STEP)

    # -- expressions
    def evaluate(self, node: Node, env: dict[str, tuple[int, ...]]) -> complex:
        if isinstance(node, Num):
            return complex(node.value)
        if isinstance(node, Sym):
            if self._is_error(node):
                if self.patterns > 1 and not node.groups:
                    return self.total_loss()
                if self.patterns > 1 and node.letters != (self.pattern_letter,):
                    raise IllFormed("the error of which pattern?")
                return self.loss()
            if node.name in self.net.functions and node.name not in {k[0] for k in self.defs}:
                raise IllFormed(f"{node.name} is a function, not a number")
            if not node.groups:
                if node.name in self.sizes:
                    return complex(self.sizes[node.name])
                if self.mean_size is not None and node.name == self.mean_size:
                    return complex(self.patterns)  # the n of \\frac{1}{n} \\sum_x
                if self.pattern_letter and node.name == _patterns_of(self.net)[1]:
                    return complex(self.patterns)  # N, the number of patterns it runs
                raise IllFormed(f"{node.name} is neither a quantity nor a size")
            if (node.name == "delta" and node.shifted and len(node.groups) == 2
                    and all(len(g) == 1 for g in node.groups) and not any(
                        len(k[1]) == 2 for k in self.defs
                        if k[0] == self.delta_name or k in self.pre or k in self.outputs)):
                # \delta_{i, j+m-1} where no \delta has two indices: Kronecker's [i = j+m-1]
                return self._shifted_kron(Kron(node.pos, node.end, node.groups[0], node.groups[1]), env)
            if ("0",) in node.groups:
                if node.name == "delta" or node.name.startswith("delta^"):
                    raise NoUnitZero("no delta of a unit 0")
                return self.value(*self._unit_key(node, env))
            idx = self._index(node, env)
            if node.name == "I" and len(node.groups) == 2 and all(len(g) == 1 for g in node.groups) \
                    and not any(k[0] == "I" for k in self.defs) and not self._written("I"):
                ra, rb = (self.ranges(x) for x in node.letters)  # I_{kl}: the identity's entries
                if ra != rb or len(ra) != 1:
                    raise IllFormed("the identity over two ranges")
                return complex(1 if idx[0] == idx[1] else 0)
            if node.name == "delta" and len(node.letters) == 2 and (
                    all(len(g) == 1 for g in node.groups) or len(node.groups) == 1):
                kron = self._kronecker(node, idx)
                if kron is not None:
                    return kron
            key = self._family(node)
            if node.name == "delta" or node.name.startswith("delta^"):
                if not (key[0] == self.delta_name or key in self.pre or key in self.outputs) \
                        or not self.exists(key):
                    raise IllFormed(f"no delta over {key[1]}")
                # one pattern's error where the total is their average (Nielsen's \delta^L = a^L - y
                # beside C = \frac{1}{n} \sum_x C_x: \partial C_x / \partial z^L, as the checker reads
                # it); of the sum E = \sum_n E_n the two are one
                groups = ((self.pattern_letter,),) if self.mean_size is not None else ()
                return self.derivative(Sym(0, 0, self.net.error_name, groups), key, idx, env)
            return self.value(key, idx)
        if isinstance(node, Call):
            kind = (("relu" if node.name == "max" else None)  # \max(0, x) and [x > 0]: its own reading
                    or self.net.activations.get(node.name)
                    or (node.name if node.name in ("exp", "log", "ln") else None)
                    or self.functions.get(node.name, "tanh"))
            if node.order > 3:
                raise IllFormed("a derivative of order above 3")
            x = self.evaluate(node.arg, env)
            unit = node.sub or (node.arg.groups if node.name in self.unit_functions
                                and isinstance(node.arg, Sym) else ())  # θ'(a_h) for θ_h'(a_h)
            if unit:  # θ_h: one function per unit, θ_h(x) = f(c x) / c with c from h's number
                c = 1 + 0.25 * sum(self._index(Sym(node.pos, node.end, "_", unit), env))
                return FUNCTIONS[kind](c * x, node.order) * c ** (node.order - 1)
            return FUNCTIONS[kind](x, node.order)
        if isinstance(node, Kron) and any(is_shift(x) for x in node.left + node.right):
            return self._shifted_kron(node, env)
        if isinstance(node, Kron):  # [j = k]: Iverson's bracket, both sides over one range
            sides = []
            for group in (node.left, node.right):
                rs, pt = [], []
                for x in group:
                    if x not in env:
                        raise IllFormed(f"the index {x} is neither free nor summed")
                    rs.extend(self.ranges(x))
                    pt.extend(env[x])
                sides.append((rs, pt))
            if sides[0][0] != sides[1][0]:
                raise IllFormed("a Kronecker delta over two ranges")
            return complex(1 if sides[0][1] == sides[1][1] else 0)
        if isinstance(node, RangeCond):
            if is_shift(node.entry):
                terms, const = shift_terms(node.entry)
            else:
                terms, const = ((node.entry, 1),), 0
            pos = const
            for y, c in terms:
                if y[:1].isupper() and y in self.sizes:  # a size: M in [1 <= i+m-M <= J]
                    pos += c * self.sizes[y]
                    continue
                if _is_size_term(y) or "*" in y:  # a stride: s, or s times an index
                    pos += c * self._strided(y, env)
                    continue
                if y not in env or len(env[y]) != 1:
                    raise IllFormed(f"the index {y} is neither free nor summed")
                pos += c * (env[y][0] + 1)
            if node.size not in self.sizes:
                raise IllFormed(f"{node.size} is no size")
            return complex(1 if 1 <= pos <= self.sizes[node.size] else 0)
        if isinstance(node, Neg):
            return -self.evaluate(node.arg, env)
        if isinstance(node, Add):
            return sum((self.evaluate(t, env) for t in node.terms), complex(0))
        if isinstance(node, Mul):
            # Iverson's brackets first: a range condition that fails is a strong zero (Knuth), so
            # the quantities it guards are not read outside their ranges
            conds = [f for f in node.factors if isinstance(f, RangeCond)]
            if any(self.evaluate(f, env) == 0 for f in conds):
                return complex(0)
            out = complex(1)
            for f in node.factors:
                if not isinstance(f, RangeCond):
                    out *= self.evaluate(f, env)
            return out
        if isinstance(node, Div):
            den = self.evaluate(node.den, env)
            if den == 0:
                raise IllFormed("division by zero")
            return self.evaluate(node.num, env) / den
        if isinstance(node, Pow):
            return self.evaluate(node.base, env) ** node.exp
        if isinstance(node, SumOp) and node.index == self.pattern_letter:
            if (node.lower is not None or node.upper is not None) and not (
                    isinstance(node.lower, Num) and node.lower.value == 1 and isinstance(node.upper, Sym)
                    and not node.upper.groups and node.upper.name == _patterns_of(self.net)[1]):
                raise IllFormed("a sum over part of the patterns")
            keep, total = self.pattern, complex(0)
            try:
                for p in range(self.patterns):
                    self.pattern = p
                    total += self.evaluate(node.body, {**env, node.index: (p,)})
            finally:
                self.pattern = keep
            return total
        if isinstance(node, SumOp):
            rs = self.ranges(node.index)
            zero = self._sums_zero(node)
            if (node.lower is not None or node.upper is not None) and not zero:
                # the notation sums over whole ranges: 1..N or 0..N-1 with N the range's own size,
                # written as such (not a number that happens to be equal at these sizes)
                if not (len(rs) == 1 and _whole(node, rs[0])):
                    raise IllFormed("a sum over part of a range")
            # a sum over a letter its summand lacks has a value (the summand, times the size): an
            # equation means its value, the index rules only explain
            total = complex(0)
            points = ([(-1,)] if zero else []) + list(self._points(rs))
            for p in points:  # a quantity without a unit 0 in a sum from 0: ill-formed
                total += self.evaluate(node.body, {**env, node.index: p})
            return total
        if isinstance(node, Deriv):
            wrt = node.wrt
            if wrt.name == "delta" or self._is_error(wrt) or not wrt.groups:
                raise IllFormed("a derivative with respect to something that is not a quantity")
            key, idx = self._unit_key(wrt, env) if ("0",) in wrt.groups else (self._family(wrt),
                                                                               self._index(wrt, env))
            inner = node.num if node.num is not None else node.body
            assert inner is not None
            if isinstance(inner, Sym) and inner.name in self.net.functions and inner.name not in {
                    k[0] for k in self.defs}:  # d h / d a_j: h' at a_j, where the forward pass applies h to a
                if not any(isinstance(d.rhs, Call) and d.rhs.name == inner.name and isinstance(d.rhs.arg, Sym)
                           and self._family(d.rhs.arg) == key for d in self.defs.values()):
                    raise IllFormed(f"{inner.name} is not applied to {key[0]}")
                return self.evaluate(Call(inner.pos, inner.end, inner.name, 1, wrt, inner.groups), env)
            return self.derivative(inner, key, idx, env)
        if isinstance(node, Kron) and any(is_shift(x) for x in node.left + node.right):
            return self._shifted_kron(node, env)
        if isinstance(node, Kron):  # Iverson's [j = j'] (the diagonal of \operatorname{diag})
            sides = []
            for group in (node.left, node.right):
                if any(x not in env for x in group):
                    raise IllFormed("a Kronecker delta's index is neither free nor summed")
                sides.append((sum((self.ranges(x) for x in group), ()), sum((env[x] for x in group), ())))
            if sides[0][0] != sides[1][0]:
                raise IllFormed("a Kronecker delta between two ranges")
            return complex(1 if sides[0][1] == sides[1][1] else 0)
        raise IllFormed(f"cannot evaluate {type(node).__name__}")

    def _shifted_kron(self, node: Kron, env: dict[str, tuple[int, ...]]) -> complex:
        """``[i = 2j+m-2]``: 1 where the two whole numbers are equal (each side one position)."""
        vals = []
        for group in (node.left, node.right):
            if len(group) != 1:
                raise IllFormed("a Kronecker delta with a shifted side has one position a side")
            x = group[0]
            if is_shift(x):
                terms, pos = shift_terms(x)
            else:
                terms, pos = ((x, 1),), 0
            for y, c in terms:
                if y[:1].isupper() and y in self.sizes:
                    pos += c * self.sizes[y]
                    continue
                if _is_size_term(y) or "*" in y:  # a stride: s, or s times an index
                    pos += c * self._strided(y, env)
                    continue
                if y not in env or len(env[y]) != 1:
                    raise IllFormed(f"the index {y} is neither free nor summed")
                pos += c * (env[y][0] + 1)
            vals.append(pos)
        return complex(1 if vals[0] == vals[1] else 0)

    def _strided(self, y: str, env: dict[str, tuple[int, ...]]) -> int:
        """The value of a stride's term at ``env`` (0-based letters): ``{s}`` or ``{s}*j``."""
        point = {}
        for part in y.split("*"):
            if not _is_size_term(part):
                if part not in env or len(env[part]) != 1:
                    raise IllFormed(f"the index {part} is neither free nor summed")
                point[part] = env[part][0] + 1
        try:
            return _term_at(y, point, self.sizes)
        except KeyError:
            raise IllFormed(f"the stride of {y} is no size of the network") from None

    def _kronecker(self, sym: Sym, idx: tuple[int, ...]) -> complex | None:
        """``\\delta_{kl}``: Kronecker's where both letters run over one range and the network
        has no ``\\delta`` over those two; ill-formed where it has one too."""
        ra, rb = (self.ranges(x) for x in sym.letters)
        if ra != rb or len(ra) != 1:
            return None
        axes = ra + rb
        try:
            is_delta = self.exists(self._family(sym))
        except IllFormed:
            is_delta = False
        if is_delta:
            raise IllFormed(f"\\delta over {axes}: Kronecker's or the network's")
        return complex(1 if idx[0] == idx[1] else 0)

    def _index(self, sym: Sym, env: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
        out: list[int] = []
        if sym.shifted:  # 0-based: position p (1-based) of a shifted slot is p - 1
            for x in sym.slots:
                if not is_shift(x):
                    if x not in env:
                        raise IllFormed(f"the index {x} is neither free nor summed")
                    out.extend(env[x])
                    continue
                terms, const = shift_terms(x)
                pos = const
                for y, c in terms:
                    if y[:1].isupper() and y in self.sizes:  # a size: M in x_{j-m+M}
                        pos += c * self.sizes[y]
                        continue
                    if _is_size_term(y) or "*" in y:  # a stride: s, or s times an index
                        pos += c * self._strided(y, env)
                        continue
                    if y not in env or len(env[y]) != 1:
                        raise IllFormed(f"the index {y} is neither free nor summed")
                    pos += c * (env[y][0] + 1)
                out.append(pos - 1)
            return tuple(out)
        for x in sym.letters:
            if x not in env:
                raise IllFormed(f"the index {x} is neither free nor summed")
            out.extend(env[x])
        return tuple(out)


def _env(net: Network, letters: tuple[str, ...], point: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    env = {x: (v,) for x, v in zip(letters, point)}
    for c, parts in net.composites.items():  # a composite letter m = j_l is (j, l)
        if all(p in env for p in parts):
            env[c] = tuple(env[p][0] for p in parts)
    return env


def free(node: Node, net: Network) -> set[str]:
    """The free index letters of an AST (plain scoping: a sum binds its letter in its body)."""
    if isinstance(node, Sym):
        if node.name == net.error_name and all(net.letter_ranges(x) is None for x in node.letters):
            return set()  # E_n: the error of one pattern
        return set(node.letters)
    if isinstance(node, (Kron, RangeCond)):
        return set(node.letters)
    if isinstance(node, SumOp):
        out = free(node.body, net) - {node.index}
        for b in (node.lower, node.upper):
            if b is not None:
                out |= free(b, net)
        return out
    out: set[str] = set()
    for c in node.children():
        out |= free(c, net)
    return out


def infer(net: Network, nodes: list[Node]) -> list[dict[str, tuple[str, ...]]]:
    """Readings of the letters the network does not declare (``\\sum_q w_{qj} \\delta_q``): the
    assignments of ranges under which every symbol written with them is a quantity of the
    network (``[{}]`` if there is none: such letters are then ill-formed)."""
    syms = [n for side in nodes for n in side.walk() if isinstance(n, Sym) and n.groups
            and not (n.name == net.error_name and all(net.letter_ranges(x) is None for x in n.letters))]
    sums = [n.index for side in nodes for n in side.walk() if isinstance(n, SumOp)]
    unknown = sorted({x for s in syms for x in s.letters} | set(sums))
    unknown = [x for x in unknown if net.letter_ranges(x) is None and x != _pattern_letter(net)]
    if not unknown or len(net.sizes) ** len(unknown) > 5000:
        return [{}]
    # a sum's upper bound that is a size pins its letter: \sum_{q=1}^{K} runs q over K
    bounds = {n.index: n.upper.name for side in nodes for n in side.walk()
              if isinstance(n, SumOp) and isinstance(n.upper, Sym) and not n.upper.groups
              and n.upper.name in net.sizes}
    probe = Oracle(net, {r: 1 for r in net.sizes})
    good = []
    for combo in itertools.product(net.sizes, repeat=len(unknown)):
        if any(bounds.get(x, r) != r for x, r in zip(unknown, combo)):
            continue
        probe.letters = {x: (r,) for x, r in zip(unknown, combo)}
        try:
            if all(probe.exists(probe._family(s)) for s in syms if set(s.letters) & set(unknown)):
                good.append(dict(probe.letters))
        except IllFormed:
            continue
    return good or [{}]


def _pattern_letter(net: Network) -> str | None:
    """The letter of the patterns, where a forward equation says ``E = \\sum_n E_n``."""
    return _patterns_of(net)[0]


def _is_mean(net: Network) -> bool:
    """Whether the total error is the average ``C = \\frac{1}{n} \\sum_x C_x`` (read here, apart)."""
    for src in net.forward_latex:
        lhs, rhs = parse_chain(src, net.functions).sides
        if _average(rhs) is not None and isinstance(lhs, Sym) and lhs.name == net.error_name:
            return True
    return False


def _average(node: Node) -> tuple[str, SumOp] | None:
    """``(n, S)`` for ``\\frac{1}{n} S``, ``S`` a sum, or a number times it (:func:`_scaled_average`)."""
    found = _scaled_average(node)
    return None if found is None else found[:2]


def _scaled_average(node: Node) -> tuple[str, SumOp, complex] | None:
    """``(n, S, c)`` for ``c \\frac{1}{n} S``: ``-\\frac{1}{n} S``, ``\\frac{a}{b n} S``,
    ``-\\frac{a}{b n} S``."""
    c = 1.0
    if isinstance(node, Neg):
        c, node = -1.0, node.arg
    if isinstance(node, Mul) and len(node.factors) == 2:
        inv, s = node.factors
        if isinstance(inv, Div) and isinstance(s, SumOp):
            num, den = inv.num, inv.den
            if isinstance(num, Neg):
                c, num = -c, num.arg
            if isinstance(den, Mul) and len(den.factors) == 2 and isinstance(den.factors[0], Num):
                c, den = c / float(den.factors[0].value), den.factors[1]
            if isinstance(num, Num) and num.value and isinstance(den, Sym) and not den.groups:
                return den.name, s, complex(c * float(num.value))
    return None


def _mean_scale(net: Network) -> complex:
    """The number before the average the forward pass writes (``-\\frac{1}{n} \\sum_x C_x``: -1), else 1."""
    for src in net.forward_latex:
        lhs, rhs = parse_chain(src, net.functions).sides
        if (avg := _scaled_average(rhs)) is not None and isinstance(lhs, Sym) and lhs.name == net.error_name:
            return avg[2]
    return complex(1)


def _is_total(net: Network, lhs: Node, rhs: Node) -> bool:
    """Whether ``lhs = rhs`` is the total ``E = \\sum_n E_n`` (``C = \\frac{1}{n} \\sum_x C_x``)."""
    if (avg := _average(rhs)) is not None:
        rhs = avg[1]
    return (isinstance(lhs, Sym) and lhs.name == net.error_name and not lhs.groups and isinstance(rhs, SumOp)
            and isinstance(rhs.body, Sym) and rhs.body.name == net.error_name
            and rhs.body.groups == ((rhs.index,),))


def _patterns_of(net: Network) -> tuple[str | None, str | None]:
    """The letter and the number (``N``, or the bound written; ``n`` of an average) of the patterns."""
    for src in net.forward_latex:
        lhs, rhs = parse_chain(src, net.functions).sides
        if (avg := _average(rhs)) is not None:
            size, rhs = avg
            if (isinstance(lhs, Sym) and lhs.name == net.error_name and not lhs.groups
                    and isinstance(rhs.body, Sym) and rhs.body.name == net.error_name
                    and rhs.body.groups == ((rhs.index,),)):
                return rhs.index, size
            continue
        if (isinstance(lhs, Sym) and lhs.name == net.error_name and not lhs.groups and isinstance(rhs, SumOp)
                and isinstance(rhs.body, Sym) and rhs.body.name == net.error_name
                and rhs.body.groups == ((rhs.index,),)):
            size = rhs.upper.name if isinstance(rhs.upper, Sym) else rhs.index.upper()
            return rhs.index, size
    return None, None


def _whole(node: SumOp, size: str) -> bool:
    lo, up = node.lower, node.upper
    if not isinstance(lo, Num):
        return False
    if lo.value == 1:
        return isinstance(up, Sym) and up.name == size and not up.groups
    return (lo.value == 0 and isinstance(up, Add) and len(up.terms) == 2 and isinstance(up.terms[0], Sym)
            and up.terms[0].name == size and not up.terms[0].groups and isinstance(up.terms[1], Neg)
            and isinstance(up.terms[1].arg, Num) and up.terms[1].arg.value == 1)


def _plans(net: Network) -> list[dict[str, int]]:
    """Three size plans: the first with all sizes distinct (no relation such as J = K holds),
    then small ones with a range of size 1."""
    rs = net.sizes
    plans = [{r: 2 + k for k, r in enumerate(rs)},
             {r: 3 - (k % 2) for k, r in enumerate(rs)},
             {r: 1 + ((k + 1) % 3) for k, r in enumerate(rs)}]
    if net.size_relations:  # sizes related to others: also two plans where they differ widely
        free = [r for r in rs if r not in net.size_relations]
        plans.append({r: 4 if k % 2 == 0 else 1 for k, r in enumerate(free)})
        plans.append({r: 1 if k % 2 == 0 else 4 for k, r in enumerate(free)})
    for p in plans:  # a size the file relates to others (I = J + M - 1), worked out here
        for d, (terms, const) in net.size_relations.items():
            p[d] = const + sum(c * math.prod(p[q] for q in r.split("*")) for r, c in terms)
    return plans


def _is_size_term(y: str) -> bool:
    """A size in a shifted position's text: a capital letter, or a stride in braces (``{s}``)."""
    return y[:1].isupper() or (y.startswith("{") and y.endswith("}"))


def _term_at(y: str, env: dict[str, int], sizes: dict[str, int]) -> int:
    """A term's value (without its coefficient) at 1-based letters ``env``: ``{s}*j`` is ``s j``."""
    out = 1
    for part in y.split("*"):
        if _is_size_term(part):
            out *= sizes[part.strip("{}")]
        else:
            out *= env[part]
    return out


#: where a forward pass's memo (``Oracle._passes``) keeps its loss: no family's key (a name and its axes)
_LOSS = ("#loss",)


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= RTOL * (1 + max(abs(a), abs(b)))


def compare(net: Network, lhs: Node, rhs: Node, seeds: tuple[int, ...] = (11, 12)) -> str:
    """``equivalent``, ``different`` or ``ill-formed``: both sides evaluated over every value of
    the union of their free letters, at three size plans (the first with distinct sizes, once;
    the two small ones at two seeds and, for undeclared ``h`` and ``E``, two concrete choices).
    An undeclared letter that fits several ranges is tried under each: the same answer under
    all of them is the answer, else ``ill-formed``.  A declared class label (CS231n's ``p_{y_i}``)
    means what the directive says: the sides are read through its one-hot target
    (:func:`symbp.engine.labels.read_labels`), which the oracle draws one-hot."""
    if net.class_labels:
        from ..engine.labels import read_in, uses_labels
        from ..errors import SymbpError
        from ..latex.ast import Chain
        chain = Chain((lhs, rhs), ("=",))
        if uses_labels(chain, net.class_labels):
            try:
                lhs, rhs = read_in(net, chain).sides
            except SymbpError:
                return ILL_FORMED
    answers = {_compare(net, lhs, rhs, seeds, reading) for reading in infer(net, [lhs, rhs])}
    return answers.pop() if len(answers) == 1 else ILL_FORMED


#: the oracle's own instances, per network (by id, while the network lives), so that forward passes
#: are reused across comparisons; the network's ``cache`` belongs to the checker
_INSTANCES: dict[int, tuple[weakref.ref, dict[tuple, Oracle]]] = {}


def _instances(net: Network) -> dict[tuple, Oracle]:
    entry = _INSTANCES.get(id(net))
    if entry is not None and entry[0]() is net:
        return entry[1]
    cache: dict[tuple, Oracle] = {}
    _INSTANCES[id(net)] = (weakref.ref(net), cache)
    weakref.finalize(net, _INSTANCES.pop, id(net), None)  # gone with the network
    return cache


def _compare(net: Network, lhs: Node, rhs: Node, seeds: tuple[int, ...],
             inferred: dict[str, tuple[str, ...]]) -> str:
    names = sorted(net.functions - set(net.activations))
    choices = [("tanh", "squares"), ("softplus", "softplus")]
    instances = _instances(net)
    try:
        letters = sorted(free(lhs, net) | free(rhs, net))
        for n, sizes in enumerate(_plans(net)):
            for seed in seeds if n else seeds[:1]:  # the first plan (distinct, larger sizes): once
                for k, (fn, err) in enumerate(choices if n else choices[:1]):
                    cycle = ["tanh", "softplus", "logistic"]
                    fns = {n: cycle[(cycle.index(fn) + i) % 3] for i, n in enumerate(names)}
                    key = ("oracle", tuple(sorted(sizes.items())), seed, k)
                    o = instances.get(key)
                    if o is None:  # one instance per network and plan: its forward passes are reused
                        # (a weak proxy: the table must not keep the network alive)
                        o = instances[key] = Oracle(weakref.proxy(net), sizes, seed * 10 + k, fns, err)
                    o.letters = inferred
                    axes = [o.ranges(x) for x in letters]
                    # a letter over a range that a forward sum runs from 0 is tried at the unit 0
                    # too; where a quantity written with it has none, it runs over 1..N only
                    values = [([(-1,)] if len(a) == 1 and a[0] in o.zero_ranges
                                and o.has_unit_zero((lhs, rhs), x) else []) + list(o._points(a))
                              for x, a in zip(letters, axes)]
                    for point in itertools.product(*values, range(o.patterns)):
                        o.pattern = point[-1]  # the pattern of the quantities outside a sum over them
                        env = {x: p for x, p in zip(letters, point)}
                        for c, parts in net.composites.items():
                            if c not in env and all(p in env for p in parts):
                                env[c] = tuple(env[p][0] for p in parts)
                        if not _close(o.evaluate(lhs, env), o.evaluate(rhs, env)):
                            return DIFFERENT
    except IllFormed:
        return ILL_FORMED
    except (OverflowError, ZeroDivisionError):
        return ILL_FORMED
    return EQUIVALENT


