"""APP-6 unit symbols drawn from a SIDC by the ``military-symbol`` library, made safe to embed.

The library's SVG passes through an allow-list (elements, attributes, style properties), so the
markup a template receives holds drawing primitives only: no scripts, links, ids, styles sheets
or text from the definition. An SIDC the library cannot draw gets a plain frame instead; a build
never fails on a symbol.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import typing as t
import xml.etree.ElementTree as ET

from markupsafe import Markup

from exgen.core import cache

_SVG_NS = "http://www.w3.org/2000/svg"
#: The library's drawing style (part of the cache key).
_STYLE = "light"
#: APP-6(D) / MIL-STD-2525D SIDCs are 20 digits; the library draws no other form.
_SIDC = re.compile(r"^[0-9]{20}$")
#: The library draws every symbol on this square canvas (frame, echelon above, HQ staff below).
_CANVAS = "0 0 67.733332 67.733332"
_ELEMENTS = {"svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon"}
_ATTRIBUTES = {
    "d", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linejoin", "stroke-linecap",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "stroke-opacity", "opacity", "transform",
    "x", "y", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2", "points", "width", "height", "display",
}
_STYLE_PROPERTIES = {"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linejoin",
                     "stroke-linecap", "stroke-opacity", "stroke-dasharray", "stroke-miterlimit", "opacity",
                     "display"}
#: Attribute values are numbers, paths, colours, transforms: nothing that can point elsewhere.
_VALUE = re.compile(r"^[#A-Za-z0-9 .,+\-()]*$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def symbol_svg(sidc: t.Any, size: t.Any = 48) -> Markup:
    """A self-contained ``<svg>`` element, ``size`` units square, drawing the symbol for ``sidc``.

    Embeds inside another SVG (place it with a ``<g transform="translate(x y)">``) or in HTML.
    An unknown or malformed SIDC gives a plain dashed frame marked "?".

    >>> "<path" in symbol_svg("10031000161211000000", 40)
    True
    >>> "fallback" in symbol_svg("not a sidc", 40)
    True
    """
    return Markup(_symbol(str(sidc or ""), _size(size)))


def _size(size: t.Any) -> str:
    """The size as a short, safe number (10–1000)."""
    try:
        value = min(max(float(size), 10.0), 1000.0)
    except (TypeError, ValueError):
        value = 48.0
    return f"{value:g}"


@functools.lru_cache(maxsize=4096)
def _symbol(sidc: str, size: str) -> str:
    body = _library_body(sidc) if _SIDC.match(sidc) else None
    if body is None:
        return _fallback(size)
    return (f'<svg xmlns="{_SVG_NS}" class="app6" width="{size}" height="{size}" viewBox="{_CANVAS}" '
            f'overflow="visible">{body}</svg>')


@functools.lru_cache(maxsize=4096)
def _library_body(sidc: str) -> str | None:
    """The sanitised inner markup the library draws for ``sidc``, or None when it cannot."""
    raw = _drawn(sidc)
    if not raw or not raw.strip():
        return None
    try:
        root = ET.fromstring(raw.encode("utf-8") if raw.lstrip().startswith("<?xml") else raw)
    except ET.ParseError:
        return None
    if _local(root.tag) != "svg":
        return None
    parts = [_clean(child) for child in root]
    body = "".join(p for p in parts if p)
    return body if "<path" in body or "<circle" in body or "<rect" in body or "<ellipse" in body else None


def _drawn(sidc: str) -> str | None:
    """The library's own SVG for ``sidc`` ('' when it cannot draw it), from the cache when it is there.

    Importing the library costs ~1.4 s (it pulls in numpy and scipy), so what it drew is kept in
    exgen's cache directory, keyed by its version and the drawing options. The cache holds the
    library's raw output; it passes the same allow-list as fresh output before any use.
    """
    entry = cache.key("symbol", _library_version(), _STYLE, sidc)
    kept = cache.read("symbols", entry)
    if kept is not None:
        return kept.decode("utf-8", "replace")
    try:
        ms = _library()
        # The library reports problems with print(); keep them out of the user's terminal.
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            raw = ms.get_symbol_svg_string_from_sidc(sidc, bounding_padding=-1, style=_STYLE)
    except Exception:  # any library failure means "draw the fallback"
        return None
    text = raw if isinstance(raw, str) else ""
    cache.write("symbols", entry, text.encode("utf-8"))
    return text


@functools.cache
def _library_version() -> str:
    """military-symbol's version, read from its metadata without importing it."""
    from importlib import metadata

    try:
        return metadata.version("military-symbol")
    except metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def _library() -> t.Any:
    """The library, imported on first use (it pulls in numpy; ``exgen --help`` should not)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import military_symbol

    return military_symbol


def _local(tag: t.Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(element: ET.Element) -> str:
    """One element and its children re-serialised through the allow-list ('' if refused)."""
    name = _local(element.tag)
    if name not in _ELEMENTS:
        return ""
    attrs = []
    for key, value in sorted(element.attrib.items()):
        key = _local(key)
        if key == "style":
            value = _clean_style(value)
            if value:
                attrs.append(f'style="{value}"')
        elif key in _ATTRIBUTES and _VALUE.match(value) and "url" not in value.lower():
            attrs.append(f'{key}="{value}"')
    inner = "".join(_clean(child) for child in element)
    # Nested <svg> elements would need their own viewport; the library never nests, so flatten.
    tag = "g" if name == "svg" else name
    if tag == "g":
        attrs = [a for a in attrs if not a.startswith(("width=", "height=", "x=", "y="))]
    head = " ".join([tag, *attrs])
    return f"<{head}>{inner}</{tag}>" if inner else f"<{head}/>"


def _clean_style(style: str) -> str:
    kept = []
    for decl in style.split(";"):
        prop, _, value = decl.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if prop in _STYLE_PROPERTIES and _VALUE.match(value) and "url" not in value.lower():
            kept.append(f"{prop}:{value}")
    return ";".join(kept)


def _fallback(size: str) -> str:
    """A dashed frame with a question mark: the symbol is unknown, the chart still prints."""
    return (f'<svg xmlns="{_SVG_NS}" class="app6 fallback" width="{size}" height="{size}" viewBox="{_CANVAS}">'
            '<rect x="8.2" y="16.9" width="51.3" height="33.9" fill="#ffffff" stroke="#000000" '
            'stroke-width="1.06" stroke-dasharray="4 2.5"/>'
            '<path d="M28.9 29.4c0-3.3 2.3-5.3 5.1-5.3s5 1.9 5 4.6c0 3.4-4.4 3.6-4.4 7.4" fill="none" '
            'stroke="#000000" stroke-width="2.2" stroke-linecap="round"/>'
            '<circle cx="34.6" cy="41.8" r="1.6" fill="#000000"/></svg>')

