"""A forked helper process computing one value for its parent: a second core for one job.

The helper inherits everything with the fork (nothing is copied or pickled on the way in),
computes ``work()`` and sends the pickled result back through a pipe. It dies with its parent,
leaves Ctrl-C to it, and exits without running the parent's exit handlers. :meth:`Helper.result`
gives what it sent or, on any failure (the work raised, the helper died, was killed, or sent
nothing within ``wait`` seconds: a child forked while another thread held a lock can hang),
the ``fallback`` computed in this process. One mechanism for the check on two cores
(:mod:`exgen.check.split`) and the template precompile (:mod:`exgen.render.precompile`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import time
import typing as t

from exgen.core import processes

T = t.TypeVar("T")

#: Bytes read from the pipe at a time.
_BLOCK = 1 << 20


class Helper(t.Generic[T]):
    """A forked process computing ``work()`` and sending its result back through a pipe."""

    def __init__(self, work: t.Callable[[], T]) -> None:
        parent = os.getpid()
        reader, writer = os.pipe()
        with processes.signals_held():  # it starts with Ctrl-C blocked until it ignores it
            self.pid = os.fork()
            if self.pid == 0:  # pragma: no cover - the helper's own side (coverage does not follow a fork)
                os.close(reader)
                _helper_main(work, writer, parent)
        os.close(writer)
        self.reader: int | None = reader
        self.reaped = False

    def result(self, fallback: t.Callable[[], T], wait: float | None = None) -> T:
        """What the helper computed; on any failure of the helper, ``fallback()`` run here. The
        helper is reaped either way (killed first when it sent nothing within ``wait`` seconds)."""
        data = self._read(wait)
        got: t.Any = None
        if data is not None:
            with contextlib.suppress(EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
                got = pickle.loads(data)  # our own child process, through our own pipe
        if data is None:
            self.stop()
        code = self._wait()
        if code != 0 or not isinstance(got, tuple) or len(got) != 1:
            return fallback()
        return t.cast("T", got[0])

    def stop(self) -> None:
        """Kill the helper at once (this process is stopping, or gave up on it) and reap it; nothing
        once it was reaped (its process id may belong to another process by then)."""
        if self.reaped:
            return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self._close()
        self._wait()

    def _read(self, wait: float | None) -> bytes | None:
        """Everything the helper wrote until it closed the pipe; None when the pipe failed or
        ``wait`` seconds passed first."""
        if self.reader is None:
            return None
        deadline = None if wait is None else time.monotonic() + wait
        parts: list[bytes] = []
        try:
            while True:
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                        return None
                block = os.read(self.reader, _BLOCK)
                if not block:
                    return b"".join(parts)
                parts.append(block)
        except OSError:
            return None
        finally:
            self._close()

    def _close(self) -> None:
        if self.reader is not None:
            with contextlib.suppress(OSError):
                os.close(self.reader)
            self.reader = None

    def _wait(self) -> int:
        """Reap the helper: its exit status (-1 when it was already reaped)."""
        if self.reaped:
            return -1
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            self.reaped = True
            return -1
        self.reaped = True
        return os.waitstatus_to_exitcode(status)


def _helper_main(work: t.Callable[[], t.Any], writer: int, parent: int) -> t.NoReturn:  # pragma: no cover
    """In the helper: compute, send ``(result,)``, exit without running this process's exit handlers."""
    code = 1
    try:
        gc.disable()  # short-lived: the collector would only dirty the pages shared with the parent
        processes.die_with_parent(parent)
        processes.quiet_signals()
        data = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # whatever happened, the parent does this work itself
        code = 1
    finally:
        os._exit(code)
