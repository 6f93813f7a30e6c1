"""The value of an equation in a declared network at random points, without normal forms.

A cross-check, not a proof (:func:`symbp.checker.generic.check_generic` reads it): the forward
equations of a network (``forward_latex``, read as ASTs) are run over NumPy arrays at a random
point (random sizes, distinct for distinct ranges; random parameters and inputs; each undefined
function ``h`` a random analytic function ``c_0 \\tanh(c_1 x + c_2) + c_3 x``, a per-unit one
``\\theta_h`` a different one per unit; a declared activation itself; the error an analytic
function of the outputs that couples their units), and each side of the equation is evaluated
from its AST: a quantity is looked up, a sum is a sum over the axis of its letter, a product an
``einsum``; ``\\delta`` of a family and ``\\frac{\\partial E}{\\partial x}`` are **complex-step
derivatives** of the error, all of them in one batched forward pass (along a batch axis, an
entry per unit of every family, that unit perturbed by ``i 10^{-30}``): exact to rounding, no
subtraction.  Nothing of the chain rule of :mod:`symbp.engine.calculus` or of the normal forms
is used.

:func:`agrees` answers ``True`` (both sides agree at every point), ``False`` (they differ
somewhere) or ``None`` (something the evaluator does not read: then nothing is said, and the
caller checks symbolically).  It reads only what it is sure of: plain index letters of the
network's ranges, each family by its letters' ranges, ``\\delta`` of a pre-activation the
network names unambiguously, sums over a whole range, the functions above; a network with an
error of the catalogue, targets, patterns, conditions, composite or shifted indices, units 0,
strides or padding is not read (``None``).

The tolerance: ``|l - r| <= 1e-9 (1 + max(|l|, |r|))`` at every entry.  The values are of order 1
(weights and inputs in ``[-1, 1]``, widths at most 6, depth at most :data:`symbp.limits.MAX_UNROLL`),
the complex-step derivative has no cancellation, so two equal sides differ by rounding, a few
``1e-15`` relative per operation: ``1e-9`` leaves six orders of magnitude.  Two different
analytic functions of the random point agree only on a set of measure zero, and differ there by
amounts of the order of the values (about ``1e-2`` and more at these sizes): two points, with
different sizes and functions, make a coincidence negligible; and it decides nothing alone (a
verdict rests on a symbolic proof; a disagreement is decided symbolically).

Room ``symbp.engine``; imports NumPy, the AST and the parser (:mod:`symbp.latex`), the network
(:mod:`symbp.model.network`) and the catalogue's activations.

>>> from symbp.engine.declare import declare
>>> from symbp.latex.parser import parse_chain
>>> net = declare([r"z^{(1)}_j = \\sum_i w^{(1)}_{ji} x_i + b^{(1)}_j", r"a^{(1)}_j = \\sigma(z^{(1)}_j)",
...                r"z^{(2)}_k = \\sum_j w^{(2)}_{kj} a^{(1)}_j", r"a^{(2)}_k = \\sigma(z^{(2)}_k)"],
...               error="C")
>>> def p(text): return parse_chain(text, ("sigma",))
>>> agrees(net, p(r"\\delta^{(1)}_j = \\sum_k w^{(2)}_{kj} \\delta^{(2)}_k \\sigma'(z^{(1)}_j)"))
True
>>> agrees(net, p(r"\\delta^{(1)}_j = \\sum_k w^{(2)}_{kj} \\delta^{(2)}_k \\sigma(z^{(1)}_j)"))
False
>>> agrees(net, p(r"\\delta^{(1)}_j = \\sum_k w^{(2)}_{jk} \\delta^{(2)}_k"))  # no w^{(2)} over J, K
"""

from __future__ import annotations

from functools import lru_cache
from math import isfinite
from typing import Any

import numpy as np

from ..catalogue import ACTIVATIONS
from ..errors import SymbpError
from ..latex.ast import Add, Call, Chain, Deriv, Div, Kron, Mul, Neg, Node, Num, Pow, SumOp, Sym
from ..latex.parser import parse_chain
from ..model.network import Network

__all__ = ["RTOL", "SEEDS", "agrees"]

#: the relative tolerance (see the module docstring)
RTOL = 1e-9
#: the random points (each its own sizes, values and functions)
SEEDS = (7, 8)
STEP = 1e-30  # the complex step
_SMALL = 256  # entries up to which _close compares in Python
BATCH = "#"  # the batch axis of a complex-step pass: one perturbed unit per entry
#: the declared activations read as themselves (complex-safe NumPy forms)
_ANALYTIC = ("tanh", "logistic", "sigmoid", "identity", "exp")


