"""Verdicts and the result of one link.

The four verdicts: ``verified`` (for all sizes), ``verified-at-sizes`` (only the sizes named),
``refuted`` (with a diagnosis and, for a value error, a counterexample), ``error`` (the input
cannot be checked).  Room ``symbp.checker``; imports only :mod:`symbp.printable`.

>>> LinkResult("x = x", VERIFIED, "").as_expected
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

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

    @property
    def as_expected(self) -> bool:
        """Whether the verdict is what the file expects (unmarked: that the equation holds)."""
        if self.expected is None:
            return self.verdict in (VERIFIED, AT_SIZES)
        return self.verdict == self.expected

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("error")
        d.pop("span")
        d.pop("misfit")
        d["as_expected"] = self.as_expected
        return d




class _Refuted(Exception):
    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra
