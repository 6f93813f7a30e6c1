"""Proofs: what symbp checked, as a standalone LaTeX document that ``pdflatex`` compiles.

For every link ``A = B`` of an equation, :func:`prove_link` builds a :class:`Proof`: the claim as
written, then each side reduced step by step in the note's own notation, each step with its
justification (the chain rule over the uses of a quantity, the definition of ``δ``, a forward
equation, a Kronecker delta collapsing a sum, ``δ`` one layer down), then the conclusion: how far
the equation was shown (all sizes, or the sizes tried) or, for a refuted one, the diagnosis, the
counterexample with its numbers and the equation symbp derives.

Every formula is printed by :class:`~symbp.printers.sympy_latex.LatexPrinter` from SymPy objects, and every
step is *checked* before it is shown: its LaTeX, read back by symbp's own parser, must have the
same normal form as the side it rewrites (a step that fails this is left out and
:attr:`SideProof.dropped` counts it).

>>> from symbp import builtin
>>> from symbp.latex.parser import parse_chain
>>> net = builtin("shared")
>>> chain = parse_chain(r"\\frac{\\partial E}{\\partial w_{ji}} = \\sum_l \\delta_{j_l} z_{i_l}")
>>> p = prove_chain(net, chain)[0]
>>> p.result.verdict
'verified'
>>> print(p.sides[0].steps[1].latex)
\\sum_{l} \\delta_{j_l} \\frac{\\partial a_{j_l}}{\\partial w_{ji}}
>>> print(p.sides[0].steps[1].why)
definition of $\\delta$: $\\delta_{x} \\equiv \\partial E/\\partial a_{x}$
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy as sp

from .. import catalogue
from .. import diagnoses as dx
from ..checker.files import family_shapes
from ..checker.pipeline import check_chain, unit_zero_letters
from ..checker.results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult
from ..document import Derivation, label_key
from ..engine import calculus
from ..engine.semantics import Interpreter, free_letters, infer_letters
from ..engine.vector import Read, needs_translation, to_vectors, translate
from ..errors import InputError, NotationError, SymbpError
from ..latex.ast import Add, Call, Chain, Deriv, Div, Kron, Mul, Neg, Node, Num, Pow, RangeCond, SumOp, Sym
from ..latex.parser import parse_chain, parse_expression
from ..latex.unparse import unparse
from ..limits import budget
from ..model.factors import Fn, Kd, Ref, view
from ..model.network import Network, components
from ..model.normal_form import Expr, F, factor_indices
from ..notation import GREEK, group_letters, latex_name
from ..printers.nfprint import free_letter
from ..printers.sympy_latex import LatexPrinter
from ..printers.sympy_views import apply, idx, indexed, to_sympy
from .display import entry_text

__all__ = ["DETAILS", "Proof", "ProofDocument", "SideProof", "Step", "compact_document", "document",
           "prove_chain", "prove_derivation", "prove_file", "prove_link", "short_why"]

#: seconds allowed for the steps of one link (on top of the check itself)
PROOF_SECONDS = 5.0


@dataclass
class Step:
    """One line ``= latex`` of a reduction, with its justification (LaTeX, text mode)."""

    latex: str
    why: str


@dataclass
class SideProof:
    """One side of a link, as written, then reduced step by step."""

    written: str
    steps: list[Step] = field(default_factory=list)
    dropped: int = 0


@dataclass
class Proof:
    """The proof of one link: the claim, the reductions of both sides, the check's result."""

    claim: str
    result: LinkResult
    sides: list[SideProof] = field(default_factory=list)
    joint: list[tuple[Step, Step]] = field(default_factory=list)
    note: str = ""
    dropped: int = 0
    #: the instances at the unit 0 (``i = 0``: ``x_0 = 1``, ``w_{j0}``) the check ran apart, each
    #: with its own steps: the case split of a link free in a letter over ``0..D``
    cases: list[tuple[str, Proof]] = field(default_factory=list)
    #: an algorithm's claim with its assignments substituted (Goodfellow's ``g``), in vector notation
    #: (LaTeX; '' for any other claim): what its chain with vectors is checked against
    substituted: str = ""
    #: a generic claim written with vectors (a layer ``l``): its chain with vectors, checked at the
    #: window, in the claim's notation: the left side, then ``(formula, reason)`` per step
    vector_chain: tuple[str, list[tuple[str, str]]] | None = None

    @property
    def formulas(self) -> list[str]:
        """Every formula of the proof (for the round-trip test)."""
        out = []
        for s in self.sides:
            out.append(s.written)
            out += [st.latex for st in s.steps]
        for a, b in self.joint:
            out += [a.latex, b.latex]
        for _, case in self.cases:
            out += case.formulas
        return out


# ----------------------------------------------------------------------------------------------
# building proofs


def prove_chain(net: Network, chain: Chain) -> list[Proof]:
    """Check every link of ``chain`` and prove what was checked."""
    results = check_chain(net, chain)
    letters, _ = infer_letters(net, chain)
    out = []
    for k, r in enumerate(results):
        out.append(prove_link(net, letters, chain.sides[k], chain.sides[k + 1], r))
    return out


def prove_derivation(deriv: Derivation, label: str | None = None) -> list[Proof]:
    """Proofs of every equation of a derivation file (or only those labelled ``label``)."""
    from ..checker.files import check_derivation_equation

    proofs = []
    for eq in deriv.equations:
        if label is not None and eq.label != label:
            continue
        results = check_derivation_equation(deriv, eq)
        if eq.chain is None or eq.error is not None:
            proofs += [Proof(r.latex, r) for r in results]
            continue
        if deriv.generic is not None:  # a layer l: the steps at the unrolled instance that stands for it
            proofs += _generic_proofs(deriv, eq.chain, results)
            continue
        letters, _ = infer_letters(deriv.network, eq.chain)
        substituted = ""
        if eq.vector is not None and eq.written is not None and eq.vector is not eq.written:
            substituted = " = ".join(unparse(x) for x in eq.vector.sides) if len(eq.vector.sides) == 2 else ""
        for r in results:
            k = r.link - 1
            proofs.append(prove_link(deriv.network, letters, eq.chain.sides[k], eq.chain.sides[k + 1], r))
            proofs[-1].substituted = substituted
    return proofs


def _generic_proofs(deriv: Derivation, chain: Chain, results: list[LinkResult]) -> list[Proof]:
    """Proofs of a claim about a generic layer (step): each link's steps at the unrolled instance
    :func:`symbp.checker.generic.proof_instance` picks, under the claim as written and its verdict."""
    from ..checker.generic import claim_brackets, generic_fits, generic_text, proof_instance

    picked = proof_instance(deriv.generic, chain)  # type: ignore[arg-type]
    if picked is None:
        return [Proof(r.latex, r) for r in results]
    net, inst, sentence = picked
    at = written = inst.chain
    if needs_translation(at, net.shapes or family_shapes(net)):  # vector notation: its index form
        net.shapes = net.shapes or family_shapes(net)
        try:
            read = translate(at, net.shapes, net.layout, net.range_letter, net.conventions)
        except SymbpError:
            read = None
        if not isinstance(read, Read):
            return [Proof(r.latex, r) for r in results]
        at = read
    letters, _ = infer_letters(net, at)
    concrete = check_chain(net, at)
    out = []
    for r in results:
        k = r.link - 1
        out.append(prove_link(net, letters, at.sides[k], at.sides[k + 1], concrete[k]))
    vectors: dict[int, tuple[str, list[_Row]]] = {}  # each link's chain with vectors (all, or none)
    if at is not written and results and all(r.verdict == VERIFIED for r in results):
        for r in results:
            k = r.link - 1
            got = _vector_rows(out[k], _Compact(net), net, "", unparse(written.sides[k]) + " = "
                               + unparse(written.sides[k + 1]), 2 if len(results) == 1 else 1,
                               None if len(results) == 1 else (at.scale[1] if at.scale is not None else 0))
            if got is None:
                vectors = {}
                break
            vectors[k] = got
    texts = [t for p in out for t in p.formulas + [st.why for side in p.sides for st in side.steps]
             + [st.why for pair in p.joint for st in pair]]
    texts += [t for first, rows in vectors.values()
              for t in [first] + [x for row in rows for x in (row.latex, row.why)]]
    if inst.shown_as and generic_fits(inst, texts):  # the window, in the claim's notation (a^{t+1}, w^{l+1})
        sentence = inst.generic_sentence or sentence
        if vectors:  # in the claim's brackets too (Ng's W^{[l+1]T}), each link ending at its side as written
            lhs = results[0].latex.partition(" = ")[0]
            steps: list[tuple[str, str]] = []
            for k, (_, rows) in sorted(vectors.items()):
                part = [(claim_brackets(deriv.generic, chain, generic_text(inst, row.latex)),  # type: ignore[arg-type]
                         generic_text(inst, row.why)) for row in rows]
                part[-1] = (results[k].latex.partition(" = ")[2], part[-1][1])
                steps += part
            steps = _distinct(lhs, steps)
            if len(vectors) == 1 and len(steps) == 1:  # the claim restated (Ng's dZ^{[l]})
                steps = _prefixed(deriv, net.conventions, lhs, steps)
            if len(vectors) == 1 or (len(steps) > len(vectors)  # not only the links restated
                                     and _verified_generic(deriv, [lhs] + [t for t, _ in steps])):
                out[0].vector_chain = (lhs, steps)  # several links: the whole chain checked again as written
        for proof in out:
            def back(st: Step) -> Step:
                return Step(generic_text(inst, st.latex), generic_text(inst, st.why))

            for side in proof.sides:
                side.written = generic_text(inst, side.written)
                side.steps = [back(st) for st in side.steps]
            proof.joint = [(back(a), back(b)) for a, b in proof.joint]
    for r, proof in zip(results, out):
        k = r.link - 1
        proof.claim, proof.result = r.latex, r
        if k == 0:  # the reach of the verdict, then where the steps stand (once per equation)
            head = r.message.split(":", 1)[0] if r.verdict in (VERIFIED, AT_SIZES) else ""
            said = f"{head[0].upper()}{head[1:]}. {sentence}" if head else sentence
            proof.note = f"{said}. {proof.note}".strip() if proof.note else said
    return out


