"""Code export: a checked formula as readable NumPy, PyTorch or JAX source.

:func:`export` takes a labelled equation of a derivation file, checks it, and writes the source
of a function that evaluates its last side (``\\sum_k \\delta_k w_{kj_l} h'(a_{j_l})``): one
``einsum`` per term, its subscripts written in the formula's own index letters, the arguments
named as :func:`symbp.lambdify` names them (``w_kjl``), 0-based arrays whose shapes the
docstring gives, ``h`` made concrete by the declared (or a chosen) activation.  The emitted code
imports only its array library, never symbp.  :func:`export_expression` does the same for a
LaTeX expression read against a network.  Imports the checker (to refuse what is not verified),
:mod:`symbp.document`, :mod:`symbp.engine`, :mod:`symbp.latex` and :mod:`symbp.printers.nfprint`.

>>> from symbp import builtin
>>> src = export_expression(builtin("plain"), r"h'(a_j) \\sum_k w_{kj} \\delta_k", name="delta_j")
>>> print(src.source.split("def ")[-1])
delta_j(a_j, delta_k, w_kj):
    r\"\"\"h'(a_{j}) \\sum_{k} w_{kj} \\delta_{k}
<BLANKLINE>
    Arguments (0-based arrays): a_j (J,), delta_k (K,), w_kj (K, J).
    Returns the array over j, shape (J,).
    \"\"\"
    # h'(a_{j}) \\sum_{k} w_{kj} \\delta_{k}
    t1 = np.einsum("j,k,kj->j", tanh_d1(a_j), delta_k, w_kj)
    return t1
<BLANKLINE>
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..checker.files import check_derivation_equation
from ..checker.pipeline import over_patterns
from ..document import Derivation, Equation, label_key, load
from ..engine import shifted
from ..engine.calculus import is_hidden
from ..engine.numeric import ACTIVATIONS, argument_name, log_softmax_of, softmax_pairs
from ..errors import NotationError, UnsupportedError
from ..latex.ast import Deriv, Node, Sym
from ..latex.unparse import unparse
from ..model.factors import view
from ..model.network import Network, components
from ..model.normal_form import Expr, Term, factor_indices
from ..printers.nfprint import latex

__all__ = ["BACKENDS", "Exported", "export", "export_expression", "read_equation"]

#: target -> (import line, array module name, how an identity matrix of size n is made)
BACKENDS = {
    "numpy": ("import numpy as np", "np", "np.eye({n})"),
    "torch": ("import torch", "torch", "torch.eye({n}, dtype=torch.float64)"),
    "jax": ("import jax\nimport jax.numpy as jnp", "jnp", "jnp.eye({n})"),
}

#: activation -> derivative order -> body in ``x`` (``{m}``: the array module), per backend family
_SIGMOID = {"numpy": "1 / (1 + np.exp(-x))", "torch": "torch.sigmoid(x)", "jax": "jax.nn.sigmoid(x)"}
_SOFTPLUS = {"numpy": "np.logaddexp(0, x)", "torch": "torch.nn.functional.softplus(x)",
             "jax": "jax.nn.softplus(x)"}
#: the softmax and its logarithm over the last axis, the largest entry subtracted (no overflow)
_SOFTMAX = {
    "numpy": {"softmax": ["e = np.exp(x - np.max(x, axis=-1, keepdims=True))",
                          "return e / e.sum(axis=-1, keepdims=True)"],
              "log_softmax": ["s = x - np.max(x, axis=-1, keepdims=True)",
                              "return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))"]},
    "torch": {"softmax": ["return torch.softmax(x, dim=-1)"],
              "log_softmax": ["return torch.log_softmax(x, dim=-1)"]},
    "jax": {"softmax": ["return jax.nn.softmax(x, axis=-1)"],
            "log_softmax": ["return jax.nn.log_softmax(x, axis=-1)"]},
}


def _activation(kind: str, order: int, to: str) -> list[str]:
    """The body lines of ``def <kind>_d<order>(x)`` for this backend."""
    m = BACKENDS[to][1]
    if kind == "identity":
        return ["return x" if order == 0 else f"return {m}.ones_like(x)" if order == 1
                else f"return {m}.zeros_like(x)"]
    if kind == "tanh":
        poly = {0: "t", 1: "1 - t * t", 2: "-2 * t * (1 - t * t)", 3: "(1 - t * t) * (6 * t * t - 2)"}
        return [f"t = {m}.tanh(x)", f"return {poly[order]}"]
    if kind == "exp":  # exp' = exp
        return [f"return {m}.exp(x)"]
    if kind == "log":  # log^(n) = (-1)^(n-1) (n-1)! x^-n
        return [f"return {m}.log(x)"] if order == 0 else \
            [f"return {(-1) ** (order - 1) * [1, 1, 2][order - 1]} * x ** {-order}"]
    if kind == "relu":  # relu'(0) taken as 0: the kink
        return [f"return {m}.where(x > 0, x, 0 * x)" if order == 0 else
                f"return {m}.where(x > 0, 1 + 0 * x, 0 * x)" if order == 1 else "return 0 * x"]
    if kind == "softplus" and order == 0:
        return [f"return {_SOFTPLUS[to]}"]
    k = order - 1 if kind == "softplus" else order
    poly = {0: "s", 1: "s * (1 - s)", 2: "s * (1 - s) * (1 - 2 * s)",
            3: "s * (1 - s) * (1 - 6 * s + 6 * s * s)"}
    return [f"s = {_SIGMOID[to]}", f"return {poly[k]}"]


@dataclass
class Exported:
    """Exported source: :attr:`source` (a module), :attr:`name` (its function), :attr:`inputs`
    (argument -> ranges of its axes), :attr:`free` (output index names and ranges), :attr:`expr`
    (the normal form it evaluates)."""

    source: str
    name: str
    inputs: dict[str, tuple[str, ...]]
    free: list[tuple[str, str]]
    expr: Expr

    def __str__(self) -> str:
        return self.source


def _letters(net: Network, t: Term, free: list[tuple[str, str]], shown: list[str]) -> dict[tuple, str]:
    """One einsum letter per index of the term: the formula's own letter where it is one
    character and free, else a fresh one."""
    used: set[str] = set()
    out: dict[tuple, str] = {}

    def pick(want: str) -> str:
        for c in [want] + list(string.ascii_letters):
            if len(c) == 1 and c.isalpha() and c not in used:
                used.add(c)
                return c
        raise UnsupportedError("a term with more indices than einsum has letters")

    for (name, _r), s in zip(free, shown):
        out[("f", name)] = pick(s[:1])
    taken = set(shown)
    for n, r in enumerate(t.dummies):
        (letter,) = net.letters_for([r], taken)
        taken.add(letter)
        out[("d", n)] = pick(letter[:1])
    return out


def _coeff(c: Fraction) -> str:
    return str(c.numerator) if c.denominator == 1 else f"({c.numerator} / {c.denominator})"


def export_expression(net: Network, source: str | Expr, *, to: str = "numpy", name: str = "formula",
                      free: list[tuple[str, str]] | None = None, activation: str | dict[str, str] = "tanh",
                      title: str | None = None) -> Exported:
    """The source of a function ``name`` that evaluates ``source`` (a LaTeX expression read against
    ``net``, or a normal form with its ``free`` indices as (name, range) pairs) with ``to``'s
    arrays (``numpy``, ``torch``, ``jax``); ``activation`` makes undeclared functions concrete
    as in :func:`symbp.lambdify`."""
    if to not in BACKENDS:
        raise UnsupportedError(f"unknown target {to!r}", hint=f"choose one of: {', '.join(BACKENDS)}")
    if isinstance(source, str):
        from ..engine.numeric import _read
        expr, read_free = _read(net, source, None)
        free = read_free if free is None else free
    else:
        expr = source
        if free is None:
            raise UnsupportedError("a normal form needs its free indices", hint="pass free=[(name, range)]")
    acts = {f: activation for f in net.functions} if isinstance(activation, str) else dict(activation)
    acts.update(net.activations)
    shown = [_shown(net, n) for n, _ in free]
    imports, m, eye = BACKENDS[to]
    inputs: dict[str, tuple[str, ...]] = {}
    helpers: dict[str, list[str]] = {}
    body: list[str] = []
    sizes_needed: list[str] = []
    names = {n: s for (n, _), s in zip(free, shown)}
    hidden: dict[int, str] = {}  # a hidden family (a softmax's denominator) -> its local variable

    def operand(f: tuple) -> str:
        """The code of one factor's array (not a Kronecker delta)."""
        if f.tag == "inv":  # 1/x
            return f"(1 / {operand(view(f).base())})"
        if f.tag in ("ref", "fn") and is_hidden(net, f.fam):
            arg = family(f.fam)
        elif f.tag in ("ref", "grad", "fn"):
            arg = argument_name(net, f.fam, f.tag == "grad")
            inputs.setdefault(arg, net.families[f.fam].axes)
        else:
            raise UnsupportedError(f"cannot export the factor {f.tag!r}")
        if f.tag != "fn":
            return arg
        if f.name not in acts or acts[f.name] not in ACTIVATIONS:
            raise UnsupportedError(f"no concrete function for {f.name}",
                                   hint=f"pass activation={{{f.name!r}: 'tanh'}}")
        if f.order > 3:
            raise UnsupportedError(f"derivative of order {f.order} of {f.name}")
        kind = acts[f.name]
        fn = f"{kind}_d{f.order}" if f.order else kind
        helpers[fn] = _activation(kind, f.order, to)
        return f"{fn}({arg})"

    def family(fam: int) -> str:
        """The local variable of a hidden family, its definition emitted first."""
        if fam not in hidden:
            ax = [(f"#{k}", r) for k, r in enumerate(net.families[fam].axes)]
            for (n, _), c in zip(ax, string.ascii_lowercase[::-1]):
                names.setdefault(n, c)
            var = f"hidden{len(hidden) + 1}"
            value = emit(net.definitions[fam], ax, [names[n] for n, _ in ax], var + "_")
            body.append(f"    {var} = {value}")
            hidden[fam] = var
        return hidden[fam]

    def emit(e: Expr, out_free: list[tuple[str, str]], out_shown: list[str], var: str) -> str:
        """Lines (into ``body``) that set ``<var>1``, ``<var>2``, ... to the terms of ``e`` over
        ``out_free``, one einsum each; their sum."""
        lines: list[str] = []
        for k, t in enumerate(e.terms, start=1):
            if any(shifted.has_shift(f) for f in t.factors):  # x_{j+m-1}: its letters are no axes
                raise UnsupportedError("a formula with shifted positions (a convolution) is not exported yet",
                                       hint="use symbp.lambdify, which gathers each factor at its positions")
            letters = _letters(net, t, out_free, out_shown)
            ops, subs = [], []
            fused, skip = softmax_pairs(net, acts, t)
            for pos, f in enumerate(t.factors):
                if pos in skip:  # the softmax's 1/sum_l exp(a_l), taken into its exp(a_k)
                    continue
                sub = "".join(letters[i] for i in factor_indices(f))
                logits = fused.get(pos, log_softmax_of(net, acts, f))
                if f.tag == "kd":
                    i = next(factor_indices(f))
                    r = dict(out_free)[i[1]] if i[0] == "f" else t.dummies[i[1]]
                    sizes_needed.append(r)
                    ops.append(eye.format(n=r))
                elif logits is not None:  # a softmax, or its logarithm by log-sum-exp
                    arg = argument_name(net, logits)
                    inputs.setdefault(arg, net.families[logits].axes)
                    fn = "softmax" if pos in fused else "log_softmax"
                    helpers[fn] = _SOFTMAX[to][fn]
                    ops.append(f"{fn}({arg})")
                else:
                    ops.append(operand(f))
                subs.append(sub)
            out = "".join(letters[("f", n)] for n, _ in out_free)
            for (n, r) in out_free:  # an output axis no factor mentions: a factor of ones over it
                if letters[("f", n)] not in "".join(subs):
                    ops.append(f"{m}.ones({r})" if to != "torch" else f"torch.ones({r}, dtype=torch.float64)")
                    subs.append(letters[("f", n)])
                    sizes_needed.append(r)
            scale = [_coeff(t.coeff)] if t.coeff != 1 else []
            scale += list(t.sizes)
            sizes_needed.extend(t.sizes)
            lines.append(f"    # {latex(net, Expr((t,)), names)}")
            if ops:
                call = f'{m}.einsum("{",".join(subs)}->{out}", {", ".join(ops)})'
            else:
                call = f"{m}.asarray(1.0)" if to != "torch" else "torch.tensor(1.0, dtype=torch.float64)"
            lines.append(f"    {var}{k} = " + " * ".join(scale + [call]))
        body.extend(lines)
        return " + ".join(f"{var}{k}" for k in range(1, len(e.terms) + 1)) or "0.0"

    total = emit(expr, list(free), shown, "t")
    # sizes: read from an argument's shape, else keyword arguments
    sizes: dict[str, str] = {}
    for arg, axes in inputs.items():
        for pos, r in enumerate(axes):
            sizes.setdefault(r, f"{arg}.shape[{pos}]")
    given = sorted({r for r in sizes_needed if r not in sizes})
    shape = ", ".join(r for _, r in free) + ("," if len(free) == 1 else "")
    head = [f"    {r} = {sizes[r]}" for r in dict.fromkeys(sizes_needed) if r in sizes]
    params = ", ".join(list(inputs) + ([("*, " + ", ".join(f"{r}: int" for r in given))] if given else []))
    doc = [f'    r"""{title or latex(net, expr, names)}', "",
           "    Arguments (0-based arrays): " + ", ".join(
               f"{a} ({', '.join(ax)}{',' if len(ax) == 1 else ''})" for a, ax in inputs.items()) + "."
           + (f" Sizes: {', '.join(given)}." if given else ""),
           f"    Returns the array over {', '.join(shown) or 'nothing'}, shape ({shape}).", '    """']
    lines = ['"""Exported by symbp: one einsum per term of the checked formula; no symbp at run time."""',
             "", imports, "", ""]
    for fn, hb in helpers.items():
        lines += [f"def {fn}(x):", *[f"    {x}" for x in hb], "", ""]
    lines += [f"def {name}({params}):", *doc, *head, *body, f"    return {total}", ""]
    return Exported("\n".join(lines), name, inputs, list(free), expr)


