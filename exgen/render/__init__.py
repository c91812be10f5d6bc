"""Stage 6, render: the render context through sandboxed Jinja templates into files.

In: the model, its comms picture, the enrichment and the template set. Out: package files,
written one by one through a :class:`~exgen.package.Writer`. Holds the outputs declared in
data (``outputs``), the sandboxed Jinja environment (``environment``, with the bounds of
``sandbox`` and the process limits of ``limits``), the plain-data render
context (``context``) and its filters (``filters``, ``banner``), the chart layouts (``charts/``), unit symbols
(``symbols``), and the rendering itself: planning the work (``plan``), streaming one output
(``stream``), one worker's task (``task``), forked workers (``parallel``) and the whole render
(``engine``), with located errors (``errors``). Conversions: Typst to PDF (``typst``, the
printed book), a JSON workbook spec to XLSX (``xlsx``, with its print layout in
``xlsx_print``), a JSON entry list to a zip (``archive``), their table (``converters``), the
cache of converted files (``convert_cache``) and the converter process (``convert``).

Never imports: load, check, generate, cli.
"""
