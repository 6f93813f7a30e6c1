"""Issue 12: the ReLU written out, ``\\max(0, x)`` (CS231n, Goodfellow), and its gate ``[x > 0]``.

``\\max(0, x)`` and ``\\max(x, 0)`` are the catalogue's relu applied to ``x``, in a forward equation
or in a claim; ``[x > 0]`` (or ``[0 < x]``) is its derivative, 0 at the kink as the catalogue
takes it.  Any other ``\\max`` (of two quantities, of three arguments, over an index, of a compound
expression) and any other comparison in a bracket is an error naming the token and the fix, never
a silent misreading.  The normal form keeps ``\\max(0, x)`` and ``[x > 0]`` as factors of their own,
so an identity between them (``x [x > 0] = \\max(0, x)``) is not decided by algebra: a difference
is refuted only where the network run with the ReLU shows it, else it is "not decided".

Every row is decided by symbp and, independently, by the oracle (which evaluates ``\\max`` and
the gate with its own ReLU); the corpus (tests/corpus) holds the CS231n entries against torch.
"""

from __future__ import annotations

import pytest

import symbp
from symbp.errors import SymbpError
from symbp.latex.parser import parse_chain, parse_expression
from symbp.latex.unparse import unparse
from symbp.soundness.oracle import DIFFERENT, EQUIVALENT, compare

NETS = {
    # CS231n's case study: h = max(0, s), its scores s = W x + b (W_{ij} from input i to unit j)
    "cs231n": [r"s_j = \sum_i W_{ij} x_i + b_j", r"h_j = \max(0, s_j)", r"s_k = \sum_j W_{jk} h_j + b_k"],
    # the argument last, Goodfellow's max{0, z} with the letters of PRML
    "last": [r"a_j = \sum_i w_{ji} x_i", r"z_j = \max(a_j, 0)", r"a_k = \sum_j w_{kj} z_j"],
    # the ReLU by name, as Goodfellow and the CS231n notes set it upright: the catalogue's relu
    "named": [r"a_j = \sum_i w_{ji} x_i", r"z_j = \operatorname{ReLU}(a_j)", r"a_k = \sum_j w_{kj} z_j"],
    "mathrm": [r"a_j = \sum_i w_{ji} x_i", r"z_j = \mathrm{relu}(a_j)", r"a_k = \sum_j w_{kj} z_j"],
    # h undefined: \max written in a claim only
    "plain": [r"a_j = \sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"],
}
PARAMS = {"cs231n": ("W", "b")}


def net(name: str) -> symbp.Network:
    return symbp.declare(NETS[name], name=name, params=PARAMS.get(name, ("w", "b")))


dE = r"\frac{\partial E}{\partial %s}"
NOT_DECIDED = "error"

