"""One corpus entry, and the six sources' names (shared by :mod:`tests.corpus.entries` and
:mod:`tests.corpus.entries_field`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PRML = "PRML 5.3"
NNDL = "NNDL ch2"
GRAVES = "Graves §3.1"
GOOD = "Goodfellow 6.5"
CS = "CS231n"
NG = "Ng"


@dataclass(frozen=True)
class Entry:
    id: str
    source: str
    ref: str
    forward: tuple[str, ...]
    claim: str
    truth: bool
    oracle: Callable[[Any], tuple] = field(repr=False, compare=False)
    spec: dict = field(default_factory=dict, compare=False)
    directives: tuple[str, ...] = ()
    slip: bool = False
    note: str = ""

    def text(self) -> str:
        """The derivation file symbp is given: directives, the forward display, the claim."""
        lines = [f"% corpus entry {self.id}: {self.source}, {self.ref}"]
        lines += [f"% symbp: {d}" for d in self.directives]
        lines += ["% symbp: forward", "\\begin{align*}", " \\\\\n".join(self.forward), "\\end{align*}",
                  "", "$$" + self.claim + "$$", ""]
        return "\n".join(lines)
