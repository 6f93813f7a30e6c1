"""Concrete sizes and numbers: evaluation of normal forms with ``einsum``.

Two kinds of instance are used by the checker:

* :class:`FormalInstance` gives every atom (``w_{ji}``, ``a_j``, ``h'(a_j)``, ``δ_k``) an
  independent random integer.  Two sides that agree here agree as *formal* expressions at these
  sizes, for every ``h`` and ``E`` (a polynomial identity test, exact in integer arithmetic).
* :class:`NetworkInstance` runs the network: random inputs and weights, the forward pass, a
  concrete ``h`` and ``E``.  A difference here is a genuine counterexample, with numbers.

Every sum over an index is one ``einsum`` contraction; nothing loops over scalars in Python.

:func:`lambdify` turns a normal form (or a LaTeX expression) into a NumPy function that takes
the arrays by name and evaluates each term as one contraction, planned once per set of shapes
(:mod:`symbp.numcheck` uses it for the numeric checks; it is the only place that compiles
expressions to array code).
"""

from __future__ import annotations

import functools
import math
import operator
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import catalogue
from ..errors import ResourceLimitError, UnsupportedError
from ..limits import MAX_PLAN_SIZE, MAX_PLAN_WORK, MAX_PLANS, PLAN_MISS, check_deadline
from ..model.affine import is_affine, show
from ..model.factors import view
from ..model.network import Network, components
from ..model.normal_form import Expr, SizePoly, Term, factor_indices, poly_value
from ..notation import latex_name
from . import calculus, shifted

__all__ = ["ACTIVATIONS", "ERRORS", "FORWARD_ERROR", "FROM_VALUE", "FormalInstance", "Lambdified",
           "LayeredFormalInstance", "NetworkInstance", "argument_name", "drawn_plans", "evaluate",
           "formula_error", "lambdify", "log_softmax_of", "nonvanishing_plans", "size_plans", "small_plans",
           "softmax_pairs"]


#: the largest einsum contraction (floating-point or integer operations) one term may cost
MAX_FLOPS = 5e7
#: the most values one array may hold (a side over its free indices, one family): the memory bound
MAX_ELEMENTS = 1_000_000


def _bounded(shape: tuple[int, ...], what: str) -> tuple[int, ...]:
    """``shape``, or :class:`ResourceLimitError` if an array of it would break the memory bound."""
    n = 1
    for s in shape:
        n *= s
    if n > MAX_ELEMENTS:
        raise ResourceLimitError(f"a numeric check would hold {n:.3g} values in {what} "
                                 f"(the bound is {MAX_ELEMENTS:.0e})")
    return shape


def _tanh_of(t: np.ndarray, order: int) -> np.ndarray:
    if order == 0:
        return t
    d = np.multiply(t, t)
    np.subtract(1.0, d, out=d)
    if order == 1:
        return d
    return -2 * t * d if order == 2 else (6 * t * t - 2) * d


def _identity_of(s: np.ndarray, order: int) -> np.ndarray:
    return s if order == 0 else np.ones_like(s) if order == 1 else np.zeros_like(s)


def _exp_of(s: np.ndarray, order: int) -> np.ndarray:
    return s if order == 0 else np.array(s, copy=True)  # exp' = exp: every derivative is the value


def _softplus_of(s: np.ndarray, order: int) -> np.ndarray:
    if order == 0:
        return s
    return catalogue.logistic_of(-np.expm1(-s), order - 1)  # the logistic of a is 1 - e^{-softplus(a)}


#: the derivatives of an activation from its saved value ``h(a)`` (the forward pass's), without
#: evaluating ``h`` again: name -> f(h(a), derivative order)
FROM_VALUE: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "tanh": _tanh_of, "logistic": catalogue.logistic_of, "softplus": _softplus_of, "identity": _identity_of,
    "sigmoid": catalogue.logistic_of, "exp": _exp_of,
}

#: concrete activations: name -> f(x, derivative order) (the catalogue's NumPy forms)
ACTIVATIONS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    name: a.numpy for name, a in catalogue.ACTIVATIONS.items()}
#: concrete errors: name -> (description, dE/dy given outputs y and targets t), from the catalogue
ERRORS: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    name: (e.text, e.gradient) for name, e in catalogue.ERRORS.items()}


def size_plans(net: Network) -> list[dict[str, int]]:
    """Concrete sizes to try.  In each plan the sizes differ from each other (so ``w_{kj}`` and
    ``w_{jk}`` cannot agree by accident); the second plan has a range of size 1; there are
    ``n + 1`` plans for ``n`` ranges (at least 3, at most 6), spread so that a relation between
    sizes such as ``J = I + 1`` does not hold at all of them.  This makes a wrong equation
    unlikely to pass; it proves nothing, which is why such a verdict names its sizes.

    >>> from symbp import declare
    >>> size_plans(declare([r"a_j = \\sum_i w_{ji} z_i"]))
    [{'I': 2, 'J': 3}, {'I': 4, 'J': 1}, {'I': 5, 'J': 8}]
    """
    rs = net.sizes
    n = len(rs)
    plans = [{r: k + 2 for k, r in enumerate(rs)},
             {r: 1 if k == n - 1 else 2 * k + 4 for k, r in enumerate(rs)},
             {r: 3 * k + 5 for k, r in enumerate(rs)}]
    for m in range(3, min(n + 1, 6)):
        if n <= 11:  # k (m + 2) mod 11 is a permutation: distinct sizes in 2..12
            plans.append({r: (k * (m + 2) + m * m) % 11 + 2 for k, r in enumerate(rs)})
        else:
            plans.append({r: k + 2 + m * (n + 1) for k, r in enumerate(rs)})
    plans += shifted.stride_plans(net, plans[0])  # a stride of 1, 2 and 3 whatever the others
    return [net.relate(p) for p in plans]  # a derived size (I = J + M - 1) from the others


def small_plans(net: Network) -> list[dict[str, int]]:
    """Two plans of small sizes (2 to 4), different from one range to the next: where a deep
    network is evaluated layer by layer (each layer costs little), as a first test of whether two
    sides differ.  Like every plan, they prove nothing when the sides agree.

    >>> from symbp import declare
    >>> small_plans(declare([r"a_j = \\sum_i w_{ji} z_i"]))
    [{'I': 2, 'J': 3}, {'I': 4, 'J': 3}]
    """
    return [{r: 2 + k % 3 for k, r in enumerate(net.sizes)}, {r: 4 - k % 2 for k, r in enumerate(net.sizes)}]


