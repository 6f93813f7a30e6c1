# ruff: noqa: E501  (a table of LaTeX claims and their oracles, one entry a few lines)
"""The field's corpus: the six sources beyond two layers, with their ground truth.

The entries of :mod:`tests.corpus.entries` are all about one network, a two-layer perceptron.
These are about what the sources write beyond it, as they print it: Nielsen's generic layer
``l`` (BP1-BP4 in components and in matrices, ch. 3's cross-entropy, softmax and average
``C = 1/n Σ_x C_x``), Graves's BPTT for every step ``t`` (§3.2.2), Goodfellow's layer ``k``
(Algorithm 6.4) and convolutions (9.5: a stride, two dimensions), PRML's convolution (5.5.6,
exercise 5.28) and canonical pairs (4.3.6, 5.2), Ng's layer ``[l]`` and batch matrices
(``dZ^{[l]}``, ``A^{[l-1]T}``, ``1/m``), CS231n's softmax with one-hot and probability targets.

Each entry's ``spec["net"]`` names a network of :mod:`tests.corpus.oracle_field` (PyTorch
autograd, none of symbp's code) and its ``oracle(m)`` returns the claim's sides (or a list of
them, one per layer or step: a claim about every layer ``l`` is true only when it holds at every
``l`` of the depths ``L = 2, 3, 4``, one about every step ``t`` at every ``t`` of ``T = 1..4``).
A side that is not defined (shapes that do not fit, an entry out of range) is None: the claim is
false.  Slips are one or two classic mistakes per true equation.
"""

from __future__ import annotations

import itertools
from typing import Any

from .entry import CS as CS231N
from .entry import GOOD as GOODFELLOW
from .entry import GRAVES, NG, NNDL, PRML, Entry


class _Undefined(Exception):
    """An entry read out of its range (a side that is not defined)."""


def at(v: Any, *i: int) -> Any:
    """``v`` at the 1-based indices ``i``; out of range raises :class:`_Undefined`."""
    for k, n in zip(i, v.shape):
        if not 1 <= k <= n:
            raise _Undefined
    return v[tuple(k - 1 for k in i)]


def grid(fn: Any, *ns: int) -> Any:
    """The tensor of ``fn(i1, i2, ...)`` over the 1-based ranges ``1..n``."""
    import torch
    vals = [torch.as_tensor(fn(*ix)) for ix in itertools.product(*(range(1, n + 1) for n in ns))]
    return torch.stack(vals).reshape(*ns)


def total(terms: Any) -> Any:
    """A sum of 0-dim tensors (0 when empty)."""
    import torch
    return sum(terms, torch.zeros(()))


def safe(oracle: Any) -> Any:
    """The oracle, with a side read out of range made None (not defined)."""
    def run(m: Any) -> Any:
        try:
            return oracle(m)
        except _Undefined:
            return (None, None)
    return run


def outer(u: Any, v: Any) -> Any:
    return u[:, None] * v[None, :]


def _mm(a: Any, b: Any) -> Any:
    from .oracle_field import mm
    return mm(a, b)


def _jac(o: Any, i: Any) -> Any:
    from .oracle_field import jac
    return jac(o, i)


def every(m: Any, fn: Any, start: int = 1, stop: int = 0) -> list:
    """``fn(l)`` at every layer ``l = start..L + stop`` (or step ``t = start..T + stop``)."""
    n = m.L if hasattr(m, "L") else m.T
    return [fn(i) for i in range(start, n + stop + 1)]


# ---------------------------------------------------------------------------------------------
# NNDL ch. 2, every layer l of an L-layer network (derivations/generic/nielsen_bp.tex)
NL = (r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j", r"a^l_j = \sigma(z^l_j)")
NL_DIR = ("layers l = 1..L",)
NL_SPEC = dict(net="mlp")
NL_SQ = dict(net="mlp", square=True)
NLM_DIR = ("layers l = 1..L", "error C")


def _bp2(m: Any, l: int, w: Any = None, d: Any = None, fp: Any = None) -> Any:
    w = m.w[l + 1].T if w is None else w
    d = m.delta(l + 1) if d is None else d
    p = _mm(w, d)
    return None if p is None else p * (m.fp(m.z[l]) if fp is None else fp)


FIELD: list[Entry] = [
    Entry("nndl-L-bp1", NNDL, "BP1, the output layer L", NL, r"\delta^L_j = \frac{\partial C}{\partial a^L_j} "
          r"\sigma'(z^L_j)", True, lambda m: (m.delta(m.L), m.grad(m.a[m.L]) * m.fp(m.z[m.L])), NL_SPEC, NL_DIR),
    Entry("nndl-L-bp1-slip-nosigma'", NNDL, "BP1, the output layer L", NL,
          r"\delta^L_j = \frac{\partial C}{\partial a^L_j}", False,
          lambda m: (m.delta(m.L), m.grad(m.a[m.L])), NL_SPEC, NL_DIR, slip=True, note="σ'(z^L_j) forgotten"),
    Entry("nndl-L-bp1-slip-boundary", NNDL, "BP1, the output layer L", NL,
          r"\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^{L-1}_j)", False,
          lambda m: (m.delta(m.L), m.grad(m.a[m.L]) * m.fp(m.z[m.L - 1])), NL_SQ, NL_DIR, slip=True,
          note="the layer below's weighted input (the oracle reads it at equal widths)"),
    Entry("nndl-L-bp1-every-layer", NNDL, "BP1 at every layer, ∂C/∂a^l the total derivative", NL,
          r"\delta^l_j = \frac{\partial C}{\partial a^l_j} \sigma'(z^l_j)", True,
          lambda m: every(m, lambda l: (m.delta(l), m.grad(m.a[l]) * m.fp(m.z[l]))), NL_SPEC, NL_DIR),
    Entry("nndl-L-bp2", NNDL, "BP2 (component form, eq. 42)", NL,
          r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)", True,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l)), stop=-1), NL_SPEC, NL_DIR,
          note="every layer l = 1..L-1 of every depth"),
    Entry("nndl-L-bp2-slip-layer", NNDL, "BP2 (component form, eq. 42)", NL,
          r"\delta^l_j = \sum_k w^l_{kj} \delta^{l+1}_k \sigma'(z^l_j)", False,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l, w=m.w[l].T)), stop=-1), NL_SQ, NL_DIR,
          slip=True, note="the weights of layer l for l+1 (the oracle reads them at equal widths)"),
    Entry("nndl-L-bp2-slip-transposed", NNDL, "BP2 (component form, eq. 42)", NL,
          r"\delta^l_j = \sum_k w^{l+1}_{jk} \delta^{l+1}_k \sigma'(z^l_j)", False,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l, w=m.w[l + 1])), stop=-1), NL_SQ, NL_DIR,
          slip=True, note="BP2's transpose forgotten (equal widths)"),
    Entry("nndl-L-bp2-chain", NNDL, "BP2's proof (eqs. 40-42)", NL,
          r"\delta^l_j = \sum_k \frac{\partial C}{\partial z^{l+1}_k} \frac{\partial z^{l+1}_k}{\partial z^l_j}"
          r" = \sum_k \delta^{l+1}_k w^{l+1}_{kj} \sigma'(z^l_j)", True,
          lambda m: every(m, lambda l: (m.delta(l), m.delta(l + 1) @ _jac(m.z[l + 1], m.z[l]), _bp2(m, l)),
                          stop=-1), NL_SPEC, NL_DIR, note="the chain rule as Nielsen proves BP2"),
    Entry("nndl-L-bp3", NNDL, "BP3", NL, r"\frac{\partial C}{\partial b^l_j} = \delta^l_j", True,
          lambda m: every(m, lambda l: (m.grad(m.b[l]), m.delta(l))), NL_SPEC, NL_DIR),
    Entry("nndl-L-bp3-slip-sigma'", NNDL, "BP3", NL,
          r"\frac{\partial C}{\partial b^l_j} = \delta^l_j \sigma'(z^l_j)", False,
          lambda m: every(m, lambda l: (m.grad(m.b[l]), m.delta(l) * m.fp(m.z[l]))), NL_SPEC, NL_DIR,
          slip=True, note="an extra σ'"),
    Entry("nndl-L-bp4", NNDL, "BP4", NL, r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j", True,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), outer(m.delta(l), m.a[l - 1]))), NL_SPEC, NL_DIR),
    Entry("nndl-L-bp4-slip-layer", NNDL, "BP4", NL, r"\frac{\partial C}{\partial w^l_{jk}} = a^l_k \delta^l_j",
          False, lambda m: every(m, lambda l: (m.grad(m.w[l]), outer(m.delta(l), m.a[l]))), NL_SQ, NL_DIR,
          slip=True, note="the activation of layer l for l-1 (equal widths)"),
    # NNDL ch. 2 in matrix form (derivations/generic/nielsen_matrix_bp.tex)
    Entry("nndl-L-matrix-bp1", NNDL, "BP1 (matrix form)", NL, r"\delta^L = \nabla_{a^L} C \odot \sigma'(z^L)",
          True, lambda m: (m.delta(m.L), m.grad(m.a[m.L]) * m.fp(m.z[m.L])), NL_SPEC, NLM_DIR),
    Entry("nndl-L-matrix-bp2", NNDL, "BP2 (matrix form)", NL,
          r"\delta^l = \left( (w^{l+1})^T \delta^{l+1} \right) \odot \sigma'(z^l)", True,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l)), stop=-1), NL_SPEC, NLM_DIR),
    Entry("nndl-L-matrix-bp2-slip-notranspose", NNDL, "BP2 (matrix form)", NL,
          r"\delta^l = \left( w^{l+1} \delta^{l+1} \right) \odot \sigma'(z^l)", False,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l, w=m.w[l + 1])), stop=-1), NL_SPEC, NLM_DIR,
          slip=True, note="the transpose forgotten: not defined at unequal widths"),
    Entry("nndl-L-matrix-bp2-slip-hadamard", NNDL, "BP2 (matrix form)", NL,
          r"\delta^l = (w^{l+1})^T \delta^{l+1} \sigma'(z^l)", False,
          lambda m: every(m, lambda l: (m.delta(l), _mm(_mm(m.w[l + 1].T, m.delta(l + 1))[:, None],
                                                        m.fp(m.z[l])[:, None])), stop=-1),
          NL_SPEC, NLM_DIR, slip=True, note="a matrix product of two column vectors for ⊙: not defined"),
    Entry("nndl-L-matrix-bp4", NNDL, "BP4 (matrix form)", NL,
          r"\frac{\partial C}{\partial w^l} = \delta^l (a^{l-1})^T", True,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), outer(m.delta(l), m.a[l - 1]))), NL_SPEC, NLM_DIR),
    Entry("nndl-L-matrix-bp4-slip-layout", NNDL, "BP4 (matrix form)", NL,
          r"\frac{\partial C}{\partial w^l} = a^{l-1} (\delta^l)^T", False,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), outer(m.a[l - 1], m.delta(l)))), NL_SPEC, NLM_DIR,
          slip=True, note="the transpose of the gradient (Nielsen's layout is the matrix's shape)"),
]

# ---------------------------------------------------------------------------------------------
# NNDL ch. 3: the cross-entropy (eqs. 57-66), the softmax (78-82), the average over the inputs
N3 = (r"z_j = \sum_k w_{jk} a_k + b_j", r"a_j = \sigma(z_j)",
      r"C = -\sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]")
