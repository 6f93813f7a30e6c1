"""The corpus: backpropagation equations transcribed from six sources, with their ground truth.

Each :class:`Entry` holds the forward pass as the source writes it (its own letters), the
claim as the source prints it (or a classic slip of it), the extra ``% symbp:`` directives the
source's conventions need, the truth (decided by :mod:`tests.corpus.oracle` with PyTorch
autograd, never by symbp; ``test_ground_truth.py`` recomputes it) and a note.

``spec`` describes the network for the oracle (see :mod:`tests.corpus.oracle`: ``hidden`` /
``out`` functions, ``err``, ``bias``, ``one_layer``, ``square``) and ``oracle(m)`` returns the
claim's sides as tensors of the generic network ``m``: ``x -W1,b1-> a1 -f-> h1 -W2,b2-> a2 -g->
y``, ``E = err(y, t)``.  Every oracle maps the source's letters to those by hand, following the
source's own definitions: PRML and Graves define ``δ`` as the derivative by the pre-activation
``a``; Nielsen and Ng as the derivative by the weighted input ``z``.

The sources (equation numbers as printed; Graves's numbering is not given where unsure):

* PRML 5.3: Bishop, Pattern Recognition and Machine Learning (2006), §5.3.1-5.3.4;
* NNDL ch2: Nielsen, Neural Networks and Deep Learning, ch. 2 (BP1-BP4 in component form);
* Graves §3.1: Graves, Supervised Sequence Labelling with Recurrent Neural Networks (2012), §3.1;
* Goodfellow 6.5: Goodfellow, Bengio and Courville, Deep Learning (2016), §6.5 (Algorithm 6.4
  and the chain rule 6.45) written with indices;
* CS231n: the Stanford CS231n notes "Backpropagation, intuitions" and "Neural network case study";
* Ng: Andrew Ng's CS294A notes "Sparse autoencoder" §2.2, his CS229 notes and the deeplearning.ai
  course's formulas.

Slips (``slip=True``) are the mistakes people make transcribing these: transposed indices,
``σ`` for ``σ'``, a missing factor, a wrong sign, a wrong layer, ``y - t`` for ``t - y``, a
forgotten sum.
"""

from __future__ import annotations

from typing import Any

from .entry import CS, GOOD, GRAVES, NG, NNDL, PRML, Entry


def _diag(j: Any) -> Any:
    """[j, i] from a Jacobian [j, j', i] of a1 by W1: the derivative of a_j by w_{ji}."""
    return j.diagonal(dim1=0, dim2=1).T


def _cat0(v: Any, bias: Any) -> Any:
    """``[bias, v]`` along the last axis: a layer's weights over the units 0..D (PRML 5.8, the
    bias as the weight of a unit 0), ``w_{j0}`` first."""
    import torch
    return torch.cat([bias.reshape(*v.shape[:-1], 1), v], dim=-1)


def torch_relu(v: Any) -> Any:
    """The ReLU, ``max(0, v)`` (CS231n's and Goodfellow's hidden units)."""
    import torch
    return torch.relu(v)


def torch_log_softmax(v: Any) -> Any:
    """``log softmax(v)`` over the only axis."""
    import torch
    return torch.log_softmax(v, dim=0)


def torch_log(v: Any) -> Any:
    import torch
    return torch.log(v)


def _ones0(v: Any) -> Any:
    """``[1, v]``: the inputs with the unit ``x_0 = 1`` first."""
    import torch
    return torch.cat([torch.ones(1), v])


def _patterns(m: Any, n: int = 3) -> tuple[Any, Any, Any]:
    """PRML 5.44, ``E = \\sum_n E_n``: ``m``'s pattern and ``n - 1`` more with the same weights.
    Returns ``∂E/∂W1`` of the total, ``\\sum_n δ_j z_i`` (each pattern's own) and pattern 0's
    ``δ_j z_i`` alone (torch autograd, one graph per pattern)."""
    import torch

    from .oracle import _err
    gen = torch.Generator().manual_seed(7)
    total, summed = 0, 0
    for p in range(n):
        x = m.x if p == 0 else torch.randn(m.I, generator=gen)
        t = m.t if p == 0 else (torch.softmax(torch.randn(m.K, generator=gen), dim=0)
                                if m.err in ("ce", "nll") else torch.randn(m.K, generator=gen))
        a1 = m.W1 @ x + m.b1
        e = _err(m.err, m.g(m.W2 @ m.f(a1) + m.b2), t, m.c)
        (d,) = torch.autograd.grad(e, a1, retain_graph=True)
        summed = summed + d[:, None] * x[None, :]
        total = total + e
    (lhs,) = torch.autograd.grad(total, m.W1, retain_graph=True)
    return lhs, summed, m.grad("a1")[:, None] * m.x[None, :]


