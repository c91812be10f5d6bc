"""The exercise book stays a printable summary at any size, and the unit list has every unit.

Past `book_rows` rows (30) a book table shows the rows that matter most and ends with one note,
worded the same everywhere: "Showing 30 of 99 PACE plans; all of them are in the communications
plan (comms/comms-plan.html)." Below that nothing is cut and no note appears. These tests render
the book HTML only (no PDF) of a synthetic 2,000-inject exercise from benchmarks/synth.py.
"""

from __future__ import annotations

import importlib.util
import re
import typing as t
from pathlib import Path

import pytest
import yaml

from exgen import enrich, pipeline
from exgen.core.resources import data_dir
from exgen.render import context
from tests.conftest import FLAGSHIP, ROOT
from tests.render.test_documents import Node, Page

SYNTH = ROOT / "benchmarks" / "synth.py"
BOOK = "book/exercise-book.html"
UNITS = "forces/units.html"
COMMS, EXCON, UNIT_LIST = "comms/comms-plan.html", "handbook/controller-evaluator-handbook.html", UNITS
NOTE = re.compile(r"Showing (\d+) of (\d+) (.+?); all of them are in (.+?) \((\S+)\)\.")


def _definition(tmp: Path, injects: int) -> Path:
    if not SYNTH.is_file():
        pytest.skip("benchmarks/synth.py is not part of this tree")
    spec = importlib.util.spec_from_file_location("exgen_bench_synth", SYNTH)
    assert spec and spec.loader
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    return t.cast(Path, synth.write(injects, tmp / "exercise.yaml"))


def _build(src: Path, out: Path, template_dirs: list[str]) -> pipeline.Built:
    result = pipeline.build(str(src), str(out), template_dirs=template_dirs, only=["book", "units"])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return result


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory, no_pdf: str) -> dict[str, t.Any]:
    """A 2,000-inject exercise (100 units, 68 nets, 99 PACE plans, 40 constraints, 20 role players),
    its render context, and its book built twice: as shipped (30 rows) and with an instructor's
    override of the limits (3 rows, 2 names) that extends the built-in book."""
    tmp = tmp_path_factory.mktemp("large-book")
    src = _definition(tmp, 2000)
    checked = _build(src, tmp / "pkg", [no_pdf]).checked
    assert checked.model is not None
    ctx = context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0), checked.diagnostics)
    small = tmp / "small-limits"
    small.mkdir()
    (small / "outputs.yaml").write_text(Path(no_pdf, "outputs.yaml").read_text("utf-8"), "utf-8")
    (small / "book.html.j2").write_text(
        '{% extends "builtin/book.html.j2" %}\n{% set book_rows = 3 %}{% set book_names = 2 %}\n', "utf-8")
    _build(src, tmp / "pkg-small", [str(small)])
    return {"ctx": ctx, "default": tmp / "pkg", "small": tmp / "pkg-small"}


def parse(path: Path) -> Node:
    page = Page(path.read_text("utf-8"))
    assert not page.problems, page.problems
    return page.root


def sections(book: Node) -> dict[str, list[Node]]:
    """The elements under each numbered section heading (h3 id), up to the next heading."""
    out: dict[str, list[Node]] = {}
    for chapter in book.by_class("chapter"):
        current = None
        for child in chapter.children:
            if not isinstance(child, Node):
                continue
            if child.tag in ("h2", "h3"):
                current = child.attrs.get("id")
                out.setdefault(current or "", [])
            elif current:
                out[current].append(child)
    return out


def flat(node: Node) -> str:
    """The text of a node as a reader sees it (no spaces added between elements)."""
    parts = [c if isinstance(c, str) else flat(c) for c in node.children]
    return " ".join("".join(parts).split())


def body_rows(table: Node) -> list[Node]:
    return [tr for tb in table.children if isinstance(tb, Node) and tb.tag == "tbody"
            for tr in tb.children if isinstance(tr, Node) and tr.tag == "tr"]


def notes(nodes: list[Node]) -> list[tuple[int, int, str, str, str]]:
    found = []
    for n in nodes:
        for p in n.iter():
            if p.tag == "p" and "more" in p.attrs.get("class", "").split():
                m = NOTE.fullmatch(flat(p))
                assert m, f"note not in the common wording: {flat(p)!r}"
                found.append((int(m.group(1)), int(m.group(2)), m.group(3), m.group(4), m.group(5)))
    return found


#: Tables of one short line per row that the book cuts only at a multiple of book_rows.
LIMIT_FACTOR = {"sec-threat-techniques": 2}


