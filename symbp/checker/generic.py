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

Where only the unrolled depths agreed, the verdict is ``verified-at-sizes`` naming them.  Room
``symbp.checker``; imports :mod:`symbp.diagnoses`, :mod:`symbp.errors`, the AST and its printer,
:mod:`symbp.engine.generic`, the pipeline and the results.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import diagnoses as dx
from ..engine.generic import LAYER_LETTERS, Instance, Invalid, Template
from ..errors import InputError, SymbpError
from ..latex.ast import Chain
from ..latex.unparse import unparse
from .pipeline import check_chain
from .results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult

__all__ = ["DEPTHS", "check_generic", "proof_instance"]

#: the unrolled depths (lengths) every generic claim is checked at
DEPTHS = {"layers": (2, 3, 4), "steps": (2, 3, 4)}


def _off(letter: str, d: int) -> str:
    return letter if d == 0 else f"{letter}{d:+d}"


def _sup(letter: str, d: int) -> str:
    t = _off(letter, d)
    return f"^{{{t}}}" if len(t) > 1 else f"^{t}"


def _back(text: str, anchor: int, letter: str, letters: dict[str, str]) -> str:
    """A concrete instance's text written back generically: ``^{(3)}`` at ``l = 2`` is ``^{l+1}``,
    the unrolled network's index letters the claim's."""
    text = re.sub(r"\^\{\((\d+)\)\}", lambda m: _sup(letter, int(m.group(1)) - anchor), text)
    inverse = {v: k for k, v in letters.items()}

    def sub(m: re.Match) -> str:
        inner = re.sub(r"[A-Za-z]'*", lambda x: inverse.get(x.group(0), x.group(0)), m.group(1))
        return "_{" + inner + "}"

    return re.sub(r"_\{([^{}]*)\}", sub, text) if inverse else text


def _widths(text: str, net: Any, anchor: int, letter: str) -> str:
    """The widths of an unrolled network's layers, in a shape mismatch's words, written as the
    widths of the generic layers: ``a K \\times J matrix`` at ``l = 1`` is ``an n_{l+1} \\times
    n_{l} matrix``.

    >>> from types import SimpleNamespace
    >>> net = SimpleNamespace(ranges={"j": "J", "k": "K"})
    >>> print(_widths(r"multiplies a K \\times J matrix by a K-vector", net, 1, "l"))
    multiplies an n_{l+1} \\times n_{l} matrix by an n_{l+1}-vector
    """
    width = {net.ranges[x]: f"n_{{{_off(letter, n - anchor)}}}" for n, x in enumerate(LAYER_LETTERS)
             if x in net.ranges}

    def sub(m: re.Match) -> str:
        return f"{'an ' if m.group(1) else ''}{width[m.group(2)]}" if m.group(2) in width else m.group(0)

    return re.sub(r"(\ban? )?\b([A-Z])(?=-vector| \\times | (?:row vector|matrix))", sub, text)


def _width_parts(parts: tuple, net: Any, anchor: int, letter: str) -> tuple:
    """:func:`_widths` for a diagnosis's parts, where a shape is maths of its own
    (``'a '``, ``Math('K \\times J')``, ``' matrix'``)."""
    width = {net.ranges[x]: f"n_{{{_off(letter, n - anchor)}}}" for n, x in enumerate(LAYER_LETTERS)
             if x in net.ranges}
    out = list(parts)
    for k, p in enumerate(out):
        if not (isinstance(p, dx.Math) and re.fullmatch(r"(?:[A-Z1] \\times )?[A-Z]", p)):
            continue
        new = re.sub(r"\b[A-Z]\b", lambda m: width.get(m.group(0), m.group(0)), p)
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
    at_depth = kinds == {"depth"} or bound
    runs: list[tuple[int, int, Instance, list[LinkResult]]] = []
    try:
        for depth in DEPTHS[tpl.mode]:
            for layer in ([depth] if at_depth else range(0, depth + 2)):
                try:
                    inst = tpl.instance(chain, None if at_depth else layer, depth)
                except Invalid:
                    continue
                net = tpl.network(depth, equal=bool(inst.conflicts))
                runs.append((depth, layer, inst, check(net, inst.chain)))
    except InputError as exc:
        exc_text = exc.brief()
        return [LinkResult(shown[k], ERROR, exc_text, link=k + 1, links=n, error=type(exc).__name__,
                           code=exc.code) for k in range(n)]
    except SymbpError as exc:
        return [LinkResult(shown[k], ERROR, str(exc), link=k + 1, links=n, error=type(exc).__name__)
                for k in range(n)]
    if not runs:
        return [LinkResult(shown[k], ERROR, f"this equation names {what}s that no network of depth "
                           f"{', '.join(map(str, DEPTHS[tpl.mode]))} has", link=k + 1, links=n,
                           error="UnsupportedError", code="unsupported") for k in range(n)]
    window = tpl.window(chain)
    if window is not None and not any(d == window[0] and (at_depth or la == window[1])
                                      for d, la, _, _ in runs):
        try:  # the window is smaller than every unrolled depth: checked on its own
            inst = tpl.instance(chain, window[1], window[0])
            runs.append((window[0], window[0] if at_depth else window[1], inst,
                         check(tpl.network(window[0], equal=bool(inst.conflicts)), inst.chain)))
        except (Invalid, SymbpError):
            window = None
    out = []
    for k in range(n):
        out.append(_verdict(tpl, chain, shown[k], k, n, runs, window, at_depth))
    return out


