"""The ``symbp`` command: a thin layer that turns results into output and exit codes.

Exit codes: 0 every verdict as the files expect; 1 some verdict is not (an equation refuted
unexpectedly, or an expected refutation that verified); 2 an input error.

Output formats (``--format``): ``text`` for a person (colour only on a terminal, never with
``NO_COLOR`` set; control characters in labels, formulas and file names escaped), ``json``
(versioned: :mod:`symbp.render.formats`, schema ``symbp/render/results.schema.json``),
``github`` (workflow-command annotations), ``sarif`` (SARIF 2.1.0), ``junit`` (JUnit XML).
A path ``-`` reads a derivation from standard input.  ``--skip-undirected`` (the pre-commit
hook's mode) skips a named ``.tex`` file without a ``% symbp:`` line, with a note on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, api
from .catalogue import ACTIVATION_KINDS, ERROR_KINDS
from .checker.results import AT_SIZES, ERROR, REFUTED, VERDICTS, VERIFIED, LinkResult
from .document import is_derivation_file, loads
from .errors import InputError, Location, SymbpError
from .parallel import cpu_count, default_jobs, map_files
from .render import formats
from .render.display import counterexample_text
from .render.formats import escape_controls

_MARK = {VERIFIED: "ok", AT_SIZES: "ok?", REFUTED: "NO", ERROR: "ERR"}
_EXIT_CODES = ("exit codes: 0 every verdict as the files expect, 1 some verdict is not, "
               "2 an input error")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="symbp", description="Check hand-derived backpropagation equations written in LaTeX.",
        epilog=_EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"symbp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="check derivation files, folders, or one equation", epilog=_EXIT_CODES)
    chk.add_argument("paths", nargs="*", help="files, or folders: their .tex files with a '%% symbp:' line "
                                              "(default: derivations/); '-' reads standard input")
    chk.add_argument("--context", help="plain, shared, or a derivation FILE whose network to use")
    chk.add_argument("-e", "--equation", help="one LaTeX equation to check against --context")
    chk.add_argument("--format", choices=formats.FORMATS, default="text",
                     help="text (default); json (versioned, schema: symbp/render/results.schema.json); "
                          "github (GitHub Actions annotations); sarif (SARIF 2.1.0); junit (JUnit XML)")
    chk.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="colour the text output: auto (default) on a terminal unless NO_COLOR is set")
    chk.add_argument("--skip-undirected", action="store_true",
                     help="skip a named .tex file without a '%% symbp:' line, with a note (pre-commit's "
                          "mode: it names every staged .tex file)")
    chk.add_argument("-q", "--quiet", action="store_true", help="print only what is not as expected")
    chk.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                     help="check the files in N processes (same output, same order; default: the "
                          "number of cores when a folder is given, else 1)")
    grd = chk.add_argument_group(
        "grading (--against)",
        "Grade each submission (a .tex file; below a folder, every .tex file) against a reference "
        "derivation: its equations that hold are required; each submitted equation is judged on the "
        "reference's network; a score per file (required equations earned) and a summary table.")
    grd.add_argument("--against", metavar="REFERENCE", help="the reference derivation file")
    grd.add_argument("--feedback", choices=("none", "verdict", "diagnosis", "full"), default="diagnosis",
                     help="what the students see: none (scores only), verdict, diagnosis (default), "
                          "full (also the suggestion: the answer)")
    grd.add_argument("--gradescope", metavar="PATH",
                     help="write Gradescope's results.json: PATH for one submission, else a folder "
                          "with one NAME.json per submission")
    chk.add_argument("--allow-unread", action="store_true",
                     help="a display symbp does not read (empheq, a custom environment) is still a "
                          "warning, but no longer makes the exit code 1")
    num = chk.add_argument_group(
        "numeric check (--numeric)",
        "Also evaluate every link with numbers in float64: both sides against each other, and a side "
        "that is a derivative (delta, dE/dw, da/da) against central finite differences of the forward "
        "pass. Sizes default to distinct 2, 3, 4, ... in the order of the range names, skipping "
        "the sizes given; inputs and "
        "targets N(0, 1), weights N(0, 0.5^2). A derivation file's declared activation and error "
        "are kept. A verified link that fails numerically is a symbp bug: exit code 1.")
    num.add_argument("--numeric", action="store_true", help="run the numeric check")
    num.add_argument("--activation", default="tanh", choices=tuple(ACTIVATION_KINDS),
                     help="h, for undeclared activations (default tanh)")
    num.add_argument("--error", default="sum-of-squares", choices=ERROR_KINDS,
                     help="E, unless the file declares one (default sum-of-squares); the names of "
                          "'%% symbp: error' (binary-cross-entropy needs outputs in (0, 1): a link "
                          "whose outputs are not is skipped)")
    num.add_argument("--sizes", default="", metavar="R=N,...", help="sizes of ranges, e.g. I=3,J=4")
    num.add_argument("--seed", type=int, default=0, help="random seed of the values (default 0)")
    der = sub.add_parser("derive", help="print the mechanical derivation of a network")
    der.add_argument("context", help="plain, shared, or a derivation FILE")
    prv = sub.add_parser("prove", help="write a LaTeX document proving what was checked",
                         epilog=_EXIT_CODES + " (as symbp check)")
    prv.add_argument("files", nargs="+", metavar="FILE", help="derivation FILEs")
    prv.add_argument("--label", help="only the equation with this label (①, \\textcircled{1}, 5.53)")
    prv.add_argument("--detail", choices=("compact", "full"), default="compact",
                     help="compact (default): one chain per equation, short reasons, earlier work "
                          "referenced; full: both sides of every link, every step explained")
    prv.add_argument("-o", "--output", help="output file; '-' for stdout (default: FILE.proof.tex "
                     "next to the input); a regular file, never through a symbolic link")
    prv.add_argument("--force", action="store_true",
                     help="replace an existing output file that is not a proof of FILE")
    _export_parser(sub)
    prv.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                     help="prove the files in N processes (default: the number of cores for several files)")
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show ① gets \u2460, no crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if args.command == "check" and args.equation is not None and args.paths:
        parser.error("give either PATHS or -e EQUATION, not both")
    if args.command == "check" and args.against is None and (
            args.feedback != "diagnosis" or args.gradescope):
        parser.error("--feedback and --gradescope go with --against REFERENCE")
    if args.command == "check" and args.against is not None and (args.equation is not None or args.numeric):
        parser.error("--against grades submission files: not with -e or --numeric")
    if args.command == "check" and args.context and args.equation is None:
        parser.error("--context goes with -e EQUATION")
    if args.command == "prove" and len(args.files) > 1 and (args.output or args.label):
        parser.error("--label and -o go with one FILE")
    if args.command == "check" and (args.numeric or args.against) and args.format not in ("text", "json"):
        parser.error("--numeric and --against write text or json only")
    if args.command == "check" and args.paths.count("-") > 1:
        parser.error("'-' (standard input) can be given once")
    if args.command == "check" and not args.numeric and (
            args.activation != "tanh" or args.error != "sum-of-squares" or args.sizes or args.seed):
        parser.error("--activation, --error, --sizes and --seed go with --numeric")
    try:
        if args.command == "derive":
            print(escape_controls(api.derive(api.load_network(args.context)).text()))
            return 0
        if args.command == "prove":
            return _prove(args)
        if args.command == "export":
            return _export(args)
        return _check(args)
    except SymbpError as exc:
        print(escape_controls(f"symbp: error: {exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `symbp check | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _export_parser(sub: argparse._SubParsersAction) -> None:
    exp = sub.add_parser("export", help="write NumPy/PyTorch/JAX source of a verified equation",
                         description="Write the source of a function that evaluates the last side of the "
                                     "equation labelled LABEL (checked first: only a verified equation is "
                                     "exported): one einsum per term, no symbp at run time.")
    exp.add_argument("file", help="a derivation FILE")
    exp.add_argument("--label", required=True, help="the equation's label (①, \\textcircled{1}, 5.53)")
    exp.add_argument("--to", choices=("numpy", "torch", "jax"), default="numpy",
                     help="target (default numpy)")
    exp.add_argument("--activation", default="tanh", choices=tuple(ACTIVATION_KINDS),
                     help="h, for undeclared activations (default tanh)")
    exp.add_argument("-o", "--output", help="output file (default: stdout); never written through a "
                     "symbolic link, and an existing file is replaced only if it is an export of the "
                     "same FILE")
    exp.add_argument("--force", action="store_true",
                     help="with -o, replace an existing regular file even if it is not an export")


def _export(args: argparse.Namespace) -> int:
    from .export.code import export

    ex = export(args.file, args.label, to=args.to, activation=args.activation)
    if not args.output or args.output == "-":
        sys.stdout.write(ex.source)
        return 0
    out = Path(args.output)
    if out.resolve() == Path(args.file).resolve():
        raise InputError("the export would overwrite the derivation file",
                         hint="give another file with -o").at("", str(out))
    _writable(out, Path(args.file), args.force, "export")
    try:
        _write_regular(out, ex.source)
    except OSError as exc:
        raise InputError(f"cannot write the export: {exc.strerror or exc}",
                         hint="check that the folder exists and is writable").at("", str(out)) from None
    print(f"{out}: def {ex.name}({', '.join(ex.inputs)})")
    return 0


def _jobs(value: str) -> int:
    """``-j N``: a whole number of processes, at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1, 2, ...), not {value!r}")
    return int(value)


