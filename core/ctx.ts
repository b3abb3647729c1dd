/**
 * The per-event context a recipe reports through: findings, wraps, a rejection, and the
 * objects it touched (so the per-event checkers look only there). Not state: what it holds
 * lives for one event and is never stored.
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
  /** The objects the event touched: the first `touchedCount` entries (the rest are stale). */
  readonly touched: readonly { readonly kind: TouchedKind; readonly id: number }[];
  readonly touchedCount: number;
  rejection: Rejection | null;
  warn(id: string, detail: string): void;
  bug(id: string, detail: string): void;
  invariant(id: string, detail: string): void;
  /** Marks the event malformed; returns null so a recipe can `return ctx.reject(...)`. */
  reject(field: string, message: string): null;
  touch(kind: TouchedKind, id: number): void;
  mutant(name: string): boolean;
}

/** A context an engine keeps for all its events, emptied before each one. */
export interface ReusableCtx extends StepCtx {
  reset(i: number): void;
}

/**
 * One object with its methods on the prototype: a closure-per-method context cost more than
 * the recipes themselves in mutable mode (allocation and, under tsx, name wrapping). An
 * engine reuses one for every event (`reset`), touched entries included, so a step allocates
 * nothing here unless it reports something; its findings and wraps are copied out.
 */
class StepContext implements ReusableCtx {
  i: number;
  readonly opts: ModelOptions;
  readonly findings: Finding[] = [];
  readonly wraps: Wrap[] = [];
  /** Entries are overwritten in place from one event to the next: no allocation per touch. */
  readonly touched: { kind: TouchedKind; id: number }[] = [];
  touchedCount = 0;
  rejection: Rejection | null = null;

  constructor(i: number, opts: ModelOptions) {
    this.i = i;
    this.opts = opts;
  }

  reset(i: number): void {
    this.i = i;
    // Setting `length` calls a builtin even on an empty array, and most events report nothing.
    if (this.findings.length !== 0) this.findings.length = 0;
    if (this.wraps.length !== 0) this.wraps.length = 0;
    this.touchedCount = 0;
    this.rejection = null;
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
    const entry = this.touched[this.touchedCount++];
    if (entry === undefined) {
      this.touched.push({ kind, id });
      return;
    }
    entry.kind = kind;
    entry.id = id;
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
  if (t === undefined || k >= ctx.touchedCount) return false;
  for (let j = 0; j < k; j++) {
    const u = ctx.touched[j];
    if (u !== undefined && u.kind === t.kind && u.id === t.id) return true;
  }
  return false;
}

export function makeCtx(i: number, opts: ModelOptions): ReusableCtx {
  return new StepContext(i, opts);
}