def expectations(ctx: dict[str, t.Any]) -> list[tuple[str, int, str, str]]:
    """(section, total rows, what the note counts, document it names) for each table that can be cut."""
    off = sum(1 for p in ctx["pace"] for s in p["timeline"] if s["level"] != "primary")
    comms_findings = [f for f in ctx["findings"] if f["code"].split("-")[0] in ("comms", "pace", "net")]
    actors = {i["threat"]["actor"] for i in ctx["injects"] if i["threat"]} | {c["actor"] for c in ctx["constraints"]}
    techniques = {x["id"] for i in ctx["injects"] if i["threat"] for x in i["threat"]["ids"]}
    staying = sum(1 for p in ctx["pace"] if all(s["level"] == "primary" for s in p["timeline"]))
    return [
        ("sec-objectives", len(ctx["objectives"]), "training objectives", "evaluation/"),
        ("sec-forces-units", len(ctx["units"]), "units, higher headquarters first", UNIT_LIST),
        ("sec-excon-cells", len(ctx["cells"]), "EXCON cells", EXCON),
        ("sec-excon-controllers", len(ctx["controllers"]), "controllers", EXCON),
        ("sec-excon-roleplayers", len(ctx["role_players"]), "role players, most injects first", EXCON),
        ("sec-excon-evaluators", len(ctx["evaluators"]), "evaluators", EXCON),
        ("sec-threat-actors", len(actors - {""}), "threat actors, in alphabetical order", "msel/msel.xlsx"),
        ("sec-threat-techniques", len(techniques), "catalogue techniques, most used first", "msel/msel.xlsx"),
        ("sec-comms-nets", len(ctx["nets"]), "nets", COMMS),
        ("sec-comms-pace", len(ctx["pace"]), "PACE plans", COMMS),
        ("sec-comms-constraints", len(ctx["constraints"]), "constraints, earliest first", COMMS),
        ("sec-comms-timelines", len(ctx["pace"]),
         f"PACE plans, least time on the primary means first ({staying} stay on it throughout)", COMMS),
        ("sec-comms-timelines", off, "periods in which a PACE plan runs below its primary means", COMMS),
        ("sec-comms-findings", len(comms_findings), "comms findings", COMMS),
        ("sec-msel-units", sum(1 for u in ctx["units"] if u["injects"]), "receiving units, most injects first",
         UNIT_LIST),
    ]


@pytest.mark.parametrize(("build", "rows"), [("default", 30), ("small", 3)])
def test_large_book_cuts_every_table_at_book_rows_with_one_note_each(large: dict[str, t.Any], build: str,
                                                                      rows: int) -> None:
    book = sections(parse(large[build] / BOOK))
    expected = expectations(large["ctx"])
    cut = sum(total > rows * LIMIT_FACTOR.get(sec, 1) for sec, total, _, _ in expected)
    assert cut >= 6 if rows == 30 else cut == len(expected), "the fixture is too small to cut these tables"
    for sec in {s for s, _, _, _ in expected}:
        limit = rows * LIMIT_FACTOR.get(sec, 1)
        for table in (n for n in book[sec] if n.tag == "table"):
            assert len(body_rows(table)) <= limit, f"{sec}: {len(body_rows(table))} rows"
        want = [(min(limit, total), total, what, path)
                for s, total, what, path in expected if s == sec and total > limit]
        got = [(shown, total, what, path) for shown, total, what, _, path in notes(book[sec])]
        assert got == want, sec


def test_large_book_shows_what_matters_most_first(large: dict[str, t.Any]) -> None:
    ctx, book = large["ctx"], sections(parse(large["default"] / BOOK))
    by_id = {u["id"]: u for u in ctx["units"]}
    # Units: the 30 highest in the order of battle (depth 0 = top).
    unit_table = next(n for n in book["sec-forces-units"] if n.tag == "table")
    shown = [r.by_class("id")[0].text() for r in body_rows(unit_table)]
    depths = sorted(u["depth"] for u in ctx["units"])
    assert sorted(by_id[i]["depth"] for i in shown) == depths[:30]
    # Receiving units: most injects first.
    recv_table = next(n for n in book["sec-msel-units"] if n.tag == "table")
    totals = [int(r.children[-1].text()) for r in body_rows(recv_table) if isinstance(r.children[-1], Node)]
    counts = sorted((len(u["injects"]) for u in ctx["units"] if u["injects"]), reverse=True)
    assert totals == counts[:30]
    # Constraints (cut at 3 of 40 in the override build): the earliest, in time order.
    small = sections(parse(large["small"] / BOOK))
    con_table = next(n for n in small["sec-comms-constraints"] if n.tag == "table")
    ids = [r.by_class("id")[0].text().split()[0] for r in body_rows(con_table)]
    assert ids == [c["id"] for c in sorted(ctx["constraints"], key=lambda c: c["time"])][:3]
    # Role players: most injects first.
    rp_table = next(n for n in small["sec-excon-roleplayers"] if n.tag == "table")
    sent = [int(r.by_class("count")[0].text()) for r in body_rows(rp_table)]
    assert sent == sorted((len(r["injects"]) for r in ctx["role_players"]), reverse=True)[:3]
    # PACE plans by share of the exercise on their primary means, least first (ties in plan order).
    share_table = next(n for n in small["sec-comms-timelines"] if n.tag == "table")
    plans = [r.by_class("id")[0].text() for r in body_rows(share_table)]

    def on_primary(plan: dict[str, t.Any]) -> float:
        total = sum(s["length"] for s in plan["timeline"])
        return sum(s["length"] for s in plan["timeline"] if s["level"] == "primary") / total if total else 1.0

    ranked = sorted(ctx["pace"], key=on_primary)
    assert plans == [p["id"] for p in ranked][:3] and on_primary(ranked[0]) < 1


