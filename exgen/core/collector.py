"""Python's cyclic garbage collector paused while a stage builds large, long-lived data.

Loading a definition, checking it, building the render context and importing a spreadsheet each
make hundreds of thousands of objects that live on; every collection meanwhile would walk them
all again, which makes those stages superlinear (:func:`paused_gc`).
"""

from __future__ import annotations

import contextlib
import gc
import typing as t


@contextlib.contextmanager
def paused_gc() -> t.Iterator[None]:
    """Pause the garbage collector: it makes building large trees superlinear.

    On resuming, what was made meanwhile goes straight to the oldest generation (a freeze and
    unfreeze move whole lists), so the collector does not walk the new tree at its first
    allocation; unless objects were frozen before (a parent sharing them with its workers).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
