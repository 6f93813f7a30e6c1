"""A network at concrete sizes as explicit SymPy expressions, and ``sympy.diff`` of its error.

:func:`at_sizes` writes a network's forward pass out at given sizes (``I=2, J=3, L=2``): every
element of every family is an ``Indexed`` with integer indices (``a_j[1]``, 1-based as in the
SymPy views of :mod:`symbp.printers.sympy_views`), the inputs and weights are the leaves, ``h``
is an undefined ``Function`` (a declared activation is its SymPy function), and the error is
``E(y_1, …)``, an undefined function of the output elements (a declared sum-of-squares error is
``½ Σ (y - t)²``).  Derivatives are SymPy's: :meth:`ConcreteNetwork.delta` is
``∂E/∂a_j[p]`` (``E`` with ``a_j[p]`` shifted by ``ε``, differentiated in ``ε`` at 0) and
:meth:`ConcreteNetwork.gradient` is ``∂E/∂w[p]``, both by ``sympy.diff`` alone: nothing of
symbp's chain rule is used, which makes it a second oracle (:mod:`symbp.soundness.sympy_oracle`).
Imports SymPy, :mod:`symbp.model` and :mod:`symbp.printers.sympy_views` (the forward equations).

>>> from symbp import builtin
>>> c = at_sizes(builtin("plain"), I=1, J=1, K=1)
>>> c.value("a_k", 1)
h(w_ji[1, 1]*z_i[1])*w_kj[1, 1]
>>> c.gradient("w_kj", 1, 1)
h(w_ji[1, 1]*z_i[1])*Subs(Derivative(E(_xi_1), _xi_1), _xi_1, h(w_ji[1, 1]*z_i[1])*w_kj[1, 1])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..engine.calculus import HIDDEN, error_family
from ..engine.numeric import argument_name
from ..model.network import Network
from .sympy_views import CONCRETE, concrete_call, forward_equations

__all__ = ["ConcreteNetwork", "at_sizes"]

#: the most elements a concrete network may have (the expressions grow fast)
MAX_ELEMENTS = 400


def _size(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


@dataclass
class ConcreteNetwork:
    """A network at concrete sizes: forward equations, explicit values and ``E``, by element.

    ``equations`` are the forward equations at these sizes, one per element (``a_j[1] = w_ji[1, 1]
    z_i[1] + …``, in terms of the layer below); :meth:`value` is an element written out in the
    leaves; :attr:`error` is ``E`` written out."""

    net: Network
    sizes: dict[str, int]
    equations: list[Any] = field(default_factory=list)
    #: family id -> point -> the right side of its forward equation (in other elements)
    step: dict[int, dict[tuple[int, ...], Any]] = field(default_factory=dict)
    #: the shift ``ε`` of every defined element, 0 in every value :meth:`value` returns
    eps: dict[tuple[int, tuple[int, ...]], sp.Symbol] = field(default_factory=dict)
    functions: dict[str, Any] = field(default_factory=dict)
    _explicit: dict[tuple[int, tuple[int, ...]], Any] = field(default_factory=dict, repr=False)
    _error: Any = field(default=None, repr=False)
    _diffs: dict[tuple[int, tuple[int, ...]], Any] = field(default_factory=dict, repr=False)
    #: room for the users of the concrete network to keep what they computed from it
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- lookup
    def family(self, name: str) -> int:
        """The family whose SymPy base is ``name`` (``a_j``, ``w_kj``: as in the SymPy views)."""
        for f in self.own:
            if argument_name(self.net, f.id) == name:
                return f.id
        raise KeyError(f"no family {name!r}; these are: "
                       + ", ".join(argument_name(self.net, f.id) for f in self.own))

    @property
    def own(self) -> list:
        """The families with elements of their own: not the hidden ones (a softmax's denominator),
        which the forward equations write out as their sums."""
        return [f for f in self.net.families if f.name != HIDDEN]

    def element(self, fam: int, point: tuple[int, ...]) -> Any:
        """The SymPy symbol of one element (``a_j[2]``)."""
        name = argument_name(self.net, fam)
        return sp.IndexedBase(name)[point] if point else sp.Symbol(name)

    def points(self, fam: int) -> list[tuple[int, ...]]:
        return list(itertools.product(*(range(1, self.sizes[r] + 1) for r in self.net.families[fam].axes)))

    # -- values
    def _shifted(self, fam: int, point: tuple[int, ...]) -> Any:
        """The element written out in the leaves and the shifts ``ε``."""
        key = (fam, point)
        if key not in self._explicit:
            if fam not in self.step and fam in self.net.conditions and point == self.points(fam)[-1]:
                # targets declared to sum to 1 (probabilities, one-hot): the last is 1 - the others
                self._explicit[key] = 1 - sp.Add(*[self.element(fam, q) for q in self.points(fam)[:-1]])
            elif fam not in self.step:
                self._explicit[key] = self.element(fam, point)
            else:
                rhs = self.step[fam][point]
                subs = {}
                for e in rhs.atoms(sp.Indexed, sp.Symbol):
                    found = self._lookup(e)
                    if found is not None and (found[0] in self.step or found[0] in self.net.conditions):
                        subs[e] = self._shifted(*found)
                self._explicit[key] = rhs.xreplace(subs) + self.eps[key]
        return self._explicit[key]

    def _lookup(self, e: Any) -> tuple[int, tuple[int, ...]] | None:
        name = str(e.base.label) if isinstance(e, sp.Indexed) else str(e)
        for f in self.own:
            if argument_name(self.net, f.id) == name and bool(f.axes) == isinstance(e, sp.Indexed):
                point = tuple(int(i) for i in e.indices) if isinstance(e, sp.Indexed) else ()
                return f.id, point
        return None

    def _zero(self, e: Any) -> Any:
        return e.xreplace({s: 0 for s in self.eps.values()})

    def value(self, name: str | int, *point: int) -> Any:
        """An element (``"a_k", 1``) written out in the leaves: inputs, weights, ``h``."""
        fam = self.family(name) if isinstance(name, str) else name
        return self._zero(self._shifted(fam, tuple(point)))

    @property
    def error(self) -> Any:
        """``E`` written out: ``E(y_1, …)`` of the output elements, or the declared error."""
        return self._zero(self._shifted_error())

    def _shifted_error(self) -> Any:
        if self._error is None:
            outs = [(o, p) for o in self.net.outputs for p in self.points(o)]
            formula = error_family(self.net)
            if formula is not None:  # the forward pass defines the error (E = -\sum_k t_k \ln y_k)
                self._error = self._shifted(formula, ())
            elif self.net.error_kind == "sum-of-squares" and self.net.targets:
                self._error = sp.Rational(1, 2) * sp.Add(*[
                    (self._shifted(o, p) - self.element(self.net.targets[o], p)) ** 2 for o, p in outs])
            else:
                self._error = sp.Function(self.net.error_name)(*[self._shifted(o, p) for o, p in outs])
        return self._error

    # -- sympy.diff
    def delta(self, name: str | int, *point: int) -> Any:
        """``∂E/∂u`` of an element ``u`` (``δ`` of ``a_j`` at ``j``; a weight; an input), by
        ``sympy.diff`` alone: of ``E`` in ``u`` itself if ``u`` is a leaf, else of ``E`` with ``u``
        shifted by ``ε``, in ``ε``, at ``ε = 0``."""
        fam = self.family(name) if isinstance(name, str) else name
        key = (fam, tuple(point))
        if key not in self._diffs:
            wrt = self.eps[key] if fam in self.step else self.element(fam, tuple(point))
            self._diffs[key] = self._zero(sp.diff(self._shifted_error(), wrt))
        return self._diffs[key]

    #: ``∂E/∂θ`` of a weight element (``w_kj[1, 2]``): the same derivative as :meth:`delta`
    gradient = delta


def at_sizes(net: Network, **sizes: int) -> ConcreteNetwork:
    """The network ``net`` at these sizes (every size of the network must be given), as a
    :class:`ConcreteNetwork` of explicit SymPy expressions.

    >>> from symbp import builtin
    >>> c = at_sizes(builtin("shared"), I=1, J=1, K=1, L=2)
    >>> c.equations[-1]
    Eq(a_k[1], w_kjl[1, 1, 1]*z_jl[1, 1] + w_kjl[1, 1, 2]*z_jl[1, 2])
    """
    missing = [r for r in net.sizes if r not in sizes]
    if missing:
        raise TypeError(f"give every size of the network: {', '.join(missing)} missing")
    c = ConcreteNetwork(net, dict(sizes))
    total = sum(len(c.points(f.id)) for f in c.own)
    if total > MAX_ELEMENTS:
        raise ValueError(f"{total} elements at these sizes; at most {MAX_ELEMENTS}")
    values = {_size(r): n for r, n in sizes.items()}
    for name in net.functions:
        kind = net.activations.get(name)
        c.functions[name] = CONCRETE[kind] if kind in CONCRETE else sp.Function(name)

    def concrete(e: Any) -> Any:
        return concrete_call(c.functions, e)

    from sympy.core.function import AppliedUndef
    defined = [(fid, d) for fid, d in net.definitions.items() if net.families[fid].name != HIDDEN]
    for (fid, d), eq in zip(defined, forward_equations(net)):
        fam = net.families[fid]
        letters = [sp.Symbol(x, integer=True) for x in fam.letters]
        c.step[fid] = {}
        for p in c.points(fid):
            at = dict(zip(letters, (sp.Integer(v) for v in p)))
            rhs = eq.rhs.xreplace(at).subs(values).doit()
            rhs = rhs.replace(lambda e: isinstance(e, sp.Indexed),
                              lambda e: sp.IndexedBase(e.base.label)[e.indices])
            rhs = rhs.replace(lambda e: isinstance(e, AppliedUndef)
                              and e.func.__name__.rstrip("'") in c.functions, concrete)
            c.step[fid][p] = rhs
            c.eps[(fid, p)] = sp.Symbol(f"eps_{argument_name(net, fid)}_{'_'.join(map(str, p))}")
            c.equations.append(sp.Eq(c.element(fid, p), rhs, evaluate=False))
        del d
    return c
