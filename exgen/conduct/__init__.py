"""Conduct: the live EXCON server for a built package, and its append-only record.

In: a package directory (its ``data/exercise.json``, the validated, normalised exercise) and a
SQLite file. Out: an HTTP service for the control team (clock, inject status, notes, comms
events, observations), every action an event in an append-only record, and exports of that
record. Access is enforced on the server per role.

Never imports: generate, ingest, cli.
"""