N3_DIR = (r"activation \sigma = sigmoid", "error C")
N3_SPEC = dict(net="mlp", depths=(1,), hidden="logistic", err="ce")
N3_SOFT = (r"z_j = \sum_k w_{jk} a_k + b_j", r"a_j = \frac{e^{z_j}}{\sum_l e^{z_l}}", r"C = -\sum_j y_j \ln a_j")
N3_SOFT_DIR = ("error C", "index l : j", "targets y one-hot")
N3_SOFT_SPEC = dict(net="mlp", depths=(1,), hidden="tanh", out="softmax", err="nll", targets="onehot")
N3_AVG = N3 + (r"C = \frac{1}{n} \sum_x C_x",)
N3_AVG_SPEC = dict(net="avg", hidden="logistic", err="ce")


def _avg(m: Any, fn: Any, scale: float | None = None) -> Any:
    s = sum(fn(*p) for p in m.per)
    return s / m.n if scale is None else s * scale


FIELD += [
    Entry("nndl3-66", NNDL, "ch. 3, eq. (66)", N3, r"\delta_j = a_j - y_j", True,
          lambda m: (m.delta(1), m.a[1] - m.y), N3_SPEC, N3_DIR, note="one training input, sigmoid outputs"),
    Entry("nndl3-61", NNDL, "ch. 3, eq. (61)", N3, r"\frac{\partial C}{\partial w_{jk}} = a_k (a_j - y_j)", True,
          lambda m: (m.grad(m.w[1]), outer(m.a[1] - m.y, m.x)), N3_SPEC, N3_DIR),
    Entry("nndl3-61-slip-sigma'", NNDL, "ch. 3, eq. (61)", N3,
          r"\frac{\partial C}{\partial w_{jk}} = a_k (a_j - y_j) \sigma'(z_j)", False,
          lambda m: (m.grad(m.w[1]), outer((m.a[1] - m.y) * m.fp(m.z[1]), m.x)), N3_SPEC, N3_DIR, slip=True,
          note="the quadratic cost's σ' kept"),
    Entry("nndl3-62-slip-sign", NNDL, "ch. 3, eq. (62)", N3, r"\frac{\partial C}{\partial b_j} = y_j - a_j",
          False, lambda m: (m.grad(m.b[1]), m.y - m.a[1]), N3_SPEC, N3_DIR, slip=True),
    Entry("nndl3-81", NNDL, "ch. 3, softmax, eq. (81)", N3_SOFT, r"\frac{\partial C}{\partial b_j} = a_j - y_j",
          True, lambda m: (m.grad(m.b[1]), m.a[1] - m.y), N3_SOFT_SPEC, N3_SOFT_DIR,
          note="the log-likelihood -ln a_y written for a one-hot y"),
    Entry("nndl3-82", NNDL, "ch. 3, softmax, eq. (82)", N3_SOFT,
          r"\frac{\partial C}{\partial w_{jk}} = a_k (a_j - y_j)", True,
          lambda m: (m.grad(m.w[1]), outer(m.a[1] - m.y, m.x)), N3_SOFT_SPEC, N3_SOFT_DIR),
    Entry("nndl3-82-slip-sigmoid", NNDL, "ch. 3, softmax, eq. (82)", N3_SOFT,
          r"\frac{\partial C}{\partial w_{jk}} = a_k (a_j - y_j) a_j (1 - a_j)", False,
          lambda m: (m.grad(m.w[1]), outer((m.a[1] - m.y) * m.a[1] * (1 - m.a[1]), m.x)), N3_SOFT_SPEC,
          N3_SOFT_DIR, slip=True, note="a σ' the softmax does not have"),
    Entry("nndl3-softmax-jacobian-slip-diagonal", NNDL, "ch. 3, softmax (exercise)", N3_SOFT,
          r"\frac{\partial a_j}{\partial z_l} = a_j (1 - a_j) [j = l]", False,
          lambda m: (_jac(m.a[1], m.z[1]), (m.a[1] * (1 - m.a[1])).diag()), N3_SOFT_SPEC, N3_SOFT_DIR, slip=True,
          note="the sigmoid's derivative for the softmax's Jacobian"),
    Entry("nndl3-avg-61", NNDL, "ch. 3, eqs. (57), (61)", N3_AVG,
          r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a_k (a_j - y_j)", True,
          lambda m: (m.grad(m.w), _avg(m, lambda a0, z, a, y: outer(a - y, a0))), N3_AVG_SPEC, N3_DIR,
          note="the average over the n training inputs x"),
    Entry("nndl3-avg-61-slip-no1/n", NNDL, "ch. 3, eqs. (57), (61)", N3_AVG,
          r"\frac{\partial C}{\partial w_{jk}} = \sum_x a_k (a_j - y_j)", False,
          lambda m: (m.grad(m.w), _avg(m, lambda a0, z, a, y: outer(a - y, a0), 1.0)), N3_AVG_SPEC, N3_DIR,
          slip=True, note="the average's 1/n dropped"),
    Entry("nndl3-avg-62-slip-noaverage", NNDL, "ch. 3, eqs. (57), (62)", N3_AVG,
          r"\frac{\partial C}{\partial b_j} = a_j - y_j", False,
          lambda m: (m.grad(m.b), m.per[0][2] - m.per[0][3]), N3_AVG_SPEC, N3_DIR, slip=True,
          note="one input's gradient for the average's (the oracle takes input 0)"),
]

# NNDL ch. 3's average over the inputs for an L-layer network, in his letters with the layers as
# superscripts (derivations/generic/nielsen_ch3_average_layers.tex): C_x one input's cost, written at
# the top, and C = \frac{1}{n} \sum_x C_x; ch. 1's quadratic cost (eq. 6) averaged the same way
NLA = NL + (r"C_x = -\sum_j [y_j \ln a^L_j + (1 - y_j) \ln(1 - a^L_j)]", r"C = \frac{1}{n} \sum_x C_x")
NLA_DIR = ("layers l = 1..L", r"activation \sigma = sigmoid", "error C")
NLA_SPEC = dict(net="mlpavg", hidden="logistic", err="ce")
NLQA = NL + (r"C_x = \frac{1}{2} \sum_j (y_j - a^L_j)^2", r"C = \frac{1}{n} \sum_x C_x")
NLQA_DIR = ("layers l = 1..L", "error C")
NLQA_SPEC = dict(net="mlpavg", err="sos")


def _out(m: Any, p: dict, sigma: bool = False) -> Any:
    """One input's ``a^L_j - y_j`` (times ``σ'(z^L_j)`` with ``sigma``)."""
    d = p["a"][m.L] - p["y"]
    return d * m.fp(p["z"][m.L]) if sigma else d


FIELD += [
    Entry("nndl3-L-avg-61", NNDL, "ch. 3, eqs. (57), (61), layer L", NLA,
          r"\frac{\partial C}{\partial w^L_{jk}} = \frac{1}{n} \sum_x a^{L-1}_k (a^L_j - y_j)", True,
          lambda m: (m.grad(m.w[m.L]), m.mean(lambda p: outer(_out(m, p), p["a"][m.L - 1]))), NLA_SPEC,
          NLA_DIR, note="the average over the n inputs x, every depth L"),
    Entry("nndl3-L-avg-62", NNDL, "ch. 3, eqs. (57), (62), layer L", NLA,
          r"\frac{\partial C}{\partial b^L_j} = \frac{1}{n} \sum_x (a^L_j - y_j)", True,
          lambda m: (m.grad(m.b[m.L]), m.mean(lambda p: _out(m, p))), NLA_SPEC, NLA_DIR),
    Entry("nndl3-L-avg-bp4", NNDL, "ch. 3, eq. (57) with BP4", NLA,
          r"\frac{\partial C}{\partial w^l_{jk}} = \frac{1}{n} \sum_x a^{l-1}_k \delta^l_j", True,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), sum(outer(m.delta(l, x), m.per[x]["a"][l - 1])
                                                            for x in range(m.n)) / m.n)), NLA_SPEC, NLA_DIR,
          note="every layer l: δ^l one input's, ∂C_x/∂z^l"),
    Entry("nndl3-L-avg-61-slip-no1/n", NNDL, "ch. 3, eqs. (57), (61), layer L", NLA,
          r"\frac{\partial C}{\partial w^L_{jk}} = \sum_x a^{L-1}_k (a^L_j - y_j)", False,
          lambda m: (m.grad(m.w[m.L]), m.mean(lambda p: outer(_out(m, p), p["a"][m.L - 1]), 1.0)), NLA_SPEC,
          NLA_DIR, slip=True, note="the average's 1/n dropped"),
    Entry("nndl3-L-avg-61-slip-noaverage", NNDL, "ch. 3, eqs. (57), (61), layer L", NLA,
          r"\frac{\partial C}{\partial w^L_{jk}} = a^{L-1}_k (a^L_j - y_j)", False,
          lambda m: (m.grad(m.w[m.L]), outer(_out(m, m.per[0]), m.per[0]["a"][m.L - 1])), NLA_SPEC, NLA_DIR,
          slip=True, note="one input's gradient for the average's (the oracle takes input 0)"),
    Entry("nndl3-L-avg-62-slip-sign", NNDL, "ch. 3, eqs. (57), (62), layer L", NLA,
          r"\frac{\partial C}{\partial b^L_j} = \frac{1}{n} \sum_x (y_j - a^L_j)", False,
          lambda m: (m.grad(m.b[m.L]), m.mean(lambda p: -_out(m, p))), NLA_SPEC, NLA_DIR, slip=True),
    Entry("nndl3-L-avg-61-slip-layer", NNDL, "ch. 3, eqs. (57), (61), layer L", NLA,
          r"\frac{\partial C}{\partial w^L_{jk}} = \frac{1}{n} \sum_x a^L_k (a^L_j - y_j)", False,
          lambda m: (m.grad(m.w[m.L]), m.mean(lambda p: outer(_out(m, p), p["a"][m.L]))),
          dict(NLA_SPEC, square=True), NLA_DIR, slip=True,
          note="a^L_k for a^{L-1}_k (equal widths, where both sides are defined)"),
    Entry("nndl3-L-avg-61-slip-every-layer", NNDL, "ch. 3, eqs. (57), (61), layer l", NLA,
          r"\frac{\partial C}{\partial w^l_{jk}} = \frac{1}{n} \sum_x a^{l-1}_k (a^l_j - y_j)", False,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), m.mean(lambda p: outer(p["a"][l] - p["y"],
                                                                                p["a"][l - 1])))),
          dict(NLA_SPEC, square=True), NLA_DIR, slip=True,
          note="the output layer's formula at every layer (equal widths)"),
    Entry("nndl1-L-quadratic-avg-w", NNDL, "ch. 1, eq. (6) averaged, layer L", NLQA,
          r"\frac{\partial C}{\partial w^L_{jk}} = \frac{1}{n} \sum_x a^{L-1}_k (a^L_j - y_j) \sigma'(z^L_j)", True,
          lambda m: (m.grad(m.w[m.L]), m.mean(lambda p: outer(_out(m, p, True), p["a"][m.L - 1]))),
          NLQA_SPEC, NLQA_DIR, note="C = 1/(2n) Σ_x ||y(x) - a^L(x)||^2 in components"),
    Entry("nndl1-L-quadratic-avg-b", NNDL, "ch. 1, eq. (6) averaged, layer L", NLQA,
          r"\frac{\partial C}{\partial b^L_j} = \frac{1}{n} \sum_x (a^L_j - y_j) \sigma'(z^L_j)", True,
          lambda m: (m.grad(m.b[m.L]), m.mean(lambda p: _out(m, p, True))), NLQA_SPEC, NLQA_DIR),
    Entry("nndl1-L-quadratic-avg-slip-nosigma'", NNDL, "ch. 1, eq. (6) averaged, layer L", NLQA,
          r"\frac{\partial C}{\partial w^L_{jk}} = \frac{1}{n} \sum_x a^{L-1}_k (a^L_j - y_j)", False,
          lambda m: (m.grad(m.w[m.L]), m.mean(lambda p: outer(_out(m, p), p["a"][m.L - 1]))),
          NLQA_SPEC, NLQA_DIR, slip=True, note="the cross-entropy's gradient for the quadratic cost's"),
]

