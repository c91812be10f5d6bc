"""Rendering a package: every declared output rendered into a package writer.

:func:`render_into` plans the renderings (:mod:`~exgen.render.plan`) and runs the tasks in
forked workers (:mod:`~exgen.render.parallel`; in this process where there is no fork); each
task writes its text outputs as it renders them (:mod:`~exgen.render.stream`) and leaves
conversions to converter processes (:mod:`~exgen.render.task`). Which template renders to which file is declared in
``outputs.yaml`` (:mod:`~exgen.render.outputs`), never in Python.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import typing as t
from pathlib import Path

from exgen import package
from exgen.core import staging
from exgen.core.diagnostics import Location, error
from exgen.render import audience
from exgen.render.environment import environment, refused_declarations
from exgen.render.errors import RenderError, display_path
from exgen.render.limits import DEFAULT, Limits
from exgen.render.outputs import TemplateSet, with_documents
from exgen.render.parallel import render_forked
from exgen.render.plan import plan
from exgen.render.precompile import Early
from exgen.render.task import render_task, run_conversion


def render_into(templates: TemplateSet, context: dict[str, t.Any], writer: package.Writer, *,
                jobs: int = 1, progress: t.Callable[[int], None] | None = None,
                limits: Limits = DEFAULT, early: Early | None = None) -> None:
    """Render every declared output straight into ``writer``'s temporary directory.

    Nothing is held in memory beyond the file being rendered. Where the platform can fork,
    tasks run in ``jobs`` worker processes (one with ``jobs`` = 1) that inherit the context, so
    the CPU-time and memory ``limits`` bind the workers and never exgen itself, and Ctrl-C
    reaches one process that stops the others; file contents never depend on which process
    rendered them. Elsewhere tasks render in this process, without those two limits.
    Conversions (PDF, XLSX) always run in a new Python process each, see
    :data:`~exgen.render.task.Pending`. Each output renders from the context of its audience
    (:mod:`~exgen.render.audience`), prepared here once for all the workers. Failures are
    :class:`~exgen.render.errors.RenderError`. ``early`` holds the templates a helper began
    compiling when the build started (:class:`~exgen.render.precompile.Early`).
    """
    for filename, reason in refused_declarations(templates.user_dirs):
        raise RenderError(error("template-file", f"refused to read a template: {reason}",
                                Location(display_path(filename))))
    context = audience.with_views({s.audience for s in templates.outputs}, with_documents(templates, context))
    tasks = plan(templates, context)
    if not tasks:
        return
    with _scratch_folder() as scratch:
        if "fork" in multiprocessing.get_all_start_methods():
            render_forked(templates, context, tasks, writer, scratch, max(1, min(jobs, len(tasks))), progress, limits,
                          early)
            return
        env = environment(templates.user_dirs)
        for index, task in enumerate(tasks):
            done, pending = render_task(env, context, task, writer.tmp, scratch, index)
            for entry in done:
                writer.record(*entry)
            if progress:
                progress(len(task) - len(pending))
            for conversion in pending:
                writer.record(*run_conversion(conversion, writer.tmp, context, limits))
                if progress:
                    progress(1)


@contextlib.contextmanager
def _scratch_folder() -> t.Iterator[Path]:
    """A private temporary folder for rendered text awaiting conversion, removed afterwards
    (and, should this process be killed, by the next build: :func:`~exgen.core.staging.scratch_dir`)."""
    scratch = staging.scratch_dir("render")
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
