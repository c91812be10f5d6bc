"""Read the spreadsheet in a child process, streaming its rows, while this one loads the definition.

Reading a 10,000-row workbook (openpyxl parsing its XML) and loading the definition it goes into
take seconds each and need nothing from each other; on a machine with two cores they overlap, and
the rows are converted here as the child sends them (in chunks of plain tuples, cheap to pickle).
The child dies with its parent and ignores Ctrl-C (the parent stops it). Anything unexpected in
it — a crash, being killed — makes the parent read the sheet itself from the start, so the result
never depends on the child.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
import typing as t
from queue import SimpleQueue

from exgen.core import processes

if t.TYPE_CHECKING:
    from exgen.load.sheets import Cell

#: Rows per message from the child.
CHUNK = 500
#: A message: ("head", file, sheet) first, then ("rows", [[(row, col, value), ...], ...]) any number of
#: times, then ("end", complete, diagnostics) — complete is False when the sheet could not be used.
#: ("restart",) means the child failed part-way: forget what came so far, the read starts again.
Message = tuple[t.Any, ...]


class SheetReader:
    """A sheet being read (in a child process where forking is possible, else here on :meth:`messages`)."""

    def __init__(self, path: str, **options: t.Any) -> None:
        self.path, self.options = path, options
        self.pid = 0
        self.fd = -1
        if sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1:
            self._start()

    def _start(self) -> None:
        parent = os.getpid()
        read_fd, write_fd = os.pipe()
        with processes.signals_held():
            pid = os.fork()
        if pid == 0:  # the child: read, send, leave without running the parent's cleanup
            status = 1
            try:
                os.close(read_fd)
                processes.die_with_parent(parent)
                processes.quiet_signals()
                gc.freeze()  # what the parent had is never garbage here: the collector need not walk it
                with _Sender(write_fd) as sender:
                    self._produce(sender.emit)
                status = 0 if sender.sent else 1
            finally:
                os._exit(status)
        os.close(write_fd)
        self.pid, self.fd = pid, read_fd

    def _produce(self, emit: t.Callable[[Message], None]) -> None:
        """Read the sheet, emitting its messages as the rows come (read fast where the sheet allows,
        else, from the start again, by the plain reader)."""
        from exgen.ingest import sheet_fast
        from exgen.load.sheets import read_table

        sink = _Sink(emit)

        def rows(file: str, sheet: str | None) -> list[list[Cell]]:
            emit(("head", file, sheet))
            return sink

        try:
            table, found = sheet_fast.read_table(self.path, rows=rows, **self.options)
        except sheet_fast.Unsupported:
            sink.buffer = []
            emit(("restart",))
            table, found = read_table(self.path, rows=rows, **self.options)
        sink.flush()
        emit(("end", table is not None, found))

    def _read(self) -> t.Iterator[Message]:
        """The messages of reading the sheet in this process."""
        got: list[Message] = []
        self._produce(got.append)
        yield from got

    def messages(self) -> t.Iterator[Message]:
        """The messages of the read, as they come."""
        if not self.pid:
            yield from self._read()
            return
        pid, self.pid = self.pid, 0
        ended = False
        try:
            with os.fdopen(self.fd, "rb") as source:
                while not ended:
                    message = pickle.load(source)  # our own child's bytes, over a pipe
                    ended = message[0] == "end"
                    yield message
        except (OSError, EOFError, pickle.UnpicklingError):
            ended = False
        with contextlib.suppress(OSError, ChildProcessError):
            os.waitpid(pid, 0)
        if not ended:
            yield ("restart",)
            yield from self._read()

    def cancel(self) -> None:
        """Stop the child (on Ctrl-C or an early return)."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.pid = 0


class _Sink(list[list["Cell"]]):
    """The rows list the reader appends to: rows become tuples, emitted every :data:`CHUNK` rows."""

    def __init__(self, emit: t.Callable[[Message], None]) -> None:
        super().__init__()
        self.emit = emit
        self.buffer: list[list[tuple[int, int, t.Any]]] = []

    def append(self, cells: list[Cell]) -> None:
        self.buffer.append([(c.row, c.col, c.value) for c in cells])
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.emit(("rows", self.buffer))
            self.buffer = []


class _Sender:
    """The child's end of the pipe: messages are pickled as they come and written by a thread, so
    reading the sheet never waits for the parent (busy loading the definition) to empty the pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.sent = False
        self.queue: SimpleQueue[bytes | None] = SimpleQueue()
        self.thread = threading.Thread(target=self._write, daemon=True)

    def __enter__(self) -> _Sender:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.put(None)
        self.thread.join()
        os.close(self.fd)

    def emit(self, message: Message) -> None:
        """Queue one message for the parent."""
        self.queue.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self) -> None:
        try:
            while (data := self.queue.get()) is not None:
                view = memoryview(data)
                while view:
                    view = view[os.write(self.fd, view):]
        except OSError:  # the parent has gone or stopped reading: nothing more to send
            return
        self.sent = True
