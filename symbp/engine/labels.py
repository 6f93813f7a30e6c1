"""A class label used as an index: CS231n's ``L_i = -\\log p_{y_i}`` and
``\\frac{\\partial L_i}{\\partial f_k} = p_k - \\mathbb{1}(k = y_i)``.

Under ``% symbp: class label y`` (``declare(..., labels={'y': 't'})``) a subscript ``y_i`` (or
``y``) is the class of example ``i``, an integer, and the network is example ``i``'s: the letter
of the label never names a unit.  The label is read through its one-hot target ``t_k = [k = y]``
(declared ``one-hot``): a side ``S(y)`` that uses the label is read as ``\\sum_c t_c S(c)``, a
fresh letter ``c`` in place of the label, which equals ``S(y)`` for every one-hot ``t`` (the one
``t_y = 1``); a side without it stays.  So ``p_{y_i}`` is ``\\sum_c t_c p_c``, ``\\mathbb{1}(k =
y_i)`` is ``\\sum_c t_c [k = c] = t_k``, and a forward equation ``L = -\\log p_{y_i}`` defines
``L = \\sum_c t_c (-\\log p_c)``, the cross-entropy with one-hot targets.  An equation that holds
after this reading holds for every label (the targets range over the one-hot vectors); the
copy index ``i`` of ``L_i`` (the error of example ``i``) is the error itself.  Without the
directive ``y_i`` stays an index ``y`` with a copy index (the notation of ``w_{kj_l}``), never
read as a label from its letter.  Room ``symbp.engine``; imports the AST and the model.

>>> from symbp.latex.parser import parse_chain
>>> from symbp.latex.unparse import unparse
>>> read = read_labels(parse_chain(r"L_i = -\\log p_{y_i}", {"log"}), {"y": "t"}, error="L")
>>> [unparse(s) for s in read.sides]
['L', '-\\\\sum_{c} t_{c} \\\\log(p_{c})']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..errors import NotationError
from ..latex.ast import Add, Chain, Div, Kron, Mul, Neg, Node, SumOp, Sym
from ..latex.edit import map_children

#: the letters a fresh summation index over the classes is taken from, in order
FRESH = "cqrsuvgpb"


def label_of(group: tuple[str, ...], labels: dict[str, str]) -> str | None:
    """The label a subscript group writes (``('y', 'i')`` for ``y_i``, ``('y',)``), or ``None``."""
    if group and group[0] in labels and len(group) <= 2:
        return group[0]
    return None


def _uses(node: Node, labels: dict[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    """The labels ``node`` writes, as (label, group), in order."""
    out = []
    for n in node.walk():
        groups: Iterable[tuple[str, ...]] = ()
        if isinstance(n, Sym):
            groups = n.groups
        elif isinstance(n, Kron):
            groups = (n.left, n.right)
        for g in groups:
            if label_of(g, labels) is not None:
                out.append((g[0], g))
    return out


def uses_labels(chain: Chain, labels: dict[str, str]) -> bool:
    """Whether a side of ``chain`` writes one of ``labels``."""
    return bool(labels) and any(_uses(s, labels) for s in chain.sides)


def _put(node: Node, label: str, letter: str) -> Node:
    """``node`` with the label ``label`` (every group ``y_i``, ``y``) written ``letter``."""
    def group(g: tuple[str, ...]) -> tuple[str, ...]:
        return (letter,) if g and g[0] == label and len(g) <= 2 else g
    if isinstance(node, Sym):
        groups = tuple(group(g) for g in node.groups)
        return node if groups == node.groups else replace(node, groups=groups)
    if isinstance(node, Kron):
        left, right = group(node.left), group(node.right)
        return node if (left, right) == (node.left, node.right) else replace(node, left=left, right=right)
    return map_children(node, lambda c: _put(c, label, letter))


def _error_of_example(node: Node, error: str, copies: set[str]) -> Node:
    """``L_i`` (the error of example ``i``, ``i`` the copy index of the label) written ``L``."""
    if isinstance(node, Sym):
        if node.name == error and len(node.groups) == 1 and len(node.groups[0]) == 1 \
                and node.groups[0][0] in copies:
            return replace(node, groups=())
        return node
    return map_children(node, lambda c: _error_of_example(c, error, copies))


def _wrap(side: Node, target: str, letter: str) -> Node:
    """``\\sum_c t_c S``: the side ``S`` (the label already written ``c``) weighted by the target,
    taken inside a sign, to the terms of a sum that use the label (``\\sum_c t_c (A + B_c) = A +
    \\sum_c t_c B_c`` as the targets sum to 1), to the one factor of a product or the numerator of a
    quotient that uses it: the same value for every one-hot target, written as a student would."""
    def uses(n: Node) -> bool:
        return any(isinstance(m, (Sym, Kron)) and _has(m, letter) for m in n.walk())
    if isinstance(side, Neg):
        return replace(side, arg=_wrap(side.arg, target, letter))
    if isinstance(side, Add):
        return replace(side, terms=tuple(_wrap(x, target, letter) if uses(x) else x for x in side.terms))
    if isinstance(side, Mul) and sum(map(uses, side.factors)) == 1:
        return replace(side, factors=tuple(_wrap(x, target, letter) if uses(x) else x for x in side.factors))
    if isinstance(side, Div) and not uses(side.den):
        return replace(side, num=_wrap(side.num, target, letter))
    t = Sym(side.pos, side.pos, target, ((letter,),))
    body = Mul(side.pos, side.end, (t, *side.factors)) if isinstance(side, Mul) else \
        Mul(side.pos, side.end, (t, side))
    return SumOp(side.pos, side.end, letter, None, None, body, side.pos)


def _has(node: Sym | Kron, letter: str) -> bool:
    groups = node.groups if isinstance(node, Sym) else (node.left, node.right)
    return any(letter in g for g in groups)


def undeclared_label(letter: str, copy: str, pos: int) -> NotationError:
    """The error for ``y_i`` in a subscript where the network has no index ``y`` and no class
    label is declared: it names both readings' fixes, the directive first."""
    return NotationError(
        f"index {letter} is used but neither free nor summed: {letter}_{copy} in a subscript is an "
        f"index {letter} with a copy index {copy}, and this network has no index {letter}", offset=pos,
        hint=f"if {letter}_{copy} is a class label (CS231n's p_{{y_i}}), declare it: '% symbp: class "
             f"label {letter}' (read through its one-hot target t), or write the one-hot target "
             f"yourself: -\\sum_k t_k \\log p_k with '% symbp: targets t one-hot', and "
             f"\\mathbb{{1}}(k = {letter}_{copy}) as t_k")