# ---------------------------------------------------------------------------------------------
# Graves 2012 §3.2.2, BPTT for every step t (derivations/generic/graves_bptt.tex)
GR = (r"a^t_h = \sum_{i=1}^{I} w_{ih} x^t_i + \sum_{h'=1}^{H} w_{h'h} b^{t-1}_{h'}", r"b^t_h = \theta_h(a^t_h)",
      r"a^t_k = \sum_{h=1}^{H} w_{hk} b^t_h")
GR_DIR = ("params w", "steps t = 1..T")
GR_SPEC = dict(net="rnn")
GR_HH = dict(net="rnn")


def _bptt(m: Any, t: int, rec: Any = None, nxt: Any = None) -> Any:
    rec = m.w_hh if rec is None else rec
    nxt = m.delta_h(t + 1) if nxt is None else nxt
    return m.fp(m.a_h[t]) * (m.w_hk @ m.delta_k(t) + rec @ nxt)


FIELD += [
    Entry("graves-3.33", GRAVES, "§3.2.2 (3.33)", GR,
          r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_{k=1}^{K} \delta^t_k w_{hk} + \sum_{h'=1}^{H} "
          r"\delta^{t+1}_{h'} w_{hh'}\right)", True,
          lambda m: every(m, lambda t: (m.delta_h(t), _bptt(m, t))), GR_SPEC, GR_DIR,
          note="every step t = 1..T, δ^{T+1} = 0 (Graves's boundary)"),
    Entry("graves-3.33-slip-norecurrence", GRAVES, "§3.2.2 (3.33)", GR,
          r"\delta^t_h = \theta_h'(a^t_h) \sum_{k=1}^{K} \delta^t_k w_{hk}", False,
          lambda m: every(m, lambda t: (m.delta_h(t), m.fp(m.a_h[t]) * (m.w_hk @ m.delta_k(t)))), GR_SPEC,
          GR_DIR, slip=True, note="the t+1 term dropped (true at T = 1 only)"),
    Entry("graves-3.33-slip-transposed", GRAVES, "§3.2.2 (3.33)", GR,
          r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_{k=1}^{K} \delta^t_k w_{hk} + \sum_{h'=1}^{H} "
          r"\delta^{t+1}_{h'} w_{h'h}\right)", False,
          lambda m: every(m, lambda t: (m.delta_h(t), _bptt(m, t, rec=m.w_hh.T))), GR_SPEC, GR_DIR, slip=True,
          note="the recurrent weight not transposed"),
    Entry("graves-3.33-slip-samestep", GRAVES, "§3.2.2 (3.33)", GR,
          r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_{k=1}^{K} \delta^t_k w_{hk} + \sum_{h'=1}^{H} "
          r"\delta^{t}_{h'} w_{hh'}\right)", False,
          lambda m: every(m, lambda t: (m.delta_h(t), _bptt(m, t, nxt=m.delta_h(t)))), GR_SPEC, GR_DIR,
          slip=True, note="the next step's δ read at the same step"),
    Entry("graves-3.33-last", GRAVES, "§3.2.2 (3.33) at t = T", GR,
          r"\delta^T_h = \theta_h'(a^T_h) \sum_{k=1}^{K} \delta^T_k w_{hk}", True,
          lambda m: (m.delta_h(m.T), m.fp(m.a_h[m.T]) * (m.w_hk @ m.delta_k(m.T))), GR_SPEC, GR_DIR,
          note="the last step, δ^{T+1} = 0"),
    Entry("graves-3.33-last-slip-boundary", GRAVES, "§3.2.2 (3.33) at t = T", GR,
          r"\delta^T_h = \theta_h'(a^T_h) \left(\sum_{k=1}^{K} \delta^T_k w_{hk} + \sum_{h'=1}^{H} "
          r"\delta^{T}_{h'} w_{hh'}\right)", False,
          lambda m: (m.delta_h(m.T), _bptt(m, m.T, nxt=m.delta_h(m.T))), GR_SPEC, GR_DIR, slip=True,
          note="a wrong boundary: the last step as if a step T+1 fed back its errors"),
    Entry("graves-3.34", GRAVES, "§3.2.2 (3.34)", GR, r"\frac{\partial O}{\partial w_{hk}} = \sum_{t=1}^{T} "
          r"\delta^t_k b^t_h", True,
          lambda m: (m.grad(m.w_hk), sum(outer(m.b[t], m.delta_k(t)) for t in range(1, m.T + 1))), GR_SPEC,
          GR_DIR, note="a shared weight collects one term per step"),
    Entry("graves-3.34-slip-laststep", GRAVES, "§3.2.2 (3.34)", GR,
          r"\frac{\partial O}{\partial w_{hk}} = \delta^T_k b^T_h", False,
          lambda m: (m.grad(m.w_hk), outer(m.b[m.T], m.delta_k(m.T))), GR_SPEC, GR_DIR, slip=True,
          note="the last step's term for the sum over the steps"),
    Entry("graves-3.34-slip-nosum", GRAVES, "§3.2.2 (3.34)", GR,
          r"\frac{\partial O}{\partial w_{hk}} = \delta^t_k b^t_h", False,
          lambda m: every(m, lambda t: (m.grad(m.w_hk), outer(m.b[t], m.delta_k(t)))), GR_SPEC, GR_DIR,
          slip=True, note="the sum over the steps dropped (one step's term for the whole gradient)"),
    Entry("graves-3.35-ih", GRAVES, "§3.2.2 (3.35)", GR,
          r"\frac{\partial O}{\partial w_{ih}} = \sum_{t=1}^{T} \delta^t_h x^t_i", True,
          lambda m: (m.grad(m.w_ih), sum(outer(m.x[t], m.delta_h(t)) for t in range(1, m.T + 1))), GR_SPEC,
          GR_DIR),
    Entry("graves-3.35-hh", GRAVES, "§3.2.2 (3.35), the recurrent weight", GR,
          r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^{t-1}_{h'}", True,
          lambda m: (m.grad(m.w_hh), sum(outer(m.b[t - 1], m.delta_h(t)) for t in range(1, m.T + 1))),
          GR_HH, GR_DIR, note="b^0 = 0: the first step's term is 0"),
    Entry("graves-3.35-hh-slip-samestep", GRAVES, "§3.2.2 (3.35), the recurrent weight", GR,
          r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^t_{h'}", False,
          lambda m: (m.grad(m.w_hh), sum(outer(m.b[t], m.delta_h(t)) for t in range(1, m.T + 1))), GR_HH,
          GR_DIR, slip=True, note="the activation of the same step for the step before"),
    Entry("graves-3.2.2-db", GRAVES, "§3.2.2, ∂O/∂b^t_h", GR,
          r"\frac{\partial O}{\partial b^t_h} = \sum_{k=1}^{K} w_{hk} \delta^t_k + \sum_{h'=1}^{H} w_{hh'} "
          r"\delta^{t+1}_{h'}", True,
          lambda m: every(m, lambda t: (m.grad(m.b[t]), m.w_hk @ m.delta_k(t) + m.w_hh @ m.delta_h(t + 1))),
          GR_SPEC, GR_DIR, note="b^t reaches O through a^t_k and a^{t+1}_h alone"),
]

# ---------------------------------------------------------------------------------------------
# Goodfellow: Algorithm 6.4 for every layer k; convolutions 9.5 (a stride, two dimensions)
FL = (r"a^{(k)}_i = b^{(k)}_i + \sum_j W^{(k)}_{ij} h^{(k-1)}_j", r"h^{(k)}_i = f(a^{(k)}_i)")
FL_DIR = ("params W, b", "error J", "layers k = 1..L")
FS = (r"a_j = \sum_{m=1}^{M} w_m x_{2j+m-2}", r"z_j = h(a_j)")
FS_DIR = ("size I = 2J + M - 2",)
FS_SPEC = dict(net="conv1d", stride=2)
# the stride as a letter (9.8's s): a size of the network, the truth held at strides 1, 2 and 3
FSS = (r"a_j = \sum_{m=1}^{M} w_m x_{s(j-1)+m}", r"z_j = h(a_j)")
FSS_DIR = ("size I = s(J-1) + M",)
FSS_SPEC = dict(net="conv1d", strides=(1, 2, 3))
F2 = (r"a_{ij} = \sum_{a} \sum_{b} w_{ab} x_{i+a-1, j+b-1}", r"z_{ij} = h(a_{ij})")
F2_DIR = ("size I = P - A + 1", "size J = Q - B + 1")
F2_SPEC = dict(net="conv2d")


def _d(m: Any) -> Any:
    return m.grad(m.a)


FIELD += [
    Entry("good-6.4-k-b", GOODFELLOW, "Alg. 6.4, ∇_{b^{(k)}} J = g, every layer k", FL,
          r"\frac{\partial J}{\partial b^{(k)}_i} = \frac{\partial J}{\partial a^{(k)}_i}", True,
          lambda m: every(m, lambda k: (m.grad(m.b[k]), m.delta(k))), NL_SPEC, FL_DIR),
    Entry("good-6.4-k-g", GOODFELLOW, "Alg. 6.4, g ← g ⊙ f'(a^{(k)})", FL,
          r"\frac{\partial J}{\partial a^{(k)}_i} = \frac{\partial J}{\partial h^{(k)}_i} f'(a^{(k)}_i)", True,
          lambda m: every(m, lambda k: (m.delta(k), m.grad(m.a[k]) * m.fp(m.z[k]))), NL_SPEC, FL_DIR),
    Entry("good-6.4-k-g-slip-f", GOODFELLOW, "Alg. 6.4, g ← g ⊙ f'(a^{(k)})", FL,
          r"\frac{\partial J}{\partial a^{(k)}_i} = \frac{\partial J}{\partial h^{(k)}_i} f(a^{(k)}_i)", False,
          lambda m: every(m, lambda k: (m.delta(k), m.grad(m.a[k]) * m.f(m.z[k]))), NL_SPEC, FL_DIR,
          slip=True, note="f for f'"),
    Entry("good-6.4-k-W", GOODFELLOW, "Alg. 6.4, ∇_{W^{(k)}} J = g h^{(k-1)T}", FL,
          r"\frac{\partial J}{\partial W^{(k)}_{ij}} = \frac{\partial J}{\partial a^{(k)}_i} h^{(k-1)}_j", True,
          lambda m: every(m, lambda k: (m.grad(m.w[k]), outer(m.delta(k), m.a[k - 1]))), NL_SPEC, FL_DIR),
    Entry("good-6.4-k-W-slip-layer", GOODFELLOW, "Alg. 6.4, ∇_{W^{(k)}} J = g h^{(k-1)T}", FL,
          r"\frac{\partial J}{\partial W^{(k)}_{ij}} = \frac{\partial J}{\partial a^{(k)}_i} h^{(k)}_j", False,
          lambda m: every(m, lambda k: (m.grad(m.w[k]), outer(m.delta(k), m.a[k]))), NL_SQ, FL_DIR,
          slip=True, note="the activations of the layer itself (equal widths)"),
    Entry("good-6.4-k-h", GOODFELLOW, "Alg. 6.4, g ← W^{(k)T} g", FL,
          r"\frac{\partial J}{\partial h^{(k-1)}_j} = \sum_i W^{(k)}_{ij} \frac{\partial J}{\partial a^{(k)}_i}",
          True, lambda m: every(m, lambda k: (m.grad(m.a[k - 1]), m.w[k].T @ m.delta(k))), NL_SPEC, FL_DIR,
          note="at k = 1 the gradient on the input h^{(0)} = x"),
    Entry("good-6.4-k-h-slip-transposed", GOODFELLOW, "Alg. 6.4, g ← W^{(k)T} g", FL,
          r"\frac{\partial J}{\partial h^{(k-1)}_j} = \sum_i W^{(k)}_{ji} \frac{\partial J}{\partial a^{(k)}_i}",
          False, lambda m: every(m, lambda k: (m.grad(m.a[k - 1]), m.w[k] @ m.delta(k))), NL_SQ, FL_DIR,
          slip=True, note="the transpose forgotten (equal widths)"),
    Entry("good-9.5-stride-kernel", GOODFELLOW, "9.5, eq. (9.8) with a stride of 2: the kernel gradient", FS,
          r"\frac{\partial E}{\partial w_m} = \sum_{j=1}^{J} \delta_j x_{2j+m-2}", True,
          safe(lambda m: (m.grad(m.w), grid(lambda k: total(at(_d(m), j) * at(m.x, 2 * j + k - 2)
                                                           for j in range(1, m.J + 1)), m.M))), FS_SPEC, FS_DIR),
    Entry("good-9.5-stride-kernel-slip-nostride", GOODFELLOW, "9.5, eq. (9.8) with a stride of 2", FS,
          r"\frac{\partial E}{\partial w_m} = \sum_{j=1}^{J} \delta_j x_{j+m-1}", False,
          safe(lambda m: (m.grad(m.w), grid(lambda k: total(at(_d(m), j) * at(m.x, j + k - 1)
                                                           for j in range(1, m.J + 1)), m.M))), FS_SPEC, FS_DIR,
          slip=True, note="the position of a stride 1"),
    Entry("good-9.5-stride-input", GOODFELLOW, "9.5, eq. (9.8) with a stride of 2: the input gradient", FS,
          r"\frac{\partial E}{\partial x_i} = \sum_{j=1}^{J} w_{i-2j+2} \delta_j [1 \le i-2j+2 \le M]", True,
          safe(lambda m: (m.grad(m.x), grid(lambda i: total(at(m.w, i - 2 * j + 2) * at(_d(m), j)
                                                           for j in range(1, m.J + 1)
                                                           if 1 <= i - 2 * j + 2 <= m.M), m.I))), FS_SPEC, FS_DIR),
    Entry("good-9.5-stride-input-slip-stride1", GOODFELLOW, "9.5, eq. (9.8) with a stride of 2", FS,
          r"\frac{\partial E}{\partial x_i} = \sum_{m=1}^{M} w_m \delta_{i-m+1} [1 \le i-m+1 \le J]", False,
          safe(lambda m: (m.grad(m.x), grid(lambda i: total(at(m.w, k) * at(_d(m), i - k + 1)
                                                           for k in range(1, m.M + 1)
                                                           if 1 <= i - k + 1 <= m.J), m.I))), FS_SPEC, FS_DIR,
          slip=True, note="the input gradient of a stride-1 convolution"),
    Entry("good-9.5-stride-s-kernel", GOODFELLOW, "9.5, eq. (9.8) with a stride s: the kernel gradient", FSS,
          r"\frac{\partial E}{\partial w_m} = \sum_{j=1}^{J} \delta_j x_{s(j-1)+m}", True,
          safe(lambda m: (m.grad(m.w), grid(lambda k: total(at(_d(m), j) * at(m.x, m.s * (j - 1) + k)
                                                           for j in range(1, m.J + 1)), m.M))), FSS_SPEC, FSS_DIR),
    Entry("good-9.5-stride-s-kernel-slip-nostride", GOODFELLOW, "9.5, eq. (9.8) with a stride s", FSS,
          r"\frac{\partial E}{\partial w_m} = \sum_{j=1}^{J} \delta_j x_{j+m-1}", False,
          safe(lambda m: (m.grad(m.w), grid(lambda k: total(at(_d(m), j) * at(m.x, j + k - 1)
                                                           for j in range(1, m.J + 1)), m.M))), FSS_SPEC, FSS_DIR,
          slip=True, note="the position of a stride 1 (equal at s = 1 only)"),
    Entry("good-9.5-stride-s-input", GOODFELLOW, "9.5, eq. (9.8) with a stride s: the input gradient", FSS,
          r"\frac{\partial E}{\partial x_i} = \sum_{j=1}^{J} \sum_{m=1}^{M} \delta_j w_m [i = s(j-1)+m]", True,
          safe(lambda m: (m.grad(m.x), grid(lambda i: total(at(m.w, k) * at(_d(m), j)
                                                           for j in range(1, m.J + 1) for k in range(1, m.M + 1)
                                                           if i == m.s * (j - 1) + k), m.I))), FSS_SPEC, FSS_DIR),
    Entry("good-9.5-2d-kernel", GOODFELLOW, "9.5, a 2-D convolution: the kernel gradient", F2,
          r"\frac{\partial E}{\partial w_{ab}} = \sum_{i} \sum_{j} \delta_{ij} x_{i+a-1, j+b-1}", True,
          safe(lambda m: (m.grad(m.w), grid(lambda a, b: total(at(_d(m), i, j) * at(m.x, i + a - 1, j + b - 1)
                                                              for i in range(1, m.I + 1)
                                                              for j in range(1, m.J + 1)), m.A, m.B))),
          F2_SPEC, F2_DIR),
    Entry("good-9.5-2d-kernel-slip-axes", GOODFELLOW, "9.5, a 2-D convolution: the kernel gradient", F2,
          r"\frac{\partial E}{\partial w_{ab}} = \sum_{i} \sum_{j} \delta_{ij} x_{i+b-1, j+a-1}", False,
          safe(lambda m: (m.grad(m.w), grid(lambda a, b: total(at(_d(m), i, j) * at(m.x, i + b - 1, j + a - 1)
                                                              for i in range(1, m.I + 1)
                                                              for j in range(1, m.J + 1)), m.A, m.B))),
          F2_SPEC, F2_DIR, slip=True, note="the kernel's axes exchanged"),
    Entry("good-9.5-2d-input", GOODFELLOW, "9.5, a 2-D convolution: the input gradient", F2,
          r"\frac{\partial E}{\partial x_{pq}} = \sum_{a} \sum_{b} w_{ab} \delta_{p-a+1, q-b+1} "
          r"[1 \le p-a+1 \le I] [1 \le q-b+1 \le J]", True,
          safe(lambda m: (m.grad(m.x), grid(lambda p, q: total(at(m.w, a, b) * at(_d(m), p - a + 1, q - b + 1)
                                                              for a in range(1, m.A + 1)
                                                              for b in range(1, m.B + 1)
                                                              if 1 <= p - a + 1 <= m.I and 1 <= q - b + 1 <= m.J),
                                            m.P, m.Q))), F2_SPEC, F2_DIR,
          note="a full convolution of δ with the flipped kernel, its boundaries written"),
    Entry("good-9.5-2d-input-slip-noflip", GOODFELLOW, "9.5, a 2-D convolution: the input gradient", F2,
          r"\frac{\partial E}{\partial x_{pq}} = \sum_{a} \sum_{b} w_{ab} \delta_{p+a-1, q+b-1} "
          r"[1 \le p+a-1 \le I] [1 \le q+b-1 \le J]", False,
          safe(lambda m: (m.grad(m.x), grid(lambda p, q: total(at(m.w, a, b) * at(_d(m), p + a - 1, q + b - 1)
                                                              for a in range(1, m.A + 1)
                                                              for b in range(1, m.B + 1)
                                                              if 1 <= p + a - 1 <= m.I and 1 <= q + b - 1 <= m.J),
                                            m.P, m.Q))), F2_SPEC, F2_DIR, slip=True,
          note="the kernel not flipped"),
]

# ---------------------------------------------------------------------------------------------
# PRML 5.5.6 and exercise 5.28: a 1-D convolution (derivations/conv_1d.tex); 4.3.6/5.2 pairs
PC = (r"a_j = \sum_{m=1}^{M} w_m x_{j+m-1}", r"z_j = h(a_j)")
PC_DIR = ("size J = I - M + 1",)
PC_SPEC = dict(net="conv1d")
PL = (r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = \sigma(a_k)",
      r"E = -\sum_k (t_k \ln y_k + (1 - t_k) \ln(1 - y_k))")
PL_DIR = (r"activation \sigma = sigmoid",)
PL_SPEC = dict(net="mlp", depths=(2,), out="logistic", err="ce")
PS = (r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j",
      r"y_k = \frac{\exp(a_k)}{\sum_l \exp(a_l)}", r"E = -\sum_k t_k \ln y_k")
PS_DIR = ("activation h = tanh", "index l : k", "targets t sum to 1")
PS_SPEC = dict(net="mlp", depths=(2,), hidden="tanh", out="softmax", err="nll", targets="prob")


def _c4(m: Any, sign: int, upper: str) -> Any:
    """Σ_m w_m δ_{i - sign(m-1)} [1 <= i - sign(m-1) <= J or M]."""
    bound = m.J if upper == "J" else m.M
    return grid(lambda i: total(at(m.w, k) * at(_d(m), i - sign * (k - 1)) for k in range(1, m.M + 1)
                                if 1 <= i - sign * (k - 1) <= bound), m.I)


FIELD += [
    Entry("prml-5.5.6-local", PRML, "5.5.6, exercise 5.28", PC, r"\frac{\partial a_j}{\partial w_m} = x_{j+m-1}",
          True, safe(lambda m: (_jac(m.a, m.w), grid(lambda j, k: at(m.x, j + k - 1), m.J, m.M))), PC_SPEC, PC_DIR),
    Entry("prml-5.5.6-kernel", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial w_m} = \sum_{j=1}^{J} \delta_j x_{j+m-1}", True,
          safe(lambda m: (m.grad(m.w), grid(lambda k: total(at(_d(m), j) * at(m.x, j + k - 1)
                                                           for j in range(1, m.J + 1)), m.M))), PC_SPEC, PC_DIR,
          note="a shared weight: one term per position"),
    Entry("prml-5.5.6-kernel-slip-flipped", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial w_m} = \sum_j \delta_j x_{j-m+1}", False,
          safe(lambda m: (m.grad(m.w), grid(lambda k: total(at(_d(m), j) * at(m.x, j - k + 1)
                                                           for j in range(1, m.J + 1)), m.M))), PC_SPEC, PC_DIR,
          slip=True, note="the kernel flipped (reads x_0 and below: not defined)"),
    Entry("prml-5.5.6-kernel-slip-nosum", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial w_m} = \delta_j x_{j+m-1}", False,
          safe(lambda m: (m.grad(m.w)[None, :], grid(lambda j, k: at(_d(m), j) * at(m.x, j + k - 1), m.J, m.M))),
          PC_SPEC, PC_DIR, slip=True, note="the sum over the positions forgotten"),
    Entry("prml-5.5.6-input", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial x_i} = \sum_{m} w_m \delta_{i-m+1} [1 \le i-m+1 \le J]", True,
          safe(lambda m: (m.grad(m.x), _c4(m, 1, "J"))), PC_SPEC, PC_DIR,
          note="the sum runs where the position exists"),
    Entry("prml-5.5.6-input-slip-noflip", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial x_i} = \sum_{m} w_m \delta_{i+m-1} [1 \le i+m-1 \le J]", False,
          safe(lambda m: (m.grad(m.x), _c4(m, -1, "J"))), PC_SPEC, PC_DIR, slip=True,
          note="the kernel not flipped"),
    Entry("prml-5.5.6-input-slip-boundary", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial x_i} = \sum_{m} w_m \delta_{i-m+1} [1 \le i-m+1 \le M]", False,
          safe(lambda m: (m.grad(m.x), _c4(m, 1, "M"))), PC_SPEC, PC_DIR, slip=True,
          note="the kernel's size for the positions' in the boundary"),
    Entry("prml-5.2-logistic-pair", PRML, "4.3.6, 5.2 (5.18)", PL, r"\delta_k = y_k - t_k", True,
          lambda m: (m.delta(2), m.a[2] - m.y), PL_SPEC, PL_DIR,
          note="the canonical pair: logistic outputs, cross-entropy (targets in [0, 1] here)"),
    Entry("prml-5.2-logistic-pair-slip-sigma'", PRML, "4.3.6, 5.2 (5.18)", PL,
          r"\delta_k = (y_k - t_k) \sigma'(a_k)", False,
          lambda m: (m.delta(2), (m.a[2] - m.y) * m.gp(m.z[2])), PL_SPEC, PL_DIR, slip=True,
          note="the σ' that the canonical pair cancels, kept"),
    Entry("prml-5.2-softmax-pair-probabilities", PRML, "4.3.4, 5.2 (5.24), (4.106)", PS, r"\delta_k = y_k - t_k",
          True, lambda m: (m.delta(2), m.a[2] - m.y), PS_SPEC, PS_DIR,
          note="softmax and the multiclass cross-entropy, targets probabilities (they sum to 1)"),
    Entry("prml-5.2-softmax-pair-slip-sign", PRML, "4.3.4, 5.2 (5.24), (4.106)", PS, r"\delta_k = t_k - y_k",
          False, lambda m: (m.delta(2), m.y - m.a[2]), PS_SPEC, PS_DIR, slip=True),
]

