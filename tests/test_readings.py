"""An undeclared index letter that fits several layers is checked under every reading.

Before, such a letter was a refutation ("q could run over J or K"), which refuted true equations
(found by the rename-dummy rewrites of tests/test_mutation.py).  Now: the same verdict under every
reading that fits is the verdict; readings that disagree, or one that cannot be decided (a bound),
give an ``error`` that asks for a declaration.
"""

from __future__ import annotations

import pytest

from symbp import check_equation
from symbp.checker import pipeline as check
from symbp.checker.results import ERROR, LinkResult

READINGS = [
    (r"\delta_j = \sum_q \delta_q \frac{\partial a_q}{\partial a_j}", "verified",
     "under every reading of the undeclared index (q over J or K)"),
    (r"\frac{\partial E}{\partial a_j} = \sum_q \frac{\partial E}{\partial a_q}"
     r" \frac{\partial a_q}{\partial a_j}", "verified", "under every reading"),
    (r"\delta_j = \sum_n \delta_n h'(a_j)", "refuted", "under every reading of the undeclared index"),
    (r"\delta_j = \sum_{n=1}^{K} \delta_n h'(a_j)", "refuted", "n over K (the only reading that fits)"),
    (r"1 = \sum_q \frac{\partial a_q}{\partial a_j}", "error",
     "the readings disagree (J: verified; K: refuted)"),
    # q over J is a reading that fits (a_q, a hidden unit) but that symbp does not decide (d/dz_j of
    # an expression in a: which one is held fixed?); under it the equation is not shown, so it is
    # not verified (it was: "q over K (the only reading that fits)")
    (r"\sum_q \frac{\partial a_q}{\partial z_j} = \sum_k w_{kj}", "error",
     "one reading could not be decided"),
    (r"\frac{\partial}{\partial z_j} \sum_q a_q = \sum_k w_{kj}", "error",
     "one reading could not be decided"),
    # a Kronecker delta pins the letter: [q = j] with q over K does not fit
    (r"\sum_q [q = j] \delta_q = \delta_j", "verified", "q over J (the only reading that fits)"),
    # the same input error under every reading is that error
    (r"\delta_j = \sum_q \delta_q w_{qj} E", "error", "E may only stand inside a derivative"),
]


@pytest.mark.parametrize("latex, verdict, phrase", READINGS)
def test_every_reading_of_an_ambiguous_letter(latex: str, verdict: str, phrase: str) -> None:
    (r,) = check_equation(latex, "plain")
    assert r.verdict == verdict, r.message
    assert phrase in r.message, r.message
    if verdict == "error" and "readings" in phrase:
        assert "symbp: index q" in r.message and r.column >= 1


def test_a_reading_that_hits_a_bound_makes_the_link_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = check._check_one_reading

    def one(net, letters, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if letters.get("q") == ("K",):
            return LinkResult("", ERROR, "bound on the work reached: time", error="ResourceLimitError")
        return real(net, letters, *args, **kwargs)

    monkeypatch.setattr(check, "_check_one_reading", one)
    (r,) = check_equation(r"\delta_j = \sum_q \delta_q \frac{\partial a_q}{\partial a_j}", "plain")
    assert r.verdict == "error" and "could not be decided" in r.message
