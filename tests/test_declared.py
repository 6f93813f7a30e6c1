"""Concrete activations and error functions, declared instead of left undefined.

With ``h`` undefined, ``h'(a_j) = 1 - h(a_j)^2`` is refuted (it fails for most ``h``); declared
``tanh`` it is verified.  Likewise ``δ_k = y_k - t_k`` needs a declared sum-of-squares error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import symbp

PLAIN = [r"a_j = \sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"]


def net(activation: str | None = None, error: str | None = None) -> symbp.Network:
    return symbp.declare(PLAIN, activations={"h": activation} if activation else None,
                         error_kind=error)


TABLE = [
    # (activation, error, equation, verdict)
    (None, None, r"h'(a_j) = 1 - h(a_j)^2", "refuted"),
    ("tanh", None, r"h'(a_j) = 1 - h(a_j)^2", "verified"),
    ("tanh", None, r"h'(a_j) = 1 - z_j^2", "verified"),
    ("tanh", None, r"h''(a_j) = -2 z_j (1 - z_j^2)", "verified"),
    ("tanh", None, r"\delta_j = (1 - z_j^2) \sum_k w_{kj} \delta_k", "verified"),
    ("tanh", None, r"h'(a_j) = 1 + z_j^2", "refuted"),
    ("tanh", None, r"\delta_j = z_j (1 - z_j) \sum_k w_{kj} \delta_k", "refuted"),
    ("logistic", None, r"h'(a_j) = z_j (1 - z_j)", "verified"),
    ("logistic", None, r"h''(a_j) = z_j (1 - z_j) (1 - 2 z_j)", "verified"),
    ("logistic", None, r"h'(a_j) = 1 - z_j^2", "refuted"),
    ("softplus", None, r"h''(a_j) = h'(a_j) (1 - h'(a_j))", "verified"),  # h' is the logistic function
    ("softplus", None, r"h'''(a_j) = h''(a_j) (1 - 2 h'(a_j))", "verified"),
    ("softplus", None, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", "verified"),
    ("softplus", None, r"h''(a_j) = h'(a_j)", "refuted"),
    ("softplus", None, r"h'(a_j) = z_j (1 - z_j)", "refuted"),  # softplus is not the logistic
    ("softplus", None, r"\delta_j = z_j \sum_k w_{kj} \delta_k", "refuted"),
    ("identity", None, r"\delta_j = \sum_k w_{kj} \delta_k", "verified"),
    ("identity", None, r"z_j = a_j", "verified"),
    ("identity", None, r"\delta_j = 2 \sum_k w_{kj} \delta_k", "refuted"),
    (None, None, r"\delta_k = a_k - t_k", "error"),  # no t without a declared error
    (None, "sum-of-squares", r"\delta_k = a_k - t_k", "verified"),
    (None, "sum-of-squares", r"\frac{\partial E}{\partial a_k} = a_k - t_k", "verified"),
    (None, "sum-of-squares", r"E = \frac{1}{2} \sum_k (a_k - t_k)^2", "verified"),
    (None, "sum-of-squares", r"E = \sum_k (a_k - t_k)^2", "refuted"),
    (None, "sum-of-squares", r"\frac{\partial \delta_k}{\partial a_k} = 1", "verified"),
    (None, "sum-of-squares", r"\frac{\partial E}{\partial w_{kj}} = (a_k - t_k) z_j", "verified"),
    (None, "sum-of-squares", r"\frac{\partial E}{\partial w_{kj}} = (t_k - a_k) z_j", "refuted"),
    ("tanh", "sum-of-squares",
     r"\frac{\partial E}{\partial w_{ji}} = (1 - z_j^2) z_i \sum_k w_{kj} (a_k - t_k)", "verified"),
    (None, None, r"E = E", "error"),  # E undefined: only its derivatives mean something
]


@pytest.mark.parametrize("activation, error, latex, verdict", TABLE)
def test_declared_functions(activation: str | None, error: str | None, latex: str, verdict: str) -> None:
    results = symbp.check_equation(latex, net(activation, error))
    assert [r.verdict for r in results][-1] == verdict, results[-1].message


def test_counterexample_uses_the_declared_activation() -> None:
    (r,) = symbp.check_equation(r"h'(a_j) = 1 - z_j^2", net("logistic"))
    assert r.verdict == "refuted" and r.counterexample["h"] == "h = logistic"


@pytest.mark.parametrize("kwargs, message", [
    (dict(activations={"h": "swish"}), "unknown activation"),
    (dict(activations={"h": "softmax"}), "unknown activation"),
    (dict(activations={"g": "tanh"}), "no forward equation uses"),
    (dict(error_kind="cross-entropy"), "unknown error function"),
])
def test_bad_declarations(kwargs: dict, message: str) -> None:
    with pytest.raises(symbp.DeclarationError, match=message):
        symbp.declare(PLAIN, **kwargs)


def test_directives_in_a_file() -> None:
    text = "\n".join([
        "% symbp: activation h = tanh",
        "% symbp: error sum-of-squares",
        *[f"% symbp: forward {f}" for f in PLAIN],
        r"$$\delta_k = a_k - t_k$$",
        r"$$\delta_j = (1 - z_j^2) \sum_k w_{kj} \delta_k$$",
    ])
    results = symbp.check_file(symbp.loads(text, "t.tex"))
    assert [r.verdict for r in results] == ["verified", "verified"]


def test_bad_activation_directive_is_located() -> None:
    with pytest.raises(symbp.DeclarationError) as info:
        symbp.loads("% symbp: forward a_j = \\sum_i w_{ji} z_i\n% symbp: activation tanh\n", "t.tex")
    assert info.value.location is not None and info.value.location.line == 2


@pytest.mark.parametrize("directive, message", [
    ("% symbp: activation g = tanh", "no forward equation uses"),
    ("% symbp: activation h = swish", "unknown activation"),
    ("% symbp: error cross-entropy", "unknown error function"),
    ("% symbp: index m = q_l", "q is not an index"),
])
def test_declaration_errors_point_at_their_directive(directive: str, message: str) -> None:
    text = "% symbp: network plain\n\n" + directive + "\n$$\\delta_j = h(a_j)$$\n"
    with pytest.raises(symbp.DeclarationError, match=message) as info:
        symbp.loads(text, "t.tex")
    assert info.value.location is not None and info.value.location.line == 3


# ----------------------------------------------------------------------------------------------
# exp (the command \exp, exp' = exp) and sigmoid (logistic under the name the field uses)

EXP = [r"a_j = \sum_i w_{ji} x_i", r"z_j = \exp(a_j)", r"a_k = \sum_j w_{kj} z_j"]
SIGMA = [r"a_j = \sum_i w_{ji} x_i", r"z_j = \sigma(a_j)", r"a_k = \sum_j w_{kj} z_j"]

KNOWN = [
    # (forward, activations, left, right, verdict)
    (EXP, None, r"\frac{\partial z_j}{\partial a_j}", r"z_j", "verified"),
    (EXP, None, r"\exp'(a_j)", r"\exp(a_j)", "verified"),
    (EXP, None, r"\exp''(a_j)", r"z_j", "verified"),
    (EXP, None, r"\delta_j", r"z_j \sum_k w_{kj} \delta_k", "verified"),
    (EXP, None, r"\frac{\partial z_j}{\partial a_j}", r"1", "refuted"),
    (EXP, None, r"\exp'(a_j)", r"2 z_j", "refuted"),
    (EXP, None, r"\delta_j", r"\sum_k w_{kj} \delta_k", "refuted"),
    (EXP, None, r"\delta_j", r"a_j \sum_k w_{kj} \delta_k", "refuted"),
    (SIGMA, {"sigma": "sigmoid"}, r"\sigma'(a_j)", r"\sigma(a_j)(1 - \sigma(a_j))", "verified"),
    (SIGMA, {"sigma": "sigmoid"}, r"\sigma'(a_j)", r"z_j - z_j^2", "verified"),
    (SIGMA, {"sigma": "sigmoid"}, r"\sigma''(a_j)", r"z_j (1 - z_j) (1 - 2 z_j)", "verified"),
    (SIGMA, {"sigma": "sigmoid"}, r"\delta_j", r"z_j (1 - z_j) \sum_k w_{kj} \delta_k", "verified"),
    (SIGMA, {"sigma": "sigmoid"}, r"\sigma'(a_j)", r"\sigma(a_j)", "refuted"),  # σ for σ'
    (SIGMA, {"sigma": "sigmoid"}, r"\sigma'(a_j)", r"1 - z_j^2", "refuted"),  # the tanh rule
    (SIGMA, {"sigma": "sigmoid"}, r"\delta_j", r"\sigma(a_j) \sum_k w_{kj} \delta_k", "refuted"),
    (SIGMA, None, r"\sigma'(a_j)", r"\sigma(a_j)(1 - \sigma(a_j))", "refuted"),  # σ undeclared: any σ
]


@pytest.mark.parametrize("forward, activations, left, right, verdict", KNOWN)
def test_exp_and_sigmoid(forward: list[str], activations: dict | None, left: str, right: str,
                         verdict: str) -> None:
    network = symbp.declare(forward, activations=activations)
    (result,) = symbp.check_equation(f"{left} = {right}", network)
    assert result.verdict == verdict, result.message


@pytest.mark.parametrize("forward, activations, left, right, verdict", KNOWN)
def test_the_oracle_agrees_on_exp_and_sigmoid(forward: list[str], activations: dict | None, left: str,
                                              right: str, verdict: str) -> None:
    from symbp.latex.parser import parse_expression
    from symbp.soundness import oracle
    network = symbp.declare(forward, activations=activations)
    sides = [parse_expression(s, network.functions) for s in (left, right)]
    truth = oracle.EQUIVALENT if verdict == "verified" else oracle.DIFFERENT
    assert oracle.compare(network, *sides) == truth


def test_sigmoid_in_a_file() -> None:
    text = "\n".join([
        r"% symbp: activation \sigma = sigmoid",
        *[f"% symbp: forward {f}" for f in SIGMA],
        r"$$\sigma'(a_j) = \sigma(a_j)(1 - \sigma(a_j))$$",
        r"$$\sigma'(a_j) = \sigma(a_j)$$",
    ])
    results = symbp.check_file(symbp.loads(text, "t.tex"))
    assert [r.verdict for r in results] == ["verified", "refuted"]
    assert results[1].counterexample["h"] == "sigmoid" or "sigmoid" in str(results[1].counterexample)


@pytest.mark.parametrize("activation, error, latex, verdict",
                         [row for row in TABLE if row[3] in ("verified", "refuted")
                          and r"\partial \delta" not in row[2]])  # the oracle: first derivatives of E
def test_the_oracle_agrees_on_the_declared_functions(activation: str | None, error: str | None, latex: str,
                                                     verdict: str) -> None:
    from symbp.latex.parser import parse_chain
    from symbp.soundness import oracle
    network = net(activation, error)
    chain = parse_chain(latex, network.functions)
    truth = oracle.EQUIVALENT if verdict == "verified" else oracle.DIFFERENT
    assert oracle.compare(network, chain.sides[0], chain.sides[-1]) == truth


@pytest.mark.parametrize(("file", "says"), [
    ("nielsen_ch2.tex", (r"\sigma = ", "C = 1/2 sum")),
    ("graves_3_1.tex", (r"\theta", "O = ")),
])
def test_a_counterexample_names_the_networks_own_letters(file: str, says: tuple) -> None:
    """Nielsen's σ and C, Graves's θ and O: the footer of a counterexample says which functions
    ran under the writer's letters, not under symbp's h and E."""
    from symbp.render.display import counterexample_text

    root = Path(__file__).resolve().parents[1]
    shown = [counterexample_text(r.counterexample) for r in symbp.check_file(root / "derivations" / file)
             if r.counterexample and isinstance(r.counterexample.get("lhs"), float)]
    assert shown
    for text in shown:
        assert all(s in text for s in says) and "h: " not in text and "E: " not in text, text