# ---------------------------------------------------------------------------------------------
# Ng: layer [l] (one example, component and vector form), and the batch of ng_batch.tex
NGL = (r"z^{[l]}_j = \sum_k W^{[l]}_{jk} a^{[l-1]}_k + b^{[l]}_j", r"a^{[l]}_j = g(z^{[l]}_j)")
NGL_DIR = ("params W, b", "error J", "layers l = 1..L")
NGB = (r"Z^{[1]} = W^{[1]} X + b^{[1]}", r"A^{[1]} = g(Z^{[1]})", r"Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}",
       r"A^{[2]} = \sigma(Z^{[2]})")
NGB_DIR = ("params W, b", "error J", "examples M : m", r"prefix d = \partial J", "hadamard *",
           "matrix X : I x M", "matrix Z^{[1]}, A^{[1]} : H x M", "matrix Z^{[2]}, A^{[2]} : K x M",
           "vector b^{[1]} : H", "vector b^{[2]} : K", "matrix W^{[1]} : H x I", "matrix W^{[2]} : K x H")
NGB_SPEC = dict(net="batch")

FIELD += [
    Entry("ng-l-dz", NG, "deeplearning.ai week 4, dz^{[l]} (one example, components)", NGL,
          r"\frac{\partial J}{\partial z^{[l]}_j} = \sum_k W^{[l+1]}_{kj} \frac{\partial J}{\partial z^{[l+1]}_k} "
          r"g'(z^{[l]}_j)", True, lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l)), stop=-1), NL_SPEC, NGL_DIR),
    Entry("ng-l-dW", NG, "deeplearning.ai week 4, dW^{[l]} = dz^{[l]} a^{[l-1]T}", NGL,
          r"\frac{\partial J}{\partial W^{[l]}_{jk}} = \frac{\partial J}{\partial z^{[l]}_j} a^{[l-1]}_k", True,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), outer(m.delta(l), m.a[l - 1]))), NL_SPEC, NGL_DIR),
    Entry("ng-l-dW-slip-layer", NG, "deeplearning.ai week 4, dW^{[l]} = dz^{[l]} a^{[l-1]T}", NGL,
          r"\frac{\partial J}{\partial W^{[l]}_{jk}} = \frac{\partial J}{\partial z^{[l]}_j} a^{[l]}_k", False,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), outer(m.delta(l), m.a[l]))), NL_SQ, NGL_DIR, slip=True,
          note="the layer's own activation for the layer below's (equal widths)"),
    Entry("ng-batch-dW2", NG, "deeplearning.ai week 3, dW^{[2]}", NGB, r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}",
          True, lambda m: (m.grad(m.W2), _mm(m.d(m.Z2), m.A1.T) / m.m), NGB_SPEC, NGB_DIR,
          note="dZ: each example's gradient of its own loss (m ∂J/∂Z); J the mean"),
    Entry("ng-batch-dW2-slip-no1/m", NG, "deeplearning.ai week 3, dW^{[2]}", NGB, r"dW^{[2]} = dZ^{[2]} A^{[1]T}",
          False, lambda m: (m.grad(m.W2), _mm(m.d(m.Z2), m.A1.T)), NGB_SPEC, NGB_DIR, slip=True,
          note="the average forgotten"),
    Entry("ng-batch-dW2-slip-rows", NG, "deeplearning.ai week 3, dW^{[2]}", NGB,
          r"dW^{[2]} = \frac{1}{m} A^{[1]T} dZ^{[2]}", False,
          lambda m: (m.grad(m.W2), (lambda p: None if p is None else p / m.m)(_mm(m.A1.T, m.d(m.Z2)))),
          NGB_SPEC, NGB_DIR, slip=True, note="the examples in the rows: not defined"),
    Entry("ng-batch-db2", NG, "deeplearning.ai week 3, db^{[2]} = 1/m np.sum(dZ^{[2]}, axis=1)", NGB,
          r"db^{[2]} = \frac{1}{m} dZ^{[2]} \mathbf{1}", True,
          lambda m: (m.grad(m.b2), m.d(m.Z2).sum(1) / m.m), NGB_SPEC, NGB_DIR,
          note="the sum over the examples as a product with the all-ones vector"),
    Entry("ng-batch-dZ1", NG, "deeplearning.ai week 3, dZ^{[1]}", NGB,
          r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'(Z^{[1]})", True,
          lambda m: (m.d(m.Z1), _mm(m.W2.T, m.d(m.Z2)) * m.fp(m.Z1)), NGB_SPEC, NGB_DIR, note="* elementwise"),
    Entry("ng-batch-dZ1-slip-sigma'", NG, "deeplearning.ai week 3, dZ^{[1]}", NGB,
          r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * \sigma'(Z^{[1]})", False,
          lambda m: (m.d(m.Z1), _mm(m.W2.T, m.d(m.Z2)) * _sigp(m.Z1)), NGB_SPEC, NGB_DIR, slip=True,
          note="the output layer's activation's derivative for the hidden layer's g'"),
    Entry("ng-batch-dW1", NG, "deeplearning.ai week 3, dW^{[1]}", NGB, r"dW^{[1]} = \frac{1}{m} dZ^{[1]} X^T", True,
          lambda m: (m.grad(m.W1), _mm(m.d(m.Z1), m.X.T) / m.m), NGB_SPEC, NGB_DIR),
    Entry("ng-batch-dW1-slip-notranspose", NG, "deeplearning.ai week 3, dW^{[1]}", NGB,
          r"dW^{[1]} = \frac{1}{m} dZ^{[1]} X", False,
          lambda m: (m.grad(m.W1), (lambda p: None if p is None else p / m.m)(_mm(m.d(m.Z1), m.X))),
          NGB_SPEC, NGB_DIR, slip=True, note="the transpose forgotten: not defined"),
]


