"""Templates compiled before rendering, half of them by a helper process: the same templates, and
nothing lost when the helper fails."""

from __future__ import annotations

import os
import typing as t

import jinja2
import pytest

from exgen import pipeline
from exgen.render import precompile as precompile_module


def _compiled_after(env: jinja2.Environment, names: list[str]) -> list[str]:
    """The names that still had to be compiled when asked for after precompiling."""
    compiled: list[str] = []
    original = env.compile

    def counting(source: t.Any, name: str | None = None, *args: t.Any, **kwargs: t.Any) -> t.Any:
        compiled.append(str(name))
        return original(source, name, *args, **kwargs)

    env.compile = counting  # type: ignore[method-assign]
    for name in names:
        env.get_template(name)
    return compiled


def _build_names() -> list[str]:
    templates, found = pipeline.load_template_set()
    assert found == []
    return [spec.template for spec in templates.outputs]


def test_every_template_of_the_build_is_compiled_ahead(fresh_env: jinja2.Environment) -> None:
    used = _build_names()
    names = precompile_module.buildable(fresh_env, used)
    assert len(names) >= precompile_module.MIN_SHARED  # so the helper takes part
    assert not any(n.startswith(("aar/", "gaps/", "builtin/")) for n in names)
    precompile_module.precompile(fresh_env, used)
    assert _compiled_after(fresh_env, names) == []


def test_the_template_sets_of_other_commands_keep_their_own_templates(fresh_env: jinja2.Environment) -> None:
    names = precompile_module.buildable(fresh_env, ["aar/after-action-report.html.j2"])
    assert "aar/after-action-report.html.j2" in names and "layout/base.html.j2" in names
    assert not any(n.startswith("gaps/") for n in names)


def test_a_helper_that_dies_leaves_nothing_uncompiled(fresh_env: jinja2.Environment,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precompile_module, "_compiled", lambda *args: os._exit(3))
    used = _build_names()
    precompile_module.precompile(fresh_env, used)
    assert _compiled_after(fresh_env, precompile_module.buildable(fresh_env, used)) == []


def test_bytecode_handed_back_for_a_changed_source_is_not_used() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.j2": "one"}))
    recorder = precompile_module._Recorder(None)
    env.bytecode_cache = recorder
    env.get_template("a.j2")
    changed = jinja2.Environment(loader=jinja2.DictLoader({"a.j2": "two"}))
    changed.bytecode_cache = precompile_module._Handed(recorder.codes, None)
    assert changed.get_template("a.j2").render() == "two"
