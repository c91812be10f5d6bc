"""Stage 2, load: definition files → raw document + source map.

In: paths the user names. Out: a merged :class:`Document` (plain data, a
:class:`~exgen.core.sources.SourceMap` from JSON pointer to file:line:col, the files read)
and located diagnostics; never an exception for user input. Holds the YAML event-stream
builder (``yaml_events``), its scalar resolution (``scalars``) and syntax errors
(``yaml_errors``), JSON read with positions (``json_text``), one file from path to data
(``read``: stat before open, decode, parse), includes and merging (``definition``), and
discovery of root definitions by parsing (``discover``).

Never imports: check, model, comms, enrich, render, package, generate, cli.
"""

from exgen.load.definition import Document, SourceFile, load

__all__ = ["Document", "SourceFile", "load"]
