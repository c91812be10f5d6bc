"""Fixtures shared by the render tests."""

from __future__ import annotations

import typing as t

import jinja2
import pytest

from exgen.render import environment as environment_module


@pytest.fixture
def fresh_env(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[jinja2.Environment]:
    """The built-in environment, new and without a bytecode cache (every template from source)."""
    monkeypatch.setenv("EXGEN_NO_TEMPLATE_CACHE", "1")
    environment_module.forget_templates()
    yield environment_module.environment(())
    environment_module.forget_templates()