def _sigp(v: Any) -> Any:
    import torch

    from .oracle_field import deriv
    return deriv(torch.sigmoid, v)


# ---------------------------------------------------------------------------------------------
# CS231n: softmax and cross-entropy (derivations/cs231n_softmax.tex), one-hot and probabilities
CSX = (r"f_k = \sum_i W_{ki} x_i", r"p_k = \frac{e^{f_k}}{\sum_j e^{f_j}}", r"L = -\sum_k t_k \log p_k")
CSX_DIR = ("params W", "error L", "index j : k", "targets t one-hot")
CSX_SPEC = dict(net="mlp", depths=(1,), hidden="tanh", out="softmax", err="nll", targets="onehot")

FIELD += [
    Entry("cs231n-softmax-dscores", CS231N, "Case study, dscores = probs; dscores[y] -= 1", CSX,
          r"\frac{\partial L}{\partial f_k} = p_k - t_k", True, lambda m: (m.delta(1), m.a[1] - m.y), CSX_SPEC,
          CSX_DIR, note="the one-hot target t_k = 1(k = y_i)"),
    Entry("cs231n-softmax-dscores-slip-probs", CS231N, "Case study, dscores = probs; dscores[y] -= 1", CSX,
          r"\frac{\partial L}{\partial f_k} = p_k", False, lambda m: (m.delta(1), m.a[1]), CSX_SPEC, CSX_DIR,
          slip=True, note="the 1 not subtracted at the true class"),
    Entry("cs231n-softmax-dW", CS231N, "Case study, dW = X^T dscores", CSX,
          r"\frac{\partial L}{\partial W_{ki}} = (p_k - t_k) x_i", True,
          lambda m: (m.grad(m.w[1]), outer(m.a[1] - m.y, m.x)), CSX_SPEC, CSX_DIR),
    Entry("cs231n-softmax-dW-slip-sign", CS231N, "Case study, dW = X^T dscores", CSX,
          r"\frac{\partial L}{\partial W_{ki}} = (t_k - p_k) x_i", False,
          lambda m: (m.grad(m.w[1]), outer(m.y - m.a[1], m.x)), CSX_SPEC, CSX_DIR, slip=True),
    Entry("cs231n-softmax-probabilities", CS231N, "Linear classification, cross-entropy with a distribution p",
          CSX[:2] + (r"L = -\sum_k t_k \log p_k",), r"\frac{\partial L}{\partial f_k} = p_k - t_k", True,
          lambda m: (m.delta(1), m.a[1] - m.y), dict(CSX_SPEC, targets="prob"),
          ("params W", "error L", "index j : k", "targets t sum to 1"),
          note="the targets a probability distribution (the notes' p), which sums to 1"),
]

