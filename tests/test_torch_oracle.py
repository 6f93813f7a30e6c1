"""An independent oracle: PyTorch autograd on the equivalent torch.nn modules.

symbp verifies the seed's gradients symbolically; here the verified right-hand sides, lambdified
(:func:`symbp.engine.numeric.lambdify`), are evaluated on a batch and compared with what autograd
computes for the same network built from ``torch.nn`` layers:

* the shared case (① and ②): ``torch.nn.Conv1d`` with kernel size 1 (channels = units, length =
  positions) for the shared weights ``w_{ji}``, then ``torch.nn.Linear`` over the flattened
  ``(j, l)`` units for the per-position weights ``w_{kj_l}``;
* the plain case (PRML 5.3.1): two ``torch.nn.Linear`` layers.

Skipped without torch (``pip install 'symbp[torch]'``); CI installs it.
"""

from __future__ import annotations

import numpy as np
import pytest

import symbp
from symbp.engine.numeric import lambdify

torch = pytest.importorskip("torch")

ACTS = {"tanh": torch.tanh, "logistic": torch.sigmoid, "softplus": torch.nn.functional.softplus,
        "identity": lambda x: x}
CASES = [(h, e) for h in ACTS for e in ("sum-of-squares", "softmax-cross-entropy")]


def _error(y: torch.Tensor, t: torch.Tensor, kind: str) -> torch.Tensor:
    """E summed over the batch (per example: over the output units)."""
    if kind == "sum-of-squares":
        return 0.5 * ((y - t) ** 2).sum()
    return -(t * torch.log_softmax(y, dim=1)).sum()


def _targets(rng: np.random.Generator, shape: tuple, kind: str) -> np.ndarray:
    t = rng.normal(size=shape)
    if kind == "softmax-cross-entropy":
        t = np.exp(t) / np.exp(t).sum(axis=1, keepdims=True)
    return t


def _output_delta(y: np.ndarray, t: np.ndarray, kind: str) -> np.ndarray:
    if kind == "sum-of-squares":
        return y - t
    p = np.exp(y - y.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True) * t.sum(axis=1, keepdims=True) - t


def _verified(net: symbp.Network, equation: str) -> str:
    r, = symbp.check_equation(equation, net)
    assert r.verdict == symbp.VERIFIED, r.message
    return equation.split(" = ", 1)[1]


