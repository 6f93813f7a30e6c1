"""Derivation files: LaTeX documents whose display equations are checked.

A derivation file is an ordinary LaTeX document.  Its display maths (``$$...$$``, ``\\[...\\]``,
``equation``, ``align``, ``flalign``, ``alignat``, ``gather``, ``eqnarray``, ``IEEEeqnarray`` and
``aligned`` blocks, starred or not, one equation per ``\\\\`` line, a line that starts with ``=``
or an operator continuing the one above; ``multline``, ``dmath`` and ``split`` one equation) are
the equations; a display environment that is not read is listed in ``Derivation.unread``, never
skipped in silence; inline ``$...$``, prose and comments are ignored.  Directives live in comments,
invisible to LaTeX::

    % symbp: network plain             start from a built-in network (plain, shared)
    % symbp: forward a_k = \\sum_j w_{kj} z_j   a forward equation of the network
    % symbp: forward                   the next display declares forward equations
    % symbp: index m = j_l             m runs over the units j_l (a composite index)
    % symbp: index q : j               q runs over the same range as j
    % symbp: params w, b               names of parameter families (default: w, b)
    % symbp: activation h = tanh       h is tanh (or logistic, sigmoid, softplus, exp, identity), not
                                       an undefined function
    % symbp: error sum-of-squares      E = 1/2 sum (y - t)^2 over the outputs, targets t
    % symbp: targets t sum to 1        the targets t_k of an error the forward pass defines sum to 1
                                       (or: one-hot); a verdict that needs it says so
    % symbp: class label y             a subscript y_i is the class of the example (CS231n's
                                       p_{y_i}), read through its one-hot target t (or: class
                                       label y, target u): symbp.engine.labels
    % symbp: expect refuted            the verdict expected for the next equation's links
                                       (one word for all links, or one word per link)
    % symbp: expect refuted vacuous-sum  ... and the diagnosis code expected (symbp.diagnoses)
    % symbp: expect verified vacuous-sum   ... and a warning it is expected to carry
    % symbp: label (5.53)              a label for the next equation
    % symbp: skip                      the next display is not checked
    % symbp: layers l = 1..L           the forward pass is written for a generic layer l of an
                                       L-layer network (w^l_{jk}, a^{l-1}_k): symbp.engine.generic
    % symbp: steps t = 1..T            ... for a generic step t of T (Graves's BPTT)
    % symbp: average x                 the error's sum over x is over the training inputs, each
                                       quantity that input's (Nielsen's eq. 57 on one line)
    % symbp: boundary b^0_h = s_h      a boundary other than the defaults (b^0 = 0, \\delta^{T+1} = 0,
                                       a^0 = x): symbp.engine.generic.read_boundary

Labels written in the equation are read too: ``\\tag{...}``, ``\\textcircled{1}`` and ``①``;
a trailing ``\\quad \\dots`` before a label, ``\\therefore``, ``&`` and the full stop or comma
that ends the sentence (``... \\delta_k.$$``) are layout.
Blanked-out layout keeps every offset, so messages point at the right line and column.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path

from .catalogue import ACTIVATION_KINDS, ERROR_KINDS
from .diagnoses import CODES
from .engine.declare import BUILTINS, declare, labelled_functions
from .engine.generic import MODES, Template, read_boundary, read_directive
from .engine.vector import LAYOUTS, Mismatch, needs_translation, shape_of, substitute, translate
from .errors import DeclarationError, InputError, LatexSyntaxError, Location, NotationError, locate
from .latex.ast import Chain, Node, Sym
from .latex.macros import definitions, expand
from .latex.parser import parse_chain, parse_expression
from .latex.unparse import unparse
from .model.network import Network
from .printable import Printable

__all__ = ["Derivation", "Equation", "derivation_files", "is_derivation_file", "label_key", "load",
           "loads", "deferred_translation", "strip_label"]

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
MAX_FILE_BYTES = 2_000_000
EXPECTABLE = ("verified", "verified-at-sizes", "refuted", "error")

_DIRECTIVE = re.compile(r"^[ \t]*%+[ \t]*(?i:symbp):[ \t]*(\S+)[ \t]*(.*?)[ \t]*$", re.M)
#: a directive line, in bytes: what makes a ``.tex`` file a derivation file
_DIRECTIVE_LINE = re.compile(rb"^[ \t]*%+[ \t]*(?i:symbp):", re.M)
_READ = ("equation", "align", "gather", "displaymath", "multline", "eqnarray", "flalign", "alignat",
         "xalignat", "xxalignat", "dmath", "IEEEeqnarray")
_DISPLAY_ENVS = tuple(e + star for e in _READ for star in ("", "*"))
#: the argument a display environment takes after \begin{...}: alignat's {n}, IEEEeqnarray's
#: [options]{columns}, dmath's [options]
_ENV_ARGS = {"alignat": r"\s*\{[^{}]*\}", "xalignat": r"\s*\{[^{}]*\}", "xxalignat": r"\s*\{[^{}]*\}",
             "IEEEeqnarray": r"\s*(\[[^\]]*\])?\s*\{[^{}]*\}", "dmath": r"(\s*\[[^\]]*\])?"}
#: environments of display maths that symbp does not read: each one found is reported
#: (``Derivation.unread``), never skipped in silence; so is any other environment whose name says
#: it is maths (``myalign``, ``subalign``), unless it only wraps displays (``subequations``)
_UNREAD_ENVS = ("empheq", "IEEEeqnarraybox", "darray", "dseries",
                "tikzcd", "CD", "subarray")
_MATHLIKE = re.compile(r"(?i)(align|equation|gather|multline|eqnarray|dmath|math)")
_WRAPPERS = ("subequations", "subeqnarray", "numcases")
_INNER = ("aligned", "alignedat", "gathered", "split", "multlined", "cases", "array", "matrix")


@dataclass
class Equation(Printable):
    """One display equation of a file (one line of an ``align``)."""

    file: str | None
    offset: int  # into the file text
    text: str  # the equation with layout blanked out (same length as the source span)
    label: str
    line: int
    column: int
    expected: list[str] | None = None
    chain: Chain | None = None
    error: InputError | None = None
    #: where the file's macros were expanded: for each character of the text that was read, its
    #: offset in ``text`` (``None``: read as written)
    where: list[int] | None = None
    #: an equation written with vectors and matrices, as written (``chain`` is then its index
    #: form, or ``None`` when the shapes do not fit: ``mismatch`` says how)
    written: Chain | None = None
    mismatch: Mismatch | None = None
    #: the vector chain that was translated: ``written`` with the algorithm's assignments
    #: (``g \\leftarrow ...``) substituted
    vector: Chain | None = None
    #: an assignment of an algorithm (``g \\leftarrow g \\odot f'(a)``): a definition, not a claim
    assignment: bool = False

    def expectation(self, link: int) -> str | None:
        """The verdict expected for link ``link`` (``None``: that it holds)."""
        word = self._expected(link)
        return word.split(" ", 1)[0] if word else None

    def expected_code(self, link: int) -> str | None:
        """The diagnosis code expected for link ``link`` (``expect refuted vacuous-sum``), if any."""
        word = self._expected(link)
        return word.split(" ", 1)[1] if word and " " in word else None

    def _expected(self, link: int) -> str | None:
        if not self.expected:
            return None
        if len(self.expected) == 1:
            return self.expected[0]
        return self.expected[link - 1] if link - 1 < len(self.expected) else None



class LineIndex:
    """Where each line of a text starts, built once: :meth:`locate` turns an offset into a
    :class:`~symbp.errors.Location` in logarithmic time (:func:`symbp.errors.locate` counts the
    lines before the offset, which for every equation of a long file is quadratic).

    >>> LineIndex("ab\\ncd", "f.tex").locate(4) == locate("ab\\ncd", 4, "f.tex")
    True
    """

    def __init__(self, text: str, file: str | None = None) -> None:
        self.text, self.file = text, file
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def locate(self, offset: int) -> Location:
        """The location of ``offset`` (clamped into the text), as :func:`symbp.errors.locate`."""
        text = self.text
        offset = max(0, min(offset, len(text)))
        k = bisect_right(self.starts, offset) - 1
        start = self.starts[k]
        end = self.starts[k + 1] - 1 if k + 1 < len(self.starts) else len(text)
        return Location(self.file, k + 1, offset - start + 1, text[start:end])


@dataclass
class Derivation(Printable):
    """A loaded derivation file: its network and its equations."""

    file: str | None
    text: str
    network: Network
    equations: list[Equation] = field(default_factory=list)
    #: the displays that were not read (environment, line, column): reported, never skipped in silence
    unread: list[Unread] = field(default_factory=list)
    #: the generic forward pass of a file written for a layer l (step t), whose equations are
    #: checked unrolled and by a window (:mod:`symbp.checker.generic`); ``network`` is then its
    #: unrolling to two layers
    generic: Template | None = None
    _lines: LineIndex | None = field(default=None, init=False, repr=False, compare=False)
    #: the claims loaded under :func:`deferred_translation` whose vector translation is still to be
    #: done (:meth:`complete`); one list shared by the copies ``dataclasses.replace`` makes
    _pending: list = field(default_factory=list, repr=False, compare=False)

    @property
    def lines(self) -> LineIndex:
        """The line index of :attr:`text` (built on first use)."""
        if self._lines is None or self._lines.text is not self.text:
            self._lines = LineIndex(self.text, self.file)
        return self._lines

    def complete(self) -> Derivation:
        """The derivation as :func:`load` gives it: the vector translations that
        :func:`deferred_translation` deferred done, once (checking a derivation calls this first)."""
        while self._pending:
            item, off, lines_of, file = self._pending.pop(0)
            _translate_claim(item, self.network, off, lines_of, self.text, file)
        return self


@dataclass
class Unread:
    """A display environment symbp does not read, where it stands."""

    env: str
    file: str | None
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.env} at {self.file or '<input>'}:{self.line}"



#: set by :func:`deferred_translation`: :func:`loads` defers the vector translation of single-link
#: claims
_DEFERRED: ContextVar[bool] = ContextVar("symbp_deferred_translation", default=False)


@contextmanager
def deferred_translation() -> Iterator[None]:
    r"""Within it, :func:`load` and :func:`loads` read a file as far as its items need (the
    equations, their links, labels and expectations, and every error the file has when loaded:
    the declaration is done), but defer the vector translation of each single-link claim written
    with vectors and matrices (which changes no item: one link, whatever it gives) to
    :meth:`Derivation.complete`: the pytest plugin's collection, under pytest-xdist repeated
    in every worker for every file.

    >>> text = "% symbp: network plain\n% symbp: vector d : J\n$$d = d$$"
    >>> with deferred_translation():
    ...     d = loads(text)
    >>> unparse(d.equations[0].chain.sides[0]), unparse(d.complete().equations[0].chain.sides[0])
    ('d', 'd_{j}')
    """
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def is_derivation_file(path: Path) -> bool:
    """Whether ``path`` is a derivation file: a ``.tex`` file with a ``% symbp:`` directive line
    (what ``symbp check`` looks for below a folder and the pytest plugin collects).

    >>> is_derivation_file(Path("derivations/weight_sharing.tex")), is_derivation_file(Path("README.md"))
    (True, False)
    """
    if path.suffix != ".tex":
        return False
    try:
        head = read_bounded(path, head=True)
    except (OSError, InputError):  # unreadable, or special (a FIFO would block)
        return False
    return _DIRECTIVE_LINE.search(head) is not None


def derivation_files(paths: list[str | Path]) -> tuple[list[Path], list[InputError]]:
    """The files to check, and a problem for each folder without any: a file as given; below a
    folder, every derivation file (sorted), so other LaTeX there (a paper, the ``.proof.tex``
    that ``symbp prove`` writes) is left alone."""
    files: list[Path] = []
    empty: list[InputError] = []
    for p in map(Path, paths):
        if not p.is_dir():
            files.append(p)
            continue
        found = sorted(x for x in p.rglob("*.tex") if x.is_file() and is_derivation_file(x))
        if not found:
            empty.append(InputError(
                "no derivation file in this folder (a .tex file with a '% symbp:' line)",
                location=Location(str(p), 0, 0),
                hint="declare the network in the file, e.g. '% symbp: network plain' or "
                     "'% symbp: forward a_j = \\sum_i w_{ji} z_i'"))
        files.extend(found)
    return files, empty


def read_bounded(p: Path, limit: int = MAX_FILE_BYTES, head: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (``head``: its first ``limit``
    bytes, whatever its size).  A FIFO, a device (``/dev/zero``)
    or a folder is refused before anything is read (reading one could block or never end); the
    size is checked before reading, and the read itself is bounded (a file that grows meanwhile).

    >>> read_bounded(Path("/dev/zero"))
    Traceback (most recent call last):
    ...
    symbp.errors.InputError: not a regular file (a character device): symbp reads only regular files
    hint: pass a .tex file
    """
    import os
    import stat

    st = p.stat()  # follows a symlink: the file it points to is what is read
    if not stat.S_ISREG(st.st_mode):
        kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                 (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
        kind = next((k for test, k in kinds if test(st.st_mode)), "a special file")
        raise InputError(f"not a regular file ({kind}): symbp reads only regular files",
                         hint="pass a .tex file")
    if st.st_size > limit and not head:
        raise InputError(f"file too large ({st.st_size} bytes; the limit is {limit})",
                         hint="split the derivation into several files")
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # never blocks, even if p changed
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # replaced between stat and open
            raise InputError("not a regular file: symbp reads only regular files", hint="pass a .tex file")
        data = f.read(limit + 1)
    if head:
        return data[:limit]
    if len(data) > limit:
        raise InputError(f"file too large (more than {limit} bytes)",
                         hint="split the derivation into several files")
    return data


def load(path: str | Path, network: Network | None = None) -> Derivation:
    """Read and parse a derivation file (the network is declared; nothing is checked yet);
    ``network`` is used when the file declares none (see :func:`loads`)."""
    p = Path(path)
    try:
        data = read_bounded(p)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         hint="check the path and its permissions").at("", str(path)) from None
    except InputError as exc:
        raise exc.at("", str(path)) from None
    if b"\x00" in data:
        raise InputError("this is a binary file, not LaTeX", hint="pass a .tex file").at("", str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        err = InputError(f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})", offset=0,
                         hint="save the file as UTF-8")
        prefix = data[:exc.start].decode("utf-8", "replace")
        err.location = locate(prefix + "?", len(prefix), str(path))
        raise err from None
    return loads(text, str(path), network)


