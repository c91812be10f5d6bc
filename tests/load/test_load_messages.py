"""Loader messages that said the wrong thing (issue 16, item 9) and paths that are not files (item 3)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from exgen.core.diagnostics import Diagnostic
from exgen.load import load


def texts(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.as_text() for d in diagnostics]


def test_long_include_chain_loads_without_recursion(tmp_path: Path) -> None:
    """3,000 files each including the next: no 'symlink loop', no RecursionError, pre-order kept."""
    count = 3000
    for i in range(count):
        body = f"include: [c{i + 1}.yaml]\n" if i < count - 1 else "injects: []\n"
        (tmp_path / f"c{i}.yaml").write_text(f"x{i}: {i}\n{body}", "utf-8")
    root = tmp_path / "ex.yaml"
    root.write_text("exgen: 1\ninclude: [c0.yaml]\n", "utf-8")
    document, diagnostics = load(root)
    assert diagnostics == [] and document is not None
    assert [f.path.name for f in document.files[:3]] == ["ex.yaml", "c0.yaml", "c1.yaml"]
    assert len(document.files) == count + 1 and document.data["x2999"] == 2999


def test_long_include_cycle_is_a_cycle(tmp_path: Path) -> None:
    count = 1500
    for i in range(count):
        (tmp_path / f"c{i}.yaml").write_text(f"include: [c{(i + 1) % count}.yaml]\n", "utf-8")
    root = tmp_path / "ex.yaml"
    root.write_text("exgen: 1\ninclude: [c0.yaml]\n", "utf-8")
    _, diagnostics = load(root)
    assert [d.code for d in diagnostics] == ["include-cycle"]
    assert diagnostics[0].location.file.endswith(f"c{count - 1}.yaml")
    assert diagnostics[0].message.startswith("include cycle: ") and diagnostics[0].message.endswith(
        "c0.yaml")


def test_include_order_and_duplicates_unchanged_by_the_explicit_stack(tmp_path: Path) -> None:
    """Pre-order: a file included twice is a duplicate where the second include is, after the subtree."""
    (tmp_path / "a.yaml").write_text("include: [c.yaml]\na: 1\n", "utf-8")
    (tmp_path / "b.yaml").write_text("include: [c.yaml]\nb: 1\n", "utf-8")
    (tmp_path / "c.yaml").write_text("c: 1\n", "utf-8")
    root = tmp_path / "ex.yaml"
    root.write_text("exgen: 1\ninclude: [a.yaml, b.yaml]\n", "utf-8")
    document, diagnostics = load(root)
    assert document is not None and [f.path.name for f in document.files] == ["ex.yaml", "a.yaml", "c.yaml", "b.yaml"]
    assert [(d.code, Path(d.location.file).name, d.location.line, d.location.col) for d in diagnostics] == [
        ("include-duplicate", "b.yaml", 1, 11)]


@pytest.mark.parametrize(("content", "line"), [("---\n---\n", 2), ("# notes\n---\n...\n---\n", 4),
                                             ("---\n--- \n---\n", 2)])
def test_several_empty_documents_are_not_an_empty_file(tmp_path: Path, content: str, line: int) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text(content, "utf-8")
    _, diagnostics = load(path)
    assert texts(diagnostics) == [f"{path}:{line}:1: error[yaml-syntax]: only one document per file "
                                  "(found a second '---')"]


@pytest.mark.parametrize(("key", "shown"), [
    ("!!python/object:os.system cmd", "!!python/object:os.system"),
    ("!!binary aGk=", "!!binary"),
    ("!!int 5", "!!int"),
    ("!custom k", "!custom"),
])
def test_tag_on_a_mapping_key_is_refused(tmp_path: Path, key: str, shown: str) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text(f"exgen: 1\n{key}: x\n", "utf-8")
    document, diagnostics = load(path)
    assert document is None
    assert texts(diagnostics) == [f"{path}:2:1: error[yaml-tag]: tag {shown} is not allowed on a mapping key"]


def test_plain_and_str_tags_on_keys_stay_allowed(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text("exgen: 1\n!!str a: 1\n! b: 2\n", "utf-8")
    document, diagnostics = load(path)
    assert diagnostics == [] and document is not None and document.data == {"exgen": 1, "a": 1, "b": 2}


def test_5000_digit_json_integer_is_located(tmp_path: Path) -> None:
    path = tmp_path / "ex.json"
    path.write_text('{"exgen": 1,\n "note": "' + "7" * 5000 + '",\n "n": ' + "9" * 5000 + "}", "utf-8")
    _, diagnostics = load(path)
    assert texts(diagnostics) == [
        f"{path}:3:7: error[json-syntax]: this integer has 5000 digits; exgen reads at most 4300"]


@pytest.mark.parametrize(("value", "col"), [("NaN", 11), ("Infinity", 11), ("-Infinity", 11)])
def test_json_nan_and_infinity_are_not_json(tmp_path: Path, value: str, col: int) -> None:
    path = tmp_path / "ex.json"
    path.write_text('{"exgen": ' + value + ', "s": "NaN"}', "utf-8")
    _, diagnostics = load(path)
    assert texts(diagnostics) == [
        f"{path}:1:{col}: error[json-syntax]: {value} is not a JSON number (JSON has no NaN or Infinity)"]


# --- paths that are not regular files: refused from os.stat, never opened -----------------------


def test_fifo_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "ex.yaml"
    os.mkfifo(fifo)  # opening it for reading would block forever
    _, diagnostics = load(fifo)
    assert texts(diagnostics) == [f"{fifo}: error[file-unreadable]: {fifo} is not a regular file (it is a named pipe)"]


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        _, diagnostics = load(path)
    finally:
        server.close()
    assert [d.message for d in diagnostics] == [f"{path} is not a regular file (it is a socket)"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_device_is_refused() -> None:
    _, diagnostics = load("/dev/zero")
    assert [d.message for d in diagnostics] == ["/dev/zero is not a regular file (it is a character device)"]


def test_symlink_loop_and_long_name_say_what_they_are(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    _, diagnostics = load(tmp_path / "a.yaml")
    assert [d.code for d in diagnostics] == ["file-unreadable"] and diagnostics[0].message.endswith("a symlink loop")
    long = tmp_path / ("x" * 300 + ".yaml")
    _, diagnostics = load(long)
    assert [d.code for d in diagnostics] == ["file-unreadable"]
    assert diagnostics[0].message.endswith("File name too long")


def test_include_of_a_fifo_is_refused_where_it_is_included(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    root = tmp_path / "ex.yaml"
    root.write_text("exgen: 1\ninclude: [pipe.yaml]\n", "utf-8")
    _, diagnostics = load(root)
    assert [(d.code, d.location.line, d.location.col) for d in diagnostics] == [("file-unreadable", 2, 11)]
