"""Validating a large definition on two cores: a forked helper takes half the work.

After loading, the checks fall into two halves of about the same cost at 10,000 injects: the
schema check, the model and the rules (with the gap register) in a helper process; the model and
the comms analysis with its findings here. The helper inherits the loaded document with the fork
(nothing is copied or pickled on the way in) and sends back only its findings. The comms half
runs before the schema verdict is known, so it may meet a definition the schema refuses: what it
found or raised then is dropped, exactly as if it had not run.

The helper is an :class:`exgen.core.forked.Helper`: one that fails, dies or is killed hands
back nothing, and its half is done here, so the findings are the same either way.
"""

from __future__ import annotations

import os
import threading
import typing as t

if t.TYPE_CHECKING:
    from exgen.load import Document

#: Below this many injects a helper costs more (fork, copied pages) than it saves.
MIN_INJECTS = 2000


def worth_it(document: Document) -> bool:
    """True when ``document`` is large enough, this platform forks, and no other thread runs
    (forking a process with other threads running can copy a lock some thread holds)."""
    injects = document.data.get("injects") if isinstance(document.data, dict) else None
    return (hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
            and isinstance(injects, list) and len(injects) >= MIN_INJECTS)
