"""Stage 6, render: the render context through sandboxed Jinja templates into files.

In: the model, its comms picture, the enrichment and the template set. Out: package files,
written one by one through a :class:`~exgen.package.Writer`. Holds the outputs declared in
data (``outputs``), the sandboxed Jinja environment (``environment``), the plain-data render
context (``context``) and its filters (``filters``), the chart layouts (``charts/``), unit symbols
(``symbols``), and the rendering itself: planning the work (``plan``), streaming one output
(``stream``), one worker's task (``task``), forked workers (``parallel``) and the whole render
(``engine``), with located errors (``errors``). Conversions: HTML to PDF (``pdf``), a JSON
workbook spec to XLSX (``xlsx``), their table (``converters``) and the converter process
(``convert``).

Never imports: load, check, generate, cli.
"""
