"""Import: a spreadsheet MSEL (XLSX or CSV) → definition files (upstream of the pipeline).

In: a :class:`~exgen.load.sheets.Table` read by the load stage, an optional column mapping
and, with ``--into``, the definition to update. Out: the text of every definition file to
write (new day files, edited ones — untouched bytes never move), validated first, and
diagnostics located at the spreadsheet's cells. Writing is atomic: nothing changes on failure.

Never imports: render, package, generate, cli.
"""
