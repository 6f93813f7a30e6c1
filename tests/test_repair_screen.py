"""The repair search's numeric screen (symbp/checker/repair.py ``_Screen``): it may drop a
candidate only when the candidate does not hold; every link symbp verifies passes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from shipped import checked

from symbp import builtin
from symbp.checker import pipeline, repair
from symbp.checker.files import check_derivation_equation
from symbp.document import load
from symbp.engine.semantics import infer_letters
from symbp.latex.parser import parse_chain

ROOT = Path(__file__).resolve().parents[1]
HOLDS = ("verified", "verified-at-sizes")


def _links() -> list[tuple[str, object, object, str]]:
    out = []
    for f in sorted((ROOT / "derivations").glob("*.tex")):
        d, verdicts = checked(f)  # loaded and checked once per process (tests/shipped.py)
        for eq, rs in zip(d.equations, verdicts):
            if eq.chain is None:
                continue
            for k, verdict in enumerate(rs):
                out.append((f"{f.name}:{eq.line}:{k + 1}", d.network, eq.chain, verdict, k))
    return out


LINKS = _links()
EXTRA = [  # the plain and shared networks: true and false steps
    ("plain", r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", True),
    ("plain", r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_i", True),
    ("shared", r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}", True),
    ("shared", r"\delta_{j_l} = \sum_k \delta_k w_{kj_l} h'(a_{j_l})", True),
    ("plain", r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", False),
    ("plain", r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k + z_j", False),
    ("plain", r"\frac{\partial E}{\partial w_{ji}} = 2 \delta_j z_i", False),
    ("shared", r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} h(a_{i_l}) h'(a_{i_l})", False),
]


def _screen(net, chain):  # noqa: ANN001, ANN202
    letters, inference = infer_letters(net, chain)
    return repair._Screen(pipeline._context(net, letters, inference, chain.sides[0]))


@pytest.mark.parametrize("name, net, chain, verdict, k", LINKS, ids=[x[0] for x in LINKS])
def test_the_screen_passes_every_link_that_holds(name: str, net, chain, verdict: str, k: int) -> None:  # noqa: ANN001
    screen = _screen(net, chain)
    if verdict in HOLDS:
        assert not screen.rejects(chain.sides[k], chain.sides[k + 1])


@pytest.mark.parametrize("net, latex, holds", EXTRA)
def test_the_screen_on_true_and_false_steps(net: str, latex: str, holds: bool) -> None:
    n = builtin(net)
    chain = parse_chain(latex, n.functions)
    assert _screen(n, chain).rejects(chain.sides[0], chain.sides[1]) is not holds


def test_the_screen_saves_full_rechecks() -> None:
    d = load(ROOT / "derivations" / "prml_5_3_2.tex")
    eq = next(e for e in d.equations if e.expected == ["refuted"])
    repair.STATS.clear()
    (r,) = check_derivation_equation(d, eq)
    assert r.verdict == "refuted"
    assert repair.STATS["rejected by the screen"] >= 1
    assert repair.STATS["re-checked"] < repair.STATS["screened"]


def _by_normal_form(screen, side):  # noqa: ANN001, ANN202
    """The value the screen computes, the long way: the side's normal form, every hidden δ
    expanded, evaluated over its free letters (as the screen did before it summed numerically)."""
    import numpy as np

    from symbp.engine import calculus
    from symbp.engine.numeric import evaluate
    from symbp.engine.semantics import free_letters
    from symbp.model.network import components
    net, letters = screen.ctx.net, screen.ctx.letters
    free = sorted(free_letters(side, net, []))
    env = {x: components(x, letters.get(x) or net.letter_ranges(x)) for x in free}
    pairs = [(n, r) for x in free for n, r in zip(env[x], letters.get(x) or net.letter_ranges(x))]
    expr = calculus.expand_deltas_at_once(
        net, calculus.substitute_aliases(net, screen.interp.expression(side, env)))
    value = evaluate(net, expr, screen.sizes, screen.inst, pairs)
    return [n for n, _ in pairs], np.asarray(value, dtype=float)


@pytest.mark.parametrize("name, net, chain, verdict, k", LINKS, ids=[x[0] for x in LINKS])
def test_the_screen_values_are_the_normal_forms_values(name: str, net, chain, verdict: str, k: int) -> None:  # noqa: ANN001
    """Summed numerically, δ by backpropagation on the instance: the value of the normal form."""
    import numpy as np
    screen = _screen(net, chain)
    for side in chain.sides[k:k + 2]:
        got = screen._value(side)
        try:
            names, want = _by_normal_form(screen, side)
        except Exception:  # noqa: BLE001 - what the long way cannot evaluate, the screen need not
            continue
        assert (got is None) == screen.blind, name  # blind to the unit 0: it screens nothing
        if got is None:
            continue
        union = tuple(names)
        assert set(got[0]) <= set(union)
        assert np.allclose(np.broadcast_to(repair._aligned(tuple(got[0]), got[1], union), want.shape), want,
                           rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("net, latex, holds", [
    # a letter free on one side only: the side without it is constant along it, as in the check
    ("plain", r"\frac{\partial a_j}{\partial w_{ji}} = z_i", True),
    ("plain", r"\delta_j = a_k (1 - a_k) \sum_k w_{kj} \delta_k", False),
    ("plain", r"\frac{\partial E}{\partial w_{ji}} = \delta_j z_i \delta_k", False),
    ("plain", r"\sum_k w_{kj} \delta_k = \sum_k w_{kj} \delta_k + 0 z_i", True),
])
def test_the_screen_with_a_letter_free_on_one_side(net: str, latex: str, holds: bool) -> None:
    n = builtin(net)
    chain = parse_chain(latex, n.functions)
    assert _screen(n, chain).rejects(chain.sides[0], chain.sides[1]) is not holds
