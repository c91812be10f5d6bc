"""``exgen record``: the conduct record after (or without) ``exgen serve`` — export it, import a console's statuses.

The conduct modules are imported only when a command runs, so ``exgen --version`` stays fast.
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import click

from exgen.core.text import printable


def _fail(message: str) -> t.NoReturn:
    click.echo(f"exgen: {printable(message)}", err=True)
    sys.exit(1)


@click.group("record")
def record_group() -> None:
    """The conduct record of exgen serve: export it, or import an offline console's statuses into it."""


@record_group.command("export")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help="Folder to write events.jsonl and events.csv into (new or empty).")
@click.option("--force", is_flag=True, help="Replace an earlier export in the output folder.")
def export_command(db: Path, out: Path, force: bool) -> None:
    """Export the conduct record DB as events.jsonl (one event per line) and events.csv.

    The record is opened read-only, so this is safe while exgen serve runs. The folder appears
    only when both files are complete. Each line of events.jsonl follows
    schemas/conduct-events.schema.json; events.csv (UTF-8 with BOM) opens in a spreadsheet.
    """
    from exgen.conduct.export import ExportError, export

    try:
        done = export(db, out, force=force)
    except ExportError as exc:
        _fail(str(exc))
    click.echo(f"Exported {done.events} events of exercise {printable(done.exercise_id)} to {printable(str(out))}")


@record_group.command("import-console")
@click.argument("status_csv", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The conduct record to import into (created when it does not exist).")
@click.option("--package", "package_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="The built package the console belongs to (its data/exercise.json).")
def import_console_command(status_csv: Path, db: Path, package_dir: Path) -> None:
    """Import an EXCON console's "Export CSV" file (console.html) into a conduct record.

    Each row's status becomes inject events by the actor console-import: delivered → released
    and delivered, observed → on to completed, contingency → a note "contingency issued".
    Every row is checked first: any problem is reported as file:line and nothing is written.
    Importing the same file again adds nothing. Stop exgen serve first, or reload the browsers
    afterwards: a running server shows the imported events only after its next change.
    """
    from exgen.conduct import console_import, store
    from exgen.conduct.record import Record
    from exgen.conduct.runtime import ServeError, exercise_id, load_exercise

    if not status_csv.is_file():
        _fail(f"{status_csv}: no such file")
    try:
        exercise = load_exercise(package_dir)
    except ServeError as exc:
        _fail(str(exc))
    created = not db.exists()
    try:
        conn = store.open_db(db, exercise_id(exercise))
    except store.StoreError as exc:
        _fail(str(exc))
    try:
        done, found = console_import.import_console(status_csv, Record(conn, exercise))
    finally:
        conn.close()
    for diagnostic in found:
        click.echo(printable(diagnostic.as_text()), err=True)
    if done is None:
        if created:
            db.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        _fail(f"nothing imported: {len(found)} problem{'s' if len(found) != 1 else ''} in {status_csv}")
    if done.replay:
        click.echo(f"{printable(done.source)} was imported before (event {done.seq}); nothing added")
        return
    click.echo(f"Imported {done.rows} console statuses from {printable(done.source)} into "
               f"{'a new record ' if created else ''}{printable(str(db))}: {done.events} events, the last {done.seq}")
