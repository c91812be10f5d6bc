"""The AAR package: the AAR context rendered by the outputs of ``templates/aar/outputs.yaml``.

The same sandboxed environment, overrides and package writer as ``exgen build``: an override
directory's ``aar/`` files win over the built-in ones, the package appears whole or not at all,
and the same inputs give the same bytes (no wall clock; the documents are dated STARTEX).
:func:`render_aar` renders a context; :func:`build_aar` reads the inputs first.
"""

from __future__ import annotations

import hashlib
import os
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error, has_errors, sort_diagnostics

if t.TYPE_CHECKING:
    from exgen.render.limits import Limits
    from exgen.render.outputs import TemplateSet

__all__ = ["AAR_OUTPUTS", "AarBuilt", "aar_templates", "build_aar", "render_aar"]

#: The AAR's outputs file, relative to the built-in template folder and to each override directory.
AAR_OUTPUTS = "aar/outputs.yaml"


@dataclass
class AarBuilt:
    """What building one AAR package produced: diagnostics, and the package when it was written."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: t.Any = None
    files: int = 0
    size: int = 0
    #: The register's new text when ``--register`` was given and the AAR was written (the caller writes it).
    register_text: str | None = None
    register_changes: t.Any = None

    @property
    def ok(self) -> bool:
        """The package was written and nothing was an error."""
        return self.written is not None and not has_errors(self.diagnostics)


def aar_templates(template_dirs: t.Sequence[str | os.PathLike[str]] = ()) -> tuple[TemplateSet, list[Diagnostic]]:
    """The AAR's template set: every ``aar/outputs.yaml`` (built-in, then overrides) read and checked."""
    return declared_templates(AAR_OUTPUTS, template_dirs)


def declared_templates(outputs_file: str, template_dirs: t.Sequence[str | os.PathLike[str]] = ()
                       ) -> tuple[TemplateSet, list[Diagnostic]]:
    """A template set whose outputs are declared in ``outputs_file`` (relative to each template
    folder: built-in, then overrides), read and checked; templates leading out of their folder refused."""
    from exgen.check import outputs
    from exgen.core import paths
    from exgen.render import outputs as render
    from exgen.render.environment import refused_declarations

    dirs = tuple(Path(d) for d in template_dirs)
    missing = [error("template-dir", f"template directory '{d}' does not exist", Location(str(d)))
               for d in dirs if not paths.is_dir(d)]
    if missing:
        return render.TemplateSet(dirs), missing
    refused = [error("template-file", f"refused to read a template: {reason}", Location(name))
               for name, reason in refused_declarations(dirs, outputs_file)]
    if refused:
        return render.TemplateSet(dirs), refused
    declarations, found = outputs.read(render.declaration_files(dirs, outputs_file))
    return render.template_set(dirs, declarations), found


def file_inputs(named: t.Iterable[str | os.PathLike[str]]) -> list[dict[str, str]]:
    """Each input file's name (never its folder: the package must not depend on where its
    inputs lay) and SHA-256, for the manifest; unreadable files are left to their readers."""
    found = []
    for path in named:
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue
        found.append({"file": Path(path).name, "sha256": digest})
    return found


def render_aar(context: dict[str, t.Any], out: str, *, template_dirs: t.Sequence[str] = (), force: bool = False,
               inputs: t.Sequence[dict[str, str]] = (), jobs: int = 1, limits: Limits | None = None) -> AarBuilt:
    """Render the AAR ``context`` (exgen/aar/context.py) into package directory ``out``, atomically."""
    from exgen import FORMAT_VERSION, __version__, package
    from exgen.render.engine import render_into
    from exgen.render.errors import RenderError
    from exgen.render.limits import DEFAULT

    result = AarBuilt()
    templates, found = aar_templates(template_dirs)
    if found:
        result.diagnostics = sort_diagnostics(found)
        return result
    limits = limits or DEFAULT
    info = {"exgen_version": __version__, "format_version": FORMAT_VERSION, "kind": "after-action-report",
            "exercise": context["exercise"]["id"], "inputs": list(inputs)}
    try:
        with package.Writer(Path(out), force=force, max_size=limits.package_size) as writer:
            render_into(templates, context, writer, jobs=jobs, limits=limits)
            written = writer.commit(info)
    except RenderError as exc:
        result.diagnostics = [exc.diagnostic]
        return result
    except package.PackageError as exc:
        result.diagnostics = [error(exc.code, str(exc), Location(out))]
        return result
    result.written, result.files, result.size = written, written.files, written.size
    return result


def refuse_output(out: str, package_dir: str, files: t.Sequence[str],
                  template_dirs: t.Sequence[str]) -> Diagnostic | None:
    """An error when ``out`` is unusable or would replace or sit inside an input of the AAR."""
    from exgen.core import paths
    from exgen.core.resources import data_dir

    inputs = [paths.Input("package", package_dir, package_dir, directory=True),
              *(paths.Input("input file", f, f) for f in files),
              *(paths.Input("template directory", d, d, directory=True) for d in template_dirs),
              paths.Input("built-in template directory", str(data_dir("templates")), data_dir("templates"),
                          directory=True)]
    found = paths.check_output(out, inputs, "AAR package")
    return None if found is None else error(found[0], found[1], Location(out))


def build_aar(package: str, record: str, workbooks: t.Sequence[str], out: str, *, register: str | None = None,
              template_dirs: t.Sequence[str] = (), force: bool = False) -> AarBuilt:
    """Read the package's data/exercise.json, the record, the workbooks and the register; build
    the AAR package into ``out`` when none of them has an error. Nothing is written otherwise.

    The register is not written here: ``register_text`` holds its updated text for the caller
    to put in place once the AAR is written (:func:`exgen.aar.inputs.read_inputs`)."""
    from exgen.aar.inputs import read_inputs

    files = [record, *workbooks, *([register] if register else [])]
    refused = refuse_output(out, package, files, template_dirs)
    if refused is not None:
        return AarBuilt([refused])
    read = read_inputs(package, record, workbooks, register)
    if read.context is None or has_errors(read.diagnostics):
        return AarBuilt(sort_diagnostics(read.diagnostics))
    exercise_json = Path(package) / "data" / "exercise.json"
    result = render_aar(read.context, out, template_dirs=template_dirs, force=force,
                        inputs=file_inputs([exercise_json, *files]))
    result.diagnostics = sort_diagnostics([*read.diagnostics, *result.diagnostics])
    if result.written is not None:
        result.register_text, result.register_changes = read.register_text, read.register_changes
    return result
