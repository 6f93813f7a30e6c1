"""A bridge to the user's own PyTorch model, in the spirit of ``torch.autograd.gradcheck``: is the
formula in my notes the gradient my code computes?

:func:`gradcheck` runs the model forward on the user's inputs (hooks record every module's input
and output), takes the loss and autograd's gradients, maps the model's parameters and
intermediate tensors to the network's families, evaluates the formula — every ``δ`` and
``∂E/∂θ`` symbp derives, or one labelled equation of a derivation file — on the model's own
tensors (``δ`` of the layer above taken from autograd, as backpropagation does), and compares
the result with autograd's gradient of the left side under ``atol``/``rtol``, reporting the
worst element with its index.

The mapping is found for models made of ``nn.Linear`` layers (an input of ``J·L`` features is
``z_{j_l}`` flattened, as ``nn.Flatten`` leaves it) and ``nn.Conv1d`` layers with
``kernel_size=1`` (a weight shared across positions: ``a_{j_l} = \\sum_i w_{ji} z_{i_l}``), in
the order they run, against the network's linear forward equations in order of depth; any family
can be given by ``mapping``: family (``w_ji``, ``a_jl``, as :func:`symbp.lambdify` names it) ->
a parameter name (``"0.weight"``), a module name (its output, ``"conv"``) or a module name with
``":input"``.  The activation is read from the model's activation modules (``nn.Tanh``,
``nn.Sigmoid``, ``nn.Softplus``) unless given.  Needs the ``torch`` extra (imported only when
called).  Imports :mod:`symbp.document`, :mod:`symbp.engine` (the derived formulas, ``lambdify``),
:mod:`symbp.printers.nfprint` and :mod:`symbp.export.code`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..document import Derivation, load
from ..engine import calculus
from ..engine.numeric import argument_name, lambdify
from ..errors import UnsupportedError
from ..model.factors import Grad
from ..model.network import Network
from ..model.normal_form import Expr, F
from ..printers.nfprint import latex

__all__ = ["BridgeReport", "BridgeResult", "gradcheck"]

_ACTIVATION_MODULES = {"Tanh": "tanh", "Sigmoid": "logistic", "Softplus": "softplus", "Identity": "identity"}


@dataclass
class BridgeResult:
    """One formula against autograd: ``ok`` if every element is within ``atol + rtol·|autograd|``;
    the worst element (largest excess over the tolerance), its index (0-based, batch first for a
    ``δ``) and both values there."""

    quantity: str
    formula: str
    ok: bool
    max_abs_error: float = 0.0
    worst_index: tuple[int, ...] = ()
    formula_value: float = 0.0
    autograd_value: float = 0.0
    skipped: str | None = None

    def __str__(self) -> str:
        if self.skipped:
            return f"--   {self.quantity}: skipped ({self.skipped})"
        mark = "ok" if self.ok else "NO"
        return (f"{mark:4} {self.quantity} = {self.formula}: max |error| {self.max_abs_error:.3g}"
                + ("" if self.ok else f"; worst at {self.worst_index}: formula {self.formula_value:.6g}, "
                                      f"autograd {self.autograd_value:.6g}"))


@dataclass
class BridgeReport:
    """Every formula's :class:`BridgeResult`; :attr:`ok` if none failed (skipped ones do not)."""

    results: list[BridgeResult] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    activation: str = ""

    @property
    def ok(self) -> bool:
        return all(r.ok or r.skipped for r in self.results) and any(not r.skipped for r in self.results)

    def __str__(self) -> str:
        head = (f"symbp gradcheck: sizes {', '.join(f'{k}={v}' for k, v in self.sizes.items())}; "
                f"h = {self.activation}; " + ", ".join(f"{k} <- {v}" for k, v in self.mapping.items()))
        return "\n".join([head] + [str(r) for r in self.results])


# ----------------------------------------------------------------------------------------------
# recording the model


@dataclass
class _Record:
    name: str
    module: Any
    inputs: Any
    output: Any


