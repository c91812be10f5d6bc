"""Where exgen's own schemas, templates and data live, installed or in a checkout."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path


@functools.cache
def data_dir(name: str) -> Path:
    """The directory of bundled ``name`` (``schemas``, ``templates``, ``catalogues``…).

    In a wheel they are shipped as ``exgen/_data/<name>``; in a source checkout or an
    editable install they sit at the top of the repository.
    """
    shipped = Path(str(resources.files("exgen"))) / "_data" / name
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / name
