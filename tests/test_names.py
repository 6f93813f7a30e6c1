"""Issue 12: the field's names.  Meaning from the forward pass, never from a letter.

Every reading has rows from both sides: equal rewrites that must verify and slips that must be
refuted, and the independent oracle (symbp.soundness.oracle, which reads the forward pass with
its own code) must agree with each row.  Networks, in the sources' own letters:

* PRML (Bishop 5.3): ``a`` weighted sums, ``z = h(a)``, ``δ = ∂E/∂a``;
* Nielsen (NNDL ch. 2): ``z`` weighted inputs, ``a = σ(z)``, ``δ = ∂C/∂z``;
* Graves (2012, 3.1): ``a`` network inputs, ``b_h = θ_h(a_h)`` with one function per unit;
* Goodfellow (6.5): ``a`` weighted sums, ``h = f(a)``, parameters ``W, b``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symbp
from symbp.errors import DeclarationError, SymbpError
from symbp.latex.ast import Call
from symbp.latex.parser import parse_chain, parse_expression
from symbp.latex.unparse import unparse
from symbp.soundness.oracle import DIFFERENT, EQUIVALENT, ILL_FORMED, compare

NETS = {
    "prml": ([r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"], {}),
    "nielsen": ([r"z_j = \sum_i w_{ji} a_i + b_j", r"a_j = \sigma(z_j)", r"z_k = \sum_j w_{kj} a_j + b_k",
                 r"a_k = \sigma(z_k)"], {}),
    "graves": ([r"a_h = \sum_{i=1}^{I} w_{ih} x_i", r"b_h = \theta_h(a_h)",
                r"a_k = \sum_{h=1}^{H} w_{hk} b_h"], {"params": ("w",)}),
    "graves-shared": ([r"a_h = \sum_i w_{ih} x_i", r"b_h = \theta(a_h)", r"a_k = \sum_h w_{hk} b_h"],
                      {"params": ("w",)}),
    "goodfellow": ([r"a_j = b_j + \sum_i W_{ji} x_i", r"h_j = f(a_j)", r"a_k = b_k + \sum_j W_{kj} h_j"],
                   {"params": ("W", "b")}),
    "mixed": ([r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"z_k = \sum_j w_{kj} z_j"], {}),
    "tanh": ([r"a_j = \sum_i w_{ji} x_i", r"z_j = \tanh(a_j)", r"a_k = \sum_j w_{kj} z_j"], {}),
    "exp": ([r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = \exp(a_k)"],
            {}),
    "softmax-out": ([r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j",
                     r"y_k = \sigma(a_k)"], {"aliases": {"l": "k"}}),
}


def net(name: str) -> symbp.Network:
    forward, kw = NETS[name]
    return symbp.declare(forward, name=name, **kw)


dE = r"\frac{\partial E}{\partial %s}"

#: (network, equation, symbp's verdict, the oracle's reading: equivalent / different / ill-formed)
ROWS = [
    # -- 1. functions are applications (Graves: b_h = θ_h(a_h) is no product)
    ("graves", r"\frac{\partial b_h}{\partial a_h} = \theta_h'(a_h)", "verified", EQUIVALENT),
    ("graves", r"\frac{\partial b_h}{\partial a_h} = \dot\theta_h(a_h)", "verified", EQUIVALENT),
    ("graves", r"\frac{\partial b_h}{\partial a_h} = \dot{\theta}_h(a_h)", "verified", EQUIVALENT),
    ("graves", r"\frac{\partial b_h}{\partial a_h} = \theta'(a_h)", "verified", EQUIVALENT),  # his θ'(a_h)
    ("graves", r"\delta_h = \theta_h'(a_h) \sum_{k=1}^{K} \delta_k w_{hk}", "verified", EQUIVALENT),
    ("graves", dE % "w_{ih}" + r" = \delta_h x_i", "verified", EQUIVALENT),
    ("graves", r"\frac{\partial b_h}{\partial a_h} = \theta_h", "refuted", ILL_FORMED),  # the slip
    ("graves", r"\delta_h = \theta_h \sum_k \delta_k w_{hk}", "refuted", ILL_FORMED),
    ("graves", r"\delta_h = \theta_h(a_h) \sum_k \delta_k w_{hk}", "refuted", DIFFERENT),
    ("graves", r"b_h = \theta_h", "error", ILL_FORMED),  # would hold as a value: never verified
    ("graves", dE % "w_{hk}" + r" = \delta_k a_h", "refuted", DIFFERENT),
    ("graves-shared", r"\frac{\partial b_h}{\partial a_h} = \theta'(a_h)", "verified", EQUIVALENT),
    ("graves-shared", r"\frac{\partial b_h}{\partial a_h} = \theta_h'(a_h)", "error", DIFFERENT),
    ("tanh", r"\frac{\partial z_j}{\partial a_j} = 1 - z_j^2", "verified", EQUIVALENT),  # \tanh is tanh
    ("tanh", r"\frac{\partial z_j}{\partial a_j} = 1 - \tanh(a_j)^2", "verified", EQUIVALENT),
    ("tanh", r"\frac{\partial z_j}{\partial a_j} = 1 + z_j^2", "refuted", DIFFERENT),
    ("tanh", r"\delta_j = \tanh(a_j) \sum_k w_{kj} \delta_k", "refuted", DIFFERENT),
    # exp: the catalogue's exp (issue 14), exp' = exp
    ("exp", r"\frac{\partial y_k}{\partial a_k} = \exp'(a_k)", "verified", EQUIVALENT),
    ("exp", r"\frac{\partial y_k}{\partial a_k} = y_k", "verified", EQUIVALENT),
    ("exp", r"\frac{\partial y_k}{\partial a_k} = \exp(a_k)", "verified", EQUIVALENT),
    ("exp", r"\frac{\partial y_k}{\partial a_k} = 2 y_k", "refuted", DIFFERENT),
    ("exp", r"\frac{\partial y_k}{\partial a_k} = 1", "refuted", DIFFERENT),
    # -- 2. roles from structure: δ differentiates by the weighted sums, whatever their letter
    ("nielsen", dE % "b_j" + r" = \delta_j", "verified", EQUIVALENT),  # BP3
    ("nielsen", dE % "b_j" + r" = \delta_j \sigma'(z_j)", "refuted", DIFFERENT),  # the slip
    ("nielsen", dE % "w_{ji}" + r" = a_i \delta_j", "verified", EQUIVALENT),  # BP4
    ("nielsen", dE % "w_{ji}" + r" = a_i \delta_j \sigma'(z_j)", "refuted", DIFFERENT),
    ("nielsen", r"\delta_k = \frac{\partial E}{\partial a_k} \sigma'(z_k)", "verified", EQUIVALENT),  # BP1
    ("nielsen", r"\delta_k = \frac{\partial E}{\partial a_k}", "refuted", DIFFERENT),
    ("nielsen", r"\delta_j = \sum_k w_{kj} \delta_k \sigma'(z_j)", "verified", EQUIVALENT),  # BP2
    ("nielsen", r"\delta_j = \frac{\partial E}{\partial z_j}", "verified", EQUIVALENT),
    ("nielsen", r"\delta_j = \frac{\partial E}{\partial a_j}", "refuted", DIFFERENT),
    ("prml", r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", "verified", EQUIVALENT),
    ("prml", r"\delta_j = \frac{\partial E}{\partial z_j}", "refuted", DIFFERENT),
    ("goodfellow", dE % "b_j" + r" = \delta_j", "verified", EQUIVALENT),
    ("goodfellow", dE % "b_j" + r" = \frac{\partial E}{\partial h_j}", "refuted", DIFFERENT),
    ("goodfellow", r"\delta_j = f'(a_j) \sum_k W_{kj} \delta_k", "verified", EQUIVALENT),
    # a unit whose weighted sum has another letter: δ_k is ∂E/∂z_k, by its range
    ("mixed", r"\delta_k = \frac{\partial E}{\partial z_k}", "verified", EQUIVALENT),
    ("mixed", r"\delta_j = \frac{\partial E}{\partial z_j}", "refuted", DIFFERENT),
    # -- 3. any name for the error, and one pattern's error E_n
    ("prml", r"\frac{\partial E_n}{\partial w_{ji}} = \delta_j x_i", "verified", EQUIVALENT),
    ("prml", r"\frac{\partial E_n}{\partial w_{ji}} = \delta_j z_j", "refuted", DIFFERENT),
    ("prml", r"\frac{\partial E_n}{\partial a_j} = \delta_j", "verified", EQUIVALENT),
    # -- 6. Kronecker's delta written δ_{kl} (PRML 5.75)
    ("softmax-out", r"\frac{\partial y_k}{\partial a_l} = \delta_{kl} \sigma'(a_l)", "verified-at-sizes",
     EQUIVALENT),
    ("softmax-out", r"\frac{\partial y_k}{\partial a_l} = \delta_{kl} \sigma'(a_k)", "verified", EQUIVALENT),
    ("softmax-out", r"\frac{\partial y_k}{\partial a_l} = \sigma'(a_l)", "refuted", DIFFERENT),
    ("softmax-out", r"\frac{\partial y_k}{\partial a_l} = \delta_{kl} \sigma(a_l)", "refuted", DIFFERENT),
]


@pytest.mark.parametrize("name, latex, verdict, truth", ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_each_reading_from_both_sides(name: str, latex: str, verdict: str, truth: str) -> None:
    n = net(name)
    (r,) = symbp.check_equation(latex, n)
    assert r.verdict == verdict, r.message
    chain = parse_chain(latex, n.functions)
    assert compare(n, *chain.sides) == truth
    assert truth == EQUIVALENT or r.verdict not in ("verified", "verified-at-sizes")


ROLES = [
    ("prml", "a"), ("nielsen", "z"), ("graves", "a"), ("goodfellow", "a"), ("mixed", "a"),
]


@pytest.mark.parametrize("name, letter", ROLES)
def test_the_letter_of_delta_comes_from_the_forward_pass(name: str, letter: str) -> None:
    n = net(name)
    assert n.delta_of == letter
    pre = {n.families[f].show() for f, r in n.roles.items() if r == "pre-activation"}
    assert pre and all(s.startswith(letter) or name == "mixed" for s in pre)


def _text(forward: list[str], claim: str, *directives: str) -> str:
    lines = [f"% symbp: {d}" for d in directives]
    lines += ["% symbp: forward", "\\begin{align*}", " \\\\\n".join(forward), "\\end{align*}", f"$${claim}$$"]
    return "\n".join(lines) + "\n"


def _verdicts(text: str) -> list[str]:
    return [r.verdict for r in symbp.check_file(symbp.loads(text, "t.tex"))]


NIELSEN = NETS["nielsen"][0]


@pytest.mark.parametrize("claim, directives, verdict", [
    (r"\frac{\partial C}{\partial b_j} = \delta_j", (), "verified"),  # C inferred
    (r"\frac{\partial C}{\partial b_j} = \delta_j \sigma'(z_j)", (), "refuted"),
    (r"\frac{\partial C_x}{\partial b_j} = \delta_j", (), "verified"),  # one example's cost
    (r"\frac{\partial J}{\partial b_j} = \delta_j", (), "verified"),  # J, although j's range was J
    (r"\frac{\partial J}{\partial b_j} = \frac{\partial J}{\partial a_j}", (), "refuted"),
    (r"\frac{\partial L}{\partial b_j} = \delta_j", ("error L",), "verified"),
    (r"\frac{\partial O}{\partial b_j} = \delta_j", ("error O",), "verified"),
    # another convention, declared: δ is the derivative by the activation
    (r"\delta_j = \frac{\partial E}{\partial a_j}", ("delta a",), "verified"),
    (r"\frac{\partial E}{\partial b_j} = \delta_j \sigma'(z_j)", ("delta a",), "verified"),
    (r"\frac{\partial E}{\partial b_j} = \delta_j", ("delta a",), "refuted"),
])
def test_error_names_and_the_delta_directive(claim: str, directives: tuple[str, ...], verdict: str) -> None:
    assert _verdicts(_text(NIELSEN, claim, *directives)) == [verdict]


def test_two_error_names_are_an_error_that_names_the_directive() -> None:
    text = _text(NIELSEN, r"\frac{\partial C}{\partial b_j} = \frac{\partial J}{\partial b_j}")
    (r,) = symbp.check_file(symbp.loads(text, "t.tex"))
    assert r.verdict == "error" and "% symbp: error" in r.message


def test_a_delta_directive_that_names_no_family_is_an_input_error() -> None:
    with pytest.raises(DeclarationError, match="no forward equation names"):
        symbp.loads(_text(NIELSEN, r"\delta_j = \delta_j", "delta q"), "t.tex")


def test_delta_without_a_weighted_sum_asks_for_the_directive() -> None:
    n = symbp.declare([r"z_j = h(x_j)"])
    (r,) = symbp.check_equation(r"\delta_j = \frac{\partial E}{\partial z_j}", n)
    assert r.verdict == "error" and "'% symbp: delta a'" in r.message


# -- 1. parsing function applications


@pytest.mark.parametrize("src, name, order, sub", [
    (r"\theta_h(a_h)", "theta", 0, (("h",),)),
    (r"\theta_h'(a_h)", "theta", 1, (("h",),)),
    (r"\theta_{h}''(a_h)", "theta", 2, (("h",),)),
    (r"\dot\sigma(z_j)", "sigma", 1, ()),
    (r"\dot{\sigma}(z_j)", "sigma", 1, ()),
    (r"\ddot\sigma(z_j)", "sigma", 2, ()),
    (r"\tanh(a_j)", "tanh", 0, ()),
    (r"\exp(a_k)", "exp", 0, ()),
    (r"\log'(a_k)", "log", 1, ()),
])
def test_function_applications_parse_and_print_back(src: str, name: str, order: int, sub: tuple) -> None:
    node = parse_expression(src, {"theta", "sigma", "tanh", "exp", "log"})
    assert isinstance(node, Call) and (node.name, node.order, node.sub) == (name, order, sub)
    again = parse_expression(unparse(node), {"theta", "sigma", "tanh", "exp", "log"})
    assert again.key() == node.key()


def test_a_subscripted_name_not_applied_stays_a_symbol() -> None:
    assert unparse(parse_expression(r"\theta_h a_h", {"theta"})) == r"\theta_{h} a_{h}"


def test_a_name_applied_and_used_as_a_quantity_is_a_declaration_error() -> None:
    with pytest.raises(DeclarationError, match="applied as a function and also used as a quantity"):
        symbp.declare([r"b_h = \theta_h(a_h)", r"c_h = \theta_h b_h"])


def test_a_per_unit_function_applied_to_another_unit_is_an_error() -> None:
    (r,) = symbp.check_equation(r"\delta_h = \sum_k \theta_k'(a_h) w_{hk} \delta_k", net("graves"))
    assert r.verdict == "error" and "another unit" in r.message


def test_weights_before_a_bracket_stay_products() -> None:
    n = symbp.declare([r"a_k = \sum_j w_{kj}(z_j + x_j)"])
    assert "w" not in n.functions


# -- 4. labels, 5. superscripts


@pytest.mark.parametrize("claim", [
    r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i \quad (5.53)",
    r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i (5.53)",
    r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i \qquad \text{(BP4)}",
    r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i \quad (3)",
])
def test_equation_numbers_are_labels(claim: str) -> None:
    d = symbp.loads(_text(NETS["prml"][0], claim), "t.tex")
    assert [r.verdict for r in symbp.check_file(d)] == ["verified"]
    assert d.equations[0].label.startswith("(")


@pytest.mark.parametrize("latex", [r"\delta_k^{(2)} = \delta_k", r"z^{[2]}_j = z_j",
                                   r"\frac{\partial E}{\partial w^{(1)}_{ji}} = \delta_j z_i"])
def test_a_superscript_no_family_carries_is_an_error_naming_both_readings(latex: str) -> None:
    (r,) = symbp.check_equation(latex, "plain")
    assert r.verdict == "error" and "layer label or as a power" in r.message


@pytest.mark.parametrize("src", [r"a^{(l+1)}_j", r"a^{(k-1)}", r"z^{[l][2]}_j"])
def test_a_superscript_with_arithmetic_is_not_read_yet(src: str) -> None:
    with pytest.raises(SymbpError):
        parse_expression(src)


LAYERS = [r"z^{(2)}_j = \sum_i w^{(2)}_{ji} a_i + b^{(2)}_j", r"a^{(2)}_j = \sigma(z^{(2)}_j)",
          r"z^{(3)}_k = \sum_j w^{(3)}_{kj} a^{(2)}_j + b^{(3)}_k", r"a^{(3)}_k = \sigma(z^{(3)}_k)"]


@pytest.mark.parametrize("latex, verdict, truth", [
    (dE % "b^{(2)}_j" + r" = \delta^{(2)}_j", "verified", EQUIVALENT),
    (r"\delta^{(2)}_j = \sum_k w^{(3)}_{kj} \delta^{(3)}_k \sigma'(z^{(2)}_j)", "verified", EQUIVALENT),
    (r"\delta_j = \sum_k w^{(3)}_{kj} \delta_k \sigma'(z^{(2)}_j)", "verified", EQUIVALENT),
    (r"\delta^{(2)}_j = \sum_k w^{(3)}_{kj} \delta^{(3)}_k \sigma(z^{(2)}_j)", "refuted", DIFFERENT),
    (dE % "w^{(3)}_{kj}" + r" = a^{(2)}_j \delta^{(3)}_k", "verified", EQUIVALENT),
    (dE % "w^{(3)}_{kj}" + r" = a^{(2)}_j \delta^{(2)}_k", "refuted", ILL_FORMED),  # the wrong layer
    (dE % "w_{kj}^{(3)}" + r" = a_j^{(2)} \delta_k^{(3)}", "verified", EQUIVALENT),  # either order
    (dE % "b^{(2)}_j" + r" = \delta^{(4)}_j", "error", ILL_FORMED),
])
def test_superscripts_the_forward_pass_carries_name_families(latex: str, verdict: str, truth: str) -> None:
    n = symbp.declare(LAYERS)
    assert {f.show() for f in n.params} == {"w^{(2)}_{ji}", "b^{(2)}_{j}", "w^{(3)}_{kj}", "b^{(3)}_{k}"}
    (r,) = symbp.check_equation(latex, n)
    assert r.verdict == verdict, r.message
    assert compare(n, *parse_chain(latex, n.functions).sides) == truth


def test_a_bare_number_on_a_quantity_is_a_power() -> None:
    (r,) = symbp.check_equation(r"\frac{\partial z_j}{\partial a_j} = 1 - z_j^2", net("tanh"))
    assert r.verdict == "verified"


# -- 6. Kronecker: both readings fit


def test_a_delta_that_fits_both_readings_is_an_error() -> None:
    n = symbp.declare([r"a_{kl} = \sum_j w_{klj} x_j"], aliases={"l": "k"})
    (r,) = symbp.check_equation(r"\sum_l \delta_{kl} = \sum_l \frac{\partial E}{\partial a_{kl}}", n)
    assert r.verdict == "error" and "Kronecker delta or as" in r.message


def test_kronecker_delta_with_letters_of_two_ranges_is_no_reading() -> None:
    n = net("softmax-out")
    (r,) = symbp.check_equation(r"\frac{\partial y_k}{\partial a_j} = \delta_{kj} \sigma'(a_k)", n)
    assert r.verdict in ("refuted", "error") and "different ranges" in r.message


# -- 4. the file's own macros, expanded with positions mapped back

MACRO_FILE = r"""\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}}
\newcommand\act{h}
\DeclareMathOperator{\ReLU}{ReLU}
\def\E{E}
% symbp: forward
\begin{align*}
a_j &= \sum_i w_{ji} x_i \\
z_j &= \act(a_j) \\
a_k &= \sum_j w_{kj} z_j
\end{align*}
$$\pd{\E}{w_{ji}} = \delta_j x_i$$
$$\pd{\E}{w_{ji}} = \delta_j \act(a_j)$$
$$\delta_j = \act'(a_j) \sum_k w_{kj} \delta_k$$
$$\pd{\E}{q_{ji}} = \delta_j x_i$$
"""


def test_macros_are_expanded_and_errors_point_at_the_source() -> None:
    results = symbp.check_file(symbp.loads(MACRO_FILE, "m.tex"))
    assert [r.verdict for r in results] == ["verified", "refuted", "verified", "error"]
    last = results[-1]
    assert (last.line, last.column) == (14, 11) and "q_{ji}" in last.message  # at \pd{\E}{q_{ji}}


@pytest.mark.parametrize("text, message", [
    (r"\newcommand{\loop}{\loop x}" + "\n% symbp: forward a_j = \\loop\n", "nested more than"),
    (r"\def\f#1{#1}" + "\n% symbp: network plain\n", "takes arguments"),
    (r"\newcommand{\pd}[2]{\frac{#1}{#2}" + "\n% symbp: network plain\n", "never closed"),
])
def test_bad_macros_are_input_errors_never_hangs(text: str, message: str) -> None:
    with pytest.raises(SymbpError, match=message):
        symbp.loads(text, "m.tex")


def test_a_macro_with_missing_arguments_is_an_error_at_its_use() -> None:
    text = MACRO_FILE.replace(r"$$\pd{\E}{q_{ji}} = \delta_j x_i$$", r"$$\delta_j = \pd$$")
    (*_, r) = symbp.check_file(symbp.loads(text, "m.tex"))
    assert r.verdict == "error" and "takes 2 argument(s)" in r.message


def test_a_lower_case_name_is_not_taken_for_the_error_without_the_directive() -> None:
    text = _text(NIELSEN, r"\frac{\partial q}{\partial b_j} = \delta_j")
    (r,) = symbp.check_file(symbp.loads(text, "t.tex"))
    assert r.verdict == "error" and "% symbp: error q" in r.message
    assert _verdicts(_text(NIELSEN, r"\frac{\partial q}{\partial b_j} = \delta_j", "error q")) == ["verified"]
    assert _verdicts(_text(NIELSEN, r"\frac{\partial \ell}{\partial b_j} = \delta_j")) == ["verified"]


# -- hostile input in the new readings: verdicts or input errors, never another exception

PIECES = [r"\newcommand{\x}[1]{#1 \x}", r"\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}}", r"\pd{E}",
          r"\pd", r"\def\q{", r"\DeclareMathOperator{\R}{ReLU}", r"\R(a_j)", r"\theta_h(", r"\theta_h'",
          r"\theta_{h}(a_h)", r"^{(2)}", r"^{[", r"^{(l+1)}", r"\dot", r"\dot{", r"\mathbf{", r"\mathbf{w}",
          r"\boldsymbol{\delta}_j", r"\mathcal{L}", r"\ell", r"\operatorname{", r"\tanh(", r"\exp'(a_k)",
          r"\delta_{kl}", r"\delta_{jj}", r"E_n", r"C_x", r"\quad (5.53)", r"\text{(BP1)}",
          r"% symbp: delta z", r"% symbp: error C", r"% symbp: delta", "{", "}", "(", ")", "$$", "\n", " ",
          "=", "\\\\", "&"]


@settings(max_examples=int(os.environ.get("NAMES_FUZZ", 60)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12), st.integers(0, 3))
def test_hostile_input_gives_verdicts_or_input_errors(pieces: list[str], where: int) -> None:
    text = MACRO_FILE if where else _text(NIELSEN, r"\delta_j = \delta_j")
    cut = len(text) * where // 4
    text = text[:cut] + "".join(pieces) + text[cut:]
    try:
        results = symbp.check_file(symbp.loads(text, "f.tex"))
    except symbp.InputError as exc:
        assert exc.location is not None and exc.location.file == "f.tex"
        return
    assert all(r.verdict in symbp.VERDICTS and "internal error" not in r.message for r in results), \
        [r.message for r in results]
