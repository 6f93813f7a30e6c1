"""SymPy views of networks and normal forms, for notebooks and for SymPy users.

``to_sympy`` turns an :class:`~symbp.algebra.Expr` into ordinary SymPy objects: ``Indexed``
quantities over ``Idx`` indices with symbolic ranges, ``Sum``, an undefined ``Function`` ``h``
with ``Derivative`` for ``h'``, ``KroneckerDelta``.  ``forward_equations`` gives the network's
forward pass the same way.  Only this module (and the printer, for display) imports SymPy, so
``symbp check`` does not pay for it.

>>> from symbp import builtin
>>> net = builtin("shared")
>>> [str(eq) for eq in forward_equations(net)][1]
'Eq(a[j, l], Sum(w[j, i]*z[i, l], (i, 1, I)))'
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .algebra import Expr
from .network import Network

__all__ = ["forward_equations", "to_sympy"]


def _idx(net: Network, name: str, range_name: str) -> sp.Idx:
    return sp.Idx(sp.Symbol(name, integer=True), (1, sp.Symbol(range_name, integer=True, positive=True)))


def to_sympy(net: Network, expr: Expr, names: dict[str, str] | None = None) -> Any:
    """``expr`` as a SymPy expression; ``names`` maps free index names to letters."""
    names = dict(names or {})
    free_ranges = _free_ranges(net, expr)
    out = sp.Integer(0)
    for t in expr.terms:
        used = set(names.values()) | {n for n in expr.free()}
        letters: dict[tuple, sp.Idx] = {}
        for name in expr.free():
            letters[("f", name)] = _idx(net, names.get(name, name), free_ranges.get(name, "N"))
        dummies = []
        for n, r in enumerate(t.dummies):
            (letter,) = net.letters_for([r], used)
            used.add(letter)
            i = _idx(net, letter, r)
            letters[("d", n)] = i
            dummies.append(i)
        body: Any = sp.Rational(t.coeff.numerator, t.coeff.denominator)
        for s in t.sizes:
            body *= sp.Symbol(s, integer=True, positive=True)
        for f in t.factors:
            body *= _factor(net, f, letters)
        for i in reversed(dummies):
            body = sp.Sum(body, (i, i.lower, i.upper))
        out += body
    return out


def _factor(net: Network, f: tuple, letters: dict[tuple, sp.Idx]) -> Any:
    if f[0] == "kd":
        return sp.KroneckerDelta(letters[f[1]], letters[f[2]])
    if f[0] == "ref":
        return sp.IndexedBase(net.families[f[1]].name)[tuple(letters[i] for i in f[2])]
    if f[0] == "grad":
        fam = net.families[f[1]]
        base = "delta" if fam.name == net.delta_of else f"dE_d{fam.name}"
        return sp.IndexedBase(base)[tuple(letters[i] for i in f[2])]
    if f[0] == "fn":
        arg = sp.IndexedBase(net.families[f[3]].name)[tuple(letters[i] for i in f[4])]
        x = sp.Symbol("x")
        fx = sp.Function(f[1])(x)
        if f[2] == 0:
            return sp.Function(f[1])(arg)
        return sp.Subs(sp.Derivative(fx, (x, f[2])), x, arg)
    raise ValueError(f)


def _free_ranges(net: Network, expr: Expr) -> dict[str, str]:
    out = {}
    for t in expr.terms:
        for f in t.factors:
            if f[0] in ("ref", "grad", "fn"):
                fam = f[1] if f[0] != "fn" else f[3]
                idx = f[2] if f[0] != "fn" else f[4]
                for i, r in zip(idx, net.families[fam].axes):
                    if i[0] == "f":
                        out[i[1]] = r
    return out


def forward_equations(net: Network) -> list[Any]:
    """The forward pass as SymPy ``Eq(a[j], Sum(w[j, i]*z[i], (i, 1, I)))`` equations."""
    out = []
    for fid, d in net.definitions.items():
        fam = net.families[fid]
        names = {f"#{k}": x for k, x in enumerate(fam.letters)}
        lhs = sp.IndexedBase(fam.name)[tuple(_idx(net, x, r) for x, r in zip(fam.letters, fam.axes))]
        out.append(sp.Eq(lhs, to_sympy(net, d, names)))
    return out
