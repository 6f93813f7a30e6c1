"""Long files: is loading and checking a derivation file linear in its length?

Generates derivation files of ``--sizes`` links (default 1,000 and 10,000) on the built-in
plain network: a mix of ``equation``, ``$$`` and ``align`` displays (with labels, ``expect``
directives and ``\\\\`` lines, one or two links each, some refuted), and times, interleaved and
``--runs`` times each (median):

* ``load``: :func:`symbp.document.loads` of the text (indexing directives and displays, blanking);
* ``check``: :func:`symbp.checker.files.check_file` of the loaded derivation (every link);

and prints the cost per link and the ratio of the per-link costs (largest size / smallest) against
the target of at most **1.2x**.

    PYTHONPATH=. python benchmarks/bench_long.py [--sizes 1000,10000] [--runs 3]

A script, not a test: it prints the table and exits 0 whatever the ratio.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from symbp.checker.files import check_file
from symbp.document import loads

TARGET = 1.2

_BLOCKS = [
    ("% symbp: label (5.56)\n\\begin{equation}\n\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k\n"
     "\\end{equation}\n", 1),
    ("$$\\frac{\\partial E}{\\partial w_{ji}} = \\delta_j z_i$$\n", 1),
    ("% symbp: expect refuted\n$$\\delta_j = h'(a_j) \\sum_k w_{jk} \\delta_k$$\n", 1),
    ("\\begin{align}\n\\delta_j &= \\sum_k \\frac{\\partial E}{\\partial a_k} "
     "\\frac{\\partial a_k}{\\partial a_j} = h'(a_j) \\sum_k w_{kj} \\delta_k \\\\\n"
     "\\frac{\\partial a_j}{\\partial w_{ji}} &= z_i\n\\end{align}\n", 3),
]


def document(links: int) -> str:
    """A derivation file of exactly ``links`` links (prose between the displays)."""
    out = ["% symbp: network plain\n\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"]
    n = k = 0
    while n < links:
        block, m = _BLOCKS[k % len(_BLOCKS)]
        k += 1
        if n + m > links:
            block, m = _BLOCKS[1]
        out.append(f"Step {k}, with inline $z_i$ and a comment % not a directive\n{block}\n")
        n += m
    out.append("\\end{document}\n")
    return "".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description="per-link cost of long derivation files")
    ap.add_argument("--sizes", default="1000,10000", help="links per file (default 1000,10000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per size (default 3)")
    ap.add_argument("--load-only", action="store_true", help="time loading only")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    texts = {n: document(n) for n in sizes}
    loads(texts[sizes[0]])  # warm-up: imports, caches
    times: dict[tuple[int, str], list[float]] = {}
    for _ in range(args.runs):
        for n in sizes:  # interleaved
            gc.collect()  # each size starts from the same heap: no collection left over from the last
            t0 = time.perf_counter()
            deriv = loads(texts[n], f"long{n}.tex")
            t1 = time.perf_counter()
            times.setdefault((n, "load"), []).append(t1 - t0)
            if not args.load_only:
                results = check_file(deriv)
                t2 = time.perf_counter()
                assert len(results) == n, (len(results), n)
                times.setdefault((n, "check"), []).append(t2 - t1)
    print(f"links per file: {', '.join(map(str, sizes))}; {args.runs} interleaved runs, medians\n")
    print("| links | bytes | load s | load us/link | check s | check us/link |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    per: dict[tuple[int, str], float] = {}
    for n in sizes:
        row = [str(n), str(len(texts[n]))]
        for what in ("load", "check"):
            if (n, what) not in times:
                row += ["-", "-"]
                continue
            med = statistics.median(times[(n, what)])
            per[(n, what)] = med / n
            row += [f"{med:.3f}", f"{1e6 * med / n:.1f}"]
        print("| " + " | ".join(row) + " |")
    lo, hi = sizes[0], sizes[-1]
    print()
    for what in ("load", "check"):
        if (hi, what) in per:
            r = per[(hi, what)] / per[(lo, what)]
            print(f"{what}: per link at {hi} / at {lo}: {r:.2f}x (target at most {TARGET}x) -> "
                  f"{'within target' if r <= TARGET else 'OVER target'}")
    if (hi, "check") in per:
        tot = lambda n: per[(n, "load")] + per[(n, "check")]  # noqa: E731
        r = tot(hi) / tot(lo)
        print(f"load + check: {r:.2f}x (target at most {TARGET}x) -> "
              f"{'within target' if r <= TARGET else 'OVER target'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
