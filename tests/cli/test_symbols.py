"""``exgen symbols search``: codes found by what a unit is, as text, JSON and SVG previews."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from exgen.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["symbols", "search", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_search_engineer_lists_the_engineer_codes_with_a_whole_sidc() -> None:
    code, out, _ = run("engineer", "--echelon", "battalion")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "4 codes for 'engineer' in land unit (10):"
    assert lines[1].split() == ["140700", "10131000161407000000", "protection", "›", "engineer"]
    assert "140701  10131000161407010000  protection › engineer › mechanized engineer" in out
    assert "140800" not in out  # EOD is not an engineer code
    assert "Add --preview DIR" in out


def test_abbreviations_and_british_spelling_find_the_same_codes() -> None:
    assert run("engr")[1].splitlines()[1:5] == run("engineer")[1].splitlines()[1:5]
    code, out, _ = run("mechanised", "infantry", "--identity", "hostile", "--echelon", "company")
    assert code == 0 and "121102  10161000151211020000" in out


def test_json_output_parses_and_lists_every_match() -> None:
    code, out, _ = run("eod", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["found"] == 1 and doc["sets"] == ["10"]
    [match] = doc["codes"]
    assert match["entity"] == "140800" and match["sidc"] == "10131000001408000000"
    assert match["path"] == ["protection", "explosive ordnance disposal"] and match["preview"] is None


def test_other_symbol_sets_with_set() -> None:
    code, out, _ = run("engineer", "--set", "15", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["codes"] and {c["set"] for c in doc["codes"]} == {"15"}
    assert all(c["sidc"][4:6] == "15" and c["sidc"][8:10] == "00" for c in doc["codes"])
    code, out, _ = run("engineer", "--set", "all")
    assert code == 0 and "set 10  protection › engineer" in out and "set 15  engineer vehicles" in out


def test_preview_writes_an_svg_per_code(tmp_path: Path) -> None:
    folder = tmp_path / "previews"
    code, out, _ = run("engineer", "--echelon", "company", "--preview", str(folder), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert len(doc["codes"]) == 4
    for match in doc["codes"]:
        path = Path(match["preview"])
        assert path.parent == folder and path.name == f"{match['sidc']}.svg"
        text = path.read_text("utf-8")
        assert "<svg" in text and "fallback" not in text and match["drawn"] is True
        root = ET.fromstring(text.split("\n", 1)[1])
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.iter("{http://www.w3.org/2000/svg}path")


def test_preview_path_is_printed_in_text(tmp_path: Path) -> None:
    code, out, _ = run("military", "police", "--preview", str(tmp_path))
    assert code == 0 and f"preview: {tmp_path / '10131000001412000000.svg'}" in out
    assert (tmp_path / "10131000001412000000.svg").is_file()


def test_no_match_exits_1_with_a_plain_message() -> None:
    code, out, err = run("xyzzy")
    assert code == 1 and out == ""
    assert "no symbol in land unit (10) matches 'xyzzy'" in err and "Traceback" not in err


def test_limit_says_how_many_more() -> None:
    code, out, _ = run("signal", "--limit", "2")
    assert code == 0 and len([line for line in out.splitlines() if line.startswith("  1")]) == 2
    assert "… and 10 more (--limit 12 shows them all)" in out


def test_usage_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    code, _, err = run("engineer", "--set", "99")
    assert code == 2 and "'99' is not a symbol set" in err and "10 land unit" in err
    code, _, err = run("!!")
    assert code == 2 and "give at least one word" in err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("engineer", "--preview", str(blocker / "sub"))
    assert code == 1 and "cannot write the previews" in err and "Traceback" not in err


def test_as_a_real_subprocess(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "exgen", "symbols", "search", "engineer", "--format", "json",
                           "--preview", str(tmp_path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["codes"][0]["entity"] == "140700"
    assert "<svg" in Path(doc["codes"][0]["preview"]).read_text("utf-8")
    none = subprocess.run([sys.executable, "-m", "exgen", "symbols", "search", "nothing-like-this"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert none.returncode == 1 and "Traceback" not in none.stderr and "no symbol" in none.stderr
