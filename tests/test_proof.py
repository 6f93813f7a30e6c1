"""``symbp prove``: proofs of every check, read back by symbp, compiled by pdflatex.

* Round trip: every formula of every proof of every shipped derivation parses with symbp's own
  front end and unparses to a formula with the same tree; every step has the normal form of
  the side it rewrites (the prover drops a step that does not: none may be dropped here).
* The document compiles with ``pdflatex`` (no errors in the log) and one page renders to PNG.
* The CLI writes next to the input by default, to ``-o FILE`` or stdout, selects ``--label``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from symbp import builtin
from symbp.cli import main
from symbp.parsing import parse_chain, parse_expression, unparse
from symbp.proof import _prose, _sentence, _setting, escape, label_tex, prove_chain, prove_file

DERIVATIONS = Path(__file__).resolve().parent.parent / "derivations"
TEX_FILES = sorted(DERIVATIONS.glob("*.tex"))


@pytest.fixture(scope="module", params=TEX_FILES, ids=lambda p: p.name)
def doc(request):
    return prove_file(request.param)


def test_every_link_has_a_proof_and_no_step_is_dropped(doc):
    from symbp.api import check_file

    assert len(doc.proofs) == len(check_file(doc.file))
    assert doc.exit_code == 0
    for p in doc.proofs:
        assert all(s.dropped == 0 for s in p.sides) and p.dropped == 0, p.claim


def test_every_formula_reads_back_the_same(doc):
    n = 0
    for p in doc.proofs:
        for f in p.formulas + [p.claim]:
            tree = parse_chain(f)
            again = parse_chain(" ".join(
                x for pair in zip([unparse(s) for s in tree.sides], list(tree.rels) + [""]) for x in pair))
            assert [s.key() for s in tree.sides] == [s.key() for s in again.sides], f
            n += 1
    assert n > 10


def test_steps_carry_justifications(doc):
    whys = [s.why for p in doc.proofs for side in p.sides for s in side.steps]
    assert whys and all(whys)


def test_shared_gradient_proof_steps():
    net = builtin("shared")
    (p,) = prove_chain(net, parse_chain(r"\frac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}"))
    steps = [s.latex for s in p.sides[0].steps]
    assert steps == [
        r"\sum_{l} \frac{\partial E}{\partial a_{j_l}} \frac{\partial a_{j_l}}{\partial w_{ji}}",
        r"\sum_{l} \delta_{j_l} \frac{\partial a_{j_l}}{\partial w_{ji}}",
        r"\sum_{l} \delta_{j_l} z_{i_l}",
    ]
    whys = [s.why for s in p.sides[0].steps]
    assert whys[0].startswith("chain rule over the uses of $w_{ji}$: $a_{j_l}$ for every $l$")
    assert "definition of $\\delta$" in whys[1]
    assert "forward equation $a_{j_l} = \\sum_{i} w_{ji} z_{i_l}$" in whys[2]


def test_refuted_proof_carries_diagnosis_counterexample_and_correction():
    doc = prove_file(DERIVATIONS / "weight_sharing.tex", "①")
    text = doc.text
    assert "Conclusion: refuted." in text
    assert r"did you mean $\sum_l$ instead of $\sum_k$?" in text
    assert "Suggested correction:" in text and r"\sum_{l} \frac{\partial E}{\partial a_{j_l}}" in text
    plain = prove_chain(builtin("plain"), parse_chain(r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k"))[0]
    from symbp.proof import proof_section
    out = "\n".join(proof_section(plain, "x"))
    assert "Counterexample." in out and "Sizes $I = " in out


@pytest.mark.parametrize("label, tex", [
    ("①", r"\textcircled{\scriptsize 1}"),
    (r"\textcircled{2}", r"\textcircled{\scriptsize 2}"),
    ("(5.53)", "(5.53)"),
    ("a_b & c%", r"a\_b \& c\%"),
])
def test_labels_render_for_pdflatex(label, tex):
    assert label_tex(label) == tex


@pytest.mark.parametrize("message, expected", [
    (r"did you mean \sum_l instead of \sum_k?", r"did you mean $\sum_l$ instead of $\sum_k$?"),
    (r"both sides reduce to h'(a_{j}) \sum_{k} w_{kj} \delta_{k}",
     r"both sides reduce to $h'(a_{j}) \sum_{k} w_{kj} \delta_{k}$"),
    ("file prml_5_3_1.tex: 100% & $x", r"file prml\_5\_3\_1.tex: 100\% \& \$x"),
    ("a factor h'(...) of the left side", r"a factor h'(...) of the left side"),
    ("日本語", "???"),
])
def test_prose_mixes_text_and_maths_safely(message, expected):
    assert _prose(message) == expected


def test_escape_covers_every_special_character():
    assert escape("\\{}_^&%$#~") == r"\textbackslash{}\{\}\_\^{}\&\%\$\#\~{}"


# ---------------------------------------------------------------------------------------------- CLI

def test_cli_writes_next_to_the_input_by_default(tmp_path, capsys):
    src = tmp_path / "note.tex"
    src.write_text((DERIVATIONS / "prml_5_3_1.tex").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["prove", str(src)]) == 0
    out = tmp_path / "note.proof.tex"
    assert out.exists() and out.read_text(encoding="utf-8").startswith("\\documentclass")
    assert "note.proof.tex" in capsys.readouterr().out


def test_cli_stdout_and_label(capsys):
    assert main(["prove", str(DERIVATIONS / "weight_sharing.tex"), "--label", "②", "-o", "-"]) == 0
    text = capsys.readouterr().out
    assert text.count("\\subsection*") == 1 and "\\end{document}" in text


def test_cli_unknown_label_is_an_input_error(capsys):
    assert main(["prove", str(DERIVATIONS / "weight_sharing.tex"), "--label", "⑨", "-o", "-"]) == 2
    err = capsys.readouterr().err
    assert "no equation labelled" in err and "labels here:" in err and "Traceback" not in err


#: where -o cannot write (relative to a folder holding the derivation file d.tex), and what it says
BAD_OUTPUTS = [
    ("missing/dir/p.tex", "cannot write the proof"),
    (".", "cannot write the proof"),
    ("d.tex", "would overwrite the derivation file"),
    ("./sub/../d.tex", "would overwrite the derivation file"),
]


@pytest.mark.parametrize("output, phrase", BAD_OUTPUTS)
def test_cli_output_that_cannot_be_written_is_an_input_error(output, phrase, tmp_path, capsys, monkeypatch):
    """-o into a missing folder was a traceback (FileNotFoundError, exit 1); -o the input itself
    replaced the student's derivation file by its proof."""
    (tmp_path / "sub").mkdir()
    src = tmp_path / "d.tex"
    text = "% symbp: network plain\n$$\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k$$\n"
    src.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["prove", "d.tex", "-o", output]) == 2
    err = capsys.readouterr().err
    assert phrase in err and "hint:" in err and "Traceback" not in err
    assert src.read_text(encoding="utf-8") == text


