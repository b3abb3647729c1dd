/**
 * One real `bvsim fuzz` process, as a user starts it, watched from outside: its exit, its
 * wall time, its memory (resident set sampled from /proc while it runs, and the kernel's
 * high-water mark), and afterwards the records it left in its store's campaign.jsonl. The
 * campaign benchmarks are built on this so that they measure the tool, not a test double.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MemorySample {
  readonly atMs: number;
  readonly rssBytes: number;
}

export interface FuzzProcessResult {
  readonly exitCode: number | null;
  readonly wallMs: number;
  /** VmHWM at the last sample: the peak resident set of the whole process (all workers). */
  readonly peakRssBytes: number;
  readonly samples: readonly MemorySample[];
  /** The store's campaign.jsonl, one parsed record per line. */
  readonly records: readonly Record<string, unknown>[];
  /** The last lines the process printed, for a failing run's message. */
  readonly tail: string;
}

export interface FuzzProcessOptions {
  readonly sampleEveryMs: number;
  readonly now: () => number;
}

const CLI = join(import.meta.dirname, '..', 'cli.ts');

/** Resident set and its high-water mark of `pid` in bytes, or null once it is gone (Linux /proc). */
function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

function readRecords(dir: string): Record<string, unknown>[] {
  const file = join(dir, 'campaign.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Runs `bvsim fuzz ARGS --out <fresh dir>` to its end; the store is removed afterwards. */
export async function runFuzzProcess(args: readonly string[], o: FuzzProcessOptions): Promise<FuzzProcessResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bvsim-fuzz-bench-'));
  const started = o.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'fuzz', ...args, '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer): void => {
    output = (output + b.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const samples: MemorySample[] = [];
  let peak = 0;
  const sample = (): void => {
    if (child.pid === undefined) return;
    const m = procMemory(child.pid);
    if (m === null) return;
    samples.push({ atMs: o.now() - started, rssBytes: m.rss });
    peak = Math.max(peak, m.hwm, m.rss);
  };
  const timer = setInterval(sample, o.sampleEveryMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearInterval(timer);
  const wallMs = o.now() - started;
  try {
    return { exitCode, wallMs, peakRssBytes: peak, samples, records: readRecords(dir), tail: output.trim().split('\n').slice(-3).join(' | ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sample taken closest to `atMs`, or null when there is none within a tenth of it. */
export function sampleNear(samples: readonly MemorySample[], atMs: number): MemorySample | null {
  let best: MemorySample | null = null;
  for (const s of samples) if (best === null || Math.abs(s.atMs - atMs) < Math.abs(best.atMs - atMs)) best = s;
  return best !== null && Math.abs(best.atMs - atMs) <= atMs / 10 ? best : null;
}