def _distinct(first: str, steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A chain's steps with each step that writes what the one before it wrote (the same vector
    text in the claim's notation) merged into it, the reasons joined."""
    out: list[tuple[str, str]] = []
    last = first
    for text, why in steps:
        if text == last and out:
            out[-1] = (text, _joined([out[-1][1], why]))
        elif text != last:
            out.append((text, why))
        last = text
    return out


def _prefixed(deriv: Derivation, conv: dict[str, str], lhs: str,
              steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    r"""A generic claim's chain with vectors that only restates the claim, under a file's prefix
    (``% symbp: prefix d = \partial J``: Ng's ``d Z^{[l]} = W^{[l+1]T} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})``):
    the gradient its left side stands for put first (``m \frac{\partial J}{\partial Z^{[l]}}``
    for a matrix with the examples in its columns, ``\frac{\partial J}{\partial W^{[l]}}`` for a
    parameter), where that chain, checked as a claim of the file, is verified for every layer of
    every depth (the reading whose chain verifies is the one shown); ``conv`` the file's
    conventions; ``steps`` as they were otherwise."""
    tpl = deriv.generic
    prefix, of, size = conv.get("prefix"), conv.get("of"), conv.get("size")
    m = re.fullmatch(r"([A-Za-z]) ([A-Za-z])(\^\{[^{}]*\})", lhs)
    if tpl is None or not (prefix and of and m and m.group(1) == prefix):
        return steps
    grad = f"\\frac{{\\partial {of}}}{{\\partial {m.group(2)}{m.group(3)}}}"
    for text, why in ((f"{size} {grad}", f"the prefix ${prefix}$: ${size}$ times the gradient of ${of}$ "
                       "(a matrix with the examples in its columns)") if size else (None, None),
                      (grad, f"the prefix ${prefix}$: the gradient of ${of}$")):
        if text is None:
            continue
        if _verified_generic(deriv, [lhs, text] + [t for t, _ in steps]):
            return [(text, why), *steps]
    return steps


def _verified_generic(deriv: Derivation, texts: list[str]) -> bool:
    """Is the chain ``texts[0] = texts[1] = ...``, checked as a claim of ``deriv``'s generic file,
    verified (each link, for every layer of every depth)?"""
    from ..checker.files import check_unrolled
    from ..checker.generic import check_generic

    if deriv.generic is None:
        return False
    try:
        results = check_generic(deriv.generic, deriv.generic.parse(" = ".join(texts)), check_unrolled)
    except SymbpError:
        return False
    return bool(results) and all(r.verdict == VERIFIED for r in results)


def prove_link(net: Network, letters: dict[str, tuple[str, ...]], lhs: Node, rhs: Node,
               result: LinkResult) -> Proof:
    """The proof of ``lhs = rhs`` given the check's ``result`` (steps only where they can be
    interpreted: a side with an index slip is shown as written)."""
    proof = Proof(result.latex, result)
    if result.verdict == ERROR:
        return proof
    try:
        with budget(PROOF_SECONDS):
            _Prover(net, letters, lhs, rhs).run(proof)
            if result.verdict in (VERIFIED, AT_SIZES):
                proof.cases = _unit_zero_cases(net, letters, lhs, rhs, result)
    except SymbpError as exc:
        # one sentence: the message and its hint, no caret lines (str(exc) has them, on new lines)
        why = exc.brief() if isinstance(exc, InputError) else str(exc)
        proof.note = f"the steps could not be shown: {why}"
    except RecursionError:
        proof.note = "the steps could not be shown: expression nested too deeply"
    except Exception as exc:  # noqa: BLE001 - the proof's steps are extra; the verdict stands
        proof.sides, proof.joint = [], []
        proof.note = f"the steps could not be shown (a symbp bug: please report it): {type(exc).__name__}"
    return proof


def _unit_zero_cases(net: Network, letters: dict[str, tuple[str, ...]], lhs: Node, rhs: Node,
                     result: LinkResult) -> list[tuple[str, Proof]]:
    """The link at the unit 0 of each free letter over ``0..D`` (and of each combination of them),
    as the check ran it: ``\\frac{\\partial E}{\\partial w_{j0}} = \\delta_j x_0``, its own steps."""
    import itertools

    from ..engine.semantics import unit_zero
    zero = unit_zero_letters(net, letters, lhs, rhs)
    out = []
    for n in range(1, len(zero) + 1):
        for chosen in itertools.combinations(zero, n):
            a, b = lhs, rhs
            for x in chosen:
                a, b = unit_zero(a, x), unit_zero(b, x)
            case = Proof(f"{unparse(a)} = {unparse(b)}", result)
            _Prover(net, letters, a, b).run(case)
            out.append((", ".join(f"{latex_name(x)} = 0" for x in chosen), case))
    return out


def _pinned(net: Network, text: str) -> list[str]:
    """The units the forward pass pins to a number (``x_{0} = 1``) that ``text`` writes."""
    out = []
    for (name, units, _), value in sorted(net.constants.items(), key=str):
        unit = f"{latex_name(name)}_{{{''.join(str(u) for u in units)}}}"
        if unit in text:
            out.append(f"{unit} = {value}")
    return out


def _units_zero(net: Network, pinned: list[str]) -> str:
    """``$x_{0} = 1$, $z_{0} = 1$ (the units 0: a sum over $i$, $j$ runs from 0, ...)``."""
    letters = ", ".join(f"${latex_name(x)}$" for x, r in sorted(net.ranges.items()) if r in net.zero_ranges)
    return (", ".join(f"${u}$" for u in pinned) + f" (the units 0: a sum over {letters} runs from 0, and a "
            "claim free in one holds at its unit 0 too, where its quantities have one)")


def _unit_zero_text(where: str, pinned: list[str]) -> str:
    """``... at the unit 0, $i = 0$ (where $x_{0} = 1$):``, the sentence before a case's chain."""
    return (f"The steps above are for the units from 1; at the unit 0, ${where}$"
            + (f" (where {', '.join(f'${u}$' for u in pinned)})" if pinned else "") + ":")


class _Prover:
    def __init__(self, net: Network, letters: dict[str, tuple[str, ...]], lhs: Node, rhs: Node) -> None:
        self.net, self.letters, self.lhs, self.rhs = net, letters, lhs, rhs
        self.printer = LatexPrinter(net)
        self.interp = Interpreter(net, letters)
        free: dict[str, None] = {}  # in the order of first use (a set's order changed with the hash seed)
        for side in (lhs, rhs):
            free.update(dict.fromkeys(free_letters(side, net, [])))
        self.env = {x: components(x, letters.get(x) or net.letter_ranges(x) or ()) for x in free}
        self.names = {name: x if len(self.env[x]) == 1 else free_letter(net, name)
                      for x in self.env for name in self.env[x]}

    # -- the two sides
    def run(self, proof: Proof) -> None:
        all_names = self.names
        free = [set(free_letters(n, self.net, [])) for n in (self.lhs, self.rhs)]
        self.values = []
        for node, mine in zip((self.lhs, self.rhs), free):
            self.side_letters = node.index_letters()
            self.names = {n: all_names[n] for x in mine for n in self.env[x]}
            value = self.interp.expression(node, self.env)
            self.values.append(value)
            side = SideProof(unparse(node))
            self._reduce(node, value, side)
            proof.sides.append(side)
        self.names = all_names
        if free[0] == free[1] or not free[0] or not free[1]:
            self._joint(*self.values, proof)

    def _reduce(self, node: Node, value: Expr, out: SideProof) -> None:
        derivs = [n for n in node.walk() if isinstance(n, Deriv)]
        last = out.written
        if derivs:
            stages = self._derivative_stages(node)
            for expr, why in stages:
                text = self.printer.doprint(_drop_ones(expr))  # never "\delta_{k} 1"
                if text != last:  # a stage without a rule only respells (bounds, \theta_h' as \theta')
                    last = self._add(out, text, why or "the same formula, in symbp's notation", value)
        text = self.printer.doprint(value, self.names)
        if text != last:
            self._add(out, text, self._normal_form_why(last, text), value)

    def _normal_form_why(self, before: str, after: str) -> str:
        """What the normal form changed: summation indices renamed, terms collected, reordered."""
        parts = []
        try:
            a, b = (parse_expression(x, self.net.functions) for x in (before, after))
        except SymbpError:
            return "normal form"
        sa = [n.index for n in a.walk() if isinstance(n, SumOp)]
        sb = [n.index for n in b.walk() if isinstance(n, SumOp)]
        gone, new = sorted(set(sa) - set(sb)), sorted(set(sb) - set(sa))
        conds = any(isinstance(n, RangeCond) for side in (a, b) for n in side.walk())
        if len(sa) == len(sb) and gone and len(gone) == len(new) and conds:
            # \sum_j w_{i-j+1} [1 \le i-j+1 \le M] = \sum_m w_m [1 \le i-m+1 \le J]: m = i-j+1
            parts.append("the sum re-indexed (" + ", ".join(f"${x}$ to ${y}$" for x, y in zip(gone, new))
                         + "): a one-to-one change of variable, the range conditions carried over")
        elif len(sa) == len(sb) and gone and len(gone) == len(new):
            parts.append("summation " + ("index" if len(gone) == 1 else "indices") + " renamed: "
                         + ", ".join(f"${x}$ to ${y}$" for x, y in zip(gone, new)))
        elif sorted(sa) == sorted(sb) and sa != sb:
            parts.append("sums taken in another order")
        if len(sb) < len(sa):
            parts.append("a sum whose summand does not depend on its index becomes a factor (its size)"
                         if any(isinstance(n, Sym) and not n.groups and n.name in self.net.range_letter
                                for n in b.walk()) else "sums collapsed by Kronecker deltas")
        if any(isinstance(n, Kron) for n in a.walk()) and not any(isinstance(n, Kron) for n in b.walk()):
            parts.append("Kronecker deltas contracted")
        na = len(a.terms) if isinstance(a, Add) else 1
        nb = len(b.terms) if isinstance(b, Add) else 1
        if nb < na:
            parts.append("like terms collected")
        elif nb > na:
            parts.append("products multiplied out")
        parts.append("terms and factors in a standard order" if nb > 1 else "factors in a standard order")
        return "normal form: " + "; ".join(parts)

    def _reads_back(self, text: str, value: Expr) -> bool:
        """Does ``text``, read back by symbp's parser, have the normal form of ``value``?"""
        try:
            back = self.interp.expression(parse_expression(text, self.net.functions), self.env)
            same, gl, gr = calculus.compare(self.net, back, value)
            return same or calculus.unfold(self.net, gl) == calculus.unfold(self.net, gr)
        except SymbpError:
            return False

    def _add(self, out: SideProof, text: str, why: str, value: Expr) -> str:
        """Append the step if its LaTeX, read back, has the side's normal form."""
        if self._reads_back(text, value):
            out.steps.append(Step(text, why))
            return text
        out.dropped += 1
        return out.steps[-1].latex if out.steps else out.written

    def _joint(self, left: Expr, right: Expr, proof: Proof) -> None:
        """The lazy comparison, one family of ``δ`` at a time, as steps on both sides."""
        net = self.net
        new_l, new_r = calculus.substitute_aliases(net, left), calculus.substitute_aliases(net, right)
        if (new_l, new_r) != (left, right):
            refs = [g for e in (left, right) for t in e.terms for f in t.factors
                    if isinstance(g := view(f), Ref)]
            copies = sorted({g.fam for g in refs if net.is_alias(g.fam) or net.is_copy(g.fam)})
            why = self._forward_text(copies) if copies else "forward equations"
            self._joint_step(proof, new_l, new_r, why)
        left, right = new_l, new_r
        for _ in range(len(net.families) + 1):
            if left == right:
                return
            present = calculus._hidden_deltas(net, left) | calculus._hidden_deltas(net, right)
            if not present:
                break
            fam = next(f for f in present if not any(g in net.ancestors[f] for g in present if g != f))
            left = calculus.substitute_aliases(net, calculus._expand(net, left, {fam}))
            right = calculus.substitute_aliases(net, calculus._expand(net, right, {fam}))
            definition = self._delta_rule(fam)
            why = f"backpropagation one layer down, ${definition}$"
            self._joint_step(proof, left, right, why)
        if left == right:
            return
        settled = calculus._settle(net, left), calculus._settle(net, right)
        if settled != (left, right):
            self._joint_step(proof, *settled, self._declared_why())
            left, right = settled
        if left == right:
            return
        unfolded = calculus.unfold(net, left), calculus.unfold(net, right)
        if unfolded != (left, right):
            why = self._forward_text(sorted(net.definitions))
            self._joint_step(proof, *unfolded, "every quantity written out by its " + why)

    def _declared_why(self) -> str:
        """What the network declares concrete: ``h = \\tanh``, ``E`` the sum of squares."""
        net = self.net
        parts = []
        for name, kind in sorted(net.activations.items()):
            if kind == "identity":
                parts.append(f"${latex_name(name)}$ is the identity")
                continue
            act = catalogue.ACTIVATIONS[kind]
            rule = act.derivative_rule() or {}
            base = act.base  # the rule is a polynomial in h^{(base)} (and the argument x)
            f = latex_name(name)
            if "^" in f:  # Ng's g^{[1]}: braced, so that a prime or a power is no double superscript
                f = "{" + f + "}"
            h, dh = f + "'" * base, f + "'" * (base + 1)
            if any(px for _, px in rule):  # log: \ln'(x) = \frac{1}{x}
                h, dh = f"{h}(x)", f"{dh}(x)"
            rhs = ""
            for (power, px), c in sorted(rule.items()):
                mono = "" if power == 0 else h if power == 1 else f"{h}^{{{power}}}"
                if px:
                    xs = (f"x^{{{px}}}" if px > 1 else "x" if px == 1 else
                          "\\frac{1}{x}" if px == -1 else f"\\frac{{1}}{{x^{{{-px}}}}}")
                    mono += (" " if mono else "") + xs
                coef = str(abs(c)) if abs(c) != 1 or not mono else ""
                body = " ".join(x for x in (coef, mono) if x)
                rhs += (" - " if c < 0 else " + ") + body if rhs else ("-" if c < 0 else "") + body
            kink = f" ({escape(act.kink)})" if act.kink else ""
            parts.append(f"${f}$ is {escape(kind)}, so ${dh} = {rhs or '0'}${kink}")
        if net.error_kind is not None:
            e = net.error_name
            grads = [f"$\\partial {e}/\\partial {net.show(o)} = {net.show(o)} - {net.show(net.targets[o])}$"
                     for o in net.outputs if o in net.targets]
            parts.append(f"${e}$ is the {escape(net.error_kind)} error, so " + ", ".join(grads))
        return "declared: " + "; ".join(parts) if parts else "declared functions"

    def _joint_step(self, proof: Proof, left: Expr, right: Expr, why: str) -> None:
        texts = (self.printer.doprint(left, self.names), self.printer.doprint(right, self.names))
        if all(self._reads_back(t, v) for t, v in zip(texts, self.values)):
            proof.joint.append((Step(texts[0], why), Step(texts[1], why)))
        else:
            proof.dropped += 1

    def _delta_rule(self, fam: int) -> str:
        f = self.net.families[fam]
        names = {f"#{k}": x for k, x in enumerate(f.letters)}
        lhs = "\\delta" + f.show()[len(latex_name(f.name)):]
        return f"{lhs} = {self.printer.doprint(calculus.delta_definition(self.net, fam), names)}"

    # -- derivatives: chain rule, definition of δ, forward equations
    def _derivative_stages(self, node: Node) -> list[tuple[Any, str]]:
        chain_whys: list[str] = []
        delta_whys: list[str] = []
        local_whys: list[str] = []

        def chain_hook(d: Deriv, env: dict, stage: int) -> Any:
            return self._deriv(d, env, stage, chain_whys, delta_whys, local_whys)

        stages = []
        for stage, whys in ((0, chain_whys), (1, delta_whys), (2, local_whys)):
            expr = _ToSympy(self, lambda d, env, s=stage: chain_hook(d, env, s)).convert(node, self.env)
            stages.append((expr, whys))
        out = []
        for expr, whys in stages:
            out.append((expr, "; ".join(dict.fromkeys(whys))))
        return out

    def _deriv(self, d: Deriv, env: dict, stage: int, chain_whys: list[str], delta_whys: list[str],
               local_whys: list[str]) -> Any:
        net = self.net
        conv = _ToSympy(self, None)
        wrt = conv.convert(d.wrt, env)
        fam = self.interp.family_for(d.wrt)
        idx_nf = self.interp._indices(d.wrt, env)
        inner = d.num if d.num is not None else d.body
        is_e = isinstance(inner, Sym) and inner.name == net.error_name and not inner.groups
        E = sp.Symbol(net.error_name)
        if not is_e:
            if stage < 2:
                return sp.Derivative(conv.convert(inner, env), wrt, evaluate=False)
            value = calculus.derivative(net, self.interp.expression(inner, env), fam.id, idx_nf)
            local_whys.append(self._forwards_between(fam.id, inner))
            return to_sympy(net, value, self._names_for(env), evaluate=False)
        if fam.id in net.outputs or net.has_delta(fam.id):
            if stage == 0 or fam.name != net.delta_of:
                return sp.Derivative(E, wrt, evaluate=False)
            delta_whys.append(self._delta_why())
            return indexed("delta", tuple(wrt.indices) if isinstance(wrt, sp.Indexed) else ())
        uses = self._uses(fam.id)
        if uses is None:  # no step-by-step view: straight to the value
            value = calculus.gradient(net, fam.id, idx_nf)
            chain_whys.append("chain rule over every use, through the forward equations")
            return to_sympy(net, value, self._names_for(env), evaluate=False)
        terms = []
        shown_uses = []
        used = set(self.side_letters) | d.index_letters()
        for c in uses:
            cf = net.families[c]
            cnames = [calculus.fresh() for _ in cf.axes]
            c_idx = tuple(F(n) for n in cnames)
            local = calculus.derivative(net, calculus.instantiate(net, c, c_idx), fam.id, idx_nf)
            if local.is_zero():
                continue
            pins = _pins(local, cnames)
            c_sym: list[Any] = []
            limits = []
            for n, r in zip(cnames, cf.axes):
                if n in pins:
                    c_sym.append(_idx_for(pins[n], wrt, idx_nf))
                else:
                    (letter,) = net.letters_for([r], used)
                    used.add(letter)
                    i = idx(letter, r)
                    c_sym.append(i)
                    limits.append((i, i.lower, i.upper))
            c_ref = indexed(cf.name, tuple(c_sym))
            if stage == 0 or (stage == 1 and cf.name != net.delta_of):
                head = sp.Derivative(E, c_ref, evaluate=False)
            else:
                head = indexed("delta", tuple(c_sym)) if cf.name == net.delta_of else \
                    sp.Derivative(E, c_ref, evaluate=False)
            if stage < 2:
                local_sp = sp.Derivative(c_ref, wrt, evaluate=False)
            else:
                sub = {n: pins[n] for n in pins}
                for n, i in zip(cnames, c_sym):
                    if n not in pins:
                        sub[n] = F(str(i.label))
                pinned = local.substitute(sub)
                local_sp = to_sympy(net, pinned, {**self._names_for(env),
                                                  **{str(i.label): str(i.label) for i, *_ in limits}},
                                    evaluate=False)
            # the error itself a use (E = -\sum_k t_k \ln y_k in the forward pass): \partial E/\partial E = 1
            body = local_sp if c == calculus.error_family(net) else sp.Mul(head, local_sp, evaluate=False)
            terms.append(sp.Sum(body, *reversed(limits)) if limits else body)
            every = [latex_name(str(i.label)) for i, *_ in limits]
            shown_uses.append(f"${self.printer.doprint(c_ref)}$"
                              + (f" for every ${', '.join(every)}$" if every else ""))
        if stage == 0:
            chain_whys.append(f"chain rule over the uses of ${self.printer.doprint(wrt)}$: "
                              + ", ".join(shown_uses))
        elif stage == 1:
            delta_whys.append(self._delta_why())
        else:
            collapsed = [c for c in uses if self._sums_over(c, fam.id)]
            local_whys.append(self._forward_text(self._between(fam.id, uses)) + (
                "; in $\\partial/\\partial " + self.printer.doprint(wrt) + "$ of a sum, a Kronecker "
                "delta keeps only the term with the same indices" if collapsed else ""))
        if not terms:
            return sp.Integer(0)
        return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)

    def _uses(self, fam: int) -> list[int] | None:
        """The first families downstream of ``fam`` with a ``δ`` (or outputs); ``None`` when one
        of them depends on another (a skip connection: the simple chain rule would count twice)."""
        net = self.net
        out: list[int] = []

        def visit(f: int) -> None:
            for c in net.consumers.get(f, []):
                if c in net.outputs or net.has_delta(c):
                    if c not in out:
                        out.append(c)
                else:
                    visit(c)

        visit(fam)
        if fam in net.targets.values() or not out:
            return None
        if any(a in net.ancestors[b] for a in out for b in out if a != b):
            return None
        return out

    def _between(self, low: int, highs: Iterable[int]) -> list[int]:
        """Defined families on the paths from ``low`` up to ``highs`` (those included)."""
        net = self.net
        out = []
        for f in range(len(net.families)):
            if f in net.definitions and any(f == h or (f in net.ancestors[h]) for h in highs) \
                    and low in net.ancestors.get(f, set()):
                out.append(f)
        return out

    def _sums_over(self, c: int, fam: int) -> bool:
        """Does the definition of ``c`` sum over an index of ``fam`` (a delta will collapse it)?"""
        d = self.net.definitions.get(c)
        if d is None:
            return False
        for t in d.terms:
            for f in t.factors:
                g = view(f)
                ref = g.fam if isinstance(g, (Ref, Fn)) else None
                if ref == fam and any(i[0] == "d" for i in factor_indices(f)):
                    return True
        return False

    def _forwards_between(self, low: int, inner: Node) -> str:
        highs = set()
        for n in inner.walk():
            if isinstance(n, Sym) and n.groups and n.name != "delta":
                highs.add(self.interp.family_for(n).id)
        return self._forward_text(self._between(low, highs))

    def _forward_text(self, fams: list[int]) -> str:
        # the hidden families symbp makes for a compound argument (ln(1 - a_j)'s ~_j = 1 - a_j) are
        # no forward equation of the file: the error's own formula, printed, already reads them
        fams = [f for f in fams if not _hidden(self.net, f)] or fams
        if not fams:
            return "differentiating term by term; a Kronecker delta keeps only the term whose indices match"
        word = "forward equation" if len(fams) == 1 else "forward equations"
        return f"{word} " + ", ".join(f"${self._forwards(f)}$" for f in fams)

    def _delta_why(self) -> str:
        e = self.net.error_name
        if self.net.delta_of is None:  # the pre-activations have several letters
            return f"definition of $\\delta$: the derivative of ${e}$ by the unit's pre-activation"
        a = latex_name(self.net.delta_of)
        return f"definition of $\\delta$: $\\delta_{{x}} \\equiv \\partial {e}/\\partial {a}_{{x}}$"

    def _forwards(self, fam: int) -> str:
        f = self.net.families[fam]
        if fam not in self.net.definitions:
            return ""
        names = {f"#{k}": x for k, x in enumerate(f.letters)}
        lhs = f.show()
        return f"{lhs} = {self.printer.doprint(self.net.definitions[fam], names)}"

    def _names_for(self, env: dict) -> dict[str, str]:
        names = dict(self.names)
        for x, comps in env.items():
            for name in comps:
                names.setdefault(name, x if len(comps) == 1 else free_letter(self.net, name))
        return names


def _drop_ones(expr: Any) -> Any:
    """``expr`` without factors 1 in its products (``\\partial a_k/\\partial a_k`` differentiated
    is 1: ``\\delta_{k} 1`` would read as ``\\delta_{k1}``).

    >>> x, y = sp.symbols("x y")
    >>> _drop_ones(sp.Mul(x, sp.S.One, evaluate=False) + y)
    x + y
    """
    if not isinstance(expr, sp.Basic):
        return expr

    def drop(m: Any) -> Any:
        rest = [a for a in m.args if a != 1]
        return sp.Mul(*rest, evaluate=False) if len(rest) > 1 else (rest[0] if rest else sp.S.One)

    return expr.replace(lambda e: isinstance(e, sp.Mul) and any(a == 1 for a in e.args), drop)


def _pins(local: Expr, cnames: list[str]) -> dict[str, Any]:
    """Indices of a use ``c`` that a Kronecker delta in every term ties to the variable's."""
    pins: dict[str, Any] = {}
    for n in cnames:
        common = None
        for t in local.terms:
            partners = set()
            for f in t.factors:
                if isinstance(g := view(f), Kd):
                    a, b = g.i, g.j
                    if a == ("f", n) and b[0] == "f" and b[1] not in cnames:
                        partners.add(b)
                    elif b == ("f", n) and a[0] == "f" and a[1] not in cnames:
                        partners.add(a)
            common = partners if common is None else common & partners
        if common and len(common) == 1:
            pins[n] = next(iter(common))
    return pins


def _idx_for(index: Any, wrt: Any, idx_nf: tuple) -> Any:
    for i_nf, i_sp in zip(idx_nf, wrt.indices):
        if i_nf == index:
            return i_sp
    raise SymbpError(f"no index {index} in the variable")


class _ToSympy:
    """The parser's tree as SymPy objects in the order written; ``hook`` turns derivatives."""

    def __init__(self, prover: _Prover, hook: Callable[[Deriv, dict], Any] | None) -> None:
        self.p, self.hook = prover, hook

    def convert(self, node: Node, env: dict[str, tuple[str, ...]]) -> Any:
        net = self.p.net
        if isinstance(node, Num):
            return sp.Rational(node.value.numerator, node.value.denominator)
        if isinstance(node, Sym):
            if not node.groups:
                return sp.Symbol(node.name)
            fam = self.p.interp.family_for(node)
            names = self.p.interp._indices(node, env)
            ids = tuple(idx(self.p.names.get(i[1], i[1]) if net.component(i[1]) is None else i[1], r)
                        for i, r in zip(names, fam.axes))
            base = "delta" if node.name == "delta" else node.name
            if node.units:  # w_{j0}: the number 0 in the place of the unit 0, as the printers write it
                from ..printers.sympy_views import _units
                ids = _units(net, fam.id, ids)
            return indexed(base, ids)
        if isinstance(node, Call):
            return apply(node.name, node.order, self.convert(node.arg, env))
        if isinstance(node, Neg):
            return sp.Mul(sp.Integer(-1), self.convert(node.arg, env), evaluate=False)
        if isinstance(node, Add):
            return sp.Add(*(self.convert(t, env) for t in node.terms), evaluate=False)
        if isinstance(node, Mul):
            return sp.Mul(*(self.convert(f, env) for f in node.factors), evaluate=False)
        if isinstance(node, Div):
            den = self.convert(node.den, env)
            return sp.Mul(sp.Pow(den, -1), self.convert(node.num, env), evaluate=False)
        if isinstance(node, Pow):
            return sp.Pow(self.convert(node.base, env), node.exp, evaluate=False)
        if isinstance(node, SumOp):
            rs = self.p.interp.ranges_of(node.index, node.index_pos)
            comps = components(node.index, rs)
            body = self.convert(node.body, {**env, node.index: comps})
            limits = [(idx(c, r), 1, sp.Symbol(r, integer=True, positive=True)) for c, r in zip(comps, rs)]
            return sp.Sum(body, *reversed(limits))
        if isinstance(node, Deriv):
            if self.hook is None:
                inner = node.num if node.num is not None else node.body
                return sp.Derivative(self.convert(inner, env), self.convert(node.wrt, env), evaluate=False)
            return self.hook(node, env)
        raise SymbpError(f"cannot show {type(node).__name__}")


# ----------------------------------------------------------------------------------------------
# the document

_CIRCLED = {chr(0x2460 + k): str(k + 1) for k in range(20)}
_MATHY = re.compile(r"[\\_^{}']")
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "&": r"\&",
            "%": r"\%", "$": r"\$", "#": r"\#", "~": r"\~{}"}


