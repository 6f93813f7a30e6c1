"""Convolutions (issue 13): shifted positions ``x_{j+m-1}`` through declare, semantics and calculus.

From both sides: every true step of a 1-D and a 2-D convolution verified for all sizes, every
slip refuted (with the position), and every step whose truth depends on what a family holds
outside its range an ``error`` unless the file says (``% symbp: padding zero``).  The numbers
are held to PyTorch autograd (``conv1d``, ``conv2d``) through ``symbp.lambdify`` and to the
independent oracle, and the sizes ``J = I - M + 1`` are declared or inferred, never guessed.
A symbolic stride ``x_{s(j-1)+m}`` (``I = s(J-1) + M``) is verified for every stride where the
normal form proves it and tried at the strides 1, 2, 3 where only values can tell.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbp import check_equation, declare, lambdify
from symbp.document import load, loads
from symbp.errors import DeclarationError
from symbp.latex.parser import parse_expression
from symbp.soundness.oracle import DIFFERENT, EQUIVALENT, compare

CONV1D = declare([r"a_j = \sum_{m} w_m x_{j+m-1}", r"z_j = h(a_j)"], sizes=["J = I - M + 1"])
PADDED = declare([r"a_j = \sum_{m} w_m x_{j+m-1}", r"z_j = h(a_j)"], sizes=["J = I - M + 1"],
                 padding="zero")
CONV2D = declare([r"a_{ij} = \sum_a \sum_b w_{ab} x_{i+a-1, j+b-1}", r"z_{ij} = h(a_{ij})"],
                 sizes=["I = P - A + 1", "J = Q - B + 1"])

# (network, equation, verdict without padding, verdict with zero padding)
D = r"\frac{\partial E}"
ROWS = [
    (r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j+m-1}", "verified", "verified"),
    (r"\frac{\partial E}{\partial w_m} = \sum_{j=1}^{J} \delta_j x_{j+m-1}", "verified", "verified"),
    (r"\frac{\partial a_j}{\partial w_m} = x_{j+m-1}", "verified", "verified"),
    (r"\frac{\partial a_j}{\partial x_i} = w_{i-j+1} [1 \le i-j+1 \le M]", "verified", "verified"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le J]", "verified", "verified"),
    (D + r"{\partial x_i} = \sum_j \delta_j w_{i-j+1} [1 \le i-j+1 \le M]", "verified", "verified"),
    (r"\delta_j = h'(a_j) \frac{\partial E}{\partial z_j}", "verified", "verified"),
    # slips: the kernel flipped, a sum dropped, the wrong layer, the kernel not flipped, a wrong
    # boundary, a shift by one
    (r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j-m+1}", "refuted", "refuted"),
    (r"\frac{\partial E}{\partial w_m} = \delta_j x_{j+m-1}", "refuted", "refuted"),
    (r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j z_j", "refuted", "refuted"),
    (r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j+m}", "refuted", "refuted"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i+m-1} [1 \le i+m-1 \le J]", "refuted", "refuted"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le M]", "refuted", "refuted"),
    (r"\frac{\partial E}{\partial x_i} = \sum_m w_m \delta_{i-m} [1 \le i-m \le J]", "refuted", "refuted"),
    # true under zero padding only: an error without the directive, never a guess
    (r"\frac{\partial E}{\partial x_i} = \sum_m w_m \delta_{i-m+1}", "error", "verified"),
]


@pytest.mark.parametrize("latex, plain, padded", ROWS)
def test_one_dimensional_convolution(latex: str, plain: str, padded: str) -> None:
    assert [r.verdict for r in check_equation(latex, CONV1D)] == [plain]
    assert [r.verdict for r in check_equation(latex, PADDED)] == [padded]


ROWS_2D = [
    (r"\frac{\partial E}{\partial w_{ab}} = \sum_i \sum_j \delta_{ij} x_{i+a-1, j+b-1}", "verified"),
    (r"\frac{\partial E}{\partial x_{pq}} = \sum_a \sum_b w_{ab} \delta_{p-a+1, q-b+1} "
     r"[1 \le p-a+1 \le I] [1 \le q-b+1 \le J]", "verified"),
    (r"\frac{\partial E}{\partial w_{ab}} = \sum_i \sum_j \delta_{ij} x_{i+b-1, j+a-1}", "refuted"),
    (r"\frac{\partial E}{\partial w_{ab}} = \sum_i \delta_{ij} x_{i+a-1, j+b-1}", "refuted"),
    (r"\frac{\partial E}{\partial x_{pq}} = \sum_a \sum_b w_{ab} \delta_{p+a-1, q+b-1} "
     r"[1 \le p+a-1 \le I] [1 \le q+b-1 \le J]", "refuted"),
    (r"\frac{\partial E}{\partial x_{pq}} = \sum_a \sum_b w_{ab} \delta_{p-a+1, q-b+1}", "error"),
]


@pytest.mark.parametrize("latex, verdict", ROWS_2D)
def test_two_dimensional_convolution(latex: str, verdict: str) -> None:
    assert [r.verdict for r in check_equation(latex, CONV2D)] == [verdict]


def test_a_refutation_names_the_position_and_what_is_read_outside() -> None:
    (r,) = check_equation(r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j-m+1}", CONV1D)
    assert r.verdict == "refuted" and set(r.counterexample["index"]) == {"m"}
    assert "reads x_{i} at 0 (outside 1..I)" in r.message
    (r,) = check_equation(r"\frac{\partial E}{\partial x_i} = \sum_m w_m \delta_{i-m+1}", CONV1D)
    assert r.verdict == "error" and r.code == "ambiguous-reading"
    assert "padding zero" in r.message and "\\delta at" in r.message


@pytest.mark.parametrize("forward, sizes, words", [
    ([r"a_j = \sum_m w_m x_{j+m-1}"], [], "% symbp: size I = J + M - 1"),  # the size of x: asked for
    ([r"a_j = \sum_m w_m x_{j-m+1}"], [], "do not start at 1"),
    ([r"a_{j+1} = \sum_m w_m x_{j+m-1}"], ["J = I - M + 1"], "plain index letters"),
    ([r"a_j = \sum_m w_m x_{j+m-1}"], ["J = 1 - I"], "does not make one size a sum"),
    ([r"a_j = \sum_m w_m x_{j+m-1}"], ["J = I - Q + 1"], "no range of the network"),
    ([r"a_j = \sum_m w_m x_{j+m-1}"], ["J == I"], "cannot be read"),
])
def test_sizes_are_declared_or_an_error(forward: list[str], sizes: list[str], words: str) -> None:
    with pytest.raises(DeclarationError, match=words.replace("+", r"\+")):
        declare(forward, sizes=sizes)


def test_the_size_relation_is_inferred_from_a_family_of_known_range() -> None:
    net = declare([r"z_i = h(u_i)", r"a_j = \sum_m w_m z_{j+m-1}", r"y_j = g(a_j)"])
    assert net.size_relations == {"I": ((("J", 1), ("M", 1)), -1)}
    (r,) = check_equation(r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j z_{j+m-1}", net)
    assert r.verdict == "verified"
    (r,) = check_equation(r"\frac{\partial E}{\partial z_i} = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le J]",
                          net)
    assert r.verdict == "verified"
    (r,) = check_equation(r"\frac{\partial E}{\partial z_i} = \sum_m w_m \delta_{i+m-1} [1 \le i+m-1 \le J]",
                          net)
    assert r.verdict == "refuted"


def test_size_plans_honour_the_relations() -> None:
    from symbp.engine.numeric import drawn_plans, size_plans
    for plan in size_plans(CONV1D) + drawn_plans(CONV1D, "x", 2, 3).plans:
        assert plan["I"] == plan["J"] + plan["M"] - 1 and min(plan.values()) >= 1


FILES = ["derivations/conv_1d.tex", "derivations/conv_2d.tex", "derivations/conv_stride.tex",
         "derivations/conv_stride_symbolic.tex",
         "derivations/conv_flipped.tex", "derivations/conv_stacked.tex"]


@pytest.mark.parametrize("path", FILES)
def test_every_link_agrees_with_the_independent_oracle(path: str) -> None:
    """A verified link is equivalent by the oracle, a refuted one different or without a value
    (the oracle gives a read outside a range no value unless the file declares zero padding)."""
    d = load(path)
    from symbp import check_file
    results = iter(check_file(path))
    for eq in d.equations:
        for k in range(len(eq.chain.sides) - 1):
            r = next(results)
            o = compare(d.network, eq.chain.sides[k], eq.chain.sides[k + 1])
            if r.verdict == "verified":
                assert o == EQUIVALENT, (eq.label, k)
            elif r.verdict == "refuted":
                assert o != EQUIVALENT, (eq.label, k)


torch = pytest.importorskip("torch")


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(0, 6), st.integers(0, 2**16))
def test_kernel_and_input_gradients_are_autograd(m: int, extra: int, seed: int) -> None:
    """``\\sum_j \\delta_j x_{j+m-1}`` and ``\\sum_m w_m \\delta_{i-m+1} [1 \\le i-m+1 \\le J]``,
    lambdified (one gather and one einsum per term), against ``torch.nn.functional.conv1d``."""
    rng = np.random.default_rng(seed)
    i_size = m + extra
    x, w = rng.normal(size=i_size), rng.normal(size=m)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    a = torch.nn.functional.conv1d(xt.view(1, 1, -1), wt.view(1, 1, -1)).view(-1)  # cross-correlation
    z = torch.tanh(a)
    t = torch.tensor(rng.normal(size=a.shape[0]))
    (0.5 * ((z - t) ** 2).sum()).backward()
    delta = ((1 - z ** 2) * (z - t)).detach().numpy()
    kernel = lambdify(CONV1D, r"\sum_j \delta_j x_{j+m-1}", "m")
    assert np.allclose(kernel(delta_j=delta, x_i=x), wt.grad.numpy(), atol=1e-12)
    inputs = lambdify(CONV1D, r"\sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le J]", "i")
    assert np.allclose(inputs(w_m=w, delta_j=delta), xt.grad.numpy(), atol=1e-12)


def test_two_dimensional_gradients_are_autograd() -> None:
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(5, 6)), rng.normal(size=(2, 3))
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    a = torch.nn.functional.conv2d(xt.view(1, 1, 5, 6), wt.view(1, 1, 2, 3)).view(4, 4)
    z = torch.tanh(a)
    (0.5 * (z ** 2).sum()).backward()
    delta = ((1 - z ** 2) * z).detach().numpy()
    kernel = lambdify(CONV2D, r"\sum_i \sum_j \delta_{ij} x_{i+a-1, j+b-1}", "ab")
    assert np.allclose(kernel(delta_ij=delta, x_pq=x), wt.grad.numpy(), atol=1e-12)
    inputs = lambdify(CONV2D, r"\sum_a \sum_b w_{ab} \delta_{p-a+1, q-b+1} [1 \le p-a+1 \le I] "
                              r"[1 \le q-b+1 \le J]", "pq")
    assert np.allclose(inputs(w_ab=w, delta_ij=delta), xt.grad.numpy(), atol=1e-12)


def test_the_parser_reads_range_conditions_and_prints_them_back() -> None:
    from symbp.latex.unparse import unparse
    for src in (r"[1 \le i-m+1 \le J] w_m", r"[1 \leq j \le J] x_j", r"x_{p-a+1, q-b+1}"):
        node = parse_expression(src)
        assert parse_expression(unparse(node)).key() == node.key()


def test_a_file_declares_sizes_and_padding_by_directives() -> None:
    d = loads("% symbp: size J = I - M + 1\n% symbp: padding zero\n"
              "% symbp: forward a_j = \\sum_m w_m x_{j+m-1}\n"
              "\\[ \\frac{\\partial E}{\\partial x_i} = \\sum_m w_m \\delta_{i-m+1} \\]\n")
    assert d.network.padding == "zero" and d.network.size_relations
    with pytest.raises(DeclarationError, match="unknown padding"):
        loads("% symbp: padding reflect\n% symbp: forward a_j = \\sum_i w_{ji} z_i\n")
    with pytest.raises(DeclarationError, match="size relation"):
        loads("% symbp: size J = I -\n% symbp: forward a_j = \\sum_i w_{ji} z_i\n")
    assert DIFFERENT != EQUIVALENT


# two stacked convolutions (the audit): two size relations, kept in independent sizes whichever
# way they are written; b_k, defined by a forward equation, is a unit, not the default parameter b
STACK = [r"a_j = \sum_{m=1}^{M} w_m x_{j+m-1}", r"z_j = h(a_j)", r"b_k = \sum_{n=1}^{N} v_n z_{k+n-1}"]
DB = r"\frac{\partial E}{\partial b"


@pytest.mark.parametrize("sizes", [["J = I - M + 1", "K = J - N + 1"], ["I = J + M - 1", "J = K + N - 1"],
                                   ["K = J - N + 1", "J = I - M + 1"], ["J = K + N - 1", "I = J + M - 1"]])
def test_stacked_convolutions_relate_their_sizes_in_independent_sizes(sizes: list[str]) -> None:
    net = declare(STACK, sizes=sizes)
    assert net.size_relations == {"I": ((("K", 1), ("M", 1), ("N", 1)), -2), "J": ((("K", 1), ("N", 1)), -1)}
    assert "b" not in net.param_names and net.delta_of == "a"


STACK_ROWS = [
    (D + r"{\partial v_n} = \sum_k " + DB + r"_k} z_{k+n-1}", "verified"),
    (D + r"{\partial a_j} = h'(a_j) \sum_n v_n " + DB + r"_{j-n+1}} [1 \le j-n+1 \le K]", "verified"),
    (r"\delta_j = h'(a_j) \sum_k v_{j-k+1} " + DB + r"_{k}} [1 \le j-k+1 \le N]", "verified"),
    (D + r"{\partial w_m} = \sum_j h'(a_j) \sum_n v_n " + DB + r"_{j-n+1}} [1 \le j-n+1 \le K] x_{j+m-1}",
     "verified"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le J]", "verified"),
    (D + r"{\partial z_j} = \sum_n v_n " + DB + r"_{j-n+1}} [1 \le j-n+1 \le K]", "verified"),
    # slips: the second kernel not flipped, the first layer's range, h' dropped, the first
    # kernel's gradient read at the flipped position, the input gradient over the second layer
    (D + r"{\partial v_n} = \sum_k " + DB + r"_k} z_{k-n+1}", "refuted"),
    (D + r"{\partial a_j} = h'(a_j) \sum_n v_n " + DB + r"_{j+n-1}} [1 \le j+n-1 \le K]", "refuted"),
    (D + r"{\partial a_j} = \sum_n v_n " + DB + r"_{j-n+1}} [1 \le j-n+1 \le K]", "refuted"),
    (D + r"{\partial w_m} = \sum_j h'(a_j) \sum_n v_n " + DB + r"_{j-n+1}} [1 \le j-n+1 \le K] x_{j-m+1}",
     "refuted"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le K]", "refuted"),
    # the boundary of b not said: reads b outside 1..K, not decided
    (D + r"{\partial z_j} = \sum_n v_n " + DB + r"_{j-n+1}}", "error"),
    # \delta read past J (the mutation harness): written out through b, \delta_j is 0 there, but
    # \delta has no value there, so not decided (it was verified at sizes)
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le I]", "error"),
]


@pytest.mark.parametrize("latex, verdict", STACK_ROWS)
def test_stacked_convolutions_from_both_sides_and_the_oracle(latex: str, verdict: str) -> None:
    net = declare(STACK, sizes=["J = I - M + 1", "K = J - N + 1"])
    (r,) = check_equation(latex, net)
    assert r.verdict == verdict, r.message
    from symbp.latex.parser import parse_chain
    chain = parse_chain(latex, net.functions)
    o = compare(net, chain.sides[0], chain.sides[1])
    assert o == EQUIVALENT if verdict == "verified" else o != EQUIVALENT


def test_stacked_gradients_are_autograd() -> None:
    """The first layer's delta through the second and both kernels' gradients, lambdified,
    against two ``torch.nn.functional.conv1d`` in a row."""
    net = declare(STACK, sizes=["J = I - M + 1", "K = J - N + 1"], activations={"h": "tanh"})
    rng = np.random.default_rng(5)
    x, w, v = rng.normal(size=9), rng.normal(size=3), rng.normal(size=4)
    xt, wt, vt = (torch.tensor(u, requires_grad=True) for u in (x, w, v))
    a = torch.nn.functional.conv1d(xt.view(1, 1, -1), wt.view(1, 1, -1)).view(-1)
    a.retain_grad()
    b = torch.nn.functional.conv1d(torch.tanh(a).view(1, 1, -1), vt.view(1, 1, -1)).view(-1)
    (0.5 * (b ** 2).sum()).backward()
    g = b.detach().numpy()  # dE/db_k
    z = np.tanh(a.detach().numpy())
    dv = lambdify(net, r"\sum_k \frac{\partial E}{\partial b_k} z_{k+n-1}", "n")
    assert np.allclose(dv(delta_k=g, z_j=z), vt.grad.numpy(), atol=1e-12)  # delta_k: dE/db_k
    delta = lambdify(net, r"h'(a_j) \sum_n v_n \frac{\partial E}{\partial b_{j-n+1}} [1 \le j-n+1 \le K]",
                     "j")
    assert np.allclose(delta(a_j=a.detach().numpy(), v_n=v, delta_k=g), a.grad.numpy(), atol=1e-12)
    dw = lambdify(net, r"\sum_j \delta_j x_{j+m-1}", "m")
    assert np.allclose(dw(delta_j=a.grad.numpy(), x_i=x, sizes={"M": 3}), wt.grad.numpy(), atol=1e-12)


# the flipped kernel (a true convolution, Goodfellow 9.1): a size in a shifted position, M in
# x_{j-m+M}, is a constant of every sum (a capital letter there is a size, never an index letter)
FLIPPED = declare([r"a_j = \sum_{m=1}^{M} w_m x_{j-m+M}", r"z_j = h(a_j)"], sizes=["J = I - M + 1"])
FLIP_ROWS = [
    (D + r"{\partial w_m} = \sum_j \delta_j x_{j-m+M}", "verified"),
    (D + r"{\partial w_m} = \sum_{j=1}^{J} \delta_j x_{j-m+M}", "verified"),
    (r"\frac{\partial a_j}{\partial w_m} = x_{j-m+M}", "verified"),
    (r"\frac{\partial a_j}{\partial x_i} = w_{j-i+M} [1 \le j-i+M \le M]", "verified"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i+m-M} [1 \le i+m-M \le J]", "verified"),
    (D + r"{\partial x_i} = \sum_j w_{j-i+M} \delta_j [1 \le j-i+M \le M]", "verified"),
    (D + r"{\partial w_m} = \sum_i \delta_{i+m-M} x_i [1 \le i+m-M \le J]", "verified-at-sizes"),
    # slips: the kernel not flipped (cross-correlation), a shift by one, the wrong range, the
    # flip of the input gradient forgotten
    (D + r"{\partial w_m} = \sum_j \delta_j x_{j+m-1}", "refuted"),
    (D + r"{\partial w_m} = \sum_j \delta_j x_{j-m+M-1}", "refuted"),
    (r"\frac{\partial a_j}{\partial x_i} = w_{i-j+1} [1 \le i-j+1 \le M]", "refuted"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le J]", "refuted"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i+m-M} [1 \le i+m-M \le M]", "refuted"),
    # the boundary not said; a capital letter that is no size of the network
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i+m-M}", "error"),
    (D + r"{\partial x_i} = \sum_m w_m \delta_{i+m-N} [1 \le i+m-N \le J]", "error"),
]


@pytest.mark.parametrize("latex, verdict", FLIP_ROWS)
def test_the_flipped_kernel_from_both_sides_and_the_oracle(latex: str, verdict: str) -> None:
    (r,) = check_equation(latex, FLIPPED)
    assert r.verdict == verdict, r.message
    from symbp.latex.parser import parse_chain
    chain = parse_chain(latex, FLIPPED.functions)
    if r.verdict != "error":
        o = compare(FLIPPED, chain.sides[0], chain.sides[1])
        assert o == EQUIVALENT if verdict.startswith("verified") else o != EQUIVALENT


def test_a_size_in_a_shifted_position_is_no_index_letter() -> None:
    assert FLIPPED.ranges == {"m": "M", "j": "J", "i": "I"}
    with pytest.raises(DeclarationError, match="do not start at 1"):
        declare([r"a_j = \sum_{m=1}^{M} w_m x_{j-m+M+1}"], sizes=["J = I - M + 1"])


def test_flipped_gradients_are_autograd() -> None:
    """``x_{j-m+M}`` is ``conv1d`` with the kernel reversed (PyTorch's conv1d is a
    cross-correlation)."""
    rng = np.random.default_rng(7)
    x, w = rng.normal(size=8), rng.normal(size=3)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    a = torch.nn.functional.conv1d(xt.view(1, 1, -1), wt.flip(0).view(1, 1, -1)).view(-1)
    z = torch.tanh(a)
    (0.5 * (z ** 2).sum()).backward()
    delta = ((1 - z ** 2) * z).detach().numpy()
    kernel = lambdify(FLIPPED, r"\sum_j \delta_j x_{j-m+M}", "m")
    assert np.allclose(kernel(delta_j=delta, x_i=x, sizes={"M": 3}), wt.grad.numpy(), atol=1e-12)
    inputs = lambdify(FLIPPED, r"\sum_m w_m \delta_{i+m-M} [1 \le i+m-M \le J]", "i")
    assert np.allclose(inputs(w_m=w, delta_j=delta, sizes={"I": 8}), xt.grad.numpy(), atol=1e-12)


# a derivative by a shifted position over the claim's free letters (the audit): at m = M,
# \partial E / \partial w_{m+1} asks for w_{M+1}, which is no quantity, so the claim has no value
# there; an error naming that boundary case (it was refuted, reading the derivative as 0)
@pytest.mark.parametrize("latex, at", [
    (D + r"{\partial w_{m+1}} = \sum_j \delta_j x_{j+m}", "at m = M"),
    (D + r"{\partial w_{m+1}} = \sum_j \delta_j x_{j+m} [1 \le m+1 \le M]", "at m = M"),
    (D + r"{\partial w_{m-1}} = \sum_j \delta_j x_{j+m-2}", "at m = 1"),
    (D + r"{\partial x_{i+1}} = \sum_m w_m \delta_{i-m+2} [1 \le i-m+2 \le J]", "at i = I"),
])
def test_a_derivative_by_a_position_outside_its_range_is_an_error(latex: str, at: str) -> None:
    (r,) = check_equation(latex, CONV1D)
    assert r.verdict == "error" and at in r.message and "no quantity of the network" in r.message


def test_a_derivative_by_a_shifted_position_inside_its_range_or_in_a_sum_is_read() -> None:
    (r,) = check_equation(r"\frac{\partial E}{\partial x_{j+m-1}} = \sum_{m'} w_{m'} \delta_{j+m-m'} "
                          r"[1 \le j+m-m' \le J]", CONV1D)
    assert r.verdict == "verified", r.message  # j+m-1 lies in 1..I for every j, m
    (r,) = check_equation(D + r"{\partial w_m} = \sum_j \delta_j x_{j+m-1}", CONV1D)
    assert r.verdict == "verified"


STRIDE2 = declare([r"a_j = \sum_{m=1}^{M} w_m x_{2j+m-2}", r"z_j = h(a_j)"], sizes=["I = 2J + M - 2"])

# Iverson's bracket with an affine side, [i = 2j+m-2]: the Kronecker delta of the normal form,
# contracted against a sum with its range condition kept (it was a parse error)
IVERSON = [
    (CONV1D, r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [i = j+m-1]", "verified"),
    (CONV1D, r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [j+m-1 = i]", "verified"),
    (CONV1D, D + r"{\partial x_i} = \sum_j \sum_m \delta_j w_m [i = j+m-1]", "verified"),
    (CONV1D, D + r"{\partial w_m} = \sum_j \sum_i \delta_j x_i [i = j+m-1]", "verified-at-sizes"),
    (STRIDE2, r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [i = 2j+m-2]", "verified"),
    (STRIDE2, D + r"{\partial x_i} = \sum_j \sum_m \delta_j w_m [i = 2(j-1)+m]", "verified"),
    (FLIPPED, r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [i = j-m+M]", "verified"),
    # slips: a shift by one, the kernel flipped, the stride forgotten, the cross-correlation
    (CONV1D, r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [i = j+m]", "refuted"),
    (CONV1D, D + r"{\partial w_m} = \sum_j \sum_i \delta_j x_i [i = j-m+1]", "refuted"),
    (STRIDE2, r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [i = j+m-1]", "refuted"),
    (STRIDE2, D + r"{\partial x_i} = \sum_j \sum_m \delta_j w_m [i = 2j+m-1]", "refuted"),
    (FLIPPED, r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [i = j+m-1]", "refuted"),
]


@pytest.mark.parametrize("net, latex, verdict", IVERSON)
def test_iverson_brackets_with_an_affine_side(net, latex: str, verdict: str) -> None:  # noqa: ANN001
    (r,) = check_equation(latex, net)
    assert r.verdict == verdict, r.message
    from symbp.latex.parser import parse_chain
    chain = parse_chain(latex, net.functions)
    o = compare(net, chain.sides[0], chain.sides[1])
    assert o == EQUIVALENT if verdict.startswith("verified") else o == DIFFERENT


def test_an_affine_iverson_bracket_prints_back_and_renames() -> None:
    from symbp.latex.edit import rename_free
    from symbp.latex.unparse import unparse
    node = parse_expression(r"\sum_m w_m [i = 2j+m-2]")
    assert unparse(node) == r"\sum_{m} w_{m} [i = 2j+m-2]"
    assert parse_expression(unparse(node)).key() == node.key()
    assert unparse(rename_free(node, "j", "k")) == r"\sum_{m} w_{m} [i = 2k+m-2]"
    from symbp.errors import LatexSyntaxError
    with pytest.raises(LatexSyntaxError):  # a fixed side, [i = 3]: not read (as before)
        parse_expression(r"[i = 3] x_i")


# PRML's and Goodfellow's Kronecker delta with a shifted side, \delta_{i, j+m-1} (kron5): where no
# \delta of the network has two indices it can only be Kronecker's, read as [i = j+m-1] (true by hand:
# da_j/dx_i = sum_m w_m [i = j+m-1] = w_{i-j+1} [1 <= i-j+1 <= M]); a shift slipped is refuted
KRON = [
    (r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m \delta_{i, j+m-1}", "verified"),
    (r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m \delta_{j+m-1, i}", "verified"),
    (r"\frac{\partial a_j}{\partial x_i} = \sum_{m=1}^{M} w_m \delta_{i, j+m-1}", "verified"),
    (D + r"{\partial x_i} = \sum_j \sum_m \delta_j w_m \delta_{i, j+m-1}", "verified"),
    (D + r"{\partial x_i} = \sum_j \delta_j \sum_m w_m \delta_{j+m-1, i}", "verified"),
    (r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m \delta_{i, j+m}", "refuted"),
    (r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m \delta_{i, j-m+1}", "refuted"),
    (r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m \delta_{i+1, j+m-1}", "refuted"),
    (D + r"{\partial x_i} = \sum_j \sum_m \delta_j w_m \delta_{i, j+m}", "refuted"),
    (D + r"{\partial x_i} = \sum_j \sum_m \delta_j \delta_{i, j+m-1}", "refuted"),  # the kernel dropped
]


@pytest.mark.parametrize("latex, verdict", KRON)
def test_a_kronecker_delta_with_a_shifted_side_is_the_bracket(latex: str, verdict: str) -> None:
    assert [r.verdict for r in check_equation(latex, CONV1D)] == [verdict]
    left, right = (parse_expression(x) for x in latex.split(" = "))
    if verdict != "error":
        assert compare(CONV1D, left, right) == (EQUIVALENT if verdict == "verified" else DIFFERENT)
    bracket = latex.replace(r"\delta_{i, j+m-1}", "[i = j+m-1]").replace(r"\delta_{j+m-1, i}", "[j+m-1 = i]")
    if bracket != latex:  # the same verdict as the bracket it stands for
        assert [r.verdict for r in check_equation(bracket, CONV1D)] == [verdict]


def test_a_two_dimensional_delta_with_shifted_sides_stays_the_networks() -> None:
    """Where the network's \\delta has two indices (over two ranges), \\delta_{p-a+1, q-b+1} is it."""
    (r,) = check_equation(r"\frac{\partial E}{\partial x_{pq}} = \sum_a \sum_b w_{ab} \delta_{p-a+1, q-b+1} "
                          r"[1 \le p-a+1 \le I] [1 \le q-b+1 \le J]", CONV2D)
    assert r.verdict == "verified"


