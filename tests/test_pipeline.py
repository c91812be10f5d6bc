"""Building packages: determinism, overrides, the sandbox, hostile paths, atomic writes, golden files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from exgen import package, pipeline
from tests.conftest import FLAGSHIP, TESTS, plant

GOLDEN = TESTS / "golden" / "adriatic-shield"
#: Package files pinned as golden files (manifest.json pins the hash of every other file).
GOLDEN_FILES = ["index.html", "msel/msel.csv", "msel/msel.html", "injects/INJ-002.html", "manifest.json",
                "spec/exercise-specification.html", "players/exercise-plan.html"]


def build(src: Path | str, out: Path, **kw: object) -> pipeline.Built:
    result = pipeline.build(str(src), str(out), **kw)  # type: ignore[arg-type]
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return result


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_packages(tmp_path: Path) -> None:
    build(FLAGSHIP, tmp_path / "a", seed=11)
    build(FLAGSHIP, tmp_path / "b", seed=11)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_package_does_not_depend_on_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       no_pdf: str) -> None:
    build(FLAGSHIP, tmp_path / "a", seed=1, template_dirs=[no_pdf])
    monkeypatch.chdir(FLAGSHIP.parent)
    build("exercise.yaml", tmp_path / "b", seed=1, template_dirs=[no_pdf])
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_different_seed_changes_generated_detail(tmp_path: Path, no_pdf: str) -> None:
    build(FLAGSHIP, tmp_path / "a", seed=1, template_dirs=[no_pdf])
    build(FLAGSHIP, tmp_path / "b", seed=2, template_dirs=[no_pdf])
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a.keys() == b.keys() and a != b


def test_adding_an_inject_changes_only_files_that_mention_it(flagship_copy: Path, tmp_path: Path, no_pdf: str) -> None:
    build(flagship_copy, tmp_path / "before", seed=5, template_dirs=[no_pdf])
    day3 = flagship_copy.parent / "injects" / "day3.yaml"
    day3.write_text(day3.read_text("utf-8") + """
  - id: INJ-NEW
    time: "D+3 17:50"
    from: CTRL-HICON
    to: [MNB-HQ]
    method: email
    title: "Late request for a casualty return"
    objectives: [TO-2]