def escape(text: str) -> str:
    """``text`` as LaTeX text: special characters escaped, Latin-1 letters (``é``, ``ß``) kept
    (pdflatex reads them as UTF-8, T1 has them), other non-ASCII replaced by ``?``."""
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in _CIRCLED:
            out.append(f"\\textcircled{{\\scriptsize {_CIRCLED[ch]}}}")
        elif ord(ch) < 128 or 0xC0 <= ord(ch) <= 0xFF:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def label_tex(label: str) -> str:
    """A label as pdflatex accepts it: ``①`` -> ``\\textcircled{\\scriptsize 1}``."""
    m = re.fullmatch(r"\\textcircled\{\s*(?:\\scriptsize\s*)?(\d+)\s*\}", label.strip())
    if m:
        return f"\\textcircled{{\\scriptsize {m.group(1)}}}"
    return escape(label)


def _prose(message: str) -> str:
    """A message that mixes prose and LaTeX (``did you mean \\sum_l instead of \\sum_k?``) as
    LaTeX text: the longest runs of formula-like tokens that symbp's parser reads go in
    ``$...$`` (``2 h'(a_{j}) h''(a_{j})``, ``h(a) h'(a) - h'(a) t``), the rest is escaped."""
    tokens = [_split_punct(t) for t in message.split(" ")]
    out: list[str] = []
    k = 0
    while k < len(tokens):
        lead, core, trail = tokens[k]
        # the longest run of formula-like tokens from here, broken by punctuation
        ends, j = [], k
        while j < len(tokens) and _formula_like(tokens[j][1]) and (j == k or not tokens[j][0]):
            j += 1
            ends.append(j)
            if tokens[j - 1][2]:
                break
        for end in reversed(ends):
            cores = [t[1] for t in tokens[k:end]]
            if not any(_mathy(c) for c in cores):
                continue
            formula = " ".join(cores)
            if _is_formula(formula) or _safe_math(formula):
                out.append(escape(lead) + f"${formula}$" + escape(tokens[end - 1][2]))
                k = end
                break
        else:
            if len(core) == 1 and core.isascii() and core.isalpha() and core not in "aAI":  # "index k"
                out.append(escape(lead) + f"${core}$" + escape(trail))
            elif "\\" in core:  # LaTeX that symbp does not read: shown as source
                out.append(escape(lead) + f"\\texttt{{{escape(core)}}}" + escape(trail))
            else:
                out.append(escape(lead) + escape(core) + escape(trail))
            k += 1
    return " ".join(out)


