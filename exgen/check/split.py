"""Validating a large definition on two cores: a forked helper takes half the work.

After loading, the checks fall into two halves of about the same cost at 10,000 injects: the
schema check, the model and the rules (with the gap register) in a helper process; the model and
the comms analysis with its findings here. The helper inherits the loaded document with the fork
(nothing is copied or pickled on the way in) and sends back only its findings. The comms half
runs before the schema verdict is known, so it may meet a definition the schema refuses: what it
found or raised then is dropped, exactly as if it had not run.

A helper that fails, dies or is killed hands back nothing, and its half is done here: the
findings are the same either way. It dies with this process and leaves Ctrl-C to it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
import typing as t

from exgen.core import processes

if t.TYPE_CHECKING:
    from exgen.load import Document

#: Below this many injects a helper costs more (fork, copied pages) than it saves.
MIN_INJECTS = 2000

T = t.TypeVar("T")


def worth_it(document: Document) -> bool:
    """True when ``document`` is large enough, this platform forks, and no other thread runs
    (forking a process with other threads running can copy a lock some thread holds)."""
    injects = document.data.get("injects") if isinstance(document.data, dict) else None
    return (hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
            and isinstance(injects, list) and len(injects) >= MIN_INJECTS)


class Helper(t.Generic[T]):
    """A forked process computing ``work()`` and sending its result back through a pipe."""

    def __init__(self, work: t.Callable[[], T]) -> None:
        self.work = work
        parent = os.getpid()
        reader, writer = os.pipe()
        with processes.signals_held():  # it starts with Ctrl-C blocked until it ignores it
            self.pid = os.fork()
            if self.pid == 0:  # pragma: no cover - the helper's own side (coverage does not follow a fork)
                os.close(reader)
                _helper_main(work, writer, parent)
        os.close(writer)
        self.reader = reader

    def result(self) -> T:
        """The helper's result; on any failure of the helper, ``work()`` run here instead."""
        got: t.Any = None
        try:
            with os.fdopen(self.reader, "rb") as pipe:
                data = pipe.read()
            if data:
                got = pickle.loads(data)  # our own child process, through our own pipe
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            got = None
        finally:
            code = self._wait()
        if code != 0 or not isinstance(got, tuple) or len(got) != 1:
            return self.work()
        return t.cast("T", got[0])

    def stop(self) -> None:
        """Kill the helper at once (this process is stopping) and reap it."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(self.reader)
        self._wait()

    def _wait(self) -> int:
        """Reap the helper: its exit status (-1 when it was already reaped)."""
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status)


def _helper_main(work: t.Callable[[], t.Any], writer: int, parent: int) -> t.NoReturn:  # pragma: no cover
    """In the helper: compute, send ``(result,)``, exit without running this process's exit handlers."""
    code = 1
    try:
        processes.die_with_parent(parent)
        processes.quiet_signals()
        data = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # whatever happened, the parent does this half itself
        code = 1
    finally:
        os._exit(code)
