"""No acknowledged action is lost when `exgen serve` is killed: 1,000 acknowledged writes, then kill -9.

The server runs as it does for users (`python -m exgen serve` in a process of its own); a controller
posts annotations, every HTTP 200 is remembered, the server gets SIGKILL right after the 1,000th and,
in a second run, while four clients have requests in flight. After each restart on the same record
every acknowledged annotation is there, with the sequence number it was acknowledged with.
"""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conduct.served import issue, sign_in
from tests.conftest import ROOT

ACKS = 1000
WRITERS = 4
INJECTS = [f"INJ-{n:03d}" for n in range(1, 39)]


class Process:
    """`exgen serve` on a free port; its URL from the line it prints when it listens."""

    def __init__(self, package: Path, db: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "exgen", "serve", str(package), "--db", str(db), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline() if ready else ""
        match = re.search(r" at (http://127\.0\.0\.1:\d+)/ ", line)
        if match is None:
            self.proc.kill()
            pytest.fail(f"exgen serve did not start: {line!r} {self.proc.communicate()[1]}")
        self.url = match.group(1)

    def kill(self) -> None:
        """kill -9."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self) -> None:
        """Ctrl-C: a clean stop."""
        self.proc.send_signal(signal.SIGINT)
        _out, err = self.proc.communicate(timeout=15)
        assert self.proc.returncode == 0 and "Traceback" not in err, err


def annotate(client: httpx.Client, key: str, inject: str) -> int | None:
    """One annotation; its sequence number when acknowledged (HTTP 200), else None."""
    answer = client.post(f"/api/injects/{inject}/actions",
                         json={"action": "annotate", "text": f"note {key}", "key": key})
    return int(answer.json()["seq"]) if answer.status_code == 200 else None


def recorded(db: Path) -> dict[str, tuple[int, str, str]]:
    """Every annotation in the record: client key → (seq, inject, text), read from the file."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT seq, subject, payload, idem FROM events WHERE kind = 'inject.annotate'").fetchall()
    finally:
        conn.close()
    return {idem.split("/", 1)[1]: (seq, subject, payload) for seq, subject, payload, idem in rows}


def check_all_there(server: Process, password: str, acked: dict[str, tuple[int, str]], db: Path) -> None:
    """Every acknowledged annotation is in the record and in what the restarted server shows."""
    stored = recorded(db)
    missing = [k for k in acked if k not in stored]
    assert not missing, f"{len(missing)} acknowledged annotations lost, e.g. {missing[:5]}"
    assert all(stored[k][:2] == acked[k] and f"note {k}" in stored[k][2] for k in acked)
    with httpx.Client(base_url=server.url) as client:
        sign_in(client, "chief", password)
        state = client.get("/api/state").json()
    notes = {n["text"] for i in state["injects"] for n in i.get("notes", [])}
    assert {f"note {k}" for k in acked} <= notes
    assert state["seq"] >= max(seq for seq, _ in acked.values())


def test_acknowledged_writes_survive_kill_9(flagship_package: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    db = tmp_path / "conduct.sqlite"
    password = issue(flagship_package, db)["chief"]
    acked: dict[str, tuple[int, str]] = {}

    server = Process(flagship_package, db)
    with httpx.Client(base_url=server.url) as client:
        password = sign_in(client, "chief", password)
        n = 0
        while len(acked) < ACKS:
            inject = INJECTS[n % len(INJECTS)]
            seq = annotate(client, f"a{n}", inject)
            if seq is not None:
                acked[f"a{n}"] = (seq, inject)
            n += 1
        server.kill()

    server = Process(flagship_package, db)
    check_all_there(server, password, acked, db)
    lock, enough, stop = threading.Lock(), threading.Event(), threading.Event()

    def write(worker: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5.0) as client:
            sign_in(client, "chief", password)
            for n in range(10**6):
                key, inject = f"b{worker}-{n}", INJECTS[(worker * 7 + n) % len(INJECTS)]
                try:
                    seq = annotate(client, key, inject)
                except httpx.HTTPError:
                    return  # the server is gone mid-request: not acknowledged
                if seq is not None:
                    with lock:
                        acked[key] = (seq, inject)
                        if len(acked) >= ACKS + 200:
                            enough.set()
                if stop.is_set():
                    return

    workers = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    assert enough.wait(60)
    server.kill()  # the four writers still have requests in flight
    stop.set()
    for worker in workers:
        worker.join(10)
    assert len(acked) >= ACKS + 200

    server = Process(flagship_package, db)
    check_all_there(server, password, acked, db)
    server.stop()
    assert time.monotonic() - started < 60
