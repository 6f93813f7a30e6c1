"""Many files: ``-j 2`` against ``-j 1`` on a folder of many derivation files.

Copies the files of ``derivations/`` ``--copies`` times into a temporary folder (default 4
copies of its files) and times fresh processes (``sys.executable``, the
repository on ``PYTHONPATH``), interleaved round robin, ``--runs`` times each (default 3), after a
warm-up of the start-up commands (which fill the bytecode cache), median and minimum:

    symbp check DIR -j 1           symbp check DIR -j 2
    symbp check --numeric DIR -j 1 symbp check --numeric DIR -j 2
    symbp prove FILES -j 1         symbp prove FILES -j 2     (the first --prove-files files)
    pytest DIR -n 0                pytest DIR -n 2            (the pytest plugin, pytest-xdist)

and, as additional rows (``--large``, default 4; ``--large 0``: none), the same commands on more
work: ``check`` and the plugin on a folder of ``--large`` times as many copies, ``prove`` of every
file of the folder (a folder too small for the target, whatever the pool does, is then shown
beside one that is not: its ceiling column says which); and prints the speed-up of each pair
(``-j 1`` median / ``-j 2`` median) against the target of at least **1.8x** on 2 cores.
Start-up is included in those (it is part of what a user waits for) and also measured on its
own (``symbp check`` of one small file, ``pytest`` of one trivial test), so the table gives the speed-up
of the work after start-up too, ``(T1 - S) / (T2 - S)``.
The order within a pair alternates from round to round (``-j 1`` first, then ``-j 2`` first),
so neither always runs on the caches the other warmed.  Each run's CPU time (user + system of the
process and its workers, ``RUSAGE_CHILDREN``) is recorded: ``cpu -j 2 / cpu -j 1`` is the work
the pool adds (pickling, forking, each worker's own caches), which a loaded machine does not
hide; ``cpu -j 1 / wall -j 2`` is the speed-up the run would have had if the two cores were free
for it and the work split evenly.  The *ceiling* is what two free cores could give at best with
the start-up ``S`` serial (Amdahl): ``T1 / (S + (T1 - S) / 2)``, and for the plugin under
pytest-xdist ``T1 / (2 S + (T1 - S) / 2)``, with ``T1`` and ``S`` the CPU times of ``-j 1`` and of
the start-up (what they take on a free core, whatever the load; under xdist the controller starts
pytest, then each worker starts it again before it collects); a ceiling under the target says
the folder is too small for it, whatever the pool does (at least 8/9 of ``T1`` must be work
that splits for 1.8x).  It checks that ``-j 2`` prints exactly what ``-j 1`` prints
(the check, text and JSON, and the numeric check: the text and numeric outputs of the first
round's timed runs).  Both cores are shared with whatever
else runs on the machine: the ratios are only as good as the machine is quiet (see the load
average printed with the table).

Bounded in time: the rounds stop once ``--budget`` seconds (default 110) would be exceeded by one
more round (at least one round runs; the table says how many did), so the default run takes
about two minutes on a quiet 2-core machine, whatever the size of ``derivations/``.  The one
command to re-measure on a quiet machine:

    PYTHONPATH=. python benchmarks/bench_parallel.py [--copies 4] [--runs 3] [--budget 110]
        [--only check pytest] [--large 4]

(with the additional rows one round takes about 2 minutes on a quiet machine: the budget then
allows one round; ``--budget 400`` for three).

A script, not a test: it prints the table and exits 0 whatever the ratios (1 if the outputs differ).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.8


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, bytes, float]:
    """Wall time, standard output and CPU time (the process and the workers it waited for)."""
    c0 = _cpu()
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
    dt = time.perf_counter() - t0
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {res.returncode}:\n{res.stderr.decode()[-2000:]}")
    return dt, res.stdout, _cpu() - c0


def main() -> int:
    ap = argparse.ArgumentParser(description="-j 2 against -j 1 on a folder of many files")
    ap.add_argument("--copies", type=int, default=4, help="copies of derivations/ (default 4)")
    ap.add_argument("--prove-files", type=int, default=12, help="files given to prove (default 12)")
    ap.add_argument("--large", type=int, default=4,
                    help="the additional rows on a larger folder: check and the plugin on this many "
                         "times --copies copies, prove of every file of the folder (default 4; 0: none)")
    ap.add_argument("--runs", type=int, default=3, help="measured runs per command, at most (default 3)")
    ap.add_argument("--budget", type=float, default=110.0,
                    help="seconds: no further round once one more would exceed it (default 110)")
    ap.add_argument("--only", nargs="+", choices=["check", "numeric", "prove", "pytest"], default=None,
                    help="measure only these pairs (default: all four)")
    args = ap.parse_args()
    start = time.perf_counter()
    py = sys.executable
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cache = tempfile.mkdtemp(prefix="symbp-pyc-")
    env["PYTHONPYCACHEPREFIX"] = cache  # bytecode for every process, as for an installed symbp
    # ... which the prefix holds only if Python may write it: with PYTHONDONTWRITEBYTECODE set (as
    # in some shells and CI images) every process compiled sympy, numpy and pytest from source
    # again (about 3 s of CPU for `prove` of one small file, and again in each xdist worker)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
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
        large = tmp / "large"  # the folder of the additional rows: --large times as many copies
        if args.large:
            large.mkdir()
            for c in range(args.copies * args.large):
                for f in src:
                    shutil.copy(f, large / f"c{c:03d}_{f.name}")
        n_large = len(list(large.glob("*.tex"))) if args.large else 0
        symbp = [py, "-m", "symbp.cli"]
        pfiles = [str(p) for p in sorted(proves.glob("*.tex"))]
        allfiles = [str(p) for p in files]
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
        keys = {"check": "check", "numeric": "check --numeric", "prove": "prove",
                "pytest": "pytest plugin (xdist)"}
        if args.only:
            pairs = {keys[k]: pairs[keys[k]] for k in args.only}
        # the additional rows: the same commands on more work (the start-up is the same command's)
        base_of: dict[str, str] = {name: name for name in pairs}
        if args.large:
            extra = {
                f"check, {n_large} files": ("check", [*symbp, "check", str(large), "-j", "1"],
                                            [*symbp, "check", str(large), "-j", "2"]),
                f"prove, {len(allfiles)} files": ("prove", [*symbp, "prove", *allfiles, "-j", "1"],
                                                 [*symbp, "prove", *allfiles, "-j", "2"]),
                f"pytest plugin (xdist), {n_large} files": (
                    "pytest plugin (xdist)",
                    [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "symbp.pytest_plugin",
                     "-o", "addopts=", str(large), "-n", "0"],
                    [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "symbp.pytest_plugin",
                     "-o", "addopts=", str(large), "-n", "2"]),
            }
            for name, (base, one_job, two_jobs) in extra.items():
                if base in pairs:
                    pairs[name] = (one_job, two_jobs)
                    base_of[name] = base
        # the same output, whatever -j: the text and the numeric check are compared on the first
        # round's timed runs, the JSON here (one pair, not timed)
        outs = [_run([*symbp, "check", "--format", "json", str(folder), "-j", j], env, ROOT)[1] for j in "12"]
        same = outs[0] == outs[1]
        print(f"symbp check --format json DIR: -j 2 output {'==' if same else '!='} -j 1 output "
              f"({len(outs[0])} bytes)")
        one = folder / files[0].name
        trivial = tmp / "test_trivial.py"
        trivial.write_text("def test_nothing():\n    pass\n")
        starts = {  # start-up: the same command on (almost) nothing
            "check": [*symbp, "check", str(one), "-j", "1"],
            "check --numeric": [*symbp, "check", "--numeric", str(one), "-j", "1"],
            "prove": [*symbp, "prove", pfiles[0], "-j", "1"],
            "pytest plugin (xdist)": [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                                      "symbp.pytest_plugin", "-o", "addopts=", str(trivial), "-n", "0"],
        }
        times: dict[tuple[str, int], list[float]] = {}
        cpus: dict[tuple[str, int], list[float]] = {}
        starts.update({name: starts[base] for name, base in base_of.items()})
        for name in base_of.values():  # warm-up: the start-up commands import what the pairs import
            _run(starts[name], env, ROOT)
        load0 = os.getloadavg()
        rounds = 0
        for r in range(args.runs):
            t_round = time.perf_counter()
            rounds += 1
            for name, cmds in pairs.items():
                order = [0, 1, 2] if r % 2 == 0 else [1, 0, 2]
                got = {}
                for k in order:
                    wall, got[k], cpu = _run(cmds[k] if k < 2 else starts[name], env, ROOT)
                    times.setdefault((name, k), []).append(wall)
                    cpus.setdefault((name, k), []).append(cpu)
                if r == 0 and base_of[name] in ("check", "check --numeric"):
                    ok = got[0] == got[1]
                    same &= ok
                    print(f"symbp {name} DIR: -j 2 output {'==' if ok else '!='} -j 1 output "
                          f"({len(got[0])} bytes)")
            now = time.perf_counter()
            if now + (now - t_round) - start > args.budget:
                break
        load1 = os.getloadavg()
        print(f"\n{len(files)} files, {rounds} interleaved runs after a warm-up (the order within a pair "
              f"alternating; {time.perf_counter() - start:.0f} s in all, budget {args.budget:.0f} s); "
              f"{os.cpu_count()} cores; load average before: "
              f"{', '.join(f'{x:.2f}' for x in load0)}, after: {', '.join(f'{x:.2f}' for x in load1)}\n")
        print("| command | -j 1 median s | -j 1 min s | -j 2 median s | -j 2 min s | start-up s "
              "| speed-up (medians) | (minima) | after start-up (medians) | cpu -j 1 s | cpu -j 2 s "
              "| cpu -j 2 / cpu -j 1 | cpu -j 1 / wall -j 2 | ceiling (start-up serial) |")
        print("| --- |" + " ---: |" * 13)
        for name in pairs:
            a, b, st = times[(name, 0)], times[(name, 1)], times[(name, 2)]
            ma, mb, ms = statistics.median(a), statistics.median(b), statistics.median(st)
            ca, cb = statistics.median(cpus[(name, 0)]), statistics.median(cpus[(name, 1)])
            work = (ma - ms) / (mb - ms) if mb > ms else float("nan")
            # from CPU times (a single process's CPU is its wall time on a free core; a loaded
            # machine stretches wall times, not these)
            cs = statistics.median(cpus[(name, 2)])
            serial = 2 * cs if base_of[name] == "pytest plugin (xdist)" else cs
            ceiling = ca / (serial + max(0.0, ca - cs) / 2)
            print(f"| {name} | {ma:.2f} | {min(a):.2f} | {mb:.2f} | {min(b):.2f} | {ms:.2f} | "
                  f"{ma / mb:.2f}x | {min(a) / min(b):.2f}x | {work:.2f}x | {ca:.2f} | {cb:.2f} | "
                  f"{cb / ca:.2f}x | {ca / mb:.2f}x | {ceiling:.2f}x |")
        print(f"\ntarget: at least {TARGET}x on 2 cores")
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
