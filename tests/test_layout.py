"""The shape of the code: stages as packages, small modules, and the shell as the only place that talks.

The import boundaries themselves are import-linter contracts in pyproject.toml (``make lint``);
these tests hold what a linter does not: module sizes, the top level, stage docstrings, and that
nothing below the CLI prints, exits or imports click.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "exgen"
STAGES = ("core", "load", "check", "model", "comms", "enrich", "render", "generate", "cli")
MAX_LINES = 400
MAX_TOP_MODULES = 8


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def test_no_module_is_over_400_lines() -> None:
    long = {_rel(p): n for p in _modules() if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}, "split these by idea (one module, one idea)"


def test_the_top_level_holds_few_modules_and_every_stage_is_a_package() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), f"exgen/{stage} is not a package"


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_says_what_it_must_never_import(stage: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text("utf-8")))
    assert doc, f"exgen/{stage}/__init__.py has no docstring"
    assert "never import" in doc.lower() or "nothing imports it" in doc.lower(), doc


def _talks(tree: ast.AST) -> list[str]:
    """Calls of print() or sys.exit(), and imports of click, in a module's syntax tree."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "print":
                found.append(f"print() at line {node.lineno}")
            if (isinstance(func, ast.Attribute) and func.attr == "exit" and isinstance(func.value, ast.Name)
                    and func.value.id == "sys"):
                found.append(f"sys.exit() at line {node.lineno}")
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "click" for a in node.names):
            found.append(f"import click at line {node.lineno}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "click":
            found.append(f"from click import at line {node.lineno}")
    return found


def test_only_the_cli_prints_exits_or_uses_click() -> None:
    outside = {_rel(p): found for p in _modules()
               if "cli" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py"
               and (found := _talks(ast.parse(p.read_text("utf-8"))))}
    assert outside == {}


def test_the_talk_detector_sees_what_it_looks_for() -> None:
    code = "import sys\nimport click\nprint('x')\nsys.exit(1)\nfrom click import echo\n"
    assert sorted(_talks(ast.parse(code))) == ["from click import at line 5", "import click at line 2",
                                               "print() at line 3", "sys.exit() at line 4"]
