"""The notebook API: networks, their derivation as SymPy objects, checks as displayable reports.

Build or load a network, get the engine's derivation of it — the forward pass, ``δ`` of every
layer, ``∂E/∂θ`` of every parameter family — as :class:`Formula` objects that print as LaTeX in
the network's own letters and convert to ordinary SymPy objects (``Indexed`` over ``Idx`` with
symbolic ranges, ``Sum``, an undefined ``h``), and check equations or whole derivation files
into a :class:`~symbp.api.Report`.  In Jupyter every one of these objects displays itself:
formulas and networks as typeset maths, reports and results as a table of verdicts (see
:mod:`symbp.render.display`).

>>> from symbp import notebook as nb
>>> net = nb.network("shared")
>>> print(nb.gradients(net)["w_{ji}"])
\\frac{\\partial E}{\\partial w_{ji}} = \\sum_{l} \\delta_{j_l} z_{i_l}
>>> nb.gradients(net)["w_{ji}"].sympy
Eq(ErrorDerivative(E, w_ji[j, i]), Sum(delta_jl[j, l]*z_il[i, l], (l, 1, L)))
>>> print(nb.deltas(net)[-1])
\\delta_{j_l} = h'(a_{j_l}) \\sum_{k} w_{kj_l} \\delta_{k}
>>> report = nb.check(r"\\frac{\\partial E}{\\partial w_{ji}} = \\sum_k \\delta_{j_l} z_{i_l}", net)
>>> [r.verdict for r in report.results], report.results[0].suggestion
(['refuted'], '\\\\frac{\\\\partial E}{\\\\partial w_{ji}} = \\\\sum_{l} \\\\delta_{j_l} z_{i_l}')

The SymPy names follow :func:`symbp.printers.sympy_views.to_sympy`: every family has a base
named as :func:`symbp.lambdify` names its argument (``w_ji``, ``z_i``, ``z_j``), ``δ`` of
``a_j`` is ``delta_j[j]``, ``∂E/∂w`` is ``ErrorDerivative(E, w_ji[j, i])`` (which ``doit``
keeps), ``h'(a_j)`` is ``Derivative(h(a_j[j]), a_j[j])``, indices are integer symbols.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, SupportsIndex, overload

from . import api
from .document import Derivation, load
from .engine import calculus
from .engine.declare import BUILTINS, declare
from .errors import NotationError
from .model.factors import Grad, Ref
from .model.network import Family, Network
from .model.normal_form import Expr, F
from .notation import group_letters, latex_name
from .printers.nfprint import latex

__all__ = ["Formula", "Formulas", "SizedFormula", "check", "concrete", "deltas", "forward", "gradients",
           "load", "network"]

FORWARD, DELTA, GRADIENT = "forward", "delta", "gradient"


@dataclass(eq=False)
class Formula:
    """One derived equation ``lhs = rhs`` of a network, kept as the engine's normal forms.

    ``kind`` is ``forward`` (a forward equation ``a_j = \\sum_i w_{ji} z_i``), ``delta``
    (``δ`` of a layer, by backpropagation) or ``gradient`` (``∂E/∂θ`` of a parameter family);
    ``family`` is the quantity on the left (``a_j`` for ``δ_j``, ``w_{ji}`` for ``∂E/∂w_{ji}``).
    ``str()`` and :attr:`latex` give LaTeX in the network's letters, :attr:`sympy` a SymPy
    ``Eq``; in Jupyter the formula displays as typeset maths.

    >>> f = deltas(network("plain"))[0]
    >>> f.kind, f.family.show(), f.lhs_latex
    ('delta', 'a_{j}', '\\\\delta_{j}')
    >>> f.sympy.rhs
    Derivative(h(a_j[j]), a_j[j])*Sum(delta_k[k]*w_kj[k, j], (k, 1, K))
    """

    network: Network = field(repr=False)
    kind: str
    family: Family = field(repr=False)
    lhs: Expr = field(repr=False)
    rhs: Expr = field(repr=False)
    names: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def lhs_latex(self) -> str:
        """The left side in LaTeX (``\\delta_{j_l}``, ``\\frac{\\partial E}{\\partial w_{ji}}``)."""
        return latex(self.network, self.lhs, self.names)

    @property
    def rhs_latex(self) -> str:
        """The right side in LaTeX, printed by :func:`symbp.printers.nfprint.latex`."""
        return latex(self.network, self.rhs, self.names)

    @property
    def latex(self) -> str:
        """``lhs = rhs`` in LaTeX."""
        return f"{self.lhs_latex} = {self.rhs_latex}"

    @property
    def quantity(self) -> str:
        """The family on the left in the letters used here (``a_{j_l}``, ``w_{ji}``)."""
        letters = tuple(self.names.get(f"#{k}", x) for k, x in enumerate(self.family.letters))
        return f"{latex_name(self.family.name)}_{{{group_letters(letters, self.family.grouping)}}}"

    @property
    def sympy(self) -> Any:
        """The formula as a SymPy ``Eq`` (unevaluated), by :func:`~symbp.printers.sympy_views.to_sympy`:
        true under ``doit``, ``simplify``, ``subs`` of a size, ``xreplace``, ``pickle``
        (``∂E/∂w`` is an :class:`~symbp.printers.sympy_views.ErrorDerivative`, never 0).

        >>> eq = gradients("plain")["w_{ji}"].sympy
        >>> eq
        Eq(ErrorDerivative(E, w_ji[j, i]), delta_j[j]*z_i[i])
        >>> eq.doit() == eq
        True
        """
        import sympy

        from .printers.sympy_views import to_sympy
        return sympy.Eq(to_sympy(self.network, self.lhs, self.names),
                        to_sympy(self.network, self.rhs, self.names), evaluate=False)

    def at_sizes(self, **sizes: int) -> SizedFormula:
        """The formula with concrete range sizes, its sums written out (``L=2``: one term per
        position; the same as ``self.sympy.subs(L, 2).doit()``): a :class:`SizedFormula`, whose
        :attr:`~SizedFormula.sympy` is the SymPy ``Eq`` and which displays through symbp's
        printer (``\\delta_{j_1} z_{i_1}``, in the note's letters).

        >>> shared = network("shared")
        >>> two = gradients(shared)["w_{ji}"].at_sizes(L=2)
        >>> two
        Eq(ErrorDerivative(E, w_ji[j, i]), delta_jl[j, 1]*z_il[i, 1] + delta_jl[j, 2]*z_il[i, 2])
        >>> print(two)
        \\frac{\\partial E}{\\partial w_{ji}} = \\delta_{j_1} z_{i_1} + \\delta_{j_2} z_{i_2}
        """
        import sympy

        eq = self.sympy
        values = {sympy.Symbol(k, integer=True, positive=True): v for k, v in sizes.items()}
        sized = sympy.Eq(eq.lhs.subs(values).doit(), eq.rhs.subs(values).doit(), evaluate=False)
        # for display, the printer's structure (Idx indices that know their ranges) at these sizes:
        # only its sums are carried out, over plain integer symbols, then the Idx come back
        from .printers.sympy_views import to_sympy

        shown = sympy.Eq(*(to_sympy(self.network, e, self.names, evaluate=False)
                           for e in (self.lhs, self.rhs)), evaluate=False)
        plain = {i: i.label for i in shown.atoms(sympy.Idx)}
        back = {v: k for k, v in plain.items()}

        def written_out(e: Any) -> Any:
            e = e.xreplace(plain).subs(values)
            return e.replace(lambda x: isinstance(x, sympy.Sum), lambda x: x.doit()).xreplace(back)

        return SizedFormula(self.network, sized, sympy.Eq(written_out(shown.lhs), written_out(shown.rhs),
                                                          evaluate=False))

    def lambdify(self, activation: str | dict[str, str] = "tanh") -> Any:
        """The right side as a NumPy function of symbp's own 0-based arrays, through
        ``sympy.lambdify`` (:func:`symbp.printers.sympy_views.lambdify`); its output axes are the
        indices of the left side.

        >>> import numpy as np
        >>> f = gradients("plain")["w_{kj}"].lambdify()
        >>> f(delta_k=np.ones(2), z_j=np.arange(3.0))
        array([[0., 1., 2.],
               [0., 1., 2.]])
        """
        from .printers.sympy_views import lambdify

        eq = self.sympy
        return lambdify(self.network, eq, _indices(eq.lhs), activation=activation)

    def against_sympy_diff(self, **sizes: int) -> list[str]:
        """The points where this ``δ`` or ``∂E/∂θ`` differs from ``sympy.diff`` of the network
        written out at these sizes (:func:`symbp.soundness.sympy_oracle.compare`): ``[]`` when it
        agrees everywhere, exactly.  A second opinion that uses nothing of symbp's chain rule.

        >>> gradients("shared")["w_{ji}"].against_sympy_diff(I=2, J=1, K=1, L=2)
        []
        """
        from .soundness.sympy_oracle import compare

        if self.kind == FORWARD:
            raise TypeError("a forward equation is the network's definition: nothing to differentiate")
        return compare(self.network, self.sympy, sizes)

    def __str__(self) -> str:
        return self.latex

    def __repr__(self) -> str:
        return f"Formula({self.kind}: {self.latex})"

    def _repr_latex_(self) -> str:
        return f"$${self.latex}$$"


def _indices(lhs: Any) -> tuple[Any, ...]:
    """The indices of a formula's left side (``w_ji[j, i]`` in ``∂E/∂w_ji[j, i]``)."""
    import sympy

    from .printers.sympy_views import ErrorDerivative
    if isinstance(lhs, ErrorDerivative):
        lhs = lhs.args[1]
    return tuple(lhs.indices) if isinstance(lhs, sympy.Indexed) else ()


class SizedFormula:
    """A formula at concrete sizes (:meth:`Formula.at_sizes`): :attr:`sympy` is the SymPy ``Eq``
    (its ``repr`` is this object's, and its attributes are reachable here: ``.rhs``, ``.doit()``);
    ``str()``, :attr:`latex` and Jupyter's display use symbp's printer, in the network's letters
    (never SymPy's ``\\frac{d}{d w_{j,i}} E``)."""

    def __init__(self, net: Network, eq: Any, shown: Any) -> None:
        self.network = net
        self.sympy = eq
        self._shown = shown  # the same at these sizes in the printer's structure (for printing only)

    @property
    def latex(self) -> str:
        """``lhs = rhs`` in LaTeX, by :class:`symbp.printers.sympy_latex.LatexPrinter`."""
        from .printers.sympy_latex import LatexPrinter

        return LatexPrinter(self.network).doprint(self._shown)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.sympy, name)

    def __eq__(self, other: object) -> bool:
        return self.sympy == (other.sympy if isinstance(other, SizedFormula) else other)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.latex

    def __repr__(self) -> str:
        return repr(self.sympy)

    def _repr_latex_(self) -> str:
        return f"$${self.latex}$$"


