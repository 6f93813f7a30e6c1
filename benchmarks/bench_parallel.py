"""Many files: ``-j 2`` against ``-j 1`` on a folder of many derivation files.

Copies the files of ``derivations/`` ``--copies`` times into a temporary folder (default 30
copies of 4 files: 120 files, 1,380 links) and times fresh processes (``sys.executable``, the
repository on ``PYTHONPATH``), interleaved round robin, ``--runs`` times each after one warm-up,
median and minimum:

    symbp check DIR -j 1           symbp check DIR -j 2
    symbp check --numeric DIR -j 1 symbp check --numeric DIR -j 2
    symbp prove FILES -j 1         symbp prove FILES -j 2     (the first --prove-files files)
    pytest DIR -n 0                pytest DIR -n 2            (the pytest plugin, pytest-xdist)

and prints the speed-up of each pair (``-j 1`` median / ``-j 2`` median) against the target of
at least **1.8x** on 2 cores.  It checks first that ``-j 2`` prints exactly what ``-j 1``
prints (the check, text and JSON, and the numeric check).  Both cores are shared with whatever
else runs on the machine: the ratios are only as good as the machine is quiet (see the load
average printed with the table).

    PYTHONPATH=. python benchmarks/bench_parallel.py [--copies 30] [--runs 5]

A script, not a test: it prints the table and exits 0 whatever the ratios (1 if the outputs differ).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.8


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
    dt = time.perf_counter() - t0
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {res.returncode}:\n{res.stderr.decode()[-2000:]}")
    return dt, res.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description="-j 2 against -j 1 on a folder of many files")
    ap.add_argument("--copies", type=int, default=30, help="copies of derivations/ (default 30)")
    ap.add_argument("--prove-files", type=int, default=24, help="files given to prove (default 24)")
    ap.add_argument("--runs", type=int, default=5, help="measured runs per command (default 5)")
    args = ap.parse_args()
    py = sys.executable
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cache = tempfile.mkdtemp(prefix="symbp-pyc-")
    env["PYTHONPYCACHEPREFIX"] = cache  # bytecode for every process, as for an installed symbp
    tmp = Path(tempfile.mkdtemp(prefix="symbp-many-"))
    try:
        src = sorted((ROOT / "derivations").glob("*.tex"))
        folder = tmp / "many"
        folder.mkdir()
        for c in range(args.copies):
            for f in src:
                shutil.copy(f, folder / f"c{c:03d}_{f.name}")
        files = sorted(folder.glob("*.tex"))
        proves = tmp / "prove"
        proves.mkdir()
        for f in files[: args.prove_files]:
            shutil.copy(f, proves / f.name)
        symbp = [py, "-m", "symbp.cli"]
        pfiles = [str(p) for p in sorted(proves.glob("*.tex"))]
        pairs = {
            "check": ([*symbp, "check", str(folder), "-j", "1"], [*symbp, "check", str(folder), "-j", "2"]),
            "check --numeric": ([*symbp, "check", "--numeric", str(folder), "-j", "1"],
                                [*symbp, "check", "--numeric", str(folder), "-j", "2"]),
            "prove": ([*symbp, "prove", *pfiles, "-j", "1"], [*symbp, "prove", *pfiles, "-j", "2"]),
            "pytest plugin (xdist)": (
                [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "symbp.pytest_plugin",
                 "-o", "addopts=", str(folder), "-n", "0"],
                [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "symbp.pytest_plugin",
                 "-o", "addopts=", str(folder), "-n", "2"]),
        }
        # the same output, whatever -j
        same = True
        for extra in ([], ["--format", "json"], ["--numeric"]):
            outs = [_run([*symbp, "check", *extra, str(folder), "-j", j], env, ROOT)[1] for j in "12"]
            ok = outs[0] == outs[1]
            same &= ok
            print(f"symbp check {' '.join(extra)} DIR: -j 2 output {'==' if ok else '!='} -j 1 output "
                  f"({len(outs[0])} bytes)")
        times: dict[tuple[str, int], list[float]] = {}
        for cmds in pairs.values():  # warm-up (fills the bytecode cache)
            for c in cmds:
                _run(c, env, ROOT)
        for _ in range(args.runs):
            for name, cmds in pairs.items():
                for k, c in enumerate(cmds):
                    times.setdefault((name, k), []).append(_run(c, env, ROOT)[0])
        print(f"\n{len(files)} files, {args.runs} interleaved runs after a warm-up; "
              f"{os.cpu_count()} cores; load average before the table: "
              f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
        print("| command | -j 1 median s | -j 1 min s | -j 2 median s | -j 2 min s "
              "| speed-up (medians) | (minima) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in pairs:
            a, b = times[(name, 0)], times[(name, 1)]
            ma, mb = statistics.median(a), statistics.median(b)
            print(f"| {name} | {ma:.2f} | {min(a):.2f} | {mb:.2f} | {min(b):.2f} | {ma / mb:.2f}x | "
                  f"{min(a) / min(b):.2f}x |")
        print(f"\ntarget: at least {TARGET}x on 2 cores")
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
