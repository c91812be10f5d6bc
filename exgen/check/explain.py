"""Why an instance fails its schema: jsonschema errors turned into located, plain-English diagnostics.

Only runs when the fast check (:mod:`exgen.check.schema_fast`) has said no, or could not
answer: :func:`explain` takes one jsonschema error, narrows a ``oneOf``/``anyOf`` failure to
the branch that best says what is wrong, and words it for the author of the definition,
at the file, line and column the source map gives for its JSON pointer.
"""

from __future__ import annotations

import re
import typing as t

from exgen.core import pointer as json_pointer
from exgen.core.diagnostics import Diagnostic, at, shorten
from exgen.core.suggest import did_you_mean

if t.TYPE_CHECKING:
    import jsonschema

    from exgen.core.sources import Locator

_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def explain(err: jsonschema.ValidationError, sources: Locator) -> list[Diagnostic]:
    """The diagnostics for one jsonschema error (of a ``oneOf``/``anyOf``, its clearest branch)."""
    return _describe(_clearest(err), sources)


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


def _describe(err: jsonschema.ValidationError, sources: Locator) -> list[Diagnostic]:
    """Turn one jsonschema error into diagnostics with plain-English messages."""
    pointer = json_pointer.join(err.absolute_path)
    kind = str(err.validator)
    value = err.instance
    schema = err.schema if isinstance(err.schema, dict) else {}
    where = pointer or "/"
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]  # x- fields are allowed
        extra = sorted(k for k in value if k not in allowed and not any(p.search(k) for p in patterns))
        out = []
        for key in extra:
            hint = did_you_mean(key, allowed)
            msg = f"unknown property '{key}' in {where}{hint}"
            out.append(at(sources, f"{pointer}/{json_pointer.escape(key)}", "schema-unknown-property", msg, key=True))
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
        hint = did_you_mean(str(value), choices)
        msg = f"{shorten(value)} is not allowed in {where}; expected one of: {', '.join(choices)}{hint}"
        return [at(sources, pointer, "schema-enum", msg)]
    if kind == "const":
        msg = f"{where} must be {shorten(schema.get('const'))}, not {shorten(value)}"
        return [at(sources, pointer, "schema-const", msg)]
    if kind == "pattern":
        what = schema.get("description") or f"the pattern {schema.get('pattern')}"
        msg = f"{shorten(value)} in {where} is not valid: expected {_lower_first(what)}"
        return [at(sources, pointer, "schema-pattern", msg)]
    if kind == "anyOf" and schema.get("title") == "Custom field":
        got = ("a list holding a list or mapping" if isinstance(value, list)
               else _TYPE_NAMES.get(_json_type(value), type(value).__name__))
        msg = (f"{where} is a custom field: it must be text, a number, true/false or a list of those, "
               f"not {got} {shorten(value)}")
        return [at(sources, pointer, "schema-type", msg)]
    if kind == "uniqueItems":
        msg = f"{where} lists the same item more than once"
        return [at(sources, pointer, "schema-unique", msg)]
    # Ranges and sizes (minItems, maximum, ...) and anything else: jsonschema's own message.
    msg = f"{where}: {_without_instance(err.message, value)}"
    return [at(sources, pointer, f"schema-{_kebab(kind)}", msg)]


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
