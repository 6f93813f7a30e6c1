"""Verdicts for generic layers and steps: an equation claimed of a layer ``l`` of an ``L``-layer
network (Nielsen's BP1-BP4) or of a step ``t`` of ``T`` (Graves's BPTT), with the reach of the
proof said.

A claim is checked two ways (:mod:`symbp.engine.generic` writes it at concrete layers):

* **unrolled**, at the depths :data:`DEPTHS` (``L = 2, 3, 4``; lengths ``T = 2, 3, 4``: at
  ``T = 1`` a recurrent weight does not occur, ``b^0 = 0``, so a claim about it would name a
  family that network lacks), at every
  layer ``l`` where it names only layers the network has, each with the ordinary checker (widths
  symbolic).  A refutation at any of them refutes the claim, and its counterexample names the
  depth and the layer;
* **by a window** (layers only): the claim at ``l`` names the layers ``l+b .. l+t``; the network
  of those layers alone, with the activations ``a^{l+b-1}`` below as given inputs and the cost
  an undefined function of the window's last activations ``a^{l+t}``, has every derivative the
  claim takes as the full network has it, for every ``l`` with ``1 <= l+b`` and ``l+t <= L`` and
  every depth: below the window nothing depends on its quantities, and above it the cost *is*
  a function of ``a^{l+t}`` (through the layers above, or by definition when ``l+t = L``).  So a
  verification of the window, for all widths, is a proof for every such layer of every depth
  (the induction step of BP2: ``\\delta^{l+1}`` stands for whatever the layers above make of
  it).  This holds for a template whose layer uses only the one below it and whose unrolled
  network's outputs are the families the next layer uses (:attr:`Template.window_problem`
  says why not, otherwise); the window is itself one of the unrolled networks (BP2's: depth
  2 at ``l = 1``), and the verdict is ``verified`` only when every unrolled check agrees.

Where only the unrolled depths agreed, the verdict is ``verified-at-sizes`` naming them, and the
layers (steps) of each it checked where not every one was (:func:`_checked_at`).  A verdict for
every step names the steps its windows decided and says the others of ``1..T`` were not decided,
where the claim names a step past the boundary ``\\delta^{T+1} = 0`` or before the first
(:func:`_undecided_steps`).

What it costs (issue 13: "a generic-layer proof costs about what the seed's ② costs";
``benchmarks/bench_generic.py``): the window's run (or the windows of steps) is the proof, checked
symbolically in full; the unrolled runs are the cross-checks, a soundness guard (the window alone
once verified false claims: tests/test_audit_findings.py, 'layers_sos' and the BPTT reach rows).
Where the verdict will rest on a window's symbolic proof, and while every symbolic run so far
verified, an unrolled run is cross-checked **by value** (:func:`symbp.engine.evaluate.agrees`: both
sides evaluated in the unrolled network at two random points, the derivatives by complex step,
no normal form built); a run it cannot read, or where the sides differ, is checked symbolically.
A verdict other than *verified* is then made again by symbolic runs alone, as before the evaluator
(:func:`check_generic`), so a refutation keeps its exact counterexample, layer and message, and a
*verified-at-sizes* verdict rests on symbolic runs only; a *verified* verdict needs the window's
proof and agreement at every depth and layer the message counts, and says how many of them
agreed numerically ("(6 layers, 5 of them numerically at random points)").  The symbolic runs are
checked for their verdicts alone (:func:`symbp.checker.pipeline.verdict_only`: no repair search,
no derived expression, no printed value), except the window's and the first error or refutation
of each link (:func:`_reread`).  The unrolled networks (and their δs, and the evaluator's points,
cached on each network) are declared once per file, on the template, and shared by its claims.
Room ``symbp.checker``; imports :mod:`symbp.diagnoses`, :mod:`symbp.errors`, the AST and its
printer, :mod:`symbp.engine.generic`, :mod:`symbp.engine.evaluate`, the pipeline and the results.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from .. import diagnoses as dx
from ..engine.evaluate import agrees
from ..engine.generic import LAYER_LETTERS, Instance, Invalid, Template
from ..errors import InputError, SymbpError, UnsupportedError
from ..latex.ast import Chain, Deriv, Num, SumOp, Sym
from ..latex.unparse import unparse
from ..limits import MAX_UNROLL
from ..notation import latex_name
from .pipeline import check_chain, verdict_only
from .results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult

__all__ = ["DEPTHS", "check_generic", "generic_fits", "generic_text", "proof_instance"]

#: the message of an unrolled run that agreed by value (never shown: a verdict reads only the
#: verdict of such a run)
BY_VALUE = "agrees by value at the random points of symbp.engine.evaluate"

#: the unrolled depths (lengths) every generic claim is checked at
DEPTHS = {"layers": (2, 3, 4), "steps": (1, 2, 3, 4)}


def _depths(tpl: Template, chain: Chain) -> tuple[int, ...]:
    """:data:`DEPTHS`, and beyond them as far as the claim reaches (:func:`_reach`), at most to
    :data:`symbp.limits.MAX_UNROLL` (a claim that reaches further is not decided:
    :func:`check_generic`)."""
    base = DEPTHS[tpl.mode]
    return base + tuple(range(base[-1] + 1, min(_reach(tpl, chain), MAX_UNROLL - 1) + 2))


def _reach(tpl: Template, chain: Chain) -> int:
    """How far a claim reaches: it is unrolled up to the length (depth) ``_reach + 1``, the first
    where every term it names can be a real step.  A term ``\\delta^{t+4}`` lands on a real step
    only from the length 5 on (at 1..4 it is the boundary ``\\delta^{T+1} = 0`` or absent); a
    product ``\\delta^{t+2} b^{t-2}`` has both factors real only from ``T = 5`` (``t = 3``): the
    spread of the offsets, not the largest of them (the audit: a false claim verified at T = 1..4).
    A sum's lower bound ``c`` (``\\sum_{t=5}^{T}`` is empty at every length up to 4) adds the
    largest offset after it: its first term, ``t = c``, names the step ``c + p``.

    >>> t = Template("steps", "t", "T", [r"a^t_h = \\sum_i w_{ih} x^t_i + \\sum_{h'} w_{h'h} b^{t-1}_{h'}",
    ...              r"b^t_h = \\theta_h(a^t_h)"], {"params": ["w"]})
    >>> _reach(t, t.parse(r"x^t_i = \\delta^{t+2}_h b^{t-2}_h"))
    4
    >>> _reach(t, t.parse(r"x^t_i = \\delta^{t+4}_h"))
    4
    >>> _reach(t, t.parse(r"x^T_i = \\sum_{t=5}^{T} \\delta^{t+1}_h"))
    6
    """
    marks = tpl.claim_marks(chain, free=False)
    offsets = [m.offset for _, m in marks if m.kind != "const"]
    hi, lo = max(offsets + [0]), min(offsets + [0])
    numbered = max((m.offset for _, m in marks if m.kind == "const"), default=0)  # x^3_i: from T = 3
    return max(hi - lo, _bound_reach(tpl.var, chain) + hi, numbered)


def _bound_reach(var: str, chain: Chain) -> int:
    """The largest number in the bounds of a sum over the generic letter ``var``.

    >>> from symbp.latex.parser import parse_chain
    >>> _bound_reach("t", parse_chain(r"x = \\sum_{t=5}^{T} y_k"))
    5
    >>> _bound_reach("t", parse_chain(r"x = \\sum_{t=1}^{T-2} y_k"))
    2
    """
    return max((abs(int(n.value)) for side in chain.sides for s in side.walk()
                if isinstance(s, SumOp) and s.index == var
                for bound in (s.lower, s.upper) if bound is not None
                for n in bound.walk() if isinstance(n, Num)), default=0)


_STEP = re.compile(r"\^\{\((\d+)\)\}$")


def _off(letter: str, d: int) -> str:
    return letter if d == 0 else f"{letter}{d:+d}"


def _superscript(t: str) -> str:
    """``t`` as a superscript, braced where it is longer than one character: ``^l``, ``^{l+1}``."""
    return f"^{{{t}}}" if len(t) > 1 else f"^{t}"


def _sup(letter: str, d: int) -> str:
    return _superscript(_off(letter, d))


def _back(text: str, anchor: int, letter: str, letters: dict[str, str]) -> str:
    """A concrete instance's text written back generically: ``^{(3)}`` at ``l = 2`` is ``^{l+1}``,
    the unrolled network's index letters the claim's."""
    text = re.sub(r"\^\{\((\d+)\)\}", lambda m: _sup(letter, int(m.group(1)) - anchor), text)
    # a transposed layer, w^{(2)T}: in brackets, which a generic file reads too (w^{(l+1)T})
    text = re.sub(r"\^\{\((\d+)\)(T|\\top|\\intercal)\}",
                  lambda m: f"^{{({_off(letter, int(m.group(1)) - anchor)}){m.group(2)}}}", text)
    # Ng's column of an example, Z^{(2)(i)}: Z^{(l+1)(i)}
    text = re.sub(r"\^\{\((\d+)\)\(([A-Za-z])\)\}",
                  lambda m: f"^{{({_off(letter, int(m.group(1)) - anchor)})({m.group(2)})}}", text)
    # a function of a layer, Ng's g^{[2]} (a family's layer is in parentheses): g^{[l+1]}
    text = re.sub(r"\^\{\[(\d+)\]\}", lambda m: f"^{{[{_off(letter, int(m.group(1)) - anchor)}]}}", text)
    inverse = {v: k for k, v in letters.items()}

    def sub(m: re.Match) -> str:
        inner = re.sub(r"[A-Za-z]'*", lambda x: inverse.get(x.group(0), x.group(0)), m.group(1))
        return "_{" + inner + "}"

    return re.sub(r"_\{([^{}]*)\}", sub, text) if inverse else text


def _widths(text: str, net: Any, anchor: int, letter: str, pool: tuple[str, ...] = LAYER_LETTERS) -> str:
    """The widths of an unrolled network's layers, in a shape mismatch's words, written as the
    widths of the generic layers: ``a K \\times J matrix`` at ``l = 1`` is ``an n_{l+1} \\times
    n_{l} matrix``.

    >>> from types import SimpleNamespace
    >>> net = SimpleNamespace(ranges={"j": "J", "k": "K"})
    >>> print(_widths(r"multiplies a K \\times J matrix by a K-vector", net, 1, "l"))
    multiplies an n_{l+1} \\times n_{l} matrix by an n_{l+1}-vector
    """
    width = {net.ranges[x]: f"n_{{{_off(letter, n - anchor)}}}" for n, x in enumerate(pool)
             if x in net.ranges}

    def sub(m: re.Match) -> str:
        return f"{'an ' if m.group(1) else ''}{width[m.group(2)]}" if m.group(2) in width else m.group(0)

    return re.sub(r"(\ban? )?\b([A-Z]\d*)(?=-vector| \\times | (?:row vector|matrix))", sub, text)


def _width_parts(parts: tuple, net: Any, anchor: int, letter: str,
                 pool: tuple[str, ...] = LAYER_LETTERS) -> tuple:
    """:func:`_widths` for a diagnosis's parts, where a shape is maths of its own
    (``'a '``, ``Math('K \\times J')``, ``' matrix'``)."""
    width = {net.ranges[x]: f"n_{{{_off(letter, n - anchor)}}}" for n, x in enumerate(pool)
             if x in net.ranges}
    out = list(parts)
    for k, p in enumerate(out):
        if not (isinstance(p, dx.Math) and re.fullmatch(r"(?:(?:[A-Z]\d*|1) \\times )?[A-Z]\d*", p)):
            continue
        new = re.sub(r"\b[A-Z]\d*\b", lambda m: width.get(m.group(0), m.group(0)), p)
        if new != p and k and isinstance(out[k - 1], str) and not isinstance(out[k - 1], dx.Math) \
                and re.search(r"\ban? $", out[k - 1]) and new.startswith("n_"):
            out[k - 1] = re.sub(r"\ban? $", "an ", out[k - 1])
        out[k] = dx.Math(new)
    return tuple(out)


def _link_text(chain: Chain, k: int) -> str:
    return f"{unparse(chain.sides[k])} {chain.rels[k]} {unparse(chain.sides[k + 1])}"


def check_generic(tpl: Template, chain: Chain,
                  check: Callable[[Any, Chain], list[LinkResult]] = check_chain) -> list[LinkResult]:
    """The results of a generic claim, one per link (see the module docstring); ``check`` checks
    an instance on an unrolled network (:func:`check_chain`; a claim in vector notation is
    translated first, :func:`symbp.checker.files.check_vector_chain`).

    >>> t = Template("layers", "l", "L", [r"z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j",
    ...              r"a^l_j = \\sigma(z^l_j)"], {"error": "C"})
    >>> r, = check_generic(t, t.parse(r"\\delta^l_j = \\sum_k w^{l+1}_{kj} \\delta^{l+1}_k \\sigma'(z^l_j)"))
    >>> r.verdict, r.message.split(":")[0]
    ('verified', 'verified for every layer l = 1..L-1 of every depth L, all sizes')
    >>> r, = check_generic(t, t.parse(r"\\delta^l_j = \\sum_k w^{l}_{kj} \\delta^{l+1}_k \\sigma'(z^l_j)"))
    >>> r.verdict, r.counterexample["depth"], r.counterexample["layer"]
    ('refuted', 2, 1)
    """
    by_value: list[tuple[int, int]] = []
    out = _check_generic(tpl, chain, check, by_value)
    if by_value and any(r.verdict != VERIFIED for r in out):
        # a verdict that is not "verified" is today's, by symbolic runs alone: the runs agreed by
        # value are checked again symbolically (a refutation's counterexample, an at-sizes verdict)
        out = _check_generic(tpl, chain, check, None)
    return out


def _check_generic(tpl: Template, chain: Chain, check: Callable[[Any, Chain], list[LinkResult]],
                   by_value: list[tuple[int, int]] | None) -> list[LinkResult]:
    """:func:`check_generic`; ``by_value``: where to list the unrolled runs cross-checked by value
    (:func:`symbp.engine.evaluate.agrees`) instead of symbolically, ``None``: none of them."""
    n = len(chain.rels)
    shown = [tpl.show(_link_text(chain, k)) for k in range(n)]
    kinds = {m.kind for _, m in tpl.claim_marks(chain)}
    bound = not kinds and bool(tpl.claim_marks(chain, free=False))  # \sum_{t=1}^{T}: about T
    what = tpl.mode[:-1]  # layer, step
    var = tpl.var
    if not kinds and not bound:
        return [LinkResult(shown[k], ERROR, f"this equation names no {what}: it cannot be checked "
                           f"against a generic {what} {var}", link=k + 1, links=n, error="UnsupportedError",
                           code="unsupported") for k in range(n)]
    # a claim about L, or about layers (steps) by their numbers only (x^1_i, b^0_h): once per depth
    at_depth = bool(kinds) and kinds <= {"depth", "const"} or bound
    local = _local_or_total(tpl, chain)
    if local is not None:
        return [LinkResult(shown[k], ERROR, local, link=k + 1, links=n, error="NotationError",
                           code=dx.AMBIGUOUS_READING.name) for k in range(n)]
    runs: list[tuple[int, int, Instance, list[LinkResult]]] = []
    # Each unrolled run is checked for its verdicts alone (verdict_only: no repair search, no
    # derived expression, no printed normal form; the verdicts are a full check's), except the runs
    # whose words a verdict reads: the window's (its "there it ..." is the proof's text), checked in
    # full as it goes, and the first error or refutation of each link, checked again in full after
    # the loop (_reread).  Every run is still checked symbolically at every depth and layer it was
    # before: the cross-checks are as many and as strong, only what nobody reads is not computed.
    window_at = _window_run(tpl, chain, at_depth)
    nets: list[Any] = []
    skip = _absent_layers(tpl, chain)
    tried = False
    size = "depth" if tpl.mode == "layers" else "length"
    if _reach(tpl, chain) + 1 > MAX_UNROLL:
        return [LinkResult(shown[k], ERROR, f"this equation reaches the {size} {tpl.depth} = "
                           f"{_reach(tpl, chain) + 1} (the first where every {what} it names is real), past "
                           f"the longest symbp unrolls ({MAX_UNROLL}): not decided", link=k + 1, links=n,
                           error="ResourceLimitError", code="bound-reached") for k in range(n)]
    lacked: dict[int, str] = {}  # a depth (at_depth) where the claim names a step that network lacks
    # The cross-checks by value: only where a symbolic proof will carry the verdict (the window,
    # one of the runs and checked symbolically in full; the windows of steps, checked first), and
    # only while every symbolic run so far verified; any other verdict is made again by symbolic
    # runs alone (check_generic)
    steps_proof = _steps_proof(tpl, chain) if tpl.mode == "steps" and by_value is not None else None
    proved = by_value is not None and (
        window_at is not None if tpl.mode == "layers" else
        isinstance(steps_proof, _Proof)
        and all(r.verdict == VERIFIED for rs in steps_proof.results for r in rs))
    try:
        for depth in _depths(tpl, chain):
            for layer in ([depth] if at_depth else range(0, depth + 2)):
                if tried and skip(None if at_depth else layer, depth):
                    continue  # tpl.instance would raise Invalid
                tried = True
                try:
                    inst = tpl.instance(chain, None if at_depth else layer, depth)
                    inst.chain = tpl.fit(inst.chain, depth)
                except Invalid as exc:
                    if at_depth:
                        lacked[depth] = str(exc)
                    continue
                net = tpl.network(depth, equal=bool(inst.conflicts))
                full = window_at is not None and depth == window_at[0] and (at_depth or layer == window_at[1])
                if (by_value is not None and not full and proved
                        and agrees(net, inst.chain) is True):  # every link holds at the random points
                    results = [LinkResult("", VERIFIED, BY_VALUE, link=k + 1, links=n) for k in range(n)]
                    by_value.append((depth, layer))
                else:
                    with nullcontext() if full else verdict_only():
                        results = check(net, inst.chain)
                    proved = proved and all(r.verdict == VERIFIED for r in results)
                runs.append((depth, layer, inst, results))
                nets.append(None if full else net)
        # a claim about step t: the evidence at a step of 1..T first (t = T+1 has only the boundary
        # \delta^{T+1} = 0 there), as _verdict reads it
        _reread(runs, nets, n, check,
                lambda depth, layer: tpl.mode != "steps" or at_depth or 1 <= layer <= depth)
    except InputError as exc:
        exc_text = exc.brief()
        return [LinkResult(shown[k], ERROR, exc_text, link=k + 1, links=n, error=type(exc).__name__,
                           code=exc.code) for k in range(n)]
    except SymbpError as exc:
        return [LinkResult(shown[k], ERROR, str(exc), link=k + 1, links=n, error=type(exc).__name__)
                for k in range(n)]
    if not runs and (numbered := _numbered_problem(tpl, chain)) is not None:
        exc = UnsupportedError(numbered.text, hint=numbered.hint, diagnosis=numbered)
        return [LinkResult(shown[k], ERROR, exc.brief(), link=k + 1, links=n, error="UnsupportedError",
                           code=exc.code) for k in range(n)]
    if not runs:
        return [LinkResult(shown[k], ERROR, f"this equation names {what}s that no network of depth "
                           f"{', '.join(map(str, _depths(tpl, chain)))} has", link=k + 1, links=n,
                           error="UnsupportedError", code="unsupported") for k in range(n)]
    late = [d for d in lacked if any(d2 < d for d2, _, _, _ in runs)]
    if late:  # a claim about every length that stops being one: a sum's terms name steps it lacks
        d = late[0]
        first = min(d2 for d2, _, _, _ in runs)
        base, _, at = lacked[d].partition("^")
        named = f"{latex_name(base)}^{{({at})}}" if at.lstrip("-").isdigit() else tpl.show(lacked[d])
        return [LinkResult(shown[k], ERROR, f"at the {size} {tpl.depth} = {d} this equation names "
                           f"{named}, a {what} that network does not have (checked at {tpl.depth} = "
                           f"{first}, it is not at {d}): a sum over the {what}s whose terms name a {what} "
                           f"before the first or after the last cannot be checked (hint: write the sum's "
                           f"bounds so that every term names a real {what})", link=k + 1, links=n,
                           error="UnsupportedError", code="unsupported") for k in range(n)]
    if tpl.mode == "steps":
        proof = steps_proof if steps_proof is not None else _steps_proof(tpl, chain)
        return [_verdict(tpl, chain, shown[k], k, n, runs, None, at_depth, proof) for k in range(n)]
    window = tpl.window(chain)
    wruns = runs  # the runs the window is read from
    if window is not None and not at_depth and (tpl.kw.get("error_kind") is not None or tpl.top):
        # a concrete error (% symbp: error sum-of-squares) is the error of the top layer only at L:
        # at a generic l the window's objective is an undefined function of its top layer, as the
        # window's words say, not the catalogue's error of that layer's activations
        try:
            inst = tpl.instance(chain, window[1], window[0])
            inst.chain = tpl.fit(inst.chain, window[0])
            net = tpl.network(window[0], equal=bool(inst.conflicts), free_error=True)
            wruns = [(window[0], window[1], inst, check(net, inst.chain))]
        except (Invalid, SymbpError):
            window = None
    elif window is not None and not any(d == window[0] and (at_depth or la == window[1])
                                      for d, la, _, _ in runs):
        try:  # the window is smaller than every unrolled depth: checked on its own
            inst = tpl.instance(chain, window[1], window[0])
            runs.append((window[0], window[0] if at_depth else window[1], inst,
                         check(tpl.network(window[0], equal=bool(inst.conflicts)), inst.chain)))
        except (Invalid, SymbpError):
            window = None
    out = []
    for k in range(n):
        out.append(_verdict(tpl, chain, shown[k], k, n, runs, window, at_depth, wruns=wruns))
    return out


def _absent_layers(tpl: Template, chain: Chain) -> Callable[[int | None, int], bool]:
    """Whether the claim at layer (step) ``var`` of depth ``depth`` names a layer that network lacks,
    read from its marks alone: :meth:`Template.instance` raises :class:`Invalid` there (on the
    first such superscript it meets), so the loop need not build the instance.  Never for a claim
    with a sum over the generic letter (that sum's error, raised where the instance meets it, may
    come before the superscript), and the first instance is always built (its input errors, which
    do not depend on the layer, are raised there).

    >>> t = Template("layers", "l", "L", [r"z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j",
    ...              r"a^l_j = \\sigma(z^l_j)"], {"error": "C"})
    >>> skip = _absent_layers(t, t.parse(r"\\delta^l_j = \\sum_k w^{l+1}_{kj} \\delta^{l+1}_k"))
    >>> [v for v in range(0, 5) if not skip(v, 3)]
    [1, 2]
    """
    if any(isinstance(x, SumOp) and x.index == tpl.var for side in chain.sides for x in side.walk()):
        return lambda var, depth: False
    marks = tpl.claim_marks(chain, free=False)

    def absent(var: int | None, depth: int) -> bool:
        env = {"depth": depth} if var is None else {"var": var, "depth": depth}
        return any(m.kind in env and tpl.valid(base, env[m.kind] + m.offset, depth) == "invalid"
                   for base, m in marks)

    return absent


def _window_run(tpl: Template, chain: Chain, at_depth: bool) -> tuple[int, int | None] | None:
    """The unrolled run (depth, layer) whose words the verdict reads as the window's proof, when the
    window is one of the unrolled runs (not when it is checked on a network of its own: a
    concrete error at a generic layer, or a window of steps)."""
    if tpl.mode != "layers":
        return None
    window = tpl.window(chain)
    if window is None or (not at_depth and (tpl.kw.get("error_kind") is not None or tpl.top)):
        return None
    return window[0], window[1]


def _reread(runs: list, nets: list, n: int, check: Callable[[Any, Chain], list[LinkResult]],
            inside: Callable[[int, int], bool] = lambda depth, layer: True) -> None:
    """Check again in full the verdict-only runs whose words :func:`_verdict` reads: for each link,
    its first error, else its first refutation (one of a run ``inside`` the claim's range first: a
    step of 1..T).  A full check was made, before, of every run up to the one where each link had
    an error or a refutation inside (then the rest for their verdicts alone), so a run read after
    that one keeps its verdict-only words, as it had them: the results are those of that order,
    byte for byte."""
    decided = [False] * n
    last = len(runs)  # the last run checked in full before
    for i, (depth, layer, _, results) in enumerate(runs):
        for k, r in enumerate(results[:n]):
            decided[k] = decided[k] or (r.verdict in (REFUTED, ERROR) and inside(depth, layer))
        if all(decided):
            last = i
            break
    read = set()
    for k in range(n):
        for wanted in (ERROR, REFUTED):
            found = [i for i, (_, _, _, rs) in enumerate(runs) if rs[k].verdict == wanted]
            if wanted == REFUTED:
                found.sort(key=lambda i: not inside(runs[i][0], runs[i][1]))
            if found:
                read.add(found[0])
                break
    for i in sorted(read):
        if i <= last and nets[i] is not None:
            depth, layer, inst, _ = runs[i]
            runs[i] = (depth, layer, inst, check(nets[i], inst.chain))
            nets[i] = None


def _numbered_problem(tpl: Template, chain: Chain) -> dx.FixedStep | None:
    """Why a claim that names a layer (step) by its number was checked at no depth: the number is
    below the family's first layer, or the family is there the boundary ``0`` (a constant)."""
    for base, m in tpl.claim_marks(chain):
        if m.kind != "const":
            continue
        first = 0 if base in tpl.carriers else 1
        zero = m.offset == 0 and first == 0 and tpl.mode == "steps" and base not in tpl.named_zero
        if m.offset < first or zero:
            return dx.FixedStep(f"{tpl.show(base)}^{m.text}", m.offset, tpl.mode, tpl.var, tpl.depth,
                                boundary="0" if zero else None, first=first)
    return None


