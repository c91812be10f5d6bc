"""Hostile user templates end in a located ``template-error``: recursion, nesting, huge values.

Each case is planted at a known line of an override template and rendered through the real
environment and stream (the sandbox exgen builds with); a few go through ``exgen build``.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from exgen.render import stream
from exgen.render.environment import environment
from exgen.render.errors import RenderError
from exgen.render.outputs import OutputSpec
from exgen.render.sandbox import MAX_ITEMS, MAX_TEXT
from tests.conftest import FLAGSHIP

CONTEXT = {"exercise": {"id": "EX-1", "name": "Exercise"}, "units": [{"id": "U-1"}, {"id": "U-2"}]}
PAGE = "page.html.j2"
SELF = "{# first line #}\n"  # so that the hostile line below is not the first one

#: (hostile template text, line it fails at, words the message must hold)
CASES: dict[str, tuple[str, int, str]] = {
    "self-include": (SELF + '{% include "page.html.j2" %}\n', 2, "nest too deeply"),
    "self-extends": (SELF + '{% extends "page.html.j2" %}\n', 2, "nest too deeply"),
    "recursive-macro": (SELF + "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}\n", 2, "nest too deeply"),
    "recursive-loop": (SELF + "{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}\n", 2, "nest too deeply"),
    "deep-brackets": (SELF + "{{ " + "(" * 400 + "1" + ")" * 400 + " }}\n", 2, "nests too deeply to compile"),
    "deep-blocks": (SELF + "{% for i in [1] %}" * 40 + "x" + "{% endfor %}" * 40 + "\n", 2, "nests too deeply"),
    "deep-blocks-over-lines": (SELF + "{% for i in [1] %}\n" * 25 + "x" + "{% endfor %}" * 25 + "\n", 26,
                               "nests too deeply"),
    "deep-expression-further-down": (SELF + "<p>\n</p>\n{{ " + "[" * 300 + "]" * 300 + " }}\n", 4, "too deeply"),
    "long-operator-chain": (SELF + "{{ " + " + ".join(["exercise.id"] * 400) + " }}\n", 2, "too deeply"),
    "string-repeat": (SELF + "{{ 'x' * 10**9 }}\n", 2, "repeating a text would make a text of 1,000,000,000"),
    "repeat-reversed": (SELF + "{{ 10**9 * 'xy' }}\n", 2, "repeating a text"),
    "list-repeat": (SELF + "{{ ([1, 2] * 10**8) | length }}\n", 2, "repeating a list"),
    "huge-power": (SELF + "{{ 10 ** (10 ** 9) }}\n", 2, "integer of about"),
    "huge-product": ("{% set ns = namespace(n=10 ** 10000) %}\n{% for i in range(10) %}{% set ns.n = ns.n * ns.n %}"
                     "{% endfor %}\n", 2, "integer of about"),
    "printf-width": (SELF + "{{ '%999999999s' | format('x') }}\n", 2, "the format would make"),
    "printf-star": (SELF + "{{ '%*s' % (10**9, 'x') }}\n", 2, "the format would make"),
    "str-format-width": (SELF + "{{ '{:>999999999}'.format('x') }}\n", 2, "the format would make"),
    "str-format-nested": (SELF + "{{ '{:>{}}'.format('x', 10**9) }}\n", 2, "the format would make"),
    "range": (SELF + "{{ range(10**9) | length }}\n", 2, "MAX_RANGE"),
    "center": (SELF + "{{ 'x' | center(10**9) }}\n", 2, "the center filter"),
    "indent": (SELF + "{{ 'a\\nb' | indent(10**9) }}\n", 2, "the indent filter"),
    "indent-many-lines": (SELF + "{{ ('\\n' * 100000) | indent(1000) }}\n", 2, "the indent filter"),
    "wordwrap": (SELF + "{{ ('a ' * 5000) | wordwrap(1, true, 'x' * 100000) }}\n", 2, "the wordwrap filter"),
    "join": (SELF + "{{ range(100000) | map('string') | join('x' * 1000) }}\n", 2, "the join filter"),
    "str-join": (SELF + "{{ ('x' * 1000).join(range(100000) | map('string')) }}\n", 2, "str.join"),
    "ljust": (SELF + "{{ 'x'.ljust(10**9) }}\n", 2, "str.ljust"),
    "zfill": (SELF + "{{ '1'.zfill(10**9) }}\n", 2, "str.zfill"),
    "expandtabs": (SELF + "{{ ('\\t' * 1000).expandtabs(10**6) }}\n", 2, "str.expandtabs"),
    "str-replace": (SELF + "{{ ('a' * 1000).replace('a', 'y' * 100000) }}\n", 2, "str.replace"),
    "replace-filter": (SELF + "{{ ('a' * 1000) | replace('a', 'y' * 100000) }}\n", 2, "the replace filter"),
    "tojson-indent": (SELF + "{{ units | tojson(indent=10**9) }}\n", 2, "tojson indent"),
    "batch": (SELF + "{{ units | batch(10**9, 'x') | list | length }}\n", 2, "the batch filter"),
    "slice": (SELF + "{{ units | slice(10**9) | list | length }}\n", 2, "the slice filter"),
    "lipsum": (SELF + "{{ lipsum(10**6) }}\n", 2, "lipsum"),
    "join-ids": (SELF + "{{ range(100000) | map('string') | join_ids('x' * 1000) }}\n", 2, "join_ids"),
    "deeply-nested-value": ("{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}"
                            "{% endfor %}\n{{ ns.x }}\n", 2, "a value nested thousands deep"),
    "concat-doubling": ("{% set ns = namespace(s='x' * 1000000) %}\n"
                        "{% for i in range(10) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n", 2, "the ~ concatenation"),
    "plus-doubling": ("{% set ns = namespace(s='x' * 1000000) %}\n"
                      "{% for i in range(10) %}{% set ns.s = ns.s + ns.s %}{% endfor %}\n", 2, "joining two texts"),
    "list-doubling": ("{% set ns = namespace(s=[1] * 1000) %}\n{% for i in range(20) %}{% set ns.s = ns.s + ns.s %}"
                      "{% endfor %}\n", 2, "joining two lists"),
}


def render(folder: Path, body: str, name: str = PAGE) -> RenderError:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(body, "utf-8")
    spec = OutputSpec(template=name, output="page.html", source=str(folder))
    with pytest.raises(RenderError) as failed:
        "".join(stream.render_chunks(environment((folder,)), spec, CONTEXT, None))
    return failed.value


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_template_is_a_located_template_error(tmp_path: Path, case: str) -> None:
    body, line, words = CASES[case]
    diagnostic = render(tmp_path / "mine", body).diagnostic
    assert diagnostic.code == "template-error", diagnostic.as_text()
    assert diagnostic.location.file.endswith(f"mine/{PAGE}") and diagnostic.location.line == line, \
        diagnostic.as_text()
    assert words in diagnostic.message, diagnostic.message


def test_two_templates_including_each_other_point_at_the_include(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "other.j2").write_text("a\nb\n{% include 'page.html.j2' %}\n", "utf-8")
    diagnostic = render(mine, SELF + "{% include 'other.j2' %}\n").diagnostic
    assert diagnostic.code == "template-error" and "nest too deeply" in diagnostic.message
    assert (Path(diagnostic.location.file).name, diagnostic.location.line) in {("other.j2", 3), (PAGE, 2)}


def test_the_bounds_leave_room_for_real_documents(tmp_path: Path) -> None:
    """Values just under the bounds still render: the checks refuse the huge, not the large."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / PAGE).write_text(
        "{{ ('x' * 1000000) | length }} {{ ([0] * 1000) | length }} {{ 'a' | center(30) | length }} "
        "{{ '%-10s|' | format('ab') }} {{ '{:>5}'.format('z') }} {{ range(10) | join(', ') }} "
        "{{ (2 ** 1000) % 7 }} {{ (units | tojson(indent=2)) | length > 0 }} {{ 'a\\nb' | indent(4) }}", "utf-8")
    spec = OutputSpec(template=PAGE, output="page.html", source=str(mine))
    text = "".join(stream.render_chunks(environment((mine,)), spec, CONTEXT, None))
    assert text == "1000000 1000 30 ab        |     z 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 2 True a\n    b"
    assert MAX_TEXT >= 64 * 2**20 and MAX_ITEMS >= 10**6


