"""symbp reads what LaTeX typesets: held against LaTeX itself.

After ``\\\\`` a bracket is the line break's spacing only where LaTeX takes it so: amsmath
(``align``, ``gather``, ``multline``, ``flalign``, ``alignat``, ``aligned`` in any display) takes
``[`` only right after ``\\\\`` or ``\\\\*``; after a space or a line break the bracket is typeset.
The kernel's ``eqnarray`` skips spaces first.  Each case below puts a distinct marker ``[Npt]``
after a line break; the file is compiled with pdflatex and the marker must be in the PDF's text
exactly when it is in what symbp read.  Skipped without pdflatex or pdftotext.  The displays
symbp does not read are reported (and counted), never skipped in silence.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import symbp
from symbp.cli import main

EQ = r"\delta_j &= \delta_j"
ROWS = [  # (environment, text between two equations, where the marker is)
    ("align", r"\\[11pt]", "spacing"),
    ("align", r"\\ [12pt]", "typeset"),
    ("align", "\\\\\n[13pt]", "typeset"),
    ("align", r"\\*[14pt]", "spacing"),
    ("align", "\\\\*\n[15pt]", "typeset"),
    ("aligned", "\\\\\n[16pt]", "typeset"),
    ("aligned", r"\\[17pt]", "spacing"),
    ("gather", "\\\\\n[18pt]", "typeset"),
    ("eqnarray", "\\\\\n[19pt]", "spacing"),
    ("flalign", r"\\ [20pt]", "typeset"),
    ("multline", "\\\\\n[21pt]", "typeset"),
    ("eqnarray", r"\\ [22pt]", "spacing"),
    ("alignat", "\\\\\n[23pt]", "typeset"),
    ("align*", r"\\[24pt]", "spacing"),
]


def _display(env: str, between: str) -> str:
    eq = EQ.replace("&=", "&=&") if env == "eqnarray" else EQ
    if env in ("gather", "multline"):
        eq = eq.replace("&", "")
    body = f"{eq} {between} {eq}"
    if env == "aligned":
        return f"\\[ \\begin{{aligned}} {body} \\end{{aligned}} \\]\n"
    arg = "{1}" if env == "alignat" else ""
    return f"\\begin{{{env}}}{arg}\n{body}\n\\end{{{env}}}\n"


def _document() -> str:
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n% symbp: network plain\n"
            + "".join(_display(env, between) for env, between, _ in ROWS) + "\\end{document}\n")


def test_the_rows_say_what_the_rule_says() -> None:
    """Without LaTeX: the table as symbp reads it."""
    deriv = symbp.loads(_document(), "t.tex")
    read = "".join(e.text for e in deriv.equations).replace(" ", "")
    for env, between, where in ROWS:
        marker = re.search(r"\[\d+pt\]", between).group(0)
        assert (marker in read) == (where == "typeset"), (env, between)


@pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")),
                    reason="needs pdflatex and pdftotext")
def test_symbp_reads_what_latex_typesets(tmp_path: Path) -> None:
    tex = tmp_path / "reading.tex"
    tex.write_text(_document(), encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-2000:]
    pdf = subprocess.run(["pdftotext", "reading.pdf", "-"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60).stdout.replace(" ", "").replace("\n", "")
    read = "".join(e.text for e in symbp.load(tex).equations).replace(" ", "")
    for env, between, _ in ROWS:
        marker = re.search(r"\[\d+pt\]", between).group(0)
        assert (marker in pdf) == (marker in read), (env, between, marker in pdf)


UNREAD = [
    ("\\begin{empheq}{align}\n\\delta_j = 0\n\\end{empheq}\n", "empheq"),
    ("\\begin{myalign}\n\\delta_j = 0\n\\end{myalign}\n", "myalign"),
    ("\\begin{dseries}\n\\delta_j = 0\n\\end{dseries}\n", "dseries"),
]
READ = [  # every display environment LaTeX knows is read: a wrong equation inside is refuted
    "\\begin{flalign}\n\\delta_j &= 2 \\delta_j\n\\end{flalign}\n",
    "\\begin{flalign*}\n\\delta_j &= 2 \\delta_j\n\\end{flalign*}\n",
    "\\begin{alignat}{2}\n\\delta_j &= 2 \\delta_j\n\\end{alignat}\n",
    "\\begin{alignat*}{1}\n\\delta_j &= 2 \\delta_j\n\\end{alignat*}\n",
    "\\begin{xalignat}{1}\n\\delta_j &= 2 \\delta_j\n\\end{xalignat}\n",
    "\\begin{gather*}\n\\delta_j = 2 \\delta_j\n\\end{gather*}\n",
    "\\begin{multline*}\n\\delta_j = 2 \\\\\n \\delta_j\n\\end{multline*}\n",
    "\\begin{dmath}\n\\delta_j = 2 \\delta_j\n\\end{dmath}\n",
    "\\begin{dmath*}[label={eq:x}]\n\\delta_j = 2 \\delta_j\n\\end{dmath*}\n",
    "\\begin{IEEEeqnarray}{rCl}\n\\delta_j &=& 2 \\delta_j \\IEEEnonumber\n\\end{IEEEeqnarray}\n",
    "\\begin{IEEEeqnarray*}{rCl}\n\\delta_j &=& 2 \\delta_j\n\\end{IEEEeqnarray*}\n",
    "\\begin{eqnarray*}\n\\delta_j &=& 2 \\delta_j\n\\end{eqnarray*}\n",
    "\\begin{equation*}\n\\begin{alignedat}{1}\n\\delta_j &= 2 \\delta_j\n\\end{alignedat}\n"
    "\\end{equation*}\n",
]
PLAIN = "% symbp: network plain\n"


@pytest.mark.parametrize("body", READ)
def test_every_display_environment_is_read(body: str) -> None:
    deriv = symbp.loads(PLAIN + body, "t.tex")
    assert not deriv.unread
    assert [r.verdict for r in symbp.check_file(deriv)] == ["refuted"]


@pytest.mark.parametrize("body, env", UNREAD)
def test_a_display_not_read_is_reported_and_fails_the_run(tmp_path: Path, body: str, env: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "f.tex"
    f.write_text(PLAIN + "$$\\delta_j = \\delta_j$$\n" + body, encoding="utf-8")
    assert [(u.env, u.line) for u in symbp.load(f).unread] == [(env, 3)]
    assert main(["check", str(f)]) == 1
    out = capsys.readouterr().out
    assert f"1 display not read: {env} at {f}:3" in out and "warning" in out
    assert main(["check", "--allow-unread", str(f)]) == 0
    assert main(["check", "--format", "json", str(f)]) == 1
    assert '"unread"' in capsys.readouterr().out


def test_inline_maths_is_not_a_display() -> None:
    deriv = symbp.loads(PLAIN + "text \\begin{math} \\delta_j = 2 \\delta_j \\end{math} text\n", "t.tex")
    assert not deriv.unread and not deriv.equations


def test_two_equations_side_by_side_are_an_error_not_a_misread() -> None:
    (r,) = symbp.check_file(symbp.loads(PLAIN + "\\begin{align}\n\\delta_j &= \\delta_j & z_j &= h(a_j)\n"
                                        "\\end{align}\n", "t.tex"))
    assert r.verdict == "error" and "side by side" in r.message
