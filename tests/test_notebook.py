"""The notebook API (symbp.notebook) and rich display (symbp.render.display, the ``_repr_latex_`` /
``_repr_html_`` methods): derived formulas agree with ``symbp derive`` and verify when checked,
their SymPy forms, networks from every kind of spec, checks into reports, and the repr methods
of every displayable object, called directly (well-formed maths, well-formed and escaped HTML).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import symbp
from symbp import notebook as nb
from symbp.checker.results import AT_SIZES, ERROR, REFUTED, VERDICTS, VERIFIED, LinkResult
from symbp.render.display import counterexample_text, latex_text, result_text

ROOT = Path(__file__).resolve().parents[1]
DERIVATIONS = sorted((ROOT / "derivations").glob("*.tex"))
NETWORKS = ["plain", "shared"] + [str(p) for p in DERIVATIONS]
NET_IDS = ["plain", "shared"] + [p.stem for p in DERIVATIONS]
DELTA = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"
SEED_1 = r"\frac{\partial E}{\partial w_{ji}} = \sum_k \delta_{j_l} z_{i_l}"


# ----------------------------------------------------------------------------------------------
# formulas: the same derivation as `symbp derive`, and every one of them verifies


@pytest.mark.parametrize("spec", NETWORKS, ids=NET_IDS)
def test_formulas_are_the_derivation_symbp_derive_prints(spec: str) -> None:
    net = nb.network(spec)
    d = symbp.derive(net)
    assert [(f.lhs_latex, f.rhs_latex) for f in nb.deltas(net)] == d.deltas
    assert [(f.lhs_latex, f.rhs_latex) for f in nb.gradients(net)] == d.gradients
    assert len(nb.forward(net)) == len(net.definitions)


@pytest.mark.parametrize("spec", NETWORKS, ids=NET_IDS)
def test_every_derived_formula_verifies_when_checked(spec: str) -> None:
    net = nb.network(spec)
    formulas = nb.forward(net) + nb.deltas(net) + nb.gradients(net)
    assert formulas
    for f in formulas:
        verdicts = [r.verdict for r in symbp.check_equation(f.latex, net)]
        assert verdicts == [VERIFIED], (f.latex, verdicts)


SYMPY = [
    ("plain", "gradients", "w_{kj}", "Eq(ErrorDerivative(E, w_kj[k, j]), delta_k[k]*z_j[j])"),
    ("plain", "deltas", "a_j", "Eq(delta_j[j], Derivative(h(a_j[j]), a_j[j])*Sum(delta_k[k]*w_kj[k, j], "
     "(k, 1, K)))"),
    ("plain", "forward", "z_j", "Eq(z_j[j], h(a_j[j]))"),
    ("shared", "gradients", "w_{ji}",
     "Eq(ErrorDerivative(E, w_ji[j, i]), Sum(delta_jl[j, l]*z_il[i, l], (l, 1, L)))"),
    ("shared", "gradients", r"\frac{\partial E}{\partial w_{kj_l}}",
     "Eq(ErrorDerivative(E, w_kjl[k, j, l]), delta_k[k]*z_jl[j, l])"),
    ("shared", "forward", "a_{j_l}", "Eq(a_jl[j, l], Sum(w_ji[j, i]*z_il[i, l], (i, 1, I)))"),
    ("shared", "deltas", r"\delta_{j_l}",
     "Eq(delta_jl[j, l], Derivative(h(a_jl[j, l]), a_jl[j, l])*Sum(delta_k[k]*w_kjl[k, j, l], (k, 1, K)))"),
]


@pytest.mark.parametrize("spec, which, key, expected", SYMPY)
def test_sympy_forms(spec: str, which: str, key: str, expected: str) -> None:
    f = getattr(nb, which)(spec)[key]
    assert str(f.sympy) == expected


def test_sympy_objects_are_ordinary_sympy() -> None:
    import sympy as sp
    eq = nb.gradients("shared")["w_{ji}"].sympy
    assert isinstance(eq, sp.Eq)
    (s,) = eq.rhs.atoms(sp.Sum)
    (l, lo, hi) = s.limits[0]
    assert isinstance(l, sp.Symbol) and (lo, hi) == (1, sp.Symbol("L", integer=True, positive=True))
    assert {str(b) for b in eq.rhs.atoms(sp.IndexedBase)} == {"delta_jl", "z_il"}
    assert not eq.atoms(sp.Idx) and "nobreak" not in sp.latex(eq)
    assert len(nb.deltas("shared").sympy) == 2


def test_formulas_lookup() -> None:
    fs = nb.gradients("shared")
    assert fs["w_{ji}"] is fs[0] and fs[" w_ji "] is fs[0] and fs["w_{kj_l}"] is fs[1]
    assert fs[r"\frac{\partial E}{\partial w_{ji}}"] is fs[0]
    assert fs[0:1] == [fs[0]]
    with pytest.raises(KeyError, match=r"w_\{ji\}, w_\{kj_l\}"):
        fs["v_{ji}"]
    assert repr(fs[0]).startswith("Formula(gradient: \\frac{\\partial E}")


# ----------------------------------------------------------------------------------------------
# networks and checks


@pytest.mark.parametrize("spec", [
    "plain",
    "derivations/prml_5_3_1.tex",
    ROOT / "derivations" / "prml_5_3_1.tex",
    [r"a_j = \sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"],
    symbp.builtin("plain"),
    symbp.load(ROOT / "derivations" / "prml_5_3_1.tex"),
], ids=["name", "path str", "Path", "forward equations", "Network", "Derivation"])
def test_network_from_every_kind_of_spec(spec: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    net = nb.network(spec)  # type: ignore[arg-type]
    assert net.sizes == ["I", "J", "K"]
    assert [str(f) for f in nb.deltas(net)] == [r"\delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"]


def test_network_options_and_errors() -> None:
    net = nb.network([r"a_j = \sum_i w_{ji} x_i", r"y_j = h(a_j)"], activations={"h": "tanh"})
    assert net.activations == {"h": "tanh"}
    with pytest.raises(symbp.NotationError, match="no built-in network and no file"):
        nb.network("nonsense")


def test_check_an_equation_and_a_file() -> None:
    report = nb.check(SEED_1, "shared")
    assert isinstance(report, symbp.Report)
    (r,) = report.results
    assert r.verdict == REFUTED and "did you mean \\sum_l" in r.message
    assert nb.check(DELTA).results[0].verdict == VERIFIED  # default network: plain
    whole = nb.check(ROOT / "derivations" / "weight_sharing.tex")
    assert whole.files == 1 and whole.exit_code == 0
    assert [r.label for r in whole.results if r.verdict == REFUTED] == ["①"]  # its link 2 holds by value
    again = nb.check(nb.load(ROOT / "derivations" / "weight_sharing.tex"))
    assert [r.verdict for r in again.results] == [r.verdict for r in whole.results]
    with pytest.raises(TypeError):
        nb.check(ROOT / "derivations" / "weight_sharing.tex", "plain")


#: what a student passes to nb.check, and how many files and links it checks (a str path was
#: read as an equation, "unexpected '/'"; a folder raised "cannot read the file: Is a directory")
SOURCES = [
    (str(ROOT / "derivations" / "weight_sharing.tex"), 1, 15),
    (" derivations/weight_sharing.tex ", 1, 15),
    (ROOT / "derivations", 31, 360),  # conv_stride_symbolic.tex: 12 links; avg6's generic average: 13
    (str(ROOT / "derivations" / "prml_5_3_1.tex"), 1, 11),
]


@pytest.mark.parametrize("source, files, links", SOURCES)
def test_check_a_file_name_or_a_folder(source: object, files: int, links: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = nb.check(source)  # type: ignore[arg-type]
    assert (report.files, len(report.results), report.exit_code) == (files, links, 0)


def test_a_str_with_a_relation_stays_an_equation() -> None:
    (r,) = nb.check(r"\delta_j = \sum_k w_{kj} \delta_k.tex").results
    assert r.verdict == ERROR


# ----------------------------------------------------------------------------------------------
# _repr_latex_: every displayable object gives well-formed maths


def _results() -> dict[str, LinkResult]:
    plain, shared = symbp.builtin("plain"), symbp.builtin("shared")
    (ok,) = symbp.check_equation(DELTA, plain)
    (bad,) = symbp.check_equation(r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", plain)
    (slip,) = symbp.check_equation(SEED_1, shared)
    (err,) = symbp.check_equation(r"\delta_j = h'(a_j", plain)
    at = LinkResult(r"\delta_{j} = 0", AT_SIZES, "agrees at the sizes tried", label="(9)",
                    sizes=[{"J": 2}])
    return {"verified": ok, "refuted value": bad, "refuted index": slip, "error": err, "at sizes": at}


RESULTS = _results()
SEED = symbp.load(ROOT / "derivations" / "weight_sharing.tex")


def _displayable() -> list[tuple[str, object, list[str]]]:
    shared = symbp.builtin("shared")
    report = symbp.check_paths([ROOT / "derivations" / "weight_sharing.tex"])
    return [
        ("Network plain", symbp.builtin("plain"), [r"a_{j} &= \sum_{i} w_{ji} z_{i}", "1, \\dots, K"]),
        ("Network shared", shared, [r"w_{ji} \text{ is shared over } l", "runs over the units"]),
        ("Network declared", symbp.load(ROOT / "derivations" / "prml_5_3_2.tex").network,
         ["h = \\text{tanh}", "E \\text{: sum-of-squares}"]),
        ("Equation", SEED.equations[2],
         [r"\sum_k \delta_{j_l} z_{i_l}", r"\text{①: expected refuted verified}"]),
        ("Derivation", SEED, [r"\text{① (intended)}", r"\text{②}"]),
        ("LinkResult verified", RESULTS["verified"], [r"\text{(1): verified}"]),
        ("LinkResult refuted", RESULTS["refuted value"], [r"\text{(1): refuted (UNEXPECTED)}"]),
        ("LinkResult at sizes", RESULTS["at sizes"], [r"\text{(9): verified-at-sizes}"]),
        ("Report", report, [r"\text{① link 1/2: refuted (as expected)}", "all as expected"]),
        ("NetworkDerivation", symbp.derive(shared), [r"\text{gradients:}",
                                                    r"\frac{\partial E}{\partial w_{ji}} &= \sum_{l}"]),
        ("Formula", nb.gradients(shared)[0], [r"\frac{\partial E}{\partial w_{ji}} = \sum_{l}"]),
        ("Formulas", nb.deltas(shared), [r"\delta_{i_l} &= h'(a_{i_l})"]),
        ("Formulas empty", nb.Formulas(), [r"\text{(none)}"]),
    ]


DISPLAYABLE = _displayable()


def balanced(tex: str) -> bool:
    depth = 0
    k = 0
    while k < len(tex):
        if tex[k] == "\\":
            k += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[k], 0)
        if depth < 0:
            return False
        k += 1
    return depth == 0 and tex.count("\\begin{") == tex.count("\\end{")


@pytest.mark.parametrize("obj, fragments", [(o, f) for _, o, f in DISPLAYABLE],
                         ids=[n for n, _, _ in DISPLAYABLE])
def test_repr_latex(obj: object, fragments: list[str]) -> None:
    tex = obj._repr_latex_()  # type: ignore[attr-defined]
    assert tex.startswith("$$") and tex.endswith("$$") and tex.count("$") == 4
    assert balanced(tex[2:-2]), tex
    for fragment in fragments:
        assert fragment in tex


def test_an_error_result_has_no_latex_but_its_table() -> None:
    err = RESULTS["error"]
    assert err._repr_latex_() is None
    code = err._repr_html_().split("<code")[1].split("</code>")[0]
    assert "h&#x27;(a_j" in code and "\\(" not in code  # shown as code, not given to MathJax


def test_an_equation_that_cannot_be_read_shows_as_text() -> None:
    deriv = symbp.loads("% symbp: network plain\n$$\\delta_j = h'(a_j$$\n")
    tex = deriv.equations[0]._repr_latex_()
    assert "cannot be read" in tex and balanced(tex[2:-2]) and "h'(a_j" not in tex


# ----------------------------------------------------------------------------------------------
# _repr_html_: well-formed, escaped tables


class Tags(HTMLParser):
    """Collects tags (checking they nest) and the text of the document."""

    VOID = {"br"}
    ALLOWED = {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "span", "small", "pre",
               "code", "br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.ok = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(s: str) -> Tags:
    p = Tags()
    p.feed(s)
    p.close()
    assert p.ok and not p.stack, s
    assert set(p.tags) <= Tags.ALLOWED, set(p.tags) - Tags.ALLOWED
    return p


HTML = [
    ("verified", RESULTS["verified"], ["verified", "holds for all sizes"]),
    ("refuted value", RESULTS["refuted value"], ["NOT as expected", "counterexample: sizes I=2, J=3, K=4"]),
    ("refuted index", RESULTS["refuted index"], ["suggested: \\(\\frac{\\partial E}", "did you mean"]),
    ("error", RESULTS["error"], ["expected ')'", "^"]),
    ("at sizes", RESULTS["at sizes"], ["verified-at-sizes"]),
]


@pytest.mark.parametrize("result, fragments", [(r, f) for _, r, f in HTML], ids=[n for n, _, _ in HTML])
def test_result_repr_html(result: LinkResult, fragments: list[str]) -> None:
    page = result._repr_html_()
    p = parse_html(page)
    assert p.tags.count("tr") == 2  # the header and the result
    text = "".join(p.text)
    for fragment in fragments:
        assert fragment in text


def test_report_repr_html_lists_every_link_and_the_files_that_failed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tex"
    broken.write_text("% symbp: network nonsense\n", encoding="utf-8")
    report = symbp.check_paths([ROOT / "derivations" / "weight_sharing.tex", broken])
    p = parse_html(report._repr_html_())
    text = "".join(p.text)
    assert p.tags.count("tr") == 1 + len(report.results)
    assert "unknown network 'nonsense'" in text and report.summary() in text
    assert text.count("refuted") >= 2


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)  # no surrogates


@given(latex=texts, message=texts, label=texts, file=texts, suggestion=texts, caret=texts,
       verdict=st.sampled_from(VERDICTS))
def test_html_escapes_everything_from_the_input(latex: str, message: str, label: str, file: str,
                                               suggestion: str, caret: str, verdict: str) -> None:
    r = LinkResult(latex, verdict, message, file=file or None, label=label, suggestion=suggestion or None,
                   caret=caret or None, line=3, column=4)
    report = symbp.Report(results=[r])
    for page in (r._repr_html_(), report._repr_html_()):
        p = parse_html(page)  # no tag but ours, whatever the text
        text = "".join(p.text)
        for s in (latex, message, label, suggestion, caret):
            assert s.replace("\r", "\n") in text.replace("\r", "\n")


@given(label=texts, verdict=st.sampled_from([VERIFIED, AT_SIZES, REFUTED]))
def test_latex_annotations_stay_balanced(label: str, verdict: str) -> None:
    r = LinkResult(r"\delta_{j} = 0", verdict, "m", label=label, expected=label or None)
    for tex in (r._repr_latex_(), symbp.Report(results=[r])._repr_latex_()):
        assert tex is not None and balanced(tex[2:-2]) and tex.count("$") == 4
    safe = latex_text(label)
    assert not set(safe) & set("\\{}$%#&^_~\n")


# ----------------------------------------------------------------------------------------------
# plain text (what the pytest plugin prints)


def test_result_text_has_everything_needed() -> None:
    text = result_text(RESULTS["refuted value"])
    lines = text.splitlines()
    assert lines[0] == "<input>:1:1 (1): refuted, expected to hold (verified or verified-at-sizes)"
    assert lines[1] == r"    \delta_{j} = h(a_{j}) \sum_{k} w_{kj} \delta_{k}"
    assert lines[2].startswith("  diagnosis: the two sides differ")
    # a value refutation proposes the correction it found (issue 6), then gives the numbers
    assert lines[3] == r"  suggested: \delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"
    assert lines[4].startswith("  counterexample: sizes I=2, J=3, K=4")
    assert "suggested: " in result_text(RESULTS["refuted index"])
    assert "input error: " in result_text(RESULTS["error"]) and "^" in result_text(RESULTS["error"])
    assert "sizes tried: J=2" in result_text(RESULTS["at sizes"])


def test_counterexample_text_with_a_composite_index_and_exact_integers() -> None:
    cx = {"sizes": {"J": 2, "L": 3}, "index": {"m": {"j": 1, "l": 2}}, "lhs": "12", "rhs": "-7",
          "h": "arbitrary", "E": "arbitrary", "seed": 1}
    assert counterexample_text(cx).startswith("sizes J=2, L=3; at m=(j=1, l=2): left 12, right -7")


def test_error_verdict_is_never_as_expected_by_default() -> None:
    assert not RESULTS["error"].as_expected and RESULTS["error"].verdict == ERROR
