/**
 * One real `bvsim replay` process over a corpus of small recorded traces in a temporary
 * directory: the regression-corpus case SPEC §5 wants to take seconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTrace, recordTrace } from '../../traces/index.ts';
import type { Workload } from './workloads.ts';

export interface CorpusResult {
  readonly traces: number;
  readonly eventsPerTrace: number;
  readonly seconds: number;
  readonly exitCode: number | null;
}

export function measureCorpus(w: Workload, traces: number, eventsPerTrace: number, now: () => number): CorpusResult {
  const dir = mkdtempSync(join(tmpdir(), 'bvsim-bench-'));
  try {
    const rec = recordTrace(w.events(eventsPerTrace));
    if (!rec.ok) throw new Error(`workload rejected: ${rec.error.message}`);
    const text = encodeTrace(rec.trace);
    const files = Array.from({ length: traces }, (_, k) => join(dir, `t${String(k).padStart(5, '0')}.trace.jsonl`));
    for (const f of files) writeFileSync(f, text);
    const cli = join(import.meta.dirname, '..', 'cli.ts');
    const t0 = now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'replay', '--quiet', ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = (now() - t0) / 1000;
    if (r.status !== 0) process.stderr.write(r.stderr.split('\n').slice(0, 3).join('\n'));
    return { traces, eventsPerTrace, seconds, exitCode: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
