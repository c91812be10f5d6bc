"""The converters by name (``convert:`` in ``outputs.yaml``), and one conversion from file to file.

:func:`convert_file` is what the converter process (``python -m exgen.cli.convert``) runs;
the renderer starts that process with :func:`exgen.render.convert.convert_in_fresh_process`.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from exgen import package
from exgen.render.archive import json_to_zip
from exgen.render.convert import Data
from exgen.render.typst import typst_to_pdf
from exgen.render.xlsx import json_to_xlsx

CONVERTERS: dict[str, t.Callable[[str, Data], bytes]] = {
    "typst": typst_to_pdf,
    "xlsx": json_to_xlsx,
    "zip": json_to_zip,
}


#: The library each converter imports when it first runs (slow to import, and it finds its C
#: libraries by starting a compiler): loaded before the converter process's limits apply.
ENGINES = {"typst": "typst", "xlsx": "xlsxwriter"}


def load_engine(kind: str) -> None:
    """Import the library converter ``kind`` uses, so its memory counts as the process's own code."""
    import importlib

    if kind in ENGINES:
        importlib.import_module(ENGINES[kind])


def convert_file(kind: str, source: str, folder: str, rel: str, startex: str) -> tuple[str, str, int]:
    """Convert the rendered text in file ``source`` into package file ``rel`` under ``folder``:
    its manifest entry. The converters read nothing from the render context but STARTEX, so
    that is all it is given."""
    data = CONVERTERS[kind](Path(source).read_text("utf-8"), {"exercise": {"startex": startex}})
    return package.put(Path(folder), rel, data)
