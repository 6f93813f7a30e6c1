"""Verdicts by value: index rules explain, the value decides.

An equation means "for every value of its free letters, and all sizes".  A vacuous sum, terms
with different free indices and a letter free on one side only decide nothing by themselves: an
equation that holds is ``verified`` with the index remark as a warning (``code`` and
``message``); one that fails is ``refuted``, with the index analysis as the diagnosis and the
value's counterexample as the evidence.  Then the false refutations and internal errors of
issue 11, each with its regression test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import symbp
from symbp.cli import main

PLAIN, SHARED = symbp.builtin("plain"), symbp.builtin("shared")
DELTA = r"h'(a_j) \sum_k w_{kj} \delta_k"

#: a net whose input x_i is the same at every position l: a_{j_l} does not depend on l through w
BROADCAST = symbp.declare([r"a_{j_l} = \sum_i w_{ji} x_i", r"z_{j_l} = h(a_{j_l})",
                           r"a_k = \sum_j \sum_l v_{kj} z_{j_l}"], params=["w", "v"])
#: positional and pooled outputs over one input: dE/dx collects both
TWO_WAYS = symbp.declare([r"a_{m_l} = \sum_i u_{mi} x_{i_l}", r"a_q = \sum_i \sum_l v_{qi} x_{i_l}",
                          r"y_{m_l} = a_{m_l}", r"y_q = a_q"], params=["u", "v"])
#: a unit that feeds a pooling layer (u) and a positional layer (v)
FORK = symbp.declare([r"a_{j_l} = \sum_i w_{ji} x_{i_l}", r"z_{j_l} = h(a_{j_l})",
                      r"a_m = \sum_j \sum_l u_{mj} z_{j_l}", r"a_{k_l} = \sum_j v_{kj} z_{j_l}"],
                     params=["w", "u", "v"])

HOLDS = [  # (network, equation, the codes of its warnings)
    (PLAIN, r"\sum_k \delta_j = K \delta_j", ["vacuous-sum"]),
    (PLAIN, r"J \delta_k = \sum_j \delta_k", ["vacuous-sum"]),
    # a shadowed sum: the inner \sum_k binds k, the outer one is vacuous
    (PLAIN, r"\sum_k \sum_k w_{kj} \delta_k = K \sum_k w_{kj} \delta_k", ["vacuous-sum"]),
    (PLAIN, r"\delta_k \sum_k w_{kj} \delta_k = \delta_k \sum_q w_{qj} \delta_q", []),  # k free and bound
    (PLAIN, f"\\delta_j = {DELTA} + 0 \\delta_k", ["terms-free-mismatch", "free-index-mismatch"]),
    (BROADCAST, r"\frac{\partial a_{j_l}}{\partial w_{mi}} = [j = m] x_i", ["free-index-mismatch"]),
    (TWO_WAYS, r"\frac{\partial E}{\partial x_{i_l}} = \sum_m u_{mi} \delta_{m_l} + \sum_q v_{qi} \delta_q",
     ["terms-free-mismatch"]),
    (FORK, r"\delta_{j_l} = h'(a_{j_l}) (\sum_m u_{mj} \delta_m + \sum_k v_{kj} \delta_{k_l})",
     ["terms-free-mismatch"]),
    (SHARED, r"\sum_k \frac{\partial E}{\partial a_{j_l}} \frac{\partial a_{j_l}}{\partial w_{ji}} = "
             r"\sum_k \delta_{j_l} z_{i_l}", ["vacuous-sum", "vacuous-sum"]),
]
FAILS = [  # (network, equation, a phrase of the index diagnosis)
    (PLAIN, r"\sum_k \delta_j = \delta_j", "k does not occur in the summand"),
    (PLAIN, f"\\delta_j = {DELTA} + \\delta_k", "different free indices"),
    (SHARED, r"\frac{\partial E}{\partial w_{ji}} = \sum_k \frac{\partial E}{\partial a_{j_l}} "
             r"\frac{\partial a_{j_l}}{\partial w_{ji}}", r"did you mean \sum_l"),
    (SHARED, r"\frac{\partial E}{\partial w_{ji}} = \delta_{j_l} z_{i_l}", "l is free on the right"),
]


@pytest.mark.parametrize("net, latex, codes", HOLDS)
def test_an_index_remark_on_a_true_equation_is_a_warning(net: symbp.Network, latex: str,
                                                         codes: list[str]) -> None:
    (r,) = symbp.check_equation(latex, net)
    assert r.verdict == "verified", r.message
    assert [w["code"] for w in r.warnings] == codes
    assert all(w["message"] for w in r.warnings)
    assert r.to_json().get("warnings", []) == r.warnings


@pytest.mark.parametrize("net, latex, phrase", FAILS)
def test_an_index_slip_on_a_wrong_equation_is_its_diagnosis(net: symbp.Network, latex: str,
                                                            phrase: str) -> None:
    (r,) = symbp.check_equation(latex, net)
    assert r.verdict == "refuted" and phrase in r.message and not r.warnings
    cx = r.counterexample
    assert cx is not None and cx["lhs"] != pytest.approx(cx["rhs"])  # the value is the evidence


def test_a_result_without_warnings_keeps_its_json() -> None:
    (r,) = symbp.check_equation(f"\\delta_j = {DELTA}", PLAIN)
    assert "warnings" not in r.to_json()


def test_warnings_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--context", "plain", "-e", r"\sum_k \delta_j = K \delta_j"]) == 0
    assert "warning: the summation index k does not occur" in capsys.readouterr().out


# ----------------------------------------------------------------------------------------------
# issue 11: false refutations and internal errors, fixed


def test_the_sum_inside_a_product_is_its_expansion() -> None:
    product = r"\delta_{j_l} = h'(a_{j_l}) (\sum_m u_{mj} \delta_m + \sum_k v_{kj} \delta_{k_l})"
    expanded = r"\delta_{j_l} = h'(a_{j_l}) \sum_m u_{mj} \delta_m + h'(a_{j_l}) \sum_k v_{kj} \delta_{k_l}"
    assert [r.verdict for r in symbp.check_equation(product, FORK)] == ["verified"]
    assert [r.verdict for r in symbp.check_equation(expanded, FORK)] == ["verified"]


TANH_TWICE = symbp.declare([r"a_j = \sum_i w_{ji} x_i", r"z_j = g(a_j)", r"a_k = \sum_j v_{kj} z_j",
                            r"y_k = h(a_k)"], params=["w", "v"], activations={"h": "tanh", "g": "tanh"})


@pytest.mark.parametrize("latex, verdict", [
    (r"\frac{\partial z_j}{\partial a_j} = g'(a_j)", "verified"),
    (r"\frac{\partial z_j}{\partial a_j} = h'(a_j)", "verified"),  # h is tanh too
    (r"\frac{\partial z_j}{\partial a_j} = 1 - z_j^2", "verified"),
    (r"\frac{\partial z_j}{\partial a_j} = h(a_j)", "refuted"),
])
def test_two_names_declared_as_one_function_are_one_function(latex: str, verdict: str) -> None:
    assert [r.verdict for r in symbp.check_equation(latex, TANH_TWICE)] == [verdict]


def test_a_bias_shared_over_positions_feeding_a_positional_output() -> None:
    net = symbp.declare([r"a_{k_l} = \sum_i w_{ki} x_{i_l} + b_k", r"y_{k_l} = a_{k_l}"])
    (r,) = symbp.check_equation(r"\frac{\partial E}{\partial b_k} = \sum_l \delta_{k_l}", net)
    assert r.verdict == "verified", r.message  # was: internal error, KeyError: '~d0'
    (r,) = symbp.check_equation(r"\frac{\partial E}{\partial b_k} = \delta_{k_l}", net)
    assert r.verdict == "refuted"


def test_a_composite_index_over_a_greek_letter(tmp_path: Path) -> None:
    f = tmp_path / "g.tex"
    f.write_text("% symbp: forward a_{\\nu_l} = \\sum_i w_{\\nu i} x_{i_l}\n"
                 "% symbp: forward a_k = \\sum_\\nu \\sum_l v_{k\\nu} h(a_{\\nu_l})\n"
                 "% symbp: index m = \\nu_l\n"
                 "$$\\frac{\\partial E}{\\partial w_{\\nu i}} = \\sum_l \\delta_{\\nu_l} x_{i_l}$$\n"
                 "$$\\frac{\\partial E}{\\partial a_m} = \\delta_m$$\n"
                 "$$\\delta_{\\nu_l} = h'(a_{\\nu_l}) \\sum_k \\delta_k v_{k\\nu}$$\n",
                 encoding="utf-8")
    deriv = symbp.load(f)
    assert deriv.network.composites["m"] == ("nu", "l")
    assert [r.verdict for r in symbp.check_file(deriv)] == ["verified"] * 3


def test_a_huge_number_is_bounded_like_other_big_inputs(tmp_path: Path) -> None:
    f = tmp_path / "big.tex"
    f.write_text("% symbp: network plain\n$$\\delta_j = " + "9" * 100_000 + " \\delta_j$$\n"
                 "$$\\delta_j = \\delta_j$$\n", encoding="utf-8")
    first, second = symbp.check_file(f)  # one error, and the rest of the file is still checked
    assert first.verdict == "error" and "100000 digits" in first.message and first.line == 2
    assert second.verdict == "verified"


def test_expect_can_name_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "w.tex"
    f.write_text("% symbp: network plain\n% symbp: expect verified vacuous-sum\n"
                 "$$\\sum_k \\delta_j = K \\delta_j$$\n"
                 "% symbp: expect refuted verified vacuous-sum\n"
                 "$$\\delta_j = \\sum_k \\delta_j = K \\delta_j$$\n", encoding="utf-8")
    assert [(r.verdict, r.as_expected) for r in symbp.check_file(f)] == [("verified", True)] * 1 + [
        ("refuted", True), ("verified", True)]
    assert main(["check", str(f)]) == 0
    f.write_text("% symbp: network plain\n% symbp: expect verified terms-free-mismatch\n"
                 "$$\\sum_k \\delta_j = K \\delta_j$$\n", encoding="utf-8")
    assert main(["check", str(f)]) == 1
    assert "(EXPECTED verified terms-free-mismatch)" in capsys.readouterr().out
