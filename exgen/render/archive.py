"""The ``zip`` converter: a JSON list of text entries → a zip archive with the same bytes on every machine.

The template renders ``{"entries": [{"path": "MANIFEST/manifest.xml", "text": "..."}, ...]}``;
the archive holds each entry as a UTF-8 file, sorted by path, every one stamped with STARTEX
(clamped to the years a zip can record), mode 0644, stored without compression (a deflate
stream may differ between zlib builds; stored bytes cannot).
"""

from __future__ import annotations

import io
import json
import typing as t
import zipfile

from exgen.render.convert import ConvertError, Data, document_date

#: Most entries one archive may hold (a TAK data package holds one per located unit plus its manifest).
MAX_ENTRIES = 100_000


def json_to_zip(text: str, data: Data) -> bytes:
    """The archive the JSON spec in ``text`` describes (see the module docstring)."""
    try:
        spec = json.loads(text)
    except ValueError as exc:
        raise ConvertError(f"the zip spec is not JSON: {exc}") from None
    entries = spec.get("entries") if isinstance(spec, dict) else None
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise ConvertError(f'the zip spec needs "entries": a list of at most {MAX_ENTRIES} entries')
    files: dict[str, bytes] = {}
    for n, entry in enumerate(entries):
        path, body = _entry(n, entry)
        if path in files:
            raise ConvertError(f"zip entry {n}: '{path}' is already in the archive")
        files[path] = body
    stamp = _stamp(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.create_system = 3  # Unix, so the mode below is read as one
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, files[path])
    return out.getvalue()


def _stamp(data: Data) -> tuple[int, int, int, int, int, int]:
    """STARTEX as a zip timestamp; a zip records the years 1980 to 2107 only."""
    when = document_date(data)
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if when.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _entry(n: int, entry: t.Any) -> tuple[str, bytes]:
    """One entry's archive path (relative, no '..', no backslash) and its UTF-8 bytes."""
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not isinstance(entry.get("text"), str):
        raise ConvertError(f'zip entry {n} needs a "path" and a "text" string')
    path = entry["path"]
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise ConvertError(f"zip entry {n}: '{path}' is not a relative path inside the archive")
    return path, entry["text"].encode("utf-8")
