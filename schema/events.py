"""Events for subscribers: in-process brokers with bounded queues.

Intake publishes complaint events (``received``, ``extracted``, ``failed``) as they
happen in this server process, and the alerts it raises (``schema.alerts``). A
subscriber that falls behind by more than ``QUEUE`` events loses the oldest ones
rather than slowing intake down.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

QUEUE = 1000
E = TypeVar("E")


@dataclass(frozen=True)
class ComplaintEventData:
    kind: str  # received, extracted, failed
    complaint_id: str
    status: str
    at: str
    detail: str | None = None
    submitted_by: str | None = None  # the token name that submitted the complaint


@dataclass(frozen=True)
class AlertEventData:
    kind: str  # created, escalated
    alert: Mapping[str, Any]  # an alert as graph.analysis.alerts keeps it


class Broker(Generic[E]):
    """Fan-out of one kind of event to the subscribers of this process."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[E]] = set()

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, event: E) -> None:
        """Hand ``event`` to every subscriber (call from the event loop)."""
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    async def subscribe(self) -> AsyncIterator[E]:
        queue: asyncio.Queue[E] = asyncio.Queue(QUEUE)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)
