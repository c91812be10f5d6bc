"""The template sandbox: Jinja's immutable sandbox, bounded in what one expression may build.

Jinja's sandbox stops templates reaching Python internals and changing the data; it does not
stop ``{{ 'x' * 10**9 }}``, ``{{ '' | center(10**9) }}`` or ``{{ 10 ** (10 ** 9) }}``, which
exhaust memory or time in one step. :class:`BoundedSandbox` checks, *before* computing them:

- the operators ``*``, ``**``, ``+`` and ``%`` (repetition, huge integers, concatenation,
  printf widths), and ``~`` (its result);
- calls of string methods that grow text (``center``, ``ljust``, ``rjust``, ``zfill``,
  ``expandtabs``, ``replace``, ``join``, ``translate``, ``format``, ``format_map``);
- filters and globals with a size argument (``center``, ``indent``, ``wordwrap``, ``format``,
  ``join``, ``replace``, ``batch``, ``slice``, ``tojson``, ``join_ids``, ``circle_polygon``,
  ``lipsum``);

against :data:`MAX_TEXT` characters, :data:`MAX_ITEMS` list items and :data:`MAX_INT_BITS`.
Going over raises :class:`TemplateLimit`: a ``template-error`` located at the template line.
A template that nests too deeply to compile (a thousand brackets) is :class:`TooDeep`, also a
``template-error``, at the line where it nests deepest. Whatever these checks cannot foresee (a macro that doubles its
text in a loop, a template that recurses forever) ends at the CPU-time, memory and recursion
limits (:mod:`exgen.render.limits`, :mod:`exgen.render.stream`).
"""

from __future__ import annotations

import functools
import re
import string
import typing as t
from types import BuiltinMethodType

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import TemplateModule
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import Markup

if t.TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.runtime import Context

#: Characters in one string a template builds (the largest file a template may write, too).
MAX_TEXT = 64 * 1024 * 1024
#: Items in one list a template builds.
MAX_ITEMS = 1_000_000
#: Bits of one integer a template computes (about 19,700 decimal digits).
MAX_INT_BITS = 65_536
#: Largest ``tojson`` indent.
MAX_JSON_INDENT = 64
#: Digits of a number inside a format string (a width of 10**12 is not a width).
_MAX_DIGITS = 12
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


class TemplateLimit(jinja2.TemplateRuntimeError):
    """A template asked for more than the sandbox allows; the message says what and how much."""


class TooDeep(jinja2.TemplateSyntaxError):
    """A template nests too deeply to compile (reported as a ``template-error``, like recursion)."""


def check_text(size: int, what: str) -> None:
    """Refuse text of ``size`` characters, made by ``what``."""
    if size > MAX_TEXT:
        raise TemplateLimit(f"{what} would make a text of {size:,} characters; a template may build at most "
                            f"{MAX_TEXT:,}")


def check_items(count: int, what: str) -> None:
    """Refuse a list of ``count`` items, made by ``what``."""
    if count > MAX_ITEMS:
        raise TemplateLimit(f"{what} would make {count:,} items; a template may build at most {MAX_ITEMS:,}")


def _size(value: t.Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _number(value: t.Any) -> int:
    return abs(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def check_binop(operator: str, left: t.Any, right: t.Any) -> None:
    """Refuse ``left operator right`` when its result would be too large."""
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes)) and isinstance(count, int):
                check_text(len(seq) * max(count, 0), "repeating a text")
            elif isinstance(seq, (list, tuple)) and isinstance(count, int):
                check_items(len(seq) * max(count, 0), "repeating a list")
        if isinstance(left, int) and isinstance(right, int):
            _check_bits(_number(left).bit_length() + _number(right).bit_length())
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and _number(left) > 1:
        _check_bits(right * _number(left).bit_length())
    elif operator == "+" and isinstance(left, (str, bytes)) and isinstance(right, (str, bytes)):
        check_text(len(left) + len(right), "joining two texts")
    elif operator == "+" and isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        check_items(len(left) + len(right), "joining two lists")
    elif operator == "%" and isinstance(left, str):
        check_printf(left, right)


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimit(f"the arithmetic would make an integer of about {bits:,} bits; a template may "
                            f"compute at most {MAX_INT_BITS:,}")


