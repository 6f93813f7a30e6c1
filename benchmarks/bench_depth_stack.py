"""How a refutation scales with depth: deep stacks and skip paths (issue 13, "Growth").

For every depth D it writes a derivation file (into ``--out``, default a temporary folder) that
declares an unrolled stack of D layers with explicit per-layer families,

    z^{(1)}_{k} = \\sum_{j} w^{(1)}_{kj} x_{j},   a^{(1)}_{k} = h(z^{(1)}_{k}),
    z^{(2)}_{m} = \\sum_{k} w^{(2)}_{mk} a^{(1)}_{k},   ...,   z^{(D)}_{o} = ...   (the output)

(a letter per layer, so every layer has its own width; ``--skip`` adds a skip path
``\\sum v^{(l)} a^{(l-2)}`` to every layer from the third on), and in it

* ``true``: the δ rule of the bottom layer (with the skip path's term in a skip network);
* ``h for h'``, ``no h'``, ``2x``: one-token mutants of it (expected refuted); in a skip network
  also ``forgot skip``: the δ rule without its skip path, the classic slip;
* ``unrolled`` (plain stacks only): ``\\partial E/\\partial w^{(1)}`` written out through every
  layer (nested sums), and ``unrolled h`` the same with one ``h'`` replaced by ``h``.

Every equation is checked warm (the file loaded once per depth, the first run discarded: it
also pays for the network's δ definitions), ``--runs`` times, interleaved, median of this
process's CPU time (``--wall``: wall-clock time); the script prints each time, the ratio of the
worst δ-rule mutant to the true rule and of the unrolled mutant to the unrolled gradient (target:
at most **10x**, at any depth to 128), and the first check of each network (cold).  A verdict
other than the expected one is printed (an ``error`` past a bound is a finding, not a crash).

    PYTHONPATH=. python benchmarks/bench_depth_stack.py [--depths 4 8 16 32 64 128] [--skip]
        [--runs 3] [--out DIR]

This is a script, not a test; it exits 1 if a verdict is not the expected one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# index letters, one per layer (primed once the pool runs out): none of the family or function
# names (a, z, w, v, x, h, E, delta, sigma) and no letter that reads as a size
POOL = ["j", "k", "m", "n", "p", "q", "r", "s", "u", "g", "c", "f", "alpha", "beta", "gamma",
        "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "tau",
        "phi", "chi", "psi", "omega"]


def letter(layer: int) -> str:
    """The unit letter of ``layer`` (0: the inputs) as LaTeX."""
    base = POOL[layer % len(POOL)]
    return ("\\" + base if len(base) > 1 else base) + "'" * (layer // len(POOL))


def _sub(*letters: str) -> str:
    return "{" + " ".join(letters) + "}"


def forward(depth: int, skip: bool) -> list[str]:
    """The forward equations of the stack: layer ``depth`` is the output (no activation)."""
    fwd = []
    for layer in range(1, depth + 1):
        i, o = letter(layer - 1), letter(layer)
        below = "x" if layer == 1 else f"a^{{({layer - 1})}}"
        rhs = rf"\sum_{_sub(i)} w^{{({layer})}}_{_sub(o, i)} {below}_{_sub(i)}"
        if skip and layer >= 3:
            i2 = letter(layer - 2)
            rhs += rf" + \sum_{_sub(i2)} v^{{({layer})}}_{_sub(o, i2)} a^{{({layer - 2})}}_{_sub(i2)}"
        fwd.append(rf"z^{{({layer})}}_{_sub(o)} = {rhs}")
        if layer < depth:
            fwd.append(rf"a^{{({layer})}}_{_sub(o)} = h(z^{{({layer})}}_{_sub(o)})")
    return fwd


def equations(depth: int, skip: bool) -> dict[str, tuple[str, str]]:
    """name -> (equation, expected verdict)."""
    j, k = letter(1), letter(2)
    hp = rf"h'(z^{{(1)}}_{_sub(j)})"
    tail = rf"\sum_{_sub(k)} w^{{(2)}}_{_sub(k, j)} \delta^{{(2)}}_{_sub(k)}"
    if skip and depth >= 3:
        m = letter(3)
        tail2 = rf" + {hp} \sum_{_sub(m)} v^{{(3)}}_{_sub(m, j)} \delta^{{(3)}}_{_sub(m)}"
    else:
        tail2 = ""
    lhs = rf"\delta^{{(1)}}_{_sub(j)}"
    eqs = {
        "true": (rf"{lhs} = {hp} {tail}{tail2}", "verified"),
        "h for h'": (rf"{lhs} = h(z^{{(1)}}_{_sub(j)}) {tail}{tail2}", "refuted"),
        "no h'": (rf"{lhs} = {tail}{tail2}", "refuted"),
        "2x": (rf"{lhs} = 2 {hp} {tail}{tail2}", "refuted"),
    }
    if tail2:
        eqs["forgot skip"] = (rf"{lhs} = {hp} {tail}", "refuted")
    else:
        i = letter(0)
        chain = rf"x_{_sub(i)} {hp}"
        for layer in range(2, depth + 1):
            below, here = letter(layer - 1), letter(layer)
            factor = (rf"h'(z^{{({layer})}}_{_sub(here)})" if layer < depth
                      else rf"\delta^{{({layer})}}_{_sub(here)}")
            chain += rf" \sum_{_sub(here)} w^{{({layer})}}_{_sub(here, below)} {factor}"
        dw = rf"\frac{{\partial E}}{{\partial w^{{(1)}}_{_sub(j, i)}}}"
        eqs["unrolled"] = (rf"{dw} = {chain}", "verified")
        eqs["unrolled h"] = (rf"{dw} = {chain.replace(hp, rf'h(z^{{(1)}}_{_sub(j)})', 1)}", "refuted")
    return eqs


def write_file(folder: Path, depth: int, skip: bool) -> Path:
    """The derivation file of one depth: the forward pass and every equation, each with its
    expected verdict."""
    what = f"{depth} layers{' with skip paths' if skip else ''}"
    lines = [f"% A stack of {what} (benchmarks/bench_depth_stack.py)",
             r"\documentclass{article}", r"\usepackage{amsmath}", r"\begin{document}",
             "% symbp: params w, v", "% symbp: forward", r"\begin{align*}",
             " \\\\\n".join(forward(depth, skip)), r"\end{align*}"]
    for name, (eq, expected) in equations(depth, skip).items():
        lines += [f"% {name}", f"% symbp: expect {expected}", r"\begin{equation}", eq, r"\end{equation}"]
    lines.append(r"\end{document}")
    path = folder / f"stack{depth}{'_skip' if skip else ''}.tex"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description="time symbp's refutations on deep stacks and skip paths")
    ap.add_argument("--depths", type=int, nargs="+", default=[4, 8, 16, 32, 64, 128])
    ap.add_argument("--skip", action="store_true", help="stacks with skip paths")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None, help="write the derivation files here")
    ap.add_argument("--wall", action="store_true",
                    help="time by the wall clock (default: this process's CPU time, which a loaded machine "
                         "distorts less)")
    args = ap.parse_args()

    import symbp
    from symbp.checker.files import check_derivation_equation
    from symbp.document import load

    folder = args.out or Path(tempfile.mkdtemp(prefix="symbp-depth-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"symbp {symbp.__version__}, python {sys.version.split()[0]}; files in {folder}")
    clock = time.perf_counter if args.wall else time.process_time
    print(f"{'skip paths' if args.skip else 'plain stacks'}; median of {args.runs} warm runs, interleaved; "
          f"{'wall' if args.wall else 'CPU'} time\n")
    failed = False
    rows = []
    for depth in args.depths:
        path = write_file(folder, depth, args.skip)
        deriv = load(path)
        eqs = deriv.equations
        names = list(equations(depth, args.skip))
        times: dict[str, list[float]] = {n: [] for n in names}
        verdicts: dict[str, str] = {}
        cold = 0.0
        for run in range(args.runs + 1):  # the first run warms the caches (δ definitions)
            for name, eq in zip(names, eqs):
                t0 = clock()
                res = check_derivation_equation(deriv, eq)
                dt = clock() - t0
                if run:
                    times[name].append(dt)
                else:
                    cold += dt
                    verdicts[name] = ",".join(r.verdict for r in res)
                    if not all(r.as_expected for r in res):
                        failed = True
                        print(f"depth {depth}: {name}: {verdicts[name]}: {res[0].message[:160]}")
        med = {n: statistics.median(v) for n, v in times.items()}
        rows.append((depth, med, verdicts, cold))
    names = list(rows[0][1])
    print("| depth | " + " | ".join(f"{n} ms" for n in names)
          + " | worst δ mutant / true | unrolled h / unrolled | first run, all equations ms |")
    print("| ---: |" + " ---: |" * (len(names) + 3))
    for depth, med, verdicts, cold in rows:
        cells = []
        for n in names:
            if n not in med:
                cells.append("")
                continue
            mark = "" if verdicts[n] in ("verified", "refuted") else f" ({verdicts[n]})"
            cells.append(f"{med[n] * 1000:.1f}{mark}")
        mutants = [med[n] for n in med if n not in ("true", "unrolled", "unrolled h")]
        ratio = max(mutants) / med["true"]
        unrolled = (f"{med['unrolled h'] / med['unrolled']:.1f}x"
                    if "unrolled" in med and verdicts["unrolled"] == "verified" else "")
        print(f"| {depth} | " + " | ".join(cells) + f" | {ratio:.1f}x | {unrolled} | {cold * 1000:.0f} |")
    if failed:
        print("\nsome verdict was not the expected one (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
