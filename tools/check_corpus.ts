/**
 * The replay half of `bvsim check`: every trace named `<finding>__<anything>.trace.jsonl` must
 * reproduce the finding its name starts with — a finding id (`bio.size_overflow`, as in
 * test/regressions/) or a signature (`invariant.bio.size_overflow`, as in a findings store) —
 * with the mutants its header names (and any `--mutant`) turned on.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findingSignature, resolveMutants, type Finding } from '../core/index.ts';
import { STORE_FINDINGS } from '../fuzz/index.ts';
import { decodeTrace, formatTraceError, replayTrace } from '../traces/index.ts';
import { EXIT, type ExitCode, type Io } from './io.ts';
import type { JunitCase } from './junit.ts';

export interface CorpusCase extends JunitCase {
  readonly exit: ExitCode;
}

const SUFFIX = '.trace.jsonl';

/** The trace files of a directory, or of a findings store's findings/ directory, sorted. */
export function corpusFiles(dir: string): string[] {
  const store = join(dir, STORE_FINDINGS);
  const from = existsSync(store) && statSync(store).isDirectory() ? store : dir;
  return readdirSync(from)
    .filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => join(from, n));
}

/** The finding a file name promises: the part before the first `__`. */
export function expectedFinding(path: string): string | null {
  const base = path.split(/[\\/]/).pop() ?? path;
  const cut = base.indexOf('__');
  return cut > 0 ? base.slice(0, cut) : null;
}

export function matchesName(name: string, f: Finding): boolean {
  return name === f.id || name === findingSignature(f);
}

export function checkTrace(path: string, mutants: readonly string[], io: Io): CorpusCase {
  const fail = (exit: ExitCode, failure: string): CorpusCase => ({ name: path, failure, exit });
  const want = expectedFinding(path);
  if (want === null) return fail(EXIT.traceError, `${path}: the file name does not say which finding it reproduces (<finding>__<anything>${SUFFIX})`);
  let text: string;
  try {
    text = io.readFile(path);
  } catch (err) {
    return fail(EXIT.traceError, `${path}:0: cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const decoded = decodeTrace(text);
  if (!decoded.ok) return fail(EXIT.traceError, formatTraceError(path, decoded.error));
  const flags = resolveMutants([...(decoded.value.header.mutants ?? []), ...mutants]);
  if ('unknown' in flags) return fail(EXIT.traceError, `${path}:1: unknown mutant "${flags.unknown}" (mutants)`);
  const r = replayTrace(decoded.value, { model: { mutants: flags.flags }, mode: 'mutable' });
  if (r.error !== null) return fail(EXIT.traceError, formatTraceError(path, r.error));
  if (r.divergence !== null) {
    const d = r.divergence;
    return fail(EXIT.divergence, `${path}:${d.line}: replay diverges at step ${d.i}: recorded ${d.what} ${d.expected}, model gives ${d.got}`);
  }
  if (r.findings.some((f) => matchesName(want, f))) return { name: path, failure: null, exit: EXIT.ok };
  const got = r.findings.length === 0 ? 'no finding' : r.findings.map(findingSignature).join(', ');
  return fail(EXIT.finding, `${path}: does not reproduce ${want} (replay gives ${got}); reproduce: bvsim replay ${path}`);
}
