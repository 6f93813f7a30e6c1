"""A softmax and its logarithm, lambdified and exported, against PyTorch autograd (issue 14).

``\\frac{\\exp(a_k)}{\\sum_l \\exp(a_l)}`` is read with a hidden family for its denominator and a
reciprocal; :func:`symbp.lambdify` and :func:`symbp.export.code.export_expression` evaluate the pair
as one softmax with the largest logit subtracted, and ``\\ln`` of it by log-sum-exp (never
``\\log(\\exp(\\dots))``), so that logits of ±1000, where the formula taken literally overflows
(``e^{1000}`` is ``inf``), give the values and gradients autograd gives.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np
import pytest

from symbp import declare
from symbp.engine.numeric import lambdify
from symbp.export.code import export_expression

torch = pytest.importorskip("torch")

NET = declare([r"a_k = \sum_j w_{kj} z_j",
               r"E = -\sum_k t_k \ln \frac{\exp(a_k)}{\sum_l \exp(a_l)}"], aliases={"l": "k", "m": "k"})
SOFTMAX = r"\frac{\exp(a_k)}{\sum_l \exp(a_l)}"
#: dE/da_k for targets that sum to 1, and the softmax's Jacobian, in the softmax written out
GRADIENT = SOFTMAX + " - t_k"
JACOBIAN = (r"\frac{\exp(a_k)}{\sum_m \exp(a_m)} [k = l] - \frac{\exp(a_k)}{\sum_m \exp(a_m)} "
            r"\frac{\exp(a_l)}{\sum_m \exp(a_m)}")
SCALES = [1.0, 30.0, 1000.0]  # 1000: e^{1000} overflows, e^{-1000} underflows


def _logits(k: int, scale: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=k)
    a = scale * a / max(np.abs(a).max(), 1e-12)  # the largest logit is +-scale
    return a


def _targets(k: int, seed: int) -> np.ndarray:
    p = np.random.default_rng(seed + 1).uniform(0.1, 1.0, k)
    return p / p.sum()


def _torch_truth(a: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """E = -sum t log_softmax(a), its gradient by autograd, the softmax and its Jacobian."""
    x = torch.tensor(a, requires_grad=True)
    loss = -(torch.tensor(t) * torch.log_softmax(x, dim=-1)).sum()
    (grad,) = torch.autograd.grad(loss, x)
    jac = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=-1), torch.tensor(a))
    return float(loss.detach()), grad.numpy(), torch.softmax(torch.tensor(a), dim=-1).numpy(), jac.numpy()


def _error() -> Any:
    return NET.definitions[NET.family("E", ()).id]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_lambdified_softmax_and_log_softmax_match_autograd(k: int, scale: float) -> None:
    a, t = _logits(k, scale, seed=k), _targets(k, seed=k)
    loss, grad, soft, jac = _torch_truth(a, t)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no inf, no nan (underflow is fine)
        e = lambdify(NET, _error(), [])(a_k=a, t_k=t)
        g = lambdify(NET, GRADIENT)(a_k=a, t_k=t)
        s = lambdify(NET, SOFTMAX)(a_k=a)
        j = lambdify(NET, JACOBIAN, "kl")(a_k=a)
    np.testing.assert_allclose(e, loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g, grad, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(s, soft, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(j, jac, rtol=1e-10, atol=1e-14)


def test_batched_softmax_normalises_each_example() -> None:
    a = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    got = lambdify(NET, SOFTMAX, batch="keep")(a_k=a)
    np.testing.assert_allclose(got, torch.softmax(torch.tensor(a), dim=-1).numpy(), rtol=1e-12)


def _run(source: str, name: str) -> Any:
    space: dict[str, Any] = {}
    exec(compile(source, "<exported>", "exec"), space)  # noqa: S102 - our own output, in a test
    return space[name]


@pytest.mark.parametrize("to", ["numpy", "torch"])
@pytest.mark.parametrize("scale", SCALES)
def test_exported_softmax_and_loss_match_autograd(to: str, scale: float) -> None:
    a, t = _logits(4, scale, seed=3), _targets(4, seed=3)
    loss, grad, soft, jac = _torch_truth(a, t)
    wrap = (lambda v: torch.tensor(v)) if to == "torch" else (lambda v: v)
    cases = [(_error(), [], loss, {"a_k": a, "t_k": t}), (GRADIENT, None, grad, {"a_k": a, "t_k": t}),
             (SOFTMAX, None, soft, {"a_k": a}), (JACOBIAN, "kl", jac, {"a_k": a})]
    for expr, free, want, args in cases:
        if isinstance(expr, str) and free == "kl":
            from symbp.engine.numeric import _read
            expr, free = _read(NET, expr, "kl")
        ex = export_expression(NET, expr, to=to, name="f", free=free)
        assert "log(exp(" not in ex.source.replace(" ", "") and "np.log(np.exp(x))" not in ex.source
        tree = ast.parse(ex.source)
        assert not any(isinstance(n, ast.ImportFrom) and (n.module or "").startswith("symbp")
                       for n in ast.walk(tree))
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            got = _run(ex.source, "f")(**{n: wrap(v) for n, v in args.items()})
        got = got.numpy() if to == "torch" else np.asarray(got)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


def test_the_loss_is_exported_by_log_sum_exp() -> None:
    src = export_expression(NET, _error(), free=[], name="f").source
    assert "log_softmax(a_k)" in src and "np.max(x, axis=-1, keepdims=True)" in src
    assert "torch.log_softmax(x, dim=-1)" in export_expression(NET, _error(), to="torch", free=[],
                                                               name="f").source