def _local_or_total(tpl: Template, chain: Chain) -> str | None:
    """Graves's ``\\frac{\\partial a^t_h}{\\partial w_{ih}} = x^t_i`` (3.35): a quantity of one step
    differentiated by a weight every step shares.  Read as the total derivative it also runs
    through the steps before (``b^{t-1}`` uses the same weight), and is false; read as the local
    one, the weight's use at step ``t``, it is true: two readings, so an error naming both (the
    total derivative of the objective, ``\\frac{\\partial O}{\\partial w_{ih}}``, is one reading)."""
    if tpl.mode != "steps":
        return None
    for side in chain.sides:
        for node in side.walk():
            if not (isinstance(node, Deriv) and isinstance(node.wrt, Sym)):
                continue
            num = node.num if node.num is not None else node.body
            marked = [n for n in (num.walk() if num is not None else ()) if isinstance(n, Sym)
                      and tpl.split(n.name)[1] is not None]
            base, mark = tpl.split(node.wrt.name)
            if marked and mark is None and base in tpl.params:
                shown = tpl.show(unparse(node))
                return (f"{shown} differentiates a quantity of one step by a weight every step shares: "
                        f"as the total derivative it runs through the steps before too (which use the "
                        f"same weight), as the local one it is the weight's use at this step alone; "
                        f"symbp does not guess which (hint: state the gradient of the objective, which "
                        f"has one reading: \\frac{{\\partial O}}{{\\partial {latex_name(base)}}} "
                        f"= \\sum_{{{tpl.var}=1}}^{{{tpl.depth}}} ..., each step's term written out)")
    return None


