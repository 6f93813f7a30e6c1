"""Evidence for symbp's own parser: what latex2sympy2 and latex2sympy2_extended make of the
notation of backpropagation notes, and how long they take.

latex2sympy2 1.9.1 pins ``antlr4-python3-runtime==4.7.2`` while latex2sympy2_extended needs
``>=4.9.3``, so the two cannot share an environment: give each its own interpreter.

    python3 -m venv /tmp/l2s  && /tmp/l2s/bin/pip install latex2sympy2==1.9.1 numpy sympy
    python3 -m venv /tmp/l2sx && /tmp/l2sx/bin/pip install latex2sympy2_extended numpy sympy
    PYTHONPATH=. python benchmarks/parser_evidence.py \\
        --l2s /tmp/l2s/bin/python --l2sx /tmp/l2sx/bin/python > /tmp/evidence.md

Each backend is measured in child processes of its own interpreter:

* import time: ``import <backend>`` in a fresh process (the backend's own imports, sympy for
  the two latex2sympy2 packages, included), ``--runs`` processes, min and median;
* cold parse: the first parse in a fresh process right after the import (one process per
  expression and run, min and median over ``--runs``);
* warm parse: the median of ``--warm`` repeated parses of the same expression in one process.

This is a script, not a test; it prints markdown on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SEED = [
    r"\sum_{k=1}^{K} \delta_k w_{kj} h'(a_j)",
    r"w_{kj_l} z_{j_l}",
    r"\delta_{j} z_{i}",
]

# (label, input, what goes wrong in latex2sympy2 1.9.1 / latex2sympy2_extended)
TRAPS = [
    ("derivative prime", r"h'(a_j)"),
    ("second derivative", r"h''(a_j)"),
    ("equation", r"a = b"),
    ("chain of equations", r"a = b = c"),
    ("letter e", r"e"),
    ("letter I", r"I"),
    ("upper-case size vs index", r"K - k"),
    ("sum without bounds", r"\sum_k x_k"),
    ("sum without bounds, braced", r"\sum_{k} x_k"),
    ("sum over an opaque subscript", r"\sum_{k=1}^{K} \delta_k"),
    ("partial derivative", r"\frac{\partial E}{\partial w_{ji}}"),
    ("partial derivative (not E)", r"\frac{\partial L}{\partial w_{ji}}"),
    ("sum with upper bound K", r"\sum_{k=1}^{K} x_k"),
    ("letter E", r"E"),
    ("nested subscript", r"w_{kj_l}"),
    ("subscripted Greek", r"\delta_j"),
]

BACKENDS = ("latex2sympy2", "latex2sympy2_extended", "symbp")


# ----------------------------------------------------------------------------------------------
# child side: runs inside the interpreter that has the backend


def _load(backend: str):
    if backend == "latex2sympy2":
        from latex2sympy2 import latex2sympy

        return latex2sympy
    if backend == "latex2sympy2_extended":
        from latex2sympy2_extended import latex2sympy

        return latex2sympy
    from symbp.latex.parser import parse_chain, parse_expression

    def parse(src: str):
        chain = parse_chain(src)
        return chain if len(chain.sides) > 1 else parse_expression(src)

    return parse


def _show(backend: str, value) -> str:
    if backend == "symbp":
        from symbp.latex.ast import SumOp, Sym

        text = repr(value)
        if isinstance(value, Sym) and value.groups:
            text += f"  groups={value.groups!r}"
        if isinstance(value, SumOp) and (value.lower is not None or value.upper is not None):
            text += f"  lower={value.lower!r} upper={value.upper!r}"
        return text
    import sympy

    return sympy.srepr(value)


def _child(backend: str, mode: str, src: str | None, warm: int) -> None:
    t0 = time.perf_counter()
    parse = _load(backend)
    t_import = time.perf_counter() - t0
    out: dict = {"import": t_import}
    if mode == "import":
        pass
    elif mode == "cold":
        t0 = time.perf_counter()
        try:
            parse(src)
        except Exception:
            pass
        out["cold"] = time.perf_counter() - t0
    elif mode == "results":
        import importlib.metadata as md

        vers = {}
        for dist in ("latex2sympy2", "latex2sympy2_extended", "antlr4-python3-runtime", "sympy", "numpy"):
            try:
                vers[dist] = md.version(dist)
            except md.PackageNotFoundError:
                pass
        if backend == "symbp":
            import symbp

            vers["symbp"] = symbp.__version__
        vers["python"] = sys.version.split()[0]
        out["versions"] = vers
        rows = {}
        for src_ in SEED + [t[1] for t in TRAPS]:
            try:
                value = parse(src_)
                shown = _show(backend, value)
            except Exception as exc:  # noqa: BLE001 - the failure is the finding
                msg = " ".join(str(exc).split())
                shown = f"raises {type(exc).__name__}: {msg}"
            times = []
            for _ in range(warm):
                t0 = time.perf_counter()
                try:
                    parse(src_)
                except Exception:
                    pass
                times.append(time.perf_counter() - t0)
            rows[src_] = {"result": shown, "warm": statistics.median(times)}
        out["rows"] = rows
    print(json.dumps(out))


# ----------------------------------------------------------------------------------------------
# parent side


def _run(python: str, backend: str, mode: str, src: str | None = None, warm: int = 200) -> dict:
    cmd = [python, os.path.abspath(__file__), "--child", backend, mode, "--warm", str(warm)]
    if src is not None:
        cmd += ["--src", src]
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=root)
    if res.returncode != 0:
        raise SystemExit(f"{backend} child failed ({' '.join(cmd)}):\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _ms(x: float) -> str:
    return f"{x * 1000:.1f}" if x >= 0.001 else f"{x * 1000:.3f}"


def _code(s: str) -> str:
    return "`" + s.replace("|", "\\|") + "`"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--child", nargs=2, metavar=("BACKEND", "MODE"), help=argparse.SUPPRESS)
    ap.add_argument("--src", help=argparse.SUPPRESS)
    ap.add_argument("--l2s", help="python with latex2sympy2==1.9.1")
    ap.add_argument("--l2sx", help="python with latex2sympy2_extended")
    ap.add_argument("--symbp", default=sys.executable, help="python with symbp's deps (default: this one)")
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per cold figure (default 5)")
    ap.add_argument("--warm", type=int, default=200, help="repeats per warm figure (default 200)")
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.src, args.warm)
        return 0

    pythons = {"latex2sympy2": args.l2s, "latex2sympy2_extended": args.l2sx, "symbp": args.symbp}
    data: dict[str, dict] = {}
    for backend, py in pythons.items():
        if not py:
            print(f"<!-- {backend}: no interpreter given, skipped -->", file=sys.stderr)
            continue
        res = _run(py, backend, "results", warm=args.warm)
        imports = [_run(py, backend, "import")["import"] for _ in range(args.runs)]
        cold = {}
        for src in SEED + [t[1] for t in TRAPS]:
            cold[src] = [_run(py, backend, "cold", src)["cold"] for _ in range(args.runs)]
        data[backend] = {**res, "imports": imports, "cold": cold}
        print(f"measured {backend}", file=sys.stderr)

    present = [b for b in BACKENDS if b in data]
    print("## Versions\n")
    for b in present:
        v = data[b]["versions"]
        print(f"- {b} environment: " + ", ".join(f"{k} {x}" for k, x in v.items()))
    print(f"\n## Import time (fresh process, {args.runs} runs, ms)\n")
    print("| backend | min | median |\n| --- | ---: | ---: |")
    for b in present:
        xs = data[b]["imports"]
        print(f"| {b} | {_ms(min(xs))} | {_ms(statistics.median(xs))} |")
    print(f"\n## Parse time per expression (ms; cold = first parse in a fresh process, min/median of "
          f"{args.runs}; warm = median of {args.warm} repeats)\n")
    head = " | ".join(f"{b} cold min / median | {b} warm" for b in present)
    print(f"| input | {head} |")
    print("| --- |" + " ---: | ---: |" * len(present))
    for src in SEED + [t[1] for t in TRAPS]:
        cells = []
        for b in present:
            c = data[b]["cold"][src]
            cells.append(f"{_ms(min(c))} / {_ms(statistics.median(c))}")
            cells.append(_ms(data[b]["rows"][src]["warm"]))
        print(f"| {_code(src)} | " + " | ".join(cells) + " |")
    print("\n## What each parser returns\n")
    print("| input | " + " | ".join(present) + " |")
    print("| --- |" + " --- |" * len(present))
    for src in SEED + [t[1] for t in TRAPS]:
        cells = [_code(data[b]["rows"][src]["result"]) for b in present]
        print(f"| {_code(src)} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
