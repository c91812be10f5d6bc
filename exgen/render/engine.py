"""Sandboxed Jinja rendering: built-in templates, instructor overrides, outputs declared in data.

Search path: every ``--templates DIR`` (first wins) over the built-ins; ``builtin/NAME``
always reaches the original, so an override can extend the file it replaces.
Which template renders to which file is declared in ``outputs.yaml`` (built-in, plus
one per override directory), never in Python.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen import package
from exgen.core.diagnostics import Diagnostic, Location, error
from exgen.core.resources import data_dir

if t.TYPE_CHECKING:
    import jinja2

OUTPUTS_FILE = "outputs.yaml"
#: What an output can be rendered once for; the render context holds a list under each name.
PER_KINDS = {
    "package": None,
    "inject": "injects",
    "unit": "units",
    "role_player": "role_players",
    "objective": "objectives",
    "pace": "pace",
    "net": "nets",
    "evaluator": "evaluators",
}
#: Largest single rendered file; the sandbox limits what templates reach, not what they print.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class RenderError(Exception):
    """A template failed; carries a located diagnostic for the user."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class OutputSpec:
    """One line of outputs.yaml: a template, the file(s) it renders, and how often."""

    template: str
    output: str
    per: str = "package"
    title: str = ""
    convert: str = "text"
    source: str = "builtin"
    pointer: str = ""
    #: Group name for ``exgen build --only`` (book, msel, console, c2sim, ...).
    name: str = ""

    def paths(self, item: dict[str, t.Any] | None) -> str:
        """The package-relative path for one rendering (``{id}`` filled in for per-item outputs)."""
        if item is None:
            return self.output
        return self.output.replace("{id}", safe_name(str(item.get("id", ""))))


@dataclass
class TemplateSet:
    """Built-in templates plus instructor directories, and the outputs they declare."""

    user_dirs: tuple[Path, ...] = ()
    outputs: list[OutputSpec] = field(default_factory=list)

    @property
    def builtin_dir(self) -> Path:
        return data_dir("templates")

    def names(self) -> list[tuple[str, str]]:
        """``(template name, where it comes from)`` for every template, user overrides first."""
        seen: dict[str, str] = {}
        for folder in (*self.user_dirs, self.builtin_dir):
            for path in sorted(folder.rglob("*.j2")):
                name = path.relative_to(folder).as_posix()
                seen.setdefault(name, "builtin" if folder == self.builtin_dir else str(folder))
        return sorted(seen.items())


def safe_name(ident: str) -> str:
    """A file-name-safe form of an id; refuses anything that could leave its folder.

    >>> safe_name("INJ-014")
    'INJ-014'
    """
    if not _SAFE_PART.match(ident) or ".." in ident or len(ident) > 64:
        raise ValueError(f"'{ident}' cannot be used in a file name")
    return ident


def declaration_files(user_dirs: t.Sequence[Path]) -> list[tuple[Path, str]]:
    """Every ``outputs.yaml`` that declares outputs, as ``(path, source)``: the built-in one first,
    then the override directories' (the first directory named wins, so it comes last)."""
    folders = [(data_dir("templates"), "builtin"), *[(d, str(d)) for d in reversed(user_dirs)]]
    return [(folder / OUTPUTS_FILE, source) for folder, source in folders if (folder / OUTPUTS_FILE).exists()]


def template_set(user_dirs: t.Sequence[Path], declarations: t.Iterable[tuple[str, t.Mapping[str, t.Any]]]) -> TemplateSet:
    """The template set from checked ``outputs.yaml`` data, in :func:`declaration_files` order: a
    later declaration of an output path replaces an earlier one (``enabled: false`` drops it)."""
    outputs: dict[str, OutputSpec] = {}
    for source, data in declarations:
        for i, raw in enumerate(data.get("outputs", [])):
            replaced = outputs.get(raw["output"])
            spec = OutputSpec(
                template=raw["template"], output=raw["output"], per=raw.get("per", "package"),
                title=raw.get("title", ""), convert=raw.get("convert", "text"), source=source,
                pointer=f"/outputs/{i}",
                name=raw.get("name") or (replaced.name if replaced else default_output_name(raw["output"])),
            )
            if raw.get("enabled", True):
                outputs[spec.output] = spec
            else:
                outputs.pop(spec.output, None)
    return TemplateSet(tuple(user_dirs), list(outputs.values()))


def default_output_name(output: str) -> str:
    """The ``--only`` name of an output line that gives none: its folder, or its file's stem.

    >>> default_output_name("injects/{id}.html"), default_output_name("index.html")
    ('injects', 'index')
    """
    first = output.split("/", 1)[0]
    return first if "/" in output else first.split(".", 1)[0]