def _width(digits: str) -> int:
    if len(digits) > _MAX_DIGITS:
        raise TemplateLimit(f"a format width of {len(digits)} digits is not a width")
    return int(digits)


def check_printf(fmt: str, values: t.Any) -> None:
    """Refuse a printf-style format (``'%-30s' % x``, ``'%s' | format(x)``) whose widths would
    make too much text."""
    stars = max((_number(v) for v in (values if isinstance(values, tuple) else (values,))), default=0)
    total = len(fmt) + sum(len(str(v)) for v in (values if isinstance(values, tuple) else (values,))
                           if isinstance(v, str))
    for match in _PRINTF.finditer(fmt):
        for group in match.groups():
            total += stars if group == "*" else _width(group) if group else 0
    check_text(total, "the format")


def check_format(fmt: str, args: t.Sequence[t.Any], kwargs: t.Mapping[str, t.Any]) -> None:
    """Refuse a ``str.format`` string whose field widths would make too much text."""
    values = [*args, *kwargs.values()]
    nested = max((_number(v) for v in values), default=0)
    total = len(fmt) + sum(len(v) for v in values if isinstance(v, str))
    for _literal, _field, spec, _conversion in string.Formatter().parse(fmt):
        if spec:
            total += nested if "{" in spec else 0
            total += sum(_width(d) for d in re.findall(r"\d+", spec))
    check_text(total, "the format")


