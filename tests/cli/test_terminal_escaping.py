"""User text printed to a terminal or a CI log: no control sequence survives, no line is forged."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from exgen.core.text import json_text, printable, printable_lines
from tests.conftest import FLAGSHIP, ROOT, plant

#: ESC, BEL, the one-byte CSI (U+009B), DEL and a bidirectional override: none may reach the output raw.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: A title (YAML double-quoted escapes) that sets the terminal title, clears the screen, recolours
#: and tries to forge a second diagnostic line.
HOSTILE_TITLE = r'"Evil\e]0;pwned\a\e[2J\nfake.yaml:1:1: error[forged]: x\u009b31m\u202eend"'
#: A file name that tries to forge a GitHub annotation and carries CSI/OSC sequences.
HOSTILE_NAME = "x\n::error file=x::forged\x1b[31mred\x1b]0;t\x07%0A,:.yaml"
DIAGNOSTIC = re.compile(r"^[^\n]*:\d+:\d+: (error|warning|info)\[[a-z0-9-]+\]: ")
SUMMARY = re.compile(r"^\d+ files?, \d+ errors?, \d+ warnings?$")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_printable_escapes_every_control_and_keeps_text() -> None:
    assert printable("a\x1b[31mb\x1b]0;t\x07c\nd\re\tf\x9bg\x7fh\u202ei") == (
        "a\\x1b[31mb\\x1b]0;t\\x07c\\nd\\re\\tf\\x9bg\\x7fh\\u202ei")
    assert printable("Vježba Јадран 2027 — ok") == "Vježba Јадран 2027 — ok"
    assert printable_lines("one\x1b[2J\ntwo") == "one\\x1b[2J\ntwo"
    text = json_text({"t": "a\x1b\x9b\u202e\u2028b"})
    assert not RAW.search(text) and "\u2028" not in text and json.loads(text) == {"t": "a\x1b\x9b\u202e\u2028b"}


@pytest.fixture
def hostile_copy(flagship_copy: Path) -> Path:
    """The flagship with an extra objective (never exercised: its title is echoed in a warning)
    and an inject whose titles carry escape sequences, a BEL, a CSI, a bidi override and a newline."""
    plant(flagship_copy, "\nobjectives:\n", f"\nobjectives:\n  - {{id: TO-99, title: {HOSTILE_TITLE}}}\n")
    day1 = flagship_copy.parent / "injects" / "day1.yaml"
    plant(day1, 'title: "MND FRAGO 03: MNB assumes responsibility for the Dalvora corridor"',
          f"title: {HOSTILE_TITLE}")
    plant(flagship_copy, "name: Adriatic Shield 2027", f"name: {HOSTILE_TITLE}")
    return flagship_copy


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_validate_escapes_planted_titles_in_every_format(hostile_copy: Path, fmt: str) -> None:
    code, out, err = _run("validate", "--format", fmt, str(hostile_copy))
    assert code in (0, 1) and not RAW.search(out + err), repr(out + err)
    assert "TO-99" in out  # the title really is echoed (objective-not-exercised or its refusal)
    if fmt == "text":
        assert all(DIAGNOSTIC.match(row) or SUMMARY.match(row) for row in out.splitlines()), out
        assert not any(row.startswith("fake.yaml") for row in out.splitlines())
    elif fmt == "github":
        assert all(row.startswith(("::error ", "::warning ", "::notice ")) or SUMMARY.match(row)
                   for row in out.splitlines()), out
    else:
        json.loads(out)


def test_comms_text_and_json_escape_the_exercise_name(hostile_copy: Path) -> None:
    code, out, err = _run("comms", str(hostile_copy))
    if code == 0:  # the name is allowed: the view shows it escaped
        assert "Evil\\x1b]0;pwned\\x07\\x1b[2J\\nfake.yaml" in out
    assert not RAW.search(out + err)
    code, out, err = _run("comms", "--format", "json", str(hostile_copy))
    assert not RAW.search(out + err)


def test_build_summary_and_templates_list_escape_paths(tmp_path: Path, no_pdf: str) -> None:
    out_dir = tmp_path / "pkg\x1b]0;x\x07"
    code, out, err = _run("build", str(FLAGSHIP), "-o", str(out_dir), "--only", "index", "--templates", no_pdf)
    assert code == 0 and out.startswith(f"Built {tmp_path}/pkg\\x1b]0;x\\x07:") and not RAW.search(out + err)
    overrides = tmp_path / "over\x1b[31m"
    overrides.mkdir()
    (overrides / "evil\x1b[2J.html.j2").write_text("x", "utf-8")
    code, out, err = _run("templates", "list", "--templates", str(overrides))
    assert code in (0, 1) and not RAW.search(out + err)
    if code == 0:
        assert "evil\\x1b[2J.html.j2" in out


def test_generate_coverage_report_escapes_brief_text(tmp_path: Path) -> None:
    brief_dir = ROOT / "scenarios" / "briefs"
    brief = next(p for p in sorted(brief_dir.rglob("*.yaml")) if "brief: 1" in p.read_text("utf-8"))
    text = brief.read_text("utf-8")
    match = re.search(r"^(\s+title: )(.+)$", text, re.M)
    assert match, "the bundled brief has an objective title"
    hostile = tmp_path / "brief"
    hostile.mkdir()
    for p in brief.parent.iterdir():
        if p.is_file():
            (hostile / p.name).write_bytes(p.read_bytes())
    target = hostile / brief.name
    target.write_text(text[:match.start(2)] + HOSTILE_TITLE + text[match.end(2):], "utf-8")
    code, out, err = _run("generate", str(target), "-o", str(tmp_path / "draft"))
    assert not RAW.search(out + err), repr(out + err)
    assert not any(row.startswith("fake.yaml") for row in (out + err).splitlines())
    if code == 0:
        assert "Evil\\x1b]0;pwned\\x07\\x1b[2J\\nfake.yaml" in out


def _hostile_file(folder: Path) -> Path:
    """A definition whose file name forges a GitHub annotation and carries CSI/OSC sequences (Linux allows it)."""
    path = folder / HOSTILE_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"exgen: 1\nexercise: {id: X}\n")
    os.close(fd)
    return path


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif"])
def test_file_name_cannot_forge_lines_or_annotations(tmp_path: Path, fmt: str) -> None:
    path = _hostile_file(tmp_path)
    code, out, err = _run("validate", "--format", fmt, str(path))
    assert code == 1 and not RAW.search(out + err)
    rows = out.splitlines()
    if fmt == "text":
        assert len(rows) == 6 and all(DIAGNOSTIC.match(r) for r in rows[:5]) and SUMMARY.match(rows[5])
        assert all(r.startswith(f"{tmp_path}/x\\n::error file=x::forged\\x1b[31mred") for r in rows[:5])
    elif fmt == "github":
        annotations = [r for r in rows if r.startswith("::")]
        assert len(annotations) == 5 and len(rows) == 6
        for row in annotations:
            props, message = row[len("::error "):].split("::", 1)
            assert props.split(",")[0].startswith("file=") and "::" not in message
            assert dict(p.split("=", 1) for p in props.split(","))["title"] == "schema-required"
            assert "%0A%3A%3Aerror file=x%3A%3Aforged\\x1b[31mred\\x1b]0;t\\x07%250A%2C%3A.yaml" in props
    elif fmt == "json":
        assert {d["file"] for d in json.loads(out)["diagnostics"]} == {str(path)}
    else:
        uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        from urllib.parse import unquote, urlparse
        assert unquote(urlparse(uri["uri"]).path) == str(path) and "\n" not in uri["uri"]


def test_escaping_holds_in_a_real_piped_process(tmp_path: Path) -> None:
    path = _hostile_file(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "exgen", "validate", str(path)], capture_output=True, timeout=120)
    assert proc.returncode == 1 and b"\x1b" not in proc.stdout + proc.stderr and b"\x07" not in proc.stdout
    assert proc.stdout.count(b"\n") == 6