# ---------------------------------------------------------------------------------------------- pdflatex

def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not on PATH (.ci/run installs it)")
    return path


@pytest.mark.parametrize("tex", TEX_FILES, ids=lambda p: p.name)
def test_proof_compiles_with_pdflatex(tex, tmp_path):
    pdflatex = _require("pdflatex")
    out = tmp_path / f"{tex.stem}.proof.tex"
    out.write_text(prove_file(tex).text, encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / f"{tex.stem}.proof.log").read_text(encoding="latin-1")
    assert run.returncode == 0, log[-3000:]
    assert (tmp_path / f"{tex.stem}.proof.pdf").stat().st_size > 1000
    assert not [line for line in log.splitlines() if line.startswith("!")]
    if tex.name == "weight_sharing.tex":  # one page as a picture a person can look at
        pdftoppm = _require("pdftoppm")
        subprocess.run([pdftoppm, "-r", "50", "-f", "1", "-l", "1", "-png", out.with_suffix(".pdf").name,
                        "page"], cwd=tmp_path, check=True, timeout=120)
        pngs = list(tmp_path.glob("page*.png"))
        assert pngs and pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_parse_expression_reads_primed_indices():
    assert unparse(parse_expression(r"\sum_{l'} \delta_{j_{l'}} z_{i_{l'}}")) == \
        r"\sum_{l'} \delta_{j_{l'}} z_{i_{l'}}"


