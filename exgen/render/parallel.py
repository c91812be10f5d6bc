"""Parallel rendering: tasks in forked worker processes that inherit the render context.

Forking shares the render context (hundreds of MB for a large exercise) with every worker
without copying or pickling it. What the workers share is one :class:`ForkState`, handed to
each worker as it forks; results come back as manifest entries, conversions go to converter
processes waited on by threads of the building process, and file contents never depend on
which process rendered them.

Every worker runs under the build's CPU-time and memory limits (:mod:`exgen.render.limits`),
ignores Ctrl-C (the building process stops it) and dies with the building process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import typing as t
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from exgen import package
from exgen.core import processes
from exgen.core.diagnostics import Diagnostic, Location, error
from exgen.render import convert, limits
from exgen.render.environment import environment
from exgen.render.errors import RenderError
from exgen.render.limits import DEFAULT, Limits
from exgen.render.outputs import TemplateSet
from exgen.render.plan import Job
from exgen.render.precompile import Early, precompile
from exgen.render.task import Pending, render_task, run_conversion

#: How much lower the scheduling priority of rendering workers is than that of the converter
#: processes, once a worker has rendered the text the converters wait for. The PDF conversion
#: is the longest single piece of a build; left to compete as an equal with the workers it
#: finished last, alone on one core, while the other idled. Niced workers take the CPU the
#: converters leave, and the build ends sooner.
WORKER_NICE = 10

#: What a worker returns for one task: the manifest entries written, the conversions left to
#: do, and the diagnostic of a failure (None when the task succeeded).
TaskResult = tuple[list[tuple[str, str, int]], list[Pending], "Diagnostic | None"]


@dataclass
class ForkState:
    """Everything forked rendering workers share, held by one object instead of module globals.

    The building process makes it before the pool forks and gives it to the pool as its
    initializer (:meth:`adopt`), so each worker inherits the instance with the fork: nothing is
    pickled, and the render context stays in memory pages shared with the parent. Each
    worker's copy also remembers whether that worker has lowered its priority.
    """

    templates: TemplateSet
    context: dict[str, t.Any]
    tasks: list[list[Job]]
    #: The package folder being written, and the folder for text awaiting conversion.
    folder: Path
    scratch: Path
    #: The limits every worker runs under, and the pid of the building process they die with.
    limits: Limits = DEFAULT
    parent: int = field(default_factory=os.getpid)
    niced: bool = False
    #: In a worker process: the state it was forked with (set by :meth:`adopt`); None elsewhere.
    inherited: t.ClassVar[ForkState | None] = None

    def adopt(self) -> None:
        """Pool initializer, run once in each new worker: its tasks use this (inherited) state; it
        dies with the building process, leaves Ctrl-C to it and runs under the build's limits."""
        ForkState.inherited = self
        processes.die_with_parent(self.parent)
        processes.quiet_signals()
        limits.apply(self.limits)

    @classmethod
    def work(cls, index: int) -> TaskResult:
        """What the pool runs: task ``index`` of the state this worker inherited."""
        assert cls.inherited is not None, "a rendering worker started without adopting its ForkState"
        return cls.inherited.render(index)

    def render(self, index: int) -> TaskResult:
        """Worker side of :func:`~exgen.render.task.render_task` for task ``index``: a failure
        is returned (the diagnostic), not raised, with what was written before it."""
        task = self.tasks[index]
        if all(spec.convert == "text" for spec, _ in task):
            self.lower_priority()  # conversion sources come first in the plan, at full priority
        try:
            done, pending = render_task(environment(self.templates.user_dirs), self.context, task, self.folder,
                                        self.scratch, index)
        except RenderError as exc:
            return [], [], exc.diagnostic
        except (limits.LimitExceeded, MemoryError) as exc:  # outside a template: no line to point at
            message = str(exc) if isinstance(exc, limits.LimitExceeded) else limits.memory_message(self.limits)
            return [], [], error("render-limit", f"rendering {message}", Location(task[0][0].template))
        return done, pending, None

    def lower_priority(self) -> None:
        """Nice this worker process (once: a process cannot raise its priority again)."""
        if not self.niced:
            self.niced = True
            with contextlib.suppress(AttributeError, OSError):  # no nice() on this platform
                os.nice(WORKER_NICE)


