"""Hostile input: special files are refused before anything is read, sizes are bounded before
any array is made, and ``symbp prove -o`` writes only the regular file it was asked for.

Each case must end in a clear error (exit code 2, a message naming the file), never a hang, a
read without bound or a traceback.  FIFOs are made with ``os.mkfifo`` (skipped where there is none).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from symbp.cli import main

ROOT = Path(__file__).resolve().parent.parent
DELTA = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    p = tmp_path / "f.tex"
    os.mkfifo(p)
    return p


@needs_fifo
@pytest.mark.parametrize("argv", [
    ["check", "{f}"],
    ["check", "--context", "{f}", "-e", DELTA],
    ["prove", "{f}"],
    ["derive", "{f}"],
    ["check", "--numeric", "{f}"],
])
def test_a_fifo_is_refused_not_read(fifo: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main([a.replace("{f}", str(fifo)) for a in argv])
    out = capsys.readouterr()
    assert code == 2 and "not a regular file (a FIFO)" in out.out + out.err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_before_it_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--context", "/dev/zero", "-e", DELTA]) == 2
    assert "a character device" in capsys.readouterr().err
    assert main(["check", "/dev/zero"]) == 2


@pytest.mark.parametrize("sizes, phrase", [
    ("I=100000000,J=100000000", "the bound is 1e+06"),
    ("I=" + "9" * 5000, "too large"),
])
def test_huge_numeric_sizes_are_a_clear_error(sizes: str, phrase: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--numeric", "--sizes", sizes, "--context", "plain", "-e", DELTA]) == 2
    assert phrase in capsys.readouterr().err


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    f = tmp_path / "f.tex"
    shutil.copy(ROOT / "derivations" / "prml_5_3_1.tex", f)
    return f


#: the commands that write a file with -o: the arguments before -o, and the word for their output
WRITERS = [
    pytest.param(lambda f: ["prove", str(f)], "a proof", "symbp prove", id="prove"),
    pytest.param(lambda f: ["export", str(f), "--label", "(5.53)"], "an export", "Exported by symbp",
                 id="export"),
]


@pytest.mark.parametrize("command, noun, mark", WRITERS)
def test_a_writer_replaces_its_own_output_but_not_another_file(
        seed: Path, capsys: pytest.CaptureFixture[str], command: Callable, noun: str, mark: str) -> None:
    own = seed.parent / "own.out"
    assert main([*command(seed), "-o", str(own)]) == 0
    assert main([*command(seed), "-o", str(own)]) == 0  # its own output: replaced
    paper = seed.parent / "paper.tex"
    paper.write_text("my paper\n", encoding="utf-8")
    assert main([*command(seed), "-o", str(paper)]) == 2
    assert paper.read_text(encoding="utf-8") == "my paper\n"
    assert f"not {noun} of f.tex" in capsys.readouterr().err
    assert main([*command(seed), "-o", str(paper), "--force"]) == 0
    assert mark in paper.read_text(encoding="utf-8")
    other = seed.parent / "g.tex"
    shutil.copy(seed, other)
    assert main([*command(other), "-o", str(paper)]) == 2  # an output, but of another file


@pytest.mark.parametrize("command, noun, mark", WRITERS)
def test_a_writer_never_writes_through_a_symlink(seed: Path, tmp_path: Path, command: Callable,
                                                 noun: str, mark: str) -> None:
    outside = tmp_path / "elsewhere" / "target.tex"
    outside.parent.mkdir()
    link = seed.parent / "link.tex"
    link.symlink_to(outside)
    assert main([*command(seed), "-o", str(link)]) == 2
    assert not outside.exists()


@needs_fifo
@pytest.mark.parametrize("command, noun, mark", WRITERS)
def test_a_writer_writes_only_regular_files(seed: Path, tmp_path: Path, command: Callable, noun: str,
                                            mark: str) -> None:
    p = tmp_path / "pipe.tex"
    os.mkfifo(p)
    assert main([*command(seed), "-o", str(p)]) == 2
    assert main([*command(seed), "-o", str(tmp_path)]) == 2  # a folder


def test_prove_with_an_empty_output_name_is_an_error(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", str(seed), "-o", ""]) == 2
    assert "names no file" in capsys.readouterr().err
    assert not seed.with_suffix(".proof.tex").exists()
