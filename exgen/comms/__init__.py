"""Stage 5, comms: who can reach whom, when, and on which PACE level.

In: an :class:`~exgen.model.Exercise`. Out: a :class:`CommsPicture` computed by an event sweep
over window boundaries (cost grows with windows and members, never with minutes), and its
views for people: the signals officer's text page and a JSON document (``view``).

Never imports: load, check, enrich, render, package, generate, cli.
"""

from exgen.comms.picture import (
    COURIER, INCOMPATIBLE, CommsPicture, Down, Interval, Link, PairTimeline, Segment, analyse,
)

__all__ = ["COURIER", "INCOMPATIBLE", "CommsPicture", "Down", "Interval", "Link", "PairTimeline", "Segment",
           "analyse"]
