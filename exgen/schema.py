"""JSON Schema validation of a loaded definition, with located, readable diagnostics."""

from __future__ import annotations

import difflib
import functools
import json
import typing as t

from exgen.diagnostics import Diagnostic, Severity, at, shorten
from exgen.resources import data_dir

if t.TYPE_CHECKING:
    import jsonschema
    import referencing

    from exgen.load import Document, SourceMap

ROOT_SCHEMA = "exercise.schema.json"
_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


@functools.cache
def load_schemas() -> dict[str, dict[str, t.Any]]:
    """Every bundled schema by file name."""
    folder = data_dir("schemas")
    return {p.name: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.schema.json"))}


@functools.cache
def registry() -> referencing.Registry[t.Any]:
    """A registry holding every bundled schema under its ``$id``."""
    import referencing
    from referencing.jsonschema import DRAFT202012

    resources = [(s["$id"], DRAFT202012.create_resource(s)) for s in load_schemas().values()]
    return referencing.Registry().with_resources(resources)


@functools.cache
def validator(name: str = ROOT_SCHEMA) -> jsonschema.Draft202012Validator:
    """The validator for one bundled schema, built once."""
    import jsonschema

    schema = load_schemas()[name]
    return jsonschema.Draft202012Validator(
        schema, registry=registry(), format_checker=jsonschema.FormatChecker()
    )


def pointer_of(path: t.Iterable[str | int]) -> str:
    """RFC 6901 pointer for a jsonschema ``absolute_path``.

    >>> pointer_of(["units", 0, "a/b"])
    '/units/0/a~1b'
    """
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def validate(document: Document, schema: str = ROOT_SCHEMA) -> list[Diagnostic]:
    """All schema errors in ``document``, each located in its source."""
    return validate_data(document.data, document.sources, schema)


def validate_data(data: t.Any, sources: SourceMap, schema: str = ROOT_SCHEMA) -> list[Diagnostic]:
    """All schema errors in ``data``, located through ``sources``."""
    found: list[Diagnostic] = []
    for err in validator(schema).iter_errors(data):
        found.extend(_explain(_clearest(err), sources))
    return found


def _clearest(err: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For ``oneOf``/``anyOf`` failures, the one sub-error that best says what is wrong."""
    from jsonschema.exceptions import best_match

    while err.context:
        best = best_match(err.context)
        if best is None or best is err:
            break
        # A branch of a different type (e.g. "is not a string") explains less than the error itself.
        if best.validator == "type" and err.validator in ("oneOf", "anyOf"):
            break
        err = best
    return err


def _explain(err: jsonschema.ValidationError, sources: SourceMap) -> list[Diagnostic]:
    """Turn one jsonschema error into diagnostics with plain-English messages."""
    pointer = pointer_of(err.absolute_path)
    kind = str(err.validator)
    value = err.instance
    schema = err.schema if isinstance(err.schema, dict) else {}
    where = pointer or "/"
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        out = []
        for key in extra:
            hint = _did_you_mean(key, allowed)
            msg = f"unknown property '{key}' in {where}{hint}"
            out.append(at(sources, f"{pointer}/{_escape(key)}", "schema-unknown-property", msg, key=True))
        return out
    if kind == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        msg = f"missing required property '{missing}' in {where}"
        return [at(sources, pointer, "schema-required", msg)]
    if kind == "type":
        expected = schema.get("type")
        names = [expected] if isinstance(expected, str) else list(expected or [])
        want = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        got = _TYPE_NAMES.get(_json_type(value), type(value).__name__)
        hint = ""
        if "string" in names and isinstance(value, (int, float)) and not isinstance(value, bool):
            hint = " (put it in quotes to keep it as text)"
        msg = f"{where} must be {want}, not {got} {shorten(value)}{hint}"
        return [at(sources, pointer, "schema-type", msg)]
    if kind == "enum":
        choices = [str(c) for c in schema.get("enum", [])]
        hint = _did_you_mean(str(value), choices)
        msg = f"{shorten(value)} is not allowed in {where}; expected one of: {', '.join(choices)}{hint}"
        return [at(sources, pointer, "schema-enum", msg)]
    if kind == "const":
        msg = f"{where} must be {shorten(schema.get('const'))}, not {shorten(value)}"
        return [at(sources, pointer, "schema-const", msg)]
    if kind == "pattern":
        what = schema.get("description") or f"the pattern {schema.get('pattern')}"
        msg = f"{shorten(value)} in {where} is not valid: expected {_lower_first(what)}"
        return [at(sources, pointer, "schema-pattern", msg)]
    if kind == "uniqueItems":
        msg = f"{where} lists the same item more than once"
        return [at(sources, pointer, "schema-unique", msg)]
    if kind in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum",
                "exclusiveMinimum", "exclusiveMaximum", "minProperties", "maxProperties"):
        msg = f"{where}: {_without_instance(err.message, value)}"
        return [at(sources, pointer, f"schema-{_kebab(kind)}", msg)]
    msg = f"{where}: {_without_instance(err.message, value)}"
    return [at(sources, pointer, f"schema-{_kebab(kind)}", msg, Severity.ERROR)]


def _did_you_mean(word: str, choices: t.Sequence[str]) -> str:
    """``" (did you mean 'x'?)"`` when a choice is close to ``word``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _json_type(value: t.Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _kebab(name: str) -> str:
    """``minItems`` → ``min-items``."""
    return "".join("-" + c.lower() if c.isupper() else c for c in name)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _without_instance(message: str, value: t.Any) -> str:
    """jsonschema's message with a long instance repr shortened."""
    full = repr(value)
    if len(full) > 60 and full in message:
        return message.replace(full, shorten(value))
    return message
