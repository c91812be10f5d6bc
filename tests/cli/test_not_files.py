"""Files that are not files (issue 16, item 3), in every command, as a real process with a timeout:
FIFOs, sockets and devices are refused from ``os.stat`` (never opened, so never a hang); symlink
loops, names too long, directories named like files and unwritable places are one located line.
Exit 1, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from tests.conftest import FLAGSHIP, ROOT

BRIEF = ROOT / "scenarios" / "briefs" / "coastal-resilience-ttx.yaml"
LONG = "x" * 300 + ".yaml"

#: Where the odd path goes: as the input a command reads, or as the output it writes.
INPUTS = {
    "validate": ["validate", "{bad}"],
    "build": ["build", "{bad}", "-o", "out"],
    "comms": ["comms", "{bad}"],
    "generate": ["generate", "{bad}", "-o", "out"],
}
OUTPUTS = {
    "build": ["build", str(FLAGSHIP), "-o", "{bad}", "--only", "index"],
    "generate": ["generate", str(BRIEF), "-o", "{bad}"],
    "init": ["init", "{bad}"],
    "eject": ["templates", "eject", "index.html.j2", "-o", "{bad}"],
    "schema": ["schema", "-o", "{bad}"],
}


def exgen(cwd: Path, args: list[str], bad: str) -> subprocess.CompletedProcess[str]:
    """Run exgen as its own process; a hang fails the test instead of blocking the suite."""
    argv = [sys.executable, "-m", "exgen", *(a.replace("{bad}", bad) for a in args)]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def plant(kind: str, where: Path) -> tuple[str, t.Callable[[], None]]:
    """Create an odd path of ``kind`` under ``where``: the path to pass, and a clean-up."""
    path = where / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        return str(path), server.close
    elif kind == "device":
        return "/dev/zero", lambda: None
    elif kind == "loop":
        (where / "other.yaml").symlink_to(path)
        path.symlink_to(where / "other.yaml")
    elif kind == "long":
        return str(where / LONG), lambda: None
    return str(path), lambda: None


KINDS = ["fifo", "socket", "device", "loop", "long"]
#: What the one line says, by kind: for an input (the loader) and for an output (the path check).
SAYS_INPUT = {"fifo": "is not a regular file (it is a named pipe)", "socket": "is not a regular file (it is a socket)",
              "device": "is not a regular file (it is a character device)", "loop": "a symlink loop",
              "long": "File name too long"}
SAYS_OUTPUT = {"fifo": "it exists and is a named pipe, not a directory",
               "socket": "it exists and is a socket, not a directory",
               "device": "it exists and is a character device, not a directory",
               "loop": "the path is a symlink loop", "long": "the name is too long for the file system"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", sorted(INPUTS))
def test_odd_input_is_one_located_error(tmp_path: Path, command: str, kind: str) -> None:
    if kind == "device" and not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    bad, close = plant(kind, tmp_path)
    try:
        done = exgen(tmp_path, INPUTS[command], bad)
    finally:
        close()
    text = done.stdout + done.stderr
    assert done.returncode == 1, text
    assert "Traceback" not in text
    assert f"{bad}: error[file-unreadable]: " in text and SAYS_INPUT[kind] in text, text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_odd_output_is_one_located_error(tmp_path: Path, command: str, kind: str) -> None:
    if kind == "device" and not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    bad, close = plant(kind, tmp_path)
    try:
        done = exgen(tmp_path, OUTPUTS[command], bad)
    finally:
        close()
    text = done.stdout + done.stderr
    assert done.returncode == 1, text
    assert "Traceback" not in text
    if command in ("build", "generate"):
        assert f"{bad}: error[output-path]: cannot write the " in text and SAYS_OUTPUT[kind] in text, text
    else:
        assert done.stderr.startswith("exgen: cannot write the ") and SAYS_OUTPUT[kind] in done.stderr, text


@pytest.mark.parametrize("command", ["build", "comms", "generate"])
def test_directory_named_like_a_file(tmp_path: Path, command: str) -> None:
    """Also the test of an unreadable input that works as root (chmod 000 does not stop root reading)."""
    (tmp_path / "odd.yaml").mkdir()
    done = exgen(tmp_path, INPUTS[command], "odd.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "odd.yaml: error[file-unreadable]: odd.yaml is a directory, not a file" in done.stdout + done.stderr


@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_output_under_a_file(tmp_path: Path, command: str) -> None:
    (tmp_path / "plain.txt").write_text("x", "utf-8")
    done = exgen(tmp_path, OUTPUTS[command], "plain.txt/out")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot write the" in done.stderr and "a part of the path is a file, not a directory" in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only (chmod 555) folder anyway")
@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_unwritable_output(tmp_path: Path, command: str) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        done = exgen(tmp_path, OUTPUTS[command], "locked/out")
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Permission denied" in done.stderr or "permission denied" in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable_input(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text("exgen: 1\n", "utf-8")
    path.chmod(0)
    try:
        done = exgen(tmp_path, INPUTS["validate"], "ex.yaml")
    finally:
        path.chmod(0o644)
    assert done.returncode == 1
    assert "ex.yaml: error[file-unreadable]: cannot read ex.yaml: Permission denied" in done.stdout


def test_directory_with_a_fifo_and_a_loop_is_searched_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "notes.yaml").write_text("just: notes\n", "utf-8")
    done = exgen(tmp_path, ["validate", "."], "")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert "pipe.yaml: error[file-unreadable]: pipe.yaml is not a regular file (it is a named pipe)" in lines
    assert any(line.startswith("loop.yaml: error[file-unreadable]: ") and "symlink loop" in line for line in lines)


def test_fragment_beside_a_fifo_finds_its_root(tmp_path: Path) -> None:
    """Looking for the root that includes a named fragment never opens a FIFO in the same folder."""
    import shutil

    shutil.copytree(FLAGSHIP.parent, tmp_path / "sc")
    os.mkfifo(tmp_path / "sc" / "injects" / "zz-pipe.yaml")
    os.mkfifo(tmp_path / "sc" / "zz-pipe.yaml")
    done = exgen(tmp_path, ["validate", "sc/injects/day1.yaml"], "")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "9 files, 0 errors, 0 warnings"


@pytest.mark.parametrize(("command", "planted", "what"), [
    ("build", "manifest.json", "package"), ("generate", "exercise.yaml", "draft")])
def test_fifo_in_an_old_output_is_not_opened(tmp_path: Path, command: str, planted: str, what: str) -> None:
    """Whether the old output may be replaced is read from its manifest (or root file): a FIFO there
    is not one, and is never opened."""
    (tmp_path / "old").mkdir()
    os.mkfifo(tmp_path / "old" / planted)
    done = exgen(tmp_path, OUTPUTS[command], "old")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"'old' exists and is not an exgen {what}; use --force to replace it" in done.stderr
