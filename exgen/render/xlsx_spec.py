"""Shape checks of a workbook spec, each naming the place of a mistake (``sheets[2].rows[14][3]``).

Shared by the modules that read a spec (:mod:`exgen.render.xlsx`, :mod:`exgen.render.xlsx_rows`);
a failed check is a :class:`~exgen.render.convert.ConvertError` whose message starts
``xlsx spec <place>:``.
"""

from __future__ import annotations

import typing as t

from exgen.render.convert import ConvertError, Data


class Spec:
    """Shape checks with a JSON-path in every message (``sheets[2].rows[14][3]``)."""

    @staticmethod
    def fail(where: str, message: str) -> t.NoReturn:
        """Refuse the spec at ``where``."""
        raise ConvertError(f"xlsx spec {where}: {message}")

    @classmethod
    def merge(cls, ws: t.Any, box: t.Sequence[int], cell_format: t.Any, where: str) -> None:
        """Merge the cells of ``box`` (first row, first column, last row, last column); a box that
        overlaps one merged before is refused here, at its place, not by the writer mid-sheet."""
        from xlsxwriter.exceptions import OverlappingRange

        try:
            ws.merge_range(*box, "", cell_format)
        except OverlappingRange as exc:  # "Merge range 'B1:D1' overlaps previous merge range 'A1:C1'."
            cls.fail(where, f"these cells are already merged: {str(exc).rstrip('.')}")

    @classmethod
    def obj(cls, value: t.Any, where: str, allowed: t.Iterable[str] | None = None) -> Data:
        """An object, with only the ``allowed`` keys (when given)."""
        if not isinstance(value, dict):
            cls.fail(where, f"expected an object, got {kind(value)}")
        if allowed is not None:
            unknown = sorted(set(value) - set(allowed))
            if unknown:
                cls.fail(where, f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
        return value

    @classmethod
    def arr(cls, value: t.Any, where: str) -> list[t.Any]:
        """An array."""
        if not isinstance(value, list):
            cls.fail(where, f"expected an array, got {kind(value)}")
        return value

    @classmethod
    def string(cls, value: t.Any, where: str) -> str:
        """A string."""
        if not isinstance(value, str):
            cls.fail(where, f"expected a string, got {kind(value)}")
        return value

    @classmethod
    def integer(cls, value: t.Any, where: str, lo: int = 0, hi: int = 1_048_575) -> int:
        """An integer from ``lo`` to ``hi`` (not a boolean)."""
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            cls.fail(where, f"expected an integer {lo}–{hi}, got {value!r}")
        return value

    @classmethod
    def number(cls, value: t.Any, where: str, lo: float = 0, hi: float = 255) -> float:
        """A number from ``lo`` to ``hi`` (not a boolean), as a float."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            cls.fail(where, f"expected a number {lo:g}–{hi:g}, got {value!r}")
        return float(value)


def kind(value: t.Any) -> str:
    """What a JSON value is, in words.

    >>> kind([1]), kind(True), kind(None)
    ('an array', 'a boolean', 'null')
    """
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
