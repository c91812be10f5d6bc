"""Outputs declared in data: which template renders to which file, how often, and in what form.

Every line of an ``outputs.yaml`` (the built-in one, plus one per ``--templates`` directory)
is an :class:`OutputSpec`; together with the template search path they make a
:class:`TemplateSet`. Nothing here renders: it only says what a package holds.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core.resources import data_dir
from exgen.render import audience as audiences

OUTPUTS_FILE = "outputs.yaml"
#: What an output can be rendered once for; the render context holds a list under each name.
PER_KINDS = {
    "package": None,
    "inject": "injects",
    "unit": "units",
    "located_unit": "located_units",
    "role_player": "role_players",
    "objective": "objectives",
    "pace": "pace",
    "net": "nets",
    "evaluator": "evaluators",
}
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


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
    #: Who may read it (:data:`exgen.render.audience.AUDIENCES`); ``players`` and ``all`` render
    #: from the player-safe context only.
    audience: str = audiences.DEFAULT

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


def declaration_files(user_dirs: t.Sequence[Path], name: str = OUTPUTS_FILE) -> list[tuple[Path, str]]:
    """Every ``outputs.yaml`` that declares outputs, as ``(path, source)``: the built-in one first,
    then the override directories' (the first directory named wins, so it comes last).
    ``name`` is the declarations file relative to each folder (``aar/outputs.yaml`` for the AAR)."""
    folders = [(data_dir("templates"), "builtin"), *[(d, str(d)) for d in reversed(user_dirs)]]
    return [(folder / name, source) for folder, source in folders if (folder / name).exists()]


def template_set(user_dirs: t.Sequence[Path],
                 declarations: t.Iterable[tuple[str, t.Mapping[str, t.Any]]]) -> TemplateSet:
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
                audience=raw.get("audience", audiences.DEFAULT),  # never inherited: unstated is EXCON
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


def select_audiences(templates: TemplateSet, names: t.Iterable[str]) -> tuple[TemplateSet, list[str]]:
    """The template set cut down to the outputs for the audiences in ``names`` (and those for
    ``all``, which every audience may read), and the names that are no audience."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    unknown = [n for n in wanted if n not in audiences.AUDIENCES]
    keep = audiences.wanted(wanted)
    return TemplateSet(templates.user_dirs, [s for s in templates.outputs if s.audience in keep]), unknown


def with_documents(templates: TemplateSet, context: dict[str, t.Any]) -> dict[str, t.Any]:
    """The render context plus ``documents``: the package's own table of contents (every
    declared output), for index pages and annex lists."""
    return {**context, "documents": [
        {"output": s.output, "title": s.title, "per": s.per, "template": s.template, "convert": s.convert,
         "name": s.name, "audience": s.audience}
        for s in templates.outputs]}