# ---------------------------------------------------------------------------------------------
# Harder readings of the same sources: boundaries, claims naming l and L, two layers deep, sums
# from t = 2, an initial state, zero padding, a definition the first layer does not have.
NLQ = NL + (r"C = \frac{1}{2} \sum_j (y_j - a^L_j)^2",)
NLQ_SPEC = dict(net="mlp", err="sos")
NLQ_DIR = NL_DIR + ("error C",)  # a cost written at the top is the file's error, declared so
GRS = GR
GRS_DIR = ("params w, s", "steps t = 1..T", "boundary b^0_h = s_h")
GRS_SPEC = dict(net="rnn", init=True)
F2P_DIR = F2_DIR + ("padding zero",)


def at0(v: Any, *i: int) -> Any:
    """``v`` at the 1-based indices ``i``, 0 outside its range (zero padding)."""
    try:
        return at(v, *i)
    except _Undefined:
        import torch
        return torch.zeros(())


def _two(m: Any, l: int) -> Any:
    """BP2 applied twice: δ^l from δ^{l+2}."""
    inner = (m.w[l + 2].T @ m.delta(l + 2)) * m.fp(m.z[l + 1])
    return (m.w[l + 1].T @ inner) * m.fp(m.z[l])


FIELD += [
    Entry("nndl-L-bp4-concrete-layer", NNDL, "BP4 at a layer by its number (Nielsen's w^3_{24})", NL,
          r"\frac{\partial C}{\partial w^2_{jk}} = a^1_k \delta^2_j", True,
          lambda m: (m.grad(m.w[2]), outer(m.delta(2), m.a[1])), NL_SPEC, NL_DIR,
          note="layer 2 of every depth L = 2, 3, 4"),
    Entry("nndl-L-bp4-sigma-below", NNDL, "BP4, a^{l-1} written σ(z^{l-1})", NL,
          r"\frac{\partial C}{\partial w^l_{jk}} = \sigma(z^{l-1}_k) \delta^l_j", True,
          lambda m: every(m, lambda l: (m.grad(m.w[l]), outer(m.delta(l), m.a[l - 1])), start=2),
          NL_SPEC, NL_DIR,
          note="true where it is defined, l = 2..L (there is no z^0: layer 1 reads a^0 = x), as BP2 is "
               "where δ^{l+1} is, l = 1..L-1; symbp says l = 2..L"),
    Entry("nndl-L-bp2-shifted", NNDL, "BP2 written for l-1", NL,
          r"\delta^{l-1}_j = \sum_k w^l_{kj} \delta^l_k \sigma'(z^{l-1}_j)", True,
          lambda m: every(m, lambda l: (m.delta(l - 1), _bp2(m, l - 1)), start=2), NL_SPEC, NL_DIR,
          note="every layer l = 2..L"),
    Entry("nndl-L-bp2-slip-sigma'-above", NNDL, "BP2 (component form, eq. 42)", NL,
          r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^{l+1}_j)", False,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l, fp=m.fp(m.z[l + 1]))), stop=-1), NL_SQ, NL_DIR,
          slip=True, note="the next layer's σ' (equal widths)"),
    Entry("nndl-L-dz-da", NNDL, "ch. 2, the chain rule over two layers", NL,
          r"\frac{\partial z^{l+1}_k}{\partial a^{l-1}_i} = \sum_j w^{l+1}_{kj} \sigma'(z^l_j) w^l_{ji}", True,
          lambda m: every(m, lambda l: (_jac(m.z[l + 1], m.a[l - 1]),
                                        m.w[l + 1] @ (m.fp(m.z[l])[:, None] * m.w[l])), stop=-1), NL_SPEC, NL_DIR),
    Entry("nndl-L-da-dw", NNDL, "ch. 2, the local derivative", NL,
          r"\frac{\partial a^l_j}{\partial w^l_{jk}} = \sigma'(z^l_j) a^{l-1}_k", True,
          lambda m: every(m, lambda l: (_jac(m.a[l], m.w[l]).diagonal(dim1=0, dim2=1).T,
                                        outer(m.fp(m.z[l]), m.a[l - 1]))), NL_SPEC, NL_DIR),
    Entry("nndl-L-da-below", NNDL, "ch. 2, ∂C/∂a^{l-1} = (w^l)^T δ^l", NL,
          r"\frac{\partial C}{\partial a^{l-1}_k} = \sum_j w^l_{jk} \delta^l_j", True,
          lambda m: every(m, lambda l: (m.grad(m.a[l - 1]), m.w[l].T @ m.delta(l))), NL_SPEC, NL_DIR,
          note="at l = 1 the gradient on the inputs a^0 = x"),
    Entry("nndl-L-da-below-slip-transposed", NNDL, "ch. 2, ∂C/∂a^{l-1} = (w^l)^T δ^l", NL,
          r"\frac{\partial C}{\partial a^{l-1}_k} = \sum_j w^l_{kj} \delta^l_j", False,
          lambda m: every(m, lambda l: (m.grad(m.a[l - 1]), m.w[l] @ m.delta(l))), NL_SQ, NL_DIR, slip=True,
          note="the transpose forgotten (equal widths)"),
    Entry("nndl-L-bp3-recursion", NNDL, "BP3 into BP2", NL,
          r"\frac{\partial C}{\partial b^{l}_j} = \sum_k w^{l+1}_{kj} \frac{\partial C}{\partial b^{l+1}_k} "
          r"\sigma'(z^l_j)", True,
          lambda m: every(m, lambda l: (m.grad(m.b[l]), _bp2(m, l, d=m.grad(m.b[l + 1]))), stop=-1),
          NL_SPEC, NL_DIR),
    Entry("nndl-L-bp3-recursion-slip-sigma'-index", NNDL, "BP3 into BP2", NL,
          r"\frac{\partial C}{\partial b^{l}_j} = \sum_k w^{l+1}_{kj} \frac{\partial C}{\partial b^{l+1}_k} "
          r"\sigma'(z^{l}_k)", False,
          lambda m: every(m, lambda l: (m.grad(m.b[l]), m.w[l + 1].T @ (m.grad(m.b[l + 1]) * m.fp(m.z[l])))
                          , stop=-1), NL_SQ, NL_DIR, slip=True,
          note="σ' indexed by the next layer's unit (equal widths)"),
    Entry("nndl-L-bp2-two-layers", NNDL, "BP2 applied twice", NL,
          r"\delta^l_j = \sum_k \sum_m \delta^{l+2}_m w^{l+2}_{mk} \sigma'(z^{l+1}_k) w^{l+1}_{kj} \sigma'(z^l_j)",
          True, lambda m: every(m, lambda l: (m.delta(l), _two(m, l)), stop=-2), NL_SPEC, NL_DIR,
          note="every layer l = 1..L-2 (none at L = 2)"),
    Entry("nndl-L-bp2-named-L", NNDL, "BP2 at l = L-1", NL,
          r"\delta^{L-1}_j = \sum_k w^L_{kj} \delta^L_k \sigma'(z^{L-1}_j)", True,
          lambda m: (m.delta(m.L - 1), _bp2(m, m.L - 1)), NL_SPEC, NL_DIR, note="a claim naming L alone"),
    Entry("nndl-L-quadratic-bp1", NNDL, "eq. (30), BP1 with the quadratic cost", NLQ,
          r"\delta^L_j = (a^L_j - y_j) \sigma'(z^L_j)", True,
          lambda m: (m.delta(m.L), (m.a[m.L] - m.y) * m.fp(m.z[m.L])), NLQ_SPEC, NLQ_DIR,
          note="the quadratic cost C = 1/2 ||y - a^L||^2 in the forward pass"),
    Entry("nndl-L-quadratic-slip-every-layer", NNDL, "eq. (30), BP1 with the quadratic cost", NLQ,
          r"\delta^l_j = (a^l_j - y_j) \sigma'(z^l_j)", False,
          lambda m: every(m, lambda l: (m.delta(l), (m.a[l] - m.y) * m.fp(m.z[l]))), dict(NLQ_SPEC, square=True),
          NLQ_DIR, slip=True, note="the output layer's error written for every layer (equal widths)"),
    Entry("graves-3.35-hh-from2", GRAVES, "§3.2.2 (3.35), the recurrent weight, b^0 = 0", GR,
          r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=2}^{T} \delta^t_h b^{t-1}_{h'}", True,
          lambda m: (m.grad(m.w_hh), sum((outer(m.b[t - 1], m.delta_h(t)) for t in range(2, m.T + 1)),
                                         0 * m.w_hh)), GR_SPEC, GR_DIR,
          note="the first step's term is 0 since b^0 = 0"),
    Entry("graves-initial-state", GRAVES, "§3.2.2 (3.35) with a learned initial state b^0 = s", GRS,
          r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^{t-1}_{h'}", True,
          lambda m: (m.grad(m.w_hh), sum(outer(m.b[t - 1], m.delta_h(t)) for t in range(1, m.T + 1))), GRS_SPEC,
          GRS_DIR),
    Entry("graves-initial-state-slip-from2", GRAVES, "§3.2.2 (3.35) with a learned initial state b^0 = s", GRS,
          r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=2}^{T} \delta^t_h b^{t-1}_{h'}", False,
          lambda m: (m.grad(m.w_hh), sum((outer(m.b[t - 1], m.delta_h(t)) for t in range(2, m.T + 1)),
                                         0 * m.w_hh)), GRS_SPEC, GRS_DIR, slip=True,
          note="the first step left out, as if b^0 were 0"),
    Entry("graves-3.2.2-dx", GRAVES, "§3.2.2, the input's gradient", GR,
          r"\frac{\partial O}{\partial x^t_i} = \sum_{h=1}^{H} w_{ih} \delta^t_h", True,
          lambda m: every(m, lambda t: (m.grad(m.x[t]), m.w_ih @ m.delta_h(t))), GR_SPEC, GR_DIR),
    Entry("graves-3.33-distributed", GRAVES, "§3.2.2 (3.33), θ' distributed", GR,
          r"\delta^t_h = \theta_h'(a^t_h) \sum_{k=1}^{K} \delta^t_k w_{hk} + \theta_h'(a^t_h) \sum_{h'=1}^{H} "
          r"\delta^{t+1}_{h'} w_{hh'}", True,
          lambda m: every(m, lambda t: (m.delta_h(t), _bptt(m, t))), GR_SPEC, GR_DIR),
    Entry("graves-3.33-slip-prevstep", GRAVES, "§3.2.2 (3.33)", GR,
          r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_{k=1}^{K} \delta^t_k w_{hk} + \sum_{h'=1}^{H} "
          r"\delta^{t-1}_{h'} w_{hh'}\right)", False,
          lambda m: every(m, lambda t: (m.delta_h(t), None if t == 1 else _bptt(m, t, nxt=m.delta_h(t - 1)))),
          GR_SPEC, GR_DIR, slip=True, note="the recurrence run forward in time (δ^0 does not exist)"),
    Entry("prml-5.5.6-input-by-j", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial x_i} = \sum_{j} \delta_j w_{i-j+1} [1 \le i-j+1 \le M]", True,
          safe(lambda m: (m.grad(m.x), grid(lambda i: total(at(_d(m), j) * at(m.w, i - j + 1)
                                                           for j in range(1, m.J + 1) if 1 <= i - j + 1 <= m.M),
                                            m.I))), PC_SPEC, PC_DIR, note="the sum over the positions"),
    Entry("prml-5.5.6-input-unbounded", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial x_i} = \sum_{m} w_m \delta_{i-m+1}", False,
          safe(lambda m: (m.grad(m.x), grid(lambda i: total(at(m.w, k) * at(_d(m), i - k + 1)
                                                           for k in range(1, m.M + 1)), m.I))), PC_SPEC, PC_DIR,
          slip=True, note="the boundaries dropped without zero padding: δ_0 is read (not defined)"),
    Entry("good-9.5-2d-input-padding", GOODFELLOW, "9.5, a 2-D convolution, zero padding", F2,
          r"\frac{\partial E}{\partial x_{pq}} = \sum_{a} \sum_{b} w_{ab} \delta_{p-a+1, q-b+1}", True,
          lambda m: (m.grad(m.x), grid(lambda p, q: total(at(m.w, a, b) * at0(_d(m), p - a + 1, q - b + 1)
                                                         for a in range(1, m.A + 1) for b in range(1, m.B + 1)),
                                       m.P, m.Q)), F2_SPEC, F2P_DIR,
          note="δ is 0 outside its range (zero padding declared)"),
    Entry("good-6.4-k-vector-W", GOODFELLOW, "Alg. 6.4, ∇_{W^{(k)}} J = g h^{(k-1)T}, vectors", FL,
          r"\nabla_{W^{(k)}} J = \nabla_{a^{(k)}} J \, (h^{(k-1)})^\top", True,
          lambda m: every(m, lambda k: (m.grad(m.w[k]), outer(m.delta(k), m.a[k - 1]))), NL_SPEC, FL_DIR),
    Entry("good-6.4-k-vector-W-slip-layer", GOODFELLOW, "Alg. 6.4, ∇_{W^{(k)}} J = g h^{(k-1)T}, vectors", FL,
          r"\nabla_{W^{(k)}} J = \nabla_{a^{(k)}} J \, (h^{(k)})^\top", False,
          lambda m: every(m, lambda k: (m.grad(m.w[k]), outer(m.delta(k), m.a[k]))), NL_SPEC, FL_DIR, slip=True,
          note="the layer's own activations: an n_k x n_k matrix for n_k x n_{k-1}"),
    Entry("ng-l-dz-vector", NG, "deeplearning.ai week 4, dz^{[l]} = W^{[l+1]T} dz^{[l+1]} * g'(z^{[l]})", NGL,
          r"dz^{[l]} = W^{[l+1]T} dz^{[l+1]} * g'(z^{[l]})", True,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l)), stop=-1), NL_SPEC,
          NGL_DIR + (r"prefix d = \partial J", "hadamard *"), note="one example, vector notation"),
    Entry("ng-batch-dA1", NG, "deeplearning.ai week 3, dA^{[1]} = W^{[2]T} dZ^{[2]}", NGB,
          r"dA^{[1]} = W^{[2]T} dZ^{[2]}", True, lambda m: (m.d(m.A1), _mm(m.W2.T, m.d(m.Z2))), NGB_SPEC, NGB_DIR),
    Entry("ng-batch-db1", NG, "deeplearning.ai week 4, db^{[1]} = 1/m Σ_i dZ^{[1](i)}", NGB,
          r"db^{[1]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[1](i)}", True,
          lambda m: (m.grad(m.b1), m.d(m.Z1).sum(1) / m.m), NGB_SPEC, NGB_DIR),
    Entry("ng-batch-db1-slip-nosum", NG, "deeplearning.ai week 4, db^{[1]} = 1/m Σ_i dZ^{[1](i)}", NGB,
          r"db^{[1]} = \frac{1}{m} dZ^{[1]}", False, lambda m: (m.grad(m.b1), None), NGB_SPEC, NGB_DIR,
          slip=True, note="an H x M matrix for an H-vector: not defined"),
]