def _where(tpl: Template, depth: int, layer: int, at_depth: bool) -> str:
    what = tpl.mode[:-1]
    D = tpl.depth
    if at_depth:
        return f"at depth {D} = {depth}" if tpl.mode == "layers" else f"at length {D} = {depth}"
    if tpl.mode == "layers":
        return f"at depth {D} = {depth}, {what} {tpl.var} = {layer}"
    return f"at length {D} = {depth}, {what} {tpl.var} = {layer}"


def _window_cost(tpl: Template, at_depth: bool, of: str, D: str) -> str:
    """What the window takes the cost for: an undefined function of its top layer ``of`` (which
    it is through the layers above), or at ``L`` the cost written at the top (or the catalogue's)
    as the file defines it; each input's, where the cost is the average over the inputs (``C =
    \\frac{1}{n} \\sum_x C_x``).

    >>> t = Template("layers", "l", "L", [r"z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j",
    ...     r"a^l_j = \\sigma(z^l_j)", r"C_x = \\frac{1}{2} \\sum_j (a^L_j - y_j)^2",
    ...     r"C = \\frac{1}{n} \\sum_x C_x"], {"error": "C"})
    >>> print(_window_cost(t, True, "a^L", "L"))
    C, the average over the inputs x of C_x, as the file defines it of a^L
    >>> print(_window_cost(t, False, "a^l", "L"))
    C the average over the inputs x of C_x, each an undefined function of a^l (which it is through the \
layers above, and by definition at L)
    """
    error = tpl.kw.get("error") or "E"
    patterns = tpl.patterns
    scale = tpl.network(2).mean_scale if patterns else 1  # C = -\frac{1}{n} \sum_x C_x: minus the average
    the = "the" if scale == 1 else "minus the" if scale == -1 else f"{scale} times the"
    if at_depth and (tpl.top or tpl.kw.get("error_kind") is not None):
        avg = f", {the} average over the inputs {patterns[0]} of {error}_{patterns[0]}," if patterns else ""
        return f"{error}{avg} as the file defines it of {of}"
    avg = f" {the} average over the inputs {patterns[0]} of {error}_{patterns[0]}, each" if patterns else ""
    return (f"{error}{avg} an undefined function of {of} (which it is through the layers above, and by "
            f"definition at {D})")


