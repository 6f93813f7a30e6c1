"""What the pytest plugin costs: every pytest run in an environment with symbp installed, and a
pytest run over ``derivations/`` against ``symbp check derivations``.

pytest imports every installed ``pytest11`` entry point on every run.  symbp's entry point is the
shim ``_symbp_pytest`` (standard library only), which imports :mod:`symbp.pytest_plugin` — and
with it symbp and NumPy — at the first ``.tex`` file.  This script times fresh processes (wall
clock, after one warm-up, round robin, min and median of ``--runs``), with bytecode cached in a
temporary ``PYTHONPYCACHEPREFIX`` as for an installed package:

* pytest on one trivial test, with ``-p no:symbp`` (the base), with the entry point (the shim),
  and with ``-p no:symbp -p symbp.pytest_plugin`` (what an entry point naming the plugin itself
  would cost);
* ``pytest derivations`` (46 items) against ``symbp check derivations``.

    python benchmarks/bench_plugin.py [--runs 7]

Run it from the repository root with symbp installed (``pip install -e .``: the entry point must
exist).  A script, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def commands(trivial: str) -> list[tuple[str, list[str], str]]:
    """(name, argv, cwd); the trivial runs happen in a folder with one test and no .tex file."""
    here = os.path.dirname(trivial)
    return [
        ("pytest, one trivial test, -p no:symbp", PYTEST + ["-p", "no:symbp", trivial], here),
        ("pytest, one trivial test (the shim loaded)", PYTEST + [trivial], here),
        ("pytest, one trivial test, the plugin itself",
         PYTEST + ["-p", "no:symbp", "-p", "symbp.pytest_plugin", trivial], here),
        ("pytest derivations (46 items)", PYTEST + ["-o", "addopts=", "derivations"], ROOT),
        ("symbp check derivations", [sys.executable, "-m", "symbp.cli", "check", "-q", "derivations"], ROOT),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        trivial = os.path.join(folder, "test_trivial.py")
        with open(trivial, "w", encoding="utf-8") as f:
            f.write("def test_trivial():\n    pass\n")
        cmds = commands(trivial)
        times: dict[str, list[float]] = {name: [] for name, _, _ in cmds}
        for run in range(args.runs + 1):
            for name, cmd, cwd in cmds:
                t = time.perf_counter()
                proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                                      stdin=subprocess.DEVNULL)
                elapsed = (time.perf_counter() - t) * 1000
                if proc.returncode != 0:
                    print(f"{name}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
                    return 0
                if run:  # the first round is the warm-up
                    times[name].append(elapsed)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; wall time of a fresh process, ms, "
          f"{args.runs} runs after one warm-up, bytecode cached\n")
    print("| command | min | median |\n| --- | ---: | ---: |")
    for name, _, _ in cmds:
        print(f"| {name} | {min(times[name]):.0f} | {statistics.median(times[name]):.0f} |")
    base, shim, full = (statistics.median(times[name]) for name, _, _ in cmds[:3])
    print(f"\nadded to a pytest run that meets no .tex file (medians): the shim {shim - base:+.0f} ms; "
          f"the plugin imported directly {full - base:+.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
