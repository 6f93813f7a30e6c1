"""Ground truth for the corpus, decided with PyTorch autograd and none of symbp's code.

Every entry of :mod:`tests.corpus.entries` describes its network by a small spec (hidden and
output functions, error, biases) and gives an ``oracle(m)``: a hand-written function of a
:class:`Net` (a two-layer network at concrete sizes with random float64 values) returning the
claim's left and right sides as tensors over its free indices.  An entry is true when the two
sides agree at every size plan, seed, choice of undefined function (``h``, ``σ``, ``θ``, ``f``,
``g``) and choice of undefined error, and false otherwise (or when the sides cannot even be
brought to one shape).

The generic network, whatever letters the source uses::

    x (I)  --W1 (J x I), b1-->  a1 (J)  --f-->  h1 (J)  --W2 (K x J), b2-->  a2 (K)  --g-->  y (K)
    E = err(y, t)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch

torch.set_default_dtype(torch.float64)


def _sinish(a: torch.Tensor) -> torch.Tensor:
    return torch.sin(a) + 0.3 * a


ACTS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "tanh": torch.tanh, "logistic": torch.sigmoid, "sinish": _sinish,
    "softplus": torch.nn.functional.softplus, "identity": lambda a: a, "relu": torch.relu,
    "softmax": lambda a: torch.softmax(a, dim=0),
}
#: the concrete choices tried for an undefined activation function
UNDEFINED_ACTS = ("tanh", "logistic", "sinish")


def _err(kind: str, y: torch.Tensor, t: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    if kind == "sos":  # 1/2 sum (y - t)^2
        return 0.5 * ((y - t) ** 2).sum()
    if kind == "coupled":  # not separable over the outputs
        return torch.log(torch.cosh(y - t)).sum() + 0.5 * (c @ y) ** 2
    if kind == "ce":  # softmax cross-entropy of the outputs, t a probability vector
        return -(t * torch.log_softmax(y, dim=0)).sum()
    if kind == "nll":  # -sum t log y, the outputs already probabilities
        return -(t * torch.log(y)).sum()
    if kind == "bce":  # binary cross-entropy, outputs in (0, 1), targets in {0, 1}
        return -(t * torch.log(y) + (1 - t) * torch.log(1 - y)).sum()
    raise ValueError(kind)


#: the concrete choices tried for an undefined error function
UNDEFINED_ERRS = ("sos", "coupled", "ce")
SIZES = ((2, 3, 4), (3, 4, 2), (4, 2, 3))
SQUARE_SIZES = ((2, 3, 3), (3, 2, 2), (4, 3, 3))  # J = K (or I = J: "IJ"), for readings that need it
SEEDS = (0, 1)


class Net:
    """The generic two-layer network at sizes (I, J, K), one seed, one hidden function ``f``,
    one output function ``g`` and one error ``err``."""

    def __init__(self, sizes: tuple[int, int, int], seed: int, f: str, g: str, err: str,
                 bias: bool = True, one_layer: bool = False) -> None:
        I, J, K = sizes
        if one_layer:  # the output layer is h1: E = err(h1, t)
            K = J
        self.I, self.J, self.K = I, J, K
        gen = torch.Generator().manual_seed(seed)

        def rnd(*shape: int, scale: float = 1.0) -> torch.Tensor:
            return (scale * torch.randn(*shape, generator=gen)).requires_grad_(True)

        self.fname, self.gname, self.err = f, g, err
        self.x = rnd(I)
        self.W1 = rnd(J, I, scale=0.7)
        self.b1 = rnd(J, scale=0.5) if bias else torch.zeros(J, requires_grad=True)
        self.W2 = rnd(K, J, scale=0.7)
        self.b2 = rnd(K, scale=0.5) if bias else torch.zeros(K, requires_grad=True)
        if err == "label":  # a class label (CS231n's y_i), an integer; t its one-hot vector
            self.label = int(torch.randint(K, (1,), generator=gen))
            self.t = torch.nn.functional.one_hot(torch.tensor(self.label), K).double()
        elif err in ("ce", "nll"):
            self.t = torch.softmax(torch.randn(K, generator=gen), dim=0)
        elif err == "bce":
            self.t = (torch.rand(K, generator=gen) > 0.5).double()
        else:
            self.t = torch.randn(K, generator=gen)
        self.c = torch.randn(K, generator=gen)
        self.a1 = self.W1 @ self.x + self.b1
        self.h1 = self.f(self.a1)
        self.a2 = self.W2 @ self.h1 + self.b2
        self.y = self.h1 if one_layer else self.g(self.a2)
        if err == "label":  # PyTorch's cross-entropy with an integer target, on the softmax's logits
            assert (f if one_layer else g) == "softmax", "a class label's loss needs softmax outputs"
            logits = self.a1 if one_layer else self.a2
            self.E = torch.nn.functional.cross_entropy(logits[None], torch.tensor([self.label]))
        else:
            self.E = _err(err, self.y, self.t, self.c)

    # the functions and their derivatives, elementwise
    def f(self, v: torch.Tensor) -> torch.Tensor:
        return ACTS[self.fname](v)

    def g(self, v: torch.Tensor) -> torch.Tensor:
        return ACTS[self.gname](v)

    @staticmethod
    def _deriv(fn: Callable[[torch.Tensor], torch.Tensor], v: torch.Tensor) -> torch.Tensor:
        u = v.detach().clone().requires_grad_(True)
        (d,) = torch.autograd.grad(fn(u).sum(), u)
        return d

    def fp(self, v: torch.Tensor) -> torch.Tensor:
        """f' at ``v`` (autograd)."""
        return self._deriv(self.f, v)

    def gp(self, v: torch.Tensor) -> torch.Tensor:
        """g' at ``v`` (autograd; elementwise, so not for softmax)."""
        return self._deriv(self.g, v)

    def grad(self, name: str) -> torch.Tensor:
        """∂E/∂(name), for a parameter, the input or an intermediate quantity."""
        (d,) = torch.autograd.grad(self.E, getattr(self, name), retain_graph=True)
        return d

    def jac(self, out: str, inp: str) -> torch.Tensor:
        """∂out/∂inp, indexed [out indices..., inp indices...] (autograd, one row at a time)."""
        o, i = getattr(self, out), getattr(self, inp)
        rows = [torch.autograd.grad(o.reshape(-1)[r], i, retain_graph=True, allow_unused=True)[0]
                for r in range(o.numel())]
        rows = [torch.zeros_like(i) if r is None else r for r in rows]
        return torch.stack(rows).reshape(*o.shape, *i.shape)


