"""Diagnosis quality, per mutant class: the message names the cause in the writer's notation
(which index, which factor, which sum) and proposes the corrected equation, which verifies.

One row per class of tests/test_mutation.py (symbp.soundness.mutation.MUTANT_CLASSES), a few classes twice
(plain and shared networks).  ``suggested`` is the corrected equation symbp must propose (``None``
where it proposes none: a change of two tokens at once).
"""

from __future__ import annotations

import pytest

from symbp import check_equation, declare
from symbp.soundness.mutation import MUTANT_CLASSES

P, S = "plain", "shared"
#: PRML 5.8: the biases as the weights of the units x_0 = 1, z_0 = 1
B = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "derivations" / "prml_bias.tex")
LOGISTIC, SOFTMAX = (str(__import__("pathlib").Path(B).parent / f"prml_5_2_{x}.tex")
                     for x in ("logistic", "softmax"))


def dE(wrt: str) -> str:
    return r"\frac{\partial E}{\partial " + wrt + "}"


DELTA = r"\delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"
#: a 1-D convolution (PRML 5.5.6): the kernel w_m over the J = I - M + 1 valid positions
CONV = declare([r"a_j = \sum_{m} w_m x_{j+m-1}", r"z_j = h(a_j)"], sizes=["J = I - M + 1"])
STRIDED = declare([r"a_j = \sum_{m} w_m x_{s(j-1)+m}", r"z_j = h(a_j)"], sizes=["I = s(J-1) + M"])

DIAGNOSES = [
    # (class, network, mutant, phrases the message must contain, the corrected equation or None)
    ("swap-indices", P, r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k",
     ["w_{jk}", "the network has", "did you mean w_{kj}"], DELTA),
    ("swap-indices", P, dE("w_{ij}") + r" = \delta_j z_i", ["w_{ij}", "did you mean w_{ji}"],
     dE("w_{ji}") + r" = \delta_{j} z_{i}"),
    ("swap-indices", S, r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{j_lk} \delta_k", ["did you mean w_{kj_l}"],
     r"\delta_{j_l} = h'(a_{j_l}) \sum_{k} w_{kj_l} \delta_{k}"),
    ("h'-to-h", P, r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k",
     ["h'(a_{j}) of the left side is missing", "extra factor h(a_{j})",
      "did you mean h'(a_{j}) instead of h(a_{j})"],
     DELTA),
    ("h-to-h'", P, dE("w_{kj}") + r" = \delta_k h'(a_j)", ["did you mean h(a_{j}) instead of h'(a_{j})"],
     dE("w_{kj}") + r" = \delta_{k} h(a_{j})"),
    ("drop-h'", P, r"\delta_j = \sum_k w_{kj} \delta_k",
     ["a factor h'(a_{j}) of the left side is missing", "with a factor h'(a_{j})"], DELTA),
    ("drop-h'", S, r"\delta_{j_l} = \sum_k w_{kj_l} \delta_k", ["with a factor h'(a_{j_l})"],
     r"\delta_{j_l} = h'(a_{j_l}) \sum_{k} w_{kj_l} \delta_{k}"),
    ("drop-sum", P, r"\delta_j = h'(a_j) w_{kj} \delta_k",
     ["k is free on the right", r"did you forget \sum_k"],
     r"\delta_{j} = \sum_{k} h'(a_{j}) w_{kj} \delta_{k}"),
    ("drop-sum", S, dE("w_{ji}") + r" = \delta_{j_l} z_{i_l}", [r"did you forget \sum_l"],
     dE("w_{ji}") + r" = \sum_{l} \delta_{j_l} z_{i_l}"),
    ("add-sum", P, r"\delta_j = \sum_j h'(a_j) \sum_k w_{kj} \delta_k",
     ["the right sums over it", r"did you sum over j by mistake"], DELTA),
    ("rename-sum-index", P, r"\delta_j = h'(a_j) \sum_i w_{kj} \delta_k",
     ["summation index i does not occur", r"did you mean \sum_k instead of \sum_i"], DELTA),
    ("rename-sum-index", S, dE("w_{ji}") + r" = \sum_k \delta_{j_l} z_{i_l}",
     [r"did you mean \sum_l instead of \sum_k"], dE("w_{ji}") + r" = \sum_{l} \delta_{j_l} z_{i_l}"),
    ("swap-family", P, dE("w_{kj}") + r" = \delta_k a_j", ["did you mean z_{j} instead of a_{j}"],
     dE("w_{kj}") + r" = \delta_{k} z_{j}"),
    ("swap-family", P, r"\delta_j = h'(z_j) \sum_k w_{kj} \delta_k", ["did you mean a_{j} instead of z_{j}"],
     DELTA),
    ("swap-delta-index", P, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_j",
     [r"did you mean \delta_{k} instead of \delta_{j} on the right"], DELTA),
    ("swap-delta-index", P, dE("w_{ji}") + r" = \delta_k z_i", ["did you mean j instead of k on the right"],
     dE("w_{ji}") + r" = \delta_{j} z_{i}"),
    ("swap-delta-index", P, dE("w_{ji}") + r" = \delta_i z_i", [r"did you mean \delta_{j}"],
     dE("w_{ji}") + r" = \delta_{j} z_{i}"),
    ("flip-sign", P, r"\delta_j = -h'(a_j) \sum_k w_{kj} \delta_k",
     ["in sign only", "without the minus sign"],
     DELTA),
    ("flip-sign", S, dE("w_{ji}") + r" = -\sum_l \delta_{j_l} z_{i_l}", ["in sign only"],
     dE("w_{ji}") + r" = \sum_{l} \delta_{j_l} z_{i_l}"),
    ("scale-by-2", P, r"\delta_j = 2 h'(a_j) \sum_k w_{kj} \delta_k",
     ["by a factor of 2", "without the factor 2"],
     DELTA),
    ("scale-by-2", P, dE("w_{kj}") + r" = \frac{1}{2} \delta_k z_j", ["by a factor of 1/2"],
     dE("w_{kj}") + r" = \delta_{k} z_{j}"),
    # two letters exchanged everywhere: named, but no one-token correction exists
    ("swap-layers", P, r"\delta_k = h'(a_k) \sum_j w_{kj} \delta_j",
     ["sums over more indices", "extra factor h'(a_{k})"], None),
    ("swap-layers", P, dE("w_{kj}") + r" = \delta_j z_k", ["z_k", "the network has z_{i}, z_{j}"], None),
    ("bare-function", P, r"\delta_j = h_j \sum_k w_{kj} \delta_k",
     ["a factor h'(a_{j}) of the left side is missing", "extra factor h(a_{j})"], None),
    # the bias's unit dropped from a sum from 0: the sides differ by the term w_{j0} x_0
    ("unit-0", B, r"a_j = \sum_{i=1}^{D} w_{ji} x_i", ["a sum is added or dropped"], None),
    ("unit-0", B, dE("w_{ji}") + r" = \delta_j x_0", ["did you mean x_{i} instead of x_{0}"],
     dE("w_{ji}") + r" = \delta_{j} x_{i}"),
    # PRML's canonical pairs (4.3.6, 5.2): the logistic output with the binary cross-entropy, the
    # softmax with the multiclass one
    ("swap-difference", LOGISTIC, r"\delta_k = t_k - y_k", ["differ in sign only"], None),
    ("drop-output", SOFTMAX, r"\frac{\partial y_k}{\partial a_l} = [k = l] - y_l",
     ["different free indices"], None),
    ("log-argument", LOGISTIC, dE("y_k") + r" = -\frac{t_k}{y_k} + \frac{1 - t_k}{y_k}",
     ["the two sides differ", "on the left only"], None),
    ("flip-shift", CONV, dE("w_m") + r" = \sum_j \delta_j x_{j-m+1}",
     ["with different indices", "a side reads x_{i} at 0 (outside 1..I)",
      r"symbp derives \frac{\partial E}{\partial w_{m}} = \sum_{j} \delta_{j} x_{j+m-1}"], None),
    ("wrong-boundary", CONV, dE("x_i") + r" = \sum_m w_m \delta_{i-m+1} [1 \le i-m+1 \le M]",
     ["a side reads \\delta at", "(outside 1..J)", "[1 \\le i-j+1 \\le M]"], None),
    ("wrong-boundary", CONV, dE("w_m") + r" = \sum_j \delta_j x_{j+m}",
     ["a side reads x_{i} at", "(outside 1..I)"], None),
    # a symbolic stride forgotten: the position of a stride 1, equal at s = 1 only
    ("drop-stride", STRIDED, dE("w_m") + r" = \sum_j \delta_j x_{j+m-1}",
     ["with different indices", r"symbp derives \frac{\partial E}{\partial w_{m}} = \sum_{j} \delta_{j} "
      r"x_{s(j-1)+m}"], None),
]


