"""SymPy views of networks and normal forms, for notebooks, proofs and SymPy users.

``to_sympy`` turns an :class:`~symbp.model.normal_form.Expr` into ordinary SymPy objects that stay
true under ordinary SymPy (``doit``, ``simplify``, ``expand``, ``subs`` of a size, ``xreplace``,
``latex``, ``srepr``, ``pickle``): ``Indexed`` quantities over integer index symbols, one
``IndexedBase`` per family named as :func:`symbp.lambdify` names its argument (``w_kj`` with
shape ``(K, J)``; ``z_i`` and ``z_j`` are different bases), ``Sum`` over ``(k, 1, K)``, an
undefined ``Function`` ``h`` (``h'(a_j)`` is ``Derivative(h(a_j[j]), a_j[j])``), ``δ`` of
``a_j`` as ``delta_j[j]``, other gradients as :class:`ErrorDerivative` (``∂E/∂y_k``, which
``doit`` keeps: ``E`` is not a constant), ``KroneckerDelta``.  ``forward_equations`` gives the
network's forward pass the same way; :func:`lambdify` wraps ``sympy.lambdify`` so that it takes
symbp's 0-based arrays.  Only the printers and :mod:`symbp.export`'s SymPy oracle import SymPy.
Imports SymPy, :mod:`symbp.model` and :func:`symbp.engine.numeric.argument_name`.

With ``evaluate=False`` the objects are the printer's structure (:mod:`symbp.printers.sympy_latex`):
symbp's own order of terms and factors, ``Idx`` indices carrying their ranges; for printing only.

>>> from symbp import builtin
>>> net = builtin("shared")
>>> [str(eq) for eq in forward_equations(net)][1]
'Eq(a_jl[j, l], Sum(w_ji[j, i]*z_il[i, l], (i, 1, I)))'
>>> from symbp.engine.calculus import delta_definition
>>> to_sympy(net, delta_definition(net, 2), {"#0": "j", "#1": "l"})
Derivative(h(a_jl[j, l]), a_jl[j, l])*Sum(delta_k[k]*w_kjl[k, j, l], (k, 1, K))
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..catalogue import ACTIVATIONS
from ..engine.calculus import HIDDEN
from ..engine.numeric import argument_name
from ..errors import UnsupportedError
from ..model.affine import is_affine
from ..model.factors import view
from ..model.network import Network
from ..model.normal_form import Expr, Term, factor_indices
from .nfprint import free_letter, runs

__all__ = ["ErrorDerivative", "base", "forward_equations", "idx", "indexed", "lambdify", "to_sympy"]


# order of factors in a printed product: h'(...) first, then weights, δ, activations, [i = j]
_ORDER = {"fn": 0, "ref-param": 1, "grad": 2, "ref": 3, "inv": 3.5, "kd": 4, "rng": 5}


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

    By default (``evaluate=True``) the result is the *SymPy view*, made to stay true under
    ordinary SymPy: indices are integer ``Symbol`` objects (a ``Sum`` over ``(k, 1, K)`` follows
    ``subs(K, 2)``), every family has a base of its own named as :func:`symbp.lambdify` names
    its argument (``w_kj``, ``z_i``; ``z_i`` and ``z_j`` stay apart at any size), with its
    shape (``w_kj.shape == (K, J)``), ``δ`` of ``a_j`` is ``delta_j[j]`` and any other
    gradient is an :class:`ErrorDerivative`, which ``doit`` keeps.

    With ``evaluate=False`` it is the printer's structure (:mod:`symbp.printers.sympy_latex`):
    symbp's order of terms and factors, ``Idx`` indices carrying their ranges, bases named by
    the family's letter; a component ``m.0`` of a free composite index ``m = j_l`` keeps its
    name, so the printer can show ``m``.  It is for printing, not for computing.

    >>> from symbp import notebook as nb
    >>> g = nb.gradients("shared")["w_{ji}"]
    >>> to_sympy(g.network, g.rhs, g.names)
    Sum(delta_jl[j, l]*z_il[i, l], (l, 1, L))
    >>> import sympy
    >>> _.subs(sympy.Symbol("L", integer=True, positive=True), 2).doit()
    delta_jl[j, 1]*z_il[i, 1] + delta_jl[j, 2]*z_il[i, 2]
    """
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
    letters: dict[tuple, Any] = {}
    for name, r in free_ranges.items():
        label = name if net.component(name) is not None else names[name]
        letters[("f", name)] = idx(label, r) if not evaluate else sp.Symbol(label, integer=True)
    dummies = []
    for n, r in enumerate(t.dummies):
        (letter,) = net.letters_for([r], used)
        used.add(letter)
        letters[("d", n)] = idx(letter, r) if not evaluate else sp.Symbol(letter, integer=True)
        dummies.append((letters[("d", n)], r))
    outside = [f for f in t.factors if not any(i[0] == "d" for i in factor_indices(f))]
    inside = [f for f in t.factors if f not in outside]
    key = _key(net)
    make = _factor if not evaluate else _view_factor
    args: list[Any] = []
    if t.coeff != 1:
        args.append(sp.Rational(t.coeff.numerator, t.coeff.denominator))
    args += [_size(s) for s in reversed(t.sizes)]
    args += _powers([make(net, f, letters) for f in sorted(outside, key=key)], evaluate)
    if dummies:
        inner = _powers([make(net, f, letters) for f in sorted(inside, key=key)], evaluate)
        body = inner[0] if len(inner) == 1 else sp.Mul(*inner, evaluate=evaluate) if inner else sp.Integer(1)
        args.append(sp.Sum(body, *[(i, 1, _size(r)) for i, r in reversed(dummies)]))
    if not args:
        return sp.Integer(1)
    return args[0] if len(args) == 1 else sp.Mul(*args, evaluate=evaluate)


