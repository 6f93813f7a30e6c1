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
from session_cache import proof_pdf

from symbp import builtin
from symbp.cli import main
from symbp.latex.parser import parse_chain, parse_expression
from symbp.latex.unparse import unparse
from symbp.render.proof import _prose, _sentence, _setting, escape, label_tex, prove_chain, prove_file

DERIVATIONS = Path(__file__).resolve().parent.parent / "derivations"
TEX_FILES = sorted(DERIVATIONS.glob("*.tex"))


@pytest.fixture(scope="module", params=TEX_FILES, ids=lambda p: p.name)
def doc(request, session_cache_folder):
    """``prove_file(tex)``, computed (and compiled) once per session: test_proof_compact and the
    pdflatex test below read the same document."""
    return proof_pdf(session_cache_folder, request.param)["document"]


#: proofs that leave steps out: a step whose LaTeX does not read back to its normal form is left
#: out (and counted), never shown unchecked.  The list is exact (a proof that stops dropping fails
#: here too); none is left: the error as a use of the chain rule (\partial E/\partial E = 1) and
#: a softmax's squared denominator (1/X^2 = (1/X)^2) now read back.
DROPS: dict[str, set[str]] = {
    # two pre-activations (a_j, b_k): a step of the slip S4a re-indexed over K writes \delta_k,
    # which reads back as dE/db_k (the letter of \delta has no family over K), not dE/da at k
    "conv_stacked.tex": {r"\frac{\partial E}{\partial x_{i}} = \sum_{m} w_{m} \delta_{i-m+1} "
                         r"[1 \le i-m+1 \le K]"},
}


def test_every_link_has_a_proof_and_no_step_is_dropped(doc):
    from symbp.api import check_file

    assert len(doc.proofs) == len(check_file(doc.file))
    assert doc.exit_code == 0
    dropping = {p.claim for p in doc.proofs if p.dropped or any(s.dropped for s in p.sides)}
    assert dropping == DROPS.get(Path(doc.file).name, set()), dropping


