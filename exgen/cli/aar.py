"""``exgen aar``: the After-Action Report and Improvement Plan from a package, its conduct record and
the evaluators' filled workbooks; with ``--register``, the capability-gap register updated.

The after-action stage is imported only when the command runs, so ``exgen --version`` stays fast.
"""

from __future__ import annotations

import sys
import typing as t

import click

from exgen.core import staging
from exgen.core.text import printable

if t.TYPE_CHECKING:
    from exgen.core.diagnostics import Diagnostic

FORMAT_CHOICE = click.Choice(["text", "json", "github", "sarif"])


@click.command("aar")
@click.argument("package", type=click.Path())
@click.option("--record", "record", required=True, type=click.Path(dir_okay=False),
              help="The conduct record: events.jsonl from exgen record export, or the EXCON console's status CSV.")
@click.option("--workbook", "workbooks", multiple=True, type=click.Path(dir_okay=False),
              help="A filled evaluation workbook (evaluation/evaluation-workbook.xlsx); repeatable.")
@click.option("-o", "--output", "out", required=True, type=click.Path(),
              help="AAR package directory to create or replace.")
@click.option("--register", "register", type=click.Path(dir_okay=False),
              help="Capability-gap register (GAPS.yaml) to update in place once the AAR is written.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory of template overrides; its aar/ files win over the built-in ones. Repeatable.")
@click.option("--force", is_flag=True, help="Replace OUTPUT even when it is not an exgen package.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True,
              help="How to print diagnostics: text for people; json, github or sarif for tools.")
def aar(package: str, record: str, workbooks: tuple[str, ...], out: str, register: str | None,
        template_dirs: tuple[str, ...], force: bool, fmt: str) -> None:
    """Build the After-Action Report and Improvement Plan of PACKAGE into OUTPUT.

    Reads PACKAGE/data/exercise.json, the conduct record and any filled workbooks; every bad line,
    row or cell is reported as file:line:col and nothing is written. OUTPUT holds index.html,
    aar/after-action-report.html and .pdf, aar/improvement-plan.xlsx, the charts and
    manifest.json; the same inputs give the same bytes. With --register the register is updated
    (new gaps, one history entry per gap for this exercise) only after the AAR is written.
    Exit code 0 when written, 1 when an input has an error.
    """
    from exgen.aar.build import build_aar

    result = build_aar(package, record, list(workbooks), out, register=register, template_dirs=template_dirs,
                       force=force)
    show_findings(result.diagnostics, fmt, ok=result.ok, nothing="no AAR written")
    if register and result.register_text is not None:
        try:
            staging.replace_file(register, result.register_text)
        except OSError as exc:
            click.echo(f"exgen: the AAR was written but the register was not updated: {printable(str(exc))}", err=True)
            sys.exit(1)
    if fmt == "text":
        click.echo(f"Built {printable(out)}: {result.files} files" +
                   (f"; updated {printable(register)}" if register else ""))
        changes = result.register_changes
        if changes is not None:
            for label, ids in (("new gaps", changes.new), ("seen again", changes.seen_again),
                               ("tested and not seen (candidates for closure)", changes.candidates_for_closure),
                               ("not tested", changes.not_tested)):
                click.echo(f"  {label}: {printable(', '.join(ids)) if ids else 'none'}")


def show_findings(diagnostics: t.Sequence[Diagnostic], fmt: str, *, ok: bool, nothing: str) -> None:
    """Print the findings (infos left out) in ``fmt``; exit 1 with ``exgen: NOTHING`` when not ``ok``."""
    from exgen.cli import report

    shown = [d for d in diagnostics if d.severity.value != "info"]
    files = sorted({d.location.file for d in shown})
    if fmt != "text":
        click.echo(report.FORMATS[fmt](shown, files), nl=False)
    elif shown:
        click.echo(report.text(shown, files).rstrip("\n").rsplit("\n", 1)[0], err=True)
    if not ok:
        if fmt == "text":
            click.echo(f"exgen: {nothing}: {report.summary_line(shown, len(files))}", err=True)
        sys.exit(1)
