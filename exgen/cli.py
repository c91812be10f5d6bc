"""The ``exgen`` command line: parse arguments, call the pipeline, print, choose the exit code.

Exit codes: 0 valid (warnings allowed unless ``--strict``), 1 invalid input, 2 usage error.
"""

from __future__ import annotations

import sys
import typing as t

import click

from exgen import FORMAT_VERSION, __version__

FORMAT_CHOICE = click.Choice(["text", "json", "github"])


def _version_message() -> str:
    return f"exgen {__version__} (definition format {FORMAT_VERSION})"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", message=_version_message())
def cli() -> None:
    """exgen: write a multinational exercise once, as data; get the package checked and generated."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True,
              help="Output format: text for people, json for tools, github for workflow annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(files: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check exercise definitions: schema, semantic rules and comms feasibility.

    Each diagnostic is printed as ``path:line:col: severity[code]: message``.
    Exit code 0 when valid, 1 when any error is found.
    """
    from exgen import pipeline, report

    results = [pipeline.check(f, strict=strict) for f in files]
    diagnostics = [d for r in results for d in r.diagnostics]
    shown = [name for r in results for name in r.files]
    click.echo(report.FORMATS[fmt](diagnostics, shown), nl=False)
    sys.exit(0 if all(r.ok for r in results) else 1)


def main(argv: t.Sequence[str] | None = None) -> None:
    """Entry point of the ``exgen`` console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="exgen")
