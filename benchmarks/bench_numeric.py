"""The lambdified gradients of the seed's ① and ② at realistic sizes, against a hand-written
NumPy reference of the same maths and against PyTorch autograd.

Shared network (symbp's built-in ``shared``): I input units and J hidden units at L positions,
K outputs, a batch of N (default 64, 64, 1024, 10, 32).  Measured, in one run:

* ① ``\\frac{\\partial E}{\\partial w_{ji}} = \\sum_l \\delta_{j_l} z_{i_l}`` summed over the batch:
  ``symbp.engine.numeric.lambdify(..., batch="sum")`` vs ``np.tensordot(delta, z, axes=([0, 2], [0, 2]))``
  vs ``torch.autograd.grad`` of ``Conv1d(I, J, kernel_size=1)`` with respect to its weight, given
  ``δ`` at its output;
* ② ``\\delta_{j_l} = h'(a_{j_l}) \\sum_k w_{kj_l} \\delta_k`` per example (h = tanh):
  ``lambdify(..., batch="keep")`` vs ``(1 - tanh(a)**2) * (delta_k @ W.reshape(K, -1)).reshape(N, J, L)``
  vs ``torch.autograd.grad`` of ``Linear(J L, K)(tanh(a))`` with respect to ``a``, given ``δ_k``.

Times are wall-clock per call (median and minimum of ``--runs`` calls, the three contenders
interleaved round by round in a shuffled order, after a warm-up call); memory is the peak of Python-visible
allocations during one call (``tracemalloc``, which sees NumPy's buffers but not PyTorch's:
those are reported as n/a).  The target is at most 1.5x the hand-written NumPy time.

    PYTHONPATH=. python benchmarks/bench_numeric.py [--runs 15] [--sizes 64 64 1024 10 32]

A script, not a test: it exits 1 only if the three disagree numerically.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np


def timed(fn: Callable[[], object], runs: list[float]) -> object:
    t0 = time.perf_counter()
    out = fn()
    runs.append(time.perf_counter() - t0)
    return out


def peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--sizes", type=int, nargs=5, default=[64, 64, 1024, 10, 32],
                    metavar=("I", "J", "L", "K", "N"))
    args = ap.parse_args()
    I, J, L, K, N = args.sizes

    import symbp
    from symbp.engine.numeric import lambdify

    try:
        import torch
        torch.set_num_threads(max(1, torch.get_num_threads()))
    except ImportError:
        torch = None
    print(f"symbp {symbp.__version__}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}; "
          f"I={I}, J={J}, L={L}, K={K}, batch N={N}; float64; {args.runs} runs per contender")

    net = symbp.builtin("shared")
    eq1 = r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}"
    eq2 = r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{kj_l} \delta_k"
    for eq in (eq1, eq2):
        r, = symbp.check_equation(eq, net)
        assert r.verdict == symbp.VERIFIED, r.message
    sizes = {"I": I, "J": J, "K": K, "L": L}
    t0 = time.perf_counter()
    g1 = lambdify(net, eq1.split(" = ")[1], "ji", batch="sum", sizes=sizes, batch_size=N)
    g2 = lambdify(net, eq2.split(" = ")[1], batch="keep", sizes=sizes, batch_size=N)
    t_lambdify = time.perf_counter() - t0
    print(f"lambdify both, contraction paths included: {t_lambdify * 1000:.1f} ms")

    rng = np.random.default_rng(0)
    delta_jl = rng.normal(size=(N, J, L))
    z_il = np.tanh(rng.normal(size=(N, I, L)))
    a_jl = rng.normal(size=(N, J, L))
    w_kjl = rng.normal(scale=0.1, size=(K, J, L))
    delta_k = rng.normal(size=(N, K))

    contenders: dict[str, dict[str, Callable[[], object]]] = {
        "① dE/dw_ji": {
            "symbp lambdify": lambda: g1(delta_jl=delta_jl, z_il=z_il),
            "hand NumPy": lambda: np.tensordot(delta_jl, z_il, axes=([0, 2], [0, 2])),
        },
        "② delta_j_l": {
            "symbp lambdify": lambda: g2(a_jl=a_jl, w_kjl=w_kjl, delta_k=delta_k),
            "hand NumPy": lambda: ((1 - np.tanh(a_jl) ** 2)
                                   * (delta_k @ w_kjl.reshape(K, -1)).reshape(N, J, L)),
        },
    }
    if torch is not None:
        conv = torch.nn.Conv1d(I, J, kernel_size=1, bias=False, dtype=torch.float64)
        z_t = torch.from_numpy(z_il)
        out1 = conv(z_t)
        d_t = torch.from_numpy(delta_jl)
        contenders["① dE/dw_ji"]["torch autograd"] = lambda: torch.autograd.grad(
            out1, conv.weight, d_t, retain_graph=True)[0][:, :, 0]
        lin = torch.nn.Linear(J * L, K, bias=False, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w_kjl.reshape(K, J * L)))
        a_t = torch.from_numpy(a_jl).requires_grad_(True)
        out2 = lin(torch.tanh(a_t).reshape(N, J * L))
        dk_t = torch.from_numpy(delta_k)
        contenders["② delta_j_l"]["torch autograd"] = lambda: torch.autograd.grad(
            out2, a_t, dk_t, retain_graph=True)[0]

    failed = False
    rows = []
    for name, fns in contenders.items():
        values = {k: np.asarray(f() if not hasattr(f(), "numpy") else f().numpy()) for k, f in fns.items()}
        ref = values["hand NumPy"]
        for k, v in values.items():
            if not np.allclose(v, ref, rtol=1e-9, atol=1e-9):
                print(f"{name}: {k} disagrees with the hand-written NumPy reference")
                failed = True
        runs: dict[str, list[float]] = {k: [] for k in fns}
        order = list(fns)
        shuffle = np.random.default_rng(1)
        for _ in range(args.runs):
            for k in shuffle.permutation(order):  # no contender always runs first (cold caches)
                timed(fns[k], runs[k])
        hand_med = statistics.median(runs["hand NumPy"])
        hand_min = min(runs["hand NumPy"])
        for k in fns:
            mem = peak(fns[k]) if k != "torch autograd" else None
            rows.append((name, k, statistics.median(runs[k]), min(runs[k]),
                         statistics.median(runs[k]) / hand_med, min(runs[k]) / hand_min, mem))
    print()
    print("| gradient | implementation | median ms | min ms | / hand NumPy (medians) | (minima) | peak MiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, k, med, mn, rmed, rmin, mem in rows:
        m = f"{mem / 2**20:.1f}" if mem is not None else "n/a"
        print(f"| {name} | {k} | {med * 1000:.2f} | {mn * 1000:.2f} | {rmed:.2f}x | {rmin:.2f}x | {m} |")
    print()
    for name in contenders:
        r = next(x for x in rows if x[0] == name and x[1] == "symbp lambdify")
        verdict = "within" if r[4] <= 1.5 else "OVER"
        print(f"{name}: lambdify / hand NumPy = {r[4]:.2f}x (medians), {r[5]:.2f}x (minima): "
              f"{verdict} the 1.5x target")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
