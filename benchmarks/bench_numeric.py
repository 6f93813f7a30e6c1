"""The lambdified gradients of the seed's ① and ② against a hand-written NumPy reference of the
same maths, PyTorch autograd, and the machine's own bounds: every ratio of issue 17 in one run.

Shared network (symbp's built-in ``shared``): I input units and J hidden units at L positions,
K outputs, a batch of N.  Three settings (``--sizes`` replaces the first):

* **bench** 64, 64, 1024, 10, 32: ①, ② and ② from saved activations;
* **large** 256, 256, 4096, 10, 64: ① only (``--no-large`` skips it: two 512 MiB inputs);
* **small** 8, 8, 16, 3, 4: ① and ②, where the cost of a call is its overhead.

The contenders:

* ① ``\\frac{\\partial E}{\\partial w_{ji}} = \\sum_l \\delta_{j_l} z_{i_l}`` summed over the batch:
  ``symbp.engine.numeric.lambdify(..., batch="sum")`` vs ``np.tensordot(delta, z, axes=([0, 2], [0, 2]))``
  vs ``torch.autograd.grad`` of ``Conv1d(I, J, kernel_size=1)`` with respect to its weight, given
  ``δ`` at its output;
* ② ``\\delta_{j_l} = h'(a_{j_l}) \\sum_k w_{kj_l} \\delta_k`` per example (h = tanh):
  ``lambdify(..., batch="keep")`` given ``a`` (it evaluates ``tanh`` again), and given the saved
  activations ``h_a_jl = tanh(a)`` of the forward pass (it does not), vs
  ``(1 - tanh(a)**2) * (delta_k @ W.reshape(K, -1)).reshape(N, J, L)`` vs ``torch.autograd.grad``
  of ``Linear(J L, K)(tanh(a))`` with respect to ``a``, given ``δ_k``.

The bounds, measured in the same run: the **FLOP bound** of ① is its ``2 N J I L`` operations at
the rate of a square 1024 x 1024 x 1024 GEMM (NumPy's BLAS, its default threads); the **tanh
bound** of ② is one ``np.tanh`` pass over ``a`` into a preallocated array (what the forward pass
already paid).

Times are wall-clock per call (median and minimum of ``--runs`` calls, the contenders
interleaved round by round in a shuffled order, after a warm-up call); memory is the peak of
Python-visible allocations during one call (``tracemalloc``, which sees NumPy's buffers but not
PyTorch's: n/a).  Targets: ① at most 1.2x torch, 2x its FLOP bound, 2x hand NumPy's peak memory
(bench and large); ② from saved activations at most 1.5x the tanh bound; at small sizes at most
1.5x hand NumPy.

    PYTHONPATH=. python benchmarks/bench_numeric.py [--runs 15] [--sizes 64 64 1024 10 32] [--no-large]
        [--threads 1]

Every contender runs on ``--threads`` threads (NumPy's BLAS and PyTorch; default 1, as the
issue's figures: on a shared machine a multi-threaded BLAS spins against the other jobs).

A script, not a test: it exits 1 only if the contenders disagree numerically.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable


def _threads() -> int:
    """``--threads N`` (default 1), read before NumPy loads its BLAS: every contender, NumPy's
    BLAS and PyTorch, runs on N threads (one by default: on a shared machine a multi-threaded BLAS
    spins against the other jobs, and a skinny GEMM became 8x slower with 2 threads than with 1)."""
    n = 1
    for k, a in enumerate(sys.argv):
        if a == "--threads" and k + 1 < len(sys.argv):
            n = int(sys.argv[k + 1])
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    return n


THREADS = _threads()

import numpy as np  # noqa: E402  (after the thread count is set)


def peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def race(fns: dict[str, Callable[[], object]], runs: int, seed: int = 1) -> dict[str, list[float]]:
    """Each contender ``runs`` times, interleaved in a shuffled order round by round: wall time per
    call (returned), and the same calls' CPU time (``time.process_time``) and minor page faults
    (``ru_minflt``: the kernel mapping fresh memory) in :data:`_CPU` and :data:`_FAULTS`, call by
    call in the same rounds, so that the ratios of two contenders can be taken round by round."""
    out: dict[str, list[float]] = {k: [] for k in fns}
    _CPU.clear()
    _FAULTS.clear()
    for f in fns.values():
        f()  # warm-up
    shuffle = np.random.default_rng(seed)
    for _ in range(runs):
        for k in shuffle.permutation(list(fns)):
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            c0 = time.process_time()
            t0 = time.perf_counter()
            fns[k]()
            t1 = time.perf_counter()
            c1 = time.process_time()
            out[k].append(t1 - t0)
            _CPU.setdefault(k, []).append(c1 - c0)
            _FAULTS.setdefault(k, []).append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
    return out


#: the CPU time and the minor page faults of each call of the last :func:`race`, round by round
_CPU: dict[str, list[float]] = {}
_FAULTS: dict[str, list[int]] = {}


def paired(a: str, b: str, clock: dict[str, list[float]]) -> float:
    """The median over the rounds of ``a``'s time / ``b``'s time in the same round (the two
    calls a few milliseconds apart: a change of the machine's load between rounds cancels)."""
    return statistics.median(x / y for x, y in zip(clock[a], clock[b]))


def _np(x: object) -> np.ndarray:
    return np.asarray(x.detach().numpy() if hasattr(x, "detach") else x)


def setting(name: str, sizes: tuple[int, int, int, int, int], runs: int, torch: object,
            which: tuple[str, ...], rows: list, ratios: list, failed: list) -> None:
    import symbp
    from symbp.engine.numeric import lambdify

    I, J, L, K, N = sizes
    net = symbp.builtin("shared")
    eq1 = r"\sum_l \delta_{j_l} z_{i_l}"
    eq2 = r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k"
    rs = {"I": I, "J": J, "K": K, "L": L}
    g1 = lambdify(net, eq1, "ji", batch="sum", sizes=rs, batch_size=N)
    g2 = lambdify(net, eq2, batch="keep", sizes=rs, batch_size=N)
    rng = np.random.default_rng(0)
    tag = f"{name} ({I}/{J}/{L}/{K}/N={N})"
    if "1" in which:
        delta_jl = rng.normal(size=(N, J, L))
        z_il = np.tanh(rng.normal(size=(N, I, L)))
        fns: dict[str, Callable[[], object]] = {
            "symbp lambdify": lambda: g1(delta_jl=delta_jl, z_il=z_il),
            "hand NumPy": lambda: np.tensordot(delta_jl, z_il, axes=([0, 2], [0, 2])),
        }
        if torch is not None:
            conv = torch.nn.Conv1d(I, J, kernel_size=1, bias=False, dtype=torch.float64)
            out1 = conv(torch.from_numpy(z_il))
            d_t = torch.from_numpy(delta_jl)
            fns["torch autograd"] = lambda: torch.autograd.grad(out1, conv.weight, d_t,
                                                                retain_graph=True)[0][:, :, 0]
        # the FLOP bound: the machine's GEMM rate, from a square 1024 x 1024 x 1024 product (not
        # at the small sizes, where it would only evict the caches between the microsecond calls)
        sq = rng.normal(size=(1024, 1024))
        if name != "small":
            fns["GEMM 1024^3 (rate)"] = lambda: sq @ sq
        _race(tag, "① dE/dw_ji", fns, runs, rows, failed, skip_check=("GEMM 1024^3 (rate)",))
        t = {k: statistics.median(v) for k, v in _LAST.items()}
        flops = 2 * N * J * I * L
        if name != "small":
            rate = 2 * 1024**3 / t["GEMM 1024^3 (rate)"]
            t["GEMM (FLOP bound)"] = flops / rate
        if torch is not None:
            ratios.append((tag, "① lambdify / torch autograd",
                           t["symbp lambdify"] / t["torch autograd"], 1.2))
        if name != "small":
            ratios.append((tag, f"① lambdify / FLOP bound ({flops / 1e6:.0f} MFLOP at "
                           f"{rate / 1e9:.1f} GFLOP/s: {1e3 * t['GEMM (FLOP bound)']:.2f} ms)",
                           t["symbp lambdify"] / t["GEMM (FLOP bound)"], 2.0))
        mem = {k: m for r in rows if r[0] == tag and r[1] == "① dE/dw_ji" for k, m in [(r[2], r[-1])]}
        if mem.get("hand NumPy"):
            ratios.append((tag, "① peak memory lambdify / hand NumPy",
                           mem["symbp lambdify"] / mem["hand NumPy"], 2.0))
        if name == "small":
            ratios.append((tag, "① lambdify / hand NumPy", t["symbp lambdify"] / t["hand NumPy"], 1.5))
        del sq, delta_jl, z_il
    if "2" in which:
        a_jl = rng.normal(size=(N, J, L))
        w_kjl = rng.normal(scale=0.1, size=(K, J, L))
        delta_k = rng.normal(size=(N, K))
        saved = np.tanh(a_jl)
        buf = np.empty_like(a_jl)
        fns = {
            "symbp lambdify": lambda: g2(a_jl=a_jl, w_kjl=w_kjl, delta_k=delta_k),
            "symbp lambdify, saved activations": lambda: g2(h_a_jl=saved, w_kjl=w_kjl, delta_k=delta_k),
            "hand NumPy": lambda: ((1 - np.tanh(a_jl) ** 2)
                                   * (delta_k @ w_kjl.reshape(K, -1)).reshape(N, J, L)),
        }
        if torch is not None:
            lin = torch.nn.Linear(J * L, K, bias=False, dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(w_kjl.reshape(K, J * L)))
            a_t = torch.from_numpy(a_jl).requires_grad_(True)
            out2 = lin(torch.tanh(a_t).reshape(N, J * L))
            dk_t = torch.from_numpy(delta_k)
            fns["torch autograd"] = lambda: torch.autograd.grad(out2, a_t, dk_t, retain_graph=True)[0]
        fns["tanh (bound)"] = lambda: np.tanh(a_jl, out=buf)
        # the same pass, its result a fresh array as ②'s is (the kernel maps that memory at its
        # first touch: about 500 minor page faults for 16 MiB, a cost of every fresh result)
        fns["tanh (bound, fresh result)"] = lambda: np.tanh(a_jl)
        _race(tag, "② delta_j_l", fns, runs, rows, failed,
              skip_check=("tanh (bound)", "tanh (bound, fresh result)"))
        t = {k: statistics.median(v) for k, v in _LAST.items()}
        if name != "small":
            saved_k, bound = "symbp lambdify, saved activations", "tanh (bound)"
            ratios.append((tag, "② lambdify, saved activations / tanh bound",
                           t[saved_k] / t[bound], 1.5))
            ratios.append((tag, "② lambdify (tanh again) / tanh bound",
                           t["symbp lambdify"] / t[bound], None))
            # the same ratio measured so that the load cancels: CPU time, round by round
            for clock, what in ((_LAST, "wall"), (_CPU, "CPU")):
                ratios.append((tag, f"② saved activations / tanh bound, {what} time, median of the "
                               "per-round ratios", paired(saved_k, bound, clock), 1.5))
                ratios.append((tag, f"② saved activations / tanh bound with a fresh result, {what} "
                               "time, median of the per-round ratios",
                               paired(saved_k, "tanh (bound, fresh result)", clock), None))
            FAULTS.extend((tag, k, statistics.median(v), statistics.median(_CPU[k]))
                          for k, v in _FAULTS.items())
        else:
            ratios.append((tag, "② lambdify / hand NumPy", t["symbp lambdify"] / t["hand NumPy"], 1.5))
            ratios.append((tag, "② lambdify, saved activations / hand NumPy",
                           t["symbp lambdify, saved activations"] / t["hand NumPy"], 1.5))


#: (setting, contender, median minor page faults per call, median CPU s per call) of ②
FAULTS: list = []
_LAST: dict[str, list[float]] = {}


def _race(tag: str, grad: str, fns: dict[str, Callable[[], object]], runs: int, rows: list, failed: list,
          skip_check: tuple[str, ...] = ()) -> None:
    values = {k: _np(f()) for k, f in fns.items() if k not in skip_check}
    ref = values["hand NumPy"]
    for k, v in values.items():
        if not np.allclose(v, ref, rtol=1e-9, atol=1e-9):
            print(f"{tag} {grad}: {k} disagrees with the hand-written NumPy reference")
            failed.append(k)
    times = race(fns, runs)
    _LAST.clear()
    _LAST.update(times)
    hand_med = statistics.median(times["hand NumPy"])
    for k in fns:
        mem = peak(fns[k]) if k != "torch autograd" else None
        med = statistics.median(times[k])
        rows.append((tag, grad, k, med, min(times[k]), med / hand_med, mem))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="calls per contender at the bench sizes")
    ap.add_argument("--sizes", type=int, nargs=5, default=[64, 64, 1024, 10, 32],
                    metavar=("I", "J", "L", "K", "N"))
    ap.add_argument("--no-large", action="store_true", help="skip the 256/256/4096/64 setting")
    ap.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default 1)")
    args = ap.parse_args()

    import symbp
    try:
        import torch
        torch.set_num_threads(THREADS)
    except ImportError:
        torch = None
    print(f"symbp {symbp.__version__}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}"
          f"{f' ({torch.get_num_threads()} threads)' if torch else ''}; float64")
    for eq in (r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}",
               r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{kj_l} \delta_k"):
        r, = symbp.check_equation(eq, "shared")
        assert r.verdict == symbp.VERIFIED, r.message
    rows: list = []
    ratios: list = []
    failed: list = []
    setting("bench", tuple(args.sizes), args.runs, torch, ("1", "2"), rows, ratios, failed)
    if not args.no_large:
        setting("large", (256, 256, 4096, 10, 64), max(3, args.runs // 5), torch, ("1",),
                rows, ratios, failed)
    setting("small", (8, 8, 16, 3, 4), max(200, 20 * args.runs), torch, ("1", "2"), rows, ratios, failed)
    print()
    print("| sizes | gradient | implementation | median ms | min ms | / hand NumPy (medians) | peak MiB |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    for tag, grad, k, med, mn, rel, mem in rows:
        m = f"{mem / 2**20:.2f}" if mem is not None else "n/a"
        print(f"| {tag} | {grad} | {k} | {med * 1000:.3f} | {mn * 1000:.3f} | {rel:.2f}x | {m} |")
    print()
    print("| sizes | ② contender | median CPU ms | median minor page faults per call |")
    print("| --- | --- | ---: | ---: |")
    for tag, k, faults, cpu in FAULTS:
        print(f"| {tag} | {k} | {cpu * 1000:.3f} | {faults:.0f} |")
    print()
    print("| sizes | ratio (medians) | value | target | |")
    print("| --- | --- | ---: | ---: | --- |")
    for tag, what, value, target in ratios:
        verdict = "" if target is None else ("within" if value <= target else "OVER")
        tgt = "-" if target is None else f"≤ {target}x"
        print(f"| {tag} | {what} | {value:.2f}x | {tgt} | {verdict} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
