"""The render's shortcuts keep the sandbox, the folders, the task order and the template helper
as they were (issue 23: the 10,000-inject build)."""

from __future__ import annotations

import typing as t
from pathlib import Path

import jinja2
import pytest
from jinja2.exceptions import SecurityError

from exgen import package
from exgen.render import precompile
from exgen.render.limits import DEFAULT
from exgen.render.outputs import OutputSpec, TemplateSet
from exgen.render.plan import CHUNK, plan
from exgen.render.sandbox import BoundedSandbox, TemplateLimit
from tests.conftest import process_gone
from tests.render.test_precompile import _compiled_after


def _render(source: str, **values: t.Any) -> str:
    return BoundedSandbox(undefined=jinja2.StrictUndefined).from_string(source).render(**values)


@pytest.mark.parametrize("source", [
    "{% for x in [1] %}{{ loop._iterator }}{% endfor %}",
    "{% for x in [1] %}{{ loop.__class__.__init__.__globals__ }}{% endfor %}",
    "{% set ns = namespace(a=1) %}{{ ns.__class__.__init__.__globals__ }}",
    "{{ ('a' | safe).__class__.__init__.__globals__ }}",
    "{% import 'm' as m %}{{ m.__dict__ }}",
])
def test_jinja_objects_keep_their_unsafe_attributes_refused(source: str) -> None:
    env = BoundedSandbox(loader=jinja2.DictLoader({"m": "{% macro f() %}x{% endmacro %}"}),
                         undefined=jinja2.StrictUndefined)
    with pytest.raises(SecurityError):  # the second time from the remembered answer
        env.from_string(source).render()
    with pytest.raises(SecurityError):
        env.from_string(source).render()


def test_jinja_objects_still_give_their_safe_attributes() -> None:
    source = ("{% macro f(x) %}<{{ x }}>{% endmacro %}{% set ns = namespace(n=2) %}"
              "{% for x in 'ab' %}{{ loop.index }}{{ f(x) }}{{ loop.last }}{% endfor %}{{ ns.n }}"
              "{{ d.get('k') }}{{ 'x'.upper() }}{{ ('a' | safe).upper() }}")
    assert _render(source, d={"k": "v"}) == "1<a>False2<b>True2vXA"


@pytest.mark.parametrize("source", ["{{ 'ab'.center(10 ** 9) }}", "{{ ','.join(['x'] * 1000) * 100000 }}",
                                    "{{ 'a'.replace('a', 'b' * 70000000) }}"])
def test_string_methods_written_in_c_stay_bounded(source: str) -> None:
    with pytest.raises(TemplateLimit):
        _render(source)


def test_put_chunks_makes_the_folders_a_file_needs(tmp_path: Path) -> None:
    rel, digest, size = package.put_chunks(tmp_path, "a/b/c.txt", [b"one", b"two"])
    assert (rel, size) == ("a/b/c.txt", 6) and (tmp_path / "a" / "b" / "c.txt").read_bytes() == b"onetwo"
    assert package.put_chunks(tmp_path, "a/b/d.txt", [b"x"])[2] == 1  # the folder is there now
    assert digest == package.put(tmp_path, "e.txt", b"onetwo")[1]


def test_put_chunks_refuses_a_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("not a folder")
    with pytest.raises(package.PackageError, match="cannot write 'a/b.txt'"):
        package.put_chunks(tmp_path, "a/b.txt", [b"x"])
    with pytest.raises(package.PackageError, match="not a safe path"):
        package.put_chunks(tmp_path, "../b.txt", [b"x"])


def _spec(template: str, per: str = "package", convert: str = "text") -> OutputSpec:
    return OutputSpec(name=template, template=template, output=template, per=per, convert=convert)


def test_the_many_chunks_of_an_output_come_after_the_whole_package_documents() -> None:
    specs = (_spec("card", per="inject"), _spec("one-per-unit", per="unit"), _spec("index"),
             _spec("book.typ", convert="typst"), _spec("list"))
    context = {"injects": [{"id": str(i)} for i in range(CHUNK * 3)], "units": [{"id": "U"}]}
    order = [task[0][0].template for task in plan(TemplateSet((), list(specs)), context)]
    assert order == ["book.typ", "one-per-unit", "index", "list", "card", "card", "card"]


def test_an_early_helper_hands_over_every_template(fresh_env: jinja2.Environment) -> None:
    with precompile.Early((), DEFAULT) as early:
        assert early.helper is not None
        handed = early.take(fresh_env)
        assert early.helper is None and early.take(fresh_env) == {}  # once
    names = precompile.buildable(fresh_env)
    assert len(handed) == len(names)
    precompile._compile(fresh_env, names, handed)
    assert _compiled_after(fresh_env, names) == []  # every one loaded from the helper's bytecode


def test_an_early_helper_not_taken_is_stopped(fresh_env: jinja2.Environment) -> None:
    with precompile.Early((), DEFAULT) as early:
        assert early.helper is not None
        helper = early.helper
    assert early.helper is None and helper.reaped and process_gone(helper.pid)


def test_an_early_helper_gives_nothing_for_another_environment(fresh_env: jinja2.Environment) -> None:
    with precompile.Early((), DEFAULT) as early:
        assert early.helper is not None
        helper = early.helper
        other = jinja2.Environment(loader=jinja2.DictLoader({}))
        assert early.take(other) == {}
        assert helper.reaped and process_gone(helper.pid)


def test_no_early_helper_for_a_small_exercise(fresh_env: jinja2.Environment) -> None:
    with precompile.Early((), DEFAULT, wanted=False) as early:
        assert early.helper is None and early.take(fresh_env) == {}


def test_the_build_wants_the_early_helper_only_for_a_large_exercise(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: t.Any) -> None:
    from exgen import pipeline
    from tests.conftest import FLAGSHIP

    seen: list[bool] = []
    real = precompile.Early

    def spy(*args: t.Any, wanted: bool = True, **kwargs: t.Any) -> t.Any:
        seen.append(wanted)
        return real(*args, wanted=wanted, **kwargs)

    monkeypatch.setattr(precompile, "Early", spy)
    assert pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), only=["units"]).written is not None
    monkeypatch.setattr(precompile, "EARLY_INJECTS", 1)
    assert pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg2"), only=["units"]).written is not None
    assert seen == [False, True]


def test_a_stuck_helper_is_not_waited_for(fresh_env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(precompile, "HELPER_WAIT", 0.3)
    monkeypatch.setattr(precompile, "_compiled", lambda *args: time.sleep(60))  # as if it hung
    start = time.monotonic()
    helper = precompile._helper(fresh_env, ["index.html.j2"], DEFAULT)
    assert precompile._collect(helper) == {}
    assert time.monotonic() - start < 10
    assert helper.reaped and process_gone(helper.pid)  # killed and reaped