@pytest.mark.parametrize("latex", [r"\frac{\partial E}{\partial w_{jk}} = \delta_{j, k+1} x_k",
                                   r"\frac{\partial E}{\partial w_{jk}} = \delta_{k+1, j} x_k"])
def test_a_shifted_delta_fitting_the_networks_two_index_delta_over_one_range_is_an_error(latex: str) -> None:
    """Both readings exist (the network's \\delta_{jk} at a shifted position, or [j = k+1]): an error
    naming both and the bracket, never a silent choice."""
    net = declare([r"a_{jk} = w_{jk} x_k", r"z_{jk} = h(a_{jk})"], aliases={"k": "j"})
    (r,) = check_equation(latex, net)
    assert r.verdict == "error" and "can be read as the Kronecker delta or as \\delta of a_{jk}" in r.message
    assert "[j = k+1]" in r.message or "[k+1 = j]" in r.message


#: sound6: an offset made of sizes (j+3M, j+M+20) is there only where the other sizes pass it; the
#: plans drawn past it (symbp.checker.pipeline._sized_plans) find the term (claim, accepted?, the
#: sizes' condition where the term exists)
DW_M = r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j+m-1}"
SIZED_ROWS = [
    (DW_M + r" + \sum_{j} \delta_{j+3M} x_{j+m-1} [1 \le j+3M \le J] [1 \le m+3 \le M]", False,
     lambda s: s["J"] > 3 * s["M"] and s["M"] >= 4),
    (DW_M + r" + \sum_{j} \delta_{j+M+20} x_{j+m-1} [1 \le j+M+20 \le J]", False,
     lambda s: s["J"] > s["M"] + 20),
    (DW_M + r" + \sum_{j} \delta_{j+M+10} x_{j+m-1} [1 \le j+M+10 \le J] [1 \le m+10 \le M]", False,
     lambda s: s["J"] > s["M"] + 10 and s["M"] >= 11),
    (DW_M + r" + \sum_{j} \delta_{j+2M} x_{j+m-1} [1 \le j+2M \le J] - \sum_{j} x_{j+m-1} \delta_{j+2M} "
     r"[1 \le j+2M \le J]", True, None),
]


