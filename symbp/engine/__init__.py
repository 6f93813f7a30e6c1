"""The engine room: meaning.

``declare`` (forward equations -> a :class:`~symbp.model.network.Network`), ``semantics``
(index analysis, index-letter inference, AST -> normal form), ``calculus`` (the chain rule
over the network, ``δ`` by its definition) and ``numeric`` (normal forms evaluated at concrete
sizes, ``lambdify``).  May import: the base modules, :mod:`symbp.latex`, :mod:`symbp.model`,
:mod:`symbp.catalogue`.
"""
