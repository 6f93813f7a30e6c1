"""Numeric checks and lambdify.

The central guarantee: every link of the shipped derivations that symbp *verifies* agrees
numerically — both sides with each other, and every derivative side (δ, ∂E/∂w, ∂a/∂a, ∂/∂w (…))
with central finite differences of the forward pass — for every activation and error function,
and at random sizes and seeds.  A verified equation that failed numerically would be a bug in
symbp, and these tests fail on it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symbp
from symbp import catalogue, numcheck
from symbp.checker import pipeline as check
from symbp.cli import main
from symbp.engine import calculus
from symbp.engine.numeric import ACTIVATIONS, FormalInstance, argument_name, evaluate, lambdify
from symbp.latex.ast import Deriv, Node, Sym
from symbp.model.factors import Grad, Ref

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "derivations").glob("*.tex"))
#: forward passes with no numeric form yet: their links are skipped, with that said, never agreed
#: (none left: a softmax's denominator and the logarithm of 1 - y are computed from their formulas)
NOT_RUN: set[str] = set()
CHOICES = [(h, e) for h in ("tanh", "logistic", "softplus", "identity")
           for e in ("sum-of-squares", "softmax-cross-entropy")]


@functools.cache
def _symbolic(name: str) -> tuple[symbp.Derivation, list]:
    """The file loaded and checked symbolically, once per process: the symbolic check does not
    depend on the numeric options, so the choices below share it (``numcheck.check_file``'s
    ``links``; test_cli_numeric_on_the_shipped_derivations runs the whole command)."""
    deriv = symbp.load(ROOT / "derivations" / name)
    return deriv, symbp.check_file(deriv)


@functools.cache
def numeric_results(name: str, activation: str, error: str, seed: int = 0,
                    sizes: tuple = ()) -> list[numcheck.NumericResult]:
    opts = numcheck.Options(activation=activation, error=error, seed=seed, sizes=dict(sizes))
    deriv, links = _symbolic(name)
    return numcheck.check_file(deriv, opts, links=links)


def _is_derivative(node: Node) -> bool:
    """δ_j, ∂E/∂w, ∂a/∂a or ∂/∂w (…) without a δ inside: what finite differences can check."""
    if isinstance(node, Sym):
        return node.name == "delta"
    return isinstance(node, Deriv) and not any(isinstance(n, Sym) and n.name == "delta"
                                               for n in node.walk())


# ----------------------------------------------------------------------------------------------
# the guarantee, over every shipped derivation


@pytest.mark.parametrize("activation,error", CHOICES)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_verified_link_agrees_numerically(path: Path, activation: str, error: str) -> None:
    results = numeric_results(path.name, activation, error)
    verified = [r for r in results if r.link.verdict in (symbp.VERIFIED, symbp.AT_SIZES)]
    assert verified
    if path.name in NOT_RUN:
        assert all(r.status == "skipped" and "not run numerically" in r.message for r in results)
        return
    for r in verified:
        where = f"{r.link.file}:{r.link.line} link {r.link.link}: {r.link.latex}"
        assert r.status == "agree", f"{where}\n{r.text()}"
        assert r.as_expected
        whats = {c.what for c in r.comparisons}
        assert "left vs right" in whats, where
        # a side that is a derivative is compared with finite differences of the forward pass
        lhs, _, rhs = r.link.latex.partition(" = ")
        for name, side in (("left", lhs), ("right", rhs)):
            if _is_derivative(side):
                assert f"{name} vs finite differences" in whats, f"{where}\n{r.text()}"
        for c in r.comparisons:
            assert c.ok and np.isfinite(c.error), f"{where}: {c}"


def test_the_finite_difference_reference_covers_deltas_and_weight_gradients() -> None:
    """The δ and ∂E/∂w equations of every file are held against finite differences."""
    covered = [r for p in FILES for r in numeric_results(p.name, "tanh", "sum-of-squares")
               if any(c.what.endswith("finite differences") for c in r.comparisons)
               and r.link.verdict == symbp.VERIFIED]
    heads = {r.link.latex.split(" = ")[0] for r in covered}
    assert any(h.startswith("\\delta") for h in heads)
    assert any(h.startswith("\\frac{\\partial E}{\\partial w") for h in heads)
    assert any(h.startswith("\\frac{\\partial E}{\\partial u") for h in heads)  # deep, shared
    assert len(covered) >= 25


@settings(max_examples=12)
@given(path=st.sampled_from(FILES), choice=st.sampled_from(CHOICES), seed=st.integers(0, 10**6),
       size=st.integers(1, 5))
def test_verified_links_agree_at_random_seeds_and_sizes(path: Path, choice: tuple, seed: int,
                                                        size: int) -> None:
    net = symbp.load(path).network
    sizes = tuple((r, size + k % 2) for k, r in enumerate(net.sizes))
    for r in numeric_results(path.name, *choice, seed=seed, sizes=sizes):
        if r.link.verdict == symbp.VERIFIED:
            assert r.status == ("skipped" if path.name in NOT_RUN else "agree"), f"{r.link.latex}\n{r.text()}"


MUTANTS = [  # wrong equations with readable sides: their numbers differ
    ("plain", r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k"),
    ("plain", r"\delta_j = \sum_k w_{kj} \delta_k"),
    ("plain", r"\frac{\partial E}{\partial w_{ji}} = \delta_j w_{ji}"),
    ("plain", r"\frac{\partial E}{\partial w_{kj}} = \delta_k h'(a_j)"),
    ("shared", r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} a_{i_l}"),
    ("shared", r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{kj_l} \delta_k + \delta_{j_l}"),
    ("shared", r"\frac{\partial E}{\partial w_{kj_l}} = \delta_k h'(a_{j_l})"),
]


@pytest.mark.parametrize("context,equation", MUTANTS)
def test_refuted_value_errors_differ_numerically(context: str, equation: str) -> None:
    r, = numcheck.check_equation(equation, context)
    assert r.link.verdict == symbp.REFUTED
    assert r.status == "differ" and r.as_expected
    assert not r.worst.ok and r.worst.index


def test_a_wrong_verdict_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the symbolic engine wrongly verified an equation, the numeric check says DIFFER, marks it
    not as expected and the command exits 1."""
    monkeypatch.setattr(calculus, "compare", lambda net, a, b: (True, a, b))
    monkeypatch.setattr(check, "_proved_equal", lambda a, b: True)
    r, = numcheck.check_equation(r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", "plain")
    assert r.link.verdict == symbp.VERIFIED
    assert r.status == "differ" and not r.as_expected
    assert "a bug in symbp" in r.text()
    report = numcheck.NumericReport([r])
    assert report.exit_code == 1


def test_a_wrong_chain_rule_is_caught_by_finite_differences(monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine that forgot the shared weight's sum over positions would still *verify*
    ∂E/∂w_{ji} = δ_{j_l} z_{i_l}-style identities against itself; the finite differences of the
    forward pass do not follow it."""
    real = calculus.gradient

    def one_position(net, fam, idx, *, keep=True):  # noqa: ANN001, ANN202
        g = real(net, fam, idx, keep=keep)
        return g.scale(2) if net.families[fam].param else g

    monkeypatch.setattr(calculus, "gradient", one_position)
    r, = numcheck.check_equation(r"\frac{\partial E}{\partial w_{ji}} = 2 \sum_l \delta_{j_l} z_{i_l}",
                                 "shared")
    assert r.link.verdict == symbp.VERIFIED  # the broken engine agrees with itself
    assert r.status == "differ" and not r.as_expected
    bad = [c for c in r.comparisons if not c.ok]
    assert bad and all(c.what.endswith("finite differences") for c in bad)


@pytest.mark.parametrize("activation,error", CHOICES)
def test_finite_differences_match_the_output_error_gradient(activation: str, error: str) -> None:
    """δ_k = ∂E/∂a_k of the chosen E against finite differences, directly."""
    net = symbp.builtin("plain")
    fwd = numcheck.Forward(net, numcheck.Options(activation=activation, error=error))
    out = net.outputs[0]
    fd = fwd.finite_differences(out, lambda v: np.asarray(fwd.energy(v)))
    assert np.allclose(fd, fwd.output_gradient(out, fwd.base), rtol=1e-6, atol=1e-9)


def test_softmax_targets_are_probabilities() -> None:
    fwd = numcheck.Forward(symbp.builtin("plain"), numcheck.Options(error="softmax-cross-entropy"))
    t = fwd.target(symbp.builtin("plain").outputs[0], fwd.base)
    assert np.all(t > 0) and abs(t.sum() - 1) < 1e-12


def test_declared_activation_and_error_are_kept() -> None:
    fwd = numcheck.Forward(symbp.load(ROOT / "derivations" / "prml_5_3_2.tex").network,
                           numcheck.Options(activation="logistic", error="softmax-cross-entropy"))
    d = fwd.describe()
    assert d["h"] == "h = tanh" and d["E"].startswith("E = 1/2")


def test_skipped_links_say_why() -> None:
    r, = numcheck.check_equation(r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k", "plain")
    assert r.link.verdict == symbp.REFUTED and r.status == "skipped" and "w_{jk}" in r.message
    r, = numcheck.check_equation(r"\delta_j = ", "plain")
    assert r.status == "skipped"


@pytest.mark.parametrize("bad", [dict(activation="swish"), dict(error="hinge"), dict(sizes={"J": 0})])
def test_options_are_checked(bad: dict) -> None:
    with pytest.raises(symbp.SymbpError):
        numcheck.Options(**bad)


SIZES = [  # network, --sizes, the sizes of the check
    ("plain", {}, {"I": 2, "J": 3, "K": 4}),
    ("plain", {"I": 3, "J": 4}, {"I": 3, "J": 4, "K": 2}),
    ("plain", {"K": 2}, {"I": 3, "J": 4, "K": 2}),
    ("plain", {"J": 2, "K": 2}, {"I": 3, "J": 2, "K": 2}),  # equal because the user said so
    ("shared", {"L": 5}, {"I": 2, "J": 3, "K": 4, "L": 5}),
    ("shared", {"X": 7, "I": 4}, {"I": 4, "J": 2, "K": 3, "L": 5}),  # X: no range of this network
]


@pytest.mark.parametrize("net, given, sizes", SIZES)
def test_sizes_not_given_differ_from_the_given_ones(net: str, given: dict, sizes: dict) -> None:
    """``--sizes I=3,J=4`` left K at its default 4, beside J = 4: ``w_{kj}`` and ``w_{jk}``
    could agree there; the ranges not given now skip the sizes given."""
    assert numcheck.Forward(symbp.builtin(net), numcheck.Options(sizes=given)).sizes == sizes


# ----------------------------------------------------------------------------------------------
# lambdify


LAMBDIFY = [  # network, expression, batch
    ("plain", r"h'(a_j) \sum_k w_{kj} \delta_k", None),
    ("plain", r"\delta_j z_i", None),
    ("plain", r"\sum_j \sum_i w_{ji} z_i + 2 K", None),
    ("plain", r"h(a_j)^2 - \frac{1}{2} h''(a_j) + 1", None),
    ("shared", r"\sum_l \delta_{j_l} z_{i_l}", None),
    ("shared", r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", None),
    ("shared", r"\sum_k \sum_l w_{kj_l} h'(a_{j_l}) \sum_i w_{ji} z_{i_l}", None),
    ("plain", r"\delta_j z_i", "sum"),
    ("plain", r"h'(a_j) \sum_k w_{kj} \delta_k", "keep"),
    ("shared", r"\sum_l \delta_{j_l} z_{i_l}", "sum"),
    ("shared", r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "keep"),
    ("plain", r"w_{kj} + 3", "sum"),
    ("plain", r"w_{kj} \delta_k + 3", "keep"),
]


def _random_args(f, sizes: dict, rng: np.random.Generator, batch: int = 0) -> dict:  # noqa: ANN001
    return {k: rng.normal(size=tuple(batch if r == "batch" else sizes[r] for r in axes))
            for k, axes in f.inputs.items()}


@pytest.mark.parametrize("context,latex,batch", LAMBDIFY)
def test_lambdify_agrees_with_the_reference_evaluator(context: str, latex: str, batch: str | None) -> None:
    net = symbp.builtin(context)
    sizes = {r: k + 2 for k, r in enumerate(net.sizes)}
    f = lambdify(net, latex, batch=batch, sizes=sizes, batch_size=3)
    rng = np.random.default_rng(1)
    args = _random_args(f, sizes, rng, batch=3)
    copies = {k: v.copy() for k, v in args.items()}
    got = f(**args)
    for k in args:  # the caller's arrays are never overwritten
        assert np.array_equal(args[k], copies[k])
    samples = range(3) if batch else [None]
    want = []
    for n in samples:
        def value(name: str, n: int | None = n) -> np.ndarray:
            x = args[name]
            return x[n] if n is not None and f.inputs[name][:1] == ("batch",) else x

        def atom(fac: tuple) -> np.ndarray:
            if fac[0] == "fn":
                return ACTIVATIONS["tanh"](value(argument_name(net, fac[3])), fac[2])
            return value(argument_name(net, fac[1], fac[0] == "grad"))

        want.append(evaluate(net, f.expr, sizes, atom, f.free))
    expected = want[0] if batch is None else (np.stack(want) if batch == "keep" else sum(want))
    assert got.shape == expected.shape
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=25)
@given(sizes=st.lists(st.integers(1, 5), min_size=4, max_size=4), seed=st.integers(0, 2**32 - 1),
       case=st.sampled_from(LAMBDIFY[:7]))
def test_lambdify_matches_the_checkers_evaluator_at_any_sizes(sizes: list, seed: int, case: tuple) -> None:
    context, latex, _ = case
    net = symbp.builtin(context)
    sz = dict(zip(net.sizes, sizes))
    f = lambdify(net, latex)
    inst = FormalInstance(net, sz, seed)  # random integers, scaled to floats
    args = {k: inst(Grad("grad", fam, ()) if grad else Ref("ref", fam, ())).astype(float) / 2**40
            for k, (fam, grad) in f.sources.items()}

    def atom(fac: tuple) -> np.ndarray:
        if fac.tag == "fn":
            return ACTIVATIONS["tanh"](args[argument_name(net, fac.fam)], fac.order)
        return args[argument_name(net, fac.fam, fac.tag == "grad")]

    assert np.allclose(f(sz, **args), evaluate(net, f.expr, sz, atom, f.free), rtol=1e-12, atol=1e-12)


def test_lambdify_identity_activation_does_not_write_into_arguments() -> None:
    net = symbp.builtin("plain")
    f = lambdify(net, r"h(a_j) h(a_j) \delta_j", activation="identity")
    a, d = np.arange(3.0), np.ones(3)
    assert np.array_equal(f(a_j=a, delta_j=d), a * a)
    assert np.array_equal(a, np.arange(3.0))
    g = lambdify(net, r"z_j")
    z = np.arange(3.0)
    out = g(z_j=z)
    out[0] = 7.0  # the result is never the argument itself
    assert z[0] == 0.0


@pytest.mark.parametrize("call,message", [
    (dict(a_j=np.zeros(2), w_kj=np.zeros((3, 2))), "missing argument delta_k"),
    (dict(a_j=np.zeros(2), w_kj=np.zeros((3, 2)), delta_k=np.zeros(4)), "range K has size"),
    (dict(a_j=np.zeros((2, 1)), w_kj=np.zeros((3, 2)), delta_k=np.zeros(3)), "has 2 axes"),
    (dict(a_j=np.zeros(2), w_kj=np.zeros((3, 2)), delta_k=np.zeros(3), q=1), "unexpected argument q"),
])
def test_lambdify_argument_errors(call: dict, message: str) -> None:
    f = lambdify(symbp.builtin("plain"), r"h'(a_j) \sum_k w_{kj} \delta_k")
    with pytest.raises(symbp.SymbpError, match=message):
        f(**call)


def test_lambdify_plans_once_and_uses_blas_steps() -> None:
    net = symbp.builtin("shared")
    f = lambdify(net, r"h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", batch="keep",
                 sizes={"I": 2, "J": 3, "K": 4, "L": 5}, batch_size=6)
    (plan,) = f.terms[0].paths.values()
    assert [kind for _, kind, _ in plan] == ["dot", "mul"]
    f(**_random_args(f, {"I": 2, "J": 3, "K": 4, "L": 5}, np.random.default_rng(0), batch=6))
    assert len(f.terms[0].paths) == 1  # the precomputed plan was used


# ----------------------------------------------------------------------------------------------
# the command


def test_cli_numeric_on_the_shipped_derivations(capsys: pytest.CaptureFixture, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "--numeric"]) == 0
    out = capsys.readouterr().out
    assert "numeric: agree; left vs right" in out and "vs finite differences" in out
    assert "no verified link differs" in out and "DIFFER" not in out  # some files are not run: skipped


def test_cli_numeric_json(capsys: pytest.CaptureFixture) -> None:
    code = main(["check", "--numeric", "--format", "json", "--context", "shared", "--activation",
                 "softplus", "--error", "softmax-cross-entropy", "--sizes", "L=3", "--seed", "4", "-e",
                 r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    num = data["results"][0]["numeric"]
    assert num["status"] == "agree" and num["sizes"]["L"] == 3 and num["seed"] == 4
    assert num["h"] == "h = softplus" and "softmax" in num["E"]
    assert {c["what"] for c in num["comparisons"]} == {"left vs right", "left vs finite differences"}
    assert data["summary"]["numeric"] == {"agree": 1, "differ": 0, "skipped": 0, "unexpected": 0}


@pytest.mark.parametrize("argv,code", [
    (["check", "--seed", "3"], 2),
    (["check", "--numeric", "--sizes", "J"], 2),
    (["check", "--numeric", "--sizes", "J=0", "-e", r"\delta_j = \delta_j"], 2),
    (["check", "--numeric", "--sizes", "Q=3", "-e", r"\delta_j = \delta_j"], 2),
    (["check", "--numeric", "--activation", "swish"], 2),
])
def test_cli_numeric_usage_errors(argv: list, code: int, capsys: pytest.CaptureFixture) -> None:
    try:
        got = main(argv)
    except SystemExit as exc:  # argparse
        got = exc.code
    assert got == code


BEYOND_THE_FILES = [  # verified equations whose left side finite differences can check
    ("plain", r"\frac{\partial E}{\partial z_j} = \sum_k w_{kj} \delta_k"),
    ("plain", r"\frac{\partial a_k}{\partial z_j} = w_{kj}"),
    ("plain", r"\frac{\partial a_k}{\partial w_{ji}} = w_{kj} h'(a_j) z_i"),
    ("plain", r"\frac{\partial E}{\partial z_i} = \sum_j w_{ji} \delta_j"),
    ("plain", r"\delta_k = \frac{\partial E}{\partial a_k}"),
    ("plain", r"\frac{\partial z_j}{\partial a_j} = h'(a_j)"),
    ("plain", r"\frac{\partial z_j}{\partial w_{ji}} = h'(a_j) z_i"),
    ("plain", r"\frac{\partial}{\partial a_j} \sum_l w_{kl} h(a_l) = w_{kj} h'(a_j)"),
    ("shared", r"\frac{\partial E}{\partial a_{i_l}} = h'(a_{i_l}) \sum_j w_{ji} \delta_{j_l}"),
    ("shared", r"\frac{\partial E}{\partial w_{kj_l}} = \delta_k h(a_{j_l})"),
    ("derivations/prml_5_3_2.tex", r"\frac{\partial E}{\partial y_k} = y_k - t_k"),
    ("derivations/prml_5_3_2.tex", r"\frac{\partial E}{\partial t_k} = t_k - y_k"),
    ("derivations/prml_5_3_2.tex", r"\frac{\partial E}{\partial w_{kj}} = (y_k - t_k) h(a_j)"),
    ("derivations/deep_networks.tex",
     r"\frac{\partial E}{\partial x_{i_l}} = \sum_j u_{ji} h'(a_{j_l}) \sum_m v_{mj} \delta_{m_l}"),
]


@pytest.mark.parametrize("context,equation", BEYOND_THE_FILES)
@pytest.mark.parametrize("activation,error", CHOICES[::3])
def test_more_derivatives_against_finite_differences(context: str, equation: str, activation: str,
                                                     error: str) -> None:
    net = symbp.api.load_network(str(ROOT / context) if context.endswith(".tex") else context)
    r, = numcheck.check_equation(equation, net, numcheck.Options(activation=activation, error=error))
    assert r.link.verdict == symbp.VERIFIED, r.link.message
    assert r.status == "agree", r.text()
    assert "left vs finite differences" in {c.what for c in r.comparisons}


@st.composite
def random_expressions(draw):  # noqa: ANN001, ANN201
    """A random normal form over the shared network: products of weights, activations, h(a),
    h'(a), δ and Kronecker deltas, with index names drawn per range (so repeated indices,
    diagonals and transposed uses occur), some of them summed."""
    from symbp.model.normal_form import Expr, F
    net = symbp.builtin("shared")
    fams = [f for f in net.families]
    pool = {r: [f"{r.lower()}{k}" for k in range(2)] for r in net.sizes}
    total = Expr.zero()
    for _ in range(draw(st.integers(1, 3))):
        term = Expr.const(draw(st.integers(-3, 3)) or 1)
        for _ in range(draw(st.integers(1, 4))):
            fam = draw(st.sampled_from(fams))
            idx = tuple(F(draw(st.sampled_from(pool[r]))) for r in fam.axes)
            kind = draw(st.sampled_from(["ref", "fn", "grad", "kd"]))
            if kind == "kd":
                r = draw(st.sampled_from(net.sizes))
                atom = ("kd", F(draw(st.sampled_from(pool[r]))), F(draw(st.sampled_from(pool[r]))))
            elif kind == "fn":
                atom = ("fn", "h", draw(st.integers(0, 2)), fam.id, idx)
            elif kind == "grad":
                atom = ("grad", fam.id, idx)
            else:
                atom = ("ref", fam.id, idx)
            term = term * Expr.atom(atom)
        used = sorted(term.free())
        summed = draw(st.lists(st.sampled_from(used), unique=True)) if used else []
        term = term.bind_all((n, next(r for r, names in pool.items() if n in names)) for n in summed)
        total = total + term
    free = sorted((n, r) for r, names in pool.items() for n in names if n in total.free())
    return net, total, free


@settings(max_examples=60)
@given(case=random_expressions(), sizes=st.lists(st.integers(1, 4), min_size=4, max_size=4),
       seed=st.integers(0, 1000))
def test_lambdify_agrees_with_the_evaluator_on_random_expressions(case: tuple, sizes: list,
                                                                  seed: int) -> None:
    net, expr, free = case
    sz = dict(zip(net.sizes, sizes))
    f = lambdify(net, expr, free)
    rng = np.random.default_rng(seed)
    for _ in range(2):  # the first call works out the program, the second runs it on new values
        args = {k: rng.normal(size=tuple(sz[r] for r in axes)) for k, axes in f.inputs.items()}
        copies = {k: v.copy() for k, v in args.items()}

        def atom(fac: tuple, args: dict = args) -> np.ndarray:
            if fac[0] == "fn":
                return ACTIVATIONS["tanh"](args[argument_name(net, fac[3])], fac[2])
            return args[argument_name(net, fac[1], fac[0] == "grad")]

        want = evaluate(net, expr, sz, atom, free)
        got = f(sz, **args)
        assert np.allclose(got, want, rtol=1e-10, atol=1e-10)
        assert all(np.array_equal(args[k], copies[k]) for k in args)  # the arguments are left alone
        assert not any(np.shares_memory(got, a) for a in args.values())


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("x", [np.array(0.3), np.linspace(-2, 2, 7), 0.3])
def test_activation_derivatives_are_finite_differences_of_the_order_below(name: str, x: object) -> None:
    f = ACTIVATIONS[name]
    h = 1e-6
    x = np.where(catalogue.ACTIVATIONS[name].inside(np.asarray(x) - h) & catalogue.ACTIVATIONS[name].inside(
        np.asarray(x) + h) & (np.abs(np.asarray(x)) > h), x, 1.7)  # inside the domain, away from a kink
    for order in (1, 2, 3):
        fd = (f(np.asarray(x) + h, order - 1) - f(np.asarray(x) - h, order - 1)) / (2 * h)
        assert np.allclose(f(x, order), fd, rtol=1e-5, atol=1e-7), (name, order)


@pytest.mark.parametrize("activation,error", CHOICES[::3])
def test_scalar_units(activation: str, error: str) -> None:
    """Families without indices are 0-d arrays: still evaluated, differenced and lambdified."""
    net = symbp.declare([r"a = \sum_i w_i z_i", r"y = h(a)", r"b_k = w_k y"], params=("w",))
    r, = numcheck.check_equation(r"\frac{\partial E}{\partial w_i} = \delta z_i", net,
                                 numcheck.Options(activation=activation, error=error))
    assert r.link.verdict == symbp.VERIFIED and r.status == "agree", r.text()
    assert "left vs finite differences" in {c.what for c in r.comparisons}
    f = lambdify(net, r"h'(a) h(a) \delta", activation=activation)
    assert np.shape(f(a=np.array(0.5), delta=np.array(2.0))) == ()
