"""The engine: the index-notation normal form (symbp.model.normal_form.Expr) and the chain rule
(symbp.engine.calculus), against an independent SymPy oracle.

Normal form: Hypothesis builds random sums of products of indexed factors (with Kronecker
deltas) and checks that renaming dummies and reordering factors or sums gives equal ``Expr``s,
and that canonicalisation never changes the value (brute-force evaluation in exact integers).

Oracle: the plain, shared and deep networks are written out by hand as SymPy scalar
expressions at small sizes (one Symbol per weight, input and target), differentiated with
``sympy.diff``, and compared with symbp's mechanical gradients and deltas evaluated on the same
random numbers (read from the ``NetworkInstance``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbp import builtin, load
from symbp.engine import calculus
from symbp.engine.numeric import NetworkInstance, evaluate
from symbp.model.network import Network
from symbp.model.normal_form import Expr, F

# ----------------------------------------------------------------------------------------------
# the normal form

FAMILIES = {"A": ("R",), "B": ("R", "S"), "C": ("S", "R"), "D": ("R", "R"), "G": ("S",), "H": ("R", "S", "R")}
LETTERS = {"p": "R", "q": "R", "r": "R", "s": "R", "x": "S", "y": "S", "u": "S"}
SIZES = {"R": 3, "S": 2}


@st.composite
def raw_terms(draw: st.DrawFn) -> tuple[list[tuple], list[str]]:
    """A product of factors over letters, and which letters are summed.
    Factors are ('ref', family, letters) or ('kd', a, b) with a and b over one range."""
    factors: list[tuple] = []
    for _ in range(draw(st.integers(1, 4))):
        fam = draw(st.sampled_from(sorted(FAMILIES)))
        letters = tuple(draw(st.sampled_from([x for x, r in LETTERS.items() if r == ax]))
                        for ax in FAMILIES[fam])
        factors.append(("ref", fam, letters))
    for _ in range(draw(st.integers(0, 2))):
        rng = draw(st.sampled_from(["R", "S"]))
        pool = [x for x, r in LETTERS.items() if r == rng]
        factors.append(("kd", draw(st.sampled_from(pool)), draw(st.sampled_from(pool))))
    used = sorted({x for f in factors for x in (f[2] if f[0] == "ref" else f[1:])})
    bound = draw(st.lists(st.sampled_from(used), unique=True))
    return factors, bound


def build(factors: list[tuple], bound: list[str], coeff: Fraction = Fraction(1)) -> Expr:
    out = Expr.const(coeff)
    for f in factors:
        if f[0] == "ref":
            out = out * Expr.atom(("ref", f[1], tuple(F(x) for x in f[2])))
        else:
            out = out * Expr.kd(F(f[1]), F(f[2]))
    for x in bound:
        out = out.bind(x, LETTERS[x])
    return out


def rename(factors: list[tuple], mapping: dict[str, str]) -> list[tuple]:
    return [(f[0], f[1], tuple(mapping.get(x, x) for x in f[2])) if f[0] == "ref"
            else ("kd", mapping.get(f[1], f[1]), mapping.get(f[2], f[2])) for f in factors]


@given(raw_terms(), st.randoms(use_true_random=False))
def test_renaming_dummies_and_reordering_factors_gives_an_equal_expr(term: tuple, rnd) -> None:
    factors, bound = term
    fresh = [f"d{n}" for n in range(len(bound))]
    rnd.shuffle(fresh)
    mapping = dict(zip(bound, fresh))
    other = rename(factors, mapping)
    rnd.shuffle(other)
    other_bound = [mapping[x] for x in bound]
    rnd.shuffle(other_bound)
    letters_plus = {**LETTERS, **{mapping[x]: LETTERS[x] for x in bound}}
    out = Expr.const(1)
    for f in other:
        out = out * (Expr.atom(("ref", f[1], tuple(F(x) for x in f[2]))) if f[0] == "ref"
                     else Expr.kd(F(f[1]), F(f[2])))
    for x in other_bound:
        out = out.bind(x, letters_plus[x])
    assert out == build(factors, bound)
    assert hash(out) == hash(build(factors, bound))


@given(raw_terms(), raw_terms(), raw_terms())
def test_sums_and_products_are_commutative_and_associative(t1: tuple, t2: tuple, t3: tuple) -> None:
    a, b, c = build(*t1), build(*t2), build(*t3)
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)
    assert a * b == b * a
    assert (a * b) * c == a * (b * c)
    assert a * (b + c) == a * b + a * c
    assert (a - a).is_zero()
    assert a.scale(2) == a + a


@given(raw_terms())
def test_renaming_a_free_index_and_back_is_the_identity(term: tuple) -> None:
    e = build(*term)
    free = sorted(e.free())
    mapping = {x: f"z{n}" for n, x in enumerate(free)}
    back = {v: k for k, v in mapping.items()}
    assert e.rename(mapping).rename(back) == e
    assert e.rename(mapping).free() == set(mapping.values())


def brute_force(factors: list[tuple], bound: list[str], free: list[str],
                arrays: dict[str, np.ndarray]) -> np.ndarray:
    """The value of  Σ_bound Π factors  at every assignment of the free letters (exact ints)."""
    out = np.zeros(tuple(SIZES[LETTERS[x]] for x in free), dtype=object)
    letters = free + bound
    for point in itertools.product(*(range(SIZES[LETTERS[x]]) for x in letters)):
        at = dict(zip(letters, point))
        value = 1
        for f in factors:
            if f[0] == "ref":
                value *= arrays[f[1]][tuple(at[x] for x in f[2])]
            else:
                value *= int(at[f[1]] == at[f[2]])
        out[tuple(at[x] for x in free)] += value
    return out


@given(st.lists(raw_terms(), min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_canonicalisation_never_changes_the_value(terms: list[tuple], rnd) -> None:
    arrays = {}
    for fam, axes in FAMILIES.items():
        shape = tuple(SIZES[a] for a in axes)
        arrays[fam] = np.array([rnd.randrange(-9, 10) for _ in range(int(np.prod(shape)))],
                               dtype=object).reshape(shape)
    free_sets = [set(x for f in fs for x in (f[2] if f[0] == "ref" else f[1:])) - set(b) for fs, b in terms]
    free = sorted(free_sets[0])
    terms = [t for t, fr in zip(terms, free_sets) if fr == set(free)]  # a sum needs equal free letters
    expr = Expr.zero()
    want = np.zeros(tuple(SIZES[LETTERS[x]] for x in free), dtype=object)
    for factors, bound in terms:
        coeff = Fraction(rnd.randrange(-3, 4) or 1, rnd.randrange(1, 3))
        expr = expr + build(factors, bound, coeff)
        want = want + coeff * brute_force(factors, bound, free, arrays)
    got = evaluate(None, expr, SIZES, lambda f: arrays[f[1]], [(x, LETTERS[x]) for x in free], object)  # type: ignore[arg-type]
    assert np.array_equal(np.asarray(got, dtype=object), np.asarray(want, dtype=object)), (expr, got, want)


@pytest.mark.parametrize("left, right", [
    # Σ_q δ(p, q) A_q = A_p
    (lambda: (Expr.kd(F("p"), F("q")) * Expr.atom(("ref", "A", (F("q"),)))).bind("q", "R"),
     lambda: Expr.atom(("ref", "A", (F("p"),)))),
    # Σ_q 1 = R  (a vacuous sum is a size factor)
    (lambda: Expr.atom(("ref", "G", (F("x"),))).bind("q", "R"),
     lambda: Expr.size("R") * Expr.atom(("ref", "G", (F("x"),)))),
    # Σ_q Σ_r D_{qr} = Σ_r Σ_q D_{rq}
    (lambda: Expr.atom(("ref", "D", (F("q"), F("r")))).bind("q", "R").bind("r", "R"),
     lambda: Expr.atom(("ref", "D", (F("r"), F("q")))).bind("q", "R").bind("r", "R")),
])
def test_normal_form_identities(left: Callable[[], Expr], right: Callable[[], Expr]) -> None:
    assert left() == right()


def test_a_transposed_factor_is_a_different_expr() -> None:
    # D_{pq} and D_{qp} with both free are different expressions
    assert Expr.atom(("ref", "D", (F("p"), F("q")))) != Expr.atom(("ref", "D", (F("q"), F("p"))))
    # ... but the same one summed over both
    s1 = Expr.atom(("ref", "D", (F("p"), F("q")))).bind("p", "R").bind("q", "R")
    s2 = Expr.atom(("ref", "D", (F("q"), F("p")))).bind("p", "R").bind("q", "R")
    assert s1 == s2


# ----------------------------------------------------------------------------------------------
# the independent oracle: the forward pass written out in SymPy

ACT: dict[str, Callable] = {
    "tanh": sp.tanh,
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "logistic": lambda x: 1 / (1 + sp.exp(-x)),
}
ERR: dict[str, Callable] = {
    "sum-of-squares": lambda y, t: sp.Rational(1, 2) * (y - t) ** 2,
    "softplus-sum": lambda y, t: sp.log(1 + sp.exp(y)) - t * y,
}


def symbols(name: str, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.empty(shape, dtype=object)
    for idx in itertools.product(*(range(n) for n in shape)):
        arr[idx] = sp.Symbol(name + "_" + "_".join(map(str, idx)) if idx else name)
    return arr


def plain_forward(v: dict, n: dict[str, int], h: Callable) -> np.ndarray:
    """PRML 5.3.1: a_j = Σ_i w_ji z_i, z_j = h(a_j), a_k = Σ_j w_kj z_j."""
    I, J, K = n["I"], n["J"], n["K"]
    a_j = v.get(("a", ("J",)))
    if a_j is None:
        a_j = np.array([sum(v["w", ("J", "I")][j, i] * v["z", ("I",)][i] for i in range(I))
                        for j in range(J)])
    z_j = np.array([h(a_j[j]) for j in range(J)])
    return np.array([sum(v["w", ("K", "J")][k, j] * z_j[j] for j in range(J)) for k in range(K)])


def shared_forward(v: dict, n: dict[str, int], h: Callable) -> np.ndarray:
    """Weight sharing: z_il = h(a_il), a_jl = Σ_i w_ji z_il (w_ji shared over l),
    z_jl = h(a_jl), a_k = Σ_j Σ_l w_kjl z_jl."""
    I, J, K, L = n["I"], n["J"], n["K"], n["L"]
    a_il = v.get(("a", ("I", "L")))
    z_il = [[h(a_il[i, l]) for l in range(L)] for i in range(I)]
    a_jl = v.get(("a", ("J", "L")))
    if a_jl is None:
        a_jl = np.array([[sum(v["w", ("J", "I")][j, i] * z_il[i][l] for i in range(I)) for l in range(L)]
                         for j in range(J)])
    z_jl = [[h(a_jl[j, l]) for l in range(L)] for j in range(J)]
    return np.array([sum(v["w", ("K", "J", "L")][k, j, l] * z_jl[j][l] for j in range(J) for l in range(L))
                     for k in range(K)])


def deep_forward(v: dict, n: dict[str, int], h: Callable) -> np.ndarray:
    """derivations/deep_networks.tex: two shared layers (u, v) under two dense ones (w)."""
    I, J, L, M, N, K = (n[x] for x in "IJLMNK")
    x = v["x", ("I", "L")]
    a_jl = v.get(("a", ("J", "L")))
    if a_jl is None:
        a_jl = np.array([[sum(v["u", ("J", "I")][j, i] * x[i, l] for i in range(I)) for l in range(L)]
                         for j in range(J)])
    z_jl = [[h(a_jl[j, l]) for l in range(L)] for j in range(J)]
    a_ml = v.get(("a", ("M", "L")))
    if a_ml is None:
        a_ml = np.array([[sum(v["v", ("M", "J")][m, j] * z_jl[j][l] for j in range(J)) for l in range(L)]
                         for m in range(M)])
    z_ml = [[h(a_ml[m, l]) for l in range(L)] for m in range(M)]
    a_n = v.get(("a", ("N",)))
    if a_n is None:
        a_n = np.array([sum(v["w", ("N", "M", "L")][q, m, l] * z_ml[m][l] for m in range(M) for l in range(L))
                        for q in range(N)])
    z_n = [h(a_n[q]) for q in range(N)]
    return np.array([sum(v["w", ("K", "N")][k, q] * z_n[q] for q in range(N)) for k in range(K)])


@functools.cache
def network(name: str) -> Network:
    if name == "deep":
        from pathlib import Path
        return load(Path(__file__).resolve().parents[1] / "derivations" / "deep_networks.tex").network
    return builtin(name)


NETWORKS = {"plain": plain_forward, "shared": shared_forward, "deep": deep_forward}
CASES = [
    ("plain", {"I": 2, "J": 3, "K": 4}),
    ("plain", {"I": 1, "J": 2, "K": 3}),
    ("plain", {"I": 3, "J": 1, "K": 2}),
    ("shared", {"I": 2, "J": 3, "K": 2, "L": 4}),
    ("shared", {"I": 1, "J": 2, "K": 3, "L": 1}),
    ("deep", {"I": 2, "J": 3, "L": 2, "M": 1, "N": 2, "K": 1}),
]
INSTANCES = [("tanh", "sum-of-squares"), ("softplus", "softplus-sum"), ("logistic", "sum-of-squares")]
# every network and size with h = tanh; the other activations and errors at the smaller sizes
SMALL = (1, 2, 4)
GRADIENT_CASES = [(n, s, a, e) for k, (n, s) in enumerate(CASES) for a, e in INSTANCES
                  if a == "tanh" or k in SMALL]


@functools.cache
def oracle(name: str, sizes_items: tuple, act: str, err: str, cut: tuple | None) -> tuple[list, Callable]:
    """Symbols and a lambdified list of derivatives of E: with respect to every parameter of the
    network (``cut`` None), or to every unit of the family ``cut`` (which then stands for itself)."""
    net, sizes = network(name), dict(sizes_items)
    h = ACT[act]
    values: dict[tuple, np.ndarray] = {}
    variables: list[sp.Symbol] = []
    for fam in net.families:
        key = (fam.name, fam.axes)
        if fam.id in net.definitions and key != cut:
            continue
        arr = symbols(f"{fam.name}{fam.id}", tuple(sizes[a] for a in fam.axes))
        values[key] = arr
        variables.extend(arr.flat)
    outputs = NETWORKS[name](values, sizes, h)
    (out,) = net.outputs
    targets = symbols("t", outputs.shape)
    E = sum(ERR[err](y, t) for y, t in zip(outputs.flat, targets.flat))
    wrt = [values[cut].flat] if cut else [values[(f.name, f.axes)].flat for f in net.params]
    wrt_syms = [s for group in wrt for s in group]
    fn = sp.lambdify(variables + list(targets.flat), [sp.diff(E, s) for s in wrt_syms], "math", cse=True)
    return variables, fn


def instance_numbers(net: Network, inst: NetworkInstance, sizes: dict[str, int],
                     cut: tuple | None) -> list[float]:
    """The numbers of the instance, in the order of the oracle's symbols."""
    nums: list[float] = []
    for fam in net.families:
        if fam.id in net.definitions and (fam.name, fam.axes) != cut:
            continue
        nums.extend(float(x) for x in np.asarray(inst.value(fam.id)).flat)
    (out,) = net.outputs
    nums.extend(float(x) for x in np.asarray(inst.target(out)).flat)
    return nums


