"""Outputs as their clients read them: TAK (one CoT <event> per file, a data package zip with its
manifest), Excel (a CSV with a UTF-8 byte-order mark) and Google Earth (the exercise area in the KML)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from exgen import pipeline
from exgen.render import archive
from exgen.render.convert import ConvertError
from tests.conftest import plant

KML = "{http://www.opengis.net/kml/2.2}"
CYRILLIC = "Пожар у луци Бар — Šćepan Đurić"


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship with a Cyrillic and Latin-diacritics inject title, built for these clients."""
    import shutil

    from tests.conftest import FLAGSHIP_DIR

    src = tmp_path_factory.mktemp("src") / "adriatic-shield"
    shutil.copytree(FLAGSHIP_DIR, src)
    plant(src / "injects" / "day1.yaml", "title: First fuel convoy delayed at Port Selvana by port congestion",
          f"title: {json.dumps(CYRILLIC, ensure_ascii=False)}")
    out = tmp_path_factory.mktemp("pkg") / "pkg"
    result = pipeline.build(str(src / "exercise.yaml"), str(out), only=["msel", "kml", "geojson", "cot", "index"])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out


def test_msel_csv_starts_with_a_utf8_bom_and_reads_back(pkg: Path) -> None:
    raw = (pkg / "msel" / "msel.csv").read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf" and raw[3:9] == b"Serial" and raw.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0])[0] == "Serial" and any(r["Title"] == CYRILLIC for r in rows)


def _event_ok(root: ET.Element) -> None:
    assert root.tag == "event"
    assert set(root.attrib) >= {"version", "uid", "type", "time", "start", "stale", "how"}
    point = root.find("point")
    assert point is not None and set(point.attrib) >= {"lat", "lon", "hae", "ce", "le"}


def test_every_cot_file_is_one_event_document(pkg: Path) -> None:
    files = sorted((pkg / "exports" / "cot").glob("*.cot"))
    assert len(files) > 10
    for path in files:
        root = ET.parse(path).getroot()
        _event_ok(root)
        assert root.get("uid") == f"ADRIATIC-SHIELD-27.{path.stem}"


def test_tak_data_package_has_a_manifest_listing_every_entry(pkg: Path) -> None:
    path = pkg / "exports" / "tak-data-package.zip"
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        infos = z.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names) and "MANIFEST/manifest.xml" in names
        assert {i.date_time for i in infos} == {(2027, 5, 10, 6, 0, 0)}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
        manifest = ET.fromstring(z.read("MANIFEST/manifest.xml"))
        assert manifest.tag == "MissionPackageManifest" and manifest.get("version") == "2"
        configuration = manifest.find("Configuration")
        assert configuration is not None
        config = {p.get("name"): p.get("value") for p in configuration.findall("Parameter")}
        assert config["name"] and config["uid"]
        contents = manifest.findall("Contents/Content")
        listed = [str(c.get("zipEntry")) for c in contents]
        assert sorted(listed) == [n for n in names if n != "MANIFEST/manifest.xml"]
        cot_files = {p.name for p in (pkg / "exports" / "cot").glob("*.cot")}
        assert len(listed) == len(cot_files)
        for content in contents:
            event = ET.fromstring(z.read(str(content.get("zipEntry"))))
            _event_ok(event)
            uid_param = content.find("Parameter[@name='uid']")
            assert uid_param is not None and uid_param.get("value") == event.get("uid")
            assert z.read(str(content.get("zipEntry"))) == \
                (pkg / "exports" / "cot" / f"{str(event.get('uid')).split('.', 1)[1]}.cot").read_bytes()


def test_zip_converter_is_deterministic_and_refuses_bad_entries() -> None:
    spec = json.dumps({"entries": [{"path": "b/x.txt", "text": "é"}, {"path": "a.txt", "text": "1"}]})
    data = {"exercise": {"startex": "2027-05-10T06:00:00Z"}}
    first = archive.json_to_zip(spec, data)
    assert first == archive.json_to_zip(spec, data)
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist() == ["a.txt", "b/x.txt"] and z.read("b/x.txt") == "é".encode()
        assert all((i.external_attr >> 16) == 0o100644 for i in z.infolist())
    early = archive.json_to_zip(spec, {"exercise": {"startex": "1960-01-01T00:00:00Z"}})
    assert zipfile.ZipFile(io.BytesIO(early)).infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)
    for bad in ({"path": "../x", "text": ""}, {"path": "/x", "text": ""}, {"path": "a//b", "text": ""},
                {"path": "a", "text": 1}, "x"):
        with pytest.raises(ConvertError):
            archive.json_to_zip(json.dumps({"entries": [bad]}), data)
    with pytest.raises(ConvertError, match="already in the archive"):
        archive.json_to_zip(json.dumps({"entries": [{"path": "a", "text": ""}] * 2}), data)
    with pytest.raises(ConvertError):
        archive.json_to_zip("not json", data)


def test_kml_carries_the_exercise_area_like_the_geojson(pkg: Path) -> None:
    geo = json.loads((pkg / "exports" / "exercise.geojson").read_text("utf-8"))
    (area,) = [f for f in geo["features"] if f["properties"].get("feature") == "exercise-area"]
    ring = [tuple(p) for p in area["geometry"]["coordinates"][0]]
    root = ET.parse(pkg / "exports" / "exercise.kml").getroot()
    (mark,) = [p for p in root.iter(f"{KML}Placemark") if p.get("id") == "exercise-area"]
    text = mark.findtext(f"{KML}Polygon/{KML}outerBoundaryIs/{KML}LinearRing/{KML}coordinates") or ""
    points = [tuple(float(x) for x in p.split(",")) for p in text.split()]
    assert [p[:2] for p in points] == ring and len(ring) == 65 and ring[0] == ring[-1]
    assert all(p[2] == 0.0 for p in points)
