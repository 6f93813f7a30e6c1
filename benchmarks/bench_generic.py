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

Two times for each: **cold**, the equation of a freshly loaded file checked first (it declares
the unrolled networks it needs: the file's networks at ``L = 3, 4``, the seed's network is
declared by the load); **in a file**, the equation checked after the file's other equations (what
``symbp check`` pays for it there: the unrolled networks, their δs and the reparsed texts shared
by the claims of one file).  Every process-wide memo of symbp's that a check fills
(:func:`symbp.checker.pipeline._reparsed_key`, :func:`symbp.engine.evaluate._parse`) is emptied
before each load, so no earlier check of the same equation helps.  It prints each time, its
ratio to the seed's ② (cold to cold, in a file to in a file), and, counted in one more run (not
timed), the ``check_chain`` calls (in full + for the verdict alone), the unrolled runs agreed by
value and the networks declared.

    PYTHONPATH=. python benchmarks/bench_generic.py [--runs 9] [--wall] [--before DIR]

``--before DIR``: the same, interleaved, with the symbp of another checkout (``git archive main |
tar -x -C DIR``) in alternate processes, and one table of both (each version's ratios are to its
own seed ②, within its own processes).

This is a script, not a test: it exits 1 only if a verdict is not the expected one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
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


def _fresh(path: str):  # noqa: ANN202
    """The derivation at ``path`` freshly loaded, symbp's process-wide memos emptied first."""
    from symbp.checker import pipeline
    from symbp.document import load
    try:
        from symbp.engine import evaluate
    except ImportError:  # a symbp before the evaluator (--before)
        evaluate = None
    for memo in (getattr(pipeline, "_reparsed_key", None), getattr(evaluate, "_parse", None)):
        if memo is not None:
            memo.cache_clear()
    return load(ROOT / path)


def _times(runs: int, wall: bool) -> tuple[dict[str, list[float]], dict[str, list[float]], list[str]]:
    """``runs`` cold and in-a-file times of each case, interleaved in a shuffled order (the first
    of each not counted: imports, lazy tables), and the unexpected verdicts."""
    from symbp.checker.files import check_derivation_equation
    clock = time.perf_counter if wall else time.process_time
    cold: dict[str, list[float]] = {k: [] for k in CASES}
    warm: dict[str, list[float]] = {k: [] for k in CASES}
    bad = []
    order = [(k, w) for k in CASES for w in (False, True) for _ in range(runs + 1)]
    random.Random(0).shuffle(order)
    seen: set[tuple[str, bool]] = set()
    for name, in_file in order:
        path, key, want = CASES[name]
        deriv = _fresh(path)
        eq = _pick(deriv, key)
        if in_file:
            for other in deriv.equations:
                if other is not eq:
                    check_derivation_equation(deriv, other)
        t0 = clock()
        results = check_derivation_equation(deriv, eq)
        dt = clock() - t0
        got = {r.verdict for r in results}
        if got != {want}:
            bad.append(f"{name}: {sorted(got)} (expected {want})")
        if (name, in_file) in seen:
            (warm if in_file else cold)[name].append(dt)
        seen.add((name, in_file))
    return cold, warm, bad


def _counts() -> dict[str, tuple[int, int, int, int]]:
    """Per case, checked cold: the ``check_chain`` calls in full, those for the verdict alone
    (inside ``verdict_only``), the unrolled runs that agreed by value
    (:func:`symbp.engine.evaluate.agrees`, where the symbp measured has it), and the ``declare``
    calls."""
    import symbp.checker.files as files
    import symbp.checker.generic as generic
    import symbp.engine.declare as declare
    from symbp.checker import pipeline
    out = {}
    for name, (path, key, _) in CASES.items():
        deriv = _fresh(path)
        eq = _pick(deriv, key)
        tally = [0, 0, 0]
        by_value = [0]
        real_check, real_declare = pipeline.check_chain, declare.declare
        real_agrees = getattr(generic, "agrees", None)
        files.check_chain = generic.check_chain = _counted(real_check, tally, pipeline)
        declare.declare = _counted(real_declare, tally, None)
        if real_agrees is not None:
            def agrees(net, chain, real=real_agrees, by_value=by_value):  # noqa: ANN001, ANN202
                got = real(net, chain)
                by_value[0] += got is True
                return got
            generic.agrees = agrees
        try:
            files.check_derivation_equation(deriv, eq)
        finally:
            files.check_chain = generic.check_chain = real_check
            declare.declare = real_declare
            if real_agrees is not None:
                generic.agrees = real_agrees
        out[name] = (tally[0], tally[1], by_value[0], tally[2])
    return out


