"""A pytest plugin: every equation of a derivation file is a test item.

Installed with symbp (the ``pytest11`` entry point ``symbp``, through the shim ``_symbp_pytest``
that imports this module only when pytest meets a ``.tex`` file), so ``pytest path/to/derivations/``
checks every link of every *derivation file* below that folder, next to the project's own tests.
Without the installed entry point (a bare checkout), load it with ``-p symbp.pytest_plugin``.

* **Which files.**  A ``.tex`` file is a derivation file when it has at least one line that is a
  symbp directive (``% symbp: ...``, the same lines ``symbp check`` reads); other ``.tex`` files
  in the repository (papers, slides) are not collected.  ``symbp check`` looks for the same
  files below a folder (:func:`symbp.document.is_derivation_file`).
* **Which items.**  One item per link of each equation, in file order, named by the equation's
  label: ``weight_sharing.tex::②`` for a single link, ``weight_sharing.tex::①[1]``,
  ``...::①[2]`` for the links of a chain ``A = B = C`` (``pytest weight_sharing.tex::①`` runs
  both, as for a parametrised test).  An unlabelled equation is named by its text, spaces left
  out (``x.tex::\\delta_{j}=h'(a_{j})\\sum_{k}w_{kj}\\delta_{k}``, ``\\partial~a_{j}`` where a
  space ends a command; one written with vectors and matrices by the formula as written, not its
  index form: ``x.tex::\\delta^{[1]}=\\sigma'(z^{[1]})\\odot\\ldots``; past :data:`NAME_CHARS`
  characters, cut and followed by ``…`` and a short hash of the whole), so adding or moving an
  equation renames no other item; spaces in a label become ``_`` (``①_(intended)``); a name used
  twice gets ``@2``, ``@3`` in file order.  Ids are pytest node ids like a parametrised test's, so
  ``--lf``, ``--ff``, ``--sw``, ``-k`` and ``--deselect`` work on links.
* **Pass or fail.**  An item passes when its verdict is what the file expects
  (``% symbp: expect ...``; an unmarked equation is expected to hold: ``verified`` or
  ``verified-at-sizes``).  A link the file expects ``refuted`` is a strict ``xfail``: refuted,
  it is reported ``XFAIL``; verified, it fails.  A failing item reports like an assertion: where, the
  verdict and the
  expectation, the equation, the diagnosis, the suggestion and the counterexample, without a
  traceback.  An equation that cannot be read fails with its line, column, caret and hint; a
  file whose network declaration is broken gives one failing item ``file.tex::(file)`` (so does
  an internal error while loading it: a symbp bug, shown with its traceback; the session goes on).
* **Not proved.**  A passing ``verified-at-sizes`` link (it agrees at the sizes tried, but is
  not proved for all sizes) also issues a :class:`NotProvedWarning`, listed in pytest's warnings
  summary with the sizes tried.
* **Cost.**  Collection reads each file as far as its items need: the network declared (a
  broken declaration is the ``(file)`` item) and the equations parsed, but nothing checked and
  the vector notation of a one-link claim not yet translated (:func:`symbp.document.deferred_translation`:
  under pytest-xdist every worker collects every file); a file's translations are done when its
  first item runs, each equation checked when its first item runs.  Disable the plugin with
  ``-p no:symbp``.

Every item's status word carries its verdict (``PASSED (verified)``, ``XFAIL (refuted)``,
``FAILED (error)``): ``pytest -v`` and the short summary of ``pytest -rA`` show it for every item;
``--junitxml`` has it as the ``verdict`` property.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # pragma: no cover - the plugin is loaded by every pytest run: import lazily
    from _pytest._code.code import TerminalRepr

    from .checker.results import LinkResult
    from .document import Derivation, Equation, is_derivation_file

__all__ = ["DerivationFile", "ExpectedRefutation", "FileErrorItem", "LinkItem", "NotProvedWarning",
           "equation_name", "is_derivation_file", "pytest_collect_file"]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DerivationFile | None:
    """The hook: derivation files become :class:`DerivationFile` collectors."""
    # symbp's reading of files is imported at the first .tex file: loaded by name (-p
    # symbp.pytest_plugin), this module costs a run without derivation files, and pytest-xdist's
    # controller, nothing but itself
    if file_path.suffix != ".tex":
        return None
    from .document import is_derivation_file

    return DerivationFile.from_parent(parent, path=file_path) if is_derivation_file(file_path) else None


def __getattr__(name: str) -> Any:
    """:func:`symbp.document.is_derivation_file` (in ``__all__``), imported on first use."""
    if name == "is_derivation_file":
        from .document import is_derivation_file

        return is_derivation_file
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SymbpMismatch(AssertionError):
    """A link whose verdict is not what the file expects (reported without a traceback)."""

    def __init__(self, result: LinkResult) -> None:
        super().__init__(result.verdict)
        self.result = result


class NotProvedWarning(UserWarning):
    """A passing item whose link is ``verified-at-sizes``: it agrees at the sizes tried but is not
    proved for all sizes (silence with ``-W ignore::symbp.pytest_plugin.NotProvedWarning``)."""


class ExpectedRefutation(Exception):
    """A link refuted as the file expects: the strict ``xfail`` of that item."""


#: the longest name taken from an equation's text before it is cut and hashed
NAME_CHARS = 60


def equation_name(eq: Equation) -> str:
    r"""The item name of an equation: its label if it has one, else its text without spaces.

    >>> from symbp.document import loads
    >>> d = loads("% symbp: network plain\n$$a_j = \\sum_i w_{ji} z_i$$\n% symbp: label ① (x)\n$$a_j = b$$")
    >>> [equation_name(eq) for eq in d.equations]
    ['a_{j}=\\sum_{i}w_{ji}z_{i}', '①_(x)']
    """
    import hashlib
    import re

    from .latex.unparse import unparse

    # unlabelled: numbered "(3)" as symbp check numbers it (a label such as (5.53) is not all digits)
    numbered = eq.label.startswith("(") and eq.label.endswith(")") and eq.label[1:-1].isdigit()
    if not numbered:
        name = re.sub(r"\s+", "_", eq.label.strip())
    else:
        # an equation written with vectors and matrices: as written, never its index form (so the
        # name does not depend on the translation, which collection defers)
        shown = eq.written if eq.written is not None else eq.chain if eq.error is None else None
        if shown is not None:
            text = " ".join(f"{unparse(s)} {r}" for s, r in zip(shown.sides, shown.rels + ("",)))
        else:
            text = eq.text
        # spaces go; one that ends a command before a letter (\partial a) becomes LaTeX's ~
        name = re.sub(r"\s+", "", re.sub(r"(\\[A-Za-z]+)\s+(?=[A-Za-z])", r"\1~", text.strip()))
        if len(name) > NAME_CHARS:
            digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
            name = f"{name[:NAME_CHARS]}…{digest}"
    from .render.formats import escape_controls

    # '::' separates the parts of a node id, '[' starts its parameters; no terminal escapes
    name = escape_controls(name, newlines=False)
    return name.replace("::", ":").replace("[", "(").replace("]", ")") or "(empty)"


class SymbpFileError(Exception):
    """A derivation file that cannot be checked at all (reported without a traceback)."""


class DerivationFile(pytest.File):
    """A derivation file: loads it (network and equations) and yields one item per link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.derivation: Derivation | None = None
        self._results: dict[int, list[LinkResult]] = {}

    def _display_name(self) -> str:
        try:
            return str(self.path.relative_to(self.config.invocation_params.dir))
        except ValueError:
            return str(self.path)

    def collect(self) -> Iterator[pytest.Item]:
        from dataclasses import replace

        from . import document
        from .errors import InputError, SymbpError

        try:
            with document.deferred_translation():  # done when the file's first item runs
                self.derivation = document.load(self.path)
        except SymbpError as exc:
            # the location names the file as pytest shows it, relative to where it was run
            loc = exc.location if isinstance(exc, InputError) else None
            if isinstance(exc, InputError) and loc is not None and loc.file is not None:
                exc.location = replace(loc, file=self._display_name())
            yield FileErrorItem.from_parent(self, name="(file)", error=str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a symbp bug costs this file, not the session
            yield FileErrorItem.from_parent(self, name="(file)", error="", bug=exc)
            return
        self.derivation.file = self._display_name()
        for eq in self.derivation.equations:
            if eq.file is not None:
                eq.file = self.derivation.file
        names = [equation_name(eq) for eq in self.derivation.equations]
        seen: dict[str, int] = {}
        for k, eq in enumerate(self.derivation.equations):
            seen[names[k]] = seen.get(names[k], 0) + 1
            base = names[k] if seen[names[k]] == 1 else f"{names[k]}@{seen[names[k]]}"
            shown = eq.written if eq.written is not None else eq.chain
            links = len(shown.rels) if shown is not None and eq.error is None else 1
            for link in range(1, links + 1):
                name = base if links == 1 else f"{base}[{link}]"
                # the node id given whole, so that pytest reads '[k]' as parameters, as it does
                # the ids it stored for --lf, --ff and --sw
                item = LinkItem.from_parent(self, name=name, nodeid=f"{self.nodeid}::{name}",
                                            equation=k, link=link, links=links)
                if eq.expectation(link) == "refuted":
                    item.add_marker(pytest.mark.xfail(strict=True, raises=ExpectedRefutation,
                                                      reason="the file expects this link refuted"))
                yield item
        # a display symbp does not read fails, never passes in silence (no space in the id)
        for u in self.derivation.unread:
            yield FileErrorItem.from_parent(
                self, name=f"(unread-{u.env}@{u.line})", unread=True,
                error=f"{self.derivation.file}:{u.line}:{u.column}: the display '{u.env}' is not read: "
                      "nothing in it is checked (hint: write it as align, equation or gather)")

    def results(self, k: int) -> list[LinkResult]:
        """The results of equation ``k`` (checked once, when its first item runs)."""
        if k not in self._results:
            from dataclasses import replace

            from .api import check_file
            assert self.derivation is not None
            self.derivation.complete()  # the translations collection deferred, once per file
            one = replace(self.derivation, equations=[self.derivation.equations[k]])
            self._results[k] = check_file(one)
        return self._results[k]


class LinkItem(pytest.Item):
    """One link of one equation: passes when its verdict is what the file expects."""

    def __init__(self, *, equation: int, link: int, links: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.equation_index = equation
        self.link = link
        self.links = links

    @property
    def equation(self) -> Equation:
        parent = self.parent
        assert isinstance(parent, DerivationFile) and parent.derivation is not None
        return parent.derivation.equations[self.equation_index]

    def runtest(self) -> None:
        parent = self.parent
        assert isinstance(parent, DerivationFile)
        results = parent.results(self.equation_index)
        if len(results) != self.links:  # pragma: no cover - a symbp bug, shown with its traceback
            raise RuntimeError(f"symbp checked {len(results)} link(s) where it parsed {self.links}")
        r = results[self.link - 1]
        self.user_properties.append(("verdict", r.verdict))
        if not r.as_expected:
            raise SymbpMismatch(r)
        if r.verdict == "refuted":  # as expected: the strict xfail marked at collection
            raise ExpectedRefutation(r.message)
        if r.verdict == "verified-at-sizes":  # passes, but says what was not shown
            warnings.warn(NotProvedWarning(f"{self.nodeid}: {r.message}"), stacklevel=1)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, SymbpMismatch):
            from .render.display import result_text
            from .render.formats import escape_controls
            return escape_controls(result_text(excinfo.value.result))
        if isinstance(excinfo.value, ExpectedRefutation):
            # the strict xfail's report (shown only under --runxfail): the refutation, as a
            # mismatch is shown; never pytest's traceback, whose source lookup re-parses every
            # module of its frames for each refuted link (most of a plugin run's time)
            from .render.display import result_text
            from .render.formats import escape_controls
            parent = self.parent
            assert isinstance(parent, DerivationFile)
            return escape_controls(result_text(parent.results(self.equation_index)[self.link - 1]))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        eq = self.equation
        link = f" link {self.link}/{self.links}" if self.links > 1 else ""
        from .render.formats import escape_controls
        return self.path, eq.line - 1, escape_controls(f"{eq.label}{link} (line {eq.line})", newlines=False)


class FileErrorItem(pytest.Item):
    """A derivation file that cannot be checked (unreadable, or a broken network declaration)."""

    def __init__(self, *, error: str, bug: Exception | None = None, unread: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error
        self.bug = bug
        self.unread = unread  # a display not read, rather than a file that cannot be checked

    def runtest(self) -> None:
        if self.bug is not None:  # an internal error while loading: shown with its traceback
            raise RuntimeError("internal error while loading this derivation file, nothing is "
                               "claimed for it (a symbp bug: please report it)") from self.bug
        raise SymbpFileError(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, SymbpFileError):
            from .render.formats import escape_controls
            if self.unread:
                return escape_controls(f"a display of this derivation file is not read:\n{excinfo.value}")
            return escape_controls(f"this derivation file cannot be checked:\n{excinfo.value}")
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, "(file)"
