"""Generic layers and steps (issue 13.2-3): a forward pass written for a layer ``l`` of an
``L``-layer network or a step ``t`` of ``T``, and the reach of each verdict.

From both sides: every true row is verified (for every layer, where the window proves it) or
verified at the unrolled depths it names, never refuted; every slip is refuted with the layer
named, never verified; each verdict agrees with the independent oracle on every unrolled
instance; the mutants of the shipped generic files have no false accept.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbp.checker.generic import DEPTHS, check_generic
from symbp.checker.results import AT_SIZES, ERROR, REFUTED, VERIFIED
from symbp.document import loads
from symbp.engine.generic import Invalid, Template, read_directive
from symbp.errors import DeclarationError, InputError
from symbp.latex.unparse import unparse
from symbp.soundness import oracle
from symbp.soundness.generic_mutation import mutants, oracle_verdict, report

ROOT = Path(__file__).resolve().parent.parent
GENERIC = sorted((ROOT / "derivations" / "generic").glob("*.tex"))

NIELSEN = Template("layers", "l", "L", [r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j",
                                        r"a^l_j = \sigma(z^l_j)"],
                   {"error": "C"})
GRAVES = Template("steps", "t", "T", [r"a^t_h = \sum_i w_{ih} x^t_i + \sum_{h'} w_{h'h} b^{t-1}_{h'}",
                                      r"b^t_h = \theta_h(a^t_h)", r"a^t_k = \sum_h w_{hk} b^t_h"],
                  {"error": "O", "params": ["w"]})

#: (claim, verdict, the start of its message)
NIELSEN_ROWS = [
    (r"\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^L_j)", VERIFIED,
     "verified at the output layer L of every depth L, all sizes"),
    (r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)", VERIFIED,
     "verified for every layer l = 1..L-1 of every depth L, all sizes"),
    (r"\frac{\partial C}{\partial b^l_j} = \delta^l_j", VERIFIED,
     "verified for every layer l = 1..L of every depth L, all sizes"),
    (r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j", VERIFIED,
     "verified for every layer l = 1..L of every depth L, all sizes"),
    (r"\frac{\partial C}{\partial w^l_{jk}} = \delta^l_j a^{l-1}_k", VERIFIED, "verified for every layer"),
    (r"\delta^l_j = \frac{\partial C}{\partial a^l_j} \sigma'(z^l_j)", VERIFIED, "verified for every layer"),
    (r"\frac{\partial C}{\partial a^{l-1}_k} = \sum_j w^l_{jk} \delta^l_j", VERIFIED,
     "verified for every layer l = 1..L of every depth L"),
    (r"\frac{\partial C}{\partial a^l_k} = \sum_j w^{l+1}_{jk} \delta^{l+1}_j", VERIFIED,
     "verified for every layer l = 0..L-1 of every depth L"),
    (r"\delta^{L-1}_j = \sum_k w^L_{kj} \delta^L_k \sigma'(z^{L-1}_j)", VERIFIED,  # left side's layer (msg6)
     "verified at the layer L-1 of every depth L >= 2"),
    # both l and L: only the unrolled depths
    (r"\frac{\partial C}{\partial b^l_j} + \frac{\partial C}{\partial b^L_k} = \delta^l_j + \delta^L_k",
     AT_SIZES,
     "verified at the depths L = 2, 3, 4"),
    # j at the layers l and L, the sides equal wherever those are equally wide: not refuted on index
    # analysis alone (at other widths \delta^L_j names units L lacks): an error asking for a letter per layer
    (r"\frac{\partial C}{\partial b^l_j} = \delta^l_j + 0 \delta^L_j",
     ERROR, "the index j stands for units of the layers l and L, which may differ in width"),
    # the slips
    (r"\delta^l_j = \sum_k w^l_{kj} \delta^{l+1}_k \sigma'(z^l_j)", REFUTED, "the index j stands for units"),
    (r"\delta^l_j = \sum_k w^{l+1}_{jk} \delta^{l+1}_k \sigma'(z^l_j)",
     REFUTED, "the index j stands for units"),
    (r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma(z^l_j)",
     REFUTED, "refuted at depth L = 2, layer l = 1"),
    (r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k", REFUTED, "refuted at depth L = 2, layer l = 1"),
    (r"\frac{\partial C}{\partial b^l_j} = \delta^l_j \sigma'(z^l_j)",
     REFUTED, "refuted at depth L = 2, layer l = 1"),
    (r"\frac{\partial C}{\partial w^l_{jk}} = a^l_k \delta^l_j", REFUTED, "the index k stands for units"),
    (r"\delta^L_j = \frac{\partial C}{\partial a^L_j}", REFUTED, "refuted at depth L = 2,"),
    (r"\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^{L-1}_j)",
     REFUTED, "the index j stands for units"),
    (r"\delta^l_j = 2 \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)", REFUTED, "refuted at depth L = 2"),
    # input that cannot be checked
    (r"\delta^L_j = \sum_k w^{L+1}_{kj} \delta^{L+1}_k \sigma'(z^L_j)", ERROR, "this equation names layers"),
    (r"\delta_j = \sigma'(z_j)", ERROR, "this equation names no layer"),
    (r"\delta^l_j = \sum_q w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)", ERROR, ""),
]

GRAVES_ROWS = [
    # proved by a window of steps, for every length
    (r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_k \delta^t_k w_{hk} "
     r"+ \sum_{h'} \delta^{t+1}_{h'} w_{hh'}\right)",
     VERIFIED, "verified for every step t = 1..T-1 of every length T, and at t = T separately, all sizes"),
    (r"\frac{\partial O}{\partial w_{hk}} = \sum_{t=1}^{T} \delta^t_k b^t_h",
     VERIFIED, "verified for every length T, all sizes: w_{hk} is shared by every step"),
    (r"\frac{\partial O}{\partial w_{ih}} = \sum_{t=1}^{T} \delta^t_h x^t_i",
     VERIFIED, "verified for every length T, all sizes"),
    (r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^{t-1}_{h'}",
     VERIFIED, "verified for every length T, all sizes"),
    (r"\delta^T_h = \theta_h'(a^T_h) \sum_k \delta^T_k w_{hk}",
     VERIFIED, "verified at the last step T of every length T, all sizes"),
    (r"\frac{\partial O}{\partial b^t_h} = \sum_k w_{hk} \delta^t_k + \sum_{h'} w_{hh'} \delta^{t+1}_{h'}",
     VERIFIED, "verified for every step t = 1..T-1 of every length T, and at t = T separately"),
    (r"\frac{\partial O}{\partial x^t_i} = \sum_h w_{ih} \delta^t_h",
     VERIFIED, "verified for every step t = 1..T-1 of every length T"),
    (r"\delta^t_h = \frac{\partial O}{\partial a^t_h} = \theta_h'(a^t_h) \left(\sum_k \delta^t_k w_{hk} "
     r"+ \sum_{h'} \delta^{t+1}_{h'} w_{hh'}\right)", VERIFIED, "verified for every step t = 1..T-1"),
    (r"\delta^{t+1}_h = \theta_h'(a^{t+1}_h) \left(\sum_k \delta^{t+1}_k w_{hk} "
     r"+ \sum_{h'} \delta^{t+2}_{h'} w_{hh'}\right)",
     VERIFIED, "verified for every step t = 0..T-2 of every length T, and at t = T-1 separately"),
    (r"\delta^{T-1}_h = \theta_h'(a^{T-1}_h) \left(\sum_k \delta^{T-1}_k w_{hk} "
     r"+ \sum_{h'} \delta^{T}_{h'} w_{hh'}\right)",
     VERIFIED, "verified at the last 2 steps T-1..T of every length T >= 2"),
    # true, but no window says so: only the unrolled lengths
    (r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=2}^{T} \delta^t_h b^{t-1}_{h'}", AT_SIZES,
     "verified at the lengths T = 1, 2, 3, 4, all widths; not proved for every length: its right side is "
     "not one sum over the steps t = 1..T"),
    (r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^{t+1}_h b^{t}_{h'}", AT_SIZES,
     "verified at the lengths T = 1, 2, 3, 4, all widths; not proved for every length: the window"),
    (r"\frac{\partial O}{\partial w_{hk}} = \sum_{t=1}^{T} \delta^t_k b^t_h + 0", AT_SIZES,
     "verified at the lengths T = 1, 2, 3, 4"),
    # the slips, each refuted with the step where the sides differ
    (r"\delta^t_h = \theta_h'(a^t_h) \sum_k \delta^t_k w_{hk}",
     REFUTED, "refuted at length T = 2, step t = 1"),
    (r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_k \delta^t_k w_{hk} "
     r"+ \sum_{h'} \delta^{t+1}_{h'} w_{h'h}\right)",
     REFUTED, "refuted at length T = 2, step t = 1"),
    (r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_k \delta^t_k w_{hk} "
     r"+ \sum_{h'} \delta^{t}_{h'} w_{hh'}\right)",
     REFUTED, "refuted at length T = 2, step t = 1"),
    (r"\frac{\partial O}{\partial w_{hk}} = \delta^T_k b^T_h", REFUTED, "refuted at length T = 2"),
    (r"\frac{\partial O}{\partial w_{hk}} = \delta^t_k b^t_h", REFUTED,
     "refuted at length T = 2, step t = 1"),
    (r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^t_{h'}",
     REFUTED, "refuted at length T = 1"),
    (r"\delta^T_h = \theta_h'(a^T_h) \left(\sum_k \delta^T_k w_{hk} + \sum_{h'} \delta^T_{h'} w_{hh'}\right)",
     REFUTED, "refuted at length T = 2"),
    (r"\frac{\partial O}{\partial b^{t-1}_{h'}} = \sum_h w_{h'h} \delta^t_h", REFUTED,
     "refuted at length T = 2, step t = 2"),  # a step of 1..T first (msg6; it was T = 1, t = 2)
    (r"\delta^t_h = \theta_h'(a^t_h) \sum_{t} \delta^t_k w_{hk}", ERROR, "a sum over t"),
]


@pytest.mark.parametrize("src, verdict, start", NIELSEN_ROWS,
                         ids=[f"nielsen{k}" for k in range(len(NIELSEN_ROWS))])
def test_nielsen(src: str, verdict: str, start: str) -> None:
    results = check_generic(NIELSEN, NIELSEN.parse(src))
    assert [r.verdict for r in results] == [verdict], results[0].message
    assert results[0].message.startswith(start), results[0].message
    if verdict == REFUTED:  # the depth and the layer
        cx = results[0].counterexample
        assert cx is not None and cx["depth"] in (1,) + DEPTHS["layers"] and "layer" in cx


@pytest.mark.parametrize("src, verdict, start", GRAVES_ROWS,
                         ids=[f"graves{k}" for k in range(len(GRAVES_ROWS))])
def test_graves(src: str, verdict: str, start: str) -> None:
    results = check_generic(GRAVES, GRAVES.parse(src))
    assert {r.verdict for r in results} == {verdict}, results[0].message
    assert results[0].message.startswith(start), results[0].message
    if verdict == AT_SIZES:
        assert results[0].sizes == [{"T": 1}, {"T": 2}, {"T": 3}, {"T": 4}]
    if verdict == VERIFIED:
        # the lengths it was checked at (a claim at T-1 is about T >= 2: not checked at T = 1)
        lengths = "2, 3, 4" if "T-1" in src else "1, 2, 3, 4"
        assert f"unrolled at T = {lengths}" in results[0].message, results[0].message
    if verdict == REFUTED:  # the length and the step
        cx = results[0].counterexample
        assert cx is not None and cx["depth"] in DEPTHS["steps"] and "layer" in cx


@pytest.mark.parametrize("tpl, src, verdict", [(NIELSEN, s, v) for s, v, _ in NIELSEN_ROWS if v != ERROR]
                         + [(GRAVES, s, v) for s, v, _ in GRAVES_ROWS if v != ERROR])
def test_the_oracle_agrees(tpl: Template, src: str, verdict: str) -> None:
    """The oracle (plain Python, complex-step derivatives, none of the checker's algebra) on every
    unrolled instance: what holds is equivalent there, what is refuted differs somewhere or is
    ill-formed (a letter standing for units of two layers)."""
    truth = oracle_verdict(tpl, tpl.parse(src))
    if verdict in (VERIFIED, AT_SIZES):
        assert truth == oracle.EQUIVALENT
    else:
        assert truth in (oracle.DIFFERENT, oracle.ILL_FORMED)


def test_the_window_is_the_smallest_unrolled_network() -> None:
    bp2 = NIELSEN.parse(r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)")
    bp4 = NIELSEN.parse(r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j")
    bp1 = NIELSEN.parse(r"\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^L_j)")
    assert NIELSEN.window(bp2) == (2, 1, 0, 1)  # layer l and its successor l+1
    assert NIELSEN.window(bp4) == (1, 1, 0, 0)  # a^{l-1} is the given input of layer l
    assert NIELSEN.window(bp1) == (1, None, 0, 0)
    assert NIELSEN.span(bp2) == (1, -1) and NIELSEN.span(bp4) == (1, 0)
    assert GRAVES.window(GRAVES.parse(r"\delta^t_h = \theta_h'(a^t_h) \sum_k \delta^t_k w_{hk}")) is None


def test_no_window_without_its_conditions() -> None:
    """A layer whose unrolled outputs are not what the next layer uses has no window: only the
    unrolled depths, verified-at-sizes; a layer that reaches two layers back is an input error
    (no boundary says what a^{-1} is)."""
    side = Template("layers", "l", "L", [r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k", r"a^l_j = \sigma(z^l_j)",
                                         r"y^l_j = \sigma(a^l_j)"], {"error": "C"})
    assert side.window_problem  # y^l is an output of every layer: C depends on it too
    r, = check_generic(side, side.parse(r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j"))
    assert r.verdict != VERIFIED
    same = r"\frac{\partial C}{\partial y^L_j} = \frac{\partial C}{\partial y^L_j}"
    r, = check_generic(side, side.parse(same))
    assert r.verdict == AT_SIZES and "not proved for every depth" in r.message
    with pytest.raises(DeclarationError, match="reaches back"):
        Template("layers", "l", "L", [r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + \sum_m v^l_{jm} a^{l-2}_m",
                                      r"a^l_j = \sigma(z^l_j)"], {"error": "C", "params": ["w", "v"]})


def test_unrolled_networks() -> None:
    net = NIELSEN.network(3)
    assert [net.families[o].name for o in net.outputs] == ["a^{(3)}"]
    assert net.sizes == ["I", "J", "K", "M"]  # a width per layer
    assert NIELSEN.network(3, equal=True).sizes == ["I"]
    rnn = GRAVES.network(2)
    assert rnn.sizes == ["H", "I", "K"]  # the widths do not change with the step
    assert sorted(rnn.families[o].name for o in rnn.outputs) == ["a^{(1)}", "a^{(2)}"]
    assert len([f for f in rnn.params if f.name == "w"]) == 3  # shared by every step


def test_instances() -> None:
    bp2 = NIELSEN.parse(r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)")
    with pytest.raises(Invalid):
        NIELSEN.instance(bp2, 3, 3)  # no layer 4
    inst = NIELSEN.instance(bp2, 2, 3)
    assert inst.letters == {"j": "k", "k": "m"} and not inst.conflicts
    slip = NIELSEN.parse(r"\delta^l_j = \sum_k w^{l}_{kj} \delta^{l+1}_k \sigma'(z^l_j)")
    assert NIELSEN.instance(slip, 1, 2).conflicts == {"j": ("0", "1"), "k": ("1", "2")}


@pytest.mark.parametrize("arg, read", [("l = 1..L", ("l", "L")), ("t = 1..T", ("t", "T")),
                                       ("t=1..T", ("t", "T")), ("l = 1, \\dots, L", ("l", "L")),
                                       ("l = 0..L", None), ("l = 1..l", None), ("l", None)])
def test_directive(arg: str, read: tuple | None) -> None:
    assert read_directive(arg) == read


@pytest.mark.parametrize("forward, problem", [
    ([r"z_j = \sum_k w^l_{jk} a^{l-1}_k"], "the left side of a generic forward equation"),
    ([r"z^{l+1}_j = \sum_k w^l_{jk} a^{l-1}_k"], "the left side of a generic forward equation"),
    ([r"z^l_j = \sum_k w^L_{jk} a^{l-1}_k"], "not at L"),
    ([r"z^l_j = \sum_k w^l_{jk} a^{l-1}_j"], "stands for units of two layers"),
    ([r"z^l_j = \sum_k w^l_{jk} a_k^{l-1}"], "written after the subscript"),
])
def test_template_errors(forward: list[str], problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        Template("layers", "l", "L", forward, {"error": "C"})


def test_a_file_with_a_generic_forward_pass() -> None:
    text = "\n".join([
        "% symbp: layers l = 1..L",
        r"% symbp: forward z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j",
        r"% symbp: forward a^l_j = \sigma(z^l_j)",
        r"$$\frac{\partial C}{\partial b^l_j} = \delta^l_j$$",
        "% symbp: expect refuted",
        r"$$\frac{\partial C}{\partial b^l_j} = \delta^{l+1}_j$$",
        r"$$\frac{\partial C}{\partial b^l_j} = \delta^l_j_$$",
    ])
    from symbp.checker.files import check_file
    d = loads(text, "t.tex")
    assert d.generic is not None and d.network.error_name == "C"
    r1, r2, r3 = check_file(d)
    assert (r1.verdict, r1.as_expected, r2.verdict, r2.as_expected) == (VERIFIED, True, REFUTED, True)
    assert r3.verdict == ERROR and (r3.line, r3.column) == (7, 49)  # at the source's column


@pytest.mark.parametrize("text, problem", [
    ("% symbp: layers l = 2..L\n% symbp: forward a_j = b_j", "this layers directive cannot be read"),
    ("% symbp: layers l = 1..L\n% symbp: steps t = 1..T\n% symbp: forward a^l_j = b^l_j",
     "one generic layer or step"),
    ("% symbp: layers l = 1..L\n% symbp: forward a^l_j = \\sum_k w^{l-1}_{jk} a^{l-3}_j",
     "reaches back to l-3"),
    # a class label and a condition on the targets: not yet under generic layers (they were ignored)
    ("% symbp: layers l = 1..L\n% symbp: error L\n% symbp: class label y\n"
     "% symbp: forward a^l_j = \\sigma(z^l_j)",
     r"a class label \(y_i\) is not read in a file of generic layers yet"),
    ("% symbp: steps t = 1..T\n% symbp: targets y one-hot\n% symbp: forward a^t_j = \\sigma(z^t_j)",
     "a condition on the targets .* not yet in a file of generic steps"),
])
def test_file_errors(text: str, problem: str) -> None:
    with pytest.raises(DeclarationError, match=problem):
        loads(text, "t.tex")


@pytest.mark.parametrize("path", GENERIC, ids=[p.stem for p in GENERIC])
def test_shipped_generic_files(path: Path) -> None:
    from symbp.checker.files import check_file
    results = check_file(path)
    assert results and all(r.as_expected for r in results), [r.message for r in results if not r.as_expected]
    assert any(r.verdict == REFUTED for r in results)


def test_mutants_of_the_shipped_files_have_no_false_accept() -> None:
    """Every mutant the oracle finds different is refuted (or an error); none is verified."""
    out = report(GENERIC)
    assert out["false_accepts"] == []
    classes = out["classes"]
    for cls in ("l+1->l", "dropped-t+1-term", "swap-indices", "drop-derivative", "boundary",
                "dropped-sum-over-steps"):
        assert classes[cls]["mutants"] > 0, cls
    for cls, c in classes.items():
        assert c.get("accepted", 0) == 0, cls
        assert c.get("killed", 0) == c.get("different", 0), cls
        assert c.get("ill-formed-verified", 0) == 0 and c.get("equivalent-not-verified", 0) == 0, cls
    assert sum(c.get("different", 0) for c in classes.values()) >= 10


SLIPS = st.sampled_from([s for s, v, _ in NIELSEN_ROWS if v == VERIFIED])


@settings(max_examples=25, deadline=None)
@given(SLIPS, st.data())
def test_a_mutant_verified_is_equivalent(src: str, data: st.DataObject) -> None:
    """Hypothesis: whatever one-slip mutant of a true Nielsen row, a verified one is equivalent by
    the oracle on every unrolled instance, a refuted one is not."""
    options = mutants(NIELSEN, src)
    if not options:
        return
    _cls, text = data.draw(st.sampled_from(options))
    chain = NIELSEN.parse(text)
    verdict = check_generic(NIELSEN, chain)[0].verdict
    truth = oracle_verdict(NIELSEN, chain)
    if verdict in (VERIFIED, AT_SIZES):
        assert truth == oracle.EQUIVALENT, text
    if verdict == REFUTED:
        assert truth != oracle.EQUIVALENT, text


# ----------------------------------------------------------------------------------------------
# steps: the windows, the boundaries, the proofs

HIDDEN = Template("steps", "t", "T", [r"a^t_h = \sum_i w_{ih} x^t_i + \sum_{h'} w_{h'h} b^{t-1}_{h'}",
                                      r"b^t_h = \theta_h(a^t_h)"], {"error": "O", "params": ["w"]})
OWN_STEP = Template("steps", "t", "T", [r"c^t_h = \sum_i v_{ih} x^t_i",
                                        r"a^t_h = c^t_h + \sum_{h'} w_{h'h} b^{t-1}_{h'}",
                                        r"b^t_h = \theta_h(a^t_h)", r"a^t_k = \sum_h w_{hk} b^t_h"],
                    {"error": "O", "params": ["w", "v"]})


@pytest.mark.parametrize("tpl, src, verdict, start", [
    # O a function of the last hidden state alone: the windows hold as well
    (HIDDEN, r"\delta^T_h = \theta_h'(a^T_h) \frac{\partial O}{\partial b^T_h}", VERIFIED,
     "verified at the last step T of every length T"),
    (HIDDEN, r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^{t-1}_{h'}", VERIFIED,
     "verified for every length T"),
    (HIDDEN, r"\delta^t_h = \theta_h'(a^t_h) \sum_{h'} w_{hh'} \delta^{t+1}_{h'}", REFUTED,
     "refuted at length T = 1, step t = 1"),  # at t = T it forgets O's own use of b^T
    # a step reached through the step before by way of its own step too: only the unrolled lengths
    (OWN_STEP, r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_k \delta^t_k w_{hk} "
               r"+ \sum_{h'} \delta^{t+1}_{h'} w_{hh'}\right)", AT_SIZES,
     "verified at the lengths T = 1, 2, 3, 4"),
    (OWN_STEP, r"\frac{\partial O}{\partial v_{ih}} = \sum_{t=1}^{T} \delta^t_h x^t_i", AT_SIZES,
     "verified at the lengths T = 1, 2, 3, 4"),
    # a derivative by the carrier below the window: b^{t-1} has a use of its own at step t-1
    (GRAVES, r"\frac{\partial O}{\partial b^{t-1}_{h'}} = \sum_h w_{h'h} \delta^t_h "
             r"+ \sum_k w_{h'k} \delta^{t-1}_k",
     VERIFIED, "verified for every step t = 2..T of every length T"),
])
def test_windows_of_steps(tpl: Template, src: str, verdict: str, start: str) -> None:
    r, = check_generic(tpl, tpl.parse(src))
    assert r.verdict == verdict and r.message.startswith(start), r.message
    truth = oracle_verdict(tpl, tpl.parse(src))
    assert truth == (oracle.EQUIVALENT if verdict in (VERIFIED, AT_SIZES) else oracle.DIFFERENT)
    if tpl is OWN_STEP:
        assert "reads the step before and c^t of its own step" in r.message


def test_a_window_of_steps() -> None:
    """Step t and the consumers of step t+1: O an undefined function of a^t_k and a^{t+1}_h; the
    input below (b^{(0)}) a leaf, not the boundary 0; with the weights untied, one copy per step."""
    net = GRAVES.window_network(1, True)
    assert sorted(net.show(o) for o in net.outputs) == ["a^{(1)}_{k}", "a^{(2)}_{h}"]
    assert any(f.name == "b^{(0)}" for f in net.families) and net.error_kind is None
    untied = GRAVES.window_network(1, True, untie=True)
    assert {f.name for f in untied.families if f.param} == {"w^{(1)}", "w^{(2)}"}
    last = GRAVES.window_network(1, False)
    assert [last.show(o) for o in last.outputs] == ["a^{(1)}_{k}"]
    assert GRAVES.consumer_eqs == [0] and GRAVES.consumer_bases == {"a"}


def test_length_one() -> None:
    """At T = 1 (b^0 = 0) nothing uses the recurrent weight: a derivative by it is 0, a value of
    it leaves that length out."""
    claim = GRAVES.parse(r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^{t-1}_{h'}")
    inst = GRAVES.fit(GRAVES.instance(claim, None, 1).chain, 1)
    assert [unparse(x) for x in inst.sides] == ["0", "0"]
    value = GRAVES.parse(r"\delta^T_h = \theta_h'(a^T_h) \left(\sum_k \delta^T_k w_{hk} "
                         r"+ \sum_{h'} \delta^T_{h'} w_{hh'}\right)")
    with pytest.raises(Invalid):
        GRAVES.fit(GRAVES.instance(value, None, 1).chain, 1)


GRAVES_FILE = r"""% symbp: params w, s
% symbp: steps t = 1..T
{boundary}
% symbp: forward
\begin{{align*}}
a^t_h &= \sum_{{i=1}}^{{I}} w_{{ih}} x^t_i + \sum_{{h'=1}}^{{H}} w_{{h'h}} b^{{t-1}}_{{h'}} \\
b^t_h &= \theta_h(a^t_h) \\
a^t_k &= \sum_{{h=1}}^{{H}} w_{{hk}} b^t_h
\end{{align*}}
\[ {claim} \]
"""
SUM_FROM_2 = r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=2}^{T} \delta^t_h b^{t-1}_{h'}"
SUM_FROM_1 = r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=1}^{T} \delta^t_h b^{t-1}_{h'}"
BPTT = (r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_{k=1}^{K} \delta^t_k w_{hk} "
        r"+ \sum_{h'=1}^{H} \delta^{t+1}_{h'} w_{hh'}\right)")


@pytest.mark.parametrize("boundary, claim, verdict", [
    ("", SUM_FROM_2, AT_SIZES),  # b^0 = 0: the first step's term is 0
    ("% symbp: boundary b^0 = 0", SUM_FROM_2, AT_SIZES),
    ("% symbp: boundary b^0_h = s_h", SUM_FROM_2, REFUTED),  # an initial state: the first term counts
    ("% symbp: boundary b^0_h = s_h", SUM_FROM_1, VERIFIED),
    ("% symbp: boundary b^0_h = s_h\n% symbp: boundary \\delta^{T+1} = 0", BPTT, VERIFIED),
    ("% symbp: boundary \\delta^{T+1} = 0", BPTT, VERIFIED),
])
def test_boundaries(boundary: str, claim: str, verdict: str) -> None:
    from symbp.checker.files import check_file
    r, = check_file(loads(GRAVES_FILE.format(boundary=boundary, claim=claim), "g.tex"))
    assert r.verdict == verdict, r.message
    if verdict == REFUTED:
        assert r.counterexample["depth"] == 1  # T = 1: s is the state the first step reads


def test_an_initial_state_is_unrolled() -> None:
    d = loads(GRAVES_FILE.format(boundary="% symbp: boundary b^0_h = s_h", claim=SUM_FROM_1), "g.tex")
    assert "w_{h'h} s_{h'}" in " ".join(d.generic.network(1).forward_latex)
    layers = loads("% symbp: layers l = 1..L\n% symbp: boundary a^0 = x\n"
                   r"% symbp: forward z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j" "\n"
                   r"% symbp: forward a^l_j = \sigma(z^l_j)" "\n"
                   r"$$\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j$$", "n.tex")
    first = layers.generic.network(2).forward_latex[0]
    assert first == r"z^{(1)}_{j} = \sum_{i} w^{(1)}_{ji} x_{i} + b^{(1)}_{j}"
    from symbp.checker.files import check_file
    assert [r.verdict for r in check_file(layers)] == [VERIFIED]


@pytest.mark.parametrize("boundary, problem, line", [
    ("% symbp: boundary b^0 = 0\n% symbp: boundary b^0_h = s_h", "two boundaries are declared for b^0", 4),
    ("% symbp: boundary \\delta^{T+1} = 1", "nothing comes after the last step", 3),
    ("% symbp: boundary \\delta^{T} = 0", "after the last step", 3),
    ("% symbp: boundary a^0 = 0", "a^0 is no quantity of step 0", 3),
    ("% symbp: boundary b^0_h = s_k", "not 0 or the name of an initial state", 3),
    ("% symbp: boundary b^0_h = a_h", "a family of the forward pass", 3),
    ("% symbp: boundary b^1 = 0", "at step 1, which the forward pass computes", 3),
    ("% symbp: boundary b^T = 0", "at step T, which the forward pass computes", 3),
    ("% symbp: boundary b^{-1} = 0", "at step -1, which the network does not have", 3),
    ("% symbp: boundary b = 0", "this boundary directive cannot be read", 3),
])
def test_boundary_errors(boundary: str, problem: str, line: int) -> None:
    with pytest.raises(DeclarationError, match=re.escape(problem)) as exc:
        loads(GRAVES_FILE.format(boundary=boundary, claim=SUM_FROM_1), "g.tex")
    assert exc.value.location is not None and exc.value.location.line == line


@pytest.mark.parametrize("text, problem", [
    ("% symbp: layers l = 1..L\n% symbp: boundary a^0 = 0\n% symbp: forward a^l_j = \\sigma(a^{l-1}_j)",
     "layer 0's activations are the network's inputs, not 0"),
    ("% symbp: layers l = 1..L\n% symbp: boundary \\delta^{L+1} = 0\n"
     "% symbp: forward a^l_j = \\sigma(a^{l-1}_j)", "a file of layers has no"),
    ("% symbp: boundary b^0 = 0\n% symbp: forward a_j = \\sum_i w_{ji} x_i",
     "without a generic layer or step"),
])
def test_boundary_errors_elsewhere(text: str, problem: str) -> None:
    with pytest.raises(DeclarationError, match=problem):
        loads(text, "t.tex")


def test_the_proof_of_a_step_is_written_generically(tmp_path: Path) -> None:
    """symbp prove writes BPTT's steps in the window, in the claim's notation (t, t+1), and the
    document compiles with lualatex."""
    import shutil
    import subprocess

    from symbp.render.proof import prove_file
    doc = prove_file(ROOT / "derivations" / "generic" / "graves_bptt.tex")
    bptt = next(p for p in doc.proofs if p.result.label == "3.33")
    steps = [s.latex for side in bptt.sides for s in side.steps]
    steps += [a.latex for pair in bptt.joint for a in pair]
    assert steps and not any("^{(" in x for x in steps), steps
    assert any("a^{t+1}_{h'}" in x for x in steps) and any("\\delta^t_{k}" in x for x in steps)
    assert "in the window that stands for every step" in bptt.note
    weight = next(p for p in doc.proofs if p.result.label == "3.34")
    assert any("w^t_{hk}" in s.latex for side in weight.sides for s in side.steps)
    if shutil.which("lualatex") is None:
        pytest.skip("no lualatex")
    (tmp_path / "p.tex").write_text(doc.text, encoding="utf-8")
    run = subprocess.run(["lualatex", "-interaction=nonstopmode", "-halt-on-error", "p.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]


STEP_CLAIMS = st.sampled_from([s for s, v, _ in GRAVES_ROWS if v == VERIFIED][:5])


@settings(max_examples=15, deadline=None)
@given(STEP_CLAIMS, st.data())
def test_a_step_mutant_verified_is_equivalent(src: str, data: st.DataObject) -> None:
    """From both sides, on BPTT: a mutant symbp verifies (for every length or at the lengths
    checked) is one the oracle finds equivalent at T = 1..4; one it finds different is refuted."""
    found = mutants(GRAVES, src)
    cls, text = data.draw(st.sampled_from(found))
    chain = GRAVES.parse(text)
    verdict = check_generic(GRAVES, chain)[0].verdict
    truth = oracle_verdict(GRAVES, chain)
    if verdict in (VERIFIED, AT_SIZES):
        assert truth == oracle.EQUIVALENT, (cls, text)
    if truth == oracle.DIFFERENT:
        assert verdict == REFUTED, (cls, text)


def test_the_proof_of_a_layer_is_written_generically() -> None:
    """BP2 and BP4 are proved in their windows, written back as Nielsen writes them."""
    from symbp.render.proof import prove_file
    doc = prove_file(ROOT / "derivations" / "generic" / "nielsen_bp.tex")
    for label, want in (("BP2", "\\sigma'(z^l_{j}) \\sum_{k} w^{l+1}_{kj}"),
                        ("BP4", "\\delta^l_{j} a^{l-1}_{k}")):
        proof = next(p for p in doc.proofs if p.result.label == label)
        steps = [s.latex for side in proof.sides for s in side.steps]
        steps += [a.latex for pair in proof.joint for a in pair]
        assert any(want in x for x in steps) and not any("^{(" in x for x in steps), steps
        assert "in the notation of the claim" in proof.note


def _bracketed(text: str, var: str, opening: str, closing: str) -> str:
    """``text`` with every generic superscript of ``var`` (and its depth) written in brackets, as
    Goodfellow (``a^{(k-1)}``) and Ng (``W^{[l+1]}``) write a layer."""
    depth = var.upper()

    def put(m: re.Match) -> str:
        return "^{" + opening + m.group(1) + closing + "}"

    letters = var + depth
    text = re.sub(r"\^\{([" + letters + r"](?:[+-]1)?)\}", put, text)
    return re.sub(r"\^([" + letters + r"])(?![A-Za-z{])", put, text)


@pytest.mark.parametrize("brackets", ["()", "[]"])
@pytest.mark.parametrize("path", [p for p in GENERIC if p.name != "ng_layers_batch.tex"],  # bracketed already
                         ids=lambda p: p.name)
def test_a_generic_layer_in_brackets_reads_as_without(path: Path, brackets: str) -> None:
    """``w^{(l+1)}_{kj}``, ``\\delta^{[t+1]}_h``: the same verdicts, link for link, as ``w^{l+1}_{kj}``;
    the claims are written back in the brackets of the source."""
    text = path.read_text()
    m = re.search(r"% symbp: (?:layers|steps) ([a-z]) =", text)
    assert m
    from symbp.checker.files import check_file
    plain = check_file(loads(text, str(path)))
    bracketed_text = _bracketed(text, m.group(1), *brackets)
    assert bracketed_text != text
    bracketed = check_file(loads(bracketed_text, str(path)))
    assert [r.verdict for r in bracketed] == [r.verdict for r in plain]
    assert any(f"^{{{brackets[0]}" in r.latex for r in bracketed)  # written back as the source writes them


def test_a_transpose_inside_the_bracketed_layer() -> None:
    """Ng's ``W^{[l+1]T}`` (Goodfellow's ``W^{(k)\\top}``): the transpose of that layer's matrix, as
    ``(w^{l+1})^T``; a suggestion written with it reads back, and verifies."""
    path = ROOT / "derivations" / "generic" / "nielsen_matrix_bp.tex"
    text = path.read_text()
    from symbp.checker.files import check_file
    plain = check_file(loads(text, str(path)))
    ng = _bracketed(text, "l", "[", "]").replace("(w^{[l+1]})^T", "w^{[l+1]T}")
    assert "w^{[l+1]T}" in ng
    rs = check_file(loads(ng, str(path)))
    assert [r.verdict for r in rs] == [r.verdict for r in plain]
    fixes = [r.suggestion for r in rs if r.suggestion and "T}" in r.suggestion]
    assert fixes
    head = text[:text.index(r"\section*{The four equations, with vectors")]
    for fix in fixes:
        (r,) = check_file(loads(head + f"\\[ {fix} \\]\n\\end{{document}}\n", str(path)))
        assert r.verdict == VERIFIED, (fix, r.message)


# A cost written at the top of the network, about layer L only (NNDL ch. 3's cross-entropy in
# the source's letters a^L_j): added to every unrolled network after its layers; the window below
# L takes it as an undefined function of its top activations, so BP2 stays proved for every layer.
TOP = r"""% symbp: layers l = 1..L
% symbp: activation \sigma = sigmoid
% symbp: error C
% symbp: forward
\begin{align*}
z^l_j &= \sum_k w^l_{jk} a^{l-1}_k + b^l_j \\
a^l_j &= \sigma(z^l_j) \\
C &= COST
\end{align*}
"""
CROSS_ENTROPY = r"-\sum_j [y_j \ln a^L_j + (1 - y_j) \ln(1 - a^L_j)]"
SQUARES = r"\frac{1}{2} \sum_j (a^L_j - y_j)^2"


@pytest.mark.parametrize("cost, claim, verdict, words", [
    (CROSS_ENTROPY, r"\frac{\partial C}{\partial w^L_{jk}} = a^{L-1}_k (a^L_j - y_j)", VERIFIED,
     "at the output layer L of every depth L"),
    (CROSS_ENTROPY, r"\frac{\partial C}{\partial b^L_j} = a^L_j - y_j", VERIFIED, "every depth L"),
    (CROSS_ENTROPY, r"\delta^L_j = a^L_j - y_j", VERIFIED, "every depth L"),
    (CROSS_ENTROPY, r"\frac{\partial C}{\partial w^L_{jk}} = a^{L-1}_k (y_j - a^L_j)", REFUTED,
     "depth L = 2"),
    (CROSS_ENTROPY, r"\delta^L_j = (a^L_j - y_j) \sigma'(z^L_j)", REFUTED, "depth L = 2"),
    (CROSS_ENTROPY, r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)", VERIFIED,
     "for every layer l = 1..L-1 of every depth L"),
    (CROSS_ENTROPY, r"\delta^l_j = a^l_j - y_j", REFUTED, "layer l = 1"),
    (SQUARES, r"\delta^L_j = (a^L_j - y_j) \sigma'(z^L_j)", VERIFIED, "every depth L"),
    (SQUARES, r"\delta^L_j = a^L_j - y_j", REFUTED, "depth L = 2"),
    # a cost that also reads the layer below the top: no window stands for it, only the depths tried
    (SQUARES + r" + \frac{1}{2} \sum_k (a^{L-1}_k)^2", r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k "
     r"\sigma'(z^l_j)", REFUTED, "layer l = 1"),
])
def test_a_cost_written_at_the_top(cost: str, claim: str, verdict: str, words: str) -> None:
    from symbp import check_file
    (r,) = check_file(loads(TOP.replace("COST", cost) + "\n\\[ " + claim + " \\]\n"))
    assert r.verdict == verdict and words in r.message, (r.verdict, r.message)


# The cost of a generic proof (issue 13: "costs about what the seed's ② costs"): each unrolled
# cross-check is checked for its verdict alone (symbp.checker.pipeline.verdict_only), except the
# runs whose words the verdict reads (the window's; the first error or refutation of each link,
# checked again in full).  The results are those of checking every run in full, field for field.
CHAIN = (r"\delta^l_j = \frac{\partial C}{\partial z^l_j} = \sum_k \frac{\partial C}{\partial z^{l+1}_k} "
         r"\frac{\partial z^{l+1}_k}{\partial z^l_j} = \sum_k \delta^{l+1}_k w^{l+1}_{kj} \sigma'(z^l_j)")
COST_ROWS = [(TOP.replace("COST", c), claim) for c, claim in [
    (CROSS_ENTROPY, r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)"),
    (CROSS_ENTROPY, r"\delta^l_j = a^l_j - y_j"),
    (SQUARES, r"\delta^L_j = a^L_j - y_j"),
]]
CLAIMS = ([(NIELSEN, s) for s, v, _ in NIELSEN_ROWS if v != ERROR] + [(GRAVES, s) for s, v, _ in GRAVES_ROWS]
          + [(NIELSEN, CHAIN), (NIELSEN, CHAIN.replace(r"w^{l+1}_{kj} \sigma'", r"w^{l}_{kj} \sigma'")),
             (NIELSEN, CHAIN.replace(r"\frac{\partial z^{l+1}_k}{\partial z^l_j}", r"w^{l+1}_{kj}")),
             (NIELSEN, CHAIN.replace("w^{l+1}_{kj}", "w^{l+1}_{jk}"))])


def _full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unrolled run checked in full, as before verdict_only was used for the cross-checks."""
    from contextlib import nullcontext

    import symbp.checker.generic as generic
    monkeypatch.setattr(generic, "verdict_only", nullcontext)


@pytest.mark.parametrize("tpl, src", CLAIMS, ids=range(len(CLAIMS)))
def test_cross_checks_for_their_verdicts_give_the_full_results(tpl: Template, src: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    chain = tpl.parse(src)
    quick = [vars(r) for r in check_generic(tpl, chain)]
    with monkeypatch.context() as m:
        _full(m)
        full = [vars(r) for r in check_generic(tpl, chain)]
    assert quick == full


@pytest.mark.parametrize("src, claim", COST_ROWS, ids=range(len(COST_ROWS)))
def test_cross_checks_with_a_cost_at_the_top_give_the_full_results(src: str, claim: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from symbp import check_file
    text = src + "\n\\[ " + claim + " \\]\n"
    quick = [vars(r) for r in check_file(loads(text))]
    with monkeypatch.context() as m:
        _full(m)
        full = [vars(r) for r in check_file(loads(text))]
    assert quick == full


#: claims whose instances fail at some layers, or everywhere, or before any layer is read
INVALID_SOMEWHERE = [(NIELSEN, s) for s, v, _ in NIELSEN_ROWS if v == ERROR] + [
    (NIELSEN, r"\delta^l_j = \sum_l w^{l+1}_{kj} \delta^{l+1}_k"),  # a sum over l about one layer
    (NIELSEN, r"\delta^l_j = \sum_k w_{kj} \delta^{l+1}_k"),  # a weight without its layer
    (NIELSEN, r"\delta^{l+3}_j = \sum_k w^{l+4}_{kj} \delta^{l+4}_k \sigma'(z^{l+3}_j)"),
    (NIELSEN, r"\delta^{l-2}_j = \sum_k w^{l-1}_{kj} \delta^{l-1}_k \sigma'(z^{l-2}_j)"),
    (GRAVES, r"\delta^{t+4}_h = \theta_h'(a^{t+4}_h) \sum_k \delta^{t+4}_k w_{hk}"),
    (GRAVES, r"\frac{\partial O}{\partial b^{t-1}_h} = \sum_k w_{hk} \delta^{t-1}_k"),
]


@pytest.mark.parametrize("tpl, src", CLAIMS + INVALID_SOMEWHERE, ids=range(len(CLAIMS + INVALID_SOMEWHERE)))
def test_the_layers_skipped_unbuilt_are_those_that_fail(tpl: Template, src: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A layer skipped by its marks (checker.generic._absent_layers) is one whose instance fails:
    the results are those of building every instance."""
    import symbp.checker.generic as generic
    try:
        chain = tpl.parse(src)
    except InputError:
        return
    quick = [vars(r) for r in check_generic(tpl, chain)]
    monkeypatch.setattr(generic, "_absent_layers", lambda tpl, chain: lambda var, depth: False)
    assert quick == [vars(r) for r in check_generic(tpl, chain)]


#: (claim, verdict, checks in full, checks for the verdict alone, runs agreed by value): every run
#: is still checked at every depth and layer (the message counts them), symbolically or, where a
#: window's symbolic proof carries a verified verdict, by value (symbp.engine.evaluate); only the
#: words nobody reads are left out
WORK_ROWS = [
    # BP2: the window (L = 2, l = 1) in full, the 5 other layers of L = 2, 3, 4 by value
    (NIELSEN_ROWS[1][0], VERIFIED, 1, 0, 5, "(6 layers, 5 of them numerically at random points)"),
    # BP1 at L: the window (L = 1) on its own network in full, the 3 depths by value
    (NIELSEN_ROWS[0][0], VERIFIED, 1, 0, 3, "(3 networks, all numerically at random points)"),
    # BP4: 9 layers by value, the window (L = 1) in full
    (NIELSEN_ROWS[3][0], VERIFIED, 1, 0, 9, "(9 layers, all numerically at random points)"),
    # a slip refuted at the window: the window's run is the first refutation, in full once; after
    # it, nothing by value (a refutation is decided symbolically)
    (r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma(z^l_j)", REFUTED, 1, 5, 0, ""),
    # no window (l and L): every run for the verdict, the refutation read again in full
    (r"\frac{\partial C}{\partial b^l_j} = \delta^l_j + \delta^L_j - \delta^L_j + \sigma(z^L_j)", REFUTED,
     1, 9, 0, ""),
    # the windows of steps are checked in full by _steps_proof; the unrolled lengths by value
    (GRAVES_ROWS[0][0], VERIFIED, 2, 0, 10, "(10 steps, all numerically at random points)"),
]


@pytest.mark.parametrize("src, verdict, full, quick, by_value, counted", WORK_ROWS, ids=range(len(WORK_ROWS)))
def test_what_a_generic_claim_checks_in_full(src: str, verdict: str, full: int, quick: int, by_value: int,
                                             counted: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import symbp.checker.generic as generic
    from symbp.checker import pipeline
    tpl = GRAVES if "^t" in src else NIELSEN
    tally = [0, 0, 0]
    real, agrees = pipeline.check_chain, generic.agrees

    def check(net, chain):  # noqa: ANN001, ANN202
        tally[bool(pipeline._VERDICT_ONLY)] += 1
        return real(net, chain)

    def counted_agrees(net, chain):  # noqa: ANN001, ANN202
        got = agrees(net, chain)
        tally[2] += got is True
        return got

    monkeypatch.setattr(generic, "check_chain", check)  # the windows of steps
    monkeypatch.setattr(generic, "agrees", counted_agrees)
    (r,) = check_generic(tpl, tpl.parse(src), check)
    assert r.verdict == verdict and counted in r.message, r.message
    assert tally == [full, quick, by_value]


@pytest.mark.parametrize("text, functions", [(r"h(a_j)", {"h"}), (r"h(a_j)", set()),
                                             (r"\sigma'(z_j) w_{kj}", {"h"}), (r"\frac{1}{", {"h"})])
def test_the_reparse_memo_is_the_parse(text: str, functions: set[str]) -> None:
    from symbp.checker.pipeline import _reparsed_key
    from symbp.errors import SymbpError
    from symbp.latex.parser import parse_expression
    try:
        want = parse_expression(text, functions).key()
    except SymbpError:
        want = None
    assert _reparsed_key(text, frozenset(functions)) == want


#: sound6: how far a claim about steps is unrolled, and what its verdict names (claim, verdict,
#: words of the message, the lengths an at-sizes verdict names)
GB = r"\frac{\partial O}{\partial b^t_h} = \sum_k w_{hk} \delta^t_k + \sum_{h'} w_{hh'} \delta^{t+1}_{h'}"
DW = r"\frac{\partial O}{\partial w_{hk}} = \sum_{t=1}^{T} \delta^t_k b^t_h"
REACH_ROWS = [
    # offsets on both sides of t: both factors real only from T = p + q + 1
    (GB + r" + \delta^{t+2}_h b^{t-2}_h", REFUTED, "refuted at length T = 5, step t = 3", None),
    (GB + r" + \delta^{t+1}_h b^{t-3}_h", REFUTED, "refuted at length T = 5, step t = 4", None),
    (GB + r" + \delta^{t+3}_h b^{t-3}_h", REFUTED, "refuted at length T = 7, step t = 4", None),
    (GB + r" + \delta^{t+1}_h b^{t-1}_h - \delta^{t+1}_h b^{t-1}_h", VERIFIED, "for every step", None),
    # past the longest unrolling: not decided, the bound named
    (GB + r" + \delta^{t+6}_h b^{t-6}_h", ERROR, "past the longest symbp unrolls (12)", None),
    # a sum from 2 whose terms name a step past T (or before 1): checked at T = 1 only (empty), an error
    (DW + r" + \sum_{t=2}^{T} \delta^{t+2}_k b^t_h", ERROR,
     "at the length T = 2 this equation names \\delta^{(4)}",
     None),
    (DW + r" + \sum_{t=2}^{T} b^{t-3}_h", ERROR, "names b^{(-1)}", None),
    (DW + r" + \sum_{t=3}^{T} \delta^{t+2}_k b^{t-2}_h", ERROR, "at the length T = 3", None),
    # terms real at every length: unchanged
    (DW + r" + \sum_{t=2}^{T} \delta^{t+1}_k b^{t-1}_h", REFUTED, "refuted at length T = 3", None),
    (r"\frac{\partial O}{\partial w_{h'h}} = \sum_{t=2}^{T} \delta^t_h b^{t-1}_{h'}", AT_SIZES,
     "verified at the lengths T = 1, 2, 3, 4, all widths", [1, 2, 3, 4]),
    # a claim at T - 3 is about lengths from 4 on: the verdict names the lengths it checked only
    (r"\delta^{T-3}_h = \delta^{T-3}_h + 0 b^{T-3}_h", VERIFIED,
     "cross-checked unrolled at T = 4 (1 length, numerically at random points)", None),
]


@pytest.mark.parametrize("src, verdict, words, lengths", REACH_ROWS,
                         ids=[f"reach{k}" for k in range(len(REACH_ROWS))])
def test_how_far_a_claim_is_unrolled(src: str, verdict: str, words: str, lengths: list | None) -> None:
    (r,) = check_generic(GRAVES, GRAVES.parse(src))
    assert r.verdict == verdict and words in r.message, (r.verdict, r.message)
    if lengths is not None:
        assert r.sizes == [{"T": d} for d in lengths], r.sizes


# Nielsen's average over the inputs in a generic-layer file (ch. 3, eqs. 57, 61, 62 with the layers as
# superscripts): one input's cost written at the top (C_x = ..., or C = ... as the one-layer file
# writes it), C = \frac{1}{n} \sum_x C_x the total; x is the letter of the average, no unit of a layer.
AVERAGE = TOP.replace("C &= COST", r"CX &= COST \\" + "\n" + r"C &= \frac{1}{n} \sum_x C_x")
CE, SQ = CROSS_ENTROPY, SQUARES
DWL, DBL = r"\frac{\partial C}{\partial w^L_{jk}} = ", r"\frac{\partial C}{\partial b^L_j} = "
DWl, DBl = r"\frac{\partial C}{\partial w^l_{jk}} = ", r"\frac{\partial C}{\partial b^l_j} = "
AVERAGE_ROWS = [
    (CE, DWL + r"\frac{1}{n} \sum_x a^{L-1}_k (a^L_j - y_j)", VERIFIED,
     "verified at the output layer L of every depth L, all sizes"),
    (CE, DBL + r"\frac{1}{n} \sum_x (a^L_j - y_j)", VERIFIED,
     "averaged over the patterns x"),
    (CE, DWL + r"\frac{1}{n} \sum_x \frac{\partial C_x}{\partial w^L_{jk}}",
     VERIFIED, "every depth L"),
    (CE, r"\frac{\partial C_x}{\partial w^L_{jk}} = a^{L-1}_k (a^L_j - y_j)", VERIFIED, "every depth L"),
    (CE, r"\delta^L_j = a^L_j - y_j", VERIFIED, "every depth L"),
    (CE, DWl + r"\frac{1}{n} \sum_x a^{l-1}_k \delta^l_j", VERIFIED,
     "verified for every layer l = 1..L of every depth L, all sizes"),
    (CE, DBl + r"\frac{1}{n} \sum_x \delta^l_j", VERIFIED,
     "for every layer l = 1..L"),
    (CE, r"\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)", VERIFIED,
     "for every layer l = 1..L-1 of every depth L"),
    # the classic slips: the 1/n, the average, the sign, the layer of the activation, l for L
    (CE, DWL + r"\sum_x a^{L-1}_k (a^L_j - y_j)", REFUTED,
     "refuted at depth L = 2"),
    (CE, DWL + r"a^{L-1}_k (a^L_j - y_j)", REFUTED, "depth L = 2"),
    (CE, DBL + r"\frac{1}{n} \sum_x (y_j - a^L_j)", REFUTED,
     "differ in sign only"),
    (CE, DBL + r"\frac{2}{n} \sum_x (a^L_j - y_j)", REFUTED, "depth L = 2"),
    (CE, DWL + r"\frac{1}{n} \sum_x a^L_k (a^L_j - y_j)", REFUTED,
     "the layers L-1 and L"),
    (CE, DWl + r"\frac{1}{n} \sum_x a^{l-1}_k (a^l_j - y_j)", REFUTED,
     "the index j stands for units of the layers l and L (read with every layer equally wide); refuted at "
     "depth L = 2, layer l = 1"),
    (CE, DBl + r"\frac{1}{n} \sum_x (a^l_j - y_j)", REFUTED, "layer l = 1"),
    (CE, r"\delta^l_j = a^l_j - y_j", REFUTED, "layer l = 1"),
    # the quadratic cost averaged, C = \frac{1}{2n} \sum_x \|y(x) - a^L(x)\|^2 in components
    (SQ, DWL + r"\frac{1}{n} \sum_x a^{L-1}_k (a^L_j - y_j) \sigma'(z^L_j)",
     VERIFIED, "every depth L"),
    (SQ, DBL + r"\frac{1}{n} \sum_x (a^L_j - y_j) \sigma'(z^L_j)", VERIFIED,
     "every depth L"),
    (SQ, DWL + r"\frac{1}{n} \sum_x a^{L-1}_k (a^L_j - y_j)", REFUTED,
     "depth L = 2"),
]


@pytest.mark.parametrize("cost_x", ["C_x", "C"])
@pytest.mark.parametrize("cost, claim, verdict, words", AVERAGE_ROWS)
def test_the_average_over_the_inputs(cost_x: str, cost: str, claim: str, verdict: str, words: str) -> None:
    from symbp import check_file
    text = AVERAGE.replace("CX", cost_x).replace("COST", cost) + "\n\\[ " + claim + " \\]\n"
    rs = check_file(loads(text))
    assert [r.verdict for r in rs] == [verdict] * len(rs) and words in rs[0].message, [r.message for r in rs]
    if verdict == REFUTED:  # the counterexample names the depth (and the layer of a claim at l)
        cx = rs[0].counterexample
        assert cx is not None and cx["depth"] == 2 and (cx["layer"] is None) == ("^l" not in claim)


@pytest.mark.parametrize("cost, claim, verdict, words", AVERAGE_ROWS)
def test_the_oracle_agrees_on_the_average(cost: str, claim: str, verdict: str, words: str) -> None:
    """The independent oracle on every unrolled instance: a verified row is equivalent, a refuted one
    different (or, where a letter stands for units of two layers, ill-formed at unequal widths)."""
    from symbp.document import loads as load_text
    tpl = load_text(AVERAGE.replace("CX", "C_x").replace("COST", cost)).generic
    truth = oracle_verdict(tpl, tpl.parse(claim))
    if verdict == VERIFIED:
        assert truth == oracle.EQUIVALENT
    else:
        assert truth in (oracle.DIFFERENT, oracle.ILL_FORMED)


@settings(max_examples=12, deadline=None)
@given(st.fractions(min_value=-3, max_value=3, max_denominator=4), st.sampled_from(["b^L_j", "w^L_{jk}"]))
def test_only_the_average_s_own_scale_verifies(c: Fraction, wrt: str) -> None:
    """Hypothesis: ``\\frac{c}{n} \\sum_x`` of one input's gradient verifies exactly when ``c = 1``
    (every depth L); else refuted at a depth it names."""
    from symbp import check_file
    term = "(a^L_j - y_j)" if wrt.startswith("b") else "a^{L-1}_k (a^L_j - y_j)"
    scale = f"\\frac{{{c.numerator}}}{{{c.denominator} n}}"
    claim = f"\\frac{{\\partial C}}{{\\partial {wrt}}} = {scale} \\sum_x {term}"
    text = AVERAGE.replace("CX", "C_x").replace("COST", CROSS_ENTROPY)
    (r,) = check_file(loads(text + f"\n\\[ {claim} \\]\n"))
    assert r.verdict == (VERIFIED if c == 1 else REFUTED), (claim, r.message)
    if c != 1:
        assert r.counterexample["depth"] == 2


def test_a_generic_average_without_its_cost_s_directive() -> None:
    """The average and one input's cost at the top, the error not declared: an error naming the
    directive (as for a cost at the top without the average)."""
    text = AVERAGE.replace("CX", "C_x").replace("COST", CROSS_ENTROPY).replace("% symbp: error C\n", "")
    with pytest.raises(DeclarationError, match="error C"):
        loads(text + "\n\\[ \\delta^L_j = a^L_j - y_j \\]\n")


@pytest.mark.parametrize("cost", [r"\frac{1}{2n} \sum_x \sum_j (y_j - a^L_j)^2",
                                  r"-\frac{1}{n} \sum_x \sum_j [y_j \ln a^L_j + (1 - y_j) \ln(1 - a^L_j)]"])
def test_the_average_in_one_line_is_an_error_naming_the_two_lines(cost: str) -> None:
    """Nielsen's one-line average, its summand one input's without naming x: read as written it is
    the number of x's times one input's cost, so an error (at the sum) naming the form symbp reads."""
    with pytest.raises(DeclarationError, match=r"sums over x, which its summand does not name") as info:
        loads(TOP.replace("COST", cost) + "\n\\[ \\delta^L_j = a^L_j - y_j \\]\n")
    assert r"C_x = \sum_j ... and C = \frac{1}{n} \sum_x C_x" in str(info.value)


@pytest.mark.parametrize("claim, words", [
    (r"\frac{\partial C}{\partial b^L_x} = \frac{1}{n} \sum_x (a^L_x - y_x)",
     "x is the letter of the average over the inputs"),
    (r"\frac{\partial C}{\partial a^L_j} = \frac{1}{n} \sum_x (a^L_j - y_j)",
     "can be read as one pattern's cost"),
])
def test_the_average_s_letter_and_readings_stay_apart(claim: str, words: str) -> None:
    """The average's letter used for units, and the average's derivative by one input's quantity
    (two readings): errors naming the fix, never a verdict."""
    from symbp import check_file
    text = AVERAGE.replace("CX", "C_x").replace("COST", CROSS_ENTROPY)
    (r,) = check_file(loads(text + f"\n\\[ {claim} \\]\n"))
    assert r.verdict == ERROR and words in r.message and "hint: " in r.message, r.message


def test_dress_after_the_top_places_are_cached() -> None:
    # Template.cache holds the unrolled networks and the top layer's places (a dict): dressing the
    # networks (a file's layout or conventions) after a check had cached those places raised
    # AttributeError on the dict (gen8 noticed it)
    tpl = Template("layers", "l", "L", [r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j",
                                        r"a^l_j = \sigma(z^l_j)"])
    tpl._top_places()
    net = tpl.network(2)
    tpl.dress(layout="numerator")
    assert "top_places" in tpl.cache and net.layout == "numerator"


# gen9: a claim about step t (layer l) that names a step past the last boundary (\delta^{T+2}: only
# \delta^{T+1} = 0 is declared) or before the first (b^{-1}, x^0) is decided where every step it names
# is real, and its verdict names exactly those steps (layers) and says the others were not decided (the
# audit: GB + \delta^{t+9}_h - \delta^{t+9}_h was verified "for every step t = 1..T-9 ..., and at
# t = T-8 separately", the steps T-7..T unnamed).  Truth by hand: a zero-sum term is 0 wherever it is
# defined (verified there); a real term \delta^{t+p}_h, b^{t-q}_h (\sum_m \delta^{l+p}_m, \sum_m a^{l-q}_m)
# is a function of the inputs, not 0, wherever defined (refuted)
BP3 = r"\frac{\partial C}{\partial b^l_j} = \delta^l_j"
OFFSETS = [2, 3, 4, 5, 6, 7, 8, 9]


def _steps_named(message: str, letter: str, D: str, at: int) -> tuple[set[int], set[int]]:
    """The steps (layers) a generic verdict's scope sentence says were decided and not decided, in a
    sequence (network) of length (depth) ``at``: its ranges ``t = 1..T-9``, ``at t = T-8``."""
    scope = message.split(": ")[0]  # the head, before the windows' words

    def value(x: str) -> int:
        return at + int(x[len(D):] or 0) if x.startswith(D) else int(x)

    def steps(text: str) -> set[int]:
        found = set()
        for lo, hi in re.findall(rf"{letter} = ({D}[+-]\d+|{D}|\d+)(?:\.\.({D}[+-]\d+|{D}|\d+))?", text):
            found |= set(range(value(lo), value(hi or lo) + 1))
        return found

    decided, _, undecided = scope.partition("; not decided ")
    return steps(decided), steps(undecided)


def _step_row(p: int, real: bool) -> tuple[str, str, set[int]]:
    """The claim ``GB`` plus a term at the offset ``p`` (``\\delta^{t+p}`` above, ``b^{t+p}`` below),
    its verdict by hand and the steps of a length 20 it is defined at (the claim at t names only
    real steps, or \\delta^{T+1} = 0: 1 <= t+p <= 21 for \\delta, 0 <= t+p for b, the boundary b^0)."""
    fam = r"\delta" if p > 0 else "b"
    term = f"{fam}^{{t{p:+d}}}_h"
    src = GB + (f" + {term}" if real else f" + {term} - {term}")
    defined = {t for t in range(1, 21) if (t + p <= 21 if p > 0 else t + p >= 0)}
    return src, REFUTED if real else VERIFIED, defined


@pytest.mark.parametrize("p", OFFSETS + [-q for q in OFFSETS])
@pytest.mark.parametrize("real", [False, True], ids=["zero-sum", "real"])
def test_a_step_claim_names_the_steps_it_decided(p: int, real: bool) -> None:
    src, verdict, defined = _step_row(p, real)
    (r,) = check_generic(GRAVES, GRAVES.parse(src))
    assert r.verdict == verdict, r.message
    if verdict == VERIFIED:  # the steps decided are exactly those defined, the rest said undecided
        decided, undecided = _steps_named(r.message, "t", "T", 20)
        assert decided == defined and undecided == set(range(1, 21)) - defined, r.message
        assert undecided and "not decided at t = " in r.message, r.message
    else:  # refuted at a step where every step it names is real
        cx = r.counterexample
        assert cx is not None and 1 <= cx["layer"] <= cx["depth"], r.message
        assert (cx["layer"] + p <= cx["depth"]) if p > 0 else (cx["layer"] + p >= 0), r.message


@pytest.mark.parametrize("p", OFFSETS + [-q for q in OFFSETS])
@pytest.mark.parametrize("real", [False, True], ids=["zero-sum", "real"])
def test_a_layer_claim_names_the_layers_it_decided(p: int, real: bool) -> None:
    """Layers: no boundary past L is declared, so BP3 plus \\sum_m \\delta^{l+p}_m is about the layers
    l = 1..L-p (plus \\sum_m a^{l-q}_m: l = q..L, a^0 the input) and its verdict says those alone."""
    fam = r"\delta" if p > 0 else "a"
    term = rf"\sum_m {fam}^{{l{p:+d}}}_m"
    (r,) = check_generic(NIELSEN, NIELSEN.parse(BP3 + (f" + {term}" if real else f" + {term} - {term}")))
    if real:
        assert r.verdict == REFUTED, r.message
        return
    assert r.verdict == VERIFIED, r.message
    defined = {la for la in range(1, 21) if (la + p <= 20 if p > 0 else la + p >= 0)}
    decided, undecided = _steps_named(r.message, "l", "L", 20)
    assert decided == defined and not undecided, r.message


@pytest.mark.parametrize("p", [2, 9, -2, -9])
def test_a_unit_letter_at_two_layers_is_an_error(p: int) -> None:
    """BP3 plus \\delta^{l+9}_j - \\delta^{l+9}_j: j stands for units of two layers, an error asking
    for a letter per layer (neither verified for some layers nor refuted)."""
    fam = r"\delta" if p > 0 else "a"
    term = f"{fam}^{{l{p:+d}}}_j"
    (r,) = check_generic(NIELSEN, NIELSEN.parse(BP3 + f" + {term} - {term}"))
    assert r.verdict == ERROR and "the index j stands for units of the layers" in r.message, r.message


#: zero-sum terms above and below t at once (claim, the steps of a length 20 where every step it
#: names is real, by hand): both gaps said, each with the step it names there
BOTH_GAPS = [
    (GB + r" + \delta^{t+5}_h - \delta^{t+5}_h + b^{t-5}_h - b^{t-5}_h", set(range(5, 17))),
    (GB + r" + \delta^{t+2}_h - \delta^{t+2}_h + x^{t-3}_i - x^{t-3}_i", set(range(4, 20))),
    (GB + r" + \delta^{t+2}_h b^{t-2}_h - \delta^{t+2}_h b^{t-2}_h", set(range(2, 20))),
    (r"\delta^{t+1}_h = \theta_h'(a^{t+1}_h) \left(\sum_k \delta^{t+1}_k w_{hk} "  # from t = 0 on
     r"+ \sum_{h'} \delta^{t+2}_{h'} w_{hh'}\right)", set(range(0, 20))),
]


@pytest.mark.parametrize("src, defined", BOTH_GAPS, ids=[f"gaps{k}" for k in range(len(BOTH_GAPS))])
def test_both_gaps_are_named(src: str, defined: set[int]) -> None:
    (r,) = check_generic(GRAVES, GRAVES.parse(src))
    assert r.verdict == VERIFIED, r.message
    decided, undecided = _steps_named(r.message, "t", "T", 20)
    assert decided == defined and undecided == set(range(1, 21)) - defined, r.message


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(12, 30))
def test_the_scope_is_the_steps_decided(p: int, q: int, length: int) -> None:
    """A property: GB with zero-sum terms \\delta^{t+p} and b^{t-q} (a spread within the longest
    unrolling) is verified at exactly the steps t of a length where both are real (q <= t, t+p <= T+1),
    and the others of 1..T are said not decided; none is both, none is left unsaid."""
    if p + q > 11:
        p, q = p, max(1, 11 - p)
    src = GB + rf" + \delta^{{t+{p}}}_h - \delta^{{t+{p}}}_h + b^{{t-{q}}}_h - b^{{t-{q}}}_h"
    (r,) = check_generic(GRAVES, GRAVES.parse(src))
    assert r.verdict == VERIFIED, r.message
    decided, undecided = _steps_named(r.message, "t", "T", length)
    steps = set(range(1, length + 1))
    assert decided & steps == {t for t in steps if q <= t and t + p <= length + 1}, r.message
    assert undecided == steps - decided and not decided - steps, r.message


#: an at-sizes verdict names the steps (layers) of each length (depth) it checked, never "every step t
#: of each" where some were skipped (claim, template, the words of its scope)
AT_SIZES_SCOPE = [
    (GB + r" + b^{t+3}_h - b^{t+3}_h", GRAVES,
     "verified at the lengths T = 4 (the step t = 1 at T = 4: at the others it names a step that length "
     "lacks), all widths"),
    (GB + r" + \delta^{t+2}_h a^{T}_k - \delta^{t+2}_h a^{T}_k", GRAVES,
     "verified at the lengths T = 2, 3, 4 (at each, the steps t = 1..T-1 alone: at the others it names a "
     "step that length lacks), all widths"),
    (r"\frac{\partial C}{\partial b^l_j} + \frac{\partial C}{\partial b^L_k} = \delta^l_j + \delta^L_k",
     NIELSEN,
     "verified at the depths L = 2, 3, 4 (every layer l of each), all widths"),
]


@pytest.mark.parametrize("src, tpl, words", AT_SIZES_SCOPE,
                         ids=[f"at{k}" for k in range(len(AT_SIZES_SCOPE))])
def test_an_at_sizes_verdict_names_the_steps_checked(src: str, tpl: Template, words: str) -> None:
    (r,) = check_generic(tpl, tpl.parse(src))
    assert r.verdict == AT_SIZES and r.message.startswith(words), r.message
