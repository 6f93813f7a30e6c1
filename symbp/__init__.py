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

from .api import (
    NetworkDerivation,
    Report,
    check_equation,
    check_file,
    check_paths,
    derive,
    load_network,
)
from .checker.results import AT_SIZES, ERROR, REFUTED, VERDICTS, VERIFIED, LinkResult
from .document import Derivation, load, loads
from .engine.declare import builtin, declare
from .engine.numeric import lambdify
from .errors import (
    DeclarationError,
    InputError,
    LatexSyntaxError,
    NotationError,
    ResourceLimitError,
    SymbpError,
    UnsupportedError,
)
from .model.network import Network

__version__ = "0.1.0"


def __getattr__(name: str):  # noqa: ANN202 - lazy: proofs need SymPy, ``import symbp`` does not
    """``symbp.prove_file`` (see :func:`symbp.render.proof.prove_file`), imported on first use."""
    if name == "prove_file":
        from .render.proof import prove_file

        return prove_file
    raise AttributeError(f"module 'symbp' has no attribute {name!r}")


__all__ = [
    "AT_SIZES", "ERROR", "REFUTED", "VERDICTS", "VERIFIED",
    "DeclarationError", "Derivation", "InputError", "LatexSyntaxError", "LinkResult", "Network",
    "NetworkDerivation", "NotationError", "Report", "ResourceLimitError", "SymbpError",
    "UnsupportedError", "builtin", "check_equation", "check_file", "check_paths", "declare",
    "derive", "lambdify", "load", "load_network", "loads", "prove_file",
]
