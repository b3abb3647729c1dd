/**
 * Mutant flags: each re-creates a real earlier (buggy) revision of a kernel function, so
 * the fuzzer can be tested on bugs as they were (REFERENCE §3). All are off by default.
 * A group name turns on every member flag.
 */

export interface MutantInfo {
  readonly description: string;
  /** The kernel commit subject or series item that fixed it. */
  readonly fixedBy: string;
}

export const MUTANTS: Readonly<Record<string, MutantInfo>> = Object.freeze({});

/** Flag groups: one name for a whole earlier revision. */
export const MUTANT_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({});

/** Expands names (flags or groups) into the set of flags, or returns the first unknown name. */
export function resolveMutants(names: readonly string[]): { flags: Record<string, boolean> } | { unknown: string } {
  const flags: Record<string, boolean> = {};
  for (const name of names) {
    const group = MUTANT_GROUPS[name];
    if (group !== undefined) {
      for (const f of group) flags[f] = true;
    } else if (MUTANTS[name] !== undefined) {
      flags[name] = true;
    } else {
      return { unknown: name };
    }
  }
  return { flags };
}

export function mutantNames(): string[] {
  return [...Object.keys(MUTANT_GROUPS), ...Object.keys(MUTANTS)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