#: (network, equation, symbp's verdict, the oracle's reading)
ROWS = [
    # the gate, CS231n's dhidden[hidden <= 0] = 0
    ("cs231n", dE % "s_j" + " = " + dE % "h_j" + r" [s_j > 0]", "verified", EQUIVALENT),
    ("cs231n", dE % "s_j" + r" = [0 < s_j] " + dE % "h_j", "verified", EQUIVALENT),
    ("cs231n", r"\frac{\partial h_j}{\partial s_j} = [s_j > 0]", "verified", EQUIVALENT),
    ("cs231n", r"\delta_j = [s_j > 0] \sum_k W_{jk} \delta_k", "verified", EQUIVALENT),
    ("cs231n", dE % "x_i" + r" = \sum_j W_{ij} [s_j > 0] \sum_k W_{jk} \delta_k", "verified", EQUIVALENT),
    ("cs231n", dE % "W_{jk}" + r" = \max(0, s_j) \delta_k", "verified", EQUIVALENT),
    ("cs231n", dE % "W_{jk}" + r" = \max(s_j, 0) \delta_k", "verified", EQUIVALENT),
    ("cs231n", r"h_j = \max(0, s_j)", "verified", EQUIVALENT),
    # slips: the gate forgotten, the ReLU for its gate, the unit's input for its output, 1 for the gate
    ("cs231n", dE % "s_j" + " = " + dE % "h_j", "refuted", DIFFERENT),
    ("cs231n", dE % "s_j" + " = " + dE % "h_j" + r" \max(0, s_j)", "refuted", DIFFERENT),
    ("cs231n", r"\delta_j = \max(0, s_j) \sum_k W_{jk} \delta_k", "refuted", DIFFERENT),
    ("cs231n", r"\delta_j = \sum_k W_{jk} \delta_k", "refuted", DIFFERENT),
    ("cs231n", dE % "W_{jk}" + r" = s_j \delta_k", "refuted", DIFFERENT),
    ("cs231n", r"\frac{\partial h_j}{\partial s_j} = 1", "refuted", DIFFERENT),
    ("cs231n", r"h_j = s_j", "refuted", DIFFERENT),
    ("cs231n", r"h_j = 2 [s_j > 0] s_j", "refuted", DIFFERENT),
    # true identities of the ReLU the normal form does not know: not decided, never refuted
    ("cs231n", r"h_j = [s_j > 0] s_j", NOT_DECIDED, EQUIVALENT),
    ("cs231n", r"[s_j > 0] [s_j > 0] = [s_j > 0]", NOT_DECIDED, EQUIVALENT),
    ("cs231n", r"\max(0, s_j) [s_j > 0] = \max(0, s_j)", NOT_DECIDED, EQUIVALENT),
    # the argument last
    ("last", r"\delta_j = [a_j > 0] \sum_k w_{kj} \delta_k", "verified", EQUIVALENT),
    ("last", dE % "w_{kj}" + r" = \delta_k \max(0, a_j)", "verified", EQUIVALENT),
    ("last", r"\delta_j = \sum_k w_{kj} \delta_k", "refuted", DIFFERENT),
    # in a claim only: the ReLU is not the network's h
    ("plain", r"\frac{\partial}{\partial a_j} \max(0, a_j) = [a_j > 0]", "verified", EQUIVALENT),
    ("plain", r"\max(0, a_j) = h(a_j)", "refuted", DIFFERENT),
    ("plain", r"\delta_j = [a_j > 0] \sum_k w_{kj} \delta_k", "refuted", DIFFERENT),
]
#: \operatorname{ReLU} and \mathrm{relu} are the catalogue's relu: its gate and \max(0, x) agree
ROWS += [(n, latex, verdict, truth) for n in ("named", "mathrm") for latex, verdict, truth in [
    (r"\frac{\partial z_j}{\partial a_j} = [a_j > 0]", "verified", EQUIVALENT),
    (r"z_j = \max(0, a_j)", "verified", EQUIVALENT),
    (r"\delta_j = [a_j > 0] \sum_k w_{kj} \delta_k", "verified", EQUIVALENT),
    (r"\delta_j = \sum_k w_{kj} \delta_k", "refuted", DIFFERENT),
    (r"\frac{\partial z_j}{\partial a_j} = a_j", "refuted", DIFFERENT)]]


