"""The ``symbp`` command: a thin layer that turns results into output and exit codes.

Exit codes: 0 every verdict as the files expect; 1 some verdict is not (an equation refuted
unexpectedly, or an expected refutation that verified); 2 an input error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import api
from .check import AT_SIZES, ERROR, REFUTED, VERDICTS, VERIFIED, LinkResult
from .errors import SymbpError

_MARK = {VERIFIED: "ok", AT_SIZES: "ok?", REFUTED: "NO", ERROR: "ERR"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="symbp", description="Check hand-derived backpropagation equations written in LaTeX.")
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="check derivation files, folders, or one equation")
    chk.add_argument("paths", nargs="*", help="files or folders (default: derivations/)")
    chk.add_argument("--context", help="plain, shared, or a derivation FILE whose network to use")
    chk.add_argument("-e", "--equation", help="one LaTeX equation to check against --context")
    chk.add_argument("--format", choices=("text", "json"), default="text")
    chk.add_argument("-q", "--quiet", action="store_true", help="print only what is not as expected")
    der = sub.add_parser("derive", help="print the mechanical derivation of a network")
    der.add_argument("context", help="plain, shared, or a derivation FILE")
    prv = sub.add_parser("prove", help="write a LaTeX document proving what was checked")
    prv.add_argument("file", help="a derivation FILE")
    prv.add_argument("--label", help="only the equation with this label (①, \\textcircled{1}, 5.53)")
    prv.add_argument("-o", "--output", help="output file; '-' for stdout (default: FILE.proof.tex "
                     "next to the input)")
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show ① gets \u2460, no crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if args.command == "check" and args.equation is not None and args.paths:
        parser.error("give either PATHS or -e EQUATION, not both")
    if args.command == "check" and args.context and args.equation is None:
        parser.error("--context goes with -e EQUATION")
    try:
        if args.command == "derive":
            print(api.derive(api.load_network(args.context)).text())
            return 0
        if args.command == "prove":
            return _prove(args)
        return _check(args)
    except SymbpError as exc:
        print(f"symbp: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `symbp check | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _prove(args: argparse.Namespace) -> int:
    from .proof import prove_file

    doc = prove_file(args.file, args.label)
    if args.output == "-":
        sys.stdout.write(doc.text)
    else:
        out = Path(args.output) if args.output else Path(args.file).with_suffix(".proof.tex")
        out.write_text(doc.text, encoding="utf-8")
        print(f"{out}: {len(doc.proofs)} proof(s); compile with: pdflatex {out.name}")
    return doc.exit_code


def _check(args: argparse.Namespace) -> int:
    if args.equation is not None:
        net = api.load_network(args.context or "plain")
        report = api.Report(results=api.check_equation(args.equation, net), problems=[])
    else:
        paths = [Path(p) for p in args.paths] or [Path("derivations")]
        report = api.check_paths(paths)
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        _print_text(report, args.quiet)
    return report.exit_code


def _print_text(report: api.Report, quiet: bool) -> None:
    for p in report.problems:
        print(f"{p}\n")
    for r in report.results:
        if quiet and r.as_expected:
            continue
        print(_line(r))
    print(report.summary())


def _line(r: LinkResult) -> str:
    where = f"{r.file or '<input>'}:{r.line}:{r.column}"
    link = f" link {r.link}/{r.links}" if r.links > 1 else ""
    exp = ""
    if r.expected is not None:
        exp = " (as expected)" if r.as_expected else f" (EXPECTED {r.expected})"
    elif not r.as_expected:
        exp = " (UNEXPECTED)"
    head = f"{where} {r.label}{link}: {r.verdict}{exp}\n    {r.latex}"
    body = [f"    {r.message}"]
    if r.caret:
        body.append("\n".join("    " + x for x in r.caret.splitlines()))
    if r.suggestion:
        body.append(f"    suggested: {r.suggestion}")
    if r.counterexample:
        cx = r.counterexample
        sizes = ", ".join(f"{k}={v}" for k, v in cx["sizes"].items())
        idx = ", ".join(f"{k}=" + (f"({', '.join(f'{a}={b}' for a, b in v.items())})"
                                   if isinstance(v, dict) else str(v)) for k, v in cx["index"].items())
        lhs, rhs = (f"{v:.6g}" if isinstance(v, float) else str(v) for v in (cx["lhs"], cx["rhs"]))
        body.append(f"    counterexample: sizes {sizes}; at {idx or 'the scalar'}: left {lhs}, "
                    f"right {rhs} (h: {cx['h']}; E: {cx['E']}; random seed {cx['seed']})")
    return "\n".join([head] + body)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

__all__ = ["main", "VERDICTS"]