def test_exgen_build_reports_a_self_including_template_without_a_traceback(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html.j2").write_text('{# ok #}\n\n{% include "index.html.j2" %}\n', "utf-8")
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(tmp_path / "pkg"), "--templates", str(mine),
                                      "--only", "index"])
    assert result.exit_code == 1, result.output
    assert "index.html.j2:3:1: error[template-error]: templates nest too deeply" in result.stderr
    assert "Traceback" not in result.output + result.stderr and "RecursionError" not in result.stderr
    assert not (tmp_path / "pkg").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_exgen_build_reports_a_huge_string_at_its_line(tmp_path: Path, jobs: str) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html.j2").write_text("<p>{{ exercise.id }}</p>\n{% set big = 'x' * 2**40 %}\n", "utf-8")
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(tmp_path / "pkg"), "--templates", str(mine),
                                      "--only", "index", "--jobs", jobs])
    assert result.exit_code == 1
    lines: list[t.Any] = [line for line in result.stderr.splitlines() if "error[" in line]
    assert len(lines) == 1 and lines[0].endswith("index.html.j2:2:1: error[template-error]: repeating a text would "
                                                 "make a text of 1,099,511,627,776 characters; a template may build "
                                                 "at most 67,108,864 (rendering index.html.j2)"), lines
    assert not (tmp_path / "pkg").exists()