def _verdict(tpl: Template, chain: Chain, shown: str, k: int, n: int, runs: list, window: Any,
             at_depth: bool, proof: Any = None, wruns: list | None = None) -> LinkResult:
    """One link's result from the unrolled ``runs``; the window is read from ``wruns`` (``runs``
    unless the window was checked on its own network: a concrete error at a generic layer)."""
    wruns = runs if wruns is None else wruns
    what = tpl.mode[:-1]
    var, D = tpl.var, tpl.depth
    checked = {d for d, _, _, _ in runs}  # a verdict names only the depths it checked
    depths = [d for d in _depths(tpl, chain) if d in checked]
    base: dict[str, Any] = dict(link=k + 1, links=n)
    anchor_of = (lambda depth, layer: depth) if at_depth else (lambda depth, layer: layer)
    letter = D if at_depth else var
    # layers (steps) by their numbers alone (x^1_i): written back as numbers, not from L
    numbered = all(m.kind == "const" for _, m in tpl.claim_marks(chain)) and bool(tpl.claim_marks(chain))

    # the layers (from l, from L) the claim's symbols place their letters at: a layer of a run is
    # named as the claim writes it (\delta^l_k beside a^L_k: the layers l and L, not l and l+1)
    placed: dict[str, set[int]] = {"var": set(), "depth": set()}
    for node in (n for side in chain.sides for n in side.walk() if isinstance(n, Sym)):
        fam, mark = tpl.split(node.name)
        if mark is not None and mark.kind in placed:
            placed[mark.kind].update(mark.offset + o for o in tpl._sig(fam, len(node.letters)))

    def layer_name(v: str, anchor: int, depth: int) -> str:
        if numbered:
            return v
        if not at_depth and int(v) - anchor not in placed["var"] and int(v) - depth in placed["depth"]:
            return _off(D, int(v) - depth)
        return _off(letter, int(v) - anchor)
    def conflict(inst: Instance, d: int, la: int) -> tuple[str, tuple[str, ...]]:
        """The first index an instance reads at two layers, and those layers as the claim names
        them (``y_j`` of the cost at the top: the layer ``L``)."""
        x, layers = sorted(inst.conflicts.items())[0]
        return x, tuple(_off(D, 0) if inst.at_top.get(x) == int(v) == d
                        else layer_name(v, anchor_of(d, la), d) for v in layers)

    # a refutation at one depth (layer) is the verdict, though another be undecided (a reciprocal's
    # identities, a bound): an input the claim cannot be read from is an error wherever it is
    undecided = ("unsupported", "bound-reached") if any(rs[k].verdict == REFUTED for *_, rs in runs) else ()
    for depth, layer, _inst, results in runs:
        r = results[k]
        if r.verdict != ERROR or r.code in undecided:
            continue
        msg = f"{_where(tpl, depth, layer, at_depth)}: {r.message}"
        return LinkResult(shown, ERROR, msg, code=r.code, error=r.error, **base)
    refuted = [(d, la, i, rs[k]) for d, la, i, rs in runs if rs[k].verdict == REFUTED]
    if tpl.mode == "steps" and not at_depth:  # the evidence at a step of 1..T first (t = T+1 has only
        refuted.sort(key=lambda x: not 1 <= x[1] <= x[0])  # the boundary \delta^{T+1} = 0 there)
    conflicted = [(d, la, i, rs[k]) for d, la, i, rs in runs if i.conflicts]
    if conflicted and not refuted:  # at equal widths it agrees: defined only there
        d, la, inst, r = conflicted[0]
        # not refuted: at other widths one side names units its layer lacks, neither true nor false
        # there (index analysis alone does not decide); an error naming a letter per layer
        x, layers = conflict(inst, d, la)
        return LinkResult.of(shown, ERROR, [dx.IndexAtTwoLayers(x, layers, what)], **base)
    if refuted:
        d, la, inst, r = refuted[0]
        anchor = anchor_of(d, la)
        where = _where(tpl, d, la, at_depth)
        lead = ""
        if inst.conflicts:
            x, layers = conflict(inst, d, la)
            lead = (f"the index {x} stands for units of the {what}s {' and '.join(layers)} (read with every "
                    f"layer equally wide); ")
        inst_text = _link_text(inst.chain, k)
        letters = {} if inst.conflicts else inst.letters
        concrete = bool(tpl.claim_marks(chain, free=False)) and not tpl.claim_marks(chain) or numbered
        if concrete:  # a sum over every step, or numbered steps: what symbp derives is that length's
            r.derived, r.suggestion = (r.derived and tpl.show(r.derived)), None
        legend = ""
        if not inst.conflicts:
            net = tpl.network(d)
            legend = " (" + ", ".join(f"{tpl.mode[:-1]} {x}'s units {tpl.pool[x]}, "
                                      f"width {net.ranges[tpl.pool[x]]}"
                                      for x in range(d + 1) if tpl.pool[x] in net.ranges) + ")"
            if tpl.mode == "steps":
                legend = ""
        said, diagnoses = r.message, list(r.diagnoses)
        if r.code == "shape-mismatch" and tpl.mode == "layers":  # the shapes in the claim's notation
            net_d = tpl.network(d)

            def generic(parts: tuple) -> tuple:
                return _width_parts(tuple(dx.Math(_back(p, anchor, letter, letters)) if isinstance(p, dx.Math)
                                          else p for p in parts), net_d, anchor, letter, tpl.pool)

            said = _widths(_back(said, anchor, letter, letters), net_d, anchor, letter, tpl.pool)
            diagnoses = [dx.ShapeMismatch(generic(g.words), generic(g.fix)) if isinstance(g, dx.ShapeMismatch)
                         else g for g in diagnoses]
        message = (f"{lead}refuted {where}, where it reads {inst_text}{legend}: {said}")
        cx = dict(r.counterexample or {})
        if cx:  # a shape mismatch has none: the shapes are its evidence
            cx.update({"depth": d, "layer": None if at_depth else la})
            if isinstance(cx.get("entry"), dict):  # a vector claim's entry: at its layer, in its brackets
                cx["entry"] = {**cx["entry"], "of": _bracketed(tpl, chain, cx["entry"]["of"]),
                               "where": f"{D} = {d}" + ("" if at_depth else f", {var} = {la}")}
        res = LinkResult(shown, REFUTED, message, code=r.code, counterexample=cx or None,
                         derived=(r.derived if concrete
                                  else claim_brackets(tpl, chain, _back(r.derived, anchor, letter, letters)))
                         if r.derived else None,
                         suggestion=claim_brackets(tpl, chain, _back(r.suggestion, anchor, letter, letters))
                         if r.suggestion else None,
                         diagnoses=diagnoses, **base)
        if (window is not None and any(d2 == window[0] and (at_depth or la2 == window[1])
                                       and rs[k].verdict == VERIFIED for d2, la2, _, rs in wruns)
                or (isinstance(proof, _Proof) and proof.covers(la, d)
                    and all(rs[k].verdict == VERIFIED for rs in proof.results))):
            return LinkResult(shown, ERROR, "internal error, nothing is claimed: the window verifies "
                              f"this equation but it is refuted {where} (a symbp bug: please report it)",
                              error="InternalError", **base)
        return res
    # every run holds
    all_sizes = all(rs[k].verdict == VERIFIED for _, _, _, rs in runs)
    count = sum(d in depths for d, _, _, _ in runs)
    listed = ", ".join(map(str, depths))
    if tpl.mode == "layers":
        cross = f"cross-checked unrolled at {D} = {listed} ({count} {'network' if at_depth else 'layer'}"
    else:
        cross = (f"{'cross-' if isinstance(proof, _Proof) else ''}checked unrolled at {D} = {listed} "
                 f"({count} {'length' if at_depth else 'step'}")
    cross += "s" if count != 1 else ""
    numeric = sum(d in depths and rs[k].message == BY_VALUE for d, _, _, rs in runs)
    if numeric:  # the others symbolically, for all widths
        cross += (", numerically at random points" if count == 1 else
                  f", {f'{numeric} of them' if numeric < count else 'all'} numerically at random points")
    cross += ")"
    proved = None
    if window is not None and all_sizes:
        wdepth, wl, bottom, top = window
        found = next(((rs[k], i) for d, la, i, rs in wruns if d == wdepth and (la == wl or at_depth)), None)
        if found is not None and found[0].verdict == VERIFIED:
            proved = (bottom, top, *found)
    if isinstance(proof, _Proof) and all_sizes and all(rs[k].verdict == VERIFIED for rs in proof.results):
        return LinkResult(shown, VERIFIED, f"{proof.message(k)}; {cross}",
                          warnings=[w for rs in proof.results for w in rs[k].warnings], **base)
    if isinstance(proof, _Proof):
        proof = "the window of its steps does not decide it"
    if proved is not None:
        bottom, top, wrun, winst = proved
        anchor = (window[0] if at_depth else window[1])
        layers = ("the " + what + "s " if top > bottom else f"the {what} ") + ", ".join(
            _off(letter, d) for d in range(bottom, top + 1))
        below = _sup(letter, bottom - 1)
        above = _sup(letter, top)
        carriers = ", ".join(sorted(tpl.carriers))
        wtext = (f"{layers} alone, with {carriers}{below} below as given inputs and "
                 f"{_window_cost(tpl, at_depth, carriers + above, D)}")
        said = wrun.message
        for b in tpl.boundaries:  # the window's layer 0 is the layer below it, not the network's inputs
            if b.at == "0" and b.value and tpl.mode == "layers":
                layer0 = f"{b.family}^{{(0)}}".replace("\\", "\\\\")
                said = re.sub(rf"(?<![A-Za-z\\]){re.escape(b.value)}(?=_\{{)", layer0, said)
        if window[0] == 1:  # one layer: the printer writes its one \delta without the layer
            said = said.replace("\\delta_{", "\\delta^{(1)}_{")
        reduced = _back(said, anchor, letter, winst.letters)
        if at_depth:
            head = f"verified at {_layer_at(tpl, chain)}, all sizes"
        else:
            lo, c = tpl.span(chain)
            hi = D if c == 0 else f"{D}{c:+d}"
            head = f"verified for every {what} {var} = {lo}..{hi} of every depth {D}, all sizes"
            if lo < 1 - bottom or c < -top:
                head = None  # the window does not reach every layer the claim is about
        if head is not None:
            msg = f"{head}: {wtext}; there it {reduced}; {cross}"
            return LinkResult(shown, VERIFIED, msg, warnings=list(wrun.warnings), **base)
    numbered = [m.text for _, m in tpl.claim_marks(chain) if m.kind == "const"]
    why = (proof if isinstance(proof, str) else tpl.window_problem
           or ("the window of its layers does not decide it" if window is not None
               else f"it names the {what} {numbered[0]} by its number" if numbered
               else f"it names both {var} and {D}"))
    kind = "depths" if tpl.mode == "layers" else "lengths"
    every = "" if at_depth else f" ({_checked_at(tpl, runs, depths)})"
    msg = (f"verified at the {kind} {D} = {listed}{every}, "
           f"{'all widths' if all_sizes else 'at the sizes each names'}; not proved for every {kind[:-1]}: "
           f"{why}")
    return LinkResult(shown, AT_SIZES, msg, sizes=[{D: d} for d in depths], **base)


