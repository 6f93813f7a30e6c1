"""Numbers for normal forms with shifted positions: ``x_{j+m-1}``, ``[1 <= i-m+1 <= J]``.

:func:`evaluate_shifted` evaluates an :class:`~symbp.model.normal_form.Expr` whose indices may be
affine, with Kronecker deltas and range conditions, at concrete sizes: each factor becomes an
array over the bare indices it mentions (a gather of its values at the affine positions, a 0/1
mask for a delta or a range condition), and each term is one ``einsum`` over them: a
convolution's kernel gradient ``Σ_j δ_j x_{j+m-1}`` is one contraction, never a Python loop over
positions.  What a position outside its family's range holds is the caller's to say (``read``):
the identities of the normal form hold whatever it holds, so a checker reads fresh unknowns
there, and a side that needs a boundary it does not write cannot agree by accident.

The same module gives a shifted position its meaning in a formula: :func:`position_bounds` (the
positions ``j+m-1`` takes over the ranges of its letters, ``1..J+M-1``), :func:`slot_range` (the
range of a family's slot it fills: ``I`` where ``I = J + M - 1``), :func:`parse_relation` (a
file's ``% symbp: size J = I - M + 1``, solved for the size that is a sum of the others) and
:func:`affine_of` (the normal form's affine index).  Room ``symbp.engine``; imports the base
modules and :mod:`symbp.model`.

>>> import numpy as np
>>> from symbp.model.affine import affine
>>> from symbp.model.normal_form import Expr, F
>>> j, m = F('j'), F('m')
>>> x_jm = Expr.atom(('ref', 'x', (affine([(j, 1), (m, 1)], -1),)))
>>> a = (Expr.atom(('ref', 'w', (m,))) * x_jm).bind('m', 'M')
>>> x, w = np.arange(1.0, 6.0), np.array([1.0, -1.0])
>>> def read(name, pos):
...     arr = {'x': x, 'w': w}[name]
...     (p,) = pos
...     return np.where((p >= 1) & (p <= len(arr)), arr[np.clip(p, 1, len(arr)) - 1], np.nan)
>>> evaluate_shifted(a, {'J': 4, 'M': 2}, [('j', 'J')], read)
array([-1., -1., -1., -1.])
"""

from __future__ import annotations

import math
import re
import string
import zlib
from collections.abc import Callable

import numpy as np

from ..errors import DeclarationError, NotationError, ResourceLimitError, UnsupportedError
from ..latex.index_arith import read_polynomial
from ..model.affine import affine, is_product, is_size, parts, product, size_atom
from ..model.factors import view
from ..model.network import Network
from ..model.normal_form import Expr, F, Index, Term, factor_indices
from ..notation import latex_name, letter_tex, shift_terms, size_factors

__all__ = ["add_relation", "affine_of", "evaluate_shifted", "first_outside", "gather", "has_shift",
           "implied", "outside_reads", "parse_relation", "position_bounds", "relation_text", "slot_range",
           "stride_plans", "term_value", "unknowns"]

#: a polynomial in the sizes: ``({monomial: coefficient}, constant)``, a monomial a size (``'J'``)
#: or a product of sizes, their names in order joined by ``*`` (``'J*s'``: a stride times a size)
Linear = tuple[dict[str, int], int]


def _mono(*names: str) -> str:
    return "*".join(sorted(q for n in names for q in n.split("*")))


def _mono_text(mono: str) -> str:
    """``'J*s'`` as it is written, the stride first: ``sJ``."""
    return "".join(sorted(mono.split("*"), key=lambda q: (q[:1].isupper(), q)))


def _lin_text(lin: Linear) -> str:
    """A polynomial in the sizes as a size relation writes it, a stride's terms gathered
    (``s(J - 1) + M``, which the relation's reader reads back).

    >>> _lin_text(({"J*s": 1, "s": -1, "M": 1}, 0)), _lin_text(({"J": 1, "M": 1}, -1))
    ('s(J - 1) + M', 'J + M - 1')
    """
    terms, const = lin
    strides = sorted({q for m in terms if "*" in m for q in m.split("*") if not q[:1].isupper()})
    if strides:
        sigma = strides[0]
        inner: dict[str, int] = {}
        rest = {}
        for m, c in terms.items():
            qs = m.split("*")
            if sigma in qs and (len(qs) == 2 or m == sigma):
                qs.remove(sigma)
                inner["*".join(qs)] = c
            else:
                rest[m] = c
        lone = inner.pop("", 0)
        group = f"{sigma}({_lin_text((inner, lone))})"
        tail = _lin_text((rest, const)) if rest or const else ""
        if not tail:
            return group
        return group + (f" - {tail[1:]}" if tail.startswith("-") else f" + {tail}")
    out = ""
    for r, c in sorted(terms.items(), key=lambda rc: ("*" not in rc[0], rc[0])):
        mag = "" if abs(c) == 1 else str(abs(c))
        out += (" - " if c < 0 else (" + " if out else "")) + mag + _mono_text(r)
    if const or not out:
        out += (" - " if const < 0 else (" + " if out else "")) + str(abs(const) if out else const)
    return out.strip()


