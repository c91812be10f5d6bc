"""The spreadsheet a user names → a :class:`Table`: refuse what is not a readable regular file,
then choose the reader by the file's content, not its name.

A zip archive is read as an XLSX workbook, an old binary workbook (OLE: ``.xls``, or an encrypted
``.xlsx``) and a web page saved as ``.xls`` are refused with what to do, anything else is read as
delimited text. Nothing is opened before :func:`os.stat` has said it is a regular file (a FIFO or
a device could block a read forever), and the file is opened without blocking and checked again.
"""

from __future__ import annotations

import os
import stat
import typing as t

from exgen.core.diagnostics import Diagnostic, Location, error
from exgen.load.read import reason
from exgen.load.sheets import guard
from exgen.load.sheets.delimited import read_delimited
from exgen.load.sheets.table import RowsFactory, Table
from exgen.load.sheets.xlsx import FastRows, read_xlsx

_ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_HEAD = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def read_table(path: str, *, sheet: str | None = None, allow_macros: bool = False, max_rows: int = 200_000,
               encoding: str | None = None, rows: RowsFactory | None = None,
               fast: FastRows | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """The cells of the spreadsheet at ``path`` (XLSX: ``sheet``, else the MSEL sheet; CSV: the
    file, decoded with ``encoding`` when given), and what was found reading it. The table is None
    when the file could not be read or a limit stopped the reading; a cell with a problem is left
    out of the table and reported at its place. ``rows`` makes the list the rows are appended to
    (:meth:`Table.new`); ``fast`` reads an XLSX sheet's rows another way
    (:data:`~exgen.load.sheets.xlsx.FastRows`)."""
    raw = read_raw(path)
    if isinstance(raw, Diagnostic):
        return None, [raw]
    if raw.startswith(_ZIP_HEADS):
        return read_xlsx(raw, path, sheet=sheet, allow_macros=allow_macros, max_rows=max_rows, rows=rows, fast=fast)
    refused = _other_format(raw, path)
    if refused is not None:
        return None, [refused]
    return read_delimited(raw, path, max_rows=max_rows, encoding=encoding, rows=rows)


def read_raw(display: str) -> bytes | Diagnostic:
    """The file's bytes, or the located error saying why they cannot be used."""
    where = Location(display)
    try:
        info = os.stat(display)
        refused = _not_a_file(info, display)
        if refused is not None:
            return refused
        descriptor = os.open(display, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb", closefd=True) as stream:
            info = os.fstat(stream.fileno())
            refused = _not_a_file(info, display)  # replaced since the stat?
            if refused is not None:
                return refused
            raw = _bounded_read(stream, info.st_size)
    except FileNotFoundError:
        return error("file-not-found", f"file {display} not found", where)
    except (OSError, ValueError) as problem:
        return error("file-unreadable", f"cannot read {display}: {reason(problem)}", where)
    return guard.file_too_large(display, len(raw)) or raw


def _bounded_read(stream: t.BinaryIO, size: int) -> bytes:
    """At most :data:`~.guard.MAX_FILE_BYTES` + 1 bytes, without reserving them up front (a
    file that grew since its size was taken is read on, in chunks)."""
    raw = stream.read(min(size, guard.MAX_FILE_BYTES) + 1)
    if len(raw) <= size:
        return raw
    chunks = [raw]
    total = len(raw)
    while total <= guard.MAX_FILE_BYTES and (chunk := stream.read(1024 * 1024)):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _not_a_file(info: os.stat_result, display: str) -> Diagnostic | None:
    """The error for a path that is not a regular file or is too large, else None."""
    where = Location(display)
    if stat.S_ISDIR(info.st_mode):
        return error("file-unreadable", f"{display} is a directory, not a file", where)
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
        return error("file-unreadable", f"{display} is not a regular file (it is {kind})", where)
    return guard.file_too_large(display, info.st_size)


def _other_format(raw: bytes, display: str) -> Diagnostic | None:
    """The ``sheet-format`` error for a file that is a workbook in a format exgen does not read."""
    where = Location(display)
    if raw.startswith(_OLE_HEAD):
        if _ENCRYPTED_MARK in raw:
            return error("sheet-format", "the workbook is protected by a password (encrypted); open it in Excel, "
                         "remove the password and save it as .xlsx", where)
        return error("sheet-format", "this is an old binary Excel workbook (.xls); open it in Excel or LibreOffice "
                     "and save it as .xlsx (Excel Workbook) or as CSV", where)
    head = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        return error("sheet-format", "this is a web page or XML file, not a workbook (some systems export "
                     "those named .xls); open it in Excel or LibreOffice and save it as .xlsx or CSV", where)
    return None
