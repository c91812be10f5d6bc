"""The sheet read in a child process gives exactly what reading it here gives, even when the child dies."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from exgen.ingest.background import CHUNK, SheetReader
from exgen.load.sheets import read_table


def _sheet(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "msel.csv"
    lines = ["Inject id;D-time;Title;To"] + [f"INJ-{n:05d};D+0 06:{n % 60:02d};Title {n}, with a comma;MNB-HQ"
                                              for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _collect(reader: SheetReader) -> tuple[list[str], list[tuple[int, int, object]], bool]:
    kinds, cells, complete = [], [], False
    for message in reader.messages():
        kinds.append(message[0])
        if message[0] == "restart":
            cells = []
        elif message[0] == "rows":
            cells += [c for row in message[1] for c in row]
        elif message[0] == "end":
            complete = message[1]
    return kinds, cells, complete


def test_rows_stream_in_chunks_and_equal_a_direct_read(tmp_path: Path) -> None:
    path = _sheet(tmp_path, 3 * CHUNK + 7)
    table, _ = read_table(str(path))
    assert table is not None
    kinds, cells, complete = _collect(SheetReader(str(path)))
    assert complete and kinds[0] == "head" and kinds[-1] == "end" and kinds.count("rows") == 4
    assert cells == [(c.row, c.col, c.value) for row in table.rows for c in row]


def test_a_killed_reader_is_replaced_by_a_read_here(tmp_path: Path) -> None:
    path = _sheet(tmp_path, 2 * CHUNK)
    table, _ = read_table(str(path))
    assert table is not None
    reader = SheetReader(str(path))
    if reader.pid:  # a machine that forks: kill the child before it has sent everything
        os.kill(reader.pid, signal.SIGKILL)
    kinds, cells, complete = _collect(reader)
    assert complete and kinds[-1] == "end"
    assert cells == [(c.row, c.col, c.value) for row in table.rows for c in row]
    assert reader.pid == 0


def test_cancel_leaves_no_child(tmp_path: Path) -> None:
    reader = SheetReader(str(_sheet(tmp_path, 10)))
    pid = reader.pid
    reader.cancel()
    if pid:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        raise AssertionError(f"the reader {pid} is still running")