def loads(text: str, file: str | None = None, network: Network | None = None) -> Derivation:
    """Parse derivation text (see the module docstring for the format).  ``network``, when
    given, is the network of a text that declares none (a student's submission graded against a
    reference derivation, :mod:`symbp.grading`); without it such a text is an error.

    >>> loads("$$a_j = a_j$$", network=loads("% symbp: network plain").network).equations[0].label
    '(1)'
    """
    defer = _DEFERRED.get()
    # layout that must not move offsets: a byte-order mark and carriage returns become spaces
    if text.startswith("\ufeff"):
        text = " " + text[1:]
    text = text.replace("\r\n", " \n")
    directives = [(m.start(), m.group(1).lower(), m.group(2), m.start(2)) for m in _DIRECTIVE.finditer(text)]
    blanked = _blank_comments(text)
    unread: list[tuple[int, str]] = []
    try:
        displays = list(_displays(blanked, unread))
    except InputError as exc:
        raise exc.at(text, file) from None
    starts = [d[0] for d in displays]  # displays are disjoint and in order: one index for all
    for pos, word, _, _ in directives:
        k = bisect_right(starts, pos) - 1  # the last display starting at or before pos
        if k >= 0 and displays[k][0] < pos < displays[k][2]:
            raise DeclarationError(f"the directive '{word}' stands inside a display, where it would "
                                   "have no effect", offset=pos,
                                   hint="put symbp directives on their own lines before the display"
                                   ).at(text, file)
    # -- the network
    base: dict | None = None
    forward: list[tuple[str, int]] = []
    aliases: dict[str, str] = {}
    composites: dict[str, str] = {}
    params, params_declared = ["w", "b"], False
    activations: dict[str, str] = {}
    error_kind: str | None = None
    error_name: str | None = None
    delta: str | None = None
    targets: dict[str, str] = {}
    labels: dict[str, str] = {}  # % symbp: class label y: the label's letter -> its one-hot target
    shapes: dict[str, tuple[str, ...]] = {}
    layout = LAYOUTS[0]
    generic: tuple[str, str, str] | None = None  # (mode, letter, depth): % symbp: layers l = 1..L
    boundaries: list[tuple[str, int]] = []  # % symbp: boundary b^0_h = s_h (read with the generic mode)
    conventions: dict[str, str] = {}  # the vector notation's: symbp.engine.vector.Conventions
    relations: list[str] = []
    padding: str | None = None
    average: str | None = None  # % symbp: average x: the cost's sum over x is over the inputs
    where: dict[tuple[str, str], int] = {}  # (directive, subject) -> offset, for messages
    pending_forward: list[int] = []
    for pos, word, arg, argpos in directives:
        if word == "network":
            name = arg.strip()
            if name not in BUILTINS:
                raise DeclarationError(f"unknown network {name!r}", offset=argpos,
                                       hint=f"built-in networks: {', '.join(BUILTINS)}").at(text, file)
            base = BUILTINS[name]
        elif word == "forward":
            if arg:
                forward.append((arg, argpos))
            else:
                pending_forward.append(pos)
        elif word == "index":
            m = re.fullmatch(r"(\\?[A-Za-z]+)\s*([=:])\s*(.+)", arg)
            if not m:
                raise DeclarationError("this index directive cannot be read", offset=argpos,
                                       hint="write '% symbp: index m = j_l' (composite) or "
                                       "'% symbp: index q : j' (same range as j)").at(text, file)
            letter = m.group(1).lstrip("\\")
            where[("index", letter)] = argpos
            if m.group(2) == "=":
                composites[letter] = m.group(3)
            else:
                aliases[letter] = m.group(3).strip().lstrip("\\")
        elif word == "params":
            params, params_declared = [x.strip() for x in arg.split(",") if x.strip()], True
        elif word == "activation":
            # h = tanh, and Ng's g^{[1]} = tanh (an activation per layer)
            m = re.fullmatch(r"\\?([A-Za-z]+(?:\^\{[\[(][A-Za-z0-9][\])]\})?)\s*=\s*([a-z-]+)", arg)
            if not m:
                raise DeclarationError("this activation directive cannot be read", offset=argpos,
                                       hint="write '% symbp: activation h = tanh' (or one of: "
                                            f"{', '.join(ACTIVATION_KINDS)})").at(text, file)
            if m.group(2) not in ACTIVATION_KINDS:
                raise DeclarationError(f"unknown activation {m.group(2)!r}", offset=argpos,
                                       hint=f"choose one of: {', '.join(ACTIVATION_KINDS)}").at(text, file)
            activations[m.group(1)] = m.group(2)
            where[("activation", m.group(1))] = argpos
        elif word == "error" and _ERROR_NAME.fullmatch(arg.strip()) and arg.strip() not in ERROR_KINDS:
            error_name = arg.strip().lstrip("\\")  # the error's name: % symbp: error C
        elif word == "targets":
            m = re.fullmatch(r"\\?([A-Za-z]+)(?:\s*_\s*(?:\{\s*[A-Za-z]\s*\}|[A-Za-z]))?"
                             r"\s+(sum to 1|one-hot)\s*", arg)
            if not m:
                raise DeclarationError("this targets directive cannot be read", offset=argpos,
                                       hint="write '% symbp: targets t sum to 1' (probabilities) or "
                                            "'% symbp: targets t one-hot'").at(text, file)
            targets[m.group(1)] = m.group(2)
            where[("targets", m.group(1))] = argpos
        elif word == "class":  # % symbp: class label y (, target u): CS231n's p_{y_i}
            m = re.fullmatch(r"label\s+([A-Za-z])(?:\s*,?\s*target\s+\\?([A-Za-z]+))?\s*", arg)
            if not m:
                raise DeclarationError("this class directive cannot be read", offset=argpos,
                                       hint="write '% symbp: class label y' (y_i is the class of the "
                                            "example, its one-hot target t) or '% symbp: class label y, "
                                            "target u'").at(text, file)
            labels[m.group(1)] = m.group(2) or "t"
            where[("class", m.group(1))] = argpos
        elif word == "delta":
            delta = arg.strip().lstrip("\\")
            where[("delta", delta)] = argpos
        elif word in MODES:
            read = read_directive(arg)
            if read is None or generic is not None:
                raise DeclarationError(f"this {word} directive cannot be read" if read is None else
                                       "a file declares one generic layer or step", offset=argpos,
                                       hint=f"write '% symbp: {word} "
                                            f"{'l = 1..L' if word == 'layers' else 't = 1..T'}'"
                                       ).at(text, file)
            generic = (word, *read)
        elif word == "boundary":
            boundaries.append((arg, argpos))
            where[("boundary", str(argpos))] = argpos
        elif word in ("vector", "matrix"):
            shapes.update(_shape_directive(word, arg, argpos, text, file))
        elif word == "size":  # a size linear in others: % symbp: size J = I - M + 1
            relations.append(arg.strip())
            where[("size", arg.strip())] = argpos
        elif word == "padding":  # what a family holds outside its range: % symbp: padding zero
            padding = arg.strip()
            if padding != "zero":
                raise DeclarationError(f"unknown padding {padding!r}", offset=argpos,
                                       hint="write '% symbp: padding zero' (a family is 0 outside "
                                            "its range), or bound the sums explicitly").at(text, file)
        elif word == "layout":
            layout = arg.strip()
            if layout not in LAYOUTS:
                raise DeclarationError(f"unknown layout {layout!r}", offset=argpos,
                                       hint=f"choose one of: {', '.join(LAYOUTS)} (the default: "
                                            f"\\partial C/\\partial W has the shape of W)").at(text, file)
        elif word in ("hadamard", "examples", "prefix"):
            conventions.update(_convention(word, arg, argpos, text, file))
            where[(word, "")] = argpos
        elif word == "error":
            error_kind = arg.strip()
            where[("error", "")] = argpos
            if error_kind not in ERROR_KINDS:
                raise DeclarationError(f"unknown error function {error_kind!r}", offset=argpos,
                                       hint=f"choose one of: {', '.join(ERROR_KINDS)}, or name the "
                                            "error: '% symbp: error C'").at(text, file)
        elif word == "average":  # % symbp: average x: Nielsen's C = -\frac{1}{n} \sum_x \sum_j [...]
            if not re.fullmatch(r"\s*[A-Za-z]\s*", arg):
                raise DeclarationError("this average directive cannot be read", offset=argpos,
                                       hint="write '% symbp: average x', x the letter of the sum over "
                                            "the training inputs").at(text, file)
            average = arg.strip()
            where[("average", "")] = argpos
        elif word not in ("expect", "label", "skip"):
            raise DeclarationError(f"unknown directive {word!r}", offset=argpos - len(word) - 1,
                                   hint="directives: network, forward, index, params, activation, "
                                        "error, targets, class, delta, vector, matrix, layout, layers, "
                                        "steps, boundary, hadamard, examples, prefix, size, padding, "
                                        "average, expect, label, skip").at(text, file)
    # displays marked "forward" declare the network
    forward_displays = set()
    for pos in pending_forward:
        k = bisect_right(starts, pos)
        nxt = displays[k] if k < len(displays) else None
        if nxt is None:
            raise DeclarationError("'% symbp: forward' is not followed by a display equation",
                                   offset=pos, hint="put the forward equations in a display after it, "
                                   "or write them on the line: '% symbp: forward a_j = ...'").at(text, file)
        forward_displays.add(nxt[0])
        try:
            forward_lines = _equations(blanked, nxt)
        except InputError as exc:
            raise exc.at(text, file) from None
        for off, eq, _ in forward_lines:
            forward.append((eq.strip(), off + len(eq) - len(eq.lstrip())))
    macros, bad_macros = definitions(blanked)
    if bad_macros:
        raise bad_macros[0].at(text, file)
    lines = list(base["forward"]) if base else []
    origin = [None] * len(lines)
    maps: list[list[int] | None] = [None] * len(lines)
    for s, off in forward:
        try:
            expanded, where_ = expand(strip_label(s)[0].strip(), macros)
        except InputError as exc:
            raise exc.at(text, file, off) from None
        lines.append(expanded)
        origin.append(off)
        maps.append(where_ if macros else None)
    ex = conventions.get("examples")
    batch = generic is not None and generic[0] == "layers"  # a generic layer's batch matrices: inferred
    if ex and not batch and not any(ex in shape for shape in shapes.values()):
        raise DeclarationError(f"no vector or matrix is declared with the range {ex} of the examples",
                               offset=where[("examples", "")],
                               hint=f"declare the batch matrices with a column per example: "
                                    f"'% symbp: matrix Z^{{[1]}} : J x {ex}'").at(text, file)
    for k, line in enumerate(lines):  # a forward pass written with vectors, in index notation
        lines[k] = _index_form(line, shapes, layout, text, file, origin[k], conventions)
    if base:
        for k, v in base.get("composites", {}).items():
            composites.setdefault(k, v)
    if not lines and network is not None:
        net = network
    elif not lines:
        raise DeclarationError("no network is declared",
                               offset=0, hint="add '% symbp: network plain' or "
                               "'% symbp: forward a_j = \\sum_i w_{ji} z_i' lines").at(text, file)
    if error_name is None and lines:
        error_name = _infer_error_name(text, blanked, [d for d in displays if d[0] not in forward_displays],
                                       lines, params)
    if average is not None:
        try:
            lines, origin, maps = _one_line_average(lines, origin, maps, average, error_name or "E",
                                                    where[("average", "")])
        except InputError as exc:
            raise exc.at(text, file) from None
    # a forward equation that cannot be read is reported, and the file checked without it
    unreadable: list[tuple[InputError, str, int]] = []
    template: Template | None = None
    if boundaries and generic is None:
        raise DeclarationError("a boundary is declared in a file without a generic layer or step",
                               offset=boundaries[0][1], hint="declare '% symbp: layers l = 1..L' or "
                               "'% symbp: steps t = 1..T' first").at(text, file)
    try:
        read_b = [read_boundary(*generic, arg, at) for arg, at in boundaries] if generic else []
    except InputError as exc:
        raise exc.at(text, file) from None
    if generic is not None and labels:  # the unrolling would rename the label's letters as units
        y = next(iter(labels))
        raise DeclarationError(f"a class label ({y}_i) is not read in a file of generic {generic[0]} yet",
                               offset=where[("class", y)],
                               hint=f"write the cost with the one-hot target {labels[y]} instead "
                                    f"(-\\ln a^{generic[2]}_{{{y}_i}} is -\\sum_k {labels[y]}_k "
                                    f"\\ln a^{generic[2]}_k), or unroll the layers by hand").at(text, file)
    if generic is not None and targets:
        # the unrolled networks are declared without them: taken silently the condition would be
        # ignored (a step that holds under it refuted)
        name = next(iter(targets))
        raise DeclarationError(
            f"a condition on the targets ('% symbp: targets {name} ...') is read in a file of one network, "
            f"not yet in a file of generic {generic[0]} "
            f"('% symbp: {generic[0]} {generic[1]} = 1..{generic[2]}')",
            offset=where[("targets", name)],
            hint="write the network's layers out, or leave the directive out").at(text, file)
    if generic is not None and lines:  # one template, unrolled where it is checked
        try:
            template = Template(*generic, list(lines), dict(
                aliases=aliases, composites=composites, params=params, activations=activations,
                error_kind=error_kind, error=error_name, delta=delta), boundaries=read_b,
                batch=(ex or "") if batch else "")
            net = template.network(2)
        except InputError as exc:
            k = exc.forward_index
            if k is not None and k < len(maps) and maps[k] and exc.offset is not None:
                exc.offset = maps[k][min(exc.offset, len(maps[k]) - 1)]  # type: ignore[index]
            raise _locate_declaration(exc, text, file, origin, where) from None
        lines = []
    while lines:  # no lines: the network given by the caller (a submission graded against a reference)
        try:
            net = declare(lines, name=Path(file).stem if file else "network", aliases=aliases,
                          composites=composites, params=params if params_declared else None,
                          activations=activations,
                          error_kind=error_kind, error=error_name, delta=delta, targets=targets,
                          sizes=relations, padding=padding, labels=labels or None)
            break
        except InputError as exc:
            k = exc.forward_index
            if k is not None and k < len(maps) and maps[k] and exc.offset is not None:
                exc.offset = maps[k][min(exc.offset, len(maps[k]) - 1)]  # type: ignore[index]
            located = _locate_declaration(exc, text, file, origin, where)
            # one forward equation's own error (a cycle is the network's): set that equation aside
            own = not (isinstance(exc, DeclarationError) and exc.family is not None)
            if (own and k is not None and k < len(origin)
                    and origin[k] is not None and len(lines) > 1 and len(unreadable) < MAX_UNREADABLE):
                unreadable.append((located, lines[k], origin[k]))  # type: ignore[arg-type]
                del lines[k], origin[k], maps[k]
                continue
            raise (unreadable[0][0] if unreadable else located) from None
    if shapes or layout != LAYOUTS[0]:
        net.shapes, net.layout = _with_delta_shapes(net, shapes), layout
    if conventions:
        if conventions.get("prefix") and conventions.get("of") != net.error_name:
            raise DeclarationError(f"the prefix {conventions['prefix']} names the gradient of "
                                   f"{conventions.get('of')}, but the error here is {net.error_name}",
                                   offset=where[("prefix", "")],
                                   hint=f"write '% symbp: prefix {conventions['prefix']} = \\partial "
                                        f"{net.error_name}', or name the error: '% symbp: error "
                                        f"{conventions.get('of')}'").at(text, file)
        if ex and conventions.get("prefix") and net.error_kind is not None:
            raise DeclarationError(f"with the examples in columns, {conventions.get('of')} is the mean "
                                   "over the examples of each one's loss; the error functions symbp knows "
                                   "are sums over every entry", offset=where[("examples", "")],
                                   hint=f"leave the error abstract: '% symbp: error {conventions.get('of')}'"
                                   ).at(text, file)
        net.conventions = conventions
    if template is not None and (conventions or layout != LAYOUTS[0]):  # every unrolled network
        template.dress(conventions=net.conventions, layout=layout)
    readings = _delta_readings(net, shapes) if shapes else None
    if readings is not None:  # a bare \delta in vector notation: which of these? (engine.vector asks)
        net.conventions = {**net.conventions, "delta": readings}
    # -- the equations
    deriv = Derivation(file, text, net, generic=template)
    lines_of = deriv.lines
    for exc, src, at in unreadable:
        loc = locate(text, at, file)
        deriv.equations.append(Equation(file, at, src, "(forward)", loc.line, loc.column, None, None, exc))
    for pos, env in unread:
        loc = locate(text, pos, file)
        deriv.unread.append(Unread(env, file, loc.line, loc.column))
    number = 0
    assigned: dict[str, Node] = {}  # an algorithm's assignments, in the order of the file
    assigned_shapes: dict[str, tuple[str, ...]] = {}
    dir_pos = [x[0] for x in directives]
    for i, d in enumerate(displays):
        if d[0] in forward_displays:
            continue
        # the directives between the previous display (of any kind) and this one
        prev_display_end = displays[i - 1][2] if i else -1
        mine = directives[bisect_right(dir_pos, prev_display_end):bisect_left(dir_pos, d[0])]
        words = {w: a for _, w, a, _ in mine}
        if "skip" in words:
            continue
        expected = None
        if "expect" in words:
            expected = _with_codes(words["expect"].replace(",", " ").split())
            bad = [w for w in expected if w.split(" ", 1)[0] not in EXPECTABLE]
            if bad:
                pos = next(p for p in mine if p[1] == "expect")[3]
                raise DeclarationError(f"unknown expectation {bad[0]!r}", offset=pos,
                                       hint=f"expect one of: {', '.join(EXPECTABLE)}").at(text, file)
        try:
            lines = [(off, eq, lab) for off, eq, lab in _equations(blanked, d) if eq.strip()]
        except InputError as exc:  # the display cannot be split into equations: one error for it
            number += 1
            loc = locate(text, d[0], file)
            item = Equation(file, d[0], text[d[0]:d[2]], words.get("label") or f"({number})",
                            loc.line, loc.column, expected, error=exc.at(text, file))
            deriv.equations.append(item)
            continue
        items: list[Equation] = []
        later: list[tuple[Equation, int]] = []  # claims whose vector translation is deferred
        for off, eq, label in lines:
            number += 1
            label = words.get("label") or label or f"({number})"
            lead = len(eq) - len(eq.lstrip())
            loc = lines_of.locate(off + lead)
            item = Equation(file, off, eq, label, loc.line, loc.column, expected)
            items.append(item)
            try:
                read, item.where = expand(eq, macros) if macros else (eq, None)
                item.chain = parse_chain(read, net.functions) if template is None else template.parse(read)
                if not item.chain.rels:
                    raise LatexSyntaxError("no '=' or '\\equiv': nothing to check", offset=lead,
                                           code="nothing-to-check",
                                           hint="write an equation, or mark the display "
                                                "'% symbp: skip'")
                known = {**net.shapes, **assigned_shapes}  # g has the shape of its value
                if item.chain.rels[0] == "\\leftarrow":
                    item.assignment = True
                    name = _assigned_name(item.chain, net)
                    rhs = Chain((item.chain.sides[1],), ())
                    if known and needs_translation(rhs, known):
                        fits = translate(rhs, known, net.layout, net.range_letter, net.conventions)
                        if isinstance(fits, Mismatch):  # a slip in the assignment: refuted here
                            if fits.suggestion is not None:
                                fits = replace(fits, suggestion=f"{unparse(item.chain.sides[0])} "
                                                                f"\\leftarrow {fits.suggestion}")
                            item.assignment, item.mismatch = False, fits
                            item.written, item.chain = item.chain, None
                            continue
                    assigned[name] = substitute(item.chain.sides[1], assigned)
                    shape = shape_of(item.chain.sides[1], known, net.layout, net.conventions)
                    if shape is not None:
                        assigned_shapes[name] = shape
                    else:
                        assigned_shapes.pop(name, None)
                    continue
                original = item.chain
                if assigned and len(original.rels) == 1 and needs_translation(original, known):
                    first = translate(original, known, net.layout, net.range_letter, net.conventions)
                    if isinstance(first, Mismatch):  # worded with the names written (g)
                        item.written, item.mismatch, item.chain = original, first, None
                        continue
                if assigned:
                    item.chain = Chain(tuple(substitute(x, assigned) for x in item.chain.sides),
                                       item.chain.rels)
                if template is None and needs_translation(item.chain, net.shapes):  # generic: per depth
                    item.written, item.vector = original, item.chain
                    if defer and len(item.chain.rels) == 1:  # translated when checked
                        later.append((item, off))
                    else:
                        _translate_claim(item, net, off, lines_of, text, file)
            except InputError as exc:
                _claim_error(item, exc, off, lines_of, text, file)
        number -= sum(it.assignment for it in items)  # an assignment is no numbered claim
        items = [it for it in items if not it.assignment]
        # a translation deferred (deferred_translation) changes no item: one link either way; done now
        # where the per-link expectations or a forward equation set aside read the translated chain
        if later and (unreadable or (expected is not None and len(expected) == len(items) > 1)):
            for item, off in later:
                _translate_claim(item, net, off, lines_of, text, file)
            later.clear()
        deriv._pending += [(item, off, lines_of, file) for item, off in later]
        later.clear()
        if unreadable:
            for item in items:
                if item.chain is not None and _depends_on(item.chain, net, [u[1] for u in unreadable]):
                    exc0, _, at0 = unreadable[0]
                    loc0 = locate(text, at0, file)
                    item.error = DeclarationError(
                        f"this equation depends on the forward equation at line {loc0.line}, which "
                        f"cannot be read ({exc0.message})", offset=0,
                        hint="fix that forward equation; the equations that do not depend on it are "
                             "checked").at(text, file, item.offset)
        # "expect A B" is one word per link; it is one word per line only when the display has
        # that many lines and each of them is a single link
        if (expected is not None and len(expected) == len(items) > 1
                and all(it.chain is not None and len(it.chain.rels) == 1 for it in items)):
            for it, word in zip(items, expected):
                it.expected = [word]
        deriv.equations.extend(items)
    return deriv


