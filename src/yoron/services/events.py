"""In-process event fan-out; a Redis-backed publisher replaces it when instances multiply."""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, dict[str, object]], None]


class LocalEvents:
    """Calls every subscriber in turn; a failing subscriber does not stop the others."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, topic: str, payload: dict[str, object]) -> None:
        for listener in list(self._listeners):
            try:
                listener(topic, payload)
            except Exception:
                import logging

                logging.getLogger("yoron.events").exception("event listener failed on %s", topic)
