"""Every derivation under derivations/ must compile with a real LaTeX engine.

Two of the notes are Japanese and use ``ltjsarticle`` (LuaTeX-ja), so the engine is LuaLaTeX.
Build products go to the session's temporary folder (one compile per document, shared by the tests
that read its PDF), never next to the inputs.  The tests skip where
``lualatex`` (or ``pdftoppm``/``pdftotext``) is not installed; CI installs them (.ci/run).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from session_cache import shared

DERIVATIONS = Path(__file__).resolve().parent.parent / "derivations"
TEX_FILES = sorted(DERIVATIONS.glob("*.tex"))

# The first run after TeX Live is installed builds luaotfload's font cache (~10 s here).
COMPILE_TIMEOUT = 300

# The page rendered to PNG: a Japanese note, so the picture also shows the CJK fonts work.
RENDERED = DERIVATIONS / "prml_5_3_1.tex"
RENDERED_TEXT = "逆伝播"  # prose on page 1 of RENDERED


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not on PATH (Debian package {package}; .ci/run installs it)")
    return path


def _compile(tex: Path, outdir: Path) -> tuple[subprocess.CompletedProcess[str], Path, str]:
    """Run lualatex on ``tex`` with every output in ``outdir``; return (run, pdf path, log text)."""
    lualatex = _require("lualatex", "texlive-luatex")
    before = set(tex.parent.iterdir())
    run = subprocess.run(
        [
            lualatex,
            "-interaction=nonstopmode",
            "-halt-on-error",
            f"-output-directory={outdir}",
            str(tex),
        ],
        cwd=tex.parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=COMPILE_TIMEOUT,
    )
    created = sorted(p.name for p in set(tex.parent.iterdir()) - before)
    assert not created, f"lualatex wrote next to the inputs: {created}"
    log_path = outdir / f"{tex.stem}.log"
    assert log_path.is_file(), f"no log from lualatex; output tail:\n{run.stdout[-3000:]}"
    # TeX breaks log lines by bytes, which can split a UTF-8 character: decode leniently.
    log = log_path.read_bytes().decode("utf-8", errors="replace")
    return run, outdir / f"{tex.stem}.pdf", log


def _compiled(tex: Path, folder: Path) -> tuple[subprocess.CompletedProcess[str], Path, str]:
    """:func:`_compile` of ``tex`` once per session (tests/session_cache.py): the tests that
    assert about the same document's PDF read one run (``RENDERED`` is compiled for its own
    test and for the picture of its first page)."""
    _require("lualatex", "texlive-luatex")
    key = f"lualatex-{tex.stem}-{hashlib.sha256(tex.read_bytes()).hexdigest()[:16]}"

    def compute() -> tuple[subprocess.CompletedProcess[str], Path, str]:
        out = folder / key
        out.mkdir(exist_ok=True)
        return _compile(tex, out)

    return shared(folder, key, compute)


def _errors(log: str) -> list[str]:
    """Each TeX error (a log line starting with "!") with the two lines that locate it."""
    lines = log.splitlines()
    return ["\n".join(lines[i : i + 3]) for i, line in enumerate(lines) if line.startswith("!")]


def test_there_are_derivations():
    assert TEX_FILES, f"no .tex files under {DERIVATIONS}"


@pytest.mark.parametrize("tex", TEX_FILES, ids=[p.name for p in TEX_FILES])
def test_derivation_compiles(tex: Path, session_cache_folder: Path):
    run, pdf, log = _compiled(tex, session_cache_folder)
    errors = _errors(log)
    assert not errors, f"{tex.name}: TeX errors:\n" + "\n---\n".join(errors)
    assert run.returncode == 0, f"{tex.name}: lualatex exit {run.returncode}\n{run.stdout[-3000:]}"
    assert pdf.is_file() and pdf.stat().st_size > 0, f"{tex.name}: no PDF in {pdf.parent}"
    # A glyph absent from every font is dropped with only this note in the log (no "!").
    missing = [line for line in log.splitlines() if line.startswith("Missing character")]
    assert not missing, f"{tex.name}: characters missing from the fonts:\n" + "\n".join(missing)


def test_first_page_renders(tmp_path: Path, session_cache_folder: Path):
    pdftoppm = _require("pdftoppm", "poppler-utils")
    pdftotext = _require("pdftotext", "poppler-utils")
    run, pdf, log = _compiled(RENDERED, session_cache_folder)
    assert pdf.is_file(), f"no PDF: {_errors(log)}"

    stem = tmp_path / "page1"
    subprocess.run(
        [pdftoppm, "-f", "1", "-l", "1", "-r", "72", "-png", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=120,
    )
    png = stem.with_suffix(".png")
    assert png.is_file(), "pdftoppm made no PNG"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank A4 page at 72 dpi is about 2.6 kB; this page, with its text and formulas, ~20 kB.
    assert len(data) > 8_000, f"page 1 PNG is only {len(data)} bytes: is the page blank?"

    text = subprocess.run(
        [pdftotext, "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout.decode("utf-8", errors="replace")
    assert RENDERED_TEXT in text, f"Japanese prose not found on page 1; pdftotext gave:\n{text[:500]}"
