"""Stage 3, check: is the definition right? Schema, semantic rules, comms findings.

In: a loaded :class:`~exgen.load.Document`. Out: diagnostics, and for a valid definition the
built :class:`~exgen.model.Exercise` and its comms picture. Holds the schema check (``schema``:
loading and the fast path; ``explain``: why an instance fails; ``scalars``: what every value
must be whatever its schema says: finite, free of control characters, short enough for a
spreadsheet cell), the semantic rules (``rules/``,
one module per family and one registry), the planner's accepted findings (``accept``), the
comms findings (``comms_findings``; constraints without effect, GNSS positions and injects
no recipient can receive: ``comms_effects``) and the one function that runs the semantic stage
(``semantic``), which the pipeline and the generator both call.

Never imports: enrich, render, package, generate, cli.
"""
