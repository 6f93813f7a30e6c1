"""Generic layers and steps: a forward pass written once for a layer ``l`` (Nielsen's
``z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j``) or a step ``t`` (Graves's
``a^t_h = \\sum_i w_{ih} x^t_i + \\sum_{h'} w_{h'h} b^{t-1}_{h'}``), and the equations claimed of it.

A file says which letter is generic and which is the depth: ``% symbp: layers l = 1..L`` or
``% symbp: steps t = 1..T``.  A superscript ``^l``, ``^{l+1}``, ``^{l-1}``, ``^L``, ``^{L-1}``
written on a symbol (before its subscript) is then a layer (a step), never a power.  This module
reads the template and the claims (:meth:`Template.prepare`: every such superscript becomes a
placeholder label the parser reads, with a map back to the source's offsets), and *instantiates*
them at a concrete depth: :meth:`Template.network` unrolls the forward pass into layers
``1..N`` (families ``w^{(2)}``, ``a^{(1)}``: the existing machinery), :meth:`Template.instance`
writes a claim at concrete ``l`` and ``L``.  Nothing here decides a verdict
(:mod:`symbp.checker.generic` does).

Boundaries, as the sources state them (documented defaults):

* layers: layer 0's activations are the inputs (``a^0 = x``: ``a^{(0)}`` is a leaf); the cost is
  a function of the last layer's activations (``a^L``), the only family of the unrolled network
  that nothing uses; each layer has its own width (``n_l``: a range per layer).
* steps: every quantity at step 0 is zero (``b^0 = 0``); ``\\delta^{T+1} = 0``; a weight
  written without the step is shared by every step (one family, as the seed's ``w_{ji}``); the
  widths do not change with the step.

In ``layers`` mode the index letters of the template are per layer: each claim's letters are
placed at the layer their symbols give them (``j`` in ``\\delta^l_j`` is a unit of layer ``l``,
``k`` in ``w^{l+1}_{kj}`` one of layer ``l+1``) and renamed to that layer's letter.  A letter
placed at two layers (``\\sum_k w^l_{kj} \\delta^{l+1}_k``: ``k`` in layer ``l`` and ``l+1``) is
reported by :attr:`Instance.conflicts`; the checker then instantiates it at equal widths.

Room ``symbp.engine``; imports :mod:`symbp.diagnoses`, :mod:`symbp.errors`, :mod:`symbp.limits`,
:mod:`symbp.latex`, :mod:`symbp.model` and :mod:`symbp.engine.declare`.

>>> t = Template("layers", "l", "L", [r"z^l_j = \\sum_k w^l_{jk} a^{l-1}_k + b^l_j",
...              r"a^l_j = \\sigma(z^l_j)"], {"params": ["w", "b"]})
>>> t.network(2).forward_latex[:2]
['z^{(1)}_{j} = \\\\sum_{i} w^{(1)}_{ji} a^{(0)}_{i} + b^{(1)}_{j}', 'a^{(1)}_{j} = \\\\sigma(z^{(1)}_{j})']
>>> from symbp.latex.unparse import unparse
>>> inst = t.instance(t.parse(r"\\delta^l_j = \\sum_k w^{l+1}_{kj} \\delta^{l+1}_k \\sigma'(z^l_j)"), 2, 3)
>>> unparse(inst.chain.sides[1])
"\\\\sum_{m} w^{(3)}_{mk} \\\\delta^{(3)}_{m} \\\\sigma'(z^{(2)}_{k})"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .. import diagnoses as dx
from ..errors import DeclarationError, InputError, ResourceLimitError, UnsupportedError
from ..latex.ast import Add, Call, Chain, Deriv, Kron, Mul, Neg, Node, Num, SumOp, Sym
from ..latex.edit import child_fields, map_children, rebuild
from ..latex.parser import parse_chain
from ..latex.tokens import tokenize
from ..latex.unparse import unparse
from ..limits import MAX_GENERIC_OFFSET
from ..model.network import Network

__all__ = ["MODES", "Boundary", "Instance", "Invalid", "Mark", "Template", "read_boundary", "read_directive"]

#: the two kinds of generic index: a layer of a deep network, a step of a recurrent one
MODES = ("layers", "steps")
#: the letters of the layers 0, 1, 2, ... of an unrolled network (each layer its own range)
LAYER_LETTERS = ("i", "j", "k", "m", "n", "p", "q", "r", "s", "u", "v")
#: placeholder labels ``^{(7001)}`` start here (never a layer number a file writes)
_BASE = 7000
_PLACEHOLDER = re.compile(r"\^\{\((\d+)\)(?:\([A-Za-z]\))?\}$")


def layer_letters(examples: str | None = None) -> tuple[str, ...]:
    """The unit letters of the layers ``0, 1, 2, ...`` of an unrolled network; with the examples of
    a batch in columns (``% symbp: examples M : m``) without the examples' own letter, which every
    layer shares.

    >>> layer_letters("M")[:5]
    ('i', 'j', 'k', 'n', 'p')
    """
    ex = (examples or "").lower()
    return tuple(x for x in LAYER_LETTERS if x != ex)
_DIRECTIVE_ARG = re.compile(r"\s*([A-Za-z])\s*=\s*1\s*(?:\.\.|\\dots|\\ldots|,\s*\\dots\s*,)"
                            r"\s*([A-Za-z])\s*$")


_BOUNDARY = re.compile(r"\s*\\?([A-Za-z]+)\s*\^\s*(?:\{\s*([^{}]*?)\s*\}|([0-9A-Za-z]))"
                       r"\s*(?:_\s*(?:\{\s*([A-Za-z]'*)\s*\}|([A-Za-z])))?\s*=\s*(.*?)\s*")
_VALUE = re.compile(r"\\?([A-Za-z]+)\s*(?:_\s*(?:\{\s*([A-Za-z]'*)\s*\}|([A-Za-z])))?")


@dataclass(frozen=True)
class Boundary:
    """A boundary a file declares (``% symbp: boundary b^0_h = s_h``): the family, where
    (``'0'`` below the first layer or step, ``'end'`` after the last), its index letter as
    written and the value, a name (``s``, ``x``) or ``None`` for ``0``; ``pos``: the directive's
    offset in the file."""

    family: str
    at: str
    letter: str | None
    value: str | None
    pos: int = 0


def read_boundary(mode: str, var: str, depth: str, arg: str, pos: int = 0) -> Boundary:
    """``% symbp: boundary ...`` read for a file of generic ``mode`` (``layers`` or ``steps``), or
    a :class:`DeclarationError` saying what it may be.

    >>> read_boundary("steps", "t", "T", "b^0_h = s_h")
    Boundary(family='b', at='0', letter='h', value='s', pos=0)
    >>> read_boundary("steps", "t", "T", r"\\delta^{T+1} = 0").at
    'end'
    >>> read_boundary("layers", "l", "L", "a^0 = x").value
    'x'
    >>> read_boundary("steps", "t", "T", r"\\delta^{(T+1)} = 0").at
    'end'
    >>> read_boundary("steps", "t", "T", "b^T = 0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symbp.errors.DeclarationError: a boundary is declared at step T, which the forward pass computes ...
    >>> read_boundary("steps", "t", "T", r"\\delta^{T+1} = 1")
    Traceback (most recent call last):
    ...
    symbp.errors.DeclarationError: \\delta^{T+1} is 0: nothing comes after the last step
    hint: write '% symbp: boundary \\delta^{T+1} = 0' (the default), or leave it out
    """
    what = "layer" if mode == "layers" else "step"
    forms = ("a^0 = x" if mode == "layers" else "b^0 = 0, b^0_h = s_h or \\delta^{T+1} = 0")
    m = _BOUNDARY.fullmatch(arg)
    if m is None:
        raise DeclarationError("this boundary directive cannot be read", offset=pos,
                               hint=f"write '% symbp: boundary {forms}'")
    name, sup, value = m.group(1), (m.group(2) or m.group(3) or "").replace(" ", ""), m.group(6)
    if len(sup) > 2 and (sup[0], sup[-1]) in (("(", ")"), ("[", "]")):
        sup = sup[1:-1]  # a layer in brackets, as Goodfellow and Ng write it: b^{(0)}, \delta^{[T+1]}
    letter = m.group(4) or m.group(5)
    if name == "delta":
        if mode == "layers":
            raise DeclarationError(f"a file of layers has no \\delta^{{{depth}+1}}: the cost is a "
                                   "function of the last layer's activations", offset=pos,
                                   hint=f"write '% symbp: boundary {forms}'")
        if sup != f"{depth}+1":
            raise DeclarationError(f"a boundary of \\delta is declared after the last {what}, "
                                   f"\\delta^{{{depth}+1}}", offset=pos,
                                   hint=f"write '% symbp: boundary {forms}'")
        if value != "0":
            raise DeclarationError(f"\\delta^{{{depth}+1}} is 0: nothing comes after the last step",
                                   offset=pos, hint=f"write '% symbp: boundary \\delta^{{{depth}+1}} = 0' "
                                                    "(the default), or leave it out")
        return Boundary("delta", "end", letter, None, pos)
    if sup != "0":  # b^T, b^1: a step the forward pass computes; b^{-1}: none the network has
        where = (f"{what} {sup}, which the forward pass computes" if sup == depth or sup.isdigit() else
                 f"{what} {sup}, which the network does not have")
        raise DeclarationError(f"a boundary is declared at {where} ({name}^{{{sup}}}): a boundary is "
                               f"{what} 0, below the first {what} ({name}^0)",
                               offset=pos, hint=f"write '% symbp: boundary {forms}'")
    if value == "0":
        if mode == "layers":
            raise DeclarationError(f"layer 0's activations are the network's inputs, not 0: {name}^0 = 0",
                                   offset=pos, hint=f"write '% symbp: boundary {name}^0 = x' (the inputs' "
                                                    "name), or leave it out")
        return Boundary(name, "0", letter, None, pos)
    v = _VALUE.fullmatch(value)
    vletter = v and (v.group(2) or v.group(3))
    if v is None or vletter != letter or v.group(1) in (name, "delta"):
        hint = (f"write '% symbp: boundary {name}^0 = x' (the inputs' name)" if mode == "layers" else
                f"write '% symbp: boundary {name}^0 = 0', or an initial state with the same index: "
                f"'{name}^0_h = s_h' (s a parameter or an input)")
        raise DeclarationError(f"{name}^0 is given as {value or 'nothing'}, which is not "
                               f"{'0 or ' if mode == 'steps' else ''}the name of "
                               f"{'the inputs' if mode == 'layers' else 'an initial state'}"
                               f"{' with its index' if letter else ''}", offset=pos, hint=hint)
    return Boundary(name, "0", letter, v.group(1), pos)


def read_directive(arg: str) -> tuple[str, str] | None:
    """``l = 1..L`` -> ``('l', 'L')`` (the generic letter and the depth), else ``None``.

    >>> read_directive("t = 1..T"), read_directive("l = 2..L")
    (('t', 'T'), None)
    """
    m = _DIRECTIVE_ARG.fullmatch(arg)
    if not m or m.group(1) == m.group(2):
        return None
    return m.group(1), m.group(2)


@dataclass(frozen=True)
class Mark:
    """A generic superscript: ``kind`` is ``'var'`` (``l``) or ``'depth'`` (``L``), with an offset
    (``l+1``: 1), or ``'const'``, a layer (step) by its number (``x^1_i``, ``b^0_h``: the offset is
    the number); ``text`` as written (``l+1``)."""

    kind: str
    offset: int
    text: str
    #: how it is written back where the source bracketed it (``(l+1)``, ``[l]``); else ``text``
    shown: str = ""
    #: a transpose written inside the superscript after the brackets (``W^{[l+1]T}``): ``T``, ``\\top``
    transposed: str = ""
    #: Ng's column of the example ``i`` written inside it (``Z^{[l](i)}``): ``i``
    column: str = ""


class Invalid(Exception):
    """An instance outside the template's range (``\\delta^{l+1}`` at ``l = L``)."""


@dataclass
class Instance:
    """A claim written at concrete ``l`` and ``L``."""

    chain: Chain
    #: index letters of the claim placed at two layers: letter -> the layers (offsets from l)
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the claim's letters -> the letters of the unrolled network
    letters: dict[str, str] = field(default_factory=dict)
    #: letters placed by a family of the cost written at the top (``y_j``: layer ``L``) -> that layer
    at_top: dict[str, int] = field(default_factory=dict)
    #: a window of steps a proof is written at: (its step, the letter it stands for, the family
    #: the printer writes ``\\delta`` of without its step); ``None`` elsewhere
    shown_as: tuple[int, str, str] | None = None
    #: the sentence a proof at that window says it with, written back in the claim's notation
    generic_sentence: str = ""


@dataclass
class Template:
    """A generic forward pass (see the module docstring)."""

    mode: str
    var: str
    depth: str
    lines: list[str]
    #: keyword arguments of :func:`symbp.engine.declare.declare` (params, activations, error, ...)
    kw: dict[str, Any] = field(default_factory=dict)
    marks: dict[int, Mark] = field(default_factory=dict)
    #: per family name (as the parser names it), the layer offset of each index (layers mode)
    sig: dict[str, tuple[int, ...]] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)
    #: the families a layer uses of the layer below (``a``: ``a^{l-1}``)
    carriers: set[str] = field(default_factory=set)
    #: families written with a layer that no forward equation defines (Graves's inputs ``x^t``)
    leaves: set[str] = field(default_factory=set)
    forward: list[Chain] = field(default_factory=list)
    #: the cost written at the top of the network, about layer L only (Nielsen's ch. 3
    #: ``C = -\\sum_j [y_j \\ln a^L_j + (1 - y_j) \\ln(1 - a^L_j)]``): added once to every unrolled
    #: network, after its layers; an undefined function of the top layer where the error is free
    top: list[Chain] = field(default_factory=list)
    #: why the two-layer window does not prove a claim for every layer ('' when it does)
    window_problem: str = ""
    functions: frozenset[str] = frozenset()
    #: steps: the forward equations that read the step before (Graves's ``a^t_h``, from ``b^{t-1}``)
    consumer_eqs: list[int] = field(default_factory=list)
    #: steps: the families those equations define (``a``)
    consumer_bases: set[str] = field(default_factory=set)
    #: the boundaries a file declares (``% symbp: boundary``; the defaults otherwise)
    boundaries: list[Boundary] = field(default_factory=list)
    #: the families at layer (step) 0 given by name: ``a^0 = x``, ``b^0_h = s_h`` (base -> name)
    named_zero: dict[str, str] = field(default_factory=dict)
    cache: dict = field(default_factory=dict, repr=False)
    #: what every unrolled network gets of the file besides its forward pass: the vector
    #: notation's layout and conventions (``% symbp: hadamard *``, ``prefix``; :meth:`dress`)
    dressing: dict = field(default_factory=dict)
    #: the range of the examples of a batch in columns (``% symbp: examples M : m``): every
    #: family of the forward pass has a column per example, the same in every layer
    batch: str = ""

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise DeclarationError(f"unknown generic index kind {self.mode!r}", hint="layers or steps")
        if self.mode == "steps" and self.kw.get("error_kind") is not None:
            # the catalogue's error names its targets t, one family for the outputs of every step
            d = dx.StepTargets(self.kw["error_kind"], self.var, self.depth)
            raise DeclarationError(d.text, hint=d.hint, diagnosis=d, subject=("error", ""))
        from .declare import _FUNC_RE, _NAMED_FUNC_RE, _NOT_FUNCTIONS, _UNIT_FUNC_RE
        names = set()
        for src in self.lines:
            for rx in (_FUNC_RE, _UNIT_FUNC_RE, _NAMED_FUNC_RE):
                names.update(m.group(1).lstrip("\\") for m in rx.finditer(src))
        params_ = set(self.kw.get("params", ("w", "b")))
        #: Ng's activation of layer l, g^{[l]}: a function per layer (its letter), instantiated with
        #: its layer (g^{[2]}); a claim may name it at another layer (g'^{[l+1]})
        self.labelled = frozenset(m.group(1) for src in self.lines for m in self._labelled_rx().finditer(src)
                                  if m.group(1) not in params_ and m.group(3) is None)
        self.functions = frozenset(n for n in names if n not in _NOT_FUNCTIONS and n not in params_)
        self.params = set(self.kw.get("params", ("w", "b")))
        #: the unit letters of the layers (the examples' letter, shared by every layer, left out)
        self.pool = layer_letters(self.batch)
        #: the examples' letter in the index form of the forward pass (``m``), placed at no layer
        self.batch_letter = self.batch.lower()
        try:
            from .vector import generic_index_form  # a forward pass written with vectors
            self.lines = generic_index_form(self)
            self._read()
        except InputError as exc:
            if exc.forward_index is None:
                exc.forward_index = getattr(self, "_at", None)
            raise

    def _read(self) -> None:
        params = self.params
        #: per forward equation: for each character of its text as parsed, the offset in the line
        self._forward_where: list[list[int]] = []
        for k, src in enumerate(self.lines):
            self._at = k
            chain, where = self._parse(src)
            if len(chain.sides) != 2 or not isinstance(chain.sides[0], Sym):
                raise DeclarationError("a forward equation has the form  family_{indices} = expression",
                                       hint=f"for example  z^{self.var}_j = \\sum_k w^{self.var}_{{jk}} "
                                            f"a^{{{self.var}-1}}_k + b^{self.var}_j")
            lhs = chain.sides[0]
            base, mark = self.split(lhs.name)
            if mark is None and self.mode == "layers" and self._about_the_top(chain):
                from .declare import _implicit_patterns
                exc = _implicit_patterns(chain) if base == (self.kw.get("error") or "E") else None
                if exc is not None:  # C = \frac{1}{2n} \sum_x \sum_j (y_j - a^L_j)^2: x is implicit
                    raise exc
                self.top.append(chain)
                self._top_at = k
                continue
            if mark is None or mark.kind != "var" or mark.offset != 0:
                raise DeclarationError(
                    f"the left side of a generic forward equation is written at {self.mode[:-1]} "
                    f"{self.var}: {lhs.name.split('^')[0]}^{self.var}_{{...}}", offset=lhs.pos,
                    hint=f"define each family of {self.mode[:-1]} {self.var} from the ones before it")
            self.defined.add(base)
            self.forward.append(chain)
            self._forward_where.append(where)
        error = self.kw.get("error") or "E"
        costs = [c.sides[0] for c in self.top]
        if costs and error not in {s.name for s in costs}:
            # the cost written at the top and the error the checks differentiate must be one: a
            # file that names neither would read C as one more quantity under an undefined E
            self._at = self._top_at
            d = dx.TopCost(costs[0].name, error, self.kw.get("error_kind"))
            raise DeclarationError(d.text, offset=costs[0].pos, hint=d.hint, diagnosis=d)
        for k, chain in enumerate(self.forward):
            self._at = k
            where = self._forward_where[k]
            offsets: dict[tuple[str, int | None], tuple[int, Sym]] = {}
            scoped = [(n, scope) for side in chain.sides for n, scope in _scoped_syms(side)]
            syms = [n for n, _ in scoped]
            for s, scope in scoped:
                base, mark = self.split(s.name)
                if mark is None:
                    if base in self.defined and self.mode == "steps":
                        raise DeclarationError(f"{base} is written without its step in a forward equation",
                                               offset=_source(where, s.pos),
                                               hint=f"write {base}^{self.var}_{{...}}")
                    continue
                if mark.kind != "var":
                    raise DeclarationError(f"a forward equation is written for a generic "
                                           f"{self.mode[:-1]} {self.var}, not at {mark.text}",
                                           offset=_source(where, s.pos),
                                           hint=f"write ^{self.var} or ^{{{self.var}-1}}")
                if mark.offset not in (0, -1):
                    raise DeclarationError(f"the forward pass reaches back to {mark.text}, beyond the "
                                           f"{self.mode[:-1]} below, where no boundary says what it is",
                                           offset=_source(where, s.pos),
                                           hint=f"a {self.mode[:-1]} uses the one before it: "
                                                f"^{{{self.var}-1}}")
                if mark.offset < 0:
                    self.carriers.add(base)
                if base not in params and base not in self.defined:
                    self.leaves.add(base)
                if base not in params:
                    for x in s.letters:
                        if x == self.batch_letter:
                            continue  # the examples' letter: a column of every layer
                        # steps: a letter each sum binds is its own (the widths do not change with the
                        # step, and the letters are not renamed per step); layers: one per equation
                        key = (x, scope.get(x) if self.mode == "steps" else None)
                        first = offsets.setdefault(key, (mark.offset, s))
                        if first[0] != mark.offset:
                            raise self._two_layers(x, first[1], s, where)
                    self.sig.setdefault(base, (0,) * len(s.letters))
            layer_of = {x: off for (x, _), (off, _) in offsets.items()}
            for s in syms:
                base, mark = self.split(s.name)
                if mark is not None and base in params and self.mode == "layers":
                    if any(x not in layer_of for x in s.letters):
                        raise DeclarationError(f"an index of {base} is no unit of a layer",
                                               offset=_source(where, s.pos),
                                               hint="a weight's indices are units of the layers it joins")
                    self.sig[base] = tuple(layer_of[x] - mark.offset for x in s.letters)
        self._at = None
        #: the families written with a layer (step) in the forward pass, and \delta: on them a number
        #: before the subscript is a layer (step) by its number (:meth:`_numbered`)
        self.layered = {"delta"} | {self.split(n.name)[0] for c in (*self.forward, *self.top)
                                    for side in c.sides for n in side.walk()
                                    if isinstance(n, Sym) and self.split(n.name)[1] is not None}
        self._boundaries()
        self.template_letters = [self._letter_offsets(c) for c in self.forward]
        if self.mode == "steps":  # b^{t-1}_{h'} is the family b^t_h: h' runs over h's units
            lhs_letters = {self.split(c.sides[0].name)[0]: c.sides[0].letters for c in self.forward}
            aliases = dict(self.kw.get("aliases", {}))
            for chain in self.forward:
                for s in chain.sides[1].walk():
                    if isinstance(s, Sym):
                        base, mark = self.split(s.name)
                        if mark is not None and mark.offset and base in lhs_letters:
                            for x, y in zip(s.letters, lhs_letters[base]):
                                if x != y:
                                    aliases.setdefault(x, y)
            self.kw["aliases"] = aliases
        if self.mode == "steps":
            self.window_problem = self._steps_problem()
        elif not self.window_problem:
            # a cost written at the top that reads only a^L is the cost as a function of the top
            # layer's activations, which the window takes as an undefined function: the window
            # stands for it (one that reads a^{L-1}, or w^L, b^L, z^L, does not: C then depends on
            # that quantity directly, not only through a^L, and the window's top would be wrong at L)
            more = [f"{b}^{{{m.shown or m.text}}}" for c in self.top for b, m in self._rhs_bases(c)
                    if m.offset != 0 or b not in self.carriers]
            top = self.network(2, free_error=bool(self.top) and not more)
            outs = sorted(top.families[o].name for o in top.outputs)
            want = sorted(f"{c}^{{(2)}}" for c in self.carriers)
            if more:
                tops = ", ".join(f"{c}^{{{self.depth}}}" for c in sorted(self.carriers))
                self.window_problem = (f"the cost written at the top reads {', '.join(dict.fromkeys(more))}, "
                                       f"not only {tops}, so a window of layers (its cost a function of "
                                       f"its top layer's {', '.join(sorted(self.carriers))} alone) does not "
                                       f"stand for the layer {self.depth}")
            elif outs != want:
                self.window_problem = ("the unrolled network's outputs are not the families the next "
                                       "layer uses, so a window of layers does not stand for the rest")

    @property
    def patterns(self) -> tuple[str, str] | None:
        """The letter and the number of the patterns where the cost written at the top is their
        average or sum (``C = \\frac{1}{n} \\sum_x C_x``: ``('x', 'n')``), as the unrolled network
        reads it; else ``None``."""
        if self.mode != "layers" or not self.top:
            return None
        return self.network(2).patterns

    def _boundaries(self) -> None:
        """The declared boundaries checked against the forward pass: each of a family the layer
        (step) reads below it, each declared once."""
        seen: dict[tuple[str, str], Boundary] = {}
        for b in self.boundaries:
            key = (b.family, b.at)
            if key in seen and seen[key] != replace(b, pos=seen[key].pos):
                raise DeclarationError(f"two boundaries are declared for {b.family}"
                                       f"{'^0' if b.at == '0' else f'^{{{self.depth}+1}}'}",
                                       offset=b.pos, subject=("boundary", str(b.pos)),
                                       hint="declare one (the defaults: b^0 = 0, \\delta^{T+1} = 0, a^0 = x)")
            seen[key] = b
            if b.at == "0" and b.family not in self.carriers:
                reads = ", ".join(f"{c}^{{{self.var}-1}}" for c in sorted(self.carriers)) or "nothing"
                raise DeclarationError(f"{b.family}^0 is no quantity of {self.mode[:-1]} 0: the forward pass "
                                       f"reads {reads} of the {self.mode[:-1]} below", offset=b.pos,
                                       subject=("boundary", str(b.pos)),
                                       hint=f"declare the boundary of a family read at {self.var}-1")
            if b.value is not None and (b.value in self.defined or b.value in self.carriers):
                raise DeclarationError(f"{b.family}^0 is given as {b.value}, a family of the forward pass",
                                       offset=b.pos, subject=("boundary", str(b.pos)),
                                       hint="an initial state is a parameter or an input of its own name")
            if b.value is not None:
                self.named_zero[b.family] = b.value

    def _steps_problem(self) -> str:
        """Why a window of steps does not stand for every step ('' when it does), and the
        *consumers* (:attr:`consumer_eqs`): the equations that read the step before.  A step ``t``
        reaches the objective only through its own outputs and the consumers of step ``t+1``
        (``a^{t+1}_h``, which read ``b^t``); that holds when a consumer reads nothing else of its own
        step (only the step before, the inputs and the weights), so that no path from step ``t``
        leaves the window but through a consumer."""
        self.consumer_eqs = []
        for k, chain in enumerate(self.forward):
            marks = [self.split(s.name) for s in chain.sides[1].walk() if isinstance(s, Sym)]
            if not any(m is not None and m.offset < 0 for _, m in marks):
                continue
            self.consumer_eqs.append(k)
            own = sorted({b for b, m in marks if m is not None and m.offset == 0 and b in self.defined})
            if own:
                lhs = self.split(chain.sides[0].name)[0]
                return (f"{lhs}^{self.var} reads the step before and {own[0]}^{self.var} of its own step, "
                        "so a "
                        f"window of steps cut after {lhs}^{{{self.var}+1}} does not stand for the rest: only "
                        "the unrolled lengths are checked")
        self.consumer_bases = {self.split(self.forward[k].sides[0].name)[0] for k in self.consumer_eqs}
        return ""

    def window_network(self, n: int, following: bool, untie: bool = False) -> Network:
        """A window of steps (see :mod:`symbp.checker.generic`): the steps ``1..n`` in full, the
        carriers of step 0 given inputs (``b^{(0)}``, a leaf), with ``following`` the consumers of
        step ``n+1`` too (``a^{(n+1)}_h``), the objective an undefined function of what nothing in
        the window uses; with ``untie`` each step its own copy of the shared weights
        (``w^{(1)}_{hk}``: :meth:`valid`'s ``open_`` and the claims' derivatives by one step's use).

        >>> t = Template("steps", "t", "T", [
        ...     r"a^t_h = \\sum_i w_{ih} x^t_i + \\sum_{h'} w_{h'h} b^{t-1}_{h'}",
        ...     r"b^t_h = \\theta_h(a^t_h)", r"a^t_k = \\sum_h w_{hk} b^t_h"], {"params": ["w"]})
        >>> net = t.window_network(1, True)
        >>> [net.show(o) for o in net.outputs]
        ['a^{(1)}_{k}', 'a^{(2)}_{h}']
        >>> t.window_network(1, False, untie=True).forward_latex[0]
        "a^{(1)}_{h} = \\\\sum_{i} w^{(1)}_{ih} x^{(1)}_{i} + \\\\sum_{h'} w^{(1)}_{h'h} b^{(0)}_{h'}"
        """
        key = ("window", n, following, untie)
        if key not in self.cache:
            lines = []
            for step in range(1, n + 2 if following else n + 1):
                for k, chain in enumerate(self.forward):
                    if step == n + 1 and k not in self.consumer_eqs:
                        continue
                    env = {"var": step, "depth": n, "_open": "both" if following else "bottom",
                           "_untie": untie}
                    inst = self._instantiate(chain, env, n, {})
                    lines.append(f"{unparse(inst.sides[0])} = {unparse(inst.sides[1])}")
            kw = dict(self.kw)
            kw.pop("functions", None)
            kw["error_kind"] = None  # the objective: an undefined function of the window's outputs
            self.cache[key] = self._declare(lines, kw, n + 1)
        return self.cache[key]

    def _labelled_rx(self) -> re.Pattern:
        """A function applied with a generic layer in brackets: ``g^{[l]}(``, ``g'^{[l+1]}(``."""
        return re.compile(r"(?<![_\\A-Za-z])([A-Za-z])\s*'*\s*\^\s*\{\s*\[\s*([" + self.var + self.depth
                          + r"])\s*([+-]\s*\d)?\s*\]\s*\}\s*(?:\\left\s*)?\(")

    def _applied(self, toks: list, k: int, end: int, mark: Mark) -> bool:
        """Whether the generic superscript ``toks[k..end]`` (``[l+1]``) is the layer of a function
        of the forward pass applied to an argument (Ng's ``g'^{[l+1]}(Z^{[l]})``)."""
        if not self.labelled or not mark.shown.startswith("["):
            return False
        j = k - 1
        while j > 0 and toks[j].text == "'":
            j -= 1
        nxt = toks[end + 1] if end + 1 < len(toks) else None
        return (toks[j].kind == "letter" and toks[j].text in self.labelled and nxt is not None
                and (nxt.text == "(" or (nxt.kind == "cmd" and nxt.text == "left")))

    def functions_in(self, text: str) -> set[str]:
        """The functions a prepared text is parsed with: the forward pass's, and each function of a
        layer it applies (``g^{[7003]}``, the placeholder of ``g^{[l+1]}``)."""
        own = {f"{m.group(1)}^{{[{m.group(2)}]}}" for m in re.finditer(r"([A-Za-z])'*\^\{\[(\d+)\]\}", text)
               if int(m.group(2)) in self.marks}
        return set(self.functions) | own | set(self.kw.get("functions", ()))

    def _labelled_call(self, node: Call, env: dict[str, Any], depth: int) -> Call:
        """``g^{[l+1]}(...)`` at a concrete layer: ``g^{[3]}`` at ``l = 2``."""
        m = re.fullmatch(r"([A-Za-z])\^\{\[(\d+)\]\}", node.name)
        mark = self.marks.get(int(m.group(2))) if m is not None else None
        if m is None or mark is None:
            return node
        if mark.kind not in env:
            raise Invalid(mark.text)
        n = env[mark.kind] + mark.offset
        if not 1 <= n <= depth:
            raise Invalid(f"{m.group(1)}^{{[{n}]}}")
        return replace(node, name=f"{m.group(1)}^{{[{n}]}}")

    def dress(self, **attrs: Any) -> None:
        """Give every unrolled network (those built and those to come) these attributes of the
        file's (``layout``, ``conventions``)."""
        self.dressing.update(attrs)
        # the cache also holds what is not a network (``top_places``, a dict): dress the networks
        for net in (v for v in self.cache.values() if isinstance(v, Network)):
            for k, v in attrs.items():
                setattr(net, k, v)

    def _declare(self, lines: list[str], kw: dict[str, Any], depth: int) -> Network:
        """The unrolled network: ``declare`` with Ng's activation of a generic layer
        (``% symbp: activation g^{[l]} = tanh``) given at every layer, and :meth:`dress`'s attributes."""
        from .declare import declare
        acts = dict(kw.get("activations") or {})
        for name, value in list(acts.items()):
            m = re.fullmatch(r"([A-Za-z])\^\{\[([A-Za-z])\]\}", name)
            if m is not None and m.group(2) == self.var:
                del acts[name]
                text = " ".join(lines)
                for n in range(0, depth + 2):
                    if f"{m.group(1)}^{{[{n}]}}" in text:
                        acts.setdefault(f"{m.group(1)}^{{[{n}]}}", value)
        if acts != (kw.get("activations") or {}):
            kw = {**kw, "activations": acts}
        net = declare(lines, **kw)
        for k, v in self.dressing.items():
            setattr(net, k, v)
        return net

    def marked(self, name: str, mark: Mark) -> str:
        """``name`` with the placeholder of a generic superscript ``mark`` (a claim built by the
        checker: ``w_{hk}`` at step ``t``, the use of a shared weight at one step)."""
        key = next((k for k, m in self.marks.items() if m == mark), None)
        if key is None:
            key = _BASE + len(self.marks) + 1
            self.marks[key] = mark
        return f"{name}^{{({key})}}"

    def fit(self, chain: Chain, depth: int) -> Chain:
        """A claim at a concrete length, where that network lacks a weight of the template
        (steps: at ``T = 1`` with ``b^0 = 0`` nothing uses the recurrent ``w_{h'h}``): a
        derivative by it is ``0`` (nothing depends on it); a value of it raises :class:`Invalid`
        (that length cannot say what the claim says of it)."""
        if self.mode != "steps" or depth >= 2:
            return chain
        net, ref = self.network(depth), self.network(2)

        def absent(node: Node) -> bool:
            if not isinstance(node, Sym) or self.split(node.name)[0] not in self.params:
                return False
            axes: list[str] = []
            for x in node.letters:
                r = net.letter_ranges(x)
                if r is None:
                    return False
                axes += r
            return (len(axes) == sum(map(len, node.groups)) and net.family(node.name, tuple(axes)) is None
                    and ref.family(node.name, tuple(axes)) is not None)

        def go(node: Node) -> Node:
            if isinstance(node, Deriv) and absent(node.wrt):
                return Num(node.pos, node.end, 0)
            if absent(node):
                raise Invalid(f"{unparse(node)} at length {depth}")
            return map_children(node, go)

        return Chain(tuple(_prune(go(side)) for side in chain.sides), chain.rels)

    # -- reading
    def split(self, name: str) -> tuple[str, Mark | None]:
        """``w^{(7001)}`` -> ``('w', its mark)``; a name without a placeholder: ``(name, None)``."""
        m = _PLACEHOLDER.search(name)
        if m is None or int(m.group(1)) not in self.marks:
            return name, None
        return name[:m.start()], self.marks[int(m.group(1))]

    def prepare(self, src: str) -> tuple[str, list[int]]:
        """The text with every generic superscript as a placeholder label, and for each of its
        characters the offset in ``src`` it comes from."""
        toks = tokenize(src)
        out: list[str] = []
        where: list[int] = []
        last = 0
        k = 0
        while k < len(toks):
            t = toks[k]
            if t.kind == "sym" and t.text == "^" and k and k + 1 < len(toks):
                found = self._superscript(toks, k)
                if found is not None:
                    end, mark = found
                    prev = toks[k - 1]
                    if (k >= 3 and toks[k - 2].kind == "sym" and toks[k - 2].text == "_"
                            and toks[k - 3].kind == "letter"):
                        raise UnsupportedError(
                            f"the {self.mode[:-1]} {mark.text} is written after the subscript",
                            offset=t.pos, width=max(1, toks[end].end - t.pos),
                            hint=f"write the {self.mode[:-1]} first, as the sources do: "
                                 f"w^{self.var}_{{jk}}, a^{{{self.var}-1}}_k")
                    applied = self._applied(toks, k, end, mark)  # g'^{[l+1]}(: Ng's function of a layer
                    if applied or prev.kind == "letter":
                        key = _BASE + len(self.marks) + 1
                        self.marks[key] = mark
                        out.append(src[last:t.pos])
                        where.extend(range(last, t.pos))
                        col = f"({mark.column})" if mark.column else ""
                        text = f"^{{[{key}]}}" if applied else f"^{{({key}){col}{mark.transposed}}}"
                        out.append(text)
                        where.extend([t.pos] * len(text))
                        last = toks[end].end
                        k = end + 1
                        continue
            k += 1
        out.append(src[last:])
        where.extend(range(last, len(src)))
        return "".join(out), where

    def _superscript(self, toks: list, k: int) -> tuple[int, Mark] | None:
        """The generic superscript at ``toks[k]`` (a ``^``): ``^l``, ``^{l+1}``, and in brackets as
        Goodfellow and Ng write a layer, ``^{(l-1)}``, ``^{[l+1]}`` (the brackets kept for writing it
        back); the index of its last token and its mark, or ``None``."""
        letters = (self.var, self.depth)
        a = toks[k + 1]
        numbered = self._numbered(toks, k)
        if numbered is not None:
            return numbered
        if a.kind == "letter" and a.text in letters:
            return k + 1, Mark("var" if a.text == self.var else "depth", 0, a.text)
        if not (a.kind == "sym" and a.text == "{"):
            return None
        j, close = k + 2, ""
        if j < len(toks) and toks[j].kind == "sym" and toks[j].text in ("(", "["):
            close = ")" if toks[j].text == "(" else "]"
            j += 1
        b = toks[j] if j < len(toks) else None
        if b is None or b.kind != "letter" or b.text not in letters:
            return None
        kind = "var" if b.text == self.var else "depth"
        off, text, j = 0, b.text, j + 1
        c = toks[j] if j < len(toks) else None
        if (c is not None and c.kind == "sym" and c.text in "+-" and j + 1 < len(toks)
                and toks[j + 1].kind == "num" and toks[j + 1].text.isdigit()):
            off = int(toks[j + 1].text) * (1 if c.text == "+" else -1)
            before = toks[k - 1]
            on_symbol = before.kind == "letter" or (before.kind == "sym" and before.text == "'")
            if abs(off) > MAX_GENERIC_OFFSET and not on_symbol:  # a sum's bound, \sum_{t=1}^{T-10}
                return None
            if abs(off) > MAX_GENERIC_OFFSET:  # on a symbol, declared, but further than a claim is unrolled
                d = dx.GenericOffsetBound(f"{b.text}{c.text}{toks[j + 1].text}", self.mode, b.text, self.var,
                                          self.depth, off, MAX_GENERIC_OFFSET)
                raise UnsupportedError(d.text, offset=toks[k].pos, hint=d.hint, diagnosis=d,
                                       width=max(1, toks[j + 1].end - toks[k].pos))
            text, j = f"{b.text}{c.text}{toks[j + 1].text}", j + 2
        transposed = column = ""
        if close:
            if not (j < len(toks) and toks[j].kind == "sym" and toks[j].text == close):
                return None
            j += 1
            t = toks[j] if j < len(toks) else None
            if (self.batch and close == "]" and t is not None and t.kind == "sym" and t.text == "("
                    and j + 2 < len(toks) and toks[j + 1].kind == "letter" and toks[j + 2].kind == "sym"
                    and toks[j + 2].text == ")"):
                column, j = toks[j + 1].text, j + 3  # Ng's Z^{[l](i)}: the column of the example i
                t = toks[j] if j < len(toks) else None
            if t is not None and ((t.kind == "cmd" and t.text in ("top", "intercal"))
                                  or (t.kind == "letter" and t.text == "T")):
                transposed = t.show()  # Ng's W^{[l+1]T}, Goodfellow's W^{(k)\top}: the parser's
                j += 1
        if not (j < len(toks) and toks[j].kind == "sym" and toks[j].text == "}"):
            return None
        opening = "(" if close == ")" else "[" if close else ""
        return j, Mark(kind, off, text, f"{opening}{text}{close}" if close else "", transposed, column)

    def _numbered(self, toks: list, k: int) -> tuple[int, Mark] | None:
        """At ``toks[k]`` (a ``^``) after a family the forward pass writes with its layer (step),
        a layer (step) by its number before the subscript, ``x^1_i``, ``b^{0}_h`` (on such a
        family a number there is no power); its last token and its mark, or ``None``."""
        if not (k and toks[k - 1].kind == "letter"):
            return None
        j = k + 1
        braced = toks[j].kind == "sym" and toks[j].text == "{"
        j += braced
        t = toks[j] if j < len(toks) else None
        if t is None or t.kind != "num" or not t.text.isdigit() or (len(t.text) > 1 and not braced):
            return None
        end = j + braced
        if braced and not (end < len(toks) and toks[end].kind == "sym" and toks[end].text == "}"):
            return None
        if not (end + 1 < len(toks) and toks[end + 1].kind == "sym" and toks[end + 1].text == "_"):
            return None
        layered = getattr(self, "layered", None)  # None while the forward pass itself is read
        if layered is None:
            return None
        if toks[k - 1].text not in layered:  # y^2_j, y written without layers: a power or a layer?
            d = dx.UnlayeredNumber(toks[k - 1].text, t.text, self.mode)
            raise UnsupportedError(d.text, offset=toks[k].pos, hint=d.hint, diagnosis=d,
                                   width=max(1, toks[end].end - toks[k].pos))
        n = int(t.text)
        if n > MAX_GENERIC_OFFSET:  # unrolled as far as the claim reaches: bounded
            d = dx.GenericOffsetBound(t.text, self.mode, "", self.var, self.depth, n, MAX_GENERIC_OFFSET)
            raise UnsupportedError(d.text, offset=toks[k].pos, hint=d.hint, diagnosis=d,
                                   width=max(1, toks[end].end - toks[k].pos))
        return end, Mark("const", n, t.text)

    def parse(self, src: str, what: str = "claim") -> Chain:
        """A formula of the file with its generic superscripts read (errors at the source's offsets)."""
        return self._parse(src)[0]

    def _parse(self, src: str) -> tuple[Chain, list[int]]:
        """:meth:`parse`, and for each character of the text parsed (the nodes' offsets) its offset
        in ``src``."""
        text, where = self.prepare(src)
        try:
            return parse_chain(text, self.functions_in(text)), where
        except InputError as exc:
            if exc.offset is not None and where:
                exc.offset = where[min(exc.offset, len(where) - 1)]
            raise

    def _two_layers(self, x: str, first: Sym, second: Sym, where: list[int]) -> DeclarationError:
        """The error for the letter ``x`` at two layers (steps) of one forward equation, at the
        second symbol; where the first (or the second) is a family of two or more indices that is no
        parameter, nothing defines, the message names the params directive (Goodfellow's ``W``)."""
        leaf = next((b for b in (self.split(n.name)[0] for n in (first, second) if len(n.letters) > 1)
                     if b not in self.params and b not in self.defined), None)
        used = {self.split(n.name)[0] for c in self.forward for side in c.sides for n in side.walk()
                if isinstance(n, Sym)}
        params = (leaf, *sorted(p for p in self.params if p in used)) if leaf is not None else ()
        d = dx.LetterAtTwoLayers(x, self.mode, self.show(unparse(first)), self.show(unparse(second)),
                                 leaf, params)
        return DeclarationError(d.text, offset=_source(where, second.pos),
                                width=max(1, second.end - second.pos), hint=d.hint, diagnosis=d)

    def show(self, text: str) -> str:
        """Placeholder labels written back as the source writes them (``^{l+1}``)."""
        def back(m: re.Match) -> str:
            mark = self.marks.get(int(m.group(1)))
            if mark is None:
                return m.group(0)
            # W^{[l+1]T}: its transpose after it; Ng's column Z^{[l](i)}: the example's letter
            written = (mark.shown or mark.text) + (m.group(2) or "") + m.group(3)
            return f"^{{{written}}}" if len(written) > 1 else f"^{written}"

        def labelled(m: re.Match) -> str:  # g^{[7003]}: Ng's g^{[l+1]}
            mark = self.marks.get(int(m.group(1)))
            return m.group(0) if mark is None else f"^{{{mark.shown}}}"

        text = re.sub(r"\^\{\[(\d+)\]\}", labelled, text)
        return re.sub(r"\^\{\((\d+)\)(\([A-Za-z]\))?(T|\\top|\\intercal|)\}", back, text)

    # -- what a layer is
    def valid(self, base: str, n: int, depth: int, open_: str = "") -> str:
        """``'ok'``, ``'zero'`` (a boundary) or ``'invalid'`` for the family ``base`` at layer ``n``.
        ``open_`` (steps, a window of :meth:`window_network`): ``'bottom'``, the carriers below the
        window are given inputs (``b^{(0)}`` a leaf, not ``0``); ``'both'``, the step above it
        (its consumers, ``a^{(n+1)}``) is part of the window too.

        >>> t = Template("steps", "t", "T", [
        ...     r"a^t_h = \\sum_i w_{ih} x^t_i + \\sum_{h'} w_{h'h} b^{t-1}_{h'}",
        ...     r"b^t_h = \\theta_h(a^t_h)"], {"params": ["w"]})
        >>> t.valid("b", 0, 2), t.valid("b", 0, 2, "bottom")
        ('zero', 'ok')
        >>> t.valid("delta", 3, 2), t.valid("delta", 3, 2, "both")
        ('zero', 'ok')
        """
        if self.mode == "layers":
            lo = 0 if base in self.carriers else 1
            return "ok" if lo <= n <= depth else "invalid"
        if 1 <= n <= depth:
            return "ok"
        if n == 0 and base in self.carriers:
            return "ok" if open_ else "zero"  # b^0 = 0 (in a window: the input below it)
        if n == depth + 1 and open_ == "both":
            return "ok"  # the next step's consumers, in a window
        if n == depth + 1 and base == "delta":
            return "zero"  # \delta^{T+1} = 0
        return "invalid"

    def _about_the_top(self, chain: Chain) -> bool:
        """Whether a forward equation with no layer on its left side is about the top layer alone:
        its right side names layers only at ``L`` (``a^L_j``, ``a^{L-1}_k``), or names none (the
        average ``C = \\frac{1}{n} \\sum_x C_x`` of costs defined so)."""
        return all(m.kind == "depth" for m in self._rhs_marks(chain))

    def _is_total(self, chain: Chain) -> bool:
        """Whether a forward equation written at the top is the total over the inputs (the
        average ``C = \\frac{1}{n} \\sum_x C_x``, the sum ``E = \\sum_n E_n``), read as
        :func:`symbp.engine.declare.declare` reads it."""
        from types import SimpleNamespace

        from .declare import _pattern_sum
        return _pattern_sum(chain, SimpleNamespace(error_name=self.kw.get("error") or "E")) is not None

    def _top_places(self) -> dict[str, tuple[int | None, ...]]:
        """The families the cost written at the top reads without a layer, each index's layer
        from ``L`` where a family with a layer places it (Nielsen's ``y_j`` beside ``a^L_j``:
        ``{'y': (0,)}``), ``None`` where none does."""
        if "top_places" not in self.cache:
            out: dict[str, tuple[int | None, ...]] = {}
            for chain in self.top:
                offs = self._letter_offsets(chain)
                for s in chain.sides[1].walk():
                    if isinstance(s, Sym) and self.split(s.name)[1] is None and s.letters \
                            and s.name not in self.params and s.name not in self.defined:
                        out.setdefault(s.name, tuple(offs.get(x) for x in s.letters))
            self.cache["top_places"] = out
        return self.cache["top_places"]

    def _rhs_marks(self, chain: Chain) -> list[Mark]:
        """The generic superscripts written on the right side of ``chain``."""
        return [m for s in chain.sides[1].walk() if isinstance(s, Sym)
                if (m := self.split(s.name)[1]) is not None]

    def _rhs_bases(self, chain: Chain) -> list[tuple[str, Mark]]:
        """The families written with a generic superscript on the right side of ``chain``, and
        their superscripts."""
        return [(b, m) for s in chain.sides[1].walk() if isinstance(s, Sym)
                for b, m in [self.split(s.name)] if m is not None]

    def _letter_offsets(self, chain: Chain) -> dict[str, int]:
        offsets: dict[str, int] = {}
        for side in chain.sides:
            for s in side.walk():
                if isinstance(s, Sym):
                    base, mark = self.split(s.name)
                    if mark is not None:
                        for x, d in zip(s.letters, self._sig(base, len(s.letters))):
                            if x != self.batch_letter:
                                offsets.setdefault(x, mark.offset + d)
        return offsets

    def _sig(self, base: str, n: int) -> tuple[int, ...]:
        if base == "delta" or base not in self.sig:
            return (0,) * n
        sig = self.sig[base]
        return sig if len(sig) == n else (0,) * n

    # -- unrolled
    def network(self, depth: int, equal: bool = False, free_error: bool = False) -> Network:
        """The forward pass unrolled to ``depth`` layers (steps); ``equal``: every layer as wide
        as layer 0 (one range for all units); ``free_error``: the error an undefined function of
        the top layer (a window whose top is no ``L``), not the catalogue's (``% symbp: error ...``)."""
        key = (depth, equal) if not free_error else (depth, equal, "free-error")
        if self.mode == "layers" and depth >= len(self.pool):  # audit7: an IndexError past the letters
            raise ResourceLimitError(f"this equation is unrolled to the depth {depth}, past the deepest "
                                     f"network whose layers symbp has unit letters for "
                                     f"({len(self.pool) - 1}): "
                                     "not decided")
        if key not in self.cache:
            lines = []
            for n in range(1, depth + 1):
                for chain, offs in zip(self.forward, self.template_letters):
                    env = {"var": n, "depth": depth}
                    letters = ({x: self.pool[n + d] for x, d in offs.items()}
                               if self.mode == "layers" else {})
                    inst = self._instantiate(chain, env, depth, letters)
                    lines.append(f"{unparse(inst.sides[0])} = {unparse(inst.sides[1])}")
            for chain in self.top:
                if free_error and not self._is_total(chain):  # the average over the inputs stays
                    continue
                offs = self._letter_offsets(chain)
                letters = {x: self.pool[depth + d] for x, d in offs.items()} if depth + min(
                    offs.values(), default=0) >= 0 else {}
                inst = self._instantiate(chain, {"depth": depth}, depth, letters)
                lines.append(f"{unparse(inst.sides[0])} = {unparse(inst.sides[1])}")
            kw = dict(self.kw)
            kw.pop("functions", None)
            if free_error:
                kw["error_kind"] = None
            if equal and self.mode == "layers":
                kw["aliases"] = {**kw.get("aliases", {}),
                                 **{x: self.pool[0] for x in self.pool[1:depth + 1]}}
            self.cache[key] = self._declare(lines, kw, depth)
        return self.cache[key]

    def instance(self, chain: Chain, var: int | None, depth: int, equal: bool = False,
                 open_: str = "") -> Instance:
        """The claim ``chain`` at ``l = var`` of a network ``depth`` layers deep; raises
        :class:`Invalid` where it names a layer the network does not have (``open_``: in a window
        of steps, :meth:`valid`)."""
        env: dict[str, Any] = {"depth": depth} if var is None else {"var": var, "depth": depth}
        if open_:
            env["_open"] = open_
        if self.mode == "steps":
            return Instance(self._instantiate(chain, env, depth, {}))
        placed: dict[str, set[int]] = {}
        shared: set[str] = set()  # letters of the examples, placed at no layer
        at_top: dict[str, int] = {}
        for side in chain.sides:
            for s in side.walk():
                if isinstance(s, Sym):
                    base, mark = self.split(s.name)
                    if mark is None:
                        if base in self._top_places() and len(s.letters) == len(self._top_places()[base]):
                            # y_j of the cost at the top: its units are those of layer L (a^L_j)
                            for x, d in zip(s.letters, self._top_places()[base]):
                                if d is not None:
                                    placed.setdefault(x, set()).add(depth + d)
                                    at_top[x] = depth + d
                            continue
                        if s.letters and (base in self.defined or base in self.params or base == "delta"):
                            raise UnsupportedError(
                                f"{unparse(s)} is written without its layer", offset=s.pos,
                                hint=f"write the layer: {base}^{self.var}_{{...}} or "
                                     f"{base}^{self.depth}_{{...}}")
                        continue
                    if mark.kind not in env and mark.kind != "const":
                        raise UnsupportedError(f"the {self.mode[:-1]} {mark.text} in a claim about one "
                                               f"{self.mode[:-1]}", offset=s.pos,
                                               hint=f"write the claim at {self.var} or at {self.depth}")
                    n = mark.offset + (env[mark.kind] if mark.kind != "const" else 0)
                    if mark.column:
                        shared.add(mark.column)  # Ng's \sum_i dZ^{[l](i)}: i is an example
                    for x, d in zip(s.letters, self._sig(base, len(s.letters))):
                        if x != self.batch_letter:
                            placed.setdefault(x, set()).add(n + d)
        used = set().union(*(side.index_letters() for side in chain.sides))
        pattern = self.patterns
        if pattern is not None and pattern[0] in placed:
            x, n = pattern
            raise UnsupportedError(f"{x} is the letter of the average over the inputs ("
                                   f"{self.kw.get('error') or 'E'} = \\frac{{1}}{{{n}}} \\sum_{x} ...) "
                                   "and a unit of a layer in this claim",
                                   hint=f"name the units with another letter than {x}")
        loose = sorted(used - set(placed) - shared - {self.batch_letter} - {pattern[0] if pattern else None})
        if loose:
            raise UnsupportedError(f"the index {loose[0]} is no unit of any layer of this claim",
                                   hint=f"index letters stand for the units of a layer: j in z^{self.var}_j")
        conflicts = {x: tuple(sorted(str(n) for n in ns)) for x, ns in placed.items() if len(ns) > 1}
        letters: dict[str, str] = {}
        taken: set[str] = set()
        if equal or conflicts:
            pool = [x for x in self.pool[:depth + 1]] + [x + "'" for x in self.pool[:depth + 1]]
            for x in sorted(placed):
                letters[x] = pool[len(letters)]
        else:
            for x in sorted(placed, key=lambda y: (min(placed[y]), y)):
                n = min(placed[x])
                if not 0 <= n < len(self.pool):
                    raise Invalid(x)
                new = self.pool[n]
                while new in taken:
                    new += "'"
                taken.add(new)
                letters[x] = new
        inst = self._instantiate(chain, env, depth, letters)
        return Instance(inst, conflicts, letters, at_top=at_top)

    def _instantiate(self, chain: Chain, env: dict[str, int], depth: int, letters: dict[str, str]) -> Chain:
        sides = tuple(self._node(s, env, depth, letters) for s in chain.sides)  # pruned as it goes
        return Chain(sides, chain.rels)

    def _node(self, node: Node, env: dict[str, int], depth: int, letters: dict[str, str]) -> Node:
        def rn(x: str) -> str:
            return letters.get(x, x)

        if isinstance(node, Sym):
            base, mark = self.split(node.name)
            groups = tuple(tuple(rn(x) for x in g) for g in node.groups)
            if mark is None:
                if env.get("_untie") and base in self.params and "var" in env:  # a copy per step
                    return rebuild(node, {"name": f"{base}^{{({env['var']})}}", "groups": groups})
                return rebuild(node, {"groups": groups})
            if mark.kind not in env and mark.kind != "const":
                raise Invalid(mark.text)
            n = mark.offset + (env[mark.kind] if mark.kind != "const" else 0)
            state = self.valid(base, n, depth, env.get("_open", ""))
            if state == "invalid":
                raise Invalid(f"{base}^{n}")
            if n == 0 and base in self.named_zero and (state == "zero"
                                                        or (state == "ok" and self.mode == "layers")):
                # a^0 = x, b^0_h = s_h
                return rebuild(node, {"name": self.named_zero[base], "groups": groups})
            if state == "zero":
                return Num(node.pos, node.end, 0)
            column = f"({mark.column})" if mark.column else ""  # Ng's Z^{[l](i)} at l = 2: Z^{(2)(i)}
            return rebuild(node, {"name": f"{base}^{{({n}){column}}}", "groups": groups})
        if isinstance(node, Kron):
            return rebuild(node, {"left": tuple(rn(x) for x in node.left),
                                  "right": tuple(rn(x) for x in node.right)})
        if isinstance(node, SumOp) and node.index == self.var and "var" not in env:
            lo = node.lower
            hi = node.upper
            if not (isinstance(lo, Num) and isinstance(hi, Sym) and hi.name == self.depth and not hi.groups):
                raise UnsupportedError(f"a sum over the {self.mode[:-1]} {self.var} runs from 1 to "
                                       f"{self.depth}", offset=node.pos,
                                       hint=f"write \\sum_{{{self.var}=1}}^{{{self.depth}}}")
            terms = [self._node(node.body, {**env, "var": v}, depth, letters)
                     for v in range(int(lo.value), depth + 1)]
            if not terms:
                return Num(node.pos, node.end, 0)
            return terms[0] if len(terms) == 1 else _prune_top(Add(node.pos, node.end, tuple(terms)))
        if isinstance(node, SumOp) and node.index == self.var:
            raise UnsupportedError(f"a sum over {self.var} in an equation about one {self.mode[:-1]} "
                                   f"{self.var}", offset=node.pos,
                                   hint=f"name the summation index otherwise, or claim the equation "
                                        f"for {self.depth}")
        if isinstance(node, SumOp):
            node = rebuild(node, {"index": rn(node.index)})
        if isinstance(node, Call) and node.sub:
            node = rebuild(node, {"sub": tuple(tuple(rn(x) for x in g) for g in node.sub)})
        if isinstance(node, Call) and self.labelled:  # g^{[l]} at layer 2: g^{[2]}
            node = self._labelled_call(node, env, depth)
        changed: dict[str, Any] = {}
        for name in child_fields(type(node)):
            v = getattr(node, name)
            if isinstance(v, Node):
                new = self._node(v, env, depth, letters)
                if isinstance(node, Deriv) and name == "wrt" and not isinstance(new, Sym):
                    raise Invalid("a derivative by a boundary value")
                changed[name] = new
            elif isinstance(v, tuple) and v and isinstance(v[0], Node):
                changed[name] = tuple(self._node(c, env, depth, letters) for c in v)
        return _prune_top(rebuild(node, changed)) if changed else node  # the children pruned: _prune

    # -- what a claim names
    def claim_marks(self, chain: Chain, free: bool = True) -> list[tuple[str, Mark]]:
        """``(family, mark)`` of every generic superscript of ``chain`` (with ``free``, not those
        inside a sum over the generic letter, ``\\sum_{t=1}^{T}``, which binds it)."""
        out: list[tuple[str, Mark]] = []

        def visit(node: Node) -> None:
            if free and isinstance(node, SumOp) and node.index == self.var:
                return
            if isinstance(node, Sym):
                base, mark = self.split(node.name)
                if mark is not None:
                    out.append((base, mark))
            for c in node.children():
                visit(c)

        for side in chain.sides:
            visit(side)
        return out

    def window(self, chain: Chain) -> tuple[int, int | None, int, int] | None:
        """The smallest unrolled network that stands for every layer: ``(depth, l, bottom,
        top)``, where the claim at ``l`` (``None`` for a claim at ``L``) of that network is the
        claim at any layer, with the layers ``l+bottom .. l+top`` as the window; ``None`` when
        no window proves the claim for every layer (see :mod:`symbp.checker.generic`; steps have
        windows of their own there)."""
        if self.window_problem or self.mode == "steps":
            return None
        marks = self.claim_marks(chain)
        kinds = {m.kind for _, m in marks}
        if len(kinds) != 1 or "const" in kinds:  # a layer by its number: no window stands for it
            return None
        # a carrier (a^{l-1}) is the input of the layer above it: as the lowest, a leaf
        own = [m.offset + 1 if b in self.carriers else m.offset for b, m in marks]
        top = max(m.offset for _, m in marks)
        bottom = min(min(own), top)
        if kinds == {"depth"}:
            if top > 0:
                return None
            return 1 - bottom, None, bottom, 0
        return top - bottom + 1, 1 - bottom, bottom, top

    def span(self, chain: Chain) -> tuple[int, int]:
        """The layers ``l`` the claim is about: ``(lo, c)`` for ``l = lo..L+c``."""
        lo, c = 0, 10
        for base, m in self.claim_marks(chain):
            if m.kind == "const":
                continue
            first = 0 if base in self.carriers else 1
            lo = max(lo, first - m.offset)
            c = min(c, -m.offset + (1 if self.mode == "steps" and base == "delta" else 0))
        return lo, c