def test_every_formula_reads_back_the_same(doc):
    from symbp.document import load

    fns = load(doc.file).network.functions | {"h"}  # sigma, theta: the file's own functions
    n = 0
    for p in doc.proofs:
        for f in p.formulas + [p.claim]:
            tree = parse_chain(f, fns)
            text = " ".join(x for pair in zip([unparse(s) for s in tree.sides], list(tree.rels) + [""])
                            for x in pair)
            again = parse_chain(text, fns)
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
    doc = prove_file(DERIVATIONS / "weight_sharing.tex", "①", detail="full")
    text = doc.text
    assert "Conclusion: refuted." in text
    assert r"did you mean $\sum_l$ instead of $\sum_k$?" in text
    assert "Suggested correction:" in text and r"\sum_{l} \frac{\partial E}{\partial a_{j_l}}" in text
    plain = prove_chain(builtin("plain"), parse_chain(r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k"))[0]
    from symbp.render.proof import proof_section
    out = "\n".join(proof_section(plain, "x"))
    assert "Counterexample." in out and "Sizes $I = " in out


@pytest.mark.parametrize("label, tex", [
    ("①", r"\textcircled{\scriptsize 1}"),
    (r"\textcircled{2}", r"\textcircled{\scriptsize 2}"),
    ("(5.53)", "(5.53)"),
    ("a_b & c%", r"a\_b \& c\%"),
    ("é①", r"é\textcircled{\scriptsize 1}"),  # Latin-1 letters kept (were "?")
    ("式1", "?1"),
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
    # whole formulas, not fragments: numbers, calls without subscripts, operators inside
    (r"both sides reduce to h(a) h'(a) - h'(a) t", r"both sides reduce to $h(a) h'(a) - h'(a) t$"),
    (r"symbp derives \frac{\partial}{\partial a_{j}} h'(a_{j})^{2} = 2 h'(a_{j}) h''(a_{j})",
     r"symbp derives $\frac{\partial}{\partial a_{j}} h'(a_{j})^{2} = 2 h'(a_{j}) h''(a_{j})$"),
    (r"on the right only: h(a_{j})^{2} z_{j}, -2 h(a_{j}) z_{j}; symbp",
     r"on the right only: $h(a_{j})^{2} z_{j}$, $-2 h(a_{j}) z_{j}$; symbp"),
    (r"differentiating \partial E/\partial a_{k} would need",
     r"differentiating $\partial E/\partial a_{k}$ would need"),
    (r"without that \sum_\nu the step", r"without that $\sum_\nu$ the step"),
    ("the left has 2 term(s), the right 1", "the left has 2 term(s), the right 1"),
    (r"did you mean g'(a_{j}) instead of g(a_{j})?", r"did you mean $g'(a_{j})$ instead of $g(a_{j})$?"),
    (r"LaTeX \foo{x} it cannot read", r"LaTeX \texttt{\textbackslash{}foo\{x\}} it cannot read"),
])
def test_prose_mixes_text_and_maths_safely(message, expected):
    assert _prose(message) == expected


def test_every_error_function_of_a_counterexample_is_typeset():
    from symbp.engine.numeric import ERRORS
    from symbp.numcheck import ERROR_FUNCTIONS
    from symbp.render.proof import _setting

    for desc in [e[0] for e in ERRORS.values()] + [e[0] for e in ERROR_FUNCTIONS.values()]:
        assert _setting("E", desc).startswith("$E = ") and "\\^{}" not in _setting("E", desc), desc


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
    (".", "is not a regular file"),  # a folder: refused before any writing
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
def test_proof_compiles_with_pdflatex(tex, tmp_path, session_cache_folder):
    _require("pdflatex")
    # prove_file(tex) compiled once per session (test_proof_compact reads the same PDF)
    run = proof_pdf(session_cache_folder, tex)
    log = run["log"]
    assert run["returncode"] == 0, log[-3000:]
    assert run["pdf"].stat().st_size > 1000
    assert not [line for line in log.splitlines() if line.startswith("!")]
    if tex.name == "weight_sharing.tex":  # one page as a picture a person can look at
        pdftoppm = _require("pdftoppm")
        subprocess.run([pdftoppm, "-r", "50", "-f", "1", "-l", "1", "-png", str(run["pdf"]),
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
    from symbp.render.proof import proof_section

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
    from symbp.render.proof import document

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
    ("h", "sigmoid", r"$h(a) = 1/(1 + e^{-a})$"),
    ("h", "h = exp", r"$h = \exp$"),
    ("E", "E = 1/2 sum (y - t)^2", r"$E = \frac{1}{2} \sum (y - t)^2$"),
    ("E", "E = -sum t log softmax(y)", r"$E = -\sum t \log \operatorname{softmax}(y)$"),
    ("h", "an arbitrary function: h(a), h'(a), ... independent random integers",
     "$h$: an arbitrary function: $h(a)$, $h'(a)$, ... independent random integers"),
    ("h", "g = tanh, h = swish", "$h$: $g$ = tanh, $h$ = swish"),  # unknown: as text, never made up
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


# ---------------------------------------------------------------------------------------------- Greek letters

GREEK_NET = [r"a_\mu = \sum_\nu w_{\mu\nu} x_\nu", r"z_\mu = h(a_\mu)", r"a_k = \sum_\mu w_{k\mu} z_\mu"]


@pytest.mark.parametrize("latex, expected", [
    (r"\frac{\partial E}{\partial x_\nu} = \sum_\mu w_{\mu\nu} \delta_\mu", r"\sum_{\mu} \delta_{\mu}"),
    (r"\frac{\partial a_k}{\partial x_\nu} = \sum_\mu w_{k\mu} h'(a_\mu) w_{\mu\nu}",
     r"\sum_{\mu} h'(a_{\mu})"),
    (r"\frac{\partial E}{\partial w_{\mu\nu}} = \delta_\mu x_\nu", r"\delta_{\mu} x_{\nu}"),
])
def test_greek_summation_indices_print_as_commands_and_no_step_is_dropped(latex, expected):
    """``\\sum_\\mu`` prints as ``\\sum_{\\mu}`` (was ``\\sum_{mu}``: every step failed to read back
    and was dropped, and the forward equations showed ``\\sum_{nu}``)."""
    import symbp
    from symbp.render.proof import network_section

    net = symbp.declare(GREEK_NET, params=("w",))
    (p,) = prove_chain(net, parse_chain(latex))
    assert p.result.verdict == "verified"
    assert all(s.dropped == 0 for s in p.sides) and p.dropped == 0
    assert p.sides[0].steps and any(expected in s.latex for s in p.sides[0].steps)
    assert "{mu}" not in "".join(p.formulas) and "every $mu$" not in str(p.sides[0].steps)
    section = "\n".join(network_section(net))
    assert r"\sum_{\nu} w_{\mu\nu}" in section and r"$\mu = 1, \dots," in section


def test_greek_letters_in_diagnoses_and_counterexamples():
    import symbp
    from symbp.render.proof import proof_section

    net = symbp.declare(GREEK_NET, params=("w",))
    eq = r"\frac{\partial E}{\partial w_{\mu\nu}} = \sum_\nu \delta_\mu x_\nu"
    (p,) = prove_chain(net, parse_chain(eq))
    assert r"without that \sum_\nu the step" in p.result.message and r"\nu is free" in p.result.message
    (q,) = prove_chain(net, parse_chain(r"\delta_\mu = h(a_\mu) \sum_k w_{k\mu} \delta_k"))
    assert r"at $\mu = " in "\n".join(proof_section(q, "x"))


@pytest.mark.parametrize("latex", [r"\sum_{\mu'} w_{k\mu'} z_{\mu'}", r"\sum_{j'} w_{kj'} z_{j'}",
                                   r"w_{\mu'j}"])
def test_primed_greek_letters_unparse_as_commands(latex):
    assert unparse(parse_expression(latex)) == latex


def test_scalar_units_in_the_network_section_and_delta_rule():
    """A family without indices is written ``a``, not ``a_{}``, in the forward equations and in
    the justification of a step one layer down."""
    import symbp
    from symbp.render.proof import network_section, proof_section

    net = symbp.declare([r"a = \sum_i w_i x_i", r"y = h(a)"], params=("w",))
    section = "\n".join(network_section(net))
    assert "_{}" not in section and "  a &= \\sum_{i} w_{i} x_{i}" in section and "  y &= h(a)" in section
    (p,) = prove_chain(net, parse_chain(r"\frac{\partial E}{\partial w_i} = x_i"))
    text = "\n".join(proof_section(p, "x"))
    assert "_{}" not in text and r"$\delta = h'(a) \frac{\partial E}{\partial y}$" in text


@pytest.mark.parametrize("latex, heads", [
    # the left side has no steps of its own: its first block is not "continued"
    (r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", ["Left side:"]),
    # the left side's own steps come first, then its continuation
    (r"\frac{\partial E}{\partial w_{ji}} = \sum_k w_{kj} \delta_k z_i",
     ["Left side:", "Left side, continued:"]),
])
def test_continued_only_after_the_sides_own_steps(latex, heads):
    from symbp.render.proof import proof_section

    (p,) = prove_chain(builtin("plain"), parse_chain(latex))
    lines = [x for x in proof_section(p, "x") if x.startswith("Left side")]
    assert lines == heads


# tokens of symbp's messages and of what they quote from the user's input, LaTeX's specials included
PROSE_TOKENS = [r"\sum_l", r"\sum_{\nu}", "h'(a_{j})", "h(a)", "=", "-", "+", "2", "-2", "x", "a", "I", "t",
                r"\partial", r"E/\partial", "a_{k}}", "{", "}", "^", "_", "%", "#", "&", "$", "~", "\\\\",
                "\\", "(", ")", "?", ";", ",", "...", "ü", "①", "日", r"\frac{1}{2}", r"\left(", r"\right)",
                "x^", "_{}", "^{2}", r"\foo", "z_{j}^{2}", "term(s)", "(hint:", "y)", "[j = k]", "'", "''",
                r"\delta_{k},", "w_{kj_l}", r"\end{document}", r"\verb|x|", "\n", r"\par", "a_", "_x"]


def test_prose_and_labels_of_any_tokens_compile_with_pdflatex(tmp_path):
    """Messages and labels made of any mix of formula fragments and LaTeX specials are text that
    pdflatex accepts (fragments such as ``x \\``, ``z_{j}^{2} ^{2}``, ``' '`` or ``a_ b``, which
    symbp's parser reads but TeX does not, were put in ``$...$``: a compile error)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pdflatex = _require("pdflatex")
    out: list[str] = []

    @settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.lists(st.sampled_from(PROSE_TOKENS), min_size=1, max_size=10))
    def collect(tokens):
        out.append(_prose(" ".join(tokens)))
        out.append(label_tex("".join(tokens)))

    collect()
    body = "\n\n".join(f"{k}: {x}" for k, x in enumerate(out))
    head = "\\documentclass{article}\\usepackage{lmodern}\\usepackage[T1]{fontenc}\\usepackage{amsmath}"
    (tmp_path / "prose.tex").write_text(head + "\\begin{document}\n" + body + "\n\\end{document}\n",
                                        encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "prose.tex"], cwd=tmp_path,
                         capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / "prose.log").read_text(encoding="latin-1")
    assert run.returncode == 0 and not [x for x in log.splitlines() if x.startswith("!")], log[-3000:]


MACROS = r"""% symbp: network plain
$$\delta_j = \mycommand{x}$$
$$\delta_j = \bm{w}_{kj}$$
$$\delta_j = \frac{1}{$$
\begin{equation}\delta_j = \end{equation}
$$\delta_j = }{ $$
$$\delta_j = \verb|x| $$
$$\delta_j = 1 \; \text{and} \; \foo % comment
$$
$$\delta_j = h'(a_j) \sum_k w_{kj} \delta_k$$
"""


def test_claims_symbp_cannot_read_are_shown_as_source_and_compile(tmp_path):
    """An equation that is an input error is shown as its source text: the note's own macros
    (``\\mycommand``, ``\\bm``) and unbalanced braces in ``\\[...\\]`` stopped pdflatex."""
    pdflatex = _require("pdflatex")
    src = tmp_path / "macros.tex"
    src.write_text(MACROS, encoding="utf-8")
    doc = prove_file(src, detail="full")
    # \bm{w}_{kj} on a scalar is read as w_{kj} (issue 12): refuted, not an error
    assert [p.result.verdict for p in doc.proofs].count("error") == 6 and doc.exit_code == 2
    assert r"\textbackslash{}mycommand\{x\}" in doc.text
    assert "\\[\n" + r"\delta_{j} = h'(a_{j})" in doc.text
    out = tmp_path / "macros.proof.tex"
    out.write_text(doc.text, encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name],
                         cwd=tmp_path, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / "macros.proof.log").read_text(encoding="latin-1")
    assert run.returncode == 0 and not [x for x in log.splitlines() if x.startswith("!")], log[-3000:]


def test_network_section_names_the_networks_own_functions():
    """Every function of the network with what it is (was always "h is an arbitrary
    differentiable function", also for a network whose functions are g = logistic and f)."""
    import symbp
    from symbp.render.proof import network_section

    forward = [r"a_j = \sum_i w_{ji} x_i", r"z_j = g(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = f(a_k)"]
    net = symbp.declare(forward, params=("w",), activations={"g": "logistic"})
    text = "\n".join(network_section(net))
    assert "$f$ is an arbitrary differentiable function; $g$ is logistic;" in text and "$h$" not in text


PLAIN_FORWARD = [r"a_j = \sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"]
SCALAR_FORWARD = [r"a = \sum_i w_i x_i", r"y = h(a)"]


@pytest.mark.parametrize("forward, latex, expected", [
    (PLAIN_FORWARD, r"\delta_j = h'(a_j) \sum_k w_{kj} (a_k - t_k)",
     r"$\partial E/\partial a_{k} = a_{k} - t_{k}$"),
    (SCALAR_FORWARD, r"\delta = (y - t) h'(a)", r"$\partial E/\partial y = y - t$"),
])
def test_declared_error_is_justified_with_the_networks_outputs(forward, latex, expected):
    """The step that uses a declared sum-of-squares error names the network's own outputs and
    targets (was always y_k - t_k, also where the outputs are a_k and there is no y)."""
    import symbp
    from symbp.render.proof import proof_section

    net = symbp.declare(forward, params=("w",), error_kind="sum-of-squares")
    (p,) = prove_chain(net, parse_chain(latex))
    assert p.result.verdict == "verified"
    text = "\n".join(proof_section(p, "x"))
    assert "sum-of-squares error, so " + expected in text and "y_{k}" not in text


def test_greek_letter_before_a_latin_one_in_a_subscript():
    """``w_{\\mu i}``: the printer wrote ``w_{\\mui}`` (an undefined command: pdflatex stopped on
    the network section, and every step with it failed to read back and was dropped)."""
    import symbp
    from symbp.render.proof import network_section

    forward = [r"a_\mu = \sum_i w_{\mu i} x_i", r"z_\mu = h(a_\mu)", r"y_k = \sum_\mu w_{k\mu} z_\mu"]
    net = symbp.declare(forward, params=("w",))
    assert r"w_{\mu i} x_{i}" in "\n".join(network_section(net))
    (p,) = prove_chain(net, parse_chain(r"\frac{\partial E}{\partial w_{\mu i}} = \delta_\mu x_i"))
    assert p.result.verdict == "verified" and all(s.dropped == 0 for s in p.sides)
    assert [s.latex for s in p.sides[0].steps][-1] == r"\delta_{\mu} x_{i}"


def test_prose_never_puts_a_frac_without_arguments_in_maths():
    assert _prose(r"\partial outside a \frac (hint: write \frac{\partial E}{\partial w})") == \
        r"$\partial$ outside a \texttt{\textbackslash{}frac} (hint: write $\frac{\partial E}{\partial w}$)"


def test_a_refutation_by_the_indices_says_so():
    """``J \\delta_k = \\sum_j \\delta_k``: both sides are shown to reduce to ``J \\delta_k``, and the
    verdict is refuted (a sum whose index does not occur): the conclusion says it is the indices."""
    from symbp.render.proof import proof_section

    (p,) = prove_chain(builtin("plain"), parse_chain(r"J \delta_k = \sum_j \delta_k"))
    # index rules decide nothing alone: both sides are J \delta_k, so it holds, with a warning
    assert p.result.verdict == "verified" and p.result.warnings
    (p,) = prove_chain(builtin("plain"), parse_chain(r"\delta_k = \sum_j \delta_k"))
    assert p.result.verdict == "refuted" and p.result.counterexample  # the value is the evidence
    assert "summation index $j$ does not occur in the summand" in "\n".join(proof_section(p, "x"))


def test_normal_form_step_says_a_product_was_multiplied_out():
    """``\\delta_k (a_j + z_j)`` to ``\\delta_k a_j + \\delta_k z_j`` multiplies out (it was called
    "factors in a standard order" only)."""
    (p,) = prove_chain(builtin("plain"), parse_chain(r"\delta_k (a_j + z_j) = \delta_k z_j + \delta_k a_j"))
    whys = [s.why for s in p.sides[0].steps]
    assert whys and "products multiplied out" in whys[0] and "terms and factors" in whys[0]


@pytest.mark.parametrize("kind, equation, sentence", [
    ("tanh", r"h'(a_j) = 1 - z_j^2", "$h$ is tanh, so $h' = 1 - h^{2}$"),
    ("sigmoid", r"h'(a_j) = z_j (1 - z_j)", "$h$ is sigmoid, so $h' = h - h^{2}$"),
    ("exp", r"h'(a_j) = z_j", "$h$ is exp, so $h' = h$"),
    # softplus' is the logistic function: the rule is in h', one order up
    ("softplus", r"h''(a_j) = h'(a_j) (1 - h'(a_j))", "$h$ is softplus, so $h'' = h' - h'^{2}$"),
])
def test_the_declared_rule_is_said(kind: str, equation: str, sentence: str) -> None:
    import symbp

    net = symbp.declare([r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"],
                        activations={"h": kind})
    (p,) = prove_chain(net, parse_chain(equation))
    assert p.result.verdict == "verified"
    whys = [st.why for side in p.sides for st in side.steps] + [a.why for pair in p.joint for a in pair]
    assert any(sentence in why for why in whys), whys


@pytest.mark.parametrize("claim, order", [
    (r"x_m y_l v_k u_j = u_j v_k y_l x_m", ["m", "l", "k", "j"]),
    (r"u_j v_k = u_j v_k + x_m y_l - x_m y_l", ["j", "k", "m", "l"]),
])
def test_the_provers_letters_in_the_order_of_first_use(claim: str, order: list[str]) -> None:
    # the prover's free letters were a set: which unknown letter a proof's note named ('unknown
    # index letter $i$' or '$y$' in cs231n_softmax.tex's label claim) changed with PYTHONHASHSEED
    from symbp.engine.declare import declare
    from symbp.render.proof import _Prover

    net = declare([r"a_j = u_j", r"b_k = v_k", r"c_m = x_m", r"d_l = y_l"])
    chain = parse_chain(claim, net.functions)
    assert list(_Prover(net, {}, chain.sides[0], chain.sides[1]).env) == order
