"""A second oracle: symbp's derived ``δ`` and ``∂E/∂θ`` against ``sympy.diff`` at concrete sizes.

:func:`compare` takes a derived formula as a SymPy view (``Eq(delta_j[j], …)``,
``Eq(ErrorDerivative(E, w_ji[j, i]), …)``), writes the network out at concrete sizes
(:func:`symbp.printers.sympy_concrete.at_sizes`: explicit expressions, ``h`` and ``E``
undefined functions) and, at every point of the left side's indices, compares the left side
computed by ``sympy.diff`` of the written-out error with the right side written out the same
way, *exactly* (``expand`` of the difference is 0).  Nothing of symbp's chain rule, normal form
or numeric evaluation is used on the ``sympy.diff`` side; the derivatives of the undefined
``h`` and ``E`` are named by function and argument positions on both sides
(``Subs(Derivative(h(x), x), x, v)`` and ``Derivative(h(v), v)`` are both ``h_d1(v)``; on the
``sympy.diff`` side SymPy's chain rule writes them so directly, :func:`_marked`).
Imports SymPy and :mod:`symbp.printers`.

>>> from symbp import notebook as nb
>>> net = nb.network("shared")
>>> compare(net, nb.gradients(net)["w_{ji}"].sympy, {"I": 2, "J": 1, "K": 1, "L": 2})
[]
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from ..engine.calculus import HIDDEN
from ..engine.numeric import argument_name
from ..model.network import Network
from ..printers.sympy_concrete import ConcreteNetwork, at_sizes
from ..printers.sympy_views import ErrorDerivative, concrete_call

__all__ = ["compare", "normal"]


def _marker(d: sp.Derivative) -> Any:
    """``Derivative(F(x, y), x, x)`` -> ``F_d20(x, y)``: a derivative of an undefined function,
    named by the orders in each argument position."""
    f = d.expr
    orders = [0] * len(f.args)
    for v, n in d.variable_count:
        if v not in f.args or list(f.args).count(v) != 1:
            return d
        orders[f.args.index(v)] += int(n)
    return sp.Function(f"{f.func.__name__}_d{''.join(map(str, orders))}")(*f.args)


def normal(e: Any) -> Any:
    """``e`` with every derivative of an undefined function as a named function of the point:
    two forms of one derivative become one expression."""
    e = e.replace(lambda x: isinstance(x, sp.Derivative) and isinstance(x.expr, AppliedUndef), _marker)
    return e.replace(lambda x: isinstance(x, sp.Subs), lambda x: x.doit())


def _polynomial(e: Any, table: dict[Any, sp.Symbol]) -> Any:
    """``e`` expanded, every function application taken as one variable (``table`` names them):
    both sides write every unit out by the same memoised value, so an application that occurs on
    both sides is the same object.  Exact: two applications made different are never merged."""
    apps = {a: table.setdefault(a, sp.Symbol(f"_app{len(table)}")) for a in e.atoms(sp.Function)}
    return sp.expand(e.xreplace(apps))


class _Repeated(Exception):
    """An argument in two positions of one application: :func:`_marker` keeps such a derivative
    as it is, and :func:`_diff` takes SymPy's own path there."""


#: (name, orders) -> the undefined function whose derivatives SymPy writes as markers directly
_MARKED: dict[tuple[str, tuple[int, ...]], Any] = {}


def _marked(name: str, orders: tuple[int, ...]) -> Any:
    """The undefined function ``name`` differentiated ``orders`` times in each argument position,
    whose own derivative (:meth:`fdiff`) is the next marker: ``sympy.diff`` by the chain rule of
    SymPy itself, without the ``Subs(Derivative(h(ξ), ξ), ξ, v)`` that :func:`normal` would turn
    into ``h_d1(v)`` (the same expression, without building and printing each ``Subs``)."""
    key = (name, orders)
    if key not in _MARKED:
        def fdiff(self: Any, argindex: int = 1) -> Any:
            if list(self.args).count(self.args[argindex - 1]) != 1:
                raise _Repeated
            o = list(self._symbp_orders or (0,) * len(self.args))
            o[argindex - 1] += 1
            return _marked(self._symbp_name, tuple(o))(*self.args)
        label = f"{name}_d{''.join(map(str, orders))}" if orders else name
        _MARKED[key] = sp.Function(label, _symbp_name=name, _symbp_orders=orders, fdiff=fdiff)
    return _MARKED[key]