class Cannot(Exception):
    """The evaluator does not read this (never an error: the caller checks symbolically)."""


class _T:
    """A labelled array: one axis per letter (``BATCH`` first where there is one)."""

    __slots__ = ("a", "l")

    def __init__(self, a: Any, letters: tuple[str, ...]) -> None:
        self.a, self.l = a, letters


def _align(t: _T, letters: tuple[str, ...], batch: int | None) -> Any:
    """``t``'s array with the axes ``letters`` (a missing batch axis broadcast)."""
    a = t.a
    have = t.l
    if BATCH in letters and BATCH not in have:
        a = np.broadcast_to(a, (batch,) + np.shape(a))
        have = (BATCH,) + have
    if have == letters:
        return a
    return np.transpose(a, [have.index(x) for x in letters])


class _Program:
    """A network's forward equations, read once: ``steps`` in order (the family defined, its
    letters, the right side), the leaves, the functions, the outputs."""

    def __init__(self, net: Network) -> None:
        if (net.error_kind is not None or net.targets or net.patterns or net.mean or net.conditions
                or net.class_labels or net.composites or net.zero_ranges or net.size_relations
                or net.strides or net.padding or net.constants):
            raise Cannot("a network of a kind the evaluator does not read")
        if any(f.units or any(g != 1 for g in f.grouping) for f in net.families):
            raise Cannot("a family with the unit 0 or a composite index")
        self.net = net
        self.memo: dict[tuple, Any] = {}
        self.functions = set(net.functions) | set(net.activations) | set(net.unit_functions)
        for kind in net.activations.values():
            if kind not in _ANALYTIC:
                raise Cannot(f"the activation {kind}")
        self.steps: list[tuple[int, tuple[str, ...], Node]] = []
        defined: set[int] = set()
        for text in net.forward_latex:
            chain = _parse(text, tuple(sorted(self.functions)))
            if chain is None:
                raise Cannot("a forward equation the parser does not read")
            if len(chain.sides) != 2 or chain.rels != ("=",) or not isinstance(chain.sides[0], Sym):
                raise Cannot("a forward equation that is not a definition")
            lhs = chain.sides[0]
            if lhs.name == net.error_name:
                raise Cannot("an error written as a forward equation")
            fam = self.family(lhs)
            if fam in defined:
                raise Cannot("a family defined twice")
            defined.add(fam)
            self.steps.append((fam, lhs.letters, chain.sides[1]))
        self.leaves = [f.id for f in net.families if f.id not in defined]
        self.outputs = list(net.outputs)
        if not self.outputs:
            raise Cannot("no outputs")
        self.ranges = sorted(set(net.ranges.values()))

    def family(self, sym: Sym) -> int:
        key = (sym.name, sym.groups)
        got = self.memo.get(key)
        if got is None:
            try:
                got = self._family(sym)
            except Cannot as exc:
                got = exc
            self.memo[key] = got
        if isinstance(got, Cannot):
            raise got
        return got

    def delta(self, sym: Sym) -> int:
        """The family a ``\\delta`` stands for (the one of its label over its letters' ranges)."""
        key = ("delta", sym.name, sym.groups)
        got = self.memo.get(key)
        if got is None:
            label = sym.name.partition("^")[2]
            axes = []
            for x in sym.letters:
                r = self.net.letter_ranges(x)
                if r is None or len(r) != 1 or sym.shifted or any(len(g) != 1 for g in sym.groups):
                    got = Cannot("a \\delta the evaluator does not read")
                    break
                axes.append(r[0])
            else:
                fams = [f for f in self.net.delta_families(label) if f.axes == tuple(axes)]
                got = (fams[0].id if len(fams) == 1 and len(set(sym.letters)) == len(sym.letters)
                       else Cannot("a \\delta of no family, or of several"))
            self.memo[key] = got
        if isinstance(got, Cannot):
            raise got
        return got

    def _family(self, sym: Sym) -> int:
        if sym.shifted or len(set(sym.letters)) != len(sym.slots) or any(len(g) != 1 for g in sym.groups):
            raise Cannot("a subscript the evaluator does not read")
        axes = []
        for x in sym.letters:
            r = self.net.letter_ranges(x)
            if r is None or len(r) != 1:
                raise Cannot(f"the letter {x}")
            axes.append(r[0])
        fam = self.net.family(sym.name, tuple(axes))
        if fam is None:
            raise Cannot(f"no family {sym.name} over {axes}")
        return fam.id


