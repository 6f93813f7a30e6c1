"""Rich display: typeset maths and verdict tables for Jupyter, plain text for pytest.

Jupyter shows an object through its ``_repr_latex_`` (typeset maths) or ``_repr_html_`` (a
table) method.  The classes of symbp delegate those methods to the functions here, so that
:class:`~symbp.model.network.Network`, :class:`~symbp.document.Equation`,
:class:`~symbp.document.Derivation`, :class:`~symbp.checker.pipeline.LinkResult`,
:class:`~symbp.api.Report`, :class:`~symbp.api.NetworkDerivation` and the
:class:`~symbp.notebook.Formula` objects of the notebook API display as maths in the note's own
notation (the network's letters, printed by :func:`symbp.printers.nfprint.latex`), and results and
reports as a table of verdicts.

Everything that comes from the input is escaped: HTML special characters in every table cell,
and LaTeX special characters in the ``\\text{...}`` annotations (labels, verdicts).  Equations
themselves are LaTeX and are shown as such; an equation that could not be read (verdict
``error``) is shown as code, never handed to the maths renderer.

>>> from symbp import builtin, check_equation
>>> r, = check_equation(r"\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k", builtin("plain"))
>>> print(result_latex(r))
$$\\delta_{j} = h'(a_{j}) \\sum_{k} w_{kj} \\delta_{k} \\qquad \\text{(1): verified}$$
>>> "<td class=\\"symbp-verdict\\"" in result_html(r)
True
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .. import diagnoses as dx
from ..checker.report import Report
from ..checker.results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult
from ..document import Derivation, Equation
from ..model.network import Network
from ..model.normal_form import Expr, F
from ..notation import group_letters
from ..printable import register
from ..printers.nfprint import latex

if TYPE_CHECKING:  # pragma: no cover
    from ..api import NetworkDerivation

__all__ = ["counterexample_text", "derivation_latex", "equation_latex", "forward_pairs", "latex_text",
           "message_runs",
           "network_latex", "network_derivation_latex", "report_html", "report_latex", "result_html",
           "result_latex", "result_text"]

#: colours of the verdict cells (background, text), readable on light and dark themes
_COLOURS = {VERIFIED: ("#d9f2d9", "#0b4f0b"), AT_SIZES: ("#fff1c2", "#5c4400"),
            REFUTED: ("#f8d4d4", "#7a0c0c"), ERROR: ("#e4e4e4", "#333333")}
_TEXT_UNSAFE = re.compile(r"[\\{}$%#&^_~]")


# ----------------------------------------------------------------------------------------------
# LaTeX


def latex_text(s: str) -> str:
    """``s`` made safe inside ``\\text{...}``: LaTeX's special characters are dropped, so a label
    such as ``(5.53)`` or ``①`` stays as written and a stray ``}`` cannot break the maths.

    >>> latex_text("① (intended)"), latex_text("a}b{$c\\\\")
    ('① (intended)', 'abc')
    """
    return _TEXT_UNSAFE.sub("", s).replace("\n", " ")


def _math(body: str) -> str:
    return f"$${body}$$"


def forward_pairs(net: Network) -> list[tuple[str, str]]:
    """The forward pass as (left, right) LaTeX pairs, printed by :func:`symbp.printers.nfprint.latex`
    in the network's letters.

    >>> from symbp import builtin
    >>> forward_pairs(builtin("plain"))[0]
    ('a_{j}', '\\\\sum_{i} w_{ji} z_{i}')
    """
    out = []
    for fid, d in net.definitions.items():
        fam = net.families[fid]
        names = {f"#{k}": x for k, x in enumerate(fam.letters)}
        lhs = Expr.atom(("ref", fid, tuple(F(f"#{k}") for k in range(len(fam.axes)))))
        out.append((latex(net, lhs, names), latex(net, d, names)))
    return out


def _ranges(net: Network) -> str:
    parts = []
    for r in net.sizes:
        letters = sorted(k for k, v in net.ranges.items() if v == r)
        parts.append(f"{', '.join(letters)} = 1, \\dots, {r}")
    for m, units in net.composites.items():
        parts.append(f"{m} \\text{{ runs over the units }} {group_letters(units, (len(units),))}")
    return ";\\ ".join(parts)


def _shared_over(net: Network, fam_id: int) -> list[str]:
    """The ranges over which a parameter family is reused: the indices of its consumers that it
    lacks (``w_{ji}`` in ``a_{j_l} = \\sum_i w_{ji} z_{i_l}``: ``L``)."""
    out: list[str] = []
    for c in net.consumers.get(fam_id, []):
        for r in net.families[c].axes:
            if r not in net.families[fam_id].axes and r not in out:
                out.append(r)
    return out


def network_latex(net: Network) -> str:
    """The network as typeset maths: its forward pass, its index ranges, its shared weights.

    >>> from symbp import builtin
    >>> print(network_latex(builtin("plain")))
    $$\\begin{aligned}
    a_{j} &= \\sum_{i} w_{ji} z_{i} \\\\
    z_{j} &= h(a_{j}) \\\\
    a_{k} &= \\sum_{j} w_{kj} z_{j} \\\\
    & i = 1, \\dots, I;\\ j = 1, \\dots, J;\\ k = 1, \\dots, K
    \\end{aligned}$$
    """
    rows = [f"{lhs} &= {rhs}" for lhs, rhs in forward_pairs(net)]
    rows.append(f"& {_ranges(net)}")
    for fam in net.params:
        over = _shared_over(net, fam.id)
        if over:
            letters = ", ".join(net.range_letter.get(r, r) for r in over)
            rows.append(f"& {fam.show()} \\text{{ is shared over }} {letters}")
    if net.activations:
        rows.append("& " + ",\\ ".join(f"{k} = \\text{{{latex_text(v)}}}" for k, v in
                                       sorted(net.activations.items())))
    if net.error_kind:
        rows.append(f"& {net.error_name} \\text{{: {latex_text(net.error_kind)}}}")
    return _math("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")


def _squash(text: str) -> str:
    return " ".join(text.split())


def equation_latex(eq: Equation) -> str:
    """One equation of a derivation file as the file writes it, with its label (and its
    expectation, if the file states one)."""
    note = latex_text(eq.label)
    if eq.expected:
        note += ": expected " + latex_text(" ".join(eq.expected))
    if eq.error is not None:
        return _math(f"\\text{{{note}: cannot be read: {latex_text(eq.error.brief())}}}")
    return _math(f"{_squash(eq.text)} \\qquad \\text{{{note}}}")


def derivation_latex(deriv: Derivation) -> str:
    """Every equation of a derivation file, one per line, with labels."""
    rows = []
    for eq in deriv.equations:
        note = latex_text(eq.label)
        if eq.error is not None:
            rows.append(f"& \\text{{{note}: cannot be read}}")
        else:
            rows.append(f"& {_squash(eq.text)} && \\text{{{note}}}")
    if not rows:
        rows = ["& \\text{no equations}"]
    return _math("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")


def _verdict_note(r: LinkResult) -> str:
    link = f" link {r.link}/{r.links}" if r.links > 1 else ""
    note = f"{r.label or ''}{link}: {r.verdict}"
    if r.expected is not None or not r.as_expected:
        note += " (as expected)" if r.as_expected else (
            f" (expected {' '.join(filter(None, (r.expected, r.expected_code)))})" if r.expected
            else " (UNEXPECTED)")
    return latex_text(note.strip())


def result_latex(r: LinkResult) -> str | None:
    """A result as typeset maths: the link and its verdict.  ``None`` for an ``error`` result
    (its text may not be LaTeX that renders; Jupyter then shows the HTML table)."""
    if r.verdict == ERROR:
        return None
    return _math(f"{r.latex} \\qquad \\text{{{_verdict_note(r)}}}")


def report_latex(report: Report) -> str:
    """Every result of a report, one per line, with its verdict."""
    rows = []
    for r in report.results:
        if r.verdict == ERROR:
            rows.append(f"& \\text{{{_verdict_note(r)}}}")
        else:
            rows.append(f"& {r.latex} && \\text{{{_verdict_note(r)}}}")
    rows.append(f"& \\text{{{latex_text(report.summary())}}}")
    return _math("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")


def network_derivation_latex(d: NetworkDerivation) -> str:
    """The mechanical derivation of a network: local derivatives, ``δ`` of every layer,
    ``∂E/∂θ`` of every parameter family."""
    rows = []
    for title, pairs in (("local derivatives", d.locals), ("backpropagation", d.deltas),
                         ("gradients", d.gradients)):
        if pairs:
            rows.append(f"& \\text{{{title}:}}")
            rows += [f"{lhs} &= {rhs}" for lhs, rhs in pairs]
    return _math("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")


# ----------------------------------------------------------------------------------------------
# HTML


def _esc(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _maths_cell(tex: str) -> str:
    # \( ... \) is typeset by Jupyter's MathJax; the text is escaped, which MathJax reads back
    return f"<td class=\"symbp-maths\"{_LEFT}>\\({_esc(tex)}\\)</td>"


def _text(s: str) -> str:
    # plain prose that may contain $ or LaTeX fragments: keep MathJax (2 and 3) away from it
    return f"<span class=\"tex2jax_ignore mathjax_ignore\">{_esc(s)}</span>"


def _message(r: LinkResult) -> str:
    """A result's message from its diagnoses: the maths they mark typeset by MathJax, the prose
    kept away from it.  An input error's message is prose; another message without diagnoses
    (``holds for all sizes: both sides reduce to ...``) has its LaTeX found by :func:`message_runs`."""
    if not r.diagnoses:
        return _text(r.message) if r.verdict == ERROR else _typeset(r.message)
    out, prose = [], ""
    for p in dx.parts_of(r.diagnoses):
        if isinstance(p, dx.Math):
            out += [_text(prose)] if prose else []
            out.append(_maths_inline(str(p)))
            prose = ""
        else:
            prose += p
    return "".join(out + ([_text(prose)] if prose else []))


#: a word of a message that is LaTeX: it holds a command, a subscript, a superscript or a brace
_TEX_WORD = re.compile(r"[\\_^{}]")
_OPERATOR = frozenset({"=", "+", "-", "\\cdot", "\\times", "\\equiv"})
_TRAILING = ".,;:?!"


def _balanced(s: str) -> bool:
    depth = 0
    for c in s:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def message_runs(message: str) -> list[tuple[bool, str]]:
    """A diagnosis cut into prose and maths: ``(is_maths, text)`` runs, the maths being the words
    that are LaTeX (a command, ``_``, ``^`` or a brace), with the operators and the words inside
    braces between them, and no trailing punctuation.  Prose words are never read as maths, so a
    letter of the prose (``l is free``) stays prose.

    >>> [t for maths, t in message_runs(r"did you mean \\sum_l instead of \\sum_k? with it") if maths]
    ['\\\\sum_l', '\\\\sum_k']
    >>> message_runs(r"symbp derives \\frac{\\partial E}{\\partial w_{ji}} = \\delta_j z_i")[1]
    (True, '\\\\frac{\\\\partial E}{\\\\partial w_{ji}} = \\\\delta_j z_i')
    """
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", message)]
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(words):
        if not _TEX_WORD.search(words[k][2]):
            k += 1
            continue
        end, depth = k, 0
        while end < len(words):
            w = words[end][2]
            nxt = words[end + 1][2] if end + 1 < len(words) else ""
            if not (depth > 0 or _TEX_WORD.search(w) or (w in _OPERATOR and _TEX_WORD.search(nxt))):
                break
            depth += w.count("{") - w.count("}")
            end += 1
        a, b = words[k][0], words[end - 1][1]
        while b > a and message[b - 1] in _TRAILING:
            b -= 1
        if _balanced(message[a:b]):
            spans.append((a, b))
        k = end
    runs: list[tuple[bool, str]] = []
    pos = 0
    for a, b in spans:
        if a > pos:
            runs.append((False, message[pos:a]))
        runs.append((True, message[a:b]))
        pos = b
    if pos < len(message):
        runs.append((False, message[pos:]))
    return runs


def _typeset(message: str) -> str:
    """A diagnosis as HTML: prose escaped and kept from MathJax, the LaTeX in it typeset."""
    return "".join(_maths_inline(t) if maths else _text(t) for maths, t in message_runs(message))


def _maths_inline(tex: str) -> str:
    return f"\\({_esc(tex)}\\)"


def _where(r: LinkResult) -> str:
    return f"{_relative(r.file) if r.file else '<input>'}:{r.line}:{r.column}"


def _relative(file: str) -> str:
    """A file as the reader would name it: relative to the working folder when absolute."""
    import os

    if not os.path.isabs(file):
        return file
    try:
        return os.path.relpath(file)
    except ValueError:  # another drive (Windows)
        return file


def _row(r: LinkResult) -> str:
    bg, fg = _COLOURS.get(r.verdict, _COLOURS[ERROR])
    link = f" {r.link}/{r.links}" if r.links > 1 else ""
    if r.expected is not None:
        expected = " ".join(filter(None, (r.expected, r.expected_code)))
        exp = "as expected" if r.as_expected else f"NOT as expected (the file expects {expected})"
    else:
        exp = "" if r.as_expected else "NOT as expected (the equation should hold)"
    verdict = _esc(r.verdict) + (f"<br><small>{_esc(exp)}</small>" if exp else "")
    details = [_message(r)]
    if r.caret:
        details.append(f"<pre class=\"tex2jax_ignore mathjax_ignore\">{_esc(r.caret)}</pre>")
    if r.suggestion:
        details.append(f"suggested: \\({_esc(r.suggestion)}\\)")
    if r.counterexample:
        details.append(_text("counterexample: " + counterexample_text(r.counterexample)))
    eq = (f"<td class=\"symbp-maths\"{_LEFT}><code class=\"tex2jax_ignore mathjax_ignore\">{_esc(r.latex)}"
          "</code></td>") if r.verdict == ERROR else _maths_cell(r.latex)
    mark = "" if r.as_expected else " symbp-unexpected"
    return (f"<tr class=\"symbp-row{mark}\"><td{_LEFT}>{_text(_where(r))}</td>"
            f"<td{_LEFT}>{_text((r.label or '') + link)}</td>{eq}"
            f"<td class=\"symbp-verdict\" style=\"text-align:left;background:{bg};color:{fg}\">{verdict}</td>"
            f"<td{_LEFT}>{'<br>'.join(details)}</td></tr>")


#: Jupyter's stylesheets right-align table cells; a verdict table reads from the left
_LEFT = " style=\"text-align:left;vertical-align:top\""
_HEAD = (f"<thead><tr><th{_LEFT}>where</th><th{_LEFT}>label</th><th{_LEFT}>equation</th>"
         f"<th{_LEFT}>verdict</th><th{_LEFT}>details</th></tr></thead>")


def _table(results: Iterable[LinkResult], caption: str | None = None) -> str:
    cap = f"<caption style=\"text-align:left\">{_text(caption)}</caption>" if caption else ""
    rows = "".join(_row(r) for r in results)
    return f"<table class=\"symbp-results\">{cap}{_HEAD}<tbody>{rows}</tbody></table>"


def result_html(r: LinkResult) -> str:
    """One result as a one-row table: where, label, equation, verdict, details."""
    return _table([r])


def report_html(report: Report) -> str:
    """A report as a table of verdicts, with the summary as its caption and the files that could
    not be checked above it."""
    problems = "".join(f"<pre class=\"symbp-problem tex2jax_ignore mathjax_ignore\">{_esc(p)}</pre>"
                       for p in report.problems)
    return f"<div class=\"symbp-report\">{problems}{_table(report.results, report.summary())}</div>"


# ----------------------------------------------------------------------------------------------
# plain text


def counterexample_text(cx: dict[str, Any]) -> str:
    """A counterexample in one line: sizes, where, the two values, the functions used.

    >>> counterexample_text({"sizes": {"J": 2}, "index": {"j": 1}, "lhs": 0.5, "rhs": 0.25,
    ...                      "h": "\\\\sigma = tanh", "E": "C = 1/2 sum (y - t)^2", "seed": 0})
    'sizes J=2; at j=1: left 0.5, right 0.25 (\\\\sigma = tanh; C = 1/2 sum (y - t)^2; random seed 0)'
    """
    sizes = ", ".join(f"{k}={v}" for k, v in cx.get("sizes", {}).items())
    idx = ", ".join(f"{k}=" + (f"({', '.join(f'{a}={b}' for a, b in v.items())})"
                               if isinstance(v, dict) else str(v)) for k, v in cx.get("index", {}).items())
    if cx.get("entry"):  # a vector claim's: the entry of its left side as written
        idx = entry_text(cx["entry"])
    lhs, rhs = (f"{v:.6g}" if isinstance(v, float) else str(v) for v in (cx.get("lhs"), cx.get("rhs")))
    return (f"sizes {sizes}; at {idx or 'the scalar'}: left {lhs}, right {rhs} "
            f"({_setting('h', cx.get('h'))}; {_setting('E', cx.get('E'))}; random seed {cx.get('seed')})")


def _setting(key: str, value: object) -> str:
    """A function a counterexample ran: as given where it names its letter (``\\sigma = tanh``,
    ``C = 1/2 sum (y - t)^2``), else under its key (``h: an arbitrary function ...``)."""
    text = str(value)
    return text if " = " in text.partition(":")[0] else f"{key}: {text}"


def entry_text(entry: dict[str, Any], math: Callable[[str], str] = str) -> str:
    """Where a counterexample of a vector claim stands, in its notation (``math`` typesets the
    left side).

    >>> entry_text({"of": "d W^{[2]}", "kind": "matrix", "at": [4, 1]})
    'row 4, column 1 of d W^{[2]}'
    >>> entry_text({"of": "a^{(1)}", "kind": "vector", "at": [2]}, lambda s: f"${s}$")
    'entry 2 of $a^{(1)}$'
    >>> entry_text({"of": "d W^{[1]}", "kind": "matrix", "at": [3, 2], "where": "L = 2, l = 1"})
    'row 3, column 2 of d W^{[1]} at L = 2, l = 1'
    """
    of, at = math(entry["of"]), entry["at"]
    where = entry.get("where") or ""  # a generic claim's layer: L = 2, l = 1
    where = f" at {', '.join(math(x) for x in where.split(', '))}" if where else ""
    if entry["kind"] == "matrix":
        return f"row {at[0]}, column {at[1]} of {of}{where}"
    if entry["kind"] == "row vector":
        return f"column {at[0]} of {of}{where}"
    if entry["kind"] == "vector":
        return f"entry {at[0]} of {of}{where}"
    return of + where


def _expectation(r: LinkResult) -> str:
    if r.expected is not None:
        return f"{r.expected} {r.expected_code}" if r.expected_code else r.expected
    return f"to hold ({VERIFIED} or {AT_SIZES})"


def result_text(r: LinkResult, lines: Sequence[str] = ()) -> str:
    """A result as an assertion message: where, what was expected and what was found, the
    equation, the diagnosis, the suggestion, the counterexample.

    >>> from symbp import builtin, check_equation
    >>> r, = check_equation(r"\\delta_j = \\sum_k w_{kj} \\delta_k", builtin("plain"))
    >>> print(result_text(r).splitlines()[0])
    <input>:1:1 (1): refuted, expected to hold (verified or verified-at-sizes)
    """
    link = f" link {r.link}/{r.links}" if r.links > 1 else ""
    found = f"{r.verdict} {r.code}" if r.expected_code and r.code else r.verdict
    out = [f"{_where(r)} {r.label or ''}{link}: {found}, expected {_expectation(r)}",
           f"    {r.latex}", f"  {'input error' if r.verdict == ERROR else 'diagnosis'}: {r.message}"]
    if r.caret:
        out.append(r.caret)
    if r.suggestion:
        out.append(f"  suggested: {r.suggestion}")
    if r.derived and r.derived not in r.message and r.verdict in (REFUTED, ERROR):
        out.append(f"  symbp derives: {r.derived}")
    if r.counterexample:
        out.append(f"  counterexample: {counterexample_text(r.counterexample)}")
    if r.sizes and r.verdict == AT_SIZES:
        out.append("  sizes tried: " + "; ".join(", ".join(f"{k}={v}" for k, v in p.items())
                                                 for p in r.sizes))
    out.extend(lines)
    return "\n".join(out)


register(Network, latex=network_latex)
register(LinkResult, latex=result_latex, html=result_html)
register(Equation, latex=equation_latex)
register(Derivation, latex=derivation_latex)
register(Report, latex=report_latex, html=report_html)