def _prove(args: argparse.Namespace) -> int:
    if len(args.files) == 1:
        args.file = args.files[0]
        return _prove_file(args)
    jobs = args.jobs or cpu_count()
    code = 0
    prove_one = functools.partial(_prove_one, force=args.force, detail=args.detail)
    # the proof's printers (and SymPy) imported once before the workers fork, not once in each
    for out, err, rc in map_files(prove_one, args.files, jobs, preload=(_import_proof,)):
        if out:
            print(out)
        if err:
            print(escape_controls(f"symbp: error: {err}"), file=sys.stderr)
        code = max(code, rc)
    return code


def _import_proof() -> None:
    """The proof's printers (and SymPy), imported before ``prove``'s workers fork."""
    from .render import proof  # noqa: F401


def _prove_one(file: str, force: bool = False, detail: str = "compact") -> tuple[str, str, int]:
    """One file of ``symbp prove FILE...``, in a worker: (what to print, the error, exit code)."""
    ns = argparse.Namespace(file=file, output=None, label=None, force=force, detail=detail)
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            rc = _prove_file(ns)
        return buf.getvalue().rstrip("\n"), "", rc
    except SymbpError as exc:
        return buf.getvalue().rstrip("\n"), str(exc), 2


def _prove_file(args: argparse.Namespace) -> int:
    from .render.proof import prove_file

    out = None
    if args.output == "":
        raise InputError("-o '' names no file", hint="give a file with -o, or -o - for stdout, or "
                         "leave -o out to write FILE.proof.tex next to the input").at("", "")
    if args.output != "-":
        out = Path(args.output) if args.output is not None else Path(args.file).with_suffix(".proof.tex")
        if out.resolve() == Path(args.file).resolve():
            raise InputError("the proof would overwrite the derivation file it proves",
                             hint="give another file with -o, or -o - for stdout").at("", str(out))
        _writable(out, Path(args.file), args.force)
    doc = prove_file(args.file, args.label, args.detail)
    if out is None:
        sys.stdout.write(doc.text)
        return doc.exit_code
    try:
        _write_regular(out, doc.text)
    except OSError as exc:
        raise InputError(f"cannot write the proof: {exc.strerror or exc}",
                         hint="check that the folder exists and is writable").at("", str(out)) from None
    print(escape_controls(f"{out}: {len(doc.proofs)} proof(s); compile with: pdflatex {out.name}"))
    return doc.exit_code