def _where(tpl: Template, depth: int, layer: int, at_depth: bool) -> str:
    what = tpl.mode[:-1]
    D = tpl.depth
    if at_depth:
        return f"at depth {D} = {depth}" if tpl.mode == "layers" else f"at length {D} = {depth}"
    if tpl.mode == "layers":
        return f"at depth {D} = {depth}, {what} {tpl.var} = {layer}"
    return f"at length {D} = {depth}, {what} {tpl.var} = {layer}"


def _verdict(tpl: Template, chain: Chain, shown: str, k: int, n: int, runs: list, window: Any,
             at_depth: bool) -> LinkResult:
    what = tpl.mode[:-1]
    var, D = tpl.var, tpl.depth
    depths = DEPTHS[tpl.mode]
    base: dict[str, Any] = dict(link=k + 1, links=n)
    anchor_of = (lambda depth, layer: depth) if at_depth else (lambda depth, layer: layer)
    letter = D if at_depth else var
    for depth, layer, _inst, results in runs:
        r = results[k]
        if r.verdict != ERROR:
            continue
        msg = f"{_where(tpl, depth, layer, at_depth)}: {r.message}"
        return LinkResult(shown, ERROR, msg, code=r.code, error=r.error, **base)
    refuted = [(d, la, i, rs[k]) for d, la, i, rs in runs if rs[k].verdict == REFUTED]
    conflicted = [(d, la, i, rs[k]) for d, la, i, rs in runs if i.conflicts]
    if conflicted and not refuted:  # at equal widths it agrees: defined only there
        d, la, inst, r = conflicted[0]
        x, layers = sorted(inst.conflicts.items())[0]
        shown_layers = " and ".join(_off(letter, int(v) - anchor_of(d, la)) for v in layers)
        slip = dx.IndexSlip("refuted", f"the index {x} stands for units of the {what}s {shown_layers}: "
                                       "the two sides are defined only where those layers are equally "
                                       "wide (there they agree)")
        return LinkResult.of(shown, REFUTED, [slip], **base)
    if refuted:
        d, la, inst, r = refuted[0]
        anchor = anchor_of(d, la)
        where = _where(tpl, d, la, at_depth)
        lead = ""
        if inst.conflicts:
            x, layers = sorted(inst.conflicts.items())[0]
            shown_layers = " and ".join(_off(letter, int(v) - anchor) for v in layers)
            lead = (f"the index {x} stands for units of the {what}s {shown_layers} (read with every "
                    f"layer equally wide); ")
        inst_text = _link_text(inst.chain, k)
        letters = {} if inst.conflicts else inst.letters
        concrete = bool(tpl.claim_marks(chain, free=False)) and not tpl.claim_marks(chain)
        if concrete:  # a sum over every step: what symbp derives is that length's, as it is
            r.derived, r.suggestion = (r.derived and tpl.show(r.derived)), None
        legend = ""
        if not inst.conflicts:
            net = tpl.network(d)
            legend = " (" + ", ".join(f"{tpl.mode[:-1]} {x}'s units {LAYER_LETTERS[x]}, "
                                      f"width {net.ranges[LAYER_LETTERS[x]]}"
                                      for x in range(d + 1) if LAYER_LETTERS[x] in net.ranges) + ")"
            if tpl.mode == "steps":
                legend = ""
        said, diagnoses = r.message, list(r.diagnoses)
        if r.code == "shape-mismatch" and tpl.mode == "layers":  # the shapes in the claim's notation
            net_d = tpl.network(d)

            def generic(parts: tuple) -> tuple:
                return _width_parts(tuple(dx.Math(_back(p, anchor, letter, letters)) if isinstance(p, dx.Math)
                                          else p for p in parts), net_d, anchor, letter)

            said = _widths(_back(said, anchor, letter, letters), net_d, anchor, letter)
            diagnoses = [dx.ShapeMismatch(generic(g.words), generic(g.fix)) if isinstance(g, dx.ShapeMismatch)
                         else g for g in diagnoses]
        message = (f"{lead}refuted {where}, where it reads {inst_text}{legend}: {said}")
        cx = dict(r.counterexample or {})
        if cx:  # a shape mismatch has none: the shapes are its evidence
            cx.update({"depth": d, "layer": None if at_depth else la})
        res = LinkResult(shown, REFUTED, message, code=r.code, counterexample=cx or None,
                         derived=(r.derived if concrete else _back(r.derived, anchor, letter, letters))
                         if r.derived else None,
                         suggestion=_back(r.suggestion, anchor, letter, letters) if r.suggestion else None,
                         diagnoses=diagnoses, **base)
        if window is not None and any(d2 == window[0] and (at_depth or la2 == window[1])
                                      and rs[k].verdict == VERIFIED for d2, la2, _, rs in runs):
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
        cross = f"checked unrolled at {D} = {listed} ({count} step"
    cross += "s)" if count != 1 else ")"
    proved = None
    if window is not None and all_sizes:
        wdepth, wl, bottom, top = window
        found = next(((rs[k], i) for d, la, i, rs in runs if d == wdepth and (la == wl or at_depth)), None)
        if found is not None and found[0].verdict == VERIFIED:
            proved = (bottom, top, *found)
    if proved is not None:
        bottom, top, wrun, winst = proved
        anchor = (window[0] if at_depth else window[1])
        layers = ("the " + what + "s " if top > bottom else f"the {what} ") + ", ".join(
            _off(letter, d) for d in range(bottom, top + 1))
        below = _sup(letter, bottom - 1)
        above = _sup(letter, top)
        carriers = ", ".join(sorted(tpl.carriers))
        wtext = (f"{layers} alone, with {carriers}{below} below as given inputs and "
                 f"{tpl.kw.get('error', 'E')} an undefined function of {carriers}{above} (which it is "
                 f"through the layers above, and by definition at {D})")
        said = wrun.message
        if window[0] == 1:  # one layer: the printer writes its one \delta without the layer
            said = said.replace("\\delta_{", "\\delta^{(1)}_{")
        reduced = _back(said, anchor, letter, winst.letters)
        if at_depth:
            head = f"verified at the output layer {D} of every depth {D}, all sizes"
        else:
            lo, c = tpl.span(chain)
            hi = D if c == 0 else f"{D}{c:+d}"
            head = f"verified for every {what} {var} = {lo}..{hi} of every depth {D}, all sizes"
            if lo < 1 - bottom or c < -top:
                head = None  # the window does not reach every layer the claim is about
        if head is not None:
            msg = f"{head}: {wtext}; there it {reduced}; {cross}"
            return LinkResult(shown, VERIFIED, msg, warnings=list(wrun.warnings), **base)
    why = tpl.window_problem or ("the window of its layers does not decide it" if window is not None
                                 else f"it names both {var} and {D}")
    kind = "depths" if tpl.mode == "layers" else "lengths"
    every = "" if at_depth else f" (every {what} {var} of each)"
    msg = (f"verified at the {kind} {D} = {listed}{every}, "
           f"{'all widths' if all_sizes else 'at the sizes each names'}; not proved for every {kind[:-1]}: "
           f"{why}")
    return LinkResult(shown, AT_SIZES, msg, sizes=[{D: d} for d in depths], **base)


