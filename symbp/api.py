"""The Python entry points: load networks and derivation files, check, derive.

>>> from symbp import check_equation, builtin
>>> net = builtin("plain")
>>> [r.verdict for r in check_equation(r"\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k", net)]
['verified']
>>> shared = builtin("shared")
>>> r, = check_equation(r"\\frac{\\partial E}{\\partial w_{ji}} = \\sum_k \\delta_{j_l} z_{i_l}", shared)
>>> r.verdict, r.suggestion
('refuted', '\\\\frac{\\\\partial E}{\\\\partial w_{ji}} = \\\\sum_{l} \\\\delta_{j_l} z_{i_l}')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .checker.files import (
    check_derivation_equation,
    check_equation,
    check_file,
    check_paths,
    each_file,
    load_network,
)
from .checker.report import Report
from .engine import calculus
from .model.network import Network
from .model.normal_form import F
from .notation import latex_name
from .printable import Printable, register
from .printers.nfprint import latex
from .render.display import network_derivation_latex

__all__ = ["NetworkDerivation", "Report", "check_derivation_equation", "check_equation", "check_file",
           "check_paths", "derive", "each_file", "load_network"]


@dataclass
class NetworkDerivation(Printable):
    """The mechanical derivation of a network: ``δ`` for every layer, ``∂E/∂θ`` for every
    parameter family, as LaTeX in the network's notation."""

    network: Network
    deltas: list[tuple[str, str]]
    gradients: list[tuple[str, str]]
    locals: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        lines = [self.network.summary(), "", "local derivatives:"]
        lines += [f"  {lhs} = {rhs}" for lhs, rhs in self.locals]
        lines += ["", "backpropagation (one layer at a time):"]
        lines += [f"  {lhs} = {rhs}" for lhs, rhs in self.deltas]
        lines += ["", "gradients (one term per use of a shared parameter):"]
        lines += [f"  {lhs} = {rhs}" for lhs, rhs in self.gradients]
        return "\n".join(lines)



def derive(net: Network) -> NetworkDerivation:
    """Derive ``δ`` and ``∂E/∂θ`` for every layer and parameter of ``net``; for a network of one
    pattern (``E = \\sum_n E_n``, ``C = \\frac{1}{n} \\sum_x C_x``) they are that pattern's,
    ``∂E_n/∂θ`` (the total's is their sum, or average, over the patterns)."""
    deltas, grads, locs = [], [], []
    error = net.error_name if net.patterns is None else f"{net.error_name}_{{{net.patterns[0]}}}"
    for c in net.families:
        if c.id not in net.definitions or net.is_alias(c.id):
            continue
        c_letters = net.letters_for(c.axes)
        for f in net.families:
            if f.id == c.id or f.id not in net.ancestors[c.id]:
                continue
            direct = c.id in net.consumers[f.id]
            one_up = any(net.is_alias(z) and f.id in net.ancestors[z] and z in net.ancestors[c.id]
                         and c.id in net.consumers[z] for z in net.consumers[f.id])
            if not (direct or (one_up and f.name == net.delta_of)):
                continue
            f_letters = net.letters_for(f.axes)  # the note's convention: ∂a_j/∂w_{ji} = z_i
            d = calculus.derivative(net, calculus.instantiate(net, c.id, tuple(F(x) for x in c_letters)),
                                    f.id, tuple(F(x) for x in f_letters),
                                    total=f.name == net.delta_of or not direct)
            lhs = (f"\\frac{{\\partial {c.name}_{{{_sub(c, c_letters)}}}}}"
                   f"{{\\partial {f.name}_{{{_sub(f, f_letters)}}}}}")
            locs.append((lhs, latex(net, d)))
    for fam in net.families:
        if net.has_delta(fam.id) and fam.id not in net.outputs and net.consumers[fam.id]:
            letters = net.letters_for(fam.axes)
            rhs = calculus.delta_definition(net, fam.id)
            names = {f"#{k}": x for k, x in enumerate(letters)}
            lhs = f"\\delta_{{{_sub(fam, letters)}}}"
            if fam.name != net.delta_of and "^" in fam.name:  # a labelled layer: as the printer writes it
                sub = _sub(fam, letters)
                lhs = f"\\frac{{\\partial {error}}}{{\\partial {latex_name(fam.name)}_{{{sub}}}}}"
            deltas.append((lhs, latex(net, rhs, names)))
    for fam in net.params:
        letters = net.letters_for(fam.axes)
        g = calculus.gradient(net, fam.id, tuple(F(x) for x in letters))
        lhs = f"\\frac{{\\partial {error}}}{{\\partial {fam.name}_{{{_sub(fam, letters)}}}}}"
        grads.append((lhs, latex(net, g)))
    return NetworkDerivation(net, deltas, grads, locs)


def _sub(fam: Any, letters: tuple[str, ...]) -> str:
    from .notation import group_letters
    return group_letters(letters, fam.grouping, fam.units)  # w_{j0}: the unit 0 in its place


register(NetworkDerivation, latex=network_derivation_latex)
