"""Machine-readable exports, each checked against its public schema or format, and `build --only`.

C2SIM against the C2SIM_SMX_LOX XSD (XSD 1.1), GeoJSON against RFC 7946's structure, KML 2.2 and
Cursor-on-Target as XML with the namespace / attributes their schemas require, iCalendar with the
icalendar parser plus RFC 5545's line rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import shutil
import typing as t
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen import pipeline
from exgen.cli import cli
from exgen.render import filters
from exgen.render.outputs import output_names, select_outputs
from tests.conftest import DATA, FLAGSHIP, FLAGSHIP_DIR, plant

SPECS = DATA / "specs"
C2 = "{http://www.sisostds.org/schemas/C2SIM/1.1}"
KML = "{http://www.opengis.net/kml/2.2}"
EXPORTS = ["c2sim", "geojson", "kml", "cot", "ical"]
# Text every export must carry through intact: XML specials, iCalendar specials, a newline, non-ASCII.
NASTY_NAME = "1st Infantry Battalion <Montenegro> & \"Friends\""
NASTY_TEXT = "Line one; two, three \\ four\nŠumadija — 5 €"


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A flagship copy with awkward text planted in a unit name and an inject title; its root file."""
    root = tmp_path_factory.mktemp("src") / "adriatic-shield"
    shutil.copytree(FLAGSHIP_DIR, root)
    plant(root / "forces.yaml", "name: 1st Infantry Battalion (Montenegro)", f"name: {json.dumps(NASTY_NAME)}")
    plant(root / "injects" / "day1.yaml", "title: First fuel convoy delayed at Port Selvana by port congestion",
          f"title: {json.dumps(NASTY_TEXT)}")
    # Every force side: HR-SIGCOY becomes hostile, CIMIC-LT neutral (the flagship is all friendly).
    plant(root / "forces.yaml", 'sidc: "10131000151110000000"', 'sidc: "10161000151110000000"')
    plant(root / "forces.yaml", 'sidc: "10131000111103000000"', 'sidc: "10141000111103000000"')
    return root / "exercise.yaml"


