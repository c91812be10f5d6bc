"""Stage 2, load: definition files → raw document + source map.

In: paths the user names. Out: a merged :class:`Document` (plain data, a
:class:`~exgen.core.sources.SourceMap` from JSON pointer to file:line:col, the files read)
and located diagnostics; never an exception for user input. Holds the YAML event-stream
builder (``yaml_events``) and its scalar resolution (``scalars``), JSON read with positions
(``json_text``), reading files, includes and merging (``definition``), and discovery of root
definitions (``discover``).

Never imports: check, model, comms, enrich, render, package, generate, cli.
"""

from exgen.load.definition import Document, SourceFile, load

__all__ = ["Document", "SourceFile", "load"]