def _mathy(core: str) -> bool:
    """A token that only a formula has: a command, a subscript, braces, a prime, a call ``h(a)``."""
    return bool(_MATHY.search(core) or re.fullmatch(r"[A-Za-z]'*\(.+\)", core))


def _bad_scripts(text: str) -> bool:
    """Scripts and primes that TeX rejects although symbp's parser may read them: without a base
    (``_x``, `` '``), empty (``a_ b``), doubled (``x^{2} ^{2}``)."""
    return bool(re.search(r"(^|[\s({=+\-])[_^']|[_^](\s|$|\})|([_^])(\{[^{}]*\}|\\?\w'*)\s*\3", text))


_SAFE_COMMANDS = {"partial", "sum", "delta", "equiv", "dots", "cdot", *GREEK}  # no arguments


def _safe_math(text: str) -> bool:
    """Maths that symbp does not read but pdflatex does (``\\partial E/\\partial a_{k}``): known
    commands, letters, digits, ``_^{}()'+-=/,.``, braces and parentheses balanced, no empty sub-
    or superscript."""
    if re.search(r"[^A-Za-z0-9 _^{}()'+\-=/,.\\]", text) or _bad_scripts(text):
        return False
    if re.search(r"\\(?![A-Za-z])", text) or any(c not in _SAFE_COMMANDS
                                               for c in re.findall(r"\\([A-Za-z]+)", text)):
        return False
    generic = re.search(r"\^(\{[A-Za-z][+-]\d\}|[A-Za-z](?![A-Za-z0-9]))", text)  # a^{t+1}, a^t
    if "\\" not in text and not generic:
        return False
    for opening, closing in ("{}", "()"):
        depth = 0
        for ch in text:
            depth += 1 if ch == opening else -1 if ch == closing else 0
            if depth < 0:
                return False
        if depth:
            return False
    return True


