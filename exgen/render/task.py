"""One render task: its text outputs written into the package, its conversions left pending.

A task (see :mod:`exgen.render.plan`) runs in the building process or in a forked worker;
either way it writes text outputs straight into the package folder and leaves each
conversion (PDF, XLSX) as a :data:`Pending` file of rendered text, which
:func:`run_conversion` hands to a converter process of its own.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from exgen import package
from exgen.core.diagnostics import Location, error
from exgen.render import audience, convert, convert_cache, stream
from exgen.render.errors import RenderError
from exgen.render.limits import Limits
from exgen.render.outputs import OutputSpec

if t.TYPE_CHECKING:
    import jinja2

    from exgen.render.plan import Job

#: A rendering whose conversion (PDF, XLSX) is left to a converter process: (output line,
#: package path, file holding the rendered text). The PDF engine needs the most memory of a
#: build; a new interpreter holds only the converter, not a copy of the render context
#: (~170 MB at 10,000 injects) underneath it.
Pending = tuple[OutputSpec, str, str]


def render_task(env: jinja2.Environment, context: dict[str, t.Any], task: list[Job], folder: Path,
                scratch: Path, index: int) -> tuple[list[tuple[str, str, int]], list[Pending]]:
    """Render one task: text outputs into the package ``folder``, the text of conversions into
    ``scratch``. Returns the manifest entries written and the conversions left to do.

    A text output whose template and item a conversion of the same task already rendered
    is that text, copied (see :func:`~exgen.render.plan.plan`). Each output renders from the
    context of its audience (:func:`~exgen.render.audience.view`). Failures are RenderErrors.
    """
    done: list[tuple[str, str, int]] = []
    pending: list[Pending] = []
    rendered: dict[tuple[str, int], Path] = {}  # (template, id(item)) → its text in scratch
    for n, (spec, item) in enumerate(task):
        try:
            key = (spec.template, id(item))
            values = audience.view(context, spec.audience)
            if spec.convert != "text":
                path = package.check_relative(spec.paths(item))
                source = scratch / f"{index}-{n}.txt"
                package.put_chunks(scratch, source.name,
                                   stream.utf8_blocks(stream.render_chunks(env, spec, values, item)))
                rendered[key] = source
                pending.append((spec, path, str(source)))
            elif key in rendered:
                done.append(package.put_chunks(folder, package.check_relative(spec.paths(item)),
                                               stream.file_blocks(rendered[key])))
            else:
                done.append(stream.write_job(env, spec, values, item, folder))
        except package.PackageError as exc:
            raise RenderError(error("package", str(exc), Location(spec.output))) from None
    return done, pending


def run_conversion(conversion: Pending, folder: Path, context: dict[str, t.Any],
                   limits: Limits | None = None) -> tuple[str, str, int]:
    """Run one conversion in a converter process (under ``limits``): its manifest entry.

    A conversion already made from the same text (:mod:`~exgen.render.convert_cache`) is copied
    from exgen's cache instead, and no process starts; a successful one is kept there."""
    spec, path, source = conversion
    startex = str(context.get("exercise", {}).get("startex", ""))
    entry = convert_cache.entry_for(spec.convert, source, startex)
    kept = convert_cache.fetch(entry, folder, path)
    if kept is not None:
        return kept
    try:
        done = convert.convert_in_fresh_process(spec.convert, source, str(folder), path, startex, limits=limits)
        convert_cache.keep(entry, folder / path)
        return done
    except convert.ConvertLimit as exc:
        raise RenderError(error("render-limit", f"{path}: {exc}", Location(spec.template))) from None
    except convert.ConvertError as exc:
        raise RenderError(error("convert-failed", f"{path}: {exc}", Location(spec.template))) from None
