"""Diagnoses as data: every stable code has a row that produces it, the message is the English of
the result's diagnoses (built in symbp.diagnoses alone), JSON carries the code, and
``% symbp: expect refuted <code>`` holds a link to its code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symbp import check_equation
from symbp import diagnoses as dx
from symbp.checker import pipeline
from symbp.checker.files import check_file
from symbp.checker.results import ERROR, REFUTED, LinkResult
from symbp.document import loads
from symbp.errors import DeclarationError, InputError, NotationError

DELTA = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"

#: (code, verdict, equation on the plain network): the primary code each equation gets
PRODUCED = [
    ("vacuous-sum", REFUTED, r"\delta_j = h'(a_j) \sum_k \sum_i w_{kj} \delta_k"),
    ("terms-free-mismatch", REFUTED, DELTA + r" + h'(a_k)"),
    ("free-index-mismatch", REFUTED, r"\delta_j = h'(a_j) w_{kj} \delta_k"),
    ("unplaceable-index", REFUTED, r"\sum_{q=1}^{J} [q = k] = 1"),
    ("indices-fit-no-family", REFUTED, r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k"),
    ("sign-differs", REFUTED, r"\delta_j = -h'(a_j) \sum_k w_{kj} \delta_k"),
    ("factor-differs", REFUTED, r"\delta_j = 2 h'(a_j) \sum_k w_{kj} \delta_k"),
    ("terms-differ", REFUTED, DELTA + r" + h(a_j)"),
    ("size-factor", REFUTED, r"\delta_j = K h'(a_j) \sum_k w_{kj} \delta_k"),
    ("coefficient-differs", REFUTED, r"\delta_j = 2 h(a_j) \sum_k w_{kj} \delta_k"),
    ("sum-added-or-dropped", REFUTED, r"\delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{j}"),
    ("transposed-indices", REFUTED, r"\delta_{j} = h'(z_{j}) \sum_{k} w_{kj} \delta_{k}"),
    ("missing-factor", REFUTED, r"\delta_j = \sum_k w_{kj} \delta_k"),
    ("extra-factor", REFUTED, DELTA + r" h(a_j)"),
    # a letter nothing places has no range, so no value (\sum_q \delta_j = \delta_j holds when Q = 1):
    # never refuted (issue 11), an error asking for the range
    ("undetermined-index", ERROR, r"\sum_{q} \delta_{j} = \delta_{j}"),
    ("undetermined-index", ERROR, r"\sum_{q} \sum_{p} [q = p] = J"),
    ("latex-syntax", ERROR, DELTA + r" \frac{"),
    ("nothing-to-check", ERROR, r"\delta_j h'(a_j) \sum_k w_{kj} \delta_k"),
    ("unknown-symbol", ERROR, r"\delta_j = h'(a_j) \sum_k w_{kj} x_k"),
    ("range-mismatch", ERROR, DELTA + r" [j = k]"),
    ("partial-sum", ERROR, r"\delta_j = h'(a_j) \sum_{k=1}^{2} w_{kj} \delta_k"),
    ("unsupported", ERROR, r"\delta_j = h'(a_j)^{k}"),
    ("ambiguous-reading", ERROR, r"1 = \sum_{q} \frac{\partial a_{q}}{\partial a_{j}}"),
    # (the power of a long sum with 64 indices is no longer one: letters are local to each step)
    ("bound-reached", ERROR,
     r"\left(\left(a_j + z_j + h(a_j) + h'(a_j) + \delta_j\right)^{8}\right)^{4} = 0"),
]

#: codes no single equation on a sound symbp produces, each with the test that shows it
ELSEWHERE = {
    "declaration": "test_a_declaration_error_has_its_code",
    "input-error": "test_a_declaration_error_has_its_code",
    "round-trip": "test_bugs_have_codes",
    "internal-error": "test_bugs_have_codes",
    "index-slip": "test_a_slip_without_a_diagnosis_is_still_data",
    "value-differs": "test_a_value_difference_without_details_is_value_differs",
    "shape-mismatch": "tests/test_vector.py (it needs a network declared with vectors)",
    "needs-condition": "tests/test_losses.py (it needs an error and targets written in the forward pass)",
}


def test_every_code_has_a_row() -> None:
    assert set(dx.CODES) == {c for c, _, _ in PRODUCED} | set(ELSEWHERE)


@pytest.mark.parametrize(("code", "verdict", "equation"), PRODUCED, ids=[f"{c}-{v}" for c, v, _ in PRODUCED])
def test_each_code_is_produced(code: str, verdict: str, equation: str) -> None:
    (r,) = check_equation(equation, "plain")
    assert (r.verdict, r.code) == (verdict, code), r.message
    assert r.code in r.codes
    if r.verdict != ERROR or code in ("ambiguous-reading", "bound-reached"):  # worded by symbp.diagnoses
        assert r.diagnoses and r.message == dx.message(r.diagnoses)
    else:  # an input error worded where it was raised (the parser, the engine): its code says what
        assert r.diagnoses == []
    assert r.to_json()["code"] == code


@pytest.mark.parametrize("equation", [DELTA, r"\frac{\partial a_j}{\partial w_{ji}} = z_i"])
def test_a_verdict_that_holds_has_no_code_and_its_message_is_data(equation: str) -> None:
    (r,) = check_equation(equation, "plain")
    assert r.code is None and r.to_json()["code"] is None
    assert r.message == dx.message(r.diagnoses) and isinstance(r.diagnoses[0], dx.Holds)


def test_diagnoses_carry_their_fields() -> None:
    (r,) = check_equation(r"\delta_j = \sum_k w_{kj} \delta_k", "plain")
    value, fix = r.diagnoses[0], r.diagnoses[1]
    assert isinstance(value, dx.ValueDiffers)
    assert value.details == (dx.MissingFactor("h'(a_{j})", exact=True),)
    assert isinstance(fix, dx.Suggestion) and fix.kind == "edit" and fix.side == "right"
    assert fix.equation == r.suggestion and fix.lhs is not None and fix.rhs is not None
    assert r"\delta_{j} = h'(a_{j})" in fix.equation
    (r,) = check_equation(r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k", "plain")
    slip = r.diagnoses[0]
    assert isinstance(slip, dx.IndicesFitNoFamily)
    assert (slip.symbol, slip.family, slip.ranges) == ("w_{jk}", "w", ("J", "K"))
    assert r.diagnoses[1] == dx.Suggestion("indices", "verified", r.suggestion, new="w_{kj}", reordered=True)
    (r,) = check_equation(r"\delta_k = h'(a_j) \sum_k w_{kj} \delta_k", "plain")
    assert r.diagnoses[:2] == [dx.FreeIndexMismatch("j", "right", False),
                               dx.FreeIndexMismatch("k", "left", True)]


def test_maths_in_a_message_is_marked() -> None:
    (r,) = check_equation(r"\delta_j = h'(a_j) \sum_i w_{kj} \delta_k", "plain")
    maths = [str(p) for p in dx.parts_of(r.diagnoses) if isinstance(p, dx.Math)]
    assert "i" in maths and "k" in maths
    assert "".join(dx.parts_of(r.diagnoses)) == r.message


def test_under_a_reading_the_reading_leads() -> None:
    (r,) = check_equation(r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_q", "plain")
    assert isinstance(r.diagnoses[0], dx.Reading) and r.code == "free-index-mismatch"
    assert r.message.startswith("under every reading of the undeclared index (q over J or K): q is free")


def test_a_declaration_error_has_its_code() -> None:
    with pytest.raises(DeclarationError) as info:
        loads("% symbp: network plain\n% symbp: index q : x\n$$\\delta_j = 0$$\n")
    assert info.value.code == "declaration" and info.value.subject == ("index", "q")
    assert InputError("x").code == "input-error"


def test_bugs_have_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    from symbp import builtin
    from symbp.latex.parser import parse_chain
    net = builtin("plain")
    chain = parse_chain(DELTA, net.functions)
    monkeypatch.setattr(pipeline, "_check_link_inner", lambda *a: 1 / 0)
    (r,) = pipeline.check_chain(net, chain)
    assert r.code == "internal-error"
    assert r.diagnoses == [dx.InternalError("ZeroDivisionError", "division by zero")]
    assert r.message.startswith("internal error, nothing is claimed (a symbp bug: please report it): Zero")
    monkeypatch.setattr(pipeline, "_unstable_side", lambda *a: "x")
    (r,) = pipeline.check_chain(net, chain)
    assert (r.code, r.message) == ("round-trip", "symbp re-reads 'x' differently from what it parsed; "
                                   "nothing is claimed (this is a symbp bug: please report it)")


def test_a_slip_without_a_diagnosis_is_still_data(monkeypatch: pytest.MonkeyPatch) -> None:
    from symbp import builtin
    from symbp.latex.parser import parse_chain
    net = builtin("plain")

    def slip(*a: object) -> LinkResult:
        raise NotationError("w_{jk}: a slip", hint="a hint", slip=True)
    monkeypatch.setattr(pipeline, "_check_link_inner", slip)
    (r,) = pipeline.check_chain(net, parse_chain(DELTA, net.functions))
    assert (r.verdict, r.code, r.message) == (REFUTED, "index-slip", "w_{jk}: a slip; a hint")


def test_a_value_difference_without_details_is_value_differs() -> None:
    assert dx.primary([dx.ValueDiffers()]) == "value-differs"
    assert dx.message([dx.ValueDiffers()]) == "the two sides differ"


@pytest.mark.parametrize(("expect", "as_expected"), [
    ("refuted", True),
    ("refuted missing-factor", True),
    ("refuted value-differs", True),  # a value refutation's every code counts
    ("refuted vacuous-sum", False),  # refuted, but for another reason
    ("verified", False),
])
def test_expect_may_name_the_code(tmp_path: Path, expect: str, as_expected: bool) -> None:
    f = tmp_path / "d.tex"
    f.write_text(f"% symbp: network plain\n% symbp: expect {expect}\n"
                 "$$\\delta_j = \\sum_k w_{kj} \\delta_k$$\n", encoding="utf-8")
    (r,) = check_file(f)
    assert r.as_expected is as_expected
    assert r.expected == expect.split()[0]
    assert json.loads(json.dumps(r.to_json())).get("expected_code") == (expect.split() + [None])[1]


def test_expect_codes_per_link(tmp_path: Path) -> None:
    f = tmp_path / "d.tex"
    f.write_text("% symbp: network plain\n% symbp: expect refuted sign-differs, verified\n"
                 "$$-\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k = h'(a_j) \\sum_k w_{kj} \\delta_k$$\n",
                 encoding="utf-8")
    rs = check_file(f)
    assert [(r.verdict, r.code, r.expected_code, r.as_expected) for r in rs] == [
        (REFUTED, "sign-differs", "sign-differs", True), ("verified", None, None, True)]


def test_an_unknown_code_is_an_unknown_expectation(tmp_path: Path) -> None:
    f = tmp_path / "d.tex"
    f.write_text("% symbp: network plain\n% symbp: expect refuted vacuos-sum\n$$\\delta_j = 0$$\n",
                 encoding="utf-8")
    with pytest.raises(DeclarationError, match="unknown expectation 'vacuos-sum'"):
        check_file(f)


def test_no_attribute_is_patched_onto_an_exception() -> None:
    """Facts ride on exceptions as declared fields, never as attributes set after construction."""
    root = Path(dx.__file__).parent
    offenders = [str(p) for p in root.rglob("*.py")
                 if "ignore[attr-defined]" in p.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.mark.parametrize(("equation", "tex"), [
    # the ranges are maths, I as well (prose kept a lone I as a word: '(I, $J$)')
    (r"\frac{\partial E}{\partial w_{ij}} = \delta_j z_i",
     "no $w$ of this network has indices running over ($I$, $J$)"),
    # each term's letters keep their braces (were '${j}$': the braces vanished)
    (DELTA + r" + h'(a_k)", r"different free indices (\{j\}; \{k\}) on the right"),
    (r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_q",
     "Under every reading of the undeclared index ($q$ over $J$ or $K$)"),
])
def test_the_prover_renders_from_the_fields(monkeypatch: pytest.MonkeyPatch, equation: str, tex: str) -> None:
    from symbp.render import proof

    def no_prose(message: str) -> str:
        raise AssertionError(f"re-read English: {message}")
    (r,) = check_equation(equation, "plain")
    monkeypatch.setattr(proof, "_prose", no_prose)
    assert tex in proof._message_tex(r, sentence=True)


def test_a_value_the_checker_printed_is_one_formula() -> None:
    """'both sides reduce to X' puts X in one $...$ (the prose reader cut a_{k}^{2} out as text)."""
    from symbp.render import proof
    r = LinkResult.of("", "verified", [dx.Holds(r"\frac{1}{2} \sum_{k} a_{k}^{2} - \sum_{k} a_{k} t_{k}")])
    assert proof._message_tex(r) == (r"holds for all sizes: both sides reduce to "
                                     r"$\frac{1}{2} \sum_{k} a_{k}^{2} - \sum_{k} a_{k} t_{k}$")


def test_the_notebook_renders_from_the_fields() -> None:
    """The maths of a message is typeset by MathJax, its prose kept away from it."""
    from symbp.render.display import _message
    (r,) = check_equation(r"\delta_j = h'(a_j) \sum_i w_{kj} \delta_k", "plain")
    html = _message(r)
    assert "\\(\\sum_k\\)" in html and "\\(i\\)" in html
    assert html.startswith('<span class="tex2jax_ignore mathjax_ignore">the summation index </span>\\(i\\)')


def test_a_counterexample_names_the_functions_it_ran(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """From the witness's catalogue names, not its text: the network's function g is g (was
    '$h = \\tanh$', the setting's name, for a network without h)."""
    from symbp.render import proof
    f = tmp_path / "g.tex"
    f.write_text("% symbp: forward a_j = \\sum_i w_{ji} x_i\n% symbp: forward y_j = g(a_j)\n"
                 "% symbp: expect refuted\n$$\\frac{\\partial y_j}{\\partial a_j} = g(a_j)$$\n",
                 encoding="utf-8")
    (r,) = check_file(f)
    assert r.witness == {"h": [("g", "tanh")], "E": "sum-of-squares"} and "witness" not in r.to_json()

    def no_text(*a: object) -> str:
        raise AssertionError("read the counterexample's text")
    monkeypatch.setattr(proof, "_setting", no_text)
    text = proof._counterexample(r.counterexample, r.witness)
    assert r"($g = \tanh$; $E = \frac{1}{2} \sum (y - t)^2$; random seed 0)" in text


def test_the_cli_says_which_code_was_expected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from symbp import cli
    f = tmp_path / "d.tex"
    f.write_text("% symbp: network plain\n% symbp: expect refuted vacuous-sum\n"
                 "$$\\delta_j = \\sum_k w_{kj} \\delta_k$$\n", encoding="utf-8")
    assert cli.main(["check", str(f)]) == 1
    assert "(1): refuted missing-factor (EXPECTED refuted vacuous-sum)" in capsys.readouterr().out


def test_an_assertion_message_says_which_code_was_expected(tmp_path: Path) -> None:
    from symbp.render.display import result_text
    f = tmp_path / "d.tex"
    f.write_text("% symbp: network plain\n% symbp: expect refuted vacuous-sum\n"
                 "$$\\delta_j = \\sum_k w_{kj} \\delta_k$$\n", encoding="utf-8")
    (r,) = check_file(f)
    assert ": refuted missing-factor, expected refuted vacuous-sum" in result_text(r).splitlines()[0]


def test_expect_an_error_code(tmp_path: Path) -> None:
    f = tmp_path / "d.tex"
    f.write_text("% symbp: network plain\n% symbp: expect error partial-sum\n"
                 "$$\\delta_j = h'(a_j) \\sum_{k=1}^{2} w_{kj} \\delta_k$$\n"
                 "% symbp: expect error latex-syntax\n"
                 "$$\\delta_j = h'(a_j) \\sum_{k=1}^{2} w_{kj} \\delta_k$$\n", encoding="utf-8")
    assert [(r.code, r.as_expected) for r in check_file(f)] == [("partial-sum", True), ("partial-sum", False)]


def test_the_readme_names_every_code() -> None:
    readme = (Path(dx.__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert [c for c in dx.CODES if f"`{c}`" not in readme] == []


# ----------------------------------------------------------------------------------------------
# messages in the user's letters: each names what the file wrote, never symbp's own names

ROOT = Path(__file__).resolve().parent.parent
_NIELSEN_BP = (ROOT / "derivations" / "generic" / "nielsen_bp.tex").read_text(encoding="utf-8")
#: Nielsen's four equations with Ng's cost J: the width of the units j is no J2
GENERIC_J = _NIELSEN_BP.replace("{\\partial C}", "{\\partial J}").replace(
    "% symbp: forward", "% symbp: error J\n% symbp: forward")
PLAIN_J = ("% symbp: error J\n% symbp: forward a_j = \\sum_i w_{ji} x_i\n"
           "% symbp: forward y_j = h(a_j)\n% symbp: forward J = \\frac{1}{2} \\sum_j (y_j - t_j)^2\n"
           "\\[ \\frac{\\partial J}{\\partial a_j} = h(a_j) (y_j - t_j) \\]\n")
#: PRML 5.44's total over the patterns, written with the letter x
SUM_X = ("% symbp: forward a_j = \\sum_i w_{ji} z_i\n% symbp: forward z_j = h(a_j)\n"
         "% symbp: forward E = \\sum_x E_x\n"
         "\\[ \\frac{\\partial E}{\\partial w_{ji}} = \\sum_x \\delta_j \\]\n")
_CS231N = (ROOT / "derivations" / "cs231n_softmax.tex").read_text(encoding="utf-8")
_ONE_HOT_NOTE = ("where t_{k} = \\mathbb{1}(k = y_{i}), the one-hot target the class label y_{i} is read "
                 "through")


def _line(text: str, needle: str) -> int:
    """The line of ``text`` where ``needle`` first stands."""
    return text[:text.index(needle)].count("\n") + 1



#: (file text, line of the link, words the message has, words it must not have)
IN_THE_USER_S_LETTERS = [
    # the terms each side reduces to, said as a sentence
    ("% symbp: forward a_j = \\sum_i w_{ji} z_i\n% symbp: forward z_j = h(a_j)\n"
     "% symbp: forward a_k = \\sum_j w_{kj} z_j\n\\[ " + DELTA + " + h(a_j) \\]\n", 4,
     "the left side reduces to one term and the right side to 2 terms; on the right only: h(a_{j})",
     "term(s)"),
    (PLAIN_J, 5, "each side reduces to 2 terms, not the same ones", "terms each"),
    # the patterns' letter as the total writes it (\sum_x), not n
    (SUM_X, 4, "summed over the patterns x: ", "patterns n"),
    # a size that would be the error's letter (j beside the cost J): a fresh capital, not J2
    (GENERIC_J, _line(GENERIC_J, "\\[ \\delta^L_j = \\frac{\\partial J}{\\partial a^L_j} \\]"),
     "layer 1's units j, width N", "J2"),
    (PLAIN_J, 5, '"sizes": {"I": 2, "N": 3}', "J2"),
    # the class label's one-hot target, named once in the label's letters where the link does not
    # write it (the probabilities alone; the sign), never where it does (the target's own section)
    (_CS231N, _line(_CS231N, "\\[ \\frac{\\partial L_i}{\\partial f_k} = p_k \\]"), _ONE_HOT_NOTE,
     "t_{k}, the"),
    (_CS231N, _line(_CS231N, "= \\mathbb{1}(y_i = k) - p_k"), _ONE_HOT_NOTE, "term(s)"),
    (_CS231N, _line(_CS231N, "= p_k - t_k \\]"), "both sides reduce to", "mathbb{1}"),
]


@pytest.mark.parametrize(("text", "line", "has", "lacks"), IN_THE_USER_S_LETTERS)
def test_messages_speak_in_the_user_s_letters(text: str, line: int, has: str, lacks: str) -> None:
    rs = [r for r in check_file(loads(text)) if r.line == line]
    assert rs, [(r.line, r.message) for r in check_file(loads(text))]
    message = " ".join(r.message + " " + json.dumps(r.counterexample or {}) for r in rs)
    assert has in message and lacks not in message, message