def check_str_method(text: str, name: str, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> tuple[t.Any, ...]:
    """Refuse a call of string method ``name`` on ``text`` that would make too much text; the
    arguments to call it with (an iterable given to ``join`` is read once, into a list)."""
    first = args[0] if args else None
    if name in ("center", "ljust", "rjust", "zfill"):
        check_text(_number(first if args else kwargs.get("width")), f"str.{name}")
    elif name == "expandtabs":
        check_text(len(text) * max(_number(first if args else kwargs.get("tabsize", 8)), 1), "str.expandtabs")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        hits = text.count(args[0]) if args[0] else len(text) + 1
        check_text(len(text) + hits * _size(args[1]), "str.replace")
    elif name == "join" and args:
        items = list(t.cast("t.Iterable[t.Any]", first))
        check_items(len(items), "str.join")
        check_text(sum(_size(i) for i in items) + len(text) * max(len(items) - 1, 0), "str.join")
        return (items, *args[1:])
    elif name == "translate" and isinstance(first, dict):
        longest = max((_size(v) for v in first.values()), default=1)
        check_text(len(text) * max(longest, 1), "str.translate")
    elif name in ("format", "format_map"):
        check_format(text, args if name == "format" else (), kwargs if name == "format" else
                     (first if isinstance(first, dict) else {}))
    return args


# Filters and globals with a size argument: a check of the arguments the template gave (after
# any context/environment argument Jinja passes first); it may replace args[0] (an iterable read once).
def _center(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    check_text(_number(args[1] if len(args) > 1 else kw.get("width", 80)), "the center filter")


def _indent(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    width = args[1] if len(args) > 1 else kw.get("width", 4)
    each = len(width) if isinstance(width, str) else _number(width)
    check_text(each, "the indent filter")
    check_text(_size(args[0]) + (str(args[0]).count("\n") + 1) * each, "the indent filter")


def _wordwrap(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    width = max(_number(args[1] if len(args) > 1 else kw.get("width", 79)), 1)
    wrap = args[3] if len(args) > 3 else kw.get("wrapstring") or "\n"
    check_text(_size(args[0]) + (_size(args[0]) // width + 1) * _size(wrap), "the wordwrap filter")


def _format(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    if isinstance(args[0], str):
        check_printf(args[0], tuple(args[1:]) if args[1:] else kw)


def _join(args: list[t.Any], kw: dict[str, t.Any], sep_default: str = "", what: str = "the join filter") -> None:
    args[0] = list(args[0])
    sep = args[1] if len(args) > 1 else kw.get("d", kw.get("sep", sep_default))
    check_items(len(args[0]), what)
    check_text(sum(_size(v) for v in args[0]) + _size(sep) * max(len(args[0]) - 1, 0), what)


def _join_ids(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    _join(args, kw, ", ", "the join_ids filter")


def _replace(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    if len(args) >= 3 and isinstance(args[0], str) and isinstance(args[1], str):
        hits = args[0].count(args[1]) if args[1] else len(args[0]) + 1
        check_text(len(args[0]) + hits * _size(args[2]), "the replace filter")


def _batch(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    check_items(_number(args[1] if len(args) > 1 else kw.get("linecount", 0)), "the batch filter")


def _slice(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    check_items(_number(args[1] if len(args) > 1 else kw.get("slices", 0)), "the slice filter")


def _tojson(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    indent = args[1] if len(args) > 1 else kw.get("indent")
    if (_size(indent) if isinstance(indent, str) else _number(indent)) > MAX_JSON_INDENT:
        raise TemplateLimit(f"tojson indent {indent!r} is too wide; at most {MAX_JSON_INDENT}")


def _vertices(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    check_items(_number(args[1] if len(args) > 1 else kw.get("vertices", 64)), "circle_polygon")


def _lipsum(args: list[t.Any], kw: dict[str, t.Any]) -> None:
    count = _number(args[0] if args else kw.get("n", 5))
    check_items(count * max(_number(args[3] if len(args) > 3 else kw.get("max", 100)), 1), "lipsum")


FILTER_CHECKS: dict[str, t.Callable[[list[t.Any], dict[str, t.Any]], None]] = {
    "center": _center, "indent": _indent, "wordwrap": _wordwrap, "format": _format, "join": _join,
    "replace": _replace, "batch": _batch, "slice": _slice, "tojson": _tojson, "join_ids": _join_ids,
    "circle_polygon": _vertices,
}
GLOBAL_CHECKS = {"lipsum": _lipsum}


def bounded(function: t.Callable[..., t.Any], check: t.Callable[[list[t.Any], dict[str, t.Any]], None]
            ) -> t.Callable[..., t.Any]:
    """``function`` (a filter or global) with ``check`` run on the template's arguments first; it keeps
    the marker that makes Jinja pass it the context or environment."""
    skip = 1 if hasattr(function, "jinja_pass_arg") else 0

    @functools.wraps(function)
    def checked(*args: t.Any, **kwargs: t.Any) -> t.Any:
        given = list(args[skip:])
        if given or kwargs:
            check(given or [None], kwargs)
        return function(*args[:skip], *given, **kwargs)

    return checked


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every ``~`` concatenation's result measured."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


def deepest_line(env: jinja2.Environment, source: str) -> int:
    """The line of ``source`` where its nesting is deepest: open brackets plus operators and
    filters inside one tag, and blocks inside one another (1 when it cannot be lexed)."""
    best, line = -1, 1
    depth = blocks = 0
    tag_name = False  # the next name token names a block tag
    try:
        for lineno, kind, value in env.lex(source):
            if kind in ("variable_begin", "block_begin"):
                depth, tag_name = 0, kind == "block_begin"
            elif kind == "operator":
                depth += -1 if value in ")]}" else 1 if value in "([{" or value in _OPERATORS else 0
            elif kind == "name" and tag_name:
                tag_name = False
                blocks += -1 if value.startswith("end") else 1 if value in _BLOCK_TAGS else 0
            elif kind == "name" and value == "not":
                depth += 1
            if depth + blocks > best:
                best, line = depth + blocks, lineno
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError):
        pass
    return line


_OPERATORS = {"+", "-", "*", "/", "//", "%", "**", "~", "|", "."}
#: Every attribute a plain dict has: ``item.name`` on a dict is its key ``name`` unless it is one.
_DICT_ATTRIBUTES = frozenset(dir(dict))
#: Types whose attributes are safe or not by type and name alone (the answer is remembered): plain
#: data, and what Jinja itself hands a template (``loop``, an imported module, a namespace, markup).
_PLAIN_TYPES = frozenset({dict, list, tuple, str, int, float, bool, type(None), Markup, LoopContext, TemplateModule,
                          Namespace})
_BLOCK_TAGS = {"for", "if", "macro", "call", "filter", "block", "with", "autoescape"}


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with the size checks above."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = BoundedCodeGenerator

    def __init__(self, **options: t.Any) -> None:
        self._safe_attributes: dict[tuple[type, str], bool] = {}
        super().__init__(**options)
        self.bound_callables()

    def bound_callables(self) -> None:
        """Wrap the filters and globals with a size argument (call again after adding filters)."""
        tables: tuple[tuple[t.MutableMapping[str, t.Any], dict[str, t.Any]], ...] = (
            (self.filters, FILTER_CHECKS), (self.globals, GLOBAL_CHECKS))
        for table, checks in tables:
            for name, check in checks.items():
                if name in table and not getattr(table[name], "exgen_bounded", False):
                    table[name] = bounded(table[name], check)
                    setattr(table[name], "exgen_bounded", True)  # noqa: B010

    def getattr(self, obj: t.Any, attribute: str) -> t.Any:
        """Jinja's sandboxed ``obj.attribute``; on a plain dict, a key that is no dict attribute is
        looked up directly (what Jinja does after getattr fails, without raising AttributeError)."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: t.Any, attr: str, value: t.Any) -> bool:
        """Jinja's answer, remembered for plain types (where it depends on type and name only)."""
        kind = type(obj)
        if kind not in _PLAIN_TYPES:
            return super().is_safe_attribute(obj, attr, value)
        key = (kind, attr)
        known = self._safe_attributes.get(key)
        if known is None:
            known = self._safe_attributes[key] = super().is_safe_attribute(obj, attr, value)
        return known

    def call_binop(self, context: Context, operator: str, left: t.Any, right: t.Any) -> t.Any:
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: Context, obj: t.Any, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        kind = type(obj)
        # The two callables templates call most, without the lookups below (each a failed one):
        # a template's macro, and a method written in C (dict.get, str.upper). Neither can be
        # marked unsafe (Jinja's is_safe_callable), so either goes straight to the call.
        if kind is Macro:
            return context.call(obj, *args, **kwargs)
        if kind is BuiltinMethodType:
            owner = obj.__self__
            if isinstance(owner, str):
                args = check_str_method(owner, obj.__name__, args, kwargs)
            return context.call(obj, *args, **kwargs)
        method = getattr(obj, "__wrapped__", obj)  # the sandbox wraps str.format
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            args = check_str_method(owner, getattr(method, "__name__", ""), args, kwargs)
        return super().call(context, obj, *args, **kwargs)

    def compile(self, source: t.Any, name: str | None = None, filename: str | None = None,
                raw: bool = False, defer_init: bool = False) -> t.Any:
        """Jinja's compile; a template too deeply nested to parse or compile (Python's recursion or
        nesting limits) is a TemplateSyntaxError at the line where it nests deepest."""
        try:
            # raw is passed through as given, so either of Jinja's two overloads applies
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload]
        except (RecursionError, MemoryError, SyntaxError):
            line = deepest_line(self, source) if isinstance(source, str) else 1
            raise TooDeep(
                "the template nests too deeply to compile (brackets, operators, filters or blocks inside one "
                "another); split the expression with {% set %} or a macro", line, name, filename) from None

    @staticmethod
    def checked_concat(text: t.Any) -> t.Any:
        """The result of a ``~`` concatenation, refused when too long."""
        check_text(len(text), "the ~ concatenation")
        return text
