"""Deep stacks and skip paths (issue 13, "Growth"): refutations layer by layer, the same verdicts.

A deep network's sides are compared by value one layer down (``calculus.compare``'s probe, exact
formal values with every hidden δ evaluated from its definition) before the δ are expanded; a
long term is contracted pairwise with letters local to each step.  These tests hold the faster
path to the old one's verdicts, the layered values to the expanded ones', and the deep cases
to their verdicts.  The stacks are those of ``benchmarks/bench_depth_stack.py``.
"""

from __future__ import annotations

import importlib.util
import random
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbp.checker.diagnosis import exact_text
from symbp.checker.files import check_derivation_equation
from symbp.checker.pipeline import check_chain
from symbp.document import load
from symbp.engine import calculus, numeric
from symbp.errors import SymbpError
from symbp.latex.parser import parse_chain
from symbp.latex.unparse import unparse
from symbp.soundness.mutation import flatten, mutants

_spec = importlib.util.spec_from_file_location(
    "bench_depth_stack", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_depth_stack.py")
assert _spec is not None and _spec.loader is not None
stack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stack)


def _deriv(tmp_path: Path, depth: int, skip: bool):  # noqa: ANN202
    return load(stack.write_file(tmp_path, depth, skip))


@pytest.mark.parametrize("depth, skip", [(8, False), (24, False), (128, False), (8, True), (40, True),
                                         (128, True)])
def test_every_equation_of_a_deep_stack_gets_its_verdict(tmp_path: Path, depth: int, skip: bool) -> None:
    deriv = _deriv(tmp_path, depth, skip)
    names = list(stack.equations(depth, skip))
    for name, eq in zip(names, deriv.equations):
        if name.startswith("unrolled") and depth > 24:  # reading it costs about depth^2: see the benchmark
            continue
        (r,) = check_derivation_equation(deriv, eq)
        assert r.as_expected, (name, r.verdict, r.message[:300])
        if r.verdict == "refuted":
            assert r.counterexample is not None


def test_a_forgotten_skip_path_is_named(tmp_path: Path) -> None:
    deriv = _deriv(tmp_path, 32, True)
    eq = deriv.equations[list(stack.equations(32, True)).index("forgot skip")]
    (r,) = check_derivation_equation(deriv, eq)
    assert r.verdict == "refuted"
    assert "on the left only" in r.message and "v^{(3)}" in r.message, r.message


