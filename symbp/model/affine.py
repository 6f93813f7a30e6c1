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

Room ``symbp.model``; imports nothing of symbp.

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

Index = tuple


def is_affine(i: object) -> bool:
    """Whether ``i`` is an affine index ``('a', terms, const)`` (not a bare one)."""
    return type(i) is tuple and len(i) == 3 and i[0] == "a"


def _plain(i: object) -> bool:
    return type(i) is tuple and len(i) == 2 and i[0] in ("f", "d", "s")


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
        else:
            acc[i] = acc.get(i, 0) + c
    kept = tuple(sorted(((i, c) for i, c in acc.items() if c), key=repr))
    if len(kept) == 1 and kept[0][1] == 1 and const == 0:
        return kept[0][0]
    return ("a", kept, const)


def map_affine(i: Index, fn: Callable[[Index], Index]) -> Index:
    """Apply ``fn`` to every bare index inside the affine index ``i``; the result is canonical
    again when ``fn`` returns indices (it may return affine ones), and kept as it comes when
    ``fn`` marks indices with other tags (the colour refinement's ``('*', 0)``)."""
    mapped = [(k if is_size(k) else fn(k), c) for k, c in i[1]]
    if all(_plain(k) or is_affine(k) for k, _ in mapped):
        return affine(mapped, i[2])
    return ("a", tuple(sorted(mapped, key=repr)), i[2])


def inner(i: Index) -> Iterable[Index]:
    """The bare indices inside an affine index (the sizes it holds are no indices)."""
    return (k for k, _ in i[1] if not is_size(k))


def constant(i: Index) -> int | None:
    """The value of an index without letters (``('a', (), 3)`` is 3), else ``None``."""
    return i[2] if is_affine(i) and not i[1] else None


def solve_for(a: Index, b: Index, x: Index) -> Index | None:
    """The index ``x`` equals where ``a = b``, if ``x`` enters ``a - b`` with coefficient ±1
    (the solution is then a whole affine index); ``None`` otherwise.

    >>> j, m, i = ('f', 'j'), ('d', 1), ('f', 'i')
    >>> show(solve_for(affine([(j, 1), (m, -1)], 1), i, m))
    '-i+j+1'
    >>> solve_for(affine([(m, 2)]), i, m) is None
    True
    """
    ca, ka = parts(a)
    cb, kb = parts(b)
    diff = dict(ca)
    for k, v in cb.items():
        diff[k] = diff.get(k, 0) - v
    c = diff.pop(x, 0)
    if c not in (1, -1):
        return None
    # c x + rest + (ka - kb) = 0  =>  x = -(rest + ka - kb) / c
    return affine([(k, -v * c) for k, v in diff.items()], -(ka - kb) * c)


def show(i: Index) -> str:
    """Plain text of an index (tests and messages): ``('d', 0)`` is ``d0``, ``('f', 'j')`` is ``j``.

    >>> show(affine([(('f', 'j'), 2)], 0))
    '2j'
    """
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