def _identifier(name: str) -> str:
    out = "".join(c if c.isalnum() or c == "_" else "p" if c == "'" else "_" for c in name)
    return out if out.isidentifier() else "formula"


def _shown(net: Network, name: str) -> str:
    comp = net.component(name)
    return comp[1] if comp is not None else name


def _function_name(net: Network, first: Node, lhs: Expr) -> str:
    """``delta_jl`` for ``\\delta_{j_l}``, ``dE_dw_ji`` for ``\\partial E/\\partial w_{ji}``."""
    if isinstance(first, Deriv) and first.body is None and isinstance(first.num, Sym) \
            and first.num.name == net.error_name and isinstance(first.wrt, Sym):
        return "dE_d" + first.wrt.name + "_" + "".join(x for g in first.wrt.groups for x in g)
    if len(lhs.terms) == 1 and len(lhs.terms[0].factors) == 1:
        f = lhs.terms[0].factors[0]
        if f.tag == "grad":
            if net.families[f.fam].name == net.delta_of:
                return argument_name(net, f.fam, True)
            return f"dE_d{argument_name(net, f.fam)}"
        if f.tag == "ref":
            return argument_name(net, f.fam)
    return "formula"


def _find(source: str | os.PathLike[str] | Derivation, label: str) -> tuple[Derivation, Equation]:
    deriv = source if isinstance(source, Derivation) else load(Path(source))
    labels = list(dict.fromkeys(e.label for e in deriv.equations))
    eqs = [e for e in deriv.equations if label_key(e.label) == label_key(label)]
    if not eqs:
        raise NotationError(f"no equation labelled {label!r} in {deriv.file}",
                            hint="labels here: " + (", ".join(labels) or "none"))
    return deriv, eqs[0]