def _key(net: Network):  # noqa: ANN202
    def key(f: tuple) -> tuple:
        kind = f.tag
        if kind == "ref" and net.families[f.fam].param:
            kind = "ref-param"
        return (_ORDER[kind], repr(f))
    return key


def _powers(parts: list[Any], evaluate: bool) -> list[Any]:
    """``x x x`` -> ``x**3`` (the parts are sorted, so equal factors are adjacent)."""
    return [p if c == 1 else sp.Pow(p, c, evaluate=evaluate) for p, c in runs(parts)]


def indexed(name: str, at: tuple[Any, ...]) -> Any:
    """``name[at]``; a family without indices (a single unit) is a plain ``Symbol``."""
    return sp.IndexedBase(name)[at] if at else sp.Symbol(name)


class RangeCondition(sp.Function):
    """Iverson's range condition ``[1 \\le e \\le R]``: 1 where ``1 <= e <= R``, else 0; a
    number once ``e`` and ``R`` are (under ``subs`` and ``doit``).

    >>> RangeCondition(sp.Integer(3), sp.Integer(2)), RangeCondition(sp.Integer(2), sp.Integer(2))
    (0, 1)
    """

    @classmethod
    def eval(cls, e: Any, r: Any) -> Any:
        if e.is_Integer and r.is_Integer:
            return sp.Integer(1 if 1 <= int(e) <= int(r) else 0)
        return None


class _Letters(dict):
    """Index -> SymPy index; an affine index (``j+m-1``) is the sum of its indices' objects."""

    def __missing__(self, i: tuple) -> Any:
        if is_affine(i):
            return sp.Add(*(c * self[k] for k, c in i[1]), sp.Integer(i[2]))
        if i[0] == "s":  # a size in a shifted position (x_{j-m+M})
            return sp.Symbol(i[1], integer=True, positive=True)
        if i[0] == "p":  # a stride times an index (s(j-1)+m)
            return sp.Symbol(i[1], integer=True, positive=True) * self[i[2]]
        raise KeyError(i)


