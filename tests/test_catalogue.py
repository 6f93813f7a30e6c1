"""One catalogue of activation and error functions: its forms agree with each other, and every
reader (directives, engine, numeric check, counterexamples, proofs, CLI) reads it."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symbp import catalogue
from symbp.catalogue import ACTIVATIONS, ERRORS

X = np.linspace(-2.0, 2.0, 9)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_numpy_and_sympy_forms_agree(name: str, order: int) -> None:
    a = ACTIVATIONS[name]
    x = sp.Symbol("x")
    if a.kink is not None and order > 1:  # SymPy's derivative there is a DiracDelta: 0 away from the kink
        assert not np.any(a.numpy(X, order))
        return
    f = sp.lambdify(x, sp.diff(a.sympy(x), x, order), "numpy")
    inside = X[a.inside(X)]  # log: x > 0; relu: away from its kink
    assert np.allclose(np.broadcast_to(f(inside), inside.shape), a.numpy(inside, order))


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.derivative is not None])
def test_the_derivative_polynomial_is_the_derivative(name: str) -> None:
    a = ACTIVATIONS[name]
    h = a.numpy(X, a.base)
    assert np.allclose(sum(c * h ** p for p, c in a.derivative.items()), a.numpy(X, a.base + 1))


@pytest.mark.parametrize("name", list(ERRORS))
def test_an_error_gradient_is_the_derivative_of_its_energy(name: str) -> None:
    e = ERRORS[name]
    rng = np.random.default_rng(0)
    # the binary cross-entropy of probabilities y (its logarithms of y and 1 - y)
    y = rng.uniform(0.1, 0.9, 4) if name == "binary-cross-entropy" else rng.normal(size=4)
    t = e.targets(rng, (4,))
    step = 1e-6
    fd = [(e.energy(y + step * np.eye(4)[k], t) - e.energy(y - step * np.eye(4)[k], t)) / (2 * step)
          for k in range(4)]
    assert np.allclose(fd, e.gradient(y, t), atol=1e-6)


def test_every_reader_reads_the_catalogue() -> None:
    from symbp.checker import diagnosis
    from symbp.engine import numeric
    from symbp.numcheck import ERROR_FUNCTIONS
    from symbp.render import proof
    assert set(numeric.ACTIVATIONS) == set(ACTIVATIONS)
    assert {n: v[0] for n, v in numeric.ERRORS.items()} == {n: e.text for n, e in ERRORS.items()}
    assert set(ERROR_FUNCTIONS) == set(catalogue.NUMERIC_ERRORS)
    assert diagnosis.INSTANCES == catalogue.INSTANCES
    assert set(proof._ACTIVATIONS) == set(ACTIVATIONS)
    assert set(proof._ERRORS) == {e.text for e in ERRORS.values()}
    from symbp.printers.sympy_views import CONCRETE
    assert CONCRETE == {n: a.sympy for n, a in ACTIVATIONS.items()}


def test_the_cli_offers_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    from symbp import cli
    with pytest.raises(SystemExit):
        cli.main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "{" + ",".join(ACTIVATIONS) + "}" in text
    assert "{" + ",".join(catalogue.NUMERIC_ERRORS) + "}" in text
    with pytest.raises(SystemExit):
        cli.main(["export", "--help"])
    assert "{" + ",".join(ACTIVATIONS) + "}" in " ".join(capsys.readouterr().out.split())


def test_declarable_kinds() -> None:
    assert catalogue.ACTIVATION_KINDS == {"tanh": {0: 1, 2: -1}, "logistic": {1: 1, 2: -1}, "identity": None,
                                          "sigmoid": {1: 1, 2: -1}, "exp": {1: 1}, "softplus": {1: 1, 2: -1},
                                          "log": None, "relu": {}}
    # softplus'' in softplus' = σ; relu'' = 0 in relu' (a step)
    assert {n for n, a in ACTIVATIONS.items() if a.base} == {"softplus", "relu"}
    assert catalogue.ERROR_KINDS == ("sum-of-squares", "softmax-cross-entropy", "binary-cross-entropy")
    # the two cross-entropies are shorthands for forward equations; the sum of squares is built in
    assert tuple(e for e in catalogue.ERROR_KINDS if catalogue.ERRORS[e].formula) == catalogue.ERROR_KINDS[1:]
    # loss8: the numeric check's errors are the directive's (binary-cross-entropy was missing)
    assert catalogue.NUMERIC_ERRORS == catalogue.ERROR_KINDS


@pytest.mark.parametrize("name, order", [(n, k) for n, a in ACTIVATIONS.items()
                                          if a.declarable and a.derivative is not None
                                          for k in (1, 2, 3) if k > a.base])
def test_the_engines_rule_gives_every_derivative(name: str, order: int) -> None:
    """What :func:`symbp.engine.calculus.declared` writes for ``h^{(order)}``, a polynomial in
    ``h^{(base)}`` (``h^{(order)}`` itself is kept where ``order <= base``), is the derivative."""
    from symbp.engine.calculus import _poly_derivatives
    a = ACTIVATIONS[name]
    h = a.numpy(X, a.base)
    poly = _poly_derivatives(catalogue.ACTIVATION_KINDS[name], order - a.base)
    assert np.allclose(sum(float(c) * h ** p for p, c in poly.items()), a.numpy(X, order))


# the rule table, apart from the mechanism: each function's derivative as a polynomial in its own
# value (or its base derivative) and its argument
RULES = [("tanh", {(0, 0): 1, (2, 0): -1}), ("logistic", {(1, 0): 1, (2, 0): -1}), ("exp", {(1, 0): 1}),
         ("log", {(0, -1): 1}), ("softplus", {(1, 0): 1, (2, 0): -1}), ("relu", {})]


@pytest.mark.parametrize("name, rule", RULES)
def test_the_rule_table(name: str, rule: dict) -> None:
    assert ACTIVATIONS[name].derivative_rule() == rule


@pytest.mark.parametrize("name, order", [(n, k) for n, _ in RULES for k in (1, 2, 3)])
def test_the_rule_mechanism_gives_every_derivative(name: str, order: int) -> None:
    """:func:`symbp.engine.calculus.rule_derivatives` of the table's rule is each derivative, on the
    function's domain (log: x > 0) and away from a kink (relu at 0)."""
    from symbp.engine.calculus import rule_derivatives
    a = ACTIVATIONS[name]
    x = X[a.inside(X)]
    if order <= a.base:
        return
    h = a.numpy(x, a.base)
    poly = rule_derivatives(a.derivative_rule(), order - a.base)
    got = sum(float(c) * h ** p * x ** float(q) for (p, q), c in poly.items()) if poly else np.zeros_like(x)
    assert np.allclose(got, a.numpy(x, order))


