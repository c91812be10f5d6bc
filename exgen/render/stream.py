"""Rendering one output as a stream: template pieces → UTF-8 blocks → a package file.

A file is written as it is rendered (a 12 MB MEL/MIL never sits in memory whole) and may not
grow past :data:`MAX_OUTPUT_BYTES`. Every template failure, whenever it happens, becomes a
:class:`~exgen.render.errors.RenderError` located at the template line: the sandbox's limits
and Python's recursion limit as ``template-error``, running out of the CPU time or memory of
:mod:`exgen.render.limits` as ``render-limit``, a template file that may not be read as
``template-file`` (located at that file).
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from exgen import package
from exgen.core.diagnostics import Location, error
from exgen.render import limits
from exgen.render.errors import RenderError, display_path, runtime_diagnostic, template_diagnostic

if t.TYPE_CHECKING:
    import jinja2

    from exgen.render.outputs import OutputSpec

#: Largest single rendered file; the sandbox limits what templates reach, not what they print.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
#: Characters of template pieces gathered before they are passed on (and the output size checked).
BLOCK = 1 << 16


def render_chunks(env: jinja2.Environment, spec: OutputSpec, context: dict[str, t.Any],
                  item: dict[str, t.Any] | None) -> t.Iterator[str]:
    """Render one template piece by piece (a 12 MB MEL/MIL never sits in memory whole);
    any template failure, when it happens, becomes a RenderError."""
    import jinja2
    from jinja2.exceptions import SecurityError

    from exgen.render.environment import TemplateRefused
    from exgen.render.sandbox import TemplateLimit, TooDeep

    try:
        template = env.get_template(spec.template)
        values = dict(context)
        if item is not None:
            values[spec.per] = item
        size = held = 0
        block: list[str] = []  # pieces are often a few bytes: passed on in ~64 KiB texts
        for piece in template.generate(values):
            block.append(piece)
            held += len(piece)
            if held >= BLOCK:
                size = _checked(spec, size + held)
                yield "".join(block)
                block, held = [], 0
        _checked(spec, size + held)
        if block:
            yield "".join(block)
    except TooDeep as exc:
        raise RenderError(template_diagnostic("template-error", exc.message or str(exc), exc.filename,
                                              exc.lineno)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(template_diagnostic("template-syntax", exc.message or str(exc), exc.filename,
                                              exc.lineno)) from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(error("template-not-found", f"template '{exc.name}' not found (needed by "
                                f"{spec.output})", Location(spec.source))) from None
    except TemplateRefused as exc:
        raise RenderError(error("template-file", f"refused to read a template: {exc}",
                                Location(display_path(exc.filename)))) from None
    except TemplateLimit as exc:
        raise RenderError(runtime_diagnostic("template-error", str(exc), spec.template)) from None
    except RecursionError:
        raise RenderError(runtime_diagnostic("template-error", "templates nest too deeply: a template that includes "
                                             "or extends itself, a macro or recursive loop that never ends, or a "
                                             "value nested thousands deep?", spec.template)) from None
    except MemoryError:
        raise RenderError(runtime_diagnostic("render-limit", f"the template {limits.memory_message(limits.active())}",
                                             spec.template)) from None
    except limits.LimitExceeded as exc:
        raise RenderError(runtime_diagnostic("render-limit", f"the template {exc}", spec.template)) from None
    except SecurityError as exc:
        raise RenderError(runtime_diagnostic("template-unsafe", f"refused by the template sandbox: {exc}",
                                             spec.template)) from None
    except jinja2.UndefinedError as exc:
        raise RenderError(runtime_diagnostic("template-undefined", str(exc.message or exc), spec.template)) from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError, OverflowError) as exc:
        raise RenderError(runtime_diagnostic("template-error", f"{type(exc).__name__}: {exc}",
                                             spec.template)) from None


def _checked(spec: OutputSpec, size: int) -> int:
    """``size``, the characters rendered so far; a RenderError once it is over :data:`MAX_OUTPUT_BYTES`."""
    if size > MAX_OUTPUT_BYTES:
        raise RenderError(error("template-output-too-large", f"{spec.template} produced more than "
                                f"{MAX_OUTPUT_BYTES // 2**20} MiB", Location(spec.template)))
    return size


def write_job(env: jinja2.Environment, spec: OutputSpec, context: dict[str, t.Any],
              item: dict[str, t.Any] | None, folder: Path) -> tuple[str, str, int]:
    """Render one text output into the package folder as it is rendered: its manifest entry."""
    path = package.check_relative(spec.paths(item))
    return package.put_chunks(folder, path, utf8_blocks(render_chunks(env, spec, context, item)))


def file_blocks(path: Path, size: int = 1 << 16) -> t.Iterator[bytes]:
    """A file's bytes in blocks of ``size`` (a rendering already on disk, copied to another output)."""
    with path.open("rb") as source:
        while block := source.read(size):
            yield block


def utf8_blocks(pieces: t.Iterable[str], size: int = 1 << 16) -> t.Iterator[bytes]:
    """Template pieces (often a few bytes each) gathered into ~64 KiB UTF-8 blocks.

    >>> list(utf8_blocks(["a", "é", "b"], size=2))
    [b'a\\xc3\\xa9', b'b']
    """
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
