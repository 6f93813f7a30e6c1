"""The results of checking several files: the verdicts, the files that could not be checked, and
the exit code that follows from them.

Room ``symbp.checker``.  Imports :mod:`symbp.checker.results`, :mod:`symbp.errors` and the
display hooks of :mod:`symbp.printable` (rendering is :mod:`symbp.render.display`'s).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import SymbpError
from ..printable import Printable
from .results import AT_SIZES, ERROR, REFUTED, VERDICTS, VERIFIED, LinkResult

__all__ = ["Report", "problem_data"]


@dataclass
class Report(Printable):
    """Results of checking several files, and the files that could not be checked at all."""

    results: list[LinkResult] = field(default_factory=list)
    problems: list[SymbpError] = field(default_factory=list)
    files: int = 0
    #: displays that were not read (:class:`symbp.document.Unread`): each is a warning, and the
    #: exit code is 1 unless ``allow_unread`` (``symbp check --allow-unread``) accepts them
    unread: list[Any] = field(default_factory=list)
    allow_unread: bool = False

    @property
    def exit_code(self) -> int:
        if self.problems or any(r.verdict == ERROR and not r.as_expected for r in self.results):
            return 2
        if any(not r.as_expected for r in self.results):
            return 1
        if self.unread and not self.allow_unread:
            return 1
        return 0

    def unread_text(self) -> str:
        """``3 displays not read: alignat at f.tex:12, ...`` (empty when every display was read)."""
        if not self.unread:
            return ""
        n = len(self.unread)
        return f"{n} display{'s' if n > 1 else ''} not read: " + ", ".join(map(str, self.unread))

    def counts(self) -> dict[str, int]:
        c = Counter(r.verdict for r in self.results)
        return {v: c.get(v, 0) for v in VERDICTS}

    def summary(self) -> str:
        c = self.counts()
        unexpected = sum(not r.as_expected for r in self.results)
        files = f" in {self.files} file(s)" if self.files else ""
        parts = [f"{c[VERIFIED]} verified", f"{c[AT_SIZES]} verified at sizes only",
                 f"{c[REFUTED]} refuted", f"{c[ERROR]} error(s)"]
        tail = "all as expected" if not unexpected else f"{unexpected} NOT as expected"
        if self.problems:  # never "all as expected" when a file was not checked at all
            lost = f"{len(self.problems)} file(s) could not be checked"
            tail = f"{tail}; {lost}" if unexpected else lost
        if self.unread:
            tail += "; " + self.unread_text() + (" (accepted)" if self.allow_unread else "")
        return f"{len(self.results)} link(s){files}: " + ", ".join(parts) + f"; {tail}"

    def to_json(self) -> dict[str, Any]:
        return {
            "results": [r.to_json() for r in self.results],
            "summary": {**self.counts(), "links": len(self.results), "files": self.files,
                        "unexpected": sum(not r.as_expected for r in self.results),
                        "problems": [problem_data(p) for p in self.problems],
                        **({"unread": [{"env": u.env, "file": u.file, "line": u.line, "column": u.column}
                                       for u in self.unread]} if self.unread else {}),
                        "exit_code": self.exit_code},
        }


def problem_data(p: SymbpError) -> dict[str, Any]:
    """A file that could not be checked, as data: ``file``, ``line``, ``column`` (0 where there is
    no position), ``message``, ``hint``, ``error`` (the exception's class) and ``text`` (all of it,
    as ``symbp check`` prints it).

    >>> from symbp.errors import InputError, Location
    >>> problem_data(InputError("cannot read", location=Location("a.tex", 0, 0)))["file"]
    'a.tex'
    """
    loc = getattr(p, "location", None)
    return {"file": getattr(loc, "file", None), "line": getattr(loc, "line", 0) or 0,
            "column": getattr(loc, "column", 0) or 0, "message": getattr(p, "message", str(p)),
            "hint": getattr(p, "hint", None), "error": type(p).__name__, "text": str(p)}
