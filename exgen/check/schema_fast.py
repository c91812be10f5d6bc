"""The fast valid path of schema validation: a bundled schema compiled into one yes/no check.

jsonschema spends most of its time resolving $refs and building error machinery even when
nothing fails. :func:`compile_check` turns a schema once into nested closures that answer
exactly what jsonschema answers (Draft 2020-12 semantics of the keywords the bundled
schemas use) for the plain data the loader builds; anything else (an unknown keyword at
compile time, an unexpected Python type or non-string unique items at run time) makes it
step aside for jsonschema, so its answer is never a guess.
"""

from __future__ import annotations

import re
import typing as t

from exgen.core import pointer


class Unknown(Exception):
    """The fast check cannot answer exactly: let jsonschema decide."""


class _Unsupported(Exception):
    """The schema uses something the fast check does not compile."""


Check = t.Callable[[t.Any], bool]
#: Property names each object check remembers the check of (names repeat from item to item).
_NAMES_KEPT = 1024
#: Longer property names are looked at each time (the checks are kept for the whole process).
_NAME_KEPT_LENGTH = 64
_PLAIN = frozenset({dict, list, str, int, float, bool, type(None)})
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "examples", "default",
                          "definitions", "$defs", "deprecated", "readOnly", "writeOnly"})
_KEYWORDS = _ANNOTATIONS | {
    "type", "enum", "const", "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    "properties", "patternProperties", "additionalProperties", "required", "items", "minItems", "maxItems",
    "uniqueItems",
    "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
}


def _always(value: t.Any) -> bool:
    return True


def _never(value: t.Any) -> bool:
    return False


def _is_number(value: t.Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: t.Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None, "number": _is_number, "integer": _is_integer,
}


def _all_of(parts: list[Check]) -> Check:
    return lambda v: all(f(v) for f in parts)


def _any_of(parts: list[Check]) -> Check:
    return lambda v: any(f(v) for f in parts)


def _one_of(parts: list[Check]) -> Check:
    return lambda v: sum(1 for f in parts if f(v)) == 1


_COMBINATORS: dict[str, t.Callable[[list[Check]], Check]] = {"allOf": _all_of, "anyOf": _any_of, "oneOf": _one_of}


