"""The ``exgen symbols`` click commands (registered by :mod:`exgen.cli.commands`): find a symbol
code by what the unit is, so nobody types SIDC digits blind.

``exgen symbols search engineer`` lists the entity codes (SIDC digits 11-16) whose names match,
each with the whole 20-digit code for a unit (friendly by default, at the echelon asked for), the
entity's path in the tables, and, with ``--preview DIR``, an SVG of the symbol drawn by the same
code that draws the package's charts (:mod:`exgen.render.symbols`).
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import click

#: Standard identity (SIDC digit 4) by the word a planner uses.
IDENTITIES = {"friend": "3", "hostile": "6", "neutral": "4", "unknown": "1"}
#: The symbol set searched unless --set says otherwise.
DEFAULT_SET = "10"
SYMBOL_SIZE = 120


@click.group("symbols")
def symbols() -> None:
    """Find APP-6(D) / MIL-STD-2525D symbol codes (SIDC) by what a unit is."""


@symbols.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--set", "sets", multiple=True, metavar="CODE",
              help="Symbol set to search, by its two digits (10 land unit, 11 land civilian unit, 15 land "
                   "equipment, 20 land installation, 30 sea surface …) or 'all'; repeatable. Default: 10.")
@click.option("--echelon", type=click.Choice(["none", "team", "squad", "section", "platoon", "company", "battalion",
                                              "regiment", "brigade", "division", "corps", "army", "command"]),
              default="none", show_default=True,
              help="Echelon written into digits 9-10 of the codes shown (land and land civilian units only).")
@click.option("--identity", type=click.Choice(list(IDENTITIES)), default="friend", show_default=True,
              help="Standard identity written into digit 4 of the codes shown.")
@click.option("--preview", "preview_dir", type=click.Path(file_okay=False), default=None,
              help="Write an SVG of each symbol found into this directory (created if missing), named by its code.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Show at most this many codes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json for scripts.")
def search(words: tuple[str, ...], sets: tuple[str, ...], echelon: str, identity: str, preview_dir: str | None,
           limit: int, fmt: str) -> None:
    """List the symbol codes whose names match WORDS (engineer, 'mechanised infantry', recce, EOD …).

    A word matches the start of a word of an entity's name or of the names above it in the
    tables (`protection` finds every protection entity); usual abbreviations (engr, sig, recce,
    EOD, CIMIC, MP) find what they stand for. Each line gives the entity code (digits 11-16),
    the whole code to paste into `sidc:` (context 1, exercise), and the entity's path in the
    tables. The tables are those of the military-symbol library that draws exgen's symbols.

    Exit code 0 when codes are found, 1 when none is.
    """
    from exgen.core import symbol_tables, symbol_terms
    from exgen.core.sidc import ECHELON_SETS, UNIT_ECHELON
    from exgen.core.text import json_text, printable, printable_lines

    query = " ".join(words)
    tables = symbol_tables.tables()
    if not tables:
        click.echo(f"exgen: the symbol tables of the {symbol_tables.LIBRARY} library were not found; "
                   "reinstall exgen", err=True)
        sys.exit(1)
    chosen = _sets(sets, tables)
    if not symbol_terms.normalise(query):
        raise click.BadParameter("give at least one word to search for, such as engineer", param_hint="WORDS")
    found = [(s, e) for s in chosen for e in symbol_terms.search(query, s)]
    rows: list[dict[str, t.Any]] = []
    for symbols_set, entity in found[:limit]:
        amplifier = UNIT_ECHELON.get(echelon, "00") if symbols_set.code in ECHELON_SETS else "00"
        sidc = f"101{IDENTITIES[identity]}{symbols_set.code}00{amplifier}{entity.code}0000"
        rows.append({"set": symbols_set.code, "set_name": symbols_set.name, "entity": entity.code, "name": entity.name,
                     "path": [e.name for e in symbols_set.path(entity.code)], "sidc": sidc,
                     "standard": entity.intro or "2525D", "preview": None})
    if preview_dir is not None:
        _previews(rows, Path(preview_dir))
    names = ", ".join(f"{s.name} ({s.code})" for s in chosen)
    if fmt == "json":
        library = f"{symbol_tables.LIBRARY} {symbol_tables.library_version()}"
        click.echo(json_text({"query": query, "sets": [s.code for s in chosen], "identity": identity,
                              "echelon": echelon, "library": library, "found": len(found), "codes": rows}))
    else:
        where = names if len(chosen) == 1 else f"{len(chosen)} symbol sets"
        click.echo(printable_lines(_text(rows, f"'{query}' in {where}", len(found), several=len(chosen) > 1,
                                         previews=preview_dir is not None)), nl=False)
    if not found:
        click.echo(f"exgen: no symbol in {names} matches '{printable(query)}'; try a shorter or more general word "
                   "(infantry, signal, engineer), or --set all", err=True)
        sys.exit(1)


def _sets(asked: tuple[str, ...], tables: t.Mapping[str, t.Any]) -> list[t.Any]:
    """The symbol sets ``--set`` names, in table order (a usage error for one the tables lack)."""
    drawable = [code for code, s in tables.items() if s.tabled]
    codes: list[str] = []
    for value in asked or (DEFAULT_SET,):
        value = value.strip().lower()
        if value == "all":
            codes.extend(drawable)
        elif value.zfill(2) in drawable:
            codes.append(value.zfill(2))
        else:
            listed = ", ".join(f"{c} {tables[c].name}" for c in drawable)
            raise click.BadParameter(f"'{value}' is not a symbol set the tables hold; choose from: {listed}, or all",
                                     param_hint="--set")
    return [tables[c] for c in dict.fromkeys(codes)]


def _previews(rows: list[dict[str, t.Any]], folder: Path) -> None:
    """Draw each row's symbol into ``folder``/``SIDC``.svg and note the path in the row."""
    from exgen.core.text import printable
    from exgen.render.symbols import symbol_svg

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for row in rows:
            path = folder / f"{row['sidc']}.svg"
            svg = str(symbol_svg(row["sidc"], SYMBOL_SIZE))
            path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{svg}\n', "utf-8")
            row["preview"] = str(path)
            row["drawn"] = "fallback" not in svg
    except OSError as exc:
        click.echo(f"exgen: cannot write the previews into {printable(str(folder))}: "
                   f"{printable(exc.strerror or str(exc))}", err=True)
        sys.exit(1)


def _text(rows: list[dict[str, t.Any]], title: str, total: int, *, several: bool, previews: bool) -> str:
    """One line per code (and one per preview), the total, and how to read and use a code."""
    if not rows:
        return ""
    lines = [f"{total} code{'s' if total != 1 else ''} for {title}:"]
    for row in rows:
        where = f"set {row['set']}  " if several else ""
        lines.append(f"  {row['entity']}  {row['sidc']}  {where}{' › '.join(row['path'])}"
                     f"{'  (2525E)' if row['standard'] == '2525E' else ''}")
        if row["preview"]:
            note = "" if row.get("drawn") else " (the library cannot draw it: a plain frame)"
            lines.append(f"          preview: {row['preview']}{note}")
    if total > len(rows):
        lines.append(f"  … and {total - len(rows)} more (--limit {total} shows them all)")
    lines.append("Paste the second column into a unit's sidc: (quoted). Digits: 10 version | 1 exercise | "
                 "identity | symbol set | status | HQ | echelon | entity | modifiers.")
    if not previews:
        lines.append("Add --preview DIR to draw each symbol as an SVG file.")
    return "\n".join(lines) + "\n"