@pytest.mark.parametrize("latex, truth, exists", SIZED_ROWS,
                         ids=[f"sized{k}" for k in range(len(SIZED_ROWS))])
def test_an_offset_made_of_sizes_is_passed(latex: str, truth: bool, exists) -> None:  # noqa: ANN001
    r = check_equation(latex, CONV1D)[-1]
    if truth:
        assert r.verdict in ("verified", "verified-at-sizes"), r.message
        return
    assert r.verdict == "refuted", r.message
    assert exists(r.counterexample["sizes"]), r.counterexample["sizes"]


#: sound6: a size written as an index letter (w_M): an index over 1..M or the last unit; a claim
#: that fails as the index is not decided (true at the last unit), one that holds as the index
#: stands (claim, verdict)
UNIT_ROWS = [
    (r"\frac{\partial E}{\partial w_M} = \sum_j \delta_j x_{j+M-1}", "error"),
    (r"\frac{\partial a_J}{\partial x_I} = w_M", "error"),
    (r"\frac{\partial a_J}{\partial w_M} = x_{J+M-1}", "error"),
    (r"\frac{\partial E}{\partial w_M} = \sum_j \delta_j x_{j+M}", "error"),  # false either way: not decided
    (r"\delta_J = h'(a_J) \frac{\partial E}{\partial z_J}", "verified"),
    (r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j+m-1} + 0 x_I", "verified"),
    (r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j+m}", "refuted"),
]


