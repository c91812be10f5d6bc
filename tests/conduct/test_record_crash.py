"""An acknowledged action is never lost: a writer killed with SIGKILL at random points loses nothing it acknowledged.

A child Python process appends ``inject.annotate`` events in a loop and prints each event's number
after COMMIT; the parent kills it with SIGKILL once at a random point and once after at least
1,000 acknowledgements in total, reopens the record, and finds every acknowledged event with its
payload, a consistent projection and a sound file (``PRAGMA integrity_check``).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import typing as t
from pathlib import Path

import pytest

from exgen.conduct import store
from exgen.conduct.record import Record, rebuild_projections

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1000
LIMIT_S = 300

CHILD = """
import json, sys
from exgen.conduct import store
from exgen.conduct.record import Actor, Record

exercise = json.loads(open(sys.argv[1], encoding="utf-8").read())
conn = store.open_db(sys.argv[2], exercise["exercise"]["id"])
record = Record(conn, exercise)
ids = [i["id"] for i in exercise["injects"]]
actor = Actor("ctl-w", "controller")
prefix, n = sys.argv[3], 0
while True:
    text = f"{prefix}-{n}"
    applied = record.append(actor, "inject.annotate", ids[n % len(ids)], {"text": text}, text)
    print(applied.seq, text, flush=True)
    n += 1
"""


def _run_and_kill(exercise_file: Path, db: Path, prefix: str, acks: int, rng: random.Random) -> list[tuple[int, str]]:
    """Start a writer, read ``acks`` acknowledgements, then SIGKILL it a random fraction of a write later."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(exercise_file), str(db), prefix], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(LIMIT_S, child.kill)
    watchdog.start()
    acked: list[tuple[int, str]] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            seq, text = line.split()
            acked.append((int(seq), text))
            if len(acked) >= acks:
                time.sleep(rng.uniform(0, 0.004))  # land the kill anywhere in the next write
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        watchdog.cancel()
    assert child.stderr is not None
    assert len(acked) >= acks, f"the writer stopped after {len(acked)} writes: {child.stderr.read()[-2000:]}"
    assert child.returncode == -signal.SIGKILL
    return acked


def _check(db: Path, exercise: dict[str, t.Any], acked: list[tuple[int, str]]) -> None:
    conn = store.open_db(db, exercise["exercise"]["id"])
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    record = Record(conn, exercise)
    stored = {e.seq: e for e in record.events_after(0, limit=10 * len(acked) + 100)}
    ids = [i["id"] for i in exercise["injects"]]
    for seq, text in acked:
        event = stored.get(seq)
        assert event is not None, f"acknowledged event {seq} ({text}) is missing"
        n = int(text.rsplit("-", 1)[1])
        assert (event.kind, event.subject, event.payload, event.idem) == (
            "inject.annotate", ids[n % len(ids)], {"text": text}, text)
    notes = sum(len(v["notes"]) - (v["id"] == "INJ-002") for v in record.injects())  # INJ-002 has a planned note
    assert notes == len(stored), "the projection lost or gained a note"
    views = record.injects()
    rebuild_projections(conn, exercise)
    assert record.injects() == views
    conn.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_every_acknowledged_write_survives_sigkill(tmp_path: Path, db_path: Path,
                                                  tiny_exercise: dict[str, t.Any]) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    print(f"random seed {seed}")  # shown with a failure, to replay the same kill points
    exercise_file = tmp_path / "exercise.json"
    exercise_file.write_text(json.dumps(tiny_exercise), "utf-8")
    first = _run_and_kill(exercise_file, db_path, "a", rng.randint(1, TARGET - 1), rng)
    _check(db_path, tiny_exercise, first)
    second = _run_and_kill(exercise_file, db_path, "b", TARGET - len(first), rng)
    acked = first + second
    assert len(acked) >= TARGET, seed
    _check(db_path, tiny_exercise, acked)
