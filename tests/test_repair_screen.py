"""The repair search's numeric screen (symbp/checker/repair.py ``_Screen``): it may drop a
candidate only when the candidate does not hold; every link symbp verifies passes it."""

from __future__ import annotations

from pathlib import Path

import pytest

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
        d = load(f)
        for eq in d.equations:
            if eq.chain is None:
                continue
            for k, r in enumerate(check_derivation_equation(d, eq)):
                out.append((f"{f.name}:{eq.line}:{k + 1}", d.network, eq.chain, r.verdict, k))
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
