"""Python's cyclic garbage collector paused while many long-lived objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off for the block, and on after it if it was on.

    For code that makes hundreds of thousands of objects, none in a cycle
    (rows read from a release, a projection): the collector, run every few
    hundred allocations, would scan the growing heap again and again for
    nothing (a third of the time reading O*NET, more than half of reading the
    skill ratings of a projection). With ``freeze``, what exists when the
    block ends is moved out of the collector's sight (:func:`gc.freeze`), so
    the full collection their number would set off never scans them: for
    objects that live as long as the process needs them. Usable as a
    decorator.

    Examples
    --------
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if freeze:
                gc.freeze()
            gc.enable()
