"""Nothing from input is executed, and files are only read.

* The package source (its AST) calls no ``eval``, ``exec``, ``compile``, ``__import__``, no
  ``sympify``/``parse_expr``/``parse_latex`` (which parse strings into code-like objects), no
  ``pickle``/``marshal``/``shelve``, no shell; a LaTeX payload that would run code if it were
  evaluated does nothing.
* A file that cannot be read (permissions, a directory named ``.tex``, not UTF-8) is reported
  and the other files are still checked; ``symbp check`` writes nothing next to its inputs.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from symbp import check_equation, cli
from symbp.api import check_paths
from symbp.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "symbp"

#: builtins that run or compile strings, called by name
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "parse_latex",
                   "latex2sympy", "S", "input", "breakpoint"}
#: the same reached as attributes (sympy.sympify, os.system, builtins.eval, ...)
FORBIDDEN_ATTRS = {"eval", "exec", "__import__", "sympify", "parse_expr", "parse_latex", "latex2sympy",
                   "S", "system", "popen", "Popen", "check_output", "import_module", "spawnv", "execv"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "subprocess", "importlib", "ctypes",
                     "latex2sympy2", "runpy", "code", "codeop"}


def _calls(tree: ast.AST) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in FORBIDDEN_NAMES:
                out.append((f.id, node.lineno))
            elif isinstance(f, ast.Attribute) and f.attr in FORBIDDEN_ATTRS:
                out.append((f.attr, node.lineno))
    return out


def _imports(tree: ast.AST) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append(node.module)
    return out


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_package_source_never_evaluates_strings(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = _calls(tree)
    assert not bad, f"{path.name}: {bad}"
    mods = [m for m in _imports(tree)
            if m.split(".")[0] in FORBIDDEN_MODULES or m.startswith("sympy.parsing")]
    assert not mods, f"{path.name} imports {mods}"


def test_the_scan_would_see_an_eval() -> None:
    """The scanner itself works: it finds the calls it is looking for."""
    tree = ast.parse("import pickle\nx = eval('1')\ny = sympy.sympify(s)\nz = os.system(b)\n"
                     "from sympy.parsing.latex import parse_latex\n")
    assert {n for n, _ in _calls(tree)} == {"eval", "sympify", "system"}
    assert {"pickle", "sympy.parsing.latex"} <= set(_imports(tree))


def _payloads(sentinel: Path) -> list[str]:
    s = str(sentinel)
    return [
        rf"\delta_j = __import__('os').system('touch {s}')",
        rf"\delta_j = eval(\"__import__('os').system('touch {s}')\")",
        rf"\delta_j = \text{{__import__('os').system('touch {s}')}}",
        r"a_j = h(__import__)",
        rf"\delta_j = \mathrm{{exec}}(open('{s}', 'w'))",
        rf"__import__('os').system('touch {s}') = 0",
        rf"\delta_j = h'(a_j) \sum_k w_{{kj}} \delta_k \tag{{__import__('os').system('touch {s}')}}",
    ]


def test_a_code_payload_in_an_equation_does_nothing(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    for src in _payloads(sentinel):
        for r in check_equation(src, "plain"):
            assert r.verdict in ("error", "refuted", "verified"), (src, r.verdict)
            if "__import__" in src.split("=")[-1] and "tag" not in src:
                assert r.verdict == "error", (src, r.message)
    assert not sentinel.exists()


def test_a_code_payload_in_a_file_and_its_directives_does_nothing(root: Path, tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    s = str(sentinel)
    f = tmp_path / "payload.tex"
    f.write_text(
        f"% symbp: forward a_j = \\sum_i w_{{ji}} z_i + __import__('os').system('touch {s}')\n"
        f"% symbp: activation h = __import__('os').system('touch {s}')\n"
        f"% symbp: label {{__import__('os').system('touch {s}')}}\n"
        + "".join(f"$${p}$$\n" for p in _payloads(sentinel)), encoding="utf-8")
    g = tmp_path / "payload2.tex"
    g.write_text("% symbp: network plain\n" + "".join(f"$${p}$$\n" for p in _payloads(sentinel)),
                 encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "symbp.cli", "check", str(f), str(g)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not sentinel.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["payload.tex", "payload2.tex"]


# ----------------------------------------------------------------------------------------------
# files that cannot be read; nothing written next to the inputs

GOOD = "% symbp: network plain\n$$\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k$$\n"


def _listing(d: Path) -> list[tuple[str, int, int]]:
    return sorted((str(p.relative_to(d)), p.stat().st_size if p.is_file() else -1, p.stat().st_mtime_ns)
                  for p in d.rglob("*"))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file_is_reported_and_the_others_are_checked(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "a_locked.tex"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything: refuse as the OS would
            import symbp.document as document
            real = document.read_bounded

            def read_bounded(p: Path, *args: int, **kw: bool) -> bytes:
                if Path(p) == locked:
                    raise PermissionError(13, "Permission denied", str(p))
                return real(p, *args, **kw)

            monkeypatch.setattr(document, "read_bounded", read_bounded)
            monkeypatch.setattr(document, "is_derivation_file", lambda p: p.suffix == ".tex")
        (tmp_path / "b_good.tex").write_text(GOOD, encoding="utf-8")
        report = check_paths([tmp_path])
        assert [r.verdict for r in report.results] == ["verified"]
        assert len(report.problems) == 1 and "cannot read" in str(report.problems[0])
        assert str(locked) in str(report.problems[0])
        assert report.exit_code == 2
    finally:
        locked.chmod(0o644)


def test_a_directory_named_tex_is_reported_when_named_and_skipped_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "d.tex").mkdir()
    (tmp_path / "d.tex" / "inner.tex").write_text(GOOD, encoding="utf-8")
    (tmp_path / "good.tex").write_text(GOOD, encoding="utf-8")
    folder = check_paths([tmp_path])  # the folder's *.tex files: d.tex/inner.tex and good.tex
    assert [r.verdict for r in folder.results] == ["verified", "verified"] and not folder.problems
    named = check_paths([tmp_path / "d.tex", tmp_path / "good.tex"])
    # a directory given by name is checked as a folder (its .tex files), not read as a file
    assert [r.verdict for r in named.results] == ["verified", "verified"]


def test_a_non_utf8_file_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "a.tex").write_bytes("% symbp: network plain\n$$\\delta_j = é$$\n".encode("latin-1"))
    (tmp_path / "b.tex").write_text(GOOD, encoding="utf-8")
    report = check_paths([tmp_path])
    assert [r.verdict for r in report.results] == ["verified"]
    (problem,) = report.problems
    assert isinstance(problem, InputError) and "UTF-8" in str(problem)
    assert problem.location.line == 2


@pytest.mark.parametrize("argv", [["check"], ["check", "--format", "json"], ["check", "-q"]])
def test_check_writes_nothing_next_to_its_inputs(tmp_path: Path, argv: list[str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted((ROOT / "derivations").glob("*.tex")):
        (src / p.name).write_bytes(p.read_bytes())
    (src / "broken.tex").write_text("% symbp: network plain\n$$\\delta_j = {$$\n", encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "x.tex").write_text(GOOD, encoding="utf-8")
    before = _listing(src)
    code = cli.main(argv + [str(src)])
    capsys.readouterr()
    assert code == 2
    assert _listing(src) == before
