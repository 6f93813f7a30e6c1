"""Output units and losses as formulas (issue 14): exp, ln and reciprocals in the normal form, the
softmax's denominator as a hidden family, the error as a forward equation, conditions on the
targets named in the verdict, and a numeric check that never takes a nan for agreement.

Every row is checked from both sides: symbp's verdict, and the independent oracle
(:mod:`symbp.soundness.oracle`, the network run in complex arithmetic) on whether the two sides
are equal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symbp
from symbp import catalogue
from symbp.checker.results import ERROR, REFUTED, VERIFIED
from symbp.document import loads
from symbp.engine import calculus
from symbp.errors import DeclarationError
from symbp.latex.parser import parse_chain
from symbp.soundness.oracle import DIFFERENT, EQUIVALENT, compare

ROOT = Path(__file__).resolve().parent.parent

HIDDEN = (r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j")
SOFTMAX = HIDDEN + (r"y_k = \frac{\exp(a_k)}{\sum_l \exp(a_l)}", r"E = -\sum_k t_k \ln y_k")
LOGISTIC = HIDDEN + (r"y_k = \sigma(a_k)", r"E = -\sum_k (t_k \ln y_k + (1 - t_k) \ln(1 - y_k))")
SQUARES = HIDDEN + (r"y_k = a_k", r"E = \frac{1}{2} \sum_k (y_k - t_k)^2")
LOG = HIDDEN + (r"y_k = \ln(a_k)",)
LOG_SOFTMAX = HIDDEN + (r"E = -\sum_k t_k \ln \frac{\exp(a_k)}{\sum_l \exp(a_l)}",)
#: the softmax of a_k as a claim writes it
SOFTMAX_A = r"\frac{\exp(a_k)}{\sum_l \exp(a_l)}"
EXPLOG = (r"a_j = \sum_i w_{ji} x_i", r"u_j = \exp(a_j)", r"y_j = \ln(u_j)")
#: Nielsen ch. 3: the cross-entropy of one input, and the cost as the average over the n inputs x
AVERAGE = (r"z_j = \sum_k w_{jk} a_k + b_j", r"a_j = \sigma(z_j)",
           r"C = -\sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]", r"C = \frac{1}{n} \sum_x C_x")

#: the same with one input's cost written as Nielsen writes it in ch. 2, C_x = ... (the summand of
#: the average: one pattern's error, not a family C over x)
AVERAGE_CX = (*AVERAGE[:2], "C_x" + AVERAGE[2][1:], AVERAGE[3])
#: Nielsen's eq. 63 in two lines, the minus before the average: one input's cost C_x without its
#: minus (the log-likelihood), C = -\frac{1}{n} \sum_x C_x the cross-entropy averaged
AVERAGE_MINUS = (*AVERAGE[:2], r"C_x = \sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]",
                 r"C = -\frac{1}{n} \sum_x C_x")
#: ... and with C_x the cross-entropy itself: read as written, C is minus the average cross-entropy
AVERAGE_MINUS_CE = (*AVERAGE[:2], "C_x" + AVERAGE[2][1:], AVERAGE_MINUS[3])
#: Nielsen's eq. 26, the quadratic cost, in two lines: C = \frac{1}{2n} \sum_x C_x
AVERAGE_HALF = (*AVERAGE[:2], r"C_x = \sum_j (a_j - y_j)^2", r"C = \frac{1}{2n} \sum_x C_x")
#: PRML 5.44's sum over the patterns with one pattern's error written E_n = ...
SUM_EN = HIDDEN + (r"y_k = a_k", r"E_n = \frac{1}{2} \sum_k (y_k - t_k)^2", r"E = \sum_n E_n")


def _net(forward: tuple[str, ...], **kw: object) -> symbp.Network:
    if "sigma" in " ".join(forward):
        kw.setdefault("activations", {"sigma": "sigmoid"})
    return symbp.declare(list(forward), aliases={"l": "k"}, **kw)  # type: ignore[arg-type]


NETS = {
    "softmax": lambda: _net(SOFTMAX, targets={"t": "one-hot"}),
    "softmax-probabilities": lambda: _net(SOFTMAX, targets={"t": "sum to 1"}),
    "softmax-undeclared": lambda: _net(SOFTMAX),
    # loss8: the error a log-softmax of the pre-activation (CS231n's, Graves's form), the softmax
    # output unnamed, or named beside it
    "log-softmax": lambda: _net(LOG_SOFTMAX, targets={"t": "sum to 1"}),
    "log-softmax-one-hot": lambda: _net(LOG_SOFTMAX, targets={"t": "one-hot"}),
    "log-softmax-undeclared": lambda: _net(LOG_SOFTMAX),
    "log-softmax-named": lambda: _net(LOG_SOFTMAX[:3] + (SOFTMAX[3], LOG_SOFTMAX[3]),
                                      targets={"t": "sum to 1"}),
    "logistic": lambda: _net(LOGISTIC),
    "squares": lambda: _net(SQUARES),
    "log": lambda: _net(LOG),
    "exp-log": lambda: symbp.declare(list(EXPLOG)),
    "average": lambda: symbp.declare(list(AVERAGE), error="C", activations={"sigma": "sigmoid"}),
    "average-Cx": lambda: symbp.declare(list(AVERAGE_CX), error="C", activations={"sigma": "sigmoid"}),
    "sum-En": lambda: symbp.declare(list(SUM_EN)),
    **{name: (lambda f=forward: symbp.declare(list(f), error="C", activations={"sigma": "sigmoid"}))
       for name, forward in (("average-minus", AVERAGE_MINUS), ("average-minus-CE", AVERAGE_MINUS_CE),
                             ("average-half", AVERAGE_HALF))},
}

#: (network, equation, verdict): the identities a student relies on, and their slips
ROWS = [
    # loss8 (issue 14, delta_k = y_k - t_k for each canonical pair): with the error a log-softmax of
    # a, dE/da_k = softmax(a)_k - t_k was "not decided" (1/(exp(a_k) 1/S), the reciprocal of the
    # ln's argument, was not split into S/exp(a_k)); now decided, the condition named
    ("log-softmax", r"\frac{\partial E}{\partial a_k} = " + SOFTMAX_A + " - t_k", VERIFIED),
    ("log-softmax", r"\delta_k = " + SOFTMAX_A + " - t_k", VERIFIED),
    ("log-softmax", r"\frac{\partial E}{\partial a_k} = \frac{e^{a_k}}{\sum_l e^{a_l}} - t_k", VERIFIED),
    ("log-softmax-one-hot", r"\frac{\partial E}{\partial a_k} = " + SOFTMAX_A + " - t_k", VERIFIED),
    ("log-softmax-named", r"\frac{\partial E}{\partial a_k} = y_k - t_k", VERIFIED),
    ("log-softmax-named", r"\delta_k = y_k - t_k", VERIFIED),
    ("log-softmax-undeclared", r"\frac{\partial E}{\partial a_k} = " + SOFTMAX_A + " - t_k", REFUTED),
    ("log-softmax-undeclared", r"\frac{\partial E}{\partial a_k} = " + SOFTMAX_A + r" \sum_l t_l - t_k",
     VERIFIED),
    # ... and its slips
    ("log-softmax", r"\frac{\partial E}{\partial a_k} = " + SOFTMAX_A + " + t_k", REFUTED),
    ("log-softmax", r"\frac{\partial E}{\partial a_k} = t_k - " + SOFTMAX_A, REFUTED),
    ("log-softmax", r"\frac{\partial E}{\partial a_k} = " + SOFTMAX_A, REFUTED),
    ("log-softmax", r"\frac{\partial E}{\partial a_k} = \exp(a_k) - t_k", REFUTED),
    ("log-softmax-named", r"\delta_k = t_k - y_k", REFUTED),
    # log' = 1/x, reciprocals, x / x = 1
    ("log", r"\frac{\partial y_k}{\partial a_k} = \frac{1}{a_k}", VERIFIED),
    ("log", r"\frac{\partial y_k}{\partial a_k} = \frac{2}{a_k}", REFUTED),
    ("log", r"\frac{\partial y_k}{\partial a_k} = a_k", REFUTED),
    ("log", r"\frac{a_k}{a_k} = 1", VERIFIED),
    ("log", r"\frac{\partial}{\partial a_k} \frac{1}{a_k} = -\frac{1}{a_k^2}", VERIFIED),
    ("log", r"\frac{\partial}{\partial a_k} \frac{1}{a_k} = \frac{1}{a_k^2}", REFUTED),
    ("log", r"\frac{\partial}{\partial w_{kj}} \ln a_k = \frac{z_j}{a_k}", VERIFIED),
    ("log", r"\frac{\partial}{\partial w_{kj}} \ln a_k = \frac{a_k}{z_j}", REFUTED),
    ("log", r"\frac{\partial y_k}{\partial w_{ji}} = \frac{w_{kj} h'(a_j) x_i}{a_k}", VERIFIED),
    # exp and ln: identities beyond the normal form are not decided, never refuted
    ("exp-log", r"y_j = a_j", ERROR),
    ("exp-log", r"y_j = 2 a_j", REFUTED),
    ("exp-log", r"\frac{\partial y_j}{\partial a_j} = 1", VERIFIED),
    ("exp-log", r"\frac{\partial u_j}{\partial a_j} = e^{a_j}", VERIFIED),
    # the softmax
    ("softmax", r"\sum_k y_k = 1", VERIFIED),
    ("softmax", r"\frac{\partial y_k}{\partial a_l} = y_k ([k = l] - y_l)", VERIFIED),
    ("softmax", r"\frac{\partial y_k}{\partial a_l} = y_k [k = l] - y_k y_l", VERIFIED),
    ("softmax", r"\frac{\partial y_k}{\partial a_l} = [k = l] - y_l", REFUTED),  # y_k dropped
    ("softmax", r"\frac{\partial y_k}{\partial a_l} = y_k [k = l] - y_l", REFUTED),
    ("softmax", r"\frac{\partial E}{\partial y_k} = -\frac{t_k}{y_k}", VERIFIED),
    ("softmax", r"\frac{\partial E}{\partial y_k} = -t_k \ln y_k", REFUTED),
    ("softmax", r"\delta_k = y_k - t_k", VERIFIED),
    ("softmax", r"\delta_k = t_k - y_k", REFUTED),
    ("softmax", r"\frac{\partial E}{\partial w_{kj}} = (y_k - t_k) z_j", VERIFIED),
    ("softmax", r"\delta_j = h'(a_j) \sum_k w_{kj} (y_k - t_k)", VERIFIED),
    ("softmax-probabilities", r"\delta_k = y_k - t_k", VERIFIED),
    ("softmax-undeclared", r"\delta_k = y_k - t_k", REFUTED),
    ("softmax-undeclared", r"\sum_k y_k = 1", VERIFIED),
    ("softmax-undeclared", r"\frac{\partial E}{\partial a_k} = \sum_l \frac{\partial E}{\partial y_l} "
                           r"y_l ([l = k] - y_k)", VERIFIED),
    # the logistic sigmoid and the binary cross-entropy: no condition needed
    ("logistic", r"\sigma'(a_k) = \sigma(a_k) (1 - \sigma(a_k))", VERIFIED),
    ("logistic", r"\sigma'(a_k) = \sigma(a_k)", REFUTED),
    ("logistic", r"\frac{\partial E}{\partial y_k} = -\frac{t_k}{y_k} + \frac{1 - t_k}{1 - y_k}", VERIFIED),
    ("logistic", r"\frac{\partial E}{\partial y_k} = \frac{y_k - t_k}{y_k (1 - y_k)}", VERIFIED),
    ("logistic", r"\frac{\partial E}{\partial y_k} = -\frac{t_k}{y_k} + \frac{1 - t_k}{y_k}", REFUTED),
    ("logistic", r"\delta_k = y_k - t_k", VERIFIED),
    ("logistic", r"\delta_k = t_k - y_k", REFUTED),
    ("logistic", r"\delta_k = (y_k - t_k) \sigma'(a_k)", REFUTED),
    ("logistic", r"\delta_j = h'(a_j) \sum_k w_{kj} (y_k - t_k)", VERIFIED),
    # the sum of squares as a formula
    ("squares", r"\delta_k = y_k - t_k", VERIFIED),
    ("squares", r"\delta_k = 2 (y_k - t_k)", REFUTED),
    # Nielsen's average over the inputs x, read like PRML's E = \sum_n E_n
    ("average", r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a_k (a_j - y_j)", VERIFIED),
    ("average", r"\frac{\partial C}{\partial w_{jk}} = "
                r"\frac{1}{n} \sum_x \frac{\partial C_x}{\partial w_{jk}}", VERIFIED),
    ("average", r"\frac{\partial C}{\partial b_j} = \sum_x \frac{a_j - y_j}{n}", VERIFIED),
    ("average", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_{x=1}^{n} (a_j - y_j)", VERIFIED),
    ("average", r"n \frac{\partial C}{\partial b_j} = \sum_x (a_j - y_j)", VERIFIED),
    ("average", r"\frac{1}{n} \sum_x 1 = 1", VERIFIED),
    ("average", r"\frac{\partial C_x}{\partial w_{jk}} = a_k (a_j - y_j)", VERIFIED),
    ("average", r"\frac{\partial C}{\partial w_{jk}} = \sum_x a_k (a_j - y_j)", REFUTED),  # 1/n dropped
    ("average", r"\frac{\partial C}{\partial w_{jk}} = a_k (a_j - y_j)", REFUTED),  # the average dropped
    ("average", r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} a_k (a_j - y_j)", REFUTED),
    ("average", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (y_j - a_j)", REFUTED),
    ("average", r"\frac{\partial C}{\partial b_j} = \frac{2}{n} \sum_x (a_j - y_j)", REFUTED),
    ("average", r"\frac{1}{n} \sum_x 1 = n", REFUTED),
    # a number beside n, a negative numerator
    ("average", r"\frac{\partial C}{\partial b_j} = \frac{2}{2n} \sum_x (a_j - y_j)", VERIFIED),
    ("average", r"\frac{\partial C}{\partial b_j} = \frac{-1}{n} \sum_x (y_j - a_j)", VERIFIED),
    ("average", r"\frac{\partial C}{\partial b_j} = \frac{\sum_x 3 (a_j - y_j)}{3 n}", VERIFIED),
    ("average", r"\frac{\partial C}{\partial b_j} = \frac{\sum_x (a_j - y_j)}{2n}", REFUTED),
    # \delta beside the average is one input's, \partial C_x / \partial z_j (Nielsen's eq. 66)
    ("average", r"\delta_j = a_j - y_j", VERIFIED),
    ("average", r"\delta_j = \frac{1}{n} (a_j - y_j)", REFUTED),
    # one input's cost written C_x = ...: the same network (it was a family C over x, and the true
    # eq. 61 was refuted)
    ("average-Cx", r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a_k (a_j - y_j)", VERIFIED),
    ("average-Cx", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (a_j - y_j)", VERIFIED),
    ("average-Cx", r"\frac{\partial C_x}{\partial w_{jk}} = a_k (a_j - y_j)", VERIFIED),
    ("average-Cx", r"\delta_j = a_j - y_j", VERIFIED),
    ("average-Cx", r"\frac{\partial C}{\partial w_{jk}} = \sum_x a_k (a_j - y_j)", REFUTED),
    ("average-Cx", r"\frac{\partial C}{\partial b_j} = a_j - y_j", REFUTED),
    ("sum-En", r"\frac{\partial E}{\partial w_{kj}} = \sum_n (y_k - t_k) z_j", VERIFIED),
    ("sum-En", r"\delta_k = y_k - t_k", VERIFIED),
    ("sum-En", r"\frac{\partial E}{\partial w_{kj}} = (y_k - t_k) z_j", REFUTED),
    # a number before the average (Nielsen's -\frac{1}{n}, \frac{1}{2n}): C is that number times
    # the mean of one input's cost C_x, as written (no family C over x)
    ("average-minus", r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a_k (a_j - y_j)", VERIFIED),
    ("average-minus", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (a_j - y_j)", VERIFIED),
    ("average-minus", r"\frac{\partial C}{\partial w_{jk}} = "
                      r"-\frac{1}{n} \sum_x \frac{\partial C_x}{\partial w_{jk}}", VERIFIED),
    ("average-minus", r"\frac{\partial C_x}{\partial w_{jk}} = a_k (y_j - a_j)", VERIFIED),
    ("average-minus", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (y_j - a_j)", REFUTED),
    ("average-minus", r"\frac{\partial C}{\partial w_{jk}} = "
                      r"\frac{1}{n} \sum_x \frac{\partial C_x}{\partial w_{jk}}", REFUTED),
    ("average-minus-CE", r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a_k (y_j - a_j)",
     VERIFIED),
    ("average-minus-CE", r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a_k (a_j - y_j)",
     REFUTED),
    ("average-minus-CE", r"\frac{\partial C_x}{\partial w_{jk}} = a_k (a_j - y_j)", VERIFIED),
    ("average-half", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (a_j - y_j) \sigma'(z_j)",
     VERIFIED),
    ("average-half", r"\frac{\partial C}{\partial w_{jk}} = "
                     r"\frac{1}{2n} \sum_x \frac{\partial C_x}{\partial w_{jk}}", VERIFIED),
    ("average-half", r"\frac{\partial C}{\partial b_j} = \frac{2}{n} \sum_x (a_j - y_j) \sigma'(z_j)",
     REFUTED),
    ("average-half", r"\frac{\partial C}{\partial b_j} = \sum_x (a_j - y_j) \sigma'(z_j)", REFUTED),
]


@pytest.mark.parametrize(("net", "equation", "verdict"), ROWS)
def test_verdicts(net: str, equation: str, verdict: str) -> None:
    n = NETS[net]()
    rs = symbp.check_equation(equation, n)
    assert [r.verdict for r in rs] == [verdict], [r.message for r in rs]
    r = rs[0]
    if verdict == REFUTED:  # a refutation carries numbers, never a nan
        cx = r.counterexample
        assert cx is not None and np.isfinite(float(cx["lhs"])) and np.isfinite(float(cx["rhs"]))
    if verdict == ERROR:
        assert r.message.startswith("not decided") and r.code == "unsupported"


@pytest.mark.parametrize(("net", "equation", "verdict"), [r for r in ROWS if r[2] != ERROR])
def test_the_oracle_agrees(net: str, equation: str, verdict: str) -> None:
    n = NETS[net]()
    lhs, rhs = parse_chain(equation, n.functions | {"ln", "exp"}).sides
    assert compare(n, lhs, rhs) == (EQUIVALENT if verdict == VERIFIED else DIFFERENT)


@pytest.mark.parametrize(("equation", "message"), [
    (r"\frac{\partial C}{\partial a_j} = a_j", "derivative by a quantity of one pattern"),
    (r"\frac{\partial C}{\partial w_{jk}} = a_k \frac{1}{n} \sum_x (a_j - y_j)",
     "a product with the average"),
    (r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x \sum_x a_k", "term by term"),
])
def test_the_average_elsewhere_is_an_error_naming_the_fix(equation: str, message: str) -> None:
    (r,) = symbp.check_equation(equation, NETS["average"]())
    assert r.verdict == ERROR and message in r.message and "hint: " in r.message, r.message


#: loss8: a bare delta beside a number times the average (C = -\frac{1}{n} \sum_x C_x, \frac{1}{2n}) has
#: two readings, one input's dC_x/dz_j (Nielsen's) or the derivative of the cost whose mean C is
#: (c C_x); msg8 read the first silently.  (net, equation, verdict): a claim with delta is an error
#: naming both; without delta, decided by value; with the number 1, one reading
DELTA_BESIDE_THE_MEAN = [
    ("average-minus", r"\delta_j = y_j - a_j", ERROR),
    ("average-minus", r"\delta_j = a_j - y_j", ERROR),
    ("average-minus", r"\frac{\partial C}{\partial w_{jk}} = -\frac{1}{n} \sum_x \delta_j a_k", ERROR),
    ("average-minus", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x \delta_j", ERROR),
    ("average-minus-CE", r"\delta_j = a_j - y_j", ERROR),
    ("average-half", r"\delta_j = 2 (a_j - y_j) \sigma'(z_j)", ERROR),
    ("average-half", r"\delta_j = (a_j - y_j) \sigma'(z_j)", ERROR),
    # the two ways to write what is meant
    ("average-minus", r"\frac{\partial C_x}{\partial z_j} = y_j - a_j", VERIFIED),
    ("average-minus", r"\frac{\partial C_x}{\partial z_j} = a_j - y_j", REFUTED),
    ("average-half", r"\frac{\partial C_x}{\partial z_j} = 2 (a_j - y_j) \sigma'(z_j)", VERIFIED),
    ("average-Cx", r"\delta_j = a_j - y_j", VERIFIED),  # the number in C_x: C = \frac{1}{n} \sum_x C_x
    ("average-Cx", r"\delta_j = y_j - a_j", REFUTED),
    # C fully defined: decided by value
    ("average-minus", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (a_j - y_j)", VERIFIED),
    ("average-half", r"\frac{\partial C}{\partial b_j} = \frac{2}{n} \sum_x (a_j - y_j) \sigma'(z_j)",
     REFUTED),
]


@pytest.mark.parametrize(("net", "equation", "verdict"), DELTA_BESIDE_THE_MEAN)
def test_delta_beside_a_number_times_the_average(net: str, equation: str, verdict: str) -> None:
    (r,) = symbp.check_equation(equation, NETS[net]())
    assert r.verdict == verdict, r.message
    if verdict == ERROR:
        assert "has two readings" in r.message and r.code == "unsupported", r.message
        assert r"\frac{\partial C_{x}}{\partial z_{j}}" in r.message  # the first, as written
        assert r"C = \frac{1}{n} \sum_{x} C_{x}" in r.message  # the second: the number into C_x
    else:  # decided by value: the oracle agrees
        lhs, rhs = parse_chain(equation, NETS[net]().functions | {"ln", "exp"}).sides
        assert compare(NETS[net](), lhs, rhs) == (EQUIVALENT if verdict == VERIFIED else DIFFERENT)


@pytest.mark.parametrize(("forward", "error", "plain"), [(AVERAGE_CX, "C", AVERAGE), (SUM_EN, "E", None)])
def test_one_pattern_s_error_written_with_its_letter(forward: tuple, error: str, plain: tuple | None) -> None:
    """``C_x = ...`` beside ``C = \\frac{1}{n} \\sum_x C_x`` (``E_n = ...`` beside ``E = \\sum_n E_n``)
    defines one pattern's error: the pattern's letter is no index of the network."""
    acts = {"sigma": "sigmoid"} if plain is not None else None
    net = symbp.declare(list(forward), error=error, activations=acts)
    x = net.patterns[0]
    assert x not in net.ranges and not any(f.name == error and f.axes for f in net.families)
    if plain is not None:
        same = symbp.declare(list(plain), error=error, activations=acts)
        assert net.forward_latex == same.forward_latex and net.ranges == same.ranges


@pytest.mark.parametrize(("forward", "scale"), [(AVERAGE_MINUS, -1), (AVERAGE_HALF, 0.5), (AVERAGE, 1)])
def test_a_number_before_the_average_reads_one_input_s_cost(forward: tuple, scale: float) -> None:
    """``C = -\\frac{1}{n} \\sum_x C_x`` is read as the plain average is, with its number: C_x is one
    input's cost (no index x, no range X), the total that number times their mean."""
    net = symbp.declare(list(forward), error="C", activations={"sigma": "sigmoid"})
    assert net.patterns == ("x", "n") and net.mean and net.mean_scale == scale
    assert "x" not in net.ranges and not any(f.name == "C" and f.axes for f in net.families)


