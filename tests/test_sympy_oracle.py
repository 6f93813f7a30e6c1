"""The second oracle (issue 16, part 2): symbp's derived ``δ`` and ``∂E/∂θ`` equal ``sympy.diff``
of the network written out at concrete sizes, exactly.

For every shipped derivation and built-in network, for randomly generated networks (plain,
weight-shared, with skip connections and biases, one or two activations), and for networks of
the independent generator ``tests/independent/netgen.py`` (declared activations and errors,
per-position and shared biases, flattening weights), every ``δ`` and every
gradient that :mod:`symbp.notebook` derives is compared, at every point, with SymPy's own
derivative of ``E(outputs)`` (``h`` and ``E`` undefined functions, or the declared ones), by
:func:`symbp.soundness.sympy_oracle.compare`.  The ``sympy.diff`` side uses nothing of symbp's
chain rule, normal form or numeric code: only the declared forward equations.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest
import sympy as sp

from symbp import declare
from symbp import notebook as nb
from symbp.model.network import Network
from symbp.printers.sympy_concrete import ConcreteNetwork, at_sizes
from symbp.soundness.sympy_oracle import compare

ROOT = Path(__file__).resolve().parents[1]
#: the derivations whose error is a forward equation (issue 14's losses): the concrete network
#: writes the error out as the forward pass defines it, a softmax's denominator as its sum, and
#: targets declared to sum to 1 with the last one 1 minus the others; exp, log and quotients are
#: compared by SymPy's own identities where the polynomial test cannot decide
LOSSES = {"prml_5_2_softmax.tex", "prml_5_2_logistic.tex", "prml_5_2_sum_of_squares.tex", "nielsen_ch3.tex",
          "nielsen_ch3_softmax.tex", "cs231n_softmax.tex", "nielsen_ch3_average.tex"}
SHIPPED = ["plain", "shared"] + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "derivations").glob("*.tex"))


@pytest.mark.parametrize(("spec", "wrong"), [
    ("prml_5_2_softmax.tex", lambda eq: 2 * eq.rhs),
    ("prml_5_2_logistic.tex", lambda eq: -eq.rhs),
    ("cs231n_softmax.tex", lambda eq: -eq.rhs),
    ("nielsen_ch3_softmax.tex", lambda eq: eq.rhs + 1),
])
def test_a_wrong_loss_formula_differs_from_sympy_diff(spec: str, wrong: object) -> None:
    """Not vacuous on the losses: a gradient changed (a factor 2, the sign, a 1 added) differs
    from sympy.diff at some point."""
    net = _network(f"derivations/{spec}")
    sizes = _plans(net.sizes)[0]
    c = _concrete(f"derivations/{spec}", sizes)
    f = next(iter(nb.gradients(net)))
    assert compare(net, f.sympy, sizes, c) == []
    bad = sp.Eq(f.sympy.lhs, wrong(f.sympy), evaluate=False)  # type: ignore[operator]
    assert compare(net, bad, sizes, c) != []


@functools.cache
def _network(spec: str) -> Network:
    """The network of a shipped derivation or a built-in one, once per process."""
    return nb.network(ROOT / spec if spec.endswith(".tex") else spec)


def _concrete(spec: str, sizes: dict[str, int]) -> ConcreteNetwork:
    """``at_sizes(_network(spec), **sizes)``, once per process: the tests of one network at one
    plan share its written-out form and the ``sympy.diff`` of each element (its ``memo``)."""
    return _concrete_at(spec, tuple(sorted(sizes.items())))


@functools.cache
def _concrete_at(spec: str, sizes: tuple[tuple[str, int], ...]) -> ConcreteNetwork:
    return at_sizes(_network(spec), **dict(sizes))


def _plans(sizes: list[str]) -> list[dict[str, int]]:
    """Two small plans: every size 2 except a few (the expressions grow fast), and sizes 1..3."""
    n = len(sizes)
    first = {r: 2 if k < 4 else 1 for k, r in enumerate(sizes)}
    second = {r: (k % 3) + 1 if n <= 4 else (2 if k % 3 == 1 else 1) for k, r in enumerate(sizes)}
    return [first, second]


def _derived(net: object) -> list[nb.Formula]:
    return list(nb.deltas(net)) + list(nb.gradients(net))


@pytest.mark.parametrize("spec", SHIPPED)
def test_shipped_derivations_agree_with_sympy_diff(spec: str) -> None:
    net = _network(spec)
    for sizes in map(net.relate, _plans(net.sizes)):  # a convolution's I = J + M - 1 follows J, M
        c = _concrete(spec, sizes)
        for f in _derived(net):
            assert compare(net, f.sympy, sizes, c) == [], (f.latex, sizes)


# ----------------------------------------------------------------------------------------------
# random networks

HIDDEN = ["j", "m", "n"]


def random_network(seed: int) -> tuple[list[str], tuple[str, ...]]:
    """Forward equations of a random network: 1-3 hidden layers over the input ``z_i``, an output
    layer ``a_k``; plain or weight-shared over positions ``l``; skip connections (weights ``v``),
    biases ``b``, activations ``h`` or ``g``."""
    rng = random.Random(seed)
    shared = rng.random() < 0.4
    depth = rng.randint(1, 3 if not shared else 2)
    layers = ["i"] + HIDDEN[:depth] + ["k"]
    sub = (lambda x: f"{x}_l") if shared else (lambda x: x)
    eqs = []
    for n, x in enumerate(layers[1:], start=1):
        prev = layers[n - 1]
        top = x == "k"
        if shared and top:
            terms = [rf"\sum_{prev} \sum_l w_{{{x}{prev}_l}} z_{{{prev}_l}}"]
        else:
            terms = [rf"\sum_{prev} w_{{{x}{prev}}} z_{{{sub(prev)}}}"]
        if n >= 2 and rng.random() < 0.6:  # a skip connection from a layer further down
            src = layers[rng.randrange(0, n - 1)]
            if shared and top:
                terms.append(rf"\sum_{src} \sum_l v_{{{x}{src}_l}} z_{{{src}_l}}")
            else:
                terms.append(rf"\sum_{src} v_{{{x}{src}}} z_{{{sub(src)}}}")
        if rng.random() < 0.3:
            terms.append(f"b_{{{x}}}")
        left = x if top else sub(x)
        eqs.append(f"a_{{{left}}} = " + " + ".join(terms))
        if not top:
            eqs.append(f"z_{{{sub(x)}}} = {rng.choice('hg')}(a_{{{sub(x)}}})")
    return eqs, ("w", "v", "b")


SEEDS = list(range(12))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_networks_agree_with_sympy_diff(seed: int) -> None:
    eqs, params = random_network(seed)
    net = declare(eqs, params=params)
    sizes = _plans(net.sizes)[seed % 2]
    c = at_sizes(net, **sizes)
    derived = _derived(net)
    assert derived, eqs
    for f in derived:
        assert compare(net, f.sympy, sizes, c) == [], (eqs, f.latex, sizes)


def test_the_generator_covers_shared_skip_and_bias() -> None:
    texts = [" ".join(random_network(s)[0]) for s in SEEDS]
    assert any("_l" in t for t in texts) and any("v_" in t for t in texts) and any("b_" in t for t in texts)
    assert any("g(" in t for t in texts) and any("_l" not in t for t in texts)


# ----------------------------------------------------------------------------------------------
# the oracle is not a rubber stamp

def _wrong(eq: sp.Eq) -> list[sp.Eq]:
    rhs = eq.rhs
    out = [sp.Eq(eq.lhs, 2 * rhs), sp.Eq(eq.lhs, rhs + 1)]
    sums = list(rhs.atoms(sp.Sum))
    if sums:  # drop the sum: one term of it instead of all
        s = sums[0]
        (i, lo, _hi) = s.limits[0]
        out.append(sp.Eq(eq.lhs, rhs.xreplace({s: s.function.xreplace({i: lo})})))
    return out


@pytest.mark.parametrize("spec, key", [("plain", "a_j"), ("shared", "a_{j_l}")])
def test_wrong_deltas_are_caught(spec: str, key: str) -> None:
    net = nb.network(spec)
    eq = nb.deltas(net)[key].sympy
    sizes = {r: 2 for r in net.sizes}
    c = at_sizes(net, **sizes)
    for bad in _wrong(eq):
        assert compare(net, bad, sizes, c), bad


def test_a_gradient_with_the_wrong_index_is_caught() -> None:
    net = nb.network("shared")
    eq = nb.gradients(net)["w_{ji}"].sympy
    sizes = {"I": 2, "J": 2, "K": 1, "L": 2}
    (s,) = eq.rhs.atoms(sp.Sum)
    body = s.function
    (z,) = [x for x in body.atoms(sp.Indexed) if str(x.base) == "z_il"]
    wrong = sp.Eq(eq.lhs, eq.rhs.xreplace({z: z.base[z.indices[0], 1]}))  # z_{i_1} for z_{i_l}
    assert compare(net, wrong, sizes) and not compare(net, eq, sizes)


def test_the_concrete_network_is_explicit() -> None:
    c = at_sizes(nb.network("shared"), I=2, J=3, K=1, L=2)
    assert len(c.equations) == sum(len(c.points(f)) for f in c.net.definitions)
    value = c.value("a_k", 1)
    assert not value.atoms(sp.Sum) and {str(f.func) for f in value.atoms(sp.Function)} == {"h"}
    assert isinstance(c.error.func, sp.core.function.UndefinedFunction) and len(c.error.args) == 1
    with pytest.raises(TypeError, match="L missing"):
        at_sizes(nb.network("shared"), I=1, J=1, K=1)


def test_the_notebook_doors() -> None:
    assert nb.deltas("plain")[0].against_sympy_diff(I=2, J=2, K=2) == []
    with pytest.raises(TypeError, match="forward equation"):
        nb.forward("plain")[0].against_sympy_diff(I=1, J=1, K=1)
    c = nb.concrete("shared", I=1, J=2, K=1, L=2)
    assert c.sizes == {"I": 1, "J": 2, "K": 1, "L": 2} and c.delta("a_jl", 2, 1) != 0


# ----------------------------------------------------------------------------------------------
# networks from the independent generator (tests/independent/netgen.py: declared activations,
# a declared sum-of-squares error, per-position and shared biases, skip connections)

def _netgen() -> object:
    import importlib
    import sys
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        return importlib.import_module("independent.netgen")
    finally:
        sys.path.remove(str(ROOT / "tests"))


@pytest.mark.parametrize("seed", range(8))
def test_independently_generated_networks_agree_with_sympy_diff(seed: int) -> None:
    from symbp import loads
    netgen = _netgen()
    gen = netgen.random_net(random.Random(1000 + seed))
    net = loads(netgen.derivation_text(gen), file=f"netgen-{seed}.tex").network
    sizes = {r: (2 if k % 2 == 0 else 1) for k, r in enumerate(net.sizes)}
    c = at_sizes(net, **sizes)
    for f in _derived(net):
        assert compare(net, f.sympy, sizes, c) == [], (netgen.derivation_text(gen), f.latex, sizes)
