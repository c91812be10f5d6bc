"""The fast XLSX writer (exgen.render.xlsx_fast, xlsx_rows) gives the long way's workbook, byte for byte.

Every spec is converted twice, with the fast path (the default) and without it (XlsxWriter's own
worksheet, packager and per-cell calls): the bytes, or the error message, must be the same. The
specs plant what the fast path leaves to the long way: text XlsxWriter rewrites (control
characters, ``_xHHHH_``, ``&<>``, edge spaces, rich-looking text), text too long for the short
cut, cells with a format or span, bad cells, and the templates' own workbooks.
"""

from __future__ import annotations

import io
import json
import random
import re
import typing as t
from pathlib import Path

import pytest
import xlsxwriter

from exgen.render import convert, xlsx_fast
from exgen.render.convert import ConvertError
from exgen.render.xlsx import json_to_xlsx
from exgen.render.xlsx_rows import RowHeights, fit_row
from tests.render.mel_definition import build

CTX = {"exercise": {"startex": "2027-05-10T06:00:00Z"}}
FORMATS = {"wrap": {"text_wrap": True, "valign": "top"}, "big": {"font_size": 14, "text_wrap": True},
           "mid": {"font_size": 12}, "small": {"font_size": 8.5, "text_wrap": True},
           "head": {"bold": True, "bottom": 2, "font_size": 10}, "in": {"locked": False, "num_format": "@"},
           "band": {"bg_color": "#EEF2F7", "top": 1}}
ODD_TEXT = ["a & b", "<r>rich?</r>", "x < y > z", " leading", "trailing ", "tab\there", "two\nlines\n",
            "bell\x07", "_x0041_ literal", "non\ufffechar", "\uffff", "quote \" mark", "", "é ü 😀", "=1+1",
            "+SUM(A1)", "http://example.org", "123", "1e5", "  "]


def _both(spec: t.Any, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes | str, bytes | str]:
    """The workbook (or the error message) of ``spec`` with the fast path, then the long way."""
    text = spec if isinstance(spec, str) else json.dumps(spec)
    out: list[bytes | str] = []
    for enabled in (True, False):
        monkeypatch.setattr(xlsx_fast, "ENABLED", enabled)
        try:
            out.append(json_to_xlsx(text, CTX))
        except ConvertError as exc:
            out.append(str(exc))
    return out[0], out[1]


def _cell(rng: random.Random) -> t.Any:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(["Patrol reports", "Serial", "D+1 06:30", "B09-HQ", "TO-1; TO-3"]) + " " * rng.randint(0, 1) \
            + "word " * rng.randint(0, 60)
    if roll < 0.55:
        return rng.choice(ODD_TEXT)
    if roll < 0.7:
        return rng.choice([0, 7, -3, 10**15, 2**53 + 1, 0.1, -2.5e-7, 1e300, 3.0])
    if roll < 0.85:
        return None
    return {"value": rng.choice(["x", None, 5, "y\nz"]), "format": rng.choice([None, "wrap", "big", "band"])}


def _spec(seed: int) -> dict[str, t.Any]:
    """A workbook of every kind of sheet the templates make, with random cells."""
    rng = random.Random(seed)
    columns = [{"header": f"Col {i}", "width": rng.choice([5, 12, 30, 60]),
                "format": rng.choice([None, "wrap", "big", "mid", "small", "in"]),
                **({"hidden": True} if i == 3 else {})} for i in range(9)]
    rows = [[_cell(rng) for _ in range(rng.randint(0, 11))] for _ in range(120)]
    for row in rows[::7]:  # a banner: one merged cell (merges must not overlap)
        row[:1] = [{"value": "merged " * rng.randint(1, 30), "format": "band", "span": rng.randint(1, 3)}]
    sheets: list[dict[str, t.Any]] = [
        {"name": "All", "columns": columns, "rows": rows, "header_format": "head", "freeze": [1, 2],
         "autofilter": True, "row_heights": "auto", "fit_to_width": True, "print_min_pt": 7, "landscape": True,
         "validations": [{"column": 8, "list": ["Planned", "Delivered"]}]},
        {"name": "Picked", "columns": columns[:4], "pick": [0, 5, 2, 20], "rows": rows, "row_heights": "auto",
         "row_levels": [rng.randint(0, 2) for _ in rows]},
        {"name": "Plain", "header": False, "rows": rows[:40], "protect": True},
        {"name": "Empty", "columns": columns[:2]},
        {"name": "Form", "header": False, "rows": [[{"value": "T", "format": "band", "span": 4}], ["a", 1]],
         "merges": [{"range": [4, 0, 5, 1], "value": "box", "format": "wrap"}], "hidden": "very_hidden"},
    ]
    return {"properties": {"title": "T & <t>"}, "formats": FORMATS, "sheets": sheets,
            "protect_structure": seed % 2 == 0}