@pytest.mark.parametrize("cls, net, latex, phrases, suggested",
                         [pytest.param(*row, id=f"{row[0]}: {row[2]}") for row in DIAGNOSES])
def test_the_diagnosis_names_the_cause_and_proposes_the_correction(cls: str, net: str, latex: str,
                                                                   phrases: list[str],
                                                                   suggested: str | None) -> None:
    (r,) = check_equation(latex, net)
    assert r.verdict == "refuted", r.message
    for phrase in phrases:
        assert phrase in r.message, f"{phrase!r} not in {r.message!r}"
    assert r.suggestion == suggested, r.message
    if suggested is not None:
        assert [x.verdict for x in check_equation(suggested, net)] == ["verified"]
        assert "the step is verified for all sizes" in r.message


def test_every_mutant_class_has_a_diagnosis_row() -> None:
    assert {row[0] for row in DIAGNOSES} == set(MUTANT_CLASSES)


def test_a_long_ratio_is_shortened() -> None:
    (r,) = check_equation(r"\delta_j = " + r"\frac{1}{2} " * 200 + r"h'(a_j) \sum_k w_{kj} \delta_k", P)
    assert r.verdict == "refuted" and "digits)" in r.message and len(r.message) < 600


def test_a_multi_term_side_names_its_unmatched_terms() -> None:
    (r,) = check_equation(r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k + h(a_j)", P)
    assert "the left side reduces to one term and the right side to 2 terms" in r.message
    assert "on the right only: h(a_{j})" in r.message
    (r,) = check_equation(r"h'(a_j) - \delta_j = \delta_j - h'(a_j)", P)
    assert "in sign only" in r.message
