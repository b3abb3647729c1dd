// The worker pool with tiny workers written inline: answers come back to the job that asked,
// a worker past its time limit is terminated and replaced, and workers that die before ever
// answering make the pool give up instead of respawning forever.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../../tools/campaign/pool.ts';

const inline = (body: string) => () => new Worker(`const { parentPort } = require('node:worker_threads');\n${body}`, { eval: true });
const ECHO = inline("parentPort.on('message', (m) => parentPort.postMessage({ type: 'runs', id: m.id, results: [] }));");
const job = { type: 'runs', specs: [], known: [] } as const;

describe('createPool', () => {
  it('should answer each job with its own reply', async () => {
    const pool = createPool(2, ECHO);
    const outcomes = await Promise.all([0, 1, 2, 3].map(() => pool.submit(job, 60_000)));
    expect(outcomes.map((o) => o.type)).toEqual(['runs', 'runs', 'runs', 'runs']);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(4);
    await pool.terminate();
  });

  it('should terminate and replace a worker that does not answer in time', async () => {
    let spawned = 0;
    const pool = createPool(1, () => (spawned++ === 0 ? inline("parentPort.on('message', () => {});")() : ECHO()));
    const hung = await pool.submit(job, 300);
    expect(hung).toMatchObject({ type: 'died', why: 'no answer within 300 ms' });
    expect(pool.replaced()).toBe(1);
    expect((await pool.submit(job, 60_000)).type).toBe('runs');
    await pool.terminate();
  });

  it('should give up after three workers in a row die before answering once', async () => {
    const pool = createPool(1, inline("parentPort.on('message', () => process.exit(5));"));
    for (let n = 0; n < 3; n++) expect((await pool.submit(job, 60_000)).type).toBe('died');
    expect(pool.broken()).toContain('3 workers died before answering once');
    await pool.terminate();
  });
});