def _checked_at(tpl: Template, runs: list, depths: list[int]) -> str:
    """Which layers (steps) ``1..L`` of each unrolled depth an at-sizes verdict was checked at:
    every one, or those where every layer the claim names is real (``b^{t+3}``: ``t = 1..T-3``),
    never more than the runs (gen9: "every step t of each" was said where only ``t = 1`` of
    ``T = 4`` was checked).

    >>> from types import SimpleNamespace
    >>> tpl = SimpleNamespace(mode="steps", var="t", depth="T")
    >>> _checked_at(tpl, [(2, t, None, None) for t in (0, 1, 2, 3)], [2])
    'every step t of each'
    >>> _checked_at(tpl, [(4, 1, None, None), (5, 1, None, None), (5, 2, None, None)], [4, 5])
    'at each, the steps t = 1..T-3 alone: at the others it names a step that length lacks'
    >>> _checked_at(tpl, [(4, 1, None, None), (5, 4, None, None)], [4, 5])
    'the step t = 1 at T = 4, the step t = 4 at T = 5: at the others it names a step that length lacks'
    """
    what, var, D = tpl.mode[:-1], tpl.var, tpl.depth
    size = "depth" if tpl.mode == "layers" else "length"
    at = {d: sorted({la for d2, la, _, _ in runs if d2 == d and la is not None and 1 <= la <= d})
          for d in depths}
    if all(at[d] == list(range(1, d + 1)) for d in depths):
        return f"every {what} {var} of each"
    lack = f"at the others it names a {what} that {size} lacks"

    def named(lo: str, hi: str) -> str:
        return f"the {what} {var} = {lo}" if lo == hi else f"the {what}s {var} = {lo}..{hi}"

    contiguous = all(xs == list(range(xs[0], xs[-1] + 1)) for xs in at.values() if xs)
    ends = {(xs[0], xs[-1] - d) for d, xs in at.items() if xs}
    if contiguous and len(ends) == 1 and all(at.values()) and len(depths) > 1:
        (lo, c), = ends
        return f"at each, {named(str(lo), _off(D, c))} alone: {lack}"
    return ", ".join((named(str(xs[0]), str(xs[-1])) if contiguous else
                      f"the {what}s {var} = {', '.join(map(str, xs))}") + f" at {D} = {d}"
                     if (xs := at[d]) else f"no {what} of 1..{D} at {D} = {d}"
                     for d in depths) + f": {lack}"