def relation_text(net: Network, size: str) -> str:
    """A derived size as an equation: ``I = J + M - 1``.

    >>> relation_text(Network(size_relations={"I": ((("J", 1), ("M", 1)), -1)}), "I")
    'I = J + M - 1'
    """
    terms, const = net.size_relations[size]
    return f"{size} = {_lin_text((dict(terms), const))}"


def _expand(net: Network, lin: Linear) -> Linear:
    """``lin`` in independent sizes: every derived size replaced by what it equals (inside a
    product of sizes too: the product multiplied out)."""
    terms, const = lin
    out: dict[str, int] = {"": const}
    for r, c in terms.items():
        acc: dict[str, int] = {"": c}
        for q in r.split("*"):
            if q in net.size_relations:
                rt, rc = net.size_relations[q]
                factor = {"": rc, **{m: k for m, k in rt}}
            else:
                factor = {q: 1}
            nxt: dict[str, int] = {}
            for m1, k1 in acc.items():
                for m2, k2 in factor.items():
                    m = _mono(*(x for x in (m1, m2) if x))
                    nxt[m] = nxt.get(m, 0) + k1 * k2
            acc = nxt
        for m, k in acc.items():
            out[m] = out.get(m, 0) + k
    const = out.pop("", 0)
    return {r: c for r, c in out.items() if c}, const


def _positive_coefficients(lin: Linear) -> tuple[bool, int]:
    """Whether ``lin`` is ``>= 0`` at all sizes ``>= 1`` by the sufficient test that it has no
    negative coefficient once each size ``q`` is written ``1 + t_q`` (``s(J-1) + M`` is
    ``(1+a) b + 1 + c``), and its value where every size is 1.

    >>> _positive_coefficients(({"J*s": 1, "s": -1, "M": 1}, 0))
    (True, 1)
    >>> _positive_coefficients(({"J": 1, "M": -1}, 0))
    (False, 0)
    """
    terms, const = lin
    acc: dict[tuple[str, ...], int] = {(): const}
    for r, c in terms.items():
        part: dict[tuple[str, ...], int] = {(): c}
        for q in r.split("*"):  # times (1 + t_q)
            nxt = dict(part)
            for m, k in part.items():
                key = tuple(sorted(m + (q,)))
                nxt[key] = nxt.get(key, 0) + k
            part = nxt
        for m, k in part.items():
            acc[m] = acc.get(m, 0) + k
    return all(k >= 0 for m, k in acc.items() if m), acc.get((), 0)


_TERM = re.compile(r"\s*([+-]?)\s*(\d*)\s*([A-Z][A-Za-z0-9]*)?\s*")


def _linear(text: str) -> Linear | None:
    """``I - M + 1`` as a linear polynomial, ``s(J-1) + M`` as a polynomial with products of
    sizes (:func:`_polynomial`); ``None`` if it is neither."""
    lin = _plain_linear(text)
    return lin if lin is not None else _polynomial(text)


def _polynomial(text: str) -> Linear | None:
    """A size relation's side with a product of sizes (the stride's ``s(J-1) + M``), every letter
    a size; ``None`` if it is not a polynomial of degree at most 2 with whole coefficients."""
    poly = read_polynomial(text)
    if poly is None or any(len(m) > 2 for m in poly):
        return None
    terms = {_mono(*m): c for m, c in poly.items() if m}
    return terms, poly.get((), 0)


def _plain_linear(text: str) -> Linear | None:
    terms: dict[str, int] = {}
    const, pos, first = 0, 0, True
    text = text.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if (m is None or m.end() == pos or (not m.group(2) and not m.group(3))
                or (not first and not m.group(1))):
            return None
        sign = -1 if m.group(1) == "-" else 1
        if m.group(3):
            terms[m.group(3)] = terms.get(m.group(3), 0) + sign * int(m.group(2) or 1)
        else:
            const += sign * int(m.group(2))
        pos, first = m.end(), False
    return ({r: c for r, c in terms.items() if c}, const) if not first else None


def _solve(lin: Linear) -> tuple[str, Linear] | None:
    """``lin = 0`` solved for the size that is then a sum of the others with whole coefficients
    ``>= 0`` and at least 1 when they are (``J - I + M - 1 = 0``: ``I = J + M - 1``)."""
    terms, const = lin
    for r in sorted(terms):
        c = terms[r]
        if c not in (1, -1) or "*" in r or any(r in q.split("*") for q in terms if q != r):
            continue
        rest = {q: -k * c for q, k in terms.items() if q != r}
        value = -const * c
        ok, low = _positive_coefficients((rest, value))
        if ok and low >= 1:
            return r, (rest, value)
    return None


def parse_relation(net: Network, text: str) -> tuple[str, tuple[tuple[tuple[str, int], ...], int]]:
    """A size relation (``J = I - M + 1``) as the derived size and what it equals, solved for the
    size that is a sum of the others (``('I', ((('J', 1), ('M', 1)), -1))``); every size but the
    derived one must be a range of the network.

    >>> from symbp import declare
    >>> net = declare([r"a_j = \\sum_m w_m z_j"])
    >>> parse_relation(net, "J = I - M + 1")
    ('I', ((('J', 1), ('M', 1)), -1))
    """
    left, eq, right = text.partition("=")
    a, b = _linear(left), _linear(right)
    if not eq or a is None or b is None:
        raise DeclarationError(f"this size relation cannot be read: {text.strip()}",
                               hint="write sizes (capital letters) and whole numbers: "
                                    "'% symbp: size J = I - M + 1'; a stride times a size with "
                                    "parentheses: '% symbp: size I = s(J-1) + M'")
    diff = dict(a[0])
    for r, c in b[0].items():
        diff[r] = diff.get(r, 0) - c
    # in independent sizes: a size an earlier relation derives is replaced by what it equals
    # (two stacked convolutions: J = I - M + 1, then K = J - N + 1)
    for r in {q for m in diff for q in m.split("*")}:
        if not r[:1].isupper() and r not in net.strides:  # a size written in lower case: a stride
            if r in net.ranges or r in net.functions:
                what = "an index letter" if r in net.ranges else "a function"
                raise DeclarationError(f"the size relation {text.strip()} names {r}, {what} of the "
                                       "network", hint="a size relation relates sizes; write the "
                                       "stride with a letter no index or function uses")
            net.strides.append(r)
    diff, const0 = _expand(net, ({r: c for r, c in diff.items() if c}, a[1] - b[1]))
    solved = _solve((diff, const0))
    if solved is None:
        raise DeclarationError(f"the size relation {text.strip()} does not make one size a sum of the "
                               "others (with whole coefficients >= 0)",
                               hint="symbp relates sizes such as J = I - M + 1 (I = J + M - 1)")
    size, (rest, const) = solved
    known = set(net.ranges.values()) | set(net.strides)
    for r in {q for m in rest for q in m.split("*")}:
        if r not in known:
            raise DeclarationError(f"the size {r} of the relation {text.strip()} is no range of the "
                                   "network", hint="name the sizes of the forward pass's index letters "
                                                   f"({', '.join(sorted(known))})")
    if size in net.size_relations:
        raise DeclarationError(f"the size {size} is related twice", hint="give each size one relation")
    return size, (tuple(sorted(rest.items())), const)


def add_relation(net: Network, size: str, value: tuple[tuple[tuple[str, int], ...], int]) -> None:
    """Record ``size = value`` (in independent sizes) and keep every relation in independent
    sizes: where an earlier relation uses ``size``, it is replaced by what it equals (stacked
    convolutions: ``I = J + M - 1`` and then ``J = K + N - 1`` make ``I = K + M + N - 2``).

    >>> net = Network(size_relations={"I": ((("J", 1), ("M", 1)), -1)})
    >>> add_relation(net, "J", ((("K", 1), ("N", 1)), -1))
    >>> relation_text(net, "I"), relation_text(net, "J")
    ('I = K + M + N - 2', 'J = K + N - 1')
    """
    one = Network(size_relations={size: value})
    for d, (rt, rc) in list(net.size_relations.items()):
        if not any(size in m.split("*") for m, _ in rt):
            continue
        coeffs, const = _expand(one, (dict(rt), rc))
        net.size_relations[d] = (tuple(sorted((q, k) for q, k in coeffs.items() if k)), const)
    net.size_relations[size] = value


def position_bounds(entry: str, ranges: dict[str, str]) -> tuple[Linear, Linear]:
    """The least and the greatest value of a shifted position over the ranges of its letters
    (``ranges``: letter -> range), as linear polynomials in the sizes.

    >>> position_bounds("j+m-1", {"j": "J", "m": "M"})
    (({}, 1), ({'J': 1, 'M': 1}, -1))
    >>> position_bounds("i-m+1", {"i": "I", "m": "M"})
    (({'M': -1}, 2), ({'I': 1}, 0))
    >>> position_bounds("M+j-m", {"j": "J", "m": "M"})
    (({}, 1), ({'M': 1, 'J': 1}, -1))
    >>> position_bounds("m+{s}*j-{s}", {"j": "J", "m": "M"})
    (({}, 1), ({'M': 1, 'J*s': 1, 's': -1}, 0))
    """
    terms, const = shift_terms(entry)
    return _bounds([(size_factors(x), c) for x, c in terms], ranges, const)


