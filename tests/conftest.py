"""Shared fixtures: the flagship scenario, a copy of it to plant mistakes in, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import signal
import typing as t
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
#: Test data shared by the stage folders (tests/<stage>/ mirror exgen/<stage>/).
DATA = TESTS / "data"
FLAGSHIP_DIR = ROOT / "scenarios" / "adriatic-shield"
FLAGSHIP = FLAGSHIP_DIR / "exercise.yaml"

# A run started in the background of a shell without job control (`make test &` in a script)
# inherits Ctrl-C ignored, and so would every exgen process the tests start: the tests that stop
# a build, `exgen serve` or `exgen preview` with Ctrl-C would wait for them in vain. With Python's
# own handler here, each child starts with Ctrl-C at its default again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Path]:
    """exgen's cache directory for this test session only: a conversion or symbol cached by an
    earlier run (or by the user's own builds) must not decide what a test sees."""
    folder = tmp_path_factory.mktemp("exgen-cache")
    before = os.environ.get("EXGEN_CACHE_DIR")
    os.environ["EXGEN_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("EXGEN_CACHE_DIR", None)
    else:
        os.environ["EXGEN_CACHE_DIR"] = before


@pytest.fixture
def flagship_copy(tmp_path: Path) -> Path:
    """A private copy of the flagship scenario; returns its root file."""
    dest = tmp_path / "adriatic-shield"
    shutil.copytree(FLAGSHIP_DIR, dest)
    return dest / "exercise.yaml"


def process_gone(pid: int) -> bool:
    """Whether no process ``pid`` exists any more (killed and reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


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


@pytest.fixture(scope="session")
def flagship_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship built once (seed 0) for tests that only read the package."""
    from exgen import pipeline

    out = tmp_path_factory.mktemp("flagship") / "pkg"
    result = pipeline.build(str(FLAGSHIP), str(out), seed=0)
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out


@pytest.fixture(scope="session")
def no_pdf(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An override directory that drops the PDF book: for tests about something else, it saves
    seconds per build. It uses the same outputs.yaml mechanism instructors use."""
    folder = tmp_path_factory.mktemp("no-pdf")
    (folder / "outputs.yaml").write_text(
        "outputs:\n  - {template: book.html.j2, output: book/exercise-book.pdf, enabled: false}\n", "utf-8")
    return str(folder)
