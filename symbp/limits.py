"""Bounds on the work: sizes of formulas and expressions, and the per-equation deadline.

Every budget symbp keeps is here, so that the README's list of bounds has one source.  The
deadline is a stack local to this process; the independent oracle (:mod:`symbp.soundness.oracle`)
does not use it, on purpose.  Imports only :mod:`symbp.errors`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import ResourceLimitError

#: a formula: tokens, nesting depth, the largest whole power, the most digits of one number
MAX_DEPTH = 300  # an unrolled gradient of a 128-layer stack nests about 260 levels deep
MAX_TOKENS = 20_000
MAX_POWER = 8
MAX_DIGITS = 50
#: a normal form: terms per expression, factors per term, permutations tried within a tie
MAX_TERMS = 4000
MAX_FACTORS = 400
MAX_TIE_PERMUTATIONS = 720

#: size plans drawn for an equation the algebra cannot decide (:func:`symbp.engine.numeric.drawn_plans`):
#: the largest size drawn, the most index values one term of a plan may run over (the sizes of
#: its free and summed indices multiplied), how many plans at most, and the chance, at most,
#: that a non-zero polynomial in the sizes vanishes at all of them (Schwartz–Zippel)
MAX_PLAN_SIZE = 16
MAX_PLAN_WORK = 50_000
MAX_PLANS = 12
PLAN_MISS = 1e-6
#: the largest size of a plan drawn past every offset of a shifted position (``\\delta_{m+16}``
#: exists only from J = 17 on: :func:`symbp.checker.pipeline._far_plans`); an offset that reaches
#: past it leaves the equation not decided
MAX_FAR_SIZE = 64
#: the longest length (deepest network) a generic claim is unrolled to (a claim whose offsets or
#: sums reach further, \delta^{t+9} b^{t-9}, is not decided: :func:`symbp.checker.generic._depths`)
MAX_UNROLL = 12
#: the farthest a generic superscript reads from its letter (``\delta^{t+9}``, ``b^{L-9}``): a claim is
#: unrolled as far as it reaches (to ``T = 10``: :func:`symbp.checker.generic._depths`), so further is
#: an error naming this bound (:class:`symbp.diagnoses.GenericOffsetBound`)
MAX_GENERIC_OFFSET = 9

#: the clock of every budget: this process's CPU time, not the wall.  A budget bounds the work
#: of one equation; measured on the wall, the same file would get another verdict tier, another
#: suggestion or another counterexample on a loaded machine than on a quiet one (seen: twenty
#: concurrent jobs turned a 0.1 s repair search into a 2 s time-out).  What waits without
#: working (reading a file) is bounded where it waits, not here.
clock = time.process_time

_deadline: list[float] = []  # a stack of absolute deadlines (on :data:`clock`)


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Bound the work done inside the block: past ``seconds`` of CPU time (:data:`clock`), the
    next canonicalisation raises :class:`ResourceLimitError`.

    >>> with budget(10):
    ...     check_deadline()
    """
    end = clock() + seconds
    _deadline.append(min(end, _deadline[-1]) if _deadline else end)  # never past an enclosing one
    try:
        yield
    finally:
        _deadline.pop()


def check_deadline() -> None:
    """Raise :class:`ResourceLimitError` once the innermost :func:`budget` has run out."""
    if _deadline and clock() > _deadline[-1]:
        raise ResourceLimitError("the per-equation time bound was reached")
