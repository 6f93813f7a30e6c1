"""The diagnosis vocabulary: stable codes, one frozen dataclass per diagnosis, and its English.

Every refutation and every input error carries a stable *code* (``vacuous-sum``,
``missing-factor``, ``bound-reached``, ...: the idea of mypy's ``errorcodes.py``), and a
refutation carries its diagnoses as data: the letters, the symbols, the suggested replacement as
LaTeX and as AST.  The English of a diagnosis is built from its fields here and nowhere else:
:meth:`Diagnosis.parts` gives it as prose and maths (:class:`Math`), so that ``symbp check``
prints :attr:`Diagnosis.text` and the prover typesets the maths without re-reading the English.

Base room: imports only :mod:`symbp.notation` (an AST field is typed, never imported).

>>> d = VacuousSum("k", side="left")
>>> d.name, d.text
('vacuous-sum', 'the summation index k does not occur in the summand on the left')
>>> [str(p) for p in d.parts() if isinstance(p, Math)]
['k']
>>> message([ValueDiffers((MissingFactor("h'(a_{j})", exact=True),))])
"the two sides differ: a factor h'(a_{j}) of the left side is missing on the right"
>>> CODES["missing-factor"].summary
'a factor of the left side is missing on the right'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, ClassVar

from .notation import letter_tex, sum_tex

__all__ = ["CODES", "Code", "Diagnosis", "Math", "code_of", "message", "parts_of", "renamed",
           "without_answers"]


# ----------------------------------------------------------------------------------------------
# codes


@dataclass(frozen=True)
class Code:
    """A stable diagnosis code: its name (what JSON and ``% symbp: expect refuted <code>`` say),
    the verdict it mostly comes with (a letter nothing places is an ``error`` alone, and part of a
    refutation beside another slip), and one line of what it means."""

    name: str
    verdict: str
    summary: str

    def __str__(self) -> str:
        return self.name


#: every code, by name
CODES: dict[str, Code] = {}


def _code(name: str, verdict: str, summary: str) -> Code:
    c = Code(name, verdict, summary)
    CODES[name] = c
    return c


# refuted: index analysis (before any values)
VACUOUS_SUM = _code("vacuous-sum", "refuted", "a sum over a letter its summand lacks")
TERMS_FREE_MISMATCH = _code("terms-free-mismatch", "refuted",
                            "the terms of a sum have different free indices")
FREE_INDEX_MISMATCH = _code("free-index-mismatch", "refuted", "a letter is free on one side only")
UNPLACEABLE_INDEX = _code("unplaceable-index", "refuted",
                          "an undeclared letter that no layer fits everywhere it is written")
INDICES_FIT_NO_FAMILY = _code("indices-fit-no-family", "refuted",
                              "a symbol whose indices fit no family of the network (w_{jk} for w_{kj})")
INDEX_SLIP = _code("index-slip", "refuted", "another slip in the indices")
SHAPE_MISMATCH = _code("shape-mismatch", "refuted",
                       "vectors and matrices whose shapes do not fit (W \\delta for W^T \\delta)")
# refuted: by value
VALUE_DIFFERS = _code("value-differs", "refuted", "the two sides have different values")
SIGN_DIFFERS = _code("sign-differs", "refuted", "the two sides differ in sign only")
FACTOR_DIFFERS = _code("factor-differs", "refuted", "the two sides differ by a constant factor")
TERMS_DIFFER = _code("terms-differ", "refuted", "the two sides have different terms")
SIZE_FACTOR = _code("size-factor", "refuted", "one side has an extra factor, the size of a range")
COEFFICIENT_DIFFERS = _code("coefficient-differs", "refuted", "the numeric factors of the two sides differ")
SUM_ADDED_OR_DROPPED = _code("sum-added-or-dropped", "refuted", "one side sums over more indices")
TRANSPOSED_INDICES = _code("transposed-indices", "refuted",
                           "the same quantities on both sides, with different indices")
MISSING_FACTOR = _code("missing-factor", "refuted", "a factor of the left side is missing on the right")
EXTRA_FACTOR = _code("extra-factor", "refuted", "the right side has an extra factor")
NEEDS_CONDITION = _code("needs-condition", "refuted",
                        "the step holds only under a condition the file does not declare "
                        "(targets summing to 1)")
# error: the input cannot be checked
INPUT_ERROR = _code("input-error", "error", "the input cannot be checked")
LATEX_SYNTAX = _code("latex-syntax", "error", "the LaTeX cannot be read")
NOTHING_TO_CHECK = _code("nothing-to-check", "error", "no '=' or '\\equiv' in the equation")
DECLARATION = _code("declaration", "error", "the network declaration is inconsistent or incomplete")
UNKNOWN_SYMBOL = _code("unknown-symbol", "error", "a symbol, function or index letter symbp cannot resolve")
UNDETERMINED_INDEX = _code("undetermined-index", "error", "an undeclared letter that nothing places")
RANGE_MISMATCH = _code("range-mismatch", "error",
                       "a letter's range does not fit (a Kronecker delta between two ranges)")
PARTIAL_SUM = _code("partial-sum", "error", "a sum whose bounds are not the whole range of its letter")
UNSUPPORTED = _code("unsupported", "error", "well-formed LaTeX that symbp gives no meaning to")
AMBIGUOUS_READING = _code("ambiguous-reading", "error",
                          "an undeclared letter that could run over several ranges, and the readings differ")
BOUND_REACHED = _code("bound-reached", "error", "a bound on the work was reached (size, depth, time)")
ROUND_TRIP = _code("round-trip", "error", "symbp re-reads a side differently from what it parsed (a bug)")
INTERNAL_ERROR = _code("internal-error", "error", "a symbp bug: nothing is claimed")


def code_of(name: str) -> Code:
    """The code called ``name`` (``KeyError`` if there is none).

    >>> code_of("bound-reached").verdict
    'error'
    """
    return CODES[name]


# ----------------------------------------------------------------------------------------------
# the parts of a message


class Math(str):
    """A part of a message that is LaTeX maths (``\\sum_k``, ``h'(a_{j})``); the prover puts it
    in ``$...$``, the text output prints it as it is."""

    __slots__ = ()


class Source(str):
    """A part that is LaTeX symbp did not check (a shortened term): shown as source text."""

    __slots__ = ()


Part = str  # prose, Math or Source


def _m(x: str) -> Math:
    return Math(x)


@dataclass(frozen=True)
class Diagnosis:
    """One fact about a result, as data; :attr:`text` is its English (built by :meth:`parts`)."""

    code: ClassVar[Code | None] = None
    #: whether the diagnosis gives the answer away (a correction, what symbp derives, the value
    #: both sides reduce to): what a grader hides below ``--feedback full``
    answers: ClassVar[bool] = False

    def parts(self) -> tuple[Part, ...]:
        raise NotImplementedError

    def fault(self) -> Diagnosis | None:
        """The diagnosis without the answer it gives away (``None``: it is all answer)."""
        return None if self.answers else self

    @property
    def text(self) -> str:
        return "".join(self.parts())

    @property
    def name(self) -> str | None:
        """The code's name (``None`` for a note that is no fault: a suggestion, a derivation)."""
        return self.code.name if self.code is not None else None


def _side(side: str | None) -> tuple[Part, ...]:
    return (f" on the {side}",) if side else ()


# refuted: index analysis ----------------------------------------------------------------------


@dataclass(frozen=True)
class VacuousSum(Diagnosis):
    """``\\sum_k`` over a letter the summand lacks."""

    code: ClassVar[Code | None] = VACUOUS_SUM
    letter: str
    side: str | None = None

    def parts(self) -> tuple[Part, ...]:
        return ("the summation index ", _m(letter_tex(self.letter)), " does not occur in the summand",
                *_side(self.side))


@dataclass(frozen=True)
class TermsFreeMismatch(Diagnosis):
    """The terms of a sum have different free indices (``groups``: each term's letters)."""

    code: ClassVar[Code | None] = TERMS_FREE_MISMATCH
    letter: str
    groups: tuple[tuple[str, ...], ...]
    side: str | None = None

    def parts(self) -> tuple[Part, ...]:
        return ("the terms of this sum have different free indices ("
                + "; ".join("{" + ", ".join(g) + "}" for g in self.groups) + ")", *_side(self.side))


@dataclass(frozen=True)
class UnplaceableIndex(Diagnosis):
    """An undeclared letter that no layer fits everywhere it is written."""

    code: ClassVar[Code | None] = UNPLACEABLE_INDEX
    letter: str
    side: str | None = None
    #: the letter is a class label as written (``y_i``, read as a class): declared, misplaced
    label: bool = False

    def parts(self) -> tuple[Part, ...]:
        if self.label:
            return ("the class label ", _m(self.letter), " stands for a class, and no layer's units "
                    "fit every place it is written", *_side(self.side))
        return ("the index ", _m(self.letter),
                " is not declared, and no layer fits every place it is written", *_side(self.side))


@dataclass(frozen=True)
class UndeterminedIndex(Diagnosis):
    """An undeclared letter that no indexed symbol places."""

    code: ClassVar[Code | None] = UNDETERMINED_INDEX
    letter: str
    side: str | None = None

    def parts(self) -> tuple[Part, ...]:
        return ("the index ", _m(self.letter),
                " is neither declared nor inferable: no indexed symbol places it", *_side(self.side))


@dataclass(frozen=True)
class AmbiguousIndex(Diagnosis):
    """An undeclared letter that could run over several ranges."""

    code: ClassVar[Code | None] = AMBIGUOUS_READING
    letter: str
    ranges: tuple[str, ...]
    side: str | None = None

    def parts(self) -> tuple[Part, ...]:
        return ("the index ", _m(self.letter), " is not declared and could run over ",
                *_ors(self.ranges), *_side(self.side))


@dataclass(frozen=True)
class IndexSlip(Diagnosis):
    """A slip that index analysis words itself (a kind this vocabulary has no class for yet)."""

    code: ClassVar[Code | None] = INDEX_SLIP
    kind: str
    message: str
    side: str | None = None

    def parts(self) -> tuple[Part, ...]:
        return (self.message, *_side(self.side))


@dataclass(frozen=True)
class ShapeMismatch(Diagnosis):
    """A product, sum or equation of vectors and matrices whose shapes do not fit, worded in the
    vector notation it was written in (the transpose that fits is part of ``message``)."""

    code: ClassVar[Code | None] = SHAPE_MISMATCH
    words: tuple[Part, ...]
    fix: tuple[Part, ...] = ()  # "did you mean (x g^T)^T?": the answer, which a grader may hide

    def parts(self) -> tuple[Part, ...]:
        return (*self.words, "; ", *self.fix) if self.fix else self.words

    def fault(self) -> Diagnosis:
        return replace(self, fix=())


@dataclass(frozen=True)
class FreeIndexMismatch(Diagnosis):
    """``letter`` is free on ``side`` but not on the other side (which may sum over it)."""

    code: ClassVar[Code | None] = FREE_INDEX_MISMATCH
    letter: str
    side: str
    other_sums: bool

    def parts(self) -> tuple[Part, ...]:
        other = "left" if self.side == "right" else "right"
        return (_m(letter_tex(self.letter)), f" is free on the {self.side} but "
                + (f"the {other} sums over it" if self.other_sums else f"not on the {other}"),)


@dataclass(frozen=True)
class IndicesFitNoFamily(Diagnosis):
    """A symbol whose indices fit no family of the network (``w_{jk}`` for ``w_{kj}``):
    ``symbol`` as written, the ``family``'s name, the ranges the indices run over, the families
    of that name the network has (all as LaTeX)."""

    code: ClassVar[Code | None] = INDICES_FIT_NO_FAMILY
    symbol: str
    family: str
    ranges: tuple[str, ...]
    known: tuple[str, ...]

    @property
    def message(self) -> str:
        """The first half (what an input error says; :attr:`hint` is the second)."""
        return (f"{self.symbol}: no {self.family} of this network has indices running over "
                f"({', '.join(self.ranges)})")

    @property
    def hint(self) -> str:
        return f"the network has {', '.join(self.known)}"

    def parts(self) -> tuple[Part, ...]:
        return (_m(self.symbol), ": no ", _m(self.family), " of this network has indices running over (",
                *_commas([_m(r) for r in self.ranges]), "); the network has ",
                *_commas([_m(k) for k in self.known]))


def _commas(items: Sequence[Part], sep: str = ", ") -> tuple[Part, ...]:
    out: list[Part] = []
    for k, x in enumerate(items):
        if k:
            out.append(sep)
        out.append(x)
    return tuple(out)


def _ors(ranges: Sequence[str]) -> tuple[Part, ...]:
    return _commas([_m(r) for r in ranges], " or ")


# refuted: by value ----------------------------------------------------------------------------


def _short(x: Any, limit: int = 24) -> str:
    s = str(x)
    return s if len(s) <= limit else f"{s[:10]}...{s[-6:]} ({len(s)} digits)"


@dataclass(frozen=True)
class SignDiffers(Diagnosis):
    """The two sides differ in sign only."""

    code: ClassVar[Code | None] = SIGN_DIFFERS

    def parts(self) -> tuple[Part, ...]:
        return ("the two sides differ in sign only",)


@dataclass(frozen=True)
class FactorDiffers(Diagnosis):
    """The two sides differ by one number, ``ratio`` (right over left)."""

    code: ClassVar[Code | None] = FACTOR_DIFFERS
    ratio: Any

    def parts(self) -> tuple[Part, ...]:
        return (f"the two sides differ by a factor of {_short(self.ratio)} (right over left)",)


@dataclass(frozen=True)
class TermsDiffer(Diagnosis):
    """The sides' terms differ: how many each has, the terms found on one side only (LaTeX, at
    most three a side; empty when there are more)."""

    code: ClassVar[Code | None] = TERMS_DIFFER
    left: int
    right: int
    only_left: tuple[str, ...] = ()
    only_right: tuple[str, ...] = ()

    def parts(self) -> tuple[Part, ...]:
        left, right = _terms(self.left), _terms(self.right)
        out: list[Part] = [
            f"the two sides differ: the left side reduces to {left} and the right side to {right}"
            if self.left != self.right else
            f"the two sides differ: each side reduces to {left}, not the same ones"]
        for where, terms in (("left", self.only_left), ("right", self.only_right)):
            if terms:
                out.append(f"; on the {where} only: ")
                out += _commas([_term(t) for t in terms])
        return tuple(out)


def _terms(n: int) -> str:
    """``0``, ``one term``, ``3 terms``: how many terms a side's normal form has."""
    return "0" if n == 0 else "one term" if n == 1 else f"{n} terms"


def _term(t: str) -> Part:
    return Source(t) if t.endswith("...") else Math(t)


@dataclass(frozen=True)
class SizeFactor(Diagnosis):
    """``side`` has an extra factor ``size``, the size of a range."""

    code: ClassVar[Code | None] = SIZE_FACTOR
    side: str
    size: str

    def parts(self) -> tuple[Part, ...]:
        return (f"the {self.side} side has an extra factor ", _m(self.size), " (the size of a range)")


@dataclass(frozen=True)
class CoefficientDiffers(Diagnosis):
    """The single terms' numbers differ."""

    code: ClassVar[Code | None] = COEFFICIENT_DIFFERS
    left: Any
    right: Any

    def parts(self) -> tuple[Part, ...]:
        return (f"the factors {self.left} and {self.right} differ",)


@dataclass(frozen=True)
class SumAddedOrDropped(Diagnosis):
    """``side`` sums over ``more`` indices, the other over ``fewer``."""

    code: ClassVar[Code | None] = SUM_ADDED_OR_DROPPED
    side: str
    more: int
    fewer: int

    def parts(self) -> tuple[Part, ...]:
        return (f"the {self.side} side sums over more indices ({self.more} against {self.fewer}): "
                "a sum is added or dropped",)


@dataclass(frozen=True)
class TransposedIndices(Diagnosis):
    """The same quantities on both sides, with different indices."""

    code: ClassVar[Code | None] = TRANSPOSED_INDICES

    def parts(self) -> tuple[Part, ...]:
        return ("the same quantities appear on both sides, with different indices "
                "(transposed or renamed indices?)",)


def _factor(factor: str, exact: bool) -> Part:
    prose = factor in ("Kronecker delta", "range condition") or "..." in factor
    return Math(factor) if exact or not prose else factor


@dataclass(frozen=True)
class MissingFactor(Diagnosis):
    """A factor of the left side missing on the right: as written (``exact``, all its indices free)
    or by its name (``h'(...)``, ``w``)."""

    code: ClassVar[Code | None] = MISSING_FACTOR
    factor: str
    exact: bool = False

    def parts(self) -> tuple[Part, ...]:
        return ("a factor ", _factor(self.factor, self.exact), " of the left side is missing on the right")


@dataclass(frozen=True)
class ExtraFactor(Diagnosis):
    """A factor of the right side that the left lacks (see :class:`MissingFactor`)."""

    code: ClassVar[Code | None] = EXTRA_FACTOR
    factor: str
    exact: bool = False

    def parts(self) -> tuple[Part, ...]:
        return ("the right side has an extra factor ", _factor(self.factor, self.exact))


@dataclass(frozen=True)
class ValueDiffers(Diagnosis):
    """The sides' values differ; ``details`` say how (a missing factor, transposed indices, ...)."""

    code: ClassVar[Code | None] = VALUE_DIFFERS
    details: tuple[Diagnosis, ...] = ()

    def parts(self) -> tuple[Part, ...]:
        out: list[Part] = ["the two sides differ"]
        for k, d in enumerate(self.details):
            out.append(": " if k == 0 else "; ")
            out += d.parts()
        return tuple(out)

    @property
    def primary(self) -> Code:
        """The code that says most: the first detail's, else ``value-differs``."""
        return self.details[0].code or VALUE_DIFFERS if self.details else VALUE_DIFFERS


# notes: no fault of their own ----------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion(Diagnosis):
    """A one-token change under which the step holds (or, for ``kind='sum-index'``, may not:
    then ``verdict`` and ``outcome`` say what it gives).

    ``kind`` is one of ``sum-index`` (``\\sum_l`` for ``\\sum_k``: ``old``, ``new`` letters),
    ``extra-sum`` / ``forgotten-sum`` (``new``: the letter), ``rename`` (``new`` for ``old`` on
    ``side``), ``indices`` (``new``: the symbol; ``reordered``), ``token`` (``new`` for ``old``
    on ``side``), ``edit`` (``side`` ``words``: without the minus sign, with a factor ...).
    ``equation`` is the suggested equation in LaTeX, ``lhs``/``rhs`` its sides as AST."""

    code: ClassVar[Code | None] = None
    answers: ClassVar[bool] = True
    kind: str
    verdict: str
    equation: str
    new: str = ""
    old: str = ""
    side: str | None = None
    words: tuple[Part, ...] = ()
    reordered: bool = False
    outcome: str = ""
    lhs: Any = field(default=None, compare=False, repr=False)
    rhs: Any = field(default=None, compare=False, repr=False)

    @property
    def how(self) -> str:
        return "verified for all sizes" if self.verdict == "verified" else "verified at the sizes tried"

    def __getitem__(self, k: int) -> str:
        """``[0]`` the text, ``[1]`` the equation: what the repair search returned as a pair before
        it returned this (for code written against the pair)."""
        return (self.text, self.equation)[k]

    def parts(self) -> tuple[Part, ...]:
        k = self.kind
        if k == "sum-index":
            q = ("did you mean ", _m(sum_tex(self.new)), " instead of ", _m(sum_tex(self.old)), "?")
            if self.verdict in ("verified", "verified-at-sizes"):
                return (*q, f" with it the step is {self.how}")
            return (*q, f" (even then the step is {self.verdict}: ", *_outcome(self.outcome), ")")
        if k == "extra-sum":
            q = ("did you sum over ", _m(letter_tex(self.new)), " by mistake? without that ",
                 _m(sum_tex(self.new)))
            return (*q, f" the step is {self.how}")
        if k == "forgotten-sum":
            return ("did you forget ", _m(sum_tex(self.new)), f"? with it the step is {self.how}")
        if k == "rename":
            return ("did you mean ", _m(letter_tex(self.new)), " instead of ", _m(letter_tex(self.old)),
                    f" on the {self.side}? with it the step is {self.how}")
        if k == "indices":
            why = " (indices in the network's order)" if self.reordered else ""
            return ("did you mean ", _m(self.new), f"{why}? with it the step is {self.how}")
        if k == "token":
            return ("did you mean ", _m(self.new), " instead of ", _m(self.old),
                    f" on the {self.side}? with it the step is {self.how}")
        return (f"did you mean the {self.side} side ", *self.words, f"? with it the step is {self.how}")


def _outcome(text: str) -> tuple[Part, ...]:
    return (Source(text),) if text else ()


@dataclass(frozen=True)
class PolynomialDifference(Diagnosis):
    """The difference of the two sides is ``poly`` (a polynomial in the sizes, LaTeX) times
    ``what``, not zero at the sizes ``at`` (``I=3, K=7``): evidence, not a fault of its own."""

    poly: str
    what: str
    at: str

    def parts(self) -> tuple[Part, ...]:
        return ("left minus right is ", _m(self.poly), " times ", _m(self.what),
                f", a polynomial in the sizes that is not zero at {self.at}")


@dataclass(frozen=True)
class Derived(Diagnosis):
    """What symbp derives for the equation's head (LaTeX)."""

    answers: ClassVar[bool] = True
    equation: str

    def parts(self) -> tuple[Part, ...]:
        return ("symbp derives ", _m(self.equation))


@dataclass(frozen=True)
class OutsideRange(Diagnosis):
    """Where a side reads a family outside its range (``reads``: ``'x_{i} at 0 (outside 1..I)'``,
    LaTeX), which the verdict does not depend on: the sides differ whatever is there."""

    reads: tuple[str, ...]

    def parts(self) -> tuple[Part, ...]:
        out: list[Part] = ["a side reads "]
        for k, r in enumerate(self.reads):
            name, _, rest = r.partition(" at ")
            out += (["; "] if k else []) + [_m(name), f" at {rest}"]
        out.append(": the sides differ both where it holds 0 there (zero padding) and where it holds "
                   "unknowns")
        return tuple(out)


@dataclass(frozen=True)
class Reading(Diagnosis):
    """The readings of undeclared letters under which a verdict holds: ``every`` reading that
    fits (``ranges``: each letter with the ranges it fits, ``(("q", ("J", "K")),)``) or the only
    one that fits (one range a letter)."""

    ranges: tuple[tuple[str, tuple[str, ...]], ...]
    every: bool

    def parts(self) -> tuple[Part, ...]:
        what: list[Part] = []
        for k, (letter, rs) in enumerate(self.ranges):
            what += [", "] if k else []
            what += [_m(letter), " over ", *_ors(rs)]
        if self.every:
            return ("under every reading of the undeclared index (", *what, ")")
        return ("reading the undeclared index as ", *what, " (the only reading that fits)")


# errors the checker words itself ---------------------------------------------------------------


@dataclass(frozen=True)
class AmbiguousReading(Diagnosis):
    """An undeclared letter that could run over several ranges, and no verdict under all the
    readings: ``index``, the letter's own diagnosis (:class:`AmbiguousIndex`); ``undecided``,
    the message of a reading that could not be decided (as parts); ``readings``, each reading
    (its ranges) with its verdict, where they disagree; neither: too many readings to try."""

    code: ClassVar[Code | None] = AMBIGUOUS_READING
    index: Diagnosis
    letter: str
    undecided: tuple[Part, ...] = ()
    readings: tuple[tuple[tuple[str, ...], str], ...] = ()

    def parts(self) -> tuple[Part, ...]:
        out: list[Part] = list(self.index.parts())
        if self.undecided:
            out += ["; one reading could not be decided: ", *self.undecided]
        elif self.readings:
            out.append(", and the readings disagree (")
            for k, (rs, verdict) in enumerate(self.readings):
                out += ["; "] if k else []
                out += [*_commas([_m(r) for r in rs], " "), f": {verdict}"]
            out.append(")")
        out.append(f" (hint: declare its range: '% symbp: index {self.letter} : <letter>')")
        return tuple(out)


@dataclass(frozen=True)
class RoundTrip(Diagnosis):
    """A side that symbp, printing it back and parsing it again, reads differently (a bug)."""

    code: ClassVar[Code | None] = ROUND_TRIP
    side: str

    def parts(self) -> tuple[Part, ...]:
        return (f"symbp re-reads {self.side!r} differently from what it parsed; "
                "nothing is claimed (this is a symbp bug: please report it)",)


@dataclass(frozen=True)
class BoundReached(Diagnosis):
    """A bound on the work was reached: ``what`` (a term too large, the time, the depth)."""

    code: ClassVar[Code | None] = BOUND_REACHED
    what: str

    def parts(self) -> tuple[Part, ...]:
        return (f"bound on the work reached: {self.what}",)


@dataclass(frozen=True)
class InternalError(Diagnosis):
    """A bug in symbp: the exception's ``kind`` and ``detail``; nothing is claimed."""

    code: ClassVar[Code | None] = INTERNAL_ERROR
    kind: str
    detail: str

    def parts(self) -> tuple[Part, ...]:
        return (f"internal error, nothing is claimed (a symbp bug: please report it): {self.kind}: "
                f"{self.detail}",)


# errors of a generic file's reading (raised with the diagnosis; its hint with it) -------------------


@dataclass(frozen=True)
class GenericOffsetBound(Diagnosis):
    """A generic superscript further from its letter than symbp reads (``\\delta^{t+30}``,
    ``b^{L-300}``): ``written`` as written, ``letter`` the letter it is written from (``t``, ``T``),
    ``var`` and ``depth`` the file's letters, ``bound`` :data:`symbp.limits.MAX_GENERIC_OFFSET`.

    >>> d = GenericOffsetBound("t+30", "steps", "t", "t", "T", 30, 9)
    >>> print(d.text)
    the step t+30 is 30 steps from t: symbp reads a step at most 9 from t or T (it unrolls a claim \
as far as it reaches; the bound is symbp.limits.MAX_GENERIC_OFFSET)
    >>> d.hint
    'relate steps at most 9 apart (t-1, t, t+1, ..., T-1, T)'
    """

    code: ClassVar[Code | None] = BOUND_REACHED
    written: str
    mode: str
    letter: str
    var: str
    depth: str
    offset: int
    bound: int

    @property
    def what(self) -> str:
        return self.mode[:-1]

    def parts(self) -> tuple[Part, ...]:
        if not self.letter:  # by its number: x^{12}_i
            return (f"the {self.what} ", _m(self.written), f", by its number: symbp reads a {self.what} by "
                    f"its number up to {self.bound} (it unrolls a claim as far as it reaches; the bound is "
                    "symbp.limits.MAX_GENERIC_OFFSET)")
        return (f"the {self.what} ", _m(self.written), f" is {abs(self.offset)} {self.what}s from ",
                _m(self.letter), f": symbp reads a {self.what} at most {self.bound} from ", _m(self.var),
                " or ", _m(self.depth), " (it unrolls a claim as far as it reaches; the bound is "
                "symbp.limits.MAX_GENERIC_OFFSET)")

    @property
    def hint(self) -> str:
        if not self.letter or (self.letter == self.depth and self.offset < 0):
            return (f"write the claim at the generic {self.what} {self.var}: proved for every {self.what} "
                    f"{self.var} of every {self.depth}, it covers {self.written}")
        v, d = self.var, self.depth
        return f"relate {self.what}s at most {self.bound} apart ({v}-1, {v}, {v}+1, ..., {d}-1, {d})"


@dataclass(frozen=True)
class FixedStep(Diagnosis):
    """A layer or step written as a number on a family of the generic file (``x^0_i``, ``b^0_h``)
    that no unrolled network has as a quantity: ``shown`` (``x^0``), its number ``n``;
    ``boundary``, where ``n`` is 0 and the file (or the default) gives that family there as ``0``
    (a constant); ``first``: the first layer or step the family has (1; 0 for one the layer reads
    below it).  (One the networks have, ``x^1_i``, is read: the claim is checked where it exists.)

    >>> print(FixedStep("x^0", 0, "steps", "t", "T").text)
    x^0 is step 0, outside the steps 1..T of x this file declares ('% symbp: steps t = 1..T')
    >>> print(FixedStep("b^0", 0, "steps", "t", "T", boundary="0", first=0).text)
    b^0 is step 0 of b, the boundary b^0 = 0 (symbp's default; '% symbp: boundary' declares \
another): a constant, no quantity of the network
    """

    code: ClassVar[Code | None] = UNSUPPORTED
    shown: str
    n: int
    mode: str
    var: str
    depth: str
    boundary: str | None = None
    first: int = 1

    def parts(self) -> tuple[Part, ...]:
        what = self.mode[:-1]
        base = self.shown.partition("^")[0]
        if self.boundary == "0":
            return (_m(self.shown), f" is {what} 0 of {base}, the boundary {self.shown} = 0 (symbp's "
                    "default; '% symbp: boundary' declares another): a constant, no quantity of the network")
        return (_m(self.shown), f" is {what} {self.n}, outside the {self.mode} {self.first}..",
                _m(self.depth), f" of {base} this file declares ('% symbp: {self.mode} {self.var} = "
                f"1..{self.depth}')")

    @property
    def hint(self) -> str:
        what = self.mode[:-1]
        base = self.shown.partition("^")[0]
        if self.boundary == "0":
            return (f"write the claim at {what} {self.var} ({base}^{self.var}); to learn an initial state, "
                    f"name it: '% symbp: boundary {base}^0_h = s_h'")
        return (f"write {base} at a {what} it has: {base}^{self.var} (every {what}) or "
                f"{base}^{self.first or 1} ({what} {self.first or 1})")


@dataclass(frozen=True)
class UnlayeredNumber(Diagnosis):
    """A number before the subscript (``y^2_j``) on a family the forward pass of a generic file
    writes without a layer (step): a power or a layer by its number, which symbp does not guess.

    >>> d = UnlayeredNumber("y", "2", "layers")
    >>> print(d.text)
    the superscript 2 of y: the forward pass writes y without a layer, so y^2 reads as a power or as \
a layer by its number
    >>> print(d.hint)
    for a power write it after the subscript (y_j^2); for a layer write it on a family the forward \
pass writes with its layer
    """

    code: ClassVar[Code | None] = UNSUPPORTED
    family: str
    number: str
    mode: str

    def parts(self) -> tuple[Part, ...]:
        what = self.mode[:-1]
        return (f"the superscript {self.number} of ", _m(self.family), ": the forward pass writes ",
                _m(self.family), f" without a {what}, so ", _m(f"{self.family}^{self.number}"),
                f" reads as a power or as a {what} by its number")

    @property
    def hint(self) -> str:
        what = self.mode[:-1]
        return (f"for a power write it after the subscript ({self.family}_j^{self.number}); for a {what} "
                f"write it on a family the forward pass writes with its {what}")


@dataclass(frozen=True)
class DeltaOfScaledMean(Diagnosis):
    """A ``\\delta`` in a claim beside a number ``scale`` times the average, ``C = c \\frac{1}{n}
    \\sum_x C_x`` with ``c != 1`` (Nielsen's ``-\\frac{1}{n}``, ``\\frac{1}{2n}``): two readings,
    one input's ``\\partial C_x/\\partial z_j`` (Nielsen's δ), or the derivative of the cost whose
    mean ``C`` is, ``c C_x``; symbp does not guess (loss8).  ``delta``: the δ as written; ``wrt``:
    the quantity it is the derivative by (``z_{j}``); ``cost``, ``x``, ``n``: the average's letters.

    >>> d = DeltaOfScaledMean("\\\\delta_{j}", "z_{j}", "C", "x", "n", "-1")
    >>> print(d.text)  # doctest: +NORMALIZE_WHITESPACE
    \\delta_{j} beside C = -\\frac{1}{n} \\sum_{x} C_{x} has two readings: one input's cost \
differentiated, \\frac{\\partial C_{x}}{\\partial z_{j}}, or the derivative of the cost whose mean \
C is, -C_{x}: -\\frac{\\partial C_{x}}{\\partial z_{j}}; not read (hint: write \
\\frac{\\partial C_{x}}{\\partial z_{j}} for the first, or put the number into C_{x} for the second: \
C_{x} = -(...) and C = \\frac{1}{n} \\sum_{x} C_{x})
    """

    code: ClassVar[Code | None] = UNSUPPORTED
    delta: str
    wrt: str
    cost: str
    x: str
    n: str
    #: the number before the average, as text (``-1``, ``1/2``)
    scale: str

    def _times(self, what: str) -> str:
        if self.scale == "-1":
            return f"-{what}"
        num, _, den = self.scale.lstrip("-").partition("/")
        sign = "-" if self.scale.startswith("-") else ""
        return f"{sign}\\frac{{{num}}}{{{den}}} {what}" if den else f"{sign}{num} {what}"

    def parts(self) -> tuple[Part, ...]:
        c, x, n = self.cost, self.x, self.n
        cx = f"{c}_{{{x}}}"
        d = f"\\frac{{\\partial {cx}}}{{\\partial {self.wrt}}}"
        num, _, den = self.scale.lstrip("-").partition("/")
        mean = ("-" if self.scale.startswith("-") else "") + "\\frac{" + num + "}{" + den + n + "}"
        total = f"{c} = {mean} \\sum_{{{x}}} {cx}"
        return (_m(self.delta), " beside ", _m(total), " has two readings: one input's cost differentiated, ",
                _m(d), ", or the derivative of the cost whose mean ", _m(c), " is, ", _m(self._times(cx)),
                ": ", _m(self._times(d)), f"; not read (hint: {self.hint})")

    @property
    def hint(self) -> str:
        c, x, n = self.cost, self.x, self.n
        cx = f"{c}_{{{x}}}"
        return (f"write \\frac{{\\partial {cx}}}{{\\partial {self.wrt}}} for the first, or put the number "
                f"into {cx} for the second: {cx} = {self._times('(...)')} and "
                f"{c} = \\frac{{1}}{{{n}}} \\sum_{{{x}}} {cx}")


@dataclass(frozen=True)
class IndexAtTwoLayers(Diagnosis):
    """A generic claim whose index ``index`` stands for the units of two layers (or steps)
    ``layers`` and whose sides agree wherever those are equally wide: at other widths one side
    names units the layer lacks, so the claim is neither true nor false there.  Index analysis
    alone would refute it; it is an error naming the fix instead (a letter per layer).  ``what``:
    ``layer`` or ``step``.

    >>> print(IndexAtTwoLayers("j", ("l", "L"), "layer").text)  # doctest: +NORMALIZE_WHITESPACE
    the index j stands for units of the layers l and L, which may differ in width: the two sides \
are defined only where those layers are equally wide, and there they agree; not decided (hint: \
write a letter for each layer's units, j for the layer l and another for the layer L)
    """

    code: ClassVar[Code | None] = RANGE_MISMATCH
    index: str
    layers: tuple[str, ...]
    what: str = "layer"

    def parts(self) -> tuple[Part, ...]:
        shown = " and ".join(self.layers)
        return (f"the index {self.index} stands for units of the {self.what}s ", _m(shown),
                f", which may differ in width: the two sides are defined only where those {self.what}s "
                f"are equally wide, and there they agree; not decided (hint: {self.hint})")

    @property
    def hint(self) -> str:
        first, *rest = self.layers
        return (f"write a letter for each {self.what}'s units, {self.index} for the {self.what} {first} "
                f"and another for the {self.what} " + f" and the {self.what} ".join(rest))


@dataclass(frozen=True)
class TopCost(Diagnosis):
    """A cost written at the top of a generic forward pass (``C = ...`` about layer ``L``) that is
    not the error the checks differentiate: ``error``, the error's name, ``kind`` a catalogue
    error the file declares (``% symbp: error sum-of-squares``) or ``None``.

    >>> TopCost("C", "E", None).text
    'C is written at the top of the network, but the error is E'
    >>> d = TopCost("C", "E", "sum-of-squares")
    >>> print(d.text)
    C is written at the top of the network, and the file declares another error, the catalogue's \
sum-of-squares ('% symbp: error sum-of-squares')
    >>> d.hint
    "keep one: for C, replace '% symbp: error sum-of-squares' by '% symbp: error C'"
    """

    code: ClassVar[Code | None] = DECLARATION
    cost: str
    error: str
    kind: str | None = None

    def parts(self) -> tuple[Part, ...]:
        if self.kind is None:
            return (_m(self.cost), " is written at the top of the network, but the error is ", _m(self.error))
        return (_m(self.cost), " is written at the top of the network, and the file declares another error, "
                f"the catalogue's {self.kind} ('% symbp: error {self.kind}')")

    @property
    def hint(self) -> str:
        if self.kind is None:
            return f"declare it: '% symbp: error {self.cost}'"
        return (f"keep one: for {self.cost}, replace '% symbp: error {self.kind}' by "
                f"'% symbp: error {self.cost}'")


@dataclass(frozen=True)
class StepTargets(Diagnosis):
    """A catalogue error (``% symbp: error sum-of-squares``) in a file of generic steps: its
    targets are named ``t``, and every step has outputs of its own.

    >>> StepTargets("sum-of-squares", "t", "T").text.split(": every")[0]
    "with '% symbp: error sum-of-squares' the targets of the outputs are one family named t (t is \
also this file's step letter)"
    """

    code: ClassVar[Code | None] = DECLARATION
    error_kind: str
    var: str
    depth: str

    def parts(self) -> tuple[Part, ...]:
        same = " (t is also this file's step letter)" if self.var == "t" else ""
        return (f"with '% symbp: error {self.error_kind}' the targets of the outputs are one family named ",
                _m("t"), f"{same}: every step {self.var} = 1..", _m(self.depth), " has outputs of its own, "
                "and symbp names no targets per step")

    @property
    def hint(self) -> str:
        return ("leave the error undefined (remove '% symbp: error ...'): the objective O is then any "
                "function of every step's outputs, which BPTT's equations hold for; no directive names "
                "the targets of a catalogue error otherwise")


@dataclass(frozen=True)
class SharedTargets(Diagnosis):
    """A catalogue error's targets ``t`` for two outputs of one shape: ``first``, ``second``."""

    code: ClassVar[Code | None] = DECLARATION
    error_kind: str
    first: str
    second: str

    def parts(self) -> tuple[Part, ...]:
        return (f"with '% symbp: error {self.error_kind}' every output's targets are named ", _m("t"),
                ": the outputs ", _m(self.first), " and ", _m(self.second), " have one shape, so their "
                "targets would be one family")

    @property
    def hint(self) -> str:
        return ("write the error as a formula in the forward pass, each output with targets of its own "
                "name (E = \\frac{1}{2} \\sum_k (y_k - t_k)^2 + ...), and declare it: '% symbp: error E'")


@dataclass(frozen=True)
class LetterAtTwoLayers(Diagnosis):
    """One index letter at two layers (steps) of one forward equation (``first`` and ``second``
    the symbols, as written); ``leaf``, a family of ``first`` or ``second`` with two or more indices
    that is no parameter and that nothing defines (Goodfellow's ``W`` without ``% symbp: params W,
    b``): a parameter would explain it; ``params`` the directive's names then.

    >>> d = LetterAtTwoLayers("k", "layers", "W^{(l)}_{jk}", "a^{(l-1)}_{k}", "W", ("W", "b"))
    >>> print(d.text)
    W is no parameter ('% symbp: params' does not name it): W^{(l)}_{jk} is read as a quantity of its \
layer, its k a unit of that layer, and a^{(l-1)}_{k}'s k is one of another
    >>> d.hint
    "if W is a weight, declare it: '% symbp: params W, b'"
    """

    code: ClassVar[Code | None] = DECLARATION
    letter: str
    mode: str
    first: str
    second: str
    leaf: str | None = None
    params: tuple[str, ...] = ()

    def parts(self) -> tuple[Part, ...]:
        x = _m(letter_tex(self.letter))
        if self.leaf is None:
            return ("the index ", x, f" stands for units of two {self.mode} in one forward equation")
        return (_m(self.leaf), " is no parameter ('% symbp: params' does not name it): ", _m(self.first),
                f" is read as a quantity of its {self.mode[:-1]}, its ", x,
                f" a unit of that {self.mode[:-1]}, and ", _m(self.second), "'s ", x, " is one of another")

    @property
    def hint(self) -> str:
        if self.leaf is None:
            return "each layer's units have their own letter"
        return f"if {self.leaf} is a weight, declare it: '% symbp: params {', '.join(self.params)}'"


# verdicts that hold -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelTarget(Diagnosis):
    """A message names the one-hot target ``target`` (indexed by ``letter``) that the class label
    ``label`` is read through, which the link does not write: said once, in the label's terms.

    >>> LabelTarget("t", "k", "y_i").text
    'where t_{k} = \\\\mathbb{1}(k = y_{i}), the one-hot target the class label y_{i} is read through'
    """

    target: str
    letter: str
    label: str

    def parts(self) -> tuple[Part, ...]:
        label = letter_tex(self.label.split("_")[0]) + (
            f"_{{{letter_tex(self.label.split('_', 1)[1])}}}" if "_" in self.label else "")
        k = letter_tex(self.letter)
        return ("where ", _m(f"{letter_tex(self.target)}_{{{k}}} = \\mathbb{{1}}({k} = {label})"),
                ", the one-hot target the class label ", _m(label), " is read through")


@dataclass(frozen=True)
class Holds(Diagnosis):
    """Verified for all sizes: both sides reduce to ``value`` (``forward``: through the forward
    equations)."""

    answers: ClassVar[bool] = True
    value: str
    forward: bool = False
    #: the declared condition the step needs (LaTeX, ``\\sum_{k} t_{k} = 1``), if it needs one
    given: str = ""

    def parts(self) -> tuple[Part, ...]:
        through = ", through the forward equations" if self.forward else ""
        given: tuple[Part, ...] = (", given the declared condition ", _m(self.given)) if self.given else ()
        return (f"holds for all sizes{through}", *given, ": both sides reduce to ", _m(self.value))


@dataclass(frozen=True)
class HoldsOverDenominators(Diagnosis):
    """Verified for all sizes where the ``denominators`` (LaTeX, comma-separated) are not 0:
    multiplied by them, both sides reduce to ``value``."""

    denominators: str
    value: str

    def parts(self) -> tuple[Part, ...]:
        return ("holds for all sizes where ", _m(self.denominators), " are not 0: multiplied by them, both "
                "sides reduce to ", _m(self.value))


@dataclass(frozen=True)
class NeedsCondition(Diagnosis):
    """The step holds where ``condition`` (LaTeX: ``\\sum_{k} t_{k} = 1``) holds, which the file
    does not declare (``directive`` declares it); the counterexample breaks it."""

    condition: str
    directive: str
    code: ClassVar[Code | None] = NEEDS_CONDITION

    def parts(self) -> tuple[Part, ...]:
        return ("it holds only where ", _m(self.condition), " (probabilities or one-hot targets), "
                f"which is not declared ('{self.directive}' declares it); the counterexample's targets "
                "do not sum to 1")


@dataclass(frozen=True)
class HoldsAtSizes(Diagnosis):
    """Agrees exactly as formal expressions at the size plans tried (``plans``: ``(J=2, K=3)``...)."""

    plans: str

    def parts(self) -> tuple[Part, ...]:
        return ("agrees exactly as formal expressions (any h, any E) at the sizes tried, "
                f"{self.plans}; not proved for all sizes",)


# ----------------------------------------------------------------------------------------------
# a message from diagnoses


def parts_of(diagnoses: Iterable[Diagnosis]) -> tuple[Part, ...]:
    """The parts of a result's message: a :class:`Reading` leads (``...: ``), the rest is joined
    by ``; ``."""
    out: list[Part] = []
    lead: list[Part] = []
    for d in diagnoses:
        if isinstance(d, Reading):
            lead += [*d.parts(), ": "]
            continue
        if out:
            out.append("; ")
        out += d.parts()
    return (*lead, *out)


def renamed(d: Diagnosis, old: str, new: str) -> Diagnosis:
    """``d`` with the index letter ``old`` named ``new`` wherever a field *is* that letter (a
    ``letter``, a letter of ``groups``; nested diagnoses too), not inside formulas: a letter
    symbp wrote (a class label's classes ``c``) named as the claim wrote it (``y_i``).

    >>> renamed(UnplaceableIndex("c"), "c", "y_i").text
    'the index y_i is not declared, and no layer fits every place it is written'
    >>> renamed(TermsFreeMismatch("j", (("j",), ("c",))), "c", "y_i").text
    'the terms of this sum have different free indices ({j}; {y_i})'
    """
    def go(v: Any) -> Any:
        if isinstance(v, Diagnosis):
            return renamed(v, old, new)
        if type(v) is str:
            return new if v == old else v
        if isinstance(v, tuple):
            return tuple(go(x) for x in v)
        return v

    if not is_dataclass(d):
        return d
    changes = {f.name: v for f in fields(d) if (v := go(getattr(d, f.name))) != getattr(d, f.name)}
    return replace(d, **changes) if changes else d


def message(diagnoses: Iterable[Diagnosis]) -> str:
    """A result's message from its diagnoses (what ``symbp check`` prints)."""
    return "".join(parts_of(diagnoses))


def without_answers(diagnoses: Iterable[Diagnosis]) -> list[Diagnosis]:
    """The diagnoses that do not give the answer away (:attr:`Diagnosis.answers`): what a
    lecturer shows a student who is to find the correction.

    >>> d = [ValueDiffers((SignDiffers(),)), Derived("\\\\delta_j = h'(a_j)")]
    >>> message(without_answers(d))
    'the two sides differ: the two sides differ in sign only'
    """
    return [f for d in diagnoses if (f := d.fault()) is not None]


def primary(diagnoses: Iterable[Diagnosis]) -> str | None:
    """The code that names a result: the first diagnosis with a code (a value difference by its
    first detail).

    >>> primary([Reading((("k", ("J",)),), False), ValueDiffers((SignDiffers(),))])
    'sign-differs'
    """
    for d in diagnoses:
        if isinstance(d, ValueDiffers):
            return d.primary.name
        if d.code is not None:
            return d.code.name
    return None


def flat(diagnoses: Iterable[Diagnosis]) -> Iterator[Diagnosis]:
    """Each diagnosis, a value difference followed by its details, in order.

    >>> [type(d).__name__ for d in flat([ValueDiffers((SignDiffers(),))])]
    ['ValueDiffers', 'SignDiffers']
    """
    for d in diagnoses:
        yield d
        if isinstance(d, ValueDiffers):
            yield from flat(d.details)


def codes(diagnoses: Iterable[Diagnosis]) -> list[str]:
    """Every code the diagnoses name, the details of a value difference included, in order."""
    out: list[str] = []
    for x in flat(diagnoses):
        if x.code is not None and x.code.name not in out:
            out.append(x.code.name)
    return out
