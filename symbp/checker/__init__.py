"""The checker room: verdicts.

``results`` (the verdicts and :class:`~symbp.checker.results.LinkResult`), ``context`` (one
link's reading), ``pipeline`` (index analysis, then the symbolic comparison, then concrete
sizes), ``repair`` (the did-you-mean search), ``diagnosis`` (what differs, counterexamples),
``report`` and ``files`` (results of equations, files and folders, placed in their files).
May import: everything below (base, :mod:`symbp.latex`, :mod:`symbp.model`,
:mod:`symbp.engine`, :mod:`symbp.printers`) and :mod:`symbp.document`.  A failed check is a
result object, never an exception.
"""
