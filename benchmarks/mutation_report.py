"""Soundness, measured: the mutation report of symbp.soundness.mutation, printed.

For every link of the derivation files that symbp verifies, mutants (12 classes) and equal
rewrites (5 classes) are generated on the AST, checked, and classified by the independent oracle
(symbp.soundness.oracle); the report gives counts and the kill rate per class, the refutations whose proposed
correction verifies, and lists every survivor, every equivalent mutant that was refuted and every
rewrite that was not verified.

    PYTHONPATH=. python benchmarks/mutation_report.py [PATHS ...] [--table] [--second-order N]

``--generic`` adds the generic-layer and generic-step files among the paths (a ``layers`` or
``steps`` directive; :mod:`symbp.soundness.mutation` makes no mutants of them): their mutants of
symbp.soundness.generic_mutation (``l+1->l``, a dropped ``t+1`` term, a wrong boundary, ...),
judged by the oracle on every unrolled instance, with the checker's verdicts counted per class.

``--table`` adds, as seeds, the equations of the hand-written rewrite table of
tests/test_rewrites_and_mutants.py (about 100 more verified links); ``--second-order N`` also
mutates N random first-order mutants of each link once more (seed 5).

Exit code 1 if a mutant that is not equivalent is verified, a non-equivalent mutant survives or a
rewrite is refuted; else 0.  tests/test_mutation.py asserts the same on derivations/.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from symbp.checker.pipeline import check_chain
from symbp.engine.declare import builtin
from symbp.latex.parser import parse_chain
from symbp.latex.unparse import unparse
from symbp.soundness.mutation import Link, Report, _judge, flatten, links, mutants, rewrites

ROOT = Path(__file__).resolve().parent.parent


def table_links() -> list[Link]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_rewrites_and_mutants import REWRITES  # noqa: PLC0415

    nets = {"plain": builtin("plain"), "shared": builtin("shared")}
    out = []
    for name, latex, info in REWRITES:
        net = nets[name]
        chain = parse_chain(latex, net.functions)
        for k, r in enumerate(check_chain(net, chain)):
            if r.verdict == "verified":
                out.append(Link(f"table: {info}", 0, net, chain.sides[k], chain.sides[k + 1]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", default=["derivations"])
    ap.add_argument("--table", action="store_true", help="also the hand-written rewrite table's links")
    ap.add_argument("--second-order", type=int, default=0, metavar="N")
    ap.add_argument("--generic", action="store_true",
                    help="also the generic files' mutants (generic_mutation)")
    args = ap.parse_args()
    start = time.monotonic()
    todo = links(args.paths) + (table_links() if args.table else [])
    report = Report()
    rng = random.Random(5)
    for link in todo:
        report.links += 1
        for kind, gen in (("mutant", mutants), ("rewrite", rewrites)):
            seen = {(link.lhs.key(), link.rhs.key())}
            firsts = []
            for cls, a, b in gen(link.net, link.lhs, link.rhs):
                o = _judge(link, kind, cls, a, b, seen)
                if o is not None:
                    report.outcomes.append(o)
                    firsts.append((cls, a, b))
            if kind == "mutant" and args.second_order:
                for cls, a, b in rng.sample(firsts, min(args.second_order, len(firsts))):
                    text = f"{unparse(flatten(a))} = {unparse(flatten(b))}"
                    chain = parse_chain(text, link.net.functions)
                    seconds = list(mutants(link.net, chain.sides[0], chain.sides[1]))
                    for cls2, a2, b2 in rng.sample(seconds, min(8, len(seconds))):
                        o = _judge(link, "mutant", f"{cls}+{cls2}", a2, b2, seen)
                        if o is not None:
                            o.cls = "second-order"
                            report.outcomes.append(o)
    print(report.text())
    second = [o for o in report.of("mutant") if o.cls == "second-order"]
    if second:
        bad = [o for o in second if o.truth != "equivalent"]
        print(f"\nsecond order: {len(second)} mutants, {len(bad)} not equivalent, "
              f"{sum(o.killed for o in bad)} killed, {sum(o.unsound for o in second)} verified")
    generic_bad = generic_report(args.paths) if args.generic else False
    print(f"\n{time.monotonic() - start:.1f} s")
    return 1 if report.unsound or report.survivors or report.rewrites_refuted or generic_bad else 0


def generic_report(paths: list[str]) -> bool:
    """The generic files' mutation report (symbp.soundness.generic_mutation.report), printed;
    whether a mutant the oracle finds different was accepted, or an equivalent one not verified."""
    from symbp.soundness.generic_mutation import report as generic_mutants  # noqa: PLC0415
    files = sorted({f for p in map(Path, paths) for f in ([p] if p.is_file() else p.rglob("*.tex"))
                    if "symbp: layers" in f.read_text() or "symbp: steps" in f.read_text()})
    out = generic_mutants(files)
    cols = ("mutants", "different", "killed", "accepted", "equivalent", "equivalent-not-verified",
            "ill-formed", "ill-formed-rejected", "ill-formed-verified", "unreadable")
    print(f"\ngeneric mutants of {len(files)} files (symbp.soundness.generic_mutation)\n")
    print(f"{'class':24}" + "".join(f"{c[:12]:>13}" for c in cols))
    for cls, c in out["classes"].items():
        print(f"{cls:24}" + "".join(f"{c.get(k, 0):>13}" for k in cols))
    for fa in out["false_accepts"]:
        print("FALSE ACCEPT:", fa)
    bad = [cls for cls, c in out["classes"].items() if c.get("equivalent-not-verified", 0)
           or c.get("ill-formed-verified", 0)]
    return bool(out["false_accepts"] or bad)


if __name__ == "__main__":
    sys.exit(main())
