"""`python -m workers [--burst]`: an RQ worker on the studio's queue. Run more of them to scale out."""

from __future__ import annotations

import argparse
import logging

from rq import SimpleWorker
from rq.exceptions import StopRequested

from core.runtime import processes
from core.runtime.jobs import recover_abandoned
from core.runtime.recovery import enqueue_ready
from core.runtime.settings import load_settings
from workers import context
from workers.watch import Watch


class StudioWorker(SimpleWorker):
    """RQ's SimpleWorker, stoppable while it starts: RQ registers a worker before it installs its signal
    handlers, so a SIGTERM in between killed it still registered (a ghost the studio counted as alive)."""

    def bootstrap(self, *args, **kwargs) -> None:
        self._install_signal_handlers()
        try:
            super().bootstrap(*args, **kwargs)
        except StopRequested:
            self.teardown()  # unregister: a stop during start-up is a warm shutdown too
            raise
        self.watch = Watch(context.studio(), self.name)
        self.watch.start()  # heartbeats, and taking up the jobs of workers that died

    def execute_job(self, job, queue) -> None:
        super().execute_job(job, queue)
        enqueue_ready(queue)  # the dependents RQ skipped while another worker queued its own: queued now, not in 10 min

    def teardown(self) -> None:
        watch = getattr(self, "watch", None)
        if watch is not None:
            watch.stop()
        super().teardown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--name", help="worker name shown in the studio")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    processes.record(settings.data_dir, "worker")  # so `./aiuteur stop` finds this worker by its pid
    studio = context.studio(settings)
    recovered = recover_abandoned(studio)
    if recovered:
        logging.getLogger("aiuteur.worker").info("queued %d abandoned job(s) again", len(recovered))
    # SimpleWorker runs jobs in this process, so the connection pool is shared across jobs.
    worker = StudioWorker([studio.queue], connection=studio.redis, name=args.name)
    try:
        worker.work(burst=args.burst, with_scheduler=False)
    except StopRequested:
        logging.getLogger("aiuteur.worker").info("stopped while starting")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
