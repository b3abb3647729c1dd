// An in-memory Io for running the CLI in tests: files are a map, output is collected.
// Paths in `dirs` behave as directories; reading anything else absent fails like the OS does.
import type { Io } from '../../tools/io.ts';
import { main } from '../../tools/main.ts';

export interface MemoryIo extends Io {
  readonly files: Map<string, string>;
  stdout(): string;
  stderr(): string;
}

function osError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${path}`), { code });
}

export function memoryIo(files: Record<string, string> = {}, dirs: readonly string[] = []): MemoryIo {
  const store = new Map(Object.entries(files));
  const out: string[] = [];
  const err: string[] = [];
  return {
    files: store,
    isTty: false,
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readFile(path) {
      if (dirs.includes(path)) throw osError('EISDIR', path);
      const text = store.get(path);
      if (text === undefined) throw osError('ENOENT', path);
      return text;
    },
    writeFile(path, text, overwrite = false) {
      if (!overwrite && store.has(path)) throw osError('EEXIST', path);
      store.set(path, text);
    },
    exists: (path) => store.has(path) || dirs.includes(path),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** Runs `bvsim ARGV` in memory and returns the exit code and both streams. */
export function runCli(argv: readonly string[], files: Record<string, string> = {}, dirs: readonly string[] = []) {
  const io = memoryIo(files, dirs);
  const code = main(argv, io);
  return { code, out: io.stdout(), err: io.stderr(), io };
}