def _hidden(net: Network, fam: int, at: tuple[Any, ...], evaluate: bool, letters: dict) -> Any:
    """A hidden family (a denominator that is a sum) as its definition at the indices ``at``
    (its own summation letters unlike the ``letters`` around it)."""
    names = {f"~outer{n}": str(v) for n, v in enumerate(letters.values())}
    names.update({f"#{k}": str(i) for k, i in enumerate(at)})
    return to_sympy(net, net.definitions[fam], names, evaluate=evaluate)


def _units(net: Network, fam: int, at: tuple[Any, ...]) -> tuple[Any, ...]:
    """The indices of a family with the number 0 in the place of its units 0 (``w_{j0}``:
    ``w[j, 0]``), as the printer writes a number in place of an index."""
    f = net.families[fam]
    if not f.units:
        return at
    out, pos = list(at), 0
    widths = iter(f.grouping)
    for k in range(len(f.grouping) + len(f.units)):
        if k in f.units:
            out.insert(pos, sp.Integer(0))
            pos += 1
        else:
            pos += next(widths)
    return tuple(out)


def _factor(net: Network, f: tuple, letters: dict[tuple, sp.Idx]) -> Any:
    letters = _Letters(letters)
    if f.tag == "ref" and net.families[f.fam].name == "~":
        return _hidden(net, f.fam, tuple(letters[i] for i in f.idx), False, letters)
    if f.tag == "kd":
        return sp.KroneckerDelta(letters[f.i], letters[f.j])
    if f.tag == "rng":
        return RangeCondition(letters[f.i], _size(f.R))
    if f.tag == "ref":
        return indexed(net.families[f.fam].name, _units(net, f.fam, tuple(letters[i] for i in f.idx)))
    if f.tag == "grad":
        fam = net.families[f.fam]
        at = _units(net, f.fam, tuple(letters[i] for i in f.idx))
        if fam.name == net.delta_of:
            return indexed("delta", at)
        return sp.Derivative(sp.Symbol(net.error_name), indexed(fam.name, at), evaluate=False)
    if f.tag == "fn" and net.families[f.fam].name == "~":  # \ln(1 - a_j): of a hidden family
        arg = _hidden(net, f.fam, tuple(letters[i] for i in f.idx), False, letters)
        return _apply_hidden(f.name, f.order, arg)
    if f.tag == "fn":
        arg = indexed(net.families[f.fam].name, _units(net, f.fam, tuple(letters[i] for i in f.idx)))
        return apply(f.name, f.order, arg)
    if f.tag == "inv":
        return sp.Pow(_factor(net, view(f).base(), letters), -1, evaluate=False)
    raise ValueError(f)


def base(net: Network, fam: int, grad: bool = False) -> Any:
    """The SymPy view's base of a family (or of its ``δ``): an ``IndexedBase`` named as
    :func:`symbp.lambdify` names the argument (``w_kj``, ``delta_j``), with the family's shape in
    size symbols; a family without indices is a plain ``Symbol``."""
    f = net.families[fam]
    name = argument_name(net, fam, grad)
    if not f.axes:
        return sp.Symbol(name)
    return sp.IndexedBase(name, shape=tuple(_size(r) for r in f.axes))


def _at(b: Any, at: tuple[Any, ...]) -> Any:
    return b[at] if at else b