@pytest.mark.parametrize("depth, skip", [(6, False), (7, True)])
def test_the_probe_gives_the_old_paths_verdicts(tmp_path: Path, depth: int, skip: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Every mutant of the true δ rule of a deep stack: the same verdict with the probe as
    without it (PROBE_HEIGHT raised: every δ expanded, as before the probe)."""
    deriv = _deriv(tmp_path, depth, skip)
    net = deriv.network
    chain = deriv.equations[0].chain
    assert calculus.is_deep(net)
    texts = []
    for _, a, b in mutants(net, chain.sides[0], chain.sides[1]):
        text = f"{unparse(flatten(a))} = {unparse(flatten(b))}"
        if text not in texts:
            texts.append(text)
    random.Random(0).shuffle(texts)
    texts = texts[:30]

    def verdicts() -> list[str]:
        out = []
        for text in texts:
            try:
                out.append(check_chain(net, parse_chain(text, net.functions))[0].verdict)
            except SymbpError:
                out.append("unreadable")
        return out

    fast = verdicts()
    assert "refuted" in fast
    monkeypatch.setattr(calculus, "PROBE_HEIGHT", 10**6)
    net.cache.clear()
    assert verdicts() == fast


@pytest.mark.parametrize("depth, skip", [(6, False), (6, True), (9, True)])
def test_layered_values_are_the_expanded_ones(tmp_path: Path, depth: int, skip: bool) -> None:
    net = _deriv(tmp_path, depth, skip).network
    sizes = numeric.small_plans(net)[0]
    hidden = [f.id for f in net.families if net.has_delta(f.id) and f.id not in net.outputs]
    bottom = min(hidden, key=lambda f: len(net.ancestors[f]))
    free = [(f"#{k}", r) for k, r in enumerate(net.families[bottom].axes)]
    inst = numeric.LayeredFormalInstance(net, sizes, seed=5)
    lazy = calculus.unfold(net, calculus.delta_definition(net, bottom))
    full = calculus.unfold(net, calculus.expand_deltas(net, calculus.delta_definition(net, bottom)))
    layered = numeric.evaluate(net, lazy, sizes, inst, free, object)
    assert np.array_equal(layered, numeric.evaluate(net, full, sizes, inst, free, object))
    concrete = numeric.NetworkInstance(net, sizes, seed=3)
    backprop = numeric.evaluate(net, calculus.delta_definition(net, bottom), sizes, concrete, free)
    full_delta = calculus.expand_deltas(net, calculus.delta_definition(net, bottom))
    expanded = numeric.evaluate(net, full_delta, sizes, concrete, free)  # the inputs and weights drawn above
    assert np.allclose(backprop, expanded, rtol=1e-12, atol=1e-300)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(0, 3), st.integers(0, 10**6))
def test_a_contraction_with_local_letters_is_einsum(factors: int, free: int, seed: int) -> None:
    """``_local_path`` (pairwise, letters local to each step) equals one ``einsum`` over the same
    operands, in exact integers."""
    rng = random.Random(seed)
    keys = [("d", k) for k in range(6)]
    extent = {k: rng.randint(1, 3) for k in keys}
    operands = []
    for _ in range(factors):
        idx = tuple(rng.choice(keys) for _ in range(rng.randint(1, 3)))
        shape = tuple(extent[i] for i in idx)
        vals = [rng.randint(-5, 5) for _ in range(int(np.prod(shape)))]
        operands.append((np.array(vals, dtype=object).reshape(shape), idx))
    present = list(dict.fromkeys(i for _, idx in operands for i in idx))
    out = tuple(present[:free])
    letters = dict(zip(present, string.ascii_letters))
    spec = ",".join("".join(letters[i] for i in idx) for _, idx in operands) + "->" + \
        "".join(letters[i] for i in out)
    want = np.einsum(spec, *(a for a, _ in operands))
    got = numeric._local_path(operands, out, extent, object)
    assert np.array_equal(np.asarray(got), np.asarray(want))


def test_a_term_with_more_indices_than_einsum_has_letters_is_evaluated(tmp_path: Path) -> None:
    net = _deriv(tmp_path, 70, False).network
    deriv_text = stack.equations(70, False)["unrolled"][0]
    chain = parse_chain(deriv_text, net.functions)
    from symbp.engine.semantics import Interpreter, infer_letters
    letters, _ = infer_letters(net, chain)
    rhs = Interpreter(net, letters).expression(chain.sides[1], {"j": ("j",), "k": ("k",)})
    assert max(len(t.dummies) for t in rhs.terms) > 52
    sizes = numeric.small_plans(net)[0]
    free = [("j", net.letter_ranges("j")[0]), ("k", net.letter_ranges("k")[0])]
    value = numeric.evaluate(net, rhs, sizes, numeric.FormalInstance(net, sizes, 1), free, object)
    assert value.shape == (sizes[free[0][1]], sizes[free[1][1]])


@pytest.mark.parametrize("base, sign, text", [(12, 1, "12"), (7, -1, "-7"),
                                              (7 ** 6000, 1, "3.87472e+5070 (5071 digits)"),
                                              (7 ** 6000, -1, "-3.87472e+5070 (5071 digits)")],
                         ids=["small", "negative", "past 4300 digits", "negative past 4300 digits"])
def test_an_exact_value_is_printed_whatever_its_length(base: int, sign: int, text: str) -> None:
    assert exact_text(sign * base) == text
