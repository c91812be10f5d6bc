"""Sandboxed Jinja rendering: built-in templates, instructor overrides, outputs declared in data.

Search path: every ``--templates DIR`` (first wins) over the built-ins; ``builtin/NAME``
always reaches the original, so an override can extend the file it replaces.
Which template renders to which file is declared in ``outputs.yaml`` (built-in, plus
one per override directory), never in Python.
"""

from __future__ import annotations

import functools
import os
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.diagnostics import Diagnostic, Location, error
from exgen.resources import data_dir

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


def load_template_set(user_dirs: t.Sequence[str | os.PathLike[str]] = ()) -> tuple[TemplateSet, list[Diagnostic]]:
    """The template set for these override directories, with outputs.yaml read and checked."""
    from exgen import load, schema

    dirs = tuple(Path(d) for d in user_dirs)
    found: list[Diagnostic] = []
    for d in dirs:
        if not d.is_dir():
            found.append(error("template-dir", f"template directory '{d}' does not exist", Location(str(d))))
    if found:
        return TemplateSet(dirs), found
    outputs: dict[str, OutputSpec] = {}
    for folder, source in [(data_dir("templates"), "builtin"), *[(d, str(d)) for d in reversed(dirs)]]:
        path = folder / OUTPUTS_FILE
        if not path.exists():
            continue
        doc, problems = load.load(path)
        if doc is not None and not problems:
            problems = schema.validate_data(doc.data, doc.sources, "outputs.schema.json")
        found += problems
        if doc is None or problems:
            continue
        for i, raw in enumerate(doc.data.get("outputs", [])):
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
    return TemplateSet(dirs, list(outputs.values())), found


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
    )
    from exgen import filters

    env.filters.update(filters.FILTERS)
    env.globals.update(filters.GLOBALS)
    return env


def render_all(templates: TemplateSet, context: dict[str, t.Any],
               progress: t.Callable[[int], None] | None = None) -> dict[str, bytes]:
    """Every declared output rendered in memory: ``{package path: bytes}``."""
    env = environment(templates.user_dirs)
    # The package's own table of contents: every declared output, for index pages and annex lists.
    context = {**context, "documents": [
        {"output": s.output, "title": s.title, "per": s.per, "template": s.template, "convert": s.convert,
         "name": s.name}
        for s in templates.outputs]}
    files: dict[str, bytes] = {}
    for spec in templates.outputs:
        items = [None] if spec.per == "package" else context[PER_KINDS[spec.per] or ""]
        for item in items:
            path = spec.paths(item)
            text = render_one(env, spec, context, item)
            files[path] = _convert(spec, text, path, context)
            if progress:
                progress(1)
    return files


def count_renders(templates: TemplateSet, context: dict[str, t.Any]) -> int:
    """How many files :func:`render_all` will render (for a progress bar)."""
    return sum(1 if s.per == "package" else len(context[PER_KINDS[s.per] or ""]) for s in templates.outputs)


def render_one(env: jinja2.Environment, spec: OutputSpec, context: dict[str, t.Any],
               item: dict[str, t.Any] | None) -> str:
    """Render one template, turning any template failure into a RenderError."""
    import jinja2
    from jinja2.sandbox import SecurityError

    try:
        template = env.get_template(spec.template)
        values = dict(context)
        if item is not None:
            values[spec.per] = item
        text = template.render(values)
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
    if len(text) > MAX_OUTPUT_BYTES:
        raise RenderError(error("template-output-too-large", f"{spec.template} produced more than "
                                f"{MAX_OUTPUT_BYTES // 2**20} MiB", Location(spec.template)))
    return text


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


def _convert(spec: OutputSpec, text: str, path: str, context: dict[str, t.Any]) -> bytes:
    """Bytes of one output: text as UTF-8, or converted (pdf, xlsx) by a converter."""
    if spec.convert == "text":
        return text.encode("utf-8")
    from exgen import convert

    try:
        return convert.CONVERTERS[spec.convert](text, context)
    except convert.ConvertError as exc:
        raise RenderError(error("convert-failed", f"{path}: {exc}", Location(spec.template))) from None
