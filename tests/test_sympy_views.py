"""The SymPy views stay true under ordinary SymPy (issue 16, part 1).

Every derived formula (forward pass, ``δ``, ``∂E/∂θ``) of every built-in network and shipped
derivation goes through ``doit``, ``simplify``, ``expand``, ``subs`` of a size, ``xreplace`` of
an index, ``srepr`` and ``pickle``; what comes out is compiled by ``sympy.lambdify`` (through
:func:`symbp.printers.sympy_views.lambdify`, which takes symbp's 0-based arrays) and compared,
on random arrays at random sizes (Hypothesis), with symbp's own :func:`symbp.lambdify` of the
normal form.  The left side must survive too: ``∂E/∂w`` is never 0.
"""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbp import notebook as nb
from symbp.engine import calculus, numeric
from symbp.printers import sympy_views as sv

ROOT = Path(__file__).resolve().parents[1]
#: issue 14's loss derivations: their arrays are drawn in (0, 1), where the logarithms of
#: probabilities and of 1 - y are numbers (normal draws would compare nan with nan); the
#: convolutions' shifted positions are not lambdified by the SymPy view yet (refused, below)
LOSSES = {"prml_5_2_softmax.tex", "prml_5_2_logistic.tex", "prml_5_2_sum_of_squares.tex", "nielsen_ch3.tex",
          "nielsen_ch3_softmax.tex", "cs231n_softmax.tex", "nielsen_ch3_average.tex"}
NETWORKS = ["plain", "shared"] + sorted(str(p.relative_to(ROOT))
                                        for p in (ROOT / "derivations").glob("*.tex")
                                        if not p.name.startswith("conv_"))


@cache
def formulas(spec: str) -> list[nb.Formula]:
    net = nb.network(ROOT / spec if spec.endswith(".tex") else spec)
    # a softmax's denominator, a family symbp made, is its own sum (S = \sum_k \exp(a_k)): as an
    # equation SymPy decides it (True), and every view writes it out where it is used
    own = [f for f in nb.forward(net) if not calculus.is_hidden(net, f.family.id)]
    return own + list(nb.deltas(net)) + list(nb.gradients(net))


CASES = [(spec, k) for spec in NETWORKS for k in range(len(formulas(spec)))]