def _translate_claim(item: Equation, net: Network, off: int, lines_of: LineIndex, text: str,
                     file: str | None) -> None:
    """A claim written with vectors and matrices in index notation (``item.chain``), or its
    :class:`Mismatch`, or the error that says why it cannot be read."""
    assert item.chain is not None
    try:
        index_form = translate(item.chain, net.shapes, net.layout, net.range_letter, net.conventions)
    except InputError as exc:
        _claim_error(item, exc, off, lines_of, text, file)
        return
    if isinstance(index_form, Mismatch):
        item.chain, item.mismatch = None, index_form
    else:
        item.chain = index_form


def _claim_error(item: Equation, exc: InputError, off: int, lines_of: LineIndex, text: str,
                 file: str | None) -> None:
    """``exc`` as the error of the equation ``item`` at ``off``, located in the file's text."""
    if item.where and exc.offset is not None:
        exc.offset = item.where[min(exc.offset, len(item.where) - 1)]
    if exc.location is None and exc.offset is not None:
        exc.location = lines_of.locate(off + exc.offset)
    item.error = exc.at(text, file, off)


_SHAPE = re.compile(r"(.+?)\s*:\s*([A-Za-z])(?:\s*(?:x|\\times|×)\s*([A-Za-z]))?\s*")


def _shape_directive(word: str, arg: str, argpos: int, text: str, file: str | None
                     ) -> dict[str, tuple[str, ...]]:
    """``vector z, \\mathbf{b}^{(1)} : J`` or ``matrix W : J x I``: each name's shape."""
    m = _SHAPE.fullmatch(arg)
    if not m or (word == "vector") != (m.group(3) is None):
        raise DeclarationError(f"this {word} directive cannot be read", offset=argpos,
                               hint="write '% symbp: vector z, a, b : J' or '% symbp: matrix W : J x I' "
                                    "(the sizes as capital letters)").at(text, file)
    out = {}
    for name in m.group(1).split(","):
        try:
            node = parse_expression(name.strip(), ())
        except InputError:
            node = None
        if not isinstance(node, Sym) or node.groups:
            raise DeclarationError(f"{name.strip()!r} is not a name to declare as a {word}", offset=argpos,
                                   hint="name each symbol as the equations write it, without "
                                        "indices: z, \\mathbf{a}^{(1)}, W^{(2)}").at(text, file)
        out[node.name] = tuple(g.upper() for g in m.groups()[1:] if g)
    return out


