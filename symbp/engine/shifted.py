"""Numbers for normal forms with shifted positions: ``x_{j+m-1}``, ``[1 <= i-m+1 <= J]``.

:func:`evaluate_shifted` evaluates an :class:`~symbp.model.normal_form.Expr` whose indices may be
affine, with Kronecker deltas and range conditions, at concrete sizes: each factor becomes an
array over the bare indices it mentions (a gather of its values at the affine positions, a 0/1
mask for a delta or a range condition), and each term is one ``einsum`` over them: a
convolution's kernel gradient ``Σ_j δ_j x_{j+m-1}`` is one contraction, never a Python loop over
positions.  What a position outside its family's range holds is the caller's to say (``read``):
the identities of the normal form hold whatever it holds, so a checker reads fresh unknowns
there, and a side that needs a boundary it does not write cannot agree by accident.

Not yet wired into the checker (nothing gives shifted positions a meaning in a formula yet).
Room ``symbp.engine``; imports :mod:`symbp.model`.

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

import string
from collections.abc import Callable

import numpy as np

from ..errors import ResourceLimitError, UnsupportedError
from ..model.affine import parts
from ..model.normal_form import Expr, Term, factor_indices

__all__ = ["evaluate_shifted"]

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
    for t in expr.terms:
        total = total + _term(t, sizes, free, read, shape)
    return total


def _term(t: Term, sizes: dict[str, int], free: list[tuple[str, str]], read: Read,
          shape: tuple[int, ...]) -> np.ndarray:
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
                val = val + c * grids[i]
            return np.broadcast_to(val, dims)

        if f.tag == "kd":
            op = (at(f.i) == at(f.j)).astype(float)
        elif f.tag == "rng":
            e = at(f.i)
            op = ((e >= 1) & (e <= sizes[f.R])).astype(float)
        elif f.tag == "ref":
            op = np.asarray(read(f.fam, tuple(at(i) for i in f.idx)), dtype=float).reshape(dims)
        else:
            raise UnsupportedError(f"no shifted reading of the factor {f.tag!r}")
        ops.append(op)
        subs.append("".join(letter[i] for i in bare))
    present = set("".join(subs))
    out = "".join(letter[("f", name)] for name, _ in free if letter[("f", name)] in present)
    val = np.einsum(",".join(subs) + "->" + out, *ops, optimize=True) if ops else np.array(1.0)
    val = np.asarray(val, dtype=float)
    for k, (name, _) in enumerate(free):
        if letter[("f", name)] not in present:
            val = np.expand_dims(val, k)
    coeff = float(t.coeff)
    for s in t.sizes:
        coeff *= sizes[s]
    return np.broadcast_to(val * coeff, shape)
