"""Run symbp on the corpus and classify each entry: read, right, falsely accepted.

An entry's verdict is that of its claim's links taken together: ``error`` if any link is an
error, else ``refuted`` if any link is refuted, else ``verified`` if every link is, else
``verified-at-sizes``.  Then

* read: the verdict is not ``error`` (the network and the claim were understood well enough
  to decide something);
* right: ``verified``/``verified-at-sizes`` for a true entry, ``refuted`` for a false one;
* falsely accepted: ``verified``/``verified-at-sizes`` for a false entry (a soundness failure).

Only symbp's public API is used: :func:`symbp.loads` and :func:`symbp.check_file`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import symbp

ACCEPT = ("verified", "verified-at-sizes")


@dataclass(frozen=True)
class Outcome:
    verdict: str
    messages: tuple[str, ...]

    @property
    def read(self) -> bool:
        return self.verdict != "error"

    def right(self, truth: bool) -> bool:
        return self.verdict in ACCEPT if truth else self.verdict == "refuted"

    def false_accept(self, truth: bool) -> bool:
        return not truth and self.verdict in ACCEPT


def combine(verdicts: list[str]) -> str:
    """One verdict for the links of a claim (see the module docstring)."""
    if not verdicts or "error" in verdicts:
        return "error"
    if "refuted" in verdicts:
        return "refuted"
    return "verified" if all(v == "verified" for v in verdicts) else "verified-at-sizes"


@cache
def outcome(text: str, name: str) -> Outcome:
    """symbp's verdict on one derivation text (a network declaration that cannot be read is an
    ``error``: nothing was read)."""
    try:
        results = symbp.check_file(symbp.loads(text, name))
    except symbp.SymbpError as exc:
        return Outcome("error", (f"declaration: {exc}".splitlines()[0],))
    return Outcome(combine([r.verdict for r in results]),
                   tuple(f"{r.verdict}: {r.message}" for r in results))