def _run(model: Any, inputs: Any, targets: Any, loss: Callable[[Any, Any], Any] | None
         ) -> tuple[list[_Record], Any]:
    import torch

    records: list[_Record] = []
    handles = []
    names = {id(m): n for n, m in model.named_modules()} if hasattr(model, "named_modules") else {}

    def hook(module: Any, args: Any, output: Any) -> None:
        records.append(_Record(names.get(id(module), type(module).__name__), module, args, output))

    if hasattr(model, "named_modules"):
        for n, m in model.named_modules():
            if n:  # not the model itself
                handles.append(m.register_forward_hook(hook))
    x = inputs.detach().clone().requires_grad_() if isinstance(inputs, torch.Tensor) else inputs
    try:
        y = model(x)
    finally:
        for h in handles:
            h.remove()
    if loss is None:
        loss = (lambda y, t: 0.5 * ((y - t) ** 2).sum()) if targets is not None else (lambda y, t: y.sum())
    value = loss(y, targets)
    records.append(_Record(":output", None, (), y))
    records.insert(0, _Record(":input", None, (), x))
    return records, value


def _linear_equations(net: Network) -> list[tuple[int, int, int | None, int | None]]:
    """The forward equations ``a = \\sum w z (+ b)``, in order of depth: (defined family, weight,
    input, bias)."""
    out = []
    for fid, d in net.definitions.items():
        weight = inp = bias = None
        for t in d.terms:
            refs = [f for f in t.factors if f.tag == "ref"]
            params = [f.fam for f in refs if net.families[f.fam].param]
            units = [f.fam for f in refs if not net.families[f.fam].param]
            if len(params) == 1 and len(units) == 1 and weight is None:
                weight, inp = params[0], units[0]
            elif len(params) == 1 and not units:
                bias = params[0]
        if weight is not None:
            out.append((fid, weight, inp, bias))
    out.sort(key=lambda e: len(net.ancestors.get(e[0], ())))
    return out


def _auto_mapping(net: Network, records: list[_Record]) -> dict[str, tuple[str, Any]]:
    import torch.nn as nn

    layers = [r for r in records if isinstance(r.module, (nn.Linear, nn.Conv1d))]
    eqs = _linear_equations(net)
    if len(layers) != len(eqs):
        raise UnsupportedError(f"the model has {len(layers)} Linear/Conv1d layer(s), the network "
                               f"{len(eqs)} linear forward equation(s)",
                               hint="give mapping={'w_ji': '0.weight', 'a_j': '0', ...} for the rest")
    out: dict[str, tuple[str, Any]] = {}
    for r, (fid, w, inp, b) in zip(layers, eqs):
        if isinstance(r.module, nn.Conv1d) and r.module.kernel_size != (1,):
            raise UnsupportedError(f"{r.name}: a Conv1d with kernel_size {r.module.kernel_size[0]} has no "
                                   "family in the network", hint="give mapping= for its weight")
        out.setdefault(argument_name(net, w), (f"{r.name}.weight", r.module.weight))
        if b is not None and r.module.bias is not None:
            out.setdefault(argument_name(net, b), (f"{r.name}.bias", r.module.bias))
        out.setdefault(argument_name(net, fid), (r.name, r.output))
        if inp is not None:
            out.setdefault(argument_name(net, inp), (f"{r.name}:input", r.inputs[0]))
    return out


def _lookup(model: Any, records: list[_Record], where: str) -> Any:
    params = dict(model.named_parameters()) if hasattr(model, "named_parameters") else {}
    if where in params:
        return params[where]
    if where in (":input", ":output"):  # the model's own input and output
        return next(r.output for r in records if r.name == where)
    name, _, part = where.partition(":")
    for r in records:
        if r.name == name:
            return r.inputs[0] if part == "input" else r.output
    raise UnsupportedError(f"mapping: no parameter or module named {where!r}",
                           hint="parameters: " + ", ".join(params))


def _activation(records: list[_Record]) -> str:
    kinds = {_ACTIVATION_MODULES[type(r.module).__name__] for r in records
             if r.module is not None and type(r.module).__name__ in _ACTIVATION_MODULES}
    if len(kinds) != 1:
        raise UnsupportedError("cannot tell the model's activation" + (f" ({', '.join(sorted(kinds))})"
                                                                       if kinds else ""),
                               hint="pass activation='tanh' (or logistic, softplus, identity)")
    return kinds.pop()


# ----------------------------------------------------------------------------------------------
# the check


def _shape(net: Network, fam: int, sizes: dict[str, int], batched: bool, t: Any) -> np.ndarray:
    """A tensor as the family's array: float64, batch axis first for a unit family."""
    a = t.detach().to(dtype=__import__("torch").float64).cpu().numpy()
    axes = net.families[fam].axes
    want = tuple(sizes[r] for r in axes)
    if batched:
        return a.reshape((a.shape[0],) + want)
    return a.reshape(want)


