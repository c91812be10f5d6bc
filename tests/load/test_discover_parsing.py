"""Discovery decides by parsing (issue 16, items 2 and 10): what a named file is, and what it costs."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from exgen.load import discover, read
from tests.conftest import FLAGSHIP_DIR, ROOT

HINT = "add `exgen: 1` at the top, or validate the definition that includes it"


def validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# --- roots that a 64 KiB regex missed are roots: validated, their errors found -----------------


def test_root_with_bom_is_validated(tmp_path: Path) -> None:
    root = tmp_path / "ex.yaml"
    root.write_bytes(codecs.BOM_UTF8 + b"exgen: 2\n")
    code, out, _ = validate(str(root))
    assert code == 1 and f"{root}:1:8: error[schema-const]:" in out


def test_flow_style_root_is_validated(tmp_path: Path) -> None:
    root = tmp_path / "ex.yaml"
    root.write_text("{exgen: 2}\n", "utf-8")
    code, out, _ = validate(str(root))
    assert code == 1 and f"{root}:1:9: error[schema-const]:" in out


def test_root_after_70_kib_of_comments_is_validated(tmp_path: Path) -> None:
    root = tmp_path / "ex.yaml"
    comments = ("# " + "c" * 1000 + "\n") * 72
    root.write_text(comments + "exgen: 2\n", "utf-8")
    assert len(comments) > 70 * 1024
    code, out, _ = validate(str(root))
    assert code == 1 and f"{root}:73:8: error[schema-const]:" in out


def test_json_root_is_validated(tmp_path: Path) -> None:
    root = tmp_path / "ex.json"
    root.write_text('{\n  "exgen": 2\n}\n', "utf-8")
    code, out, _ = validate(str(root))
    assert code == 1 and f"{root}:2:12: error[schema-const]:" in out


def test_bom_flow_and_json_roots_found_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(codecs.BOM_UTF8 + b"exgen: 1\n")
    (tmp_path / "b.yaml").write_text("{exgen: 1}\n", "utf-8")
    (tmp_path / "c.json").write_text('{"exgen": 1}', "utf-8")
    (tmp_path / "notes.yaml").write_text("just: notes\n", "utf-8")
    found = discover.find([str(tmp_path)])
    assert [Path(p).name for p in found.roots] == ["a.yaml", "b.yaml", "c.json"] and not found.problems


# --- a named file that is not a definition is an error, located --------------------------------


@pytest.mark.parametrize(("name", "content", "code", "line", "col"), [
    pytest.param("empty.yaml", "", "not-a-definition", 1, 1, id="empty"),
    pytest.param("comments.yaml", "# nothing yet\n", "not-a-definition", 1, 1, id="only-comments"),
    pytest.param("ci.yaml", "on: push\njobs: {}\n", "not-a-definition", 1, 1, id="ci-config"),
    pytest.param("list.yaml", "\n\n- a\n- b\n", "not-a-definition", 3, 1, id="a-list"),
    pytest.param("two-empty.yaml", "---\n---\n", "not-a-definition", 1, 1, id="two-empty-documents"),
    pytest.param("syntax.yaml", "a: [1\n", "yaml-syntax", 2, 1, id="syntax-error"),
    pytest.param("tabs.yaml", "a:\n\tb: 1\n", "yaml-tab", 2, 1, id="tab-indentation"),
    pytest.param("comma.json", '{"a": 1,}', "json-syntax", 1, 9, id="trailing-comma"),
    pytest.param("nan.json", '{"exgen": NaN}', "json-syntax", 1, 11, id="json-nan"),
])
def test_named_file_that_is_not_a_definition_fails(tmp_path: Path, name: str, content: str, code: str,
                                                      line: int, col: int) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    status, out, _ = validate(str(path))
    assert status == 1
    assert f"{path}:{line}:{col}: error[{code}]:" in out, out
    if code == "not-a-definition":
        assert out.rstrip().endswith("1 file, 1 error, 0 warnings") and HINT in out


def test_empty_named_json_is_not_a_definition(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("  \n", "utf-8")
    status, out, _ = validate("--format", "json", str(path))
    report = json.loads(out)
    assert status == 1
    assert [(d["code"], d["line"], d["col"]) for d in report["diagnostics"]] == [("not-a-definition", 1, 1)]


def test_ci_config_named_is_an_error_but_the_hook_flag_skips_it(tmp_path: Path) -> None:
    ci = tmp_path / "ci.yaml"
    ci.write_text("on: push\n", "utf-8")
    assert validate(str(ci))[0] == 1
    status, out, err = validate("--skip-non-definitions", str(ci))
    assert status == 0 and out == "" and f"exgen: skipped {ci}: not an exercise definition" in err


def test_hook_flag_never_skips_what_does_not_parse(tmp_path: Path) -> None:
    ci = tmp_path / "ci.yaml"
    ci.write_text("on: push\n", "utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": 1,}', "utf-8")
    status, out, _ = validate("--skip-non-definitions", str(ci), str(broken))
    assert status == 1 and f"{broken}:1:9: error[json-syntax]:" in out


def test_multi_document_yaml_is_data_not_broken(tmp_path: Path) -> None:
    """A YAML stream (Kubernetes manifests) parses; it is no definition, so the hook skips it."""
    manifests = tmp_path / "k8s.yaml"
    manifests.write_text("kind: A\n---\nkind: B\n", "utf-8")
    status, out, _ = validate("--skip-non-definitions", str(manifests))
    assert status == 0 and out == ""
    status, out, _ = validate(str(manifests))
    assert status == 1 and f"{manifests}:1:1: error[not-a-definition]" in out


def test_the_hook_entry_passes_the_flag() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    entry = next(h for h in hooks if h["id"] == "exgen-validate")["entry"].split()
    assert entry[:2] == ["exgen", "validate"] and "--skip-non-definitions" in entry[2:]


def test_broken_fragment_is_reported_through_its_root(tmp_path: Path) -> None:
    shutil.copytree(FLAGSHIP_DIR, tmp_path / "sc")
    day2 = tmp_path / "sc" / "injects" / "day2.yaml"
    day2.write_text("injects: [\n", "utf-8")
    status, out, _ = validate(str(day2))
    assert status == 1
    assert out.count("error[yaml-syntax]") == 1 and out.rstrip().endswith("1 error, 0 warnings")
    assert "injects/day2.yaml:2:1: error[yaml-syntax]" in out


def test_broken_file_in_a_directory_is_reported(tmp_path: Path) -> None:
    """A root with a syntax error cannot be told from other YAML: a searched directory reports it."""
    (tmp_path / "ex.yaml").write_text("exgen: 1\nexercise: {id: [\n", "utf-8")
    (tmp_path / "notes.yaml").write_text("just: notes\n", "utf-8")
    status, out, _ = validate(str(tmp_path))
    assert status == 1 and "ex.yaml:3:1: error[yaml-syntax]" in out and "notes.yaml" not in out


# --- item 10: many fragments of one root cost one root ------------------------------------------


def big_repo(tmp_path: Path, fragments: int) -> Path:
    """The flagship with ``fragments`` more inject files included from the root."""
    base = tmp_path / "sc"
    shutil.copytree(FLAGSHIP_DIR, base)
    extra = base / "injects" / "extra"
    extra.mkdir()
    names = []
    for i in range(fragments):
        (extra / f"x{i:04d}.yaml").write_text("injects: []\n", "utf-8")
        names.append(f"injects/extra/x{i:04d}.yaml")
    root = base / "exercise.yaml"
    text = root.read_text("utf-8").replace("include:\n", "include:\n" + "".join(f"  - {n}\n" for n in names), 1)
    root.write_text(text, "utf-8")
    return base


def test_many_fragments_of_one_root_read_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pre-commit names 200 changed fragments: the root is found, loaded and validated once, and no
    file is read (or parsed) twice: validation takes the parses discovery made."""
    base = big_repo(tmp_path, 200)
    reads: dict[Path, int] = {}
    real = read.read_bytes

    def counting(display: str, path: Path) -> bytes | tuple[str, str]:
        reads[path] = reads.get(path, 0) + 1
        return real(display, path)

    monkeypatch.setattr(read, "read_bytes", counting)
    fragments = sorted(str(p) for p in (base / "injects" / "extra").iterdir())
    status, out, _ = validate("--jobs", "1", *fragments)
    assert status == 0, out
    assert out.splitlines()[-1] == "209 files, 0 errors, 0 warnings"  # validated once, not 200 times
    assert reads[(base / "exercise.yaml").resolve()] == 1
    assert set(reads.values()) == {1} and len(reads) == 209


def test_a_file_changed_after_discovery_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "ex.yaml"
    root.write_text("exgen: 1\n", "utf-8")
    assert discover.find([str(root)]).roots == [str(root)]
    root.write_text("exgen: 1\nexercise: {}\n", "utf-8")  # another size: another version
    from exgen.load import load

    document, _ = load(root)
    assert document is not None and document.data == {"exgen": 1, "exercise": {}}


def test_discovery_loads_each_root_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from exgen.load import definition

    base = big_repo(tmp_path, 50)
    calls: list[str] = []
    real = definition.included

    def counting(path: str, reader: definition.Reader | None = None) -> frozenset[Path]:
        calls.append(str(path))
        return real(path, reader)

    monkeypatch.setattr(definition, "included", counting)
    found = discover.find(sorted(str(p) for p in (base / "injects" / "extra").iterdir()))
    assert [Path(p).resolve() for p in found.roots] == [(base / "exercise.yaml").resolve()]
    assert len(calls) == 1
