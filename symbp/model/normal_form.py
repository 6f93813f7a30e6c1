"""Index-notation normal form: sums of products with canonical dummy indices.

An :class:`Expr` is a finite sum of terms; a term is ``coeff * sizes * Σ_{dummies} Π factors``.
The sizes of the ranges are algebra, not numbers: a term's ``coeff * Π sizes`` is one monomial,
and the terms that share a *structure* (their dummies and factors) together carry that
structure's coefficient, a polynomial in the sizes with rational coefficients
(:meth:`Expr.coefficients`).  ``(I - 2)(K - 6) x`` is ``(IK - 6I - 2K + 12) x``: one structure,
four monomials, and it is zero only where the polynomial is (:func:`poly_value`).
Indices are ``('f', name)`` (free) or ``('d', n)`` (a dummy of the term, summed over its range),
or affine combinations of them (``j+m-1``, :mod:`symbp.model.affine`).
Factors are the named tuples of :mod:`symbp.model.factors` (a plain tuple given to a
constructor is read as its named type); what they mean (a weight, an activation, ``h'(a_j)``,
``δ_k``) is the business of :mod:`symbp.engine.calculus`; this module only knows the Kronecker
delta :class:`~symbp.model.factors.Kd`, the range condition :class:`~symbp.model.factors.Rng`
(Iverson's ``[1 <= i <= R]``, left where a delta with an affine argument was contracted against
a sum over ``R``), the reciprocal :class:`~symbp.model.factors.Inv` of a quantity or a
function's value (``x · 1/x = 1``: :func:`_cancel_reciprocals`) and how to rename indices.

Every operation returns a *canonical* expression: Kronecker deltas contracted against dummies,
dummies renamed in a canonical order (colour refinement, then the least arrangement within
ties), factors sorted, like terms merged.  Canonicalisation only ever rewrites a term into an
equal one, so equal normal forms are equal for all sizes; unequal normal forms are *not* proof
of inequality (the checker then evaluates both sides at sizes where the coefficients of their
difference do not vanish).

>>> x = Expr.atom(('ref', 'w', (F('k'), F('j'))))
>>> y = Expr.atom(('ref', 'd', (F('k'),)))
>>> s1 = (x * y).bind('k', 'K')
>>> s2 = (y.rename({'k': 'q'}) * x.rename({'k': 'q'})).bind('q', 'K')
>>> s1 == s2
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

from ..errors import ResourceLimitError
from ..limits import MAX_FACTORS, MAX_TERMS, MAX_TIE_PERMUTATIONS, _deadline, check_deadline
from .affine import affine, constant, inner, is_affine, is_product, map_affine, solve_for
from .factors import Kd, Rng, view

Index = tuple  # ('f', name) | ('d', n) | ('a', ((index, coeff), ...), const)
Factor = tuple
#: a monomial in the sizes: the sorted names of its ranges, with repetition (``('I', 'I', 'K')``)
Monomial = tuple[str, ...]
#: a polynomial in the sizes: monomial -> non-zero rational coefficient
SizePoly = dict[Monomial, Fraction]


def F(name: str) -> Index:
    """A free index."""
    return ("f", name)


def D(n: int) -> Index:
    """A dummy index."""
    return ("d", n)


def is_dummy(i: Index) -> bool:
    return i[0] == "d"


def _is_index(x: object) -> bool:
    return type(x) is tuple and len(x) == 2 and x[0] in ("f", "d") and isinstance(x[1], (str, int))


def _map_one(p: object, fn: Callable[[Index], Index]) -> object:
    if _is_index(p):
        return fn(p)  # type: ignore[arg-type]
    if is_affine(p):
        return map_affine(p, fn)  # type: ignore[arg-type]
    return p


def map_indices(f: Factor, fn: Callable[[Index], Index]) -> Factor:
    """Apply ``fn`` to every bare index inside factor ``f`` (index tuples may nest one level; an
    affine index is rebuilt from its mapped indices).

    >>> map_indices(('ref', 'x', (('a', ((('d', 0), 1), (('f', 'j'), 1)), -1),)),
    ...             lambda i: ('f', 'm') if i == ('d', 0) else i)
    ('ref', 'x', (('a', ((('f', 'j'), 1), (('f', 'm'), 1)), -1),))
    """
    out = []
    for part in f:
        if type(part) is tuple:
            if _is_index(part):
                out.append(fn(part))
            elif is_affine(part):
                out.append(map_affine(part, fn))
            else:
                out.append(tuple(_map_one(p, fn) for p in part))
        else:
            out.append(part)
    return tuple(out) if type(f) is tuple else type(f)._make(out)  # a named factor keeps its type


def factor_indices(f: Factor) -> Iterator[Index]:
    """The bare indices of factor ``f``, those inside affine indices too, and the index a stride
    multiplies where that product stands alone (``\\delta_{s(m)}``: ``m``)."""
    for part in f:
        if type(part) is tuple:
            if _is_index(part):
                yield part
            elif is_affine(part):
                yield from inner(part)
            else:
                for p in part:
                    if _is_index(p):
                        yield p
                    elif is_affine(p):
                        yield from inner(p)
                    elif is_product(p) and _is_index(p[2]):
                        yield p[2]


def _normal_factor(f: Factor) -> Factor:
    if f.tag == "kd" and f.j < f.i:
        return Kd("kd", f.j, f.i)
    return f


@dataclass(frozen=True)
class Term:
    """``coeff * Π sizes * Σ_{dummies} Π factors``; ``dummies[n]`` is the range of ``('d', n)``."""

    coeff: Fraction
    sizes: tuple[str, ...]
    dummies: tuple[str, ...]
    factors: tuple[Factor, ...]

    @property
    def key(self) -> tuple:
        return (self.sizes, self.dummies, self.factors)

    def free(self) -> set[str]:
        return {i[1] for f in self.factors for i in factor_indices(f) if i[0] == "f"}


# ----------------------------------------------------------------------------------------------
# raw terms: mutable building blocks


def _contract(coeff: Fraction, sizes: list[str], dummies: dict[int, str],
              factors: list[Factor]) -> tuple[Fraction, list[str], dict[int, str], list[Factor]] | None:
    """Contract Kronecker deltas; returns ``None`` for a zero term."""
    changed = True
    while changed:
        changed = False
        for pos, f in enumerate(factors):
            if f.tag != "kd":
                continue
            a, b = f.i, f.j
            if a == b:
                del factors[pos]
                changed = True
                break
            if is_affine(a) or is_affine(b):
                done = _contract_affine(pos, a, b, dummies, factors)
                if done is None:
                    return None
                if done:
                    changed = True
                    break
                continue
            if b[0] != "d" and a[0] == "d":
                a, b = b, a
            if b[0] == "d":
                # Σ_b δ(a, b) g(b) = g(a): replace b by a, drop the sum over b
                del factors[pos]
                dummies.pop(b[1])

                def sub(i: Index, b: Index = b, a: Index = a) -> Index:
                    return a if i == b else i

                factors[:] = [map_indices(g, sub) for g in factors]
                changed = True
                break
    # a Kronecker delta is 0 or 1: [i = j]^2 = [i = j]; so is a range condition
    seen: set[tuple] = set()
    kept = []
    for f in factors:
        if f.tag == "kd":
            key = tuple(sorted((f.i, f.j)))
            if key in seen:
                continue
            seen.add(key)
        elif f.tag == "rng":
            c = constant(f.i)
            if c is not None and c < 1:
                return None  # [1 <= c <= R] with c < 1 is 0 for every size
            if f.i[0] == "d" and dummies.get(f.i[1]) == f.R:
                continue  # a dummy over R is in 1..R
            if f in seen:
                continue
            seen.add(f)
        kept.append(f)
    factors[:] = kept
    _cancel_reciprocals(factors)
    # dummies that no factor mentions are vacuous sums: a factor of their range's size
    used = {i[1] for f in factors for i in factor_indices(f) if i[0] == "d"}
    for d in [d for d in dummies if d not in used]:
        sizes.append(dummies.pop(d))
    return coeff, sizes, dummies, factors


def _cancel_reciprocals(factors: list[Factor]) -> None:
    """``x · (1/x) = 1``: each reciprocal factor ``('inv', ...)`` cancels one factor it is the
    reciprocal of (where ``x`` is not 0: the equation is one of functions where they are
    defined), in place."""
    if not any(f.tag == "inv" for f in factors):
        return
    for f in [f for f in factors if f.tag == "inv"]:
        base = f.base()
        if base in factors and f in factors:
            factors.remove(base)
            factors.remove(f)


def _contract_affine(pos: int, a: Index, b: Index, dummies: dict[int, str],
                     factors: list[Factor]) -> bool | None:
    """``[a = b]`` with an affine side, at ``factors[pos]``: ``None`` if it is 0 for every value
    (the sides differ by a constant), ``True`` if it was removed (the sides agree by a constant
    of 0, or a dummy ``x`` entering ``a - b`` with coefficient ±1 was solved for: ``Σ_x [x = e]
    g(x) = g(e) [1 <= e <= R_x]``, the range condition kept), ``False`` if it stays."""
    d = affine([(a, 1), (b, -1)], 0)
    c = constant(d)
    if c is not None:
        if c:
            return None
        del factors[pos]
        return True
    for x in sorted((i for i in (inner(d) if is_affine(d) else (d,)) if i[0] == "d"), key=repr):
        sol = solve_for(a, b, x)
        if sol is None:
            continue
        del factors[pos]
        rng = dummies.pop(x[1])

        def sub(i: Index, x: Index = x, sol: Index = sol) -> Index:
            return sol if i == x else i

        factors[:] = [map_indices(g, sub) for g in factors]
        # kept even when the solution is a bare index: its range need not be R_x
        factors.append(Rng("rng", sol, rng))
        return True
    return False


def _canonical(coeff: Fraction, sizes: list[str], dummies: dict[int, str],
               factors: list[Factor]) -> Term:
    factors = [_normal_factor(f) for f in factors]
    if len(factors) > MAX_FACTORS:
        raise ResourceLimitError(f"a term grew beyond {MAX_FACTORS} factors")
    if not dummies:
        return Term(coeff, tuple(sorted(sizes)), (), tuple(sorted(factors)))
    names = sorted(dummies)
    if len(names) == 1:  # one dummy: no order to choose, the colour refinement below decides nothing
        new1 = {names[0]: 0}
        fs = tuple(sorted(_normal_factor(map_indices(f, lambda i: ("d", new1[i[1]]) if i[0] == "d" else i))
                          for f in factors))
        return Term(coeff, tuple(sorted(sizes)), (dummies[names[0]],), fs)
    # colour refinement: a dummy's colour is its range plus how it sits in the factors
    occ: dict[int, list[int]] = {d: [] for d in names}
    for k, f in enumerate(factors):
        for i in factor_indices(f):
            if i[0] == "d" and k not in occ[i[1]]:
                occ[i[1]].append(k)
    colour = {d: dummies[d] for d in names}
    rank: dict[int, object] = {}
    prev_classes = 0
    for _ in range(len(names) + 1):
        sig = {}
        for d in names:
            parts = []
            for k in occ[d]:
                def mark(i: Index, d: int = d, rank: dict = rank) -> Index:
                    if i[0] != "d":
                        return i
                    return ("*", 0) if i[1] == d else ("c", rank.get(i[1], colour[i[1]]))

                parts.append(repr(map_indices(factors[k], mark)))
            sig[d] = (repr(rank.get(d, colour[d])), tuple(sorted(parts)))
        distinct = sorted(set(sig.values()))
        rank = {d: distinct.index(sig[d]) for d in names}
        if len(distinct) == prev_classes:
            break
        prev_classes = len(distinct)
    groups: dict[object, list[int]] = {}
    for d in names:
        groups.setdefault(rank[d], []).append(d)
    ordered_groups = [groups[c] for c in sorted(groups)]
    n_perm = math.prod(math.factorial(len(g)) for g in ordered_groups)

    def arrange(order: list[int]) -> tuple[tuple[Factor, ...], tuple[str, ...]]:
        new = {d: k for k, d in enumerate(order)}

        def sub(i: Index) -> Index:
            return ("d", new[i[1]]) if i[0] == "d" else i

        fs = tuple(sorted(_normal_factor(map_indices(f, sub)) for f in factors))
        return fs, tuple(dummies[d] for d in order)

    if n_perm == 1 or n_perm > MAX_TIE_PERMUTATIONS:
        best = arrange([d for g in ordered_groups for d in g])
    else:
        best = min(arrange([d for g in combo for d in g])
                   for combo in itertools.product(*(itertools.permutations(g) for g in ordered_groups)))
    return Term(coeff, tuple(sorted(sizes)), best[1], best[0])


def _make(coeff: Fraction, sizes: Iterable[str], dummies: dict[int, str],
          factors: Iterable[Factor]) -> Term | None:
    if _deadline:
        check_deadline()
    if coeff == 0:
        return None
    c = _contract(coeff, list(sizes), dict(dummies), [view(f) for f in factors])
    if c is None:
        return None
    term = _canonical(*c)
    if any(f.tag == "rng" and any(i[0] == "d" for i in factor_indices(f)) for f in term.factors):
        return _least_reindexing(term)
    return term


#: how many re-indexings of one term the normal form looks at for the least one
MAX_REINDEXINGS = 24


def _reindexings(t: Term) -> Iterator[tuple[Fraction, list[str], dict[int, str], list[Factor]]]:
    """Each way to sum ``t`` over another variable: a dummy ``x`` over ``R`` that enters a range
    condition ``[1 <= e <= S]`` with coefficient ±1 is replaced by ``y = e`` over ``S``, its own
    range becoming the condition ``[1 <= x(y) <= R]`` (a bijection between the two index sets,
    so the value is the same: ``Σ_j δ_j w_{i-j+1} [1 <= i-j+1 <= M]`` is
    ``Σ_m w_m δ_{i-m+1} [1 <= i-m+1 <= J]``)."""
    n = len(t.dummies)
    for pos, f in enumerate(t.factors):
        if f.tag != "rng" or not is_affine(f.i):
            continue
        for x, c in f.i[1]:
            if x[0] != "d" or c not in (1, -1):
                continue
            y = ("d", n)
            sol = solve_for(f.i, y, x)
            if sol is None:  # a size multiplies x too (x + sx): no bijection of whole indices
                continue

            def sub(i: Index, x: Index = x, sol: Index = sol) -> Index:
                return sol if i == x else i

            dummies = dict(enumerate(t.dummies))
            r_x = dummies.pop(x[1])
            dummies[n] = f.R
            factors = [map_indices(g, sub) for k, g in enumerate(t.factors) if k != pos]
            factors.append(Rng("rng", sol, r_x))
            yield t.coeff, list(t.sizes), dummies, factors


def _least_reindexing(term: Term) -> Term:
    """The least term (by its text) among those that re-indexing reaches from ``term``: equal
    sums written over different variables meet in one normal form (up to
    :data:`MAX_REINDEXINGS` of them; beyond, the term is kept as it is, which is still equal)."""
    seen = {term.key: term}
    todo = [term]
    while todo and len(seen) < MAX_REINDEXINGS:
        for raw in _reindexings(todo.pop()):
            c = _contract(*raw)
            if c is None:  # the re-indexing shows the term is 0; the term as it is is equal too
                continue
            t = _canonical(*c)
            if t.key not in seen:
                seen[t.key] = t
                todo.append(t)
    return min(seen.values(), key=lambda t: repr(t.key))


# ----------------------------------------------------------------------------------------------
# expressions


class Expr:
    """A canonical sum of terms.  Immutable; ``==`` is equality of normal forms."""

    __slots__ = ("terms", "_hash")

    def __init__(self, terms: Iterable[Term] = ()) -> None:
        acc: dict[tuple, Fraction] = {}
        first: dict[tuple, Term] = {}
        for t in terms:
            k = t.key
            prev = acc.get(k)
            if prev is None:
                acc[k] = t.coeff if type(t.coeff) is Fraction else Fraction(0) + t.coeff
                first[k] = t
            else:
                acc[k] = prev + t.coeff
        if len(acc) > MAX_TERMS:
            raise ResourceLimitError(f"an expression grew beyond {MAX_TERMS} terms")
        # a term whose coefficient is unchanged is kept as it is (terms are frozen values); one
        # term needs no order
        items = sorted(acc.items(), key=lambda kv: repr(kv[0])) if len(acc) > 1 else acc.items()
        self.terms: tuple[Term, ...] = tuple(
            t if type((t := first[k]).coeff) is Fraction and t.coeff == c else Term(c, *k)
            for k, c in items if c != 0)
        self._hash: int | None = None

    # -- constructors
    @staticmethod
    def zero() -> Expr:
        return Expr()

    @staticmethod
    def const(c: Fraction | int) -> Expr:
        c = Fraction(c)
        return Expr([Term(c, (), (), ())]) if c else Expr()

    @staticmethod
    def size(range_name: str) -> Expr:
        return Expr([Term(Fraction(1), (range_name,), (), ())])

    @staticmethod
    def atom(factor: Factor) -> Expr:
        t = _make(Fraction(1), (), {}, (factor,))
        return Expr([t] if t else [])

    @staticmethod
    def kd(a: Index, b: Index) -> Expr:
        """The Kronecker delta of two indices."""
        return Expr.atom(Kd("kd", a, b))

    @staticmethod
    def from_raw(raw: Iterable[tuple[Fraction, Iterable[str], dict[int, str], Iterable[Factor]]]) -> Expr:
        return Expr(t for t in (_make(*r) for r in raw) if t is not None)

    # -- queries
    def is_zero(self) -> bool:
        return not self.terms

    def free(self) -> set[str]:
        out: set[str] = set()
        for t in self.terms:
            out |= t.free()
        return out

    def coefficients(self) -> dict[tuple, SizePoly]:
        """The expression as polynomials in the sizes: structure ``(dummies, factors)`` -> its
        coefficient, a polynomial in the sizes (zero coefficients are absent).

        >>> x = Expr.atom(('ref', 'x', (F('j'),)))
        >>> e = (Expr.size('I') - Expr.const(2)) * (Expr.size('K') - Expr.const(6)) * x
        >>> [sorted((m, int(c)) for m, c in p.items()) for p in e.coefficients().values()]
        [[((), 12), (('I',), -6), (('I', 'K'), 1), (('K',), -2)]]
        """
        out: dict[tuple, SizePoly] = {}
        for t in self.terms:
            out.setdefault((t.dummies, t.factors), {})[t.sizes] = t.coeff
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and self.terms == other.terms

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.terms)
        return self._hash

    def __repr__(self) -> str:
        return f"Expr({list(self.terms)!r})"

    # -- arithmetic
    def __add__(self, other: Expr) -> Expr:
        return Expr(self.terms + other.terms)

    def __neg__(self) -> Expr:
        return self.scale(-1)

    def __sub__(self, other: Expr) -> Expr:
        return self + (-other)

    def scale(self, c: Fraction | int) -> Expr:
        c = Fraction(c)
        return Expr(Term(t.coeff * c, t.sizes, t.dummies, t.factors) for t in self.terms)

    def __mul__(self, other: Expr) -> Expr:
        if len(self.terms) * len(other.terms) > MAX_TERMS:
            raise ResourceLimitError(f"a product would have more than {MAX_TERMS} terms")
        raw = []
        for a in self.terms:
            for b in other.terms:
                off = len(a.dummies)

                def shift(i: Index, off: int = off) -> Index:
                    return ("d", i[1] + off) if i[0] == "d" else i

                dummies = {k: r for k, r in enumerate(a.dummies)}
                dummies.update({k + off: r for k, r in enumerate(b.dummies)})
                raw.append((a.coeff * b.coeff, a.sizes + b.sizes, dummies,
                            a.factors + tuple(map_indices(f, shift) for f in b.factors)))
        return Expr.from_raw(raw)

    def bind(self, name: str, range_name: str) -> Expr:
        """``Σ_name self``: the free index ``name`` becomes a dummy over ``range_name``."""
        return self.bind_all([(name, range_name)])

    def bind_all(self, pairs: Iterable[tuple[str, str]]) -> Expr:
        """``Σ_{name_1} … Σ_{name_n} self`` for pairs ``(name, range)``: every name becomes a dummy
        at once, and each term is canonicalised once (binding one name at a time would
        canonicalise a term with ``d`` dummies ``d`` times).

        >>> x = Expr.atom(('ref', 'w', (F('k'), F('j'))))
        >>> x.bind_all([('k', 'K'), ('j', 'J')]) == x.bind('k', 'K').bind('j', 'J')
        True
        """
        pairs = list(pairs)
        if not pairs:
            return self
        raw = []
        for t in self.terms:
            n = len(t.dummies)
            new = {("f", name): ("d", n + k) for k, (name, _) in enumerate(pairs)}

            def sub(i: Index, new: dict = new) -> Index:
                return new.get(i, i)

            dummies = dict(enumerate(t.dummies))
            dummies.update({n + k: r for k, (_, r) in enumerate(pairs)})
            raw.append((t.coeff, t.sizes, dummies, [map_indices(f, sub) for f in t.factors]))
        return Expr.from_raw(raw)

    def rename(self, mapping: dict[str, str]) -> Expr:
        """Rename free indices (``mapping`` old name -> new name)."""
        return self.substitute({k: ("f", v) for k, v in mapping.items()})

    def substitute(self, mapping: dict[str, Index]) -> Expr:
        """Replace free indices by indices (free names); the result is re-canonicalised."""
        def sub(i: Index) -> Index:
            return mapping.get(i[1], i) if i[0] == "f" else i

        return Expr.from_raw((t.coeff, t.sizes, dict(enumerate(t.dummies)),
                              [map_indices(f, sub) for f in t.factors]) for t in self.terms)

    def opened(self, term: Term, tag: str) -> tuple[list[Factor], list[tuple[str, str]]]:
        """The factors of ``term`` with its dummies turned into fresh free names ``tag + n``."""
        names = [(f"{tag}{n}", r) for n, r in enumerate(term.dummies)]

        def sub(i: Index) -> Index:
            return ("f", f"{tag}{i[1]}") if i[0] == "d" else i

        return [map_indices(f, sub) for f in term.factors], names


# ----------------------------------------------------------------------------------------------
# polynomials in the sizes


def poly_value(poly: SizePoly, sizes: dict[str, int]) -> Fraction:
    """The polynomial's value at concrete sizes (exact).

    >>> poly_value({('I', 'K'): Fraction(1), ('I',): Fraction(-6), ('K',): Fraction(-2), (): Fraction(12)},
    ...            {'I': 2, 'K': 7})
    Fraction(0, 1)
    """
    return sum((c * math.prod(sizes[r] for r in m) for m, c in poly.items()), Fraction(0))


def poly_degree(poly: SizePoly) -> int:
    """The total degree (0 for a constant, and for the zero polynomial).

    >>> poly_degree({('I', 'K'): Fraction(1), (): Fraction(3)})
    2
    """
    return max((len(m) for m in poly), default=0)
