"""The build pauses Python's cyclic garbage collector while it builds the render context (the
collector would walk the whole checked model at every collection) and has it on again for the
rendering, whose workers make and drop many short-lived objects."""

from __future__ import annotations

import gc
import typing as t
from pathlib import Path

import pytest

from exgen import pipeline
from tests.conftest import FLAGSHIP


def test_the_context_is_built_with_the_collector_paused_and_rendered_with_it_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_pdf: str) -> None:
    from exgen import enrich
    from exgen.render import context, engine

    seen: dict[str, bool] = {}

    def spy(name: str, real: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        def call(*args: t.Any, **kwargs: t.Any) -> t.Any:
            seen[name] = gc.isenabled()
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(enrich, "enrich", spy("enrich", enrich.enrich))
    monkeypatch.setattr(context, "build_context", spy("context", context.build_context))
    monkeypatch.setattr(engine, "render_into", spy("render", engine.render_into))
    assert gc.isenabled()
    built = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[no_pdf], only=["msel"], jobs=1)
    assert built.written is not None and built.files
    assert seen == {"enrich": False, "context": False, "render": True}
    assert gc.isenabled()  # and on again afterwards


def test_a_failing_context_build_leaves_the_collector_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          no_pdf: str) -> None:
    from exgen.render import context

    def broken(*args: t.Any, **kwargs: t.Any) -> t.Any:
        raise RuntimeError("context failed")

    monkeypatch.setattr(context, "build_context", broken)
    with pytest.raises(RuntimeError, match="context failed"):
        pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[no_pdf], only=["msel"], jobs=1)
    assert gc.isenabled()
    assert not (tmp_path / "pkg").exists()
