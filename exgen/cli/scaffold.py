"""``exgen init``: a small, commented, valid definition to start from, plus the schemas for editors.

The scaffolds are data (``exgen/data/init/<TYPE>/``), not Python: each file teaches a
first-time planner what its sections mean, and each must pass ``exgen validate --strict``.
The JSON Schemas are copied beside them so the files' modelines work offline.
"""

from __future__ import annotations

import typing as t
from importlib import resources
from pathlib import Path

from exgen.check import editor_schemas
from exgen.cli import output
from exgen.core import paths

#: Exercise types with a scaffold, the default first.
TYPES = ("CPX", "TTX", "COMMEX")
#: The file ``exgen validate`` and ``exgen build`` are pointed at.
ROOT = "exercise.yaml"


class InitError(Exception):
    """The scaffold cannot be written (files in the way, or not a directory)."""


def _scaffold_dir(kind: str) -> t.Any:
    """The bundled folder of definition files for exercise type ``kind``."""
    if kind not in TYPES:
        raise ValueError(f"no scaffold for exercise type '{kind}'; choose from {', '.join(TYPES)}")
    return resources.files("exgen.data") / "init" / kind


def definition_files(kind: str) -> dict[str, bytes]:
    """The scaffold's definition files, ``{name: bytes}``: the root file, then its includes in order."""
    import yaml

    folder = _scaffold_dir(kind)
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml"))
    included = yaml.safe_load((folder / ROOT).read_text("utf-8")).get("include", [])
    order = {name: i for i, name in enumerate([ROOT, *included])}
    names.sort(key=lambda name: order.get(name, len(order)))
    return {name: (folder / name).read_bytes() for name in names}


def scaffold(kind: str) -> dict[str, bytes]:
    """Every file ``exgen init`` writes, relative to the target directory: definitions, then schemas."""
    return {**definition_files(kind), **editor_schemas.files()}


def conflicts(dest: Path, files: t.Iterable[str]) -> list[Path]:
    """Files that would be overwritten (anything already at one of the target paths)."""
    return output.existing(str(dest), files)


def write(dest: Path, kind: str, *, force: bool = False) -> list[Path]:
    """Write the ``kind`` scaffold into ``dest`` (created if missing); the paths written, in order.

    Nothing is written when a file is in the way and ``force`` is false, or when ``dest`` is not a
    usable directory or lies inside exgen's own data.
    """
    files = scaffold(kind)
    try:
        output.refuse(str(dest), _inputs(kind), "exercise definition", files)
        in_the_way = conflicts(dest, files)
        for path in in_the_way:
            if path.is_dir() and not path.is_symlink():
                raise InitError(f"{path} is a directory; remove it or choose another directory")
        if in_the_way and not force:
            limit = len(definition_files(kind))  # name every definition file; the schemas come after them
            shown = ", ".join(str(p) for p in in_the_way[:limit]) + (" ..." if len(in_the_way) > limit else "")
            raise InitError(f"{len(in_the_way)} file{'s' if len(in_the_way) != 1 else ''} would be "
                            f"overwritten: {shown}; use --force to overwrite, or choose another directory")
        return output.write(str(dest), files)
    except output.OutputError as exc:
        raise InitError(str(exc)) from None
    except OSError as exc:
        raise InitError(f"cannot write into {dest}: {exc.strerror or exc}") from None


def _inputs(kind: str) -> list[paths.Input]:
    """What ``exgen init`` reads: the bundled scaffold and schemas, never to be written over."""
    from exgen.core.resources import data_dir

    scaffold_dir = Path(str(_scaffold_dir(kind)))
    return [paths.Input("built-in scaffold directory", str(scaffold_dir), scaffold_dir, directory=True),
            paths.Input("built-in schema directory", str(data_dir("schemas")), data_dir("schemas"), directory=True)]
