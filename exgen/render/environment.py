"""The sandboxed Jinja environment templates render in, and its compiled-template cache.

Search path: every ``--templates DIR`` (first wins) over the built-ins; ``builtin/NAME``
always reaches the original, so an override can extend the file it replaces. No loader
serves a file that resolves outside its folder, and the sandbox refuses unsafe attribute
access; templates see the filters and globals of :mod:`exgen.render.filters` and nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import os
import typing as t
from pathlib import Path

from exgen.core.resources import data_dir

if t.TYPE_CHECKING:
    import jinja2


class _RootedLoader:
    """A FileSystemLoader that refuses files resolving outside its root (symlinks included)."""

    @staticmethod
    def make(root: Path) -> jinja2.BaseLoader:
        import jinja2

        class Rooted(jinja2.FileSystemLoader):
            def get_source(self, environment: jinja2.Environment,
                           template: str) -> tuple[str, str, t.Callable[[], bool]]:
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
        bytecode_cache=bytecode_cache(),
    )
    from exgen.render import filters

    env.filters.update(filters.FILTERS)
    env.globals.update(filters.GLOBALS)
    return env


def bytecode_cache() -> jinja2.BytecodeCache | None:
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
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)