def _formula_like(core: str) -> bool:
    """A token that can be part of a formula (``=``, ``2``, ``t``) or is one."""
    return bool(core) and (_mathy(core) or core in ("=", "+", "-", "\\equiv")
                           or re.fullmatch(r"-?\d+", core) is not None
                           or (len(core) == 1 and core.isascii() and core.isalpha()))


def _split_punct(tok: str) -> tuple[str, str, str]:
    m = re.fullmatch(r"(\(?)(.*?)([;,:?.]*\)?[;,:?.]*)", tok, re.DOTALL)
    lead, core, trail = m.groups() if m else ("", tok, "")
    if trail.startswith(")") and core.count("(") > core.count(")"):
        core, trail = core + ")", trail[1:]
    if lead and core.count(")") > core.count("("):
        core, lead = "(" + core, ""
    return lead, core, trail


def _is_formula(text: str) -> bool:
    if re.fullmatch(r"\\sum_(\{\\?[A-Za-z]+'*\}|\\[A-Za-z]+|[A-Za-z])", text):
        return True
    if text.count("{") != text.count("}") or any(c in text for c in "$%#&~") \
            or re.search(r"(?<!\\)(\\\\)*\\$", text):  # a lone backslash would escape the closing $
        return False
    if _bad_scripts(text):
        return False
    try:
        from ..latex.parser import parse_chain
        # any letter applied to an argument is a function here (g'(a_j) as well as h'(a_j))
        parse_chain(text, ("h", *re.findall(r"(?<![\\A-Za-z])([A-Za-z])'*\(", text),
                           *re.findall(r"\\([A-Za-z]+)(?:_(?:\{[^{}]*\}|[A-Za-z]))?'*\(", text)))
        return True
    except SymbpError:
        return False


def _align(first: str, steps: Iterable[Step]) -> list[str]:
    """``first = step = step ...``, each justification in a paragraph under its step."""
    lines = [f"  {first}"]
    for k, s in enumerate(steps):
        if k:
            lines[-1] += " \\\\"
            lines.append(f"  &= {s.latex}")
        else:
            lines[-1] += f" &= {s.latex}"
        if s.why:
            lines[-1] += " \\\\"
            # 0.6: the box starts at the alignment point, often mid-line (0.8 ran into the margin)
            lines.append(f"  &\\qquad \\parbox[t]{{0.6\\linewidth}}{{\\footnotesize\\itshape {s.why}}}")
    return lines


def _claim_block(proof: Proof) -> list[str]:
    """The claim as maths, printed by symbp; an equation symbp could not read (an input error: it
    may hold the note's own macros, ``\\mycommand{x}``, or unbalanced braces) as its source text."""
    if proof.result.verdict == ERROR and not _is_formula(proof.claim):
        return ["\\begin{quote}\\ttfamily\\raggedright", escape(proof.claim), "\\end{quote}"]
    return ["\\[", proof.claim, "\\]"]


def _sentence(message: str) -> str:
    """``message`` as a sentence: its first letter upper-case when it starts with a word, never
    when it starts with a symbol (``k is free ...``, ``w_{jk}: no w ...``: ``K`` would name a size)."""
    first = message.split(" ", 1)[0]
    if len(first) > 1 and first.isalpha():
        return message[0].upper() + message[1:]
    return message


def _message_tex(r: LinkResult, sentence: bool = False) -> str:
    """A result's message as LaTeX text, from its diagnoses: the maths they mark in ``$...$``,
    the prose escaped.  A message without diagnoses (an input error's, worded by the parser or
    the engine) goes through :func:`_prose`."""
    if not r.diagnoses:
        return _prose(_sentence(r.message) if sentence else r.message)
    out = []
    for k, part in enumerate(dx.parts_of(r.diagnoses)):
        if isinstance(part, dx.Math):  # printed by symbp's printers: LaTeX that pdflatex reads
            out.append(f"${part}$")
        elif isinstance(part, dx.Source):
            out.append(f"\\texttt{{{escape(part)}}}")
        else:
            out.append(escape(_sentence(part) if sentence and k == 0 else part))
    return "".join(out)


def _shown_common(proof: Proof) -> str | None:
    """The form both sides reach in the steps shown (after the joint steps), if they reach one."""
    if len(proof.sides) != 2:
        return None
    ends = []
    for k, side in enumerate(proof.sides):
        end = side.steps[-1].latex if side.steps else side.written
        for pair in proof.joint:
            end = pair[k].latex
        ends.append(end)
    return ends[0] if ends[0] == ends[1] else None


def _conclusion(proof: Proof) -> list[str]:
    r = proof.result
    out = []
    if r.verdict == VERIFIED:
        message, common = r.message, _shown_common(proof)
        head, sep, _ = message.partition("both sides reduce to ")
        if sep and common is not None:  # name the form the steps above reached, not another one
            message = head + sep + common
        out.append("\\paragraph{Conclusion: verified.} The equation "
                   + (_message_tex(r) if message == r.message else _prose(message)).replace(
                       "for all sizes", "\\textbf{for all sizes}", 1) + ".")
    elif r.verdict == AT_SIZES:
        out.append("\\paragraph{Conclusion.} \\textbf{Verified only at the sizes tried}, not proved "
                   "for all sizes. " + _message_tex(r, sentence=True) + ".")
    elif r.verdict == REFUTED:
        out.append("\\paragraph{Conclusion: refuted.} " + _message_tex(r, sentence=True) + ".")
        if not r.counterexample:  # the steps above may well show equal values: say why it is refuted
            out.append("This is a slip in the indices, found before any values are compared.")
        if r.counterexample:
            out.append(_counterexample(r.counterexample, r.witness))
        if r.suggestion:
            out += ["Suggested correction:", "\\[", r.suggestion, "\\]"]
        if r.derived and r.derived != r.suggestion:
            out += ["What symbp derives for the left side:", "\\[", r.derived, "\\]"]
    else:
        out.append("\\paragraph{Not checked (input error).} " + _message_tex(r) + ".")
    return out


def _counterexample(cx: dict, witness: dict[str, Any] | None = None) -> str:
    """The counterexample's paragraph; the functions it ran from ``witness`` (their catalogue
    names), else from its text (the exact formal witness: integers for an arbitrary function)."""
    if witness is not None:
        h = ", ".join("$" + catalogue.ACTIVATIONS[kind].latex(latex_name(f)) + "$"
                      for f, kind in witness["h"])
        e = (f"${catalogue.ERRORS[witness['E']].tex}$" if witness["E"] in catalogue.ERRORS
             else "$E$ as the forward pass defines it")
    else:
        h, e = _setting("h", cx["h"]), _setting("E", cx["E"])
    sizes = ", ".join(f"${k} = {v}$" for k, v in cx["sizes"].items())
    idx_parts = []
    for k, v in cx["index"].items():
        if isinstance(v, dict):
            v = "(" + ", ".join(f"{latex_name(str(a))} = {int(b)}" for a, b in v.items()) + ")"
        idx_parts.append(f"${latex_name(str(k))} = {v}$")
    at = ", ".join(idx_parts) or "the scalar"
    if cx.get("entry"):  # a vector claim's: the entry of its left side as written
        at = entry_text(cx["entry"], lambda s: f"${s}$")
    lhs, rhs = (f"{v:.6g}" if isinstance(v, float) else str(v) for v in (cx["lhs"], cx["rhs"]))
    return (f"\\paragraph{{Counterexample.}} Sizes {sizes}; at {at}: left side ${escape(lhs)}$, right "
            f"side ${escape(rhs)}$ ({h}; {e}; "
            f"random seed {escape(str(cx['seed']))}).")


#: the functions a counterexample ran, as maths, from the text forms ``symbp check`` prints (the
#: catalogue's), for a counterexample without a witness
_ERRORS = {e.text: f"${e.tex}$" for e in catalogue.ERRORS.values()}
_ACTIVATIONS = {name: a.tex for name, a in catalogue.ACTIVATIONS.items()}


def _setting(name: str, text: object) -> str:
    """``h: tanh`` as ``$h = \\tanh$``, ``g = tanh, h = softplus`` as two formulas, ``E: E = 1/2
    sum (y - t)^2`` as the formula (was ``$E$: $E$ = 1/2 sum ($y$ - t)\\^{}2``, half maths, half
    text); anything else (the integers of an arbitrary function) as text."""
    text = str(text)
    if name == "E" and text in _ERRORS:
        return _ERRORS[text]
    if name == "E":  # the error under the network's letter: C = 1/2 sum (y - t)^2
        letter, _, rest = text.partition(" = ")
        tex = _ERRORS.get(f"E = {rest}")
        if tex is not None and re.fullmatch(r"\\?[A-Za-z]\w*(_\{?\w+\}?)?", letter) and tex.startswith("$E"):
            return f"${letter}{tex[2:]}"
    if name == "h":
        pairs = [(name, text)] if text in _ACTIVATIONS else \
            [tuple(x.split(" = ", 1)) for x in text.split(", ")]
        if all(len(pq) == 2 and re.fullmatch(r"\\?[A-Za-z]\w*", pq[0]) and pq[1] in _ACTIVATIONS
               for pq in pairs):
            return ", ".join("$" + _ACTIVATIONS[kind].format(f=f) + "$" if f != "\\max" else
                             "$\\max(0, a)$ the ReLU" for f, kind in pairs)
    return f"${name}$: {_prose(text)}"


def network_section(net: Network) -> list[str]:
    """The network a proof speaks of: index ranges, forward equations, what is shared."""
    printer = LatexPrinter(net)
    out = ["\\section*{The network}", "Index ranges: "
           + ", ".join(f"${latex_name(x)} = 1, \\dots, {r}$" for x, r in sorted(net.ranges.items())) + "."]
    pinned = _pinned(net, " ".join(f"{latex_name(name)}_{{{''.join(str(u) for u in units)}}}"
                                   for name, units, _ in net.constants))
    if pinned:
        out.append("The units 0: " + _units_zero(net, pinned) + ".")
    for m, parts in net.composites.items():
        out.append(f"The composite index ${latex_name(m)}$ runs over the units "
                   f"${group_letters(parts, (len(parts),))}$.")
    out += ["Forward equations:", "\\begin{align*}"]
    rows = []
    for fid, d in net.definitions.items():
        if _hidden(net, fid):  # a compound argument's family: not a forward equation of the file
            continue
        f = net.families[fid]
        names = {f"#{k}": x for k, x in enumerate(f.letters)}
        lhs = f.show()
        rows.append(f"  {lhs} &= {printer.doprint(d, names)}")
    out.append(" \\\\\n".join(rows))
    out.append("\\end{align*}")
    shared = [(f, net._shared_over(f)) for f in net.params]
    for f, over in shared:
        if over:
            letters = [latex_name(net.range_letter.get(r, r)) for r in over]
            out.append(f"The weight ${f.show()}$ is \\textbf{{shared}}: the same value is used for "
                       f"every ${', '.join(letters)}$.")
    kinds = {**{f: "an arbitrary differentiable function" for f in net.functions}, **net.activations}
    functions = "; ".join(f"${latex_name(f)}$ is {escape(kind)}" for f, kind in sorted(kinds.items()))
    out.append((functions + "; " if functions else "") + f"${net.error_name}$ is "
               + (escape(net.error_kind) + " error" if net.error_kind else
                  "an arbitrary differentiable function of the outputs")
               + ("; $\\delta$ of a unit $" + latex_name(net.delta_of) + "$ is $\\partial "
                  + net.error_name + "/\\partial " + latex_name(net.delta_of) + "$." if net.delta_of else
                  "; $\\delta$ of a unit is the derivative of $" + net.error_name
                  + "$ by its pre-activation."))
    return out