def symbp_gradients(net: Network, inst: NetworkInstance, sizes: dict[str, int]) -> np.ndarray:
    parts = []
    for fam in net.params:
        names = tuple(f"g{n}" for n in range(len(fam.axes)))
        g = calculus.ground(net, calculus.gradient(net, fam.id, tuple(F(x) for x in names)))
        parts.append(np.asarray(evaluate(net, g, sizes, inst, list(zip(names, fam.axes)))).ravel())
    return np.concatenate(parts)


def delta_families(net: Network) -> list:
    return [f for f in net.families
            if net.has_delta(f.id) and f.id not in net.outputs and f.id in net.definitions
            and net.consumers[f.id]]


def close(got: np.ndarray, want: np.ndarray) -> bool:
    return bool(np.allclose(got, want, rtol=1e-9, atol=1e-12))


@pytest.mark.parametrize("name, sizes, act, err", GRADIENT_CASES,
                         ids=[f"{n} {sorted(s.items())} {a}/{e}" for n, s, a, e in GRADIENT_CASES])
def test_gradients_agree_with_sympy(name: str, sizes: dict[str, int], act: str, err: str) -> None:
    net = network(name)
    inst = NetworkInstance(net, sizes, act, err, seed=7)
    got = symbp_gradients(net, inst, sizes)  # first: symbp draws the instance's random numbers
    _, fn = oracle(name, tuple(sorted(sizes.items())), act, err, None)
    want = np.array(fn(*instance_numbers(net, inst, sizes, None)), dtype=float)
    assert got.shape == want.shape
    assert close(got, want), np.max(np.abs(got - want))


