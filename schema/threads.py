"""Blocking ``graph`` calls run from resolvers in worker threads (the driver is synchronous)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread

T = TypeVar("T")


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking ``graph`` call in a worker thread.

    A request stopped by its time limit stops waiting at once; the thread finishes its
    statement in the background (the driver's calls cannot be interrupted)."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), abandon_on_cancel=True)
