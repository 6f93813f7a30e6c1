"""Ground truth for the field's entries (:mod:`tests.corpus.entries_field`): PyTorch autograd on
networks beyond two layers, and none of symbp's code.

An entry's ``spec["net"]`` names one of the networks below; :func:`decide` builds it at every
configuration of :func:`configs` (depths or lengths, sizes, seeds, undefined functions and
errors) and asks the entry's ``oracle(m)`` for the claim's sides.  An oracle returns one tuple
of sides ``(lhs, rhs[, ...])`` (every link ``s_i = s_i+1``) or a list of them, one per layer
``l`` or step ``t`` the claim is about: a claim about "every layer l" is true only when it holds
at every ``l`` of every depth tried, one about "every step t" at every ``t`` of every length.
Indices are 1-based in the sources and 0-based here; every oracle translates by hand.

The networks, in the sources' letters:

* ``mlp``: Nielsen's L-layer perceptron, ``z^l = w^l a^{l-1} + b^l``, ``a^l = σ(z^l)``,
  ``a^0 = x``, the cost ``C`` a function of ``a^L``; ``w[l]`` is ``n_l × n_{l-1}``.  Depths
  ``L = 2, 3, 4`` with their own widths per layer.  ``out="softmax"`` makes the last layer a
  softmax, ``cost`` may be ``ce`` (Nielsen's cross-entropy with sigmoid outputs, targets in
  [0, 1]) or ``nll`` (``-Σ y ln a``, targets one-hot or probabilities: ``targets``).
* ``rnn``: Graves's recurrent layer unrolled to ``T = 1..4`` steps, ``a^t_h = Σ_i w_{ih} x^t_i +
  Σ_{h'} w_{h'h} b^{t-1}_{h'}``, ``b^t_h = θ(a^t_h)``, ``a^t_k = Σ_h w_{hk} b^t_h``, ``b^0 = 0``
  (or ``b^0_h = s_h``, a learned state, with ``init``); ``w_ih`` is ``I × H`` (indexed
  ``[i, h]`` as Graves writes ``w_{ih}``), ``w_hh`` is ``[h', h]``, ``w_hk`` is ``[h, k]``;
  the objective ``O`` a function of every step's outputs.
* ``conv1d``: ``a_j = Σ_m w_m x_{s(j-1)+m}`` (valid positions, stride ``s``), ``z_j = h(a_j)``,
  ``E`` a function of the ``z_j``; ``I = s(J-1) + M``.
* ``conv2d``: ``a_{ij} = Σ_a Σ_b w_{ab} x_{i+a-1, j+b-1}``, ``z_{ij} = h(a_{ij})``.
* ``batch``: Ng's batch, the examples in the columns: ``Z1 = W1 X + b1``, ``A1 = g(Z1)``,
  ``Z2 = W2 A1 + b2``, ``A2 = σ(Z2)`` (or ``g``), ``J = 1/m Σ_i L(A2^(i), Y^(i))``; ``dZ`` is
  ``m ∂J/∂Z`` (each example's gradient of its own loss), ``dW`` is ``∂J/∂W``.
* ``batchL``: Ng's deep batch, ``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = g^{[l]}(Z[l])`` for
  ``l = 1..L`` (``A[0] = X``, ``m`` columns), each layer's activation its own function (the
  undefined functions in turn, so that ``g^{[l]}`` and ``g^{[l+1]}`` differ), ``J`` the mean of
  the examples' losses; depths ``L = 2, 3, 4`` with the widths of ``mlp``.
* ``mlpavg``: ``mlp`` averaged over ``n = 2, 3`` inputs, ``C = 1/n Σ_x C_x`` (each input its own
  ``x`` and ``y``, the weights shared), ``C_x`` Nielsen's cross-entropy or the quadratic cost.
* ``avg``: Nielsen's ch. 3 average over ``n`` inputs, ``C = 1/n Σ_x C_x``, one sigmoid layer
  with the cross-entropy (or an undefined cost) per input.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch

from .oracle import ACTS, UNDEFINED_ACTS, UNDEFINED_ERRS, agree

torch.set_default_dtype(torch.float64)

SEEDS = (0, 1)


def _cost(kind: str, y: torch.Tensor, t: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """An error of the outputs ``y`` (any shape) and targets ``t``."""
    if kind == "sos":
        return 0.5 * ((y - t) ** 2).sum()
    if kind == "coupled":  # not separable over the outputs
        return torch.log(torch.cosh(y - t)).sum() + 0.5 * (c * y).sum() ** 2
    if kind == "softce":  # softmax cross-entropy of raw outputs, t probabilities (along dim 0)
        return -(t * torch.log_softmax(y, dim=0)).sum()
    if kind == "ce":  # Nielsen's cross-entropy, sigmoid outputs, targets in [0, 1]
        return -(t * torch.log(y) + (1 - t) * torch.log(1 - y)).sum()
    if kind == "nll":  # -sum t ln y, the outputs already probabilities
        return -(t * torch.log(y)).sum()
    raise ValueError(kind)


def _undefined_errs() -> tuple[str, ...]:
    return tuple("softce" if e == "ce" else e for e in UNDEFINED_ERRS)


def deriv(fn: Callable[[torch.Tensor], torch.Tensor], v: torch.Tensor) -> torch.Tensor:
    """``fn'`` at ``v``, elementwise (autograd)."""
    u = v.detach().clone().requires_grad_(True)
    (d,) = torch.autograd.grad(fn(u).sum(), u)
    return d