@pytest.mark.parametrize("name, latex, verdict, truth", ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_each_reading_from_both_sides(name: str, latex: str, verdict: str, truth: str) -> None:
    n = net(name)
    (r,) = symbp.check_equation(latex, n)
    assert r.verdict == verdict, r.message
    assert compare(n, *parse_chain(latex, n.functions).sides) == truth
    assert truth == EQUIVALENT or r.verdict not in ("verified", "verified-at-sizes")
    if verdict == NOT_DECIDED:
        assert r.message.startswith("not decided") and "x [x > 0] = \\max(0, x)" in r.message
    if verdict == "refuted":
        assert r.counterexample is not None


def test_the_relu_is_the_catalogue_s() -> None:
    n = net("cs231n")
    assert n.activations["max"] == "relu"
    (r,) = symbp.check_equation(dE % "s_j" + " = " + dE % "h_j", n)
    assert r.counterexample["h"] == "\\max = relu" and r.counterexample["lhs"] == 0.0  # s_1 < 0: shut
    assert "a factor [s_{j} > 0] of the left side is missing" in r.message
    assert r.suggestion == dE.replace("%s", "s_{j}") + " = [s_{j} > 0] " + dE.replace("%s", "h_{j}")


def test_a_declared_relu_is_held_to_the_same_rule() -> None:
    """``activation h = relu`` had the same gap: h(a_j) = a_j h'(a_j) was refuted; not decided now."""
    n = symbp.declare(NETS["plain"], activations={"h": "relu"})
    (r,) = symbp.check_equation(r"h(a_j) = a_j h'(a_j)", n)
    assert r.verdict == NOT_DECIDED and r.message.startswith("not decided")
    (r,) = symbp.check_equation(r"h(a_j) = a_j", n)
    assert r.verdict == "refuted"


@pytest.mark.parametrize("src, printed", [
    (r"\max(0, s_j)", r"\max(0, s_{j})"), (r"\max(s_j, 0)", r"\max(0, s_{j})"),
    (r"\max( 0 , s_{j} )", r"\max(0, s_{j})"), (r"[s_j > 0]", r"[s_{j} > 0]"), (r"[0 < s_j]", r"[s_{j} > 0]"),
    (r"\max(0, s_j) [s_j > 0] x_i", r"\max(0, s_{j}) [s_{j} > 0] x_{i}"),
    (r"[j = k] [s_j > 0]", r"[j = k] [s_{j} > 0]"),  # Iverson's Kronecker delta is still one
])
def test_it_parses_and_prints_back(src: str, printed: str) -> None:
    node = parse_expression(src)
    assert unparse(node) == printed
    assert parse_expression(unparse(node)).key() == node.key()


@pytest.mark.parametrize("src, column, message", [
    (r"\max(1, s_j)", 0, r"\max(1, s_j): \max of two arguments neither of which is the literal 0"),
    (r"\max(x_j, s_j)", 0, "neither of which is the literal 0"),
    (r"\max(0, 0)", 0, r"\max of 0 and 0"),
    (r"\max(0, s_j, x_j)", 0, r"\max of 3 arguments"),
    (r"\max(s_j)", 0, r"\max of 1 arguments"),
    (r"\max_j s_j", 0, r"\max over an index"),
    (r"\max s_j", 0, r"\max without two arguments"),
    (r"x_i \operatorname{max}(s_j)", 4, r"\operatorname{max} is not read"),
    (r"[s_j \ge 0]", 5, r"the comparison [s_j \ge 0]"),
    (r"[s_j \geq 0]", 5, "is not read"),
    (r"[s_j > 1]", 5, r"the comparison [s_j > 1]"),
    (r"[s_j < 0]", 5, r"the comparison [s_j < 0]"),
    (r"[1 < s_j]", 3, r"the comparison [1 < s_j]"),
])
def test_any_other_max_is_an_error_naming_it(src: str, column: int, message: str) -> None:
    with pytest.raises(SymbpError) as info:
        parse_expression(src)
    assert message in str(info.value)
    assert info.value.offset == column
    assert "\\max(0, a_j)" in (info.value.hint or "") or "[x > 0]" in (info.value.hint or "")


@pytest.mark.parametrize("forward, claim, message", [
    # a compound argument: no family to differentiate by; define it in the forward pass
    (NETS["cs231n"], dE % "s_j" + " = " + dE % "h_j" + r" \max(0, s_j + b_j)", "compound expression"),
    (NETS["cs231n"][:1] + [r"h_j = \max(1, s_j)"], r"h_j = s_j", r"\max(1, s_j)"),
    (NETS["cs231n"], dE % "s_j" + r" = [\delta_j > 0]", "the gate [x > 0] of a compound expression"),
])
def test_in_a_file_the_error_has_its_line_and_column(forward: list[str], claim: str, message: str) -> None:
    text = "\n".join(["% symbp: params W, b", "% symbp: forward", r"\begin{align*}", " \\\\\n".join(forward),
                      r"\end{align*}", "", f"$${claim}$$", ""])
    try:
        results = symbp.check_file(symbp.loads(text, "relu.tex"))
    except SymbpError as exc:  # the forward pass itself
        assert message in str(exc) and exc.line is not None
        return
    (r,) = [r for r in results if r.verdict == "error"][:1]
    assert message in r.message and r.line and r.column


def test_the_numeric_check_agrees() -> None:
    from symbp import numcheck
    n = net("cs231n")
    for latex, verdict in [(ROWS[0][1], "agree"), (ROWS[3][1], "agree"), (ROWS[8][1], "differ")]:
        (r,) = numcheck.check_equation(latex, n)
        assert r.status == verdict and r.as_expected, r.message
        assert any("finite differences" in c.what for c in r.comparisons) or verdict == "differ"


#: one-token slips of the ReLU's notation: the gate for the ReLU and back, the gate dropped, the
#: ReLU for its argument
MUTATIONS = [(r"[s_j > 0]", r"\max(0, s_j)"), (r"\max(0, s_j)", r"[s_j > 0]"), (r"[s_j > 0]", "1"),
             (r"\max(s_j, 0)", "s_j"), (r"[a_j > 0]", r"\max(0, a_j)"), (r"[a_j > 0]", "1"),
             (r"\max(0, a_j)", "a_j"), (r"[0 < s_j]", r"[0 < s_j] [0 < s_j] 2")]


def _mutants() -> list[tuple[str, str]]:
    out = []
    for name, latex, verdict, _ in ROWS:
        if verdict != "verified":
            continue
        for old, new in MUTATIONS:
            if old in latex:
                out.append((name, latex.replace(old, new, 1)))
    return out


@pytest.mark.parametrize("name, latex", _mutants(), ids=[f"{m[0]}:{m[1]}" for m in _mutants()])
def test_mutants_of_the_verified_rows_are_never_verified_when_different(name: str, latex: str) -> None:
    n = net(name)
    truth = compare(n, *parse_chain(latex, n.functions).sides)
    (r,) = symbp.check_equation(latex, n)
    if truth != EQUIVALENT:  # killed: refuted, with numbers
        assert r.verdict == "refuted" and r.counterexample is not None, (truth, r.message)
    else:  # an equal rewrite is never refuted
        assert r.verdict != "refuted", r.message