def _bracketed(tpl: Template, chain: Chain, text: str) -> str:
    """An unrolled network's layer labels (``W^{(1)}``) in the brackets the claim writes its
    layers with: Ng's ``W^{[1]}`` where every generic superscript of the claim is in square
    brackets (``W^{[l]}``); else as they are.

    >>> t = Template("layers", "l", "L", [r"Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}",
    ...              r"A^{[l]} = g^{[l]}(Z^{[l]})"], {"error": "J", "params": ["W", "b"]}, batch="M")
    >>> _bracketed(t, t.parse(r"d W^{[l]} = d Z^{[l]} A^{[l-1]T}"), "d W^{(1)}")
    'd W^{[1]}'
    """
    shown = [m.shown for _, m in tpl.claim_marks(chain)]
    if not shown or not all(x.startswith("[") for x in shown):
        return text
    return re.sub(r"\^\{\((\d+)\)", lambda m: f"^{{[{m.group(1)}]", text)


def claim_brackets(tpl: Template, chain: Chain, text: str) -> str:
    r"""A formula written back generically (:func:`_back`) in the brackets of the claim: where every
    generic superscript of the claim is in square brackets (Ng's ``W^{[l+1]}``), ``W^{l+1}`` is
    ``W^{[l+1]}``, ``A^{(l-1)T}`` and ``\left(W^{l+1}\right)^{T}`` are ``A^{[l-1]T}`` and
    ``W^{[l+1]T}``, ``Z^{(l)(i)}`` is ``Z^{[l](i)}``; where every one is in parentheses
    (Goodfellow's ``\boldsymbol{W}^{(k+1)\top}``), ``a^{k}`` is ``a^{(k)}`` and a transpose is
    written inside them with the claim's mark (``W^{(k+1)\top}``).  Kept as it is unless the
    template reads the result (else as :func:`_back` wrote it).

    >>> t = Template("layers", "l", "L", [r"Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}",
    ...              r"A^{[l]} = g^{[l]}(Z^{[l]})"], {"error": "J", "params": ["W", "b"]}, batch="M")
    >>> claim = t.parse(r"d Z^{[l]} = W^{[l+1]} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})")
    >>> print(claim_brackets(t, claim, r"d Z^l = \left(W^{l+1}\right)^{T} d Z^{l+1} * g'^{[l]}(Z^l)"))
    d Z^{[l]} = W^{[l+1]T} d Z^{[l+1]} * g'^{[l]}(Z^{[l]})
    """
    marks = [m for _, m in tpl.claim_marks(chain)]
    kinds = {m.shown[:1] for m in marks}
    if not marks or kinds not in ({"["}, {"("}):
        return text
    o, c = ("[", "]") if kinds == {"["} else ("(", ")")
    top = next((m.transposed for m in marks if m.transposed), "")
    layer = rf"(?:{re.escape(tpl.var)}|{re.escape(tpl.depth)})(?:[+-]\d+)?"
    out = re.sub(rf"\\left\(([A-Za-z]+)\^(?:\{{({layer})\}}|({layer}))\\right\)\^\{{(T|\\top|\\intercal)\}}",
                 lambda m: f"{m.group(1)}^{{{o}{m.group(2) or m.group(3)}{c}{top or m.group(4)}}}", text)
    out = re.sub(rf"\^\{{\(({layer})\)(T|\\top|\\intercal)\}}",
                 lambda m: f"^{{{o}{m.group(1)}{c}{top or m.group(2)}}}", out)
    out = re.sub(rf"\^\{{\(({layer})\)(\([A-Za-z]\))\}}",
                 lambda m: f"^{{{o}{m.group(1)}{c}{m.group(2)}}}", out)
    out = re.sub(rf"\^(?:\{{({layer})\}}|({layer})(?![A-Za-z]))",
                 lambda m: f"^{{{o}{m.group(1) or m.group(2)}{c}}}", out)
    if out == text:
        return text
    try:
        tpl.parse(out)
    except SymbpError:
        return text
    return out


def _layer_at(tpl: Template, chain: Chain) -> str:
    """The layer a claim about ``L`` is at, in a verdict's words: its left side's (the highest it
    names there; the claim's, where the left side names none), with the depths that have it.

    >>> t = Template("layers", "l", "L", [r"z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j",
    ...              r"a^l_j = \\sigma(z^l_j)"], {"error": "C"})
    >>> bp1 = r"\\delta^{L-1}_j = \\frac{\\partial C}{\\partial a^{L-1}_j} \\sigma'(z^{L-1}_j)"
    >>> _layer_at(t, t.parse(bp1))
    'the layer L-1 of every depth L >= 2'
    >>> _layer_at(t, t.parse(r"\\delta^L_j = \\frac{\\partial C}{\\partial a^L_j} \\sigma'(z^L_j)"))
    'the output layer L of every depth L'
    """
    D = tpl.depth
    marks = tpl.claim_marks(Chain(chain.sides[:1], ())) or tpl.claim_marks(chain)
    top = max((m.offset for _, m in marks), default=0)
    if top >= 0:
        return f"the output layer {D} of every depth {D}"
    least = max(1 - m.offset if b not in tpl.carriers else -m.offset for b, m in tpl.claim_marks(chain))
    return f"the layer {_off(D, top)} of every depth {D} >= {max(least, 1)}"


def generic_text(inst: Instance, text: str) -> str:
    """A formula (or a sentence with formulas) of a proof written at a window of steps, in the
    claim's notation: ``a^{(2)}_{h}`` at the window's step 1 for ``t`` is ``a^{t+1}_{h}``, and the
    printer's ``\\delta_{k}`` (the family it writes without its step) ``\\delta^t_{k}``; as it is
    elsewhere.

    >>> from symbp.latex.ast import Chain
    >>> inst = Instance(Chain((), ()))
    >>> inst.shown_as = (1, "t", "a^{(1)}")
    >>> generic_text(inst, r"\\delta_{h} = \\theta_{h}'(a^{(1)}_{h}) \\sum_{h'} w_{hh'} \\delta^{(2)}_{h'}")
    "\\\\delta^t_{h} = \\\\theta_{h}'(a^t_{h}) \\\\sum_{h'} w_{hh'} \\\\delta^{t+1}_{h'}"
    """
    shown = inst.shown_as
    if not shown:
        return text
    anchor, letter, delta_of = shown
    if "^" in delta_of:
        text = text.replace("\\delta_{", f"\\delta{delta_of[delta_of.index('^'):]}_{{")
    return _back(text, anchor, letter, inst.letters)


def generic_fits(inst: Instance, texts: list[str]) -> bool:
    """Whether the formulas ``texts`` of a proof at a window can be written in the claim's letters:
    no index letter of the window's network that the claim does not name stands where a claim's
    letter would be written back (the unrolled network's letters are per layer: ``k`` of the
    claim may be the network's ``i``, and a ``k`` of the network's own would then clash).

    >>> from symbp.latex.ast import Chain
    >>> inst = Instance(Chain((), ()), letters={"j": "j", "k": "i"})
    >>> generic_fits(inst, [r"\\delta_{j} a^{(0)}_{i}"]), generic_fits(inst, [r"\\sum_{k} w_{kj}"])
    (True, False)
    """
    inverse = {v: k for k, v in inst.letters.items()}
    claim = set(inverse.values())
    for text in texts:
        for group in re.findall(r"_\{([^{}]*)\}", text):
            for x in re.findall(r"[A-Za-z]'*", group):
                if x not in inverse and x in claim:
                    return False
    return True


