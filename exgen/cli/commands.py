"""The ``exgen`` command line: parse arguments, call the pipeline, print, choose the exit code.

Exit codes: 0 valid (warnings allowed unless ``--strict``), 1 invalid input, 2 usage error.
"""

from __future__ import annotations

import sys
import typing as t

import click

from exgen import FORMAT_VERSION, __version__
from exgen.cli.build_options import audience_option, size_value

FORMAT_CHOICE = click.Choice(["text", "json", "github", "sarif"])


def _version_message() -> str:
    return f"exgen {__version__} (definition format {FORMAT_VERSION})"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", message=_version_message())
def cli() -> None:
    """exgen: write a multinational exercise once, as data; get the package checked and generated."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True,
              help="text for people; json (versioned), github (workflow annotations) or sarif (code scanning) "
                   "for tools.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Validate this many definitions at once (default: one per CPU core). One large definition "
                   "(2,000 injects or more) is checked on two cores unless this is 1.")
@click.option("--skip-non-definitions", "skip", is_flag=True,
              help="Pass over named files that parse but are neither a definition nor included by one, "
                   "instead of reporting them (the pre-commit hook, handed every changed YAML and JSON file, "
                   "uses this).")
def validate(paths: tuple[str, ...], fmt: str, strict: bool, jobs: int | None, skip: bool) -> None:
    """Check exercise definitions: schema, semantic rules and comms feasibility.

    PATHS are definition files, directories (searched for root definitions: files with a
    top-level `exgen:` key that no other file includes) or quoted globs. A file that is
    only included by another one is checked through the definition that includes it; a
    named file that is neither is an error[not-a-definition] (see --skip-non-definitions).

    Each diagnostic is printed as `path:line:col: severity[code]: message`. Exit code 0
    when valid, 1 when any error is found (with --strict, any warning).
    """
    from exgen import pipeline
    from exgen.cli import report
    from exgen.core.text import printable
    from exgen.load import discover

    targets = discover.find(paths, skip_non_definitions=skip)
    for name in targets.unmatched:
        click.echo(f"exgen: no file matches '{printable(name)}'", err=True)
    for name in targets.skipped:
        click.echo(f"exgen: skipped {printable(name)}: not an exercise definition (no top-level exgen: key) "
                   "and not included by one", err=True)
    if not targets.roots and not targets.problems:
        click.echo("exgen: no exercise definition found", err=True)
        sys.exit(1 if targets.unmatched or not targets.skipped else 0)
    try:
        results = pipeline.check_many(targets.roots, strict=strict, jobs=jobs)
    except KeyboardInterrupt:
        click.echo("exgen: interrupted", err=True)
        sys.exit(130)
    diagnostics = [*targets.problems, *(d for r in results for d in r.diagnostics)]
    shown = [*dict.fromkeys(d.location.file for d in targets.problems), *(name for r in results for name in r.files)]
    click.echo(report.FORMATS[fmt](diagnostics, shown), nl=False)
    sys.exit(0 if all(r.ok for r in results) and not targets.unmatched and not targets.problems else 1)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("-o", "--output", "out", required=True, type=click.Path(),
              help="Package directory to create or replace.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed for generated detail (names, call signs); same seed, same bytes.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory of template overrides; repeatable, the first wins over later ones and built-ins.")
@click.option("--force", is_flag=True, help="Replace OUTPUT even when it is not an exgen package.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, no summary or progress.")
@click.option("--only", "only", metavar="NAMES", multiple=True,
              help="Build only these outputs (comma-separated, repeatable); names are listed above.")
@audience_option
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Render in this many processes (default: one per CPU core, at most 4). Same bytes either way.")
@click.option("--max-render-seconds", "max_seconds", type=click.IntRange(1, 10**6), default=300, show_default=True,
              help="CPU seconds each rendering and converter process may use.")
@click.option("--max-render-memory", "max_memory", metavar="SIZE", default="2GB", show_default=True,
              callback=lambda _ctx, param, value: size_value(param, value),
              help="Memory each rendering and converter process may add to what it starts with (500MB, 4GB).")
@click.option("--max-package-size", "max_package", metavar="SIZE", default="2GB", show_default=True,
              callback=lambda _ctx, param, value: size_value(param, value),
              help="Largest package to write.")
@click.option("--rebuild", is_flag=True, help="Build even when OUTPUT already holds this exact package.")
def build(file: str, out: str, seed: int, template_dirs: tuple[str, ...], force: bool, strict: bool,
          quiet: bool, only: tuple[str, ...], audience: tuple[str, ...], jobs: int | None, max_seconds: int,
          max_memory: int, max_package: int, rebuild: bool) -> None:
    """Validate FILE and build its exercise package into OUTPUT.

    The package is written to a temporary directory beside OUTPUT and swapped into place
    only when complete, so a failed or interrupted build (Ctrl-C: exit code 130) never leaves
    half a package. Templates render in processes limited in CPU time and memory, and the
    package in size (the --max-... options); going over a limit is an error naming the option.
    When OUTPUT holds the package this build would write (same files, seed, templates, options
    and exgen), nothing is written: "OUTPUT is up to date" (--rebuild builds anyway).

    \b
    --only names (the `name` of each templates/outputs.yaml line; overrides may add more):
      index         package index (index.html)
      msel          MEL/MIL as HTML, CSV and XLSX
      cards         one inject card per inject
      eeg           evaluation guides, one per training objective
      role-players  role-player cards
      comms         communications plan
      units         unit list (forces/units.html)
      handbook      controller/evaluator handbook
      book          exercise book, HTML and PDF
      exspec        exercise specification (spec/exercise-specification.html)
      explan        players' exercise plan (players/exercise-plan.html)
      charts        timeline, comms and ORBAT charts, unit symbols
      console       EXCON console (console.html)
      c2sim         C2SIM initialization XML
      geojson       units and areas as GeoJSON
      kml           units and areas as KML (Google Earth)
      cot           Cursor-on-Target events for TAK
      ical          MEL/MIL as iCalendar
      data          the validated exercise as JSON (data/exercise.json, for exgen serve)
    Example: exgen build ex.yaml -o pkg --only console,c2sim

    \b
    --audience (each outputs.yaml line's `audience`; `all` comes with every choice):
      players       what may be released to the training audience (the ExPlan)
      excon         exercise control: everything else but the two below
      evaluators    evaluation guides
      role-players  role-player cards
      all           documents for everyone
    Example: exgen build ex.yaml -o player-pkg --audience players
    """
    import time

    from exgen import pipeline
    from exgen.cli import build_options as options
    from exgen.cli import report
    from exgen.core.text import printable

    names, audiences = options.names(only, "--only"), options.names(audience, "--audience")
    options.check_selection(names, audiences, template_dirs)

    started = time.monotonic()
    bar: t.Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet or total < 200:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    from exgen.core import processes
    from exgen.render.limits import Limits

    restore = processes.raise_on_sigterm()
    try:
        result = pipeline.build(file, out, seed=seed, template_dirs=template_dirs, force=force, strict=strict,
                                progress=progress, only=names, audience=audiences, jobs=jobs, rebuild=rebuild,
                                limits=Limits(max_seconds, max_memory, max_package))
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the workers are stopped, the temporary folder gone
        click.echo(("\n" if bar is not None else "") + "exgen: interrupted; nothing was written", err=True)
        sys.exit(143 if isinstance(exc, processes.Terminated) else 130)
    finally:
        restore()
    if bar is not None:
        bar.__exit__(None, None, None)
    shown = [d for d in result.checked.diagnostics if d.severity.value != "info"]
    if shown:
        click.echo(report.text(shown, result.checked.files).rstrip("\n").rsplit("\n", 1)[0], err=True)
    if result.written is None and not result.up_to_date:
        click.echo(f"exgen: no package written: {report.summary_line(shown, len(result.checked.files))}",
                   err=True)
        sys.exit(1)
    if result.up_to_date and not quiet:
        click.echo(f"{printable(out)} is up to date: nothing changed since it was built (--rebuild builds it anyway)")
    elif not quiet:
        warnings = sum(d.severity.value == "warning" for d in shown)
        click.echo(f"Built {printable(out)}: {result.files} files, {options.size_text(result.size)}, "
                   f"{warnings} warning{'' if warnings == 1 else 's'}, {time.monotonic() - started:.1f} s")


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--at", "at_time", metavar="TIME", help='Show who can reach whom at this time ("D+1 07:30" or ISO 8601).')
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--width", type=click.IntRange(60, 400), default=100, show_default=True, help="Text width in columns.")
def comms(file: str, at_time: str | None, fmt: str, width: int) -> None:
    """The comms picture: for each PACE pair, which level works when; with --at, who reaches whom.

    Diagnostics go to standard error; exit 1 when the definition is invalid.
    """
    from exgen import pipeline
    from exgen.cli import report
    from exgen.comms import view as commsview
    from exgen.core.text import json_text, printable
    from exgen.model import TimeError

    result = pipeline.check(file)
    problems = [d for d in result.diagnostics if d.is_error]
    if result.model is None or result.comms is None:
        click.echo(report.text(result.diagnostics, result.files), err=True, nl=False)
        sys.exit(1)
    minute = None
    if at_time is not None:
        try:
            minute = commsview.parse_at(at_time, result.model)
        except (TimeError, ValueError) as exc:
            raise click.BadParameter(printable(str(exc)), param_hint="--at") from None
    if fmt == "json":
        click.echo(json_text(commsview.to_json(result.comms, result.model, at=minute)))
    else:
        click.echo(commsview.render_text(result.comms, result.model, at=minute, width=width), nl=False)
    sys.exit(1 if problems else 0)


@cli.command("schema")
@click.option("-o", "--output", "out", type=click.Path(),
              help="Directory to write the schemas into; without it, list them.")
def schema_cmd(out: str | None) -> None:
    """Write the bundled JSON Schemas (for editors and other tools), or list them.

    Each schema has a stable $id; refer to exercise.schema.json from a root definition
    and to exercise-fragment.schema.json from files it includes.
    """
    from pathlib import Path

    from exgen.check.schema import load_schemas
    from exgen.cli import output
    from exgen.core import paths
    from exgen.core.resources import data_dir

    names = sorted(load_schemas())
    if out is None:
        for name in names:
            click.echo(f"{name}  {load_schemas()[name]['$id']}")
        return
    dest = Path(out)
    folder = data_dir("schemas")
    output.write_into(out, {name: (folder / name).read_bytes() for name in names},
                      [paths.Input("built-in schema directory", str(folder), folder, directory=True)], "schemas")
    click.echo(f"Wrote {len(names)} schemas to {dest}. First line of a definition:")
    click.echo(f"# yaml-language-server: $schema={(dest / 'exercise.schema.json').as_posix()}")


@cli.group()
def templates() -> None:
    """List the templates and start an override from a built-in one."""


@templates.command("list")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Override directories to take into account, as for build.")
def templates_list(template_dirs: tuple[str, ...]) -> None:
    """Every template: name, what it renders, and whether it is built-in or overridden."""
    from exgen import pipeline
    from exgen.cli import report
    from exgen.core.text import printable

    tset, found = pipeline.load_template_set(template_dirs)
    if found:
        click.echo(report.text(found, list(template_dirs)), err=True, nl=False)
        sys.exit(1)
    renders: dict[str, list[str]] = {}
    for spec in tset.outputs:
        per = "" if spec.per == "package" else f" (one per {spec.per.replace('_', ' ')})"
        renders.setdefault(spec.template, []).append(spec.output + per)
    rows = [(printable(name), printable(where),
             printable("; ".join(renders.get(name, ["(included by other templates)"]))))
            for name, where in tset.names()]
    width = max(len(r[0]) for r in rows)
    for name, where, what in rows:
        origin = "built-in" if where == "builtin" else f"override in {where}"
        click.echo(f"{name:<{width}}  {origin:<10}  {what}")


@templates.command("eject")
@click.argument("name")
@click.option("-o", "--output", "out", default="templates", show_default=True, type=click.Path(),
              help="Directory to copy the template into (your override directory).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def templates_eject(name: str, out: str, force: bool) -> None:
    """Copy built-in template NAME into an override directory, ready to edit."""
    from pathlib import Path

    from exgen.cli import output
    from exgen.core import paths
    from exgen.core.resources import data_dir
    from exgen.core.text import printable

    builtin = data_dir("templates")
    try:
        source = (builtin / name).resolve()
        known = source.is_relative_to(builtin.resolve()) and source.is_file()
    except (OSError, ValueError, RuntimeError):
        known = False
    if not known:
        names = sorted(p.relative_to(builtin).as_posix() for p in builtin.rglob("*") if p.is_file())
        raise click.BadParameter(f"no built-in template '{printable(name)}'; choose from: {', '.join(names)}",
                                 param_hint="NAME")
    dest = Path(out) / name
    output.write_into(out, {name: source.read_bytes()},
                      [paths.Input("built-in template directory", str(builtin), builtin, directory=True)],
                      "template", force=force)
    click.echo(f"Wrote {dest}. Build with: exgen build FILE -o DIR --templates {out}")


@cli.command("init")
@click.argument("directory", metavar="[DIR]", default=".", type=click.Path())
@click.option("--type", "kind", type=click.Choice(["CPX", "TTX", "COMMEX"]),
              default="CPX", show_default=True,
              help="CPX: brigade HQ and units, HF/VHF/SATCOM and jamming; TTX: ministry, police, operator "
                   "and military HQ around a table; COMMEX: NATO and legacy radios joined by a gateway.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init_cmd(directory: str, kind: str, force: bool) -> None:
    """Start a new exercise: write a small, commented, valid definition into DIR (default: here).

    Writes exercise.yaml (the root file) and the files it includes (forces.yaml, comms.yaml,
    excon.yaml, injects.yaml), each explaining its sections, plus the JSON Schemas in
    DIR/schemas/ so editors check the files as you type, offline. DIR is created if missing;
    existing files are never overwritten without --force.
    """
    from pathlib import Path

    from exgen.check import editor_schemas
    from exgen.cli import scaffold as init
    from exgen.core.text import printable

    dest = Path(directory)
    try:
        written = init.write(dest, kind, force=force)
    except init.InitError as exc:
        click.echo(f"exgen: {printable(str(exc))}", err=True)
        sys.exit(1)
    schemas = [p for p in written if p.parent.name == editor_schemas.SCHEMA_DIR]
    click.echo(f"Wrote a {kind} exercise definition to {dest}:")
    for path in written:
        if path not in schemas:
            click.echo(f"  {path}")
    click.echo(f"  {dest / editor_schemas.SCHEMA_DIR}/ ({len(schemas)} JSON Schemas for your editor)")
    root = dest / init.ROOT
    click.echo("Next:")
    click.echo(f"  exgen validate {root}")
    click.echo(f"  exgen build {root} -o {dest / 'package'}")


def _register_own_modules() -> None:
    """``exgen aar``, ``gaps``, ``generate``, ``import``, ``preview``, ``record``, ``serve`` and ``symbols`` have
    modules of their own; they import their stages only when they run."""
    from exgen.cli.aar import aar
    from exgen.cli.gaps import gaps
    from exgen.cli.generate import generate
    from exgen.cli.imports import import_group
    from exgen.cli.preview import preview
    from exgen.cli.record import record_group
    from exgen.cli.serve import serve
    from exgen.cli.symbols import symbols

    cli.add_command(aar)
    cli.add_command(gaps)
    cli.add_command(generate)
    cli.add_command(import_group)
    cli.add_command(preview)
    cli.add_command(record_group)
    cli.add_command(serve)
    cli.add_command(symbols)


_register_own_modules()


def main(argv: t.Sequence[str] | None = None) -> None:
    """Entry point of the ``exgen`` console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="exgen")
