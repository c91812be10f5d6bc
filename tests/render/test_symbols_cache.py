"""Unit symbols come from exgen's cache when they were drawn before: no scipy import, same bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exgen.core import cache
from exgen.render import symbols

SIDCS = ["10031000161211000000", "10061000151205000000", "10031000141211000000"]
DRAW = ("import json, sys; from exgen.render.symbols import symbol_svg; "
        "out = [str(symbol_svg(s, 40)) for s in sys.argv[1:]]; "
        "print(json.dumps({'svg': out, 'imported': 'military_symbol' in sys.modules}))")


def _draw(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", DRAW, *SIDCS], capture_output=True, text=True, check=True,
                          env={**os.environ, **env}, timeout=120)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_second_process_draws_from_the_cache_without_the_library(tmp_path: Path) -> None:
    env = {"EXGEN_CACHE_DIR": str(tmp_path / "cache")}
    first, second = _draw(env), _draw(env)
    assert first["imported"] is True and second["imported"] is False
    assert first["svg"] == second["svg"]
    assert len(list((tmp_path / "cache" / "symbols").iterdir())) == len(SIDCS)


def test_no_cache_writes_nothing_and_draws_the_same(tmp_path: Path) -> None:
    cached = _draw({"EXGEN_CACHE_DIR": str(tmp_path / "cache")})
    uncached = _draw({"EXGEN_CACHE_DIR": str(tmp_path / "off"), "EXGEN_NO_CACHE": "1"})
    assert uncached["imported"] is True and uncached["svg"] == cached["svg"]
    assert not (tmp_path / "off").exists()


def test_a_tampered_cache_entry_still_passes_the_allow_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXGEN_CACHE_DIR", str(tmp_path))
    sidc = "10031000161211000099"
    entry = cache.key("symbol", symbols._library_version(), symbols._STYLE, sidc)
    (tmp_path / "symbols").mkdir(mode=0o700)
    (tmp_path / "symbols" / entry).write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
        '<path d="M0 0 L10 10" onload="alert(2)" fill="url(https://x.example/y)" stroke="#000"/></svg>')
    drawn = str(symbols.symbol_svg(sidc, 40))
    assert "<path" in drawn and 'stroke="#000"' in drawn
    assert "script" not in drawn and "onload" not in drawn and "url" not in drawn


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("EXGEN_CACHE_DIR", str(shared))
    assert cache.directory() is None
    cache.write("symbols", "x", b"data")
    assert not (shared / "symbols").exists()
    monkeypatch.setenv("EXGEN_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.directory() == tmp_path / "mine"