def _write_regular(out: Path, text: str) -> None:
    """Write ``text`` to ``out``, never through a symbolic link made since :func:`_writable`."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(out, flags, 0o666), "w", encoding="utf-8") as f:
        f.write(text)


def _writable(out: Path, source: Path, force: bool, kind: str = "proof") -> None:
    """``symbp prove -o`` and ``symbp export -o`` write only a regular file they were asked for:
    never through a symbolic link (which could point anywhere), never onto a special file, and
    they replace an existing file only if it is their own output for the same input (a proof, an
    export) or with ``--force``."""
    import stat

    from .document import read_bounded

    command = "symbp prove" if kind == "proof" else "symbp export"
    if out.is_symlink():
        raise InputError(f"the output is a symbolic link: {command} writes only regular files, never "
                         "through a link", hint="give the file itself with -o").at("", str(out))
    if not out.exists():
        return
    if not stat.S_ISREG(out.stat().st_mode):
        raise InputError("the output exists and is not a regular file", hint="give another file with -o"
                         ).at("", str(out))
    if force:
        return
    try:
        text = read_bounded(out).decode("utf-8", "replace")
    except (OSError, InputError):
        text = ""
    if not (_is_proof_of(text, source) if kind == "proof" else _is_export_of(text, source)):
        raise InputError(f"the output exists and is not {'a proof' if kind == 'proof' else 'an export'} "
                         f"of {source.name}: it is not replaced",
                         hint="give another file with -o, or pass --force to replace it").at("", str(out))


def _is_export_of(text: str, source: Path) -> bool:
    """Whether ``text`` is what ``symbp export`` writes for ``source`` (its docstrings name it)."""
    return text.startswith('"""Exported by symbp') and f" of {source.name}: " in text


