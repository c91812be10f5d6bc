"""A delimited text file (CSV, or ``;``/TAB/``|`` separated) → a :class:`Table` of text cells.

Bytes become text by the BOM, else as UTF-8 when they are valid UTF-8, else as the Windows code
page (1250 Central European or 1251 Cyrillic) whose reading gives more words of one script; the
choice is said in an info diagnostic. The delimiter is chosen by counting, in the first 64 KiB,
the candidates outside quotes: the one with the same non-zero count on most records wins (or the
one Excel's ``sep=;`` first line names; that line is no row). Rows are numbered by record, as
Excel numbers them when it opens the file (a quoted line break does not start a row). Values stay
text: a text starting with ``=`` is never a formula here.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import typing as t
from collections import Counter

from exgen.core.diagnostics import Diagnostic, Location, Severity, error
from exgen.load.sheets import guard
from exgen.load.sheets.table import Cell, RowsFactory, Table

#: Delimiters considered, in the order ties are broken.
DELIMITERS = (",", ";", "\t", "|")
#: How much text the delimiter is chosen from.
SNIFF_CHARS = 64 * 1024
#: Longest field the csv module is allowed to build (its limit is set explicitly around a read).
MAX_FIELD = 1024 * 1024
#: How much of the lines holding non-ASCII bytes decides between the two code pages.
SCRIPT_SAMPLE = 1024 * 1024

_CHUNK = 1024 * 1024
_WORD = re.compile(r"[^\W\d_]+")
_HIGH_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_SEP_LINE = re.compile(r"sep=([^\r\n\"])(?:\r\n|\r|\n)?")
_NAMES = {"cp1250": "Windows-1250 (Central European)", "cp1251": "Windows-1251 (Cyrillic)"}


#: Longest physical line: the csv module builds a whole record's fields at once, and a line of
#: millions of commas would make millions of fields (a legitimate line is a few kilobytes).
MAX_LINE_CHARS = 4 * 1024 * 1024


class _NulInText(Exception):
    """A NUL character in the text: the file is binary."""


class _LineTooLong(Exception):
    """A line longer than :data:`MAX_LINE_CHARS`."""


def read_delimited(raw: bytes, display: str, *, max_rows: int = 200_000, encoding: str | None = None,
                   rows: RowsFactory | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """The table of the delimited text file whose bytes are ``raw`` (shown as ``display``);
    ``encoding`` overrides the detected one."""
    codec, found = choose_encoding(raw, display, encoding)
    if codec is None:
        return None, found
    stream = _text(raw, codec)
    directive = _SEP_LINE.fullmatch(stream.readline(16))
    if directive is not None:  # Excel's "sep=;" first line names the delimiter and is not a row
        delimiter = directive.group(1)
    else:
        delimiter = sniff_delimiter(_text(raw[: SNIFF_CHARS * 4], codec).read(SNIFF_CHARS))
        stream = _text(raw, codec)
    table = Table.new(display, None, rows)
    before = csv.field_size_limit(MAX_FIELD)
    try:
        complete, more = _read_records(stream, delimiter, table, max_rows)
    finally:
        csv.field_size_limit(before)
    return (table if complete else None), found + more


def _text(raw: bytes, codec: str) -> t.TextIO:
    """The bytes as a text stream whose lines keep their line breaks (as the csv module needs)."""
    return io.TextIOWrapper(io.BytesIO(raw), encoding=codec, errors="replace", newline="")


def choose_encoding(raw: bytes, display: str, given: str | None) -> tuple[str | None, list[Diagnostic]]:
    """The codec to read ``raw`` with (None when it cannot be read as text) and what to say about it."""
    where = Location(display)
    if given:
        return _given_encoding(raw, display, given)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", []
    if b"\0" in raw:
        return None, [error("sheet-format", "this is a binary file (it holds NUL bytes), not a CSV text file or an "
                            "XLSX workbook", where)]
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", []
    if _decodes(raw, "utf-8") is None:
        return "utf-8", []
    cyrillic, latin = script_scores(_high_lines(raw))
    codec = "cp1251" if cyrillic > latin else "cp1250"
    other = "cp1250" if codec == "cp1251" else "cp1251"
    message = (f"the file is not UTF-8; it was read as {_NAMES[codec]}, which gives {max(cyrillic, latin):,} "
               f"letters in plausible words, against {min(cyrillic, latin):,} as {_NAMES[other]}; if the text "
               "looks wrong, give the file's encoding, or save it as CSV UTF-8")
    return codec, [Diagnostic(Severity.INFO, "sheet-encoding", message, where)]


def _given_encoding(raw: bytes, display: str, given: str) -> tuple[str | None, list[Diagnostic]]:
    """The encoding the user named, when it is known and decodes the whole file."""
    where = Location(display)
    try:
        codec = codecs.lookup(given).name
    except LookupError:
        return None, [error("sheet-encoding-error", f"unknown encoding {given!r} (try utf-8, cp1250, cp1251 or "
                            "cp1252)", where)]
    bad = _decodes(raw, codec)
    if bad is not None:
        line = raw.count(b"\n", 0, bad) + 1
        return None, [error("sheet-encoding-error", f"the file is not valid {given} text: byte 0x{raw[bad]:02X} on "
                            f"line {line} cannot be read with it", where)]
    return ("utf-8-sig" if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8) else codec), []


def _decodes(raw: bytes, codec: str) -> int | None:
    """None when ``raw`` decodes strictly with ``codec``, else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset = 0
    try:
        for offset in range(0, len(raw), _CHUNK):
            decoder.decode(raw[offset : offset + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as problem:
        return min(offset + max(problem.start, 0), max(len(raw) - 1, 0))
    return None


def _high_lines(raw: bytes) -> bytes:
    """The lines holding non-ASCII bytes, up to :data:`SCRIPT_SAMPLE` bytes of them."""
    kept, size = [], 0
    for match in _HIGH_LINE.finditer(raw):
        kept.append(match.group())
        size += len(kept[-1])
        if size >= SCRIPT_SAMPLE:
            break
    return b"\n".join(kept)


def script_scores(sample: bytes) -> tuple[int, int]:
    """Letters of plausible words when ``sample`` is read as cp1251 (words all in Cyrillic) and as
    cp1250 (accented letters in words that also hold plain Latin letters).

    >>> script_scores("Доклад штаба".encode("cp1251")), script_scores("Hlášení štábu".encode("cp1250"))
    ((11, 0), (0, 5))
    """
    cyrillic = sum(len(word) for word in _WORD.findall(sample.decode("cp1251", "replace"))
                   if all("\u0400" <= ch <= "\u04ff" for ch in word))
    latin = 0
    for word in _WORD.findall(sample.decode("cp1250", "replace")):
        accented = sum(1 for ch in word if not ch.isascii())
        if accented and accented < len(word) and not any("\u0400" <= ch <= "\u04ff" for ch in word):
            latin += accented
    return cyrillic, latin


def sniff_delimiter(sample: str) -> str:
    """The delimiter whose count outside quotes is the same, and not zero, on most records.

    >>> sniff_delimiter('a;b;c\\n"x;y";1,5;2\\n'), sniff_delimiter("a,b\\n1,2\\n"), sniff_delimiter("one\\n")
    (';', ',', ',')
    """
    records = _counted_records(sample, truncated=len(sample) >= SNIFF_CHARS)
    best, best_score = DELIMITERS[0], (0, 0)
    for delimiter in DELIMITERS:
        counts = Counter(record[delimiter] for record in records)
        if not counts:
            continue
        mode, agreeing = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (agreeing, mode) if mode else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _counted_records(sample: str, truncated: bool) -> list[Counter[str]]:
    """For each non-empty record of ``sample``, how often each candidate delimiter occurs outside quotes."""
    records: list[Counter[str]] = []
    current: Counter[str] = Counter()
    quoted, empty = False, True
    for ch in sample:
        if ch == '"':
            quoted = not quoted
            empty = False
        elif quoted:
            continue
        elif ch in "\r\n":
            if not empty:
                records.append(current)
            current, empty = Counter(), True
        else:
            empty = False
            if ch in DELIMITERS:
                current[ch] += 1
    if not empty and not truncated:
        records.append(current)
    return records


class _Lines:
    """The text's lines for the csv module, keeping those of the record being read (to locate an
    overlong field) and refusing a NUL character."""

    def __init__(self, stream: t.TextIO) -> None:
        self._lines = iter(stream)
        self.pending: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        if "\0" in line:
            raise _NulInText
        if len(line) > MAX_LINE_CHARS:
            raise _LineTooLong
        self.pending.append(line)
        return line


def _read_records(stream: t.TextIO, delimiter: str, table: Table, max_rows: int) -> tuple[bool, list[Diagnostic]]:
    """Fill ``table`` from the records; False when the reading stopped before the end."""
    lines = _Lines(stream)
    records = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    budget, findings = guard.Budget(table, max_rows), guard.Findings()
    row = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return True, findings.all()
        except _NulInText:
            findings.add(error("sheet-format", "this is a binary file (it holds NUL characters), not a CSV text file",
                               Location(table.file)))
            return False, findings.all()
        except _LineTooLong:
            findings.add(error("sheet-too-large", f"a line is longer than {MAX_LINE_CHARS // 1024 // 1024} MiB "
                               "characters; the file was read up to here and not used", table.row_location(row + 1)))
            return False, findings.all()
        except csv.Error:
            col = _overlong_column("".join(lines.pending), delimiter)
            findings.add(error("sheet-cell-too-long", f"a field is longer than {MAX_FIELD // 1024:,} KiB "
                               f"(a cell may hold at most {guard.MAX_CELL_CHARS:,} characters); the file was read "
                               "up to here and not used (is a closing quote missing?)", table.location(row + 1, col)))
            return False, findings.all()
        row += 1
        lines.pending.clear()
        if not _add_record(record, row, table, budget, findings):
            return False, findings.all()


def _add_record(record: list[str], row: int, table: Table, budget: guard.Budget, findings: guard.Findings) -> bool:
    """Add one record's non-empty fields as a row; False when a limit was passed."""
    cells: list[Cell] = []
    for col, text in enumerate(record, 1):
        if not text:
            continue
        stop = budget.row(row) or budget.cell(row, col)
        if stop is not None:
            findings.add(stop)
            return False
        too_long = budget.text(text, row, col)
        if too_long is not None:
            findings.add(too_long)
            continue
        cells.append(Cell(row, col, text))
    if cells:
        table.rows.append(cells)
    return True


def _overlong_column(text: str, delimiter: str) -> int:
    """The 1-based column of the first field over :data:`MAX_FIELD` in one record's text (parsed
    again without the limit), or its last column."""
    before = csv.field_size_limit(guard.MAX_FILE_BYTES * 4)
    try:
        fields = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False), [])
    except csv.Error:
        fields = []
    finally:
        csv.field_size_limit(before)
    return next((i for i, field in enumerate(fields, 1) if len(field) > MAX_FIELD), max(len(fields), 1))
