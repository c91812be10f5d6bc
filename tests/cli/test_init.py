"""`exgen init`: every scaffold is valid with --strict and builds; files are never silently overwritten.

Also checks that the examples of docs/templates.md build against a scaffold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen import pipeline
from exgen.cli import cli
from exgen.cli import scaffold as init
from tests.conftest import ROOT

DEFINITION_FILES = ["exercise.yaml", "forces.yaml", "comms.yaml", "excon.yaml", "storyline.yaml", "injects.yaml"]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def scaffold(tmp_path: Path, kind: str) -> Path:
    dest = tmp_path / kind.lower()
    code, _, err = run("init", str(dest), "--type", kind)
    assert code == 0, err
    return dest


@pytest.mark.parametrize("kind", init.TYPES)
def test_scaffold_is_valid_with_strict(tmp_path: Path, kind: str) -> None:
    dest = scaffold(tmp_path, kind)
    code, out, _ = run("validate", "--strict", str(dest / "exercise.yaml"))
    assert code == 0, out
    assert "warning[" not in out and "error[" not in out
    assert out.splitlines()[-1] == "6 files, 0 errors, 0 warnings"


@pytest.mark.parametrize("kind", init.TYPES)
def test_scaffold_builds(tmp_path: Path, kind: str) -> None:
    dest = scaffold(tmp_path, kind)
    result = pipeline.build(str(dest / "exercise.yaml"), str(tmp_path / "package"), strict=True)
    assert result.written is not None, [str(d) for d in result.checked.diagnostics]
    assert (tmp_path / "package" / "index.html").is_file()
    assert (tmp_path / "package" / "manifest.json").is_file()


@pytest.mark.parametrize("kind", init.TYPES)
def test_scaffold_has_the_outline_and_the_requested_size(tmp_path: Path, kind: str) -> None:
    import yaml

    dest = scaffold(tmp_path, kind)
    parts = {name: yaml.safe_load((dest / name).read_text("utf-8")) for name in DEFINITION_FILES}
    assert list(parts["exercise.yaml"]) == ["exgen", "include", "exercise", "objectives"]
    assert parts["exercise.yaml"]["include"] == DEFINITION_FILES[1:]
    assert parts["exercise.yaml"]["exercise"]["type"] == kind
    assert set(parts["forces.yaml"]) == {"systems", "units"}
    assert set(parts["comms.yaml"]) == {"nets", "pace", "constraints"}
    assert set(parts["excon.yaml"]) == {"excon"}
    assert set(parts["injects.yaml"]) == {"injects"}
    assert 4 <= len(parts["injects.yaml"]["injects"]) <= 8
    assert any(i.get("requires") for i in parts["injects.yaml"]["injects"])
    constraints = parts["comms.yaml"]["constraints"]
    if kind == "CPX":
        assert len(parts["forces.yaml"]["units"]) == 4 and len(parts["comms.yaml"]["pace"]) == 2
        assert [c["kind"] for c in constraints] == ["jamming"] and constraints[0]["intended"] is True
        assert {n.get("band") for n in parts["comms.yaml"]["nets"]} >= {"HF", "VHF", "UHF"}
        assert any(n["kind"] == "courier" for n in parts["comms.yaml"]["nets"])
        assert any(i.get("threat", {}).get("kind") in ("disinformation", "cyber")
                   for i in parts["injects.yaml"]["injects"])
    if kind == "TTX":
        categories = {u.get("category", "military") for u in parts["forces.yaml"]["units"]}
        assert categories == {"ministry", "police", "critical-infrastructure", "military"}
        assert {n["kind"] for n in parts["comms.yaml"]["nets"]} >= {"voice", "video", "data"}
    if kind == "COMMEX":
        systems = parts["forces.yaml"]["systems"]
        assert any(s.get("legacy") for s in systems) and any(not s.get("legacy") for s in systems)
        assert len(constraints) == 4


@pytest.mark.parametrize("kind", init.TYPES)
def test_modelines_point_to_schemas_that_exist(tmp_path: Path, kind: str) -> None:
    dest = scaffold(tmp_path, kind)
    for name in DEFINITION_FILES:
        first = (dest / name).read_text("utf-8").splitlines()[0]
        match = MODELINE.match(first)
        assert match, f"{name}: first line is not a schema modeline: {first!r}"
        expected = "exercise.schema.json" if name == "exercise.yaml" else "exercise-fragment.schema.json"
        assert match.group(1) == f"schemas/{expected}"
        assert (dest / name).parent.joinpath(match.group(1)).is_file()
    # every schema the modelines need, and every schema those refer to, was written
    written = {p.name for p in (dest / "schemas").iterdir()}
    for path in (dest / "schemas").iterdir():
        for ref in re.findall(r'"\$ref":\s*"([^"#]+)', path.read_text("utf-8")):
            assert ref in written, f"{path.name} refers to {ref}, which init did not write"


def test_schemas_are_the_bundled_ones(tmp_path: Path) -> None:
    dest = scaffold(tmp_path, "CPX")
    for path in (dest / "schemas").iterdir():
        assert path.read_bytes() == (ROOT / "schemas" / path.name).read_bytes()


def test_prints_what_it_wrote_and_the_next_commands(tmp_path: Path) -> None:
    dest = tmp_path / "ex"
    code, out, _ = run("init", str(dest))
    assert code == 0
    for name in DEFINITION_FILES:
        assert str(dest / name) in out
    assert f"exgen validate {dest / 'exercise.yaml'}" in out
    assert f"exgen build {dest / 'exercise.yaml'} -o {dest / 'package'}" in out
    assert "CPX" in out  # the default type


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    dest = scaffold(tmp_path, "CPX")
    (dest / "injects.yaml").write_text("# my work\n", "utf-8")
    code, _, err = run("init", str(dest), "--type", "TTX")
    assert code == 1
    assert "--force" in err and str(dest / "injects.yaml") in err
    assert "Traceback" not in err
    assert (dest / "injects.yaml").read_text("utf-8") == "# my work\n"
    assert "type: CPX" in (dest / "exercise.yaml").read_text("utf-8")


def test_refuses_when_only_a_schema_is_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "unit.schema.json").write_text("{}", "utf-8")
    code, _, err = run("init", str(tmp_path))
    assert code == 1 and "unit.schema.json" in err
    assert not (tmp_path / "exercise.yaml").exists()


def test_force_overwrites(tmp_path: Path) -> None:
    dest = scaffold(tmp_path, "CPX")
    (dest / "injects.yaml").write_text("# my work\n", "utf-8")
    code, _, _ = run("init", str(dest), "--type", "COMMEX", "--force")
    assert code == 0
    assert (dest / "injects.yaml").read_bytes() == init.definition_files("COMMEX")["injects.yaml"]
    assert "type: COMMEX" in (dest / "exercise.yaml").read_text("utf-8")


def test_creates_missing_directories(tmp_path: Path) -> None:
    dest = tmp_path / "exercises" / "2027" / "first"
    code, _, _ = run("init", str(dest))
    assert code == 0
    assert sorted(p.name for p in dest.iterdir()) == sorted([*DEFINITION_FILES, "schemas"])


def test_default_directory_is_the_current_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("init")
    assert code == 0
    assert (tmp_path / "exercise.yaml").is_file()
    assert "exgen validate exercise.yaml" in out and "-o package" in out


def test_directory_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", "utf-8")
    code, _, err = run("init", str(tmp_path / "taken"))
    assert code in (1, 2) and "Traceback" not in err


def test_unknown_type_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("init", str(tmp_path), "--type", "FTX")
    assert code == 2 and "FTX" in err


def test_scaffold_wording_lives_in_data_files() -> None:
    for kind in init.TYPES:
        files = init.definition_files(kind)
        assert list(files) == DEFINITION_FILES
        for name, data in files.items():
            text = data.decode("utf-8")
            assert text.count("\n#") >= 3, f"{kind}/{name} should teach with comments"


# --- docs/templates.md: the examples it gives must work ------------------------------------


def _guide_block(after: str) -> str:
    """The first fenced block following the line that contains ``after`` in docs/templates.md."""
    text = (ROOT / "docs" / "templates.md").read_text("utf-8")
    start = text.index(after)
    match = re.compile(r"```[a-z0-9]*\n(.*?)```", re.DOTALL).search(text, start)
    assert match, f"no code block after {after!r}"
    return match.group(1)


def test_template_guide_examples_build(tmp_path: Path) -> None:
    dest = scaffold(tmp_path, "CPX")
    overrides = tmp_path / "my-templates"
    overrides.mkdir()
    (overrides / "inject_card.html.j2").write_text(_guide_block("<!-- example: override -->"), "utf-8")
    (overrides / "contact_sheet.html.j2").write_text(_guide_block("<!-- example: new-template -->"), "utf-8")
    (overrides / "outputs.yaml").write_text(_guide_block("<!-- example: outputs -->"), "utf-8")
    result = pipeline.build(str(dest / "exercise.yaml"), str(tmp_path / "package"),
                            template_dirs=[str(overrides)], strict=True)
    assert result.written is not None, [str(d) for d in result.checked.diagnostics]
    package = tmp_path / "package"
    card = (package / "injects" / "INJ-001.html").read_text("utf-8")
    assert "Report delivery to the EXCON chief on the white-cell phone." in card
    assert "Controller&#39;s record" not in card and "Controller's record" not in card
    sheet = (package / "contacts" / "ME-1BN.html").read_text("utf-8")
    assert "1st Infantry Battalion (Montenegro)" in sheet and "INJ-002" in sheet
    assert not (package / "book" / "exercise-book.pdf").exists()
    assert (package / "book" / "exercise-book.html").exists()
    # the `name` row: a new output is named after the first folder of its path
    code, _, err = run("build", str(dest / "exercise.yaml"), "-o", str(tmp_path / "only"),
                       "--templates", str(overrides), "--only", "contacts")
    assert code == 0, err
    built = sorted(p.relative_to(tmp_path / "only").as_posix() for p in (tmp_path / "only").rglob("*") if p.is_file())
    assert built == ["contacts/AL-2BN.html", "contacts/ME-1BN.html", "contacts/MK-SIGCOY.html",
                     "contacts/MNB-HQ.html", "manifest.json"]


def test_template_guide_filter_examples_render_as_documented() -> None:
    import html

    from exgen.render.environment import environment

    text = (ROOT / "docs" / "templates.md").read_text("utf-8")
    table = text[text.index("<!-- example: filters -->"):].split("\n\n", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| `") and "{{" in r]
    assert len(rows) >= 10
    env = environment(())
    ctx = {"exercise": {"startex": "2027-05-10T06:00:00Z", "classification": "NATO UNCLASSIFIED",
                        "marking": "EXERCISE EXERCISE EXERCISE"},
           "unit": {"sidc": "10131000161211000000"}}
    for row in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        name, example, result = cells[0].strip("`"), cells[1].strip("`").replace("\\|", "|"), cells[2]
        assert f"| {name}" in example or f"|{name}" in example.replace(" ", ""), row
        got = html.unescape(env.from_string(example).render(ctx))
        if result.startswith("`"):
            expected = result.split("`")[1]
            suffix = "\r\n" if "CRLF" in result else ""
            assert got == expected + suffix, (example, got)
        else:
            assert got.startswith("<svg") and 'width="32"' in got, example


def test_template_guide_names_every_context_field(tmp_path: Path) -> None:
    from exgen import enrich
    from exgen.render import context

    dest = scaffold(tmp_path, "CPX")
    checked = pipeline.check(str(dest / "exercise.yaml"))
    ctx = context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0))
    guide = (ROOT / "docs" / "templates.md").read_text("utf-8")
    section = guide[guide.index("## The render context"):guide.index("## Filters")]
    missing = [k for k in ctx if f"`{k}`" not in section]
    for kind in ("exercise",):
        missing += [f"{kind}.{k}" for k in ctx[kind] if f"`{k}`" not in section]
    for kind in ("injects", "units", "nets", "pace", "role_players", "objectives", "evaluators",
                 "controllers", "constraints", "cells", "systems", "days", "nations"):
        missing += [f"{kind}[].{k}" for k in ctx[kind][0] if f"`{k}`" not in section]
    assert not missing, f"docs/templates.md does not describe: {missing}"


def test_readme_links_every_doc() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Documentation"):].split("\n## ", 1)[0]
    for doc in ("docs/tutorial.md", "docs/reference.md", "docs/diagnostics.md", "docs/templates.md"):
        assert f"]({doc})" in section, doc
        assert (ROOT / doc).is_file(), doc


def test_init_as_a_real_subprocess(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "exgen", "init", str(tmp_path / "x"), "--type", "TTX"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "type: TTX" in (tmp_path / "x" / "exercise.yaml").read_text("utf-8")


# --- docs/tutorial.md: the pasted output is what exgen prints for the steps it shows ---------


def _tutorial_section(number: int) -> list[tuple[str, str]]:
    """``(language, text)`` of every fenced block in section ``## <number>.`` of the tutorial."""
    text = (ROOT / "docs" / "tutorial.md").read_text("utf-8")
    start = text.index(f"\n## {number}. ")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```(\w*)\n(.*?)```", text[start:end if end > 0 else None], re.DOTALL)