@pytest.fixture(scope="module")
def pkg(src: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exports and the index of the planted copy."""
    out = tmp_path_factory.mktemp("pkg") / "pkg"
    result = pipeline.build(str(src), str(out), only=["index", *EXPORTS])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out


@pytest.fixture(scope="module")
def ctx(src: Path) -> dict[str, t.Any]:
    """The render context the exports were made from."""
    from exgen import enrich
    from exgen.render import context

    checked = pipeline.check(str(src))
    assert checked.model is not None
    return context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0))


def located(ctx: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [u for u in ctx["units"] if u["location"]]


def unit_uuid(ident: str, kind: str = "unit") -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:exgen:ADRIATIC-SHIELD-27:{kind}:{ident}"))


# ---------- C2SIM ----------

@pytest.fixture(scope="module")
def c2sim_schema() -> t.Any:
    import xmlschema

    return xmlschema.XMLSchema11(str(SPECS / "C2SIM_SMX_LOX.xsd"))


def test_c2sim_validates_against_the_c2sim_xsd(pkg: Path, c2sim_schema: t.Any) -> None:
    path = pkg / "exports" / "c2sim-initialization.xml"
    errors = [f"{e.path}: {e.reason}" for e in c2sim_schema.iter_errors(str(path))]
    assert errors == []


def test_c2sim_carries_units_superiors_symbols_locations_and_networks(pkg: Path, ctx: dict[str, t.Any]) -> None:
    root = ET.parse(pkg / "exports" / "c2sim-initialization.xml").getroot()
    assert root.tag == f"{C2}MessageBody"
    kinds = (f"{C2}Unit", f"{C2}NonMilitaryOrganization")
    entities = {e.findtext(f"{C2}UUID"): e for e in root.iter() if e.tag in kinds}
    assert set(entities) == {unit_uuid(u["id"]) for u in ctx["units"]}
    nets = {n.findtext(f"{C2}UUID"): n.findtext(f"{C2}Name") for n in root.iter(f"{C2}CommunicationNetwork")}
    assert nets == {unit_uuid(n["id"], "net"): n["name"] for n in ctx["nets"]}
    for u in ctx["units"]:
        e = entities[unit_uuid(u["id"])]
        assert e.findtext(f"{C2}Name") == u["name"]
        assert e.findtext(f"{C2}EntityDescriptor/{C2}Superior") == (unit_uuid(u["parent"]) if u["parent"] else None)
        member_of = {unit_uuid(n["id"], "net") for n in ctx["nets"] if u["id"] in [m["id"] for m in n["members"]]}
        assert {x.text for x in e.iter(f"{C2}CommunicationsNetwork")} == member_of
        if u["location"]:
            coord = e.find(f"{C2}CurrentState/{C2}PhysicalState/{C2}Location/{C2}GeodeticCoordinate")
            assert coord is not None
            assert float(coord.findtext(f"{C2}Latitude") or "") == u["location"]["lat"]
            assert float(coord.findtext(f"{C2}Longitude") or "") == u["location"]["lon"]
        if u["sidc"]:
            assert e.findtext(f"{C2}NamedEntityType/{C2}EntityTypeName") == u["sidc"]
    me = entities[unit_uuid("ME-1BN")]
    assert me.findtext(f"{C2}Name") == NASTY_NAME
    assert me.findtext(f"{C2}APP6CSymbol/{C2}APP6C-SIDC") == "SFGPUCI----F---"
    assert me.findtext(f"{C2}EchelonCode") == "BN"


def test_c2sim_force_sides_follow_the_sidc_identity(pkg: Path) -> None:
    root = ET.parse(pkg / "exports" / "c2sim-initialization.xml").getroot()
    sides = {s.findtext(f"{C2}Name"): s for s in root.iter(f"{C2}ForceSide")}
    assert set(sides) == {"Friendly forces", "Opposing forces", "Neutral"}
    uid = {name: s.findtext(f"{C2}UUID") for name, s in sides.items()}
    relations = {(name, r.findtext(f"{C2}OtherSide"), r.findtext(f"{C2}HostilityStatusCode"))
                 for name, s in sides.items() for r in s.iter(f"{C2}ForceSideRelation")}
    assert ("Friendly forces", uid["Opposing forces"], "HO") in relations
    assert ("Opposing forces", uid["Neutral"], "NEUTRL") in relations and len(relations) == 6
    units = {u.findtext(f"{C2}UUID"): u for u in root.iter(f"{C2}Unit")}
    assert units[unit_uuid("HR-SIGCOY")].findtext(f"{C2}EntityDescriptor/{C2}Side") == uid["Opposing forces"]
    assert units[unit_uuid("HR-SIGCOY")].findtext(f"{C2}APP6CSymbol/{C2}APP6C-SIDC") == "SHGPUUS----E---"
    assert units[unit_uuid("ME-1BN")].findtext(f"{C2}EntityDescriptor/{C2}Side") == uid["Friendly forces"]


def test_c2sim_uuids_do_not_depend_on_the_seed(tmp_path: Path) -> None:
    a = pipeline.build(str(FLAGSHIP), str(tmp_path / "a"), seed=1, only=["c2sim"])
    b = pipeline.build(str(FLAGSHIP), str(tmp_path / "b"), seed=2, only=["c2sim"])
    assert a.written and b.written
    rel = "exports/c2sim-initialization.xml"
    assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


# ---------- GeoJSON ----------

def geojson_problems(doc: t.Any) -> list[str]:
    """What breaks RFC 7946 in a FeatureCollection of Points and Polygons (empty when nothing)."""
    found: list[str] = []

    def position(p: t.Any, where: str) -> None:
        if not (isinstance(p, list) and len(p) in (2, 3) and all(isinstance(x, (int, float)) for x in p)):
            found.append(f"{where}: not a position")
        elif not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90):
            found.append(f"{where}: out of range (lon, lat order?)")

    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return ["not a FeatureCollection"]
    if "crs" in doc:
        found.append("crs member (removed in RFC 7946)")
    for n, f in enumerate(doc["features"]):
        where = f"features[{n}]"
        if f.get("type") != "Feature" or "geometry" not in f or "properties" not in f:
            found.append(f"{where}: Feature needs type, geometry and properties")
            continue
        if "id" in f and not isinstance(f["id"], (str, int, float)):
            found.append(f"{where}: id must be a string or number")
        g = f["geometry"]
        if g["type"] == "Point":
            position(g["coordinates"], where)
        elif g["type"] == "Polygon":
            for r, ring in enumerate(g["coordinates"]):
                for p in ring:
                    position(p, f"{where} ring {r}")
                if len(ring) < 4 or ring[0] != ring[-1]:
                    found.append(f"{where} ring {r}: a linear ring is closed and has 4 or more positions")
                area = sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring))
                if (area > 0) != (r == 0):
                    found.append(f"{where} ring {r}: exterior rings counterclockwise, holes clockwise")
        else:
            found.append(f"{where}: unexpected geometry {g['type']}")
    return found


def test_geojson_is_rfc7946_with_units_and_circular_areas(pkg: Path, ctx: dict[str, t.Any]) -> None:
    doc = json.loads((pkg / "exports" / "exercise.geojson").read_text("utf-8"))
    assert geojson_problems(doc) == []
    units = {f["id"]: f for f in doc["features"] if f["properties"]["feature"] == "unit"}
    assert set(units) == {u["id"] for u in located(ctx)}
    for u in located(ctx):
        f = units[u["id"]]
        assert f["geometry"]["coordinates"] == [u["location"]["lon"], u["location"]["lat"]]
        assert {k: f["properties"][k] for k in ("id", "name", "nation", "echelon", "sidc", "role")} == \
            {k: u[k] for k in ("id", "name", "nation", "echelon", "sidc", "role")}
    assert units["ME-1BN"]["properties"]["name"] == NASTY_NAME
    areas = {f["id"]: f for f in doc["features"] if f["properties"]["feature"] == "constraint"}
    assert set(areas) == {c["id"] for c in ctx["constraints"] if c["area"]} and areas
    for c in ctx["constraints"]:
        if not c["area"]:
            continue
        ring = areas[c["id"]]["geometry"]["coordinates"][0]
        assert len(ring) == 65  # 64 vertices, closed
        for lon, lat in ring:  # every vertex lies on the circle (haversine, same Earth radius)
            p1, p2 = math.radians(c["area"]["lat"]), math.radians(lat)
            dp, dl = p2 - p1, math.radians(lon - c["area"]["lon"])
            d = 2 * filters.EARTH_RADIUS_KM * math.asin(math.sqrt(
                math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2))
            assert abs(d - c["area"]["radius_km"]) < 0.01


def test_geojson_checker_catches_mistakes() -> None:
    ring = filters.circle_polygon({"lat": 42.0, "lon": 19.0, "radius_km": 10})
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": {}}]}
    assert geojson_problems(good) == []
    reversed_area = {"type": "Polygon", "coordinates": [ring[::-1]]}
    clockwise = {**good, "features": [{**good["features"][0], "geometry": reversed_area}]}
    assert "counterclockwise" in geojson_problems(clockwise)[0]
    swapped = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [42.0, 119.0]}, "properties": {}}]}
    assert "out of range" in geojson_problems(swapped)[0]


# ---------- KML ----------

def test_kml_is_well_formed_kml22_with_placemarks(pkg: Path, ctx: dict[str, t.Any]) -> None:
    root = ET.parse(pkg / "exports" / "exercise.kml").getroot()
    assert root.tag == f"{KML}kml" and root.find(f"{KML}Document") is not None
    marks = {p.get("id"): p for p in root.iter(f"{KML}Placemark")}
    assert set(marks) == {f"unit-{u['id']}" for u in located(ctx)} | \
        {f"constraint-{c['id']}" for c in ctx["constraints"] if c["area"]} | {"exercise-area"}
    for u in located(ctx):
        text = marks[f"unit-{u['id']}"].findtext(f"{KML}Point/{KML}coordinates") or ""
        lon, lat, alt = (float(x) for x in text.split(","))
        assert (lon, lat, alt) == (u["location"]["lon"], u["location"]["lat"], 0.0)
    assert NASTY_NAME in (marks["unit-ME-1BN"].findtext(f"{KML}description") or "")
    for c in ctx["constraints"]:
        if c["area"]:
            text = marks[f"constraint-{c['id']}"].findtext(f".//{KML}LinearRing/{KML}coordinates") or ""
            points = [tuple(float(x) for x in p.split(",")) for p in text.split()]
            assert len(points) == 65 and points[0] == points[-1]
            assert all(-180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in points)


# ---------- Cursor-on-Target ----------

ISO = "%Y-%m-%dT%H:%M:%SZ"
COT_TYPE = re.compile(r"^a-[pufnashjkox]-[PAGSUFXZ](-[A-Za-z0-9]+)*$")
HOW = re.compile(r"^[hm](-[a-z])+$")


def test_cot_events_have_what_the_event_schema_requires(pkg: Path, ctx: dict[str, t.Any]) -> None:
    """One <event> document per located unit (what TAK imports), nothing for units without a location."""
    files = sorted((pkg / "exports" / "cot").iterdir())
    assert [f.name for f in files] == sorted(f"{u['id']}.cot" for u in located(ctx))
    events = [ET.parse(f).getroot() for f in files]
    assert {ev.tag for ev in events} == {"event"}
    startex = dt.datetime.strptime(ctx["exercise"]["startex"], ISO)
    for ev in events:
        # Event.xsd: version, uid, type, time, start, stale, how are required; point lat, lon, hae, ce, le too.
        assert set(ev.attrib) >= {"version", "uid", "type", "time", "start", "stale", "how"}
        assert ev.get("version") == "2.0" and COT_TYPE.match(ev.get("type", "")) and HOW.match(ev.get("how", ""))
        time, start, stale = (dt.datetime.strptime(ev.get(k, ""), ISO) for k in ("time", "start", "stale"))
        assert time == start == startex < stale
        point = ev.find("point")
        assert point is not None and set(point.attrib) >= {"lat", "lon", "hae", "ce", "le"}
        lat, lon = float(point.get("lat", "")), float(point.get("lon", ""))
        assert -90 <= lat <= 90 and -180 <= lon <= 180
        assert all(float(point.get(k, "")) >= 0 for k in ("ce", "le"))
    uids = [ev.get("uid") for ev in events]
    assert len(set(uids)) == len(uids)
    types = {ev.get("uid"): ev.get("type") for ev in events}
    assert types["ADRIATIC-SHIELD-27.ME-1BN"] == "a-f-G-U-C-I"


@pytest.mark.parametrize(("sidc", "role", "cot", "letters"), [
    ("10031000161211000000", "training-audience", "a-f-G-U-C-I", "SFGPUCI----F---"),
    ("10061000151211020000", "opfor", "a-h-G-U-C-I-Z", "SHGPUCIZ---E---"),
    ("10041000141303000000", "enabler", "a-n-G-U-C-F", "SNGPUCF----D---"),
    ("10011002181100000000", "observer", "a-u-G-U", "SUGPU-----AH---"),
    ("10130100001101000000", "enabler", "a-f-A", "SFAP-----------"),
    ("", "opfor", "a-h-G-U", ""),
])
def test_sidc_to_cot_type_and_app6c(sidc: str, role: str, cot: str, letters: str) -> None:
    unit = {"sidc": sidc, "role": role}
    assert filters.cot_type(unit) == cot and filters.app6c_sidc(unit) == letters


# ---------- iCalendar ----------

def test_icalendar_parses_with_one_event_per_inject(pkg: Path, ctx: dict[str, t.Any]) -> None:
    import icalendar

    raw = (pkg / "exports" / "msel.ics").read_bytes()
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    assert len(events) == len(ctx["injects"])
    startex = dt.datetime(2027, 5, 10, 6, 0, tzinfo=dt.timezone.utc)
    by_uid = {str(e["UID"]): e for e in events}
    for inj in ctx["injects"]:
        e = by_uid[f"{inj['id']}@ADRIATIC-SHIELD-27"]
        assert e.decoded("DTSTAMP") == startex
        assert e.decoded("DTSTART") == startex + dt.timedelta(minutes=inj["time"])
        assert e.decoded("DTEND") > e.decoded("DTSTART")
        assert str(e["SUMMARY"]) == f"[{inj['serial']}] {inj['title']}"
        description = str(e["DESCRIPTION"])
        assert inj["from"]["name"] in description and inj["expected_action"] in description
        if inj["threat"]:
            assert [str(c) for c in e["CATEGORIES"].cats] == [inj["threat"]["kind"]]
    nasty = next(e for e in events if NASTY_TEXT in str(e["SUMMARY"]))
    assert str(nasty["SUMMARY"]).endswith(NASTY_TEXT)


def test_ical_filters_escape_and_fold() -> None:
    assert filters.ical_text("a;b,c\\d\r\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = filters.ical_fold("DESCRIPTION:" + "é" * 80)
    lines = folded.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines) and lines[1].startswith(" ")
    assert "".join([lines[0], *(line[1:] for line in lines[1:])]) == "DESCRIPTION:" + "é" * 80
    assert filters.ical_fold("A:1\u2028x\n") == "A:1\u2028x\r\n"


# ---------- the package index and `build --only` ----------

def test_index_links_every_export(pkg: Path) -> None:
    html = (pkg / "index.html").read_text("utf-8")
    for rel in ("exports/c2sim-initialization.xml", "exports/exercise.geojson", "exports/exercise.kml",
                "exports/tak-data-package.zip", "exports/msel.ics"):
        assert f'href="{rel}"' in html and (pkg / rel).is_file()
    assert 'href="console.html"' not in html  # not built here, so not linked


def test_only_builds_just_the_named_outputs(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(tmp_path / "p"), "--only", "console,c2sim"])
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(tmp_path / "p").as_posix() for p in (tmp_path / "p").rglob("*") if p.is_file())
    assert files == ["console.html", "exports/c2sim-initialization.xml", "manifest.json"]
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text("utf-8"))
    assert manifest["only"] == ["c2sim", "console"]


def test_only_with_an_unknown_name_is_a_usage_error_listing_the_names(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(tmp_path / "p"), "--only", "console,kmz"])
    assert result.exit_code == 2
    assert "'kmz'" in result.stderr and "choose from: index, msel, cards" in result.stderr
    assert not (tmp_path / "p").exists()


def test_build_help_lists_every_builtin_output_name() -> None:
    tset, found = pipeline.load_template_set()
    assert not found
    names = output_names(tset)
    assert set(names) >= {"book", "msel", "cards", "eeg", "role-players", "handbook", "comms", "charts",
                          "console", "c2sim", "geojson", "kml", "cot", "ical", "index"}
    help_text = CliRunner().invoke(cli, ["build", "--help"]).output
    for name in names:
        assert re.search(rf"^\s+{re.escape(name)}\s", help_text, re.MULTILINE), name


def test_override_lines_keep_or_set_their_name(tmp_path: Path) -> None:
    (tmp_path / "outputs.yaml").write_text(
        "outputs:\n"
        "  - {template: msel.csv.j2, output: exports/msel.ics}\n"  # replaces: keeps the name ical
        "  - {template: msel.csv.j2, output: extra/list.csv}\n"  # new, unnamed: named after its folder
        "  - {name: mine, template: msel.csv.j2, output: mine.csv}\n", "utf-8")
    tset, found = pipeline.load_template_set([tmp_path])
    assert not found
    names = {s.output: s.name for s in tset.outputs}
    assert names["exports/msel.ics"] == "ical" and names["extra/list.csv"] == "extra" and names["mine.csv"] == "mine"
    assert select_outputs(tset, ["mine", "nope"])[1] == ["nope"]
