#!/usr/bin/env node
// BullMQ peer for the Clipflow benchmark: one measurement per invocation, exactly one JSON line on
// stdout at the end, everything else on stderr. Exit code 0 on success, 1 on failure or timeout.
//
// Redis: BENCH_REDIS_URL (e.g. redis://127.0.0.1:6399/0, the same variable the Celery peer reads),
// or else BENCH_REDIS_HOST (default 127.0.0.1) + BENCH_REDIS_PORT (+ optional BENCH_REDIS_DB).
// One of BENCH_REDIS_URL / BENCH_REDIS_PORT is required: there is no silent default to :6379.
//
//   node bullmq_peer.mjs drain   --jobs 20000 --concurrency 50
//   node bullmq_peer.mjs enqueue --mode one|bulk --jobs 5000
//   node bullmq_peer.mjs latency --jobs 200
//   common options: --queue bench (queue name; keys are bull:<queue>:*)
//
// Packages: `npm install` here (package.json pins them; node_modules/ is git-ignored). If they were
// installed elsewhere (`npm install --prefix DIR` with this package.json and package-lock.json copied
// to DIR), set BENCH_NODE_PREFIX=DIR: ESM imports ignore NODE_PATH, so bullmq is loaded from there.
//
// drain    Obliterate the queue, pre-load N no-op jobs with addBulk (chunks of 1,000), then start a
//          Worker (concurrency C) whose processor returns job.data. seconds = max(finishedOn) -
//          min(processedOn) over the N completed jobs, i.e. from the moment the first job was taken
//          to the moment the last result was stored, both stamped by BullMQ itself in Redis (ms
//          resolution). Worker start-up is outside the window. BullMQ's defaults are kept, so every
//          completed job stays in the completed set with its return value (as Celery keeps results).
// enqueue  N x `await queue.add()` one after another (mode one), or `queue.addBulk()` in chunks of
//          1,000 (mode bulk); 200 warm-up jobs are added first and not timed; no worker runs.
// latency  A Worker (concurrency 1) is started, idle and warmed up (20 jobs); then N jobs one at a
//          time: from just before queue.add() until job.waitUntilFinished(queueEvents) resolves,
//          i.e. until the producer has seen the 'completed' event. p50/p99 are nearest-rank.
//
// The queue is obliterated (force) before and after each run, so runs do not see each other's jobs.

import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

// bullmq ships CommonJS as its main entry (that is also what `import 'bullmq'` would load).
const requireFrom = createRequire(process.env.BENCH_NODE_PREFIX
  ? resolve(process.env.BENCH_NODE_PREFIX, 'package.json')
  : import.meta.url);
const { Queue, QueueEvents, Worker } = requireFrom('bullmq');

const CHUNK = 1000;
const ENQUEUE_WARMUP = 200;
const LATENCY_WARMUP = 20;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS || 300000);

const log = (...a) => console.error('bullmq_peer:', ...a);

// ioredis reconnects forever; a Redis that is not there must fail the run, not hang it.
function withTimeout(promise, ms, what) {
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

function connectionFromEnv() {
  const url = process.env.BENCH_REDIS_URL;
  if (url) {
    const u = new URL(url);
    const db = u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
    return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), db };
  }
  if (!process.env.BENCH_REDIS_PORT) {
    throw new Error('set BENCH_REDIS_URL (redis://host:port/db) or BENCH_REDIS_HOST/BENCH_REDIS_PORT');
  }
  return {
    host: process.env.BENCH_REDIS_HOST || '127.0.0.1',
    port: Number(process.env.BENCH_REDIS_PORT),
    db: Number(process.env.BENCH_REDIS_DB || 0),
  };
}

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      jobs: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      mode: { type: 'string', default: 'one' },
      queue: { type: 'string', default: 'bench' },
    },
  });
  const scenario = positionals[0];
  const defaults = { drain: 20000, enqueue: 5000, latency: 200 };
  if (!(scenario in defaults) || positionals.length !== 1) {
    throw new Error('usage: bullmq_peer.mjs drain|enqueue|latency [--jobs N] [--concurrency C] [--mode one|bulk] [--queue NAME]');
  }
  const jobs = Number(values.jobs ?? defaults[scenario]);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(jobs) || jobs <= 0) throw new Error(`bad --jobs ${values.jobs}`);
  if (!Number.isInteger(concurrency) || concurrency <= 0) throw new Error(`bad --concurrency ${values.concurrency}`);
  if (!['one', 'bulk'].includes(values.mode)) throw new Error(`bad --mode ${values.mode} (one|bulk)`);
  return { scenario, jobs, concurrency, mode: values.mode, queueName: values.queue };
}

