"""An independent generator of networks, equations and their truth (issue 11, deliverable 6).

Nothing here imports symbp beyond its public API (``symbp.loads``, ``symbp.check_equation``,
``LinkResult.verdict``/``.message``): the networks, the LaTeX and the truth (PyTorch autograd)
come from the generator's own description.
"""