def _sizes(net: Network, tensors: dict[str, tuple[int, Any]]) -> dict[str, int]:
    """Range sizes read from the mapped tensors: first those whose axes match one to one."""
    sizes: dict[str, int] = {}
    for _ in range(3):
        for fam, (batched, t) in tensors.values():
            axes = net.families[fam].axes
            shape = tuple(t.shape[1:] if batched else t.shape)
            if net.families[fam].param and len(shape) == len(axes) + 1 and shape[-1] == 1:
                shape = shape[:-1]  # a Conv1d weight of kernel size 1
            if len(shape) == len(axes):
                for r, n in zip(axes, shape):
                    sizes.setdefault(r, int(n))
            else:  # a flattened axis: the one unknown size is what the element count leaves
                unknown = [r for r in axes if r not in sizes]
                known = int(np.prod([sizes[r] for r in axes if r in sizes] or [1]))
                if len(unknown) == 1 and known:
                    sizes[unknown[0]] = int(np.prod(shape)) // known
    return sizes


def gradcheck(model: Any, derivation: str | os.PathLike[str] | Derivation | Network, inputs: Any,
              targets: Any = None, *, label: str | None = None, mapping: dict[str, str] | None = None,
              loss: Callable[[Any, Any], Any] | None = None, activation: str | None = None,
              atol: float = 1e-8, rtol: float = 1e-6) -> BridgeReport:
    """Compare the formula(s) of ``derivation`` with autograd on ``model``.

    ``inputs`` is a batch (first axis) of the network's inputs, ``targets`` what ``loss(output,
    targets)`` compares the output with (default ``loss``: ``½ Σ (y - t)²``, or ``Σ y`` without
    targets).  With ``label``, only that equation of the derivation file (its first side names
    the quantity: ``\\delta_{j_l}``, ``\\partial E/\\partial w_{ji}``; its last side is the
    formula); otherwise every ``δ`` and ``∂E/∂θ`` symbp derives.

    >>> import pytest; torch = pytest.importorskip("torch")  # the torch extra
    >>> torch.manual_seed(0) and None
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4, bias=False), torch.nn.Tanh(),
    ...                             torch.nn.Linear(4, 2, bias=False)).double()
    >>> report = gradcheck(model, "derivations/prml_5_3_1.tex", torch.randn(5, 3, dtype=torch.float64),
    ...                    torch.randn(5, 2, dtype=torch.float64))
    >>> report.ok, len(report.results)
    (True, 3)
    >>> print(str(report.results[0]).split(": max")[0])
    ok   \\delta_{j} = h'(a_{j}) \\sum_{k} w_{kj} \\delta_{k}
    >>> report.results[0].max_abs_error < 1e-12
    True
    """
    if isinstance(derivation, Network):
        net, deriv = derivation, None
    else:
        deriv = derivation if isinstance(derivation, Derivation) else load(derivation)
        net = deriv.network
    records, value = _run(model, inputs, targets, loss)
    try:
        auto = _auto_mapping(net, records)
    except UnsupportedError:
        if not mapping:
            raise
        auto = {}
    chosen: dict[str, tuple[str, Any]] = dict(auto)
    for fam_name, where in (mapping or {}).items():
        chosen[fam_name] = (where, _lookup(model, records, where))
    kind = activation or _activation(records)
    by_name = {argument_name(net, f.id): f.id for f in net.families}
    unknown = [k for k in chosen if k not in by_name]
    if unknown:
        raise UnsupportedError(f"mapping: the network has no family {unknown[0]}",
                               hint="families: " + ", ".join(by_name))
    tensors = {k: (by_name[k], (not net.families[by_name[k]].param, t)) for k, (_, t) in chosen.items()}
    # autograd's gradients, by torch.autograd.grad: the model's .grad fields are left alone
    import torch
    wanted = [k for k, (_, t) in chosen.items() if isinstance(t, torch.Tensor) and t.requires_grad]
    found = torch.autograd.grad(value, [chosen[k][1] for k in wanted], allow_unused=True)
    autograd = {k: g for k, g in zip(wanted, found) if g is not None}
    sizes = _sizes(net, {k: (fam, bt) for k, (fam, bt) in tensors.items()})
    arrays: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}
    for k, (fam, (batched, t)) in tensors.items():
        arrays[k] = _shape(net, fam, sizes, batched, t)
        if k in autograd:
            grads[k] = _shape(net, fam, sizes, batched, autograd[k])
            if net.has_delta(fam):
                arrays[argument_name(net, fam, True)] = grads[k]
    report = BridgeReport(mapping={k: w for k, (w, _) in chosen.items()}, sizes=sizes, activation=kind)
    for quantity, target, rhs, free, names in _formulas(net, deriv, label):
        report.results.append(_compare(net, quantity, target, rhs, free, names, arrays, grads, sizes, kind,
                                       atol, rtol))
    return report