const round = (x, digits) => Number(x.toFixed(digits));

function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function addInChunks(queue, from, to) {
  for (let lo = from; lo < to; lo += CHUNK) {
    const batch = [];
    for (let i = lo; i < Math.min(to, lo + CHUNK); i++) batch.push({ name: 'noop', data: { i } });
    await queue.addBulk(batch);
  }
}

// Resolves when `count` jobs have completed on `worker`; rejects on the first failure (the overall
// BENCH_TIMEOUT_MS in main() bounds the wait).
function completions(worker, count) {
  const done = new Promise((resolve, reject) => {
    let n = 0;
    worker.on('completed', () => {
      if (++n === count) resolve();
    });
    worker.on('failed', (job, err) => reject(new Error(`job ${job?.id} failed: ${err?.message}`)));
    worker.on('error', (err) => log('worker error:', err?.message ?? err));
  });
  done.catch(() => {}); // awaited later; never an unhandled rejection meanwhile
  return done;
}

async function drain(ctx, { jobs, concurrency }) {
  const queue = ctx.track(new Queue(ctx.queueName, { connection: ctx.connection }));
  await withTimeout(queue.waitUntilReady(), 10000, `connect to redis ${ctx.where}`);
  await queue.obliterate({ force: true });

  const t0 = performance.now();
  await addInChunks(queue, 0, jobs);
  log(`pre-loaded ${jobs} jobs in ${((performance.now() - t0) / 1000).toFixed(2)}s`,
    JSON.stringify(await queue.getJobCounts('wait', 'active', 'completed')));

  const worker = ctx.track(new Worker(ctx.queueName, async (job) => job.data, {
    connection: ctx.connection,
    concurrency,
    autorun: false,
  }));
  const allDone = completions(worker, jobs);
  await worker.waitUntilReady();
  const wallStart = performance.now();
  worker.run().catch((err) => log('worker.run:', err?.message ?? err));
  await allDone;
  const wallSeconds = (performance.now() - wallStart) / 1000;
  await worker.close();

  // Read BullMQ's own stamps back (public API, pages of 1,000).
  let minProcessed = Infinity;
  let minFinished = Infinity;
  let maxFinished = -Infinity;
  let seen = 0;
  for (let start = 0; ; start += CHUNK) {
    const page = await queue.getJobs(['completed'], start, start + CHUNK - 1, true);
    for (const job of page) {
      seen++;
      minProcessed = Math.min(minProcessed, job.processedOn ?? job.finishedOn);
      minFinished = Math.min(minFinished, job.finishedOn);
      maxFinished = Math.max(maxFinished, job.finishedOn);
    }
    if (page.length < CHUNK) break;
  }
  if (seen !== jobs) throw new Error(`expected ${jobs} completed jobs, found ${seen}`);
  const seconds = (maxFinished - minProcessed) / 1000;
  log(`drain c=${concurrency}: first processedOn -> last finishedOn ${seconds.toFixed(3)}s; ` +
    `first -> last finishedOn ${((maxFinished - minFinished) / 1000).toFixed(3)}s; ` +
    `worker.run() -> last 'completed' event ${wallSeconds.toFixed(3)}s (includes worker start)`);
  await queue.obliterate({ force: true });
  return { system: 'bullmq', scenario: 'drain', concurrency, tasks: jobs,
    seconds: round(seconds, 4), rate: round(jobs / seconds, 1) };
}