FIELD += [
    Entry("graves-3.2.2-db-slip-transposed", GRAVES, "§3.2.2, ∂O/∂b^t_h", GR,
          r"\frac{\partial O}{\partial b^t_h} = \sum_{k=1}^{K} w_{hk} \delta^t_k + \sum_{h'=1}^{H} w_{h'h} "
          r"\delta^{t+1}_{h'}", False,
          lambda m: every(m, lambda t: (m.grad(m.b[t]), m.w_hk @ m.delta_k(t) + m.w_hh.T @ m.delta_h(t + 1))),
          GR_SPEC, GR_DIR, slip=True, note="the recurrent weight not transposed"),
    Entry("graves-3.34-slip-prevstep", GRAVES, "§3.2.2 (3.34)", GR,
          r"\frac{\partial O}{\partial w_{hk}} = \sum_{t=1}^{T} \delta^t_k b^{t-1}_h", False,
          lambda m: (m.grad(m.w_hk), sum(outer(m.b[t - 1], m.delta_k(t)) for t in range(1, m.T + 1))), GR_SPEC,
          GR_DIR, slip=True, note="the step before's activation, as in the recurrent weight's gradient"),
    Entry("graves-3.35-ih-slip-nextstep", GRAVES, "§3.2.2 (3.35)", GR,
          r"\frac{\partial O}{\partial w_{ih}} = \sum_{t=1}^{T} \delta^{t+1}_h x^t_i", False,
          lambda m: (m.grad(m.w_ih), sum(outer(m.x[t], m.delta_h(t + 1)) for t in range(1, m.T + 1))), GR_SPEC,
          GR_DIR, slip=True, note="the next step's δ"),
    Entry("graves-3.35-hh-reindexed", GRAVES, "§3.2.2 (3.35), the recurrent weight, re-indexed", GR,
          r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^{t+1}_h b^{t}_{h'}", True,
          lambda m: (m.grad(m.w_hh), sum(outer(m.b[t], m.delta_h(t + 1)) for t in range(1, m.T + 1))), GR_SPEC,
          GR_DIR, note="δ^{T+1} = 0 and b^0 = 0: the same sum shifted by one step"),
    Entry("graves-3.2.2-da-da", GRAVES, "§3.2.2, one step of the recurrence", GR,
          r"\frac{\partial a^{t+1}_h}{\partial a^t_{h'}} = w_{h'h} \theta_{h'}'(a^t_{h'})", True,
          lambda m: every(m, lambda t: (_jac(m.a_h[t + 1], m.a_h[t]), (m.w_hh * m.fp(m.a_h[t])[:, None]).T),
                          stop=-1), GR_SPEC, GR_DIR, note="every step t = 1..T-1"),
    Entry("cs231n-softmax-onehot-square", CS231N, "Case study, one-hot targets", CSX,
          r"\frac{\partial L}{\partial f_k} = p_k - t_k^2", True, lambda m: (m.delta(1), m.a[1] - m.y ** 2),
          CSX_SPEC, CSX_DIR, note="a probe of the declared condition: t_k^2 = t_k for a one-hot t"),
    Entry("cs231n-softmax-probabilities-slip-square", CS231N, "Linear classification, targets a distribution",
          CSX, r"\frac{\partial L}{\partial f_k} = p_k - t_k^2", False,
          lambda m: (m.delta(1), m.a[1] - m.y ** 2), dict(CSX_SPEC, targets="prob"),
          ("params W", "error L", "index j : k", "targets t sum to 1"), slip=True,
          note="a probe: t_k^2 = t_k holds for one-hot targets, not for probabilities"),
    Entry("cs231n-softmax-probabilities-sum", CS231N, "Linear classification, targets a distribution", CSX,
          r"\frac{\partial L}{\partial f_k} = p_k \sum_j t_j - t_k", True,
          lambda m: (m.delta(1), m.a[1] * m.y.sum() - m.y), dict(CSX_SPEC, targets="prob"),
          ("params W", "error L", "index j : k", "targets t sum to 1"),
          note="the gradient before the targets' sum is taken as 1 (true for any targets)"),
    Entry("ng-batch-dZ2", NG, "deeplearning.ai week 3, dZ^{[2]} = dA^{[2]} * σ'(Z^{[2]})", NGB,
          r"dZ^{[2]} = dA^{[2]} * \sigma'(Z^{[2]})", True,
          lambda m: (m.d(m.Z2), m.d(m.A2) * m.gp2(m.Z2)), NGB_SPEC, NGB_DIR),
    Entry("ng-batch-dZ2-logistic", NG, "deeplearning.ai week 3, σ'(Z) = A(1 - A)", NGB,
          r"dZ^{[2]} = dA^{[2]} * A^{[2]} * (1 - A^{[2]})", True,
          lambda m: (m.d(m.Z2), m.d(m.A2) * m.A2 * (1 - m.A2)), NGB_SPEC,
          NGB_DIR + (r"activation \sigma = sigmoid",),
          note="as Ng writes it, 1 - A broadcast (NumPy); his σ the logistic (declared: true only for it)"),
    Entry("ng-batch-dZ2-logistic-slip", NG, "deeplearning.ai week 3, σ'(Z) = A(1 - A), a sign slipped", NGB,
          r"dZ^{[2]} = dA^{[2]} * A^{[2]} * (1 + A^{[2]})", False,
          lambda m: (m.d(m.Z2), m.d(m.A2) * m.A2 * (1 + m.A2)), NGB_SPEC,
          NGB_DIR + (r"activation \sigma = sigmoid",), slip=True, note="1 + A for 1 - A"),
    Entry("ng-batch-dW2-by-examples", NG, "deeplearning.ai week 3, dW^{[2]} as a sum over the examples", NGB,
          r"dW^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[2](i)} A^{[1](i)T}", True,
          lambda m: (m.grad(m.W2), _mm(m.d(m.Z2), m.A1.T) / m.m), NGB_SPEC, NGB_DIR,
          note="the outer products of the examples' columns, summed"),
]

def _two_slip(m: Any, l: int) -> Any:
    """BP2 twice with σ'(z^{l+2}) for σ'(z^{l+1}): not defined where the widths differ."""
    if m.n[l + 1] != m.n[l + 2]:
        return None
    return (m.w[l + 1].T @ ((m.w[l + 2].T @ m.delta(l + 2)) * m.fp(m.z[l + 2]))) * m.fp(m.z[l])


FIELD += [
    Entry("nndl-L-matrix-bp2-diag", NNDL, "BP2 as a product of Jacobians", NL,
          r"\delta^l = \operatorname{diag}(\sigma'(z^l)) (w^{l+1})^T \delta^{l+1}", True,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l)), stop=-1), NL_SPEC, NLM_DIR),
    Entry("nndl-L-matrix-bp2-diag-slip-order", NNDL, "BP2 as a product of Jacobians", NL,
          r"\delta^l = (w^{l+1})^T \operatorname{diag}(\sigma'(z^l)) \delta^{l+1}", False,
          lambda m: every(m, lambda l: (m.delta(l), _mm(_mm(m.w[l + 1].T, m.fp(m.z[l]).diag()), m.delta(l + 1))),
                          stop=-1), NL_SPEC, NLM_DIR, slip=True,
          note="the diagonal matrix on the wrong side of the transpose: not defined at unequal widths"),
    Entry("nndl-L-matrix-bp2-sigmoid", NNDL, "BP2 with σ'(z) = σ(z)(1 - σ(z))", NL,
          r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma(z^l) \odot (\mathbf{1} - \sigma(z^l))", True,
          lambda m: every(m, lambda l: (m.delta(l), _bp2(m, l, fp=m.a[l] * (1 - m.a[l]))), stop=-1),
          dict(NL_SPEC, hidden="logistic"), NLM_DIR + (r"activation \sigma = sigmoid",),
          note="the sigmoid's derivative written out, the all-ones vector for 1"),
    Entry("nndl-L-matrix-bp2-two-layers-slip", NNDL, "BP2 applied twice", NL,
          r"\delta^l = ((w^{l+1})^T ((w^{l+2})^T \delta^{l+2} \odot \sigma'(z^{l+2}))) \odot \sigma'(z^l)", False,
          lambda m: every(m, lambda l: (m.delta(l), _two_slip(m, l)), stop=-2),
          NL_SPEC, NLM_DIR, slip=True, note="σ' of layer l+2 for l+1: not defined at unequal widths"),
    Entry("good-6.4-k-vector-h", GOODFELLOW, "Alg. 6.4, ∇_{h^{(k-1)}} J = W^{(k)T} g, vectors", FL,
          r"\nabla_{h^{(k-1)}} J = (W^{(k)})^\top \nabla_{a^{(k)}} J", True,
          lambda m: every(m, lambda k: (m.grad(m.a[k - 1]), m.w[k].T @ m.delta(k))), NL_SPEC, FL_DIR),
    Entry("good-6.4-k-vector-h-slip-transpose", GOODFELLOW, "Alg. 6.4, ∇_{h^{(k-1)}} J = W^{(k)T} g, vectors", FL,
          r"\nabla_{h^{(k-1)}} J = W^{(k)} \nabla_{a^{(k)}} J", False,
          lambda m: every(m, lambda k: (m.grad(m.a[k - 1]), _mm(m.w[k], m.delta(k)))), NL_SPEC, FL_DIR, slip=True,
          note="the transpose forgotten: not defined at unequal widths"),
    Entry("good-6.4-k-vector-g", GOODFELLOW, "Alg. 6.4, g ← g ⊙ f'(a^{(k)}), vectors", FL,
          r"\nabla_{a^{(k)}} J = \nabla_{h^{(k)}} J \odot f'(a^{(k)})", True,
          lambda m: every(m, lambda k: (m.delta(k), m.grad(m.a[k]) * m.fp(m.z[k]))), NL_SPEC, FL_DIR),
    Entry("ng-batch-db2-by-columns", NG, "deeplearning.ai week 3, db^{[2]} as a sum of the columns' gradients", NGB,
          r"\frac{\partial J}{\partial b^{[2]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[2](i)}}", True,
          lambda m: (m.grad(m.b2), m.grad(m.Z2).sum(1)), NGB_SPEC, NGB_DIR,
          note="∂J/∂Z^{[2](i)}, the gradient by the column of example i (a K-vector), summed over the batch"),
    Entry("ng-batch-dW1-by-columns", NG, "deeplearning.ai week 3, dW^{[1]} as a sum over the examples", NGB,
          r"dW^{[1]} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[1](i)}} X^{(i)T}", True,
          lambda m: (m.grad(m.W1), m.grad(m.Z1) @ m.X.T), NGB_SPEC, NGB_DIR,
          note="an outer product per example: ∂J/∂Z^{[1](i)} an H-vector, X^{(i)T} a row of I"),
    Entry("prml-5.5.6-kernel-redundant-bracket", PRML, "5.5.6, exercise 5.28", PC,
          r"\frac{\partial E}{\partial w_m} = \sum_{j} \delta_j x_{j+m-1} [1 \le j+m-1 \le I]", True,
          safe(lambda m: (m.grad(m.w), grid(lambda k: total(at(_d(m), j) * at(m.x, j + k - 1)
                                                           for j in range(1, m.J + 1) if 1 <= j + k - 1 <= m.I), m.M))),
          PC_SPEC, PC_DIR, note="a range condition that always holds (the valid positions read 1..I)"),
    Entry("good-9.5-stride-local", GOODFELLOW, "9.5, eq. (9.8) with a stride of 2: the local derivative", FS,
          r"\frac{\partial a_j}{\partial x_i} = w_{i-2j+2} [1 \le i-2j+2 \le M]", True,
          lambda m: (_jac(m.a, m.x), grid(lambda j, i: at(m.w, i - 2 * j + 2) if 1 <= i - 2 * j + 2 <= m.M else 0.0,
                                          m.J, m.I)), FS_SPEC, FS_DIR),
    Entry("good-9.5-2d-local-slip-axes", GOODFELLOW, "9.5, a 2-D convolution: the local derivative", F2,
          r"\frac{\partial a_{ij}}{\partial x_{pq}} = w_{p-i+1, q-j+1} [1 \le p-i+1 \le B] [1 \le q-j+1 \le A]",
          False,
          safe(lambda m: (_jac(m.a, m.x), grid(lambda i, j, p, q: at(m.w, p - i + 1, q - j + 1)
                                               if 1 <= p - i + 1 <= m.B and 1 <= q - j + 1 <= m.A else 0.0,
                                               m.I, m.J, m.P, m.Q))), F2_SPEC, F2_DIR, slip=True,
          note="the kernel's two sizes exchanged in the boundaries"),
    Entry("graves-3.33-first", GRAVES, "§3.2.2 (3.33) at the first step t = 1", GR,
          r"\delta^1_h = \theta_h'(a^1_h) \left(\sum_{k=1}^{K} \delta^1_k w_{hk} + \sum_{h'=1}^{H} "
          r"\delta^{2}_{h'} w_{hh'}\right)", True,
          lambda m: (m.delta_h(1), _bptt(m, 1)), GR_SPEC, GR_DIR, note="a claim at a concrete step (δ^2 = 0 at T = 1)"),
    Entry("cs231n-softmax-slip-undeclared", CS231N, "Case study, dscores = probs - 1(y)", CSX[:2] + CSX[2:],
          r"\frac{\partial L}{\partial f_k} = p_k - t_k", False, lambda m: (m.delta(1), m.a[1] - m.y),
          dict(CSX_SPEC, targets="real"), ("params W", "error L", "index j : k"), slip=True,
          note="the targets' condition not declared: for targets that do not sum to 1 it is false"),
]