def proof_instance(tpl: Template, chain: Chain) -> tuple[Any, Instance, str] | None:
    """The unrolled instance a proof of ``chain`` is written at, with the sentence that says what
    it stands for: the window where there is one (its steps are those of every layer), else the
    claim at the first layer of the smallest depth checked; ``None`` when it fits none."""
    if tpl.mode == "steps":
        proof = _steps_proof(tpl, chain)
        if isinstance(proof, _Proof):  # the first window: its steps are those of every step t
            what, _rs, _said, (net, inst, anchor, letter) = proof.pieces[0]
            inst.shown_as = (anchor, letter, net.delta_of or "")
            inst.generic_sentence = (f"The steps are written in the window that stands for every step, "
                                     f"{what[0].lower()}{what[1:]}, in the notation of the claim "
                                     f"({letter} for the window's step {anchor})")
            return net, inst, inst.generic_sentence
    window = tpl.window(chain)
    at_depth = not tpl.claim_marks(chain)
    D = tpl.depth
    picks = []
    if window is not None:
        picks.append((window[0], window[1], True))
    kinds = {m.kind for _, m in tpl.claim_marks(chain)}
    at_depth = at_depth or kinds == {"depth"} or kinds == {"const"}
    first = next(d for d in DEPTHS[tpl.mode] if d >= 2)  # T = 1: no recurrence to show
    picks += [(first, None if at_depth else layer, False) for layer in range(0, first + 2)]
    for depth, layer, is_window in picks:
        try:
            inst = tpl.instance(chain, layer, depth)
            inst.chain = tpl.fit(inst.chain, depth)
        except (Invalid, SymbpError):
            continue
        net = tpl.network(depth, equal=bool(inst.conflicts))
        anchor = depth if layer is None else layer
        letter = D if layer is None else tpl.var
        names = sorted({int(n) for n in re.findall(r"\^\{\((\d+)\)\}", " ".join(
            unparse(x) for x in inst.chain.sides))})
        what = tpl.mode[:-1]
        legend = "superscript " + ", ".join(  # a numbered layer is itself
            f"({n}) is {what} {n}" if kinds == {"const"} else f"({n}) stands for {_off(letter, n - anchor)}"
            for n in names)
        place = (f"{what} {tpl.var} = {layer} of the network" if layer is not None else "the network")
        size = "depth" if tpl.mode == "layers" else "length"
        if is_window:
            sentence = (f"The steps are written at {place} of {size} {D} = {depth} ({legend}), "
                        f"the window that stands for every {what} of every {size}")
            if not inst.conflicts:  # the proof may write it back in the claim's notation
                inst.shown_as = (anchor, letter, net.delta_of or "")
                inst.generic_sentence = (f"The steps are written in the window that stands for every {what} "
                                         f"of every {size}, {place} of {size} {D} = {depth}, "
                                         f"in the notation of the claim ({letter} for its {what} {anchor})")
        else:
            sentence = (f"The steps are written at {place} of {size} {D} = {depth} ({legend}), "
                        f"one of the {size}s checked")
        return net, inst, sentence
    return None


# -- a window of steps: a proof for every step of every length


class _Proof:
    """The windows of steps that verified a claim (see :func:`_steps_proof`), with what each
    stands for; :meth:`message` says it for one link."""

    def __init__(self, head: str, pieces: list[tuple[str, list[LinkResult], list[str], tuple]]) -> None:
        self.head = head
        self.pieces = pieces
        self.results = [rs for _, rs, _, _ in pieces]
        #: the steps it is about: ``t = lo..T+hi`` (``None``: every step, a claim at T or over them all)
        self.reach: tuple[int, int] | None = None

    def covers(self, t: int | None, length: int) -> bool:
        """Whether the claim at step ``t`` of a sequence of ``length`` is one the windows proved."""
        return self.reach is None or t is None or self.reach[0] <= t <= length + self.reach[1]

    def message(self, k: int) -> str:
        parts = []
        for what, _rs, said, _at in self.pieces:
            parts.append(f"{what}; there it {said[k]}")
        return f"{self.head}: " + "; ".join(parts)


def _label(name: str) -> tuple[str, int | None]:
    m = _STEP.search(name)
    return (name[:m.start()], int(m.group(1))) if m else (name, None)


def _outside(tpl: Template, chain: Chain, n: int, following: bool, objective: str) -> str:
    """Why the instance ``chain`` of a window of ``n`` steps (with the next step's consumers when
    ``following``) is not what the claim is in every longer sequence ('' when it is): each
    derivative is the objective's, by a quantity of a step in full (or a consumer of the next
    one), never by a shared weight (its other steps' uses are outside) nor by an input of the
    window (``b^{(0)}``: at ``t > 1`` a quantity with uses of its own), and each ``\\delta`` a step's
    in the window."""
    for side in chain.sides:
        for node in side.walk():
            if isinstance(node, Deriv):
                num = node.num
                if not (isinstance(num, Sym) and num.name == objective and not num.groups):
                    return f"a derivative of something other than {objective}"
                base, s = _label(node.wrt.name)
                if s is None:
                    return (f"a derivative by {unparse(node.wrt)}, shared by every step" if base in tpl.params
                            else f"a derivative by {unparse(node.wrt)}, of no step")
                if not (1 <= s <= n or (following and s == n + 1 and base in tpl.consumer_bases)):
                    return f"a derivative by {tpl.show(unparse(node.wrt))}, outside the window"
            elif isinstance(node, Sym) and node.name.partition("^")[0] == "delta":
                s = _label(node.name)[1]
                if s is None or not 1 <= s <= n + (1 if following else 0):
                    return "a \\delta outside the window"
    return ""


def _per_step(tpl: Template, chain: Chain, objective: str) -> Chain | str:
    """``\\frac{\\partial O}{\\partial w_{hk}} = \\sum_{t=1}^{T} body``: the claim of one step,
    ``\\frac{\\partial O}{\\partial w^t_{hk}} = body`` (``w^t``, the use of the shared weight at step
    ``t``), or why the claim is not of that form."""
    if len(chain.rels) != 1 or chain.rels[0] != "=":
        return "a sum over every step is proved for one equation"
    lhs, rhs = chain.sides
    if not (isinstance(lhs, Deriv) and isinstance(lhs.num, Sym) and lhs.num.name == objective
            and not lhs.num.groups and tpl.split(lhs.wrt.name)[1] is None
            and lhs.wrt.name in tpl.params):
        return f"its left side is not the derivative of {objective} by a weight shared by every step"
    if not (isinstance(rhs, SumOp) and rhs.index == tpl.var and isinstance(rhs.lower, Num)
            and rhs.lower.value == 1 and isinstance(rhs.upper, Sym) and rhs.upper.name == tpl.depth
            and not rhs.upper.groups):
        return f"its right side is not one sum over the steps {tpl.var} = 1..{tpl.depth}"
    body = rhs.body
    inner = Chain((body,), ())
    if any(m.kind != "var" for _, m in tpl.claim_marks(inner, free=False)) or any(
            isinstance(x, SumOp) and x.index == tpl.var for x in body.walk()):
        return f"the sum's terms name {tpl.depth} or another sum over {tpl.var}"
    if any(isinstance(x, Sym) and tpl.split(x.name)[1] is None and x.name in tpl.params for x in body.walk()):
        return "the sum's terms name a weight shared by every step"
    from ..engine.generic import Mark
    wrt = replace(lhs.wrt, name=tpl.marked(lhs.wrt.name, Mark("var", 0, tpl.var)))
    return Chain((replace(lhs, wrt=wrt), body), chain.rels)


def _undecided_steps(tpl: Template, chain: Chain, lo: int, c: int) -> str:
    """The steps of ``1..T`` a claim about step ``t`` is not decided at, said (``''``: none): where
    it names a step no declaration reaches, after ``T`` and its boundary ``\\delta^{T+1} = 0``
    (``\\delta^{t+2}`` at ``t = T``) or before the first step and its boundary ``b^0``
    (``b^{t-2}`` at ``t = 1``).  The windows prove the claim at ``t = lo..T+c`` only, so a verdict
    names the rest as not decided, never reads as if it covered every step (the audit:
    ``\\delta^{t+9}_h - \\delta^{t+9}_h`` was *verified* "for every step t = 1..T-9 ..., and at
    t = T-8 separately", the steps T-7..T unnamed).

    >>> t = Template("steps", "t", "T", [r"a^t_h = \\sum_i w_{ih} x^t_i + \\sum_{h'} w_{h'h} b^{t-1}_{h'}",
    ...              r"b^t_h = \\theta_h(a^t_h)", r"a^t_k = \\sum_h w_{hk} b^t_h"],
    ...              {"error": "O", "params": ["w"]})
    >>> claim = t.parse(r"x^t_i = x^t_i + \\delta^{t+9}_h - \\delta^{t+9}_h + b^{t-2}_h - b^{t-2}_h")
    >>> import textwrap
    >>> print(textwrap.fill(_undecided_steps(t, claim, *t.span(claim)), 100))
    ; not decided at t = 1, where it names b^{-1}, a step before the first step 1 and its boundary b^0,
    nor at t = T-7..T, where it names \\delta^{T+2}..\\delta^{T+9}, steps after the last step T and its
    boundary \\delta^{T+1} = 0
    >>> _undecided_steps(t, t.parse(r"x^t_i = x^t_i + 0 \\delta^{t+1}_h"), 1, 0)
    ''
    """
    var, D = tpl.var, tpl.depth
    marks = [(b, m) for b, m in tpl.claim_marks(chain) if m.kind == "var"]
    said = []
    if lo > 1:  # at t = lo-1 the claim names the step before 0 of its lowest family (b^{-1}, x^0)
        base, m = max(marks, key=lambda bm: (0 if bm[0] in tpl.carriers else 1) - bm[1].offset)
        at = f"{var} = 1" if lo == 2 else f"{var} = 1..{lo - 1}"
        first, last = 1 + m.offset, lo - 1 + m.offset  # named at t = 1 and at t = lo-1
        named = "..".join(dict.fromkeys(f"{latex_name(base)}{_superscript(str(x))}" for x in (first, last)))
        said.append(f"at {at}, where it names {named}, {'steps' if lo > 2 else 'a step'} before the first "
                    "step 1"
                    + (f" and its boundary {latex_name(base)}^0" if base in tpl.carriers else ""))
    if c < 0:  # at t = T+c+1 the claim names the step after T (after T+1, a \delta's boundary)
        base, m = min(marks, key=lambda bm: (1 if bm[0] == "delta" else 0) - bm[1].offset)
        at = _off(D, c + 1) if c == -1 else f"{_off(D, c + 1)}..{D}"
        named = "..".join(dict.fromkeys(f"{latex_name(base)}{_sup(D, x + m.offset)}" for x in (c + 1, 0)))
        said.append(f"at {var} = {at}, where it names {named}, {'a step' if c == -1 else 'steps'} after the "
                    f"last step {D} and its boundary \\delta^{{{D}+1}} = 0")
    return "; not decided " + ", nor ".join(said) if said else ""