def output_names(templates: TemplateSet) -> list[str]:
    """Every ``--only`` name the template set declares, in declaration order."""
    return list(dict.fromkeys(s.name for s in templates.outputs))


def select_outputs(templates: TemplateSet, names: t.Iterable[str]) -> tuple[TemplateSet, list[str]]:
    """The template set cut down to the outputs named in ``names``, and the names no output has."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    known = set(output_names(templates))
    unknown = [n for n in wanted if n not in known]
    kept = [s for s in templates.outputs if s.name in wanted]
    return TemplateSet(templates.user_dirs, kept), unknown


class _RootedLoader:
    """A FileSystemLoader that refuses files resolving outside its root (symlinks included)."""

    @staticmethod
    def make(root: Path) -> jinja2.BaseLoader:
        import jinja2

        class Rooted(jinja2.FileSystemLoader):
            def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, t.Callable[[], bool]]:
                source, filename, uptodate = super().get_source(environment, template)
                real = Path(filename).resolve()
                if not real.is_relative_to(root.resolve()):
                    raise jinja2.TemplateNotFound(template, f"'{template}' resolves outside {root}")
                return source, filename, uptodate

        return Rooted(str(root), encoding="utf-8")


@functools.cache
def environment(user_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """One sandboxed environment per set of override directories (built once)."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    builtin = _RootedLoader.make(data_dir("templates"))
    loader = jinja2.ChoiceLoader(
        [jinja2.PrefixLoader({"builtin": builtin}), *(_RootedLoader.make(d) for d in user_dirs), builtin]
    )
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "htm", "svg", "xml", "html.j2", "svg.j2", "xml.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    from exgen.render import filters

    env.filters.update(filters.FILTERS)
    env.globals.update(filters.GLOBALS)
    return env


def with_documents(templates: TemplateSet, context: dict[str, t.Any]) -> dict[str, t.Any]:
    """The render context plus ``documents``: the package's own table of contents (every
    declared output), for index pages and annex lists."""
    return {**context, "documents": [
        {"output": s.output, "title": s.title, "per": s.per, "template": s.template, "convert": s.convert,
         "name": s.name}
        for s in templates.outputs]}


#: One rendering: an output line and the item it is rendered for (None for package-wide outputs).
Job = tuple[OutputSpec, "dict[str, t.Any] | None"]
#: Per-item renderings handed to a worker process at a time (cards are ~1 ms each).
CHUNK = 250


def plan(templates: TemplateSet, context: dict[str, t.Any]) -> list[list[Job]]:
    """Every rendering, grouped into tasks for worker processes, the slowest kinds first.

    Conversions (the PDF book, the XLSX workbook) cost the most, so they start first and the
    many small renderings fill the other workers around them. Output lines that render the
    same template for the same items (the book as HTML and as PDF) share a task, the
    converted one first, so the template is rendered once for both (a template sees the
    context and its item, never which output line it renders for).
    """
    groups: dict[tuple[str, str], list[OutputSpec]] = {}
    for spec in templates.outputs:
        groups.setdefault((spec.template, spec.per), []).append(spec)
    tasks: list[list[Job]] = []
    for (_, per), specs in groups.items():
        specs.sort(key=lambda s: s.convert == "text")  # stable: conversions first, else declared order
        items: list[t.Any] = [None] if per == "package" else context[PER_KINDS[per] or ""]
        tasks += [[(spec, item) for item in items[i:i + CHUNK] for spec in specs]
                  for i in range(0, len(items), CHUNK)]
    order = {"pdf": 0, "xlsx": 1}
    return sorted(tasks, key=lambda task: order.get(task[0][0].convert, 2))


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (compiling all of them costs ~1.5 s per process).

    Jinja's own file cache: a private per-user temporary folder it creates with mode 0700 and
    refuses when another user owns it; entries are keyed by template file and checked against
    the source's hash, so an edited override is recompiled. The exgen version in the file names
    keeps versions (and their environment settings) apart. ``EXGEN_NO_TEMPLATE_CACHE=1`` turns
    it off; so does any problem with the folder.
    """
    import jinja2

    from exgen import __version__

    if os.environ.get("EXGEN_NO_TEMPLATE_CACHE"):
        return None
    try:
        return jinja2.FileSystemBytecodeCache(pattern=f"__exgen_{__version__}_%s.cache")
    except (OSError, RuntimeError):
        return None


def precompile(env: jinja2.Environment) -> None:
    """Compile every template the environment can load, so worker processes inherit them
    compiled; a template that does not compile is left for the rendering that needs it to report."""
    import jinja2

    for name in env.list_templates(filter_func=lambda n: n.endswith(".j2") and not n.startswith("builtin/")):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass


def render_into(templates: TemplateSet, context: dict[str, t.Any], writer: package.Writer, *,
                jobs: int = 1, progress: t.Callable[[int], None] | None = None) -> None:
    """Render every declared output straight into ``writer``'s temporary directory.

    Nothing is held in memory beyond the file being rendered. With ``jobs`` > 1 (and a
    platform that can fork), tasks run in that many worker processes that inherit the
    context; file contents never depend on which process rendered them. Conversions (PDF,
    XLSX) always run in a new Python process each, see :data:`Pending`.
    """
    context = with_documents(templates, context)
    tasks = plan(templates, context)
    with _scratch_folder() as scratch:
        if jobs > 1 and len(tasks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            _render_forked(templates, context, tasks, writer, scratch, min(jobs, len(tasks)), progress)
            return
        env = environment(templates.user_dirs)
        for index, task in enumerate(tasks):
            done, pending = render_task(env, context, task, writer.tmp, scratch, index)
            for entry in done:
                writer.record(*entry)
            if progress:
                progress(len(task) - len(pending))
            for conversion in pending:
                writer.record(*_convert(conversion, writer.tmp, context))
                if progress:
                    progress(1)


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
    is that text, copied (see :func:`plan`). Failures are RenderErrors.
    """
    done: list[tuple[str, str, int]] = []
    pending: list[Pending] = []
    rendered: dict[tuple[str, int], Path] = {}  # (template, id(item)) → its text in scratch
    for n, (spec, item) in enumerate(task):
        try:
            key = (spec.template, id(item))
            if spec.convert != "text":
                path = package.check_relative(spec.paths(item))
                source = scratch / f"{index}-{n}.txt"
                package.put_chunks(scratch, source.name, _utf8_blocks(render_chunks(env, spec, context, item)))
                rendered[key] = source
                pending.append((spec, path, str(source)))
            elif key in rendered:
                done.append(package.put_chunks(folder, package.check_relative(spec.paths(item)),
                                               _file_blocks(rendered[key])))
            else:
                done.append(write_job(env, spec, context, item, folder))
        except package.PackageError as exc:
            raise RenderError(error("package", str(exc), Location(spec.output))) from None
    return done, pending


