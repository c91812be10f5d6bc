"""The build's limits: CPU time and memory of every rendering and converter process, package size.

Each is set tiny through its `exgen build` option, so the planted template goes over it; the
build must end in one located diagnostic naming the option, exit code 1, and no package.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exgen.cli import cli
from exgen.render import limits
from tests.conftest import FLAGSHIP

SPIN = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
HOARD = ("{% set ns = namespace(kept=[]) %}"
         '{% for i in range(5000) %}{% set ns.kept = ns.kept + [("x" * 1000000) ~ i] %}{% endfor %}')
#: An HTML page that is quick to render and slow (seconds of CPU) to convert to PDF.
#: A Typst document that computes for several seconds of CPU time (10 million additions).
LONG_LOOP = "#let n = 0\n#for i in range(10000000) { n = n + i }\n#n\n"
#: A Typst document that holds ~300 MB: 400,000 strings in one array.
BIG_ARRAY = "#let a = range(400000).map(i => str(i))\n#a.len()\n"
BIG_OUTPUT = "outputs:\n  - {name: big, template: big.typ.j2, output: big/big.pdf, convert: typst}\n"


def build(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(tmp_path / "pkg"), *args])


def override(tmp_path: Path, template: str, body: str, outputs: str | None = None) -> str:
    mine = tmp_path / "mine"
    mine.mkdir(exist_ok=True)
    (mine / template).write_text(body, "utf-8")
    if outputs:
        (mine / "outputs.yaml").write_text(outputs, "utf-8")
    return str(mine)


def errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "error[" in line]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_worker_over_its_cpu_time_is_stopped_at_the_template_line(tmp_path: Path, jobs: str) -> None:
    mine = override(tmp_path, "index.html.j2", "<p>{{ exercise.id }}</p>\n\n" + SPIN + "\n")
    result = build(tmp_path, "--templates", mine, "--only", "index", "--jobs", jobs, "--max-render-seconds", "1")
    assert result.exit_code == 1 and len(errors(result)) == 1, result.stderr
    line = errors(result)[0]
    assert line.endswith("index.html.j2:3:1: error[render-limit]: the template used more than 1 s of CPU time, the "
                         "limit for one rendering process (raise it with --max-render-seconds) (rendering "
                         "index.html.j2)"), line
    assert "Traceback" not in result.stderr and not (tmp_path / "pkg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_worker_over_its_memory_is_stopped_at_the_template_line(tmp_path: Path) -> None:
    mine = override(tmp_path, "index.html.j2", "<p>{{ exercise.id }}</p>\n" + HOARD + "\n")
    result = build(tmp_path, "--templates", mine, "--only", "index", "--max-render-memory", "100MB")
    assert result.exit_code == 1
    assert len(errors(result)) == 1 and errors(result)[0].endswith(
        "index.html.j2:2:1: error[render-limit]: the template needed more than 100 MiB of memory, the limit for one "
        "rendering process (raise it with --max-render-memory) (rendering index.html.j2)"), errors(result)
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert not (tmp_path / "pkg").exists()


def test_text_doubled_by_a_macro_runs_into_the_memory_limit(tmp_path: Path) -> None:
    """What the sandbox cannot see coming (each step is a legal macro call) the memory limit stops."""
    mine = override(tmp_path, "index.html.j2", "<p>x</p>\n{% macro twice(s) %}{{ s }}{{ s }}{% endmacro %}"
                    "{% set ns = namespace(x='y' * 1000000) %}{% for i in range(40) %}{% set ns.x = twice(ns.x) %}"
                    "{% endfor %}\n")
    result = build(tmp_path, "--templates", mine, "--only", "index", "--max-render-memory", "500MB")
    assert result.exit_code == 1 and len(errors(result)) == 1, result.stderr
    assert errors(result)[0].endswith("index.html.j2:2:1: error[render-limit]: the template needed more than 500 MiB "
                                      "of memory, the limit for one rendering process (raise it with "
                                      "--max-render-memory) (rendering index.html.j2)"), errors(result)


def test_a_converter_over_its_cpu_time_is_reported(tmp_path: Path) -> None:
    mine = override(tmp_path, "big.typ.j2", LONG_LOOP, BIG_OUTPUT)
    result = build(tmp_path, "--templates", mine, "--only", "big", "--max-render-seconds", "1")
    assert result.exit_code == 1
    assert errors(result) == ["big.typ.j2: error[render-limit]: big/big.pdf: the typst conversion used more than "
                              "1 s of CPU time, the limit for one rendering process (raise it with "
                              "--max-render-seconds)"]
    assert not (tmp_path / "pkg").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_converter_over_its_memory_is_reported_naming_the_option(tmp_path: Path) -> None:
    """Out of memory, the compiler fails (a MemoryError: render-limit) or aborts (convert-failed);
    either way one line names the option that raises the limit."""
    mine = override(tmp_path, "big.typ.j2", BIG_ARRAY, BIG_OUTPUT)
    result = build(tmp_path, "--templates", mine, "--only", "big", "--max-render-memory", "60MB")
    assert result.exit_code == 1 and len(errors(result)) == 1, result.stderr
    line = errors(result)[0]
    assert line.startswith(("big.typ.j2: error[render-limit]: big/big.pdf: the typst conversion needed more than "
                            "60 MiB",
                            "big.typ.j2: error[convert-failed]: big/big.pdf: the typst converter process crashed (",
                            "big.typ.j2: error[convert-failed]: big/big.pdf: the typst converter process failed ("))
    assert line.endswith("--max-render-memory)") and "Exception ignored" not in line, line
    assert not (tmp_path / "pkg").exists()


def test_the_default_limits_let_the_same_conversion_through(tmp_path: Path) -> None:
    mine = override(tmp_path, "big.typ.j2", BIG_ARRAY, BIG_OUTPUT)
    result = build(tmp_path, "--templates", mine, "--only", "big")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "pkg" / "big" / "big.pdf").read_bytes().startswith(b"%PDF-")


def test_a_package_over_its_size_limit_is_not_written_and_the_previous_one_stays(tmp_path: Path, no_pdf: str
                                                                                 ) -> None:
    first = build(tmp_path, "--templates", no_pdf, "--only", "msel,index")
    assert first.exit_code == 0, first.stderr
    before = tree(tmp_path / "pkg")
    result = build(tmp_path, "--templates", no_pdf, "--seed", "5", "--max-package-size", "100KB")
    assert result.exit_code == 1
    assert len(errors(result)) == 1
    out = str(tmp_path / "pkg")
    assert errors(result)[0].startswith(f"{out}: error[package-too-large]: the package grew past 100 KiB, the limit "
                                        "for one package, at '"), errors(result)
    assert errors(result)[0].endswith("'; nothing was written (raise the limit with --max-package-size)")
    assert tree(tmp_path / "pkg") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]  # no temporary directory left


@pytest.mark.parametrize("value", ["lots", "-1GB", "0", "2XB"])
def test_a_size_option_that_is_not_a_size_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = build(tmp_path, "--max-package-size", value)
    assert result.exit_code == 2 and "--max-package-size" in result.stderr
    assert not (tmp_path / "pkg").exists()


def test_the_options_default_to_the_documented_limits() -> None:
    """The CLI's defaults are limits.DEFAULT, and README and the template guide state them."""
    params = {p.name: p.default for p in cli.commands["build"].params}  # type: ignore[attr-defined]
    assert params["max_seconds"] == limits.DEFAULT.render_seconds == 300
    assert limits.parse_size(params["max_memory"]) == limits.DEFAULT.render_memory == 2 * limits.GiB
    assert limits.parse_size(params["max_package"]) == limits.DEFAULT.package_size == 2 * limits.GiB
    root = Path(__file__).resolve().parents[2]
    for doc in (root / "README.md", root / "docs" / "templates.md"):
        text = doc.read_text("utf-8")
        assert "--max-render-seconds" in text and "--max-render-memory" in text and "--max-package-size" in text
        assert "300 s" in text and "2 GiB" in text, doc


def test_sizes_are_read_as_people_write_them() -> None:
    assert [limits.parse_size(s) for s in ("2GB", "2 GiB", "512MB", "100KB", "1.5G", "4096")] == [
        2 * limits.GiB, 2 * limits.GiB, 512 * limits.MiB, 100 * limits.KiB, 3 * limits.GiB // 2, 4096]
    with pytest.raises(ValueError, match="is not a size"):
        limits.parse_size("two gigabytes")