def _view_factor(net: Network, f: tuple, letters: dict[tuple, Any]) -> Any:
    letters = _Letters(letters)
    if f.tag == "ref" and net.families[f.fam].name == "~":
        return _hidden(net, f.fam, tuple(letters[i] for i in f.idx), True, letters)
    if f.tag == "kd":
        return sp.KroneckerDelta(letters[f.i], letters[f.j])
    if f.tag == "rng":
        return RangeCondition(letters[f.i], _size(f.R))
    if f.tag == "ref":
        return _at(base(net, f.fam), tuple(letters[i] for i in f.idx))
    if f.tag == "grad":
        fam = net.families[f.fam]
        at = tuple(letters[i] for i in f.idx)
        if fam.name == net.delta_of:
            return _at(base(net, f.fam, True), at)
        return ErrorDerivative(sp.Symbol(net.error_name), _at(base(net, f.fam), at))
    if f.tag == "fn" and net.families[f.fam].name == "~":
        arg = _hidden(net, f.fam, tuple(letters[i] for i in f.idx), True, letters)
        return _apply_hidden(f.name, f.order, arg)
    if f.tag == "fn":
        return apply(f.name, f.order, _at(base(net, f.fam), tuple(letters[i] for i in f.idx)))
    if f.tag == "inv":
        return sp.Pow(_view_factor(net, view(f).base(), letters), -1)
    raise ValueError(f)


class ErrorDerivative(sp.Function):
    """``∂E/∂x``: the derivative of the error ``E`` with respect to a quantity ``x`` of the
    network, where ``E`` is a function of the outputs that symbp does not know in closed form.
    Unlike ``Derivative(Symbol('E'), x)``, which SymPy evaluates to 0, it stays what it is under
    ``doit``, ``simplify`` and ``subs``; ``ErrorDerivative(E, x)`` with ``x`` substituted is
    ``∂E/∂`` of the new ``x``.

    >>> import sympy
    >>> y = sympy.IndexedBase("y")
    >>> k = sympy.Symbol("k", integer=True)
    >>> d = ErrorDerivative(sympy.Symbol("E"), y[k])
    >>> d.doit() == d, sympy.simplify(d) == d, print(sympy.latex(d))
    \\frac{\\partial E}{\\partial {y}_{k}}
    (True, True, None)
    """

    nargs = 2

    @classmethod
    def eval(cls, error: Any, x: Any) -> None:  # noqa: ARG003
        return None

    def _latex(self, printer: Any) -> str:
        error, x = (printer._print(a) for a in self.args)
        return f"\\frac{{\\partial {error}}}{{\\partial {x}}}"


def _apply_hidden(name: str, order: int, arg: Any) -> Any:
    """``\\ln(1 - a_j)``, ``\\ln'(1 - a_j)``: a function of an expression (its derivative by name,
    as SymPy differentiates by a symbol only)."""
    return sp.Function(name + "'" * order)(arg)


def concrete_call(functions: dict[str, Any], e: Any) -> Any:
    """An application of a named function made concrete by ``functions`` (name -> SymPy
    function): ``h(x)``, and ``ln'(1 - a_j)`` (a derivative at a compound argument,
    :func:`_apply_hidden`) as the derivative of the concrete function there; ``e`` itself when
    ``functions`` does not name it."""
    name = e.func.__name__.rstrip("'")
    order = len(e.func.__name__) - len(name)
    if name not in functions:
        return e
    if not order:
        return functions[name](*e.args)
    x = sp.Dummy("x")
    return sp.diff(functions[name](x), x, order).subs(x, e.args[0])


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
            if f.tag in ("ref", "grad", "fn", "inv"):
                for i, r in zip(f.idx, net.families[f.fam].axes):
                    if i[0] == "f":
                        out[i[1]] = r
    # a free index that only stands in a Kronecker delta takes the range of its partner
    for t in expr.terms:
        for f in t.factors:
            if f.tag == "kd":
                a, b = f.i, f.j
                for x, y in ((a, b), (b, a)):
                    if x[0] == "f" and x[1] not in out and y[0] == "f" and y[1] in out:
                        out[x[1]] = out[y[1]]
    for n in expr.free():
        out.setdefault(n, "N")
    return out