def _bounds(terms: list[tuple[tuple[tuple[str, ...], str | None], int]], ranges: dict,
            const: int) -> tuple[Linear, Linear]:
    """The least and the greatest value of ``Σ c · sizes · letter + const`` over the ranges of
    its letters (every size >= 1, so a size times a letter is least at the letter's 1)."""
    lo: dict[str, int] = {"": const}
    hi: dict[str, int] = {"": const}
    for (sizes, x), c in terms:
        if x is None:  # a size (x_{j-m+M}): the same in the least and the greatest position
            lo[_mono(*sizes)] = lo.get(_mono(*sizes), 0) + c
            hi[_mono(*sizes)] = hi.get(_mono(*sizes), 0) + c
            continue
        at_one, at_top = _mono(*sizes), _mono(*sizes, ranges[x])
        small, big = (at_one, at_top) if c > 0 else (at_top, at_one)
        lo[small] = lo.get(small, 0) + c
        hi[big] = hi.get(big, 0) + c
    lo_c, hi_c = lo.pop("", 0), hi.pop("", 0)
    return ({r: c for r, c in lo.items() if c}, lo_c), ({r: c for r, c in hi.items() if c}, hi_c)


def _letter_ranges(net: Network, entry: str, ranges_of: Callable[[str], tuple[str, ...]],
                   pos: int) -> dict[str, str]:
    out = {}
    for name, _ in shift_terms(entry)[0]:
        sizes, x = size_factors(name)
        for q in sizes:
            _size_of(net, q, entry, pos, declare=True)
        if x is None:
            continue
        rs = ranges_of(x)
        if len(rs) != 1:
            raise NotationError(f"the composite index {latex_name(x)} stands in the shifted position "
                                f"{entry}", offset=pos, hint="shift plain index letters: x_{j+m-1}")
        out[x] = rs[0]
    return out


def slot_range(net: Network, entry: str, ranges_of: Callable[[str], tuple[str, ...]], pos: int,
               known: str | None = None) -> str:
    """The range of the slot a shifted position fills where a forward equation creates its family:
    the size ``S`` with ``1..S`` exactly the positions it takes (``x_{j+m-1}``: ``I`` where the
    network relates ``I = J + M - 1``).  With ``known`` (the slot's range where the family is
    known already) the relation that makes it fit is inferred (``I = J + M - 1``) when none is
    declared.  Otherwise an input error naming the directive, never a guess."""
    lo, hi = position_bounds(entry, _letter_ranges(net, entry, ranges_of, pos))
    span = f"{_lin_text(lo)}..{_lin_text(hi)}"
    entry = _shown(entry)
    if _expand(net, lo) != ({}, 1):
        raise DeclarationError(f"the forward pass reads {entry} at the positions {span}, which do not "
                               "start at 1", offset=pos,
                               hint="a forward equation reads its families inside their ranges: "
                                    "shift the position so that it starts at 1 (x_{j+m-1})")
    target = _expand(net, hi)
    if known is not None:
        if _expand(net, ({known: 1}, 0)) == target:
            return known
        diff = dict(target[0])
        diff[known] = diff.get(known, 0) - 1
        solved = _solve(({r: c for r, c in diff.items() if c}, target[1]))
        if solved is not None and solved[0] not in net.size_relations and solved[0] == known:
            size, (rest, const) = solved
            add_relation(net, size, (tuple(sorted(rest.items())), const))
            return known
        raise DeclarationError(f"the forward pass reads {entry} at the positions {span}, but the "
                               f"range of this slot is 1..{known}", offset=pos,
                               hint=f"declare how the sizes are related: '% symbp: size {known} = "
                                    f"{_lin_text(hi)}'")
    for r in sorted(set(net.ranges.values()) | set(net.size_relations)):
        if _expand(net, ({r: 1}, 0)) == target:
            return r
    fresh = next(c for c in "IJKLMNPQRSTUVXYZ" if c not in net.sizes and c != net.error_name)
    raise DeclarationError(f"the forward pass reads {entry} at the positions {span}, and no size of the "
                           "network is that long", offset=pos,
                           hint=f"name the size of these positions: '% symbp: size {fresh} = "
                                f"{_lin_text(hi)}'")


