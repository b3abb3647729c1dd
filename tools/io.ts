/**
 * The world as the CLI sees it. Commands take an `Io` so tests run them in memory; only
 * `realIo` touches the process, the filesystem and the clock.
 */
import { readFileSync, writeFileSync, renameSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Reads a UTF-8 text file; invalid UTF-8 throws (code ERR_ENCODING_INVALID_ENCODED_DATA). */
  readFile(path: string): string;
  /** Writes atomically (temporary file, then rename). Refuses to replace an existing file unless `overwrite`. */
  writeFile(path: string, text: string, overwrite?: boolean): void;
  exists(path: string): boolean;
  /** Whether stdout is a terminal (progress display vs plain lines). */
  readonly isTty: boolean;
  /** Monotonic milliseconds, for budgets and timings; an Io without it (tests) has time stand still. */
  readonly now?: () => number;
}

export function realIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    // Fatal decoding: a silently replaced byte would make a corrupt trace look valid.
    readFile: (p) => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(p)),
    writeFile(p, text, overwrite = false) {
      if (!overwrite && existsSync(p)) throw new Error(`${p}: exists; not overwriting it`);
      mkdirSync(dirname(p), { recursive: true });
      const tmp = `${p}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, p);
    },
    exists: (p) => existsSync(p),
    isTty: process.stdout.isTTY,
    now: () => performance.now(),
  };
}

/** Exit codes (SPEC §5). */
export const EXIT = Object.freeze({ ok: 0, finding: 1, usage: 2, divergence: 3, traceError: 4, internal: 70 });
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
