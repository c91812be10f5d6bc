"""Text fitting: the estimated printed width of a label, and the user's own names cut with an
ellipsis or wrapped over lines so they fit a lane label or an ORBAT box."""

from __future__ import annotations

#: Rough advance width of one character per unit of font size (sans-serif, mixed case).
CHAR_W = 0.6
#: What bold adds to that advance width, per unit of font size.
BOLD_EXTRA_W = 0.07


def text_width(text: str, font: float, bold: bool = False) -> float:
    """Estimated printed width of ``text`` at ``font`` size (the estimate :func:`fit` cuts to).

    >>> text_width("ME-1BN", 10), text_width("ME-1BN", 10, bold=True)
    (36.0, 40.2)
    """
    return round(len(text) * font * (CHAR_W + (BOLD_EXTRA_W if bold else 0)), 6)


def fit(text: str, width: float, font: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width`` units at ``font`` size (estimated).

    >>> fit("1st Infantry Battalion", 60, 10)
    '1st Infan…'
    """
    room = int(width / (font * (CHAR_W + (BOLD_EXTRA_W if bold else 0))))
    return text if len(text) <= room else text[:max(room - 1, 1)].rstrip() + "…"


def wrap(text: str, width: float, font: float, lines: int, bold: bool = False) -> list[str]:
    """Up to ``lines`` lines of ``text`` broken at spaces, the last one cut to fit.

    >>> wrap("MECH INF BN (MK) FORWARD", 80, 10, 2)
    ['MECH INF BN', '(MK) FORWARD']
    """
    room = max(int(width / (font * (CHAR_W + (BOLD_EXTRA_W if bold else 0)))), 1)
    words, cur = text.split(), ""
    out: list[str] = []
    for i, word in enumerate(words):
        if len(out) == lines - 1:
            out.append(fit(" ".join([cur, *words[i:]]).strip(), width, font, bold))
            return out
        if not cur or len(cur) + 1 + len(word) <= room:
            cur = f"{cur} {word}".strip()
        else:
            out.append(fit(cur, width, font, bold))
            cur = word
    if cur or not out:
        out.append(fit(cur, width, font, bold))
    return out[:lines]
