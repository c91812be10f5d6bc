"""The classification banner on one line: a font size that fits the width, and abbreviations when needed.

A classification that wraps onto a second line breaks the page frame (the banner overprints the
text) and a cut one hides a caveat. :func:`banner_fit` gives the text and the font size that keep
the whole banner on one line of a given width: the nominal size when it fits, a smaller one
when it does not (down to :data:`MIN_PT`); below that, the standard short forms of the caveats
and of the exercise marking; only a banner that still does not fit at :data:`FLOOR_PT` is cut,
with an ellipsis (the full text stays in the element's title and on the book's cover).
"""

from __future__ import annotations

import re
import typing as t

#: Advance width of one character of the banner, in em: bold capitals of Liberation Sans average
#: about 0.6-0.69 em, DejaVu Sans Bold (the fallback font) about 0.75; 0.72 errs on the wide side.
CHAR_EM = 0.72
PT_PER_MM = 72 / 25.4
#: Smallest size the banner shrinks to before its caveats and marking are abbreviated.
MIN_PT = 6.0
#: Smallest size at all; a banner that needs less is cut.
FLOOR_PT = 4.0
#: Standard short forms, applied in this order only when the banner does not fit at MIN_PT.
SHORT_FORMS = (
    (r"\bEXERCISE(\s+EXERCISE)+\b", "EXERCISE"),
    (r"\bNOT RELEASABLE TO FOREIGN NATIONALS\b", "NOFORN"),
    (r"\bFOR OFFICIAL USE ONLY\b", "FOUO"),
    (r"\bRELEASABLE TO\b", "REL TO"),
)


def banner_text(exercise: t.Mapping[str, t.Any]) -> str:
    """Classification and marking, as every page carries them."""
    return f"{exercise['classification']} — {exercise['marking']}"


def size_to_fit(text: str, width_mm: float, spacing_em: float = 0.0) -> float:
    """Largest font size (pt) at which ``text`` fits ``width_mm`` on one line (estimated)."""
    ems = max(len(text), 1) * (CHAR_EM + spacing_em)
    return width_mm * PT_PER_MM / ems


def abbreviate(text: str) -> str:
    """The banner with the standard short forms of its caveats and marking.

    >>> abbreviate("NATO RESTRICTED RELEASABLE TO EU — EXERCISE EXERCISE EXERCISE")
    'NATO RESTRICTED REL TO EU — EXERCISE'
    """
    for pattern, short in SHORT_FORMS:
        text = re.sub(pattern, short, text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


def banner_fit(exercise: t.Mapping[str, t.Any], width_mm: float, nominal_pt: float = 9.0,
               spacing_em: float = 0.08) -> dict[str, t.Any]:
    """How to print the banner on one line ``width_mm`` wide.

    Returns ``text`` (to print), ``full`` (the whole banner), ``size`` (pt, one decimal, rounded
    down), ``spacing`` (letter-spacing in em: the nominal one only at the nominal size),
    ``shrunk`` (size below nominal) and ``abbreviated``.

    >>> fit = banner_fit({"classification": "NATO UNCLASSIFIED", "marking": "EXERCISE"}, 186)
    >>> fit["size"], fit["shrunk"], fit["abbreviated"]
    (9.0, False, False)
    >>> fit = banner_fit({"classification": "X" * 120, "marking": "EXERCISE EXERCISE EXERCISE"}, 186)
    >>> fit["size"], fit["text"].endswith("— EXERCISE"), fit["abbreviated"]
    (5.5, True, True)
    """
    full = banner_text(exercise)
    text, abbreviated = full, False
    if size_to_fit(full, width_mm, spacing_em) >= nominal_pt:
        return {"text": full, "full": full, "size": nominal_pt, "spacing": spacing_em, "shrunk": False,
                "abbreviated": False}
    size = size_to_fit(full, width_mm)
    if size < MIN_PT:
        text = abbreviate(full)
        abbreviated = text != full
        size = size_to_fit(text, width_mm)
    if size < FLOOR_PT:
        room = int(width_mm * PT_PER_MM / (FLOOR_PT * CHAR_EM))
        text, size = text[:max(room - 1, 1)].rstrip() + "…", FLOOR_PT
    return {"text": text, "full": full, "size": min(int(size * 10) / 10, nominal_pt), "spacing": 0.0,
            "shrunk": True, "abbreviated": abbreviated}