@pytest.mark.parametrize("latex, verdict", UNIT_ROWS, ids=[f"unit{k}" for k in range(len(UNIT_ROWS))])
def test_a_size_written_as_an_index_letter(latex: str, verdict: str) -> None:
    r = check_equation(latex, CONV1D)[-1]
    assert r.verdict == verdict, r.message
    if verdict == "error":
        assert r.code == "ambiguous-reading" and "last unit" in r.message, r.message


# ---------------------------------------------------------------------------------------------
# a symbolic stride (issue 13): x_{s(j-1)+m} with I = s(J-1) + M, the letter that multiplies a
# parenthesised sum a size of the network; verified for every stride where the normal form proves
# it, the slips refuted, a Kronecker delta summed over j alone (a solution only where s divides
# i - m) kept and compared by value at the sizes named
STRIDED_FORWARD = [r"a_j = \sum_{m=1}^{M} w_m x_{s(j-1)+m}", r"z_j = h(a_j)"]
STRIDED = declare(STRIDED_FORWARD, sizes=["I = s(J-1) + M"])
STRIDED_PADDED = declare(STRIDED_FORWARD, sizes=["I = s(J-1) + M"], padding="zero")
DW, DX = r"\frac{\partial E}{\partial w_m} = ", r"\frac{\partial E}{\partial x_i} = "
STRIDE_ROWS = [  # equation, verdict without padding, verdict with zero padding
    (DW + r"\sum_j \delta_j x_{s(j-1)+m}", "verified", "verified"),
    (DW + r"\sum_{j=1}^{J} \delta_j x_{(j-1)s+m}", "verified", "verified"),
    (r"\frac{\partial a_j}{\partial w_m} = x_{s(j-1)+m}", "verified", "verified"),
    (DX + r"\sum_j \sum_m \delta_j w_m [i = s(j-1)+m]", "verified", "verified"),
    (DX + r"\sum_j \sum_m \delta_j w_m [s(j-1)+m = i]", "verified", "verified"),
    (DX + r"\sum_j w_{i-s(j-1)} \delta_j [1 \le i-s(j-1) \le M]", "verified", "verified"),
    (r"\frac{\partial a_j}{\partial x_i} = \sum_m w_m [i = s(j-1)+m]", "verified", "verified"),
    (r"\frac{\partial a_j}{\partial x_i} = w_{i-s(j-1)} [1 \le i-s(j-1) \le M]", "verified", "verified"),
    # slips: the stride forgotten, s j for s(j-1), an offset off by one, a stride fixed at 2, a sum
    # dropped, the range condition left out (true under zero padding only), the stride forgotten
    # in the kernel entry or in the bracket, the wrong range, the input gradient of a stride 1
    (DW + r"\sum_j \delta_j x_{j+m-1}", "refuted", "refuted"),
    (DW + r"\sum_j \delta_j x_{s(j)+m}", "refuted", "refuted"),
    (DW + r"\sum_j \delta_j x_{s(j-1)+m-1}", "refuted", "refuted"),
    (DW + r"\sum_j \delta_j x_{2(j-1)+m}", "refuted", "refuted"),
    (DW + r"\delta_j x_{s(j-1)+m}", "refuted", "refuted"),
    (DX + r"\sum_j w_{i-s(j-1)} \delta_j", "error", "verified"),
    (DX + r"\sum_j w_{i-j+1} \delta_j [1 \le i-j+1 \le M]", "refuted", "refuted"),
    (DX + r"\sum_j \sum_m \delta_j w_m [i = j+m-1]", "refuted", "refuted"),
    (DX + r"\sum_j w_{i-s(j-1)} \delta_j [1 \le i-s(j-1) \le J]", "refuted", "refuted"),
    (DX + r"\sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le J]", "refuted", "refuted"),
    # summed over j alone: never contracted, so by value only; solved as if s divided i - m: refuted
    (r"\sum_j \delta_j [i = s(j-1)+m] = \sum_j \delta_j [s(j-1) = i-m]", "verified-at-sizes",
     "verified-at-sizes"),
    (r"\sum_j \delta_j [i = s(j-1)+m] = \sum_j \delta_j [j = i-m+1]", "refuted", "refuted"),
]