def read_equation(source: str | os.PathLike[str] | Derivation, label: str
                  ) -> tuple[Derivation, Equation, Node, Expr, Expr, list[tuple[str, str]]]:
    """The equation labelled ``label`` of a derivation file, read as the checker reads it: the
    derivation, the equation, its first side's AST, the normal forms of its first and last sides,
    and its free indices (pairs of a name and a range, in the first side's order)."""
    from ..engine.semantics import Interpreter, free_letters, infer_letters

    deriv, eq = _find(source, label)
    if eq.chain is None:
        raise eq.error or UnsupportedError(f"{label} could not be read")
    net = deriv.network
    chain = eq.chain
    if net.class_labels:  # CS231n's p_{y_i}: read through its one-hot target, as the checker reads it
        from ..engine.labels import read_in
        chain = read_in(net, chain)
    letters, _ = infer_letters(net, chain)
    first, last = chain.sides[0], chain.sides[-1]
    probs: list = []
    order = free_letters(first, net, probs)
    env, free = {}, []
    for x in sorted(order, key=lambda x: order[x]):
        rs = letters.get(x) or net.letter_ranges(x) or ()
        comps = components(x, rs)
        env[x] = comps
        free.extend(zip(comps, rs))
    interp = Interpreter(net, letters)
    return deriv, eq, first, interp.expression(first, env), interp.expression(last, env), free