def _unmarked(e: Any, zeros: set[Any]) -> Any:
    """``e`` with the symbols ``zeros`` 0 and every marked function (:func:`_marked`) the plain
    undefined function of its name, as :func:`normal` names it: ``xreplace`` of the zeros, then
    ``replace`` of the functions, in one pass that rebuilds each shared subexpression once (the
    written-out network shares them: its elements are memoised)."""
    done: dict[int, Any] = {}

    def walk(x: Any) -> Any:
        key = id(x)
        if key not in done:
            if x in zeros:
                done[key] = sp.Integer(0)
            elif not x.args:
                done[key] = x
            else:
                args = tuple(walk(a) for a in x.args)
                if isinstance(x, AppliedUndef) and hasattr(x.func, "_symbp_orders"):
                    done[key] = sp.Function(x.func.__name__)(*args)
                elif all(a is b for a, b in zip(args, x.args)):
                    done[key] = x
                else:
                    done[key] = x.func(*args)
        return done[key]

    return walk(e)


def _diff(c: ConcreteNetwork, fam: str | int, point: tuple[int, ...]) -> Any:
    """``sympy.diff`` of ``E`` in one element, in :func:`normal` form (once per element): of ``E``
    written with marked functions (:func:`_marked`, once per concrete network), which is
    ``normal(c.delta(fam, *point))`` built directly."""
    memo = c.memo.setdefault("normal", {})
    key = (fam, point)
    if key not in memo:
        memo[key] = _fast_delta(c, fam, point)
    return memo[key]


def _fast_delta(c: ConcreteNetwork, fam: str | int, point: tuple[int, ...]) -> Any:
    fid = c.family(fam) if isinstance(fam, str) else fam
    if "marked" not in c.memo:
        c.memo["marked"] = c._shifted_error().replace(
            lambda x: isinstance(x, AppliedUndef), lambda x: _marked(x.func.__name__, ())(*x.args))
    wrt = c.eps[(fid, point)] if fid in c.step else c.element(fid, point)
    try:
        d = sp.diff(c.memo["marked"], wrt)
    except _Repeated:
        return normal(c.delta(fid, *point))
    return _unmarked(d, set(c.eps.values()))


def _written_out(c: ConcreteNetwork, e: Any) -> Any:
    """The right side of a formula at one point, written out in the concrete network's leaves."""
    net = c.net
    deltas = {argument_name(net, f.id, True): f.id for f in reversed(c.own) if net.has_delta(f.id)}
    names = {argument_name(net, f.id): f.id for f in c.own}

    def point(x: Any) -> tuple[int, ...]:
        return tuple(int(i) for i in x.indices) if isinstance(x, sp.Indexed) else ()

    def label(x: Any) -> str:
        return str(x.base.label) if isinstance(x, sp.Indexed) else str(x)

    e = e.replace(lambda x: isinstance(x, sp.Indexed), lambda x: sp.IndexedBase(x.base.label)[x.indices])
    e = e.replace(lambda x: isinstance(x, AppliedUndef) and x.func.__name__.rstrip("'") in c.functions,
                  lambda x: concrete_call(c.functions, x))
    e = e.replace(lambda x: isinstance(x, sp.Derivative) and not isinstance(x.expr, AppliedUndef),
                  lambda x: x.doit())
    e = e.replace(lambda x: isinstance(x, sp.Derivative) and isinstance(x.expr, AppliedUndef), _marker)
    # last, by one xreplace: the derivatives of E (big, and normal already) and the elements
    subs = {x: _diff(c, names[label(x.args[1])], point(x.args[1])) for x in e.atoms(ErrorDerivative)}
    scalars = {f.name for f in net.families if not f.axes} | {"delta"}
    for x in e.atoms(sp.Indexed) | {s for s in e.free_symbols if str(s) in scalars}:
        lab = label(x)
        if lab in names and (names[lab] in c.step or names[lab] in net.conditions):  # t_K = 1 - ...
            subs[x] = c.value(names[lab], *point(x))
        elif lab in deltas and lab not in names:
            subs[x] = _diff(c, deltas[lab], point(x))
    return e.xreplace(subs)


