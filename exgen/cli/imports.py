"""The ``exgen import`` command group (registered by :mod:`exgen.cli.commands`)."""

from __future__ import annotations

import sys

import click

FORMAT_CHOICE = click.Choice(["text", "json", "github", "sarif"])


@click.group("import")
def import_group() -> None:
    """Bring what the planning team already has into definition files."""


@import_group.command("msel")
@click.argument("sheet", type=click.Path())
@click.option("-o", "--output", "out", type=click.Path(),
              help="Directory for the definition files. With --into: where new day files go (default: the "
                   "root's folder). Without: the new definition's folder (exercise.yaml and injects/dayN.yaml).")
@click.option("--into", "into", type=click.Path(), metavar="ROOT.yaml",
              help="Update this definition: injects matched by id are updated in place, new ones added; "
                   "comments, key order and untouched text stay as they are.")
@click.option("--map", "mapping", type=click.Path(), metavar="MAPPING.yaml",
              help="Column mapping (schemas/import-mapping.schema.json): sheet headers → definition fields, "
                   "value maps, time zone. Not needed for exgen's own workbook or common HSEEP headers.")
@click.option("--sheet", "sheet_name",
              help="Worksheet to read (default: All injects, MSEL, MEL or Injects, else the first visible sheet).")
@click.option("--prune", is_flag=True, help="Remove injects the definition has and the sheet does not.")
@click.option("--allow-macros", is_flag=True, help="Read a macro-enabled workbook (.xlsm); macros are never run.")
@click.option("--encoding", help="Encoding of a CSV file (default: detected; UTF-8, UTF-16, cp1250 or cp1251).")
@click.option("--nation", metavar="CC", help="Without --into: the ISO 3166 code of the units the sheet's "
                                             "recipients become.")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--force", is_flag=True, help="Without --into: replace OUTPUT even when it is not empty.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True,
              help="How to print findings: text, json, github or sarif.")
def msel(sheet: str, out: str | None, into: str | None, mapping: str | None, sheet_name: str | None, prune: bool,
         allow_macros: bool, encoding: str | None, nation: str | None, dry_run: bool, force: bool, fmt: str) -> None:
    """Import a MSEL spreadsheet (XLSX or CSV) into definition files.

    SHEET is exgen's own workbook (msel.xlsx or msel.csv of a package), an HSEEP-style
    MSEL or any sheet with a --map file. Every problem is reported at its cell, e.g.
    `msel.xlsx:Injects!E14: error[unknown-reference]: …`. Nothing is written unless the
    resulting definition validates; files are replaced only once all are written.
    Exit code 0 when imported (or, with --dry-run, importable), 1 otherwise.
    """
    from exgen.cli import report
    from exgen.ingest.run import Options, run_import

    if not into and not out:
        raise click.UsageError("give -o DIR for a new definition, or --into ROOT.yaml to update one")
    result = run_import(Options(sheet, out=out, mapping=mapping, sheet=sheet_name, into=into, prune=prune,
                                allow_macros=allow_macros, encoding=encoding, nation=nation, force=force,
                                dry_run=dry_run))
    shown = [d for d in result.diagnostics if fmt != "text" or d.severity.value != "info" or not result.ok]
    if fmt != "text" or shown:
        click.echo(report.FORMATS[fmt](shown, result.files), nl=False, err=fmt == "text")
    if not result.ok:
        click.echo("exgen: nothing was written", err=True)
        sys.exit(1)
    plan = result.plan
    if plan is not None and fmt == "text":
        kept = len(plan.missing) - len(plan.removed)
        click.echo(f"{len(plan.added)} inject(s) added, {len(plan.updated)} updated, {len(plan.removed)} removed, "
                   f"{kept} not in the sheet and kept")
        if dry_run:
            click.echo("Dry run: nothing was written.")
        for path in result.written:
            click.echo(f"  wrote {path}")