def _steps_proof(tpl: Template, chain: Chain) -> _Proof | str:
    """A claim about a step ``t`` (or the last step ``T``) proved for every length by windows of
    steps, or why not.  Step ``t`` reaches the objective only through its own outputs and the
    consumers of step ``t+1`` (``a^{t+1}_h``, which read ``b^t``; :meth:`Template._steps_problem`):
    the steps ``t+b .. t+e`` alone, with the carriers below (``b^{t+b-1}``) given inputs and the
    objective an undefined function of the window's outputs, take every derivative the claim
    takes as any longer sequence does (below the window nothing depends on it, above it the
    objective *is* a function of those outputs, through the later steps).  The window whose top
    step is only its consumers stands for ``t = 1..T-e``; the steps where the sequence ends
    (``\\delta^{T+1} = 0``) have windows of their own, the last steps alone.  At ``t = 1`` the
    given input is ``b^0`` (an identity in it holds at its value).  A weight shared by every
    step is the sum over the steps of its uses (the chain rule: each step's use a copy
    ``w^{(t)}``, the copies equal): ``\\frac{\\partial O}{\\partial w} = \\sum_{t=1}^{T}
    \\frac{\\partial O}{\\partial w^{(t)}}``, each term the window of its step, so a claim
    ``\\frac{\\partial O}{\\partial w} = \\sum_{t=1}^{T} body`` holds for every ``T`` where the window
    verifies ``\\frac{\\partial O}{\\partial w^{(t)}} = body`` at every step ``t = 1..T``."""
    if tpl.window_problem:
        return tpl.window_problem
    objective = tpl.network(2).error_name
    var, D = tpl.var, tpl.depth
    marks = tpl.claim_marks(chain)
    kinds = {m.kind for _, m in marks}
    if "const" in kinds:
        return f"it names the step {next(m.text for _, m in marks if m.kind == 'const')} by its number"
    weight = None
    if not kinds and tpl.claim_marks(chain, free=False):
        piece = _per_step(tpl, chain, objective)
        if isinstance(piece, str):
            return piece
        weight, chain = chain, piece
        marks = tpl.claim_marks(chain)
        kinds = {"var"}
    if len(kinds) != 1:
        return f"it names both {var} and {D}"
    last = kinds == {"depth"}
    counted = [(b, m) for b, m in marks if not (last and b == "delta" and m.offset == 1)]  # \delta^{T+1}
    if not counted:
        return "it names no quantity of a step"
    top = max(m.offset for _, m in counted)
    if last and top > 0:
        return f"it names a step after {D}"
    bottom = min(min(m.offset + 1 if b in tpl.carriers else m.offset for b, m in counted), top)
    at = 1 - bottom  # the window's step that stands for t (or T)
    #: (what it stands for, its steps, with the next step's consumers, the claim's step in it, the
    #: window's step written as the letter)
    plan: list[tuple[str, int, bool, int | None, int, str]] = []

    def steps_text(lo: int, hi: int, pivot: str) -> str:
        names = [_off(pivot, d) for d in range(lo, hi + 1)]
        return (f"the step {names[0]}" if len(names) == 1 else "the steps " + ", ".join(names))

    carriers = ", ".join(sorted(tpl.carriers))
    consumers = ", ".join(sorted(tpl.consumer_bases))
    if last:
        plan.append((f"{steps_text(bottom, 0, D)} alone, with {carriers}{_sup(D, bottom - 1)} given and "
                     f"{objective} an undefined function of {{outputs}} (\\delta^{{{D}+1}} = 0)",
                     at, False, None, at, D))
        head = (f"verified at the last step {D} of every length {D}, all sizes" if bottom == 0 else
                f"verified at the last {at} steps {_off(D, bottom)}..{D} of every length {D} >= {at}, "
                "all sizes")
    else:
        lo, c = tpl.span(chain)
        c = min(c, 0)
        if lo != at:
            return "the window of its steps does not reach every step it is about"
        partial = top > bottom
        n = top - bottom if partial else top - bottom + 1
        covered = -top if partial else -top - 1
        full_hi = top - 1 if partial else top
        nxt = _off(var, full_hi + 1)
        if covered >= lo - 10 and covered >= c - 10:
            plan.append((f"for every step {var} = {lo}..{D}{covered:+d}".replace("+0", "") + ": "
                         f"{steps_text(bottom, full_hi, var)} and the uses of {carriers}{_sup(var, full_hi)} "
                         "in "
                         f"step {nxt} ({consumers}^{{{nxt}}}) alone, with {carriers}{_sup(var, bottom - 1)} "
                         f"given and {objective} an undefined function of {{outputs}} (through which alone "
                         f"{steps_text(bottom, full_hi, var)[4:]} "
                         f"{'reaches' if full_hi == bottom else 'reach'} "
                         f"{objective})", n, True, at, at, var))
        for e in range(covered + 1, c + 1):
            m = at - e
            plan.append((f"at {var} = {D}{e:+d}".replace("+0", "") + f": the last "
                         f"{'step' if m == 1 else f'{m} steps'} alone, {objective} an undefined function of "
                         f"{{outputs}} (\\delta^{{{D}+1}} = 0)", m, False, at, m, D))
        t_hi = f"{D}{c:+d}".replace("+0", "")
        if weight is not None:
            if lo != 1 or c != 0:
                return f"the window of its steps does not reach every step of the sum {var} = 1..{D}"
            wrt = weight.sides[0].wrt
            w = unparse(wrt)
            wt = unparse(replace(wrt, name=f"{wrt.name}^{{({var})}}"))
            head = (f"verified for every length {D}, all sizes: {w} is shared by every step, so "
                    f"\\frac{{\\partial {objective}}}{{\\partial {w}}} = \\sum_{{{var}=1}}^{{{D}}} "
                    f"\\frac{{\\partial {objective}}}{{\\partial {wt}}}, with {wt} = {w} its use at step "
                    f"{var} "
                    f"(the chain rule); each term is the sum's term at its step")
        elif covered < c:
            mid = f"{D}{covered:+d}".replace("+0", "")
            head = (f"verified for every step {var} = {lo}..{mid} of every length {D}, and at "
                    + ", ".join(f"{var} = {D}{e:+d}".replace("+0", "") for e in range(covered + 1, c + 1))
                    + " separately, all sizes")
        else:
            head = f"verified for every step {var} = {lo}..{t_hi} of every length {D}, all sizes"
        if weight is None:
            head += _undecided_steps(tpl, chain, lo, c)
    pieces = []
    for what, m, following, v, anchor, letter in plan:
        try:
            inst = tpl.instance(chain, v, m, open_="both" if following else "bottom")
        except (Invalid, SymbpError):
            return "the window of its steps does not decide it"
        why = _outside(tpl, inst.chain, m, following, objective)
        if why:
            return f"{why}: the window of its steps does not stand for every step"
        try:
            net = tpl.window_network(m, following, untie=weight is not None)
            results = check_chain(net, inst.chain)
        except SymbpError:
            return "the window of its steps does not decide it"
        if any(r.verdict != VERIFIED for r in results):
            return "the window of its steps does not decide it"
        outputs = " and ".join(_back(net.show(o), anchor, letter, {}) for o in net.outputs)
        said = [r.message for r in results]
        if net.delta_of and "^" in net.delta_of:  # the printer writes that family's \delta without its step
            sup = net.delta_of[net.delta_of.index("^"):]
            said = [x.replace("\\delta_{", f"\\delta{sup}_{{") for x in said]
        pieces.append((what.replace("{outputs}", outputs), results,
                       [_back(x, anchor, letter, {}) for x in said], (net, inst, anchor, letter)))
    proof = _Proof(head, pieces)
    if not last and weight is None:
        proof.reach = (lo, c)
    return proof
