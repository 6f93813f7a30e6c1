"""Issue 12: numeric indices, PRML's bias as the unit 0.

PRML writes the bias of a layer as the weight of an extra unit: ``a_j = \\sum_{i=0}^{D} w_{ji} x_i``
with ``x_0 = 1`` (5.8), or written out, ``a_j = \\sum_{i=1}^{D} w_{ji} x_i + w_{j0}`` (5.2).  The
range ``0..D`` is not ``1..D``: a letter summed from 0 runs over the unit 0 too, an equation free
in it is checked at its unit 0 as well (where every quantity written with it has one), and an
index value the forward pass does not declare is an error, never a silent zero.

Every row is decided by symbp and, independently, by the oracle (which reads the units 0 from
the forward ASTs with its own code: a point ``-1`` of the range, leaves drawn there, ``x_0 = 1``
pinned).
"""

from __future__ import annotations

import pytest

import symbp
from symbp.errors import DeclarationError, SymbpError
from symbp.latex.parser import parse_chain, parse_expression
from symbp.latex.unparse import unparse
from symbp.soundness.oracle import DIFFERENT, EQUIVALENT, ILL_FORMED, compare

NETS = {
    # PRML 5.8 / 5.3: the bias absorbed as the weight of a unit 0 of each layer
    "absorbed": [r"a_j = \sum_{i=0}^{D} w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_{j=0}^{M} w_{kj} z_j",
                 "x_0 = 1", "z_0 = 1"],
    # PRML 5.2: the bias written out as w_{j0}
    "explicit": [r"a_j = \sum_{i=1}^{D} w_{ji} x_i + w_{j0}", r"z_j = h(a_j)",
                 r"a_k = \sum_{j=1}^{M} w_{kj} z_j + w_{k0}"],
    # a sum from 0 whose unit 0 is not pinned: x_0 is one more input
    "free-unit": [r"a_j = \sum_{i=0}^{D} w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"],
}


def net(name: str) -> symbp.Network:
    return symbp.declare(NETS[name], name=name)


dE = r"\frac{\partial E}{\partial %s}"

