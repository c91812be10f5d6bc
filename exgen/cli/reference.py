"""docs/reference.md, generated from the JSON Schemas: ``python -m exgen.cli.reference > docs/reference.md``.

The schemas are the contract and already carry a title, description, type, enum, pattern,
default and examples for every property; this module lays them out as one Markdown page,
one section per part of the definition in the order of the outline, so the reference can
never drift from what ``exgen validate`` checks. Output is deterministic: same schemas,
same bytes.
"""

from __future__ import annotations

import json
import re
import typing as t
from dataclasses import dataclass

from exgen.check.schema import ROOT_SCHEMA, load_schemas
from exgen.core.pointer import tokens as pointer_tokens

Schema = dict[str, t.Any]
#: The file holding the shared value types (identifiers, times, positions ...).
COMMON = "common.schema.json"
#: The sections of the reference, in the order of the definition outline:
#: (heading, YAML path shown to the reader, schema file, JSON pointer inside it).
SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Top level", "", ROOT_SCHEMA, ""),
    ("exercise", "exercise", ROOT_SCHEMA, "/definitions/exercise"),
    ("objectives", "objectives[]", "objective.schema.json", ""),
    ("phases", "phases[]", ROOT_SCHEMA, "/definitions/phase"),
    ("bearers", "bearers[]", ROOT_SCHEMA, "/definitions/bearer"),
    ("systems", "systems[]", "system.schema.json", ""),
    ("units", "units[]", "unit.schema.json", ""),
    ("nets", "nets[]", "net.schema.json", ""),
    ("pace", "pace[]", "pace.schema.json", ""),
    ("constraints", "constraints[]", "constraint.schema.json", ""),
    ("excon", "excon", "excon.schema.json", ""),
    ("excon.cells", "excon.cells[]", "excon.schema.json", "/definitions/cell"),
    ("excon.role_players", "excon.role_players[]", "excon.schema.json", "/definitions/role_player"),
    ("excon.controllers", "excon.controllers[]", "excon.schema.json", "/definitions/controller"),
    ("excon.evaluators", "excon.evaluators[]", "excon.schema.json", "/definitions/evaluator"),
    ("main_events", "main_events[]", ROOT_SCHEMA, "/definitions/main_event"),
    ("main_incidents", "main_incidents[]", ROOT_SCHEMA, "/definitions/main_incident"),
    ("injects", "injects[]", "inject.schema.json", ""),
)
#: Guards against a trailing newline that the patterns end with; noise to a reader.
_NEWLINE_GUARD = "(?!\\n)"


@dataclass(frozen=True)
class Target:
    """A schema node and where it lives (file, JSON pointer)."""

    file: str
    pointer: str
    node: Schema


def resolve(ref: str, base: str) -> Target:
    """The node a ``$ref`` points to, relative to schema file ``base``.

    >>> resolve("common.schema.json#/definitions/id", "unit.schema.json").node["title"]
    'Identifier'
    """
    file, _, pointer = ref.partition("#")
    file = file or base
    node: t.Any = load_schemas()[file]
    for token in pointer_tokens(pointer):
        node = node[token]
    return Target(file, pointer, node)


def slug(heading: str) -> str:
    """The anchor GitHub and most Markdown renderers give a heading.

    >>> slug("excon.role_players — Role player")
    'exconrole_players--role-player'
    """
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _code(value: t.Any) -> str:
    """A value as inline code, in the flow form YAML and JSON both accept."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return f"`{text}`"


def _pattern(pattern: str) -> str:
    return pattern.replace(_NEWLINE_GUARD, "")


def _cell(text: str) -> str:
    """Text that is safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").strip()


