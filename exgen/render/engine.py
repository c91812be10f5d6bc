"""Rendering a package: every declared output rendered into a package writer.

:func:`render_into` plans the renderings (:mod:`~exgen.render.plan`) and runs the tasks in
this process or in forked workers (:mod:`~exgen.render.parallel`); each task writes its text
outputs as it renders them (:mod:`~exgen.render.stream`) and leaves conversions to converter
processes (:mod:`~exgen.render.task`). Which template renders to which file is declared in
``outputs.yaml`` (:mod:`~exgen.render.outputs`), never in Python.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import tempfile
import typing as t
from pathlib import Path

from exgen import package
from exgen.render.environment import environment
from exgen.render.outputs import TemplateSet, with_documents
from exgen.render.parallel import render_forked
from exgen.render.plan import plan
from exgen.render.task import render_task, run_conversion


def render_into(templates: TemplateSet, context: dict[str, t.Any], writer: package.Writer, *,
                jobs: int = 1, progress: t.Callable[[int], None] | None = None) -> None:
    """Render every declared output straight into ``writer``'s temporary directory.

    Nothing is held in memory beyond the file being rendered. With ``jobs`` > 1 (and a
    platform that can fork), tasks run in that many worker processes that inherit the
    context; file contents never depend on which process rendered them. Conversions (PDF,
    XLSX) always run in a new Python process each, see :data:`~exgen.render.task.Pending`.
    Failures are :class:`~exgen.render.errors.RenderError`.
    """
    context = with_documents(templates, context)
    tasks = plan(templates, context)
    with _scratch_folder() as scratch:
        if jobs > 1 and len(tasks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            render_forked(templates, context, tasks, writer, scratch, min(jobs, len(tasks)), progress)
            return
        env = environment(templates.user_dirs)
        for index, task in enumerate(tasks):
            done, pending = render_task(env, context, task, writer.tmp, scratch, index)
            for entry in done:
                writer.record(*entry)
            if progress:
                progress(len(task) - len(pending))
            for conversion in pending:
                writer.record(*run_conversion(conversion, writer.tmp, context))
                if progress:
                    progress(1)


@contextlib.contextmanager
def _scratch_folder() -> t.Iterator[Path]:
    """A private temporary folder for rendered text awaiting conversion, removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="exgen-render-"))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