def _index_form(line: str, shapes: dict[str, tuple[str, ...]], layout: str, text: str, file: str | None,
                at: int | None, conventions: dict[str, str] | None = None) -> str:
    """A forward equation in vector notation, written in index notation (others as they are)."""
    functions = {f for f in re.findall(r"\\?([A-Za-z]+)'*\s*\(", line) if f not in ("left", "right")}
    functions |= labelled_functions(line) - set(shapes)  # g^{[1]}(Z^{[1]}): Ng's activation of a layer
    try:
        chain = parse_chain(line, functions)
    except InputError:
        return line  # the declaration reports it
    if not needs_translation(chain, shapes):
        return line
    try:
        out = translate(chain, shapes, layout, conventions=conventions)
    except InputError as exc:  # vector notation without declarations
        raise (exc.at(text, file, at) if at is not None else exc) from None
    if isinstance(out, Mismatch):
        exc = DeclarationError(f"the shapes of this forward equation do not fit: {out.message}",
                               offset=out.pos, width=max(1, out.end - out.pos),
                               hint="declare each vector and matrix with its sizes: "
                                    "'% symbp: vector z : J', '% symbp: matrix W : J x I'")
        raise (exc.at(text, file, at) if at is not None else exc)
    return " = ".join(unparse(s) for s in out.sides)