def mm(a: torch.Tensor | None, b: torch.Tensor | None) -> torch.Tensor | None:
    """``a @ b``, or None where the shapes do not fit (a side that is not defined)."""
    if a is None or b is None:
        return None
    try:
        return a @ b
    except RuntimeError:
        return None


def jac(o: torch.Tensor, i: torch.Tensor) -> torch.Tensor:
    """∂o/∂i indexed [o's indices..., i's indices...] (autograd, one row at a time)."""
    rows = [torch.autograd.grad(o.reshape(-1)[r], i, retain_graph=True, allow_unused=True)[0]
            for r in range(o.numel())]
    rows = [torch.zeros_like(i) if r is None else r for r in rows]
    return torch.stack(rows).reshape(*o.shape, *i.shape)


class _Base:
    E: torch.Tensor
    fname: str

    def f(self, v: torch.Tensor) -> torch.Tensor:
        return ACTS[self.fname](v)

    def fp(self, v: torch.Tensor) -> torch.Tensor:
        return deriv(self.f, v)

    def grad(self, v: torch.Tensor) -> torch.Tensor:
        """∂E/∂v (the cost C, objective O, cost J: each network's E) for a tensor of the graph."""
        (d,) = torch.autograd.grad(self.E, v, retain_graph=True, allow_unused=True)
        return torch.zeros_like(v) if d is None else d

    @staticmethod
    def targets(kind: str, shape: tuple[int, ...], gen: torch.Generator) -> torch.Tensor:
        if kind in ("softce", "prob"):
            return torch.softmax(torch.randn(*shape, generator=gen), dim=0)
        if kind == "onehot":
            k = torch.randint(shape[0], (1, *shape[1:]), generator=gen)
            return torch.zeros(*shape).scatter_(0, k, 1.0)
        if kind == "unit":  # in (0, 1), Nielsen's cross-entropy targets
            return torch.rand(*shape, generator=gen)
        return torch.randn(*shape, generator=gen)