class _Writer:
    """Walks the schemas and collects the Markdown lines; nested mappings get their own sections."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.value_types = list(load_schemas()[COMMON].get("definitions", {}))
        #: heading of every section written or to be written, by (schema file, pointer)
        self.headings: dict[tuple[str, str], str] = {}
        #: nested mappings met in the table just written: key -> (target, paths it appears at)
        self.pending: dict[tuple[str, str], tuple[Target, list[str]]] = {}

    # --- types -------------------------------------------------------------------------

    @staticmethod
    def value_type_link(target: Target) -> str | None:
        """A link to the shared value type a ``$ref`` names, if it names one."""
        if target.file == COMMON and target.pointer.startswith("/definitions/"):
            title = target.node.get("title", target.pointer.rsplit("/", 1)[-1])
            return f"[{title}](#{slug(title)})"
        return None

    def type_of(self, node: Schema, file: str, path: str) -> str:
        """Human type of a property: value type link, enum values, pattern, bounds, list of ..."""
        if "$ref" in node:
            target = resolve(node["$ref"], file)
            link = self.value_type_link(target)
            return (link or self._object_link(target, path)) + self._bounds(node)
        refs = [x["$ref"] for x in node.get("allOf", []) if "$ref" in x]
        if len(refs) == 1:
            return self.type_of({"$ref": refs[0]}, file, path) + self._bounds(node)
        if "const" in node:
            return f"always {_code(node['const'])}"
        if "enum" in node:
            return "one of " + ", ".join(_code(v) for v in node["enum"])
        kind = node.get("type")
        if kind == "array":
            items = node.get("items", {})
            inner = self.type_of(items, file, f"{path}[]") if items else "values"
            if inner.startswith("mapping"):
                inner = "mappings" + inner.removeprefix("mapping")
            return f"list of {inner}" + self._bounds(node)
        if kind == "object" or "properties" in node:
            return self._object_link(Target(file, f"inline:{path}", node), path)
        if kind == "string":
            text = "text"
            if "pattern" in node:
                text += f" matching `{_pattern(node['pattern'])}`"
            return text + self._bounds(node)
        if kind in ("number", "integer"):
            return ("number" if kind == "number" else "whole number") + self._bounds(node)
        if kind == "boolean":
            return "`true` or `false`"
        return "any value"

    def _object_link(self, target: Target, path: str) -> str:
        """A link to the section of a nested mapping, queueing that section on first sight."""
        title = target.node.get("title", path)
        key = (target.file, target.pointer)
        if key not in self.headings:
            taken = {slug(h) for h in self.headings.values()} | {slug(v) for v in self._value_titles()}
            self.headings[key] = title if slug(title) not in taken else f"{title} (`{path}`)"
            self.pending[key] = (target, [path])
        elif key in self.pending:
            self.pending[key][1].append(path)
        return f"mapping, see [{title}](#{slug(self.headings[key])})"

    def _value_titles(self) -> list[str]:
        common = load_schemas()[COMMON].get("definitions", {})
        return [common[name].get("title", name) for name in self.value_types] + ["Value types"]

    @staticmethod
    def _bounds(node: Schema) -> str:
        """Length, count and range limits, in words."""
        parts = []
        if "minLength" in node and "maxLength" in node:
            parts.append(f"{node['minLength']} to {node['maxLength']} characters")
        elif "minLength" in node:
            parts.append(f"at least {node['minLength']} character{'s' if node['minLength'] != 1 else ''}")
        elif "maxLength" in node:
            parts.append(f"at most {node['maxLength']} characters")
        if "minItems" in node and node.get("maxItems") == node["minItems"]:
            parts.append(f"exactly {node['minItems']} entries")
        else:
            if "minItems" in node:
                parts.append(f"at least {node['minItems']} entr{'ies' if node['minItems'] != 1 else 'y'}")
            if "maxItems" in node:
                parts.append(f"at most {node['maxItems']} entries")
        if node.get("uniqueItems"):
            parts.append("no repeats")
        low = [f"≥ {node['minimum']}"] if "minimum" in node else []
        low += [f"> {node['exclusiveMinimum']}"] if "exclusiveMinimum" in node else []
        high = [f"≤ {node['maximum']}"] if "maximum" in node else []
        high += [f"< {node['exclusiveMaximum']}"] if "exclusiveMaximum" in node else []
        if low or high:
            parts.append(", ".join(low + high))
        return f" ({'; '.join(parts)})" if parts else ""

    # --- sections ------------------------------------------------------------------------

    @staticmethod
    def default(node: Schema, file: str) -> t.Any:
        if "default" in node:
            return node["default"]
        if "$ref" in node:
            return resolve(node["$ref"], file).node.get("default")
        return None

    def table(self, node: Schema, file: str, path: str) -> None:
        """One row per property: name, type, required or default, description with examples."""
        props: dict[str, Schema] = node.get("properties", {})
        if not props:
            return
        required = set(node.get("required", []))
        self.lines += ["| Property | Type | Required / default | Description |", "|---|---|---|---|"]
        for name, prop in props.items():
            kind = self.type_of(prop, file, f"{path}.{name}" if path else name)
            default = self.default(prop, file)
            if name in required:
                need = "**required**"
            elif default is not None:
                need = f"default {_code(default)}"
            else:
                need = "optional"
            text = prop.get("description", "")
            if not text and "$ref" in prop:
                text = resolve(prop["$ref"], file).node.get("description", "")
            examples = prop.get("examples", [])
            if examples:
                label = "Examples" if len(examples) > 1 else "Example"
                text += f" {label}: " + ", ".join(_code(e) for e in examples) + "."
            self.lines.append(f"| `{name}` | {_cell(kind)} | {need} | {_cell(text)} |")
        self.lines.append("")
        rules = _rules(node)
        if rules:
            self.lines += [f"- {rule}" for rule in rules] + [""]

    def section(self, heading: str, paths: list[str], target: Target, level: str) -> None:
        """Heading, what the mapping is and where its schema lives, its table, then its nested mappings."""
        node = target.node
        pointer = "" if target.pointer.startswith("inline:") else target.pointer
        where = f"`schemas/{target.file}`" + (f", `{pointer}`" if pointer else "")
        self.lines += [f"{level} {heading}", ""]
        if paths:
            kind = "a list of mappings" if paths[0].endswith("[]") else "a mapping"
            subject = ", ".join(f"`{p}`" for p in paths)
            verb = "is" if len(paths) == 1 else "are each"
            lead = f"{subject} {verb} {kind}. "
        else:
            lead = ""
        self.lines += [f"{lead}{node.get('description', '')} (Schema: {where}.)", ""]
        self.table(node, target.file, paths[0] if paths else "")
        self.flush("###")

    def flush(self, level: str) -> None:
        """Sections for the nested mappings the last table linked to, depth first."""
        found, self.pending = self.pending, {}
        for key, (target, paths) in found.items():
            self.section(self.headings[key], paths, target, level)

    def value_type_sections(self) -> None:
        common = load_schemas()[COMMON]
        self.lines += ["## Value types", "", _cell(common.get("description", "")), ""]
        for name in self.value_types:
            node = common["definitions"][name]
            title = node.get("title", name)
            self.lines += [f"### {title}", "", node.get("description", ""), ""]
            kind = "mapping" if "properties" in node else self.type_of(node, COMMON, name)
            self.lines.append(f"- Type: {kind}")
            if "examples" in node:
                label = "Examples" if len(node["examples"]) > 1 else "Example"
                self.lines.append(f"- {label}: " + ", ".join(_code(e) for e in node["examples"]))
            self.lines.append("")
            if "properties" in node:
                self.table(node, COMMON, "")


def _rules(node: Schema) -> list[str]:
    """Conditional requirements (if/then, anyOf, oneOf) in words."""
    out = []
    for part in [node, *node.get("allOf", [])]:
        if "if" in part and "then" in part:
            out.append(f"When {_condition(part['if'])}, {_requirement(part['then'])}.")
    # A branch may also declare what it requires under `properties` (ajv's strict mode asks for it).
    if "oneOf" in node and all("required" in x and set(x) <= {"required", "properties"} for x in node["oneOf"]):
        names = [n for x in node["oneOf"] for n in x["required"]]
        out.append("Write exactly one of " + ", ".join(f"`{n}`" for n in names) + ".")
    return out


def _condition(cond: Schema) -> str:
    parts = []
    for name, sub in cond.get("properties", {}).items():
        if "const" in sub:
            parts.append(f"`{name}` is {_code(sub['const'])}")
        elif "enum" in sub:
            parts.append(f"`{name}` is " + " or ".join(_code(v) for v in sub["enum"]))
    return " and ".join(parts) or "the condition holds"


def _requirement(then: Schema) -> str:
    if "required" in then:
        names = ", ".join(f"`{n}`" for n in then["required"])
        return f"{names} {'is' if len(then['required']) == 1 else 'are'} required"
    if "anyOf" in then:
        names = " or ".join(f"`{n}`" for x in then["anyOf"] for n in x.get("required", []))
        return f"at least one of {names} is required"
    return "further rules apply"


INTRO = """\
<!-- Generated from schemas/ by `make docs` (python -m exgen.cli.reference). Do not edit by hand. -->
# Definition format reference