#: the words before a generic claim's chain with vectors, in the full and the compact proof
_AT_WINDOW = ("With vectors, at the window that stands for every layer (each line checked as written "
              "there: symbp reads it entry by entry; the reasons are those of the entries, below):")


def proof_section(proof: Proof, heading: str) -> list[str]:
    """One proof as LaTeX lines."""
    out = [f"\\subsection*{{{heading}}}", "Claim:", *_claim_block(proof)]
    if proof.vector_chain is not None:  # a generic claim with vectors: its chain, as the compact proof's
        first, rows = proof.vector_chain
        out += [_AT_WINDOW,
                "\\begin{align*}", *_align(first, [Step(t, why) for t, why in rows]), "\\end{align*}",
                "Entry by entry, in index notation:"]
    names = ("Left side", "Right side")
    for name, side in zip(names, proof.sides):
        if not side.steps:
            continue
        out += [f"{name}:", "\\begin{align*}", *_align(side.written, side.steps), "\\end{align*}"]
    if proof.joint:
        for k, name in enumerate(names):
            first = proof.sides[k].steps[-1].latex if proof.sides[k].steps else proof.sides[k].written
            steps, last = [], first
            for pair in proof.joint:
                if pair[k].latex != last:
                    steps.append(pair[k])
                    last = pair[k].latex
            if steps:  # "continued" only after the side's own steps were shown above
                head = f"{name}, continued:" if proof.sides[k].steps else f"{name}:"
                out += [head, "\\begin{align*}", *_align(first, steps), "\\end{align*}"]
    for where, case in proof.cases:  # the case split: 1..D above, the unit 0 here
        out.append(f"At the unit 0, ${where}$, the same claim (the steps above are for the units from 1):")
        for name, side in zip(names, case.sides):
            if side.steps:
                out += [f"{name}:", "\\begin{align*}", *_align(side.written, side.steps), "\\end{align*}"]
    if proof.note:
        out.append(_prose(proof.note) + ".")
    out += _conclusion(proof)
    return out


def document(proofs: list[Proof], net: Network, title: str) -> str:
    """A standalone LaTeX document (``article``, ``amsmath``, ``amssymb``) of ``proofs``."""
    body = ["\\documentclass[11pt]{article}", "\\usepackage{lmodern}", "\\usepackage[T1]{fontenc}",
            "\\usepackage{amsmath,amssymb}",
            "\\allowdisplaybreaks", "\\setlength{\\parindent}{0pt}", "\\setlength{\\parskip}{4pt}",
            "\\begin{document}", f"\\section*{{{escape(title)}}}",
            "Each step below was checked by symbp: read back, it has the same normal form as the "
            "side it rewrites. Generated by \\texttt{symbp prove}.",
            *network_section(net)]
    body.append("\\section*{Proofs}")
    for p in proofs:
        r = p.result
        link = f", link {r.link} of {r.links}" if r.links > 1 else ""
        path = escape(r.file or "<input>").replace("/", "/\\allowbreak{}")  # a long path may break
        where = f" ({path}, line {r.line}{link})"
        body += proof_section(p, f"Equation {label_tex(r.label or '')}{where}".replace("  ", " "))
    body.append("\\end{document}")
    return "\n".join(body) + "\n"


# ----------------------------------------------------------------------------------------------
# the compact proof (the default): one chain per equation, short reasons, earlier work referenced

#: how much ``symbp prove`` shows: ``compact`` (one chain per equation, short reasons, earlier
#: reductions referenced) or ``full`` (every link, both sides, every step explained at length)
DETAILS = ("compact", "full")


def _forward_tags(net: Network) -> dict[str, str]:
    """Each forward equation's LaTeX (as the reasons print it) -> its tag ``F1``, ``F2``, ..."""
    printer = LatexPrinter(net)
    out = {}
    shown = [(fid, d) for fid, d in net.definitions.items() if not _hidden(net, fid)]
    for k, (fid, d) in enumerate(shown, 1):
        f = net.families[fid]
        names = {f"#{j}": x for j, x in enumerate(f.letters)}
        out[f"{f.show()} = {printer.doprint(d, names)}"] = f"F{k}"
    return out


def _hidden(net: Network, fid: int) -> bool:
    """Whether a family is one symbp made itself (``calculus.HIDDEN``: the argument ``1 - a_j``
    of a cross-entropy's ``\\ln``), which no forward equation of the file defines."""
    return net.families[fid].name.startswith(calculus.HIDDEN)


_SHORT = [
    (re.compile(r"^definition of \$\\delta\$: .*$"), "definition of $\\delta$"),
    (re.compile(r"differentiating term by term; a Kronecker delta keeps only the term whose indices match"),
     "term by term: only the matching term remains"),
    (re.compile(r"; in \$\\partial/\\partial [^$]*\$ of a sum, a Kronecker delta keeps only the term with "
                r"the same indices"), ": only the matching term remains"),
    (re.compile(r"^backpropagation one layer down, "), "backpropagation: "),
    (re.compile(r"^every quantity written out by its forward equations? "), "written out by "),
]
_NORMAL_FORM = [("products multiplied out", "multiplied out"),
                ("like terms collected", "like terms collected"),
                ("a sum whose summand does not depend on its index becomes a factor",
                 "a constant sum is a size"),
                ("sums collapsed by Kronecker deltas", "Kronecker deltas collapse the sums"),
                ("Kronecker deltas contracted", "Kronecker deltas contracted"),
                ("sums taken in another order", "sums swapped"), ("renamed", None),
                ("re-indexed", None)]


def short_why(why: str, tags: dict[str, str]) -> str:
    """A reason as the compact proof gives it: forward equations by their tag, the definition of
    ``δ`` by name, the normal form by what it changed (``reordered``, ``multiplied out``).

    >>> short_why("normal form: products multiplied out; terms and factors in a standard order", {})
    'multiplied out'
    >>> short_why("forward equation $z_{j} = h(a_{j})$", {"z_{j} = h(a_{j})": "F2"})
    'by (F2)'
    """
    if why.startswith("normal form"):
        parts = []
        for phrase, short in _NORMAL_FORM:
            if phrase in why:
                parts.append(short or next(p for p in why[len("normal form: "):].split("; ") if phrase in p))
        return "; ".join(parts) or "reordered"
    for pattern, repl in _SHORT:
        why = pattern.sub(lambda m, repl=repl: repl, why)

    def tagged(m: re.Match[str]) -> str:
        formulas = re.findall(r"\$([^$]*)\$", m.group(2))
        if formulas and all(f in tags for f in formulas):
            return "by " + ", ".join(f"({tags[f]})" for f in formulas)
        return m.group(0)

    return re.sub(r"(forward equations? |written out by )?((?:\$[^$]*\$(?:, )?)+)", tagged, why, count=1) \
        if ("forward equation" in why or why.startswith("written out by")) else why


@dataclass
class _Row:
    latex: str
    why: str


def _down(side: SideProof) -> list[_Row]:
    """The side reduced: each step with the reason that leads to it."""
    return [_Row(s.latex, s.why) for s in side.steps]


def _up(side: SideProof) -> list[_Row]:
    """The side reached from its reduced form: the steps backwards, ending at the side as written."""
    texts = [side.written] + [s.latex for s in side.steps]
    return [_Row(texts[k - 1], side.steps[k - 1].why) for k in range(len(texts) - 1, 0, -1)]


def _final(side: SideProof) -> str:
    return side.steps[-1].latex if side.steps else side.written


def _joint_rows(proof: Proof, k: int, start: str) -> list[_Row]:
    rows, last = [], start
    for pair in proof.joint:
        if pair[k].latex != last:
            rows.append(_Row(pair[k].latex, pair[k].why))
            last = pair[k].latex
    return rows


