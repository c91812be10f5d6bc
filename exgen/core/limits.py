"""Limits of the clients exgen writes for, shared by the checks that keep a definition within them.

The checks (``exgen.check``) refuse a definition that an output could not hold, so the
converters never meet it; the numbers live here because check must not import render.
"""

from __future__ import annotations

#: Excel: the most characters a cell holds.
EXCEL_CELL = 32_767
#: Excel: the most characters of a page header or footer (its text with the ``&`` codes).
EXCEL_HEADER_FOOTER = 255
#: The most characters the banner (``CLASSIFICATION — MARKING``, each ``&`` counted twice, as
#: Excel stores it) may have: the MSEL workbook's page footer holds it beside the exercise id
#: (64 characters at most), the sheet name field and the page numbers, within
#: :data:`EXCEL_HEADER_FOOTER`.
BANNER = 150


def excel_header_length(text: str) -> int:
    """Characters ``text`` takes in an Excel header or footer, where ``&`` is written ``&&``.

    >>> excel_header_length("R&D")
    4
    """
    return len(text) + text.count("&")
