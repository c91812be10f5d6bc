"""The sandboxed Jinja environment templates render in, and its compiled-template cache.

Search path: every ``--templates DIR`` (first wins) over the built-ins; ``builtin/NAME``
always reaches the original, so an override can extend the file it replaces. No loader
serves a file that resolves outside its folder or is not a regular file (and, from an override
folder, a hard link: :mod:`exgen.core.contained`); the sandbox (:mod:`exgen.render.sandbox`)
refuses unsafe attribute access and values too large to build; templates see the filters and
globals of :mod:`exgen.render.filters` and nothing else.
"""

from __future__ import annotations

import functools
import os
import typing as t
from pathlib import Path

from exgen.core import contained
from exgen.core.resources import data_dir

if t.TYPE_CHECKING:
    import jinja2


#: Largest template file exgen reads.
MAX_TEMPLATE_BYTES = 8 * 1024 * 1024
#: Changes whenever the code exgen compiles templates to changes (see :mod:`exgen.render.sandbox`),
#: so compiled templates cached by an earlier exgen build are not reused.
CODE_REVISION = "b2"


class TemplateRefused(Exception):
    """A template file exists but may not be read (:mod:`exgen.core.contained`): names it and why."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(reason)
        self.filename = filename


class _RootedLoader:
    """A loader that reads only regular files inside its root (symlinks that lead out, FIFOs,
    devices and, in override directories, hard links are refused with :class:`TemplateRefused`)."""

    @staticmethod
    def make(root: Path, *, builtin: bool = False) -> jinja2.BaseLoader:
        import jinja2
        from jinja2.loaders import split_template_path

        class Rooted(jinja2.FileSystemLoader):
            def get_source(self, environment: jinja2.Environment,
                           template: str) -> tuple[str, str, t.Callable[[], bool]]:
                filename = os.path.normpath(os.path.join(str(root), *split_template_path(template)))
                if not os.path.lexists(filename):
                    raise jinja2.TemplateNotFound(template)
                try:
                    data = contained.read(Path(filename), root, links=builtin, max_size=MAX_TEMPLATE_BYTES)
                    if len(data) > MAX_TEMPLATE_BYTES:
                        raise contained.Refused(f"{filename} is larger than {MAX_TEMPLATE_BYTES // 2**20} MiB")
                    source = data.decode("utf-8")
                except contained.Refused as exc:
                    raise TemplateRefused(filename, str(exc)) from None
                except UnicodeDecodeError as exc:
                    raise TemplateRefused(filename, f"{filename} is not UTF-8 text (byte {exc.start})") from None
                return source, filename, lambda: True

        return Rooted(str(root), encoding="utf-8")


def refused_declarations(user_dirs: t.Sequence[Path], name: str = "") -> list[tuple[str, str]]:
    """The ``outputs.yaml`` (or ``name``, such as ``aar/outputs.yaml``) of override directories
    that may not be read (a hard link, a link leading outside, not a regular file), as
    ``(file, reason)``; the build refuses them like templates (``template-file``)."""
    from exgen.render.outputs import OUTPUTS_FILE

    found = []
    for folder in user_dirs:
        path = folder / (name or OUTPUTS_FILE)
        if os.path.lexists(path):
            try:
                contained.check(path, folder)
            except contained.Refused as exc:
                found.append((str(path), str(exc)))
    return found


@functools.cache
def environment(user_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """One sandboxed environment per set of override directories (built once)."""
    import jinja2

    from exgen.render.sandbox import BoundedSandbox

    builtin = _RootedLoader.make(data_dir("templates"), builtin=True)
    loader = jinja2.ChoiceLoader(
        [jinja2.PrefixLoader({"builtin": builtin}), *(_RootedLoader.make(d) for d in user_dirs), builtin]
    )
    env = BoundedSandbox(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "htm", "svg", "xml", "html.j2", "svg.j2", "xml.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=bytecode_cache(),
    )
    from exgen.render import filters

    env.filters.update(filters.FILTERS)
    env.globals.update(filters.GLOBALS)
    env.bound_callables()
    return env


def forget_templates() -> None:
    """Forget every environment built so far, so the next render reads the templates again from
    disk (a long-running process such as ``exgen preview`` whose user edits templates)."""
    environment.cache_clear()


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (compiling all of them costs ~1.5 s per process).

    Jinja's own file cache, in the ``templates`` folder of exgen's cache directory
    (:mod:`exgen.core.cache`: private to the user, ``EXGEN_CACHE_DIR``); entries are keyed by
    template file and checked against the source's hash, so an edited override is recompiled.
    The exgen version in the file names keeps versions (and their environment settings) apart.
    ``EXGEN_NO_CACHE=1`` or ``EXGEN_NO_TEMPLATE_CACHE=1`` turns it off; so does any problem
    with the folder.
    """
    import jinja2

    from exgen import __version__
    from exgen.core import cache

    root = None if os.environ.get("EXGEN_NO_TEMPLATE_CACHE") else cache.directory()
    if root is None:
        return None
    folder = root / "templates"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        return jinja2.FileSystemBytecodeCache(str(folder), pattern=f"__exgen_{__version__}_{CODE_REVISION}_%s.cache")
    except (OSError, RuntimeError):
        return None