def test_the_average_in_one_line_is_an_error_naming_the_two_lines() -> None:
    forward = [*AVERAGE[:2], r"C = -\frac{1}{n} \sum_x \sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]"]
    with pytest.raises(DeclarationError, match="sums over x, which its summand does not name"):
        symbp.declare(forward, error="C", activations={"sigma": "sigmoid"})


@pytest.mark.parametrize(("net", "equation", "derived"), [
    ("average", r"\frac{\partial C}{\partial w_{jk}} = \sum_x a_k (a_j - y_j)",
     r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_{x} \delta_{j} a_{k}"),
    ("average-Cx", r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (y_j - a_j)",
     r"\frac{\partial C}{\partial b_{j}} = \frac{1}{n} \sum_{x} \left(\sigma(z_{j}) - y_{j}\right)"),
    ("sum-En", r"\frac{\partial E}{\partial w_{kj}} = (y_k - t_k) z_j",
     r"\frac{\partial E}{\partial w_{kj}} = \sum_{n} \delta_{k} z_{j}"),
    ("average-minus", r"\frac{\partial C}{\partial w_{jk}} = \sum_x a_k (a_j - y_j)",
     r"\frac{\partial C}{\partial w_{jk}} = -\frac{1}{n} \sum_{x} \delta_{j} a_{k}"),
    ("average-half", r"\frac{\partial C}{\partial w_{jk}} = \sum_x a_k (a_j - y_j)",
     r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{2n} \sum_{x} \delta_{j} a_{k}"),
])
def test_what_symbp_derives_for_the_total_is_the_total_s(net: str, equation: str, derived: str) -> None:
    """A parameter's derivative of the total is checked on one pattern's network; what symbp says
    it derives is the total's (the average's 1/n and sum put back), not one pattern's."""
    (r,) = symbp.check_equation(equation, NETS[net]())
    assert r.verdict == REFUTED and r.derived == derived, r.message
    assert f"symbp derives {derived}" in r.message, r.message


def test_the_average_s_parts_are_named() -> None:
    (r,) = symbp.check_equation(r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a_k (a_j - y_j)",
                                NETS["average"]())
    assert r.message.startswith("averaged over the patterns x: ")


def test_the_verdict_names_the_condition_it_used() -> None:
    (r,) = symbp.check_equation(r"\delta_k = y_k - t_k", NETS["softmax-probabilities"]())
    assert "given the declared condition \\sum_{k} t_{k} = 1" in r.message
    (r,) = symbp.check_equation(r"\delta_k = y_k - t_k", NETS["softmax"]())
    assert "given the declared condition t_{k} \\in \\{0, 1\\}" in r.message
    (r,) = symbp.check_equation(r"\sum_k y_k = 1", NETS["softmax"]())  # needs none: names none
    assert r.verdict == VERIFIED and "given" not in r.message


def test_without_the_condition_the_step_is_refuted_with_targets_that_break_it() -> None:
    (r,) = symbp.check_equation(r"\delta_k = y_k - t_k", NETS["softmax-undeclared"]())
    assert r.verdict == REFUTED and r.code == "needs-condition"
    assert "it holds only where \\sum_{k} t_{k} = 1" in r.message
    assert "% symbp: targets t sum to 1" in r.message
    t = r.counterexample["values"]["t_{k}"]
    assert abs(sum(t) - 1) > 1e-3  # the counterexample's targets do not sum to 1


#: loss8 (issue 14, item 3): the softmax's delta_k = softmax(a)_k - t_k under each way of writing its
#: error: (file directives and forward equations, verdict, what the message says); without the
#: condition declared the run's targets do not sum to 1, and the false step is refuted with them
_SUMS_TO_1 = "given the declared condition \\sum_{k} t_{k} = 1"
CONDITIONED = [
    (["% symbp: error softmax-cross-entropy"], (), VERIFIED, _SUMS_TO_1),
    (["% symbp: error softmax-cross-entropy", "% symbp: targets t one-hot"], (), VERIFIED,
     "given the declared condition t_{k} \\in \\{0, 1\\}"),
    (["% symbp: targets t sum to 1"], LOG_SOFTMAX[3:], VERIFIED, _SUMS_TO_1),
    ([], LOG_SOFTMAX[3:], REFUTED, "the counterexample's targets do not sum to 1"),
    ([], SOFTMAX[3:], REFUTED, "the counterexample's targets do not sum to 1"),
]


@pytest.mark.parametrize(("directives", "error", "verdict", "says"), CONDITIONED)
def test_the_softmax_delta_under_each_form_of_its_error(directives: list, error: tuple, verdict: str,
                                                        says: str) -> None:
    claim = r"\frac{\partial E}{\partial a_k} = " + SOFTMAX_A + " - t_k"
    (r,) = symbp.check_file(loads(_file(HIDDEN + error, directives, [claim])))
    assert r.verdict == verdict and says in r.message, r.message
    if verdict == REFUTED:
        assert r.code == "needs-condition" and "% symbp: targets t sum to 1" in r.message
        t = r.counterexample["values"]["t_{k}"]
        assert abs(sum(t) - 1) > 1e-3


@pytest.mark.parametrize("net", ["log-softmax-undeclared", "softmax-undeclared"])
def test_without_a_condition_the_run_s_targets_do_not_sum_to_1(net: str) -> None:
    """The network run of a refutation draws targets that meet a declared condition and only then:
    undeclared, they are normal draws (they sum to 1 with probability 0)."""
    from symbp.engine.numeric import NetworkInstance
    n = NETS[net]()
    assert not n.conditions
    for seed in range(3):
        inst = NetworkInstance(n, {"I": 2, "J": 3, "K": 4}, seed=seed)
        assert abs(inst.value(n.family("t", ("K",)).id).sum() - 1) > 1e-6


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([-1, 2, 3]), st.sampled_from(["-", "+"]), st.booleans())
def test_only_the_canonical_log_softmax_delta_verifies(c: int, sign: str, declared: bool) -> None:
    """``c`` softmax(a)_k ``±`` t_k: verified only for ``c = 1`` with ``-`` and the condition
    declared (not here: ``c`` is never 1), refuted otherwise, never verified, as the oracle says."""
    n = NETS["log-softmax" if declared else "log-softmax-undeclared"]()
    (r,) = symbp.check_equation(rf"\frac{{\partial E}}{{\partial a_k}} = {c} {SOFTMAX_A} {sign} t_k", n)
    assert r.verdict == REFUTED, r.message


def test_conditioned_targets_are_drawn_to_satisfy_it() -> None:
    from symbp.engine.numeric import NetworkInstance
    for net, check in ((NETS["softmax"](), lambda v: sorted(v) == [0.0] * (len(v) - 1) + [1.0]),
                       (NETS["softmax-probabilities"](), lambda v: abs(v.sum() - 1) < 1e-12 and v.min() > 0)):
        inst = NetworkInstance(net, {"I": 2, "J": 3, "K": 4})
        assert check(inst.value(net.family("t", ("K",)).id))


@pytest.mark.parametrize(("directive", "message"), [
    ("% symbp: targets t sum to two", "this targets directive cannot be read"),
    ("% symbp: targets q one-hot", "the targets q must be inputs"),
    ("% symbp: targets y one-hot", "the targets y must be inputs"),
])
def test_bad_targets_directives(directive: str, message: str) -> None:
    text = ("% symbp: index l : k\n" + directive + "\n% symbp: forward\n\\begin{align*}\n"
            + " \\\\\n".join(SOFTMAX) + "\n\\end{align*}\n$$\\delta_k = y_k - t_k$$\n")
    with pytest.raises(DeclarationError, match=message):
        loads(text, "t.tex")


def test_the_softmax_denominator_is_one_hidden_family() -> None:
    """Equal denominators, wherever written, are one hidden family: the forward pass's and a step's."""
    net = NETS["softmax"]()
    hidden = [f for f in net.families if calculus.is_hidden(net, f.id)]
    assert len(hidden) == 1 and hidden[0].axes == ()
    (r,) = symbp.check_equation(r"y_k = \frac{e^{a_k}}{\sum_{l} e^{a_l}}", net)
    assert r.verdict == VERIFIED
    assert len([f for f in net.families if calculus.is_hidden(net, f.id)]) == 1


@settings(max_examples=20, deadline=None)
@given(st.fractions(min_value=-3, max_value=3, max_denominator=4))
def test_only_the_canonical_pair_verifies(c: object) -> None:
    """``δ_k = c (y_k - t_k)`` for the softmax with 1-of-K targets: verified exactly when c = 1."""
    net = NETS["softmax"]()
    (r,) = symbp.check_equation(rf"\delta_k = \frac{{{c.numerator}}}{{{c.denominator}}} (y_k - t_k)", net)
    assert (r.verdict == VERIFIED) == (c == 1), r.message
    assert r.verdict in (VERIFIED, REFUTED)


@pytest.mark.parametrize("x", [-1.5, -0.2, 0.0])
def test_a_logarithm_of_a_nonpositive_value_is_no_agreement(x: float) -> None:
    """ln of a value <= 0 is nan: never agreement, never a counterexample."""
    assert np.isnan(catalogue.ACTIVATIONS["log"].numpy(np.array(x), 0))
    net = _net(HIDDEN + (r"y_k = \ln(a_k)",))
    # a_k takes negative values in the network run: the false step is still refuted by numbers
    (r,) = symbp.check_equation(r"y_k = a_k", net)
    assert r.verdict == REFUTED and np.isfinite(r.counterexample["lhs"])


def test_relu_is_declarable_with_its_kink() -> None:
    net = symbp.declare([r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"],
                        activations={"h": "relu"})
    (r,) = symbp.check_equation(r"h''(a_j) = 0", net)
    assert r.verdict == VERIFIED
    (r,) = symbp.check_equation(r"h'(a_j) = 1", net)
    assert r.verdict == REFUTED
    assert "relu'(0) is taken as 0" in catalogue.ACTIVATIONS["relu"].kink


@pytest.mark.parametrize(("src", "reads"), [
    (r"\ln y_k", "Call(ln, Sym(y_k))"),
    (r"e^{a_k}", "Call(exp, Sym(a_k))"),
    (r"\ln \sum_l e^{a_l}", "Call(ln, Sum(l, Call(exp"),
    (r"\log \frac{e^{a_k}}{\sum_l e^{a_l}}", "Call(log, Div"),
])
def test_the_field_s_notation_reads(src: str, reads: str) -> None:
    from symbp.latex.parser import parse_expression
    assert repr(parse_expression(src, ())).startswith(reads)


#: (error, forward pass without the error, the formula the directive stands for, equations): a file
#: with '% symbp: error <name>' and a file with the formula in its forward pass give the same verdicts
SHORTHANDS = [
    ("softmax-cross-entropy", HIDDEN,
     (r"E = -\sum_k t_k \ln \frac{\exp(a_k)}{\sum_l \exp(a_l)}", "% symbp: targets t sum to 1"),
     [r"\delta_k = \frac{\partial E}{\partial a_k}",
      r"\frac{\partial E}{\partial a_k} = \frac{\exp(a_k)}{\sum_l \exp(a_l)} - t_k",
      r"\frac{\partial E}{\partial w_{kj}} = \delta_k z_j",
      r"\frac{\partial E}{\partial w_{kj}} = \delta_k a_j",
      r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k",
      r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k"]),
    ("binary-cross-entropy", HIDDEN + (r"y_k = \sigma(a_k)",),
     (r"E = -\sum_k (t_k \ln y_k + (1 - t_k) \ln(1 - y_k))", ""),
     [r"\frac{\partial E}{\partial y_k} = -\frac{t_k}{y_k} + \frac{1 - t_k}{1 - y_k}",
      r"\frac{\partial E}{\partial y_k} = -\frac{t_k}{y_k} + \frac{1 - t_k}{y_k}",
      r"\delta_k = y_k - t_k", r"\delta_k = t_k - y_k", r"\delta_k = (y_k - t_k) \sigma'(a_k)",
      r"\frac{\partial E}{\partial w_{kj}} = (y_k - t_k) z_j"]),
    ("sum-of-squares", HIDDEN + (r"y_k = a_k",), (r"E = \frac{1}{2} \sum_k (y_k - t_k)^2", ""),
     [r"\delta_k = y_k - t_k", r"\delta_k = 2 (y_k - t_k)", r"\delta_k = t_k - y_k",
      r"\frac{\partial E}{\partial w_{kj}} = (y_k - t_k) z_j"]),
]


def _file(forward: tuple[str, ...], directives: list[str], equations: list[str]) -> str:
    body = " \\\\\n".join(forward)
    eqs = "\n".join(f"\\[ {e} \\]" for e in equations)
    return "\n".join(["% symbp: activation \\sigma = sigmoid" if "sigma" in body else "",
                      "% symbp: index l : k", *directives, "% symbp: forward",
                      f"\\begin{{align*}}\n{body}\n\\end{{align*}}", eqs])


#: the verdicts of SHORTHANDS' equations, directive and formula alike.  loss8: the softmax's
#: second, dE/da_k = softmax(a)_k - t_k with the error a log-softmax of a, was an error ("not
#: decided") for both; it verifies, given the condition the directive declares (sum to 1)
SHORTHAND_VERDICTS = {
    "softmax-cross-entropy": [VERIFIED, VERIFIED, VERIFIED, REFUTED, VERIFIED, REFUTED],
    "binary-cross-entropy": [VERIFIED, REFUTED, VERIFIED, REFUTED, REFUTED, VERIFIED],
    "sum-of-squares": [VERIFIED, REFUTED, REFUTED, VERIFIED],
}


@pytest.mark.parametrize(("kind", "forward", "formula", "equations"), SHORTHANDS,
                         ids=[s[0] for s in SHORTHANDS])
def test_an_error_directive_is_its_formula(kind: str, forward: tuple, formula: tuple,
                                           equations: list) -> None:
    eq, condition = formula
    short = symbp.check_file(loads(_file(forward, [f"% symbp: error {kind}"], equations)))
    written = symbp.check_file(loads(_file(forward + (eq,), [condition] if condition else [], equations)))
    assert [r.verdict for r in short] == [r.verdict for r in written], (
        [(r.verdict, r.message) for r in short], [(r.verdict, r.message) for r in written])
    assert {r.verdict for r in short} >= {VERIFIED, REFUTED}
    assert [r.verdict for r in short] == SHORTHAND_VERDICTS[kind], [(r.verdict, r.message) for r in short]
    for r in short:  # a verdict that used the directive's condition names it
        if kind == "softmax-cross-entropy" and r.verdict == VERIFIED and "a_k" in (r.latex or "") \
                and "exp" in (r.latex or ""):
            assert "given the declared condition \\sum_{k} t_{k} = 1" in r.message, r.message
    if kind != "sum-of-squares":  # the same network: the formula is a forward equation of both
        nets = [loads(_file(forward, [f"% symbp: error {kind}"], [])).network,
                loads(_file(forward + (eq,), [condition] if condition else [], [])).network]
        assert [n.error_kind for n in nets] == [None, None]
        assert nets[0].conditions.keys() == nets[1].conditions.keys()


def test_an_error_shorthand_over_several_outputs_names_the_formula() -> None:
    with pytest.raises(DeclarationError, match="one output family") as exc:
        symbp.declare([r"a_j = \sum_i w_{ji} x_i", r"u_k = \sum_j w_{kj} a_j", r"v_m = \sum_j w_{mj} a_j"],
                      error_kind="softmax-cross-entropy")
    assert "E = -" in str(exc.value)


@pytest.mark.parametrize("loss", [r"L = -\log p_{y_i}", r"L_i = -\log p_{y_i}"])
def test_a_class_label_as_an_index_is_an_error_naming_the_one_hot_fix(loss: str) -> None:
    """CS231n's L_i = -\\log p_{y_i}: the label y_i is not read as an index (never a silent
    misparse); the error says how to write it with a one-hot target."""
    forward = [r"f_k = \sum_i W_{ki} x_i", r"p_k = \frac{e^{f_k}}{\sum_j e^{f_j}}", loss]
    with pytest.raises(symbp.SymbpError) as exc:
        symbp.declare(forward, params=["W"], error="L", aliases={"j": "k"})
    text = str(exc.value)
    assert "no index y" in text and "targets t one-hot" in text and r"\sum_k t_k \log p_k" in text


# ---------------------------------------------------------------------------------------------
# A class label as an index (CS231n's L_i = -\log p_{y_i}): '% symbp: class label y'

CS231N = (r"f_k = \sum_d W_{kd} x_d", r"p_k = \frac{e^{f_k}}{\sum_j e^{f_j}}", r"L_i = -\log p_{y_i}")


def _labelled(forward: tuple[str, ...] = CS231N, **kw: object) -> symbp.Network:
    return symbp.declare(list(forward), params=["W"], error="L", aliases={"j": "k"},  # type: ignore[arg-type]
                         labels={"y": "t"}, **kw)


#: (equation, verdict): CS231n's steps in the notes' letters, their slips, and identities of the label
LABEL_ROWS = [
    (r"L_i = -\log \frac{e^{f_{y_i}}}{\sum_j e^{f_j}}", VERIFIED),
    (r"L_i = -\sum_k t_k \log p_k", VERIFIED),  # the one-hot target the label is read through
    (r"\frac{\partial L_i}{\partial f_k} = p_k - \mathbb{1}(y_i = k)", VERIFIED),
    (r"\frac{\partial L_i}{\partial f_k} = p_k - \mathbb{1}(k = y_i)", VERIFIED),
    (r"\frac{\partial L_i}{\partial f_k} = p_k - [k = y_i]", VERIFIED),
    (r"\frac{\partial L_i}{\partial f_k} = p_k - t_k", VERIFIED),
    (r"\frac{\partial L_i}{\partial W_{kd}} = (p_k - \mathbb{1}(k = y_i)) x_d", VERIFIED),
    (r"\frac{\partial L_i}{\partial f_{y_i}} = p_{y_i} - 1", VERIFIED),
    (r"\frac{\partial L_i}{\partial f_k} \mathbb{1}(k = y_i) = (p_k - 1) \mathbb{1}(k = y_i)", VERIFIED),
    (r"\mathbb{1}(k = y_i) \mathbb{1}(k = y_i) = \mathbb{1}(k = y_i)", VERIFIED),
    (r"\sum_k \mathbb{1}(k = y_i) = 1", VERIFIED),
    (r"\sum_k \mathbb{1}(k = y_i) p_k = p_{y_i}", VERIFIED),
    # the classic slips
    (r"\frac{\partial L_i}{\partial f_k} = p_k", REFUTED),  # the 1 never subtracted
    (r"\frac{\partial L_i}{\partial f_k} = p_k - 1", REFUTED),  # the indicator dropped
    (r"\frac{\partial L_i}{\partial f_k} = \mathbb{1}(y_i = k) - p_k", REFUTED),  # the sign
    (r"L_i = -\log p_k", REFUTED),  # \log p_k for \log p_{y_i}
    (r"L_i = \log p_{y_i}", REFUTED),
    (r"\frac{\partial L_i}{\partial f_{y_i}} = p_{y_i}", REFUTED),
    (r"\frac{\partial L_i}{\partial W_{kd}} = (p_k - \mathbb{1}(k = y_i)) W_{kd}", REFUTED),
]


@pytest.mark.parametrize(("equation", "verdict"), LABEL_ROWS)
def test_a_declared_class_label_reads_cs231n(equation: str, verdict: str) -> None:
    rs = symbp.check_equation(equation, _labelled())
    assert [r.verdict for r in rs] == [verdict], [r.message for r in rs]
    if verdict == REFUTED:  # evidence from one-hot targets: finite numbers
        cx = rs[0].counterexample
        assert cx is not None and np.isfinite(float(cx["lhs"])) and np.isfinite(float(cx["rhs"]))
    if "y_i" in equation:  # the message says how the label was read; the result shows it as written
        assert rs[0].message.startswith("read as ") and "one-hot target" in rs[0].message
        assert "y_i" in rs[0].latex and "y_i" not in (rs[0].read_as or "y_i")


@pytest.mark.parametrize(("equation", "verdict"), LABEL_ROWS)
def test_the_oracle_agrees_on_the_label_s_reading(equation: str, verdict: str) -> None:
    from symbp.engine.labels import read_labels
    n = _labelled()
    chain = read_labels(parse_chain(equation, n.functions | {"ln", "exp"}), n.class_labels, error="L",
                        taken=n.ranges)
    assert compare(n, *chain.sides) == (EQUIVALENT if verdict == VERIFIED else DIFFERENT)


def _torch_cs231n(K: int, D: int, label: int, seed: int) -> dict[str, np.ndarray]:
    """PyTorch's cross_entropy with an integer target: the loss and its gradients."""
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(seed)
    W = torch.randn(K, D, generator=gen, dtype=torch.float64, requires_grad=True)
    x = torch.randn(D, generator=gen, dtype=torch.float64)
    f = W @ x
    f.retain_grad()
    loss = torch.nn.functional.cross_entropy(f[None], torch.tensor([label]))
    loss.backward()
    return {"W": W.detach().numpy(), "x": x.numpy(), "L": np.array(loss.item()),
            "dL/df": f.grad.numpy(), "dL/dW": W.grad.numpy(), "p": torch.softmax(f, 0).detach().numpy()}


@pytest.mark.parametrize(("K", "D", "label"), [(2, 1, 0), (3, 2, 2), (4, 3, 1), (5, 2, 4)])
def test_the_label_s_reading_is_pytorch_s_cross_entropy(K: int, D: int, label: int) -> None:
    """The reading's loss and gradients, evaluated on the network symbp declared with the one-hot
    target of the label, are PyTorch's cross-entropy with that integer target; the verified step
    dL/df_k = p_k - 1(k = y_i) is its gradient, and the slips are not."""
    from symbp.engine.numeric import NetworkInstance
    truth = _torch_cs231n(K, D, label, seed=K)
    net = _labelled()
    inst = NetworkInstance(net, {"K": K, "D": D})
    fam = {f.name: f.id for f in net.families}
    inst.cache[("ref", fam["W"])], inst.cache[("ref", fam["x"])] = truth["W"], truth["x"]
    inst.cache[("ref", fam["t"])] = np.eye(K)[label]
    assert np.allclose(inst.value(fam["p"]), truth["p"]) and np.allclose(inst.value(fam["L"]), truth["L"])
    onehot = np.eye(K)[label]
    assert np.allclose(truth["dL/df"], truth["p"] - onehot)  # the verified step, by torch
    assert np.allclose(truth["dL/dW"], np.outer(truth["p"] - onehot, truth["x"]))
    for slip in (truth["p"], truth["p"] - 1, onehot - truth["p"]):  # the refuted ones
        assert not np.allclose(truth["dL/df"], slip)


def test_the_class_label_directive_in_a_file() -> None:
    d = loads((ROOT / "derivations" / "cs231n_softmax.tex").read_text(), "cs231n_softmax.tex")
    assert d.network.class_labels == {"y": "t"} and "one-hot" in d.network.conditions.values()
    rs = symbp.check_file(d)
    assert rs and all(r.verdict == (r.expected or VERIFIED) for r in rs), [(r.latex, r.verdict) for r in rs]


@pytest.mark.parametrize(("directive", "message"), [
    ("% symbp: class label", "this class directive cannot be read"),
    ("% symbp: class labels y", "this class directive cannot be read"),
    ("% symbp: class label k", "k is declared a class label and is also an index"),
    ("% symbp: class label y, target p", "is a family the forward pass defines"),
])
def test_bad_class_label_directives(directive: str, message: str) -> None:
    text = ("% symbp: params W\n% symbp: error L\n% symbp: index j : k\n" + directive +
            "\n% symbp: forward\n\\begin{align*}\n" + " \\\\\n".join(CS231N) +
            "\n\\end{align*}\n$$L_i = -\\log p_{y_i}$$\n")
    with pytest.raises(DeclarationError, match=message):
        loads(text, "t.tex")


def test_without_the_directive_the_label_is_an_error_naming_it() -> None:
    net = symbp.declare([*CS231N[:2], r"L = -\sum_k t_k \log p_k"], params=["W"], error="L",
                        aliases={"j": "k"}, targets={"t": "one-hot"})
    for eq in (r"\frac{\partial L}{\partial f_k} = p_k - \mathbb{1}(k = y_i)", r"L = -\log p_{y_i}"):
        (r,) = symbp.check_equation(eq, net)
        assert r.verdict == ERROR and "% symbp: class label y" in r.message, r.message


@pytest.mark.parametrize(("equation", "message"), [
    (r"p_{y_i} = p_{y_j}", "several class labels"),  # two examples' labels in one equation
])
def test_a_label_s_misuse_is_an_error(equation: str, message: str) -> None:
    (r,) = symbp.check_equation(equation, _labelled())
    assert r.verdict == ERROR and message in r.message, r.message


def test_a_label_without_its_target_in_the_forward_pass_is_an_error() -> None:
    net = symbp.declare([*CS231N[:2], r"L = -\sum_k u_k \log p_k"], params=["W"], error="L",
                        aliases={"j": "k"}, labels={"y": "t"})
    (r,) = symbp.check_equation(r"L = -\log p_{y_i}", net)
    assert r.verdict == ERROR and "target u" in r.message, r.message


@pytest.mark.parametrize(("equation", "verdict"), [
    (r"t_k t_k = t_k", VERIFIED),  # each entry 0 or 1 (was refuted by random formal values)
    (r"t_k t_k t_k = t_k", VERIFIED),
    (r"t_k t_k = 2 t_k", REFUTED),
    (r"t_k t_l = [k = l] t_k", ERROR),  # true, not known to the normal form: not decided, never refuted
])
def test_one_hot_targets_are_idempotent_never_refuted_by_formal_values(equation: str, verdict: str) -> None:
    (r,) = symbp.check_equation(equation, NETS["softmax"]())
    assert r.verdict == verdict, r.message


# ----------------------------------------------------------------------------------------------
# Nielsen's eq. (57) on one line, C = -\frac{1}{n} \sum_x \sum_j [...], under '% symbp: average x'
# (symbp.document._one_line_average): read as one input's cost and the average over the inputs,
# in a file of one network and in a file of generic layers; without the directive an error
# naming it (read as written the summand names no x: n times one input's cost)

_EQ57 = {
    "one": (["z_j = \\sum_k w_{jk} a_k + b_j", "a_j = \\sigma(z_j)"], "", "",
            ["% symbp: activation \\sigma = sigmoid", "% symbp: error C"]),
    "layers": (["z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j", "a^l_j = \\sigma(z^l_j)"], "^L", "^{L-1}",
               ["% symbp: layers l = 1..L", "% symbp: activation \\sigma = sigmoid", "% symbp: error C"]),
}
_CE = "C = -\\frac{1}{n} \\sum_x \\sum_j [y_j \\ln a{L}_j + (1 - y_j) \\ln(1 - a{L}_j)]"
_QUAD = "C = \\frac{1}{2n} \\sum_x \\sum_j (a{L}_j - y_j)^2"
#: (cost, claim, verdict): the claims in the letters of the layer L and L-1 (empty in a one-layer file)
_DW, _DB = "\\frac{\\partial C}{\\partial w{L}_{jk}} = ", "\\frac{\\partial C}{\\partial b{L}_j} = "
EQ57_ROWS = [
    (_CE, _DW + "\\frac{1}{n} \\sum_x a{M}_k (a{L}_j - y_j)", VERIFIED),
    (_CE, _DB + "\\frac{1}{n} \\sum_x (a{L}_j - y_j)", VERIFIED),
    (_CE, _DW + "\\sum_x a{M}_k (a{L}_j - y_j)", REFUTED),   # 1/n dropped
    (_CE, _DW + "a{M}_k (a{L}_j - y_j)", REFUTED),            # no average
    (_CE, _DB + "\\frac{1}{n} \\sum_x (y_j - a{L}_j)", REFUTED),  # the sign
    (_QUAD, _DB + "\\frac{1}{n} \\sum_x (a{L}_j - y_j) \\sigma'(z{L}_j)", VERIFIED),
    (_QUAD, _DB + "\\frac{1}{n} \\sum_x (a{L}_j - y_j)", REFUTED),  # sigma' dropped
]


def _eq57_file(kind: str, cost: str, claim: str, *, directive: str = "% symbp: average x") -> str:
    forward, L, M, directives = _EQ57[kind]
    lines = [*forward, cost.replace("{L}", L)]
    return "\n".join([*directives, *([directive] if directive else []), "% symbp: forward",
                      "\\begin{align*}", " \\\\\n".join(lines), "\\end{align*}",
                      f"\\[ {claim.replace('{L}', L).replace('{M}', M)} \\]", ""])


@pytest.mark.parametrize("kind", sorted(_EQ57))
@pytest.mark.parametrize("cost, claim, verdict", EQ57_ROWS)
def test_eq57_on_one_line(kind: str, cost: str, claim: str, verdict: str) -> None:
    (r,) = symbp.check_file(loads(_eq57_file(kind, cost, claim), "eq57.tex"))
    assert r.verdict == verdict, r.message
    # the same as the two lines the sources also write (C_x = ..., C = \frac{1}{n} \sum_x C_x)
    two = cost.replace("C = -\\frac{1}{n} \\sum_x", "C_x = -").replace("C = \\frac{1}{2n} \\sum_x",
                                                                       "C_x = \\frac{1}{2}")
    two_file = _eq57_file(kind, two + " \\\\\nC = \\frac{1}{n} \\sum_x C_x", claim, directive="")
    (t,) = symbp.check_file(loads(two_file, "two.tex"))
    assert t.verdict == verdict, t.message


@pytest.mark.parametrize("kind", sorted(_EQ57))
@pytest.mark.parametrize("cost, directive, words", [
    (_CE, "", "'% symbp: average x'"),                                  # no directive: the fix named
    (_CE + " + \\lambda", "% symbp: average x", "a number over n times the sum"),  # not the average
    (_CE, "% symbp: average q", "asks for one sum over q"),  # the error's sum is over x
    (_CE, "% symbp: average xy", "this average directive cannot be read"),
])
def test_eq57_errors(kind: str, cost: str, directive: str, words: str) -> None:
    claim = "\\frac{\\partial C}{\\partial b{L}_j} = \\frac{1}{n} \\sum_x (a{L}_j - y_j)"
    try:
        results = symbp.check_file(loads(_eq57_file(kind, cost, claim, directive=directive), "eq57.tex"))
    except DeclarationError as exc:
        message = f"{exc.message} {exc.hint}"
    else:
        message = " ".join(r.message or "" for r in results)
        assert {r.verdict for r in results} == {ERROR}, message
    assert words in message, message
