"""Property-based fuzzing of the front end (derivation files) and of the CLI.

tests/test_parser.py fuzzes one formula at a time; here whole files are fuzzed: the shipped
derivations mutated at random (unbalanced braces, unknown commands, stray ``&`` and ``\\\\``,
display delimiters, undeclared symbols and index letters, non-ASCII, NUL bytes), random bytes,
empty, huge and deeply nested files.  Every input gives verdicts, or an input error that says
where (file, line, column, a caret under the token) and what to do (a hint) - never another
exception; the CLI never prints a traceback and exits 2 on input errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbp import VERDICTS, cli
from symbp.api import check_file
from symbp.document import load, loads
from symbp.errors import InputError, SymbpError

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "derivations").glob("*.tex"))}

NASTY = ["{", "}", "&", "\\\\", "\\foo", "$$", "$", "%", "\\begin{align}", "\\end{align}", "\\[", "\\]",
         "_", "^", "'", "\\sum", "\\sum_", "\\frac", "\\partial", "q_{r}", "y_{qq}", "\\delta_{pq}", "=",
         "\\equiv", "(", ")", "\\left(", "\\right)", "é", "①", "\x00", "\t", "\n", "\\text{", "\\tag{",
         "% symbp: expect", "% symbp: forward", "% symbp: index m = ", "% symbp: bogus", "10^{10^{10}}",
         "\\\\[3pt]", "\\intertext{x}", "\\mathrm{d}", "e^{x}", "\\\\*"]


@st.composite
def mutated_derivation(draw: st.DrawFn) -> str:
    text = SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(NASTY)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
    return text


def _assert_located(exc: InputError, file: str) -> None:
    loc = exc.location
    assert loc is not None and loc.file == file, exc
    if loc.line:  # a file-level problem (cannot read it, too large) has no line
        assert loc.column >= 1
        if loc.source_line.strip():  # (an empty file has no line to put a caret under)
            assert "^" in exc.caret, str(exc)
    assert exc.hint, f"no hint: {exc}"


def _check_text(text: str, file: str = "fuzz.tex") -> None:
    try:
        deriv = loads(text, file)
    except InputError as exc:
        _assert_located(exc, file)
        return
    for r in check_file(deriv):
        assert r.verdict in VERDICTS
        assert r.line >= 1 and r.column >= 1, r
        if r.verdict == "error" and r.error not in ("ResourceLimitError", "RoundTripError"):
            assert r.error != "InternalError", r.message
            assert r.caret and "^" in r.caret, (r.latex, r.message)
            assert "hint" in r.message, r.message


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_derivation())
def test_fuzz_mutated_derivations(text: str) -> None:
    _check_text(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(NASTY + ["a_j", "w_{kj}", "\\delta_k", "h'(a_j)", " "]), max_size=30)
       .map("".join))
def test_fuzz_token_soup_inside_a_display(body: str) -> None:
    _check_text(f"% symbp: network plain\n$${body}$$\n\\begin{{align}}{body}\\end{{align}}\n")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_as_a_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    f = tmp_path_factory.mktemp("bytes") / "random.tex"
    f.write_bytes(data)
    try:
        deriv = load(f)
    except InputError as exc:
        _assert_located(exc, str(f))
        return
    for r in check_file(deriv):
        assert r.verdict in VERDICTS


SPECIAL = [
    ("empty", b"", "no network is declared"),
    ("only a comment", b"% nothing here\n", "no network is declared"),
    ("NUL bytes", b"% symbp: network plain\n\x00$$a$$", "binary"),
    ("latin-1", "% symbp: network plain\n$$\\delta_j = é$$\n".encode("latin-1"), "not UTF-8"),
    ("unclosed display", b"% symbp: network plain\n$$\\delta_j = 0\n", "never closed"),
    ("unknown directive", b"% symbp: netwrok plain\n", "unknown directive"),
    ("deep nesting", ("% symbp: network plain\n$$\\delta_j = " + "{" * 5000 + "}" * 5000 + "$$").encode(),
     "nested too deeply"),
    ("unbalanced", b"% symbp: network plain\n$$\\delta_j = {h'(a_j)$$", "never closed"),
    ("stray &", b"% symbp: network plain\n$$\\delta_j & = 0 &$$", None),
    ("undeclared symbol", b"% symbp: network plain\n$$\\delta_j = y_j$$", "no quantity named y"),
    # str.isdigit() is true of these: the tokenizer took them for numbers and crashed (was a traceback
    # with -e, and the whole file lost)
    ("unicode digits", "% symbp: network plain\n$$\\delta_j = ² a_j$$\n$$\\delta_j = ① ٣$$\n".encode(),
     "unexpected character '²'"),
    ("undeclared letter", b"% symbp: network plain\n$$\\delta_j = h'(a_j) \\sum_q w_{qr} \\delta_q$$", "r"),
]


@pytest.mark.parametrize("data, phrase", [pytest.param(d, p, id=i) for i, d, p in SPECIAL])
def test_special_files_through_the_cli(tmp_path: Path, data: bytes, phrase: str | None,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "special.tex"
    f.write_bytes(data)
    code = cli.main(["check", str(f)])
    out, err = capsys.readouterr()
    assert code in (1, 2), out + err
    assert "Traceback" not in out + err
    if phrase is not None:
        assert phrase in out + err
    if code == 2 and "error" in out + err:
        assert str(f) in out + err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated_derivation())
def test_fuzz_the_cli_never_raises_and_exits_0_1_or_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      text: str) -> None:
    f = tmp_path / "fuzz.tex"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    code = cli.main(["check", "--format", "json", str(f)])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err
    if code == 2 and out:
        summary = json.loads(out)["summary"]
        assert summary["error"] or summary["problems"], summary


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_fuzz_cli_equation_option(capsys: pytest.CaptureFixture[str], src: str) -> None:
    try:
        code = cli.main(["check", "--context", "plain", "-e", src])
    except SystemExit as exc:  # argparse refuses an argument that looks like an option
        code = exc.code
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err


def test_a_huge_formula_file_is_checked_or_refused_quickly(tmp_path: Path) -> None:
    f = tmp_path / "big.tex"
    line = "$$\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k$$\n"
    f.write_text("% symbp: network plain\n" + line * 2000, encoding="utf-8")
    results = check_file(f)
    assert len(results) == 2000 and {r.verdict for r in results} == {"verified"}


def test_every_symbp_error_is_a_symbp_error_subclass() -> None:
    """What the front end raises on purpose is one tree (the CLI catches its root)."""
    for text in ["", "% symbp: network nope\n", "% symbp: forward a_j = \n", "$$ $$"]:
        with pytest.raises(SymbpError):
            loads(text, "x.tex")


@pytest.mark.parametrize("src", [r"\delta_j = ² a_j", r"\delta_j = a_j^{²}", "\\delta_j = \u0663"])
def test_unicode_digits_in_an_equation_are_an_input_error(src: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["check", "--context", "plain", "-e", src])
    out, err = capsys.readouterr()
    assert code == 2 and "unexpected character" in out and "Traceback" not in out + err