# Ng's deep batch, every layer l (derivations/generic/ng_layers_batch.tex): the examples in the columns
NGLB = (r"Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}", r"A^{[l]} = g^{[l]}(Z^{[l]})")
NGLB_DIR = ("layers l = 1..L", "params W, b", "error J", "examples M : m", r"prefix d = \partial J", "hadamard *")
NGLB_SPEC = dict(net="batchL")


def _ng_bp2(m: Any, l: int, w: Any = None, fp: Any = None) -> Any:
    """Ng's ``W^{[l+1]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})`` (None where a product is not defined)."""
    back = _mm(m.W[l + 1].T if w is None else w, m.d(m.Z[l + 1]))
    g = m.gp(l, m.Z[l]) if fp is None else fp
    return None if back is None or back.shape != g.shape else back * g


FIELD += [
    Entry("ng-L-batch-dZ", NG, "deeplearning.ai week 4, dZ^{[l]}, the batch in columns, every layer", NGLB,
          r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", True,
          lambda m: every(m, lambda l: (m.d(m.Z[l]), _ng_bp2(m, l)), stop=-1), NGLB_SPEC, NGLB_DIR),
    Entry("ng-L-batch-dZ-slip-transpose", NG, "deeplearning.ai week 4, dZ^{[l]}, every layer", NGLB,
          r"dZ^{[l]} = W^{[l+1]} dZ^{[l+1]} * g'^{[l]}(Z^{[l]})", False,
          lambda m: every(m, lambda l: (m.d(m.Z[l]), _ng_bp2(m, l, w=m.W[l + 1])), stop=-1), NGLB_SPEC,
          NGLB_DIR, slip=True, note="the transpose forgotten: not defined at unequal widths"),
    Entry("ng-L-batch-dZ-slip-next-g", NG, "deeplearning.ai week 4, dZ^{[l]}, every layer", NGLB,
          r"dZ^{[l]} = W^{[l+1]T} dZ^{[l+1]} * g'^{[l+1]}(Z^{[l]})", False,
          lambda m: every(m, lambda l: (m.d(m.Z[l]), _ng_bp2(m, l, fp=m.gp(l + 1, m.Z[l]))), stop=-1),
          NGLB_SPEC, NGLB_DIR, slip=True, note="the next layer's activation function"),
    Entry("ng-L-batch-dW", NG, "deeplearning.ai week 4, dW^{[l]} = 1/m dZ^{[l]} A^{[l-1]T}", NGLB,
          r"dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}", True,
          lambda m: every(m, lambda l: (m.grad(m.W[l]), m.d(m.Z[l]) @ m.A[l - 1].T / m.m)), NGLB_SPEC, NGLB_DIR),
    Entry("ng-L-batch-dW-slip-no1/m", NG, "deeplearning.ai week 4, dW^{[l]} = 1/m dZ^{[l]} A^{[l-1]T}", NGLB,
          r"dW^{[l]} = dZ^{[l]} A^{[l-1]T}", False,
          lambda m: every(m, lambda l: (m.grad(m.W[l]), m.d(m.Z[l]) @ m.A[l - 1].T)), NGLB_SPEC, NGLB_DIR,
          slip=True, note="the average forgotten"),
    Entry("ng-L-batch-db", NG, "deeplearning.ai week 4, db^{[l]} = 1/m Σ_i dZ^{[l](i)}", NGLB,
          r"db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}", True,
          lambda m: every(m, lambda l: (m.grad(m.b[l]), m.d(m.Z[l]).sum(1) / m.m)), NGLB_SPEC, NGLB_DIR),
    Entry("ng-L-batch-db-by-columns", NG, "deeplearning.ai week 4, db^{[l]} by the columns' gradients", NGLB,
          r"\frac{\partial J}{\partial b^{[l]}} = \sum_{i=1}^{m} \frac{\partial J}{\partial Z^{[l](i)}}", True,
          lambda m: every(m, lambda l: (m.grad(m.b[l]), m.grad(m.Z[l]).sum(1))), NGLB_SPEC, NGLB_DIR,
          note="∂J/∂Z^{[l](i)}: the gradient by the column of example i, an n_l-vector"),
    Entry("ng-L-batch-db-by-columns-slip-1/m", NG, "deeplearning.ai week 4, db^{[l]} by the columns' gradients",
          NGLB, r"\frac{\partial J}{\partial b^{[l]}} = \frac{1}{m} \sum_{i=1}^{m} "
          r"\frac{\partial J}{\partial Z^{[l](i)}}", False,
          lambda m: every(m, lambda l: (m.grad(m.b[l]), m.grad(m.Z[l]).sum(1) / m.m)), NGLB_SPEC, NGLB_DIR,
          slip=True, note="the average taken twice: ∂J/∂Z^{[l](i)} already carries J's 1/m"),
]

FIELD_IDS = [e.id for e in FIELD]
assert len(set(FIELD_IDS)) == len(FIELD_IDS), "duplicate entry ids"
