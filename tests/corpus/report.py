"""The corpus report: per source, how many entries symbp reads, gets right, falsely accepts.

Run from the repository root::

    python tests/corpus/report.py                 # prints the report (saved as REPORT.txt)
    python tests/corpus/report.py --write         # ... and writes REPORT.txt and status.py
    python -m tests.corpus.report                 # the same, where no other ``tests`` package
                                                  # shadows this one (latex2sympy2 installs one)

``status.py`` is the table of today's verdicts that ``test_corpus.py`` holds symbp to.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

try:
    from .entries import ENTRIES, SOURCES, Entry
    from .entries_field import FIELD_IDS
    from .run import ACCEPT, outcome
except ImportError:  # run as a script: the corpus package and this worktree's symbp
    sys.path[:0] = [str(HERE.parents[1]), str(HERE.parent)]
    from corpus.entries import ENTRIES, SOURCES, Entry
    from corpus.entries_field import FIELD_IDS
    from corpus.run import ACCEPT, outcome


def verdict(e: Entry) -> str:
    return outcome(e.text(), f"{e.id}.tex").verdict


def _table(entries: list[Entry]) -> list[str]:
    """The per-source table of ``entries``."""
    rows = []
    tot = [0] * 6
    for src in SOURCES:
        es = [e for e in entries if e.source == src]
        outs = [outcome(e.text(), f"{e.id}.tex") for e in es]
        n_true = sum(e.truth for e in es)
        read = sum(o.read for o in outs)
        right = sum(o.right(e.truth) for e, o in zip(es, outs))
        fa = sum(o.false_accept(e.truth) for e, o in zip(es, outs))
        wrong_ref = sum(e.truth and o.verdict == "refuted" for e, o in zip(es, outs))
        vals = [len(es), n_true, read, right, fa, wrong_ref]
        tot = [a + b for a, b in zip(tot, vals)]
        rows.append((src, *vals))
    rows.append(("total", *tot))
    head = ("source", "entries", "true", "read", "right", "falsely accepted", "true but refuted")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return [fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [fmt.format(*r) for r in rows]


def report() -> str:
    field = set(FIELD_IDS)
    out = ["symbp on the corpus of issue 12 (tests/corpus): truth by PyTorch autograd, not by symbp",
           "read: verdict not 'error'; right: verified/at-sizes when true, refuted when false;",
           "falsely accepted: verified/at-sizes when false", ""]
    out += _table(ENTRIES)
    out += ["", "of which beyond the two-layer perceptron (entries_field.py: every layer l, every step t,",
            "convolutions, losses, batch matrices):", ""]
    out += _table([e for e in ENTRIES if e.id in field])
    out += ["", "False accepts (a false equation verified), with the derivation text that reproduces each:"]
    for e in ENTRIES:
        o = outcome(e.text(), f"{e.id}.tex")
        if o.false_accept(e.truth):
            out += ["", f"* {e.id} ({e.source}, {e.ref}): {o.verdict}; {e.note}",
                    *(f"    symbp: {m}" for m in o.messages), "    ---",
                    *(f"    {ln}" for ln in e.text().rstrip().splitlines())]
    out += ["", "Every entry (truth, verdict, read/right):"]
    for e in ENTRIES:
        o = outcome(e.text(), f"{e.id}.tex")
        mark = "FALSE ACCEPT" if o.false_accept(e.truth) else ("right" if o.right(e.truth) else
                                                                ("wrong" if o.read else "not read"))
        out.append(f"  {e.id:38} {'true ' if e.truth else 'false'}  {o.verdict:18} {mark}"
                   f"  | {o.messages[0][:90] if o.messages else ''}")
    return "\n".join(out) + "\n"


def status_module() -> str:
    lines = ['"""Today\'s symbp verdict on every corpus entry (written by ``report.py --write``).',
             "", "``test_corpus.py`` asserts each verdict; a change in symbp that changes one is",
             "re-recorded with ``python tests/corpus/report.py --write`` after a look at REPORT.txt.",
             '"""', "", "STATUS = {"]
    lines += [f"    {e.id!r}: {verdict(e)!r}," for e in ENTRIES]
    lines += ["}", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = report()
    print(text, end="")
    if "--write" in argv:
        (HERE / "REPORT.txt").write_text(text, encoding="utf-8")
        (HERE / "status.py").write_text(status_module(), encoding="utf-8")
    assert all(v in ACCEPT or v in ("refuted", "error") for v in map(verdict, ENTRIES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
