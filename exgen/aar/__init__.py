"""After-action: package data + conduct record + filled evaluation workbooks → AAR/IP context.

In: the package's data/exercise.json, the conduct record and the evaluation workbooks the
evaluators filled in. Out: ratings and observations located at their cells, and diagnostics
for everything that cannot be read back exactly.

Never imports: cli, generate, conduct, pipeline.
"""
