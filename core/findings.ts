/**
 * Findings are data (SPEC §3): a kernel WARN, a kernel BUG or oops, a broken invariant, or
 * (from the fuzz layer only) an internal error of the model itself.
 */

export type FindingKind = 'warn' | 'bug' | 'invariant' | 'internal';

export interface Finding {
  readonly kind: FindingKind;
  /** Stable `<object or function>.<property>` id; listed in docs/findings.md. */
  readonly id: string;
  readonly detail: string;
}

/** A trace line that names what cannot be: an id never created, a slot out of range. */
export interface Rejection {
  readonly field: string;
  readonly message: string;
}

export function findingSignature(f: Pick<Finding, 'kind' | 'id'>): string {
  return `${f.kind}.${f.id}`;
}
