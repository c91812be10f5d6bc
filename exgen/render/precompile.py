"""Templates compiled before the rendering workers fork, on two cores when there is a helper.

Rendering workers fork from the building process and inherit its compiled templates, so it
compiles every template a build may use first. From source (no bytecode cache: a first build,
or ``EXGEN_NO_CACHE=1``) that is about a second, half the flagship's build, on one core while
the other waits. So a forked helper compiles half of them meanwhile and hands their bytecode
back in Jinja's own cache format; the building process loads those instead of compiling them.
A helper that fails or dies hands back nothing, and the building process compiles the rest
itself: the templates, and any error one of them has, are the same either way. The template
sets of other commands (a folder with its own ``outputs.yaml``: the AAR, the gap register) are
not compiled here.
"""

from __future__ import annotations

import contextlib
import functools
import os
import typing as t
from pathlib import Path

import jinja2

from exgen.core import forked
from exgen.render import limits as render_limits
from exgen.render.environment import TemplateRefused

#: Fewer templates than this to compile are not worth a helper process.
MIN_SHARED = 16
#: From this many injects, building the render context takes longer than compiling half the
#: templates (~0.5 s): only then does compiling them all during it (:class:`Early`) pay. Below,
#: two processes compiling half each after it are sooner (measured on the flagship: 2.15 s
#: against 2.58 s).
EARLY_INJECTS = 8000
#: Seconds to wait for a helper's bytecode (it compiles in about one): a helper that hangs — a
#: child forked while another thread of the parent held a lock, as in ``exgen preview`` — is
#: killed and its templates compiled here.
HELPER_WAIT = 30.0


def precompile(env: jinja2.Environment, used: t.Iterable[str] = (),
               build_limits: render_limits.Limits = render_limits.DEFAULT, early: Early | None = None) -> None:
    """Compile every template ``env`` can load that a build of the set whose outputs render ``used``
    may need (a template that does not compile is left for the rendering that needs it to report).
    What an :class:`Early` helper compiled for ``env`` is loaded, not compiled again."""
    names = buildable(env, used)
    handed = early.take(env) if early is not None else {}
    if handed or len(names) < MIN_SHARED or not hasattr(os, "fork"):
        _compile(env, names, handed)
        return
    ours, theirs = _halves(env, names)
    helper = _helper(env, theirs, build_limits)
    try:
        _compile(env, ours)
        handed = _collect(helper)
    except BaseException:  # Ctrl-C, SIGTERM: the helper goes at once
        helper.stop()
        raise
    _compile(env, theirs, handed)


class Early:
    """Every template of a build's template set, compiled by a helper forked as the build starts.

    Compiling from source takes a second of CPU at every first build; a helper started before the
    definition is checked compiles while the building process checks it and builds the render
    context, on the core those leave free, and hands its bytecode over when the rendering needs
    it (:func:`precompile`). Leaving the ``with`` block stops a helper not yet taken (a build
    that ended early, Ctrl-C)."""

    def __init__(self, user_dirs: tuple[Path, ...], build_limits: render_limits.Limits, *, wanted: bool = True) -> None:
        from exgen.render.environment import environment

        self.env = environment(user_dirs)
        self.helper: forked.Helper[dict[str, bytes]] | None = None
        if wanted and hasattr(os, "fork"):
            names = buildable(self.env)  # the build's own set; other commands' sets are left out
            if len(names) >= MIN_SHARED:
                self.helper = _helper(self.env, names, build_limits)

    def take(self, env: jinja2.Environment) -> dict[str, bytes]:
        """What the helper compiled, by cache key, once; nothing for another environment (the
        templates were forgotten meanwhile) or when the helper failed."""
        helper, self.helper = self.helper, None
        if helper is None:
            return {}
        if env is not self.env:
            helper.stop()
            return {}
        try:
            return _collect(helper)
        except BaseException:  # Ctrl-C, SIGTERM: the helper goes at once
            helper.stop()
            raise

    def __enter__(self) -> Early:
        return self

    def __exit__(self, *exc: object) -> None:
        helper, self.helper = self.helper, None
        if helper is not None:
            helper.stop()


