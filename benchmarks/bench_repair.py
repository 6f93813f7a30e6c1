"""What a refutation costs: the did-you-mean search against a verified link, on ``derivations/``.

Every equation of every file of ``derivations/`` is checked warm (after one unmeasured pass, so
that imports and the network's caches are done), ``--runs`` times, interleaved; the time of each
equation (CPU time of this process, ``time.process_time``: the machine is shared, and waiting
for a core is no cost of the check) is divided among its links.  Prints the median cost of a
verified link, of a refuted link, their ratio against the target of at most **3x**, and how
many candidates the repair search screened numerically and how many it re-checked in full
(``symbp.checker.repair.STATS``).

    PYTHONPATH=. python benchmarks/bench_repair.py [--runs 7]

A script, not a test: it prints the table and exits 0 whatever the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from symbp.checker import repair
from symbp.checker.files import check_derivation_equation
from symbp.document import load

ROOT = Path(__file__).resolve().parents[1]
TARGET = 3.0


def main() -> int:
    ap = argparse.ArgumentParser(description="cost of a refuted link against a verified one")
    ap.add_argument("--runs", type=int, default=7, help="runs (default 7)")
    args = ap.parse_args()
    derivs = [load(f) for f in sorted((ROOT / "derivations").glob("*.tex"))]
    eqs = [(d, eq) for d in derivs for eq in d.equations]
    verdicts = {}
    for d, eq in eqs:  # warm-up
        verdicts[id(eq)] = [r.verdict for r in check_derivation_equation(d, eq)]
    per_link: dict[int, list[float]] = {id(eq): [] for _, eq in eqs}
    repair.STATS.clear()
    for _ in range(args.runs):
        for d, eq in eqs:
            t0 = time.process_time()
            check_derivation_equation(d, eq)
            per_link[id(eq)].append((time.process_time() - t0) / max(1, len(verdicts[id(eq)])))
    stats = {k: v / args.runs for k, v in repair.STATS.items()}
    by: dict[str, list[float]] = {}
    for _, eq in eqs:
        vs = verdicts[id(eq)]
        kind = "refuted" if "refuted" in vs else ("verified" if set(vs) <= {"verified"} else "other")
        by.setdefault(kind, []).append(statistics.median(per_link[id(eq)]))
    print(f"derivations/: {len(eqs)} equations, {sum(map(len, verdicts.values()))} links; "
          f"{args.runs} interleaved warm runs; CPU time; median per link of each equation, then the median "
          "over equations\n")
    print("| links | equations | median ms per link | mean ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("verified", "refuted", "other"):
        if kind in by:
            print(f"| {kind} | {len(by[kind])} | {1e3 * statistics.median(by[kind]):.2f} | "
                  f"{1e3 * statistics.mean(by[kind]):.2f} | {1e3 * max(by[kind]):.2f} |")
    r = statistics.median(by["refuted"]) / statistics.median(by["verified"])
    m = statistics.mean(by["refuted"]) / statistics.mean(by["verified"])
    print(f"\nrefuted / verified: {r:.2f}x by medians, {m:.2f}x by means (target at most {TARGET}x) -> "
          f"{'within target' if r <= TARGET else 'OVER target'} (medians)")
    if stats:
        print("repair candidates per run: " + ", ".join(f"{k} {v:g}" for k, v in sorted(stats.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