def stride_plans(net: Network, base: dict[str, int]) -> list[dict[str, int]]:
    """Size plans with every stride at 1, 2 and 3 (the other sizes those of ``base``, the derived
    ones computed by the caller): a stride is a size the evaluator draws like the others, and these
    are tried whatever else is drawn (at a stride of 1 a strided position is a plain one, so a slip
    that forgets the stride agrees there and differs at 2 and 3).

    >>> stride_plans(Network(strides=["s"]), {"J": 2, "M": 3, "s": 4})
    [{'J': 2, 'M': 3, 's': 1}, {'J': 2, 'M': 3, 's': 2}, {'J': 2, 'M': 3, 's': 3}]
    >>> stride_plans(Network(), {"J": 2})
    []
    """
    return [{**base, **{s: v for s in net.strides}} for v in (1, 2, 3)] if net.strides else []


def _shown(entry: str) -> str:
    """A shifted position as a message writes it: with a stride as written (``s(j-1)+m``)."""
    return letter_tex(entry) if "{" in entry or "*" in entry else entry


def _size_of(net: Network, name: str, entry: str, pos: int, declare: bool = False) -> str:
    """A size written in a shifted position (``M`` in ``x_{j-m+M}``): one of the network's, else an
    input error naming them.  A stride written in lower case (``s`` in ``x_{s(j-1)+m}``) that a
    forward equation reads (``declare``) is a size of the network from then on, unless a letter
    of the network is named so."""
    if name not in net.sizes and declare and not name[:1].isupper():
        if name in net.ranges or name in net.functions:
            what = "an index letter" if name in net.ranges else "a function"
            raise NotationError(f"the stride {name} of the shifted position {_shown(entry)} is {what} "
                                "of the network", offset=pos,
                                hint="write the stride with a letter no index uses")
        net.strides.append(name)
    if name not in net.sizes:
        raise NotationError(f"the shifted position {_shown(entry)} holds {name}, which is no size of the "
                            "network", offset=pos,
                            hint="a capital letter in a shifted position is a size: write one of "
                                 f"{', '.join(net.sizes) or 'none'}, or an index letter; a stride (s in "
                                 "s(j-1)+m) is a size that the forward pass reads or a size relation "
                                 "names ('% symbp: size I = s(J-1) + M')")
    return name


def affine_of(entry: str, env: dict[str, tuple[str, ...]], pos: int, net: Network | None = None) -> Index:
    """The normal form's index of a shifted position, its letters read through ``env`` (letter ->
    free index names); a size in it (``M`` in ``j-m+M``, one of ``net``'s) is a size atom."""
    terms, const = shift_terms(entry)
    out = []
    for name, c in terms:
        sizes, x = size_factors(name)
        if sizes and net is None:
            raise NotationError(f"the shifted position {entry} holds a size", offset=pos,
                                hint="write a sum of index letters and whole numbers")
        if sizes and x is None:
            out.append((size_atom(_size_of(net, sizes[0], entry, pos)), c))
            continue
        if x not in env:
            raise NotationError(f"index {x} is used but neither free nor summed", offset=pos,
                                hint=f"sum over it (\\sum_{x}) or use it on both sides")
        if len(env[x]) != 1:
            raise NotationError(f"the composite index {latex_name(x)} stands in the shifted position "
                                f"{entry}", offset=pos, hint="shift plain index letters: x_{j+m-1}")
        idx = F(env[x][0])
        out.append((product(_size_of(net, sizes[0], entry, pos), idx) if sizes else idx, c))
    return affine(out, const)

#: the most values one gathered factor may hold
MAX_GATHER = 1_000_000

Read = Callable[[str, tuple[np.ndarray, ...]], np.ndarray]


def evaluate_shifted(expr: Expr, sizes: dict[str, int], free: list[tuple[str, str]],
                     read: Read) -> np.ndarray:
    """``expr`` as a float array over the ``free`` indices (pairs name, range; positions 1..size);
    ``read(name, positions)`` gives the values of the family ``name`` at whole-number positions
    (one integer array per axis, any values: inside or outside the family's range)."""
    shape = tuple(sizes[r] for _, r in free)
    total = np.zeros(shape)

    def atom(f: tuple, pos: tuple[np.ndarray, ...]) -> np.ndarray:
        if f.tag != "ref":
            raise UnsupportedError(f"no shifted reading of the factor {f.tag!r}")
        return read(f.fam, pos)

    for t in expr.terms:
        total = total + term_value(t, sizes, free, atom, shape, float, _einsum)
    return total


def _einsum(ops: list[np.ndarray], subs: list[str], out: str, dtype: type) -> np.ndarray:
    return np.einsum(",".join(subs) + "->" + out, *ops, optimize=True)


def has_shift(f: tuple) -> bool:
    """Whether a factor has a shifted position or is a range condition (then
    :func:`term_value` evaluates its term)."""
    if view(f).tag == "rng":
        return True
    for part in f:
        if type(part) is tuple:
            if len(part) == 3 and part[0] == "a":
                return True
            if any(type(p) is tuple and len(p) == 3 and p[0] == "a" for p in part):
                return True
    return False


