"""Building the AAR package: `exgen aar` from the flagship's sample record and workbook, and from the
hand-made context of the contract (aar_context_sample.json): outputs, banners, determinism, goldens,
and bad inputs refused with a located diagnostic and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.aar.build import render_aar
from exgen.cli.commands import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "scenarios" / "adriatic-shield" / "aar"
RECORD, WORKBOOK = SAMPLES / "events.jsonl", SAMPLES / "evaluation-workbook.xlsx"
CONTEXT = Path(__file__).with_name("aar_context_sample.json")
GOLDEN = ROOT / "tests" / "golden" / "aar"
BANNER = "NATO UNCLASSIFIED — EXERCISE EXERCISE EXERCISE"
EXCON = "EXCON ONLY — DO NOT RELEASE TO THE TRAINING AUDIENCE"
OUTPUTS = ["aar/after-action-report.html", "aar/after-action-report.pdf", "aar/charts/comms-timeline.svg",
           "aar/charts/inject-execution.svg", "aar/improvement-plan.xlsx", "index.html", "manifest.json"]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _aar(*args: str) -> t.Any:
    return CliRunner().invoke(cli, ["aar", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(flagship_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("aar") / "aar"
    result = _aar(str(flagship_package), "--record", str(RECORD), "--workbook", str(WORKBOOK), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_the_aar_package_holds_every_declared_output(built: Path) -> None:
    files = _files(built)
    assert sorted(files) == OUTPUTS
    assert files["aar/after-action-report.pdf"].startswith(b"%PDF")
    manifest = json.loads(files["manifest.json"])
    assert manifest["exercise"] == "ADRIATIC-SHIELD-27"
    assert [i["file"] for i in manifest["inputs"]] == ["exercise.json", "events.jsonl", "evaluation-workbook.xlsx"]


def test_every_document_carries_the_banner_top_and_bottom_and_the_excon_line(built: Path) -> None:
    for name in ("index.html", "aar/after-action-report.html", "aar/charts/inject-execution.svg",
                 "aar/charts/comms-timeline.svg"):
        text = (built / name).read_text("utf-8")
        assert text.count(BANNER) >= 2 and EXCON in text, name
        assert text.index(EXCON) < text.rindex(BANNER), name


def test_the_pdf_carries_the_banner_and_excon_line_on_every_page(built: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(str(built / "aar/after-action-report.pdf")).pages
    assert len(pages) >= 5
    for n, page in enumerate(pages, 1):
        text = " ".join(page.extract_text().split())
        assert text.count(BANNER) >= 2 and EXCON in text, f"page {n}"


def test_the_report_quotes_the_ratings_and_observations_of_the_record_and_workbook(built: Path) -> None:
    html = (built / "aar/after-action-report.html").read_text("utf-8")
    for section in ("1. Overview", "2. Training objectives", "3. Inject execution", "4. Communications",
                    "5. Improvement plan"):
        assert section in html
    assert "Evaluators disagree" in html and "(workbook)" in html and "(record)" in html
    assert html.count('class="obs improvement"') >= 1 and html.count('class="obs strength"') >= 1


def test_the_improvement_plan_workbook_has_a_row_per_area_for_improvement(built: Path) -> None:
    import openpyxl

    html = (built / "aar/after-action-report.html").read_text("utf-8")
    sheet = openpyxl.load_workbook(built / "aar/improvement-plan.xlsx")["Improvement plan"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows and len(rows) == html.count('class="obs improvement"')
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert all(r[4] is None for r in rows)  # the corrective action is the planner's to fill


def test_the_same_inputs_give_a_byte_identical_aar(flagship_package: Path, built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = _aar(str(flagship_package), "--record", str(RECORD), "--workbook", str(WORKBOOK), "-o", str(again))
    assert result.exit_code == 0, result.output
    assert _files(again) == _files(built)


def test_the_context_sample_renders_the_golden_html(tmp_path: Path) -> None:
    """The AAR HTML of the contract's hand-made context; regenerate with EXGEN_UPDATE_AAR_GOLDEN=1."""
    context = json.loads(CONTEXT.read_text("utf-8"))
    result = render_aar(context, str(tmp_path / "out"), template_dirs=[str(_no_pdf(tmp_path))])
    assert result.ok, result.diagnostics
    for name in ("index.html", "aar/after-action-report.html"):
        got = (tmp_path / "out" / name).read_bytes()
        golden = GOLDEN / name
        if os.environ.get("EXGEN_UPDATE_AAR_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(got)
        assert got == golden.read_bytes(), name


def _no_pdf(tmp_path: Path) -> Path:
    """An override directory whose aar/outputs.yaml drops the PDF (the golden test is about the HTML)."""
    folder = tmp_path / "no-pdf"
    (folder / "aar").mkdir(parents=True)
    (folder / "aar" / "outputs.yaml").write_text(
        "outputs:\n  - {output: aar/after-action-report.pdf, template: aar/after-action-report.typ.j2, "
        "enabled: false}\n", "utf-8")
    return folder


def test_an_override_template_wins(tmp_path: Path) -> None:
    folder = _no_pdf(tmp_path)
    (folder / "aar" / "index.html.j2").write_text("OVERRIDE {{ exercise.id }}\n", "utf-8")
    context = json.loads(CONTEXT.read_text("utf-8"))
    result = render_aar(context, str(tmp_path / "out"), template_dirs=[str(folder)])
    assert result.ok, result.diagnostics
    assert (tmp_path / "out" / "index.html").read_text("utf-8") == "OVERRIDE ADRIATIC-SHIELD-27\n"
    assert not (tmp_path / "out" / "aar" / "after-action-report.pdf").exists()


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines(keepends=True)


def test_a_bad_record_line_is_located_exit_1_and_nothing_written(flagship_package: Path, tmp_path: Path) -> None:
    lines = _lines(RECORD)
    bad = tmp_path / "events.jsonl"
    bad.write_text("".join([*lines[:4], lines[4][: len(lines[4]) // 2] + "\n", *lines[5:]]), "utf-8")
    out = tmp_path / "aar"
    result = _aar(str(flagship_package), "--record", str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert f"{bad}:5:" in result.output and "aar-record-bad-json" in result.output
    assert not out.exists()


def test_a_folder_that_is_no_package_is_located_and_nothing_written(tmp_path: Path) -> None:
    out, folder = tmp_path / "aar", tmp_path / "not-a-package"
    folder.mkdir()
    result = _aar(str(folder), "--record", str(RECORD), "-o", str(out), "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)["diagnostics"]
    assert [d["code"] for d in found] == ["aar-package"]
    assert not out.exists()


def test_an_output_inside_the_package_is_refused(flagship_package: Path) -> None:
    before = _files(flagship_package)
    result = _aar(str(flagship_package), "--record", str(RECORD), "-o", str(flagship_package / "aar"))
    assert result.exit_code == 1 and "no AAR written" in result.output
    assert _files(flagship_package) == before


def test_exgen_aar_runs_as_a_program(flagship_package: Path, built: Path, tmp_path: Path) -> None:
    out = tmp_path / "aar"
    done = subprocess.run([sys.executable, "-m", "exgen", "aar", str(flagship_package), "--record", str(RECORD),
                           "--workbook", str(WORKBOOK), "-o", str(out)], capture_output=True, text=True, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Built {out}: 7 files")
    assert _files(out) == _files(built)