@pytest.mark.parametrize("name, sizes", CASES, ids=[f"{n} {sorted(s.items())}" for n, s in CASES])
def test_deltas_agree_with_sympy(name: str, sizes: dict[str, int]) -> None:
    net = network(name)
    fams = delta_families(net)
    assert fams
    inst = NetworkInstance(net, sizes, "tanh", "sum-of-squares", seed=3)
    for fam in fams:
        names = [f"#{k}" for k in range(len(fam.axes))]
        d = calculus.ground(net, calculus.delta_definition(net, fam.id))
        got = np.asarray(evaluate(net, d, sizes, inst, list(zip(names, fam.axes)))).ravel()
        _, fn = oracle(name, tuple(sorted(sizes.items())), "tanh", "sum-of-squares", (fam.name, fam.axes))
        want = np.array(fn(*instance_numbers(net, inst, sizes, (fam.name, fam.axes))), dtype=float)
        assert close(got, want), (fam.show(), np.max(np.abs(got - want)))


@pytest.mark.parametrize("name, sizes", CASES[:1] + CASES[3:4] + CASES[5:], ids=["plain", "shared", "deep"])
def test_the_instances_forward_pass_is_the_oracles(name: str, sizes: dict[str, int]) -> None:
    """The outputs the NetworkInstance computes are those of the hand-written forward pass."""
    net = network(name)
    inst = NetworkInstance(net, sizes, "tanh", "sum-of-squares", seed=11)
    (out,) = net.outputs
    got = np.asarray(inst.value(out), dtype=float)
    numbers = {(f.name, f.axes): np.vectorize(sp.Float)(np.asarray(inst.value(f.id), dtype=float))
               for f in net.families if f.id not in net.definitions}
    want = np.array([float(x) for x in NETWORKS[name](numbers, sizes, ACT["tanh"]).flat])
    assert close(got.ravel(), want)


@settings(max_examples=12)
@given(st.sampled_from(CASES[:2] + CASES[3:5]), st.integers(0, 2**32 - 1))
def test_gradients_agree_with_sympy_for_any_seed(case: tuple, seed: int) -> None:
    name, sizes = case
    net = network(name)
    inst = NetworkInstance(net, sizes, "tanh", "sum-of-squares", seed=seed)
    got = symbp_gradients(net, inst, sizes)
    _, fn = oracle(name, tuple(sorted(sizes.items())), "tanh", "sum-of-squares", None)
    want = np.array(fn(*instance_numbers(net, inst, sizes, None)), dtype=float)
    assert close(got, want)


def test_derive_states_the_gradients_the_oracle_confirms() -> None:
    """The text of ``symbp derive`` for the shared network is the gradient checked above."""
    from symbp import derive
    text = derive(builtin("shared")).text()
    assert r"\frac{\partial E}{\partial w_{ji}} = \sum_{l} \delta_{j_l} z_{i_l}" in text
    assert r"\frac{\partial E}{\partial w_{kj_l}} = \delta_{k} z_{j_l}" in text