def positions(f: tuple) -> tuple:
    """The indices of a quantity's factor (``ref``, ``grad``, ``fn``: its ``idx``)."""
    return view(f).idx


Atom = Callable[[tuple, tuple[np.ndarray, ...]], np.ndarray]
Contract = Callable[[list[np.ndarray], list[str], str, type], np.ndarray]


def term_value(t: Term, sizes: dict[str, int], free: list[tuple[str, str]], atom: Atom,
               shape: tuple[int, ...], dtype: type, contract: Contract) -> np.ndarray:
    """One term over the ``free`` indices: each factor gathered at its positions over the bare
    indices it mentions (``atom(factor, positions)`` gives a quantity's values there, one integer
    array per axis, inside its range or not), Kronecker deltas and range conditions as 0/1 masks,
    and the product contracted by ``contract(operands, subscripts, output, dtype)`` (one
    ``einsum``: a convolution's kernel gradient is one contraction, never a loop over positions)."""
    if len(free) + len(t.dummies) > len(string.ascii_letters):
        raise ResourceLimitError(f"a term with {len(free) + len(t.dummies)} indices is more than "
                                 "einsum handles")
    letters = iter(string.ascii_letters)
    letter: dict[tuple, str] = {}
    extent: dict[tuple, int] = {}
    for name, r in free:
        letter[("f", name)] = next(letters)
        extent[("f", name)] = sizes[r]
    for n, r in enumerate(t.dummies):
        letter[("d", n)] = next(letters)
        extent[("d", n)] = sizes[r]
    one = (lambda v: np.asarray(v).astype(int).astype(object)) if dtype is object else \
        (lambda v: np.asarray(v, dtype=float))
    ops, subs = [], []
    for f in t.factors:
        bare = list(dict.fromkeys(factor_indices(f)))
        missing = [i for i in bare if i not in letter]
        if missing:
            raise UnsupportedError(f"the index {missing[0][1]} is neither free nor summed here")
        dims = tuple(extent[i] for i in bare)
        n = int(np.prod(dims)) if dims else 1
        if n > MAX_GATHER:
            raise ResourceLimitError(f"a shifted factor would hold {n:.3g} values "
                                     f"(the bound is {MAX_GATHER:.0e})")
        grids = {i: np.arange(1, extent[i] + 1).reshape([-1 if k == pos else 1 for k in range(len(bare))])
                 for pos, i in enumerate(bare)}

        def at(idx: tuple, grids: dict = grids, dims: tuple = dims) -> np.ndarray:
            coeffs, const = parts(idx)
            val = np.full(dims, const, dtype=np.int64)
            for i, c in coeffs.items():
                if is_product(i):  # a stride times an index (or a size)
                    val = val + c * sizes[i[1]] * (sizes[i[2][1]] if is_size(i[2]) else grids[i[2]])
                else:
                    val = val + c * (sizes[i[1]] if is_size(i) else grids[i])
            return np.broadcast_to(val, dims)

        if f.tag == "kd":
            op = one(at(f.i) == at(f.j))
        elif f.tag == "rng":
            e = at(f.i)
            op = one((e >= 1) & (e <= sizes[f.R]))
        elif f.tag in ("ref", "grad", "fn"):
            op = np.asarray(atom(f, tuple(at(i) for i in f.idx))).reshape(dims)
            if dtype is not object:
                op = op.astype(float)
        else:
            raise UnsupportedError(f"no shifted reading of the factor {f.tag!r}")
        ops.append(op)
        subs.append("".join(letter[i] for i in bare))
    present = set("".join(subs))
    out = "".join(letter[("f", name)] for name, _ in free if letter[("f", name)] in present)
    if ops:
        val = np.asarray(contract(ops, subs, out, dtype))
    else:
        val = np.array(1, dtype=object) if dtype is object else np.array(1.0)
    for k, (name, _) in enumerate(free):
        if letter[("f", name)] not in present:
            val = np.expand_dims(val, k)
    coeff: object = t.coeff if dtype is object else float(t.coeff)
    for s_ in t.sizes:
        coeff = coeff * sizes[s_]
    return np.broadcast_to(val * coeff, shape)


