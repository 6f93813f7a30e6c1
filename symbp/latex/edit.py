"""AST edits and queries that the checker, the repair search, the mutation harness and the proofs
share: rename a free letter (also inside the bounds of a sum), strip or rename a sum, swap one
node for another, the letters a link uses, whether a side sums over a letter.

One copy of each, so that two of them cannot diverge (``check._rename_free`` and
``mutation.rename_free`` once did: only one renamed inside the bounds of a sum).  Room
``symbp.latex``; imports the AST and :mod:`symbp.notation`.

>>> from symbp.latex.parser import parse_expression
>>> from symbp.latex.unparse import unparse
>>> unparse(rename_free(parse_expression(r"\\sum_{k=1}^{J} w_{kj} \\delta_k"), "j", "i"))
'\\\\sum_{k=1}^{J} w_{ki} \\\\delta_{k}'
>>> unparse(rename_free(parse_expression(r"\\sum_{k} [k = j] \\delta_k"), "k", "q"))
'\\\\sum_{k} [k = j] \\\\delta_{k}'
>>> unparse(rename_free(parse_expression(r"[k = j] \\delta_k"), "k", "q"))
'[q = j] \\\\delta_{q}'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from functools import cache
from typing import Any

from ..notation import is_shift, shift_terms, shift_text
from .ast import Kron, Node, RangeCond, SumOp, Sym


def _renamed(x: str, old: str, new: str) -> str:
    """A subscript entry with the letter ``old`` written ``new``, inside a shifted position too."""
    if x == old:
        return new
    if is_shift(x):
        terms, const = shift_terms(x)
        # in a stride's term ({s}*j) the index letter is renamed, never the size
        renamed = [("*".join(new if q == old else q for q in y.split("*")), c) for y, c in terms]
        return shift_text(sorted(renamed, key=lambda yc: (yc[1] < 0, yc[0])), const)
    return x


def rename_free(node: Node, old: str, new: str) -> Node:
    """``node`` with the free occurrences of the index letter ``old`` written ``new``: in
    subscripts, Kronecker deltas and the bounds of a sum (a sum over ``old`` binds it in its body
    only)."""
    from dataclasses import replace
    if isinstance(node, Sym):
        return replace(node, groups=tuple(tuple(_renamed(x, old, new) for x in g) for g in node.groups))
    if isinstance(node, RangeCond):
        return replace(node, entry=_renamed(node.entry, old, new))
    if isinstance(node, Kron):
        return replace(node, left=tuple(_renamed(x, old, new) for x in node.left),
                       right=tuple(_renamed(x, old, new) for x in node.right))
    if isinstance(node, SumOp) and node.index == old:
        bounds = {a: rename_free(b, old, new) for a in ("lower", "upper")
                  if (b := getattr(node, a)) is not None}
        return replace(node, **bounds) if bounds else node
    return map_children(node, lambda c: rename_free(c, old, new))


def strip_sum(node: Node, letter: str) -> Node | None:
    """``node`` with its (first) ``\\sum_letter`` replaced by the summand."""
    from dataclasses import fields, replace
    if isinstance(node, SumOp) and node.index == letter and node.lower is None:
        return node.body
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            new = strip_sum(v, letter)
            if new is not None:
                return replace(node, **{f.name: new})
        elif isinstance(v, tuple) and v and isinstance(v[0], Node):
            for i, c in enumerate(v):
                new = strip_sum(c, letter)
                if new is not None:
                    return replace(node, **{f.name: v[:i] + (new,) + v[i + 1:]})
    return None


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of the node class ``cls``, in order (:func:`dataclasses.fields`, read once)."""
    return tuple(f.name for f in fields(cls))


@cache
def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of the node class ``cls`` that may hold a child (a node or a tuple of nodes):
    every field but the positions, read once per class."""
    return tuple(n for n in _field_names(cls) if n not in ("pos", "end"))


def rebuild(node: Node, changed: dict[str, Any]) -> Node:
    """A new node of ``node``'s class with the fields ``changed`` and the others of ``node``: what
    :func:`dataclasses.replace` makes (the nodes have no ``__post_init__`` and every field is an
    ``__init__`` argument), without reading the class's fields on every call.

    >>> from symbp.latex.parser import parse_expression
    >>> from symbp.latex.unparse import unparse
    >>> unparse(rebuild(parse_expression("w_{kj}"), {"groups": (("k",), ("i",))}))
    'w_{ki}'
    """
    return type(node)(**{n: changed[n] if n in changed else getattr(node, n)
                         for n in _field_names(type(node))})


def map_children(node: Node, fn: Callable[[Node], Node]) -> Node:
    """``node`` with ``fn`` applied to each child (a field that is a node, or a tuple of nodes): the
    one walk every tree edit that rebuilds all children shares; ``node`` itself where no child
    changed (by identity).

    >>> from symbp.latex.parser import parse_expression
    >>> from symbp.latex.unparse import unparse
    >>> unparse(map_children(parse_expression("a + b"), lambda c: parse_expression("x")))
    'x + x'
    """
    changed: dict[str, Any] = {}
    for name in child_fields(type(node)):
        v = getattr(node, name)
        if isinstance(v, Node):
            nv = fn(v)
            if nv is not v:
                changed[name] = nv
        elif isinstance(v, tuple) and v and isinstance(v[0], Node):
            nt = tuple(fn(c) for c in v)
            if any(a is not b for a, b in zip(nt, v)):
                changed[name] = nt
    return rebuild(node, changed) if changed else node


def swap_node(node: Node, old: Node, new: Node) -> Node:
    """``node`` with the subtree ``old`` (by identity) replaced by ``new``."""
    if node is old:
        return new
    return map_children(node, lambda c: swap_node(c, old, new))


def replace_sum_index(node: Node, bad: str, good: str) -> Node | None:
    from dataclasses import replace
    if isinstance(node, SumOp) and node.index == bad:
        return replace(node, index=good)
    for attr in ("body", "num", "arg"):
        child = getattr(node, attr, None)
        if isinstance(child, Node):
            new = replace_sum_index(child, bad, good)
            if new is not None:
                return replace(node, **{attr: new})
    for attr in ("factors", "terms"):
        kids = getattr(node, attr, None)
        if kids:
            for i, child in enumerate(kids):
                new = replace_sum_index(child, bad, good)
                if new is not None:
                    return replace(node, **{attr: kids[:i] + (new,) + kids[i + 1:]})
    return None


def used_letters(lhs: Node, rhs: Node) -> set[str]:
    return lhs.index_letters() | rhs.index_letters()


def sums_over(side: Node, letter: str) -> bool:
    return any(isinstance(n, SumOp) and n.index == letter for n in side.walk())
