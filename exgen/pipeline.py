"""The pipeline's stages wired together: check → enrich → render → package.

Validation of one root lives in :mod:`exgen.check.run`; this module adds what crosses stages:
building a package, the template set (read by check, used by render), and validating many roots
in parallel. The CLI calls these; no stage imports this module.
"""

from __future__ import annotations

import os
import typing as t
from dataclasses import dataclass
from pathlib import Path

from exgen.check.run import Checked, check
from exgen.core.diagnostics import Diagnostic, Location, error, has_errors, sort_diagnostics

if t.TYPE_CHECKING:
    from exgen.check.run import Loaded
    from exgen.load import Document
    from exgen.render.limits import Limits
    from exgen.render.outputs import TemplateSet

__all__ = ["Built", "Checked", "Summary", "build", "check", "check_many", "default_jobs", "load_template_set",
           "manifest_info", "manifest_inputs", "refuse_output"]


def load_template_set(user_dirs: t.Sequence[str | os.PathLike[str]] = ()) -> tuple[TemplateSet, list[Diagnostic]]:
    """The template set for these override directories, with every outputs.yaml read and checked."""
    from exgen.check import outputs
    from exgen.core import paths
    from exgen.render import outputs as render

    dirs = tuple(Path(d) for d in user_dirs)
    missing = [error("template-dir", f"template directory '{d}' does not exist", Location(str(d)))
               for d in dirs if not paths.is_dir(d)]
    if missing:
        return render.TemplateSet(dirs), missing
    declarations, found = outputs.read(render.declaration_files(dirs))
    return render.template_set(dirs, declarations), found


@dataclass
class Built:
    """What building one package produced."""

    checked: Checked
    written: t.Any = None
    files: int = 0
    size: int = 0
    #: The output already held the package this build would write; nothing was written.
    up_to_date: bool = False


def build(path: str, out: str, *, seed: int = 0, template_dirs: t.Sequence[str] = (), force: bool = False,
          strict: bool = False, progress: t.Callable[[int, int], None] | None = None,
          only: t.Sequence[str] | None = None, jobs: int | None = None, limits: Limits | None = None,
          rebuild: bool = False, audience: t.Sequence[str] | None = None) -> Built:
    """Validate, enrich, render and package one exercise; diagnostics instead of exceptions.

    The package is written only when the definition is valid and every template rendered.
    ``only`` names the output groups to render (outputs.yaml ``name``); None renders all.
    ``audience`` keeps only the outputs for those audiences (outputs.yaml ``audience``; ``all``
    always comes along); None keeps every audience. Both may be given: an output must pass both.
    ``jobs`` is how many processes render (default: :func:`default_jobs`); ``limits`` bound their
    CPU time and memory and the package's size (default: :data:`exgen.render.limits.DEFAULT`).
    Unless ``rebuild``, a build whose output already holds a package with the same build key
    (:func:`exgen.core.fingerprint.build_key`) writes nothing (:func:`_unchanged`).
    """
    from exgen import enrich, package
    from exgen.core.collector import paused_gc
    from exgen.render import context
    from exgen.render.engine import render_into
    from exgen.render.errors import RenderError
    from exgen.render.limits import DEFAULT as DEFAULT_LIMITS
    from exgen.render.outputs import output_names, select_audiences, select_outputs
    from exgen.render.plan import count_renders
    from exgen.render.precompile import EARLY_INJECTS, Early
    loaded = None
    selection = _selection(only, audience)
    if not rebuild:
        same, loaded = _unchanged(path, out, seed, template_dirs, selection, strict)
        if same is not None:
            return same
    checked = check(path, strict=strict, loaded=loaded, split=True)  # what the check loaded is not read again
    result = Built(checked)
    if not checked.ok or checked.model is None or checked.comms is None or checked.document is None:
        return result
    refused = refuse_output(out, checked.document, template_dirs)
    if refused is not None:  # the output would replace or sit inside an input
        checked.diagnostics = sort_diagnostics([*checked.diagnostics, refused])
        return result
    templates, found = load_template_set(template_dirs)
    if found:
        checked.diagnostics = sort_diagnostics([*checked.diagnostics, *found])
        return result
    if only is not None:  # --only: a partial package, recorded in its manifest
        selected, unknown = select_outputs(templates, only)
        if unknown:
            checked.diagnostics = sort_diagnostics([*checked.diagnostics, error(
                "unknown-output", f"no output named {', '.join(unknown)}; choose from: "
                f"{', '.join(output_names(templates))}", Location(path))])
            return result
        templates = selected
    if audience is not None:  # --audience: only what that audience may read
        selected, unknown = select_audiences(templates, audience)
        if unknown:
            checked.diagnostics = sort_diagnostics([*checked.diagnostics, error(
                "unknown-output", f"no audience named {', '.join(unknown)}; choose from: "
                "players, excon, evaluators, role-players, all", Location(path))])
            return result
        templates = selected
    # For a large exercise a helper compiles the templates while the context is built (they are
    # needed only then); for a small one the context is built sooner than they compile.
    with Early(tuple(Path(d) for d in template_dirs), limits or DEFAULT_LIMITS,
               wanted=len(checked.model.injects) >= EARLY_INJECTS) as early:
        # As in the check: the collector would walk the whole model again and again while the
        # context is built (0.85 s against 0.3 s at 10,000 injects); it is back on before the
        # rendering, whose workers make and drop many short-lived objects.
        with paused_gc():
            enrichment = enrich.enrich(checked.model, seed)
            findings = [_relative_to_root(d, checked.document) for d in checked.diagnostics]
            ctx = context.build_context(checked.model, checked.comms, enrichment, findings)
        ctx["definition"] = checked.document.data  # data/exercise.json carries it for ad-hoc injects in conduct
        total = count_renders(templates, ctx)
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        info = manifest_info(checked.document, seed, enrichment.faker_version)
        if only is not None:
            info["only"] = sorted({s.name for s in templates.outputs})
        if audience is not None:
            info["audience"] = sorted({s.audience for s in templates.outputs})
        key = _build_key(manifest_inputs(checked.document), seed, template_dirs, selection, strict)
        try:
            limits = limits or DEFAULT_LIMITS
            with package.Writer(Path(out), force=force, max_size=limits.package_size) as writer:
                render_into(templates, ctx, writer, jobs=jobs or default_jobs(), progress=tick, limits=limits,
                            early=early)
                written = writer.commit(info)
        except RenderError as exc:
            checked.diagnostics = sort_diagnostics([*checked.diagnostics, exc.diagnostic])
            return result
        except package.PackageError as exc:
            checked.diagnostics = sort_diagnostics([*checked.diagnostics, error(exc.code, str(exc), Location(out))])
            return result
    result.written = written
    result.files, result.size = written.files, written.size
    _remember(Path(out), key)
    return result