# ---------------------------------------------------------------------------------------------- tables

def _tables():
    from test_rewrites_and_mutants import MUTANTS, REWRITES
    return [pytest.param(n, s, id=f"rewrite {n}: {i}") for n, s, i in REWRITES] + \
        [pytest.param(n, s, id=f"mutant {n}: {i}") for n, s, i, _ in MUTANTS]


@pytest.mark.parametrize("net, latex", _tables())
def test_proofs_of_the_rewrite_and_mutant_tables(net, latex):
    """Every step shown for every equivalent rewrite and every mutant reads back as the side it
    rewrites (none dropped), and the proof's verdict is the check's."""
    from symbp.api import check_equation
    from symbp.document import strip_label
    from symbp.proof import proof_section

    network = builtin(net)
    text, _ = strip_label(latex)
    proofs = prove_chain(network, parse_chain(text, network.functions))
    assert [p.result.verdict for p in proofs] == [r.verdict for r in check_equation(latex, net)]
    for p in proofs:
        assert all(s.dropped == 0 for s in p.sides) and p.dropped == 0, (p.claim, p.note)
        assert "a symbp bug" not in p.note
        proof_section(p, "x")


def test_proofs_of_every_mutant_compile_in_one_document(tmp_path):
    """Every diagnosis and counterexample of the mutant table, as the proofs print them, is
    LaTeX that pdflatex accepts."""
    pdflatex = _require("pdflatex")
    from test_rewrites_and_mutants import MUTANTS

    from symbp.document import strip_label
    from symbp.proof import document

    proofs = []
    for net, latex, _, _ in MUTANTS:
        if net != "shared":
            continue
        text, _ = strip_label(latex)
        proofs += prove_chain(builtin(net), parse_chain(text))
    assert any(p.result.counterexample for p in proofs)
    out = tmp_path / "mutants.tex"
    out.write_text(document(proofs, builtin("shared"), "mutants"), encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / "mutants.log").read_text(encoding="latin-1")
    assert run.returncode == 0 and not [x for x in log.splitlines() if x.startswith("!")], log[-3000:]


BROKEN = r"""% symbp: network plain
Some prose with 100% & $ signs_ and \textbf{bold}.
$$\delta_j = h'(a_j \sum_k w_{kj} \delta_k$$
$$\delta_j = h'(a_j) \sum_k w_{kj} \delta_q$$
$$\frac{\partial E}{\partial w_{ji}} = \delta_j z_i \tag{5.53}$$
$$\delta_j = h'(a_j) \sum_k w_{jk} \delta_k \quad \dots \text{\textcircled{3}}$$
"""


def test_proof_of_a_file_with_input_errors_compiles(tmp_path):
    pdflatex = _require("pdflatex")
    src = tmp_path / "broken.tex"
    src.write_text(BROKEN, encoding="utf-8")
    doc = prove_file(src)
    verdicts = [p.result.verdict for p in doc.proofs]
    assert "error" in verdicts and "verified" in verdicts and "refuted" in verdicts
    assert doc.exit_code == 2
    out = tmp_path / "broken.proof.tex"
    out.write_text(doc.text, encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / "broken.proof.log").read_text(encoding="latin-1")
    assert run.returncode == 0 and not [x for x in log.splitlines() if x.startswith("!")], log[-3000:]


#: equations that cannot be read, and are not LaTeX that compiles either (a typo'd command,
#: an unclosed brace, a stray closing one): the proof shows them as written, as text
UNREADABLE = [
    r"\delta_j = h'(a_j) \summ_k w_{kj} \delta_k",
    r"\delta_j = \frac{1}{2 \sum_k w_{kj} \delta_k",
    r"\delta_j = h'(a_j) } \sum_k w_{kj} \delta_k",
    r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k^",
]


