"""The ``exgen generate`` click command (registered by :mod:`exgen.cli.commands`)."""

from __future__ import annotations

import os
import sys

import click


@click.argument("brief", type=click.Path())
@click.option("-o", "--output", "out", required=True, type=click.Path(),
              help="Directory to write the draft definition into (created or replaced).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed for every choice the generator makes; same brief, library and seed, same files.")
@click.option("--library", "library_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory of inject library files; repeatable, the first wins by id over later ones "
                   "and the built-in library.")
@click.option("--force", is_flag=True, help="Replace OUTPUT even when it is not an earlier exgen draft.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              help="Also write the draft's quality figures (trigger share, duplicate titles, most similar "
                   "texts, least gap to one recipient, storylines, coverage) to this JSON file.")
def _generate(brief: str, out: str, seed: int, library_dirs: tuple[str, ...], force: bool,
              report_file: str | None) -> None:
    """Draft a full exercise definition from BRIEF and the inject library into OUTPUT.

    The draft is split into files (exercise.yaml including forces.yaml, comms.yaml,
    excon.yaml, storyline.yaml and injects/dayN.yaml, with the JSON Schemas for editors) and
    passes `exgen validate --strict`: injects inside the battle rhythm, every objective and
    every trained unit covered, constraints that make each PACE plan switch to its alternate,
    contingency injects, and every inject in a main incident of a main event and a phase.
    Same brief, library and seed give the same files. A coverage report is printed at the end,
    with the quality figures (also written as JSON with --report).

    Problems in the brief or a library are printed as `path:line:col: severity[code]:
    message`; exit code 1 when nothing was written.
    """
    from exgen.cli import report
    from exgen.core.text import printable_lines
    from exgen.generate import draft

    if report_file and not os.path.isdir(os.path.dirname(os.path.abspath(report_file))):
        click.echo(f"{report_file}: error[report-write]: the folder for the quality report does not exist; "
                   "no draft written", err=True)
        sys.exit(1)
    result = draft.generate(brief, out, seed=seed, library_dirs=library_dirs, force=force)
    shown = [d for d in result.diagnostics if d.severity.value != "info"]
    if not result.ok:
        click.echo("".join(report.line(d) + "\n" for d in shown), err=True, nl=False)
        click.echo(f"exgen: no draft written: {report.summary_line(shown, 1)}", err=True)
        sys.exit(1)
    for d in shown:
        click.echo(report.line(d), err=True)
    click.echo(printable_lines(result.report), nl=False)
    if report_file:
        _write_report(report_file, result.quality)


def _write_report(path: str, figures: dict[str, object]) -> None:
    """The quality figures as JSON, written atomically; a path that cannot be written is exit 1."""
    import json

    from exgen.core import staging

    try:
        staging.replace_file(path, json.dumps(figures, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        click.echo(f"{path}: error[report-write]: cannot write the quality report: {exc.strerror or exc}", err=True)
        sys.exit(1)


generate = click.command("generate")(_generate)
