"""Concrete sizes and numbers: evaluation of normal forms with ``einsum``.

Two kinds of instance are used by the checker:

* :class:`FormalInstance` gives every atom (``w_{ji}``, ``a_j``, ``h'(a_j)``, ``δ_k``) an
  independent random integer.  Two sides that agree here agree as *formal* expressions at these
  sizes, for every ``h`` and ``E`` (a polynomial identity test, exact in integer arithmetic).
* :class:`NetworkInstance` runs the network: random inputs and weights, the forward pass, a
  concrete ``h`` and ``E``.  A difference here is a genuine counterexample, with numbers.

Every sum over an index is one ``einsum`` contraction; nothing loops over scalars in Python.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .algebra import Expr, Term, check_deadline, factor_indices
from .errors import ResourceLimitError, UnsupportedError
from .network import Network, declare  # noqa: F401  (doctest)

__all__ = ["ACTIVATIONS", "ERRORS", "FormalInstance", "NetworkInstance", "evaluate", "size_plans"]


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


def _tanh(x: np.ndarray, order: int) -> np.ndarray:
    t = np.tanh(x)
    return [t, 1 - t**2, -2 * t * (1 - t**2), (6 * t**2 - 2) * (1 - t**2)][order]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * x))


def _logistic(x: np.ndarray, order: int) -> np.ndarray:
    s = _sigmoid(x)
    return [s, s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s**2)][order]


def _softplus(x: np.ndarray, order: int) -> np.ndarray:
    if order == 0:
        return np.logaddexp(0, x)
    return _logistic(x, order - 1)


def _identity(x: np.ndarray, order: int) -> np.ndarray:
    return [x, np.ones_like(x), np.zeros_like(x), np.zeros_like(x)][order]


#: concrete activations: name -> f(x, derivative order)
ACTIVATIONS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "tanh": _tanh, "logistic": _logistic, "softplus": _softplus, "identity": _identity,
}
#: concrete errors: name -> (description, dE/dy given outputs y and targets t)
ERRORS: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "sum-of-squares": ("E = 1/2 sum (y - t)^2", lambda y, t: y - t),
    "softplus-sum": ("E = sum (log(1 + e^y) - t y)", lambda y, t: _sigmoid(y) - t),
}


def size_plans(net: Network) -> list[dict[str, int]]:
    """Concrete sizes to try.  In each plan the sizes differ from each other (so ``w_{kj}`` and
    ``w_{jk}`` cannot agree by accident); the second plan has a range of size 1; there are
    ``n + 1`` plans for ``n`` ranges (at least 3, at most 6), spread so that a relation between
    sizes such as ``J = I + 1`` does not hold at all of them.  This makes a wrong equation
    unlikely to pass; it proves nothing, which is why such a verdict names its sizes.

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
    return plans


def _atom_key(f: tuple) -> tuple:
    if f[0] in ("ref", "grad"):
        return (f[0], f[1])
    return ("fn", f[1], f[2], f[3])


def evaluate(net: Network, expr: Expr, sizes: dict[str, int], atom: Callable[[tuple], np.ndarray],
             free: list[tuple[str, str]], dtype: type = float) -> np.ndarray:
    """``expr`` as an array over the ``free`` indices (pairs name, range), in that order."""
    shape = _bounded(tuple(sizes[r] for _, r in free), "one side over its free indices")
    total = np.zeros(shape, dtype=dtype)
    if dtype is object:
        total = np.full(shape, Fraction(0), dtype=object)
    free_pos = {name: k for k, (name, _) in enumerate(free)}
    for t in expr.terms:
        total = total + _term(net, t, sizes, atom, free, free_pos, shape, dtype)
    return total


def _term(net: Network, t: Term, sizes: dict[str, int], atom: Callable[[tuple], np.ndarray],
          free: list[tuple[str, str]], free_pos: dict[str, int], shape: tuple[int, ...],
          dtype: type) -> np.ndarray:
    letters: dict[tuple, str] = {}
    ranges: dict[tuple, str] = {}
    if len(free) + len(t.dummies) > len(string.ascii_letters):
        raise ResourceLimitError(f"a term with {len(free) + len(t.dummies)} indices is more than a "
                                 f"numeric check handles ({len(string.ascii_letters)})")
    alphabet = iter(string.ascii_letters)
    for name, r in free:
        letters[("f", name)] = next(alphabet)
        ranges[("f", name)] = r
    for n, r in enumerate(t.dummies):
        letters[("d", n)] = next(alphabet)
        ranges[("d", n)] = r
    ops, subs = [], []
    for f in t.factors:
        idx = list(factor_indices(f))
        if f[0] == "kd":
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
        # undeclared functions get different concrete activations (h and g must not coincide)
        cycle = ["tanh", "softplus", "logistic"]
        start = cycle.index(self.activation) if self.activation in cycle else 0
        free_names = sorted(set(self.net.functions) - set(self.net.activations))
        self.kinds = {name: cycle[(start + n) % len(cycle)] for n, name in enumerate(free_names)}
        self.kinds.update(self.net.activations)

    def shape(self, fam: int) -> tuple[int, ...]:
        return _bounded(tuple(self.sizes[r] for r in self.net.families[fam].axes), "one family")

    def value(self, fam: int) -> np.ndarray:
        if ("ref", fam) not in self.cache:
            d = self.net.definitions.get(fam)
            if d is None:
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
        if f[0] == "ref":
            return self.value(f[1])
        if f[0] == "fn":
            if f[2] > 3:
                raise UnsupportedError(f"derivative of order {f[2]} of {f[1]}",
                                       hint="symbp evaluates derivatives of h up to the third")
            return ACTIVATIONS[self.kinds.get(f[1], self.activation)](self.value(f[3]), f[2])
        if f[0] == "grad":
            if f[1] not in self.net.outputs:
                raise AssertionError("evaluate the ground form: δ of hidden layers must be expanded")
            if f[1] in self.net.targets:  # a declared error: its targets are the network's t
                return self.value(f[1]) - self.value(self.net.targets[f[1]])
            return self.dE(self.value(f[1]), self.target(f[1]))
        raise AssertionError(f)

    def describe(self) -> dict:
        acts = self.kinds
        h = (next(iter(acts.values())) if len(acts) == 1 else
             ", ".join(f"{k} = {v}" for k, v in sorted(acts.items()))) or self.activation
        e = ERRORS["sum-of-squares" if self.net.error_kind else self.error][0]
        return {"h": h, "E": e, "seed": self.seed}
