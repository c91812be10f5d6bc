"""The processes exgen starts die with it, and what a dead one left behind can be told from a live one's.

- :func:`die_with_parent`: a worker or converter process asks Linux to kill it (SIGKILL) the
  moment its parent dies (``prctl(PR_SET_PDEATHSIG)``), whatever killed the parent, even
  ``kill -9``; if the parent is already gone it exits at once. Elsewhere the pools' own
  cleanup is all there is.
- :func:`quiet_signals`: a child ignores Ctrl-C sent to the whole process group; the building
  process handles it for everyone (stops its children, removes its temporary folders, prints
  one line), so no child prints a traceback.
- :func:`owner_tag` and :func:`alive`: temporary folders carry the pid and host of the process
  that made them, so a later run can tell the leftovers of a killed run from a live run's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import typing as t

#: prctl(2) option: the signal the calling process gets when its parent dies.
PR_SET_PDEATHSIG = 1
#: Signals the building process handles for its children.
GROUP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C so the same cleanup runs."""


def die_with_parent(parent: int) -> bool:
    """Have this process killed when its parent (pid ``parent``) dies; True when the kernel
    will do it (Linux). Exits at once when the parent has already gone (it may have died
    before the request was made)."""
    import ctypes

    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    if os.getppid() != parent:
        os._exit(1)
    return armed


@contextlib.contextmanager
def signals_held() -> t.Iterator[None]:
    """Hold Ctrl-C and SIGTERM in this thread while children are forked: a child starts with
    them blocked, so it cannot be interrupted before :func:`quiet_signals` (a held signal is
    delivered to this process when the block ends)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, GROUP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def quiet_signals() -> None:
    """In a child: ignore Ctrl-C (the building process stops its children itself), then unblock
    the signals :func:`signals_held` held; a Ctrl-C already pending is discarded. SIGTERM keeps
    its default action (not the parent's handler), so a pool can still terminate its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, GROUP_SIGNALS)


def raise_on_sigterm() -> t.Callable[[], None]:
    """Turn SIGTERM into :class:`Terminated` in the main thread, so a terminated build cleans up
    like an interrupted one; returns a function that restores the previous handler."""

    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave SIGTERM alone
        return lambda: None

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def owner_tag() -> str:
    """``<pid>-<host>``: which process made a temporary folder (host: 6 hex digits of its name).

    >>> owner_tag().split("-")[0] == str(os.getpid())
    True
    """
    return f"{os.getpid()}-{host_tag()}"


def host_tag() -> str:
    """Six hex digits standing for this machine (folders on a shared disk may come from others)."""
    import socket

    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def alive(pid: int) -> bool:
    """True when a process ``pid`` exists (on this machine), ours or another user's.

    >>> alive(os.getpid())
    True
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else (EPERM)
        return True
    return True