def test_relu_states_its_kink() -> None:
    assert "relu'(0) is taken as 0" in ACTIVATIONS["relu"].kink
    assert ACTIVATIONS["relu"].numpy(np.array([-1.0, 0.0, 2.0]), 1).tolist() == [0.0, 0.0, 1.0]
    assert ACTIVATIONS["log"].domain == "x > 0" and np.isnan(ACTIVATIONS["log"].numpy(np.array(-1.0), 0))


# ----------------------------------------------------------------------------------------------
# loss8: one catalogue for the file, the CLI and the API (issue 14: the CLI's --error lacked
# binary-cross-entropy, which a file's '% symbp: error binary-cross-entropy' reads)


def _cli_choices(sub: str, option: str) -> set[str]:
    import contextlib
    import io
    import re

    from symbp import cli
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.main([sub, "--help"])
    m = re.search(re.escape(option) + r" \{([^}]*)\}", " ".join(out.getvalue().split()))
    assert m, out.getvalue()
    return set(m.group(1).split(","))


def _file_reads(word: str, name: str) -> bool:
    from symbp.document import loads
    from symbp.errors import SymbpError
    forward = [r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"]
    directive = f"% symbp: activation h = {name}" if word == "activation" else f"% symbp: error {name}"
    try:
        doc = loads("\n".join([directive, "% symbp: forward", "\\begin{align*}", " \\\\\n".join(forward),
                                "\\end{align*}"]))
        assert doc.network is not None
    except SymbpError:
        return False
    return True


def _api_reads(word: str, name: str) -> bool:
    from symbp import declare, numcheck
    from symbp.errors import SymbpError
    forward = [r"a_j = \sum_i w_{ji} x_i", r"a_k = \sum_j w_{kj} h(a_j)"]
    try:
        if word == "activation":
            declare(forward, activations={"h": name})
            numcheck.Options(activation=name)
        else:
            declare(forward, error_kind=name)
            numcheck.Options(error=name)
    except SymbpError:
        return False
    return True


#: (what, the catalogue's names, the CLI's options offering them)
READERS = [("activation", set(catalogue.ACTIVATION_KINDS),
            [("check", "--activation"), ("export", "--activation")]),
           ("error", set(catalogue.ERROR_KINDS), [("check", "--error")])]


@pytest.mark.parametrize(("word", "names", "options"), READERS, ids=[r[0] for r in READERS])
def test_the_file_the_cli_and_the_api_read_one_set_of_names(word: str, names: set, options: list) -> None:
    for sub, option in options:
        assert _cli_choices(sub, option) == names, (sub, option)
    assert names == {n for n in names | {"softplus-sum", "gelu"} if _file_reads(word, n)}
    assert names == {n for n in names | {"softplus-sum", "gelu"} if _api_reads(word, n)}


def test_binary_cross_entropy_runs_from_the_cli_and_skips_outputs_outside_its_domain(
        capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # noqa: ANN001
    """``--error binary-cross-entropy`` on outputs in (0, 1) agrees; on linear outputs (no instance
    of E: its logarithms are not defined there) the link is skipped, never a difference."""
    from symbp import cli
    eq = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"
    assert cli.main(["check", "--numeric", "--error", "binary-cross-entropy", "-e", eq]) == 0
    out = capsys.readouterr().out
    assert "0 differ, 1 skipped" in out and "is defined where 0 < y < 1" in out
    f = tmp_path / "logistic.tex"
    f.write_text("\n".join([
        "% symbp: activation \\sigma = sigmoid", "% symbp: forward", "\\begin{align*}",
        r"a_j = \sum_i w_{ji} x_i \\ z_j = h(a_j) \\ a_k = \sum_j w_{kj} z_j \\ y_k = \sigma(a_k)",
        "\\end{align*}", r"\[ \delta_j = h'(a_j) \sum_k w_{kj} \delta_k \]",
        r"\[ \frac{\partial E}{\partial a_k} = \sigma'(a_k) \frac{\partial E}{\partial y_k} \]"]))
    assert cli.main(["check", "--numeric", "--error", "binary-cross-entropy", str(f)]) == 0
    out = capsys.readouterr().out
    assert "2 agree, 0 differ, 0 skipped" in out, out
