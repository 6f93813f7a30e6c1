"""The render room: results -> text, LaTeX and HTML; proofs.

``display`` (typeset maths and verdict tables for Jupyter, plain text for the CLI and pytest;
it registers the display hooks of :mod:`symbp.printable`) and ``proof`` (standalone LaTeX
proofs).  May import: everything but the front doors (:mod:`symbp.api`, :mod:`symbp.cli`,
:mod:`symbp.notebook`, :mod:`symbp.numcheck`, :mod:`symbp.pytest_plugin`).
"""