def _left(c: ConcreteNetwork, lhs: Any) -> Any:
    net = c.net
    if isinstance(lhs, ErrorDerivative):
        x = lhs.args[1]
        lab = str(x.base.label) if isinstance(x, sp.Indexed) else str(x)
        pt = tuple(int(i) for i in x.indices) if isinstance(x, sp.Indexed) else ()
        return _diff(c, lab, pt)
    lab = str(lhs.base.label) if isinstance(lhs, sp.Indexed) else str(lhs)
    pt = tuple(int(i) for i in lhs.indices) if isinstance(lhs, sp.Indexed) else ()
    for f in c.own:
        if net.has_delta(f.id) and argument_name(net, f.id, True) == lab:
            return _diff(c, f.id, pt)
    raise ValueError(f"not a δ or a gradient: {lhs}")


def compare(net: Network, eq: Any, sizes: dict[str, int], concrete: ConcreteNetwork | None = None
            ) -> list[str]:
    """The points where ``eq`` (a derived ``δ`` or ``∂E/∂θ`` as a SymPy view) differs from
    ``sympy.diff`` at these sizes, each as ``"j=1, i=2: <difference>"``; ``[]`` if it holds at
    every point, exactly."""
    c = concrete or at_sizes(net, **sizes)
    lhs = eq.lhs
    target = lhs.args[1] if isinstance(lhs, ErrorDerivative) else lhs
    idx = list(target.indices) if isinstance(target, sp.Indexed) else []
    fam = _family_of(net, target)
    values = {sp.Symbol(r, integer=True, positive=True): n for r, n in sizes.items()}
    rhs = eq.rhs.subs(values).doit()
    bad = []
    for p in itertools.product(*(range(1, sizes[r] + 1) for r in net.families[fam].axes)):
        at = dict(zip(idx, map(sp.Integer, p)))
        want = _left(c, lhs.xreplace(at))  # normal already, as every derivative put into got
        got = _written_out(c, rhs.xreplace(at).doit())
        table: dict[Any, sp.Symbol] = {}
        diff = _polynomial(want, table) - _polynomial(got, table)
        if diff != 0 and _beyond(want - got):  # exp, log, quotients: their identities, by SymPy's own
            diff = _transcendental_zero(want - got)
        if diff != 0:
            names = {v: k for k, v in table.items()}
            bad.append(", ".join(f"{i}={v}" for i, v in zip(idx, p)) + f": {diff.xreplace(names)}")
    return bad


def _beyond(e: Any) -> bool:
    """Whether ``e`` has an exponential, a logarithm or a quotient, whose identities
    (``e^{-x} e^{x} = 1``, ``\\ln e^x = x``, ``x / x = 1``) the polynomial test does not know."""
    return bool(e.atoms(sp.exp, sp.log)) or any(p.exp.is_negative for p in e.atoms(sp.Pow))


def _transcendental_zero(e: Any) -> Any:
    """``e`` reduced by SymPy's own identities of exp, log and quotients (exact: 0 only if it is
    0): the exponentials combined, over one denominator, the numerator expanded."""
    e = sp.powsimp(sp.expand(sp.expand_log(e, force=True)), combine="exp")
    num = sp.expand(sp.powsimp(sp.numer(sp.together(e)), combine="exp"))
    if num == 0:
        return num
    # a difference that is not 0 shows at a point (30 digits), before the costly simplify
    import random
    rng = random.Random(0)
    # each application of an undefined function (h, E and their derivatives, as the polynomial
    # test takes them) one number, the leaves others
    leaves = e.atoms(AppliedUndef) | e.atoms(sp.Indexed) | \
        {s for s in e.free_symbols if not isinstance(s, sp.Indexed)}
    at = {x: sp.Rational(rng.randint(5, 95), 100) for x in sorted(leaves, key=str)}
    try:
        value = complex(e.xreplace(at).evalf(30))
    except (TypeError, ValueError, ZeroDivisionError):
        value = None
    if value is not None and abs(value) > 1e-12:
        return e
    return sp.simplify(e)


def _family_of(net: Network, target: Any) -> int:
    lab = str(target.base.label) if isinstance(target, sp.Indexed) else str(target)
    for f in net.families:
        if f.name == HIDDEN:
            continue
        if argument_name(net, f.id) == lab or (net.has_delta(f.id) and argument_name(net, f.id, True) == lab):
            return f.id
    raise ValueError(f"no family for {target}")