def unknown_label(chain: Chain, known: Iterable[str]) -> NotationError | None:
    """:func:`undeclared_label` for the first ``y_i`` of ``chain`` whose ``y`` is no index of the
    network (``known``) and no summation index of the equation, else ``None``."""
    known = set(known) | {n.index for s in chain.sides for n in s.walk() if isinstance(n, SumOp)}
    for s in chain.sides:
        for n in s.walk():
            groups = n.groups if isinstance(n, Sym) else (n.left, n.right) if isinstance(n, Kron) else ()
            for g in groups:
                if len(g) == 2 and g[0] not in known and g[1] != "0" and g[0].isalpha():
                    return undeclared_label(g[0], g[1], n.pos)
    return None


def read_in(net: Any, chain: Chain) -> Chain:
    """``chain`` as it is checked in ``net`` (a :class:`~symbp.model.network.Network` that
    declares class labels): :func:`read_labels` with the network's labels, its error and its
    letters; the one reading the checker, the numeric check, the export and the oracle share."""
    return read_labels(chain, net.class_labels, error=net.error_name, taken=net.ranges)


def read_labels(chain: Chain, labels: dict[str, str], *, error: str | None = None,
                taken: Iterable[str] = (), prefer: str | None = None) -> Chain:
    """``chain`` with each side that writes a class label read through its one-hot target (the
    module's docstring); ``taken``: letters the fresh index must avoid (the network's), ``prefer``:
    the letter to take where the equation does not use it (a forward equation's ``k`` of ``p_k``).  Two
    labels, or one label with two copy indices (``y_i`` and ``y_j``: two examples) in one
    equation, are an error: the network is one example's.

    >>> from symbp.latex.parser import parse_chain
    >>> from symbp.latex.unparse import unparse
    >>> c = parse_chain(r"\\frac{\\partial L_i}{\\partial f_k} = p_k - \\mathbb{1}(k = y_i)")
    >>> [unparse(s) for s in read_labels(c, {"y": "t"}, error="L", taken="fk").sides]
    ['\\\\frac{\\\\partial L}{\\\\partial f_{k}}', 'p_{k} - \\\\sum_{c} t_{c} [k = c]']
    """
    uses = [u for s in chain.sides for u in _uses(s, labels)]
    if not uses:
        return chain
    names = {u[0] for u in uses}
    copies = {u[1][1] for u in uses if len(u[1]) == 2}
    first = next(n for s in chain.sides for n in s.walk() if _uses(n, labels))
    if len(names) > 1 or len(copies) > 1:
        what = ", ".join(sorted({"_".join(u[1]) for u in uses}))
        raise NotationError(f"one equation writes several class labels ({what}); the network is one "
                            "example's, with one label", offset=first.pos,
                            hint="write one example's equation, with one label (y_i)")
    (label,) = names
    _one_example(chain, labels, copies, error, first.pos)
    summed = {n.index for s in chain.sides for n in s.walk() if isinstance(n, SumOp)} & ({label} | copies)
    if summed:
        x = sorted(summed)[0]
        raise NotationError(f"a sum over {x}, the class label's {'letter' if x == label else 'copy index'}: "
                            "the label is one example's class, no index to sum over", offset=first.pos,
                            hint=f"sum over the classes with the one-hot target, \\sum_k t_k ..., or "
                                 f"write the label {label}_i without a sum")
    used = set(taken) | {x for s in chain.sides for x in s.index_letters()} | \
        {x for s in chain.sides for n in s.walk() if isinstance(n, Sym) for g in n.groups for x in g}
    letter = next((c for c in (prefer or "") + FRESH if c not in used), None)
    if letter is None:
        raise NotationError("no letter is left for the classes of the label", offset=first.pos,
                            hint="use fewer index letters in this equation")
    sides = []
    for s in chain.sides:
        if error is not None and copies:
            s = _error_of_example(s, error, copies)
        if _uses(s, labels):
            s = _wrap(_put(s, label, letter), labels[label], letter)
        sides.append(s)
    return Chain(tuple(sides), chain.rels)