def export(source: str | os.PathLike[str] | Derivation, label: str, *, to: str = "numpy",
           activation: str | dict[str, str] = "tanh") -> Exported:
    """The source of the last side of the equation labelled ``label`` in a derivation file, once
    the checker has verified every link of it (``verified``, or ``verified-at-sizes``); anything
    else raises :class:`~symbp.errors.UnsupportedError` naming the verdict (an unknown label:
    :class:`~symbp.errors.NotationError`).

    >>> ex = export("derivations/weight_sharing.tex", "②", to="torch")
    >>> ex.name, ex.inputs
    ('delta_jl', {'a_jl': ('J', 'L'), 'delta_k': ('K',), 'w_kjl': ('K', 'J', 'L')})
    >>> 'torch.einsum("jl,k,kjl->jl", tanh_d1(a_jl), delta_k, w_kjl)' in ex.source
    True
    """
    deriv, eq = _find(source, label)
    if eq.chain is not None and any(over_patterns(deriv.network, a, b)
                                    for a, b in zip(eq.chain.sides, eq.chain.sides[1:])):
        raise UnsupportedError(f"{label} is a formula over the patterns (a total or an average over them): "
                               "export writes one pattern's formulas",
                               hint="label one pattern's equation (\\frac{\\partial C_x}{\\partial w_{jk}} "
                                    "= ...) and export it; its batch mean is the average")
    results = check_derivation_equation(deriv, eq)
    bad = [r for r in results if r.verdict not in ("verified", "verified-at-sizes")]
    if bad:
        raise UnsupportedError(f"{label} is {bad[0].verdict} (link {bad[0].link}); symbp exports only "
                               "verified equations", hint=bad[0].message)
    deriv, eq, first, lhs, rhs, free = read_equation(deriv, eq.label)
    net = deriv.network
    last = eq.chain.sides[-1] if eq.chain is not None else first
    title = f"{eq.label} of {Path(deriv.file).name if deriv.file else 'the derivation'}: " \
            f"{unparse(first)} = {unparse(last)}"
    return export_expression(net, rhs, to=to, name=_identifier(_function_name(net, first, lhs)), free=free,
                             activation=activation, title=title)