def _selection(only: t.Sequence[str] | None, audience: t.Sequence[str] | None) -> list[str] | None:
    """``--only`` and ``--audience`` as one selection for the build key (None: everything)."""
    if audience is None:
        return None if only is None else list(only)
    return [*(["*"] if only is None else only), *(f"audience={a}" for a in audience)]


def _record_entry(out: Path) -> str:
    """The cache entry that records what the package at ``out`` was built from."""
    from exgen.core import cache

    return cache.key("build-record", os.path.abspath(out))  # no resolve(): a link loop must not raise


def _remember(out: Path, key: str) -> None:
    """Record in exgen's cache (never in the package: its bytes must not depend on the machine or
    on exgen's code) the build key of the package just written at ``out`` and its manifest's hash."""
    import hashlib
    import json

    from exgen.core import cache, paths
    from exgen.package import MANIFEST

    manifest = paths.read_regular(out / MANIFEST)
    if manifest is not None:
        record = {"build_key": key, "manifest_sha256": hashlib.sha256(manifest).hexdigest()}
        cache.write("builds", _record_entry(out), json.dumps(record).encode("utf-8"))


def _recorded_key(out: Path) -> str | None:
    """The build key recorded for the package at ``out``, if its manifest is still the one written."""
    import hashlib
    import json

    from exgen.core import cache, paths
    from exgen.package import MANIFEST

    raw, manifest = cache.read("builds", _record_entry(out)), paths.read_regular(out / MANIFEST)
    try:
        record = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(record, dict) or manifest is None \
            or record.get("manifest_sha256") != hashlib.sha256(manifest).hexdigest():
        return None
    key = record.get("build_key")
    return key if isinstance(key, str) else None


def _build_key(inputs: list[dict[str, str]], seed: int, template_dirs: t.Sequence[str],
               only: t.Sequence[str] | None, strict: bool) -> str:
    from exgen.core import fingerprint

    return fingerprint.build_key([(i["file"], i["sha256"]) for i in inputs], seed=seed,
                                 template_dirs=template_dirs, only=only, strict=strict)