def proof_instance(tpl: Template, chain: Chain) -> tuple[Any, Instance, str] | None:
    """The unrolled instance a proof of ``chain`` is written at, with the sentence that says what
    it stands for: the window where there is one (its steps are those of every layer), else the
    claim at the first layer of the smallest depth checked; ``None`` when it fits none."""
    window = tpl.window(chain)
    at_depth = not tpl.claim_marks(chain)
    D = tpl.depth
    picks = []
    if window is not None:
        picks.append((window[0], window[1], True))
    at_depth = at_depth or {m.kind for _, m in tpl.claim_marks(chain)} == {"depth"}
    picks += [(DEPTHS[tpl.mode][0], None if at_depth else layer, False)
              for layer in range(0, DEPTHS[tpl.mode][0] + 2)]
    for depth, layer, is_window in picks:
        try:
            inst = tpl.instance(chain, layer, depth)
        except (Invalid, SymbpError):
            continue
        net = tpl.network(depth, equal=bool(inst.conflicts))
        anchor = depth if layer is None else layer
        letter = D if layer is None else tpl.var
        names = sorted({int(n) for n in re.findall(r"\^\{\((\d+)\)\}", " ".join(
            unparse(x) for x in inst.chain.sides))})
        legend = "superscript " + ", ".join(f"({n}) stands for {_off(letter, n - anchor)}" for n in names)
        what = tpl.mode[:-1]
        place = (f"{what} {tpl.var} = {layer} of" if layer is not None else "the network of")
        size = "depth" if tpl.mode == "layers" else "length"
        if is_window:
            sentence = (f"The steps are written at {place} the network of {size} {D} = {depth} ({legend}), "
                        f"the window that stands for every {what} of every {size}")
        else:
            sentence = (f"The steps are written at {place} the network of {size} {D} = {depth} ({legend}), "
                        f"one of the {size}s checked")
        return net, inst, sentence.replace("the network of the network", "the network")
    return None
