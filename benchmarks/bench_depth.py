"""How the symbolic check scales with the depth of a plain network.

For depth D (2, 4, 8, 16 hidden layers by default) it declares, with :func:`symbp.declare`,

    a_{j1} = \\sum_{i} w_{j1 i} z_{i},   z_{j1} = h(a_{j1}),   a_{j2} = \\sum_{j1} w_{j2 j1} z_{j1}, ...
    a_{o} = \\sum_{jD} w_{o jD} z_{jD}

(every layer its own single index letter; the weight families are all called ``w`` and told
apart by their index ranges), then checks, with :func:`symbp.check_equation`,

* the delta rule of the bottom hidden layer:  ``\\delta_{j1} = h'(a_{j1}) \\sum_{j2} w_{j2 j1} \\delta_{j2}``
* the gradient of the bottom weight:          ``\\frac{\\partial E}{\\partial w_{j1 i}} = \\delta_{j1} z_{i}``
* the same gradient written out through every layer ("unrolled"), and a wrong delta rule with
  ``h`` for ``h'`` ("mutant", expected refuted).

The first two stop after one step of the lazy δ expansion; the last two expand every layer.  Each depth
is measured ``--runs`` times (a fresh ``declare`` each time, so no cache carries over), and the
script prints the median time of each step, the median and minimum of the two checks together,
the ratio to the previous depth (a doubling of D that costs about 2x is linear scaling), and the
exponent k of a power law depth^k through the first and last depths and the last two.

    PYTHONPATH=. python benchmarks/bench_depth.py [--depths 2 4 8 16] [--runs 5]

This is a script, not a test; it exits 0 unless a check errors or is not verified.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

# single lowercase letters not otherwise used: not a, z (families), h (the activation),
# w, b (parameter names), e (looks like Euler's e; E is the error)
LETTERS = "ijklmnopqrstuvxycdfg"


def network_latex(depth: int) -> tuple[list[str], str, str, str]:
    """Forward equations, the input letter, the bottom hidden letter and the next one up."""
    if depth + 2 > len(LETTERS):
        raise SystemExit(f"depth {depth} needs {depth + 2} index letters; only {len(LETTERS)} available")
    letters = LETTERS[: depth + 2]  # input, D hidden layers, output
    fwd = []
    for below, here in zip(letters, letters[1:]):
        fwd.append(rf"a_{{{here}}} = \sum_{{{below}}} w_{{{here}{below}}} z_{{{below}}}")
        if here != letters[-1]:
            fwd.append(rf"z_{{{here}}} = h(a_{{{here}}})")
    return fwd, letters[0], letters[1], letters[2]


def equations(depth: int) -> dict[str, tuple[str, str]]:
    """name -> (equation, expected verdict).  The first two stop after one step of the lazy
    δ expansion; "unrolled" must expand every layer; "mutant" expands everything on both sides
    and then runs the numeric counterexample search."""
    fwd, i, j, k = network_latex(depth)
    letters = LETTERS[: depth + 2]
    chain = f"z_{{{i}}} h'(a_{{{j}}})"
    for below, here in zip(letters[1:], letters[2:]):
        tail = f" h'(a_{{{here}}})" if here != letters[-1] else f" \\delta_{{{here}}}"
        chain += f" \\sum_{{{here}}} w_{{{here}{below}}}{tail}"
    return {
        "delta rule": (rf"\delta_{{{j}}} = h'(a_{{{j}}}) \sum_{{{k}}} w_{{{k}{j}}} \delta_{{{k}}}",
                       "verified"),
        "dE/dw": (rf"\frac{{\partial E}}{{\partial w_{{{j}{i}}}}} = \delta_{{{j}}} z_{{{i}}}", "verified"),
        "unrolled": (rf"\frac{{\partial E}}{{\partial w_{{{j}{i}}}}} = {chain}", "verified"),
        "mutant": (rf"\delta_{{{j}}} = h(a_{{{j}}}) \sum_{{{k}}} w_{{{k}{j}}} \delta_{{{k}}}", "refuted"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="time symbp's check on deep plain networks")
    ap.add_argument("--depths", type=int, nargs="+", default=[2, 4, 8, 16])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    import symbp

    t_import = time.perf_counter() - t0
    print(f"symbp {symbp.__version__}, python {sys.version.split()[0]}; "
          f"import symbp {t_import * 1000:.0f} ms")
    print(f"median of {args.runs} runs per depth; each run declares the network afresh\n")

    rows = []
    failed = False
    for depth in args.depths:
        fwd, *_ = network_latex(depth)
        eqs = equations(depth)
        times: dict[str, list[float]] = {"declare": [], **{name: [] for name in eqs}}
        cpu: list[float] = []
        for run in range(args.runs):
            t0 = time.perf_counter()
            net = symbp.declare(fwd, name=f"deep{depth}", params=("w",))
            times["declare"].append(time.perf_counter() - t0)
            c0 = time.process_time()
            for name, (latex, expected) in eqs.items():
                t0 = time.perf_counter()
                try:
                    results = symbp.check_equation(latex, net)
                except Exception as exc:  # noqa: BLE001 - report and go on
                    times[name].append(time.perf_counter() - t0)
                    if run == 0:
                        print(f"depth {depth}: {name}: {latex}\n  raised {type(exc).__name__}: {exc}")
                    failed = True
                    continue
                times[name].append(time.perf_counter() - t0)
                verdicts = [r.verdict for r in results]
                if verdicts != [expected]:
                    failed = True
                    if run == 0:
                        print(f"depth {depth}: {name}: {latex}\n  verdicts {verdicts}: "
                              + "; ".join(r.message for r in results))
            cpu.append(time.process_time() - c0)
        med = {k: statistics.median(v) for k, v in times.items()}
        med["check"] = statistics.median([sum(ts) for ts in zip(*(times[n] for n in eqs))])
        med["check min"] = min(sum(ts) for ts in zip(*(times[n] for n in eqs)))
        med["check cpu min"] = min(cpu)
        rows.append((depth, len(fwd), med))

    names = ["declare", *equations(args.depths[0]).keys(), "check", "check min", "check cpu min"]
    print("| depth | forward eqs | " + " | ".join(f"{n} ms" for n in names)
          + " | check / previous (medians) | (minima) | (cpu minima) |")
    print("| ---: | ---: |" + " ---: |" * len(names) + " ---: | ---: | ---: |")
    prev = None
    for depth, n_fwd, med in rows:
        cells = [f"{med[n] * 1000:.1f}" for n in names]
        if prev is None:
            cells += ["", "", ""]
        else:
            step = f" (depth x{depth / prev[0]:g})"
            cells += [f"{med['check'] / prev[1]['check']:.2f}x{step}",
                      f"{med['check min'] / prev[1]['check min']:.2f}x",
                      f"{med['check cpu min'] / prev[1]['check cpu min']:.2f}x"]
        print(f"| {depth} | {n_fwd} | " + " | ".join(cells) + " |")
        prev = (depth, med)
    if len(rows) >= 2:
        print()
        pairs = [(rows[0], rows[-1]), (rows[-2], rows[-1])] if len(rows) > 2 else [(rows[0], rows[-1])]
        for (d0, _, m0), (d1, _, m1) in pairs:
            ks = [math.log(m1[key] / m0[key]) / math.log(d1 / d0) for key in ("check min", "check cpu min")]
            print(f"depth {d0} -> {d1}: check time grows like depth^{ks[0]:.2f} (wall minima), "
                  f"depth^{ks[1]:.2f} (cpu minima); 1 = linear, 2 = quadratic")
    if failed:
        print("\nsome check did not give its expected verdict (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