def render_forked(templates: TemplateSet, context: dict[str, t.Any], tasks: list[list[Job]],
                  writer: package.Writer, scratch: Path, workers: int,
                  progress: t.Callable[[int], None] | None, build_limits: Limits = DEFAULT,
                  early: Early | None = None) -> None:
    """Render ``tasks`` in ``workers`` forked processes, recording every file in ``writer`` as
    its task or conversion ends. A failure is a RenderError, a worker that died included.

    Any way out but success — a failure, Ctrl-C, SIGTERM — kills the workers and converter
    processes at once instead of waiting for them; a worker or converter whose parent dies is
    killed by the kernel (:func:`exgen.core.processes.die_with_parent`).
    """
    # Compiled once here (by a helper process, ``early`` when the build started one), inherited by every worker.
    precompile(environment(templates.user_dirs), [spec.template for spec in templates.outputs], build_limits, early)
    state = ForkState(templates, context, tasks, writer.tmp, scratch, build_limits, os.getpid())
    gc.freeze()  # the inherited context stays shared: the collector does not touch its pages
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=state.adopt)
    # A thread per conversion waits on its converter process, while workers go on rendering.
    converter = ThreadPoolExecutor(max_workers=2)
    children: list[t.Any] = []
    finished_well = False
    try:
        with processes.signals_held():  # a worker cannot be interrupted before it ignores Ctrl-C
            running: dict[Future[t.Any], t.Any] = {pool.submit(ForkState.work, i): i for i in range(len(tasks))}
            children = list((getattr(pool, "_processes", None) or {}).values())
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                what = running.pop(future)
                if isinstance(what, int):  # a render task
                    done, pending, failed = _result(future, tasks[what])
                    if failed is not None:
                        raise RenderError(failed)
                    for entry in done:
                        writer.record(*entry)
                    for conversion in pending:
                        running[converter.submit(run_conversion, conversion, writer.tmp, context,
                                                 build_limits)] = conversion
                    if progress:
                        progress(len(tasks[what]) - len(pending))
                else:  # a conversion
                    writer.record(*future.result())
                    if progress:
                        progress(1)
        finished_well = True
    except BrokenProcessPool:
        raise RenderError(error("render-worker", _died(children), Location(writer.target.name))) from None
    finally:
        if not finished_well:
            _stop([*children, *(getattr(pool, "_processes", None) or {}).values()])
        pool.shutdown(wait=True, cancel_futures=True)
        converter.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _result(future: Future[TaskResult], task: list[Job]) -> TaskResult:
    """A worker's result; an exception that came back instead (it escaped the task) as a failure."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as exc:  # pickled back from the worker: report it, never as a traceback
        message = str(exc) if isinstance(exc, limits.LimitExceeded) else f"failed: {type(exc).__name__}: {exc}"
        return [], [], error("render-limit" if isinstance(exc, limits.LimitExceeded) else "render-worker",
                             f"a rendering process {message}", Location(task[0][0].template))


def _stop(children: list[t.Any]) -> None:
    """Kill the workers and the converter processes of a build that is stopping."""
    convert.stop_children()
    for child in children:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            child.kill()


def _died(children: list[t.Any]) -> str:
    """What to say about a worker that stopped without a word (killed, crashed)."""
    codes = []
    for child in children:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            child.join(1)
            if child.exitcode not in (None, 0):
                codes.append(int(child.exitcode))
    how = f" ({limits.signal_name(codes[0])})" if codes else ""
    if any(limits.killed_by_limit(code) for code in codes):
        return (f"a rendering process was stopped{how}: it went over its memory or CPU-time limit, or the "
                f"system ran out of memory (raise the limits with --max-render-memory, --max-render-seconds)")
    return f"a rendering process stopped unexpectedly{how}; nothing was written"
