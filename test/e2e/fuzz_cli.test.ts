// `bvsim fuzz` in this process with real worker threads and a store in a temporary directory:
// the store's counts equal the runs computed here one by one, a rerun resumes where the store
// left off, --until-finding stops at the first finding, and a worker that dies is replaced.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { findingSignature } from '../../core/index.ts';
import { campaignRun, runCampaignRun } from '../../fuzz/index.ts';
import { parseArgv } from '../../tools/argv.ts';
import { readStore } from '../../tools/campaign/store.ts';
import { runFuzz } from '../../tools/commands/fuzz.ts';
import { main } from '../../tools/main.ts';
import { memoryIo } from './memory_io.ts';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const SEED = 424242;
const CANARY = ['--canary', 'alloc.failed', '--no-shrink'];

/** What runs 0..n-1 of the campaign give, computed one by one in this thread. */
function expectedCounts(n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let k = 0; k < n; k++) {
    const r = runCampaignRun(campaignRun(SEED, k), { mutants: [], policy: null, canary: 'alloc.failed' }, new Set());
    if (r.first !== null) counts[findingSignature(r.first)] = (counts[findingSignature(r.first)] ?? 0) + 1;
  }
  return counts;
}

async function fuzz(argv: string[]) {
  const io = memoryIo();
  const code = await main(['fuzz', '--workers', '2', ...argv], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe(`bvsim fuzz (campaign seed ${SEED})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bvsim-fuzz-'));

  it('should print the seed first and store each distinct finding once, with exact counts', async () => {
    const r = await fuzz(['--runs', '6', '--seed', String(SEED), '--out', dir, ...CANARY]);
    expect(r.out.split('\n')[0]).toBe(`campaign seed ${SEED}`);
    const want = expectedCounts(6);
    const store = readStore(dir);
    expect(store.view.counts).toEqual(want);
    expect([...store.view.files.keys()].sort(byText)).toEqual(Object.keys(want).sort(byText));
    expect(readdirSync(join(dir, 'findings')).length).toBe(Object.keys(want).length);
    expect(r.code).toBe(Object.keys(want).length === 0 ? 0 : Object.keys(want).some((s) => s.startsWith('internal.')) ? 70 : 1);
    expect(store.records.map((x) => x.type).filter((t) => t === 'start' || t === 'end')).toEqual(['start', 'end']);
  });

  it('should resume from the store without --seed and count each run once', async () => {
    const r = await fuzz(['--runs', '9', '--out', dir, ...CANARY]);
    expect(r.out).toContain(`campaign seed ${SEED}\nresuming at run 6: 6 runs`);
    const store = readStore(dir);
    expect(store.view.runs).toBe(9);
    expect(store.view.counts).toEqual(expectedCounts(9));
  });

  it('should stop at the first finding once it is written (--until-finding)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bvsim-until-'));
    const r = await fuzz(['--seed', String(SEED), '--out', out, '--until-finding', '--time', '10m', ...CANARY]);
    expect(r.out).toContain('first finding (--until-finding)');
    const store = readStore(out);
    const end = store.records.at(-1);
    expect(end?.type === 'end' && end.reason).toBe('finding');
    const first = store.records.find((x) => x.type === 'finding');
    expect(first?.type === 'finding' && end?.type === 'end' && end.nextK).toBe(first?.type === 'finding' ? (first.k ?? -1) + 1 : -1);
    expect(Object.values(store.view.counts)).toEqual([1]);
  });

  it('should replace a worker that dies and record the run that killed it as internal model.worker_exit', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bvsim-dying-'));
    const parsed = parseArgv(['fuzz', '--workers', '2', '--runs', '5', '--seed', String(SEED), '--out', out, '--no-shrink']);
    if (!parsed.ok || parsed.command.kind !== 'fuzz') throw new Error('does not parse');
    const io = memoryIo();
    const spawn = (init: object) => () => new Worker(new URL('../tools/campaign/dying_worker.mjs', import.meta.url), { workerData: { ...init, dieAtK: 3 } });
    const code = await runFuzz(parsed.command.args, io, spawn);
    expect(code).toBe(70);
    const store = readStore(out);
    expect(store.view.counts['internal.model.worker_exit']).toBe(1);
    expect(store.view.runs).toBe(5);
    const rec = store.records.find((x) => x.type === 'finding' && x.signature === 'internal.model.worker_exit');
    expect(rec?.type === 'finding' && rec.k).toBe(3);
    expect(io.stdout()).toMatch(/workers: 2, [1-9]\d* replaced after dying/);
  });

  it('should give up (exit 70) when every worker dies before answering once', async () => {
    const parsed = parseArgv(['fuzz', '--workers', '1', '--runs', '3', '--seed', String(SEED), '--out', mkdtempSync(join(tmpdir(), 'bvsim-broken-'))]);
    if (!parsed.ok || parsed.command.kind !== 'fuzz') throw new Error('does not parse');
    const io = memoryIo();
    const code = await runFuzz(parsed.command.args, io, () => () => new Worker('throw new Error("no such worker")', { eval: true }));
    expect(code).toBe(70);
    expect(io.stderr()).toContain('the worker pool gave up: 3 workers died before answering once');
  });

  it('should refuse a bad shard or design as a usage error', async () => {
    expect((await fuzz(['--shard', '4/4'])).code).toBe(2);
    expect((await fuzz(['--design', 'spiral'])).code).toBe(2);
  });

  it('should list the mutants with --list-mutants', async () => {
    const r = await fuzz(['--list-mutants']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('bvecq_pos_v1\n');
  });
});