_CONVENTIONS = {
    "hadamard": (re.compile(r"\*"), "'% symbp: hadamard *' (* is the elementwise product)"),
    "examples": (re.compile(r"([A-Z])\s*:\s*([a-z])"),
                 "'% symbp: examples M : m' (the examples in the columns, range M, their number m)"),
    "prefix": (re.compile(r"([a-z])\s*=\s*\\partial\s*(\\?[A-Za-z]+|\\mathcal\{[A-Z]\})"),
               "'% symbp: prefix d = \\partial J' (dZ is the gradient of J by Z, Ng's notation)"),
}


def _convention(word: str, arg: str, argpos: int, text: str, file: str | None) -> dict[str, str]:
    """``hadamard *``, ``examples M : m``, ``prefix d = \\partial J``: the conventions of the vector
    notation a file declares (:data:`symbp.engine.vector.Conventions`).

    >>> _convention("examples", "M : m", 0, "", None)
    {'examples': 'M', 'size': 'm'}
    """
    rx, example = _CONVENTIONS[word]
    m = rx.fullmatch(arg.strip())
    if not m:
        raise DeclarationError(f"this {word} directive cannot be read", offset=argpos,
                               hint=f"write {example}").at(text, file)
    if word == "hadamard":
        return {"hadamard": "*"}
    if word == "examples":
        return {"examples": m.group(1), "size": m.group(2)}
    return {"prefix": m.group(1), "of": m.group(2).lstrip("\\")}


