"""lambdify at the machine's limit (symbp/engine/numeric.py): batched matmul for the contractions
tensordot would copy, derivatives of h from the saved activations, and shape checks once per
set of shapes; every value as before."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbp import builtin
from symbp.engine.numeric import ACTIVATIONS, FROM_VALUE, _dot, lambdify
from symbp.errors import UnsupportedError


@st.composite
def contraction(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[int], list[int]]:
    """Two arrays and the axes tensordot contracts (a leading batch axis in both, often)."""
    nx, ny = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    k = draw(st.integers(1, min(nx, ny)))
    shared = [draw(st.integers(1, 4)) for _ in range(k)]
    ax = draw(st.permutations(range(nx)))[:k]
    ay = draw(st.permutations(range(ny)))[:k]
    if draw(st.booleans()) and 0 not in ax and 0 not in ay:
        ax, ay = [0, *ax[1:]], [0, *ay[1:]]
    shx = [draw(st.integers(1, 4)) for _ in range(nx)]
    shy = [draw(st.integers(1, 4)) for _ in range(ny)]
    for a, b, n in zip(ax, ay, shared):
        shx[a] = shy[b] = n
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    return rng.normal(size=shx), rng.normal(size=shy), list(ax), list(ay)


@given(contraction())
def test_dot_is_tensordot(case: tuple) -> None:
    x, y, ax, ay = case
    np.testing.assert_allclose(_dot(x, y, (ax, ay)), np.tensordot(x, y, axes=(ax, ay)),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(FROM_VALUE))
@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_derivatives_from_the_saved_value(kind: str, order: int) -> None:
    a = np.linspace(-3, 3, 41)
    np.testing.assert_allclose(FROM_VALUE[kind](ACTIVATIONS[kind](a, 0), order), ACTIVATIONS[kind](a, order),
                               rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("activation", sorted(FROM_VALUE))
def test_saved_activations_give_the_same_delta(activation: str) -> None:
    net = builtin("shared")
    g = lambdify(net, r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", batch="keep", activation=activation)
    assert g.saved == {"h_a_jl": "a_jl"}
    rng = np.random.default_rng(0)
    a, w, d = rng.normal(size=(4, 3, 5)), rng.normal(size=(2, 3, 5)), rng.normal(size=(4, 2))
    want = g(a_jl=a, w_kjl=w, delta_k=d)
    saved = ACTIVATIONS[activation](a, 0)
    np.testing.assert_allclose(g(h_a_jl=saved, w_kjl=w, delta_k=d), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(g(a_jl=a, h_a_jl=saved, w_kjl=w, delta_k=d), want, rtol=1e-9, atol=1e-12)


def test_an_argument_read_directly_is_still_required() -> None:
    net = builtin("plain")
    g = lambdify(net, r"h(a_j) a_j")
    with pytest.raises(UnsupportedError, match="missing argument a_j"):
        g(h_a_j=np.ones(3))
    np.testing.assert_allclose(g(a_j=np.ones(3), h_a_j=np.full(3, 2.0)), np.full(3, 2.0))


def test_shapes_are_still_checked_after_a_first_call() -> None:
    net = builtin("plain")
    g = lambdify(net, r"h'(a_j) \sum_k w_{kj} \delta_k")
    assert g(a_j=np.zeros(2), w_kj=np.ones((3, 2)), delta_k=np.ones(3)).shape == (2,)
    assert g(a_j=np.zeros(2), w_kj=np.ones((3, 2)), delta_k=np.ones(3)).shape == (2,)  # memoised shapes
    with pytest.raises(UnsupportedError, match="range K has size"):
        g(a_j=np.zeros(2), w_kj=np.ones((3, 2)), delta_k=np.ones(4))
    with pytest.raises(UnsupportedError, match="unexpected argument"):
        g(a_j=np.zeros(2), w_kj=np.ones((3, 2)), delta_k=np.ones(3), z_i=np.ones(2))


def test_the_result_is_never_an_argument() -> None:
    net = builtin("plain")
    g = lambdify(net, "z_i")
    z = np.arange(3.0)
    out = g(z_i=z)
    out[0] = 7.0
    assert z[0] == 0.0


def test_the_batched_gradient_holds_no_copy_of_its_operands() -> None:
    import tracemalloc
    net = builtin("shared")
    g = lambdify(net, r"\sum_l \delta_{j_l} z_{i_l}", "ji", batch="sum")
    rng = np.random.default_rng(0)
    d, z = rng.normal(size=(8, 16, 256)), rng.normal(size=(8, 16, 256))
    np.testing.assert_allclose(g(delta_jl=d, z_il=z), np.tensordot(d, z, axes=([0, 2], [0, 2])))
    tracemalloc.start()
    g(delta_jl=d, z_il=z)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert top < d.nbytes / 4  # tensordot would copy both operands (2 x 256 KiB)


CHUNKED = [  # (equation, activation, argument shapes (N, J, L, K), whether the last product is chunked)
    (r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "tanh", (4, 3, 5, 2), True),
    (r"\sum_k w_{kj_l} \delta_k h'(a_{j_l})", "tanh", (3, 7, 11, 2), True),
    (r"h''(a_{j_l}) \sum_k w_{kj_l} \delta_k", "logistic", (5, 3, 7, 3), True),
    (r"h'''(a_{j_l}) \sum_k w_{kj_l} \delta_k", "sigmoid", (2, 9, 13, 4), True),
    (r"h(a_{j_l}) \sum_k w_{kj_l} \delta_k", "tanh", (4, 3, 5, 2), True),
    (r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "softplus", (4, 3, 5, 2), False),  # expm1: not polynomial
    (r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "exp", (4, 3, 5, 2), False),
    (r"2 h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "tanh", (4, 3, 5, 2), False),  # a coefficient: whole
    (r"h'(a_{j_l}) w_{kj_l}", "tanh", (4, 3, 5, 2), False),  # no step before the product
]


@pytest.mark.parametrize(("eq", "activation", "dims", "chunked"), CHUNKED)
def test_the_chunked_last_product_is_the_whole_arrays_value(
        monkeypatch: pytest.MonkeyPatch, eq: str, activation: str, dims: tuple, chunked: bool) -> None:
    """A last product ``x * h^{(n)}(a)`` from a saved activation, done in chunks (chunks that do
    not divide the result, forced at these small sizes), gives the whole-array program's bits,
    and writes no argument; the other cases keep the whole-array program."""
    import symbp.engine.numeric as numeric
    n, j, l_, k = dims
    rng = np.random.default_rng(sum(dims))
    a, w, d = rng.normal(size=(n, j, l_)), rng.normal(size=(k, j, l_)), rng.normal(size=(n, k))
    saved = ACTIVATIONS[activation](a, 0)
    free = "kjl" if "delta" not in eq else None
    first = lambdify(builtin("shared"), eq, free, batch="keep", activation=activation)
    args = {key: v for key, v in {"h_a_jl": saved, "w_kjl": w, "delta_k": d}.items()
            if key in first.inputs or key in first.saved}
    whole = first(**args)
    monkeypatch.setattr(numeric, "CHUNK_MIN", 1)
    monkeypatch.setattr(numeric, "CHUNK", 7)
    before = {key: v.copy() for key, v in args.items()}
    g = lambdify(builtin("shared"), eq, free, batch="keep", activation=activation)
    got = g(**args)
    assert np.array_equal(got, whole)
    assert np.array_equal(g(**args), whole)  # the memoised program, again
    assert all(np.array_equal(args[key], v) for key, v in before.items())
    (program,) = g._calls.values()
    assert (getattr(program.run, "func", None) is numeric._chunked_product) is chunked


def test_the_chunked_product_never_writes_an_argument() -> None:
    from symbp.engine.numeric import _chunked_product
    x, s = np.arange(6.0), np.linspace(-0.5, 0.5, 6)
    got = _chunked_product(lambda a: a["x"], "s", FROM_VALUE["tanh"], 1, {"x": x, "s": s})
    assert np.array_equal(got, x * (1 - s * s)) and np.array_equal(x, np.arange(6.0))