def _unchanged(path: str, out: str, seed: int, template_dirs: t.Sequence[str], only: t.Sequence[str] | None,
               strict: bool) -> tuple[Built | None, Loaded | None]:
    """The result of a build with nothing to do, or None when it must run; and what loading the
    definition gave, when this check loaded it (the build then validates that, not a second read).

    Only the definition's files are read (to follow its includes and hash them), never
    validated: a package recorded (in exgen's cache, with its manifest's hash) under the same
    build key was built from the same
    bytes by the same code, so validation would find what it found then (0.15 s for the
    flagship, which would triple the cost of this check). Every file the manifest lists must
    still be there with its size; anything else (a load problem, no manifest, another key, a
    missing or resized file) means a full build, which reports whatever is wrong.
    """
    from exgen import load, package

    recorded, key = package.read_manifest(Path(out)), _recorded_key(Path(out))
    if recorded is None or key is None or not all(Path(d).is_dir() for d in template_dirs):
        return None, None
    document, found = loaded = load.load(path)
    if document is None or found:
        return None, loaded
    if key != _build_key(manifest_inputs(document), seed, template_dirs, only, strict):
        return None, loaded
    present = package.intact(Path(out), recorded)
    if present is None:
        return None, loaded
    return Built(Checked(path, document), files=present[0], size=present[1], up_to_date=True), None


def default_jobs() -> int:
    """Rendering processes when none is asked for: one per CPU core, at most 4 (each holds a
    share of the render's memory; beyond 4 the PDF book, one task, sets the pace anyway)."""
    import os

    return max(1, min(4, os.cpu_count() or 1))


def _relative_to_root(d: Diagnostic, document: Document) -> Diagnostic:
    """The diagnostic with its file relative to the root file's folder (packages must not
    depend on the directory exgen ran from)."""
    import dataclasses
    import os

    from exgen.core.diagnostics import Location

    base = document.root.path.parent
    for f in document.files:
        if f.display == d.location.file:
            rel = os.path.relpath(f.path, base).replace(os.sep, "/")
            return dataclasses.replace(d, location=Location(rel, d.location.line, d.location.col))
    return d


def manifest_info(document: Document, seed: int, faker_version: str) -> dict[str, t.Any]:
    """Generator facts for manifest.json: versions, seed, and each input file's hash.

    Input paths are relative to the root file's folder, so the manifest does not depend
    on where exgen was run from.
    """
    from exgen import FORMAT_VERSION, __version__

    return {
        "exgen_version": __version__,
        "format_version": FORMAT_VERSION,
        "faker_version": faker_version,
        "seed": seed,
        "exercise": document.data["exercise"]["id"],
        "inputs": manifest_inputs(document),
    }


def manifest_inputs(document: Document) -> list[dict[str, str]]:
    """Each definition file's path relative to the root file's folder and its SHA-256, root first."""
    import os

    base = document.root.path.parent
    return [{"file": os.path.relpath(f.path, base).replace(os.sep, "/"), "sha256": f.sha256} for f in document.files]


@dataclass(frozen=True)
class Summary:
    """A picklable result of validating one root: what a parallel worker sends back."""

    path: str
    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def _summarise(path: str, strict: bool, split: bool = False) -> Summary:
    result = check(path, strict=strict, split=split)
    return Summary(path, tuple(result.files), tuple(result.diagnostics))


def check_many(paths: t.Sequence[str], *, strict: bool = False, jobs: int | None = None) -> list[Summary]:
    """Validate several roots, in parallel processes when there is more than one; input order kept.

    The workers ignore Ctrl-C and die with this process: on Ctrl-C (or SIGTERM) here they are
    terminated at once and the KeyboardInterrupt goes on to the caller, with no worker tracebacks.
    """
    workers = min(len(paths), jobs or os.cpu_count() or 1)
    if workers <= 1:
        split = len(paths) == 1 and (jobs or 2) > 1  # one root: two cores for it, unless told one
        return [_summarise(p, strict, split) for p in paths]
    import multiprocessing

    from exgen.core import processes

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() \
        else multiprocessing.get_context()
    with processes.signals_held():  # a worker starts with Ctrl-C blocked until it ignores it
        pool = context.Pool(workers, initializer=_validation_worker, initargs=(os.getpid(),))
    try:
        results = pool.starmap(_summarise, [(p, strict) for p in paths])
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.close()
        pool.join()
    return results


def _validation_worker(parent: int) -> None:
    """In a validation worker: die with the parent, leave Ctrl-C to it."""
    from exgen.core import processes

    processes.die_with_parent(parent)
    processes.quiet_signals()


def refuse_output(out: str, document: Document, template_dirs: t.Sequence[str] = ()) -> Diagnostic | None:
    """An error when package directory ``out`` is unusable, holds one of the definition's files or a
    template directory, or lies inside a template directory: replacing it would destroy an input."""
    from exgen.core import paths
    from exgen.core.resources import data_dir

    builtin = data_dir("templates")
    inputs = [*(paths.Input("definition file", f.display, f.path, resolved=True) for f in document.files),
              *(paths.Input("template directory", d, d, directory=True) for d in template_dirs),
              paths.Input("built-in template directory", str(builtin), builtin, directory=True)]
    found = paths.check_output(out, inputs, "package")
    return None if found is None else error(found[0], found[1], Location(out))
