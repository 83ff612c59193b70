"""Python Celery peer for the Clipflow benchmark: the worker side.

Broker and result backend are both BENCH_REDIS_URL (e.g. redis://127.0.0.1:6399/0).
Start a worker from this directory with Debian's interpreter (the only one that has celery):

    BENCH_REDIS_URL=redis://127.0.0.1:6399/0 /usr/bin/python3 -m celery -A celery_app worker \
        -P prefork -c 2 -Q celery --without-heartbeat --without-gossip --without-mingle -l warning
    # or: -P threads -c 8

Everything below is Celery's stock behaviour, spelled out so the benchmark's setup can be read
in one place; nothing is tuned for speed.
"""
import os
import sys

from celery import Celery

BROKER_URL = os.environ.get("BENCH_REDIS_URL")
if not BROKER_URL:
    # No silent fallback to redis://localhost:6379: that is the shared instance the tests use.
    sys.exit("celery_app: set BENCH_REDIS_URL, e.g. redis://127.0.0.1:6399/0")

app = Celery("clipflow_bench", broker=BROKER_URL, backend=BROKER_URL)

app.conf.update(
    # JSON end to end, protocol v2 (Celery's default since 4.0): the format Clipflow reads and writes.
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_protocol=2,
    # Tasks go to and are read from the list "celery" (the default queue name).
    task_default_queue="celery",
    # Results are kept: the Redis backend SETEXes celery-task-meta-<id> (result_expires, default 1 day)
    # and PUBLISHes it on the same channel name.
    task_ignore_result=False,
    # worker_prefetch_multiplier is left at Celery's default, 4: a worker reserves up to 4 x concurrency
    # messages ahead (-c 2: 8, -c 8: 32).
    # task_acks_late is left at Celery's default, False: a message is acknowledged just before its task
    # runs (prefork: as soon as a pool process accepts it), not after, so a worker killed mid-task loses
    # that task. That is weaker than Clipflow's reliable fetch, which keeps a task in a processing list
    # until it has finished. (Prefetched, not yet started messages sit in kombu's "unacked" hash and are
    # restored on warm shutdown or after the 1 h visibility timeout.)
    # No task events (worker_send_task_events is False by default); heartbeat, gossip and mingle are
    # switched off on the command line.
)


@app.task(name="clipflow.noop", ignore_result=False)
def noop(x=None, *args, **kwargs):
    """Does nothing: returns its first argument (args like [i])."""
    return x
