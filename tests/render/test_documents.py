"""The EXCON documents of the flagship package: evaluator guides, role-player cards, comms plan,
controller/evaluator handbook and the package index that links them all."""

from __future__ import annotations

import html
import re
import typing as t
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from exgen import enrich, pipeline
from exgen.core.resources import data_dir
from exgen.render import context
from exgen.render.environment import environment
from tests.conftest import FLAGSHIP

#: Links the index carries to documents other helpers add; tolerated as missing only while
#: outputs.yaml does not declare them yet.
PENDING_OUTPUTS = {"book/exercise-book.html", "book/exercise-book.pdf", "msel/msel.xlsx",
                   "charts/timeline.svg", "charts/comms.svg", "charts/orbat.svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RATINGS = {"P": "Performed without challenges", "S": "Performed with some challenges",
           "M": "Performed with major challenges", "U": "Unable to be performed"}


class Node:
    """One element of a parsed page: tag, attributes, children (nodes and strings)."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[Node | str] = []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self) -> t.Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_id(self, ident: str) -> Node:
        found = [n for n in self.iter() if n.attrs.get("id") == ident]
        assert len(found) == 1, f"expected one element with id={ident!r}, found {len(found)}"
        return found[0]

    def by_class(self, cls: str) -> list[Node]:
        return [n for n in self.iter() if cls in n.attrs.get("class", "").split()]


class Page(HTMLParser):
    """Parses a page into Nodes and records every tag that does not balance."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.problems: list[str] = []
        self.feed(source)
        self.close()
        if len(self.stack) > 1:
            self.problems.append(f"unclosed: {[n.tag for n in self.stack[1:]]}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()
        else:
            self.problems.append(f"</{tag}> closes <{self.stack[-1].tag}> at line {self.getpos()[0]}")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@pytest.fixture(scope="module")
def package(flagship_package: Path) -> Path:
    return flagship_package


@pytest.fixture(scope="module")
def ctx() -> dict[str, t.Any]:
    """The render context the package was built from (same seed), to check documents against."""
    checked = pipeline.check(str(FLAGSHIP))
    assert checked.ok and checked.model is not None
    return context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0), checked.diagnostics)


def page(pkg: Path, rel: str) -> Node:
    parsed = Page((pkg / rel).read_text("utf-8"))
    assert not parsed.problems, f"{rel}: {parsed.problems}"
    return parsed.root


def norm(text: str) -> str:
    return " ".join(text.split())


def inject_links(node: Node) -> list[str]:
    """Inject ids linked from inside ``node``, in document order, first mention only."""
    ids: list[str] = []
    for a in node.iter():
        m = re.fullmatch(r"(?:\.\./)?injects/([^/]+)\.html", a.attrs.get("href", "")) if a.tag == "a" else None
        if m and m.group(1) not in ids:
            ids.append(m.group(1))
    return ids


def in_time_order(ctx: dict[str, t.Any], keep: t.Callable[[dict[str, t.Any]], bool]) -> list[str]:
    return [i["id"] for i in sorted((i for i in ctx["injects"] if keep(i)), key=lambda i: i["time"])]


# --- evaluator guides ---------------------------------------------------------------------


def test_one_evaluator_guide_per_objective(package: Path, ctx: dict[str, t.Any]) -> None:
    files = sorted(p.stem for p in (package / "evaluation").glob("*.html"))
    assert files == sorted(o["id"] for o in ctx["objectives"])


def test_evaluator_guide_has_tasks_measures_injects_and_ratings(package: Path, ctx: dict[str, t.Any]) -> None:
    for obj in ctx["objectives"]:
        doc = page(package, f"evaluation/{obj['id']}.html")
        text = doc.text()
        assert obj["title"] in text and obj["capability"] in text
        assert obj["critical_tasks"] and obj["measures"]
        for item in [*obj["critical_tasks"], *obj["measures"]]:
            assert norm(item) in text, f"{obj['id']}: missing {item!r}"
        for code, name in RATINGS.items():
            assert f"{code} = {name}" in text, f"{obj['id']}: rating {code} not defined"
        for heading in ("Strengths", "Areas for improvement", "Root causes"):
            assert heading.upper() in text.upper()
        assert inject_links(doc) == in_time_order(ctx, lambda i, oid=obj["id"]: oid in i["objectives"])
        for ev in obj["evaluators"]:
            assert ev in text


# --- role-player cards --------------------------------------------------------------------