@pytest.mark.parametrize("latex, plain, padded", STRIDE_ROWS)
def test_a_symbolic_stride(latex: str, plain: str, padded: str) -> None:
    assert [r.verdict for r in check_equation(latex, STRIDED)] == [plain]
    assert [r.verdict for r in check_equation(latex, STRIDED_PADDED)] == [padded]


def test_a_stride_is_a_size_and_tried_at_one_two_and_three() -> None:
    assert STRIDED.strides == ["s"] and "s" in STRIDED.sizes
    assert STRIDED.size_relations == {"I": ((("J*s", 1), ("M", 1), ("s", -1)), 0)}
    assert STRIDED.complete({"I": 11, "J": 4, "M": 2}) == {"I": 11, "J": 4, "M": 2, "s": 3}
    (r,) = check_equation(r"\sum_j \delta_j [i = s(j-1)+m] = \sum_j \delta_j [s(j-1) = i-m]", STRIDED)
    assert {1, 2, 3} <= {p["s"] for p in r.sizes}
    assert all(p["I"] == p["s"] * (p["J"] - 1) + p["M"] for p in r.sizes)
    assert "piecewise" in r.message and "probability" not in r.message  # no Schwartz-Zippel bound
    (r,) = check_equation(DW + r"\sum_j \delta_j x_{j+m-1}", STRIDED)
    assert r.counterexample["sizes"]["s"] > 1  # a stride at which the slip differs, named


