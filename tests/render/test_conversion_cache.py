"""Converted documents come from exgen's cache when their text was converted before: no converter
process, the same bytes; damaged entries and failed conversions are never used."""

from __future__ import annotations

import hashlib
import typing as t
from pathlib import Path

import pytest

from exgen import pipeline
from exgen.core import cache
from exgen.render import convert, convert_cache, environment
from tests.conftest import FLAGSHIP


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """A fresh cache directory, and the kind of every converter process started."""
    monkeypatch.setenv("EXGEN_CACHE_DIR", str(tmp_path / "cache"))
    started: list[str] = []
    real = convert.convert_in_fresh_process

    def counting(kind: str, *args: t.Any, **kwargs: t.Any) -> tuple[str, str, int]:
        started.append(kind)
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(convert, "convert_in_fresh_process", counting)
    return started


def _msel(out: Path, **kw: t.Any) -> pipeline.Built:
    """The flagship's MEL/MIL only: HTML, CSV and the XLSX workbook (one conversion)."""
    result = pipeline.build(str(FLAGSHIP), str(out), only=["msel"], rebuild=True, **kw)
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return result


def _bytes(package: Path) -> dict[str, str]:
    return {p.relative_to(package).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(package.rglob("*")) if p.is_file()}


def test_a_cache_hit_starts_no_converter_and_gives_the_same_bytes(launches: list[str], tmp_path: Path) -> None:
    _msel(tmp_path / "a")
    assert launches == ["xlsx"]
    assert len(list((tmp_path / "cache" / convert_cache.FOLDER).iterdir())) == 1
    _msel(tmp_path / "b")
    assert launches == ["xlsx"]  # no second process
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_another_startex_is_another_conversion(launches: list[str], tmp_path: Path) -> None:
    source = tmp_path / "text.json"
    source.write_text('{"sheets": []}', "utf-8")
    one = convert_cache.entry_for("xlsx", str(source), "2027-05-10T06:00:00Z")
    assert one == convert_cache.entry_for("xlsx", str(source), "2027-05-10T06:00:00Z")
    assert one != convert_cache.entry_for("xlsx", str(source), "2027-05-11T06:00:00Z")
    assert one != convert_cache.entry_for("pdf", str(source), "2027-05-10T06:00:00Z")
    source.write_text('{"sheets": [] }', "utf-8")
    assert one != convert_cache.entry_for("xlsx", str(source), "2027-05-10T06:00:00Z")


def test_a_damaged_entry_is_detected_dropped_and_converted_again(launches: list[str], tmp_path: Path) -> None:
    _msel(tmp_path / "a")
    [entry] = (tmp_path / "cache" / convert_cache.FOLDER).iterdir()
    good = entry.read_bytes()
    header, body = good.split(b"\n", 1)
    entry.write_bytes(header + b"\n" + body[:-10] + b"0123456789")  # same size and header, other bytes
    _msel(tmp_path / "b")
    assert launches == ["xlsx", "xlsx"]
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert entry.read_bytes() == good  # the fresh conversion was kept again


@pytest.mark.parametrize("stored", [b"", b"not a cache entry\n", b"exgen-cache-file 1 abc 12\nxyz",
                                    b"exgen-cache-file 1 " + b"0" * 64 + b" 99999999999999\n"])
def test_an_entry_with_a_broken_header_is_a_miss(stored: bytes, launches: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "kind"
    folder.mkdir(parents=True)
    (folder / "entry").write_bytes(stored)
    assert cache.file_chunks("kind", "entry") is None


def test_a_file_entry_round_trips_with_its_hash(launches: list[str], tmp_path: Path) -> None:
    assert cache.MAX_ENTRY < 20_000 * 256
    source = tmp_path / "doc.bin"
    source.write_bytes(bytes(range(256)) * 20_000)  # 5 MB: larger than a small entry (cache.MAX_ENTRY) may be
    cache.put_file("kind", "entry", source)
    kept = cache.file_chunks("kind", "entry")
    assert kept is not None
    sha256, size, chunks = kept
    assert b"".join(chunks) == source.read_bytes()
    assert (sha256, size) == (hashlib.sha256(source.read_bytes()).hexdigest(), source.stat().st_size)


def test_a_failed_conversion_is_not_cached(launches: list[str], tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "msel.xlsx.j2").write_text('{"sheets": [{"rows": [[1,]]}]}', "utf-8")
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), only=["msel"], template_dirs=[str(mine)])
    assert [d.code for d in result.checked.diagnostics if d.is_error] == ["convert-failed"]
    assert launches == ["xlsx"]
    assert not (tmp_path / "cache" / convert_cache.FOLDER).exists() or \
        not list((tmp_path / "cache" / convert_cache.FOLDER).iterdir())


def test_no_cache_writes_nothing_to_the_cache_directory(launches: list[str], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXGEN_NO_CACHE", "1")
    environment.environment.cache_clear()  # a new process: the template cache is chosen afresh
    try:
        _msel(tmp_path / "a")
        _msel(tmp_path / "b")
    finally:
        environment.environment.cache_clear()
    assert launches == ["xlsx", "xlsx"]
    assert not (tmp_path / "cache").exists()
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_compiled_templates_live_in_the_cache_directory(launches: list[str], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    environment.environment.cache_clear()
    try:
        _msel(tmp_path / "a")
        assert list((tmp_path / "cache" / "templates").glob("__exgen_*.cache"))
        monkeypatch.setenv("EXGEN_NO_TEMPLATE_CACHE", "1")
        assert environment.bytecode_cache() is None
    finally:
        environment.environment.cache_clear()