def configs(spec: dict) -> list[dict]:
    """Every network an entry is decided on: sizes x seeds x undefined functions x errors."""
    hidden = spec.get("hidden")
    fs = UNDEFINED_ACTS if hidden is None else (hidden,)
    out = spec.get("out", "identity")
    errs = UNDEFINED_ERRS if spec.get("err") is None else (spec["err"],)
    sizes = {None: SIZES, "JK": SQUARE_SIZES, "IJ": tuple((j, j, k) for _, j, k in SQUARE_SIZES)}[
        spec.get("square")]
    out_cfg = []
    for size, seed, f, err in itertools.product(sizes, SEEDS, fs, errs):
        g = f if out == "hidden" else (UNDEFINED_ACTS[(fs.index(f) + 1) % 3] if out is None else out)
        out_cfg.append(dict(sizes=size, seed=seed, f=f, g=g, err=err, bias=spec.get("bias", True),
                            one_layer=spec.get("one_layer", False)))
    return out_cfg


def agree(lhs: torch.Tensor, rhs: torch.Tensor) -> bool:
    """Whether the two sides are equal (after broadcasting their free indices); a side that is
    None is not defined (its shapes do not fit, or it reads an entry out of range)."""
    if lhs is None or rhs is None:
        return False
    lhs, rhs = torch.as_tensor(lhs), torch.as_tensor(rhs)
    try:
        lhs, rhs = torch.broadcast_tensors(lhs, rhs)
    except RuntimeError:
        return False
    return bool(torch.allclose(lhs, rhs, rtol=1e-9, atol=1e-11))


def decide(spec: dict, oracle: Callable[[Net], tuple]) -> bool:
    """True when the claim holds on every network of :func:`configs` (a spec naming another
    network, ``spec["net"]``, is decided by :mod:`tests.corpus.oracle_field`)."""
    if "net" in spec:
        from .oracle_field import decide as decide_field
        return decide_field(spec, oracle)
    for cfg in configs(spec):
        m = Net(**cfg)
        for lhs, rhs in _links(oracle(m)):
            if not agree(lhs, rhs):
                return False
    return True


def _links(sides: tuple) -> list[tuple]:
    """An oracle returns (lhs, rhs), or (s1, s2, s3, ...) for a chain: every link s_i = s_i+1."""
    return list(zip(sides, sides[1:]))