STRIDE_ERRORS = [  # forward equations, size relations, words of the error
    ([r"a_j = \sum_{m} w_m x_{s(j-1)+m}"], [], "'% symbp: size I = s(J - 1) + M'"),
    ([r"a_j = \sum_{m} w_m x_{s(j-1)+m}"], ["I = sJ - s + M"], "cannot be read"),
    ([r"a_j = \sum_{m} w_m x_{m(j-1)+m}"], [], "index letter of the network"),
    ([r"a_j = \sum_{m} w_m x_{s(j-1)+m}"], ["I = m(J-1) + M"], "names m, an index letter"),
    ([r"a_j = \sum_{m} w_m x_{h(j-1)+m}"], [], "is a function of the network"),
    ([r"a_j = \sum_{m} w_m x_{s(j-1)+m}"], ["I = h(J-1) + M"], "names h, a function"),
    ([r"a_j = \sum_{m} w_m x_{(s)(j-1)+m}"], [], "multiplies index letters"),
    ([r"a_j = \sum_{m} w_m x_{s(j)(m)}"], [], "multiplies index letters"),
]


@pytest.mark.parametrize("forward, sizes, words", STRIDE_ERRORS)
def test_a_stride_that_cannot_be_read_is_an_error_naming_the_fix(forward: list[str], sizes: list[str],
                                                                 words: str) -> None:
    from symbp.errors import InputError
    with pytest.raises(InputError) as info:
        declare(forward + [r"z_j = h(a_j)"], sizes=sizes)
    assert words in str(info.value)


