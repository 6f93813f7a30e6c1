"""Diagnosis and counterexamples of a value refutation.

What differs between two normal forms (a missing or extra factor, a factor of 2, a sign), and
the evidence: numbers from running the network with concrete functions when they show the
difference, the exact formal witness (independent random integers) otherwise.  Room
``symbp.checker``; imports the engine's evaluation and the printers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .. import catalogue
from .. import diagnoses as dx
from ..engine.numeric import FormalInstance, LayeredFormalInstance, NetworkInstance, evaluate, formula_error
from ..errors import SymbpError
from ..model.factors import Fn, Grad, Ref, view
from ..model.network import Network
from ..model.normal_form import Expr
from ..printers.nfprint import latex

#: the semantic instances tried, in order: (activation, error), from the catalogue
INSTANCES = catalogue.INSTANCES


def _network_counterexample(net: Network, gl: Expr, gr: Expr, plans: list[dict[str, int]],
                            free: list[tuple[str, str]], names: dict[str, str],
                            seeds: tuple[int, ...] = (0,)
                            ) -> tuple[dict, dict[str, Any]] | tuple[None, None]:
    """Numbers from running the network with concrete functions, if they show the difference;
    with them, the functions it ran by their catalogue names (:func:`witness`).  Several
    ``seeds`` where a logarithm may meet a value ``<= 0`` (a nan is no evidence: another draw)."""
    for seed in seeds:
        for sizes in plans:
            for act, err in INSTANCES:
                inst = NetworkInstance(net, sizes, act, err, seed=seed)
                try:
                    vl = evaluate(net, gl, sizes, inst, free)
                    vr = evaluate(net, gr, sizes, inst, free)
                except SymbpError:  # no concrete formula (a 4th derivative): the exact witness will do
                    return None, None
                diff = np.abs(vl - vr)
                # a nan (a logarithm of a value <= 0, say) is no evidence either way: never a difference
                diff = np.where(np.isnan(diff), 0.0, diff)
                tol = 1e-9 * (1 + np.maximum(np.abs(vl), np.abs(vr)))
                if np.any(diff > tol):
                    return _counterexample(net, inst, vl, vr, diff, free, names), witness(inst)
    return None, None


def witness(inst: NetworkInstance) -> dict[str, Any]:
    """The functions a counterexample ran, by their catalogue names: ``{"h": [("h", "tanh")],
    "E": "sum-of-squares"}`` (each function of the network with its activation; none: the
    instance's activation, as ``h``), what its text (``h = tanh; E = 1/2 sum ...``) says."""
    pairs = sorted(inst.kinds.items()) or [("h", inst.activation)]
    if formula_error(inst.net):
        return {"h": pairs, "E": "forward"}
    return {"h": pairs, "E": "sum-of-squares" if inst.net.error_kind else inst.error}


def _formal_counterexample(net: Network, d: _Formal, free: list[tuple[str, str]],
                           names: dict[str, str]) -> dict:
    """The exact witness: independent random integers for every quantity."""
    diff = np.vectorize(lambda a, b: a != b, otypes=[bool])(d.left, d.right)
    at = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.shape else ()
    return {
        "sizes": dict(d.sizes), "index": index_of(net, at, free, names),
        "lhs": exact_text(d.left[at]), "rhs": exact_text(d.right[at]),
        "h": "an arbitrary function: h(a), h'(a), ... independent random integers",
        "E": "an arbitrary function: its output deltas independent random integers",
        "seed": d.seed, "values": {},
    }


def exact_text(v: object) -> str:
    """An exact value as text: the number itself, or, past Python's limit on the digits of an
    integer printed (a product of one random integer per layer of a deep network), its leading
    digits and its length.

    >>> exact_text(12), exact_text(Fraction(-3, 4))
    ('12', '-3/4')
    >>> exact_text(7 ** 6000)
    '3.87472e+5070 (5071 digits)'
    """
    try:
        return str(v)
    except ValueError:
        q = Fraction(v)  # type: ignore[arg-type]
    lg = math.log10(abs(q.numerator)) - math.log10(q.denominator)
    e = math.floor(lg)
    return f"{'-' if q < 0 else ''}{10 ** (lg - e):.5f}e+{e} ({e + 1} digits)"


def _show_plans(plans: list[dict[str, int]]) -> str:
    return " and ".join("(" + ", ".join(f"{r}={v}" for r, v in p.items()) + ")" for p in plans)


@dataclass
class _Formal:
    """Both sides evaluated at one formal instance (exact integers)."""

    sizes: dict[str, int]
    seed: int
    left: np.ndarray
    right: np.ndarray

    @property
    def agree(self) -> bool:
        return bool(np.array_equal(self.left, self.right))


def _formal_values(net: Network, gl: Expr, gr: Expr, sizes: dict[str, int],
                   free: list[tuple[str, str]], seed: int, outside: str = "unknown") -> _Formal:
    inst = FormalInstance(net, sizes, seed, outside=outside)
    return _Formal(sizes, seed, evaluate(net, gl, sizes, inst, free, object),
                   evaluate(net, gr, sizes, inst, free, object))


def _layered_values(net: Network, gl: Expr, gr: Expr, sizes: dict[str, int],
                    free: list[tuple[str, str]], seed: int) -> _Formal:
    """:func:`_formal_values` of forms that may still hold hidden ``δ``: evaluated layer by layer."""
    inst = LayeredFormalInstance(net, sizes, seed)
    return _Formal(sizes, seed, evaluate(net, gl, sizes, inst, free, object),
                   evaluate(net, gr, sizes, inst, free, object))


def _counterexample(net: Network, inst: NetworkInstance, vl: np.ndarray, vr: np.ndarray,
                    diff: np.ndarray, free: list[tuple[str, str]], names: dict[str, str]) -> dict:
    at = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.shape else ()
    index = index_of(net, at, free, names)
    values = {}
    for f in net.families:
        if f.id not in net.definitions and ("ref", f.id) in inst.cache:
            values[f.show()] = np.round(inst.cache[("ref", f.id)], 4).tolist()
    for o in net.outputs:
        if ("target", o) in inst.cache:
            values["t (targets of " + net.show(o) + ")"] = np.round(inst.cache[("target", o)], 4).tolist()
    return {
        "sizes": dict(inst.sizes),
        "index": index,
        "lhs": float(vl[at]),
        "rhs": float(vr[at]),
        **inst.describe(),
        "values": values,
    }


def index_of(net: Network, at: tuple, free: list[tuple[str, str]],
             names: dict[str, str]) -> dict[str, Any]:
    """The free indices at the array position ``at``, 1-based, a composite one as a dict."""
    index: dict[str, Any] = {}
    for (name, _), v in zip(free, at):
        comp = net.component(name)
        if comp is not None:
            index.setdefault(comp[0], {})[comp[1]] = int(v) + 1
        else:
            index[names.get(name, name)] = int(v) + 1
    return index


# ----------------------------------------------------------------------------------------------
# diagnosis of a value refutation


def _signature(net: Network, f: tuple) -> str:
    g = view(f)
    if isinstance(g, Ref):
        return net.families[g.fam].name
    if isinstance(g, Grad):
        return "delta"
    if isinstance(g, Fn) and g.name == "max" and g.order < 2:  # the ReLU and its step, as written
        return "[... > 0]" if g.order else "\\max(0, ...)"
    if isinstance(g, Fn):
        return f"{g.name}{chr(39) * g.order}(...)"
    return "rng" if g.tag == "rng" else "kd"


def _term_text(net: Network, t: Any, names: dict[str, str]) -> str:
    s = latex(net, Expr([t]), names)
    return s if len(s) <= 90 else s[:87] + "..."


def _diagnose(net: Network, gl: Expr, gr: Expr, names: dict[str, str]) -> dx.Diagnosis:
    """What differs between the normal forms ``gl`` and ``gr``, as data (its English:
    :mod:`symbp.diagnoses`)."""
    dl = {t.key: t.coeff for t in gl.terms}
    dr = {t.key: t.coeff for t in gr.terms}
    if dl and dl.keys() == dr.keys():  # the same terms: one number between the sides?
        ratios = {dr[k] / dl[k] for k in dl}
        if len(ratios) == 1:
            ratio = ratios.pop()
            return dx.SignDiffers() if ratio == -1 else dx.FactorDiffers(ratio)
    if len(gl.terms) != len(gr.terms) or len(gl.terms) != 1:
        only_l = [t for t in gl.terms if dr.get(t.key) != t.coeff]
        only_r = [t for t in gr.terms if dl.get(t.key) != t.coeff]
        return dx.TermsDiffer(
            len(gl.terms), len(gr.terms),
            tuple(_term_text(net, t, names) for t in only_l) if only_l and len(only_l) <= 3 else (),
            tuple(_term_text(net, t, names) for t in only_r) if only_r and len(only_r) <= 3 else ())
    tl, tr = gl.terms[0], gr.terms[0]
    if (tl.sizes, tl.dummies, tl.factors) == (tr.sizes, tr.dummies, tr.factors):
        ratio = tr.coeff / tl.coeff
        return dx.SignDiffers() if ratio == -1 else dx.FactorDiffers(ratio)
    hints: list[dx.Diagnosis] = []
    if tl.sizes != tr.sizes:
        for s in _multiset_minus(list(tr.sizes), list(tl.sizes)):
            hints.append(dx.SizeFactor("right", s))
        for s in _multiset_minus(list(tl.sizes), list(tr.sizes)):
            hints.append(dx.SizeFactor("left", s))
    if tl.coeff != tr.coeff:
        hints.append(dx.CoefficientDiffers(tl.coeff, tr.coeff))
    if len(tl.dummies) != len(tr.dummies):
        more, side = (tl, "left") if len(tl.dummies) > len(tr.dummies) else (tr, "right")
        hints.append(dx.SumAddedOrDropped(side, len(more.dummies),
                                          len(tl.dummies) + len(tr.dummies) - len(more.dummies)))
    sl = sorted(_signature(net, f) for f in tl.factors)
    sr = sorted(_signature(net, f) for f in tr.factors)
    if sl == sr and len(tl.dummies) == len(tr.dummies) and tl.sizes == tr.sizes:
        hints.append(dx.TransposedIndices())
    else:
        for s in _multiset_minus(sl, sr):
            hints.append(dx.MissingFactor(*_factor_text(net, tl, s, names)))
        for s in _multiset_minus(sr, sl):
            hints.append(dx.ExtraFactor(*_factor_text(net, tr, s, names)))
    return dx.ValueDiffers(tuple(dict.fromkeys(hints)))  # a factor missing twice is said once


def _factor_text(net: Network, t: Any, sig: str, names: dict[str, str]) -> tuple[str, bool]:
    """A factor in the writer's notation (``h'(a_{j})``, exact) when its indices are all free;
    else its name (``h'(...)``, ``w``)."""
    from ..model.normal_form import factor_indices
    for f in t.factors:
        if _signature(net, f) == sig and all(i[0] == "f" for i in factor_indices(f)):
            return latex(net, Expr.atom(f), names), True
    return _sig_text(sig), False


def _multiset_minus(a: list[str], b: list[str]) -> list[str]:
    rest = list(b)
    out = []
    for x in a:
        if x in rest:
            rest.remove(x)
        else:
            out.append(x)
    return out


def _sig_text(s: str) -> str:
    return {"delta": "\\delta", "kd": "Kronecker delta", "rng": "range condition"}.get(s, s)