def _key(s: str) -> str:
    return "".join(ch for ch in s if ch not in " {}")


class Formulas(list[Formula]):
    """A list of :class:`Formula` that displays as one aligned block, converts to SymPy as a
    whole (:attr:`sympy`), and can be indexed by the quantity on the left: ``["w_{ji}"]``,
    ``["a_{j_l}"]`` (spaces and braces do not matter) as well as by position.

    >>> fs = gradients(network("plain"))
    >>> for f in fs:
    ...     print(f)
    \\frac{\\partial E}{\\partial w_{ji}} = \\delta_{j} z_{i}
    \\frac{\\partial E}{\\partial w_{kj}} = \\delta_{k} z_{j}
    >>> fs["w_kj"].rhs_latex
    '\\\\delta_{k} z_{j}'
    """

    @overload
    def __getitem__(self, key: SupportsIndex) -> Formula: ...

    @overload
    def __getitem__(self, key: slice) -> list[Formula]: ...

    @overload
    def __getitem__(self, key: str) -> Formula: ...

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            want = _key(key)
            for f in self:
                if want in (_key(f.quantity), _key(f.lhs_latex)):
                    return f
            raise KeyError(f"no formula for {key!r}; these are for: "
                           + ", ".join(f.quantity for f in self))
        return super().__getitem__(key)

    @property
    def sympy(self) -> list[Any]:
        """Every formula as a SymPy ``Eq``."""
        return [f.sympy for f in self]

    def _repr_latex_(self) -> str:
        if not self:
            return "$$\\text{(none)}$$"
        rows = [f"{f.lhs_latex} &= {f.rhs_latex}" for f in self]
        return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