def gather(values: np.ndarray, pos: tuple[np.ndarray, ...],
           outside: Callable[[tuple[np.ndarray, ...]], np.ndarray]) -> np.ndarray:
    """``values`` (a family's array, positions 1..size per axis) at the positions ``pos``; where a
    position is outside the family's range, ``outside(pos)`` gives the value.

    >>> gather(np.array([10, 20, 30]), (np.array([0, 1, 3, 4]),), lambda p: np.full(p[0].shape, -1))
    array([-1, 10, 30, -1])
    """
    pos = tuple(np.asarray(p) for p in pos)
    if not pos:
        return values
    shape = np.broadcast_shapes(*(p.shape for p in pos))
    pos = tuple(np.broadcast_to(p, shape) for p in pos)
    inside = np.ones(shape, dtype=bool)
    for p, n in zip(pos, values.shape):
        inside &= (p >= 1) & (p <= n)
    clipped = tuple(np.clip(p, 1, max(1, n)) - 1 for p, n in zip(pos, values.shape))
    got = values[clipped] if values.size else np.zeros(shape, dtype=values.dtype)
    if inside.all():
        return got
    return np.where(inside, got, outside(pos))


def unknowns(key: tuple, seed: int, shape_of: tuple[int, ...]
             ) -> Callable[[tuple[np.ndarray, ...]], np.ndarray]:
    """Fresh unknowns outside a family's range: an integer in ``1..2**40`` that depends only on
    the family (``key``), the ``seed`` and the position, so both sides of an equation read the same
    unknown at the same position, and no value inside the range is reused."""
    salt = zlib.crc32(f"{key!r}/{seed}".encode())

    def fill(pos: tuple[np.ndarray, ...]) -> np.ndarray:
        h = np.full(pos[0].shape, salt, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for p in pos:
                h = (h * np.uint64(0x100000001B3)) ^ (p.astype(np.int64).astype(np.uint64)
                                                      + np.uint64(1 << 20))
                h ^= h >> np.uint64(29)
        vals = (h % np.uint64(2**40 - 1)).astype(np.int64) + 1
        return vals.astype(object)

    return fill


def outside_reads(net: Network, expr: Expr, sizes: dict[str, int], free: list[tuple[str, str]],
                  limit: int = 200_000) -> list[str]:
    """Where ``expr`` reads a family outside its range at these sizes (``\\delta`` at ``0``,
    outside ``1..J``), in a term whose Kronecker deltas and range conditions hold there: one
    text per family, as ``'\\delta_{j} at 0 (outside 1..J)'``."""
    out: dict[int, str] = {}
    for t in expr.terms:
        axes = [(("f", n), sizes[r]) for n, r in free]
        axes += [(("d", k), sizes[r]) for k, r in enumerate(t.dummies)]
        if not axes or math.prod(n for _, n in axes) > limit:
            continue
        grids = {i: np.arange(1, n + 1).reshape([-1 if k == pos else 1 for k in range(len(axes))])
                 for pos, (i, n) in enumerate(axes)}
        dims = tuple(n for _, n in axes)

        def at(idx: tuple, dims: tuple = dims, grids: dict = grids) -> np.ndarray:
            coeffs, const = parts(idx)
            val = np.full(dims, const, dtype=np.int64)
            for i, c in coeffs.items():
                if is_size(i):
                    val = val + c * sizes[i[1]]
                    continue
                k, mult = (i[2], sizes[i[1]]) if is_product(i) else (i, 1)
                if is_size(k):
                    val = val + c * mult * sizes[k[1]]
                    continue
                if k not in grids:
                    return np.full(dims, 1, dtype=np.int64)
                val = val + c * mult * grids[k]
            return val

        axis_of = {("f", n): r for n, r in free}
        axis_of.update({("d", k): r for k, r in enumerate(t.dummies)})
        axis_of = axis_of.get
        holds = np.ones(dims, dtype=bool)
        for f in t.factors:
            if f.tag == "kd":
                holds &= at(f.i) == at(f.j)
            elif f.tag == "rng":
                e = at(f.i)
                holds &= (e >= 1) & (e <= sizes[f.R])
        for f in t.factors:
            if f.tag not in ("ref", "grad", "fn"):
                continue
            fam_id = f.fam
            fam = net.families[fam_id]
            idx = positions(f)
            if fam_id in out:
                continue
            # a shifted position, or a plain index over a longer range than the family's slot
            # (\delta_j with j over I, where \delta runs over J: the normal form's re-indexing)
            if not any(len(i) == 3 and i[0] == "a" or axis_of(i) not in (None, r)
                       for i, r in zip(idx, fam.axes)):
                continue
            bad = np.zeros(dims, dtype=bool)
            vals = [at(i) for i in idx]
            for v, r in zip(vals, fam.axes):
                bad |= (v < 1) | (v > sizes[r])
            hit = holds & bad
            if hit.any():
                k = np.unravel_index(int(np.argmax(hit)), dims)
                where = ", ".join(str(int(v[k])) for v in vals)
                span = ", ".join(f"1..{r}" for r in fam.axes)
                name = "\\delta" if f.tag == "grad" and fam.name == net.delta_of else fam.show()
                out[fam_id] = f"{name} at {where} (outside {span})"
    return list(out.values())


def pad(net: Network, expr: Expr, free: list[tuple[str, str]]) -> Expr:
    """``expr`` under zero padding (``% symbp: padding zero``): every quantity read at a shifted
    position is 0 outside its family's range, so it equals itself times the range condition
    ``[1 <= e <= R]`` of that position, which this adds (an identity under the convention, so
    equal normal forms afterwards are equal for all sizes).  A condition the ranges of the
    position's letters already imply (``j+m-1`` with ``I = J + M - 1``) is left out."""
    ranges = {("f", n): r for n, r in free}
    raw = []
    for t in expr.terms:
        here = dict(ranges)
        here.update({("d", k): r for k, r in enumerate(t.dummies)})
        extra = []
        for f in t.factors:
            if f.tag not in ("ref", "grad", "fn"):
                continue
            fam = net.families[f.fam]
            for i, r in zip(positions(f), fam.axes):
                if len(i) == 3 and i[0] == "a" and not _implied(net, i, r, here):
                    extra.append(("rng", i, r))
        raw.append((t.coeff, t.sizes, dict(enumerate(t.dummies)), list(t.factors) + extra))
    return Expr.from_raw(raw)


def implied(net: Network, i: Index, r: str, ranges: dict) -> bool:
    """Whether ``1 <= i <= r`` follows from the ``ranges`` (index -> size) of the indices inside
    the affine index ``i`` (``j+m-1`` over ``J`` and ``M`` within ``I = J + M - 1``).

    >>> from symbp.model.affine import affine
    >>> net = Network(size_relations={"I": ((("J", 1), ("M", 1)), -1)})
    >>> j, m = ('f', 'j'), ('f', 'm')
    >>> implied(net, affine([(j, 1), (m, 1)], -1), "I", {j: "J", m: "M"})
    True
    >>> implied(net, affine([(m, 1)], 1), "M", {m: "M"})
    False
    """
    return _implied(net, i, r, ranges)


def first_outside(net: Network, i: Index, r: str, ranges: dict) -> str:
    """Where the affine index ``i`` leaves ``1..r`` at an end of the ranges of its indices, as
    text (``m = M`` for ``m+1`` over ``1..M``): past ``r`` with every index at the end that makes
    it greatest, else below 1 at the other end.

    >>> from symbp.model.affine import affine
    >>> m = ('f', 'm')
    >>> first_outside(Network(), affine([(m, 1)], 1), "M", {m: "M"})
    'm = M'
    >>> first_outside(Network(), affine([(m, 1)], -1), "M", {m: "M"})
    'm = 1'
    """
    terms, const = _atoms(i)
    if any(x is not None and x not in ranges for _, x in (t for t, _ in terms)):
        return ""
    _, hi = _bounds(terms, ranges, const)
    ok, value = _positive_coefficients(_minus(_expand(net, ({r: 1}, 0)), _expand(net, hi)))
    past = not (ok and value >= 0)
    shown = []
    for (_, k), c in sorted(((t, c) for t, c in terms if t[1] is not None), key=lambda tc: str(tc[0][1][1])):
        at_top = (c > 0) == past
        shown.append(f"{k[1]} = {ranges[k] if at_top else 1}")
    return ", ".join(shown)


def _atoms(i: Index) -> tuple[list[tuple[tuple[tuple[str, ...], Index | None], int]], int]:
    """The terms of an affine index as ``((sizes, index or None), coefficient)``: ``sj`` is
    ``(('s',), j)``, ``M`` is ``(('M',), None)``."""
    coeffs, const = parts(i)
    out = []
    for k, c in coeffs.items():
        if is_size(k):
            out.append((((k[1],), None), c))
        elif is_product(k):
            out.append((((k[1], k[2][1]), None) if is_size(k[2]) else ((k[1],), k[2]), c))
        else:
            out.append((((), k), c))
    return out, const


def _minus(a: Linear, b: Linear) -> Linear:
    terms = dict(a[0])
    for q, c in b[0].items():
        terms[q] = terms.get(q, 0) - c
    return {q: c for q, c in terms.items() if c}, a[1] - b[1]


def _implied(net: Network, i: Index, r: str, ranges: dict) -> bool:
    """Whether ``1 <= i <= r`` follows from the ranges of the indices inside ``i`` (by the sufficient
    test of :func:`_positive_coefficients`, so ``False`` may also mean not proved)."""
    terms, const = _atoms(i)
    if any(x is not None and x not in ranges for _, x in (t for t, _ in terms)):
        return False
    lo, hi = _bounds(terms, ranges, const)
    low_ok, low = _positive_coefficients(_minus(_expand(net, lo), ({}, 1)))
    high_ok, high = _positive_coefficients(_minus(_expand(net, ({r: 1}, 0)), _expand(net, hi)))
    return low_ok and low >= 0 and high_ok and high >= 0
