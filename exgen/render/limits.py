"""How much one build may take: CPU time and memory of each rendering process, size of the package.

User templates are code, and code can loop or grow without end. The sandbox
(:mod:`exgen.render.sandbox`) stops what it can see coming (a huge string, a huge filter
argument, a template that includes itself); these limits stop the rest:

- every rendering worker and every converter process runs under ``RLIMIT_CPU`` (CPU seconds;
  going over raises :class:`LimitExceeded` in the process, located at the template line it was
  running, and a process that does not stop within a few more seconds is killed) and
  ``RLIMIT_AS`` (the memory it may add to what it holds when it starts: the render context it
  shares with exgen, or the converter's own code; going over is a ``MemoryError``, reported
  the same way);
- the package may not grow past :attr:`Limits.package_size` (checked as each file is written).

The defaults leave room for a 10,000-inject exercise several times over (its largest process
grows by ~300 MB, uses ~15 s of CPU, and its package is ~150 MB); ``exgen build
--max-render-seconds``, ``--max-render-memory`` and ``--max-package-size`` raise them. Where
``resource`` is missing (Windows), only the package size is enforced.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
#: Seconds a process over its CPU-time limit has to stop before the kernel kills it.
GRACE_SECONDS = 5
_UNITS = {"": 1, "b": 1, "k": KiB, "kb": KiB, "kib": KiB, "m": MiB, "mb": MiB, "mib": MiB,
          "g": GiB, "gb": GiB, "gib": GiB, "t": 1024 * GiB, "tb": 1024 * GiB, "tib": 1024 * GiB}


@dataclass(frozen=True)
class Limits:
    """The limits of one build (see the module docs)."""

    #: CPU seconds each rendering worker and each converter process may use.
    render_seconds: int = 300
    #: Bytes of memory each of those processes may add to what it holds when it starts.
    render_memory: int = 2 * GiB
    #: Bytes the whole package may hold.
    package_size: int = 2 * GiB


DEFAULT = Limits()


class LimitExceeded(Exception):
    """A rendering or converter process went over its CPU-time limit (raised in that process)."""


def parse_size(text: str) -> int:
    """A size as people write it: bytes, or a number with K, M, G or T (KB/KiB...: all powers of 1024).

    >>> parse_size("2GB"), parse_size("512 MiB"), parse_size("1.5g"), parse_size("4096")
    (2147483648, 536870912, 1610612736, 4096)
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"'{text}' is not a size; write it as 500MB, 2GB or a number of bytes")
    size = int(float(match.group(1)) * _UNITS[unit])
    if size < 1:
        raise ValueError(f"'{text}' is not a size above zero")
    return size


def format_size(size: int) -> str:
    """A size for messages.

    >>> format_size(2 * GiB), format_size(1536 * KiB), format_size(100)
    ('2 GiB', '1.5 MiB', '100 B')
    """
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def cpu_message(limits: Limits) -> str:
    return (f"used more than {limits.render_seconds} s of CPU time, the limit for one rendering process "
            f"(raise it with --max-render-seconds)")


def memory_message(limits: Limits | None) -> str:
    if limits is None:
        return "ran out of memory"
    return (f"needed more than {format_size(limits.render_memory)} of memory, the limit for one rendering "
            f"process (raise it with --max-render-memory)")


class _Active:
    """The limits this process runs under (set by :func:`apply`), for the messages."""

    limits: Limits | None = None


def active() -> Limits | None:
    """The limits :func:`apply` put this process under, or None."""
    return _Active.limits


def apply(limits: Limits) -> None:
    """Put this process (a rendering worker or a converter) under ``limits``: CPU seconds from
    now, and memory beyond what it holds now. Going over the CPU time raises LimitExceeded in
    the main thread, once; the kernel kills the process :data:`GRACE_SECONDS` later."""
    try:
        import resource
    except ImportError:  # Windows: no resource limits
        return
    _Active.limits = limits
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime) + limits.render_seconds
    raised: list[int] = []

    def over_cpu(signum: int, frame: object) -> None:
        if not raised:  # the kernel repeats SIGXCPU every second: report once
            raised.append(signum)
            raise LimitExceeded(cpu_message(limits))

    if hasattr(signal, "SIGXCPU"):
        signal.signal(signal.SIGXCPU, over_cpu)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + GRACE_SECONDS))
    with contextlib.suppress(ValueError, OSError):
        size = address_space() + limits.render_memory
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if hard != resource.RLIM_INFINITY:
            size = min(size, hard)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def address_space() -> int:
    """The virtual memory this process holds now (0 where /proc is missing: the limit is then absolute)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def killed_by_limit(returncode: int) -> bool:
    """True when a child's exit code says the kernel stopped it the way a limit does
    (SIGKILL after the CPU grace time or for memory, SIGXCPU)."""
    signals = {int(signal.SIGKILL)} | ({int(signal.SIGXCPU)} if hasattr(signal, "SIGXCPU") else set())
    return returncode < 0 and -returncode in signals


def signal_name(returncode: int) -> str:
    """``SIGKILL`` for -9, ``exit code 3`` for 3."""
    if returncode < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-returncode).name
        return f"signal {-returncode}"
    return f"exit code {returncode}"
