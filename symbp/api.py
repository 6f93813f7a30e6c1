"""The Python entry points: load networks and derivation files, check, derive.

>>> from symbp import check_equation, builtin
>>> net = builtin("plain")
>>> [r.verdict for r in check_equation(r"\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k", net)]
['verified']
>>> shared = builtin("shared")
>>> r, = check_equation(r"\\frac{\\partial E}{\\partial w_{ji}} = \\sum_k \\delta_{j_l} z_{i_l}", shared)
>>> r.verdict, r.suggestion
('refuted', '\\\\frac{\\\\partial E}{\\\\partial w_{ji}} = \\\\sum_{l} \\\\delta_{j_l} z_{i_l}')
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import calculus
from .algebra import F
from .check import AT_SIZES, ERROR, REFUTED, VERDICTS, VERIFIED, LinkResult, check_chain
from .document import Derivation, Equation, derivation_files, load, strip_label
from .errors import InputError, NotationError, SymbpError, locate
from .network import BUILTINS, Network, builtin
from .nfprint import latex
from .parsing import parse_chain

__all__ = ["NetworkDerivation", "Report", "check_equation", "check_file", "check_paths", "derive",
           "load_network"]


def load_network(context: str) -> Network:
    """A built-in network by name (``plain``, ``shared``) or the network of a derivation file."""
    if context in BUILTINS:
        return builtin(context)
    p = Path(context)
    if not p.exists():
        raise NotationError(f"no built-in network and no file named {context!r}",
                            hint=f"use {', '.join(BUILTINS)} or the path of a derivation file")
    return load(p).network


def check_equation(source: str, net: Network | str = "plain") -> list[LinkResult]:
    """Check one LaTeX equation (a chain ``A = B = C`` gives one result per link)."""
    if isinstance(net, str):
        net = load_network(net)
    text, label = strip_label(source)
    try:
        chain = parse_chain(text, net.functions)
        if not chain.rels:
            raise InputError("no '=' or '\\equiv': nothing to check", offset=0,
                             hint="write an equation such as \\delta_j = ...")
    except InputError as exc:
        exc.at(source, None)
        return [LinkResult(source.strip(), ERROR, exc.brief(), caret=exc.caret,
                           line=exc.location.line if exc.location else 0,
                           column=exc.location.column if exc.location else 0,
                           label=label or "(1)", error=type(exc).__name__)]
    results = check_chain(net, chain)
    for r in results:
        r.label = label or "(1)"
        _place(r, source, None, 0)
    return results


def _place(r: LinkResult, text: str, file: str | None, base: int) -> None:
    """Line and column of a result: the offending token for an input error, else the equation."""
    if r.span is not None:
        loc = locate(text, base + r.span[0], file)
        r.line, r.column, r.caret = loc.line, loc.column, loc.caret(r.span[1])
    elif not r.line:
        lead = len(text[base:]) - len(text[base:].lstrip())
        loc = locate(text, base + lead, file)
        r.line, r.column = loc.line, loc.column


def check_file(path: str | Path | Derivation) -> list[LinkResult]:
    """Check every equation of a derivation file.  Raises :class:`InputError` only when the file
    cannot be read or its network declaration is broken; a broken equation is an ``error`` result."""
    deriv = path if isinstance(path, Derivation) else load(path)
    out: list[LinkResult] = []
    for eq in deriv.equations:
        out += check_derivation_equation(deriv, eq)
    return out


def check_derivation_equation(deriv: Derivation, eq: Equation) -> list[LinkResult]:
    """The results of one equation of a loaded derivation file, placed in the file."""
    if eq.error is not None or eq.chain is None:
        loc = eq.error.location if eq.error is not None else None
        return [LinkResult(eq.text.strip(), ERROR,
                           eq.error.brief() if eq.error else "unparsed", file=eq.file,
                           line=loc.line if loc else eq.line,
                           column=loc.column if loc else eq.column, label=eq.label,
                           expected=eq.expectation(1), caret=eq.error.caret if eq.error else None,
                           error=type(eq.error).__name__ if eq.error else None)]
    out = []
    for r in check_chain(deriv.network, eq.chain):
        r.file, r.line, r.column, r.label = eq.file, eq.line, eq.column, eq.label
        _place(r, deriv.text, eq.file, eq.offset)
        r.expected = eq.expectation(r.link)
        out.append(r)
    return out


@dataclass
class Report:
    """Results of checking several files, and the files that could not be checked at all."""

    results: list[LinkResult] = field(default_factory=list)
    problems: list[SymbpError] = field(default_factory=list)
    files: int = 0

    @property
    def exit_code(self) -> int:
        if self.problems or any(r.verdict == ERROR and not r.as_expected for r in self.results):
            return 2
        if any(not r.as_expected for r in self.results):
            return 1
        return 0

    def counts(self) -> dict[str, int]:
        c = Counter(r.verdict for r in self.results)
        return {v: c.get(v, 0) for v in VERDICTS}

    def summary(self) -> str:
        c = self.counts()
        unexpected = sum(not r.as_expected for r in self.results)
        files = f" in {self.files} file(s)" if self.files else ""
        parts = [f"{c[VERIFIED]} verified", f"{c[AT_SIZES]} verified at sizes only",
                 f"{c[REFUTED]} refuted", f"{c[ERROR]} error(s)"]
        tail = "all as expected" if not unexpected else f"{unexpected} NOT as expected"
        if self.problems:
            tail += f"; {len(self.problems)} file(s) could not be checked"
        return f"{len(self.results)} link(s){files}: " + ", ".join(parts) + f"; {tail}"

    def to_json(self) -> dict[str, Any]:
        return {
            "results": [r.to_json() for r in self.results],
            "summary": {**self.counts(), "links": len(self.results), "files": self.files,
                        "unexpected": sum(not r.as_expected for r in self.results),
                        "problems": [str(p) for p in self.problems], "exit_code": self.exit_code},
        }

    def _repr_latex_(self) -> str:
        """Jupyter: every link and its verdict as typeset maths (:mod:`symbp.display`)."""
        from .display import report_latex
        return report_latex(self)

    def _repr_html_(self) -> str:
        """Jupyter: a table of verdicts with diagnoses and counterexamples (:mod:`symbp.display`)."""
        from .display import report_html
        return report_html(self)


def check_paths(paths: list[Path]) -> Report:
    """Check files and folders (below a folder, every ``.tex`` file with a ``% symbp:`` line, in
    sorted order: :func:`symbp.document.derivation_files`)."""
    report = Report()
    files, empty = derivation_files(paths)
    report.problems.extend(empty)
    for f in files:
        report.files += 1
        try:
            report.results.extend(check_file(f))
        except SymbpError as exc:
            report.problems.append(exc)
        except Exception as exc:  # noqa: BLE001 - a bug must cost one file, never the run
            report.problems.append(SymbpError(f"{f}: internal error, nothing is claimed for this "
                                              f"file (a symbp bug: please report it): "
                                              f"{type(exc).__name__}: {exc}"))
    return report


@dataclass
class NetworkDerivation:
    """The mechanical derivation of a network: ``δ`` for every layer, ``∂E/∂θ`` for every
    parameter family, as LaTeX in the network's notation."""

    network: Network
    deltas: list[tuple[str, str]]
    gradients: list[tuple[str, str]]
    locals: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        lines = [self.network.summary(), "", "local derivatives:"]
        lines += [f"  {lhs} = {rhs}" for lhs, rhs in self.locals]
        lines += ["", "backpropagation (one layer at a time):"]
        lines += [f"  {lhs} = {rhs}" for lhs, rhs in self.deltas]
        lines += ["", "gradients (one term per use of a shared parameter):"]
        lines += [f"  {lhs} = {rhs}" for lhs, rhs in self.gradients]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        """Jupyter: the derivation as typeset maths (:mod:`symbp.display`)."""
        from .display import network_derivation_latex
        return network_derivation_latex(self)