# ----------------------------------------------------------------------------------------------
# networks and their derivation


def network(spec: str | os.PathLike[str] | Sequence[str] | Network | Derivation, **declare_options: Any
            ) -> Network:
    """A network: a built-in one by name (``plain``, ``shared``), the network a derivation file
    declares (a path), or one declared by its forward equations (a list of LaTeX strings; the
    keyword arguments go to :func:`symbp.declare`).  A :class:`~symbp.model.network.Network`
    or a :class:`~symbp.document.Derivation` is taken as it is.

    >>> network("plain").sizes
    ['I', 'J', 'K']
    >>> network([r"a_j = \\sum_i w_{ji} x_i", r"y_j = h(a_j)"]).sizes
    ['I', 'J']
    >>> network("derivations/weight_sharing.tex").composites
    {'m': ('j', 'l')}
    """
    if isinstance(spec, Network):
        return spec
    if isinstance(spec, Derivation):
        return spec.network
    if isinstance(spec, str) and spec in BUILTINS and declare_options:
        raise TypeError(f"options such as {sorted(declare_options)[0]!r} go with forward equations, "
                        f"not with the built-in network {spec!r}")
    if isinstance(spec, (str, os.PathLike)):
        try:
            return api.load_network(spec)
        except NotationError as exc:  # here a list of forward equations will do as well
            exc.hint = (f"use {', '.join(BUILTINS)}, the path of a derivation file, "
                        "or a list of forward equations")
            raise
    return declare(list(spec), **declare_options)