def test_the_fast_path_is_the_one_in_use() -> None:
    """The pinned XlsxWriter is the version the fast path mirrors; bumping it must be checked here."""
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8")
    assert f'"XlsxWriter=={xlsx_fast.MIRRORED}"' in pyproject
    assert xlsxwriter.__version__ == xlsx_fast.MIRRORED and xlsx_fast.ENABLED
    assert issubclass(xlsx_fast.fast_workbook(xlsxwriter.Workbook).worksheet_class, xlsx_fast.FastWorksheet)


@pytest.mark.parametrize("seed", range(6))
def test_random_workbooks_are_byte_identical_both_ways(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, long = _both(_spec(seed), monkeypatch)
    assert isinstance(fast, bytes) and fast == long


def test_long_text_and_text_xlsxwriter_rewrites_are_identical_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    long_texts = ["x" * 16383, "y" * 16384, "z" * 32767, "w" * 40000, "😀" * 20000, "_x0000_" * 3000]
    spec = {"sheets": [{"name": "S", "columns": [{"width": 40, "format": "wrap"}], "row_heights": "auto",
                        "rows": [[text, *ODD_TEXT] for text in long_texts] + [ODD_TEXT, ODD_TEXT[::-1]]}],
            "formats": FORMATS}
    fast, long = _both(spec, monkeypatch)
    assert isinstance(fast, bytes) and fast == long


@pytest.mark.parametrize("cell", ["true", "[1]", '{"value": 1, "x": 2}', "Infinity", "NaN", '{"value": "v", "span": 0}',
                                  '{"value": [1]}', '"ok"'])
def test_bad_cells_fail_with_the_same_message_both_ways(cell: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{"sheets": [{"name": "S", "rows": [["a", 1, null, ' + cell + ', "after"], ["b", ' + cell + "]]}]}"
    fast, long = _both(text, monkeypatch)
    assert fast == long
    if cell != '"ok"':
        assert isinstance(fast, str) and re.match(r"xlsx spec sheets\[0\]\.rows\[0\]\[3\]", fast), fast


def test_a_cell_beyond_the_last_column_fails_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    for last in ("null", '"x"', "5"):
        text = '{"sheets": [{"name": "S", "rows": [[' + ", ".join(["1"] * 16384 + [last]) + "]]}]}"
        fast, long = _both(text, monkeypatch)
        assert fast == long == "xlsx spec sheets[0].rows[0][16384]: beyond Excel's 16,384 columns"


def test_row_heights_match_the_row_by_row_estimate() -> None:
    rng = random.Random(7)
    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    formats = {name: book.add_format(props) for name, props in FORMATS.items()}
    looked: list[t.Any] = []

    def fmt(name: t.Any, where: str) -> t.Any:
        looked.append(name)
        return formats.get(name) if name else None

    for _ in range(40):
        widths = [float(rng.choice([4, 9.5, 30, 61])) for _ in range(rng.randint(0, 8))]
        col_formats = [formats.get(rng.choice(["wrap", "big", "mid", "small", "head", "none"])) for _ in widths]
        heights = RowHeights(widths, col_formats)
        for _ in range(30):
            row = [_cell(rng) for _ in range(rng.randint(0, 12))]
            looked.clear()
            fast = heights.of(row, fmt)
            fast_looks = list(looked)
            looked.clear()
            assert fast == fit_row(row, widths, col_formats, fmt) and fast_looks == looked


def test_the_templates_workbooks_are_byte_identical_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The MEL/MIL (hierarchy, custom columns, formula-looking text) and the evaluation workbook."""
    specs: dict[str, str] = {}
    real = convert.convert_in_fresh_process

    def keep(kind: str, source: str, folder: str, rel: str, startex: str, **kw: t.Any) -> tuple[str, str, int]:
        if kind == "xlsx":
            specs[rel] = Path(source).read_text("utf-8")
        return real(kind, source, folder, rel, startex, **kw)

    monkeypatch.setenv("EXGEN_NO_CACHE", "1")
    monkeypatch.setattr(convert, "convert_in_fresh_process", keep)
    pkg = build(tmp_path, only=["msel", "eeg"])
    assert {"msel/msel.xlsx", "evaluation/evaluation-workbook.xlsx"} <= set(specs)
    for rel, text in specs.items():
        fast, long = _both(text, monkeypatch)
        assert isinstance(fast, bytes) and fast == long == (pkg / rel).read_bytes(), rel
