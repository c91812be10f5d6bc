"""Staging an output directory: the swap never leaves the target missing (RENAME_EXCHANGE on this
machine), the fallback works, and leftovers of dead processes are swept — never a live one's."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from exgen.core import processes, staging


def folder(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "file.txt").write_text(text, "utf-8")
    return path


def dead_pid() -> int:
    """The pid of a process that has ended (reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_swap_exchanges_atomically_on_this_machine(tmp_path: Path) -> None:
    target = folder(tmp_path / "pkg", "old")
    assert staging.swap(folder(tmp_path / ".pkg.tmp-new", "new"), target) == staging.EXCHANGE
    assert (target / "file.txt").read_text("utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]  # the old one is gone, nothing else left


def test_the_target_never_goes_missing_during_swaps(tmp_path: Path) -> None:
    target = folder(tmp_path / "pkg", "0")
    missing: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not os.path.exists(target / "file.txt"):
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for n in range(1, 300):
            assert staging.swap(folder(tmp_path / f".pkg.tmp-{n}", str(n)), target) == staging.EXCHANGE
    finally:
        stop.set()
        watcher.join()
    assert missing == [] and (target / "file.txt").read_text("utf-8") == "299"


def test_swap_falls_back_to_two_renames_where_there_is_no_exchange(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "_renameat2", lambda: None)
    target = folder(tmp_path / "pkg", "old")
    assert staging.swap(folder(tmp_path / ".pkg.tmp-new", "new"), target) == staging.RENAMES
    assert (target / "file.txt").read_text("utf-8") == "new" and [p.name for p in tmp_path.iterdir()] == ["pkg"]


def test_swap_into_a_new_target_is_one_rename(tmp_path: Path) -> None:
    assert staging.swap(folder(tmp_path / ".pkg.tmp-new", "new"), tmp_path / "pkg") == staging.RENAMES
    assert (tmp_path / "pkg" / "file.txt").read_text("utf-8") == "new"


def test_new_dir_sweeps_what_dead_builds_left_beside_the_target(tmp_path: Path) -> None:
    host, dead = processes.host_tag(), dead_pid()
    stale = [folder(tmp_path / f".pkg.tmp-{dead}-{host}-abc123", "x"),
             folder(tmp_path / f".pkg.old-{dead}-{host}-q1", "x")]
    kept = [folder(tmp_path / f".pkg.tmp-{os.getpid()}-{host}-live", "x"),  # a live build's
            folder(tmp_path / f".pkg.tmp-{dead}-000000-other", "x"),  # made on another host (shared disk)
            folder(tmp_path / f".other.tmp-{dead}-{host}-abc", "x"),  # another target's
            folder(tmp_path / ".pkg.tmp-oldstyle", "x")]  # no owner recorded: never guessed at
    (tmp_path / f".pkg.tmp-{dead}-{host}-file").write_text("a file, not ours to remove", "utf-8")
    made = staging.new_dir(tmp_path / "pkg", "package")
    assert made.name.startswith(f".pkg.tmp-{os.getpid()}-{host}-")
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)
    assert (tmp_path / f".pkg.tmp-{dead}-{host}-file").exists()


def test_scratch_dir_sweeps_dead_runs_scratch_in_the_temporary_directory(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    host, dead = processes.host_tag(), dead_pid()
    stale = folder(tmp_path / f"exgen-render-{dead}-{host}-zz9", "x")
    live = folder(tmp_path / f"exgen-render-{os.getpid()}-{host}-zz8", "x")
    other = folder(tmp_path / f"exgen-other-{dead}-{host}-zz7", "x")
    scratch = staging.scratch_dir("render")
    assert scratch.parent == tmp_path and scratch.name.startswith(f"exgen-render-{os.getpid()}-{host}-")
    assert not stale.exists() and live.exists() and other.exists()


def test_alive_tells_dead_from_live() -> None:
    assert processes.alive(os.getpid()) and not processes.alive(dead_pid()) and not processes.alive(0)