def test_cut_lists_inside_cells_say_how_many_more(large: dict[str, t.Any]) -> None:
    ctx = large["ctx"]
    text = flat(parse(large["small"] / BOOK))
    audience = sum(1 for u in ctx["units"] if u["role"] == "training-audience")
    assert audience > 2
    assert (f"and {audience - 2} more training-audience units; all of them are in the unit list ({UNITS})") in text
    idle = sum(1 for u in ctx["units"] if not u["injects"])
    if idle > 2:
        assert f"and {idle - 2} more; all of them are in the unit list ({UNITS})." in text
    named = sum(min(len(n["units"]), 2) for n in ctx["nations"])
    assert (f"Showing {named} of {len(ctx['units'])} units by short name, at most 2 per nation, higher echelons "
            f"first; all of them are in the unit list ({UNITS}).") in text


def test_every_note_names_a_document_of_the_package() -> None:
    outputs_yaml = (data_dir("templates") / "outputs.yaml").read_text("utf-8")
    declared = {o["output"] for o in yaml.safe_load(outputs_yaml)["outputs"]}
    folders = {o.split("{")[0] for o in declared if "{" in o}
    macros = (data_dir("templates") / "book" / "macros.html.j2").read_text("utf-8")
    block = macros[macros.index("{% set sources = {"):]
    sources = re.findall(r'"\w+": \["[^"]+", "([^"]+)"\]', block[:block.index("} %}")])
    assert len(sources) >= 4
    for path in sources:
        assert path in declared or path in folders, path


def test_small_exercise_book_has_no_cut_and_no_note(flagship_package: Path) -> None:
    book = parse(flagship_package / BOOK)
    main = next(n for n in book.iter() if n.tag == "main")
    assert not main.by_class("more")
    assert "Showing " not in flat(main) and "all of them are in" not in flat(main)


def unit_ids(node: Node) -> list[str]:
    return [r.attrs["id"].removeprefix("unit-") for r in node.iter()
            if r.tag == "tr" and r.attrs.get("id", "").startswith("unit-")]


@pytest.mark.parametrize("which", ["flagship", "large"])
def test_unit_list_has_every_unit_in_tree_order_under_the_banner(flagship_package: Path, large: dict[str, t.Any],
                                                                  which: str) -> None:
    if which == "flagship":
        checked = pipeline.check(str(FLAGSHIP))
        assert checked.model is not None
        units = [{"id": u.id, "parent": u.parent} for u in checked.model.units]
        exercise = checked.model.info
        path = flagship_package / UNITS
    else:
        units = [{"id": u["id"], "parent": u["parent"]} for u in large["ctx"]["units"]]
        exercise = None
        path = large["default"] / UNITS
    doc = parse(path)
    listed = unit_ids(doc)
    assert sorted(listed) == sorted(u["id"] for u in units) and len(listed) == len(set(listed))
    position = {uid: n for n, uid in enumerate(listed)}
    for u in units:  # every unit comes after its higher HQ
        if u["parent"] in position:
            assert position[u["parent"]] < position[u["id"]], u
    bars = [n.text() for n in doc.by_class("banner-bar")]
    if exercise is not None:
        banner = f"{exercise.classification} — {exercise.marking}"
        assert bars.count(banner) == 2, bars
    else:
        assert len(bars) == 2 and bars[0] == bars[1] and "EXERCISE" in bars[0]


def test_index_and_book_annexes_list_the_unit_list(flagship_package: Path) -> None:
    index = (flagship_package / "index.html").read_text("utf-8")
    assert f'href="{UNITS}"' in index
    assert UNITS in (flagship_package / BOOK).read_text("utf-8")