def _source(where: list[int], pos: int) -> int:
    """The offset in the source of the offset ``pos`` in the text :meth:`Template.prepare` made."""
    return where[min(pos, len(where) - 1)] if where else pos


def _scoped_syms(node: Node, scope: dict[str, int] | None = None) -> Any:
    """Every symbol under ``node`` with the sums that bind its letters (letter -> the sum's id)."""
    scope = scope or {}
    if isinstance(node, SumOp):
        scope = {**scope, node.index: id(node)}
    if isinstance(node, Sym):
        yield node, scope
    for c in node.children():
        yield from _scoped_syms(c, scope)


def _zero(node: Node) -> bool:
    return isinstance(node, Num) and node.value == 0


def _prune(node: Node) -> Node:
    """``node`` without the terms a boundary made zero (``\\sum_{h'} w_{h'h} 0`` at the first step:
    ``b^0 = 0``), so that a forward equation stays a weighted sum."""
    return _prune_top(map_children(node, _prune))


def _prune_top(node: Node) -> Node:
    """:func:`_prune` at ``node`` alone, its children pruned already (:meth:`Template._node`
    prunes as it builds an instance, bottom up: the same tree as :func:`_prune` of the whole)."""
    zero = Num(node.pos, node.end, 0)
    if isinstance(node, Mul) and any(_zero(f) for f in node.factors):
        return zero
    if isinstance(node, (SumOp, Neg)) and _zero(node.body if isinstance(node, SumOp) else node.arg):
        return zero
    if isinstance(node, Add):
        kept = tuple(t for t in node.terms if not _zero(t))
        if not kept:
            return zero
        return kept[0] if len(kept) == 1 else rebuild(node, {"terms": kept})
    return node