def _one_example(chain: Chain, labels: dict[str, str], copies: set[str], error: str | None, pos: int) -> None:
    """The copy index of a label is the example's: the copy index of the error (``L_i`` and
    ``y_i``), and no unit.  ``\\mathbb{1}(k = y_k)`` beside ``f_k`` (k a class, not an example) or
    ``W_{y_i i}`` beside ``x_i`` (i the example and an input unit) has two readings, and ``y_j``
    beside ``L_i`` names another example than the loss's: each an error, never read silently."""
    if not copies:
        return
    (copy,) = copies
    examples = set()
    units: list[tuple[str, int]] = []
    for s in chain.sides:
        for n in s.walk():
            if isinstance(n, SumOp) and n.index == copy:
                units.append((f"\\sum_{{{copy}}}", n.pos))
            groups = n.groups if isinstance(n, Sym) else (n.left, n.right) if isinstance(n, Kron) else ()
            for g in groups:
                if label_of(g, labels) is not None:
                    continue
                if isinstance(n, Sym) and n.name == error and len(n.groups) == 1 and len(g) == 1:
                    examples.add(g[0])
                    continue
                if copy in g:
                    name = n.name if isinstance(n, Sym) else "\\mathbb{1}"
                    units.append((f"{name}_{{{''.join(g)}}}", n.pos))
    y = _label_name(labels, chain)
    if units:
        what, at = units[0]
        raise NotationError(f"the letter {copy} is the class label's example ({y}_{copy}) "
                            f"and also an index of {what}: two readings", offset=at,
                            hint=f"the label's copy index names the example; write the classes and units "
                                 f"with other letters than {copy}")
    if examples and copy not in examples:
        other = sorted(examples)[0]
        raise NotationError(f"the class label is written {y}_{copy}, the class of "
                            f"example {copy}, but the error {error}_{other} is example {other}'s", offset=pos,
                            hint=f"write the label of the example whose loss this is: "
                                 f"{y}_{other}")


def _label_name(labels: dict[str, str], chain: Chain) -> str:
    """The letter of the label ``chain`` writes (the first, in order)."""
    return next(u[0] for s in chain.sides for u in _uses(s, labels))


def written_label(chain: Chain, labels: dict[str, str]) -> str | None:
    """The first class label ``chain`` writes, as written (``y_i``, ``y``), or ``None``."""
    g = next((u[1] for s in chain.sides for u in _uses(s, labels)), None)
    return None if g is None else g[0] if len(g) == 1 else f"{g[0]}_{g[1]}"


def fresh_letter(chain: Chain, labels: dict[str, str]) -> str | None:
    """The fresh letter :func:`read_labels` wrote for the classes in ``chain`` (read already), or
    ``None``: the index of a sum ``\\sum_c t_c \\dots`` it wrote."""
    targets = set(labels.values())
    for node in (n for s in chain.sides for n in s.walk()):
        if isinstance(node, SumOp) and isinstance(node.body, Mul) and node.body.factors:
            t = node.body.factors[0]
            if isinstance(t, Sym) and t.name in targets and t.groups == ((node.index,),):
                return node.index
    return None


def slot_letter(chain: Chain, definitions: dict[str, Sym], labels: dict[str, str]) -> str | None:
    """The index letter whose range a label in a forward equation runs over: the letter at its
    slot in the defining equation of the family it indexes (``p_{y_i}`` with ``p_k = ...``: ``k``),
    or the other side of an indicator (``\\mathbb{1}(k = y_i)``: ``k``)."""
    for s in chain.sides:
        for n in s.walk():
            if isinstance(n, Sym) and n.name in definitions:
                lhs = definitions[n.name]
                for g, h in zip(n.groups, lhs.groups):
                    if label_of(g, labels) is not None and len(h) == 1:
                        return h[0]
            if isinstance(n, Kron):
                for g, h in ((n.left, n.right), (n.right, n.left)):
                    if label_of(g, labels) is not None and len(h) == 1 and label_of(h, labels) is None:
                        return h[0]
    return None


__all__ = ["FRESH", "fresh_letter", "label_of", "read_in", "read_labels", "slot_letter", "undeclared_label",
           "written_label",
           "unknown_label", "uses_labels"]