def test_a_stride_in_a_checked_equation_must_be_a_size() -> None:
    (r,) = check_equation(DW + r"\sum_j \delta_j x_{t(j-1)+m}", STRIDED)
    assert r.verdict == "error" and "no size of the network" in r.message


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(2, 6), st.integers(0, 2**16))
def test_strided_gradients_are_autograd(s: int, m: int, j: int, seed: int) -> None:
    """The kernel and input gradients of a symbolic stride, lambdified (one gather and one einsum
    per term) at strides 1..4, against ``torch.nn.functional.conv1d(..., stride=s)``."""
    rng = np.random.default_rng(seed)
    i_size = s * (j - 1) + m
    x, w = rng.normal(size=i_size), rng.normal(size=m)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    a = torch.nn.functional.conv1d(xt.view(1, 1, -1), wt.view(1, 1, -1), stride=s).view(-1)
    assert a.shape[0] == j
    z = torch.tanh(a)
    t = torch.tensor(rng.normal(size=j))
    (0.5 * ((z - t) ** 2).sum()).backward()
    delta = ((1 - z ** 2) * (z - t)).detach().numpy()
    kernel = lambdify(STRIDED, r"\sum_j \delta_j x_{s(j-1)+m}", "m")
    assert np.allclose(kernel(delta_j=delta, x_i=x, sizes={"M": m, "s": s}), wt.grad.numpy(), atol=1e-12)
    for form in (r"\sum_j \sum_m \delta_j w_m [i = s(j-1)+m]",
                 r"\sum_j w_{i-s(j-1)} \delta_j [1 \le i-s(j-1) \le M]"):
        inputs = lambdify(STRIDED, form, "i")
        assert np.allclose(inputs(w_m=w, delta_j=delta, sizes={"I": i_size, "s": s}), xt.grad.numpy(),
                           atol=1e-12)


