"""LaTeX in the note's own notation (``\\sum_l \\delta_{j_l} z_{i_l}``), by a SymPy printer.

:class:`LatexPrinter` subclasses SymPy's ``LatexPrinter`` and overrides one ``_print_<Class>``
method per kind of object: ``Indexed`` (``w_{kj_l}``: the network knows that ``j`` and ``l``
form one subscript group), ``Sum`` (``\\sum_{l}``, the range is implied by the index),
``Derivative`` (``h'(a_{j})``, ``\\frac{\\partial E}{\\partial w_{ji}}``), undefined
functions (``h(a_{j})``), ``KroneckerDelta`` (``[i = j]``), products and sums in the order they
were built.  Never SymPy's ``KroneckerDelta(j, j')`` or ``Piecewise`` output.  The same printer
serves the checker's messages, ``symbp derive``, the proofs and notebook display.

>>> from symbp import builtin
>>> from symbp.engine.calculus import delta_definition
>>> net = builtin("plain")
>>> LatexPrinter(net).doprint(delta_definition(net, 0), {"#0": "j"})
"h'(a_{j}) \\\\sum_{k} w_{kj} \\\\delta_{k}"
>>> import sympy as sp
>>> from symbp.printers.sympy_views import idx
>>> j, i = idx("j", "J"), idx("i", "I")
>>> w, z = sp.IndexedBase("w"), sp.IndexedBase("z")
>>> LatexPrinter(builtin("shared")).doprint(sp.Sum(w[j, i] * z[i, idx("l", "L")], (i, 1, i.upper)))
'\\\\sum_{i} w_{ji} z_{i_l}'
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter as _SympyLatexPrinter

from ..model.network import Network
from ..model.normal_form import Expr
from ..notation import group_letters, join_signed, join_tex, latex_name, primed, shift_text
from .sympy_views import free_letter, to_sympy

__all__ = ["LatexPrinter", "latex"]


class LatexPrinter(_SympyLatexPrinter):
    """Prints SymPy objects built by :mod:`symbp.printers.sympy_views` (and normal forms, converted on the
    way in) in a network's notation."""

    printmethod = "_symbp_latex"

    def __init__(self, net: Network, settings: dict[str, Any] | None = None) -> None:
        super().__init__({"order": "none", **(settings or {})})
        self.net = net

    # -- entry points
    def doprint(self, expr: Any, names: dict[str, str] | None = None) -> str:
        """LaTeX of a SymPy object, or of a normal form (``names`` maps its free index names to
        the letters to print)."""
        if isinstance(expr, Expr):
            expr = to_sympy(self.net, expr, names, evaluate=False)
        return super().doprint(expr)

    def free_letter(self, name: str) -> str:
        """How a free index name prints: ``j``; a component ``m.0`` of ``m = j_l`` as ``j(m)``."""
        return free_letter(self.net, name)

    # -- indexed quantities
    def _family(self, name: str, indices: tuple[Any, ...]) -> Any:
        axes = tuple(str(i.upper) if isinstance(i, sp.Idx) and i.upper is not None else "" for i in indices)
        fam = self.net.family(name, axes)
        if fam is None and "" in axes:  # a number in place of an index (a sum written out):
            fits = [f for f in self.net.named(name) if len(f.axes) == len(axes)  # the one that fits
                    and all(a in ("", b) for a, b in zip(axes, f.axes))]
            fam = fits[0] if len(fits) == 1 else None
        return fam

    def _position(self, i: Any) -> str:
        """A shifted position (a sum of indices and a number) as written: ``j+m-1``, ``p-a+1``."""
        terms, const = [], 0
        for k, c in i.as_coefficients_dict().items():
            if k == 1:
                const += int(c)
            elif str(k) in self.net.strides or (isinstance(k, sp.Mul) and any(
                    str(q) in self.net.strides for q in k.args)):
                # a stride (s j, or s alone): the sizes first, in braces ({s}*j), then the index
                parts = k.args if isinstance(k, sp.Mul) else (k,)
                sizes = [f"{{{q}}}" if str(q) in self.net.strides else str(q) for q in parts
                         if str(q) in self.net.sizes]
                idx = [free_letter(self.net, str(q.label) if isinstance(q, sp.Idx) else str(q))
                       for q in parts if str(q) not in self.net.sizes]
                terms.append(("*".join(sorted(sizes) + idx), int(c)))
            else:
                label = str(k.label) if isinstance(k, sp.Idx) else str(k)
                terms.append((free_letter(self.net, label), int(c)))
        return latex_name(shift_text(sorted(terms, key=lambda xc: (xc[1] < 0, xc[0])), const))

    def _subscript(self, name: str, indices: tuple[Any, ...]) -> str:
        if any(isinstance(i, sp.Add) for i in indices):  # shifted positions: one per slot, with commas
            return ", ".join(self._position(i) if isinstance(i, sp.Add) else
                             latex_name(free_letter(self.net, str(i.label))) if isinstance(i, sp.Idx)
                             else self._print(i) for i in indices)
        labels = [str(i.label) if isinstance(i, sp.Idx) else self._print(i) for i in indices]
        fam = self._family(name, indices)
        grouping = fam.grouping if fam is not None else (1,) * len(labels)
        out, pos = [], 0
        for g in grouping:
            group = labels[pos:pos + g]
            comps = [self.net.component(x) for x in group]
            base = comps[0][0] if comps[0] is not None else None
            # the components m.0, m.1 of a free composite index m, written together, print as m
            if base is not None and group == [f"{base}.{k}" for k in range(g)]:
                out.append(base)
            else:
                out.append(group_letters([free_letter(self.net, x) for x in group], (g,)))
            pos += g
        return join_tex(out)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        name = str(expr.base.label)
        if name == "delta":
            return f"\\delta_{{{self._subscript(self.net.delta_of, expr.indices)}}}"
        return f"{latex_name(name)}_{{{self._subscript(name, expr.indices)}}}"

    def _print_Idx(self, expr: sp.Idx) -> str:
        return latex_name(free_letter(self.net, str(expr.label)))

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return latex_name(expr.name)

    # -- functions
    def _fn_name(self, name: str, arg: Any) -> str:
        """A function's name; a per-unit function ``θ_h`` with its unit's subscript, taken from
        the quantity it is applied to (``θ_h'(a_h)``), as :mod:`symbp.printers.nfprint` prints it."""
        if name in self.net.unit_functions and isinstance(arg, sp.Indexed):
            return f"{latex_name(name)}_{{{self._subscript(str(arg.base.label), arg.indices)}}}"
        return latex_name(name)

    def _print_Function(self, expr: Any, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef) and len(expr.args) == 1 and expr.func.__name__ == "max":
            return f"\\max(0, {self._print(expr.args[0])})"  # the ReLU as written
        if isinstance(expr, AppliedUndef) and len(expr.args) == 1:
            return f"{self._fn_name(expr.func.__name__, expr.args[0])}({self._print(expr.args[0])})"
        return super()._print_Function(expr, exp)

    def _print_Subs(self, expr: sp.Subs) -> str:
        if len(expr.variables) != 1:
            return super()._print_Subs(expr)
        d, (var,), (point,) = expr.args[0], expr.variables, expr.point
        if isinstance(d, sp.Derivative) and isinstance(d.expr, AppliedUndef) and d.expr.args == (var,) \
                and all(v == var for v in d.variables):
            if d.expr.func.__name__ == "max" and len(d.variables) == 1:
                return f"[{self._print(point)} > 0]"  # the ReLU's derivative, its step
            name = self._fn_name(d.expr.func.__name__, point)
            return f"{primed(name, len(d.variables))}({self._print(point)})"
        return super()._print_Subs(expr)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        v = expr.variables
        if isinstance(expr.expr, AppliedUndef) and expr.expr.args == (v[0],) and len(v) == 1 \
                and expr.expr.func.__name__ == "max":
            return f"[{self._print(v[0])} > 0]"  # the ReLU's derivative, its step
        if isinstance(expr.expr, AppliedUndef) and expr.expr.args == (v[0],) and all(x == v[0] for x in v):
            return f"{primed(self._fn_name(expr.expr.func.__name__, v[0]), len(v))}({self._print(v[0])})"
        if len(expr.variables) == 1:
            var = self._print(expr.variables[0])
            if isinstance(expr.expr, (sp.Indexed, sp.Symbol)):
                return f"\\frac{{\\partial {self._print(expr.expr)}}}{{\\partial {var}}}"
            body = self._print(expr.expr)
            if isinstance(expr.expr, sp.Add):
                body = f"\\left({body}\\right)"
            return f"\\frac{{\\partial}}{{\\partial {var}}} {body}"
        return super()._print_Derivative(expr)

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: str | None = None) -> str:
        a, b = (self._position(x) if isinstance(x, sp.Add) else self._print(x) for x in expr.args)
        if all(isinstance(x, (sp.Add, sp.Mul)) for x in expr.args):  # two shifted sides: by their text
            a, b = sorted((a, b))                  # (SymPy orders its arguments itself)
        return f"[{a} = {b}]"

    def _print_RangeCondition(self, expr: Any, exp: str | None = None) -> str:
        e, r = expr.args
        shown = self._position(e) if isinstance(e, sp.Add) else self._print(e)
        return f"[1 \\le {shown} \\le {self._print(r)}]"

    # -- sums and products, in the order they were built
    def _print_Sum(self, expr: sp.Sum) -> str:
        labels = [str(lim[0].label) if isinstance(lim[0], sp.Idx) else str(lim[0])
                  for lim in reversed(expr.limits)]
        subs, k = [], 0
        while k < len(labels):
            comp = self.net.component(labels[k])
            if comp is not None:
                base = comp[0]
                g = len(self.net.composites[base])
                if labels[k:k + g] == [f"{base}.{n}" for n in range(g)]:
                    subs.append(base)
                    k += g
                    continue
            subs.append(latex_name(free_letter(self.net, labels[k])))
            k += 1
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"\\left({body}\\right)"
        ups = [str(lim[2]) for lim in reversed(expr.limits)]
        if len(ups) == len(subs) and set(ups) & self.net.zero_ranges:  # 1..D, not the 0..D of \sum_i
            return "".join(f"\\sum_{{{s}=1}}^{{{u}}} " if u in self.net.zero_ranges else f"\\sum_{{{s}}} "
                           for s, u in zip(subs, ups)) + body
        return "".join(f"\\sum_{{{s}}} " for s in subs) + body

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        return join_signed(self._print(t) for t in expr.args)

    def _merged_deltas(self, args: list[Any]) -> tuple[list[Any], list[str]]:
        """``[j = j(m)] [l = l(m)]`` -> ``[j_l = m]``: the deltas that tie every component of a
        composite index ``m = j_l`` print as one, in the notation the parser reads."""
        deltas = [a for a in args if isinstance(a, sp.KroneckerDelta)]
        merged: list[str] = []
        for base, parts in self.net.composites.items():
            tied: dict[int, tuple[Any, str]] = {}
            for d in deltas:
                labels = [str(x.label) if isinstance(x, sp.Idx) else str(x) for x in d.args]
                for mine, other in ((labels[0], labels[1]), (labels[1], labels[0])):
                    b, dot, k = mine.partition(".")
                    if b == base and dot and k.isdigit() and self.net.component(other) is None:
                        tied.setdefault(int(k), (d, other))
            if len(tied) == len(parts):
                others = [tied[k][1] for k in range(len(parts))]
                merged.append(f"[{group_letters(others, (len(parts),))} = {base}]")
                drop = {id(tied[k][0]) for k in tied}
                deltas = [d for d in deltas if id(d) not in drop]
                args = [a for a in args if id(a) not in drop]
        return args, merged

    def _print_Mul(self, expr: sp.Mul) -> str:
        args = list(expr.args)
        coeff = sp.Integer(1)
        if args and args[0].is_Number:
            coeff = args.pop(0)
        first = next((k for k, a in enumerate(args) if isinstance(a, sp.KroneckerDelta)), None)
        args, merged = self._merged_deltas(args)
        pieces = []
        for k, a in enumerate(args):
            if k == first:  # merged deltas stand where the deltas stood, before any sum
                pieces += merged
                merged = []
            s = self._print(a)
            if isinstance(a, sp.Add) or (isinstance(a, sp.Sum) and a is not args[-1]):
                s = f"\\left({s}\\right)"
            pieces.append(s)
        pieces += merged
        body = " ".join(pieces) or "1"
        sign = "-" if coeff < 0 else ""
        c = abs(coeff)
        if c == 1:
            return sign + body
        num = str(c) if c.q == 1 else f"\\frac{{{c.p}}}{{{c.q}}}"
        return sign + (num if body == "1" else f"{num} {body}")

    def _print_Pow(self, expr: sp.Pow) -> str:
        base, e = expr.args
        if isinstance(base, sp.Pow) and base.args[1] == -1 and e.is_Integer and e > 0:  # (1/x)^c
            base, e = base.args[0], -e
        if e.is_Integer and e < 0:  # a reciprocal: 1/x, 1/x^c
            den = self._print(sp.Pow(base, -e, evaluate=False)) if e != -1 else self._print(base)
            return f"\\frac{{1}}{{{den}}}"
        s = self._print(base)
        if isinstance(base, (sp.Add, sp.Mul, sp.Sum)):
            s = f"\\left({s}\\right)"
        return f"{s}^{{{self._print(e)}}}"

    def _print_Rational(self, expr: sp.Rational) -> str:
        if expr.q == 1:
            return str(expr.p)
        sign = "-" if expr < 0 else ""
        return f"{sign}\\frac{{{abs(expr.p)}}}{{{expr.q}}}"

    def _print_Integer(self, expr: sp.Integer) -> str:
        return str(expr.p)


def latex(net: Network, expr: Any, names: dict[str, str] | None = None) -> str:
    """LaTeX of a normal form ``expr`` (or a SymPy object) in the network's notation."""
    return LatexPrinter(net).doprint(expr, names)
