/**
 * Migrations: a trace written by an older format version is read by lifting each parsed
 * line, version by version, to the current one. Each step is a pure function on parsed JSON
 * lines, tested with a real trace of the older version.
 */
import { TRACE_VERSION } from './format.ts';

/** One migration: lifts parsed lines (header first) from `from` to `from + 1`. */
export interface Migration {
  readonly from: number;
  readonly describe: string;
  migrate(lines: readonly unknown[]): unknown[];
}

/**
 * Registered migrations, oldest first. Version 1 is the first published format, so the
 * list is empty until version 2 exists; `migrateLines` still runs every trace through it.
 */
export const MIGRATIONS: readonly Migration[] = [];

/**
 * Lifts `lines` written at `version` to `target` with the given migration list. The header's
 * `version` is restamped after each step here, so a migration only states what changed.
 */
export function migrateLines(
  lines: readonly unknown[],
  version: number,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = TRACE_VERSION,
): { lines: unknown[] } | { error: string } {
  let cur = [...lines];
  for (let v = version; v < target; v++) {
    const m = migrations.find((x) => x.from === v);
    if (m === undefined) return { error: `trace version ${version} cannot be read: no migration from version ${v} to ${v + 1}` };
    const [header, ...rest] = m.migrate(cur);
    cur = [restamp(header, v + 1), ...rest];
  }
  return { lines: cur };
}

function restamp(header: unknown, version: number): unknown {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return header;
  return { ...header, version };
}
