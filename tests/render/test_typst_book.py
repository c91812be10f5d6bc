"""The exercise book's PDF through Typst (``convert: typst``): user text stays literal text, the
compiler sees only its own scratch root and exgen's fonts, the bytes repeat, and every page
carries the classification banner and marking."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from exgen import pipeline
from exgen.core.resources import data_dir
from exgen.render.convert import ConvertError
from exgen.render.typst import fonts_dir, typst_str, typst_text, typst_to_pdf
from tests.conftest import FLAGSHIP_DIR, plant

pypdf = pytest.importorskip("pypdf")

CTX = {"exercise": {"startex": "2027-05-10T06:00:00Z"}}
HOSTILE = ['#sys.exit()', '#read("/etc/passwd")', "$x^2$", "*bold*", "_under_", "`raw`", "<label>", "@ref",
           "[content]", "back\\slash", "// not a comment", "/* not a comment */", 'a "quote"', "#{1 + 1}",
           "= not a heading", "- not a list", "~ tilde", "#let x = 1", "#import \"@preview/cetz:0.3.0\""]


def pdf_text(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def build_book(src: Path, out: Path) -> Path:
    result = pipeline.build(str(src), str(out), only=["book"])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out / "book" / "exercise-book.pdf"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_typst_filter_prints_hostile_text_literally(hostile: str) -> None:
    pdf = typst_to_pdf("#set page(width: 16cm, height: auto)\nBefore " + typst_text(hostile) + ".len() after\n"
                       "#text(" + typst_str(hostile) + ")", CTX)
    flat = pdf_text(pdf)[0]
    assert f"Before {hostile}.len() after" in flat and flat.endswith(hostile), flat


def test_control_characters_are_escaped_not_interpreted() -> None:
    assert typst_str('a\\"\n\t\x00') == '"a\\\\\\"\\n\\t\\u{0}"'


def test_hostile_exercise_and_inject_titles_reach_the_book_as_text(tmp_path: Path) -> None:
    src = tmp_path / "ex"
    shutil.copytree(FLAGSHIP_DIR, src)
    name = 'Shield #sys.exit() #read("/etc/passwd") $x$ *bold* <l> @r [a] // c'
    plant(src / "exercise.yaml", "name: Adriatic Shield 2027", "name: '" + name + "'")
    title = "Maintain brigade command and control in a contested electromagnetic environment"
    plant(src / "exercise.yaml", title, "'#panic(\"boom\") _x_ `y` \\\\ " + title + "'")
    pages = pdf_text(build_book(src / "exercise.yaml", tmp_path / "pkg").read_bytes())
    text = " ".join(pages)
    assert name in pages[0] and name in pages[5]  # the cover, and the running head of every page
    assert '#panic("boom") _x_ `y` \\\\ Maintain' in text


def test_every_typst_expression_in_the_book_templates_is_escaped() -> None:
    """Each ``{{ … }}`` of the Typst book either passes through ``typst``/``typst_str`` as a whole (no
    ``~`` or operator outside parentheses, which a filter would bind tighter than) or calls a
    macro of book-typst/macros.typ.j2 (``b.``), which escapes its own values."""
    root = data_dir("templates")
    files = [root / "book.typ.j2", *sorted((root / "book-typst").glob("*.typ.j2"))]
    assert len(files) > 10
    shared = set(re.findall(r"\{% macro (\w+)\(", (root / "book-typst" / "macros.typ.j2").read_text("utf-8")))
    unsafe = []
    for path in files:
        text = re.sub(r"\{#.*?#\}", "", path.read_text("utf-8"), flags=re.S)
        own = set(re.findall(r"\{% macro (\w+)\(", text))  # Typst-emitting macros of this file, checked here too
        for expr in re.findall(r"\{\{-?\s*(.*?)\s*-?\}\}", text, re.S):
            call = re.match(r"(b\.)?(\w+)\(", expr)
            if call and expr.endswith(")") and call.group(2) in (shared if call.group(1) else own):
                continue
            if path.name == "words.typ.j2" or (path.name == "macros.typ.j2" and expr.startswith("caller(")):
                continue  # plain-text helpers (escaped where used), and a call block's own escaped output
            head, sep, _ = expr.rpartition("|")
            last = expr[len(head) + 1:].strip() if sep else ""
            if last not in ("typst", "typst_str") or _top_level_operator(head):
                unsafe.append(f"{path.name}: {{{{ {expr} }}}}")
    assert not unsafe, unsafe


def _top_level_operator(expr: str) -> bool:
    depth, quote = 0, ""
    for i, ch in enumerate(expr):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and (ch in "~+*%" or expr.startswith((" if ", " or ", " and "), i)):
            return True
    return False


@pytest.mark.parametrize(("source", "said"), [
    ('#read("/etc/passwd")', "file not found"),
    ('#image("/etc/hostname")', "file not found"),
    ('#read("../../../../etc/passwd")', "escape the project root"),
    ('#include "/proc/self/environ"', "file not found"),
    ('#import "@preview/cetz:0.3.0": *', "failed to download package"),
])
def test_the_compiler_sees_only_its_scratch_root(source: str, said: str) -> None:
    with pytest.raises(ConvertError) as caught:
        typst_to_pdf("Fine\n\n" + source, CTX)
    message = str(caught.value)
    assert said in message and "rendered source line 3, column" in message and source[:12] in message
    assert "exgen-typst-" not in message  # the scratch folder is not named


def test_a_template_reading_a_file_fails_the_build_with_a_located_error(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "leak.typ.j2").write_text('= Leak\n#read("/etc/passwd")\n', "utf-8")
    (mine / "outputs.yaml").write_text(
        "outputs:\n  - {name: leak, template: leak.typ.j2, output: leak/leak.pdf, convert: typst}\n", "utf-8")
    result = pipeline.build(str(FLAGSHIP_DIR / "exercise.yaml"), str(tmp_path / "pkg"), template_dirs=[str(mine)],
                            only=["leak"])
    errors = [d.as_text() for d in result.checked.diagnostics if d.is_error]
    assert result.written is None and len(errors) == 1, errors
    assert errors[0].startswith("leak.typ.j2: error[convert-failed]: leak/leak.pdf: Typst: file not found")
    assert "(searched at <root>/etc/passwd) (rendered source line 2, column 6: `#read(\"/etc/passwd\")`)" in errors[0]


def test_fonts_come_only_from_exgen(tmp_path: Path) -> None:
    """A font in the user's font folders (and one named like a shipped font) is never used."""
    home = tmp_path / "home"
    carlito = Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")
    if not carlito.exists():
        carlito = next(Path("/usr/share/fonts").rglob("*.ttf"), carlito)
    if not carlito.exists():
        pytest.skip("no system font to plant")
    for folder in (home / ".fonts", home / ".local" / "share" / "fonts"):
        folder.mkdir(parents=True)
        shutil.copy(carlito, folder / "LiberationSans-Regular.ttf")
    source = tmp_path / "doc.typ"
    source.write_text('#set text(font: ("Carlito", "Liberation Sans"))\nHello ' + typst_text("fonts"), "utf-8")
    code = ("import sys; from exgen.render.typst import typst_to_pdf; "
            "sys.stdout.buffer.write(typst_to_pdf(open(sys.argv[1]).read(), "
            "{'exercise': {'startex': '2027-05-10T06:00:00Z'}}))")
    outputs = []
    for env in ({**os.environ}, {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
                                 "FONTCONFIG_FILE": str(tmp_path / "none.conf")}):
        outputs.append(subprocess.run([sys.executable, "-c", code, str(source)], env=env, check=True,
                                      capture_output=True).stdout)
    assert outputs[0] == outputs[1]
    reader = pypdf.PdfReader(io.BytesIO(outputs[0]))
    fonts = {str(f["/BaseFont"]) for f in _fonts(reader)}
    assert fonts and all("LiberationSans" in f for f in fonts) and not any("Carlito" in f for f in fonts), fonts
    assert sorted(p.name for p in fonts_dir().glob("LICENSE-*")) == ["LICENSE-DejaVu.txt", "LICENSE-Liberation.txt"]


