"""Options of ``exgen build`` that choose and bound what is built: ``--only``, ``--audience`` and
the sizes of the ``--max-...`` options, parsed and checked here so a mistake is a usage error
(exit code 2) before anything is read or rendered."""

from __future__ import annotations

import click

audience_option = click.option(
    "--audience", "audience", metavar="AUDIENCES", multiple=True,
    help="Build only the documents for these readers (comma-separated, repeatable): players (the training "
         "audience: what can be released to it), excon, evaluators, role-players, all. Documents for all "
         "come with every choice.")


def names(values: tuple[str, ...], option: str) -> list[str] | None:
    """A comma-separated, repeatable option's names (None when it was not given); a usage error
    when it was given without a name."""
    if not values:
        return None
    found = [n.strip() for value in values for n in value.split(",") if n.strip()]
    if not found:
        raise click.BadParameter("give at least one name", param_hint=option)
    return found


def check_selection(only: list[str] | None, audience: list[str] | None, template_dirs: tuple[str, ...]) -> None:
    """--only and --audience: a usage error naming the valid choices when a name is unknown, or
    when the two together leave nothing to build."""
    from exgen import pipeline
    from exgen.render.audience import AUDIENCES
    from exgen.render.outputs import output_names, select_audiences, select_outputs

    unknown = [a for a in audience or [] if a not in AUDIENCES]
    if unknown:
        raise click.BadParameter(f"unknown audience {', '.join(repr(a) for a in unknown)}; "
                                 f"choose from: {', '.join(AUDIENCES)}", param_hint="--audience")
    if only is None and audience is None:
        return
    tset, found = pipeline.load_template_set(template_dirs)
    if found:
        return  # broken template directories: the build reports them as diagnostics
    if only is not None:
        tset, missing = select_outputs(tset, only)
        if missing:
            raise click.BadParameter(f"unknown output {', '.join(repr(n) for n in missing)}; choose from: "
                                     f"{', '.join(output_names(pipeline.load_template_set(template_dirs)[0]))}",
                                     param_hint="--only")
    if audience is not None and not select_audiences(tset, audience)[0].outputs:
        raise click.BadParameter(f"no output {'of ' + ', '.join(only) + ' ' if only else ''}is for "
                                 f"{', '.join(audience)}", param_hint="--audience")


def size_value(param: click.Parameter, value: str) -> int:
    """A size option (2GB, 500MB, bytes) in bytes; a usage error otherwise."""
    from exgen.render.limits import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


def size_text(n: float) -> str:
    """A package size for the summary line.

    >>> size_text(512), size_text(2048), size_text(3 * 2**20)
    ('512 B', '2.0 KiB', '3.0 MiB')
    """
    for unit in ("B", "KiB", "MiB"):
        if n < 1024 or unit == "MiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"

