"""Affine index expressions of the normal form: ``j+m-1``, ``i-m+1``, ``2j``, ``l+1``.

An index of :mod:`symbp.model.normal_form` is ``('f', name)`` (free) or ``('d', n)`` (a dummy).
An *affine* index is ``('a', terms, const)``: ``Σ coeff * index + const`` with whole coefficients,
``terms`` a tuple of ``(index, coeff)`` pairs of plain indices, no zero coefficient, sorted by
their text.  :func:`affine` builds one and keeps the form canonical: a bare index stays a bare
index (``('a', ((j, 1),), 0)`` is never built), affine arguments nested inside are flattened, like
indices are merged.  :func:`solve_for` solves ``[A = B]`` for an index that enters ``A - B`` with
coefficient ±1, which is how a Kronecker delta with an affine argument contracts against a sum.
A size may enter an affine index as ``('s', name)`` (the flipped kernel's ``x_{j-m+M}``): a
constant for every sum, never an index, so :func:`inner` and :func:`map_affine` pass it by.
A size may also multiply an index, ``('p', size, index)`` (:func:`product`: the stride ``s`` in
``x_{s(j-1)+m}``, that is ``sj - s + m``), or another size (``('p', size, ('s', other))``, the
names in order): the index is then affine in the indices with a *size* as its coefficient.  Such
an index is never solved for (:func:`solve_for` returns ``None``: ``[i = sj + m]`` has a solution
``j`` only where ``s`` divides ``i - m``), so a Kronecker delta keeps it, and the sums over the
other indices contract as before.  A size times a size times an index is not built (an
:class:`~symbp.errors.UnsupportedError`).

Room ``symbp.model``; imports :mod:`symbp.errors` (the base room).

>>> j, m = ('f', 'j'), ('d', 0)
>>> show(affine([(j, 1), (m, 1)], -1))
'd0+j-1'
>>> affine([(j, 1)], 0) == j
True
>>> show(solve_for(('f', 'i'), affine([(j, 1), (m, 1)], -1), m))
'i-j+1'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..errors import UnsupportedError

Index = tuple


def is_affine(i: object) -> bool:
    """Whether ``i`` is an affine index ``('a', terms, const)`` (not a bare one)."""
    return type(i) is tuple and len(i) == 3 and i[0] == "a"


def _plain(i: object) -> bool:
    return type(i) is tuple and ((len(i) == 2 and i[0] in ("f", "d", "s")) or is_product(i))


def is_product(i: object) -> bool:
    """Whether ``i`` is a size times an index or a size, ``('p', size, index)`` (:func:`product`)."""
    return type(i) is tuple and len(i) == 3 and i[0] == "p"


def product(size: str, i: Index) -> Index:
    """The size ``size`` times the index or size ``i``: ``s j`` in the stride ``s(j-1)+m``; two
    sizes in the order of their names.

    >>> show(affine([(product('s', ('f', 'j')), 1), (size_atom('s'), -1), (('f', 'm'), 1)], 0))
    'm+sj-s'
    >>> product('t', size_atom('s')) == product('s', size_atom('t'))
    True
    """
    if is_size(i) and i[1] < size:
        return ("p", i[1], size_atom(size))
    return ("p", size, i)


def is_constant_atom(i: object) -> bool:
    """Whether an atom of an affine index is the same for every value of the indices: a size, or a
    product of two sizes."""
    return is_size(i) or (is_product(i) and is_size(i[2]))


def size_atom(name: str) -> Index:
    """A size inside an affine index: ``M`` in ``j-m+M``.

    >>> show(affine([(('f', 'j'), 1), (('d', 0), -1), (size_atom('M'), 1)], 0))
    '-d0+j+M'
    """
    return ("s", name)


def is_size(i: object) -> bool:
    """Whether ``i`` is a size inside an affine index (:func:`size_atom`)."""
    return type(i) is tuple and len(i) == 2 and i[0] == "s"


def parts(i: Index) -> tuple[dict[Index, int], int]:
    """``(coefficients, constant)`` of any index: a bare index ``j`` is ``({j: 1}, 0)``.

    >>> parts(('f', 'j'))
    ({('f', 'j'): 1}, 0)
    """
    if is_affine(i):
        return dict(i[1]), i[2]
    return {i: 1}, 0


def affine(terms: Iterable[tuple[Index, int]], const: int = 0) -> Index:
    """The canonical index ``Σ coeff * index + const``; nested affine indices are flattened.

    >>> affine([(('f', 'j'), 1), (('f', 'j'), -1)], 2)
    ('a', (), 2)
    >>> show(affine([(affine([(('f', 'j'), 1)], -1), 2)], 0))
    '2j-2'
    """
    acc: dict[Index, int] = {}
    for i, c in terms:
        if is_affine(i):
            for k, v in i[1]:
                acc[k] = acc.get(k, 0) + c * v
            const += c * i[2]
        elif is_product(i) and (is_affine(i[2]) or is_product(i[2])):
            for k, v in _times(i[1], i[2]):  # s (j - 1) = sj - s
                acc[k] = acc.get(k, 0) + c * v
        else:
            acc[i] = acc.get(i, 0) + c
    kept = tuple(sorted(((i, c) for i, c in acc.items() if c), key=repr))
    if len(kept) == 1 and kept[0][1] == 1 and const == 0:
        return kept[0][0]
    return ("a", kept, const)


def _times(size: str, e: Index) -> list[tuple[Index, int]]:
    """The terms of the size ``size`` times the index ``e`` (affine, or a product: then an error,
    a size times a size times an index is not affine in the sizes)."""
    if is_product(e):
        raise UnsupportedError(f"the position {show(e)} times the size {size} multiplies three letters",
                               hint="a stride multiplies one index, as in x_{s(j-1)+m}")
    coeffs, const = parts(e)
    out: list[tuple[Index, int]] = [(size_atom(size), const)] if const else []
    for k, v in coeffs.items():
        if is_product(k):
            raise UnsupportedError(f"the position {show(e)} times the size {size} multiplies three "
                                   "letters", hint="a stride multiplies one index, as in x_{s(j-1)+m}")
        out.append((product(size, k), v))
    return out


def map_affine(i: Index, fn: Callable[[Index], Index]) -> Index:
    """Apply ``fn`` to every bare index inside the affine index ``i``; the result is canonical
    again when ``fn`` returns indices (it may return affine ones), and kept as it comes when
    ``fn`` marks indices with other tags (the colour refinement's ``('*', 0)``)."""
    mapped = [(k if is_constant_atom(k) else ("p", k[1], fn(k[2])) if is_product(k) else fn(k), c)
              for k, c in i[1]]
    if all(_plain(k) or is_affine(k) for k, _ in mapped):
        return affine(mapped, i[2])
    return ("a", tuple(sorted(mapped, key=repr)), i[2])


def inner(i: Index) -> Iterable[Index]:
    """The bare indices inside an affine index (the sizes it holds are no indices; the index a
    size multiplies is one).

    >>> list(inner(affine([(product('s', ('d', 0)), 1), (('f', 'm'), 1)], 0)))
    [('f', 'm'), ('d', 0)]
    """
    return (k[2] if is_product(k) else k for k, _ in i[1] if not is_constant_atom(k))


def constant(i: Index) -> int | None:
    """The value of an index without letters (``('a', (), 3)`` is 3), else ``None``."""
    return i[2] if is_affine(i) and not i[1] else None


def solve_for(a: Index, b: Index, x: Index) -> Index | None:
    """The index ``x`` equals where ``a = b``, if ``x`` enters ``a - b`` with coefficient ±1
    (the solution is then a whole affine index); ``None`` otherwise, and always where a size
    multiplies ``x`` (``sj``: a solution exists only where ``s`` divides the rest).

    >>> j, m, i = ('f', 'j'), ('d', 1), ('f', 'i')
    >>> show(solve_for(affine([(j, 1), (m, -1)], 1), i, m))
    '-i+j+1'
    >>> solve_for(affine([(m, 2)]), i, m) is None
    True
    >>> solve_for(affine([(product('s', j), 1), (m, 1)]), i, j) is None
    True
    >>> show(solve_for(affine([(product('s', j), 1), (m, 1)]), i, m))
    'i-sj'
    """
    ca, ka = parts(a)
    cb, kb = parts(b)
    diff = dict(ca)
    for k, v in cb.items():
        diff[k] = diff.get(k, 0) - v
    c = diff.pop(x, 0)
    if c not in (1, -1) or any(v and is_product(k) and k[2] == x for k, v in diff.items()):
        return None
    # c x + rest + (ka - kb) = 0  =>  x = -(rest + ka - kb) / c
    return affine([(k, -v * c) for k, v in diff.items()], -(ka - kb) * c)


def show(i: Index) -> str:
    """Plain text of an index (tests and messages): ``('d', 0)`` is ``d0``, ``('f', 'j')`` is ``j``.

    >>> show(affine([(('f', 'j'), 2)], 0))
    '2j'
    """
    if is_product(i):
        return i[1] + show(i[2])
    if not is_affine(i):
        return f"d{i[1]}" if i[0] == "d" else str(i[1])  # a size atom shows its name
    out = ""
    for k, c in i[1]:
        name = show(k)
        sign = "-" if c < 0 else ("+" if out else "")
        mag = "" if abs(c) == 1 else str(abs(c))
        out += f"{sign}{mag}{name}"
    if i[2] > 0:
        out += ("+" if out else "") + str(i[2])
    elif i[2] < 0 or not out:
        out += str(i[2])
    return out