async function enqueue(ctx, { jobs, mode }) {
  const queue = ctx.track(new Queue(ctx.queueName, { connection: ctx.connection }));
  await withTimeout(queue.waitUntilReady(), 10000, `connect to redis ${ctx.where}`);
  await queue.obliterate({ force: true });

  const send = mode === 'bulk'
    ? (from, to) => addInChunks(queue, from, to)
    : async (from, to) => {
      for (let i = from; i < to; i++) await queue.add('noop', { i });
    };
  await send(-ENQUEUE_WARMUP, 0);
  const t0 = performance.now();
  await send(0, jobs);
  const seconds = (performance.now() - t0) / 1000;

  const waiting = await queue.getWaitingCount();
  log(`enqueue ${mode}: ${jobs} jobs in ${seconds.toFixed(3)}s; waiting=${waiting} (expected ${jobs + ENQUEUE_WARMUP})`);
  if (waiting !== jobs + ENQUEUE_WARMUP) throw new Error(`waiting count ${waiting} != ${jobs + ENQUEUE_WARMUP}`);
  await queue.obliterate({ force: true });
  return { system: 'bullmq', scenario: 'enqueue', mode, tasks: jobs,
    seconds: round(seconds, 4), rate: round(jobs / seconds, 1) };
}

async function latency(ctx, { jobs }) {
  const queue = ctx.track(new Queue(ctx.queueName, { connection: ctx.connection }));
  await withTimeout(queue.waitUntilReady(), 10000, `connect to redis ${ctx.where}`);
  await queue.obliterate({ force: true });
  const events = ctx.track(new QueueEvents(ctx.queueName, { connection: ctx.connection }));
  const worker = ctx.track(new Worker(ctx.queueName, async (job) => job.data, {
    connection: ctx.connection,
    concurrency: 1,
  }));
  worker.on('error', (err) => log('worker error:', err?.message ?? err));
  await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);

  const one = async (i) => {
    const t0 = performance.now();
    const job = await queue.add('noop', { i });
    const result = await job.waitUntilFinished(events, TIMEOUT_MS);
    const ms = performance.now() - t0;
    if (result?.i !== i) throw new Error(`job ${job.id} returned ${JSON.stringify(result)}, expected {i:${i}}`);
    return ms;
  };
  for (let i = -LATENCY_WARMUP; i < 0; i++) await one(i);
  // Let the worker go idle (blocked waiting for the next job), as in the Celery/Clipflow runs.
  await new Promise((r) => setTimeout(r, 200));

  const samples = [];
  for (let i = 0; i < jobs; i++) samples.push(await one(i));
  samples.sort((a, b) => a - b);
  const pct = (p) => samples[Math.max(0, Math.ceil(p * samples.length) - 1)];
  log(`latency: min ${samples[0].toFixed(3)}ms mean ${(samples.reduce((a, b) => a + b, 0) / jobs).toFixed(3)}ms`);
  await worker.close();
  await queue.obliterate({ force: true });
  return { system: 'bullmq', scenario: 'latency', tasks: jobs,
    p50_ms: round(pct(0.5), 3), p99_ms: round(pct(0.99), 3), max_ms: round(samples[jobs - 1], 3) };
}

async function main() {
  const opts = parse();
  const closables = [];
  const ctx = {
    connection: connectionFromEnv(),
    get where() { return `${this.connection.host}:${this.connection.port}/${this.connection.db}`; },
    queueName: opts.queueName,
    track: (c) => (closables.push(c), c),
  };
  const run = { drain, enqueue, latency }[opts.scenario];
  let result;
  let failed = null;
  try {
    result = await withTimeout(run(ctx, opts), TIMEOUT_MS, `${opts.scenario} (BENCH_TIMEOUT_MS)`);
  } catch (err) {
    failed = err;
  }
  // Close in reverse order of creation: worker before queue events before queue.
  for (const c of closables.reverse()) {
    try {
      await withTimeout(c.close(), 10000, 'close');
    } catch (err) {
      log('close:', err?.message ?? err);
    }
  }
  if (failed) {
    log('FAILED:', failed?.stack ?? failed);
    process.exitCode = 1;
  } else {
    emit(result);
  }
  // Everything is closed, so the process should exit by itself; if a handle still lingers, say so
  // and leave anyway rather than hang the orchestrator (the timer is unref'd: it never keeps us up).
  setTimeout(() => {
    log('WARNING: open handles after close, forcing exit');
    process.exit(process.exitCode ?? 0);
  }, 5000).unref();
}

main().catch((err) => {
  log('FAILED:', err?.stack ?? err);
  process.exit(1);
});
