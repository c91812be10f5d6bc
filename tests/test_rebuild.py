"""A build with nothing to do writes nothing; any change to what the package depends on rebuilds it."""

from __future__ import annotations

import json
import os
import shutil
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen import pipeline
from exgen.cli import cli
from tests.conftest import FLAGSHIP_DIR, plant


def _stats(package: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of the package folder and of everything in it."""
    return {p.relative_to(package.parent).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in [package, *sorted(package.rglob("*"))]}


def _run(*args: str) -> t.Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def flagship(tmp_path: Path) -> Path:
    shutil.copytree(FLAGSHIP_DIR, tmp_path / "src")
    return tmp_path / "src" / "exercise.yaml"


def test_an_unchanged_flagship_is_up_to_date_and_nothing_is_written(flagship: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    first = _run("build", str(flagship), "-o", str(out))
    assert first.exit_code == 0 and first.output.startswith(f"Built {out}"), first.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert "build_key" not in manifest  # the package's bytes never depend on exgen's code or the machine
    before = _stats(out)
    second = _run("build", str(flagship), "-o", str(out))
    assert second.exit_code == 0
    assert second.output == f"{out} is up to date: nothing changed since it was built (--rebuild builds it anyway)\n"
    assert _stats(out) == before
    forced = _run("build", str(flagship), "-o", str(out), "--rebuild")
    assert forced.exit_code == 0 and forced.output.startswith(f"Built {out}"), forced.output
    assert _stats(out) != before
    assert (out / "manifest.json").read_bytes() == json.dumps(manifest, indent=2).encode() + b"\n"


def _build(flagship: Path, out: Path, **kw: t.Any) -> pipeline.Built:
    kw.setdefault("only", ["index", "msel"])
    result = pipeline.build(str(flagship), str(out), **kw)
    assert result.written is not None or result.up_to_date, [d.as_text() for d in result.checked.diagnostics]
    return result


def _rebuilt(flagship: Path, out: Path, **kw: t.Any) -> bool:
    result = _build(flagship, out, **kw)
    return not result.up_to_date and result.written is not None


def test_the_same_build_twice_is_up_to_date(flagship: Path, tmp_path: Path) -> None:
    assert _rebuilt(flagship, tmp_path / "pkg")
    assert not _rebuilt(flagship, tmp_path / "pkg")
    assert not _rebuilt(flagship, tmp_path / "pkg", only=["msel", "index", "msel"])  # the same selection
    assert not _rebuilt(flagship, tmp_path / "pkg", jobs=1)  # how it renders does not change the bytes


def test_a_changed_inject_rebuilds(flagship: Path, tmp_path: Path) -> None:
    _build(flagship, tmp_path / "pkg")
    plant(flagship.parent / "injects" / "day1.yaml", "title: \"MND", "title: \"Changed MND")
    assert _rebuilt(flagship, tmp_path / "pkg")
    assert "Changed MND" in (tmp_path / "pkg" / "msel" / "msel.html").read_text("utf-8")
    assert not _rebuilt(flagship, tmp_path / "pkg")


def test_a_changed_seed_selection_or_strictness_rebuilds(flagship: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    _build(flagship, out)
    assert _rebuilt(flagship, out, seed=3)
    assert _rebuilt(flagship, out, seed=3, only=["index"])
    assert _rebuilt(flagship, out, seed=3, only=["index"], strict=True)
    assert not _rebuilt(flagship, out, seed=3, only=["index"], strict=True)


def test_a_changed_override_template_rebuilds(flagship: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    out = tmp_path / "pkg"
    assert _rebuilt(flagship, out, template_dirs=[str(mine)])
    (mine / "index.html.j2").write_text('{% extends "builtin/index.html.j2" %}\n', "utf-8")
    assert _rebuilt(flagship, out, template_dirs=[str(mine)])
    assert not _rebuilt(flagship, out, template_dirs=[str(mine)])
    (mine / "outputs.yaml").write_text("outputs:\n  - {name: extra, template: index.html.j2, output: extra.html}\n",
                                       "utf-8")
    assert _rebuilt(flagship, out, template_dirs=[str(mine)], only=None)
    assert (out / "extra.html").is_file()


def test_an_edited_included_file_rebuilds_even_with_the_same_size(flagship: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    _build(flagship, out)
    forces = flagship.parent / "forces.yaml"
    text = forces.read_text("utf-8")
    forces.write_text(text.replace("name: ", "name: ", 1), "utf-8")  # the same bytes: still up to date
    assert not _rebuilt(flagship, out)
    assert "Brigade" in text
    forces.write_text(text.replace("Brigade", "brigade", 1), "utf-8")
    assert _rebuilt(flagship, out)


def test_a_damaged_package_or_a_broken_definition_is_never_up_to_date(flagship: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    _build(flagship, out)
    (out / "msel" / "msel.csv").unlink()
    assert _rebuilt(flagship, out)
    with (out / "index.html").open("ab") as handle:
        handle.write(b"<!-- edited -->")
    assert _rebuilt(flagship, out)
    plant(flagship, "exercise:", "exercise: [", 0)
    result = pipeline.build(str(flagship), str(out), only=["index", "msel"])
    assert result.written is None and not result.up_to_date
    assert any(d.is_error for d in result.checked.diagnostics)


def test_the_key_ignores_where_the_definition_lives(flagship: Path, tmp_path: Path) -> None:
    _build(flagship, tmp_path / "a")
    shutil.copytree(flagship.parent, tmp_path / "elsewhere")
    os.utime(tmp_path / "elsewhere" / "exercise.yaml", (1, 1))
    _build(tmp_path / "elsewhere" / "exercise.yaml", tmp_path / "b")
    key = [pipeline._recorded_key(tmp_path / p) for p in ("a", "b")]
    assert key[0] is not None and key[0] == key[1]


def test_a_rebuild_after_an_edit_reads_the_definition_once(flagship: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The up-to-date check loads the definition to hash it; when it is stale, the build validates
    what that load gave instead of reading and parsing every file again."""
    import exgen.load

    out = tmp_path / "pkg"
    _build(flagship, out)
    plant(flagship, "title:", "title: Edited", 0)
    calls: list[str] = []
    real = exgen.load.load

    def counting(path: t.Any) -> t.Any:
        calls.append(str(path))
        return real(path)

    monkeypatch.setattr(exgen.load, "load", counting)
    result = _build(flagship, out)
    assert result.written is not None and not result.up_to_date
    assert [c for c in calls if c == str(flagship)] == [str(flagship)]  # (outputs.yaml is loaded too)