def derive(net: Network) -> NetworkDerivation:
    """Derive ``δ`` and ``∂E/∂θ`` for every layer and parameter of ``net``."""
    deltas, grads, locs = [], [], []
    for c in net.families:
        if c.id not in net.definitions or net.is_alias(c.id):
            continue
        c_letters = net.letters_for(c.axes)
        for f in net.families:
            if f.id == c.id or f.id not in net.ancestors[c.id]:
                continue
            direct = c.id in net.consumers[f.id]
            one_up = any(net.is_alias(z) and f.id in net.ancestors[z] and z in net.ancestors[c.id]
                         and c.id in net.consumers[z] for z in net.consumers[f.id])
            if not (direct or (one_up and f.name == net.delta_of)):
                continue
            f_letters = net.letters_for(f.axes)  # the note's convention: ∂a_j/∂w_{ji} = z_i
            d = calculus.derivative(net, calculus.instantiate(net, c.id, tuple(F(x) for x in c_letters)),
                                    f.id, tuple(F(x) for x in f_letters),
                                    total=f.name == net.delta_of or not direct)
            lhs = (f"\\frac{{\\partial {c.name}_{{{_sub(c, c_letters)}}}}}"
                   f"{{\\partial {f.name}_{{{_sub(f, f_letters)}}}}}")
            locs.append((lhs, latex(net, d)))
    for fam in net.families:
        if net.has_delta(fam.id) and fam.id not in net.outputs and net.consumers[fam.id]:
            letters = net.letters_for(fam.axes)
            rhs = calculus.delta_definition(net, fam.id)
            names = {f"#{k}": x for k, x in enumerate(letters)}
            deltas.append((f"\\delta_{{{_sub(fam, letters)}}}", latex(net, rhs, names)))
    for fam in net.params:
        letters = net.letters_for(fam.axes)
        g = calculus.gradient(net, fam.id, tuple(F(x) for x in letters))
        lhs = f"\\frac{{\\partial {net.error_name}}}{{\\partial {fam.name}_{{{_sub(fam, letters)}}}}}"
        grads.append((lhs, latex(net, g)))
    return NetworkDerivation(net, deltas, grads, locs)


def _sub(fam: Any, letters: tuple[str, ...]) -> str:
    from .network import group_letters
    return group_letters(letters, fam.grouping)