def _grad(fam: Family, idx: Iterable[str]) -> Expr:
    return Expr.atom(Grad("grad", fam.id, tuple(F(x) for x in idx)))


def concrete(net: Network | str, **sizes: int) -> Any:
    """The network at concrete sizes as explicit SymPy expressions
    (:class:`~symbp.printers.sympy_concrete.ConcreteNetwork`): its forward equations element by
    element, every element written out (``h`` and ``E`` undefined functions, unless declared),
    and ``sympy.diff`` of ``E`` by :meth:`~symbp.printers.sympy_concrete.ConcreteNetwork.delta`.

    >>> c = concrete("plain", I=2, J=1, K=1)
    >>> c.equations[0]
    Eq(a_j[1], w_ji[1, 1]*z_i[1] + w_ji[1, 2]*z_i[2])
    >>> c.error
    E(h(w_ji[1, 1]*z_i[1] + w_ji[1, 2]*z_i[2])*w_kj[1, 1])
    """
    from .printers.sympy_concrete import at_sizes

    return at_sizes(network(net), **sizes)


def forward(net: Network | str) -> Formulas:
    """The forward pass, one :class:`Formula` per defined family, in declaration order.

    >>> [str(f) for f in forward("plain")]
    ['a_{j} = \\\\sum_{i} w_{ji} z_{i}', 'z_{j} = h(a_{j})', 'a_{k} = \\\\sum_{j} w_{kj} z_{j}']
    """
    net = network(net)
    out = Formulas()
    for fid, d in net.definitions.items():
        fam = net.families[fid]
        slots = [f"#{k}" for k in range(len(fam.axes))]
        lhs = Expr.atom(Ref("ref", fid, tuple(F(x) for x in slots)))
        out.append(Formula(net, FORWARD, fam, lhs, d, dict(zip(slots, fam.letters))))
    return out