def buildable(env: jinja2.Environment, used: t.Iterable[str] = ()) -> list[str]:
    """The templates a build may render or include: every ``.j2`` file but the ``builtin/`` aliases
    and those in the folder of another template set (one holding its own ``outputs.yaml`` that
    none of the ``used`` templates is in).

    >>> import jinja2
    >>> env = jinja2.Environment(loader=jinja2.DictLoader(dict.fromkeys(
    ...     ["outputs.yaml", "index.j2", "aar/outputs.yaml", "aar/report.j2", "builtin/index.j2"], "")))
    >>> buildable(env, ["index.j2"]), buildable(env, ["aar/report.j2"])
    (['index.j2'], ['aar/report.j2', 'index.j2'])
    """
    listed = env.list_templates()
    used = list(used)
    folders = [n[: -len("outputs.yaml")] for n in listed if n.endswith("/outputs.yaml")]
    others = tuple(f for f in folders if not any(u.startswith(f) for u in used))
    return [n for n in listed if n.endswith(".j2") and not n.startswith(("builtin/", *others))]


def _halves(env: jinja2.Environment, names: list[str]) -> tuple[list[str], list[str]]:
    """Two lists of about the same amount of source (measured: then both take about as long)."""
    sizes = dict.fromkeys(names, 0)
    for name in names:
        with contextlib.suppress(jinja2.TemplateError, TemplateRefused, OSError, ValueError):  # reported later
            sizes[name] = len(env.loader.get_source(env, name)[0]) if env.loader else 0
    ours: list[str] = []
    theirs: list[str] = []
    load = [0.0, 0.0]
    for name in sorted(names, key=lambda n: (-sizes[n], n)):
        side = 0 if load[0] <= load[1] else 1
        (ours, theirs)[side].append(name)
        load[side] += sizes[name]
    return ours, theirs


def _compile(env: jinja2.Environment, names: list[str], handed: dict[str, bytes] | None = None) -> None:
    """Load ``names`` into the environment's template cache; bytecode ``handed`` over (by cache
    key) is used instead of compiling, the environment's own cache stays as it was."""
    original = env.bytecode_cache
    if handed:
        env.bytecode_cache = _Handed(handed, original)
    try:
        for name in names:
            with contextlib.suppress(jinja2.TemplateError, TemplateRefused):
                env.get_template(name)
    finally:
        env.bytecode_cache = original


def _helper(env: jinja2.Environment, names: list[str],
            build_limits: render_limits.Limits) -> forked.Helper[dict[str, bytes]]:
    """A forked process compiling ``names`` and sending back their bytecode."""
    return forked.Helper(functools.partial(_compiled, env, names, build_limits))


def _collect(helper: forked.Helper[dict[str, bytes]]) -> dict[str, bytes]:
    """What the helper compiled, by cache key; nothing when it failed, died or hung (a lock
    another thread held at the fork) for :data:`HELPER_WAIT` seconds."""
    return helper.result(fallback=dict, wait=HELPER_WAIT)


def _compiled(env: jinja2.Environment, names: list[str], build_limits: render_limits.Limits) -> dict[str, bytes]:
    """In the helper: compile under the render limits, recording each template's bytecode."""
    render_limits.apply(build_limits)
    recorder = _Recorder(env.bytecode_cache)
    env.bytecode_cache = recorder
    with contextlib.suppress(Exception):  # the building process compiles what it does not get
        for name in names:
            with contextlib.suppress(jinja2.TemplateError, TemplateRefused):
                env.get_template(name)
    return recorder.codes


class _Recorder(jinja2.BytecodeCache):
    """A bytecode cache that keeps a copy of every template it loads or stores (over the
    environment's own cache, which still reads and writes its files as usual)."""

    def __init__(self, inner: jinja2.BytecodeCache | None) -> None:
        self.inner = inner
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.inner is not None:
            self.inner.load_bytecode(bucket)
            if bucket.code is not None:
                self.codes[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()
        if self.inner is not None:
            self.inner.dump_bytecode(bucket)


class _Handed(jinja2.BytecodeCache):
    """A bytecode cache serving what the helper handed back, then the environment's own cache."""

    def __init__(self, codes: dict[str, bytes], inner: jinja2.BytecodeCache | None) -> None:
        self.codes = codes
        self.inner = inner

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.codes.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # checked against the source: a changed file is recompiled
        if bucket.code is None and self.inner is not None:
            self.inner.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.inner is not None:
            self.inner.dump_bytecode(bucket)
