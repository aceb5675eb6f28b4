"""Complaint events for subscribers: an in-process broker with bounded queues.

Intake publishes ``received``, ``extracted`` and ``failed`` as they happen in this
server process. A subscriber that falls behind by more than ``QUEUE`` events loses the
oldest ones rather than slowing intake down.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

QUEUE = 1000


@dataclass(frozen=True)
class ComplaintEventData:
    kind: str  # received, extracted, failed
    complaint_id: str
    status: str
    at: str
    detail: str | None = None


class Broker:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[ComplaintEventData]] = set()

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, event: ComplaintEventData) -> None:
        """Hand ``event`` to every subscriber (call from the event loop)."""
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    async def subscribe(self) -> AsyncIterator[ComplaintEventData]:
        queue: asyncio.Queue[ComplaintEventData] = asyncio.Queue(QUEUE)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)
