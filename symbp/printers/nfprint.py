"""The checker's fast printer: a normal form straight to LaTeX, without SymPy.

:mod:`symbp.printers.sympy_latex` is *the* printer (a SymPy ``LatexPrinter`` subclass, for proofs and
notebooks); printing a normal form there means importing SymPy (half a second) and building
SymPy objects.  ``symbp check`` prints a normal form into almost every message, so it uses this
module instead: the same output, character for character (``tests/test_printers.py`` holds the
two to that on every normal form of every shipped network and on generated ones), one
``_print_<kind>`` method per kind of factor.

>>> from symbp import builtin
>>> from symbp.engine.calculus import delta_definition
>>> net = builtin("plain")
>>> NormalFormPrinter(net).doprint(delta_definition(net, 0), {"#0": "j"})
"h'(a_{j}) \\\\sum_{k} w_{kj} \\\\delta_{k}"
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..model.affine import is_affine
from ..model.factors import Ref, view
from ..model.network import Network
from ..model.normal_form import Expr, Term, factor_indices
from ..notation import group_letters, join_signed, join_tex, latex_name, primed, shift_text, with_units

__all__ = ["NormalFormPrinter", "latex"]

_ORDER = {"fn": 0, "ref-param": 1, "grad": 2, "ref": 3, "inv": 3.5, "kd": 4, "rng": 5}


class NormalFormPrinter:
    """Prints :class:`~symbp.model.normal_form.Expr` for a network."""

    def __init__(self, net: Network) -> None:
        self.net = net

    # -- entry point
    def doprint(self, expr: Expr, names: dict[str, str] | None = None) -> str:
        """``names`` maps free index names to the letters to print (default: the names)."""
        names = dict(names or {})
        for n in expr.free():
            names.setdefault(n, self.free_letter(n))
        if expr.is_zero():
            return "0"
        # constants first, then by the number of factors: 1 - h(a_j)^{2}
        terms = sorted(expr.terms, key=lambda t: (len(t.factors) + len(t.sizes), len(t.dummies)))
        return join_signed(self._print_term(t, names) for t in terms)

    def free_letter(self, name: str) -> str:
        """How a free index name prints: ``j``; a component ``m.0`` of ``m = j_l`` as ``j(m)``."""
        return free_letter(self.net, name)

    # -- terms
    def _print_term(self, t: Term, names: dict[str, str]) -> str:
        used = set(names.values())
        letters = dict(names)
        for n, r in enumerate(t.dummies):
            (letter,) = self.net.letters_for([r], used)
            used.add(letter)
            letters[f"~d{n}"] = letter
        outside = [f for f in t.factors if not any(i[0] == "d" for i in factor_indices(f))]
        inside = [f for f in t.factors if f not in outside]
        plain, merged, deltas = self._split_deltas(sorted(outside, key=self._key), letters)
        pieces = self._powers([self._print_factor(f, letters) for f in plain]) + merged + \
            self._powers([self._print_factor(f, letters) for f in deltas])
        sums = "".join(f"\\sum_{{{latex_name(letters[f'~d{n}'])}=1}}^{{{r}}} " if r in self.net.zero_ranges
                       else f"\\sum_{{{latex_name(letters[f'~d{n}'])}}} "  # 1..D, not 0..D
                       for n, r in enumerate(t.dummies))
        inner = self._powers([self._print_factor(f, letters) for f in sorted(inside, key=self._key)])
        coeff = t.coeff
        for s in t.sizes:
            pieces.insert(0, s)
        body = " ".join(pieces + ([sums + " ".join(inner)] if sums else []))
        body = body.strip() or "1"
        return self._print_coeff(coeff, body)

    def _split_deltas(self, factors: list[tuple], letters: dict[str, str]
                      ) -> tuple[list[tuple], list[str], list[tuple]]:
        """The factors other than Kronecker deltas; ``[j_l = m]`` for the deltas that tie every
        component of a composite index ``m = j_l``; the other deltas."""
        plain = [f for f in factors if f.tag != "kd"]
        deltas = [f for f in factors if f.tag == "kd"]
        merged = []
        for base, parts in self.net.composites.items():
            tied: dict[int, tuple[tuple, str]] = {}
            for d in deltas:
                names = [i[1] if i[0] == "f" else None for i in (d.i, d.j)]
                for mine, other in ((names[0], names[1]), (names[1], names[0])):
                    if mine is None or other is None:
                        continue
                    b, dot, k = mine.partition(".")
                    if b == base and dot and k.isdigit() and self.net.component(other) is None:
                        tied.setdefault(int(k), (d, letters[other]))
            if len(tied) == len(parts):
                merged.append(f"[{group_letters([tied[k][1] for k in range(len(parts))], (len(parts),))}"
                              f" = {base}]")
                drop = [tied[k][0] for k in tied]
                deltas = [d for d in deltas if d not in drop]
        return plain, merged, deltas

    @staticmethod
    def _powers(parts: list[str]) -> list[str]:
        """``x x x`` -> ``x^{3}`` (the parts are sorted, so equal factors are adjacent)."""
        return [p if c == 1 else f"\\frac{{1}}{{{_base(p[9:-1])}^{{{c}}}}}" if p.startswith("\\frac{1}{")
                and p.endswith("}") else f"{p}^{{{c}}}" for p, c in runs(parts)]

    def _key(self, f: tuple) -> tuple:
        kind = f.tag
        if kind == "ref" and self.net.families[f.fam].param:
            kind = "ref-param"
        return (_ORDER[kind], repr(f))

    def _print_coeff(self, c: Fraction, body: str) -> str:
        sign = "-" if c < 0 else ""
        c = abs(c)
        if c == 1:
            return sign + body if body != "1" else sign + "1"
        num = str(c) if c.denominator == 1 else f"\\frac{{{c.numerator}}}{{{c.denominator}}}"
        return sign + (num if body == "1" else f"{num} {body}")

    # -- factors
    def _print_factor(self, f: tuple, letters: dict[str, str]) -> str:
        return getattr(self, f"_print_{f.tag}")(f, letters)

    @staticmethod
    def _letter(i: tuple, letters: dict[str, str]) -> str:
        """The letter of a bare index, the text of a shifted one (``j+m-1``)."""
        if is_affine(i):
            terms = [(NormalFormPrinter._letter(k, letters), c) for k, c in i[1]]
            return shift_text(sorted(terms, key=lambda xc: (xc[1] < 0, xc[0])), i[2])
        if i[0] == "s":  # a size in a shifted position (x_{j-m+M}; a stride in lower case: {s})
            return i[1] if i[1][:1].isupper() else f"{{{i[1]}}}"
        if i[0] == "p":  # a stride times an index (s(j-1)+m: the term {s}*j, as the parser writes it)
            inner = NormalFormPrinter._letter(i[2], letters)
            return f"{i[1]}*{inner}" if i[1][:1].isupper() else f"{{{i[1]}}}*{inner}"
        return letters[i[1]] if i[0] == "f" else letters[f"~d{i[1]}"]

    def _idx(self, fam: int, idx: tuple, letters: dict[str, str]) -> str:
        family = self.net.families[fam]
        shown = [self._letter(i, letters) for i in idx]
        if any(is_affine(i) for i in idx):  # shifted positions: one per slot, with commas
            return ", ".join(latex_name(x) for x in shown)
        # the components m.0, m.1 of a free composite index m, written together, print as m
        out, pos = [], 0
        for g in family.grouping:
            names = [i[1] for i in idx[pos:pos + g] if i[0] == "f"]
            comp = self.net.component(names[0]) if names else None
            base = comp[0] if comp is not None else None
            if base is not None and len(names) == g and names == [f"{base}.{k}" for k in range(g)]:
                out.append(base)
            else:
                out.append(group_letters(shown[pos:pos + g], (g,)))
            pos += g
        return join_tex(with_units(out, family.units))  # w_{j0}: the unit 0 in its place

    def _hidden(self, fam: int, idx: tuple, letters: dict[str, str]) -> str:
        """A hidden family (a denominator that is a sum) as its definition at ``idx``."""
        names = {f"#{k}": (letters[i[1]] if i[0] == "f" else letters[f"~d{i[1]}"]) for k, i in enumerate(idx)}
        used = dict(letters)
        used.update(names)
        text = NormalFormPrinter(self.net).doprint(self.net.definitions[fam], used)
        return text

    def _print_ref(self, f: tuple, letters: dict[str, str]) -> str:
        fam = self.net.families[f.fam]
        if fam.name == "~":  # a hidden family: its definition
            return f"\\left({self._hidden(f.fam, f.idx, letters)}\\right)"
        if not f.idx and not fam.units:  # a single unit: a, y
            return self._error() if fam.name == self.net.error_name else latex_name(fam.name)
        return f"{latex_name(fam.name)}_{{{self._idx(f.fam, f.idx, letters)}}}"

    def _error(self) -> str:
        """The error a normal form speaks of: ``E``, or in a network of one pattern (``E = \\sum_n
        E_n``, ``C = \\frac{1}{n} \\sum_x C_x``) that pattern's, ``E_{n}``: the total is the sum
        (average) over the patterns, and reading ``E`` back would mean the total."""
        if self.net.patterns is None:
            return self.net.error_name
        return f"{self.net.error_name}_{{{self.net.patterns[0]}}}"

    def _print_grad(self, f: tuple, letters: dict[str, str]) -> str:
        fam = self.net.families[f.fam]
        if fam.name == self.net.delta_of:
            return f"\\delta_{{{self._idx(f.fam, f.idx, letters)}}}" if f.idx else "\\delta"
        return (f"\\frac{{\\partial {self._error()}}}"
                f"{{\\partial {self._print_ref(Ref('ref', f.fam, f.idx), letters)}}}")

    def _print_fn(self, f: tuple, letters: dict[str, str]) -> str:
        primes = "'" * f.order
        if self.net.families[f.fam].name == "~":  # of a hidden family: \ln(1 - y_{k})
            return f"{latex_name(f.name)}{primes}({self._hidden(f.fam, f.idx, letters)})"
        if f.name == "max" and f.order < 2:  # the ReLU as written, \max(0, x), its step [x > 0]
            arg = self._print_ref(Ref('ref', f.fam, f.idx), letters)
            return f"\\max(0, {arg})" if not f.order else f"[{arg} > 0]"
        name = latex_name(f.name)
        if f.name in self.net.unit_functions and f.idx:  # θ_h, one function per unit: θ_h'(a_h)
            name += f"_{{{self._idx(f.fam, f.idx, letters)}}}"
        return f"{primed(name, f.order)}({self._print_ref(Ref('ref', f.fam, f.idx), letters)})"

    def _print_inv(self, f: tuple, letters: dict[str, str]) -> str:
        base = view(f).base()
        if not f.fn and self.net.families[f.fam].name == "~":
            return f"\\frac{{1}}{{{self._hidden(f.fam, f.idx, letters)}}}"
        return f"\\frac{{1}}{{{self._print_factor(base, letters)}}}"

    def _print_kd(self, f: tuple, letters: dict[str, str]) -> str:
        a, b = (latex_name(self._letter(i, letters)) for i in (f.i, f.j))
        if is_affine(f.i) and is_affine(f.j):  # two shifted sides ([s(j-1) = i-m]): in the order of
            a, b = sorted((a, b))              # their text, as the SymPy printer writes them too
        return f"[{a} = {b}]"

    def _print_rng(self, f: tuple, letters: dict[str, str]) -> str:
        return f"[1 \\le {latex_name(self._letter(f.i, letters))} \\le {f.R}]"


def _base(text: str) -> str:
    """A power's base: a sum in parentheses (``\\left(\\sum_{k} \\exp(a_{k})\\right)^{2}``)."""
    return f"\\left({text}\\right)" if text.startswith("\\sum") or " + " in text or " - " in text else text


def latex(net: Network, expr: Expr, names: dict[str, str] | None = None) -> str:
    """LaTeX of ``expr`` in the network's notation."""
    return NormalFormPrinter(net).doprint(expr, names)


def runs(parts: list[Any]) -> list[tuple[Any, int]]:
    """Equal neighbours counted: ``[x, x, y]`` -> ``[(x, 2), (y, 1)]`` (both printers write a run
    of equal factors as a power)."""
    out: list[tuple[Any, int]] = []
    for p in parts:
        if out and out[-1][0] == p:
            out[-1] = (p, out[-1][1] + 1)
        else:
            out.append((p, 1))
    return out


def free_letter(net: Network, name: str) -> str:
    """How a free index name prints: ``j``; a component ``m.0`` of ``m = j_l`` as ``j(m)``."""
    comp = net.component(name)
    return f"{comp[1]}({comp[0]})" if comp is not None else name