def _assigned_name(chain: Chain, net: Network) -> str:
    """The name an assignment ``g \\leftarrow ...`` defines: a symbol without indices that is no
    family of the network."""
    lhs = chain.sides[0]
    if not isinstance(lhs, Sym) or lhs.groups or net.named(lhs.name) or lhs.name == net.error_name:
        raise NotationError("an assignment defines a new name without indices: g \\leftarrow ...",
                            offset=lhs.pos, width=max(1, lhs.end - lhs.pos),
                            hint="assign to a name that is not a quantity of the network, "
                                 "such as g in Goodfellow's algorithm 6.4")
    return lhs.name


def _with_delta_shapes(net: Network, shapes: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The declared shapes and those of ``\\delta``: a labelled ``\\delta^{(2)}`` has the shape of
    the vector of that label whose \\delta it is (its pre-activation); an unlabelled ``\\delta``,
    where it can stand for one family only (:meth:`Network.delta_families`), that family's shape
    (Nielsen's ``\\delta = \\nabla_a C \\odot \\sigma'(z)`` in a network of one layer)."""
    out = dict(shapes)
    for fam in net.families:
        name = fam.name
        if net.has_delta(fam.id) and name in shapes and "^" in name:
            out.setdefault("delta^" + name.partition("^")[2], shapes[name])
    cands = net.delta_families()
    if len(cands) == 1 and cands[0].name in shapes:
        out.setdefault("delta", shapes[cands[0].name])
    return out


def _delta_readings(net: Network, shapes: dict[str, tuple[str, ...]]) -> str | None:
    """The families an unlabelled ``\\delta`` may stand for in vector notation, where there are
    several and one of them is a declared vector or matrix (``z^{(1)}, z^{(2)}``): a bare
    ``\\delta`` there is an error asking for its label (:data:`symbp.engine.vector.Conventions`)."""
    cands = net.delta_families()
    if "delta" in shapes or len(cands) < 2 or not any(f.name in shapes for f in cands):
        return None
    return ", ".join(dict.fromkeys(f.name for f in cands))


def _with_codes(words: list[str]) -> list[str]:
    """``refuted vacuous-sum verified`` -> ``['refuted vacuous-sum', 'verified']``: a diagnosis
    code belongs to the verdict before it."""
    out: list[str] = []
    for w in words:
        if w in CODES and out and " " not in out[-1]:
            out[-1] += " " + w
        else:
            out.append(w)
    return out


#: at most this many unreadable forward equations are set aside before the file is given up
MAX_UNREADABLE = 8


def _locate_declaration(exc: InputError, text: str, file: str | None, origin: list,
                        where: dict) -> InputError:
    """The declaration error at the forward equation (or directive) it comes from."""
    k = exc.forward_index
    subject = exc.subject if isinstance(exc, DeclarationError) else None
    at = origin[k] if k is not None and k < len(origin) else where.get(subject)
    if at is not None:
        exc.location = None
        if k is None or exc.offset is None:  # the directive, or the whole forward equation
            exc.offset = 0
        return exc.at(text, file, at)
    exc.offset = None
    return exc.at(text, file)


def _depends_on(chain, net, broken: list[str]) -> bool:  # noqa: ANN001
    """Whether an equation may depend on forward equations that could not be read: it involves
    the error or a ``\\delta`` (which depend on the whole forward pass), a family they define, or
    a family computed from one (the other families' definitions do not involve them)."""
    from .latex.ast import Sym
    names = {m.group(1) for src in broken if (m := re.match(r"\s*\\?([A-Za-z]+)", src))}
    names |= {f.name for f in net.families
              if any(net.families[a].name in names for a in net.ancestors.get(f.id, ()))}
    for side in chain.sides:
        for n in side.walk():
            if isinstance(n, Sym) and (n.name in ("delta", net.error_name) or n.name in names):
                return True
    return False


#: a name the error may have: E, C, J, L, O, \\ell (the directive ``% symbp: error C``)
_ERROR_NAME = re.compile(r"\\?[A-Za-z]|\\ell|\\mathcal\{[A-Z]\}")
#: the numerator of a derivative of a bare name: \frac{\partial C}{...}, \frac{\partial E_n}{...}
_DERIVATIVE_OF = re.compile(r"\\frac\s*\{\s*\\partial\s*(\\mathcal\s*\{\s*[A-Z]\s*\}|\\?[A-Za-z]+)"
                            r"\s*(?:_\s*(\{[^{}]*\}|[A-Za-z]))?\s*\}")


def _one_line_average(lines: list[str], origin: list, maps: list, letter: str, error: str,
                      at: int) -> tuple[list[str], list, list]:
    """Under ``% symbp: average x``: the error defined in one line with a sum over the training
    inputs ``x`` that its summand does not name (Nielsen's eq. 57, ``C = -\\frac{1}{n} \\sum_x
    \\sum_j [y_j \\ln a^L_j + \\dots]``, each quantity that input's) written as the two lines the
    average is read from: one input's cost ``C_x = \\sum_j [\\dots]`` and ``C = -\\frac{1}{n}
    \\sum_x C_x``.  Without the directive the line is an error (read as written it is the number
    of inputs times one input's cost).

    >>> eq57 = r"C = \\frac{1}{2n} \\sum_x \\sum_j (a_j - y_j)^2"
    >>> lines, _, _ = _one_line_average([r"a_j = \\sigma(z_j)", eq57], [None] * 2, [None] * 2, "x", "C", 0)
    >>> lines[1:]
    ['C_x = \\\\frac{1}{2} \\\\sum_j (a_j - y_j)^2', 'C = \\\\frac{1}{n} \\\\sum_x C_x']
    """
    from .latex.ast import SumOp

    def mask(text: str) -> str:
        return re.sub(r"\^(\{[^{}]*[A-Za-z][^{}]*\}|[A-Za-z])", lambda m: " " * len(m.group(0)), text)

    for k, line in enumerate(lines):
        # the structure read with the superscripts blanked (a^L_j, w^{l+1}: layers the template
        # reads later, not powers), the text cut from the line itself at the nodes' offsets
        masked = mask(line)
        functions = {f for f in re.findall(r"\\?([A-Za-z]+)'*\s*\(", line) if f not in ("left", "right")}
        try:
            chain = parse_chain(masked, functions)
        except InputError:
            continue
        lhs = chain.sides[0]
        if len(chain.sides) != 2 or not (isinstance(lhs, Sym) and lhs.name == error and not lhs.groups):
            continue
        sums = [n for n in chain.sides[1].walk() if isinstance(n, SumOp) and n.index == letter]
        if len(sums) != 1 or letter in sums[0].body.index_letters() or sums[0].lower is not None \
                or sums[0].upper is not None:
            raise DeclarationError(f"'% symbp: average {letter}' asks for one sum over {letter} without "
                                   f"bounds in the error's equation, whose summand does not name {letter}",
                                   offset=at, hint=f"write {error} = \\frac{{1}}{{n}} "
                                                   f"\\sum_{letter} \\sum_j ...")
        (over,) = sums
        part = f"{error}_{letter}"
        scale = _average_scale(chain.sides[1], over)
        if scale is None:
            raise DeclarationError(
                f"under '% symbp: average {letter}' the error's equation is a number over n times the sum "
                f"over {letter}: {error} = \\frac{{1}}{{n}} \\sum_{letter} ...", offset=at,
                hint=f"write it so (-\\frac{{1}}{{n}}, \\frac{{1}}{{2n}} are read), or one input's cost and "
                     f"the average: {part} = ... and {error} = \\frac{{1}}{{n}} \\sum_{letter} {part}")
        size, coefficient = scale
        # one input's cost carries the number before the average's 1/n (Nielsen's -1, 1/2)
        one = f"{part} = {coefficient}{_closed(line[over.body.pos:])}"
        total = f"{line[:lhs.end].strip()} = \\frac{{1}}{{{size}}} \\sum_{letter} {part}"
        return ([*lines[:k], one, total, *lines[k + 1:]],
                [*origin[:k], origin[k], origin[k], *origin[k + 1:]], [*maps[:k], None, None, *maps[k + 1:]])
    raise DeclarationError(f"'% symbp: average {letter}' is declared, and no forward equation defines "
                           f"the error {error} with a sum over {letter}", offset=at,
                           hint=f"define the error in the forward pass: {error} = \\frac{{1}}{{n}} "
                                f"\\sum_{letter} ..., or drop the directive")


def _closed(text: str) -> str:
    """The summand's text to the line's end without the closing brackets of a group opened before
    it (audit7: ``\\frac{1}{n} \\left[\\sum_x \\sum_j ...\\right]`` made ``C_x = \\sum_j ...\\right]``,
    an error quoting a forward equation the file does not write).

    >>> _closed(r"\\sum_j (a_j - y_j)^2\\right] ")
    '\\\\sum_j (a_j - y_j)^2'
    >>> _closed(r"\\sum_j [y_j \\ln a_j]")
    '\\\\sum_j [y_j \\\\ln a_j]'
    """
    text = text.strip()
    while text.count("(") + text.count("[") < text.count(")") + text.count("]"):
        m = re.search(r"(?:\\right\s*)?[)\]]$", text)
        if m is None:
            break
        text = text[:m.start()].rstrip()
    return text


def _average_scale(rhs: Node, over: Node) -> tuple[str, str] | None:
    """``(n, c)`` where ``rhs`` is ``\\frac{a}{b n} \\sum_x S`` (or its negative), the sum ``over``
    last, ``c`` the text of the number ``a / b`` before one input's cost (``''`` for 1, ``-``,
    ``\\frac{1}{2} ``); else ``None``."""
    from .latex.ast import Div, Mul, Neg, Num

    sign = ""
    if isinstance(rhs, Neg):
        sign, rhs = "-", rhs.arg
    if not (isinstance(rhs, Mul) and len(rhs.factors) == 2 and rhs.factors[1] is over
            and isinstance(rhs.factors[0], Div) and isinstance(rhs.factors[0].num, Num)):
        return None
    num, den = rhs.factors[0].num.value, rhs.factors[0].den
    factor = 1
    if isinstance(den, Mul) and len(den.factors) == 2 and isinstance(den.factors[0], Num):
        factor, den = den.factors[0].value, den.factors[1]
    if not (isinstance(den, Sym) and not den.groups and len(den.name) == 1):
        return None
    if num == factor:
        return den.name, sign
    if factor == 1:
        return den.name, f"{sign}{num} "
    return den.name, f"{sign}\\frac{{{num}}}{{{factor}}} "


def _infer_error_name(text: str, blanked: str, displays: list, forward: list[str], params: list[str]) -> str:
    """The error's name, where the file does not declare it: the one name that derivatives are
    taken of (``\\frac{\\partial C}{\\partial b_j}``), that no forward equation defines or uses,
    and that is a capital letter, ``\\ell`` or ``\\mathcal{L}`` (a lower-case letter may be a
    slip: ``% symbp: error q`` says it is not); ``E`` where there is none, or several (then each
    is an input error naming the directive)."""
    used = {m.group(1) for src in forward for m in re.finditer(r"\\?([A-Za-z]+)", src)}
    found: set[str] = set()
    for d in displays:
        for m in _DERIVATIVE_OF.finditer(blanked, d[0], d[2]):
            name = re.sub(r"\s+", "", m.group(1)).lstrip("\\")
            if name == "partial" or name in params or (name in used and name != "E"):
                continue
            if not (name.isupper() and len(name) == 1) and name != "ell" and not name.startswith("mathcal{"):
                continue  # a lower-case letter is more likely a slip than an error's name
            found.add(name)
    return found.pop() if len(found) == 1 else "E"


# ----------------------------------------------------------------------------------------------
# layout, with offsets kept


def _blank(s: str, start: int, end: int) -> str:
    return s[:start] + "".join(c if c == "\n" else " " for c in s[start:end]) + s[end:]


def _escaped(s: str, k: int) -> bool:
    """Whether ``s[k]`` is escaped: an odd number of backslashes right before it (``\\$`` is
    an escaped dollar, ``\\\\$`` a line break followed by one)."""
    n = 0
    while k - n - 1 >= 0 and s[k - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _blank_comments(text: str) -> str:
    out = []
    for line in text.split("\n"):
        cut = next((k for k, c in enumerate(line) if c == "%" and not _escaped(line, k)), None)
        out.append(line if cut is None else line[:cut] + " " * (len(line) - cut))
    return "\n".join(out)


_OPENER = re.compile(r"\$\$|\\\[|\\begin\{([A-Za-z@]+\*?)\}|\$")


def _displays(blanked: str, unread: list[tuple[int, str]] | None = None):  # noqa: ANN202
    """(start, body_start, end, body_end, environment) of each display; a display environment
    that is not read is appended to ``unread`` as (offset, environment)."""
    pos = 0
    while True:
        m = _OPENER.search(blanked, pos)
        if m is None:
            return
        tok = m.group(0)
        # a $ or \[ preceded by a backslash that is itself not escaped is text (\$, \\[1ex])
        if _escaped(blanked, m.start()):
            pos = m.start() + 1
            continue
        env = m.group(1)
        if env is not None and env not in _DISPLAY_ENVS:
            base = env.rstrip("*")
            if env == "math":  # inline maths, like $...$
                close = blanked.find("\\end{math}", m.end())
                pos = len(blanked) if close < 0 else close + len("\\end{math}")
            elif env in _UNREAD_ENVS or (_MATHLIKE.search(base) and base not in _WRAPPERS
                                       and base not in _INNER):
                close = blanked.find("\\end{" + env + "}", m.end())
                if unread is not None:
                    unread.append((m.start(), env))
                pos = len(blanked) if close < 0 else close + len(env) + 6
            else:
                pos = m.end()
            continue
        body = m.end()
        if env is not None and env.rstrip("*") in _ENV_ARGS:
            arg = re.compile(_ENV_ARGS[env.rstrip("*")]).match(blanked, body)
            if arg is not None:
                body = arg.end()
        if tok == "$":  # inline maths: skip to its end
            close = _find_unescaped(blanked, "$", m.end())
            pos = len(blanked) if close < 0 else close + 1
            continue
        if tok == "$$":
            close, closer = _find_unescaped(blanked, "$$", m.end()), "$$"
        elif tok == "\\[":
            close, closer = _find_unescaped(blanked, "\\]", m.end()), "\\]"
        else:
            closer = "\\end{" + m.group(1) + "}"
            close = blanked.find(closer, m.end())
        if close < 0:
            raise LatexSyntaxError(f"{tok} is never closed", offset=m.start(),
                                   hint=f"add {closer}")
        yield (m.start(), body, close + len(closer), close, m.group(1) or tok)
        pos = close + len(closer)


def _find_unescaped(s: str, needle: str, start: int) -> int:
    """The next ``needle`` whose first character is not escaped (-1 if none)."""
    while True:
        k = s.find(needle, start)
        if k < 0 or not _escaped(s, k):
            return k
        start = k + 1


_LAYOUT = re.compile(
    r"\\left\s*\.|\\right\s*\\\}|\\right\s*\.|\\begin\{(aligned|gathered)\}(\[[a-z]\])?"
    r"|\\begin\{alignedat\}(\[[a-z]\])?\{[^{}]*\}|\\end\{(aligned|gathered|alignedat)\}"
    r"|\\nonumber|\\notag|\\IEEEnonumber|\\IEEEyesnumber|\\label\{[^{}]*\}|&")
_SPLIT = re.compile(r"\\begin\{split\}(.*?)\\end\{split\}", re.S)
# a line break: \\, \\*, with an optional [spacing].  amsmath (align, gather, multline, flalign,
# alignat, aligned inside any display) takes the [ only right after \\ or \\*: "\\" then a space or
# a line break then "[j = k] ..." is typeset, so it is maths; the kernel's eqnarray skips spaces
# before the bracket, so there it is the spacing
_BREAK = re.compile(r"\\\\\*?(\[[^\]]*\])?|\\(?:short)?intertext\{(?:[^{}]|\{[^{}]*\})*\}")
_KERNEL_BREAK = re.compile(r"\\\\\*?(\s*\[[^\]]*\])?|\\(?:short)?intertext\{(?:[^{}]|\{[^{}]*\})*\}")
#: where IEEEeqnarray's \\ takes its [spacing] is not known here: a bracket after a space is an error
_SPACED_BRACKET = re.compile(r"\\\\\*?\s+\[")
# a line that continues the one above: it starts with a relation or a binary operator
_CONTINUES = re.compile(r"\s*(=|\\equiv\b|\+|-|\\times\b|\\cdot\b)")


def _equations(blanked: str, display: tuple) -> list[tuple[int, str, str | None]]:
    """The equations of a display, as (offset, text, label) with layout and labels blanked.
    Lines are split at ``\\\\`` (and ``\\intertext``), except inside ``split`` and
    ``multline`` (one equation); a line that starts with a relation or an operator
    (``&= ...``, ``&\\quad + ...``) continues the equation above it, keeping that one's label.

    Only the display's body is copied and blanked (in place, as a list of characters), so a
    file costs time in proportion to its length, however many displays it has."""
    start, body, end, body_end, env = display
    src = blanked[body:body_end]  # offsets below are into the body; ``body`` is added at the end
    buf = list(src)
    brk = _KERNEL_BREAK if env.startswith("eqnarray") else _BREAK
    if env.startswith("IEEEeqnarray"):
        bad = _SPACED_BRACKET.search(src)
        if bad is not None:
            raise LatexSyntaxError("a '[' after '\\\\' and a space: the spacing of the line break, "
                                   "or maths?", offset=body + bad.end() - 1,
                                   hint="write {[} for a bracket that is maths, or \\\\[2pt] without "
                                        "a space for spacing")

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if buf[k] != "\n":
                buf[k] = " "

    for m in _LAYOUT.finditer(src):
        blank(m.start(), m.end())
    whole = [(m.start(), m.end()) for m in _SPLIT.finditer(src)]
    if env.startswith(("multline", "dmath")):
        whole.append((0, len(src)))
    for a, b in whole:
        s = "".join(buf)
        for m in brk.finditer(s, a, b):
            blank(m.start(), m.end())
        if s.startswith("\\begin{split}", a):
            blank(a, a + len("\\begin{split}"))
        k = s.find("\\end{split}", a, b + 1)
        if k >= 0:
            blank(k, k + len("\\end{split}"))
    s = "".join(buf)
    out: list[tuple[int, int]] = []
    pos = 0
    for m in brk.finditer(s):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(s)))
    if env.rstrip("*") in _COLUMNS:
        for a, b in out:
            _one_equation_per_line(src, a, b, body)
    merged: list[tuple[int, int, str | None]] = []
    for a, b in out:
        seg, label = strip_label("".join(buf[a:b]))
        buf[a:b] = seg
        if merged and _CONTINUES.match(_strip_layout(seg)):
            pa, pb, plabel = merged[-1]
            blank(pb, a)  # the line break between them
            merged[-1] = (pa, b, plabel or label)
        else:
            merged.append((a, b, label))
    return [(body + a, "".join(buf[a:b]), label) for a, b, label in merged]


#: environments whose lines may hold several equations side by side, in pairs of columns
_COLUMNS = ("align", "flalign", "alignat", "xalignat", "xxalignat")


def _one_equation_per_line(src: str, a: int, b: int, base: int) -> None:
    """An error if the line ``src[a:b]`` holds a second equation in a further pair of columns
    (``a &= b & c &= d``: LaTeX typesets two equations; symbp reads one per line); ``base`` is
    the offset of ``src`` in the file."""
    seg = src[a:b]
    if "\\begin" in seg:
        return
    amps = [k for k, c in enumerate(seg) if c == "&" and not _escaped(seg, k)]
    if len(amps) >= 2 and re.search(r"=|\\equiv", seg[amps[1]:]):
        raise LatexSyntaxError("this line holds two equations side by side (in two pairs of columns); "
                               "symbp reads one equation per line", offset=base + a + amps[1],
                               hint="put each equation on its own line (end the first with \\\\)")


def _strip_layout(seg: str) -> str:
    """The line without leading spacing commands (``&\\quad + ...`` starts with ``+``)."""
    return re.sub(r"^(\s|\\quad|\\qquad|\\,|\\;|\\:|\\!)*", "", seg)


_LABEL = re.compile(
    r"(\\quad|\\qquad|\\,|\\;|\s)*(\\dots|\\ldots|\\cdots|\\cdot\\cdot\\cdot|\.\.\.)?\s*"
    r"(\\tag\*?\{(?P<tag>(?:[^{}]|\{[^{}]*\})*)\}"
    r"|\\text\{\s*\\textcircled\{(?P<tc2>\d+)\}\s*\}"
    r"|\\textcircled\{(?P<tc>\d+)\}"
    r"|\\text\{\s*\((?P<txt>[^(){}$]+)\)\s*\}"  # \qquad \text{(BP1)}
    # \quad (\mathrm{BP3}): text, a label
    r"|(?<=quad)\s*\(\s*\\(?:mathrm|text|textrm|textup)\{\s*(?P<rm>[A-Za-z0-9.]+)\s*\}\s*\)"
    r"|(?<=quad)\s*\((?P<bare>[A-Z]+\d+[a-z]?)\)"  # \quad (BP3): a label, unless a factor too
    r"|\((?P<num>\d+(?:\.\d+)*[a-z]?)\)"  # an equation number typed by hand: (5.53)
    r"|(?P<uc>[" + CIRCLED + r"]))\s*$")


#: the punctuation that ends a display in running text (``..., \\]`` or ``... .$$``), not ``\\,``
_END_PUNCT = re.compile(r"(?<!\\)[.,;](\s|\\quad|\\qquad|\\,|\\;|\\:|\\!)*$")


def _blank_end_punct(eq: str) -> str:
    m = _END_PUNCT.search(eq)
    return _blank(eq, m.start(), m.start() + 1) if m else eq


def label_key(label: str) -> str:
    """What two ways of writing one label have in common, for finding an equation by its label:
    ``\\textcircled{1}`` and ``①`` are one label, ``(5.53)`` and ``5.53`` too.

    >>> label_key(r"\\textcircled{2}") == label_key("②"), label_key("(5.53)")
    (True, '5.53')
    """
    x = label.strip()
    m = re.fullmatch(r"\\textcircled\{\s*(\d+)\s*\}", x)
    if m:
        x = chr(0x2460 + int(m.group(1)) - 1)
    return x.strip("()").strip()


class BareLabel(str):
    """A label written with bare letters after a ``\\quad``, ``(BP3)``: as mathematics it would be
    the factor ``B P 3``, so it is a label only where those letters are not all quantities of the
    network (:func:`bare_label_problem`)."""

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(c for c in self if c.isalpha())


def bare_label_problem(label: str | None, net: Network) -> str | None:
    """Why a bare-letter label ``(BP3)`` cannot be read as a label: every letter of it names a
    quantity, a size or a function of the network, so it can be the factor ``B P 3`` as well.

    >>> from symbp import builtin
    >>> bare_label_problem(BareLabel("(BP3)"), builtin("plain")) is None
    True
    """
    if not isinstance(label, BareLabel):
        return None
    known = {f.name for f in net.families} | set(net.range_letter) | net.functions | {net.error_name}
    if all(x in known for x in label.letters):
        return (f"{label} can be read as a label or as the factor {' '.join(label[1:-1])}: "
                f"every letter of it is a name of the network")
    return None


def strip_label(eq: str) -> tuple[str, str | None]:
    """Blank a trailing label (and the ``\\quad \\dots`` before it) and the full stop or comma
    that ends the sentence (before or after the label); return the label as text.

    >>> [(eq.strip(), lab) for eq, lab in map(strip_label, [r"a_j = b_j, \\tag{5.53}", r"a_j = b_j \\,."])]
    [('a_j = b_j', '5.53'), ('a_j = b_j \\\\,', None)]
    >>> eqs = (r"a = b \\quad (5.53)", r"a = b (5.53)", r"a = b \\qquad \\text{(BP1)}", r"a = b (2)")
    >>> [strip_label(x)[1] for x in eqs]
    ['(5.53)', '(5.53)', '(BP1)', None]
    """
    eq = _blank_end_punct(eq)
    m = _LABEL.search(eq)
    if m and m.group("num") and "." not in m.group("num") and not re.search(r"\\q?quad", m.group(0)):
        m = None  # "(2)" right after a factor may be one: a number without a dot needs a \quad
    if not m:
        return eq, None
    if m.group("bare"):
        label = BareLabel(f"({m.group('bare')})")
    elif m.group("num") or m.group("txt") or m.group("rm"):
        label = f"({(m.group('num') or m.group('txt') or m.group('rm')).strip()})"
    elif m.group("uc"):
        label = m.group("uc")
    else:
        raw = m.group("tc") or m.group("tc2")
        if raw is None:
            tag = m.group("tag").strip()
            inner = re.fullmatch(r"\\textcircled\{(\d+)\}", tag)
            raw = inner.group(1) if inner else None
            label = tag if raw is None else None
        if raw is not None:
            n = int(raw)
            label = CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"
    return _blank_end_punct(_blank(eq, m.start(), m.end())), label
