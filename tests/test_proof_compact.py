"""The compact proof (``symbp prove``'s default) a lecturer can hand out: one chain per equation
with short reasons in a readable size, earlier reductions referenced, a short network section; a
refuted equation says first what is wrong and where.  The seed's weight-sharing proof fits in at
most 4 pages: compiled with pdflatex, rendered page by page with pdftoppm, counted."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from session_cache import proof_pdf

from symbp import builtin
from symbp.cli import main
from symbp.latex.parser import parse_chain
from symbp.render.proof import prove_chain, prove_file, short_why

DERIVATIONS = Path(__file__).resolve().parents[1] / "derivations"
FILES = sorted(DERIVATIONS.glob("*.tex"))


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not on PATH (.ci/run installs it)")
    return path


def _pages(text: str, tmp_path: Path, stem: str) -> list[Path]:
    pdflatex = _require("pdflatex")
    (tmp_path / f"{stem}.tex").write_text(text, encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", f"{stem}.tex"],
                         cwd=tmp_path, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / f"{stem}.log").read_text(encoding="latin-1")
    return _pages_of(run.returncode, log, tmp_path / f"{stem}.pdf", tmp_path, stem)


def _pages_of(returncode: int | None, log: str, pdf: Path, tmp_path: Path, stem: str) -> list[Path]:
    """The pages of a compiled proof as PNG files in ``tmp_path``, after its log is checked."""
    pdftoppm = _require("pdftoppm")
    assert returncode == 0 and not [x for x in log.splitlines() if x.startswith("!")], log[-3000:]
    assert "Overfull \\hbox" not in log or stem != "weight_sharing", "a line runs into the margin"
    # every page rasterised (its fonts and rules drawn); no assertion reads the pixels, so at
    # 10 dpi: a third of the CPU of 40 dpi (suite7)
    subprocess.run([pdftoppm, "-r", "10", "-png", str(pdf), f"{stem}-page"], cwd=tmp_path, check=True,
                   timeout=300)
    pages = sorted(tmp_path.glob(f"{stem}-page*.png"))
    assert pages and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)
    return pages


def _shared_pages(folder: Path, tex: Path, detail: str, tmp_path: Path, stem: str) -> list[Path]:
    """:func:`_pages` of ``prove_file(tex, detail=detail)``, compiled once per session
    (test_proof's pdflatex test and ``doc`` fixture read the same compact proof)."""
    _require("pdflatex")
    run = proof_pdf(folder, tex, detail)
    return _pages_of(run["returncode"], run["log"], run["pdf"], tmp_path, stem)


@pytest.mark.parametrize("tex", FILES, ids=lambda p: p.name)
def test_compact_proofs_compile_and_are_short(tex: Path, tmp_path: Path, session_cache_folder: Path) -> None:
    compact = _shared_pages(session_cache_folder, tex, "compact", tmp_path, tex.stem)
    full = _shared_pages(session_cache_folder, tex, "full", tmp_path, tex.stem + "-full")
    assert len(compact) < len(full)
    if tex.name == "weight_sharing.tex":
        assert len(compact) <= 4, f"{len(compact)} pages"  # was 11 (today's form: --detail full)


def test_one_chain_per_verified_equation() -> None:
    doc = prove_file(DERIVATIONS / "weight_sharing.tex")
    sections = doc.text.split("\\subsection*{")[1:]
    assert len(sections) == 7  # one per equation, not one per link (15 links)
    first = sections[0]
    assert first.count("\\begin{align*}") == 1 and "Verified for all sizes (all 3 links)." in first
    assert first.index("\\frac{\\partial a_{k}}{\\partial a_{j_l}} &=") < first.index("w_{kj_l} h'(a_{j_l})")
    assert "\\footnotesize" not in doc.text and "\\itshape" not in doc.text  # readable reasons
    assert "by (F1), (F2)" in first and "(F1)}" in doc.text.split("\\subsection*")[0]


def test_a_refuted_equation_says_first_what_is_wrong_and_where() -> None:
    doc = prove_file(DERIVATIONS / "weight_sharing.tex", "①")
    text = doc.text.split("\\subsection*{")[1]
    wrong = text.index("\\textbf{Refuted}, as the file expects (link 1 of 2, line 34, column 3)")
    reason = text.index("What is wrong:} The summation index $k$ does not occur in the summand")
    steps = text.index("Left side, as read:")
    assert wrong < reason < steps
    assert "did you mean $\\sum_l$ instead of $\\sum_k$?" in text


def test_earlier_reductions_are_referenced() -> None:
    doc = prove_file(DERIVATIONS / "deep_networks.tex")
    # (7) starts from the left side of (4), reduced there: referenced, not reduced again
    assert "as in (4)" in doc.text


def test_no_step_multiplies_by_one() -> None:
    """``\\partial a_k/\\partial a_k`` differentiated is 1: the step read ``= \\delta_k 1``."""
    net = builtin("plain")
    chain = parse_chain(r"\frac{\partial E}{\partial a_k} = \sum_{k'} \frac{\partial E}{\partial a_{k'}} "
                        r"\frac{\partial a_{k'}}{\partial a_k}")
    for p in prove_chain(net, chain):
        texts = [s.latex for side in p.sides for s in side.steps]
        assert not any(re.search(r"\} 1\b|_\{?\w+\}? 1\b", t) for t in texts), texts


def test_the_conclusion_names_the_form_the_steps_reached() -> None:
    """Both sides of (2) link 2 end at z_{i_l}; the conclusion said they reduce to h(a_{i_l})."""
    doc = prove_file(DERIVATIONS / "weight_sharing.tex", "(2)", detail="full")
    last = doc.text.split("\\subsection*{")[-1]
    assert "both sides reduce to $z_{i_l}$" in last and "h(a_{i_l})" not in last


@pytest.mark.parametrize("why, short", [
    ("definition of $\\delta$: $\\delta_{x} \\equiv \\partial E/\\partial a_{x}$", "definition of $\\delta$"),
    ("normal form: factors in a standard order", "reordered"),
    ("forward equations $z_{j} = h(a_{j})$, $a_{k} = b$", "by (F1), (F2)"),
    ("backpropagation one layer down, $\\delta_{j} = x$", "backpropagation: $\\delta_{j} = x$"),
    ("chain rule over the uses of $w_{ji}$: $a_{j}$", "chain rule over the uses of $w_{ji}$: $a_{j}$"),
])
def test_short_reasons(why: str, short: str) -> None:
    assert short_why(why, {"z_{j} = h(a_{j})": "F1", "a_{k} = b": "F2"}) == short


@pytest.mark.parametrize("detail, phrase", [("compact", "one chain"), ("full", "Left side:")])
def test_prove_detail_option(detail: str, phrase: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["prove", str(DERIVATIONS / "prml_5_3_1.tex"), "--detail", detail, "-o", "-"])
    out = capsys.readouterr().out
    assert code == 0
    if detail == "full":
        assert phrase in out
    else:
        assert "Left side:" not in out and "\\subsection*" in out


def test_compact_proofs_of_mutants_and_unreadable_claims_compile(tmp_path: Path) -> None:
    """Every refuted mutant of the tables, and the equations symbp cannot read (the note's own
    macros), in the compact form: pdflatex accepts them."""
    from test_proof import MACROS
    from test_rewrites_and_mutants import MUTANTS

    from symbp.document import strip_label
    from symbp.render.proof import compact_document

    net = builtin("shared")
    proofs = []
    for name, latex, *_ in MUTANTS:
        if name == "shared":
            proofs += prove_chain(net, parse_chain(strip_label(latex)[0], net.functions))
    assert proofs
    _pages(compact_document(proofs, net, "mutants"), tmp_path, "mutants")
    src = tmp_path / "macros.tex"
    src.write_text(MACROS, encoding="utf-8")
    doc = prove_file(src)
    assert "Not checked: input error" in doc.text and doc.exit_code == 2
    _pages(doc.text, tmp_path, "macros-proof")
