"""A worker's watch: a thread that says the worker is alive every few seconds, and takes up again the jobs of
workers that stopped saying so (killed, their machine gone) and the jobs RQ lost (a Redis emptied). Every worker
runs one, so nothing waits for RQ's job timeout: a killed worker's job is running again within seconds."""

from __future__ import annotations

import logging
import threading

from core.runtime.recovery import BEAT_SECONDS, enqueue_ready, heartbeat, reap, recover_abandoned
from core.runtime.studio import Studio

LOOK_EVERY = 3  # beats between two looks at the jobs of other workers
LOCK = "aiuteur:recovery-lock"
log = logging.getLogger("aiuteur.worker")


class Watch(threading.Thread):
    def __init__(self, studio: Studio, worker_name: str) -> None:
        super().__init__(name=f"watch-{worker_name}", daemon=True)
        self.studio, self.worker_name = studio, worker_name
        self._stopped = threading.Event()

    def run(self) -> None:
        beats = 0
        while not self._stopped.is_set():
            try:
                heartbeat(self.studio, self.worker_name)
                enqueue_ready(self.studio.queue)  # a job left ready by a worker that died before queueing it
                if beats % LOOK_EVERY == 0:
                    self.look()
            except Exception:  # a hiccup of Redis or the database: the next beat tries again
                log.exception("the worker's watch missed a beat")
            beats += 1
            self._stopped.wait(BEAT_SECONDS)

    def look(self) -> None:
        """One worker at a time looks (a Redis lock): a job is never queued again twice."""
        lock = self.studio.redis.lock(LOCK, timeout=30, blocking=False)
        if not lock.acquire():
            return
        try:
            taken = reap(self.studio) + recover_abandoned(self.studio)
        finally:
            lock.release()
        if taken:
            log.info("queued %d job(s) again (their worker died, or the queue lost them)", len(taken))

    def stop(self) -> None:
        self._stopped.set()
