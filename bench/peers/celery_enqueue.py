#!/usr/bin/python3
"""Enqueue rate of one Python Celery producer (Celery's own client API), no worker needed.

    BENCH_REDIS_URL=redis://127.0.0.1:6399/0 /usr/bin/python3 celery_enqueue.py --mode one --tasks 5000

Modes (each sends N clipflow.noop tasks with args [i] to the queue "celery"):
  one       noop.delay(i), N times one after another: the everyday call.
  batch     group(noop.s(i) ...).apply_async() in chunks of 1,000: Celery's idiom for sending many
            tasks at once. Celery 5.2 has no pipelined/bulk publish: a group still publishes one
            LPUSH per task on one producer and adds a group id to each, so it is not faster than
            `one` (it was ~15% slower here).
  producer  one explicitly acquired producer reused for all N: `with app.producer_or_acquire() as P:
            noop.apply_async((i,), producer=P)`, the fastest path Celery's public API offers
            (about the same as `one`, which takes a pooled producer per call).

With the Redis result backend every apply_async also SUBSCRIBEs its result channel on the
client's pub/sub connection (and UNSUBSCRIBEs when the AsyncResult is dropped): that is stock
Celery behaviour and is part of what is measured.

200 warm-up tasks are sent first and not timed. Exactly one JSON line is printed on stdout, e.g.
{"system":"celery","scenario":"enqueue","mode":"one","tasks":5000,"seconds":1.43,"rate":3496.5}
everything else goes to stderr. At the end the list "celery" is deleted (DEL) so the next run starts
clean; pass --keep to leave the messages there (e.g. for a worker to drain them).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from celery import group  # noqa: E402

from celery_app import app, noop  # noqa: E402

QUEUE = "celery"
WARMUP = 200
CHUNK = 1000


def send_one(start, stop):
    for i in range(start, stop):
        noop.delay(i)


def send_batch(start, stop):
    for lo in range(start, stop, CHUNK):
        group(noop.s(i) for i in range(lo, min(stop, lo + CHUNK))).apply_async()


def send_producer(start, stop):
    with app.producer_or_acquire() as producer:
        for i in range(start, stop):
            noop.apply_async((i,), producer=producer)


SENDERS = {"one": send_one, "batch": send_batch, "producer": send_producer}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=sorted(SENDERS), default="one")
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--keep", action="store_true", help="do not DEL the 'celery' list at the end")
    opts = parser.parse_args()
    if opts.tasks <= 0:
        parser.error("--tasks must be positive")

    send = SENDERS[opts.mode]
    redis = app.backend.client  # a plain redis-py client on BENCH_REDIS_URL, used for checks only
    before = redis.llen(QUEUE)

    send(-opts.warmup, 0)  # connections, producer pool, pub/sub connection, code paths
    t0 = time.perf_counter()
    send(0, opts.tasks)
    seconds = time.perf_counter() - t0

    queued = redis.llen(QUEUE) - before
    expected = opts.warmup + opts.tasks
    print(f"celery_enqueue: mode={opts.mode} {opts.tasks} tasks in {seconds:.3f}s; "
          f"list '{QUEUE}' grew by {queued} (expected {expected})", file=sys.stderr)
    if not opts.keep:
        redis.delete(QUEUE)
    if queued < expected:
        # A worker consuming the same queue would make this a lower bound, not an error of ours.
        print("celery_enqueue: WARNING fewer messages queued than sent; is a worker consuming?",
              file=sys.stderr)

    print(json.dumps({
        "system": "celery",
        "scenario": "enqueue",
        "mode": opts.mode,
        "tasks": opts.tasks,
        "seconds": round(seconds, 4),
        "rate": round(opts.tasks / seconds, 1),
    }, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
