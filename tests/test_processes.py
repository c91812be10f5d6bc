"""Processes and leftovers, as real processes: ``exgen build`` of the flagship is killed or
interrupted once its rendering workers exist; no child may survive it, the output path holds
the previous complete package (or nothing), and what a killed build leaves is swept by the next.

Linux only: children are found through /proc.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exgen.core import processes
from tests.conftest import FLAGSHIP, ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state first), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text("ascii").rsplit(")", 1)[1].split()
    except OSError:
        return None


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def running(pid: int) -> bool:
    fields = stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")  # a zombie has ended


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        fields = stat(int(entry)) if entry.isdigit() else None
        if fields is not None and int(fields[1]) == pid and running(int(entry)):
            found.append(int(entry))
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def start_build(out: Path, tmpdir: Path, *extra: str) -> tuple[subprocess.Popen[str], list[int]]:
    """``exgen build`` of the flagship in a session (process group) of its own, with its own
    TMPDIR; returns once its rendering workers exist, with its descendants at that moment."""
    # No cache: the build must really compile, render and convert while it is being stopped.
    env = {**os.environ, "TMPDIR": str(tmpdir), "EXGEN_NO_CACHE": "1"}
    build = subprocess.Popen([sys.executable, "-m", "exgen", "build", str(FLAGSHIP), "-o", str(out), "--jobs", "2",
                              *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
                             start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        workers = [c for c in children(build.pid) if b"exgen" in cmdline(c)]
        if len(workers) >= 2:
            time.sleep(0.3)  # let the workers start rendering and the first converters start
            return build, descendants(build.pid)
        time.sleep(0.02)
    build.kill()
    pytest.fail(f"the build never started its workers: {build.communicate()}")


def gone_within(pids: list[int], seconds: float) -> list[int]:
    """The pids still running after waiting up to ``seconds`` for all of them to end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not [p for p in pids if running(p)]:
            return []
        time.sleep(0.05)
    return [p for p in pids if running(p)]


def leftovers(out: Path, tmpdir: Path) -> list[str]:
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    scratch = [p.name for p in tmpdir.iterdir() if p.name.startswith("exgen-")]
    return beside + scratch


@pytest.fixture
def place(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "out").mkdir()
    (tmp_path / "tmp").mkdir()
    return tmp_path / "out" / "pkg", tmp_path / "tmp"


def test_sigkill_of_the_parent_kills_every_child_keeps_the_previous_package_and_the_next_build_sweeps(
        place: tuple[Path, Path], no_pdf: str) -> None:
    out, tmpdir = place
    previous = subprocess.run([sys.executable, "-m", "exgen", "build", str(FLAGSHIP), "-o", str(out), "--only", "index",
                               "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert previous.returncode == 0, previous.stderr
    before = tree(out)
    build, family = start_build(out, tmpdir)
    # a quick converter (the evaluation workbook's) may end between the listing and now: judge the rest
    family = [p for p in family if running(p)]
    assert len(family) >= 2
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    assert gone_within(family, 5) == [], "children outlived their parent"
    assert tree(out) == before  # the previous complete package, untouched
    left = leftovers(out, tmpdir)
    assert any(name.startswith(f".pkg.tmp-{build.pid}-") for name in left), left  # what kill -9 leaves...
    again = subprocess.run([sys.executable, "-m", "exgen", "build", str(FLAGSHIP), "-o", str(out), "--quiet",
                            "--templates", no_pdf, "--only", "index,msel"], capture_output=True, text=True, cwd=ROOT,
                           timeout=300, check=False, env={**os.environ, "TMPDIR": str(tmpdir)})
    assert again.returncode == 0, again.stderr
    assert [name for name in leftovers(out, tmpdir) if str(build.pid) in name] == []  # ...the next build sweeps


def test_ctrl_c_prints_one_line_exits_130_and_leaves_nothing(place: tuple[Path, Path]) -> None:
    out, tmpdir = place
    build, family = start_build(out, tmpdir)
    os.killpg(build.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
    stdout, stderr = build.communicate(timeout=60)
    assert build.returncode == 130
    assert stderr == "exgen: interrupted; nothing was written\n" and stdout == ""
    assert gone_within(family, 5) == []
    assert not out.exists() and leftovers(out, tmpdir) == []


def test_sigterm_stops_the_build_like_ctrl_c(place: tuple[Path, Path]) -> None:
    out, tmpdir = place
    build, family = start_build(out, tmpdir)
    os.kill(build.pid, signal.SIGTERM)
    stdout, stderr = build.communicate(timeout=60)
    assert build.returncode == 143 and stderr == "exgen: interrupted; nothing was written\n", stderr
    assert gone_within(family, 5) == [] and not out.exists() and leftovers(out, tmpdir) == []


def test_a_worker_dies_with_its_parent_even_without_the_pools_cleanup(tmp_path: Path) -> None:
    """The parent-death signal itself: a process that asked for it is killed when its parent is."""
    code = ("import os, sys, time\n"
            "from exgen.core import processes\n"
            "parent = os.getpid()\n"
            "if os.fork() == 0:\n"
            "    processes.die_with_parent(parent)\n"
            "    time.sleep(60)\n"
            "    os._exit(0)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while not children(parent.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    child = children(parent.pid)
    assert child, "the child never started"
    time.sleep(0.2)  # it has asked for the signal by now
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=30)
    assert gone_within(child, 5) == []


def test_owner_tag_names_this_process() -> None:
    pid, host = processes.owner_tag().split("-")
    assert int(pid) == os.getpid() and host == processes.host_tag() and len(host) == 6


def _start_validate(folder: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """``exgen validate`` of several copies of the flagship in 2 worker processes, in a session
    of its own; returns once both workers exist."""
    import shutil

    for n in range(8):
        shutil.copytree(FLAGSHIP.parent, folder / f"copy{n}")
    run = subprocess.Popen([sys.executable, "-m", "exgen", "validate", str(folder), "--jobs", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                           start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        if len(children(run.pid)) >= 2:
            return run, descendants(run.pid)
        time.sleep(0.02)
    run.kill()
    pytest.fail(f"validate never started its workers: {run.communicate()}")


def test_ctrl_c_during_a_parallel_validate_is_one_line_and_no_worker_survives(tmp_path: Path) -> None:
    run, family = _start_validate(tmp_path)
    os.killpg(run.pid, signal.SIGINT)
    stdout, stderr = run.communicate(timeout=60)
    assert (run.returncode, stderr) == (130, "exgen: interrupted\n"), stderr
    assert "Traceback" not in stdout + stderr
    assert gone_within(family, 5) == []


def test_validate_workers_die_when_validate_is_killed(tmp_path: Path) -> None:
    run, family = _start_validate(tmp_path)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert gone_within(family, 5) == [], "validation workers outlived their parent"
