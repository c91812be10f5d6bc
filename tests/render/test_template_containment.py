"""Templates are read only from regular files inside their directory: hard links, links leading out,
FIFOs and devices are refused with a located ``template-file`` error naming the file (never a hang)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exgen import pipeline
from exgen.core import contained
from tests.conftest import FLAGSHIP, ROOT


def build_index(tmp_path: Path, mine: Path) -> pipeline.Built:
    return pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[str(mine)], only=["index"])


def refused(result: pipeline.Built) -> str:
    errors = [d for d in result.checked.diagnostics if d.is_error]
    assert result.written is None and [d.code for d in errors] == ["template-file"], [d.as_text() for d in errors]
    return errors[0].as_text()


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    return folder


def test_a_hard_linked_template_is_refused(tmp_path: Path, mine: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("NOT FOR THE PACKAGE", "utf-8")
    os.link(elsewhere, mine / "index.html.j2")
    text = refused(build_index(tmp_path, mine))
    assert text.split(": error")[0].endswith("mine/index.html.j2")
    assert "is a hard link (2 names for one file); copy the file instead" in text
    assert not (tmp_path / "pkg").exists()


def test_an_included_hard_link_is_refused_too(tmp_path: Path, mine: Path) -> None:
    (tmp_path / "shared.j2").write_text("shared", "utf-8")
    os.link(tmp_path / "shared.j2", mine / "part.j2")
    (mine / "index.html.j2").write_text('{% include "part.j2" %}', "utf-8")
    assert "mine/part.j2 is a hard link" in refused(build_index(tmp_path, mine))


def test_a_hard_linked_outputs_yaml_is_refused(tmp_path: Path, mine: Path) -> None:
    (tmp_path / "outputs.yaml").write_text("outputs:\n  - {template: index.html.j2, output: again.html}\n", "utf-8")
    os.link(tmp_path / "outputs.yaml", mine / "outputs.yaml")
    text = refused(build_index(tmp_path, mine))
    assert text.split(": error")[0].endswith("mine/outputs.yaml") and "is a hard link" in text


def test_a_linked_folder_leading_out_is_refused(tmp_path: Path, mine: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.j2").write_text("SECRET", "utf-8")
    os.symlink(outside, mine / "sub")
    (mine / "index.html.j2").write_text('{% include "sub/x.j2" %}', "utf-8")
    text = refused(build_index(tmp_path, mine))
    assert "mine/sub/x.j2 leads outside" in text and "SECRET" not in text


def test_a_symlink_inside_the_folder_is_read(tmp_path: Path, mine: Path) -> None:
    (mine / "real.j2").write_text("<p>{{ exercise.id }}</p>", "utf-8")
    os.symlink("real.j2", mine / "index.html.j2")
    result = build_index(tmp_path, mine)
    assert result.written is not None
    assert (tmp_path / "pkg" / "index.html").read_text("utf-8") == "<p>ADRIATIC-SHIELD-27</p>"


@pytest.mark.parametrize("kind", ["directory", "dangling link", "link loop"])
def test_other_things_that_are_not_template_files_are_refused(tmp_path: Path, mine: Path, kind: str) -> None:
    part = mine / "part.j2"
    if kind == "directory":
        part.mkdir()
    elif kind == "dangling link":
        os.symlink("nowhere.j2", part)
    else:
        os.symlink("part.j2", part)
    (mine / "index.html.j2").write_text('{% include "part.j2" %}', "utf-8")
    text = refused(build_index(tmp_path, mine))
    assert "mine/part.j2" in text


def test_a_fifo_template_is_refused_without_hanging(tmp_path: Path, mine: Path) -> None:
    """A named pipe in place of the card template: nobody writes to it, so opening it would hang."""
    os.mkfifo(mine / "index.html.j2")
    done = subprocess.run([sys.executable, "-m", "exgen", "build", str(FLAGSHIP), "-o", str(tmp_path / "pkg"),
                           "--templates", str(mine), "--only", "index"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if "error[" in line]
    assert len(lines) == 1 and "error[template-file]" in lines[0] and lines[0].split(":")[0].endswith(
        "mine/index.html.j2"), done.stderr
    assert "is a FIFO (named pipe), not a regular file" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "pkg").exists()


def test_contained_read_checks_the_opened_file(tmp_path: Path) -> None:
    (tmp_path / "a.j2").write_text("ok", "utf-8")
    assert contained.read(tmp_path / "a.j2", tmp_path) == b"ok"
    with pytest.raises(contained.Refused, match="larger than"):
        contained.read(tmp_path / "a.j2", tmp_path, max_size=1)
    os.mkfifo(tmp_path / "p.j2")
    with pytest.raises(contained.Refused, match="FIFO"):
        contained.read(tmp_path / "p.j2", tmp_path)
    os.link(tmp_path / "a.j2", tmp_path / "b.j2")
    assert contained.read(tmp_path / "b.j2", tmp_path, links=True) == b"ok"  # exgen's own installed files
