"""``--library DIR`` files are read only from regular files inside DIR: a hard link, a link (to a
file or a folder) leading outside, a FIFO or a device is a located ``library-file`` error naming
the file, never a hang and never a file silently skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exgen.generate import library
from tests.conftest import ROOT

PATTERN = """library: 1
patterns:
  - id: MY-PATTERN
    kind: c2
    title: "Liaison officer requests an update"
    capabilities: [c2]
    methods: [phone]
    sender: higher
"""
BRIEF = ROOT / "scenarios" / "briefs" / "adriatic-shield" / "brief.yaml"


def load(folder: Path) -> tuple[library.Library, list[str]]:
    lib, found = library.load_library([str(folder)])
    return lib, [d.as_text() for d in found if d.is_error]


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "my-injects"
    folder.mkdir()
    return folder


def test_a_plain_library_file_is_read(mine: Path) -> None:
    (mine / "mine.yaml").write_text(PATTERN, "utf-8")
    lib, errors = load(mine)
    assert errors == [] and "MY-PATTERN" in lib.patterns


def test_a_hard_linked_library_file_is_refused(tmp_path: Path, mine: Path) -> None:
    (tmp_path / "shared.yaml").write_text(PATTERN, "utf-8")
    os.link(tmp_path / "shared.yaml", mine / "mine.yaml")
    lib, errors = load(mine)
    assert errors == [f"{_shown(mine / 'mine.yaml')}: error[library-file]: refused to read a library file: "
                      f"{mine / 'mine.yaml'} is a hard link (2 names for one file); copy the file instead"]
    assert lib.patterns == {}


def test_a_symlink_leading_out_is_refused(tmp_path: Path, mine: Path) -> None:
    (tmp_path / "outside.yaml").write_text(PATTERN, "utf-8")
    os.symlink(tmp_path / "outside.yaml", mine / "out.yaml")
    lib, errors = load(mine)
    assert errors == [f"{_shown(mine / 'out.yaml')}: error[library-file]: refused to read a library file: "
                      f"{mine / 'out.yaml'} leads outside {mine} (a symbolic link to {tmp_path / 'outside.yaml'})"]
    assert lib.patterns == {}


def test_a_symlink_inside_the_folder_is_read(mine: Path) -> None:
    (mine / "kept.txt").write_text(PATTERN, "utf-8")  # not a library file name: read only through the link
    os.symlink("kept.txt", mine / "mine.yml")
    lib, errors = load(mine)
    assert errors == [] and "MY-PATTERN" in lib.patterns


def test_a_linked_folder_leading_out_is_refused(tmp_path: Path, mine: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "p.yaml").write_text(PATTERN, "utf-8")
    os.symlink(outside, mine / "more")
    lib, errors = load(mine)
    assert len(errors) == 1 and errors[0].startswith(f"{_shown(mine / 'more')}: error[library-file]")
    assert "MY-PATTERN" not in lib.patterns


def test_a_fifo_in_a_library_is_refused_without_hanging(tmp_path: Path, mine: Path) -> None:
    (mine / "mine.yaml").write_text(PATTERN, "utf-8")
    os.mkfifo(mine / "pipe.yaml")
    done = subprocess.run([sys.executable, "-m", "exgen", "generate", str(BRIEF), "-o", str(tmp_path / "draft"),
                           "--library", str(mine)], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if "error[" in line]
    assert len(lines) == 1 and "error[library-file]" in lines[0], done.stderr
    assert lines[0].split(":")[0].endswith("my-injects/pipe.yaml") and "a FIFO (named pipe)" in lines[0]
    assert "Traceback" not in done.stderr and not (tmp_path / "draft").exists()


def test_files_that_are_not_library_files_are_left_alone(mine: Path) -> None:
    (mine / "mine.yaml").write_text(PATTERN, "utf-8")
    os.mkfifo(mine / "notes.fifo")  # not a .yaml/.yml/.json name: not a library file
    (mine / "README.md").write_text("notes", "utf-8")
    assert load(mine)[1] == []


def _shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)
