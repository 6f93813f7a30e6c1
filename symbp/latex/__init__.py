"""The LaTeX room: text <-> AST.

``tokens`` (the lexer), ``ast`` (the nodes, which remember where they stand in the source),
``parser`` (a recursive-descent parser of the index notation), ``unparse`` (AST -> LaTeX, so that
``parse(unparse(x))`` is ``x``) and ``edit`` (the AST edits and queries that the checker, the
repair search, the mutation harness and the proofs share).  Knows nothing of networks.

May import: :mod:`symbp.errors`, :mod:`symbp.limits`, :mod:`symbp.notation`.
"""
