"""The printers room: normal form -> LaTeX and SymPy.

``nfprint`` (the checker's fast printer, without SymPy), ``sympy_latex`` (a SymPy
``LatexPrinter`` subclass: *the* printer of proofs and notebooks) and ``sympy_views`` (normal
forms as ordinary SymPy objects).  ``tests/test_printers.py`` holds the two printers to the same
output.  May import: the base modules, :mod:`symbp.model`.
"""