def test_proof_of_unreadable_equations_compiles(tmp_path):
    r"""An equation symbp cannot read is shown verbatim (it was put in maths: pdflatex failed on
    ``\summ`` with 'Undefined control sequence', and no proof document came out)."""
    pdflatex = _require("pdflatex")
    src = tmp_path / "typos.tex"
    src.write_text("% symbp: network plain\n" + "".join(f"$${e}$$\n" for e in UNREADABLE), encoding="utf-8")
    doc = prove_file(src)
    assert [p.result.verdict for p in doc.proofs] == ["error"] * len(UNREADABLE)
    assert "\\summ_k" not in doc.text and "\\textbackslash{}summ" in doc.text
    out = tmp_path / "typos.proof.tex"
    out.write_text(doc.text, encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / "typos.proof.log").read_text(encoding="latin-1")
    assert run.returncode == 0 and not [x for x in log.splitlines() if x.startswith("!")], log[-3000:]


@pytest.mark.parametrize("message, sentence", [
    ("the two sides differ", "The two sides differ"),
    ("k is free on the left but the right sums over it", "k is free on the left but the right sums over it"),
    ("w_{jk}: no w of this network has indices", "w_{jk}: no w of this network has indices"),
    ("h'(a_{j}) is missing", "h'(a_{j}) is missing"),
    ("\\sum_k sums over nothing", "\\sum_k sums over nothing"),
    ("did you mean", "Did you mean"),
])
def test_a_conclusion_keeps_the_symbol_it_starts_with(message, sentence):
    """A refutation starting with an index or a symbol keeps its case in the proof (was ``$K$ is
    free on the left``, ``$W_{jk}$: no $w$ ...``: K is a size, W no family)."""
    assert _sentence(message) == sentence


SETTINGS = [  # what a counterexample ran, as symbp check says it, and as the proof writes it
    ("h", "tanh", r"$h = \tanh$"),
    ("h", "logistic", r"$h(a) = 1/(1 + e^{-a})$"),
    ("h", "g = tanh, h = softplus", r"$g = \tanh$, $h(a) = \log(1 + e^{a})$"),
    ("h", "h = identity", r"$h(a) = a$"),
    ("E", "E = 1/2 sum (y - t)^2", r"$E = \frac{1}{2} \sum (y - t)^2$"),
    ("E", "E = -sum t log softmax(y)", r"$E = -\sum t \log \operatorname{softmax}(y)$"),
    ("h", "an arbitrary function: h(a), h'(a), ... independent random integers",
     "$h$: an arbitrary function: h(a), $h'(a)$, ... independent random integers"),
    ("h", "g = tanh, h = relu", "$h$: $g$ = tanh, $h$ = relu"),  # unknown: as text, never made up
]


@pytest.mark.parametrize("name, text, tex", SETTINGS)
def test_counterexample_functions_are_maths(name, text, tex):
    r"""Was '$E$: $E$ = 1/2 sum ($y$ - t)\^{}2' in the proof: half maths, half text, a literal caret."""
    assert _setting(name, text) == tex


def test_a_note_on_steps_not_shown_is_one_sentence_with_its_hint():
    """Was '... over (J, K)\nhint: the network has ...' (a line break, read as a space in LaTeX)."""
    (p,) = prove_chain(builtin("plain"), parse_chain(r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k"))
    assert p.note == ("the steps could not be shown: w_{jk}: no w of this network has indices running "
                      "over (J, K) (hint: the network has w_{ji}, w_{kj})")


def test_scalar_units_print_and_prove():
    """A family without indices (one unit) is a plain symbol in SymPy and in the proof."""
    import symbp

    net = symbp.declare([r"a = \sum_i w_i z_i", r"y = h(a)", r"b_k = w_k y"], params=("w",))
    (p,) = prove_chain(net, parse_chain(r"\frac{\partial E}{\partial w_i} = \delta z_i"))
    assert p.result.verdict == "verified"
    assert [s.latex for s in p.sides[0].steps] == [
        r"\frac{\partial E}{\partial a} \frac{\partial a}{\partial w_{i}}",
        r"\delta \frac{\partial a}{\partial w_{i}}", r"\delta z_{i}"]
    assert net.families[0].show() in ("a", "w_{i}", "z_{i}")
