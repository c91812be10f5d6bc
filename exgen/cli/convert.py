"""``python -m exgen.cli.convert KIND SOURCE FOLDER REL STARTEX [SECONDS MEMORY PARENT]``: one
conversion in its own process.

The renderer starts it (:func:`exgen.render.convert.convert_in_fresh_process`) so the PDF
engine's memory is never added to a process holding the render context. With SECONDS, MEMORY
and PARENT it runs under those limits (:func:`exgen.render.limits.apply`, counted from once its
engine is loaded) and dies with the process PARENT. It prints the written file's sha256 and
size; a converter error is one line on standard output and exit code 3, going over a limit one
line and exit code 4.
"""

from __future__ import annotations

import os
import sys

from exgen import package
from exgen.core import processes
from exgen.render import limits
from exgen.render.convert import CONVERT_FAILED, LIMIT_EXCEEDED, ConvertError
from exgen.render.converters import convert_file, load_engine


def main(argv: list[str]) -> int:
    """Convert one file; the exit code."""
    kind, source, folder, rel, startex, *rest = argv
    if rest:
        seconds, memory, parent = (int(value) for value in rest)
        processes.die_with_parent(parent)
        load_engine(kind)  # the limits count from here: what converting takes, not the converter's code
        limits.apply(limits.Limits(render_seconds=seconds, render_memory=memory))
    try:
        _, digest, size = convert_file(kind, source, folder, rel, startex)
    except (ConvertError, package.PackageError) as exc:
        return _fail(CONVERT_FAILED, str(exc))
    except limits.LimitExceeded as exc:
        return _fail(LIMIT_EXCEEDED, f"the {kind} conversion {exc}")
    except MemoryError:
        return _fail(LIMIT_EXCEEDED, f"the {kind} conversion {limits.memory_message(limits.active())}")
    print(digest, size)
    return 0


def _fail(code: int, message: str) -> int:
    """Report a failure as the one line of standard output and leave at once: a process out of
    memory may print noise on its way out (on standard error, which the parent ignores then)."""
    print(message.replace("\n", " "), flush=True)
    if code == LIMIT_EXCEEDED:
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