""", "utf-8")
    build(flagship_copy, tmp_path / "after", seed=5, template_dirs=[no_pdf])
    before, after = tree(tmp_path / "before"), tree(tmp_path / "after")
    changed = {p for p in after if before.get(p) != after[p]}
    # Only files that mention the new inject change: personas, call signs and other cards do not move.
    assert {"injects/INJ-NEW.html", "index.html", "msel/msel.csv", "manifest.json"} <= changed
    binary = {"book/exercise-book.pdf", "msel/msel.xlsx"}  # compressed: they list every inject too
    counted = {"forces/units.html"}  # counts each unit's injects: only the receiver's row moves
    for rel in changed - {"manifest.json"} - binary - counted:
        assert "INJ-NEW" in (tmp_path / "after" / rel).read_text("utf-8"), rel
    for rel in changed & counted:
        old, new = ((tmp_path / side / rel).read_text("utf-8").splitlines() for side in ("before", "after"))
        moved = [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        row = [line for line in new[:moved[0]] if line.startswith("<tr id=")][-1:]
        assert len(moved) == 1 and row == ['<tr id="unit-MNB-HQ">'], (rel, row, [new[n] for n in moved])
    assert len([p for p in changed if p.startswith("injects/")]) <= 2  # the new card and its neighbour's link


def test_three_line_override_changes_every_inject_card(tmp_path: Path, no_pdf: str) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "inject_card.html.j2").write_text(
        '{% extends "builtin/inject_card.html.j2" %}\n'
        "{% block controller_box %}<p class=\"mine\">Report to the EXCON chief.</p>{% endblock %}\n", "utf-8")
    build(FLAGSHIP, tmp_path / "pkg", template_dirs=[str(mine), no_pdf])
    cards = sorted((tmp_path / "pkg" / "injects").glob("*.html"))
    assert len(cards) > 20
    for card in cards:
        text = card.read_text("utf-8")
        assert "Report to the EXCON chief." in text and "CONTROLLER" not in text.upper().split("REPORT TO")[1][:0]
    index = (tmp_path / "pkg" / "index.html").read_text("utf-8")
    assert "Report to the EXCON chief." not in index


def test_override_directory_can_add_a_document(tmp_path: Path, no_pdf: str) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "roster.txt.j2").write_text("{% for u in units %}{{ u.id }} {{ u.callsign }}\n{% endfor %}", "utf-8")
    (mine / "outputs.yaml").write_text("outputs:\n  - {template: roster.txt.j2, output: roster.txt}\n", "utf-8")
    build(FLAGSHIP, tmp_path / "pkg", template_dirs=[str(mine), no_pdf])
    roster = (tmp_path / "pkg" / "roster.txt").read_text("utf-8").splitlines()
    assert roster and roster[0].startswith("MNB-HQ ")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{{ ''.__class__.__mro__ }}", "template-unsafe"),
        ("{{ exercise.__class__ }}", "template-unsafe"),
        ("{{ units.append(1) }}", "template-unsafe"),
        ("{{ os.system('id') }}", "template-undefined"),
        ("{{ nonexistent_key }}", "template-undefined"),
        ('{% include "../../../etc/passwd" %}', "template-not-found"),
        ("{% for x in %}", "template-syntax"),
    ],
)
def test_sandbox_refuses_templates_reaching_out(tmp_path: Path, body: str, code: str) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html.j2").write_text(body, "utf-8")
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[str(mine)])
    assert result.written is None
    assert [d.code for d in result.checked.diagnostics if d.is_error] == [code]
    assert not (tmp_path / "pkg").exists()


def test_symlink_out_of_template_dir_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", "utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    os.symlink(secret, mine / "leak.j2")
    (mine / "index.html.j2").write_text('{% include "leak.j2" %}', "utf-8")
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[str(mine)])
    assert result.written is None
    errors = [d for d in result.checked.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["template-file"] and "leads outside" in errors[0].message
    assert errors[0].location.file.endswith("leak.j2") and "TOP SECRET" not in errors[0].message


@pytest.mark.parametrize("bad", ["../../x", "/etc/passwd", "a/../../b", "", "a//b", ".hidden", "a\\b"])
def test_hostile_output_paths_are_refused(bad: str) -> None:
    with pytest.raises(package.PackageError):
        package.check_relative(bad)


def test_hostile_inject_id_never_reaches_the_file_system(flagship_copy: Path, tmp_path: Path) -> None:
    plant(flagship_copy.parent / "injects" / "day1.yaml", "id: INJ-001", "id: ../../x")
    result = pipeline.build(str(flagship_copy), str(tmp_path / "pkg"))
    assert result.written is None
    assert any(d.code == "schema-pattern" for d in result.checked.diagnostics)
    assert not (tmp_path / "x").exists() and not (tmp_path / "pkg").exists()


def test_failure_mid_build_leaves_previous_package_intact(tmp_path: Path, no_pdf: str) -> None:
    target = tmp_path / "pkg"
    build(FLAGSHIP, target, seed=1, template_dirs=[no_pdf])
    before = tree(target)
    files = {"index.html": b"new", "injects/a.html": b"x"}

    def crash(_: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), package.Writer(target) as out:
        for rel, data in files.items():
            out.record(*package.put(out.tmp, rel, data))
        out.commit({"seed": 2}, before_rename=crash)
    assert tree(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]  # no temporary directory left behind


@pytest.mark.parametrize("jobs", [1, 2])
def test_template_error_mid_render_leaves_previous_package_intact(tmp_path: Path, no_pdf: str, jobs: int) -> None:
    target = tmp_path / "pkg"
    build(FLAGSHIP, target, seed=1, template_dirs=[no_pdf])
    before = tree(target)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "inject_card.html.j2").write_text("{% if inject.serial > 30 %}{{ 1 // 0 }}{% endif %}ok", "utf-8")
    result = pipeline.build(str(FLAGSHIP), str(target), template_dirs=[str(mine), no_pdf], jobs=jobs)
    assert result.written is None and [d.code for d in result.checked.diagnostics if d.is_error] == ["template-error"]
    err = [d for d in result.checked.diagnostics if d.is_error][0]
    assert err.location.file.endswith("inject_card.html.j2") and err.location.line == 1
    assert tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "pkg"]  # no temporary directory left


def test_parallel_and_serial_rendering_give_the_same_package(tmp_path: Path, no_pdf: str) -> None:
    one = build(FLAGSHIP, tmp_path / "one", seed=3, template_dirs=[no_pdf], jobs=1)
    three = build(FLAGSHIP, tmp_path / "three", seed=3, template_dirs=[no_pdf], jobs=3)
    assert tree(tmp_path / "one") == tree(tmp_path / "three")
    assert (one.files, one.size) == (three.files, three.size)
    manifest = json.loads((tmp_path / "three" / "manifest.json").read_text("utf-8"))
    on_disk = {p: h for p, h in tree(tmp_path / "three").items() if p != "manifest.json"}
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == on_disk


def test_an_output_and_its_pdf_render_the_template_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two output lines with one template (the book as HTML and as PDF) share one rendering,
    and the conversion runs in a converter process even with --jobs 1."""
    from exgen.render import convert, stream

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "sheet.typ.j2").write_text("= {{ exercise.id | typst }} sheet\n", "utf-8")
    (mine / "outputs.yaml").write_text(
        "outputs:\n"
        "  - {name: sheet, template: sheet.typ.j2, output: sheet/sheet.typ}\n"
        "  - {name: sheet, template: sheet.typ.j2, output: sheet/sheet.pdf, convert: typst}\n", "utf-8")
    renders = tmp_path / "renders.txt"  # rendering happens in a forked worker, even with --jobs 1
    converted: list[str] = []
    real_render, real_convert = stream.render_chunks, convert.convert_in_fresh_process

    def counting_render(env, spec, context, item):  # type: ignore[no-untyped-def]
        with renders.open("a", encoding="utf-8") as out:
            out.write(f"{spec.output} {os.getpid()}\n")
        return real_render(env, spec, context, item)

    def counting_convert(kind, source, folder, rel, startex, **kw):  # type: ignore[no-untyped-def]
        converted.append(rel)
        return real_convert(kind, source, folder, rel, startex, **kw)

    monkeypatch.setattr(stream, "render_chunks", counting_render)
    monkeypatch.setattr(convert, "convert_in_fresh_process", counting_convert)
    build(FLAGSHIP, tmp_path / "pkg", template_dirs=[str(mine)], only=["sheet"], jobs=1)
    rendered = renders.read_text("utf-8").split()
    assert rendered[0] == "sheet/sheet.pdf" and len(rendered) == 2 and converted == ["sheet/sheet.pdf"]
    assert int(rendered[1]) != os.getpid()  # in a worker, under the render limits
    source = (tmp_path / "pkg" / "sheet" / "sheet.typ").read_text("utf-8")
    assert source.startswith("= ") and "ADRIATIC-SHIELD-27" in source and source.endswith(" sheet\n")
    assert (tmp_path / "pkg" / "sheet" / "sheet.pdf").read_bytes().startswith(b"%PDF-")
    manifest = json.loads((tmp_path / "pkg" / "manifest.json").read_text("utf-8"))
    assert sorted(f["path"] for f in manifest["files"]) == ["sheet/sheet.pdf", "sheet/sheet.typ"]


