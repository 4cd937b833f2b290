"""A long response tells gunicorn's arbiter that its worker is alive, not hung.

gunicorn kills a worker that has not reported for ``--timeout`` seconds (30 by
default). A sync worker reports only between requests, so a response that takes
longer than that, like the first ZIP export of a client with 200 designs (0.2–0.8 s
per sheet not cached yet), was killed mid-stream. A streamed response calls
:func:`beat` after each part it sends: the worker stays alive while it makes
progress, and a request really stuck in one part is still killed after
``--timeout``. Outside gunicorn (tests, ``serve --dev``) there is no worker and
:func:`beat` does nothing.
"""

from __future__ import annotations

from typing import Any

_worker: list[Any] = [None]  # this process's gunicorn worker (one per process, set after fork)


def attach(worker: Any) -> None:
    """Called in gunicorn's ``post_fork`` hook with the new worker."""
    _worker[0] = worker


def beat() -> None:
    """Tell the arbiter this worker is alive (between two parts of a long response)."""
    worker = _worker[0]
    if worker is not None:
        worker.notify()