def deltas(net: Network | str) -> Formulas:
    """``δ`` of every hidden layer by backpropagation: ``δ`` in terms of the layer above (one
    step of the recursion, as PRML writes it), in the order the network declares its layers.

    >>> [str(f) for f in deltas("plain")]
    ["\\\\delta_{j} = h'(a_{j}) \\\\sum_{k} w_{kj} \\\\delta_{k}"]
    """
    net = network(net)
    out = Formulas()
    for fam in net.families:
        if net.has_delta(fam.id) and fam.id not in net.outputs and net.consumers[fam.id]:
            slots = [f"#{k}" for k in range(len(fam.axes))]
            names = dict(zip(slots, net.letters_for(fam.axes)))
            out.append(Formula(net, DELTA, fam, _grad(fam, slots),
                               calculus.delta_definition(net, fam.id), names))
    return out


def gradients(net: Network | str) -> Formulas:
    """``∂E/∂θ`` of every parameter family, in terms of ``δ`` (a shared weight collects one term
    per use).

    >>> print(gradients("shared")[0])
    \\frac{\\partial E}{\\partial w_{ji}} = \\sum_{l} \\delta_{j_l} z_{i_l}
    """
    net = network(net)
    out = Formulas()
    for fam in net.params:
        letters = net.letters_for(fam.axes)
        slots = [f"#{k}" for k in range(len(fam.axes))]
        g = calculus.gradient(net, fam.id, tuple(F(x) for x in slots))
        out.append(Formula(net, GRADIENT, fam, _grad(fam, slots), g, dict(zip(slots, letters))))
    return out


# ----------------------------------------------------------------------------------------------
# checking


def check(source: str | os.PathLike[str] | Derivation, net: Network | str | None = None) -> api.Report:
    """Check, into a :class:`~symbp.api.Report` (a table of verdicts in Jupyter).

    ``source`` is a LaTeX equation (a ``str``: checked against ``net``, default ``plain``), or a
    derivation file (a :class:`~pathlib.Path` or a loaded :class:`~symbp.document.Derivation`,
    checked against the network it declares; ``net`` must then be left out), or a folder (a
    ``Path``: its derivation files, as ``symbp check`` finds them).  A ``str`` that names a
    ``.tex`` file and has no ``=`` is that file, not an equation.  A file that cannot be read
    raises :class:`~symbp.errors.InputError`; an equation that cannot be read is an ``error``
    result.

    >>> from pathlib import Path
    >>> report = check(Path("derivations/weight_sharing.tex"))
    >>> report.exit_code, report.counts()["refuted"]
    (0, 1)
    >>> [r.verdict for r in check(r"\\delta_j = \\sum_k w_{kj} \\delta_k", "plain").results]
    ['refuted']
    """
    if isinstance(source, str) and source.strip().endswith(".tex") and "=" not in source:
        source = Path(source.strip())  # a file name, never an equation ("unexpected '/'")
    if isinstance(source, str):
        results = api.check_equation(source, network(net if net is not None else "plain"))
        return api.Report(results=results)
    if net is not None:
        raise TypeError("a derivation file is checked against the network it declares; leave out net")
    if not isinstance(source, Derivation) and Path(source).is_dir():
        return api.check_paths([Path(source)])
    deriv = source if isinstance(source, Derivation) else load(Path(source))
    return api.Report(results=api.check_file(deriv), files=1)
