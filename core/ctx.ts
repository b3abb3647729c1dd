/**
 * The per-event context a recipe reports through: findings, wraps, a rejection, and the
 * objects it touched (so the per-event checkers look only there). Not state: it lives for
 * one event and is never stored.
 */
import type { Finding, Rejection } from './findings.ts';
import type { Wrap, WrapLog } from './kernel_int.ts';

export interface ModelOptions {
  /** Mutant flags that re-create earlier (buggy) kernel revisions; all off by default. */
  readonly mutants: Readonly<Record<string, boolean>>;
  /**
   * Whether the engine runs the per-event invariant checkers (invariants/index.ts
   * `checkAfterEvent`) after each event, and the data-placement check of every copy; on
   * unless set to false. Only the benchmark turns them off, to measure what they cost: WARN
   * and BUG sites and the quiescence checks still run, so a run without them misses
   * structural invariants and misplaced bytes and must never be reported as clean.
   */
  readonly eventChecks?: boolean;
}

export const DEFAULT_OPTIONS: ModelOptions = Object.freeze({ mutants: Object.freeze({}) });

export type TouchedKind = 'folio' | 'bvecq' | 'iter' | 'pos' | 'bio' | 'biter';

export interface StepCtx extends WrapLog {
  /** Index of the event in its trace, used for tombstones and details. */
  readonly i: number;
  readonly opts: ModelOptions;
  readonly findings: Finding[];
  readonly wraps: Wrap[];
  readonly touched: { kind: TouchedKind; id: number }[];
  rejection: Rejection | null;
  warn(id: string, detail: string): void;
  bug(id: string, detail: string): void;
  invariant(id: string, detail: string): void;
  /** Marks the event malformed; returns null so a recipe can `return ctx.reject(...)`. */
  reject(field: string, message: string): null;
  touch(kind: TouchedKind, id: number): void;
  mutant(name: string): boolean;
}

/**
 * One object per event with its methods on the prototype: a closure-per-method context cost
 * more than the recipes themselves in mutable mode (allocation and, under tsx, name wrapping).
 */
class StepContext implements StepCtx {
  readonly i: number;
  readonly opts: ModelOptions;
  readonly findings: Finding[] = [];
  readonly wraps: Wrap[] = [];
  readonly touched: { kind: TouchedKind; id: number }[] = [];
  rejection: Rejection | null = null;

  constructor(i: number, opts: ModelOptions) {
    this.i = i;
    this.opts = opts;
  }

  warn(id: string, detail: string): void {
    this.findings.push({ kind: 'warn', id, detail });
  }

  bug(id: string, detail: string): void {
    this.findings.push({ kind: 'bug', id, detail });
  }

  invariant(id: string, detail: string): void {
    this.findings.push({ kind: 'invariant', id, detail });
  }

  reject(field: string, message: string): null {
    this.rejection ??= { field, message };
    return null;
  }

  touch(kind: TouchedKind, id: number): void {
    this.touched.push({ kind, id });
  }

  mutant(name: string): boolean {
    return this.opts.mutants[name] === true;
  }

  wrap(w: Wrap): void {
    this.wraps.push(w);
  }
}

/**
 * Whether entry `k` of the event's touched list repeats an earlier one, so a checker looks at
 * each object once without building a set for the usual one or two entries.
 */
export function touchedBefore(ctx: StepCtx, k: number): boolean {
  const t = ctx.touched[k];
  if (t === undefined) return false;
  for (let j = 0; j < k; j++) {
    const u = ctx.touched[j];
    if (u !== undefined && u.kind === t.kind && u.id === t.id) return true;
  }
  return false;
}

export function makeCtx(i: number, opts: ModelOptions): StepCtx {
  return new StepContext(i, opts);
}
