/**
 * A fixed-size pool of worker threads, one job at a time each. A worker that dies (an
 * uncaught error, running out of memory, exiting) answers its job with `died` and is
 * replaced, so the campaign goes on with the same number of workers. A job past its time limit
 * (a run that never ends: our bug, as every run is bounded) has its worker terminated, which
 * then counts as a death.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.ts';

/** What a worker thread looks like to the pool; tests pass threads running other scripts. */
export type SpawnWorker = () => Worker;

export type JobOutcome = FromWorker | { readonly type: 'died'; readonly id: number; readonly why: string };

/** A message without its id (the pool numbers jobs); distributes over the union. */
type Job = ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'id'> : never) : never;

interface Slot {
  worker: Worker;
  job: { id: number; resolve: (o: JobOutcome) => void; timer: ReturnType<typeof setTimeout> } | null;
  /** Set when the job ran past its time limit and the worker was terminated for it. */
  hung: string | null;
  /** Whether this worker ever answered: one that dies before its first answer may not start at all. */
  answered: boolean;
}

/** Workers dying one after another before any answer: the worker script itself is broken. */
const STILLBORN_MAX = 3;

export interface Pool {
  readonly size: number;
  /** Workers without a job and no job waiting for them. */
  idle(): number;
  submit(job: Job, timeLimitMs: number): Promise<JobOutcome>;
  /** Workers replaced after dying, so far. */
  replaced(): number;
  /** Why the pool gave up (workers that die before answering anything, again and again), or null. */
  broken(): string | null;
  terminate(): Promise<void>;
}

export function createPool(size: number, spawn: SpawnWorker): Pool {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`pool size ${size}`);
  const slots: Slot[] = [];
  const queue: { id: number; job: Job; limitMs: number; resolve: (o: JobOutcome) => void }[] = [];
  let nextId = 0;
  let replaced = 0;
  let closing = false;
  let stillborn = 0;
  let broken: string | null = null;

  const start = (slot: Slot): void => {
    const next = queue.shift();
    if (next === undefined) return;
    const w = slot.worker;
    const timer = setTimeout(() => {
      slot.hung = `no answer within ${next.limitMs} ms`;
      void w.terminate();
    }, next.limitMs);
    slot.job = { id: next.id, resolve: next.resolve, timer };
    w.postMessage({ ...next.job, id: next.id });
  };
  const settle = (slot: Slot, outcome: JobOutcome): void => {
    const job = slot.job;
    slot.job = null;
    if (job === null) return;
    clearTimeout(job.timer);
    job.resolve(outcome);
  };
  const attach = (slot: Slot): void => {
    const w = slot.worker;
    w.on('message', (m: FromWorker) => {
      slot.answered = true;
      stillborn = 0;
      settle(slot, m);
      start(slot);
    });
    // 'error' is followed by 'exit'; the job is answered once, on whichever comes first.
    const died = (exitWhy: string): void => {
      if (slot.worker !== w || closing) return;
      const id = slot.job?.id ?? -1;
      const why = slot.hung ?? exitWhy;
      slot.hung = null;
      settle(slot, { type: 'died', id, why });
      if (!slot.answered && ++stillborn >= STILLBORN_MAX) broken = `${stillborn} workers died before answering once; the last: ${why}`;
      if (broken !== null) return;
      replaced++;
      slot.answered = false;
      slot.worker = spawn();
      attach(slot);
      start(slot);
    };
    w.on('error', (err) => died(err.message));
    w.on('exit', (code) => died(`worker exited with code ${code}`));
  };
  for (let k = 0; k < size; k++) {
    const slot: Slot = { worker: spawn(), job: null, hung: null, answered: false };
    attach(slot);
    slots.push(slot);
  }
  return {
    size,
    idle: () => Math.max(0, slots.filter((s) => s.job === null).length - queue.length),
    submit(job, limitMs) {
      return new Promise<JobOutcome>((resolve) => {
        queue.push({ id: nextId++, job, limitMs, resolve });
        const free = slots.find((s) => s.job === null);
        if (free !== undefined) start(free);
      });
    },
    replaced: () => replaced,
    broken: () => broken,
    async terminate() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      for (const s of slots) settle(s, { type: 'died', id: s.job?.id ?? -1, why: 'pool terminated' });
      for (const q of queue.splice(0)) q.resolve({ type: 'died', id: q.id, why: 'pool terminated' });
    },
  };
}