@pytest.mark.parametrize("activation,error", CASES)
def test_shared_case_against_conv1d(activation: str, error: str) -> None:
    net = symbp.builtin("shared")
    grad_rhs = _verified(net, r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}")  # ①
    delta_rhs = _verified(net, r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{kj_l} \delta_k")  # ②
    wk_rhs = _verified(net, r"\frac{\partial E}{\partial w_{kj_l}} = \delta_k z_{j_l}")
    N, I, J, L, K = 4, 3, 5, 7, 2
    rng = np.random.default_rng(0)
    a_in = rng.normal(size=(N, I, L))
    w_ji = rng.normal(scale=0.5, size=(J, I))
    w_kjl = rng.normal(scale=0.5, size=(K, J, L))
    t = _targets(rng, (N, K), error)

    # torch: input activations a_{i_l} -> h -> Conv1d (kernel 1) -> h -> flatten -> Linear
    h = ACTS[activation]
    conv = torch.nn.Conv1d(I, J, kernel_size=1, bias=False, dtype=torch.float64)
    lin = torch.nn.Linear(J * L, K, bias=False, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(w_ji[:, :, None]))
        lin.weight.copy_(torch.from_numpy(w_kjl.reshape(K, J * L)))
    x = torch.from_numpy(a_in)
    a_j = conv(h(x))
    a_j.retain_grad()
    y = lin(h(a_j).reshape(N, J * L))
    _error(y, torch.from_numpy(t), error).backward()

    # symbp: the verified right-hand sides as NumPy functions, δ_k = ∂E/∂a_k of the same E
    act = {"h": activation}
    z_il = {"tanh": np.tanh, "logistic": lambda v: 1 / (1 + np.exp(-v)),
            "softplus": lambda v: np.logaddexp(0, v), "identity": lambda v: v}[activation](a_in)
    a_jl = np.einsum("ji,nil->njl", w_ji, z_il)
    delta_k = _output_delta(y.detach().numpy(), t, error)
    delta_jl = lambdify(net, delta_rhs, activation=act, batch="keep")(a_jl=a_jl, w_kjl=w_kjl, delta_k=delta_k)
    d_w_ji = lambdify(net, grad_rhs, "ji", activation=act, batch="sum")(delta_jl=delta_jl, z_il=z_il)
    z_jl = h(torch.from_numpy(a_jl)).numpy()
    d_w_kjl = lambdify(net, wk_rhs, activation=act, batch="sum")(delta_k=delta_k, z_jl=z_jl)

    assert np.allclose(delta_jl, a_j.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.allclose(d_w_ji, conv.weight.grad.numpy()[:, :, 0], rtol=1e-10, atol=1e-12)
    assert np.allclose(d_w_kjl, lin.weight.grad.numpy().reshape(K, J, L), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation,error", CASES)
def test_plain_case_against_linear(activation: str, error: str) -> None:
    net = symbp.builtin("plain")
    grad_rhs = _verified(net, r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_i")
    delta_rhs = _verified(net, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k")
    N, I, J, K = 6, 4, 5, 3
    rng = np.random.default_rng(1)
    z_i = rng.normal(size=(N, I))
    w_ji = rng.normal(scale=0.5, size=(J, I))
    w_kj = rng.normal(scale=0.5, size=(K, J))
    t = _targets(rng, (N, K), error)

    fc1 = torch.nn.Linear(I, J, bias=False, dtype=torch.float64)
    fc2 = torch.nn.Linear(J, K, bias=False, dtype=torch.float64)
    with torch.no_grad():
        fc1.weight.copy_(torch.from_numpy(w_ji))
        fc2.weight.copy_(torch.from_numpy(w_kj))
    h = ACTS[activation]
    a_j = fc1(torch.from_numpy(z_i))
    a_j.retain_grad()
    y = fc2(h(a_j))
    _error(y, torch.from_numpy(t), error).backward()

    act = {"h": activation}
    delta_k = _output_delta(y.detach().numpy(), t, error)
    delta_j = lambdify(net, delta_rhs, activation=act, batch="keep")(
        a_j=a_j.detach().numpy(), w_kj=w_kj, delta_k=delta_k)
    d_w_ji = lambdify(net, grad_rhs, activation=act, batch="sum")(delta_j=delta_j, z_i=z_i)

    assert np.allclose(delta_j, a_j.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.allclose(d_w_ji, fc1.weight.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_a_wrong_formula_disagrees_with_autograd() -> None:
    """The oracle is not vacuous: ① as the seed wrote it (no sum over l, read at l = 1) is off."""
    net = symbp.builtin("shared")
    N, I, J, L = 2, 3, 4, 5
    rng = np.random.default_rng(2)
    z_il, delta_jl = rng.normal(size=(N, I, L)), rng.normal(size=(N, J, L))
    right = lambdify(net, r"\sum_l \delta_{j_l} z_{i_l}", "ji", batch="sum")(delta_jl=delta_jl, z_il=z_il)
    conv = torch.nn.Conv1d(I, J, kernel_size=1, bias=False, dtype=torch.float64)
    out = conv(torch.from_numpy(z_il))
    out.backward(torch.from_numpy(delta_jl))
    assert np.allclose(right, conv.weight.grad.numpy()[:, :, 0])
    wrong = lambdify(net, r"\delta_{j_l} z_{i_l}", "jil", batch="sum")(delta_jl=delta_jl, z_il=z_il)
    assert not np.allclose(wrong[:, :, 0], conv.weight.grad.numpy()[:, :, 0])