def _validate_output(block: str) -> list[str]:
    """The lines printed by the first `$ exgen validate` command of a console block."""
    lines = block.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("$ exgen validate"))
    out = []
    for line in lines[first + 1:]:
        if line.startswith("$ "):
            break
        out.append(line)
    return out


def test_tutorial_transcript_matches_exgen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("init", "first-cpx")
    assert code == 0
    init_block = next(b for lang, b in _tutorial_section(2) if lang == "console")
    assert out.splitlines() == init_block.splitlines()[1:]

    def validate(expected_block: str) -> None:
        _, printed, _ = run("validate", "first-cpx/exercise.yaml")
        assert printed.splitlines() == _validate_output(expected_block)

    validate([b for lang, b in _tutorial_section(2) if lang == "console"][1])
    root = tmp_path / "first-cpx"
    unit = next(b for lang, b in _tutorial_section(4) if lang == "yaml")
    net, plan = [b for lang, b in _tutorial_section(5) if lang == "yaml"]
    inject = next(b for lang, b in _tutorial_section(6) if lang == "yaml")
    with (root / "forces.yaml").open("a", encoding="utf-8") as f:
        f.write("\n" + unit)
    comms = (root / "comms.yaml").read_text("utf-8")
    comms = comms.replace("\n\n# PACE PLANS", "\n\n" + net + "\n# PACE PLANS", 1)
    comms = comms.replace("\n\n# CONSTRAINTS", "\n\n" + plan + "\n# CONSTRAINTS", 1)
    (root / "comms.yaml").write_text(comms, "utf-8")
    with (root / "injects.yaml").open("a", encoding="utf-8") as f:
        f.write("\n" + inject)
    step7 = _tutorial_section(7)
    consoles = [b for lang, b in step7 if lang == "console"]
    validate(consoles[0])
    fixed_plan, members = [b for lang, b in step7 if lang == "yaml"][:2]
    comms = (root / "comms.yaml").read_text("utf-8").replace(plan, fixed_plan)
    (root / "comms.yaml").write_text(comms, "utf-8")
    validate(consoles[1])
    old_members = '    members: ["MNB-HQ", "ME-1BN", "AL-2BN", "MK-SIGCOY"]\n'
    assert comms.count(old_members) == 3  # BDE-CMD-VHF, BDE-SATCOM, RUNNER
    first, _, third = (i for i in range(len(comms)) if comms.startswith(old_members, i))
    for at in (third, first):  # BDE-CMD-VHF and RUNNER, not BDE-SATCOM; last first keeps offsets
        comms = comms[:at] + members + comms[at + len(old_members):]
    (root / "comms.yaml").write_text(comms, "utf-8")
    validate(consoles[2])
    typo = [b for lang, b in step7 if lang == "text"][-1]
    (root / "injects.yaml").write_text((root / "injects.yaml").read_text("utf-8").replace(
        'to: ["HR-RECCE"]', 'to: ["HR-RECE"]'), "utf-8")
    _, printed, _ = run("validate", "first-cpx/exercise.yaml")
    for line in typo.strip().splitlines():
        assert line in printed.splitlines()


def test_cli_offers_exactly_the_shipped_types() -> None:
    option = next(p for p in cli.commands["init"].params if p.name == "kind")
    assert tuple(option.type.choices) == init.TYPES  # type: ignore[attr-defined]
