"""Typst source → PDF with the Typst compiler: the ``convert: typst`` converter, and the
``typst`` / ``typst_str`` filters a Typst template escapes user text with.

The compiler is the ``typst`` package on PyPI (a Rust extension: no system libraries). It runs
confined, so the same source gives the same bytes on every machine:

- **Root**: a fresh scratch directory holding only the source. ``read()``, ``image()``,
  ``json()``, ``include`` and ``import`` of a path see nothing else: an absolute path is
  resolved inside the root, ``..`` out of it is refused.
- **Fonts**: only the files in ``exgen/data/fonts/`` (shipped with exgen, with their licences);
  neither the machine's fonts nor the ones built into the compiler.
- **Packages**: ``@preview/...`` imports find an empty package folder and a download that
  cannot connect (the proxy is a closed local port while compiling): no network.
- **Time**: ``datetime.today()`` and the PDF's dates are STARTEX.

A compiler error is a :class:`~exgen.render.convert.ConvertError` naming the line and column
of the rendered source and the source line itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import typing as t
from pathlib import Path

from exgen.core import staging
from exgen.render.convert import ConvertError, Data, document_date

#: Typst's escape sequences inside a string literal; every other character stands for itself.
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f\u2028\u2029]')
#: What the compiler's package downloader connects to while compiling: a closed local port.
_NO_NETWORK = "http://127.0.0.1:9"
_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def fonts_dir() -> Path:
    """The fonts the PDF uses: ``exgen/data/fonts`` (see its README for files and licences)."""
    return Path(__file__).resolve().parents[1] / "data" / "fonts"


def typst_str(value: t.Any) -> str:
    """``value`` as a Typst string literal, for code (function arguments): nothing in it is
    markup or code.

    >>> print(typst_str('say "#sys.exit()" \\\\ $x$'))
    "say \\"#sys.exit()\\" \\\\ $x$"
    >>> typst_str(None), typst_str(3)
    ('""', '"3"')
    """
    text = "" if value is None else str(value)
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def typst_text(value: t.Any) -> str:
    """``value`` as literal text in Typst markup (or a content block): a string literal
    embedded with ``#`` and closed with ``;``, so no following character continues it.

    >>> print(typst_text("*bold* <label> @ref // comment"))
    #"*bold* <label> @ref // comment";
    """
    return "#" + typst_str(value) + ";"


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _STRING_ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"


def typst_to_pdf(text: str, context: Data) -> bytes:
    """PDF bytes of a Typst document, compiled confined (see the module's docstring)."""
    import typst  # the compiler: only when a PDF is asked for

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                        font_paths=[str(fonts_dir())])
    stamp = document_date(context)
    # A folder named by this process, so a converter killed mid-compile leaves nothing the next
    # build does not sweep (core.staging.scratch_dir).
    folder = staging.scratch_dir("typst")
    scratch = str(folder)
    try:
        with _offline():
            root = Path(scratch) / "root"
            empty = Path(scratch) / "packages"
            root.mkdir()
            empty.mkdir()
            main = root / "main.typ"
            main.write_text(text, "utf-8")
            try:
                compiler = typst.Compiler(str(main), root=str(root), font_paths=fonts, ignore_system_fonts=True,
                                          package_path=str(empty), package_cache_path=str(empty))
                pdf = compiler.compile(format="pdf", timestamp=stamp, pdf_tags=False)
            except typst.TypstError as exc:
                raise ConvertError(located(exc.message, exc.diagnostic, text, scratch)) from None
            except (OSError, RuntimeError, ValueError) as exc:  # the extension's other failures
                said = f"the Typst compiler failed: {type(exc).__name__}: {exc}"
                raise ConvertError(said.replace(scratch, "")) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not isinstance(pdf, bytes):
        raise ConvertError("the Typst compiler returned no PDF")
    return pdf


@contextlib.contextmanager
def _offline() -> t.Iterator[None]:
    """Point the compiler's package downloader at a closed port while compiling."""
    saved = {name: os.environ.get(name) for name in (*_PROXY_VARIABLES, "NO_PROXY", "no_proxy")}
    os.environ.update(dict.fromkeys(_PROXY_VARIABLES, _NO_NETWORK))
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = ""
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def located(message: str, diagnostic: str, text: str, scratch: str = "") -> str:
    """A compiler error as one line: the message, then where in the rendered source.

    >>> located("unknown variable: x", "error: unknown variable: x\\n  ┌─ main.typ:2:2\\n", "a\\n#x b")
    'Typst: unknown variable: x (rendered source line 2, column 2: `#x b`)'
    """
    if scratch:  # the confined root is named as such, never as the temporary folder it is
        message = message.replace(scratch + os.sep + "root", "<root>").replace(scratch, "<scratch>")
    found = re.search(r"main\.typ:(\d+):(\d+)", diagnostic)
    if not found:
        return f"Typst: {message}"
    line, column = int(found.group(1)), int(found.group(2))
    lines = text.splitlines()
    source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    if len(source) > 120:
        start = max(0, column - 60)
        source = source[start:start + 120] + " …"
    return f"Typst: {message} (rendered source line {line}, column {column}: `{source}`)"
