"""The one exception tree of symbp.

Every error symbp raises on purpose derives from :class:`SymbpError`::

    SymbpError                 root: catch this to catch anything symbp raises on purpose
    ├── InputError             the input is at fault; carries file, line, column, caret and hint
    │   ├── LatexSyntaxError   the LaTeX cannot be read (unbalanced braces, unknown command, ...)
    │   ├── DeclarationError   the network declaration is inconsistent or incomplete
    │   ├── NotationError      a symbol or index letter is unknown or cannot be resolved
    │   └── UnsupportedError   well-formed LaTeX that symbp does not (yet) give a meaning to
    └── ResourceLimitError     a bound on the work was hit (size, depth, time)

A *failed check* is not an exception: it is a :class:`symbp.checker.pipeline.LinkResult` whose verdict is
``refuted``.  Exceptions are for inputs that cannot be checked at all; the checker turns them
into ``error`` verdicts so that the rest of a file is still checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diagnoses import Diagnosis

__all__ = [
    "DeclarationError",
    "InputError",
    "LatexSyntaxError",
    "Location",
    "NotationError",
    "ResourceLimitError",
    "SymbpError",
    "UnsupportedError",
]


@dataclass(frozen=True)
class Location:
    """Where something stands in a source text: ``file`` (may be ``None``), 1-based line and column."""

    file: str | None
    line: int
    column: int
    source_line: str = ""

    def __str__(self) -> str:
        where = self.file if self.file is not None else "<input>"
        return f"{where}:{self.line}:{self.column}"

    def caret(self, width: int = 1) -> str:
        """The source line with a caret under the offending token (empty if the line is unknown)."""
        if not self.source_line:
            return ""
        line = self.source_line.rstrip("\n").expandtabs(1)
        return f"    {line}\n    {' ' * (self.column - 1)}{'^' * max(1, width)}"


def locate(text: str, offset: int, file: str | None = None) -> Location:
    """Turn an offset into ``text`` into a :class:`Location`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    return Location(file, line, offset - start + 1, text[start:end])


class SymbpError(Exception):
    """Root of every error symbp raises on purpose."""


class InputError(SymbpError):
    """The input is at fault.  ``offset``/``width`` locate the offending token in the source
    text; :meth:`at` attaches the text so that :attr:`location` gives file, line and column.

    ``code`` is the stable diagnosis code (:mod:`symbp.diagnoses`; each class has a default);
    ``misfit``: an index letter's range does not fit (a sum's bounds, a Kronecker delta between
    two ranges), so that under another reading of an undeclared letter the input may fit;
    ``diagnosis``: the diagnosis as data, where the raiser has one; ``forward_index``: for an
    error in a forward equation of a network declaration, that equation's place among them.

    >>> e = NotationError("w_{jk}: no w ...", slip=True, code="indices-fit-no-family")
    >>> e.code, e.slip, e.misfit, LatexSyntaxError("x").code
    ('indices-fit-no-family', True, False, 'latex-syntax')
    """

    #: the code of this class of error, when the raiser names none
    default_code = "input-error"

    def __init__(self, message: str, *, offset: int | None = None, width: int = 1,
                 hint: str | None = None, location: Location | None = None, code: str | None = None,
                 misfit: bool = False, diagnosis: Diagnosis | None = None,
                 forward_index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.width = width
        self.hint = hint
        self.location = location
        self.code: str = code or (diagnosis.name if diagnosis is not None and diagnosis.name
                                  else None) or self.default_code
        self.misfit = misfit
        self.diagnosis = diagnosis
        self.forward_index = forward_index

    def at(self, text: str, file: str | None, base: int = 0) -> InputError:
        """Attach the source: ``text`` is the whole file, ``base`` the offset of the parsed part."""
        if self.location is None and self.offset is not None:
            self.location = locate(text, base + self.offset, file)
        elif self.location is None:
            self.location = Location(file, 0, 0)
        return self

    def __str__(self) -> str:
        parts = []
        loc = self.location
        head = ""
        if loc is not None:
            head = f"{loc}: " if loc.line else (f"{loc.file}: " if loc.file else "")
        parts.append(f"{head}{self.message}")
        if self.location is not None and self.location.line:
            caret = self.location.caret(self.width)
            if caret:
                parts.append(caret)
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


    @property
    def caret(self) -> str:
        """The offending source line with a caret under the token (empty if unknown)."""
        if self.location is None or not self.location.line:
            return ""
        return self.location.caret(self.width)

    def brief(self) -> str:
        """The message and the hint, without the location."""
        return self.message + (f" (hint: {self.hint})" if self.hint else "")


class LatexSyntaxError(InputError):
    """The LaTeX cannot be read."""

    default_code = "latex-syntax"


class DeclarationError(InputError):
    """The network declaration is inconsistent or incomplete.  ``subject``: what the directive
    at fault declares (``("index", "q")``, ``("activation", "h")``); ``forward_index``: the
    forward equation at fault (its place among them); ``family``: the family at fault (its id)."""

    default_code = "declaration"

    def __init__(self, message: str, *, subject: tuple[str, str] | None = None,
                 family: int | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.subject = subject
        self.family = family


class NotationError(InputError):
    """A symbol, function or index letter is unknown or ambiguous.  ``slip``: an index slip (a
    symbol whose indices fit no family: the checker refutes); ``symbol``: that symbol (AST), for
    the repair search to rearrange."""

    default_code = "unknown-symbol"

    def __init__(self, message: str, *, slip: bool = False, symbol: Any = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.slip = slip
        self.symbol = symbol


class UnsupportedError(InputError):
    """Well-formed LaTeX that symbp does not give a meaning to."""

    default_code = "unsupported"


class ResourceLimitError(SymbpError):
    """A bound on the work was hit; the equation gets an ``error`` verdict saying which."""

    code = "bound-reached"
