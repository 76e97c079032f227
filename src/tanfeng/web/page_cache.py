"""What pages keep between requests (the overview, the plans and regions scoping reads), and when it is renewed.

Every write through this process clears the cache after its commit (``deps.written``, ``deps.record``), so
the writer's next request computes afresh; other processes' writes (the CLI, other workers) show within
``CHECK_INTERVAL``, when the data stamp is read again. A computation that started before a write must not
store its older result after that write cleared the cache: it stores through ``put`` with the generation
it started in, and a clear in between makes ``put`` drop it.
"""

from __future__ import annotations

import threading
from typing import Any

# How long a cached entry may be served without asking the database whether anything changed.
CHECK_INTERVAL = 1.0


class PageCache(dict[str, Any]):
    def __init__(self) -> None:
        super().__init__()
        self.generation = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            super().clear()

    def put(self, key: str, value: Any, generation: int) -> None:
        """Store ``value`` unless the cache was cleared since ``generation`` was read."""
        with self._lock:
            if generation == self.generation:
                self[key] = value
