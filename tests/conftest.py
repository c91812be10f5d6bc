"""Shared fixtures: the flagship scenario, a copy of it to plant mistakes in, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP_DIR = ROOT / "scenarios" / "adriatic-shield"
FLAGSHIP = FLAGSHIP_DIR / "exercise.yaml"


@pytest.fixture
def flagship_copy(tmp_path: Path) -> Path:
    """A private copy of the flagship scenario; returns its root file."""
    dest = tmp_path / "adriatic-shield"
    shutil.copytree(FLAGSHIP_DIR, dest)
    return dest / "exercise.yaml"


def plant(path: Path, old: str, new: str, nth: int = 0) -> tuple[int, int]:
    """Replace the ``nth`` occurrence of ``old`` with ``new`` in ``path``; 1-based line:col of it."""
    text = path.read_text("utf-8")
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(old, pos + 1)
    path.write_text(text[:pos] + new + text[pos + len(old):], "utf-8")
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col
