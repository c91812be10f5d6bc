"""Cell values → inject field values: text, references, lists, the method and threat vocabularies, custom values.

A cell's text first goes through the value maps (the column's, then the field's), then is read as
its field needs: a reference becomes the id it names (``MNB headquarters (MNB-HQ)`` → ``MNB-HQ``,
or a known name → its id), a list is split, a method or threat kind is read from exgen's labels
and common words. What is not recognised is kept as written, so validation reports it at the cell.
Times are read by :mod:`exgen.ingest.times`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import typing as t

#: Fields whose value is a list (each item read like a cell of its own).
LIST_FIELDS = frozenset({"to", "objectives", "threat.ids"})
#: Fields that name something in the definition by its id.
REFERENCE_FIELDS = frozenset({"from", "to", "net", "controller", "incident", "objectives"})
#: Longer reference texts are taken as written, not read as "Name (ID)".
MAX_REFERENCE = 500
_ID = re.compile(r"(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9_-])?")
_WORD_GAPS = re.compile(r"[\s_/-]+")

#: method: exgen's labels (templates/layout/macros.html.j2 method_label), its values and common words.
METHODS: dict[str, str] = {
    "radio": "radio", "voice radio": "radio", "vhf": "radio", "hf": "radio", "uhf": "radio", "radio net": "radio",
    "phone": "phone", "phone call": "phone", "telephone": "phone", "telephone call": "phone", "tel": "phone",
    "call": "phone", "mobile": "phone", "mobile phone": "phone", "cell phone": "phone", "sms": "phone",
    "email": "email", "e mail": "email", "mail": "email",
    "messenger": "messenger", "runner": "messenger", "courier": "messenger", "liaison officer": "messenger",
    "media": "media", "tv": "media", "television": "media", "press": "media", "newspaper": "media",
    "news": "media", "broadcast": "media", "press release": "media", "radio broadcast": "media",
    "social media": "social-media", "social": "social-media", "twitter": "social-media", "x": "social-media",
    "twitter x": "social-media", "facebook": "social-media", "telegram": "social-media",
    "in person": "in-person", "face to face": "in-person", "verbal": "in-person", "meeting": "in-person",
    "visit": "in-person",
    "document": "document", "hard copy": "document", "paper": "document", "letter": "document",
    "memo": "document", "written": "document", "written message": "document", "handout": "document",
    "c2 system": "c2-system", "c2": "c2-system", "c2is": "c2-system", "c2 message": "c2-system",
    "simulation": "simulation", "sim": "simulation", "simulation event": "simulation",
    "chat": "chat", "instant message": "chat", "im": "chat", "jchat": "chat",
}
#: threat.kind: exgen's labels (macros.html.j2 threat_label), its values and common words.
THREAT_KINDS: dict[str, str] = {
    "disinformation": "disinformation", "disinfo": "disinformation", "information operations": "disinformation",
    "fimi": "disinformation", "propaganda": "disinformation",
    "cyber": "cyber", "cyber attack": "cyber", "cyberattack": "cyber",
    "gnss jamming": "gnss-jamming", "gps jamming": "gnss-jamming", "gnss": "gnss-jamming",
    "gnss spoofing": "gnss-jamming",
    "electronic warfare": "electronic-warfare", "ew": "electronic-warfare", "jamming": "electronic-warfare",
    "sabotage": "sabotage", "paramilitary": "paramilitary", "organised crime": "organised-crime",
    "organized crime": "organised-crime", "crime": "organised-crime", "conventional": "conventional",
    "c2": "c2", "c2 event": "c2", "logistics": "logistics", "civil emergency": "civil-emergency",
    "cbrn": "cbrn", "cbrne": "cbrn",
}


def value_key(text: str) -> str:
    """How a cell's text is looked up in a value map: case and spacing do not matter.

    >>> value_key("  Phone   CALL ")
    'phone call'
    """
    return " ".join(text.split()).casefold()


def quoted(text: str, limit: int = 60) -> str:
    """``'text'`` for a message, cut short when it is long.

    >>> quoted("Inject No."), quoted("x" * 80, 10)
    ("'Inject No.'", "'xxxxxxxx…'")
    """
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 2]}…'"


def text_of(value: t.Any) -> str:
    """A cell value as text: whole numbers without ``.0``, date-times in ISO form, line ends as ``\\n``.

    >>> text_of(12.0), text_of(1.5), text_of(True), text_of(dt.datetime(2027, 5, 10, 7, 30)), text_of(" a\\r\\nb ")
    ('12', '1.5', 'yes', '2027-05-10T07:30:00', 'a\\nb')
    """
    if type(value) is str:  # most cells: no conversion to look for
        return (value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value).strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def mapped(text: str, maps: t.Sequence[t.Mapping[str, str]]) -> str | None:
    """What the first value map holding ``text`` gives for it, or None."""
    if not maps:
        return None
    key = value_key(text)
    for table in maps:
        if key in table:
            return table[key]
    return None


#: A ``split`` that separates items on semicolons and new lines only (never on commas, which names hold).
ITEMS = ";\n"


def split_items(text: str, split: str | None = None) -> list[str]:
    """A list cell's items: split on ``split``, else on ``;`` and new lines, else on ``,``.

    >>> split_items("A; B\\nC"), split_items("A, B"), split_items("A | B", "|"), split_items(" ; ")
    (['A', 'B', 'C'], ['A', 'B'], ['A', 'B'], [])
    """
    if split == ITEMS:
        parts = re.split(r"[;\n]", text)
    elif split is not None:
        parts = text.split(split)
    elif ";" in text or "\n" in text:
        parts = re.split(r"[;\n]", text)
    else:
        parts = text.split(",")
    return [part.strip() for part in parts if part.strip()]


def reference(text: str, known: t.Mapping[str, str]) -> str:
    """The id a reference cell names: a known name or id, ``Name (ID)``, or the text as written.

    >>> reference("MNB headquarters (MNB-HQ)", {}), reference("mnb hq", {"mnb hq": "MNB-HQ"}), reference("Mayor", {})
    ('MNB-HQ', 'MNB-HQ', 'Mayor')
    """
    text = " ".join(text.split())
    found = known.get(text.casefold())
    if found is not None:
        return found
    opening = text.rfind("(") if text.endswith(")") and len(text) <= MAX_REFERENCE else -1
    if opening > 0 and ")" not in text[opening:-1]:
        inner, name = text[opening + 1: -1].strip(), text[:opening].strip()
        for candidate in (inner, name):
            found = known.get(candidate.casefold())
            if found is not None:
                return found
        if _ID.fullmatch(inner) and any(c.isupper() or c.isdigit() or c in "-_." for c in inner):
            return inner  # looks like an id (a plain word in brackets, "(acting)", is part of the name)
    return text


def method(text: str) -> str:
    """A delivery method from exgen's labels and common words; else the text as written.

    >>> method("Phone call"), method("E-mail"), method("Face to face"), method("C2 system"), method("fax")
    ('phone', 'email', 'in-person', 'c2-system', 'fax')
    """
    return METHODS.get(_words(text), text)


def threat_kind(text: str) -> str:
    """A threat kind from exgen's labels and kinds; else the text as written.

    >>> threat_kind("GNSS jamming"), threat_kind("C2 event"), threat_kind("Civil-emergency"), threat_kind("Aliens")
    ('gnss-jamming', 'c2', 'civil-emergency', 'Aliens')
    """
    return THREAT_KINDS.get(_words(text), text)


def threat_id(text: str) -> str:
    """A catalogue reference: the item's first word (exgen writes ``DISARM:T0023 Distort Facts``).

    >>> threat_id("DISARM:T0023 Distort Facts")
    'DISARM:T0023'
    """
    return text.split()[0] if text.split() else text


def serial(value: t.Any) -> t.Any:
    """A serial number as a whole number; anything else as text (validation says what is wrong).

    >>> serial(12.0), serial(" 7 "), serial("7a")
    (12, 7, '7a')
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = text_of(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else text


def custom(value: t.Any, split: str | None = None) -> t.Any:
    """A custom ``x-`` value as read: text, a whole number, a number, true/false; date-times as ISO text.

    >>> custom(3.0), custom(2.5), custom(False), custom(dt.date(2027, 5, 10)), custom("a; b", ";")
    (3, 2.5, False, '2027-05-10', ['a', 'b'])
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value) if value == int(value) else value
    text = text_of(value)
    return split_items(text, split) if split is not None else text


def convert(name: str, value: t.Any, *, known: t.Mapping[str, str], split: str | None = None,
            maps: t.Sequence[t.Mapping[str, str]] = ()) -> t.Any:
    """The value of field ``name`` a cell gives (value maps first); an empty text or list when it gives none.

    >>> convert("to", "Brigade; ME-1BN", known={}, maps=[{"brigade": "MNB-HQ"}])
    ['MNB-HQ', 'ME-1BN']
    """
    text = text_of(value)
    hit = mapped(text, maps)
    if name.startswith("x-"):
        return custom(value if hit is None else hit, split)
    if name in LIST_FIELDS:
        items = split_items(text if hit is None else hit, split)
        if hit is None:
            items = [item if (one := mapped(item, maps)) is None else one for item in items]
        if name == "threat.ids":
            return [threat_id(item) for item in items]
        return [reference(item, known) for item in items if item]
    if hit is not None:
        return _single(name, hit, hit, known)
    return _single(name, value, text, known)


def _single(name: str, value: t.Any, text: str, known: t.Mapping[str, str]) -> t.Any:
    """One value of a single-valued field."""
    if name == "serial":
        return serial(value)
    if name in REFERENCE_FIELDS:
        return reference(text, known)
    if name == "method":
        return method(text)
    if name == "threat.kind":
        return threat_kind(text)
    return text


def _words(text: str) -> str:
    """Text compared with a vocabulary: case, spaces, hyphens, underscores and slashes do not matter."""
    return _WORD_GAPS.sub(" ", text).strip().casefold()
