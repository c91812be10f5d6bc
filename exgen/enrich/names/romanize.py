"""Latin-script names for cards, and ASCII for e-mail addresses.

Faker gives Bulgarian, Macedonian, Ukrainian, Russian and Greek names in their own scripts; the
exercise documents are written in Latin script, so a persona shows the name the way the nation's
passports romanize it and keeps the original beside it.
"""

from __future__ import annotations

import re
import unicodedata


def _table(letters: str, latin: str) -> dict[str, str]:
    """A transliteration table: each letter to its space-separated Latin form, in order."""
    return dict(zip(letters, latin.split(), strict=True))


# Bulgarian: the official Streamlined System (Transliteration Act 2009).
_BG = _table("абвгдежзийклмнопрстуфхцчшщъьюя",
             "a b v g d e zh z i y k l m n o p r s t u f h ts ch sh sht a y yu ya")
# Macedonian: the official system (also BGN/PCGN 2013).
_MK = _table("абвгдѓежзѕијклљмнњопрстќуфхцчџш",
             "a b v g d gj e zh z dz i j k l lj m n nj o p r s t kj u f h c ch dj sh")
# Ukrainian: the national system (Cabinet of Ministers resolution 55, 2010); word-initial forms below.
_UK = _table("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
             "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia")
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# Russian: ICAO Doc 9303 (machine-readable passports).
_RU = _table("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
             "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y _ e iu ia")
# Greek: ELOT 743 / UN, single letters; digraphs are handled in _greek.
_EL = _table("αβγδεζηθικλμνξοπρσςτυφχψω",
             "a v g d e z i th i k l m n x o p r s s t y f ch ps o")
_EL_VOICED = set("βγδζλμνραεηιουω")
_CYRILLIC = {"bg_BG": _BG, "mk_MK": _MK, "uk_UA": _UK, "ru_RU": _RU}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_GREEK_OR_CYRILLIC = re.compile("[\u0370-\u04ff]")


def needs_romanizing(text: str) -> bool:
    """True when ``text`` holds Cyrillic or Greek letters.

    >>> needs_romanizing("Матевски"), needs_romanizing("Đukanović")
    (True, False)
    """
    return _GREEK_OR_CYRILLIC.search(text) is not None


def romanize(text: str, locale: str) -> str:
    """``text`` in Latin script by the national system of ``locale``'s language.

    >>> romanize("Даниел Матевски", "mk_MK"), romanize("Христо Стоичков", "bg_BG")
    ('Daniel Matevski', 'Hristo Stoichkov')
    >>> romanize("Γιώργος Παπαδόπουλος", "el_GR")
    'Giorgos Papadopoulos'
    """
    if not needs_romanizing(text):
        return text
    if locale.startswith("el"):
        return _WORD.sub(lambda m: _recase(m.group(), _greek(_strip_marks(m.group()).lower())), text)
    table = _CYRILLIC.get(locale, _RU)
    if locale == "uk_UA":
        text = text.replace("'", "").replace("\u02bc", "")  # the apostrophe is not romanized
    return _WORD.sub(lambda m: _recase(m.group(), _cyrillic(m.group().lower(), table, locale)), text)


def _recase(original: str, latin: str) -> str:
    """Give ``latin`` the capital initial (or all capitals) of ``original``."""
    if original.isupper() and len(original) > 1:
        return latin.upper()
    if original[:1].isupper():
        return latin[:1].upper() + latin[1:]
    return latin


def _cyrillic(word: str, table: dict[str, str], locale: str) -> str:
    """One lower-case Cyrillic word, letter by letter with the language's special cases."""
    out = []
    for i, ch in enumerate(word):
        if locale == "uk_UA" and i == 0 and ch in _UK_INITIAL:
            out.append(_UK_INITIAL[ch])
        elif locale == "uk_UA" and ch == "г" and i > 0 and word[i - 1] == "з":
            out.append("gh")  # зг → zgh keeps it apart from ж (zh)
        else:
            out.append(table.get(ch, ch))
    latin = "".join(out).replace("_", "")
    if locale == "bg_BG" and word.endswith("ия"):
        latin = latin[: -len("iya")] + "ia"  # the Act's one exception: final -ия is -ia
    return latin


def _greek(word: str) -> str:
    """One lower-case, unaccented Greek word by ELOT 743."""
    out, i = [], 0
    while i < len(word):
        pair, nxt = word[i:i + 2], word[i + 2:i + 3]
        if pair == "ου":
            out.append("ou")
        elif pair in ("αυ", "ευ", "ηυ"):
            out.append(_EL[pair[0]] + ("v" if nxt and nxt in _EL_VOICED else "f"))
        elif pair == "μπ":
            out.append("b" if i == 0 else "mp")
        elif pair == "ντ":
            out.append("d" if i == 0 else "nt")
        elif pair == "γγ":
            out.append("ng")
        elif pair == "γκ":
            out.append("g" if i == 0 else "gk")
        elif pair == "γξ":
            out.append("nx")
        elif pair == "γχ":
            out.append("nch")
        else:
            out.append(_EL.get(word[i], word[i]))
            i += 1
            continue
        i += 2
    return "".join(out)


def _strip_marks(text: str) -> str:
    """``text`` without accents and diaereses."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


# Letters that do not decompose into a base letter plus a mark.
_SPECIAL = {
    "Đ": "Dj", "đ": "dj", "Ł": "L", "ł": "l", "ß": "ss", "Æ": "Ae", "æ": "ae", "Ø": "O", "ø": "o",
    "Œ": "Oe", "œ": "oe", "Þ": "Th", "þ": "th", "Ð": "D", "ð": "d", "ı": "i", "Ə": "E", "ə": "e",
    "Ħ": "H", "ħ": "h",
}
_SPECIAL_TABLE = str.maketrans(_SPECIAL)


def to_ascii(text: str, locale: str = "") -> str:
    """``text`` in plain ASCII: romanized, accents dropped, Đ→Dj, ß→ss; anything else removed.

    >>> to_ascii("Đukanović"), to_ascii("Skënder Çela"), to_ascii("Матевски", "mk_MK")
    ('Djukanovic', 'Skender Cela', 'Matevski')
    """
    if needs_romanizing(text):
        text = romanize(text, locale or "ru_RU")
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_TABLE))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slug(text: str, limit: int = 40) -> str:
    """Lower-case ASCII words joined by hyphens, at most ``limit`` characters (a DNS-safe label).

    >>> slug("Radio-Televizija Crne Gore (RTCG)")
    'radio-televizija-crne-gore-rtcg'
    """
    words = re.findall(r"[a-z0-9]+", to_ascii(text).lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")
