"""The cyclic garbage collector around the rule set's long-lived objects.

The rule set with the inventory is several hundred thousand objects, none of them ever
garbage; a full collection walks every one of them. Two remedies, one place:

* :func:`paused`: no collections while a burst of objects that are not garbage is made
  (a rule set revived from the disk cache, a pass of ``rules impact``); reference
  counting frees as usual;
* :func:`settle`: take what is alive now out of the collector's view (``gc.freeze``),
  after letting what it replaced be collected.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off inside, and restored as it was after (nesting is fine)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def settle() -> None:
    """Take what is alive now, the rule set in force above all, out of the collector's view,
    after letting the set it replaced be collected.

    A full collection, which a request that allocates a lot (a spec sheet: WeasyPrint's
    boxes) triggers now and then, walked the rule set: 30 ms of a 200 ms render on
    average, in bursts of 50–80 ms (benchmarks/bench_specsheet.py freezes the same way).
    Frozen objects are still freed by reference counting; the set a reload replaces is
    unfrozen first so that its cycles can be collected. Called by the server
    (``configurator serve``) before its workers fork, which also keeps the collector from
    writing to those objects' pages (shared copy-on-write), and after each reload
    (``RuleSetHolder.freeze``).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
