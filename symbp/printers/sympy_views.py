"""SymPy views of networks and normal forms, for notebooks, proofs and SymPy users.

``to_sympy`` turns an :class:`~symbp.model.normal_form.Expr` into ordinary SymPy objects: ``Indexed``
quantities over ``Idx`` indices with symbolic ranges, ``Sum``, an undefined ``Function`` ``h``
(``h'(a_j)`` is ``Derivative(h(a[j]), a[j])``), ``δ`` as ``Indexed(delta, …)``, other
gradients as unevaluated ``Derivative(E, y[k])``, ``KroneckerDelta``.  ``forward_equations``
gives the network's forward pass the same way.  Only this module and the printer import SymPy.

With ``evaluate=False`` the objects keep symbp's own order of terms and factors, which is what
the printer (:mod:`symbp.printers.sympy_latex`) shows; the default gives ordinary evaluated SymPy objects.

>>> from symbp import builtin
>>> net = builtin("shared")
>>> [str(eq) for eq in forward_equations(net)][1]
'Eq(a[j, l], Sum(w[j, i]*z[i, l], (i, 1, I)))'
>>> from symbp.engine.calculus import delta_definition
>>> to_sympy(net, delta_definition(net, 2), {"#0": "j", "#1": "l"})
Derivative(h(a[j, l]), a[j, l])*Sum(delta[k]*w[k, j, l], (k, 1, K))
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..model.network import Network
from ..model.normal_form import Expr, Term, factor_indices
from .nfprint import free_letter, runs

__all__ = ["forward_equations", "idx", "indexed", "to_sympy"]


# order of factors in a printed product: h'(...) first, then weights, δ, activations, [i = j]
_ORDER = {"fn": 0, "ref-param": 1, "grad": 2, "ref": 3, "kd": 4}


def idx(name: str, range_name: str) -> sp.Idx:
    """The SymPy index ``name`` running over ``1..range_name``."""
    return sp.Idx(sp.Symbol(name, integer=True), (1, sp.Symbol(range_name, integer=True, positive=True)))


def _size(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def to_sympy(net: Network, expr: Expr, names: dict[str, str] | None = None, *,
             evaluate: bool = True) -> Any:
    """``expr`` as a SymPy expression; ``names`` maps free index names to letters.

    Each term is ``coeff * sizes * (factors free of dummies) * Sum(the other factors, …)``; dummy
    indices get readable letters from their ranges (``j``, then declared aliases, then ``j'``).
    A component ``m.0`` of a free composite index ``m = j_l`` keeps its name, so the printer can
    show ``m``."""
    names = dict(names or {})
    free_ranges = _free_ranges(net, expr)
    for n in expr.free():
        names.setdefault(n, free_letter(net, n))
    terms = sorted(expr.terms, key=lambda t: (len(t.factors) + len(t.sizes), len(t.dummies)))
    parts = [_term(net, t, names, free_ranges, evaluate) for t in terms]
    if not parts:
        return sp.Integer(0)
    if len(parts) == 1:
        return parts[0]
    return sp.Add(*parts, evaluate=evaluate)


def _term(net: Network, t: Term, names: dict[str, str], free_ranges: dict[str, str],
          evaluate: bool) -> Any:
    used = set(names.values())
    letters: dict[tuple, sp.Idx] = {}
    for name, r in free_ranges.items():
        label = name if net.component(name) is not None else names[name]
        letters[("f", name)] = idx(label, r)
    dummies = []
    for n, r in enumerate(t.dummies):
        (letter,) = net.letters_for([r], used)
        used.add(letter)
        letters[("d", n)] = idx(letter, r)
        dummies.append(letters[("d", n)])
    outside = [f for f in t.factors if not any(i[0] == "d" for i in factor_indices(f))]
    inside = [f for f in t.factors if f not in outside]
    key = _key(net)
    args: list[Any] = []
    if t.coeff != 1:
        args.append(sp.Rational(t.coeff.numerator, t.coeff.denominator))
    args += [_size(s) for s in reversed(t.sizes)]
    args += _powers([_factor(net, f, letters) for f in sorted(outside, key=key)], evaluate)
    if dummies:
        inner = _powers([_factor(net, f, letters) for f in sorted(inside, key=key)], evaluate)
        body = inner[0] if len(inner) == 1 else sp.Mul(*inner, evaluate=evaluate) if inner else sp.Integer(1)
        args.append(sp.Sum(body, *[(i, i.lower, i.upper) for i in reversed(dummies)]))
    if not args:
        return sp.Integer(1)
    return args[0] if len(args) == 1 else sp.Mul(*args, evaluate=evaluate)


def _key(net: Network):  # noqa: ANN202
    def key(f: tuple) -> tuple:
        kind = f[0]
        if kind == "ref" and net.families[f[1]].param:
            kind = "ref-param"
        return (_ORDER[kind], repr(f))
    return key


def _powers(parts: list[Any], evaluate: bool) -> list[Any]:
    """``x x x`` -> ``x**3`` (the parts are sorted, so equal factors are adjacent)."""
    return [p if c == 1 else sp.Pow(p, c, evaluate=evaluate) for p, c in runs(parts)]


def indexed(name: str, at: tuple[Any, ...]) -> Any:
    """``name[at]``; a family without indices (a single unit) is a plain ``Symbol``."""
    return sp.IndexedBase(name)[at] if at else sp.Symbol(name)


def _factor(net: Network, f: tuple, letters: dict[tuple, sp.Idx]) -> Any:
    if f[0] == "kd":
        return sp.KroneckerDelta(letters[f[1]], letters[f[2]])
    if f[0] == "ref":
        return indexed(net.families[f[1]].name, tuple(letters[i] for i in f[2]))
    if f[0] == "grad":
        fam = net.families[f[1]]
        at = tuple(letters[i] for i in f[2])
        if fam.name == net.delta_of:
            return indexed("delta", at)
        return sp.Derivative(sp.Symbol(net.error_name), indexed(fam.name, at), evaluate=False)
    if f[0] == "fn":
        arg = indexed(net.families[f[3]].name, tuple(letters[i] for i in f[4]))
        return apply(f[1], f[2], arg)
    raise ValueError(f)


def apply(name: str, order: int, arg: Any) -> Any:
    """``h(arg)``, or its ``order``-th derivative at ``arg`` (``h'(a_j)``)."""
    if order == 0:
        return sp.Function(name)(arg)
    # not Subs(Derivative(h(x), x), x, arg): SymPy's Subs compares equal across points whose
    # indices run over different ranges, and its cache then hands back the wrong one
    return sp.Derivative(sp.Function(name)(arg), (arg, order))


def _free_ranges(net: Network, expr: Expr) -> dict[str, str]:
    out = {}
    for t in expr.terms:
        for f in t.factors:
            if f[0] in ("ref", "grad", "fn"):
                fam = f[1] if f[0] != "fn" else f[3]
                ix = f[2] if f[0] != "fn" else f[4]
                for i, r in zip(ix, net.families[fam].axes):
                    if i[0] == "f":
                        out[i[1]] = r
    # a free index that only stands in a Kronecker delta takes the range of its partner
    for t in expr.terms:
        for f in t.factors:
            if f[0] == "kd":
                a, b = f[1], f[2]
                for x, y in ((a, b), (b, a)):
                    if x[0] == "f" and x[1] not in out and y[0] == "f" and y[1] in out:
                        out[x[1]] = out[y[1]]
    for n in expr.free():
        out.setdefault(n, "N")
    return out


def forward_equations(net: Network, *, evaluate: bool = True) -> list[Any]:
    """The forward pass as SymPy ``Eq(a[j], Sum(w[j, i]*z[i], (i, 1, I)))`` equations."""
    out = []
    for fid, d in net.definitions.items():
        fam = net.families[fid]
        names = {f"#{k}": x for k, x in enumerate(fam.letters)}
        lhs = indexed(fam.name, tuple(idx(x, r) for x, r in zip(fam.letters, fam.axes)))
        out.append(sp.Eq(lhs, to_sympy(net, d, names, evaluate=evaluate), evaluate=False))
    return out