def _is_proof_of(text: str, source: Path) -> bool:
    """Whether ``text`` is what ``symbp prove`` writes for ``source`` (its title names the file)."""
    from .render.proof import escape

    return ("Generated by \\texttt{symbp prove}" in text
            and f"\\section*{{{escape(f'symbp: the proofs of {source.name}')}" in text)


def _paths(args: argparse.Namespace) -> list[Path]:
    """The paths to check: those given, or ``derivations/`` (an input error where there is none);
    with ``--skip-undirected``, a named ``.tex`` file without a ``% symbp:`` line is left out with
    a note.  ``-`` (standard input) is not among them: see :func:`_stdin`."""
    if args.paths:
        out = []
        for p in (Path(x) for x in args.paths if x != "-"):
            if getattr(args, "skip_undirected", False) and p.is_file() and not is_derivation_file(p):
                print(escape_controls(f"symbp: note: {p}: skipped, no '% symbp:' line (not a derivation "
                                      "file)"), file=sys.stderr)
                continue
            out.append(p)
        return out
    if not Path("derivations").exists():
        raise InputError("no PATH given, and no derivations/ folder here to check by default",
                         hint="name the derivation files or folders: symbp check notes.tex chapter5/")
    return [Path("derivations")]


def _grade(args: argparse.Namespace) -> int:
    from .grading import grade

    if not args.paths:
        raise InputError("--against REFERENCE grades SUBMISSIONS: name the files or folders to grade",
                         hint="symbp check --against reference.tex submissions/")
    paths = [Path(p) for p in args.paths]
    report = grade(args.against, paths, args.feedback, jobs=args.jobs or default_jobs(paths))
    if args.gradescope:
        out = Path(args.gradescope)
        try:
            if len(report.grades) == 1 and not out.is_dir():
                out.write_text(json.dumps(report.grades[0].to_json(), ensure_ascii=False, indent=1),
                               encoding="utf-8")
            else:
                out.mkdir(parents=True, exist_ok=True)
                for g in report.grades:
                    name = Path(g.file).with_suffix(".json").name
                    (out / name).write_text(json.dumps(g.to_json(), ensure_ascii=False, indent=1),
                                            encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the results: {exc.strerror or exc}",
                             hint="check that the folder exists and is writable").at("", str(out)) from None
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        print(escape_controls(report.text()))
    return report.exit_code


def _check(args: argparse.Namespace) -> int:
    if args.against is not None:
        return _grade(args)
    if args.numeric:
        return _numeric(args)
    if args.equation is not None:
        net = api.load_network(args.context or "plain")
        report = api.Report(results=api.check_equation(args.equation, net), problems=[])
    else:
        paths = _paths(args)
        report = (api.check_paths(paths, jobs=args.jobs or default_jobs(paths)) if paths or not args.paths
                  else api.Report())
        if "-" in args.paths:
            _stdin(report)
        report.allow_unread = args.allow_unread
    if args.format == "json":
        print(json.dumps(formats.to_json(report), ensure_ascii=False, indent=1))
    elif args.format == "github":
        print(formats.to_github(report))
    elif args.format == "sarif":
        print(json.dumps(formats.to_sarif(report, version=__version__), ensure_ascii=False, indent=1))
    elif args.format == "junit":
        sys.stdout.write(formats.to_junit(report))
    else:
        _print_text(report, args.quiet, _colour(args.color))
    return report.exit_code


#: the name a derivation read from standard input goes by in the output
STDIN = "<stdin>"


def _stdin(report: api.Report) -> None:
    """Check the derivation on standard input (``symbp check -``) into ``report``."""
    report.files += 1
    try:
        text = sys.stdin.read()
    except (OSError, UnicodeDecodeError) as exc:
        report.problems.append(InputError(f"cannot read standard input: {exc}",
                                          hint="pipe a UTF-8 derivation file",
                                          location=Location(STDIN, 0, 0)))
        return
    try:
        report.results.extend(api.check_file(loads(text.lstrip("\ufeff"), STDIN)))
    except SymbpError as exc:
        report.problems.append(exc)


