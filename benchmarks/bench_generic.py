"""What a generic-layer proof costs against the seed's ② (issue 13's target: "a generic-layer
proof never unrolls and costs about what the seed's ② costs").

Timed, each on a freshly loaded derivation (the load is not timed, so no cache of an earlier
check helps), ``--runs`` times, interleaved in a shuffled order, median and minimum of this
process's CPU time (``--wall``: wall-clock time):

* ``seed ②``: ``\\delta_{j_l} = \\sum_k \\delta_k w_{kj_l} h'(a_{j_l})`` in
  ``derivations/weight_sharing.tex`` (the seed note's ②, verified for all sizes);
* ``BP1`` .. ``BP4``: Nielsen's four equations for a layer ``l`` of every depth
  (``derivations/generic/nielsen_bp.tex``), and ``BP2 slip``: BP2 with ``w^l`` for ``w^{l+1}``
  (refuted);
* ``BPTT 3.33``: Graves's δ rule for a step ``t`` of every length
  (``derivations/generic/graves_bptt.tex``).

It prints each time and its ratio to the seed's ②.

    PYTHONPATH=. python benchmarks/bench_generic.py [--runs 9] [--wall]

This is a script, not a test: it exits 1 only if a verdict is not the expected one.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: name -> (file, the label or the text that picks its equation, the expected verdict)
CASES = {
    "seed ②": ("derivations/weight_sharing.tex", "②", "verified"),
    "BP1": ("derivations/generic/nielsen_bp.tex", "BP1", "verified"),
    "BP2": ("derivations/generic/nielsen_bp.tex", "BP2", "verified"),
    "BP3": ("derivations/generic/nielsen_bp.tex", "BP3", "verified"),
    "BP4": ("derivations/generic/nielsen_bp.tex", "BP4", "verified"),
    "BP2 slip": ("derivations/generic/nielsen_bp.tex", "(7)", "refuted"),
    "BPTT 3.33": ("derivations/generic/graves_bptt.tex", "3.33", "verified"),
}


def _pick(deriv, key: str):  # noqa: ANN001, ANN202
    for eq in deriv.equations:
        if eq.label in (key, f"({key})"):
            return eq
    raise SystemExit(f"no equation {key!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    args = ap.parse_args(argv)
    from symbp.checker.files import check_derivation_equation
    from symbp.document import load
    clock = time.perf_counter if args.wall else time.process_time
    times: dict[str, list[float]] = {k: [] for k in CASES}
    bad = []
    order = [k for k in CASES for _ in range(args.runs + 1)]
    random.Random(0).shuffle(order)
    seen: set[str] = set()
    for name in order:
        path, key, want = CASES[name]
        deriv = load(ROOT / path)
        eq = _pick(deriv, key)
        t0 = clock()
        results = check_derivation_equation(deriv, eq)
        dt = clock() - t0
        got = {r.verdict for r in results}
        if got != {want}:
            bad.append(f"{name}: {sorted(got)} (expected {want})")
        if name in seen:  # the first run of each (imports, lazy tables) is not counted
            times[name].append(dt)
        seen.add(name)
    base = statistics.median(times["seed ②"])
    print(f"| equation | median ms | min ms | median / seed ② |  ({'wall' if args.wall else 'CPU'}, "
          f"{args.runs} runs, fresh load each)")
    print("|---|---:|---:|---:|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med * 1e3:.1f} | {min(ts) * 1e3:.1f} | {med / base:.2f}x |")
    for b in dict.fromkeys(bad):
        print("UNEXPECTED:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
