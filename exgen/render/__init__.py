"""Stage 6, render: the render context through sandboxed Jinja templates into files.

In: the model, its comms picture, the enrichment and the template set. Out: package files,
written one by one through a :class:`~exgen.package.Writer`. Holds the outputs declared in
data (``outputs``), the sandboxed Jinja environment (``environment``), the plain-data render
context (``context``) and filters (``filters``), the chart layouts (``charts/``), unit symbols
(``symbols``), conversions to PDF and XLSX (``convert``) and parallel rendering (``parallel``).

Never imports: load, check, generate, cli.
"""
