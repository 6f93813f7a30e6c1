"""The checker's fast printer (:mod:`symbp.printers.nfprint`) and the SymPy printer
(:mod:`symbp.printers.sympy_latex`)
give the same LaTeX for every normal form, character for character.

The corpus: δ of every layer (one layer down and fully expanded), ∂E/∂θ of every parameter
family (kept, unfolded, expanded), local derivatives that leave Kronecker deltas (free composite
indices among them), scaled and multiplied forms, and both sides of every link of every shipped
derivation; then Hypothesis combines them.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbp import declare
from symbp.document import load
from symbp.engine import calculus
from symbp.engine.declare import builtin
from symbp.engine.semantics import Interpreter, free_letters, infer_letters
from symbp.model.network import Network
from symbp.model.normal_form import Expr, F
from symbp.printers import nfprint
from symbp.printers import sympy_latex as printing
from symbp.printers.sympy_views import _free_ranges

DERIVATIONS = sorted((Path(__file__).resolve().parent.parent / "derivations").glob("*.tex"))


def _networks() -> list[Network]:
    nets = [builtin("plain"), builtin("shared")] + [load(p).network for p in DERIVATIONS]
    nets.append(declare([r"a = \sum_i w_i z_i", r"y = h(a)", r"b_k = w_k y"], params=("w",)))
    nets.append(declare([r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j",
                         r"a_m = \sum_j v_{mj} z_j + \sum_k u_{mk} h(a_k)"], params=("w", "v", "u")))
    nets.append(declare([r"a_\nu = \sum_i u_{\nu i} x_i", r"z_\nu = h(a_\nu)",
                         r"a_\mu = \sum_\nu w_{\mu\nu} z_\nu"], params=("u", "w")))
    return nets


def _corpus(net: Network) -> list[Expr]:
    out: list[Expr] = []
    for fam in range(len(net.families)):
        idx = tuple(F(f"#{k}") for k in range(len(net.families[fam].axes)))
        if net.has_delta(fam):
            d = calculus.delta_definition(net, fam)
            out += [d, calculus.expand_deltas(net, d)]
        if fam in net.definitions:
            out.append(net.definitions[fam])
            for other in range(len(net.families)):
                if other != fam and other in net.ancestors.get(fam, set()):
                    oidx = tuple(F(f"@{k}") for k in range(len(net.families[other].axes)))
                    try:
                        out.append(calculus.derivative(net, calculus.instantiate(net, fam, idx), other, oidx))
                    except Exception:  # noqa: BLE001 - a refused ambiguous derivative is no printing case
                        pass
    for m, parts in net.composites.items():  # ∂z_m/∂a_{j_l} = h'(a_m) [j_l = m]
        for fam in net.families:
            units = tuple(net.ranges[x] for x in parts)
            if fam.name == "z" and fam.axes == units and fam.id in net.definitions:
                comps = tuple(F(f"{m}.{k}") for k in range(len(parts)))
                src = net.definitions[fam.id].terms[0].factors[0]
                target = src[3] if src[0] == "fn" else src[1]
                out.append(calculus.derivative(net, calculus.instantiate(net, fam.id, comps), target,
                                               tuple(F(x) for x in parts)))
    for p in net.params:
        idx = tuple(F(f"#{k}") for k in range(len(p.axes)))
        g = calculus.gradient(net, p.id, idx)
        out += [g, calculus.unfold(net, g), g * g, g.scale(Fraction(-3, 2)),
                g - calculus.expand_deltas(net, g)]
    return out


def _derivation_sides() -> list[tuple[Network, Expr, dict[str, str]]]:
    out = []
    for path in DERIVATIONS:
        deriv = load(path)
        net = deriv.network
        for eq in deriv.equations:
            if eq.chain is None:
                continue
            letters, _ = infer_letters(net, eq.chain)
            interp = Interpreter(net, letters)
            for side in eq.chain.sides:
                free = free_letters(side, net, [])
                env = {}
                for x in free:
                    rs = letters.get(x) or net.letter_ranges(x) or ()
                    env[x] = (x,) if len(rs) <= 1 else tuple(f"{x}.{k}" for k in range(len(rs)))
                try:
                    value = interp.expression(side, env)
                except Exception:  # noqa: BLE001 - sides with index slips are not printed
                    continue
                names = {n: x if len(env[x]) == 1 else nfprint.NormalFormPrinter(net).free_letter(n)
                         for x in env for n in env[x]}
                out.append((net, value, names))
    return out


CASES = [(net, e) for net in _networks() for e in _corpus(net)]


@pytest.mark.parametrize("net, expr", CASES, ids=[f"{n.name}-{k}" for k, (n, _) in enumerate(CASES)])
def test_same_latex_on_the_corpus(net: Network, expr: Expr) -> None:
    assert nfprint.latex(net, expr) == printing.latex(net, expr)


def test_same_latex_on_every_side_of_every_derivation() -> None:
    sides = _derivation_sides()
    assert len(sides) > 60
    for net, value, names in sides:
        assert nfprint.latex(net, value, names) == printing.latex(net, value, names)


def test_corpus_has_kronecker_deltas_and_composites() -> None:
    texts = [nfprint.latex(n, e) for n, e in CASES]
    assert any("[" in t and " = " in t for t in texts)
    assert any("_l = m]" in t for t in texts)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_same_latex_on_combinations(data: st.DataObject) -> None:
    net_index = data.draw(st.integers(0, len(_NETS) - 1))
    net, pool = _NETS[net_index], _POOLS[net_index]
    a, b = data.draw(st.sampled_from(pool)), data.draw(st.sampled_from(pool))
    c = data.draw(st.sampled_from([Fraction(1), Fraction(-1), Fraction(2), Fraction(1, 3)]))
    # a product gets b's free indices renamed apart (a free index has one range, as in the checker)
    apart = b.rename({n: f"%{k}" for k, n in enumerate(sorted(b.free()))})
    for e in ((a * apart).scale(c), a + a.scale(c), (a * a).scale(c)):
        assert nfprint.latex(net, e) == printing.latex(net, e)
    if _free_ranges(net, a) == _free_ranges(net, b):  # well typed: each free index one range
        assert nfprint.latex(net, a - b.scale(c)) == printing.latex(net, a - b.scale(c))


_NETS = _networks()
_POOLS = [[e for e in _corpus(n) if not e.is_zero()] or [Expr.const(1)] for n in _NETS]


def test_a_per_unit_function_prints_with_its_unit() -> None:
    """Graves's θ_h is one function per unit: both printers write θ_h'(a_h), as the source does,
    not θ'(a_h), which would read as one function of every unit."""
    net = load(Path(__file__).resolve().parents[1] / "derivations" / "graves_3_1.tex").network
    fam = next(f for f in net.families if net.has_delta(f.id) and f.id not in net.outputs)
    delta = calculus.delta_definition(net, fam.id).rename({"#0": "h"})
    for text in (nfprint.latex(net, delta), printing.latex(net, delta)):
        assert "\\theta_{h}'(a_{h})" in text, text