def _fonts(reader: t.Any) -> list[t.Any]:
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            found.append(font.get_object())
    return found


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_book(FLAGSHIP_DIR / "exercise.yaml", tmp_path_factory.mktemp("book") / "pkg")


def test_the_book_pdf_is_byte_identical_across_builds(book: Path, tmp_path: Path) -> None:
    again = build_book(FLAGSHIP_DIR / "exercise.yaml", tmp_path / "again")
    assert again.read_bytes() == book.read_bytes()
    meta = pypdf.PdfReader(str(book)).metadata
    assert meta["/CreationDate"].startswith("D:20270510060000") and "Typst" in meta["/Creator"]


def test_every_page_carries_banner_and_marking_top_and_bottom(book: Path) -> None:
    pages = pdf_text(book.read_bytes())
    assert 10 < len(pages) < 40
    for number, flat in enumerate(pages, 1):
        assert flat.count("NATO UNCLASSIFIED — EXERCISE EXERCISE EXERCISE") >= 2, (number, flat[:200])
        assert f"Page {number} of {len(pages)}" in flat
    assert "Contents" in pages[1] and "1 Scope and exercise type" in pages[1]


def test_a_compile_leaves_no_scratch_folder_and_sweeps_what_a_killed_one_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from exgen.core import processes

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    left = tmp_path / f"exgen-typst-{dead}-{processes.host_tag()}-x1y2z3"
    left.mkdir()
    (left / "main.typ").write_text("= left by a killed converter", "utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert typst_to_pdf("= Hello", CTX).startswith(b"%PDF-")
    assert sorted(tmp_path.iterdir()) == []