#: (network, equation, symbp's verdict, the oracle's reading)
ROWS = [
    # the gradient by the bias weight, PRML 5.53 at i = 0
    ("absorbed", dE % "w_{j0}" + r" = \delta_j", "verified", EQUIVALENT),
    ("absorbed", dE % "w_{j0}" + r" = \delta_j x_0", "verified", EQUIVALENT),
    ("absorbed", dE % "w_{k0}" + r" = \delta_k z_0", "verified", EQUIVALENT),
    ("absorbed", dE % "w_{j0}" + r" = 2 \delta_j", "refuted", DIFFERENT),
    ("absorbed", dE % "w_{j0}" + r" = \delta_j + 1", "refuted", DIFFERENT),
    ("absorbed", dE % "w_{k0}" + r" = \delta_j", "refuted", DIFFERENT),
    # 5.53 for every i in 0..D: checked at 1..D and at the unit 0
    ("absorbed", dE % "w_{ji}" + r" = \delta_j x_i", "verified", EQUIVALENT),
    ("absorbed", dE % "w_{kj}" + r" = \delta_k z_j", "verified", EQUIVALENT),
    ("absorbed", dE % "w_{ji}" + r" = \delta_j", "refuted", DIFFERENT),
    ("absorbed", dE % "w_{kj}" + r" = \delta_k h(a_j)", "verified", EQUIVALENT),  # j over 1..M: no a_0
    # the backward pass: j runs over the hidden units 1..M (there is no a_0, no \delta_0)
    ("absorbed", r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", "verified", EQUIVALENT),
    ("absorbed", r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", "refuted", DIFFERENT),
    # the forward sums, with and without the unit 0
    ("absorbed", r"a_j = \sum_{i=0}^{D} w_{ji} x_i", "verified", EQUIVALENT),
    ("absorbed", r"a_j = \sum_i w_{ji} x_i", "verified", EQUIVALENT),  # i runs from 0, as declared
    ("absorbed", r"a_j = \sum_{i=1}^{D} w_{ji} x_i + w_{j0}", "verified", EQUIVALENT),
    ("absorbed", r"a_j = w_{j0} + \sum_{i=1}^{D} w_{ji} x_i", "verified", EQUIVALENT),
    ("absorbed", r"a_j = \sum_{i=1}^{D} w_{ji} x_i", "refuted", DIFFERENT),  # the bias dropped
    ("absorbed", r"\frac{\partial a_j}{\partial w_{j0}} = 1", "verified", EQUIVALENT),
    ("absorbed", r"\frac{\partial a_j}{\partial w_{j0}} = 0", "refuted", DIFFERENT),
    # never a silent zero: a unit 0 the forward pass does not have, a derivative by a number
    ("absorbed", dE % "w_{j0}" + r" = \delta_j a_0", "error", ILL_FORMED),
    ("absorbed", r"\frac{\partial a_j}{\partial x_i} = w_{ji}", "error", ILL_FORMED),  # at i = 0: x_0 = 1
    ("absorbed", dE % "w_{j0}" + r" = \delta_0", "error", ILL_FORMED),
    ("absorbed", r"a_j = \sum_{i=0}^{M} w_{ji} x_i", "error", ILL_FORMED),  # not i's range
    # the bias written out: i runs over 1..D only
    ("explicit", dE % "w_{j0}" + r" = \delta_j", "verified", EQUIVALENT),
    ("explicit", dE % "w_{ji}" + r" = \delta_j x_i", "verified", EQUIVALENT),
    ("explicit", r"\frac{\partial a_j}{\partial x_i} = w_{ji}", "verified", EQUIVALENT),
    ("explicit", r"a_k = \sum_{j=1}^{M} w_{kj} z_j + w_{k0}", "verified", EQUIVALENT),
    ("explicit", r"a_k = \sum_{j} w_{kj} z_j", "refuted", DIFFERENT),
    ("explicit", dE % "w_{j0}" + r" = \delta_j x_0", "error", ILL_FORMED),  # no x_0 here
    ("explicit", r"a_j = \sum_{i=0}^{D} w_{ji} x_i", "error", ILL_FORMED),  # i does not run from 0
    # an input x_0 that is not pinned is one more input
    ("free-unit", dE % "w_{j0}" + r" = \delta_j x_0", "verified", EQUIVALENT),
    ("free-unit", dE % "w_{j0}" + r" = \delta_j", "refuted", DIFFERENT),
    ("free-unit", r"\frac{\partial a_j}{\partial x_i} = w_{ji}", "verified", EQUIVALENT),
    ("free-unit", r"\frac{\partial a_j}{\partial x_0} = w_{j0}", "verified", EQUIVALENT),
]


@pytest.mark.parametrize("name, latex, verdict, truth", ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_each_reading_from_both_sides(name: str, latex: str, verdict: str, truth: str) -> None:
    n = net(name)
    (r,) = symbp.check_equation(latex, n)
    assert r.verdict == verdict, r.message
    chain = parse_chain(latex, n.functions)
    assert compare(n, *chain.sides) == truth
    assert truth == EQUIVALENT or r.verdict not in ("verified", "verified-at-sizes")


def test_the_unit_0_is_a_family_of_its_own_printed_in_place() -> None:
    n = net("absorbed")
    assert [f.show() for f in n.families if f.param] == ["w_{ji}", "w_{j0}", "w_{kj}", "w_{k0}"]
    assert n.zero_ranges == {"D", "M"} and n.sizes == ["D", "K", "M"]
    (r,) = symbp.check_equation(r"a_j = \sum_{i=1}^{D} w_{ji} x_i + w_{j0}", n)
    assert "w_{j0} + \\sum_{i=1}^{D} w_{ji} x_{i}" in r.message
    (r,) = symbp.check_equation(dE % "w_{ji}" + r" = \delta_j x_i", n)
    assert r.message.endswith("also at the unit 0 of i")


def test_an_error_at_the_unit_0_says_where() -> None:
    # holds for i in 1..D; at the unit 0 it is a derivative by the number x_0 = 1: no value
    (r,) = symbp.check_equation(r"\frac{\partial a_j}{\partial x_i} = w_{ji}", net("absorbed"))
    assert r.verdict == "error" and r.message.startswith("at the unit i = 0 (")
    # a pinned number is what the forward pass says: x_0 = 2 doubles the bias's gradient
    n = symbp.declare(NETS["absorbed"][:3] + ["x_0 = 2", "z_0 = 1"])
    for claim, verdict in ((r" = 2 \delta_j", "verified"), (r" = \delta_j", "refuted")):
        (r,) = symbp.check_equation(dE % "w_{j0}" + claim, n)
        assert r.verdict == verdict
        assert compare(n, *parse_chain(dE % "w_{j0}" + claim).sides) == (
            EQUIVALENT if verdict == "verified" else DIFFERENT)


@pytest.mark.parametrize("src", [r"w_{j0}", "x_0", r"w_{0j}", r"\frac{\partial E}{\partial w_{j0}}"])
def test_the_unit_0_parses_and_prints_back(src: str) -> None:
    node = parse_expression(src)
    assert parse_expression(unparse(node)).key() == node.key()


@pytest.mark.parametrize("src, message", [
    ("w_{j1}", "numeric index '1'"), ("x_5", "numeric index '5'"), ("a_{j_0}", "nested subscript"),
    ("w_{j10}", "numeric index '10'"),
])
def test_other_numbers_are_errors(src: str, message: str) -> None:
    with pytest.raises(SymbpError, match=message):
        parse_expression(src)


@pytest.mark.parametrize("forward, message", [
    ([r"a_j = \sum_{i=0}^{D} w_{ji} x_i", r"c_j = \sum_{i=1}^{F} w_{ji} x_i"], "runs over 1..D in one sum"),
    ([r"a_j = \sum_{i=0}^{D} w_{ji} x_i", "x_0 = x_1"], "numeric index"),
    ([r"a_j = \sum_{i=0}^{D} w_{ji} x_i", r"x_0 = h(a_j)"], "declared as a number"),
    ([r"a_j = \sum_{i=0}^{D} w_{ji} x_i", "w_{j0} = 1"], "parameter name"),
])
def test_bad_units_in_the_forward_pass_are_declaration_errors(forward: list[str], message: str) -> None:
    with pytest.raises((DeclarationError, SymbpError), match=message):
        symbp.declare(forward)


def test_a_derivation_file_with_the_unit_0() -> None:
    text = "\n".join([
        "% symbp: forward", r"\begin{align*}", r"a_j = \sum_{i=0}^{D} w_{ji} x_i \\", r"z_j = h(a_j) \\",
        r"a_k = \sum_{j=0}^{M} w_{kj} z_j", r"\end{align*}",
        "% symbp: forward x_0 = 1", "% symbp: forward z_0 = 1",
        r"$$\frac{\partial E}{\partial w_{ji}} = \frac{\partial E}{\partial a_j}"
        r" \frac{\partial a_j}{\partial w_{ji}} = \delta_j x_i$$",
        "% symbp: expect refuted", r"$$\frac{\partial E}{\partial w_{j0}} = \delta_j x_i x_0$$", ""])
    results = symbp.check_file(symbp.loads(text, "t.tex"))
    assert [r.verdict for r in results] == ["verified", "verified", "refuted"]
    assert all(r.as_expected for r in results)


# ----------------------------------------------------------------------------------------------
# E = \sum_n E_n (PRML 5.44): the total error is the sum of the patterns' errors

PATTERNS = [r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"E = \sum_n E_n"]
dEn = r"\frac{\partial E_n}{\partial %s}"

PATTERN_ROWS = [
    (dE % "w_{ji}" + r" = \sum_n " + dEn % "w_{ji}", "verified", EQUIVALENT),
    (dE % "w_{ji}" + r" = \sum_n \delta_j x_i", "verified", EQUIVALENT),
    (dE % "w_{kj}" + r" = \sum_{n} \delta_k z_j", "verified", EQUIVALENT),
    (dE % "w_{kj}" + r" = \sum_{n=1}^{N} \delta_k z_j", "verified", EQUIVALENT),
    (dE % "w_{kj}" + r" = \sum_{n=1}^{K} \delta_k z_j", "error", ILL_FORMED),
    (r"\sum_n " + dEn % "w_{ji}" + r" = \sum_n \delta_j x_i", "verified", EQUIVALENT),
    (dEn % "w_{ji}" + r" = \delta_j x_i", "verified", EQUIVALENT),  # one pattern's, as before
    (dE % "a_j" + r" = \delta_j", "verified", EQUIVALENT),  # a unit of pattern n: only E_n uses it
    (dE % "w_{ji}" + r" = \sum_n \delta_j x_i + w_{ji} - w_{ji}", "verified", EQUIVALENT),
    # slips: the sum over the patterns dropped, doubled, a factor inside it
    (dE % "w_{ji}" + " = " + dEn % "w_{ji}", "refuted", DIFFERENT),
    (dE % "w_{ji}" + r" = \delta_j x_i", "refuted", DIFFERENT),
    (dE % "w_{ji}" + r" = 2 \sum_n \delta_j x_i", "refuted", DIFFERENT),
    (dE % "w_{ji}" + r" = \sum_n \delta_j", "refuted", DIFFERENT),
    (r"\sum_n w_{ji} = w_{ji}", "refuted", DIFFERENT),  # N w, not w
    # a summand free of the patterns: the sum is N times it (the number of patterns written N)
    (r"\sum_n 1 = N", "verified", EQUIVALENT),
    (r"\sum_{n=1}^{N} 1 = N", "verified", EQUIVALENT),
    (r"N = \sum_n 1", "verified", EQUIVALENT),
    (r"\sum_n w_{ji} = N w_{ji}", "verified", EQUIVALENT),
    (r"\sum_n 2 w_{ji} = 2 N w_{ji}", "verified", EQUIVALENT),
    (r"\sum_n (\delta_j x_i + w_{ji}) = \sum_n \delta_j x_i + N w_{ji}", "verified", EQUIVALENT),
    (r"N \delta_j = \delta_j N", "verified", EQUIVALENT),  # N times one pattern's
    (r"\sum_n 1 = N + 1", "refuted", DIFFERENT),
    (r"\sum_n 1 = 2 N", "refuted", DIFFERENT),
    (r"\sum_{n=1}^{N} w_{ji} = w_{ji}", "refuted", DIFFERENT),
    (r"\sum_n \delta_j = N \delta_j", "refuted", DIFFERENT),  # the patterns' deltas differ
    (dE % "w_{ji}" + r" = N \delta_j x_i", "refuted", DIFFERENT),
    (r"N N = N", "error", DIFFERENT),  # N^2: not read
]

#: (network, equation, verdict, truth): a sum of a summand free of its index is the size times it,
#: the size of a range from 0 one more than its bound
SIZE_ROWS = [
    ("absorbed", r"\sum_{i=0}^{D} 1 = D + 1", "verified", EQUIVALENT),
    ("absorbed", r"\sum_i 1 = D + 1", "verified", EQUIVALENT),  # i runs from 0, as declared
    ("absorbed", r"\sum_{i=1}^{D} 1 = D", "verified", EQUIVALENT),
    ("absorbed", r"\sum_{j=0}^{M} \delta_k = (M + 1) \delta_k", "verified", EQUIVALENT),
    ("absorbed", r"\sum_{i=0}^{D} 1 = D", "refuted", DIFFERENT),
    ("absorbed", r"\sum_{j=0}^{M} \delta_k = M \delta_k", "refuted", DIFFERENT),
    ("explicit", r"\sum_{k=1}^{K} 1 = K", "verified", EQUIVALENT),
    ("explicit", r"\sum_j \delta_k = M \delta_k", "verified", EQUIVALENT),
    ("explicit", r"\sum_{j} \sum_{k} 2 = 2 M K", "verified", EQUIVALENT),
    ("explicit", r"\sum_k 1 = M", "refuted", DIFFERENT),
]


@pytest.mark.parametrize("name, latex, verdict, truth", SIZE_ROWS, ids=[f"{r[0]}:{r[1]}" for r in SIZE_ROWS])
def test_a_sum_of_a_summand_free_of_its_index_is_the_size_times_it(name: str, latex: str, verdict: str,
                                                                   truth: str) -> None:
    n = net(name)
    (r,) = symbp.check_equation(latex, n)
    assert r.verdict == verdict, r.message
    assert compare(n, *parse_chain(latex, n.functions).sides) == truth


@pytest.mark.parametrize("latex, verdict, truth", PATTERN_ROWS, ids=[r[0] for r in PATTERN_ROWS])
def test_the_total_error_is_the_sum_over_the_patterns(latex: str, verdict: str, truth: str) -> None:
    n = symbp.declare(PATTERNS)
    assert n.patterns == ("n", "N")
    (r,) = symbp.check_equation(latex, n)
    assert r.verdict == verdict, r.message
    assert compare(n, *parse_chain(latex, n.functions).sides) == truth


def test_without_the_declaration_e_and_e_n_are_one_pattern_s_error() -> None:
    n = symbp.declare(PATTERNS[:3])
    (r,) = symbp.check_equation(dE % "w_{ji}" + " = " + dEn % "w_{ji}", n)
    assert r.verdict == "verified"


def test_the_total_error_elsewhere_is_an_error_never_a_guess() -> None:
    n = symbp.declare(PATTERNS)
    (r,) = symbp.check_equation(dE % "w_{ji}" + r" x_i = \sum_n \delta_j x_i x_i", n)
    assert r.verdict == "error" and "total error" in r.message


# ----------------------------------------------------------------------------------------------
# I_{kl} as the identity, \frac{d\sigma}{dz} with a plain d (issue 12, item 6 and 3)

SOFTMAX_LIKE = [r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = \sigma(a_k)"]
dy = r"\frac{\partial y_k}{\partial a_l}"

READING_ROWS = [
    (dy + r" = I_{kl} \sigma'(a_l)", "verified-at-sizes", EQUIVALENT),
    (dy + r" = [k = l] \sigma'(a_l)", "verified-at-sizes", EQUIVALENT),
    (dy + r" = I_{kl} \sigma(a_l)", "refuted", DIFFERENT),
    (dy + r" = I_{lk} \sigma'(a_k)", "verified", EQUIVALENT),
    (dy + r" = \sigma'(a_l)", "refuted", DIFFERENT),
    (r"\frac{\partial y_k}{\partial a_j} = I_{kj}", "error", ILL_FORMED),  # two ranges: no identity
    (r"\frac{\partial y_k}{\partial a_k} = \frac{d\sigma}{da_k}", "verified", EQUIVALENT),
    (r"\frac{\partial z_j}{\partial a_j} = \frac{dh}{da_j}", "verified", EQUIVALENT),
    (r"\frac{dz_j}{da_j} = h'(a_j)", "verified", EQUIVALENT),
    (r"\frac{d z_j}{d a_j} = \dot h(a_j)", "verified", EQUIVALENT),
    (r"\frac{d}{d a_j} h(a_j) = h'(a_j)", "verified", EQUIVALENT),
    (r"\frac{\mathrm{d} h}{\mathrm{d} a_j} = h'(a_j)", "verified", EQUIVALENT),
    (r"\frac{dh}{da_j} = h(a_j)", "refuted", DIFFERENT),
    (r"\frac{d z_j}{d a_j} = h(a_j)", "refuted", DIFFERENT),
    (r"\frac{d\sigma}{da_j} = h'(a_j)", "error", ILL_FORMED),  # \sigma is not applied to a_j
    (r"\frac{dh}{da}(a_j) = h'(a_j)", "error", ILL_FORMED),  # by a bare letter: not read
]


@pytest.mark.parametrize("latex, verdict, truth", READING_ROWS, ids=[r[0] for r in READING_ROWS])
def test_identity_and_plain_d_from_both_sides(latex: str, verdict: str, truth: str) -> None:
    n = symbp.declare(SOFTMAX_LIKE, aliases={"l": "k"})
    (r,) = symbp.check_equation(latex, n)
    assert r.verdict == verdict, r.message
    assert compare(n, *parse_chain(latex, n.functions).sides) == truth


def test_a_quantity_named_d_or_i_makes_both_readings_an_error() -> None:
    n = symbp.declare([r"a_j = \sum_i w_{ji} d_i", r"z_j = h(a_j)"])
    (r,) = symbp.check_equation(r"\frac{dz_j}{da_j} = h'(a_j)", n)
    assert r.verdict == "error" and "derivative or as a quotient" in r.message
    n = symbp.declare([r"a_k = \sum_l I_{kl} x_l", r"z_k = h(a_k)"], aliases={"m": "k"})
    (r,) = symbp.check_equation(r"\frac{\partial a_k}{\partial x_l} = I_{kl}", n)
    assert r.verdict == "verified"  # I is the network's quantity here


@pytest.mark.parametrize("src", [r"\frac{dh}{da_j}", r"\frac{d z_j}{d a_j}", r"\frac{d}{da_j} z_j",
                                 r"\frac{d_j}{d a_j}", r"\frac{d}{2}"])
def test_plain_d_parses_and_prints_back(src: str) -> None:
    node = parse_expression(src, frozenset({"h"}))
    assert parse_expression(unparse(node), frozenset({"h"})).key() == node.key()


# ----------------------------------------------------------------------------------------------
# bare-letter labels: \quad (BP3), \quad (\mathrm{BP3}) (issue 12, item 4)

NIELSEN = [r"z_j = \sum_k w_{jk} a_k + b_j", r"a_j = \sigma(z_j)"]


def _file(claim: str, forward: list[str] = NIELSEN) -> list:
    text = ("% symbp: forward\n\\begin{align*}\n" + " \\\\\n".join(forward) + "\n\\end{align*}\n$$"
            + claim + "$$\n")
    return symbp.check_file(symbp.loads(text, "t.tex"))


@pytest.mark.parametrize("suffix, label", [
    (r"\quad (BP3)", "(BP3)"), (r"\qquad (BP3)", "(BP3)"), (r"\quad (\mathrm{BP3})", "(BP3)"),
    (r"\quad (\text{BP3})", "(BP3)"), (r"\tag{BP3}", "BP3"), (r"\quad (BP3a)", "(BP3a)"),
    (r"\quad (3.2)", "(3.2)"),
])
def test_bare_letter_labels_are_labels(suffix: str, label: str) -> None:
    for claim, verdict in ((r"\frac{\partial C}{\partial b_j} = \delta_j ", "verified"),
                           (r"\frac{\partial C}{\partial b_j} = \delta_j \sigma'(z_j) ", "refuted")):
        (r,) = _file(claim + suffix)
        assert (r.verdict, r.label) == (verdict, label), r.message


@pytest.mark.parametrize("claim", [
    r"\frac{\partial C}{\partial b_j} = \delta_j \quad (a)",  # a real factor: never a label
    r"\frac{\partial C}{\partial b_j} = \delta_j (BP3)",  # no \quad: maths
])
def test_a_factor_is_never_swallowed(claim: str) -> None:
    (r,) = _file(claim)
    assert r.label == "(1)" and r.verdict in ("refuted", "error")


def test_a_bare_label_whose_letters_are_all_names_is_an_error_naming_both_readings() -> None:
    forward = [r"a_j = \sum_i w_{ji} x_i + B + P", r"z_j = h(a_j)"]
    (r,) = _file(r"\frac{\partial a_j}{\partial w_{ji}} = x_i \quad (BP3)", forward)
    assert r.verdict == "error" and r.code == "ambiguous-reading"
    assert "label or as the factor B P 3" in r.message
    (r,) = symbp.check_equation(r"\frac{\partial a_j}{\partial w_{ji}} = x_i \quad (BP3)",
                                symbp.declare(forward))
    assert r.verdict == "error" and r.code == "ambiguous-reading"
    (r,) = _file(r"\frac{\partial a_j}{\partial w_{ji}} = x_i \quad (BQ3)", forward)
    assert r.verdict == "verified" and r.label == "(BQ3)"  # Q names nothing: no factor reading


def test_the_parts_over_the_patterns_are_checked_at_the_unit_0_too() -> None:
    n = symbp.declare(NETS["absorbed"] + [r"E = \sum_n E_n"])
    for claim, verdict in ((r" = \sum_n \delta_j x_i", "verified"),
                           (r" = \sum_n \delta_j x_i x_i", "refuted")):
        (r,) = symbp.check_equation(dE % "w_{ji}" + claim, n)
        assert r.verdict == verdict, r.message
        assert compare(n, *parse_chain(dE % "w_{ji}" + claim).sides) == (
            EQUIVALENT if verdict == "verified" else DIFFERENT)
    (r,) = symbp.check_equation(dE % "w_{ji}" + r" = \sum_n \delta_j x_i", n)
    assert "also at the unit 0 of i" in r.message


# ----------------------------------------------------------------------------------------------
# symbp prove: a link checked at the unit 0 too is proved with the case split written out


@pytest.mark.parametrize("detail", ["compact", "full"])
def test_the_proof_writes_the_unit_0_out_as_a_case(detail: str) -> None:
    from pathlib import Path

    from symbp.render.proof import prove_file
    doc = prove_file(Path(__file__).resolve().parent.parent / "derivations" / "prml_bias.tex", detail=detail)
    split = [p for p in doc.proofs if p.result.message.endswith(("unit 0 of i", "unit 0 of j"))]
    assert len(split) == 3  # (5.53)'s two links, \partial E/\partial w_{kj}
    for p in split:
        letter = p.result.message.rsplit(" ", 1)[-1]
        assert [w for w, _ in p.cases] == [f"{letter} = 0"]
        (_, case), = p.cases
        assert len(case.sides) == 2 and all(s.dropped == 0 for s in case.sides) and case.dropped == 0
        assert "0}" in case.claim  # w_{j0}, x_{0}: the instance, as the check ran it
    # a link with no free letter over 0..D has no case: \delta_j (j over the hidden units 1..M)
    assert all(not p.cases for p in doc.proofs if p not in split)
    if detail == "compact":
        assert "at the unit 0, $i = 0$ (where $x_{0} = 1$):" in doc.text
        assert "at the unit 0, $j = 0$ (where $z_{0} = 1$):" in doc.text
        assert "\\delta_{j} x_{0} && \\parbox[t]{0.34\\linewidth}{\\raggedright\\small $x_{0} = 1$}" \
            in doc.text
    else:
        assert doc.text.count("At the unit 0, $i = 0$") == 2 and "At the unit 0, $j = 0$" in doc.text
    assert "$x_{0} = 1$, $z_{0} = 1$ (the units 0" in doc.text
