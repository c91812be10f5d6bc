"""HTML → PDF with WeasyPrint: the ``convert: pdf`` converter.

A pure function of its input: no clock (the document's dates come from the exercise's
STARTEX), no network, no file system, so the same HTML renders to the same bytes.

Resources in PDF: only ``data:`` URIs are embedded. Any other URL (``file:``, ``http:``, a
relative path) is refused *and fails the build*, naming the URL, rather than being
silently dropped: a printed book missing an image nobody noticed is worse than a clear error
telling the instructor to inline it.
"""

from __future__ import annotations

import hashlib
import logging
import typing as t

from exgen.render.convert import ConvertError, Data, document_date
from exgen.render.limits import LimitExceeded


def refusing_fetcher_class() -> type:
    """A WeasyPrint URLFetcher that serves ``data:`` URIs and refuses (and records) all else."""
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped: subclassing Any
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: t.Any = None) -> t.Any:
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"exgen refuses to fetch {url!r}: only data: URIs are embedded")
            return super().fetch(url, headers)

    return DataOnlyFetcher


class _Capture(logging.Handler):
    """Collects WeasyPrint's log records during one conversion (instead of printing them)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def html_to_pdf(text: str, context: Data) -> bytes:
    """PDF bytes of an HTML document; dates from STARTEX, no /ID drift, no external resources."""
    import weasyprint  # slow to import (~0.5 s): only when a PDF is asked for
    from weasyprint.logger import LOGGER

    fetcher = refusing_fetcher_class()()
    capture = _Capture()
    saved = (LOGGER.handlers[:], LOGGER.propagate, LOGGER.level)
    LOGGER.handlers[:] = [capture]
    LOGGER.propagate = False
    LOGGER.setLevel(logging.WARNING)
    try:
        document = weasyprint.HTML(string=text, base_url=None, url_fetcher=fetcher).render()
        stamp = document_date(context).strftime("%Y-%m-%dT%H:%M:%SZ")
        document.metadata.created = document.metadata.created or stamp
        document.metadata.modified = document.metadata.modified or stamp
        # A fixed file identifier derived from the content keeps the trailer stable.
        identifier = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32].encode("ascii")
        pdf = document.write_pdf(pdf_identifier=identifier)
    except (ConvertError, MemoryError, LimitExceeded):  # limits: the converter process reports them
        raise
    except Exception as exc:  # WeasyPrint raises many kinds on bad input
        raise ConvertError(f"the PDF engine failed: {type(exc).__name__}: {exc}") from None
    finally:
        LOGGER.handlers[:] = saved[0]
        LOGGER.propagate = saved[1]
        LOGGER.setLevel(saved[2])
    relative = [r.getMessage() for r in capture.records if "Relative URI reference" in r.getMessage()]
    if fetcher.refused or relative:
        named = sorted(set(fetcher.refused)) + relative
        raise ConvertError("refused to load " + "; ".join(named[:5]) + (" …" if len(named) > 5 else "")
                           + " — a PDF embeds only data: URIs; inline the resource (e.g. an SVG or a "
                           "data:image/png;base64,… image)")
    assert isinstance(pdf, bytes)
    return pdf