def test_one_card_per_role_player_with_exactly_its_injects_in_time_order(package: Path, ctx: dict[str, t.Any]) -> None:
    files = sorted(p.stem for p in (package / "role-players").glob("*.html"))
    assert files == sorted(r["id"] for r in ctx["role_players"])
    for rp in ctx["role_players"]:
        doc = page(package, f"role-players/{rp['id']}.html")
        assert rp["persona"] and rp["persona"]["name"] in doc.text()
        assert rp["persona"]["phone"] in doc.text() and rp["persona"]["email"] in doc.text()
        cards = [n.attrs["id"] for n in doc.by_class("rp-inj")]
        expected = in_time_order(ctx, lambda i, rid=rp["id"]: i["from"] is not None and i["from"]["id"] == rid)
        assert cards == expected, rp["id"]
        for iid in expected:
            inj = next(i for i in ctx["injects"] if i["id"] == iid)
            block = doc.find_id(iid).text()
            assert inj["dtg"] in block and inj["dtime"] in block and norm(inj["description"]) in block
        assert "NO DUFF" in doc.text() and "ENDEX" in doc.text()


# --- comms plan ---------------------------------------------------------------------------


def test_comms_plan_lists_every_net_pace_pair_and_constraint(package: Path, ctx: dict[str, t.Any]) -> None:
    doc = page(package, "comms/comms-plan.html")
    for net in ctx["nets"]:
        row = doc.find_id(f"net-{net['id']}").text()
        for mb in net["members"]:
            assert mb["id"] in row and mb["callsign"] in row
    for p in ctx["pace"]:
        row = doc.find_id(p["id"]).text()
        for lv in p["levels"]:
            assert lv["net"] in row
        doc.find_id(f"timeline-{p['id']}")
    for c in ctx["constraints"]:
        row = doc.find_id(c["id"]).text()
        assert c["dtg"] in row and c["end_dtg"] in row and c["dtime"] in row


def test_comms_plan_shows_why_bg_engcoy_cannot_use_its_net(package: Path, ctx: dict[str, t.Any]) -> None:
    doc = page(package, "comms/comms-plan.html")
    unusable = [(n["id"], m) for n in ctx["nets"] for m in n["members"] if not m["usable"]]
    assert any(m["id"] == "BG-ENGCOY" for _, m in unusable)
    for net_id, m in unusable:
        flagged = [li.text() for li in doc.find_id(f"net-{net_id}").by_class("no")]
        assert any(m["id"] in f and m["reason"] in f and "Cannot use" in f for f in flagged), (net_id, m["id"])


def test_comms_plan_shows_every_degraded_segment(package: Path, ctx: dict[str, t.Any]) -> None:
    doc = page(package, "comms/comms-plan.html")
    degraded = 0
    for p in ctx["pace"]:
        rows = [tr.text() for tr in doc.find_id(f"timeline-{p['id']}").iter() if tr.tag == "tr"]
        for seg in p["timeline"]:
            if not seg["down"]:
                continue
            degraded += 1
            period = f"{seg['dtime']} – {seg['end_dtime']}"
            match = [r for r in rows if period in r and seg["net"] in r and seg["level"].capitalize() in r]
            assert match, f"{p['id']}: no row for {period} on {seg['level']} {seg['net']}"
            for d in seg["down"]:
                assert d["net"] in match[0]
                for cause in d["causes"]:
                    assert cause in match[0]
    assert degraded
    al = [tr.text() for tr in doc.find_id("timeline-PACE-AL").iter() if tr.tag == "tr"]
    assert any("D+1 06:00 – D+1 12:00" in r and "Alternate" in r and "BDE-SATCOM" in r and "JAM-HF-1" in r for r in al)


def test_comms_plan_carries_the_comms_findings(package: Path, ctx: dict[str, t.Any]) -> None:
    text = page(package, "comms/comms-plan.html").text()
    comms = [f for f in ctx["findings"] if f["code"].startswith(("comms-", "pace-"))]
    assert comms
    for f in comms:
        assert norm(f["message"]) in text


# --- handbook -----------------------------------------------------------------------------


def test_handbook_lists_every_controllers_injects_in_time_order(package: Path, ctx: dict[str, t.Any]) -> None:
    doc = page(package, "handbook/controller-evaluator-handbook.html")
    for c in ctx["controllers"]:
        section = doc.find_id(f"ctl-{c['id']}")
        expected = in_time_order(ctx, lambda i, cid=c["id"]: i["controller"] is not None
                                 and i["controller"]["id"] == cid)
        assert inject_links(section) == expected, c["id"]
    text = doc.text()
    assert "NO DUFF" in text and ctx["exercise"]["startex_dtg"] in text and ctx["exercise"]["endex_dtg"] in text
    for code, name in RATINGS.items():
        assert f"{code} = {name}" in text
    for o in ctx["objectives"]:
        assert f"../evaluation/{o['id']}.html" in {a.attrs.get("href") for a in doc.iter() if a.tag == "a"}