def forward_equations(net: Network, *, evaluate: bool = True) -> list[Any]:
    """The forward pass as SymPy equations ``Eq(a_j[j], Sum(w_ji[j, i]*z_i[i], (i, 1, I)))`` (the
    printer's structure with ``evaluate=False``, as in :func:`to_sympy`); a hidden family (a
    softmax's denominator) has none: it stands as its sum wherever used."""
    out = []
    for fid, d in net.definitions.items():
        fam = net.families[fid]
        if fam.name == HIDDEN:
            continue
        names = {f"#{k}": x for k, x in enumerate(fam.letters)}
        if evaluate:
            lhs = _at(base(net, fid), tuple(sp.Symbol(x, integer=True) for x in fam.letters))
        else:
            lhs = indexed(fam.name, tuple(idx(x, r) for x, r in zip(fam.letters, fam.axes)))
        out.append(sp.Eq(lhs, to_sympy(net, d, names, evaluate=evaluate), evaluate=False))
    return out


# ----------------------------------------------------------------------------------------------
# lambdify: a SymPy view as a NumPy function over symbp's 0-based arrays

#: SymPy forms of the concrete activations (the catalogue's)
CONCRETE = {name: a.sympy for name, a in ACTIVATIONS.items()}


class SympyLambdified:
    """A SymPy view compiled by ``sympy.lambdify``, called like :class:`symbp.numeric.Lambdified`:
    arrays by keyword (:attr:`inputs`: keyword -> ranges of its axes), 0-based, of the shapes
    symbp uses; it returns the array over :attr:`free` (pairs of an index symbol and its range).
    Made by :func:`lambdify`."""

    def __init__(self, fn: Any, free: list[tuple[sp.Symbol, str]], inputs: dict[str, tuple[str, ...]],
                 sizes: list[str], source: Any) -> None:
        self.fn, self.free, self.inputs, self.sizes, self.source = fn, free, inputs, sizes, source

    def __call__(self, sizes: dict[str, int] | None = None, **arrays: Any) -> Any:
        import numpy as np

        known = dict(sizes or {})
        for k, axes in self.inputs.items():
            if k not in arrays:
                raise TypeError(f"missing argument {k}; arguments: {', '.join(self.inputs)}")
            for r, n in zip(axes, np.shape(arrays[k])):
                known.setdefault(r, n)
        missing = [r for r in self.sizes + [r for _, r in self.free] if r not in known]
        if missing:
            raise TypeError(f"the size of {missing[0]} is not known from the arguments; pass sizes=")
        args = [np.asarray(arrays[k], dtype=float) for k in self.inputs] + [known[r] for r in self.sizes]
        shape = tuple(known[r] for _, r in self.free)
        out = np.empty(shape)
        for point in np.ndindex(*shape):
            out[point] = self.fn(*[p + 1 for p in point], *args)
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}{list(v)}" for k, v in self.inputs.items())
        return f"<sympy-lambdified ({args}) -> [{', '.join(f'{s}:{r}' for s, r in self.free)}]>"


