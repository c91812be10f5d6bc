"""``exgen gaps``: the capability-gap register across the exercise series, as a document.

The after-action stage is imported only when the command runs, so ``exgen --version`` stays fast.
"""

from __future__ import annotations

import click

from exgen.core.text import printable

FORMAT_CHOICE = click.Choice(["text", "json", "github", "sarif"])


def _banner_value(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Refuse a classification or marking no page banner can carry (a usage error)."""
    from exgen.aar.gaps_doc import banner_problem

    problem = banner_problem(param.name or "", value)
    if problem is not None:
        raise click.BadParameter(printable(problem))
    return value


@click.command("gaps")
@click.argument("register", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(),
              help="Directory to create or replace with the document.")
@click.option("--classification", default="UNCLASSIFIED", show_default=True, callback=_banner_value,
              help="Classification for the banner of every page (the register carries none).")
@click.option("--marking", default="EXERCISE EXERCISE EXERCISE", show_default=True, callback=_banner_value,
              help="Exercise marking printed beside the classification.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory of template overrides; its gaps/ files win over the built-in ones. Repeatable.")
@click.option("--force", is_flag=True, help="Replace OUTPUT even when it is not an exgen package.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True,
              help="How to print diagnostics: text for people; json, github or sarif for tools.")
def gaps(register: str, out: str, classification: str, marking: str, template_dirs: tuple[str, ...], force: bool,
         fmt: str) -> None:
    """Write the capability-gap register REGISTER (GAPS.yaml) across its exercise series as a document.

    OUTPUT holds index.html (the trend of gaps opened and closed per exercise, the totals by
    capability element and by owner, every gap with its status and history),
    charts/gap-trend.svg and manifest.json; the same register gives the same bytes. A register
    with an error is reported as file:line:col and nothing is written.
    Exit code 0 when written, 1 when the register has an error.
    """
    from exgen.aar.gaps_doc import build_gaps
    from exgen.cli.aar import show_findings

    result = build_gaps(register, out, classification=classification, marking=marking,
                        template_dirs=template_dirs, force=force)
    show_findings(result.diagnostics, fmt, ok=result.ok, nothing="no document written")
    if fmt == "text":
        click.echo(f"Built {printable(out)}: {result.files} files")
