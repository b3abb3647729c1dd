// `bvsim fuzz` as separate processes: four shards merged equal one campaign over the same runs
// (run through `npm run bvsim`, which proves the worker threads get tsx's loader), and a
// campaign killed with SIGKILL leaves only whole traces and resumes to the exact counts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingSignature } from '../../core/index.ts';
import { campaignRun, runCampaignRun } from '../../fuzz/index.ts';
import { readStore } from '../../tools/campaign/store.ts';
import { decodeTrace } from '../../traces/index.ts';
import { runCli } from './memory_io.ts';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const ROOT = join(import.meta.dirname, '..', '..');
const SEED = 77;
const RUNS = 12;
const FLAGS = ['--seed', String(SEED), '--canary', 'alloc.failed', '--no-shrink', '--progress-every', '1s'];

interface Exit {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a command in its own process group (so a kill reaches every process it starts). */
function run(cmd: string, args: string[], onStart?: (pid: number) => void): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
    if (child.pid !== undefined) onStart?.(child.pid);
  });
}

const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `bvsim-${name}-`));

function countsOf(n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let k = 0; k < n; k++) {
    const r = runCampaignRun(campaignRun(SEED, k), { mutants: [], policy: null, canary: 'alloc.failed' }, new Set());
    if (r.first !== null) counts[findingSignature(r.first)] = (counts[findingSignature(r.first)] ?? 0) + 1;
  }
  return counts;
}

describe(`bvsim fuzz across processes (campaign seed ${SEED})`, () => {
  it(`should merge four shards of ${RUNS} runs into what one campaign over them finds`, async () => {
    const single = tmp('single');
    const shards = [0, 1, 2, 3].map(() => tmp('shard'));
    const results = await Promise.all([
      run('npm', ['run', '--silent', 'bvsim', '--', 'fuzz', '--runs', String(RUNS), '--workers', '2', '--out', single, ...FLAGS]),
      ...shards.map((dir, i) => run('npx', ['tsx', 'tools/cli.ts', 'fuzz', '--runs', String(RUNS), '--shard', `${i}/4`, '--workers', '1', '--out', dir, ...FLAGS])),
    ]);
    for (const r of results) expect([0, 1], r.err).toContain(r.code);
    const merged = join(tmp('merged'), 'store');
    expect(runCli(['findings', 'merge', ...shards, '--out', merged]).code).toBe(0);
    const one = readStore(single).view;
    const all = readStore(merged).view;
    expect(one.runs).toBe(RUNS);
    expect(all.runs).toBe(RUNS);
    expect(all.counts).toEqual(one.counts);
    expect([...all.files.keys()].sort(byText)).toEqual([...one.files.keys()].sort(byText));
    expect(Object.keys(one.counts).length).toBeGreaterThan(0);
    expect(runCli(['findings', 'merge', merged, ...shards]).code).toBe(0);
    expect(readStore(merged).view.counts).toEqual(one.counts);
  });

  it('should stop cleanly on SIGINT: the runs in flight finish, the summary is printed, the log ends', async () => {
    const dir = tmp('interrupted');
    const log = join(dir, 'campaign.jsonl');
    // A run budget far away rather than a time budget: no boost runs, so counts are those of runs 0..n-1.
    const r = await run('node', ['tools/bin.mjs', 'fuzz', '--runs', '1000', '--workers', '2', '--out', dir, ...FLAGS], (pid) => {
      const poll = setInterval(() => {
        if (existsSync(log) && readFileSync(log, 'utf8').includes('"type":"finding"')) {
          clearInterval(poll);
          process.kill(pid, 'SIGINT');
        }
      }, 50);
    });
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain('stopped after');
    expect(r.out).toContain(': interrupted');
    const store = readStore(dir);
    const end = store.records.at(-1);
    expect(end?.type === 'end' && end.reason).toBe('signal');
    expect(store.view.counts).toEqual(countsOf(store.view.runs));
  });

  it('should leave only whole traces after SIGKILL and resume to the exact counts', async () => {
    const dir = tmp('killed');
    const log = join(dir, 'campaign.jsonl');
    const killed = await run('node', ['tools/bin.mjs', 'fuzz', '--runs', '1000', '--workers', '1', '--out', dir, ...FLAGS], (pid) => {
      const poll = setInterval(() => {
        if (existsSync(log) && readFileSync(log, 'utf8').includes('"type":"finding"')) {
          clearInterval(poll);
          process.kill(-pid, 'SIGKILL');
        }
      }, 50);
    });
    expect(killed.code).toBeNull();
    for (const name of readdirSync(join(dir, 'findings')).filter((n) => !n.startsWith('.tmp-'))) {
      expect(decodeTrace(readFileSync(join(dir, 'findings', name), 'utf8')).ok, name).toBe(true);
    }
    const before = readStore(dir).view;
    const resumed = await run('node', ['tools/bin.mjs', 'fuzz', '--runs', '8', '--workers', '1', '--out', dir, ...FLAGS]);
    expect([0, 1], resumed.err).toContain(resumed.code);
    expect(resumed.out).toContain('resuming at run');
    const after = readStore(dir).view;
    expect(after.runs).toBe(Math.max(8, before.runs));
    expect(after.counts).toEqual(countsOf(after.runs));
    for (const sig of before.files.keys()) expect(after.files.get(sig)).toBe(before.files.get(sig));
  });
});