def lambdify(net: Network, expr: Any, free: list[Any] | None = None, *,
             activation: str | dict[str, str] = "tanh") -> SympyLambdified:
    """``sympy.lambdify`` of a SymPy view (an expression, or an ``Eq``: its right side), wrapped so
    that it takes symbp's own arrays: 0-based, by the keywords of :func:`symbp.lambdify`
    (``w_kj`` of shape ``(K, J)``, ``delta_k``), and returns the array over the free indices
    ``free`` (index symbols; by default in order of name).  SymPy's own ``lambdify`` of an
    ``Indexed`` reads ``w[k, j]`` 1-based, as written; this wrapper shifts every index by one.
    ``h`` is made concrete by ``activation`` as in :func:`symbp.lambdify`; an
    :class:`ErrorDerivative` ``∂E/∂y_k`` is taken as an argument ``delta_k``.  It loops over
    the free indices in Python: a second opinion for tests and small sizes, not a fast path.

    >>> import numpy as np
    >>> from symbp import notebook as nb
    >>> net = nb.network("plain")
    >>> g = nb.gradients(net)["w_{ji}"]
    >>> f = lambdify(net, g.sympy, g.sympy.lhs.args[1].indices)
    >>> f
    <sympy-lambdified (delta_j['J'], z_i['I']) -> [j:J, i:I]>
    >>> f(delta_j=np.array([1.0, 2.0]), z_i=np.array([3.0, 4.0, 5.0]))
    array([[ 3.,  4.,  5.],
           [ 6.,  8., 10.]])
    """
    from sympy.core.function import AppliedUndef

    if isinstance(expr, sp.Eq):
        expr = expr.rhs
    if expr.atoms(RangeCondition) or any(not isinstance(i, (sp.Symbol, sp.Integer))
                                         for e in expr.atoms(sp.Indexed) for i in e.indices):
        raise UnsupportedError("shifted positions (x_{j+m-1}) are not lambdified by the SymPy view yet",
                               hint="use symbp.lambdify, which gathers each factor at its positions")
    own = [f for f in net.families if f.name != HIDDEN]  # a hidden family stands as its definition
    fams = {argument_name(net, f.id): f.id for f in own}
    axes = {**{argument_name(net, f.id, True): f.axes for f in own if net.has_delta(f.id)},
            **{name: net.families[fid].axes for name, fid in fams.items()}}
    acts = ({name: activation for name in net.functions} if isinstance(activation, str) else dict(activation))
    acts.update(net.activations)
    ranges: dict[sp.Symbol, str] = {}
    for e in expr.atoms(sp.Indexed):
        if str(e.base.label) in axes:
            for i, r in zip(e.indices, axes[str(e.base.label)]):
                if isinstance(i, sp.Symbol):
                    ranges.setdefault(i, r)
    bound = {lim[0] for s in expr.atoms(sp.Sum) for lim in s.limits}
    if free is None:
        free = sorted((i for i in ranges if i not in bound), key=str)
    free_pairs = [(sp.Symbol(str(i), integer=True), ranges[i]) for i in free]

    def grad(e: Any) -> Any:
        x = e.args[1]
        fid = fams[str(x.base.label) if isinstance(x, sp.Indexed) else str(x)]
        return _at(base(net, fid, True), tuple(x.indices) if isinstance(x, sp.Indexed) else ())

    def concrete(e: Any) -> Any:
        name = e.func.__name__.rstrip("'")  # ln'(1 - a_j): a derivative at a compound argument
        if name not in acts:
            raise TypeError(f"no concrete function for {name}; pass activation={{{name!r}: 'tanh'}}")
        return concrete_call({name: CONCRETE[acts[name]]}, e)

    expr = expr.replace(lambda e: isinstance(e, ErrorDerivative), grad)
    expr = expr.replace(lambda e: isinstance(e, AppliedUndef), concrete)
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit())
    expr = expr.replace(lambda e: isinstance(e, sp.Indexed),
                        lambda e: sp.IndexedBase(e.base.label)[tuple(i - 1 for i in e.indices)])
    inputs: dict[str, tuple[str, ...]] = {}
    symbols: list[Any] = []
    labels = {str(x.base.label) for x in expr.atoms(sp.Indexed)}
    for f in own:
        for grad_of in (False, True):
            b = base(net, f.id, grad_of)
            label = b.label if isinstance(b, sp.IndexedBase) else b
            if str(label) in inputs:
                continue
            if label in expr.free_symbols or str(label) in labels:
                inputs[str(label)] = f.axes
                symbols.append(sp.IndexedBase(label) if f.axes else label)
    sizes = [r for r in net.sizes if _size(r) in expr.free_symbols]
    fn = sp.lambdify([s for s, _ in free_pairs] + symbols + [_size(r) for r in sizes], expr, modules="numpy")
    return SympyLambdified(fn, free_pairs, inputs, sizes, expr)
