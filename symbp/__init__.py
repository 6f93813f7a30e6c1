"""symbp: a symbolic derivation checker for neural-network backpropagation.

Write a derivation step in LaTeX, get an honest verdict: ``verified`` (for all sizes),
``verified-at-sizes`` (only the sizes named), ``refuted`` (with a diagnosis and numbers), or
``error`` (the input cannot be checked, with file, line, column and a hint).

>>> import symbp
>>> [r.verdict for r in symbp.check_equation(
...     r"\\frac{\\partial E}{\\partial w_{ji}} = \\sum_l \\delta_{j_l} z_{i_l}", "shared")]
['verified']
>>> doc = symbp.prove_file("derivations/weight_sharing.tex", "②")
>>> doc.exit_code, doc.text.count(r"\\subsection*")
(0, 1)
"""

__version__ = "0.1.0"

#: where each public name lives: imported on first use, so that ``import symbp`` (and
#: ``import symbp.pytest_plugin`` in a pytest run that meets no derivation file, or under
#: pytest-xdist in the controller, which checks nothing) does not import the checker and NumPy
_WHERE = {
    **dict.fromkeys(["NetworkDerivation", "Report", "check_equation", "check_file", "check_paths",
                     "derive", "load_network"], "api"),
    **dict.fromkeys(["AT_SIZES", "ERROR", "REFUTED", "VERDICTS", "VERIFIED", "LinkResult"], "results"),
    **dict.fromkeys(["Derivation", "load", "loads"], "document"),
    **dict.fromkeys(["builtin", "declare"], "declare"),
    "lambdify": "numeric",
    **dict.fromkeys(["DeclarationError", "InputError", "LatexSyntaxError", "NotationError",
                     "ResourceLimitError", "SymbpError", "UnsupportedError"], "errors"),
    "Network": "network",
    "prove_file": "proof",
}


def __getattr__(name: str):  # noqa: ANN202 - lazy: see _WHERE
    """The public names (``__all__``), each imported on first use; ``symbp.prove_file`` (see
    :func:`symbp.render.proof.prove_file`) needs SymPy, the others do not."""
    where = _WHERE.get(name)
    if where == "api":
        from . import api as module
    elif where == "results":
        from .checker import results as module
    elif where == "document":
        from . import document as module
    elif where == "declare":
        from .engine import declare as module
    elif where == "numeric":
        from .engine import numeric as module
    elif where == "errors":
        from . import errors as module
    elif where == "network":
        from .model import network as module
    elif where == "proof":
        from .render import proof as module
    else:
        raise AttributeError(f"module 'symbp' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value  # once: the next lookup is the module's own
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AT_SIZES", "ERROR", "REFUTED", "VERDICTS", "VERIFIED",
    "DeclarationError", "Derivation", "InputError", "LatexSyntaxError", "LinkResult", "Network",
    "NetworkDerivation", "NotationError", "Report", "ResourceLimitError", "SymbpError",
    "UnsupportedError", "builtin", "check_equation", "check_file", "check_paths", "declare",
    "derive", "lambdify", "load", "load_network", "loads", "prove_file",
]