class _Compact:
    """Builds the compact document; remembers which sides were reduced already, and where."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.tags = _forward_tags(net)
        self.seen: dict[str, tuple[str, str]] = {}  # a side as written -> (where it was reduced, to what)

    def why(self, why: str) -> str:
        return short_why(why, self.tags)

    def _side_down(self, side: SideProof, here: str) -> list[_Row]:
        rows = _down(side)
        prior = self.seen.get(side.written)
        if prior is not None and len(rows) > 1 and prior[1] == _final(side):
            return [_Row(_final(side), f"as in {prior[0]}" if prior[0] != here else "as above")]
        if rows:
            self.seen.setdefault(side.written, (here, _final(side)))
        return rows

    def _side_up(self, side: SideProof, here: str) -> list[_Row]:
        rows = _up(side)
        if rows:
            self.seen.setdefault(side.written, (here, _final(side)))
        return rows

    def link_rows(self, proof: Proof, here: str) -> list[_Row]:
        """``lhs = ... = rhs`` for a verified link: the left side down to the common form, then up
        to the right side; a side reduced earlier is referenced, not reduced again."""
        if len(proof.sides) != 2:
            return [_Row(proof.claim.split(" = ", 1)[-1], "")]
        left, right = proof.sides
        # the shortest way: down the left side to the first form the right side also passes, up
        # the right side from there (A = B = C: B is often a step of A's own reduction)
        down = [left.written] + [s.latex for s in left.steps]
        up = [right.written] + [s.latex for s in right.steps]
        meet = next((k for k, t in enumerate(down) if t in up), None)
        if meet is not None:
            j = up.index(down[meet])
            rows = _down(left)[:meet] if meet < len(down) - 1 else self._side_down(left, here)
            trimmed = SideProof(right.written, right.steps[:j])
            rows += self._side_up(trimmed, here)
            if not rows or rows[-1].latex != right.written:
                rows.append(_Row(right.written, ""))
            return rows
        rows = self._side_down(left, here)
        lf, rf = _final(left), _final(right)
        if lf != rf:
            rows += _joint_rows(proof, 0, lf)
            back = _joint_rows(proof, 1, rf)
            meet = rows[-1].latex if rows else left.written
            texts = [rf] + [r.latex for r in back]
            tail = [_Row(texts[k - 1], back[k - 1].why) for k in range(len(texts) - 1, 0, -1)]
            if meet != (texts[-1] if back else rf):
                # the normal forms differ: for a link verified only at the sizes tried the two
                # lines agree there, and nothing more is shown (the audit: 'the same normal form')
                why = "the same normal form" if proof.result.verdict == VERIFIED else AT_SIZES_STEP
                rows.append(_Row(texts[-1] if back else rf, why))
            rows += tail
        rows += self._side_up(right, here)
        if not rows or rows[-1].latex != right.written:
            rows.append(_Row(right.written, "reordered" if rows else ""))
        return rows

    def verified(self, run: list[Proof], here: str) -> list[str]:
        """Consecutive verified links of one equation as one chain, and the verdict under it."""
        if not run:
            return []
        rows: list[_Row] = []
        for p in run:
            rows += self.link_rows(p, here)
        first = run[0].sides[0].written
        notes = "".join(f" {_prose(p.note)}." for p in run if p.note)
        out = self.chain(first, rows)
        # the case split: the chain above is for the units from 1; each unit 0 the check ran apart
        # is a chain of its own (the links of one equation at i = 0 in a row are one chain)
        cases: dict[str, list[tuple[int, Proof]]] = {}
        for k, p in enumerate(run):
            for where, case in p.cases:
                if len(case.sides) == 2:
                    cases.setdefault(where, []).append((k, case))
        for where, found in cases.items():
            pieces: list[list[Proof]] = []
            for k, case in found:
                if pieces and found[found.index((k, case)) - 1][0] == k - 1:
                    pieces[-1].append(case)
                else:
                    pieces.append([case])
            for piece in pieces:
                pinned = _pinned(self.net, " ".join(case.claim for case in piece))
                rows = [row for case in piece for row in self.link_rows(case, here)]
                for r in rows:  # \delta_j = \delta_j x_0: the number the forward pass pins
                    used = [u for u in pinned if u.split(" = ")[0] in r.latex]
                    plain = not r.why or r.why.startswith(("normal form", "reordered", "the same normal"))
                    if used and plain:
                        r.why = ", ".join(f"${u}$" for u in used)
                out += [_unit_zero_text(where, pinned), *self.chain(piece[0].sides[0].written, rows)]
        return [*out, _compact_verdict([p.result for p in run]) + notes]

    def chain(self, first: str, rows: list[_Row]) -> list[str]:
        """An ``align*`` of ``first = row = row ...``, each reason beside its row (under it when the
        formula is long), in a readable size."""
        out, last = ["\\begin{align*}"], first
        lines = []
        for r in rows:
            if r.latex == last:
                continue
            lines.append(r)
            last = r.latex
        for k, r in enumerate(lines):
            head = f"  {first} &= {r.latex}" if k == 0 else f"  &= {r.latex}"
            width = _width((first if k == 0 else "") + r.latex)
            why = f"\\parbox[t]{{0.34\\linewidth}}{{\\raggedright\\small {self.why(r.why)}}}" if r.why else ""
            if why and width > 55:
                head += f" \\\\\n  && {why}"
            elif why:
                head += f" && {why}"
            out.append(head + (" \\\\" if k < len(lines) - 1 else ""))
        if not lines:
            out.append(f"  {first}")
        out.append("\\end{align*}")
        return out


def _width(tex: str) -> int:
    """Roughly how many characters wide ``tex`` typesets (a fraction as its wider half, a command
    as one character, scripts as half)."""
    tex = re.sub(r"\\frac\{((?:[^{}]|\{[^{}]*\})*)\}\{((?:[^{}]|\{[^{}]*\})*)\}",
                 lambda m: "x" * max(_width(m.group(1)), _width(m.group(2))), tex)
    tex = re.sub(r"[_^](\{[^{}]*\}|.)", lambda m: "x" * ((len(m.group(1)) + 1) // 2), tex)
    return len(re.sub(r"\\[A-Za-z]+", "x", tex).replace("{", "").replace("}", "").replace(" ", ""))


def _where_tex(r: LinkResult) -> str:
    link = f"link {r.link} of {r.links}, " if r.links > 1 else ""
    return f"{link}line {r.line}, column {r.column}"


def _compact_verdict(rs: list[LinkResult]) -> str:
    """The one line under a chain of verified links."""
    if all(r.verdict == VERIFIED for r in rs):
        what = "Verified for all sizes" + (f" (all {len(rs)} links)" if len(rs) > 1 else "")
    else:
        sizes = [r for r in rs if r.verdict == AT_SIZES]
        what = ("\\textbf{Verified only at the sizes tried} (" + ", ".join(f"link {r.link}" for r in sizes)
                + "), not proved for all sizes")
    exp = " (as the file expects)" if any(r.expected for r in rs) and all(r.as_expected for r in rs) else ""
    return f"{what}{exp}."


def _compact_refuted(proof: Proof, c: _Compact, here: str) -> list[str]:
    """A link that does not hold (or cannot be read): what is wrong and where first, then the
    evidence, the correction, and only then the two sides as symbp reads them."""
    r = proof.result
    exp = ", as the file expects" if r.expected == r.verdict else ""
    if r.verdict == ERROR:
        return [f"\\textbf{{Not checked: input error}}{exp} ({_where_tex(r)}). "
                f"{_message_tex(r, sentence=True)}.", *_claim_block(proof)]
    out = [f"\\textbf{{Refuted}}{exp} ({_where_tex(r)}): ${proof.claim}$.", "",
           f"\\emph{{What is wrong:}} {_message_tex(r, sentence=True)}.", ""]
    if r.counterexample:
        out.append(_counterexample(r.counterexample).replace("\\paragraph{Counterexample.}",
                                                             "\\emph{Counterexample:}"))
    else:
        out.append("(A slip in the indices, found before any values are compared: the two sides below may "
                   "well reduce alike.)")
    if r.suggestion:
        out += ["", "\\emph{Suggested correction:}", "\\[", r.suggestion, "\\]"]
    elif r.derived:
        out += ["\\emph{What symbp derives for the left side:}", "\\[", r.derived, "\\]"]
    if proof.note:
        out.append(_prose(proof.note) + ".")
    for name, side in zip(("Left side", "Right side"), proof.sides):
        rows = c._side_down(side, here)
        if rows:
            out += [f"{name}, as read:", *c.chain(side.written, rows)]
    return out


#: the reason of the step that joins the two sides of a link verified only at the sizes tried
AT_SIZES_STEP = "equal at the sizes tried only"
_AT_SIZES_CAVEAT = (", except a step marked `equal at the sizes tried only', whose two lines agree at the "
                    "sizes tried and were not shown equal for all sizes")


def compact_document(proofs: list[Proof], net: Network, title: str) -> str:
    """The compact proof document (``symbp prove``'s default): the network in a few lines, then per
    equation one chain ``LHS = ... = RHS`` with short reasons; a refuted link says first what is
    wrong and where; a side reduced earlier is referenced (``as in (1)``), not reduced again."""
    c = _Compact(net)
    body = ["\\documentclass[11pt]{article}", "\\usepackage{lmodern}", "\\usepackage[T1]{fontenc}",
            "\\usepackage{amsmath,amssymb}", "\\usepackage[margin=2.2cm]{geometry}",
            "\\allowdisplaybreaks", "\\setlength{\\parindent}{0pt}", "\\setlength{\\parskip}{4pt}",
            "\\begin{document}", f"\\section*{{{escape(title)}}}",
            "Every step below was checked by symbp (read back, it has the same normal form as the line "
            "before it" + (_AT_SIZES_CAVEAT if any(p.result.verdict == AT_SIZES for p in proofs) else "")
            + "). Generated by \\texttt{symbp prove}; \\texttt{-{}-detail full} explains every step "
            "of every link.", *_compact_network(net, c.tags)]
    groups: list[list[Proof]] = []
    for p in proofs:
        r = p.result
        if groups and (groups[-1][0].result.line, groups[-1][0].result.label) == (r.line, r.label) \
                and r.link > 1:
            groups[-1].append(p)
        else:
            groups.append([p])
    for group in groups:
        r0 = group[0].result
        label = r0.label or ""
        here = label_tex(label) if label.startswith("(") else f"({label_tex(label)})"
        path = escape(r0.file or "<input>").replace("/", "/\\allowbreak{}")
        body.append(f"\\subsection*{{Equation {label_tex(r0.label or '')} "
                    f"{{\\normalfont\\small ({path}, line {r0.line})}}}}".replace("  ", " "))
        if r0.read_as is not None and r0.links == 1:  # a claim written with vectors
            steps = _vector_steps(group[0], c, net, here)
            if steps:  # its steps with vectors too, each checked as written
                body += ["With vectors (each line checked as written: symbp reads it entry by entry; the "
                         "reasons are those of the entries, below):", *steps]
            body += ["Written with vectors:" if not steps else "Entry by entry,", "\\[", r0.latex, "\\]",
                     "read in index notation (each entry of each side) as", "\\[", r0.read_as, "\\]"]
        elif group[0].vector_chain is not None:  # a generic claim with vectors (all its links)
            first, rows = group[0].vector_chain
            body += [_AT_WINDOW,
                     *c.chain(first, [_Row(t, why) for t, why in rows]), "Entry by entry, in index notation:"]
        run: list[Proof] = []
        for p in group:
            if p.result.verdict in (VERIFIED, AT_SIZES) and len(p.sides) == 2:
                run.append(p)
                continue
            body += c.verified(run, here)
            run = []
            if p.result.verdict in (VERIFIED, AT_SIZES):  # steps not shown
                note = f" {_prose(p.note)}." if p.note else ""
                body += [*_claim_block(p), _compact_verdict([p.result]) + note]
            else:
                body += _compact_refuted(p, c, here)
        body += c.verified(run, here)
    body.append("\\end{document}")
    return "\n".join(body) + "\n"


def _vector_steps(proof: Proof, c: _Compact, net: Network, here: str) -> list[str] | None:
    """A verified vector claim's chain of steps written with vectors: each step of its index proof
    that reads back as vectors (:func:`symbp.engine.vector.to_vectors`), the reasons of the steps
    between carried along; shown only when the whole chain, as written with vectors, is verified
    itself (for all sizes) and has a step between its two sides.  ``None`` otherwise."""
    got = _vector_rows(proof, c, net, here)
    return None if got is None else c.chain(*got)


def _vector_rows(proof: Proof, c: _Compact, net: Network, here: str,
                 latex: str | None = None, least: int = 2, scale: int | None = None
                 ) -> tuple[str, list[_Row]] | None:
    """:func:`_vector_steps`'s chain: its left side and its rows, ``None`` where it shows none;
    ``latex`` is the claim with vectors where the proof's result shows another (a generic claim's
    instance at its window); ``least`` the fewest rows shown (1: a link of several, which may be
    one step, its right side as written, with the reasons of all its index steps); ``scale`` the
    power of ``M`` the index steps carry where the whole chain's translation, not the link's,
    gave them (Ng's ``1/m`` in another link)."""
    from ..checker.files import check_vector_chain

    r = proof.result
    if r.verdict != VERIFIED or len(proof.sides) != 2 or not net.shapes:
        return None
    try:
        shown = written = parse_chain(latex if latex is not None else r.latex, net.functions)
        if proof.substituted:  # an algorithm's claim: checked with its assignments' values
            written = parse_chain(proof.substituted, net.functions)
            if len(shown.sides) != 2 or len(written.sides) != 2:
                return None
        read = translate(written, net.shapes, net.layout, net.range_letter, net.conventions)
        if not isinstance(read, Read) or len(written.sides) != 2:
            return None
        if scale is None:  # Ng's 1/m: both sides were times M
            scale = read.scale[1] if read.scale is not None else 0
        got: list[tuple[str, list[str]]] = []  # each step with vectors and the reasons of its index steps
        why: list[str] = []
        last = written.sides[0].key()
        for row in c.link_rows(proof, here):
            if row.why:
                why.append(row.why)
            v = to_vectors(parse_expression(row.latex, net.functions), read.axes, net.shapes, net.conventions,
                           scale)
            if v is None or v.key() == last:
                continue
            got.append((unparse(v), why))
            why, last = [], v.key()
        if got and got[-1][0] != unparse(written.sides[1]):
            got.append((unparse(written.sides[1]), why))
        elif got and why:
            got[-1] = (got[-1][0], got[-1][1] + why)
        elif not got and least < 2:
            got = [(unparse(written.sides[1]), why)]
        rows = _delta_rows(net, unparse(written.sides[0]), got)
        if len(rows) < least:
            return None
        texts = [unparse(written.sides[0])] + [x.latex for x in rows]
        chain = parse_chain(" = ".join(texts), net.functions)
        if not all(x.verdict == VERIFIED for x in check_vector_chain(net, chain, suggest=False)):
            return None
        if shown is not written:  # the sides as written, each its assignment's value at that point
            for side, was in ((shown.sides[0], written.sides[0]), (shown.sides[1], written.sides[1])):
                if side.key() != was.key():
                    break
            else:
                return texts[0], rows
            def syms(ch: Chain) -> set[str]:
                return {unparse(n) for x in ch.sides for n in x.walk() if isinstance(n, Sym) and not n.groups}

            names = sorted(syms(shown) - syms(written))  # the names of the assignments (g)
            said = ", ".join(f"${x}$" for x in names) or "the assignments"
            if shown.sides[1].key() != written.sides[1].key():
                why = f"; {rows[-1].why}" if rows[-1].why else ""
                rows[-1] = _Row(unparse(shown.sides[1]), f"{said} as assigned at this point{why}")
            first = unparse(shown.sides[0])
            if shown.sides[0].key() != written.sides[0].key():
                rows.insert(0, _Row(texts[0], f"{said} as assigned at this point"))
            return first, rows
    except SymbpError:
        return None
    return texts[0], rows


def _delta_rows(net: Network, first: str, got: list[tuple[str, list[str]]]) -> list[_Row]:
    r"""The steps with vectors of :func:`_vector_rows` (each with the reasons of the index steps it
    stands for) as rows, where the network's ``\delta`` is the gradient by a layer's vector
    (Nielsen's ``\delta^l = \nabla_{z^l} C``): a step that only writes a ``\delta`` as that
    gradient, or back, is given as the definition of ``\delta`` (not the normal form's
    reordering), and a last step whose ``\delta`` the index proof reached by its definition among
    other reasons (BP3's ``\frac{\partial C}{\partial b^l} = \delta^l``: the chain rule, the
    definition of ``\delta``, a forward equation) is preceded by the same with the gradient written
    out, that definition its own step.  The rows are to be checked as written (the caller does).

    >>> from types import SimpleNamespace
    >>> net = SimpleNamespace(error_name="C",
    ...                       delta_families=lambda label: [SimpleNamespace(name="z^" + label)])
    >>> rows = _delta_rows(net, r"\frac{\partial C}{\partial b^{(1)}}",
    ...                    [(r"\delta^{(1)}", ["chain rule", "definition of $\\delta$: x",
    ...                                         "forward equation"])])
    >>> [(r.latex, r.why) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('\\nabla_{z^{(1)}} C', 'chain rule; forward equation'),
     ('\\delta^{(1)}', 'definition of $\\delta$: $\\delta^{(1)} = \\nabla_{z^{(1)}} C$')]
    """
    pattern = re.compile(r"\\delta(\^\{[^{}]*\}|\^[A-Za-z0-9])")
    def of(m: re.Match) -> str:  # \delta^{(1)}'s gradient: by the family \delta^{(1)} stands for
        fams = net.delta_families(m.group(1)[1:])
        if len(fams) != 1:
            return m.group(0)
        return f"\\nabla_{{{fams[0].name}}} {net.error_name}"

    def grad(text: str) -> str:
        return pattern.sub(of, text)

    def defined(a: str, b: str) -> str:
        d = next((m.group(0) for m in pattern.finditer(a + " " + b)), "\\delta")
        return f"definition of $\\delta$: ${d} = {grad(d)}$"

    rows: list[_Row] = []
    prev = first
    for k, (text, whys) in enumerate(got):
        substance = [w for w in whys if w and not w.startswith("normal form")]
        if text != prev and grad(text) == grad(prev) and not substance:
            rows.append(_Row(text, defined(prev, text)))
        elif (k == len(got) - 1 and pattern.search(text) and grad(text) != grad(prev)
              and any(w.startswith("definition of $\\delta$") for w in whys)
              and any(not w.startswith(("definition of $\\delta$", "normal form")) for w in substance)
              and grad(text) != prev):
            rest = [w for w in whys if not w.startswith("definition of $\\delta$")]
            rows.append(_Row(grad(text), _joined(rest)))
            rows.append(_Row(text, defined(text, text)))
        else:
            rows.append(_Row(text, _joined(whys)))
        prev = text
    return rows


def _joined(whys: list[str]) -> str:
    """The reasons of the index steps a step with vectors stands for, in one: a normal form's
    (a reordering) left out beside a reason of substance, which the compact reason would hide
    (:func:`short_why` reads a reason that starts with the normal form as that alone)."""
    kept = [w for w in whys if w and not w.startswith("normal form")]
    return "; ".join(dict.fromkeys(kept or [w for w in whys if w]))


def _compact_network(net: Network, tags: dict[str, str]) -> list[str]:
    """The network in a few lines: the forward equations tagged (F1), (F2), ... for the reasons,
    the ranges, what is shared, what the functions are."""
    rows = [f"  {eq} \\tag*{{(F{k})}}" for k, eq in enumerate(tags, 1)]
    ranges = ", ".join(f"${latex_name(x)} = 1, \\dots, {r}$" for x, r in sorted(net.ranges.items()))
    facts = [f"indices {ranges}"]
    pinned = _pinned(net, " ".join(f"{latex_name(name)}_{{{''.join(str(u) for u in units)}}}"
                                   for name, units, _ in net.constants))
    if pinned:  # PRML's bias units: x_0 = 1 (the unit 0 of a range that a forward sum runs from 0)
        facts.append(_units_zero(net, pinned))
    for m, parts in net.composites.items():
        facts.append(f"${latex_name(m)}$ runs over the units ${group_letters(parts, (len(parts),))}$")
    for f in net.params:
        over = net._shared_over(f)
        if over:
            facts.append(f"${f.show()}$ is \\textbf{{shared}} over "
                         + ", ".join(f"${latex_name(net.range_letter.get(r, r))}$" for r in over))
    kinds = {**{f: "any differentiable function" for f in net.functions}, **net.activations}
    facts += [f"${latex_name(f)}$ is {escape(kind)}" for f, kind in sorted(kinds.items())]
    written = any(net.families[f].name == net.error_name for f in net.definitions)
    facts.append(f"${net.error_name}$ is " + (escape(net.error_kind) + " error" if net.error_kind
                                             else "as its forward equation defines it" if written
                                             else "any differentiable function of the outputs"))
    facts.append(f"$\\delta_x \\equiv \\partial {net.error_name}/\\partial {latex_name(net.delta_of)}_x$"
                 if net.delta_of else  # the pre-activations have several letters
                 f"$\\delta$ of a unit is the derivative of ${net.error_name}$ by its pre-activation")
    return ["\\paragraph{The network.}", "\\begin{align*}", " \\\\\n".join(rows), "\\end{align*}",
            "; ".join(facts) + "."]


@dataclass
class ProofDocument:
    """The proofs of one derivation file and the LaTeX document that shows them."""

    file: str
    proofs: list[Proof]
    text: str

    @property
    def exit_code(self) -> int:
        """As ``symbp check``: 0 every verdict as the file expects, 1 some is not, 2 an input error."""
        rs = [p.result for p in self.proofs]
        if any(r.verdict == ERROR and not r.as_expected for r in rs):
            return 2
        return 1 if any(not r.as_expected for r in rs) else 0


def prove_file(path: str | Path, label: str | None = None, detail: str = "compact") -> ProofDocument:
    """Check a derivation file and write up the proofs (only the equation labelled ``label``,
    given as written in the file or as its number: ``①``, ``\\textcircled{1}``, ``5.53``), in the
    ``compact`` form (the default: :func:`compact_document`) or in ``full`` (:func:`document`).

    >>> doc = prove_file("derivations/prml_5_3_1.tex")
    >>> doc.text.startswith("\\\\documentclass") and doc.exit_code
    0
    """
    from ..document import load

    deriv = load(path)
    wanted = None
    if label is not None:
        wanted = _find_label(deriv, label)
    proofs = prove_derivation(deriv, wanted)
    title = f"symbp: the proofs of {Path(str(path)).name}" + (f", equation {label}" if label else "")
    write = compact_document if detail == "compact" else document
    return ProofDocument(str(path), proofs, write(proofs, deriv.network, title))


def _find_label(deriv: Derivation, label: str) -> str:
    for eq in deriv.equations:
        if label_key(eq.label) == label_key(label):
            return eq.label
    known = ", ".join(dict.fromkeys(eq.label for eq in deriv.equations)) or "none"
    raise NotationError(f"no equation labelled {label!r} in {deriv.file}", hint=f"labels here: {known}")