def nonvanishing_plans(net: Network, polys: list[SizePoly], seed: int) -> list[dict[str, int]] | None:
    """Size plans at which the given non-zero polynomials do not vanish: the fixed
    :func:`size_plans` at which at least one of them is non-zero, then, while some polynomial
    vanishes at every plan so far, plans drawn (from ``seed``) until each is non-zero at one of
    them.  ``None`` if, within the bounds on the sizes, some polynomial vanishes at every plan
    tried.

    >>> from fractions import Fraction
    >>> from symbp import declare
    >>> net = declare([r"a_j = \\sum_i w_{ji} z_i"])
    >>> nonvanishing_plans(net, [{('I',): Fraction(1), (): Fraction(-2)}], seed=0)[0]
    {'I': 4, 'J': 1}
    """
    plans = [p for p in size_plans(net) if not polys or any(poly_value(q, p) for q in polys)]
    uncovered = [q for q in polys if not any(poly_value(q, p) for p in plans)]
    rng = random.Random(seed)
    top = max(MAX_PLAN_SIZE, max((len(m) for q in polys for m in q), default=0) + 2)
    for k in range(400):
        if not uncovered:
            return plans
        p = net.relate({r: rng.randint(1, min(top, 3 + k // 8)) for r in net.sizes})  # small sizes first
        if any(poly_value(q, p) for q in uncovered):
            plans.append(p)
            uncovered = [q for q in uncovered if not poly_value(q, p)]
    return plans if not uncovered else None


@dataclass
class PlanDraw:
    """Size plans drawn for one equation: uniform and independent in ``1..top`` for every range,
    from ``seed`` (a hash of the equation's text: reproducible, different for every equation).
    A polynomial in the sizes of total degree ``degree`` that is not zero vanishes at one such
    plan with probability at most ``degree / top`` (Schwartz–Zippel), so at all of them with
    probability at most ``bound``."""

    plans: list[dict[str, int]]
    seed: int
    top: int
    degree: int
    bound: float

    def describe(self) -> str:
        return (f"{len(self.plans)} plan(s) drawn for this equation (seed {self.seed}, sizes 1..{self.top}): "
                f"a non-zero polynomial in the sizes of degree {self.degree} vanishes at all of them "
                f"with probability at most {self.bound:.1g}")


def drawn_plans(net: Network, text: str, degree: int, indices: int) -> PlanDraw:
    """Random size plans for an equation the algebra cannot decide.  ``text`` seeds them (the
    same equation always gets the same plans, printed in its verdict); ``degree`` is the
    largest degree in the sizes that occurs in the difference of the two sides; ``indices`` the
    most indices (free and summed) of one of its terms, which bounds the numeric work: a plan's
    sizes stay at most ``top`` with ``top ** indices <= MAX_PLAN_WORK``.  The number of plans
    is the least for which ``(degree / top) ** n <= PLAN_MISS``, at most ``MAX_PLANS``.

    >>> from symbp import declare
    >>> d = drawn_plans(declare([r"a_j = \\sum_i w_{ji} z_i"]), "a_j = 0", 1, 2)
    >>> (len(d.plans), d.top, d.bound < 1e-6)
    (5, 16, True)
    >>> d.plans == drawn_plans(declare([r"a_j = \\sum_i w_{ji} z_i"]), "a_j = 0", 1, 2).plans
    True
    """
    import hashlib
    import math
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
    degree = max(1, degree)
    top = MAX_PLAN_SIZE
    while top > 2 and top ** max(1, indices) > MAX_PLAN_WORK:
        top -= 1
    ratio = degree / top
    n = MAX_PLANS if ratio >= 1 else min(MAX_PLANS, max(1, math.ceil(math.log(PLAN_MISS) / math.log(ratio))))
    rng = random.Random(seed)
    plans = [net.relate({r: rng.randint(1, top) for r in net.sizes}) for _ in range(n)]
    return PlanDraw(plans, seed, top, degree, min(1.0, ratio ** n))


def _atom_key(f: tuple) -> tuple:
    if f.tag in ("ref", "grad"):
        return (f.tag, f.fam)
    if f.tag == "inv":  # a reciprocal: an atom of its own (the checker asks the network for evidence)
        return ("inv", f.fam, f.fn, f.order)
    return ("fn", f.name, f.order, f.fam)


def evaluate(net: Network, expr: Expr, sizes: dict[str, int], atom: Callable[[tuple], np.ndarray],
             free: list[tuple[str, str]], dtype: type = float, local: bool = False) -> np.ndarray:
    """``expr`` as an array over the ``free`` indices (pairs name, range), in that order.  With
    ``local`` (or exact integers, ``dtype=object``, whose value does not depend on the order of
    the contraction) each term is contracted along :func:`_local_path`, without NumPy's path
    search: cheaper for the short terms of one layer's definition."""
    shape = _bounded(tuple(sizes[r] for _, r in free), "one side over its free indices")
    total = np.zeros(shape, dtype=dtype)
    if dtype is object:
        total = np.zeros(shape, dtype=object)  # integer zeros: a sum of integers stays integral (fast)
    free_pos = {name: k for k, (name, _) in enumerate(free)}
    for t in expr.terms:
        if (local or (dtype is object and len(t.factors) <= 3)) and not _has_shift(t):
            total = total + _term_local(net, t, sizes, atom, free, shape, dtype)
        else:
            total = total + _term(net, t, sizes, atom, free, free_pos, shape, dtype)
    return total


def _has_shift(t: Term) -> bool:
    """Whether a term has a shifted position or a range condition: :func:`_term` gathers it."""
    return any(shifted.has_shift(f) for f in t.factors)


def _refuse_shifted(f: tuple) -> None:
    """Shifted positions (``x_{j+m-1}``, a range condition ``[1 <= e <= R]``) have no numeric
    reading yet: an :class:`UnsupportedError`, never an evaluation that reads the affine index's
    letters as separate axes.

    >>> _refuse_shifted(('rng', ('a', ((('f', 'j'), 1),), 1), 'J'))
    Traceback (most recent call last):
    ...
    symbp.errors.UnsupportedError: shifted index positions (j+1) are not evaluated numerically yet
    hint: only the normal form decides equations with shifted positions for now
    """
    if f in _UNSHIFTED:
        return
    shifted = [p for part in f if type(part) is tuple
               for p in ((part,) if is_affine(part) else part) if is_affine(p)]
    if shifted or f.tag == "rng":
        text = ", ".join(show(p) for p in shifted) or "a range condition"
        raise UnsupportedError(f"shifted index positions ({text}) are not evaluated numerically yet",
                               hint="only the normal form decides equations with shifted positions for now")
    if len(_UNSHIFTED) > 65536:
        _UNSHIFTED.clear()
    _UNSHIFTED.add(f)


#: factors :func:`_refuse_shifted` has passed (each is read once)
_UNSHIFTED: set[tuple] = set()


def _shifted_term(t: Term, sizes: dict[str, int], atom: Callable[[tuple], np.ndarray],
                  free: list[tuple[str, str]], shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A term with shifted positions or range conditions (:func:`shifted.term_value`): each
    quantity gathered at its positions, what it holds outside its range as the instance says
    (``outside``: ``'unknown'``, fresh unknowns; else 0)."""
    outside = getattr(atom, "outside", "zero")
    seed = getattr(atom, "seed", 0)

    def read(f: tuple, pos: tuple[np.ndarray, ...]) -> np.ndarray:
        values = np.asarray(atom(f))
        if outside == "unknown":
            fill = shifted.unknowns(_atom_key(f), seed, values.shape)
        else:
            def fill(p: tuple[np.ndarray, ...]) -> np.ndarray:
                return np.zeros(p[0].shape, dtype=values.dtype) if dtype is not object else \
                    np.zeros(p[0].shape, dtype=int).astype(object)
        return shifted.gather(values, pos, fill)

    return shifted.term_value(t, sizes, free, read, shape, dtype, _contract)


def _term(net: Network, t: Term, sizes: dict[str, int], atom: Callable[[tuple], np.ndarray],
          free: list[tuple[str, str]], free_pos: dict[str, int], shape: tuple[int, ...],
          dtype: type) -> np.ndarray:
    if any(shifted.has_shift(f) for f in t.factors):
        return _shifted_term(t, sizes, atom, free, shape, dtype)
    letters: dict[tuple, str] = {}
    ranges: dict[tuple, str] = {}
    if len(free) + len(t.dummies) > len(string.ascii_letters) or len(t.factors) > LOCAL_FACTORS:
        return _term_local(net, t, sizes, atom, free, shape, dtype)
    alphabet = iter(string.ascii_letters)
    for name, r in free:
        letters[("f", name)] = next(alphabet)
        ranges[("f", name)] = r
    for n, r in enumerate(t.dummies):
        letters[("d", n)] = next(alphabet)
        ranges[("d", n)] = r
    ops, subs = [], []
    for f in t.factors:
        _refuse_shifted(f)
        idx = list(factor_indices(f))
        if f.tag == "kd":
            n = sizes[ranges[idx[0]]]
            ops.append(np.eye(n, dtype=int).astype(dtype))
        else:
            ops.append(atom(f))
        subs.append("".join(letters[i] for i in idx))
    out_sub = "".join(letters[("f", name)] for name, _ in free)
    coeff: object = t.coeff if dtype is object else float(t.coeff)
    for s in t.sizes:
        coeff = coeff * sizes[s]
    present = set("".join(subs))
    kept = "".join(c for c in out_sub if c in present)
    if ops:
        val = _contract(ops, subs, kept, dtype)
    else:
        val = np.array(1, dtype=dtype)
    # free indices the term does not mention: it is constant along them
    expand = [k for k, c in enumerate(out_sub) if c not in present]
    val = np.asarray(val)
    for k in expand:
        val = np.expand_dims(val, k)
    return np.broadcast_to(val * coeff, shape)


#: the most index combinations a term of at most three factors may run over to be contracted by
#: :func:`_local_path` in one ``einsum`` (without a plan)
SMALL_EINSUM = 100_000

#: a term with more factors than this (or more indices than einsum has letters) is contracted
#: along :func:`_local_path`, with letters local to each pairwise step
LOCAL_FACTORS = 24


def _term_local(net: Network, t: Term, sizes: dict[str, int], atom: Callable[[tuple], np.ndarray],
                free: list[tuple[str, str]], shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """:func:`_term` for a long term (an unrolled deep stack: one factor and one summed index per
    layer): the indices are keys, not letters, and the contraction is planned pairwise by
    :func:`_local_path`, each step an ``einsum`` with letters of its own, so neither einsum's 52
    letters nor NumPy's path search over every operand bounds the depth."""
    key = (id(t), tuple(free), tuple(sizes[r] for _, r in free), tuple(sizes[r] for r in t.dummies),
           tuple(sizes[s] for s in t.sizes), dtype)
    known = _SMALL.get(key)
    if known is None or known[0] is not t:
        known = _SMALL[key] = (t, _small_plan(t, free, sizes, dtype))
        if len(_SMALL) > 4096:
            _SMALL.clear()
    plan = known[1]
    if plan is not None:  # a short term: one einsum, planned once
        spec, factors, eyes, coeff, expand = plan
        val = np.asarray(np.einsum(spec, *(atom(f) if n is None else np.eye(n, dtype=int).astype(dtype)
                                           for f, n in zip(factors, eyes))), dtype=dtype)
        for k in expand:
            val = np.expand_dims(val, k)
        if coeff != 1:
            val = np.asarray(val * coeff, dtype=dtype)
        return val if val.shape == shape else np.broadcast_to(val, shape)
    extent = {("f", name): sizes[r] for name, r in free}
    extent.update({("d", n): sizes[r] for n, r in enumerate(t.dummies)})
    operands: list[tuple[np.ndarray, tuple]] = []
    for f in t.factors:
        _refuse_shifted(f)
        idx = tuple(factor_indices(f))
        if f.tag == "kd":
            operands.append((np.eye(extent[idx[0]], dtype=int).astype(dtype), idx))
        else:
            operands.append((atom(f), idx))
    out = tuple(("f", name) for name, _ in free)
    coeff: object = t.coeff if dtype is object else float(t.coeff)
    for s in t.sizes:
        coeff = coeff * sizes[s]
    if dtype is object and coeff.denominator == 1:  # type: ignore[union-attr]
        coeff = int(coeff)  # the same number; integer arithmetic is faster than Fraction's
    present = {i for _, idx in operands for i in idx}
    kept = tuple(i for i in out if i in present)
    val = _local_path(operands, kept, extent, dtype) if operands else np.array(1, dtype=dtype)
    val = np.asarray(val)
    for k, i in enumerate(out):
        if i not in present:
            val = np.expand_dims(val, k)
    if coeff != 1:
        val = np.asarray(val * coeff, dtype=dtype)
    return val if val.shape == shape else np.broadcast_to(val, shape)


#: (term id, free indices, sizes, dtype) -> (the term, its :func:`_small_plan`)
_SMALL: dict[tuple, tuple] = {}


def _small_plan(t: Term, free: list[tuple[str, str]], sizes: dict[str, int], dtype: type) -> tuple | None:
    """How :func:`_term_local` evaluates a term of at most three factors in one ``einsum``: (its
    specification, the factors, the size of each Kronecker delta's identity or None, the
    coefficient with the sizes multiplied in, the output axes the term does not mention); None
    for a longer or larger term."""
    if not 0 < len(t.factors) <= 3:
        return None
    extent = {("f", name): sizes[r] for name, r in free}
    extent.update({("d", n): sizes[r] for n, r in enumerate(t.dummies)})
    idxs = []
    for f in t.factors:
        _refuse_shifted(f)
        idxs.append(tuple(factor_indices(f)))
    keys = list(dict.fromkeys(i for idx in idxs for i in idx))
    if len(keys) > len(string.ascii_letters) or math.prod(extent[i] for i in keys) > SMALL_EINSUM:
        return None
    letters = dict(zip(keys, string.ascii_letters))
    out = [("f", name) for name, _ in free]
    spec = ",".join("".join(letters[i] for i in idx) for idx in idxs) + "->" + \
        "".join(letters[i] for i in out if i in letters)
    coeff: object = t.coeff if dtype is object else float(t.coeff)
    for s in t.sizes:
        coeff = coeff * sizes[s]
    if dtype is object and coeff.denominator == 1:  # type: ignore[union-attr]
        coeff = int(coeff)  # the same number; integer arithmetic is faster than Fraction's
    eyes = [extent[idx[0]] if f.tag == "kd" else None for f, idx in zip(t.factors, idxs)]
    expand = [k for k, i in enumerate(out) if i not in letters]
    return spec, list(t.factors), eyes, coeff, expand


def _local_path(operands: list[tuple[np.ndarray, tuple]], out: tuple, extent: dict[tuple, int],
                dtype: type) -> np.ndarray:
    """Contract ``operands`` (arrays with a key per axis) to the axes ``out``, two at a time: at
    each step the pair that shares an index and gives the smallest result (for a chain of layers,
    the neighbours, in layer order), an index summed as soon as no other operand needs it.  Each
    step is one ``einsum`` whose letters are local to it; the work is bounded by
    :data:`MAX_FLOPS` before it is done."""
    live = [(np.asarray(a), tuple(idx)) for a, idx in operands]
    if len(live) <= 3:  # one layer's definition (h'(a_j) Σ_k w_{kj} δ_k): one einsum, if small
        keys = {i for _, idx in live for i in idx}
        if len(keys) <= len(string.ascii_letters) and math.prod(extent[i] for i in keys) <= SMALL_EINSUM:
            letters = dict(zip(keys, string.ascii_letters))
            spec = ",".join("".join(letters[i] for i in idx) for _, idx in live) + "->" + \
                "".join(letters[i] for i in out)
            return np.asarray(np.einsum(spec, *(a for a, _ in live)), dtype=dtype)
    count: dict[tuple, int] = {}
    for _, idx in live:
        for i in set(idx):
            count[i] = count.get(i, 0) + 1
    wanted = set(out)
    flops = 0.0

    def size_of(keys: set) -> float:
        n = 1.0
        for i in keys:
            n *= extent[i]
        return n

    def step(picked: list[tuple[np.ndarray, tuple]], keep: tuple) -> np.ndarray:
        letters: dict[tuple, str] = {}
        for _, idx in picked:
            for i in idx:
                if i not in letters:
                    if len(letters) == len(string.ascii_letters):
                        raise ResourceLimitError(f"one step of a contraction would join more than "
                                                 f"{len(string.ascii_letters)} indices")
                    letters[i] = string.ascii_letters[len(letters)]
        spec = ",".join("".join(letters[i] for i in idx) for _, idx in picked) + "->" + \
            "".join(letters[i] for i in keep)
        return np.asarray(np.einsum(spec, *(a for a, _ in picked)), dtype=dtype)

    while len(live) > 1:
        check_deadline()
        by_key: dict[tuple, list[int]] = {}
        for n, (_, idx) in enumerate(live):
            for i in set(idx):
                by_key.setdefault(i, []).append(n)
        pairs = {(ks[a], ks[a + 1]) for ks in by_key.values() for a in range(len(ks) - 1)}
        if not pairs:  # nothing shared: an outer product of the two smallest
            order = sorted(range(len(live)), key=lambda n: live[n][0].size)
            pairs = {(min(order[:2]), max(order[:2]))}
        best = None
        for x, y in pairs:
            union = set(live[x][1]) | set(live[y][1])
            a_idx, b_idx = live[x][1], live[y][1]
            keep = {i for i in union if i in wanted or count[i] > (i in a_idx) + (i in b_idx)}
            key = (size_of(keep), size_of(union), x, y)
            if best is None or key < best[0]:
                best = (key, x, y, union, keep)
        (_, cost, _, _), x, y, union, keep = best
        flops += cost
        if flops > MAX_FLOPS:
            raise ResourceLimitError(f"a numeric check would take more than {MAX_FLOPS:.0e} operations")
        a, b = live[x], live[y]
        order = tuple(dict.fromkeys(i for i in a[1] + b[1] if i in keep))
        for i in union:
            if i not in keep:
                count[i] -= (i in a[1]) + (i in b[1])
            else:
                count[i] -= (i in a[1]) + (i in b[1]) - 1
        val = step([a, b], order)
        live = [op for n, op in enumerate(live) if n not in (x, y)] + [(val, order)]
    (val, idx), = live
    if idx != out:
        val = step([(val, idx)], out)
    return val


def _contract(ops: list[np.ndarray], subs: list[str], out: str, dtype: type) -> np.ndarray:
    """One einsum, contracted pairwise along numpy's greedy path (the optimised einsum itself
    mishandles object arrays), with its cost bounded before any work is done."""
    spec = ",".join(subs) + "->" + out
    path, info = np.einsum_path(spec, *ops, optimize="greedy")
    m = re.search(r"Optimized FLOP count:\s*([0-9.eE+]+)", info)
    if m and float(m.group(1)) > MAX_FLOPS:
        raise ResourceLimitError(f"a numeric check would take {float(m.group(1)):.2g} operations "
                                 f"(the bound is {MAX_FLOPS:.0e})")
    operands = list(zip(ops, subs))
    for step in path[1:]:
        check_deadline()
        picked = [operands[i] for i in step]
        for i in sorted(step, reverse=True):
            del operands[i]
        # one step may join many operands (numpy's einsum takes at most 32): two at a time
        while len(picked) > 1:
            pair, picked = picked[:2], picked[2:]
            needed = set(out) | {c for _, s in operands + picked for c in s}
            inside = "".join(dict.fromkeys("".join(s for _, s in pair)))
            res = "".join(c for c in inside if c in needed)
            val = np.einsum(",".join(s for _, s in pair) + "->" + res, *(o for o, _ in pair))
            picked.insert(0, (np.asarray(val, dtype=dtype), res))
        operands.append(picked[0])
    (val, res), = operands
    return np.asarray(np.einsum(res + "->" + out, val), dtype=dtype)


@dataclass
class FormalInstance:
    """Independent random integers for every atom: an exact polynomial-identity test."""

    net: Network
    sizes: dict[str, int]
    seed: int = 0
    cache: dict = field(default_factory=dict)
    #: what a family holds outside its range where a shifted position reads there: ``'unknown'``
    #: (fresh random integers, the same at the same position) or ``'zero'``
    outside: str = "unknown"

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def __call__(self, f: tuple) -> np.ndarray:
        key = _atom_key(f)
        if key not in self.cache:
            fam = key[1] if key[0] != "fn" else key[3]
            shape = _bounded(tuple(self.sizes[r] for r in self.net.families[fam].axes), "one family")
            n = int(np.prod(shape)) if shape else 1
            vals = [self.rng.randrange(1, 2**40) for _ in range(n)]
            self.cache[key] = np.array(vals, dtype=object).reshape(shape)
        return self.cache[key]


def _hidden_deltas_of(net: Network, e: Expr) -> set[int]:
    return {f.fam for t in e.terms for f in t.factors if f.tag == "grad" and f.fam not in net.outputs}


def _layer_by_layer(inst: FormalInstance | NetworkInstance, fam: int,
                    definition: Callable[[int], Expr]) -> np.ndarray:
    """``δ`` of the hidden family ``fam`` at every index, evaluated from its definition one layer
    down (``δ_j = h'(a_j) Σ_k w_{kj} δ_k``) with the ``δ`` of the layers above it evaluated first,
    each once (cached in ``inst.cache``): a network ``D`` layers deep costs ``D`` contractions,
    never the ``δ`` expanded down to the outputs (whose terms multiply with every skip path).
    The same value as the expanded form's, at the same instance."""
    key = ("grad", fam)
    if key in inst.cache:
        return inst.cache[key]
    net = inst.net
    needed, todo = {fam}, [fam]
    while todo:  # every hidden δ the definition reaches
        for g in _hidden_deltas_of(net, definition(todo.pop())):
            if g not in needed and ("grad", g) not in inst.cache:
                needed.add(g)
                todo.append(g)
    dtype = object if isinstance(inst, FormalInstance) else float
    for g in sorted(needed, key=lambda g: -len(net.ancestors[g])):  # the layers nearest the outputs first
        check_deadline()
        free = [(f"#{k}", r) for k, r in enumerate(net.families[g].axes)]
        inst.cache[("grad", g)] = evaluate(net, definition(g), inst.sizes, inst, free, dtype, local=True)
    return inst.cache[key]


#: a family with more ancestors than this is computed with the forward pass run in order below it
#: (:func:`_forward_first`); a shallower one by recursion, which draws the random inputs and
#: weights in the order its definition names them (the counterexamples' numbers depend on it)
FORWARD_IN_ORDER = 48


def _forward_first(inst: NetworkInstance, fam: int) -> None:
    """Run the forward pass up to ``fam`` in order (every defined family it depends on, the
    bottom layer first), so that a deep network is evaluated without deep recursion."""
    net = inst.net
    below = [g for g in net.ancestors[fam] if g in net.definitions and ("ref", g) not in inst.cache]
    for h in sorted(net.ancestors[fam]):
        if h not in net.definitions:
            inst.value(h)  # the inputs and weights first, in the order of the families
    for g in sorted(below, key=lambda g: len(net.ancestors[g])):
        check_deadline()
        free = [(f"#{k}", r) for k, r in enumerate(net.families[g].axes)]
        inst.cache[("ref", g)] = evaluate(net, net.definitions[g], inst.sizes, inst, free, local=True)


@dataclass
class LayeredFormalInstance(FormalInstance):
    """:class:`FormalInstance` for a form that still has hidden ``δ`` (the forms the lazy
    comparison reached): each hidden ``δ`` is evaluated from its definition, forward quantities
    unfolded as in :func:`symbp.engine.calculus.unfold`, layer by layer
    (:func:`_layer_by_layer`), every other atom an independent random integer as in
    :class:`FormalInstance`.  Its value is that of the expanded, unfolded form at the same atoms:
    a difference is a formal difference (evidence that the equation is wrong), found in work
    linear in the depth.

    Each atom's integers come from a generator seeded by ``seed`` and the atom itself, not from
    the order in which atoms are asked for, so the values are the same whatever is evaluated
    first, and the instances of one network at the same sizes and seed share their values
    (``net.cache``): the ``δ`` of every layer is evaluated once per network, not once per check.

    >>> from symbp import declare
    >>> net = declare([r"a_j = \\sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \\sum_j w_{kj} z_j",
    ...                r"z_k = h(a_k)", r"a_m = \\sum_k w_{mk} z_k"])
    >>> sizes = {r: 2 for r in net.sizes}
    >>> inst = LayeredFormalInstance(net, sizes, seed=1)
    >>> fam = next(f.id for f in net.families if f.show() == "a_{j}")
    >>> free = [(f"#{k}", r) for k, r in enumerate(net.families[fam].axes)]
    >>> lazy = calculus.unfold(net, calculus.delta_definition(net, fam))
    >>> full = calculus.unfold(net, calculus.expand_deltas(net, calculus.delta_definition(net, fam)))
    >>> other = FormalInstance(net, sizes, seed=1)
    >>> other.cache = inst.cache
    >>> bool(np.array_equal(evaluate(net, lazy, sizes, inst, free, object),
    ...                     evaluate(net, full, sizes, other, free, object)))
    True
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        key = ("layered formal", tuple(sorted(self.sizes.items())), self.seed)
        if key not in self.net.cache:
            self.net.cache[key] = self.cache
        self.cache = self.net.cache[key]

    def __call__(self, f: tuple) -> np.ndarray:
        if f.tag == "grad" and f.fam not in self.net.outputs:
            return _layer_by_layer(self, f.fam, self._unfolded_delta)
        if f.tag == "ref" and f.fam in self.net.definitions:
            key = ("unfolded", f.fam)
            if key not in self.cache:
                fam = f.fam
                free = [(f"#{k}", r) for k, r in enumerate(self.net.families[fam].axes)]
                idx = tuple(("f", n) for n, _ in free)
                d = calculus.unfold(self.net, calculus.instantiate(self.net, fam, idx))
                self.cache[key] = evaluate(self.net, d, self.sizes, self, free, object)
            return self.cache[key]
        key = _atom_key(f)
        if key not in self.cache:
            fam = key[1] if key[0] != "fn" else key[3]
            shape = _bounded(tuple(self.sizes[r] for r in self.net.families[fam].axes), "one family")
            rng = random.Random(f"{self.seed} {key!r}")  # this atom's own generator
            vals = [rng.randrange(1, 2**40) for _ in range(math.prod(shape))]
            self.cache[key] = np.array(vals, dtype=object).reshape(shape)
        return self.cache[key]

    def _unfolded_delta(self, fam: int) -> Expr:
        key = ("unfolded delta", fam)
        if key not in self.net.cache:
            self.net.cache[key] = calculus.unfold(self.net, calculus.delta_definition(self.net, fam))
        return self.net.cache[key]


@dataclass
class NetworkInstance:
    """The network run forward at concrete sizes with random inputs, weights and targets."""

    net: Network
    sizes: dict[str, int]
    activation: str = "tanh"
    error: str = "sum-of-squares"
    seed: int = 0
    cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.dE = ERRORS[self.error][1]
        self.examples = self._examples()
        if self.examples is not None:  # the mean over the examples: each one's gradient, over m
            each, m = self.dE, self.sizes[self.examples[0]]
            self.dE = lambda y, t: each(y, t) / m
        # undeclared functions get different concrete activations (h and g must not coincide)
        cycle = catalogue.CYCLE
        start = cycle.index(self.activation) if self.activation in cycle else 0
        free_names = sorted(set(self.net.functions) - set(self.net.activations))
        self.kinds = {name: cycle[(start + n) % len(cycle)] for n, name in enumerate(free_names)}
        self.kinds.update(self.net.activations)

    def shape(self, fam: int) -> tuple[int, ...]:
        return _bounded(tuple(self.sizes[r] for r in self.net.families[fam].axes), "one family")

    def value(self, fam: int) -> np.ndarray:
        if ("ref", fam) not in self.cache and len(self.net.ancestors.get(fam, ())) > FORWARD_IN_ORDER:
            _forward_first(self, fam)
        if ("ref", fam) not in self.cache:
            d = self.net.definitions.get(fam)
            if d is None and fam in self.net.conditions:  # declared targets: they sum to 1
                v = self.rng.normal(0.0, 1.0, self.shape(fam))
                if self.net.conditions[fam] == "one-hot":
                    v = (np.arange(v.size) == int(np.argmax(v))).astype(float).reshape(v.shape)
                else:
                    v = np.exp(v - v.max())
                    v = v / v.sum()
            elif d is None:
                scale = 0.8 if self.net.families[fam].param else 1.0
                v = self.rng.normal(0.0, scale, self.shape(fam))
            else:
                free = [(f"#{k}", r) for k, r in enumerate(self.net.families[fam].axes)]
                v = evaluate(self.net, d, self.sizes, self, free)
            self.cache[("ref", fam)] = v
        return self.cache[("ref", fam)]

    def target(self, fam: int) -> np.ndarray:
        if ("target", fam) not in self.cache:
            self.cache[("target", fam)] = self.rng.normal(0.0, 1.0, self.shape(fam))
        return self.cache[("target", fam)]

    def __call__(self, f: tuple) -> np.ndarray:
        if f.tag == "ref":
            return self.value(f.fam)
        if f.tag == "fn":
            if f.order > 3:
                raise UnsupportedError(f"derivative of order {f.order} of {f.name}",
                                       hint="symbp evaluates derivatives of h up to the third")
            return ACTIVATIONS[self.kinds.get(f.name, self.activation)](self.value(f.fam), f.order)
        if f.tag == "inv":
            with np.errstate(divide="ignore", invalid="ignore"):  # 1/0: inf, never a number
                return 1.0 / self(view(f).base())
        if f.tag == "grad":
            if f.fam not in self.net.outputs:  # backpropagated, layer by layer
                return _layer_by_layer(self, f.fam, lambda fam: calculus.delta_definition(self.net, fam))
            if f.fam in self.net.targets:  # a declared error: its targets are the network's t
                return self.value(f.fam) - self.value(self.net.targets[f.fam])
            return self.dE(self.value(f.fam), self.target(f.fam))
        raise AssertionError(f)

    def _examples(self) -> tuple[str, str] | None:
        """With the examples of a batch declared (``% symbp: examples M : m``) and the error
        abstract, the error run is the mean over the examples of each one's error (Ng's cost
        ``J = \\frac{1}{m} \\sum_i L^{(i)}``, as :mod:`symbp.engine.vector` reads ``dZ``): the range
        of the examples and how their number is written; else ``None``."""
        conv = self.net.conventions
        ex = conv.get("examples")
        if not ex or ex not in self.sizes or self.net.error_kind or formula_error(self.net):
            return None
        return ex, conv.get("size") or ex.lower()

    def functions(self) -> list[tuple[str, str]]:
        """The functions it runs, by name and catalogue kind, but the commands that are
        themselves (``\\exp``, ``\\ln``)."""
        return sorted((k, v) for k, v in self.kinds.items() if catalogue.COMMANDS.get(k) != v)

    def describe(self) -> dict:
        """The functions this instance ran, in the network's own letters: ``h`` the functions
        (``\\sigma = tanh``), ``E`` the error (``C = 1/2 sum (y - t)^2`` for Nielsen's ``C``)."""
        acts = self.kinds
        h = ", ".join(f"{latex_name(k)} = {v}" for k, v in sorted(acts.items())) or f"h = {self.activation}"
        e = (FORWARD_ERROR if formula_error(self.net) else
             ERRORS["sum-of-squares" if self.net.error_kind else self.error][0])
        name = latex_name(self.net.error_name or "E")
        if e.startswith("E = "):
            e = f"{name} = {e[4:]}"
        if self.examples is not None and e.startswith(f"{name} = "):  # the mean of each example's error
            m = self.examples[1]
            e = f"{name} = 1/{m} sum over the {m} examples of {e[len(name) + 3:]}"
        return {"h": h, "E": e, "seed": self.seed}


#: what a counterexample says of an error that the forward pass defines
FORWARD_ERROR = "as the forward pass defines it"


def formula_error(net: Network) -> bool:
    """Whether the forward pass defines the error itself (``E = -\\sum_k t_k \\ln y_k``)."""
    from .calculus import error_family
    return error_family(net) is not None


# ----------------------------------------------------------------------------------------------
# lambdify: a normal form as a vectorised NumPy function


def argument_name(net: Network, fam: int, grad: bool = False) -> str:
    """The keyword under which :func:`lambdify` takes the array of a family: its letter and its
    index letters (``w_{kj_l}`` -> ``w_kjl``, ``z_i`` -> ``z_i``, a scalar ``a`` -> ``a``); ``δ`` of
    ``a_{j_l}`` -> ``delta_jl``.

    >>> from symbp import builtin
    >>> net = builtin("shared")
    >>> [argument_name(net, f.id) for f in net.families if f.param]
    ['w_ji', 'w_kjl']
    """
    f = net.families[fam]
    if f.name == calculus.HIDDEN:  # a hidden family: no argument of its own (lambdify computes it)
        raise UnsupportedError("a softmax's denominator or a logarithm's compound argument is not "
                               "an argument: it is computed from its definition",
                               hint="pass the quantities it is made of")
    letters = "".join(x.replace("'", "p") for x in f.letters) + "0" * len(f.units)  # w_{j0}: w_j0
    base, _, label = f.name.partition("^")  # a layer label: w^{(2)} -> w2
    name = "delta" if grad else base
    name += "".join(c for c in label if c.isalnum())
    return f"{name}_{letters}" if letters else name


@dataclass
class _Operand:
    kind: str  # 'ref' | 'grad' | 'fn' | 'kd' | 'softmax' | 'logsoftmax' (of the logits ``arg``)
    arg: str  # the keyword of its array ('' for a Kronecker delta)
    fn: str = ""  # for 'fn': the function's name
    order: int = 0
    saved: str = ""  # for 'fn': the keyword of the saved value h(a), which may replace a
    range: str = ""  # for 'kd': the range of its two indices
    batched: bool = False
    recip: bool = False  # the reciprocal 1/x of the value (a softmax's denominator)


@dataclass
class _CompiledTerm:
    coeff: float
    sizes: tuple[str, ...]
    operands: list[_Operand]
    spec: str  # the einsum specification of the term's product, over the indices it mentions
    expand: list[int]  # positions of the output axes the term does not mention
    batch_free: bool  # no operand carries the batch axis
    paths: dict = field(default_factory=dict)  # operand shapes -> einsum contraction path
    #: a term with shifted positions (x_{j+m-1}): evaluated by gathering, one einsum (shifted.term_value)
    raw: Term | None = None


class Lambdified:
    """A normal form compiled to NumPy: call it with arrays by keyword (:attr:`inputs` lists the
    keywords and the ranges of their axes); it returns the array over :attr:`free` (pairs of a
    free index name and its range), in that order.  Built by :func:`lambdify`."""

    def __init__(self, net: Network, expr: Expr, free: list[tuple[str, str]],
                 activations: dict[str, str], batch: str | None) -> None:
        if batch not in (None, "keep", "sum"):
            raise UnsupportedError(f"batch={batch!r}", hint="use None, 'keep' or 'sum'")
        self.net, self.expr, self.free, self.batch = net, expr, list(free), batch
        self.activations = activations
        self.inputs: dict[str, tuple[str, ...]] = {}
        #: keyword -> (family id, whether it is the family's δ)
        self.sources: dict[str, tuple[int, bool]] = {}
        self._axes: dict[str, tuple[str, ...]] = {}  # keyword -> ranges (without the batch axis)
        self._batched: dict[str, bool] = {}
        #: keyword of a saved activation value (``h_a_jl``: ``h(a_{j_l})`` from the forward pass)
        #: -> the keyword of its argument (``a_jl``); passing it saves evaluating ``h`` again
        self.saved: dict[str, str] = {}
        self._direct: set[str] = set()  # keywords an operand reads as they are (not through h)
        self._calls: dict[tuple, tuple] = {}  # argument shapes -> (sizes, batch, shape): no re-checks
        #: key ``~<family>`` of a hidden family (a softmax's denominator ``\sum_l \exp(a_l)``, the
        #: ``1 - y_k`` in ``\ln(1 - y_k)``) -> its definition, lambdified: computed, not an argument
        self._hidden: dict[str, Lambdified] = {}
        self.terms = [self._compile(t) for t in expr.terms]
        #: every range whose size a call needs
        self.ranges = sorted({r for _, r in self.free} | {r for t in self.terms for r in t.sizes}
                             | {o.range for t in self.terms for o in t.operands if o.kind == "kd"}
                             | {r for sub in self._hidden.values() for r in sub.ranges})
        self.default_sizes: dict[str, int] = {}  # from precompute
        self.inputs = {k: (("batch",) if self._batched[k] else ()) + v for k, v in self._axes.items()}

    def _need(self, fam: int, grad: bool) -> str:
        if self.net.families[fam].name == calculus.HIDDEN and not grad:
            return self._hidden_family(fam)
        name = argument_name(self.net, fam, grad)
        batched = self.batch is not None and not self.net.families[fam].param
        self._axes.setdefault(name, self.net.families[fam].axes)
        self.sources[name] = (fam, grad)
        self._batched[name] = batched
        return name

    def _compile_shifted(self, t: Term) -> _CompiledTerm:
        """A term with shifted positions: its quantities are gathered at their positions and the
        term contracted in one ``einsum`` at each call (:func:`shifted.term_value`); no batch axis."""
        if self.batch is not None:
            raise UnsupportedError("a batch axis with shifted positions is not supported yet",
                                   hint="call once per example, or sum the results")
        ops = []
        for f in t.factors:
            if f.tag in ("kd", "rng"):
                continue
            if f.tag == "fn" and f.name not in self.activations:
                raise UnsupportedError(f"no concrete function for {f.name}",
                                       hint=f"pass activation={{{f.name!r}: 'tanh'}}")
            op = _Operand(f.tag, self._need(f.fam, f.tag == "grad"))
            if f.tag == "fn":
                op.fn, op.order = f.name, f.order
            else:
                self._direct.add(op.arg)
            ops.append(op)
        return _CompiledTerm(float(t.coeff), t.sizes, ops, "", [], False, raw=t)

    def _shifted_value(self, t: _CompiledTerm, arrays: dict[str, np.ndarray], sizes: dict[str, int],
                       shape: tuple[int, ...]) -> np.ndarray:
        def atom(f: tuple, pos: tuple[np.ndarray, ...]) -> np.ndarray:
            if f.tag == "fn":
                src = arrays[argument_name(self.net, f.fam)]
                values = ACTIVATIONS[self.activations[f.name]](src, f.order)
            else:
                values = arrays[argument_name(self.net, f.fam, f.tag == "grad")]
            return shifted.gather(values, pos, lambda p: np.zeros(p[0].shape))

        assert t.raw is not None
        return shifted.term_value(t.raw, sizes, self.free, atom, shape, float, shifted._einsum)
    def _hidden_family(self, fam: int) -> str:
        """The key of a hidden family's value, its definition lambdified once (over the family's
        axes); the arguments it takes become this function's."""
        key = f"~{fam}"
        if key not in self._hidden:
            free = [(f"#{k}", r) for k, r in enumerate(self.net.families[fam].axes)]
            sub = Lambdified(self.net, self.net.definitions[fam], free, self.activations,
                             None if self.batch is None else "keep")
            self._hidden[key] = sub
            self._axes.update(sub._axes)
            self.sources.update(sub.sources)
            self._batched.update(sub._batched)
            self.saved.update(sub.saved)
            self._direct |= sub._direct
        self._batched[key] = self.batch is not None
        return key

    def _operand(self, f: tuple, free_names: list[str]) -> _Operand:
        """The operand of one factor (``ref``, ``grad``, ``fn``, ``inv``; not ``kd``)."""
        if f.tag == "ref":
            op = _Operand("ref", self._need(f.fam, False))
            self._direct.add(op.arg)
        elif f.tag == "grad":
            op = _Operand("grad", self._need(f.fam, True))
            self._direct.add(op.arg)
        elif f.tag == "fn":
            if f.name not in self.activations:
                raise UnsupportedError(f"no concrete function for {f.name}",
                                       hint=f"pass activation={{{f.name!r}: 'tanh'}} (or logistic, "
                                            "softplus, identity)")
            if f.order > 3:
                raise UnsupportedError(f"derivative of order {f.order} of {f.name}")
            op = _Operand("fn", self._need(f.fam, False), fn=f.name, order=f.order)
            if self.activations[f.name] in FROM_VALUE and op.arg not in self._hidden:
                op.saved = f"{f.name}_{op.arg}"
                self.saved[op.saved] = op.arg
        elif f.tag == "inv":  # 1/x: the operand of x, reciprocated
            op = self._operand(view(f).base(), free_names)
            op.recip = True
        else:
            raise UnsupportedError(f"cannot lambdify the factor {f.tag!r}")
        return op

    def _compile(self, t: Term) -> _CompiledTerm:
        if any(shifted.has_shift(f) for f in t.factors):
            return self._compile_shifted(t)
        free_names = [name for name, _ in self.free]
        n_idx = len(free_names) + len(t.dummies) + (self.batch is not None)
        if n_idx > len(string.ascii_letters):
            raise ResourceLimitError(f"a term with {n_idx} indices is more than einsum handles")
        alphabet = iter(string.ascii_letters)
        letters = {("f", name): next(alphabet) for name in free_names}
        letters.update({("d", n): next(alphabet) for n in range(len(t.dummies))})
        batch_letter = next(alphabet) if self.batch is not None else ""
        ops, subs = [], []
        fused, skip = softmax_pairs(self.net, self.activations, t)
        for k, f in enumerate(t.factors):
            if k in skip:  # the softmax's 1/sum_l exp(a_l), taken into its exp(a_k)
                continue
            _refuse_shifted(f)
            idx = list(factor_indices(f))
            missing = [i for i in idx if i not in letters]
            if missing:
                raise UnsupportedError(f"the free index {missing[0][1]} is not among the arguments' "
                                       f"free indices {free_names}")
            sub = "".join(letters[i] for i in idx)
            if f.tag == "kd":
                i = idx[0]
                r = self.free[free_names.index(i[1])][1] if i[0] == "f" else t.dummies[i[1]]
                op = _Operand("kd", "", range=r)
            elif k in fused:  # exp(a_k) / sum_l exp(a_l): with the largest a_l subtracted
                op = _Operand("softmax", self._need(fused[k], False))
                self._direct.add(op.arg)
            elif (x := log_softmax_of(self.net, self.activations, f)) is not None:  # log-sum-exp
                op = _Operand("logsoftmax", self._need(x, False))
                self._direct.add(op.arg)
            else:
                op = self._operand(f, free_names)
            op.batched = op.kind != "kd" and self._batched[op.arg]
            ops.append(op)
            subs.append((batch_letter if op.batched else "") + sub)
        out = (batch_letter if self.batch == "keep" else "") + "".join(letters[("f", n)] for n in free_names)
        present = set("".join(subs))
        kept = "".join(c for c in out if c in present)
        expand = [k for k, c in enumerate(out) if c not in present]
        return _CompiledTerm(float(t.coeff), t.sizes, ops, ",".join(subs) + "->" + kept, expand,
                             self.batch is not None and not any(o.batched for o in ops))

    def precompute(self, sizes: dict[str, int], batch: int = 1) -> Lambdified:
        """Find every term's contraction path for arrays of these sizes now (``batch``: the size
        of the batch axis), so that calls at these sizes only contract."""
        self.default_sizes = {**sizes, "batch": batch}
        shapes = {k: tuple(batch if r == "batch" else sizes[r] for r in axes)
                  for k, axes in self.inputs.items()}
        dummy = {k: np.empty(s) for k, s in shapes.items()}
        for t in self.terms:
            if t.operands and t.raw is None:
                self._path(t, self._operands(t, dummy, sizes, precomputed=True)[0])
        return self

    def _operands(self, t: _CompiledTerm, arrays: dict[str, np.ndarray], sizes: dict[str, int],
                  precomputed: bool = False) -> tuple[list[np.ndarray], list[bool]]:
        """The term's operands, and which of them were computed for this call (and so may be
        overwritten); the caller's arrays never are.  ``precomputed``: only their shapes count."""
        out, owned = [], []
        for op in t.operands:
            if op.kind == "kd":
                out.append(np.eye(sizes[op.range]))
                owned.append(True)
                continue
            if precomputed and op.arg in self._hidden:
                out.append(np.empty(self._hidden_shape(op.arg, sizes)))
                owned.append(True)
                continue
            if op.kind in ("fn", "softmax", "logsoftmax") and not precomputed or op.recip \
                    or op.arg in self._hidden:
                val = self._getter(op, arrays, sizes)(arrays)
                out.append(val)
                owned.append(all(_root(val) is not _root(a) for a in arrays.values()))
                continue
            out.append(arrays[op.arg] if op.arg in arrays else arrays[op.saved])
            owned.append(False)
        return out, owned

    def _hidden_shape(self, key: str, sizes: dict[str, int]) -> tuple[int, ...]:
        axes = self.net.families[int(key[1:])].axes
        lead = (self.default_sizes.get("batch", 1),) if self._batched[key] else ()
        return lead + tuple(sizes[r] for r in axes)

    def _path(self, t: _CompiledTerm, ops: list[np.ndarray]) -> list[Step]:
        """The term's contraction as pairwise steps, planned once per set of shapes."""
        key = tuple(o.shape for o in ops)
        if key not in t.paths:
            t.paths[key] = _plan(t.spec, ops)
        return t.paths[key]

    def sizes_of(self, arrays: dict[str, np.ndarray]) -> tuple[dict[str, int], int | None]:
        """The range sizes (and the batch size) read from the arrays' shapes, checked for
        consistency."""
        sizes: dict[str, int] = {}
        batch = None
        given = list(self.inputs.items())
        given += [(k, self.inputs[arg]) for k, arg in self.saved.items() if k in arrays]
        for k, axes in given:
            if k not in arrays:
                saved = [s for s, a in self.saved.items() if a == k]
                if k not in self._direct and saved and all(s in arrays for s in saved):
                    continue  # read only through h, whose saved values are given
                raise UnsupportedError(f"missing argument {k}", hint="arguments: " + ", ".join(
                    f"{n} {a}" for n, a in self.inputs.items()))
            shape = np.shape(arrays[k])
            if len(shape) != len(axes):
                raise UnsupportedError(f"argument {k} has {len(shape)} axes; it needs {len(axes)} {axes}")
            for r, n in zip(axes, shape):
                if r == "batch":
                    if batch not in (None, n):
                        raise UnsupportedError(f"argument {k}: batch size {n}, elsewhere {batch}")
                    batch = n
                elif sizes.setdefault(r, n) != n:
                    raise UnsupportedError(f"argument {k}: range {r} has size {n}, elsewhere {sizes[r]}")
        return sizes, batch

    def __call__(self, sizes: dict[str, int] | None = None, **arrays: np.ndarray) -> np.ndarray:
        """The value for these arrays; ``sizes`` gives the sizes no argument shows (``K`` in
        ``2 K``), by default those given to :meth:`precompute`."""
        shapes = []
        for k, v in arrays.items():
            if type(v) is not np.ndarray or (v.dtype is not _F64 and v.dtype != _F64):
                v = arrays[k] = np.asarray(v, dtype=float)
            shapes.append((k, v.shape))
        key = (tuple(shapes), tuple(sorted(sizes.items())) if sizes else ())
        # the arguments were checked at an earlier call with the same names and shapes, and its
        # program (every operand, step and copy worked out) serves this one: only the NumPy calls
        program = self._calls.get(key)
        if program is None:
            program = self._program(*self._check_call(sizes, arrays), arrays)
            self._calls[key] = program
            if len(self._calls) > 64:  # a bounded memo: many shapes, each checked once
                self._calls.pop(next(iter(self._calls)))
        return program.run(arrays)

    def _program(self, sizes: dict[str, int], batch: int | None, shape: tuple[int, ...],
                 arrays: dict[str, np.ndarray]) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
        """The call for arguments of these names and shapes as a program: for each term, how to
        get its operands, its contraction's steps (:func:`_plan`; the BLAS layout of each
        ``dot``, which product may be written in place), its coefficient and broadcast; and
        whether the sum must be copied (a view of an argument is never returned).  Worked out
        by running the call once on ``arrays``: the decisions depend only on the names and
        shapes of the arguments, which the program's key fixes."""
        parts: list[tuple] = []
        total: np.ndarray | None = None
        fresh = True
        chunked = None
        for t in self.terms:
            coeff = t.coeff
            for s in t.sizes:
                coeff *= sizes[s]
            if t.batch_free and self.batch == "sum" and batch is not None:
                coeff *= batch
            if t.raw is not None:  # shifted positions: gathered, one einsum (shifted.term_value)
                def root(args: dict[str, np.ndarray], t: _CompiledTerm = t) -> np.ndarray:
                    return self._shifted_value(t, args, sizes, shape)
                parts.append((root, 1.0, (), False))
                val = root(arrays)
                total, fresh = (val, True) if total is None else (total + val, True)
                continue
            if t.operands:
                getters = [self._getter(op, arrays, sizes) for op in t.operands]
                ops, owned = self._operands(t, arrays, sizes)
                plan = self._path(t, ops)
                steps, val, mine = _compile_steps(plan, ops, owned)
                if len(self.terms) == 1 and coeff == 1.0 and not t.expand:
                    chunked = self._chunked(t, plan, steps, getters, arrays, shape)
                if coeff != 1.0:
                    val, mine = val * coeff, True
            else:
                getters, steps, mine = [], [], True
                val = np.array(coeff)
            for k in t.expand:
                val = np.expand_dims(val, k)
            spread = val.shape != shape
            if spread:
                val = np.broadcast_to(val, shape)
            parts.append((_tree(getters, steps) if getters else None, coeff, tuple(t.expand), spread))
            if total is None:
                total, fresh = val, mine
            else:
                total, fresh = total + val, True
        copy = total is not None and (not total.flags.writeable or (
            not fresh and id(_root(total)) in {id(_root(a)) for a in arrays.values()}))
        if chunked is not None and not copy and len(parts) == 1 and not parts[0][3]:
            parts = [(chunked, 1.0, (), False)]
        return _Program(parts, shape, copy)

    def _chunked(self, t: _CompiledTerm, plan: list, steps: list[tuple], getters: list[Callable],
                 arrays: dict[str, np.ndarray], shape: tuple[int, ...]
                 ) -> Callable[[dict[str, np.ndarray]], np.ndarray] | None:
        """The term's last step, ``x * h^{(n)}(a)`` with ``h(a)`` saved, as a pass in chunks
        (:func:`_chunked_product`), or ``None`` where that does not apply: a result of fewer than
        :data:`CHUNK_MIN` values; a last step that is no elementwise product or transposes; no
        operand of it that is an activation's derivative from a saved value of the result's shape,
        polynomial in that value (:data:`POLYNOMIAL_FROM_VALUE`), the other one computed by the
        steps before.  The derivative is then never held whole (one array of the result's size
        less, its passes in cache), and the values are the whole-array program's, bit for bit:
        the same elementwise operations on the same numbers."""
        if math.prod(shape) < CHUNK_MIN or not plan or plan[-1][1] != "mul" \
                or list(plan[-1][2]) != sorted(plan[-1][2]):
            return None
        n = len(getters)
        slots = steps[-1][1]
        for k, other in (slots, slots[::-1]):
            if k >= n or other < n:
                continue
            op = t.operands[k]
            act = self.activations.get(op.fn, "")
            if op.kind != "fn" or op.recip or op.saved not in arrays or act not in POLYNOMIAL_FROM_VALUE \
                    or arrays[op.saved].shape != shape:
                continue
            return functools.partial(_chunked_product, _tree(getters, steps[:other - n + 1]), op.saved,
                                     FROM_VALUE[act], op.order)
        return None

    def _getter(self, op: _Operand, arrays: dict[str, np.ndarray], sizes: dict[str, int]
                ) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
        """How a call gets the operand ``op`` from its arguments (as :meth:`_operands` does)."""
        if op.kind == "kd":
            n = sizes[op.range]
            return lambda _: np.eye(n)
        if op.arg in self._hidden:  # computed from its definition, at each call
            sub = self._hidden[op.arg]
            keys = [*sub.inputs, *sub.saved]
            sub_sizes = {r: sizes[r] for r in sub.ranges if r in sizes}

            def get(a: dict[str, np.ndarray]) -> np.ndarray:
                return sub(sub_sizes, **{k: a[k] for k in keys if k in a})
        else:
            get = operator.itemgetter(op.arg if op.arg in arrays else op.saved)
        if op.kind in ("softmax", "logsoftmax"):
            g, logits = (_softmax if op.kind == "softmax" else _log_softmax), get

            def get(a: dict[str, np.ndarray]) -> np.ndarray:
                return g(logits(a))
        elif op.kind == "fn":
            if op.saved in arrays:
                f, get = FROM_VALUE[self.activations[op.fn]], operator.itemgetter(op.saved)
            else:
                f = ACTIVATIONS[self.activations[op.fn]]
            order, arg = op.order, get

            def get(a: dict[str, np.ndarray]) -> np.ndarray:
                return f(arg(a), order)
        if op.recip:
            value = get
            return lambda a: _reciprocal(value(a))
        return get

    def _check_call(self, sizes: dict[str, int] | None, arrays: dict[str, np.ndarray]
                    ) -> tuple[dict[str, int], int | None, tuple[int, ...]]:
        """Check a call's arguments (names, axes, sizes); its sizes, batch size and result shape."""
        unknown = set(arrays) - set(self.inputs) - set(self.saved)
        if unknown:
            raise UnsupportedError(f"unexpected argument {sorted(unknown)[0]}",
                                   hint="arguments: " + (", ".join([*self.inputs, *self.saved]) or "none"))
        found, batch = self.sizes_of(arrays)
        sizes = self.net.complete({**self.default_sizes, **(sizes or {}), **found})  # M from I = J + M - 1
        if batch is None and self.batch is not None:  # no argument shows it: sizes['batch']
            batch = sizes.get("batch")
            if batch is None:
                raise UnsupportedError("the batch size is not known from the arguments",
                                       hint="pass sizes={'batch': ...}")
        missing = [r for r in self.ranges if r not in sizes]
        if missing:
            raise UnsupportedError(f"the size of {missing[0]} is not known from the arguments",
                                   hint=f"pass sizes={{{missing[0]!r}: ...}}")
        shape = ((batch,) if self.batch == "keep" and batch is not None else ()) + \
            tuple(sizes[r] for _, r in self.free)
        return sizes, batch, shape

    def __repr__(self) -> str:
        args = ", ".join(f"{k}{list(v)}" for k, v in self.inputs.items())
        out = ", ".join(f"{n}:{r}" for n, r in self.free)
        return f"<lambdified ({args}) -> [{out}], {len(self.terms)} term(s)>"


_F64 = np.dtype(np.float64)


def _softmax_sum(net: Network, acts: dict[str, str], fam: int) -> int | None:
    """The family ``X`` if the hidden family ``fam`` is ``\\sum_l \\exp(X_l)`` (a softmax's
    denominator over the one axis of ``X``), else ``None``."""
    d = net.definitions.get(fam)
    if not calculus.is_hidden(net, fam) or d is None or len(d.terms) != 1 or net.families[fam].axes:
        return None
    (t,) = d.terms
    if t.coeff != 1 or t.sizes or len(t.dummies) != 1 or len(t.factors) != 1:
        return None
    f = view(t.factors[0])
    if f.tag != "fn" or acts.get(f.name) != "exp" or f.idx != (("d", 0),):
        return None
    return f.fam if len(net.families[f.fam].axes) == 1 else None

def softmax_pairs(net: Network, acts: dict[str, str], t: Term) -> tuple[dict[int, int], set[int]]:
    """In a term, each ``\\exp(X_k)`` paired with a ``1/\\sum_l \\exp(X_l)``: position of the exp
    -> ``X``, and the positions of the reciprocals taken into them (evaluated as one stable
    softmax: ``\\exp(X_k - m) / \\sum_l \\exp(X_l - m)``, ``m`` the largest ``X_l``)."""
    fused: dict[int, int] = {}
    skip: set[int] = set()
    for k, f in enumerate(t.factors):
        if f.tag != "inv" or view(f).fn:
            continue
        x = _softmax_sum(net, acts, f.fam)
        if x is None:
            continue
        exps = [j for j, g in enumerate(t.factors) if j not in fused and g.tag == "fn" and g.fam == x
                and acts.get(view(g).name) == "exp"]
        if exps:
            fused[exps[0]] = x
            skip.add(k)
    return fused, skip

def log_softmax_of(net: Network, acts: dict[str, str], f: tuple) -> int | None:
    """``X`` if ``f`` is the logarithm of a hidden family ``\\exp(X_k) / \\sum_l \\exp(X_l)``
    (the logarithm of a softmax written out): computed as
    ``X_k - m - \\ln \\sum_l \\exp(X_l - m)``, never ``\\ln(\\exp(\\dots))``."""
    if f.tag != "fn":
        return None
    g = view(f)
    if g.order != 0 or acts.get(g.name) != "log" or not calculus.is_hidden(net, g.fam):
        return None
    d = net.definitions.get(g.fam)
    if d is None or len(d.terms) != 1 or len(net.families[g.fam].axes) != 1:
        return None
    (t,) = d.terms
    if t.coeff != 1 or t.sizes or t.dummies or len(t.factors) != 2:
        return None
    fused, skip = softmax_pairs(net, acts, t)
    if len(fused) != 1 or len(skip) != 1:
        return None
    ((k, x),) = fused.items()
    return x if view(t.factors[k]).idx == (("f", "#0"),) else None


def _softmax(x: np.ndarray) -> np.ndarray:
    """The softmax over the last axis, with its largest entry subtracted (no overflow).

    >>> _softmax(np.array([1000.0, 0.0, -1000.0]))
    array([1., 0., 0.])
    """
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(x: np.ndarray) -> np.ndarray:
    """The logarithm of the softmax over the last axis by log-sum-exp, the largest entry
    subtracted: finite for any finite logits.

    >>> _log_softmax(np.array([1000.0, 0.0, -1000.0]))
    array([    0., -1000., -2000.])
    """
    s = x - np.max(x, axis=-1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def _reciprocal(x: np.ndarray) -> np.ndarray:
    """``1/x``, ``inf`` at 0 (never a number made up)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.reciprocal(np.asarray(x, dtype=float))


class _Program:
    """One call of a :class:`Lambdified` for arguments of given names and shapes, worked out:
    see :meth:`Lambdified._program`.  Each term is one function of the arguments (its
    contraction tree as nested calls, :func:`_tree`); the common case, one term with nothing to
    scale, spread or copy, is that function itself (:attr:`run`)."""

    __slots__ = ("parts", "shape", "copy", "run")

    def __init__(self, parts: list[tuple], shape: tuple[int, ...], copy: bool) -> None:
        self.parts, self.shape, self.copy = parts, shape, copy
        self.run: Callable[[dict[str, np.ndarray]], np.ndarray] = self._general
        if len(parts) == 1 and not copy:
            root, coeff, expand, spread = parts[0]
            if root is not None and coeff == 1.0 and not expand and not spread:
                self.run = root

    def _general(self, arrays: dict[str, np.ndarray]) -> np.ndarray:
        total: np.ndarray | None = None
        for root, coeff, expand, spread in self.parts:
            if root is not None:
                val = root(arrays)
                if coeff != 1.0:
                    val = val * coeff
            else:
                val = np.array(coeff)
            for k in expand:
                val = np.expand_dims(val, k)
            if spread:
                val = np.broadcast_to(val, self.shape)
            total = val if total is None else total + val
        if total is None:
            return np.zeros(self.shape)
        return np.array(total) if self.copy else total


#: a result of at least this many values has its last product with an activation's derivative
#: from a saved value done in chunks of :data:`CHUNK` values (:meth:`Lambdified._chunked`)
CHUNK_MIN = 1 << 20
CHUNK = 1 << 15
#: the activations whose derivatives from the saved value are polynomials in it (elementwise
#: sums and products only: the same bits whether computed whole or in chunks)
POLYNOMIAL_FROM_VALUE = frozenset({"tanh", "logistic", "sigmoid"})


def _chunked_product(other: Callable[[dict[str, np.ndarray]], np.ndarray], saved: str,
                     f: Callable[[np.ndarray, int], np.ndarray], order: int, a: dict[str, np.ndarray]
                     ) -> np.ndarray:
    """``other(a) * f(a[saved], order)``, ``f`` applied chunk by chunk and each chunk's product
    written into ``other``'s value (computed for this call; never an argument's memory: else,
    as where the shapes or layouts differ, one whole product into a new array).

    >>> import numpy as np
    >>> s = np.linspace(-0.9, 0.9, 5)
    >>> _chunked_product(lambda a: np.ones(5) * 2, "s", lambda v, n: 1 - v * v, 1, {"s": s})
    array([0.38 , 1.595, 2.   , 1.595, 0.38 ])
    """
    g, s = other(a), a[saved]
    if g.shape != s.shape or not (g.flags.c_contiguous and g.flags.writeable and s.flags.c_contiguous) \
            or any(_root(g) is _root(v) for v in a.values()):
        return np.multiply(g, f(s, order))
    gf, sf = g.reshape(-1), s.reshape(-1)
    for c in range(0, gf.size, CHUNK):
        seg = gf[c:c + CHUNK]
        np.multiply(seg, f(sf[c:c + CHUNK], order), out=seg)
    return g


def _tree(getters: list[Callable], steps: list[tuple]) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    """A term's operands and steps (:func:`_compile_steps`) as one function of the arguments:
    each step a call on the results of the steps (or operands) it reads, which no other step
    reads (a contraction is a tree), so an intermediate array lives only until it is used."""
    def build(slot: int) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
        if slot < len(getters):
            return getters[slot]
        fn, slots = steps[slot - len(getters)]
        kids = [build(k) for k in slots]
        if len(kids) == 1:
            (k0,) = kids
            return lambda a: fn(k0(a))
        if len(kids) == 2:
            k0, k1 = kids
            return lambda a: fn(k0(a), k1(a))
        return lambda a: fn(*[k(a) for k in kids])
    return build(len(getters) + len(steps) - 1)


def _compile_steps(steps: list[Step], ops: list[np.ndarray], owned: list[bool]
                   ) -> tuple[list[tuple], np.ndarray, bool]:
    """The steps of a plan carried out on ``ops`` (arrays marked ``owned``, computed for this
    call, may be overwritten), each recorded with its decisions made (the layout of a ``dot``;
    whether a product is written into its first operand, its second, or a new array) as
    ``(function, the slots of its operands)``: slot ``k < len(ops)``
    holds operand ``k``, slot ``len(ops) + s`` the result of step ``s``; the result is the last.
    These are the steps of a :class:`_Program`.  Returns them, the result and whether it is owned."""
    live = list(zip(ops, owned, range(len(ops))))
    out: list[tuple] = []
    for step, kind, detail in steps:
        picked = [live[i] for i in step]
        for i in sorted(step, reverse=True):
            del live[i]
        if kind == "mul":
            (x, ox, _), (y, oy, _) = picked
            perm = tuple(detail) if list(detail) != sorted(detail) else None
            if perm is not None:
                y = np.asarray(y).transpose(perm)
            if ox and isinstance(x, np.ndarray) and x.ndim and x.flags.writeable:
                fn = _mul_into_x(perm)
            elif oy and y.ndim and y.flags.writeable and y.flags.c_contiguous:
                fn = _mul_into_y(perm)
            else:
                fn = _mul_new(perm)
            val, mine = fn(picked[0][0], picked[1][0]), True
        elif kind == "dot":
            fn = _dot_program(picked[0][0].shape, picked[1][0].shape, detail)
            val, mine = fn(picked[0][0], picked[1][0]), True
        else:
            fn = functools.partial(np.einsum, detail)
            val, mine = fn(*(p for p, _, _ in picked)), len(picked) > 1
        out.append((fn, tuple(p[2] for p in picked)))
        live.append((val, mine, len(ops) + len(out) - 1))
    return out, live[0][0], live[0][1]


def _mul_into_x(perm: tuple[int, ...] | None) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    if perm is None:
        return lambda x, y: np.multiply(x, y, out=x)
    return lambda x, y: np.multiply(x, np.asarray(y).transpose(perm), out=x)


def _mul_into_y(perm: tuple[int, ...] | None) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    if perm is None:
        return lambda x, y: np.multiply(x, y, out=y)

    def into(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y).transpose(perm)
        return np.multiply(x, y, out=y)
    return into


def _mul_new(perm: tuple[int, ...] | None) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    if perm is None:
        return lambda x, y: np.asarray(x * y)
    return lambda x, y: np.asarray(x * np.asarray(y).transpose(perm))


def _dot_program(shx: tuple[int, ...], shy: tuple[int, ...], axes: tuple[list[int], list[int]]
                 ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """:func:`_dot` for operands of these shapes, its recipe looked up now; a plain matrix
    product (no transposition, no reshaping) is ``x @ y`` itself."""
    batched, px, sx, py, sy, out = _dot_recipe(shx, shy, list(axes[0]), list(axes[1]))
    if not batched and px is None and py is None and len(shx) == 2 and tuple(sx) == shx:
        if tuple(sy) == shy and tuple(out) == (shx[0], shy[1]):
            return operator.matmul
        return lambda x, y: (x @ y.reshape(sy)).reshape(out)

    def dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if px is not None:
            x = x.transpose(px)
        if py is not None:
            y = y.transpose(py)
        if batched:
            return np.matmul(x.reshape(sx), y.reshape(sy)).sum(axis=0).reshape(out)
        return np.dot(x.reshape(sx), y.reshape(sy)).reshape(out)
    return dot


Step = tuple  # (operand positions, kind 'mul' | 'dot' | 'einsum', details)


def _plan(spec: str, ops: list[np.ndarray]) -> list[Step]:
    """A term's contraction as pairwise steps along NumPy's greedy path: an elementwise product
    (``mul``), a BLAS contraction (``dot``, :func:`numpy.tensordot`, whose result is laid out
    contiguously) or, when neither fits, a two-operand ``einsum``."""
    ins, out = spec.split("->")
    live = ins.split(",")
    path = np.einsum_path(spec, *ops, optimize="greedy")[0][1:] if len(ops) > 1 else []
    steps: list[Step] = []
    for step in path:
        picked = [live[i] for i in step]
        for i in sorted(step, reverse=True):
            del live[i]
        needed = set(out) | {c for s in live for c in s}
        inside = "".join(dict.fromkeys("".join(picked)))
        if len(picked) == 2 and _lead(picked[1], out) < _lead(picked[0], out):
            step, picked = (step[1], step[0]), [picked[1], picked[0]]
        x, y = picked if len(picked) == 2 else (picked[0], "")
        shared = set(x) & set(y)
        lone = [c for c in inside if c not in needed and (c in x) != (c in y)]
        if len(picked) == 2 and set(x) == set(y) and set(x) <= needed and len(set(x)) == len(x) == len(y):
            res = x
            steps.append((tuple(step), "mul", tuple(y.index(c) for c in x)))
        elif (len(picked) == 2 and not lone and not (shared & needed)
              and len(set(x)) == len(x) and len(set(y)) == len(y)):
            res = "".join(c for c in x if c not in shared) + "".join(c for c in y if c not in shared)
            order = [c for c in x if c in shared]
            axes = ([x.index(c) for c in order], [y.index(c) for c in order])
            steps.append((tuple(step), "dot", axes))
        else:
            res = "".join(sorted((c for c in inside if c in needed),
                                 key=lambda c: out.index(c) if c in out else len(out) + inside.index(c)))
            steps.append((tuple(step), "einsum", ",".join(picked) + "->" + res))
        live.append(res)
    if live != [out]:
        steps.append(((0,), "einsum", f"{live[0]}->{out}"))
    return steps


def _lead(sub: str, res: str) -> int:
    return min((res.index(c) for c in sub if c in res), default=len(res))


def _dot(x: np.ndarray, y: np.ndarray, axes: tuple[list[int], list[int]]) -> np.ndarray:
    """:func:`numpy.tensordot` of ``x`` and ``y`` over ``axes``, as a batched ``matmul`` when both
    lead with a contracted axis (``Σ_n Σ_l δ[n, j, l] z[n, i, l]``): ``tensordot`` would first copy
    both into ``(j, n l)`` and ``(n l, i)`` matrices, while ``x[n] @ y[n].T``, summed over ``n``,
    reads them in place (BLAS takes the transposed view as it is) and holds only the ``n``
    partial products, when those are smaller than the operands.  The transpositions and shapes
    are worked out once per pair of shapes (:func:`_dot_recipe`), not at every call."""
    key = (x.shape, y.shape, tuple(axes[0]), tuple(axes[1]))
    recipe = _RECIPES.get(key)
    if recipe is None:
        recipe = _RECIPES[key] = _dot_recipe(x.shape, y.shape, *axes)
        if len(_RECIPES) > 4096:
            _RECIPES.clear()
    batched, px, sx, py, sy, out = recipe
    if px is not None:
        x = x.transpose(px)
    if py is not None:
        y = y.transpose(py)
    if batched:
        return np.matmul(x.reshape(sx), y.reshape(sy)).sum(axis=0).reshape(out)
    return np.dot(x.reshape(sx), y.reshape(sy)).reshape(out)


_RECIPES: dict[tuple, tuple] = {}


def _root(a: np.ndarray) -> object:
    """The array that owns ``a``'s memory (``a`` itself, or the base of a view of it)."""
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a


def _dot_recipe(shx: tuple[int, ...], shy: tuple[int, ...], ax: list[int], ay: list[int]) -> tuple:
    """How :func:`_dot` contracts operands of these shapes: (batched, x's transposition or None,
    x's shape for the product, the same for y, the result's shape)."""
    fx = [a for a in range(len(shx)) if a not in ax]
    fy = [a for a in range(len(shy)) if a not in ay]
    out = tuple(shx[a] for a in fx) + tuple(shy[a] for a in fy)
    xp = math.prod(shx[a] for a in fx)
    yp = math.prod(shy[a] for a in fy)
    lead = next((k for k in range(len(ax)) if ax[k] == 0 and ay[k] == 0), None)
    if lead is not None and len(ax) > 1:
        cx = [a for k, a in enumerate(ax) if k != lead]
        cy = [a for k, a in enumerate(ay) if k != lead]
        n, cp = shx[0], math.prod(shx[a] for a in cx)
        if n * xp * yp <= (math.prod(shx) + math.prod(shy)) // 2:
            px, py = [0, *fx, *cx], [0, *cy, *fy]
            return (True, _perm(px), (n, xp, cp), _perm(py), (n, cp, yp), out)
    cp = math.prod(shx[a] for a in ax)
    return (False, _perm([*fx, *ax]), (xp, cp), _perm([*ay, *fy]), (cp, yp), out)


def _perm(p: list[int]) -> tuple[int, ...] | None:
    return None if p == sorted(p) else tuple(p)


def lambdify(net: Network, expr: Expr | str, free: list[tuple[str, str]] | str | None = None, *,
             activation: str | dict[str, str] = "tanh", batch: str | None = None,
             sizes: dict[str, int] | None = None, batch_size: int = 1) -> Lambdified:
    """A normal form (or a LaTeX expression, read against ``net``) as a NumPy function.

    Each term is one ``einsum`` (no Python loop over scalars); with ``sizes`` the contraction
    path of every term is found now, otherwise at the first call for each set of shapes.  The
    function takes every quantity the expression mentions by keyword (:func:`argument_name`:
    ``w_kj``, ``z_j``, ``delta_k``); ``h(a_j)``, ``h'(a_j)`` are computed from ``a_j`` with
    ``activation`` (a name from :data:`ACTIVATIONS`, or a dict function name -> name; functions the
    network declares concrete keep their declaration).  ``free`` gives the output axes: a
    string of index letters (``"ji"``) for a LaTeX expression, pairs (name, range) for an
    :class:`~symbp.model.normal_form.Expr`; by default, the free letters in order of first appearance.
    ``batch='keep'`` gives every non-parameter array a leading batch axis and keeps it in the
    result (per-example quantities, like ``δ``); ``batch='sum'`` sums over it (the gradient of
    the total error of a batch).

    >>> from symbp import builtin
    >>> net = builtin("plain")
    >>> f = lambdify(net, r"h'(a_j) \\sum_k w_{kj} \\delta_k")
    >>> f
    <lambdified (a_j['J'], delta_k['K'], w_kj['K', 'J']) -> [j:J], 1 term(s)>
    >>> f(a_j=np.zeros(2), w_kj=np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), delta_k=np.ones(3))
    array([ 9., 12.])
    >>> g = lambdify(net, r"\\delta_j z_i", batch="sum")
    >>> g(delta_j=np.ones((5, 3)), z_i=np.ones((5, 2))).shape
    (3, 2)
    """
    if isinstance(expr, str):
        expr, default_free = _read(net, expr, free if isinstance(free, str) else None)
        if free is None or isinstance(free, str):
            free = default_free
    elif free is None:
        free = _default_free(net, expr)
    assert not isinstance(free, str)
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise UnsupportedError(f"unknown activation {activation!r}",
                                   hint=f"choose one of: {', '.join(ACTIVATIONS)}")
        acts = {name: activation for name in net.functions}
    else:
        acts = dict(activation)
    acts.update(net.activations)
    f = Lambdified(net, expr, free, acts, batch)
    if sizes is not None:
        f.precompute(sizes, batch_size)
    return f


def _default_free(net: Network, expr: Expr) -> list[tuple[str, str]]:
    ranges: dict[str, str] = {}
    for t in expr.terms:
        for fac in t.factors:
            if fac.tag in ("kd", "rng"):
                continue
            for i, r in zip(fac.idx, net.families[fac.fam].axes):
                if i[0] == "f":
                    ranges.setdefault(i[1], r)
    missing = expr.free() - set(ranges)
    if missing:
        raise UnsupportedError(f"cannot tell the range of the free index {sorted(missing)[0]}",
                               hint="pass free=[(name, range), ...]")
    return sorted(ranges.items())


def _read(net: Network, latex: str, order: str | None) -> tuple[Expr, list[tuple[str, str]]]:
    """A LaTeX expression read against ``net``: its normal form and its free indices, in the order
    ``order`` (letters) or of first appearance."""
    from ..latex.parser import parse_expression
    from .semantics import Interpreter, free_letters, infer_letters

    node = parse_expression(latex, net.functions)
    letters, problems = infer_letters(net, [node])
    if problems:
        raise UnsupportedError(problems[0].message, offset=problems[0].pos)
    probs: list = []
    fl = free_letters(node, net, probs)
    if probs:
        raise UnsupportedError(probs[0].message, offset=probs[0].pos)
    names = sorted(fl, key=lambda x: fl[x]) if order is None else list(order)
    if set(names) != set(fl):
        raise UnsupportedError(f"free={order!r}, but the free letters are {''.join(sorted(fl))}")
    env, free = {}, []
    for x in names:
        rs = letters.get(x) or net.letter_ranges(x) or ()
        comps = components(x, rs)
        env[x] = comps
        free.extend(zip(comps, rs))
    return Interpreter(net, letters).expression(node, env), free