# ---------------------------------------------------------------------------------------------
# PRML 5.3 (Bishop): a_j = sum_i w_{ji} z_i, z_j = h(a_j); delta_j = dE_n/da_j.
P_FWD = (r"a_j = \sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j")
P_SPEC = dict(bias=False)
P_FWDY = P_FWD + (r"y_k = a_k",)
P_SOS = dict(bias=False, err="sos")
P2_FWD = (r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = a_k")
P2_DIR = ("activation h = tanh", "error sum-of-squares")
P2_SPEC = dict(bias=False, hidden="tanh", err="sos")
P4_FWD = (r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = \sigma(a_k)")
P4_SPEC = dict(bias=False, out=None, err="sos")
#: PRML 5.8-5.9: the biases as the weights of the units x_0 = 1 and z_0 = 1 (sums from 0)
P0_FWD = (r"a_j = \sum_{i=0}^{D} w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_{j=0}^{M} w_{kj} z_j", "x_0 = 1",
          "z_0 = 1")
P0_SPEC = dict(bias=True)
#: PRML 5.2: the bias written out as w_{j0}
P0_OUT = (r"a_j = \sum_{i=1}^{D} w_{ji} x_i + w_{j0}", r"z_j = h(a_j)",
          r"a_k = \sum_{j=1}^{M} w_{kj} z_j + w_{k0}")
#: PRML 5.44: the total error over the patterns n
PN_FWD = P_FWD + (r"E = \sum_n E_n",)
P4_SOFTMAX = (r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j",
              r"y_k = \frac{\exp(a_k)}{\sum_l \exp(a_l)}")

ENTRIES: list[Entry] = [
    Entry("prml-5.53-En", PRML, "5.3.1 (5.53)", P_FWD, r"\frac{\partial E_n}{\partial w_{ji}} = \delta_j z_i",
          True, lambda m: (m.grad("W1"), m.grad("a1")[:, None] * m.x[None, :]), P_SPEC,
          note="as printed, with the per-pattern error E_n"),
    Entry("prml-5.53-E", PRML, "5.3.1 (5.53)", P_FWD, r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_i",
          True, lambda m: (m.grad("W1"), m.grad("a1")[:, None] * m.x[None, :]), P_SPEC,
          note="E_n written E (one pattern)"),
    Entry("prml-5.53-number", PRML, "5.3.1 (5.53)", P_FWD,
          r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_i \quad (5.53)",
          True, lambda m: (m.grad("W1"), m.grad("a1")[:, None] * m.x[None, :]), P_SPEC,
          note="with the equation number as PRML sets it, after a \\quad"),
    Entry("prml-5.52", PRML, "5.3.1 (5.52)", P_FWD, r"\frac{\partial a_j}{\partial w_{ji}} = z_i",
          True, lambda m: (_diag(m.jac("a1", "W1")), m.x[None, :]), P_SPEC),
    Entry("prml-5.52-slip-zj", PRML, "5.3.1 (5.52)", P_FWD, r"\frac{\partial a_j}{\partial w_{ji}} = z_j",
          False, lambda m: (_diag(m.jac("a1", "W1")), m.h1[:, None]), P_SPEC, slip=True,
          note="the unit's own output for its input"),
    Entry("prml-5.56", PRML, "5.3.1 (5.56)", P_FWD, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k",
          True, lambda m: (m.grad("a1"), m.fp(m.a1) * (m.W2.T @ m.grad("a2"))), P_SPEC),
    Entry("prml-5.56-slip-h", PRML, "5.3.1 (5.56)", P_FWD, r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k",
          False, lambda m: (m.grad("a1"), m.f(m.a1) * (m.W2.T @ m.grad("a2"))), P_SPEC, slip=True,
          note="h for h'"),
    Entry("prml-5.56-slip-transposed", PRML, "5.3.1 (5.56)", P_FWD,
          r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k",
          False, lambda m: (m.grad("a1"), m.fp(m.a1) * (m.W2 @ m.grad("a2"))), dict(P_SPEC, square="JK"),
          slip=True, note="w_{jk} for w_{kj}; the oracle reads w_{jk} as W2[j, k] at J = K"),
    Entry("prml-5.56-slip-nosum", PRML, "5.3.1 (5.56)", P_FWD, r"\delta_j = h'(a_j) w_{kj} \delta_k",
          False, lambda m: (m.grad("a1")[None, :], m.fp(m.a1)[None, :] * m.W2 * m.grad("a2")[:, None]),
          P_SPEC, slip=True, note="the sum over k forgotten"),
    Entry("prml-5.55-En", PRML, "5.3.1 (5.55)", P_FWD,
          r"\delta_j \equiv \frac{\partial E_n}{\partial a_j} = \sum_k \frac{\partial E_n}{\partial a_k} "
          r"\frac{\partial a_k}{\partial a_j}",
          True, lambda m: (m.grad("a1"), m.grad("a1"), m.grad("a2") @ m.jac("a2", "a1")), P_SPEC,
          note="as printed, E_n"),
    Entry("prml-5.54", PRML, "5.3.1 (5.54)", P_FWDY, r"\delta_k = y_k - t_k",
          True, lambda m: (m.grad("a2"), m.y - m.t), P_SOS, ("error sum-of-squares",),
          note="PRML states it for the sum-of-squares error with linear outputs"),
    Entry("prml-5.60", PRML, "5.3.2 (5.60)", P2_FWD, r"h'(a_j) = 1 - z_j^2",
          True, lambda m: (m.fp(m.a1), 1 - m.h1 ** 2), P2_SPEC, P2_DIR),
    Entry("prml-5.65", PRML, "5.3.2 (5.65)", P2_FWD, r"\delta_k = y_k - t_k",
          True, lambda m: (m.grad("a2"), m.y - m.t), P2_SPEC, P2_DIR),
    Entry("prml-5.66", PRML, "5.3.2 (5.66)", P2_FWD, r"\delta_j = (1 - z_j^2) \sum_{k=1}^{K} w_{kj} \delta_k",
          True, lambda m: (m.grad("a1"), (1 - m.h1 ** 2) * (m.W2.T @ m.grad("a2"))), P2_SPEC, P2_DIR),
    Entry("prml-5.66-slip-logistic", PRML, "5.3.2 (5.66)", P2_FWD,
          r"\delta_j = z_j (1 - z_j) \sum_{k=1}^{K} w_{kj} \delta_k",
          False, lambda m: (m.grad("a1"), m.h1 * (1 - m.h1) * (m.W2.T @ m.grad("a2"))), P2_SPEC, P2_DIR,
          slip=True, note="the logistic sigmoid's derivative used for tanh"),
    Entry("prml-5.65-superscript", PRML, "5.3.2 (5.65)", P2_FWD, r"\delta_k^{(2)} = y_k - t_k",
          True, lambda m: (m.grad("a2"), m.y - m.t), P2_SPEC, P2_DIR,
          note="the output layer's δ labelled (2), as lecture transcriptions of PRML do"),
    Entry("prml-5.66-superscript-slip-layer", PRML, "5.3.2 (5.66)", P2_FWD,
          r"\delta_j^{(1)} = (1 - z_j^2) \sum_{k=1}^{K} w_{kj} \delta_k^{(1)}",
          False, lambda m: (m.grad("a1"), (1 - m.h1 ** 2) * (m.W2.T @ m.grad("a1"))),
          dict(P2_SPEC, square="JK"), P2_DIR, slip=True,
          note="wrong layer: δ^{(1)}_k for δ^{(2)}_k (the oracle reads δ^{(1)}_k as the hidden δ at J = K)"),
    Entry("prml-5.67-w1", PRML, "5.3.2 (5.67)", P2_FWD,
          r"\frac{\partial E_n}{\partial w^{(1)}_{ji}} = \delta_j x_i",
          True, lambda m: (m.grad("W1"), m.grad("a1")[:, None] * m.x[None, :]), P2_SPEC, P2_DIR,
          note="as printed: layer superscript (1), E_n"),
    Entry("prml-5.73", PRML, "5.3.4 (5.73)", P4_FWD,
          r"\frac{\partial y_k}{\partial x_i} = \sum_j w_{ji} \frac{\partial y_k}{\partial a_j}",
          True, lambda m: (m.jac("y", "x"), m.jac("y", "a1") @ m.W1), P4_SPEC),
    Entry("prml-5.73-J", PRML, "5.3.4 (5.70, 5.73)", P4_FWD,
          r"J_{ki} = \frac{\partial y_k}{\partial x_i} = \sum_j w_{ji} \frac{\partial y_k}{\partial a_j}",
          True, lambda m: (m.jac("y", "x"), m.jac("y", "x"), m.jac("y", "a1") @ m.W1), P4_SPEC,
          note="as printed, with the Jacobian J_{ki} of (5.70)"),
    Entry("prml-5.74", PRML, "5.3.4 (5.74)", P4_FWD,
          r"\frac{\partial y_k}{\partial a_j} = h'(a_j) \sum_l w_{lj} \frac{\partial y_k}{\partial a_l}",
          True, lambda m: (m.jac("y", "a1"), m.fp(m.a1)[None, :] * (m.jac("y", "a2") @ m.W2)), P4_SPEC,
          ("index l : k",), note="l runs over the outputs, as k does"),
    Entry("prml-5.74-slip-noh", PRML, "5.3.4 (5.74)", P4_FWD,
          r"\frac{\partial y_k}{\partial a_j} = \sum_l w_{lj} \frac{\partial y_k}{\partial a_l}",
          False, lambda m: (m.jac("y", "a1"), m.jac("y", "a2") @ m.W2), P4_SPEC, ("index l : k",),
          slip=True, note="h'(a_j) dropped"),
    Entry("prml-5.75", PRML, "5.3.4 (5.75)", P4_FWD,
          r"\frac{\partial y_k}{\partial a_l} = \delta_{kl} \sigma'(a_l)",
          True, lambda m: (m.jac("y", "a2"), m.gp(m.a2).diag()), P4_SPEC, ("index l : k",),
          note="Kronecker delta written \\delta_{kl}, as printed"),
    Entry("prml-5.75-iverson", PRML, "5.3.4 (5.75)", P4_FWD,
          r"\frac{\partial y_k}{\partial a_l} = [k = l] \sigma'(a_l)",
          True, lambda m: (m.jac("y", "a2"), m.gp(m.a2).diag()), P4_SPEC, ("index l : k",),
          note="the Kronecker delta in symbp's spelling [k = l] (a control, not PRML's notation)"),
    Entry("prml-5.75-slip-nodelta", PRML, "5.3.4 (5.75)", P4_FWD,
          r"\frac{\partial y_k}{\partial a_l} = \sigma'(a_l)",
          False, lambda m: (m.jac("y", "a2"), m.gp(m.a2)[None, :]), P4_SPEC, ("index l : k",), slip=True,
          note="the Kronecker delta forgotten"),
    Entry("prml-5.76", PRML, "5.3.4 (5.76)", P4_SOFTMAX,
          r"\frac{\partial y_k}{\partial a_l} = \delta_{kl} y_k - y_k y_l",
          True, lambda m: (m.jac("y", "a2"), m.y.diag() - m.y[:, None] * m.y[None, :]),
          dict(bias=False, out="softmax", err="sos"), ("index l : k",), note="softmax outputs"),
    # the biases as the weights of a unit 0 (5.8): i runs over 0..D, the bias's w_{j0} included
    Entry("prml-5.53-unit0", PRML, "5.1 (5.8), 5.3.1 (5.53)", P0_FWD,
          r"\frac{\partial E_n}{\partial w_{ji}} = \delta_j x_i",
          True, lambda m: (_cat0(m.grad("W1"), m.grad("b1")), m.grad("a1")[:, None] * _ones0(m.x)[None, :]),
          P0_SPEC, note="for every i in 0..D, with x_0 = 1: the bias's gradient is the i = 0 case"),
    Entry("prml-5.53-bias", PRML, "5.1 (5.8), 5.3.1 (5.53)", P0_FWD,
          r"\frac{\partial E_n}{\partial w_{j0}} = \delta_j",
          True, lambda m: (m.grad("b1"), m.grad("a1")), P0_SPEC, note="a numeric index: the bias's weight"),
    Entry("prml-5.53-bias-output", PRML, "5.1 (5.9), 5.3.1 (5.53)", P0_FWD,
          r"\frac{\partial E_n}{\partial w_{kj}} = \delta_k z_j",
          True, lambda m: (_cat0(m.grad("W2"), m.grad("b2")), m.grad("a2")[:, None] * _ones0(m.h1)[None, :]),
          P0_SPEC, note="j over 0..M with z_0 = 1"),
    Entry("prml-5.8-slip-nobias", PRML, "5.1 (5.8)", P0_FWD, r"a_j = \sum_{i=1}^{D} w_{ji} x_i",
          False, lambda m: (m.a1, m.W1 @ m.x), P0_SPEC, slip=True,
          note="the sum from 1: the bias's unit x_0 dropped"),
    Entry("prml-5.53-bias-slip-x0", PRML, "5.1 (5.8), 5.3.1 (5.53)", P0_FWD,
          r"\frac{\partial E_n}{\partial w_{k0}} = 0",
          False, lambda m: (m.grad("b2"), 0 * m.grad("b2")), P0_SPEC, slip=True,
          note="the bias taken for a constant"),
    Entry("prml-5.2-bias", PRML, "5.1 (5.2), 5.3.1 (5.53)", P0_OUT,
          r"\frac{\partial E_n}{\partial w_{j0}} = \delta_j",
          True, lambda m: (m.grad("b1"), m.grad("a1")), P0_SPEC, note="the bias written out, w_{j0}"),
    # the total error over the patterns (5.44): E = sum_n E_n
    Entry("prml-5.44-sum", PRML, "5.2.4 (5.44), 5.3.1 (5.53)", PN_FWD,
          r"\frac{\partial E}{\partial w_{ji}} = \sum_n \frac{\partial E_n}{\partial w_{ji}}"
          r" = \sum_n \delta_j z_i",
          True, lambda m: (lambda t: (t[0], t[1], t[1]))(_patterns(m)), P_SPEC,
          note="the gradient of the total error, pattern by pattern"),
    Entry("prml-5.44-slip-nosum", PRML, "5.2.4 (5.44), 5.3.1 (5.53)", PN_FWD,
          r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_i",
          False, lambda m: (lambda t: (t[0], t[2]))(_patterns(m)), P_SPEC, slip=True,
          note="the sum over the patterns dropped (one pattern's gradient for the total's)"),
]

# ---------------------------------------------------------------------------------------------
# NNDL ch. 2 (Nielsen): z_j = sum_k w_{jk} a_k + b_j, a_j = sigma(z_j), cost C; delta_j = dC/dz_j.
N_FWD = (r"z_j = \sum_k w_{jk} a_k + b_j", r"a_j = \sigma(z_j)")
N_SPEC = dict(one_layer=True)
N2_FWD = (r"z_j = \sum_i w_{ji} a_i + b_j", r"a_j = \sigma(z_j)", r"z_k = \sum_j w_{kj} a_j + b_k",
          r"a_k = \sigma(z_k)")
N2_SPEC = dict(out="hidden")
NL_FWD = (r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j", r"a^l_j = \sigma(z^l_j)")

ENTRIES += [
    Entry("nndl-bp3", NNDL, "BP3", N_FWD, r"\frac{\partial C}{\partial b_j} = \delta_j",
          True, lambda m: (m.grad("b1"), m.grad("a1")), N_SPEC, note="as printed (layer l dropped), cost C"),
    Entry("nndl-bp3-E", NNDL, "BP3", N_FWD, r"\frac{\partial E}{\partial b_j} = \delta_j",
          True, lambda m: (m.grad("b1"), m.grad("a1")), N_SPEC, note="C written E, the letter symbp knows"),
    Entry("nndl-bp3-slip-sigma'", NNDL, "BP3", N_FWD,
          r"\frac{\partial E}{\partial b_j} = \delta_j \sigma'(z_j)",
          False, lambda m: (m.grad("b1"), m.grad("a1") * m.fp(m.a1)), N_SPEC, slip=True,
          note="an extra sigma' (issue 12's example); C written E"),
    Entry("nndl-bp4", NNDL, "BP4", N_FWD, r"\frac{\partial C}{\partial w_{jk}} = a_k \delta_j",
          True, lambda m: (m.grad("W1"), m.x[None, :] * m.grad("a1")[:, None]), N_SPEC),
    Entry("nndl-bp4-E", NNDL, "BP4", N_FWD, r"\frac{\partial E}{\partial w_{jk}} = a_k \delta_j",
          True, lambda m: (m.grad("W1"), m.x[None, :] * m.grad("a1")[:, None]), N_SPEC, note="C written E"),
    Entry("nndl-bp4-slip-sigma'", NNDL, "BP4", N_FWD,
          r"\frac{\partial E}{\partial w_{jk}} = a_k \delta_j \sigma'(z_j)",
          False, lambda m: (m.grad("W1"), m.x[None, :] * (m.grad("a1") * m.fp(m.a1))[:, None]), N_SPEC,
          slip=True, note="an extra sigma'; C written E"),
    Entry("nndl-bp1", NNDL, "BP1", N_FWD, r"\delta_j = \frac{\partial C}{\partial a_j} \sigma'(z_j)",
          True, lambda m: (m.grad("a1"), m.grad("h1") * m.fp(m.a1)), N_SPEC),
    Entry("nndl-bp1-E", NNDL, "BP1", N_FWD, r"\delta_j = \frac{\partial E}{\partial a_j} \sigma'(z_j)",
          True, lambda m: (m.grad("a1"), m.grad("h1") * m.fp(m.a1)), N_SPEC, note="C written E"),
    Entry("nndl-bp1-slip-nosigma'", NNDL, "BP1", N_FWD, r"\delta_j = \frac{\partial E}{\partial a_j}",
          False, lambda m: (m.grad("a1"), m.grad("h1")), N_SPEC, slip=True,
          note="sigma'(z_j) forgotten; C written E"),
    Entry("nndl-bp2", NNDL, "BP2 (component form, eq. 42)", N2_FWD,
          r"\delta_j = \sum_k w_{kj} \delta_k \sigma'(z_j)",
          True, lambda m: (m.grad("a1"), (m.W2.T @ m.grad("a2")) * m.fp(m.a1)), N2_SPEC,
          note="layers l, l+1 given the index letters j, k"),
    Entry("nndl-bp2-slip-transposed", NNDL, "BP2", N2_FWD, r"\delta_j = \sum_k w_{jk} \delta_k \sigma'(z_j)",
          False, lambda m: (m.grad("a1"), (m.W2 @ m.grad("a2")) * m.fp(m.a1)), dict(N2_SPEC, square="JK"),
          slip=True, note="w_{jk} for w_{kj}: BP2's transpose forgotten"),
    Entry("nndl-bp2-layers", NNDL, "BP2 (eq. 42)", NL_FWD,
          r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)",
          True, lambda m: (m.grad("a1"), (m.W2.T @ m.grad("a2")) * m.fp(m.a1)), N2_SPEC, ("layers l = 1..L",),
          note="as printed, with layer superscripts, for a layer l of Nielsen's L-layer network"),
    Entry("nndl-quadratic", NNDL, "eq. (26) and BP1", N_FWD + (r"C = \frac{1}{2} \sum_j (y_j - a_j)^2",),
          r"\frac{\partial C}{\partial a_j} = a_j - y_j",
          True, lambda m: (m.grad("h1"), m.h1 - m.t), dict(N_SPEC, err="sos"),
          note="the quadratic cost, y the target (Nielsen's letter)"),
    Entry("nndl-quadratic-slip-sign", NNDL, "eq. (26) and BP1",
          N_FWD + (r"C = \frac{1}{2} \sum_j (y_j - a_j)^2",), r"\frac{\partial C}{\partial a_j} = y_j - a_j",
          False, lambda m: (m.grad("h1"), m.t - m.h1), dict(N_SPEC, err="sos"), slip=True),
]

# ---------------------------------------------------------------------------------------------
# Graves 2012 §3.1: a_h = sum_i w_{ih} x_i, b_h = theta_h(a_h); delta_j = dO/da_j.
G_FWD = (r"a_h = \sum_{i=1}^{I} w_{ih} x_i", r"b_h = \theta_h(a_h)", r"a_k = \sum_{h=1}^{H} w_{hk} b_h")
G_FWD_PLAIN = (r"a_h = \sum_{i=1}^{I} w_{ih} x_i", r"b_h = \theta(a_h)", r"a_k = \sum_{h=1}^{H} w_{hk} b_h")
G_DIR = ("params w",)
G_SPEC = dict(bias=False)
G_SOFTMAX = G_FWD_PLAIN + (r"y_k = \frac{e^{a_k}}{\sum_{k'=1}^{K} e^{a_{k'}}}",
                          r"O = -\sum_{k=1}^{K} z_k \ln y_k")
#: Graves's targets z_k are 1-of-K (one-hot): y_k - z_k holds only where they sum to 1
G_SOFTMAX_DIR = G_DIR + ("targets z one-hot",)

ENTRIES += [
    Entry("graves-theta-slip", GRAVES, "§3.1.1, the activation b_h = θ_h(a_h)", G_FWD,
          r"\frac{\partial b_h}{\partial a_h} = \theta_h",
          False, lambda m: (m.jac("h1", "a1").diagonal(), m.h1), G_SPEC, G_DIR, slip=True,
          note="θ_h for θ_h'; issue 12's example (the oracle reads θ_h as the value θ_h(a_h))"),
    Entry("graves-3.1.3-delta-h", GRAVES, "§3.1.3, hidden δ_h", G_FWD,
          r"\delta_h = \theta'(a_h) \sum_{k=1}^{K} \delta_k w_{hk}",
          True, lambda m: (m.grad("a1"), m.fp(m.a1) * (m.W2.T @ m.grad("a2"))), G_SPEC, G_DIR,
          note="as printed: θ' without the subscript of θ_h"),
    Entry("graves-3.1.3-delta-h-slip-theta", GRAVES, "§3.1.3, hidden δ_h", G_FWD,
          r"\delta_h = \theta_h \sum_{k=1}^{K} \delta_k w_{hk}",
          False, lambda m: (m.grad("a1"), m.h1 * (m.W2.T @ m.grad("a2"))), G_SPEC, G_DIR, slip=True,
          note="θ_h for θ'(a_h) (the oracle reads θ_h as θ_h(a_h))"),
    Entry("graves-3.1.3-dw-O", GRAVES, "§3.1.3, weight derivative", G_FWD,
          r"\frac{\partial O}{\partial w_{hk}} = \delta_k b_h",
          True, lambda m: (m.grad("W2").T, m.h1[:, None] * m.grad("a2")[None, :]), G_SPEC, G_DIR,
          note="as printed, loss O"),
    Entry("graves-3.1.3-dw-E", GRAVES, "§3.1.3, weight derivative", G_FWD,
          r"\frac{\partial E}{\partial w_{hk}} = \delta_k b_h",
          True, lambda m: (m.grad("W2").T, m.h1[:, None] * m.grad("a2")[None, :]), G_SPEC, G_DIR,
          note="O written E"),
    Entry("graves-3.1.3-dw-slip-a", GRAVES, "§3.1.3, weight derivative", G_FWD,
          r"\frac{\partial E}{\partial w_{hk}} = \delta_k a_h",
          False, lambda m: (m.grad("W2").T, m.a1[:, None] * m.grad("a2")[None, :]), G_SPEC, G_DIR, slip=True,
          note="the hidden unit's input a_h for its activation b_h; O written E"),
    Entry("graves-theta-plain", GRAVES, "§3.1.3, dθ/da", G_FWD_PLAIN,
          r"\frac{\partial b_h}{\partial a_h} = \theta'(a_h)",
          True, lambda m: (m.jac("h1", "a1").diagonal(), m.fp(m.a1)), G_SPEC, G_DIR,
          note="θ_h written θ"),
    Entry("graves-theta-plain-slip", GRAVES, "§3.1.3, dθ/da", G_FWD_PLAIN,
          r"\frac{\partial b_h}{\partial a_h} = \theta(a_h)",
          False, lambda m: (m.jac("h1", "a1").diagonal(), m.f(m.a1)), G_SPEC, G_DIR, slip=True,
          note="θ for θ'; θ_h written θ"),
    Entry("graves-3.1.2-softmax", GRAVES, "§3.1.2-3.1.3, softmax and cross-entropy", G_SOFTMAX,
          r"\frac{\partial O}{\partial a_k} = y_k - z_k",
          True, lambda m: (m.grad("a2"), m.y - m.t), dict(bias=False, out="softmax", err="nll"),
          G_SOFTMAX_DIR,
          note="z_k the target"),
    Entry("graves-3.1.2-softmax-slip-sign", GRAVES, "§3.1.2-3.1.3, softmax and cross-entropy", G_SOFTMAX,
          r"\frac{\partial O}{\partial a_k} = z_k - y_k",
          False, lambda m: (m.grad("a2"), m.t - m.y), dict(bias=False, out="softmax", err="nll"),
          G_SOFTMAX_DIR,
          slip=True),
]

# ---------------------------------------------------------------------------------------------
# Goodfellow 6.5 (Algorithm 6.4 with indices): a = b + W h, h = f(a), cost J.
F_FWD = (r"a_j = b_j + \sum_i W_{ji} x_i", r"h_j = f(a_j)", r"a_k = b_k + \sum_j W_{kj} h_j")
F_DIR = ("params W, b",)
F_RELU = (r"a_j = b_j + \sum_i W_{ji} x_i", r"h_j = \max\left(0, a_j\right)",
          r"a_k = b_k + \sum_j W_{kj} h_j")
F_LAYERS = (r"a^{(k)}_i = b^{(k)}_i + \sum_j W^{(k)}_{ij} h^{(k-1)}_j", r"h^{(k)}_i = f(a^{(k)}_i)")

ENTRIES += [
    Entry("good-6.4-g", GOOD, "Alg. 6.4, g ← g ⊙ f'(a)", F_FWD,
          r"\frac{\partial J}{\partial a_j} = \frac{\partial J}{\partial h_j} f'(a_j)",
          True, lambda m: (m.grad("a1"), m.grad("h1") * m.fp(m.a1)), {}, F_DIR, note="cost J, as printed"),
    Entry("good-6.4-g-slip-f", GOOD, "Alg. 6.4, g ← g ⊙ f'(a)", F_FWD,
          r"\frac{\partial J}{\partial a_j} = \frac{\partial J}{\partial h_j} f(a_j)",
          False, lambda m: (m.grad("a1"), m.grad("h1") * m.f(m.a1)), {}, F_DIR, slip=True, note="f for f'"),
    Entry("good-6.4-g-E", GOOD, "Alg. 6.4, g ← g ⊙ f'(a)", F_FWD,
          r"\frac{\partial E}{\partial a_j} = \frac{\partial E}{\partial h_j} f'(a_j)",
          True, lambda m: (m.grad("a1"), m.grad("h1") * m.fp(m.a1)), {}, F_DIR, note="J written E"),
    Entry("good-6.4-g-E-slip-f", GOOD, "Alg. 6.4, g ← g ⊙ f'(a)", F_FWD,
          r"\frac{\partial E}{\partial a_j} = \frac{\partial E}{\partial h_j} f(a_j)",
          False, lambda m: (m.grad("a1"), m.grad("h1") * m.f(m.a1)), {}, F_DIR, slip=True,
          note="f for f'; J written E"),
    Entry("good-6.4-b", GOOD, "Alg. 6.4, ∇_b J = g", F_FWD,
          r"\frac{\partial E}{\partial b_j} = \frac{\partial E}{\partial a_j}",
          True, lambda m: (m.grad("b1"), m.grad("a1")), {}, F_DIR, note="J written E"),
    Entry("good-6.4-b-slip-J", GOOD, "Alg. 6.4, ∇_b J = g", F_FWD,
          r"\frac{\partial J}{\partial b_j} = \frac{\partial J}{\partial h_j}",
          False, lambda m: (m.grad("b1"), m.grad("h1")), {}, F_DIR, slip=True,
          note="the derivative by h for the one by a (f' lost); cost J as printed"),
    Entry("good-6.4-W", GOOD, "Alg. 6.4, ∇_W J = g h^T", F_FWD,
          r"\frac{\partial E}{\partial W_{kj}} = \frac{\partial E}{\partial a_k} h_j",
          True, lambda m: (m.grad("W2"), m.grad("a2")[:, None] * m.h1[None, :]), {}, F_DIR,
          note="J written E"),
    Entry("good-6.4-h", GOOD, "Alg. 6.4, ∇_h J = W^T g", F_FWD,
          r"\frac{\partial E}{\partial h_j} = \sum_k W_{kj} \frac{\partial E}{\partial a_k}",
          True, lambda m: (m.grad("h1"), m.W2.T @ m.grad("a2")), {}, F_DIR, note="J written E"),
    Entry("good-6.4-h-J-slip-transposed", GOOD, "Alg. 6.4, ∇_h J = W^T g", F_FWD,
          r"\frac{\partial J}{\partial h_j} = \sum_k W_{jk} \frac{\partial J}{\partial a_k}",
          False, lambda m: (m.grad("h1"), m.W2 @ m.grad("a2")), dict(square="JK"), F_DIR, slip=True,
          note="W_{jk} for W_{kj}: the transpose of W^T forgotten; cost J as printed"),
    Entry("good-6.4-relu", GOOD, "Alg. 6.4 with the rectifier g(z) = max{0, z} (6.3.1)", F_RELU,
          r"\frac{\partial J}{\partial a_j} = \frac{\partial J}{\partial h_j} [a_j > 0]",
          True, lambda m: (m.grad("a1"), m.grad("h1") * (m.a1 > 0)), dict(hidden="relu"), F_DIR,
          note="g ⊙ f'(a) with f the ReLU written out, its derivative as a gate"),
    Entry("good-6.4-relu-slip-f", GOOD, "Alg. 6.4 with the rectifier g(z) = max{0, z} (6.3.1)", F_RELU,
          r"\frac{\partial J}{\partial a_j} = \frac{\partial J}{\partial h_j} \max(0, a_j)",
          False, lambda m: (m.grad("a1"), m.grad("h1") * torch_relu(m.a1)), dict(hidden="relu"), F_DIR,
          slip=True, note="f for f'"),
    Entry("good-6.4-layers", GOOD, "Alg. 6.4, ∇_b J = g, with layers", F_LAYERS,
          r"\frac{\partial J}{\partial b^{(k)}_i} = \frac{\partial J}{\partial a^{(k)}_i}",
          True, lambda m: (m.grad("b1"), m.grad("a1")), {}, F_DIR,
          note="as printed, with layer superscripts"),
]

# ---------------------------------------------------------------------------------------------
# CS231n notes: s = W x + b (W_{ij} from input i to score j, as in X.dot(W)), sigma logistic.
C_FWD = (r"s_j = \sum_i W_{ij} x_i + b_j", r"p_j = \sigma(s_j)")
C_DIR = ("params W, b", r"activation \sigma = logistic")
C_SPEC = dict(one_layer=True, hidden="logistic")
C2_FWD = (r"s_j = \sum_i W_{ij} x_i + b_j", r"h_j = \sigma(s_j)", r"s_k = \sum_j W_{jk} h_j + b_k")
C_RELU = (r"s_j = \sum_i W_{ij} x_i + b_j", r"h_j = \max(0, s_j)", r"s_k = \sum_j W_{jk} h_j + b_k")

ENTRIES += [
    Entry("cs231n-sigmoid", CS, "Backprop intuitions, sigmoid gate", C_FWD,
          r"\sigma'(s_j) = (1 - \sigma(s_j)) \sigma(s_j)",
          True, lambda m: (m.fp(m.a1), (1 - m.f(m.a1)) * m.f(m.a1)), C_SPEC, C_DIR),
    Entry("cs231n-sigmoid-dx", CS, "Backprop intuitions, sigmoid gate", C_FWD,
          r"\frac{d\sigma(x)}{dx} = (1 - \sigma(x)) \sigma(x)",
          True, lambda m: (m.fp(m.a1), (1 - m.f(m.a1)) * m.f(m.a1)), C_SPEC, C_DIR,
          note="as printed, a total derivative of the scalar function"),
    Entry("cs231n-sigmoid-slip-tanh", CS, "Backprop intuitions, sigmoid gate", C_FWD,
          r"\sigma'(s_j) = 1 - \sigma(s_j)^2",
          False, lambda m: (m.fp(m.a1), 1 - m.f(m.a1) ** 2), C_SPEC, C_DIR, slip=True,
          note="tanh's derivative rule for the sigmoid"),
    Entry("cs231n-dW-L", CS, "Case study, dW = X^T dscores", C_FWD,
          r"\frac{\partial L}{\partial W_{ij}} = x_i \frac{\partial L}{\partial s_j}",
          True, lambda m: (m.grad("W1").T, m.x[:, None] * m.grad("a1")[None, :]), C_SPEC, C_DIR,
          note="one example, loss L"),
    Entry("cs231n-dW-E", CS, "Case study, dW = X^T dscores", C_FWD,
          r"\frac{\partial E}{\partial W_{ij}} = x_i \frac{\partial E}{\partial s_j}",
          True, lambda m: (m.grad("W1").T, m.x[:, None] * m.grad("a1")[None, :]), C_SPEC, C_DIR,
          note="L written E"),
    Entry("cs231n-dW-slip-transposed", CS, "Case study, dW = X^T dscores", C_FWD,
          r"\frac{\partial E}{\partial W_{ij}} = x_j \frac{\partial E}{\partial s_i}",
          False, lambda m: (m.grad("W1").T, m.grad("a1")[:, None] * m.x[None, :]), dict(C_SPEC, square="IJ"),
          C_DIR, slip=True, note="dW = dscores X^T, without the transpose"),
    Entry("cs231n-dhidden-slip-passthrough", CS, "Case study, backprop into the hidden layer", C2_FWD,
          r"\frac{\partial E}{\partial s_j} = \frac{\partial E}{\partial h_j}",
          False, lambda m: (m.grad("a1"), m.grad("h1")), dict(hidden="logistic"), C_DIR, slip=True,
          note="the local gradient of the nonlinearity forgotten"),
    Entry("cs231n-relu", CS, "Case study, dhidden[hidden <= 0] = 0", C_RELU,
          r"\frac{\partial E}{\partial s_j} = \frac{\partial E}{\partial h_j} [s_j > 0]",
          True, lambda m: (m.grad("a1"), m.grad("h1") * (m.a1 > 0)), dict(hidden="relu"), ("params W, b",),
          note="the ReLU's gate, an Iverson bracket"),
    Entry("cs231n-relu-dW", CS, "Case study, dW2 = hidden_layer.T.dot(dscores)", C_RELU,
          r"\frac{\partial E}{\partial W_{jk}} = \max(s_j, 0) \frac{\partial E}{\partial s_k}",
          True, lambda m: (m.grad("W2").T, m.h1[:, None] * m.grad("a2")[None, :]), dict(hidden="relu"),
          ("params W, b",), note="the ReLU written with its argument first"),
    Entry("cs231n-relu-slip-nogate", CS, "Case study, dhidden[hidden <= 0] = 0", C_RELU,
          r"\frac{\partial E}{\partial s_j} = \frac{\partial E}{\partial h_j}",
          False, lambda m: (m.grad("a1"), m.grad("h1")), dict(hidden="relu"), ("params W, b",), slip=True,
          note="the gate forgotten: the gradient passed through the ReLU unchanged"),
    Entry("cs231n-relu-slip-max", CS, "Case study, dhidden[hidden <= 0] = 0", C_RELU,
          r"\frac{\partial E}{\partial s_j} = \frac{\partial E}{\partial h_j} \max(0, s_j)",
          False, lambda m: (m.grad("a1"), m.grad("h1") * torch_relu(m.a1)), dict(hidden="relu"),
          ("params W, b",), slip=True, note="the ReLU for its derivative"),
]

# CS231n's softmax classifier (Linear classification; case study): scores f = W x_i, p = softmax(f),
# L_i = -log p_{y_i} with the class label y_i an integer (PyTorch's cross_entropy with an integer
# target decides), dL_i/df_k = p_k - 1(y_i = k).
CS_SOFT = (r"f_k = \sum_d W_{kd} x_d", r"p_k = \frac{e^{f_k}}{\sum_j e^{f_j}}", r"L_i = -\log p_{y_i}")
CS_SOFT_DIR = ("params W", "error L", "index j : k", "class label y")
CS_SOFT_SPEC = dict(one_layer=True, hidden="softmax", err="label", bias=False)

ENTRIES += [
    Entry("cs231n-softmax-loss", CS, "Linear classification, softmax classifier", CS_SOFT,
          r"L_i = -\log \frac{e^{f_{y_i}}}{\sum_j e^{f_j}}",
          True, lambda m: (m.E, -torch_log_softmax(m.a1)[m.label]), CS_SOFT_SPEC, CS_SOFT_DIR,
          note="the class label y_i as an index, declared"),
    Entry("cs231n-softmax-df", CS, "Case study, dscores = probs; dscores[y] -= 1", CS_SOFT,
          r"\frac{\partial L_i}{\partial f_k} = p_k - \mathbb{1}(y_i = k)",
          True, lambda m: (m.grad("a1"), m.h1 - m.t), CS_SOFT_SPEC, CS_SOFT_DIR),
    Entry("cs231n-softmax-df-true-class", CS, "Case study, dscores = probs; dscores[y] -= 1", CS_SOFT,
          r"\frac{\partial L_i}{\partial f_{y_i}} = p_{y_i} - 1",
          True, lambda m: (m.grad("a1")[m.label], m.h1[m.label] - 1), CS_SOFT_SPEC, CS_SOFT_DIR),
    Entry("cs231n-softmax-slip-no-indicator", CS, "Case study, dscores = probs; dscores[y] -= 1", CS_SOFT,
          r"\frac{\partial L_i}{\partial f_k} = p_k - 1",
          False, lambda m: (m.grad("a1"), m.h1 - 1), CS_SOFT_SPEC, CS_SOFT_DIR, slip=True,
          note="the 1 subtracted at every class"),
    Entry("cs231n-softmax-slip-sign", CS, "Case study, dscores = probs; dscores[y] -= 1", CS_SOFT,
          r"\frac{\partial L_i}{\partial f_k} = \mathbb{1}(y_i = k) - p_k",
          False, lambda m: (m.grad("a1"), m.t - m.h1), CS_SOFT_SPEC, CS_SOFT_DIR, slip=True),
    Entry("cs231n-softmax-slip-log-pk", CS, "Linear classification, softmax classifier", CS_SOFT,
          r"L_i = -\log p_k",
          False, lambda m: (m.E, -torch_log(m.h1)), CS_SOFT_SPEC, CS_SOFT_DIR, slip=True,
          note="the probability of class k for the true class's"),
]

# ---------------------------------------------------------------------------------------------
# Ng: CS294A notes (z = W a + b, a = f(z), cost J, delta = dJ/dz); CS229; deeplearning.ai.
M_FWD = (r"z_j = \sum_i W_{ji} x_i + b_j", r"a_j = f(z_j)", r"z_k = \sum_j W_{kj} a_j + b_k", r"a_k = f(z_k)")
M_DIR = ("params W, b",)
M_SPEC = dict(out="hidden")
#: the cost of one example, J(W, b; x, y) = 1/2 ||h_{W,b}(x) - y||^2 (CS294A §2.1), y the target
M_COST = r"J = \frac{1}{2} \sum_k (a_k - y_k)^2"
M_LAYERS = (r"z^{(l+1)}_i = \sum_j W^{(l)}_{ij} a^{(l)}_j + b^{(l)}_i", r"a^{(l+1)}_i = f(z^{(l+1)}_i)")
M_COURSERA = (r"z^{[1]} = W^{[1]} x + b^{[1]}", r"a^{[1]} = g^{[1]}(z^{[1]})",
              r"z^{[2]} = W^{[2]} a^{[1]} + b^{[2]}", r"a^{[2]} = \sigma(z^{[2]})")
M_BCE = dict(out="logistic", err="bce")

ENTRIES += [
    Entry("ng-294a-delta", NG, "CS294A §2.2, step 3", M_FWD,
          r"\delta_j = \left( \sum_k W_{kj} \delta_k \right) f'(z_j)",
          True, lambda m: (m.grad("a1"), (m.W2.T @ m.grad("a2")) * m.fp(m.a1)), M_SPEC, M_DIR,
          note="layers l, l+1 given the index letters j, k"),
    Entry("ng-294a-delta-slip-transposed", NG, "CS294A §2.2, step 3", M_FWD,
          r"\delta_j = \left( \sum_k W_{jk} \delta_k \right) f'(z_j)",
          False, lambda m: (m.grad("a1"), (m.W2 @ m.grad("a2")) * m.fp(m.a1)), dict(M_SPEC, square="JK"),
          M_DIR, slip=True),
    Entry("ng-294a-dW-J", NG, "CS294A §2.2, step 4", M_FWD,
          r"\frac{\partial J}{\partial W_{kj}} = a_j \delta_k",
          True, lambda m: (m.grad("W2"), m.h1[None, :] * m.grad("a2")[:, None]), M_SPEC, M_DIR,
          note="cost J, as printed"),
    Entry("ng-294a-dW-E", NG, "CS294A §2.2, step 4", M_FWD,
          r"\frac{\partial E}{\partial W_{kj}} = a_j \delta_k",
          True, lambda m: (m.grad("W2"), m.h1[None, :] * m.grad("a2")[:, None]), M_SPEC, M_DIR,
          note="J written E"),
    Entry("ng-294a-dW-slip-f'", NG, "CS294A §2.2, step 4", M_FWD,
          r"\frac{\partial E}{\partial W_{kj}} = a_j \delta_k f'(z_k)",
          False, lambda m: (m.grad("W2"), m.h1[None, :] * (m.grad("a2") * m.fp(m.a2))[:, None]), M_SPEC,
          M_DIR, slip=True, note="an extra f'; J written E"),
    Entry("ng-294a-db-E", NG, "CS294A §2.2, step 4", M_FWD, r"\frac{\partial E}{\partial b_k} = \delta_k",
          True, lambda m: (m.grad("b2"), m.grad("a2")), M_SPEC, M_DIR, note="J written E"),
    Entry("ng-294a-db-slip-f'", NG, "CS294A §2.2, step 4", M_FWD,
          r"\frac{\partial E}{\partial b_k} = \delta_k f'(z_k)",
          False, lambda m: (m.grad("b2"), m.grad("a2") * m.fp(m.a2)), M_SPEC, M_DIR, slip=True,
          note="an extra f'; J written E"),
    Entry("ng-294a-output-slip-nof'", NG, "CS294A §2.2, step 2", M_FWD,
          r"\delta_k = \frac{\partial E}{\partial a_k}",
          False, lambda m: (m.grad("a2"), m.grad("y")), M_SPEC, M_DIR, slip=True,
          note="f'(z_k) forgotten: the derivative by the activation for the one by the input; J written E"),
    Entry("ng-294a-output", NG, "CS294A §2.2, step 2", M_FWD + (M_COST,), r"\delta_k = -(y_k - a_k) f'(z_k)",
          True, lambda m: (m.grad("a2"), -(m.t - m.y) * m.fp(m.a2)), dict(M_SPEC, err="sos"),
          M_DIR + ("error J",), note="J = 1/2 ||a - y||^2 (§2.1), y the target; J named the error, as "
          "it is also the size of j"),
    Entry("ng-294a-output-slip-sign", NG, "CS294A §2.2, step 2", M_FWD + (M_COST,),
          r"\delta_k = (y_k - a_k) f'(z_k)",
          False, lambda m: (m.grad("a2"), (m.t - m.y) * m.fp(m.a2)), dict(M_SPEC, err="sos"),
          M_DIR + ("error J",), slip=True, note="the minus sign dropped"),
    Entry("ng-294a-layers", NG, "CS294A §2.2, (6)", M_LAYERS,
          r"\frac{\partial}{\partial W^{(l)}_{ij}} J(W,b;x,y) = a^{(l)}_j \delta^{(l+1)}_i",
          True, lambda m: (m.grad("W1"), m.x[None, :] * m.grad("a1")[:, None]), M_SPEC, M_DIR,
          note="as printed (the oracle takes l = 1)"),
    Entry("ng-229-logistic", NG, "CS229 notes, g'(z) = g(z)(1 - g(z))",
          (r"z_j = \sum_i W_{ji} x_i + b_j", r"a_j = g(z_j)"), r"g'(z_j) = g(z_j) (1 - g(z_j))",
          True, lambda m: (m.fp(m.a1), m.f(m.a1) * (1 - m.f(m.a1))), dict(one_layer=True, hidden="logistic"),
          ("params W, b", "activation g = logistic")),
    Entry("ng-dlai-dz2", NG, "deeplearning.ai, dz^{[2]} = a^{[2]} - y", M_COURSERA, r"dz^{[2]} = a^{[2]} - y",
          True, lambda m: (m.grad("a2"), m.y - m.t), M_BCE, M_DIR,
          note="vector notation, logistic output and cross-entropy loss"),
]

SOURCES = (PRML, NNDL, GRAVES, GOOD, CS, NG)

# the field's entries, beyond two layers (generic layers and steps, convolutions, losses, batches)
from .entries_field import FIELD  # noqa: E402

ENTRIES += FIELD
BY_ID = {e.id: e for e in ENTRIES}
assert len(BY_ID) == len(ENTRIES), "duplicate entry ids"
