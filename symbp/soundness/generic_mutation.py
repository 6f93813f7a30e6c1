"""Mutants of generic-layer and generic-step equations, judged by the independent oracle.

The slips the field makes with a generic layer ``l`` or step ``t`` (issue 13): ``l+1`` for ``l``
and back (``\\delta^{l}`` for ``\\delta^{l+1}``, ``a^{l}`` for ``a^{l-1}``), a dropped ``t+1`` term of
BPTT, the indices of a weight swapped, a derivative factor dropped, the boundary shifted
(``\\delta^{L-1}`` for ``\\delta^L``).  :func:`mutants` makes them from a verified claim;
:func:`oracle_verdict` decides whether a mutant still holds with
:mod:`symbp.soundness.oracle` on the unrolled networks (every depth of
:data:`symbp.checker.generic.DEPTHS`, every layer; none of the checker's algebra), and
:func:`report` counts, per class, the mutants the checker verifies although the oracle finds
them different (the false accepts: 0 is the target).

Room ``symbp.soundness``; imports :mod:`symbp.checker.generic`, :mod:`symbp.engine.generic`,
the oracle, the parser's AST and its tree edits (:mod:`symbp.latex.edit`).

>>> from symbp.engine.generic import Template
>>> t = Template("layers", "l", "L", [r"z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j",
...              r"a^l_j = \\sigma(z^l_j)"], {"error": "C"})
>>> sorted({c for c, _ in mutants(t, r"\\delta^l_j = \\sum_k w^{l+1}_{kj} \\delta^{l+1}_k \\sigma'(z^l_j)")})
['drop-derivative', 'l+1->l', 'l->l+1', 'swap-indices']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ..checker.generic import DEPTHS, check_generic
from ..checker.results import REFUTED, VERIFIED
from ..engine.generic import Invalid, Mark, Template
from ..errors import SymbpError
from ..latex.ast import Add, Call, Chain, Mul, Node, SumOp, Sym
from ..latex.edit import map_children
from ..latex.tokens import tokenize
from ..latex.unparse import unparse
from . import oracle

__all__ = ["CLASSES", "mutants", "oracle_verdict", "report"]

CLASSES = ("l+1->l", "l->l+1", "l-1->l", "dropped-t+1-term", "swap-indices", "drop-derivative",
           "boundary", "dropped-sum-over-steps")


def _at_last(tpl: Template, node: Node, shift: bool = False) -> Node:
    """``node`` with every step ``t+o`` written at the last step, ``T+o`` (with ``shift``, the
    ``T+1`` so made written ``T``: the last step as if a step ``T+1`` fed back its errors)."""
    def go(n: Node) -> Node:
        if isinstance(n, Sym):
            base, mark = tpl.split(n.name)
            if mark is not None and mark.kind == "var":
                off = 0 if shift and mark.offset == 1 else mark.offset
                text = tpl.depth if off == 0 else f"{tpl.depth}{off:+d}"
                return replace(n, name=tpl.marked(base, Mark("depth", off, text)))
            return n
        return map_children(n, go)

    return go(node)


def _shifts(tpl: Template, src: str) -> list[tuple[str, str]]:
    out = []
    toks = tokenize(src)
    for k, t in enumerate(toks):
        if not (t.kind == "sym" and t.text == "^" and k and toks[k - 1].kind == "letter"):
            continue
        found = tpl._superscript(toks, k)
        if found is None:
            continue
        end, mark = found
        letter = tpl.var if mark.kind == "var" else tpl.depth
        span = (toks[k + 1].pos, toks[end].end)
        moves = []
        if mark.kind == "var":
            if mark.offset == 1:
                moves.append(("l+1->l", 0))
            if mark.offset == 0:
                moves.append(("l->l+1", 1))
            if mark.offset == -1:
                moves.append(("l-1->l", 0))
        elif mark.offset == 0:
            moves.append(("boundary", -1))
        for cls, off in moves:
            text = letter if off == 0 else f"{{{letter}{off:+d}}}"
            out.append((cls, src[:span[0]] + text + src[span[1]:]))
    return out


def _ast_edits(node: Node, tpl: Template) -> list[tuple[str, Node]]:
    """Every one-node edit of ``node``: (class, the edited tree)."""
    out: list[tuple[str, Node]] = []
    if isinstance(node, Sym) and len(node.groups) == 2 and all(len(g) == 1 for g in node.groups):
        out.append(("swap-indices", replace(node, groups=node.groups[::-1])))
    if isinstance(node, Add) and len(node.terms) > 1:
        for i, term in enumerate(node.terms):
            if any(m.offset > 0 for _, m in tpl.claim_marks(Chain((term,), ()))):
                rest = node.terms[:i] + node.terms[i + 1:]
                out.append(("dropped-t+1-term", rest[0] if len(rest) == 1 else replace(node, terms=rest)))
    if isinstance(node, SumOp) and node.index == tpl.var and tpl.mode == "steps":
        # the sum over every step dropped: one step's term (at t, or at the last step T)
        out.append(("dropped-sum-over-steps", node.body))
        out.append(("dropped-sum-over-steps", _at_last(tpl, node.body)))
    if isinstance(node, Mul) and len(node.factors) > 1:
        for i, f in enumerate(node.factors):
            if isinstance(f, Call) and f.order >= 1:
                rest = node.factors[:i] + node.factors[i + 1:]
                out.append(("drop-derivative", rest[0] if len(rest) == 1 else replace(node, factors=rest)))
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            out += [(c, replace(node, **{f.name: new})) for c, new in _ast_edits(v, tpl)]
        elif isinstance(v, tuple) and v and isinstance(v[0], Node):
            for i, child in enumerate(v):
                out += [(c, replace(node, **{f.name: v[:i] + (new,) + v[i + 1:]}))
                        for c, new in _ast_edits(child, tpl)]
    return out


def mutants(tpl: Template, src: str) -> list[tuple[str, str]]:
    """The one-slip mutants of the claim ``src`` (LaTeX as the file writes it), as ``(class, text)``."""
    out = _shifts(tpl, src)
    chain = tpl.parse(src)
    if tpl.mode == "steps" and any(m.kind == "var" and m.offset == 1 for _, m in tpl.claim_marks(chain)):
        sides = [_at_last(tpl, x, shift=True) for x in chain.sides]  # the wrong boundary: T+1 -> T
        out.append(("boundary", tpl.show(f"{unparse(sides[0])} = {unparse(sides[1])}")))
    for side in (0, 1):
        for cls, new in _ast_edits(chain.sides[side], tpl):
            sides = list(chain.sides)
            sides[side] = new
            out.append((cls, tpl.show(f"{unparse(sides[0])} = {unparse(sides[1])}")))
    seen: set[str] = set()
    return [(c, t) for c, t in out if not (t in seen or seen.add(t))]


def oracle_verdict(tpl: Template, chain: Chain) -> str:
    """``equivalent``, ``different`` or ``ill-formed``: the oracle on every unrolled instance (a
    claim whose letter stands for units of two layers is ill-formed)."""
    answers = []
    for depth in DEPTHS[tpl.mode]:
        at_depth = {m.kind for _, m in tpl.claim_marks(chain)} <= {"depth"}
        for layer in ([None] if at_depth else range(0, depth + 2)):
            try:
                inst = tpl.instance(chain, layer, depth)
                inst.chain = tpl.fit(inst.chain, depth)
            except Invalid:
                continue
            except SymbpError:
                return oracle.ILL_FORMED
            if inst.conflicts:
                return oracle.ILL_FORMED
            net = tpl.network(depth)
            for k in range(len(inst.chain.rels)):
                answers.append(oracle.compare(net, inst.chain.sides[k], inst.chain.sides[k + 1]))
    if oracle.DIFFERENT in answers:
        return oracle.DIFFERENT
    if answers and all(a == oracle.EQUIVALENT for a in answers):
        return oracle.EQUIVALENT
    return oracle.ILL_FORMED


def report(paths: list[str | Path]) -> dict[str, Any]:
    """Mutate every verified single-link claim of the generic derivation files ``paths``: per
    class, how many mutants, how many the oracle finds different, how many of those the checker
    verifies (false accepts) and how many it refutes."""
    from ..document import load
    per: dict[str, Counter] = {}
    false_accepts: list[str] = []
    for p in paths:
        deriv = load(p)
        tpl = deriv.generic
        assert tpl is not None, p
        for eq in deriv.equations:
            if eq.chain is None or len(eq.chain.rels) != 1 or eq.expectation(1) is not None:
                continue
            if check_generic(tpl, eq.chain)[0].verdict not in (VERIFIED, "verified-at-sizes"):
                continue
            for cls, text in mutants(tpl, eq.text.strip()):
                c = per.setdefault(cls, Counter())
                c["mutants"] += 1
                try:
                    chain = tpl.parse(text)
                except SymbpError:
                    c["unreadable"] += 1
                    continue
                truth = oracle_verdict(tpl, chain)
                verdict = check_generic(tpl, chain)[0].verdict
                c[truth] += 1
                if truth == oracle.DIFFERENT:
                    c["killed" if verdict in (REFUTED, "error") else "accepted"] += 1
                    if verdict not in (REFUTED, "error"):
                        false_accepts.append(f"{p}: {text}")
                elif truth == oracle.EQUIVALENT and verdict not in (VERIFIED, "verified-at-sizes"):
                    c["equivalent-not-verified"] += 1
                elif truth == oracle.ILL_FORMED:  # a letter in two layers: no value, never verified
                    c["ill-formed-rejected" if verdict in (REFUTED, "error") else "ill-formed-verified"] += 1
    return {"classes": {k: dict(v) for k, v in sorted(per.items())}, "false_accepts": false_accepts}