def _size(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def _first_size(f: nb.Formula) -> str | None:
    names = sorted(str(s) for s in f.sympy.rhs.free_symbols if s.is_positive)
    return names[0] if names else None


def _ops(f: nb.Formula) -> dict[str, Any]:
    """operation -> (rhs after it, the free indices it keeps, sizes it fixes, index it fixes)."""
    eq = f.sympy
    rhs = eq.rhs
    free = list(nb._indices(eq.lhs))
    out: dict[str, Any] = {
        "identity": (rhs, free, {}, None),
        "doit": (rhs.doit(), free, {}, None),
        "simplify": (sp.simplify(rhs), free, {}, None),
        "expand": (sp.expand(rhs), free, {}, None),
        "pickle": (pickle.loads(pickle.dumps(rhs)), free, {}, None),
        "srepr": (eval(sp.srepr(rhs), {**vars(sp), "ErrorDerivative": sv.ErrorDerivative}), free, {}, None),
    }
    size = _first_size(f)
    if size is not None:
        out["subs-size"] = (rhs.subs(_size(size), 2).doit(), free, {size: 2}, None)
    if free:
        out["xreplace-index"] = (rhs.xreplace({free[0]: sp.Integer(1)}), free[1:], {}, 0)
    return out


@cache
def compiled(spec: str, k: int) -> tuple[nb.Formula, dict[str, Any], numeric.Lambdified]:
    f = formulas(spec)[k]
    net = f.network
    slots = [f"#{n}" for n in range(len(f.family.axes))]
    symbp_fn = numeric.lambdify(net, f.rhs, free=list(zip(slots, f.family.axes)))
    ops = {name: (sv.lambdify(net, rhs, free), sizes, at) for name, (rhs, free, sizes, at) in _ops(f).items()}
    return f, ops, symbp_fn


@pytest.mark.parametrize("spec, k", CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_the_left_side_survives_ordinary_sympy(spec: str, k: int) -> None:
    f = formulas(spec)[k]
    eq = f.sympy
    for op in (sp.Eq.doit, sp.simplify, sp.expand):
        got = op(eq)
        # an Eq that SymPy could decide would become True/False: it must stay an equation
        assert isinstance(got, sp.Eq), (op, got)
        assert 0 not in (got.lhs, got.rhs)
        if eq.lhs.doit() not in (got.lhs, got.rhs):  # simplify may swap, or solve a linear one for
            # another symbol (PRML's delta_k = a_k - t_k as a_k = delta_k + t_k): the same equation
            moved = got.lhs - got.rhs
            assert eq.lhs.doit() in moved.atoms(type(eq.lhs)), (op, got)
            assert sp.expand(moved - (eq.lhs - eq.rhs).doit()) == 0 or \
                sp.expand(moved + (eq.lhs - eq.rhs).doit()) == 0, (op, got)
    assert pickle.loads(pickle.dumps(eq)) == eq
    assert eval(sp.srepr(eq), {**vars(sp), "ErrorDerivative": sv.ErrorDerivative}) == eq
    text = sp.latex(eq)
    assert "nobreak" not in text and "mathrel" not in text  # MathJax reads it


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("spec, k", CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_every_operation_keeps_the_value(spec: str, k: int, data: st.DataObject) -> None:
    f, ops, symbp_fn = compiled(spec, k)
    net = f.network
    sizes = {r: data.draw(st.integers(1, 3), label=r) for r in net.sizes}
    seed = data.draw(st.integers(0, 2**16), label="seed")
    rng = np.random.default_rng(seed)
    for name, (fn, fixed, at) in ops.items():
        here = {**sizes, **fixed}
        shape = {kw: tuple(here[r] for r in axes) for kw, axes in symbp_fn.inputs.items()}
        arrays = {kw: rng.uniform(0.05, 0.95, s) if Path(spec).name in LOSSES else rng.normal(size=s)
                  for kw, s in shape.items()}
        want = symbp_fn(dict(here), **arrays)
        if at is not None:
            want = want[at]
        got = fn(dict(here), **{kw: arrays[kw] for kw in fn.inputs})
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"{name}: {fn.source}")


def test_a_size_substituted_is_followed_by_its_sums() -> None:
    eq = nb.deltas("plain")[0].sympy
    K = _size("K")
    two = eq.rhs.subs(K, 2).doit()
    assert len(sp.Add.make_args(sp.expand(two))) == 2  # the two terms of the sum, not 2 * one term
    assert two == nb.deltas("plain")[0].at_sizes(K=2).rhs


def test_the_error_derivative_is_not_zero() -> None:
    eq = nb.gradients("plain")["w_{ji}"].sympy
    assert sp.simplify(eq.doit()) != sp.true and eq.doit().lhs != 0
    assert sp.latex(eq.lhs) == r"\frac{\partial E}{\partial {w_{ji}}_{j,i}}"


def test_families_of_one_letter_are_apart() -> None:
    """``z_i`` and ``z_j`` are different quantities at every size, ``delta_j`` and ``delta_k`` too."""
    eq = nb.deltas("plain")[0].sympy
    fixed = eq.subs({_size("J"): 2, _size("K"): 2}).doit()
    bases = {str(b) for b in fixed.atoms(sp.IndexedBase)}
    assert {"delta_j", "delta_k"} <= bases


def test_lambdify_takes_symbp_arrays() -> None:
    f = nb.gradients("shared")["w_{ji}"]
    fn = f.lambdify()
    rng = np.random.default_rng(0)
    delta, z = rng.normal(size=(3, 4)), rng.normal(size=(2, 4))
    np.testing.assert_allclose(fn(delta_jl=delta, z_il=z), delta @ z.T)
    with pytest.raises(TypeError, match="missing argument"):
        fn(delta_jl=delta)


def test_shifted_positions_are_refused_by_the_sympy_lambdify() -> None:
    """A convolution's SymPy view prints and substitutes, but its lambdify would index arrays at
    shifted positions in Python (a position 0 wraps to the last entry): refused, never wrong."""
    from symbp.errors import UnsupportedError
    net = nb.network(ROOT / "derivations" / "conv_1d.tex")
    g = nb.gradients(net)["w_{m}"]
    with pytest.raises(UnsupportedError, match="shifted positions"):
        sv.lambdify(net, g.sympy)
