"""A cache shared by the pytest-xdist workers of one test session (a test helper, not a test).

A costly computation that several tests read (the mutation harness over a shipped file, say) is
done once per session: by the first worker that needs it, under a file lock, its value pickled
into the session's base temporary folder, which every worker of the session shares (and which no
other session sees: nothing recorded by an earlier run is ever read).  A worker that needs a
value another worker is computing waits for it instead of computing it again.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> shared(d, "answer", lambda: 6 * 7), shared(d, "answer", lambda: 0)
(42, 42)
>>> shared(d, "other", lambda: 1, wait=False)
1
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: what :func:`shared` returns when ``wait=False`` and another worker holds the lock
BUSY = object()


def session_folder(tmp_path_factory: Any) -> Path:
    """The folder every worker of this session shares: the base temporary folder of the session
    (under pytest-xdist, the parent of the worker's own)."""
    base = Path(tmp_path_factory.getbasetemp())
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "symbp-session-cache"
    folder.mkdir(exist_ok=True)
    return folder


def shared(folder: Path, key: str, compute: Callable[[], Any], wait: bool = True) -> Any:
    """``compute()``, done once for all the workers sharing ``folder`` (``key`` names the value: a
    file name).  With ``wait=False``, :data:`BUSY` if another worker is computing it now."""
    done = folder / f"{key}.pickle"
    if done.exists():
        return pickle.loads(done.read_bytes())
    with open(folder / f"{key}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return BUSY
        try:
            if done.exists():
                return pickle.loads(done.read_bytes())
            value = compute()
            part = folder / f"{key}.{os.getpid()}.part"
            part.write_bytes(pickle.dumps(value))
            os.replace(part, done)
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def proof_pdf(folder: Path, tex: Path, detail: str = "compact") -> dict[str, Any]:
    """``symbp prove``'s document of ``tex`` (``prove_file(tex, detail=detail)``) compiled by
    ``pdflatex`` once per session (:func:`shared`): the tests that assert about the same proof's
    PDF (``test_proof``, ``test_proof_compact``) read one compile.  A dict: ``document`` (the
    :class:`~symbp.render.proof.ProofDocument`), ``returncode``, ``log`` (the log's text),
    ``pdf`` (its path, in the session's folder; ``None``, and ``returncode`` too, where
    ``pdflatex`` is not on ``PATH``)."""
    import hashlib
    import shutil
    import subprocess

    digest = hashlib.sha256(tex.read_bytes()).hexdigest()[:16]
    key = f"proof-{tex.stem}-{detail}-{digest}"

    def compute() -> dict[str, Any]:
        from symbp.render.proof import prove_file

        doc = prove_file(tex, detail=detail)
        pdflatex = shutil.which("pdflatex")
        if pdflatex is None:  # the compiling tests skip
            return {"document": doc, "returncode": None, "pdf": None, "log": ""}
        out = folder / key
        out.mkdir(exist_ok=True)
        src = out / f"{tex.stem}.proof.tex"
        src.write_text(doc.text, encoding="utf-8")
        run = subprocess.run([pdflatex, "-interaction=nonstopmode",
                              "-halt-on-error", src.name], cwd=out, capture_output=True, timeout=300,
                             stdin=subprocess.DEVNULL)
        log = src.with_suffix(".log")
        return {"document": doc, "returncode": run.returncode, "pdf": src.with_suffix(".pdf"),
                "log": log.read_text(encoding="latin-1") if log.exists() else run.stdout.decode("latin-1")}

    return shared(folder, key, compute)
