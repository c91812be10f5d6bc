"""Tests for exgen.load: parsing with positions, refusals, includes and merging."""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen.core.diagnostics import Diagnostic, Location
from exgen.load import Document, SourceFile, load
from tests.conftest import DATA

LOAD_DATA = DATA / "load"


def write(directory: Path, name: str, content: str | bytes) -> Path:
    """Write a file under ``directory`` (creating folders) and return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def only(diagnostics: list[Diagnostic]) -> Diagnostic:
    """The single diagnostic of a load."""
    assert len(diagnostics) == 1, [d.as_text() for d in diagnostics]
    return diagnostics[0]


def refused(tmp_path: Path, content: str | bytes, name: str = "ex.yaml") -> tuple[str, int, int, str]:
    """Load a one-file definition that must be refused: (code, line, col, message)."""
    document, diagnostics = load(write(tmp_path, name, content))
    assert document is None
    found = only(diagnostics)
    assert found.location.file.endswith(name)
    return found.code, found.location.line, found.location.col, found.message


def loaded(tmp_path: Path, content: str, name: str = "ex.yaml") -> Document:
    """Load a one-file definition that must be clean."""
    document, diagnostics = load(write(tmp_path, name, content))
    assert diagnostics == []
    assert document is not None
    return document


def at(location: Location) -> tuple[str, int, int]:
    """A location as (file name, line, col)."""
    return Path(location.file).name, location.line, location.col


# --- refusals of one file ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code", "line", "col"),
    [
        pytest.param("a: 1\nb: [1, 2\nc: 3\n", "yaml-syntax", 3, 2, id="unclosed-flow"),
        pytest.param("a: b: c\n", "yaml-syntax", 1, 5, id="mapping-in-plain"),
        pytest.param("a: 1\n---\nb: 2\n", "yaml-syntax", 2, 1, id="two-documents"),
        pytest.param("a: *nowhere\n", "yaml-syntax", 1, 4, id="undefined-alias"),
        pytest.param("a: ok\nb: \x07\n", "yaml-syntax", 2, 4, id="control-character"),
        pytest.param("a:\n\tb: 1\n", "yaml-tab", 2, 1, id="tab-indent"),
        pytest.param("a: 1\n  \tb: 2\n", "yaml-tab", 2, 3, id="tab-after-spaces"),
        pytest.param("text: |\n  one\n\ttwo\n", "yaml-tab", 3, 1, id="tab-in-block-scalar"),
        pytest.param("a: 1\nb: !!python/object:os.system x\n", "yaml-tag", 2, 4, id="python-tag"),
        pytest.param("a: !custom x\n", "yaml-tag", 1, 4, id="custom-tag"),
        pytest.param("a: !!int twelve\n", "yaml-tag", 1, 4, id="bad-int"),
        pytest.param("a: !!seq {b: 1}\n", "yaml-tag", 1, 4, id="seq-tag-on-map"),
        pytest.param("a: 1\n? [x, y]\n: 2\n", "invalid-key", 2, 3, id="complex-key"),
        pytest.param("a: {[x]: 1}\n", "invalid-key", 1, 5, id="flow-complex-key"),
        pytest.param("x: &k 1\n*k : 2\n", "invalid-key", 2, 1, id="alias-key"),
        pytest.param("a: 1\nb: 2\na: 3\n", "duplicate-key", 3, 1, id="duplicate-key"),
        pytest.param("u:\n  - id: X\n    id: Y\n", "duplicate-key", 3, 5, id="duplicate-nested"),
        pytest.param("a: &x [1, *x]\n", "alias-limit", 1, 11, id="recursive-alias"),
        pytest.param("- a\n- b\n", "not-a-mapping", 1, 1, id="list"),
        pytest.param("\n\n  hello\n", "not-a-mapping", 3, 3, id="scalar"),
        pytest.param("", "empty-file", 0, 0, id="empty"),
        pytest.param("# just a comment\n\n   \n", "empty-file", 0, 0, id="comments"),
        pytest.param("---\n", "empty-file", 0, 0, id="bare-document"),
    ],
)
def test_refused_yaml(tmp_path: Path, content: str, code: str, line: int, col: int) -> None:
    """Each bad input gives one diagnostic with its code at the offending token."""
    assert refused(tmp_path, content)[:3] == (code, line, col)


def test_duplicate_key_message_names_key_and_first_line(tmp_path: Path) -> None:
    """The duplicate-key message names the key and the line of the first one."""
    message = refused(tmp_path, "a: 1\nname: x\nb: 2\nname: y\n")[3]
    assert "'name'" in message and "line 2" in message


def test_binary_file(tmp_path: Path) -> None:
    """A NUL byte makes it a binary file, located at the first NUL."""
    assert refused(tmp_path, b"a: 1\nb: \x00\x01\x02")[:3] == ("binary-file", 2, 4)


def test_not_utf8(tmp_path: Path) -> None:
    """Invalid UTF-8 is located at the first bad byte (column in characters)."""
    assert refused(tmp_path, "a: 1\nb: é".encode() + b" caf\xe9\n")[:3] == ("not-utf8", 2, 9)


def test_bom_is_stripped(tmp_path: Path) -> None:
    """A UTF-8 BOM is not part of the data and does not shift columns."""
    document, diagnostics = load(write(tmp_path, "ex.yaml", b"\xef\xbb\xbfname: x\n"))
    assert diagnostics == [] and document is not None
    assert document.data == {"name": "x"}
    assert at(document.sources.locate("/name")) == ("ex.yaml", 1, 7)


def test_file_too_large(tmp_path: Path) -> None:
    """Files over 32 MiB are refused before reading (a sparse file makes this cheap)."""
    path = tmp_path / "big.yaml"
    with path.open("wb") as stream:
        stream.truncate(32 * 1024 * 1024 + 1)
    document, diagnostics = load(path)
    assert document is None
    assert (only(diagnostics).code, only(diagnostics).location.line) == ("file-too-large", 0)


def test_missing_root(tmp_path: Path) -> None:
    """A missing root gives file-not-found at the file, and no document."""
    document, diagnostics = load(tmp_path / "nope.yaml")
    assert document is None
    assert only(diagnostics).code == "file-not-found"
    assert only(diagnostics).location == Location(str(tmp_path / "nope.yaml"))


def test_directory_root(tmp_path: Path) -> None:
    """A directory is unreadable as a definition."""
    document, diagnostics = load(tmp_path)
    assert document is None and only(diagnostics).code == "file-unreadable"


def test_odd_paths_never_raise(tmp_path: Path) -> None:
    """Paths with NUL bytes or empty paths are diagnostics, not exceptions."""
    for path in ("", "bad\0name.yaml", str(tmp_path / "x" / "\0")):
        document, diagnostics = load(path)
        assert document is None and diagnostics[0].code in {"file-unreadable", "file-not-found"}


# --- budgets: aliases and nesting ---------------------------------------------------------


def test_billion_laughs_refused_quickly(tmp_path: Path) -> None:
    """Exponential alias expansion is refused in milliseconds."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    started = time.perf_counter()
    code, line, col, _ = refused(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0
    assert code == "alias-limit"
    assert (line, col) == (4, 45)  # the 8th *a2 in a3 crosses 10,000 expanded nodes


def test_small_aliases_are_expanded(tmp_path: Path) -> None:
    """Aliases within the budget give the anchored value and locate at the alias."""
    document = loaded(tmp_path, "base: &b {kind: radio, bands: [HF]}\ncopy: *b\n")
    assert document.data["copy"] == {"kind": "radio", "bands": ["HF"]}
    assert at(document.sources.locate("/copy")) == ("ex.yaml", 2, 7)
    assert at(document.sources.locate("/copy/bands/0")) == ("ex.yaml", 1, 32)


def test_deep_flow_nesting_in_process(tmp_path: Path) -> None:
    """100,000 open brackets are refused at the 65th, without recursion or crash."""
    assert refused(tmp_path, "[" * 100_000)[:3] == ("nesting-too-deep", 1, 65)


def test_deep_block_nesting(tmp_path: Path) -> None:
    """Block mappings 65 levels deep are refused at the 65th level's first key."""
    content = "".join("  " * level + f"k{level}:\n" for level in range(64)) + "  " * 64 + "leaf: 1\n"
    assert refused(tmp_path, content)[:3] == ("nesting-too-deep", 65, 129)
    shallow = "".join("  " * level + f"k{level}:\n" for level in range(63)) + "  " * 63 + "leaf: 1\n"
    assert loaded(tmp_path, shallow, "ok.yaml").data["k0"]["k1"]


def test_alias_cannot_deepen_past_limit(tmp_path: Path) -> None:
    """An alias of a deep anchored subtree placed deep down counts its own depth."""
    deep = "[" * 40 + "]" * 40
    content = f"a: &d {deep}\nb: {'[' * 30}*d{']' * 30}\n"
    assert refused(tmp_path, content)[:3] == ("nesting-too-deep", 2, 34)


# --- scalars: YAML 1.2 core schema ----------------------------------------------------------


def test_core_schema_scalars(tmp_path: Path) -> None:
    """Norway stays "NO", timestamps and yes/on stay strings, numbers follow YAML 1.2."""
    document = loaded(
        tmp_path,
        "nation: NO\nyes_: yes\non_: on\nstart: 2027-05-10T06:00:00Z\nday: 2027-05-10\n"
        "lead: 0123\noct: 0o17\nhex: 0x1F\nsci: 1e3\nneg: -2.5\ninf: -.inf\nnan: .NaN\n"
        "t: True\nf: false\nn: ~\nempty:\nquoted: 'true'\nsidc: \"10031000161211000000\"\n"
        "str: !!str 123\nflt: !!float 1\nsexa: 1:30\ntime: 07:30\nunder: 1_000\n",
    )
    data = document.data
    assert data["nation"] == "NO" and data["yes_"] == "yes" and data["on_"] == "on"
    assert data["start"] == "2027-05-10T06:00:00Z" and data["day"] == "2027-05-10"
    assert data["lead"] == 123 and data["oct"] == 15 and data["hex"] == 31
    assert data["sci"] == 1000.0 and isinstance(data["sci"], float) and data["neg"] == -2.5
    assert data["inf"] == -math.inf and math.isnan(data["nan"])
    assert data["t"] is True and data["f"] is False and data["n"] is None and data["empty"] is None
    assert data["quoted"] == "true" and data["sidc"] == "10031000161211000000"
    assert data["str"] == "123" and data["flt"] == 1.0 and isinstance(data["flt"], float)
    assert data["sexa"] == "1:30" and data["time"] == "07:30" and data["under"] == "1_000"


def test_keys_are_literal_strings(tmp_path: Path) -> None:
    """Keys stay the text the user wrote, whatever they look like."""
    document = loaded(tmp_path, "1: a\ntrue: b\nnull: c\nNO: d\n'x': e\n")
    assert list(document.data) == ["1", "true", "null", "NO", "x"]


def test_huge_integer_stays_text(tmp_path: Path) -> None:
    """Digit strings past Python's int conversion limit do not raise."""
    document = loaded(tmp_path, f"n: {'9' * 5000}\n")
    assert document.data["n"] == "9" * 5000


def test_tagged_float_beyond_range(tmp_path: Path) -> None:
    """!!float on an integer too large for a float gives infinity, not an exception."""
    assert loaded(tmp_path, f"x: !!float {'9' * 400}\n").data["x"] == math.inf


def test_too_many_problems_stop_reading(tmp_path: Path) -> None:
    """A file with thousands of duplicate keys stops after 100 problems, quickly."""
    content = "".join(f"k{i}: 1\n" for i in range(20_000)) + "k19999: 2\n" * 5_000
    started = time.perf_counter()
    document, diagnostics = load(write(tmp_path, "ex.yaml", content))
    assert time.perf_counter() - started < 2.0
    assert document is None and len(diagnostics) == 101
    assert {d.code for d in diagnostics} == {"duplicate-key"}
    assert "stopped reading" in diagnostics[-1].message
    assert (diagnostics[0].location.line, diagnostics[-1].location.line) == (20_001, 20_101)


# --- positions --------------------------------------------------------------------------------


def test_positions_in_large_mapping(tmp_path: Path) -> None:
    """Keys of mappings larger than the linear-search size are located too."""
    document = loaded(tmp_path, "m:\n" + "".join(f"  k{i}: {i}\n" for i in range(40)))
    assert at(document.sources.locate("/m/k33")) == ("ex.yaml", 35, 8)
    assert at(document.sources.locate_key("/m/k7")) == ("ex.yaml", 9, 3)


def test_positions_of_values_and_keys(tmp_path: Path) -> None:
    """locate gives the value's start, locate_key the key's, both 1-based."""
    document = loaded(
        tmp_path,
        "exercise:\n  id: X-1\nunits:\n  - id: U1\n    location: {lat: 42.5, lon: 19.2}\n"
        "  - id: U2\n    languages:\n      - en\n      - sr\n",
    )
    sources = document.sources
    assert at(sources.locate("")) == ("ex.yaml", 1, 1)
    assert at(sources.locate("/exercise/id")) == ("ex.yaml", 2, 7)
    assert at(sources.locate_key("/exercise/id")) == ("ex.yaml", 2, 3)
    assert at(sources.locate("/units/0/location/lon")) == ("ex.yaml", 5, 32)
    assert at(sources.locate_key("/units/0/location/lon")) == ("ex.yaml", 5, 27)
    assert at(sources.locate("/units/1/languages/1")) == ("ex.yaml", 9, 9)
    assert at(sources.locate_key("/units/1/languages/1")) == ("ex.yaml", 9, 9)  # items have no key
    assert at(sources.locate("/units/1")) == ("ex.yaml", 6, 5)


def test_unknown_pointers_fall_back_to_ancestor(tmp_path: Path) -> None:
    """Unknown or malformed pointers give the nearest known ancestor, never an exception."""
    document = loaded(tmp_path, "units:\n  - id: U1\n")
    sources = document.sources
    assert at(sources.locate("/units/0/missing/deeper")) == ("ex.yaml", 2, 5)
    assert at(sources.locate("/units/7")) == ("ex.yaml", 2, 3)
    assert at(sources.locate("/units/01")) == ("ex.yaml", 2, 3)
    assert at(sources.locate("/units/0/id/x")) == ("ex.yaml", 2, 9)
    assert at(sources.locate_key("/nothing")) == ("ex.yaml", 1, 1)
    assert at(sources.locate("no-slash")) == ("ex.yaml", 1, 1)
    assert sources.file_of("/units/0") == str(tmp_path / "ex.yaml")


def test_pointer_escapes(tmp_path: Path) -> None:
    """~0 and ~1 in pointers reach keys holding ~ and /."""
    document = loaded(tmp_path, "m:\n  a/b: 1\n  c~d: 2\n")
    assert at(document.sources.locate("/m/a~1b")) == ("ex.yaml", 2, 8)
    assert at(document.sources.locate("/m/c~0d")) == ("ex.yaml", 3, 8)


# --- JSON -------------------------------------------------------------------------------------


def test_json_positions(tmp_path: Path) -> None:
    """JSON values and keys are located, tab indentation included."""
    text = '{\n\t"exercise": {"id": "X"},\n\t"units": [\n\t\t{"id": "U1", "nation": "NO"}\n\t]\n}\n'
    document = loaded(tmp_path, text, "ex.json")
    assert document.data == {"exercise": {"id": "X"}, "units": [{"id": "U1", "nation": "NO"}]}
    assert at(document.sources.locate("/exercise/id")) == ("ex.json", 2, 21)
    assert at(document.sources.locate("/units/0/nation")) == ("ex.json", 4, 26)
    assert at(document.sources.locate_key("/units/0/nation")) == ("ex.json", 4, 16)


@pytest.mark.parametrize(
    ("content", "code", "line", "col"),
    [
        pytest.param('{"a": 1,}', "json-syntax", 1, 9, id="trailing-comma"),
        pytest.param('{\n  "a": 1\n  "b": 2\n}', "json-syntax", 3, 3, id="missing-comma"),
        pytest.param("a: 1\n", "json-syntax", 1, 1, id="yaml-in-json"),
        pytest.param('{"a": 1,\n "b": 2,\n "a": 3}', "duplicate-key", 3, 2, id="duplicate-key"),
        pytest.param("[1, 2]", "not-a-mapping", 1, 1, id="array"),
        pytest.param(" \n\t\n", "empty-file", 0, 0, id="blank"),
        pytest.param("[" * 100_000, "nesting-too-deep", 1, 65, id="deep"),
        pytest.param('{"a": ' + "[" * 70 + "]" * 70 + "}", "nesting-too-deep", 1, 70, id="deep-but-valid"),
    ],
)
def test_refused_json(tmp_path: Path, content: str, code: str, line: int, col: int) -> None:
    """JSON refusals carry the exact position of the problem."""
    assert refused(tmp_path, content, "ex.json")[:3] == (code, line, col)


def test_json_positions_survive_what_yaml_refuses(tmp_path: Path) -> None:
    """Surrogate-pair escapes and raw U+2028 / C1 characters in JSON strings keep positions right."""
    text = '{"a": "\\ud83d\\ude00", "b\u2028": "\x85", "b\u2029": 1,\n "c": [true]}'
    document = loaded(tmp_path, text, "ex.json")
    assert document.data == {"a": "\U0001F600", "b\u2028": "\x85", "b\u2029": 1, "c": [True]}
    assert at(document.sources.locate("/c/0")) == ("ex.json", 2, 8)
    assert at(document.sources.locate_key("/b\u2029")) == ("ex.json", 1, 34)


def test_json_lone_surrogate_refused(tmp_path: Path) -> None:
    """Half a surrogate pair is not a character: refused where it is written."""
    assert refused(tmp_path, '{"a": 1,\n "b": "x\\udc00"}', "ex.json")[:3] == ("json-syntax", 2, 9)


def test_json_keeps_json_types(tmp_path: Path) -> None:
    """JSON data comes from the JSON parser: strings stay strings, numbers numbers."""
    document = loaded(tmp_path, '{"nation": "NO", "n": 0, "x": 1.5, "t": true, "z": null, "s": "a\\/b"}', "ex.json")
    assert document.data == {"nation": "NO", "n": 0, "x": 1.5, "t": True, "z": None, "s": "a/b"}


# --- includes and merging ----------------------------------------------------------------------


def make_tree(tmp_path: Path) -> Path:
    """root includes a (which includes sub/c) and b; each adds injects."""
    write(tmp_path, "root.yaml",
          "exgen: 1\ninclude: [a.yaml, b.yaml]\nexercise: {id: X}\ninjects:\n  - {id: R0}\n  - {id: R1}\n")
    write(tmp_path, "a.yaml", "include:\n  - sub/c.yaml\nexgen: 1\ninjects:\n  - id: A0\n    title: from a\n")
    write(tmp_path, "sub/c.yaml", "# c\ninjects:\n  - id: C0\n    title: from c\nexcon:\n  cells: [{id: WHITE}]\n")
    write(tmp_path, "b.yaml",
          "units: [{id: U1}]\ninjects:\n  - id: B0\n  - id: B1\n    to: [U1, U2]\nexcon:\n  cells: [{id: GREEN}]\n")
    return tmp_path / "root.yaml"


def test_merge_order_and_offsets(tmp_path: Path) -> None:
    """Lists concatenate depth-first pre-order and every item locates in its own file."""
    document, diagnostics = load(make_tree(tmp_path))
    assert diagnostics == [] and document is not None
    assert [i["id"] for i in document.data["injects"]] == ["R0", "R1", "A0", "C0", "B0", "B1"]
    assert "include" not in document.data
    assert document.data["excon"] == {"cells": [{"id": "WHITE"}, {"id": "GREEN"}]}
    sources = document.sources
    assert at(sources.locate("/injects/1/id")) == ("root.yaml", 6, 10)
    assert at(sources.locate("/injects/2/title")) == ("a.yaml", 6, 12)
    assert at(sources.locate_key("/injects/3/title")) == ("c.yaml", 4, 5)
    assert at(sources.locate("/injects/5/to/1")) == ("b.yaml", 5, 14)
    assert at(sources.locate("/excon/cells/1/id")) == ("b.yaml", 7, 16)
    assert at(sources.locate("/excon/cells/0")) == ("c.yaml", 6, 11)
    assert at(sources.locate("/units/0/id")) == ("b.yaml", 1, 14)
    assert at(sources.locate("/injects")) == ("root.yaml", 5, 3)
    assert sources.file_of("/injects/3") == os.path.join(str(tmp_path), "sub", "c.yaml")


def test_files_and_displays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Displays are the root as given and includes joined to it; hashes are of the bytes."""
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    document, _ = load("./root.yaml")
    assert document is not None
    assert [f.display for f in document.files] == ["./root.yaml", "a.yaml", os.path.join("sub", "c.yaml"), "b.yaml"]
    assert document.root == document.files[0]
    assert document.root.path == (tmp_path / "root.yaml").resolve()
    assert document.root.sha256 == hashlib.sha256((tmp_path / "root.yaml").read_bytes()).hexdigest()
    assert document.sources.locate("/injects/3").file == os.path.join("sub", "c.yaml")
    assert isinstance(document.files[0], SourceFile)


def test_duplicate_section(tmp_path: Path) -> None:
    """A non-list section in two files is reported at the second file's key."""
    root = write(tmp_path, "root.yaml", "include: [more.yaml]\nexercise: {id: X}\n")
    write(tmp_path, "more.yaml", "units: []\nexercise:\n  id: Y\n")
    document, diagnostics = load(root)
    found = only(diagnostics)
    assert (found.code, *at(found.location)) == ("duplicate-section", "more.yaml", 2, 1)
    assert str(root) in found.message
    assert document is not None and document.data["exercise"] == {"id": "X"}


def test_exgen_version_may_repeat_only_if_equal(tmp_path: Path) -> None:
    """exgen: 1 may appear in every file; a different value is a duplicate section."""
    root = write(tmp_path, "root.yaml", "exgen: 1\ninclude: [same.yaml, other.yaml]\n")
    write(tmp_path, "same.yaml", "exgen: 1\n")
    write(tmp_path, "other.yaml", "\nexgen: 2\n")
    found = only(load(root)[1])
    assert (found.code, *at(found.location)) == ("duplicate-section", "other.yaml", 2, 1)


def test_excon_members_other_than_lists_conflict(tmp_path: Path) -> None:
    """excon list members merge; a repeated non-list member is a duplicate section."""
    root = write(tmp_path, "root.yaml", "include: [x.yaml]\nexcon:\n  cells: [{id: A}]\n  lead: Smith\n")
    write(tmp_path, "x.yaml", "excon:\n  cells: [{id: B}]\n  lead: Jones\n")
    document, diagnostics = load(root)
    found = only(diagnostics)
    assert (found.code, *at(found.location)) == ("duplicate-section", "x.yaml", 3, 3)
    assert document is not None and document.data["excon"] == {"cells": [{"id": "A"}, {"id": "B"}], "lead": "Smith"}


@pytest.mark.parametrize(
    ("include", "code", "col"),
    [
        pytest.param("../outside.yaml", "include-escape", 11, id="parent-dir"),
        pytest.param("/etc/passwd", "include-escape", 11, id="absolute"),
        pytest.param("sub/../../outside.yaml", "include-escape", 11, id="dotdot-inside"),
        pytest.param("missing.yaml", "file-not-found", 11, id="missing"),
        pytest.param("sub", "file-unreadable", 11, id="directory"),
        pytest.param("42", "include-invalid", 11, id="not-a-string"),
        pytest.param("''", "include-invalid", 11, id="empty-string"),
    ],
)
def test_include_entry_problems(tmp_path: Path, include: str, code: str, col: int) -> None:
    """Bad include entries are located at the entry in the including file."""
    write(tmp_path, "outside.yaml", "units: []\n")
    (tmp_path / "defs" / "sub").mkdir(parents=True)
    root = write(tmp_path, "defs/root.yaml", f"exgen: 1\ninclude: [{include}]\n")
    document, diagnostics = load(root)
    found = only(diagnostics)
    assert (found.code, *at(found.location)) == (code, "root.yaml", 2, col)
    assert document is not None and document.data == {"exgen": 1}


def test_include_not_a_list(tmp_path: Path) -> None:
    """include must be a list."""
    root = write(tmp_path, "root.yaml", "exgen: 1\ninclude: a.yaml\n")
    found = only(load(root)[1])
    assert (found.code, *at(found.location)) == ("include-invalid", "root.yaml", 2, 10)


def test_include_symlink_outside_refused(tmp_path: Path) -> None:
    """A symlink inside the directory that points outside it is an escape."""
    write(tmp_path, "secret.yaml", "units: []\n")
    root = write(tmp_path, "defs/root.yaml", "include:\n  - link.yaml\n")
    (tmp_path / "defs" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    found = only(load(root)[1])
    assert (found.code, *at(found.location)) == ("include-escape", "root.yaml", 2, 5)


def test_include_symlink_inside_allowed(tmp_path: Path) -> None:
    """A symlink to a file in the same tree is fine."""
    write(tmp_path, "defs/real.yaml", "units: [{id: U}]\n")
    root = write(tmp_path, "defs/root.yaml", "include: [alias.yaml]\n")
    (tmp_path / "defs" / "alias.yaml").symlink_to(tmp_path / "defs" / "real.yaml")
    document, diagnostics = load(root)
    assert diagnostics == [] and document is not None and document.data == {"units": [{"id": "U"}]}


def test_include_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """root → a → b → a is a cycle reported at b's entry, naming the chain."""
    write(tmp_path, "root.yaml", "include: [a.yaml]\nexgen: 1\n")
    write(tmp_path, "a.yaml", "include: [b.yaml]\n")
    write(tmp_path, "b.yaml", "units: []\ninclude: [a.yaml]\n")
    monkeypatch.chdir(tmp_path)
    document, diagnostics = load("root.yaml")
    found = only(diagnostics)
    assert (found.code, *at(found.location)) == ("include-cycle", "b.yaml", 2, 11)
    assert "a.yaml → b.yaml → a.yaml" in found.message
    assert document is not None


def test_include_of_root_is_a_cycle(tmp_path: Path) -> None:
    """Including the root from below is a cycle too."""
    root = write(tmp_path, "root.yaml", "include: [a.yaml]\n")
    write(tmp_path, "a.yaml", "include: [root.yaml]\n")
    assert only(load(root)[1]).code == "include-cycle"


def test_include_duplicate(tmp_path: Path) -> None:
    """The same file included twice: the second is skipped and reported."""
    root = write(tmp_path, "root.yaml", "include: [a.yaml, b.yaml]\n")
    write(tmp_path, "a.yaml", "include: [c.yaml]\n")
    write(tmp_path, "b.yaml", "include:\n  - ./c.yaml\n")
    write(tmp_path, "c.yaml", "injects: [{id: C}]\n")
    document, diagnostics = load(root)
    found = only(diagnostics)
    assert (found.code, *at(found.location)) == ("include-duplicate", "b.yaml", 2, 5)
    assert document is not None and document.data == {"injects": [{"id": "C"}]}


def test_bad_included_file_skipped_others_load(tmp_path: Path) -> None:
    """An included file with errors is reported in place and skipped; the rest still merges."""
    root = write(tmp_path, "root.yaml", "include: [bad.yaml, dup.yaml, good.yaml]\ninjects: [{id: R}]\n")
    write(tmp_path, "bad.yaml", "injects:\n  - id: [\n")
    write(tmp_path, "dup.yaml", "injects:\n  - id: D\n    id: E\n")
    write(tmp_path, "good.yaml", "injects: [{id: G}]\n")
    document, diagnostics = load(root)
    assert sorted((d.code, *at(d.location)) for d in diagnostics) == [
        ("duplicate-key", "dup.yaml", 3, 5),
        ("yaml-syntax", "bad.yaml", 3, 1),
    ]
    assert document is not None and document.data == {"injects": [{"id": "R"}, {"id": "G"}]}
    assert at(document.sources.locate("/injects/1/id")) == ("good.yaml", 1, 16)
    assert [Path(f.display).name for f in document.files] == ["root.yaml", "bad.yaml", "dup.yaml", "good.yaml"]


def test_root_with_errors_gives_no_document_but_all_diagnostics(tmp_path: Path) -> None:
    """A root with content errors is not used, yet its includes are still checked."""
    root = write(tmp_path, "root.yaml", "include: [a.yaml]\nx: 1\nx: 2\n")
    write(tmp_path, "a.yaml", "a: !bad 1\n")
    document, diagnostics = load(root)
    assert document is None
    assert sorted(d.code for d in diagnostics) == ["duplicate-key", "yaml-tag"]


def test_json_include_from_yaml(tmp_path: Path) -> None:
    """A YAML root may include JSON, located by the JSON file's positions."""
    root = write(tmp_path, "root.yaml", "include: [units.json]\nunits: [{id: A}]\n")
    write(tmp_path, "units.json", '{"units": [\n  {"id": "B"}\n]}\n')
    document, diagnostics = load(root)
    assert diagnostics == [] and document is not None
    assert at(document.sources.locate("/units/1/id")) == ("units.json", 2, 10)


def test_example_files_in_data_dir() -> None:
    """The checked-in example tree loads, with items located in their include."""
    document, diagnostics = load(LOAD_DATA / "tree" / "root.yaml")
    assert diagnostics == [] and document is not None
    assert [i["id"] for i in document.data["injects"]] == ["INJ-001", "INJ-002", "INJ-101"]
    assert at(document.sources.locate("/injects/2/threat/ids/0")) == ("day2.yaml", 7, 13)


# --- never raises -----------------------------------------------------------------------------


def load_content(content: bytes, suffix: str) -> tuple[Document | None, list[Diagnostic]]:
    """Load bytes written to a fresh temporary file."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"input{suffix}"
        path.write_bytes(content)
        return load(path)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".json"]))
def test_arbitrary_bytes_never_raise(content: bytes, suffix: str) -> None:
    """Any bytes give a result, never an exception."""
    document, diagnostics = load_content(content, suffix)
    assert document is not None or diagnostics


YAML_PIECES = [*"ab:-[]{}&*!?|>'\"#,.~0123 \t\n\r%@`\\", "NO", "é", "\x07", "---", "!!int ", "&a ", "*a", "? ", "\n  "]
YAMLISH = st.lists(st.sampled_from(YAML_PIECES), max_size=80).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(st.text(max_size=300), YAMLISH), suffix=st.sampled_from([".yaml", ".json"]))
def test_arbitrary_text_never_raises(content: str, suffix: str) -> None:
    """Any text (valid UTF-8) gives a result, and every diagnostic is located in the file."""
    document, diagnostics = load_content(content.encode("utf-8", "surrogatepass"), suffix)
    assert document is not None or diagnostics
    assert all(d.location.file.endswith(suffix) for d in diagnostics)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=20,
)


def pointers(value: object, pointer: str = "") -> list[tuple[str, object]]:
    """Every (pointer, value) pair in plain data."""
    found = [(pointer, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += pointers(item, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += pointers(item, f"{pointer}/{index}")
    return found


@settings(max_examples=150, deadline=None)
@given(data=JSON_VALUES)
def test_json_documents_round_trip(data: object) -> None:
    """Any JSON object loads to the same data, and every value and key is located exactly."""
    text = json.dumps({"root": data}, indent=1)
    document, diagnostics = load_content(text.encode(), ".json")
    assert diagnostics == [] and document is not None
    assert document.data == {"root": data}
    lines = text.split("\n")
    for pointer, value in pointers(document.data):
        where = document.sources.locate(pointer)
        written = lines[where.line - 1][where.col - 1 :]
        expected = {dict: "{", list: "["}.get(type(value)) or json.dumps(value)
        assert written.startswith(expected), (pointer, where)
        if pointer:
            key = document.sources.locate_key(pointer)
            name = pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            parent = document.data if pointer.count("/") == 1 else None
            if parent is not None or key != where:
                assert lines[key.line - 1][key.col - 1 :].startswith(json.dumps(name) if key != where else expected)