class _Point:
    """One random network: sizes, values, the functions, and the gradients computed so far."""

    def __init__(self, prog: _Program, seed: int) -> None:
        self.net = prog.net
        self.prog = prog
        rng = np.random.default_rng(seed)
        widths = rng.permutation(np.arange(2, 2 + max(len(prog.ranges), 4)))
        self.sizes = {r: int(w) for r, w in zip(prog.ranges, widths)}
        self.leaves = {f: rng.uniform(-1, 1, self.shape(f)) for f in prog.leaves}
        names = sorted(prog.functions)
        self.coeffs = {n: (rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5), rng.uniform(-0.5, 0.5),
                           rng.uniform(0.2, 0.6)) for n in names}
        self.unit_scale = {r: rng.uniform(0.6, 1.4, s) for r, s in self.sizes.items()}
        self.cost = [(rng.uniform(0.5, 1.5, self.shape(o)), rng.uniform(-1, 1, self.shape(o)),
                      rng.uniform(-1, 1, self.shape(o))) for o in prog.outputs]
        self.run()

    def shape(self, fam: int) -> tuple[int, ...]:
        return tuple(self.sizes[a] for a in self.net.families[fam].axes)

    # -- the forward pass

    def forward(self) -> dict[int, _T]:
        """Every family's value, batched: entry ``b`` of the batch axis has the one unit of one
        family that :attr:`slots` gives it perturbed by ``i STEP`` (where the family is computed,
        after its definition: the derivative by it holding its inputs fixed)."""
        net = self.net
        vals: dict[int, _T] = {}
        self.batch = self.total

        def put(fam: int, a: Any, letters: tuple[str, ...]) -> None:
            a = np.asarray(a)
            shape = (self.total,) + a.shape[a.ndim - len(letters):]
            a = np.array(np.broadcast_to(a, shape), dtype=complex)
            start, n = self.slots[fam]
            a.reshape(self.total, -1)[start:start + n] += 1j * STEP * np.eye(n)
            vals[fam] = _T(a, (BATCH,) + letters)

        for f in self.prog.leaves:
            put(f, self.leaves[f], net.families[f].letters)
        for fam, letters, rhs in self.prog.steps:
            t = self.eval(rhs, vals)
            if set(t.l) - {BATCH} != set(letters):
                raise Cannot("a forward equation whose sides have different letters")
            put(fam, _align(t, (BATCH,) + letters, self.batch), letters)
        return vals

    def error(self, vals: dict[int, _T]) -> Any:
        total = 0
        for o, (u, v, r) in zip(self.prog.outputs, self.cost):
            t = vals[o]
            x = _align(t, ((BATCH,) if BATCH in t.l else ()) + self.net.families[o].letters, self.batch)
            axes = tuple(range(x.ndim - u.ndim, x.ndim))
            total = total + (u * np.tanh(x + v)).sum(axis=axes) + 0.5 * ((r * x).sum(axis=axes)) ** 2
        return total

    def grad(self, fam: int) -> Any:
        """The complex-step derivative of the error by every unit of ``fam``: all families' at
        once, one batched forward pass (an entry per unit of every family), on the first call."""
        return self.grads[fam]

    def run(self) -> None:
        """The batched pass: every family's derivative, and (the real parts of its first entry:
        a perturbation of ``i STEP`` moves no real part) every family's value."""
        self.slots, start = {}, 0
        for f in self.net.families:
            n = int(np.prod(self.shape(f.id), dtype=int))
            self.slots[f.id] = (start, n)
            start += n
        self.total = start
        vals = self.forward()
        e = np.imag(self.error(vals)) / STEP
        self.batch = None
        self.grads = {f: e[a:a + n].reshape(self.shape(f)) for f, (a, n) in self.slots.items()}
        self.values = {f: _T(np.real(t.a[0]), t.l[1:]) for f, t in vals.items()}

    # -- an expression

    def fn(self, name: str, order: int, x: Any, sub: tuple, letters: tuple[str, ...]) -> Any:
        kind = self.net.activations.get(name)
        if kind is not None:
            if sub:
                raise Cannot("a per-unit activation of the catalogue")
            if order > 3:
                raise Cannot("a derivative of order above 3")
            return ACTIVATIONS[kind].numpy(x, order)
        if name not in self.coeffs or order > 3:
            raise Cannot(f"the function {name}")
        c0, c1, c2, c3 = self.coeffs[name]
        if sub:  # a per-unit function: a different one for every unit of its letter
            if len(sub) != 1 or len(sub[0]) != 1 or sub[0][0] not in letters:
                raise Cannot("a per-unit function of a letter its argument lacks")
            r = self.net.letter_ranges(sub[0][0])
            if r is None or len(r) != 1:
                raise Cannot("a per-unit function of an unknown letter")
            shape = [1] * len(letters)
            shape[letters.index(sub[0][0])] = -1
            c1 = c1 * self.unit_scale[r[0]].reshape(shape)
        t = np.tanh(c1 * x + c2)
        if order == 0:
            return c0 * t + c3 * x
        d = 1 - t * t
        if order == 1:
            return c0 * c1 * d + c3
        if order == 2:
            return c0 * c1 ** 2 * (-2 * t * d)
        return c0 * c1 ** 3 * (6 * t * t - 2) * d

    def sym(self, node: Sym, vals: dict[int, _T]) -> _T:
        name = node.name
        if name == "delta" or name.startswith("delta^"):
            return _T(self.grad(self.prog.delta(node)), node.letters)
        fam = self.prog.family(node)
        t = vals[fam]
        own = self.net.families[fam].letters
        order = ((BATCH,) if BATCH in t.l else ()) + own
        return _T(_align(t, order, self.batch), ((BATCH,) if BATCH in t.l else ()) + node.letters)

    def eval(self, node: Node, vals: dict[int, _T]) -> _T:
        if isinstance(node, Num):
            return _T(float(node.value), ())
        if isinstance(node, Sym):
            if node.name == self.net.error_name:
                raise Cannot("the error outside a derivative")
            return self.sym(node, vals)
        if isinstance(node, Mul):
            return self.product([self.eval(f, vals) for f in node.factors], ())
        if isinstance(node, SumOp):
            self.whole(node)
            if isinstance(node.body, Mul):
                parts = [self.eval(f, vals) for f in node.body.factors]
            else:
                parts = [self.eval(node.body, vals)]
            if not any(node.index in p.l for p in parts):
                raise Cannot("a sum over a letter its summand lacks")
            return self.product(parts, (node.index,))
        if isinstance(node, Add):
            terms = [self.eval(t, vals) for t in node.terms]
            return self.add(terms)
        if isinstance(node, Neg):
            t = self.eval(node.arg, vals)
            return _T(-t.a, t.l)
        if isinstance(node, Div):
            den = self.eval(node.den, vals)
            if set(den.l) - {BATCH}:
                raise Cannot("a quotient by an indexed expression")
            return self.product([self.eval(node.num, vals), _T(1 / den.a, den.l)], ())
        if isinstance(node, Pow):
            t = self.eval(node.base, vals)
            if not isinstance(node.exp, int):
                raise Cannot("a power that is not whole")
            return _T(t.a ** node.exp, t.l)
        if isinstance(node, Call):
            t = self.eval(node.arg, vals)
            return _T(self.fn(node.name, node.order, t.a, node.sub, t.l), t.l)
        if isinstance(node, Deriv):
            num = node.num
            if not (isinstance(num, Sym) and num.name == self.net.error_name and not num.groups
                    and isinstance(node.wrt, Sym) and node.body is None):
                raise Cannot("a derivative of something other than the error")
            fam = self.prog.family(node.wrt)
            return _T(self.grad(fam), node.wrt.letters)
        if isinstance(node, Kron):
            if len(node.left) != 1 or len(node.right) != 1 or node.left == node.right:
                raise Cannot("a Kronecker delta the evaluator does not read")
            x, y = node.left[0], node.right[0]
            rx, ry = self.net.letter_ranges(x), self.net.letter_ranges(y)
            if rx is None or rx != ry or len(rx) != 1:
                raise Cannot("a Kronecker delta across ranges")
            return _T(np.eye(self.sizes[rx[0]]), (x, y))
        raise Cannot(f"a {type(node).__name__}")

    def whole(self, node: SumOp) -> None:
        """A sum's bounds, where written, must be its letter's whole range ``1..N``."""
        if node.lower is None and node.upper is None:
            return
        r = self.net.letter_ranges(node.index)
        if not (r is not None and len(r) == 1 and isinstance(node.lower, Num) and node.lower.value == 1
                and isinstance(node.upper, Sym) and node.upper.name == r[0] and not node.upper.groups):
            raise Cannot("a sum over part of a range")

    def product(self, parts: list[_T], summed: tuple[str, ...]) -> _T:
        letters: list[str] = []
        for p in parts:
            for x in p.l:
                if x not in letters:
                    letters.append(x)
        if BATCH in letters:
            letters.remove(BATCH)
            letters.insert(0, BATCH)
        out = tuple(x for x in letters if x not in summed)
        if len(letters) > 50:
            raise Cannot("too many letters")
        code = {x: chr(97 + k) for k, x in enumerate(letters)}
        ops, subs = [], []
        for p in parts:
            ops.append(p.a)
            subs.append("".join(code[x] for x in p.l))
        spec = ",".join(subs) + "->" + "".join(code[x] for x in out)
        return _T(np.einsum(spec, *ops), out)

    def add(self, terms: list[_T]) -> _T:
        want = set(terms[0].l) - {BATCH}
        if any(set(t.l) - {BATCH} != want for t in terms):
            raise Cannot("a sum of terms with different letters")
        batch = any(BATCH in t.l for t in terms)
        order = ((BATCH,) if batch else ()) + tuple(x for x in terms[0].l if x != BATCH)
        total = 0
        for t in terms:
            total = total + _align(t, order, self.batch)
        return _T(total, order)


