"""A public corpus of backpropagation equations from textbooks and course notes (issue 12).

``entries.py`` holds the equations, ``oracle.py`` decides their truth with PyTorch autograd,
``run.py`` runs symbp on them, ``report.py`` prints the per-source figures (``REPORT.txt``).
"""