def _counted(fn, tally: list[int], pipeline):  # noqa: ANN001, ANN202
    """``fn``, counting its calls in ``tally``: a check in full at 0, for its verdict alone at 1
    (``pipeline`` given), a declaration at 2 (``pipeline`` None)."""
    def counted(*a, **k):  # noqa: ANN002, ANN003, ANN202
        tally[2 if pipeline is None else 1 if pipeline._VERDICT_ONLY else 0] += 1
        return fn(*a, **k)
    return counted


def _worker(runs: int, wall: bool) -> dict:
    cold, warm, bad = _times(runs, wall)
    return {"cold": cold, "warm": warm, "bad": bad, "counts": _counts()}


def _row(name: str, data: dict) -> str:
    cold, warm = data["cold"], data["warm"]
    c, w = statistics.median(cold[name]), statistics.median(warm[name])
    c0, w0 = statistics.median(cold["seed ②"]), statistics.median(warm["seed ②"])
    full, quick, by_value, decl = data["counts"][name]
    return (f"{c * 1e3:.1f} | {c / c0:.2f}x | {w * 1e3:.1f} | {w / w0:.2f}x | {full} + {quick} | {by_value} "
            f"| {decl}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    ap.add_argument("--before", help="a checkout of symbp to compare with, interleaved")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.runs, args.wall)))
        return 0
    what = f"{'wall' if args.wall else 'CPU'} ms, median of {args.runs}"
    cols = ("cold ms | cold / seed ② | in a file ms | in a file / seed ② | `check_chain` full + verdict-only "
            "| agreed by value | declared")
    if not args.before:
        data = _worker(args.runs, args.wall)
        print(f"| equation | {cols} |  ({what})")
        print("|---|" + "---:|" * 7)
        for name in CASES:
            print(f"| {name} | {_row(name, data)} |")
        bad = data["bad"]
    else:
        merged: dict[str, dict] = {}
        rounds = max(1, args.runs // 3)
        for _ in range(rounds):  # alternate processes: before, after, before, after, ...
            for label, path in (("before", args.before), ("after", str(ROOT))):
                env = {**os.environ, "PYTHONPATH": path}
                out = subprocess.run([sys.executable, __file__, "--worker", "--runs", "3"]
                                     + (["--wall"] if args.wall else []), env=env, check=True,
                                     capture_output=True, text=True).stdout
                got = json.loads(out)
                m = merged.setdefault(label, {"cold": {k: [] for k in CASES}, "warm": {k: [] for k in CASES},
                                              "bad": [], "counts": got["counts"]})
                for part in ("cold", "warm"):
                    for k in CASES:
                        m[part][k] += got[part][k]
                m["bad"] += got["bad"]
        print(f"| equation | version | {cols} |  ({what.replace(str(args.runs), str(3 * rounds))}, "
              f"{rounds} interleaved rounds)")
        print("|---|---|" + "---:|" * 7)
        for name in CASES:
            for label in ("before", "after"):
                print(f"| {name} | {label} | {_row(name, merged[label])} |")
        bad = merged["before"]["bad"] + merged["after"]["bad"]
    for b in dict.fromkeys(bad):
        print("UNEXPECTED:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