def _convert(conversion: Pending, folder: Path, context: dict[str, t.Any]) -> tuple[str, str, int]:
    """Run one conversion in a converter process: its manifest entry."""
    from exgen.render import convert

    spec, path, source = conversion
    startex = str(context.get("exercise", {}).get("startex", ""))
    try:
        return convert.convert_in_fresh_process(spec.convert, source, str(folder), path, startex)
    except convert.ConvertError as exc:
        raise RenderError(error("convert-failed", f"{path}: {exc}", Location(spec.template))) from None


@contextlib.contextmanager
def _scratch_folder() -> t.Iterator[Path]:
    """A private temporary folder for rendered text awaiting conversion, removed afterwards."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="exgen-render-"))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


#: What forked workers inherit: (templates, context, tasks, package folder, scratch folder).
_FORKED: tuple[TemplateSet, dict[str, t.Any], list[list[Job]], Path, Path] | None = None


def _render_task(index: int) -> tuple[list[tuple[str, str, int]], list[Pending], Diagnostic | None]:
    """Worker side of :func:`render_task` for task ``index``: a failure is returned (the
    diagnostic), not raised, with what was written before it."""
    assert _FORKED is not None
    templates, context, tasks, folder, scratch = _FORKED
    if all(spec.convert == "text" for spec, _ in tasks[index]):
        _lower_priority()  # conversion sources come first in the plan, at full priority
    try:
        done, pending = render_task(environment(templates.user_dirs), context, tasks[index], folder, scratch, index)
    except RenderError as exc:
        return [], [], exc.diagnostic
    return done, pending, None


#: How much lower the scheduling priority of rendering workers is than that of the converter
#: processes, once a worker has rendered the text the converters wait for. The PDF conversion
#: is the longest single piece of a build; left to compete as an equal with the workers it
#: finished last, alone on one core, while the other idled. Niced workers take the CPU the
#: converters leave, and the build ends sooner.
WORKER_NICE = 10


def _lower_priority() -> None:
    """Nice this worker process (once: a process cannot raise its priority again)."""
    global _NICED
    if not _NICED:
        _NICED = True
        try:
            os.nice(WORKER_NICE)
        except (AttributeError, OSError):  # no nice() on this platform
            pass


_NICED = False


def _render_forked(templates: TemplateSet, context: dict[str, t.Any], tasks: list[list[Job]],
                   writer: package.Writer, scratch: Path, workers: int,
                   progress: t.Callable[[int], None] | None) -> None:
    import gc
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    global _FORKED
    precompile(environment(templates.user_dirs))  # compiled once here, inherited by every worker
    _FORKED = (templates, context, tasks, writer.tmp, scratch)
    gc.freeze()  # the inherited context stays shared: the collector does not touch its pages
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    # A thread per conversion waits on its converter process, while workers go on rendering.
    converter = ThreadPoolExecutor(max_workers=2)
    try:
        running: dict[Future[t.Any], t.Any] = {pool.submit(_render_task, i): i for i in range(len(tasks))}
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                what = running.pop(future)
                if isinstance(what, int):  # a render task
                    done, pending, failed = future.result()
                    if failed is not None:
                        raise RenderError(failed)
                    for entry in done:
                        writer.record(*entry)
                    for conversion in pending:
                        running[converter.submit(_convert, conversion, writer.tmp, context)] = conversion
                    if progress:
                        progress(len(tasks[what]) - len(pending))
                else:  # a conversion
                    writer.record(*future.result())
                    if progress:
                        progress(1)
    except BrokenProcessPool:
        raise RenderError(error("render-worker", "a rendering process stopped unexpectedly (out of memory?); "
                                "try again with --jobs 1", Location(writer.target.name))) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        converter.shutdown(wait=True, cancel_futures=True)
        _FORKED = None
        gc.unfreeze()


def count_renders(templates: TemplateSet, context: dict[str, t.Any]) -> int:
    """How many files :func:`render_into` will render (for a progress bar)."""
    return sum(1 if s.per == "package" else len(context[PER_KINDS[s.per] or ""]) for s in templates.outputs)


def render_chunks(env: jinja2.Environment, spec: OutputSpec, context: dict[str, t.Any],
                  item: dict[str, t.Any] | None) -> t.Iterator[str]:
    """Render one template piece by piece (a 12 MB MEL/MIL never sits in memory whole);
    any template failure, when it happens, becomes a RenderError."""
    import jinja2
    from jinja2.sandbox import SecurityError

    try:
        template = env.get_template(spec.template)
        values = dict(context)
        if item is not None:
            values[spec.per] = item
        size = 0
        for piece in template.generate(values):
            size += len(piece)
            if size > MAX_OUTPUT_BYTES:
                raise RenderError(error("template-output-too-large", f"{spec.template} produced more than "
                                        f"{MAX_OUTPUT_BYTES // 2**20} MiB", Location(spec.template)))
            yield piece
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(_template_diag("template-syntax", exc.message or str(exc), exc.filename, exc.lineno)) from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(error("template-not-found", f"template '{exc.name}' not found (needed by "
                                f"{spec.output})", Location(spec.source))) from None
    except SecurityError as exc:
        raise RenderError(_runtime_diag("template-unsafe", f"refused by the template sandbox: {exc}", spec)) from None
    except jinja2.UndefinedError as exc:
        raise RenderError(_runtime_diag("template-undefined", str(exc.message or exc), spec)) from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError, OverflowError) as exc:
        raise RenderError(_runtime_diag("template-error", f"{type(exc).__name__}: {exc}", spec)) from None


def write_job(env: jinja2.Environment, spec: OutputSpec, context: dict[str, t.Any],
              item: dict[str, t.Any] | None, folder: Path) -> tuple[str, str, int]:
    """Render one text output into the package folder as it is rendered: its manifest entry."""
    path = package.check_relative(spec.paths(item))
    return package.put_chunks(folder, path, _utf8_blocks(render_chunks(env, spec, context, item)))


def _file_blocks(path: Path, size: int = 1 << 16) -> t.Iterator[bytes]:
    with path.open("rb") as source:
        while block := source.read(size):
            yield block


def _utf8_blocks(pieces: t.Iterable[str], size: int = 1 << 16) -> t.Iterator[bytes]:
    """Template pieces (often a few bytes each) gathered into ~64 KiB UTF-8 blocks."""
    block: list[str] = []
    held = 0
    for piece in pieces:
        block.append(piece)
        held += len(piece)
        if held >= size:
            yield "".join(block).encode("utf-8")
            block, held = [], 0
    if block:
        yield "".join(block).encode("utf-8")


def _template_diag(code: str, message: str, filename: str | None, lineno: int | None) -> Diagnostic:
    return error(code, message, Location(_display(filename), lineno or 0, 1 if lineno else 0))


def _runtime_diag(code: str, message: str, spec: OutputSpec) -> Diagnostic:
    """Locate a runtime template failure at the template line Jinja's traceback points to."""
    import sys
    import traceback

    frames = traceback.extract_tb(sys.exc_info()[2])
    for frame in reversed(frames):
        if frame.filename.endswith(".j2"):
            return error(code, f"{message} (rendering {spec.template})",
                         Location(_display(frame.filename), frame.lineno or 0, 1))
    return error(code, f"{message} (rendering {spec.template})", Location(spec.template))


def _display(filename: str | None) -> str:
    if not filename:
        return "<template>"
    try:
        return os.path.relpath(filename)
    except ValueError:
        return filename
