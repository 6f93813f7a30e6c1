"""Wall time of ``symbp check derivations`` against the floor ``import sympy, latex2sympy2``.

The target (the design issue): checking ``derivations/`` takes at most 2.5x the time of a
Python process that only imports sympy and latex2sympy2, the libraries the design first planned
to use.  Every figure is the wall time of a fresh process (``sys.executable``), measured
``--runs`` times (round robin over the commands) after one unmeasured warm-up run; the
table gives min and median.

Commands timed (cwd = the repository root, ``PYTHONPATH`` = the repository root):

    floor           python -c "import sympy, latex2sympy2"   (or "import sympy" when
                    latex2sympy2 is not installed; then the floor is labelled so)
    check           python -m symbp.cli check derivations
    import sympy    python -c "import sympy"
    import symbp    python -c "import symbp"
    python          python -c "pass"

Bytecode: sympy and latex2sympy2 come from site-packages with the .pyc files pip wrote, while
symbp runs from the source tree.  When ``PYTHONDONTWRITEBYTECODE`` is set (as on this project's
machines) symbp would be compiled from source in every process, which an installed symbp never
is.  So every command is timed twice: "cached", with ``PYTHONPYCACHEPREFIX`` pointing at a
temporary folder (bytecode for everything, filled by the warm-up run, written outside the
tree), and "as is", with the environment unchanged.  The ratio against the target is the cached
one; the "as is" ratio is printed beside it.

    PYTHONPATH=. python benchmarks/bench_check.py [--runs 7]

This is a script, not a test: it prints the table and exits 0 whatever the ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.5


def _once(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {res.returncode}:\n{res.stderr.decode()[-2000:]}")
    return dt


def _versions() -> str:
    import importlib.metadata as md

    out = [f"python {sys.version.split()[0]}"]
    for dist in ("sympy", "numpy", "latex2sympy2", "antlr4-python3-runtime"):
        try:
            out.append(f"{dist} {md.version(dist)}")
        except md.PackageNotFoundError:
            pass
    return ", ".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description="time symbp check derivations against the floor")
    ap.add_argument("--runs", type=int, default=7, help="measured runs per command (default 7)")
    args = ap.parse_args()

    py = sys.executable
    have_l2s = importlib.util.find_spec("latex2sympy2") is not None
    if have_l2s:
        floor_label, floor_code = "floor: import sympy, latex2sympy2", "import sympy, latex2sympy2"
    else:
        floor_label = "floor (SUBSTITUTE: latex2sympy2 not installed): import sympy"
        floor_code = "import sympy"
        print("latex2sympy2 is not importable here: the floor below is `import sympy` alone, which is\n"
              "faster than the real floor, so the ratio is pessimistic.  pip install latex2sympy2==1.9.1\n"
              "(the bench extra) for the real figure.\n")
    commands = [
        ("floor", floor_label, [py, "-c", floor_code]),
        ("check", "symbp check derivations", [py, "-m", "symbp.cli", "check", "derivations"]),
        ("sympy", "import sympy", [py, "-c", "import sympy"]),
        ("symbp", "import symbp", [py, "-c", "import symbp"]),
        ("python", "python -c pass", [py, "-c", "pass"]),
    ]

    base = dict(os.environ)
    base["PYTHONPATH"] = str(ROOT) + (os.pathsep + base["PYTHONPATH"] if base.get("PYTHONPATH") else "")
    with tempfile.TemporaryDirectory(prefix="symbp-bench-pycache-") as cache:
        cached = dict(base)
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        cached["PYTHONPYCACHEPREFIX"] = cache
        modes = {"cached": cached, "as is": base}
        res: dict[tuple[str, str], list[float]] = {}
        for _key, _, cmd in commands:  # warm-up: disk cache, bytecode
            for env in modes.values():
                _once(cmd, env)
        # round robin, so that a burst of load on the machine hits every command alike
        for _ in range(args.runs):
            for key, _, cmd in commands:
                for mode, env in modes.items():
                    res.setdefault((key, mode), []).append(_once(cmd, env))

    print(f"{_versions()}; {os.cpu_count()} cores")
    print(f"PYTHONDONTWRITEBYTECODE is {'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'not set'} "
          "in this environment (\"as is\" columns)")
    print(f"wall time of a fresh process, ms, {args.runs} runs after one warm-up\n")
    print("| command | cached min | cached median | as-is min | as-is median |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for key, label, _ in commands:
        c, a = res[key, "cached"], res[key, "as is"]
        print(f"| {label} | {min(c) * 1e3:.0f} | {statistics.median(c) * 1e3:.0f} | "
              f"{min(a) * 1e3:.0f} | {statistics.median(a) * 1e3:.0f} |")

    def ratio(mode: str, f) -> float:  # noqa: ANN001
        return f(res["check", mode]) / f(res["floor", mode])

    r_med, r_min = ratio("cached", statistics.median), ratio("cached", min)
    a_med, a_min = ratio("as is", statistics.median), ratio("as is", min)
    floor_name = "floor" if have_l2s else "SUBSTITUTE floor (import sympy)"
    print(f"\ncheck / {floor_name}: {r_med:.2f}x (medians), {r_min:.2f}x (minima); "
          f"as is: {a_med:.2f}x / {a_min:.2f}x")
    verdict = "within" if r_med <= TARGET else "OVER"
    print(f"target: at most {TARGET}x the floor -> {verdict} target ({r_med:.2f}x by medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
