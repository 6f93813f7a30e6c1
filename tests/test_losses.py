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
EXPLOG = (r"a_j = \sum_i w_{ji} x_i", r"u_j = \exp(a_j)", r"y_j = \ln(u_j)")
#: Nielsen ch. 3: the cross-entropy of one input, and the cost as the average over the n inputs x
AVERAGE = (r"z_j = \sum_k w_{jk} a_k + b_j", r"a_j = \sigma(z_j)",
           r"C = -\sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]", r"C = \frac{1}{n} \sum_x C_x")


def _net(forward: tuple[str, ...], **kw: object) -> symbp.Network:
    if "sigma" in " ".join(forward):
        kw.setdefault("activations", {"sigma": "sigmoid"})
    return symbp.declare(list(forward), aliases={"l": "k"}, **kw)  # type: ignore[arg-type]


NETS = {
    "softmax": lambda: _net(SOFTMAX, targets={"t": "one-hot"}),
    "softmax-probabilities": lambda: _net(SOFTMAX, targets={"t": "sum to 1"}),
    "softmax-undeclared": lambda: _net(SOFTMAX),
    "logistic": lambda: _net(LOGISTIC),
    "squares": lambda: _net(SQUARES),
    "log": lambda: _net(LOG),
    "exp-log": lambda: symbp.declare(list(EXPLOG)),
    "average": lambda: symbp.declare(list(AVERAGE), error="C", activations={"sigma": "sigmoid"}),
}

#: (network, equation, verdict): the identities a student relies on, and their slips
ROWS = [
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