def _rnd(gen: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return (scale * torch.randn(*shape, generator=gen)).requires_grad_(True)


class MLP(_Base):
    """Nielsen's L-layer network; ``w[l]``, ``b[l]``, ``z[l]``, ``a[l]`` for ``l = 1..L``
    (``w[0]`` is None, ``a[0] = x``)."""

    def __init__(self, widths: tuple[int, ...], seed: int, f: str, err: str, out: str | None = None,
                 targets: str | None = None) -> None:
        gen = torch.Generator().manual_seed(seed)
        self.L, self.n, self.fname, self.err = len(widths) - 1, widths, f, err
        self.outname = out or f
        self.x = _rnd(gen, widths[0])
        self.w: list = [None] + [_rnd(gen, widths[i], widths[i - 1], scale=0.7) for i in range(1, self.L + 1)]
        self.b: list = [None] + [_rnd(gen, widths[i], scale=0.5) for i in range(1, self.L + 1)]
        self.z: list = [None]
        self.a: list = [self.x]
        for i in range(1, self.L + 1):
            self.z.append(self.w[i] @ self.a[i - 1] + self.b[i])
            self.a.append(self.g(self.z[i]) if i == self.L else self.f(self.z[i]))
        kind = targets or {"ce": "unit", "softce": "softce"}.get(err, "real")
        self.y = self.targets(kind, (widths[-1],), gen)
        self.c = torch.randn(widths[-1], generator=gen)
        self.E = _cost(err, self.a[self.L], self.y, self.c)

    def g(self, v: torch.Tensor) -> torch.Tensor:
        return ACTS[self.outname](v)

    def gp(self, v: torch.Tensor) -> torch.Tensor:
        return deriv(self.g, v)

    def delta(self, layer: int) -> torch.Tensor:
        return self.grad(self.z[layer])


class RNN(_Base):
    """Graves's recurrent layer, ``T`` steps; lists indexed by the step ``t = 1..T`` (index 0
    is ``b^0 = 0``; ``a_h[0]``, ``a_k[0]`` are None)."""

    def __init__(self, T: int, sizes: tuple[int, int, int], seed: int, f: str, err: str,
                 init: bool = False) -> None:
        gen = torch.Generator().manual_seed(seed)
        I, H, K = sizes
        self.T, self.I, self.H, self.K, self.fname, self.err = T, I, H, K, f, err
        self.w_ih = _rnd(gen, I, H, scale=0.7)
        self.w_hh = _rnd(gen, H, H, scale=0.5)
        self.w_hk = _rnd(gen, H, K, scale=0.7)
        self.x: list = [None] + [_rnd(gen, I) for _ in range(T)]
        #: b^0: 0 (Graves's boundary), or a learned initial state s (``init``)
        self.s = _rnd(gen, H) if init else torch.zeros(H)
        self.b: list = [self.s]
        self.a_h: list = [None]
        self.a_k: list = [None]
        for t in range(1, T + 1):
            self.a_h.append(self.x[t] @ self.w_ih + self.b[t - 1] @ self.w_hh)
            self.b.append(self.f(self.a_h[t]))
            self.a_k.append(self.b[t] @ self.w_hk)
        outs = torch.stack(self.a_k[1:], dim=1)  # K x T
        tg = self.targets(err, (K, T), gen)
        self.E = _cost(err, outs, tg, torch.randn(K, T, generator=gen))

    def delta_h(self, t: int) -> torch.Tensor:
        """δ^t_h = ∂O/∂a^t_h, with δ^{T+1} = 0."""
        return torch.zeros(self.H) if t > self.T else self.grad(self.a_h[t])

    def delta_k(self, t: int) -> torch.Tensor:
        return torch.zeros(self.K) if t > self.T else self.grad(self.a_k[t])


class Conv1d(_Base):
    """``a_j = Σ_m w_m x_{s(j-1)+m}``; ``pos(j, m)`` is the 0-based input position of
    1-based ``j, m``."""

    def __init__(self, sizes: tuple[int, int], stride: int, seed: int, f: str, err: str) -> None:
        gen = torch.Generator().manual_seed(seed)
        M, J = sizes
        self.M, self.J, self.s, self.fname, self.err = M, J, stride, f, err
        self.I = stride * (J - 1) + M
        self.x = _rnd(gen, self.I)
        self.w = _rnd(gen, M, scale=0.7)
        self.a = torch.stack([sum(self.w[m - 1] * self.x[self.pos(j, m)] for m in range(1, M + 1))
                              for j in range(1, J + 1)])
        self.z = self.f(self.a)
        self.E = _cost(err, self.z, self.targets(err, (J,), gen), torch.randn(J, generator=gen))

    def pos(self, j: int, m: int) -> int:
        return self.s * (j - 1) + m - 1


class Conv2d(_Base):
    """``a_{ij} = Σ_a Σ_b w_{ab} x_{i+a-1, j+b-1}`` over the valid ``I × J`` positions."""

    def __init__(self, sizes: tuple[int, int, int, int], seed: int, f: str, err: str) -> None:
        gen = torch.Generator().manual_seed(seed)
        A, B, I, J = sizes
        self.A, self.B, self.I, self.J, self.fname, self.err = A, B, I, J, f, err
        self.P, self.Q = I + A - 1, J + B - 1
        self.x = _rnd(gen, self.P, self.Q)
        self.w = _rnd(gen, A, B, scale=0.7)
        self.a = torch.stack([torch.stack([(self.w * self.x[i:i + A, j:j + B]).sum() for j in range(J)])
                              for i in range(I)])
        self.z = self.f(self.a)
        self.E = _cost(err, self.z.reshape(-1), self.targets(err, (I * J,), gen),
                       torch.randn(I * J, generator=gen))


class Batch(_Base):
    """Ng's batch of ``m`` examples in the columns; ``J`` the mean of the examples' losses."""

    def __init__(self, sizes: tuple[int, int, int, int], seed: int, f: str, err: str,
                 out: str = "logistic") -> None:
        gen = torch.Generator().manual_seed(seed)
        I, H, K, m = sizes
        self.I, self.H, self.K, self.m, self.fname, self.err, self.outname = I, H, K, m, f, err, out
        self.X = _rnd(gen, I, m)
        self.W1 = _rnd(gen, H, I, scale=0.7)
        self.b1 = _rnd(gen, H, scale=0.5)
        self.W2 = _rnd(gen, K, H, scale=0.7)
        self.b2 = _rnd(gen, K, scale=0.5)
        self.Z1 = self.W1 @ self.X + self.b1[:, None]
        self.A1 = self.f(self.Z1)
        self.Z2 = self.W2 @ self.A1 + self.b2[:, None]
        self.A2 = ACTS[out](self.Z2)
        kind = "onehot01" if err == "ce" else err
        if kind == "onehot01":
            self.Y = (torch.rand(K, m, generator=gen) > 0.5).double()
        else:
            self.Y = self.targets(kind, (K, m), gen)
        c = torch.randn(K, generator=gen)
        self.E = sum(_cost(err, self.A2[:, i], self.Y[:, i], c) for i in range(m)) / m

    def gp2(self, v: torch.Tensor) -> torch.Tensor:
        return deriv(ACTS[self.outname], v)

    def d(self, v: torch.Tensor) -> torch.Tensor:
        """Ng's ``dV`` for a batch matrix V (``m ∂J/∂V``: each example's own gradient)."""
        return self.m * self.grad(v)


class BatchL(_Base):
    """Ng's L-layer batch; ``W[l]``, ``b[l]``, ``Z[l]``, ``A[l]`` for ``l = 1..L`` (``A[0] = X``)."""

    def __init__(self, widths: tuple[int, ...], m: int, seed: int, f: str, err: str) -> None:
        gen = torch.Generator().manual_seed(seed)
        self.L, self.n, self.m, self.fname, self.err = len(widths) - 1, widths, m, f, err
        k = UNDEFINED_ACTS.index(f) if f in UNDEFINED_ACTS else 0
        #: layer l's activation: the undefined functions in turn, starting from f
        self.acts = [None] + [UNDEFINED_ACTS[(k + i) % len(UNDEFINED_ACTS)] for i in range(self.L)]
        self.X = _rnd(gen, widths[0], m)
        self.W: list = [None] + [_rnd(gen, widths[i], widths[i - 1], scale=0.7) for i in range(1, self.L + 1)]
        self.b: list = [None] + [_rnd(gen, widths[i], scale=0.5) for i in range(1, self.L + 1)]
        self.Z: list = [None]
        self.A: list = [self.X]
        for i in range(1, self.L + 1):
            self.Z.append(self.W[i] @ self.A[i - 1] + self.b[i][:, None])
            self.A.append(ACTS[self.acts[i]](self.Z[i]))
        kind = "unit" if err == "ce" else err
        self.Y = self.targets(kind, (widths[-1], m), gen)
        c = torch.randn(widths[-1], generator=gen)
        self.E = sum(_cost(err, self.A[self.L][:, i], self.Y[:, i], c) for i in range(m)) / m

    def gp(self, layer: int, v: torch.Tensor) -> torch.Tensor:
        """``g'^{[layer]}(v)``."""
        return deriv(ACTS[self.acts[layer]], v)

    def d(self, v: torch.Tensor) -> torch.Tensor:
        """Ng's ``dV`` for a batch matrix V (``m ∂J/∂V``)."""
        return self.m * self.grad(v)


class Avg(_Base):
    """Nielsen's ``C = 1/n Σ_x C_x``: one layer ``z = w a + b``, ``a' = σ(z)``, per input ``x``;
    ``per[x] = (a_in, z, a_out, y)``."""

    def __init__(self, sizes: tuple[int, int, int], seed: int, f: str, err: str) -> None:
        gen = torch.Generator().manual_seed(seed)
        K, J, n = sizes
        self.n, self.fname, self.err = n, f, err
        self.w = _rnd(gen, J, K, scale=0.7)
        self.b = _rnd(gen, J, scale=0.5)
        self.per = []
        total = 0
        c = torch.randn(J, generator=gen)
        for _ in range(n):
            a_in = torch.randn(K, generator=gen)
            z = self.w @ a_in + self.b
            a = self.f(z)
            y = self.targets("unit" if err == "ce" else err, (J,), gen)
            self.per.append((a_in, z, a, y))
            total = total + _cost(err, a, y, c)
        self.E = total / n


class MLPAvg(_Base):
    """Nielsen's L-layer network averaged over ``n`` inputs, ``C = 1/n Σ_x C_x`` (ch. 3, eq. 57;
    ``C_x`` the cross-entropy ``ce`` or the quadratic cost ``sos`` of input ``x``): ``w[l]``,
    ``b[l]`` shared, ``per[x]`` each input's ``z``, ``a`` (lists over ``l = 0..L``) and ``y``."""

    def __init__(self, widths: tuple[int, ...], n: int, seed: int, f: str, err: str) -> None:
        gen = torch.Generator().manual_seed(seed)
        self.L, self.n, self.fname, self.err = len(widths) - 1, n, f, err
        self.w: list = [None] + [_rnd(gen, widths[i], widths[i - 1], scale=0.7) for i in range(1, self.L + 1)]
        self.b: list = [None] + [_rnd(gen, widths[i], scale=0.5) for i in range(1, self.L + 1)]
        self.per: list = []
        c = torch.randn(widths[-1], generator=gen)
        total = 0
        for _ in range(n):
            z: list = [None]
            a: list = [_rnd(gen, widths[0])]
            for i in range(1, self.L + 1):
                z.append(self.w[i] @ a[i - 1] + self.b[i])
                a.append(self.f(z[i]))
            y = self.targets("unit" if err == "ce" else err, (widths[-1],), gen)
            self.per.append(dict(z=z, a=a, y=y))
            total = total + _cost(err, a[self.L], y, c)
        self.E = total / n

    def delta(self, layer: int, x: int) -> torch.Tensor:
        """δ^l of input ``x``: ``∂C_x/∂z^l`` (``n ∂C/∂z^l_x``)."""
        return self.n * self.grad(self.per[x]["z"][layer])

    def mean(self, fn: Callable[[dict], torch.Tensor], scale: float | None = None) -> torch.Tensor:
        """``1/n Σ_x fn(per[x])`` (``scale`` times the sum instead, where given)."""
        s = sum(fn(p) for p in self.per)
        return s / self.n if scale is None else s * scale


#: the depths L and their width plans n_0..n_L (input first); "square": equal widths
MLP_WIDTHS = {1: ((3, 4), (4, 3)), 2: ((3, 4, 2), (2, 3, 4)), 3: ((2, 3, 4, 3), (3, 2, 3, 2)),
              4: ((3, 2, 4, 3, 2), (2, 4, 3, 2, 3))}
MLP_SQUARE = {1: ((3, 3),), 2: ((3, 3, 3), (2, 2, 2)), 3: ((3, 3, 3, 3), (2, 2, 2, 2)), 4: ((3, 3, 3, 3, 3),)}
RNN_SIZES = ((2, 3, 2), (3, 2, 4))
CONV1D_SIZES = ((2, 3), (3, 4), (1, 2))  # (M, J)
CONV2D_SIZES = ((2, 2, 2, 3), (2, 3, 3, 2))  # (A, B, I, J)
BATCH_SIZES = ((2, 3, 2, 3), (3, 2, 1, 4))  # (I, H, K, m)
BATCH_SQUARE = ((3, 3, 3, 3), (2, 2, 2, 2))
AVG_SIZES = ((2, 3, 3), (3, 2, 2))  # (K, J, n)


def configs(spec: dict) -> list[Callable[[], object]]:
    """Every network an entry is decided on, as builders."""
    net = spec["net"]
    fs = UNDEFINED_ACTS if spec.get("hidden") is None else (spec["hidden"],)
    errs = _undefined_errs() if spec.get("err") is None else (spec["err"],)
    out = []
    # the unrolled RNN is the costly network (four lengths, an autograd call per step): one seed
    seeds = SEEDS[:1] if net == "rnn" else SEEDS
    for seed, f, err in itertools.product(seeds, fs, errs):
        if net == "mlp":
            table = MLP_SQUARE if spec.get("square") else MLP_WIDTHS
            for depth in spec.get("depths", (2, 3, 4)):
                for widths in table[depth]:
                    out.append(lambda w=widths, s=seed, f=f, e=err: MLP(w, s, f, e, spec.get("out"),
                                                                       spec.get("targets")))
        elif net == "rnn":
            for T in spec.get("lengths", (1, 2, 3, 4)):
                for sz in RNN_SIZES:
                    out.append(lambda T=T, sz=sz, s=seed, f=f, e=err:
                               RNN(T, sz, s, f, e, spec.get("init", False)))
        elif net == "conv1d":
            for sz, stride in itertools.product(CONV1D_SIZES, spec.get("strides", (spec.get("stride", 1),))):
                out.append(lambda sz=sz, k=stride, s=seed, f=f, e=err: Conv1d(sz, k, s, f, e))
        elif net == "conv2d":
            for sz in CONV2D_SIZES:
                out.append(lambda sz=sz, s=seed, f=f, e=err: Conv2d(sz, s, f, e))
        elif net == "batch":
            for sz in (BATCH_SQUARE if spec.get("square") else BATCH_SIZES):
                out.append(lambda sz=sz, s=seed, f=f, e=err: Batch(sz, s, f, e, spec.get("out", "logistic")))
        elif net == "batchL":
            for depth in spec.get("depths", (2, 3, 4)):
                for widths in MLP_WIDTHS[depth]:
                    out.append(lambda w=widths, s=seed, f=f, e=err: BatchL(w, 3, s, f, e))
        elif net == "mlpavg":
            table = MLP_SQUARE if spec.get("square") else MLP_WIDTHS
            for depth in spec.get("depths", (2, 3, 4)):
                for widths, n in itertools.product(table[depth], (2, 3)):
                    out.append(lambda w=widths, n=n, s=seed, f=f, e=err: MLPAvg(w, n, s, f, e))
        elif net == "avg":
            for sz in AVG_SIZES:
                out.append(lambda sz=sz, s=seed, f=f, e=err: Avg(sz, s, f, e))
        else:
            raise ValueError(net)
    return out


def decide(spec: dict, oracle: Callable[[object], tuple | list]) -> bool:
    """True when the claim holds on every network of :func:`configs` (at every layer or step
    the oracle lists)."""
    for build in configs(spec):
        m = build()
        sides = oracle(m)
        for chain in (sides if isinstance(sides, list) else [sides]):
            for lhs, rhs in zip(chain, chain[1:]):
                if not agree(lhs, rhs):
                    return False
    return True
