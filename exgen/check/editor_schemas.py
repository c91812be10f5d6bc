"""The JSON Schemas an editor needs beside a definition: the entry schemas and all they reference.

``exgen init`` and ``exgen generate`` copy them next to the files they write, so each file's
``yaml-language-server`` modeline works offline.
"""

from __future__ import annotations

import json
import typing as t

from exgen.core.resources import data_dir

#: Folder, relative to the definition, that the modelines name.
SCHEMA_DIR = "schemas"
#: The schemas modelines name: the root definition's and the included files'.
ENTRY_SCHEMAS = ("exercise.schema.json", "exercise-fragment.schema.json")


def files() -> dict[str, bytes]:
    """The entry schemas and every schema they reference, ``{schemas/name: bytes}``, sorted."""
    folder = data_dir("schemas")
    wanted: list[str] = []
    todo = list(ENTRY_SCHEMAS)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.append(name)
        todo += sorted(_referenced_files(json.loads((folder / name).read_text("utf-8"))))
    return {f"{SCHEMA_DIR}/{name}": (folder / name).read_bytes() for name in sorted(wanted)}


def _referenced_files(node: t.Any) -> set[str]:
    """File names of the other schemas a schema's ``$ref``s point into.

    >>> sorted(_referenced_files({"a": {"$ref": "common.schema.json#/definitions/id"}, "b": [{"$ref": "#/x"}]}))
    ['common.schema.json']
    """
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.add(ref.split("#", 1)[0])
        for value in node.values():
            found |= _referenced_files(value)
    elif isinstance(node, list):
        for value in node:
            found |= _referenced_files(value)
    return found