@lru_cache(maxsize=4096)
def _parse(text: str, functions: tuple[str, ...]) -> Chain | None:
    """A forward equation's AST (frozen, so shared: the unrolled networks of one template repeat
    their lower layers' equations), ``None`` where the parser does not read it."""
    try:
        return parse_chain(text, functions)
    except SymbpError:
        return None


def _program(net: Network) -> _Program:
    """The network's program, read once (kept in its cache)."""
    got = net.cache.get("evaluate.program")
    if got is None:
        try:
            got = _Program(net)
        except Cannot as exc:
            got = exc
        net.cache["evaluate.program"] = got
    if isinstance(got, Cannot):
        raise got
    return got


def _points(net: Network, prog: _Program) -> list[_Point]:
    got = net.cache.get("evaluate.points")
    if got is None:
        try:
            got = [_Point(prog, s) for s in SEEDS]
        except (Cannot, ArithmeticError, ValueError, IndexError, KeyError, TypeError) as exc:
            got = Cannot(f"the forward pass: {exc}")
        net.cache["evaluate.points"] = got
    if isinstance(got, Cannot):
        raise got
    return got


def _close(a: Any, b: Any) -> bool | None:
    """Whether two real arrays agree within :data:`RTOL` at every entry (``None``: not finite, or
    complex, a value the evaluator does not compare)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == b.dtype == np.float64 and a.shape == b.shape and a.size <= _SMALL:
        # the same test on the same doubles, entry by entry in Python: for the few entries of the
        # evaluator's widths (2..6) a loop is cheaper than NumPy's calls on tiny arrays
        xs, ys = a.ravel().tolist(), b.ravel().tolist()
        if not all(map(isfinite, xs)) or not all(map(isfinite, ys)):
            return None
        return all(abs(x - y) <= RTOL * (1 + max(abs(x), abs(y))) for x, y in zip(xs, ys))
    if a.dtype.kind not in "fiu" or b.dtype.kind not in "fiu" or not (np.isfinite(a).all()
                                                                       and np.isfinite(b).all()):
        return None
    return bool((np.abs(a - b) <= RTOL * (1 + np.maximum(np.abs(a), np.abs(b)))).all())


def agrees(net: Network, chain: Chain) -> bool | None:
    """Whether every link of ``chain`` holds at the random points of ``net`` (see the module
    docstring): ``True``, ``False``, or ``None`` where the evaluator does not read it."""
    if not chain.rels or any(r != "=" for r in chain.rels):
        return None
    try:
        with np.errstate(all="ignore"):  # an overflow is a value not finite: not compared (None)
            return _agrees(net, chain)
    except Cannot:
        return None
    except (ArithmeticError, ValueError, IndexError, KeyError, TypeError):
        return None


def _agrees(net: Network, chain: Chain) -> bool | None:
    for point in _points(net, _program(net)):
        sides = [point.eval(s, point.values) for s in chain.sides]
        for lhs, rhs in zip(sides, sides[1:]):
            if set(lhs.l) != set(rhs.l) or BATCH in lhs.l:
                return None
            close = _close(lhs.a, _align(rhs, lhs.l, None))
            if close is not True:
                return close
    return True
