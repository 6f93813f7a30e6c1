"""Affine indices in the normal form (issue 13, item 1): ``x_{j+m-1}``, ``[i = j+m-1]``.

A Kronecker delta with an affine argument contracts against a sum over a dummy that enters it
with coefficient ±1, and the range condition of that sum is kept as ``[1 <= e <= R]``, never
dropped.  Every rewrite is checked against a brute-force evaluation written here, independent
of the normal form: the dummies run over their ranges, an affine index is evaluated to a whole
number, an array is a fixed pseudo-random function of its (whole) indices, also outside any
range, so a dropped range condition shows as a different value.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbp.engine.shifted import evaluate_shifted
from symbp.model.affine import affine, is_affine, parts, show, solve_for
from symbp.model.normal_form import D, Expr, F, _reindexings

SIZES = [{"I": 4, "J": 3, "M": 2}, {"I": 5, "J": 2, "M": 3}, {"I": 3, "J": 4, "M": 1}]
FREE = ["i", "j", "m"]


def _value(name: str, idx: tuple[int, ...]) -> Fraction:
    h = hashlib.sha256(repr((name, idx)).encode()).digest()
    return Fraction(h[0] - 128, 37) + Fraction(h[1], 1000)


def _index(i: tuple, env: dict) -> int:
    coeffs, const = parts(i)
    return const + sum(c * env[k] for k, c in coeffs.items())


def _factor(f: tuple, env: dict, sizes: dict) -> Fraction:
    if f[0] == "kd":
        return Fraction(int(_index(f[1], env) == _index(f[2], env)))
    if f[0] == "rng":
        return Fraction(int(1 <= _index(f[1], env) <= sizes[f[2]]))
    assert f[0] == "ref"
    return _value(f[1], tuple(_index(i, env) for i in f[2]))


def raw_value(coeff: Fraction, term_sizes, dummies: dict[int, str], factors, free: dict[str, int],
              sizes: dict[str, int]) -> Fraction:
    """The value of one raw term ``coeff * Π sizes * Σ_dummies Π factors`` by brute force."""
    total = Fraction(0)
    scale = coeff * math.prod(sizes[s] for s in term_sizes)
    names = sorted(dummies)
    for vals in itertools.product(*(range(1, sizes[dummies[n]] + 1) for n in names)):
        env = {("f", k): v for k, v in free.items()}
        env.update({("d", n): v for n, v in zip(names, vals)})
        total += scale * math.prod((_factor(f, env, sizes) for f in factors), start=Fraction(1))
    return total


def brute(e: Expr, free: dict[str, int], sizes: dict[str, int]) -> Fraction:
    """The value of ``e`` by summing every dummy over its range."""
    return sum((raw_value(t.coeff, t.sizes, dict(enumerate(t.dummies)), t.factors, free, sizes)
                for t in e.terms), Fraction(0))


def _frees(sizes: dict[str, int]):
    # free values a little outside their ranges too: the identities hold for every value
    return itertools.product(range(0, sizes["I"] + 2), range(0, sizes["J"] + 2), range(0, 3))


def same_value(a: Expr, b: Expr) -> bool:
    return all(brute(a, dict(zip(FREE, v)), s) == brute(b, dict(zip(FREE, v)), s)
               for s in SIZES for v in _frees(s))


i, j, m = F("i"), F("j"), F("m")
jm1 = affine([(j, 1), (m, 1)], -1)  # j+m-1


def x(idx: tuple) -> Expr:
    return Expr.atom(("ref", "x", (idx,)))


def w(idx: tuple) -> Expr:
    return Expr.atom(("ref", "w", (idx,)))


def delta(idx: tuple) -> Expr:
    return Expr.atom(("ref", "d", (idx,)))


def rng(idx: tuple, r: str) -> Expr:
    return Expr.atom(("rng", idx, r))


# (name, expression built raw, the expression it must equal in normal form)
REWRITES = [
    ("sum_i [i = j+m-1] x_i = x_{j+m-1} [1 <= j+m-1 <= I]",
     (Expr.kd(i, jm1) * x(i)).bind("i", "I"), x(jm1) * rng(jm1, "I")),
    ("sum_m w_m [i = j+m-1] = w_{i-j+1} [1 <= i-j+1 <= M]",
     (w(m) * Expr.kd(i, jm1)).bind("m", "M"),
     w(affine([(i, 1), (j, -1)], 1)) * rng(affine([(i, 1), (j, -1)], 1), "M")),
    ("[j+1 = j+2] = 0", Expr.kd(affine([(j, 1)], 1), affine([(j, 1)], 2)), Expr.zero()),
    ("[j+1 = 1+j] = 1", Expr.kd(affine([(j, 1)], 1), affine([(j, 1)], 1)), Expr.const(1)),
    ("sum_m [m = 0] = 0 (the solution is outside 1..M)",
     Expr.kd(m, affine([], 0)).bind("m", "M"), Expr.zero()),
    ("sum_m [m+j = j+1] = [1 <= 1 <= M]",
     Expr.kd(affine([(m, 1), (j, 1)], 0), affine([(j, 1)], 1)).bind("m", "M"),
     rng(affine([], 1), "M")),
    ("sum_m [m+1 = i+1] x_m = x_i [1 <= i <= M] (a bare solution keeps its condition)",
     (Expr.kd(affine([(m, 1)], 1), affine([(i, 1)], 1)) * x(m)).bind("m", "M"),
     x(i) * rng(i, "M")),
    ("sum_m [2m = i] x_m stays a sum (coefficient 2 is not solved)",
     (Expr.kd(affine([(m, 2)], 0), i) * x(m)).bind("m", "M"),
     (Expr.kd(affine([(m, 2)], 0), i) * x(m)).bind("m", "M")),
    ("sum_j [1 <= j <= J] x_j = sum_j x_j (a dummy over J is in 1..J)",
     (rng(j, "J") * x(j)).bind("j", "J"), x(j).bind("j", "J")),
]


@pytest.mark.parametrize("name, built, expected", REWRITES, ids=[r[0] for r in REWRITES])
def test_affine_rewrites(name: str, built: Expr, expected: Expr) -> None:
    assert built == expected
    assert same_value(built, expected)


def test_the_range_condition_is_not_dropped() -> None:
    """The contraction without its condition is a different value (the test can see the slip)."""
    built = (Expr.kd(i, jm1) * x(i)).bind("i", "I")
    assert built != x(jm1)
    assert not same_value(built, x(jm1))


def test_renamed_dummies_inside_affine_indices_are_one_normal_form() -> None:
    a = (w(m) * x(jm1)).bind("m", "M")
    q = F("q")
    b = (x(affine([(q, 1), (j, 1)], -1)) * w(q)).bind("q", "M")
    assert a == b
    assert a.free() == {"j"}


def test_the_kernel_gradient_of_a_convolution() -> None:
    """``a_j = sum_m w_m x_{j+m-1}``: ``da_j/dw_m'`` summed against delta_j is
    ``sum_j delta_j x_{j+m'-1}`` (PRML 5.5.6), the contraction done by the normal form (a delta
    of bare indices: no range condition, as before)."""
    mp = F("i")  # the kernel position asked for (a free name the evaluator knows)
    da_dw = (Expr.kd(m, mp) * x(jm1)).bind("m", "M")  # d/dw_p of sum_m w_m x_{j+m-1}
    grad = (delta(j) * da_dw).bind("j", "J")
    textbook = (delta(j) * x(affine([(j, 1), (mp, 1)], -1))).bind("j", "J")
    assert grad == textbook
    assert same_value(grad, textbook)


imj1 = affine([(i, 1), (m, -1)], 1)  # i-m+1


def input_gradient_by_chain_rule() -> Expr:
    """``Σ_j δ_j ∂a_j/∂x_i`` with ``a_j = Σ_m w_m x_{j+m-1}``: ``∂x_{j+m-1}/∂x_i = [i = j+m-1]``."""
    return (delta(j) * (w(m) * Expr.kd(i, jm1)).bind("m", "M")).bind("j", "J")


CONVOLUTION = [  # (name, the textbook's right side, equal to the chain rule's?)
    ("sum_m w_m delta_{i-m+1} [1 <= i-m+1 <= J] (PRML 5.5.6 with its boundaries)",
     (w(m) * delta(imj1) * rng(imj1, "J")).bind("m", "M"), True),
    ("sum_m w_m delta_{i-m+1} (the boundary forgotten)",
     (w(m) * delta(imj1)).bind("m", "M"), False),
    ("sum_m w_m delta_{i+m-1} [1 <= i+m-1 <= J] (the kernel flipped)",
     (w(m) * delta(affine([(i, 1), (m, 1)], -1)) * rng(affine([(i, 1), (m, 1)], -1), "J")).bind("m", "M"),
     False),
    ("sum_m w_m delta_{i-m+1} [1 <= i-m+1 <= M] (the wrong range in the boundary)",
     (w(m) * delta(imj1) * rng(imj1, "M")).bind("m", "M"), False),
]


@pytest.mark.parametrize("name, textbook, equal", CONVOLUTION, ids=[c[0] for c in CONVOLUTION])
def test_the_input_gradient_of_a_convolution(name: str, textbook: Expr, equal: bool) -> None:
    """Summing over ``j`` or over ``m`` is one normal form (re-indexing by the range condition);
    each slip differs in normal form *and* in value (the brute force sees it)."""
    chain = input_gradient_by_chain_rule()
    assert (chain == textbook) is equal
    assert same_value(chain, textbook) is equal


# --- Hypothesis: random deltas with affine arguments, contracted against random sums


_idx = st.sampled_from([i, j, m])


@st.composite
def affine_index(draw) -> tuple:
    terms = draw(st.lists(st.tuples(_idx, st.integers(-2, 2)), max_size=3))
    return affine(terms, draw(st.integers(-2, 2)))


@st.composite
def raw_term(draw) -> Expr:
    n = draw(st.integers(1, 3))
    e = Expr.const(1)
    for _ in range(n):
        kind = draw(st.sampled_from(["kd", "x", "w", "rng"]))
        if kind == "kd":
            e = e * Expr.kd(draw(affine_index()), draw(affine_index()))
        elif kind == "rng":
            e = e * rng(draw(affine_index()), draw(st.sampled_from(["I", "J", "M"])))
        else:
            e = e * Expr.atom(("ref", kind, (draw(affine_index()),)))
    bound = draw(st.lists(st.sampled_from([("i", "I"), ("j", "J"), ("m", "M")]), unique=True, max_size=2))
    return e, bound


def _raw_value(e: Expr, bound: list, free: dict, sizes: dict) -> Fraction:
    """Sum the bound names by brute force outside the normal form (no contraction at all)."""
    total = Fraction(0)
    for vals in itertools.product(*(range(1, sizes[r] + 1) for _, r in bound)):
        env = dict(free)
        env.update({n: v for (n, _), v in zip(bound, vals)})
        total += brute(e, env, sizes)
    return total


@settings(max_examples=150, deadline=None)
@given(raw_term())
def test_contraction_keeps_the_value(case) -> None:
    e, bound = case
    contracted = e.bind_all(bound)
    for s in SIZES[:2]:
        for v in itertools.product(range(0, 4), repeat=3):
            free = dict(zip(FREE, v))
            assert brute(contracted, free, s) == _raw_value(e, bound, free, s)


@settings(max_examples=150, deadline=None)
@given(raw_term())
def test_every_reindexing_keeps_the_value(case) -> None:
    """Each way the normal form may re-index a term (not only the least it keeps) is equal to it."""
    e, bound = case
    for t in e.bind_all(bound).terms:
        for raw in _reindexings(t):
            for s in SIZES[:2]:
                for v in itertools.product(range(0, 4), repeat=3):
                    free = dict(zip(FREE, v))
                    assert brute(Expr([t]), free, s) == raw_value(*raw, free, s)


@settings(max_examples=100, deadline=None)
@given(raw_term(), st.permutations(["p", "q", "r"]))
def test_the_names_of_summed_letters_do_not_matter(case, names) -> None:
    """Summing under other letters (inside affine indices and range conditions too) is one normal
    form: the canonical renaming of dummies sees through affine indices."""
    e, bound = case
    mapping = {n: names[k] for k, (n, _) in enumerate(bound)}
    renamed = e.rename(mapping).bind_all([(mapping[n], r) for n, r in reversed(bound)])
    assert renamed == e.bind_all(bound)


@given(affine_index(), affine_index())
def test_solve_for_solves(a: tuple, b: tuple) -> None:
    for x_ in (i, j, m):
        sol = solve_for(a, b, x_)
        if sol is None:
            continue
        for v in itertools.product(range(-2, 3), repeat=3):
            env = dict(zip((i, j, m), v))
            env[x_] = _index(sol, env) if x_ not in parts(sol)[0] else env[x_]
            assert x_ not in parts(sol)[0]
            assert _index(a, env) == _index(b, env)


@pytest.mark.parametrize("idx, text", [
    (affine([(j, 1), (m, 1)], -1), "j+m-1"),
    (affine([(i, 1), (m, -1)], 1), "i-m+1"),
    (affine([(j, 2)], 0), "2j"),
    (affine([(D(0), 1)], 1), "d0+1"),
    (affine([], 0), "0"),
    (affine([], -3), "-3"),
])
def test_show(idx: tuple, text: str) -> None:
    assert show(idx) == text
    assert is_affine(idx)


@pytest.mark.parametrize("expr", [
    (w(m) * x(jm1)).bind("m", "M"),
    (Expr.kd(i, jm1) * x(i)).bind("i", "I"),
])
def test_numeric_evaluation_refuses_shifted_positions(expr: Expr) -> None:
    """No numeric reading yet: a clear input error, never letters of j+m-1 read as axes."""
    from symbp.engine.numeric import _refuse_shifted
    from symbp.errors import UnsupportedError

    with pytest.raises(UnsupportedError, match="shifted index positions"):
        for t in expr.terms:
            for f in t.factors:
                _refuse_shifted(f)


# --- numbers: the gather-and-contract evaluator against the brute force


def _read(name: str, pos: tuple) -> np.ndarray:
    if not pos:
        return np.array(float(_value(name, ())))
    flat = [np.asarray(p).ravel() for p in pos]
    vals = [float(_value(name, tuple(int(p[k]) for p in flat))) for k in range(flat[0].size)]
    return np.array(vals).reshape(np.shape(pos[0]))


@settings(max_examples=100, deadline=None)
@given(raw_term())
def test_the_shifted_evaluator_agrees_with_the_brute_force(case) -> None:
    e, bound = case
    expr = e.bind_all(bound)
    free = [(n, r) for n, r in (("i", "I"), ("j", "J"), ("m", "M")) if n in expr.free()]
    for s in SIZES[:2]:
        got = evaluate_shifted(expr, s, free, _read)
        for pos in itertools.product(*(range(1, s[r] + 1) for _, r in free)):
            env = dict(zip((n for n, _ in free), pos))
            want = float(brute(expr, env, s))
            assert abs(got[tuple(p - 1 for p in pos)] - want) <= 1e-9 * max(1.0, abs(want))


def test_the_forgotten_boundary_differs_in_numbers() -> None:
    """Out-of-range positions read as unknowns: the input gradient without its boundary cannot
    agree with the chain rule's by accident."""
    s = SIZES[0]
    chain = evaluate_shifted(input_gradient_by_chain_rule(), s, [("i", "I")], _read)
    right = evaluate_shifted(CONVOLUTION[0][1], s, [("i", "I")], _read)
    forgot = evaluate_shifted(CONVOLUTION[1][1], s, [("i", "I")], _read)
    assert np.allclose(chain, right)
    assert not np.allclose(chain, forgot)
