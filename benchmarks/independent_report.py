"""symbp against the independent generator of tests/independent/netgen.py, at scale.

Random networks (dense, weight-shared over positions, per-position, skip connections, biases,
declared and undefined activations, undefined E or sum-of-squares) and equations about them (true
rewrites and mutants, each tagged with its class), with the truth from PyTorch autograd on the
generator's own description.  Of symbp this script uses only the public API (``symbp.loads``,
``symbp.check_equation``, ``LinkResult.verdict`` and ``.message``).

    PYTHONPATH=. python benchmarks/independent_report.py [--links 20000] [--seed 0] [--per-net 40]
        [--examples 3]

Prints, per class: links, how many are true/false by the truth, the verdicts, false accepts (a
false equation verified: must be 0), false rejects (a true equation refuted) and errors on valid
input (a true equation that is an error); then the false rejects grouped by symbp's reason, and
examples (LaTeX, message, derivation text).  Exit code 1 if there is any false accept.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from independent import netgen  # noqa: E402

import symbp  # noqa: E402

VERDICTS = ("verified", "verified-at-sizes", "refuted", "error")


def load(text: str) -> symbp.Network:
    return symbp.loads(text, "generated.tex").network


def check(net: symbp.Network, latex: str) -> list[tuple[str, str]]:
    return [(r.verdict, r.message) for r in symbp.check_equation(latex, net)]


def reason(message: str) -> str:
    """symbp's reason, with the letters and formulas taken out, to group refutations."""
    head = re.split(r"[;:]", message, maxsplit=1)[0]
    head = re.sub(r"\\[a-z]+\{[^}]*\}|[a-zA-Z]_\{[^}]*\}|\b[a-zA-Z]'*(?=\W|$)", "_", head)
    return re.sub(r"\s+", " ", head).strip()[:90]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--links", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-net", type=int, default=40)
    ap.add_argument("--examples", type=int, default=3)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    rows: dict[str, Counter] = defaultdict(Counter)
    bad: dict[tuple[str, str], list[netgen.Link]] = defaultdict(list)
    reasons: dict[str, Counter] = defaultdict(Counter)
    nets = set()
    for link in netgen.sample_links(random.Random(args.seed), args.links, load, check, args.per_net):
        nets.add(link.net_text)
        r = rows[link.cls]
        r["links"] += 1
        r[link.truth] += 1
        r[link.verdict] += 1
        out = netgen.outcome(link)
        r[out] += 1
        if out != "ok":
            bad[(out, link.cls)].append(link)
            reasons[out][reason(link.message)] += 1
    elapsed = time.perf_counter() - t0

    total = Counter()
    for r in rows.values():
        total.update(r)
    cols = ["links", "true", "false", *VERDICTS, "false-accept", "false-reject", "error-on-valid"]
    heads = ["links", "true", "false", "verif", "at-size", "refuted", "error", "FALSE ACC", "false rej",
             "err valid"]
    print(f"symbp vs the independent generator: {total['links']} links over {len(nets)} networks, "
          f"seed {args.seed}, {args.per_net} links per network, {elapsed:.0f} s")
    print("truth: PyTorch autograd (float64) on the generator's description, 2 size plans x "
          "(tanh, softplus, sin for each undefined function) x (2 error functions when E is undefined)")
    print()
    print(f"{'class':26s}" + "".join(f"{h:>10s}" for h in heads))
    for cls in sorted(rows, key=lambda c: (not c.startswith("true"), c)):
        print(f"{cls:26s}" + "".join(f"{rows[cls][c]:>10d}" for c in cols))
    print(f"{'total':26s}" + "".join(f"{total[c]:>10d}" for c in cols))
    print()
    for out in ("false-accept", "false-reject", "error-on-valid"):
        if not reasons[out]:
            continue
        print(f"{out}: by symbp's reason (letters and formulas replaced by _)")
        for why, n in reasons[out].most_common():
            print(f"  {n:6d}  {why}")
        print()
    for (out, cls), links in sorted(bad.items(), key=lambda kv: (kv[0][0] != "false-accept", kv[0])):
        print(f"== {out} [{cls}]: {len(links)}; examples:")
        shown = links if out == "false-accept" else links[:args.examples]
        for i, x in enumerate(shown):
            print(f"  {x.latex}")
            print(f"    truth: {x.truth} {x.detail}".rstrip() + f"; from the base equation {x.base}")
            print(f"    symbp: {x.verdict}: {x.message[:400]}")
            if i == 0 or out == "false-accept":
                print("    derivation:")
                print("".join(f"      {line}\n" for line in x.net_text.splitlines()), end="")
        print()
    print(f"false accepts: {total['false-accept']} (must be 0); false rejects: {total['false-reject']}; "
          f"errors on valid input: {total['error-on-valid']}")
    return 1 if total["false-accept"] else 0


if __name__ == "__main__":
    sys.exit(main())
