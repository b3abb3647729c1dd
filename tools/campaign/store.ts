/**
 * The findings store on disk (fuzz/findings.ts says what the bytes mean). Traces are written
 * to a temporary file, synced, then renamed into place, so a `kill -9` leaves either no file or
 * a whole one; the log is appended one record per write, and a line cut short by a kill is cut
 * off before the next append. A lock file keeps two campaigns out of one store.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecord, findingFileName, parseLog, STORE_FINDINGS, STORE_LOG, viewOf, type LogRecord, type StoreView } from '../../fuzz/index.ts';

const TMP_PREFIX = '.tmp-';
const LOCK = 'lock';

export interface StoreContents {
  readonly dir: string;
  readonly records: readonly LogRecord[];
  readonly fileNames: readonly string[];
  readonly view: StoreView;
  /** Log lines that do not parse (other than a cut-off last line). */
  readonly errors: readonly { line: number; message: string }[];
  readonly partialTail: boolean;
}

export function storePaths(dir: string): { log: string; findings: string; lock: string } {
  return { log: join(dir, STORE_LOG), findings: join(dir, STORE_FINDINGS), lock: join(dir, LOCK) };
}

export function isStore(dir: string): boolean {
  return existsSync(storePaths(dir).log) || existsSync(storePaths(dir).findings);
}

/** Reads a store; a missing directory reads as an empty store. */
export function readStore(dir: string): StoreContents {
  const paths = storePaths(dir);
  const text = existsSync(paths.log) ? readFileSync(paths.log, 'utf8') : '';
  const parsed = parseLog(text);
  const fileNames = existsSync(paths.findings) ? readdirSync(paths.findings).filter((n) => !n.startsWith(TMP_PREFIX)).sort(compare) : [];
  return { dir, records: parsed.records, fileNames, view: viewOf(parsed.records, fileNames), errors: parsed.errors, partialTail: parsed.partialTail };
}

export interface StoreWriter {
  readonly dir: string;
  append(r: LogRecord): void;
  /** Writes a finding's trace atomically; returns its file name (an identical file already there is kept). */
  writeTrace(signature: string, text: string): string;
  /** Copies a trace file from another store, atomically, never over an existing file. */
  copyTrace(fromDir: string, name: string): void;
  removeTrace(name: string): void;
  release(): void;
}

/** Opens a store for writing: creates it, takes the lock, clears stale temporaries, mends a cut-off log. */
export function openStore(dir: string): StoreWriter {
  const paths = storePaths(dir);
  mkdirSync(paths.findings, { recursive: true });
  takeLock(paths.lock);
  for (const n of readdirSync(paths.findings)) if (n.startsWith(TMP_PREFIX)) unlinkSync(join(paths.findings, n));
  mendLog(paths.log);
  let tmpCount = 0;
  const atomicWrite = (name: string, text: string): void => {
    const tmp = join(paths.findings, `${TMP_PREFIX}${process.pid}-${tmpCount++}`);
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(paths.findings, name));
  };
  return {
    dir,
    append: (r) => appendFileSync(paths.log, encodeRecord(r)),
    writeTrace(signature, text) {
      const name = findingFileName(signature, text);
      if (!existsSync(join(paths.findings, name))) atomicWrite(name, text);
      return name;
    },
    copyTrace(fromDir, name) {
      if (existsSync(join(paths.findings, name))) return;
      atomicWrite(name, readFileSync(join(storePaths(fromDir).findings, name), 'utf8'));
    },
    removeTrace: (name) => unlinkSync(join(paths.findings, name)),
    release: () => {
      if (existsSync(paths.lock) && readFileSync(paths.lock, 'utf8').trim() === String(process.pid)) unlinkSync(paths.lock);
    },
  };
}

/** A lock left by a process that is gone (killed) is taken over; a live one is refused. */
function takeLock(path: string): void {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    return;
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
  }
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
    throw new StoreBusyError(`${path}: the store is in use by process ${pid}`);
  }
  writeFileSync(path, `${process.pid}\n`);
}

export class StoreBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}

/** A record cut short by a kill is dropped, so the next append starts on a fresh line. */
function mendLog(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  if (text === '' || text.endsWith('\n')) return;
  truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