def _formulas(net: Network, deriv: Derivation | None, label: str | None
              ) -> list[tuple[str, int, Expr, list[tuple[str, str]], dict[str, str]]]:
    """(quantity as LaTeX, the family on the left, the formula, its free indices, their letters)."""
    if label is not None:
        if deriv is None:
            raise UnsupportedError("label= needs a derivation file")
        from ..latex.ast import Deriv, Sym
        from .code import read_equation
        _, eq, first, lhs, rhs, free = read_equation(deriv, label)
        if isinstance(first, Deriv) and isinstance(first.wrt, Sym) and isinstance(first.num, Sym):
            from ..engine.semantics import Interpreter, infer_letters
            letters, _ = infer_letters(net, eq.chain)
            env = {}
            for name, _r in free:
                env.setdefault(name.split(".")[0], ())
            atom = Interpreter(net, letters).expression(first.wrt, {x: tuple(n for n, _ in free if
                                                                         n.split(".")[0] == x) for x in env})
            fam = atom.terms[0].factors[0].fam
        elif len(lhs.terms) == 1 and len(lhs.terms[0].factors) == 1 and lhs.terms[0].factors[0].tag == "grad":
            fam = lhs.terms[0].factors[0].fam
        else:
            raise UnsupportedError(f"{label}: the first side is neither a δ nor a derivative of "
                                   f"{net.error_name}", hint="gradcheck compares dE/dθ and δ")
        return [(eq.label, fam, rhs, free, {n: n for n, _ in free})]
    out = []
    for fam in net.families:
        if net.has_delta(fam.id) and fam.id not in net.outputs and net.consumers[fam.id]:
            slots = [f"#{k}" for k in range(len(fam.axes))]
            names = dict(zip(slots, net.letters_for(fam.axes)))
            lhs = Expr.atom(Grad("grad", fam.id, tuple(F(x) for x in slots)))
            out.append((latex(net, lhs, names), fam.id, calculus.delta_definition(net, fam.id),
                        list(zip(slots, fam.axes)), names))
    for fam in net.params:
        slots = [f"#{k}" for k in range(len(fam.axes))]
        names = dict(zip(slots, net.letters_for(fam.axes)))
        lhs = Expr.atom(Grad("grad", fam.id, tuple(F(x) for x in slots)))
        g = calculus.gradient(net, fam.id, tuple(F(x) for x in slots))
        out.append((latex(net, lhs, names), fam.id, g, list(zip(slots, fam.axes)), names))
    return out


def _compare(net: Network, quantity: str, target: int, rhs: Expr, free: list[tuple[str, str]],
             names: dict[str, str], arrays: dict[str, np.ndarray], grads: dict[str, np.ndarray],
             sizes: dict[str, int], kind: str,
             atol: float, rtol: float) -> BridgeResult:
    name = argument_name(net, target)
    formula = latex(net, rhs, names)
    if name not in grads:
        return BridgeResult(quantity, formula, False,
                            skipped=f"{name} is not mapped to a tensor with a gradient")
    param = net.families[target].param
    fn = lambdify(net, rhs, free, activation=kind, batch="sum" if param else "keep")
    missing = [k for k in fn.inputs if k not in arrays]
    if missing:
        return BridgeResult(quantity, formula, False, skipped=f"{missing[0]} is not mapped to a tensor")
    got = fn(dict(sizes), **{k: arrays[k] for k in fn.inputs})
    want = grads[name]
    got = np.broadcast_to(got, want.shape)
    err = np.abs(got - want)
    excess = err - (atol + rtol * np.abs(want))
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(excess)), excess.shape)) \
        if excess.size else ()
    return BridgeResult(quantity, formula, bool((excess <= 0).all()), float(err.max(initial=0.0)), worst,
                        float(got[worst]) if excess.size else 0.0, float(want[worst]) if excess.size else 0.0)
