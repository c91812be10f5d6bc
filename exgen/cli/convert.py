"""``python -m exgen.cli.convert KIND SOURCE FOLDER REL STARTEX``: one conversion in its own process.

The renderer starts it (:func:`exgen.render.convert.convert_in_fresh_process`) so the PDF
engine's memory is never added to a process holding the render context. It prints the written
file's sha256 and size; a converter error is one line on stderr and exit code 3.
"""

from __future__ import annotations

import sys

from exgen import package
from exgen.render.convert import CONVERT_FAILED, ConvertError
from exgen.render.converters import convert_file


def main(argv: list[str]) -> int:
    """Convert one file; the exit code."""
    kind, source, folder, rel, startex = argv
    try:
        _, digest, size = convert_file(kind, source, folder, rel, startex)
    except (ConvertError, package.PackageError) as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return CONVERT_FAILED
    print(digest, size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
