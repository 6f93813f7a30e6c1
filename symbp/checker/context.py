"""The reading of one link that the checker and its repair search share.

Imports only the rooms below the checker (the AST, the model, the engine's index analysis) and
:mod:`symbp.checker.results`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..engine.semantics import IndexProblem
from ..latex.ast import Node
from ..model.network import Network
from .results import LinkResult


@dataclass(frozen=True)
class LinkContext:
    """One link's reading: the network, the index letters' ranges, what inference found, the
    equation's head, and ``recheck``, which checks a candidate ``lhs = rhs`` under the same reading
    (without proposals of its own: the repair search never recurses)."""

    net: Network
    letters: dict[str, tuple[str, ...]]
    inference: list[IndexProblem]
    head: Node
    recheck: Callable[[Node, Node], LinkResult]