Every property of an exgen exercise definition, format version {version}, generated from the JSON
Schemas in `schemas/` — the same schemas `exgen validate` checks and editors use for completion.
Sections follow the outline of a definition: the top level, then each section in the order it
usually appears. A definition may be split across files with `include:`; each included file may
hold any of the sections (see `schemas/exercise-fragment.schema.json`) and the lists are joined.

How to read the tables:

- **Type** names the value: *text*, *number*, *list of …*, *mapping* (a nested block, described in
  its own section), or one of the shared [value types](#value-types) such as an
  [Identifier](#identifier) or an [Exercise time](#exercise-time). `one of` lists every allowed
  value, spelled exactly. Patterns are regular expressions the text must match.
- **Required / default**: **required** properties must be present; others are optional, and where
  the schema gives a default it is shown.
- Quote identifiers, codes and times in YAML (`"ME-1BN"`, `"NO"`, `"D+1 07:30"`): unquoted, some
  are read as booleans or numbers.

## Contents

{contents}
"""


def generate() -> str:
    """The whole reference page as Markdown text."""
    w = _Writer()
    schemas = load_schemas()
    targets = []
    for title, path, file, pointer in SECTIONS:
        target = Target(file, pointer, resolve(f"#{pointer}", file).node if pointer else schemas[file])
        name = target.node.get("title", title)
        w.headings[(file, pointer)] = f"`{path}` — {name}" if path else f"{title} — {name}"
        targets.append((path, target))
    contents = []
    for path, target in targets:
        heading = w.headings[(target.file, target.pointer)]
        contents.append(f"- [{heading.replace('`', '')}](#{slug(heading)})")
        w.section(heading, [path] if path else [], target, "##")
    contents.append("- [Value types](#value-types)")
    w.value_type_sections()
    contents += ["- [Named cultures](#named-cultures)", "- [Organisations](#organisations)"]
    w.lines += _tables()
    version = schemas[ROOT_SCHEMA]["properties"]["exgen"].get("const", 1)
    text = INTRO.format(version=version, contents="\n".join(contents)) + "\n" + "\n".join(w.lines)
    return text.rstrip("\n") + "\n"


def _tables() -> list[str]:
    """The named cultures and the organisations exgen ships, for the culture and nation value types."""
    from exgen.core import organisations
    from exgen.enrich.names import cultures

    lines = ["", "## Named cultures", "",
             "Name lists exgen ships for `culture:` besides the Faker locales (`hr_HR`, `sq_AL` ...). The "
             "fictional ones are invented for exgen and name only fictional actors and places.", "",
             "| culture | what it names |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(text)} |" for name, text in cultures()]
    lines += ["", "## Organisations", "",
              "Codes a `nation` may hold besides ISO 3166-1 alpha-2 country codes. Documents print the short "
              "name and no flag.", "",
              "| code | short name | official name | kind | part of |", "|---|---|---|---|---|"]
    for code in sorted(organisations.codes()):
        o = organisations.lookup(code)
        if o is not None:
            lines.append(f"| `{o.code}` | {_cell(o.short_name)} | {_cell(o.name)} | {o.kind} | "
                         f"{f'`{o.parent}`' if o.parent else ''} |")
    return lines


def main() -> None:
    """Write the reference to standard output (``make docs`` redirects it to docs/reference.md)."""
    import sys

    sys.stdout.buffer.write(generate().encode("utf-8"))


if __name__ == "__main__":
    main()
