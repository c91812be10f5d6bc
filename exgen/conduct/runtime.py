"""What a running EXCON server holds: the package's exercise, one writer thread and a pool of readers.

Every change to the record goes through :class:`Writer`: one SQLite connection used from one
thread, so the event loop never waits for a commit's fsync and writes never contend with each
other. Reads (pages, the API, the live stream) take a connection of their own from
:class:`Readers` in a worker thread; WAL lets them read while the writer writes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import sqlite3
import threading
import typing as t
from pathlib import Path

from exgen.conduct import store, stream

if t.TYPE_CHECKING:
    from argon2 import PasswordHasher

    from exgen.conduct.record import Record
    from exgen.conduct.record_types import Applied

T = t.TypeVar("T")

#: The file inside a package that the server runs.
EXERCISE_FILE = Path("data") / "exercise.json"
#: Largest exercise.json the server reads (a 10,000-inject package is about 15 MB).
MAX_EXERCISE_BYTES = 512 * 1024 * 1024


class ServeError(Exception):
    """The server cannot start: the message says why in one plain line."""


def load_exercise(package_dir: Path) -> dict[str, t.Any]:
    """The parsed ``data/exercise.json`` of a built package; :class:`ServeError` when there is none."""
    if not package_dir.is_dir():
        raise ServeError(f"{package_dir} is not a package directory (build one with: exgen build FILE -o DIR)")
    path = package_dir / EXERCISE_FILE
    if not path.is_file():
        raise ServeError(f"{package_dir} has no {EXERCISE_FILE.as_posix()}: it was built by an older exgen or with "
                         "--only: rebuild it")
    try:
        if path.stat().st_size > MAX_EXERCISE_BYTES:
            raise ServeError(f"{path} is larger than {MAX_EXERCISE_BYTES // 2**20} MiB")
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ServeError(f"cannot read {path}: {exc}") from None
    head = data.get("exercise") if isinstance(data, dict) else None
    if not isinstance(head, dict) or not isinstance(head.get("id"), str) or data.get("format") != 1:
        raise ServeError(f"{path} is not exercise data exgen can serve: rebuild the package with this exgen")
    return t.cast("dict[str, t.Any]", data)


def exercise_id(exercise: t.Mapping[str, t.Any]) -> str:
    """The id of a parsed exercise.json."""
    return str(exercise["exercise"]["id"])


def _record(conn: sqlite3.Connection, exercise: dict[str, t.Any]) -> Record:
    from exgen.conduct.record import Record

    return Record(conn, exercise)


class Writer:
    """The one writer: jobs ``(connection, record) -> result`` run in order on one thread."""

    def __init__(self, db_path: Path, exercise: dict[str, t.Any]) -> None:
        self._conn = store.open_db(db_path, exercise_id(exercise))
        self._record = _record(self._conn, exercise)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="exgen-writer")
        self._closed = False

    def _call(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        return job(self._conn, self._record)

    async def run(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        """Run ``job`` on the writer thread and wait for it without blocking the event loop.

        The job finishes even when the waiting request is cancelled (a client gone mid-write).
        """
        return await asyncio.wrap_future(self._pool.submit(self._call, job))

    def run_sync(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        """Run ``job`` on the writer thread from a thread that is not the event loop."""
        return self._pool.submit(self._call, job).result()

    def close(self) -> None:
        """Finish the queued jobs and close the connection."""
        if self._closed:
            return
        self._closed = True
        self._pool.submit(self._conn.close).result()
        self._pool.shutdown(wait=True)


class Readers:
    """Read connections, each with its :class:`Record`, lent to one worker thread at a time."""

    def __init__(self, db_path: Path, exercise: dict[str, t.Any]) -> None:
        self._path = db_path
        self._exercise = exercise
        self._idle: list[tuple[sqlite3.Connection, Record]] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def lend(self) -> t.Iterator[tuple[sqlite3.Connection, Record]]:
        """A connection and its record for the calling thread; returned to the pool afterwards."""
        with self._lock:
            pair = self._idle.pop() if self._idle else None
        if pair is None:
            conn = store.open_db(self._path, exercise_id(self._exercise))
            pair = (conn, _record(conn, self._exercise))
        try:
            yield pair
        finally:
            conn = pair[0]
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            with self._lock:
                keep = not self._closed
                if keep:
                    self._idle.append(pair)
            if not keep:
                conn.close()

    def run(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        """Run ``job`` with a lent connection (call it from a worker thread)."""
        with self.lend() as (conn, record):
            return job(conn, record)

    def snapshot(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        """Run ``job`` inside one read transaction, so everything it reads is from the same moment."""
        with self.lend() as (conn, record):
            conn.execute("BEGIN")
            try:
                return job(conn, record)
            finally:
                conn.execute("COMMIT")

    def close(self) -> None:
        """Close the idle connections; those lent out close when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


class Conduct:
    """The server's shared state: the exercise, the record's writer and readers, and the live-stream hub."""

    def __init__(self, package_dir: Path, db_path: Path, *, secure_cookies: bool,
                 hasher: PasswordHasher | None = None) -> None:
        self.package_dir = package_dir
        self.db_path = db_path
        self.exercise = load_exercise(package_dir)
        self.secure_cookies = secure_cookies
        #: The password hasher (None: the server's Argon2id parameters; tests pass a cheaper one).
        self.hasher = hasher
        self.writer = Writer(db_path, self.exercise)
        self.readers = Readers(db_path, self.exercise)
        self.hub = stream.Hub(self._load, self.writer.run_sync(lambda _conn, record: record.last_seq()))

    async def read(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        """Run a read ``job`` on a worker thread with a reader connection."""
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self.readers.run, job)

    async def snapshot(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        """Like :meth:`read`, inside one read transaction."""
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self.readers.snapshot, job)

    async def write(self, job: t.Callable[[sqlite3.Connection, Record], T]) -> T:
        """Run a write ``job`` on the writer thread."""
        return await self.writer.run(job)

    async def record(self, job: t.Callable[[sqlite3.Connection, Record], Applied]) -> Applied:
        """Run a job that appends to the record, then wake the live streams."""
        applied = await self.writer.run(job)
        self.hub.publish(applied.seq)
        return applied

    async def _load(self, after: int) -> list[stream.Entry]:
        return await self.read(lambda _conn, record: stream.load(record, after))

    def close(self) -> None:
        """End the streams and close every connection."""
        self.hub.close()
        self.writer.close()
        self.readers.close()
