"""Verdicts and the result of one link.

The four verdicts: ``verified`` (for all sizes), ``verified-at-sizes`` (only the sizes named),
``refuted`` (with a diagnosis and, for a value error, a counterexample), ``error`` (the input
cannot be checked).  A result's ``code`` is its primary diagnosis code and ``diagnoses`` the
diagnoses as data (:mod:`symbp.diagnoses`); its ``message`` is their English.  Room
``symbp.checker``; imports only :mod:`symbp.printable` and :mod:`symbp.diagnoses`.

>>> LinkResult("x = x", VERIFIED, "").as_expected
True
>>> r = LinkResult.of("x = -x", REFUTED, [dx.SignDiffers()])
>>> r.code, r.message
('sign-differs', 'the two sides differ in sign only')
>>> r.expected, r.expected_code = REFUTED, "vacuous-sum"
>>> r.as_expected
False
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .. import diagnoses as dx
from ..printable import Printable

VERIFIED = "verified"
AT_SIZES = "verified-at-sizes"
REFUTED = "refuted"
ERROR = "error"
VERDICTS = (VERIFIED, AT_SIZES, REFUTED, ERROR)


@dataclass
class LinkResult(Printable):
    """The verdict on one link ``lhs rel rhs`` of an equation."""

    latex: str
    verdict: str
    message: str
    #: the primary diagnosis code (``vacuous-sum``, ``bound-reached``; ``None`` for a verdict that holds)
    code: str | None = None
    file: str | None = None
    line: int = 0
    column: int = 0
    label: str | None = None
    link: int = 1
    links: int = 1
    expected: str | None = None
    counterexample: dict[str, Any] | None = None
    sizes: list[dict[str, int]] | None = None
    derived: str | None = None
    suggestion: str | None = None
    caret: str | None = None
    error: str | None = field(default=None, repr=False)
    #: where an input error stands in the equation's text (offset, width); internal
    span: tuple[int, int] | None = field(default=None, repr=False)
    #: an input error because an index letter's range does not fit (a sum's bounds, a Kronecker
    #: delta between two ranges): under another reading of an undeclared letter it may fit; internal
    misfit: bool = field(default=False, repr=False)
    #: the functions a counterexample ran, by catalogue name (``{"h": [("h", "tanh")], "E":
    #: "sum-of-squares"}``; ``None`` for the exact formal witness): its text says the same
    witness: dict[str, Any] | None = field(default=None, repr=False)
    #: a claim written with vectors: how it was read in index notation (``latex`` is as written)
    read_as: str | None = field(default=None, repr=False)
    #: the diagnoses as data, in the order the message says them
    diagnoses: list[dx.Diagnosis] = field(default_factory=list, repr=False)
    #: the code ``% symbp: expect refuted <code>`` names (``expect verified vacuous-sum``: a
    #: warning expected), if any
    expected_code: str | None = None
    #: remarks on an equation that holds (an index rule it breaks, by value harmless): a list of
    #: ``{"code": ..., "message": ...}``
    warnings: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, latex: str, verdict: str, diagnoses: list[dx.Diagnosis], **kw: Any) -> LinkResult:
        """A result whose message and code are built from its diagnoses."""
        kw.setdefault("code", dx.primary(diagnoses))
        return cls(latex, verdict, dx.message(diagnoses), diagnoses=list(diagnoses), **kw)

    @property
    def codes(self) -> list[str]:
        """Every code of the result: the primary one first, then those of its diagnoses, then
        those of its warnings."""
        out = [self.code] if self.code else []
        out += [c for c in dx.codes(self.diagnoses) if c not in out]
        return out + [w["code"] for w in self.warnings if w["code"] not in out]

    @property
    def as_expected(self) -> bool:
        """Whether the verdict is what the file expects (unmarked: that the equation holds)."""
        if self.expected is None:
            return self.verdict in (VERIFIED, AT_SIZES)
        if self.expected_code is not None and self.expected_code not in self.codes:
            return False
        return self.verdict == self.expected

    def to_json(self) -> dict[str, Any]:
        d = asdict(replace(self, diagnoses=[]))  # diagnoses hold ASTs: not JSON
        d.pop("error")
        d.pop("span")
        d.pop("misfit")
        d.pop("diagnoses")
        d.pop("witness")
        d.pop("read_as")  # the message says it ("read as ...")
        if self.expected_code is None:
            d.pop("expected_code")
        d["as_expected"] = self.as_expected
        if not self.warnings:
            d.pop("warnings")  # the JSON of a result without warnings stays as it was
        return d




class _Refuted(Exception):
    """A refutation found inside the pipeline, with its diagnoses (a bare message: a slip worded
    where it was found, ``index-slip``)."""

    def __init__(self, diagnoses: list[dx.Diagnosis] | str, **extra: Any) -> None:
        if isinstance(diagnoses, str):
            diagnoses = [dx.IndexSlip("refuted", diagnoses)]
        super().__init__(dx.message(diagnoses))
        self.diagnoses = diagnoses
        self.extra = extra