def _colour(mode: str) -> bool:
    """Whether to colour: ``always``, ``never``, or (``auto``) on a terminal unless ``NO_COLOR``
    is set to anything but the empty string (https://no-color.org)."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(sys.stdout, "isatty") and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


_COLOURS = {VERIFIED: "32", AT_SIZES: "33", REFUTED: "31", ERROR: "35"}


def _numeric(args: argparse.Namespace) -> int:
    from . import numcheck

    sizes = {}
    for item in filter(None, (x.strip() for x in args.sizes.split(","))):
        name, eq, n = item.partition("=")
        if not eq or not n.strip().isdigit():
            raise SymbpError(f"--sizes {args.sizes!r}: expected R=N pairs such as I=3,J=4")
        if len(n.strip()) > 9:  # the arrays are bounded later (10^6 values); this bounds the number
            raise SymbpError(f"--sizes: {name.strip()}={n.strip()[:12]}... is too large (at most 9 digits)")
        sizes[name.strip()] = int(n)
    opts = numcheck.Options(activation=args.activation, error=args.error, sizes=sizes, seed=args.seed)
    if args.equation is not None:
        net = api.load_network(args.context or "plain")
        report = numcheck.NumericReport(numcheck.check_equation(args.equation, net, opts))
    else:
        paths = _paths(args)
        report = numcheck.check_paths(paths, opts, jobs=args.jobs or default_jobs(paths))
    if args.format == "json":
        print(json.dumps({"schema_version": formats.SCHEMA_VERSION, **report.to_json()}, ensure_ascii=False,
                         indent=1))
        return report.exit_code
    for p in report.problems:
        print(escape_controls(f"{p}\n"))
    for r in report.results:
        if args.quiet and r.link.as_expected and r.as_expected:
            continue
        print(_line(r.link) + "\n    " + escape_controls(r.text()))
    print(escape_controls(report.summary()))
    return report.exit_code


def _print_text(report: api.Report, quiet: bool, colour: bool = False) -> None:
    for p in report.problems:
        print(escape_controls(f"{p}\n"))
    for u in report.unread:
        print(escape_controls(f"{u.file}:{u.line}:{u.column}: warning: the display '{u.env}' is not read: "
                              "nothing in it is checked (hint: write it as align, equation or gather, or "
                              "pass --allow-unread)"))
    for r in report.results:
        if quiet and r.as_expected:
            continue
        print(_line(r, colour))
    print(escape_controls(report.summary()))


def _line(r: LinkResult, colour: bool = False) -> str:
    """A result as text, every control character of its labels, formulas and file name escaped;
    with ``colour``, the verdict in colour (and the header bold when not as expected)."""
    text = escape_controls(_plain_line(r))
    if not colour:
        return text
    head, _, rest = text.partition("\n")
    verdict = f": {r.verdict}"
    at = head.rfind(verdict)
    if at >= 0:
        code = _COLOURS[r.verdict] + ("" if r.as_expected else ";1")
        head = f"{head[:at]}: \x1b[{code}m{r.verdict}\x1b[0m{head[at + len(verdict):]}"
    return head + "\n" + rest


def _plain_line(r: LinkResult) -> str:
    where = f"{r.file or '<input>'}:{r.line}:{r.column}"
    link = f" link {r.link}/{r.links}" if r.links > 1 else ""
    exp = ""
    if r.expected is not None:
        expected = f"{r.expected} {r.expected_code}" if r.expected_code else r.expected
        exp = " (as expected)" if r.as_expected else f" (EXPECTED {expected})"
    elif not r.as_expected:
        exp = " (UNEXPECTED)"
    verdict = f"{r.verdict} {r.code}" if r.expected_code and r.code else r.verdict  # the code matters
    head = f"{where} {r.label}{link}: {verdict}{exp}\n    {r.latex}"
    body = [f"    {r.message}"] + [f"    warning: {w['message']}" for w in r.warnings]
    if r.caret:
        body.append("\n".join("    " + x for x in r.caret.splitlines()))
    if r.suggestion:
        body.append(f"    suggested: {r.suggestion}")
    if r.derived and r.derived not in r.message and r.verdict in (REFUTED, ERROR):  # as pytest says it
        body.append(f"    symbp derives: {r.derived}")
    if r.counterexample:
        body.append(f"    counterexample: {counterexample_text(r.counterexample)}")
    return "\n".join([head] + body)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

__all__ = ["main", "VERDICTS"]