def test_a_rendering_process_that_dies_is_reported_not_hung(tmp_path: Path, no_pdf: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from exgen.render import stream

    real = stream.write_job

    def dies(env, spec, context, item, folder):  # type: ignore[no-untyped-def]
        if spec.output == "comms/comms-plan.html":
            os._exit(9)  # a worker killed mid-render (out of memory, a crash in a C library)
        return real(env, spec, context, item, folder)

    monkeypatch.setattr(stream, "write_job", dies)
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[no_pdf], jobs=2)
    assert result.written is None
    assert [d.code for d in result.checked.diagnostics if d.is_error] == ["render-worker"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_two_renderings_writing_one_file_are_refused(tmp_path: Path, jobs: int) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "outputs.yaml").write_text(  # per unit, but no {id} in the path: every unit writes units.html
        "outputs:\n  - {name: clash, template: index.html.j2, output: units.html, per: unit}\n", "utf-8")
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[str(mine)], only=["clash"],
                            jobs=jobs)
    assert result.written is None
    errors = [d for d in result.checked.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["package"] and "two outputs write 'units.html'" in errors[0].message
    assert list(tmp_path.iterdir()) == [mine]


def test_manifest_records_inputs_seed_and_versions(flagship_package: Path) -> None:
    manifest = json.loads((flagship_package / "manifest.json").read_text("utf-8"))
    assert manifest["seed"] == 0 and manifest["faker_version"] and manifest["exgen_version"]
    assert "build_key" not in manifest
    inputs = {i["file"] for i in manifest["inputs"]}
    assert inputs == {"exercise.yaml", "forces.yaml", "comms.yaml", "civil.yaml", "excon.yaml", "storyline.yaml",
                      "injects/day1.yaml", "injects/day2.yaml", "injects/day3.yaml"}
    for entry in manifest["files"]:
        data = (flagship_package / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_golden_files(flagship_package: Path) -> None:
    """Rendered output is pinned; regenerate with `make golden` and review the diff like code."""
    if os.environ.get("EXGEN_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel in GOLDEN_FILES:
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes((flagship_package / rel).read_bytes())
    for rel in GOLDEN_FILES:
        assert (flagship_package / rel).read_bytes() == (GOLDEN / rel).read_bytes(), \
            f"{rel} differs from golden"


def test_an_edited_override_is_recompiled_not_served_from_the_template_cache(tmp_path: Path) -> None:
    from exgen.render.environment import environment

    mine = tmp_path / "mine"
    mine.mkdir()
    card = mine / "inject_card.html.j2"
    outputs = [("first", "one"), ("second", "two")]
    for word, folder in outputs:
        card.write_text(f"{word} {{{{ inject.id }}}}", "utf-8")
        environment.cache_clear()  # a new process: only the on-disk bytecode cache is shared
        build(FLAGSHIP, tmp_path / folder, template_dirs=[str(mine)], only=["cards"], jobs=1)
    assert (tmp_path / "one" / "injects" / "INJ-001.html").read_text("utf-8") == "first INJ-001"
    assert (tmp_path / "two" / "injects" / "INJ-001.html").read_text("utf-8") == "second INJ-001"


def test_the_template_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from exgen.render.environment import bytecode_cache

    assert bytecode_cache() is not None
    monkeypatch.setenv("EXGEN_NO_TEMPLATE_CACHE", "1")
    assert bytecode_cache() is None


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_printing_without_end_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    from exgen.render import stream

    monkeypatch.setattr(stream, "MAX_OUTPUT_BYTES", 50_000)  # 64 MiB in real life
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "msel.csv.j2").write_text("{% for i in range(100000) %}row {{ i }}\n{% endfor %}", "utf-8")
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[str(mine)], only=["msel"], jobs=jobs)
    assert result.written is None
    assert [d.code for d in result.checked.diagnostics if d.is_error] == ["template-output-too-large"]
    assert list(tmp_path.iterdir()) == [mine]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_is_a_located_error_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        jobs: int) -> None:
    import errno

    real_open = Path.open

    def full(self: Path, *args: object, **kw: object):  # type: ignore[no-untyped-def]
        if self.name == "msel.csv":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", full)
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), only=["msel", "index"], jobs=jobs)
    assert result.written is None
    errors = [d for d in result.checked.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["package"] and "msel/msel.csv" in errors[0].message
    assert "No space left on device" in errors[0].message
    assert list(tmp_path.iterdir()) == []


def _niceness_after(index: int) -> tuple[int, int]:
    from exgen.render.parallel import ForkState

    before = os.nice(0)
    ForkState.work(index)
    return before, os.nice(0)


def test_workers_yield_the_cpu_to_converters_only_after_rendering_their_sources(tmp_path: Path) -> None:
    """A worker renders the text a converter waits for at full priority, then lowers its own."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from exgen.render.outputs import OutputSpec, TemplateSet
    from exgen.render.parallel import WORKER_NICE, ForkState

    (tmp_path / "t.html.j2").write_text("<p>{{ exercise.id }}</p>", "utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "scratch").mkdir()
    templates = TemplateSet((tmp_path,))
    pdf = OutputSpec(template="t.html.j2", output="t.pdf", convert="typst")
    html = OutputSpec(template="t.html.j2", output="t.html")
    tasks = [[(pdf, None)], [(html, None)]]
    state = ForkState(templates, {"exercise": {"id": "EX-1"}}, tasks, tmp_path / "out", tmp_path / "scratch")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=state.adopt) as pool:
        source = pool.submit(_niceness_after, 0).result()
        text = pool.submit(_niceness_after, 1).result()
        again = pool.submit(_niceness_after, 1).result()
    assert ForkState.inherited is None  # only the workers adopted it
    start = source[0]
    assert source == (start, start)  # the conversion's source: full priority
    assert text == (start, min(start + WORKER_NICE, 19))  # then nice, once
    assert again == (text[1], text[1])
    assert (tmp_path / "out" / "t.html").read_text("utf-8") == "<p>EX-1</p>"