# --- every page ---------------------------------------------------------------------------


def test_every_html_parses_balanced_and_carries_the_banner_top_and_bottom(package: Path, ctx: dict[str, t.Any]) -> None:
    banner = f"{ctx['exercise']['classification']} — {ctx['exercise']['marking']}"
    pages = sorted(package.rglob("*.html"))
    assert len(pages) > len(ctx["injects"])
    for path in pages:
        rel = path.relative_to(package).as_posix()
        doc = page(package, rel)
        bars = [n.text() for n in doc.by_class("banner-bar")]
        assert bars.count(banner) >= 2, f"{rel}: banner shown {bars.count(banner)} times"
        assert html.unescape(path.read_text("utf-8")).count(banner) >= 2


def test_index_links_resolve_inside_the_package(package: Path) -> None:
    outputs_yaml = (data_dir("templates") / "outputs.yaml").read_text("utf-8")
    declared = {o["output"] for o in yaml.safe_load(outputs_yaml)["outputs"]
                if o.get("enabled", True)}
    doc = page(package, "index.html")
    ids = {n.attrs["id"] for n in doc.iter() if "id" in n.attrs}
    hrefs = [a.attrs["href"] for a in doc.iter() if a.tag == "a" and "href" in a.attrs]
    linked = set()
    for href in hrefs:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, f"index links outside the package: {href}"
        if not parts.path:
            assert parts.fragment in ids, f"dangling anchor {href}"
            continue
        linked.add(parts.path)
        target = package / parts.path
        if parts.path in PENDING_OUTPUTS and parts.path not in declared and not target.exists():
            continue
        assert target.resolve().is_relative_to(package.resolve()), href
        assert target.exists(), f"index links to missing {href}"
    for required in ["msel/msel.html", "msel/msel.csv", "comms/comms-plan.html",
                     "handbook/controller-evaluator-handbook.html", *PENDING_OUTPUTS]:
        assert required in linked, f"index does not link {required}"
    for sub in ("injects", "role-players", "evaluation"):
        for f in (package / sub).glob("*.html"):
            assert f"{sub}/{f.name}" in linked, f"index does not link {sub}/{f.name}"


def test_context_lookups_group_every_inject_by_its_day(ctx: dict[str, t.Any]) -> None:
    by_day = ctx["injects_by_day"]
    assert [i["id"] for day in sorted(by_day) for i in by_day[day]] == [i["id"] for i in ctx["injects"]]
    assert all(i["day"] == day for day, items in by_day.items() for i in items)
    assert [d["day"] for d in ctx["days"]] == list(range(len(ctx["days"])))  # days[n] is day n
    assert all(d["injects"] == [i["id"] for i in by_day.get(d["day"], [])] for d in ctx["days"])
    assert ctx["objectives_by_id"] == {o["id"]: o for o in ctx["objectives"]}


def test_every_card_names_its_day_and_its_objectives(package: Path, ctx: dict[str, t.Any]) -> None:
    for inject in ctx["injects"]:
        text = norm(page(package, f"injects/{inject['id']}.html").text())
        day = ctx["days"][inject["day"]]
        assert f"Date {day['label']} · {day['date']}" in text, inject["id"]
        for oid in inject["objectives"]:
            assert f"{oid} {ctx['objectives_by_id'][oid]['title']}" in text, (inject["id"], oid)


def test_cards_link_one_shared_stylesheet_and_other_documents_stand_alone(package: Path) -> None:
    css = (package / "injects" / "card.css").read_text("utf-8")
    layout = environment().get_template("layout/style.css.j2").render().strip()
    assert layout and layout in css  # the layout's rules, banners included …
    assert "body.inject-card" in css and ".ctrl-box" in css  # … and the card's own
    for card in sorted((package / "injects").glob("*.html")):
        text = card.read_text("utf-8")
        assert text.count('<link rel="stylesheet" href="card.css">') == 1, card.name
        assert "<style" not in text, card.name
    for rel in ("index.html", "msel/msel.html", "role-players/RP-GRID-DUTY.html", "book/exercise-book.html"):
        text = (package / rel).read_text("utf-8")
        assert "<style>" in text and 'rel="stylesheet"' not in text, rel