# the kernel gradient of a symbolic stride with a term at a strided position, δ at s(m)+c
# (Iverson's bracket keeping it in 1..J): the stride times m spreads as s does (s + c + 1 at m = 1,
# growing with m), not as the number 1, so the sizes that hold it are drawn past it; each row's
# verdict is the one PyTorch's strided conv1d decides (the term is there at some sizes: refuted;
# never: the claim holds, verified at the sizes named), and the rows marked * were 'not decided'
# (no plan had every size, the stride too, past every offset within the bounds)
STRIDED_TERMS = [  # the position, as Python of (s, m, M, J), the verdict
    (r"s(m)+M+5", lambda s, m, M, J: s * m + M + 5, "refuted"),  # *
    (r"2s(m)+M+2", lambda s, m, M, J: 2 * s * m + M + 2, "refuted"),  # *
    (r"s(m)+J+5", lambda s, m, M, J: s * m + J + 5, "verified-at-sizes"),  # *, past J at every size
    (r"s(m)+J", lambda s, m, M, J: s * m + J, "verified-at-sizes"),
    (r"s(m)+2", lambda s, m, M, J: s * m + 2, "refuted"),
    (r"s(m)", lambda s, m, M, J: s * m, "refuted"),  # the product alone: an internal error on main
    (r"s(m)-2M", lambda s, m, M, J: s * m - 2 * M, "refuted"),
    (r"2s(m)-J-3", lambda s, m, M, J: 2 * s * m - J - 3, "refuted"),
]


def _strided_term_holds(position) -> bool:  # noqa: ANN001
    """Whether ``\\sum_j \\delta_j x_{s(j-1)+m} + \\delta_{p} [1 \\le p \\le J]`` is the kernel gradient
    of ``torch.nn.functional.conv1d(x, w, stride=s)`` at every size tried (strides 1..4, J up to 14,
    M up to 6): the autograd of E = 1/2 sum (tanh(a) - t)^2."""
    rng = np.random.default_rng(0)
    for s in range(1, 5):
        for j_size in range(1, 15):
            for m_size in range(1, 7):
                x, w = rng.normal(size=s * (j_size - 1) + m_size), rng.normal(size=m_size)
                xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
                a = torch.nn.functional.conv1d(xt.view(1, 1, -1), wt.view(1, 1, -1), stride=s).view(-1)
                a.retain_grad()
                z = torch.tanh(a)
                (0.5 * ((z - torch.tensor(rng.normal(size=j_size))) ** 2).sum()).backward()
                delta = a.grad.numpy()
                for m in range(1, m_size + 1):
                    p = position(s, m, m_size, j_size)
                    claim = sum(delta[j - 1] * x[s * (j - 1) + m - 1] for j in range(1, j_size + 1)) \
                        + (delta[p - 1] if 1 <= p <= j_size else 0.0)
                    if not np.isclose(claim, wt.grad.numpy()[m - 1], atol=1e-12):
                        return False
    return True


@pytest.mark.parametrize("position, truth, verdict", STRIDED_TERMS)
def test_a_stride_times_an_index_spreads_as_its_size(position: str, truth, verdict: str) -> None:  # noqa: ANN001
    assert _strided_term_holds(truth) == (verdict != "refuted")  # PyTorch decides the row
    (r,) = check_equation(DW + rf"\sum_{{j=1}}^{{J}} \delta_j x_{{s(j-1)+m}} + \delta_{{{position}}} "
                          rf"[1 \le {position} \le J]", STRIDED)
    assert r.verdict == verdict, r.message
