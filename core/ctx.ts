/**
 * The per-event context a recipe reports through: findings, wraps, a rejection, and the
 * objects it touched (so the per-event checkers look only there). Not state: it lives for
 * one event and is never stored.
 */
import type { Finding, FindingKind, Rejection } from './findings.ts';
import type { Wrap, WrapLog } from './kernel_int.ts';

export interface ModelOptions {
  /** Mutant flags that re-create earlier (buggy) kernel revisions; all off by default. */
  readonly mutants: Readonly<Record<string, boolean>>;
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

export function makeCtx(i: number, opts: ModelOptions): StepCtx {
  const findings: Finding[] = [];
  const add = (kind: FindingKind, id: string, detail: string): void => {
    findings.push({ kind, id, detail });
  };
  const ctx: StepCtx = {
    i,
    opts,
    findings,
    wraps: [],
    touched: [],
    rejection: null,
    warn: (id, detail) => add('warn', id, detail),
    bug: (id, detail) => add('bug', id, detail),
    invariant: (id, detail) => add('invariant', id, detail),
    reject(field, message) {
      ctx.rejection ??= { field, message };
      return null;
    },
    touch(kind, id) {
      ctx.touched.push({ kind, id });
    },
    mutant: (name) => opts.mutants[name] === true,
    wrap(w) {
      ctx.wraps.push(w);
    },
  };
  return ctx;
}
