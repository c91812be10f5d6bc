"""Stage 5, comms: who can reach whom, when, and on which PACE level.

In: an :class:`~exgen.model.Exercise`. Out: a :class:`CommsPicture` computed by an event sweep
over window boundaries (cost grows with windows and members, never with minutes), and its
views for people: the signals officer's text page and a JSON document (``view``).
Modules: the result types (``picture``), the analysis (``analysis``), the interval algebra
both use (``intervals``) and the views (``view``); PACE timelines and the direction of traffic
under EMCON (``timeline``); when a required message arrives, counting transit (``delivery``);
what each constraint takes down (``targets``), bearers and the injects that need them
(``bearers``) and whose position reports GNSS jamming or spoofing spoils (``gnss``).

Never imports: load, check, enrich, render, package, generate, cli.
"""

from exgen.comms.analysis import analyse, unique_nets
from exgen.comms.intervals import Interval, Span, contains, gaps, intersect, merge
from exgen.comms.picture import (
    COURIER,
    INCOMPATIBLE,
    Cause,
    CommsPicture,
    Down,
    Key,
    Link,
    PairTimeline,
    Segment,
    pair_key,
)

__all__ = ["COURIER", "INCOMPATIBLE", "Cause", "CommsPicture", "Down", "Interval", "Key", "Link", "PairTimeline",
           "Segment", "Span", "analyse", "contains", "gaps", "intersect", "merge", "pair_key", "unique_nets"]
