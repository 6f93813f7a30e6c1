"""The shipped derivations, loaded and checked once per test process (a test helper, not a test).

Several test modules choose their parameters from the verdicts of the shipped files (at
collection, in every pytest-xdist worker): each file is loaded and each of its equations checked
here once per process, keyed by the file's content, instead of once per module.  Tests that test
the checking itself call the checker; these are the parameters' source only.

>>> from pathlib import Path
>>> f = Path(__file__).resolve().parents[1] / "derivations" / "prml_5_3_1.tex"
>>> d, verdicts = checked(f)
>>> len(verdicts) == len(d.equations) and checked(f)[0] is d
True
"""

from __future__ import annotations

import functools
from pathlib import Path

from symbp.checker.files import check_derivation_equation
from symbp.document import Derivation, load


@functools.cache
def _checked(path: str, text: str) -> tuple[Derivation, tuple[tuple[str, ...], ...]]:
    d = load(path)
    return d, tuple(tuple(r.verdict for r in check_derivation_equation(d, eq)) for eq in d.equations)


def checked(path: str | Path) -> tuple[Derivation, tuple[tuple[str, ...], ...]]:
    """The file loaded, and the verdicts of each of its equations
    (``check_derivation_equation``'s, in order), computed once per process and content."""
    p = Path(path)
    return _checked(str(p), p.read_text(encoding="utf-8"))