class _Compiler:
    """Compiles bundled schemas (found by ``$id``) into exact yes/no checks."""

    def __init__(self, schemas: t.Mapping[str, dict[str, t.Any]]) -> None:
        self.by_uri = {s["$id"]: s for s in schemas.values()}
        self.done: dict[int, Check] = {}

    def ref(self, ref: str, base: str) -> Check:
        from urllib.parse import unquote, urljoin

        uri, _, fragment = urljoin(base, ref).partition("#")
        node: t.Any = self.by_uri.get(uri)
        if node is None or (fragment and not fragment.startswith("/")):
            raise _Unsupported(f"$ref {ref}")
        for part in fragment.split("/")[1:] if fragment else ():
            token = pointer.unescape(unquote(part))  # percent-decoded first: the fragment is part of a URI
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise _Unsupported(f"$ref {ref}") from None
        return self.node(node, uri)

    def node(self, node: t.Any, base: str) -> Check:
        if node is True:
            return _always
        if not isinstance(node, dict):
            raise _Unsupported(f"schema {node!r}")
        key = id(node)
        if key not in self.done:
            cell: list[Check] = []
            self.done[key] = lambda value: cell[0](value)  # a $ref back to a schema being compiled
            cell.append(self._compile(node, base))
            self.done[key] = cell[0]
        return self.done[key]

    def _compile(self, node: dict[str, t.Any], base: str) -> Check:
        from urllib.parse import urljoin

        unknown = set(node) - _KEYWORDS
        if unknown:
            raise _Unsupported(", ".join(sorted(unknown)))
        if "$id" in node:
            base = urljoin(base, node["$id"])
        general: list[Check] = []
        names: list[str] = []
        if "type" in node:
            names = [node["type"]] if isinstance(node["type"], str) else list(node["type"])
            if not all(n in _TYPES for n in names):
                raise _Unsupported(f"type {names}")
            tests = [_TYPES[n] for n in names]
            general.append(tests[0] if len(tests) == 1 else lambda v: any(f(v) for f in tests))
        allowed: frozenset[str] | None = None
        if "enum" in node:
            choices = node["enum"]
            if not all(isinstance(c, str) for c in choices):
                raise _Unsupported("non-string enum")
            allowed = frozenset(choices)
            general.append(lambda v: isinstance(v, str) and v in allowed)
        if "const" in node:
            const = node["const"]
            if isinstance(const, str):
                general.append(lambda v: isinstance(v, str) and v == const)
            elif _is_number(const):
                general.append(lambda v: _is_number(v) and v == const)
            else:
                raise _Unsupported("const")
        if "$ref" in node:
            general.append(self.ref(node["$ref"], base))
        for word in ("allOf", "anyOf", "oneOf"):
            if word in node:
                parts = [self.node(sub, base) for sub in node[word]]
                general.append(_COMBINATORS[word](parts))
        if "not" in node:
            negated = self.node(node["not"], base)
            general.append(lambda v: not negated(v))
        if "if" in node:
            cond = self.node(node["if"], base)
            then = self.node(node["then"], base) if "then" in node else _always
            other = self.node(node["else"], base) if "else" in node else _always
            general.append(lambda v: then(v) if cond(v) else other(v))
        obj = self._object(node, base)
        arr = self._array(node, base)
        text = self._string(node)
        num = self._number(node)
        # The common shapes get a check of their own: fewer calls, same answers.
        if len(general) == 1 and "$ref" in node and not (obj or arr or text or num) and general[0] is not _always:
            return general[0]  # the target checks the kind of value itself
        if names == ["string"] and len(general) == 1 + (allowed is not None) and not (obj or arr or num):
            return _string_only(node, allowed)
        if names == ["object"] and len(general) == 1 and obj and not (arr or text or num):
            return _only(dict, obj)
        if names == ["array"] and len(general) == 1 and arr and not (obj or text or num):
            return _only(list, arr)
        if not general and obj and not (arr or text or num):
            return _only(dict, obj, others=True)

        def check(value: t.Any) -> bool:
            kind = type(value)
            if kind not in _PLAIN:
                raise Unknown(kind.__name__)
            for f in general:
                if not f(value):
                    return False
            if kind is dict:
                return obj is None or obj(value)
            if kind is list:
                return arr is None or arr(value)
            if kind is str:
                return text is None or text(value)
            if kind is int or kind is float:
                return num is None or num(value)
            return True

        return check

    def _object(self, node: dict[str, t.Any], base: str) -> Check | None:
        if not {"properties", "additionalProperties", "required"} & set(node):
            return None
        props = {k: self.node(v, base) for k, v in node.get("properties", {}).items()}
        patterns = tuple((re.compile(k), self.node(v, base)) for k, v in node.get("patternProperties", {}).items())
        required = tuple(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        closed = extra is False
        more = None if extra is True or closed else self.node(extra, base)

        return _members(props, patterns, required, closed, more)

    def _array(self, node: dict[str, t.Any], base: str) -> Check | None:
        if not {"items", "minItems", "maxItems", "uniqueItems"} & set(node):
            return None
        if isinstance(node.get("items"), list):
            raise _Unsupported("items as a list")
        each = self.node(node["items"], base) if "items" in node and node["items"] is not False else None
        if node.get("items") is False:
            each = _never
        low, high = node.get("minItems", 0), node.get("maxItems")
        unique = node.get("uniqueItems") is True

        def check(value: list[t.Any]) -> bool:
            if len(value) < low or (high is not None and len(value) > high):
                return False
            if unique:
                if not all(type(v) is str for v in value):
                    raise Unknown("uniqueItems on items that are not strings")
                if len(set(value)) != len(value):
                    return False
            if each is not None:
                for item in value:
                    if not each(item):
                        return False
            return True

        return check

    @staticmethod
    def _string(node: dict[str, t.Any]) -> Check | None:
        if not {"minLength", "maxLength", "pattern"} & set(node):
            return None
        low, high = node.get("minLength", 0), node.get("maxLength")
        search = re.compile(node["pattern"]).search if "pattern" in node else None

        def check(value: str) -> bool:
            if len(value) < low or (high is not None and len(value) > high):
                return False
            return search is None or search(value) is not None

        return check

    @staticmethod
    def _number(node: dict[str, t.Any]) -> Check | None:
        bounds = [(word, node[word]) for word in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
                  if word in node]
        if not bounds:
            return None
        lo, hi = node.get("minimum"), node.get("maximum")
        xlo, xhi = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")

        def check(value: float) -> bool:
            # The same comparisons as jsonschema, so NaN and infinities get the same answers.
            if lo is not None and value < lo:
                return False
            if hi is not None and value > hi:
                return False
            if xlo is not None and value <= xlo:
                return False
            return not (xhi is not None and value >= xhi)

        return check


def _only(kind: type, inner: Check, *, others: bool = False) -> Check:
    """``inner`` on a value of exactly ``kind``; any other plain value gives ``others`` (False: the
    schema's type test fails it; True: the schema has no type test and nothing else for it)."""

    def check(value: t.Any) -> bool:
        if type(value) is kind:
            return inner(value)
        if type(value) in _PLAIN:
            return others
        raise Unknown(type(value).__name__)

    return check


def _string_only(node: dict[str, t.Any], allowed: frozenset[str] | None) -> Check:
    """A text schema (type string, optionally enum, lengths and pattern) in one function."""
    low, high = node.get("minLength", 0), node.get("maxLength")
    search = re.compile(node["pattern"]).search if "pattern" in node else None

    def check(value: t.Any) -> bool:
        if type(value) is str:
            if allowed is not None and value not in allowed:
                return False
            if len(value) < low or (high is not None and len(value) > high):
                return False
            return search is None or search(value) is not None
        if type(value) in _PLAIN:
            return False
        raise Unknown(type(value).__name__)

    return check


def _members(props: dict[str, Check], patterns: tuple[tuple[re.Pattern[str], Check], ...], required: tuple[str, ...],
             closed: bool, more: Check | None) -> Check:
    """The object keywords, with the check of each property name worked out once: its property's
    schema, then those of the patterns it matches (else additionalProperties); names repeat from item
    to item, so most members cost one lookup and one call."""
    plan: dict[t.Any, Check] = {}

    def planned(name: t.Any) -> Check:
        f = props.get(name)
        matched: list[Check] = []
        if patterns:
            if type(name) is not str:
                raise Unknown("a property name that is not text")
            matched = [g for pattern, g in patterns if pattern.search(name) is not None]
        if matched:
            parts = [f, *matched] if f is not None else matched
            found = _all_of(parts)
        elif f is not None:
            found = f
        else:
            found = _never if closed else (more or _always)
        if len(plan) < _NAMES_KEPT and type(name) is str and len(name) <= _NAME_KEPT_LENGTH:
            plan[name] = found
        return found

    def check(value: dict[str, t.Any]) -> bool:
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            g = plan.get(name)
            if g is None:
                g = planned(name)
            if not g(item):
                return False
        return True

    return check


def compile_check(schemas: t.Mapping[str, dict[str, t.Any]], name: str) -> Check | None:
    """The yes/no check for ``schemas[name]`` (others found by ``$id``); None when it cannot be compiled exactly.

    The check returns True or False exactly as jsonschema would, or raises :class:`Unknown`.
    """
    try:
        return _Compiler(schemas).node(schemas[name], schemas[name]["$id"])
    except _Unsupported:
        return None
