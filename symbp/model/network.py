"""Indexed symbolic networks, declared by their forward pass.

A network is a set of *families* of indexed quantities: unit families (``a_j``, ``z_j``,
``z_{i_l}``) and parameter families (``w_{ji}``, ``w_{kj_l}``).  A family is named by its letter
and the *ranges* of its indices: ``z_i`` and ``z_j`` are two families (the input and the hidden
layer), as in PRML.  Each index letter runs over a range with a symbolic size (``j`` over
``1..J``).  A forward equation ``a_{j_l} = \\sum_i w_{ji} z_{i_l}`` defines one family in terms
of others; the weights it uses are *shared* across every index of the left side that they do not
carry (here ``l``: convolution-style tying) and independent across the indices they do carry.
Plain and weight-shared layers are the same mechanism; there are no special cases.

The error ``E`` is an undefined differentiable function of the *output* families (those no
forward equation uses); ``\\delta`` of a unit is the derivative of the error by its
*pre-activation*.  Roles are read from the structure of the forward pass, never from a letter
(:attr:`Network.roles`: a weighted sum plus a bias is a pre-activation, a function of one
pre-activation its activation), so PRML's ``a`` and Nielsen's ``z`` are both what ``\\delta``
differentiates by; the error may have any name (:attr:`Network.error_name`).

>>> from symbp import builtin
>>> net = builtin("plain")
>>> [f.show() for f in net.families]
['a_{j}', 'w_{ji}', 'z_{i}', 'z_{j}', 'a_{k}', 'w_{kj}']
>>> net.show(net.outputs[0])
'a_{k}'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..notation import group_letters, latex_name
from ..printable import Printable
from .normal_form import Expr


@dataclass(frozen=True)
class Family:
    """An indexed family: ``name`` with indices over ``axes`` (range names), written in
    subscript groups of sizes ``grouping`` (``w_{kj_l}``: axes ``('K', 'J', 'L')``, grouping ``(1, 2)``)."""

    id: int
    name: str
    axes: tuple[str, ...]
    grouping: tuple[int, ...]
    param: bool
    letters: tuple[str, ...]  # the letters it was first written with
    #: the positions of the subscript groups that are the unit 0 (PRML's bias ``w_{j0}``: ``(1,)``):
    #: ``w_{j0}`` is a family of its own, over ``('J',)``, beside ``w_{ji}`` over ``('J', 'D')``
    units: tuple[int, ...] = ()

    def show(self) -> str:
        if not self.axes and not self.units:  # a single unit: a, y
            return latex_name(self.name)
        return f"{latex_name(self.name)}_{{{group_letters(self.letters, self.grouping, self.units)}}}"


def monomial_value(mono: str, sizes: dict[str, int]) -> int:
    """The value of a size relation's term, a size or a product of sizes (``'J*s'``).

    >>> monomial_value("J*s", {"J": 4, "s": 2}), monomial_value("M", {"M": 3})
    (8, 3)
    """
    out = 1
    for q in mono.split("*"):
        out *= sizes[q]
    return out


def components(letter: str, ranges: Sequence[str]) -> tuple[str, ...]:
    """The free index names of a letter over ``ranges``: ``('j',)``; for a composite letter ``m``
    over ``(J, L)`` its components ``('m.0', 'm.1')`` (:meth:`Network.component` reads them back)."""
    return (letter,) if len(ranges) <= 1 else tuple(f"{letter}.{k}" for k in range(len(ranges)))


@dataclass
class Network(Printable):
    """A declared network.  Build one with :func:`declare` or :func:`builtin`."""

    name: str = "network"
    ranges: dict[str, str] = field(default_factory=dict)  # index letter -> range (size symbol)
    composites: dict[str, tuple[str, ...]] = field(default_factory=dict)  # m -> ('j', 'l')
    range_letter: dict[str, str] = field(default_factory=dict)  # range -> canonical letter
    families: list[Family] = field(default_factory=list)
    definitions: dict[int, Expr] = field(default_factory=dict)  # family id -> Expr in '#0', '#1', ...
    forward_latex: list[str] = field(default_factory=list)
    functions: set[str] = field(default_factory=set)
    param_names: set[str] = field(default_factory=lambda: {"w", "b"})
    error_name: str = "E"
    #: declared activations: function name -> 'tanh' | 'logistic' | 'identity' (others undefined)
    activations: dict[str, str] = field(default_factory=dict)
    #: a declared error function ('sum-of-squares': E = 1/2 sum (y - t)^2), or None (undefined)
    error_kind: str | None = None
    targets: dict[int, int] = field(default_factory=dict)  # output family -> its target family t
    #: the letter of the families \\delta differentiates by: the pre-activations (see
    #: :func:`symbp.engine.declare.declare`), or a file's ``% symbp: delta z``; ``None`` where the
    #: forward pass does not say (then \\delta is an input error asking for that directive)
    delta_of: str | None = "a"
    #: the letter a file's ``% symbp: delta z`` names (the oracle reads the rest on its own)
    delta_declared: str | None = None
    #: why ``delta_of`` is ``None`` (the text of the error a \\delta then gets)
    delta_problem: str = ""
    #: function name -> the families the forward pass applies it to
    applied: dict[str, set[int]] = field(default_factory=dict)
    #: functions written per unit, with a subscript (Graves's ``\\theta_h(a_h)``)
    unit_functions: set[str] = field(default_factory=set)
    #: pre-activation families (defined as a weighted sum, plus a bias) and activation families
    #: (defined as a function of one pre-activation): roles read from the forward pass
    roles: dict[int, str] = field(default_factory=dict)
    consumers: dict[int, list[int]] = field(default_factory=dict)
    ancestors: dict[int, set[int]] = field(default_factory=dict)
    outputs: list[int] = field(default_factory=list)
    #: vectors and matrices a file declares (``% symbp: vector z : J``, ``matrix W : J x I``):
    #: name -> its ranges (one for a column vector, two for a matrix); read by symbp.engine.vector
    shapes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: ranges declared from 0 in a forward sum (PRML's ``\\sum_{i=0}^{D} w_{ji} x_i``): the letter
    #: runs over the unit 0 and ``1..D``; symbp reads it as the unit 0 apart (``w_{j0} x_0``) plus
    #: the sum over ``1..D``, and an equation free in such a letter is checked at 0 and over ``1..D``
    zero_ranges: set[str] = field(default_factory=set)
    #: the units 0 the forward pass pins to a number (``x_0 = 1``): (name, units, axes) -> value
    constants: dict[tuple, object] = field(default_factory=dict)
    #: ``E = \\sum_n E_n`` in the forward pass (PRML 5.44): the letter and the number of the patterns,
    #: ``('n', 'N')``; the network is one pattern's, its error ``E_n``, and ``E`` is the total
    patterns: tuple[str, str] | None = None
    #: the total is the average ``C = \\frac{1}{n} \\sum_x C_x`` (Nielsen ch. 3), not the sum
    mean: bool = False
    #: the number before the average (Nielsen's ``C = -\\frac{1}{n} \\sum_x C_x``: -1), else 1
    mean_scale: Fraction = Fraction(1)
    #: the layout of ``\\frac{\\partial C}{\\partial W}`` in vector notation ('gradient' or 'numerator')
    layout: str = "gradient"
    #: conditions declared on families of targets (``% symbp: targets t_k sum to 1``): family id ->
    #: ``'sum to 1'`` or ``'one-hot'`` (which implies the sum)
    conditions: dict[int, str] = field(default_factory=dict)
    #: class labels used as indices (``% symbp: class label y``: CS231n's ``p_{y_i}``): the label's
    #: letter -> the name of its one-hot target family (``t``), read by symbp.engine.labels
    class_labels: dict[str, str] = field(default_factory=dict)
    #: each class label as the forward pass writes it (``{'y': 'y_i'}``): named in the messages
    #: where they speak of its one-hot target
    label_written: dict[str, str] = field(default_factory=dict)
    #: the vector notation's conventions a file declares (``hadamard *``, ``examples M : m``,
    #: ``prefix d = \\partial J``), read by symbp.engine.vector (its ``Conventions``)
    conventions: dict[str, str] = field(default_factory=dict)
    #: sizes linear in other sizes (``% symbp: size J = I - M + 1``, or inferred from a shifted
    #: position such as ``x_{j+m-1}``): derived size -> ``(((size, coefficient), ...), constant)``,
    #: in independent sizes with coefficients >= 0 (``I = J + M - 1``), so it is >= 1 with them
    size_relations: dict[str, tuple[tuple[tuple[str, int], ...], int]] = field(default_factory=dict)
    #: sizes no index letter runs over: a stride (``s`` in ``x_{s(j-1)+m}``, a letter multiplying a
    #: parenthesised sum in a shifted position, or written in a size relation ``I = s(J-1) + M``).
    #: A relation's term may then be a product of sizes, written ``'J*s'`` (:func:`monomial_value`)
    strides: list[str] = field(default_factory=list)
    #: what a family holds outside its range, where a formula reads there (``x_{j-m+1}`` at
    #: ``j = 1``): ``'zero'`` (``% symbp: padding zero``), or ``None``: not said, so a verdict that
    #: depends on it is an input error asking for the directive or explicit bounds
    padding: str | None = None
    cache: dict = field(default_factory=dict, repr=False)

    # -- lookup
    def complete(self, sizes: dict[str, int]) -> dict[str, int]:
        """``sizes`` with the sizes its relations determine added (``I = J + M - 1``: ``M`` from
        ``I`` and ``J``).

        >>> Network(size_relations={"I": ((("J", 1), ("M", 1)), -1)}).complete({"I": 9, "J": 7})
        {'I': 9, 'J': 7, 'M': 3}
        """
        out = dict(sizes)
        for _ in range(len(self.size_relations)):
            for d, (terms, const) in self.size_relations.items():
                names = [d] + [q for r, _ in terms for q in r.split("*")]
                unknown = list(dict.fromkeys(r for r in names if r not in out))
                if len(unknown) != 1:
                    continue
                (u,) = unknown
                if u == d:
                    out[d] = const + sum(c * monomial_value(r, out) for r, c in terms)
                else:  # u enters linearly (alone, or times known sizes: I = s(J-1) + M)
                    if any(r.split("*").count(u) > 1 for r, _ in terms):
                        continue
                    c_u = sum(c * monomial_value(r, {**out, u: 1}) for r, c in terms if u in r.split("*"))
                    rest = out[d] - const - sum(c * monomial_value(r, out) for r, c in terms
                                                if u not in r.split("*"))
                    if c_u and rest % c_u == 0:
                        out[u] = rest // c_u
        return out

    def family(self, name: str, axes: tuple[str, ...], units: tuple[int, ...] = ()) -> Family | None:
        for f in self.families:
            if f.name == name and f.axes == axes and f.units == units:
                return f
        return None

    def named(self, name: str) -> list[Family]:
        return [f for f in self.families if f.name == name]

    def show(self, fam_id: int) -> str:
        return self.families[fam_id].show()

    def letter_ranges(self, letter: str) -> tuple[str, ...] | None:
        """The ranges a letter stands for: one for a plain letter, several for a composite one.
        A primed letter runs over the range of the letter with one prime less: ``j'`` over that
        of ``j``, ``j''`` over that of ``j'`` (which is ``j``'s unless ``j'`` names a range of
        its own, as in a forward equation ``a_{j'} = \\sum_j v_{j'j} z_j``)."""
        if (letter.endswith("'") and letter.rstrip("'") and letter not in self.ranges
                and letter not in self.composites):
            return self.letter_ranges(letter[:-1])
        if letter in self.composites:
            return tuple(self.ranges[x] for x in self.composites[letter])
        if letter in self.ranges:
            return (self.ranges[letter],)
        return None

    def component(self, name: str) -> tuple[str, str] | None:
        """A free index name ``m.1`` is component 1 of the composite ``m = j_l``: ``('m', 'l')``."""
        base, dot, k = name.partition(".")
        if not dot or base not in self.composites or not k.isdigit():
            return None
        return base, self.composites[base][int(k)]

    @property
    def sizes(self) -> list[str]:
        return sorted(set(self.ranges.values()) | set(self.size_relations) | set(self.strides))

    def relate(self, plan: dict[str, int]) -> dict[str, int]:
        """A size plan with every derived size computed from the others (``I = J + M - 1``);
        the plan itself when the network relates no sizes.

        >>> net = Network(size_relations={"I": ((("J", 1), ("M", 1)), -1)})
        >>> net.relate({"I": 9, "J": 3, "M": 2})
        {'I': 4, 'J': 3, 'M': 2}
        """
        if not self.size_relations:
            return plan
        out = dict(plan)
        for d, (terms, const) in self.size_relations.items():
            out[d] = const + sum(c * monomial_value(r, out) for r, c in terms)
        return out

    def is_alias(self, fam_id: int) -> bool:
        """A family defined as one function of another (``z = h(a)``): replaced by its definition
        when comparing."""
        d = self.definitions.get(fam_id)
        return (d is not None and len(d.terms) == 1 and d.terms[0].coeff == 1
                and len(d.terms[0].factors) == 1 and d.terms[0].factors[0].tag == "fn"
                and not d.terms[0].dummies and not d.terms[0].sizes)

    def is_copy(self, fam_id: int) -> bool:
        """A family defined as another one (``y_k = a_k``): replaced by it when comparing."""
        d = self.definitions.get(fam_id)
        return (d is not None and len(d.terms) == 1 and d.terms[0].coeff == 1
                and len(d.terms[0].factors) == 1 and d.terms[0].factors[0].tag == "ref"
                and not d.terms[0].dummies and not d.terms[0].sizes)

    def has_delta(self, fam_id: int) -> bool:
        if self.delta_declared is None and self.roles.get(fam_id) == "pre-activation":
            return True
        name = self.families[fam_id].name
        return name == self.delta_of or name.partition("^")[0] == self.delta_of or fam_id in self.outputs

    def delta_families(self, label: str = "") -> list[Family]:
        """The families a ``\\delta`` may stand for: those of the letter of ``\\delta`` and, unless
        a file declares that letter, every pre-activation (``\\delta_k`` is the one over the range
        of ``k`` where the letter of ``\\delta`` has none).  ``\\delta^{(2)}`` (``label='{(2)}'``)
        stands for the families with that layer label."""
        if label:
            if self.delta_declared is not None:
                return self.named(f"{self.delta_declared}^{label}")
            return [self.families[f] for f, r in sorted(self.roles.items())
                    if r == "pre-activation" and self.families[f].name.endswith("^" + label)]
        out = self.named(self.delta_of) if self.delta_of is not None else []
        if self.delta_declared is None:
            out += [self.families[f] for f, r in sorted(self.roles.items())
                    if r == "pre-activation" and self.families[f] not in out]
        return out

    @property
    def opaque_functions(self) -> set[str]:
        """Functions with a meaning of their own that symbp does not know yet (``\\exp``,
        ``\\log``): read as undefined differentiable functions, so a difference that involves
        them is no evidence of a wrong equation."""
        from ..notation import FUNCTION_COMMANDS, GREEK
        # Ng's g^{[2]} (a letter with a layer's label) is the undefined function g of layer 2
        return {f for f in self.functions if f not in self.activations
                and (f in FUNCTION_COMMANDS or (len(f) > 1 and f not in GREEK
                                                and not re.fullmatch(r"[A-Za-z]\^\{\[\w+\]\}", f)))}

    @property
    def params(self) -> list[Family]:
        return [f for f in self.families if f.param]

    def letters_for(self, axes: Sequence[str], avoid: Iterable[str] = ()) -> tuple[str, ...]:
        """Fresh, readable letters for indices over ``axes`` (``j``, then aliases, then ``j'``)."""
        used = set(avoid)
        out = []
        for r in axes:
            for cand in self.letter_pool(r):
                if cand not in used:
                    used.add(cand)
                    out.append(cand)
                    break
        return tuple(out)

    def letter_pool(self, range_name: str) -> list[str]:
        base = self.range_letter[range_name]
        aliases = [k for k, v in self.ranges.items() if v == range_name and k != base]
        pool = [base] + sorted(aliases)
        primed = [f"{p}'" for p in pool] + [f"{p}''" for p in pool]
        # a primed letter that names a range of its own (a forward equation's a_{j'}) is not j's
        primed = [p for p in primed if self.letter_ranges(p) == (range_name,)]
        return pool + list(dict.fromkeys(primed)) + [f"{base}_{n}" for n in range(1, 50)]

    def summary(self) -> str:
        lines = [f"network {self.name}:"]
        for r in self.sizes:
            letters = sorted(k for k, v in self.ranges.items() if v == r)
            if not letters and r in self.strides:  # a size no index runs over: x_{s(j-1)+m}
                lines.append(f"  the stride {r} = 1, 2, ...")
                continue
            lines.append(f"  {', '.join(letters)} = 1..{r}")
        for m, parts in self.composites.items():
            lines.append(f"  {m} runs over the units {group_letters(parts, (len(parts),))}")
        lines.extend("  " + s for s in self.forward_latex)
        shared = [f.show() for f in self.params if self._shared_over(f)]
        if shared:
            lines.append("  shared: " + "; ".join(shared))
        return "\n".join(lines)


    def _shared_over(self, fam: Family) -> list[str]:
        """Ranges over which a parameter family is reused (the left-side indices it lacks)."""
        out = []
        for c in self.consumers.get(fam.id, []):
            for r in self.families[c].axes:
                if r not in fam.axes and r not in out:
                    out.append(r)
        return out
