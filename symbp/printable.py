"""Every notebook display hook in one mixin, and the registry that renders through it.

A class that Jupyter should display inherits :class:`Printable`; its ``_repr_latex_`` and
``_repr_html_`` look the object's class up in a registry that :mod:`symbp.render.display`
fills when it is imported (which :mod:`symbp`'s ``__init__`` does).  The data classes thus never
import the renderers, and there is no import cycle between the model and its display (the
pattern of SymPy's ``Printable`` with the dispatch of :func:`functools.singledispatch`).

Imports nothing of symbp.

>>> class Thing(Printable):
...     pass
>>> register(Thing, latex=lambda t: "$$x$$")
>>> Thing()._repr_latex_(), Thing()._repr_html_()
('$$x$$', None)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Printable", "register"]

_LATEX: dict[type, Callable[[Any], str | None]] = {}
_HTML: dict[type, Callable[[Any], str | None]] = {}


def register(cls: type, *, latex: Callable[[Any], str | None] | None = None,
             html: Callable[[Any], str | None] | None = None) -> None:
    """Render instances of ``cls`` (and of its subclasses) with these functions."""
    if latex is not None:
        _LATEX[cls] = latex
    if html is not None:
        _HTML[cls] = html


_Render = Callable[[Any], 'str | None']


def _lookup(table: dict[type, _Render], obj: object) -> _Render | None:
    for klass in type(obj).__mro__:
        if klass in table:
            return table[klass]
    return None


class Printable:
    """Jupyter's display hooks, answered by the registered renderer (``None``: no such form)."""

    __slots__ = ()

    def _repr_latex_(self) -> str | None:
        render = _lookup(_LATEX, self)
        return render(self) if render is not None else None

    def _repr_html_(self) -> str | None:
        render = _lookup(_HTML, self)
        return render(self) if render is not None else None
